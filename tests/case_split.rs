//! The case split is sound and complete, checked by brute force.
//!
//! Generated purchases (Sweden and Norway, 2014–2027) and the shipped partnership cases lose up
//! to three facts; the incomplete case is decided, and so is every completion of the removed
//! facts over its domain: each name of a closed list, yes and no, and for amounts the values at
//! and one krona around every threshold in force on the case's date (also less what the case
//! adds to the value, such as options and same-kind purchases), for percentages the values at
//! and around the limits the partnership rules use.
//!
//! - **Sound**: a decided answer is the answer of every completion (allowed, with or without
//!   obligations, counts as one outcome; a refusal must name the same procedure), and each branch
//!   of a conditional answer is what a completion inside it gives.
//! - **Complete**: an undecided answer without branches (the rules leave it open, or no rule is
//!   in force) is undecided for every completion too, and a conditional answer is not given when
//!   every completion agrees.
//!
//! Facts the rule files give a default when absent (options, same-kind purchases, a framework
//! agreement: "a case that does not mention them has none") are established by their absence,
//! so they are not completed.

mod common;

use proptest::prelude::*;
use regelverk::case::Fact;
use regelverk::{
    BranchValue, BuyerKind, Case, Category, Currency, Decision, Jurisdiction, Lang, Money, Outcome,
    RuleSet,
};
use rust_decimal::Decimal;

fn rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(common::embedded_rules)
}

/// What the answer is, for comparing: allowed (with or without obligations), not allowed with
/// its procedure, or undecided.
fn class(outcome: Outcome, procedure: Option<&str>) -> String {
    match outcome {
        Outcome::Allowed | Outcome::AllowedWithObligations => "allowed".to_string(),
        Outcome::NotAllowed => format!("not allowed: {}", procedure.unwrap_or("-")),
        Outcome::Undecided => "undecided".to_string(),
    }
}

fn class_of(d: &Decision) -> String {
    class(d.outcome, d.procedure.as_ref().map(|p| p.name.as_str()))
}

fn currency(j: Jurisdiction) -> Currency {
    match j {
        Jurisdiction::Se => Currency::Sek,
        Jurisdiction::No => Currency::Nok,
    }
}

/// One way to complete a removed fact: a change to the case.
type Completion = Box<dyn Fn(&mut Case)>;

/// A fact the test may remove, with how to remove it and the values to complete it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Removed {
    ServiceClassAndCpv,
    BuyerKind,
    Category,
    Value,
    ProcurementValue,
    SharedPublicTask,
    CommonObjective,
    PrivateAdvantage,
    OpenMarketShare,
    CompanyControl,
    CompanyActivity,
}

impl Removed {
    fn remove(self, case: &mut Case) {
        let p = &mut case.purchase;
        let s = case.partnership.as_mut();
        match self {
            Removed::ServiceClassAndCpv => {
                p.service_class = None;
                p.cpv = None;
            }
            Removed::BuyerKind => case.buyer.kind = None,
            Removed::Category => p.category = None,
            Removed::Value => p.value = None,
            Removed::ProcurementValue => {
                if let Some(proc) = s.and_then(|s| s.procurement.as_mut()) {
                    proc.value = None;
                }
            }
            Removed::SharedPublicTask => {
                if let Some(s) = s {
                    s.shared_public_task = None
                }
            }
            Removed::CommonObjective => {
                if let Some(s) = s {
                    s.common_objective = None
                }
            }
            Removed::PrivateAdvantage => {
                if let Some(s) = s {
                    s.private_advantage = None
                }
            }
            Removed::OpenMarketShare => {
                if let Some(s) = s {
                    s.open_market_share = None
                }
            }
            Removed::CompanyControl => {
                if let Some(c) = s.and_then(|s| s.company.as_mut()) {
                    c.control_like_own_departments = None
                }
            }
            Removed::CompanyActivity => {
                if let Some(c) = s.and_then(|s| s.company.as_mut()) {
                    c.activity_for_owners = None
                }
            }
        }
    }

