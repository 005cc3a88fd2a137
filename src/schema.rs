//! JSON Schemas of the case format and of the decision document, derived from what the library
//! knows about facts and decisions, for programs that call the service or read `--format json`.
//!
//! Invariant: the schemas are truthful, never stricter than the readers: every case
//! [`Case::from_json_str`](crate::Case::from_json_str) accepts validates against
//! [`case_schema`], and every document [`RuleSet::explain_value`](crate::RuleSet::explain_value)
//! gives validates against [`decision_schema`] (`tests/schema.rs` checks both over the example
//! cases). The case's facts come from [`Fact::ALL`] with their types, titles and closed lists;
//! only the structure that is not a fact (the parties, the purchase a partnership requires, the
//! free texts) is written here. Issue 13 moves the facts into the rule files; these functions
//! then read the declarations instead.

use serde_json::{Map, Value, json};

use crate::case::{
    BuyerKind, Category, Concept, Contribution, Fact, FactType, Ground, PartyKind, Sector,
    ServiceClass,
};
use crate::decision::FORMAT_VERSION;
use crate::lang::Lang;

const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema of a case as JSON (the TOML form has the same fields).
pub fn case_schema() -> Value {
    let mut partnership = facts_object("partnership.", "Present for a partnership case.");
    if let Some(props) = partnership
        .get_mut("properties")
        .and_then(Value::as_object_mut)
    {
        props.insert("description".into(), text("What the partnership is about."));
        props.insert(
            "concept_owner".into(),
            text("The name of the party that owns the concept or method."),
        );
        props.insert(
            "parties".into(),
            json!({"type": "array", "items": {"$ref": "#/$defs/party"}}),
        );
        props.insert("company".into(), json!({"$ref": "#/$defs/company"}));
        props.insert(
            "procurement".into(),
            json!({"$ref": "#/$defs/purchase", "description": "What must still be bought, decided with the purchase rules."}),
        );
    }
    let mut root = facts_object(
        "",
        "A planned purchase or partnership, as regelverk reads it.",
    );
    if let Some(object) = root.as_object_mut() {
        object.insert("$schema".into(), DIALECT.into());
        object.insert("title".into(), "regelverk case".into());
        object.insert("required".into(), json!(["jurisdiction", "date"]));
        if let Some(props) = object.get_mut("properties").and_then(Value::as_object_mut) {
            props.insert("buyer".into(), facts_object("buyer.", "The buyer."));
            props.insert("purchase".into(), json!({"$ref": "#/$defs/purchase"}));
            props.insert("partnership".into(), partnership);
        }
        object.insert(
            "$defs".into(),
            json!({
                "purchase": facts_object("purchase.", "What is bought. Amounts are estimates excluding VAT."),
                "company": facts_object("partnership.company.", "For a purchase from a company the buyer owns: the in-house facts."),
                "party": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "kind"],
                    "properties": {
                        "name": text("The party's name."),
                        "kind": names(PartyKind::ACCEPTED),
                        "contracting_authority": {"type": "boolean", "description": "Whether the party is a contracting authority; taken from its kind when left out."},
                        "contributes": {"type": "array", "items": names(Contribution::ACCEPTED)},
                    },
                },
                "money": {
                    "type": "string",
                    "description": "An amount with its currency (SEK, NOK or EUR), excluding VAT, e.g. \"650 000 SEK\".",
                    "examples": ["650 000 SEK", "1 300 000 NOK"],
                },
            }),
        );
    }
    root
}

/// The facts under `prefix` (one level only: `purchase.` takes `purchase.value`, not deeper
/// paths), as the properties of a closed object.
fn facts_object(prefix: &str, description: &str) -> Value {
    let mut properties = Map::new();
    for fact in Fact::ALL {
        if fact.computed() || fact == Fact::Party {
            continue;
        }
        let Some(field) = fact.path().strip_prefix(prefix) else {
            continue;
        };
        if field.contains('.') {
            continue;
        }
        let mut schema = fact_schema(fact);
        if let Some(object) = schema.as_object_mut() {
            object.insert("title".into(), fact.title(Lang::En).into());
        }
        properties.insert(field.to_string(), schema);
    }
    json!({
        "type": "object",
        "description": description,
        "additionalProperties": false,
        "properties": properties,
    })
}

fn fact_schema(fact: Fact) -> Value {
    match fact.ty() {
        FactType::Money => json!({"$ref": "#/$defs/money"}),
        FactType::Date => {
            json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
        }
        FactType::Number => match fact {
            Fact::DurationMonths | Fact::CompanyOwners => {
                json!({"type": "integer", "minimum": 0})
            }
            _ => json!({
                "type": ["number", "string"],
                "description": "A percentage from 0 to 100 (a number, or text such as \"80,5\").",
            }),
        },
        FactType::Bool => json!({"type": "boolean"}),
        FactType::Text => json!({"type": "string"}),
        FactType::Cpv => json!({
            "type": "string",
            "pattern": "^[0-9]{8}(-[0-9])?$",
            "description": "A CPV code: eight digits, optionally with the check digit.",
        }),
        FactType::Names(_) => names(accepted_names(fact)),
    }
}

/// What a case may write for a fact of a closed list: the names and their aliases.
fn accepted_names(fact: Fact) -> &'static [&'static str] {
    match fact {
        Fact::Jurisdiction => &["SE", "NO", "se", "no"],
        Fact::BuyerKind => BuyerKind::ACCEPTED,
        Fact::Category => Category::ACCEPTED,
        Fact::ServiceClass => ServiceClass::ACCEPTED,
        Fact::Sector => Sector::ACCEPTED,
        Fact::ClaimedGround => Ground::ACCEPTED,
        Fact::Concept => Concept::ACCEPTED,
        _ => match fact.ty() {
            FactType::Names(list) => list,
            _ => &[],
        },
    }
}

fn names(list: &[&str]) -> Value {
    json!({"type": "string", "enum": list})
}

fn text(description: &str) -> Value {
    json!({"type": "string", "description": description})
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
                             "related", "branches", "questions", "holds_whatever", "case", "rule_set"],
                "additionalProperties": false,
                "properties": {
                    "kind": {"enum": ["purchase", "partnership"]},
                    "jurisdiction": {"enum": ["SE", "NO"]},
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
                            "when": {"type": "array", "items": {
                                "type": "object",
                                "required": ["name", "kind", "value"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "value": {"type": "object", "required": ["type"], "properties": {"type": {"enum": ["one_of", "bool", "range"]}}},
                                },
                            }},
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
                    "no_rules_in_force", "no_rule_applies", "conflict", "left_open_by_rule",
                    "depends_on", "too_many_branches",
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
