//! The model as the translator sees it, for one caller: its cubes and views
//! with the members its grant allows (with sample values), and the LLM's
//! system prompt made from them.

use std::time::Duration;

use serde::Serialize;
use strata_llm::{Catalog, CatalogMember};
use strata_schema::MemberKind;

/// A caller's catalog as a document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaDocument {
    /// The caller's tenant, when it has one.
    pub tenant_id: Option<String>,
    /// When it was made (RFC 3339, UTC).
    pub generated_at: String,
    /// When the cached catalog expires (RFC 3339, UTC).
    pub expires_at: String,
    /// How long catalogs are cached.
    pub ttl_seconds: u64,
    /// How many members the caller may use.
    pub member_count: usize,
    /// The cubes and views with members the caller may use.
    pub cubes: Vec<SchemaOwner>,
    /// The LLM's system prompt for this catalog.
    pub prompt: String,
}

/// A cube or view of a [`SchemaDocument`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemaOwner {
    /// Its name.
    pub name: String,
    /// Its title.
    pub title: String,
    /// `"cube"` or `"view"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its measures.
    pub measures: Vec<SchemaMember>,
    /// Its dimensions.
    pub dimensions: Vec<SchemaMember>,
    /// Its segments.
    pub segments: Vec<SchemaMember>,
}

/// A member of a [`SchemaOwner`] (empty fields left out).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaMember {
    /// `Cube.member`.
    pub name: String,
    /// Its title.
    pub title: String,
    /// Its type (`number`, `string`, `time`...).
    #[serde(rename = "type")]
    pub data_type: String,
    /// A measure's aggregation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agg_type: Option<String>,
    /// Its format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Other words for it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<String>,
    /// Whether it is the primary key.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub primary_key: bool,
    /// Values read from the data.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sample_values: Vec<String>,
}

impl SchemaMember {
    fn of(m: &CatalogMember) -> SchemaMember {
        SchemaMember {
            name: m.name.clone(),
            title: m.title.clone(),
            data_type: m.data_type.clone(),
            agg_type: m.agg_type.clone(),
            format: m.format.clone(),
            description: m.description.clone(),
            synonyms: m.synonyms.clone(),
            primary_key: m.primary_key,
            sample_values: m.sample_values.clone(),
        }
    }
}

impl SchemaDocument {
    /// The document of `catalog`, for `tenant`, cached for `ttl`.
    pub fn new(catalog: &Catalog, tenant: Option<&str>, ttl: Duration) -> SchemaDocument {
        let mut owners: Vec<SchemaOwner> = Vec::new();
        for m in catalog.members() {
            let i = match owners.iter().position(|o| o.name == m.owner) {
                Some(i) => i,
                None => {
                    owners.push(SchemaOwner {
                        name: m.owner.clone(),
                        title: m.owner_title.clone(),
                        kind: if m.in_view { "view" } else { "cube" },
                        measures: Vec::new(),
                        dimensions: Vec::new(),
                        segments: Vec::new(),
                    });
                    owners.len() - 1
                }
            };
            let owner = &mut owners[i];
            let list = match m.kind {
                MemberKind::Measure => &mut owner.measures,
                MemberKind::Dimension => &mut owner.dimensions,
                MemberKind::Segment => &mut owner.segments,
            };
            list.push(SchemaMember::of(m));
        }
        let now = chrono::Utc::now();
        let expires = now + chrono::Duration::from_std(ttl).unwrap_or_default();
        let stamp = |t: chrono::DateTime<chrono::Utc>| {
            t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        SchemaDocument {
            tenant_id: tenant.map(str::to_owned),
            generated_at: stamp(now),
            expires_at: stamp(expires),
            ttl_seconds: ttl.as_secs(),
            member_count: catalog.members().len(),
            cubes: owners,
            prompt: strata_llm::prompt::system_prompt(catalog, now.date_naive()),
        }
    }
}
