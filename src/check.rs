//! Checking: turns parsed rule files into a [`RuleSet`], the only form `eval` accepts.
//!
//! Invariant: a `RuleSet` has its vocabulary checked (see `vocab`), every name resolved
//! (sources, parameters, definitions, facts and the fields of records, procedures, obligations,
//! rules), every expression typed, every parameter table sorted by date in its country's
//! currency, every rule citing a defined source and explained in sv, nb and en, every `clauses`
//! group expanded into the rules that use it, and an acyclic exception relation. All problems
//! found are reported at once, sorted by place.

mod vocab;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ast::{self, CmpOp, CondKind, ExprKind, Ident, Item};
use crate::diagnostic::{Diagnostic, MAX_DIAGNOSTICS, SourceText, Span, did_you_mean, keep_first};
use crate::lang::{Lang, Texts};
use crate::money::{Currency, Money};
use crate::vocab::{CountryId, FactId, KindId, ListId, NameId, RecordId, ValueType, Vocabulary};

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
/// use regelverk::{Outcome, RuleSet};
///
/// let rules = Arc::new(RuleSet::embedded_for_deciding().expect("the embedded rules check"));
/// let workers: Vec<_> = ["650 000", "750 000"]
///     .into_iter()
///     .map(|value| {
///         let rules = Arc::clone(&rules);
///         std::thread::spawn(move || {
///             let date = "2026-03-01".parse().expect("a date");
///             let mut case = rules.new_case("SE", date).expect("a declared country");
///             case.set("buyer.kind", "kommun").expect("a kind");
///             case.set("purchase.category", "services").expect("a category");
///             case.set("purchase.service_class", "ordinary").expect("a class");
///             case.set("purchase.value", &format!("{value} SEK")).expect("an amount");
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
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RuleSet {
    pub(crate) files: Vec<SourceText>,
    /// The countries, kinds of case, lists, records and facts the rule files declare.
    pub(crate) vocab: Arc<Vocabulary>,
    pub(crate) sources: Vec<Source>,
    pub(crate) params: Vec<Parameter>,
    pub(crate) defs: Vec<Definition>,
    pub(crate) procedures: Vec<NamedText>,
    pub(crate) obligations: Vec<NamedText>,
    pub(crate) warnings: Vec<NamedText>,
    /// The `clauses` groups, by name, with the rules that use them (for the tools).
    pub(crate) groups: Vec<(String, Vec<RuleId>)>,
    pub(crate) rules: Vec<CheckedRule>,
    pub(crate) examples: Vec<Example>,
    /// Names to positions, built once so that rendering an explanation never scans the lists.
    /// Not in the compiled form: rebuilt from the lists when it is loaded.
    #[serde(skip)]
    pub(crate) index: NameIndex,
    /// A SHA-256 of the rule files it was loaded from (see [`RuleSet::content_hash`]).
    pub(crate) content_hash: String,
}

/// Where each named item sits in its list.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NameIndex {
    pub rules: HashMap<String, RuleId>,
    pub params: HashMap<String, ParamId>,
    pub defs: HashMap<String, DefId>,
    pub procedures: HashMap<String, ProcId>,
    pub obligations: HashMap<String, ObligationId>,
    pub warnings: HashMap<String, usize>,
    /// Each rule's name, shared: every decision's trace of the rule clones it, not copies it.
    pub rule_names: Vec<Arc<str>>,
    /// The rules of each country and kind of case, in rule order: a decision looks only at the
    /// rules that could answer it.
    pub scopes: Vec<((CountryId, KindId), Vec<RuleId>)>,
    /// The same scopes cut into periods in which the same rules are in force, so that a
    /// decision finds the rules in force on its day by one binary search, without visiting the
    /// others.
    pub in_force: Vec<((CountryId, KindId), InForce)>,
}

/// The rules of one scope in force, period by period: `sets[i]` holds (in rule order) the rules
/// in force on every day from `starts[i - 1]` (from the earliest day for `i = 0`) to the day
/// before `starts[i]` (to the last day for the last set).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct InForce {
    pub starts: Vec<Date>,
    pub sets: Vec<Vec<RuleId>>,
}

impl InForce {
    fn of(rules: &[CheckedRule], scope: &[RuleId]) -> InForce {
        // The in-force set changes only on a rule's first day or on the day after its last.
        let mut starts: Vec<Date> = Vec::new();
        for &id in scope {
            let rule = &rules[id];
            starts.extend(rule.valid_from);
            // A rule in force to the last day there is never stops: no period after it.
            starts.extend(rule.valid_to.and_then(|d| d.tomorrow().ok()));
        }
        starts.sort_unstable();
        starts.dedup();
        let in_force_on = |day: Date| -> Vec<RuleId> {
            scope
                .iter()
                .copied()
                .filter(|&id| rules[id].in_force_on(day))
                .collect()
        };
        let mut sets = Vec::with_capacity(starts.len() + 1);
        // Before the first change: any day before it (none if it is the first day there is).
        sets.push(
            starts
                .first()
                .map_or(Some(Date::MIN), |d| d.yesterday().ok())
                .map_or_else(Vec::new, in_force_on),
        );
        sets.extend(starts.iter().map(|&d| in_force_on(d)));
        InForce { starts, sets }
    }

    /// The rules in force on a day, in rule order.
    pub fn on(&self, day: Date) -> &[RuleId] {
        let period = self.starts.partition_point(|d| *d <= day);
        self.sets.get(period).map_or(&[], Vec::as_slice)
    }
}

