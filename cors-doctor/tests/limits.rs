//! Bounded time and size: a server that accepts the connection and never
//! answers is a network error after `--timeout`; a 10 MB body is read up
//! to the doctor's limit and no further.

use std::net::{Ipv4Addr, TcpListener};

use axum::routing::get;
use axum::Router;

use super::{doctor, doctor_tls, https_url, ANY, ORIGIN};

/// `/large`: ten megabytes with `Access-Control-Allow-Origin: *`.
pub(super) fn routes() -> Router {
    Router::new().route("/large", get(|| async { ([ANY], vec![b'.'; 10_000_000]) }))
}

/// A listener that accepts connections and never reads or answers.
fn silent_server() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

#[test]
fn a_server_that_never_answers_is_a_network_error_after_the_timeout() {
    let port = silent_server();
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("https://localhost:{port}/"),
    ] {
        let run = doctor(&[&url, "--origin", ORIGIN, "--timeout", "1"]);
        assert_eq!(run.code, Some(2), "{url}: {run}");
        assert!(
            run.has_line(&format!(
                "NETWORK ERROR: {url}: no answer within 1 s (--timeout)"
            )),
            "{url}: {run}"
        );
    }
    // Fractions of a second.
    let url = format!("http://127.0.0.1:{port}/");
    let run = doctor(&[&url, "--origin", ORIGIN, "--timeout", "0.5"]);
    assert!(
        run.has_line(&format!(
            "NETWORK ERROR: {url}: no answer within 0.5 s (--timeout)"
        )),
        "{run}"
    );
}

/// A server that answers every request with `answer` and closes the
/// connection, or keeps it open without a word more when `stall`.
fn raw_server_stalling(answer: &'static [u8], stall: bool) -> u16 {
    use std::io::{Read, Write};
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for mut stream in listener.incoming().flatten() {
            let mut request = [0; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(answer);
            if stall {
                held.push(stream);
            }
        }
    });
    port
}

/// A server that answers every request with `answer` and closes the
/// connection.
fn raw_server(answer: &'static [u8]) -> u16 {
    raw_server_stalling(answer, false)
}

#[test]
fn a_body_cut_short_by_the_server_is_said_so_and_the_headers_still_decide() {
    // `Content-Length: 100`, 10 bytes, then the connection closes.
    let answer = b"HTTP/1.1 200 OK\r\naccess-control-allow-origin: *\r\ncontent-length: 100\r\n\r\n0123456789";
    let url = format!("http://127.0.0.1:{}/", raw_server(answer));
    let run = doctor(&[&url, "--origin", ORIGIN]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.line_starts("< (10 bytes of body, then the connection failed: "),
        "{run}"
    );
    assert!(run.line_starts("ALLOWED"), "{run}");
}

#[test]
fn a_ten_megabyte_body_is_read_up_to_the_limit() {
    let url = https_url("/large");
    let run = doctor_tls(&url, ORIGIN, &[]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.has_line("< content-length: 10000000"), "{run}");
    assert!(
        run.line_starts("< (the first 1048576 bytes of body read, the rest left unread"),
        "{run}"
    );
    assert!(run.line_starts("ALLOWED"), "{run}");
}

#[test]
fn an_http_1_0_answer_is_printed_as_such() {
    let answer = b"HTTP/1.0 200 OK\r\naccess-control-allow-origin: *\r\n\r\nbody";
    let url = format!("http://127.0.0.1:{}/", raw_server(answer));
    let run = doctor(&[&url, "--origin", ORIGIN]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.has_line("< HTTP/1.0 200 OK"), "{run}");
    assert!(run.has_line("< (4 bytes of body)"), "{run}");
}

#[test]
fn a_body_that_stops_coming_is_cut_at_the_timeout_and_the_headers_still_decide() {
    // `Content-Length: 100`, 10 bytes, then nothing, the connection open.
    let answer = b"HTTP/1.1 200 OK\r\naccess-control-allow-origin: *\r\ncontent-length: 100\r\n\r\n0123456789";
    let url = format!("http://127.0.0.1:{}/", raw_server_stalling(answer, true));
    let run = doctor(&[&url, "--origin", ORIGIN, "--timeout", "1"]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.has_line("< (10 bytes of body, then the time limit ran out)"),
        "{run}"
    );
    assert!(run.line_starts("ALLOWED"), "{run}");
}
