//! Tenant isolation, adversarially: tenants `a` and `b` share one PostgreSQL
//! database and are kept apart by access-policy row rules; tenants `c` and `d`
//! each have a schema. For every hostile query, each row a tenant gets back
//! must be one of its own: the answer must equal what an unrestricted engine
//! returns on a copy of that tenant's rows alone (the oracle), or the query
//! must be refused. A property test does the same over random queries.

mod fixture;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as PropConfig, TestRunner};
use serde_json::{json, Value};
use strata_server::tenant_engines::TenantRouting;
use strata_server::{SecuritySettings, ServerConfig, TenancySettings};

use crate::common::api::{Api, Reply};
use crate::common::{pg_client, report, sign_token, urlencode};
use fixture::{multiset, Oracle};

const SECRET: &str = "tenancy-secret";

/// A server over the tenancy model.
async fn start_api(security: SecuritySettings) -> Api {
    start_api_in(fixture::model_dir(), security).await
}

/// A server over the model in `models_dir`.
async fn start_api_in(models_dir: std::path::PathBuf, security: SecuritySettings) -> Api {
    Api::start(ServerConfig {
        models_dir,
        listen: "127.0.0.1:0".parse().expect("address"),
        api_secret: Some(SECRET.into()),
        db: Some(strata::PgConfig {
            dbname: fixture::DB.into(),
            ..Default::default()
        }),
        security,
        ..Default::default()
    })
    .await
}

fn token(claims: Value) -> String {
    sign_token(SECRET, &claims)
}

fn tenant(t: &str) -> String {
    token(json!({"tenant_id": t, "sub": format!("user-{t}")}))
}

/// Every row of every result of a `/load` answer (plain or multi), without the
/// `compareDateRange` label the server adds to compare-date-range rows (the engine's rows,
/// which the oracle answers, do not carry it; it names the query's range, not tenant data).
fn rows(body: &Value) -> Vec<Value> {
    let mut rows: Vec<Value> = match body.get("results").and_then(Value::as_array) {
        Some(results) => results
            .iter()
            .flat_map(|r| r["data"].as_array().cloned().unwrap_or_default())
            .collect(),
        None => body["data"].as_array().cloned().unwrap_or_default(),
    };
    for row in rows.iter_mut().filter_map(Value::as_object_mut) {
        row.remove("compareDateRange");
    }
    rows
}

/// The reply must be a refusal (4xx) or exactly the oracle's rows.
async fn assert_own_rows(label: &str, reply: &Reply, oracle: &Oracle, query: &Value) -> bool {
    if (400..500).contains(&reply.status) {
        assert!(
            reply.body.get("error").and_then(Value::as_str).is_some(),
            "{label}: a refusal carries Cube's error shape: {}",
            reply.body
        );
        return false;
    }
    assert_eq!(reply.status, 200, "{label}: {}", reply.body);
    let expected = oracle
        .rows(query)
        .await
        .unwrap_or_else(|e| panic!("{label}: the oracle refused a query the server answered: {e}"));
    assert_eq!(
        multiset(&rows(&reply.body)),
        multiset(&expected),
        "{label}: rows differ from the tenant's own data"
    );
    true
}

