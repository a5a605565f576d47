//! Rendering a [`LogicalPlan`] into SQL as a sqlparser AST, for PostgreSQL
//! (with bound parameters) or DataFusion (see [`super::context::SqlTarget`]).
//!
//! Plain queries become one grouped SELECT. Measures that need more than one
//! aggregation level each get their own grouped subquery, and the subqueries
//! are joined on the dimensions:
//! - measures of a cube whose rows a join repeats (fan-out) are aggregated
//!   over the distinct primary keys of that cube, as Cube does;
//! - rolling windows aggregate rows over a generated time series;
//! - time-shifted multi-stage measures aggregate over shifted time.

use sqlparser::ast::{BinaryOperator, Expr, Select, TableFactor, TableWithJoins};
use strata_schema::{
    Granularity, Interval, MeasureType, MemberPath, RollingWindow, SemanticModel,
    TimeShiftDirection, WindowBound, WindowOffset,
};

use super::ast::{self, aliased, cast, col, data_type, func, qcol, JoinKind};
use super::context::{DialectOptions, RenderContext};
use super::filters::{render_filter, MemberSource, ModelMembers};
use super::multi_stage;
use super::templates::{CompiledSource, CompiledTemplates};
use crate::error::{query_err, QueryError};
use crate::plan::{LogicalPlan, PlanDimension, PlanFilter, PlanMeasure};

/// SQL text with its bound parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlStatement {
    /// PostgreSQL with `$n` placeholders.
    pub sql: String,
    /// Values of the placeholders, in order.
    pub params: Vec<Option<String>>,
}

/// The SQL of a query, and of its row count when `total` was asked.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedQuery {
    /// The query.
    pub main: SqlStatement,
    /// `SELECT count(*)` over the query without limit and offset.
    pub total: Option<SqlStatement>,
    /// The query as a tree (what DataFusion plans directly).
    pub main_ast: sqlparser::ast::Query,
    /// The count query as a tree.
    pub total_ast: Option<sqlparser::ast::Query>,
}

/// Renders plans of one model into PostgreSQL.
pub struct PostgresRenderer<'a> {
    model: &'a SemanticModel,
    templates: &'a CompiledTemplates,
    options: DialectOptions,
}

enum Group {
    /// Measures aggregated over the query's join tree.
    Regular(Vec<PlanMeasure>),
    /// Measures of a multiplied cube, aggregated over its distinct keys.
    Keyed(String, Vec<PlanMeasure>),
    /// A rolling-window measure.
    Rolling(PlanMeasure, RollingWindow),
    /// A time-shifted multi-stage measure.
    Shifted(PlanMeasure),
}

impl<'a> PostgresRenderer<'a> {
    /// A renderer for `model`.
    pub fn new(
        model: &'a SemanticModel,
        templates: &'a CompiledTemplates,
        options: DialectOptions,
    ) -> Self {
        PostgresRenderer {
            model,
            templates,
            options,
        }
    }

    /// Renders `plan`.
    pub fn render(&self, plan: &LogicalPlan) -> Result<RenderedQuery, QueryError> {
        let mut ctx = RenderContext::new(
            self.model,
            self.templates,
            self.options,
            plan.timezone.name(),
        );
        let staged = multi_stage::split(self.model, plan)?;
        let outer_plan = plan;
        let plan = staged.as_ref().map(|s| &s.base).unwrap_or(plan);
        let groups = self.groups(plan)?;
        let simple = matches!(groups.as_slice(), [Group::Regular(_)] | []);
        let inner = if simple {
            let measures = match groups.into_iter().next() {
                Some(Group::Regular(m)) => m,
                _ => vec![],
            };
            let mut s = self.grouped_select(&mut ctx, plan, &measures, &plan.filters)?;
            if !plan.ungrouped {
                for f in &plan.measure_filters {
                    let cond = render_filter(&mut ctx, f, &mut ModelMembers, plan.timezone)?;
                    s.having = Some(match s.having.take() {
                        Some(h) => ast::binop(h, BinaryOperator::And, cond),
                        None => cond,
                    });
                }
            }
            s
        } else {
            self.combined_select(&mut ctx, plan, groups)?
        };
        let inner = match &staged {
            Some(s) => multi_stage::wrap(&mut ctx, self.model, s, outer_plan, inner)?,
            None => inner,
        };
        let plan = outer_plan;
        let inner = ast::query(inner);
        let mut main = inner.clone();
        ast::set_order_by(
            &mut main,
            plan.order
                .iter()
                .map(|o| ast::order_item(col(&o.alias), o.desc))
                .collect(),
        );
        ast::set_limit(&mut main, plan.limit, plan.offset);
        let total_ast = plan.total.then(|| {
            let mut s = ast::blank_select();
            s.projection.push(aliased(ast::func_star("count"), "total"));
            s.from.push(ast::from(ast::derived(inner, "q")));
            ast::query(s)
        });
        let total = total_ast.as_ref().map(|t| SqlStatement {
            sql: t.to_string(),
            params: ctx.params.clone(),
        });
        Ok(RenderedQuery {
            main: SqlStatement {
                sql: main.to_string(),
                params: ctx.params,
            },
            total,
            main_ast: main,
            total_ast,
        })
    }

