//! YAML values → cube declarations (views are read in `views.rs`).
//!
//! Members come out as model types with their SQL templates still unresolved
//! and with member lists that point at the own cube as [`OWN`] (`CUBE.x` and a
//! bare `x` alike), so that a cube extending another can adopt them as its own.
//! Every check that needs only the member itself (types, intervals, required
//! keys) is made here, once.

use std::path::Path;

use crate::value::Value;

use crate::locate::{Item, Locator, Section};
use crate::model::*;
use crate::template::{is_identifier, SqlTemplate};
use crate::yaml::{scalar_str, scalar_text, untag, Ctx, Obj, Sink};

/// Placeholder cube name for "the cube this member ends up in".
pub(crate) const OWN: &str = "CUBE";

/// A cube as declared, before `extends` and references are resolved.
#[derive(Debug, Clone)]
pub(crate) struct CubeDecl {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub public: bool,
    pub meta: Option<serde_json::Value>,
    pub source: Option<CubeSource>,
    pub extends: Option<String>,
    pub extends_line: Option<usize>,
    pub data_source: Option<String>,
    pub refresh_key: Option<RefreshKey>,
    pub joins: Vec<Join>,
    pub dimensions: Vec<Dimension>,
    pub measures: Vec<Measure>,
    pub segments: Vec<Segment>,
    pub pre_aggregations: Vec<PreAggregation>,
    pub access_policy: Vec<crate::access::AccessPolicy>,
    pub location: SourceLocation,
}

/// What parsing needs to know about the file.
pub(crate) struct Site<'a> {
    pub file: &'a Path,
    pub loc: &'a Locator<'a>,
    pub sink: &'a Sink,
}

impl Site<'_> {
    pub(crate) fn location(&self, line: Option<usize>) -> SourceLocation {
        SourceLocation {
            file: self.file.to_path_buf(),
            line,
        }
    }
}

/// Reads the `name` of a list entry without reporting anything.
pub(crate) fn peek_name<'a>(v: &'a Value<'_>) -> Option<&'a str> {
    match untag(v) {
        Value::Mapping(m) => m.get("name").and_then(|n| match untag(n) {
            Value::String(s) => Some(s.as_ref()),
            _ => None,
        }),
        _ => None,
    }
}

/// Reads `name`, reporting a missing or malformed one.
pub(crate) fn required_name<'a>(o: &Obj<'a, '_>, what: &str) -> Option<&'a str> {
    let written = o.str(&["name"]);
    let name = written.filter(|n| !n.is_empty());
    match (&written, &name) {
        (_, Some(n)) if !is_identifier(n) => o.sink().push(o.ctx().err(format!(
            "`{n}` is not a valid name (use letters, digits and `_`, not starting with a digit)"
        ))),
        // Empty, or absent (a `name` of the wrong type is reported already).
        (Some(_), None) => o.sink().push(o.ctx().err(format!("{what} has no `name`"))),
        (None, _) if o.get(&["name"]).is_none() => {
            o.sink().push(o.ctx().err(format!("{what} has no `name`")))
        }
        _ => {}
    }
    name
}

