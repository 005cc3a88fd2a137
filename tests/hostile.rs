//! Issue 10, "no crash, no fail-open input": each fault a hostile embedder found, with its
//! reproducer. Big inputs are generated here rather than committed.

mod common;

use regelverk::{Case, Outcome};

/// JSON cases refused `"open_market_share": 0` while TOML took `0`: the same fields read the same
/// way in both formats, as plain numbers or as text, and only from 0 to 100.
#[test]
fn percentages_read_alike_in_toml_and_json() {
    for (toml_value, json_value) in [
        ("0", "0"),
        ("19", "19"),
        ("80.5", "80.5"),
        ("\"80,5\"", "\"80,5\""),
        ("\"81 %\"", "\"81 %\""),
        ("100", "100"),
    ] {
        let toml = format!(
            "jurisdiction = \"SE\"\ndate = 2025-03-01\n[partnership]\nopen_market_share = {toml_value}\n[partnership.company]\nactivity_for_owners = {toml_value}\nprivate_ownership = {toml_value}\n"
        );
        let json = format!(
            r#"{{"jurisdiction":"SE","date":"2025-03-01","partnership":{{"open_market_share":{json_value},"company":{{"activity_for_owners":{json_value},"private_ownership":{json_value}}}}}}}"#
        );
        let from_toml = Case::from_toml_str(&toml, "case.toml")
            .unwrap_or_else(|e| panic!("{toml_value} in TOML: {e}"));
        let from_json = Case::from_json_str(&json, "case.json")
            .unwrap_or_else(|e| panic!("{json_value} in JSON: {e}"));
        assert_eq!(from_toml, from_json, "{toml_value}");
    }
    for bad in ["-1", "100.5", "150", "\"-5\"", "\"101 %\"", "true"] {
        let toml = format!(
            "jurisdiction = \"SE\"\ndate = 2025-03-01\n[partnership]\nopen_market_share = {bad}\n"
        );
        let json = format!(
            r#"{{"jurisdiction":"SE","date":"2025-03-01","partnership":{{"open_market_share":{bad}}}}}"#
        );
        assert!(
            Case::from_toml_str(&toml, "c.toml").is_err(),
            "{bad} in TOML"
        );
        assert!(
            Case::from_json_str(&json, "c.json").is_err(),
            "{bad} in JSON"
        );
    }
}

/// `750,000 SEK` and `900.000 NOK` were read as 750 and 900 kronor and answered "allowed"; in
/// every place amounts are read they are now refused, and so are amounts finer than öre.
#[test]
fn ambiguous_or_too_precise_amounts_are_refused_everywhere() {
    let rules = common::embedded_rules();
    for value in [
        "750,000 SEK",
        "900.000 SEK",
        "1.000.000 SEK",
        "650 000,125 SEK",
    ] {
        let toml = format!(
            "jurisdiction = \"SE\"\ndate = 2026-03-01\n[buyer]\nkind = \"kommun\"\n[purchase]\ncategory = \"services\"\nvalue = \"{value}\"\n"
        );
        assert!(
            Case::from_toml_str(&toml, "c.toml").is_err(),
            "{value} in TOML"
        );
        let json = format!(
            r#"{{"jurisdiction":"SE","date":"2026-03-01","purchase":{{"value":"{value}"}}}}"#
        );
        assert!(
            Case::from_json_str(&json, "c.json").is_err(),
            "{value} in JSON"
        );
        let mut case = Case::new(regelverk::Jurisdiction::Se, jiff::civil::date(2026, 3, 1));
        assert!(
            case.set_fact(regelverk::case::Fact::Value, value).is_err(),
            "{value} as a fact"
        );
        let mut out = Vec::new();
        let summary = regelverk::batch::run(
            &rules,
            json.as_bytes(),
            &mut out,
            &regelverk::batch::BatchOptions::default(),
            |_| {},
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.failed, 1, "{value} in a batch");
        assert!(String::from_utf8_lossy(&out).contains("ambiguous") || value.contains("125"));
    }
    // The unambiguous ways of writing the same amounts still read.
    for value in [
        "750 000 SEK",
        "750000 SEK",
        "750000,00 SEK",
        "750 000.50 SEK",
        "750,5 SEK",
    ] {
        let toml =
            format!("jurisdiction = \"SE\"\ndate = 2026-03-01\n[purchase]\nvalue = \"{value}\"\n");
        let case = Case::from_toml_str(&toml, "c.toml").unwrap_or_else(|e| panic!("{value}: {e}"));
        assert!(case.purchase.value.is_some());
    }
    let allowed = Case::from_toml_str(
        "jurisdiction = \"SE\"\ndate = 2026-03-01\n[buyer]\nkind = \"kommun\"\n[purchase]\ncategory = \"services\"\nservice_class = \"ordinary\"\nvalue = \"750 SEK\"\n",
        "c.toml",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(rules.evaluate(&allowed).outcome, Outcome::NotAllowed);
}
