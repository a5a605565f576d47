//! Cube's `/cubejs-api/v1/meta` document built from a [`SemanticModel`].
//!
//! One entry per public cube and view, with their public measures, dimensions
//! and segments, in declaration order (cubes first, then views).

use std::collections::{HashMap, VecDeque};

use axum::body::Bytes;
use axum::response::Response;
use serde_json::{json, Map, Value};
use strata_schema::{
    title_from_name, Cube, Dimension, Measure, MeasureType, MemberKind, MemberPath, MemberRef,
    SemanticModel, View,
};

/// A model's `/meta` document, built once, with its JSON text.
#[derive(Debug)]
pub struct MetaDocument {
    /// The document (`{"cubes": [...]}`).
    pub value: Value,
    /// `value` as JSON, answered as is to callers who may see the whole model.
    body: Bytes,
}

impl MetaDocument {
    /// Builds the document of `model`.
    pub fn build(model: &SemanticModel) -> MetaDocument {
        let value = build_meta(model);
        let body = Bytes::from(value.to_string());
        MetaDocument { value, body }
    }

    /// The whole document as a JSON response (no copy of the text).
    pub fn response(&self) -> Response {
        crate::response::json_text(self.body.clone())
    }
}

/// Builds `{"cubes": [...]}` for `/meta`.
pub fn build_meta(model: &SemanticModel) -> Value {
    let components = connected_components(model);
    let mut cubes = Vec::new();
    for cube in model.cubes.values().filter(|c| c.public) {
        let component = components.get(cube.name.as_str()).copied().unwrap_or(0);
        cubes.push(cube_meta(model, cube, component));
    }
    for view in model.views.values().filter(|v| v.public) {
        let component = components.get(view.name.as_str()).copied().unwrap_or(0);
        cubes.push(view_meta(model, view, component));
    }
    json!({ "cubes": cubes })
}

