//! The members a caller may use, with everything that names or describes them.
//!
//! A [`Catalog`] is built once per compiled model and access policy. The
//! offline parser matches words against it, the LLM prompt and JSON Schema are
//! generated from it, and validation refuses anything outside it. Nothing in
//! this crate names a member that did not come from a catalog.

use std::collections::HashMap;

use serde::Serialize;
use strata_schema::{
    title_from_name, Cube, Dimension, Measure, MemberKind, MemberRef, SemanticModel, View,
};

/// One queryable member (a cube's or a view's).
#[derive(Debug, Clone, Serialize)]
pub struct CatalogMember {
    /// Full name used in queries: `Orders.count`, `sales_overview.revenue`.
    pub name: String,
    /// The cube or view that owns it.
    pub owner: String,
    /// Title of the owner.
    pub owner_title: String,
    /// Whether the owner is a view.
    pub in_view: bool,
    /// Measure, dimension or segment.
    #[serde(serialize_with = "serialize_kind")]
    pub kind: MemberKind,
    /// Value type as `/meta` gives it: `number`, `string`, `time`, `boolean`, `geo`.
    pub data_type: String,
    /// For measures, the aggregation as `/meta` names it (`count`, `sum`, `avg`,
    /// `countDistinct`, `countDistinctApprox`...).
    pub agg_type: Option<String>,
    /// Human title (from the model, or made from the name).
    pub title: String,
    /// Description from the model.
    pub description: Option<String>,
    /// Synonyms from `meta.synonyms`.
    pub synonyms: Vec<String>,
    /// Display format (`currency`, `percent`, `id`...).
    pub format: Option<String>,
    /// Part of its cube's primary key.
    pub primary_key: bool,
    /// Known values of a low-cardinality string dimension (filled by
    /// [`Catalog::set_sample_values`]).
    pub sample_values: Vec<String>,
}

fn serialize_kind<S: serde::Serializer>(kind: &MemberKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind_name(*kind))
}

/// `measure`, `dimension` or `segment`.
pub fn kind_name(kind: MemberKind) -> &'static str {
    match kind {
        MemberKind::Measure => "measure",
        MemberKind::Dimension => "dimension",
        MemberKind::Segment => "segment",
    }
}

impl CatalogMember {
    /// Whether the member is a measure that counts rows or distinct values.
    pub fn is_count(&self) -> bool {
        self.kind == MemberKind::Measure
            && matches!(
                self.agg_type.as_deref(),
                Some("count" | "countDistinct" | "countDistinctApprox")
            )
    }

    /// Whether the member is its cube's plain row count: a `count` measure
    /// named `count`.
    pub fn is_plain_count(&self) -> bool {
        self.kind == MemberKind::Measure
            && self.agg_type.as_deref() == Some("count")
            && self.short_name() == "count"
    }

    /// The member's short name (after the dot).
    pub fn short_name(&self) -> &str {
        self.name
            .split_once('.')
            .map(|(_, m)| m)
            .unwrap_or(&self.name)
    }

    /// True for time dimensions.
    pub fn is_time(&self) -> bool {
        self.kind == MemberKind::Dimension && self.data_type == "time"
    }
}

/// The members a caller may use, in model order (cubes, then views).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Catalog {
    members: Vec<CatalogMember>,
    #[serde(skip)]
    by_name: HashMap<String, usize>,
}

impl Catalog {
    /// Every public member of every public cube and view.
    pub fn from_model(model: &SemanticModel) -> Catalog {
        Catalog::from_model_filtered(model, |_| true)
    }

    /// The public members of public cubes and views for which `allow` returns
    /// true (the caller's access policy, given full member names).
    pub fn from_model_filtered(model: &SemanticModel, allow: impl Fn(&str) -> bool) -> Catalog {
        let mut catalog = Catalog::default();
        for cube in model.cubes.values().filter(|c| c.public) {
            catalog.add_cube(cube, &allow);
        }
        for view in model.views.values().filter(|v| v.public) {
            catalog.add_view(model, view, &allow);
        }
        catalog
    }

    fn push(&mut self, member: CatalogMember) {
        self.by_name.insert(member.name.clone(), self.members.len());
        self.members.push(member);
    }

