//! The comparison of regelverk with a peer and a floor, on one decision: may a Swedish buyer
//! (under LOU, an ordinary purchase) award directly, by the direct-award limit and the EU
//! threshold for its kind of buyer and category, on a date?
//!
//! The thresholds are data ([`TABLES`]), used by the hand-written Rust floor ([`floor`]) and
//! handed as JSON ([`rego_data`]) to the Rego policy ([`REGO_POLICY`]) that the peer, regorus,
//! evaluates. Both follow the rule files' three-valued reading: a threshold known only as a
//! range, or a value exactly at the direct-award limit, leaves the case undecided unless every
//! point of the range gives the same answer. [`boundary_inputs`] gives the inputs at every edge
//! (a value one krona below, at and above each threshold; the day before, of and after each
//! change), on which all three must agree: a differential test of the evaluator.

use jiff::civil::Date;
use regelverk::{Case, RuleSet};

/// The kinds of Swedish buyer the floor knows, as the rule files name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuyerKind {
    Kommun,
    Region,
    StatligMyndighet,
    KommunaltBolag,
}

impl BuyerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BuyerKind::Kommun => "kommun",
            BuyerKind::Region => "region",
            BuyerKind::StatligMyndighet => "statlig_myndighet",
            BuyerKind::KommunaltBolag => "kommunalt_bolag",
        }
    }
}

/// Goods, services or works, as the rule files name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Goods,
    Services,
    Works,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Goods => "goods",
            Category::Services => "services",
            Category::Works => "works",
        }
    }
}

/// A threshold on a day: exact, known only to lie in a range, or not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    Exact(i64),
    Range(i64, i64),
    Unknown,
}

use Threshold::{Exact, Range, Unknown};

/// A table of a threshold's values, each in force from its date until the next.
pub struct Table {
    pub name: &'static str,
    pub entries: &'static [(&'static str, Threshold)],
}

/// The direct-award limit and the EU thresholds in kronor, as `rules/se/lou.regel` holds them,
/// with the January windows before each period's tillkännagivande took effect as ranges.
pub const TABLES: [Table; 4] = [
    Table {
        name: "direct_award_limit",
        entries: &[
            ("2014-07-01", Exact(505_800)),
            ("2016-01-01", Range(505_800, 534_890)),
            ("2016-02-02", Exact(534_890)),
            ("2018-01-01", Range(534_890, 586_907)),
            ("2018-01-25", Exact(586_907)),
            ("2020-01-01", Range(586_907, 615_312)),
            ("2020-01-21", Exact(615_312)),
            ("2022-01-01", Range(615_312, 626_285)),
            ("2022-02-01", Exact(700_000)),
        ],
    },
    Table {
        name: "eu_central",
        entries: &[
            ("2014-07-01", Exact(1_169_378)),
            ("2016-01-01", Range(1_169_378, 1_233_941)),
            ("2016-02-02", Exact(1_233_941)),
            ("2018-01-01", Range(1_233_941, 1_365_782)),
            ("2018-01-25", Exact(1_365_782)),
            ("2020-01-01", Range(1_365_782, 1_427_377)),
            ("2020-01-21", Exact(1_427_377)),
            ("2022-01-01", Range(1_427_377, 1_456_476)),
            ("2022-03-16", Exact(1_456_476)),
            ("2024-01-01", Range(1_456_476, 1_546_202)),
            ("2024-02-01", Exact(1_546_202)),
            ("2026-01-01", Range(1_470_000, 1_680_000)),
            ("2028-01-01", Unknown),
        ],
    },
    Table {
        name: "eu_other",
        entries: &[
            ("2014-07-01", Exact(1_806_427)),
            ("2016-01-01", Range(1_806_427, 1_910_323)),
            ("2016-02-02", Exact(1_910_323)),
            ("2018-01-01", Range(1_910_323, 2_096_097)),
            ("2018-01-25", Exact(2_096_097)),
            ("2020-01-01", Range(2_096_097, 2_197_545)),
            ("2020-01-21", Exact(2_197_545)),
            ("2022-01-01", Range(2_197_545, 2_236_731)),
            ("2022-03-16", Exact(2_236_731)),
            ("2024-01-01", Range(2_236_731, 2_389_585)),
            ("2024-02-01", Exact(2_389_585)),
            ("2026-01-01", Range(2_268_000, 2_592_000)),
            ("2028-01-01", Unknown),
        ],
    },
    Table {
        name: "eu_works",
        entries: &[
            ("2014-07-01", Exact(45_256_666)),
            ("2016-01-01", Range(45_256_666, 47_758_068)),
            ("2016-02-02", Exact(47_758_068)),
            ("2018-01-01", Range(47_758_068, 52_620_561)),
            ("2018-01-25", Exact(52_620_561)),
            ("2020-01-01", Range(52_620_561, 54_938_615)),
            ("2020-01-21", Exact(54_938_615)),
            ("2022-01-01", Range(54_938_615, 55_991_099)),
            ("2022-03-16", Exact(55_991_099)),
            ("2024-01-01", Range(55_991_099, 59_880_179)),
            ("2024-02-01", Exact(59_880_179)),
            ("2026-01-01", Range(56_742_000, 64_848_000)),
            ("2028-01-01", Unknown),
        ],
    },
];

