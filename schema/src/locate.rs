//! Line numbers for model elements.
//!
//! `serde_yaml` keeps no positions for parsed values, so this module scans the
//! file text itself: it finds the `cubes:`/`views:` sections, the list items in
//! them, and `key: value` pairs, which is enough to point at the `name:` line of
//! a cube or member in ordinary block-style YAML. Anything it cannot place
//! (flow style, members pulled in through anchors) reads as unknown.

/// Which top-level list an item is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    /// `cubes:`.
    Cubes,
    /// `views:`.
    Views,
}

/// One `key: value` pair found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry<'t> {
    line: usize,
    col: usize,
    key: &'t str,
    value: &'t str,
}

impl<'t> Entry<'t> {
    /// The pair `key:` at column `col` of line `line`, where `after_colon` is
    /// the rest of the line after the colon (value, anchor and comment
    /// included: the value is cleaned here as the text scan cleans it).
    pub(crate) fn new(line: usize, col: usize, key: &'t str, after_colon: &'t str) -> Entry<'t> {
        Entry {
            line,
            col,
            key,
            value: clean_value(after_colon.trim()),
        }
    }
}

/// A list item of a `cubes:` or `views:` section: one cube or view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Item {
    /// First line (1-based).
    start: usize,
    /// Line after the last one.
    end: usize,
    /// Column of the item's own keys.
    key_col: Option<usize>,
}

/// Line finder over one file's text.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Locator<'t> {
    entries: Vec<Entry<'t>>,
    cubes: Vec<Item>,
    views: Vec<Item>,
}

/// What a line with content is, as far as finding sections goes (empty and
/// comment lines never matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// A list item (`-` or `- …`).
    Dash,
    /// Any other line with content.
    Other,
    /// `---` or `...` at column 0.
    DocMarker,
}

/// One line with content: its 1-based number, indentation and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// 1-based line number.
    pub line: usize,
    /// Leading spaces.
    pub indent: usize,
    /// What the line is.
    pub kind: LineKind,
}

impl<'t> Locator<'t> {
    /// Scans `text`.
    pub(crate) fn new(text: &'t str) -> Locator<'t> {
        let mut entries = Vec::new();
        let mut shapes = Vec::new();
        let mut total = 0;
        for (i, raw) in text.lines().enumerate() {
            total = i + 1;
            let line = raw.trim_end_matches('\r');
            let indent = line.len() - line.trim_start_matches(' ').len();
            let content = &line[indent..];
            let kind = if content.is_empty() || content.starts_with('#') {
                continue;
            } else if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
                LineKind::DocMarker
            } else if content == "-" || content.starts_with("- ") {
                LineKind::Dash
            } else {
                LineKind::Other
            };
            shapes.push(Shape {
                line: i + 1,
                indent,
                kind,
            });
            if kind != LineKind::DocMarker {
                scan_line(i + 1, indent, content, &mut entries);
            }
        }
        Locator::from_parts(entries, shapes.iter().copied(), total)
    }

