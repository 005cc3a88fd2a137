//! Any bytes as a case, in TOML and in JSON: reading never panics or hangs, and a case that
//! reads is decided alike by `decide` and `evaluate`, and explained.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use regelverk::{Case, Lang, RuleSet};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("the embedded rules check"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for case in [
        Case::from_toml_str(text, "fuzz.toml"),
        Case::from_json_str(text, "fuzz.json"),
    ]
    .into_iter()
    .flatten()
    {
        let decision = rules().evaluate(&case);
        assert_eq!(rules().decide(&case), decision.verdict());
        let _ = rules().explain(&decision, Lang::Sv);
        let _ = rules().explain_json(&decision, Lang::En);
    }
});
