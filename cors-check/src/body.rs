//! The bodies a script passes to `fetch()`, with the `Content-Type` the
//! browser adds for each, and the body the requests carry to a service.

use std::any::Any;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;

/// A request body as a script passes it to `fetch(url, { body })`. The
/// browser derives a `Content-Type` from its kind, which it sends unless
/// the script set `Content-Type` itself, and which decides whether the
/// request needs a preflight: the first three kinds keep a request
/// simple, a `Blob` of another type does not.
///
/// # Example
///
/// ```
/// use cors_check::{BrowserRequest, RequestBody};
///
/// let form = BrowserRequest::new("https://app.example.com", "POST", "https://api.example.com/upload")?
///     .body(RequestBody::form_data([("name", "cat.png")]));
/// let content_type = form.actual().headers()["content-type"].to_str().unwrap().to_owned();
/// assert!(content_type.starts_with("multipart/form-data; boundary="));
/// assert!(!form.needs_preflight());
///
/// let json = BrowserRequest::new("https://app.example.com", "POST", "https://api.example.com/items")?
///     .header("Content-Type", "application/json")
///     .body(RequestBody::text(r#"{"name":"cat"}"#));
/// assert_eq!(json.actual().headers()["content-type"], "application/json");
/// assert!(json.needs_preflight());
/// # Ok::<(), cors_check::InvalidRequest>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestBody {
    bytes: Bytes,
    content_type: Option<String>,
}

/// The boundary of the multipart bodies the model writes.
const BOUNDARY: &str = "----cors-check-boundary-7MA4YWxkTrZu0gW";

impl RequestBody {
    /// A string (`body: "hello"`, or `body: JSON.stringify(value)`):
    /// `Content-Type: text/plain;charset=UTF-8`. A script that sends JSON
    /// sets `Content-Type: application/json` itself, which makes the
    /// request need a preflight.
    ///
    /// # Example
    ///
    /// See [`RequestBody`].
    pub fn text(text: &str) -> RequestBody {
        RequestBody {
            bytes: Bytes::copy_from_slice(text.as_bytes()),
            content_type: Some("text/plain;charset=UTF-8".to_owned()),
        }
    }

    /// `new URLSearchParams(pairs)`: the pairs form-urlencoded, with
    /// `Content-Type: application/x-www-form-urlencoded;charset=UTF-8`.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::RequestBody;
    ///
    /// let params = RequestBody::url_search_params([("q", "cats & dogs")]);
    /// assert_eq!(params.bytes(), b"q=cats+%26+dogs");
    /// assert_eq!(params.content_type(), Some("application/x-www-form-urlencoded;charset=UTF-8"));
    /// ```
    pub fn url_search_params<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> RequestBody {
        let encoded: Vec<String> = pairs
            .into_iter()
            .map(|(name, value)| format!("{}={}", form_urlencode(name), form_urlencode(value)))
            .collect();
        RequestBody {
            bytes: Bytes::from(encoded.join("&")),
            content_type: Some("application/x-www-form-urlencoded;charset=UTF-8".to_owned()),
        }
    }

    /// A `FormData` of text fields: a `multipart/form-data` body, with
    /// `Content-Type: multipart/form-data; boundary=…` (each engine picks
    /// its own boundary).
    ///
    /// # Example
    ///
    /// See [`RequestBody`].
    pub fn form_data<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> RequestBody {
        let mut body = String::new();
        for (name, value) in fields {
            // HTML's multipart/form-data encoding: line breaks as CRLF, and
            // in a name, CR, LF and `"` percent-encoded.
            let name = crlf(name)
                .replace('\r', "%0D")
                .replace('\n', "%0A")
                .replace('"', "%22");
            let value = crlf(value);
            body.push_str(&format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{BOUNDARY}--\r\n"));
        RequestBody {
            bytes: Bytes::from(body),
            content_type: Some(format!("multipart/form-data; boundary={BOUNDARY}")),
        }
    }

    /// A `Blob` (or `File`) of `content_type` (`new Blob([bytes], { type })`):
    /// that `Content-Type`, lowercase, or none when the type is empty or
    /// has a character outside U+0020 to U+007E (which makes the File API
    /// drop it).
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::RequestBody;
    ///
    /// assert_eq!(RequestBody::blob(b"\x89PNG", "image/png").content_type(), Some("image/png"));
    /// assert_eq!(RequestBody::blob(b"raw", "").content_type(), None);
    /// ```
    pub fn blob(bytes: &[u8], content_type: &str) -> RequestBody {
        RequestBody {
            bytes: Bytes::copy_from_slice(bytes),
            content_type: (!content_type.is_empty()
                && content_type.chars().all(|c| (' '..='~').contains(&c)))
            .then(|| content_type.to_ascii_lowercase()),
        }
    }

    /// The bytes the browser sends.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(cors_check::RequestBody::text("hi").bytes(), b"hi");
    /// ```
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The `Content-Type` the browser adds for this body, if any.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(cors_check::RequestBody::text("hi").content_type(), Some("text/plain;charset=UTF-8"));
    /// ```
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    pub(crate) fn to_bytes(&self) -> Bytes {
        self.bytes.clone()
    }
}

/// Every line break of `text` (CR, LF or CRLF) as CRLF.
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

/// The `application/x-www-form-urlencoded` serializer's byte encoding:
/// `*-._` and ASCII alphanumerics as they are, space as `+`, every other
/// byte of the UTF-8 as `%XX`.
fn form_urlencode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b' ' => out.push('+'),
            b'*' | b'-' | b'.' | b'_' => out.push(char::from(byte)),
            _ if byte.is_ascii_alphanumeric() => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The body of the requests a [`Fetch`](crate::Fetch) sends: the script's
/// [`RequestBody`], or empty (preflights, and requests without a body).
/// Services that take any body type (an axum `Router`) accept it.
///
/// # Example
///
/// ```
/// use http_body::Body;
/// use cors_check::ScriptBody;
///
/// assert!(ScriptBody::default().is_end_stream());
/// ```
#[derive(Debug, Clone, Default)]
pub struct ScriptBody {
    bytes: Option<Bytes>,
}

impl http_body::Body for ScriptBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        Poll::Ready(
            self.bytes
                .take()
                .map(|bytes| Ok(http_body::Frame::data(bytes))),
        )
    }

    fn is_end_stream(&self) -> bool {
        self.bytes.is_none()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        let length = self.bytes.as_ref().map_or(0, |bytes| bytes.len());
        http_body::SizeHint::with_exact(u64::try_from(length).unwrap_or(u64::MAX))
    }
}

/// The body of type `B` for `bytes`: the bytes themselves for the body
/// types that can hold them ([`ScriptBody`], `Vec<u8>`, `Bytes`, and
/// `String`, decoded as UTF-8 with invalid bytes replaced),
/// `B::default()` for any other.
pub(crate) fn service_body<B: Default + 'static>(bytes: Option<Bytes>) -> B {
    let Some(bytes) = bytes.filter(|bytes| !bytes.is_empty()) else {
        return B::default();
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let vec = bytes.to_vec();
    let candidates: [Box<dyn Any>; 4] = [
        Box::new(ScriptBody {
            bytes: Some(bytes.clone()),
        }),
        Box::new(text),
        Box::new(vec),
        Box::new(bytes),
    ];
    candidates
        .into_iter()
        .find_map(|candidate| candidate.downcast::<B>().ok())
        .map_or_else(B::default, |body| *body)
}
