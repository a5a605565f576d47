//! Reading typed fields out of parsed YAML, collecting errors instead of
//! stopping at the first one.

use std::borrow::Cow;
use std::cell::RefCell;
use std::path::Path;

use crate::value::{to_serde_yaml, Mapping, Value};

use crate::error::SchemaError;

/// Collects every error found while loading a model.
#[derive(Debug, Default)]
pub(crate) struct Sink(RefCell<Vec<SchemaError>>);

impl Sink {
    /// Records an error.
    pub(crate) fn push(&self, e: SchemaError) {
        self.0.borrow_mut().push(e);
    }

    /// Moves every error of `other` to the end of this sink.
    pub(crate) fn append(&self, other: Sink) {
        self.0.borrow_mut().extend(other.0.into_inner());
    }

    /// Number of errors recorded so far.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.borrow().len()
    }

    /// Every error recorded, without exact repeats (an inherited member checked
    /// in its parent and in its child reports once), ordered by file and line.
    pub(crate) fn finish(self) -> Vec<SchemaError> {
        let mut out: Vec<SchemaError> = Vec::new();
        for e in self.0.into_inner() {
            let dup = out.iter().any(|o| {
                o.file == e.file
                    && o.line == e.line
                    && o.member == e.member
                    && o.message == e.message
            });
            if !dup {
                out.push(e);
            }
        }
        out.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        out
    }
}

/// Where something sits in the model, for error messages. It borrows the
/// names it holds, so making one costs nothing: text is copied only when an
/// error is actually reported.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    /// Model file.
    pub file: &'a Path,
    /// 1-based line.
    pub line: Option<usize>,
    /// Cube or view.
    pub cube: Option<&'a str>,
    /// Member.
    pub member: Option<&'a str>,
}

impl Default for Ctx<'_> {
    fn default() -> Self {
        Ctx {
            file: Path::new(""),
            line: None,
            cube: None,
            member: None,
        }
    }
}

