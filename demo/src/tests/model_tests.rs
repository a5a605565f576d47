//! The demo model: it loads, its SQL names only columns the demo tables
//! have, and every member runs on DataFusion over the demo data.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arrow::array::{Array, Float64Array, Int64Array};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;
use strata_schema::{
    CaseLabel, Cube, CubeSource, DimensionSql, DimensionType, MeasureType, SemanticModel, SqlRef,
    SqlTemplate, TemplatePart,
};

use super::{demo, table};
use crate::{model_files, DemoTable};

fn model() -> SemanticModel {
    match strata_schema::load_files(&model_files()) {
        Ok(m) => m,
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            panic!("the demo model has {} errors", errors.0.len());
        }
    }
}

fn table_of<'a>(cube: &Cube, tables: &'a [DemoTable]) -> &'a DemoTable {
    let CubeSource::Table(name) = &cube.source else {
        panic!("cube {} should use sql_table", cube.name);
    };
    table(tables, name)
}

/// Every template of a cube, with what it belongs to.
fn templates(cube: &Cube) -> Vec<(String, &SqlTemplate)> {
    let mut out = Vec::new();
    for j in cube.joins.values() {
        out.push((format!("join {}", j.target), &j.sql));
    }
    for d in cube.dimensions.values() {
        match &d.sql {
            DimensionSql::Sql(t) => out.push((d.name.clone(), t)),
            DimensionSql::Case(c) => {
                for w in &c.when {
                    out.push((d.name.clone(), &w.sql));
                    if let CaseLabel::Sql(t) = &w.label {
                        out.push((d.name.clone(), t));
                    }
                }
                if let Some(CaseLabel::Sql(t)) = &c.else_label {
                    out.push((d.name.clone(), t));
                }
            }
            DimensionSql::Geo {
                latitude,
                longitude,
            } => {
                out.push((d.name.clone(), latitude));
                out.push((d.name.clone(), longitude));
            }
        }
    }
    for m in cube.measures.values() {
        for t in m.sql.iter().chain(&m.filters) {
            out.push((m.name.clone(), t));
        }
    }
    for s in cube.segments.values() {
        out.push((s.name.clone(), &s.sql));
    }
    out
}

/// The leading identifier of `text`, if any.
fn identifier(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    (end > 0).then(|| &text[..end])
}