    fn add_cube(&mut self, cube: &Cube, allow: &impl Fn(&str) -> bool) {
        let owner_title = owner_title(&cube.name, cube.title.as_deref());
        for m in cube.measures.values().filter(|m| m.public) {
            let name = format!("{}.{}", cube.name, m.name);
            if allow(&name) {
                let member = measure_member(name, &cube.name, &owner_title, false, m, None);
                self.push(member);
            }
        }
        for d in cube.dimensions.values().filter(|d| d.public) {
            let name = format!("{}.{}", cube.name, d.name);
            if allow(&name) {
                let member = dimension_member(name, &cube.name, &owner_title, false, d, None);
                self.push(member);
            }
        }
        for s in cube.segments.values() {
            let name = format!("{}.{}", cube.name, s.name);
            if allow(&name) {
                self.push(CatalogMember {
                    owner: cube.name.clone(),
                    owner_title: owner_title.clone(),
                    in_view: false,
                    kind: MemberKind::Segment,
                    data_type: "boolean".into(),
                    agg_type: None,
                    title: title_from_name(&s.name),
                    description: None,
                    synonyms: Vec::new(),
                    format: None,
                    primary_key: false,
                    sample_values: Vec::new(),
                    name,
                });
            }
        }
    }

    fn add_view(&mut self, model: &SemanticModel, view: &View, allow: &impl Fn(&str) -> bool) {
        let owner_title = owner_title(&view.name, view.title.as_deref());
        // Measures first, then dimensions, then segments, as for cubes.
        for wanted in [
            MemberKind::Measure,
            MemberKind::Dimension,
            MemberKind::Segment,
        ] {
            for vm in view.members.values().filter(|m| m.kind == wanted) {
                let name = format!("{}.{}", view.name, vm.name);
                if !allow(&name) {
                    continue;
                }
                let overrides = Overrides {
                    title: vm.title.clone(),
                    description: vm.description.clone(),
                    short: vm.name.clone(),
                };
                let member = match model.cube_member(&vm.target) {
                    Some(MemberRef::Measure(_, m)) if m.public => Some(measure_member(
                        name,
                        &view.name,
                        &owner_title,
                        true,
                        m,
                        Some(overrides),
                    )),
                    Some(MemberRef::Dimension(_, d)) if d.public => Some(dimension_member(
                        name,
                        &view.name,
                        &owner_title,
                        true,
                        d,
                        Some(overrides),
                    )),
                    Some(MemberRef::Segment(_, s)) => Some(CatalogMember {
                        owner: view.name.clone(),
                        owner_title: owner_title.clone(),
                        in_view: true,
                        kind: MemberKind::Segment,
                        data_type: "boolean".into(),
                        agg_type: None,
                        title: overrides.title.unwrap_or_else(|| title_from_name(&s.name)),
                        description: overrides.description,
                        synonyms: Vec::new(),
                        format: None,
                        primary_key: false,
                        sample_values: Vec::new(),
                        name,
                    }),
                    _ => None,
                };
                if let Some(member) = member {
                    self.push(member);
                }
            }
        }
    }

    /// Every member, in model order.
    pub fn members(&self) -> &[CatalogMember] {
        &self.members
    }

    /// A member by full name.
    pub fn get(&self, name: &str) -> Option<&CatalogMember> {
        self.by_name.get(name).map(|&i| &self.members[i])
    }

    /// True when `name` is a member of this catalog.
    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Members of one kind.
    pub fn of_kind(&self, kind: MemberKind) -> impl Iterator<Item = &CatalogMember> {
        self.members.iter().filter(move |m| m.kind == kind)
    }

    /// Measures.
    pub fn measures(&self) -> impl Iterator<Item = &CatalogMember> {
        self.of_kind(MemberKind::Measure)
    }

    /// Dimensions (time dimensions included).
    pub fn dimensions(&self) -> impl Iterator<Item = &CatalogMember> {
        self.of_kind(MemberKind::Dimension)
    }

    /// Time dimensions.
    pub fn time_dimensions(&self) -> impl Iterator<Item = &CatalogMember> {
        self.members.iter().filter(|m| m.is_time())
    }

