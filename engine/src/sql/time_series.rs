//! Measures over time series: rolling windows aggregated over generated
//! time buckets, and time-shifted multi-stage measures.

use chrono::NaiveDateTime;
use sqlparser::ast::{BinaryOperator, Expr, Select};
use strata_schema::{
    Granularity, Interval, IntervalUnit, MeasureType, MemberPath, RollingWindow,
    TimeShiftDirection, WindowBound, WindowOffset,
};

use super::ast::{self, aliased, func, qcol, JoinKind};
use super::context::RenderContext;
use super::render::{group_by_dimensions, SqlRenderer};
use crate::dialect::SqlType;
use crate::error::{query_err, QueryError};
use crate::plan::{LogicalPlan, PlanDimension, PlanFilter, PlanMeasure};
use crate::query::date_range::{add_interval, interval_seconds, truncate, DateRange};

impl SqlRenderer<'_> {
    /// A rolling-window measure over a series of time buckets.
    pub(super) fn rolling_select(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
        m: &PlanMeasure,
        w: RollingWindow,
    ) -> Result<Select, QueryError> {
        let td = plan.dimensions.iter().find(|d| d.granularity.is_some());
        let Some(td) = td else {
            // Without a time series the window covers the whole date range.
            let filters = window_filters(plan, None);
            let mut s = self.grouped_select(ctx, plan, std::slice::from_ref(m), &filters)?;
            if let Some(extra) = self.window_range_filter(ctx, plan, m, w, None)? {
                s.selection = Some(match s.selection.take() {
                    Some(x) => ast::binop(x, BinaryOperator::And, extra),
                    None => extra,
                });
            }
            return Ok(s);
        };
        let granularity = td.granularity.unwrap_or(Granularity::Day);
        let range = plan
            .time_ranges
            .iter()
            .find(|t| t.target == td.target)
            .and_then(|t| t.range)
            .ok_or_else(|| {
                query_err!(
                    "Time series queries without dateRange aren't supported: add a dateRange to \
                     {} to use the rolling window of {}",
                    td.alt_name.as_deref().unwrap_or(&td.name),
                    m.name
                )
            })?;
        check_window_reach(ctx, &m.name, w, &range, Some(granularity))?;
        let step = Interval {
            amount: 1,
            unit: granularity,
        };
        // Time series of bucket starts and ends, in local time.
        let from_p = ctx.local_timestamp(&range.from)?;
        let to_p = ctx.local_timestamp(&range.to)?;
        let series = ctx.dialect.time_series(
            ctx.dialect.date_trunc(granularity, from_p),
            to_p,
            step,
            "s",
            "date_from",
        );
        let mut ts = ast::blank_select();
        ts.projection
            .push(aliased(qcol("s", "date_from"), "date_from"));
        ts.projection.push(aliased(
            ast::binop(
                ast::binop(
                    qcol("s", "date_from"),
                    BinaryOperator::Plus,
                    ctx.dialect.interval(step),
                ),
                BinaryOperator::Minus,
                ctx.dialect.interval_literal(1, "millisecond"),
            ),
            "date_to",
        ));
        ts.from.push(ast::from(series));

        // Row-level values within the window of the whole range.
        let mut base = ast::blank_select();
        let t = ctx.time_dimension(&td.target, None)?;
        base.projection.push(aliased(t, "__t"));
        let others: Vec<&PlanDimension> = plan
            .dimensions
            .iter()
            .filter(|d| d.alias != td.alias)
            .collect();
        for d in &others {
            let e = ctx.output_dimension(&d.target, d.kind, d.granularity)?;
            base.projection.push(aliased(e, &d.alias));
        }
        base.projection
            .push(aliased(ctx.measure_ungrouped(&m.target)?, "__v"));
        base.from.push(self.join_tree_sql(ctx, plan)?);
        let filters = window_filters(plan, Some(&td.target));
        base.selection = self.where_clause(ctx, plan, &filters)?;
        if let Some(extra) = self.window_range_filter(ctx, plan, m, w, Some(&td.target))? {
            base.selection = Some(match base.selection.take() {
                Some(x) => ast::binop(x, BinaryOperator::And, extra),
                None => extra,
            });
        }

        let t = qcol("base", "__t");
        let mut on = Vec::new();
        if let Some(b) = w.trailing.filter(|b| *b != WindowBound::Unbounded) {
            let (anchor, op) = match w.offset {
                WindowOffset::Start => (qcol("ts", "date_from"), BinaryOperator::GtEq),
                WindowOffset::End => (qcol("ts", "date_to"), BinaryOperator::Gt),
            };
            on.push(ast::binop(
                t.clone(),
                op,
                shift(ctx, anchor, b, BinaryOperator::Minus, &m.name)?,
            ));
        } else if w.trailing.is_none() {
            let (anchor, op) = match w.offset {
                WindowOffset::Start => (qcol("ts", "date_from"), BinaryOperator::GtEq),
                WindowOffset::End => (qcol("ts", "date_to"), BinaryOperator::Gt),
            };
            on.push(ast::binop(t.clone(), op, anchor));
        }
        match w.leading {
            Some(WindowBound::Unbounded) => {}
            other => {
                let (anchor, op) = match w.offset {
                    WindowOffset::End => (qcol("ts", "date_to"), BinaryOperator::LtEq),
                    WindowOffset::Start => (qcol("ts", "date_from"), BinaryOperator::Lt),
                };
                let bound = match other {
                    Some(b) => shift(ctx, anchor, b, BinaryOperator::Plus, &m.name)?,
                    None => anchor,
                };
                on.push(ast::binop(t, op, bound));
            }
        }

        let mut s = ast::blank_select();
        for d in &plan.dimensions {
            let e = if d.alias == td.alias {
                qcol("ts", "date_from")
            } else {
                qcol("base", &d.alias)
            };
            s.projection.push(aliased(e, &d.alias));
        }
        let v = qcol("base", "__v");
        let agg = match m.kind {
            MeasureType::Count => func(
                "sum",
                vec![ast::case(
                    vec![(ast::is_null(v, true), ast::number(1))],
                    None,
                )],
            ),
            MeasureType::CountDistinct => ast::func_distinct("count", vec![v]),
            MeasureType::CountDistinctApprox => ctx.cast(
                func(
                    "NULLIF",
                    vec![ast::func_distinct("count", vec![v]), ast::number(0)],
                ),
                SqlType::Double,
            ),
            MeasureType::Avg => func("avg", vec![v]),
            MeasureType::Min => func("min", vec![v]),
            MeasureType::Max => func("max", vec![v]),
            MeasureType::Sum | MeasureType::RunningTotal => func("sum", vec![v]),
            other => {
                return Err(query_err!(
                    "rolling window of {} needs an aggregate type, not {}",
                    m.name,
                    other.as_str()
                ))
            }
        };
        s.projection.push(aliased(agg, &m.alias));
        let mut twj = ast::from(ast::derived(ast::query(ts), "ts"));
        twj.joins.push(ast::join(
            ast::derived(ast::query(base), "base"),
            JoinKind::Left,
            ast::and_all(on),
        ));
        s.from.push(twj);
        group_by_dimensions(&mut s, plan);
        Ok(s)
    }

    /// The date range of the time dimensions widened by the window of `m`, as a condition.
    fn window_range_filter(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
        m: &PlanMeasure,
        w: RollingWindow,
        only: Option<&MemberPath>,
    ) -> Result<Option<Expr>, QueryError> {
        let mut conds = Vec::new();
        for tr in &plan.time_ranges {
            if only.is_some_and(|o| *o != tr.target) {
                continue;
            }
            let Some(range) = tr.range else { continue };
            check_window_reach(ctx, &m.name, w, &range, None)?;
            let t = ctx.time_dimension(&tr.target, None)?;
            if let Some(b) = w.trailing.filter(|b| *b != WindowBound::Unbounded) {
                let from = ctx.local_timestamp(&range.from)?;
                conds.push(ast::binop(
                    t.clone(),
                    BinaryOperator::GtEq,
                    shift(ctx, from, b, BinaryOperator::Minus, &m.name)?,
                ));
            } else if w.trailing.is_none() {
                let from = ctx.local_timestamp(&range.from)?;
                conds.push(ast::binop(t.clone(), BinaryOperator::GtEq, from));
            }
            if w.leading != Some(WindowBound::Unbounded) {
                let to = ctx.local_timestamp(&range.to)?;
                let bound = match w.leading {
                    Some(b) => shift(ctx, to, b, BinaryOperator::Plus, &m.name)?,
                    None => to,
                };
                conds.push(ast::binop(t, BinaryOperator::LtEq, bound));
            }
        }
        Ok(ast::and_all(conds))
    }

    /// A multi-stage measure computed over time shifted by its `time_shift`.
    pub(super) fn shifted_select(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
        m: &PlanMeasure,
    ) -> Result<Select, QueryError> {
        let def = self
            .model
            .cube(&m.target.cube)
            .and_then(|c| c.measures.get(&m.target.member))
            .ok_or_else(|| query_err!("{} not found", m.name))?;
        // Each shift as the interval added to the time (negative for `next`).
        let mut shifts = Vec::with_capacity(def.time_shift.len());
        for s in &def.time_shift {
            check_interval(ctx, s.interval, &m.name)?;
            let amount = match s.direction {
                TimeShiftDirection::Prior => Some(s.interval.amount),
                TimeShiftDirection::Next => s.interval.amount.checked_neg(),
            };
            let amount = amount.ok_or_else(|| interval_out_of_range(ctx, s.interval, &m.name))?;
            let interval = Interval {
                amount,
                unit: s.interval.unit,
            };
            shifts.push((s.time_dimension.as_ref(), interval));
        }
        let shift_for = |target: &MemberPath| -> Option<Interval> {
            shifts
                .iter()
                .find(|(t, _)| t.is_none_or(|t| t == target))
                .map(|(_, i)| *i)
        };
        let mut s = ast::blank_select();
        for d in &plan.dimensions {
            let e = match (d.granularity, shift_for(&d.target)) {
                (Some(g), Some(i)) => {
                    let t = ctx.time_dimension(&d.target, None)?;
                    let shifted = shift(
                        ctx,
                        t,
                        WindowBound::Interval(i),
                        BinaryOperator::Plus,
                        &m.name,
                    )?;
                    func(
                        "date_trunc",
                        vec![ast::internal_string(g.as_str()), shifted],
                    )
                }
                _ => ctx.output_dimension(&d.target, d.kind, d.granularity)?,
            };
            s.projection.push(aliased(e, &d.alias));
        }
        let e = if def.kind == MeasureType::Number {
            ctx.measure(&m.target, false, 0)?
        } else {
            return Err(query_err!(
                "time-shifted multi-stage measure {} must be of type number",
                m.name
            ));
        };
        s.projection.push(aliased(e, &m.alias));
        s.from.push(self.join_tree_sql(ctx, plan)?);
        // Date ranges apply to the shifted time.
        let mut conds = Vec::new();
        let mut rest = Vec::new();
        for f in &plan.filters {
            let shifted_range = match f {
                PlanFilter::DateRange { target, range } => {
                    shift_for(target).map(|i| (target, range, i))
                }
                _ => None,
            };
            match shifted_range {
                Some((target, range, i)) => {
                    // Rows are read from the range moved back by the shift.
                    for end in [range.from, range.to] {
                        check_moved(ctx, end, &[(i, -1)], || {
                            format!("The time shift of {} over {}", m.name, range.describe())
                        })?;
                    }
                    let t = ctx.time_dimension(target, None)?;
                    let shifted = shift(
                        ctx,
                        t,
                        WindowBound::Interval(i),
                        BinaryOperator::Plus,
                        &m.name,
                    )?;
                    let a = ctx.local_timestamp(&range.from)?;
                    let b = ctx.local_timestamp(&range.to)?;
                    conds.push(ast::binop(
                        ast::binop(shifted.clone(), BinaryOperator::GtEq, a),
                        BinaryOperator::And,
                        ast::binop(shifted, BinaryOperator::LtEq, b),
                    ));
                }
                None => rest.push(f.clone()),
            }
        }
        if let Some(w) = self.where_clause(ctx, plan, &rest)? {
            conds.push(w);
        }
        s.selection = ast::and_all(conds);
        group_by_dimensions(&mut s, plan);
        Ok(s)
    }
}

