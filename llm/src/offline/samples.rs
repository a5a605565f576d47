//! Known values of low-cardinality string dimensions, read from the data, so
//! that "only Europe" or "web orders" become filters.

use serde_json::Value;
use strata_engine::query::MAX_LIMIT;
use strata_engine::{Engine, Query};
use strata_schema::MemberKind;

use crate::catalog::Catalog;
use crate::translation::empty_query;

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

/// The query that reads up to `max_values + 1` distinct values of
/// `dimension`; `None` when that is over the engine's row limit.
pub fn sample_query(dimension: &str, max_values: usize) -> Option<Query> {
    let limit = u64::try_from(max_values).ok()?.checked_add(1)?;
    // In the value's order, so that every run reads the same values in the
    // same order (a data source returns groups in any order).
    (limit <= MAX_LIMIT).then(|| Query {
        dimensions: vec![dimension.to_owned()],
        order: Some(vec![(dimension.to_owned(), false)]),
        limit: Some(limit),
        ..empty_query()
    })
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
        let Some(query) = sample_query(&dimension, max_values) else {
            tracing::debug!("no sample query for {dimension}: {max_values} values are too many");
            continue;
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
    use serde_json::json;

    #[test]
    fn sample_query_reads_one_value_more_than_kept() {
        let q = sample_query("A.x", 5).expect("small enough");
        assert_eq!(
            q,
            Query::from_json(&json!({"dimensions": ["A.x"], "order": {"A.x": "asc"}, "limit": 6}))
                .expect("query")
        );
        assert_eq!(sample_query("A.x", 50_000), None);
    }

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
