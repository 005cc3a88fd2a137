//! `regelverk test --coverage`: which parts of the law the examples exercise, and which
//! parameter boundaries no example tests.
//!
//! An example exercises a cited provision when something citing it took part in the example's
//! decision: a rule whose condition held or could hold (applied, overridden or uncertain), a
//! parameter value or definition that was read, a procedure, obligation or warning in the outcome.
//! A parameter's boundaries are, for each exact value in force while a rule reads the parameter,
//! an amount just under it (less than one unit below), at it and just over it (at most one unit
//! above) among the amounts the decision read; and, for each change of value, the day before and
//! the day of the change, in an example that read the parameter. Ranges and `unknown` values have
//! no exact boundary and are not listed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::check::{Cite, EntryValue, RuleSet};
use crate::decision::{Decision, RuleStatus, Shown, ValueKind};
use crate::lang::Lang;
use crate::money::format_amount;

/// How well the examples cover the rule set.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Coverage {
    /// How many examples the rule set has.
    pub examples: usize,
    /// Every cited provision, in the order `LOU 19 a kap. 1 §` sorts.
    pub provisions: Vec<ProvisionCoverage>,
    /// The parameter boundaries no example covers.
    pub uncovered: Vec<Boundary>,
    /// How many boundaries there are in all.
    pub boundaries: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// How often the examples exercise one cited provision.
#[non_exhaustive]
pub struct ProvisionCoverage {
    /// E.g. `LOU 19 a kap. 1 §`.
    pub provision: String,
    /// What cites it, e.g. `rule direktupphandling_19a_kap`.
    pub cited_by: Vec<String>,
    /// How many examples exercise it.
    pub examples: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// A parameter boundary that no example tests on every side.
#[non_exhaustive]
pub struct Boundary {
    /// The parameter.
    pub parameter: String,
    /// E.g. `700 000 SEK (2022-02-01 – 2027-12-31)` or `change on 2022-02-01`.
    pub at: String,
    /// What no example tests: `just under`, `at`, `just over`, `day before`, `day of`.
    pub missing: Vec<&'static str>,
}

impl RuleSet {
    /// Runs every example and measures what they exercise.
    pub fn coverage(&self) -> Coverage {
        let decisions: Vec<Decision> = self
            .examples
            .iter()
            .filter_map(|e| self.example_case(e).ok())
            .map(|case| self.evaluate(&case))
            .collect();
        Coverage {
            examples: self.examples.len(),
            provisions: self.provisions(&decisions),
            uncovered: self.uncovered_boundaries(&decisions).0,
            boundaries: self.uncovered_boundaries(&decisions).1,
        }
    }

    fn provision(&self, cite: &Cite) -> String {
        let source = &self.sources[cite.source];
        match &cite.pinpoint {
            Some(p) => format!("{} {p}", source.short),
            None => source.short.to_string(),
        }
    }

    fn provisions(&self, decisions: &[Decision]) -> Vec<ProvisionCoverage> {
        // provision -> (what cites it, which examples exercise it)
        let mut table: BTreeMap<String, (BTreeSet<String>, BTreeSet<usize>)> = BTreeMap::new();
        let mut add = |provision: String, who: String, exercised: Vec<usize>| {
            let entry = table.entry(provision).or_default();
            entry.0.insert(who);
            entry.1.extend(exercised);
        };
        let exercised = |test: &dyn Fn(&Decision) -> bool| -> Vec<usize> {
            decisions
                .iter()
                .enumerate()
                .filter(|(_, d)| test(d))
                .map(|(i, _)| i)
                .collect()
        };
        for r in &self.rules {
            let ex = exercised(&|d: &Decision| {
                d.rules
                    .iter()
                    .any(|t| *t.name == *r.name && t.status != RuleStatus::NotApplicable)
            });
            for c in &r.cites {
                add(self.provision(c), format!("rule {}", r.name), ex.clone());
            }
        }
        for p in &self.params {
            for e in &p.entries {
                let Some(c) = &e.cite else { continue };
                let ex = exercised(&|d: &Decision| {
                    d.values.iter().any(|v| {
                        v.name == p.name && v.period.as_ref().is_some_and(|per| per.from == e.from)
                    })
                });
                add(self.provision(c), format!("parameter {}", p.name), ex);
            }
        }
        for def in &self.defs {
            let ex = exercised(&|d: &Decision| {
                d.values
                    .iter()
                    .any(|v| v.name == def.name && v.kind == ValueKind::Computed)
            });
            for c in &def.cites {
                add(
                    self.provision(c),
                    format!("definition {}", def.name),
                    ex.clone(),
                );
            }
        }
        for p in &self.procedures {
            let ex =
                exercised(&|d: &Decision| d.procedure.as_ref().is_some_and(|n| n.name == p.name));
            for c in &p.cites {
                add(
                    self.provision(c),
                    format!("procedure {}", p.name),
                    ex.clone(),
                );
            }
        }
        for o in &self.obligations {
            let ex = exercised(&|d: &Decision| d.obligations.iter().any(|n| n.name == o.name));
            for c in &o.cites {
                add(
                    self.provision(c),
                    format!("obligation {}", o.name),
                    ex.clone(),
                );
            }
        }
        for w in &self.warnings {
            let ex = exercised(&|d: &Decision| d.warnings.iter().any(|n| n.name == w.name));
            for c in &w.cites {
                add(self.provision(c), format!("warning {}", w.name), ex.clone());
            }
        }
        table
            .into_iter()
            .map(|(provision, (who, examples))| ProvisionCoverage {
                provision,
                cited_by: who.into_iter().collect(),
                examples: examples.len(),
            })
            .collect()
    }

