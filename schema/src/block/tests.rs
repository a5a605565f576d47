//! Tests of the fast block-style reader against `serde_yaml` and the text
//! scan of the locator.

use super::*;
use crate::locate::Section;

/// The fast reader, checked against `serde_yaml` whenever it answers,
/// and its locator against the one that scans the text.
pub(crate) fn same(text: &str) -> bool {
    let fast = parse(text);
    if let Some((v, loc)) = &fast {
        let slow: Value = serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(v, &slow, "{text}");
        assert_eq!(loc, &Locator::new(text), "{text}");
    }
    fast.is_some()
}

#[test]
fn reads_block_yaml_like_serde_yaml() {
    for text in [
        "cubes:\n  - name: A\n    sql_table: t\n    dimensions:\n      - name: id\n        type: number\n        sql: id\n        primary_key: true\n",
        "---\ncubes:\n- name: A # comment\n  sql: \"{CUBE}.a = {B}.b\"\n  title: 'it''s'\n  meta:\n    k: [a, 'b c', \"d\", 1, -2, 0x1F, 1.5e3, 012, .inf, ~, true]\n\n# trailing\n",
        "a: 1\nb: -1\nc: +1\nd: 1 hour\ne: -x\nf: null\ng:\nh: []\ni: 18446744073709551615\nj: 1.0\nk: .NaN\nl: infinity\nm: 0o17\nn: a#b\no: x [y] {z}\n",
        "1: a\ntrue: b\nnull: c\n<<: d\nk:\n  -\n  - x\n  -\n    y: 1\n",
        "a:\n  b:\n    c: d\n  e: f\ng: h\r\n",
    ] {
        assert!(same(text), "not read: {text}");
    }
}

#[test]
fn leaves_the_rest_to_serde_yaml() {
    for text in [
        "",
        "# only a comment\n",
        "a: &x 1\nb: *x\n",
        "a: !tag 1\n",
        "a: |\n  text\n",
        "a: >-\n  text\n",
        "a: {b: 1}\n",
        "a: \"esc\\n\"\n",
        "a: \"multi\n  line\"\n",
        "a: plain\n  continued\n",
        "a: 1\na: 2\n",
        "a:\tb\n",
        "a: 1\n---\nb: 2\n",
        "- a\n- b\n",
        "  a: 1\n",
        "a: b: c\n",
        "a:\n    b: 1\n  c: 2\n",
        "\"a\": 1\n",
        "a: - b\n",
        "a:\n  - - b\n",
        "a: [b, [c]]\n",
        "a: [b, \"c, d\"]\n",
        "a: 99999999999999999999999\n",
        "a: 'unterminated\n",
        "a: \"x\" y\n",
        "a:\n- b\n  c: 1\n",
    ] {
        assert!(!same(text), "read: {text}");
    }
}

/// Every model file of the repository (the demo model) and the texts of
/// the schema tests read the same, or are left to `serde_yaml`.
#[test]
fn agrees_on_the_demo_model() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo/src/model");
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        // The demo files use `>-` descriptions, so they are left to serde_yaml.
        same(&text);
        let plain: String = text
            .lines()
            .filter(|l| !l.contains(">-"))
            .collect::<Vec<_>>()
            .join("\n");
        same(&plain);
    }
}

#[test]
fn splits_lines_as_str_split_does() {
    for text in ["", "\n", "a", "a\n", "a\r\nb\n\nc", "é\n\tx\n\u{7f}\ny ~"] {
        let ours: Vec<&str> = split_lines(text).map(|(l, _)| l).collect();
        assert_eq!(ours, text.split('\n').collect::<Vec<_>>(), "{text:?}");
    }
    let unusual: Vec<bool> = split_lines("a b\né\n\tx\nx\r\n\u{7f}")
        .map(|(_, u)| u)
        .collect();
    assert_eq!(unusual, [false, true, true, true, true]);
}

#[test]
fn borrows_scalars_from_the_text() {
    let borrowed = |v: Option<Value>| matches!(v, Some(Value::String(Cow::Borrowed(_))));
    assert!(borrowed(scalar("plain text # comment")));
    assert!(borrowed(scalar("\"double\"")));
    assert!(borrowed(scalar("'single'")));
    assert!(borrowed(scalar("007")));
    assert!(matches!(
        scalar("'it''s'"),
        Some(Value::String(Cow::Owned(s))) if s == "it's"
    ));
    assert_eq!(find_pair("a #b", *b" #"), Some(1));
    assert_eq!(find_pair("a#b", *b" #"), None);
    assert_eq!(find_pair("", *b": "), None);
}

#[test]
fn locates_lines_as_the_text_scan_does() {
    let text = "---\n# models\ncubes:\n- name: A # first\n\n  extends: B\n  dimensions:\n    -   name: d\n        sql: \"x\"\n    - name: e\r\n      meta:\n        name: inner\nviews:\n  - name: V\n    cubes:\n      - join_path: A\n";
    let (_, loc) = parse(text).expect("read");
    assert_eq!(loc, Locator::new(text));
    let a = loc.item(Section::Cubes, 0, Some("A"));
    assert_eq!(loc.item_line(a), Some(4));
    assert_eq!(loc.key_line(a, &["extends"]), Some(6));
    assert_eq!(loc.member_line(a, &["dimensions"], "e", 0), Some(10));
    let v = loc.item(Section::Views, 0, Some("V"));
    assert_eq!(loc.value_line(v, &["join_path"], "A"), Some(16));
    for text in ["a: 1", "a: 1\n", "a:\n  - b: 1\n    c: [x]\n\n\n"] {
        assert_eq!(parse(text).expect("read").1, Locator::new(text), "{text}");
    }
}

#[test]
fn reads_the_bundled_style_of_model_files() {
    let text = "cubes:\n  - name: Orders\n    sql_table: public.orders\n    joins:\n      - name: Users\n        relationship: many_to_one\n        sql: \"{CUBE}.user_id = {Users.id}\"\n    measures:\n      - name: count\n        type: count\n        drill_members: [id, status]\n    pre_aggregations:\n      - name: daily\n        measures: [count]\n        time_dimension: created_at\n        granularity: day\nviews:\n  - name: V\n    cubes:\n      - join_path: Orders\n        includes: \"*\"\n        prefix: true\n";
    assert!(same(text));
}
