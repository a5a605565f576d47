//! Hostile and malformed input: every bad request must get a 400 (403 for authentication) with
//! a JSON `{"error": ...}` body that names the problem; SQL injection through filter values must
//! be inert; broken model files must be refused with the file and line. Afterwards the server
//! must still be alive and answering.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// How a bad input is sent.
enum Req {
    /// `POST /cubejs-api/v1/load` with this raw body.
    Body(String),
    /// `POST /cubejs-api/v1/load` with `{"query": <query>}`.
    Query(Value),
    /// `GET` of this path (with its query string).
    Get(String),
    /// `POST <path>` with `{"query": <query>}` (other endpoints).
    PostTo(&'static str, Value),
    /// `POST /cubejs-api/v1/load` of a valid query with this `Authorization` header
    /// (`None`: no header).
    Auth(Option<String>),
}

struct Bad {
    name: String,
    req: Req,
    /// Accepted statuses.
    status: &'static [u16],
    /// The error message must contain one of these (case-insensitively).
    mentions: Vec<&'static str>,
}

const S400: &[u16] = &[400];
const S403: &[u16] = &[403];

fn bad(name: &str, req: Req, mentions: &[&'static str]) -> Bad {
    Bad {
        name: name.to_string(),
        req,
        status: S400,
        mentions: mentions.to_vec(),
    }
}

fn q(name: &str, query: Value, mentions: &[&'static str]) -> Bad {
    bad(name, Req::Query(query), mentions)
}

fn valid_query() -> Value {
    json!({"dimensions": ["Customers.customerName"], "order": {"Customers.customerName": "asc"}, "limit": 3})
}

/// A query on customer names with one filter.
fn filtered(filter: Value) -> Value {
    json!({"dimensions": ["Customers.customerName"], "filters": [filter]})
}

fn nested_filter(depth: usize) -> Value {
    let mut f = json!({"member": "Customers.customerName", "operator": "equals", "values": ["x"]});
    for i in 0..depth {
        let key = if i % 2 == 0 { "and" } else { "or" };
        f = json!({ key: [f] });
    }
    f
}

fn bad_inputs() -> Vec<Bad> {
    let valid = json!({"query": valid_query()}).to_string();
    let wrong_secret = sign_token("not-the-secret", &json!({"tenant": "t1"}));
    let expired = sign_token(API_SECRET, &json!({"tenant": "t1", "exp": 1_000_000_000}));
    // alg "none": header {"alg":"none","typ":"JWT"}, payload {"tenant":"t1"}, empty signature.
    let alg_none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ0ZW5hbnQiOiJ0MSJ9.".to_string();
    let huge = "x".repeat(3 * 1024 * 1024);
    let mut v = vec![
        // --- malformed bodies
        bad(
            "truncated JSON",
            Req::Body(valid[..valid.len() - 5].to_string()),
            &["json"],
        ),
        bad(
            "trailing garbage",
            Req::Body(format!("{valid} trailing")),
            &["json"],
        ),
        bad("empty body", Req::Body(String::new()), &["json", "query"]),
        bad(
            "body is an array",
            Req::Body("[1, 2, 3]".into()),
            &["object", "query"],
        ),
        bad(
            "body is a string",
            Req::Body("\"query\"".into()),
            &["object", "query"],
        ),
        bad("query missing", Req::Body("{}".into()), &["query"]),
        bad(
            "query is a number",
            Req::Body(r#"{"query": 5}"#.into()),
            &["query", "object"],
        ),
        bad(
            "query is a non-JSON string",
            Req::Body(r#"{"query": "x"}"#.into()),
            &["query", "json"],
        ),
        bad(
            "query is null",
            Req::Body(r#"{"query": null}"#.into()),
            &["query"],
        ),
        bad(
            "JSON nested 100000 deep",
            Req::Body("[".repeat(100_000)),
            &["json", "recursion", "depth"],
        ),
        Bad {
            name: "body larger than 2 MB".into(),
            req: Req::Query(filtered(
                json!({"member": "Customers.customerName", "operator": "equals", "values": [huge]}),
            )),
            status: &[400, 413],
            mentions: vec!["large", "limit", "size", "exceed"],
        },
        // --- members
        q(
            "unknown measure",
            json!({"measures": ["ECommerce.nope"]}),
            &["ECommerce.nope"],
        ),
        q(
            "unknown cube",
            json!({"dimensions": ["Nope.city"]}),
            &["Nope"],
        ),
        q(
            "cube without member",
            json!({"measures": ["ECommerce"]}),
            &["ECommerce"],
        ),
        q(
            "member path with three parts in dimensions",
            json!({"dimensions": ["ECommerce.city.month.x"]}),
            &["ECommerce.city.month.x"],
        ),
        q(
            "measure in dimensions",
            json!({"dimensions": ["ECommerce.totalSales"]}),
            &["ECommerce.totalSales"],
        ),
        q(
            "dimension in measures",
            json!({"measures": ["ECommerce.city"]}),
            &["ECommerce.city"],
        ),
        q(
            "hidden member",
            json!({"measures": ["ECommerce.hiddenSum"]}),
            &["hidden"],
        ),
        q(
            "unknown segment",
            json!({"dimensions": ["ECommerce.city"], "segments": ["ECommerce.nope"]}),
            &["ECommerce.nope"],
        ),
        q(
            "member name injection",
            json!({"dimensions": ["Customers.customerName; DROP TABLE x"]}),
            &["customerName; DROP TABLE x"],
        ),
        q(
            "member name injection in measures",
            json!({"measures": ["ECommerce.count) FROM ecommerce; --"]}),
            &["ECommerce.count) FROM ecommerce; --"],
        ),
        q("empty query", json!({}), &["measures", "dimensions"]),
        q(
            "measures not an array",
            json!({"measures": "ECommerce.count"}),
            &["measures"],
        ),
        q(
            "measure is a number",
            json!({"measures": [5]}),
            &["measures", "string"],
        ),
        q(
            "unknown top-level field",
            json!({"dimensions": ["ECommerce.city"], "fooBar": 1}),
            &["fooBar"],
        ),
        // --- filters
        q(
            "unknown filter operator",
            filtered(
                json!({"member": "Customers.customerName", "operator": "like", "values": ["a"]}),
            ),
            &["like"],
        ),
        q(
            "equals without values",
            filtered(json!({"member": "Customers.customerName", "operator": "equals"})),
            &["value"],
        ),
        q(
            "values not an array",
            filtered(
                json!({"member": "Customers.customerName", "operator": "equals", "values": "A"}),
            ),
            &["values"],
        ),
        q(
            "values hold an object",
            filtered(
                json!({"member": "Customers.customerName", "operator": "equals", "values": [{}]}),
            ),
            &["values", "string"],
        ),
        q(
            "filter on unknown member",
            filtered(json!({"member": "Customers.nope", "operator": "equals", "values": ["a"]})),
            &["Customers.nope"],
        ),
        q(
            "filter without member",
            filtered(json!({"operator": "equals", "values": ["a"]})),
            &["member"],
        ),
        q(
            "filters not an array",
            json!({"dimensions": ["Customers.customerName"], "filters": {"member": "Customers.customerName"}}),
            &["filters"],
        ),
        q("and is not an array", filtered(json!({"and": 5})), &["and"]),
        q(
            "inDateRange with one value",
            filtered(
                json!({"member": "ECommerce.orderDate", "operator": "inDateRange", "values": ["2020-01-01"]}),
            ),
            &["inDateRange", "values", "dateRange"],
        ),
        // --- limit / offset / order
        q(
            "negative limit",
            json!({"dimensions": ["ECommerce.city"], "limit": -1}),
            &["limit"],
        ),
        q(
            "limit above 50000",
            json!({"dimensions": ["ECommerce.city"], "limit": 50001}),
            &["limit"],
        ),
        q(
            "limit is a word",
            json!({"dimensions": ["ECommerce.city"], "limit": "ten"}),
            &["limit"],
        ),
        q(
            "negative offset",
            json!({"dimensions": ["ECommerce.city"], "offset": -5}),
            &["offset"],
        ),
        q(
            "bad order direction",
            json!({"dimensions": ["ECommerce.city"], "order": {"ECommerce.city": "sideways"}}),
            &["sideways"],
        ),
        q(
            "order by unknown member",
            json!({"dimensions": ["ECommerce.city"], "order": {"ECommerce.nope": "asc"}}),
            &["ECommerce.nope"],
        ),
        q(
            "order key injection",
            json!({"dimensions": ["ECommerce.city"], "order": {"ECommerce.city; DROP TABLE customers": "asc"}}),
            &["ECommerce.city; DROP TABLE customers"],
        ),
        q(
            "total is not a boolean",
            json!({"dimensions": ["ECommerce.city"], "total": "yes"}),
            &["total"],
        ),
        // --- time dimensions
        q(
            "bad granularity",
            json!({"measures": ["ECommerce.count"], "timeDimensions": [{"dimension": "ECommerce.orderDate", "granularity": "fortnight"}]}),
            &["fortnight"],
        ),
        q(
            "dateRange not a date",
            json!({"measures": ["ECommerce.count"], "timeDimensions": [{"dimension": "ECommerce.orderDate", "dateRange": "not a date"}]}),
            &["not a date"],
        ),
        q(
            "dateRange impossible date",
            json!({"measures": ["ECommerce.count"], "timeDimensions": [{"dimension": "ECommerce.orderDate", "dateRange": ["2020-13-45", "2020-12-31"]}]}),
            &["2020-13-45"],
        ),
        q(
            "dateRange with one element",
            json!({"measures": ["ECommerce.count"], "timeDimensions": [{"dimension": "ECommerce.orderDate", "dateRange": ["2020-01-01"]}]}),
            &["dateRange"],
        ),
        q(
            "dateRange is a number",
            json!({"measures": ["ECommerce.count"], "timeDimensions": [{"dimension": "ECommerce.orderDate", "dateRange": 5}]}),
            &["dateRange"],
        ),
        q(
            "time dimension is not a time",
            json!({"measures": ["ECommerce.count"], "timeDimensions": [{"dimension": "ECommerce.city", "granularity": "day"}]}),
            &["ECommerce.city"],
        ),
        q(
            "time dimension without dimension",
            json!({"measures": ["ECommerce.count"], "timeDimensions": [{"granularity": "day"}]}),
            &["dimension"],
        ),
        q(
            "bad timezone",
            json!({"measures": ["ECommerce.count"], "timezone": "Mars/Olympus"}),
            &["Mars/Olympus"],
        ),
        // --- GET and other endpoints
        bad(
            "GET query not JSON",
            Req::Get("/cubejs-api/v1/load?query=%7Bnot%20json".into()),
            &["json"],
        ),
        bad(
            "GET without query",
            Req::Get("/cubejs-api/v1/load".into()),
            &["query"],
        ),
        bad(
            "/sql with unknown member",
            Req::PostTo(
                "/cubejs-api/v1/sql",
                json!({"measures": ["ECommerce.nope"]}),
            ),
            &["ECommerce.nope"],
        ),
        bad(
            "/dry-run with unknown member",
            Req::PostTo(
                "/cubejs-api/v1/dry-run",
                json!({"measures": ["ECommerce.nope"]}),
            ),
            &["ECommerce.nope"],
        ),
    ];
    // --- authentication
    for (name, header, mention) in [
        (
            "no Authorization header",
            None,
            "Authorization header isn't set",
        ),
        (
            "garbage token",
            Some("garbage".to_string()),
            "Invalid token",
        ),
        (
            "Bearer garbage token",
            Some("Bearer garbage".to_string()),
            "Invalid token",
        ),
        (
            "token signed with another secret",
            Some(wrong_secret),
            "Invalid token",
        ),
        ("expired token", Some(expired), "Invalid token"),
        ("alg none token", Some(alg_none), "Invalid token"),
    ] {
        v.push(Bad {
            name: name.into(),
            req: Req::Auth(header),
            status: S403,
            mentions: vec![mention],
        });
    }
    v
}

async fn send(server: &TestServer, req: &Req) -> Resp {
    let load = "/cubejs-api/v1/load";
    match req {
        Req::Body(body) => {
            server
                .request(Method::POST, load, Some(body.clone()), Auth::Valid)
                .await
        }
        Req::Query(query) => server.post_load(query).await,
        Req::Get(path) => server.get(path).await,
        Req::PostTo(path, query) => {
            let body = json!({ "query": query }).to_string();
            server
                .request(Method::POST, path, Some(body), Auth::Valid)
                .await
        }
        Req::Auth(header) => {
            let body = Some(json!({"query": valid_query()}).to_string());
            let auth = header.as_deref().map_or(Auth::None, Auth::Header);
            server.request(Method::POST, load, body, auth).await
        }
    }
}

fn abbreviate(s: &str) -> String {
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}… ({} bytes)", &s[..i], s.len()),
        None => s.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_rejected_and_server_survives() {
    let server = start_server().await;
    let cases = bad_inputs();
    assert!(cases.len() >= 35, "only {} bad inputs", cases.len());
    let mut failures = Vec::new();
    let mut checks = cases.len();

    for case in &cases {
        let resp = send(&server, &case.req).await;
        let status_ok = case.status.contains(&resp.status);
        let message = resp.error_message().map(str::to_lowercase);
        let named = message
            .as_deref()
            .is_some_and(|m| case.mentions.iter().any(|w| m.contains(&w.to_lowercase())));
        if !(status_ok && named) {
            failures.push(format!(
                "{}: expected HTTP {:?} with {{\"error\"}} mentioning one of {:?}; got HTTP {}: {}",
                case.name,
                case.status,
                case.mentions,
                resp.status,
                abbreviate(&resp.text)
            ));
        }
    }

    // Deeply nested and/or filters: an answer (200 or a JSON 400), not a crash.
    checks += 1;
    let deep = server.post_load(&filtered(nested_filter(200))).await;
    let deep_ok = match deep.status {
        200 => deep.json.as_ref().is_some_and(|b| b.get("data").is_some()),
        400 => deep.error_message().is_some(),
        _ => false,
    };
    if !deep_ok {
        failures.push(format!(
            "filter nested 200 deep: HTTP {}: {}",
            deep.status,
            abbreviate(&deep.text)
        ));
    }

    // Injection through filter values: bound parameters, so 200 with no rows.
    for value in ["'; DROP TABLE customers; --", "\" OR 1=1 --", "' OR '1'='1"] {
        for op in ["equals", "contains", "startsWith"] {
            checks += 1;
            let query = filtered(
                json!({"member": "Customers.customerName", "operator": op, "values": [value]}),
            );
            let resp = server.post_load(&query).await;
            let rows = resp
                .json
                .as_ref()
                .and_then(|b| load_result(b).ok()?.get("data")?.as_array().cloned());
            if resp.status != 200 || rows.as_ref().is_none_or(|r| !r.is_empty()) {
                failures.push(format!(
                    "injection {op} {value:?}: expected HTTP 200 with no rows, got HTTP {}: {}",
                    resp.status,
                    abbreviate(&resp.text)
                ));
            }
        }
    }
    checks += 1;
    let db = pg_client(DB_NAME).await;
    match db.query_one("SELECT count(*) FROM customers", &[]).await {
        Ok(row) if row.get::<_, i64>(0) == 41 => {}
        other => failures.push(format!(
            "customers table damaged after injection attempts: {other:?}"
        )),
    }

    // Bearer prefix with the valid token works.
    checks += 1;
    let bearer = format!("Bearer {}", server.token);
    let body = Some(json!({"query": valid_query()}).to_string());
    let resp = server
        .request(
            Method::POST,
            "/cubejs-api/v1/load",
            body,
            Auth::Header(&bearer),
        )
        .await;
    if resp.status != 200 {
        failures.push(format!(
            "Bearer token: HTTP {}: {}",
            resp.status,
            abbreviate(&resp.text)
        ));
    }

    // Still alive and correct.
    checks += 2;
    let live = server
        .request(Method::GET, "/livez", None, Auth::None)
        .await;
    if live.status != 200 {
        failures.push(format!("/livez after bad input: HTTP {}", live.status));
    }
    let resp = server.post_load(&valid_query()).await;
    let expected = [
        json!({"Customers.customerName": "Customer 1"}),
        json!({"Customers.customerName": "Customer 10"}),
        json!({"Customers.customerName": "Customer 11"}),
    ];
    if resp.status != 200 {
        failures.push(format!(
            "valid query after bad input: HTTP {}: {}",
            resp.status,
            abbreviate(&resp.text)
        ));
    } else if let Err(r) = compare_rows(&expected, &data_rows(&resp.body()), true) {
        failures.push(format!("valid query after bad input: {r}"));
    }
    server.shutdown().await;

    for f in &failures {
        report(&format!("FAIL {f}"));
    }
    report(&format!(
        "bad_input: {} passed, {} failed",
        checks - failures.len(),
        failures.len()
    ));
    assert!(
        failures.is_empty(),
        "{} bad-input check(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Broken model files.

/// A scratch directory removed on drop.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("strata-bad-model-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creating a scratch dir");
        ScratchDir(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A broken model: files to write, and where the error must point.
struct BrokenModel {
    tag: &'static str,
    files: &'static [(&'static str, &'static str)],
    /// The file the error must name.
    file: &'static str,
    /// The line (1-based) must fall in this inclusive range.
    lines: (usize, usize),
    /// The message must contain this.
    mentions: &'static str,
}

const GOOD_CUBE: &str = "cubes:
  - name: Orders
    sql_table: orders
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
    measures:
      - name: count
        type: count
";

const BROKEN_MODELS: &[BrokenModel] = &[
    BrokenModel {
        tag: "yaml-syntax",
        files: &[("orders.yml", "cubes:\n  - name: Orders\n    sql_table: orders\n    dimensions: [ {name: id, sql: id: 1} ]\n")],
        file: "orders.yml",
        lines: (4, 4),
        mentions: "",
    },
    BrokenModel {
        tag: "yaml-indent",
        files: &[("orders.yml", "cubes:\n  - name: Orders\n    sql_table: orders\n    measures:\n      - name: count\n        type: count\n     - name: broken\n")],
        file: "orders.yml",
        lines: (6, 7),
        mentions: "",
    },
    BrokenModel {
        tag: "unknown-measure-type",
        files: &[("good.yml", GOOD_CUBE), ("items.yml", "cubes:\n  - name: Items\n    sql_table: items\n    measures:\n      - name: total\n        sql: amount\n        type: sumx\n")],
        file: "items.yml",
        lines: (5, 7),
        mentions: "sumx",
    },
    BrokenModel {
        tag: "unknown-reference",
        files: &[("items.yml", "cubes:\n  - name: Items\n    sql_table: items\n    dimensions:\n      - name: id\n        sql: id\n        type: number\n        primary_key: true\n      - name: double\n        sql: \"{CUBE.nope} * 2\"\n        type: number\n")],
        file: "items.yml",
        lines: (9, 10),
        mentions: "nope",
    },
    BrokenModel {
        tag: "join-to-unknown-cube",
        files: &[("good.yml", GOOD_CUBE), ("items.yml", "cubes:\n  - name: Items\n    sql_table: items\n    joins:\n      - name: Ghost\n        relationship: many_to_one\n        sql: \"{CUBE}.ghost_id = {Ghost}.id\"\n    measures:\n      - name: count\n        type: count\n")],
        file: "items.yml",
        lines: (5, 7),
        mentions: "Ghost",
    },
    BrokenModel {
        tag: "duplicate-member",
        files: &[("items.yml", "cubes:\n  - name: Items\n    sql_table: items\n    measures:\n      - name: count\n        type: count\n      - name: count\n        type: count\n")],
        file: "items.yml",
        lines: (7, 7),
        mentions: "count",
    },
    BrokenModel {
        tag: "cube-without-sql",
        files: &[("items.yml", "cubes:\n  - name: Items\n    measures:\n      - name: count\n        type: count\n")],
        file: "items.yml",
        lines: (2, 2),
        mentions: "Items",
    },
    BrokenModel {
        tag: "cubes-not-a-list",
        files: &[("items.yml", "# a comment\ncubes: 5\n")],
        file: "items.yml",
        lines: (2, 2),
        mentions: "cubes",
    },
];

fn check_broken_model(m: &BrokenModel, dir: &Path) -> Result<(), String> {
    for (name, text) in m.files {
        std::fs::write(dir.join(name), text).expect("writing a model file");
    }
    let errors = match strata_schema::load_dir(dir) {
        Ok(_) => return Err("load_dir accepted the model".into()),
        Err(e) => e,
    };
    let shown = errors.to_string();
    let hit = errors.0.iter().any(|e| {
        e.file.file_name().is_some_and(|f| f == m.file)
            && e.line.is_some_and(|l| (m.lines.0..=m.lines.1).contains(&l))
            && e.to_string().contains(m.mentions)
    });
    if !hit {
        return Err(format!(
            "no error in {} at line {}..={} mentioning {:?}; got:\n{shown}",
            m.file, m.lines.0, m.lines.1, m.mentions
        ));
    }
    // The rendered message names file and line too (what an operator reads).
    if !shown.contains(m.file) {
        return Err(format!("rendered errors do not name {}: {shown}", m.file));
    }
    Ok(())
}

#[test]
fn broken_model_files_are_refused_with_file_and_line() {
    let mut failures = Vec::new();
    for m in BROKEN_MODELS {
        let dir = ScratchDir::new(m.tag);
        if let Err(e) = check_broken_model(m, &dir.0) {
            failures.push(format!("{}: {e}", m.tag));
        }
    }
    for f in &failures {
        report(&format!("FAIL {f}"));
    }
    assert!(
        failures.is_empty(),
        "broken models:\n{}",
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_refuses_to_start_on_a_broken_model() {
    let dir = ScratchDir::new("server");
    std::fs::write(dir.0.join("items.yml"), BROKEN_MODELS[2].files[1].1).unwrap();
    let config = strata_server::ServerConfig {
        models_dir: dir.0.clone(),
        listen: "127.0.0.1:0".parse().unwrap(),
        api_secret: Some(API_SECRET.to_string()),
        dev_mode: false,
        db: None,
        engine: Default::default(),
        ..Default::default()
    };
    match strata_server::start(config).await {
        Ok(running) => {
            running.shutdown().await;
            panic!("strata_server::start accepted a model with an unknown measure type");
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains("items.yml") && msg.contains("sumx"),
                "start error should name items.yml and the bad type: {msg}"
            );
        }
    }
}
