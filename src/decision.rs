//! The decision: what `eval` found, as typed data. `explain` renders it; programs read it.
//!
//! A decision is self-contained: the outcome, every rule considered and what became of it, the
//! facts, parameters (with their periods and sources) and computed values that were used, and,
//! when undecided, every reason. Its JSON form is versioned by [`FORMAT_VERSION`].

use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::case::{Case, CaseRecord};
use crate::money::{Currency, Money};

/// The version of the JSON decision format. Raised on any incompatible change.
pub const FORMAT_VERSION: u32 = 2;

/// The version of the JSON documents of `thresholds`, `test`, `lint`, `fmt` and `diff`: other
/// shapes than a decision's, versioned on their own.
pub const TOOLS_FORMAT_VERSION: u32 = 1;

/// What the buyer may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Direct award is allowed.
    Allowed,
    /// Direct award is allowed, and the obligations listed must be met.
    AllowedWithObligations,
    /// Direct award is not allowed; `procedure` names what the law requires instead.
    NotAllowed,
    /// The rules do not decide this case; `reasons` say why. Never to be read as allowed.
    Undecided,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// What the rules decide for a case, with everything an explanation, a program or the
/// procurement file needs: [`RuleSet::evaluate`](crate::RuleSet::evaluate) makes it.
#[non_exhaustive]
pub struct Decision {
    /// What kind of case it is, as the rule files declare it (`purchase`: may it be awarded
    /// directly? `partnership`: may it be done without a procurement?). The rest of the shape is
    /// the same for every kind.
    pub kind: String,
    /// The country's code, e.g. `SE`.
    pub jurisdiction: String,
    #[serde(with = "date_text")]
    /// The case's date, which selected the law in force.
    pub date: Date,
    /// What the buyer may do; `undecided` when the rules do not settle it.
    pub outcome: Outcome,
    /// The rules whose outcome this is (several when they agree).
    pub decided_by: Vec<String>,
    /// The procedure required instead, when not allowed; `null` otherwise.
    pub procedure: Option<Named>,
    /// The duties of an allowed outcome, each with its citations.
    pub obligations: Vec<Named>,
    /// Obligations that apply for some of the ways the unknowns could fall (each one's text says
    /// when), beside the `obligations` that apply in every way.
    #[serde(default)]
    pub conditional_obligations: Vec<Named>,
    /// What the buyer should know whatever it does: risks, consequences, advice.
    #[serde(default)]
    pub warnings: Vec<Named>,
    /// Why the case is undecided; empty when decided.
    pub reasons: Vec<Reason>,
    /// Every rule in force for the case's jurisdiction and date, and what became of it.
    pub rules: Vec<RuleTrace>,
    /// The facts, parameters and computed values the deciding rules used.
    pub values: Vec<ValueTrace>,
    /// Things the reader should know: unverified values used, ranges that did not matter.
    pub notes: Vec<Note>,
    /// Decisions the case leads to, e.g. for a partnership, the purchase it still requires.
    #[serde(default)]
    pub related: Vec<RelatedDecision>,
    /// How the answer falls for each way the unknowns could fall, when the case split had to
    /// look: a conditional answer (undecided, the branches differ), or a decided one whose
    /// branches agree but say different things on the way. Empty when the case as given
    /// settled everything that matters.
    #[serde(default)]
    pub branches: Vec<Branch>,
    /// The facts whose answer can change the outcome, most decisive first (empty when decided).
    #[serde(default)]
    pub questions: Vec<Question>,
    /// The unknowns the outcome does not depend on: it holds whatever they are.
    #[serde(default)]
    pub holds_whatever: Vec<String>,
    /// What the case's other facts imply about an unknown: its other values would contradict
    /// them (the rules say so with `undecided, contradictory`), so they are not ways the case
    /// can be and the answer leaves them out. E.g. `purchase.category` is `services` when the
    /// case gives an annex 2 CPV code.
    #[serde(default)]
    pub implied: Vec<BranchCondition>,
    /// The case as it was given, so that the decision can be filed with the procurement.
    pub case: CaseRecord,
    /// Which rules and which engine decided: filled in by [`RuleSet::evaluate`](crate::RuleSet::evaluate).
    #[serde(default)]
    pub rule_set: RuleSetInfo,
}

