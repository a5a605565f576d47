//! Rendering a [`LogicalPlan`] into SQL as a sqlparser AST, in a
//! [`Dialect`]: with bound parameters, or literal nodes for engines that plan
//! the tree directly.
//!
//! Plain queries become one grouped SELECT. Measures that need more than one
//! aggregation level each get their own grouped subquery, and the subqueries
//! are joined on the dimensions:
//! - measures of a cube whose rows a join repeats (fan-out) are aggregated
//!   over the distinct primary keys of that cube, as Cube does;
//! - rolling windows aggregate rows over a generated time series;
//! - time-shifted multi-stage measures aggregate over shifted time.
//!
//! `sub_query` dimensions read the value column of a grouped subquery that
//! the FROM clause LEFT JOINs on their cube's primary key.

use chrono_tz::Tz;
use sqlparser::ast::{BinaryOperator, Expr, Join, Select, TableFactor, TableWithJoins};
use strata_schema::{MeasureType, MemberPath, SemanticModel};

use super::ast::{self, aliased, col, func, qcol, JoinKind};
use super::context::RenderContext;
use super::filters::{render_filter, MemberSource, ModelMembers};
use super::multi_stage;
use super::templates::{CompiledSource, CompiledTemplates};
use crate::dialect::Dialect;
use crate::error::{query_err, QueryError};
use crate::join_graph::JoinTree;
use crate::plan::{
    LogicalPlan, MeasureGroup, PlanDimension, PlanFilter, PlanMeasure, PlanSubQuery,
};

/// SQL text with its bound parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlStatement {
    /// The SQL text, with the dialect's placeholders.
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

/// Renders plans of one model in one dialect.
pub struct SqlRenderer<'a> {
    pub(super) model: &'a SemanticModel,
    pub(super) templates: &'a CompiledTemplates,
    pub(super) dialect: &'a dyn Dialect,
}

impl<'a> SqlRenderer<'a> {
    /// A renderer for `model` in `dialect`.
    pub fn new(
        model: &'a SemanticModel,
        templates: &'a CompiledTemplates,
        dialect: &'a dyn Dialect,
    ) -> Self {
        SqlRenderer {
            model,
            templates,
            dialect,
        }
    }

