//! Test fixtures: a small model over an in-memory DataFusion table.

use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;

use crate::engine::{EngineBuilder, DEFAULT_DATA_SOURCE};
use crate::exec::DataFusionExecutor;
use crate::Engine;

/// A model with one `Orders` cube and a rollup by day.
pub const ORDERS_MODEL: &str = r#"
cubes:
  - name: Orders
    sql_table: orders
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: status
        sql: status
        type: string
      - name: createdAt
        sql: created_at
        type: time
    measures:
      - name: count
        type: count
      - name: amount
        sql: amount
        type: sum
      - name: avgAmount
        sql: amount
        type: avg
    pre_aggregations:
      - name: byDay
        measures: [CUBE.count, CUBE.amount]
        dimensions: [CUBE.status]
        time_dimension: CUBE.createdAt
        granularity: day
"#;

/// `rows` orders over 2024, statuses cycling through three values.
pub fn orders_batch(rows: usize) -> RecordBatch {
    let statuses = ["completed", "shipped", "cancelled"];
    let start = 1_704_067_200_000_000i64; // 2024-01-01T00:00:00Z in µs
    let ids: ArrayRef = Arc::new(Int64Array::from_iter_values(0..rows as i64));
    let status: ArrayRef = Arc::new(StringArray::from_iter_values(
        (0..rows).map(|i| statuses[i % 3]),
    ));
    let created: ArrayRef = Arc::new(TimestampMicrosecondArray::from_iter_values(
        (0..rows as i64).map(|i| start + (i % 366) * 86_400_000_000 + (i % 24) * 3_600_000_000),
    ));
    let amount: ArrayRef = Arc::new(Float64Array::from_iter_values(
        (0..rows).map(|i| (i % 100) as f64 + 0.5),
    ));
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("status", DataType::Utf8, false),
        Field::new(
            "created_at",
            DataType::Timestamp(TimeUnit::Microsecond, None),
            false,
        ),
        Field::new("amount", DataType::Float64, false),
    ]));
    RecordBatch::try_new(schema, vec![ids, status, created, amount])
        .unwrap_or_else(|e| panic!("fixture batch: {e}"))
}

/// A builder over [`ORDERS_MODEL`] with `rows` orders on DataFusion.
pub fn orders_engine(rows: usize) -> EngineBuilder {
    let model =
        strata_schema::load_files(&[(PathBuf::from("orders.yml"), ORDERS_MODEL.to_string())])
            .unwrap_or_else(|e| panic!("fixture model: {e}"));
    let df = DataFusionExecutor::new();
    let batch = orders_batch(rows);
    df.register_batches("orders", batch.schema(), vec![batch])
        .unwrap_or_else(|e| panic!("fixture table: {e}"));
    Engine::builder(Arc::new(model)).data_source(DEFAULT_DATA_SOURCE, Arc::new(df))
}

/// Orders (one row each) with many Items, and Customers that orders belong to.
pub const FANOUT_MODEL: &str = r#"
cubes:
  - name: Customers
    sql_table: customers
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: name
        sql: name
        type: string
    measures:
      - name: count
        type: count
  - name: Orders
    sql_table: orders
    joins:
      - name: Items
        relationship: one_to_many
        sql: "{CUBE}.id = {Items}.order_id"
      - name: Customers
        relationship: many_to_one
        sql: "{CUBE}.customer_id = {Customers}.id"
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
    measures:
      - name: count
        type: count
      - name: amount
        sql: amount
        type: sum
      - name: avgAmount
        sql: amount
        type: avg
  - name: Items
    sql_table: items
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: product
        sql: product
        type: string
    measures:
      - name: count
        type: count
"#;

