//! The CORS doctor: sends a server exactly the requests a browser would send
//! for a page's `fetch()`, and says whether the browser would let the page
//! read the answer, and if not, why and what to fix.
//!
//! ```text
//! cargo install --path cors-check --features cli
//! cors-doctor http://127.0.0.1:3000/simple --origin http://www.cors.com \
//!     --method PUT --header x-stage:1
//! ```
//!
//! The browser's rules come from the `cors_check` library, a model of the
//! Fetch Standard that knows no server-side CORS library: the doctor builds
//! a [`BrowserRequest`], sends its preflight first when one is needed and
//! checks the real answer with [`BrowserRequest::check_preflight`], then
//! sends the actual request and checks its answer with
//! [`BrowserRequest::check_response`]. Every exchange is printed, followed
//! by a verdict: `ALLOWED` (with the response headers script can read) or
//! `BLOCKED` (with the reason and the fix to try).
//!
//! It speaks plain `http://` only (hyper's client without TLS). Exit code:
//! 0 allowed, 1 blocked, 2 usage or connection error.

#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented,
    clippy::indexing_slicing,
    clippy::unreachable
)]

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use cors_check::{Blocked, BrowserRequest, Stage};
use http::header::HOST;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// How long one exchange (connecting, sending, reading the answer) may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The most response body the doctor reads (and only counts).
const BODY_LIMIT: usize = 1 << 20;
/// The response header in which a server's CORS layer explains a refusal
/// (tower-cors's debug mode puts its reason there).
const REFUSAL_HEADER: &str = "x-cors-refusal";

const USAGE: &str = "\
The CORS doctor: sends exactly the requests a browser would send for a page's
fetch() (the preflight first when one is needed), prints every exchange, and
says whether the browser lets the page read the answer, and if not, why.

USAGE:
    cors-doctor <url> --origin <page origin> [options]

    installed with:
    cargo install --path cors-check --features cli

    or run from the repository without installing:
    cargo run -p cors-check --features cli --bin cors-doctor -- <url> --origin <page origin> [options]

ARGUMENTS:
    <url>                       the URL the page fetches; plain http:// only
                                (the doctor has no TLS: put it in front of a
                                plain-http port of the server)
    --origin <origin>           the origin of the page that calls fetch(),
                                e.g. https://app.example.com

OPTIONS:
    -X, --method <method>       the request's method (default GET), as the
                                script writes it: `patch` is not `PATCH`
    -H, --header <name:value>   a header the script sets (repeatable)
    --credentials               credentials: \"include\" (cookies, HTTP
                                authentication)
    -h, --help                  print this help

EXIT CODE:
    0 allowed, 1 blocked, 2 usage or connection error

EXAMPLE:
    cors-doctor http://127.0.0.1:3000/simple \\
        --origin http://www.cors.com --method PUT --header x-stage:1";

/// What the command line asks for.
#[derive(Debug)]
struct Args {
    url: String,
    origin: String,
    method: String,
    headers: Vec<(String, String)>,
    credentials: bool,
}

/// `Ok(None)`: help was asked for.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut url = None;
    let mut origin = None;
    let mut method = None;
    let mut headers = Vec::new();
    let mut credentials = false;
    while let Some(arg) = args.next() {
        // `--name=value` is accepted as well as `--name value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            match inline.clone().or_else(|| args.next()) {
                Some(value) => Ok(value),
                None => Err(format!("{flag} needs {what}")),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--origin" => origin = Some(value("the page's origin")?),
            "-X" | "--method" => method = Some(value("a method")?),
            "-H" | "--header" => {
                let header = value("a header, as name:value")?;
                let Some((name, value)) = header.split_once(':') else {
                    return Err(format!("--header {header:?}: write it as name:value"));
                };
                let name = name.trim();
                if name.is_empty() {
                    return Err(format!("--header {header:?}: the name is empty"));
                }
                headers.push((name.to_owned(), value.trim().to_owned()));
            }
            "--credentials" => {
                if inline.is_some() {
                    return Err("--credentials takes no value".to_owned());
                }
                credentials = true;
            }
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg}")),
            _ if url.is_none() => url = Some(arg),
            _ => return Err(format!("one URL only, not also {arg:?}")),
        }
    }
    let url = url.ok_or("the URL to fetch is missing")?;
    let origin = origin.ok_or("--origin <page origin> is missing")?;
    Ok(Some(Args {
        url,
        origin,
        method: method.unwrap_or_else(|| "GET".to_owned()),
        headers,
        credentials,
    }))
}

