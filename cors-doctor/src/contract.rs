//! `cors-doctor check FILE`: a TOML file of expectations, each a script's
//! `fetch()` and what the browser must let the script see, run against
//! live servers; a line per expectation, a summary, and a JUnit report.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use cors_check::Engine;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde::Deserialize;

use crate::client::Client;
use crate::diagnose::{diagnose, Diagnosis, Script};
use crate::engine::{engine_id, EngineArg};
use crate::report::{blocked_line, terminal_safe};

/// The file: `[[expect]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    expect: Vec<Expectation>,
}

/// One `[[expect]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectation {
    /// A name for reports; by default `METHOD URL from ORIGIN`.
    name: Option<String>,
    url: String,
    origin: String,
    #[serde(default = "get")]
    method: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    credentials: bool,
    /// A string body, as `fetch(url, { body: "..." })` sends it.
    body: Option<String>,
    /// Whether the browser must let the script read the answer.
    allowed: bool,
    /// Headers the script must be able to read (with `allowed = true`).
    #[serde(default)]
    readable: Vec<String>,
    /// The engine that judges this expectation, instead of `--engine`.
    engine: Option<EngineArg>,
}

fn get() -> String {
    "GET".to_owned()
}

impl Expectation {
    fn script(&self) -> Script {
        Script {
            url: self.url.clone(),
            origin: self.origin.clone(),
            method: self.method.clone(),
            headers: self
                .headers
                .iter()
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
            credentials: self.credentials,
            body: self.body.clone(),
        }
    }

    fn name(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("{} {} from {}", self.method, self.url, self.origin))
    }

    /// Why this expectation is not one the doctor can run: a URL that is
    /// not http(s), a request `fetch()` refuses, or `readable` with
    /// `allowed = false`.
    fn invalid(&self) -> Option<String> {
        if !self.allowed && !self.readable.is_empty() {
            return Some("readable headers are listed, but allowed = false".to_owned());
        }
        self.script().request().err()
    }
}

/// How an expectation turned out.
enum Result {
    Passed(String),
    Failed(String),
    /// No verdict: a network error.
    Error(String),
}

/// Reads and checks the file; an error is a usage or file error (exit 2).
fn read(path: &Path) -> std::result::Result<Vec<Expectation>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read it: {e}", path.display()))?;
    let file: File = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if file.expect.is_empty() {
        return Err(format!(
            "{}: no [[expect]] table in it (see cors-doctor check --help)",
            path.display()
        ));
    }
    for (i, expectation) in file.expect.iter().enumerate() {
        if let Some(why) = expectation.invalid() {
            return Err(format!(
                "{}: expectation {} ({}): {why}",
                path.display(),
                i + 1,
                expectation.name()
            ));
        }
    }
    Ok(file.expect)
}

/// What the diagnosis says about the expectation.
fn judge(expectation: &Expectation, diagnosis: &Diagnosis) -> Result {
    if let Some(error) = diagnosis.network_error() {
        return Result::Error(format!("network error: {error}"));
    }
    // `read` refused these already; kept for a verdict that says so.
    if let Some(refused) = diagnosis.outcome.rejected() {
        return Result::Error(format!("fetch() would refuse it: {refused}"));
    }
    let outcome = &diagnosis.outcome;
    match (expectation.allowed, outcome.blocked(), outcome.readable()) {
        (true, Some(why), _) => Result::Failed(format!(
            "expected allowed, but {} Fix: {}",
            lowercase_verdict(&blocked_line(why)),
            why.fix()
        )),
        (true, None, Some(readable)) => {
            let missing: Vec<&str> = expectation
                .readable
                .iter()
                .map(String::as_str)
                .filter(|name| !readable.contains(name))
                .collect();
            if missing.is_empty() {
                let shown = match expectation.readable.is_empty() {
                    true => String::new(),
                    false => format!(", reads {}", expectation.readable.join(", ")),
                };
                Result::Passed(format!("allowed{shown}"))
            } else {
                Result::Failed(format!(
                    "allowed, but the script cannot read {} (it can read: {}); list {} in Access-Control-Expose-Headers",
                    missing.join(", "),
                    readable.names().join(", "),
                    missing.join(", ")
                ))
            }
        }
        (false, Some(why), _) => Result::Passed(lowercase_verdict(&blocked_line(why))),
        (false, None, _) => Result::Failed(format!(
            "expected blocked, but the browser lets the script read the {} response",
            outcome
                .status()
                .map_or_else(|| "?".to_owned(), |status| status.as_u16().to_string())
        )),
        (true, None, None) => Result::Failed(outcome.to_string()),
    }
}

