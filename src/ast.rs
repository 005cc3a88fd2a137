//! The rule language as owned data: what a rule file says, with a span on every node.
//!
//! Produced by `syntax`, consumed by `check`. Nothing here borrows the source text or knows
//! about pest. Names are not yet resolved and types are not yet known: that is `check`'s job.

// Every node keeps its span so any later stage can point at it; not every span is read yet.
#![allow(dead_code)]

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{SourceText, Span};
use crate::lang::Lang;

/// One parsed rule file.
#[derive(Debug, Clone)]
pub struct File {
    pub source: SourceText,
    /// `jurisdiction SE` at the top: everything in the file belongs to it.
    pub jurisdiction: Option<Ident>,
    /// `… for partnerships`: the kind of case the file's rules and examples are about.
    pub case_kind: Option<Ident>,
    pub items: Vec<Item>,
}

// Items are built once per file and moved, never copied in bulk: boxing the large ones buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Item {
    Source(SourceDecl),
    Parameter(ParameterDecl),
    Define(DefineDecl),
    Procedure(NamedTextDecl),
    Obligation(NamedTextDecl),
    Warning(NamedTextDecl),
    Clauses(ClausesDecl),
    Rule(RuleDecl),
    Example(ExampleDecl),
    Country(CountryDecl),
    CaseKind(CaseDecl),
    List(ListDecl),
    Record(RecordDecl),
    Fact(FactDecl),
    Ledger(LedgerDecl),
}

/// `country SE` with its names, currency and language of explanation.
#[derive(Debug, Clone)]
pub struct CountryDecl {
    pub name: Ident,
    pub texts: Vec<TextDecl>,
    pub currency: Option<Ident>,
    pub language: Option<(Lang, Span)>,
    pub span: Span,
}

/// `case partnership`: a kind of case, the section of a case file that holds its facts, and the
/// words of its verdicts.
#[derive(Debug, Clone)]
pub struct CaseDecl {
    pub name: Ident,
    pub texts: Vec<TextDecl>,
    pub section: Option<Ident>,
    /// `default`: the kind of a case that has none of the kinds' sections.
    pub default: bool,
    /// `rules for sv "…" nb "…" en "…"`: how running text names this kind's rules.
    pub rules_for: Vec<TextDecl>,
    pub verdicts: Vec<VerdictDecl>,
    /// `form asks first … help … pasted …`: the page's form for this kind of case.
    pub form: Option<FormDecl>,
    pub related: Option<RelatedDecl>,
    pub span: Span,
}

/// `form asks first buyer.kind, purchase.value help sv "…" pasted sv "…"`: what the page's form
/// for a kind of case asks first, in order, its help text, and how the page for pasting a whole
/// case names a case of this kind.
#[derive(Debug, Clone)]
pub struct FormDecl {
    /// The facts' paths, in the order the form asks them (after the country and the day).
    pub first: Vec<Ident>,
    pub help: Vec<TextDecl>,
    pub pasted: Vec<TextDecl>,
    pub span: Span,
}

