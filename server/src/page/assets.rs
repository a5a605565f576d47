//! The page's files, embedded in the binary from `server/assets/`, and the
//! build id that versions their URLs.

use std::sync::LazyLock;

use axum::body::Bytes;
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Embedded;

/// The placeholder in `index.html` replaced by the versioned assets prefix.
const ASSETS_PLACEHOLDER: &str = "{{ASSETS}}";

/// One embedded file, ready to serve.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The bytes.
    pub body: Bytes,
    /// `Content-Type`.
    pub content_type: String,
    /// Strong validator (quoted).
    pub etag: String,
}

/// Hex of the first `n` bytes of `digest`.
fn hex(digest: &[u8], n: usize) -> String {
    digest.iter().take(n).map(|b| format!("{b:02x}")).collect()
}

/// A hash of every embedded file's path and contents: it changes whenever
/// any asset does, so URLs under `/assets/<build id>/` can be cached forever.
pub static BUILD_ID: LazyLock<String> = LazyLock::new(|| {
    let mut paths: Vec<_> = Embedded::iter().collect();
    paths.sort();
    let mut hasher = Sha256::new();
    for path in paths {
        if let Some(file) = Embedded::get(&path) {
            hasher.update(path.as_bytes());
            hasher.update(file.metadata.sha256_hash());
        }
    }
    hex(&hasher.finalize(), 8)
});

/// `index.html` with the versioned assets prefix filled in.
pub static INDEX: LazyLock<Asset> = LazyLock::new(|| {
    let template = Embedded::get("index.html")
        .map(|f| String::from_utf8_lossy(&f.data).into_owned())
        .unwrap_or_else(|| {
            "<!doctype html><title>Strata</title><p>The page is missing from this build.".to_owned()
        });
    let html = template.replace(ASSETS_PLACEHOLDER, &assets_prefix());
    Asset {
        body: Bytes::from(html),
        content_type: "text/html; charset=utf-8".to_owned(),
        etag: format!("\"{}\"", *BUILD_ID),
    }
});

/// `/assets/<build id>`.
pub fn assets_prefix() -> String {
    format!("/assets/{}", *BUILD_ID)
}

/// The embedded file at `path` (relative to `server/assets/`).
pub fn get(path: &str) -> Option<Asset> {
    let file = Embedded::get(path)?;
    let mime = file.metadata.mimetype();
    let content_type = match mime {
        "text/javascript" | "application/javascript" => "text/javascript; charset=utf-8".to_owned(),
        m if m.starts_with("text/") => format!("{m}; charset=utf-8"),
        m => m.to_owned(),
    };
    let body = match file.data {
        std::borrow::Cow::Borrowed(b) => Bytes::from_static(b),
        std::borrow::Cow::Owned(v) => Bytes::from(v),
    };
    Some(Asset {
        body,
        content_type,
        etag: format!("\"{}\"", hex(&file.metadata.sha256_hash(), 12)),
    })
}

/// Paths of every embedded file.
pub fn paths() -> impl Iterator<Item = std::borrow::Cow<'static, str>> {
    Embedded::iter()
}
