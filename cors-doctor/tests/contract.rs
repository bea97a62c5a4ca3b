//! `cors-doctor check FILE`: a line per expectation, a summary, exit code
//! 0 when every expectation is met, 1 when one is not, 2 for a file it
//! cannot read; `--junit` writes one `<testcase>` per expectation and a
//! `<failure>` with the reason for each one not met.

use std::path::{Path, PathBuf};

use super::{ca_file, doctor_in, https_url, Run, ORIGIN};

/// A scratch directory of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cors-doctor-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `check` on a file with `contents` (`{ok}` stands for the URL of
/// `/ok` over HTTPS, `{bare}` for `/bare`), with `extra` options, in
/// `dir`.
fn check(dir: &Path, contents: &str, extra: &[&str]) -> Run {
    let contents = contents
        .replace("{ok}", &https_url("/ok"))
        .replace("{bare}", &https_url("/bare"))
        .replace("{origin}", ORIGIN);
    std::fs::write(dir.join("cors.toml"), contents).unwrap();
    let mut args = vec!["check", "cors.toml", "--cacert", ca_file()];
    args.extend_from_slice(extra);
    doctor_in(Some(dir), &[], &args)
}

const MIXED: &str = r#"
[[expect]]
name = "items can be saved"
url = "{ok}"
origin = "{origin}"
method = "PUT"
headers = { x-stage = "1" }
allowed = true
readable = ["x-request-id"]

[[expect]]
url = "{bare}"
origin = "{origin}"
allowed = true

[[expect]]
name = "no CORS for bare"
url = "{bare}"
origin = "{origin}"
allowed = false

[[expect]]
name = "the request id is readable with credentials"
url = "{ok}"
origin = "{origin}"
credentials = true
allowed = true
readable = ["x-request-id"]

[[expect]]
name = "a secret header stays hidden"
url = "{ok}"
origin = "{origin}"
allowed = true
readable = ["x-secret"]
"#;

