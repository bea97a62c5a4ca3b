//! The response body of the [`Cors`](crate::Cors) service.

use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

pin_project! {
    /// The response body of the [`Cors`](crate::Cors) service: the inner
    /// service's body, passed through untouched, or the empty body of an
    /// answer the layer gave itself (a preflight or a refusal).
    ///
    /// It has the same `Data` and `Error` types as the inner body and
    /// requires nothing else of it: unlike a design that needs
    /// `ResBody: Default`, it composes with any body type, such as tonic's
    /// and axum's.
    ///
    /// # Example
    ///
    /// ```
    /// use http_body::Body as _;
    /// use tower_cors::CorsBody;
    ///
    /// let empty: CorsBody<String> = CorsBody::empty();
    /// assert!(empty.is_end_stream());
    /// assert_eq!(empty.size_hint().exact(), Some(0));
    ///
    /// let inner = CorsBody::new(String::from("hello"));
    /// assert_eq!(inner.size_hint().exact(), Some(5));
    /// ```
    #[derive(Debug, Clone)]
    pub struct CorsBody<B> {
        #[pin]
        inner: Option<B>,
    }
}

impl<B> CorsBody<B> {
    /// Wraps the inner service's body.
    ///
    /// # Example
    ///
    /// ```
    /// let body = tower_cors::CorsBody::new(String::from("hi"));
    /// assert_eq!(body.into_inner().as_deref(), Some("hi"));
    /// ```
    pub fn new(inner: B) -> Self {
        CorsBody { inner: Some(inner) }
    }

    /// An empty body, as on preflight answers.
    ///
    /// # Example
    ///
    /// ```
    /// let body = tower_cors::CorsBody::<String>::empty();
    /// assert!(body.into_inner().is_none());
    /// ```
    pub fn empty() -> Self {
        CorsBody { inner: None }
    }

    /// The inner service's body, or `None` for the layer's own empty body.
    ///
    /// # Example
    ///
    /// ```
    /// let body = tower_cors::CorsBody::new(vec![1u8]);
    /// assert_eq!(body.into_inner(), Some(vec![1u8]));
    /// ```
    pub fn into_inner(self) -> Option<B> {
        self.inner
    }
}

/// The empty body, whatever `B` is: no `B: Default` bound.
///
/// # Example
///
/// ```
/// struct NoDefault;
///
/// let body: tower_cors::CorsBody<NoDefault> = Default::default();
/// assert!(body.into_inner().is_none());
/// ```
impl<B> Default for CorsBody<B> {
    fn default() -> Self {
        CorsBody::empty()
    }
}

impl<B: Body> Body for CorsBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        match self.project().inner.as_pin_mut() {
            Some(inner) => inner.poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().map_or(true, Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Body::size_hint)
    }
}
