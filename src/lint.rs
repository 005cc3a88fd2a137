//! `regelverk lint`: what a careful reviewer of rule files would catch, with file:line:col.
//!
//! Errors are what stops the rule set from loading (syntax and check errors: a value or rule
//! with no source, a source cited but not defined, a missing sv/nb/en text, periods out of order
//! or overlapping, a period that ends before it starts). The lints below run on a rule set that
//! loads, and find what the engine accepts but a reviewer would question:
//!
//! | lint | severity | what it catches |
//! |---|---|---|
//! | `parameter-gap` | warning | a rule is in force on days before the first value of a parameter it reads |
//! | `rule-gap` | warning | a rule period ends and the next one starts later: no rule is in force in between |
//! | `never-applies` | warning | a rule compares with a parameter that has no known value on any day the rule is in force |
//! | `exception-out-of-period` | warning | an exception whose period never meets the period of the rule it overrides |
//! | `shadowed` | warning | an exception that applies whenever the rule it overrides applies, on every day of its period |
//! | `unused` | warning | a parameter, definition, procedure, obligation or warning that nothing uses |
//! | `no-source` | warning | a definition of an amount or number, a procedure, an obligation or a warning with no `cite` |
//! | `text-mismatch` | warning | the sv, nb and en texts of an item show different `{values}` |
//! | `duplicate-example` | warning | two examples with the same title |
//! | `repeated-clauses` | warning | the same run of two or more `with obligation` / `with warning` clauses (same names, same conditions, same order) written out on three or more rules instead of a `clauses` group |
//! | `anachronistic-citation` | warning | a value or item cites a source with a period (an act in force, one period's guidance) on days outside it: a parameter value whose period the source does not cover, a citation that never applies while the item is used, or days of use on which none of the item's dated citations applies |
//! | `unused-source` | note | a source nothing cites |
//! | `unknown-in-force` | note | a parameter is `unknown` on days a rule that reads it is in force |
//! | `open-questions` | note | every unverified or range-valued value and unverified citation, in one list |
//!
//! What cannot be decided in general is not claimed: whether a condition can ever hold (beyond a
//! parameter with no value), or whether an exception's condition follows from its base rule's when
//! that takes more than seeing the same conditions written in both.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use crate::ast::{self, Item};
use crate::check::{self, CCond, CExpr, CheckedRule, EntryValue, RuleSet};
use crate::diagnostic::{Diagnostic, Severity, SourceText, Span, sort_diagnostics};
use crate::lang::Lang;
use crate::money::format_amount;

/// Lints rule files given as (name, text) pairs: every finding, sorted by place.
pub fn lint_sources(files: Vec<(String, String)>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut parsed = Vec::new();
    for (name, text) in files {
        match crate::parse_on_parse_stack(&SourceText::new(name, text)) {
            Ok(file) => parsed.push(file),
            Err(mut errors) => diagnostics.append(&mut errors),
        }
    }
    match check::check(parsed.clone()) {
        Ok(rules) if diagnostics.is_empty() => {
            Linter::new(&parsed, &rules, &mut diagnostics).run();
        }
        Ok(_) => {}
        Err(e) => diagnostics.extend(e.diagnostics),
    }
    sort_diagnostics(&mut diagnostics);
    diagnostics
}

/// Whether lint findings fail a review: any error or warning does, notes alone do not.
pub fn fails(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity != Severity::Note)
}

/// A one-line tally, e.g. `0 errors, 1 warning, 2 notes`.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}, {}, {}",
        plural(count(Severity::Error), "error", "errors"),
        plural(count(Severity::Warning), "warning", "warnings"),
        plural(count(Severity::Note), "note", "notes")
    )
}

/// A `with obligation` / `with warning` clause as written on a rule (white space collapsed), and
/// where.
type WrittenClause<'a> = (String, At<'a>);

/// Where an item was written.
#[derive(Clone, Copy)]
struct At<'a> {
    file: &'a SourceText,
    span: Span,
}

struct Linter<'a> {
    files: &'a [ast::File],
    rules: &'a RuleSet,
    out: &'a mut Vec<Diagnostic>,
    rule_decls: BTreeMap<&'a str, (At<'a>, &'a ast::RuleDecl)>,
    param_decls: BTreeMap<&'a str, (At<'a>, &'a ast::ParameterDecl)>,
}

fn head(span: Span) -> Span {
    Span::new(span.start, span.start + 1)
}

impl<'a> Linter<'a> {
    fn new(files: &'a [ast::File], rules: &'a RuleSet, out: &'a mut Vec<Diagnostic>) -> Self {
        let mut rule_decls = BTreeMap::new();
        let mut param_decls = BTreeMap::new();
        for file in files {
            for item in &file.items {
                match item {
                    Item::Rule(r) => {
                        let at = At {
                            file: &file.source,
                            span: r.name.span,
                        };
                        rule_decls.insert(r.name.name.as_str(), (at, r));
                    }
                    Item::Parameter(p) => {
                        let at = At {
                            file: &file.source,
                            span: p.name.span,
                        };
                        param_decls.insert(p.name.name.as_str(), (at, p));
                    }
                    _ => {}
                }
            }
        }
        Linter {
            files,
            rules,
            out,
            rule_decls,
            param_decls,
        }
    }

