//! Issue 10, "no crash, no fail-open input": each fault a hostile embedder found, with its
//! reproducer. Big inputs are generated here rather than committed.

use crate::common;

use regelverk::{Case, Outcome};

/// A case read through the shipped vocabulary.
fn read_case(text: &str, name: &str) -> Result<Case, regelverk::CaseError> {
    common::shared_rules().read_case(text, name)
}

/// JSON cases refused `"open_market_share": 0` while TOML took `0`: the same fields read the same
/// way in both formats, as plain numbers or as text, and only from 0 to 100.
#[test]
fn percentages_read_alike_in_toml_and_json() {
    for (toml_value, json_value) in [
        ("0", "0"),
        ("19", "19"),
        ("80.5", "80.5"),
        ("\"80,5\"", "\"80,5\""),
        ("\"81 %\"", "\"81 %\""),
        ("100", "100"),
    ] {
        let toml = format!(
            "jurisdiction = \"SE\"\ndate = 2025-03-01\n[partnership]\nopen_market_share = {toml_value}\n[partnership.company]\nactivity_for_owners = {toml_value}\nprivate_ownership = {toml_value}\n"
        );
        let json = format!(
            r#"{{"jurisdiction":"SE","date":"2025-03-01","partnership":{{"open_market_share":{json_value},"company":{{"activity_for_owners":{json_value},"private_ownership":{json_value}}}}}}}"#
        );
        let from_toml =
            read_case(&toml, "case.toml").unwrap_or_else(|e| panic!("{toml_value} in TOML: {e}"));
        let from_json =
            read_case(&json, "case.json").unwrap_or_else(|e| panic!("{json_value} in JSON: {e}"));
        assert_eq!(from_toml, from_json, "{toml_value}");
    }
    for bad in ["-1", "100.5", "150", "\"-5\"", "\"101 %\"", "true"] {
        let toml = format!(
            "jurisdiction = \"SE\"\ndate = 2025-03-01\n[partnership]\nopen_market_share = {bad}\n"
        );
        let json = format!(
            r#"{{"jurisdiction":"SE","date":"2025-03-01","partnership":{{"open_market_share":{bad}}}}}"#
        );
        assert!(read_case(&toml, "c.toml").is_err(), "{bad} in TOML");
        assert!(read_case(&json, "c.json").is_err(), "{bad} in JSON");
    }
}

/// `750,000 SEK` and `900.000 NOK` were read as 750 and 900 kronor and answered "allowed"; in
/// every place amounts are read they are now refused, and so are amounts finer than öre.
#[test]
fn ambiguous_or_too_precise_amounts_are_refused_everywhere() {
    let rules = common::embedded_rules();
    for value in [
        "750,000 SEK",
        "900.000 SEK",
        "1.000.000 SEK",
        "650 000,125 SEK",
    ] {
        let toml = format!(
            "jurisdiction = \"SE\"\ndate = 2026-03-01\n[buyer]\nkind = \"kommun\"\n[purchase]\ncategory = \"services\"\nvalue = \"{value}\"\n"
        );
        assert!(read_case(&toml, "c.toml").is_err(), "{value} in TOML");
        let json = format!(
            r#"{{"jurisdiction":"SE","date":"2026-03-01","purchase":{{"value":"{value}"}}}}"#
        );
        assert!(read_case(&json, "c.json").is_err(), "{value} in JSON");
        let mut case = a_case(0);
        assert!(
            case.set("purchase.value", value).is_err(),
            "{value} as a fact"
        );
        let mut out = Vec::new();
        let summary = regelverk::batch::run(
            &rules,
            json.as_bytes(),
            &mut out,
            &regelverk::batch::BatchOptions::default(),
            |_| {},
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.failed, 1, "{value} in a batch");
        assert!(String::from_utf8_lossy(&out).contains("ambiguous") || value.contains("125"));
    }
    // The unambiguous ways of writing the same amounts still read.
    for value in [
        "750 000 SEK",
        "750000 SEK",
        "750000,00 SEK",
        "750 000.50 SEK",
        "750,5 SEK",
    ] {
        let toml =
            format!("jurisdiction = \"SE\"\ndate = 2026-03-01\n[purchase]\nvalue = \"{value}\"\n");
        let case = read_case(&toml, "c.toml").unwrap_or_else(|e| panic!("{value}: {e}"));
        assert!(case.states("purchase.value"));
    }
    let allowed = read_case(
        "jurisdiction = \"SE\"\ndate = 2026-03-01\n[buyer]\nkind = \"kommun\"\n[purchase]\ncategory = \"services\"\nservice_class = \"ordinary\"\nvalue = \"750 SEK\"\n",
        "c.toml",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(rules.evaluate(&allowed).outcome, Outcome::NotAllowed);
}

use common::rulegen;
use regelverk::{Lang, MAX_DIAGNOSTICS, MAX_LISTED, RuleSet};

/// Runs `f` on a thread with `kib` KiB of stack: a stack overflow aborts the test binary, so
/// passing proves the work fits.
fn on_stack<T: Send + 'static>(kib: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(kib * 1024)
        .spawn(f)
        .unwrap_or_else(|e| panic!("cannot start a thread: {e}"))
        .join()
        .unwrap_or_else(|_| panic!("the thread panicked"))
}

