//! The partnership cases of the Kre-hälsa reference, in `examples/partnerships/`: outcomes,
//! explanations in three languages, and the JSON shape shared with purchase decisions.

use crate::common;

use regelverk::{Case, Lang, Outcome, RuleSet};

fn load(name: &str) -> Case {
    common::example_case(&format!("partnerships/{name}"))
}

fn rules() -> RuleSet {
    common::embedded_rules()
}

/// (file, outcome, the rule that must decide, the outcome of the attached purchase if any).
const EXPECTED: &[(&str, Outcome, Option<&str>, Option<Outcome>)] = &[
    (
        "kre-halsa-falun-samverkan.toml",
        Outcome::AllowedWithObligations,
        Some("kre_hälsa_samverkansavtal"),
        Some(Outcome::AllowedWithObligations),
    ),
    (
        "kre-halsa-samverkan-stort-ramavtal.toml",
        Outcome::AllowedWithObligations,
        Some("kre_hälsa_samverkansavtal"),
        Some(Outcome::NotAllowed),
    ),
    (
        "kre-halsa-falun-bara-avgift.toml",
        Outcome::NotAllowed,
        Some("kre_hälsa_bara_avgift"),
        None,
    ),
    (
        "kre-halsa-privat-vardgivare.toml",
        Outcome::NotAllowed,
        Some("kre_hälsa_bara_offentliga_parter"),
        None,
    ),
    (
        "kre-halsa-ideell-forening.toml",
        Outcome::NotAllowed,
        Some("kre_hälsa_bara_offentliga_parter"),
        None,
    ),
    (
        "jamtland-kultur-pa-recept.toml",
        Outcome::AllowedWithObligations,
        Some("bilaga_2_direktupphandling"),
        None,
    ),
    (
        "helsingborg-namnder.toml",
        Outcome::Allowed,
        Some("samma_juridiska_person"),
        None,
    ),
    (
        "helsingborg-arena-och-scen.toml",
        Outcome::Allowed,
        Some("intern_upphandling"),
        None,
    ),
    (
        "grensesamarbeid-bare-betaling.toml",
        Outcome::NotAllowed,
        Some("bare_betaling_er_ikke_samarbeid"),
        None,
    ),
    // Issue 12: the in-house question before the only-money rule (Sweden and Norway), paying
    // and committing is cooperation, a spin-off and a fee name the purchase route, decided and
    // attached, and a partnership before the rules begin.
    (
        "helsingborg-bolag-utan-uppgifter.toml",
        Outcome::Undecided,
        None,
        None,
    ),
    (
        "no-kommune-eget-selskap.toml",
        Outcome::Undecided,
        None,
        None,
    ),
    (
        "avfallssamverkan-ataganden.toml",
        Outcome::Allowed,
        Some("samarbete_mellan_myndigheter"),
        None,
    ),
    (
        "kre-halsa-avknoppning.toml",
        Outcome::NotAllowed,
        Some("kre_hälsa_avknoppning"),
        Some(Outcome::AllowedWithObligations),
    ),
    (
        "kre-halsa-falun-avgift-kop.toml",
        Outcome::NotAllowed,
        Some("kre_hälsa_bara_avgift"),
        Some(Outcome::AllowedWithObligations),
    ),
    ("samverkan-2016.toml", Outcome::Undecided, None, None),
];

