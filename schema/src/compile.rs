//! Declarations → [`SemanticModel`]: unique names, `extends`, then reference
//! resolution, validation and views.

use std::collections::HashSet;

use indexmap::IndexMap;

use crate::error::SchemaError;
use crate::model::*;
use crate::parse::{CubeDecl, OWN};
use crate::views::ViewDecl;
use crate::yaml::{Ctx, Sink};
use crate::{resolve, validate, views};

/// Compiles every declaration of a model; problems go to `sink`.
pub(crate) fn compile(cubes: Vec<CubeDecl>, views: Vec<ViewDecl>, sink: &Sink) -> SemanticModel {
    let mut decls: IndexMap<String, CubeDecl> = IndexMap::new();
    for c in cubes {
        if let Some(first) = decls.get(&c.name) {
            sink.push(duplicate("cube", &c.name, &c.location, &first.location));
            continue;
        }
        decls.insert(c.name.clone(), c);
    }
    let mut view_decls: IndexMap<String, ViewDecl> = IndexMap::new();
    for v in views {
        let first = decls
            .get(&v.name)
            .map(|c| &c.location)
            .or_else(|| view_decls.get(&v.name).map(|w| &w.location));
        if let Some(first) = first {
            sink.push(duplicate("view", &v.name, &v.location, first));
            continue;
        }
        view_decls.insert(v.name.clone(), v);
    }

    // Cubes in an `extends` chain are merged from copies of their
    // declarations; every other cube (most of them) takes its members as
    // they are, without copying.
    let parents: HashSet<&str> = decls
        .values()
        .filter_map(|d| d.extends.as_deref())
        .collect();
    let mut built: Vec<Option<Cube>> = decls
        .values()
        .map(|d| {
            let shared = d.extends.is_some() || parents.contains(d.name.as_str());
            shared.then(|| build_cube(d, &decls, sink))
        })
        .collect();
    let mut model = SemanticModel::default();
    for (i, (name, mut decl)) in decls.into_iter().enumerate() {
        let cube = match built.get_mut(i).and_then(Option::take) {
            Some(cube) => cube,
            None => {
                let merged = Merged::own(Members::take(&mut decl));
                finish_cube(&decl, merged, true, sink)
            }
        };
        model.cubes.insert(name, cube);
    }
    // Member names and kinds do not change from here on: index them once.
    let index = resolve::Index::build(&model);
    resolve::resolve(&mut model, &index, sink);
    validate::validate(&model, &index, sink);
    views::build(&mut model, &index, view_decls.into_values().collect(), sink);
    crate::access::validate(&model, sink);
    model
}

fn duplicate(what: &str, name: &str, at: &SourceLocation, first: &SourceLocation) -> SchemaError {
    let line = first.line.map_or(String::new(), |l| format!(":{l}"));
    SchemaError::new(
        &at.file,
        format!(
            "{what} name `{name}` is already used (first defined at {}{line})",
            first.file.display()
        ),
    )
    .at_line(at.line)
    .in_cube(name)
}

/// Members of a cube while its `extends` chain is merged.
#[derive(Default)]
struct Merged {
    source: Option<CubeSource>,
    data_source: Option<String>,
    refresh_key: Option<RefreshKey>,
    joins: IndexMap<String, Join>,
    dimensions: IndexMap<String, Dimension>,
    measures: IndexMap<String, Measure>,
    segments: IndexMap<String, Segment>,
    pre_aggregations: IndexMap<String, PreAggregation>,
    access_policy: Vec<crate::access::AccessPolicy>,
}

impl Merged {
    /// The members of a cube that neither extends nor is extended: what
    /// [`Merged::overlay_owned`] gives on nothing inherited, without its
    /// checks for names to replace, which cannot occur (parsing reports and
    /// drops members that repeat a name of their cube).
    fn own(decl: Members) -> Merged {
        let merged = Merged {
            source: decl.source,
            data_source: decl.data_source,
            refresh_key: decl.refresh_key,
            joins: keyed(decl.joins, |j| &j.target),
            dimensions: keyed(decl.dimensions, |d| &d.name),
            measures: keyed(decl.measures, |m| &m.name),
            segments: keyed(decl.segments, |s| &s.name),
            pre_aggregations: keyed(decl.pre_aggregations, |p| &p.name),
            access_policy: decl.access_policy,
        };
        debug_assert!(merged.names_unique());
        merged
    }