    fn groups(&self, plan: &LogicalPlan) -> Result<Vec<Group>, QueryError> {
        let mut regular = Vec::new();
        let mut keyed: Vec<(String, Vec<PlanMeasure>)> = Vec::new();
        let mut special = Vec::new();
        for m in &plan.measures {
            let def = self
                .model
                .cube(&m.target.cube)
                .and_then(|c| c.measures.get(&m.target.member))
                .ok_or_else(|| query_err!("{} not found", m.name))?;
            if def.multi_stage {
                special.push(Group::Shifted(m.clone()));
            } else if let Some(w) = def.effective_rolling_window() {
                special.push(Group::Rolling(m.clone(), w));
            } else if m.multiplied && !plan.ungrouped && needs_keys(m.kind) {
                match keyed.iter_mut().find(|(c, _)| *c == m.target.cube) {
                    Some((_, v)) => v.push(m.clone()),
                    None => keyed.push((m.target.cube.clone(), vec![m.clone()])),
                }
            } else {
                regular.push(m.clone());
            }
        }
        let mut groups = Vec::new();
        let needs_regular = !regular.is_empty() || (keyed.is_empty() && special.is_empty());
        if needs_regular {
            groups.push(Group::Regular(regular));
        }
        groups.extend(keyed.into_iter().map(|(c, m)| Group::Keyed(c, m)));
        groups.extend(special);
        Ok(groups)
    }

    /// `FROM root LEFT JOIN ...` of the plan's join tree.
    fn join_tree_sql(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
    ) -> Result<TableWithJoins, QueryError> {
        let mut twj = ast::from(self.source(ctx, &plan.join.root)?);
        for step in &plan.join.joins {
            let on = ctx.join_condition(&step.from, &step.to)?;
            twj.joins.push(ast::join(
                self.source(ctx, &step.to)?,
                JoinKind::Left,
                Some(on),
            ));
        }
        Ok(twj)
    }

    /// A cube's rows, aliased by the cube's alias.
    fn source(&self, ctx: &mut RenderContext<'_>, cube: &str) -> Result<TableFactor, QueryError> {
        let alias = RenderContext::cube_alias(cube);
        match self.templates.source(cube) {
            Some(CompiledSource::Table(t)) => {
                let mut t = t.as_ref().clone();
                if let TableFactor::Table { alias: a, .. } = &mut t {
                    *a = Some(ast::table_alias(&alias));
                }
                Ok(t)
            }
            Some(CompiledSource::Query(q, refs)) => {
                let q = ctx.substitute_query(q, refs)?;
                Ok(ast::derived(q, &alias))
            }
            None => Err(query_err!("cube {cube} not found")),
        }
    }

    fn where_clause(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
        filters: &[PlanFilter],
    ) -> Result<Option<Expr>, QueryError> {
        let mut conds = Vec::new();
        for f in filters {
            conds.push(render_filter(ctx, f, &mut ModelMembers, plan.timezone)?);
        }
        for s in &plan.segments {
            conds.push(ctx.segment(s)?);
        }
        Ok(ast::and_all(conds))
    }

