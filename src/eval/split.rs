//! The case split: exact answers over the unknowns of a case.
//!
//! One three-valued evaluation treats each condition on its own, so two rules that test `x` and
//! `not x` on the same missing fact both look uncertain and the case looks undecided although
//! each way `x` can fall decides it. The split gives the unknowns values, branch by branch:
//!
//! - a fact of a closed list takes each of its names, a yes/no fact yes and no;
//! - an amount or number takes the classes between its critical points: the values where some
//!   comparison the rules make flips (found by following how each value moves with the unknown,
//!   see `quantity`), and those points themselves;
//! - a parameter known only as a range is split the same way, once the facts compared with it
//!   are known exactly.
//!
//! Each branch is evaluated again and split further until it is decided or nothing is left to
//! split. Every branch is a set of completions of the case on which the evaluation is exact, so:
//!
//! - **sound**: a decided answer holds for every completion of the missing facts in their
//!   domains (money in öre up to 10^15, percentages in hundredths, whole months), because it
//!   holds in every branch, and the branches cover the domains;
//! - **complete** within [`MAX_BRANCHES`]: if every completion gives the same outcome, every
//!   branch does, and the answer is decided. Beyond the bound the case is undecided and says so.

use rust_decimal::Decimal;

use std::borrow::Cow;

use super::{Assignment, Bound, Ctx, Gap, OutcomeKey, Settled, Var};
use crate::case::Case;
use crate::check::{EntryValue, RuleId, RuleSet};
use crate::decision::*;
use crate::money::Currency;
use crate::vocab::{CountryId, FactRef, SplitDomain, ValueType};

/// The case in the rule set's vocabulary: as it is when read against it, else read again by path.
fn in_vocabulary<'c>(rules: &RuleSet, case: &'c Case) -> Cow<'c, Case> {
    if case.vocab.id == rules.vocab.id {
        Cow::Borrowed(case)
    } else {
        Cow::Owned(case.resolved_for(&rules.vocab))
    }
}

/// What the decision on a case's related case is about (`procurement`), if a case whose own
/// outcome is `main` has one: a related case declared `when not allowed` is not decided beside an
/// allowed main case.
fn related_subject<'r>(rules: &'r RuleSet, case: &Case, main: Outcome) -> Option<&'r str> {
    let related = rules.vocab.kinds.get(case.kind)?.related.as_ref()?;
    related
        .applies_beside(main)
        .then_some(related.subject.as_str())
}

/// The most branches a case is split into before it is left undecided.
pub const MAX_BRANCHES: usize = 64;

/// Decides a case by the rules in force on its date.
pub fn evaluate(rules: &RuleSet, case: &Case) -> Decision {
    let case = in_vocabulary(rules, case);
    let case = case.as_ref();
    let mut decision = decide(rules, case);
    decision.rule_set = RuleSetInfo {
        content_hash: rules.content_hash.clone(),
        engine_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    // A partnership may still require a purchase (e.g. the people who deliver): that purchase
    // is decided by the purchase rules and attached, so one answer covers both.
    if let Some(purchase) = case.related_case()
        && let Some(subject) = related_subject(rules, case, decision.outcome)
    {
        let mut related = decide(rules, &purchase);
        related.rule_set = decision.rule_set.clone();
        decision.related.push(RelatedDecision {
            subject: subject.to_string(),
            decision: related,
        });
    }
    decision
}

/// Decides a case like [`evaluate`], without the trace an explanation needs: no names are
/// copied and nothing is recorded of what was read. The outcome part is the same code.
pub fn verdict<'r>(rules: &'r RuleSet, case: &Case) -> Verdict<'r> {
    let case = in_vocabulary(rules, case);
    let case = case.as_ref();
    let mut verdict = decide_lean(rules, case);
    if let Some(purchase) = case.related_case()
        && let Some(subject) = related_subject(rules, case, verdict.outcome)
    {
        verdict.related.push(RelatedVerdict {
            subject,
            verdict: decide_lean(rules, &purchase),
        });
    }
    verdict
}

