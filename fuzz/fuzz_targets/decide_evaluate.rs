//! Generated cases, purchases and partnerships in every declared country: the lean `decide`
//! gives the same outcome and procedure as the traced `evaluate`, and the decision explains.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use regelverk::vocab::{Fact, ValueType};
use regelverk::{Case, Lang, RuleSet};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded_for_deciding().expect("the embedded rules check"))
}

/// Text for a fact, from a short list of what cases say: names of each closed list, amounts at
/// and around the thresholds, dates, yes/no, percentages and parties.
fn value_for(fact: &Fact, u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    let vocab = rules().vocabulary();
    Ok(match fact.ty {
        ValueType::OneOf(list) | ValueType::Names(list) => u.choose(&vocab.lists[list].names)?.clone(),
        ValueType::Amount => {
            let amount = *u.choose(&[
                0u64, 99_999, 100_000, 615_312, 699_999, 700_000, 1_300_000, 2_389_585, 5_000_000,
                9_000_000, 60_000_000,
            ])? + u64::from(u.int_in_range(0u8..=2)?);
            let cents = u.int_in_range(0u8..=99)?;
            let currency = u.choose(&vocab.countries)?.currency;
            format!("{amount},{cents:02} {currency}")
        }
        ValueType::Date => format!(
            "{}-{:02}-{:02}",
            u.int_in_range(2014..=2028)?,
            u.int_in_range(1..=12)?,
            u.int_in_range(1..=28)?
        ),
        ValueType::WholeNumber | ValueType::Percent => u.int_in_range(0u8..=100)?.to_string(),
        ValueType::YesNo => u.choose(&["true", "false"])?.to_string(),
        ValueType::Cpv => u
            .choose(&[
                "85100000",
                "92000000-1",
                "90910000",
                "45000000",
                "79952100",
                "72000000",
            ])?
            .to_string(),
        ValueType::Text => format!("text {}", u.int_in_range(0u8..=9)?),
        ValueType::Records(_) => {
            let kind = u.choose(&[
                "kommun",
                "region",
                "kommune",
                "private_company",
                "kommunalt_bolag",
            ])?;
            let gives = u.choose(&[
                "money",
                "premises, staff",
                "",
                "service",
                "money, commitments",
            ])?;
            let marks = u.choose(&[
                "",
                "; controlled",
                "; contracting_authority",
                "; controlled; not contracting_authority",
            ])?;
            format!("part {}; {kind}; {gives}{marks}", u.int_in_range(0u8..=9)?)
        }
    })
}

#[derive(Debug)]
struct Generated(Case);

impl<'a> Arbitrary<'a> for Generated {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let vocab = rules().vocabulary();
        let code = u.choose(&vocab.codes())?.to_string();
        let date = jiff::civil::date(2025, 3, 1);
        let Ok(mut case) = rules().new_case(&code, date) else {
            return Err(arbitrary::Error::IncorrectFormat);
        };
        if u.ratio(1, 4)? {
            let kind = u.choose(&vocab.kinds)?.name.clone();
            let _ = case.set_kind(&kind);
        }
        for _ in 0..u.int_in_range(0u8..=12)? {
            let fact = u.choose(&vocab.facts)?;
            // A list of records is given one element at a time, on one line.
            let path = fact.each_as.as_deref().unwrap_or(&fact.path);
            // A value the fact cannot take is refused, as for a rule file's `given`: skip it.
            let _ = case.set(path, &value_for(fact, u)?);
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
