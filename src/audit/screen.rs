//! Screening one purchase posed from a ledger: may it be awarded directly, in every way the facts
//! that a ledger does not record could fall?
//!
//! A ledger says who was paid, how much and when, but not what kind of service it was nor
//! whether the payments are one recurring contract. [`screen`] asks the engine once with those
//! facts missing; when that already decides the case it holds for every value of them (the
//! engine decides only when every way the unknowns could fall gives the same outcome). Otherwise
//! the answer depends on them, and each combination of their values is a branch.
//!
//! The engine's answer to an undecided case carries its own branches (the case split), exact
//! over every case inside each; `screen` reads the ways the ledger's facts could fall off them,
//! and decides on its own only a way that no branch settles. [`screen_deciding_each`] decides
//! every way on its own: the plain path, which a property test holds `screen` to.
//!
//! Invariant: a screening never has zero branches, and a branch's outcome is exactly what
//! [`RuleSet::decide`] gives for the case completed with the branch's facts.

use serde::Serialize;

use crate::decision::{BranchCondition, BranchValue, BranchVerdict, ValueKind};
use crate::vocab::{CountryId, NotRecorded, ValueType};
use crate::{Case, Outcome, RuleSet};

/// The facts a supplier ledger of the case's country does not record, which the rules may need,
/// in the order its `ledger for` declaration gives them (e.g. what was bought, the kind of
/// service, whether repeated payments are one recurring contract); none where the rules declare
/// no ledgers for it.
fn not_recorded<'r>(rules: &'r RuleSet, case: &Case) -> &'r [NotRecorded] {
    let vocab = rules.vocabulary();
    vocab
        .country(case.jurisdiction())
        .and_then(|c| vocab.ledger(c))
        .map_or(&[], |l| l.not_recorded.as_slice())
}

/// One way the unknown facts could fall, and what the engine decides then.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Branch {
    /// The facts this branch assumes, as (path, value); empty when the outcome holds whatever
    /// they are.
    pub assumes: Vec<Assumption>,
    /// What the engine decides in the branch.
    pub outcome: Outcome,
    /// The procedure the law requires instead, when not allowed.
    pub procedure: Option<String>,
    /// The rules that decide it.
    pub decided_by: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
/// A fact a branch assumes, and its value.
pub struct Assumption {
    /// The fact's path.
    pub fact: &'static str,
    /// The value assumed.
    pub value: &'static str,
}

/// The branches of one purchase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    /// Every way the unknown facts could fall.
    pub branches: Vec<Branch>,
}

impl Screening {
    /// The branches where a direct award is not allowed.
    pub fn not_allowed_in(&self) -> impl Iterator<Item = &Branch> {
        self.with(|o| o == Outcome::NotAllowed)
    }

    /// The branches where a direct award is allowed.
    pub fn allowed_in(&self) -> impl Iterator<Item = &Branch> {
        self.with(|o| matches!(o, Outcome::Allowed | Outcome::AllowedWithObligations))
    }

    /// The branches the rules do not decide.
    pub fn undecided_in(&self) -> impl Iterator<Item = &Branch> {
        self.with(|o| o == Outcome::Undecided)
    }

    /// A direct award would not have been allowed in at least one branch.
    pub fn is_flagged(&self) -> bool {
        self.not_allowed_in().next().is_some()
    }

    /// Allowed in every branch.
    pub fn is_allowed(&self) -> bool {
        self.allowed_in().count() == self.branches.len()
    }

    fn with(&self, keep: impl Fn(Outcome) -> bool) -> impl Iterator<Item = &Branch> {
        self.branches.iter().filter(move |b| keep(b.outcome))
    }
}

