//! The shape of a query's aggregation, decided in the plan: which measures
//! aggregate together over the join tree, which over the distinct keys of a
//! cube whose rows the joins repeat, and which need a series join (rolling
//! windows) or a shifted time (time-shifted multi-stage measures). Renderers
//! print each group; they do not decide it.

use strata_schema::{MeasureType, RollingWindow, SemanticModel};

use super::{LogicalPlan, PlanMeasure};
use crate::error::{query_err, QueryError};

/// Measures of a plan that are aggregated together, in one grouped select.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MeasureGroup {
    /// Measures aggregated over the query's join tree.
    Regular(Vec<PlanMeasure>),
    /// Measures of a cube whose rows the joins repeat (fan-out), aggregated
    /// over its distinct primary keys.
    Keyed {
        /// The cube whose keys are aggregated over.
        cube: String,
        /// Its measures.
        measures: Vec<PlanMeasure>,
    },
    /// A rolling-window measure, aggregated per bucket of a generated time
    /// series.
    Rolling {
        /// The measure.
        measure: PlanMeasure,
        /// Its window.
        window: RollingWindow,
    },
    /// A time-shifted multi-stage measure, aggregated over shifted time.
    Shifted(PlanMeasure),
}

impl LogicalPlan {
    /// How the plan's measures are aggregated: regular measures first (a
    /// group even when empty, when nothing else is aggregated), then one
    /// keyed group per multiplied cube, then rolling and shifted measures.
    pub fn measure_groups(&self, model: &SemanticModel) -> Result<Vec<MeasureGroup>, QueryError> {
        let mut regular = Vec::new();
        let mut keyed: Vec<(String, Vec<PlanMeasure>)> = Vec::new();
        let mut special = Vec::new();
        for m in &self.measures {
            let def = model
                .cube(&m.target.cube)
                .and_then(|c| c.measures.get(&m.target.member))
                .ok_or_else(|| query_err!("{} not found", m.name))?;
            if def.multi_stage {
                special.push(MeasureGroup::Shifted(m.clone()));
            } else if let Some(window) = def.effective_rolling_window() {
                special.push(MeasureGroup::Rolling {
                    measure: m.clone(),
                    window,
                });
            } else if m.multiplied && !self.ungrouped && needs_keys(m.kind) {
                match keyed.iter_mut().find(|(c, _)| *c == m.target.cube) {
                    Some((_, v)) => v.push(m.clone()),
                    None => keyed.push((m.target.cube.clone(), vec![m.clone()])),
                }
            } else {
                regular.push(m.clone());
            }
        }
        let mut groups = Vec::new();
        if !regular.is_empty() || (keyed.is_empty() && special.is_empty()) {
            groups.push(MeasureGroup::Regular(regular));
        }
        groups.extend(
            keyed
                .into_iter()
                .map(|(cube, measures)| MeasureGroup::Keyed { cube, measures }),
        );
        groups.extend(special);
        Ok(groups)
    }
}

/// Whether a multiplied measure of this type needs the distinct-keys path
/// (a count becomes a distinct count of keys instead; distinct counts, min
/// and max are not changed by repeated rows).
fn needs_keys(kind: MeasureType) -> bool {
    matches!(
        kind,
        MeasureType::Sum | MeasureType::Avg | MeasureType::Number | MeasureType::RunningTotal
    )
}
