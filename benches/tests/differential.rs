//! The differential test: regelverk, the Rego peer (regorus) and the hand-written floor give the
//! same answer at every boundary of the direct-award decision (value one krona below, at and
//! above each threshold; the day before, of and after each change). Run by `.ci/run`.

#[path = "../src/peer.rs"]
mod peer;

use regelverk_bench::{Answer, boundary_inputs, floor, parse_rego_answer};

#[test]
fn regelverk_regorus_and_the_floor_agree_at_every_boundary() {
    let rules = regelverk::RuleSet::embedded().expect("the embedded rules check");
    let engine = peer::prepared_engine();
    let inputs = boundary_inputs();
    let mut disagreements = Vec::new();
    for input in &inputs {
        let ours = Answer::of_regelverk(&rules.decide(&input.to_case(&rules)));
        let value = regorus::Value::from_json_str(&input.to_rego_json()).expect("JSON");
        let theirs = parse_rego_answer(&peer::rego_answer(&engine, &value));
        let by_hand = floor(input);
        if ours != theirs || ours != by_hand {
            disagreements.push(format!(
                "{input:?}: regelverk {ours:?}, regorus {theirs:?}, floor {by_hand:?}"
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} inputs disagree, e.g.:\n{}",
        disagreements.len(),
        inputs.len(),
        disagreements[..disagreements.len().min(10)].join("\n")
    );
}