    fn emit(&mut self, severity: Severity, at: At<'_>, message: String) -> &mut Diagnostic {
        self.out
            .push(Diagnostic::new(severity, at.file, at.span, message));
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    fn run(&mut self) {
        self.unused();
        self.sources_and_texts();
        self.parameter_periods();
        self.rule_gaps();
        self.exceptions();
        self.never_applies();
        self.duplicate_examples();
        self.repeated_clauses();
        self.anachronistic_citations();
        self.open_questions();
    }

    fn rule_at(&self, name: &str) -> Option<(At<'a>, &'a ast::RuleDecl)> {
        self.rule_decls.get(name).copied()
    }

    // ---- unused -------------------------------------------------------------------------

    fn unused(&mut self) {
        let mut params = BTreeSet::new();
        let mut defs = BTreeSet::new();
        let mut procedures = BTreeSet::new();
        let mut obligations = BTreeSet::new();
        let mut warnings = BTreeSet::new();
        for r in &self.rules.rules {
            params.extend(r.deps.params.iter().copied());
            defs.extend(r.deps.defs.iter().copied());
            if let check::RuleOutcome::NotAllowed(Some(p)) = r.outcome {
                procedures.insert(p);
            }
            obligations.extend(r.obligations.iter().map(|(o, _)| *o));
            warnings.extend(r.warnings.iter().map(|(w, _)| *w));
        }
        let used_params: BTreeSet<&str> = params
            .iter()
            .map(|p| self.rules.params[*p].name.as_str())
            .collect();
        let used_defs: BTreeSet<&str> = defs
            .iter()
            .map(|d| self.rules.defs[*d].name.as_str())
            .collect();
        let used = |set: &BTreeSet<usize>, list: &[check::NamedText]| -> BTreeSet<String> {
            set.iter().map(|i| list[*i].name.clone()).collect()
        };
        let used_procedures = used(&procedures, &self.rules.procedures);
        let used_obligations = used(&obligations, &self.rules.obligations);
        let used_warnings = used(&warnings, &self.rules.warnings);
        let mut cited = BTreeSet::new();
        for r in &self.rules.rules {
            cited.extend(r.cites.iter().map(|c| c.source));
        }
        for p in &self.rules.params {
            cited.extend(
                p.entries
                    .iter()
                    .filter_map(|e| e.cite.as_ref().map(|c| c.source)),
            );
        }
        for d in &self.rules.defs {
            cited.extend(d.cites.iter().map(|c| c.source));
        }
        for n in self
            .rules
            .procedures
            .iter()
            .chain(&self.rules.obligations)
            .chain(&self.rules.warnings)
        {
            cited.extend(n.cites.iter().map(|c| c.source));
        }
        let cited: BTreeSet<&str> = cited
            .iter()
            .map(|s| &*self.rules.sources[*s].name)
            .collect();
        let files = self.files;
        for file in files {
            for item in &file.items {
                let (kind, name, used) = match item {
                    Item::Parameter(p) => (
                        "parameter",
                        &p.name,
                        used_params.contains(p.name.name.as_str()),
                    ),
                    Item::Define(d) => (
                        "definition",
                        &d.name,
                        used_defs.contains(d.name.name.as_str()),
                    ),
                    Item::Procedure(p) => {
                        ("procedure", &p.name, used_procedures.contains(&p.name.name))
                    }
                    Item::Obligation(o) => (
                        "obligation",
                        &o.name,
                        used_obligations.contains(&o.name.name),
                    ),
                    Item::Warning(w) => ("warning", &w.name, used_warnings.contains(&w.name.name)),
                    Item::Source(s) => {
                        if !cited.contains(s.name.name.as_str()) {
                            let at = At {
                                file: &file.source,
                                span: s.name.span,
                            };
                            self.emit(
                                Severity::Note,
                                at,
                                format!("source `{}` is never cited", s.name.name),
                            )
                            .label = Some("unused-source".into());
                        }
                        continue;
                    }
                    _ => continue,
                };
                if used {
                    continue;
                }
                let at = At {
                    file: &file.source,
                    span: name.span,
                };
                let help = match kind {
                    "parameter" | "definition" => {
                        "no rule reads it, directly or through a definition: use it in a rule or remove it"
                    }
                    "procedure" => {
                        "no rule's outcome requires it: name it in `then not allowed, requires …` or remove it"
                    }
                    _ => {
                        "no rule attaches it: add `with obligation …`/`with warning …` to a rule or remove it"
                    }
                };
                let d = self.emit(
                    Severity::Warning,
                    at,
                    format!("{kind} `{}` is never used", name.name),
                );
                d.label = Some("unused".into());
                d.help = Some(help.into());
            }
        }
    }

    // ---- sources and texts ----------------------------------------------------------------

    fn sources_and_texts(&mut self) {
        let files = self.files;
        for file in files {
            for item in &file.items {
                let (kind, name, texts, cites): (
                    &str,
                    &ast::Ident,
                    &[ast::TextDecl],
                    &[ast::Citation],
                ) = match item {
                    Item::Define(d) => ("definition", &d.name, &d.texts, &d.citations),
                    Item::Procedure(p) => ("procedure", &p.name, &p.texts, &p.citations),
                    Item::Obligation(o) => ("obligation", &o.name, &o.texts, &o.citations),
                    Item::Warning(w) => ("warning", &w.name, &w.texts, &w.citations),
                    Item::Parameter(p) => ("parameter", &p.name, &p.texts, &[]),
                    Item::Rule(r) => ("rule", &r.name, &r.texts, &r.citations),
                    _ => continue,
                };
                let at = At {
                    file: &file.source,
                    span: name.span,
                };
                // A definition is a value that needs a source when it computes an amount or a
                // number; a yes/no or name definition only sorts the case (`purchase.concession
                // if missing false`, `not en_juridisk_person`), and the rules using it cite theirs.
                let fact_alias = kind == "definition"
                    && self.rules.defs.iter().any(|d| {
                        d.name == name.name && !matches!(d.ty, check::Ty::Money | check::Ty::Number)
                    });
                if cites.is_empty() && !matches!(kind, "parameter" | "rule") && !fact_alias {
                    let d = self.emit(
                        Severity::Warning,
                        at,
                        format!("{kind} `{}` cites no source", name.name),
                    );
                    d.label = Some("no-source".into());
                    d.help = Some("add `cite SOURCE \"place\"`: every step of an explanation names the law behind it".into());
                }
                let shown: Vec<(crate::lang::Lang, BTreeSet<String>, Span)> = texts
                    .iter()
                    .map(|t| (t.lang, placeholders(&t.text), t.span))
                    .collect();
                if let Some((first_lang, first, _)) = shown.first() {
                    for (lang, names, span) in &shown[1..] {
                        if names != first {
                            let missing: Vec<String> = first
                                .symmetric_difference(names)
                                .map(|n| format!("{{{n}}}"))
                                .collect();
                            let d = self.emit(
                                Severity::Warning,
                                At { file: &file.source, span: head(*span) },
                                format!(
                                    "the `{lang}` text of {kind} `{}` shows other values than the `{first_lang}` text",
                                    name.name
                                ),
                            );
                            d.label = Some("text-mismatch".into());
                            d.help = Some(format!(
                                "in one text but not the other: {}",
                                missing.join(", ")
                            ));
                        }
                    }
                }
            }
        }
    }

    // ---- periods --------------------------------------------------------------------------

    /// Rules in force before a parameter's first value; `unknown` values while a rule reads them.
    fn parameter_periods(&mut self) {
        let rules = self.rules;
        for param_id in 0..rules.params.len() {
            let param = &rules.params[param_id];
            let Some((at, decl)) = self.param_decls.get(param.name.as_str()).copied() else {
                continue;
            };
            let Some(first) = param.entries.first() else {
                continue;
            };
            let readers: Vec<&CheckedRule> = rules
                .rules
                .iter()
                .filter(|r| r.deps.params.contains(&param_id))
                .collect();
            // Only a rule that reads the parameter whatever the case (not in one branch of an
            // `if`, not under `or` or `not`) certainly needs a value on every day it is in force.
            let certain: Vec<&CheckedRule> = readers
                .iter()
                .copied()
                .filter(|r| {
                    let mut set = BTreeSet::new();
                    if let Some(when) = &r.when {
                        direct_params(rules, when, &mut set);
                    }
                    set.contains(&param_id)
                })
                .collect();
            let first_span = decl.entries.first().map_or(at.span, |e| e.from_span);
            let mut early: Vec<String> = Vec::new();
            for r in &certain {
                if let Some(from) = r.valid_from
                    && from < first.from
                {
                    early.push(format!("`{}` from {from}", r.name));
                }
            }
            if !early.is_empty() {
                let d = self.emit(
                    Severity::Warning,
                    At {
                        file: at.file,
                        span: first_span,
                    },
                    format!(
                        "`{}` has no value before {}, but rules that read it are in force earlier",
                        param.name, first.from
                    ),
                );
                d.label = Some("parameter-gap".into());
                d.help = Some(format!(
                    "add a value from the earliest date, or start the rules later: {}",
                    early.join(", ")
                ));
            }
            for (index, entry) in param.entries.iter().enumerate() {
                if entry.value != EntryValue::Unknown {
                    continue;
                }
                let to = param
                    .entries
                    .get(index + 1)
                    .and_then(|n| n.from.yesterday().ok());
                let overlapping: Vec<&str> = readers
                    .iter()
                    .filter(|r| overlaps((Some(entry.from), to), (r.valid_from, r.valid_to)))
                    .map(|r| r.name.as_str())
                    .collect();
                if overlapping.is_empty() {
                    continue;
                }
                let span = decl.entries.get(index).map_or(at.span, |e| e.from_span);
                let d = self.emit(
                    Severity::Note,
                    At {
                        file: at.file,
                        span,
                    },
                    format!(
                        "`{}` is unknown from {} while rules that read it are in force",
                        param.name, entry.from
                    ),
                );
                d.label = Some("unknown-in-force".into());
                d.help = Some(format!(
                    "cases then are undecided; the rules: {}",
                    overlapping.join(", ")
                ));
            }
        }
    }

    /// Days on which no rule of a jurisdiction is in force, between rules that are.
    fn rule_gaps(&mut self) {
        let mut by_jurisdiction: BTreeMap<_, Vec<&CheckedRule>> = BTreeMap::new();
        for r in &self.rules.rules {
            by_jurisdiction.entry(r.jurisdiction).or_default().push(r);
        }
        for (_, mut rules) in by_jurisdiction {
            rules.sort_by_key(|r| (r.valid_from, r.valid_to.is_none(), r.valid_to));
            // The latest end so far, and the rule that ends then.
            let mut reach: Option<(Option<Date>, &CheckedRule)> = None;
            for r in rules {
                if let Some((Some(end), ender)) = reach
                    && let Some(from) = r.valid_from
                    && let Ok(next_day) = end.tomorrow()
                    && from > next_day
                {
                    let last_gap_day = from.yesterday().unwrap_or(from);
                    if let Some((at, decl)) = self.rule_at(&ender.name) {
                        let span = decl.valid_to.map_or(at.span, |(_, s)| s);
                        let d = self.emit(
                            Severity::Warning,
                            At { file: at.file, span },
                            format!(
                                "rule `{}` ends on {end}, but the next period starts on {from}: no rule is in force {}",
                                ender.name,
                                if next_day == last_gap_day {
                                    format!("on {next_day}")
                                } else {
                                    format!("from {next_day} to {last_gap_day}")
                                }
                            ),
                        );
                        d.label = Some("rule-gap".into());
                        d.help = Some(format!(
                            "cases dated in the gap are undecided; end it on {last_gap_day} or start `{}` on {next_day}",
                            r.name
                        ));
                    }
                }
                let extends = match reach {
                    None => true,
                    Some((None, _)) => false,
                    Some((Some(end), _)) => r.valid_to.is_none_or(|to| to > end),
                };
                if extends {
                    reach = Some((r.valid_to, r));
                }
            }
        }
    }

    // ---- exceptions -----------------------------------------------------------------------

    fn exceptions(&mut self) {
        let rules = self.rules;
        for exception in &rules.rules {
            for &base_id in &exception.exception_to {
                let base = &rules.rules[base_id];
                let Some((at, decl)) = self.rule_at(&exception.name) else {
                    continue;
                };
                let target_span = decl
                    .exception_to
                    .iter()
                    .find(|t| t.name == base.name)
                    .map_or(at.span, |t| t.span);
                let at_target = At {
                    file: at.file,
                    span: target_span,
                };
                if !overlaps(
                    (exception.valid_from, exception.valid_to),
                    (base.valid_from, base.valid_to),
                ) {
                    let d = self.emit(
                        Severity::Warning,
                        at_target,
                        format!(
                            "`{}` is an exception to `{}`, but their periods never meet",
                            exception.name, base.name
                        ),
                    );
                    d.label = Some("exception-out-of-period".into());
                    d.help = Some(format!(
                        "`{}` is in force {}, `{}` {}",
                        exception.name,
                        period(exception.valid_from, exception.valid_to),
                        base.name,
                        period(base.valid_from, base.valid_to)
                    ));
                    continue;
                }
                let covers_period = exception
                    .valid_from
                    .is_none_or(|f| base.valid_from.is_some_and(|b| f <= b))
                    && exception
                        .valid_to
                        .is_none_or(|t| base.valid_to.is_some_and(|b| t >= b));
                if covers_period && implies(base.when.as_ref(), exception.when.as_ref()) {
                    let d = self.emit(
                        Severity::Warning,
                        at_target,
                        format!(
                            "rule `{}` can never apply: its exception `{}` applies whenever it does",
                            base.name, exception.name
                        ),
                    );
                    d.label = Some("shadowed".into());
                    d.help = Some(format!(
                        "`{}` is in force on every day `{}` is, and its condition is part of `{}`'s: narrow the exception's condition or period",
                        exception.name, base.name, base.name
                    ));
                }
            }
        }
    }

    /// A rule comparing with a parameter that has no known value on any day the rule is in force.
    fn never_applies(&mut self) {
        let rules = self.rules;
        for r in &rules.rules {
            let Some(when) = &r.when else { continue };
            let mut direct = BTreeSet::new();
            direct_params(rules, when, &mut direct);
            for p in direct {
                let param = &rules.params[p];
                let known = param.entries.iter().enumerate().any(|(i, e)| {
                    matches!(e.value, EntryValue::Exact(_) | EntryValue::Range(..))
                        && overlaps(
                            (
                                Some(e.from),
                                param
                                    .entries
                                    .get(i + 1)
                                    .and_then(|n| n.from.yesterday().ok()),
                            ),
                            (r.valid_from, r.valid_to),
                        )
                });
                if known {
                    continue;
                }
                let Some((at, _)) = self.rule_at(&r.name) else {
                    continue;
                };
                let d = self.emit(
                    Severity::Warning,
                    at,
                    format!(
                        "rule `{}` can never apply: `{}` has no known value while it is in force",
                        r.name, param.name
                    ),
                );
                d.label = Some("never-applies".into());
                d.help = Some(format!(
                    "the rule is in force {}; its condition compares with `{}`, which is unknown or not yet given then",
                    period(r.valid_from, r.valid_to),
                    param.name
                ));
            }
        }
    }

    // ---- citations and the periods of their sources -----------------------------------------

    /// Values and items that cite a dated source on days it does not cover. A parameter's value
    /// must lie inside its source's period (its one citation is always shown). An item used on
    /// several days (a rule while in force; a procedure, obligation, warning or definition while
    /// a rule that names it may apply, narrowed by `date` comparisons in the rule's and the
    /// `with … when` conditions) is shown with the citations whose source covers the case's day:
    /// each dated citation must apply on some day of use, and on every day of use some dated
    /// citation must apply, or an explanation would cite no act on that day.
    fn anachronistic_citations(&mut self) {
        let rules = self.rules;
        let mut uses: BTreeMap<(&str, String), Vec<Period>> = BTreeMap::new();
        for r in &rules.rules {
            let own = narrow((r.valid_from, r.valid_to), r.when.as_ref());
            uses.entry(("rule", r.name.clone())).or_default().push(own);
            if let check::RuleOutcome::NotAllowed(Some(p)) = r.outcome {
                uses.entry(("procedure", rules.procedures[p].name.clone()))
                    .or_default()
                    .push(own);
            }
            for (o, when) in &r.obligations {
                uses.entry(("obligation", rules.obligations[*o].name.clone()))
                    .or_default()
                    .push(narrow(own, when.as_ref()));
            }
            for (w, when) in &r.warnings {
                uses.entry(("warning", rules.warnings[*w].name.clone()))
                    .or_default()
                    .push(narrow(own, when.as_ref()));
            }
            for d in &r.deps.defs {
                uses.entry(("definition", rules.defs[*d].name.clone()))
                    .or_default()
                    .push(own);
            }
        }
        let files = self.files;
        for file in files {
            for item in &file.items {
                let (kind, name, cites) = match item {
                    Item::Rule(r) => ("rule", &r.name, &r.citations),
                    Item::Define(d) => ("definition", &d.name, &d.citations),
                    Item::Procedure(n) => ("procedure", &n.name, &n.citations),
                    Item::Obligation(n) => ("obligation", &n.name, &n.citations),
                    Item::Warning(n) => ("warning", &n.name, &n.citations),
                    Item::Parameter(p) => {
                        self.parameter_citations(file, p);
                        continue;
                    }
                    _ => continue,
                };
                let Some(periods) = uses.get(&(kind, name.name.clone())) else {
                    continue;
                };
                let dated: Vec<(&ast::Citation, &check::Source)> = cites
                    .iter()
                    .filter_map(|c| {
                        let s = rules.sources.iter().find(|s| *s.name == *c.source.name)?;
                        s.is_dated().then_some((c, s))
                    })
                    .collect();
                if dated.is_empty() {
                    continue;
                }
                let used = describe_periods(periods);
                for (c, s) in &dated {
                    if periods
                        .iter()
                        .any(|u| overlaps(*u, (s.valid_from, s.valid_to)))
                    {
                        continue;
                    }
                    let d = self.emit(
                        Severity::Warning,
                        At {
                            file: &file.source,
                            span: c.span,
                        },
                        format!(
                            "{kind} `{}` cites `{}`, which is in force {}, but it is used only {used}",
                            name.name,
                            s.name,
                            period(s.valid_from, s.valid_to)
                        ),
                    );
                    d.label = Some("anachronistic-citation".into());
                    d.help = Some("cite the act in force when the item is used, or remove this citation: it is never shown".into());
                }
                let covers: Vec<Period> = dated
                    .iter()
                    .map(|(_, s)| (s.valid_from, s.valid_to))
                    .collect();
                let mut gaps: Vec<Period> = Vec::new();
                for u in periods {
                    gaps.extend(uncovered(*u, &covers));
                }
                let gaps = merged(gaps);
                if gaps.is_empty() {
                    continue;
                }
                let sources: Vec<String> = dated
                    .iter()
                    .map(|(_, s)| format!("`{}` {}", s.name, period(s.valid_from, s.valid_to)))
                    .collect();
                let d = self.emit(
                    Severity::Warning,
                    At {
                        file: &file.source,
                        span: name.span,
                    },
                    format!(
                        "{kind} `{}` cites no source in force {}, when it is used",
                        name.name,
                        describe_periods(&gaps)
                    ),
                );
                d.label = Some("anachronistic-citation".into());
                d.help = Some(format!(
                    "its dated citations: {}; add a citation of the source in force then, or use the item only while these are",
                    sources.join(", ")
                ));
            }
        }
    }

    /// A parameter value must lie inside the period of the source it cites.
    fn parameter_citations(&mut self, file: &'a ast::File, p: &'a ast::ParameterDecl) {
        let mut entries: Vec<&ast::ParamEntry> = p.entries.iter().collect();
        entries.sort_by_key(|e| e.from);
        for (i, e) in entries.iter().enumerate() {
            let Some(c) = &e.citation else { continue };
            let Some(s) = self
                .rules
                .sources
                .iter()
                .find(|s| *s.name == *c.source.name)
            else {
                continue;
            };
            if !s.is_dated() || matches!(e.value, ast::ParamValue::Unknown) {
                continue;
            }
            let to = entries.get(i + 1).and_then(|n| n.from.yesterday().ok());
            let value = (Some(e.from), to);
            if uncovered(value, &[(s.valid_from, s.valid_to)]).is_empty() {
                continue;
            }
            let d = self.emit(
                Severity::Warning,
                At {
                    file: &file.source,
                    span: c.span,
                },
                format!(
                    "the value of `{}` {} cites `{}`, which is in force {}",
                    p.name.name,
                    period(value.0, value.1),
                    s.name,
                    period(s.valid_from, s.valid_to)
                ),
            );
            d.label = Some("anachronistic-citation".into());
            d.help = Some("cite the act or announcement in force for the whole period of the value, or split the value where the source changes".into());
        }
    }

    fn duplicate_examples(&mut self) {
        let mut seen: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
        let files = self.files;
        for file in files {
            for item in &file.items {
                let Item::Example(e) = item else { continue };
                let at = At {
                    file: &file.source,
                    span: head(e.span),
                };
                if let Some((first_file, first_offset)) = seen.get(e.title.as_str()).copied() {
                    let first = self
                        .files
                        .iter()
                        .find(|f| f.source.name == first_file)
                        .map(|f| f.source.line_col(first_offset));
                    let d = self.emit(
                        Severity::Warning,
                        at,
                        format!("two examples are called \"{}\"", e.title),
                    );
                    d.label = Some("duplicate-example".into());
                    d.help = first.map(|(line, col)| format!("the first is at {first_file}:{line}:{col}; give each example a title of its own"));
                } else {
                    seen.insert(e.title.as_str(), (file.source.name.as_str(), e.span.start));
                }
            }
        }
    }

    // ---- repeated clauses -------------------------------------------------------------------

    /// The same run of two or more `with obligation` / `with warning` clauses (same names, same
    /// conditions, in the same order) written out on three or more rules: a `clauses` group
    /// states it once, so that a change to it reaches every rule. Only a run is compared, not a
    /// set: a group puts its clauses where `with NAME` is written, so only clauses that stand
    /// together can move into one without changing the order of a rule's warnings. A run
    /// contained in a longer one written on the same rules is not reported again.
    fn repeated_clauses(&mut self) {
        // Each rule's own clauses in the order written, as their text; `None` where the rule
        // uses a group, which ends a run.
        let mut written: Vec<(&'a str, Vec<Option<WrittenClause<'a>>>)> = Vec::new();
        let files = self.files;
        for file in files {
            for item in &file.items {
                let Item::Rule(r) = item else { continue };
                let clause = |kind: &str, c: &ast::WithObligation| {
                    let mut text = format!("with {kind} {}", c.name.name);
                    if let Some(when) = &c.when {
                        let cond = file.source.text.get(when.span.start..when.span.end);
                        let cond = cond.unwrap_or_default().split_whitespace();
                        text.push_str(" when ");
                        text.push_str(&cond.collect::<Vec<_>>().join(" "));
                    }
                    let at = At {
                        file: &file.source,
                        span: c.name.span,
                    };
                    (c.name.span.start, Some((text, at)))
                };
                let mut clauses: Vec<(usize, Option<WrittenClause<'a>>)> = r
                    .obligations
                    .iter()
                    .map(|o| clause("obligation", o))
                    .chain(r.warnings.iter().map(|w| clause("warning", w)))
                    .chain(r.groups.iter().map(|(name, _, _)| (name.span.start, None)))
                    .collect();
                clauses.sort_by_key(|(start, _)| *start);
                let clauses = clauses.into_iter().map(|(_, c)| c).collect();
                written.push((r.name.name.as_str(), clauses));
            }
        }
        // Every run of two or more clauses, with the rules it is written on and where.
        let mut runs: BTreeMap<Vec<&str>, BTreeMap<usize, At<'a>>> = BTreeMap::new();
        for (rule, (_, clauses)) in written.iter().enumerate() {
            for start in 0..clauses.len() {
                let mut run = Vec::new();
                for clause in &clauses[start..] {
                    let Some((text, _)) = clause else { break };
                    run.push(text.as_str());
                    if run.len() >= 2 {
                        let first = clauses[start].as_ref().map(|(_, at)| *at);
                        if let Some(first) = first {
                            runs.entry(run.clone())
                                .or_default()
                                .entry(rule)
                                .or_insert(first);
                        }
                    }
                }
            }
        }
        let repeated: BTreeMap<&Vec<&str>, &BTreeMap<usize, At<'a>>> =
            runs.iter().filter(|(_, on)| on.len() >= 3).collect();
        for (run, on) in &repeated {
            let same_rules =
                |longer: &Vec<&str>| repeated.get(longer).is_some_and(|o| o.keys().eq(on.keys()));
            let extended = repeated.keys().any(|longer| {
                longer.len() == run.len() + 1
                    && (longer.starts_with(run) || longer.ends_with(run))
                    && same_rules(longer)
            });
            if extended {
                continue;
            }
            let mut places = on.iter();
            let Some((first_rule, first_at)) = places.next() else {
                continue;
            };
            let notes: Vec<String> = places
                .map(|(rule, at)| {
                    let (line, col) = at.file.line_col(at.span.start);
                    let name = written.get(*rule).map_or("", |w| w.0);
                    format!("also on rule `{name}` at {}:{line}:{col}", at.file.name)
                })
                .collect();
            let name = written.get(*first_rule).map_or("", |w| w.0);
            let d = self.emit(
                Severity::Warning,
                *first_at,
                format!(
                    "the same {} clauses are written on {} rules, here on rule `{name}`",
                    run.len(),
                    on.len()
                ),
            );
            d.label = Some("repeated-clauses".into());
            d.notes = notes;
            d.help = Some(format!(
                "state them once, as `clauses NAME` followed by these {} clauses, and write `with NAME` on each rule in their place",
                run.len()
            ));
        }
    }

    // ---- open questions -------------------------------------------------------------------

    /// One note per jurisdiction listing every unverified or range-valued value and every
    /// unverified citation, so that the open legal questions can be read in one place.
    fn open_questions(&mut self) {
        let mut by_jurisdiction: BTreeMap<String, (Option<At<'a>>, Vec<String>)> = BTreeMap::new();
        let files = self.files;
        for file in files {
            let jurisdiction = file
                .jurisdiction
                .as_ref()
                .map_or(String::new(), |j| j.name.clone());
            for item in &file.items {
                let mut found: Vec<(Span, String)> = Vec::new();
                match item {
                    Item::Parameter(p) => {
                        for (i, e) in p.entries.iter().enumerate() {
                            let to = p.entries.get(i + 1).and_then(|n| n.from.yesterday().ok());
                            let when = match to {
                                Some(to) => format!("{} – {to}", e.from),
                                None => format!("from {}", e.from),
                            };
                            let value = match &e.value {
                                ast::ParamValue::Exact(m) => format!(
                                    "{} {}",
                                    format_amount(m.amount, Lang::Sv),
                                    m.currency.name
                                ),
                                ast::ParamValue::Repealed => "repealed".to_string(),
                                ast::ParamValue::Range {
                                    low,
                                    high,
                                    currency,
                                    ..
                                } => format!(
                                    "between {} and {} {}",
                                    format_amount(*low, Lang::Sv),
                                    format_amount(*high, Lang::Sv),
                                    currency.name
                                ),
                                _ => continue,
                            };
                            let range = matches!(e.value, ast::ParamValue::Range { .. });
                            let cite_unverified = e.citation.as_ref().is_some_and(|c| c.unverified);
                            if !(e.unverified || range || cite_unverified) {
                                continue;
                            }
                            let mut why = Vec::new();
                            if range {
                                why.push("a range");
                            }
                            if e.unverified {
                                why.push("unverified");
                            }
                            if cite_unverified {
                                why.push("citation unverified");
                            }
                            let mut text =
                                format!("`{}` {when}: {value} ({})", p.name.name, why.join(", "));
                            if let Some(note) = &e.note {
                                text.push_str(&format!(" — {note}"));
                            }
                            found.push((e.from_span, text));
                        }
                    }
                    Item::Rule(r) => {
                        cites_unverified(&mut found, "rule", &r.name.name, &r.citations)
                    }
                    Item::Define(d) => {
                        cites_unverified(&mut found, "definition", &d.name.name, &d.citations)
                    }
                    Item::Procedure(n) => {
                        cites_unverified(&mut found, "procedure", &n.name.name, &n.citations)
                    }
                    Item::Obligation(n) => {
                        cites_unverified(&mut found, "obligation", &n.name.name, &n.citations)
                    }
                    Item::Warning(n) => {
                        cites_unverified(&mut found, "warning", &n.name.name, &n.citations)
                    }
                    _ => {}
                }
                let entry = by_jurisdiction.entry(jurisdiction.clone()).or_default();
                for (span, text) in found {
                    let (line, col) = file.source.line_col(span.start);
                    if entry.0.is_none() {
                        entry.0 = Some(At {
                            file: &file.source,
                            span,
                        });
                    }
                    entry
                        .1
                        .push(format!("{}:{line}:{col} {text}", file.source.name));
                }
            }
        }
        for (jurisdiction, (at, list)) in by_jurisdiction {
            let Some(at) = at else { continue };
            let n = list.len();
            let place = if jurisdiction.is_empty() {
                String::new()
            } else {
                format!(" in {jurisdiction}")
            };
            let d = self.emit(
                Severity::Note,
                at,
                format!(
                    "{n} open legal question{}{place}: values that are unverified or known only as a range, and unverified citations",
                    if n == 1 { "" } else { "s" }
                ),
            );
            d.label = Some("open-questions".into());
            d.help = Some(
                "confirm each against its source, then write the exact value and drop `unverified`"
                    .into(),
            );
            d.notes = list;
        }
    }
}

fn cites_unverified(
    found: &mut Vec<(Span, String)>,
    kind: &str,
    name: &str,
    cites: &[ast::Citation],
) {
    for c in cites.iter().filter(|c| c.unverified) {
        let place = c
            .pinpoint
            .as_deref()
            .map_or(String::new(), |p| format!(" \"{p}\""));
        found.push((
            c.span,
            format!(
                "{kind} `{name}` cites {}{place} (citation unverified)",
                c.source.name
            ),
        ));
    }
}

/// The names a text shows with `{name}`.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.insert(after[..close].trim().to_string());
        rest = &after[close + 1..];
    }
    names
}

/// An inclusive period, open ends unbounded.
type Period = (Option<Date>, Option<Date>);

/// A period narrowed by the `date` comparisons that a condition requires (the comparisons of a
/// top-level `and`, or the condition itself): `date < 2024-01-01` ends it on 2023-12-31.
fn narrow(period: Period, cond: Option<&CCond>) -> Period {
    let (mut from, mut to) = period;
    let mut parts: Vec<&CCond> = Vec::new();
    match cond {
        Some(CCond::And(all)) => parts.extend(all.iter()),
        Some(c) => parts.push(c),
        None => {}
    }
    for c in parts {
        let CCond::Compare { op, left, right } = c else {
            continue;
        };
        let (op, day) = match (left, right) {
            (CExpr::CaseDate, CExpr::Date(d)) => (*op, *d),
            (CExpr::Date(d), CExpr::CaseDate) => {
                let flipped = match op {
                    ast::CmpOp::Lt => ast::CmpOp::Gt,
                    ast::CmpOp::Le => ast::CmpOp::Ge,
                    ast::CmpOp::Gt => ast::CmpOp::Lt,
                    ast::CmpOp::Ge => ast::CmpOp::Le,
                    other => *other,
                };
                (flipped, *d)
            }
            _ => continue,
        };
        let later = |a: Option<Date>, b: Date| Some(a.map_or(b, |a| a.max(b)));
        let earlier = |a: Option<Date>, b: Date| Some(a.map_or(b, |a| a.min(b)));
        match op {
            ast::CmpOp::Lt => {
                if let Ok(d) = day.yesterday() {
                    to = earlier(to, d);
                }
            }
            ast::CmpOp::Le => to = earlier(to, day),
            ast::CmpOp::Gt => {
                if let Ok(d) = day.tomorrow() {
                    from = later(from, d);
                }
            }
            ast::CmpOp::Ge => from = later(from, day),
            ast::CmpOp::Eq => {
                from = later(from, day);
                to = earlier(to, day);
            }
            ast::CmpOp::Ne => {}
        }
    }
    (from, to)
}

/// The parts of `period` that none of `covers` contains, in date order.
fn uncovered(period: Period, covers: &[Period]) -> Vec<Period> {
    if let (Some(f), Some(t)) = period
        && t < f
    {
        return Vec::new();
    }
    let mut covers: Vec<Period> = covers.to_vec();
    covers.sort_by_key(|c| (c.0.is_some(), c.0));
    let mut gaps = Vec::new();
    // The first day not yet covered; `None` with `done` when everything to the end is.
    let mut cursor = period.0;
    for (from, to) in covers {
        let starts_after_cursor = match (from, cursor) {
            (Some(f), Some(c)) => f > c,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if starts_after_cursor {
            let Some(f) = from else { continue };
            let gap_end = f.yesterday().ok();
            let gap_end = match (gap_end, period.1) {
                (Some(g), Some(end)) => Some(g.min(end)),
                (g, None) => g,
                (None, end) => end,
            };
            if period.1.is_none_or(|end| cursor.is_none_or(|c| c <= end)) {
                gaps.push((cursor, gap_end));
            }
        }
        match to {
            None => return gaps,
            Some(t) => {
                let next = t.tomorrow().ok();
                if cursor.is_none_or(|c| next.is_some_and(|n| n > c)) {
                    cursor = next;
                }
            }
        }
        if let (Some(c), Some(end)) = (cursor, period.1)
            && c > end
        {
            return gaps;
        }
    }
    if period.1.is_none_or(|end| cursor.is_none_or(|c| c <= end)) {
        gaps.push((cursor, period.1));
    }
    gaps
}

/// The union of periods, as few as cover the same days, in date order.
fn merged(mut periods: Vec<Period>) -> Vec<Period> {
    periods.sort_by_key(|p| (p.0.is_some(), p.0));
    let mut out: Vec<Period> = Vec::new();
    for p in periods {
        if let Some(last) = out.last_mut() {
            let touches = match (last.1, p.0) {
                (None, _) => true,
                (Some(end), Some(start)) => end.tomorrow().is_ok_and(|n| start <= n),
                (Some(_), None) => true,
            };
            if touches {
                last.1 = match (last.1, p.1) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// Periods as a message writes them: `from A to B, from C to D`.
fn describe_periods(periods: &[Period]) -> String {
    let mut shown: Vec<String> = Vec::new();
    for p in periods {
        let text = period(p.0, p.1);
        if !shown.contains(&text) {
            shown.push(text);
        }
    }
    shown.join(", ")
}

/// Whether two inclusive periods (open ends unbounded) share a day.
fn overlaps(a: (Option<Date>, Option<Date>), b: (Option<Date>, Option<Date>)) -> bool {
    let starts_before_end = |from: Option<Date>, to: Option<Date>| match (from, to) {
        (Some(f), Some(t)) => f <= t,
        _ => true,
    };
    starts_before_end(a.0, b.1) && starts_before_end(b.0, a.1)
}

/// A period as the tools write it: `from A to B`, `from A`, `until B`, `always`.
pub(crate) fn period(from: Option<Date>, to: Option<Date>) -> String {
    match (from, to) {
        (Some(f), Some(t)) => format!("from {f} to {t}"),
        (Some(f), None) => format!("from {f}"),
        (None, Some(t)) => format!("until {t}"),
        (None, None) => "always".into(),
    }
}

/// Whether `base` holding certainly makes `exception` hold: the exception has no condition, or
/// every part of its condition (an `and`) is written, identically, as a part of the base's.
fn implies(base: Option<&CCond>, exception: Option<&CCond>) -> bool {
    let Some(exception) = exception else {
        return true;
    };
    let Some(base) = base else {
        return false;
    };
    let parts = |c: &CCond| -> BTreeSet<String> {
        match c {
            CCond::And(items) => items.iter().map(|i| format!("{i:?}")).collect(),
            other => BTreeSet::from([format!("{other:?}")]),
        }
    };
    parts(exception).is_subset(&parts(base))
}

/// The parameters a condition reads whatever the case: directly or through definitions, but not
/// in one branch of an `if`, under `or` or `not`, or as a fact's default.
fn direct_params(rules: &RuleSet, c: &CCond, out: &mut BTreeSet<usize>) {
    match c {
        CCond::And(items) => items.iter().for_each(|i| direct_params(rules, i, out)),
        CCond::Or(_) | CCond::Not(_) | CCond::IsMissing { .. } => {}
        CCond::Truth(e) | CCond::Is { subject: e, .. } => direct_params_expr(rules, e, out, 0),
        CCond::Compare { left, right, .. } => {
            direct_params_expr(rules, left, out, 0);
            direct_params_expr(rules, right, out, 0);
        }
        CCond::Between { subject, low, high } => {
            for e in [subject, low, high] {
                direct_params_expr(rules, e, out, 0);
            }
        }
    }
}

fn direct_params_expr(rules: &RuleSet, e: &CExpr, out: &mut BTreeSet<usize>, depth: usize) {
    // Definitions are acyclic (checked); the depth bound only guards against surprises.
    if depth > 64 {
        return;
    }
    match e {
        CExpr::Param(p) => {
            out.insert(*p);
        }
        CExpr::Def(d) => {
            if let Some(def) = rules.defs.get(*d) {
                match &def.expr {
                    CExpr::Cond(c) => direct_params(rules, c, out),
                    other => direct_params_expr(rules, other, out, depth + 1),
                }
            }
        }
        CExpr::Arith { left, right, .. } => {
            direct_params_expr(rules, left, out, depth + 1);
            direct_params_expr(rules, right, out, depth + 1);
        }
        CExpr::PercentOf { of, .. } => direct_params_expr(rules, of, out, depth + 1),
        _ => {}
    }
}
