//! Any bytes as a case, in TOML and in JSON: reading never panics or hangs, and a case that
//! reads is decided alike by `decide` and `evaluate`, and explained.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use regelverk::{Lang, RuleSet};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("the embedded rules check"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for case in [
        rules().read_case(text, "fuzz.toml"),
        rules().read_case(text, "fuzz.json"),
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