/// Parses one entry of `cubes:`; `None` when it has no usable name.
pub(crate) fn cube(v: &Value, index: usize, site: &Site) -> Option<CubeDecl> {
    let peeked = peek_name(v);
    let item = site.loc.item(Section::Cubes, index, peeked);
    let line = site.loc.item_line(item);
    let ctx = Ctx::file(site.file).cube(peeked, line);
    let o = Obj::new(v, "a cube", &ctx, site.sink)?;
    let name = required_name(&o, "a cube");
    if let Some(n) = name {
        if n == "CUBE" || n == "TABLE" {
            site.sink
                .push(ctx.err(format!("`{n}` is reserved and cannot name a cube")));
        }
    }
    let sql_table = o.text(&["sql_table", "sqlTable"]);
    let sql = o.text_str(&["sql"]);
    if sql_table.is_some() && sql.is_some() {
        site.sink
            .push(ctx.err("a cube takes either `sql_table` or `sql`, not both"));
    }
    let source = match (sql_table, sql) {
        (Some(t), _) => Some(CubeSource::Table(t)),
        (None, Some(s)) => Some(CubeSource::Sql(SqlTemplate::parse(&s))),
        (None, None) => None,
    };
    let extends = o.str(&["extends"]).map(|e| {
        let e = e.trim().trim_start_matches('$');
        e.trim_start_matches('{')
            .trim_end_matches('}')
            .trim()
            .to_string()
    });
    let ms = MemberSite {
        site,
        item,
        cube: &ctx,
    };
    let mut seen = Names::default();
    let mut decl = CubeDecl {
        name: String::new(),
        title: o.text(&["title"]),
        description: o.text(&["description"]),
        public: o.public(),
        meta: o.json(&["meta"]),
        source,
        extends,
        extends_line: site.loc.key_line(item, &["extends"]).or(line),
        data_source: o.text(&["data_source", "dataSource"]),
        refresh_key: o
            .get(&["refresh_key", "refreshKey"])
            .and_then(|(_, v)| refresh_key(v, &ctx, site.sink)),
        joins: joins(&o, &ms),
        dimensions: ms.list(&o, &["dimensions"], "a dimension", &mut seen, dimension),
        measures: ms.list(&o, &["measures"], "a measure", &mut seen, measure),
        segments: ms.list(&o, &["segments"], "a segment", &mut seen, segment),
        pre_aggregations: ms.list(
            &o,
            &["pre_aggregations", "preAggregations"],
            "a pre-aggregation",
            &mut seen,
            pre_aggregation,
        ),
        access_policy: crate::access::parse(
            o.json(&["access_policy", "accessPolicy"]),
            &ctx,
            site.sink,
        ),
        location: site.location(line),
    };
    decl.name = name?.to_string();
    Some(decl)
}

/// Member names already used in a cube, with their lines.
#[derive(Default)]
struct Names<'v>(Vec<(&'v str, Option<usize>)>);

struct MemberSite<'a> {
    site: &'a Site<'a>,
    item: Option<Item>,
    cube: &'a Ctx<'a>,
}

impl MemberSite<'_> {
    /// Parses each entry of a member list with `parse(obj, name, location)`.
    fn list<'v, T>(
        &self,
        o: &Obj<'v, '_>,
        keys: &[&'static str],
        what: &str,
        seen: &mut Names<'v>,
        parse: impl Fn(&Obj, String, SourceLocation) -> T,
    ) -> Vec<T> {
        let list = o.list(keys);
        let mut out = Vec::with_capacity(list.len());
        // Names written so far, to tell repeated names apart in the text.
        let mut written: Vec<&str> = Vec::with_capacity(list.len());
        let names = self.site.loc.list_names(self.item, keys);
        for v in list {
            let peeked = peek_name(v);
            let line = peeked.and_then(|n| {
                let nth = written.iter().filter(|w| **w == n).count();
                self.site.loc.member_line_in(self.item, &names, n, nth)
            });
            written.extend(peeked);
            let ctx = self.cube.member(peeked, line);
            let Some(m) = Obj::new(v, what, &ctx, self.site.sink) else {
                continue;
            };
            let Some(name) = required_name(&m, what) else {
                continue;
            };
            if let Some((_, first)) = seen.0.iter().find(|(n, _)| *n == name) {
                let at = first.map_or(String::new(), |l| format!(" (first at line {l})"));
                self.site.sink.push(ctx.err(format!(
                    "`{name}` is defined more than once in this cube{at}"
                )));
                continue;
            }
            seen.0.push((name, line));
            out.push(parse(
                &m,
                name.to_string(),
                self.site.location(line.or(self.cube.line)),
            ));
        }
        out
    }
}

