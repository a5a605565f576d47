//! Whether a rollup can answer a query, by Cube's rules: every member is
//! covered, the time granularity can be rolled up from the stored one,
//! date ranges fall on bucket edges, and non-additive measures are only read
//! at exactly the stored grain.

use strata_schema::{Granularity, MeasureType, MemberPath, PreAggregationType, SemanticModel};

use crate::plan::{LogicalPlan, PlanFilter};
use crate::query::date_range::{add_periods, period_start};

/// A rollup declared in the model, with its members resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupDef {
    /// `Cube.name`.
    pub id: String,
    /// Owning cube.
    pub cube: String,
    /// Measures stored.
    pub measures: Vec<MemberPath>,
    /// Dimensions stored.
    pub dimensions: Vec<MemberPath>,
    /// Time dimensions stored, with their granularity.
    pub time_dimensions: Vec<(MemberPath, Granularity)>,
    /// Segments applied when building.
    pub segments: Vec<MemberPath>,
    /// `refresh_key.every`, in seconds.
    pub refresh_every_secs: u64,
    /// `refresh_key.sql`.
    pub refresh_sql: Option<String>,
}

fn granularity_rank(g: Granularity) -> u8 {
    match g {
        Granularity::Second => 0,
        Granularity::Minute => 1,
        Granularity::Hour => 2,
        Granularity::Day => 3,
        Granularity::Week => 4,
        Granularity::Month => 5,
        Granularity::Quarter => 6,
        Granularity::Year => 7,
    }
}

/// Whether buckets of `query` are unions of buckets of `stored`.
pub fn rolls_up(stored: Granularity, query: Granularity) -> bool {
    if stored == query {
        return true;
    }
    if granularity_rank(stored) > granularity_rank(query) {
        return false;
    }
    match query {
        // Weeks do not align with months, quarters or years.
        Granularity::Week => granularity_rank(stored) <= granularity_rank(Granularity::Day),
        _ => stored != Granularity::Week,
    }
}

/// Parses `refresh_key.every` (`1 hour`, `30 minutes`, `2 days`) into
/// seconds; `None` when it is not such an interval.
///
/// Cube's syntax is one whole amount and one unit (any case, singular or
/// plural), read by the schema's [`Interval`](strata_schema::Interval) as
/// before; Cube refuses `12h`, and so does this. `humantime` turns the
/// fixed-length units into seconds. Calendar units have no fixed length, and
/// humantime has no quarter and counts a month as 30.44 days and a year as
/// 365.25, so they stay at 30, 91 and 365 days.
pub fn every_secs(every: &str) -> Option<u64> {
    let i: strata_schema::Interval = every.parse().ok()?;
    let amount = u64::try_from(i.amount).ok()?;
    let days: u64 = match i.unit {
        Granularity::Month => 30,
        Granularity::Quarter => 91,
        Granularity::Year => 365,
        unit => {
            let text = format!("{amount} {}", unit.as_str());
            return humantime::parse_duration(&text).ok().map(|d| d.as_secs());
        }
    };
    amount.checked_mul(days * 86_400)
}

/// Every `rollup` pre-aggregation of a model.
pub fn rollup_defs(model: &SemanticModel) -> Vec<RollupDef> {
    let mut out = Vec::new();
    for cube in model.cubes.values() {
        for p in cube.pre_aggregations.values() {
            if p.kind != PreAggregationType::Rollup
                || p.measures.is_empty() && p.dimensions.is_empty()
            {
                continue;
            }
            let key = p.refresh_key.as_ref().or(cube.refresh_key.as_ref());
            out.push(RollupDef {
                id: format!("{}.{}", cube.name, p.name),
                cube: cube.name.clone(),
                measures: p.measures.clone(),
                dimensions: p.dimensions.clone(),
                time_dimensions: p
                    .time_dimensions
                    .iter()
                    .map(|t| (t.dimension.clone(), t.granularity))
                    .collect(),
                segments: p.segments.clone(),
                refresh_every_secs: key
                    .and_then(|k| k.every.as_deref())
                    .and_then(every_secs)
                    .unwrap_or(3600)
                    .max(1),
                refresh_sql: key.and_then(|k| k.sql.clone()),
            });
        }
    }
    out
}

fn is_additive(kind: MeasureType) -> bool {
    matches!(
        kind,
        MeasureType::Count | MeasureType::Sum | MeasureType::Min | MeasureType::Max
    )
}

