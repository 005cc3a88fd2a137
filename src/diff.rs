//! `regelverk diff OLD NEW`: what a change to the rule set changes in outcomes.
//!
//! For each parameter whose values changed, the periods in which they differ, and within them the
//! ranges of the estimated value (`purchase.value`, the only amount stated) and the kinds of case
//! whose outcome flips, from what to what; then every example whose outcome changes.
//!
//! How it is exact: on a given day, a rule's condition can only change where the value crosses an
//! amount it is compared with. The amounts are every parameter value in force that day (old and
//! new, both ends of a range) and every amount written in a rule or definition. Between two of
//! them the outcome is constant, so one case per amount and one per gap between amounts decide the
//! whole line. Likewise the days are cut wherever any parameter, rule period or date in a condition
//! changes, and the kinds of case are the names conditions test (`buyer.kind is statlig_myndighet`)
//! plus one name no condition mentions, which stands for all the others. What is not covered: a
//! rule that multiplies or takes a percentage of the value itself (its crossing points are not
//! among the amounts), and facts other than names and the value, which are left unstated.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::case::{Case, Fact, FactType, Jurisdiction};
use crate::check::{CCond, CExpr, EntryValue, Parameter, RuleSet};
use crate::coverage::example_case;
use crate::decision::{Decision, Outcome};
use crate::lang::Lang;
use crate::money::{Currency, Money, format_amount};

/// The outcome of a case in short: `allowed`, `not allowed, requires X`, `undecided`, ….
fn describe(outcome: Outcome, procedure: Option<&str>) -> String {
    match outcome {
        Outcome::Allowed => "allowed".into(),
        Outcome::AllowedWithObligations => "allowed with obligations".into(),
        Outcome::NotAllowed => match procedure {
            Some(p) => format!("not allowed, requires {p}"),
            None => "not allowed".into(),
        },
        Outcome::Undecided => "undecided".into(),
    }
}

fn describe_decision(d: &Decision) -> String {
    describe(d.outcome, d.procedure.as_ref().map(|p| p.name.as_str()))
}

fn money(amount: Decimal, currency: Currency) -> String {
    format!("{} {currency}", format_amount(amount, Lang::Sv))
}

/// The value a parameter has on a day, as comparable data.
fn value_on(p: &Parameter, day: Date) -> Option<EntryValue> {
    let i = p
        .entries
        .partition_point(|e| e.from <= day)
        .checked_sub(1)?;
    Some(p.entries[i].value)
}

fn show_value(v: Option<EntryValue>, currency: Currency) -> String {
    match v {
        None => "no value".into(),
        Some(EntryValue::Exact(a)) => money(a, currency),
        Some(EntryValue::Range(l, h)) => format!(
            "between {} and {}",
            format_amount(l, Lang::Sv),
            money(h, currency)
        ),
        Some(EntryValue::Unknown) => "unknown".into(),
        Some(EntryValue::Repealed) => "repealed".into(),
    }
}

/// One piece of the value line: an amount, or the open gap between two.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    low: Option<(Decimal, bool)>,
    high: Option<(Decimal, bool)>,
    sample: Decimal,
}

fn describe_range(
    low: Option<(Decimal, bool)>,
    high: Option<(Decimal, bool)>,
    c: Currency,
) -> String {
    match (low, high) {
        (Some((l, true)), Some((h, true))) if l == h => format!("exactly {}", money(l, c)),
        (Some((l, li)), Some((h, hi))) => format!(
            "{} {} and {} {}",
            if li { "at least" } else { "above" },
            format_amount(l, Lang::Sv),
            if hi { "at most" } else { "below" },
            money(h, c)
        ),
        (Some((l, li)), None) => {
            format!("{} {}", if li { "at least" } else { "above" }, money(l, c))
        }
        (None, Some((h, hi))) => {
            format!("{} {}", if hi { "at most" } else { "below" }, money(h, c))
        }
        (None, None) => "any value".into(),
    }
}

