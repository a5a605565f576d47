//! What a segment keeps, when its SQL is a plain test of one column: the
//! `open` segment of `{CUBE}.status IN ('processing', 'shipped')` keeps the
//! orders whose status is processing or shipped. "Open orders (processing
//! or shipped)" names the segment and then spells it out; read as both, the
//! answer filtered twice and looked like a narrower question. A filter that
//! only repeats a segment of the query goes; one that narrows it ("open
//! orders that have shipped") stays.

use std::collections::{BTreeSet, HashMap};

use strata_engine::query::{Filter, FilterOperator, Query};
use strata_schema::{DimensionSql, SemanticModel};

/// The column values each plainly written segment of a model keeps.
#[derive(Debug, Clone, Default)]
pub struct SegmentValues {
    /// `Cube.segment` → (`Cube.dimension`, the values kept).
    by_segment: HashMap<String, (String, BTreeSet<String>)>,
}

impl SegmentValues {
    /// Reads every segment of `model` written as `{CUBE}.column = 'v'` or
    /// `{CUBE}.column IN ('a', 'b')` over a column a dimension exposes.
    pub fn from_model(model: &SemanticModel) -> SegmentValues {
        let mut by_segment = HashMap::new();
        for cube in model.cubes.values() {
            for segment in cube.segments.values() {
                let Some((column, values)) = plain_test(&segment.sql.raw) else {
                    continue;
                };
                let dimension = cube.dimensions.values().find(|d| match &d.sql {
                    DimensionSql::Sql(t) => {
                        let raw = t.raw.trim();
                        raw == column || raw.strip_prefix("{CUBE}.") == Some(column.as_str())
                    }
                    _ => false,
                });
                if let Some(d) = dimension {
                    by_segment.insert(
                        format!("{}.{}", cube.name, segment.name),
                        (format!("{}.{}", cube.name, d.name), values),
                    );
                }
            }
        }
        SegmentValues { by_segment }
    }

    /// Drops the `equals` filters of `query` that keep exactly what one of
    /// its segments keeps.
    pub(super) fn drop_repeated_filters(&self, query: &mut Query) {
        let kept: Vec<&(String, BTreeSet<String>)> = query
            .segments
            .iter()
            .filter_map(|s| self.by_segment.get(s))
            .collect();
        if kept.is_empty() {
            return;
        }
        query.filters.retain(|f| {
            let Filter::Member {
                member,
                operator: FilterOperator::Equals,
                values,
            } = f
            else {
                return true;
            };
            let values: BTreeSet<String> = values.iter().flatten().cloned().collect();
            !kept.iter().any(|(d, v)| d == member && *v == values)
        });
    }
}

/// `{CUBE}.status IN ('processing', 'shipped')` → ("status", {processing,
/// shipped}); `{CUBE}.channel = 'mobile'` → ("channel", {mobile}); anything
/// else (an `OR`, a function, a second column) → none.
fn plain_test(sql: &str) -> Option<(String, BTreeSet<String>)> {
    let rest = sql.trim().strip_prefix("{CUBE}.")?;
    let column_end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (column, test) = rest.split_at(column_end);
    let test = test.trim();
    let list = if let Some(value) = test.strip_prefix('=') {
        value.trim()
    } else {
        let lower = test.to_ascii_lowercase();
        if !lower.starts_with("in") {
            return None;
        }
        test[2..]
            .trim()
            .strip_prefix('(')?
            .strip_suffix(')')?
            .trim()
    };
    let mut values = BTreeSet::new();
    for item in list.split(',') {
        let v = item.trim().strip_prefix('\'')?.strip_suffix('\'')?;
        if v.contains('\'') {
            return None;
        }
        values.insert(v.to_owned());
    }
    (!values.is_empty()).then(|| (column.to_owned(), values))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::demo;
    use super::*;

    #[test]
    fn a_filter_that_repeats_a_segment_goes_and_a_narrower_one_stays() {
        let (_catalog, model) = demo();
        let segments = SegmentValues::from_model(&model);
        let status = |values: &[&str]| Filter::Member {
            member: "Orders.status".into(),
            operator: FilterOperator::Equals,
            values: values.iter().map(|v| Some((*v).to_owned())).collect(),
        };
        let mut query = Query {
            segments: vec!["Orders.open".into()],
            filters: vec![status(&["shipped", "processing"])],
            ..Query::default()
        };
        segments.drop_repeated_filters(&mut query);
        assert!(query.filters.is_empty(), "{:?}", query.filters);
        query.filters = vec![status(&["shipped"])];
        segments.drop_repeated_filters(&mut query);
        assert_eq!(query.filters.len(), 1);
    }

    #[test]
    fn plain_tests_are_read_and_others_are_not() {
        let (column, values) =
            plain_test("{CUBE}.status IN ('processing', 'shipped')").expect("a list");
        assert_eq!(column, "status");
        assert_eq!(
            values.into_iter().collect::<Vec<_>>(),
            ["processing", "shipped"]
        );
        let (column, values) = plain_test("{CUBE}.channel = 'mobile'").expect("one value");
        assert_eq!((column.as_str(), values.len()), ("channel", 1));
        for sql in [
            "{CUBE}.status = 'a' OR {CUBE}.status = 'b'",
            "{CUBE}.discount > 0",
            "lower({CUBE}.status) = 'open'",
            "{CUBE}.status IN ('a', b)",
        ] {
            assert!(plain_test(sql).is_none(), "{sql}");
        }
    }
}
