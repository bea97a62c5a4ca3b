//! The diagnosis as text: every exchange as it went over the wire, the
//! verdict with its reason and fix, and where browser engines differ.

use std::fmt::Write as _;

use cors_check::{Blocked, BrowserRequest, Outcome, Stage};
use http::{HeaderMap, HeaderValue, Request, Version};

use crate::client::{Answer, BodyRead, Wire, BODY_LIMIT};
use crate::diagnose::{Diagnosis, Judgement, Script};
use crate::engine::engine_id;

/// The response header in which a server's CORS layer explains a refusal
/// (tower-cors's debug mode puts its reason there).
pub const REFUSAL_HEADER: &str = "x-cors-refusal";

/// A header value as text, non-printable bytes escaped, long values cut.
pub fn shown(value: &HeaderValue) -> String {
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

/// `HTTP/1.1`, `HTTP/2`.
pub fn version_name(version: Version) -> String {
    match version {
        Version::HTTP_2 => "HTTP/2".to_owned(),
        // `HTTP/1.0`, `HTTP/1.1`, `HTTP/3.0`...
        other => format!("{other:?}"),
    }
}

/// Whether `request` is a CORS preflight.
pub fn is_preflight(request: &Request<()>) -> bool {
    request.method() == http::Method::OPTIONS
        && request
            .headers()
            .contains_key(http::header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// `text` with every control character but the line break, and every
/// character that reorders text on a terminal (bidirectional controls),
/// written as `\u{..}`: what a server sends cannot disguise a line.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let reorders = matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if (c.is_control() && c != '\n') || reorders {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// The whole diagnosis, as the doctor prints it (`insecure`: certificates
/// were not checked).
pub fn text(script: &Script, diagnosis: &Diagnosis, insecure: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "The page at {} runs:", script.origin);
    let _ = writeln!(out, "    {}", script.as_fetch_call());
    let _ = writeln!(out, "judged by: {}", diagnosis.engine.label());
    if insecure {
        out.push_str("warning: --insecure: no server's certificate was checked\n");
    }
    out.push('\n');
    let request = script.request().ok();
    match (&request, diagnosis.wire.first()) {
        (Some(request), _) if request.is_same_origin() => {
            out.push_str("Same origin: the browser applies no CORS rule to this request.\n\n")
        }
        (Some(request), Some(first)) if !is_preflight(&first.request) => {
            let _ = writeln!(
                out,
                "No preflight: a {} with only CORS-safelisted headers is sent straight away.\n",
                request.method()
            );
        }
        _ => {}
    }
    let judged = request
        .clone()
        .map(|request| request.engine(diagnosis.engine));
    exchanges(&mut out, &diagnosis.wire, judged.as_ref());
    verdict(&mut out, script, diagnosis, request.as_ref());
    out
}

/// Every exchange, each followed by what the browser made of it when it
/// went on (`request`: the script's request, to tell what its preflight's
/// answer allowed).
fn exchanges(out: &mut String, wire: &[Wire], request: Option<&BrowserRequest>) {
    let mut redirects = 0;
    for (i, exchange) in wire.iter().enumerate() {
        let preflight = is_preflight(&exchange.request);
        let stage = if preflight {
            "preflight"
        } else {
            "actual request"
        };
        match redirects {
            0 => {
                let _ = writeln!(out, "== {stage} ==");
            }
            n => {
                let _ = writeln!(out, "== {stage}, after redirect {n} ==");
            }
        }
        let answer = exchange.answer.as_ref().ok();
        request_lines(out, exchange, answer.map(|a| a.version));
        match &exchange.answer {
            Ok(answer) => answer_lines(out, answer),
            Err(error) => {
                let _ = writeln!(out, "! no answer: {error}");
            }
        }
        out.push('\n');
        let last = i + 1 == wire.len();
        match (answer, preflight, last) {
            (Some(answer), true, false) => {
                out.push_str("preflight accepted");
                let first_url = request.filter(|r| *r.url() == *exchange.request.uri());
                if let Some(Ok(result)) =
                    first_url.map(|r| r.check_preflight(answer.status, &answer.headers))
                {
                    let _ = write!(
                        out,
                        " (methods: {}; headers: {}; cached for {} s)",
                        none_if_empty(&result.methods),
                        none_if_empty(&result.headers),
                        result.max_age.as_secs()
                    );
                }
                out.push_str("\n\n");
            }
            (Some(answer), false, false) => {
                redirects += 1;
                // The next request went to where the Location resolved.
                let next = wire.get(i + 1).map(|next| next.request.uri().to_string());
                let _ = writeln!(
                    out,
                    "redirect ({}): the browser follows it to {}\n",
                    answer.status.as_u16(),
                    next.unwrap_or_default()
                );
            }
            _ => {}
        }
    }
}

fn request_lines(out: &mut String, exchange: &Wire, version: Option<Version>) {
    let request = &exchange.request;
    let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let _ = match version {
        Some(version) => writeln!(
            out,
            "> {} {target} {}",
            request.method(),
            version_name(version)
        ),
        None => writeln!(out, "> {} {target}", request.method()),
    };
    if let Some(authority) = request.uri().authority() {
        let _ = writeln!(out, "> host: {authority}");
    }
    for (name, value) in request.headers() {
        let _ = writeln!(out, "> {name}: {}", shown(value));
    }
    if exchange.body_length > 0 {
        let _ = writeln!(out, "> ({} bytes of body)", exchange.body_length);
    }
    out.push_str(">\n");
}

fn answer_lines(out: &mut String, answer: &Answer) {
    let reason = answer.status.canonical_reason().unwrap_or("");
    let _ = writeln!(
        out,
        "< {} {} {reason}",
        version_name(answer.version),
        answer.status.as_u16()
    );
    for (name, value) in &answer.headers {
        let _ = writeln!(out, "< {name}: {}", shown(value));
    }
    let _ = match &answer.body {
        BodyRead::Complete(n) => writeln!(out, "< ({n} bytes of body)"),
        BodyRead::Cut(n) => writeln!(
            out,
            "< (the first {n} bytes of body read, the rest left unread: the doctor reads at most {BODY_LIMIT})"
        ),
        BodyRead::Unfinished(n) => {
            writeln!(out, "< ({n} bytes of body, then the time limit ran out)")
        }
        BodyRead::Broken(n, error) => {
            writeln!(out, "< ({n} bytes of body, then the connection failed: {error})")
        }
    };
}

/// The verdict's first line without the fix: `BLOCKED at the preflight:
/// ... .`
pub fn blocked_line(why: &Blocked) -> String {
    let reason = why.to_string();
    let prefix = format!("blocked at {}: ", why.stage());
    let suffix = format!(". Fix: {}", why.fix());
    match reason
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(&suffix))
    {
        Some(core) => format!("BLOCKED at {}: {core}.", why.stage()),
        None => format!("BLOCKED {reason}"),
    }
}

/// What the server's CORS layer said about its refusal, in debug mode.
fn layer_says(headers: &HeaderMap) -> Vec<String> {
    headers.get_all(REFUSAL_HEADER).iter().map(shown).collect()
}

fn none_if_empty(list: &[String]) -> String {
    if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(", ")
    }
}

