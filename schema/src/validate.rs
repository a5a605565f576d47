//! Checks across members once references are resolved: join targets, member
//! lists (pre-aggregations, drill members, multi-stage options), `sub_query`
//! dimensions and cycles.

use std::collections::{HashMap, HashSet};

use crate::model::*;
use crate::resolve::{dimension_templates, Index, MemberInfo};
use crate::template::SqlTemplate;
use crate::yaml::{Ctx, Sink};

/// Runs every check on a model whose references are resolved.
pub(crate) fn validate(model: &SemanticModel, index: &Index, sink: &Sink) {
    for cube in model.cubes.values() {
        joins(cube, index, sink);
        member_lists(cube, index, sink);
        sub_query_dimensions(model, cube, index, sink);
    }
    cycles(model, sink);
}

fn ctx<'a>(cube: &'a str, member: &'a str, loc: &'a SourceLocation) -> Ctx<'a> {
    Ctx::file(&loc.file)
        .cube(Some(cube), loc.line)
        .member(Some(member), loc.line)
}

fn joins(cube: &Cube, index: &Index, sink: &Sink) {
    for j in cube.joins.values() {
        if !index.has_cube(&j.target) {
            let hint = Index::suggest(&j.target, index.cube_names());
            sink.push(
                ctx(&cube.name, &j.target, &j.location)
                    .err(format!("join to unknown cube `{}`{hint}", j.target)),
            );
        }
    }
}

/// A `sub_query` dimension is a measure of another cube computed per row of
/// its own cube: it must reference such a measure, the two cubes must be
/// joined, and its cube needs a primary key to group the subquery by.
fn sub_query_dimensions(model: &SemanticModel, cube: &Cube, index: &Index, sink: &Sink) {
    for d in cube.dimensions.values().filter(|d| d.sub_query) {
        let c = ctx(&cube.name, &d.name, &d.location);
        let measures: Vec<(&str, &str)> = dimension_templates(&d.sql)
            .into_iter()
            .flat_map(|t| t.member_refs())
            .filter(|(mc, mm)| index.member(mc, mm).map(|i| i.kind) == Some(MemberKind::Measure))
            .collect();
        if measures.is_empty() {
            sink.push(c.err(
                "a `sub_query` dimension must reference a measure of a joined cube \
                 (e.g. `sql: \"{LineItems.total}\"`)",
            ));
        }
        for (mc, mm) in measures {
            if mc == cube.name {
                sink.push(c.err(format!(
                    "a `sub_query` dimension cannot reference `{mc}.{mm}`, a measure of its own \
                     cube: reference a measure of a joined cube"
                )));
            } else if !joined(model, &cube.name, mc) && !joined(model, mc, &cube.name) {
                sink.push(c.err(format!(
                    "`sub_query` dimension references `{mc}.{mm}`, but no join connects `{}` \
                     and `{mc}`: declare a join between them",
                    cube.name
                )));
            }
        }
        if cube.primary_keys().next().is_none() {
            sink.push(c.err(format!(
                "a `sub_query` dimension needs a `primary_key` dimension on `{}` to group its \
                 subquery by",
                cube.name
            )));
        }
    }
}

/// Whether `to` can be reached from `from` by following declared joins.
fn joined(model: &SemanticModel, from: &str, to: &str) -> bool {
    let mut seen: HashSet<&str> = HashSet::from([from]);
    let mut queue = vec![from];
    while let Some(c) = queue.pop() {
        if c == to {
            return true;
        }
        for j in model.cube(c).into_iter().flat_map(|c| c.joins.values()) {
            if seen.insert(&j.target) {
                queue.push(&j.target);
            }
        }
    }
    false
}

/// What a member list accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Any,
    Measure,
    Dimension,
    TimeDimension,
    Segment,
}

impl Want {
    fn accepts(self, info: MemberInfo) -> bool {
        match self {
            Want::Any => true,
            Want::Measure => info.kind == MemberKind::Measure,
            Want::Dimension => info.kind == MemberKind::Dimension,
            Want::TimeDimension => info.dimension_type == Some(DimensionType::Time),
            Want::Segment => info.kind == MemberKind::Segment,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Want::Any => "member",
            Want::Measure => "measure",
            Want::Dimension => "dimension",
            Want::TimeDimension => "time dimension",
            Want::Segment => "segment",
        }
    }
}