/// The periods of the law, with the procedure each requires above the limit and above the EU
/// threshold.
pub const PERIODS: [(&str, &str, &str, &str); 3] = [
    (
        "2014-07-01",
        "2016-12-31",
        "förenklat_förfarande_15_kap",
        "eu_upphandling_äldre_lou",
    ),
    (
        "2017-01-01",
        "2022-01-31",
        "förenklat_förfarande_19_kap",
        "eu_upphandling_6_kap",
    ),
    (
        "2022-02-01",
        "2027-12-31",
        "annonserad_upphandling_19_kap",
        "eu_upphandling_6_kap",
    ),
];

/// One generated purchase: whole kronor, an ordinary service class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub date: Date,
    pub kind: BuyerKind,
    pub category: Category,
    pub value: i64,
    pub options: Option<i64>,
    pub same_kind: Option<i64>,
}

/// The outcome the three engines are compared on: `allowed`, `not_allowed` (with the procedure)
/// or `undecided`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Allowed,
    NotAllowed(String),
    Undecided,
}

impl Answer {
    pub fn of_regelverk(verdict: &regelverk::Verdict<'_>) -> Answer {
        match verdict.outcome {
            regelverk::Outcome::Allowed | regelverk::Outcome::AllowedWithObligations => {
                Answer::Allowed
            }
            regelverk::Outcome::NotAllowed => {
                Answer::NotAllowed(verdict.procedure.unwrap_or_default().to_string())
            }
            regelverk::Outcome::Undecided => Answer::Undecided,
        }
    }
}

impl Input {
    /// The input as a case of the rules' vocabulary, built fact by fact.
    pub fn to_case(&self, rules: &RuleSet) -> Case {
        let mut case = rules.new_case("SE", self.date).expect("a declared country");
        let mut set = |path: &str, value: String| {
            case.set(path, &value).expect("a declared fact");
        };
        set("buyer.kind", self.kind.as_str().to_string());
        set("purchase.category", self.category.as_str().to_string());
        set("purchase.service_class", "ordinary".to_string());
        set("purchase.value", format!("{} SEK", self.value));
        if let Some(o) = self.options {
            set("purchase.options", format!("{o} SEK"));
        }
        if let Some(s) = self.same_kind {
            set("purchase.same_kind_this_year", format!("{s} SEK"));
        }
        case
    }