#[test]
fn a_file_with_unmet_expectations_exits_1_and_says_why_each_failed() {
    let dir = scratch("mixed");
    let run = check(&dir, MIXED, &["--junit", "report.xml"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.has_line("ok    items can be saved: allowed, reads x-request-id"),
        "{run}"
    );
    let bare = https_url("/bare");
    assert!(
        run.line_starts(&format!(
            "FAIL  GET {bare} from {ORIGIN}: expected allowed, but blocked at the actual request: the response has no Access-Control-Allow-Origin."
        )),
        "{run}"
    );
    assert!(
        run.line_starts("ok    no CORS for bare: blocked at the actual request"),
        "{run}"
    );
    assert!(
        run.line_starts("FAIL  the request id is readable with credentials: expected allowed, but blocked at the actual request: the response's Access-Control-Allow-Origin is *"),
        "{run}"
    );
    assert!(
        run.line_starts(
            "FAIL  a secret header stays hidden: allowed, but the script cannot read x-secret"
        ),
        "{run}"
    );
    assert!(
        run.line_starts(&format!(
            "      see the exchanges: cors-doctor '{bare}' --origin '{ORIGIN}'"
        )),
        "{run}"
    );
    assert!(run.has_line("5 expectations: 2 met, 3 not met"), "{run}");

    let xml = std::fs::read_to_string(dir.join("report.xml")).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 5, "{xml}");
    assert_eq!(xml.matches("<failure").count(), 3, "{xml}");
    assert!(
        xml.contains(
            r#"<testsuite name="cors.toml" tests="5" disabled="0" errors="0" failures="3""#
        ),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase name="items can be saved" classname="cors-doctor.spec""#),
        "{xml}"
    );
    assert!(xml.contains("the script cannot read x-secret"), "{xml}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_whose_expectations_all_hold_exits_0() {
    let dir = scratch("passing");
    let contents = r#"
[[expect]]
url = "{ok}"
origin = "{origin}"
method = "PUT"
headers = { x-stage = "1" }
allowed = true
readable = ["x-request-id", "content-type"]

[[expect]]
url = "{ok}"
origin = "{origin}"
method = "PUT"
headers = { x-custom = "1" }
allowed = false
engine = "webkit"
"#;
    let run = check(
        &dir,
        contents,
        &["--junit", "report.xml", "--engine", "chromium"],
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.has_line("2 expectations: 2 met, 0 not met"), "{run}");
    let xml = std::fs::read_to_string(dir.join("report.xml")).unwrap();
    assert!(!xml.contains("<failure"), "{xml}");
    assert!(xml.contains(r#"classname="cors-doctor.chromium""#), "{xml}");
    assert!(xml.contains(r#"classname="cors-doctor.webkit""#), "{xml}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unreachable_server_is_an_error_in_the_report() {
    let dir = scratch("unreachable");
    let unreachable = r#"
[[expect]]
url = "https://localhost:1/items"
origin = "{origin}"
allowed = true
"#;
    let run = check(
        &dir,
        unreachable,
        &["--junit", "report.xml", "--timeout", "2.5"],
    );
    assert!(run.stdout.contains("--timeout 2.5\n"), "{run}");
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("FAIL  GET https://localhost:1/items from http://www.cors.com: network error: cannot reach"), "{run}");
    assert!(
        run.has_line("1 expectation: 0 met, 1 not met (1 by a network error)"),
        "{run}"
    );
    let xml = std::fs::read_to_string(dir.join("report.xml")).unwrap();
    assert!(xml.contains("<error"), "{xml}");
    // One expectation not met and one network error: two, not none.
    let both = format!(
        "{unreachable}\n[[expect]]\nurl = \"{{bare}}\"\norigin = \"{{origin}}\"\nallowed = true\n"
    );
    let run = check(&dir, &both, &[]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.has_line("2 expectations: 0 met, 2 not met (1 by a network error)"),
        "{run}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_it_cannot_use_exits_2_naming_the_problem() {
    let dir = scratch("invalid");
    for (contents, problem) in [
        ("[[expect]]\nurl = \"{ok}\"\norigin = \"{origin}\"\n", "missing field `allowed`"),
        ("[[expect]]\nurl = \"{ok}\"\norigin = \"{origin}\"\nallowed = true\nallow = true\n", "unknown field `allow`"),
        ("[[expect]]\nurl = \"{ok}\"\norigin = \"{origin}\"\nallowed = true\nengine = \"opera\"\n", "unknown variant `opera`"),
        ("[[expect]]\nurl = \"{ok}\"\norigin = \"{origin}\"\nmethod = \"TRACE\"\nallowed = false\n", "expectation 1 (TRACE "),
        ("[[expect]]\nurl = \"{ok}\"\norigin = \"{origin}\"\nallowed = false\nreadable = [\"x\"]\n", "readable headers are listed, but allowed = false"),
        ("", "no [[expect]] table"),
        ("[[expect]]\nurl = \"ftp://localhost/x\"\norigin = \"{origin}\"\nallowed = false\n", "give an absolute http:// or https:// URL"),
        ("[[expect]]\nurl = \"{ok}\"\norigin = \"{origin}\"\nbody = \"x\"\nallowed = false\n", "fetch() would refuse it: "),
        ("[[expect]\n", "cors.toml"),
    ] {
        let run = check(&dir, contents, &["--junit", "report.xml"]);
        assert_eq!(run.code, Some(2), "{contents}: {run}");
        assert!(run.stderr.contains(problem), "{contents}: {run}");
        assert!(run.stdout.is_empty(), "{contents}: {run}");
        assert!(!dir.join("report.xml").exists(), "{contents}: no report");
    }
    let run = doctor_in(Some(&dir), &[], &["check", "no-such-file.toml"]);
    assert_eq!(run.code, Some(2), "{run}");
    assert!(
        run.stderr.contains("no-such-file.toml: cannot read it"),
        "{run}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_command_line_of_a_failed_expectation_is_quoted_for_the_shell() {
    let dir = scratch("quoted");
    let contents = r#"
[[expect]]
url = "{bare}"
origin = "{origin}"
headers = { x-note = "it's'; touch pwned; echo '" }
allowed = true

[[expect]]
url = "{bare}"
origin = "{origin}"
method = "PUT"
allowed = true
"#;
    let run = check(&dir, contents, &["--engine", "webkit", "--timeout", "3"]);
    assert_eq!(run.code, Some(1), "{run}");
    let line = run
        .line_after("      see the exchanges: cors-doctor ")
        .unwrap_or_else(|| panic!("{run}"));
    // The shell reads back exactly the words the doctor was given.
    let words = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf '%s\\n' {line}"))
        .current_dir(&dir)
        .output()
        .unwrap();
    let words = String::from_utf8(words.stdout).unwrap();
    let expected = [
        https_url("/bare"),
        "--origin".to_owned(),
        ORIGIN.to_owned(),
        "-H".to_owned(),
        "x-note: it's'; touch pwned; echo '".to_owned(),
        "--engine".to_owned(),
        "webkit".to_owned(),
        "--cacert".to_owned(),
        ca_file().to_owned(),
        "--timeout".to_owned(),
        "3".to_owned(),
    ];
    assert_eq!(words.lines().collect::<Vec<_>>(), expected, "{line}");
    assert!(!dir.join("pwned").exists());
    // A method other than GET is given with -X.
    let put = format!(
        "      see the exchanges: cors-doctor '{}' --origin '{ORIGIN}' -X 'PUT' --engine webkit",
        https_url("/bare")
    );
    assert!(run.line_starts(&put), "{run}");
    std::fs::remove_dir_all(&dir).unwrap();
}
