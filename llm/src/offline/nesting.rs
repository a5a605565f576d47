//! Dimensions nested in others: each country lies in one sales region,
//! each customer in one country. A cube's `name` dimension names one row,
//! and a row joined many-to-one to another cube has one value for each of
//! that cube's attributes, so a cube's names lie within the string
//! dimensions of every cube it reaches through many-to-one joins. A chat
//! turn that widens "Germany" to "the whole of Europe" replaces the country
//! with the region instead of keeping both.

use std::collections::{HashSet, VecDeque};

use strata_schema::{DimensionType, Relationship, SemanticModel};

use super::view_moves::ViewTargets;

/// Pairs of cube members `(inner, outer)`: each value of `inner` lies in
/// one value of `outer`.
#[derive(Debug, Clone, Default)]
pub struct Nesting(HashSet<(String, String)>);

impl Nesting {
    /// The nesting of the cubes of `model`.
    pub fn for_model(model: &SemanticModel) -> Nesting {
        let mut pairs = HashSet::new();
        for cube in model.cubes.values() {
            let Some(name) = cube
                .dimensions
                .get("name")
                .filter(|d| d.public && d.kind == DimensionType::String)
            else {
                continue;
            };
            let inner = format!("{}.{}", cube.name, name.name);
            for outer_cube in reached_many_to_one(model, &cube.name) {
                let Some(outer) = model.cubes.get(&outer_cube) else {
                    continue;
                };
                let attributes = outer
                    .dimensions
                    .values()
                    .filter(|d| d.public && !d.primary_key && d.kind == DimensionType::String);
                for d in attributes {
                    pairs.insert((inner.clone(), format!("{}.{}", outer.name, d.name)));
                }
            }
        }
        Nesting(pairs)
    }

    /// Whether each value of `inner` lies in one value of `outer`; view
    /// members are taken as the cube members they stand for.
    pub fn within(&self, views: &ViewTargets, inner: &str, outer: &str) -> bool {
        let cube_member = |m: &str| views.target(m).unwrap_or(m).to_owned();
        self.0.contains(&(cube_member(inner), cube_member(outer)))
    }
}

/// The cubes `from` reaches through many-to-one joins only, without itself.
fn reached_many_to_one(model: &SemanticModel, from: &str) -> Vec<String> {
    let mut seen: Vec<String> = vec![from.to_owned()];
    let mut queue = VecDeque::from([from.to_owned()]);
    while let Some(cube) = queue.pop_front() {
        let Some(c) = model.cubes.get(&cube) else {
            continue;
        };
        for join in c.joins.values() {
            if join.relationship == Relationship::ManyToOne && !seen.contains(&join.target) {
                seen.push(join.target.clone());
                queue.push_back(join.target.clone());
            }
        }
    }
    seen.remove(0);
    seen
}

#[cfg(test)]
mod tests {
    use super::Nesting;
    use crate::offline::view_moves::ViewTargets;

    #[test]
    fn names_lie_within_what_their_cube_belongs_to() {
        let (_, model) = crate::offline::fixtures::demo();
        let nesting = Nesting::for_model(&model);
        let views = ViewTargets::for_model(&model);
        assert!(nesting.within(&views, "Countries.name", "Regions.name"));
        assert!(nesting.within(&views, "Users.name", "Countries.name"));
        assert!(nesting.within(&views, "Users.name", "Regions.name"));
        assert!(nesting.within(&views, "orders_overview.country", "orders_overview.region"));
        // Not the other way, and not an attribute that is no row's name.
        assert!(!nesting.within(&views, "Regions.name", "Countries.name"));
        assert!(!nesting.within(&views, "Orders.channel", "Users.segment"));
    }
}