/// Identifiers of SQL text outside string literals and numbers, each with
/// whether it directly follows a `.` (a qualified column).
fn words(text: &str) -> Vec<(bool, String)> {
    let chars: Vec<char> = text.chars().collect();
    let word_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && word_char(chars[i]) {
                i += 1;
            }
            let dotted = start > 0 && chars[start - 1] == '.';
            out.push((dotted, chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (word_char(chars[i]) || chars[i] == '.') {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn model_loads_with_titles_descriptions_and_synonyms() {
    let model = model();
    let cubes: Vec<&str> = model.cubes.keys().map(String::as_str).collect();
    assert_eq!(
        cubes,
        [
            "Regions",
            "Countries",
            "Users",
            "Products",
            "Orders",
            "LineItems"
        ]
    );
    assert!(model.views.contains_key("sales_overview"));
    assert!(model.views.contains_key("orders_overview"));
    for cube in model.cubes.values() {
        assert!(
            cube.title.is_some() && cube.description.is_some(),
            "{}",
            cube.name
        );
        let titled = cube
            .dimensions
            .values()
            .map(|d| (&d.name, &d.title, &d.description))
            .chain(
                cube.measures
                    .values()
                    .map(|m| (&m.name, &m.title, &m.description)),
            )
            .chain(
                cube.segments
                    .values()
                    .map(|s| (&s.name, &s.title, &s.description)),
            );
        for (name, title, description) in titled {
            assert!(title.is_some(), "{}.{name} has no title", cube.name);
            assert!(
                description.is_some(),
                "{}.{name} has no description",
                cube.name
            );
        }
        assert!(cube.primary_keys().count() == 1, "{}", cube.name);
    }
    for view in model.views.values() {
        assert!(view.title.is_some() && view.description.is_some());
        assert!(view.members.len() >= 10, "{}", view.name);
    }
    let synonyms = |cube: &str, member: &str| -> Vec<String> {
        let c = &model.cubes[cube];
        let meta = c
            .dimensions
            .get(member)
            .and_then(|d| d.meta.clone())
            .or_else(|| c.measures.get(member).and_then(|m| m.meta.clone()))
            .unwrap_or_default();
        serde_json::from_value(meta["synonyms"].clone()).unwrap_or_default()
    };
    assert!(synonyms("Orders", "revenue").contains(&"sales".to_string()));
    assert!(synonyms("Orders", "created_at").contains(&"when".to_string()));
    assert!(synonyms("Users", "count").contains(&"signups".to_string()));
    assert!(synonyms("Regions", "name").contains(&"territory".to_string()));
    assert_eq!(
        model.cubes["Users"].dimensions["signed_up_at"].kind,
        DimensionType::Time
    );
}

#[test]
fn model_sql_names_only_existing_columns() {
    let model = model();
    let tables = demo();
    let all_columns: HashSet<String> = tables
        .iter()
        .flat_map(|t| t.schema.fields().iter().map(|f| f.name().clone()))
        .collect();
    let mut problems = Vec::new();
    let mut checked = 0;
    for cube in model.cubes.values() {
        for (member, t) in templates(cube) {
            for (i, part) in t.parts.iter().enumerate() {
                match part {
                    TemplatePart::Ref(SqlRef::Cube(c)) => {
                        let next = match t.parts.get(i + 1) {
                            Some(TemplatePart::Text(s)) => s.strip_prefix('.'),
                            _ => None,
                        };
                        let Some(col) = next.and_then(identifier) else {
                            problems.push(format!(
                                "{}.{member}: `{{{c}}}` without a column",
                                cube.name
                            ));
                            continue;
                        };
                        let target = table_of(&model.cubes[c], tables);
                        checked += 1;
                        if target.schema.field_with_name(col).is_err() {
                            problems.push(format!(
                                "{}.{member}: table {} has no column {col}",
                                cube.name, target.name
                            ));
                        }
                    }
                    TemplatePart::Text(s) => {
                        // Column names must always be qualified with a cube,
                        // or they turn ambiguous once cubes are joined.
                        for (dotted, w) in words(s) {
                            if !dotted && all_columns.contains(&w) {
                                problems.push(format!(
                                    "{}.{member}: unqualified column `{w}` in `{}`",
                                    cube.name, t.raw
                                ));
                            }
                        }
                    }
                    TemplatePart::Ref(SqlRef::Member { .. }) => {}
                    TemplatePart::Unresolved(r) => problems.push(format!("unresolved {r}")),
                }
            }
        }
        // Plain-column dimensions have a column of the matching type.
        let target = table_of(cube, tables);
        for d in cube.dimensions.values() {
            let DimensionSql::Sql(t) = &d.sql else {
                continue;
            };
            let col = t.raw.trim();
            if !strata_schema::template::is_identifier(col) {
                continue;
            }
            let Ok(field) = target.schema.field_with_name(col) else {
                continue;
            };
            let ok = match d.kind {
                DimensionType::Time => matches!(field.data_type(), DataType::Timestamp(_, _)),
                DimensionType::Number => field.data_type().is_numeric(),
                DimensionType::String => match field.data_type() {
                    DataType::Utf8 => true,
                    DataType::Dictionary(_, v) => **v == DataType::Utf8,
                    _ => false,
                },
                DimensionType::Boolean => field.data_type() == &DataType::Boolean,
                DimensionType::Geo => false,
                // A type this check does not know yet: report the column.
                _ => false,
            };
            if !ok {
                problems.push(format!(
                    "{}.{}: type {:?}",
                    cube.name,
                    d.name,
                    field.data_type()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 60, "only {checked} column references found");
}

/// SQL of a member for a single-cube query: dimensions as expressions,
/// measures as aggregates (Cube's semantics for `filters`).
fn render(model: &SemanticModel, t: &SqlTemplate) -> String {
    t.parts
        .iter()
        .map(|p| match p {
            TemplatePart::Text(s) => s.clone(),
            TemplatePart::Ref(SqlRef::Cube(c)) => format!("\"{c}\""),
            TemplatePart::Ref(SqlRef::Member { cube, member }) => {
                format!("({})", member_sql(model, cube, member))
            }
            TemplatePart::Unresolved(r) => panic!("unresolved {r}"),
        })
        .collect()
}

fn member_sql(model: &SemanticModel, cube: &str, member: &str) -> String {
    let c = &model.cubes[cube];
    if let Some(d) = c.dimensions.get(member) {
        return match &d.sql {
            DimensionSql::Sql(t) => render(model, t),
            DimensionSql::Case(case) => {
                let label = |l: &CaseLabel| match l {
                    CaseLabel::Text(s) => format!("'{}'", s.replace('\'', "''")),
                    CaseLabel::Sql(t) => render(model, t),
                };
                let whens: String = case
                    .when
                    .iter()
                    .map(|w| format!(" WHEN {} THEN {}", render(model, &w.sql), label(&w.label)))
                    .collect();
                let otherwise = case
                    .else_label
                    .as_ref()
                    .map(|l| format!(" ELSE {}", label(l)))
                    .unwrap_or_default();
                format!("CASE{whens}{otherwise} END")
            }
            DimensionSql::Geo { .. } => panic!("no geo dimensions in the demo"),
        };
    }
    let m = &c.measures[member];
    let expr = m.sql.as_ref().map(|t| render(model, t));
    if m.kind == MeasureType::Number {
        return expr.unwrap_or_default();
    }
    let conds: Vec<String> = m.filters.iter().map(|f| render(model, f)).collect();
    let value = expr.unwrap_or_else(|| "1".to_string());
    let value = if conds.is_empty() {
        value
    } else {
        format!("CASE WHEN {} THEN {value} END", conds.join(" AND "))
    };
    match m.kind {
        MeasureType::Count if m.sql.is_none() && m.filters.is_empty() => "COUNT(*)".into(),
        MeasureType::Count => format!("COUNT({value})"),
        MeasureType::CountDistinct => format!("COUNT(DISTINCT {value})"),
        MeasureType::Sum => format!("SUM({value})"),
        MeasureType::Avg => format!("AVG({value})"),
        MeasureType::Min => format!("MIN({value})"),
        MeasureType::Max => format!("MAX({value})"),
        other => panic!("measure type {other:?} not used in the demo"),
    }
}

async fn session(tables: &[DemoTable]) -> SessionContext {
    let ctx = SessionContext::new();
    for t in tables {
        // The decoded batches, not the view the engine queries: the two
        // decoding paths are checked against each other.
        let mem = MemTable::try_new(t.schema.clone(), vec![t.batches().unwrap()]).unwrap();
        ctx.register_table(t.name.as_str(), Arc::new(mem)).unwrap();
    }
    ctx
}

/// Runs `sql` and returns its single row as floats (counts and sums alike).
async fn row(ctx: &SessionContext, sql: &str) -> Vec<Option<f64>> {
    let batches = ctx
        .sql(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}\n{e}"))
        .collect()
        .await
        .unwrap_or_else(|e| panic!("{sql}\n{e}"));
    let b = &batches[0];
    (0..b.num_columns())
        .map(|i| {
            let col = b.column(i);
            if col.is_null(0) {
                return None;
            }
            if let Some(a) = col.as_any().downcast_ref::<Int64Array>() {
                return Some(a.value(0) as f64);
            }
            let f = cast(col, &DataType::Float64).ok()?;
            let f = f.as_any().downcast_ref::<Float64Array>()?;
            Some(f.value(0))
        })
        .collect()
}

#[tokio::test]
async fn every_member_runs_on_datafusion() {
    let model = model();
    let tables = demo();
    let ctx = session(tables).await;
    let mut values: HashMap<String, Option<f64>> = HashMap::new();
    for cube in model.cubes.values() {
        let t = table_of(cube, tables);
        let from = format!("{} AS \"{}\"", t.name, cube.name);
        // Dimensions: every expression evaluates.
        let dims: Vec<String> = cube
            .dimensions
            .keys()
            .map(|d| format!("{} AS \"{d}\"", member_sql(&model, &cube.name, d)))
            .collect();
        let sql = format!("SELECT {} FROM {from} LIMIT 3", dims.join(", "));
        ctx.sql(&sql).await.unwrap().collect().await.unwrap();
        // Measures over the whole table.
        let names: Vec<&String> = cube.measures.keys().collect();
        let exprs: Vec<String> = names
            .iter()
            .map(|m| member_sql(&model, &cube.name, m))
            .collect();
        let sql = format!("SELECT {} FROM {from}", exprs.join(", "));
        for (m, v) in names.iter().zip(row(&ctx, &sql).await) {
            values.insert(format!("{}.{m}", cube.name), v);
        }
        // Segments filter some rows but not all.
        for (name, s) in &cube.segments {
            let sql = format!(
                "SELECT COUNT(*) FROM {from} WHERE {}",
                render(&model, &s.sql)
            );
            let n = row(&ctx, &sql).await[0].unwrap_or(0.0) as usize;
            assert!(
                n > 0 && n < t.num_rows(),
                "segment {}.{name}: {n}",
                cube.name
            );
        }
        // Joins match every row exactly once (many-to-one with integrity).
        for j in cube.joins.values() {
            let target = table_of(&model.cubes[&j.target], tables);
            let sql = format!(
                "SELECT COUNT(*) FROM {from} JOIN {} AS \"{}\" ON {}",
                target.name,
                j.target,
                render(&model, &j.sql)
            );
            let n = row(&ctx, &sql).await[0].unwrap_or(0.0) as usize;
            assert_eq!(n, t.num_rows(), "join {} -> {}", cube.name, j.target);
        }
    }
    for (k, v) in &values {
        assert!(v.is_some_and(f64::is_finite), "{k} = {v:?}");
    }
    let v = |k: &str| values[k].unwrap_or_default();
    println!(
        "revenue {:.2}, gross {:.2}, AOV {:.2}, cancellation rate {:.2}%, margin {:.2}%",
        v("Orders.revenue"),
        v("Orders.gross_revenue"),
        v("Orders.average_order_value"),
        v("Orders.cancellation_rate"),
        v("LineItems.profit_margin"),
    );
    assert!((v("Orders.gross_revenue") - v("LineItems.revenue")).abs() < 1.0);
    assert!(v("Orders.revenue") < v("Orders.gross_revenue"));
    assert!((3.0..12.0).contains(&v("Orders.cancellation_rate")));
    assert!((10.0..60.0).contains(&v("LineItems.profit_margin")));
    assert!(v("Orders.average_order_value") > 20.0);
    assert!(v("Users.country_count") == 30.0);
}
