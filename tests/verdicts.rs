//! The words of a verdict are declared per kind of case, and per country where a country's
//! answer reads otherwise (`verdict allowed for NO …`): a new country's answers need no Rust.

mod common;

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
