//! Which cubes a query may combine: joins are followed in the direction they
//! are declared, so a query over several cubes needs one of them (the root)
//! to reach all the others.

use std::collections::{BTreeMap, HashMap, VecDeque};

use strata_schema::SemanticModel;

/// Directed reachability between the cubes of a model.
#[derive(Debug, Clone, Default)]
pub struct JoinHints {
    reach: HashMap<String, BTreeMap<String, usize>>,
}

impl JoinHints {
    /// Reachability computed from a model's declared joins.
    pub fn from_model(model: &SemanticModel) -> JoinHints {
        let mut edges: Vec<(&str, Vec<&str>)> = model
            .cubes
            .values()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.joins.values().map(|j| j.target.as_str()).collect(),
                )
            })
            .collect();
        edges.sort_by_key(|(name, _)| *name);
        JoinHints::from_edges(
            edges
                .iter()
                .flat_map(|(from, tos)| tos.iter().map(move |to| (*from, *to))),
        )
    }

    /// Hints from explicit edges `(from, to)` (for tests and callers without
    /// a model).
    pub fn from_edges<'a>(edges: impl IntoIterator<Item = (&'a str, &'a str)>) -> JoinHints {
        let mut model_edges: HashMap<String, Vec<String>> = HashMap::new();
        for (a, b) in edges {
            model_edges
                .entry(a.to_owned())
                .or_default()
                .push(b.to_owned());
            model_edges.entry(b.to_owned()).or_default();
        }
        let mut reach = HashMap::new();
        for start in model_edges.keys() {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            let mut queue = VecDeque::from([(start.clone(), 0usize)]);
            while let Some((cube, d)) = queue.pop_front() {
                for next in model_edges.get(&cube).into_iter().flatten() {
                    if next != start && !seen.contains_key(next) {
                        seen.insert(next.clone(), d + 1);
                        queue.push_back((next.clone(), d + 1));
                    }
                }
            }
            reach.insert(start.clone(), seen);
        }
        JoinHints { reach }
    }

    /// True when `to` can be joined from `from` (or is `from`).
    pub fn reaches(&self, from: &str, to: &str) -> bool {
        from == to || self.reach.get(from).is_some_and(|r| r.contains_key(to))
    }

    /// Number of joins from `from` to `to` (0 for the same cube).
    pub fn distance(&self, from: &str, to: &str) -> Option<usize> {
        if from == to {
            return Some(0);
        }
        self.reach.get(from).and_then(|r| r.get(to)).copied()
    }

    /// A cube among `cubes` that reaches all the others, if any.
    pub fn root<'a>(&self, cubes: &[&'a str]) -> Option<&'a str> {
        cubes
            .iter()
            .copied()
            .find(|root| cubes.iter().all(|c| self.reaches(root, c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_joins_follow_declared_direction() {
        let model = strata_demo::model().expect("demo model");
        let hints = JoinHints::from_model(&model);
        assert!(hints.reaches("LineItems", "Regions"));
        assert!(hints.reaches("Orders", "Countries"));
        assert!(!hints.reaches("Orders", "Products"));
        assert_eq!(hints.root(&["Products", "LineItems"]), Some("LineItems"));
        assert_eq!(hints.root(&["Orders", "Products"]), None);
    }
}
