//! Checking: turns parsed rule files into a [`RuleSet`], the only form `eval` accepts.
//!
//! Invariant: a `RuleSet` has every name resolved (sources, parameters, definitions, facts,
//! procedures, obligations, rules), every expression typed, every parameter table sorted by date
//! with one currency, every rule citing a defined source and explained in sv, nb and en, and an
//! acyclic exception relation. All problems found are reported at once, sorted by place.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::ast::{self, CmpOp, CondKind, ExprKind, Ident, Item};
use crate::case::{CaseKind, Fact, Jurisdiction};
use crate::diagnostic::{Diagnostic, MAX_DIAGNOSTICS, SourceText, Span, did_you_mean, keep_first};
use crate::lang::{Lang, Texts};
use crate::money::{Currency, Money};

pub type SourceId = usize;
pub type ParamId = usize;
pub type DefId = usize;
pub type ProcId = usize;
pub type ObligationId = usize;
pub type RuleId = usize;

/// How tall a condition or definition may be together with the definitions it uses (each
/// contributes its own height where it is named): evaluation recurses through definitions, so
/// this bounds the depth of its recursion, whatever the rule files say. At the limit a debug build
/// needs about 1 MiB of stack (Rust gives a spawned thread 2 MiB), a release build far less; the
/// shipped rules reach 29. See `syntax::MAX_HEIGHT` for the height of one item alone.
pub const MAX_TOTAL_HEIGHT: usize = 128;

/// A checked, ready-to-evaluate rule set.
///
/// A `RuleSet` is immutable once loaded and is `Send + Sync`: load it once and share it (by
/// reference, or in an [`Arc`](std::sync::Arc)) between all the threads that decide cases, as
/// `regelverk serve` does. Deciding never changes it.
///
/// ```
/// use std::sync::Arc;
/// use regelverk::{Case, Jurisdiction, Outcome, RuleSet};
///
/// let rules = Arc::new(RuleSet::embedded_for_deciding().expect("the embedded rules check"));
/// let workers: Vec<_> = ["650 000", "750 000"]
///     .into_iter()
///     .map(|value| {
///         let rules = Arc::clone(&rules);
///         std::thread::spawn(move || {
///             let mut case = Case::on(Jurisdiction::Se, "2026-03-01").expect("a date");
///             case.set_fact(regelverk::case::Fact::BuyerKind, "kommun").expect("a kind");
///             case.set_fact(regelverk::case::Fact::Category, "services").expect("a category");
///             case.set_fact(regelverk::case::Fact::ServiceClass, "ordinary").expect("a class");
///             case.set_fact(regelverk::case::Fact::Value, &format!("{value} SEK")).expect("an amount");
///             rules.evaluate(&case).outcome
///         })
///     })
///     .collect();
/// let outcomes: Vec<Outcome> = workers.into_iter().map(|w| w.join().expect("a worker")).collect();
/// assert_eq!(outcomes, [Outcome::AllowedWithObligations, Outcome::NotAllowed]);
///
/// fn shared<T: Send + Sync>() {}
/// shared::<RuleSet>();
/// ```
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub(crate) files: Vec<SourceText>,
    pub(crate) sources: Vec<Source>,
    pub(crate) params: Vec<Parameter>,
    pub(crate) defs: Vec<Definition>,
    pub(crate) procedures: Vec<NamedText>,
    pub(crate) obligations: Vec<NamedText>,
    pub(crate) warnings: Vec<NamedText>,
    pub(crate) rules: Vec<CheckedRule>,
    pub(crate) examples: Vec<Example>,
    /// Names to positions, built once so that rendering an explanation never scans the lists.
    pub(crate) index: NameIndex,
    /// A SHA-256 of the rule files it was loaded from (see [`RuleSet::content_hash`]).
    pub(crate) content_hash: String,
}

/// Where each named item sits in its list.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameIndex {
    pub rules: HashMap<String, RuleId>,
    pub params: HashMap<String, ParamId>,
    pub defs: HashMap<String, DefId>,
    pub procedures: HashMap<String, ProcId>,
    pub obligations: HashMap<String, ObligationId>,
    pub warnings: HashMap<String, usize>,
    /// The rules of each jurisdiction and kind of case, in rule order: a decision looks only at
    /// the rules that could answer it.
    pub scopes: Vec<((Jurisdiction, CaseKind), Vec<RuleId>)>,
}

impl NameIndex {
    /// The rules of one jurisdiction and kind of case.
    pub fn rules_in(&self, jurisdiction: Jurisdiction, kind: CaseKind) -> &[RuleId] {
        self.scopes
            .iter()
            .find(|(scope, _)| *scope == (jurisdiction, kind))
            .map_or(&[], |(_, ids)| ids.as_slice())
    }