fn check(path: &MemberPath, want: Want, list: &str, index: &Index, ctx: &Ctx, sink: &Sink) {
    if !index.has_cube(&path.cube) {
        let hint = Index::suggest(&path.cube, index.cube_names());
        sink.push(ctx.err(format!(
            "`{list}` names `{path}`, but there is no cube `{}`{hint}",
            path.cube
        )));
        return;
    }
    match index.member(&path.cube, &path.member) {
        None => {
            let hint = Index::suggest(&path.member, index.members_of(&path.cube));
            sink.push(ctx.err(format!("`{list}` names unknown member `{path}`{hint}")));
        }
        Some(info) if !want.accepts(info) => {
            sink.push(ctx.err(format!(
                "`{list}` names `{path}`, which is not a {}",
                want.noun()
            )));
        }
        Some(_) => {}
    }
}

fn member_lists(cube: &Cube, index: &Index, sink: &Sink) {
    for m in cube.measures.values() {
        let c = ctx(&cube.name, &m.name, &m.location);
        let lists = [
            ("drill_members", &m.drill_members, Want::Any),
            ("reduce_by", &m.reduce_by, Want::Dimension),
            ("group_by", &m.group_by, Want::Dimension),
            ("add_group_by", &m.add_group_by, Want::Dimension),
        ];
        for (name, paths, want) in lists {
            for p in paths {
                check(p, want, name, index, &c, sink);
            }
        }
        for t in m
            .time_shift
            .iter()
            .filter_map(|t| t.time_dimension.as_ref())
        {
            check(
                t,
                Want::TimeDimension,
                "time_shift.time_dimension",
                index,
                &c,
                sink,
            );
        }
    }
    for p in cube.pre_aggregations.values() {
        let c = ctx(&cube.name, &p.name, &p.location);
        let lists = [
            ("measures", &p.measures, Want::Measure),
            ("dimensions", &p.dimensions, Want::Dimension),
            ("segments", &p.segments, Want::Segment),
        ];
        for (name, paths, want) in lists {
            for path in paths {
                check(path, want, name, index, &c, sink);
            }
        }
        for t in &p.time_dimensions {
            check(
                &t.dimension,
                Want::TimeDimension,
                "time_dimension",
                index,
                &c,
                sink,
            );
        }
    }
}

/// A member in the reference graph.
struct Node<'a> {
    cube: &'a str,
    member: &'a str,
    location: &'a SourceLocation,
    templates: Vec<&'a SqlTemplate>,
}

impl<'a> Node<'a> {
    /// The node of a member whose templates refer to other members.
    fn referring(
        cube: &'a str,
        member: &'a str,
        location: &'a SourceLocation,
        templates: Vec<&'a SqlTemplate>,
    ) -> Option<Node<'a>> {
        templates
            .iter()
            .any(|t| t.member_refs().next().is_some())
            .then_some(Node {
                cube,
                member,
                location,
                templates,
            })
    }
}