fn pieces(mut points: Vec<Decimal>) -> Vec<Piece> {
    points.retain(|p| *p > Decimal::ZERO);
    points.sort();
    points.dedup();
    let mut out = Vec::new();
    let mut previous: Option<Decimal> = None;
    for p in points {
        let low = previous;
        let sample = match low {
            Some(l) => (l + p) / Decimal::TWO,
            None => p / Decimal::TWO,
        };
        out.push(Piece {
            low: low.map(|l| (l, false)),
            high: Some((p, false)),
            sample,
        });
        out.push(Piece {
            low: Some((p, true)),
            high: Some((p, true)),
            sample: p,
        });
        previous = Some(p);
    }
    let last = previous.unwrap_or(Decimal::ZERO);
    out.push(Piece {
        low: previous.map(|l| (l, false)),
        high: None,
        sample: last * Decimal::TWO + Decimal::ONE,
    });
    out
}

/// A kind of case: for each name-valued fact the rules test, a name (`true`: one a condition
/// mentions; `false`: one standing for all the others), or `None`: not stated.
type Kind = Vec<(Fact, Option<&'static str>, bool)>;

struct Side<'r> {
    rules: &'r RuleSet,
}

impl Side<'_> {
    /// The outcome in short; the fast path (no trace), since diff decides many cases.
    fn decide(&self, j: Jurisdiction, day: Date, kind: &Kind, value: Money) -> String {
        let mut case = Case::new(j, day);
        for (fact, name, _) in kind {
            if let Some(name) = name {
                let _ = case.set_fact(*fact, name);
            }
        }
        case.purchase.value = Some(value);
        let verdict = self.rules.decide(&case);
        describe(verdict.outcome, verdict.procedure)
    }
}

fn walk_cond(c: &CCond, f: &mut dyn FnMut(&CCond), g: &mut dyn FnMut(&CExpr)) {
    f(c);
    match c {
        CCond::Or(items) | CCond::And(items) => items.iter().for_each(|i| walk_cond(i, f, g)),
        CCond::Not(inner) => walk_cond(inner, f, g),
        CCond::Truth(e) | CCond::Is { subject: e, .. } => walk_expr(e, f, g),
        CCond::Compare { left, right, .. } => {
            walk_expr(left, f, g);
            walk_expr(right, f, g);
        }
        CCond::Between { subject, low, high } => {
            for e in [subject, low, high] {
                walk_expr(e, f, g);
            }
        }
        CCond::IsMissing { .. } => {}
    }
}

fn walk_expr(e: &CExpr, f: &mut dyn FnMut(&CCond), g: &mut dyn FnMut(&CExpr)) {
    g(e);
    match e {
        CExpr::Fact {
            default: Some(d), ..
        } => walk_expr(d, f, g),
        CExpr::Arith { left, right, .. } => {
            walk_expr(left, f, g);
            walk_expr(right, f, g);
        }
        CExpr::PercentOf { of, .. } => walk_expr(of, f, g),
        CExpr::If {
            cond,
            then,
            otherwise,
        } => {
            walk_cond(cond, f, g);
            walk_expr(then, f, g);
            walk_expr(otherwise, f, g);
        }
        CExpr::Cond(c) => walk_cond(c, f, g),
        _ => {}
    }
}

/// What the conditions of a rule set mention: names tested per fact, amounts, dates.
#[derive(Default)]
struct Mentions {
    names: BTreeMap<Fact, BTreeSet<&'static str>>,
    facts: BTreeSet<Fact>,
    amounts: BTreeSet<Decimal>,
    dates: BTreeSet<Date>,
}

fn mentions(rules: &RuleSet, j: Jurisdiction, m: &mut Mentions) {
    let mut conds: Vec<&CCond> = Vec::new();
    let mut exprs: Vec<&CExpr> = Vec::new();
    for r in rules.rules.iter().filter(|r| r.jurisdiction == j) {
        m.facts.extend(r.deps.facts.iter().copied());
        conds.extend(r.when.iter());
        for (_, c) in r.obligations.iter().chain(&r.warnings) {
            conds.extend(c.iter());
        }
        if let Some(f) = r.valid_from {
            m.dates.insert(f);
        }
        if let Some(t) = r.valid_to.and_then(|t| t.tomorrow().ok()) {
            m.dates.insert(t);
        }
    }
    exprs.extend(rules.defs.iter().map(|d| &d.expr));
    let mut on_cond = |c: &CCond| {
        if let CCond::Is {
            subject: CExpr::Fact { fact, .. },
            values,
            ..
        } = c
        {
            m.names
                .entry(*fact)
                .or_default()
                .extend(values.iter().copied());
        }
    };
    let mut amounts = BTreeSet::new();
    let mut dates = BTreeSet::new();
    let mut on_expr = |e: &CExpr| match e {
        CExpr::Money(money) => {
            amounts.insert(money.amount);
        }
        CExpr::Date(d) => {
            dates.insert(*d);
            if let Ok(t) = d.tomorrow() {
                dates.insert(t);
            }
        }
        _ => {}
    };
    for c in conds {
        walk_cond(c, &mut on_cond, &mut on_expr);
    }
    for e in exprs {
        walk_expr(e, &mut on_cond, &mut on_expr);
    }
    m.amounts.extend(amounts);
    m.dates.extend(dates);
}

