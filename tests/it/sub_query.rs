//! `sub_query: true` dimensions (Cube's subquery dimensions): a measure of a
//! joined cube computed per row of the dimension's cube, then used as any
//! dimension: selected, filtered, ordered, grouped by and aggregated by a
//! measure of its own cube. Every answer is checked against values computed
//! by hand or by a plain correlated-subquery SQL oracle on PostgreSQL, and
//! PostgreSQL and DataFusion (the same rows from CSV files) must agree.
//! Row-level access policies of the measure's cube apply inside the
//! subquery: line items of tenant `b` hang on orders of tenant `a`, and
//! tenant `a` must never see them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use strata_server::{EngineSettings, RunningServer, ServerConfig};

use crate::common::{pg_client, sign_token};

const DB: &str = "strata_sub_query";
const SECRET: &str = "sub-query-secret";

/// Orders: id, tenant, customer, status. Order 4 has no line items.
const ORDERS: &[(i64, &str, &str, &str)] = &[
    (1, "a", "ann", "paid"),
    (2, "a", "ann", "open"),
    (3, "a", "bob", "paid"),
    (4, "a", "cyd", "open"),
    (5, "b", "dan", "paid"),
    (6, "b", "eve", "open"),
];

/// Line items: id, tenant, order, product, qty, price. Items 16 and 19 are
/// tenant `b`'s but point at orders of tenant `a`.
const ITEMS: &[(i64, &str, i64, &str, i64, f64)] = &[
    (10, "a", 1, "pen", 2, 1.5),
    (11, "a", 1, "ink", 1, 10.0),
    (12, "a", 2, "pen", 4, 1.5),
    (13, "a", 2, "pad", 3, 40.0),
    (14, "a", 2, "ink", 2, 10.0),
    (15, "a", 3, "pad", 5, 40.0),
    (16, "b", 1, "gold", 5, 100.0),
    (17, "b", 5, "pen", 10, 1.5),
    (18, "b", 6, "pad", 1, 40.0),
    (19, "b", 3, "gold", 1, 100.0),
];

const MODEL: &str = r#"
cubes:
  - name: Orders
    sql_table: orders
    joins:
      - name: LineItems
        relationship: one_to_many
        sql: "{CUBE}.id = {LineItems}.order_id"
    access_policy:
      - group: "*"
        row_level:
          filters:
            - member: tenant_id
              operator: equals
              values: ["{ securityContext.tenant_id }"]
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true, public: true}
      - {name: tenant_id, sql: tenant_id, type: string}
      - {name: customer, sql: customer, type: string}
      - {name: status, sql: status, type: string}
      - name: items_total
        sql: "{LineItems.revenue}"
        type: number
        sub_query: true
      - name: items_count
        sql: "{LineItems.count}"
        type: number
        sub_query: true
      - name: filtered_items_total
        sql: "{LineItems.revenue}"
        type: number
        sub_query: true
        propagate_filters_to_sub_query: true
    measures:
      - {name: count, type: count}
      - {name: avg_items_total, sql: "{items_total}", type: avg}
      - {name: sum_items_total, sql: "{items_total}", type: sum}

  - name: LineItems
    sql_table: line_items
    access_policy:
      - group: "*"
        row_level:
          filters:
            - member: tenant_id
              operator: equals
              values: ["{ securityContext.tenant_id }"]
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true, public: true}
      - {name: tenant_id, sql: tenant_id, type: string}
      - {name: product, sql: product, type: string}
    measures:
      - {name: count, type: count}
      - {name: revenue, sql: "qty * price", type: sum}
"#;

/// The same order's items, for tenant `$1`, as a correlated subquery.
const ITEMS_TOTAL: &str = "(SELECT sum(li.qty * li.price) FROM line_items li \
     WHERE li.order_id = o.id AND li.tenant_id = $1)";
const ITEMS_COUNT: &str =
    "(SELECT count(*) FROM line_items li WHERE li.order_id = o.id AND li.tenant_id = $1)";

static SETUP: tokio::sync::OnceCell<PathBuf> = tokio::sync::OnceCell::const_new();

/// Loads the rows into PostgreSQL and CSV files and writes the model, once
/// per process; returns the directory holding `model/`, the CSV files and
/// `sources.yml`.
async fn setup() -> &'static Path {
    SETUP.get_or_init(load).await
}

