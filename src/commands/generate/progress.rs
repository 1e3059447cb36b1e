//! The progress bars of a run: one per stage, fed by the executor's observer
//! hooks.

use crate::pipeline::codegen;
use crate::pipeline::executor::{Observer, StageReport, StepReport};
use crate::report::StageBar;
use std::sync::Mutex;

/// Progress bars, one per stage, only when the printer draws them.
pub(super) struct Bars {
    enabled: bool,
    current: Mutex<Option<StageBar>>,
}

impl Bars {
    pub(super) fn new(enabled: bool) -> Self {
        Self {
            enabled,
            current: Mutex::new(None),
        }
    }
}

impl Observer for Bars {
    fn stage_started(&self, _stage: usize, name: &str, items: usize) {
        if !self.enabled {
            return;
        }
        if let Ok(mut current) = self.current.lock() {
            let name = codegen::STAGES
                .iter()
                .find(|s| **s == name)
                .copied()
                .unwrap_or("stage");
            *current = Some(StageBar::start(name, items as u64));
        }
    }

    fn step_finished(&self, _stage: usize, _step: &StepReport) {
        if let Ok(current) = self.current.lock()
            && let Some(bar) = current.as_ref()
        {
            bar.inc();
        }
    }

    fn stage_finished(&self, _stage: usize, _report: &StageReport) {
        if let Ok(mut current) = self.current.lock() {
            current.take();
        }
    }
}