/// Screens a purchase: the engine's outcome for each way the facts a ledger of its country does
/// not record (its rules' `ledger for … not recorded`) that the case leaves out could fall.
/// Facts that change nothing are left out of the branches.
///
/// The engine is asked once. When it does not decide, its answer carries branches of its own
/// (the case split): each way the facts could fall that lies wholly inside one of them — every
/// condition of the branch on a fact it gives, with a value the condition allows — takes that
/// branch's answer, which the split guarantees for every case inside it. Only a way that no
/// branch settles so (a branch conditioned on something else, one the rules leave undecided,
/// or a split past its bound) is decided on its own, as [`screen_deciding_each`] decides all.
pub fn screen(rules: &RuleSet, case: &Case) -> Screening {
    screen_reading(rules, case, true)
}

/// Screens a purchase as [`screen`] does, deciding every way the facts could fall on its own
/// instead of reading the engine's branches: the plain path, which [`screen`] must equal.
pub fn screen_deciding_each(rules: &RuleSet, case: &Case) -> Screening {
    screen_reading(rules, case, false)
}

fn screen_reading(rules: &RuleSet, case: &Case, read_branches: bool) -> Screening {
    let verdict = rules.decide(case);
    if verdict.outcome != Outcome::Undecided {
        return Screening {
            branches: vec![branch(Vec::new(), &verdict)],
        };
    }
    let mut branches: Vec<Branch> = completions(rules, case)
        .into_iter()
        .map(|assumes| {
            let settled = read_branches
                .then(|| settling_branch(&verdict.branches, &assumes))
                .flatten();
            match settled {
                Some(settled) => Branch {
                    assumes,
                    outcome: settled.outcome,
                    procedure: settled.procedure.map(str::to_string),
                    decided_by: settled.decided_by.iter().map(|s| s.to_string()).collect(),
                },
                None => {
                    let verdict = rules.decide(&completed(case, &assumes));
                    branch(assumes, &verdict)
                }
            }
        })
        .collect();
    drop_facts_that_do_not_matter(rules, case, &mut branches);
    Screening { branches }
}

/// Every way the facts a ledger does not record that the case leaves out could fall, as the
/// values each takes; a fact is split only where it is a question given the facts before it.
fn completions(rules: &RuleSet, case: &Case) -> Vec<Vec<Assumption>> {
    let mut completions: Vec<Vec<Assumption>> = vec![Vec::new()];
    for n in not_recorded(rules, case) {
        let Some(values) = domain(rules, case, &n.fact) else {
            continue;
        };
        if case.states(&n.fact) {
            continue;
        }
        let fact = leak(&n.fact);
        completions = completions
            .into_iter()
            .flat_map(|assumes| {
                if !applies(n, case, &assumes) {
                    return vec![assumes];
                }
                values
                    .iter()
                    .map(|&value| {
                        let mut assumes = assumes.clone();
                        assumes.push(Assumption { fact, value });
                        assumes
                    })
                    .collect()
            })
            .collect();
    }
    completions
}

impl Branch {
    /// The case with this branch's facts filled in.
    pub fn complete(&self, case: &Case) -> Case {
        completed(case, &self.assumes)
    }
}

/// The case with the assumed facts filled in. The values come from the facts' own domains, so
/// setting them cannot fail.
fn completed(case: &Case, assumes: &[Assumption]) -> Case {
    let mut completed = case.clone();
    for a in assumes {
        let _ = completed.set(a.fact, a.value);
    }
    completed
}

/// The engine's branch that holds every case a way of the facts stands for, if one does and
/// decides it: each of its conditions is on one of the assumed facts and allows the value
/// assumed. A fact the way leaves open (the service class of goods) may then take any value,
/// since no condition of the branch names it.
fn settling_branch<'v, 'r>(
    branches: &'v [BranchVerdict<'r>],
    assumes: &[Assumption],
) -> Option<&'v BranchVerdict<'r>> {
    let allows = |condition: &BranchCondition| {
        let Some(assumed) = assumes.iter().find(|a| a.fact == condition.name) else {
            return false;
        };
        condition.kind == ValueKind::Fact
            && match &condition.value {
                BranchValue::OneOf { values } => values.iter().any(|v| v == assumed.value),
                BranchValue::Bool { value } => {
                    assumed.value == if *value { "true" } else { "false" }
                }
                _ => false,
            }
    };
    let mut holding = branches
        .iter()
        .filter(|b| b.when.iter().all(allows) && b.outcome != Outcome::Undecided);
    let first = holding.next()?;
    // The split's branches do not overlap; should two hold, the way is decided on its own.
    holding.next().is_none().then_some(first)
}