impl NameIndex {
    /// The rules of one country and kind of case in force on a day, in rule order.
    pub fn rules_in_force(&self, country: CountryId, kind: KindId, day: Date) -> &[RuleId] {
        self.in_force
            .iter()
            .find(|(scope, _)| *scope == (country, kind))
            .map_or(&[], |(_, periods)| periods.on(day))
    }

    /// The rules of one country and kind of case.
    pub fn rules_in(&self, country: CountryId, kind: KindId) -> &[RuleId] {
        self.scopes
            .iter()
            .find(|(scope, _)| *scope == (country, kind))
            .map_or(&[], |(_, ids)| ids.as_slice())
    }

    pub(crate) fn of(rules: &RuleSet) -> NameIndex {
        fn positions<T>(items: &[T], name: impl Fn(&T) -> &str) -> HashMap<String, usize> {
            let mut map = HashMap::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                // The first of two items with one name wins, as in the checker's own lookups.
                map.entry(name(item).to_string()).or_insert(i);
            }
            map
        }
        let scopes = {
            let mut scopes: Vec<((CountryId, KindId), Vec<RuleId>)> = Vec::new();
            for (id, rule) in rules.rules.iter().enumerate() {
                let scope = (rule.jurisdiction, rule.case_kind);
                match scopes.iter_mut().find(|(s, _)| *s == scope) {
                    Some((_, ids)) => ids.push(id),
                    None => scopes.push((scope, vec![id])),
                }
            }
            scopes
        };
        let in_force = scopes
            .iter()
            .map(|(scope, ids)| (*scope, InForce::of(&rules.rules, ids)))
            .collect();
        NameIndex {
            rules: positions(&rules.rules, |r| &r.name),
            params: positions(&rules.params, |p| &p.name),
            defs: positions(&rules.defs, |d| &d.name),
            procedures: positions(&rules.procedures, |p| &p.name),
            obligations: positions(&rules.obligations, |o| &o.name),
            warnings: positions(&rules.warnings, |w| &w.name),
            rule_names: rules.rules.iter().map(|r| r.name.as_str().into()).collect(),
            scopes,
            in_force,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    // Shared (`Arc<str>`): every decision's citations of the source clone these, not copy them.
    #[serde(deserialize_with = "crate::compiled::forms::shared")]
    pub name: Arc<str>,
    #[serde(deserialize_with = "crate::compiled::forms::shared")]
    pub title: Arc<str>,
    #[serde(deserialize_with = "crate::compiled::forms::shared")]
    pub short: Arc<str>,
    #[serde(deserialize_with = "crate::compiled::forms::maybe_shared")]
    pub url: Option<Arc<str>>,
    /// The first and last day the source is in force (an act) or speaks for (guidance on a
    /// period's amounts); `None` is an open end. A citation is shown only on the days inside.
    #[serde(with = "crate::compiled::forms::maybe_day")]
    pub valid_from: Option<Date>,
    #[serde(with = "crate::compiled::forms::maybe_day")]
    pub valid_to: Option<Date>,
}

impl Source {
    /// Whether the source is in force (or speaks for) the day.
    pub fn in_force_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|f| day >= f) && self.valid_to.is_none_or(|t| day <= t)
    }

    /// Whether the source has a period at all: an undated source (case law, a directive, a
    /// commentary) is cited on every day.
    pub fn is_dated(&self) -> bool {
        self.valid_from.is_some() || self.valid_to.is_some()
    }
}