    /// Whether no name is both a dimension, a measure or a segment.
    fn names_unique(&self) -> bool {
        let Merged {
            dimensions,
            measures,
            segments,
            ..
        } = self;
        dimensions
            .keys()
            .all(|n| !measures.contains_key(n) && !segments.contains_key(n))
            && measures.keys().all(|n| !segments.contains_key(n))
    }

    /// Lays `decl` over what is inherited: its own members replace same-named ones.
    fn overlay(&mut self, decl: &CubeDecl) {
        self.overlay_owned(Members {
            source: decl.source.clone(),
            data_source: decl.data_source.clone(),
            refresh_key: decl.refresh_key.clone(),
            access_policy: decl.access_policy.clone(),
            joins: decl.joins.clone(),
            dimensions: decl.dimensions.clone(),
            measures: decl.measures.clone(),
            segments: decl.segments.clone(),
            pre_aggregations: decl.pre_aggregations.clone(),
        });
    }

    /// [`Merged::overlay`] with members that are not needed elsewhere.
    fn overlay_owned(&mut self, decl: Members) {
        if decl.source.is_some() {
            self.source = decl.source;
        }
        if decl.data_source.is_some() {
            self.data_source = decl.data_source;
        }
        if decl.refresh_key.is_some() {
            self.refresh_key = decl.refresh_key;
        }
        // A cube's own policies replace inherited ones.
        if !decl.access_policy.is_empty() {
            self.access_policy = decl.access_policy;
        }
        for j in decl.joins {
            self.joins.insert(j.target.clone(), j);
        }
        for d in decl.dimensions {
            self.measures.shift_remove(&d.name);
            self.segments.shift_remove(&d.name);
            self.dimensions.insert(d.name.clone(), d);
        }
        for m in decl.measures {
            self.dimensions.shift_remove(&m.name);
            self.segments.shift_remove(&m.name);
            self.measures.insert(m.name.clone(), m);
        }
        for s in decl.segments {
            self.dimensions.shift_remove(&s.name);
            self.measures.shift_remove(&s.name);
            self.segments.insert(s.name.clone(), s);
        }
        // Cube keeps the child's pre-aggregations first, then the inherited ones.
        let mut pre: IndexMap<String, PreAggregation> = decl
            .pre_aggregations
            .into_iter()
            .map(|p| (p.name.clone(), p))
            .collect();
        for (name, p) in std::mem::take(&mut self.pre_aggregations) {
            pre.entry(name).or_insert(p);
        }
        self.pre_aggregations = pre;
    }
}

/// Items by name, in order; a repeated name keeps its first place and its
/// last item (as inserting them one by one does).
fn keyed<T>(items: Vec<T>, name: impl Fn(&T) -> &String) -> IndexMap<String, T> {
    let mut map = IndexMap::with_capacity(items.len());
    for item in items {
        map.insert(name(&item).clone(), item);
    }
    map
}

/// The members of one declaration, as [`Merged::overlay_owned`] takes them.
struct Members {
    source: Option<CubeSource>,
    data_source: Option<String>,
    refresh_key: Option<RefreshKey>,
    access_policy: Vec<crate::access::AccessPolicy>,
    joins: Vec<Join>,
    dimensions: Vec<Dimension>,
    measures: Vec<Measure>,
    segments: Vec<Segment>,
    pre_aggregations: Vec<PreAggregation>,
}

