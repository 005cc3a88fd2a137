//! The JSON Schemas are truthful: every example case validates against the case schema, every
//! decision document against the decision schema, and the case schema names exactly the fields
//! a case can have.
//!
//! It lives in this crate, beside the differential test, because the validator (`jsonschema`)
//! brings about sixty crates (regular expressions, big numbers, URIs) that nothing else needs:
//! the README's `cargo test` stays lean, and `.ci/run` runs this test explicitly.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regelverk::schema::{case_schema, decision_schema};
use regelverk::vocab::ValueType;
use regelverk::{Case, Lang, RuleSet};
use serde_json::Value;

/// The repository's root: this crate is its `benches/` folder.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The embedded rules, checked once for the whole file.
fn embedded_rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::embedded().unwrap_or_else(|e| panic!("the embedded rules do not check:\n{e}"))
    })
}

/// A case from `examples/`, read through the embedded rules' vocabulary.
fn example_case(relative: &str) -> Case {
    let path = root().join("examples").join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    embedded_rules()
        .read_case(&text, relative)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Where `instance` breaks `schema`, by a JSON Schema 2020-12 validator from crates.io.
fn validate(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::draft202012::new(schema)
        .unwrap_or_else(|e| panic!("the schema is not valid JSON Schema: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// A TOML case file as the JSON it stands for (dates as their text), which the schema describes.
fn toml_as_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_as_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_as_json(v))).collect())
        }
    }
}

/// Every file in `examples/`, as it is written, validates against the schema `regelverk schema`
/// prints (all countries) and against its own country's.
#[test]
fn every_file_in_examples_validates_as_written() {
    let rules = embedded_rules();
    let all = case_schema(rules.vocabulary(), None);
    let root = root().join("examples");
    let mut seen = 0;
    for dir in [
        root.clone(),
        root.join("partnerships"),
        root.join("funding"),
    ] {
        for entry in std::fs::read_dir(&dir).expect("examples") {
            let path = entry.expect("an entry").path();
            let text = match path.extension().and_then(|e| e.to_str()) {
                Some("toml" | "json") => std::fs::read_to_string(&path).expect("readable"),
                _ => continue,
            };
            let json: Value = if path.extension().is_some_and(|e| e == "json") {
                serde_json::from_str(&text).expect("JSON")
            } else {
                toml_as_json(
                    text.parse::<toml::Table>()
                        .map(toml::Value::Table)
                        .expect("TOML"),
                )
            };
            let name = path.display();
            assert_eq!(validate(&all, &json), Vec::<String>::new(), "{name}");
            let code = json["jurisdiction"].as_str().expect("a country");
            let own = case_schema(rules.vocabulary(), Some(code));
            assert_eq!(validate(&own, &json), Vec::<String>::new(), "{name}");
            seen += 1;
        }
    }
    assert!(seen > 30, "{seen} example files");
}

fn example_cases() -> Vec<(String, Case)> {
    let root = root().join("examples");
    let mut names = Vec::new();
    for dir in [
        root.clone(),
        root.join("partnerships"),
        root.join("funding"),
    ] {
        for entry in std::fs::read_dir(&dir).expect("examples") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "toml" || e == "json") {
                let relative = path
                    .strip_prefix(&root)
                    .expect("inside")
                    .display()
                    .to_string();
                names.push(relative);
            }
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let case = example_case(&n);
            (n, case)
        })
        .collect()
}

#[test]
fn every_example_case_and_its_decision_validate() {
    let rules = embedded_rules();
    let all = case_schema(rules.vocabulary(), None);
    let decision_schema = decision_schema();
    let cases = example_cases();
    assert!(cases.len() > 30);
    for (name, case) in cases {
        let json = serde_json::to_value(&case).expect("serialisable");
        let problems = validate(&all, &json);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        // And against its own country's schema.
        let own = case_schema(rules.vocabulary(), Some(case.jurisdiction()));
        let problems = validate(&own, &json);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        for lang in Lang::ALL {
            let document = serde_json::to_value(rules.explain_value(&rules.evaluate(&case), lang))
                .expect("serialisable");
            let problems = validate(&decision_schema, &document);
            assert!(problems.is_empty(), "{name} ({lang}): {problems:#?}");
        }
    }
}

