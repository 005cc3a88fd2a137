//! Bad input: every file under `tests/errors/` must be refused with a message that points at
//! file:line:col, and never panic. Each message is snapshotted.

use std::path::Path;

use crate::common;

use regelverk::RuleSet;

fn files(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/errors")
        .join(dir);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_string_lossy().to_string();
            Some((name, std::fs::read_to_string(&path).ok()?))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn bad_rule_files_are_refused_with_positions() {
    let corpus = files("rules");
    assert!(
        corpus.len() >= 20,
        "the corpus shrank to {} files",
        corpus.len()
    );
    for (name, text) in corpus {
        let error = match RuleSet::from_sources(common::with_vocabulary((name.clone(), text))) {
            Ok(_) => panic!("{name}: accepted, but it is broken on purpose"),
            Err(e) => e,
        };
        assert!(
            !error.diagnostics.is_empty(),
            "{name}: refused without a diagnostic"
        );
        for d in &error.diagnostics {
            assert!(
                d.line > 0 && d.column > 0,
                "{name}: `{}` has no line:col",
                d.message
            );
            assert_eq!(d.file, name);
        }
        insta::assert_snapshot!(
            format!("rule_{}", name.trim_end_matches(".regel")),
            error.to_string()
        );
    }
}

#[test]
fn bad_cases_are_refused_with_positions() {
    let corpus = files("cases");
    assert!(
        corpus.len() >= 12,
        "the corpus shrank to {} files",
        corpus.len()
    );
    let rules = common::embedded_rules();
    for (name, text) in corpus {
        let error = match rules.read_case(&text, &name) {
            Ok(case) => panic!("{name}: accepted as {case:?}, but it is broken on purpose"),
            Err(e) => e,
        };
        for d in &error.diagnostics {
            assert!(
                d.line > 0 && d.column > 0,
                "{name}: `{}` has no line:col",
                d.message
            );
        }
        insta::assert_snapshot!(
            format!("case_{}", name.replace('.', "_")),
            error.to_string()
        );
    }
}

#[test]
fn oversized_inputs_are_refused_not_parsed() {
    let huge = "#".repeat(regelverk::MAX_RULE_FILE_BYTES + 1);
    let error = RuleSet::from_sources([("huge.regel".to_string(), huge)])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("the limit is"), "{error}");
    let case = format!(
        "jurisdiction = \"SE\"\ndate = 2026-03-01\n# {}\n",
        "x".repeat(regelverk::case::MAX_CASE_BYTES)
    );
    let error = common::embedded_rules()
        .read_case(&case, "huge.toml")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("the limit is"), "{error}");
}
