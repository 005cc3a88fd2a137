//! Running the examples written in rule files: each is a case with its expected outcome.
//!
//! Invariant: an example fails on any difference in outcome, procedure or deciding rule, and a
//! failure carries what was expected, what the rules gave, and the values that decided it.

use serde::Serialize;

use crate::case::Case;
use crate::check::{Example, Expected, RuleSet};
use crate::decision::{Decision, Outcome};
use crate::lang::Lang;

/// What became of one example.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ExampleResult {
    /// The example's title.
    pub title: String,
    /// `file:line:col` of the example.
    pub location: String,
    /// The rule file the example is in, as the user named it.
    pub file: String,
    /// Whether the rules gave what the example expects.
    pub passed: bool,
    /// What went wrong, in one line, when it failed: `expected …, got …`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// The expected outcome, as the example's `expect` writes it.
    pub expected: String,
    /// What the rules gave, in the same words, with the deciding rules; empty when the example
    /// could not be run (its `failure` says why).
    pub got: String,
    /// When it failed: the facts, parameters and computed values the deciding rules read, as a
    /// rule file writes them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<UsedValue>,
    /// When it failed undecided: why, in English.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// A value a decision read: `direktupphandlingsvärde = 750 000 SEK`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsedValue {
    pub name: String,
    pub value: String,
    /// For a parameter: the period of the value in force, e.g. `from 2022-02-01`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

impl RuleSet {
    /// Runs every example in the rule set, in file order.
    pub fn run_examples(&self) -> Vec<ExampleResult> {
        self.examples.iter().map(|e| self.run_example(e)).collect()
    }

    /// The case each example describes, with where it is written (`file:line:col`), or why its
    /// facts make no case: to decide the examples' cases with another rule set of the same
    /// vocabulary (the compiled form, a changed rule set).
    pub fn example_cases(&self) -> Vec<(String, Result<Case, String>)> {
        self.examples
            .iter()
            .map(|e| (self.example_location(e), self.example_case(e)))
            .collect()
    }

    fn example_location(&self, example: &Example) -> String {
        let source = &self.files[example.file];
        let (line, col) = source.line_col(example.span.start);
        format!("{}:{line}:{col}", source.name)
    }

    fn run_example(&self, example: &Example) -> ExampleResult {
        let source = &self.files[example.file];
        let mut result = ExampleResult {
            title: example.title.clone(),
            location: self.example_location(example),
            file: source.name.clone(),
            passed: false,
            failure: None,
            expected: self.describe_expected(example),
            got: String::new(),
            values: Vec::new(),
            reasons: Vec::new(),
        };
        let decision = match self.decide_example(example) {
            Ok(decision) => decision,
            Err(e) => {
                result.failure = Some(e);
                return result;
            }
        };
        result.got = describe(&decision);
        result.passed = self.matches(example, &decision);
        if !result.passed {
            result.failure = Some(format!("expected {}, got {}", result.expected, result.got));
            result.values = decision
                .values
                .iter()
                .map(|v| UsedValue {
                    name: v.name.clone(),
                    value: v.value.notation(),
                    period: v.period.as_ref().map(|p| match p.to {
                        Some(to) => format!("from {} to {to}", p.from),
                        None => format!("from {}", p.from),
                    }),
                })
                .collect();
            result.reasons = decision
                .reasons
                .iter()
                .map(|r| crate::explain::reason_text(r, self, Lang::En))
                .collect();
        }
        result
    }

    fn decide_example(&self, example: &Example) -> Result<Decision, String> {
        let case = self.example_case(example)?;
        Ok(self.evaluate(&case))
    }

    /// The case an example describes: its country, its file's kind of case, and its facts.
    pub(crate) fn example_case(&self, example: &Example) -> Result<Case, String> {
        let date = example
            .givens
            .iter()
            .find(|(f, _)| f == "date")
            .map(|(_, d)| d.as_str())
            .unwrap_or("");
        let date = crate::case::parse_date(date)?;
        let mut case = Case::empty(&self.vocab, example.jurisdiction, date);
        case.kind = example.case_kind;
        for (path, text) in &example.givens {
            case.set(path, text)?;
        }
        Ok(case)
    }

    fn matches(&self, example: &Example, decision: &Decision) -> bool {
        let outcome_matches = match example.expect {
            Expected::Allowed => decision.outcome == Outcome::Allowed,
            Expected::AllowedWithObligations => decision.outcome == Outcome::AllowedWithObligations,
            Expected::Undecided => decision.outcome == Outcome::Undecided,
            Expected::NotAllowed(procedure) => {
                decision.outcome == Outcome::NotAllowed
                    && procedure.is_none_or(|p| {
                        decision
                            .procedure
                            .as_ref()
                            .is_some_and(|d| d.name == self.procedures[p].name)
                    })
            }
        };
        let by_matches = example
            .by
            .is_none_or(|r| decision.decided_by.contains(&self.rules[r].name));
        outcome_matches && by_matches
    }

    /// An expected outcome as the example's `expect` writes it, without its `by`.
    pub(crate) fn expected_notation(&self, expected: Expected) -> String {
        match expected {
            Expected::Allowed => Outcome::Allowed.notation(None),
            Expected::AllowedWithObligations => Outcome::AllowedWithObligations.notation(None),
            Expected::Undecided => Outcome::Undecided.notation(None),
            Expected::NotAllowed(p) => {
                Outcome::NotAllowed.notation(p.map(|p| self.procedures[p].name.as_str()))
            }
        }
    }

    fn describe_expected(&self, example: &Example) -> String {
        let mut text = self.expected_notation(example.expect);
        if let Some(r) = example.by {
            text.push_str(&format!(" by {}", self.rules[r].name));
        }
        text
    }
}

fn describe(decision: &Decision) -> String {
    let mut text = decision
        .outcome
        .notation(decision.procedure.as_ref().map(|p| p.name.as_str()));
    if !decision.decided_by.is_empty() {
        text.push_str(&format!(" by {}", decision.decided_by.join(", ")));
    }
    text
}