/// The stack of a batch worker (Rust's default 2 MiB for a spawned thread), in a debug build,
/// whose frames are the largest: about twice what the deepest rule set allowed needs there.
const A_WORKER: usize = 2048;

fn a_case(value: i64) -> Case {
    common::se_case(value)
}

/// A generated rule file with the shipped vocabulary beside it.
fn with_vocabulary(text: String) -> Vec<(String, String)> {
    common::with_vocabulary(("r.regel".to_string(), text))
}

/// The small rule files that crashed the process with a stack overflow (exit 134): each is now
/// refused with a position, by loading, formatting and linting alike, on a worker's stack.
#[test]
fn the_rule_files_that_overflowed_the_stack_are_refused_with_a_position() {
    let reproducers = [
        (
            "a `\\\"` and 1 000 parentheses",
            rulegen::nested_parentheses(1000, true),
        ),
        ("`not` 7 000 times", rulegen::nots(7000)),
        ("a sum of 10 000 terms", rulegen::sum(10_000)),
        (
            "3 000 definitions written last-first",
            rulegen::definition_chain(3000, true),
        ),
        (
            "a chain of 1 000 definitions",
            rulegen::definition_chain(1000, false),
        ),
    ];
    for (what, text) in reproducers {
        let (loaded, formatted, linted) = on_stack(A_WORKER, move || {
            (
                RuleSet::from_sources(with_vocabulary(text.clone())).err(),
                regelverk::fmt::format_source("r.regel", &text).err(),
                regelverk::lint::lint_sources(vec![("r.regel".to_string(), text)]),
            )
        });
        let error = loaded.unwrap_or_else(|| panic!("{what}: accepted"));
        let first = &error.diagnostics[0];
        assert!(first.line > 0 && first.column > 0, "{what}: {first}");
        assert!(
            first.message.contains("nests too deeply") || first.message.contains("too long"),
            "{what}: {first}"
        );
        if what.contains("definitions") {
            // The definitions parse; only checking them finds the chain too deep.
            assert!(
                formatted.is_none(),
                "{what}: fmt refused a file that parses"
            );
        } else {
            assert!(formatted.is_some(), "{what}: fmt accepted it");
        }
        assert!(regelverk::lint::fails(&linted), "{what}: lint passed it");
    }
}

/// Rule sets just inside every limit load, decide, explain, format, lint and document on a batch
/// worker's stack, and decide in a batch; one step past the limit is refused.
#[test]
fn rule_sets_at_the_limits_work_on_a_batch_worker_s_stack() {
    // A rule reading `d0` of a chain of n definitions is n + 2 tall.
    let deepest_chain = regelverk::MAX_TOTAL_HEIGHT - 2;
    let at_the_limit = [
        rulegen::definition_chain(deepest_chain, true),
        rulegen::nested_parentheses(regelverk::MAX_NESTING, true),
        rulegen::nots(regelverk::MAX_NESTING),
        rulegen::sum(regelverk::MAX_HEIGHT - 3),
    ];
    for text in at_the_limit {
        let head: String = text
            .lines()
            .last()
            .unwrap_or_default()
            .chars()
            .take(60)
            .collect();
        let rules = on_stack(A_WORKER, move || {
            let rules = RuleSet::from_sources(with_vocabulary(text.clone()))
                .unwrap_or_else(|e| panic!("{e}"));
            let case = a_case(10);
            let decision = rules.evaluate(&case);
            assert_eq!(rules.decide(&case), decision.verdict());
            assert!(!rules.explain(&decision, Lang::Sv).is_empty());
            assert!(!rules.explain_json(&decision, Lang::En).is_empty());
            assert!(regelverk::fmt::format_source("r.regel", &text).is_ok());
            let _ = regelverk::lint::lint_sources(vec![("r.regel".to_string(), text)]);
            let _ = regelverk::doc::document(&rules, Lang::En);
            rules
        });
        let line = r#"{"jurisdiction":"SE","date":"2026-03-01","purchase":{"value":"10 SEK"}}"#;
        let mut out = Vec::new();
        let mut options = regelverk::batch::BatchOptions::new(false, None);
        options.threads = std::num::NonZeroUsize::new(2);
        let summary = regelverk::batch::run(&rules, line.as_bytes(), &mut out, &options, |_| {})
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.decided, 1, "{head}");
    }
    for past_the_limit in [
        rulegen::definition_chain(deepest_chain + 1, true),
        rulegen::nested_parentheses(regelverk::MAX_NESTING + 1, false),
        rulegen::nots(regelverk::MAX_NESTING + 1),
        rulegen::sum(regelverk::MAX_HEIGHT + 1),
    ] {
        assert!(RuleSet::from_sources(with_vocabulary(past_the_limit)).is_err());
    }
}