/// The kinds of case to try: for each name-valued fact the rules read, every name a condition
/// tests and one it does not (standing for the rest).
fn kinds(m: &Mentions) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = vec![Vec::new()];
    for fact in &m.facts {
        let FactType::Names(all) = fact.ty() else {
            continue;
        };
        if *fact == Fact::Jurisdiction {
            continue;
        }
        let mentioned = m.names.get(fact).cloned().unwrap_or_default();
        let mut options: Vec<(Option<&'static str>, bool)> = vec![(None, false)];
        options.extend(
            all.iter()
                .filter(|n| mentioned.contains(*n))
                .map(|n| (Some(*n), true)),
        );
        if let Some(other) = all.iter().find(|n| !mentioned.contains(*n)) {
            options.push((Some(*other), false));
        }
        if options.len() < 2 {
            continue;
        }
        kinds = kinds
            .into_iter()
            .flat_map(|k| {
                options.iter().map(move |(n, m)| {
                    let mut k = k.clone();
                    k.push((*fact, *n, *m));
                    k
                })
            })
            .collect();
    }
    kinds
}

fn option_text(fact: Fact, name: Option<&str>, mentioned: bool, m: &Mentions) -> String {
    match (name, mentioned) {
        (None, _) => "not stated".into(),
        (Some(n), true) => n.to_string(),
        (Some(_), false) => {
            let FactType::Names(all) = fact.ty() else {
                return "another value".into();
            };
            let named = m.names.get(&fact);
            let others: Vec<&str> = all
                .iter()
                .copied()
                .filter(|n| named.is_none_or(|s| !s.contains(n)))
                .collect();
            match others.as_slice() {
                [one] => (*one).to_string(),
                _ => format!("any of {}", others.join(", ")),
            }
        }
    }
}

