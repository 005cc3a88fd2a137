//! The JSON API under `/v1`: deciding one case or a batch, the thresholds in force, the rule
//! set's identity, the schemas and the OpenAPI document.

use std::io::{self, BufReader, Read, Write};
use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::sync::mpsc;

use super::{ApiError, AppState};
use crate::batch::BatchOptions;
use crate::case::{Case, Jurisdiction, parse_date};
use crate::lang::Lang;

/// `GET /healthz`: the service is up and has its rules.
pub(super) async fn healthz(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "ok",
        "content_hash": state.rules.content_hash(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DecideQuery {
    lang: Option<String>,
}

/// The language asked for, if any: `sv`, `nb` or `en`.
fn lang_param(lang: Option<&str>) -> Result<Option<Lang>, ApiError> {
    lang.filter(|l| !l.is_empty())
        .map(|l| {
            l.parse::<Lang>().map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("unknown language `{l}`; use sv, nb or en"),
                )
            })
        })
        .transpose()
}

/// The default language of a jurisdiction's explanations, as `check` chooses it.
pub(super) fn default_lang(jurisdiction: Jurisdiction) -> Lang {
    match jurisdiction {
        Jurisdiction::Se => Lang::Sv,
        Jurisdiction::No => Lang::Nb,
    }
}

/// The media type of a request body, without parameters, in lower case.
fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Reads a whole body of at most `limit` bytes as UTF-8 text.
async fn read_text(headers: &HeaderMap, body: Body, limit: usize) -> Result<String, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is larger than the limit of {limit} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
        let over = std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
            .any(|e| e.to_string().contains("length limit"));
        if over {
            too_large()
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("the body could not be read: {e}"),
            )
        }
    })?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "the body is not UTF-8"))
}

/// `POST /v1/decide`: one case (JSON, or TOML with `Content-Type: application/toml`), answered
/// with the decision document of `check --format json`.
pub(super) async fn decide(
    State(state): State<AppState>,
    query: Result<Query<DecideQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let lang = lang_param(query.lang.as_deref())?;
    let name = match media_type(&headers).as_str() {
        "application/json" => "case.json",
        "application/toml" => "case.toml",
        other => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "send the case as `Content-Type: application/json` (or application/toml), not `{}`",
                    if other.is_empty() { "nothing" } else { other }
                ),
            ));
        }
    };
    let text = read_text(&headers, body, state.limits.max_case_bytes).await?;
    let rules = Arc::clone(&state.rules);
    let answer = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let case = read_case(&rules, &text, name)?;
        let decision = rules.evaluate(&case);
        let lang = lang.unwrap_or_else(|| default_lang(case.jurisdiction));
        serde_json::to_vec(&rules.explain_value(&decision, lang))
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the decision failed"))??;
    Ok(json_bytes(answer))
}

/// Reads a case and checks it against the rules: a body that is not JSON (or TOML) at all is a
/// 400, a document that is not a valid case (an unknown field, a wrong value, a currency the
/// rules do not use) a 422; both with the place in the body.
pub(super) fn read_case(rules: &crate::RuleSet, text: &str, name: &str) -> Result<Case, ApiError> {
    let source = crate::diagnostic::SourceText::new(name, text);
    // Read as plain data first (within the readers' nesting limits), to tell the two apart.
    let syntax = if name.ends_with(".json") {
        serde_json::from_str::<serde_json::Value>(text)
            .err()
            .map(|e| crate::case::json_error(&source, &e))
    } else {
        toml::from_str::<toml::Table>(text)
            .err()
            .map(|e| crate::case::toml_error(&source, &e))
    };
    if let Some(e) = syntax {
        return Err(ApiError::with_diagnostics(
            StatusCode::BAD_REQUEST,
            e.diagnostics,
        ));
    }
    rules
        .read_case(text, name)
        .map_err(|e| ApiError::with_diagnostics(StatusCode::UNPROCESSABLE_ENTITY, e.diagnostics))
}