    fn of(rules: &RuleSet) -> NameIndex {
        fn positions<T>(items: &[T], name: impl Fn(&T) -> &str) -> HashMap<String, usize> {
            let mut map = HashMap::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                // The first of two items with one name wins, as in the checker's own lookups.
                map.entry(name(item).to_string()).or_insert(i);
            }
            map
        }
        NameIndex {
            rules: positions(&rules.rules, |r| &r.name),
            params: positions(&rules.params, |p| &p.name),
            defs: positions(&rules.defs, |d| &d.name),
            procedures: positions(&rules.procedures, |p| &p.name),
            obligations: positions(&rules.obligations, |o| &o.name),
            warnings: positions(&rules.warnings, |w| &w.name),
            scopes: {
                let mut scopes: Vec<((Jurisdiction, CaseKind), Vec<RuleId>)> = Vec::new();
                for (id, rule) in rules.rules.iter().enumerate() {
                    let scope = (rule.jurisdiction, rule.case_kind);
                    match scopes.iter_mut().find(|(s, _)| *s == scope) {
                        Some((_, ids)) => ids.push(id),
                        None => scopes.push((scope, vec![id])),
                    }
                }
                scopes
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub title: String,
    pub short: String,
    pub url: Option<String>,
}

/// A resolved citation: a source and the place in it.
#[derive(Debug, Clone)]
pub struct Cite {
    pub source: SourceId,
    pub pinpoint: Option<String>,
    pub unverified: bool,
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub jurisdiction: Jurisdiction,
    pub titles: Texts,
    pub currency: Currency,
    /// Sorted by `from`, strictly increasing.
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub from: Date,
    pub value: EntryValue,
    pub unverified: bool,
    pub cite: Option<Cite>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryValue {
    Exact(Decimal),
    /// The exact figure lies somewhere in `low..=high`.
    Range(Decimal, Decimal),
    Unknown,
    /// The parameter no longer exists from this entry's date.
    Repealed,
}

#[derive(Debug, Clone)]
pub struct Definition {
    pub name: String,
    pub titles: Texts,
    pub expr: CExpr,
    pub ty: Ty,
    pub cites: Vec<Cite>,
}

/// A procedure or an obligation.
#[derive(Debug, Clone)]
pub struct NamedText {
    pub name: String,
    pub texts: Texts,
    pub cites: Vec<Cite>,
}

#[derive(Debug, Clone)]
pub struct CheckedRule {
    pub name: String,
    pub jurisdiction: Jurisdiction,
    /// The kind of case the rule answers (`jurisdiction … for partnerships` in its file).
    pub case_kind: CaseKind,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub when: Option<CCond>,
    pub outcome: RuleOutcome,
    pub obligations: Vec<(ObligationId, Option<CCond>)>,
    /// Shown with the outcome, whatever it is, when their condition may hold.
    pub warnings: Vec<(usize, Option<CCond>)>,
    pub cites: Vec<Cite>,
    pub templates: [Template; 3],
    /// The rules written as exceptions to this one (direct only, in rule order). Those that
    /// take precedence through other exceptions are found by following these: the closure is
    /// never stored, since for a chain of exceptions it grows with the square of its length.
    pub exceptions: Vec<RuleId>,
    /// The rules this one is written as an exception to (direct only), for explanations.
    pub exception_to: Vec<RuleId>,
    /// What the rule's condition and texts can read, found statically.
    pub deps: Deps,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleOutcome {
    Allowed,
    NotAllowed(Option<ProcId>),
    Undecided,
}

/// The facts, parameters and definitions a rule reads, transitively through definitions.
#[derive(Debug, Clone, Default)]
pub struct Deps {
    pub facts: BTreeSet<Fact>,
    pub params: BTreeSet<ParamId>,
    pub defs: BTreeSet<DefId>,
}

/// A sentence template: text with `{name}` holes for values.
pub type Template = Vec<TemplatePart>;

#[derive(Debug, Clone)]
pub enum TemplatePart {
    Text(String),
    Value(NameRef),
}

/// What a name in a rule file refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameRef {
    Fact(Fact),
    Param(ParamId),
    Def(DefId),
}

#[derive(Debug, Clone)]
pub struct Example {
    pub title: String,
    pub file: usize,
    pub span: Span,
    pub jurisdiction: Jurisdiction,
    pub case_kind: CaseKind,
    /// Facts as the example writes them; applied to a case in order.
    pub givens: Vec<(Fact, String)>,
    pub expect: Expected,
    pub by: Option<RuleId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Allowed,
    AllowedWithObligations,
    NotAllowed(Option<ProcId>),
    Undecided,
}

/// The type of a value in the rule language: the same kinds as the facts of a case.
pub use crate::case::FactType as Ty;

impl Ty {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Ty::Money => "an amount",
            Ty::Date => "a date",
            Ty::Number => "a number",
            Ty::Bool => "yes or no",
            Ty::Text => "a text",
            Ty::Cpv => "a CPV code",
            Ty::Names(_) => "a name from a list",
        }
    }
}

#[derive(Debug, Clone)]
pub enum CExpr {
    Money(Money),
    Date(Date),
    Number(Decimal),
    Bool(bool),
    Fact {
        fact: Fact,
        default: Option<Box<CExpr>>,
    },
    Param(ParamId),
    Def(DefId),
    Arith {
        op: ast::ArithOp,
        left: Box<CExpr>,
        right: Box<CExpr>,
    },
    PercentOf {
        percent: Decimal,
        of: Box<CExpr>,
    },
    If {
        cond: Box<CCond>,
        then: Box<CExpr>,
        otherwise: Box<CExpr>,
    },
    Cond(Box<CCond>),
}

#[derive(Debug, Clone)]
pub enum CCond {
    Or(Vec<CCond>),
    And(Vec<CCond>),
    Not(Box<CCond>),
    Truth(CExpr),
    Compare {
        op: CmpOp,
        left: CExpr,
        right: CExpr,
    },
    Between {
        subject: CExpr,
        low: CExpr,
        high: CExpr,
    },
    Is {
        subject: CExpr,
        negated: bool,
        values: Vec<&'static str>,
    },
    IsMissing {
        fact: Fact,
        negated: bool,
    },
}

/// Why a rule set could not be loaded: every problem found, sorted by place.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", crate::diagnostic::render_all(.diagnostics))]
#[non_exhaustive]
pub struct RuleError {
    /// Every problem found, sorted by place.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks parsed files into a rule set, or reports every problem found.
pub fn check(files: Vec<ast::File>) -> Result<RuleSet, RuleError> {
    let mut checker = Checker::default();
    checker.run(files);
    if checker.diagnostics.is_empty() {
        checker.out.index = NameIndex::of(&checker.out);
        Ok(checker.out)
    } else {
        keep_first(&mut checker.diagnostics, checker.omitted);
        Err(RuleError {
            diagnostics: checker.diagnostics,
        })
    }
}

/// Where a name was first defined, for "defined twice" messages.
#[derive(Debug, Clone, Copy)]
struct Origin {
    file: usize,
    span: Span,
}

#[derive(Default)]
struct Checker {
    out: RuleSet,
    diagnostics: Vec<Diagnostic>,
    source_names: HashMap<String, (SourceId, Origin)>,
    value_names: HashMap<String, (NameRef, Origin)>,
    procedure_names: HashMap<String, ProcId>,
    obligation_names: HashMap<String, ObligationId>,
    warning_names: HashMap<String, usize>,
    rule_names: HashMap<String, (RuleId, Origin)>,
    /// Definitions waiting to be checked: (file, ast). Checked on first use so that a
    /// definition may use another one written further down.
    pending_defs: Vec<Option<(usize, ast::DefineDecl)>>,
    /// The kind of case each file's rules answer, by file index.
    file_kinds: Vec<CaseKind>,
    declared_params: usize,
    declared_defs: usize,
    declared_procedures: usize,
    declared_obligations: usize,
    declared_warnings: usize,
    declared_rules: usize,
    def_state: Vec<DefState>,
    def_deps: Vec<Deps>,
    /// Each checked definition's height together with the definitions it uses.
    def_heights: Vec<usize>,
    /// Errors not kept because [`MAX_DIAGNOSTICS`] were already found.
    omitted: usize,
    /// Where an error past the limit goes, so that callers can still set its help.
    discarded: Option<Box<Diagnostic>>,
}

/// The items that are only a name, texts and citations, which rules refer to by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NamedKind {
    Procedure,
    Obligation,
    Warning,
}

impl NamedKind {
    fn label(self) -> &'static str {
        match self {
            NamedKind::Procedure => "procedure",
            NamedKind::Obligation => "obligation",
            NamedKind::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DefState {
    Unchecked,
    InProgress,
    Done,
    /// Already reported as broken: uses of it report nothing more.
    Failed,
}

impl Checker {
    fn error(&mut self, file: usize, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        if self.full() {
            // Counted, not kept: placing and rendering thousands of errors is the quadratic
            // work a hostile file asks for.
            self.omitted += 1;
            return self
                .discarded
                .insert(Box::new(Diagnostic::without_position("", "")));
        }
        let d = Diagnostic::error(&self.out.files[file], span, message);
        self.diagnostics.push(d);
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    /// Whether further errors are only counted.
    fn full(&self) -> bool {
        self.diagnostics.len() >= MAX_DIAGNOSTICS
    }

    /// A "did you mean" for an error about to be reported; none once errors are only counted,
    /// so that thousands of unknown names do not each scan every known one.
    fn suggest<'n>(
        &self,
        name: &str,
        candidates: impl IntoIterator<Item = &'n str>,
    ) -> Option<String> {
        if self.full() {
            None
        } else {
            did_you_mean(name, candidates)
        }
    }

    fn describe_origin(&self, origin: Origin) -> String {
        let source = &self.out.files[origin.file];
        let (line, col) = source.line_col(origin.span.start);
        format!("first defined at {}:{line}:{col}", source.name)
    }

    fn run(&mut self, files: Vec<ast::File>) {
        // Pass 1: every name, so that items may refer to ones written later or in other files.
        let mut file_jurisdictions = Vec::new();
        for (index, file) in files.iter().enumerate() {
            self.out.files.push(file.source.clone());
            file_jurisdictions.push(self.file_jurisdiction(index, file));
            let kind = self.file_case_kind(index, file);
            self.file_kinds.push(kind);
        }
        for (index, file) in files.iter().enumerate() {
            for item in &file.items {
                self.declare(index, item);
            }
        }
        // Pass 2: check each item's content.
        let mut rules = Vec::new();
        let mut examples = Vec::new();
        for (index, file) in files.into_iter().enumerate() {
            let jurisdiction = file_jurisdictions[index];
            let needs_jurisdiction = file
                .items
                .iter()
                .any(|i| matches!(i, Item::Parameter(_) | Item::Rule(_) | Item::Example(_)));
            if needs_jurisdiction && jurisdiction.is_none() && file.jurisdiction.is_none() {
                let d = self.error(
                    index,
                    Span::new(0, 0),
                    "this file has parameters, rules or examples but no jurisdiction",
                );
                d.help = Some("start the file with `jurisdiction SE` or `jurisdiction NO`".into());
            }
            let jurisdiction = jurisdiction.unwrap_or(Jurisdiction::Se);
            for item in file.items {
                match item {
                    Item::Source(_) => {}
                    Item::Parameter(p) => self.parameter(index, jurisdiction, p),
                    Item::Define(d) => self.pending_defs.push(Some((index, d))),
                    Item::Procedure(p) => {
                        let checked = self.named_text(index, &p, "procedure");
                        self.out.procedures.push(checked);
                    }
                    Item::Obligation(o) => {
                        let checked = self.named_text(index, &o, "obligation");
                        self.out.obligations.push(checked);
                    }
                    Item::Warning(w) => {
                        let checked = self.named_text(index, &w, "warning");
                        self.out.warnings.push(checked);
                    }
                    Item::Rule(r) => rules.push((index, jurisdiction, r)),
                    Item::Example(e) => examples.push((index, jurisdiction, e)),
                }
            }
        }
        self.def_state = vec![DefState::Unchecked; self.pending_defs.len()];
        self.def_deps = vec![Deps::default(); self.pending_defs.len()];
        self.out.defs = self
            .pending_defs
            .iter()
            .map(|d| Definition {
                name: d
                    .as_ref()
                    .map(|(_, d)| d.name.name.clone())
                    .unwrap_or_default(),
                titles: Texts::default(),
                expr: CExpr::Number(Decimal::ZERO),
                ty: Ty::Number,
                cites: Vec::new(),
            })
            .collect();
        self.definitions_in_order();
        for (index, jurisdiction, rule) in &rules {
            let checked = self.rule(*index, *jurisdiction, rule);
            self.out.rules.push(checked);
        }
        self.exceptions(&rules);
        for (index, jurisdiction, example) in examples {
            if let Some(checked) = self.example(index, jurisdiction, example) {
                self.out.examples.push(checked);
            }
        }
    }

    fn file_case_kind(&mut self, index: usize, file: &ast::File) -> CaseKind {
        match file.case_kind.as_ref().map(|i| (i.name.as_str(), i.span)) {
            None | Some(("purchases", _)) => CaseKind::Purchase,
            Some(("partnerships", _)) => CaseKind::Partnership,
            Some((other, span)) => {
                let d = self.error(index, span, format!("unknown kind of case `{other}`"));
                d.help = Some("write `for purchases` or `for partnerships`".into());
                CaseKind::Purchase
            }
        }
    }

    fn file_jurisdiction(&mut self, index: usize, file: &ast::File) -> Option<Jurisdiction> {
        let ident = file.jurisdiction.as_ref()?;
        match Jurisdiction::from_str(&ident.name) {
            Ok(j) => Some(j),
            Err(message) => {
                self.error(index, ident.span, message);
                None
            }
        }
    }

    fn declare(&mut self, file: usize, item: &Item) {
        match item {
            Item::Source(s) => {
                let origin = Origin {
                    file,
                    span: s.name.span,
                };
                if let Some((_, first)) = self.source_names.get(&s.name.name).copied() {
                    let help = self.describe_origin(first);
                    self.error(
                        file,
                        s.name.span,
                        format!("source `{}` is defined twice", s.name.name),
                    )
                    .help = Some(help);
                    return;
                }
                if s.title.trim().is_empty() {
                    self.error(
                        file,
                        s.span,
                        format!("source `{}` has an empty title", s.name.name),
                    );
                }
                let id = self.out.sources.len();
                let short = s.short.clone().unwrap_or_else(|| s.name.name.clone());
                self.out.sources.push(Source {
                    name: s.name.name.clone(),
                    title: s.title.clone(),
                    short,
                    url: s.url.clone(),
                });
                self.source_names.insert(s.name.name.clone(), (id, origin));
            }
            Item::Parameter(p) => {
                let id = self.declared_params;
                self.declared_params += 1;
                self.declare_value(file, &p.name, NameRef::Param(id));
            }
            Item::Define(d) => {
                let id = self.declared_defs;
                self.declared_defs += 1;
                self.declare_value(file, &d.name, NameRef::Def(id));
            }
            Item::Procedure(p) => self.declare_named(file, &p.name, NamedKind::Procedure),
            Item::Obligation(o) => self.declare_named(file, &o.name, NamedKind::Obligation),
            Item::Warning(w) => self.declare_named(file, &w.name, NamedKind::Warning),
            Item::Rule(r) => {
                let id = self.declared_rules;
                self.declared_rules += 1;
                let origin = Origin {
                    file,
                    span: r.name.span,
                };
                if let Some((_, first)) = self.rule_names.get(&r.name.name).copied() {
                    let help = self.describe_origin(first);
                    self.error(
                        file,
                        r.name.span,
                        format!("rule `{}` is defined twice", r.name.name),
                    )
                    .help = Some(help);
                } else {
                    self.rule_names.insert(r.name.name.clone(), (id, origin));
                }
            }
            Item::Example(_) => {}
        }
    }

    fn declare_value(&mut self, file: usize, name: &Ident, reference: NameRef) {
        let origin = Origin {
            file,
            span: name.span,
        };
        if Fact::from_path(&name.name).is_some() {
            self.error(
                file,
                name.span,
                format!("`{}` is the name of a fact of the case", name.name),
            )
            .help = Some("choose another name".into());
            return;
        }
        if let Some((_, first)) = self.value_names.get(&name.name).copied() {
            let help = self.describe_origin(first);
            self.error(file, name.span, format!("`{}` is defined twice", name.name))
                .help = Some(help);
            return;
        }
        self.value_names
            .insert(name.name.clone(), (reference, origin));
    }

    // ---- texts and citations ------------------------------------------------------------

    /// The three language texts of an item; a missing or repeated language is an error.
    fn texts(
        &mut self,
        file: usize,
        texts: &[ast::TextDecl],
        item_span: Span,
        what: &str,
    ) -> Texts {
        let mut out = Texts::default();
        let mut seen = BTreeMap::new();
        for t in texts {
            if seen.insert(t.lang, t.span).is_some() {
                self.error(file, t.span, format!("{what} has two `{}` texts", t.lang));
            }
            if t.text.trim().is_empty() {
                self.error(
                    file,
                    t.span,
                    format!("the `{}` text of {what} is empty", t.lang),
                );
            }
            out.set(t.lang, t.text.clone());
        }
        let missing: Vec<&str> = Lang::ALL
            .iter()
            .filter(|l| !seen.contains_key(l))
            .map(|l| l.code())
            .collect();
        if !missing.is_empty() {
            let head = Span::new(item_span.start, item_span.start + 1);
            self.error(
                file,
                head,
                format!("{what} has no `{}` text", missing.join("`, `")),
            )
            .help = Some(
                "every item is explained in Swedish (sv), Norwegian (nb) and English (en)".into(),
            );
        }
        out
    }

    fn cite(&mut self, file: usize, citation: &ast::Citation) -> Option<Cite> {
        match self.source_names.get(&citation.source.name) {
            Some((id, _)) => Some(Cite {
                source: *id,
                pinpoint: citation.pinpoint.clone(),
                unverified: citation.unverified,
            }),
            None => {
                let help = self.suggest(
                    &citation.source.name,
                    self.source_names.keys().map(String::as_str),
                );
                let d = self.error(
                    file,
                    citation.source.span,
                    format!("unknown source `{}`", citation.source.name),
                );
                d.label = Some("not defined in this rule set".into());
                d.help = Some(match help {
                    Some(h) => format!("did you mean `{h}`?"),
                    None => "define it with `source NAME \"title\"`".into(),
                });
                None
            }
        }
    }

    fn cites(&mut self, file: usize, citations: &[ast::Citation]) -> Vec<Cite> {
        citations
            .iter()
            .filter_map(|c| self.cite(file, c))
            .collect()
    }

    fn named_text(&mut self, file: usize, item: &ast::NamedTextDecl, kind: &str) -> NamedText {
        let what = format!("{kind} `{}`", item.name.name);
        let texts = self.texts(file, &item.texts, item.name.span, &what);
        NamedText {
            name: item.name.name.clone(),
            texts,
            cites: self.cites(file, &item.citations),
        }
    }

    fn currency(&mut self, file: usize, ident: &Ident) -> Option<Currency> {
        match Currency::from_str(&ident.name) {
            Ok(c) => Some(c),
            Err(e) => {
                self.error(file, ident.span, e.to_string());
                None
            }
        }
    }

    // ---- parameters ---------------------------------------------------------------------

    fn parameter(&mut self, file: usize, jurisdiction: Jurisdiction, p: ast::ParameterDecl) {
        let what = format!("parameter `{}`", p.name.name);
        let titles = self.texts(file, &p.texts, p.name.span, &what);
        let mut currency: Option<(Currency, Span)> = None;
        let mut entries: Vec<Entry> = Vec::new();
        let mut previous: Option<(Date, Span)> = None;
        for e in &p.entries {
            if let Some((date, span)) = previous
                && e.from <= date
            {
                let (line, col) = self.out.files[file].line_col(span.start);
                let d = self.error(
                    file,
                    e.from_span,
                    format!("the periods of `{}` are out of order", p.name.name),
                );
                d.label = Some(format!("not after {date}"));
                d.help = Some(format!(
                    "each `from` date must be later than the one before (line {line}:{col})"
                ));
            }
            previous = Some((e.from, e.from_span));
            let (value, entry_currency) = match &e.value {
                ast::ParamValue::Exact(m) => {
                    (EntryValue::Exact(m.amount), Some((&m.currency, m.span)))
                }
                ast::ParamValue::Range {
                    low,
                    high,
                    currency,
                    span,
                } => {
                    if low >= high {
                        self.error(
                            file,
                            *span,
                            "a range must go from the lower to the higher amount",
                        );
                    }
                    (EntryValue::Range(*low, *high), Some((currency, *span)))
                }
                ast::ParamValue::Unknown => (EntryValue::Unknown, None),
                ast::ParamValue::Repealed => (EntryValue::Repealed, None),
            };
            if let Some((ident, span)) = entry_currency
                && let Some(c) = self.currency(file, ident)
            {
                match currency {
                    None => currency = Some((c, span)),
                    Some((first, _)) if first != c => {
                        self.error(
                            file,
                            ident.span,
                            format!("`{}` mixes currencies: {first} and {c}", p.name.name),
                        );
                    }
                    Some(_) => {}
                }
            }
            let needs_source = !matches!(value, EntryValue::Unknown | EntryValue::Repealed);
            if needs_source && e.citation.is_none() {
                let d = self.error(
                    file,
                    e.span,
                    format!("this value of `{}` has no source", p.name.name),
                );
                d.help = Some("add `cite SOURCE \"where\"` after the amount".into());
            }
            let cite = e.citation.as_ref().and_then(|c| self.cite(file, c));
            entries.push(Entry {
                from: e.from,
                value,
                unverified: e.unverified,
                cite,
                note: e.note.clone(),
            });
        }
        let currency = match currency {
            Some((c, _)) => c,
            None => {
                if !p.entries.is_empty()
                    && p.entries.iter().all(|e| {
                        matches!(
                            e.value,
                            ast::ParamValue::Unknown | ast::ParamValue::Repealed
                        )
                    })
                {
                    self.error(
                        file,
                        p.name.span,
                        format!("`{}` has no known value in any period", p.name.name),
                    );
                }
                match jurisdiction {
                    Jurisdiction::Se => Currency::Sek,
                    Jurisdiction::No => Currency::Nok,
                }
            }
        };
        self.out.params.push(Parameter {
            name: p.name.name,
            jurisdiction,
            titles,
            currency,
            entries,
        });
    }

    // ---- definitions --------------------------------------------------------------------

    /// Checks every definition after the definitions it uses (a depth-first search with its own
    /// stack, so that a chain of any length cannot overflow the native one), and bounds the
    /// height of each together with what it uses by [`MAX_TOTAL_HEIGHT`]: evaluation recurses
    /// through definitions, so this bounds its depth too.
    fn definitions_in_order(&mut self) {
        let value_names = &self.value_names;
        let uses: Vec<Vec<DefId>> = self
            .pending_defs
            .iter()
            .map(|d| {
                let mut used = Vec::new();
                if let Some((_, decl)) = d {
                    names_in_expr(&decl.expr, &mut |name| {
                        if let Some((NameRef::Def(id), _)) = value_names.get(name) {
                            used.push(*id);
                        }
                    });
                }
                used
            })
            .collect();
        self.def_heights = vec![0; uses.len()];
        let mut stack: Vec<(DefId, usize)> = Vec::new();
        for root in 0..uses.len() {
            if self.def_state[root] != DefState::Unchecked {
                continue;
            }
            self.def_state[root] = DefState::InProgress;
            stack.push((root, 0));
            while let Some((id, next)) = stack.last_mut() {
                let id = *id;
                if let Some(&used) = uses[id].get(*next) {
                    *next += 1;
                    if self.def_state[used] == DefState::Unchecked {
                        self.def_state[used] = DefState::InProgress;
                        stack.push((used, 0));
                    }
                } else {
                    stack.pop();
                    // Every definition it uses is checked by now, or on the stack: a cycle,
                    // which `resolve` reports.
                    self.definition(id);
                }
            }
        }
    }

    fn definition(&mut self, id: DefId) {
        let Some((file, decl)) = self.pending_defs[id].take() else {
            self.def_state[id] = DefState::Failed;
            return;
        };
        self.def_state[id] = DefState::InProgress;
        let what = format!("definition `{}`", decl.name.name);
        let titles = self.texts(file, &decl.texts, decl.name.span, &what);
        let mut deps = Deps::default();
        let checked = self.expr(file, &decl.expr, &mut deps);
        let cites = self.cites(file, &decl.citations);
        let Some((expr, ty)) = checked else {
            self.def_state[id] = DefState::Failed;
            return;
        };
        let height = expr_height(&expr, &self.def_heights);
        if height > MAX_TOTAL_HEIGHT {
            self.too_tall(
                file,
                decl.name.span,
                &format!("`{}`", decl.name.name),
                height,
            );
            self.def_state[id] = DefState::Failed;
            return;
        }
        self.def_heights[id] = height;
        self.out.defs[id] = Definition {
            name: decl.name.name.clone(),
            titles,
            expr,
            ty,
            cites,
        };
        self.def_deps[id] = deps;
        self.def_state[id] = DefState::Done;
    }

    fn too_tall(&mut self, file: usize, span: Span, what: &str, height: usize) {
        let d = self.error(
            file,
            span,
            format!("{what} nests too deeply through the definitions it uses: {height} levels"),
        );
        d.label = Some(format!("the limit is {MAX_TOTAL_HEIGHT}"));
        d.help = Some(
            "each definition used adds its own depth; use fewer steps in a chain of definitions"
                .into(),
        );
    }

    // ---- expressions and conditions ----------------------------------------------------------

    fn resolve(&mut self, file: usize, name: &Ident, deps: &mut Deps) -> Option<(NameRef, Ty)> {
        if let Some(fact) = Fact::from_path(&name.name) {
            deps.facts.insert(fact);
            return Some((NameRef::Fact(fact), fact.ty()));
        }
        match self.value_names.get(&name.name).copied() {
            Some((NameRef::Param(id), _)) => {
                deps.params.insert(id);
                Some((NameRef::Param(id), Ty::Money))
            }
            Some((NameRef::Def(id), _)) => {
                if self.def_state.get(id) == Some(&DefState::InProgress) {
                    self.error(
                        file,
                        name.span,
                        format!("`{}` is defined in terms of itself", name.name),
                    )
                    .help = Some(
                        "a definition may not use itself, directly or through other definitions"
                            .into(),
                    );
                    return None;
                }
                if self.def_state.get(id) == Some(&DefState::Unchecked) {
                    // Definitions are checked in the order of their uses before anything else
                    // reads them, so this cannot happen; refuse rather than recurse.
                    self.error(
                        file,
                        name.span,
                        format!("`{}` is used before it is checked", name.name),
                    );
                    return None;
                }
                if self.def_state.get(id) == Some(&DefState::Failed) {
                    return None;
                }
                deps.defs.insert(id);
                let inner = self.def_deps[id].clone();
                deps.facts.extend(inner.facts);
                deps.params.extend(inner.params);
                deps.defs.extend(inner.defs);
                Some((NameRef::Def(id), self.out.defs[id].ty))
            }
            Some((NameRef::Fact(f), _)) => Some((NameRef::Fact(f), f.ty())),
            None => {
                let help = self.suggest(
                    &name.name,
                    self.value_names
                        .keys()
                        .map(String::as_str)
                        .chain(Fact::ALL.iter().map(|f| f.path())),
                );
                let d = self.error(file, name.span, format!("unknown name `{}`", name.name));
                d.label = Some("not defined in this rule set".into());
                d.help = help.map(|h| format!("did you mean `{h}`?")).or_else(|| {
                    Some("names are facts of the case (e.g. `purchase.value`), parameters or `define`s".into())
                });
                None
            }
        }
    }

    fn expr(&mut self, file: usize, e: &ast::Expr, deps: &mut Deps) -> Option<(CExpr, Ty)> {
        match &e.kind {
            ExprKind::Money(m) => {
                let currency = self.currency(file, &m.currency)?;
                Some((CExpr::Money(Money::new(m.amount, currency)), Ty::Money))
            }
            ExprKind::Date(d) => Some((CExpr::Date(*d), Ty::Date)),
            ExprKind::Number(n) => Some((CExpr::Number(*n), Ty::Number)),
            ExprKind::Bool(b) => Some((CExpr::Bool(*b), Ty::Bool)),
            ExprKind::Name { name, default } => {
                let (reference, ty) = self.resolve(file, name, deps)?;
                match (reference, default) {
                    (NameRef::Fact(fact), default) => {
                        let default = match default {
                            Some(d) => {
                                let (expr, dty) = self.expr(file, d, deps)?;
                                if dty != ty {
                                    self.type_error(file, d.span, ty, dty);
                                    return None;
                                }
                                Some(Box::new(expr))
                            }
                            None => None,
                        };
                        Some((CExpr::Fact { fact, default }, ty))
                    }
                    (other, Some(_)) => {
                        self.error(
                            file,
                            e.span,
                            format!(
                                "`{}` is not a fact of the case, so it cannot be missing",
                                name.name
                            ),
                        );
                        Some((reference_expr(other), ty))
                    }
                    (other, None) => Some((reference_expr(other), ty)),
                }
            }
            ExprKind::Arith { op, left, right } => {
                let l = self.expr(file, left, deps);
                let r = self.expr(file, right, deps);
                let ((l, lt), (r, rt)) = (l?, r?);
                let ty = match (op, lt, rt) {
                    (ast::ArithOp::Add | ast::ArithOp::Sub, Ty::Money, Ty::Money) => Ty::Money,
                    (_, Ty::Number, Ty::Number) => Ty::Number,
                    (ast::ArithOp::Mul, Ty::Money, Ty::Number)
                    | (ast::ArithOp::Mul, Ty::Number, Ty::Money) => Ty::Money,
                    _ => {
                        let sign = match op {
                            ast::ArithOp::Add => "add",
                            ast::ArithOp::Sub => "subtract",
                            ast::ArithOp::Mul => "multiply",
                        };
                        self.error(
                            file,
                            e.span,
                            format!("cannot {sign} {} and {}", lt.describe(), rt.describe()),
                        );
                        return None;
                    }
                };
                Some((
                    CExpr::Arith {
                        op: *op,
                        left: Box::new(l),
                        right: Box::new(r),
                    },
                    ty,
                ))
            }
            ExprKind::PercentOf { percent, of } => {
                let (inner, ty) = self.expr(file, of, deps)?;
                if !matches!(ty, Ty::Money | Ty::Number) {
                    self.error(
                        file,
                        of.span,
                        format!(
                            "a percentage is taken of an amount or a number, not {}",
                            ty.describe()
                        ),
                    );
                    return None;
                }
                Some((
                    CExpr::PercentOf {
                        percent: *percent,
                        of: Box::new(inner),
                    },
                    ty,
                ))
            }
            ExprKind::Cond(cond) => {
                let checked = self.cond(file, cond, deps)?;
                Some((CExpr::Cond(Box::new(checked)), Ty::Bool))
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                let c = self.cond(file, cond, deps);
                let t = self.expr(file, then, deps);
                let o = self.expr(file, otherwise, deps);
                let (c, (t, tt), (o, ot)) = (c?, t?, o?);
                if tt != ot {
                    self.error(
                        file,
                        otherwise.span,
                        format!(
                            "both branches must give the same kind of value: {} and {}",
                            tt.describe(),
                            ot.describe()
                        ),
                    );
                    return None;
                }
                Some((
                    CExpr::If {
                        cond: Box::new(c),
                        then: Box::new(t),
                        otherwise: Box::new(o),
                    },
                    tt,
                ))
            }
        }
    }

    fn type_error(&mut self, file: usize, span: Span, expected: Ty, found: Ty) {
        self.error(
            file,
            span,
            format!(
                "expected {}, found {}",
                expected.describe(),
                found.describe()
            ),
        );
    }

    fn cond(&mut self, file: usize, c: &ast::Cond, deps: &mut Deps) -> Option<CCond> {
        match &c.kind {
            CondKind::Or(items) | CondKind::And(items) => {
                let checked: Vec<Option<CCond>> =
                    items.iter().map(|i| self.cond(file, i, deps)).collect();
                let checked: Option<Vec<CCond>> = checked.into_iter().collect();
                let checked = checked?;
                Some(if matches!(c.kind, CondKind::Or(_)) {
                    CCond::Or(checked)
                } else {
                    CCond::And(checked)
                })
            }
            CondKind::Not(inner) => Some(CCond::Not(Box::new(self.cond(file, inner, deps)?))),
            CondKind::Truth(e) => {
                let (expr, ty) = self.expr(file, e, deps)?;
                if ty != Ty::Bool {
                    let d = self.error(
                        file,
                        e.span,
                        format!("expected a condition, found {}", ty.describe()),
                    );
                    d.help = Some("compare it, e.g. `purchase.value < 700 000 SEK`".into());
                    return None;
                }
                Some(CCond::Truth(expr))
            }
            CondKind::Compare { op, left, right } => {
                let l = self.expr(file, left, deps);
                let r = self.expr(file, right, deps);
                let ((l, lt), (r, rt)) = (l?, r?);
                let (l, r) = self.comparable(
                    file,
                    c.span,
                    (l, lt),
                    (r, rt),
                    matches!(op, CmpOp::Eq | CmpOp::Ne),
                )?;
                Some(CCond::Compare {
                    op: *op,
                    left: l,
                    right: r,
                })
            }
            CondKind::Between { subject, low, high } => {
                let s = self.expr(file, subject, deps);
                let lo = self.expr(file, low, deps);
                let hi = self.expr(file, high, deps);
                let (s, lo, hi) = (s?, lo?, hi?);
                let st = s.1;
                let (s1, lo) = self.comparable(file, c.span, s.clone(), lo, false)?;
                let (_, hi) = self.comparable(file, c.span, (s1.clone(), st), hi, false)?;
                Some(CCond::Between {
                    subject: s1,
                    low: lo,
                    high: hi,
                })
            }
            CondKind::Is {
                subject,
                negated,
                values,
            } => {
                let (expr, ty) = self.expr(file, subject, deps)?;
                let allowed: &'static [&'static str] = match ty {
                    Ty::Names(names) => names,
                    Ty::Bool => &["true", "false"],
                    other => {
                        let d = self.error(
                            file,
                            subject.span,
                            format!("`is` compares names, but this is {}", other.describe()),
                        );
                        d.help = Some("use `=`, `<` or `>` for amounts, numbers and dates".into());
                        return None;
                    }
                };
                let mut resolved = Vec::new();
                for v in values {
                    match allowed.iter().find(|a| **a == v.name) {
                        Some(a) => resolved.push(*a),
                        None => {
                            let help = did_you_mean(&v.name, allowed.iter().copied());
                            let d = self.error(
                                file,
                                v.span,
                                format!("`{}` is not one of the possible values", v.name),
                            );
                            d.label = Some(format!("expected one of: {}", allowed.join(", ")));
                            d.help = help.map(|h| format!("did you mean `{h}`?"));
                        }
                    }
                }
                if resolved.len() != values.len() {
                    return None;
                }
                if ty == Ty::Bool {
                    // `X is true` is `X`; `X is not false` likewise.
                    let wants_true = (resolved.first() == Some(&"true")) != *negated;
                    let truth = CCond::Truth(expr);
                    return Some(if wants_true {
                        truth
                    } else {
                        CCond::Not(Box::new(truth))
                    });
                }
                Some(CCond::Is {
                    subject: expr,
                    negated: *negated,
                    values: resolved,
                })
            }
            CondKind::IsMissing { subject, negated } => {
                let ExprKind::Name {
                    name,
                    default: None,
                } = &subject.kind
                else {
                    self.error(file, subject.span, "only a fact of the case can be missing");
                    return None;
                };
                let Some(fact) = Fact::from_path(&name.name) else {
                    self.resolve(file, name, deps)?;
                    self.error(
                        file,
                        subject.span,
                        format!(
                            "`{}` is not a fact of the case, so it cannot be missing",
                            name.name
                        ),
                    );
                    return None;
                };
                deps.facts.insert(fact);
                Some(CCond::IsMissing {
                    fact,
                    negated: *negated,
                })
            }
        }
    }

    /// Two sides of a comparison, made comparable: same type, or a CPV code against a number.
    fn comparable(
        &mut self,
        file: usize,
        span: Span,
        (l, lt): (CExpr, Ty),
        (r, rt): (CExpr, Ty),
        equality: bool,
    ) -> Option<(CExpr, CExpr)> {
        let ok = match (lt, rt) {
            (a, b) if a == b => {
                matches!(a, Ty::Money | Ty::Number | Ty::Date | Ty::Cpv) || equality
            }
            (Ty::Cpv, Ty::Number) | (Ty::Number, Ty::Cpv) => true,
            _ => false,
        };
        if !ok {
            self.error(
                file,
                span,
                format!("cannot compare {} with {}", lt.describe(), rt.describe()),
            );
            return None;
        }
        Some((l, r))
    }

    // ---- rules --------------------------------------------------------------------------

    fn rule(&mut self, file: usize, jurisdiction: Jurisdiction, r: &ast::RuleDecl) -> CheckedRule {
        let what = format!("rule `{}`", r.name.name);
        let mut deps = Deps::default();
        let when = r.when.as_ref().and_then(|c| self.cond(file, c, &mut deps));
        let outcome = match &r.outcome {
            ast::OutcomeDecl::Allowed => RuleOutcome::Allowed,
            ast::OutcomeDecl::Undecided => RuleOutcome::Undecided,
            ast::OutcomeDecl::NotAllowed { requires } => {
                RuleOutcome::NotAllowed(requires.as_ref().and_then(|p| self.procedure(file, p)))
            }
        };
        if !r.obligations.is_empty() && !matches!(outcome, RuleOutcome::Allowed) {
            self.error(
                file,
                r.outcome_span,
                "only an `allowed` outcome can carry obligations",
            );
        }
        let mut obligations = Vec::new();
        for o in &r.obligations {
            let when = o.when.as_ref().and_then(|c| self.cond(file, c, &mut deps));
            if let Some(id) = self.attached(file, &o.name, NamedKind::Obligation) {
                obligations.push((id, when));
            }
        }
        let mut warnings = Vec::new();
        for w in &r.warnings {
            let when = w.when.as_ref().and_then(|c| self.cond(file, c, &mut deps));
            if let Some(id) = self.attached(file, &w.name, NamedKind::Warning) {
                warnings.push((id, when));
            }
        }
        if r.citations.is_empty() {
            let d = self.error(
                file,
                r.name.span,
                format!("rule `{}` cites no source", r.name.name),
            );
            d.help =
                Some("every rule names the law it applies: add `cite SOURCE \"place\"`".into());
        }
        let cites = self.cites(file, &r.citations);
        let texts = self.texts(file, &r.texts, r.name.span, &what);
        let templates = Lang::ALL.map(|lang| {
            let decl = r.texts.iter().find(|t| t.lang == lang);
            let span = decl.map_or(r.name.span, |t| t.span);
            self.template(file, span, texts.get(lang), &mut deps)
        });
        let height = when
            .iter()
            .chain(obligations.iter().filter_map(|(_, c)| c.as_ref()))
            .chain(warnings.iter().filter_map(|(_, c)| c.as_ref()))
            .map(|c| cond_height(c, &self.def_heights))
            .max()
            .unwrap_or(0);
        if height > MAX_TOTAL_HEIGHT {
            self.too_tall(
                file,
                r.name.span,
                &format!("rule `{}`", r.name.name),
                height,
            );
        }
        if let (Some((from, _)), Some((to, to_span))) = (r.valid_from, r.valid_to)
            && to < from
        {
            self.error(
                file,
                to_span,
                "a rule's period must end on or after the day it starts",
            );
        }
        CheckedRule {
            name: r.name.name.clone(),
            jurisdiction,
            case_kind: self.file_kinds[file],
            valid_from: r.valid_from.map(|(d, _)| d),
            valid_to: r.valid_to.map(|(d, _)| d),
            when,
            outcome,
            obligations,
            warnings,
            cites,
            templates,
            exceptions: Vec::new(),
            exception_to: Vec::new(),
            deps,
        }
    }

    fn procedure(&mut self, file: usize, name: &Ident) -> Option<ProcId> {
        self.attached(file, name, NamedKind::Procedure)
    }

    fn named(&mut self, kind: NamedKind) -> (&mut HashMap<String, usize>, &mut usize) {
        match kind {
            NamedKind::Procedure => (&mut self.procedure_names, &mut self.declared_procedures),
            NamedKind::Obligation => (&mut self.obligation_names, &mut self.declared_obligations),
            NamedKind::Warning => (&mut self.warning_names, &mut self.declared_warnings),
        }
    }

    fn declare_named(&mut self, file: usize, name: &Ident, kind: NamedKind) {
        let (names, counter) = self.named(kind);
        let id = *counter;
        *counter += 1;
        let duplicate = names.contains_key(&name.name);
        if !duplicate {
            names.insert(name.name.clone(), id);
        }
        if duplicate {
            self.error(
                file,
                name.span,
                format!("{} `{}` is defined twice", kind.label(), name.name),
            );
        }
    }

    /// Resolves the name in `with obligation NAME` or `with warning NAME`.
    fn attached(&mut self, file: usize, name: &Ident, kind: NamedKind) -> Option<usize> {
        let kind_label = kind.label();
        let full = self.full();
        let names = &*self.named(kind).0;
        if let Some(id) = names.get(&name.name) {
            return Some(*id);
        }
        let help = if full {
            None
        } else {
            did_you_mean(&name.name, names.keys().map(String::as_str))
        };
        let d = self.error(
            file,
            name.span,
            format!("unknown {kind_label} `{}`", name.name),
        );
        d.help = Some(help.map_or(
            format!("define it with `{kind_label} NAME` and its texts"),
            |h| format!("did you mean `{h}`?"),
        ));
        None
    }

    /// Splits `text` into literal parts and `{name}` holes, resolving each name.
    fn template(&mut self, file: usize, span: Span, text: &str, deps: &mut Deps) -> Template {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(TemplatePart::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                self.error(file, span, "a `{` in this text is never closed")
                    .help = Some("write `{name}` to show a value".into());
                return parts;
            };
            let name = after[..close].trim();
            let ident = Ident {
                name: name.to_string(),
                span,
            };
            if let Some((reference, _)) = self.resolve(file, &ident, deps) {
                parts.push(TemplatePart::Value(reference));
            }
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Text(rest.to_string()));
        }
        parts
    }

