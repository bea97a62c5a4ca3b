//! With the `tracing` feature, every refusal is also a `DEBUG` event.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::common::*;
use tower_cors::CorsLayer;

/// Collects what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Runs `test` with a subscriber that keeps every event up to `level`.
async fn captured_at<F: std::future::Future<Output = ()>>(
    level: tracing::Level,
    test: impl FnOnce() -> F,
) -> String {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    test().await;
    captured.text()
}

fn policy() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
        .build()
        .unwrap()
}

// checklist: P7
#[tokio::test(flavor = "current_thread")]
async fn refusals_are_debug_events_with_their_reason_as_fields() {
    let cors = policy();
    let text = captured_at(tracing::Level::DEBUG, || async {
        send(&cors, preflight("https://app.example.com", "PUT", None)).await;
        send(&cors, get_from("https://app.example.com")).await;
        send(&cors, preflight("https://app.example.com", "DELETE", None)).await;
        send(&cors, get_from("https://evil.example")).await;
        send(&cors, preflight("https://app.example.com/", "PUT", None)).await;
    })
    .await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "allowed requests make no DEBUG event:\n{text}"
    );
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("DEBUG tower_cors: CORS request refused")),
        "{text}"
    );
    assert!(lines[0].contains("request=\"preflight\""), "{text}");
    assert!(
        lines[0].contains("reason=method DELETE not allowed"),
        "{text}"
    );
    assert!(lines[0].contains("rule=\"allow_methods\""), "{text}");
    assert!(
        lines[0].contains("origin=https://app.example.com"),
        "{text}"
    );
    assert!(lines[1].contains("request=\"actual\""), "{text}");
    assert!(lines[1].contains("reason=origin not allowed"), "{text}");
    assert!(lines[1].contains("rule=\"allow_origins\""), "{text}");
    assert!(lines[1].contains("origin=https://evil.example"), "{text}");
    assert!(
        lines[2].contains("reason=malformed Origin: an origin has no path"),
        "{text}"
    );
    assert!(lines[2].contains("rule=\"Origin syntax\""), "{text}");
}

#[tokio::test(flavor = "current_thread")]
async fn allowed_requests_are_trace_events() {
    let cors = policy();
    let text = captured_at(tracing::Level::TRACE, || async {
        send(&cors, preflight("https://app.example.com", "PUT", None)).await;
        send(&cors, get_from("https://app.example.com")).await;
        // Not a CORS request: nothing to tell.
        send(&cors, request("GET", &[])).await;
    })
    .await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("TRACE tower_cors: CORS request allowed"),
        "{text}"
    );
    assert!(lines[0].contains("request=\"preflight\""), "{text}");
    assert!(lines[1].contains("request=\"actual\""), "{text}");
    assert!(
        lines[1].contains("origin=https://app.example.com"),
        "{text}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_built_policy_is_summarised_at_info() {
    let text = captured_at(tracing::Level::INFO, || async {
        CorsLayer::builder()
            .allow_origins(["https://app.example.com", "https://*.example.org"])
            .allow_origin_predicate(|_, _| false)
            .allow_methods(["GET", "PUT"])
            .allow_headers(["x-custom"])
            .expose_headers(["x-request-id"])
            .allow_credentials(true)
            .max_age(std::time::Duration::from_secs(600))
            .build()
            .unwrap();
        // A policy that does not build is not announced.
        let _ = CorsLayer::builder()
            .allow_any_origin()
            .allow_credentials(true)
            .build();
    })
    .await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let line = lines[0].trim_start();
    assert!(
        line.starts_with("INFO tower_cors: CORS policy built"),
        "{line}"
    );
    for field in [
        "origins=https://app.example.com, https://*.example.org + predicate",
        "methods=GET, PUT",
        "headers=x-custom",
        "exposed=x-request-id",
        "credentials=true",
        "max_age=600 s",
    ] {
        assert!(line.contains(field), "{field} in {line}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_hostile_method_makes_a_short_line() {
    let cors = policy();
    let method = "X".repeat(1 << 20);
    let text = captured_at(tracing::Level::DEBUG, || async {
        send(&cors, preflight("https://app.example.com", &method, None)).await;
    })
    .await;
    assert_eq!(text.lines().count(), 1, "{}", &text[..200.min(text.len())]);
    assert!(text.len() < 400, "{} bytes", text.len());
    assert!(text.contains("(1048576 bytes) not allowed"), "{text}");
}

#[tokio::test(flavor = "current_thread")]
async fn private_network_questions_left_unanswered_are_told() {
    let cors = policy();
    let text = captured_at(tracing::Level::DEBUG, || async {
        send(
            &cors,
            pna_preflight("https://app.example.com", "PUT", None, Some("true")),
        )
        .await;
    })
    .await;
    assert!(
        text.contains("reason=private network access not allowed"),
        "{text}"
    );
    assert!(text.contains("rule=\"allow_private_network\""), "{text}");
}