    /// Renders `plan`.
    pub fn render(&self, plan: &LogicalPlan) -> Result<RenderedQuery, QueryError> {
        let mut ctx = RenderContext::new(
            self.model,
            self.templates,
            self.dialect,
            plan.timezone.name(),
        );
        let staged = plan.stages(self.model)?;
        let outer_plan = plan;
        let plan = staged.as_ref().map(|s| &s.base).unwrap_or(plan);
        let groups = plan.measure_groups(self.model)?;
        let simple = matches!(groups.as_slice(), [MeasureGroup::Regular(_)] | []);
        let inner = if simple {
            let measures = match groups.into_iter().next() {
                Some(MeasureGroup::Regular(m)) => m,
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
            Some(s) => multi_stage::wrap(&mut ctx, s, outer_plan, inner)?,
            None => inner,
        };
        let plan = outer_plan;
        let inner = ast::query(inner);
        // The count query wraps the query before its order and limit; clone
        // the tree only when there is one.
        let (mut main, total_inner) = if plan.total {
            (inner.clone(), Some(inner))
        } else {
            (inner, None)
        };
        ast::set_order_by(
            &mut main,
            plan.order
                .iter()
                .map(|o| ast::order_item(col(&o.alias), o.desc, o.nulls_last))
                .collect(),
        );
        ast::set_limit(&mut main, plan.limit, plan.offset);
        let total_ast = total_inner.map(|inner| {
            let mut s = ast::blank_select();
            s.projection.push(aliased(ast::func_star("count"), "total"));
            s.from.push(ast::from(ast::derived(inner, "q")));
            ast::query(s)
        });
        let total = total_ast.as_ref().map(|t| SqlStatement {
            sql: self.dialect.sql_text(t),
            params: ctx.params.clone(),
        });
        Ok(RenderedQuery {
            main: SqlStatement {
                sql: self.dialect.sql_text(&main),
                params: ctx.params,
            },
            total,
            main_ast: main,
            total_ast,
        })
    }

    /// `FROM root LEFT JOIN ...` of the plan's join tree and subqueries.
    pub(super) fn join_tree_sql(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
    ) -> Result<TableWithJoins, QueryError> {
        self.joined_sql(ctx, &plan.join, &[], &plan.sub_queries, plan.timezone)
    }

    /// `FROM root LEFT JOIN ...` of a join tree, with `on_filters` added to
    /// the conditions of the joins of their cubes, then the subqueries of
    /// its `sub_query` dimensions.
    fn joined_sql(
        &self,
        ctx: &mut RenderContext<'_>,
        join: &JoinTree,
        on_filters: &[(String, PlanFilter)],
        sub_queries: &[PlanSubQuery],
        tz: Tz,
    ) -> Result<TableWithJoins, QueryError> {
        let mut twj = ast::from(self.source(ctx, &join.root)?);
        for step in &join.joins {
            let mut on = vec![ctx.join_condition(&step.from, &step.to)?];
            for (_, f) in on_filters.iter().filter(|(c, _)| *c == step.to) {
                on.push(render_filter(ctx, f, &mut ModelMembers, tz)?);
            }
            twj.joins.push(ast::join(
                self.source(ctx, &step.to)?,
                JoinKind::Left,
                ast::and_all(on),
            ));
        }
        for sq in sub_queries {
            twj.joins.push(self.sub_query_join(ctx, sq, tz)?);
        }
        Ok(twj)
    }

    /// `LEFT JOIN (SELECT keys, value FROM ... WHERE ... GROUP BY keys) AS
    /// alias ON alias.key = key`: a `sub_query` dimension's value per row of
    /// its cube.
    fn sub_query_join(
        &self,
        ctx: &mut RenderContext<'_>,
        sq: &PlanSubQuery,
        tz: Tz,
    ) -> Result<Join, QueryError> {
        let mut s = ast::blank_select();
        let mut on = Vec::new();
        for (pk, alias) in &sq.keys {
            let key = ctx.dimension(pk, 0)?;
            s.projection.push(aliased(key.clone(), alias));
            on.push(ast::binop(qcol(&sq.alias, alias), BinaryOperator::Eq, key));
        }
        let value = ctx.sub_query_value(&sq.dimension)?;
        s.projection.push(aliased(value, &sq.value_alias));
        s.from
            .push(self.joined_sql(ctx, &sq.join, &sq.on_filters, &sq.sub_queries, tz)?);
        s.selection = self.conditions(ctx, &sq.filters, &sq.segments, tz)?;
        s.group_by = ast::group_by((1..=sq.keys.len() as u64).map(ast::number).collect());
        Ok(ast::join(
            ast::derived(ast::query(s), &sq.alias),
            JoinKind::Left,
            ast::and_all(on),
        ))
    }

    /// A cube's rows, aliased by the cube's alias.
    pub(super) fn source(
        &self,
        ctx: &mut RenderContext<'_>,
        cube: &str,
    ) -> Result<TableFactor, QueryError> {
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

    /// `WHERE` of `filters` and the plan's segments.
    pub(super) fn where_clause(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
        filters: &[PlanFilter],
    ) -> Result<Option<Expr>, QueryError> {
        self.conditions(ctx, filters, &plan.segments, plan.timezone)
    }

    /// All of `filters` and `segments`, `None` when there are none.
    fn conditions(
        &self,
        ctx: &mut RenderContext<'_>,
        filters: &[PlanFilter],
        segments: &[MemberPath],
        tz: Tz,
    ) -> Result<Option<Expr>, QueryError> {
        let mut conds = Vec::new();
        for f in filters {
            conds.push(render_filter(ctx, f, &mut ModelMembers, tz)?);
        }
        for s in segments {
            conds.push(ctx.segment(s)?);
        }
        Ok(ast::and_all(conds))
    }

    /// One grouped SELECT of the dimensions and `measures` over the join tree.
    pub(super) fn grouped_select(
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
        if !plan.ungrouped {
            group_by_dimensions(&mut s, plan);
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
        // The measures may read the cube's sub_query dimensions.
        for sq in plan.sub_queries.iter().filter(|s| s.dimension.cube == cube) {
            twj.joins.push(self.sub_query_join(ctx, sq, plan.timezone)?);
        }
        s.from.push(twj);
        group_by_dimensions(&mut s, plan);
        Ok(s)
    }

    /// Groups joined on their dimensions, measure filters applied on top.
    fn combined_select(
        &self,
        ctx: &mut RenderContext<'_>,
        plan: &LogicalPlan,
        groups: Vec<MeasureGroup>,
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
                MeasureGroup::Regular(m) => Some(m),
                _ => None,
            }) {
                Some(m) => m.extend(filter_only.iter().cloned()),
                None => groups.push(MeasureGroup::Regular(filter_only.clone())),
            }
        }
        for g in groups {
            let (sel, ms) = match g {
                MeasureGroup::Regular(ms) => {
                    (self.grouped_select(ctx, plan, &ms, &plan.filters)?, ms)
                }
                MeasureGroup::Keyed { cube, measures } => {
                    (self.keyed_select(ctx, plan, &cube, &measures)?, measures)
                }
                MeasureGroup::Rolling { measure, window } => (
                    self.rolling_select(ctx, plan, &measure, window)?,
                    vec![measure],
                ),
                MeasureGroup::Shifted(m) => (self.shifted_select(ctx, plan, &m)?, vec![m]),
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
                        .flat_map(|d| {
                            ctx.dialect
                                .null_safe_equal(dim_expr(d, i), qcol(&names[i], &d.alias))
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
}

/// `GROUP BY 1, 2, ...` over the plan's dimensions (none without dimensions).
pub(super) fn group_by_dimensions(s: &mut Select, plan: &LogicalPlan) {
    if !plan.dimensions.is_empty() {
        s.group_by = ast::group_by(
            (1..=plan.dimensions.len() as u64)
                .map(ast::number)
                .collect(),
        );
    }
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
