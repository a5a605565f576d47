//! Rendering context: bound parameters and the SQL of model members, with
//! references substituted by cube aliases and other members' SQL.

use std::ops::ControlFlow;

use chrono::NaiveDateTime;

use sqlparser::ast::{visit_expressions_mut, Expr, Ident, Query, VisitMut};
use strata_schema::{
    CaseLabel, DimensionSql, DimensionType, Granularity, MeasureType, MemberPath, MemberRef,
    SemanticModel, SqlRef,
};

use super::ast::{self, func, func_distinct, func_star};
use super::templates::{CompiledExpr, CompiledTemplates, Slot, REF_PREFIX};
use crate::dialect::{Dialect, SqlType};
use crate::error::{query_err, QueryError};
use crate::query::date_range::{format_local, TimeBounds};

/// Deepest chain of member references followed.
const MAX_DEPTH: usize = 24;

/// State of one rendering: parameters bound so far.
pub struct RenderContext<'a> {
    /// The model.
    pub model: &'a SemanticModel,
    /// Parsed snippets.
    pub templates: &'a CompiledTemplates,
    /// The SQL dialect rendered.
    pub dialect: &'a dyn Dialect,
    /// Values bound, in `$n` order.
    pub params: Vec<Option<String>>,
    tz_param: Option<usize>,
    timezone: String,
    /// Members rendered as a given expression instead of their SQL (columns
    /// of an inner query, for multi-stage measures).
    pub overrides: Vec<(MemberPath, Expr)>,
    /// `count` measures count the distinct primary keys of their cube (set
    /// while rendering the value of a `sub_query` dimension, whose joins may
    /// repeat the counted rows or bring none).
    keyed_counts: bool,
}

impl<'a> RenderContext<'a> {
    /// A context for a query in `timezone`.
    pub fn new(
        model: &'a SemanticModel,
        templates: &'a CompiledTemplates,
        dialect: &'a dyn Dialect,
        timezone: &str,
    ) -> Self {
        RenderContext {
            model,
            templates,
            dialect,
            params: Vec::new(),
            tz_param: None,
            timezone: timezone.to_string(),
            overrides: Vec::new(),
            keyed_counts: false,
        }
    }

    /// Binds a value and returns its placeholder (a literal node for
    /// dialects that [inline values](Dialect::inline_values)).
    pub fn param(&mut self, v: Option<String>) -> Expr {
        if self.dialect.inline_values() {
            return match v {
                Some(s) => ast::string_literal(s),
                None => ast::null(),
            };
        }
        self.params.push(v);
        self.dialect.placeholder(self.params.len())
    }

    /// The instants the dialect can hold.
    pub fn time_bounds(&self) -> TimeBounds {
        self.dialect.time_bounds()
    }

    /// `expr` cast to `ty` in the dialect.
    pub fn cast(&self, expr: Expr, ty: SqlType) -> Expr {
        self.dialect.cast(expr, ty)
    }

    /// A UTC instant (`2020-01-01T00:00:00.000`) to compare time dimensions
    /// with; an error when the target cannot hold it.
    pub fn instant(&mut self, utc: chrono::DateTime<chrono::Utc>) -> Result<Expr, QueryError> {
        let naive = utc.naive_utc();
        self.time_bounds()
            .check(&naive, format_args!("{} (UTC)", format_local(&naive)))?;
        let (text, ty) = self.dialect.instant(utc);
        let value = self.param(Some(text));
        Ok(self.cast(value, ty))
    }

    /// A local timestamp (`2020-01-01T00:00:00.000`, no zone) as a
    /// `timestamp` value; an error when the target cannot hold it.
    pub fn local_timestamp(&mut self, t: &NaiveDateTime) -> Result<Expr, QueryError> {
        let text = format_local(t);
        self.time_bounds().check(t, &text)?;
        let value = self.param(Some(text));
        Ok(self.cast(value, SqlType::Timestamp))
    }

    /// The time zone placeholder (bound once).
    pub fn tz(&mut self) -> Expr {
        if self.dialect.inline_values() {
            return ast::string_literal(self.timezone.clone());
        }
        let n = match self.tz_param {
            Some(n) => n,
            None => {
                self.params.push(Some(self.timezone.clone()));
                self.tz_param = Some(self.params.len());
                self.params.len()
            }
        };
        ast::placeholder(n)
    }

