//! Every Swedish example case in `examples/`, with the outcome the law gives it.

use crate::common;

use std::path::Path;

use regelverk::{Outcome, RuleSet};

/// (file, outcome, the procedure required when not allowed, the rule that must decide).
const EXPECTED: &[(&str, Outcome, Option<&str>, Option<&str>)] = &[
    (
        "kommun-tjanster-650k.toml",
        Outcome::AllowedWithObligations,
        None,
        Some("direktupphandling_19a_kap"),
    ),
    (
        "kommun-tjanster-750k-okand-tjanst.toml",
        Outcome::Undecided,
        None,
        None,
    ),
    (
        "kommun-tjanster-utan-varde.toml",
        Outcome::Undecided,
        None,
        None,
    ),
    (
        "kommun-tjanster-750k.toml",
        Outcome::NotAllowed,
        Some("annonserad_upphandling_19_kap"),
        None,
    ),
    (
        "samma-slag-under-aret.toml",
        Outcome::NotAllowed,
        Some("annonserad_upphandling_19_kap"),
        None,
    ),
    (
        "statlig-myndighet-2026.toml",
        Outcome::Undecided,
        None,
        None,
    ),
    (
        "kultur-pa-recept.json",
        Outcome::AllowedWithObligations,
        None,
        Some("bilaga_2_direktupphandling"),
    ),
    (
        "kontorsmobler-region-2025.toml",
        Outcome::NotAllowed,
        Some("annonserad_upphandling_19_kap"),
        None,
    ),
    (
        "kre-halsa-ramavtal-kulturentreprenorer.toml",
        Outcome::AllowedWithObligations,
        None,
        Some("bilaga_2_direktupphandling"),
    ),
    (
        "hemtjanst-valfard-2020.toml",
        Outcome::AllowedWithObligations,
        None,
        Some("välfärdstjänster_bilaga_2a"),
    ),
    (
        "energibolag-luf-2024.toml",
        Outcome::AllowedWithObligations,
        None,
        Some("direktupphandling_luf"),
    ),
    (
        "byggentreprenad-region-2026.toml",
        Outcome::NotAllowed,
        Some("eu_upphandling_6_kap"),
        None,
    ),
    (
        "stad-tillsvidare-2025.toml",
        Outcome::NotAllowed,
        Some("annonserad_upphandling_19_kap"),
        None,
    ),
    (
        "bradskande-kop-2025.toml",
        Outcome::Undecided,
        None,
        Some("åberopad_grund"),
    ),
    (
        "koncession-parkering-2024.toml",
        Outcome::AllowedWithObligations,
        None,
        Some("direktupphandling_luk"),
    ),
    // Issue 12: a commissioned work that may be goods (conditional on `physical_object`), a case
    // under the old LOU (its citations), a case before the rules begin, a January window.
    (
        "konstverk-skulptur-region-2025.toml",
        Outcome::Undecided,
        None,
        None,
    ),
    (
        "kommun-varor-2015.toml",
        Outcome::NotAllowed,
        Some("förenklat_förfarande_15_kap"),
        Some("annonsering_äldre_lou"),
    ),
    (
        "kommun-tjanster-2014-06.toml",
        Outcome::Undecided,
        None,
        None,
    ),
    (
        "region-varor-januari-2022.toml",
        Outcome::Undecided,
        None,
        None,
    ),
];

#[test]
fn every_swedish_example_case_gets_its_expected_outcome() {
    let rules = RuleSet::embedded().unwrap_or_else(|e| panic!("{e}"));
    for (file, outcome, procedure, rule) in EXPECTED {
        let case = common::example_case(file);
        let decision = rules.evaluate(&case);
        assert_eq!(decision.outcome, *outcome, "{file}: {:?}", decision.reasons);
        assert_eq!(
            decision.procedure.as_ref().map(|p| p.name.as_str()),
            *procedure,
            "{file}"
        );
        // An undecided example case is a conditional answer with something to ask, or left
        // open by a rule; never undecided for no stated reason.
        if *outcome == Outcome::Undecided {
            assert!(!decision.reasons.is_empty(), "{file}");
        }
        if let Some(rule) = rule {
            assert!(
                decision.decided_by.iter().any(|r| r == rule),
                "{file}: decided by {:?}",
                decision.decided_by
            );
        }
    }
}

#[test]
fn every_swedish_example_file_is_listed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut listed = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
        let name = entry
            .map(|e| e.file_name().to_string_lossy().to_string())
            .unwrap_or_default();
        let text = std::fs::read_to_string(dir.join(&name)).unwrap_or_default();
        // `no-*` files belong to the Norwegian examples (tests/it/examples_no.rs), including the
        // Swedish side of a cross-border comparison; `dk-*` files to the Danish ones
        // (tests/it/example_snapshots.rs), which may name Sweden too.
        if text.contains("\"SE\"") && !name.starts_with("no-") && !name.starts_with("dk-") {
            assert!(
                EXPECTED.iter().any(|(f, ..)| *f == name),
                "{name} has no expected outcome"
            );
            listed += 1;
        }
    }
    assert!(listed >= 10, "only {listed} Swedish example cases");
}
