//! Panics never reach a client as a closed connection, and never cost a
//! backtrace dump per request: a handler that panics is answered with a 500
//! JSON error carrying the request id, and the panic is logged as one line.

use std::any::Any;

use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The text a panic was raised with.
fn panic_text(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// The answer to a request whose handler panicked (for
/// `tower_http::catch_panic::CatchPanicLayer::custom`): a 500 with a generic
/// message; the panic text is logged with the request id.
pub fn panic_response(payload: Box<dyn Any + Send + 'static>) -> Response {
    ApiError::internal(format!(
        "handler panicked: {}",
        panic_text(payload.as_ref())
    ))
    .into_response()
}

/// Replaces the process's panic hook with one that logs a single line
/// (message and location) through `tracing`, without capturing a
/// backtrace, whatever `RUST_BACKTRACE` says: under a flood of requests
/// that panic, symbolizing a backtrace for each one costs hundreds of MB.
/// The `strata serve` binary installs it; an embedding program decides for
/// itself.
pub fn install_quiet_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%location, message = panic_text(info.payload()), "panic");
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_generic_500() {
        let response = panic_response(Box::new("index out of bounds: secret detail"));
        assert_eq!(response.status().as_u16(), 500);
        let response = panic_response(Box::new(String::from("owned")));
        assert_eq!(response.status().as_u16(), 500);
        assert_eq!(panic_text(&42_u8), "(no message)");
    }
}
