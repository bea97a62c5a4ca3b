//! The diagnosis as one JSON object (`--json`); its shape is documented in
//! the crate's README.

use cors_check::{Blocked, Outcome};
use http::HeaderMap;
use serde_json::{json, Value};

use crate::client::{BodyRead, Wire};
use crate::diagnose::{Diagnosis, Judgement, Script};
use crate::engine::engine_id;
use crate::report::{is_preflight, shown, terminal_safe, version_name, REFUSAL_HEADER};

/// The diagnosis as JSON (`insecure`: certificates were not checked).
pub fn diagnosis(script: &Script, diagnosis: &Diagnosis, insecure: bool) -> Value {
    json!({
        "insecure": insecure,
        "fetch": script.as_fetch_call(),
        "origin": script.origin,
        "url": script.url,
        "method": script.method,
        "credentials": script.credentials,
        "engine": engine_id(diagnosis.engine),
        "exchanges": diagnosis.wire.iter().map(exchange).collect::<Vec<_>>(),
        "verdict": verdict(script, diagnosis),
        "engines": diagnosis.others.iter().map(judgement).collect::<Vec<_>>(),
    })
}

/// `[[name, value], ...]`, in order, values escaped as printed.
fn headers(headers: &HeaderMap) -> Value {
    headers
        .iter()
        .map(|(name, value)| json!([name.as_str(), shown(value)]))
        .collect()
}

fn exchange(wire: &Wire) -> Value {
    let request = &wire.request;
    let response = match &wire.answer {
        Ok(answer) => {
            let (body_bytes, body) = match answer.body {
                BodyRead::Complete(n) => (n, "complete"),
                BodyRead::Cut(n) => (n, "cut"),
                BodyRead::Unfinished(n) => (n, "unfinished"),
                BodyRead::Broken(n, _) => (n, "broken"),
            };
            json!({
                "version": version_name(answer.version),
                "status": answer.status.as_u16(),
                "headers": headers(&answer.headers),
                "body_bytes": body_bytes,
                "body": body,
            })
        }
        Err(_) => Value::Null,
    };
    json!({
        "stage": if is_preflight(request) { "preflight" } else { "actual" },
        "request": {
            "method": request.method().as_str(),
            "url": request.uri().to_string(),
            "headers": headers(request.headers()),
            "body_bytes": wire.body_length,
        },
        "response": response,
        "error": wire.answer.as_ref().err(),
    })
}

fn blocked(why: &Blocked) -> Value {
    json!({
        "stage": match why.stage() {
            cors_check::Stage::Preflight => "preflight",
            _ => "actual",
        },
        "rule": why.rule().name(),
        "reason": why.to_string(),
        "fix": why.fix(),
    })
}

/// `allowed`, `blocked`, `rejected` (fetch() throws) or `network-error`.
fn result(outcome: &Outcome, network_error: bool) -> &'static str {
    match (network_error, outcome.rejected(), outcome.blocked()) {
        (true, _, _) => "network-error",
        (false, Some(_), _) => "rejected",
        (false, None, Some(_)) => "blocked",
        (false, None, None) => "allowed",
    }
}

fn verdict(script: &Script, diagnosis: &Diagnosis) -> Value {
    let outcome = &diagnosis.outcome;
    let local_network_permission = script
        .request()
        .is_ok_and(|request| request.needs_local_network_permission());
    let network_error = diagnosis.network_error();
    let readable = outcome.readable().map(|readable| {
        readable
            .names()
            .iter()
            .map(|name| json!([name, readable.get(name).map(terminal_safe)]))
            .collect::<Vec<_>>()
    });
    let layer_says: Vec<String> = diagnosis
        .wire
        .iter()
        .filter_map(|wire| wire.answer.as_ref().ok())
        .flat_map(|answer| answer.headers.get_all(REFUSAL_HEADER).iter().map(shown))
        .collect();
    let blocked_by = match network_error {
        Some(_) => None,
        None => outcome.blocked().map(blocked),
    };
    json!({
        "result": result(outcome, network_error.is_some()),
        "status": outcome.status().map(|status| status.as_u16()),
        "readable": readable,
        "blocked": blocked_by,
        "rejected": outcome.rejected().map(|refused| refused.to_string()),
        "error": network_error,
        "standard_blocks": outcome.standard_blocks().map(blocked),
        "server_says": layer_says,
        "local_network_permission": local_network_permission,
    })
}

fn judgement(judgement: &Judgement) -> Value {
    let unsent = judgement.unsent.as_ref().map(|request| {
        json!({
            "method": request.method().as_str(),
            "url": request.uri().to_string(),
            "stage": if is_preflight(request) { "preflight" } else { "actual" },
        })
    });
    let (result, blocked_by) = match &unsent {
        Some(_) => ("not-sent", None),
        None => (
            result(&judgement.outcome, false),
            judgement.outcome.blocked().map(blocked),
        ),
    };
    json!({
        "engine": engine_id(judgement.engine),
        "result": result,
        "blocked": blocked_by,
        "not_sent": unsent,
    })
}