fn filters_covered(f: &PlanFilter, def: &RollupDef) -> bool {
    match f {
        PlanFilter::And(v) | PlanFilter::Or(v) => v.iter().all(|x| filters_covered(x, def)),
        PlanFilter::DateRange { target, range } => def.time_dimensions.iter().any(|(t, g)| {
            if t != target {
                return false;
            }
            // Both ends must fall on bucket edges of the stored granularity.
            let from_ok = range.from.time() == chrono::NaiveTime::MIN
                && period_start(range.from.date(), *g) == Some(range.from.date());
            let Some(next) = range
                .to
                .checked_add_signed(chrono::Duration::milliseconds(1))
            else {
                return false;
            };
            let to_ok = next.time() == chrono::NaiveTime::MIN
                && period_start(next.date(), *g) == Some(next.date())
                && period_start(range.to.date(), *g).and_then(|d| add_periods(d, *g, 1))
                    == Some(next.date());
            matches!(
                g,
                Granularity::Day
                    | Granularity::Week
                    | Granularity::Month
                    | Granularity::Quarter
                    | Granularity::Year
            ) && from_ok
                && to_ok
        }),
        PlanFilter::Member {
            target,
            dimension_type,
            ..
        } => match dimension_type {
            Some(_) => def.dimensions.contains(target),
            None => def.measures.contains(target),
        },
    }
}

/// Whether `def` can answer `plan`.
pub fn matches(def: &RollupDef, model: &SemanticModel, plan: &LogicalPlan) -> bool {
    if plan.ungrouped || plan.timezone != chrono_tz::Tz::UTC || plan.measures.is_empty() {
        return false;
    }
    let mut additive = true;
    for m in &plan.measures {
        if !def.measures.contains(&m.target) {
            return false;
        }
        let Some(d) = model
            .cube(&m.target.cube)
            .and_then(|c| c.measures.get(&m.target.member))
        else {
            return false;
        };
        if d.is_cumulative() || d.multi_stage {
            return false;
        }
        additive &= is_additive(d.kind);
    }
    let mut plain_dims = Vec::new();
    let mut time_dims = Vec::new();
    for d in &plan.dimensions {
        match d.granularity {
            Some(g) => {
                let Some((_, stored)) = def.time_dimensions.iter().find(|(t, _)| *t == d.target)
                else {
                    return false;
                };
                if !rolls_up(*stored, g) || (!additive && *stored != g) {
                    return false;
                }
                time_dims.push(&d.target);
            }
            None => {
                if !def.dimensions.contains(&d.target) {
                    return false;
                }
                plain_dims.push(&d.target);
            }
        }
    }
    if !additive
        && (plain_dims.len() != def.dimensions.len()
            || time_dims.len() != def.time_dimensions.len())
    {
        return false;
    }
    let mut query_segments = plan.segments.clone();
    let mut def_segments = def.segments.clone();
    query_segments.sort();
    def_segments.sort();
    if query_segments != def_segments {
        return false;
    }
    plan.filters.iter().all(|f| filters_covered(f, def))
        && plan.measure_filters.iter().all(|f| filters_covered(f, def))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granularities_roll_up() {
        assert!(rolls_up(Granularity::Day, Granularity::Month));
        assert!(rolls_up(Granularity::Month, Granularity::Year));
        assert!(rolls_up(Granularity::Day, Granularity::Week));
        assert!(!rolls_up(Granularity::Month, Granularity::Week));
        assert!(!rolls_up(Granularity::Week, Granularity::Month));
        assert!(!rolls_up(Granularity::Month, Granularity::Day));
    }

    #[test]
    fn parses_refresh_intervals() {
        assert_eq!(every_secs("1 hour"), Some(3600));
        assert_eq!(every_secs("30 second"), Some(30));
        assert_eq!(every_secs("soon"), None);
        // Every form the schema's intervals accept, as before.
        assert_eq!(every_secs("30 seconds"), Some(30));
        assert_eq!(every_secs("1 sec"), Some(1));
        assert_eq!(every_secs("5 mins"), Some(300));
        assert_eq!(every_secs("10 Minute"), Some(600));
        assert_eq!(every_secs("1 HOUR"), Some(3600));
        assert_eq!(every_secs("  2   days "), Some(172_800));
        assert_eq!(every_secs("1 week"), Some(604_800));
        assert_eq!(every_secs("1 month"), Some(30 * 86_400));
        assert_eq!(every_secs("2 quarters"), Some(2 * 91 * 86_400));
        assert_eq!(every_secs("1 year"), Some(365 * 86_400));
        assert_eq!(every_secs("0 second"), Some(0));
        // Not Cube's syntax: refused as before.
        assert_eq!(every_secs("1h"), None);
        assert_eq!(every_secs("1 hour 30 minutes"), None);
        assert_eq!(every_secs("1.5 hour"), None);
        assert_eq!(every_secs("-1 hour"), None);
        // Too long for a u64 of seconds: refused, not wrapped.
        assert_eq!(every_secs("9223372036854775807 year"), None);
        assert_eq!(every_secs("9223372036854775807 hour"), None);
    }
}
