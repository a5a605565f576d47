//! `strata bench http`: replays queries against any Cube-compatible REST API
//! (`/cubejs-api/v1/sql` or `/load`) with a fixed number of concurrent
//! clients, bounded in time and optionally in request count.

use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;

use crate::stats::{per_second, Summary, MILLIS};
use crate::{BenchError, CubeQuery, NamedQuery};

/// Which API call each request makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /cubejs-api/v1/sql`: planning only.
    Sql,
    /// `POST /cubejs-api/v1/load`, result cache allowed.
    Load,
    /// `POST /cubejs-api/v1/load` with `"cache": "no-cache"`.
    LoadNoCache,
}

impl Endpoint {
    /// The API path.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Sql => "/cubejs-api/v1/sql",
            Endpoint::Load | Endpoint::LoadNoCache => "/cubejs-api/v1/load",
        }
    }

    /// The request body (JSON text) that sends `query` to this endpoint.
    pub fn body(self, query: &CubeQuery) -> String {
        let query = query.json();
        match self {
            Endpoint::LoadNoCache => json!({"query": query, "cache": "no-cache"}),
            _ => json!({ "query": query }),
        }
        .to_string()
    }

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Sql => "sql",
            Endpoint::Load => "load",
            Endpoint::LoadNoCache => "load-no-cache",
        }
    }
}

impl FromStr for Endpoint {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sql" => Ok(Endpoint::Sql),
            "load" => Ok(Endpoint::Load),
            "load-no-cache" => Ok(Endpoint::LoadNoCache),
            other => Err(format!(
                "unknown endpoint `{other}` (expected sql, load or load-no-cache)"
            )),
        }
    }
}

/// What to replay, where and for how long.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Base URL of the API, e.g. `http://127.0.0.1:4000`.
    pub base_url: String,
    /// The queries, sent round-robin.
    pub queries: Vec<NamedQuery>,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Stop starting requests after this long.
    pub duration: Duration,
    /// Stop after this many requests in all, if given.
    pub max_requests: Option<u64>,
    /// Sent as `Authorization: <token>` when given.
    pub token: Option<String>,
    /// Which call to make.
    pub endpoint: Endpoint,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Draw a progress bar on stderr.
    pub progress: bool,
}

impl HttpOptions {
    /// Options with the defaults: concurrency 8, 30 s, no count bound,
    /// `/sql`, 30 s timeout, no progress bar.
    pub fn new(base_url: impl Into<String>, queries: Vec<NamedQuery>) -> HttpOptions {
        HttpOptions {
            base_url: base_url.into(),
            queries,
            concurrency: 8,
            duration: Duration::from_secs(30),
            max_requests: None,
            token: None,
            endpoint: Endpoint::Sql,
            timeout: Duration::from_secs(30),
            progress: false,
        }
    }
}

/// The outcome of a replay.
#[derive(Debug, Clone, Serialize)]
pub struct HttpReport {
    /// Base URL that was targeted.
    pub base_url: String,
    /// Which call was made.
    pub endpoint: Endpoint,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Wall-clock seconds from the first request to the last answer.
    pub elapsed_secs: f64,
    /// Requests completed (successful or not).
    pub requests: u64,
    /// Requests answered 2xx without an `error` body.
    pub ok: u64,
    /// Transport failures, non-2xx answers and `{"error": ...}` bodies.
    pub errors: u64,
    /// The first error seen, for diagnosis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
    /// Latency of the successful requests, milliseconds.
    pub latency_ms: Summary,
    /// Completed requests per second.
    pub requests_per_sec: f64,
}

struct Shared {
    started: AtomicU64,
    stop: AtomicBool,
    first_error: Mutex<Option<String>>,
}

impl Shared {
    fn note_error(&self, msg: String) {
        if let Ok(mut first) = self.first_error.lock() {
            first.get_or_insert(msg);
        }
    }
}