fn joins(o: &Obj, ms: &MemberSite) -> Vec<Join> {
    const KEYS: &[&str] = &["joins"];
    // Cube also accepts the older mapping form `joins: {Target: {...}}`.
    if let Some((_, Value::Mapping(map))) = o.get(KEYS) {
        return map
            .iter()
            .filter_map(|(k, v)| {
                let target = scalar_text(k)?;
                let line = ms.site.loc.key_line(ms.item, KEYS).map(|l| l + 1);
                let ctx = ms.cube.member(Some(&target), line);
                let j = Obj::new(v, "a join", &ctx, ms.site.sink)?;
                // The old form is rare: copying the target name is fine.
                Some(join_body(&j, target.clone(), ms.site.location(ctx.line)))
            })
            .collect();
    }
    let mut seen = Names::default();
    ms.list(o, KEYS, "a join", &mut seen, join_body)
}

fn join_body(o: &Obj, target: String, location: SourceLocation) -> Join {
    let (ctx, sink) = (o.ctx(), o.sink());
    let relationship = match o.string(&["relationship"]) {
        Some(r) => r.parse().unwrap_or_else(|e: String| {
            sink.push(ctx.err(e));
            Relationship::ManyToOne
        }),
        None => {
            if o.get(&["relationship"]).is_none() {
                sink.push(ctx.err("a join needs a `relationship`"));
            }
            Relationship::ManyToOne
        }
    };
    let sql = o.text(&["sql"]).unwrap_or_else(|| {
        if o.get(&["sql"]).is_none() {
            sink.push(ctx.err("a join needs `sql` (its ON condition)"));
        }
        String::new()
    });
    Join {
        target,
        relationship,
        sql: SqlTemplate::parse(&sql),
        location,
    }
}

/// A required type; `None` (reported) when missing or unknown.
fn kind<T: std::str::FromStr<Err = String>>(o: &Obj, what: &str) -> Option<T> {
    match o.string(&["type"]) {
        Some(t) => t.parse().map_err(|e| o.sink().push(o.ctx().err(e))).ok(),
        None => {
            if o.get(&["type"]).is_none() {
                o.sink().push(o.ctx().err(format!("{what} needs a `type`")));
            }
            None
        }
    }
}

fn template(o: &Obj, keys: &[&'static str]) -> Option<SqlTemplate> {
    o.text_str(keys).map(|s| SqlTemplate::parse(&s))
}

/// `{sql: ...}` or a bare string.
fn sql_of(v: &Value, what: &str, ctx: &Ctx, sink: &Sink) -> Option<SqlTemplate> {
    if let Some(t) = scalar_str(v) {
        return Some(SqlTemplate::parse(&t));
    }
    let o = Obj::new(v, what, ctx, sink)?;
    let t = template(&o, &["sql"]);
    if t.is_none() && o.get(&["sql"]).is_none() {
        sink.push(ctx.err(format!("{what} needs `sql`")));
    }
    t
}

fn dimension(o: &Obj, name: String, location: SourceLocation) -> Dimension {
    let (ctx, sink) = (o.ctx(), o.sink());
    let parsed = kind(o, "a dimension");
    let kind = parsed.unwrap_or(DimensionType::String);
    let geo = |key: &'static str| {
        o.get(&[key])
            .and_then(|(_, v)| sql_of(v, &format!("`{key}`"), ctx, sink))
    };
    let sql = if kind == DimensionType::Geo {
        match (geo("latitude"), geo("longitude")) {
            (Some(latitude), Some(longitude)) => DimensionSql::Geo {
                latitude,
                longitude,
            },
            _ => {
                sink.push(ctx.err("a `geo` dimension needs `latitude` and `longitude`"));
                DimensionSql::Sql(SqlTemplate::parse(""))
            }
        }
    } else if let Some((_, v)) = o.get(&["case"]) {
        DimensionSql::Case(case(v, ctx, sink))
    } else if let Some(t) = template(o, &["sql"]) {
        DimensionSql::Sql(t)
    } else {
        if parsed.is_some() && o.get(&["sql"]).is_none() {
            sink.push(ctx.err("a dimension needs `sql` (or `case`)"));
        }
        DimensionSql::Sql(SqlTemplate::parse(""))
    };
    Dimension {
        name,
        kind,
        sql,
        primary_key: o.flag(&["primary_key", "primaryKey"]).unwrap_or(false),
        public: o.public(),
        title: o.text(&["title"]),
        description: o.text(&["description"]),
        format: o.text(&["format"]),
        meta: o.json(&["meta"]),
        sub_query: o.flag(&["sub_query", "subQuery"]).unwrap_or(false),
        propagate_filters_to_sub_query: o
            .flag(&[
                "propagate_filters_to_sub_query",
                "propagateFiltersToSubQuery",
            ])
            .unwrap_or(false),
        location,
    }
}

