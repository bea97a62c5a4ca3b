//! The messages: the rule, the value seen and a fix, bounded, with hints
//! drawn from the whole refused list.

use cors_check::{check, BrowserRequest, Rule, Stage};
use http::{HeaderMap, StatusCode};

use crate::support::{
    answer, failing, header_refused, method_refused, no_content, ok, response_headers, scripted,
    ANY, O,
};

#[test]
fn messages_name_the_rule_the_value_and_a_fix() {
    let request = BrowserRequest::new(O, "PUT", "https://api.example/").unwrap();
    let headers = response_headers(&[
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "GET,POST"),
    ]);
    let blocked = request
        .check_preflight(StatusCode::NO_CONTENT, &headers)
        .unwrap_err();
    assert_eq!(
        blocked.to_string(),
        "blocked at the preflight: the preflight's Access-Control-Allow-Methods (GET,POST) does not list PUT. Fix: allow PUT in the server's CORS policy"
    );

    let lower = BrowserRequest::new(O, "patch", "https://api.example/").unwrap();
    let headers = response_headers(&[
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "PATCH"),
    ]);
    let blocked = lower
        .check_preflight(StatusCode::NO_CONTENT, &headers)
        .unwrap_err();
    assert!(blocked.fix().contains("case-sensitive"), "{blocked}");

    let long: &'static str =
        Box::leak(format!("https://{}.example", "a".repeat(500)).into_boxed_str());
    let headers = response_headers(&[("access-control-allow-origin", long)]);
    let get = BrowserRequest::new(O, "GET", "https://api.example/").unwrap();
    let blocked = get.check_response(StatusCode::OK, &headers).unwrap_err();
    assert!(
        !blocked.to_string().contains(&"a".repeat(101)),
        "echoed values are bounded: {blocked}"
    );
    assert!(blocked.to_string().contains(&"a".repeat(90)), "{blocked}");
    assert!(blocked.fix().contains(O));

    let redirect = request
        .check_preflight(StatusCode::MOVED_PERMANENTLY, &HeaderMap::new())
        .unwrap_err();
    assert!(
        redirect.to_string().contains("do not follow redirects"),
        "{redirect}"
    );

    let wildcard = request
        .clone()
        .credentials(true)
        .check_response(StatusCode::OK, &response_headers(ANY))
        .unwrap_err();
    assert_eq!(wildcard.rule(), &Rule::WildcardWithCredentials);
    assert!(
        wildcard
            .fix()
            .contains("echo the origin (https://app.example)"),
        "{wildcard}"
    );
}

#[test]
fn hints_see_the_whole_list_past_the_echo_limit() {
    // Lists longer than the 100 characters echoed in messages.
    let many = (0..30)
        .map(|i| format!("x-{i:02}"))
        .collect::<Vec<_>>()
        .join(", ");
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    let credentialed = |extra: &[(&'static str, &'static str)]| {
        let mut headers = response_headers(&[
            ("access-control-allow-origin", O),
            ("access-control-allow-credentials", "true"),
        ]);
        headers.extend(response_headers(extra));
        headers
    };
    let request = BrowserRequest::new(O, "DELETE", "https://api.example/")
        .unwrap()
        .credentials(true);
    let methods = credentialed(&[("access-control-allow-methods", leak(format!("{many}, *")))]);
    let blocked = request
        .check_preflight(StatusCode::NO_CONTENT, &methods)
        .unwrap_err();
    assert_eq!(blocked.rule(), &method_refused("DELETE"));
    assert!(
        blocked
            .fix()
            .contains("with credentials, * is not a wildcard"),
        "{blocked}"
    );

    let request = BrowserRequest::new(O, "PUT", "https://api.example/")
        .unwrap()
        .header("x-a", "1")
        .credentials(true);
    let headers = credentialed(&[
        ("access-control-allow-methods", "PUT"),
        ("access-control-allow-headers", leak(format!("{many}, *"))),
    ]);
    let blocked = request
        .check_preflight(StatusCode::NO_CONTENT, &headers)
        .unwrap_err();
    assert_eq!(blocked.rule(), &header_refused("x-a"));
    assert!(
        blocked
            .fix()
            .contains("with credentials, * is not a wildcard"),
        "{blocked}"
    );

    let lower = BrowserRequest::new(O, "patch", "https://api.example/").unwrap();
    let methods = credentialed(&[(
        "access-control-allow-methods",
        leak(format!("{many}, PATCH")),
    )]);
    let blocked = lower
        .check_preflight(StatusCode::NO_CONTENT, &methods)
        .unwrap_err();
    assert!(blocked.fix().contains("case-sensitive"), "{blocked}");
}

/// What a test or a CI report matches on: the rule's stable name, from the
/// outcome of a real exchange, whatever the values and the wording.
#[tokio::test]
async fn outcomes_name_their_rule() {
    let refusing = scripted(answer(403, &[]), ok(&[]));
    let cases = [
        (
            check(&refusing).body_type::<String>().from(O).put("/"),
            "preflight-status-not-ok",
        ),
        (
            check(&refusing).body_type::<String>().from(O).get("/"),
            "missing-allow-origin",
        ),
    ];
    for (fetch, name) in cases {
        let outcome = fetch.run().await;
        assert_eq!(
            outcome.blocked().map(|b| b.rule().name()),
            Some(name),
            "{outcome}"
        );
    }
    let narrow = scripted(no_content(ANY), ok(ANY));
    let outcome = check(&narrow)
        .body_type::<String>()
        .from(O)
        .get("/")
        .header("x-a", "1")
        .run()
        .await;
    assert_eq!(
        outcome.blocked().map(|b| b.rule().name()),
        Some("header-not-allowed")
    );
    let outcome = check(&failing(Stage::Actual))
        .body_type::<String>()
        .from(O)
        .get("/")
        .run()
        .await;
    assert_eq!(
        outcome.blocked().map(|b| b.rule().name()),
        Some("network-error")
    );
}
