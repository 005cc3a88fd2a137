//! Generated cases, purchases and partnerships in both countries: the lean `decide` gives the
//! same outcome and procedure as the traced `evaluate`, and the decision explains.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use regelverk::case::{Fact, Partnership};
use regelverk::{Case, Jurisdiction, Lang, RuleSet};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded_for_deciding().expect("the embedded rules check"))
}

/// Text for a fact, from a short list of what cases say: names of each closed list, amounts at
/// and around the thresholds, dates, yes/no, percentages and parties.
fn value_for(fact: Fact, u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    use regelverk::case::FactType;
    Ok(match fact.ty() {
        FactType::Names(names) => u.choose(names)?.to_string(),
        FactType::Money => {
            let amount = *u.choose(&[
                0u64, 99_999, 100_000, 615_312, 699_999, 700_000, 1_300_000, 2_389_585, 5_000_000,
                9_000_000, 60_000_000,
            ])? + u64::from(u.int_in_range(0u8..=2)?);
            let cents = u.int_in_range(0u8..=99)?;
            let currency = u.choose(&["SEK", "NOK", "EUR"])?;
            format!("{amount},{cents:02} {currency}")
        }
        FactType::Date => format!(
            "{}-{:02}-{:02}",
            u.int_in_range(2014..=2028)?,
            u.int_in_range(1..=12)?,
            u.int_in_range(1..=28)?
        ),
        FactType::Number => u.int_in_range(0u8..=100)?.to_string(),
        FactType::Bool => u.choose(&["true", "false"])?.to_string(),
        FactType::Cpv => u
            .choose(&[
                "85100000",
                "92000000-1",
                "90910000",
                "45000000",
                "79952100",
                "72000000",
            ])?
            .to_string(),
        FactType::Text => {
            let kind = u.choose(&[
                "kommun",
                "region",
                "kommune",
                "private_company",
                "kommunalt_bolag",
            ])?;
            let gives = u.choose(&["money", "premises, staff", "", "service"])?;
            format!("part {}; {kind}; {gives}", u.int_in_range(0u8..=9)?)
        }
    })
}

#[derive(Debug)]
struct Generated(Case);

impl<'a> Arbitrary<'a> for Generated {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let jurisdiction = if u.arbitrary()? {
            Jurisdiction::Se
        } else {
            Jurisdiction::No
        };
        let mut case = Case::new(jurisdiction, jiff::civil::date(2025, 3, 1));
        if u.ratio(1, 4)? {
            case.partnership = Some(Partnership::default());
        }
        for _ in 0..u.int_in_range(0u8..=12)? {
            let fact = *u.choose(&Fact::ALL)?;
            if fact == Fact::Jurisdiction {
                continue;
            }
            // A value the fact cannot take is refused, as for a rule file's `given`: skip it.
            let _ = case.set_fact(fact, &value_for(fact, u)?);
        }
        Ok(Generated(case))
    }
}

fuzz_target!(|generated: Generated| {
    let case = generated.0;
    let decision = rules().evaluate(&case);
    let verdict = rules().decide(&case);
    assert_eq!(verdict.outcome, decision.outcome, "{case:?}");
    assert_eq!(
        verdict.procedure,
        decision.procedure.as_ref().map(|p| p.name.as_str()),
        "{case:?}"
    );
    let _ = rules().explain(&decision, Lang::En);
});
