//! The JSON Schemas are truthful: every example case validates against the case schema, every
//! decision document against the decision schema, and the case schema names exactly the fields
//! a case can have. The validator is the small part of JSON Schema the schemas use.

mod common;

use std::path::Path;

use regelverk::case::Fact;
use regelverk::schema::{case_schema, decision_schema};
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
    let case_schema = case_schema();
    let decision_schema = decision_schema();
    let cases = example_cases();
    assert!(cases.len() > 30);
    for (name, case) in cases {
        let json = serde_json::to_value(&case).expect("serialisable");
        let problems = validate(&case_schema, &json);
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
    let schema = case_schema();
    for bad in [
        r#"{"date":"2026-03-01"}"#,
        r#"{"jurisdiction":"DK","date":"2026-03-01"}"#,
        r#"{"jurisdiction":"SE","date":"2026-03-01","purchase":{"valeu":"1 SEK"}}"#,
        r#"{"jurisdiction":"SE","date":"2026-03-01","buyer":{"kind":"landsting"}}"#,
        r#"{"jurisdiction":"SE","date":"2026-03-01","purchase":{"cpv":"9291"}}"#,
    ] {
        let value: Value = serde_json::from_str(bad).expect("JSON");
        assert!(!validate(&schema, &value).is_empty(), "{bad} validates");
        assert!(Case::from_json_str(bad, "c.json").is_err(), "{bad} is read");
    }
    // The Swedish and Norwegian words a case may use are in the schema too.
    let aliases: Value = serde_json::from_str(
        r#"{"jurisdiction":"se","date":"2026-03-01","purchase":{"category":"tjänster"}}"#,
    )
    .expect("JSON");
    assert_eq!(validate(&schema, &aliases), Vec::<String>::new());
}

/// A case with every field filled in, serialised: its keys at each level are the schema's.
#[test]
fn the_case_schema_names_every_field_of_a_case() {
    let date = regelverk::case::parse_date("2026-03-01").expect("a date");
    let mut case = Case::new(regelverk::Jurisdiction::Se, date);
    for fact in Fact::ALL {
        if fact.computed() || matches!(fact, Fact::Jurisdiction | Fact::Date) {
            continue;
        }
        let value = match fact.ty() {
            regelverk::case::FactType::Money => "1 SEK".to_string(),
            regelverk::case::FactType::Number => "1".into(),
            regelverk::case::FactType::Bool => "true".into(),
            regelverk::case::FactType::Cpv => "92000000".into(),
            regelverk::case::FactType::Date => "2026-03-01".into(),
            regelverk::case::FactType::Names(names) => names[0].to_string(),
            regelverk::case::FactType::Text if fact == Fact::Party => {
                "Falu kommun; kommun; money".into()
            }
            regelverk::case::FactType::Text => "text".into(),
            other => panic!("{}: a type this test does not know: {other:?}", fact.path()),
        };
        case.set_fact(fact, &value)
            .unwrap_or_else(|e| panic!("{}: {e}", fact.path()));
    }
    let mut json = serde_json::to_value(&case).expect("serialisable");
    let partnership = json["partnership"].as_object_mut().expect("a partnership");
    partnership.insert("description".into(), "x".into());
    partnership.insert("concept_owner".into(), "x".into());
    partnership.insert("procurement".into(), serde_json::json!({"value": "1 SEK"}));
    partnership["parties"][0]
        .as_object_mut()
        .expect("a party")
        .insert("contracting_authority".into(), true.into());
    let text = json.to_string();
    assert!(
        Case::from_json_str(&text, "c.json").is_ok(),
        "the reader takes it"
    );
    let schema = case_schema();
    assert_eq!(validate(&schema, &json), Vec::<String>::new());
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
        k.sort();
        k
    };
    let props = |s: &Value| keys(&s["properties"]);
    assert_eq!(keys(&json), props(&schema));
    assert_eq!(keys(&json["buyer"]), props(&schema["properties"]["buyer"]));
    assert_eq!(keys(&json["purchase"]), props(&schema["$defs"]["purchase"]));
    assert_eq!(
        keys(&json["partnership"]),
        props(&schema["properties"]["partnership"])
    );
    assert_eq!(
        keys(&json["partnership"]["company"]),
        props(&schema["$defs"]["company"])
    );
    assert_eq!(
        keys(&json["partnership"]["parties"][0]),
        props(&schema["$defs"]["party"])
    );
}

/// Every fact a case states can be set from text, and the computed ones cannot: what the page's
/// forms rely on.
#[test]
fn computed_facts_are_the_ones_a_case_cannot_state() {
    let date = regelverk::case::parse_date("2026-03-01").expect("a date");
    for fact in Fact::ALL {
        let mut case = Case::new(regelverk::Jurisdiction::Se, date);
        let refused = case.set_fact(fact, "1").is_err()
            && case.set_fact(fact, "true").is_err()
            && case.set_fact(fact, "x; kommun").is_err();
        if fact.computed() {
            assert!(refused, "{} is computed but can be set", fact.path());
        }
    }
}
