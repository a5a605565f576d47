//! Model SQL snippets parsed once into sqlparser expressions, with each
//! `{...}` reference standing as a placeholder identifier that rendering
//! replaces by the referenced alias or member expression.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use sqlparser::ast::{Expr, Ident, Query, SetExpr, TableFactor};
use sqlparser::parser::Parser;
use strata_schema::{
    CaseLabel, CubeSource, DimensionSql, SemanticModel, SqlRef, SqlTemplate, TemplatePart,
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

/// The parsed snippets of one cube.
#[derive(Debug)]
struct CubeTemplates {
    source: CompiledSource,
    /// Snippets by member (or join target) name, then slot.
    exprs: HashMap<String, Vec<(Slot, CompiledExpr)>>,
}

impl CubeTemplates {
    fn add(&mut self, parser: Parser<'_>, cube: &str, member: &str, slot: Slot, t: &SqlTemplate) {
        let (text, refs) = with_placeholders(t);
        let expr = match parser.try_with_sql(&text).and_then(|mut p| p.parse_expr()) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(member = %format!("{cube}.{member}"), error = %e,
                    "model SQL the parser could not read is used as written");
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
        let source = match &cube.source {
            CubeSource::Table(t) => compile_table(dialect, t),
            CubeSource::Sql(t) => compile_query(dialect, t),
        };
        let mut out = CubeTemplates {
            source,
            exprs: HashMap::new(),
        };
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

    fn cube(&self, cube: &str) -> Option<&CubeTemplates> {
        let cell = self.cubes.get(cube)?;
        let def = self.model.cube(cube)?;
        let source = def
            .data_source
            .as_deref()
            .unwrap_or(crate::engine::DEFAULT_DATA_SOURCE);
        let parser = self
            .parsers
            .get(source)
            .copied()
            .unwrap_or(self.default_parser);
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

fn compile_table(dialect: &SnippetDialect, name: &str) -> CompiledSource {
    let sql = format!("SELECT * FROM {name}");
    let parsed = Parser::parse_sql(dialect, &sql)
        .ok()
        .and_then(|mut s| match s.pop() {
            Some(sqlparser::ast::Statement::Query(q)) => match *q.body {
                SetExpr::Select(sel) => sel.from.into_iter().next().map(|t| t.relation),
                _ => None,
            },
            _ => None,
        });
    CompiledSource::Table(Box::new(parsed.unwrap_or_else(|| raw_table(name))))
}

fn compile_query(dialect: &SnippetDialect, t: &SqlTemplate) -> CompiledSource {
    let (text, refs) = with_placeholders(t);
    match Parser::parse_sql(dialect, &text) {
        Ok(mut stmts) if stmts.len() == 1 => match stmts.pop() {
            Some(sqlparser::ast::Statement::Query(q)) => CompiledSource::Query(q, refs),
            _ => CompiledSource::Table(Box::new(raw_table(&format!("({text})")))),
        },
        _ => CompiledSource::Table(Box::new(raw_table(&format!("({text})")))),
    }
}

/// A table factor printed exactly as `text`.
pub fn raw_table(text: &str) -> TableFactor {
    let name = sqlparser::ast::ObjectName(vec![sqlparser::ast::ObjectNamePart::Identifier(
        Ident::new(text),
    )]);
    super::ast::table(name, None, None)
}
