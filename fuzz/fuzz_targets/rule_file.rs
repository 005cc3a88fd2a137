//! Any bytes as a rule file, beside the shipped vocabulary: parsing and checking never panic,
//! overflow the stack or hang, and a rule set that checks decides a case of each of its
//! countries with `decide` and `evaluate` alike.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regelverk::{Lang, RuleSet};

fn vocabulary() -> Vec<(String, String)> {
    regelverk::embedded_rule_files()
        .into_iter()
        .filter(|(name, _)| name.ends_with("vocabulary.regel"))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut files = vocabulary();
    files.push(("fuzz.regel".to_string(), text.to_string()));
    let Ok(rules) = RuleSet::from_sources(files) else {
        return;
    };
    let codes: Vec<String> = rules
        .vocabulary()
        .codes()
        .into_iter()
        .map(str::to_string)
        .collect();
    for code in codes {
        let Ok(date) = "2026-03-01".parse() else {
            return;
        };
        let Ok(case) = rules.new_case(&code, date) else {
            continue;
        };
        let decision = rules.evaluate(&case);
        assert_eq!(rules.decide(&case), decision.verdict());
        let _ = rules.explain(&decision, Lang::En);
    }
    let _ = rules.run_examples();
});
