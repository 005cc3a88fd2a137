//! Snapshots of explanations: every shipped example case, in all three languages, and as JSON.

use crate::common;

use regelverk::{Case, Lang, RuleSet};

fn load(name: &str) -> Case {
    common::example_case(name)
}

fn rules() -> RuleSet {
    common::embedded_rules()
}

macro_rules! explained {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            let rules = rules();
            let decision = rules.evaluate(&load($file));
            for lang in Lang::ALL {
                insta::assert_snapshot!(
                    format!("{}_{}", stringify!($test), lang),
                    rules.explain(&decision, lang)
                );
            }
            insta::assert_snapshot!(
                format!("{}_json", stringify!($test)),
                rules.explain_json(&decision, Lang::En)
            );
        }
    };
}

explained!(direct_award_allowed, "kommun-tjanster-650k.toml");
explained!(advertise_under_19_kap, "kommun-tjanster-750k.toml");
explained!(same_kind_purchases_added, "samma-slag-under-aret.toml");
explained!(range_threshold_undecided, "statlig-myndighet-2026.toml");
explained!(bilaga_2_direct_award, "kultur-pa-recept.json");
explained!(claimed_ground_left_to_a_lawyer, "bradskande-kop-2025.toml");
explained!(monthly_value_times_48, "stad-tillsvidare-2025.toml");
explained!(
    conditional_on_the_service_class,
    "kommun-tjanster-750k-okand-tjanst.toml"
);
explained!(conditional_on_the_value, "kommun-tjanster-utan-varde.toml");
explained!(
    work_of_art_may_be_goods,
    "konstverk-skulptur-region-2025.toml"
);
explained!(old_lou_cites_the_old_act, "kommun-varor-2015.toml");
explained!(before_the_rules_begin, "kommun-tjanster-2014-06.toml");
explained!(january_window_2022, "region-varor-januari-2022.toml");

/// A case under the old LOU (2014-07-01 – 2016-12-31) cites only the acts in force then: no
/// provision of LOU (2016:1145) or of its 2022 amendment is named, in any part of the decision.
#[test]
fn a_case_under_the_old_lou_cites_the_old_act() {
    let rules = rules();
    let decision = rules.evaluate(&load("kommun-varor-2015.toml"));
    let json = serde_json::to_value(&decision).unwrap_or_default();
    let mut sources = Vec::new();
    collect_sources(&json, &mut sources);
    assert!(sources.iter().any(|s| s == "LOU_2007"), "{sources:?}");
    for newer in ["LOU", "LOU_före_2022", "SFS_2021_1110", "UHM_2024"] {
        assert!(
            !sources.iter().any(|s| s == newer),
            "{newer} cited for 2015: {sources:?}"
        );
    }
    let sv = rules.explain(&decision, Lang::Sv);
    assert!(sv.contains("äldre LOU (2007:1091) 17 kap. 1 §"), "{sv}");
    assert!(sv.contains("4 kap.; 15 kap. 3 §"), "{sv}");
}

fn collect_sources(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            if let (Some(serde_json::Value::String(s)), true) =
                (map.get("source"), map.contains_key("label"))
            {
                out.push(s.clone());
            }
            for (k, x) in map {
                if k != "case" {
                    collect_sources(x, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| collect_sources(x, out)),
        _ => {}
    }
}

/// A case dated before the rules begin says which period they cover.
#[test]
fn a_case_before_the_rules_says_which_period_they_cover() {
    let rules = rules();
    let decision = rules.evaluate(&load("kommun-tjanster-2014-06.toml"));
    let en = rules.explain(&decision, Lang::En);
    assert!(en.contains("They cover 2014-07-01 to 2027-12-31"), "{en}");
}

/// The README's first command: only rules whose condition the case settles are given as why.
#[test]
fn the_readme_case_states_no_unestablished_rule() {
    let rules = rules();
    let decision = rules.evaluate(&load("kommun-tjanster-650k.toml"));
    assert_eq!(decision.decided_by, ["direktupphandling_19a_kap"]);
    for lang in Lang::ALL {
        let text = rules.explain(&decision, lang);
        assert!(!text.contains("bilaga 2 ("), "{lang}: {text}");
        assert!(text.contains("`purchase.service_class`"), "{lang}: {text}");
    }
}

#[test]
fn evaluation_is_deterministic() {
    let rules = rules();
    let case = load("statlig-myndighet-2026.toml");
    let first = rules.explain_json(&rules.evaluate(&case), Lang::Sv);
    for _ in 0..3 {
        assert_eq!(rules.explain_json(&rules.evaluate(&case), Lang::Sv), first);
    }
}

#[test]
fn json_decisions_round_trip() {
    let rules = rules();
    let decision = rules.evaluate(&load("kommun-tjanster-750k.toml"));
    let json = serde_json::to_string(&decision).unwrap_or_default();
    let back: regelverk::Decision =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    assert_eq!(back, decision);
}

/// A case that leaves out what is bought, where goods or works would contradict its annex 2
/// CPV code: the answer is a service's, and the explanation says the other facts imply it.
#[test]
fn what_the_other_facts_imply_is_said() {
    let rules = rules();
    let case = rules
        .read_case(
            r#"
jurisdiction = "SE"
date = "2014-07-01"

[buyer]
kind = "kommun"

[purchase]
cpv = "92000000"
service_class = "ordinary"
value = "1 500 000 SEK"
options = "306 427 SEK"
"#,
            "implied.toml",
        )
        .expect("a case");
    let decision = rules.evaluate(&case);
    assert_eq!(decision.outcome, regelverk::Outcome::NotAllowed);
    assert_eq!(decision.implied.len(), 1, "{:?}", decision.implied);
    assert!(decision.holds_whatever.is_empty());
    for lang in Lang::ALL {
        insta::assert_snapshot!(
            format!("what_the_other_facts_imply_is_said_{lang}"),
            rules.explain(&decision, lang)
        );
    }
}
