//! Accepting and serving HTTP connections under limits, so that slow or
//! half-open clients cannot hold the server: a request's head must arrive
//! within [`HttpLimits::header_timeout`] (which also ends idle keep-alive
//! connections), a body within [`crate::body::BODY_READ_TIMEOUT`], and at
//! most [`HttpLimits::max_connections`] connections are open at once; one
//! more is answered with a short 503 and closed instead of being left
//! waiting or taking the process's last file descriptors.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, Semaphore};

/// Limits on the connections of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Longest wait for a request's head, from the connection's start or
    /// the previous answer (`STRATA_HTTP_HEADER_TIMEOUT`, default 15 s).
    pub header_timeout: Duration,
    /// Most connections open at once (`STRATA_HTTP_MAX_CONNECTIONS`;
    /// default: what the open-file limit leaves after a reserve for
    /// database connections and files, at most 10,000).
    pub max_connections: usize,
    /// Longest wait for in-flight requests at shutdown.
    pub shutdown_grace: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            header_timeout: Duration::from_secs(15),
            max_connections: default_max_connections(),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// File descriptors kept free of HTTP connections for database
/// connections, files and the process itself.
const FD_RESERVE: usize = 256;

/// Connections allowed when the open-file limit cannot be read.
const FALLBACK_MAX_CONNECTIONS: usize = 1_000;

/// The connection cap the open-file limit allows (Linux: the soft limit of
/// `/proc/self/limits`), at most 10,000 and at least 16.
fn default_max_connections() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|n| n.parse::<usize>().ok())
        });
    match soft {
        Some(n) => n.saturating_sub(FD_RESERVE).clamp(16, 10_000),
        None => FALLBACK_MAX_CONNECTIONS,
    }
}

/// The body of the answer to a connection beyond the cap.
const BUSY_BODY: &str = r#"{"error":"Too many open connections: retry in a moment"}"#;

/// The whole answer to a connection beyond the cap.
fn busy_response() -> String {
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{BUSY_BODY}",
        BUSY_BODY.len()
    )
}

/// Serves `app` on `listener` until `shutdown` fires, then lets in-flight
/// requests finish (up to [`HttpLimits::shutdown_grace`]).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: HttpLimits,
    mut shutdown: oneshot::Receiver<()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    loop {
        let stream = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before
                    // it was accepted: wait a moment instead of spinning.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Errors here are the client's (a reset, a head timeout).
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown grace period");
    }
    Ok(())
}

/// Answers a connection beyond the cap with a 503 and closes it.
async fn refuse(mut stream: TcpStream) {
    let write = async {
        stream.write_all(busy_response().as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), write).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busy_answer_is_well_formed() {
        let text = busy_response();
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        let declared: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|n| n.parse().ok())
            .expect("content-length");
        assert_eq!(declared, body.len());
        let json: serde_json::Value = serde_json::from_str(body).expect("json");
        assert!(json["error"].as_str().is_some());
    }

    #[test]
    fn the_default_cap_leaves_room_for_other_files() {
        let cap = default_max_connections();
        assert!((16..=10_000).contains(&cap), "{cap}");
    }
}
