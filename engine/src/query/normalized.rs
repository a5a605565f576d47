//! The normalized query Cube echoes in responses.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::request::{Filter, Query};
use crate::plan::LogicalPlan;

/// A query as Cube echoes it: defaults filled in, relative dates resolved,
/// `order` as `[{"id", "desc"}]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct NormalizedQuery(pub Value);

fn filter_json(f: &Filter) -> Value {
    match f {
        Filter::And(v) => json!({"and": v.iter().map(filter_json).collect::<Vec<_>>()}),
        Filter::Or(v) => json!({"or": v.iter().map(filter_json).collect::<Vec<_>>()}),
        Filter::Member {
            member,
            operator,
            values,
        } => {
            let mut o = Map::new();
            o.insert("member".into(), member.clone().into());
            o.insert("operator".into(), operator.as_str().into());
            if !values.is_empty() {
                o.insert(
                    "values".into(),
                    values
                        .iter()
                        .map(|v| v.clone().map(Value::String).unwrap_or(Value::Null))
                        .collect(),
                );
            }
            Value::Object(o)
        }
    }
}

impl NormalizedQuery {
    /// Normalizes `query` with what planning resolved.
    pub fn new(query: &Query, plan: &LogicalPlan) -> NormalizedQuery {
        let mut o = Map::new();
        o.insert("measures".into(), json!(query.measures));
        o.insert("dimensions".into(), json!(query.dimensions));
        let tds: Vec<Value> = query
            .time_dimensions
            .iter()
            .zip(&plan.time_ranges)
            .map(|(td, tr)| {
                let mut t = Map::new();
                t.insert("dimension".into(), td.dimension.clone().into());
                if let Some(g) = td.granularity {
                    t.insert("granularity".into(), g.as_str().into());
                }
                if let Some(r) = tr.range {
                    t.insert("dateRange".into(), json!(r.to_strings()));
                }
                if let Some(c) = &td.compare_date_range {
                    t.insert(
                        "compareDateRange".into(),
                        c.iter().map(|r| r.to_json()).collect(),
                    );
                }
                Value::Object(t)
            })
            .collect();
        o.insert("timeDimensions".into(), Value::Array(tds));
        o.insert("segments".into(), json!(query.segments));
        o.insert(
            "filters".into(),
            query.filters.iter().map(filter_json).collect(),
        );
        let order: Vec<Value> = match &query.order {
            Some(ord) => ord
                .iter()
                .map(|(id, desc)| json!({"id": id, "desc": desc}))
                .collect(),
            None => plan
                .order
                .iter()
                .filter_map(|o| {
                    let name = plan
                        .dimensions
                        .iter()
                        .find(|d| d.alias == o.alias)
                        .map(|d| d.alt_name.clone().unwrap_or_else(|| d.name.clone()))
                        .or_else(|| {
                            plan.measures
                                .iter()
                                .find(|m| m.alias == o.alias)
                                .map(|m| m.name.clone())
                        })?;
                    Some(json!({"id": name, "desc": o.desc}))
                })
                .collect(),
        };
        o.insert("order".into(), Value::Array(order));
        o.insert("limit".into(), plan.limit.into());
        if let Some(off) = plan.offset {
            o.insert("offset".into(), off.into());
        }
        if query.total {
            o.insert("total".into(), true.into());
        }
        if query.ungrouped {
            o.insert("ungrouped".into(), true.into());
        }
        o.insert("timezone".into(), query.timezone.clone().into());
        o.insert("rowLimit".into(), plan.limit.into());
        o.insert("queryType".into(), "regularQuery".into());
        NormalizedQuery(Value::Object(o))
    }
}