    /// One grouped SELECT of the dimensions and `measures` over the join tree.
    fn grouped_select(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
        measures: &[PlanMeasure],
        filters: &[PlanFilter],
    ) -> Result<Select, QueryError> {
        let mut s = ast::blank_select();
        for d in &plan.dimensions {
            let e = ctx.output_dimension(&d.target, d.kind, d.granularity)?;
            s.projection.push(aliased(e, &d.alias));
        }
        for m in measures {
            let e = if plan.ungrouped {
                ctx.measure_ungrouped(&m.target)?
            } else {
                ctx.measure(&m.target, m.multiplied, 0)?
            };
            s.projection.push(aliased(e, &m.alias));
        }
        s.from.push(self.join_tree_sql(ctx, plan)?);
        s.selection = self.where_clause(ctx, plan, filters)?;
        if !plan.ungrouped && !plan.dimensions.is_empty() {
            s.group_by = ast::group_by(
                (1..=plan.dimensions.len() as u64)
                    .map(ast::number)
                    .collect(),
            );
        }
        Ok(s)
    }

    /// Measures of a multiplied cube over its distinct primary keys.
    fn keyed_select(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
        cube: &str,
        measures: &[PlanMeasure],
    ) -> Result<Select, QueryError> {
        let def = self
            .model
            .cube(cube)
            .ok_or_else(|| query_err!("cube {cube} not found"))?;
        let pks: Vec<MemberPath> = def
            .primary_keys()
            .map(|d| MemberPath::new(cube, d.name.clone()))
            .collect();
        if pks.is_empty() {
            return Err(query_err!(
                "cube {cube} needs a primary_key: its measures are multiplied by a join in this \
                 query and can only be aggregated correctly over distinct keys"
            ));
        }
        let mut keys = ast::blank_select();
        keys.distinct = Some(sqlparser::ast::Distinct::Distinct);
        for d in &plan.dimensions {
            let e = ctx.output_dimension(&d.target, d.kind, d.granularity)?;
            keys.projection.push(aliased(e, &d.alias));
        }
        for (i, pk) in pks.iter().enumerate() {
            let e = ctx.dimension(pk, 0)?;
            keys.projection.push(aliased(e, &format!("__pk_{i}")));
        }
        keys.from.push(self.join_tree_sql(ctx, plan)?);
        keys.selection = self.where_clause(ctx, plan, &plan.filters)?;

        let mut s = ast::blank_select();
        for d in &plan.dimensions {
            s.projection.push(aliased(qcol("keys", &d.alias), &d.alias));
        }
        for m in measures {
            let e = ctx.measure(&m.target, false, 0)?;
            s.projection.push(aliased(e, &m.alias));
        }
        let mut on = Vec::new();
        for (i, pk) in pks.iter().enumerate() {
            let e = ctx.dimension(pk, 0)?;
            on.push(ast::binop(
                qcol("keys", &format!("__pk_{i}")),
                BinaryOperator::Eq,
                e,
            ));
        }
        let mut twj = ast::from(ast::derived(ast::query(keys), "keys"));
        twj.joins.push(ast::join(
            self.source(ctx, cube)?,
            JoinKind::Left,
            ast::and_all(on),
        ));
        s.from.push(twj);
        if !plan.dimensions.is_empty() {
            s.group_by = ast::group_by(
                (1..=plan.dimensions.len() as u64)
                    .map(ast::number)
                    .collect(),
            );
        }
        Ok(s)
    }

