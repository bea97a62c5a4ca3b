//! The `cors-doctor` binary against a local axum server with hand-written
//! CORS headers: its verdict, what it prints, and its exit codes (0
//! allowed, 1 blocked, 2 usage or network error).
//!
//! The modules check the rest of what the doctor documents: its options and
//! the `fetch(...)` line it prints (`arguments`), the exchanges as printed
//! (`exchanges`), and the notes of a BLOCKED verdict (`notes`).

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::process::{Command, Output};
use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

const ANY: (&str, &str) = ("access-control-allow-origin", "*");
const EXPOSE: (&str, &str) = ("access-control-expose-headers", "x-request-id");
const ORIGIN: &str = "http://www.cors.com";

mod arguments;
mod exchanges;
mod notes;

/// The routes: `/ok` allows any origin to `GET` and `PUT` with `x-stage`;
/// `/bare` sends no CORS header; `/refusing` refuses every preflight with
/// `403` and names the reason in `x-cors-refusal`, as a CORS layer in debug
/// mode does. The modules add their own routes.
fn app() -> Router {
    Router::new()
        .route(
            "/ok",
            get(|| async { ([ANY, EXPOSE, ("x-request-id", "7")], "[]") })
                .put(|| async { ([ANY, EXPOSE, ("x-request-id", "8")], "saved") })
                .options(|| async {
                    let allow = [
                        ANY,
                        ("access-control-allow-methods", "GET, PUT"),
                        ("access-control-allow-headers", "x-stage"),
                        ("access-control-max-age", "60"),
                    ];
                    (StatusCode::NO_CONTENT, allow)
                }),
        )
        .route("/bare", get(|| async { "no CORS here" }))
        .route(
            "/refusing",
            get(|| async { ([ANY], "[]") }).options(|| async {
                let reason = ("x-cors-refusal", "request header x-custom not allowed");
                (StatusCode::FORBIDDEN, [reason])
            }),
        )
        .merge(arguments::routes())
        .merge(exchanges::routes())
        .merge(notes::routes())
}

/// The address of the server, started once for every test, on a free port
/// of 127.0.0.1.
fn server() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app()).await.unwrap();
            });
        });
        address
    })
}