    /// Resolves `exception to` and computes, for each rule, every rule that overrides it.
    fn exceptions(&mut self, rules: &[(usize, Jurisdiction, ast::RuleDecl)]) {
        let n = self.out.rules.len();
        let mut direct: Vec<Vec<RuleId>> = vec![Vec::new(); n];
        for (id, (file, jurisdiction, r)) in rules.iter().enumerate() {
            for target in &r.exception_to {
                match self.rule_names.get(&target.name).copied() {
                    Some((tid, _)) if tid == id => {
                        self.error(
                            *file,
                            target.span,
                            "a rule cannot be an exception to itself",
                        );
                    }
                    Some((tid, _)) if self.out.rules[tid].jurisdiction != *jurisdiction => {
                        self.error(
                            *file,
                            target.span,
                            format!("`{}` belongs to another jurisdiction", target.name),
                        );
                    }
                    Some((tid, _)) => {
                        direct[tid].push(id);
                        self.out.rules[id].exception_to.push(tid);
                    }
                    None => {
                        let help =
                            self.suggest(&target.name, self.rule_names.keys().map(String::as_str));
                        let d = self.error(
                            *file,
                            target.span,
                            format!("unknown rule `{}`", target.name),
                        );
                        d.help = help.map(|h| format!("did you mean `{h}`?"));
                    }
                }
            }
        }
        for (target, exceptions) in direct.into_iter().enumerate() {
            self.out.rules[target].exceptions = exceptions;
        }
        // A rule on a cycle of exceptions is an exception to itself.
        let on_cycle = on_cycles(&self.out.rules);
        for (id, (file, _, r)) in rules.iter().enumerate() {
            if on_cycle[id] {
                self.error(
                    *file,
                    r.name.span,
                    format!(
                        "rule `{}` is, through its exceptions, an exception to itself",
                        r.name.name
                    ),
                )
                .help = Some("exceptions must form a hierarchy: remove one `exception to`".into());
            }
        }
    }

