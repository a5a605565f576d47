//! Follow-ups: short turns that modify the previous query.
//!
//! | follow-up | change |
//! |---|---|
//! | "only Europe", "just for web", "excluding mobile" | add or replace a value filter |
//! | "by week", "monthly" | the granularity |
//! | "by channel instead" / "also by status" | replace / add a grouping |
//! | "what about profit" / "and units too" | replace / add a measure |
//! | "for last year", "compared to last month" | the date range / a comparison |
//! | "top 3", "sorted ascending" | order and limit |
//! | "as a bar chart" | the chart only |
//! | "remove the filters", "all channels" | drop filters |
//!
//! A turn that names a measure and starts like a question of its own is
//! translated as a new question.

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use super::build::{self, FilterSpec};
use super::parse::{Analysis, Role};
use super::resolve::{effective, pick_time};
use super::text::is_skippable;
use super::OfflineParser;
use crate::error::LlmError;
use crate::intent::Intent;
use crate::translation::Translation;

/// First words that mark a turn as a follow-up.
const FOLLOWUP_STARTS: &[&str] = &[
    "and",
    "also",
    "add",
    "plus",
    "now",
    "instead",
    "only",
    "just",
    "but",
    "then",
    "same",
    "include",
    "remove",
    "drop",
    "without",
    "excluding",
    "except",
    "make",
    "change",
    "switch",
    "as",
    "for",
    "in",
    "by",
    "split",
    "break",
    "top",
    "bottom",
    "compare",
    "compared",
    "vs",
    "per",
    "group",
    "sort",
    "sorted",
    "order",
    "limit",
    "with",
    "over",
    "use",
    "exclude",
    "ok",
    "okay",
    "let",
    "same",
];

/// Words that make a change additive ("also by status", "units too").
fn additive(a: &Analysis) -> bool {
    let t: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    t.iter().any(|w| {
        matches!(
            *w,
            "also" | "too" | "add" | "plus" | "additionally" | "include"
        )
    }) || t.windows(2).any(|w| w == ["as", "well"])
        || t.first() == Some(&"and")
}

fn has(a: &Analysis, words: &[&str]) -> bool {
    a.tokens.iter().any(|t| words.contains(&t.text.as_str()))
}

fn starts_followup(a: &Analysis) -> bool {
    let t: Vec<&str> = a
        .tokens
        .iter()
        .map(|t| t.text.as_str())
        .filter(|w| !is_skippable(w))
        .collect();
    match t.as_slice() {
        ["what" | "how", "about", ..] => true,
        [first, ..] => FOLLOWUP_STARTS.contains(first),
        [] => true,
    }
}

