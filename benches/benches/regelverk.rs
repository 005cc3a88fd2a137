//! The five benchmarks of issue 7, in one run (`cargo bench --workspace`; see BENCHMARKS.md):
//! 1. `cold_start`: the whole `regelverk check examples/kommun-tjanster-650k.toml` process;
//! 2. `load`: loading and checking the embedded rule set in-process, and loading the rules for
//!    deciding from their compiled form and from their texts;
//! 3. `decision`: one decision with the rules loaded, without (`decide`, `evaluate`) and with
//!    the explanation text (`evaluate_and_explain`);
//! 4. `batch`: 1 000 000 generated cases as JSON lines in, JSON lines out, on all cores;
//! 5. `peer`: the same direct-award decision in regelverk, in Rego (regorus) and as a
//!    hand-written Rust `match` (the floor), over the boundary inputs, after asserting that all
//!    three agree on every one of them.

#[path = "../src/peer.rs"]
mod peer;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regelverk::batch::{self, BatchOptions};
use regelverk::{Case, Lang, RuleSet};
use regelverk_bench::{Answer, boundary_inputs, floor, generated_inputs, parse_rego_answer};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new(".."))
}

fn example_case(rules: &RuleSet) -> Case {
    let path = workspace().join("examples/kommun-tjanster-650k.toml");
    let text = std::fs::read_to_string(&path).expect("the example case");
    rules
        .read_case(&text, "kommun-tjanster-650k.toml")
        .expect("a valid case")
}

/// The release binary, built first if need be (`cargo bench` builds only libraries here).
fn release_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace().join("target"), PathBuf::from);
    let binary = target.join("release").join("regelverk");
    let status = Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()))
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "regelverk",
            "--bin",
            "regelverk",
        ])
        .current_dir(workspace())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cannot build the regelverk binary");
    binary
}

fn cold_start(c: &mut Criterion) {
    let binary = release_binary();
    let mut group = c.benchmark_group("cold_start");
    group.sample_size(50);
    group.bench_function("check_650k", |b| {
        b.iter(|| {
            let out = Command::new(&binary)
                .args(["check", "examples/kommun-tjanster-650k.toml"])
                .current_dir(workspace())
                .output()
                .expect("the binary runs");
            assert_eq!(out.status.code(), Some(0));
        })
    });
    group.finish();
}

fn load(c: &mut Criterion) {
    c.bench_function("load/embedded_rules", |b| {
        b.iter(|| RuleSet::embedded().expect("the rules check"))
    });
    // The rules for deciding, as a program starts with them: from their compiled form
    // (rules.compiled), and from their texts (the same files under other names, as
    // `--rules ./rules` reads them, are parsed).
    c.bench_function("load/for_deciding_compiled", |b| {
        assert!(
            regelverk::compiled::embedded_status().is_ok(),
            "rules.compiled is not current"
        );
        b.iter(|| RuleSet::embedded_for_deciding().expect("the rules check"))
    });
    let renamed: Vec<(String, String)> = regelverk::embedded_rule_files()
        .into_iter()
        .map(|(name, text)| (format!("./{name}"), text))
        .collect();
    c.bench_function("load/for_deciding_text", |b| {
        b.iter(|| RuleSet::for_deciding(renamed.clone()).expect("the rules check"))
    });
}

/// A case from the quick-form facts, for the case-split benchmarks.
fn quick_case(rules: &RuleSet, facts: &[(&str, &str)]) -> Case {
    let mut case = rules
        .new_case("SE", "2026-03-01".parse().expect("a date"))
        .expect("a declared country");
    for (path, value) in facts {
        case.set(path, value).expect("a fact and its value");
    }
    case
}

