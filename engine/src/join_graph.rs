//! The join graph of a model and the join tree a query uses, chosen as Cube
//! chooses it: joins are followed in the direction they are declared, and the
//! root is the query cube that reaches all the others with the fewest joins.

use std::collections::{HashMap, HashSet, VecDeque};

use strata_schema::{Relationship, SemanticModel};

use crate::error::{query_err, QueryError};

/// One join of a tree: `from` declares a join to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinStep {
    /// Cube that declares the join (already in the tree).
    pub from: String,
    /// Cube joined in.
    pub to: String,
    /// Relationship as declared on `from`.
    pub relationship: Relationship,
}

/// The cubes of a query and the joins between them, in rendering order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinTree {
    /// The cube in FROM.
    pub root: String,
    /// Joins, each from a cube already joined.
    pub joins: Vec<JoinStep>,
}

impl JoinTree {
    /// All cubes of the tree, root first.
    pub fn cubes(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.root.as_str()).chain(self.joins.iter().map(|j| j.to.as_str()))
    }

    /// Whether rows of `cube` are repeated by some join of the tree, so that its
    /// additive measures would be counted more than once (Cube's
    /// `findMultiplicationFactorFor`).
    pub fn multiplies(&self, cube: &str) -> bool {
        let mut visited = HashSet::new();
        self.multiplied_from(cube, &mut visited)
    }

    fn multiplied_from<'a>(&'a self, current: &'a str, visited: &mut HashSet<&'a str>) -> bool {
        if !visited.insert(current) {
            return false;
        }
        let adjacent: Vec<&JoinStep> = self
            .joins
            .iter()
            .filter(|j| j.from == current || j.to == current)
            .collect();
        let next = |j: &'a JoinStep| {
            if j.from == current {
                j.to.as_str()
            } else {
                j.from.as_str()
            }
        };
        if adjacent.iter().any(|j| {
            let m = (j.from == current && j.relationship == Relationship::OneToMany)
                || (j.to == current && j.relationship == Relationship::ManyToOne);
            m && !visited.contains(next(j))
        }) {
            return true;
        }
        adjacent
            .into_iter()
            .any(|j| self.multiplied_from(next(j), visited))
    }
}

/// Directed adjacency of a model's joins.
#[derive(Debug, Clone, Default)]
pub(crate) struct JoinGraph {
    edges: HashMap<String, Vec<(String, Relationship)>>,
}

impl JoinGraph {
    /// Builds the graph of a model.
    pub fn new(model: &SemanticModel) -> JoinGraph {
        let mut edges: HashMap<String, Vec<(String, Relationship)>> = HashMap::new();
        for cube in model.cubes.values() {
            let out = edges.entry(cube.name.clone()).or_default();
            for j in cube.joins.values() {
                out.push((j.target.clone(), j.relationship));
            }
        }
        JoinGraph { edges }
    }

    /// The join tree covering `cubes` (in query order, deduplicated).
    pub fn tree(&self, cubes: &[String]) -> Result<JoinTree, QueryError> {
        let first = cubes
            .first()
            .ok_or_else(|| query_err!("Query must reference at least one member"))?;
        if cubes.len() == 1 {
            return Ok(JoinTree {
                root: first.clone(),
                joins: vec![],
            });
        }
        let mut best: Option<JoinTree> = None;
        for root in cubes {
            if let Some(t) = self.tree_from(root, cubes) {
                if best.as_ref().is_none_or(|b| t.joins.len() < b.joins.len()) {
                    best = Some(t);
                }
            }
        }
        best.ok_or_else(|| {
            query_err!(
                "Can't find join path to join {}: declare joins between these cubes",
                cubes
                    .iter()
                    .map(|c| format!("'{c}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }

    fn tree_from(&self, root: &str, cubes: &[String]) -> Option<JoinTree> {
        // Breadth-first search gives shortest paths in number of joins.
        let mut parent: HashMap<&str, (&str, Relationship)> = HashMap::new();
        let mut seen: HashSet<&str> = HashSet::from([root]);
        let mut queue = VecDeque::from([root]);
        while let Some(c) = queue.pop_front() {
            for (t, rel) in self.edges.get(c).map(Vec::as_slice).unwrap_or(&[]) {
                if seen.insert(t.as_str()) {
                    parent.insert(t.as_str(), (c, *rel));
                    queue.push_back(t.as_str());
                }
            }
        }
        let mut joins: Vec<JoinStep> = Vec::new();
        let mut in_tree: HashSet<String> = HashSet::from([root.to_string()]);
        for target in cubes {
            if !seen.contains(target.as_str()) {
                return None;
            }
            // Walk back to the tree, then add the path root-first.
            let mut path = Vec::new();
            let mut cur = target.as_str();
            while !in_tree.contains(cur) {
                let (p, rel) = parent.get(cur)?;
                path.push(JoinStep {
                    from: p.to_string(),
                    to: cur.to_string(),
                    relationship: *rel,
                });
                cur = p;
            }
            for step in path.into_iter().rev() {
                in_tree.insert(step.to.clone());
                joins.push(step);
            }
        }
        Some(JoinTree {
            root: root.to_string(),
            joins,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(from: &str, to: &str, relationship: Relationship) -> JoinStep {
        JoinStep {
            from: from.into(),
            to: to.into(),
            relationship,
        }
    }

    #[test]
    fn multiplication_follows_cube() {
        // orders belongs_to users; users has_many orders' line items...
        let t = JoinTree {
            root: "Orders".into(),
            joins: vec![
                step("Orders", "Users", Relationship::ManyToOne),
                step("Orders", "Items", Relationship::OneToMany),
            ],
        };
        assert!(t.multiplies("Orders"), "orders rows repeat per item");
        assert!(
            t.multiplies("Users"),
            "users rows repeat per order and item"
        );
        assert!(!t.multiplies("Items"));
        let simple = JoinTree {
            root: "Orders".into(),
            joins: vec![step("Orders", "Users", Relationship::ManyToOne)],
        };
        assert!(!simple.multiplies("Orders"));
        assert!(simple.multiplies("Users"));
    }
}