    /// The alias of a cube in FROM.
    pub fn cube_alias(cube: &str) -> String {
        cube.to_string()
    }

    fn substitute(&mut self, c: &CompiledExpr, depth: usize) -> Result<Expr, QueryError> {
        let mut expr = c.expr.clone();
        if !c.refs.is_empty() {
            self.substitute_in(&mut expr, &c.refs, depth)?;
        }
        Ok(expr)
    }

    /// A cube's SQL subquery with its references substituted.
    pub fn substitute_query(&mut self, q: &Query, refs: &[SqlRef]) -> Result<Query, QueryError> {
        let mut q = q.clone();
        if !refs.is_empty() {
            self.substitute_in(&mut q, refs, 0)?;
        }
        Ok(q)
    }

    fn substitute_in<V: VisitMut>(
        &mut self,
        target: &mut V,
        refs: &[SqlRef],
        depth: usize,
    ) -> Result<(), QueryError> {
        let mut err = None;
        let _ = visit_expressions_mut(target, |e| {
            let replacement = match e {
                Expr::Identifier(id) => ref_index(id).map(|i| (i, None)),
                Expr::CompoundIdentifier(parts) => parts
                    .first()
                    .and_then(ref_index)
                    .map(|i| (i, Some(parts[1..].to_vec()))),
                _ => None,
            };
            let Some((i, rest)) = replacement else {
                return ControlFlow::Continue(());
            };
            let Some(r) = refs.get(i) else {
                return ControlFlow::Continue(());
            };
            let new = match (r, rest) {
                (SqlRef::Cube(cube), None) => {
                    Ok(Expr::Identifier(ast::ident(&Self::cube_alias(cube))))
                }
                (SqlRef::Cube(cube), Some(rest)) => {
                    let mut v = vec![ast::ident(&Self::cube_alias(cube))];
                    v.extend(rest);
                    Ok(Expr::CompoundIdentifier(v))
                }
                (SqlRef::Member { cube, member }, _) => {
                    self.member_expr(&MemberPath::new(cube.clone(), member.clone()), depth + 1)
                }
            };
            match new {
                Ok(n) => {
                    *e = ast::nested(n);
                    ControlFlow::Continue(())
                }
                Err(x) => {
                    err = Some(x);
                    ControlFlow::Break(())
                }
            }
        });
        match err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The `ON` condition of the join declared on `from` to `to`.
    pub fn join_condition(&mut self, from: &str, to: &str) -> Result<Expr, QueryError> {
        let p = MemberPath::new(from, to);
        self.snippet(&p, Slot::Join, 0)
    }

    /// A segment's condition.
    pub fn segment(&mut self, p: &MemberPath) -> Result<Expr, QueryError> {
        self.snippet(p, Slot::Sql, 0)
    }

    fn snippet(&mut self, p: &MemberPath, slot: Slot, depth: usize) -> Result<Expr, QueryError> {
        if depth > MAX_DEPTH {
            return Err(query_err!("references of {p} are nested too deeply"));
        }
        let templates = self.templates;
        let c = templates
            .expr(&p.cube, &p.member, slot)
            .ok_or_else(|| query_err!("{p} has no SQL"))?;
        self.substitute(c, depth)
    }

    /// A member referenced from SQL: a dimension's value, a measure's
    /// aggregate or a segment's condition.
    fn member_expr(&mut self, p: &MemberPath, depth: usize) -> Result<Expr, QueryError> {
        if let Some((_, e)) = self.overrides.iter().find(|(m, _)| m == p) {
            return Ok(e.clone());
        }
        match self.model.cube_member(p) {
            Some(MemberRef::Dimension(..)) => self.dimension(p, depth),
            Some(MemberRef::Measure(..)) => self.measure(p, false, depth),
            Some(MemberRef::Segment(..)) => self.snippet(p, Slot::Sql, depth),
            None => Err(query_err!("{p} not found")),
        }
    }

    /// The row-level value of a dimension; for a `sub_query` dimension, the
    /// value column of its subquery (joined by the plan).
    pub fn dimension(&mut self, p: &MemberPath, depth: usize) -> Result<Expr, QueryError> {
        match self.model.cube_member(p) {
            Some(MemberRef::Dimension(_, d)) if d.sub_query => {
                let (table, column) = crate::plan::sub_query_column(p);
                Ok(ast::qcol(&table, &column))
            }
            _ => self.dimension_sql(p, depth),
        }
    }

    /// The value of a `sub_query` dimension inside its subquery: its SQL,
    /// the measures it reads aggregated (counts over distinct keys).
    pub fn sub_query_value(&mut self, p: &MemberPath) -> Result<Expr, QueryError> {
        let outer = std::mem::replace(&mut self.keyed_counts, true);
        let value = self.dimension_sql(p, 0);
        self.keyed_counts = outer;
        value
    }

    /// A dimension's own SQL, with references resolved.
    fn dimension_sql(&mut self, p: &MemberPath, depth: usize) -> Result<Expr, QueryError> {
        let model = self.model;
        let Some(MemberRef::Dimension(_, d)) = model.cube_member(p) else {
            return Err(query_err!("{p} is not a dimension"));
        };
        match &d.sql {
            DimensionSql::Sql(_) => self.snippet(p, Slot::Sql, depth),
            DimensionSql::Case(case) => {
                let mut branches = Vec::new();
                for (i, w) in case.when.iter().enumerate() {
                    let cond = self.snippet(p, Slot::When(i), depth)?;
                    let label = match &w.label {
                        CaseLabel::Text(t) => self.param(Some(t.clone())),
                        CaseLabel::Sql(_) => self.snippet(p, Slot::Label(i), depth)?,
                    };
                    branches.push((cond, label));
                }
                let else_label = match &case.else_label {
                    Some(CaseLabel::Text(t)) => Some(self.param(Some(t.clone()))),
                    Some(CaseLabel::Sql(_)) => Some(self.snippet(p, Slot::Else, depth)?),
                    None => None,
                };
                Ok(ast::case(branches, else_label))
            }
            DimensionSql::Geo { .. } => {
                let lat = self.snippet(p, Slot::Latitude, depth)?;
                let lng = self.snippet(p, Slot::Longitude, depth)?;
                Ok(func("concat", vec![lat, ast::internal_string(","), lng]))
            }
        }
    }

    /// A time dimension as a local timestamp, truncated to `granularity`.
    pub fn time_dimension(
        &mut self,
        p: &MemberPath,
        granularity: Option<Granularity>,
    ) -> Result<Expr, QueryError> {
        let raw = self.dimension(p, 0)?;
        Ok(self.local_time(raw, granularity))
    }

    /// `expr` as a local timestamp in the query's zone, optionally truncated.
    pub fn local_time(&mut self, raw: Expr, granularity: Option<Granularity>) -> Expr {
        let zone = self.tz();
        let local = self.dialect.local_time(raw, &self.timezone, zone);
        match granularity {
            Some(g) => self.dialect.date_trunc(g, local),
            None => local,
        }
    }

    /// The output value of a dimension (time dimensions in local time).
    pub fn output_dimension(
        &mut self,
        p: &MemberPath,
        kind: DimensionType,
        granularity: Option<Granularity>,
    ) -> Result<Expr, QueryError> {
        if kind == DimensionType::Time {
            self.time_dimension(p, granularity)
        } else {
            self.dimension(p, 0)
        }
    }

    /// The SQL of a measure's own expression, with its `filters` applied as
    /// `CASE WHEN ... THEN expr END`; `None` for `count` without `sql`.
    pub fn measure_input(
        &mut self,
        p: &MemberPath,
        depth: usize,
    ) -> Result<Option<Expr>, QueryError> {
        let model = self.model;
        let Some(MemberRef::Measure(_, m)) = model.cube_member(p) else {
            return Err(query_err!("{p} is not a measure"));
        };
        let mut input = match &m.sql {
            Some(_) => Some(self.snippet(p, Slot::Sql, depth)?),
            None => None,
        };
        if !m.filters.is_empty() {
            let mut conds = Vec::new();
            for i in 0..m.filters.len() {
                conds.push(self.snippet(p, Slot::Filter(i), depth)?);
            }
            let cond = ast::and_all(conds).unwrap_or_else(|| ast::boolean(true));
            let then = input.unwrap_or_else(|| ast::number(1));
            input = Some(ast::case(vec![(cond, then)], None));
        }
        Ok(input)
    }

    /// The aggregate of a measure. `multiplied` renders a `count` as a count
    /// of distinct primary keys, so joins that repeat rows do not inflate it.
    pub fn measure(
        &mut self,
        p: &MemberPath,
        multiplied: bool,
        depth: usize,
    ) -> Result<Expr, QueryError> {
        let model = self.model;
        let Some(MemberRef::Measure(cube, m)) = model.cube_member(p) else {
            return Err(query_err!("{p} is not a measure"));
        };
        if depth > MAX_DEPTH {
            return Err(query_err!("references of {p} are nested too deeply"));
        }
        let input = self.measure_input(p, depth)?;
        let need = |x: Option<Expr>| x.ok_or_else(|| query_err!("measure {p} needs sql"));
        Ok(match m.kind {
            MeasureType::Count => {
                if multiplied || self.keyed_counts {
                    let pks: Vec<MemberPath> = cube
                        .primary_keys()
                        .map(|d| MemberPath::new(cube.name.clone(), d.name.clone()))
                        .collect();
                    if let Some(pk) = pks.first() {
                        let key = self.dimension(pk, depth + 1)?;
                        let key = match input {
                            Some(cond) if !m.filters.is_empty() => {
                                ast::case(vec![(ast::is_null(cond, true), key)], None)
                            }
                            _ => key,
                        };
                        return Ok(func_distinct("count", vec![key]));
                    }
                }
                match input {
                    Some(e) => func("count", vec![e]),
                    None => func_star("count"),
                }
            }
            MeasureType::CountDistinct => func_distinct("count", vec![need(input)?]),
            MeasureType::CountDistinctApprox => self.dialect.approx_distinct(need(input)?),
            MeasureType::Sum => func("sum", vec![need(input)?]),
            MeasureType::Avg => func("avg", vec![need(input)?]),
            MeasureType::Min => func("min", vec![need(input)?]),
            MeasureType::Max => func("max", vec![need(input)?]),
            MeasureType::RunningTotal => func("sum", vec![need(input)?]),
            MeasureType::Number
            | MeasureType::String
            | MeasureType::Time
            | MeasureType::Boolean => need(input)?,
            // A type added to the schema that this renderer has no aggregate for yet.
            other => {
                return Err(query_err!(
                    "measure {p} has type {}, which this engine cannot aggregate",
                    other.as_str()
                ))
            }
        })
    }

    /// A measure's own `sql`, with references resolved (and overridden).
    pub fn measure_sql(&mut self, p: &MemberPath) -> Result<Expr, QueryError> {
        self.snippet(p, Slot::Sql, 0)
    }

    /// The conditions of a measure's `filters`.
    pub fn measure_filter_conditions(&mut self, p: &MemberPath) -> Result<Vec<Expr>, QueryError> {
        let model = self.model;
        let Some(MemberRef::Measure(_, m)) = model.cube_member(p) else {
            return Err(query_err!(
                "measureFilter needs a measure, and {p} is not one"
            ));
        };
        (0..m.filters.len())
            .map(|i| self.snippet(p, Slot::Filter(i), 0))
            .collect()
    }

    /// A row-level (ungrouped) value of a measure.
    pub fn measure_ungrouped(&mut self, p: &MemberPath) -> Result<Expr, QueryError> {
        let model = self.model;
        let Some(MemberRef::Measure(_, m)) = model.cube_member(p) else {
            return Err(query_err!("{p} is not a measure"));
        };
        let input = self.measure_input(p, 0)?;
        Ok(match (m.kind, input) {
            (MeasureType::Count, None) => ast::number(1),
            (MeasureType::Count, Some(e)) => {
                ast::case(vec![(ast::is_null(e, true), ast::number(1))], None)
            }
            (_, Some(e)) => e,
            (_, None) => ast::null(),
        })
    }
}

fn ref_index(id: &Ident) -> Option<usize> {
    id.value.strip_prefix(REF_PREFIX)?.parse().ok()
}