fn branch(assumes: Vec<Assumption>, verdict: &crate::Verdict<'_>) -> Branch {
    Branch {
        assumes,
        outcome: verdict.outcome,
        procedure: verdict.procedure.map(str::to_string),
        decided_by: verdict.decided_by.iter().map(|s| s.to_string()).collect(),
    }
}

/// Whether a fact is a question given the facts before it: one declared `when A is x` is not
/// where `A`, stated or assumed, is something else (the service class of goods or works).
fn applies(n: &NotRecorded, case: &Case, assumes: &[Assumption]) -> bool {
    let Some((on, is)) = &n.only_when else {
        return true;
    };
    let value = assumes
        .iter()
        .find(|a| a.fact == on)
        .map(|a| a.value.to_string())
        .or_else(|| case.get(on));
    value.is_none_or(|v| v == *is)
}

/// The values a fact may take in a case of a country: the names of its list there, or yes and
/// no; none for a fact of another type or one not declared.
pub(crate) fn values(rules: &RuleSet, country: CountryId, fact: &str) -> Vec<&'static str> {
    let vocab = rules.vocabulary();
    let Some(r) = vocab.resolve(fact) else {
        return Vec::new();
    };
    match vocab.value_type(r) {
        ValueType::OneOf(list) => vocab
            .names_in(list, country)
            .into_iter()
            .map(|n| leak(vocab.name_text(list, n)))
            .collect(),
        ValueType::YesNo => vec!["false", "true"],
        _ => Vec::new(),
    }
}

/// The values a fact may take in a case of its country, if it is a fact to branch over.
fn domain(rules: &RuleSet, case: &Case, fact: &str) -> Option<Vec<&'static str>> {
    let country = rules.vocabulary().country(case.jurisdiction())?;
    let values = values(rules, country, fact);
    (!values.is_empty()).then_some(values)
}

/// A name kept for the life of the process: the few paths of the facts screened and the names
/// of their lists, once each.
fn leak(name: &str) -> &'static str {
    static NAMES: std::sync::OnceLock<std::sync::Mutex<Vec<&'static str>>> =
        std::sync::OnceLock::new();
    let names = NAMES.get_or_init(Default::default);
    let mut names = names
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = names.iter().find(|n| **n == name) {
        return known;
    }
    let kept: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.push(kept);
    kept
}

/// Removes a fact from every branch when it takes each of its values in every group of branches
/// that agree on the other facts, and those values never change the outcome, the procedure or
/// the deciding rules; each such group becomes one branch.
fn drop_facts_that_do_not_matter(rules: &RuleSet, case: &Case, branches: &mut Vec<Branch>) {
    for n in not_recorded(rules, case) {
        let fact = n.fact.as_str();
        let size = domain(rules, case, fact).map_or(0, |v| v.len());
        let without = |b: &Branch| -> Vec<Assumption> {
            b.assumes
                .iter()
                .filter(|a| a.fact != fact)
                .copied()
                .collect()
        };
        let result = |b: &Branch| (b.outcome, b.procedure.clone(), b.decided_by.clone());
        let all_assume = branches
            .iter()
            .all(|b| b.assumes.iter().any(|a| a.fact == fact));
        let droppable = all_assume
            && branches.iter().all(|a| {
                let group: Vec<&Branch> = branches
                    .iter()
                    .filter(|b| without(b) == without(a))
                    .collect();
                group.len() == size && group.iter().all(|b| result(b) == result(a))
            });
        if droppable {
            let mut kept: Vec<Branch> = Vec::new();
            for b in branches.drain(..) {
                let reduced = Branch {
                    assumes: without(&b),
                    ..b
                };
                if !kept.iter().any(|k| k.assumes == reduced.assumes) {
                    kept.push(reduced);
                }
            }
            *branches = kept;
        }
    }
}
