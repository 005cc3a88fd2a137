//! Funding an organisation (issue 18), in `examples/funding/`: a grant, a payment per participant
//! or hour, an IOP or partnership, and an association of cultural workers selling sessions, in
//! Sweden and Norway. Outcomes, the purchase decided where the payment is one (and only then),
//! and explanations in three languages.

use crate::common;

use regelverk::{Case, Lang, Outcome, RuleSet};

fn load(name: &str) -> Case {
    common::example_case(&format!("funding/{name}"))
}

fn rules() -> &'static RuleSet {
    common::shared_rules()
}

/// (file, outcome, the rule that must decide, the outcome of the attached purchase if any).
const EXPECTED: &[(&str, Outcome, Option<&str>, Option<Outcome>)] = &[
    (
        "se-bidrag-kulturforening.toml",
        Outcome::Allowed,
        Some("bidrag_utan_motprestation"),
        None,
    ),
    (
        "se-kulturforening-per-deltagare.toml",
        Outcome::NotAllowed,
        Some("kontrakt_mot_ersättning"),
        Some(Outcome::AllowedWithObligations),
    ),
    (
        "se-iop-kultur-pa-recept.toml",
        Outcome::Undecided,
        None,
        Some(Outcome::AllowedWithObligations),
    ),
    (
        "se-ekonomisk-forening-kulturarbetare.toml",
        Outcome::NotAllowed,
        Some("kontrakt_mot_ersättning"),
        Some(Outcome::AllowedWithObligations),
    ),
    (
        "no-tilskudd-frivillig-organisasjon.toml",
        Outcome::Allowed,
        Some("tilskudd_uten_motytelse"),
        None,
    ),
    (
        "no-tilskudd-leverte-timer.toml",
        Outcome::NotAllowed,
        Some("gjensidig_bebyrdende_kontrakt"),
        Some(Outcome::AllowedWithObligations),
    ),
    (
        "no-partnerskap-kultur-pa-resept.toml",
        Outcome::Undecided,
        None,
        Some(Outcome::AllowedWithObligations),
    ),
    (
        "no-samvirke-kulturarbeidere.toml",
        Outcome::NotAllowed,
        Some("gjensidig_bebyrdende_kontrakt"),
        Some(Outcome::NotAllowed),
    ),
];

#[test]
fn the_funding_cases_get_their_outcomes_and_explanations() {
    let rules = rules();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/funding");
    let shipped = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).count())
        .unwrap_or(0);
    assert_eq!(
        shipped,
        EXPECTED.len(),
        "every example in examples/funding is checked"
    );
    for (file, outcome, rule, related) in EXPECTED {
        let decision = rules.evaluate(&load(file));
        assert_eq!(decision.kind, "funding", "{file}");
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
fn the_conditional_cases_ask_whether_the_organisation_owes_anything() {
    for file in [
        "se-iop-kultur-pa-recept.toml",
        "no-partnerskap-kultur-pa-resept.toml",
    ] {
        let decision = rules().evaluate(&load(file));
        assert_eq!(
            decision.questions.first().map(|q| q.fact.as_str()),
            Some("funding.counter_performance"),
            "{file}: {:?}",
            decision.questions
        );
        let outcomes: Vec<Outcome> = decision.branches.iter().map(|b| b.outcome).collect();
        assert!(outcomes.contains(&Outcome::Allowed), "{file}: {outcomes:?}");
        assert!(
            outcomes.contains(&Outcome::Undecided),
            "{file}: {outcomes:?}"
        );
    }
}

/// A grant is not a purchase: the purchase a case also describes is not decided beside it, so
/// it cannot make the answer "not allowed". Once the organisation owes a counter-performance paid
/// per participant, the same purchase is decided and attached.
#[test]
fn the_purchase_is_decided_only_where_the_payment_is_not_a_grant() {
    let rules = rules();
    let mut case = load("se-bidrag-kulturforening.toml");
    for (path, value) in [
        ("funding.purchase.category", "services"),
        ("funding.purchase.cpv", "92000000-1"),
        ("funding.purchase.value", "12 000 000 SEK"),
    ] {
        case.set(path, value).unwrap_or_else(|e| panic!("{e}"));
    }
    let grant = rules.evaluate(&case);
    assert_eq!(grant.outcome, Outcome::Allowed);
    assert!(grant.related.is_empty(), "{:?}", grant.related);
    assert_eq!(grant.combined_outcome(), Outcome::Allowed);
    assert_eq!(rules.decide(&case).combined_outcome(), Outcome::Allowed);

    for (path, value) in [
        ("funding.counter_performance", "true"),
        ("funding.paid_per_delivery", "true"),
        ("funding.open_to_all", "false"),
    ] {
        case.set(path, value).unwrap_or_else(|e| panic!("{e}"));
    }
    let purchase = rules.evaluate(&case);
    assert_eq!(purchase.outcome, Outcome::NotAllowed);
    let related = purchase.related.first().map(|r| &r.decision);
    assert_eq!(related.map(|d| d.kind.as_str()), Some("purchase"));
    assert_eq!(related.map(|d| d.outcome), Some(Outcome::NotAllowed));
    assert_eq!(rules.decide(&case).related.len(), 1);
}

/// What the arrangement is called never decides: a payment per participant called an IOP is a
/// purchase as one called a grant is, and only the IOP warning is added.
#[test]
fn the_label_does_not_decide() {
    let rules = rules();
    let grant = load("se-kulturforening-per-deltagare.toml");
    let mut iop = grant.clone();
    iop.set("funding.label", "iop")
        .unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (rules.evaluate(&grant), rules.evaluate(&iop));
    assert_eq!(a.outcome, b.outcome);
    assert_eq!(a.decided_by, b.decided_by);
    let warned =
        |d: &regelverk::Decision| d.warnings.iter().any(|w| w.name == "iop_inget_undantag");
    assert!(!warned(&a));
    assert!(warned(&b));
}