/// An exception chain of 10 000 rules took 43 s and 4 GB: the closure of every rule's
/// overriders was stored. Now the work is one pass over the chain, and a trace names at most
/// 16 overriding rules.
#[test]
fn an_exception_chain_of_10_000_rules_is_decided_in_one_pass() {
    let rules = RuleSet::from_sources(with_vocabulary(rulegen::exception_chain(10_000)))
        .unwrap_or_else(|e| panic!("{e}"));
    let decision = rules.evaluate(&a_case(10));
    assert_eq!(decision.decided_by, ["r9999"]);
    assert!(decision.rules.iter().all(|r| r.overridden_by.len() <= 16));
    assert_eq!(rules.decide(&a_case(10)), decision.verdict());
    let text = rules.explain(&decision, Lang::En);
    assert!(text.len() < 10_000, "{} bytes", text.len());
    assert!(text.contains("… and 9,979 more"), "{text}");
}

/// A 100 KiB line of unknown names took 1.7 GB and printed 2.6 GB of errors: now the first
/// hundred are kept, each quoting a window of the line, and the last says how many more.
#[test]
fn a_long_line_of_unknown_names_gives_a_hundred_short_errors_and_a_count() {
    let text = rulegen::unknown_names(9000);
    assert!(text.len() > 100 * 1024);
    let error = RuleSet::from_sources(with_vocabulary(text))
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    assert_eq!(error.diagnostics.len(), MAX_DIAGNOSTICS);
    let last = error.diagnostics.last().map(|d| d.notes.join(" "));
    assert_eq!(
        last.as_deref(),
        Some("8900 more problems were found and are not shown; fix these first")
    );
    let rendered = error.to_string();
    assert!(rendered.len() < 100 * 1024, "{} bytes", rendered.len());
}

/// A text explanation over 100 000 rules took minutes: each section now lists the first
/// [`MAX_LISTED`] rules and counts the rest, in linear time (10 000 rules here, for speed).
#[test]
fn an_explanation_of_10_000_applying_rules_lists_twenty_and_counts_the_rest() {
    let rules = RuleSet::from_sources(common::with_vocabulary_all(rulegen::many_rules(10_000)))
        .unwrap_or_else(|e| panic!("{e}"));
    let decision = rules.evaluate(&a_case(10));
    assert_eq!(decision.decided_by.len(), 10_000);
    let text = rules.explain(&decision, Lang::Sv);
    assert_eq!(text.matches("\n  text (LOU)").count(), MAX_LISTED, "{text}");
    assert!(text.contains("… och 9 980 till"), "{text}");
    assert!(text.len() < 5_000, "{} bytes", text.len());
    let json: serde_json::Value =
        serde_json::from_str(&rules.explain_json(&decision, Lang::En)).unwrap_or_default();
    assert_eq!(
        json["explanation"].as_array().map(Vec::len),
        Some(MAX_LISTED)
    );
    assert_eq!(
        json["decision"]["decided_by"].as_array().map(Vec::len),
        Some(10_000)
    );
}