impl<'a> Ctx<'a> {
    /// A context for a whole file.
    pub(crate) fn file(file: &'a Path) -> Ctx<'a> {
        Ctx {
            file,
            ..Ctx::default()
        }
    }

    /// An error at this place.
    pub(crate) fn err(&self, message: impl Into<String>) -> SchemaError {
        SchemaError {
            file: self.file.to_path_buf(),
            line: self.line,
            cube: self.cube.map(str::to_string),
            member: self.member.map(str::to_string),
            message: message.into(),
        }
    }

    /// The same place narrowed to a cube.
    pub(crate) fn cube(&self, name: Option<&'a str>, line: Option<usize>) -> Ctx<'a> {
        Ctx {
            file: self.file,
            line: line.or(self.line),
            cube: name,
            member: None,
        }
    }

    /// The same place narrowed to a member of the cube.
    pub(crate) fn member(&self, name: Option<&'a str>, line: Option<usize>) -> Ctx<'a> {
        Ctx {
            line: line.or(self.line),
            member: name,
            ..*self
        }
    }
}

/// Strips YAML tags (`!foo value`), which the model does not use.
pub(crate) fn untag<'a, 't>(mut v: &'a Value<'t>) -> &'a Value<'t> {
    while let Value::Tagged(t) = v {
        v = &t.value;
    }
    v
}

/// Describes the type of a YAML value, for messages.
pub(crate) fn describe(v: &Value) -> &'static str {
    match untag(v) {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// A scalar as text: strings as they are, numbers and booleans printed.
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    scalar_str(v).map(Cow::into_owned)
}

/// [`scalar_text`] borrowing strings instead of copying them.
pub(crate) fn scalar_str<'a>(v: &'a Value<'_>) -> Option<Cow<'a, str>> {
    match untag(v) {
        Value::String(s) => Some(Cow::Borrowed(s.as_ref())),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

/// Converts YAML to JSON (for `meta`). Non-string keys are printed; NaN and
/// infinities become `null`.
pub(crate) fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match untag(v) {
        Value::Null | Value::Tagged(_) => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(J::Null, J::Number)
            }
        }
        Value::String(s) => J::String(s.to_string()),
        Value::Sequence(s) => J::Array(s.iter().map(to_json).collect()),
        Value::Mapping(m) => J::Object(
            m.iter()
                .map(|(k, v)| {
                    let key = scalar_text(k).unwrap_or_else(|| {
                        serde_yaml::to_string(&to_serde_yaml(k))
                            .map_or_else(|_| String::new(), |s| s.trim().into())
                    });
                    (key, to_json(v))
                })
                .collect(),
        ),
    }
}

/// Applies YAML merge keys (`<<: *anchor`) everywhere in `v`, including
/// chains of merges (an anchor that itself merges another).
pub(crate) fn apply_merges(v: &mut Value) -> Result<(), String> {
    let mut stack: Vec<&mut Value> = vec![v];
    while let Some(node) = stack.pop() {
        match node {
            Value::Mapping(map) => {
                // A merged mapping may bring its own `<<`; repeat until none is left.
                let mut rounds = 0;
                while let Some(merge) = map.remove("<<") {
                    rounds += 1;
                    if rounds > 64 {
                        return Err("merge keys (`<<`) nest too deeply".into());
                    }
                    let sources = match merge {
                        Value::Mapping(m) => vec![m],
                        Value::Sequence(seq) => {
                            let mut out = Vec::new();
                            for s in seq {
                                match s {
                                    Value::Mapping(m) => out.push(m),
                                    other => {
                                        return Err(format!(
                                            "a merge key (`<<`) can only merge mappings, not {}",
                                            describe(&other)
                                        ))
                                    }
                                }
                            }
                            out
                        }
                        other => {
                            return Err(format!(
                                "a merge key (`<<`) can only merge mappings, not {}",
                                describe(&other)
                            ))
                        }
                    };
                    for src in sources {
                        for (k, val) in src {
                            if !map.contains_key(&k) {
                                map.insert(k, val);
                            }
                        }
                    }
                }
                stack.extend(map.values_mut());
            }
            Value::Sequence(seq) => stack.extend(seq.iter_mut()),
            Value::Tagged(t) => stack.push(&mut t.value),
            _ => {}
        }
    }
    Ok(())
}

/// A YAML mapping read field by field; wrong types are reported to the sink
/// and read as absent. Values borrow from the mapping (`'a`), which outlives
/// the error context (`'c`).
pub(crate) struct Obj<'a, 'c> {
    map: &'a Mapping<'a>,
    ctx: &'c Ctx<'c>,
    sink: &'c Sink,
}

impl<'a, 'c> Obj<'a, 'c> {
    /// Reads `v` as a mapping; reports and returns `None` otherwise.
    pub(crate) fn new(v: &'a Value<'a>, what: &str, ctx: &'c Ctx, sink: &'c Sink) -> Option<Self> {
        match untag(v) {
            Value::Mapping(map) => Some(Obj { map, ctx, sink }),
            other => {
                sink.push(ctx.err(format!(
                    "{what} must be a mapping, found {}",
                    describe(other)
                )));
                None
            }
        }
    }

    /// The first of `keys` present with a non-null value, and that key.
    pub(crate) fn get(&self, keys: &[&'static str]) -> Option<(&'static str, &'a Value<'a>)> {
        keys.iter().find_map(|k| match self.map.get(k).map(untag) {
            None | Some(Value::Null) => None,
            Some(v) => Some((*k, v)),
        })
    }

    fn wrong(&self, key: &str, expected: &str, found: &Value) {
        self.sink.push(self.ctx.err(format!(
            "`{key}` must be {expected}, found {}",
            describe(found)
        )));
    }

    /// A string field.
    pub(crate) fn string(&self, keys: &[&'static str]) -> Option<String> {
        self.str(keys).map(str::to_string)
    }

    /// [`Obj::string`], borrowed.
    pub(crate) fn str(&self, keys: &[&'static str]) -> Option<&'a str> {
        let (k, v) = self.get(keys)?;
        match v {
            Value::String(s) => Some(s.as_ref()),
            other => {
                self.wrong(k, "a string", other);
                None
            }
        }
    }

    /// A text field: a string, or a number or boolean taken as text (`sql: 1`).
    pub(crate) fn text(&self, keys: &[&'static str]) -> Option<String> {
        self.text_str(keys).map(Cow::into_owned)
    }

    /// [`Obj::text`], borrowing strings.
    pub(crate) fn text_str(&self, keys: &[&'static str]) -> Option<Cow<'a, str>> {
        let (k, v) = self.get(keys)?;
        let t = scalar_str(v);
        if t.is_none() {
            self.wrong(k, "a string", v);
        }
        t
    }

    /// A boolean field (`true`/`false`, also written as strings).
    pub(crate) fn flag(&self, keys: &[&'static str]) -> Option<bool> {
        let (k, v) = self.get(keys)?;
        match v {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" || s == "false" => Some(s == "true"),
            other => {
                self.wrong(k, "true or false", other);
                None
            }
        }
    }

    /// `public`/`shown`: false if either is false, true by default.
    pub(crate) fn public(&self) -> bool {
        let public = self.flag(&["public"]).unwrap_or(true);
        let shown = self.flag(&["shown"]).unwrap_or(true);
        public && shown
    }

    /// A list field (absent reads as empty).
    pub(crate) fn list(&self, keys: &[&'static str]) -> &'a [Value<'a>] {
        match self.get(keys) {
            None => &[],
            Some((_, Value::Sequence(s))) => s.as_slice(),
            Some((k, other)) => {
                self.wrong(k, "a list", other);
                &[]
            }
        }
    }

    /// A list of names (absent reads as empty).
    pub(crate) fn names(&self, keys: &[&'static str]) -> Vec<String> {
        self.names_str(keys).map(Cow::into_owned).collect()
    }

    /// [`Obj::names`], borrowing strings.
    pub(crate) fn names_str(
        &self,
        keys: &[&'static str],
    ) -> impl Iterator<Item = Cow<'a, str>> + use<'a, 'c, '_> {
        let key = self.get(keys).map_or("list", |(k, _)| k);
        self.list(keys).iter().filter_map(move |v| {
            let t = scalar_str(v);
            if t.is_none() {
                self.wrong(key, "a list of names", v);
            }
            t
        })
    }

    /// Any value as JSON (`meta`).
    pub(crate) fn json(&self, keys: &[&'static str]) -> Option<serde_json::Value> {
        self.get(keys).map(|(_, v)| to_json(v))
    }

    /// The error context this mapping reports with.
    pub(crate) fn ctx(&self) -> &'c Ctx<'c> {
        self.ctx
    }

    /// The sink errors go to.
    pub(crate) fn sink(&self) -> &'c Sink {
        self.sink
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value<'static> {
        serde_yaml::from_str(s).unwrap()
    }

    fn get<'a, 't>(v: &'a Value<'t>, key: &str) -> &'a Value<'t> {
        match v {
            Value::Mapping(m) => m.get(key).unwrap_or(&Value::Null),
            _ => &Value::Null,
        }
    }

    #[test]
    fn merges_chains_of_anchors() {
        let mut v = yaml("a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3, x: 9}\n");
        apply_merges(&mut v).unwrap();
        let c = get(&v, "c");
        assert_eq!(get(c, "x"), &yaml("9"));
        assert_eq!(get(c, "y"), &yaml("2"));
        assert_eq!(get(c, "z"), &yaml("3"));
        assert_eq!(get(c, "<<"), &Value::Null);
        let mut bad = yaml("a: {<<: 5}");
        assert!(apply_merges(&mut bad).is_err());
    }

    #[test]
    fn contexts_borrow_until_an_error_is_made() {
        let file = Path::new("m.yml");
        let ctx = Ctx::file(file)
            .cube(Some("Orders"), Some(3))
            .member(Some("id"), None);
        let e = ctx.member(Some("status"), Some(7)).err("bad");
        assert_eq!(e.file, Path::new("m.yml"));
        assert_eq!(e.line, Some(7));
        assert_eq!(e.cube.as_deref(), Some("Orders"));
        assert_eq!(e.member.as_deref(), Some("status"));
        let e = ctx.cube(Some("Users"), None).err("x");
        assert_eq!((e.line, e.member), (Some(3), None));
    }

    #[test]
    fn borrows_strings_and_prints_other_scalars() {
        let v = yaml("sql: a.b\nn: 12\nb: true\nl: [1]");
        let (sink, ctx) = (Sink::default(), Ctx::default());
        let o = Obj::new(&v, "thing", &ctx, &sink).unwrap();
        assert!(matches!(o.text_str(&["sql"]), Some(Cow::Borrowed("a.b"))));
        assert_eq!(o.text_str(&["n"]).as_deref(), Some("12"));
        assert_eq!(o.text_str(&["b"]).as_deref(), Some("true"));
        assert_eq!(o.str(&["sql"]), Some("a.b"));
        assert_eq!(o.str(&["n"]), None);
        assert_eq!(o.text_str(&["l"]), None);
        assert_eq!(sink.len(), 2);
    }

    #[test]
    fn reads_fields_and_reports_wrong_types() {
        let v = yaml("name: x\ntype: 7\npublic: false\nshown: true\nsql: 1\nlist: [a, {b: 1}]\nmeta: {k: [1, 2.5, null]}");
        let sink = Sink::default();
        let ctx = Ctx::default();
        let o = Obj::new(&v, "thing", &ctx, &sink).unwrap();
        assert_eq!(o.string(&["name"]).as_deref(), Some("x"));
        assert_eq!(o.string(&["type"]), None);
        assert_eq!(o.text(&["sql"]).as_deref(), Some("1"));
        assert!(!o.public());
        assert_eq!(o.names(&["list"]), vec!["a".to_string()]);
        assert_eq!(
            o.json(&["meta"]),
            Some(serde_json::json!({"k": [1, 2.5, null]}))
        );
        assert_eq!(sink.len(), 2);
        assert!(Obj::new(&yaml("[1]"), "thing", &ctx, &sink).is_none());
    }
}
