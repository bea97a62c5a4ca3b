//! The smallest hyper 1 use: a tower service behind the gateway policy,
//! served connection by connection with hyper's HTTP/1 server.
//!
//! ```text
//! cargo run --example hyper            # listens on 127.0.0.1:3000
//! PORT=8080 cargo run --example hyper
//! ```
//!
//! The CORS layer is a tower layer, so the handler is a tower service
//! (`tower::service_fn`); `TowerToHyperService` turns the wrapped service
//! into the hyper service that `serve_connection` expects.

use std::convert::Infallible;
use std::error::Error;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tower::ServiceBuilder;
use tower_cors::CorsLayer;

mod support;

async fn hello(_req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(b"hello\n"))))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let service = ServiceBuilder::new()
        .layer(CorsLayer::gateway())
        .service(tower::service_fn(hello));

    let listener = support::listen().await?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}; try a cross-origin request:");
    println!("curl -i http://{addr}/ -H 'Origin: https://app.example.com'");

    loop {
        let (stream, _) = listener.accept().await?;
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            if let Err(err) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                eprintln!("connection error: {err}");
            }
        });
    }
}
