//! Views: their declarations, and the members they expose, checked against
//! the compiled cubes.

use crate::value::Value;
use indexmap::IndexMap;

use crate::locate::Section;
use crate::model::*;
use crate::parse::{peek_name, required_name, Site};
use crate::resolve::Index;
use crate::yaml::{describe, scalar_text, untag, Ctx, Obj, Sink};

/// A view as declared.
#[derive(Debug, Clone)]
pub(crate) struct ViewDecl {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub public: bool,
    pub meta: Option<serde_json::Value>,
    pub cubes: Vec<ViewCubeDecl>,
    pub access_policy: Vec<crate::access::AccessPolicy>,
    pub location: SourceLocation,
}

/// One entry of a view's `cubes:`.
#[derive(Debug, Clone)]
pub(crate) struct ViewCubeDecl {
    pub join_path: String,
    pub includes: Includes,
    pub excludes: Vec<String>,
    pub prefix: bool,
    pub alias: Option<String>,
    pub line: Option<usize>,
}

/// `includes:` of a view cube.
#[derive(Debug, Clone)]
pub(crate) enum Includes {
    /// `"*"`.
    All,
    /// Named members.
    Some(Vec<IncludeDecl>),
}

/// One named include.
#[derive(Debug, Clone)]
pub(crate) struct IncludeDecl {
    pub name: String,
    pub alias: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// Parses one entry of `views:`; `None` when it has no usable name.
pub(crate) fn view(v: &Value, index: usize, site: &Site) -> Option<ViewDecl> {
    let peeked = peek_name(v);
    let item = site.loc.item(Section::Views, index, peeked);
    let line = site.loc.item_line(item);
    let ctx = Ctx::file(site.file).cube(peeked, line);
    let o = Obj::new(v, "a view", &ctx, site.sink)?;
    let name = required_name(&o, "a view");
    let mut cubes = Vec::new();
    for c in o.list(&["cubes"]) {
        let path = match untag(c) {
            Value::Mapping(m) => m
                .get("join_path")
                .or_else(|| m.get("joinPath"))
                .and_then(scalar_text),
            _ => None,
        };
        let line = path
            .as_deref()
            .and_then(|p| site.loc.value_line(item, &["join_path", "joinPath"], p))
            .or(line);
        let cctx = ctx.member(None, line);
        let Some(co) = Obj::new(c, "a view's `cubes` entry", &cctx, site.sink) else {
            continue;
        };
        let Some(join_path) = co.string(&["join_path", "joinPath"]) else {
            if co.get(&["join_path", "joinPath"]).is_none() {
                site.sink
                    .push(cctx.err("a view's `cubes` entry needs a `join_path`"));
            }
            continue;
        };
        let includes = match co.get(&["includes"]) {
            Some((_, Value::String(s))) if s.trim() == "*" => Includes::All,
            Some((_, Value::Sequence(list))) => Includes::Some(
                list.iter()
                    .filter_map(|i| include(i, &cctx, site.sink))
                    .collect(),
            ),
            None => Includes::Some(Vec::new()),
            Some((_, other)) => {
                site.sink.push(cctx.err(format!(
                    "`includes` must be \"*\" or a list of member names, found {}",
                    describe(other)
                )));
                Includes::Some(Vec::new())
            }
        };
        cubes.push(ViewCubeDecl {
            join_path,
            includes,
            excludes: co.names(&["excludes"]),
            prefix: co.flag(&["prefix"]).unwrap_or(false),
            alias: co.string(&["alias"]),
            line,
        });
    }
    Some(ViewDecl {
        name: name?.to_string(),
        title: o.text(&["title"]),
        description: o.text(&["description"]),
        public: o.public(),
        meta: o.json(&["meta"]),
        cubes,
        access_policy: crate::access::parse(
            o.json(&["access_policy", "accessPolicy"]),
            &ctx,
            site.sink,
        ),
        location: site.location(line),
    })
}

fn include(v: &Value, ctx: &Ctx, sink: &Sink) -> Option<IncludeDecl> {
    if let Some(name) = scalar_text(v) {
        return Some(IncludeDecl {
            name,
            alias: None,
            title: None,
            description: None,
        });
    }
    let o = Obj::new(v, "an `includes` entry", ctx, sink)?;
    let Some(name) = o.string(&["name"]) else {
        sink.push(ctx.err("an `includes` entry needs a `name`"));
        return None;
    };
    Some(IncludeDecl {
        name,
        alias: o.string(&["alias"]),
        title: o.text(&["title"]),
        description: o.text(&["description"]),
    })
}

/// Compiles `views` against the cubes of `model` and adds them to it.
pub(crate) fn build(model: &mut SemanticModel, index: &Index, views: Vec<ViewDecl>, sink: &Sink) {
    for decl in views {
        let mut members = IndexMap::new();
        for c in &decl.cubes {
            let ctx = Ctx::file(&decl.location.file).cube(Some(&decl.name), c.line);
            add_cube(model, index, c, &mut members, &ctx, sink);
        }
        let view = View {
            name: decl.name.clone(),
            title: decl.title,
            description: decl.description,
            public: decl.public,
            meta: decl.meta,
            members,
            access_policy: decl.access_policy,
            location: decl.location,
        };
        model.views.insert(decl.name, view);
    }
}

/// Whether `a` joins `b` or `b` joins `a`.
fn joined(model: &SemanticModel, a: &str, b: &str) -> bool {
    let has = |x: &str, y: &str| model.cubes.get(x).is_some_and(|c| c.joins.contains_key(y));
    has(a, b) || has(b, a)
}

/// The cubes of a `join_path`, checked; `None` (reported) when it is unusable.
fn join_path(
    model: &SemanticModel,
    index: &Index,
    raw: &str,
    ctx: &Ctx,
    sink: &Sink,
) -> Option<Vec<String>> {
    let path: Vec<String> = raw.split('.').map(|s| s.trim().to_string()).collect();
    let mut ok = true;
    for cube in &path {
        if !model.cubes.contains_key(cube) {
            let hint = Index::suggest(cube, index.cube_names());
            sink.push(ctx.err(format!(
                "`join_path` `{raw}` names unknown cube `{cube}`{hint}"
            )));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    for pair in path.windows(2) {
        if !joined(model, &pair[0], &pair[1]) {
            sink.push(ctx.err(format!(
                "`join_path` `{raw}`: `{}` and `{}` are not joined (neither cube declares a join to the other)",
                pair[0], pair[1]
            )));
            ok = false;
        }
    }
    ok.then_some(path)
}

fn add_cube(
    model: &SemanticModel,
    index: &Index,
    decl: &ViewCubeDecl,
    members: &mut IndexMap<String, ViewMember>,
    ctx: &Ctx,
    sink: &Sink,
) {
    let Some(path) = join_path(model, index, &decl.join_path, ctx, sink) else {
        return;
    };
    let Some(cube) = path.last().and_then(|c| model.cubes.get(c)) else {
        return;
    };
    let included: Vec<IncludeDecl> = match &decl.includes {
        Includes::All => cube
            .dimensions
            .keys()
            .chain(cube.measures.keys())
            .chain(cube.segments.keys())
            .map(|name| IncludeDecl {
                name: name.clone(),
                alias: None,
                title: None,
                description: None,
            })
            .collect(),
        Includes::Some(list) => list.clone(),
    };
    for ex in &decl.excludes {
        if ex.contains('.') {
            sink.push(ctx.member(Some(ex), None).err(format!(
                "`excludes` takes member names of `{}`, not paths like `{ex}`",
                cube.name
            )));
        }
    }
    let prefix = decl.alias.as_deref().unwrap_or(&cube.name);
    for inc in included {
        if decl.excludes.contains(&inc.name) {
            continue;
        }
        let mctx = ctx.member(Some(&inc.name), None);
        if inc.name.contains('.') {
            sink.push(mctx.err(format!(
                "`includes` takes member names of `{}`, not paths like `{}`",
                cube.name, inc.name
            )));
            continue;
        }
        let Some(info) = index.member(&cube.name, &inc.name) else {
            let hint = Index::suggest(&inc.name, index.members_of(&cube.name));
            sink.push(mctx.err(format!(
                "`{}` is included but cube `{}` has no such member{hint}",
                inc.name, cube.name
            )));
            continue;
        };
        let base = inc.alias.as_deref().unwrap_or(&inc.name);
        let name = if decl.prefix {
            format!("{prefix}_{base}")
        } else {
            base.to_string()
        };
        if let Some(existing) = members.get(&name) {
            sink.push(ctx.member(Some(&name), None).err(format!(
                "`{name}` is exposed twice (by `{}` and `{}.{}`); exclude one, give it an alias or use `prefix: true`",
                existing.target, cube.name, inc.name
            )));
            continue;
        }
        members.insert(
            name.clone(),
            ViewMember {
                name,
                target: MemberPath::new(&cube.name, &inc.name),
                kind: info.kind,
                join_path: path.clone(),
                title: inc.title,
                description: inc.description,
            },
        );
    }
}
