//! Model SQL snippets parsed once into sqlparser expressions, with each
//! `{...}` reference standing as a placeholder identifier that rendering
//! replaces by the referenced alias or member expression.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use sqlparser::ast::{Expr, Ident, Query, SetExpr, TableFactor};
use sqlparser::parser::Parser;
use strata_schema::{
    CaseLabel, CubeSource, DimensionSql, ModelErrors, SchemaError, SemanticModel, SqlRef,
    SqlTemplate, TemplatePart,
};

/// Prefix of the placeholder identifiers standing for references.
pub const REF_PREFIX: &str = "__strata_ref_";

/// A parsed model snippet.
#[derive(Debug, Clone)]
pub struct CompiledExpr {
    /// The expression; references appear as identifiers `__strata_ref_N`.
    pub expr: Expr,
    /// `refs[N]` is what `__strata_ref_N` stands for.
    pub refs: Vec<SqlRef>,
}

/// A parsed cube source.
#[derive(Debug, Clone)]
pub enum CompiledSource {
    /// A table name.
    Table(Box<TableFactor>),
    /// A subquery, with placeholders like [`CompiledExpr`].
    Query(Box<Query>, Vec<SqlRef>),
}

/// Which snippet of a member.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Slot {
    /// Dimension, measure or segment `sql`.
    Sql,
    /// Measure `filters[i]`.
    Filter(usize),
    /// Case `when[i].sql`.
    When(usize),
    /// Case `when[i].label` (SQL labels only).
    Label(usize),
    /// Case `else` label (SQL labels only).
    Else,
    /// Geo latitude.
    Latitude,
    /// Geo longitude.
    Longitude,
    /// A join's `ON` condition.
    Join,
}

/// A model snippet the data source's SQL parser could not read.
#[derive(Debug, Clone)]
struct Unreadable {
    /// The member (or join target) it belongs to; `None` for the cube's
    /// `sql`/`sql_table`.
    member: Option<String>,
    /// Which snippet of the member.
    slot: Slot,
    /// The parser's message.
    error: String,
}

/// The parsed snippets of one cube.
#[derive(Debug)]
struct CubeTemplates {
    source: CompiledSource,
    /// Snippets by member (or join target) name, then slot.
    exprs: HashMap<String, Vec<(Slot, CompiledExpr)>>,
    /// Snippets that did not parse; they are used as written.
    unreadable: Vec<Unreadable>,
}

impl CubeTemplates {
    fn add(&mut self, parser: Parser<'_>, cube: &str, member: &str, slot: Slot, t: &SqlTemplate) {
        let (text, refs) = with_placeholders(t);
        let expr = match parser.try_with_sql(&text).and_then(|mut p| p.parse_expr()) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(member = %format!("{cube}.{member}"), error = %e,
                    "model SQL the parser could not read is used as written");
                self.unreadable.push(Unreadable {
                    member: Some(member.to_string()),
                    slot: slot.clone(),
                    error: e.to_string(),
                });
                raw_expr(&text)
            }
        };
        self.exprs
            .entry(member.to_string())
            .or_default()
            .push((slot, CompiledExpr { expr, refs }));
    }

    fn compile(cube: &strata_schema::Cube, dialect: &SnippetDialect) -> CubeTemplates {
        let c = cube.name.as_str();
        let (source, source_error) = match &cube.source {
            CubeSource::Table(t) => compile_table(dialect, t),
            CubeSource::Sql(t) => compile_query(dialect, t),
        };
        let mut out = CubeTemplates {
            source,
            exprs: HashMap::new(),
            unreadable: Vec::new(),
        };
        if let Some(error) = source_error {
            out.unreadable.push(Unreadable {
                member: None,
                slot: Slot::Sql,
                error,
            });
        }
        for d in cube.dimensions.values() {
            let m = d.name.as_str();
            match &d.sql {
                DimensionSql::Sql(t) => out.add(Parser::new(dialect), c, m, Slot::Sql, t),
                DimensionSql::Case(case) => {
                    for (i, w) in case.when.iter().enumerate() {
                        out.add(Parser::new(dialect), c, m, Slot::When(i), &w.sql);
                        if let CaseLabel::Sql(t) = &w.label {
                            out.add(Parser::new(dialect), c, m, Slot::Label(i), t);
                        }
                    }
                    if let Some(CaseLabel::Sql(t)) = &case.else_label {
                        out.add(Parser::new(dialect), c, m, Slot::Else, t);
                    }
                }
                DimensionSql::Geo {
                    latitude,
                    longitude,
                } => {
                    out.add(Parser::new(dialect), c, m, Slot::Latitude, latitude);
                    out.add(Parser::new(dialect), c, m, Slot::Longitude, longitude);
                }
            }
        }
        for me in cube.measures.values() {
            if let Some(t) = &me.sql {
                out.add(Parser::new(dialect), c, &me.name, Slot::Sql, t);
            }
            for (i, f) in me.filters.iter().enumerate() {
                out.add(Parser::new(dialect), c, &me.name, Slot::Filter(i), f);
            }
        }
        for s in cube.segments.values() {
            out.add(Parser::new(dialect), c, &s.name, Slot::Sql, &s.sql);
        }
        for j in cube.joins.values() {
            out.add(Parser::new(dialect), c, &j.target, Slot::Join, &j.sql);
        }
        out
    }
}