fn case(v: &Value, ctx: &Ctx, sink: &Sink) -> CaseDefinition {
    let mut def = CaseDefinition {
        when: Vec::new(),
        else_label: None,
    };
    let Some(o) = Obj::new(v, "`case`", ctx, sink) else {
        return def;
    };
    for w in o.list(&["when"]) {
        let Some(wo) = Obj::new(w, "a `case.when` entry", ctx, sink) else {
            continue;
        };
        let sql = template(&wo, &["sql"]);
        let label = wo.get(&["label"]).and_then(|(_, l)| label(l, ctx, sink));
        match (sql, label) {
            (Some(sql), Some(label)) => def.when.push(CaseWhen { sql, label }),
            _ => sink.push(ctx.err("each `case.when` entry needs `sql` and `label`")),
        }
    }
    if def.when.is_empty() {
        sink.push(ctx.err("`case` needs at least one `when` entry"));
    }
    if let Some((_, e)) = o.get(&["else"]) {
        def.else_label = Obj::new(e, "`case.else`", ctx, sink)
            .and_then(|eo| eo.get(&["label"]))
            .and_then(|(_, l)| label(l, ctx, sink));
    }
    def
}

fn label(v: &Value, ctx: &Ctx, sink: &Sink) -> Option<CaseLabel> {
    if let Some(t) = scalar_text(v) {
        return Some(CaseLabel::Text(t));
    }
    sql_of(v, "a `case` label", ctx, sink).map(CaseLabel::Sql)
}

/// `CUBE.x`, `TABLE.x` and bare `x` → [`OWN`]`.x`; `Cube.x` as written.
pub(crate) fn member_path(s: &str) -> Result<MemberPath, String> {
    let s = s.trim();
    if is_identifier(s) {
        return Ok(MemberPath::new(OWN, s));
    }
    match MemberPath::parse(s) {
        Some(p) if is_identifier(&p.cube) && is_identifier(&p.member) => {
            if p.cube == "TABLE" {
                Ok(MemberPath::new(OWN, p.member))
            } else {
                Ok(p)
            }
        }
        _ => Err(format!(
            "`{s}` is not a member name (expected `member` or `Cube.member`)"
        )),
    }
}