/// Applies a follow-up to `previous`.
pub fn refine(
    parser: &OfflineParser<'_>,
    previous: &Translation,
    text: &str,
    today: NaiveDate,
) -> Result<Translation, LlmError> {
    let catalog = parser.catalog();
    let a = parser.reader().analyze(catalog, text, today);
    let names_measure = a
        .mentions
        .iter()
        .any(|m| !m.absorbed && effective(catalog, m).0 == Role::Measure);
    let is_new = names_measure
        && !starts_followup(&a)
        && !has(&a, &["instead", "too", "also"])
        && !a
            .tokens
            .windows(2)
            .any(|w| w[0].text == "as" && w[1].text == "well");
    if is_new {
        return parser.translate(text, today);
    }
    let Some(prev) = previous.query.as_object() else {
        return parser.translate(text, today);
    };
    let index = |name: &str| catalog.members().iter().position(|m| m.name == name);
    let strings = |key: &str| -> Vec<String> {
        prev.get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut measures: Vec<usize> = strings("measures")
        .iter()
        .filter_map(|n| index(n))
        .collect();
    let mut dimensions: Vec<usize> = strings("dimensions")
        .iter()
        .filter_map(|n| index(n))
        .collect();
    let mut segments: Vec<usize> = strings("segments")
        .iter()
        .filter_map(|n| index(n))
        .collect();
    let mut time: Map<String, Value> = prev
        .get("timeDimensions")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut filters: Vec<Value> = prev
        .get("filters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut order: Map<String, Value> = prev
        .get("order")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut limit: Option<u64> = prev.get("limit").and_then(Value::as_u64);

    let mut context: Vec<usize> = measures.iter().chain(&dimensions).copied().collect();
    if let Some(td) = time
        .get("dimension")
        .and_then(Value::as_str)
        .and_then(index)
    {
        context.push(td);
    }
    let r = build::resolve_analysis(parser, &a, &context);
    let adding = additive(&a);
    let mut changed = false;

    // Measures.
    if !r.measures.is_empty() && r.explicit_measure {
        if adding {
            for m in &r.measures {
                if !measures.contains(m) {
                    measures.push(*m);
                }
            }
        } else {
            let old: Vec<String> = measures
                .iter()
                .map(|&m| parser.name(m).to_owned())
                .collect();
            measures = r.measures.clone();
            let first = measures.first().map(|&m| parser.name(m).to_owned());
            let mut renamed = Map::new();
            for (k, v) in order {
                match (&first, old.contains(&k)) {
                    (Some(f), true) => renamed.insert(f.clone(), v),
                    _ => renamed.insert(k, v),
                };
            }
            order = renamed;
        }
        changed = true;
    }
    // Groupings.
    if !r.dimensions.is_empty() {
        if adding {
            for d in &r.dimensions {
                if !dimensions.contains(d) {
                    dimensions.push(*d);
                }
            }
        } else {
            dimensions = r.dimensions.clone();
        }
        changed = true;
    }
    segments.extend(
        r.segments
            .iter()
            .filter(|s| !segments.contains(s))
            .copied()
            .collect::<Vec<_>>(),
    );
    changed |= !r.segments.is_empty();

    // Filters: "remove the filters", "all channels", then new ones.
    let removing = has(
        &a,
        &[
            "remove",
            "drop",
            "clear",
            "all",
            "any",
            "without",
            "unfiltered",
        ],
    );
    if removing && a.values.is_empty() {
        let named: Vec<&str> = a
            .mentions
            .iter()
            .flat_map(|m| m.candidates.iter().map(|e| parser.name(e.member)))
            .collect();
        let before = filters.len();
        if has(&a, &["filter", "filters", "unfiltered"]) && named.is_empty() {
            filters.clear();
        } else {
            filters.retain(|f| {
                !f.get("member")
                    .and_then(Value::as_str)
                    .is_some_and(|m| named.contains(&m))
            });
            // "all channels" also removes the grouping it implied nothing about.
            if filters.len() < before {
                dimensions.retain(|d| !r.dimensions.contains(d) || adding);
            }
        }
        changed |= filters.len() < before;
    }
    for f in &r.filters {
        replace_filter(parser, &mut filters, f);
        changed = true;
    }

    // Time.
    let ranges = a.ranges();
    let granularity = a.granularity();
    let trend = a.wants_trend();
    let wants_time = !ranges.is_empty() || granularity.is_some() || trend || r.time_group.is_some();
    if wants_time {
        if let Some(td) = r.time_group {
            time.insert("dimension".into(), json!(parser.name(td)));
        }
        if !time.contains_key("dimension") {
            let td = pick_time(catalog, parser.joins(), &r.resolution).or_else(|| {
                measures
                    .first()
                    .and_then(|&m| pick_owner_time(parser, &catalog.members()[m].owner))
            });
            match td {
                Some(td) => {
                    time.insert("dimension".into(), json!(parser.name(td)));
                }
                None => {
                    return Err(parser
                        .not_understood(&[text.to_owned()], "the query has no time dimension"))
                }
            }
        }
        if let Some(g) = granularity.or(r.time_group.map(|_| "day")) {
            time.insert("granularity".into(), json!(g));
        } else if trend && !time.contains_key("granularity") {
            let range = ranges.first().copied();
            time.insert("granularity".into(), json!(build::trend_granularity(range)));
        }
        let compare = a.compare && ranges.len() == 1;
        if ranges.len() >= 2 || compare {
            let mut list: Vec<Value> = Vec::new();
            if compare {
                if let Some(current) = time.get("dateRange") {
                    list.push(current.clone());
                }
            }
            list.extend(ranges.iter().map(|r| r.to_json()));
            time.remove("dateRange");
            time.insert("compareDateRange".into(), Value::Array(list));
        } else if let Some(range) = ranges.first() {
            time.remove("compareDateRange");
            time.insert("dateRange".into(), range.to_json());
        }
        changed = true;
    }

    // Ranking.
    let ranking = &a.ranking;
    if let Some(dir) = ranking.direction {
        let key = r
            .sort_key
            .or_else(|| measures.first().copied())
            .map(|m| parser.name(m).to_owned());
        if let Some(key) = key {
            order = Map::new();
            order.insert(key, json!(dir.as_str()));
        }
        if ranking.top {
            limit = Some(u64::from(ranking.limit.unwrap_or(10)));
        }
        changed = true;
    }
    if let (Some(n), false) = (ranking.limit, ranking.top) {
        limit = Some(u64::from(n));
        changed = true;
    }
    let chart = a.chart.map(|c| c.chart).or(previous.chart);
    changed |= a.chart.is_some();

    if !changed {
        let mut words = a.unmatched.clone();
        words.extend(r.unresolved.iter().cloned());
        if words.is_empty() {
            words.push(text.to_owned());
        }
        return Err(parser.not_understood(&words, "no change to the previous question"));
    }

    let mut q = Map::new();
    let names = |list: &[usize]| -> Value {
        Value::Array(list.iter().map(|&m| json!(parser.name(m))).collect())
    };
    if !measures.is_empty() {
        q.insert("measures".into(), names(&measures));
    }
    if !dimensions.is_empty() {
        q.insert("dimensions".into(), names(&dimensions));
    }
    if !time.is_empty() {
        q.insert(
            "timeDimensions".into(),
            json!([Value::Object(time.clone())]),
        );
    }
    if !filters.is_empty() {
        q.insert("filters".into(), Value::Array(filters));
    }
    if !segments.is_empty() {
        q.insert("segments".into(), names(&segments));
    }
    if !order.is_empty() {
        q.insert("order".into(), Value::Object(order.clone()));
    }
    if let Some(l) = limit {
        q.insert("limit".into(), json!(l));
    }
    let intent = if time.contains_key("compareDateRange") {
        Intent::Comparison
    } else if previous.intent == Intent::Anomaly && time.contains_key("granularity") {
        Intent::Anomaly
    } else if limit.is_some() && !order.is_empty() {
        Intent::TopN
    } else if time.contains_key("granularity") {
        Intent::Trend
    } else if !dimensions.is_empty() {
        Intent::Distribution
    } else {
        Intent::Metric
    };
    let mut unmatched = a.unmatched;
    unmatched.extend(r.unresolved);
    Ok(Translation {
        query: Value::Object(q),
        intent,
        chart,
        unmatched,
    })
}

fn pick_owner_time(parser: &OfflineParser<'_>, owner: &str) -> Option<usize> {
    parser
        .catalog()
        .members()
        .iter()
        .position(|m| m.owner == owner && m.is_time())
}

/// Replaces the filter on the same member (and operator family), or adds it.
fn replace_filter(parser: &OfflineParser<'_>, filters: &mut Vec<Value>, f: &FilterSpec) {
    let name = parser.name(f.member);
    let equality = |op: &str| matches!(op, "equals" | "notEquals");
    let new_is_equality = equality(f.operator);
    filters.retain(|old| {
        let same_member = old.get("member").and_then(Value::as_str) == Some(name);
        let old_op = old.get("operator").and_then(Value::as_str).unwrap_or("");
        !(same_member && (equality(old_op) == new_is_equality))
    });
    filters.push(json!({
        "member": name,
        "operator": f.operator,
        "values": f.values,
    }));
}