    /// A locator from what a reader of the text already found: every
    /// `key: value` pair (in line order), the shape of every line with
    /// content (blank and comment lines may be left out), and the number of
    /// lines of the text. Gives the same locator as [`Locator::new`] on that
    /// text when the pairs and shapes are those the scan would find.
    pub(crate) fn from_parts(
        entries: Vec<Entry<'t>>,
        shapes: impl Iterator<Item = Shape> + Clone,
        total_lines: usize,
    ) -> Locator<'t> {
        let mut loc = Locator {
            entries,
            ..Locator::default()
        };
        loc.find_sections(shapes, total_lines);
        loc
    }

    fn find_sections(&mut self, shapes: impl Iterator<Item = Shape> + Clone, total_lines: usize) {
        let headers: Vec<(usize, Section)> = self
            .entries
            .iter()
            .filter(|e| e.col == 0 && e.value.is_empty())
            .filter_map(|e| match e.key {
                "cubes" => Some((e.line, Section::Cubes)),
                "views" => Some((e.line, Section::Views)),
                _ => None,
            })
            .collect();
        for (header, section) in headers {
            // The section runs until the next line at column 0 that is not a list item.
            let mut end = total_lines + 1;
            let mut item_col = None;
            let mut starts = Vec::new();
            for Shape { line, indent, kind } in shapes.clone().skip_while(|s| s.line <= header) {
                let ends = kind == LineKind::DocMarker || (indent == 0 && kind == LineKind::Other);
                if ends {
                    end = line;
                    break;
                }
                if kind == LineKind::Dash {
                    let col = *item_col.get_or_insert(indent);
                    if col == indent {
                        starts.push(line);
                    }
                }
            }
            let items = starts.iter().enumerate().map(|(i, &start)| {
                let stop = starts.get(i + 1).copied().unwrap_or(end);
                let first = self.entries.partition_point(|e| e.line < start);
                let key_col = self
                    .entries
                    .get(first)
                    .filter(|e| e.line < stop)
                    .map(|e| e.col);
                Item {
                    start,
                    end: stop,
                    key_col,
                }
            });
            match section {
                Section::Cubes => self.cubes.extend(items),
                Section::Views => self.views.extend(items),
            }
        }
    }

    /// Entries of the item's lines (entries are in line order).
    fn in_item(&self, item: &Item) -> std::slice::Iter<'_, Entry<'t>> {
        let lo = self.entries.partition_point(|e| e.line < item.start);
        let hi = self.entries.partition_point(|e| e.line < item.end).max(lo);
        self.entries[lo..hi].iter()
    }

    /// Line of a top-level key (`cubes:`), the first if it repeats.
    pub(crate) fn top_key_line(&self, key: &str) -> Option<usize> {
        self.entries
            .iter()
            .find(|e| e.col == 0 && e.key == key)
            .map(|e| e.line)
    }

    fn item_name(&self, item: &Item) -> Option<&str> {
        self.in_item(item)
            .find(|e| Some(e.col) == item.key_col && e.key == "name")
            .map(|e| e.value)
    }

    /// The item of the `index`-th cube (or view) of the file, checked against
    /// its name; falls back to the first item with that name.
    pub(crate) fn item(&self, section: Section, index: usize, name: Option<&str>) -> Option<Item> {
        let items = match section {
            Section::Cubes => &self.cubes,
            Section::Views => &self.views,
        };
        let by_index = items.get(index).copied();
        match name {
            None => by_index,
            Some(n) => by_index
                .filter(|it| self.item_name(it) == Some(n))
                .or_else(|| {
                    items
                        .iter()
                        .find(|it| self.item_name(it) == Some(n))
                        .copied()
                }),
        }
    }

    /// Line of the item's own `name:` key, or of its first line.
    pub(crate) fn item_line(&self, item: Option<Item>) -> Option<usize> {
        let item = item?;
        self.in_item(&item)
            .find(|e| Some(e.col) == item.key_col && e.key == "name")
            .map_or(Some(item.start), |e| Some(e.line))
    }

    /// Line of one of the item's own keys (`extends:`, say).
    pub(crate) fn key_line(&self, item: Option<Item>, keys: &[&str]) -> Option<usize> {
        let item = item?;
        self.in_item(&item)
            .find(|e| Some(e.col) == item.key_col && keys.contains(&e.key))
            .map(|e| e.line)
    }

    /// Line of the `nth` (0-based) `name: <name>` inside one of the item's
    /// lists (`dimensions:` …), else of the first anywhere deeper in the item.
    #[cfg(test)]
    pub(crate) fn member_line(
        &self,
        item: Option<Item>,
        lists: &[&str],
        name: &str,
        nth: usize,
    ) -> Option<usize> {
        let names = self.list_names(item, lists);
        self.member_line_in(item, &names, name, nth)
    }

    /// Every `name: …` (value and line) inside the item's `lists`, in line
    /// order: found once per list, then looked up per member with
    /// [`Locator::member_line_in`].
    pub(crate) fn list_names(&self, item: Option<Item>, lists: &[&str]) -> Vec<(&'t str, usize)> {
        let mut out = Vec::new();
        let Some((item, key_col)) = item.and_then(|i| Some((i, i.key_col?))) else {
            return out;
        };
        let entries = self.in_item(&item).as_slice();
        for (i, list) in entries.iter().enumerate() {
            if list.col != key_col || !lists.contains(&list.key) {
                continue;
            }
            let after = entries[i + 1..].iter().filter(|e| e.line > list.line);
            for e in after.take_while(|e| e.col > key_col) {
                if e.key == "name" {
                    out.push((e.value, e.line));
                }
            }
        }
        out
    }

    /// Line of the `nth` `name: <name>` among `names` (from
    /// [`Locator::list_names`]), else of the first anywhere deeper in the item.
    pub(crate) fn member_line_in(
        &self,
        item: Option<Item>,
        names: &[(&str, usize)],
        name: &str,
        nth: usize,
    ) -> Option<usize> {
        let item = item?;
        let key_col = item.key_col?;
        let mut found = names.iter().filter(|(n, _)| *n == name).map(|(_, l)| *l);
        let first = found.next();
        if let Some(line) = if nth == 0 {
            first
        } else {
            found.nth(nth - 1).or(first)
        } {
            return Some(line);
        }
        self.in_item(&item)
            .find(|e| e.col > key_col && e.key == "name" && e.value == name)
            .map(|e| e.line)
    }

    /// Line of `<key>: <value>` anywhere in the item (`join_path: A.B`).
    pub(crate) fn value_line(
        &self,
        item: Option<Item>,
        keys: &[&str],
        value: &str,
    ) -> Option<usize> {
        let item = item?;
        self.in_item(&item)
            .find(|e| keys.contains(&e.key) && e.value == value)
            .map(|e| e.line)
    }
}