/// An engine over [`FANOUT_MODEL`]: two customers; order 1 (amount 100, customer 1)
/// has 3 items, order 2 (amount 50, customer 1) has 1, order 3 (amount 7, customer 2) has 2.
pub fn fanout_engine() -> Engine {
    let model =
        strata_schema::load_files(&[(PathBuf::from("fanout.yml"), FANOUT_MODEL.to_string())])
            .unwrap_or_else(|e| panic!("fixture model: {e}"));
    let df = DataFusionExecutor::new();
    let int = |v: &[i64]| Arc::new(Int64Array::from(v.to_vec())) as ArrayRef;
    let customers = RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("name", DataType::Utf8, false),
        ])),
        vec![
            int(&[1, 2]),
            Arc::new(StringArray::from(vec!["Ann", "Bob"])),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let orders = RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("customer_id", DataType::Int64, false),
            Field::new("amount", DataType::Float64, false),
        ])),
        vec![
            int(&[1, 2, 3]),
            int(&[1, 1, 2]),
            Arc::new(Float64Array::from(vec![100.0, 50.0, 7.0])),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let items = RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("order_id", DataType::Int64, false),
            Field::new("product", DataType::Utf8, false),
        ])),
        vec![
            int(&[10, 11, 12, 13, 14, 15]),
            int(&[1, 1, 1, 2, 3, 3]),
            Arc::new(StringArray::from(vec![
                "pen", "ink", "pen", "pen", "cup", "pen",
            ])),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for (name, batch) in [
        ("customers", customers),
        ("orders", orders),
        ("items", items),
    ] {
        df.register_batches(name, batch.schema(), vec![batch])
            .unwrap_or_else(|e| panic!("{e}"));
    }
    Engine::builder(Arc::new(model))
        .data_source(DEFAULT_DATA_SOURCE, Arc::new(df))
        .build()
}

/// Rolling windows and time shifts, sane and out of range, over `events`.
pub const WINDOWS_MODEL: &str = r#"
cubes:
  - name: Events
    sql_table: events
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: createdAt
        sql: created_at
        type: time
    measures:
      - name: count
        type: count
      - name: amount
        sql: amount
        type: sum
      - name: rolling2Days
        sql: amount
        type: sum
        rolling_window: {trailing: 2 day}
      - name: rollingHugeDays
        sql: amount
        type: sum
        rolling_window: {trailing: 99999999999 day}
      - name: rollingHugeYears
        sql: amount
        type: sum
        rolling_window: {trailing: unbounded, leading: 9223372036854775807 year}
      - name: rollingHugeQuarters
        sql: amount
        type: sum
        rolling_window: {trailing: -9223372036854775808 quarter}
      - name: rolling300Years
        sql: amount
        type: sum
        rolling_window: {trailing: 300 year}
      - name: rolling300YearsOfHours
        sql: amount
        type: sum
        rolling_window: {trailing: 2629800 hour}
      - name: runningTotal
        sql: amount
        type: running_total
      - name: share
        sql: "{rolling2Days} / {amount}"
        type: number
        multi_stage: true
      - name: priorYear
        sql: "{amount}"
        type: number
        multi_stage: true
        time_shift: [{interval: 1 year, type: prior}]
      - name: nextHuge
        sql: "{amount}"
        type: number
        multi_stage: true
        time_shift: [{interval: -9223372036854775808 day, type: next}]
      - name: prior9000Years
        sql: "{amount}"
        type: number
        multi_stage: true
        time_shift: [{interval: 9000 year, type: prior}]
"#;

/// An engine over [`WINDOWS_MODEL`] (for planning: no tables) rendering for
/// DataFusion, or for PostgreSQL when `postgres`.
pub fn windows_engine(postgres: bool) -> Engine {
    let model =
        strata_schema::load_files(&[(PathBuf::from("windows.yml"), WINDOWS_MODEL.to_string())])
            .unwrap_or_else(|e| panic!("fixture model: {e}"));
    if postgres {
        return Engine::new(Arc::new(model), None);
    }
    Engine::builder(Arc::new(model))
        .data_source(DEFAULT_DATA_SOURCE, Arc::new(DataFusionExecutor::new()))
        .build()
}

/// A typed query from JSON, for tests; panics on a malformed query.
pub(crate) fn q(v: serde_json::Value) -> crate::query::Query {
    crate::query::Query::from_json(&v).unwrap_or_else(|e| panic!("test query {v}: {e}"))
}
