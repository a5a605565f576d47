//! Conditions said twice: a question that names a segment or a band of the
//! model and then spells it out. "Open orders (processing or shipped)"
//! names the `open` segment, `{CUBE}.status IN ('processing', 'shipped')`;
//! "small orders (under 50)" names the `small` band of a `case` dimension
//! whose first branch is `{CUBE}.total_amount < 50`. Read as both, the
//! answer filtered twice and looked like a narrower question. A filter that
//! only repeats what a segment or band of the query keeps goes; one that
//! narrows it ("open orders that have shipped") stays.

use std::collections::{BTreeSet, HashMap};

use strata_engine::query::{Filter, FilterOperator, Query};
use strata_schema::{CaseLabel, Cube, DimensionSql, SemanticModel};

use super::normalize::{equals_filters, retain_equals};

/// A numeric filter that says what a band keeps: (`Cube.column`, operator,
/// bound).
type Bound = (String, FilterOperator, f64);

/// (`Cube.band_dimension`, label) → the filters that say the same.
type Bands = HashMap<(String, String), Vec<Bound>>;

/// What the plainly written segments and bands of a model keep.
#[derive(Debug, Clone, Default)]
pub struct Restated {
    /// `Cube.segment` → (`Cube.dimension`, the values kept).
    by_segment: HashMap<String, (String, BTreeSet<String>)>,
    /// (`Cube.band_dimension`, label) → the filters on `Cube.column` that
    /// say the same: `lt` the band's upper bound, `gte` its lower one.
    by_band: Bands,
}

impl Restated {
    /// Reads every segment of `model` written as `{CUBE}.column = 'v'` or
    /// `{CUBE}.column IN ('a', 'b')`, and every `case` dimension whose
    /// branches are `{CUBE}.column < N` with rising bounds, over a column a
    /// dimension exposes.
    pub fn from_model(model: &SemanticModel) -> Restated {
        let mut by_segment = HashMap::new();
        let mut by_band = HashMap::new();
        for cube in model.cubes.values() {
            bands(cube, &mut by_band);
            for segment in cube.segments.values() {
                let Some((column, values)) = plain_test(&segment.sql.raw) else {
                    continue;
                };
                if let Some(d) = exposing(cube, &column) {
                    by_segment.insert(format!("{}.{}", cube.name, segment.name), (d, values));
                }
            }
        }
        Restated {
            by_segment,
            by_band,
        }
    }

    /// Drops the filters of `query` that keep exactly what one of its
    /// segments, or one band it filters to, keeps.
    pub(super) fn drop_repeated_filters(&self, query: &mut Query) {
        let band_bounds: Vec<&Bound> = equals_filters(query)
            .filter_map(|(member, values)| match values {
                [Some(label)] => self.by_band.get(&(member.to_owned(), label.clone())),
                _ => None,
            })
            .flatten()
            .collect();
        if !band_bounds.is_empty() {
            query.filters.retain(|f| {
                let Filter::Member {
                    member,
                    operator,
                    values,
                } = f
                else {
                    return true;
                };
                let value = match values.as_slice() {
                    [Some(v)] => v.parse::<f64>().ok(),
                    _ => None,
                };
                !band_bounds
                    .iter()
                    .any(|(m, op, bound)| m == member && op == operator && value == Some(*bound))
            });
        }
        let kept: Vec<&(String, BTreeSet<String>)> = query
            .segments
            .iter()
            .filter_map(|s| self.by_segment.get(s))
            .collect();
        if kept.is_empty() {
            return;
        }
        retain_equals(query, |member, values| {
            let values: BTreeSet<String> = values.iter().flatten().cloned().collect();
            !kept.iter().any(|(d, v)| d == member && *v == values)
        });
    }
}

