// The peer, regorus: shared by the benchmark and the differential test (both may use the
// dev-dependency; the library may not), included with `#[path]`.

use regelverk_bench::{REGO_POLICY, rego_data};

/// An engine with the policy and the data loaded and evaluated once: prepared, to be cloned
/// for each evaluation as regorus's authors advise.
pub fn prepared_engine() -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("regelverk.rego".to_string(), REGO_POLICY.to_string())
        .expect("the Rego policy compiles");
    engine
        .add_data(regorus::Value::from_json_str(&rego_data()).expect("the data is JSON"))
        .expect("the data loads");
    engine.set_input(
        regorus::Value::from_json_str(
            r#"{"date":"2026-03-01","kind":"kommun","category":"services","value":1,"options":0,"same_kind":0}"#,
        )
        .expect("JSON"),
    );
    let _ = engine.eval_rule("data.regelverk.answer".to_string());
    engine
}

/// The peer's answer for one input, on a clone of the prepared engine.
pub fn rego_answer(prepared: &regorus::Engine, input: &regorus::Value) -> String {
    let mut engine = prepared.clone();
    engine.set_input(input.clone());
    match engine.eval_rule("data.regelverk.answer".to_string()) {
        Ok(regorus::Value::String(s)) => s.to_string(),
        Ok(other) => format!("unexpected {other}"),
        Err(e) => format!("error {e}"),
    }
}
