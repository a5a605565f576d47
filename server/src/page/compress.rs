//! Compressed responses: static files in the encoding a client accepts
//! (brotli, then gzip), each body compressed once and kept; and the model
//! documents the page loads first (`/meta`, `/ai-analytics/schema`),
//! compressed per answer by [`compress_json`].

use std::collections::HashMap;
use std::io::Write;
use std::sync::{LazyLock, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::CONTENT_LENGTH;
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Smaller bodies are sent as they are.
const MIN_COMPRESSED_BYTES: usize = 1024;

/// Brotli quality: 9 is within a few percent of 11 at a fraction of the time.
const BROTLI_QUALITY: u32 = 9;
const BROTLI_WINDOW: u32 = 22;

/// A content encoding the server can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// `br`.
    Brotli,
    /// `gzip`.
    Gzip,
    /// As stored.
    Identity,
}

impl Encoding {
    /// The best encoding `accept_encoding` allows (q=0 refuses one).
    pub fn negotiate(accept_encoding: Option<&str>) -> Encoding {
        let accepts = |name: &str| {
            accept_encoding.is_some_and(|header| {
                header.split(',').any(|part| {
                    let mut pieces = part.split(';').map(str::trim);
                    let coding = pieces.next().unwrap_or_default();
                    let refused = pieces.any(|p| {
                        p.strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                            .is_some_and(|q| q <= 0.0)
                    });
                    coding.eq_ignore_ascii_case(name) && !refused
                })
            })
        };
        if accepts("br") {
            Encoding::Brotli
        } else if accepts("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }
}

/// Compressed bodies by (ETag, encoding): each is compressed once.
static COMPRESSED: LazyLock<Mutex<HashMap<(String, Encoding), Bytes>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether a body of this type gains from compression.
fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || ["javascript", "json", "svg", "xml"]
            .iter()
            .any(|t| content_type.contains(t))
}

/// `body` in `encoding`, compressed on first use and kept under `etag`.
pub fn encoded(body: &Bytes, etag: &str, encoding: Encoding) -> Bytes {
    if encoding == Encoding::Identity {
        return body.clone();
    }
    let key = (etag.to_owned(), encoding);
    if let Some(hit) = COMPRESSED.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return hit;
    }
    let compressed = Bytes::from(compress(body, encoding));
    if let Ok(mut cache) = COMPRESSED.lock() {
        cache.insert(key, compressed.clone());
    }
    compressed
}

fn compress(body: &[u8], encoding: Encoding) -> Vec<u8> {
    compress_at(body, encoding, BROTLI_QUALITY, flate2::Compression::best())
}

/// Brotli and gzip levels for answers compressed per request: fast, and
/// still a tenth of the JSON's size.
const DYNAMIC_BROTLI_QUALITY: u32 = 5;

/// Middleware for JSON answers worth compressing (the model documents of
/// `/meta` and `/ai-analytics/schema`, tens of kilobytes and more): a 200
/// JSON body of at least a kilobyte is sent in the encoding the client
/// accepts. Other answers pass unchanged.
pub async fn compress_json(req: Request, next: Next) -> Response {
    let encoding = Encoding::negotiate(
        req.headers()
            .get(ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    let response = next.run(req).await;
    let json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("json"));
    if encoding == Encoding::Identity
        || response.status() != StatusCode::OK
        || !json
        || response.headers().contains_key(CONTENT_ENCODING)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The body is an in-memory JSON document already.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "cannot read an answer to compress it");
            let mut failed = Response::new(Body::empty());
            *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return failed;
        }
    };
    parts
        .headers
        .insert(VARY, HeaderValue::from_static("Accept-Encoding"));
    if bytes.len() < MIN_COMPRESSED_BYTES {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let compressed = compress_at(
        &bytes,
        encoding,
        DYNAMIC_BROTLI_QUALITY,
        flate2::Compression::fast(),
    );
    if let Some(coding) = encoding.header() {
        parts
            .headers
            .insert(CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(compressed))
}

fn compress_at(
    body: &[u8],
    encoding: Encoding,
    brotli_quality: u32,
    gzip_level: flate2::Compression,
) -> Vec<u8> {
    match encoding {
        Encoding::Brotli => {
            let mut out = Vec::with_capacity(body.len() / 3);
            {
                let mut w = brotli::CompressorWriter::new(
                    &mut out,
                    64 * 1024,
                    brotli_quality,
                    BROTLI_WINDOW,
                );
                // Writing into a Vec cannot fail.
                let _ = w.write_all(body);
            }
            out
        }
        Encoding::Gzip => {
            let mut w = flate2::write::GzEncoder::new(Vec::new(), gzip_level);
            let _ = w.write_all(body);
            w.finish().unwrap_or_default()
        }
        Encoding::Identity => body.to_vec(),
    }
}

/// A static file as the client asked for it: 304 when its `If-None-Match`
/// names `etag`, else the body compressed as it accepts, with the caching
/// headers given.
pub fn static_response(
    request: &HeaderMap,
    body: &Bytes,
    content_type: &str,
    etag: &str,
    cache_control: &'static str,
) -> Response {
    let not_modified = request
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let encoding = if compressible(content_type) && body.len() >= MIN_COMPRESSED_BYTES {
        Encoding::negotiate(request.get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok()))
    } else {
        Encoding::Identity
    };
    let (status, payload) = if not_modified {
        (StatusCode::NOT_MODIFIED, Bytes::new())
    } else {
        (StatusCode::OK, encoded(body, etag, encoding))
    };
    let mut response = Response::new(Body::from(payload));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let value = |s: &str| HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static(""));
    headers.insert(CONTENT_TYPE, value(content_type));
    headers.insert(ETAG, value(etag));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
    headers.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let (Some(coding), false) = (encoding.header(), not_modified) {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn negotiation() {
        assert_eq!(Encoding::negotiate(None), Encoding::Identity);
        assert_eq!(
            Encoding::negotiate(Some("gzip, deflate, br")),
            Encoding::Brotli
        );
        assert_eq!(Encoding::negotiate(Some("gzip")), Encoding::Gzip);
        assert_eq!(
            Encoding::negotiate(Some("br;q=0, gzip;q=0.5")),
            Encoding::Gzip
        );
        assert_eq!(Encoding::negotiate(Some("identity")), Encoding::Identity);
    }

    #[test]
    fn bodies_round_trip() {
        let body = Bytes::from("strata ".repeat(1000));
        let gz = encoded(&body, "\"t1\"", Encoding::Gzip);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut out)
            .expect("gunzip");
        assert_eq!(out.as_bytes(), &body[..]);
        let br = encoded(&body, "\"t1\"", Encoding::Brotli);
        let mut out = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut out)
            .expect("unbrotli");
        assert_eq!(out, &body[..]);
        assert!(br.len() < body.len() / 10);
    }
}