async fn load() -> PathBuf {
    let admin = pg_client("postgres").await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        .await
        .unwrap_or_else(|e| panic!("drop {DB}: {e}"));
    admin
        .batch_execute(&format!("CREATE DATABASE {DB}"))
        .await
        .unwrap_or_else(|e| panic!("create {DB}: {e}"));
    let orders: Vec<String> = ORDERS
        .iter()
        .map(|(id, t, c, s)| format!("({id}, '{t}', '{c}', '{s}')"))
        .collect();
    let items: Vec<String> = ITEMS
        .iter()
        .map(|(id, t, o, p, q, pr)| format!("({id}, '{t}', {o}, '{p}', {q}, {pr:.2})"))
        .collect();
    pg_client(DB)
        .await
        .batch_execute(&format!(
            "CREATE TABLE orders (id bigint primary key, tenant_id text, customer text, status text);
             CREATE TABLE line_items (id bigint primary key, tenant_id text, order_id bigint,
                                      product text, qty int, price numeric(10,2));
             INSERT INTO orders VALUES {};
             INSERT INTO line_items VALUES {};",
            orders.join(", "),
            items.join(", ")
        ))
        .await
        .unwrap_or_else(|e| panic!("loading {DB}: {e}"));

    let dir = std::env::temp_dir().join(format!("strata-sub-query-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("model")).unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("writing {name}: {e}"))
    };
    write("model/shop.yml", MODEL.to_string());
    let mut csv = String::from("id,tenant_id,customer,status\n");
    for (id, t, c, s) in ORDERS {
        csv.push_str(&format!("{id},{t},{c},{s}\n"));
    }
    write("orders.csv", csv);
    let mut csv = String::from("id,tenant_id,order_id,product,qty,price\n");
    for (id, t, o, p, q, pr) in ITEMS {
        csv.push_str(&format!("{id},{t},{o},{p},{q},{pr:.2}\n"));
    }
    write("line_items.csv", csv);
    write(
        "sources.yml",
        "data_sources:\n  default:\n    tables:\n      orders: orders.csv\n      line_items: line_items.csv\n"
            .to_string(),
    );
    dir
}

/// The model served from PostgreSQL and, by a second server, from the CSV
/// files through DataFusion.
struct Servers {
    postgres: RunningServer,
    datafusion: RunningServer,
    http: reqwest::Client,
}

impl Servers {
    async fn start() -> Servers {
        let dir = setup().await;
        let config = |db: bool| ServerConfig {
            models_dir: dir.join("model"),
            listen: "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
            api_secret: Some(SECRET.into()),
            db: db.then(|| strata::PgConfig {
                dbname: DB.into(),
                ..Default::default()
            }),
            engine: EngineSettings {
                data_sources: (!db).then(|| dir.join("sources.yml")),
                ..EngineSettings::default()
            },
            ..Default::default()
        };
        let start = |c| async move {
            strata_server::start(c)
                .await
                .unwrap_or_else(|e| panic!("server start: {e}"))
        };
        Servers {
            postgres: start(config(true)).await,
            datafusion: start(config(false)).await,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap_or_else(|e| panic!("{e}")),
        }
    }

    async fn shutdown(self) {
        self.postgres.shutdown().await;
        self.datafusion.shutdown().await;
    }

    async fn load(&self, server: &RunningServer, tenant: &str, query: &Value) -> (u16, Value) {
        let token = sign_token(SECRET, &json!({ "tenant_id": tenant }));
        let url = format!("{}/cubejs-api/v1/load", server.url().trim_end_matches('/'));
        let resp = self
            .http
            .post(&url)
            .header("Authorization", token)
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The rows `tenant` gets for `query`, as normalized values in the order
    /// of `columns`; PostgreSQL and DataFusion must both answer, alike.
    async fn rows(
        &self,
        tenant: &str,
        query: &Value,
        columns: &[&str],
    ) -> Vec<Vec<Option<String>>> {
        let mut answers = Vec::new();
        for (name, server) in [
            ("postgres", &self.postgres),
            ("datafusion", &self.datafusion),
        ] {
            let (status, body) = self.load(server, tenant, query).await;
            assert_eq!(status, 200, "{name} answers {query}: {body}");
            let data = body["data"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: no data in {body}"));
            let rows: Vec<Vec<Option<String>>> = data
                .iter()
                .map(|r| columns.iter().map(|c| normalize(&r[*c])).collect())
                .collect();
            answers.push(rows);
        }
        assert_eq!(
            answers[0], answers[1],
            "PostgreSQL and DataFusion differ on {query}"
        );
        answers.swap_remove(0)
    }
}

/// A value as text, numbers with two decimals (PostgreSQL numerics come as
/// text, DataFusion floats as JSON numbers).
fn normalize(v: &Value) -> Option<String> {
    let text = match v {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(match text.parse::<f64>() {
        Ok(x) => format!("{x:.2}"),
        Err(_) => text,
    })
}

/// The rows of a plain SQL query on PostgreSQL for tenant `$1` (one of the
/// fixture's constant names), normalized.
async fn oracle(sql: &str, tenant: &str) -> Vec<Vec<Option<String>>> {
    assert!(tenant.chars().all(|c| c.is_ascii_lowercase()));
    let sql = sql.replace("$1", &format!("'{tenant}'"));
    pg_client(DB)
        .await
        .simple_query(&sql)
        .await
        .unwrap_or_else(|e| panic!("oracle {sql}: {e}"))
        .iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => Some(
                (0..r.len())
                    .map(|i| r.get(i).and_then(|v| normalize(&Value::String(v.into()))))
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

fn row(values: &[Option<&str>]) -> Vec<Option<String>> {
    values.iter().map(|v| v.map(str::to_string)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_query_dimensions_are_computed_per_row_of_their_cube() {
    let s = Servers::start().await;
    let query = json!({
        "dimensions": ["Orders.id", "Orders.items_total", "Orders.items_count"],
        "order": {"Orders.id": "asc"}
    });
    let got = s
        .rows(
            "a",
            &query,
            &["Orders.id", "Orders.items_total", "Orders.items_count"],
        )
        .await;
    // By hand: order 1 = 2 x 1.50 + 1 x 10; order 2 = 4 x 1.50 + 3 x 40 + 2 x 10;
    // order 3 = 5 x 40; order 4 has no items (no sum, a count of 0).
    assert_eq!(
        got,
        [
            row(&[Some("1.00"), Some("13.00"), Some("2.00")]),
            row(&[Some("2.00"), Some("146.00"), Some("3.00")]),
            row(&[Some("3.00"), Some("200.00"), Some("1.00")]),
            row(&[Some("4.00"), None, Some("0.00")]),
        ]
    );
    let expected = oracle(
        &format!(
            "SELECT o.id, {ITEMS_TOTAL} AS total, {ITEMS_COUNT} AS n FROM orders o \
             WHERE o.tenant_id = $1 ORDER BY o.id"
        ),
        "a",
    )
    .await;
    assert_eq!(got, expected);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_query_dimensions_filter_order_group_and_feed_measures() {
    let s = Servers::start().await;
    // A measure of its own cube over the dimension, by another dimension.
    let got = s
        .rows(
            "a",
            &json!({
                "dimensions": ["Orders.status"],
                "measures": ["Orders.avg_items_total", "Orders.sum_items_total", "Orders.count"],
                "order": {"Orders.status": "asc"}
            }),
            &[
                "Orders.status",
                "Orders.avg_items_total",
                "Orders.sum_items_total",
                "Orders.count",
            ],
        )
        .await;
    // open: orders 2 (146) and 4 (none); paid: orders 1 (13) and 3 (200).
    assert_eq!(
        got,
        [
            row(&[Some("open"), Some("146.00"), Some("146.00"), Some("2.00")]),
            row(&[Some("paid"), Some("106.50"), Some("213.00"), Some("2.00")]),
        ]
    );
    let expected = oracle(
        &format!(
            "SELECT status, avg(total), sum(total), count(*) FROM \
             (SELECT o.status, {ITEMS_TOTAL} AS total FROM orders o WHERE o.tenant_id = $1) t \
             GROUP BY status ORDER BY status"
        ),
        "a",
    )
    .await;
    assert_eq!(got, expected);

    // Beside a measure of the joined cube, whose rows repeat the orders: the
    // measure over the sub_query dimension still counts each order once.
    let got = s
        .rows(
            "a",
            &json!({
                "dimensions": ["Orders.status"],
                "measures": ["Orders.sum_items_total", "LineItems.count"],
                "order": {"Orders.status": "asc"}
            }),
            &["Orders.status", "Orders.sum_items_total", "LineItems.count"],
        )
        .await;
    assert_eq!(
        got,
        [
            row(&[Some("open"), Some("146.00"), Some("3.00")]),
            row(&[Some("paid"), Some("213.00"), Some("3.00")]),
        ]
    );

    // Filtered on its value, ordered by it.
    let got = s
        .rows(
            "a",
            &json!({
                "dimensions": ["Orders.id", "Orders.items_total"],
                "filters": [{"member": "Orders.items_total", "operator": "gt", "values": ["100"]}],
                "order": {"Orders.items_total": "desc"}
            }),
            &["Orders.id", "Orders.items_total"],
        )
        .await;
    assert_eq!(
        got,
        [
            row(&[Some("3.00"), Some("200.00")]),
            row(&[Some("2.00"), Some("146.00")]),
        ]
    );
    let expected = oracle(
        &format!(
            "SELECT id, total FROM (SELECT o.id, {ITEMS_TOTAL} AS total FROM orders o \
             WHERE o.tenant_id = $1) t WHERE total > 100 ORDER BY total DESC"
        ),
        "a",
    )
    .await;
    assert_eq!(got, expected);

    // Grouped by it, with a measure filter of another member and a limit.
    let got = s
        .rows(
            "a",
            &json!({
                "dimensions": ["Orders.items_count"],
                "measures": ["Orders.count"],
                "filters": [{"member": "Orders.items_count", "operator": "lt", "values": ["3"]}],
                "order": {"Orders.items_count": "asc"},
                "limit": 2
            }),
            &["Orders.items_count", "Orders.count"],
        )
        .await;
    assert_eq!(
        got,
        [
            row(&[Some("0.00"), Some("1.00")]),
            row(&[Some("1.00"), Some("1.00")]),
        ]
    );
    let expected = oracle(
        &format!(
            "SELECT n, count(*) FROM (SELECT {ITEMS_COUNT} AS n FROM orders o \
             WHERE o.tenant_id = $1) t WHERE n < 3 GROUP BY n ORDER BY n LIMIT 2"
        ),
        "a",
    )
    .await;
    assert_eq!(got, expected);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn row_rules_of_the_measures_cube_apply_inside_the_sub_query() {
    let s = Servers::start().await;
    let query = json!({
        "dimensions": ["Orders.id", "Orders.items_total", "Orders.items_count"],
        "order": {"Orders.id": "asc"}
    });
    let columns = ["Orders.id", "Orders.items_total", "Orders.items_count"];
    // Tenant b's gold items on orders 1 (500) and 3 (100) are not tenant a's.
    let a = s.rows("a", &query, &columns).await;
    assert_eq!(a[0], row(&[Some("1.00"), Some("13.00"), Some("2.00")]));
    assert_eq!(a[2], row(&[Some("3.00"), Some("200.00"), Some("1.00")]));
    let b = s.rows("b", &query, &columns).await;
    assert_eq!(
        b,
        [
            row(&[Some("5.00"), Some("15.00"), Some("1.00")]),
            row(&[Some("6.00"), Some("40.00"), Some("1.00")]),
        ]
    );
    let expected = oracle(
        &format!(
            "SELECT o.id, {ITEMS_TOTAL} AS total, {ITEMS_COUNT} AS n FROM orders o \
             WHERE o.tenant_id = $1 ORDER BY o.id"
        ),
        "b",
    )
    .await;
    assert_eq!(b, expected);
    // Not even filtering on the value reaches the other tenant's rows.
    let got = s
        .rows(
            "a",
            &json!({
                "measures": ["Orders.count", "Orders.sum_items_total"],
                "filters": [{"member": "Orders.items_total", "operator": "gte", "values": ["300"]}]
            }),
            &["Orders.count", "Orders.sum_items_total"],
        )
        .await;
    assert_eq!(got, [row(&[Some("0.00"), None])]);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn propagated_filters_apply_inside_the_sub_query() {
    let s = Servers::start().await;
    let got = s
        .rows(
            "a",
            &json!({
                "dimensions": ["Orders.id", "Orders.filtered_items_total", "Orders.items_total"],
                "filters": [{"member": "LineItems.product", "operator": "equals", "values": ["pen"]}],
                "order": {"Orders.id": "asc"}
            }),
            &["Orders.id", "Orders.filtered_items_total", "Orders.items_total"],
        )
        .await;
    // Orders with a pen: the propagated total counts pens only, the other all items.
    assert_eq!(
        got,
        [
            row(&[Some("1.00"), Some("3.00"), Some("13.00")]),
            row(&[Some("2.00"), Some("6.00"), Some("146.00")]),
        ]
    );
    s.shutdown().await;
}

#[test]
fn a_sub_query_dimension_without_a_joined_measure_is_a_model_error() {
    let bad = MODEL.replace(
        "      - name: items_count\n        sql: \"{LineItems.count}\"",
        "      - name: items_count\n        sql: \"{Orders.count}\"",
    );
    assert_ne!(bad, MODEL);
    let err = strata::load_files(&[(PathBuf::from("shop.yml"), bad.clone())])
        .expect_err("a sub_query dimension over its own cube's measure");
    let line = bad
        .lines()
        .position(|l| l.contains("name: items_count"))
        .map(|i| i + 1)
        .unwrap_or_default();
    let text = err.to_string();
    assert!(
        text.contains(&format!("shop.yml:{line}: Orders.items_count: ")),
        "{text}"
    );
    assert!(text.contains("a measure of its own cube"), "{text}");
}
