//! The stages of `multi_stage` measures, decided in the plan: a base query
//! computes the dimensions and every plain measure the stages need, then one
//! stage per multi-stage measure (in dependency order) either re-aggregates
//! its inner expression over a coarser grouping (`reduce_by` / `group_by`, a
//! window over the grouped rows) or combines earlier results (`number`).
//! Renderers print the stages; they do not decide them. Time-shifted
//! multi-stage measures are a measure group of their own
//! ([`super::MeasureGroup::Shifted`]), not a stage.

use strata_schema::{Measure, MeasureType, MemberPath, MemberRef, SemanticModel, SqlRef};

use super::{LogicalPlan, PlanMeasure};
use crate::error::{query_err, QueryError};

/// Deepest chain of multi-stage measures referring to one another.
const MAX_STAGE_DEPTH: usize = 16;

/// A plan split into a base query and the stages layered on top of it.
#[derive(Debug, Clone, PartialEq)]
pub struct StagedPlan {
    /// The plan of the base query: the outer plan's dimensions and filters,
    /// with the plain measures selected or needed by a stage.
    pub base: LogicalPlan,
    /// One stage per multi-stage measure, each after those it refers to.
    pub stages: Vec<Stage>,
}

/// One multi-stage measure computed over the rows of the stage before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// The measure; its SQL refers to measures of earlier stages or the base.
    pub measure: PlanMeasure,
    /// How the inner expression is aggregated again, or `None` when the
    /// stage only combines earlier results row by row (`number` and other
    /// non-aggregating types).
    pub reaggregation: Option<Reaggregation>,
}

/// A window aggregation of a stage's inner expression over a partition of
/// the grouped rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Reaggregation {
    /// The aggregate applied over the window.
    pub function: StageFunction,
    /// Aliases of the query dimensions the window is partitioned by:
    /// `group_by` when the measure names it, else every dimension but
    /// `reduce_by`.
    pub partition: Vec<String>,
}

/// The aggregate a stage applies to its inner expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StageFunction {
    /// Sum of the grouped values (sum, count and running total measures).
    Sum,
    /// Average of the grouped values.
    Avg,
    /// Smallest grouped value.
    Min,
    /// Largest grouped value.
    Max,
}

impl StageFunction {
    /// The SQL aggregate's name.
    pub fn sql_name(self) -> &'static str {
        match self {
            StageFunction::Sum => "sum",
            StageFunction::Avg => "avg",
            StageFunction::Min => "min",
            StageFunction::Max => "max",
        }
    }
}

fn definition<'m>(model: &'m SemanticModel, p: &MemberPath) -> Option<&'m Measure> {
    match model.cube_member(p) {
        Some(MemberRef::Measure(_, m)) => Some(m),
        _ => None,
    }
}

/// Whether a measure is computed as a stage over the base query (a
/// multi-stage measure without a time shift).
fn is_staged(model: &SemanticModel, p: &MemberPath) -> bool {
    definition(model, p).is_some_and(|m| m.multi_stage && m.time_shift.is_empty())
}

impl LogicalPlan {
    /// Splits the plan into a base query and stages when it selects
    /// multi-stage measures; `None` when it has none.
    pub fn stages(&self, model: &SemanticModel) -> Result<Option<StagedPlan>, QueryError> {
        if !self.measures.iter().any(|m| is_staged(model, &m.target)) {
            return Ok(None);
        }
        let mut split = Split {
            model,
            plan: self,
            stages: Vec::new(),
            base: Vec::new(),
            hidden: 0,
        };
        for m in &self.measures {
            if is_staged(model, &m.target) {
                split.visit(m, 0)?;
            } else if !split.base.iter().any(|b| b.target == m.target) {
                split.base.push(m.clone());
            }
        }
        let mut filtered = Vec::new();
        for f in &self.measure_filters {
            f.measures(&mut |p| filtered.push(p.clone()));
        }
        if let Some(p) = filtered.iter().find(|p| is_staged(model, p)) {
            return Err(query_err!(
                "filters on the multi-stage measure {p} are not supported yet"
            ));
        }
        let mut base = self.clone();
        base.measures = split.base;
        Ok(Some(StagedPlan {
            base,
            stages: split.stages,
        }))
    }
}

