//! With the `tracing` feature, every refusal is also a `DEBUG` event.

use std::cell::RefCell;
use std::io::Write;
use std::sync::Once;

use crate::common::*;
use tower_cors::CorsLayer;
use tracing::subscriber::Interest;
use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;

thread_local! {
    /// The events this thread is capturing: up to which level, and what
    /// was written. `None`: none.
    static CAPTURE: RefCell<Option<(tracing::Level, Vec<u8>)>> = const { RefCell::new(None) };
}

/// Writes to the capture of the current thread.
struct ToCapture;

impl Write for ToCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some((_, text)) = capture.borrow_mut().as_mut() {
                text.extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for ToCapture {
    type Writer = ToCapture;

    fn make_writer(&'a self) -> Self::Writer {
        ToCapture
    }
}

/// One subscriber for the whole process, installed once, which keeps the
/// events of the threads that capture. A subscriber per test (a scoped
/// default) would race with the other tests' threads: a callsite that one
/// thread registers while another installs its subscriber can keep an
/// interest that ignores the new subscriber, and its events are lost.
fn install_subscriber() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Asked for every event (never cached per callsite): whether this
        // thread captures it.
        let capturing = dynamic_filter_fn(|meta, _| {
            CAPTURE.with(|capture| {
                capture
                    .borrow()
                    .as_ref()
                    .is_some_and(|(level, _)| meta.level() <= level)
            })
        })
        .with_callsite_filter(|_| Interest::sometimes());
        let layer = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .without_time()
            .with_writer(ToCapture)
            .with_filter(capturing);
        tracing_subscriber::registry()
            .with(layer)
            .try_init()
            .expect("the only global subscriber of the test binary");
    });
}

/// Runs `test` on this thread, keeping every event up to `level` that it
/// causes on this thread.
async fn captured_at<F: std::future::Future<Output = ()>>(
    level: tracing::Level,
    test: impl FnOnce() -> F,
) -> String {
    install_subscriber();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some((level, Vec::new())));
    test().await;
    let text = CAPTURE.with(|capture| capture.borrow_mut().take());
    String::from_utf8(text.map(|(_, text)| text).unwrap_or_default()).unwrap()
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
        "cross_origin_protection=false",
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

// checklist: X1
#[tokio::test(flavor = "current_thread")]
async fn a_cross_origin_protection_refusal_is_a_debug_event() {
    let cors = CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .cross_origin_protection(true)
        .build()
        .unwrap();
    let text = captured_at(tracing::Level::DEBUG, || async {
        let forged = [
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ];
        send(&cors, request("POST", &forged)).await;
        send(&cors, request("POST", &[("sec-fetch-site", "cross-site")])).await;
    })
    .await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    for line in &lines {
        assert!(
            line.starts_with("DEBUG tower_cors: CORS request refused"),
            "{text}"
        );
        assert!(line.contains("request=\"actual\""), "{text}");
        assert!(
            line.contains("reason=cross-origin POST from an origin not allowed"),
            "{text}"
        );
        assert!(line.contains("rule=\"cross_origin_protection\""), "{text}");
    }
    assert!(lines[0].contains("origin=https://evil.example"), "{text}");
    assert!(lines[1].contains("origin=(none)"), "{text}");
}

/// A report-only candidate's differences are `INFO` events, one each, with
/// the candidate's reason, both policies' names, the request's kind and
/// the origin, bounded.
// checklist: R2
#[tokio::test(flavor = "current_thread")]
async fn a_candidates_differences_are_info_events_with_bounded_fields() {
    let candidate = CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .build()
        .unwrap();
    let cors = CorsLayer::builder()
        .allow_any_origin()
        .allow_methods(["PUT"])
        .build()
        .unwrap()
        .with_candidate(candidate);
    let long_origin = format!("https://{}.example", "a".repeat(1000));
    let text = captured_at(tracing::Level::INFO, || async {
        send(&cors, get_from("https://app.example.com")).await;
        send(&cors, get_from("https://old.example")).await;
        send(&cors, preflight(&long_origin, "PUT", None)).await;
        send(&cors, preflight("https://app.example.com", "PUT", None)).await;
    })
    .await;
    let lines: Vec<&str> = text.lines().collect();
    // The candidate also lacks PUT, which the enforcing policy allows.
    assert_eq!(lines.len(), 3, "one event per difference:\n{text}");
    for line in &lines {
        assert!(
            line.starts_with(" INFO tower_cors: candidate policy decides otherwise")
                || line.starts_with("INFO tower_cors: candidate policy decides otherwise"),
            "{text}"
        );
        assert!(line.contains(" policy=\"default\""), "{text}");
        assert!(line.contains("candidate_policy=\"default\""), "{text}");
        assert!(line.contains("difference=\"would_refuse\""), "{text}");
    }
    for line in &lines[..2] {
        assert!(line.contains("reason=origin not allowed"), "{text}");
        assert!(line.contains("rule=\"allow_origins\""), "{text}");
    }
    assert!(lines[0].contains("request=Simple"), "{text}");
    assert!(lines[0].contains("origin=https://old.example"), "{text}");
    assert!(lines[1].contains("request=Preflight"), "{text}");
    assert!(
        lines[1].contains("(1016 bytes)"),
        "the origin is cut: {text}"
    );
    assert!(lines[1].len() < 400, "{text}");
    assert!(lines[2].contains("reason=method PUT not allowed"), "{text}");
    assert!(lines[2].contains("rule=\"allow_methods\""), "{text}");
}

/// The event names each policy by its own name, and a route the candidate
/// binds no policy to as such.
// checklist: R2
#[tokio::test(flavor = "current_thread")]
async fn a_difference_names_both_policies_and_an_unbound_route() {
    let enforcing = tower_cors::CorsRoutes::new()
        .policy(
            "api",
            CorsLayer::builder().allow_origins(["https://app.example.com"]),
        )
        .bind_prefix("/api", "api")
        .bind_prefix("/old", "api")
        .build()
        .unwrap();
    let candidate = tower_cors::CorsRoutes::new()
        .policy(
            "api-next",
            CorsLayer::builder().allow_origins(["https://next.example.com"]),
        )
        .bind_prefix("/api", "api-next")
        .build()
        .unwrap();
    let cors = enforcing.with_candidate(candidate);
    let to = |path: &str| {
        request_to(
            "GET",
            &format!("http://api.example.com{path}"),
            &[("origin", "https://app.example.com")],
        )
    };
    let text = captured_at(tracing::Level::INFO, || async {
        send(&cors, to("/api/x")).await;
        send(&cors, to("/old/y")).await;
    })
    .await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains(" policy=\"api\""), "{text}");
    assert!(
        lines[0].contains(" candidate_policy=\"api-next\""),
        "{text}"
    );
    assert!(lines[0].contains("difference=\"would_refuse\""), "{text}");
    assert!(lines[1].contains(" policy=\"api\""), "{text}");
    assert!(lines[1].contains(" candidate_policy=\"\""), "{text}");
    assert!(lines[1].contains("difference=\"not_bound\""), "{text}");
    assert!(
        lines[1].contains("reason=no candidate policy bound"),
        "{text}"
    );
    assert!(lines[1].contains("rule=\"routes\""), "{text}");
}
