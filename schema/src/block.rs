//! A fast reader for the plain block-style YAML that model files are written
//! in.
//!
//! Parsing through `serde_yaml` (libyaml's events, then a value built from
//! them) was most of the cost of loading a large model. Model files nearly
//! always use a small part of YAML: one document of nested block mappings and
//! lists, keys that are plain words, and one-line scalars (plain, or quoted
//! without escapes) or one-line lists of such scalars (`[a, b]`). This module
//! reads exactly that part, with `serde_yaml`'s rules for what a plain scalar
//! means (null, booleans, integers, floats, strings), and gives up — returns
//! `None` — on anything else: anchors, aliases, tags, block scalars (`|`,
//! `>`), flow mappings, multi-line scalars, escapes, tabs, several documents,
//! repeated keys, unusual indentation. The caller then parses the file with
//! `serde_yaml`, so such files read the same as before, including their error
//! messages.

use std::borrow::Cow;

use crate::locate::{Entry, LineKind, Locator, Shape};
use crate::value::{Mapping, Value};

/// One line with content: its 1-based number, indentation and the text
/// after it.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: usize,
    indent: usize,
    text: &'a str,
}

/// Parses `text` as a single block-style document whose top level is a
/// mapping; `None` when the text is outside the subset this reader handles.
///
/// The [`Locator`] comes with it, built from the lines and keys read here
/// rather than by scanning the text again.
pub(crate) fn parse(text: &str) -> Option<(Value<'_>, Locator<'_>)> {
    // Model lines are rarely shorter than this; a key a line at most.
    let capacity = text.len() / LINE_BYTES + 1;
    let mut lines = Vec::with_capacity(capacity);
    let mut first = true;
    let mut pieces = 0;
    for (raw, unusual) in split_lines(text) {
        pieces += 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if unusual && !plain_text(raw) {
            return None;
        }
        let content = raw.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = raw.len() - content.len();
        if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
            // A lone `---` opening the (only) document is fine.
            if first && content.trim_end() == "---" {
                first = false;
                continue;
            }
            return None;
        }
        first = false;
        lines.push(Line {
            number: pieces,
            indent,
            text: content.trim_end_matches(' '),
        });
    }
    if lines.first()?.indent != 0 {
        return None;
    }
    let mut p = Parser {
        lines,
        pos: 0,
        depth: 0,
        entries: Vec::with_capacity(capacity),
    };
    let value = p.mapping(0, None)?;
    if p.pos != p.lines.len() {
        return None;
    }
    // `str::lines` does not count the empty piece after a final newline.
    let total = pieces - usize::from(text.is_empty() || text.ends_with('\n'));
    let shapes = p.lines.iter().map(|l| Shape {
        line: l.number,
        indent: l.indent,
        kind: if is_dash(l.text) {
            LineKind::Dash
        } else {
            LineKind::Other
        },
    });
    Some((value, Locator::from_parts(p.entries, shapes, total)))
}

