//! Divan micro benchmarks (`make bench-micro`): the per-item costs behind the
//! whole-run table. Parsing one real omnibase-infra contract, rendering a node
//! package's node file with warm (compiled, cached) templates, every lint rule
//! on one generated file, and the executor's own cost per stage with steps that
//! do nothing (on a multi-thread runtime, and on the one-thread runtime
//! `generate` uses), and the cost of a profiling span.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use codegen::contract::Contracts;
use codegen::contract::{LoadOptions, load};
use codegen::lint::{LintContext, lint, role_for_path};
use codegen::pipeline::executor::{Executor, Stage};
use codegen::render::Renderer;
use codegen::render::templates::TemplateManager;

const INFRA: &str = "tests/fixtures/omnibase_infra/node_auth_gate_compute/contract.yaml";
const EXAMPLE: &str = "contracts/node_invoice_total_compute.yaml";

/// The binary's allocator, so that these figures are the binary's.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    divan::main();
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect("fixture is readable")
}

#[divan::bench]
fn parse_infra_contract(bencher: divan::Bencher) {
    let bytes = read(INFRA);
    let options = LoadOptions::default();
    bencher.bench(|| load(Path::new(INFRA), black_box(&bytes), &options).is_ok());
}

#[divan::bench]
fn render_node_cached(bencher: divan::Bencher) {
    let bytes = read(EXAMPLE);
    let contract = load(Path::new(EXAMPLE), &bytes, &LoadOptions::default())
        .expect("example loads")
        .contract;
    let renderer = Renderer::new(TemplateManager::builtin());
    renderer.render_node(&contract).expect("warm-up render");
    bencher.bench(|| {
        renderer
            .render_node(black_box(&contract))
            .map(|files| files.len())
    });
}

#[divan::bench]
fn lint_generated_model(bencher: divan::Bencher) {
    let bytes = read(EXAMPLE);
    let contract = load(Path::new(EXAMPLE), &bytes, &LoadOptions::default())
        .expect("example loads")
        .contract;
    let renderer = Renderer::new(TemplateManager::builtin());
    let files = renderer.render_models(&contract).expect("models render");
    let file = files
        .iter()
        .max_by_key(|f| f.contents.len())
        .expect("at least one model");
    let path = Path::new("node_invoice_total_compute").join(&file.path);
    let context = LintContext {
        role: role_for_path(&path, &Contracts::default()),
        scaffold: false,
        contracts: None,
    };
    bencher.bench(|| lint(&path, black_box(file.contents.as_bytes()), &context).len());
}

/// `validate`'s work on one 100 KB module (the one `benches/run_bench.py` writes), every rule,
/// without the process around it.
#[divan::bench]
fn lint_100kb_module(bencher: divan::Bencher) {
    let mut source = String::new();
    let mut i = 0;
    while source.len() < 100 * 1024 {
        // Writing to a String cannot fail.
        let _ = write!(
            source,
            "def function_{i}(value: int, other: str = 'x') -> int:\n    \"\"\"Return a number.\"\"\"\n    total = value * {i} + len(other)\n    return total if total > 0 else -total\n\n\n"
        );
        i += 1;
    }
    let path = Path::new("big.py");
    let context = LintContext {
        role: role_for_path(path, &Contracts::default()),
        scaffold: false,
        contracts: None,
    };
    bencher.bench(|| lint(path, black_box(source.as_bytes()), &context).len());
}

/// One item through `stages` empty stages: the per-stage handoff cost.
#[divan::bench(args = [1, 8])]
fn executor_empty_stages(bencher: divan::Bencher, stages: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let executor = empty_stages(stages);
    bencher.bench(|| runtime.block_on(executor.run(vec![0])).items.len());
}

/// The same on the runtime `codegen generate` uses: one thread, timers only.
#[divan::bench(args = [1, 8])]
fn executor_empty_stages_current_thread(bencher: divan::Bencher, stages: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let executor = empty_stages(stages);
    bencher.bench(|| runtime.block_on(executor.run(vec![0])).items.len());
}

fn empty_stages(stages: usize) -> Executor<u64> {
    let mut executor = Executor::<u64>::new();
    for i in 0..stages {
        executor = executor.stage(Stage::blocking(format!("s{i}"), |_: &mut u64| Ok(())));
    }
    executor
}

/// One profiling span while `codegen profile` records (two clock reads, the
/// nesting stack, the booking into the thread's buffer), and while it does
/// not (every other command): the per-operation cost behind the profile's
/// measured overhead.
#[divan::bench(args = [false, true], sample_size = 1000)]
fn profile_span(bencher: divan::Bencher, recording: bool) {
    codegen::profile::record(recording);
    bencher.bench(|| {
        let outer = codegen::profile::span("bench outer");
        drop(black_box(codegen::profile::span("bench inner")));
        drop(outer);
    });
    codegen::profile::record(false);
    black_box(codegen::profile::take().len());
}