/// The URL, checked to be one the doctor can fetch.
fn plain_http_url(url: &str) -> Result<Uri, String> {
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("http") => {}
        Some(s) if s.eq_ignore_ascii_case("https") => {
            return Err(format!(
                "{url}: the doctor speaks plain http:// only (it has no TLS); \
                 run it against a plain-http port of the server, e.g. the application \
                 behind its TLS proxy"
            ))
        }
        _ => return Err(format!("{url:?}: give an absolute http:// URL")),
    }
    if uri.host().is_none() {
        return Err(format!("{url:?}: the URL has no host"));
    }
    Ok(uri)
}

/// A header value as text, non-printable bytes escaped, long values cut.
fn shown(value: &HeaderValue) -> String {
    let mut out = String::new();
    for &b in value.as_bytes().iter().take(300) {
        if b == b' ' || b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    if value.len() > 300 {
        out.push_str("...");
    }
    out
}

/// The script's call, as JavaScript, for the heading.
fn as_fetch_call(args: &Args) -> String {
    let mut init = Vec::new();
    if args.method != "GET" {
        init.push(format!("method: {:?}", args.method));
    }
    if !args.headers.is_empty() {
        let headers: Vec<String> = args
            .headers
            .iter()
            .map(|(name, value)| format!("{name:?}: {value:?}"))
            .collect();
        init.push(format!("headers: {{ {} }}", headers.join(", ")));
    }
    if args.credentials {
        init.push("credentials: \"include\"".to_owned());
    }
    if init.is_empty() {
        format!("fetch({:?})", args.url)
    } else {
        format!("fetch({:?}, {{ {} }})", args.url, init.join(", "))
    }
}

/// One answer, as much of it as the doctor needs.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
}

type HttpClient = Client<HttpConnector, Empty<Bytes>>;

/// Sends `request`, printing it and its answer. `Err` is a connection error.
async fn exchange(
    client: &HttpClient,
    title: &str,
    request: Request<()>,
) -> Result<Answer, String> {
    let mut request = request.map(|()| Empty::<Bytes>::new());
    // hyper's client would add Host itself; set it here, first as browsers
    // send it, so that it is printed.
    if !request.headers().contains_key(HOST) {
        if let Some(host) = request
            .uri()
            .authority()
            .and_then(|authority| HeaderValue::from_str(authority.as_str()).ok())
        {
            let mut headers = HeaderMap::with_capacity(request.headers().len() + 1);
            headers.insert(HOST, host);
            for (name, value) in request.headers() {
                headers.append(name, value.clone());
            }
            *request.headers_mut() = headers;
        }
    }

    println!("== {title} ==");
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_owned();
    println!("> {} {target} HTTP/1.1", request.method());
    for (name, value) in request.headers() {
        println!("> {name}: {}", shown(value));
    }
    println!(">");

    let uri = request.uri().clone();
    let response: Response<Incoming> =
        match tokio::time::timeout(TIMEOUT, client.request(request)).await {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => return Err(connection_error(&uri, &e)),
            Err(_) => return Err(format!("{uri}: no answer within {} s", TIMEOUT.as_secs())),
        };
    let (parts, body) = response.into_parts();
    let reason = parts.status.canonical_reason().unwrap_or("");
    println!("< {:?} {} {reason}", parts.version, parts.status.as_u16());
    for (name, value) in &parts.headers {
        println!("< {name}: {}", shown(value));
    }
    let body = Limited::new(body, BODY_LIMIT);
    match tokio::time::timeout(TIMEOUT, body.collect()).await {
        Ok(Ok(body)) => println!("< ({} bytes of body)", body.to_bytes().len()),
        Ok(Err(e)) => println!("< (body not read: {e})"),
        Err(_) => println!("< (body not read within {} s)", TIMEOUT.as_secs()),
    }
    println!();
    Ok(Answer {
        status: parts.status,
        headers: parts.headers,
    })
}

/// A connection error with its causes, which hyper's client keeps apart.
fn connection_error(uri: &Uri, error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = format!("cannot reach {uri}: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(message, ": {cause}");
        source = cause.source();
    }
    message
}

/// What the server's CORS layer said about its refusal, in debug mode.
fn layer_says(answer: &Answer) -> Vec<String> {
    answer
        .headers
        .get_all(REFUSAL_HEADER)
        .iter()
        .map(shown)
        .collect()
}

/// Whether an answer carries any `Access-Control-*` header.
fn has_cors_headers(answer: &Answer) -> bool {
    answer
        .headers
        .keys()
        .any(|name| name.as_str().starts_with("access-control-"))
}