/// The rule set and engine a decision was made with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleSetInfo {
    /// A SHA-256 of the rule files' names and texts, in path order (`sha256:` and hex).
    pub content_hash: String,
    /// The version of regelverk.
    pub engine_version: String,
}

/// One way the unknowns of a case could fall, and what follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Branch {
    /// The values of the unknowns in this branch, e.g. `purchase.service_class` is `ordinary`.
    pub when: Vec<BranchCondition>,
    /// What the branch gives.
    pub outcome: Outcome,
    /// The procedure required in this branch, when not allowed.
    pub procedure: Option<Named>,
    /// The rules whose condition certainly holds in this branch and that give its outcome.
    pub decided_by: Vec<String>,
    /// The duties that apply throughout the branch.
    pub obligations: Vec<Named>,
    /// Obligations that apply to part of what the branch covers (each one's text says when).
    #[serde(default)]
    pub conditional_obligations: Vec<Named>,
    /// Warnings of the rules that may decide this branch.
    #[serde(default)]
    pub warnings: Vec<Named>,
    /// Why the branch is undecided, if it is.
    pub reasons: Vec<Reason>,
    /// The values the deciding rules' texts name, as they are in this branch.
    #[serde(default)]
    pub values: Vec<ValueTrace>,
}

/// What a branch takes an unknown to be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BranchCondition {
    /// A fact's path (`purchase.service_class`) or a parameter's name.
    pub name: String,
    /// Whether it is a fact or a parameter.
    pub kind: ValueKind,
    /// The values it takes in the branch.
    pub value: BranchValue,
}

/// The values an unknown takes in a branch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum BranchValue {
    /// One of these names of a closed list.
    OneOf {
        /// The names.
        values: Vec<String>,
    },
    /// Yes or no.
    Bool {
        /// Which.
        value: bool,
    },
    /// An amount or number from `low` to `high`, both included; `None` where the branch goes on
    /// to the end of the possible values.
    Range {
        /// The lowest value, included; `None` from the smallest possible.
        low: Option<Decimal>,
        /// The highest value, included; `None` up to the largest possible.
        high: Option<Decimal>,
        #[serde(skip_serializing_if = "Option::is_none")]
        /// The amount's currency; `None` for a number.
        currency: Option<Currency>,
    },
}

/// A fact whose answer can change the outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Question {
    /// The fact's path, e.g. `purchase.service_class`.
    pub fact: String,
    /// The names it may take, for a closed list; empty for amounts, numbers and yes/no.
    pub values: Vec<String>,
    /// What kind of answer it takes: `name`, `yes_no`, `amount`, `number`.
    pub answer: String,
}

/// A decision made as part of another, with what it is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RelatedDecision {
    /// What the related decision is about, e.g. `procurement`.
    pub subject: String,
    /// The related decision itself.
    pub decision: Decision,
}

/// A procedure or obligation, with its citations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Named {
    /// Its name in the rule files.
    pub name: String,
    /// Where the law says so.
    pub citations: Vec<Citation>,
    /// What it says, in the language of the explanation (filled in by the JSON rendering).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// A place in a legal source that a rule, value or duty rests on.