/// Records the `key: value` pairs of one line (block style, or a flat flow
/// mapping such as `- {name: a, sql: b}`).
fn scan_line<'t>(line: usize, indent: usize, content: &'t str, out: &mut Vec<Entry<'t>>) {
    let mut col = indent;
    let mut rest = content;
    while let Some(after) = rest.strip_prefix('-') {
        if !(after.is_empty() || after.starts_with(' ')) {
            break;
        }
        let trimmed = after.trim_start_matches(' ');
        col += rest.len() - trimmed.len();
        rest = trimmed;
    }
    if let Some(inner) = rest.strip_prefix('{') {
        let inner = inner.trim_end();
        let inner = inner.strip_suffix('}').unwrap_or(inner);
        let mut offset = col + 1;
        for part in split_outside_quotes(inner, ',') {
            let lead = part.len() - part.trim_start().len();
            if let Some((k, v)) = key_value(part.trim_start()) {
                out.push(Entry {
                    line,
                    col: offset + lead,
                    key: k,
                    value: v,
                });
            }
            offset += part.len() + 1;
        }
    } else if let Some((key, value)) = key_value(rest) {
        out.push(Entry {
            line,
            col,
            key,
            value,
        });
    }
}

/// Splits `s` at `sep` outside quotes, brackets and braces.
fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut quote, mut depth, mut start) = (None, 0i32, 0);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, c) if c == sep && depth == 0 => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// `key: value` → (key, value without quotes, anchor or comment).
fn key_value(s: &str) -> Option<(&str, &str)> {
    let (key, rest) = if let Some(q @ ('"' | '\'')) = s.chars().next() {
        let close = s[1..].find(q)? + 1;
        (&s[1..close], &s[close + 1..])
    } else {
        let pos = s
            .char_indices()
            .find(|&(i, c)| c == ':' && s[i + 1..].chars().next().is_none_or(|n| n == ' '))?
            .0;
        let key = s[..pos].trim_end();
        if key.is_empty() || key.contains(" #") || key.starts_with(['&', '*', '!', '[', '#']) {
            return None;
        }
        (key, &s[pos..])
    };
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, clean_value(rest.trim())))
}

fn clean_value(v: &str) -> &str {
    let mut v = v;
    // An anchor before the value: `name: &n Orders`.
    if v.starts_with('&') {
        v = v.split_once(' ').map_or("", |(_, r)| r.trim_start());
    }
    if let Some(q @ ('"' | '\'')) = v.chars().next() {
        if let Some(close) = v[1..].find(q) {
            return &v[1..close + 1];
        }
    }
    // A comment: ` #` (a plain scan, as values are short).
    let end = v
        .as_bytes()
        .windows(2)
        .position(|w| w == b" #")
        .unwrap_or(v.len());
    v[..end].trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# comment
cubes:
  - name: Orders        # the orders
    sql_table: orders
    extends: Base
    dimensions:
      - name: id
        sql: id
      - sql: status
        name: \"status\"
    measures:
      - {name: count, type: count}
  - sql: select 1
    name: 'Base'
    measures:
      - name: id
views:
- name: V
  cubes:
  - join_path: Orders
";

    #[test]
    fn finds_items_and_members() {
        let loc = Locator::new(TEXT);
        let orders = loc.item(Section::Cubes, 0, Some("Orders"));
        assert_eq!(loc.item_line(orders), Some(3));
        assert_eq!(loc.key_line(orders, &["extends"]), Some(5));
        assert_eq!(loc.member_line(orders, &["dimensions"], "id", 0), Some(7));
        assert_eq!(
            loc.member_line(orders, &["dimensions"], "status", 0),
            Some(10)
        );
        assert_eq!(loc.member_line(orders, &["measures"], "count", 0), Some(12));
        assert_eq!(loc.member_line(orders, &["measures"], "nope", 0), None);
        let base = loc.item(Section::Cubes, 5, Some("Base"));
        assert_eq!(loc.item_line(base), Some(14));
        assert_eq!(loc.member_line(base, &["measures"], "id", 3), Some(16));
        let v = loc.item(Section::Views, 0, Some("V"));
        assert_eq!(loc.item_line(v), Some(18));
        assert_eq!(loc.value_line(v, &["join_path"], "Orders"), Some(20));
    }

    #[test]
    fn handles_crlf_and_unindented_lists() {
        let text =
            "cubes:\r\n- name: A\r\n  dimensions:\r\n  - name: d\r\n---\r\ncubes:\r\n- name: B\r\n";
        let loc = Locator::new(text);
        let a = loc.item(Section::Cubes, 0, Some("A"));
        assert_eq!(loc.item_line(a), Some(2));
        assert_eq!(loc.member_line(a, &["dimensions"], "d", 0), Some(4));
        assert_eq!(
            loc.item_line(loc.item(Section::Cubes, 1, Some("B"))),
            Some(7)
        );
        assert_eq!(loc.top_key_line("cubes"), Some(1));
    }

    #[test]
    fn survives_odd_text() {
        for t in [
            "",
            "-",
            "- - -",
            ":",
            "cubes:\n-",
            "cubes:\n\t- name: x",
            "a: 'unterminated",
            "{",
            "é: ü",
        ] {
            let loc = Locator::new(t);
            let item = loc.item(Section::Cubes, 0, Some("x"));
            let _ = loc.member_line(item, &["dimensions"], "x", 1);
            let _ = loc.item_line(item);
        }
    }
}