fn paths(o: &Obj, keys: &[&'static str]) -> Vec<MemberPath> {
    o.names_str(keys)
        .filter_map(|n| {
            member_path(&n)
                .map_err(|e| o.sink().push(o.ctx().err(e)))
                .ok()
        })
        .collect()
}

fn interval(text: &str, what: &str, ctx: &Ctx, sink: &Sink) -> Option<Interval> {
    text.parse()
        .map_err(|e: String| sink.push(ctx.err(format!("{what}: {e}"))))
        .ok()
}

fn measure(o: &Obj, name: String, location: SourceLocation) -> Measure {
    let (ctx, sink) = (o.ctx(), o.sink());
    let parsed = kind(o, "a measure");
    let kind = parsed.unwrap_or(MeasureType::Number);
    let sql = template(o, &["sql"]);
    if sql.is_none() && parsed.is_some_and(MeasureType::requires_sql) && o.get(&["sql"]).is_none() {
        sink.push(ctx.err(format!("a `{}` measure needs `sql`", kind.as_str())));
    }
    let filters = o
        .list(&["filters"])
        .iter()
        .filter_map(|f| sql_of(f, "a measure filter", ctx, sink))
        .collect();
    let rolling_window = o
        .get(&["rolling_window", "rollingWindow"])
        .and_then(|(_, v)| rolling_window(v, ctx, sink));
    if rolling_window.is_some()
        && matches!(
            kind,
            MeasureType::String | MeasureType::Time | MeasureType::Boolean
        )
    {
        sink.push(ctx.err(format!(
            "a `{}` measure cannot have a `rolling_window`",
            kind.as_str()
        )));
    }
    let time_shift = o
        .list(&["time_shift", "timeShift"])
        .iter()
        .filter_map(|v| time_shift(v, ctx, sink))
        .collect();
    let multi_stage = o.flag(&["multi_stage", "multiStage"]).unwrap_or(false)
        || o.flag(&["post_aggregate", "postAggregate"])
            .unwrap_or(false);
    Measure {
        name,
        kind,
        sql,
        filters,
        rolling_window,
        multi_stage,
        time_shift,
        reduce_by: paths(o, &["reduce_by", "reduceBy"]),
        group_by: paths(o, &["group_by", "groupBy"]),
        add_group_by: paths(o, &["add_group_by", "addGroupBy"]),
        format: o.text(&["format"]),
        drill_members: paths(o, &["drill_members", "drillMembers"]),
        public: o.public(),
        title: o.text(&["title"]),
        description: o.text(&["description"]),
        meta: o.json(&["meta"]),
        location,
    }
}

fn rolling_window(v: &Value, ctx: &Ctx, sink: &Sink) -> Option<RollingWindow> {
    let o = Obj::new(v, "`rolling_window`", ctx, sink)?;
    if let Some(t) = o.string(&["type"]) {
        if t != "fixed" {
            sink.push(ctx.err(format!(
                "`rolling_window` type `{t}` is not supported (only `fixed`)"
            )));
        }
    }
    let bound = |key: &'static str| {
        let text = o.text(&[key])?;
        if text.trim().eq_ignore_ascii_case("unbounded") {
            return Some(WindowBound::Unbounded);
        }
        interval(&text, &format!("`rolling_window.{key}`"), ctx, sink).map(WindowBound::Interval)
    };
    let offset = match o.string(&["offset"]).as_deref() {
        None | Some("end") => WindowOffset::End,
        Some("start") => WindowOffset::Start,
        Some(other) => {
            sink.push(ctx.err(format!(
                "`rolling_window.offset` must be `start` or `end`, not `{other}`"
            )));
            WindowOffset::End
        }
    };
    Some(RollingWindow {
        trailing: bound("trailing"),
        leading: bound("leading"),
        offset,
    })
}

fn time_shift(v: &Value, ctx: &Ctx, sink: &Sink) -> Option<TimeShift> {
    let o = Obj::new(v, "a `time_shift` entry", ctx, sink)?;
    let time_dimension = o
        .string(&["time_dimension", "timeDimension"])
        .and_then(|d| member_path(&d).map_err(|e| sink.push(ctx.err(e))).ok());
    let direction = match o.string(&["type"]).as_deref() {
        None | Some("prior") => TimeShiftDirection::Prior,
        Some("next") => TimeShiftDirection::Next,
        Some(other) => {
            sink.push(ctx.err(format!(
                "`time_shift` type must be `prior` or `next`, not `{other}`"
            )));
            TimeShiftDirection::Prior
        }
    };
    let Some(text) = o.text(&["interval"]) else {
        if o.get(&["interval"]).is_none() {
            sink.push(ctx.err("a `time_shift` entry needs an `interval`"));
        }
        return None;
    };
    let interval = interval(&text, "`time_shift.interval`", ctx, sink)?;
    Some(TimeShift {
        time_dimension,
        interval,
        direction,
    })
}

