//! What an outside attacker tried, through HTTP against the real PostgreSQL:
//! gateway headers standing in for a token, empty or shapeless claims
//! granting rows, `conditions` unlocked by strings, tenant names folding onto
//! other tenants' schemas, repeated identity headers, and error bodies
//! showing internals. Each test failed before the fix it guards.

use serde_json::{json, Value};
use strata_server::tenant_engines::TenantRouting;
use strata_server::{SecuritySettings, TenancySettings};

use crate::common::hardening as fixture;
use fixture::{config, model_dir, rows, tenants_seen, token, Api, ORDERS_MODEL};

const DB: &str = "strata_hardening";

static SETUP: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

async fn setup() {
    SETUP.get_or_init(|| fixture::setup(DB)).await;
}

fn by_tenant() -> Value {
    json!({"measures": ["Orders.count"], "dimensions": ["Orders.tenant_id"]})
}

async fn orders_api(security: SecuritySettings) -> Api {
    setup().await;
    let mut config = config(DB, model_dir("orders", &[("orders.yml", ORDERS_MODEL)]));
    config.security = security;
    Api::start(config).await
}

fn gateway(secret: Option<&str>) -> SecuritySettings {
    SecuritySettings {
        tenancy: TenancySettings {
            trust_gateway: true,
            gateway_secret: secret.map(str::to_string),
            ..TenancySettings::default()
        },
        ..SecuritySettings::default()
    }
}

