//! The smallest axum use: a router behind a policy made with the builder.
//!
//! ```text
//! cargo run --example axum            # listens on 127.0.0.1:3000
//! PORT=8080 cargo run --example axum
//! ```

use std::error::Error;
use std::time::Duration;

use axum::http::Method;
use axum::routing::get;
use axum::Router;
use tower_cors::CorsLayer;

mod support;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let cors = CorsLayer::builder()
        .allow_origins(["http://localhost:5173"])
        .allow_methods([Method::GET, Method::PUT, Method::DELETE])
        .allow_headers(["Content-Type", "Authorization"])
        .expose_headers(["X-Request-Id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()?;

    let app = Router::new()
        .route("/items", get(|| async { "[]" }).put(|| async { "stored" }))
        .layer(cors);

    let listener = support::listen().await?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}; try the preflight of a PUT:");
    println!(
        "curl -i -X OPTIONS http://{addr}/items -H 'Origin: http://localhost:5173' \
         -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type'"
    );
    axum::serve(listener, app).await?;
    Ok(())
}
