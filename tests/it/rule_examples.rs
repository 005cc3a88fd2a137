//! The examples written in the shipped rule files, run as part of `cargo test`.

use std::path::Path;

use regelverk::RuleSet;

#[test]
fn every_example_in_the_shipped_rules_passes() {
    let rules =
        RuleSet::embedded().unwrap_or_else(|e| panic!("the embedded rules do not check:\n{e}"));
    let results = rules.run_examples();
    assert!(
        results.len() >= 30,
        "expected the shipped rules to carry their examples, found {}",
        results.len()
    );
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.passed)
        .map(|r| {
            format!(
                "{}  {}\n    {}",
                r.location,
                r.title,
                r.failure.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "failing examples:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_rules_directory_loads_like_the_embedded_rules() {
    let from_dir = RuleSet::load_dir(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")))
        .unwrap_or_else(|e| panic!("rules/ does not check:\n{e}"));
    let embedded = RuleSet::embedded().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_dir.run_examples().len(), embedded.run_examples().len());
}

#[test]
fn a_wrong_expectation_fails() {
    // The runner must be able to fail: the shipped rules with one expectation flipped.
    fn collect(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect(&path, out);
            } else if path.extension().is_some_and(|e| e == "regel") {
                out.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap_or_default(),
                ));
            }
        }
    }
    let mut files = Vec::new();
    collect(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")),
        &mut files,
    );
    let lou = files
        .iter_mut()
        .find(|(name, _)| name.ends_with("se/lou.regel"))
        .map(|(_, text)| text);
    let lou = lou.unwrap_or_else(|| panic!("rules/se/lou.regel is missing"));
    let flipped = lou.replacen(
        "expect allowed with obligations by direktupphandling_19a_kap",
        "expect not allowed",
        1,
    );
    assert_ne!(&flipped, lou);
    *lou = flipped;
    let set = RuleSet::from_sources(files).unwrap_or_else(|e| panic!("{e}"));
    let failed: Vec<_> = set
        .run_examples()
        .into_iter()
        .filter(|r| !r.passed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0]
            .failure
            .as_deref()
            .unwrap_or("")
            .starts_with("expected not allowed, got allowed with obligations")
    );
}

#[test]
fn the_readme_case_example_is_a_valid_case() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_default();
    let block = readme
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_default();
    let rules = RuleSet::embedded().unwrap_or_else(|e| panic!("{e}"));
    let case = rules
        .read_case(block, "README.md")
        .unwrap_or_else(|e| panic!("{e}"));
    let decision = rules.evaluate(&case);
    assert_eq!(decision.outcome, regelverk::Outcome::AllowedWithObligations);
    // Every other TOML block in the README is a valid case too.
    for (i, block) in readme.split("```toml\n").skip(2).enumerate() {
        let block = block.split("```").next().unwrap_or_default();
        rules
            .read_case(block, &format!("README.md block {}", i + 2))
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn the_rules_for_deciding_decide_like_the_full_rules() {
    let full = RuleSet::embedded().unwrap_or_else(|e| panic!("{e}"));
    let lean = RuleSet::embedded_for_deciding().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        lean.run_examples().is_empty(),
        "the examples were not left out"
    );
    // Every example case in examples/, decided by both.
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"));
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.extend(
        std::fs::read_dir(dir.join("partnerships"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path()),
    );
    for path in files.iter().filter(|p| p.is_file()) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let name = path.display().to_string();
        let case = full
            .read_case(&text, &name)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lean.evaluate(&case), full.evaluate(&case), "{name}");
    }
}
