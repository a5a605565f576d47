//! Multi-stage measures computed over the results of other measures:
//! `reduce_by` / `group_by` aggregate a measure again over a coarser
//! grouping (a window over the grouped rows), and `number` formulas combine
//! such results. Time-shifted measures are planned as their own group in
//! [`super::postgres`].

use sqlparser::ast::{Expr, Select};
use strata_schema::{MeasureType, MemberPath, MemberRef, SemanticModel, SqlRef};

use super::ast::{self, aliased, qcol};
use super::context::RenderContext;
use crate::error::{query_err, QueryError};
use crate::plan::{LogicalPlan, PlanMeasure};

/// A plan split into a base (dimensions and plain measures) and the
/// multi-stage measures layered on top of it.
pub struct MultiStagePlan {
    /// The plan of the base query; it also computes the measures the
    /// layers need.
    pub base: LogicalPlan,
    /// Layered measures in dependency order (selected and needed ones).
    pub layers: Vec<PlanMeasure>,
}

fn definition<'m>(model: &'m SemanticModel, p: &MemberPath) -> Option<&'m strata_schema::Measure> {
    match model.cube_member(p) {
        Some(MemberRef::Measure(_, m)) => Some(m),
        _ => None,
    }
}

/// Whether a measure is computed as a layer over the base query.
pub fn is_layered(model: &SemanticModel, p: &MemberPath) -> bool {
    definition(model, p).is_some_and(|m| m.multi_stage && m.time_shift.is_empty())
}

/// Splits `plan` when it has layered measures.
pub fn split(
    model: &SemanticModel,
    plan: &LogicalPlan,
) -> Result<Option<MultiStagePlan>, QueryError> {
    if !plan.measures.iter().any(|m| is_layered(model, &m.target)) {
        return Ok(None);
    }
    let mut base_measures: Vec<PlanMeasure> = Vec::new();
    let mut layers: Vec<PlanMeasure> = Vec::new();
    let mut hidden = 0usize;
    for m in &plan.measures {
        if is_layered(model, &m.target) {
            visit(
                model,
                plan,
                m,
                &mut layers,
                &mut base_measures,
                &mut hidden,
                0,
            )?;
        } else if !base_measures.iter().any(|b| b.target == m.target) {
            base_measures.push(m.clone());
        }
    }
    let mut filtered = Vec::new();
    for f in &plan.measure_filters {
        f.measures(&mut |p| filtered.push(p.clone()));
    }
    if let Some(p) = filtered.iter().find(|p| is_layered(model, p)) {
        return Err(query_err!(
            "filters on the multi-stage measure {p} are not supported yet"
        ));
    }
    let mut base = plan.clone();
    base.measures = base_measures;
    Ok(Some(MultiStagePlan { base, layers }))
}

fn visit(
    model: &SemanticModel,
    plan: &LogicalPlan,
    m: &PlanMeasure,
    layers: &mut Vec<PlanMeasure>,
    base: &mut Vec<PlanMeasure>,
    hidden: &mut usize,
    depth: usize,
) -> Result<(), QueryError> {
    if depth > 16 {
        return Err(query_err!(
            "multi-stage measure {} nests too deeply",
            m.name
        ));
    }
    if layers.iter().any(|l| l.target == m.target) {
        return Ok(());
    }
    let def = definition(model, &m.target).ok_or_else(|| query_err!("{} not found", m.name))?;
    if !def.add_group_by.is_empty() {
        return Err(query_err!(
            "multi-stage measure {} uses add_group_by, which this version cannot plan yet",
            m.name
        ));
    }
    let refs: Vec<MemberPath> = def
        .sql
        .iter()
        .flat_map(|t| t.refs())
        .filter_map(|r| match r {
            SqlRef::Member { cube, member } => Some(MemberPath::new(cube.clone(), member.clone())),
            SqlRef::Cube(_) => None,
        })
        .filter(|p| matches!(model.cube_member(p), Some(MemberRef::Measure(..))))
        .collect();
    for r in refs {
        let existing = plan.measures.iter().find(|x| x.target == r).cloned();
        let pm = existing.unwrap_or_else(|| {
            *hidden += 1;
            PlanMeasure {
                name: r.to_string(),
                alias: format!("__stage_{hidden}"),
                target: r.clone(),
                kind: definition(model, &r)
                    .map(|d| d.kind)
                    .unwrap_or(MeasureType::Number),
                multiplied: false,
            }
        });
        if is_layered(model, &r) {
            visit(model, plan, &pm, layers, base, hidden, depth + 1)?;
        } else if !base.iter().any(|b| b.target == r) {
            base.push(pm);
        }
    }
    layers.push(m.clone());
    Ok(())
}