/// The `/meta` document narrowed to what `grant` allows: cubes and views it
/// denies disappear, and so do members it does not grant.
pub fn filter_meta(
    meta: &Value,
    model: &SemanticModel,
    grant: &strata_engine::AccessGrant,
) -> Value {
    let cubes = meta
        .get("cubes")
        .and_then(Value::as_array)
        .map(|cubes| {
            cubes
                .iter()
                .filter(|c| {
                    c.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| grant.allows_owner(n))
                })
                .map(|c| {
                    let mut c = c.clone();
                    for list in ["measures", "dimensions", "segments"] {
                        if let Some(Value::Array(members)) = c.get_mut(list) {
                            members.retain(|m| {
                                m.get("name")
                                    .and_then(Value::as_str)
                                    .is_some_and(|n| grant.allows(model, n))
                            });
                        }
                    }
                    c
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    json!({ "cubes": cubes })
}

/// Numbers groups of cubes connected by joins (in either direction), as Cube's
/// join graph does: every cube and view in declaration order gets the next
/// number, and cubes reached through joins share the number of the first one.
fn connected_components(model: &SemanticModel) -> HashMap<&str, u64> {
    let mut neighbours: HashMap<&str, Vec<&str>> = HashMap::new();
    for cube in model.cubes.values() {
        for join in cube.joins.values() {
            if model.cubes.contains_key(&join.target) {
                neighbours
                    .entry(cube.name.as_str())
                    .or_default()
                    .push(join.target.as_str());
                neighbours
                    .entry(join.target.as_str())
                    .or_default()
                    .push(cube.name.as_str());
            }
        }
    }
    let nodes = model
        .cubes
        .keys()
        .chain(model.views.keys())
        .map(String::as_str);
    let mut components: HashMap<&str, u64> = HashMap::new();
    for (index, node) in nodes.enumerate() {
        if components.contains_key(node) {
            continue;
        }
        let id = index as u64 + 1;
        let mut queue = VecDeque::from([node]);
        components.insert(node, id);
        while let Some(n) = queue.pop_front() {
            for &next in neighbours.get(n).map(Vec::as_slice).unwrap_or_default() {
                if !components.contains_key(next) {
                    components.insert(next, id);
                    queue.push_back(next);
                }
            }
        }
    }
    components
}

fn cube_title(title: Option<&str>, name: &str) -> String {
    title.map_or_else(|| title_from_name(name), str::to_string)
}

fn insert_opt(obj: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        obj.insert(key.to_string(), v);
    }
}

fn text(s: &Option<String>) -> Option<Value> {
    s.as_ref().map(|s| Value::String(s.clone()))
}

fn container(
    name: &str,
    title: &str,
    kind: &str,
    description: &Option<String>,
    meta: &Option<Value>,
    component: u64,
) -> Map<String, Value> {
    let mut obj = Map::new();
    obj.insert("name".into(), json!(name));
    obj.insert("title".into(), json!(title));
    obj.insert("type".into(), json!(kind));
    insert_opt(&mut obj, "description", text(description));
    insert_opt(&mut obj, "meta", meta.clone());
    obj.insert("isVisible".into(), json!(true));
    obj.insert("public".into(), json!(true));
    obj.insert("connectedComponent".into(), json!(component));
    obj
}

fn finish(
    mut obj: Map<String, Value>,
    measures: Vec<Value>,
    dimensions: Vec<Value>,
    segments: Vec<Value>,
) -> Value {
    obj.insert("measures".into(), Value::Array(measures));
    obj.insert("dimensions".into(), Value::Array(dimensions));
    obj.insert("segments".into(), Value::Array(segments));
    obj.insert("hierarchies".into(), json!([]));
    obj.insert("folders".into(), json!([]));
    obj.insert("nestedFolders".into(), json!([]));
    Value::Object(obj)
}

fn cube_meta(model: &SemanticModel, cube: &Cube, component: u64) -> Value {
    let title = cube_title(cube.title.as_deref(), &cube.name);
    let obj = container(
        &cube.name,
        &title,
        "cube",
        &cube.description,
        &cube.meta,
        component,
    );
    let is_measure = |name: &str| {
        MemberPath::parse(name)
            .and_then(|p| model.cube_member(&p))
            .is_some_and(|r| matches!(r, MemberRef::Measure(_, _)))
    };
    let measures = cube
        .measures
        .values()
        .filter(|m| m.public)
        .map(|m| {
            let drill: Vec<String> = m.drill_members.iter().map(MemberPath::to_string).collect();
            let names = Names::new(&cube.name, &m.name, &title, m.title.as_deref());
            let description = m.description.as_ref();
            measure_json(&names, m, description, &drill, &is_measure, None)
        })
        .collect();
    let dimensions = cube
        .dimensions
        .values()
        .filter(|d| d.public)
        .map(|d| {
            let names = Names::new(&cube.name, &d.name, &title, d.title.as_deref());
            dimension_json(&names, d, d.description.as_ref(), None)
        })
        .collect();
    let segments = cube
        .segments
        .values()
        .filter(|s| s.public)
        .map(|s| {
            let names = Names::new(&cube.name, &s.name, &title, s.title.as_deref());
            segment_json(&names, s.description.as_ref(), None)
        })
        .collect();
    finish(obj, measures, dimensions, segments)
}

/// A view's entry. View members are all visible (a view is the public façade
/// over possibly hidden cubes); each takes the type and format of its target,
/// and its title from the view member's title, else the target's, else its name.
fn view_meta(model: &SemanticModel, view: &View, component: u64) -> Value {
    let title = cube_title(view.title.as_deref(), &view.name);
    let obj = container(
        &view.name,
        &title,
        "view",
        &view.description,
        &view.meta,
        component,
    );
    // Target member -> its name in this view, to translate drill members.
    let in_view: HashMap<&MemberPath, String> = view
        .members
        .values()
        .map(|vm| (&vm.target, format!("{}.{}", view.name, vm.name)))
        .collect();
    let is_measure = |name: &str| {
        name.strip_prefix(view.name.as_str())
            .and_then(|r| r.strip_prefix('.'))
            .and_then(|m| view.members.get(m))
            .is_some_and(|vm| vm.kind == MemberKind::Measure)
    };
    let (mut measures, mut dimensions, mut segments) = (Vec::new(), Vec::new(), Vec::new());
    for vm in view.members.values() {
        let alias = vm.target.to_string();
        match model.cube_member(&vm.target) {
            Some(MemberRef::Measure(_, m)) => {
                let t = vm.title.as_deref().or(m.title.as_deref());
                let names = Names::new(&view.name, &vm.name, &title, t);
                // Drill members not exposed by the view are dropped.
                let drill: Vec<String> = m
                    .drill_members
                    .iter()
                    .filter_map(|p| in_view.get(p).cloned())
                    .collect();
                let description = vm.description.as_ref().or(m.description.as_ref());
                measures.push(measure_json(
                    &names,
                    m,
                    description,
                    &drill,
                    &is_measure,
                    Some(&alias),
                ));
            }
            Some(MemberRef::Dimension(_, d)) => {
                let t = vm.title.as_deref().or(d.title.as_deref());
                let names = Names::new(&view.name, &vm.name, &title, t);
                let description = vm.description.as_ref().or(d.description.as_ref());
                dimensions.push(dimension_json(&names, d, description, Some(&alias)));
            }
            Some(MemberRef::Segment(_, s)) => {
                let t = vm.title.as_deref().or(s.title.as_deref());
                let names = Names::new(&view.name, &vm.name, &title, t);
                let description = vm.description.as_ref().or(s.description.as_ref());
                segments.push(segment_json(&names, description, Some(&alias)));
            }
            None => {}
        }
    }
    finish(obj, measures, dimensions, segments)
}

/// Full name and titles of one member.
struct Names {
    full: String,
    title: String,
    short: String,
}

impl Names {
    fn new(owner: &str, member: &str, owner_title: &str, member_title: Option<&str>) -> Self {
        let short = member_title.map_or_else(|| title_from_name(member), str::to_string);
        Names {
            full: format!("{owner}.{member}"),
            title: format!("{owner_title} {short}"),
            short,
        }
    }
}

/// `type` of a measure in `/meta`: what its values are.
fn measure_value_type(kind: MeasureType) -> &'static str {
    match kind {
        MeasureType::String => "string",
        MeasureType::Time => "time",
        MeasureType::Boolean => "boolean",
        _ => "number",
    }
}

fn measure_json(
    names: &Names,
    m: &Measure,
    description: Option<&String>,
    drill: &[String],
    is_measure: &dyn Fn(&str) -> bool,
    alias: Option<&str>,
) -> Value {
    let (dm, dd): (Vec<&String>, Vec<&String>) = drill.iter().partition(|d| is_measure(d));
    let cumulative = m.is_cumulative();
    let mut obj = Map::new();
    obj.insert("name".into(), json!(names.full));
    obj.insert("title".into(), json!(names.title));
    obj.insert("shortTitle".into(), json!(names.short));
    obj.insert("cumulativeTotal".into(), json!(cumulative));
    obj.insert("cumulative".into(), json!(cumulative));
    obj.insert("type".into(), json!(measure_value_type(m.kind)));
    obj.insert("aggType".into(), json!(m.kind.as_str()));
    obj.insert("drillMembers".into(), json!(drill));
    obj.insert(
        "drillMembersGrouped".into(),
        json!({ "measures": dm, "dimensions": dd }),
    );
    obj.insert("isVisible".into(), json!(true));
    obj.insert("public".into(), json!(true));
    insert_opt(&mut obj, "format", text(&m.format));
    insert_opt(&mut obj, "description", description.map(|s| json!(s)));
    insert_opt(&mut obj, "meta", m.meta.clone());
    insert_opt(&mut obj, "aliasMember", alias.map(|a| json!(a)));
    Value::Object(obj)
}

fn dimension_json(
    names: &Names,
    d: &Dimension,
    description: Option<&String>,
    alias: Option<&str>,
) -> Value {
    let mut obj = Map::new();
    obj.insert("name".into(), json!(names.full));
    obj.insert("title".into(), json!(names.title));
    obj.insert("shortTitle".into(), json!(names.short));
    obj.insert("type".into(), json!(d.kind.as_str()));
    obj.insert("suggestFilterValues".into(), json!(true));
    obj.insert("isVisible".into(), json!(true));
    obj.insert("public".into(), json!(true));
    obj.insert("primaryKey".into(), json!(d.primary_key));
    insert_opt(&mut obj, "format", text(&d.format));
    insert_opt(&mut obj, "description", description.map(|s| json!(s)));
    insert_opt(&mut obj, "meta", d.meta.clone());
    insert_opt(&mut obj, "aliasMember", alias.map(|a| json!(a)));
    Value::Object(obj)
}

fn segment_json(names: &Names, description: Option<&String>, alias: Option<&str>) -> Value {
    let mut obj = Map::new();
    obj.insert("name".into(), json!(names.full));
    obj.insert("title".into(), json!(names.title));
    obj.insert("shortTitle".into(), json!(names.short));
    insert_opt(&mut obj, "description", description.map(|s| json!(s)));
    obj.insert("isVisible".into(), json!(true));
    obj.insert("public".into(), json!(true));
    insert_opt(&mut obj, "aliasMember", alias.map(|a| json!(a)));
    Value::Object(obj)
}

#[cfg(test)]
#[path = "meta_tests.rs"]
mod tests;
