//! The `cors-doctor` command against local HTTP and HTTPS servers (a test
//! CA made at start-up with rcgen): its verdicts, what it prints, its exit
//! codes (0 allowed, 1 blocked, 2 usage or network error), and the
//! contract file.
//!
//! The modules check the rest of what the doctor documents: its options and
//! the `fetch(...)` line it prints (`arguments`), the exchanges as printed
//! (`exchanges`), the notes of a BLOCKED verdict (`notes`), HTTPS with a
//! private CA, HTTP/2 and HTTP/1.1 (`https`), redirects (`redirects`), the
//! repository's examples over HTTPS (`examples`), the contract file and its
//! JUnit report (`contract`), `--json` (`json`), and a server that never
//! answers or sends too much (`limits`).

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, OnceLock};

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

const ANY: (&str, &str) = ("access-control-allow-origin", "*");
const EXPOSE: (&str, &str) = ("access-control-expose-headers", "x-request-id");
const ORIGIN: &str = "http://www.cors.com";

mod arguments;
mod contract;
mod engines;
mod examples;
mod exchanges;
mod https;
mod json;
mod limits;
mod notes;
mod redirects;

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
        .route(
            "/bare",
            get(|| async { "no CORS here" }).put(|| async { "no CORS" }),
        )
        .route(
            "/options-too",
            axum::routing::options(|headers: axum::http::HeaderMap| async move {
                // The preflight and the script's own OPTIONS both pass.
                let preflight = headers.contains_key("access-control-request-method");
                let methods = ("access-control-allow-methods", "OPTIONS");
                let kind = ("x-kind", if preflight { "preflight" } else { "actual" });
                (StatusCode::OK, [ANY, methods, kind])
            }),
        )
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
        .merge(redirects::routes())
        .merge(limits::routes())
        .merge(engines::routes())
}

/// How a test server speaks: plain HTTP, or TLS with a certificate of the
/// test CA, offering these protocols by ALPN.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tls {
    Plain,
    Alpn(&'static [&'static [u8]]),
}

/// TLS offering HTTP/2 and HTTP/1.1, HTTP/2 preferred.
const H2: Tls = Tls::Alpn(&[b"h2", b"http/1.1"]);
/// TLS offering HTTP/1.1 only.
const H1: Tls = Tls::Alpn(&[b"http/1.1"]);

/// The test CA: its certificate (a PEM file, for `--cacert`) and a server
/// certificate it signed for `localhost` and `127.0.0.1`.
struct TestCa {
    file: PathBuf,
    chain: Vec<tokio_rustls::rustls::pki_types::CertificateDer<'static>>,
    key: Vec<u8>,
}

/// The test CA, made once per run.
fn ca() -> &'static TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
        };
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "cors-doctor test CA");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().unwrap();
        let ca_certificate = params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(params, ca_key);
        let leaf =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_certificate = leaf.signed_by(&leaf_key, &issuer).unwrap();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("cors-doctor-test-ca-{}.pem", std::process::id()));
        std::fs::write(&file, ca_certificate.pem()).unwrap();
        TestCa {
            file,
            chain: vec![leaf_certificate.der().clone()],
            key: leaf_key.serialize_der(),
        }
    })
}

/// The test CA's certificate file, for `--cacert`.
fn ca_file() -> &'static str {
    ca().file.to_str().unwrap()
}

/// Serves `app` on a free port of 127.0.0.1, on a thread of its own, as
/// `tls` says; returns the address.
fn serve(app: Router, tls: Tls) -> SocketAddr {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    let acceptor = match tls {
        Tls::Plain => None,
        Tls::Alpn(protocols) => Some(acceptor(protocols)),
    };
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let Some(acceptor) = acceptor else {
                return axum::serve(listener, app).await.unwrap();
            };
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (acceptor, app) = (acceptor.clone(), app.clone());
                tokio::spawn(async move {
                    let Ok(stream) = acceptor.accept(stream).await else {
                        return;
                    };
                    let service = hyper_util::service::TowerToHyperService::new(app);
                    let builder = hyper_util::server::conn::auto::Builder::new(
                        hyper_util::rt::TokioExecutor::new(),
                    );
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = builder.serve_connection(io, service).await;
                });
            }
        });
    });
    address
}