/// Reports every reference cycle between members (`a = {b}`, `b = {a}`).
///
/// Only members that refer to other members are nodes of the graph: a member
/// referring to none cannot be on a cycle, and leaving it out (with the
/// edges to it) changes neither the cycles found nor their order.
fn cycles(model: &SemanticModel, sink: &Sink) {
    let mut nodes: Vec<Node> = Vec::new();
    for cube in model.cubes.values() {
        let c = cube.name.as_str();
        for d in cube.dimensions.values() {
            let templates = dimension_templates(&d.sql);
            nodes.extend(Node::referring(c, &d.name, &d.location, templates));
        }
        for m in cube.measures.values() {
            let templates = m.sql.iter().chain(m.filters.iter()).collect();
            nodes.extend(Node::referring(c, &m.name, &m.location, templates));
        }
        for s in cube.segments.values() {
            nodes.extend(Node::referring(c, &s.name, &s.location, vec![&s.sql]));
        }
    }
    let ids: HashMap<(&str, &str), usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| ((n.cube, n.member), i))
        .collect();
    let edges: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            let mut e: Vec<usize> = n
                .templates
                .iter()
                .flat_map(|t| t.member_refs())
                .filter_map(|r| ids.get(&r).copied())
                .collect();
            e.dedup();
            e
        })
        .collect();

    // Iterative depth-first search: 0 = unseen, 1 = on the path, 2 = done.
    let mut state = vec![0u8; nodes.len()];
    for start in 0..nodes.len() {
        if state[start] != 0 {
            continue;
        }
        state[start] = 1;
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(top) = path.last_mut() {
            let (node, next_edge) = *top;
            let Some(&next) = edges[node].get(next_edge) else {
                state[node] = 2;
                path.pop();
                continue;
            };
            top.1 += 1;
            match state[next] {
                0 => {
                    state[next] = 1;
                    path.push((next, 0));
                }
                1 => {
                    let from = path.iter().position(|(n, _)| *n == next).unwrap_or(0);
                    let names: Vec<String> = path[from..]
                        .iter()
                        .map(|(n, _)| n)
                        .chain([&next])
                        .map(|&n| format!("{}.{}", nodes[n].cube, nodes[n].member))
                        .collect();
                    let n = &nodes[next];
                    sink.push(
                        ctx(n.cube, n.member, n.location)
                            .err(format!("circular reference: {}", names.join(" -> "))),
                    );
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::tests::{errors, line_of, model};

    const SUB_QUERY: &str = "cubes:
  - name: Orders
    sql_table: orders
    joins:
      - name: Items
        relationship: one_to_many
        sql: \"{CUBE}.id = {Items}.order_id\"
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: amount, sql: amount, type: number}
      - {name: items_total, sql: \"{Items.total}\", type: number, sub_query: true}
    measures:
      - {name: total, sql: amount, type: sum}
  - name: Items
    sql_table: items
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
    measures:
      - {name: total, sql: price, type: sum}
  - name: Lonely
    sql_table: lonely
    measures:
      - {name: count, type: count}
";

    #[test]
    fn sub_query_dimension_must_read_a_joined_cubes_measure() {
        let ok = model(SUB_QUERY);
        assert!(ok.cubes["Orders"].dimensions["items_total"].sub_query);
        for (sql, message) in [
            ("{amount} * 2", "must reference a measure of a joined cube"),
            ("{Orders.total}", "a measure of its own cube"),
            ("{Lonely.count}", "no join connects `Orders` and `Lonely`"),
        ] {
            let yaml = SUB_QUERY.replace("{Items.total}", sql);
            let errs = errors(&yaml);
            assert_eq!(errs.len(), 1, "{sql}: {errs:?}");
            let e = &errs[0];
            assert!(e.message.contains(message), "{sql}: {}", e.message);
            assert_eq!(e.line, Some(line_of(&yaml, "name: items_total")));
            assert_eq!(e.cube.as_deref(), Some("Orders"));
            assert_eq!(e.member.as_deref(), Some("items_total"));
        }
        let no_key = SUB_QUERY.replace(
            "type: number, primary_key: true}\n      - {name: amount",
            "type: number}\n      - {name: amount",
        );
        let errs = errors(&no_key);
        assert!(
            errs.iter()
                .any(|e| e.message.contains("needs a `primary_key`")),
            "{errs:?}"
        );
    }

    #[test]
    fn finds_cycles_through_other_cubes_past_plain_members() {
        let errs = errors(
            "cubes:\n  - name: A\n    sql_table: a\n    joins:\n      - name: B\n        relationship: many_to_one\n        sql: \"{CUBE}.b = {B}.id\"\n    dimensions:\n      - name: z\n        sql: z\n        type: string\n      - name: x\n        sql: \"{z} || {y} || {z}\"\n        type: string\n      - name: y\n        sql: \"{B.w}\"\n        type: string\n  - name: B\n    sql_table: b\n    dimensions:\n      - name: id\n        sql: id\n        type: number\n        primary_key: true\n      - name: w\n        sql: \"{A.x} || {id}\"\n        type: string\n    measures:\n      - name: v\n        type: number\n        sql: \"{v} + {count}\"\n      - name: count\n        type: count\n",
        );
        let cycles: Vec<String> = errs
            .iter()
            .filter(|e| e.message.starts_with("circular"))
            .map(|e| format!("{:?}:{}", e.line, e.message))
            .collect();
        assert_eq!(
            cycles,
            [
                "Some(12):circular reference: A.x -> A.y -> B.w -> A.x",
                "Some(29):circular reference: B.v -> B.v",
            ],
            "{errs:?}"
        );
    }
}
