//! Screening one purchase posed from a ledger: may it be awarded directly, in every way the facts
//! that a ledger does not record could fall?
//!
//! A ledger says who was paid, how much and when, but not what kind of service it was nor
//! whether the payments are one recurring contract. [`screen`] asks the engine once with those
//! facts missing; when that already decides the case it holds for every value of them (the
//! engine decides only when every way the unknowns could fall gives the same outcome). Otherwise
//! it decides the case once per combination of their values: the branches.
//!
//! This is the one place that knows how branches are found. When the engine returns branches of
//! its own for a conditional decision, `screen` becomes a reading of those.
//!
//! Invariant: a screening never has zero branches, and a branch's outcome is exactly what
//! [`RuleSet::decide`] gives for the case completed with the branch's facts.

use serde::Serialize;

use crate::case::{Category, Fact, FactType};
use crate::{Case, Outcome, RuleSet};

/// The facts a supplier ledger does not record, which the rules may need: the kind of service
/// (LOU bilaga 2, FOA vedlegg 2 and 3) and whether repeated payments are one recurring contract.
pub const NOT_IN_A_LEDGER: [Fact; 2] = [Fact::ServiceClass, Fact::Recurring];

/// One way the unknown facts could fall, and what the engine decides then.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Branch {
    /// The facts this branch assumes, as (path, value); empty when the outcome holds whatever
    /// they are.
    pub assumes: Vec<Assumption>,
    pub outcome: Outcome,
    /// The procedure the law requires instead, when not allowed.
    pub procedure: Option<String>,
    pub decided_by: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Assumption {
    pub fact: &'static str,
    pub value: &'static str,
}

/// The branches of one purchase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    pub branches: Vec<Branch>,
}

impl Screening {
    pub fn not_allowed_in(&self) -> impl Iterator<Item = &Branch> {
        self.with(|o| o == Outcome::NotAllowed)
    }

    pub fn allowed_in(&self) -> impl Iterator<Item = &Branch> {
        self.with(|o| matches!(o, Outcome::Allowed | Outcome::AllowedWithObligations))
    }

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

/// Screens a purchase: the engine's outcome for each way the facts of [`NOT_IN_A_LEDGER`] that
/// the case leaves out could fall. Facts that change nothing are left out of the branches.
pub fn screen(rules: &RuleSet, case: &Case) -> Screening {
    let verdict = rules.decide(case);
    if verdict.outcome != Outcome::Undecided {
        return Screening {
            branches: vec![branch(Vec::new(), &verdict)],
        };
    }
    let unknown: Vec<(Fact, &'static [&'static str])> = NOT_IN_A_LEDGER
        .into_iter()
        .filter(|&f| case.fact(f).is_none() && applies(f, case))
        .filter_map(|f| domain(f).map(|d| (f, d)))
        .collect();
    if unknown.is_empty() {
        return Screening {
            branches: vec![branch(Vec::new(), &verdict)],
        };
    }
    let mut branches = Vec::new();
    for values in combinations(&unknown) {
        let mut completed = case.clone();
        let mut assumes = Vec::new();
        for (&(fact, _), value) in unknown.iter().zip(values) {
            // The values come from the fact's own domain, so setting them cannot fail.
            if completed.set_fact(fact, value).is_ok() {
                assumes.push(Assumption {
                    fact: fact.path(),
                    value,
                });
            }
        }
        branches.push(branch(assumes, &rules.decide(&completed)));
    }
    drop_facts_that_do_not_matter(&mut branches);
    Screening { branches }
}

fn branch(assumes: Vec<Assumption>, verdict: &crate::Verdict<'_>) -> Branch {
    Branch {
        assumes,
        outcome: verdict.outcome,
        procedure: verdict.procedure.map(str::to_string),
        decided_by: verdict.decided_by.iter().map(|s| s.to_string()).collect(),
    }
}

/// The service class describes services: for goods or works stated as such it is no question.
fn applies(fact: Fact, case: &Case) -> bool {
    fact != Fact::ServiceClass || matches!(case.purchase.category, None | Some(Category::Services))
}