/// The error for an interval of `owner` (a measure) the target cannot write.
fn interval_out_of_range(ctx: &RenderContext<'_>, i: Interval, owner: &str) -> QueryError {
    let years = max_interval_seconds(ctx, i.unit) / 31_556_952;
    query_err!(
        "The interval \"{i}\" of {owner} is out of range{}: rolling windows and time shifts \
         may span at most {years} years",
        ctx.time_bounds().scope
    )
}

/// Longest interval of `unit` the target can write, in seconds: the span of
/// the dates it holds and, on DataFusion, what an interval's nanoseconds
/// hold in an `i64` (about 292 years) for units shorter than a day.
fn max_interval_seconds(ctx: &RenderContext<'_>, unit: IntervalUnit) -> i64 {
    ctx.dialect.max_interval_seconds(unit)
}

/// Checks that the target can write interval `i` of `owner` (a measure):
/// longer intervals would overflow the database's interval or move every
/// date out of range.
fn check_interval(ctx: &RenderContext<'_>, i: Interval, owner: &str) -> Result<(), QueryError> {
    if interval_seconds(i) > max_interval_seconds(ctx, i.unit) {
        return Err(interval_out_of_range(ctx, i, owner));
    }
    Ok(())
}

/// Checks that `t` moved by each `n` × interval in turn stays within the
/// dates the target holds; `what` names the move in the error.
fn check_moved(
    ctx: &RenderContext<'_>,
    t: NaiveDateTime,
    moves: &[(Interval, i64)],
    what: impl Fn() -> String,
) -> Result<(), QueryError> {
    let bounds = ctx.time_bounds();
    let mut at = Some(t);
    for (i, n) in moves {
        at = at
            .and_then(|x| add_interval(&x, *i, *n))
            .filter(|x| bounds.contains(x));
    }
    match at {
        Some(x) if bounds.contains(&x) => Ok(()),
        _ => Err(bounds.out_of_range(what())),
    }
}