///
/// The texts are shared (`Arc<str>`, serialised as plain strings) with the rule set: a decision
/// cites a few sources from dozens of rules, and a citation clones reference counts rather than
/// copying its texts.
#[non_exhaustive]
pub struct Citation {
    /// The source's name in the rule files, e.g. `prop_2013_14_133`.
    pub source: Arc<str>,
    /// How running text names it, e.g. `prop. 2013/14:133`.
    pub label: Arc<str>,
    /// The source's full title, e.g. "Lag (2016:1145) om offentlig upphandling".
    pub title: Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The place within the source, e.g. `19 a kap. 1 §`.
    pub pinpoint: Option<Arc<str>>,
    /// The place cited is not confirmed by the reference material.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unverified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The source's address, where the rule files give one.
    pub url: Option<Arc<str>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// A rule in force for the case, and what became of it.
#[non_exhaustive]
pub struct RuleTrace {
    /// The rule's name in the rule files (shared with the rule set, serialised as a string).
    pub name: Arc<str>,
    /// Whether it applied.
    pub status: RuleStatus,
    /// For `overridden`: the exceptions that took precedence and certainly apply, directly or
    /// through other exceptions, in rule order; at most 16 (a chain of exceptions would
    /// otherwise name the square of its length).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overridden_by: Vec<String>,
    /// What the rule cites.
    pub citations: Vec<Citation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// What became of a rule in force.
#[non_exhaustive]
pub enum RuleStatus {
    /// Its condition holds and no exception to it applies.
    Applied,
    /// Its condition holds but an exception to it applies.
    Overridden,
    /// Its condition does not hold.
    NotApplicable,
    /// Whether its condition holds depends on something not known.
    Uncertain,
}

/// A value the deciding rules used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ValueTrace {
    /// A fact's path, a parameter's or a definition's name.
    pub name: String,
    /// Fact, parameter or computed value.
    pub kind: ValueKind,
    /// Its value in this case.
    pub value: Shown,
    /// For a parameter: the period and source of the value in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// For a computed value that is a sum: its parts, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// What a computed value cites.
    pub citations: Vec<Citation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// Where a value comes from.
#[non_exhaustive]
pub enum ValueKind {
    /// Stated by the case.
    Fact,
    /// A parameter of the rule files (a threshold, a limit).
    Parameter,
    /// Computed by a `define` of the rule files.
    Computed,
}

/// The period of a parameter value and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Period {
    #[serde(with = "date_text")]
    /// The first day of the period.
    pub from: Date,
    /// The last day of the period; `None` while no later value is known.
    #[serde(
        with = "option_date_text",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub to: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The source of the value.
    pub citation: Option<Citation>,
    /// No source confirms the value.
    pub unverified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The rule file's note on the value.
    pub note: Option<String>,
}

/// One term of a sum, e.g. the options in the value of a procurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Part {
    /// The name of the term (a fact, parameter or computed value), or the literal as written.
    pub name: String,
    /// Added or subtracted.
    pub sign: Sign,
    /// Its value.
    pub value: Shown,
    /// The fact was not stated and the rule file's default was used.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub defaulted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// Whether a term is added or subtracted.
pub enum Sign {
    /// Added.
    Plus,
    /// Subtracted.
    Minus,
}

/// A value as the decision shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Shown {
    /// An exact amount.
    Money {
        /// The amount.
        amount: Decimal,
        /// Its currency.
        currency: Currency,
    },
    /// The exact amount lies in `low..=high`.
    MoneyRange {
        /// The lowest amount it may be.
        low: Decimal,
        /// The highest amount it may be.
        high: Decimal,
        /// Their currency.
        currency: Currency,
    },
    /// An exact number.
    Number {
        /// The number.
        value: Decimal,
    },
    /// The exact number lies in `low..=high`.
    NumberRange {
        /// The lowest it may be.
        low: Decimal,
        /// The highest it may be.
        high: Decimal,
    },
    /// A day.
    Date {
        #[serde(with = "date_text")]
        /// The day.
        value: Date,
    },
    /// Yes or no.
    Bool {
        /// Which.
        value: bool,
    },
    /// A text or a name.
    Text {
        /// The text.
        value: String,
    },
    /// Not known: see the decision's reasons.
    Unknown,
}

impl Shown {
    /// An amount as shown.
    pub fn money(m: Money) -> Shown {
        Shown::Money {
            amount: m.amount,
            currency: m.currency,
        }
    }

    /// The value as a rule file writes it (`650 000 SEK`, `between 1 and 2 SEK`, `true`), for
    /// the people who maintain the rules; explanations use the reader's language instead.
    pub fn notation(&self) -> String {
        match self {
            Shown::Money { amount, currency } => Money::new(*amount, *currency).notation(),
            Shown::MoneyRange {
                low,
                high,
                currency,
            } => format!(
                "between {} and {}",
                crate::money::format_amount(*low, crate::lang::Lang::Sv),
                Money::new(*high, *currency).notation()
            ),
            Shown::Number { value } => crate::money::format_amount(*value, crate::lang::Lang::Sv),
            Shown::NumberRange { low, high } => format!(
                "between {} and {}",
                crate::money::format_amount(*low, crate::lang::Lang::Sv),
                crate::money::format_amount(*high, crate::lang::Lang::Sv)
            ),
            Shown::Date { value } => value.to_string(),
            Shown::Bool { value } => value.to_string(),
            Shown::Text { value } => value.clone(),
            Shown::Unknown => "unknown".into(),
        }
    }
}

