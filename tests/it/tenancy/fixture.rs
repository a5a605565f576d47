//! The tenant-isolation fixture: one PostgreSQL database holding
//!
//! * `public`: tenants `a` and `b` side by side (isolated by row rules), with
//!   cross-tenant foreign keys (orders of `b` pointing at users of `a`) so
//!   that joins are a way to try to reach another tenant's rows;
//! * `only_a`, `only_b`: each tenant's rows alone, the oracle: whatever tenant
//!   `a` is answered on `public` must equal what the same query, under the
//!   same policies, answers on `only_a`, where no other tenant's row exists;
//! * `tenant_c`, `tenant_d`: tenants with a schema each (tenant routing).

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Value};
use strata::engine::{AccessContext, AccessGrant};
use strata::{Engine, LoadOptions, PgConfig, PostgresExecutor};

use crate::common::pg_client;

/// The database of the fixture.
pub const DB: &str = "strata_tenancy";

/// The model directory.
pub fn model_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tenancy/model")
}

/// The per-tenant (`COMPILE_CONTEXT`) model: each tenant's orders in schema
/// `tenant_<tenant_id>`, with a row rule and a member hidden from viewers.
pub fn compile_context_model_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tenancy/compile_context")
}

struct Rows {
    users: Vec<String>,
    orders: Vec<String>,
    items: Vec<String>,
}

/// Deterministic rows of one tenant; ids are offset so tenants never share one.
fn tenant_rows(tenant: &str, offset: i64, foreign_users: &[i64]) -> Rows {
    let countries = ["DE", "FR", "US", "JP"];
    let statuses = ["completed", "shipped", "cancelled"];
    let products = ["anvil", "rope", "rocket"];
    let users = (0..6)
        .map(|i| {
            let id = offset + i;
            format!(
                "({id}, '{tenant}', 'user {tenant}{i}', '{tenant}{i}@example.com', '{}')",
                countries[(i as usize + offset as usize) % countries.len()]
            )
        })
        .collect();
    let mut orders = Vec::new();
    let mut items = Vec::new();
    for i in 0..24 {
        let id = offset + i;
        // The last orders point at another tenant's users when asked to.
        let user = if i >= 20 {
            foreign_users
                .get((i - 20) as usize)
                .copied()
                .unwrap_or(offset + i % 6)
        } else {
            offset + i % 6
        };
        let amount = (offset + i * 7) % 90 + 10;
        orders.push(format!(
            "({id}, '{tenant}', {user}, '{}', {amount}.50, timestamp '2024-0{}-{:02} 10:00:00')",
            statuses[(i as usize) % 3],
            1 + i % 6,
            1 + (i * 3) % 27
        ));
        for k in 0..2 {
            items.push(format!(
                "({}, '{tenant}', {id}, '{}', {}, {}.25)",
                id * 10 + k,
                products[((i + k) as usize) % 3],
                1 + (i + k) % 4,
                5 + (offset + i + k) % 20
            ));
        }
    }
    Rows {
        users,
        orders,
        items,
    }
}

fn create_tables(schema: &str, rows: &[&Rows]) -> String {
    let join = |f: fn(&Rows) -> &Vec<String>| -> String {
        rows.iter()
            .flat_map(|r| f(r).iter().cloned())
            .collect::<Vec<_>>()
            .join(",\n")
    };
    format!(
        "CREATE SCHEMA {schema};
         CREATE TABLE {schema}.users (id bigint primary key, tenant_id text, name text, email text, country text);
         CREATE TABLE {schema}.orders (id bigint primary key, tenant_id text, user_id bigint, status text, amount numeric(10,2), created_at timestamp);
         CREATE TABLE {schema}.line_items (id bigint primary key, tenant_id text, order_id bigint, product text, qty int, price numeric(10,2));
         INSERT INTO {schema}.users VALUES {};
         INSERT INTO {schema}.orders VALUES {};
         INSERT INTO {schema}.line_items VALUES {};",
        join(|r| &r.users),
        join(|r| &r.orders),
        join(|r| &r.items)
    )
}

static SETUP: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

/// Re-creates the database with all five schemas, once per test process.
pub async fn setup_once() {
    SETUP.get_or_init(setup).await;
}

async fn setup() {
    let admin = pg_client("postgres").await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        .await
        .expect("drop the tenancy database");
    admin
        .batch_execute(&format!("CREATE DATABASE {DB}"))
        .await
        .expect("create the tenancy database");
    let db = pg_client(DB).await;
    // Tenant b's last orders belong to users of tenant a.
    let a = tenant_rows("a", 1_000, &[]);
    let b = tenant_rows("b", 2_000, &[1_000, 1_001, 1_002, 1_003]);
    let c = tenant_rows("c", 3_000, &[]);
    let d = tenant_rows("d", 4_000, &[]);
    let mut sql = String::from("DROP SCHEMA public CASCADE;");
    sql.push_str(&create_tables("public", &[&a, &b]));
    sql.push_str(&create_tables("only_a", &[&a]));
    sql.push_str(&create_tables("only_b", &[&b]));
    sql.push_str(&create_tables("tenant_c", &[&c]));
    sql.push_str(&create_tables("tenant_d", &[&d]));
    db.batch_execute(&sql)
        .await
        .expect("load the tenancy dataset");
}

/// A tenant's oracle: the engine over a schema holding only that tenant's
/// rows, planning with the tenant's own access grant.
pub struct Oracle {
    engine: Engine,
    grant: AccessGrant,
}

impl Oracle {
    /// The oracle of `tenant` over `schema`.
    pub fn new(schema: &str, tenant: &str) -> Oracle {
        let model = strata::load_dir(model_dir()).expect("tenancy model compiles");
        let grant = AccessGrant::evaluate(
            &model,
            AccessContext {
                security_context: &json!({ "tenant_id": tenant }),
                groups: &[],
            },
        );
        let pg = PostgresExecutor::new(PgConfig {
            dbname: DB.into(),
            search_path: Some(schema.into()),
            pool_size: 4,
            ..Default::default()
        })
        .expect("oracle pool");
        Oracle {
            engine: Engine::new(Arc::new(model), Some(Arc::new(pg))),
            grant,
        }
    }

    /// Every row the oracle answers for `query` (all parts of a multi query).
    pub async fn rows(&self, query: &Value) -> Result<Vec<Value>, String> {
        let request = strata::QueryRequest::from_json(query).map_err(|e| e.to_string())?;
        let prepared = self
            .engine
            .prepare_request(&request)
            .map_err(|e| e.to_string())?;
        let options = LoadOptions {
            access: Some(&self.grant),
            ..LoadOptions::default()
        };
        let mut out = Vec::new();
        for q in &prepared.queries {
            let r = self
                .engine
                .load_with(q, &options)
                .await
                .map_err(|e| e.to_string())?;
            out.extend(r.result.rows_json());
        }
        Ok(out)
    }
}

/// Rows as a sorted multiset of JSON texts.
pub fn multiset(rows: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = rows.iter().map(Value::to_string).collect();
    v.sort();
    v
}
