//! The words of a verdict are declared per kind of case, and per country where a country's
//! answer reads otherwise (`verdict allowed for NO …`): a new country's answers need no Rust.

use crate::common;

use regelverk::{Lang, RuleSet};

/// The shipped vocabulary with `extra` added to the purchase kind's declaration, after its
/// `default` line.
fn vocabulary_with(extra: &str) -> (String, String) {
    let (name, text) = common::vocabulary();
    let at = text
        .find("  default\n")
        .expect("the purchase kind is the default")
        + "  default\n".len();
    (name, format!("{}{extra}{}", &text[..at], &text[at..]))
}

/// A Swedish and a Norwegian rule that allow a purchase below 100 in the country's currency.
fn rule_files() -> Vec<(String, String)> {
    ["SE", "NO"]
        .into_iter()
        .map(|code| {
            let currency = if code == "SE" { "SEK" } else { "NOK" };
            (
                format!("{code}.regel"),
                format!(
                    "jurisdiction {code}\n\nsource S_{code} \"a source\"\n\nrule small_{code}\n  from 2014-01-01 to 2030-12-31\n  when purchase.value < 100 {currency}\n  then allowed\n  cite S_{code}\n  sv \"Litet.\" nb \"Lite.\" en \"Small.\"\n"
                ),
            )
        })
        .collect()
}

fn summary(rules: &RuleSet, code: &str, lang: Lang) -> String {
    let date = "2026-03-01".parse().unwrap_or_else(|e| panic!("{e}"));
    let mut case = rules.new_case(code, date).unwrap_or_else(|e| panic!("{e}"));
    let currency = rules.currency(code).expect("a country");
    case.set("purchase.value", &format!("10 {currency}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let decision = rules.evaluate(&case);
    rules.explain_value(&decision, lang).summary
}

#[test]
fn a_country_s_own_verdict_line_replaces_the_kind_s_for_its_cases_only() {
    let own = "  verdict allowed for NO\n    sv \"Norsk rätt tillåter direkt anskaffelse.\"\n    nb \"Direkte anskaffelse er tillatt etter norsk rett.\"\n    en \"Norwegian law allows a direct award.\"\n";
    let mut files = vec![vocabulary_with(own)];
    files.extend(rule_files());
    let rules = RuleSet::from_sources(files).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        summary(&rules, "NO", Lang::Nb),
        "Direkte anskaffelse er tillatt etter norsk rett."
    );
    assert_eq!(
        summary(&rules, "NO", Lang::En),
        "Norwegian law allows a direct award."
    );
    // Sweden keeps the kind's line, and so does every outcome Norway does not declare.
    assert_eq!(summary(&rules, "SE", Lang::En), "Direct award is allowed.");
    let purchase = rules.vocabulary().kind("purchase").expect("declared");
    let no = rules.vocabulary().country("NO");
    let kind = &rules.vocabulary().kinds[purchase];
    assert_eq!(
        kind.verdicts
            .get(regelverk::Outcome::NotAllowed, no)
            .get(Lang::En),
        "Direct award is not allowed."
    );
}

#[test]
fn a_country_s_verdict_is_checked_like_the_others() {
    for (extra, message) in [
        (
            "  verdict allowed for FI\n    sv \"a\"\n    nb \"b\"\n    en \"c\"\n",
            "unknown country `FI`",
        ),
        (
            "  verdict allowed for NO\n    sv \"a\"\n    nb \"b\"\n    en \"c\"\n  verdict allowed for NO\n    sv \"a\"\n    nb \"b\"\n    en \"c\"\n",
            "says this verdict twice for one country",
        ),
        (
            "  verdict allowed for NO\n    sv \"a\"\n    en \"c\"\n",
            "has no `nb` text",
        ),
    ] {
        let mut files = vec![vocabulary_with(extra)];
        files.extend(rule_files());
        let error = RuleSet::from_sources(files)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains(message), "{extra}: {error}");
    }
}

/// The embedded rule files with the vocabulary's text changed by `edit`.
fn embedded_with(mut edit: impl FnMut(&str) -> String) -> Result<RuleSet, regelverk::RuleError> {
    RuleSet::from_sources(
        regelverk::embedded_rule_files()
            .into_iter()
            .map(|(name, text)| {
                let text = if name.ends_with("rules/vocabulary.regel") {
                    edit(&text)
                } else {
                    text
                };
                (name, text)
            }),
    )
}

/// The partnership kind's `instead` lines, from the first to the end of the declaration.
fn partnership_instead(text: &str) -> (usize, usize) {
    let start = text
        .find("    instead verdict allowed\n")
        .expect("the partnership declares instead lines");
    let end = start + text[start..].find("\n\n").expect("a blank line after") + 1;
    (start, end)
}

