//! Policies bound per route (`CorsRoutes`): preflights
//! and actual requests answered by the policy of the route they target,
//! nested axum routers, routes with no binding (with and without a
//! fallback), function bindings, and configurations that do not build.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::OriginalUri;
use axum::routing::get;
use axum::Router;
use cors_check::{check, Rule, Stage};
use http::request::Parts;
use http::{Request, Response, StatusCode};
use tower::{service_fn, ServiceExt};
use tower_cors::{Binding, ConfigError, CorsBuilder, CorsLayer, CorsRoutes};

const ADMIN: &str = "https://admin.example.com";
const APP: &str = "https://app.example.com";
const STRANGER: &str = "https://stranger.example.net";

/// Credentialed, for the admin origin only; PUT and DELETE.
fn admin_policy() -> CorsBuilder {
    CorsLayer::builder()
        .allow_origins([ADMIN])
        .allow_methods(["GET", "PUT", "DELETE"])
        .allow_headers(["content-type"])
        .allow_credentials(true)
}

/// `/public/...` under the gateway's any-origin policy, `/api/<version>/admin/...`
/// under the admin policy, nothing else bound.
fn routes() -> CorsRoutes {
    CorsRoutes::new()
        .policy("public", CorsBuilder::gateway())
        .policy("admin", admin_policy())
        .bind_prefix("/public", "public")
        .bind_pattern("/api/*/admin/**", "admin")
}

async fn ok() -> &'static str {
    "ok"
}

fn app(cors: CorsLayer) -> Router {
    Router::new()
        .route("/public/items", get(ok).put(ok))
        .route("/api/v1/admin/users", get(ok).put(ok).delete(ok))
        .route("/api/v1/items", get(ok).put(ok))
        .layer(cors)
}

fn head(path: &str) -> Parts {
    Request::get(path).body(()).unwrap().into_parts().0
}

// checklist: P1, P7
#[tokio::test]
async fn each_preflight_is_answered_by_the_policy_of_its_route() {
    let app = app(routes().build().unwrap());

    // Any origin may write to the public routes, without credentials.
    let outcome = check(&app)
        .from(STRANGER)
        .put("/public/items")
        .header("content-type", "application/json")
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    assert!(outcome.preflight_sent());

    // The same request to an admin route is refused at its preflight...
    let outcome = check(&app)
        .from(STRANGER)
        .put("/api/v1/admin/users")
        .header("content-type", "application/json")
        .run()
        .await;
    let blocked = outcome
        .blocked()
        .expect("a stranger may not write to admin routes");
    assert_eq!(blocked.stage(), Stage::Preflight);
    assert_eq!(
        blocked.rule(),
        &Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN)
    );

    // ... and allowed, with credentials, from the admin origin.
    let outcome = check(&app)
        .from(ADMIN)
        .delete("/api/v1/admin/users")
        .credentials()
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");

    // The admin origin cannot use credentials on the public routes, whose
    // policy answers `*`.
    let outcome = check(&app)
        .from(ADMIN)
        .put("/public/items")
        .credentials()
        .run()
        .await;
    assert!(outcome.is_blocked(), "{outcome}");
}

// checklist: A1, A4
#[tokio::test]
async fn actual_requests_get_the_headers_of_their_route_policy() {
    let app = app(routes().build().unwrap());
    let get = |path: &str, origin: &str| {
        Request::get(path)
            .header("origin", origin)
            .body(axum::body::Body::empty())
            .unwrap()
    };

    let res = app
        .clone()
        .oneshot(get("/public/items", ADMIN))
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    assert!(!res
        .headers()
        .contains_key("access-control-allow-credentials"));

    let res = app
        .clone()
        .oneshot(get("/api/v1/admin/users", ADMIN))
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], ADMIN);
    assert_eq!(res.headers()["access-control-allow-credentials"], "true");
    assert_eq!(res.headers()["vary"], "Origin");

    let res = app.oneshot(get("/api/v1/admin/users", APP)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!res.headers().contains_key("access-control-allow-origin"));

    // The same, as a script would see it.
    let app = self::app(routes().build().unwrap());
    let outcome = check(&app).from(APP).get("/public/items").run().await;
    assert!(outcome.is_allowed(), "{outcome}");
    let outcome = check(&app).from(APP).get("/api/v1/admin/users").run().await;
    assert_eq!(
        outcome.blocked().map(|b| b.rule()),
        Some(&Rule::MissingAllowOrigin)
    );
}