/// "blocked at the preflight: ..." from "BLOCKED at the preflight: ...".
fn lowercase_verdict(line: &str) -> String {
    match line.strip_prefix("BLOCKED") {
        Some(rest) => format!("blocked{rest}"),
        None => line.to_owned(),
    }
}

/// `word` quoted for a POSIX shell: in single quotes, each single quote
/// written `'\''`.
pub fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// The doctor's command line for one expectation, to see its exchanges
/// (with `connection`, the options of `check` that apply to it, quoted).
fn command_line(expectation: &Expectation, engine: Engine, connection: &str) -> String {
    let mut line = format!(
        "cors-doctor {} --origin {}",
        shell_quote(&expectation.url),
        shell_quote(&expectation.origin)
    );
    if expectation.method != "GET" {
        let _ = write!(line, " -X {}", shell_quote(&expectation.method));
    }
    for (name, value) in &expectation.headers {
        let _ = write!(line, " -H {}", shell_quote(&format!("{name}: {value}")));
    }
    if let Some(body) = &expectation.body {
        let _ = write!(line, " --data {}", shell_quote(body));
    }
    if expectation.credentials {
        line.push_str(" --credentials");
    }
    if engine != Engine::Standard {
        let _ = write!(line, " --engine {}", engine_id(engine));
    }
    line.push_str(connection);
    line
}

/// Runs the file; the exit code (0 every expectation met, 1 some not, 2 a
/// usage or file error).
///
/// `connection` is the connection options as given (` --cacert FILE`...),
/// for the command lines that show a failed expectation's exchanges.
pub async fn run(
    path: &Path,
    client: &Client,
    engine: Engine,
    junit: Option<&Path>,
    connection: &str,
) -> u8 {
    let expectations = match read(path) {
        Ok(expectations) => expectations,
        Err(e) => {
            eprintln!("cors-doctor: {e}");
            return 2;
        }
    };
    let mut suite = TestSuite::new(path.display().to_string());
    let started = Instant::now();
    let (mut passed, mut failed, mut errors) = (0, 0, 0);
    for expectation in &expectations {
        let engine = expectation.engine.map_or(engine, Engine::from);
        let began = Instant::now();
        let diagnosis = diagnose(client, &expectation.script(), engine).await;
        let result = judge(expectation, &diagnosis);
        let name = expectation.name();
        let status = match &result {
            Result::Passed(how) => {
                passed += 1;
                say!("{}", terminal_safe(&format!("ok    {name}: {how}")));
                TestCaseStatus::success()
            }
            Result::Failed(why) | Result::Error(why) => {
                let kind = match result {
                    Result::Error(_) => {
                        errors += 1;
                        NonSuccessKind::Error
                    }
                    _ => {
                        failed += 1;
                        NonSuccessKind::Failure
                    }
                };
                say!("{}", terminal_safe(&format!("FAIL  {name}: {why}")));
                let again = command_line(expectation, engine, connection);
                say!("      see the exchanges: {}", terminal_safe(&again));
                let mut status = TestCaseStatus::non_success(kind);
                status.set_message(why.clone());
                status.set_description(format!("{why}\n\nsee the exchanges: {again}"));
                status
            }
        };
        let mut case = TestCase::new(name, status);
        case.set_classname(format!("cors-doctor.{}", engine_id(engine)));
        case.set_time(began.elapsed());
        suite.add_test_case(case);
    }
    suite.set_time(started.elapsed());
    let total = expectations.len();
    say!();
    say!(
        "{total} expectation{}: {passed} met, {} not met{}",
        if total == 1 { "" } else { "s" },
        failed + errors,
        if errors > 0 {
            format!(" ({errors} by a network error)")
        } else {
            String::new()
        }
    );
    if let Some(junit) = junit {
        let mut report = Report::new("cors-doctor");
        report.set_time(started.elapsed());
        report.add_test_suite(suite);
        let written = report
            .to_string()
            .map_err(|e| e.to_string())
            .and_then(|xml| std::fs::write(junit, xml).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!(
                "cors-doctor: --junit {}: cannot write it: {e}",
                junit.display()
            );
            return 2;
        }
    }
    match failed + errors {
        0 => 0,
        _ => 1,
    }
}
