//! The cube inferred for an uploaded table: a dimension per column (by its
//! kind), a time dimension per date column, a row count and a sum per
//! numeric column. It is written as model YAML and compiled by the schema
//! crate like any model file, so it meets every rule a hand-written cube does.

use std::collections::HashSet;
use std::path::PathBuf;

use serde::Serialize;
use strata_schema::{Cube, ModelErrors};

use super::csv_table::{ColumnKind, CsvColumn};

/// The data source name uploaded tables are read from.
pub const UPLOADS_SOURCE: &str = "strata_uploads";

#[derive(Serialize)]
struct ModelFile<'a> {
    cubes: Vec<CubeDecl<'a>>,
}

#[derive(Serialize)]
struct CubeDecl<'a> {
    name: &'a str,
    sql_table: &'a str,
    data_source: &'static str,
    title: String,
    description: String,
    dimensions: Vec<MemberDecl>,
    measures: Vec<MemberDecl>,
}

#[derive(Serialize)]
struct MemberDecl {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    sql: Option<String>,
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
}

/// The inferred cube's member names, by role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CubeMembers {
    /// Full names of the measures (`sales.count`, `sales.amount_sum`).
    pub measures: Vec<String>,
    /// Full names of the dimensions that are not time dimensions.
    pub dimensions: Vec<String>,
    /// Full names of the time dimensions.
    pub time_dimensions: Vec<String>,
}

/// Compiles the cube `name` over table `name` of [`UPLOADS_SOURCE`] with
/// these columns (whose names are already member-safe).
pub fn infer_cube(
    name: &str,
    file_name: &str,
    rows: usize,
    columns: &[CsvColumn],
) -> Result<(Cube, CubeMembers), ModelErrors> {
    let mut taken: HashSet<String> = columns.iter().map(|c| c.name.clone()).collect();
    let mut fresh = |wanted: String| {
        let mut candidate = wanted.clone();
        let mut n = 2;
        while !taken.insert(candidate.clone()) {
            candidate = format!("{wanted}_{n}");
            n += 1;
        }
        candidate
    };
    let mut members = CubeMembers::default();
    let dimensions = columns
        .iter()
        .map(|c| {
            let full = format!("{name}.{}", c.name);
            match c.kind {
                ColumnKind::Time => members.time_dimensions.push(full),
                _ => members.dimensions.push(full),
            }
            MemberDecl {
                name: c.name.clone(),
                sql: Some(column_sql(&c.name)),
                kind: match c.kind {
                    ColumnKind::Text => "string",
                    ColumnKind::Number => "number",
                    ColumnKind::Boolean => "boolean",
                    ColumnKind::Time => "time",
                },
                title: c.header.clone(),
            }
        })
        .collect();
    let mut measures = vec![MemberDecl {
        name: fresh("count".into()),
        sql: None,
        kind: "count",
        title: "Number of Rows".into(),
    }];
    for c in columns.iter().filter(|c| c.kind == ColumnKind::Number) {
        measures.push(MemberDecl {
            name: fresh(format!("{}_sum", c.name)),
            sql: Some(column_sql(&c.name)),
            kind: "sum",
            title: format!("Total {}", c.header),
        });
    }
    members
        .measures
        .extend(measures.iter().map(|m| format!("{name}.{}", m.name)));
    let file = ModelFile {
        cubes: vec![CubeDecl {
            name,
            sql_table: name,
            data_source: UPLOADS_SOURCE,
            title: title_of(file_name, name),
            description: format!("Uploaded from {file_name}: {rows} rows"),
            dimensions,
            measures,
        }],
    };
    let path = PathBuf::from(format!("uploads/{name}.yml"));
    let yaml = serde_yaml::to_string(&file).map_err(|e| {
        ModelErrors(vec![strata_schema::SchemaError::new(
            &path,
            format!("cannot write the inferred cube: {e}"),
        )])
    })?;
    let mut model = strata_schema::load_files(&[(path.clone(), yaml)])?;
    let cube = model.cubes.shift_remove(name).ok_or_else(|| {
        ModelErrors(vec![strata_schema::SchemaError::new(
            &path,
            "the inferred cube is missing from its compiled model",
        )])
    })?;
    Ok((cube, members))
}

/// A column of the cube's table. Names are lower-case identifiers; quoting
/// keeps one that is an SQL keyword (`order`, `select`) a column.
fn column_sql(column: &str) -> String {
    format!("{{CUBE}}.\"{column}\"")
}

/// A title from the file name (`q3 sales.csv` → `q3 sales`), else the name.
fn title_of(file_name: &str, name: &str) -> String {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem)
        .trim();
    if stem.is_empty() {
        name.replace('_', " ")
    } else {
        stem.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, header: &str, kind: ColumnKind) -> CsvColumn {
        CsvColumn {
            name: name.into(),
            header: header.into(),
            kind,
        }
    }

    #[test]
    fn a_cube_with_dimensions_count_and_sums() {
        let (cube, members) = infer_cube(
            "sales",
            "Q3 sales.csv",
            2,
            &[
                column(
                    "region",
                    "Region: \"quoted\" # not a comment",
                    ColumnKind::Text,
                ),
                column("order", "Order", ColumnKind::Number),
                column("count", "Count", ColumnKind::Number),
                column("day", "Day", ColumnKind::Time),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cube.name, "sales");
        assert_eq!(cube.data_source.as_deref(), Some(UPLOADS_SOURCE));
        assert_eq!(cube.title.as_deref(), Some("Q3 sales"));
        assert_eq!(
            members.measures,
            vec!["sales.count_2", "sales.order_sum", "sales.count_sum"]
        );
        assert_eq!(
            members.dimensions,
            vec!["sales.region", "sales.order", "sales.count"]
        );
        assert_eq!(members.time_dimensions, vec!["sales.day"]);
        let region = cube
            .dimensions
            .get("region")
            .unwrap_or_else(|| panic!("region"));
        assert_eq!(
            region.title.as_deref(),
            Some("Region: \"quoted\" # not a comment")
        );
    }
}
