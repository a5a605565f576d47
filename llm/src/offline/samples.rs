//! Known values of low-cardinality string dimensions, read from the data, so
//! that "only Europe" or "web orders" become filters.

use serde_json::{json, Value};
use strata_engine::Engine;
use strata_schema::MemberKind;

use crate::catalog::Catalog;

/// For every public string dimension of `catalog`, asks `engine` for up to
/// `max_values + 1` distinct values and keeps them when there are at most
/// `max_values` (names, e-mails and ids are left out that way). Dimensions
/// whose query fails are skipped; returns how many dimensions got values.
pub async fn load_sample_values(
    engine: &Engine,
    catalog: &mut Catalog,
    max_values: usize,
) -> usize {
    let dimensions: Vec<String> = catalog
        .members()
        .iter()
        .filter(|m| {
            m.kind == MemberKind::Dimension
                && m.data_type == "string"
                && !m.primary_key
                && m.format.as_deref() != Some("id")
        })
        .map(|m| m.name.clone())
        .collect();
    let mut filled = 0;
    for dimension in dimensions {
        let query = json!({
            "dimensions": [dimension],
            "limit": max_values + 1,
        });
        let rows = match engine.load(&query).await {
            Ok(result) => result.rows_json(),
            Err(e) => {
                tracing::debug!("no sample values for {dimension}: {e}");
                continue;
            }
        };
        if rows.len() > max_values {
            continue;
        }
        let values: Vec<String> = rows
            .iter()
            .filter_map(|row| row.get(&dimension))
            .filter_map(Value::as_str)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
            .collect();
        if !values.is_empty() {
            catalog.set_sample_values(&dimension, values);
            filled += 1;
        }
    }
    filled
}
