//! Changes to existing contracts (issue 12): the example cases in `examples/modifications/`,
//! their outcomes and explanations in three languages, and the JSON shape shared with purchases.

use crate::common;

use regelverk::{Case, Lang, Outcome, RuleSet};

fn load(name: &str) -> Case {
    common::example_case(&format!("modifications/{name}"))
}

fn rules() -> RuleSet {
    common::embedded_rules()
}

/// (file, outcome, the rule that must decide it).
const EXPECTED: &[(&str, Outcome, Option<&str>)] = &[
    (
        "stadtjanster-mindre-andring.toml",
        Outcome::Allowed,
        Some("ändring_av_mindre_värde"),
    ),
    // Conditional on the special reasons for more than four years.
    (
        "ramavtal-forlangs-utover-fyra-ar.toml",
        Outcome::Undecided,
        None,
    ),
    // Unforeseen circumstances need a lawyer's judgement: left open, never allowed.
    (
        "no-tilleggsarbeider-skolebygg.toml",
        Outcome::Undecided,
        None,
    ),
];

#[test]
fn the_example_changes_get_their_outcomes_and_explanations() {
    let rules = rules();
    for (file, outcome, rule) in EXPECTED {
        let decision = rules.evaluate(&load(file));
        assert_eq!(decision.outcome, *outcome, "{file}: {:?}", decision.reasons);
        assert_eq!(decision.kind, "modification", "{file}");
        if let Some(rule) = rule {
            assert!(
                decision.decided_by.iter().any(|r| r == rule),
                "{file}: decided by {:?}",
                decision.decided_by
            );
        }
        for lang in Lang::ALL {
            let name = format!(
                "{}_{lang}",
                file.trim_end_matches(".toml").replace('-', "_")
            );
            insta::assert_snapshot!(name, rules.explain(&decision, lang));
        }
    }
}

#[test]
fn a_framework_extension_depends_on_the_special_reasons() {
    let rules = rules();
    let decision = rules.evaluate(&load("ramavtal-forlangs-utover-fyra-ar.toml"));
    let asked: Vec<&str> = decision.questions.iter().map(|q| q.fact.as_str()).collect();
    assert_eq!(asked, ["modification.special_reasons"]);
}

#[test]
fn a_ground_that_needs_judgement_is_never_allowed() {
    let rules = rules();
    let mut case = load("stadtjanster-mindre-andring.toml");
    // Raise the change above 10 % so the minor-value rule cannot allow it, and claim each ground
    // that needs a lawyer.
    case.set("modification.value", "400 000 SEK")
        .unwrap_or_else(|e| panic!("{e}"));
    for ground in ["unforeseeable", "not_substantial", "additional_deliveries"] {
        let mut c = case.clone();
        c.set("modification.claimed_ground", ground)
            .unwrap_or_else(|e| panic!("{e}"));
        let d = rules.evaluate(&c);
        assert_eq!(
            d.outcome,
            Outcome::Undecided,
            "{ground}: {:?}",
            d.decided_by
        );
    }
}

#[test]
fn a_change_decision_has_the_same_json_shape_as_a_purchase_decision() {
    let rules = rules();
    let keys = |case: &Case| -> Vec<String> {
        let json: serde_json::Value =
            serde_json::from_str(&rules.explain_json(&rules.evaluate(case), Lang::En))
                .unwrap_or_default();
        let mut keys: Vec<String> = json["decision"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    };
    let change = keys(&load("stadtjanster-mindre-andring.toml"));
    let purchase = keys(&common::example_case("kommun-tjanster-650k.toml"));
    assert_eq!(change, purchase);
}
