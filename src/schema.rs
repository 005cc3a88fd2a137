//! JSON Schemas (2020-12) of the case format, generated from a rule set's vocabulary, and of
//! the decision document, for programs that call the service or read `--format json`.
//!
//! Invariant: the schemas are truthful, never stricter than the readers: every case
//! [`RuleSet::read_case`](crate::RuleSet::read_case) accepts validates against [`case_schema`]
//! for its country, and every document [`RuleSet::explain_value`](crate::RuleSet::explain_value)
//! gives validates against [`decision_schema`] (`benches/tests/schema.rs` checks both over the example
//! cases). The case schema follows the declarations alone: each country's facts with their types,
//! titles, questions and closed lists (by name or alias), the records of the lists of records, and
//! the sections of the kinds of case and their related cases.

use serde_json::{Map, Value, json};

use crate::decision::FORMAT_VERSION;
use crate::lang::Lang;
use crate::vocab::{CountryId, FactId, ValueType, Vocabulary};

const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema of a case as JSON (the TOML form has the same fields, dates as text), for one
/// country, or for every country the vocabulary declares (`anyOf` their schemas).
pub fn case_schema(vocab: &Vocabulary, jurisdiction: Option<&str>) -> Value {
    let countries: Vec<CountryId> = match jurisdiction.and_then(|j| vocab.country(j)) {
        Some(c) => vec![c],
        None => (0..vocab.countries.len()).collect(),
    };
    let mut defs = Map::new();
    for &c in &countries {
        defs.insert(format!("case_{}", vocab.code(c)), country_case(vocab, c));
    }
    defs.insert(
        "money".into(),
        json!({
            "type": "string",
            "description": "An amount with its currency (an ISO 4217 code), excluding VAT, e.g. \"650 000 SEK\".",
            "examples": ["650 000 SEK"],
        }),
    );
    let cases: Vec<Value> = countries
        .iter()
        .map(|c| json!({"$ref": format!("#/$defs/case_{}", vocab.code(*c))}))
        .collect();
    let mut root = json!({
        "$schema": DIALECT,
        "title": "regelverk case",
        "description": "A planned purchase or partnership, as regelverk reads it.",
        "$defs": defs,
    });
    if let Some(object) = root.as_object_mut() {
        match cases.as_slice() {
            [one] => {
                object.insert("$ref".into(), one["$ref"].clone());
            }
            _ => {
                object.insert("anyOf".into(), Value::Array(cases));
            }
        }
    }
    root
}

/// One country's case: its code, the date, and its facts as nested objects by their paths.
fn country_case(vocab: &Vocabulary, country: CountryId) -> Value {
    let code = vocab.code(country);
    let mut root = object("");
    insert(
        &mut root,
        &["jurisdiction"],
        json!({"enum": [code, code.to_lowercase()], "title": "the country whose law applies"}),
    );
    insert(
        &mut root,
        &["date"],
        json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
               "title": vocab.fact("date").map_or("the day the procurement starts".to_string(), |f| vocab.fact_decl(f).titles.get(Lang::En).to_string())}),
    );
    for kind in &vocab.kinds {
        if let Some(section) = &kind.section {
            section_object(&mut root, &[section.as_str()]);
        }
    }
    for (i, fact) in vocab.facts.iter().enumerate() {
        if fact.path == "date" || !vocab.fact_in(FactId(i as u32), country) {
            continue;
        }
        let parts: Vec<&str> = fact.path.split('.').collect();
        insert(&mut root, &parts, fact_schema(vocab, fact));
        // A related case's section holds the facts of its kind's section.
        for kind in &vocab.kinds {
            let Some(related) = &kind.related else {
                continue;
            };
            let Some(section) = vocab.kinds[related.kind].section.as_deref() else {
                continue;
            };
            if let Some(rest) = fact
                .path
                .strip_prefix(section)
                .and_then(|r| r.strip_prefix('.'))
            {
                let path = format!("{}.{rest}", related.from);
                let parts: Vec<&str> = path.split('.').collect();
                insert(&mut root, &parts, fact_schema(vocab, fact));
            }
        }
    }
    if let Some(o) = root.as_object_mut() {
        o.insert("required".into(), json!(["jurisdiction", "date"]));
    }
    root
}

fn object(description: &str) -> Value {
    let mut o = json!({"type": "object", "additionalProperties": false, "properties": {}});
    if !description.is_empty()
        && let Some(m) = o.as_object_mut()
    {
        m.insert("description".into(), description.into());
    }
    o
}

fn section_object(root: &mut Value, path: &[&str]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(props) = root.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    let child = props.entry(first.to_string()).or_insert_with(|| object(""));
    section_object(child, rest);
}