/// Checks the intervals of window `w` of measure `owner` and that the
/// window over `range` stays within the dates the target holds. With a
/// time series of `granularity`, the series starts at `from` truncated and
/// its last bucket ends one bucket after `to`; the window reaches back from
/// the start by its trailing bound and on from the end by its leading one.
fn check_window_reach(
    ctx: &RenderContext<'_>,
    owner: &str,
    w: RollingWindow,
    range: &DateRange,
    granularity: Option<Granularity>,
) -> Result<(), QueryError> {
    let bounded = |b: Option<WindowBound>| match b {
        Some(WindowBound::Interval(i)) => Some(i),
        _ => None,
    };
    let (trailing, leading) = (bounded(w.trailing), bounded(w.leading));
    for i in trailing.iter().chain(leading.iter()) {
        check_interval(ctx, *i, owner)?;
    }
    let what = || format!("The rolling window of {owner} over {}", range.describe());
    let first = match granularity {
        Some(g) => {
            truncate(&range.from, g).ok_or_else(|| ctx.time_bounds().out_of_range(what()))?
        }
        None => range.from,
    };
    let back: Vec<(Interval, i64)> = trailing.map(|i| (i, -1)).into_iter().collect();
    check_moved(ctx, first, &back, what)?;
    let step = granularity.map(|unit| Interval { amount: 1, unit });
    let ahead: Vec<(Interval, i64)> = step.into_iter().chain(leading).map(|i| (i, 1)).collect();
    check_moved(ctx, range.to, &ahead, what)
}