    /// Each way to complete the fact, as a change to the case.
    fn completions(self, case: &Case) -> Vec<Completion> {
        let names = |fact: Fact, names: &'static [&'static str]| -> Vec<Completion> {
            names
                .iter()
                .map(|n| {
                    let n = *n;
                    Box::new(move |c: &mut Case| {
                        c.set_fact(fact, n).expect("a name of the list");
                    }) as Completion
                })
                .collect()
        };
        let yes_no = |fact: Fact| -> Vec<Completion> {
            ["true", "false"]
                .into_iter()
                .map(|b| {
                    Box::new(move |c: &mut Case| {
                        c.set_fact(fact, b).expect("yes or no");
                    }) as Completion
                })
                .collect()
        };
        let percents = |fact: Fact| -> Vec<Completion> {
            ["0", "1", "19", "20", "21", "50", "79", "80", "81", "100"]
                .into_iter()
                .map(|v| {
                    Box::new(move |c: &mut Case| {
                        c.set_fact(fact, v).expect("a percentage");
                    }) as Completion
                })
                .collect()
        };
        match self {
            Removed::ServiceClassAndCpv => {
                // No CPV code: the service class is then what the rules read. Goods and works
                // have no service class (stating one would contradict the category).
                if case.purchase.category != Some(Category::Services) {
                    return Vec::new();
                }
                names(Fact::ServiceClass, regelverk::case::ServiceClass::NAMES)
            }
            Removed::BuyerKind => names(Fact::BuyerKind, BuyerKind::names_in(case.jurisdiction)),
            Removed::Category => {
                // A service needs its class when the case gives neither class nor CPV code.
                let open_class =
                    case.purchase.service_class.is_none() && case.purchase.cpv.is_none();
                let mut ways = Vec::new();
                for category in Category::NAMES {
                    let classes: &[&str] = if *category == "services" && open_class {
                        regelverk::case::ServiceClass::NAMES
                    } else {
                        &[""]
                    };
                    for class in classes {
                        let (category, class) = (*category, *class);
                        ways.push(Box::new(move |c: &mut Case| {
                            c.set_fact(Fact::Category, category).expect("a category");
                            if !class.is_empty() {
                                c.set_fact(Fact::ServiceClass, class).expect("a class");
                            }
                        }) as Completion);
                    }
                }
                ways
            }
            Removed::Value => amounts(case, &case.purchase)
                .into_iter()
                .map(|m| Box::new(move |c: &mut Case| c.purchase.value = Some(m)) as Completion)
                .collect(),
            Removed::ProcurementValue => {
                let Some(proc) = case
                    .partnership
                    .as_ref()
                    .and_then(|s| s.procurement.clone())
                else {
                    return Vec::new();
                };
                amounts(case, &proc)
                    .into_iter()
                    .map(|m| {
                        Box::new(move |c: &mut Case| {
                            if let Some(p) =
                                c.partnership.as_mut().and_then(|s| s.procurement.as_mut())
                            {
                                p.value = Some(m);
                            }
                        }) as Completion
                    })
                    .collect()
            }
            Removed::SharedPublicTask => yes_no(Fact::SharedPublicTask),
            Removed::CommonObjective => yes_no(Fact::CommonObjective),
            Removed::PrivateAdvantage => yes_no(Fact::PrivateAdvantage),
            Removed::OpenMarketShare => percents(Fact::OpenMarketShare),
            Removed::CompanyControl => yes_no(Fact::CompanyControl),
            Removed::CompanyActivity => percents(Fact::CompanyActivity),
        }
    }
}

/// Amounts at and one krona around every threshold in force, also less what the purchase adds
/// to its value; and 0, a small and a huge amount.
fn amounts(case: &Case, purchase: &regelverk::Purchase) -> Vec<Money> {
    let c = currency(case.jurisdiction);
    let mut points: Vec<Decimal> = Vec::new();
    for t in rules().thresholds(case.jurisdiction, case.date, Lang::En) {
        match t.value {
            regelverk::decision::Shown::Money { amount, .. } => points.push(amount),
            regelverk::decision::Shown::MoneyRange { low, high, .. } => {
                points.push(low);
                points.push(((low + high) / Decimal::TWO).round());
                points.push(high);
            }
            _ => {}
        }
    }
    let added: Vec<Decimal> = [
        purchase.options,
        purchase.extensions,
        purchase.same_kind_this_year,
    ]
    .into_iter()
    .flatten()
    .map(|m| m.amount)
    .collect();
    let total_added: Decimal = added.iter().copied().sum();
    let mut values: Vec<Decimal> = vec![
        Decimal::ZERO,
        Decimal::from(50_000),
        Decimal::from(1_000_000_000),
    ];
    for p in points {
        for offset in [Decimal::ZERO, total_added] {
            for delta in [-1i64, 0, 1] {
                let v = p - offset + Decimal::from(delta);
                if v >= Decimal::ZERO {
                    values.push(v);
                }
            }
        }
    }
    values.sort();
    values.dedup();
    values.into_iter().map(|v| Money::new(v, c)).collect()
}

/// Every combination of one completion per removed fact.
fn completed(case: &Case, removed: &[Removed]) -> Vec<Case> {
    let mut cases = vec![case.clone()];
    for r in removed {
        let ways = r.completions(case);
        if ways.is_empty() {
            continue;
        }
        let mut next = Vec::with_capacity(cases.len() * ways.len());
        for c in &cases {
            for way in &ways {
                let mut d = c.clone();
                way(&mut d);
                next.push(d);
            }
        }
        cases = next;
    }
    cases
}

