//! The browser model against hand-written services that send right and
//! broken CORS headers: one table of requests and the outcome a browser
//! gives each, then the requests on the wire, the readable headers, the
//! preflight cache and the messages.

#[macro_use]
mod support;

mod bodies;
mod cache;
mod engines;
mod messages;
mod readable;
mod redirects;
mod requests;
mod table;