    // ---- examples -----------------------------------------------------------------------

    fn example(
        &mut self,
        file: usize,
        jurisdiction: Jurisdiction,
        e: ast::ExampleDecl,
    ) -> Option<Example> {
        let mut givens = Vec::new();
        let mut ok = true;
        for g in &e.givens {
            let Some(fact) = Fact::from_path(&g.path.name) else {
                let help = self.suggest(&g.path.name, Fact::ALL.iter().map(|f| f.path()));
                let d = self.error(file, g.path.span, format!("unknown fact `{}`", g.path.name));
                d.help = Some(help.map_or_else(
                    || format!("the facts are: {}", Fact::ALL.map(|f| f.path()).join(", ")),
                    |h| format!("did you mean `{h}`?"),
                ));
                ok = false;
                continue;
            };
            let text = match &g.value {
                ast::Literal::Money(m) => format!("{} {}", m.amount, m.currency.name),
                ast::Literal::Date(d) => d.to_string(),
                ast::Literal::Number(n) => n.to_string(),
                ast::Literal::Bool(b) => b.to_string(),
                ast::Literal::Name(n) => n.clone(),
            };
            let mut probe = crate::case::Case::new(jurisdiction, Date::constant(2000, 1, 1));
            if let Err(message) = probe.set_fact(fact, &text) {
                self.error(file, g.span, message);
                ok = false;
                continue;
            }
            givens.push((fact, text));
        }
        if !givens.iter().any(|(f, _)| *f == Fact::Date) {
            self.error(file, e.span, format!("example \"{}\" has no date", e.title))
                .help = Some("add `given date = 2026-03-01`: the date selects the law".into());
            ok = false;
        }
        let expect = match &e.expect.outcome {
            ast::ExpectedOutcome::Allowed => Expected::Allowed,
            ast::ExpectedOutcome::AllowedWithObligations => Expected::AllowedWithObligations,
            ast::ExpectedOutcome::Undecided => Expected::Undecided,
            ast::ExpectedOutcome::NotAllowed { requires } => {
                let id = match requires {
                    Some(p) => {
                        let id = self.procedure(file, p);
                        ok &= id.is_some();
                        id
                    }
                    None => None,
                };
                Expected::NotAllowed(id)
            }
        };
        let by = match &e.expect.by {
            Some(name) => match self.rule_names.get(&name.name) {
                Some((id, _)) => Some(*id),
                None => {
                    self.error(file, name.span, format!("unknown rule `{}`", name.name));
                    return None;
                }
            },
            None => None,
        };
        let case_kind = self.file_kinds[file];
        ok.then_some(Example {
            case_kind,
            title: e.title,
            file,
            span: e.span,
            jurisdiction,
            givens,
            expect,
            by,
        })
    }
}

