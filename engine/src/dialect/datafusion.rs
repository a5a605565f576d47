//! DataFusion (files, rollups, the demo): the syntax tree is planned
//! directly, so values are literal nodes; times are nanosecond `timestamp`s
//! stored as UTC without a zone.

use chrono::{DateTime, Utc};
use sqlparser::ast::Expr;
use sqlparser::dialect::PostgreSqlDialect;
use strata_schema::IntervalUnit;

use super::{Dialect, SqlType};
use crate::query::date_range::TimeBounds;
use crate::sql::ast::{self, func};
use crate::sql::templates::SnippetDialect;

/// DataFusion's SQL. Model snippets are read as PostgreSQL, the dialect
/// DataFusion's SQL follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DataFusionDialect;

impl Dialect for DataFusionDialect {
    fn name(&self) -> &'static str {
        "datafusion"
    }

    fn parser(&self) -> &'static SnippetDialect {
        &PostgreSqlDialect {}
    }

    fn inline_values(&self) -> bool {
        true
    }

    /// Nanosecond timestamps: years 1677 to 2262.
    fn time_bounds(&self) -> TimeBounds {
        TimeBounds::DATAFUSION
    }

    fn instant(&self, utc: DateTime<Utc>) -> (String, SqlType) {
        (
            utc.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
            SqlType::Timestamp,
        )
    }

    /// Times are stored as UTC without a zone; other zones shift them to the
    /// zone's wall-clock time, again without a zone.
    fn local_time(&self, raw: Expr, zone: &str, zone_value: Expr) -> Expr {
        let stored = self.cast(raw, SqlType::Timestamp);
        if zone == "UTC" {
            return stored;
        }
        let utc = ast::at_time_zone(stored, ast::internal_string("UTC"));
        func("to_local_time", vec![ast::at_time_zone(utc, zone_value)])
    }

    /// Below a day an interval counts nanoseconds in an `i64` (about 292
    /// years).
    fn max_interval_seconds(&self, unit: IntervalUnit) -> i64 {
        let span = self.time_bounds().max_interval_seconds();
        match unit {
            IntervalUnit::Second | IntervalUnit::Minute | IntervalUnit::Hour => {
                span.min(i64::MAX / 1_000_000_000)
            }
            _ => span,
        }
    }
}
