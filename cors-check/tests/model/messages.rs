//! The messages: the rule, the value seen and a fix, bounded, with hints
//! drawn from the whole refused list.

use cors_check::{check, BrowserRequest, Rule, Stage};
use http::{HeaderMap, StatusCode};

use crate::support::{
    answer, failing, header_refused, method_refused, no_content, ok, response_headers, scripted,
    ANY, EXACT_CRED, O,
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

/// A preflight's answer that allows [`O`] with credentials, and `extra`.
fn credentialed(extra: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut headers = response_headers(EXACT_CRED);
    headers.extend(response_headers(extra));
    headers
}

#[test]
fn hints_see_the_whole_list_past_the_echo_limit() {
    // Lists longer than the 100 characters echoed in messages.
    let many = (0..30)
        .map(|i| format!("x-{i:02}"))
        .collect::<Vec<_>>()
        .join(", ");
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
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

/// The reason names the message the browser read (the preflight's answer or
/// the response); a preflight refused with a status is told apart from one
/// redirected, and its fix names what the preflight asked for.
#[test]
fn reasons_and_fixes_fit_the_stage_and_the_status() {
    let put = BrowserRequest::new(O, "PUT", "https://api.example/")
        .unwrap()
        .header("x-b", "1")
        .header("x-a", "1");
    let none = HeaderMap::new();
    let preflight = put
        .check_preflight(StatusCode::NO_CONTENT, &none)
        .unwrap_err();
    assert_eq!(preflight.rule(), &Rule::MissingAllowOrigin);
    assert!(
        preflight.to_string().starts_with(
            "blocked at the preflight: the preflight's answer has no Access-Control-Allow-Origin."
        ),
        "{preflight}"
    );
    assert!(
        preflight
            .fix()
            .contains("so that the preflight's answer carries"),
        "{preflight}"
    );
    let get = BrowserRequest::new(O, "GET", "https://api.example/").unwrap();
    let response = get.check_response(StatusCode::OK, &none).unwrap_err();
    assert!(
        response
            .to_string()
            .contains(": the response has no Access-Control-Allow-Origin."),
        "{response}"
    );
    assert!(
        response.fix().contains("so that the response carries"),
        "{response}"
    );

    let forbidden = put
        .check_preflight(StatusCode::FORBIDDEN, &none)
        .unwrap_err();
    assert_eq!(
        forbidden.rule(),
        &Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN)
    );
    assert!(!forbidden.to_string().contains("redirect"), "{forbidden}");
    assert!(
        forbidden.fix().contains(
            "allow the origin https://app.example and the method PUT and the headers x-a, x-b in its CORS policy"
        ),
        "{forbidden}"
    );
    let moved = put
        .check_preflight(StatusCode::MOVED_PERMANENTLY, &none)
        .unwrap_err();
    assert!(moved.fix().contains("instead of redirecting"), "{moved}");
    assert!(!moved.fix().contains("the method PUT"), "{moved}");
}

/// The hint that `*` is no wildcard with credentials comes only where the
/// list has `*`.
#[test]
fn the_wildcard_hint_needs_a_wildcard() {
    let delete = BrowserRequest::new(O, "DELETE", "https://api.example/")
        .unwrap()
        .credentials(true);
    let blocked = delete
        .check_preflight(
            StatusCode::NO_CONTENT,
            &credentialed(&[("access-control-allow-methods", "GET, PUT")]),
        )
        .unwrap_err();
    assert_eq!(blocked.rule(), &method_refused("DELETE"));
    assert!(!blocked.fix().contains("wildcard"), "{blocked}");

    let put = BrowserRequest::new(O, "PUT", "https://api.example/")
        .unwrap()
        .header("x-a", "1")
        .credentials(true);
    let blocked = put
        .check_preflight(
            StatusCode::NO_CONTENT,
            &credentialed(&[
                ("access-control-allow-methods", "PUT"),
                ("access-control-allow-headers", "x-b"),
            ]),
        )
        .unwrap_err();
    assert_eq!(blocked.rule(), &header_refused("x-a"));
    assert!(!blocked.fix().contains("wildcard"), "{blocked}");
}

/// Of several headers a preflight's answer leaves out, `authorization` is
/// the one named, whatever the order.
// checklist: P6
#[test]
fn authorization_is_named_first() {
    let request = BrowserRequest::new(O, "PUT", "https://api.example/")
        .unwrap()
        .header("a-first", "1")
        .header("authorization", "Bearer x")
        .header("x-last", "1");
    let headers = response_headers(&[
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "PUT"),
    ]);
    let blocked = request
        .check_preflight(StatusCode::NO_CONTENT, &headers)
        .unwrap_err();
    assert_eq!(blocked.rule(), &header_refused("authorization"));
}