/// The sqlparser dialect that reads a data source's SQL.
pub type SnippetDialect = dyn sqlparser::dialect::Dialect + Sync;

/// Every snippet of a model, parsed the first time a query touches its cube
/// (so a model of thousands of cubes loads without parsing them all), in
/// the dialect of the cube's data source.
#[derive(Debug)]
pub struct CompiledTemplates {
    model: Arc<SemanticModel>,
    cubes: HashMap<String, OnceLock<CubeTemplates>>,
    /// Parsers by data source.
    parsers: HashMap<String, &'static SnippetDialect>,
    /// The parser of data sources not in `parsers`.
    default_parser: &'static SnippetDialect,
}

impl CompiledTemplates {
    /// Prepares the snippets of `model`, read with the default dialect
    /// (PostgreSQL's).
    pub fn new(model: Arc<SemanticModel>) -> CompiledTemplates {
        CompiledTemplates::with_parsers(model, HashMap::new())
    }

    /// Prepares the snippets of `model`; those of cubes on a data source in
    /// `parsers` are read with its parser.
    pub(crate) fn with_parsers(
        model: Arc<SemanticModel>,
        parsers: HashMap<String, &'static SnippetDialect>,
    ) -> CompiledTemplates {
        let cubes = model
            .cubes
            .keys()
            .map(|k| (k.clone(), OnceLock::new()))
            .collect();
        CompiledTemplates {
            model,
            cubes,
            parsers,
            default_parser: crate::dialect::default_dialect().parser(),
        }
    }

    /// Parses every snippet of the model now, in the dialect of each cube's
    /// data source, and reports those that do not parse as model errors
    /// naming the file, line and member. Parsing is otherwise deferred to
    /// the first query that touches a cube; a server runs this check when it
    /// loads its model, so a snippet that does not parse stops it there
    /// instead of surfacing at a query.
    pub fn check(&self) -> Result<(), ModelErrors> {
        let mut errors = Vec::new();
        for (name, def) in &self.model.cubes {
            let Some(templates) = self.cube(name) else {
                continue;
            };
            for u in &templates.unreadable {
                errors.push(unreadable_error(def, self.parser_name(def), u));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ModelErrors(errors))
        }
    }

    /// The parser that reads `def`'s snippets, for messages.
    fn parser_name(&self, def: &strata_schema::Cube) -> String {
        let source = def
            .data_source
            .as_deref()
            .unwrap_or(crate::engine::DEFAULT_DATA_SOURCE);
        format!("{:?}", self.parser_for(source))
    }

    fn parser_for(&self, source: &str) -> &'static SnippetDialect {
        self.parsers
            .get(source)
            .copied()
            .unwrap_or(self.default_parser)
    }

    fn cube(&self, cube: &str) -> Option<&CubeTemplates> {
        let cell = self.cubes.get(cube)?;
        let def = self.model.cube(cube)?;
        let source = def
            .data_source
            .as_deref()
            .unwrap_or(crate::engine::DEFAULT_DATA_SOURCE);
        let parser = self.parser_for(source);
        Some(cell.get_or_init(|| CubeTemplates::compile(def, parser)))
    }

    /// A member snippet.
    pub(crate) fn expr(&self, cube: &str, member: &str, slot: Slot) -> Option<&CompiledExpr> {
        self.cube(cube)?
            .exprs
            .get(member)?
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, e)| e)
    }

    /// A cube's source.
    pub(crate) fn source(&self, cube: &str) -> Option<&CompiledSource> {
        self.cube(cube).map(|c| &c.source)
    }
}

/// Text of a template with references replaced by placeholder identifiers.
fn with_placeholders(t: &SqlTemplate) -> (String, Vec<SqlRef>) {
    let mut text = String::with_capacity(t.raw.len() + 16);
    let mut refs = Vec::new();
    for p in &t.parts {
        match p {
            TemplatePart::Text(s) => text.push_str(s),
            TemplatePart::Ref(r) => {
                text.push_str(REF_PREFIX);
                text.push_str(&refs.len().to_string());
                refs.push(r.clone());
            }
            // The schema resolves every reference; an unresolved one is kept
            // as written so the database reports it.
            TemplatePart::Unresolved(s) => text.push_str(s),
        }
    }
    (text, refs)
}

/// An expression printed exactly as `text` (model SQL sqlparser cannot read).
pub fn raw_expr(text: &str) -> Expr {
    Expr::Identifier(Ident::new(format!("({text})")))
}

