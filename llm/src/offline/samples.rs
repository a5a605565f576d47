//! Known values of low-cardinality string dimensions, read from the data, so
//! that "only Europe" or "web orders" become filters.

use serde_json::{json, Value};
use strata_engine::{Engine, Query};
use strata_schema::MemberKind;

use crate::catalog::Catalog;

/// String dimensions of `catalog` that may have few values: not keys, and not
/// formats that name single records.
pub fn sample_candidates(catalog: &Catalog) -> Vec<String> {
    catalog
        .members()
        .iter()
        .filter(|m| {
            m.kind == MemberKind::Dimension
                && m.data_type == "string"
                && !m.primary_key
                && m.format.as_deref() != Some("id")
        })
        .map(|m| m.name.clone())
        .collect()
}

/// The query that reads up to `max_values + 1` distinct values of `dimension`.
pub fn sample_query(dimension: &str, max_values: usize) -> Value {
    json!({"dimensions": [dimension], "limit": max_values + 1})
}

/// The non-empty values of `dimension` in `rows` (the answer to
/// [`sample_query`]), or `None` when there are more than `max_values` (names,
/// e-mails and ids are left out that way) or none.
pub fn sample_values(dimension: &str, rows: &[Value], max_values: usize) -> Option<Vec<String>> {
    if rows.len() > max_values {
        return None;
    }
    let values: Vec<String> = rows
        .iter()
        .filter_map(|row| row.get(dimension)?.as_str())
        .filter(|v| !v.trim().is_empty())
        .map(str::to_owned)
        .collect();
    (!values.is_empty()).then_some(values)
}

/// For every [`sample_candidates`] dimension, asks `engine` for its values
/// and keeps them when there are at most `max_values`. Dimensions whose query
/// fails are skipped; returns how many dimensions got values. The server
/// reads them as the caller instead (with its access grant).
pub async fn load_sample_values(
    engine: &Engine,
    catalog: &mut Catalog,
    max_values: usize,
) -> usize {
    let mut filled = 0;
    for dimension in sample_candidates(catalog) {
        let query = match Query::from_json(&sample_query(&dimension, max_values)) {
            Ok(q) => q,
            Err(e) => {
                tracing::debug!("no sample query for {dimension}: {e}");
                continue;
            }
        };
        let rows = match engine.load(&query).await {
            Ok(result) => result.rows_json(),
            Err(e) => {
                tracing::debug!("no sample values for {dimension}: {e}");
                continue;
            }
        };
        if let Some(values) = sample_values(&dimension, &rows, max_values) {
            catalog.set_sample_values(&dimension, values);
            filled += 1;
        }
    }
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_or_empty_values_are_not_samples() {
        let rows = vec![
            json!({"A.x": "web"}),
            json!({"A.x": " "}),
            json!({"A.x": null}),
        ];
        assert_eq!(
            sample_values("A.x", &rows, 5),
            Some(vec!["web".to_string()])
        );
        assert_eq!(sample_values("A.x", &rows, 2), None);
        assert_eq!(sample_values("A.x", &[json!({"A.x": ""})], 5), None);
    }
}