#[tokio::test]
async fn an_unbound_route_without_fallback_passes_through_untouched() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let inner = service_fn(move |req: Request<String>| {
        counted.fetch_add(1, Ordering::SeqCst);
        let status = if req.method() == "OPTIONS" {
            StatusCode::METHOD_NOT_ALLOWED
        } else {
            StatusCode::OK
        };
        async move {
            let mut res = Response::new(String::from("inner"));
            *res.status_mut() = status;
            Ok::<_, Infallible>(res)
        }
    });
    let cors = routes().build().unwrap();
    let service = tower::Layer::layer(&cors, inner);

    // A preflight to an unbound route reaches the inner service.
    let preflight = Request::options("/api/v1/items")
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .body(String::new())
        .unwrap();
    let res = service.clone().oneshot(preflight).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers().len(), 0, "{:?}", res.headers());

    // An actual request too, and the layer adds nothing (not even `Vary`).
    let actual = Request::get("/api/v1/items")
        .header("origin", APP)
        .body(String::new())
        .unwrap();
    let res = service.clone().oneshot(actual).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(res.headers().len(), 0, "{:?}", res.headers());

    // While a bound route's preflight is answered by the layer alone.
    let bound = Request::options("/public/items")
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .body(String::new())
        .unwrap();
    let res = service.oneshot(bound).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");

    // A browser is blocked by the router's 405.
    let app = app(routes().build().unwrap());
    let outcome = check(&app).from(APP).put("/api/v1/items").run().await;
    assert_eq!(
        outcome.blocked().map(|b| b.rule()),
        Some(&Rule::PreflightStatusNotOk(StatusCode::METHOD_NOT_ALLOWED))
    );
}

#[tokio::test]
async fn an_unbound_route_with_a_fallback_gets_the_fallback_policy() {
    let fallback = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["GET", "PUT"]);
    let cors = routes()
        .policy("app", fallback)
        .fallback("app")
        .build()
        .unwrap();
    assert_eq!(
        cors.route_table().policy_for(&head("/api/v1/items")),
        Some("app")
    );
    let app = app(cors);

    let outcome = check(&app).from(APP).put("/api/v1/items").run().await;
    assert!(outcome.is_allowed(), "{outcome}");
    let outcome = check(&app).from(STRANGER).put("/api/v1/items").run().await;
    assert_eq!(
        outcome.blocked().map(|b| b.rule()),
        Some(&Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN))
    );
    // The bound routes keep their own policies.
    let outcome = check(&app).from(STRANGER).put("/public/items").run().await;
    assert!(outcome.is_allowed(), "{outcome}");
}

#[test]
fn the_first_binding_that_covers_a_route_wins() {
    let narrow_first = routes().bind_prefix("/api", "public").build().unwrap();
    let routing = narrow_first.route_table();
    assert_eq!(
        routing.policy_for(&head("/api/v1/admin/users")),
        Some("admin")
    );
    assert_eq!(routing.policy_for(&head("/api/v1/items")), Some("public"));

    let wide_first = CorsRoutes::new()
        .policy("public", CorsBuilder::gateway())
        .policy("admin", admin_policy())
        .bind_prefix("/api", "public")
        .bind_pattern("/api/*/admin/**", "admin")
        .build()
        .unwrap();
    let routing = wide_first.route_table();
    assert_eq!(
        routing.policy_for(&head("/api/v1/admin/users")),
        Some("public")
    );
    assert_eq!(
        routing.bindings().collect::<Vec<_>>(),
        [
            Binding::Prefix {
                prefix: "/api",
                policy: "public"
            },
            Binding::Pattern {
                pattern: "/api/*/admin/**",
                policy: "admin"
            },
        ]
    );
}

#[test]
fn prefixes_and_patterns_cover_whole_segments() {
    let cors = routes().build().unwrap();
    let routing = cors.route_table();
    for (path, policy) in [
        ("/public", Some("public")),
        ("/public/", Some("public")),
        ("/public/a/b", Some("public")),
        ("/publicity", None),
        ("/api/v1/admin", Some("admin")),
        ("/api/v2/admin/users/7", Some("admin")),
        ("/api/admin", None),
        ("/api/v1/v2/admin", None),
        ("/", None),
    ] {
        assert_eq!(routing.policy_for(&head(path)), policy, "{path}");
    }
}

