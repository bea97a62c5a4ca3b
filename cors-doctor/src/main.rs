//! `cors-doctor`: checks a live server's CORS answers the way a browser
//! would. See the crate's README for the options, the output and the
//! contract file.

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

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser};
use cors_check::Engine;

use crate::engine::EngineArg;

/// `println!` that does not panic when stdout is closed (`cors-doctor ...
/// | head`): what cannot be written is dropped.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod client;
mod contract;
mod diagnose;
mod engine;
mod json;
mod report;

/// Sends a live server the requests a browser sends for a page's fetch()
/// (the preflight first when one is needed, then the actual request and
/// its redirects), prints every exchange, and says whether the browser
/// lets the page read the answer; if not, which rule blocked it and what
/// to fix.
///
/// Exit code: 0 allowed, 1 blocked, 2 usage or network error.
#[derive(Debug, Parser)]
#[command(
    name = "cors-doctor",
    version,
    after_help = "Example:\n  cors-doctor https://api.example.com/items --origin https://app.example.com \\\n      -X PUT -H 'content-type: application/json' --credentials\n\n\
                  cors-doctor check FILE runs a file of expectations instead: cors-doctor check --help"
)]
struct Cli {
    #[command(flatten)]
    fetch: FetchArgs,
}

/// `cors-doctor check FILE`: runs a file of expectations.
#[derive(Debug, Parser)]
#[command(
    name = "cors-doctor check",
    bin_name = "cors-doctor check",
    version,
    about = "Runs a TOML file of expectations against live servers",
    long_about = CHECK_HELP
)]
struct Check {
    /// The TOML file of expectations.
    file: PathBuf,
    /// Writes a JUnit XML report to this file: one `<testcase>` per
    /// expectation, a `<failure>` with its reason for each one not met.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, Args)]
struct FetchArgs {
    /// The URL the page fetches (http:// or https://).
    url: String,
    /// The origin of the page that calls fetch(), e.g. `https://app.example.com`.
    #[arg(long)]
    origin: String,
    /// The request's method, as the script writes it (`patch` is not `PATCH`).
    #[arg(short = 'X', long, default_value = "GET")]
    method: String,
    /// A header the script sets, as `name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    headers: Vec<(String, String)>,
    /// A string body (`body: "..."`), sent as text/plain;charset=UTF-8
    /// unless a Content-Type header is given.
    #[arg(short = 'd', long = "data", value_name = "TEXT")]
    body: Option<String>,
    /// credentials: "include" (cookies, HTTP authentication).
    #[arg(long)]
    credentials: bool,
    /// Prints one JSON object (the exchanges, the verdict, the engines'
    /// verdicts) instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: Connection,
}

/// `cors-doctor check --help`: the file's shape.
const CHECK_HELP: &str = r#"Runs a TOML file of expectations ([[expect]] tables) against live
servers: one line per expectation, a summary; exit code 0 all met, 1
some not met, 2 usage or file error.

[[expect]]
url = "https://api.example.com/items"
origin = "https://app.example.com"
method = "PUT"                # default GET
headers = { x-custom = "1" }  # default none
credentials = true            # default false
allowed = true                # the script must be able to read the answer
readable = ["x-request-id"]   # optional: headers the script must read

Optional too: name (for reports), body (a string body), engine (spec,
chromium, firefox or webkit, instead of --engine)."#;

/// The time limit of an exchange, in seconds, unless `--timeout` says.
const DEFAULT_TIMEOUT: &str = "10";

/// What judges the answers, and how the doctor connects.
#[derive(Debug, Args)]
struct Connection {
    /// Whose rules judge the answers: the Fetch Standard, or a browser
    /// engine where it deviates from it.
    #[arg(long, value_enum, default_value_t = EngineArg::Spec)]
    engine: EngineArg,
    /// A PEM file of CA certificates to trust beside the system's and the
    /// bundled web PKI roots (a server with a private CA).
    #[arg(long, value_name = "FILE")]
    cacert: Option<PathBuf>,
    /// Accepts any TLS certificate: no check of the server's identity.
    #[arg(long)]
    insecure: bool,
    /// How long one exchange may take, in seconds, from connecting to the
    /// end of its body.
    #[arg(long, value_name = "SECS", default_value = DEFAULT_TIMEOUT, value_parser = parse_timeout)]
    timeout: Duration,
}

impl Connection {
    /// The options that set how to connect, as a command line would give
    /// them (` --cacert 'FILE' --timeout 5`), the defaults left out.
    fn options(&self) -> String {
        let mut options = String::new();
        if let Some(cacert) = &self.cacert {
            let path = cacert.display().to_string();
            options.push_str(&format!(" --cacert {}", contract::shell_quote(&path)));
        }
        if self.insecure {
            options.push_str(" --insecure");
        }
        if Ok(self.timeout) != parse_timeout(DEFAULT_TIMEOUT) {
            options.push_str(&format!(" --timeout {}", self.timeout.as_secs_f64()));
        }
        options
    }
}

fn parse_header(header: &str) -> Result<(String, String), String> {
    let Some((name, value)) = header.split_once(':') else {
        return Err("write it as name: value".to_owned());
    };
    let name = name.trim();
    if name.is_empty() {
        return Err("the name is empty".to_owned());
    }
    Ok((name.to_owned(), value.trim().to_owned()))
}

fn parse_timeout(secs: &str) -> Result<Duration, String> {
    match secs.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 86_400.0 => Ok(Duration::from_secs_f64(secs)),
        _ => Err("a number of seconds, more than 0 and at most 86400".to_owned()),
    }
}

fn client(connection: &Connection) -> Result<client::Client, String> {
    client::build(&client::Settings {
        timeout: connection.timeout,
        cacert: connection.cacert.clone(),
        insecure: connection.insecure,
    })
}

async fn fetch(args: FetchArgs) -> u8 {
    let script = diagnose::Script {
        url: args.url,
        origin: args.origin,
        method: args.method,
        headers: args.headers,
        credentials: args.credentials,
        body: args.body,
    };
    if let Err(why) = script.request() {
        eprintln!("cors-doctor: {why}");
        return 2;
    }
    let client = match client(&args.connection) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("cors-doctor: {e}");
            return 2;
        }
    };
    let engine = Engine::from(args.connection.engine);
    let diagnosis = diagnose::diagnose(&client, &script, engine).await;
    if args.json {
        let json = json::diagnosis(&script, &diagnosis, args.connection.insecure);
        say!("{json:#}");
    } else {
        let text = report::text(&script, &diagnosis, args.connection.insecure);
        say!("{}", report::terminal_safe(text.trim_end_matches('\n')));
    }
    if diagnosis.outcome.rejected().is_some() || diagnosis.network_error().is_some() {
        return 2;
    }
    match diagnosis.outcome.is_allowed() {
        true => 0,
        false => 1,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args_os().peekable();
    let program = args.next();
    let code = match args.peek() {
        Some(first) if first == "check" => {
            let check = Check::parse_from(args);
            match client(&check.connection) {
                Ok(client) => {
                    let engine = check.connection.engine.into();
                    let options = check.connection.options();
                    let junit = check.junit.as_deref();
                    contract::run(&check.file, &client, engine, junit, &options).await
                }
                Err(e) => {
                    eprintln!("cors-doctor: {e}");
                    2
                }
            }
        }
        _ => fetch(Cli::parse_from(program.into_iter().chain(args)).fetch).await,
    };
    ExitCode::from(code)
}