    /// Groups joined on their dimensions, measure filters applied on top.
    fn combined_select(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
        groups: Vec<Group>,
    ) -> Result<Select, QueryError> {
        // Measures only used by filters are computed in the regular group.
        let mut filter_only: Vec<PlanMeasure> = Vec::new();
        for f in &plan.measure_filters {
            f.measures(&mut |p| {
                let known = plan.measures.iter().any(|m| &m.target == p)
                    || filter_only.iter().any(|m| &m.target == p);
                if !known {
                    filter_only.push(PlanMeasure {
                        name: p.to_string(),
                        alias: format!("__filter_{}", filter_only.len()),
                        target: p.clone(),
                        kind: MeasureType::Number,
                        multiplied: false,
                    });
                }
            });
        }
        let mut subqueries: Vec<(Select, Vec<PlanMeasure>)> = Vec::new();
        let mut groups = groups;
        if !filter_only.is_empty() {
            match groups.iter_mut().find_map(|g| match g {
                Group::Regular(m) => Some(m),
                _ => None,
            }) {
                Some(m) => m.extend(filter_only.iter().cloned()),
                None => groups.push(Group::Regular(filter_only.clone())),
            }
        }
        for g in groups {
            let (sel, ms) = match g {
                Group::Regular(ms) => (self.grouped_select(ctx, plan, &ms, &plan.filters)?, ms),
                Group::Keyed(cube, ms) => (self.keyed_select(ctx, plan, &cube, &ms)?, ms),
                Group::Rolling(m, w) => (self.rolling_select(ctx, plan, &m, w)?, vec![m]),
                Group::Shifted(m) => (self.shifted_select(ctx, plan, &m)?, vec![m]),
            };
            subqueries.push((sel, ms));
        }
        let mut s = ast::blank_select();
        let names: Vec<String> = (0..subqueries.len()).map(|i| format!("q_{i}")).collect();
        let dim_expr = |d: &PlanDimension, upto: usize| -> Expr {
            if upto == 1 {
                qcol(&names[0], &d.alias)
            } else {
                func(
                    "COALESCE",
                    names[..upto].iter().map(|n| qcol(n, &d.alias)).collect(),
                )
            }
        };
        for d in &plan.dimensions {
            s.projection
                .push(aliased(dim_expr(d, subqueries.len()), &d.alias));
        }
        let mut twj: Option<TableWithJoins> = None;
        let mut outer_measures = Vec::new();
        for (i, (sel, ms)) in subqueries.into_iter().enumerate() {
            for m in &ms {
                outer_measures.push((m.target.clone(), qcol(&names[i], &m.alias)));
            }
            let rel = ast::derived(ast::query(sel), &names[i]);
            twj = Some(match twj {
                None => ast::from(rel),
                Some(mut t) => {
                    let on: Vec<Expr> = plan
                        .dimensions
                        .iter()
                        .map(|d| {
                            Expr::IsNotDistinctFrom(
                                Box::new(dim_expr(d, i)),
                                Box::new(qcol(&names[i], &d.alias)),
                            )
                        })
                        .collect();
                    let kind = if on.is_empty() {
                        JoinKind::Cross
                    } else {
                        JoinKind::Full
                    };
                    t.joins.push(ast::join(rel, kind, ast::and_all(on)));
                    t
                }
            });
        }
        // Measures in the plan's order, whichever group computed them: the
        // result columns are read by position.
        for m in &plan.measures {
            let e = outer_measures
                .iter()
                .find(|(p, _)| *p == m.target)
                .map(|(_, e)| e.clone())
                .ok_or_else(|| query_err!("{} is not computed by this query", m.name))?;
            s.projection.push(aliased(e, &m.alias));
        }
        if let Some(t) = twj {
            s.from.push(t);
        }
        let mut conds = Vec::new();
        let mut source = OuterMembers(outer_measures);
        for f in &plan.measure_filters {
            conds.push(render_filter(ctx, f, &mut source, plan.timezone)?);
        }
        s.selection = ast::and_all(conds);
        Ok(s)
    }

    /// A rolling-window measure over a series of time buckets.
    fn rolling_select(
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
        s.group_by = ast::group_by(
            (1..=plan.dimensions.len() as u64)
                .map(ast::number)
                .collect(),
        );
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
    fn shifted_select(
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
        if !plan.dimensions.is_empty() {
            s.group_by = ast::group_by(
                (1..=plan.dimensions.len() as u64)
                    .map(ast::number)
                    .collect(),
            );
        }
        Ok(s)
    }
}

/// Whether a multiplied measure of this type needs the distinct-keys path
/// (count becomes a distinct count of keys instead; distinct counts, min and
/// max are not changed by repeated rows).
fn needs_keys(kind: MeasureType) -> bool {
    matches!(
        kind,
        MeasureType::Sum | MeasureType::Avg | MeasureType::Number | MeasureType::RunningTotal
    )
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

/// Measures read from the columns of the joined groups.
struct OuterMembers(Vec<(MemberPath, Expr)>);

impl MemberSource for OuterMembers {
    fn expr(
        &mut self,
        _ctx: &mut RenderContext<'_>,
        member: &MemberPath,
        _is_measure: bool,
    ) -> Result<Expr, QueryError> {
        self.0
            .iter()
            .find(|(p, _)| p == member)
            .map(|(_, e)| e.clone())
            .ok_or_else(|| query_err!("{member} is not computed by this query"))
    }
}