#[test]
fn the_reference_cases_get_the_reference_outcomes() {
    let rules = rules();
    for (file, outcome, rule, related) in EXPECTED {
        let decision = rules.evaluate(&load(file));
        assert_eq!(decision.outcome, *outcome, "{file}: {:?}", decision.reasons);
        if let Some(rule) = rule {
            assert!(
                decision.decided_by.iter().any(|r| r == rule),
                "{file}: decided by {:?}",
                decision.decided_by
            );
        }
        assert_eq!(
            decision.related.first().map(|r| r.decision.outcome),
            *related,
            "{file}"
        );
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
fn only_money_is_not_cooperation_in_sweden_or_norway() {
    let rules = rules();
    for (file, rule, case_law) in [
        (
            "kre-halsa-falun-bara-avgift.toml",
            "kre_hälsa_bara_avgift",
            "C-429/19",
        ),
        (
            "grensesamarbeid-bare-betaling.toml",
            "bare_betaling_er_ikke_samarbeid",
            "C-429/19",
        ),
    ] {
        let decision = rules.evaluate(&load(file));
        assert_eq!(decision.outcome, Outcome::NotAllowed, "{file}");
        let trace = decision
            .rules
            .iter()
            .find(|r| &*r.name == rule)
            .unwrap_or_else(|| panic!("{file}: no {rule}"));
        assert!(
            trace.citations.iter().any(|c| c.label.contains(case_law)),
            "{file}: {:?}",
            trace.citations
        );
    }
}

#[test]
fn a_partnership_decision_has_the_same_json_shape_as_a_purchase_decision() {
    let rules = rules();
    let keys = |case: &Case| -> Vec<String> {
        let decision = rules.evaluate(case);
        let json: serde_json::Value =
            serde_json::from_str(&rules.explain_json(&decision, Lang::En)).unwrap_or_default();
        let mut keys: Vec<String> = json["decision"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    };
    let partnership = keys(&load("kre-halsa-falun-bara-avgift.toml"));
    let purchase = keys(&load("jamtland-kultur-pa-recept.toml"));
    assert!(partnership.contains(&"kind".to_string()));
    assert_eq!(partnership, purchase);
}

#[test]
fn claiming_avtalssamverkan_is_answered_with_a_warning() {
    let rules = rules();
    let mut case = load("kre-halsa-falun-bara-avgift.toml");
    let warned = |case: &Case| {
        rules
            .evaluate(case)
            .warnings
            .iter()
            .any(|w| w.name == "avtalssamverkan_undantar_inte")
    };
    assert!(!warned(&case));
    case.set("partnership.avtalssamverkan_claimed", "true")
        .unwrap_or_else(|e| panic!("{e}"));
    // The Kre-hälsa rule that decides this case carries no such warning; the general cooperation
    // case does: test it there.
    let mut general = case.clone();
    general
        .remove("partnership.concept")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(warned(&general), "{:?}", rules.evaluate(&general).warnings);
}

/// A buyer paying its own company is an in-house question first, in Sweden and Norway: the
/// answer asks for the company's facts, and the only-money rule does not refuse it.
#[test]
fn the_in_house_question_comes_before_only_money() {
    let rules = rules();
    for (file, refusal) in [
        (
            "helsingborg-bolag-utan-uppgifter.toml",
            "bara_pengar_är_inget_samarbete",
        ),
        (
            "no-kommune-eget-selskap.toml",
            "bare_betaling_er_ikke_samarbeid",
        ),
    ] {
        let decision = rules.evaluate(&load(file));
        assert_eq!(decision.outcome, Outcome::Undecided, "{file}");
        assert!(!decision.decided_by.iter().any(|r| r == refusal), "{file}");
        let asked: Vec<&str> = decision.questions.iter().map(|q| q.fact.as_str()).collect();
        for fact in [
            "partnership.company.control_like_own_departments",
            "partnership.company.activity_for_owners",
            "partnership.company.private_ownership",
        ] {
            assert!(asked.contains(&fact), "{file}: {asked:?}");
        }
    }
}

/// A private party is never a cooperation partner: the route named is a purchase of its service,
/// never a cooperation agreement.
#[test]
fn a_private_party_is_never_a_cooperation_partner() {
    let rules = rules();
    for file in [
        "kre-halsa-privat-vardgivare.toml",
        "kre-halsa-ideell-forening.toml",
        "kre-halsa-avknoppning.toml",
    ] {
        let decision = rules.evaluate(&load(file));
        assert_eq!(decision.outcome, Outcome::NotAllowed, "{file}");
        assert_eq!(
            decision.procedure.as_ref().map(|p| p.name.as_str()),
            Some("köp_av_den_privata_partens_tjänst"),
            "{file}"
        );
    }
}
