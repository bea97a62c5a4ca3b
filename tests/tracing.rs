//! With the `tracing` feature, every refusal is also a `DEBUG` event.
#![cfg(feature = "tracing")]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
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

// checklist: P7
#[tokio::test(flavor = "current_thread")]
async fn refusals_are_traced_with_their_reason() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let cors = CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
        .build()
        .unwrap();
    send(&cors, preflight("https://app.example.com", "PUT", None)).await;
    assert_eq!(captured.text(), "", "an accepted preflight is not traced");

    send(&cors, preflight("https://app.example.com", "DELETE", None)).await;
    send(&cors, get_from("https://evil.example")).await;
    let text = captured.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains("DEBUG"), "{text}");
    assert!(lines[0].contains("tower_cors"), "{text}");
    assert!(lines[0].contains("method DELETE not allowed"), "{text}");
    assert!(lines[1].contains("origin not allowed"), "{text}");
    assert!(lines[1].contains("https://evil.example"), "{text}");
}