fn verdict(
    out: &mut String,
    script: &Script,
    diagnosis: &Diagnosis,
    request: Option<&BrowserRequest>,
) {
    let outcome = &diagnosis.outcome;
    let answers: Vec<&Answer> = diagnosis
        .wire
        .iter()
        .filter_map(|wire| wire.answer.as_ref().ok())
        .collect();
    if let Some(error) = diagnosis.network_error() {
        let _ = writeln!(out, "NETWORK ERROR: {error}");
        return;
    }
    if let Some(refused) = outcome.rejected() {
        let _ = writeln!(
            out,
            "REJECTED: fetch() throws before sending anything: {refused}"
        );
        return;
    }
    match (outcome.blocked(), outcome.readable(), outcome.status()) {
        (None, Some(readable), Some(status)) => {
            let _ = writeln!(
                out,
                "ALLOWED: the page reads the {status} response of {} {}",
                script.method, script.url
            );
            // Every answer but the last actual one and the preflights'.
            let preflights = diagnosis.wire.iter().filter(|w| is_preflight(&w.request));
            let redirects = answers
                .len()
                .saturating_sub(1)
                .saturating_sub(preflights.count());
            if let (Some(last), 1..) = (diagnosis.wire.last(), redirects) {
                let s = if redirects == 1 { "" } else { "s" };
                let _ = writeln!(
                    out,
                    "after {redirects} redirect{s}, from {}",
                    last.request.uri()
                );
            }
            let last = answers.last().map(|answer| &answer.headers);
            let hidden: Vec<String> = last
                .into_iter()
                .flat_map(|headers| headers.keys())
                .filter(|name| !readable.contains(name.as_str()))
                .map(|name| name.to_string())
                .collect();
            let _ = writeln!(
                out,
                "script can read the headers: {}",
                none_if_empty(readable.names())
            );
            let _ = writeln!(out, "hidden from script: {}", none_if_empty(&hidden));
        }
        (Some(why), _, _) => {
            let _ = writeln!(out, "{}", blocked_line(why));
            let _ = writeln!(out, "fix: {}", why.fix());
            if let (Some(answer), Some(request)) = (answers.last(), request) {
                blocked_notes(out, why, &diagnosis.wire, answer, request);
            }
        }
        _ => {
            let _ = writeln!(out, "{outcome}");
        }
    }
    for answer in &answers {
        for reason in layer_says(&answer.headers) {
            let _ = writeln!(out, "the server's CORS layer says: {reason}");
        }
    }
    if request.is_some_and(BrowserRequest::needs_local_network_permission) {
        let _ = writeln!(
            out,
            "note: the page reaches a more private network than its own: Chromium 142 and \
             later ask the user first (Local Network Access); if the user says no, fetch() \
             fails before anything is sent, whatever the server answers, and no response \
             header grants it (Private Network Access preflights are no longer sent)."
        );
    }
    if let Some(standard) = outcome.standard_blocks() {
        let _ = writeln!(
            out,
            "note: {} lets this through, but {}",
            diagnosis.engine,
            standard_words(standard)
        );
    }
    engines(out, diagnosis);
}

