//! Running the examples written in rule files: each is a case with its expected outcome.

use serde::Serialize;

use crate::case::{Case, Fact};
use crate::check::{Expected, RuleSet};
use crate::decision::{Decision, Outcome};

/// What became of one example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExampleResult {
    pub title: String,
    /// `file:line:col` of the example.
    pub location: String,
    pub passed: bool,
    /// What went wrong, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

impl RuleSet {
    /// Runs every example in the rule set, in file order.
    pub fn run_examples(&self) -> Vec<ExampleResult> {
        self.examples
            .iter()
            .map(|example| {
                let source = &self.files[example.file];
                let (line, col) = source.line_col(example.span.start);
                let location = format!("{}:{line}:{col}", source.name);
                let failure = self.run_example(example).err();
                ExampleResult {
                    title: example.title.clone(),
                    location,
                    passed: failure.is_none(),
                    failure,
                }
            })
            .collect()
    }

    fn run_example(&self, example: &crate::check::Example) -> Result<(), String> {
        let date = example
            .givens
            .iter()
            .find(|(f, _)| *f == Fact::Date)
            .map(|(_, d)| d.as_str())
            .unwrap_or("");
        let date = crate::case::parse_date(date)?;
        let mut case = Case::new(example.jurisdiction, date);
        if example.case_kind == crate::case::CaseKind::Partnership {
            case.partnership.get_or_insert_with(Default::default);
        }
        for (fact, text) in &example.givens {
            case.set_fact(*fact, text)?;
        }
        let decision = self.evaluate(&case);
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
        if outcome_matches && by_matches {
            Ok(())
        } else {
            Err(format!(
                "expected {}, got {}",
                self.describe_expected(example),
                describe(&decision)
            ))
        }
    }

    fn describe_expected(&self, example: &crate::check::Example) -> String {
        let mut text = match example.expect {
            Expected::Allowed => "allowed".to_string(),
            Expected::AllowedWithObligations => "allowed with obligations".to_string(),
            Expected::Undecided => "undecided".to_string(),
            Expected::NotAllowed(None) => "not allowed".to_string(),
            Expected::NotAllowed(Some(p)) => {
                format!("not allowed, requires {}", self.procedures[p].name)
            }
        };
        if let Some(r) = example.by {
            text.push_str(&format!(" by {}", self.rules[r].name));
        }
        text
    }
}

fn describe(decision: &Decision) -> String {
    let mut text = match decision.outcome {
        Outcome::Allowed => "allowed".to_string(),
        Outcome::AllowedWithObligations => "allowed with obligations".to_string(),
        Outcome::Undecided => "undecided".to_string(),
        Outcome::NotAllowed => match &decision.procedure {
            Some(p) => format!("not allowed, requires {}", p.name),
            None => "not allowed".to_string(),
        },
    };
    if !decision.decided_by.is_empty() {
        text.push_str(&format!(" by {}", decision.decided_by.join(", ")));
    }
    if !decision.reasons.is_empty() {
        let reasons: Vec<String> = decision.reasons.iter().map(|r| format!("{r:?}")).collect();
        text.push_str(&format!(" ({})", reasons.join("; ")));
    }
    text
}
