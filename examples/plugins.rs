//! CORS plug-in policies as an API gateway has them: read from a file in
//! the gateway's plug-in shape, bound to path prefixes, and reconfigured
//! while the server runs.
//!
//! ```text
//! cargo run --example plugins --features serde,reload
//! PORT=8080 cargo run --example plugins --features serde,reload
//! ```
//!
//! It copies `examples/plugins.toml` to a temporary file (or reads the file
//! named by `CORS_POLICIES`), binds its `public` policy to `/public` and
//! its `partners` policy to `/partners` (`/health` is bound to none), and
//! checks the file twice a second: a saved change is compiled and swapped
//! in atomically for every request that starts after it; a change that
//! does not build is reported and the policies in force stay.
//!
//! On start-up it prints `curl` commands that show a preflight refused,
//! the command that edits the file, and the same preflight accepted.

use std::collections::BTreeMap;
use std::error::Error;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use axum::routing::get;
use axum::Router;
use tower_cors::{CorsRoutes, GatewayPluginConfig, ReloadHandle};

mod support;

/// The policies of a file, by name.
type Policies = BTreeMap<String, GatewayPluginConfig>;

/// Reads the policies of `path` and binds them as the gateway binds
/// plug-in policies to APIs: by path prefix.
fn routes(path: &Path) -> Result<CorsRoutes, Box<dyn Error>> {
    let text = std::fs::read_to_string(path)?;
    let policies: Policies = toml::from_str(&text)?;
    let mut routes = CorsRoutes::new()
        .bind_prefix("/public", "public")
        .bind_prefix("/partners", "partners");
    for (name, policy) in policies {
        // A problem of a policy names the fields as the file spells them.
        routes = routes.policy(name, policy);
    }
    Ok(routes)
}

/// Applies every saved change of `path` through `handle`, forever.
async fn watch(path: PathBuf, handle: ReloadHandle) {
    let mut seen = modified(&path);
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = modified(&path);
        if now == seen {
            continue;
        }
        seen = now;
        let applied = routes(&path).and_then(|routes| {
            handle.reconfigure_routes(routes)?;
            Ok(())
        });
        match applied {
            Ok(()) => println!("reloaded {}:\n{}", path.display(), handle.current()),
            Err(error) => println!("kept the policies in force: {error}"),
        }
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The file to read: `CORS_POLICIES`, or a fresh copy of the example's.
fn policy_file() -> Result<PathBuf, Box<dyn Error>> {
    if let Some(path) = std::env::var_os("CORS_POLICIES") {
        return Ok(PathBuf::from(path));
    }
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/plugins.toml");
    let copy = std::env::temp_dir().join(format!("tower-cors-plugins-{}.toml", std::process::id()));
    std::fs::copy(example, &copy)?;
    Ok(copy)
}

fn app() -> Router {
    Router::new()
        .route(
            "/public/items",
            get(|| async { "public items" }).post(|| async { "created" }),
        )
        .route(
            "/partners/items",
            get(|| async { "partner items" })
                .put(|| async { "saved" })
                .delete(|| async { "deleted" }),
        )
        .route("/health", get(|| async { "ok" }))
}

fn print_commands(addr: SocketAddr, file: &Path) {
    let base = format!("http://{addr}");
    let partner = "-H 'Origin: https://partner.example.com'";
    println!(
        "CORS plug-in policies from {}, listening on {base}",
        file.display()
    );
    println!();
    println!("# The public policy: any origin may GET and POST");
    println!("curl -i {base}/public/items -H 'Origin: https://app.example.com'");
    println!();
    println!("# The partners policy does not allow DELETE yet: the preflight is refused (403)");
    println!("curl -i -X OPTIONS {base}/partners/items {partner} -H 'Access-Control-Request-Method: DELETE'");
    println!();
    println!("# Allow it in the file; the server applies the change within a second");
    println!(
        "sed -i 's/^allow_methods = \"GET,PUT\"$/allow_methods = \"GET,PUT,DELETE\"/' {}",
        file.display()
    );
    println!();
    println!("# The same preflight, now accepted (200, the gateway's preflight status) without a restart");
    println!("curl -i -X OPTIONS {base}/partners/items {partner} -H 'Access-Control-Request-Method: DELETE'");
    println!();
    println!("# /health is bound to no policy: no CORS headers at all");
    println!("curl -i {base}/health -H 'Origin: https://app.example.com'");
    println!();
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let file = policy_file()?;
    let (cors, handle) = routes(&file)?.build()?.reloadable();
    tokio::spawn(watch(file.clone(), handle));

    let listener = support::listen().await?;
    print_commands(listener.local_addr()?, &file);
    axum::serve(listener, app().layer(cors)).await?;
    Ok(())
}
