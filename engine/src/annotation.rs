//! Cube's `annotation`: title, type and format of every member in a result.

use serde::Serialize;
use serde_json::{json, Map, Value};
use strata_schema::{title_from_name, MemberPath, MemberRef, SemanticModel};

use crate::plan::LogicalPlan;

/// The annotation of a result, as Cube sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    /// Measures by name.
    pub measures: Map<String, Value>,
    /// Dimensions by name.
    pub dimensions: Map<String, Value>,
    /// Segments by name.
    pub segments: Map<String, Value>,
    /// Time dimensions (with and without granularity) by name.
    pub time_dimensions: Map<String, Value>,
}

fn titles(model: &SemanticModel, name: &str, target: &MemberPath) -> (String, String) {
    let (view_or_cube, member) = name.split_once('.').unwrap_or((name, name));
    let member = member.split('.').next().unwrap_or(member);
    let container_title = model
        .cube(view_or_cube)
        .and_then(|c| c.title.clone())
        .or_else(|| model.views.get(view_or_cube).and_then(|v| v.title.clone()))
        .unwrap_or_else(|| title_from_name(view_or_cube));
    let member_title = match model.cube_member(target) {
        Some(MemberRef::Dimension(_, d)) => d.title.clone(),
        Some(MemberRef::Measure(_, m)) => m.title.clone(),
        Some(MemberRef::Segment(_, s)) => s.title.clone(),
        None => None,
    }
    .unwrap_or_else(|| title_from_name(member));
    (format!("{container_title} {member_title}"), member_title)
}

impl Annotation {
    /// Builds the annotation of a plan. `exact_approx`, when given, says why
    /// approximate distinct counts were computed exactly
    /// ([`Dialect::exact_distinct_reason`](crate::Dialect::exact_distinct_reason)).
    pub fn new(
        model: &SemanticModel,
        plan: &LogicalPlan,
        exact_approx: Option<&str>,
    ) -> Annotation {
        let mut measures = Map::new();
        for m in &plan.measures {
            let (title, short) = titles(model, &m.name, &m.target);
            let mut o = json!({
                "title": title, "shortTitle": short, "type": measure_type(m.kind),
                "drillMembers": [], "drillMembersGrouped": {"measures": [], "dimensions": []}
            });
            if let Some(MemberRef::Measure(_, def)) = model.cube_member(&m.target) {
                if let Some(f) = &def.format {
                    o["format"] = f.clone().into();
                }
                if let Some(meta) = &def.meta {
                    o["meta"] = meta.clone();
                }
                let drill: Vec<String> = def.drill_members.iter().map(|p| p.to_string()).collect();
                o["drillMembers"] = json!(drill);
                o["drillMembersGrouped"]["dimensions"] = json!(drill);
            }
            if let Some(reason) = exact_approx {
                if m.kind == strata_schema::MeasureType::CountDistinctApprox {
                    o["approximation"] = format!(
                        "exact: {reason}, so this count_distinct_approx is an exact distinct \
                         count"
                    )
                    .into();
                }
            }
            measures.insert(m.name.clone(), o);
        }
        let mut dimensions = Map::new();
        let mut time_dimensions = Map::new();
        for d in &plan.dimensions {
            let (title, short) = titles(model, &d.name, &d.target);
            let mut o = json!({"title": title, "shortTitle": short, "type": d.kind.as_str()});
            if let Some(MemberRef::Dimension(_, def)) = model.cube_member(&d.target) {
                if let Some(f) = &def.format {
                    o["format"] = f.clone().into();
                }
                if let Some(meta) = &def.meta {
                    o["meta"] = meta.clone();
                }
            }
            match d.granularity {
                Some(g) => {
                    let mut with_g = o.clone();
                    with_g["granularity"] = json!({"name": g.as_str(), "title": g.as_str(), "interval": format!("1 {}", g.as_str())});
                    time_dimensions.insert(d.name.clone(), with_g);
                    if let Some(alt) = &d.alt_name {
                        time_dimensions.insert(alt.clone(), o);
                    }
                }
                None => {
                    dimensions.insert(d.name.clone(), o);
                }
            }
        }
        let mut segments = Map::new();
        for s in &plan.segments {
            let (title, short) = titles(model, &s.to_string(), s);
            segments.insert(s.to_string(), json!({"title": title, "shortTitle": short}));
        }
        Annotation {
            measures,
            dimensions,
            segments,
            time_dimensions,
        }
    }
}

/// The `type` Cube reports for a measure of this aggregation.
pub fn measure_type(kind: strata_schema::MeasureType) -> &'static str {
    use strata_schema::MeasureType::*;
    match kind {
        String => "string",
        Time => "time",
        Boolean => "boolean",
        _ => "number",
    }
}