impl Outcome {
    /// The outcome as a rule file's `expect` writes it: `allowed`, `allowed with obligations`,
    /// `not allowed, requires PROCEDURE`, `undecided`.
    pub fn notation(self, procedure: Option<&str>) -> String {
        match (self, procedure) {
            (Outcome::Allowed, _) => "allowed".into(),
            (Outcome::AllowedWithObligations, _) => "allowed with obligations".into(),
            (Outcome::NotAllowed, Some(p)) => format!("not allowed, requires {p}"),
            (Outcome::NotAllowed, None) => "not allowed".into(),
            (Outcome::Undecided, _) => "undecided".into(),
        }
    }
}

/// Why a case is undecided.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// The case does not state a fact the rules need.
    MissingFact {
        /// The fact's path.
        fact: String,
    },
    /// Only a range is known for a parameter, and the outcome differs within it.
    ParameterRange {
        /// The parameter.
        parameter: String,
        /// The lowest value it may have.
        low: Decimal,
        /// The highest value it may have.
        high: Decimal,
        /// Their currency.
        currency: Currency,
    },
    /// No value of a parameter is known for the case's date.
    ParameterUnknown {
        /// The parameter.
        parameter: String,
        #[serde(with = "date_text")]
        /// The case's date.
        date: Date,
    },
    /// Two amounts in different currencies had to be compared.
    CurrencyMismatch {
        /// The currency the rules use.
        expected: Currency,
        /// The currency the case used.
        found: Currency,
    },
    /// No rule of the rule set is in force for the jurisdiction and this kind of case on the
    /// case's date; `covered_from`/`covered_to` are the first and last day any such rule is.
    NoRulesInForce {
        /// The country's code.
        jurisdiction: String,
        #[serde(with = "date_text")]
        /// The case's date.
        date: Date,
        /// The kind of case, as the rule files name it (empty in a decision written before it
        /// was recorded).
        #[serde(default)]
        case_kind: String,
        /// The first day any rule for this kind of case is in force.
        #[serde(default, with = "option_date_text")]
        covered_from: Option<Date>,
        /// The last day any rule for this kind of case is in force.
        #[serde(default, with = "option_date_text")]
        covered_to: Option<Date>,
    },
    /// Rules are in force, but none of them covers this case.
    NoRuleApplies,
    /// The rules in force on the case's date do not cover it, and further rules for this kind of
    /// case begin on a later day (e.g. the cooperation rules of the current act).
    RulesBeginLater {
        /// The kind of case, as the rule files name it.
        case_kind: String,
        /// The first day after the case's date on which a further rule begins.
        #[serde(with = "date_text")]
        from: Date,
    },
    /// Rules that both apply say different things.
    Conflict {
        /// The rules.
        rules: Vec<String>,
    },
    /// A rule leaves the question open (it needs a lawyer's judgement, or is not yet covered).
    LeftOpenByRule {
        /// The rule.
        rule: String,
    },
    /// The outcome depends on these facts or parameters: see the decision's branches.
    DependsOn {
        /// The facts' paths and parameters' names.
        names: Vec<String>,
    },
    /// Too many ways the unknowns could fall to follow them all; the case is left undecided.
    TooManyBranches {
        /// The most branches followed.
        limit: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
/// Something the reader of a decision should know.
#[non_exhaustive]
pub enum Note {
    /// A value used is marked unverified in the rule file.
    UnverifiedValue {
        /// The parameter.
        parameter: String,
    },
    /// A parameter is known only as a range, but the outcome is the same across all of it.
    RangeDidNotMatter {
        /// The parameter.
        parameter: String,
    },
    /// A fact was not stated, and the rule file's default was used.
    DefaultUsed {
        /// The fact's path.
        fact: String,
    },
}

/// The outcome of a decision without the trace an explanation needs: what
/// [`RuleSet::decide`](crate::RuleSet::decide) gives, the fast path for many cases at once.
///
/// Its fields always equal those of the same name in the [`Decision`] that
/// [`RuleSet::evaluate`](crate::RuleSet::evaluate) gives for the same rules and case; the names
/// borrow from the rule set instead of being copied.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Verdict<'r> {
    /// As [`Decision::outcome`].
    pub outcome: Outcome,
    /// As [`Decision::decided_by`].
    pub decided_by: Vec<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// As [`Decision::procedure`], by name.
    pub procedure: Option<&'r str>,
    /// As [`Decision::obligations`], by name.
    pub obligations: Vec<&'r str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// As [`Decision::warnings`], by name.
    pub warnings: Vec<&'r str>,
    /// As [`Decision::reasons`].
    pub reasons: Vec<Reason>,
    /// For a conditional answer: each branch's conditions and outcome.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<BranchVerdict<'r>>,
    /// The verdicts of the decisions this one leads to (a partnership's required purchase).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedVerdict<'r>>,
}

