//! What several test files need: the embedded rules and the shipped example cases.

// Each test binary uses only some of these.
#![allow(dead_code)]

use std::path::Path;

use regelverk::{Case, RuleSet};

pub fn embedded_rules() -> RuleSet {
    RuleSet::embedded().unwrap_or_else(|e| panic!("the embedded rules do not check:\n{e}"))
}

/// A case from `examples/`, e.g. `kommun-tjanster-650k.toml` or `partnerships/x.toml`.
pub fn example_case(relative: &str) -> Case {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Case::parse(&text, relative).unwrap_or_else(|e| panic!("{e}"))
}