/// A completion inside a branch: the first name, the value, or the lower end of the range.
fn witness(case: &Case, branch: &regelverk::Branch) -> Option<Case> {
    let mut c = case.clone();
    for cond in &branch.when {
        let fact = Fact::from_path(&cond.name)?;
        match &cond.value {
            BranchValue::OneOf { values } => c.set_fact(fact, values.first()?).ok()?,
            BranchValue::Bool { value } => c.set_fact(fact, &value.to_string()).ok()?,
            BranchValue::Range { low, high, .. } => {
                let v = low.or(*high).unwrap_or(Decimal::ZERO);
                if fact == Fact::Value {
                    c.purchase.value = Some(Money::new(v, currency(case.jurisdiction)));
                } else {
                    c.set_fact(fact, &v.to_string()).ok()?;
                }
            }
            // A kind of value this test does not know cannot be completed.
            _ => return None,
        }
    }
    Some(c)
}

/// The rules that leave a case undecided because its facts contradict each other (issue 10).
const CONTRADICTIONS: [&str; 14] = [
    "norsk_köpartyp",
    "tjänsteslag_motsäger_kategori",
    "värdet_under_månadsvärdet",
    "delkontrakt_över_hela_värdet",
    "en_juridisk_person_motsägs",
    "samarbete_med_en_part",
    "privat_part_som_upphandlande_myndighet",
    "svensk_oppdragsgiver_etter_norske_regler",
    "tjenestetype_strider_mot_kategori",
    "verdien_under_maanedsverdien",
    "delkontrakt_over_totalverdien",
    "samme_rettssubjekt_motsies",
    "samarbeid_med_en_part",
    "privat_part_oppgitt_som_oppdragsgiver",
];

fn contradictory(case: &Case) -> bool {
    rules()
        .decide(case)
        .decided_by
        .iter()
        .any(|r| CONTRADICTIONS.contains(r))
}

