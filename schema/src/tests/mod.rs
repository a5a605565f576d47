//! Tests of loading whole models: the conformance model, features, errors
//! and malformed input.

mod conformance;
mod errors;
mod features;
mod fuzz;

use std::path::PathBuf;

use crate::*;

/// Loads one inline file called `m.yml`.
pub(crate) fn load(yaml: &str) -> Result<SemanticModel, ModelErrors> {
    load_files(&[(PathBuf::from("m.yml"), yaml.to_string())])
}

/// Loads one inline file that must be valid.
pub(crate) fn model(yaml: &str) -> SemanticModel {
    match load(yaml) {
        Ok(m) => m,
        Err(e) => panic!("model should load:\n{e}"),
    }
}

/// Loads one inline file that must be invalid, returning its errors.
pub(crate) fn errors(yaml: &str) -> Vec<SchemaError> {
    match load(yaml) {
        Ok(_) => panic!("model should not load:\n{yaml}"),
        Err(e) => e.0,
    }
}

/// 1-based line of the first line of `text` containing `needle`.
pub(crate) fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"))
}

/// Every template of a cube, for checks over all of them.
pub(crate) fn all_templates(cube: &Cube) -> Vec<&SqlTemplate> {
    let mut out = Vec::new();
    if let CubeSource::Sql(t) = &cube.source {
        out.push(t);
    }
    out.extend(cube.joins.values().map(|j| &j.sql));
    for d in cube.dimensions.values() {
        out.extend(crate::resolve::dimension_templates(&d.sql));
    }
    for m in cube.measures.values() {
        out.extend(m.sql.iter().chain(m.filters.iter()));
    }
    out.extend(cube.segments.values().map(|s| &s.sql));
    out
}

/// `{CUBE}.col` resolved in `cube`.
pub(crate) fn column_of(cube: &str, col: &str) -> Vec<TemplatePart> {
    vec![
        TemplatePart::Ref(SqlRef::Cube(cube.into())),
        TemplatePart::Text(format!(".{col}")),
    ]
}