/// A layer on the whole router sees the full path, nested routers
/// included; a layer on a nested router sees the path below its nesting
/// point.
// checklist: M1
#[tokio::test]
async fn nested_routers() {
    let admin = || Router::new().route("/admin/users", get(ok).put(ok));
    let routes = || {
        CorsRoutes::new()
            .policy("admin", admin_policy())
            .bind_prefix("/v1/admin", "admin")
    };

    // Router-wide: `/v1/admin/users` as the browser sent it.
    let app = Router::new()
        .nest("/v1", admin())
        .layer(routes().build().unwrap());
    let outcome = check(&app)
        .from(ADMIN)
        .put("/v1/admin/users")
        .credentials()
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");

    // On the nested router: it sees `/admin/users`, so `/v1/admin` does
    // not cover it and the request passes through (405 to the preflight).
    let app = Router::new().nest("/v1", admin().layer(routes().build().unwrap()));
    let outcome = check(&app).from(ADMIN).put("/v1/admin/users").run().await;
    assert_eq!(
        outcome.blocked().map(|b| b.rule()),
        Some(&Rule::PreflightStatusNotOk(StatusCode::METHOD_NOT_ALLOWED))
    );

    // There, bind the path below the nesting point...
    let below = CorsRoutes::new()
        .policy("admin", admin_policy())
        .bind_prefix("/admin", "admin");
    let app = Router::new().nest("/v1", admin().layer(below.build().unwrap()));
    let outcome = check(&app).from(ADMIN).put("/v1/admin/users").run().await;
    assert!(outcome.is_allowed(), "{outcome}");

    // ... or the full path, which axum keeps in `OriginalUri`.
    let by_original_uri =
        CorsRoutes::new()
            .policy("admin", admin_policy())
            .bind_fn(|parts: &Parts| {
                let uri = parts.extensions.get::<OriginalUri>()?;
                uri.path().starts_with("/v1/admin/").then_some("admin")
            });
    let app = Router::new().nest("/v1", admin().layer(by_original_uri.build().unwrap()));
    let outcome = check(&app).from(ADMIN).put("/v1/admin/users").run().await;
    assert!(outcome.is_allowed(), "{outcome}");
}

#[tokio::test]
async fn a_function_binding_names_the_policy_from_the_request() {
    let partner = CorsLayer::builder()
        .allow_origins(["https://partner.example"])
        .allow_methods(["PUT"]);
    let cors = routes()
        .policy("partner", partner)
        .bind_fn(|parts: &Parts| {
            let tenant = parts.headers.get("x-tenant")?.to_str().ok()?;
            // An unknown name counts as no answer.
            Some(if tenant == "partner" {
                "partner"
            } else {
                "no such policy"
            })
        })
        .fallback("public")
        .build()
        .unwrap();
    let routing = cors.route_table();
    let with_tenant = |tenant: &str| {
        Request::get("/api/v1/items")
            .header("x-tenant", tenant)
            .body(())
            .unwrap()
            .into_parts()
            .0
    };
    assert_eq!(routing.policy_for(&with_tenant("partner")), Some("partner"));
    assert_eq!(routing.policy_for(&with_tenant("other")), Some("public"));
    assert_eq!(routing.policy_for(&head("/api/v1/items")), Some("public"));
    // Earlier bindings come first.
    let admin = Request::get("/api/v1/admin")
        .header("x-tenant", "partner")
        .body(())
        .unwrap();
    assert_eq!(routing.policy_for(&admin.into_parts().0), Some("admin"));

    // An actual request carries the header: the partner policy answers.
    let app = app(cors);
    let actual = Request::get("/api/v1/items")
        .header("origin", "https://partner.example")
        .header("x-tenant", "partner")
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.clone().oneshot(actual).await.unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://partner.example"
    );
    // A preflight carries only the header's name, in
    // `Access-Control-Request-Headers`: the fallback answers it (`*`). A
    // function suits what preflights carry too (Origin, Host, the path).
    let preflight = Request::options("/api/v1/items")
        .header("origin", "https://partner.example")
        .header("access-control-request-method", "PUT")
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.oneshot(preflight).await.unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "*");

    let by_origin = routes()
        .policy(
            "partner",
            CorsLayer::builder()
                .allow_origins(["https://partner.example"])
                .allow_methods(["PUT"]),
        )
        .bind_fn(|parts: &Parts| {
            (parts.headers.get("origin")? == "https://partner.example").then_some("partner")
        })
        .build()
        .unwrap();
    let app = self::app(by_origin);
    let outcome = check(&app)
        .from("https://partner.example")
        .put("/api/v1/items")
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
}

