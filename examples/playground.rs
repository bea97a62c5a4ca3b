//! A CORS playground: a page that sends a matrix of `fetch()` calls to an
//! API behind several tower-cors policies and shows, for each, what the
//! browser let the script see and what the layer decided.
//!
//! ```text
//! cargo run --example playground
//! ```
//!
//! It starts three servers on 127.0.0.1, on ports the OS chooses, and prints
//! the page's URL: origin A (`http://localhost:…`) serves the page, origin C
//! (`http://127.0.0.1:…`) the same page from an origin the restrictive
//! policies do not allow, and origin B (`http://localhost:…`) the API, one
//! tower-cors policy per route prefix.
//!
//! The servers, the policies and the cases are the `playground` module of
//! the workspace's test helpers (`test-support/src/playground.rs`), which
//! the browser suite (`tests/browsers.rs`) runs in Chromium, Firefox and
//! WebKit, checking every row.

use std::error::Error;

use tower_cors_test_support::playground;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    let playground = playground::start().await?;
    println!("CORS playground: open {}/", playground.origin_a);
    println!(
        "  page A {}, API B {}, page C {}",
        playground.origin_a, playground.origin_b, playground.origin_c
    );
    println!("Press Ctrl-C to stop.");
    std::future::pending::<()>().await;
    Ok(())
}