const GATEWAY_SECRET: &str = "a-long-gateway-secret";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_gateway_must_prove_itself() {
    let q = by_tenant();
    // Without a gateway secret, headers alone are refused.
    let api = orders_api(gateway(None)).await;
    for headers in [
        vec![("X-Tenant-ID", "b")],
        vec![("X-User-ID", "admin")],
        vec![("X-Tenant-ID", "b"), ("X-Gateway-Secret", GATEWAY_SECRET)],
    ] {
        let reply = api.load_with(&q, &headers).await;
        assert_eq!(reply.status, 403, "{headers:?}: {:?}", reply.body);
        assert!(rows(&reply).is_empty());
    }
    // A verified token with the header: the gateway is trusted to name the tenant.
    let a = token(json!({"tenant_id": "a"}));
    let reply = api
        .load_with(&q, &[("Authorization", &a), ("X-Tenant-ID", "b")])
        .await;
    assert_eq!(tenants_seen(&reply), vec![json!("b")], "{:?}", reply.body);
    // An empty or blank header never overrides the token's tenant.
    for blank in ["", "   "] {
        let reply = api
            .load_with(&q, &[("Authorization", &a), ("X-Tenant-ID", blank)])
            .await;
        assert_eq!(reply.status, 400, "{blank:?}: {:?}", reply.body);
    }
    api.server.shutdown().await;

    // With a secret: the secret proves the gateway, a wrong one is refused.
    let api = orders_api(gateway(Some(GATEWAY_SECRET))).await;
    let reply = api
        .load_with(
            &q,
            &[("X-Tenant-ID", "b"), ("X-Gateway-Secret", GATEWAY_SECRET)],
        )
        .await;
    assert_eq!(tenants_seen(&reply), vec![json!("b")], "{:?}", reply.body);
    for wrong in ["", "a-long-gateway-secreT", "a-long-gateway-secret!", "x"] {
        let reply = api
            .load_with(&q, &[("X-Tenant-ID", "b"), ("X-Gateway-Secret", wrong)])
            .await;
        assert_eq!(reply.status, 403, "{wrong:?}: {:?}", reply.body);
    }
    let reply = api.load_with(&q, &[("X-Tenant-ID", "b")]).await;
    assert_eq!(reply.status, 403, "no secret: {:?}", reply.body);
    api.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_headers_may_be_sent_once() {
    let api = orders_api(gateway(Some(GATEWAY_SECRET))).await;
    let q = by_tenant();
    let a = token(json!({"tenant_id": "a"}));
    let b = token(json!({"tenant_id": "b"}));
    for headers in [
        vec![("Authorization", a.as_str()), ("Authorization", b.as_str())],
        vec![
            ("Authorization", a.as_str()),
            ("x-cube-authorization", b.as_str()),
        ],
        vec![
            ("X-Gateway-Secret", GATEWAY_SECRET),
            ("X-Tenant-ID", "a"),
            ("X-Tenant-ID", "b"),
        ],
        vec![
            ("X-Gateway-Secret", GATEWAY_SECRET),
            ("X-Gateway-Secret", GATEWAY_SECRET),
            ("X-Tenant-ID", "a"),
        ],
        vec![
            ("Authorization", a.as_str()),
            ("X-User-ID", "u"),
            ("X-User-ID", "v"),
        ],
    ] {
        let reply = api.load_with(&q, &headers).await;
        assert_eq!(reply.status, 400, "{headers:?}: {:?}", reply.body);
        assert!(
            reply.body["error"]
                .as_str()
                .is_some_and(|e| e.contains("more than once") || e.contains("different tokens")),
            "{:?}",
            reply.body
        );
    }
    // Blank, whitespace-only and oversized identity values are refused.
    let long = "t".repeat(300);
    for value in ["", " ", "\t", long.as_str()] {
        let reply = api
            .load_with(
                &q,
                &[("X-Gateway-Secret", GATEWAY_SECRET), ("X-Tenant-ID", value)],
            )
            .await;
        assert_eq!(reply.status, 400, "{value:?}: {:?}", reply.body);
    }
    // An oversized token or header block is refused without harm.
    let huge = format!("Bearer {}", "x".repeat(64 * 1024));
    let reply = api.load_with(&q, &[("Authorization", &huge)]).await;
    assert!(
        (400..500).contains(&reply.status),
        "oversized token: {} {:?}",
        reply.status,
        reply.body
    );
    let block = "y".repeat(8 * 1024);
    let many: Vec<(&str, &str)> = (0..128).map(|_| ("x-padding", block.as_str())).collect();
    let reply = api.load_with(&q, &many).await;
    assert!(
        (400..500).contains(&reply.status),
        "1 MB of headers: {} {:?}",
        reply.status,
        reply.body
    );
    // Once each is fine, and the server is unharmed.
    let reply = api.load_with(&q, &[("Authorization", &a)]).await;
    assert_eq!(tenants_seen(&reply), vec![json!("a")]);
    api.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_and_shapeless_claims_grant_no_rows() {
    let api = orders_api(SecuritySettings::default()).await;
    let q = by_tenant();
    let long = "z".repeat(5_000);
    for claim in [
        Value::Null,
        json!(""),
        json!("  "),
        json!([]),
        json!([null]),
        json!(["a", null]),
        json!(["a", ""]),
        json!([[]]),
        json!({}),
        json!({"$ne": null}),
        json!(0),
        json!(false),
        json!(long),
        json!("ünï ✓"),
        json!("a' OR '1'='1"),
    ] {
        let reply = api.load(&token(json!({ "tenant_id": claim })), &q).await;
        assert_eq!(reply.status, 200, "{claim}: {:?}", reply.body);
        assert_eq!(rows(&reply), Vec::<Value>::new(), "{claim} granted rows");
    }
    // A list of real tenants grants exactly those.
    let reply = api.load(&token(json!({"tenant_id": ["a", "b"]})), &q).await;
    assert_eq!(tenants_seen(&reply), vec![json!("a"), json!("b")]);
    // The same claims nested under a path the policy does not read grant nothing either.
    let reply = api
        .load(&token(json!({"tenant": {"tenant_id": "a"}})), &q)
        .await;
    assert!(rows(&reply).is_empty());
    api.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_json_true_unlocks_a_condition() {
    let api = orders_api(SecuritySettings::default()).await;
    let q = by_tenant();
    for flag in [
        json!("true"),
        json!("True"),
        json!("False"),
        json!("0"),
        json!("no"),
        json!("off"),
        json!(1),
        json!({}),
        json!([true]),
        Value::Null,
    ] {
        let reply = api
            .load(&token(json!({"tenant_id": "a", "is_admin": flag})), &q)
            .await;
        assert_eq!(tenants_seen(&reply), vec![json!("a")], "is_admin = {flag}");
    }
    let reply = api
        .load(&token(json!({"tenant_id": "a", "is_admin": true})), &q)
        .await;
    assert_eq!(
        rows(&reply).len(),
        4,
        "admins see every tenant: {:?}",
        reply.body
    );
    api.server.shutdown().await;

    // A model whose condition is not a template or a boolean does not load.
    setup().await;
    let bad = ORDERS_MODEL.replace("\"{ securityContext.is_admin }\"", "\"False\"");
    let dir = model_dir("bad-condition", &[("orders.yml", &bad)]);
    let err = strata_server::start(config(DB, dir))
        .await
        .expect_err("a model with a string condition is refused");
    let text = err.to_string();
    assert!(
        text.contains("orders.yml") && text.contains("only a JSON `true`"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_names_never_fold_onto_another_schema() {
    setup().await;
    // COMPILE_CONTEXT: `Globex` would fold to `tenant_globex`.
    let templated = ORDERS_MODEL.replace(
        "sql_table: orders",
        "sql_table: tenant_{{ COMPILE_CONTEXT.securityContext.tenant_id }}.orders",
    );
    let api = Api::start(config(
        DB,
        model_dir("compile-context", &[("orders.yml", &templated)]),
    ))
    .await;
    let q = by_tenant();
    let reply = api.load(&token(json!({"tenant_id": "globex"})), &q).await;
    assert_eq!(
        tenants_seen(&reply),
        vec![json!("globex")],
        "{:?}",
        reply.body
    );
    for folded in ["Globex", "GLOBEX", "globeX"] {
        let reply = api.load(&token(json!({"tenant_id": folded})), &q).await;
        assert_eq!(reply.status, 403, "{folded}: {:?}", reply.body);
    }
    api.server.shutdown().await;

    // Per-tenant schemas: the same rule.
    let mut routed = config(DB, model_dir("routed", &[("orders.yml", ORDERS_MODEL)]));
    routed.security.routing = TenantRouting {
        schema: Some("tenant_{tenant}".into()),
        ..TenantRouting::default()
    };
    let api = Api::start(routed).await;
    let reply = api.load(&token(json!({"tenant_id": "globex"})), &q).await;
    assert_eq!(
        tenants_seen(&reply),
        vec![json!("globex")],
        "{:?}",
        reply.body
    );
    for folded in ["Globex", "C", "c "] {
        let reply = api.load(&token(json!({"tenant_id": folded})), &q).await;
        assert_eq!(reply.status, 403, "{folded}: {:?}", reply.body);
    }
    api.server.shutdown().await;
}

/// Words that would show a client the server's internals.
const INTERNALS: [&str; 7] = [
    "127.0.0.1",
    "5432",
    "strata_hardening",
    "relation",
    "no_such_table",
    "postgres",
    "DataFusion",
];

fn assert_generic(reply: &fixture::Reply, status: u16) {
    assert_eq!(reply.status, status, "{:?}", reply.body);
    let text = reply.body.to_string();
    for word in INTERNALS {
        assert!(!text.contains(word), "the body shows {word:?}: {text}");
    }
    let id = reply.body["requestId"].as_str().unwrap_or_default();
    assert!(
        !id.is_empty(),
        "a server error names its request id: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_bodies_show_no_internals() {
    setup().await;
    let broken = "cubes:\n  - name: Ghost\n    sql_table: no_such_table\n    \
                  dimensions:\n      - {name: id, sql: id, type: number, primary_key: true}\n    \
                  measures:\n      - {name: count, type: count}\n";
    let api = Api::start(config(DB, model_dir("ghost", &[("ghost.yml", broken)]))).await;
    let t = token(json!({"tenant_id": "a"}));
    let reply = api
        .send(
            "/cubejs-api/v1/load",
            Some(json!({"query": {"measures": ["Ghost.count"]}})),
            &[("Authorization", &t), ("x-request-id", "req-42")],
        )
        .await;
    assert_generic(&reply, 500);
    assert_eq!(reply.body["requestId"], "req-42");
    api.server.shutdown().await;

    // A database that cannot be reached: 503, naming neither host nor port.
    let mut away = config(DB, model_dir("away", &[("orders.yml", ORDERS_MODEL)]));
    if let Some(db) = away.db.as_mut() {
        db.port = 1;
    }
    let api = Api::start(away).await;
    let reply = api.load(&t, &by_tenant()).await;
    assert_generic(&reply, 503);
    assert_eq!(
        reply.body["error"],
        strata_server::error::UNAVAILABLE_MESSAGE,
        "{:?}",
        reply.body
    );
    api.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rollup_path_grants_nothing_to_missing_or_empty_claims() {
    setup().await;
    let with_rollup = format!(
        "{ORDERS_MODEL}    pre_aggregations:\n      - name: by_tenant\n        \
         measures: [count]\n        dimensions: [tenant_id]\n"
    );
    let api = Api::start(config(
        DB,
        model_dir("rollup", &[("orders.yml", &with_rollup)]),
    ))
    .await;
    let q = by_tenant();
    let admin = token(json!({"is_admin": true}));
    // Rollups build in the background: wait until answers come from one.
    let mut from_rollup = false;
    for _ in 0..100 {
        let reply = api.load(&admin, &q).await;
        let used = &reply.body["usedPreAggregations"];
        if used.as_object().is_some_and(|m| !m.is_empty()) {
            from_rollup = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(from_rollup, "the rollup was never used");
    for claims in [
        json!({}),
        json!({"tenant_id": null}),
        json!({"tenant_id": ""}),
        json!({"tenant_id": []}),
        json!({"tenant_id": ["a", null]}),
    ] {
        let reply = api.load(&token(claims.clone()), &q).await;
        assert_eq!(reply.status, 200, "{claims}: {:?}", reply.body);
        assert!(rows(&reply).is_empty(), "{claims} granted rows");
        let used = &reply.body["usedPreAggregations"];
        assert!(
            used.as_object().is_some_and(|m| !m.is_empty()),
            "{claims} was answered from the rollup: {used}"
        );
    }
    let reply = api.load(&token(json!({"tenant_id": "b"})), &q).await;
    assert_eq!(tenants_seen(&reply), vec![json!("b")]);
    api.server.shutdown().await;
}