/// Replays `options.queries` round-robin with `options.concurrency` clients
/// until `options.duration` has passed or `options.max_requests` were sent.
pub async fn run_http(options: &HttpOptions) -> Result<HttpReport, BenchError> {
    if options.queries.is_empty() {
        return Err(BenchError::NoQueries("the HTTP benchmark".to_string()));
    }
    if options.concurrency == 0 {
        return Err(BenchError::InvalidOption(
            "concurrency must be at least 1".to_string(),
        ));
    }
    let client = reqwest::Client::builder()
        .timeout(options.timeout)
        .pool_max_idle_per_host(options.concurrency)
        .build()
        .map_err(|e| BenchError::Http(e.to_string()))?;
    let url = format!(
        "{}{}",
        options.base_url.trim_end_matches('/'),
        options.endpoint.path()
    );
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new(
        options
            .queries
            .iter()
            .map(|q| options.endpoint.body(&q.query).into_bytes())
            .collect(),
    );
    let shared = Arc::new(Shared {
        started: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        first_error: Mutex::new(None),
    });
    let bar = progress_bar(options);
    let begin = Instant::now();
    let deadline = begin + options.duration;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..options.concurrency {
        let (client, url, bodies, shared) =
            (client.clone(), url.clone(), bodies.clone(), shared.clone());
        let (token, max) = (options.token.clone(), options.max_requests);
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            loop {
                if shared.stop.load(Ordering::Relaxed) || Instant::now() >= deadline {
                    break;
                }
                let n = shared.started.fetch_add(1, Ordering::Relaxed);
                if max.is_some_and(|m| n >= m) {
                    break;
                }
                let body = bodies[(n % bodies.len() as u64) as usize].clone();
                let mut req = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body);
                if let Some(t) = &token {
                    req = req.header("authorization", t);
                }
                let t0 = Instant::now();
                match send(req).await {
                    Ok(()) => latencies.push(t0.elapsed().as_nanos() as u64),
                    Err(msg) => {
                        errors += 1;
                        shared.note_error(msg);
                    }
                }
            }
            (latencies, errors)
        });
    }
    let ticker = bar.clone().map(|bar| {
        let shared = shared.clone();
        let max = options.max_requests;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let sent = shared.started.load(Ordering::Relaxed);
                match max {
                    Some(m) => bar.set_position(sent.min(m)),
                    None => bar.set_position(begin.elapsed().as_millis() as u64),
                }
                bar.set_message(format!("{sent} requests"));
            }
        })
    });
    let mut latencies = Vec::new();
    let mut errors = 0;
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok((l, e)) => {
                latencies.extend(l);
                errors += e;
            }
            Err(e) => {
                shared.stop.store(true, Ordering::Relaxed);
                shared.note_error(format!("worker failed: {e}"));
            }
        }
    }
    let elapsed = begin.elapsed().as_secs_f64();
    if let Some(t) = ticker {
        t.abort();
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let ok = latencies.len() as u64;
    let first_error = shared.first_error.lock().ok().and_then(|f| f.clone());
    Ok(HttpReport {
        base_url: options.base_url.clone(),
        endpoint: options.endpoint,
        concurrency: options.concurrency,
        elapsed_secs: elapsed,
        requests: ok + errors,
        ok,
        errors,
        first_error,
        latency_ms: Summary::from_nanos(&mut latencies, MILLIS),
        requests_per_sec: per_second(ok + errors, elapsed),
    })
}

/// Sends one request and reads the whole answer; `Err` describes a failure.
async fn send(req: reqwest::RequestBuilder) -> Result<(), String> {
    let resp = req
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    let status = resp.status();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| format!("reading the answer failed: {e}"))?;
    if !status.is_success() {
        let text = String::from_utf8_lossy(&bytes);
        return Err(format!(
            "HTTP {status}: {}",
            text.chars().take(300).collect::<String>()
        ));
    }
    // Cube answers `{"error": "Continue wait"}` (and other errors) with 200 too.
    if bytes.starts_with(b"{\"error\"") {
        let text = String::from_utf8_lossy(&bytes);
        return Err(text.chars().take(300).collect());
    }
    Ok(())
}

