//! The Norwegian example cases in `examples/no-*.toml`: each file's expected outcome, the rule
//! that decides it and the procedure or warnings that matter, checked against the embedded rules.
//! Also the cross-border comparison: the same purchase under Norwegian and Swedish rules.

use crate::common;

use std::path::Path;

use regelverk::{Case, Outcome, RuleSet};

fn rules() -> RuleSet {
    common::embedded_rules()
}

fn load(name: &str) -> Case {
    common::example_case(name)
}

/// One example file and what the Norwegian rules must say about it.
struct Expected {
    file: &'static str,
    outcome: Outcome,
    /// The rule that decides it (for undecided cases: `None`, the reason is checked instead).
    decided_by: Option<&'static str>,
    /// The procedure required, for `NotAllowed`.
    procedure: Option<&'static str>,
    /// Warnings that must be shown.
    warnings: &'static [&'static str],
    /// For undecided cases: the parameter whose range leaves the case open.
    open_parameter: Option<&'static str>,
}

const EXPECTED: &[Expected] = &[
    Expected {
        file: "no-musikkterapi-90k.toml",
        outcome: Outcome::Allowed,
        decided_by: Some("utenfor_anskaffelsesloven"),
        procedure: None,
        warnings: &["forbud_mot_oppdeling"],
        open_parameter: None,
    },
    Expected {
        file: "no-musikkterapi-400k.toml",
        outcome: Outcome::AllowedWithObligations,
        decided_by: Some("del_I_under_nasjonal_terskel"),
        procedure: None,
        warnings: &["forbud_mot_oppdeling"],
        open_parameter: None,
    },
    Expected {
        file: "no-musikkterapi-1500k.toml",
        outcome: Outcome::NotAllowed,
        decided_by: Some("del_II_saerlige_tjenester"),
        procedure: Some("tilbudskonkurranse_del_II"),
        warnings: &["unntak_5_2", "kofa_overtredelsesgebyr"],
        open_parameter: None,
    },
    Expected {
        file: "no-helseforetak-5m.toml",
        outcome: Outcome::AllowedWithObligations,
        decided_by: Some("del_I_helse_og_sosial"),
        procedure: None,
        warnings: &["reservasjon_ideelle"],
        open_parameter: None,
    },
    Expected {
        file: "no-helseforetak-9m.toml",
        outcome: Outcome::NotAllowed,
        decided_by: Some("del_IV_helse_og_sosial"),
        procedure: Some("konkurranse_del_IV"),
        warnings: &[
            "unntak_13_3_13_4",
            "kofa_overtredelsesgebyr",
            "domstol_uten_virkning",
        ],
        open_parameter: None,
    },
    Expected {
        file: "no-statlig-it-konsulent.toml",
        outcome: Outcome::NotAllowed,
        decided_by: Some("del_II_under_eos"),
        procedure: Some("tilbudskonkurranse_del_II"),
        warnings: &["unntak_5_2", "kofa_overtredelsesgebyr"],
        open_parameter: None,
    },
    Expected {
        file: "no-fylkeskommune-skolebygg.toml",
        outcome: Outcome::NotAllowed,
        decided_by: Some("del_III_over_eos"),
        procedure: Some("anbudskonkurranse_del_III"),
        warnings: &["unntak_13_3_13_4", "domstol_uten_virkning"],
        open_parameter: None,
    },
    Expected {
        file: "no-rammeavtale-tolketjenester.toml",
        outcome: Outcome::NotAllowed,
        decided_by: Some("del_II_under_eos"),
        procedure: Some("tilbudskonkurranse_del_II"),
        warnings: &["kofa_overtredelsesgebyr"],
        open_parameter: None,
    },
    Expected {
        file: "no-kulturfestival-2500k.toml",
        outcome: Outcome::NotAllowed,
        decided_by: Some("del_II_saerlige_tjenester"),
        procedure: Some("tilbudskonkurranse_del_II"),
        warnings: &["unntak_5_2"],
        open_parameter: None,
    },
    // The 2024 NOK amounts in FOA § 5-3 continue from 2026 (no amending forskrift found).
    Expected {
        file: "no-renhold-2026.toml",
        outcome: Outcome::NotAllowed,
        decided_by: Some("del_III_over_eos"),
        procedure: Some("anbudskonkurranse_del_III"),
        warnings: &["eos_terskel_2026"],
        open_parameter: None,
    },
    // Below the lower limit of 500 000 kr from 2026-07-01: outside the act.
    Expected {
        file: "no-lovendring-2026-200k.toml",
        outcome: Outcome::Allowed,
        decided_by: Some("utenfor_anskaffelsesloven"),
        procedure: None,
        warnings: &["lovendring_2026", "nedre_grense_2026"],
        open_parameter: None,
    },
    // The 2020 amendment took effect on 12 February (DFØ): 2.02 mill that day is under the new
    // 2.05 mill, del II.
    Expected {
        file: "no-kommune-tjenester-2020-02-12.toml",
        outcome: Outcome::NotAllowed,
        decided_by: Some("del_II_under_eos"),
        procedure: Some("tilbudskonkurranse_del_II"),
        warnings: &[],
        open_parameter: None,
    },
    // The 2022 kommune threshold is 2.2 mill: 2.3 mill in 2023 is del III.
    Expected {
        file: "no-kommune-tjenester-2300k-2023.toml",
        outcome: Outcome::NotAllowed,
        decided_by: Some("del_III_over_eos"),
        procedure: Some("anbudskonkurranse_del_III"),
        warnings: &[],
        open_parameter: None,
    },
    // A commissioned sculpture: conditional on whether it is a physical object.
    Expected {
        file: "no-kunstverk-skulptur-2025.toml",
        outcome: Outcome::Undecided,
        decided_by: None,
        procedure: None,
        warnings: &[],
        open_parameter: None,
    },
    Expected {
        file: "no-energiverk-forsyning.toml",
        outcome: Outcome::AllowedWithObligations,
        decided_by: Some("forsyning_under_eos"),
        procedure: None,
        warnings: &[],
        open_parameter: None,
    },
    Expected {
        file: "no-smaa-delkontrakter.toml",
        outcome: Outcome::AllowedWithObligations,
        decided_by: Some("smaa_delkontrakter_varer_tjenester"),
        procedure: None,
        warnings: &[],
        open_parameter: None,
    },
    Expected {
        file: "no-grense-trysil-booking.toml",
        outcome: Outcome::AllowedWithObligations,
        decided_by: Some("del_I_under_nasjonal_terskel"),
        procedure: None,
        warnings: &[],
        open_parameter: None,
    },
];

