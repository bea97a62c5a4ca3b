//! Serving requests: the layer and its service, the layer's own answers (preflights, refusals), the merge of its
//! headers into the inner service's responses, the response future and its
//! body.

pub(crate) mod answer;
pub(crate) mod body;
pub(crate) mod decide;
pub(crate) mod future;
pub(crate) mod layer;
pub(crate) mod merge;
pub(crate) mod observe;
pub(crate) mod preflight;
pub(crate) mod protect;
pub(crate) mod service;
pub(crate) mod source;
