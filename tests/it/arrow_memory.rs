//! DataFusion's memory and concurrency bounds (`STRATA_DATAFUSION_MEMORY`,
//! `STRATA_DATAFUSION_CONCURRENCY`, `STRATA_DATAFUSION_QUEUE_TIMEOUT`) on
//! `strata serve --demo`: concurrent wide queries in a small pool are each
//! answered in full (200, the same rows as with room to spare) or refused
//! with a 503 `{"error": ...}` and `Retry-After`, never a 500 nor a hang,
//! and another caller's small query is still answered meanwhile.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use strata_engine::DataFusionLimits;
use strata_server::{EngineSettings, RunningServer, ServerConfig};

use crate::common::{report, sign_token};

const SECRET: &str = "arrow-memory-test-secret";

/// Queries over the demo that make DataFusion hold a lot at once (each
/// needs more than 40 MiB): an ungrouped join of six cubes sorted on a wide
/// row (a 50,000-row top-k kept in memory), a group-by on a
/// high-cardinality key with a measure of another cube (a fan-out
/// aggregation), and one group per order; and a narrow one whose 5,000
/// rows take less memory than a query has to itself.
fn wide_queries() -> Vec<Value> {
    vec![
        json!({
            "dimensions": [
                "LineItems.id", "LineItems.quantity", "LineItems.amount", "Orders.id",
                "Orders.status", "Orders.channel", "Orders.payment_method", "Orders.created_at",
                "Users.name", "Users.email", "Users.segment", "Products.name",
                "Products.category", "Products.brand", "Countries.name", "Regions.name"
            ],
            "ungrouped": true,
            "order": [["Users.email", "desc"], ["LineItems.id", "asc"]],
            "limit": 50000
        }),
        json!({
            "dimensions": ["Users.email", "Users.name", "Products.category", "Countries.name"],
            "measures": ["LineItems.revenue", "LineItems.count", "Orders.count"],
            "order": [
                ["LineItems.revenue", "desc"], ["Users.email", "asc"], ["Products.category", "asc"]
            ],
            "limit": 50000
        }),
        json!({
            "dimensions": ["Orders.id", "Orders.status", "Users.email", "Orders.payment_method"],
            "measures": ["LineItems.units_sold", "LineItems.profit", "LineItems.count"],
            "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "day"}],
            "order": [["Orders.id", "asc"]],
            "limit": 50000
        }),
        json!({
            "dimensions": ["LineItems.id", "LineItems.amount"],
            "ungrouped": true,
            "order": [["LineItems.id", "asc"]],
            "limit": 5000
        }),
    ]
}

/// The demo server, with no result cache (every query runs) and `limits`.
async fn start(limits: DataFusionLimits) -> RunningServer {
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        api_secret: Some(SECRET.into()),
        engine: EngineSettings {
            demo: Some(strata::demo::DemoData::pinned()),
            cache: None,
            datafusion: limits,
            ..EngineSettings::default()
        },
        ..ServerConfig::default()
    };
    strata_server::start(config)
        .await
        .unwrap_or_else(|e| panic!("demo server: {e}"))
}

/// One `/load` answer: status, `Retry-After`, JSON body and how long it took.
#[derive(Debug)]
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Value,
    took: Duration,
}

async fn load(http: reqwest::Client, base: String, claims: Value, query: Value) -> Answer {
    let started = Instant::now();
    let token = sign_token(SECRET, &claims);
    let resp = http
        .post(format!("{base}/cubejs-api/v1/load"))
        .header("Authorization", token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = resp.text().await.unwrap_or_else(|e| panic!("{e}"));
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        retry_after,
        body,
        took: started.elapsed(),
    }
}

