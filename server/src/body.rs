//! Reading a request body under a size limit without resetting the client.
//!
//! axum's `Bytes` extractor refuses an oversized body from its
//! `Content-Length` alone and answers 413 without reading it. hyper then closes
//! the connection with the unread body still in flight, and a client that is
//! still writing sees a reset instead of the 413 (reqwest reports "error
//! sending request"). [`RequestBody`] instead reads past the limit, discarding
//! the excess, so moderately oversized bodies get a clean JSON 413; only a body
//! beyond [`DRAIN_LIMIT`] is cut off without being read to the end.

use axum::body::{Bytes, HttpBody};
use axum::extract::{FromRequest, Request};
use http_body_util::BodyExt;

use crate::error::ApiError;
use crate::routes::BODY_LIMIT;

/// How many bytes of an oversized body are read and discarded before giving
/// up on answering the client cleanly (16 MiB).
pub const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// Longest wait for a whole request body; a client sending it slower gets
/// a 408 and the connection is closed.
pub const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// A request body of at most [`BODY_LIMIT`] bytes, or the error to answer
/// with (413 when it is too large, 400 when it cannot be read).
///
/// Never rejects: the handler decides how to answer, so every route keeps
/// Cube's JSON error shape.
#[derive(Debug)]
pub struct RequestBody(pub Result<Bytes, ApiError>);

impl<S: Send + Sync> FromRequest<S> for RequestBody {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let read = read_limited(req.into_body(), BODY_LIMIT, DRAIN_LIMIT);
        Ok(Self(
            match tokio::time::timeout(BODY_READ_TIMEOUT, read).await {
                Ok(body) => body,
                Err(_) => Err(ApiError::new(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    format!(
                        "The request body did not arrive within {} s",
                        BODY_READ_TIMEOUT.as_secs()
                    ),
                )),
            },
        ))
    }
}

/// Reads `body` whole when it has at most `limit` bytes. Past `limit` the
/// rest is read and dropped up to `drain` bytes in all, then a 413 is
/// returned.
pub async fn read_limited(
    mut body: axum::body::Body,
    limit: usize,
    drain: usize,
) -> Result<Bytes, ApiError> {
    // A declared length past `drain` will not be read anyway: answer at once.
    if body.size_hint().lower() > drain as u64 {
        return Err(ApiError::payload_too_large(limit));
    }
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| ApiError::bad_request(format!("Cannot read the request body: {e}")))?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers carry no payload
        };
        seen = seen.saturating_add(data.len());
        if seen > drain {
            break;
        }
        if seen <= limit {
            chunks.push(data);
        }
    }
    if seen > limit {
        return Err(ApiError::payload_too_large(limit));
    }
    Ok(match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.swap_remove(0),
        _ => Bytes::from(chunks.concat()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[tokio::test]
    async fn body_within_limit_is_returned_whole() {
        let body = axum::body::Body::from("hello");
        let bytes = read_limited(body, 5, 10).await.unwrap();
        assert_eq!(&bytes[..], b"hello");
    }

    #[tokio::test]
    async fn oversized_body_is_drained_and_refused_with_413() {
        let body = axum::body::Body::from(vec![b'x'; 50]);
        let err = read_limited(body, 10, 100).await.unwrap_err();
        assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn body_declared_past_the_drain_limit_is_refused_unread() {
        let body = axum::body::Body::from(vec![b'x'; 500]);
        assert_eq!(body.size_hint().lower(), 500);
        let err = read_limited(body, 10, 100).await.unwrap_err();
        assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    /// A body of `n` chunks of 10 bytes with no declared length, as a
    /// chunked upload would be.
    struct Chunked(usize);

    impl HttpBody for Chunked {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
            let frame =
                (self.0 > 0).then(|| Ok(http_body::Frame::data(Bytes::from(vec![b'x'; 10]))));
            self.0 = self.0.saturating_sub(1);
            std::task::Poll::Ready(frame)
        }
    }

    #[tokio::test]
    async fn chunked_bodies_are_read_to_the_limit_and_past_the_drain_limit_refused() {
        let ok = read_limited(axum::body::Body::new(Chunked(3)), 30, 100).await;
        assert_eq!(ok.unwrap().len(), 30);
        for chunks in [4, 50] {
            let body = axum::body::Body::new(Chunked(chunks));
            assert_eq!(body.size_hint().lower(), 0);
            let err = read_limited(body, 30, 100).await.unwrap_err();
            assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE, "{chunks} chunks");
        }
    }
}
