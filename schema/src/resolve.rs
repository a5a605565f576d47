//! Resolution of `{...}` references in every SQL template of the model.

use std::collections::HashMap;

use crate::model::*;
use crate::template::{SqlRef, SqlTemplate, TemplatePart};
use crate::yaml::{Ctx, Sink};

/// What a member is, for lookups during compilation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MemberInfo {
    /// Dimension, measure or segment.
    pub kind: MemberKind,
    /// Type of a dimension.
    pub dimension_type: Option<DimensionType>,
}

/// Every cube's member names.
#[derive(Debug, Default)]
pub(crate) struct Index {
    cubes: HashMap<String, HashMap<String, MemberInfo>>,
}

impl Index {
    /// Indexes the cubes of `model`.
    pub(crate) fn build(model: &SemanticModel) -> Index {
        let mut cubes = HashMap::with_capacity(model.cubes.len());
        for cube in model.cubes.values() {
            let count = cube.dimensions.len() + cube.measures.len() + cube.segments.len();
            let mut members = HashMap::with_capacity(count);
            for d in cube.dimensions.values() {
                let info = MemberInfo {
                    kind: MemberKind::Dimension,
                    dimension_type: Some(d.kind),
                };
                members.insert(d.name.clone(), info);
            }
            for (names, kind) in [
                (
                    cube.measures.keys().collect::<Vec<_>>(),
                    MemberKind::Measure,
                ),
                (cube.segments.keys().collect(), MemberKind::Segment),
            ] {
                for n in names {
                    let info = MemberInfo {
                        kind,
                        dimension_type: None,
                    };
                    members.insert(n.clone(), info);
                }
            }
            cubes.insert(cube.name.clone(), members);
        }
        Index { cubes }
    }

    /// Whether a cube of that name exists.
    pub(crate) fn has_cube(&self, cube: &str) -> bool {
        self.cubes.contains_key(cube)
    }

    /// A member of a cube.
    pub(crate) fn member(&self, cube: &str, member: &str) -> Option<MemberInfo> {
        self.cubes.get(cube)?.get(member).copied()
    }

    /// ` (did you mean `x`?)` for the closest of `candidates`, or nothing.
    pub(crate) fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
        let lower = name.to_ascii_lowercase();
        candidates
            .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
            .filter(|(d, c)| *d <= 2.max(name.len() / 4) && *c != name)
            .min()
            .map_or(String::new(), |(_, c)| format!(" (did you mean `{c}`?)"))
    }

    /// Member names of a cube.
    pub(crate) fn members_of<'a>(&'a self, cube: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.cubes
            .get(cube)
            .into_iter()
            .flat_map(|m| m.keys().map(String::as_str))
    }

    /// Cube names.
    pub(crate) fn cube_names(&self) -> impl Iterator<Item = &str> {
        self.cubes.keys().map(String::as_str)
    }

    /// Resolves a reference written in a template of cube `own`.
    pub(crate) fn resolve_ref(&self, reference: &str, own: &str) -> Result<SqlRef, String> {
        let mut parts = reference.split('.');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(one), None, _) => {
                if is_self(one) {
                    Ok(SqlRef::Cube(own.to_string()))
                } else if self.member(own, one).is_some() {
                    Ok(SqlRef::Member {
                        cube: own.to_string(),
                        member: one.to_string(),
                    })
                } else if self.has_cube(one) {
                    Ok(SqlRef::Cube(one.to_string()))
                } else {
                    let hint = Index::suggest(one, self.members_of(own).chain(self.cube_names()));
                    Err(format!(
                        "unknown reference `{{{reference}}}`: no member of this cube nor cube has that name{hint}"
                    ))
                }
            }
            (Some(c), Some(m), None) => {
                let cube = if is_self(c) { own } else { c };
                if !self.has_cube(cube) {
                    let hint = Index::suggest(cube, self.cube_names());
                    return Err(format!(
                        "unknown reference `{{{reference}}}`: no cube `{cube}`{hint}"
                    ));
                }
                if self.member(cube, m).is_none() {
                    let hint = Index::suggest(m, self.members_of(cube));
                    return Err(format!(
                        "unknown reference `{{{reference}}}`: cube `{cube}` has no member `{m}`{hint}"
                    ));
                }
                Ok(SqlRef::Member {
                    cube: cube.to_string(),
                    member: m.to_string(),
                })
            }
            _ => Err(format!(
                "unsupported reference `{{{reference}}}` (expected `member`, `Cube` or `Cube.member`)"
            )),
        }
    }
}

fn is_self(name: &str) -> bool {
    name == "CUBE" || name == "TABLE"
}