/// Wraps the base select in one layer per multi-stage measure and projects
/// the plan's output columns.
pub fn wrap(
    ctx: &mut RenderContext<'_>,
    model: &SemanticModel,
    ms: &MultiStagePlan,
    plan: &LogicalPlan,
    base: Select,
) -> Result<Select, QueryError> {
    let mut columns: Vec<(Option<MemberPath>, String)> = plan
        .dimensions
        .iter()
        .map(|d| (None, d.alias.clone()))
        .chain(
            ms.base
                .measures
                .iter()
                .map(|m| (Some(m.target.clone()), m.alias.clone())),
        )
        .collect();
    let mut current = base;
    for (i, layer) in ms.layers.iter().enumerate() {
        let q = format!("stage_{i}");
        let def = definition(model, &layer.target)
            .ok_or_else(|| query_err!("{} not found", layer.name))?;
        ctx.overrides = columns
            .iter()
            .filter_map(|(p, a)| p.clone().map(|p| (p, qcol(&q, a))))
            .collect();
        let inner = ctx.measure_sql(&layer.target);
        ctx.overrides.clear();
        let inner = inner?;
        let expr = match def.kind {
            MeasureType::Number
            | MeasureType::String
            | MeasureType::Time
            | MeasureType::Boolean => inner,
            kind => {
                let partition = partition(plan, def, &q);
                let name = match kind {
                    MeasureType::Sum | MeasureType::Count | MeasureType::RunningTotal => "sum",
                    MeasureType::Avg => "avg",
                    MeasureType::Min => "min",
                    MeasureType::Max => "max",
                    other => {
                        return Err(query_err!(
                            "multi-stage measure {} of type {} cannot be re-aggregated",
                            layer.name,
                            other.as_str()
                        ))
                    }
                };
                ast::window(name, vec![inner], partition)
            }
        };
        let mut s = ast::blank_select();
        for (_, a) in &columns {
            s.projection.push(aliased(qcol(&q, a), a));
        }
        s.projection.push(aliased(expr, &layer.alias));
        s.from
            .push(ast::from(ast::derived(ast::query(current), &q)));
        columns.push((Some(layer.target.clone()), layer.alias.clone()));
        current = s;
    }
    let mut out = ast::blank_select();
    for d in &plan.dimensions {
        out.projection
            .push(aliased(qcol("stages", &d.alias), &d.alias));
    }
    for m in &plan.measures {
        out.projection
            .push(aliased(qcol("stages", &m.alias), &m.alias));
    }
    out.from
        .push(ast::from(ast::derived(ast::query(current), "stages")));
    Ok(out)
}

/// The dimensions a re-aggregation keeps: `group_by` when given, else all
/// query dimensions but `reduce_by`.
fn partition(plan: &LogicalPlan, def: &strata_schema::Measure, q: &str) -> Vec<Expr> {
    plan.dimensions
        .iter()
        .filter(|d| {
            if !def.group_by.is_empty() {
                def.group_by.contains(&d.target)
            } else {
                !def.reduce_by.contains(&d.target)
            }
        })
        .map(|d| qcol(q, &d.alias))
        .collect()
}