/// How deeply collections may nest here; deeper ones are left to
/// `serde_yaml` and its own limit.
const MAX_DEPTH: usize = 100;

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    depth: usize,
    /// Every `key:` read, in line order, for the [`Locator`].
    entries: Vec<Entry<'a>>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    /// Whether the next line is more indented than `indent`.
    fn deeper(&self, indent: usize) -> bool {
        self.peek().is_some_and(|l| l.indent > indent)
    }

    /// A block node starting at the current line, indented by `indent`.
    fn node(&mut self, indent: usize) -> Option<Value<'a>> {
        if is_dash(self.peek()?.text) {
            self.sequence(indent)
        } else {
            self.mapping(indent, None)
        }
    }

    /// The value after `key:` with nothing else on the line.
    fn nested(&mut self, indent: usize) -> Option<Value<'a>> {
        match self.peek() {
            Some(l) if l.indent > indent => self.node(l.indent),
            // A list may sit at the key's own indentation.
            Some(l) if l.indent == indent && is_dash(l.text) => self.sequence(indent),
            _ => Some(Value::Null),
        }
    }

    /// A block mapping whose keys sit at column `indent`; `first` is the
    /// text of its first `key:` when that shares the current line with a
    /// list item's `-`.
    fn mapping(&mut self, indent: usize, mut first: Option<&'a str>) -> Option<Value<'a>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut map = Mapping::default();
        while let Some(line) = self.peek() {
            let text = match first.take() {
                Some(text) => text,
                None if line.indent == indent => line.text,
                None => break,
            };
            let (key, rest) = split_key(text)?;
            self.entries
                .push(Entry::new(line.number, indent, key, &text[key.len() + 1..]));
            let key = plain(key)?;
            if map.contains_key(&key) {
                return None;
            }
            self.pos += 1;
            let value = if rest.is_empty() {
                self.nested(indent)?
            } else {
                let v = scalar(rest)?;
                if self.deeper(indent) {
                    return None;
                }
                v
            };
            map.insert(key, value);
        }
        if self.deeper(indent) {
            return None;
        }
        self.depth -= 1;
        Some(Value::Mapping(map))
    }

    fn sequence(&mut self, indent: usize) -> Option<Value<'a>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut items = Vec::new();
        while let Some(line) = self
            .peek()
            .filter(|l| l.indent == indent && is_dash(l.text))
        {
            let rest = line.text[1..].trim_start_matches(' ');
            if rest.is_empty() || rest.starts_with('#') {
                self.pos += 1;
                items.push(self.nested_item(indent)?);
            } else if is_dash(rest) {
                return None;
            } else if split_key(rest).is_some() {
                // `- key: value` opens a mapping at the column of `key`.
                let col = indent + (line.text.len() - rest.len());
                items.push(self.mapping(col, Some(rest))?);
            } else {
                self.pos += 1;
                items.push(scalar(rest)?);
                if self.deeper(indent) {
                    return None;
                }
            }
        }
        if self.deeper(indent) {
            return None;
        }
        self.depth -= 1;
        Some(Value::Sequence(items))
    }

    /// The value of a `-` with nothing after it.
    fn nested_item(&mut self, indent: usize) -> Option<Value<'a>> {
        match self.peek() {
            Some(l) if l.indent > indent => self.node(l.indent),
            _ => Some(Value::Null),
        }
    }
}

/// A typical length of a line of a model file, to size vectors up front.
const LINE_BYTES: usize = 16;

/// The pieces of `text` between newlines, as `text.split('\n')` gives them,
/// each with whether it holds a byte other than printable ASCII (then
/// [`plain_text`] decides whether this reader takes it). One pass over the
/// bytes does both.
fn split_lines(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let bytes = text.as_bytes();
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        let mut end = from;
        let mut unusual = false;
        while let Some(&b) = bytes.get(end) {
            if b == b'\n' {
                break;
            }
            unusual |= !(0x20..0x7f).contains(&b);
            end += 1;
        }
        start = (end < bytes.len()).then_some(end + 1);
        Some((&text[from..end], unusual))
    })
}

/// Whether a line has only characters this reader takes: no tabs or control
/// characters (libyaml rejects some, and some it reads as line breaks).
fn plain_text(line: &str) -> bool {
    if line.is_ascii() {
        return !line.bytes().any(|b| b < 0x20 || b == 0x7f);
    }
    line.chars().all(|c| {
        !(c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'))
    })
}

/// `-` or `- …`: a list item.
fn is_dash(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Splits `key: rest` (rest without a trailing comment); `None` when the text
/// is not a plain `key:` line.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let first = text.bytes().next()?;
    if matches!(
        first,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    ) {
        return None;
    }
    let bytes = text.as_bytes();
    let colon = (0..bytes.len())
        .find(|&i| bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' '))?;
    let key = &text[..colon];
    if key.ends_with(' ') || find_pair(key, *b" #").is_some() {
        return None;
    }
    let rest = text[colon + 1..].trim_start_matches(' ');
    let rest = if rest.starts_with('#') { "" } else { rest };
    Some((key, rest))
}

/// Where the two bytes `pair` first occur in `text` (for short texts, a
/// plain scan beats setting up a substring search).
fn find_pair(text: &str, pair: [u8; 2]) -> Option<usize> {
    text.as_bytes().windows(2).position(|w| w == pair)
}

/// A one-line scalar or flow list, with an optional trailing comment.
fn scalar(text: &str) -> Option<Value<'_>> {
    match text.as_bytes().first()? {
        b'"' | b'\'' => {
            let (s, tail) = quoted(text)?;
            end_of_value(tail).then_some(Value::String(s))
        }
        b'[' => flow_list(text),
        _ => {
            let end = find_pair(text, *b" #").unwrap_or(text.len());
            let v = text[..end].trim_end_matches(' ');
            if find_pair(v, *b": ").is_some() || v.ends_with(':') {
                return None;
            }
            plain(v)
        }
    }
}

/// Only spaces and a comment may follow a value.
fn end_of_value(tail: &str) -> bool {
    let rest = tail.trim_start_matches(' ');
    rest.is_empty() || (rest.len() < tail.len() && rest.starts_with('#'))
}