/// Levenshtein distance (over characters), for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// Resolves the references of one template; unknown ones are reported (at
/// the member `member` of cube `own`, written at `loc`) and left unresolved.
fn resolve_template(
    t: &mut SqlTemplate,
    own: &str,
    member: Option<&str>,
    loc: &SourceLocation,
    index: &Index,
    sink: &Sink,
) {
    for part in &mut t.parts {
        if let TemplatePart::Unresolved(r) = part {
            match index.resolve_ref(r, own) {
                Ok(resolved) => *part = TemplatePart::Ref(resolved),
                Err(message) => sink.push(ctx(own, member, loc).err(message)),
            }
        }
    }
}

fn ctx<'a>(cube: &'a str, member: Option<&'a str>, loc: &'a SourceLocation) -> Ctx<'a> {
    Ctx::file(&loc.file)
        .cube(Some(cube), loc.line)
        .member(member, loc.line)
}

/// Resolves every template of every cube, in the context of the cube it ends
/// up in (so `{CUBE}` in an inherited member means the extending cube).
pub(crate) fn resolve(model: &mut SemanticModel, index: &Index, sink: &Sink) {
    for cube in model.cubes.values_mut() {
        let own = cube.name.as_str();
        if let CubeSource::Sql(t) = &mut cube.source {
            resolve_template(t, own, None, &cube.location, index, sink);
        }
        for j in cube.joins.values_mut() {
            let member = Some(j.target.as_str());
            resolve_template(&mut j.sql, own, member, &j.location, index, sink);
        }
        for d in cube.dimensions.values_mut() {
            for t in dimension_templates_mut(&mut d.sql) {
                resolve_template(t, own, Some(&d.name), &d.location, index, sink);
            }
        }
        for m in cube.measures.values_mut() {
            for t in m.sql.iter_mut().chain(m.filters.iter_mut()) {
                resolve_template(t, own, Some(&m.name), &m.location, index, sink);
            }
        }
        for s in cube.segments.values_mut() {
            resolve_template(&mut s.sql, own, Some(&s.name), &s.location, index, sink);
        }
    }
}

/// Every template of a dimension's value.
pub(crate) fn dimension_templates(sql: &DimensionSql) -> Vec<&SqlTemplate> {
    match sql {
        DimensionSql::Sql(t) => vec![t],
        DimensionSql::Geo {
            latitude,
            longitude,
        } => vec![latitude, longitude],
        DimensionSql::Case(c) => {
            let mut out = Vec::new();
            for w in &c.when {
                out.push(&w.sql);
                if let CaseLabel::Sql(t) = &w.label {
                    out.push(t);
                }
            }
            if let Some(CaseLabel::Sql(t)) = &c.else_label {
                out.push(t);
            }
            out
        }
    }
}

fn dimension_templates_mut(sql: &mut DimensionSql) -> Vec<&mut SqlTemplate> {
    match sql {
        DimensionSql::Sql(t) => vec![t],
        DimensionSql::Geo {
            latitude,
            longitude,
        } => vec![latitude, longitude],
        DimensionSql::Case(c) => {
            let mut out = Vec::new();
            for w in &mut c.when {
                out.push(&mut w.sql);
                if let CaseLabel::Sql(t) = &mut w.label {
                    out.push(t);
                }
            }
            if let Some(CaseLabel::Sql(t)) = &mut c.else_label {
                out.push(t);
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_each_form_of_reference() {
        let model = crate::tests::model(
            "cubes:\n  - name: A\n    sql_table: a\n    dimensions:\n      - name: x\n        sql: x\n        type: string\n",
        );
        let index = Index::build(&model);
        let member = |cube: &str, member: &str| SqlRef::Member {
            cube: cube.into(),
            member: member.into(),
        };
        assert_eq!(index.resolve_ref("x", "A"), Ok(member("A", "x")));
        assert_eq!(index.resolve_ref("CUBE.x", "A"), Ok(member("A", "x")));
        assert_eq!(
            index.resolve_ref("TABLE", "A"),
            Ok(SqlRef::Cube("A".into()))
        );
        assert_eq!(index.resolve_ref("A", "A"), Ok(SqlRef::Cube("A".into())));
        assert!(index.resolve_ref("A.y", "A").is_err());
        assert!(index
            .resolve_ref("A.x.y", "A")
            .is_err_and(|e| e.starts_with("unsupported")));
    }

    #[test]
    fn edit_distance_and_hints() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        // Characters, not bytes; a swap of neighbours is two edits.
        assert_eq!(edit_distance("déjà", "deja"), 2);
        assert_eq!(edit_distance("ab", "ba"), 2);
        assert_eq!(
            Index::suggest("totalSale", ["totalSales", "count"].into_iter()),
            " (did you mean `totalSales`?)"
        );
        assert_eq!(Index::suggest("zzz", ["totalSales"].into_iter()), "");
    }
}