/// A resolved citation: a source and the place in it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cite {
    pub source: SourceId,
    /// Shared with every decision's citation of this place (`Arc<str>`: a clone, not a copy).
    #[serde(deserialize_with = "crate::compiled::forms::maybe_shared")]
    pub pinpoint: Option<Arc<str>>,
    pub unverified: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    pub jurisdiction: CountryId,
    pub titles: Texts,
    pub currency: Currency,
    /// Sorted by `from`, strictly increasing.
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    #[serde(with = "crate::compiled::forms::day")]
    pub from: Date,
    pub value: EntryValue,
    pub unverified: bool,
    pub cite: Option<Cite>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryValue {
    Exact(#[serde(with = "crate::compiled::forms::decimal")] Decimal),
    /// The exact figure lies somewhere in `low..=high`.
    Range(
        #[serde(with = "crate::compiled::forms::decimal")] Decimal,
        #[serde(with = "crate::compiled::forms::decimal")] Decimal,
    ),
    Unknown,
    /// The parameter no longer exists from this entry's date.
    Repealed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Definition {
    pub name: String,
    /// `define NAME for RECORD`: a value of each element, read as `ELEMENT.NAME`.
    pub record: Option<RecordId>,
    pub titles: Texts,
    pub expr: CExpr,
    pub ty: Ty,
    pub cites: Vec<Cite>,
}

/// A procedure or an obligation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NamedText {
    pub name: String,
    pub texts: Texts,
    pub cites: Vec<Cite>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckedRule {
    pub name: String,
    pub jurisdiction: CountryId,
    /// The kind of case the rule answers (`jurisdiction … for partnerships` in its file).
    pub case_kind: KindId,
    #[serde(with = "crate::compiled::forms::maybe_day")]
    pub valid_from: Option<Date>,
    #[serde(with = "crate::compiled::forms::maybe_day")]
    pub valid_to: Option<Date>,
    pub when: Option<CCond>,
    pub outcome: RuleOutcome,
    /// `undecided, contradictory`: the rule applies only where the case's facts contradict each
    /// other, so the case split drops a branch it decides (that branch is not a possible case).
    pub contradictory: bool,
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

impl CheckedRule {
    /// Whether the rule is in force on a day (both ends of its period included).
    pub fn in_force_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|d| day >= d) && self.valid_to.is_none_or(|d| day <= d)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleOutcome {
    Allowed,
    NotAllowed(Option<ProcId>),
    Undecided,
}

/// The facts, parameters and definitions a rule reads, transitively through definitions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Deps {
    #[serde(deserialize_with = "crate::compiled::forms::sorted_set")]
    pub facts: BTreeSet<FactId>,
    #[serde(deserialize_with = "crate::compiled::forms::sorted_set")]
    pub params: BTreeSet<ParamId>,
    #[serde(deserialize_with = "crate::compiled::forms::sorted_set")]
    pub defs: BTreeSet<DefId>,
}

/// A sentence template: text with `{name}` holes for values.
pub type Template = Vec<TemplatePart>;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum TemplatePart {
    Text(String),
    Value(NameRef),
}

/// What a name in a rule file refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NameRef {
    /// The day the procurement starts (`date`).
    Date,
    Fact(FactId),
    Param(ParamId),
    Def(DefId),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Example {
    pub title: String,
    pub file: usize,
    pub span: Span,
    pub jurisdiction: CountryId,
    pub case_kind: KindId,
    /// Facts as the example writes them, by path; applied to a case in order.
    pub givens: Vec<(String, String)>,
    pub expect: Expected,
    pub by: Option<RuleId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expected {
    Allowed,
    AllowedWithObligations,
    NotAllowed(Option<ProcId>),
    Undecided,
}

/// The type of a value in the rule language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ty {
    Money,
    Date,
    Number,
    Bool,
    Text,
    Cpv,
    /// One name of a closed list.
    Name(ListId),
    /// Names of a closed list (a list fact or field).
    Names(ListId),
    /// A list of records.
    Records(RecordId),
}

impl Ty {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Ty::Money => "an amount",
            Ty::Date => "a date",
            Ty::Number => "a number",
            Ty::Bool => "yes or no",
            Ty::Text => "a text",
            Ty::Cpv => "a CPV code",
            Ty::Name(_) => "a name from a list",
            Ty::Names(_) => "a list of names",
            Ty::Records(_) => "a list of records",
        }
    }

    pub(crate) fn of(v: ValueType) -> Ty {
        match v {
            ValueType::Amount => Ty::Money,
            ValueType::Date => Ty::Date,
            ValueType::WholeNumber | ValueType::Percent => Ty::Number,
            ValueType::YesNo => Ty::Bool,
            ValueType::Text => Ty::Text,
            ValueType::Cpv => Ty::Cpv,
            ValueType::OneOf(l) => Ty::Name(l),
            ValueType::Names(l) => Ty::Names(l),
            ValueType::Records(r) => Ty::Records(r),
        }
    }
}