fn decide(rules: &RuleSet, case: &Case) -> Decision {
    let empty = Assignment::default();
    let mut ctx = Ctx::new(rules, case, &empty, true);
    let Some((assessment, base)) = ctx.run() else {
        let mut decision = Decision::empty(case);
        decision.reasons = Settled::no_rules(rules, case).reasons;
        return decision;
    };
    let mut decision = ctx.trace(&assessment, &base);
    let answer = solve(rules, case, base);
    decision.outcome = answer.outcome;
    decision.decided_by = names_of_rules(rules, &answer.decided_by);
    decision.procedure = answer.procedure.map(|p| ctx.named(&rules.procedures[p]));
    decision.obligations = answer
        .obligations
        .iter()
        .map(|&o| ctx.named(&rules.obligations[o]))
        .collect();
    decision.conditional_obligations = answer
        .conditional_obligations
        .iter()
        .map(|&o| ctx.named(&rules.obligations[o]))
        .collect();
    decision.warnings = answer
        .warnings
        .iter()
        .map(|&w| ctx.named(&rules.warnings[w]))
        .collect();
    decision.reasons = answer.reasons.clone();
    if let Some(assign) = &answer.implied {
        decision.implied = conditions(rules, case.country, assign);
    }
    decision.holds_whatever = answer
        .holds_whatever
        .iter()
        .map(|v| var_name(rules, *v))
        .filter(|name| decision.implied.iter().all(|c| c.name != *name))
        .collect();
    if let Some(assign) = &answer.why {
        // The deciding rules' values as they are whatever the unknowns are.
        let mut why_ctx = Ctx::new(rules, case, assign, true);
        // What the case's other facts imply is as good as given: its values replace ranges too.
        let certain = answer.implied.is_some();
        for value in why_ctx.template_values(&answer.decided_by) {
            match decision.values.iter_mut().find(|v| v.name == value.name) {
                Some(slot) if certain || slot.value == Shown::Unknown => *slot = value,
                Some(_) => {}
                None => decision.values.push(value),
            }
        }
    }
    decision.questions = answer
        .questions
        .iter()
        .map(|&f| question(rules, f, case.country))
        .collect();
    for branch in &answer.branches {
        let mut branch_ctx = Ctx::new(rules, case, &branch.assign, true);
        let values = branch_ctx.template_values(&branch.settled.established);
        decision.branches.push(Branch {
            when: conditions(rules, case.country, &branch.assign),
            outcome: branch.settled.outcome,
            procedure: branch
                .settled
                .procedure
                .map(|p| ctx.named(&rules.procedures[p])),
            decided_by: names_of_rules(rules, &branch.settled.established),
            obligations: branch
                .settled
                .obligations
                .iter()
                .map(|&o| ctx.named(&rules.obligations[o]))
                .collect(),
            conditional_obligations: branch
                .conditional
                .iter()
                .map(|&o| ctx.named(&rules.obligations[o]))
                .collect(),
            warnings: branch
                .settled
                .warnings
                .iter()
                .map(|&w| ctx.named(&rules.warnings[w]))
                .collect(),
            reasons: branch.settled.reasons.clone(),
            values,
        });
    }
    decision
}

fn decide_lean<'r>(rules: &'r RuleSet, case: &Case) -> Verdict<'r> {
    let empty = Assignment::default();
    let mut ctx = Ctx::new(rules, case, &empty, false);
    let base = match ctx.run() {
        Some((_, settled)) => settled,
        None => Settled::no_rules(rules, case),
    };
    let answer = solve(rules, case, base);
    let conditional = answer.outcome == Outcome::Undecided;
    Verdict {
        outcome: answer.outcome,
        decided_by: answer
            .decided_by
            .iter()
            .map(|&id| rules.rules[id].name.as_str())
            .collect(),
        procedure: answer.procedure.map(|p| rules.procedures[p].name.as_str()),
        obligations: answer
            .obligations
            .iter()
            .map(|&o| rules.obligations[o].name.as_str())
            .collect(),
        warnings: answer
            .warnings
            .iter()
            .map(|&w| rules.warnings[w].name.as_str())
            .collect(),
        reasons: answer.reasons,
        branches: if conditional {
            answer
                .branches
                .iter()
                .map(|b| BranchVerdict {
                    when: conditions(rules, case.country, &b.assign),
                    outcome: b.settled.outcome,
                    procedure: b
                        .settled
                        .procedure
                        .map(|p| rules.procedures[p].name.as_str()),
                    decided_by: b
                        .settled
                        .established
                        .iter()
                        .map(|&id| rules.rules[id].name.as_str())
                        .collect(),
                })
                .collect()
        } else {
            Vec::new()
        },
        related: Vec::new(),
    }
}

fn names_of_rules(rules: &RuleSet, ids: &[RuleId]) -> Vec<String> {
    ids.iter().map(|&id| rules.rules[id].name.clone()).collect()
}

/// A branch of the split: the values it gives the unknowns and what follows.
#[derive(Debug, Clone)]
struct Leaf {
    assign: Assignment,
    settled: Settled,
    /// Obligations that apply to part of what a merged branch covers (their texts say when).
    conditional: Vec<usize>,
}

/// The answer over every branch, as rule-set ids.
struct Answer {
    outcome: Outcome,
    decided_by: Vec<RuleId>,
    procedure: Option<usize>,
    obligations: Vec<usize>,
    /// Obligations that apply to some of the ways the unknowns could fall.
    conditional_obligations: Vec<usize>,
    warnings: Vec<usize>,
    reasons: Vec<Reason>,
    /// The branches, merged where they agree; empty when the case as given settled it.
    branches: Vec<Leaf>,
    questions: Vec<FactRef>,
    holds_whatever: Vec<Var>,
    /// For an answer decided after a split: the values its unknowns take together, to show the
    /// deciding rules' values with (the case as given leaves them unknown).
    why: Option<Assignment>,
    /// When the branches left are those the case's other facts do not contradict, and they are
    /// one: the values the unknowns must take.
    implied: Option<Assignment>,
}