fn domain(fact: Fact) -> Option<&'static [&'static str]> {
    match fact.ty() {
        FactType::Names(names) => Some(names),
        FactType::Bool => Some(&["false", "true"]),
        _ => None,
    }
}

/// Every combination of one value per fact, the first fact varying slowest.
fn combinations(unknown: &[(Fact, &'static [&'static str])]) -> Vec<Vec<&'static str>> {
    unknown.iter().fold(vec![Vec::new()], |acc, (_, values)| {
        acc.into_iter()
            .flat_map(|prefix| {
                values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(*v);
                    next
                })
            })
            .collect()
    })
}

/// Removes a fact from every branch when its value never changes the outcome, the procedure or
/// the deciding rules, and merges the branches that become the same.
fn drop_facts_that_do_not_matter(branches: &mut Vec<Branch>) {
    let facts: Vec<&'static str> = branches
        .first()
        .map(|b| b.assumes.iter().map(|a| a.fact).collect())
        .unwrap_or_default();
    for fact in facts {
        let without = |b: &Branch| -> Vec<Assumption> {
            b.assumes
                .iter()
                .filter(|a| a.fact != fact)
                .copied()
                .collect()
        };
        let matters = branches.iter().any(|a| {
            branches.iter().any(|b| {
                without(a) == without(b)
                    && (a.outcome, &a.procedure, &a.decided_by)
                        != (b.outcome, &b.procedure, &b.decided_by)
            })
        });
        if !matters {
            for b in branches.iter_mut() {
                b.assumes.retain(|a| a.fact != fact);
            }
            let mut seen: Vec<Branch> = Vec::new();
            branches.retain(|b| {
                let new = !seen.contains(b);
                if new {
                    seen.push(b.clone());
                }
                new
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Jurisdiction, Money};
    use jiff::civil::date;

    fn rules() -> RuleSet {
        RuleSet::embedded_for_deciding().expect("the embedded rules check")
    }

    fn purchase(j: Jurisdiction, kind: &str, value: i64, earlier: i64) -> Case {
        let currency = match j {
            Jurisdiction::Se => crate::Currency::Sek,
            Jurisdiction::No => crate::Currency::Nok,
        };
        let mut case = Case::new(j, date(2025, 5, 1));
        let _ = case.set_fact(Fact::BuyerKind, kind);
        case.purchase.value = Some(Money::whole(value, currency));
        case.purchase.same_kind_this_year = Some(Money::whole(earlier, currency));
        case
    }

    #[test]
    fn a_small_purchase_is_one_branch_whatever_the_service() {
        let s = screen(&rules(), &purchase(Jurisdiction::Se, "kommun", 5_000, 0));
        assert_eq!(s.branches.len(), 1);
        assert!(s.branches[0].assumes.is_empty());
        assert!(s.is_allowed());
    }

    #[test]
    fn over_the_swedish_limit_the_service_class_is_the_branch() {
        let s = screen(
            &rules(),
            &purchase(Jurisdiction::Se, "kommun", 60_000, 660_000),
        );
        assert!(s.is_flagged());
        let facts: Vec<_> = s.branches.iter().flat_map(|b| &b.assumes).collect();
        assert!(facts.iter().all(|a| a.fact == "purchase.service_class"));
        let not_allowed: Vec<_> = s.not_allowed_in().map(|b| b.assumes[0].value).collect();
        assert_eq!(not_allowed, ["ordinary"]);
        assert_eq!(s.allowed_in().count(), 2);
    }

    #[test]
    fn in_norway_whether_the_payments_are_one_recurring_contract_is_the_branch() {
        let s = screen(
            &rules(),
            &purchase(Jurisdiction::No, "kommune", 120_000, 1_300_000),
        );
        assert!(s.is_flagged());
        for b in s.not_allowed_in() {
            assert!(b.assumes.contains(&Assumption {
                fact: "purchase.recurring",
                value: "true"
            }));
        }
        assert!(s.allowed_in().any(|b| b.assumes.contains(&Assumption {
            fact: "purchase.recurring",
            value: "false"
        })));
    }
}