/// A partnership that is a purchase instead, whose purchase the purchase rules allow, and what
/// its one-line answer ends with.
fn partnership_purchase_summary(rules: &RuleSet) -> (regelverk::Outcome, String) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/partnerships/kre-halsa-avknoppning.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let case = rules
        .read_case(&text, "kre-halsa-avknoppning.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let decision = rules.evaluate(&case);
    assert_eq!(decision.outcome, regelverk::Outcome::NotAllowed);
    let related = decision.related.first().expect("the purchase is decided");
    (
        related.decision.outcome,
        rules.explain_value(&decision, Lang::En).summary,
    )
}

#[test]
fn a_related_case_s_instead_line_is_said_where_the_main_case_is_not_allowed() {
    let rules = common::shared_rules();
    let (outcome, summary) = partnership_purchase_summary(rules);
    assert!(matches!(
        outcome,
        regelverk::Outcome::Allowed | regelverk::Outcome::AllowedWithObligations
    ));
    assert!(
        summary.ends_with(". The purchase may be awarded directly."),
        "{summary}"
    );
}

#[test]
fn without_an_instead_line_the_related_kind_s_own_verdict_is_said() {
    let rules = embedded_with(|text| {
        let (start, end) = partnership_instead(text);
        format!("{}{}", &text[..start], &text[end..])
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let (outcome, summary) = partnership_purchase_summary(&rules);
    let vocab = rules.vocabulary();
    let purchase = vocab.kind("purchase").expect("declared");
    let own = vocab.kinds[purchase]
        .verdicts
        .get(outcome, vocab.country("SE"))
        .get(Lang::En);
    assert!(own.starts_with("Direct award is allowed"), "{own}");
    assert!(summary.ends_with(&format!(". {own}")), "{summary}");
}

#[test]
fn a_country_s_own_instead_line_replaces_the_one_for_every_country() {
    let own = "    instead verdict allowed for SE\n      sv \"I Sverige får köpet direktupphandlas.\"\n      nb \"I Sverige kan kjøpet anskaffes direkte.\"\n      en \"In Sweden the purchase may be awarded directly.\"\n    instead verdict allowed with obligations for SE\n      sv \"I Sverige får köpet direktupphandlas.\"\n      nb \"I Sverige kan kjøpet anskaffes direkte.\"\n      en \"In Sweden the purchase may be awarded directly.\"\n";
    let rules = embedded_with(|text| {
        let (start, _) = partnership_instead(text);
        format!("{}{own}{}", &text[..start], &text[start..])
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let (_, summary) = partnership_purchase_summary(&rules);
    assert!(
        summary.ends_with(". In Sweden the purchase may be awarded directly."),
        "{summary}"
    );
}

#[test]
fn instead_lines_are_checked_with_their_place() {
    // What is wrong, and how many lines after the first line added it is pointed at (the second
    // of two lines for one outcome is the one refused).
    for (extra, message, below) in [
        (
            "    instead verdict undecided for FI\n      sv \"a\"\n      nb \"b\"\n      en \"c\"\n",
            "unknown country `FI`",
            0,
        ),
        (
            "    instead verdict undecided\n      sv \"a\"\n      en \"c\"\n",
            "has no `nb` text",
            0,
        ),
        (
            "    instead verdict allowed\n      sv \"a\"\n      nb \"b\"\n      en \"c\"\n",
            "says this verdict twice",
            4,
        ),
    ] {
        let mut line = 0;
        let error = embedded_with(|text| {
            let (start, _) = partnership_instead(text);
            line = text[..start].lines().count() + 1;
            format!("{}{extra}{}", &text[..start], &text[start..])
        });
        let error = error.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains(message), "{extra}: {error}");
        assert!(
            error.contains(&format!("rules/vocabulary.regel:{}:", line + below)),
            "{extra}: {error}"
        );
    }
}

/// `regelverk diff` names a change to a kind's form or to a related case's `instead` line.
#[test]
fn diff_names_a_changed_form_and_a_changed_instead_line() {
    let old = common::shared_rules();
    let new = embedded_with(|text| {
        text.replacen(
            "asks first buyer.kind, purchase.category,",
            "asks first purchase.category, buyer.kind,",
            1,
        )
        .replacen(
            "      sv \"Om köpet får direktupphandlas är obestämt.\"",
            "      sv \"Om köpet får direktupphandlas avgör reglerna inte.\"",
            1,
        )
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let report = regelverk::diff::compare(old, &new);
    let fields: Vec<(&str, &str)> = report
        .changes
        .iter()
        .flat_map(|c| c.fields.iter().map(|f| (c.name.as_str(), f.field.as_str())))
        .collect();
    assert!(
        fields.contains(&("purchase", "form asks first")),
        "{fields:?}"
    );
    assert!(
        fields.iter().any(|(kind, field)| *kind == "partnership"
            && field.starts_with("instead verdict undecided")
            && field.contains("sv")),
        "{fields:?}"
    );
}