/// Prints the verdict for a blocked request; the exit code to return.
fn blocked(why: &Blocked, answer: &Answer, request: &BrowserRequest) -> ExitCode {
    // The reason reads "blocked at <stage>: <why>. Fix: <fix>": the verdict
    // goes on one line, the fix on the next.
    let reason = why.to_string();
    let fix = why.fix();
    let prefix = format!("blocked at {}: ", why.stage());
    let suffix = format!(". Fix: {fix}");
    match reason
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(&suffix))
    {
        Some(core) => println!("BLOCKED at {}: {core}.", why.stage()),
        None => println!("BLOCKED {reason}"),
    }
    println!("fix: {fix}");
    let said = layer_says(answer);
    for reason in &said {
        println!("the server's CORS layer says: {reason}");
    }
    let preflight = why.stage() == Stage::Preflight;
    if preflight && said.is_empty() && answer.status.is_success() && !has_cors_headers(answer) {
        // An ok answer without any CORS header: a server or proxy that
        // answers OPTIONS itself, or a CORS layer that refused the preflight
        // as a whole with an ok status. Say what the preflight asked for.
        let asked: Vec<String> = request
            .unsafe_headers()
            .iter()
            .map(|name| name.to_string())
            .collect();
        let headers = if asked.is_empty() {
            String::new()
        } else {
            format!(" and the headers {}", asked.join(", "))
        };
        println!(
            "note: the preflight's answer has no CORS header at all: the server's CORS policy \
             may have refused the origin {}, the method {}{headers}, or no CORS layer saw \
             the request.",
            request.origin(),
            request.method()
        );
    }
    if preflight && matches!(answer.status.as_u16(), 404 | 405) {
        println!(
            "note: a {} to OPTIONS suggests that no CORS layer answers preflights on this \
             path: is the layer applied to this route?",
            answer.status
        );
    }
    ExitCode::from(1)
}

async fn run(args: Args) -> Result<ExitCode, String> {
    plain_http_url(&args.url)?;
    let mut request = BrowserRequest::new(&args.origin, &args.method, &args.url)
        .map_err(|e| format!("the browser would refuse this request: {e}"))?;
    for (name, value) in &args.headers {
        request = request.header(name, value);
    }
    let request = request.credentials(args.credentials);
    if let Some(refused) = request.invalid() {
        return Err(format!("the browser would refuse this request: {refused}"));
    }

    println!("The page at {} runs:", args.origin);
    println!("    {}", as_fetch_call(&args));
    println!();

    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let mut layer_notes = Vec::new();

    if request.is_same_origin() {
        println!("Same origin: the browser applies no CORS rule to this request.");
        println!();
    } else if request.needs_preflight() {
        let answer = exchange(&client, "preflight", request.preflight()).await?;
        match request.check_preflight(answer.status, &answer.headers) {
            Ok(result) => {
                let methods: Vec<String> = result.methods.iter().map(|m| m.to_string()).collect();
                let headers: Vec<String> = result.headers.iter().map(|h| h.to_string()).collect();
                println!(
                    "preflight accepted (methods: {}; headers: {}; cached for {} s)",
                    none_if_empty(&methods),
                    none_if_empty(&headers),
                    result.max_age.as_secs()
                );
                println!();
                layer_notes.extend(layer_says(&answer));
            }
            Err(why) => return Ok(blocked(&why, &answer, &request)),
        }
    } else {
        println!(
            "No preflight: a {} with only CORS-safelisted headers is sent straight away.",
            request.method()
        );
        println!();
    }

    let answer = exchange(&client, "actual request", request.actual()).await?;
    match request.check_response(answer.status, &answer.headers) {
        Ok(readable) => {
            println!(
                "ALLOWED: the page reads the {} response of {} {}",
                answer.status, args.method, args.url
            );
            let hidden: Vec<String> = answer
                .headers
                .keys()
                .filter(|name| !readable.contains(name.as_str()))
                .map(|name| name.to_string())
                .collect();
            println!(
                "script can read the headers: {}",
                none_if_empty(readable.names())
            );
            println!("hidden from script: {}", none_if_empty(&hidden));
            layer_notes.extend(layer_says(&answer));
            for reason in &layer_notes {
                println!("the server's CORS layer says: {reason}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => Ok(blocked(&why, &answer, &request)),
    }
}

fn none_if_empty(list: &[String]) -> String {
    if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(", ")
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("doctor: {e}");
            eprintln!("usage: cargo run -p cors-check --features cli --bin cors-doctor -- <url> --origin <page origin> [--method PUT] [--header name:value] [--credentials]");
            eprintln!("       cargo run -p cors-check --features cli --bin cors-doctor -- --help");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("doctor: {e}");
            ExitCode::from(2)
        }
    }
}
