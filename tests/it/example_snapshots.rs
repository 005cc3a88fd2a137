//! Snapshots of the explanation, in the three languages, of every example case of a country
//! added by rule files alone (`examples/dk-*.toml`): such a country has no Rust test of its own,
//! so its example cases are pinned here, one snapshot per file, named after it. Adding a case
//! file and its snapshot needs no change to this file. The Swedish and Norwegian cases have their
//! own tests (examples_se.rs, explain.rs, examples_no.rs, explain_no.rs).

use crate::common;

use std::path::Path;

use regelverk::Lang;

/// The example case files this test covers, sorted.
fn danish_example_files() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("dk-") && name.ends_with(".toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_danish_example_case_is_explained() {
    let rules = common::shared_rules();
    for file in danish_example_files() {
        let case = common::example_case(&file);
        assert_eq!(case.jurisdiction(), "DK", "{file}");
        let decision = rules.evaluate(&case);
        let explained: Vec<String> = Lang::ALL
            .iter()
            .map(|lang| format!("==== {lang}\n{}", rules.explain(&decision, *lang)))
            .collect();
        let name = file.trim_end_matches(".toml").to_string();
        insta::assert_snapshot!(name, explained.join("\n"));
    }
}