/// The `Cube.dimension` exposing `column` of `cube` as it is.
fn exposing(cube: &Cube, column: &str) -> Option<String> {
    cube.dimensions
        .values()
        .find(|d| match &d.sql {
            DimensionSql::Sql(t) => {
                let raw = t.raw.trim();
                raw == column || raw.strip_prefix("{CUBE}.") == Some(column)
            }
            _ => false,
        })
        .map(|d| format!("{}.{}", cube.name, d.name))
}

/// The bands of `cube`'s `case` dimensions written as `{CUBE}.column < N`
/// with rising bounds: each label with the filters that say the same ("small"
/// of `total_amount < 50`: `lt 50`; the `else` label "large" after `< 250`:
/// `gte 250`; "medium" between them: `gte 50` and `lt 250`).
fn bands(cube: &Cube, out: &mut Bands) {
    for d in cube.dimensions.values() {
        let DimensionSql::Case(case) = &d.sql else {
            continue;
        };
        let mut column: Option<String> = None;
        let mut branches: Vec<(String, f64)> = Vec::new();
        for when in &case.when {
            let CaseLabel::Text(label) = &when.label else {
                branches.clear();
                break;
            };
            let Some((col, bound)) = below(&when.sql.raw) else {
                branches.clear();
                break;
            };
            if column.get_or_insert_with(|| col.clone()) != &col
                || branches.last().is_some_and(|(_, b)| *b >= bound)
            {
                branches.clear();
                break;
            }
            branches.push((label.clone(), bound));
        }
        let Some(member) = column.and_then(|c| exposing(cube, &c)) else {
            continue;
        };
        if branches.is_empty() {
            continue;
        }
        let band = format!("{}.{}", cube.name, d.name);
        let mut lower: Option<f64> = None;
        for (label, upper) in &branches {
            let mut said = vec![(member.clone(), FilterOperator::Lt, *upper)];
            if let Some(l) = lower {
                said.push((member.clone(), FilterOperator::Gte, l));
            }
            out.insert((band.clone(), label.clone()), said);
            lower = Some(*upper);
        }
        if let (Some(CaseLabel::Text(label)), Some(l)) = (&case.else_label, lower) {
            out.insert(
                (band.clone(), label.clone()),
                vec![(member.clone(), FilterOperator::Gte, l)],
            );
        }
    }
}

/// `{CUBE}.total_amount < 50` → ("total_amount", 50).
fn below(sql: &str) -> Option<(String, f64)> {
    let rest = sql.trim().strip_prefix("{CUBE}.")?;
    let (column, bound) = rest.split_once('<')?;
    let column = column.trim();
    if column.is_empty()
        || !column
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    let bound = bound.trim();
    if bound.starts_with('=') {
        return None;
    }
    Some((column.to_owned(), bound.parse().ok()?))
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
        let segments = Restated::from_model(&model);
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
    fn a_filter_that_repeats_a_band_goes() {
        let (_catalog, model) = demo();
        let restated = Restated::from_model(&model);
        let filter = |member: &str, operator: FilterOperator, value: &str| Filter::Member {
            member: member.into(),
            operator,
            values: vec![Some(value.to_owned())],
        };
        for (label, operator, bound) in [
            ("small", FilterOperator::Lt, "50"),
            ("large", FilterOperator::Gte, "250"),
            ("medium", FilterOperator::Gte, "50"),
        ] {
            let mut query = Query {
                filters: vec![
                    filter("Orders.order_size", FilterOperator::Equals, label),
                    filter("Orders.total_amount", operator, bound),
                ],
                ..Query::default()
            };
            restated.drop_repeated_filters(&mut query);
            assert_eq!(query.filters.len(), 1, "{label}: {:?}", query.filters);
        }
        // "medium orders over 100" narrows the band.
        let mut query = Query {
            filters: vec![
                filter("Orders.order_size", FilterOperator::Equals, "medium"),
                filter("Orders.total_amount", FilterOperator::Gt, "100"),
            ],
            ..Query::default()
        };
        restated.drop_repeated_filters(&mut query);
        assert_eq!(query.filters.len(), 2);
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