/// "the Fetch Standard blocks it at the preflight: ..." for the note on a
/// deviation.
fn standard_words(standard: &Blocked) -> String {
    let line = blocked_line(standard);
    let core = line.strip_prefix("BLOCKED ").unwrap_or(&line);
    format!(
        "the Fetch Standard blocks it {core} Fix: {}",
        standard.fix()
    )
}

/// Notes on a blocked request that the answer's shape suggests.
fn blocked_notes(
    out: &mut String,
    why: &Blocked,
    wire: &[Wire],
    answer: &Answer,
    request: &BrowserRequest,
) {
    let said = layer_says(&answer.headers);
    let preflight = why.stage() == Stage::Preflight;
    let has_cors_headers = answer
        .headers
        .keys()
        .any(|name| name.as_str().starts_with("access-control-"));
    if preflight && said.is_empty() && answer.status.is_success() && !has_cors_headers {
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
        let _ = writeln!(
            out,
            "note: the preflight's answer has no CORS header at all: the server's CORS policy \
             may have refused the origin {}, the method {}{headers}, or no CORS layer saw \
             the request.",
            request.origin(),
            request.method()
        );
    }
    let sent_null = |wire: &&Wire| {
        wire.request
            .headers()
            .get(http::header::ORIGIN)
            .is_some_and(|origin| origin == "null")
    };
    if request.origin() != "null" && wire.last().filter(sent_null).is_some() {
        let _ = writeln!(
            out,
            "note: the request was redirected from one origin to another, so the browser sent \
             Origin: null (Fetch's tainted origin). Let the page fetch the last URL directly, \
             redirect within one origin, or answer Access-Control-Allow-Origin: * where no \
             credentials are needed; allowing the origin null lets sandboxed documents in too."
        );
    }
    if preflight && matches!(answer.status.as_u16(), 404 | 405) {
        let _ = writeln!(
            out,
            "note: a {} to OPTIONS suggests that no CORS layer answers preflights on this \
             path: is the layer applied to this route?",
            answer.status
        );
    }
}