    /// The uncovered boundaries, and how many boundaries there are.
    fn uncovered_boundaries(&self, decisions: &[Decision]) -> (Vec<Boundary>, usize) {
        let mut uncovered = Vec::new();
        let mut total = 0;
        for (param_id, p) in self.params.iter().enumerate() {
            let readers: Vec<_> = self
                .rules
                .iter()
                .filter(|r| r.deps.params.contains(&param_id))
                .collect();
            if readers.is_empty() {
                continue;
            }
            let in_force = |from: Date, to: Option<Date>| {
                readers.iter().any(|r| {
                    r.valid_to.is_none_or(|t| from <= t)
                        && to.is_none_or(|t| r.valid_from.is_none_or(|f| f <= t))
                })
            };
            // Decisions that read this parameter, with the period they read.
            let reading: Vec<(&Decision, Date)> = decisions
                .iter()
                .filter_map(|d| {
                    d.values
                        .iter()
                        .find(|v| v.name == p.name && v.kind == ValueKind::Parameter)
                        .and_then(|v| v.period.as_ref())
                        .map(|per| (d, per.from))
                })
                .collect();
            for (i, e) in p.entries.iter().enumerate() {
                let to = p.entries.get(i + 1).and_then(|n| n.from.yesterday().ok());
                if !in_force(e.from, to) {
                    continue;
                }
                if let EntryValue::Exact(v) = e.value {
                    let amounts: Vec<Decimal> = reading
                        .iter()
                        .filter(|(_, from)| *from == e.from)
                        .flat_map(|(d, _)| {
                            d.values
                                .iter()
                                .filter(|v| v.kind != ValueKind::Parameter)
                                .filter_map(|v| match v.value {
                                    Shown::Money { amount, currency } if currency == p.currency => {
                                        Some(amount)
                                    }
                                    _ => None,
                                })
                        })
                        .collect();
                    let mut missing = Vec::new();
                    if !amounts.iter().any(|a| *a < v && *a >= v - Decimal::ONE) {
                        missing.push("just under");
                    }
                    if !amounts.contains(&v) {
                        missing.push("at");
                    }
                    if !amounts.iter().any(|a| *a > v && *a <= v + Decimal::ONE) {
                        missing.push("just over");
                    }
                    total += 3;
                    if !missing.is_empty() {
                        let period = match to {
                            Some(to) => format!("{} – {to}", e.from),
                            None => format!("from {}", e.from),
                        };
                        uncovered.push(Boundary {
                            parameter: p.name.clone(),
                            at: format!("{} {} ({period})", format_amount(v, Lang::Sv), p.currency),
                            missing,
                        });
                    }
                }
                if i == 0 {
                    continue;
                }
                let Ok(day_before) = e.from.yesterday() else {
                    continue;
                };
                if !in_force(day_before, Some(e.from)) {
                    continue;
                }
                let dates: BTreeSet<Date> = reading.iter().map(|(d, _)| d.date).collect();
                let mut missing = Vec::new();
                if !dates.contains(&day_before) {
                    missing.push("day before");
                }
                if !dates.contains(&e.from) {
                    missing.push("day of");
                }
                total += 2;
                if !missing.is_empty() {
                    uncovered.push(Boundary {
                        parameter: p.name.clone(),
                        at: format!("change on {}", e.from),
                        missing,
                    });
                }
            }
        }
        (uncovered, total)
    }
}

impl Coverage {
    /// The report as text, as `regelverk test --coverage` prints it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let exercised = self.provisions.iter().filter(|p| p.examples > 0).count();
        let _ = writeln!(
            out,
            "Coverage: {} of {} cited provisions exercised by the {} examples",
            exercised,
            self.provisions.len(),
            self.examples
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "examples  provision  (cited by)");
        for p in &self.provisions {
            let _ = writeln!(
                out,
                "{:>8}  {}  ({})",
                p.examples,
                p.provision,
                p.cited_by.join(", ")
            );
        }
        let _ = writeln!(out);
        let covered = self.boundaries
            - self
                .uncovered
                .iter()
                .map(|b| b.missing.len())
                .sum::<usize>();
        let _ = writeln!(
            out,
            "Parameter boundaries: {covered} of {} covered by an example",
            self.boundaries
        );
        let mut last = "";
        for b in &self.uncovered {
            if b.parameter != last {
                let _ = writeln!(out, "  {}", b.parameter);
                last = &b.parameter;
            }
            let _ = writeln!(out, "    {}: untested {}", b.at, b.missing.join(", "));
        }
        out
    }
}
