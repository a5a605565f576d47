//! A top-N puts rows without a value last: "the 2 largest amounts" are two
//! amounts, not a null first (PostgreSQL and DataFusion sort nulls first in a
//! descending order unless told otherwise).

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use serde_json::{json, Value};
use strata::{DataFusionExecutor, Engine, PgConfig, PostgresExecutor, Query, DEFAULT_DATA_SOURCE};

use crate::common::pg_client;

const TABLE: &str = "strata_nulls_last_items";

fn model() -> strata::SemanticModel {
    let yaml = format!(
        "cubes:
  - name: items
    sql_table: {TABLE}
    measures:
      - name: amount
        sql: amount
        type: sum
    dimensions:
      - name: name
        sql: name
        type: string
        primary_key: true
"
    );
    strata::schema::load_files(&[(std::path::PathBuf::from("items.yml"), yaml)])
        .unwrap_or_else(|e| panic!("model: {e}"))
}

fn names(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["items.name"].as_str().unwrap_or("?").to_owned())
        .collect()
}

async fn top_and_bottom(engine: &Engine) -> (Vec<String>, Vec<String>, String) {
    let query = |dir: &str| {
        Query::from_json(
            &json!({"measures": ["items.amount"], "dimensions": ["items.name"],
            "order": {"items.amount": dir}, "limit": 2}),
        )
        .unwrap_or_else(|e| panic!("query: {e}"))
    };
    let top = engine
        .load(&query("desc"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let bottom = engine
        .load(&query("asc"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sql = engine
        .plan(&query("desc"))
        .map(|p| format!("{p:?}"))
        .unwrap_or_default();
    (names(&top.rows_json()), names(&bottom.rows_json()), sql)
}

#[tokio::test]
async fn top_n_puts_nulls_last_on_datafusion() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("name", DataType::Utf8, false),
        Field::new("amount", DataType::Float64, true),
    ]));
    let name: ArrayRef = Arc::new(StringArray::from(vec!["a", "b", "c"]));
    let amount: ArrayRef = Arc::new(Float64Array::from(vec![Some(10.0), None, Some(5.0)]));
    let batch = RecordBatch::try_new(schema.clone(), vec![name, amount])
        .unwrap_or_else(|e| panic!("batch: {e}"));
    let df = DataFusionExecutor::new();
    df.register_batches(TABLE, schema, vec![batch])
        .unwrap_or_else(|e| panic!("register: {e}"));
    let engine = Engine::builder(Arc::new(model()))
        .data_source(DEFAULT_DATA_SOURCE, Arc::new(df))
        .build();
    let (top, bottom, _) = top_and_bottom(&engine).await;
    assert_eq!(top, ["a", "c"], "largest first, the null last");
    assert_eq!(bottom, ["c", "a"], "smallest first, the null last");
}

#[tokio::test]
async fn top_n_puts_nulls_last_on_postgres() {
    let db = pg_client("test").await;
    db.batch_execute(&format!(
        "DROP TABLE IF EXISTS {TABLE};
         CREATE TABLE {TABLE} (name text primary key, amount double precision);
         INSERT INTO {TABLE} VALUES ('a', 10), ('b', NULL), ('c', 5);"
    ))
    .await
    .unwrap_or_else(|e| panic!("creating {TABLE}: {e:?}"));
    let pg = PostgresExecutor::new(PgConfig {
        dbname: "test".into(),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("pool: {e}"));
    let engine = Engine::builder(Arc::new(model()))
        .data_source(DEFAULT_DATA_SOURCE, Arc::new(pg))
        .build();
    let (top, bottom, plan) = top_and_bottom(&engine).await;
    assert_eq!(top, ["a", "c"], "largest first, the null last: {plan}");
    assert_eq!(bottom, ["c", "a"], "smallest first, the null last");
    db.batch_execute(&format!("DROP TABLE {TABLE}"))
        .await
        .unwrap_or_else(|e| panic!("dropping {TABLE}: {e:?}"));
}
