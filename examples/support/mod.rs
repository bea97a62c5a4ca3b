//! What the example servers share: where they listen.

use std::error::Error;
use std::net::Ipv4Addr;

use tokio::net::TcpListener;

/// A listener on 127.0.0.1, on the port in `PORT`: 3000 when it is unset,
/// a free one when it is 0.
pub async fn listen() -> Result<TcpListener, Box<dyn Error>> {
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|e| format!("PORT={port:?} is not a port number: {e}"))?,
        Err(_) => 3000,
    };
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?)
}