/// `check -` and `check FILE` read the whole input before the 64 KiB limit applied (1 GiB on
/// standard input used 2.1 GB; `/dev/zero` grew until memory ran out).
#[test]
fn reading_stops_at_the_limit() {
    let read = regelverk::read_limited(std::io::repeat(b' '), regelverk::MAX_CASE_BYTES);
    assert!(read.is_err_and(|e| e.to_string().contains("more than 65536 bytes")));
    let exact = " ".repeat(regelverk::MAX_CASE_BYTES);
    assert_eq!(
        regelverk::read_limited(exact.as_bytes(), regelverk::MAX_CASE_BYTES).ok(),
        Some(exact)
    );
}

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("regelverk-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("a.regel"), rulegen::header()).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// A rule file over 4 MiB is refused after reading 4 MiB, whatever its size on disk.
#[test]
fn a_huge_rule_file_is_refused_without_reading_it_all() {
    let dir = scratch_dir("huge");
    let file = std::fs::File::create(dir.join("huge.regel")).unwrap_or_else(|e| panic!("{e}"));
    file.set_len(1 << 30).unwrap_or_else(|e| panic!("{e}")); // 1 GiB, sparse
    let error = regelverk::read_rule_files(&dir)
        .err()
        .map(|e| e.to_string());
    assert!(error.is_some_and(|e| e.contains("more than 4194304 bytes")));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A symbolic link loop in a rule directory hung loading; a FIFO named `*.regel` blocked it.
#[cfg(unix)]
#[test]
fn link_loops_and_fifos_in_a_rule_directory_are_refused_at_once() {
    let dir = scratch_dir("loop");
    std::os::unix::fs::symlink("..", dir.join("back")).unwrap_or_else(|e| panic!("{e}"));
    let error = regelverk::read_rule_files(&dir)
        .err()
        .map(|e| e.to_string());
    assert!(
        error.as_deref().is_some_and(|e| e.contains("already read")),
        "{error:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);

    let dir = scratch_dir("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("blocks.regel"))
        .status();
    if made.is_ok_and(|s| s.success()) {
        let (tx, rx) = std::sync::mpsc::channel();
        let path = dir.clone();
        std::thread::spawn(move || {
            let _ = tx.send(
                regelverk::read_rule_files(&path)
                    .err()
                    .map(|e| e.to_string()),
            );
        });
        let error = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("reading a FIFO blocked"));
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains("not a regular file")),
            "{error:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The committed fuzz seeds (`fuzz/corpus/`) run through the same calls as their fuzz targets,
/// on a batch worker's stack, so that `cargo test` replays them without cargo-fuzz.
#[test]
fn every_fuzz_seed_is_handled_without_a_panic() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let read = |target: &str| -> Vec<Vec<u8>> {
        let mut seeds: Vec<_> = std::fs::read_dir(corpus.join(target))
            .unwrap_or_else(|e| panic!("{target}: {e}"))
            .filter_map(|e| std::fs::read(e.ok()?.path()).ok())
            .collect();
        seeds.sort();
        seeds
    };
    let (rule_files, cases, batches) = (read("rule_file"), read("case"), read("batch"));
    let formats = read("fmt_roundtrip");
    assert!(rule_files.len() >= 30 && cases.len() >= 40 && !batches.is_empty());
    on_stack(A_WORKER, move || {
        let rules = regelverk::RuleSet::embedded_for_deciding().unwrap_or_else(|e| panic!("{e}"));
        for seed in rule_files.iter().chain(&formats) {
            let text = String::from_utf8_lossy(seed).into_owned();
            if let Ok(own) = RuleSet::from_sources(common::with_vocabulary((
                "seed.regel".to_string(),
                text.clone(),
            ))) {
                let decision = own.evaluate(&a_case(10));
                assert_eq!(own.decide(&a_case(10)), decision.verdict());
                let _ = own.explain(&decision, Lang::En);
            }
            if let Ok(formatted) = regelverk::fmt::format_source("seed.regel", &text) {
                assert_eq!(
                    regelverk::fmt::format_source("seed.regel", &formatted).ok(),
                    Some(formatted)
                );
            }
        }
        for seed in &cases {
            let text = String::from_utf8_lossy(seed);
            for case in [read_case(&text, "seed.toml"), read_case(&text, "seed.json")]
                .into_iter()
                .flatten()
            {
                let decision = rules.evaluate(&case);
                assert_eq!(rules.decide(&case).outcome, decision.outcome);
                let _ = rules.explain(&decision, Lang::Sv);
            }
        }
        for seed in &batches {
            let mut out = Vec::new();
            let summary = regelverk::batch::run(
                &rules,
                seed.as_slice(),
                &mut out,
                &regelverk::batch::BatchOptions::default(),
                |_| {},
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let records = out.iter().filter(|&&b| b == b'\n').count() as u64;
            assert_eq!(records, summary.decided + summary.failed);
        }
    });
}