fn progress_bar(options: &HttpOptions) -> Option<indicatif::ProgressBar> {
    if !options.progress {
        return None;
    }
    let (len, template) = match options.max_requests {
        Some(m) => (m, "{spinner} {prefix} [{bar:30}] {pos}/{len} {msg}"),
        None => (
            options.duration.as_millis() as u64,
            "{spinner} {prefix} [{bar:30}] {elapsed}/{duration} {msg}",
        ),
    };
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(format!(
        "{} {}",
        options.endpoint.as_str(),
        options.base_url
    ));
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// One report as text.
pub fn render_http(r: &HttpReport) -> String {
    let mut out = String::new();
    let l = &r.latency_ms;
    let _ = writeln!(
        out,
        "{} {} (concurrency {}, {:.1} s)",
        r.endpoint.as_str(),
        r.base_url,
        r.concurrency,
        r.elapsed_secs
    );
    let _ = writeln!(
        out,
        "  requests {}  ok {}  errors {}  {:.1} req/s",
        r.requests, r.ok, r.errors, r.requests_per_sec
    );
    let _ = writeln!(
        out,
        "  latency ms  p50 {:.3}  p95 {:.3}  p99 {:.3}  mean {:.3}  max {:.3}",
        l.p50, l.p95, l.p99, l.mean, l.max
    );
    if let Some(e) = &r.first_error {
        let _ = writeln!(out, "  first error: {e}");
    }
    out
}

/// Two replays of the same queries, as `--against` runs them.
#[derive(Debug, Clone, Serialize)]
pub struct HttpComparison {
    /// The `--url` run.
    pub first: HttpReport,
    /// The `--against` run.
    pub second: HttpReport,
    /// `first.p50 / second.p50`.
    pub p50_ratio: f64,
}

impl HttpComparison {
    /// Pairs two reports and computes the ratio of their medians.
    pub fn new(first: HttpReport, second: HttpReport) -> HttpComparison {
        let p50_ratio = p50_ratio(&first, &second);
        HttpComparison {
            first,
            second,
            p50_ratio,
        }
    }

    /// Both reports and the comparison as text: what `--against` prints.
    pub fn render(&self) -> String {
        let mut out = render_http(&self.first);
        out.push_str(&render_http(&self.second));
        out.push_str(&render_comparison(&self.first, &self.second));
        out
    }
}

/// Replays `options` against `options.base_url`, then the same against
/// `other_base_url` (one after the other, never at once), and compares them.
pub async fn run_comparison(
    options: &HttpOptions,
    other_base_url: &str,
) -> Result<HttpComparison, BenchError> {
    let first = run_http(options).await?;
    let mut other = options.clone();
    other.base_url = other_base_url.to_string();
    let second = run_http(&other).await?;
    Ok(HttpComparison::new(first, second))
}

/// `p50(a) / p50(b)` (0 when `b` has no successful request).
pub fn p50_ratio(a: &HttpReport, b: &HttpReport) -> f64 {
    if b.latency_ms.p50 > 0.0 {
        a.latency_ms.p50 / b.latency_ms.p50
    } else {
        0.0
    }
}

/// Two reports side by side, with the ratio of their medians: three fixed
/// columns of right-aligned numbers, which `format!` widths lay out without
/// a table crate.
pub fn render_comparison(a: &HttpReport, b: &HttpReport) -> String {
    let mut out = String::new();
    let w = a.base_url.len().max(b.base_url.len()).max(10);
    let _ = writeln!(
        out,
        "{:<14}  {:>w$}  {:>w$}",
        a.endpoint.as_str(),
        a.base_url,
        b.base_url
    );
    let rows: [(&str, f64, f64, usize); 7] = [
        ("requests", a.requests as f64, b.requests as f64, 0),
        ("errors", a.errors as f64, b.errors as f64, 0),
        ("req/s", a.requests_per_sec, b.requests_per_sec, 1),
        ("p50 ms", a.latency_ms.p50, b.latency_ms.p50, 3),
        ("p95 ms", a.latency_ms.p95, b.latency_ms.p95, 3),
        ("p99 ms", a.latency_ms.p99, b.latency_ms.p99, 3),
        ("mean ms", a.latency_ms.mean, b.latency_ms.mean, 3),
    ];
    for (label, x, y, prec) in rows {
        let _ = writeln!(out, "{label:<14}  {x:>w$.prec$}  {y:>w$.prec$}");
    }
    let _ = writeln!(out, "p50 ratio (first / second): {:.3}", p50_ratio(a, b));
    out
}

/// The longest `--duration` or `--timeout` taken: a replay is a bounded run.
const LONGEST: Duration = Duration::from_secs(24 * 3600);

/// Parses a duration such as `30s`, `500ms`, `2m`, `1h`, `1m 30s` (humantime's
/// form) or a bare number of seconds (`10`, `2.5`), above zero and at most a
/// day.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let d = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let secs: f64 = t
            .parse()
            .map_err(|_| format!("invalid duration `{s}` (e.g. 30s, 500ms, 2m)"))?;
        Duration::try_from_secs_f64(secs)
            .map_err(|_| format!("invalid duration `{s}` (e.g. 30s, 500ms, 2m)"))?
    } else {
        humantime::parse_duration(t)
            .map_err(|e| format!("invalid duration `{s}`: {e} (e.g. 30s, 500ms, 2m)"))?
    };
    if d.is_zero() {
        return Err(format!("duration `{s}` must be positive"));
    }
    if d > LONGEST {
        return Err(format!("duration `{s}` is longer than a day"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("3 weeks").is_err());
        assert_eq!(parse_duration(" 1h "), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_duration("5 min"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1m 30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("24h"), Ok(LONGEST));
        for bad in [
            "",
            "0",
            "0.0",
            ".",
            "-1s",
            "1e3",
            "25h",
            "99999999999999999999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn endpoints() {
        assert_eq!("load-no-cache".parse(), Ok(Endpoint::LoadNoCache));
        assert!("nope".parse::<Endpoint>().is_err());
        let q: CubeQuery = r#"{"measures":["A.count"]}"#.parse().unwrap();
        assert_eq!(
            Endpoint::LoadNoCache.body(&q),
            r#"{"query":{"measures":["A.count"]},"cache":"no-cache"}"#
        );
        assert_eq!(
            Endpoint::Load.body(&q),
            r#"{"query":{"measures":["A.count"]}}"#
        );
        assert_eq!(Endpoint::Sql.path(), "/cubejs-api/v1/sql");
    }

    #[tokio::test]
    async fn refuses_bad_options_and_counts_connection_errors() {
        let q = vec![NamedQuery {
            name: "q".into(),
            query: r#"{"measures":["A.count"]}"#.parse().unwrap(),
        }];
        // A loopback port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let mut o = HttpOptions::new(format!("http://127.0.0.1:{port}"), q);
        o.concurrency = 0;
        assert!(run_http(&o).await.is_err());
        o.concurrency = 2;
        o.max_requests = Some(6);
        o.duration = Duration::from_secs(5);
        let r = run_http(&o).await.unwrap();
        assert_eq!((r.requests, r.ok, r.errors), (6, 0, 6));
        assert!(r.first_error.is_some());
    }
}
