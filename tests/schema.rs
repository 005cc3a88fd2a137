//! The JSON Schemas are truthful: every example case validates against the case schema, every
//! decision document against the decision schema, and the case schema names exactly the fields
//! a case can have. The validator is the small part of JSON Schema the schemas use.

mod common;

use std::path::Path;

use regelverk::schema::{case_schema, decision_schema};
use regelverk::vocab::ValueType;
use regelverk::{Case, Lang};
use serde_json::Value;

/// Where `instance` breaks `schema` (resolving `#/$defs/…` in `root`), or nothing.
fn violations(root: &Value, schema: &Value, instance: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix("#/$defs/")
            .expect("a local reference");
        let target = &root["$defs"][name];
        assert!(!target.is_null(), "{reference} is defined");
        return violations(root, target, instance, at, out);
    }
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array)
        && !options.iter().any(|o| {
            let mut v = Vec::new();
            violations(root, o, instance, at, &mut v);
            v.is_empty()
        })
    {
        out.push(format!("{at}: matches none of anyOf"));
    }
    if let Some(constant) = schema.get("const")
        && constant != instance
    {
        out.push(format!("{at}: {instance} is not {constant}"));
    }
    if let Some(list) = schema.get("enum").and_then(Value::as_array)
        && !list.contains(instance)
    {
        out.push(format!("{at}: {instance} is not one of {list:?}"));
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let is = |t: &str| match t {
            "object" => instance.is_object(),
            "array" => instance.is_array(),
            "string" => instance.is_string(),
            "boolean" => instance.is_boolean(),
            "null" => instance.is_null(),
            "number" => instance.is_number(),
            "integer" => instance.is_u64() || instance.is_i64(),
            other => panic!("type {other}"),
        };
        if !types.iter().any(|t| is(t)) {
            out.push(format!("{at}: {instance} is not of type {types:?}"));
        }
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && let Some(text) = instance.as_str()
        && !matches_pattern(pattern, text)
    {
        out.push(format!("{at}: `{text}` does not match {pattern}"));
    }
    if let Some(object) = instance.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = required.as_str().expect("a name");
            if !object.contains_key(key) {
                out.push(format!("{at}: `{key}` is missing"));
            }
        }
        for (key, value) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => violations(root, property, value, &format!("{at}.{key}"), out),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    out.push(format!("{at}: `{key}` is not allowed"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), instance.as_array()) {
        for (i, item) in array.iter().enumerate() {
            violations(root, items, item, &format!("{at}[{i}]"), out);
        }
    }
}

/// The three patterns the schemas use, checked by hand rather than with a regex crate.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match pattern {
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.len() == 3 && digits(parts[0], 4) && digits(parts[1], 2) && digits(parts[2], 2)
        }
        "^[0-9]{8}(-[0-9])?$" => match text.split_once('-') {
            Some((code, check)) => digits(code, 8) && digits(check, 1),
            None => digits(text, 8),
        },
        "^sha256:[0-9a-f]{64}$" => text.strip_prefix("sha256:").is_some_and(|h| {
            h.len() == 64
                && h.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }),
        other => panic!("pattern {other} is not known to the test"),
    }
}

fn validate(schema: &Value, instance: &Value) -> Vec<String> {
    let mut out = Vec::new();
    violations(schema, schema, instance, "$", &mut out);
    out
}

fn example_cases() -> Vec<(String, Case)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut names = Vec::new();
    for dir in [root.clone(), root.join("partnerships")] {
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
            let case = common::example_case(&n);
            (n, case)
        })
        .collect()
}

#[test]
fn every_example_case_and_its_decision_validate() {
    let rules = common::embedded_rules();
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
    let rules = common::embedded_rules();
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
    let rules = common::embedded_rules();
    let vocab = rules.vocabulary();
    let date = regelverk::case::parse_date("2026-03-01").expect("a date");
    for code in vocab.codes() {
        let mut purchase = rules.new_case(code, date).expect("a country");
        let mut partnership = rules.new_case(code, date).expect("a country");
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
                            ValueType::YesNo => "true".into(),
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
            } else {
                &mut purchase
            };
            target
                .set(&path, &value)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        }
        let schema = case_schema(vocab, Some(code));
        let root = &schema["$defs"][format!("case_{code}")];
        for case in [&purchase, &partnership] {
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