/// A set of kinds as, per fact, a set of options: a cube.
type Cube = Vec<(Fact, Vec<(Option<&'static str>, bool)>)>;

/// Describes a set of kinds as few cubes as merging neighbours gives (two cubes that differ in
/// one fact only become one), each with the facts that matter.
fn describe_kinds(group: &[&Kind], all: &[Kind], m: &Mentions) -> Vec<String> {
    if group.len() == all.len() {
        return vec!["every kind of case".into()];
    }
    let mut cubes: Vec<Cube> = group
        .iter()
        .map(|k| k.iter().map(|(f, n, m)| (*f, vec![(*n, *m)])).collect())
        .collect();
    loop {
        let mut merged = false;
        'outer: for a in 0..cubes.len() {
            for b in a + 1..cubes.len() {
                let differ: Vec<usize> = (0..cubes[a].len())
                    .filter(|i| cubes[a][*i].1 != cubes[b][*i].1)
                    .collect();
                if let [i] = differ.as_slice() {
                    let other = cubes.remove(b);
                    let set = &mut cubes[a][*i].1;
                    set.extend(other[*i].1.iter().copied());
                    set.sort();
                    set.dedup();
                    merged = true;
                    break 'outer;
                }
            }
        }
        if !merged {
            break;
        }
    }
    let options = |i: usize| -> Vec<(Option<&'static str>, bool)> {
        let mut v: Vec<_> = all
            .iter()
            .filter_map(|k| k.get(i))
            .map(|(_, n, m)| (*n, *m))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    cubes
        .iter()
        .map(|cube| {
            let parts: Vec<String> = cube
                .iter()
                .enumerate()
                .filter(|(i, (_, set))| *set != options(*i))
                .map(|(_, (fact, set))| {
                    let texts: Vec<String> = set
                        .iter()
                        .map(|(n, k)| option_text(*fact, *n, *k, m))
                        .collect();
                    format!("{} {}", fact.path(), texts.join(" or "))
                })
                .collect();
            if parts.is_empty() {
                "every kind of case".into()
            } else {
                parts.join(", ")
            }
        })
        .collect()
}

/// Kinds of case grouped by the flips they share.
type FlipGroups<'k> = BTreeMap<Vec<Flip>, Vec<&'k Kind>>;

/// A flip: on the values in a range, the outcome goes from `old` to `new`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Flip {
    range: String,
    old: String,
    new: String,
}

/// Compares two rule sets; the report as text.
pub fn diff(old: &RuleSet, new: &RuleSet) -> String {
    let mut out = String::new();
    let old_params: BTreeMap<&str, &Parameter> =
        old.params.iter().map(|p| (p.name.as_str(), p)).collect();
    let new_params: BTreeMap<&str, &Parameter> =
        new.params.iter().map(|p| (p.name.as_str(), p)).collect();
    for name in old_params.keys().filter(|n| !new_params.contains_key(*n)) {
        let _ = writeln!(out, "parameter `{name}` removed");
    }
    for name in new_params.keys().filter(|n| !old_params.contains_key(*n)) {
        let _ = writeln!(out, "parameter `{name}` added");
    }
    let old_rules: BTreeSet<&str> = old.rules.iter().map(|r| r.name.as_str()).collect();
    let new_rules: BTreeSet<&str> = new.rules.iter().map(|r| r.name.as_str()).collect();
    for r in old_rules.difference(&new_rules) {
        let _ = writeln!(out, "rule `{r}` removed");
    }
    for r in new_rules.difference(&old_rules) {
        let _ = writeln!(out, "rule `{r}` added");
    }
    let mut changed_any = false;
    for (name, np) in &new_params {
        let Some(op) = old_params.get(name) else {
            continue;
        };
        // The days on which the value differs, cut where either table changes.
        let mut cuts: BTreeSet<Date> = op
            .entries
            .iter()
            .chain(&np.entries)
            .map(|e| e.from)
            .collect();
        let mut spans: Vec<(Date, Option<Date>)> = Vec::new();
        let cut_list: Vec<Date> = cuts.iter().copied().collect();
        for (i, from) in cut_list.iter().enumerate() {
            let to = cut_list.get(i + 1).and_then(|d| d.yesterday().ok());
            if value_on(op, *from) != value_on(np, *from) {
                match spans.last_mut() {
                    Some((_, last_to))
                        if last_to.and_then(|t| t.tomorrow().ok()) == Some(*from) =>
                    {
                        *last_to = to
                    }
                    _ => spans.push((*from, to)),
                }
            }
        }
        cuts.clear();
        if spans.is_empty() {
            continue;
        }
        changed_any = true;
        let _ = writeln!(out, "parameter `{name}` changed:");
        for (from, to) in &spans {
            let _ = writeln!(
                out,
                "  {}: {} -> {}",
                period(*from, *to),
                show_value(value_on(op, *from), op.currency),
                show_value(value_on(np, *from), np.currency)
            );
        }
        let j = np.jurisdiction;
        let mut m = Mentions::default();
        mentions(old, j, &mut m);
        mentions(new, j, &mut m);
        let all_kinds = kinds(&m);
        let mut day_cuts: BTreeSet<Date> = m.dates.clone();
        for p in old
            .params
            .iter()
            .chain(&new.params)
            .filter(|p| p.jurisdiction == j)
        {
            day_cuts.extend(p.entries.iter().map(|e| e.from));
        }
        // Sub-periods, each with its flips per kind of case.
        let mut results: Vec<(Date, Option<Date>, FlipGroups)> = Vec::new();
        for (from, to) in &spans {
            let mut starts: Vec<Date> = vec![*from];
            starts.extend(
                day_cuts
                    .iter()
                    .copied()
                    .filter(|d| d > from && to.is_none_or(|t| *d <= t)),
            );
            for (i, start) in starts.iter().enumerate() {
                let end = starts.get(i + 1).and_then(|d| d.yesterday().ok()).or(*to);
                let flips = flips_on(old, new, j, *start, &all_kinds, &m, np.currency);
                match results.last_mut() {
                    Some((_, last_end, last))
                        if *last == flips
                            && last_end.and_then(|e| e.tomorrow().ok()) == Some(*start) =>
                    {
                        *last_end = end;
                    }
                    _ => results.push((*start, end, flips)),
                }
            }
        }
        let mut any = false;
        for (from, to, groups) in &results {
            for (flips, group) in groups {
                if flips.is_empty() {
                    continue;
                }
                any = true;
                for who in describe_kinds(group, &all_kinds, &m) {
                    let _ = writeln!(out, "  {}, {who}:", period(*from, *to));
                    for f in flips {
                        let _ = writeln!(out, "    {}: {} -> {}", f.range, f.old, f.new);
                    }
                }
            }
        }
        if !any {
            let _ = writeln!(
                out,
                "  no outcome changes (with only the estimated value stated)"
            );
        }
    }
    if !changed_any {
        let _ = writeln!(out, "no parameter values changed");
    }
    // Examples whose outcome changes.
    let mut seen = BTreeSet::new();
    let mut lines = Vec::new();
    for (rules, label) in [(new, "new"), (old, "old")] {
        for e in &rules.examples {
            if !seen.insert(e.title.clone()) {
                continue;
            }
            let Some(case) = example_case(e) else {
                continue;
            };
            let (a, b) = (old.evaluate(&case), new.evaluate(&case));
            let (a, b) = (describe_decision(&a), describe_decision(&b));
            if a != b {
                let source = &rules.files[e.file];
                let (line, col) = source.line_col(e.span.start);
                let _ = label;
                lines.push(format!(
                    "  {}:{line}:{col} \"{}\": {a} -> {b}",
                    source.name, e.title
                ));
            }
        }
    }
    if lines.is_empty() {
        let _ = writeln!(out, "no example changes outcome");
    } else {
        let _ = writeln!(out, "examples whose outcome changes:");
        for l in lines {
            let _ = writeln!(out, "{l}");
        }
    }
    out
}

fn period(from: Date, to: Option<Date>) -> String {
    match to {
        Some(t) => format!("from {from} to {t}"),
        None => format!("from {from}"),
    }
}

/// On one day, per kind of case, the value ranges whose outcome differs between the rule sets.
fn flips_on<'k>(
    old: &RuleSet,
    new: &RuleSet,
    j: Jurisdiction,
    day: Date,
    kinds: &'k [Kind],
    m: &Mentions,
    currency: Currency,
) -> BTreeMap<Vec<Flip>, Vec<&'k Kind>> {
    let mut points: Vec<Decimal> = m.amounts.iter().copied().collect();
    for p in old
        .params
        .iter()
        .chain(&new.params)
        .filter(|p| p.jurisdiction == j && p.currency == currency)
    {
        match value_on(p, day) {
            Some(EntryValue::Exact(v)) => points.push(v),
            Some(EntryValue::Range(l, h)) => points.extend([l, h]),
            _ => {}
        }
    }
    let pieces = pieces(points);
    let (o, n) = (Side { rules: old }, Side { rules: new });
    let mut groups: BTreeMap<Vec<Flip>, Vec<&Kind>> = BTreeMap::new();
    for kind in kinds {
        let mut flips: Vec<Flip> = Vec::new();
        let mut run: Option<(Piece, Piece, String, String)> = None;
        for piece in &pieces {
            let value = Money::new(piece.sample, currency);
            let a = o.decide(j, day, kind, value);
            let b = n.decide(j, day, kind, value);
            let continues = matches!(&run, Some((_, _, ra, rb)) if *ra == a && *rb == b);
            if a != b && continues {
                if let Some(r) = run.as_mut() {
                    r.1 = *piece;
                }
                continue;
            }
            if let Some((first, last, ra, rb)) = run.take() {
                flips.push(Flip {
                    range: describe_range(first.low, last.high, currency),
                    old: ra,
                    new: rb,
                });
            }
            if a != b {
                run = Some((*piece, *piece, a, b));
            }
        }
        if let Some((first, last, ra, rb)) = run.take() {
            flips.push(Flip {
                range: describe_range(first.low, last.high, currency),
                old: ra,
                new: rb,
            });
        }
        groups.entry(flips).or_default().push(kind);
    }
    groups
}