fn reference_expr(reference: NameRef) -> CExpr {
    match reference {
        NameRef::Fact(fact) => CExpr::Fact {
            fact,
            default: None,
        },
        NameRef::Param(id) => CExpr::Param(id),
        NameRef::Def(id) => CExpr::Def(id),
    }
}

/// Calls `found` with every name an expression uses (facts, parameters and definitions alike).
fn names_in_expr(e: &ast::Expr, found: &mut impl FnMut(&str)) {
    match &e.kind {
        ExprKind::Money(_) | ExprKind::Date(_) | ExprKind::Number(_) | ExprKind::Bool(_) => {}
        ExprKind::Name { name, default } => {
            found(&name.name);
            if let Some(d) = default {
                names_in_expr(d, found);
            }
        }
        ExprKind::Arith { left, right, .. } => {
            names_in_expr(left, found);
            names_in_expr(right, found);
        }
        ExprKind::PercentOf { of, .. } => names_in_expr(of, found),
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            names_in_cond(cond, found);
            names_in_expr(then, found);
            names_in_expr(otherwise, found);
        }
        ExprKind::Cond(c) => names_in_cond(c, found),
    }
}

fn names_in_cond(c: &ast::Cond, found: &mut impl FnMut(&str)) {
    match &c.kind {
        CondKind::Or(items) | CondKind::And(items) => {
            items.iter().for_each(|i| names_in_cond(i, found));
        }
        CondKind::Not(inner) => names_in_cond(inner, found),
        CondKind::Truth(e)
        | CondKind::Is { subject: e, .. }
        | CondKind::IsMissing { subject: e, .. } => {
            names_in_expr(e, found);
        }
        CondKind::Compare { left, right, .. } => {
            names_in_expr(left, found);
            names_in_expr(right, found);
        }
        CondKind::Between { subject, low, high } => {
            for e in [subject, low, high] {
                names_in_expr(e, found);
            }
        }
    }
}

