//! SQL templates: the `sql` strings of a model with their `{...}` references.
//!
//! A template is kept as text parts and references. References are resolved
//! against the model when it is compiled, so the engine never has to guess what
//! `{CUBE}`, `{other_cube}` or `{measure}` means.

/// What a `{...}` reference in a SQL template points at, once resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SqlRef {
    /// `{CUBE}`, `{TABLE}` or `{OtherCube}`: the alias of a cube in the query.
    Cube(String),
    /// `{member}`, `{CUBE.member}` or `{OtherCube.member}`: the SQL of a member.
    Member {
        /// Cube that owns the member.
        cube: String,
        /// Member name inside that cube.
        member: String,
    },
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TemplatePart {
    /// Literal SQL text.
    Text(String),
    /// A resolved reference.
    Ref(SqlRef),
    /// A reference as written, before compilation resolves it (`CUBE`, `a.b`).
    Unresolved(String),
}

/// A SQL snippet from the model with its references.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SqlTemplate {
    /// The snippet exactly as written in the model.
    pub raw: String,
    /// Text and references, in order.
    pub parts: Vec<TemplatePart>,
}

impl SqlTemplate {
    /// Splits `raw` into text and unresolved `{...}` references.
    ///
    /// `${...}` (the JavaScript form) is accepted as well as `{...}`. A brace
    /// that does not hold an identifier path (`{"a": 1}` in a JSON literal,
    /// say) is kept as text.
    pub fn parse(raw: &str) -> SqlTemplate {
        let mut parts = Vec::new();
        let bytes = raw.as_bytes();
        // `start` is where the text not yet pushed begins. Only ASCII bytes
        // (`$`, `{`, `}`) split the text, so every slice is on a character
        // boundary.
        let (mut i, mut start) = (0, 0);
        while i < bytes.len() {
            let brace_at = match bytes[i] {
                b'$' if bytes.get(i + 1) == Some(&b'{') => i + 1,
                b'{' => i,
                _ => {
                    i += 1;
                    continue;
                }
            };
            if let Some(end) = raw[brace_at + 1..].find('}') {
                let inner = raw[brace_at + 1..brace_at + 1 + end].trim();
                if is_reference_path(inner) {
                    if start < i {
                        parts.push(TemplatePart::Text(raw[start..i].to_string()));
                    }
                    parts.push(TemplatePart::Unresolved(inner.to_string()));
                    i = brace_at + 1 + end + 1;
                    start = i;
                    continue;
                }
            }
            i += 1;
        }
        let bare = raw.trim();
        if parts.is_empty() && is_identifier(bare) {
            // A template that is a single bare column name refers to a column
            // of its own cube, as in Cube (`sql: status` means `{CUBE}.status`).
            parts = vec![
                TemplatePart::Unresolved("CUBE".to_string()),
                TemplatePart::Text(format!(".{bare}")),
            ];
        } else if start < raw.len() {
            parts.push(TemplatePart::Text(raw[start..].to_string()));
        }
        SqlTemplate {
            raw: raw.to_string(),
            parts,
        }
    }

    /// References of this template, resolved or not.
    pub fn refs(&self) -> impl Iterator<Item = &SqlRef> {
        self.parts.iter().filter_map(|p| match p {
            TemplatePart::Ref(r) => Some(r),
            _ => None,
        })
    }

    /// Members this template refers to, as `(cube, member)`.
    pub fn member_refs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.refs().filter_map(|r| match r {
            SqlRef::Member { cube, member } => Some((cube.as_str(), member.as_str())),
            SqlRef::Cube(_) => None,
        })
    }

    /// Cubes this template refers to, including the owners of referenced members.
    pub fn cube_refs(&self) -> impl Iterator<Item = &str> {
        self.refs().map(|r| match r {
            SqlRef::Cube(c) => c.as_str(),
            SqlRef::Member { cube, .. } => cube.as_str(),
        })
    }
}

/// True for a plain SQL identifier: a letter or `_`, then letters, digits or `_`.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_reference_path(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(is_identifier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references_and_text() {
        let t = SqlTemplate::parse("{CUBE}.customer_id = {Customers}.customer_id");
        assert_eq!(
            t.parts,
            vec![
                TemplatePart::Unresolved("CUBE".into()),
                TemplatePart::Text(".customer_id = ".into()),
                TemplatePart::Unresolved("Customers".into()),
                TemplatePart::Text(".customer_id".into()),
            ]
        );
    }

    #[test]
    fn bare_column_is_prefixed_with_cube() {
        let t = SqlTemplate::parse("sales");
        assert_eq!(
            t.parts,
            vec![
                TemplatePart::Unresolved("CUBE".into()),
                TemplatePart::Text(".sales".into())
            ]
        );
    }

    #[test]
    fn keeps_text_around_references_whole() {
        let t = SqlTemplate::parse("$ {a b} ${x}é$${y.z} {} {");
        assert_eq!(
            t.parts,
            vec![
                TemplatePart::Text("$ {a b} ".into()),
                TemplatePart::Unresolved("x".into()),
                TemplatePart::Text("é$".into()),
                TemplatePart::Unresolved("y.z".into()),
                TemplatePart::Text(" {} {".into()),
            ]
        );
        assert!(SqlTemplate::parse("").parts.is_empty());
        assert_eq!(
            SqlTemplate::parse(" a ").parts,
            vec![
                TemplatePart::Unresolved("CUBE".into()),
                TemplatePart::Text(".a".into())
            ]
        );
    }

    #[test]
    fn keeps_json_braces_and_dollar_form() {
        let t = SqlTemplate::parse("x->>'{\"a\": 1}' || ${CUBE.name} || 'é'");
        assert!(t
            .parts
            .contains(&TemplatePart::Unresolved("CUBE.name".into())));
        assert!(matches!(&t.parts[0], TemplatePart::Text(s) if s.contains("{\"a\": 1}")));
        assert!(matches!(t.parts.last(), Some(TemplatePart::Text(s)) if s.contains('é')));
    }
}