impl Members {
    /// Moves the members out of `decl`, leaving it with none.
    fn take(decl: &mut CubeDecl) -> Members {
        use std::mem::take;
        Members {
            source: decl.source.take(),
            data_source: decl.data_source.take(),
            refresh_key: decl.refresh_key.take(),
            access_policy: take(&mut decl.access_policy),
            joins: take(&mut decl.joins),
            dimensions: take(&mut decl.dimensions),
            measures: take(&mut decl.measures),
            segments: take(&mut decl.segments),
            pre_aggregations: take(&mut decl.pre_aggregations),
        }
    }
}

/// The `extends` chain of `decl`, child first; `false` when it is broken
/// (unknown parent or a cycle, reported here when `decl` itself is at fault).
fn chain<'a>(
    decl: &'a CubeDecl,
    decls: &'a IndexMap<String, CubeDecl>,
    sink: &Sink,
) -> (Vec<&'a CubeDecl>, bool) {
    let mut chain = vec![decl];
    let mut cur = decl;
    let ctx = Ctx::file(&decl.location.file).cube(Some(&decl.name), decl.extends_line);
    while let Some(parent) = &cur.extends {
        if let Some(pos) = chain.iter().position(|c| c.name == *parent) {
            if pos == 0 {
                let names: Vec<&str> = chain
                    .iter()
                    .map(|c| c.name.as_str())
                    .chain([parent.as_str()])
                    .collect();
                sink.push(ctx.err(format!("`extends` cycle: {}", names.join(" -> "))));
            }
            return (chain, false);
        }
        match decls.get(parent) {
            Some(p) => {
                chain.push(p);
                cur = p;
            }
            None => {
                if std::ptr::eq(cur, decl) {
                    sink.push(ctx.err(format!("`extends` names unknown cube `{parent}`")));
                }
                return (chain, false);
            }
        }
    }
    (chain, true)
}

fn build_cube(decl: &CubeDecl, decls: &IndexMap<String, CubeDecl>, sink: &Sink) -> Cube {
    let (chain, complete) = chain(decl, decls, sink);
    let mut merged = Merged::default();
    for d in chain.iter().rev() {
        merged.overlay(d);
    }
    finish_cube(decl, merged, complete, sink)
}

/// The cube of `decl` from its merged members; `complete` when its `extends`
/// chain is whole (a missing source is reported only then).
fn finish_cube(decl: &CubeDecl, merged: Merged, complete: bool, sink: &Sink) -> Cube {
    let source = merged.source.unwrap_or_else(|| {
        if complete {
            let ctx = Ctx::file(&decl.location.file).cube(Some(&decl.name), decl.location.line);
            sink.push(ctx.err("a cube needs `sql_table` or `sql`"));
        }
        CubeSource::Table(String::new())
    });
    let own = decl.name.as_str();
    let mut measures = merged.measures;
    for m in measures.values_mut() {
        for p in m
            .drill_members
            .iter_mut()
            .chain(m.reduce_by.iter_mut())
            .chain(m.group_by.iter_mut())
            .chain(m.add_group_by.iter_mut())
            .chain(
                m.time_shift
                    .iter_mut()
                    .filter_map(|t| t.time_dimension.as_mut()),
            )
        {
            adopt(p, own);
        }
    }
    let mut pre_aggregations = merged.pre_aggregations;
    for p in pre_aggregations.values_mut() {
        for path in p
            .measures
            .iter_mut()
            .chain(p.dimensions.iter_mut())
            .chain(p.segments.iter_mut())
            .chain(p.time_dimensions.iter_mut().map(|t| &mut t.dimension))
        {
            adopt(path, own);
        }
    }
    Cube {
        name: decl.name.clone(),
        title: decl.title.clone(),
        description: decl.description.clone(),
        public: decl.public,
        meta: decl.meta.clone(),
        source,
        data_source: merged.data_source,
        refresh_key: merged.refresh_key,
        joins: merged.joins,
        dimensions: merged.dimensions,
        measures,
        segments: merged.segments,
        pre_aggregations,
        access_policy: merged.access_policy,
        location: decl.location.clone(),
    }
}

/// Points an own-cube path ([`OWN`]) at `cube`.
fn adopt(path: &mut MemberPath, cube: &str) {
    if path.cube == OWN {
        path.cube = cube.to_string();
    }
}