/// Puts a schema at a dotted path, making the objects on the way.
fn insert(root: &mut Value, path: &[&str], schema: Value) {
    let Some(props) = root.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    match path {
        [] => {}
        [last] => {
            props.insert(last.to_string(), schema);
        }
        [first, rest @ ..] => {
            let child = props.entry(first.to_string()).or_insert_with(|| object(""));
            insert(child, rest, schema);
        }
    }
}

fn fact_schema(vocab: &Vocabulary, fact: &crate::vocab::Fact) -> Value {
    let mut schema = type_schema(vocab, fact.ty);
    if let Some(o) = schema.as_object_mut() {
        o.insert("title".into(), fact.titles.get(Lang::En).into());
        if let Some(q) = &fact.question {
            o.insert("description".into(), q.get(Lang::En).into());
        }
    }
    schema
}

/// What a case may write for a value of a type: closed lists by any name or alias (the reader
/// accepts every one).
fn type_schema(vocab: &Vocabulary, ty: ValueType) -> Value {
    match ty {
        ValueType::Amount => json!({"$ref": "#/$defs/money"}),
        ValueType::Date => {
            json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
        }
        ValueType::WholeNumber => json!({"type": "integer", "minimum": 0}),
        ValueType::Percent => json!({
            "type": ["number", "string"],
            "description": "A percentage from 0 to 100 (a number, or text such as \"80,5\").",
        }),
        ValueType::YesNo => json!({"type": "boolean"}),
        ValueType::Text => json!({"type": "string"}),
        ValueType::Cpv => json!({
            "type": "string",
            "pattern": "^[0-9]{8}(-[0-9])?$",
            "description": "A CPV code: eight digits, optionally with the check digit.",
        }),
        ValueType::OneOf(l) => json!({"type": "string", "enum": accepted(vocab, l)}),
        ValueType::Names(l) => {
            json!({"type": "array", "items": {"type": "string", "enum": accepted(vocab, l)}})
        }
        ValueType::Records(r) => {
            let record = &vocab.records[r];
            let mut properties = Map::new();
            for f in &record.fields {
                let mut schema = type_schema(vocab, f.ty);
                if let Some(o) = schema.as_object_mut() {
                    o.insert("title".into(), f.titles.get(Lang::En).into());
                }
                properties.insert(f.name.clone(), schema);
            }
            let required: Vec<&str> = record
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.name.as_str())
                .collect();
            json!({"type": "array", "items": {
                "type": "object",
                "title": record.titles.get(Lang::En),
                "additionalProperties": false,
                "required": required,
                "properties": properties,
            }})
        }
    }
}

/// Every text a case may write for a name of a list: the names and their aliases.
fn accepted(vocab: &Vocabulary, list: usize) -> Vec<String> {
    let l = &vocab.lists[list];
    let mut out = l.names.clone();
    for item in &l.items {
        for a in &item.aliases {
            if !out.contains(a) {
                out.push(a.clone());
            }
        }
    }
    out
}