#[tokio::test]
async fn a_function_binding_can_look_the_name_up_in_its_own_table() {
    // Host names to policies, as a deployment would load them at startup.
    let hosts: HashMap<String, Arc<str>> = [
        ("partners.api.example", "partner"),
        ("api.example", "public"),
    ]
    .into_iter()
    .map(|(host, policy)| (host.to_owned(), Arc::from(policy)))
    .collect();
    let cors = CorsRoutes::new()
        .policy("public", CorsBuilder::gateway())
        .policy(
            "partner",
            CorsLayer::builder()
                .allow_origins(["https://partner.example"])
                .allow_methods(["PUT"]),
        )
        .bind_fn(move |parts: &Parts| {
            let host = parts.headers.get("host")?.to_str().ok()?;
            hosts.get(host).cloned()
        })
        .build()
        .unwrap();
    let with_host = |host: &str| {
        Request::get("/items")
            .header("host", host)
            .body(())
            .unwrap()
            .into_parts()
            .0
    };
    let routing = cors.route_table();
    assert_eq!(
        routing.policy_for(&with_host("partners.api.example")),
        Some("partner")
    );
    assert_eq!(
        routing.policy_for(&with_host("api.example")),
        Some("public")
    );
    assert_eq!(routing.policy_for(&with_host("elsewhere.example")), None);

    // A name read from the request itself is copied out of it.
    let by_header = CorsRoutes::new()
        .policy("partner", CorsBuilder::gateway())
        .bind_fn(|parts: &Parts| Some(parts.headers.get("x-tenant")?.to_str().ok()?.to_owned()))
        .build()
        .unwrap();
    let tenant = Request::get("/")
        .header("x-tenant", "partner")
        .body(())
        .unwrap();
    assert_eq!(
        by_header.route_table().policy_for(&tenant.into_parts().0),
        Some("partner")
    );

    // Through the layer: the preflight from the partner's host is answered
    // by the partner policy, which allows PUT from the partner's origin only.
    let app = Router::new().route("/items", get(ok).put(ok)).layer(cors);
    let preflight = |origin: &str| {
        Request::options("/items")
            .header("host", "partners.api.example")
            .header("origin", origin)
            .header("access-control-request-method", "PUT")
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let res = app
        .clone()
        .oneshot(preflight("https://partner.example"))
        .await
        .unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://partner.example"
    );
    let res = app.oneshot(preflight(STRANGER)).await.unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

// checklist: C1
#[test]
fn invalid_configurations_return_every_problem() {
    let err = CorsRoutes::new()
        .policy("public", CorsBuilder::gateway())
        .policy("public", CorsBuilder::gateway())
        .policy("broken", CorsLayer::builder().allow_methods(["TRACE"]))
        .bind_prefix("/broken", "broken")
        .bind_prefix("no-slash", "public")
        .bind_pattern("/api/**/x", "public")
        .bind_pattern("/api/v*/x", "public")
        .bind_prefix("/admin", "admin")
        .fallback("nowhere")
        .build()
        .unwrap_err();
    let errors = err.errors();
    assert_eq!(errors.len(), 7, "{err}");
    assert_eq!(
        errors[0],
        ConfigError::DuplicatePolicy {
            name: "public".into()
        }
    );
    match &errors[1] {
        ConfigError::InvalidPolicy { name, error } => {
            assert_eq!(name, "broken");
            assert!(error.errors().contains(&ConfigError::NoOrigins), "{error}");
        }
        other => panic!("expected the broken policy, got {other:?}"),
    }
    // A binding to a policy that did not build is not reported again.
    assert!(!errors
        .iter()
        .any(|e| matches!(e, ConfigError::UnknownPolicy { name, .. } if name == "broken")));
    for (error, path) in errors[2..5]
        .iter()
        .zip(["no-slash", "/api/**/x", "/api/v*/x"])
    {
        assert!(
            matches!(error, ConfigError::InvalidPath { path: p, .. } if p == path),
            "{error:?}"
        );
    }
    assert_eq!(
        errors[5],
        ConfigError::UnknownPolicy {
            name: "admin".into(),
            used_by: "prefix /admin".into()
        }
    );
    assert_eq!(
        errors[6],
        ConfigError::UnknownPolicy {
            name: "nowhere".into(),
            used_by: "fallback".into()
        }
    );
    let message = err.to_string();
    assert!(
        message.starts_with("invalid CORS routes (7 problems): "),
        "{message}"
    );
    assert!(
        message.contains("policy `broken`: allow_origins: no origin is allowed"),
        "{message}"
    );
}

/// The configuration's `Debug` names its policies, its bindings and its
/// fallback, as they were written.
#[test]
fn the_configuration_shows_its_policies_and_bindings() {
    let shown = format!(
        "{:?}",
        routes()
            .bind_fn(|_: &Parts| None::<&str>)
            .fallback("public")
    );
    assert_eq!(
        shown,
        "CorsRoutes { policies: [\"public\", \"admin\"], bindings: \
         [\"prefix /public -> public\", \"pattern /api/*/admin/** -> admin\", \"function\"], \
         fallback: Some(\"public\") }"
    );
}

#[test]
fn routing_lists_what_is_in_force() {
    let cors = routes()
        .bind_fn(|_: &Parts| None::<&str>)
        .policy("app", CorsLayer::builder().allow_origins([APP]))
        .fallback("app")
        .build()
        .unwrap();
    let routing = cors.route_table();
    assert_eq!(
        routing.policies().collect::<Vec<_>>(),
        ["public", "admin", "app"]
    );
    assert_eq!(routing.fallback(), Some("app"));
    assert_eq!(
        routing.to_string(),
        "prefix /public -> public\npattern /api/*/admin/** -> admin\nfunction -> (named by the function)\nfallback -> app\n"
    );
}

#[test]
fn paths_that_could_never_match_are_refused() {
    for (path, words) in [
        ("/users/{id}", "not `{id}` or `:id`"),
        ("/old/:id", "not `{id}` or `:id`"),
        ("/files/{*rest}", "not `{id}` or `:id`"),
        ("//", "empty segment"),
        ("/a//b", "empty segment"),
        ("/a b", "percent-encoded"),
    ] {
        for routes in [
            CorsRoutes::new()
                .policy("p", CorsBuilder::gateway())
                .bind_prefix(path, "p"),
            CorsRoutes::new()
                .policy("p", CorsBuilder::gateway())
                .bind_pattern(path, "p"),
        ] {
            let err = routes.build().unwrap_err();
            assert!(
                matches!(&err.errors()[0], ConfigError::InvalidPath { path: p, reason } if p == path && reason.contains(words)),
                "{path}: {err}"
            );
        }
    }
}

/// A layer of routes has one configuration only when one policy covers
/// every request: no binding and a fallback.
#[test]
fn the_configuration_of_routes_is_the_one_policy_of_every_request() {
    let only_fallback = CorsRoutes::new()
        .policy("app", CorsLayer::builder().allow_origins([APP]))
        .fallback("app")
        .build()
        .unwrap();
    assert_eq!(
        only_fallback.config().unwrap().allow_origins,
        [APP.to_owned()]
    );
    let bound = CorsRoutes::new()
        .policy("app", CorsLayer::builder().allow_origins([APP]))
        .bind_prefix("/api", "app")
        .fallback("app")
        .build()
        .unwrap();
    assert_eq!(bound.config(), None);
    assert_eq!(bound.route_table().config("app"), only_fallback.config());
}

/// Each problem of a policy that does not build names the policy, so that
/// the message reads one way however many problems there are.
#[test]
fn every_problem_of_a_policy_names_it() {
    let err = CorsRoutes::new()
        .policy(
            "broken",
            CorsLayer::builder()
                .allow_origins(["https://a.example/"])
                .allow_methods(["TRACE"]),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid CORS routes (1 problem): policy `broken`: allow_origins: invalid origin \"https://a.example/\": an origin has no path, query or fragment (not even a trailing slash); policy `broken`: allow_methods: method \"TRACE\" is forbidden: browsers never send it cross-origin"
    );
}

/// Debug mode is one switch for a layer of routes: on when a policy asks
/// for it, off when none does.
// checklist: P7
#[test]
fn a_policy_that_asks_for_debug_mode_turns_the_layers_switch_on() {
    let quiet = CorsRoutes::new()
        .policy("public", CorsBuilder::gateway())
        .policy("app", CorsLayer::builder().allow_origins([APP]))
        .fallback("app")
        .build()
        .unwrap();
    assert!(!quiet.debug_mode());
    let loud = CorsRoutes::new()
        .policy("public", CorsBuilder::gateway())
        .policy("app", CorsLayer::builder().allow_origins([APP]).debug(true))
        .fallback("app")
        .build()
        .unwrap();
    assert!(loud.debug_mode());
    assert!(loud.route_table().config("public").unwrap().debug);
}
