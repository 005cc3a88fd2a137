//! Any bytes as a rule file: parsing and checking never panic, overflow the stack or hang, and
//! a rule set that checks decides a case with `decide` and `evaluate` alike.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regelverk::{Case, Jurisdiction, Lang, RuleSet};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rules) = RuleSet::from_sources([("fuzz.regel".to_string(), text.to_string())]) else {
        return;
    };
    for jurisdiction in [Jurisdiction::Se, Jurisdiction::No] {
        let Ok(date) = "2026-03-01".parse() else {
            return;
        };
        let case = Case::new(jurisdiction, date);
        let decision = rules.evaluate(&case);
        assert_eq!(rules.decide(&case), decision.verdict());
        let _ = rules.explain(&decision, Lang::En);
    }
    let _ = rules.run_examples();
});
