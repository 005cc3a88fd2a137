//! Snapshots of Norwegian explanations in the three languages: the music-therapy purchase in
//! del I, the helseforetak in del IV, a purchase below the 2026 lower limit, the 2026, 2022 and 2020
//! thresholds, a commissioned sculpture, and the cross-border purchase under Norwegian rules.

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
        }
    };
}

explained!(music_therapy_del_i, "no-musikkterapi-400k.toml");
explained!(music_therapy_del_ii, "no-musikkterapi-1500k.toml");
explained!(helseforetak_del_iv, "no-helseforetak-9m.toml");
explained!(lower_limit_2026_outside, "no-lovendring-2026-200k.toml");
explained!(thresholds_2026_continue, "no-renhold-2026.toml");
explained!(
    kommune_threshold_2020_from_12_february,
    "no-kommune-tjenester-2020-02-12.toml"
);
explained!(
    kommune_threshold_2022,
    "no-kommune-tjenester-2300k-2023.toml"
);
explained!(work_of_art_may_be_goods, "no-kunstverk-skulptur-2025.toml");
explained!(cross_border_trysil, "no-grense-trysil-booking.toml");