/// A quoted scalar without escapes → (text, what follows the closing quote).
fn quoted(text: &str) -> Option<(Cow<'_, str>, &str)> {
    let q = *text.as_bytes().first()?;
    let body = &text[1..];
    if q == b'"' {
        let close = body.find(['"', '\\'])?;
        if body.as_bytes()[close] == b'\\' {
            return None;
        }
        return Some((Cow::Borrowed(&body[..close]), &body[close + 1..]));
    }
    // Single quotes: `''` stands for one quote.
    let close = body.find('\'')?;
    if !body[close + 1..].starts_with('\'') {
        return Some((Cow::Borrowed(&body[..close]), &body[close + 1..]));
    }
    let mut out = String::new();
    let mut rest = body;
    loop {
        let close = rest.find('\'')?;
        out.push_str(&rest[..close]);
        rest = &rest[close + 1..];
        if let Some(after) = rest.strip_prefix('\'') {
            out.push('\'');
            rest = after;
        } else {
            return Some((Cow::Owned(out), rest));
        }
    }
}

/// `[a, b, "c"]` on one line, of scalars only.
fn flow_list(text: &str) -> Option<Value<'_>> {
    let close = text.find(']')?;
    if !end_of_value(&text[close + 1..]) {
        return None;
    }
    let inner = text[1..close].trim_matches(' ');
    if inner.is_empty() {
        return Some(Value::Sequence(Vec::new()));
    }
    let mut items = Vec::new();
    for part in inner.split(',') {
        let part = part.trim_matches(' ');
        let item = match part.as_bytes().first()? {
            b'"' | b'\'' => {
                let (s, tail) = quoted(part)?;
                if !tail.is_empty() {
                    return None;
                }
                Value::String(s)
            }
            _ => {
                if part.contains(['[', '{', '}', '"', '\'', '#', ':']) {
                    return None;
                }
                plain(part)?
            }
        };
        items.push(item);
    }
    Some(Value::Sequence(items))
}

/// A plain scalar read as `serde_yaml` reads it; `None` for texts that cannot
/// start a plain scalar or that it reads in ways not handled here.
fn plain(v: &str) -> Option<Value<'_>> {
    let first = *v.as_bytes().first()?;
    if matches!(
        first,
        b'[' | b']'
            | b'{'
            | b'}'
            | b','
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    ) {
        return None;
    }
    if matches!(first, b'-' | b'?' | b':') && (v.len() == 1 || v.as_bytes()[1] == b' ') {
        return None;
    }
    match v {
        "null" | "Null" | "NULL" | "~" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    // Only texts starting like a number can be one (`inf` and `nan` words
    // parse as floats in Rust but are strings in YAML).
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return Some(Value::String(Cow::Borrowed(v)));
    }
    number(v).map(|n| n.map_or_else(|| Value::String(Cow::Borrowed(v)), Value::Number))
}

/// `serde_yaml`'s integer and float rules: `Some(Some(n))` a number,
/// `Some(None)` a string, `None` an integer too large for 64 bits (left to
/// `serde_yaml`).
fn number(v: &str) -> Option<Option<serde_yaml::Number>> {
    if let Some(u) = unsigned(v, u64::from_str_radix) {
        return Some(Some(u.into()));
    }
    if let Some(i) = negative(v, i64::from_str_radix) {
        return Some(Some(i.into()));
    }
    if unsigned(v, u128::from_str_radix).is_some() || negative(v, i128::from_str_radix).is_some() {
        return None;
    }
    if !digits_but_not_number(v) {
        if let Some(f) = float(v) {
            return Some(Some(f.into()));
        }
    }
    Some(None)
}

type Radix<T> = fn(&str, u32) -> Result<T, std::num::ParseIntError>;

fn unsigned<T>(scalar: &str, from_str_radix: Radix<T>) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn negative<T>(scalar: &str, from_str_radix: Radix<T>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix) {
            if let Ok(int) = from_str_radix(&format!("-{rest}"), radix) {
                return Some(int);
            }
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

fn float(scalar: &str) -> Option<f64> {
    let unpositive = match scalar.strip_prefix('+') {
        Some(u) if u.starts_with(['+', '-']) => return None,
        Some(u) => u,
        None => scalar,
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN.copysign(1.0));
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Leading zeros followed by digits is a string in YAML 1.2.
fn digits_but_not_number(scalar: &str) -> bool {
    let s = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
pub(crate) mod tests;
