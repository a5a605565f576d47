//! SQL dialects: what differs between the databases Strata renders queries
//! for, as one trait with defaulted hooks (the defaults are standard SQL as
//! PostgreSQL writes it). A back end is one [`Dialect`] plus one
//! [`Executor`](crate::exec::Executor); the renderer asks the dialect and
//! never names a database.
//!
//! Every value of a request reaches the database as a bound parameter
//! ([`Dialect::placeholder`]) or, for engines that plan the syntax tree
//! directly, as a literal node of that tree ([`Dialect::inline_values`]);
//! never as text spliced into SQL.

mod datafusion;
mod postgres;

use std::fmt::Debug;

use chrono::{DateTime, Utc};
use sqlparser::ast::{BinaryOperator, DataType, Expr, Query, TableFactor};
use strata_schema::{Granularity, Interval, IntervalUnit};

use crate::query::date_range::TimeBounds;
use crate::sql::ast::{self, func};
use crate::sql::templates::SnippetDialect;

pub use self::datafusion::DataFusionDialect;
pub use self::postgres::PostgresDialect;

/// The dialect of data sources that have no executor, so that a query can
/// be planned and shown without a database: PostgreSQL without extensions.
pub fn default_dialect() -> &'static dyn Dialect {
    const DEFAULT: PostgresDialect = PostgresDialect { hll: false };
    &DEFAULT
}

/// A type values are cast to while rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SqlType {
    /// Text.
    Text,
    /// An exact decimal number.
    Numeric,
    /// A double-precision float.
    Double,
    /// A boolean.
    Boolean,
    /// A timestamp without time zone (local wall-clock time).
    Timestamp,
    /// A timestamp with time zone (an instant).
    TimestampTz,
}

/// The SQL of one database: quoting, values, types, time, and the few
/// functions whose spelling differs. Implementations override only what
/// differs from the defaults.
pub trait Dialect: Debug + Send + Sync {
    /// The name Cube reports as `dbType` (e.g. `postgres`).
    fn name(&self) -> &'static str;

    /// The sqlparser dialect that reads this database's SQL (model snippets).
    fn parser(&self) -> &'static SnippetDialect;

    /// Values are literal nodes of the syntax tree, which the engine plans
    /// directly, instead of bound parameters.
    fn inline_values(&self) -> bool {
        false
    }

    /// The placeholder of the `n`th bound parameter (1-based): `$n`.
    fn placeholder(&self, n: usize) -> Expr {
        ast::placeholder(n)
    }

    /// The SQL text of a rendered query. Identifiers are quoted with `"`; a
    /// dialect that quotes otherwise (MySQL's backticks) prints its own.
    fn sql_text(&self, query: &Query) -> String {
        query.to_string()
    }

    /// The name of a type in casts.
    fn data_type(&self, ty: SqlType) -> DataType {
        ast::data_type(match ty {
            SqlType::Text => "text",
            SqlType::Numeric => "numeric",
            SqlType::Double => "double precision",
            SqlType::Boolean => "boolean",
            SqlType::Timestamp => "timestamp",
            SqlType::TimestampTz => "timestamptz",
        })
    }

    /// `expr` cast to `ty`.
    fn cast(&self, expr: Expr, ty: SqlType) -> Expr {
        ast::cast(expr, self.data_type(ty))
    }

    /// The instants the database can hold.
    fn time_bounds(&self) -> TimeBounds {
        TimeBounds::SUPPORTED
    }

    /// An instant as the text of its bound value, and the type it is cast to.
    fn instant(&self, utc: DateTime<Utc>) -> (String, SqlType) {
        (
            utc.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            SqlType::TimestampTz,
        )
    }

    /// A stored time `raw` as wall-clock time in the query's zone (`zone`
    /// names it, `zone_value` is its bound value), without a zone.
    fn local_time(&self, raw: Expr, zone: &str, zone_value: Expr) -> Expr {
        let _ = zone;
        ast::at_time_zone(self.cast(raw, SqlType::TimestampTz), zone_value)
    }

    /// `expr` truncated to the start of its `granularity` bucket.
    fn date_trunc(&self, granularity: Granularity, expr: Expr) -> Expr {
        func(
            "date_trunc",
            vec![ast::internal_string(granularity.as_str()), expr],
        )
    }

    /// An interval literal of `amount` `unit`s (`unit` is a singular SQL
    /// unit name: `millisecond`, `second`, ..., `month`, `year`).
    fn interval_literal(&self, amount: i64, unit: &str) -> Expr {
        ast::interval(&format!("{amount} {unit}"))
    }

    /// An interval of the model. Quarters are written as months.
    fn interval(&self, interval: Interval) -> Expr {
        match interval.unit {
            IntervalUnit::Quarter => {
                self.interval_literal(interval.amount.saturating_mul(3), "month")
            }
            unit => self.interval_literal(interval.amount, unit.as_str()),
        }
    }

    /// The longest interval of `unit` the database can add to a time, in
    /// seconds.
    fn max_interval_seconds(&self, unit: IntervalUnit) -> i64 {
        let _ = unit;
        self.time_bounds().max_interval_seconds()
    }

    /// A table of one column `column` (aliased `alias`) holding the times
    /// from `from` to `to` (inclusive) every `step`.
    fn time_series(
        &self,
        from: Expr,
        to: Expr,
        step: Interval,
        alias: &str,
        column: &str,
    ) -> TableFactor {
        ast::table_function(
            "generate_series",
            vec![from, to, self.interval(step)],
            alias,
            column,
        )
    }

    /// The approximate number of distinct values of `expr` (a double).
    /// Defaults to the exact count.
    fn approx_distinct(&self, expr: Expr) -> Expr {
        self.cast(ast::func_distinct("count", vec![expr]), SqlType::Double)
    }

    /// Why [`Dialect::approx_distinct`] counts exactly (reported with the
    /// measure); `None` when it really approximates.
    fn exact_distinct_reason(&self) -> Option<&'static str> {
        Some("this data source counts distinct values exactly")
    }

    /// Join conditions that hold when `a` equals `b`, two nulls being equal.
    fn null_safe_equal(&self, a: Expr, b: Expr) -> Vec<Expr> {
        vec![Expr::IsNotDistinctFrom(Box::new(a), Box::new(b))]
    }

    /// `expr [NOT] LIKE pattern`, ignoring case.
    fn case_insensitive_like(&self, expr: Expr, pattern: Expr, negated: bool) -> Expr {
        ast::ilike(expr, pattern, negated)
    }

    /// `a || b`: text concatenation.
    fn concat(&self, a: Expr, b: Expr) -> Expr {
        ast::binop(a, BinaryOperator::StringConcat, b)
    }
}

#[cfg(test)]
mod tests;