#[test]
fn every_norwegian_example_has_its_expected_outcome() {
    let rules = rules();
    let mut failures = Vec::new();
    for e in EXPECTED {
        let case = load(e.file);
        assert_eq!(case.jurisdiction(), "NO", "{}", e.file);
        let d = rules.evaluate(&case);
        let mut problems = Vec::new();
        if d.outcome != e.outcome {
            problems.push(format!("outcome {:?}, expected {:?}", d.outcome, e.outcome));
        }
        if let Some(rule) = e.decided_by
            && d.decided_by != [rule]
        {
            problems.push(format!("decided by {:?}, expected {rule}", d.decided_by));
        }
        let procedure = d.procedure.as_ref().map(|p| p.name.as_str());
        if procedure != e.procedure {
            problems.push(format!(
                "procedure {procedure:?}, expected {:?}",
                e.procedure
            ));
        }
        for w in e.warnings {
            if !d.warnings.iter().any(|n| n.name == *w) {
                problems.push(format!("warning `{w}` missing"));
            }
        }
        if let Some(p) = e.open_parameter {
            let json = serde_json::to_string(&d.reasons).unwrap_or_default();
            if !json.contains(&format!("\"{p}\"")) {
                problems.push(format!("reasons do not name `{p}`: {json}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", e.file, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_norwegian_example_file_is_in_the_table() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("no-") && name.ends_with(".toml"))
        .filter(|name| load(name).jurisdiction() == "NO")
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "expected at least ten Norwegian examples"
    );
    for f in &files {
        assert!(
            EXPECTED.iter().any(|e| e.file == f),
            "{f} has no expected outcome in tests/it/examples_no.rs"
        );
    }
}

#[test]
fn helseforetak_use_the_thresholds_of_other_contracting_authorities() {
    let rules = rules();
    // 2.0 mill of goods in 2025: above the state threshold (1.49 mill), below the one for other
    // contracting authorities (2.3 mill).
    let mut case = load("no-helseforetak-5m.toml");
    let set = |case: &mut Case, path: &str, value: &str| {
        case.set(path, value)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    case.remove("purchase.cpv")
        .unwrap_or_else(|e| panic!("{e}"));
    set(&mut case, "purchase.category", "goods");
    set(&mut case, "purchase.value", "2 000 000 NOK");
    let d = rules.evaluate(&case);
    assert_eq!(d.outcome, Outcome::NotAllowed);
    assert_eq!(d.decided_by, ["del_II_under_eos"]);
    assert!(d.warnings.iter().any(|w| w.name == "helseforetak_terskel"));
}

/// The same purchase (a booking system from a Swedish supplier for the shared Dalarna–Innlandet
/// culture-and-health programme, 900 000 in each country's currency) for Trysil kommune under
/// Norwegian rules and for Falu kommun under Swedish rules: the buyer's country decides the law.
#[test]
fn the_same_purchase_under_norwegian_and_swedish_rules() {
    let rules = rules();
    let no = load("no-grense-trysil-booking.toml");
    assert_eq!(no.jurisdiction(), "NO");
    let in_norway = rules.evaluate(&no);
    assert_eq!(in_norway.jurisdiction, "NO");
    assert_eq!(in_norway.outcome, Outcome::AllowedWithObligations);
    assert_eq!(in_norway.decided_by, ["del_I_under_nasjonal_terskel"]);

    // The same case under Swedish rules, as `--jurisdiction se` would give it: a Swedish kind of
    // buyer and kronor. 900 000 kr is above the LOU direct-award limit of 700 000 kr.
    let mut se = no.clone();
    let set = |case: &mut Case, path: &str, value: &str| {
        case.set(path, value)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    set(&mut se, "jurisdiction", "SE");
    set(&mut se, "buyer.name", "Falu kommun");
    set(&mut se, "buyer.kind", "kommun");
    set(&mut se, "purchase.value", "900 000 SEK");
    let in_sweden = rules.evaluate(&se);
    assert_eq!(in_sweden.jurisdiction, "SE");
    assert_eq!(in_sweden.outcome, Outcome::NotAllowed);
    // Each is decided by its own country's rules only.
    let norwegian_rules: Vec<&str> = in_norway.rules.iter().map(|r| &*r.name).collect();
    assert!(!in_sweden.rules.is_empty());
    for r in &in_sweden.rules {
        assert!(
            !norwegian_rules.contains(&&*r.name),
            "rule {} in both",
            r.name
        );
    }

    // A Swedish kind of buyer under Norwegian rules is not guessed at.
    let mut swedish_buyer = no;
    set(&mut swedish_buyer, "buyer.kind", "kommun");
    let d = rules.evaluate(&swedish_buyer);
    assert_eq!(d.outcome, Outcome::Undecided);
    assert_eq!(d.decided_by, ["svensk_oppdragsgiver_etter_norske_regler"]);
}

/// `regelverk thresholds` for Norway: a value with its source for every date from 2017 to 2027.
#[test]
fn norwegian_thresholds_are_known_on_every_period_start() {
    let rules = rules();
    let dates = [
        "2017-01-01",
        "2018-04-05",
        "2018-04-06",
        "2020-02-11",
        "2020-02-12",
        "2022-03-23",
        "2024-03-14",
        "2026-01-01",
        "2026-07-01",
        "2027-12-31",
    ];
    for text in dates {
        let date = regelverk::case::parse_date(text).unwrap_or_else(|e| panic!("{e}"));
        let list = rules.thresholds("NO", date, regelverk::Lang::Nb);
        let json = serde_json::to_string(&list).unwrap_or_default();
        for name in [
            "nedre_grense",
            "nasjonal_terskelverdi",
            "eos_statlige",
            "eos_andre",
            "eos_bygg",
            "eos_saerlige",
        ] {
            let entry = list
                .iter()
                .find(|t| t.name == name)
                .unwrap_or_else(|| panic!("{name} missing on {text}: {json}"));
            assert!(
                !matches!(entry.value, regelverk::decision::Shown::Unknown),
                "{name} unknown on {text}"
            );
            assert!(
                entry.period.citation.is_some(),
                "{name} has no source on {text}"
            );
        }
    }
}

/// Obligations of del I that start or stop at a value or a date: the tax certificate above
/// 500 000 kr (FOA § 7-2), the § 7-9 climate duty from 2024-01-01, and the § 4 principles, which
/// Prop. 147 L proposed to repeal from 2026-07-01 (unverified, so a different obligation says so).
#[test]
fn del_i_obligations_change_at_their_value_and_dates() {
    let rules = rules();
    let obligations = |date: &str, value: &str| -> Vec<String> {
        let mut case = rules
            .new_case(
                "NO",
                regelverk::case::parse_date(date).unwrap_or_else(|e| panic!("{e}")),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        for (path, v) in [
            ("buyer.kind", "kommune"),
            ("purchase.category", "services"),
            ("purchase.value", value),
        ] {
            case.set(path, v).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
        let d = rules.evaluate(&case);
        assert_eq!(d.outcome, Outcome::AllowedWithObligations, "{date} {value}");
        d.obligations.into_iter().map(|o| o.name).collect()
    };
    let has = |list: &[String], name: &str| list.iter().any(|o| o == name);

    assert!(!has(
        &obligations("2025-05-01", "500 000 NOK"),
        "skatteattest_7_2"
    ));
    assert!(has(
        &obligations("2025-05-01", "500 001 NOK"),
        "skatteattest_7_2"
    ));

    assert!(!has(
        &obligations("2023-12-31", "400 000 NOK"),
        "klima_miljo_7_9"
    ));
    assert!(has(
        &obligations("2024-01-01", "400 000 NOK"),
        "klima_miljo_7_9"
    ));

    // From 2026-07-01 the lower limit is 500 000 kr: 400 000 kr is outside the act, with no
    // duties at all; above the limit del I applies with the § 7-9 duty as amended.
    let before = obligations("2026-06-30", "600 000 NOK");
    let after = obligations("2026-07-01", "600 000 NOK");
    assert!(has(&before, "grunnleggende_prinsipper"));
    assert!(!has(&before, "prinsipper_etter_2026"));
    assert!(has(&before, "klima_miljo_7_9"));
    assert!(has(&after, "prinsipper_etter_2026"));
    assert!(!has(&after, "grunnleggende_prinsipper"));
    assert!(has(&after, "klima_miljo_7_9_fra_2026"));
    assert!(!has(&after, "klima_miljo_7_9"));
    for list in [&before, &after] {
        assert!(has(list, "protokoll_7_1"));
    }
    assert!(has(
        &obligations("2026-06-30", "400 000 NOK"),
        "protokoll_7_1"
    ));
    let mut outside = rules
        .new_case(
            "NO",
            regelverk::case::parse_date("2026-07-01").unwrap_or_else(|e| panic!("{e}")),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    for (path, value) in [
        ("buyer.kind", "kommune"),
        ("purchase.category", "services"),
        ("purchase.value", "400 000 NOK"),
    ] {
        outside.set(path, value).unwrap_or_else(|e| panic!("{e}"));
    }
    let d = rules.evaluate(&outside);
    assert_eq!(d.outcome, Outcome::Allowed);
    assert!(d.obligations.is_empty());
}