fn decision(c: &mut Criterion) {
    let rules = RuleSet::embedded().expect("the rules check");
    let case = example_case(&rules);
    // Fully specified: nothing to split (the example with its service class stated).
    let full = quick_case(
        &rules,
        &[
            ("buyer.kind", "kommun"),
            ("purchase.category", "services"),
            ("purchase.service_class", "ordinary"),
            ("purchase.value", "650 000 SEK"),
        ],
    );
    // One unknown that matters: the service class of a 750 000 kr service (three branches).
    let one_unknown = quick_case(
        &rules,
        &[
            ("buyer.kind", "kommun"),
            ("purchase.category", "services"),
            ("purchase.value", "750 000 SEK"),
        ],
    );
    // Three: the kind of buyer, the category and the service class of a 750 000 kr purchase.
    let three_unknowns = quick_case(&rules, &[("purchase.value", "750 000 SEK")]);
    let mut group = c.benchmark_group("decision");
    group.bench_function("decide", |b| b.iter(|| rules.decide(black_box(&case))));
    group.bench_function("decide_fully_specified", |b| {
        b.iter(|| rules.decide(black_box(&full)))
    });
    group.bench_function("decide_one_unknown", |b| {
        b.iter(|| rules.decide(black_box(&one_unknown)))
    });
    group.bench_function("decide_three_unknowns", |b| {
        b.iter(|| rules.decide(black_box(&three_unknowns)))
    });
    group.bench_function("evaluate_one_unknown", |b| {
        b.iter(|| rules.evaluate(black_box(&one_unknown)))
    });
    group.bench_function("evaluate", |b| b.iter(|| rules.evaluate(black_box(&case))));
    group.bench_function("evaluate_and_explain", |b| {
        b.iter(|| {
            let decision = rules.evaluate(black_box(&case));
            rules.explain(&decision, Lang::Sv)
        })
    });
    group.finish();
}

const BATCH_CASES: usize = 1_000_000;

fn batch_throughput(c: &mut Criterion) {
    let rules = RuleSet::embedded().expect("the rules check");
    let mut input = Vec::with_capacity(BATCH_CASES * 160);
    for case in generated_inputs(BATCH_CASES, 7) {
        input.extend_from_slice(case.to_json_line().as_bytes());
        input.push(b'\n');
    }
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.throughput(Throughput::Elements(BATCH_CASES as u64));
    group.bench_function("1M_json_lines", |b| {
        b.iter(|| {
            let summary = batch::run(
                &rules,
                input.as_slice(),
                std::io::sink(),
                &BatchOptions::default(),
                |_| {},
            )
            .expect("no IO error");
            assert_eq!(summary.decided as usize, BATCH_CASES);
        })
    });
    group.finish();
}

fn peer_comparison(c: &mut Criterion) {
    let rules = RuleSet::embedded().expect("the rules check");
    let engine = peer::prepared_engine();
    let inputs = boundary_inputs();
    let cases: Vec<Case> = inputs.iter().map(|i| i.to_case(&rules)).collect();
    let rego_inputs: Vec<regorus::Value> = inputs
        .iter()
        .map(|i| regorus::Value::from_json_str(&i.to_rego_json()).expect("JSON"))
        .collect();
    // The differential test: every input, the same answer in all three.
    for ((input, case), rego) in inputs.iter().zip(&cases).zip(&rego_inputs) {
        let ours = Answer::of_regelverk(&rules.decide(case));
        let theirs = parse_rego_answer(&peer::rego_answer(&engine, rego));
        assert_eq!(ours, theirs, "regelverk and regorus disagree on {input:?}");
        assert_eq!(
            ours,
            floor(input),
            "regelverk and the floor disagree on {input:?}"
        );
    }
    eprintln!(
        "peer: regelverk, regorus and the floor agree on all {} boundary inputs",
        inputs.len()
    );

    let mut group = c.benchmark_group("peer");
    let mut i = 0;
    let mut next = move || {
        i = (i + 1) % inputs.len();
        i
    };
    group.bench_function("regelverk_decide", |b| {
        b.iter(|| rules.decide(black_box(&cases[next()])).outcome)
    });
    group.bench_function("regelverk_explain", |b| {
        b.iter(|| {
            let decision = rules.evaluate(black_box(&cases[next()]));
            rules.explain(&decision, Lang::Sv)
        })
    });
    group.bench_function("regorus", |b| {
        b.iter(|| peer::rego_answer(&engine, black_box(&rego_inputs[next()])))
    });
    let floor_inputs = boundary_inputs();
    group.bench_function("floor", |b| {
        b.iter(|| floor(black_box(&floor_inputs[next()])))
    });
    group.finish();
}

criterion_group!(
    benches,
    cold_start,
    load,
    decision,
    batch_throughput,
    peer_comparison
);
criterion_main!(benches);
