//! Prints the stages of `multi_stage` measures that the plan decided
//! ([`crate::plan::StagedPlan`]): the base select wrapped in one derived
//! table per stage, then the plan's output columns.

use sqlparser::ast::Select;
use strata_schema::MemberPath;

use super::ast::{self, aliased, qcol};
use super::context::RenderContext;
use crate::error::QueryError;
use crate::plan::{LogicalPlan, StagedPlan};

/// Wraps the base select in one layer per stage and projects the plan's
/// output columns.
pub fn wrap(
    ctx: &mut RenderContext<'_>,
    staged: &StagedPlan,
    plan: &LogicalPlan,
    base: Select,
) -> Result<Select, QueryError> {
    let mut columns: Vec<(Option<MemberPath>, String)> = plan
        .dimensions
        .iter()
        .map(|d| (None, d.alias.clone()))
        .chain(
            staged
                .base
                .measures
                .iter()
                .map(|m| (Some(m.target.clone()), m.alias.clone())),
        )
        .collect();
    let mut current = base;
    for (i, stage) in staged.stages.iter().enumerate() {
        let q = format!("stage_{i}");
        let layer = &stage.measure;
        ctx.overrides = columns
            .iter()
            .filter_map(|(p, a)| p.clone().map(|p| (p, qcol(&q, a))))
            .collect();
        let inner = ctx.measure_sql(&layer.target);
        ctx.overrides.clear();
        let inner = inner?;
        let expr = match &stage.reaggregation {
            None => inner,
            Some(r) => {
                let partition = r.partition.iter().map(|a| qcol(&q, a)).collect();
                ast::window(r.function.sql_name(), vec![inner], partition)
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
