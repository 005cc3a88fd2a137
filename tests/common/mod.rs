//! What several test files need: the embedded rules, the shipped example cases, and the shipped
//! vocabulary for rule files tested on their own.

// Each test binary uses only some of these.
#![allow(dead_code)]

use std::path::Path;

use regelverk::{Case, RuleSet};

pub fn embedded_rules() -> RuleSet {
    RuleSet::embedded().unwrap_or_else(|e| panic!("the embedded rules do not check:\n{e}"))
}

fn shared_rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(embedded_rules)
}

/// A case from `examples/`, e.g. `kommun-tjanster-650k.toml` or `partnerships/x.toml`, read
/// through the embedded rules' vocabulary.
pub fn example_case(relative: &str) -> Case {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    shared_rules()
        .read_case(&text, relative)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The shipped vocabulary (`rules/vocabulary.regel`): the countries, kinds of case, lists and
/// facts a rule file tested on its own reads.
pub fn vocabulary() -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/vocabulary.regel");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ("vocabulary.regel".to_string(), text)
}

/// A rule file with the shipped vocabulary beside it.
pub fn with_vocabulary(file: (String, String)) -> Vec<(String, String)> {
    vec![vocabulary(), file]
}