/// A branch of a conditional answer, as a [`Verdict`] gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BranchVerdict<'r> {
    /// As [`Branch::when`].
    pub when: Vec<BranchCondition>,
    /// As [`Branch::outcome`].
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// As [`Branch::procedure`], by name.
    pub procedure: Option<&'r str>,
    /// As [`Branch::decided_by`].
    pub decided_by: Vec<&'r str>,
}

/// A related decision's verdict, with what it is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RelatedVerdict<'r> {
    /// As [`RelatedDecision::subject`].
    pub subject: &'r str,
    /// The related decision's verdict.
    pub verdict: Verdict<'r>,
}

/// The strictest of an outcome and those of the decisions it leads to: a partnership that may go
/// ahead is still "not allowed" as a whole when the purchase it requires may not be awarded
/// directly, and undecided when that purchase is.
fn combined(own: Outcome, related: impl Iterator<Item = Outcome>) -> Outcome {
    let rank = |o: Outcome| match o {
        Outcome::Allowed => 0,
        Outcome::AllowedWithObligations => 1,
        Outcome::Undecided => 2,
        Outcome::NotAllowed => 3,
    };
    match own {
        Outcome::NotAllowed | Outcome::Undecided => own,
        _ => related.fold(own, |acc, o| if rank(o) > rank(acc) { o } else { acc }),
    }
}

impl Decision {
    /// A decision with nothing decided yet, for a case.
    pub(crate) fn empty(case: &Case) -> Decision {
        Decision {
            kind: case.kind().to_string(),
            jurisdiction: case.jurisdiction().to_string(),
            date: case.date,
            outcome: Outcome::Undecided,
            decided_by: Vec::new(),
            procedure: None,
            obligations: Vec::new(),
            conditional_obligations: Vec::new(),
            warnings: Vec::new(),
            reasons: Vec::new(),
            rules: Vec::new(),
            values: Vec::new(),
            notes: Vec::new(),
            related: Vec::new(),
            branches: Vec::new(),
            questions: Vec::new(),
            holds_whatever: Vec::new(),
            implied: Vec::new(),
            case: case.record(),
            rule_set: RuleSetInfo::default(),
        }
    }

    /// The parts of this decision that a [`Verdict`] holds.
    pub fn verdict(&self) -> Verdict<'_> {
        let conditional = self.outcome == Outcome::Undecided;
        Verdict {
            outcome: self.outcome,
            decided_by: self.decided_by.iter().map(String::as_str).collect(),
            procedure: self.procedure.as_ref().map(|p| p.name.as_str()),
            obligations: self.obligations.iter().map(|o| o.name.as_str()).collect(),
            warnings: self.warnings.iter().map(|w| w.name.as_str()).collect(),
            reasons: self.reasons.clone(),
            branches: if conditional {
                self.branches
                    .iter()
                    .map(|b| BranchVerdict {
                        when: b.when.clone(),
                        outcome: b.outcome,
                        procedure: b.procedure.as_ref().map(|p| p.name.as_str()),
                        decided_by: b.decided_by.iter().map(String::as_str).collect(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            related: self
                .related
                .iter()
                .map(|r| RelatedVerdict {
                    subject: r.subject.as_str(),
                    verdict: r.decision.verdict(),
                })
                .collect(),
        }
    }

    /// The outcome of this decision together with those it leads to: what the buyer may do in
    /// all. A partnership that may go ahead but whose required purchase may not be awarded
    /// directly is `NotAllowed` here (and the CLI exits with 3).
    pub fn combined_outcome(&self) -> Outcome {
        combined(
            self.outcome,
            self.related.iter().map(|r| r.decision.combined_outcome()),
        )
    }
}

impl Verdict<'_> {
    /// As [`Decision::combined_outcome`].
    pub fn combined_outcome(&self) -> Outcome {
        combined(
            self.outcome,
            self.related.iter().map(|r| r.verdict.combined_outcome()),
        )
    }
}

pub(crate) mod date_text {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        crate::case::parse_date(&text).map_err(serde::de::Error::custom)
    }
}

pub(crate) mod option_date_text {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| crate::case::parse_date(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}
