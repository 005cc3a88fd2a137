//! The rule language as owned data: what a rule file says, with a span on every node.
//!
//! Produced by `syntax`, consumed by `check`. Nothing here borrows the source text or knows
//! about pest. Names are not yet resolved and types are not yet known: that is `check`'s job.

// Every node keeps its span so any later stage can point at it; not every span is read yet.
#![allow(dead_code)]

use jiff::civil::Date;
use rust_decimal::Decimal;

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
    Rule(RuleDecl),
    Example(ExampleDecl),
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
    pub citations: Vec<Citation>,
    pub texts: Vec<TextDecl>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum OutcomeDecl {
    Allowed,
    NotAllowed { requires: Option<Ident> },
    Undecided,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        };
        Expr {
            kind,
            span,
            height: below + 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}