/// A cube's `sql_table`, and why it could not be read (then it is used as
/// written).
fn compile_table(dialect: &SnippetDialect, name: &str) -> (CompiledSource, Option<String>) {
    let sql = format!("SELECT * FROM {name}");
    let parsed = match Parser::parse_sql(dialect, &sql) {
        Ok(mut s) => match s.pop() {
            Some(sqlparser::ast::Statement::Query(q)) => match *q.body {
                SetExpr::Select(sel) => sel.from.into_iter().next().map(|t| t.relation),
                _ => None,
            },
            _ => None,
        }
        .ok_or_else(|| format!("`{name}` is not a table name")),
        Err(e) => Err(e.to_string()),
    };
    match parsed {
        Ok(table) => (CompiledSource::Table(Box::new(table)), None),
        Err(e) => (CompiledSource::Table(Box::new(raw_table(name))), Some(e)),
    }
}

/// A cube's `sql`, and why it could not be read (then it is used as written).
fn compile_query(dialect: &SnippetDialect, t: &SqlTemplate) -> (CompiledSource, Option<String>) {
    let (text, refs) = with_placeholders(t);
    let as_written = || CompiledSource::Table(Box::new(raw_table(&format!("({text})"))));
    match Parser::parse_sql(dialect, &text) {
        Ok(mut stmts) if stmts.len() == 1 => match stmts.pop() {
            Some(sqlparser::ast::Statement::Query(q)) => (CompiledSource::Query(q, refs), None),
            _ => (
                as_written(),
                Some("the cube's sql is not a SELECT query".into()),
            ),
        },
        Ok(stmts) => (
            as_written(),
            Some(format!(
                "the cube's sql holds {} statements; it must be one SELECT query",
                stmts.len()
            )),
        ),
        Err(e) => (as_written(), Some(e.to_string())),
    }
}

/// The model error for a snippet of `cube` that did not parse, at the line
/// of its member (or of the cube for its `sql`/`sql_table` and joins).
fn unreadable_error(cube: &strata_schema::Cube, parser: String, u: &Unreadable) -> SchemaError {
    let member = u.member.as_deref();
    let location = member
        .and_then(|m| {
            if u.slot == Slot::Join {
                return cube.joins.get(m).map(|j| &j.location);
            }
            cube.dimensions
                .get(m)
                .map(|d| &d.location)
                .or_else(|| cube.measures.get(m).map(|x| &x.location))
                .or_else(|| cube.segments.get(m).map(|x| &x.location))
        })
        .unwrap_or(&cube.location);
    let what = match (&u.slot, member) {
        (_, None) => "the cube's SQL".to_string(),
        (Slot::Join, Some(target)) => format!("the join to {target}"),
        (Slot::Filter(i), Some(_)) => format!("filters[{i}]"),
        (Slot::When(i), Some(_)) => format!("case.when[{i}].sql"),
        (Slot::Label(i), Some(_)) => format!("case.when[{i}].label"),
        (Slot::Else, Some(_)) => "case.else.label".to_string(),
        (Slot::Latitude, Some(_)) => "latitude.sql".to_string(),
        (Slot::Longitude, Some(_)) => "longitude.sql".to_string(),
        (Slot::Sql, Some(_)) => "sql".to_string(),
    };
    let mut e = SchemaError::new(
        location.file.clone(),
        format!(
            "{what} does not parse as SQL of this data source ({parser}): {}",
            u.error
        ),
    )
    .at_line(location.line)
    .in_cube(cube.name.clone());
    if let (Some(m), false) = (member, u.slot == Slot::Join) {
        e = e.for_member(m);
    }
    e
}

/// A table factor printed exactly as `text`.
pub fn raw_table(text: &str) -> TableFactor {
    let name = sqlparser::ast::ObjectName(vec![sqlparser::ast::ObjectNamePart::Identifier(
        Ident::new(text),
    )]);
    super::ast::table(name, None, None)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::CompiledTemplates;

    const BROKEN: &str = r#"cubes:
  - name: orders
    sql_table: public.orders
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: status
        sql: "status IN ("
        type: string
    measures:
      - name: count
        type: count
      - name: paid
        sql: amount
        type: sum
        filters:
          - sql: "{CUBE}.paid = = true"
"#;

    #[test]
    fn snippets_that_do_not_parse_are_model_errors_with_their_line() {
        let model = strata_schema::load_files(&[(PathBuf::from("orders.yml"), BROKEN.into())])
            .expect("the YAML itself is valid");
        let errors = CompiledTemplates::new(Arc::new(model))
            .check()
            .expect_err("two snippets do not parse");
        let text: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(
            text[0].starts_with("orders.yml:9: orders.status: sql does not parse"),
            "{}",
            text[0]
        );
        assert!(
            text[1].starts_with("orders.yml:15: orders.paid: filters[0] does not parse"),
            "{}",
            text[1]
        );
    }

    #[test]
    fn a_model_that_parses_passes() {
        let model = crate::testing::orders_engine(10).build();
        assert!(model.check_model().is_ok());
    }
}