/// A verdict in a few words, to compare engines: `allowed` or the rule
/// that blocked.
fn verdict_key(outcome: &Outcome) -> String {
    match outcome.blocked() {
        None => "allowed".to_owned(),
        Some(blocked) => format!("{} {}", blocked.stage(), blocked.rule().name()),
    }
}

/// Whether `wire` has `next`'s method and URL, sent with other headers
/// (Fetch Metadata differs between engines after redirects).
fn sent_otherwise(wire: &[Wire], next: &Request<()>) -> bool {
    wire.iter()
        .any(|wire| wire.request.method() == next.method() && wire.request.uri() == next.uri())
}

/// "the preflight OPTIONS https://..." or "PUT https://...".
fn request_words(request: &Request<()>) -> String {
    let kind = if is_preflight(request) {
        "the preflight "
    } else {
        ""
    };
    format!("{kind}{} {}", request.method(), request.uri())
}

/// Where the other engines' verdicts on the same answers differ.
fn engines(out: &mut String, diagnosis: &Diagnosis) {
    if diagnosis.others.is_empty() {
        return;
    }
    let own = verdict_key(&diagnosis.outcome);
    let (same, different): (Vec<&Judgement>, Vec<&Judgement>) = diagnosis
        .others
        .iter()
        .partition(|other| other.unsent.is_none() && verdict_key(&other.outcome) == own);
    out.push('\n');
    if different.is_empty() {
        let names: Vec<String> = same.iter().map(|j| j.engine.label()).collect();
        let _ = writeln!(out, "engines: {} agree", names.join(", "));
        return;
    }
    let _ = writeln!(out, "engines: where they differ on these answers");
    for judgement in different {
        let label = judgement.engine.label();
        let verdict = match (&judgement.unsent, judgement.outcome.blocked()) {
            (Some(next), _) => {
                let own = if sent_otherwise(&diagnosis.wire, next) {
                    " with headers of its own"
                } else {
                    ""
                };
                format!(
                    "goes on with {}{own}, which the doctor did not send (--engine {} sends it)",
                    request_words(next),
                    engine_id(judgement.engine)
                )
            }
            (None, None) => "ALLOWED".to_owned(),
            (None, Some(why)) => blocked_line(why),
        };
        let _ = writeln!(out, "  {label}: {verdict}");
    }
    if !same.is_empty() {
        let names: Vec<String> = same.iter().map(|j| j.engine.label()).collect();
        let _ = writeln!(out, "  {}: as above", names.join(", "));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn control_and_reordering_characters_are_written_out() {
        let text = "a\u{202e}b\u{1b}[31m\nc\u{2067}d\té";
        assert_eq!(
            terminal_safe(text),
            "a\\u{202e}b\\u{1b}[31m\nc\\u{2067}d\\u{9}é"
        );
    }

    #[test]
    fn a_request_sent_otherwise_has_the_same_method_and_url() {
        let wire = |method: &str, url: &str| Wire {
            request: Request::builder().method(method).uri(url).body(()).unwrap(),
            body_length: 0,
            answer: Err(String::new()),
        };
        let sent = [
            wire("GET", "https://a.test/x"),
            wire("PUT", "https://a.test/y"),
        ];
        let next = |method: &str, url: &str| wire(method, url).request;
        assert!(sent_otherwise(&sent, &next("GET", "https://a.test/x")));
        assert!(!sent_otherwise(&sent, &next("GET", "https://a.test/y")));
        assert!(!sent_otherwise(&sent, &next("PUT", "https://a.test/x")));
    }
}
