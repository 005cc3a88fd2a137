//! What several test files need: the embedded rules, the shipped example cases, and the shipped
//! vocabulary for rule files tested on their own.

// Each test binary uses only some of these.
#![allow(dead_code)]

use std::path::Path;

use regelverk::{Case, RuleSet};

pub fn embedded_rules() -> RuleSet {
    RuleSet::embedded().unwrap_or_else(|e| panic!("the embedded rules do not check:\n{e}"))
}

pub fn shared_rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(embedded_rules)
}

/// A case from `examples/`, e.g. `kommun-tjanster-650k.toml` or `partnerships/x.toml`, read
/// through the embedded rules' vocabulary.
pub fn example_case(relative: &str) -> Case {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    shared_rules()
        .read_case(&text, relative)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The shipped vocabulary (`rules/vocabulary.regel`): the countries, kinds of case, lists and
/// facts a rule file tested on its own reads.
pub fn vocabulary() -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/vocabulary.regel");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ("vocabulary.regel".to_string(), text)
}

/// A rule file with the shipped vocabulary beside it.
pub fn with_vocabulary(file: (String, String)) -> Vec<(String, String)> {
    vec![vocabulary(), file]
}

/// Rule files with the shipped vocabulary beside them.
pub fn with_vocabulary_all(files: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut all = vec![vocabulary()];
    all.extend(files);
    all
}

/// A Swedish purchase on 2026-03-01 stating only its value in kronor, read through the shipped
/// vocabulary (so any rule set declaring the same vocabulary decides it as it is).
pub fn se_case(value: i64) -> Case {
    se_case_in(shared_rules(), value)
}

/// [`se_case`] read through the vocabulary of `rules`.
pub fn se_case_in(rules: &RuleSet, value: i64) -> Case {
    let date = "2026-03-01".parse().unwrap_or_else(|e| panic!("{e}"));
    let mut case = rules.new_case("SE", date).unwrap_or_else(|e| panic!("{e}"));
    case.set("purchase.value", &format!("{value} SEK"))
        .unwrap_or_else(|e| panic!("{e}"));
    case
}

/// Rule files made in the test, as big as a test needs: the reproducers of issue 10 and the
/// rule sets of the bounds property. Every file is valid unless its name says otherwise.
pub mod rulegen {
    /// A Swedish file's start: a source and a parameter `g` (700 000 SEK from 2022-02-01).
    pub fn header() -> String {
        "jurisdiction SE\n\nsource LOU \"Lag (2016:1145) om offentlig upphandling\"\n\nparameter g\n  sv \"gränsen\" nb \"grensen\" en \"the limit\"\n  from 2022-02-01  700 000 SEK  cite LOU \"19 a kap.\"\n".to_string()
    }

    /// A rule that allows when `condition` holds.
    pub fn rule(name: &str, condition: &str) -> String {
        rule_over(name, condition, &[])
    }

    /// A rule written as an exception to `over`.
    pub fn rule_over(name: &str, condition: &str, over: &[String]) -> String {
        let exception = if over.is_empty() {
            String::new()
        } else {
            format!("\n  exception to {}", over.join(", "))
        };
        format!(
            "\nrule {name}{exception}\n  when {condition}\n  then allowed\n  cite LOU\n  sv \"text\" nb \"tekst\" en \"text\"\n"
        )
    }

    pub fn define(name: &str, expr: &str) -> String {
        format!("\ndefine {name}\n  sv \"v\" nb \"v\" en \"v\"\n  = {expr}\n  cite LOU\n")
    }

    /// `d0 = d1, d1 = d2, …, d(n-1) = purchase.value`, written `d0` first (each definition
    /// uses one written after it) or last, and a rule reading `d0`.
    pub fn definition_chain(n: usize, last_first: bool) -> String {
        let mut items: Vec<String> = (0..n)
            .map(|i| {
                let next = if i + 1 < n {
                    format!("d{}", i + 1)
                } else {
                    "purchase.value".to_string()
                };
                define(&format!("d{i}"), &next)
            })
            .collect();
        if last_first {
            items.reverse();
        }
        header() + &rule("r", "d0 < g") + &items.concat()
    }

    /// `n` rules, each an exception to the one before.
    pub fn exception_chain(n: usize) -> String {
        let mut text = header() + &rule("r0", "purchase.value < g");
        for i in 1..n {
            text += &rule_over(
                &format!("r{i}"),
                "purchase.value < g",
                &[format!("r{}", i - 1)],
            );
        }
        text
    }

    /// One condition with `n` parentheses around it; `escape` puts a `\"` in a string first
    /// (which once switched the nesting guard off).
    pub fn nested_parentheses(n: usize, escape: bool) -> String {
        let mut text = header();
        if escape {
            text = text.replace("\"19 a kap.\"", "\"19 a \\\" kap.\"");
        }
        text + &rule(
            "r",
            &format!("{}purchase.value < g{}", "(".repeat(n), ")".repeat(n)),
        )
    }

    pub fn nots(n: usize) -> String {
        header() + &rule("r", &format!("{}purchase.value < g", "not ".repeat(n)))
    }

    /// A sum of `n` terms.
    pub fn sum(n: usize) -> String {
        header()
            + &rule(
                "r",
                &format!("{} < g", vec!["purchase.value"; n].join(" + ")),
            )
    }

    /// One line of `n` comparisons with names nobody defined.
    pub fn unknown_names(n: usize) -> String {
        let line: Vec<String> = (0..n).map(|i| format!("x{i} < g")).collect();
        header() + &rule("r", &line.join(" and "))
    }

    /// `n` rules that all allow, in files of at most 20 000 rules (under the file size limit).
    pub fn many_rules(n: usize) -> Vec<(String, String)> {
        let mut files = Vec::new();
        let mut text = header();
        for i in 0..n {
            text += &rule(&format!("r{i}"), "purchase.value < g");
            if (i + 1) % 20_000 == 0 {
                files.push((format!("many{}.regel", files.len()), text));
                text = "jurisdiction SE\n".to_string();
            }
        }
        files.push((format!("many{}.regel", files.len()), text));
        files
    }
}
