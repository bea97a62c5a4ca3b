//! A real gRPC service, reachable from a browser: tonic's ready-made health
//! service (`tonic-health`, so that no protobuf compiler is needed) behind
//! `tonic-web`'s gRPC-web translation and this crate's CORS layer.
//!
//! ```text
//! cargo run --example grpc_web            # listens on 127.0.0.1:3000
//! PORT=8080 cargo run --example grpc_web
//! ```
//!
//! The layers are stacked on tonic's server builder, outermost first:
//!
//! 1. CORS ([`CorsBuilder::grpc_web`]): it answers browsers' preflights
//!    itself and adds the CORS headers to every answer, so it must be
//!    outside gRPC-web, which would refuse an `OPTIONS` request;
//! 2. [`GrpcWebLayer`]: turns gRPC-web calls (HTTP/1.1 too, hence
//!    `accept_http1(true)`) into gRPC calls and the answers back;
//! 3. the gRPC services.
//!
//! The layer asks nothing of the inner response body (no `ResBody: Default`
//! bound): [`CorsBody`](tower_cors::CorsBody) wraps whatever body tonic and
//! `tonic-web` produce.

use std::error::Error;

use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::HealthService;
use tonic_web::GrpcWebLayer;
use tower_cors::CorsBuilder;

mod support;

/// The web app allowed to call the service.
const WEB_APP: &str = "http://localhost:8080";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let cors = CorsBuilder::grpc_web().allow_origins([WEB_APP]).build()?;

    let (reporter, health) = tonic_health::server::health_reporter();
    // The health service reports itself; the empty service name (the whole
    // server, which an empty `HealthCheckRequest` asks about) is SERVING
    // from the start.
    reporter.set_serving::<HealthServer<HealthService>>().await;

    let listener = support::listen().await?;
    let addr = listener.local_addr()?;

    let url = format!("http://{addr}/grpc.health.v1.Health/Check");
    println!("gRPC-web health service on http://{addr}; try what a browser at {WEB_APP} sends:");
    println!();
    println!("# the preflight, answered by the CORS layer (204, no gRPC call):");
    println!(
        "curl -i --http1.1 -X OPTIONS {url} -H 'Origin: {WEB_APP}' \
         -H 'Access-Control-Request-Method: POST' \
         -H 'Access-Control-Request-Headers: content-type,x-grpc-web,x-user-agent'"
    );
    println!();
    println!("# the call: a 5-byte frame header for an empty HealthCheckRequest;");
    println!("# the answer is a data frame (08 01: SERVING) and a trailers frame (grpc-status:0):");
    println!(
        "printf '\\000\\000\\000\\000\\000' | curl -i --http1.1 -X POST {url} \
         -H 'Origin: {WEB_APP}' -H 'content-type: application/grpc-web+proto' \
         -H 'x-grpc-web: 1' --data-binary @- --output -"
    );

    Server::builder()
        .accept_http1(true)
        .layer(cors)
        .layer(GrpcWebLayer::new())
        .add_service(health)
        .serve_with_incoming(TcpIncoming::from(listener))
        .await?;
    Ok(())
}