/// `verdict allowed sv "…" nb "…" en "…"`, or `verdict allowed for DK …` for one country's words
#[derive(Debug, Clone)]
pub struct VerdictDecl {
    pub outcome: VerdictKind,
    /// `for DK, NO`: the countries whose verdict these words are; empty for every country.
    pub countries: Vec<Ident>,
    pub texts: Vec<TextDecl>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum VerdictKind {
    Allowed,
    AllowedWithObligations,
    NotAllowed,
    Undecided,
}

/// `related purchase from partnership.procurement`: a case of another kind that a case of this
/// kind holds in a section, decided too.
#[derive(Debug, Clone)]
pub struct RelatedDecl {
    pub kind: Ident,
    pub from: Ident,
    /// `when not allowed`: decided only where the main case is not allowed (or undecided).
    pub when_not_allowed: bool,
    pub title: Vec<TextDecl>,
    pub verdicts: Vec<VerdictDecl>,
    /// `instead verdict …`: what is said of the related case where the main case is not allowed.
    pub instead: Vec<VerdictDecl>,
    pub span: Span,
}

/// `list buyer_kind` with its items.
#[derive(Debug, Clone)]
pub struct ListDecl {
    pub name: Ident,
    pub texts: Vec<TextDecl>,
    pub includes: Vec<Ident>,
    pub items: Vec<ListItemDecl>,
    pub span: Span,
}

/// `item statlig_myndighet for SE, NO alias "statlig myndighet" sv "…" nb "…" en "…"`
#[derive(Debug, Clone)]
pub struct ListItemDecl {
    pub name: Ident,
    pub countries: Vec<Ident>,
    pub aliases: Vec<String>,
    pub texts: Vec<TextDecl>,
    pub span: Span,
}

/// `record party` with its fields and its one-line form.
#[derive(Debug, Clone)]
pub struct RecordDecl {
    pub name: Ident,
    pub texts: Vec<TextDecl>,
    pub fields: Vec<FieldDecl>,
    /// `one line name; kind; contributes`
    pub line: Vec<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeDecl,
    pub required: bool,
    /// `mark controlled`: how a yes/no field is written on one line.
    pub mark: Option<Ident>,
    pub texts: Vec<TextDecl>,
    pub span: Span,
}

/// The type of a fact or field as declared.
#[derive(Debug, Clone)]
pub enum TypeDecl {
    Amount,
    Date,
    WholeNumber,
    Percent,
    YesNo,
    Text,
    Cpv,
    /// `one of LIST`
    OneOf(Ident),
    /// `list of LIST` or `list of RECORD`
    ListOf(Ident),
}

/// `fact purchase.value amount` with its labels, question, default, countries and flag.
#[derive(Debug, Clone)]
pub struct FactDecl {
    pub path: Ident,
    pub ty: TypeDecl,
    pub ty_span: Span,
    pub texts: Vec<TextDecl>,
    pub question: Vec<TextDecl>,
    pub default: Option<FactDefault>,
    pub countries: Vec<Ident>,
    pub flag: Option<(String, Span)>,
    /// `each as partnership.party`: a path that adds one element, written on one line.
    pub each_as: Option<Ident>,
    /// `if true sv "…" …` and `if false …`: how a yes/no fact reads as a statement, by value.
    pub if_said: Vec<FactIf>,
    pub span: Span,
}

/// `if true sv "…" nb "…" en "…"`: what a yes/no fact with this value says.
#[derive(Debug, Clone)]
pub struct FactIf {
    pub value: bool,
    pub texts: Vec<TextDecl>,
    pub span: Span,
}

/// `ledger for SE`: how the spend audit poses a month of a group of payments from a country's
/// published ledgers.
#[derive(Debug, Clone)]
pub struct LedgerDecl {
    pub country: Ident,
    pub clauses: Vec<LedgerClause>,
    pub span: Span,
}

/// One clause of a `ledger` declaration, with where it was written.
#[derive(Debug, Clone)]
pub struct LedgerClause {
    pub part: LedgerPart,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum LedgerPart {
    /// `layout NAME`: the file format the ledgers are read as.
    Layout(Ident),
    /// `buyer buyer.kind is kommun`: the fact that says the kind of buyer, and the kind assumed.
    Buyer { fact: Ident, kind: Ident },
    /// `value PATH`: the fact a month's net spend is posed as.
    Value(Ident),
    /// `earlier PATH`: the fact the group's earlier net spend in the fiscal year is posed as.
    Earlier(Ident),
    /// `category PATH`: the fact `--category` states.
    Category(Ident),
    /// `not recorded A, B when A is x, C`: the facts a ledger does not record, in order.
    NotRecorded(Vec<NotRecordedDecl>),
    /// `grouping sv "…" …`: what a group of payments does not settle.
    Grouping(Vec<TextDecl>),
    /// `next steps sv "…" …`: what to check next, one step a line.
    NextSteps(Vec<TextDecl>),
}

/// A fact a ledger does not record; `when A is x`: a question only where the earlier fact `A`
/// is `x`.
#[derive(Debug, Clone)]
pub struct NotRecordedDecl {
    pub fact: Ident,
    pub when: Option<(Ident, Ident)>,
}

/// `default 0 SEK cite LOU "5 kap."`: what the law says a fact is when a case does not state it.
#[derive(Debug, Clone)]
pub struct FactDefault {
    pub value: Literal,
    pub citations: Vec<Citation>,
    pub span: Span,
}

/// `clauses NAME` followed by `with obligation …` and `with warning …` clauses.
#[derive(Debug, Clone)]
pub struct ClausesDecl {
    pub name: Ident,
    pub obligations: Vec<WithObligation>,
    pub warnings: Vec<WithObligation>,
    pub span: Span,
}

/// A name as written, with where it was written. Dotted fact paths are names too.
#[derive(Debug, Clone)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `source LOU "Lag (2016:1145) om offentlig upphandling" url "…"`
#[derive(Debug, Clone)]
pub struct SourceDecl {
    pub name: Ident,
    pub title: String,
    /// How citations name it in running text, e.g. `prop. 2013/14:133`; defaults to the name.
    pub short: Option<String>,
    pub url: Option<String>,
    /// `from … to …`: the first and last day the source is in force (or speaks for); either
    /// end may be open.
    pub valid_from: Option<(Date, Span)>,
    pub valid_to: Option<(Date, Span)>,
    pub span: Span,
}

/// `cite LOU "19 a kap. 1 §"`
#[derive(Debug, Clone)]
pub struct Citation {
    pub source: Ident,
    pub pinpoint: Option<String>,
    /// The place cited is not confirmed by the reference material.
    pub unverified: bool,
    pub span: Span,
}

/// `sv "…"`: one line of a text in one language.
#[derive(Debug, Clone)]
pub struct TextDecl {
    pub lang: Lang,
    pub text: String,
    pub span: Span,
}

/// `parameter NAME` with its titles and its table of dated values.
#[derive(Debug, Clone)]
pub struct ParameterDecl {
    pub name: Ident,
    pub texts: Vec<TextDecl>,
    pub entries: Vec<ParamEntry>,
    pub span: Span,
}

/// `from 2024-01-01  2 389 585 SEK  cite KKV "…"`
#[derive(Debug, Clone)]
pub struct ParamEntry {
    pub from: Date,
    pub from_span: Span,
    pub value: ParamValue,
    pub unverified: bool,
    pub citation: Option<Citation>,
    pub note: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ParamValue {
    Exact(MoneyLit),
    /// `between 2 268 000 and 2 592 000 SEK`: the exact figure is not known.
    Range {
        low: Decimal,
        high: Decimal,
        currency: Ident,
        span: Span,
    },
    /// `unknown`: no value is known from this date.
    Unknown,
    /// `repealed`: the parameter no longer exists from this date.
    Repealed,
}

/// An amount as written: digits and a currency code, not yet validated.
#[derive(Debug, Clone)]
pub struct MoneyLit {
    pub amount: Decimal,
    pub currency: Ident,
    pub span: Span,
}

/// `define NAME … = EXPR`
#[derive(Debug, Clone)]
pub struct DefineDecl {
    pub name: Ident,
    /// `define NAME for RECORD`: a value of each element of a list of such records.
    pub for_record: Option<Ident>,
    pub texts: Vec<TextDecl>,
    pub expr: Expr,
    pub citations: Vec<Citation>,
    pub span: Span,
}

/// A `procedure`, an `obligation` or a `warning`: a name, its texts and its citations.
#[derive(Debug, Clone)]
pub struct NamedTextDecl {
    pub name: Ident,
    pub texts: Vec<TextDecl>,
    pub citations: Vec<Citation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RuleDecl {
    pub name: Ident,
    /// The rules this one overrides when it applies.
    pub exception_to: Vec<Ident>,
    pub valid_from: Option<(Date, Span)>,
    pub valid_to: Option<(Date, Span)>,
    pub when: Option<Cond>,
    pub outcome: OutcomeDecl,
    pub outcome_span: Span,
    pub obligations: Vec<WithObligation>,
    pub warnings: Vec<WithObligation>,
    /// `with NAME`: the clauses of a `clauses` group, with how many of the rule's own
    /// obligations and warnings come before it.
    pub groups: Vec<(Ident, usize, usize)>,
    pub citations: Vec<Citation>,
    pub texts: Vec<TextDecl>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum OutcomeDecl {
    Allowed,
    NotAllowed {
        requires: Option<Ident>,
    },
    /// `undecided`, or `undecided, contradictory` when the rule finds the case's facts
    /// contradicting each other.
    Undecided {
        contradictory: bool,
    },
}

/// `with obligation NAME [when CONDITION]`, and likewise `with warning`
#[derive(Debug, Clone)]
pub struct WithObligation {
    pub name: Ident,
    pub when: Option<Cond>,
}

/// `example "title" given … expect …`
#[derive(Debug, Clone)]
pub struct ExampleDecl {
    pub title: String,
    pub givens: Vec<Given>,
    pub expect: Expect,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Given {
    pub path: Ident,
    pub value: Literal,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Literal {
    Money(MoneyLit),
    Date(Date),
    Number(Decimal),
    Bool(bool),
    Name(String),
}

#[derive(Debug, Clone)]
pub struct Expect {
    pub outcome: ExpectedOutcome,
    pub by: Option<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExpectedOutcome {
    Allowed,
    AllowedWithObligations,
    NotAllowed { requires: Option<Ident> },
    Undecided,
}

/// A condition. Built only through [`Cond::new`], which works out its height.
#[derive(Debug, Clone)]
pub struct Cond {
    pub kind: CondKind,
    pub span: Span,
    /// The longest path from this node down to a leaf, counted in nodes: every stage that walks
    /// the tree recursively (lowering, checking, dropping, formatting) goes this deep, and the
    /// lowering refuses trees taller than `syntax::MAX_HEIGHT`.
    pub height: usize,
}

impl Cond {
    pub fn new(kind: CondKind, span: Span) -> Cond {
        let below = match &kind {
            CondKind::Or(items) | CondKind::And(items) => {
                items.iter().map(|c| c.height).max().unwrap_or(0)
            }
            CondKind::Not(inner) => inner.height,
            CondKind::Truth(e)
            | CondKind::Is { subject: e, .. }
            | CondKind::IsMissing { subject: e, .. } => e.height,
            CondKind::Compare { left, right, .. } => left.height.max(right.height),
            CondKind::Between { subject, low, high } => {
                subject.height.max(low.height).max(high.height)
            }
        };
        Cond {
            kind,
            span,
            height: below + 1,
        }
    }
}

#[derive(Debug, Clone)]
pub enum CondKind {
    Or(Vec<Cond>),
    And(Vec<Cond>),
    Not(Box<Cond>),
    /// A yes/no value used as a condition, e.g. `purchase.framework_agreement`.
    Truth(Expr),
    Compare {
        op: CmpOp,
        left: Expr,
        right: Expr,
    },
    Between {
        subject: Expr,
        low: Expr,
        high: Expr,
    },
    /// `X is kommun`, `X is not one of a, b`, `X is true`
    Is {
        subject: Expr,
        negated: bool,
        values: Vec<Ident>,
    },
    IsMissing {
        subject: Expr,
        negated: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// A value. Built only through [`Expr::new`], which works out its height (see [`Cond::height`]).
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    pub height: usize,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let below = match &kind {
            ExprKind::Money(_) | ExprKind::Date(_) | ExprKind::Number(_) | ExprKind::Bool(_) => 0,
            ExprKind::Name { default, .. } => default.as_ref().map_or(0, |d| d.height),
            ExprKind::Arith { left, right, .. } => left.height.max(right.height),
            ExprKind::PercentOf { of, .. } => of.height,
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => cond.height.max(then.height).max(otherwise.height),
            ExprKind::Cond(c) => c.height,
            ExprKind::Quantified { of, cond, .. } => of
                .as_ref()
                .map_or(0, |e| e.height)
                .max(cond.as_ref().map_or(0, |c| c.height)),
        };
        Expr {
            kind,
            span,
            height: below + 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Money(MoneyLit),
    Date(Date),
    Number(Decimal),
    Bool(bool),
    /// A fact, a parameter or a definition, with what to use when a fact is not stated.
    Name {
        name: Ident,
        default: Option<Box<Expr>>,
    },
    Arith {
        op: ArithOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `28 % of X`
    PercentOf {
        percent: Decimal,
        of: Box<Expr>,
    },
    If {
        cond: Box<Cond>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// A condition used as a yes/no value (a `define` may name one).
    Cond(Box<Cond>),
    /// `any p in LIST where C`, `all …`, `count p in LIST [where C]`, `sum p in LIST of E [where C]`
    Quantified {
        quantifier: Quantifier,
        binder: Ident,
        list: Ident,
        of: Option<Box<Expr>>,
        cond: Option<Box<Cond>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Quantifier {
    Any,
    All,
    Count,
    Sum,
}