    /// The case as one line of `regelverk check --batch`.
    pub fn to_json_line(&self) -> String {
        let mut purchase = format!(
            r#""category":"{}","service_class":"ordinary","value":"{} SEK""#,
            self.category.as_str(),
            self.value
        );
        if let Some(o) = self.options {
            purchase.push_str(&format!(r#","options":"{o} SEK""#));
        }
        if let Some(s) = self.same_kind {
            purchase.push_str(&format!(r#","same_kind_this_year":"{s} SEK""#));
        }
        format!(
            r#"{{"jurisdiction":"SE","date":"{}","buyer":{{"kind":"{}"}},"purchase":{{{purchase}}}}}"#,
            self.date,
            self.kind.as_str()
        )
    }

    /// The input document of the Rego policy.
    pub fn to_rego_json(&self) -> String {
        format!(
            r#"{{"date":"{}","kind":"{}","category":"{}","value":{},"options":{},"same_kind":{}}}"#,
            self.date,
            self.kind.as_str(),
            self.category.as_str(),
            self.value,
            self.options.unwrap_or(0),
            self.same_kind.unwrap_or(0)
        )
    }
}

fn date(text: &str) -> Date {
    text.parse().unwrap_or_default()
}

fn in_force(table: &Table, on: Date) -> Option<Threshold> {
    table
        .entries
        .iter()
        .rev()
        .find(|(from, _)| date(from) <= on)
        .map(|(_, t)| *t)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    True,
    False,
    Unknown,
}

fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::False, _) | (_, Tri::False) => Tri::False,
        (Tri::True, Tri::True) => Tri::True,
        _ => Tri::Unknown,
    }
}

/// `x < t`, for every point of `t`.
fn below(x: i64, t: Option<Threshold>) -> Tri {
    match t {
        Some(Exact(v)) if x < v => Tri::True,
        Some(Exact(_)) => Tri::False,
        Some(Range(lo, _)) if x < lo => Tri::True,
        Some(Range(_, hi)) if x >= hi => Tri::False,
        _ => Tri::Unknown,
    }
}

fn not(t: Tri) -> Tri {
    match t {
        Tri::True => Tri::False,
        Tri::False => Tri::True,
        Tri::Unknown => Tri::Unknown,
    }
}

fn equal(x: i64, t: Option<Threshold>) -> Tri {
    match t {
        Some(Exact(v)) if x == v => Tri::True,
        Some(Exact(_)) => Tri::False,
        Some(Range(lo, hi)) if x < lo || x > hi => Tri::False,
        _ => Tri::Unknown,
    }
}

/// The floor: the decision written by hand as a Rust `match`, with the tables as data.
pub fn floor(input: &Input) -> Answer {
    let Some(&(_, _, advertise, eu)) = PERIODS
        .iter()
        .find(|(from, to, _, _)| date(from) <= input.date && input.date <= date(to))
    else {
        return Answer::Undecided;
    };
    let contract = input.value + input.options.unwrap_or(0);
    let tested = contract + input.same_kind.unwrap_or(0);
    let limit = in_force(&TABLES[0], input.date);
    let eu_table = match (input.category, input.kind) {
        (Category::Works, _) => &TABLES[3],
        (_, BuyerKind::StatligMyndighet) => &TABLES[1],
        _ => &TABLES[2],
    };
    let eu_threshold = in_force(eu_table, input.date);
    let allow = below(tested, limit);
    let advertise_rule = and(not(below(tested, limit)), below(contract, eu_threshold));
    let eu_rule = not(below(contract, eu_threshold));
    let exact = equal(tested, limit);
    // Which rules may still win: not false, and the exception (exact) not certainly true.
    let overridden = exact == Tri::True;
    let mut possible: Vec<Answer> = Vec::with_capacity(3);
    if allow != Tri::False && !overridden {
        possible.push(Answer::Allowed);
    }
    if advertise_rule != Tri::False && !overridden {
        possible.push(Answer::NotAllowed(advertise.to_string()));
    }
    if eu_rule != Tri::False {
        possible.push(Answer::NotAllowed(eu.to_string()));
    }
    if exact != Tri::False {
        possible.push(Answer::Undecided);
    }
    possible.dedup();
    let some_true = [allow, advertise_rule, eu_rule, exact].contains(&Tri::True);
    match possible.as_slice() {
        [one] if some_true => one.clone(),
        _ => Answer::Undecided,
    }
}

/// The same decision in Rego, for regorus. The answer is `data.regelverk.answer`.
pub const REGO_POLICY: &str = r#"
package regelverk

import rego.v1

# The entry of a table in force on the input's date (tables are sorted by date).
in_force(table) := e if {
	entries := [x | some x in data.tables[table]; x.from <= input.date]
	count(entries) > 0
	e := entries[count(entries) - 1]
}

period := p if {
	some p in data.periods
	p.from <= input.date
	input.date <= p.to
}

contract := input.value + input.options

tested := contract + input.same_kind

limit := in_force("direct_award_limit")

eu_table := "eu_works" if input.category == "works"

eu_table := "eu_central" if {
	input.category != "works"
	input.kind == "statlig_myndighet"
}

eu_table := "eu_other" if {
	input.category != "works"
	input.kind != "statlig_myndighet"
}

eu := in_force(eu_table)

# Three-valued comparisons against a threshold that may be a range or unknown.
below(x, t) := "unknown" if t.unknown

below(x, t) := "true" if {
	not t.unknown
	x < t.low
}

below(x, t) := "false" if {
	not t.unknown
	x >= t.high
}

below(x, t) := "unknown" if {
	not t.unknown
	x >= t.low
	x < t.high
}

neg(v) := {"true": "false", "false": "true", "unknown": "unknown"}[v]

and3(a, b) := "false" if "false" in {a, b}

and3(a, b) := "true" if {
	a == "true"
	b == "true"
}

and3(a, b) := "unknown" if {
	not "false" in {a, b}
	"unknown" in {a, b}
}

equal(x, t) := "unknown" if t.unknown

equal(x, t) := "true" if {
	not t.unknown
	t.low == t.high
	x == t.low
}

equal(x, t) := "false" if {
	not t.unknown
	x < t.low
}

equal(x, t) := "false" if {
	not t.unknown
	x > t.high
}

equal(x, t) := "unknown" if {
	not t.unknown
	t.low < t.high
	x >= t.low
	x <= t.high
}

allow := below(tested, limit)

advertise := and3(neg(below(tested, limit)), below(contract, eu))

eu_rule := neg(below(contract, eu))

exact := equal(tested, limit)

overridden if exact == "true"

possible contains "allowed" if {
	allow != "false"
	not overridden
}

possible contains sprintf("not_allowed:%s", [period.advertise]) if {
	advertise != "false"
	not overridden
}

possible contains sprintf("not_allowed:%s", [period.eu]) if eu_rule != "false"

possible contains "undecided" if exact != "false"

some_true if "true" in {allow, advertise, eu_rule, exact}

default answer := "undecided"

answer := a if {
	period
	some_true
	count(possible) == 1
	some a in possible
}
"#;

/// The tables and periods as the JSON data document of the Rego policy.
pub fn rego_data() -> String {
    let tables: Vec<String> = TABLES
        .iter()
        .map(|t| {
            let entries: Vec<String> = t
                .entries
                .iter()
                .map(|(from, v)| match v {
                    Exact(x) => format!(r#"{{"from":"{from}","low":{x},"high":{x}}}"#),
                    Range(lo, hi) => format!(r#"{{"from":"{from}","low":{lo},"high":{hi}}}"#),
                    Unknown => format!(r#"{{"from":"{from}","unknown":true}}"#),
                })
                .collect();
            format!(r#""{}":[{}]"#, t.name, entries.join(","))
        })
        .collect();
    let periods: Vec<String> = PERIODS
        .iter()
        .map(|(from, to, advertise, eu)| {
            format!(r#"{{"from":"{from}","to":"{to}","advertise":"{advertise}","eu":"{eu}"}}"#)
        })
        .collect();
    format!(
        r#"{{"tables":{{{}}},"periods":[{}]}}"#,
        tables.join(","),
        periods.join(",")
    )
}

/// The peer's answer text as an [`Answer`].
pub fn parse_rego_answer(text: &str) -> Answer {
    match text.split_once(':') {
        Some(("not_allowed", procedure)) => Answer::NotAllowed(procedure.to_string()),
        _ if text == "allowed" => Answer::Allowed,
        _ => Answer::Undecided,
    }
}

const KINDS: [BuyerKind; 4] = [
    BuyerKind::Kommun,
    BuyerKind::Region,
    BuyerKind::StatligMyndighet,
    BuyerKind::KommunaltBolag,
];
const CATEGORIES: [Category; 3] = [Category::Goods, Category::Services, Category::Works];

/// Every edge of the decision: for each day before, of and after a change of a table or a
/// period, each kind of buyer and category, a value one krona below, at and above each bound of
/// the thresholds in force, reached by the value alone, with options, and with same-kind
/// purchases.
pub fn boundary_inputs() -> Vec<Input> {
    let mut days: Vec<Date> = Vec::new();
    let changes = TABLES
        .iter()
        .flat_map(|t| t.entries.iter().map(|(from, _)| date(from)))
        .chain(
            PERIODS
                .iter()
                .flat_map(|(from, to, _, _)| [date(from), date(to)]),
        );
    for day in changes {
        for d in [day.yesterday(), Ok(day), day.tomorrow()]
            .into_iter()
            .flatten()
        {
            if !days.contains(&d) {
                days.push(d);
            }
        }
    }
    days.sort();
    let mut inputs = Vec::new();
    for &day in &days {
        for kind in KINDS {
            for category in CATEGORIES {
                let mut bounds: Vec<i64> = Vec::new();
                for table in &TABLES {
                    match in_force(table, day) {
                        Some(Exact(v)) => bounds.push(v),
                        Some(Range(lo, hi)) => bounds.extend([lo, hi]),
                        _ => {}
                    }
                }
                bounds.push(100_000);
                for bound in bounds {
                    for value in [bound - 1, bound, bound + 1] {
                        inputs.push(Input {
                            date: day,
                            kind,
                            category,
                            value,
                            options: None,
                            same_kind: None,
                        });
                        inputs.push(Input {
                            date: day,
                            kind,
                            category,
                            value: value - 40_000,
                            options: Some(40_000),
                            same_kind: None,
                        });
                        inputs.push(Input {
                            date: day,
                            kind,
                            category,
                            value: value - 150_000,
                            options: None,
                            same_kind: Some(150_000),
                        });
                    }
                }
            }
        }
    }
    inputs.retain(|i| i.value >= 0);
    inputs
}

/// A deterministic stream of varied purchases (a linear congruential generator; no
/// dependency), for throughput: dates 2014–2028, values up to 3 000 000 kr.
pub fn generated_inputs(count: usize, seed: u64) -> impl Iterator<Item = Input> {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let start = date("2014-06-01");
    (0..count).map(move |_| {
        let days = (next() % 5_000) as i64;
        let day = start
            .checked_add(jiff::Span::new().days(days))
            .unwrap_or(start);
        let r = next();
        Input {
            date: day,
            kind: KINDS[(r % 4) as usize],
            category: CATEGORIES[((r / 4) % 3) as usize],
            value: (next() % 3_000_000) as i64,
            options: (r % 5 == 0).then_some(50_000),
            same_kind: (r % 7 == 0).then_some(100_000),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_agrees_with_regelverk_at_every_boundary() {
        let rules = regelverk::RuleSet::embedded().expect("the embedded rules check");
        let inputs = boundary_inputs();
        assert!(inputs.len() > 10_000, "{}", inputs.len());
        let mut disagreements = Vec::new();
        for input in &inputs {
            let ours = Answer::of_regelverk(&rules.decide(&input.to_case(&rules)));
            if ours != floor(input) {
                disagreements.push(format!(
                    "{input:?}: regelverk {ours:?}, floor {:?}",
                    floor(input)
                ));
            }
        }
        assert!(
            disagreements.is_empty(),
            "{} of {} disagree, e.g.:\n{}",
            disagreements.len(),
            inputs.len(),
            disagreements[..disagreements.len().min(10)].join("\n")
        );
    }

    #[test]
    fn json_lines_are_cases() {
        let rules = regelverk::RuleSet::embedded().expect("the embedded rules check");
        for input in generated_inputs(100, 1) {
            let case = rules
                .read_case(&input.to_json_line(), "line.json")
                .expect("a case");
            assert_eq!(case, input.to_case(&rules));
        }
    }
}
