//! A follow-up that needs what the query's view does not have: "sorry, I
//! meant units" on an `orders_overview` query (units are in
//! `sales_overview`), "only the discounted lines" on `sales_overview` (views
//! carry no segments). Refined in the view, the turn finds nothing to place
//! and is refused. The query moves to the cubes its view stands on, where
//! every member it had is, and the turn is read there.

use std::collections::HashMap;

use strata_engine::Query;
use strata_schema::{MemberKind, SemanticModel};

use super::parse::Analysis;
use super::resolve::effective;
use crate::catalog::Catalog;

/// The members of a model's views and the cube members they stand for.
#[derive(Debug, Clone, Default)]
pub struct ViewTargets(HashMap<String, String>);

impl ViewTargets {
    /// The targets of every view member of `model`.
    pub fn for_model(model: &SemanticModel) -> ViewTargets {
        let targets = model
            .views
            .iter()
            .flat_map(|(view, v)| {
                v.members.iter().map(move |(name, m)| {
                    (
                        format!("{view}.{name}"),
                        format!("{}.{}", m.target.cube, m.target.member),
                    )
                })
            })
            .collect();
        ViewTargets(targets)
    }

    /// The cube member a view member stands for (`Cube.member`).
    pub fn target(&self, view_member: &str) -> Option<&str> {
        self.0.get(view_member).map(String::as_str)
    }

    /// `query` on the cubes its view members stand for; `None` when it uses
    /// no view member.
    pub fn on_cubes(&self, query: &Query) -> Option<Query> {
        let mut moved = query.clone();
        let mut any = false;
        moved.member_names_mut(&mut |name: &mut String| {
            if let Some(target) = self.0.get(name.as_str()) {
                *name = target.clone();
                any = true;
            }
        });
        any.then_some(moved)
    }
}

/// Whether the turn names a measure or segment that the view `query` is on
/// does not have, under any of the names the words may mean.
pub(crate) fn needs_cubes(catalog: &Catalog, a: &Analysis, query: &Query) -> bool {
    let members = catalog.members();
    let Some(view) = query
        .measures
        .first()
        .and_then(|name| catalog.get(name))
        .filter(|m| m.in_view)
        .map(|m| m.owner.as_str())
    else {
        return false;
    };
    a.mentions.iter().any(|m| {
        let kinds = |k: MemberKind| m.candidates.iter().any(|e| members[e.member].kind == k);
        let asks =
            effective(catalog, m).0 == super::parse::Role::Measure || kinds(MemberKind::Segment);
        !m.absorbed
            && asks
            && (kinds(MemberKind::Measure) || kinds(MemberKind::Segment))
            && m.candidates.iter().all(|e| members[e.member].owner != view)
    })
}