/// Splits the case on its unknowns until every branch is decided, and combines the branches.
fn solve(rules: &RuleSet, case: &Case, base: Settled) -> Answer {
    if settled_enough(&base) {
        return from_one(base);
    }
    let start = Assignment {
        vars: Vec::new(),
        currency: jurisdiction_currency(rules, case),
    };
    let mut splitter = Splitter {
        rules,
        case,
        leaves: Vec::new(),
        order: Vec::new(),
        overflow: false,
        params_beside_split_facts: false,
    };
    splitter.split(start, base.clone());
    if splitter.overflow {
        let mut answer = from_one(base);
        answer.outcome = Outcome::Undecided;
        answer.decided_by.clear();
        answer.procedure = None;
        answer.obligations.clear();
        answer.conditional_obligations.clear();
        answer.holds_whatever.clear();
        answer.reasons.push(Reason::TooManyBranches {
            limit: MAX_BRANCHES,
        });
        // Still worth asking: the facts the split began with, most decisive first.
        answer.questions = splitter
            .order
            .iter()
            .filter_map(|v| match v {
                Var::Fact(f) => Some(*f),
                Var::Param(_) => None,
            })
            .collect();
        return answer;
    }
    combine(rules, splitter.leaves, splitter.order, case.country)
}

/// Whether an evaluation needs no split: decided, with every obligation's condition known.
fn settled_enough(s: &Settled) -> bool {
    match s.key {
        Some(_) => s.obligation_gaps.iter().all(|g| g.var().is_none()),
        None => s.gaps.iter().all(|g| g.var().is_none()),
    }
}

/// The answer when the case as given settles it, or cannot be split.
fn from_one(settled: Settled) -> Answer {
    let decided = settled.key.is_some_and(|k| k.0 != 2);
    Answer {
        outcome: settled.outcome,
        decided_by: if settled.key.is_some() {
            settled.established
        } else {
            Vec::new()
        },
        procedure: settled.procedure,
        obligations: settled.obligations,
        conditional_obligations: Vec::new(),
        warnings: settled.warnings,
        reasons: settled.reasons,
        branches: Vec::new(),
        questions: Vec::new(),
        why: None,
        implied: None,
        holds_whatever: if decided {
            vars_of(&settled.gaps)
        } else {
            Vec::new()
        },
    }
}

fn vars_of(gaps: &[Gap]) -> Vec<Var> {
    let mut vars: Vec<Var> = Vec::new();
    for v in gaps.iter().filter_map(Gap::var) {
        if !vars.contains(&v) {
            vars.push(v);
        }
    }
    vars
}

/// The currency amounts of the jurisdiction's rules are in: a fact given a range in the split is
/// an amount in it.
fn jurisdiction_currency(rules: &RuleSet, case: &Case) -> Option<Currency> {
    rules.vocab.countries.get(case.country).map(|c| c.currency)
}

struct Splitter<'a> {
    rules: &'a RuleSet,
    case: &'a Case,
    leaves: Vec<Leaf>,
    /// The unknowns in the order they were first split on: the most decisive first.
    order: Vec<Var>,
    overflow: bool,
    /// Whether parameters may be split while a fact has a class the split gave it (only inside
    /// a joint probe, where every such fact is a point).
    params_beside_split_facts: bool,
}

