//! `--shard auto`: the share of the contracts a CI's parallel job takes, read from the
//! variables the CI sets in each copy of the job.

use crate::cli::Shard;

/// One CI's pair of variables: the job's index and the number of jobs.
struct Ci {
    name: &'static str,
    index: &'static str,
    total: &'static str,
    /// The first job's index: 1 on GitLab, 0 on `CircleCI` and Buildkite.
    first: u32,
}

/// Looked for in this order; the first CI with either variable set is the one used.
const CIS: &[Ci] = &[
    Ci {
        name: "GitLab CI",
        index: "CI_NODE_INDEX",
        total: "CI_NODE_TOTAL",
        first: 1,
    },
    Ci {
        name: "CircleCI",
        index: "CIRCLE_NODE_INDEX",
        total: "CIRCLE_NODE_TOTAL",
        first: 0,
    },
    Ci {
        name: "Buildkite",
        index: "BUILDKITE_PARALLEL_JOB",
        total: "BUILDKITE_PARALLEL_JOB_COUNT",
        first: 0,
    },
];

/// The shard the CI's variables name, `var` giving a variable's value (unset or empty:
/// `None`); the message of the error names the variables looked for, or the one that is wrong.
pub fn from_ci(var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let var = |name: &str| var(name).filter(|value| !value.trim().is_empty());
    for ci in CIS {
        let (index, total) = (var(ci.index), var(ci.total));
        if index.is_none() && total.is_none() {
            continue;
        }
        let total = match total {
            Some(total) => number(ci.total, &total)?,
            None => {
                return Err(format!(
                    "--shard auto: {} is set but {} is not ({})",
                    ci.index, ci.total, ci.name
                ));
            }
        };
        if total == 0 {
            return Err(format!(
                "--shard auto: {} is 0; the number of parallel jobs must be at least 1",
                ci.total
            ));
        }
        let index = match index {
            Some(index) => number(ci.index, &index)?,
            // GitLab sets only the total (1) in a job without `parallel:`: the whole job.
            None if total == 1 => ci.first,
            None => {
                return Err(format!(
                    "--shard auto: {}={total} is set but {} is not ({})",
                    ci.total, ci.index, ci.name
                ));
            }
        };
        let Some(offset) = index.checked_sub(ci.first).filter(|offset| *offset < total) else {
            let last = u64::from(ci.first) + u64::from(total) - 1;
            return Err(format!(
                "--shard auto: {}={index} is outside {}..={last} ({} numbers its {total} jobs from {})",
                ci.index, ci.first, ci.name, ci.first
            ));
        };
        return Ok(Shard {
            index: offset + 1,
            count: total,
        });
    }
    let looked_for: Vec<String> = CIS
        .iter()
        .map(|ci| format!("{}/{} ({})", ci.index, ci.total, ci.name))
        .collect();
    Err(format!(
        "--shard auto: no CI parallel-job variables are set (looked for {}); give --shard I/N",
        looked_for.join(", ")
    ))
}

fn number(name: &str, value: &str) -> Result<u32, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("--shard auto: {name}='{value}' is not a whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(vars: &[(&str, &str)]) -> Result<Shard, String> {
        from_ci(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    fn shard(index: u32, count: u32) -> Shard {
        Shard { index, count }
    }

    #[test]
    fn each_ci_numbers_its_jobs_its_own_way() {
        let gitlab = [("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "4")];
        assert_eq!(resolve(&gitlab), Ok(shard(2, 4)));
        let circle = [("CIRCLE_NODE_INDEX", "0"), ("CIRCLE_NODE_TOTAL", "3")];
        assert_eq!(resolve(&circle), Ok(shard(1, 3)));
        let buildkite = [
            ("BUILDKITE_PARALLEL_JOB", "4"),
            ("BUILDKITE_PARALLEL_JOB_COUNT", "5"),
        ];
        assert_eq!(resolve(&buildkite), Ok(shard(5, 5)));
    }

    #[test]
    fn a_gitlab_job_without_parallel_is_the_whole_run() {
        assert_eq!(resolve(&[("CI_NODE_TOTAL", "1")]), Ok(shard(1, 1)));
    }

    #[test]
    fn errors_name_the_variables() {
        let none = resolve(&[]).unwrap_err();
        for name in [
            "CI_NODE_INDEX",
            "CI_NODE_TOTAL",
            "CIRCLE_NODE_INDEX",
            "CIRCLE_NODE_TOTAL",
            "BUILDKITE_PARALLEL_JOB",
            "BUILDKITE_PARALLEL_JOB_COUNT",
        ] {
            assert!(none.contains(name), "{none}");
        }
        let cases: &[(&[(&str, &str)], &str)] = &[
            (
                &[("CI_NODE_INDEX", "0"), ("CI_NODE_TOTAL", "4")],
                "CI_NODE_INDEX=0",
            ),
            (
                &[("CI_NODE_INDEX", "5"), ("CI_NODE_TOTAL", "4")],
                "CI_NODE_INDEX=5",
            ),
            (
                &[("CI_NODE_INDEX", "two"), ("CI_NODE_TOTAL", "4")],
                "CI_NODE_INDEX='two'",
            ),
            (&[("CI_NODE_INDEX", "1")], "CI_NODE_TOTAL is not"),
            (&[("CI_NODE_TOTAL", "3")], "CI_NODE_INDEX is not"),
            (
                &[("CIRCLE_NODE_INDEX", "3"), ("CIRCLE_NODE_TOTAL", "3")],
                "CIRCLE_NODE_INDEX=3",
            ),
            (
                &[("CIRCLE_NODE_INDEX", "0"), ("CIRCLE_NODE_TOTAL", "0")],
                "CIRCLE_NODE_TOTAL is 0",
            ),
            (
                &[
                    ("BUILDKITE_PARALLEL_JOB", "-1"),
                    ("BUILDKITE_PARALLEL_JOB_COUNT", "2"),
                ],
                "BUILDKITE_PARALLEL_JOB='-1'",
            ),
        ];
        for (vars, expected) in cases {
            let message = resolve(vars).unwrap_err();
            assert!(message.contains(expected), "{vars:?}: {message}");
        }
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let vars = [
            ("CI_NODE_INDEX", ""),
            ("CI_NODE_TOTAL", ""),
            ("CIRCLE_NODE_INDEX", "1"),
            ("CIRCLE_NODE_TOTAL", "2"),
        ];
        assert_eq!(resolve(&vars), Ok(shard(2, 2)));
    }
}