fn check_split(case: &Case, removed: &[Removed]) -> Result<(), String> {
    let mut incomplete = case.clone();
    // A fact the case does not state is not removed, and so not completed either.
    let removed: Vec<Removed> = removed
        .iter()
        .copied()
        .filter(|r| {
            let mut without = incomplete.clone();
            r.remove(&mut without);
            without != incomplete
        })
        .collect();
    let removed = removed.as_slice();
    for r in removed {
        r.remove(&mut incomplete);
    }
    let answer = rules().evaluate(&incomplete);
    // A completion whose facts the rules find contradictory (issue 10: goods with a service's
    // CPV code, …) is not a way the case could be: its facts cannot all be true.
    let mut completions = completed(&incomplete, removed);
    completions.retain(|c| !contradictory(c));
    let classes: Vec<String> = completions
        .iter()
        .map(|c| class_of(&rules().evaluate(c)))
        .collect();
    let say = |what: &str| {
        format!(
            "{what}\nremoved {removed:?} from\n{}\nanswer: {} {:?}\ncompletion classes: {:?}",
            incomplete.to_toml(),
            class_of(&answer),
            answer.reasons,
            {
                let mut c = classes.clone();
                c.sort();
                c.dedup();
                c
            }
        )
    };
    let too_many = answer
        .reasons
        .iter()
        .any(|r| matches!(r, regelverk::Reason::TooManyBranches { .. }));
    if answer.outcome != Outcome::Undecided {
        // Sound: every completion gives the decided answer.
        if let Some(other) = classes.iter().find(|c| **c != class_of(&answer)) {
            return Err(say(&format!("decided, but a completion gives {other}")));
        }
    } else if answer.branches.is_empty() && !too_many {
        // Undecided without branches: the rules leave it open whatever the unknowns are.
        if let Some(other) = classes.iter().find(|c| *c != "undecided") {
            return Err(say(&format!(
                "undecided without branches, but a completion gives {other}"
            )));
        }
    } else if !too_many
        && answer
            .branches
            .iter()
            .all(|b| b.when.iter().all(|w| Fact::from_path(&w.name).is_some()))
    {
        // Complete: a conditional answer on facts only where their completions differ (one
        // on a parameter known as a range is conditional whatever the case states).
        if !classes.is_empty() && classes.iter().all(|c| *c == classes[0]) {
            return Err(say("conditional, but every completion agrees"));
        }
    }
    // Each branch is what a completion inside it gives.
    for branch in &answer.branches {
        if branch
            .when
            .iter()
            .any(|w| Fact::from_path(&w.name).is_none())
        {
            continue; // conditioned on a parameter known as a range: no case completes that
        }
        if let Some(w) = witness(&incomplete, branch) {
            let got = rules().evaluate(&w);
            let expected = class(
                branch.outcome,
                branch.procedure.as_ref().map(|p| p.name.as_str()),
            );
            if class_of(&got) != expected {
                return Err(say(&format!(
                    "branch {:?} says {expected}, its completion gives {}",
                    branch.when,
                    class_of(&got)
                )));
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
struct Generated {
    se: bool,
    days: i64,
    kind: usize,
    category: usize,
    service_class: Option<usize>,
    cpv: Option<u32>,
    value: i64,
    options: Option<i64>,
    same_kind: Option<i64>,
    removed: Vec<Removed>,
}

fn generated() -> impl Strategy<Value = Generated> {
    let removable = prop::sample::select(vec![
        Removed::ServiceClassAndCpv,
        Removed::BuyerKind,
        Removed::Category,
        Removed::Value,
    ]);
    (
        (prop::bool::ANY, 0i64..5_300, 0usize..8, 0usize..3),
        prop::option::of(0usize..3),
        prop::option::of(prop::sample::select(vec![
            90_910_000u32,
            92_000_000,
            85_000_000,
            45_000_000,
        ])),
        prop::sample::select(vec![
            0i64, 90_000, 99_999, 100_000, 500_000, 699_999, 700_000, 750_000, 1_300_000,
            1_500_000, 2_200_000, 2_300_000, 2_400_000, 8_000_000, 9_000_000, 60_000_000,
        ]),
        prop::option::of(0i64..500_000),
        prop::option::of(0i64..500_000),
        prop::collection::vec(removable, 0..=3),
    )
        .prop_map(
            |(
                (se, days, kind, category),
                service_class,
                cpv,
                value,
                options,
                same_kind,
                removed,
            )| {
                Generated {
                    se,
                    days,
                    kind,
                    category,
                    service_class,
                    cpv,
                    value,
                    options,
                    same_kind,
                    removed,
                }
            },
        )
}

impl Generated {
    fn case(&self) -> Case {
        let j = if self.se {
            Jurisdiction::Se
        } else {
            Jurisdiction::No
        };
        let start: jiff::civil::Date = "2014-06-25".parse().expect("a date");
        let date = start
            .checked_add(jiff::Span::new().days(self.days))
            .expect("in range");
        let c = currency(j);
        let mut case = Case::new(j, date);
        let kinds = BuyerKind::names_in(j);
        let kind = kinds[self.kind % kinds.len()];
        case.set_fact(Fact::BuyerKind, kind).expect("a kind");
        case.set_fact(Fact::Category, Category::NAMES[self.category])
            .expect("a category");
        // A complete case: a service has a class or a CPV code; the test removes facts itself.
        let service_class = match (self.category, self.service_class, self.cpv) {
            (1, None, None) => Some(0),
            (1, class, _) => class,
            _ => None,
        };
        if let Some(s) = service_class {
            case.set_fact(Fact::ServiceClass, regelverk::case::ServiceClass::NAMES[s])
                .expect("a class");
        }
        case.purchase.cpv = self.cpv.map(|code| regelverk::Cpv { code, check: None });
        case.purchase.value = Some(Money::whole(self.value, c));
        case.purchase.options = self.options.map(|v| Money::whole(v, c));
        case.purchase.same_kind_this_year = self.same_kind.map(|v| Money::whole(v, c));
        // With earlier purchases, a complete Norwegian case says whether they and this one are
        // one recurring contract (FOA § 5-4 (9)); either answer, by the day.
        case.purchase.recurring = self.same_kind.map(|_| self.days % 2 == 0);
        case
    }

    fn removed(&self) -> Vec<Removed> {
        let mut r = self.removed.clone();
        r.sort_by_key(|x| *x as u8);
        r.dedup();
        r
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_split_is_sound_and_complete_for_purchases(g in generated()) {
        let case = g.case();
        if let Err(e) = check_split(&case, &g.removed()) {
            prop_assert!(false, "{}", e);
        }
    }
}

#[test]
fn the_split_is_sound_and_complete_for_the_shipped_partnerships() {
    let partnership_facts = [
        Removed::SharedPublicTask,
        Removed::CommonObjective,
        Removed::PrivateAdvantage,
        Removed::OpenMarketShare,
        Removed::CompanyControl,
        Removed::CompanyActivity,
        Removed::ProcurementValue,
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/partnerships");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the partnership examples")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    files.sort();
    let mut checked = 0;
    for file in files {
        let case = common::example_case(&format!("partnerships/{file}"));
        // Every single fact, and every pair, removed.
        for (i, a) in partnership_facts.iter().enumerate() {
            if let Err(e) = check_split(&case, &[*a]) {
                panic!("{file}: {e}");
            }
            for b in &partnership_facts[i + 1..] {
                if let Err(e) = check_split(&case, &[*a, *b]) {
                    panic!("{file}: {e}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} combinations checked");
}