/// `e` moved by window bound `b` of measure `owner` (`e` itself when unbounded).
fn shift(
    ctx: &RenderContext<'_>,
    e: Expr,
    b: WindowBound,
    op: BinaryOperator,
    owner: &str,
) -> Result<Expr, QueryError> {
    Ok(match b {
        WindowBound::Interval(i) => {
            check_interval(ctx, i, owner)?;
            ast::binop(e, op, ctx.dialect.interval(i))
        }
        WindowBound::Unbounded => e,
    })
}

/// Filters without the date ranges a window replaces.
fn window_filters(plan: &LogicalPlan, only: Option<&MemberPath>) -> Vec<PlanFilter> {
    plan.filters
        .iter()
        .filter(|f| match f {
            PlanFilter::DateRange { target, .. } => only.is_some_and(|o| o != target),
            _ => true,
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::testing::windows_engine;

    fn by(measure: &str, granularity: Option<&str>, range: Option<[&str; 2]>) -> Value {
        let mut td = json!({"dimension": "Events.createdAt"});
        if let Some(g) = granularity {
            td["granularity"] = json!(g);
        }
        if let Some(r) = range {
            td["dateRange"] = json!(r);
        }
        json!({"measures": [format!("Events.{measure}")], "timeDimensions": [td]})
    }

    /// The planning error of `query` on PostgreSQL and on DataFusion (`None` when it plans).
    fn errors(query: &Value) -> [Option<String>; 2] {
        let typed = crate::testing::q(query.clone());
        [true, false].map(|postgres| {
            let planned = std::panic::catch_unwind(|| windows_engine(postgres).plan(&typed))
                .unwrap_or_else(|_| panic!("planning {query} panicked (postgres: {postgres})"));
            planned.err().map(|e| e.to_string())
        })
    }

    const Y2020: Option<[&str; 2]> = Some(["2020-01-01", "2020-12-31"]);

    #[test]
    fn huge_window_intervals_are_query_errors() {
        for (measure, granularity) in [
            ("rollingHugeDays", Some("day")),
            ("rollingHugeDays", None),
            ("rollingHugeYears", Some("month")),
            ("rollingHugeYears", None),
            ("rollingHugeQuarters", Some("quarter")),
        ] {
            let query = by(measure, granularity, Y2020);
            for err in errors(&query) {
                let err = err.unwrap_or_else(|| panic!("{query} planned"));
                assert!(
                    err.contains("interval") && err.contains("out of range"),
                    "{query}: {err}"
                );
                assert!(err.contains(&format!("Events.{measure}")), "{err}");
            }
        }
    }

    #[test]
    fn windows_stay_within_each_targets_dates() {
        // 300 years back from 1900 is 1600: PostgreSQL holds it, DataFusion's
        // nanosecond timestamps (from 1677) do not; from 2000 both do.
        let [pg, df] = errors(&by(
            "rolling300Years",
            Some("year"),
            Some(["1900-01-01", "2020-12-31"]),
        ));
        assert_eq!(pg, None);
        let df = df.expect("DataFusion refuses 1600");
        assert!(
            df.contains("out of range for the in-process (DataFusion) engine"),
            "{df}"
        );
        assert!(df.contains("1677-09-22"), "{df}");
        let query = by(
            "rolling300Years",
            Some("year"),
            Some(["2000-01-01", "2020-12-31"]),
        );
        assert_eq!(errors(&query), [None, None]);
        // 300 years of hours: fine in PostgreSQL, past the ~292 years an
        // interval's nanoseconds hold in DataFusion.
        let [pg, df] = errors(&by(
            "rolling300YearsOfHours",
            Some("year"),
            Some(["2100-01-01", "2100-12-31"]),
        ));
        assert_eq!(pg, None);
        let df = df.expect("DataFusion refuses 300 years of hours");
        assert!(df.contains("interval") && df.contains("292 years"), "{df}");
        // The last bucket of a range ending in 9999 ends in year 10000.
        let [pg, _] = errors(&by(
            "rolling2Days",
            Some("year"),
            Some(["9998-01-01", "9999-12-31"]),
        ));
        assert!(pg.is_some_and(|e| e.contains("out of range")));
        let [pg, _] = errors(&by(
            "rolling2Days",
            Some("day"),
            Some(["0001-01-01", "0001-01-31"]),
        ));
        assert!(pg.is_some_and(|e| e.contains("rolling window of Events.rolling2Days")));
        let [pg, _] = errors(&by(
            "rolling2Days",
            Some("day"),
            Some(["0001-01-03", "0001-01-31"]),
        ));
        assert_eq!(pg, None);
    }

    #[test]
    fn time_shifts_are_checked() {
        assert_eq!(errors(&by("priorYear", Some("month"), Y2020)), [None, None]);
        for granularity in [Some("month"), None] {
            for range in [Y2020, None] {
                if granularity.is_none() && range.is_none() {
                    continue;
                }
                let query = by("nextHuge", granularity, range);
                for err in errors(&query) {
                    let err = err.unwrap_or_else(|| panic!("{query} planned"));
                    assert!(err.contains("interval"), "{query}: {err}");
                }
            }
        }
        // 9000 years back from 2020 is before year 1.
        let [pg, df] = errors(&by("prior9000Years", Some("year"), Y2020));
        assert!(pg.is_some_and(|e| e.contains("time shift of Events.prior9000Years")));
        assert!(df.is_some_and(|e| e.contains("interval")));
    }

    #[test]
    fn dates_beyond_datafusion_are_query_errors_there_only() {
        for range in [["2020-01-01", "5000-01-01"], ["1000-01-01", "2020-01-01"]] {
            let [pg, df] = errors(&by("count", Some("day"), Some(range)));
            assert_eq!(pg, None, "{range:?}");
            let df = df.unwrap_or_else(|| panic!("DataFusion planned {range:?}"));
            assert!(df.contains("DataFusion"), "{df}");
        }
        let filter = json!({"measures": ["Events.count"], "filters": [
            {"member": "Events.createdAt", "operator": "afterDate", "values": ["3000-01-01"]}]});
        let [pg, df] = errors(&filter);
        assert_eq!(pg, None);
        assert!(df.is_some_and(|e| e.contains("\"3000-01-01\" is out of range")));
    }
}