/// Where a quantifier's elements come from: a list fact, or a list field of an element in scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListSrc {
    Fact(FactId),
    Field {
        level: u8,
        record: RecordId,
        field: u32,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum CExpr {
    Money(#[serde(with = "crate::compiled::exact_money")] Money),
    Date(#[serde(with = "crate::compiled::forms::day")] Date),
    Number(#[serde(with = "crate::compiled::forms::decimal")] Decimal),
    Bool(bool),
    /// The day the procurement starts.
    CaseDate,
    Fact {
        fact: FactId,
        default: Option<Box<CExpr>>,
    },
    /// A field of the element a quantifier (or a `define … for`) has at `level`.
    Field {
        level: u8,
        record: RecordId,
        field: u32,
        default: Option<Box<CExpr>>,
    },
    /// The element itself, for a list of names.
    Element {
        level: u8,
        list: ListId,
    },
    /// A `define … for RECORD` of the element at `level`.
    RecordDef {
        level: u8,
        def: DefId,
    },
    Param(ParamId),
    Def(DefId),
    Arith {
        op: ast::ArithOp,
        left: Box<CExpr>,
        right: Box<CExpr>,
    },
    PercentOf {
        #[serde(with = "crate::compiled::forms::decimal")]
        percent: Decimal,
        of: Box<CExpr>,
    },
    If {
        cond: Box<CCond>,
        then: Box<CExpr>,
        otherwise: Box<CExpr>,
    },
    Cond(Box<CCond>),
    /// `any`, `all` (yes/no), `count` (a number), `sum` (of `of`) over a list's elements, each
    /// at the next level.
    Quant {
        quantifier: ast::Quantifier,
        list: ListSrc,
        of: Option<Box<CExpr>>,
        cond: Option<Box<CCond>>,
    },
}

/// What `is missing` / `is stated` asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stated {
    Fact(FactId),
    Field {
        level: u8,
        record: RecordId,
        field: u32,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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
        values: Vec<NameId>,
    },
    IsMissing {
        fact: Stated,
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

/// A name that is an element in scope, one of its fields or one of its record's definitions.
#[derive(Debug, Clone, Copy)]
enum Member {
    Element(u8, ListId),
    Field(u8, RecordId, u32),
    Def(u8, DefId),
}

/// `a`, `a or b`, `a, b or c`.
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
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
    file_kinds: Vec<KindId>,
    /// The `clauses` groups: file and declaration, by name.
    groups: HashMap<String, (usize, ast::ClausesDecl)>,
    /// The record definitions (`define NAME for RECORD`), by record and name.
    record_defs: HashMap<(RecordId, String), DefId>,
    /// The elements quantifiers (or a record definition) have in scope: their names and what
    /// they are (a record, or a name of a list).
    scope: Vec<(String, Binder)>,
    /// The country of each file (`jurisdiction SE`), by file index.
    file_country: Vec<Option<CountryId>>,
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

/// What a name bound by a quantifier stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binder {
    Record(RecordId),
    Name(ListId),
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
        for file in &files {
            self.out.files.push(file.source.clone());
        }
        // Pass 0: the vocabulary, which everything else is checked against.
        let mut vocab = vocab::VocabChecker {
            files: &self.out.files,
            diagnostics: &mut self.diagnostics,
            out: Vocabulary::default(),
        };
        vocab.run(&files);
        self.out.vocab = Arc::new(vocab.out);
        // Pass 1: every name, so that items may refer to ones written later or in other files.
        let mut file_jurisdictions = Vec::new();
        for (index, file) in files.iter().enumerate() {
            let country = self.file_jurisdiction(index, file);
            file_jurisdictions.push(country);
            self.file_country.push(country);
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
                let codes: Vec<String> = self
                    .out
                    .vocab
                    .codes()
                    .iter()
                    .map(|c| format!("`jurisdiction {c}`"))
                    .collect();
                let d = self.error(
                    index,
                    Span::new(0, 0),
                    "this file has parameters, rules or examples but no jurisdiction",
                );
                d.help = Some(if codes.is_empty() {
                    "start the file with `jurisdiction CODE`, a country declared with `country CODE`"
                        .into()
                } else {
                    format!("start the file with {}", join_or(&codes))
                });
            }
            let jurisdiction = jurisdiction.unwrap_or(0);
            for item in file.items {
                match item {
                    Item::Source(_)
                    | Item::Country(_)
                    | Item::CaseKind(_)
                    | Item::List(_)
                    | Item::Record(_)
                    | Item::Fact(_)
                    | Item::Ledger(_)
                    | Item::Clauses(_) => {}
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
                record: None,
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
        let mut group_names: Vec<&String> = self.groups.keys().collect();
        group_names.sort();
        self.out.groups = group_names
            .into_iter()
            .map(|g| {
                let users = rules
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, _, r))| r.groups.iter().any(|(u, _, _)| &u.name == g))
                    .map(|(i, _)| i)
                    .collect();
                (g.clone(), users)
            })
            .collect();
        self.exceptions(&rules);
        for (index, jurisdiction, example) in examples {
            if let Some(checked) = self.example(index, jurisdiction, example) {
                self.out.examples.push(checked);
            }
        }
    }

    /// The kind of case a file's rules answer: `for partnerships` (or `for partnership`) names a
    /// declared kind; a file without `for` answers the default kind.
    fn file_case_kind(&mut self, index: usize, file: &ast::File) -> KindId {
        let vocab = Arc::clone(&self.out.vocab);
        match file.case_kind.as_ref() {
            None => vocab.default_kind,
            Some(ident) => {
                let name = ident.name.as_str();
                match vocab
                    .kind(name)
                    .or_else(|| name.strip_suffix('s').and_then(|n| vocab.kind(n)))
                {
                    Some(k) => k,
                    None => {
                        let plural: Vec<String> = vocab
                            .kinds
                            .iter()
                            .map(|k| format!("`for {}s`", k.name))
                            .collect();
                        let d =
                            self.error(index, ident.span, format!("unknown kind of case `{name}`"));
                        d.help = Some(if plural.is_empty() {
                            "declare the kinds of case with `case NAME`".into()
                        } else {
                            format!("write {}", join_or(&plural))
                        });
                        vocab.default_kind
                    }
                }
            }
        }
    }

    fn file_jurisdiction(&mut self, index: usize, file: &ast::File) -> Option<CountryId> {
        let ident = file.jurisdiction.as_ref()?;
        match self.out.vocab.country(&ident.name) {
            Some(c) => Some(c),
            None => {
                let codes = self.out.vocab.codes().join(", ");
                let help = did_you_mean(&ident.name, self.out.vocab.codes());
                let d = self.error(
                    index,
                    ident.span,
                    format!("unknown jurisdiction `{}`", ident.name),
                );
                d.help = Some(match help {
                    Some(h) => format!("did you mean `{h}`?"),
                    None if codes.is_empty() => {
                        "declare the country with `country CODE` in a rule file".into()
                    }
                    None => format!("the countries declared are: {codes}"),
                });
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
                if let (Some((from, _)), Some((to, to_span))) = (s.valid_from, s.valid_to)
                    && to < from
                {
                    self.error(
                        file,
                        to_span,
                        "a source's period must end on or after the day it starts",
                    );
                }
                self.out.sources.push(Source {
                    name: s.name.name.as_str().into(),
                    title: s.title.as_str().into(),
                    short: short.into(),
                    url: s.url.as_deref().map(Into::into),
                    valid_from: s.valid_from.map(|(d, _)| d),
                    valid_to: s.valid_to.map(|(d, _)| d),
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
                match &d.for_record {
                    None => self.declare_value(file, &d.name, NameRef::Def(id)),
                    Some(record) => match self.out.vocab.record(&record.name) {
                        Some(r) => {
                            let key = (r, d.name.name.clone());
                            let field = self.out.vocab.records[r]
                                .fields
                                .iter()
                                .any(|f| f.name == d.name.name);
                            if field || self.record_defs.contains_key(&key) {
                                self.error(
                                    file,
                                    d.name.span,
                                    format!(
                                        "`{}` is defined twice for `{}`",
                                        d.name.name, record.name
                                    ),
                                );
                            } else {
                                self.record_defs.insert(key, id);
                            }
                        }
                        None => {
                            let names: Vec<String> = self
                                .out
                                .vocab
                                .records
                                .iter()
                                .map(|r| r.name.clone())
                                .collect();
                            let help = did_you_mean(&record.name, names.iter().map(String::as_str));
                            self.error(
                                file,
                                record.span,
                                format!("unknown record `{}`", record.name),
                            )
                            .help = help.map(|h| format!("did you mean `{h}`?"));
                        }
                    },
                }
            }
            Item::Clauses(c) => {
                if self.groups.contains_key(&c.name.name) {
                    self.error(
                        file,
                        c.name.span,
                        format!("clauses `{}` is defined twice", c.name.name),
                    );
                } else {
                    self.groups.insert(c.name.name.clone(), (file, c.clone()));
                }
            }
            Item::Country(_)
            | Item::CaseKind(_)
            | Item::List(_)
            | Item::Record(_)
            | Item::Fact(_)
            | Item::Ledger(_) => {}
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
        if self.out.vocab.fact(&name.name).is_some() || name.name == "date" {
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
                pinpoint: citation.pinpoint.as_deref().map(Into::into),
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

    fn country_currency(&self, country: CountryId) -> Currency {
        self.out
            .vocab
            .countries
            .get(country)
            .map_or_else(Currency::default, |c| c.currency)
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

    fn parameter(&mut self, file: usize, jurisdiction: CountryId, p: ast::ParameterDecl) {
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
                self.country_currency(jurisdiction)
            }
        };
        let expected = self.country_currency(jurisdiction);
        if currency != expected
            && let Some(span) = p.entries.iter().find_map(|e| match &e.value {
                ast::ParamValue::Exact(m) => Some(m.currency.span),
                ast::ParamValue::Range { currency, .. } => Some(currency.span),
                _ => None,
            })
        {
            let code = self.out.vocab.code(jurisdiction).to_string();
            self.error(
                file,
                span,
                format!(
                    "`{}` is in {currency}, but the amounts of {code} are in {expected}",
                    p.name.name
                ),
            )
            .help = Some(format!(
                "a country's rules state their amounts in its currency (`country {code} … currency {expected}`); the rules define no conversion"
            ));
        }
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
        // A record's definition is named through an element (`p.upphandlande_myndighet`): any
        // record's definition of that name counts as used, which only orders the checking.
        let mut record_defs: HashMap<&str, Vec<DefId>> = HashMap::new();
        for ((_, name), id) in &self.record_defs {
            record_defs.entry(name.as_str()).or_default().push(*id);
        }
        let uses: Vec<Vec<DefId>> = self
            .pending_defs
            .iter()
            .map(|d| {
                let mut used = Vec::new();
                if let Some((_, decl)) = d {
                    names_in_expr(&decl.expr, &mut |name| {
                        if let Some((NameRef::Def(id), _)) = value_names.get(name) {
                            used.push(*id);
                        } else if let Some((_, member)) = name.rsplit_once('.')
                            && let Some(ids) = record_defs.get(member)
                        {
                            used.extend(ids.iter().copied());
                        }
                    });
                }
                used.sort_unstable();
                used.dedup();
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
        let record = decl.for_record.as_ref().and_then(|r| {
            self.out
                .vocab
                .record(&r.name)
                .map(|id| (r.name.clone(), id))
        });
        // A definition is checked on its own, whatever is in scope where it was first used; a
        // record's definition has its element in scope, named by the record.
        let outer = std::mem::take(&mut self.scope);
        if let Some((name, r)) = &record {
            self.scope.push((name.clone(), Binder::Record(*r)));
        }
        let mut deps = Deps::default();
        let checked = self.expr(file, &decl.expr, &mut deps);
        self.scope = outer;
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
            record: record.map(|(_, r)| r),
            titles,
            expr,
            ty,
            cites,
        };
        self.def_deps[id] = deps;
        self.def_state[id] = DefState::Done;
    }

    /// A definition used by `name`: checked (once), or `None` with the error said.
    fn use_definition(
        &mut self,
        file: usize,
        name: &Ident,
        id: DefId,
        deps: &mut Deps,
    ) -> Option<Ty> {
        if self.def_state.get(id) == Some(&DefState::InProgress) {
            self.error(
                file,
                name.span,
                format!("`{}` is defined in terms of itself", name.name),
            )
            .help = Some(
                "a definition may not use itself, directly or through other definitions".into(),
            );
            return None;
        }
        if self.def_state.get(id) == Some(&DefState::Unchecked) {
            // Definitions are checked in the order of their uses before anything else reads
            // them, so this cannot happen; refuse rather than recurse.
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
        Some(self.out.defs[id].ty)
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

    /// A name that is an element in scope or one of its fields or definitions: `p`, `p.kind`,
    /// `p.upphandlande_myndighet`. `None` when the name does not start with an element's name.
    fn resolve_member(
        &mut self,
        file: usize,
        name: &Ident,
        deps: &mut Deps,
    ) -> Option<Option<(Member, Ty)>> {
        let mut segments = name.name.splitn(2, '.');
        let head = segments.next().unwrap_or("");
        let rest = segments.next();
        let level = self.scope.iter().rposition(|(n, _)| n == head)?;
        let binder = self.scope[level].1;
        let level = level as u8;
        let vocab = Arc::clone(&self.out.vocab);
        Some(match (binder, rest) {
            (Binder::Name(list), None) => Some((Member::Element(level, list), Ty::Name(list))),
            (Binder::Record(r), None) => {
                self.error(
                    file,
                    name.span,
                    format!(
                        "`{head}` is an element of a list of {}: name one of its fields",
                        vocab.records[r].name
                    ),
                );
                None
            }
            (Binder::Name(_), Some(_)) => {
                self.error(
                    file,
                    name.span,
                    format!("`{head}` is a name and has no fields"),
                );
                None
            }
            (Binder::Record(r), Some(member)) => {
                let record = &vocab.records[r];
                if let Some(field) = record.fields.iter().position(|f| f.name == member) {
                    Some((
                        Member::Field(level, r, field as u32),
                        Ty::of(record.fields[field].ty),
                    ))
                } else if let Some(def) = self.record_defs.get(&(r, member.to_string())).copied() {
                    let ty = self.use_definition(file, name, def, deps)?;
                    Some((Member::Def(level, def), ty))
                } else {
                    let mut names: Vec<String> =
                        record.fields.iter().map(|f| f.name.clone()).collect();
                    names.extend(
                        self.record_defs
                            .keys()
                            .filter(|(rr, _)| *rr == r)
                            .map(|(_, n)| n.clone()),
                    );
                    let help = did_you_mean(member, names.iter().map(String::as_str));
                    let d = self.error(
                        file,
                        name.span,
                        format!("a {} has no field or definition `{member}`", record.name),
                    );
                    d.help = Some(help.map_or_else(
                        || format!("its fields are: {}", names.join(", ")),
                        |h| format!("did you mean `{head}.{h}`?"),
                    ));
                    None
                }
            }
        })
    }

    fn resolve(&mut self, file: usize, name: &Ident, deps: &mut Deps) -> Option<(NameRef, Ty)> {
        if name.name == "date" {
            return Some((NameRef::Date, Ty::Date));
        }
        if let Some(fact) = self.out.vocab.fact(&name.name) {
            deps.facts.insert(fact);
            return Some((
                NameRef::Fact(fact),
                Ty::of(self.out.vocab.fact_decl(fact).ty),
            ));
        }
        match self.value_names.get(&name.name).copied() {
            Some((NameRef::Param(id), _)) => {
                deps.params.insert(id);
                Some((NameRef::Param(id), Ty::Money))
            }
            Some((NameRef::Def(id), _)) => {
                let ty = self.use_definition(file, name, id, deps)?;
                Some((NameRef::Def(id), ty))
            }
            Some((other, _)) => Some((other, Ty::Date)),
            None => {
                let help = self.suggest(
                    &name.name,
                    self.value_names
                        .keys()
                        .map(String::as_str)
                        .chain(self.out.vocab.facts.iter().map(|f| f.path.as_str())),
                );
                let example = example_fact(&self.out.vocab, ValueType::Amount)
                    .map(|p| format!(" (e.g. `{p}`)"))
                    .unwrap_or_default();
                let d = self.error(file, name.span, format!("unknown name `{}`", name.name));
                d.label = Some("not defined in this rule set".into());
                d.help = help.map(|h| format!("did you mean `{h}`?")).or_else(|| {
                    Some(format!(
                        "names are facts of the case{example}, parameters or `define`s"
                    ))
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
                if let Some(member) = self.resolve_member(file, name, deps) {
                    let (member, ty) = member?;
                    let default = match default {
                        Some(d) => {
                            let Member::Field(..) = member else {
                                self.error(
                                    file,
                                    e.span,
                                    format!(
                                        "`{}` is not a fact of the case, so it cannot be missing",
                                        name.name
                                    ),
                                );
                                return None;
                            };
                            let (expr, dty) = self.expr(file, d, deps)?;
                            if dty != ty {
                                self.type_error(file, d.span, ty, dty);
                                return None;
                            }
                            Some(Box::new(expr))
                        }
                        None => None,
                    };
                    return Some((
                        match member {
                            Member::Element(level, list) => CExpr::Element { level, list },
                            Member::Field(level, record, field) => CExpr::Field {
                                level,
                                record,
                                field,
                                default,
                            },
                            Member::Def(level, def) => CExpr::RecordDef { level, def },
                        },
                        ty,
                    ));
                }
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
                            None => self.declared_default(fact).map(Box::new),
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
            ExprKind::Quantified {
                quantifier,
                binder,
                list,
                of,
                cond,
            } => self.quantified(
                file,
                e.span,
                *quantifier,
                binder,
                list,
                of.as_deref(),
                cond.as_deref(),
                deps,
            ),
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

    /// The default a fact's declaration gives (where the law supplies one), as a value.
    fn declared_default(&self, fact: FactId) -> Option<CExpr> {
        let decl = self.out.vocab.fact_decl(fact);
        let text = decl.default.as_deref()?;
        Some(match decl.ty {
            ValueType::Amount => CExpr::Money(text.parse().ok()?),
            ValueType::Date => CExpr::Date(text.parse().ok()?),
            ValueType::WholeNumber | ValueType::Percent => CExpr::Number(text.parse().ok()?),
            ValueType::YesNo => CExpr::Bool(text == "true"),
            _ => return None,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn quantified(
        &mut self,
        file: usize,
        span: Span,
        quantifier: ast::Quantifier,
        binder: &Ident,
        list: &Ident,
        of: Option<&ast::Expr>,
        cond: Option<&ast::Cond>,
        deps: &mut Deps,
    ) -> Option<(CExpr, Ty)> {
        use ast::Quantifier as Q;
        let (src, ty) = match self.resolve_member(file, list, deps) {
            Some(member) => match member? {
                (Member::Field(level, record, field), ty) => (
                    ListSrc::Field {
                        level,
                        record,
                        field,
                    },
                    ty,
                ),
                _ => {
                    self.error(file, list.span, format!("`{}` is not a list", list.name));
                    return None;
                }
            },
            None => match self.out.vocab.fact(&list.name) {
                Some(fact) => {
                    deps.facts.insert(fact);
                    (
                        ListSrc::Fact(fact),
                        Ty::of(self.out.vocab.fact_decl(fact).ty),
                    )
                }
                None => {
                    self.resolve(file, list, deps)?;
                    self.error(file, list.span, format!("`{}` is not a list", list.name));
                    return None;
                }
            },
        };
        let binder_kind = match ty {
            Ty::Records(r) => Binder::Record(r),
            Ty::Names(l) => Binder::Name(l),
            other => {
                self.error(
                    file,
                    list.span,
                    format!("`{}` is {}, not a list", list.name, other.describe()),
                )
                .help = Some(
                    "`any`, `all`, `count` and `sum` go over a list of records or names".into(),
                );
                return None;
            }
        };
        if self.scope.iter().any(|(n, _)| *n == binder.name)
            || self.value_names.contains_key(&binder.name)
            || self.out.vocab.fact(&binder.name).is_some()
        {
            self.error(
                file,
                binder.span,
                format!(
                    "`{}` already names something here; choose another name for the element",
                    binder.name
                ),
            );
            return None;
        }
        self.scope.push((binder.name.clone(), binder_kind));
        let checked_cond = match cond {
            Some(c) => self.cond(file, c, deps).map(Some),
            None => Some(None),
        };
        let checked_of = match of {
            Some(e) => self.expr(file, e, deps).map(Some),
            None => Some(None),
        };
        self.scope.pop();
        let (cond, of) = (checked_cond?, checked_of?);
        let ty = match quantifier {
            Q::Any | Q::All => {
                if cond.is_none() {
                    self.error(file, span, "`any` and `all` need a condition: `where …`");
                    return None;
                }
                Ty::Bool
            }
            Q::Count => Ty::Number,
            Q::Sum => match &of {
                Some((_, t @ (Ty::Money | Ty::Number))) => *t,
                Some((_, other)) => {
                    self.error(
                        file,
                        span,
                        format!("`sum` adds amounts or numbers, not {}", other.describe()),
                    );
                    return None;
                }
                None => {
                    self.error(
                        file,
                        span,
                        "`sum` needs what to add: `sum p in LIST of p.FIELD`",
                    );
                    return None;
                }
            },
        };
        if of.is_some() && quantifier != Q::Sum {
            self.error(file, span, "only `sum` takes `of`");
            return None;
        }
        Some((
            CExpr::Quant {
                quantifier,
                list: src,
                of: of.map(|(e, _)| Box::new(e)),
                cond: cond.map(Box::new),
            },
            ty,
        ))
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
                    let help = match example_fact(&self.out.vocab, ValueType::Amount) {
                        Some(p) => format!(
                            "compare it, e.g. `{p} < 100 000 {}`",
                            self.out
                                .vocab
                                .countries
                                .first()
                                .map_or_else(String::new, |c| c.currency.to_string())
                        ),
                        None => "compare it with `<`, `=` or `>`".into(),
                    };
                    let d = self.error(
                        file,
                        e.span,
                        format!("expected a condition, found {}", ty.describe()),
                    );
                    d.help = Some(help);
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
                let vocab = Arc::clone(&self.out.vocab);
                let list = match ty {
                    Ty::Name(list) => Some(list),
                    Ty::Bool => None,
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
                let allowed: Vec<String> = match list {
                    Some(l) => match self.file_country.get(file).copied().flatten() {
                        Some(c) => vocab
                            .names_in(l, c)
                            .into_iter()
                            .map(|n| vocab.name_text(l, n).to_string())
                            .collect(),
                        None => vocab.lists[l].names.clone(),
                    },
                    None => vec!["true".into(), "false".into()],
                };
                let mut resolved: Vec<NameId> = Vec::new();
                let mut truth_values = Vec::new();
                for v in values {
                    let found = match list {
                        Some(l) => vocab.lists[l]
                            .names
                            .iter()
                            .position(|n| *n == v.name)
                            .map(|i| i as NameId),
                        None => ["true", "false"]
                            .iter()
                            .position(|n| *n == v.name)
                            .map(|i| {
                                truth_values.push(i == 0);
                                i as NameId
                            }),
                    };
                    match found {
                        Some(n) => resolved.push(n),
                        None => {
                            let help = did_you_mean(&v.name, allowed.iter().map(String::as_str));
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
                if list.is_none() {
                    // `X is true` is `X`; `X is not false` likewise.
                    let wants_true = (truth_values.first() == Some(&true)) != *negated;
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
                if let Some(member) = self.resolve_member(file, name, deps) {
                    return match member? {
                        (Member::Field(level, record, field), _) => Some(CCond::IsMissing {
                            fact: Stated::Field {
                                level,
                                record,
                                field,
                            },
                            negated: *negated,
                        }),
                        _ => {
                            self.error(
                                file,
                                subject.span,
                                format!(
                                    "`{}` is not a fact of the case, so it cannot be missing",
                                    name.name
                                ),
                            );
                            None
                        }
                    };
                }
                let Some(fact) = self.out.vocab.fact(&name.name) else {
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
                    fact: Stated::Fact(fact),
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

    fn rule(&mut self, file: usize, jurisdiction: CountryId, r: &ast::RuleDecl) -> CheckedRule {
        let what = format!("rule `{}`", r.name.name);
        let mut deps = Deps::default();
        let when = r.when.as_ref().and_then(|c| self.cond(file, c, &mut deps));
        let outcome = match &r.outcome {
            ast::OutcomeDecl::Allowed => RuleOutcome::Allowed,
            ast::OutcomeDecl::Undecided { .. } => RuleOutcome::Undecided,
            ast::OutcomeDecl::NotAllowed { requires } => {
                RuleOutcome::NotAllowed(requires.as_ref().and_then(|p| self.procedure(file, p)))
            }
        };
        // The rule's own clauses, with each group's where it was written.
        let mut own_obligations: Vec<(usize, &ast::WithObligation)> =
            r.obligations.iter().map(|o| (file, o)).collect();
        let mut own_warnings: Vec<(usize, &ast::WithObligation)> =
            r.warnings.iter().map(|w| (file, w)).collect();
        let groups: Vec<(usize, ast::ClausesDecl, usize, usize)> = r
            .groups
            .iter()
            .filter_map(|(name, before_o, before_w)| match self.groups.get(&name.name) {
                Some((f, g)) => Some((*f, g.clone(), *before_o, *before_w)),
                None => {
                    let names: Vec<String> = self.groups.keys().cloned().collect();
                    let help = did_you_mean(&name.name, names.iter().map(String::as_str));
                    self.error(file, name.span, format!("unknown clauses `{}`", name.name))
                        .help = Some(help.map_or(
                        "define them with `clauses NAME` and its `with obligation` / `with warning` clauses".into(),
                        |h| format!("did you mean `{h}`?"),
                    ));
                    None
                }
            })
            .collect();
        for (f, g, before_o, before_w) in groups.iter().rev() {
            let at_o = (*before_o).min(own_obligations.len());
            for o in g.obligations.iter().rev() {
                own_obligations.insert(at_o, (*f, o));
            }
            let at_w = (*before_w).min(own_warnings.len());
            for w in g.warnings.iter().rev() {
                own_warnings.insert(at_w, (*f, w));
            }
        }
        if !own_obligations.is_empty() && !matches!(outcome, RuleOutcome::Allowed) {
            self.error(
                file,
                r.outcome_span,
                "only an `allowed` outcome can carry obligations",
            );
        }
        let mut obligations = Vec::new();
        for (f, o) in own_obligations {
            let when = o.when.as_ref().and_then(|c| self.cond(f, c, &mut deps));
            if let Some(id) = self.attached(f, &o.name, NamedKind::Obligation) {
                obligations.push((id, when));
            }
        }
        let mut warnings = Vec::new();
        for (f, w) in own_warnings {
            let when = w.when.as_ref().and_then(|c| self.cond(f, c, &mut deps));
            if let Some(id) = self.attached(f, &w.name, NamedKind::Warning) {
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
            contradictory: matches!(
                r.outcome,
                ast::OutcomeDecl::Undecided {
                    contradictory: true
                }
            ),
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
    fn exceptions(&mut self, rules: &[(usize, CountryId, ast::RuleDecl)]) {
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
        jurisdiction: CountryId,
        e: ast::ExampleDecl,
    ) -> Option<Example> {
        let mut givens = Vec::new();
        let mut ok = true;
        let vocab = Arc::clone(&self.out.vocab);
        let mut probe = crate::case::Case::empty(&vocab, jurisdiction, Date::constant(2000, 1, 1));
        probe.kind = self.file_kinds[file];
        for g in &e.givens {
            let path = g.path.name.as_str();
            let known = path == "date"
                || vocab.resolve(path).is_some()
                || vocab.element_path(path).is_some()
                || vocab
                    .related_path(path)
                    .is_some_and(|(_, inner)| vocab.resolve(&inner).is_some());
            if !known {
                let mut candidates: Vec<&str> =
                    vocab.facts.iter().map(|f| f.path.as_str()).collect();
                candidates.extend(vocab.facts.iter().filter_map(|f| f.each_as.as_deref()));
                let help = self.suggest(path, candidates.iter().copied());
                let d = self.error(file, g.path.span, format!("unknown fact `{path}`"));
                d.help = Some(help.map_or_else(
                    || format!("the facts are: {}", candidates.join(", ")),
                    |h| format!("did you mean `{h}`?"),
                ));
                ok = false;
                continue;
            }
            let text = match &g.value {
                ast::Literal::Money(m) => format!("{} {}", m.amount, m.currency.name),
                ast::Literal::Date(d) => d.to_string(),
                ast::Literal::Number(n) => n.to_string(),
                ast::Literal::Bool(b) => b.to_string(),
                ast::Literal::Name(n) => n.clone(),
            };
            if let Err(message) = probe.set(path, &text) {
                self.error(file, g.span, message);
                ok = false;
                continue;
            }
            givens.push((path.to_string(), text));
        }
        if !givens.iter().any(|(f, _)| f == "date") {
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
        NameRef::Date => CExpr::CaseDate,
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
        ExprKind::Quantified { list, of, cond, .. } => {
            found(&list.name);
            if let Some(e) = of {
                names_in_expr(e, found);
            }
            if let Some(c) = cond {
                names_in_cond(c, found);
            }
        }
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
        CExpr::Money(_)
        | CExpr::Date(_)
        | CExpr::Number(_)
        | CExpr::Bool(_)
        | CExpr::Param(_)
        | CExpr::CaseDate
        | CExpr::Element { .. } => 0,
        CExpr::Fact { default, .. } | CExpr::Field { default, .. } => {
            default.as_ref().map_or(0, |d| expr_height(d, def_heights))
        }
        CExpr::Def(d) | CExpr::RecordDef { def: d, .. } => {
            def_heights.get(*d).copied().unwrap_or(0)
        }
        CExpr::Quant { of, cond, .. } => of
            .as_ref()
            .map_or(0, |e| expr_height(e, def_heights))
            .max(cond.as_ref().map_or(0, |c| cond_height(c, def_heights))),
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

/// The first fact the vocabulary declares with a type: the example a message gives, so that no
/// fact is named in Rust.
pub(crate) fn example_fact(vocab: &Vocabulary, ty: ValueType) -> Option<&str> {
    vocab
        .facts
        .iter()
        .find(|f| f.ty == ty)
        .map(|f| f.path.as_str())
}