/// The schema of the decision document: what `POST /v1/decide` answers and
/// `regelverk check --format json` prints (format version [`FORMAT_VERSION`]).
pub fn decision_schema() -> Value {
    let string_list = json!({"type": "array", "items": {"type": "string"}});
    let outcome =
        json!({"enum": ["allowed", "allowed_with_obligations", "not_allowed", "undecided"]});
    json!({
        "$schema": DIALECT,
        "title": "regelverk decision",
        "type": "object",
        "required": ["format_version", "lang", "summary", "explanation", "branches", "questions", "decision"],
        "additionalProperties": false,
        "properties": {
            "format_version": {"const": FORMAT_VERSION},
            "lang": {"enum": Lang::ALL.iter().map(|l| l.code()).collect::<Vec<_>>()},
            "summary": {"type": "string", "description": "The verdict, in words: the first line of the explanation."},
            "explanation": string_list,
            "branches": {"type": "array", "items": {
                "type": "object",
                "required": ["when", "summary", "explanation"],
                "additionalProperties": false,
                "properties": {"when": {"type": "string"}, "summary": {"type": "string"}, "explanation": string_list},
            }},
            "questions": {"type": "array", "items": {
                "type": "object",
                "required": ["fact", "title", "option", "values"],
                "additionalProperties": false,
                "properties": {
                    "fact": {"type": "string"},
                    "title": {"type": "string"},
                    "option": {"type": "string", "description": "The `regelverk check` option that states the fact."},
                    "values": {"type": "array", "items": {
                        "type": "object",
                        "required": ["name"],
                        "additionalProperties": false,
                        "properties": {"name": {"type": "string"}, "label": {"type": "string"}},
                    }},
                },
            }},
            "decision": {"$ref": "#/$defs/decision"},
        },
        "$defs": {
            "decision": {
                "type": "object",
                "required": ["kind", "jurisdiction", "date", "outcome", "decided_by", "procedure", "obligations",
                             "conditional_obligations", "warnings", "reasons", "rules", "values", "notes",
                             "related", "branches", "questions", "holds_whatever", "implied", "case", "rule_set"],
                "additionalProperties": false,
                "properties": {
                    "kind": {"type": "string", "description": "The kind of case, as the rule files declare it."},
                    "jurisdiction": {"type": "string", "description": "The country's code, as the rule files declare it."},
                    "date": {"type": "string", "format": "date"},
                    "outcome": outcome,
                    "decided_by": string_list,
                    "procedure": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/named"}]},
                    "obligations": {"type": "array", "items": {"$ref": "#/$defs/named"}},
                    "conditional_obligations": {"type": "array", "items": {"$ref": "#/$defs/named"}},
                    "warnings": {"type": "array", "items": {"$ref": "#/$defs/named"}},
                    "reasons": {"type": "array", "items": {"$ref": "#/$defs/reason"}},
                    "rules": {"type": "array", "items": {
                        "type": "object",
                        "required": ["name", "status", "citations"],
                        "properties": {
                            "name": {"type": "string"},
                            "status": {"enum": ["applied", "overridden", "not_applicable", "uncertain"]},
                            "overridden_by": string_list,
                            "citations": {"type": "array", "items": {"$ref": "#/$defs/citation"}},
                        },
                    }},
                    "values": {"type": "array", "items": {
                        "type": "object",
                        "required": ["name", "kind", "value"],
                        "properties": {
                            "name": {"type": "string"},
                            "kind": {"enum": ["fact", "parameter", "computed"]},
                            "value": {"$ref": "#/$defs/shown"},
                        },
                    }},
                    "notes": {"type": "array", "items": {"type": "object", "required": ["kind"]}},
                    "related": {"type": "array", "items": {
                        "type": "object",
                        "required": ["subject", "decision"],
                        "properties": {"subject": {"type": "string"}, "decision": {"$ref": "#/$defs/decision"}},
                    }},
                    "branches": {"type": "array", "items": {
                        "type": "object",
                        "required": ["when", "outcome", "procedure", "decided_by", "obligations", "reasons"],
                        "properties": {
                            "when": {"type": "array", "items": {"$ref": "#/$defs/branch_condition"}},
                            "outcome": outcome,
                            "procedure": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/named"}]},
                            "decided_by": string_list,
                            "obligations": {"type": "array", "items": {"$ref": "#/$defs/named"}},
                            "reasons": {"type": "array", "items": {"$ref": "#/$defs/reason"}},
                        },
                    }},
                    "questions": {"type": "array", "items": {
                        "type": "object",
                        "required": ["fact", "values", "answer"],
                        "properties": {
                            "fact": {"type": "string"},
                            "values": string_list,
                            "answer": {"enum": ["name", "yes_no", "amount", "number"]},
                        },
                    }},
                    "holds_whatever": string_list,
                    "implied": {"type": "array", "items": {"$ref": "#/$defs/branch_condition"}},
                    "case": {"type": "object", "description": "The case as given: see the case schema (GET /v1/schema/case)."},
                    "rule_set": {
                        "type": "object",
                        "required": ["content_hash", "engine_version"],
                        "additionalProperties": false,
                        "properties": {
                            "content_hash": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
                            "engine_version": {"type": "string"},
                        },
                    },
                },
            },
            "branch_condition": {
                "type": "object",
                "required": ["name", "kind", "value"],
                "properties": {
                    "name": {"type": "string"},
                    "value": {"type": "object", "required": ["type"], "properties": {"type": {"enum": ["one_of", "bool", "range"]}}},
                },
            },
            "named": {
                "type": "object",
                "required": ["name", "citations"],
                "additionalProperties": false,
                "properties": {
                    "name": {"type": "string"},
                    "citations": {"type": "array", "items": {"$ref": "#/$defs/citation"}},
                    "text": {"type": "string"},
                },
            },
            "citation": {
                "type": "object",
                "required": ["source", "label", "title"],
                "additionalProperties": false,
                "properties": {
                    "source": {"type": "string"},
                    "label": {"type": "string"},
                    "title": {"type": "string"},
                    "pinpoint": {"type": "string"},
                    "unverified": {"type": "boolean"},
                    "url": {"type": "string"},
                },
            },
            "reason": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"enum": [
                    "missing_fact", "parameter_range", "parameter_unknown", "currency_mismatch",
                    "no_rules_in_force", "no_rule_applies", "rules_begin_later", "conflict",
                    "left_open_by_rule", "depends_on", "too_many_branches",
                ]}},
            },
            "shown": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"enum": [
                    "money", "money_range", "number", "number_range", "date", "bool", "text", "unknown",
                ]}},
            },
        },
    })
}
