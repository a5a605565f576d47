//! When an answer counts as right: queries compared in a normal form.

use std::collections::BTreeSet;

use chrono::{TimeZone as _, Utc};
use serde_json::Value;
use strata::engine::query::{DateRange, DateRangeSpec, Filter};
use strata::llm::Translation;
use strata::Query;

use super::today;

/// A query in comparable form.
#[derive(Debug, PartialEq, Eq)]
struct Comparable {
    measures: BTreeSet<String>,
    dimensions: BTreeSet<String>,
    segments: BTreeSet<String>,
    filters: BTreeSet<String>,
    time: Vec<ComparableTime>,
    order: Vec<(String, bool)>,
    limit: Option<u64>,
    ungrouped: bool,
}

/// A time dimension in comparable form: `(dimension, granularity, range,
/// compared ranges)`, ranges as the days they cover.
type ComparableTime = (String, Option<String>, Option<String>, Vec<String>);

/// The days a range covers on the pinned today, `from..to`.
fn days(spec: &DateRangeSpec) -> String {
    let now = Utc.from_utc_datetime(&today().and_hms_opt(12, 0, 0).expect("noon"));
    match DateRange::resolve(spec, chrono_tz::UTC, now) {
        Ok(r) => {
            let [from, to] = r.to_strings();
            format!("{}..{}", &from[..10], &to[..10])
        }
        Err(e) => format!("unresolvable {spec:?}: {e}"),
    }
}

fn filter_key(f: &Filter) -> String {
    match f {
        Filter::Member {
            member,
            operator,
            values,
        } => {
            let mut values: Vec<String> = values
                .iter()
                .map(|v| v.clone().unwrap_or_else(|| "null".into()))
                .collect();
            values.sort();
            format!("{member} {} {values:?}", operator.as_str())
        }
        Filter::And(items) => format!(
            "and{:?}",
            items.iter().map(filter_key).collect::<BTreeSet<_>>()
        ),
        Filter::Or(items) => format!(
            "or{:?}",
            items.iter().map(filter_key).collect::<BTreeSet<_>>()
        ),
    }
}

fn comparable(q: &Query) -> Comparable {
    let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
    Comparable {
        measures: set(&q.measures),
        dimensions: set(&q.dimensions),
        segments: set(&q.segments),
        filters: q.filters.iter().map(filter_key).collect(),
        time: q
            .time_dimensions
            .iter()
            .map(|td| {
                (
                    td.dimension.clone(),
                    td.granularity.map(|g| g.as_str().to_string()),
                    td.date_range.as_ref().map(days),
                    td.compare_date_range.iter().flatten().map(days).collect(),
                )
            })
            .collect(),
        order: q.order.clone().unwrap_or_default(),
        limit: q.limit,
        ungrouped: q.ungrouped,
    }
}

fn typed(v: &Value) -> Query {
    Query::from_json(v).unwrap_or_else(|e| panic!("frozen query {v} is invalid: {e}"))
}

/// Whether `got` answers the line: its query matches the expected one or an
/// alternative, and its chart is the one asked for (a comparison of periods
/// may be drawn as lines or bars).
pub(super) fn is_right(line: &Value, got: &Translation, got_query: &Query) -> bool {
    let got = (
        comparable(got_query),
        got.chart.map(|c| c.as_str().to_string()),
    );
    let mut accepted = vec![&line["expected"]];
    accepted.extend(line["alternatives"].as_array().into_iter().flatten());
    let query_ok = accepted
        .into_iter()
        .filter(|q| !q.is_null())
        .any(|q| comparable(&typed(q)) == got.0);
    let chart_ok = match line.get("chart").and_then(Value::as_str) {
        None => true,
        Some(want) => {
            let compare = line["expected"]["timeDimensions"]
                .as_array()
                .is_some_and(|t| t.iter().any(|td| td.get("compareDateRange").is_some()));
            // A comparison of periods is drawn one series per range by the
            // chart recommendation when the question names no chart type.
            match got.1.as_deref() {
                Some(g) if g == want => true,
                None | Some("line" | "bar") if compare => true,
                _ => false,
            }
        }
    };
    query_ok && chart_ok
}