/// A TLS acceptor with the test CA's server certificate and `protocols`
/// offered by ALPN.
fn acceptor(protocols: &[&[u8]]) -> tokio_rustls::TlsAcceptor {
    use tokio_rustls::rustls::{self, pki_types::PrivateKeyDer};
    let ca = ca();
    // ring, as the doctor's client has it: aws-lc-rs would add a C build.
    // (rustls deprecates ring's provider for want of post-quantum key
    // exchange, which a local test server does not need.)
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            ca.chain.clone(),
            PrivateKeyDer::Pkcs8(ca.key.clone().into()),
        )
        .unwrap();
    config.alpn_protocols = protocols.iter().map(|p| p.to_vec()).collect();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// The address of the test app over plain HTTP, started once.
fn server() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| serve(app(), Tls::Plain))
}

/// The address of the test app over TLS with `tls`'s protocols, started
/// once for each.
fn tls_server(tls: Tls) -> SocketAddr {
    static H2_ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    static H1_ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    let cell = if tls == H1 { &H1_ADDRESS } else { &H2_ADDRESS };
    *cell.get_or_init(|| serve(app(), tls))
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

/// Runs the doctor with `args` in `dir` (the tests' own directory when
/// `None`), with the variables of `env` set.
fn doctor_in(dir: Option<&Path>, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cors-doctor"));
    command.args(args);
    // The servers are local: no proxy from the environment of the run.
    for proxy in ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"] {
        command
            .env_remove(proxy)
            .env_remove(proxy.to_ascii_lowercase());
    }
    command.envs(env.iter().copied());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().unwrap();
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn doctor(args: &[&str]) -> Run {
    doctor_in(None, &[], args)
}

/// Runs the doctor on `url` for a page of `origin`, trusting the test CA,
/// with `options` after.
fn doctor_tls(url: &str, origin: &str, options: &[&str]) -> Run {
    let mut args = vec![url, "--origin", origin, "--cacert", ca_file()];
    args.extend_from_slice(options);
    doctor(&args)
}

/// Asserts that `run` says of each browser engine that it would go on with
/// a `PUT` to `url`, which the doctor did not send.
fn each_engine_would_put(run: &Run, url: &str) {
    for (engine, id) in [
        ("Chromium 156", "chromium"),
        ("Firefox 153", "firefox"),
        ("WebKit 2.50", "webkit"),
    ] {
        let line = format!(
            "  {engine}: goes on with PUT {url}, which the doctor did not send (--engine {id} sends it)"
        );
        assert!(run.has_line(&line), "{engine}: {run}");
    }
}

/// Asserts that `run`, judged as Chromium, lists the Fetch Standard alone
/// as blocking the preflight, the other engines as agreeing.
fn only_the_standard_blocks(run: &Run) {
    assert!(
        run.line_starts("  the Fetch Standard: BLOCKED at the preflight: "),
        "{run}"
    );
    assert!(
        run.line_starts("  Firefox 153, WebKit 2.50: as above"),
        "{run}"
    );
}

/// A URL of the test app over HTTPS (HTTP/2 offered), by host name.
fn https_url(path: &str) -> String {
    format!("https://localhost:{}{path}", tls_server(H2).port())
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
    assert!(!run.line_starts("No preflight"), "{run}");
    assert!(!run.line_starts("Same origin"), "{run}");
    assert!(!run.line_starts("redirect ("), "{run}");
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
fn usage_errors_exit_2_with_the_usage_and_nothing_on_stdout() {
    for args in [
        &[][..],
        &["http://127.0.0.1:1/"],
        &["http://127.0.0.1:1/", "--origin"],
        &["http://127.0.0.1:1/", "--origin", ORIGIN, "--bogus"],
        &["http://127.0.0.1:1/", "--origin", ORIGIN, "-H", "no-colon"],
        &["http://127.0.0.1:1/", "--origin", ORIGIN, "--timeout", "0"],
        &[
            "http://127.0.0.1:1/",
            "--origin",
            ORIGIN,
            "--engine",
            "opera",
        ],
    ] {
        let run = doctor(args);
        assert_eq!(run.code, Some(2), "{args:?}: {run}");
        assert!(run.stderr.starts_with("error: "), "{args:?}: {run}");
        assert!(run.stderr.contains("--help"), "{args:?}: {run}");
        assert!(run.stdout.is_empty(), "{args:?}: {run}");
    }
}

#[test]
fn a_request_fetch_refuses_exits_2_before_sending_anything() {
    for (args, why) in [
        (&["-X", "TRACE"][..], "TRACE is a forbidden method"),
        (&["-d", "x"], "GET"),
    ] {
        let mut all = vec![url("/ok"), "--origin".to_owned(), ORIGIN.to_owned()];
        all.extend(args.iter().map(|a| a.to_string()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let run = doctor(&all);
        assert_eq!(run.code, Some(2), "{run}");
        assert!(run.stdout.is_empty(), "nothing sent: {run}");
        assert!(
            run.stderr
                .starts_with("cors-doctor: fetch() would refuse it: ")
                && run.stderr.contains(why),
            "{run}"
        );
    }
}

#[test]
fn a_server_that_cannot_be_reached_exits_2() {
    // Port 1: nothing listens there (a test cannot bind it either).
    let url = "http://127.0.0.1:1/".to_owned();
    let run = doctor(&[&url, "--origin", ORIGIN]);
    assert_eq!(run.code, Some(2), "{run}");
    assert!(
        run.line_starts(&format!("! no answer: cannot reach {url}: ")),
        "{run}"
    );
    assert!(
        run.has_line(&format!(
            "NETWORK ERROR: cannot reach {url}: client error (Connect): tcp connect error: Connection refused (os error 111)"
        )),
        "{run}"
    );
    assert!(!run.line_starts("BLOCKED"), "{run}");
    // No verdicts of other engines on answers that never came.
    assert!(!run.stdout.contains("engines:"), "{run}");
}

#[test]
fn help_exits_0_and_names_every_option_and_the_check_command() {
    for flag in ["--help", "-h"] {
        let run = doctor(&[flag]);
        assert_eq!(run.code, Some(0), "{run}");
        for option in [
            "--origin",
            "--method",
            "--header",
            "--data",
            "--credentials",
            "--engine",
            "--cacert",
            "--insecure",
            "--json",
            "--timeout",
            "check",
        ] {
            assert!(run.stdout.contains(option), "{option}: {run}");
        }
    }
    let run = doctor(&["check", "--help"]);
    assert_eq!(run.code, Some(0), "{run}");
    for word in ["[[expect]]", "readable", "--junit", "--cacert", "--engine"] {
        assert!(run.stdout.contains(word), "{word}: {run}");
    }
    let run = doctor(&["--version"]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.stdout.starts_with("cors-doctor "), "{run}");
}

#[test]
fn a_same_origin_request_is_said_to_need_no_cors() {
    let page = format!("http://{}", server());
    let run = doctor(&[&url("/bare"), "--origin", &page, "-X", "PUT"]);
    assert!(
        run.line_starts("Same origin: the browser applies no CORS rule to this request."),
        "{run}"
    );
    assert!(!run.line_starts("No preflight"), "{run}");
    assert!(!run.line_starts("== preflight"), "{run}");
}

#[test]
fn a_script_s_options_request_is_preflighted_and_sent() {
    // OPTIONS is no CORS-safelisted method: a preflight asks for it first.
    let run = doctor(&[&url("/ok"), "--origin", ORIGIN, "-X", "OPTIONS"]);
    assert!(run.has_line("== preflight =="), "{run}");
    assert!(
        run.has_line("> access-control-request-method: OPTIONS"),
        "{run}"
    );
    assert!(
        !run.has_line("== actual request =="),
        "the preflight refused OPTIONS: {run}"
    );
    assert!(run.line_starts("BLOCKED at the preflight: "), "{run}");
    // `/options-too` allows it: the actual OPTIONS follows, no preflight itself.
    let run = doctor(&[&url("/options-too"), "--origin", ORIGIN, "-X", "OPTIONS"]);
    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(run.stdout.matches("== preflight ==").count(), 1, "{run}");
    assert!(run.has_line("== actual request =="), "{run}");
}