/// Hostile queries sent as tenant `a` (and `b` where it matters).
fn hostile_queries() -> Vec<(&'static str, Value)> {
    vec![
        ("plain count", json!({"measures": ["Orders.count"]})),
        (
            "filter on the other tenant's id",
            json!({"measures": ["Orders.count", "Orders.total_amount"],
            "filters": [{"member": "Orders.tenant_id", "operator": "equals", "values": ["b"]}]}),
        ),
        (
            "or-branch around the rule",
            json!({"measures": ["Orders.count"], "filters": [{"or": [
            {"member": "Orders.tenant_id", "operator": "equals", "values": ["a"]},
            {"member": "Orders.tenant_id", "operator": "equals", "values": ["b"]}]}]}),
        ),
        (
            "tautology or-branch",
            json!({"measures": ["Orders.count"], "filters": [{"or": [
            {"member": "Orders.status", "operator": "set"},
            {"member": "Orders.status", "operator": "notSet"}]}]}),
        ),
        (
            "notEquals own tenant",
            json!({"measures": ["Orders.count"],
            "filters": [{"member": "Orders.tenant_id", "operator": "notEquals", "values": ["a"]}]}),
        ),
        (
            "tenant id contains",
            json!({"dimensions": ["Orders.tenant_id"], "measures": ["Orders.count"],
            "filters": [{"member": "Orders.tenant_id", "operator": "contains", "values": ["b", "a"]}]}),
        ),
        (
            "group by tenant id",
            json!({"dimensions": ["Orders.tenant_id"], "measures": ["Orders.count"]}),
        ),
        (
            "ungrouped listing",
            json!({"dimensions": ["Orders.id", "Orders.tenant_id", "Orders.amount"],
            "ungrouped": true, "limit": 50000}),
        ),
        (
            "ungrouped with a join",
            json!({"dimensions": ["Orders.id", "Users.name"], "ungrouped": true}),
        ),
        (
            "view by tenant id",
            json!({"measures": ["sales.revenue"], "dimensions": ["sales.tenant_id"]}),
        ),
        (
            "view filtered to the other tenant",
            json!({"measures": ["sales.revenue", "sales.units"],
            "filters": [{"member": "sales.tenant_id", "operator": "equals", "values": ["b"]}]}),
        ),
        (
            "view by country (three cubes deep)",
            json!({"measures": ["sales.count"], "dimensions": ["sales.country"]}),
        ),
        (
            "join from users into orders",
            json!({"measures": ["Users.count", "Orders.count"], "dimensions": ["Users.name"]}),
        ),
        (
            "orders of b point at users of a",
            json!({"measures": ["Orders.count", "Orders.total_amount"], "dimensions": ["Users.country"]}),
        ),
        (
            "line items through orders to users",
            json!({"measures": ["LineItems.revenue"], "dimensions": ["Users.country", "Orders.status"]}),
        ),
        (
            "line items by product",
            json!({"measures": ["LineItems.units", "LineItems.count"], "dimensions": ["LineItems.product"]}),
        ),
        (
            "excluded member as dimension",
            json!({"dimensions": ["Users.email"]}),
        ),
        (
            "excluded member in a filter",
            json!({"measures": ["Users.count"],
            "filters": [{"member": "Users.email", "operator": "contains", "values": ["b"]}]}),
        ),
        (
            "excluded member in order",
            json!({"measures": ["Users.count"], "order": {"Users.email": "asc"}}),
        ),
        ("denied cube", json!({"measures": ["Secrets.count"]})),
        (
            "denied cube in a filter",
            json!({"measures": ["Orders.count"],
            "filters": [{"member": "Secrets.email", "operator": "set"}]}),
        ),
        (
            "injection in a value",
            json!({"measures": ["Orders.count"],
            "filters": [{"member": "Orders.status", "operator": "equals", "values": ["x' OR '1'='1"]}]}),
        ),
        (
            "injection in the tenant value",
            json!({"measures": ["Orders.count"],
            "filters": [{"member": "Orders.tenant_id", "operator": "equals", "values": ["a' OR tenant_id = 'b"]}]}),
        ),
        (
            "injection in a member name",
            json!({"measures": ["Orders.count) OR (1=1"]}),
        ),
        (
            "injection in an order member",
            json!({"measures": ["Orders.count"], "order": {"Orders.status; DROP TABLE orders; --": "asc"}}),
        ),
        (
            "injection in an order direction",
            json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"],
            "order": {"Orders.status": "asc; DELETE FROM orders"}}),
        ),
        (
            "injection in the time zone",
            json!({"measures": ["Orders.count"], "timezone": "UTC'; DROP TABLE orders; --",
            "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "month"}]}),
        ),
        (
            "injection in a date range",
            json!({"measures": ["Orders.count"],
            "timeDimensions": [{"dimension": "Orders.created_at", "dateRange": ["2020-01-01' OR '1'='1", "2030-01-01"]}]}),
        ),
        (
            "segment",
            json!({"measures": ["Orders.count"], "segments": ["Orders.completed"]}),
        ),
        (
            "total row count",
            json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"], "total": true, "limit": 1}),
        ),
        (
            "offset past own rows",
            json!({"dimensions": ["Orders.id"], "offset": 20, "limit": 100, "order": {"Orders.id": "asc"}}),
        ),
        (
            "compare date range",
            json!({"measures": ["Orders.count"], "timeDimensions": [{"dimension": "Orders.created_at",
            "compareDateRange": [["2024-01-01", "2024-03-31"], ["2024-04-01", "2024-06-30"]]}]}),
        ),
        (
            "blending query",
            json!([{"measures": ["Orders.count"]}, {"measures": ["Users.count"]}]),
        ),
        (
            "measure filter",
            json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"],
            "filters": [{"member": "Orders.count", "operator": "gt", "values": ["0"]}]}),
        ),
        (
            "nested and/or",
            json!({"measures": ["Orders.total_amount"], "filters": [{"and": [{"or": [
            {"member": "Orders.tenant_id", "operator": "equals", "values": ["b"]},
            {"and": [{"member": "Orders.amount", "operator": "gt", "values": ["0"]}]}]}]}]}),
        ),
        (
            "time series by month",
            json!({"measures": ["Orders.count"],
            "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "month", "dateRange": ["2024-01-01", "2024-12-31"]}]}),
        ),
        (
            "not set tenant",
            json!({"measures": ["Orders.count"],
            "filters": [{"member": "Orders.tenant_id", "operator": "notSet"}]}),
        ),
        (
            "users by id range over both tenants",
            json!({"dimensions": ["Users.id", "Users.name"],
            "filters": [{"member": "Users.id", "operator": "gte", "values": ["0"]}], "limit": 1000}),
        ),
        (
            "renewQuery",
            json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"], "renewQuery": true}),
        ),
        (
            "average through a fan-out join",
            json!({"measures": ["Orders.avg_amount", "LineItems.count"], "dimensions": ["Orders.status"]}),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenants_only_ever_see_their_own_rows() {
    fixture::setup_once().await;
    let api = start_api(SecuritySettings::default()).await;
    let oracle_a = Oracle::new("only_a", "a");
    let oracle_b = Oracle::new("only_b", "b");
    let (token_a, token_b) = (tenant("a"), tenant("b"));
    let queries = hostile_queries();
    let (mut answered, mut refused) = (0, 0);
    for (label, q) in &queries {
        // b first, so a cache shared across tenants would answer a with b's rows.
        let reply_b = api.load(&token_b, q).await;
        assert_own_rows(&format!("{label} (as b)"), &reply_b, &oracle_b, q).await;
        let reply_a = api.load(&token_a, q).await;
        if assert_own_rows(label, &reply_a, &oracle_a, q).await {
            answered += 1;
        } else {
            refused += 1;
        }
        // No row of a's answer carries b's tenant id, whatever the query.
        let data = Value::Array(rows(&reply_a.body)).to_string();
        assert!(
            !data.contains("\"b\""),
            "{label}: tenant b's id in a's rows: {data}"
        );
    }
    // The refusals are the ones that must be refused, and they say why.
    for label in [
        "excluded member as dimension",
        "excluded member in a filter",
        "excluded member in order",
        "denied cube",
        "denied cube in a filter",
        "injection in a member name",
        "injection in an order member",
        "injection in an order direction",
        "injection in the time zone",
        "injection in a date range",
    ] {
        let q = &queries.iter().find(|(l, _)| *l == label).expect("query").1;
        let reply = api.load(&token_a, q).await;
        assert_eq!(reply.status, 400, "{label}: {}", reply.body);
    }
    // A query past the complexity bound is refused before it reaches the database.
    let heavy = json!({"measures": vec!["Orders.count"; 65]});
    let reply = api.load(&token_a, &heavy).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body["error"]
        .as_str()
        .is_some_and(|e| e.contains("too complex")));
    // Tenant a really has rows: the oracle is not trivially empty.
    let count = api
        .load(&token_a, &json!({"measures": ["Orders.count"]}))
        .await;
    assert_eq!(
        rows(&count.body)[0]["Orders.count"],
        json!("24"),
        "{}",
        count.body
    );
    report(&format!(
        "tenancy: {} hostile queries x 2 tenants: {answered} answered with only the caller's rows, {refused} refused",
        queries.len()
    ));
    api.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_headers_and_meta_cannot_widen_access() {
    fixture::setup_once().await;
    let api = start_api(SecuritySettings::default()).await;
    let q = json!({"measures": ["Orders.count"], "dimensions": ["Orders.tenant_id"]});
    let now = chrono::Utc::now().timestamp();
    // Forged, expired and unsigned tokens are refused.
    let forged = sign_token("guessed-secret", &json!({"tenant_id": "b"}));
    let expired = token(json!({"tenant_id": "a", "exp": now - 60}));
    // {"alg":"none","typ":"JWT"} . {"tenant_id":"b"} . (no signature)
    let unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ0ZW5hbnRfaWQiOiJiIn0.".to_string();
    for (label, t) in [
        ("forged", &forged),
        ("expired", &expired),
        ("alg none", &unsigned),
    ] {
        let reply = api.load(t, &q).await;
        assert_eq!(reply.status, 403, "{label}: {}", reply.body);
    }
    // Headers cannot choose a tenant when no gateway is trusted.
    let reply = api
        .send(
            "/cubejs-api/v1/load",
            Some(json!({"query": q})),
            &[
                ("Authorization", &tenant("a")),
                ("X-Tenant-ID", "b"),
                ("X-User-ID", "b-admin"),
            ],
        )
        .await;
    assert_eq!(
        rows(&reply.body),
        vec![json!({"Orders.tenant_id": "a", "Orders.count": "24"})]
    );
    let reply = api
        .send(
            "/cubejs-api/v1/load",
            Some(json!({"query": q})),
            &[("X-Tenant-ID", "b")],
        )
        .await;
    assert_eq!(
        reply.status, 403,
        "no token, spoofed header: {}",
        reply.body
    );
    // A token without the tenant claim, or with an object in it, sees no rows.
    for claims in [json!({"sub": "x"}), json!({"tenant_id": {"$ne": null}})] {
        let reply = api.load(&token(claims.clone()), &q).await;
        assert_eq!(
            rows(&reply.body),
            Vec::<Value>::new(),
            "{claims}: {}",
            reply.body
        );
    }
    // /meta shows each caller only what its policies grant.
    let meta = api
        .send(
            "/cubejs-api/v1/meta",
            None,
            &[("Authorization", &tenant("a"))],
        )
        .await;
    let text = meta.body.to_string();
    assert!(
        !text.contains("Users.email"),
        "email is excluded for everyone"
    );
    assert!(!text.contains("\"Secrets\""), "Secrets is for admins only");
    assert!(text.contains("Users.country"));
    let manager = token(json!({"tenant_id": "a", "groups": ["manager"]}));
    let meta = api
        .send("/cubejs-api/v1/meta", None, &[("Authorization", &manager)])
        .await;
    assert!(
        meta.body.to_string().contains("Users.email"),
        "managers see email"
    );
    // ...and the manager's email rows are still only tenant a's.
    let reply = api
        .load(&manager, &json!({"dimensions": ["Users.email"]}))
        .await;
    let emails = rows(&reply.body);
    assert_eq!(emails.len(), 6, "{}", reply.body);
    assert!(emails.iter().all(|r| r["Users.email"]
        .as_str()
        .is_some_and(|e| e.starts_with('a'))));
    // /sql plans with the caller's rule: its parameters name the caller's tenant.
    let sql = api
        .send(
            "/cubejs-api/v1/sql",
            Some(json!({"query": {"measures": ["Orders.count"]}})),
            &[("Authorization", &tenant("b"))],
        )
        .await;
    let params = &sql.body["sql"]["sql"][1];
    assert!(params.to_string().contains("\"b\""), "{}", sql.body);
    let sql = api
        .send(
            "/cubejs-api/v1/sql",
            Some(json!({"query": {"dimensions": ["Users.email"]}})),
            &[("Authorization", &tenant("b"))],
        )
        .await;
    assert_eq!(sql.status, 400, "{}", sql.body);
    api.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_tenants_are_routed_to_their_own_schema() {
    fixture::setup_once().await;
    let api = start_api(SecuritySettings {
        routing: TenantRouting {
            schema: Some("tenant_{tenant}".into()),
            database: None,
            pool_size: 2,
            ..TenantRouting::default()
        },
        ..SecuritySettings::default()
    })
    .await;
    let oracle_c = Oracle::new("tenant_c", "c");
    let oracle_d = Oracle::new("tenant_d", "d");
    let queries = hostile_queries();
    for (label, q) in queries.iter().take(16) {
        let reply_d = api.load(&tenant("d"), q).await;
        assert_own_rows(&format!("{label} (as d)"), &reply_d, &oracle_d, q).await;
        let reply_c = api.load(&tenant("c"), q).await;
        assert_own_rows(&format!("{label} (as c)"), &reply_c, &oracle_c, q).await;
    }
    let q = json!({"measures": ["Orders.count"]});
    for bad in ["C", "c; DROP SCHEMA tenant_d", "tenant_d", "../d", ""] {
        let reply = api.load(&tenant(bad), &q).await;
        assert!(
            reply.status == 403 || rows(&reply.body).is_empty(),
            "tenant id {bad:?}: {} {}",
            reply.status,
            reply.body
        );
    }
    // A tenant whose schema does not exist gets an error, never someone else's rows.
    let reply = api.load(&tenant("zz"), &q).await;
    assert!(reply.status >= 400, "{}", reply.body);
    let reply = api.load(&token(json!({"sub": "nobody"})), &q).await;
    assert_eq!(reply.status, 403, "no tenant: {}", reply.body);
    api.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_gateway_names_the_tenant() {
    fixture::setup_once().await;
    let api = start_api(SecuritySettings {
        tenancy: TenancySettings {
            trust_gateway: true,
            gateway_secret: Some("the-gateway-secret".into()),
            ..TenancySettings::default()
        },
        ..SecuritySettings::default()
    })
    .await;
    let q = json!({"measures": ["Orders.count"], "dimensions": ["Orders.tenant_id"]});
    let reply = api
        .send(
            "/cubejs-api/v1/load",
            Some(json!({"query": q})),
            &[
                ("X-Tenant-ID", "b"),
                ("X-Gateway-Secret", "the-gateway-secret"),
            ],
        )
        .await;
    assert_eq!(
        rows(&reply.body),
        vec![json!({"Orders.tenant_id": "b", "Orders.count": "24"})]
    );
    // The header alone, without the gateway's secret, names no one.
    let reply = api
        .send(
            "/cubejs-api/v1/load",
            Some(json!({"query": q})),
            &[("X-Tenant-ID", "b")],
        )
        .await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    api.server.shutdown().await;
}

/// A random query over the tenancy model's members.
fn arb_query() -> impl Strategy<Value = Value> {
    let measures = prop::sample::subsequence(
        vec![
            "Orders.count",
            "Orders.total_amount",
            "Users.count",
            "LineItems.revenue",
            "sales.units",
        ],
        0..3,
    );
    let dimensions = prop::sample::subsequence(
        vec![
            "Orders.status",
            "Orders.tenant_id",
            "Users.country",
            "LineItems.product",
            "Users.name",
        ],
        0..3,
    );
    let filter = (
        prop::sample::select(vec![
            "Orders.tenant_id",
            "Orders.status",
            "Users.tenant_id",
            "Users.country",
            "LineItems.tenant_id",
        ]),
        prop::sample::select(vec!["equals", "notEquals", "contains", "set", "notSet"]),
        prop::sample::subsequence(vec!["a", "b", "c", "completed", "DE", "' OR 1=1 --"], 1..3),
    )
        .prop_map(|(member, op, values)| {
            if op == "set" || op == "notSet" {
                json!({"member": member, "operator": op})
            } else {
                json!({"member": member, "operator": op, "values": values})
            }
        });
    let filters = prop::collection::vec(filter, 0..3);
    let or_wrap = any::<bool>();
    let ungrouped = any::<bool>();
    (measures, dimensions, filters, or_wrap, ungrouped).prop_map(
        |(measures, mut dimensions, filters, or_wrap, ungrouped)| {
            if measures.is_empty() && dimensions.is_empty() {
                dimensions.push("Orders.status");
            }
            let filters = if or_wrap && filters.len() > 1 {
                json!([{ "or": filters }])
            } else {
                Value::Array(filters)
            };
            let mut q = json!({"measures": measures, "dimensions": dimensions, "filters": filters});
            if ungrouped && measures.is_empty() {
                q["ungrouped"] = json!(true);
            }
            q
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_queries_only_return_the_callers_rows() {
    fixture::setup_once().await;
    let api = start_api(SecuritySettings::default()).await;
    let oracle_a = Oracle::new("only_a", "a");
    let token_a = tenant("a");
    let cases = 64;
    let mut runner = TestRunner::new(PropConfig {
        cases,
        ..PropConfig::default()
    });
    let mut queries = Vec::new();
    for _ in 0..cases {
        let tree = arb_query()
            .new_tree(&mut runner)
            .unwrap_or_else(|e| panic!("strategy: {e}"));
        queries.push(tree.current());
    }
    let (mut answered, mut refused) = (0, 0);
    for (i, q) in queries.iter().enumerate() {
        let reply = api.load(&token_a, q).await;
        if assert_own_rows(&format!("random query {i}: {q}"), &reply, &oracle_a, q).await {
            answered += 1;
        } else {
            refused += 1;
        }
    }
    report(&format!(
        "tenancy property: {cases} random queries as tenant a: {answered} equal to the oracle, {refused} refused"
    ));
    assert!(
        answered > cases as usize / 2,
        "most random queries are valid"
    );
    api.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compile_context_models_are_compiled_per_tenant() {
    fixture::setup_once().await;
    let dir = std::env::temp_dir().join(format!("strata-compile-context-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("model dir");
    std::fs::write(
        dir.join("orders.yml"),
        "cubes:\n  - name: Orders\n    sql_table: tenant_{{ COMPILE_CONTEXT.securityContext.tenant_id }}.orders\n    \
         dimensions:\n      - {name: id, sql: id, type: number, primary_key: true}\n      \
         - {name: tenant_id, sql: tenant_id, type: string}\n    \
         measures:\n      - {name: count, type: count}\n",
    )
    .expect("model file");
    let config = ServerConfig {
        models_dir: dir.clone(),
        listen: "127.0.0.1:0".parse().expect("address"),
        api_secret: Some(SECRET.into()),
        db: Some(strata::PgConfig {
            dbname: fixture::DB.into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let api = Api::start(config).await;
    let q = json!({"measures": ["Orders.count"], "dimensions": ["Orders.tenant_id"]});
    for t in ["c", "d", "c"] {
        let reply = api.load(&tenant(t), &q).await;
        assert_eq!(
            rows(&reply.body),
            vec![json!({"Orders.tenant_id": t, "Orders.count": "24"})],
            "{t}"
        );
    }
    // /meta of a variant, built once for it and answered from then on.
    for t in ["c", "c", "d"] {
        let meta = api
            .send(
                "/cubejs-api/v1/meta",
                None,
                &[("Authorization", &tenant(t))],
            )
            .await;
        assert_eq!(meta.status, 200, "{t}: {}", meta.body);
        let names: Vec<&str> = meta.body["cubes"][0]["measures"]
            .as_array()
            .map(|m| m.iter().filter_map(|m| m["name"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(names, ["Orders.count"], "{t}: {}", meta.body);
    }
    for bad in ["d.orders; --", "c d"] {
        let reply = api.load(&tenant(bad), &q).await;
        assert_eq!(reply.status, 403, "{bad}: {}", reply.body);
    }
    let reply = api.load(&token(json!({"sub": "no tenant"})), &q).await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    api.server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// A token of tenant `t` whose caller is in `group`.
fn member_of(t: &str, group: &str) -> String {
    token(json!({"tenant_id": t, "sub": format!("{group}-{t}"), "groups": [group]}))
}

/// The statement each session of Strata's pools in the fixture database
/// ran last (`pg_stat_activity`): what `/load` really sent to PostgreSQL.
async fn statements_strata_ran() -> Vec<String> {
    let db = pg_client(fixture::DB).await;
    let rows = db
        .query(
            "SELECT query FROM pg_stat_activity \
             WHERE datname = $1 AND application_name = 'strata' AND pid <> pg_backend_pid()",
            &[&fixture::DB],
        )
        .await
        .unwrap_or_else(|e| panic!("pg_stat_activity: {e}"));
    rows.iter()
        .filter_map(|r| r.try_get::<_, String>(0).ok())
        .collect()
}

impl Api {
    /// `POST path` with `{"query": query}` as the caller of `token`.
    async fn plan(&self, path: &str, token: &str, query: &Value) -> Reply {
        self.send(
            path,
            Some(json!({ "query": query })),
            &[("Authorization", token)],
        )
        .await
    }

    /// `/load` the query as `token`, and the statement it ran: the one of
    /// `/sql`'s answer, which must be among those PostgreSQL saw last.
    async fn load_runs_sql_of(&self, label: &str, token: &str, query: &Value) -> (Reply, Reply) {
        let sql = self.plan("/cubejs-api/v1/sql", token, query).await;
        assert_eq!(sql.status, 200, "{label}: /sql: {}", sql.body);
        let load = self.load(token, query).await;
        assert_eq!(load.status, 200, "{label}: /load: {}", load.body);
        let statement = sql.body["sql"]["sql"][0].as_str().unwrap_or_default();
        let ran = statements_strata_ran().await;
        assert!(
            ran.iter().any(|s| s == statement),
            "{label}: /sql shows a statement /load did not run\n/sql: {statement}\nPostgreSQL ran: {ran:#?}"
        );
        (sql, load)
    }
}

/// `/sql` and `/dry-run` plan with the caller's `COMPILE_CONTEXT` variant of
/// the model, as `/load` runs it: each tenant's own table, the statement
/// `/load` sends to PostgreSQL, the row rule of the caller's grant, and the
/// normalized query `/load` answers with.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_and_dry_run_plan_with_the_callers_compile_context_model() {
    fixture::setup_once().await;
    let api = start_api_in(
        fixture::compile_context_model_dir(),
        SecuritySettings::default(),
    )
    .await;
    let q = json!({"measures": ["Orders.count", "Orders.total_amount"],
        "dimensions": ["Orders.status"], "order": {"Orders.status": "asc"}});
    for (t, other) in [("c", "d"), ("d", "c")] {
        let caller = member_of(t, "analyst");
        let (sql, load) = api.load_runs_sql_of(t, &caller, &q).await;
        let statement = sql.body["sql"]["sql"][0].as_str().unwrap_or_default();
        assert!(
            statement.contains(&format!("tenant_{t}.orders")),
            "{t}: /sql must read the tenant's own table: {statement}"
        );
        for foreign in [format!("tenant_{other}."), "compile_context".to_string()] {
            assert!(
                !statement.contains(&foreign),
                "{t}: /sql reads {foreign}: {statement}"
            );
        }
        // The grant's row rule is in the plan, bound to the caller's tenant.
        assert!(statement.contains("tenant_id"), "{t}: {statement}");
        assert_eq!(sql.body["sql"]["sql"][1], json!([t]), "{t}: {}", sql.body);
        // /load's rows are the tenant's own: 24 orders in three statuses.
        let counts: Vec<Value> = rows(&load.body)
            .iter()
            .map(|r| r["Orders.count"].clone())
            .collect();
        assert_eq!(
            counts,
            [json!("8"), json!("8"), json!("8")],
            "{t}: {}",
            load.body
        );
        // The same request through GET answers the same plan.
        let get = api
            .send(
                &format!("/cubejs-api/v1/sql?query={}", urlencode(&q.to_string())),
                None,
                &[("Authorization", &caller)],
            )
            .await;
        assert_eq!(get.body, sql.body, "{t}: GET /sql");
        let dry = api.plan("/cubejs-api/v1/dry-run", &caller, &q).await;
        assert_eq!(dry.status, 200, "{t}: /dry-run: {}", dry.body);
        assert_eq!(
            dry.body["normalizedQueries"],
            json!([load.body["query"]]),
            "{t}: /dry-run normalizes as /load does"
        );
    }
    api.server.shutdown().await;
}

/// A member the caller's access policy hides is refused by `/sql` and
/// `/dry-run` exactly as `/load` refuses it, while a tenant whose policy
/// grants it gets its own plan; the AI schema shows each caller its own grant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_and_dry_run_refuse_what_the_callers_policy_hides() {
    fixture::setup_once().await;
    let api = start_api_in(
        fixture::compile_context_model_dir(),
        SecuritySettings::default(),
    )
    .await;
    let q = json!({"measures": ["Orders.total_amount"], "dimensions": ["Orders.tenant_id"]});
    let viewer = member_of("d", "viewer");
    let load = api.load(&viewer, &q).await;
    assert_eq!(load.status, 400, "/load: {}", load.body);
    assert!(
        load.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("hidden member")),
        "{}",
        load.body
    );
    for path in ["/cubejs-api/v1/sql", "/cubejs-api/v1/dry-run"] {
        let reply = api.plan(path, &viewer, &q).await;
        assert_eq!(
            (reply.status, &reply.body["error"]),
            (load.status, &load.body["error"]),
            "{path} refuses what /load refuses: {}",
            reply.body
        );
    }
    // The viewer may still plan what it is granted, on its own table.
    let allowed = json!({"measures": ["Orders.count"], "dimensions": ["Orders.tenant_id"]});
    let (sql, load) = api.load_runs_sql_of("d viewer", &viewer, &allowed).await;
    assert_eq!(
        rows(&load.body),
        vec![json!({"Orders.tenant_id": "d", "Orders.count": "24"})]
    );
    let statement = sql.body["sql"]["sql"][0].as_str().unwrap_or_default();
    assert!(statement.contains("tenant_d.orders"), "{statement}");
    // An analyst of tenant c is granted the member, on its own table.
    let analyst = member_of("c", "analyst");
    let (sql, load) = api.load_runs_sql_of("c analyst", &analyst, &q).await;
    let statement = sql.body["sql"]["sql"][0].as_str().unwrap_or_default();
    assert!(statement.contains("tenant_c.orders"), "{statement}");
    assert_eq!(rows(&load.body).len(), 1, "{}", load.body);
    assert_eq!(rows(&load.body)[0]["Orders.tenant_id"], "c");
    let dry = api.plan("/cubejs-api/v1/dry-run", &analyst, &q).await;
    assert_eq!(dry.status, 200, "{}", dry.body);
    // The AI schema lists what each caller's grant allows, with sample
    // values read from its own table.
    for (token, t, sees) in [(&analyst, "c", true), (&viewer, "d", false)] {
        let schema = api
            .send("/ai-analytics/schema", None, &[("Authorization", token)])
            .await;
        assert_eq!(schema.status, 200, "{t}: {}", schema.body);
        let text = schema.body["cubes"].to_string();
        assert_eq!(text.contains("Orders.total_amount"), sees, "{t}: {text}");
        let tenant_ids = schema.body["cubes"][0]["dimensions"]
            .as_array()
            .and_then(|d| d.iter().find(|m| m["name"] == "Orders.tenant_id"))
            .map(|m| m["sampleValues"].clone());
        assert_eq!(tenant_ids, Some(json!([t])), "{t}: {text}");
    }
    api.server.shutdown().await;
}

/// With tenants routed to their own schema, `/sql` and `/dry-run` refuse the
/// callers `/load` refuses (a tenant without a schema, a token naming no
/// tenant), and plan a routed tenant's query as `/load` runs it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_and_dry_run_refuse_the_callers_load_refuses() {
    fixture::setup_once().await;
    let api = start_api(SecuritySettings {
        routing: TenantRouting {
            schema: Some("tenant_{tenant}".into()),
            database: None,
            pool_size: 2,
            ..TenantRouting::default()
        },
        ..SecuritySettings::default()
    })
    .await;
    let q = json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"]});
    for (label, caller) in [
        ("tenant without a schema", tenant("zz")),
        ("no tenant", token(json!({"sub": "nobody"}))),
    ] {
        let load = api.load(&caller, &q).await;
        assert_eq!(load.status, 403, "{label}: /load: {}", load.body);
        for path in ["/cubejs-api/v1/sql", "/cubejs-api/v1/dry-run"] {
            let reply = api.plan(path, &caller, &q).await;
            assert_eq!(
                (reply.status, &reply.body["error"]),
                (load.status, &load.body["error"]),
                "{label}: {path} refuses what /load refuses: {}",
                reply.body
            );
        }
    }
    let (sql, _) = api.load_runs_sql_of("routed c", &tenant("c"), &q).await;
    assert_eq!(sql.body["sql"]["sql"][1], json!(["c"]), "{}", sql.body);
    api.server.shutdown().await;
}