fn segment(o: &Obj, name: String, location: SourceLocation) -> Segment {
    let sql = template(o, &["sql"]).unwrap_or_else(|| {
        if o.get(&["sql"]).is_none() {
            o.sink().push(o.ctx().err("a segment needs `sql`"));
        }
        SqlTemplate::parse("")
    });
    Segment {
        name,
        sql,
        public: o.public(),
        title: o.text(&["title"]),
        description: o.text(&["description"]),
        location,
    }
}

fn granularity(o: &Obj, keys: &[&'static str]) -> Option<Granularity> {
    let g = o.string(keys)?;
    g.parse()
        .map_err(|e: String| {
            o.sink().push(o.ctx().err(format!(
                "`{}`: {e}",
                keys.first().copied().unwrap_or("granularity")
            )))
        })
        .ok()
}

fn pre_aggregation(o: &Obj, name: String, location: SourceLocation) -> PreAggregation {
    let (ctx, sink) = (o.ctx(), o.sink());
    let kind = match o.string(&["type"]) {
        None => PreAggregationType::Rollup,
        Some(t) => t.parse().unwrap_or_else(|e| {
            sink.push(ctx.err(e));
            PreAggregationType::Rollup
        }),
    };
    let mut time_dimensions = Vec::new();
    if let Some(d) = o.string(&["time_dimension", "timeDimension"]) {
        let dim = member_path(&d).map_err(|e| sink.push(ctx.err(e))).ok();
        match (dim, granularity(o, &["granularity"])) {
            (Some(dimension), Some(granularity)) => {
                time_dimensions.push(PreAggregationTimeDimension {
                    dimension,
                    granularity,
                })
            }
            (Some(_), None)
                if kind == PreAggregationType::Rollup && o.get(&["granularity"]).is_none() =>
            {
                sink.push(ctx.err("a `time_dimension` needs a `granularity`"));
            }
            _ => {}
        }
    }
    for v in o.list(&["time_dimensions", "timeDimensions"]) {
        let Some(t) = Obj::new(v, "a `time_dimensions` entry", ctx, sink) else {
            continue;
        };
        let dim = t
            .string(&["dimension"])
            .and_then(|d| member_path(&d).map_err(|e| sink.push(ctx.err(e))).ok());
        match (dim, granularity(&t, &["granularity"])) {
            (Some(dimension), Some(granularity)) => {
                time_dimensions.push(PreAggregationTimeDimension {
                    dimension,
                    granularity,
                })
            }
            _ => sink
                .push(ctx.err("each `time_dimensions` entry needs `dimension` and `granularity`")),
        }
    }
    PreAggregation {
        name,
        kind,
        measures: paths(o, &["measures"]),
        dimensions: paths(o, &["dimensions"]),
        segments: paths(o, &["segments"]),
        time_dimensions,
        partition_granularity: granularity(o, &["partition_granularity", "partitionGranularity"]),
        refresh_key: o
            .get(&["refresh_key", "refreshKey"])
            .and_then(|(_, v)| refresh_key(v, ctx, sink)),
        external: o.flag(&["external"]),
        scheduled_refresh: o.flag(&["scheduled_refresh", "scheduledRefresh"]),
        location,
    }
}

fn refresh_key(v: &Value, ctx: &Ctx, sink: &Sink) -> Option<RefreshKey> {
    let o = Obj::new(v, "`refresh_key`", ctx, sink)?;
    Some(RefreshKey {
        every: o.text(&["every"]),
        sql: o.text(&["sql"]),
    })
}
