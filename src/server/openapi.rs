//! The OpenAPI 3.1 document of the service: every route [`super::router`] serves, with the
//! case and decision schemas of [`crate::schema`] as its components. `tests/it/server.rs` checks
//! that the paths here and the routes served are the same.

use serde_json::{Value, json};

/// The paths of the page, which the document lists as returning HTML.
pub(super) const PAGE_PATHS: [&str; 6] = [
    "/",
    "/answer",
    "/record",
    "/partnership",
    "/modification",
    "/case",
];

pub(super) fn document(rules: &crate::RuleSet) -> Value {
    let error = json!({"$ref": "#/components/responses/error"});
    let vocab = rules.vocabulary();
    // The countries the rules declare, and the language each explains in by default.
    let codes: Vec<String> = vocab.countries.iter().map(|c| c.code.clone()).collect();
    let any_case: Vec<String> = codes
        .iter()
        .flat_map(|c| [c.clone(), c.to_lowercase()])
        .collect();
    let defaults: Vec<String> = vocab
        .countries
        .iter()
        .map(|c| format!("{} for {}", c.language.code(), c.code))
        .collect();
    let lang = json!({
        "name": "lang", "in": "query", "required": false,
        "description": format!("The language of the explanation: sv, nb or en (default: {}).", defaults.join(", ")),
        "schema": {"enum": ["sv", "nb", "en"]},
    });
    let mut paths = serde_json::Map::new();
    paths.insert("/healthz".into(), json!({"get": {
        "summary": "The service is up",
        "responses": {"200": {"description": "Up, with the content hash of its rules", "content": {"application/json": {"schema": {
            "type": "object", "required": ["status", "content_hash"],
            "properties": {"status": {"const": "ok"}, "content_hash": {"type": "string"}},
        }}}}},
    }}));
    paths.insert("/v1/decide".into(), json!({"post": {
        "summary": "Decide one case",
        "description": "The body is a case (the format of `regelverk check`), as JSON or as TOML. The answer is the decision document of `regelverk check --format json`: the verdict, the conditional answer, the questions, the explanation and the decision as data with its record (the case, the rule set's hash, the engine's version). Whatever the outcome, the status is 200.",
        "parameters": [lang],
        "requestBody": {"required": true, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/case"}},
            "application/toml": {"schema": {"type": "string"}},
        }},
        "responses": {
            "200": {"description": "The decision", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/decision"}}}},
            "400": {"description": "The body is not JSON (or TOML), not UTF-8, or a parameter is wrong; the diagnostics give the line and column", "$ref": "#/components/responses/error"},
            "413": error, "415": error,
            "422": {"description": "The body is not a valid case (an unknown field, a wrong value, a currency the rules do not use), with the line and column", "$ref": "#/components/responses/error"},
        },
    }}));
    paths.insert("/v1/batch".into(), json!({"post": {
        "summary": "Decide many cases: JSON lines in, JSON lines out, in order, streamed",
        "description": "One case per line. Each output line is `{\"line\": N, …}` with the verdict (outcome, decided_by, procedure, obligations, warnings, reasons, branches), or with `full=true` the whole decision document; a line that is not a case gives `{\"line\": N, \"error\": …}` and the rest go on. A body over the limit ends the output with `{\"error\": …}`.",
        "parameters": [lang, {"name": "full", "in": "query", "required": false, "schema": {"type": "boolean"}, "description": "Write the whole decision document for each line (slower)."}],
        "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
        "responses": {
            "200": {"description": "One JSON object per line", "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
            "400": error, "413": error, "415": error,
        },
    }}));
    paths.insert("/v1/thresholds".into(), json!({"get": {
        "summary": "The thresholds and limits in force on a day, with their periods and sources",
        "parameters": [
            {"name": "jurisdiction", "in": "query", "required": true, "schema": {"enum": any_case}},
            {"name": "date", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
            lang,
        ],
        "responses": {
            "200": {"description": "The document of `regelverk thresholds --format json`", "content": {"application/json": {"schema": {
                "type": "object", "required": ["format_version", "jurisdiction", "date", "parameters"],
                "properties": {"format_version": {"const": crate::TOOLS_FORMAT_VERSION}, "jurisdiction": {"enum": codes}, "date": {"type": "string", "format": "date"}, "parameters": {"type": "array", "items": {"type": "object"}}},
            }}}},
            "400": error,
        },
    }}));
    paths.insert("/v1/rules".into(), json!({"get": {
        "summary": "Which rules and engine decide: the content hash, the engine's version, the files",
        "responses": {"200": {"description": "The rule set", "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["format_version", "decision_format_version", "engine_version", "content_hash", "files", "jurisdictions"],
            "properties": {
                "format_version": {"type": "integer"}, "decision_format_version": {"type": "integer"},
                "engine_version": {"type": "string"}, "content_hash": {"type": "string"},
                "files": {"type": "array", "items": {"type": "string"}},
                "jurisdictions": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}, "currency": {"type": ["string", "null"]}}}},
            },
        }}}}},
    }}));
    paths.insert("/v1/schema/case".into(), json!({"get": {
        "summary": "The JSON Schema of a case",
        "responses": {"200": {"description": "A JSON Schema (2020-12)", "content": {"application/schema+json": {"schema": {"type": "object"}}}}},
    }}));
    paths.insert("/v1/schema/decision".into(), json!({"get": {
        "summary": "The JSON Schema of the decision document",
        "responses": {"200": {"description": "A JSON Schema (2020-12)", "content": {"application/schema+json": {"schema": {"type": "object"}}}}},
    }}));
    paths.insert("/v1/openapi.json".into(), json!({"get": {
        "summary": "This document",
        "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}},
    }}));
    for path in PAGE_PATHS {
        let summary = match path {
            "/" => "The page for purchasers: a form for a planned purchase",
            "/answer" => "The answer to the form (its query is the case: shareable)",
            "/record" => "The decision record of an answer, to print for the procurement file",
            "/partnership" => "The form for a planned partnership",
            "/modification" => "The form for a change to an existing contract",
            _ => "A whole case as TOML or JSON, pasted into a text box",
        };
        paths.insert(path.into(), json!({"get": {
            "summary": summary,
            "parameters": [{"name": "lang", "in": "query", "required": false, "schema": {"enum": ["sv", "nb", "en"]}, "description": "The page's language (default sv)."}],
            "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}},
        }}));
    }
    let mut case = crate::schema::case_schema(rules.vocabulary(), None);
    let mut decision = crate::schema::decision_schema();
    // Inside the document, each schema's own definitions are reached from its component.
    retarget(&mut case, "#/$defs/", "#/components/schemas/case/$defs/");
    retarget(
        &mut decision,
        "#/$defs/",
        "#/components/schemas/decision/$defs/",
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "regelverk",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Whether a Swedish or Norwegian public buyer may award a contract directly, what the law requires otherwise, and why, with citations. The case's date selects the law; the server's clock never does.",
        },
        "paths": paths,
        "components": {
            "schemas": {"case": case, "decision": decision},
            "responses": {"error": {
                "description": "An error: what is wrong and, for a case, where (line and column)",
                "content": {"application/json": {"schema": {
                    "type": "object", "required": ["error"],
                    "properties": {"error": {
                        "type": "object", "required": ["status", "message", "diagnostics"],
                        "properties": {
                            "status": {"type": "integer"},
                            "message": {"type": "string"},
                            "diagnostics": {"type": "array", "items": {
                                "type": "object",
                                "required": ["severity", "message", "file", "line", "column"],
                                "properties": {
                                    "severity": {"type": "string"}, "message": {"type": "string"},
                                    "file": {"type": "string"}, "line": {"type": "integer"}, "column": {"type": "integer"},
                                    "label": {"type": "string"}, "help": {"type": "string"},
                                },
                            }},
                        },
                    }},
                }}},
            }},
        },
    })
}

/// Rewrites every `$ref` that starts with `from` to start with `to`.
fn retarget(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if key == "$ref" && s.starts_with(from) => {
                        *s = format!("{to}{}", &s[from.len()..]);
                    }
                    _ => retarget(v, from, to),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| retarget(v, from, to)),
        _ => {}
    }
}