impl Splitter<'_> {
    fn evaluate(&self, assign: &Assignment) -> Settled {
        let mut ctx = Ctx::new(self.rules, self.case, assign, false);
        match ctx.run() {
            Some((_, settled)) => settled,
            None => Settled::no_rules(self.rules, self.case),
        }
    }

    fn split(&mut self, assign: Assignment, mut settled: Settled) {
        if self.overflow {
            return;
        }
        if !settled_enough(&settled) {
            let gaps = if settled.key.is_some() {
                &settled.obligation_gaps
            } else {
                &settled.gaps
            };
            for var in self.candidates(&assign, gaps) {
                if let Some(children) = self.children(&assign, var) {
                    if !self.order.contains(&var) {
                        self.order.push(var);
                    }
                    for child in children {
                        let result = self.evaluate(&child);
                        self.split(child, result);
                        if self.overflow {
                            return;
                        }
                    }
                    return;
                }
            }
            if settled.key.is_none()
                && let Some(leaf) = self.joint(&assign, &settled)
            {
                self.leaves.push(leaf);
                if self.leaves.len() > MAX_BRANCHES {
                    self.overflow = true;
                }
                return;
            }
        }
        // A fact the branch gives a class of values is not "missing" there: the branch's
        // condition says what it is.
        settled.reasons.retain(|r| match r {
            Reason::MissingFact { fact } => !assign
                .vars
                .iter()
                .any(|(v, _)| matches!(v, Var::Fact(f) if self.rules.vocab.path(*f) == *fact)),
            _ => true,
        });
        self.leaves.push(Leaf {
            assign,
            settled,
            conditional: Vec::new(),
        });
        if self.leaves.len() > MAX_BRANCHES {
            self.overflow = true;
        }
    }

    /// The unknowns among these gaps the split can give values to, in the order to try them:
    /// facts of closed lists and yes/no facts first (asking about them settles most), then
    /// amounts and numbers, then parameters known as ranges, once no fact compared with them is
    /// still an interval.
    fn candidates(&self, assign: &Assignment, gaps: &[Gap]) -> Vec<Var> {
        let mut finite = Vec::new();
        let mut continuous = Vec::new();
        let mut params = Vec::new();
        for var in vars_of(gaps) {
            match var {
                Var::Fact(f) => match (
                    self.rules.vocab.split_domain(f, self.case.country),
                    assign.get(var),
                ) {
                    (SplitDomain::Names(_) | SplitDomain::Bool, None) => finite.push(var),
                    (SplitDomain::Interval { .. }, None) => continuous.push(var),
                    (SplitDomain::Interval { .. }, Some(Bound::Range { low, high }))
                        if low < high =>
                    {
                        continuous.push(var)
                    }
                    _ => {}
                },
                Var::Param(_) => params.push(var),
            }
        }
        // A parameter is split only against amounts the case states: where the split itself gave
        // an amount a class, the answer within it is "depends on the amount and on the exact
        // parameter", and cutting further only multiplies branches.
        let facts_given = self.params_beside_split_facts
            || !assign
                .vars
                .iter()
                .any(|(v, b)| matches!((v, b), (Var::Fact(_), Bound::Range { .. })));
        finite.extend(continuous);
        if facts_given && finite.is_empty() {
            finite.extend(params);
        }
        finite
    }

    /// A class of an amount the split gave a fact, whose answer still turns on a parameter known
    /// as a range: decided when every way the two can fall together gives one outcome.
    ///
    /// Inside the class every comparison that involves the fact alone is constant (the class
    /// was cut at their critical points, and at the points where a comparison with the
    /// parameter's range begins or ends). When every comparison that involves both moves with
    /// them in the same proportion (the same amount against the same threshold, perhaps with
    /// different constants added), the order of the parameter's critical points is the same for
    /// every value in the class, so one value inside it shows every way the outcome can fall:
    /// the parameter is split exactly for that value. Otherwise, or when the ways differ, the
    /// class stays undecided.
    fn joint(&self, assign: &Assignment, settled: &Settled) -> Option<Leaf> {
        let params: Vec<Var> = vars_of(&settled.gaps)
            .into_iter()
            .filter(|v| matches!(v, Var::Param(_)))
            .collect();
        if params.is_empty() {
            return None;
        }
        let ranged: Vec<(Var, Decimal, Decimal)> = assign
            .vars
            .iter()
            .filter_map(|(v, b)| match (v, b) {
                (Var::Fact(_), Bound::Range { low, high }) if low < high => Some((*v, *low, *high)),
                _ => None,
            })
            .collect();
        let probe = match ranged.as_slice() {
            [] => assign.clone(),
            [(x, low, high)] => {
                for &p in &params {
                    if !self.parallel(assign, *x, p) {
                        return None;
                    }
                }
                let step = step_of(self.rules, self.case.country, *x);
                let middle = ((*low + *high) / Decimal::TWO / step).floor() * step;
                assign.with(
                    *x,
                    Bound::Range {
                        low: middle,
                        high: middle,
                    },
                )
            }
            _ => return None,
        };
        let mut sub = Splitter {
            rules: self.rules,
            case: self.case,
            leaves: Vec::new(),
            order: Vec::new(),
            overflow: false,
            params_beside_split_facts: true,
        };
        sub.split(probe.clone(), self.evaluate(&probe));
        if sub.overflow || sub.leaves.is_empty() {
            return None;
        }
        let key = sub.leaves[0].settled.key?;
        if !sub.leaves.iter().all(|l| l.settled.key == Some(key)) {
            return None;
        }
        // One outcome: what every way says is what the class says.
        let mut settled = sub.leaves[0].settled.clone();
        let all = |items: &dyn Fn(&Settled) -> &Vec<usize>, i: &usize| {
            sub.leaves.iter().all(|l| items(&l.settled).contains(i))
        };
        let mut conditional = Vec::new();
        for leaf in &sub.leaves {
            for o in &leaf.settled.obligations {
                if !all(&|s| &s.obligations, o) && !conditional.contains(o) {
                    conditional.push(*o);
                }
            }
            for w in &leaf.settled.warnings {
                if !settled.warnings.contains(w) {
                    settled.warnings.push(*w);
                }
            }
        }
        settled.established.retain(|r| all(&|s| &s.established, r));
        settled.obligations.retain(|o| all(&|s| &s.obligations, o));
        if settled.obligations.is_empty() && !conditional.is_empty() {
            settled.outcome = Outcome::AllowedWithObligations;
        }
        settled.gaps.clear();
        settled.reasons.clear();
        Some(Leaf {
            assign: assign.clone(),
            settled,
            conditional,
        })
    }

    /// Whether every comparison that turns on both the fact `x` and the parameter `p` moves
    /// with them in one proportion (see [`Splitter::joint`]).
    fn parallel(&self, assign: &Assignment, x: Var, p: Var) -> bool {
        let slopes = |focus: Var| {
            let mut ctx = Ctx::new(self.rules, self.case, assign, false).with_focus(focus);
            let _ = ctx.run();
            (ctx.slopes, ctx.lost)
        };
        let (by_x, lost_x) = slopes(x);
        let with_p = match param_range(
            self.rules,
            self.case,
            match p {
                Var::Param(id) => id,
                Var::Fact(_) => return false,
            },
        ) {
            Some((low, high)) => assign.with(p, Bound::Range { low, high }),
            None => return false,
        };
        let mut ctx = Ctx::new(self.rules, self.case, &with_p, false).with_focus(p);
        let _ = ctx.run();
        if lost_x || ctx.lost {
            return false;
        }
        let by_p = ctx.slopes;
        let mut ratio: Option<(Decimal, Decimal)> = None;
        for (site, a) in &by_x {
            let Some((_, b)) = by_p.iter().find(|(s, _)| s == site) else {
                continue;
            };
            if a.is_zero() || b.is_zero() {
                continue;
            }
            match ratio {
                None => ratio = Some((*a, *b)),
                // a/b = a0/b0, compared without dividing.
                Some((a0, b0)) => {
                    if a.checked_mul(b0) != b.checked_mul(a0) {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// The branches of one unknown, or `None` when it cannot be split further here.
    fn children(&self, assign: &Assignment, var: Var) -> Option<Vec<Assignment>> {
        match var {
            Var::Fact(f) => match self.rules.vocab.split_domain(f, self.case.country) {
                SplitDomain::Names(names) => Some(
                    names
                        .iter()
                        .map(|n| assign.with(var, Bound::Name(*n)))
                        .collect(),
                ),
                SplitDomain::Bool => Some(
                    [true, false]
                        .into_iter()
                        .map(|b| assign.with(var, Bound::Bool(b)))
                        .collect(),
                ),
                SplitDomain::Interval { low, high, step } => {
                    let (low, high) = match assign.get(var) {
                        Some(Bound::Range { low, high }) => (*low, *high),
                        _ => (low, high),
                    };
                    self.classes(assign, var, low, high, step)
                }
                SplitDomain::None => None,
            },
            Var::Param(p) => {
                let (low, high) = match assign.get(var) {
                    Some(Bound::Range { low, high }) => (*low, *high),
                    _ => param_range(self.rules, self.case, p)?,
                };
                self.classes(assign, var, low, high, Decimal::new(1, 2))
            }
        }
    }

    /// The classes of an interval unknown between the points where the rules' comparisons flip.
    fn classes(
        &self,
        assign: &Assignment,
        var: Var,
        low: Decimal,
        high: Decimal,
        step: Decimal,
    ) -> Option<Vec<Assignment>> {
        let probe = assign.with(var, Bound::Range { low, high });
        let mut ctx = Ctx::new(self.rules, self.case, &probe, false).with_focus(var);
        let _ = ctx.run();
        let mut points: Vec<Decimal> = ctx
            .crossings
            .iter()
            .copied()
            .filter(|p| *p >= low && *p <= high)
            .collect();
        points.sort();
        points.dedup();
        let classes = grid_classes(low, high, step, &points);
        if classes.len() < 2 {
            // No comparison cuts the interval: the unknown can take it whole, as an interval,
            // which is progress only if it was not already one.
            if assign.get(var).is_some() {
                return None;
            }
            return Some(vec![probe]);
        }
        Some(
            classes
                .into_iter()
                .map(|(low, high)| assign.with(var, Bound::Range { low, high }))
                .collect(),
        )
    }
}

/// The range a parameter is known to lie in on the case's date, if it is a range.
fn param_range(rules: &RuleSet, case: &Case, param: usize) -> Option<(Decimal, Decimal)> {
    let entries = &rules.params[param].entries;
    let index = entries.partition_point(|e| e.from <= case.date);
    match entries.get(index.checked_sub(1)?)?.value {
        EntryValue::Range(low, high) => Some((low, high)),
        _ => None,
    }
}

/// Cuts `low..=high` (on a grid of `step`) at the critical points: each point on the grid is a
/// class of its own, and the grid values strictly between two points (or a point and an end)
/// form one class. Classes with no grid value are dropped.
fn grid_classes(
    low: Decimal,
    high: Decimal,
    step: Decimal,
    points: &[Decimal],
) -> Vec<(Decimal, Decimal)> {
    let on_grid = |x: Decimal| (x % step).is_zero();
    // The least grid value above x, and the greatest below.
    let above = |x: Decimal| (x / step).floor() * step + step;
    let below = |x: Decimal| (x / step).ceil() * step - step;
    let mut classes = Vec::new();
    let mut from = low;
    let mut from_open = false;
    for &p in points {
        // The open stretch before p.
        let start = if from_open { above(from) } else { from };
        let end = below(p);
        if start <= end {
            classes.push((start, end));
        }
        if on_grid(p) {
            classes.push((p, p));
        }
        from = p;
        from_open = true;
    }
    let start = if from_open { above(from) } else { from };
    if start <= high {
        classes.push((start, high));
    }
    classes.retain(|(a, b)| a <= b && *a >= low && *b <= high);
    classes.dedup();
    classes
}

/// Combines the branches: decided when they all give one outcome, else a conditional answer.
fn combine(rules: &RuleSet, leaves: Vec<Leaf>, order: Vec<Var>, country: CountryId) -> Answer {
    // A branch whose facts a rule finds contradictory (`undecided, contradictory`) is not a way
    // the case can be, unless every branch is one: then the case itself is contradictory.
    let possible = |l: &Leaf| !contradictory(rules, &l.settled);
    let mut leaves = leaves;
    let pruned = leaves.iter().any(|l| !possible(l)) && leaves.iter().any(possible);
    if pruned {
        leaves.retain(possible);
    }
    let keys: Vec<Option<OutcomeKey>> = leaves.iter().map(|l| l.settled.key).collect();
    let first = keys.first().copied().flatten();
    let agree = first.is_some() && keys.iter().all(|k| *k == first);
    let merged = merge_branches(rules, leaves, country);
    let mut warnings: Vec<usize> = Vec::new();
    for leaf in &merged {
        for &w in &leaf.settled.warnings {
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
    }
    if agree {
        let common = |pick: &dyn Fn(&Settled) -> &Vec<usize>| -> Vec<usize> {
            let mut items: Vec<usize> = pick(&merged[0].settled).clone();
            items.retain(|i| merged.iter().all(|l| pick(&l.settled).contains(i)));
            items
        };
        let decided_by = common(&|s| &s.established);
        let obligations = common(&|s| &s.obligations);
        let mut conditional: Vec<usize> = Vec::new();
        for leaf in &merged {
            for o in leaf.settled.obligations.iter().chain(&leaf.conditional) {
                if !obligations.contains(o) && !conditional.contains(o) {
                    conditional.push(*o);
                }
            }
        }
        let any_obligation = !obligations.is_empty() || !conditional.is_empty();
        let representative = &merged[0].settled;
        let outcome = match representative.outcome {
            Outcome::Allowed | Outcome::AllowedWithObligations if any_obligation => {
                Outcome::AllowedWithObligations
            }
            Outcome::Allowed | Outcome::AllowedWithObligations => Outcome::Allowed,
            other => other,
        };
        let mut reasons: Vec<Reason> = Vec::new();
        for leaf in &merged {
            for r in &leaf.settled.reasons {
                if !reasons.contains(r) {
                    reasons.push(r.clone());
                }
            }
        }
        let holds_whatever = order.clone();
        // Branches that only repeat the answer are worth showing when they differ in why or in
        // what they require.
        let uniform = merged.len() == 1
            || merged.iter().all(|l| {
                l.settled.established == representative.established
                    && l.settled.obligations == representative.obligations
            });
        return Answer {
            outcome,
            decided_by,
            procedure: representative.procedure,
            obligations,
            conditional_obligations: conditional,
            warnings,
            reasons,
            why: (merged.len() == 1).then(|| merged[0].assign.clone()),
            implied: (pruned && merged.len() == 1).then(|| merged[0].assign.clone()),
            branches: if uniform { Vec::new() } else { merged },
            questions: Vec::new(),
            holds_whatever,
        };
    }
    let mut on: Vec<Var> = Vec::new();
    for leaf in &merged {
        for (v, _) in &leaf.assign.vars {
            if !on.contains(v) {
                on.push(*v);
            }
        }
    }
    on.sort_by_key(|v| order.iter().position(|o| o == v));
    let mut reasons = vec![Reason::DependsOn {
        names: on.iter().map(|v| var_name(rules, *v)).collect(),
    }];
    if merged
        .iter()
        .all(|l| l.settled.key.is_none() || l.settled.key == Some((2, None)))
    {
        // No branch decides: what leaves them open is the answer, and no answer to a question
        // would decide it.
        reasons = Vec::new();
        for leaf in &merged {
            for r in &leaf.settled.reasons {
                if !reasons.contains(r) {
                    reasons.push(r.clone());
                }
            }
        }
        return Answer {
            outcome: Outcome::Undecided,
            decided_by: Vec::new(),
            procedure: None,
            obligations: Vec::new(),
            conditional_obligations: Vec::new(),
            warnings,
            reasons,
            questions: Vec::new(),
            branches: Vec::new(),
            holds_whatever: Vec::new(),
            why: None,
            implied: None,
        };
    }
    Answer {
        outcome: Outcome::Undecided,
        decided_by: Vec::new(),
        procedure: None,
        obligations: Vec::new(),
        conditional_obligations: Vec::new(),
        warnings,
        reasons,
        questions: on
            .iter()
            .filter_map(|v| match v {
                Var::Fact(f) => Some(*f),
                Var::Param(_) => None,
            })
            .collect(),
        branches: merged,
        holds_whatever: Vec::new(),
        why: None,
        implied: None,
    }
}

/// Whether a branch is undecided because a rule finds its facts contradicting each other.
fn contradictory(rules: &RuleSet, s: &Settled) -> bool {
    s.key == Some((2, None)) && s.established.iter().any(|&r| rules.rules[r].contradictory)
}

/// What a branch says, for telling branches that can be shown as one apart.
fn same_result(a: &Settled, b: &Settled) -> bool {
    let outcome_class = |o: Outcome| match o {
        Outcome::AllowedWithObligations => Outcome::Allowed,
        other => other,
    };
    a.key == b.key
        && outcome_class(a.outcome) == outcome_class(b.outcome)
        && a.procedure == b.procedure
        && a.established == b.established
        && (a.key.is_some() || a.reasons == b.reasons)
}

/// Merges branches that say the same and differ in one unknown only, into one branch over the
/// union of its values; a condition that then covers everything the unknown can be is dropped.
fn merge_branches(rules: &RuleSet, mut leaves: Vec<Leaf>, country: CountryId) -> Vec<Leaf> {
    loop {
        let mut merged_any = false;
        'search: for i in 0..leaves.len() {
            for j in i + 1..leaves.len() {
                if !same_result(&leaves[i].settled, &leaves[j].settled) {
                    continue;
                }
                if let Some(assign) = union(rules, &leaves[i].assign, &leaves[j].assign, country) {
                    let other = leaves.remove(j);
                    let leaf = &mut leaves[i];
                    leaf.assign = assign;
                    // What both parts require stays required; the rest applies to a part.
                    let mut conditional = std::mem::take(&mut leaf.conditional);
                    for o in leaf
                        .settled
                        .obligations
                        .iter()
                        .chain(&other.settled.obligations)
                    {
                        let in_both = leaf.settled.obligations.contains(o)
                            && other.settled.obligations.contains(o);
                        if !in_both && !conditional.contains(o) {
                            conditional.push(*o);
                        }
                    }
                    for o in other.conditional {
                        if !conditional.contains(&o) {
                            conditional.push(o);
                        }
                    }
                    let kept: Vec<usize> = leaf
                        .settled
                        .obligations
                        .iter()
                        .copied()
                        .filter(|o| !conditional.contains(o))
                        .collect();
                    if kept.is_empty() && !conditional.is_empty() {
                        leaf.settled.outcome = Outcome::AllowedWithObligations;
                    }
                    leaf.settled.obligations = kept;
                    leaf.conditional = conditional;
                    for w in other.settled.warnings {
                        if !leaf.settled.warnings.contains(&w) {
                            leaf.settled.warnings.push(w);
                        }
                    }
                    merged_any = true;
                    break 'search;
                }
            }
        }
        if !merged_any {
            return leaves;
        }
    }
}

/// The union of two assignments that differ in the bound of one unknown only, if it is one.
fn union(
    rules: &RuleSet,
    a: &Assignment,
    b: &Assignment,
    country: CountryId,
) -> Option<Assignment> {
    if a.vars.len() != b.vars.len() {
        return None;
    }
    let mut differing = None;
    for (var, bound) in &a.vars {
        let other = b.get(*var)?;
        if other != bound {
            if differing.is_some() {
                return None;
            }
            differing = Some((*var, bound.clone(), other.clone()));
        }
    }
    let (var, x, y) = differing?;
    let joined = match (&x, &y) {
        (Bound::Name(_) | Bound::Names(_), Bound::Name(_) | Bound::Names(_)) => {
            let mut names = x.names();
            for n in y.names() {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            let domain = match var {
                Var::Fact(f) => match rules.vocab.split_domain(f, country) {
                    SplitDomain::Names(all) => all,
                    _ => Vec::new(),
                },
                Var::Param(_) => Vec::new(),
            };
            names.sort_by_key(|n| domain.iter().position(|d| d == n));
            if domain.iter().all(|d| names.contains(d)) {
                None
            } else {
                Some(Bound::Names(names))
            }
        }
        (Bound::Bool(_), Bound::Bool(_)) => None,
        (Bound::Range { low: l1, high: h1 }, Bound::Range { low: l2, high: h2 }) => {
            let step = step_of(rules, country, var);
            let (first, second) = if l1 <= l2 {
                ((l1, h1), (l2, h2))
            } else {
                ((l2, h2), (l1, h1))
            };
            if *second.0 > *first.1 + step {
                return None;
            }
            let low = *first.0;
            let high = (*first.1).max(*second.1);
            match domain_of(rules, country, var) {
                Some((domain_low, domain_high)) if low <= domain_low && high >= domain_high => None,
                _ => Some(Bound::Range { low, high }),
            }
        }
        _ => return None,
    };
    let mut assign = a.clone();
    match joined {
        Some(bound) => {
            for slot in &mut assign.vars {
                if slot.0 == var {
                    slot.1 = bound.clone();
                }
            }
        }
        None => assign.vars.retain(|(v, _)| *v != var),
    }
    Some(assign)
}

fn step_of(rules: &RuleSet, country: CountryId, var: Var) -> Decimal {
    match var {
        Var::Fact(f) => match rules.vocab.split_domain(f, country) {
            SplitDomain::Interval { step, .. } => step,
            _ => Decimal::ONE,
        },
        Var::Param(_) => Decimal::new(1, 2),
    }
}

/// The whole interval an unknown ranges over, when it is not split.
fn domain_of(rules: &RuleSet, country: CountryId, var: Var) -> Option<(Decimal, Decimal)> {
    match var {
        Var::Fact(f) => match rules.vocab.split_domain(f, country) {
            SplitDomain::Interval { low, high, .. } => Some((low, high)),
            _ => None,
        },
        // A parameter's range is its domain, and a branch shows both its ends.
        Var::Param(_) => None,
    }
}

fn var_name(rules: &RuleSet, var: Var) -> String {
    match var {
        Var::Fact(f) => rules.vocab.path(f),
        Var::Param(p) => rules.params[p].name.clone(),
    }
}

/// The conditions of a branch as the decision states them.
fn conditions(rules: &RuleSet, country: CountryId, assign: &Assignment) -> Vec<BranchCondition> {
    assign
        .vars
        .iter()
        .filter(
            |(var, bound)| match (bound, domain_of(rules, country, *var)) {
                // A fact the split gave all of its possible values says nothing about the branch.
                (Bound::Range { low, high }, Some((l, h))) => !(*low <= l && *high >= h),
                _ => true,
            },
        )
        .map(|(var, bound)| {
            let (kind, currency, domain) = match var {
                Var::Fact(f) => (
                    ValueKind::Fact,
                    match rules.vocab.value_type(*f) {
                        ValueType::Amount => assign.currency,
                        _ => None,
                    },
                    domain_of(rules, country, *var),
                ),
                Var::Param(p) => (ValueKind::Parameter, Some(rules.params[*p].currency), None),
            };
            let value = match bound {
                Bound::Name(_) | Bound::Names(_) => BranchValue::OneOf {
                    values: {
                        let list = match var {
                            Var::Fact(f) => match rules.vocab.value_type(*f) {
                                ValueType::OneOf(l) => l,
                                _ => 0,
                            },
                            Var::Param(_) => 0,
                        };
                        bound
                            .names()
                            .iter()
                            .map(|n| rules.vocab.name_text(list, *n).to_string())
                            .collect()
                    },
                },
                Bound::Bool(b) => BranchValue::Bool { value: *b },
                Bound::Range { low, high } => BranchValue::Range {
                    low: (domain.is_none_or(|(l, _)| *low > l)).then_some(*low),
                    high: (domain.is_none_or(|(_, h)| *high < h)).then_some(*high),
                    currency,
                },
            };
            BranchCondition {
                name: var_name(rules, *var),
                kind,
                value,
            }
        })
        .collect()
}

fn question(rules: &RuleSet, fact: FactRef, country: CountryId) -> Question {
    let ty = rules.vocab.value_type(fact);
    let (values, answer) = match (rules.vocab.split_domain(fact, country), ty) {
        (SplitDomain::Names(names), ValueType::OneOf(l)) => (
            names
                .iter()
                .map(|n| rules.vocab.name_text(l, *n).to_string())
                .collect(),
            "name",
        ),
        (SplitDomain::Bool, _) => (Vec::new(), "yes_no"),
        (SplitDomain::Interval { .. }, ValueType::Amount) => (Vec::new(), "amount"),
        _ => (Vec::new(), "number"),
    };
    Question {
        fact: rules.vocab.path(fact),
        values,
        answer: answer.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("a decimal literal in a test")
    }

    #[test]
    fn the_grid_is_cut_at_each_point_and_between() {
        let classes = grid_classes(d("0"), d("1000"), d("0.01"), &[d("100"), d("700")]);
        assert_eq!(
            classes,
            vec![
                (d("0"), d("99.99")),
                (d("100"), d("100")),
                (d("100.01"), d("699.99")),
                (d("700"), d("700")),
                (d("700.01"), d("1000")),
            ]
        );
    }

    #[test]
    fn a_point_off_the_grid_has_no_class_of_its_own() {
        // 700 000 / 48 months lies between two öre.
        let p = d("700000") / d("48");
        let classes = grid_classes(d("0"), d("100000"), d("0.01"), &[p]);
        assert_eq!(
            classes,
            vec![(d("0"), d("14583.33")), (d("14583.34"), d("100000"))]
        );
    }

    #[test]
    fn points_at_the_ends_are_classes_too() {
        let classes = grid_classes(d("10"), d("20"), d("1"), &[d("10"), d("20")]);
        assert_eq!(
            classes,
            vec![(d("10"), d("10")), (d("11"), d("19")), (d("20"), d("20"))]
        );
    }
}
