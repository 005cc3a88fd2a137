//! Issue 10: loading, deciding and explaining stay within the documented bounds for any valid
//! rule set, and the work grows roughly linearly with its size. A generator of valid random rule
//! sets (chains of definitions written in any order, exception chains, conditions nested to the
//! limit, long sums, many rules) drives both properties.
//!
//! This file holds one property and one measurement, run one after the other: the measurement
//! reads the process's peak memory, which tests running beside it would disturb.

use crate::common;

use std::time::{Duration, Instant};

use common::rulegen::{self, define, rule, rule_over};
use proptest::prelude::*;
use regelverk::{Lang, MAX_LISTED, RuleSet};

/// What a generated rule set holds.
#[derive(Debug, Clone)]
struct Shape {
    /// Lengths of chains of definitions; each chain's last one reads `purchase.value`.
    chains: Vec<usize>,
    /// Whether the definitions are written each after the ones it uses, or before.
    last_first: bool,
    /// Rules, each an exception to the one before.
    exception_chain: usize,
    /// How many parentheses and `not`s a condition nests (at most the limit).
    nesting: usize,
    /// Terms in a sum.
    sum: usize,
    /// Further rules that read the definitions.
    readers: usize,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        prop::collection::vec(1usize..=regelverk::MAX_TOTAL_HEIGHT - 2, 0..6),
        prop::bool::ANY,
        0usize..300,
        0usize..=regelverk::MAX_NESTING / 4,
        1usize..regelverk::MAX_HEIGHT - 8,
        0usize..100,
    )
        .prop_map(
            |(chains, last_first, exception_chain, nesting, sum, readers)| Shape {
                chains,
                last_first,
                exception_chain,
                nesting,
                sum,
                readers,
            },
        )
}

impl Shape {
    /// A valid rule file: every name defined, every tree within the limits.
    fn text(&self) -> String {
        let mut text = rulegen::header();
        let mut ends = vec!["purchase.value".to_string()];
        for (c, &length) in self.chains.iter().enumerate() {
            let mut defs: Vec<String> = (0..length)
                .map(|i| {
                    let next = if i + 1 < length {
                        format!("c{c}_{}", i + 1)
                    } else {
                        "purchase.value".to_string()
                    };
                    define(&format!("c{c}_{i}"), &next)
                })
                .collect();
            if !self.last_first {
                defs.reverse();
            }
            text += &defs.concat();
            ends.push(format!("c{c}_0"));
        }
        for i in 0..self.exception_chain {
            let over = if i == 0 {
                vec![]
            } else {
                vec![format!("e{}", i - 1)]
            };
            text += &rule_over(&format!("e{i}"), "purchase.value < g", &over);
        }
        // Nesting alternates parentheses and `not`: four levels per step.
        let mut nested = "purchase.value < g".to_string();
        for _ in 0..self.nesting {
            nested = format!("not (not ({nested}))");
        }
        text += &rule("nested", &nested);
        text += &rule(
            "summed",
            &format!("{} > g", vec!["purchase.value"; self.sum].join(" + ")),
        );
        for i in 0..self.readers {
            text += &rule(
                &format!("reads{i}"),
                &format!("{} < g", ends[i % ends.len()]),
            );
        }
        text
    }
}

/// Load, decide three cases and explain them; the explanation's size is bounded by what a
/// section may list, not by the rule set.
fn exercise(files: Vec<(String, String)>) -> usize {
    let rules = RuleSet::from_sources(common::with_vocabulary_all(files))
        .unwrap_or_else(|e| panic!("a valid set: {e}"));
    let mut longest = 0;
    for value in [10, 700_000, 90_000_000] {
        let case = common::se_case_in(&rules, value);
        let decision = rules.evaluate(&case);
        assert_eq!(rules.decide(&case), decision.verdict());
        longest = longest.max(rules.explain(&decision, Lang::En).len());
        let _ = rules.explain_json(&decision, Lang::Sv);
    }
    longest
}

/// The peak resident memory of this process, in KiB (Linux; `None` elsewhere).
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The peak memory of a fresh process that loads, decides and explains [`scaled`]`(n)`: this
/// test binary run again with `BOUNDS_SIZE=n`, so nothing allocated before is counted.
fn peak_of_a_run(n: usize) -> Option<u64> {
    let out = std::process::Command::new(std::env::current_exe().ok()?)
        .args([
            "--exact",
            "bounds::one_measured_run",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("BOUNDS_SIZE", n.to_string())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let after = &text[text.find("PEAK ")? + "PEAK ".len()..];
    after.split_whitespace().next()?.parse().ok()
}

/// Not a test of its own: the run [`peak_of_a_run`] starts (it does nothing otherwise).
#[test]
fn one_measured_run() {
    let Some(n) = std::env::var("BOUNDS_SIZE")
        .ok()
        .and_then(|n| n.parse().ok())
    else {
        return;
    };
    exercise(scaled(n));
    if let Some(kib) = peak_kib() {
        println!("PEAK {kib}");
    }
}

/// A rule set of about `n` rules of every shape, in files of at most 20 000 rules.
fn scaled(n: usize) -> Vec<(String, String)> {
    let shape = Shape {
        chains: vec![40; n / 40],
        last_first: true,
        exception_chain: n / 2,
        nesting: regelverk::MAX_NESTING / 4,
        sum: 100,
        readers: n / 2,
    };
    vec![("scaled.regel".to_string(), shape.text())]
}

#[test]
fn any_valid_rule_set_stays_within_the_bounds_and_the_work_grows_linearly() {
    // The property: generated valid rule sets load, decide alike both ways and explain within a
    // bounded size, on a batch worker's stack.
    let config = ProptestConfig {
        cases: 16,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&shape(), |shape| {
        let text = shape.text();
        let longest = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || exercise(vec![("generated.regel".to_string(), text)]))
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .join()
            .map_err(|_| TestCaseError::fail("panicked"))?;
        // The sections list at most MAX_LISTED rules; the rest is a count.
        prop_assert!(
            longest < 200 * MAX_LISTED + 4_000,
            "{} bytes for {:?}",
            longest,
            shape
        );
        Ok(())
    });
    result.unwrap_or_else(|e| panic!("{e}"));

    // The measurement: four times the rules takes well under sixteen times the time and memory
    // (quadratic work would): time as the best of three runs, since the machine is shared;
    // memory as the peak of a fresh process, less that of one that loads an empty rule set.
    let (small, large) = (400, 1_600);
    let best_time = |n: usize| -> Duration {
        let files = scaled(n);
        (0..3)
            .map(|_| {
                let files = files.clone();
                let start = Instant::now();
                exercise(files);
                start.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let (t_small, t_large) = (best_time(small), best_time(large));
    let time_ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-6);
    eprintln!("{small} rules: {t_small:?}; {large} rules: {t_large:?}; time x{time_ratio:.1}");
    assert!(
        time_ratio < 10.0,
        "time grew x{time_ratio:.1} for x4 the rules"
    );
    if let (Some(base), Some(m_small), Some(m_large)) =
        (peak_of_a_run(0), peak_of_a_run(small), peak_of_a_run(large))
    {
        let (m_small, m_large) = (m_small.saturating_sub(base), m_large.saturating_sub(base));
        // Below a MiB the allocator's own reserve dominates; compare from there.
        let ratio = m_large as f64 / (m_small.max(1024)) as f64;
        eprintln!("memory above an empty rule set: {m_small} KiB, then {m_large} KiB: x{ratio:.1}");
        assert!(ratio < 10.0, "memory grew x{ratio:.1} for x4 the rules");
    }
}