fn json_bytes(bytes: Vec<u8>) -> Response {
    let mut response = Body::from(bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BatchQuery {
    lang: Option<String>,
    full: Option<bool>,
}

/// `POST /v1/batch`: JSON lines in, one JSON line per case out, in order, streamed as they are
/// decided (see [`crate::batch`]). A body over the limit ends the answer with a line
/// `{"error": …}` after the lines already decided.
pub(super) async fn batch(
    State(state): State<AppState>,
    query: Result<Query<BatchQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let lang = lang_param(query.lang.as_deref())?;
    let media = media_type(&headers);
    if !matches!(
        media.as_str(),
        "application/x-ndjson" | "application/jsonl" | "application/json-lines"
    ) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "send JSON lines as `Content-Type: application/x-ndjson`, not `{}`",
                if media.is_empty() { "nothing" } else { &media }
            ),
        ));
    }
    let limit = state.limits.max_batch_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the batch is larger than the limit of {limit} bytes"),
        ));
    }
    let (input_tx, input_rx) = mpsc::channel::<io::Result<Bytes>>(16);
    let (output_tx, output_rx) = mpsc::channel::<Bytes>(16);
    tokio::spawn(feed_body(body, limit, input_tx));
    let rules = Arc::clone(&state.rules);
    let options = BatchOptions::new(query.full.unwrap_or(false), lang);
    tokio::task::spawn_blocking(move || {
        let reader = BufReader::with_capacity(1 << 16, ChannelReader::new(input_rx));
        let writer = ChannelWriter(output_tx.clone());
        if let Err(e) = crate::batch::run(&rules, reader, writer, &options, |_| {}) {
            // The client has gone when the writer fails; otherwise say why the batch stopped.
            if e.kind() != io::ErrorKind::BrokenPipe {
                let line = serde_json::json!({ "error": e.to_string() }).to_string() + "\n";
                let _ = output_tx.blocking_send(Bytes::from(line));
            }
        }
    });
    let stream = futures_util::stream::unfold(output_rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|bytes| (Ok::<Bytes, io::Error>(bytes), rx))
    });
    let mut response = Body::from_stream(stream).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    Ok(response)
}

/// Sends the body's parts to the batch reader, at most `limit` bytes in all.
async fn feed_body(body: Body, limit: u64, input: mpsc::Sender<io::Result<Bytes>>) {
    let mut stream = body.into_data_stream();
    let mut total = 0u64;
    while let Some(part) = stream.next().await {
        let sent = match part {
            Ok(bytes) => {
                total += bytes.len() as u64;
                if total > limit {
                    let message = format!("the batch is larger than the limit of {limit} bytes");
                    let _ = input.send(Err(io::Error::other(message))).await;
                    return;
                }
                input.send(Ok(bytes)).await
            }
            Err(e) => {
                let message = format!("the body could not be read: {e}");
                let _ = input.send(Err(io::Error::other(message))).await;
                return;
            }
        };
        if sent.is_err() {
            return;
        }
    }
}

/// The request body as a blocking reader, for [`crate::batch::run`] on a blocking thread.
struct ChannelReader {
    parts: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl ChannelReader {
    fn new(parts: mpsc::Receiver<io::Result<Bytes>>) -> Self {
        ChannelReader {
            parts,
            current: Bytes::new(),
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.parts.blocking_recv() {
                Some(Ok(bytes)) => self.current = bytes,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// The response body as a blocking writer: each write is one part of the stream.
struct ChannelWriter(mpsc::Sender<Bytes>);

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .blocking_send(Bytes::copy_from_slice(buf))
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ThresholdQuery {
    jurisdiction: Option<String>,
    date: Option<String>,
    lang: Option<String>,
}

/// `GET /v1/thresholds?jurisdiction=SE&date=2026-03-01`: the document of `regelverk
/// thresholds --format json`.
pub(super) async fn thresholds(
    State(state): State<AppState>,
    query: Result<Query<ThresholdQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let bad = |m: String| ApiError::new(StatusCode::BAD_REQUEST, m);
    let jurisdiction: Jurisdiction = query
        .jurisdiction
        .as_deref()
        .ok_or_else(|| bad("give `jurisdiction` (SE or NO)".into()))?
        .parse()
        .map_err(bad)?;
    let date = parse_date(
        query
            .date
            .as_deref()
            .ok_or_else(|| bad("give `date`, e.g. 2026-03-01".into()))?,
    )
    .map_err(bad)?;
    let lang = lang_param(query.lang.as_deref())?.unwrap_or_else(|| default_lang(jurisdiction));
    let document = state.rules.thresholds_document(jurisdiction, date, lang);
    Ok(Json(document).into_response())
}

/// `GET /v1/rules`: which rules and which engine decide here.
pub(super) async fn rule_set(State(state): State<AppState>) -> Json<serde_json::Value> {
    let jurisdictions: Vec<serde_json::Value> = Jurisdiction::ALL
        .iter()
        .map(|&j| {
            serde_json::json!({
                "code": j.code(),
                "currency": state.rules.currency(j).map(|c| c.code()),
            })
        })
        .collect();
    Json(serde_json::json!({
        "format_version": crate::TOOLS_FORMAT_VERSION,
        "decision_format_version": crate::FORMAT_VERSION,
        "engine_version": env!("CARGO_PKG_VERSION"),
        "content_hash": state.rules.content_hash(),
        "files": state.rules.file_names(),
        "jurisdictions": jurisdictions,
    }))
}

/// `GET /v1/schema/case`: the JSON Schema of a case.
pub(super) async fn case_schema() -> Json<serde_json::Value> {
    Json(crate::schema::case_schema())
}

/// `GET /v1/schema/decision`: the JSON Schema of the decision document.
pub(super) async fn decision_schema() -> Json<serde_json::Value> {
    Json(crate::schema::decision_schema())
}

/// `GET /v1/openapi.json`: the OpenAPI document of this service.
pub(super) async fn openapi() -> Json<serde_json::Value> {
    Json(super::openapi::document())
}
