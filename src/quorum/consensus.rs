//! The vote arithmetic, as the reference defines it: consensus is the sum of
//! weight x confidence over the pass votes, divided by the participating weight
//! (the weight of the models that gave a valid vote); the file passes at the
//! threshold or above, and under the minimum participating weight the verdict
//! is inconclusive whatever the score.

use serde::Serialize;

/// What the quorum decided about one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    Inconclusive,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// The arithmetic's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tally {
    pub consensus: f64,
    pub participating_weight: f64,
    pub verdict: Verdict,
}

/// Scores and weights are decimals written in a config file: compare with a
/// little room so 0.6 x 6.5 / 6.5 counts as 0.6.
const EPSILON: f64 = 1e-9;

/// `votes`: each valid vote as (weight, pass, confidence).
pub fn tally(votes: &[(f64, bool, f64)], threshold: f64, min_participating_weight: f64) -> Tally {
    let participating_weight = votes.iter().fold(0.0, |sum, (w, _, _)| sum + w);
    let pass = votes
        .iter()
        .filter(|(_, pass, _)| *pass)
        .fold(0.0, |sum, (w, _, c)| sum + w * c);
    let consensus = if participating_weight > 0.0 {
        pass / participating_weight
    } else {
        0.0
    };
    let verdict = if participating_weight + EPSILON < min_participating_weight
        || participating_weight <= 0.0
    {
        Verdict::Inconclusive
    } else if consensus + EPSILON >= threshold {
        Verdict::Pass
    } else {
        Verdict::Fail
    };
    Tally {
        consensus,
        participating_weight,
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEIGHTS: [f64; 4] = [2.0, 2.0, 1.5, 1.0];

    fn all(pass: [bool; 4], confidence: [f64; 4]) -> Tally {
        let votes: Vec<(f64, bool, f64)> = (0..4)
            .map(|i| (WEIGHTS[i], pass[i], confidence[i]))
            .collect();
        tally(&votes, 0.6, 3.0)
    }

    #[test]
    fn two_heavy_passes_against_two_fails_is_0_615_and_passes() {
        let t = all([true, true, false, false], [1.0; 4]);
        assert!((t.consensus - 4.0 / 6.5).abs() < 1e-12);
        assert!((t.consensus - 0.615).abs() < 0.001);
        assert_eq!(t.verdict, Verdict::Pass);
    }

    #[test]
    fn all_pass_at_0_59_fails_and_at_0_6_passes() {
        let low = all([true; 4], [0.59; 4]);
        assert!((low.consensus - 0.59).abs() < 1e-12);
        assert_eq!(low.verdict, Verdict::Fail);
        let edge = all([true; 4], [0.6; 4]);
        assert_eq!(edge.verdict, Verdict::Pass);
    }

    #[test]
    fn under_three_participating_weight_is_inconclusive() {
        let t = tally(&[(1.5, true, 1.0), (1.0, true, 1.0)], 0.6, 3.0);
        assert!((t.participating_weight - 2.5).abs() < 1e-12);
        assert_eq!(t.verdict, Verdict::Inconclusive);
        assert_eq!(tally(&[], 0.6, 0.0).verdict, Verdict::Inconclusive);
        assert_eq!(tally(&[(3.0, false, 0.9)], 0.6, 3.0).verdict, Verdict::Fail);
    }
}
