//! Measures over time series: rolling windows aggregated over generated
//! time buckets, and time-shifted multi-stage measures.

use sqlparser::ast::{BinaryOperator, Expr, Select};
use strata_schema::{
    Granularity, Interval, MeasureType, MemberPath, RollingWindow, TimeShiftDirection, WindowBound,
    WindowOffset,
};

use super::ast::{self, aliased, cast, data_type, func, qcol, JoinKind};
use super::context::RenderContext;
use super::postgres::{group_by_dimensions, PostgresRenderer};
use crate::error::{query_err, QueryError};
use crate::plan::{LogicalPlan, PlanDimension, PlanFilter, PlanMeasure};

impl PostgresRenderer<'_> {
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
            if let Some(extra) = self.window_range_filter(ctx, plan, w, None)? {
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
        let step = step_interval(granularity);
        // Time series of bucket starts and ends, in local time.
        let from_p = cast(
            ctx.param(Some(crate::query::date_range::format_local(&range.from))),
            data_type("timestamp"),
        );
        let to_p = cast(
            ctx.param(Some(crate::query::date_range::format_local(&range.to))),
            data_type("timestamp"),
        );
        let series = ast::table_function(
            "generate_series",
            vec![
                func(
                    "date_trunc",
                    vec![ast::internal_string(granularity.as_str()), from_p],
                ),
                to_p,
                ast::interval(step),
            ],
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
                    ast::interval(step),
                ),
                BinaryOperator::Minus,
                ast::interval("1 millisecond"),
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
        if let Some(extra) = self.window_range_filter(ctx, plan, w, Some(&td.target))? {
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
                shift(anchor, b, BinaryOperator::Minus),
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
                    Some(b) => shift(anchor, b, BinaryOperator::Plus),
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
            MeasureType::CountDistinctApprox => cast(
                func(
                    "NULLIF",
                    vec![ast::func_distinct("count", vec![v]), ast::number(0)],
                ),
                data_type("double precision"),
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

    /// The date range of the time dimensions widened by a window, as a condition.
    fn window_range_filter(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
        w: RollingWindow,
        only: Option<&MemberPath>,
    ) -> Result<Option<Expr>, QueryError> {
        let mut conds = Vec::new();
        for tr in &plan.time_ranges {
            if only.is_some_and(|o| *o != tr.target) {
                continue;
            }
            let Some(range) = tr.range else { continue };
            let t = ctx.time_dimension(&tr.target, None)?;
            if let Some(b) = w.trailing.filter(|b| *b != WindowBound::Unbounded) {
                let from = cast(
                    ctx.param(Some(crate::query::date_range::format_local(&range.from))),
                    data_type("timestamp"),
                );
                conds.push(ast::binop(
                    t.clone(),
                    BinaryOperator::GtEq,
                    shift(from, b, BinaryOperator::Minus),
                ));
            } else if w.trailing.is_none() {
                let from = cast(
                    ctx.param(Some(crate::query::date_range::format_local(&range.from))),
                    data_type("timestamp"),
                );
                conds.push(ast::binop(t.clone(), BinaryOperator::GtEq, from));
            }
            if w.leading != Some(WindowBound::Unbounded) {
                let to = cast(
                    ctx.param(Some(crate::query::date_range::format_local(&range.to))),
                    data_type("timestamp"),
                );
                let bound = match w.leading {
                    Some(b) => shift(to, b, BinaryOperator::Plus),
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
        let shift_for = |target: &MemberPath| -> Option<Interval> {
            def.time_shift
                .iter()
                .find(|s| s.time_dimension.as_ref().is_none_or(|t| t == target))
                .map(|s| match s.direction {
                    TimeShiftDirection::Prior => s.interval,
                    TimeShiftDirection::Next => Interval {
                        amount: -s.interval.amount,
                        unit: s.interval.unit,
                    },
                })
        };
        let mut s = ast::blank_select();
        for d in &plan.dimensions {
            let e = match (d.granularity, shift_for(&d.target)) {
                (Some(g), Some(i)) => {
                    let t = ctx.time_dimension(&d.target, None)?;
                    let shifted = shift(t, WindowBound::Interval(i), BinaryOperator::Plus);
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
            match f {
                PlanFilter::DateRange { target, range } if shift_for(target).is_some() => {
                    let i = shift_for(target).unwrap_or(Interval {
                        amount: 0,
                        unit: strata_schema::IntervalUnit::Day,
                    });
                    let t = ctx.time_dimension(target, None)?;
                    let shifted = shift(t, WindowBound::Interval(i), BinaryOperator::Plus);
                    let a = cast(
                        ctx.param(Some(crate::query::date_range::format_local(&range.from))),
                        data_type("timestamp"),
                    );
                    let b = cast(
                        ctx.param(Some(crate::query::date_range::format_local(&range.to))),
                        data_type("timestamp"),
                    );
                    conds.push(ast::binop(
                        ast::binop(shifted.clone(), BinaryOperator::GtEq, a),
                        BinaryOperator::And,
                        ast::binop(shifted, BinaryOperator::LtEq, b),
                    ));
                }
                other => rest.push(other.clone()),
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

fn step_interval(g: Granularity) -> &'static str {
    match g {
        Granularity::Second => "1 second",
        Granularity::Minute => "1 minute",
        Granularity::Hour => "1 hour",
        Granularity::Day => "1 day",
        Granularity::Week => "1 week",
        Granularity::Month => "1 month",
        Granularity::Quarter => "3 month",
        Granularity::Year => "1 year",
    }
}

fn interval_text(i: Interval) -> String {
    match i.unit {
        strata_schema::IntervalUnit::Quarter => format!("{} month", i.amount * 3),
        u => format!("{} {}", i.amount, u.as_str()),
    }
}

fn shift(e: Expr, b: WindowBound, op: BinaryOperator) -> Expr {
    match b {
        WindowBound::Interval(i) => ast::binop(e, op, ast::interval(&interval_text(i))),
        WindowBound::Unbounded => e,
    }
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
