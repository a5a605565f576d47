use sqlparser::ast::Expr;
use strata_schema::{Interval, IntervalUnit};

use super::*;
use crate::sql::ast::{col, internal_string};

fn sql(e: &Expr) -> String {
    e.to_string()
}

#[test]
fn postgres_binds_values_and_datafusion_inlines_them() {
    let pg = PostgresDialect::default();
    assert!(!pg.inline_values());
    assert_eq!(sql(&pg.placeholder(3)), "$3");
    assert!(DataFusionDialect.inline_values());
}

#[test]
fn instants_are_zoned_on_postgres_and_naive_on_datafusion() {
    let t = chrono::DateTime::parse_from_rfc3339("2024-02-29T13:14:15.678Z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap();
    assert_eq!(
        PostgresDialect::default().instant(t),
        ("2024-02-29T13:14:15.678Z".to_string(), SqlType::TimestampTz)
    );
    assert_eq!(
        DataFusionDialect.instant(t),
        ("2024-02-29T13:14:15.678".to_string(), SqlType::Timestamp)
    );
}

#[test]
fn local_time_converts_zones_where_the_data_needs_it() {
    let zone = || internal_string("Europe/Paris");
    let pg = PostgresDialect::default();
    assert_eq!(
        sql(&pg.local_time(col("t"), "UTC", internal_string("UTC"))),
        "(\"t\"::TIMESTAMPTZ) AT TIME ZONE 'UTC'"
    );
    // DataFusion stores UTC without a zone: UTC needs no conversion.
    assert_eq!(
        sql(&DataFusionDialect.local_time(col("t"), "UTC", internal_string("UTC"))),
        "\"t\"::TIMESTAMP"
    );
    assert_eq!(
        sql(&DataFusionDialect.local_time(col("t"), "Europe/Paris", zone())),
        "to_local_time(((\"t\"::TIMESTAMP) AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/Paris')"
    );
}

#[test]
fn quarters_are_written_as_months() {
    let q = Interval {
        amount: 2,
        unit: IntervalUnit::Quarter,
    };
    assert_eq!(
        sql(&PostgresDialect::default().interval(q)),
        "INTERVAL '6 month'"
    );
}

#[test]
fn datafusion_bounds_sub_day_intervals_by_nanoseconds() {
    let pg = PostgresDialect::default();
    let df = DataFusionDialect;
    assert_eq!(
        df.max_interval_seconds(IntervalUnit::Hour),
        i64::MAX / 1_000_000_000
    );
    assert!(
        df.max_interval_seconds(IntervalUnit::Day)
            > df.max_interval_seconds(IntervalUnit::Hour) / 2
    );
    assert!(
        pg.max_interval_seconds(IntervalUnit::Hour) > df.max_interval_seconds(IntervalUnit::Hour)
    );
}

#[test]
fn approximate_distinct_uses_hll_only_where_installed() {
    let plain = PostgresDialect { hll: false };
    let hll = PostgresDialect { hll: true };
    assert!(plain.exact_distinct_reason().is_some() && hll.exact_distinct_reason().is_none());
    assert!(DataFusionDialect.exact_distinct_reason().is_some());
    assert_eq!(
        sql(&plain.approx_distinct(col("x"))),
        "count(DISTINCT \"x\")::DOUBLE PRECISION"
    );
    assert_eq!(
        sql(&hll.approx_distinct(col("x"))),
        "round(hll_cardinality(hll_add_agg(hll_hash_any(\"x\"))))"
    );
    assert_eq!(
        sql(&DataFusionDialect.approx_distinct(col("x"))),
        "count(DISTINCT \"x\")::DOUBLE PRECISION"
    );
}

#[test]
fn postgres_null_safe_joins_stay_hashable() {
    let pg = PostgresDialect::default().null_safe_equal(col("a"), col("b"));
    let pg: Vec<String> = pg.iter().map(sql).collect();
    assert_eq!(
        pg,
        [
            "(\"a\" IS NULL) = (\"b\" IS NULL)",
            "COALESCE(\"a\"::TEXT, '') = COALESCE(\"b\"::TEXT, '')"
        ]
    );
    let df = DataFusionDialect.null_safe_equal(col("a"), col("b"));
    assert_eq!(sql(&df[0]), "\"a\" IS NOT DISTINCT FROM \"b\"");
}

#[test]
fn every_dialect_reads_model_snippets() {
    for d in [
        &PostgresDialect::default() as &dyn Dialect,
        &DataFusionDialect,
    ] {
        let parsed = sqlparser::parser::Parser::new(d.parser())
            .try_with_sql("amount * 2 + coalesce(discount, 0)")
            .and_then(|mut p| p.parse_expr());
        assert!(parsed.is_ok(), "{}: {parsed:?}", d.name());
    }
}