fn rows(answer: &Answer) -> Vec<Value> {
    answer.body["data"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_wide_queries_in_a_small_budget_answer_in_full_or_503_and_others_are_served() {
    let http = reqwest::Client::new();
    let queries = wide_queries();
    let small_query = json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"]});
    let analyst = |i: usize| json!({"sub": format!("analyst{i}"), "tenant_id": "analysts"});
    let someone_else = json!({"sub": "someone-else", "tenant_id": "others"});

    // What each query answers with room to spare, one at a time.
    let reference = start(DataFusionLimits::default()).await;
    let mut expected = Vec::new();
    for q in queries.iter().chain([&small_query]) {
        let a = load(http.clone(), reference.url(), analyst(0), q.clone()).await;
        assert_eq!(a.status, 200, "{q} -> {}", a.body);
        assert!(!rows(&a).is_empty(), "{q} answered no rows");
        expected.push(rows(&a));
    }
    reference.shutdown().await;

    // 32 MiB for all queries, two at a time: each query has 4 MiB of its
    // own and may borrow from the other 24 MiB, so no wide query fits.
    let limits = DataFusionLimits {
        memory_bytes: 32 << 20,
        concurrency: 2,
        queue_timeout: Duration::from_secs(120),
    };
    let server = start(limits).await;
    let wide: Vec<_> = (0..2 * queries.len())
        .map(|i| {
            let (http, base) = (http.clone(), server.url());
            let q = queries[i % queries.len()].clone();
            tokio::spawn(load(http, base, analyst(i), q))
        })
        .collect();
    // Another caller's small query, sent while the wide ones run or wait.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let small = tokio::time::timeout(
        Duration::from_secs(150),
        load(
            http.clone(),
            server.url(),
            someone_else.clone(),
            small_query.clone(),
        ),
    )
    .await
    .unwrap_or_else(|_| panic!("the small query hung"));
    assert_eq!(small.status, 200, "{}", small.body);
    assert_eq!(
        rows(&small),
        expected[queries.len()],
        "the small query's rows"
    );

    let mut refused_for_memory = 0;
    for (i, task) in wide.into_iter().enumerate() {
        let a = tokio::time::timeout(Duration::from_secs(240), task)
            .await
            .unwrap_or_else(|_| panic!("wide query {i} hung"))
            .unwrap_or_else(|e| panic!("{e}"));
        let (q, expected) = (&queries[i % queries.len()], &expected[i % queries.len()]);
        report(&format!(
            "query {i}: {} in {:?} {}",
            a.status,
            a.took,
            a.body.get("error").cloned().unwrap_or_default()
        ));
        match a.status {
            200 => assert_eq!(&rows(&a), expected, "query {i} ({q}) answered other rows"),
            503 => {
                let message = a.body["error"].as_str().unwrap_or_default();
                assert!(!message.is_empty(), "503 without an error: {}", a.body);
                assert!(a.retry_after.is_some(), "503 without Retry-After");
                for internal in [
                    "DataFusion",
                    "Resources exhausted",
                    "allocate",
                    "Hash",
                    "Sort",
                ] {
                    assert!(!message.contains(internal), "{internal} shown: {message}");
                }
                refused_for_memory += usize::from(message.contains("memory"));
            }
            other => panic!("query {i} ({q}): {other} {}", a.body),
        }
        if i % queries.len() == queries.len() - 1 {
            // The narrow query fits in what is its own, whatever the others hold.
            assert_eq!(a.status, 200, "query {i} ({q}): {}", a.body);
        }
    }
    assert!(
        refused_for_memory > 0,
        "32 MiB cannot hold a 50,000-row join top-k: some query must be refused for memory"
    );

    // Once they are done, the server answers as before.
    let after = load(http.clone(), server.url(), someone_else, small_query).await;
    assert_eq!(after.status, 200, "{}", after.body);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_slots_go_to_waiting_tenants_in_turn() {
    // One slot: every query queues, so the order of service is visible.
    let server = start(DataFusionLimits {
        concurrency: 1,
        queue_timeout: Duration::from_secs(120),
        ..DataFusionLimits::default()
    })
    .await;
    let base = server.url();
    let http = reqwest::Client::new();
    let heavy = wide_queries().swap_remove(2);
    // Tenant a queues 6 heavy queries (from 6 users, under every cap)...
    let noisy: Vec<_> = (0..6)
        .map(|i| {
            let claims = json!({"sub": format!("a{i}"), "tenant_id": "a"});
            let (http, base, query) = (http.clone(), base.clone(), heavy.clone());
            tokio::spawn(async move {
                let answer = load(http, base, claims, query).await;
                (answer.status, Instant::now())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // ...then tenant b asks a small question.
    let small = json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"]});
    let b = load(
        http.clone(),
        base.clone(),
        json!({"sub": "b0", "tenant_id": "b"}),
        small,
    )
    .await;
    let b_done = Instant::now();
    assert_eq!(b.status, 200, "{:?}", b.body);
    let mut served_before_b = 0;
    for task in noisy {
        let (status, done) = task.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(status, 200);
        if done < b_done {
            served_before_b += 1;
        }
    }
    report(&format!(
        "arrow_memory: tenant b's small query waited {:.0} ms, behind {served_before_b} of \
         tenant a's 6 queued heavy queries",
        b.took.as_secs_f64() * 1e3
    ));
    // The slot running at b's arrival, and at most one handed over meanwhile.
    assert!(
        served_before_b <= 2,
        "tenant b waited behind {served_before_b} of tenant a's queries"
    );
    server.shutdown().await;
}
