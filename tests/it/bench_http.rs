//! `strata bench http` as a library: a short replay of demo queries against
//! an in-process demo server on loopback. Checks the report's shape, not speed.

use std::time::Duration;

use serde_json::json;
use strata_bench::http::{run_http, Endpoint, HttpOptions};
use strata_bench::NamedQuery;

use crate::common::start_demo_server;

fn demo_queries() -> Vec<NamedQuery> {
    [
        json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"]}),
        json!({
            "measures": ["LineItems.revenue"],
            "dimensions": ["Products.category"],
            "limit": 10
        }),
        json!({
            "measures": ["sales_overview.revenue"],
            "timeDimensions": [{"dimension": "sales_overview.order_date", "granularity": "month"}],
            "limit": 24
        }),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, query)| NamedQuery {
        name: format!("q{i}"),
        query: query.to_string().parse().expect("a JSON object"),
    })
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_bench_replays_demo_queries() {
    let server = start_demo_server().await;
    assert!(server.addr.ip().is_loopback());

    for endpoint in [Endpoint::Sql, Endpoint::Load, Endpoint::LoadNoCache] {
        let mut options = HttpOptions::new(server.url(), demo_queries());
        options.endpoint = endpoint;
        options.concurrency = 4;
        options.duration = Duration::from_secs(if endpoint == Endpoint::Sql { 2 } else { 1 });
        let r = run_http(&options)
            .await
            .unwrap_or_else(|e| panic!("{endpoint:?}: {e}"));
        assert_eq!(r.errors, 0, "{endpoint:?}: {:?}", r.first_error);
        assert!(r.requests > 0 && r.ok == r.requests, "{r:?}");
        assert!(r.requests_per_sec > 0.0, "{r:?}");
        let l = &r.latency_ms;
        assert_eq!(l.count, r.ok);
        assert!(l.p50 > 0.0, "{r:?}");
        assert!(l.p50 <= l.p95 && l.p95 <= l.p99 && l.p99 <= l.max, "{r:?}");
        assert!(r.elapsed_secs >= 0.9, "{r:?}");
    }

    // A request bound stops the replay early.
    let mut options = HttpOptions::new(server.url(), demo_queries());
    options.concurrency = 4;
    options.max_requests = Some(10);
    let r = run_http(&options).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.requests, r.errors), (10, 0), "{r:?}");
    server.shutdown().await;
}
