//! `--json`: one object with the script's request, each exchange, the
//! verdict and the other engines' verdicts, in the shape the README
//! documents.

use serde_json::Value;

use super::{ca_file, doctor, https_url, ORIGIN};

/// The doctor's `--json` object for `url` from [`ORIGIN`], with `options`
/// (`--cacert` among them, where the test CA is to be trusted).
pub(super) fn json(url: &str, options: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec![url, "--origin", ORIGIN, "--json"];
    args.extend_from_slice(options);
    let run = doctor(&args);
    let value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run}"));
    (run.code, value)
}

#[test]
fn an_allowed_request_as_json() {
    let url = https_url("/ok");
    let (code, v) = json(
        &url,
        &["-X", "PUT", "-H", "x-stage: 1", "--cacert", ca_file()],
    );
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(
        v["fetch"],
        format!("fetch(\"{url}\", {{ method: \"PUT\", headers: {{ \"x-stage\": \"1\" }} }})")
    );
    assert_eq!(v["engine"], "spec");
    let exchanges = v["exchanges"].as_array().unwrap();
    assert_eq!(exchanges.len(), 2, "{v:#}");
    assert_eq!(exchanges[0]["stage"], "preflight");
    assert_eq!(exchanges[0]["request"]["method"], "OPTIONS");
    assert_eq!(exchanges[0]["request"]["url"], url);
    assert!(exchanges[0]["request"]["headers"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!([
            "access-control-request-headers",
            "x-stage"
        ])));
    assert_eq!(exchanges[0]["response"]["status"], 204);
    assert_eq!(exchanges[0]["response"]["version"], "HTTP/2");
    assert_eq!(exchanges[1]["stage"], "actual");
    assert_eq!(exchanges[1]["response"]["body_bytes"], 5);
    assert_eq!(exchanges[1]["response"]["body"], "complete");
    assert_eq!(exchanges[1]["error"], Value::Null);
    let verdict = &v["verdict"];
    assert_eq!(verdict["result"], "allowed");
    assert_eq!(verdict["status"], 200);
    assert!(verdict["readable"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!(["x-request-id", "8"])));
    assert_eq!(verdict["blocked"], Value::Null);
    let engines: Vec<&str> = v["engines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["engine"].as_str().unwrap())
        .collect();
    assert_eq!(engines, ["chromium", "firefox", "webkit"]);
    assert!(
        v["engines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["result"] == "allowed"),
        "{v:#}"
    );
}

#[test]
fn a_blocked_request_and_a_network_error_as_json() {
    let url = https_url("/ok");
    let (code, v) = json(
        &url,
        &["-X", "PUT", "-H", "x-custom: 1", "--cacert", ca_file()],
    );
    assert_eq!(code, Some(1), "{v:#}");
    let blocked = &v["verdict"]["blocked"];
    assert_eq!(v["verdict"]["result"], "blocked");
    assert_eq!(blocked["stage"], "preflight");
    assert_eq!(blocked["rule"], "header-not-allowed");
    assert!(
        blocked["fix"].as_str().unwrap().contains("x-custom"),
        "{v:#}"
    );
    assert!(
        blocked["reason"]
            .as_str()
            .unwrap()
            .starts_with("blocked at the preflight"),
        "{v:#}"
    );

    let (code, v) = json(&url, &[]);
    assert_eq!(code, Some(2), "{v:#}");
    assert_eq!(v["verdict"]["result"], "network-error");
    assert!(
        v["verdict"]["error"]
            .as_str()
            .unwrap()
            .contains("UnknownIssuer"),
        "{v:#}"
    );
    assert_eq!(v["exchanges"][0]["response"], Value::Null);
    assert!(
        v["exchanges"][0]["error"]
            .as_str()
            .unwrap()
            .contains("UnknownIssuer"),
        "{v:#}"
    );
}