/// The walk that orders stages after the measures they refer to.
struct Split<'a> {
    model: &'a SemanticModel,
    plan: &'a LogicalPlan,
    stages: Vec<Stage>,
    base: Vec<PlanMeasure>,
    /// Measures added only because a stage needs them (`__stage_N`).
    hidden: usize,
}

impl Split<'_> {
    fn visit(&mut self, m: &PlanMeasure, depth: usize) -> Result<(), QueryError> {
        if depth > MAX_STAGE_DEPTH {
            return Err(query_err!(
                "multi-stage measure {} nests too deeply",
                m.name
            ));
        }
        if self.stages.iter().any(|s| s.measure.target == m.target) {
            return Ok(());
        }
        let def =
            definition(self.model, &m.target).ok_or_else(|| query_err!("{} not found", m.name))?;
        if !def.add_group_by.is_empty() {
            return Err(query_err!(
                "multi-stage measure {} uses add_group_by, which this version cannot plan yet",
                m.name
            ));
        }
        for r in self.measure_refs(def) {
            let needed = self.needed(&r);
            if is_staged(self.model, &r) {
                self.visit(&needed, depth + 1)?;
            } else if !self.base.iter().any(|b| b.target == r) {
                self.base.push(needed);
            }
        }
        let reaggregation = self.reaggregation(m, def)?;
        self.stages.push(Stage {
            measure: m.clone(),
            reaggregation,
        });
        Ok(())
    }

    /// The measures a definition's SQL refers to.
    fn measure_refs(&self, def: &Measure) -> Vec<MemberPath> {
        def.sql
            .iter()
            .flat_map(|t| t.refs())
            .filter_map(|r| match r {
                SqlRef::Member { cube, member } => {
                    Some(MemberPath::new(cube.clone(), member.clone()))
                }
                SqlRef::Cube(_) => None,
            })
            .filter(|p| matches!(self.model.cube_member(p), Some(MemberRef::Measure(..))))
            .collect()
    }

    /// The plan measure for a referenced measure: the selected one when the
    /// query selects it, else a hidden one.
    fn needed(&mut self, r: &MemberPath) -> PlanMeasure {
        if let Some(selected) = self.plan.measures.iter().find(|x| x.target == *r) {
            return selected.clone();
        }
        self.hidden += 1;
        PlanMeasure {
            name: r.to_string(),
            alias: format!("__stage_{}", self.hidden),
            target: r.clone(),
            kind: definition(self.model, r).map_or(MeasureType::Number, |d| d.kind),
            multiplied: false,
        }
    }

    fn reaggregation(
        &self,
        m: &PlanMeasure,
        def: &Measure,
    ) -> Result<Option<Reaggregation>, QueryError> {
        let function = match def.kind {
            MeasureType::Number
            | MeasureType::String
            | MeasureType::Time
            | MeasureType::Boolean => return Ok(None),
            MeasureType::Sum | MeasureType::Count | MeasureType::RunningTotal => StageFunction::Sum,
            MeasureType::Avg => StageFunction::Avg,
            MeasureType::Min => StageFunction::Min,
            MeasureType::Max => StageFunction::Max,
            other => {
                return Err(query_err!(
                    "multi-stage measure {} of type {} cannot be re-aggregated",
                    m.name,
                    other.as_str()
                ))
            }
        };
        let partition = self
            .plan
            .dimensions
            .iter()
            .filter(|d| {
                if def.group_by.is_empty() {
                    !def.reduce_by.contains(&d.target)
                } else {
                    def.group_by.contains(&d.target)
                }
            })
            .map(|d| d.alias.clone())
            .collect();
        Ok(Some(Reaggregation {
            function,
            partition,
        }))
    }
}
