//! `count_distinct_approx` on a PostgreSQL database with the `hll` extension: `/sql` shows the
//! SQL `/load` runs, whatever ran before. The extension is detected once per data source
//! before any query is planned for it, so the first `/sql` of a fresh server already uses
//! `hll`, and a `/load` in between changes nothing.
//!
//! Needs the `hll` extension's package (Debian: `postgresql-<version>-hll`), which
//! `scripts/test.sh` installs; the test fails loudly when it is missing.

use crate::common::*;
use serde_json::{json, Value};
use strata_engine::PgConfig;
use strata_server::ServerConfig;

const DB: &str = "strata_hll";

const MODEL: &str = "cubes:
  - name: visits
    sql_table: visits
    measures:
      - name: visitors
        type: count_distinct_approx
        sql: user_id
      - name: count
        type: count
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
";

async fn hll_database() {
    let admin = pg_client("postgres").await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        .await
        .unwrap_or_else(|e| panic!("DROP DATABASE {DB}: {e:?}"));
    admin
        .batch_execute(&format!("CREATE DATABASE {DB}"))
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {DB}: {e:?}"));
    let db = pg_client(DB).await;
    db.batch_execute("CREATE EXTENSION hll")
        .await
        .unwrap_or_else(|e| {
            panic!(
                "\n\n*** CREATE EXTENSION hll failed: {e:?} ***\nInstall the extension's package \
                 (Debian: postgresql-<version>-hll; `bash scripts/test.sh` does). Refusing to \
                 skip.\n"
            )
        });
    db.batch_execute(
        "CREATE TABLE visits (id int primary key, user_id int);
         INSERT INTO visits SELECT g, g % 37 FROM generate_series(1, 500) g;",
    )
    .await
    .unwrap_or_else(|e| panic!("creating visits: {e:?}"));
}

fn sql_of(resp: &Resp) -> String {
    resp.json
        .as_ref()
        .and_then(|j| j.pointer("/sql/sql/0"))
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no SQL in {}", resp.text))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_shows_hll_before_and_after_the_first_load() {
    hll_database().await;
    let models = std::env::temp_dir().join(format!("strata-hll-model-{}", std::process::id()));
    std::fs::create_dir_all(&models).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(models.join("visits.yml"), MODEL).unwrap_or_else(|e| panic!("{e}"));
    let server = strata_server::start(ServerConfig {
        models_dir: models.clone(),
        listen: "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        api_secret: Some(API_SECRET.to_string()),
        dev_mode: false,
        db: Some(PgConfig {
            dbname: DB.to_string(),
            ..Default::default()
        }),
        ..Default::default()
    })
    .await
    .unwrap_or_else(|e| panic!("server: {e}"));
    let base = server.url().trim_end_matches('/').to_string();
    let http = reqwest::Client::new();
    let token = test_token();
    let query = json!({"measures": ["visits.visitors"]});
    let get = |path: String| {
        let http = http.clone();
        let token = token.clone();
        let base = base.clone();
        async move {
            let resp = http
                .get(format!("{base}{path}"))
                .header("Authorization", token)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap_or_default();
            Resp {
                status,
                json: serde_json::from_str(&text).ok(),
                text,
            }
        }
    };
    let encoded = urlencode(&query.to_string());

    let first = get(format!("/cubejs-api/v1/sql?query={encoded}")).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let before = sql_of(&first);
    assert!(
        before.contains("hll_cardinality"),
        "the first /sql must already use hll: {before}"
    );

    let load = get(format!("/cubejs-api/v1/load?query={encoded}")).await;
    assert_eq!(load.status, 200, "{}", load.text);
    let visitors = load
        .json
        .as_ref()
        .and_then(|j| j.pointer("/data/0/visits.visitors"))
        .cloned()
        .unwrap_or(Value::Null);
    // hll estimates 37 distinct users exactly at this size.
    let estimate = match &visitors {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse::<f64>().ok(),
        _ => None,
    };
    assert_eq!(estimate, Some(37.0), "{}", load.text);
    let annotation = load
        .json
        .as_ref()
        .and_then(|j| j.pointer("/annotation/measures/visits.visitors"))
        .cloned()
        .unwrap_or(Value::Null);
    assert!(
        annotation.get("approximation").is_none(),
        "hll answers are approximate, not marked exact: {annotation}"
    );

    let after = sql_of(&get(format!("/cubejs-api/v1/sql?query={encoded}")).await);
    assert_eq!(before, after, "the same request gets the same SQL");
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&models);
}