    /// Segments.
    pub fn segments(&self) -> impl Iterator<Item = &CatalogMember> {
        self.of_kind(MemberKind::Segment)
    }

    /// Records the known values of a dimension (ignored for unknown members).
    pub fn set_sample_values(&mut self, member: &str, values: Vec<String>) {
        if let Some(&i) = self.by_name.get(member) {
            self.members[i].sample_values = values;
        }
    }
}

struct Overrides {
    title: Option<String>,
    description: Option<String>,
    short: String,
}

fn owner_title(name: &str, title: Option<&str>) -> String {
    title
        .map(str::to_owned)
        .unwrap_or_else(|| title_from_name(name))
}

/// `meta.synonyms` as a list of strings.
fn synonyms(meta: Option<&serde_json::Value>) -> Vec<String> {
    meta.and_then(|m| m.get("synonyms"))
        .and_then(|s| s.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn measure_member(
    name: String,
    owner: &str,
    owner_title: &str,
    in_view: bool,
    m: &Measure,
    overrides: Option<Overrides>,
) -> CatalogMember {
    let (title, description) = titles(&m.name, &m.title, &m.description, overrides);
    let data_type = match m.kind {
        strata_schema::MeasureType::String => "string",
        strata_schema::MeasureType::Time => "time",
        strata_schema::MeasureType::Boolean => "boolean",
        _ => "number",
    };
    CatalogMember {
        name,
        owner: owner.to_owned(),
        owner_title: owner_title.to_owned(),
        in_view,
        kind: MemberKind::Measure,
        data_type: data_type.into(),
        agg_type: Some(m.kind.as_str().to_owned()),
        title,
        description,
        synonyms: synonyms(m.meta.as_ref()),
        format: m.format.clone(),
        primary_key: false,
        sample_values: Vec::new(),
    }
}

fn dimension_member(
    name: String,
    owner: &str,
    owner_title: &str,
    in_view: bool,
    d: &Dimension,
    overrides: Option<Overrides>,
) -> CatalogMember {
    let (title, description) = titles(&d.name, &d.title, &d.description, overrides);
    CatalogMember {
        name,
        owner: owner.to_owned(),
        owner_title: owner_title.to_owned(),
        in_view,
        kind: MemberKind::Dimension,
        data_type: d.kind.as_str().to_owned(),
        agg_type: None,
        title,
        description,
        synonyms: synonyms(d.meta.as_ref()),
        format: d.format.clone(),
        primary_key: d.primary_key,
        sample_values: Vec::new(),
    }
}

fn titles(
    name: &str,
    title: &Option<String>,
    description: &Option<String>,
    overrides: Option<Overrides>,
) -> (String, Option<String>) {
    match overrides {
        Some(o) => (
            o.title
                .or_else(|| title.clone())
                .unwrap_or_else(|| title_from_name(&o.short)),
            o.description.or_else(|| description.clone()),
        ),
        None => (
            title.clone().unwrap_or_else(|| title_from_name(name)),
            description.clone(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_catalog() -> Catalog {
        let model = strata_demo::model().expect("demo model compiles");
        Catalog::from_model(&model)
    }

    #[test]
    fn lists_public_cube_and_view_members_with_synonyms() {
        let catalog = demo_catalog();
        let status = catalog.get("Orders.status").expect("Orders.status");
        assert_eq!(status.data_type, "string");
        assert!(status.synonyms.iter().any(|s| s == "order status"));
        let revenue = catalog.get("sales_overview.revenue").expect("view measure");
        assert!(revenue.in_view);
        assert_eq!(revenue.kind, MemberKind::Measure);
        let date = catalog
            .get("sales_overview.order_date")
            .expect("aliased view member");
        assert_eq!(date.title, "Order Date");
        assert!(date.is_time());
    }

    #[test]
    fn access_filter_removes_members() {
        let model = strata_demo::model().expect("demo model compiles");
        let catalog = Catalog::from_model_filtered(&model, |n| !n.starts_with("Users."));
        assert!(catalog.get("Users.count").is_none());
        assert!(catalog.get("Orders.count").is_some());
        assert!(catalog
            .members()
            .iter()
            .all(|m| !m.name.starts_with("Users.")));
    }
}
