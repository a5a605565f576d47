//! The hardening fixture (`hardening` and `hardening_load`): a PostgreSQL database per caller
//! (each module names its own) holding
//!
//! * `public`: tenants `a` and `b` (four orders each) and orphan rows whose
//!   tenant is NULL or `''`, which no caller may ever see;
//! * `tenant_c`, `tenant_globex`: tenants with a schema each (tenant
//!   routing and `COMPILE_CONTEXT` models);
//!
//! a model written per test into a fresh directory, and an HTTP client ([`Api`]).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use strata_server::ServerConfig;

pub use super::api::{Api, Reply};
use super::{pg_client, sign_token};

/// The API secret of the fixture's servers.
pub const SECRET: &str = "hardening-secret";

/// Orders of one schema: `(id, tenant, amount)`.
fn orders(rows: &[(i64, Option<&str>, i64)]) -> String {
    rows.iter()
        .map(|(id, tenant, amount)| {
            let tenant = tenant.map_or("NULL".to_string(), |t| format!("'{t}'"));
            format!(
                "({id}, {tenant}, 'completed', {amount}, timestamp '2024-03-0{} 10:00')",
                1 + id % 9
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Drops and re-creates database `db` with the fixture's schemas.
pub async fn setup(db: &str) {
    let admin = pg_client("postgres").await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .await
        .expect("drop the hardening database");
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .await
        .expect("create the hardening database");
    let client = pg_client(db).await;
    let mut sql = String::new();
    for (schema, rows) in [
        (
            "public",
            orders(&[
                (1, Some("a"), 10),
                (2, Some("a"), 20),
                (3, Some("a"), 30),
                (4, Some("a"), 40),
                (5, Some("b"), 100),
                (6, Some("b"), 200),
                (7, Some("b"), 300),
                (8, Some("b"), 400),
                (90, None, 9_000),
                (91, Some(""), 9_100),
            ]),
        ),
        (
            "tenant_c",
            orders(&[(11, Some("c"), 1), (12, Some("c"), 2)]),
        ),
        ("tenant_globex", orders(&[(21, Some("globex"), 7)])),
    ] {
        if schema != "public" {
            sql.push_str(&format!("CREATE SCHEMA {schema};"));
        }
        sql.push_str(&format!(
            "CREATE TABLE {schema}.orders (id bigint primary key, tenant_id text, status text, \
             amount numeric(10,2), created_at timestamp);
             INSERT INTO {schema}.orders VALUES {rows};"
        ));
    }
    client
        .batch_execute(&sql)
        .await
        .expect("load the hardening dataset");
}

/// The orders cube: rows kept to the caller's tenant, all rows for callers
/// whose `is_admin` claim is JSON `true`.
pub const ORDERS_MODEL: &str = r#"
cubes:
  - name: Orders
    sql_table: orders
    access_policy:
      - group: "*"
        row_level:
          filters:
            - member: tenant_id
              operator: equals
              values: ["{ securityContext.tenant_id }"]
      - group: "*"
        conditions:
          - if: "{ securityContext.is_admin }"
        row_level:
          allow_all: true
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: tenant_id, sql: tenant_id, type: string}
      - {name: status, sql: status, type: string}
      - {name: amount, sql: amount, type: number}
      - {name: created_at, sql: created_at, type: time}
    measures:
      - {name: count, type: count}
      - {name: total, sql: amount, type: sum}
"#;

/// A fresh model directory holding `files` (name, text).
pub fn model_dir(tag: &str, files: &[(&str, &str)]) -> PathBuf {
    // `hardening` and `hardening_load` share this process and some tags: the counter keeps
    // every directory distinct.
    static DIRS: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "strata-hardening-{tag}-{}-{}",
        std::process::id(),
        DIRS.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("model dir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("model file");
    }
    dir
}

/// A server configuration on database `db` with `models`.
pub fn config(db: &str, models: PathBuf) -> ServerConfig {
    ServerConfig {
        models_dir: models,
        listen: "127.0.0.1:0".parse().expect("address"),
        api_secret: Some(SECRET.into()),
        db: Some(strata::PgConfig {
            dbname: db.into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A token over `claims`, signed with [`SECRET`].
pub fn token(claims: Value) -> String {
    sign_token(SECRET, &claims)
}

/// Every row of a `/load` answer.
pub fn rows(reply: &Reply) -> Vec<Value> {
    reply.body["data"].as_array().cloned().unwrap_or_default()
}

/// The tenants whose rows a `/load` answer grouped by `Orders.tenant_id` holds.
pub fn tenants_seen(reply: &Reply) -> Vec<Value> {
    let mut seen: Vec<Value> = rows(reply)
        .iter()
        .map(|r| r["Orders.tenant_id"].clone())
        .collect();
    seen.sort_by_key(Value::to_string);
    seen
}

/// Connections Strata holds to database `db` now.
pub async fn strata_connections(db: &str) -> i64 {
    let admin = pg_client("postgres").await;
    admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'strata'",
            &[&db],
        )
        .await
        .expect("count connections")
        .get(0)
}