/// What the doctor did with `args`: its exit code, stdout and stderr.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Whether a whole line of stdout starts with `start`.
    fn line_starts(&self, start: &str) -> bool {
        self.stdout.lines().any(|line| line.starts_with(start))
    }

    /// Whether stdout has a line that is exactly `line`.
    fn has_line(&self, line: &str) -> bool {
        self.stdout.lines().any(|l| l == line)
    }

    /// The rest of the first line of stdout that starts with `start`.
    fn line_after(&self, start: &str) -> Option<&str> {
        self.stdout
            .lines()
            .find_map(|line| line.strip_prefix(start))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn doctor(args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_cors-doctor"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn url(path: &str) -> String {
    format!("http://{}{path}", server())
}

#[test]
fn an_allowed_request_exits_0_and_lists_what_script_reads() {
    let url = url("/ok");
    let run = doctor(&[
        &url,
        "--origin",
        ORIGIN,
        "--method",
        "PUT",
        "-H",
        "x-stage:1",
    ]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.line_starts("> OPTIONS /ok HTTP/1.1"), "{run}");
    assert!(
        run.line_starts("> access-control-request-headers: x-stage"),
        "{run}"
    );
    assert!(
        run.line_starts(
            "preflight accepted (methods: GET, PUT; headers: x-stage; cached for 60 s)"
        ),
        "{run}"
    );
    assert!(run.line_starts("> PUT /ok HTTP/1.1"), "{run}");
    assert!(
        run.line_starts("ALLOWED: the page reads the 200 OK response of PUT"),
        "{run}"
    );
    assert!(
        run.line_starts("script can read the headers: content-length, content-type, x-request-id"),
        "{run}"
    );
}

#[test]
fn a_simple_request_is_sent_without_a_preflight() {
    let run = doctor(&[&url("/ok"), "--origin", ORIGIN]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.line_starts("No preflight: a GET"), "{run}");
    assert!(!run.stdout.contains("> OPTIONS"), "{run}");
    assert!(run.line_starts("ALLOWED"), "{run}");
}

#[test]
fn a_refused_preflight_exits_1_with_the_reason_and_the_fix() {
    let url = url("/ok");
    let run = doctor(&[
        &url,
        "--origin",
        ORIGIN,
        "--method=PUT",
        "--header",
        "x-custom:1",
    ]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.line_starts(
            "BLOCKED at the preflight: the preflight's Access-Control-Allow-Headers (x-stage) does not list the request header x-custom."
        ),
        "{run}"
    );
    assert!(
        run.line_starts("fix: allow the request header x-custom"),
        "{run}"
    );
    assert!(!run.stdout.contains("> PUT"), "no actual request: {run}");
}

#[test]
fn a_response_without_cors_headers_exits_1() {
    let run = doctor(&[&url("/bare"), "--origin", ORIGIN]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.line_starts(
            "BLOCKED at the actual request: the response has no Access-Control-Allow-Origin."
        ),
        "{run}"
    );
}

#[test]
fn the_reason_a_cors_layer_gives_is_shown() {
    let url = url("/refusing");
    let run = doctor(&[&url, "--origin", ORIGIN, "-X", "DELETE"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("< HTTP/1.1 403"), "{run}");
    assert!(
        run.line_starts(
            "BLOCKED at the preflight: the preflight's status is 403 Forbidden, not 200-299."
        ),
        "{run}"
    );
    assert!(
        run.line_starts("the server's CORS layer says: request header x-custom not allowed"),
        "{run}"
    );
}

#[test]
fn usage_errors_exit_2_and_name_the_commands() {
    for args in [
        &[][..],
        &["http://127.0.0.1:1/"],
        &["http://127.0.0.1:1/", "--origin"],
        &["http://127.0.0.1:1/", "--origin", ORIGIN, "--bogus"],
        &["http://127.0.0.1:1/", "--origin", ORIGIN, "-H", "no-colon"],
    ] {
        let run = doctor(args);
        assert_eq!(run.code, Some(2), "{args:?}: {run}");
        assert!(run.stderr.starts_with("doctor: "), "{args:?}: {run}");
        assert!(
            run.stderr.contains(
                "usage: cargo run -p cors-check --features cli --bin cors-doctor -- <url>"
            ),
            "{args:?}: {run}"
        );
        assert!(run.stdout.is_empty(), "{args:?}: {run}");
    }
    let https = doctor(&["https://127.0.0.1:1/", "--origin", ORIGIN]);
    assert_eq!(https.code, Some(2), "{https}");
    assert!(https.stderr.contains("plain http:// only"), "{https}");
    let refused = doctor(&["http://127.0.0.1:1/", "--origin", ORIGIN, "-X", "TRACE"]);
    assert_eq!(refused.code, Some(2), "{refused}");
    assert!(
        refused
            .stderr
            .contains("the browser would refuse this request: TRACE is a forbidden method"),
        "{refused}"
    );
}

#[test]
fn a_server_that_cannot_be_reached_exits_2() {
    // A port that was free a moment ago, and is closed again.
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let run = doctor(&[&url, "--origin", ORIGIN]);
    assert_eq!(run.code, Some(2), "{run}");
    assert!(run.stderr.contains("doctor: cannot reach"), "{run}");
}

#[test]
fn help_exits_0_and_names_how_to_install_and_run() {
    for flag in ["--help", "-h"] {
        let run = doctor(&[flag]);
        assert_eq!(run.code, Some(0), "{run}");
        assert!(
            run.stdout
                .contains("cargo install --path cors-check --features cli"),
            "{run}"
        );
        assert!(
            run.stdout
                .contains("cargo run -p cors-check --features cli --bin cors-doctor --"),
            "{run}"
        );
    }
}