/// The height of a checked expression, counting each definition it names by `def_heights`.
fn expr_height(e: &CExpr, def_heights: &[usize]) -> usize {
    1 + match e {
        CExpr::Money(_) | CExpr::Date(_) | CExpr::Number(_) | CExpr::Bool(_) | CExpr::Param(_) => 0,
        CExpr::Fact { default, .. } => default.as_ref().map_or(0, |d| expr_height(d, def_heights)),
        CExpr::Def(d) => def_heights.get(*d).copied().unwrap_or(0),
        CExpr::Arith { left, right, .. } => {
            expr_height(left, def_heights).max(expr_height(right, def_heights))
        }
        CExpr::PercentOf { of, .. } => expr_height(of, def_heights),
        CExpr::If {
            cond,
            then,
            otherwise,
        } => cond_height(cond, def_heights)
            .max(expr_height(then, def_heights))
            .max(expr_height(otherwise, def_heights)),
        CExpr::Cond(c) => cond_height(c, def_heights),
    }
}

fn cond_height(c: &CCond, def_heights: &[usize]) -> usize {
    1 + match c {
        CCond::Or(items) | CCond::And(items) => items
            .iter()
            .map(|i| cond_height(i, def_heights))
            .max()
            .unwrap_or(0),
        CCond::Not(inner) => cond_height(inner, def_heights),
        CCond::Truth(e) | CCond::Is { subject: e, .. } => expr_height(e, def_heights),
        CCond::Compare { left, right, .. } => {
            expr_height(left, def_heights).max(expr_height(right, def_heights))
        }
        CCond::Between { subject, low, high } => expr_height(subject, def_heights)
            .max(expr_height(low, def_heights))
            .max(expr_height(high, def_heights)),
        CCond::IsMissing { .. } => 0,
    }
}

/// Which rules lie on a cycle of `exception to`: the strongly connected components of more than
/// one rule (Tarjan's algorithm with its own stack, linear in the rules and their exceptions).
fn on_cycles(rules: &[CheckedRule]) -> Vec<bool> {
    let n = rules.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<RuleId> = Vec::new();
    let mut on_cycle = vec![false; n];
    let mut next_index = 0;
    // (rule, how many of its exceptions have been followed)
    let mut work: Vec<(RuleId, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        work.push((root, 0));
        while let Some(&mut (v, ref mut followed)) = work.last_mut() {
            if *followed == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = rules[v].exceptions.get(*followed) {
                *followed += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    for w in component {
                        on_cycle[w] = true;
                    }
                }
            }
        }
    }
    on_cycle
}