#[test]
fn the_case_schema_refuses_what_the_reader_refuses() {
    let rules = embedded_rules();
    let schema = case_schema(rules.vocabulary(), None);
    for bad in [
        r#"{"date":"2026-03-01"}"#,
        r#"{"jurisdiction":"FI","date":"2026-03-01"}"#,
        r#"{"jurisdiction":"SE","date":"2026-03-01","purchase":{"valeu":"1 SEK"}}"#,
        r#"{"jurisdiction":"SE","date":"2026-03-01","buyer":{"kind":"landsting"}}"#,
        r#"{"jurisdiction":"SE","date":"2026-03-01","purchase":{"cpv":"9291"}}"#,
    ] {
        let value: Value = serde_json::from_str(bad).expect("JSON");
        assert!(!validate(&schema, &value).is_empty(), "{bad} validates");
        assert!(rules.read_case(bad, "c.json").is_err(), "{bad} is read");
    }
    // The Swedish and Norwegian words a case may use are in the schema too.
    let aliases: Value = serde_json::from_str(
        r#"{"jurisdiction":"se","date":"2026-03-01","purchase":{"category":"tjänster"}}"#,
    )
    .expect("JSON");
    assert_eq!(validate(&schema, &aliases), Vec::<String>::new());
}

/// A case with every fact of a country filled in, serialised: its keys at each level are the
/// schema's, and the reader takes it.
#[test]
fn the_case_schema_names_every_field_of_a_case() {
    let rules = embedded_rules();
    let vocab = rules.vocabulary();
    let date = regelverk::case::parse_date("2026-03-01").expect("a date");
    for code in vocab.codes() {
        let mut purchase = rules.new_case(code, date).expect("a country");
        let mut partnership = rules.new_case(code, date).expect("a country");
        let mut modification = rules.new_case(code, date).expect("a country");
        let country = vocab.country(code).expect("declared");
        let currency = rules.currency(code).expect("a currency");
        for (i, fact) in vocab.facts.iter().enumerate() {
            if fact.path == "date"
                || !vocab.fact_in(regelverk::vocab::FactId::from_index(i), country)
            {
                continue;
            }
            let (path, value) = match fact.ty {
                ValueType::Amount => (fact.path.clone(), format!("1 {currency}")),
                ValueType::WholeNumber | ValueType::Percent => (fact.path.clone(), "1".into()),
                ValueType::YesNo => (fact.path.clone(), "true".into()),
                ValueType::Cpv => (fact.path.clone(), "92000000".into()),
                ValueType::Date => (fact.path.clone(), "2026-03-01".into()),
                ValueType::Text => (fact.path.clone(), "text".into()),
                ValueType::OneOf(l) | ValueType::Names(l) => {
                    (fact.path.clone(), vocab.lists[l].names[0].clone())
                }
                ValueType::Records(r) => {
                    let record = &vocab.records[r];
                    let line: Vec<String> = record
                        .line
                        .iter()
                        .map(|&f| match record.fields[f].ty {
                            ValueType::OneOf(l) | ValueType::Names(l) => {
                                vocab.lists[l].names[0].clone()
                            }
                            ValueType::YesNo => record.fields[f].mark.clone(),
                            _ => "x".into(),
                        })
                        .collect();
                    (
                        fact.each_as.clone().expect("given one at a time"),
                        line.join("; "),
                    )
                }
            };
            let target = if fact.path.starts_with("partnership.") {
                &mut partnership
            } else if fact.path.starts_with("modification.") {
                &mut modification
            } else {
                &mut purchase
            };
            target
                .set(&path, &value)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        }
        let schema = case_schema(vocab, Some(code));
        let root = &schema["$defs"][format!("case_{code}")];
        for case in [&purchase, &partnership, &modification] {
            let json = serde_json::to_value(case).expect("serialisable");
            assert!(
                rules.read_case(&json.to_string(), "c.json").is_ok(),
                "the reader takes it"
            );
            assert_eq!(validate(&schema, &json), Vec::<String>::new());
            for (key, value) in json.as_object().expect("an object") {
                assert!(
                    root["properties"].get(key).is_some(),
                    "{code}: `{key}` is not in the schema"
                );
                if let Some(inner) = value.as_object() {
                    for k in inner.keys() {
                        assert!(
                            root["properties"][key]["properties"].get(k).is_some(),
                            "{code}: `{key}.{k}` is not in the schema"
                        );
                    }
                }
            }
        }
    }
}
