//! Every kind of error, located by file, line, cube and member; all reported
//! at once.

use std::path::PathBuf;

use super::{errors, line_of};
use crate::*;

/// The error whose message contains `needle`; fails listing all otherwise.
fn find<'a>(errs: &'a [SchemaError], needle: &str) -> &'a SchemaError {
    errs.iter()
        .find(|e| e.message.contains(needle))
        .unwrap_or_else(|| {
            panic!(
                "no error containing `{needle}` in:\n{}",
                ModelErrors(errs.to_vec())
            )
        })
}

/// 1-based line of the `nth` (0-based) line of `text` equal to `line`.
fn nth_line(text: &str, line: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| *l == line)
        .nth(nth)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("`{line}` not in the text"))
}

/// Checks where an error is.
fn at(e: &SchemaError, line: usize, cube: &str, member: Option<&str>) {
    assert_eq!(e.file, PathBuf::from("m.yml"), "{e}");
    assert_eq!(e.line, Some(line), "{e}");
    assert_eq!(e.cube.as_deref(), Some(cube), "{e}");
    assert_eq!(e.member.as_deref(), member, "{e}");
}

const MANY: &str = r#"
cubes:
  - name: Orders
    sql_table: orders
    joins:
      - name: Nowhere
        relationship: many_to_one
        sql: "{CUBE}.x = {Nowhere}.x"
      - name: Users
        relationship: sideways
        sql: "{CUBE}.user_id = {Userz}.id"
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: badType
        sql: x
        type: text
      - name: id
        sql: id2
        type: number
      - name: selfRef
        sql: "{CUBE.selfRef} + 1"
        type: number
      - name: unknownRef
        sql: "{nope} + {Users.nope} + {Ghost.x}"
        type: number
      - sql: nameless
        type: number
      - name: noSql
        type: string
    measures:
      - name: a
        type: number
        sql: "{b}"
      - name: b
        type: number
        sql: "{a} + 1"
      - name: total
        type: sum
      - name: weird
        type: median
        sql: x
      - name: shifted
        type: number
        sql: "{total}"
        multi_stage: true
        time_shift:
          - time_dimension: createdAt
            interval: 1 fortnight
        reduce_by: [ghost]
        drill_members: [Users.ghost]
      - name: rolling
        type: string
        sql: x
        rolling_window:
          trailing: two days
      - name: id
        type: count
    pre_aggregations:
      - name: main
        measures: [CUBE.ghost, id]
        dimensions: [Users.name]
        time_dimension: CUBE.id
        granularity: month
  - name: Users
    sql_table: users
    dimensions:
      - name: name
        sql: name
        type: string
  - name: NoSource
    dimensions:
      - name: x
        sql: x
        type: string
  - name: Users
    sql_table: users2
views:
  - name: V
    cubes:
      - join_path: Orders.Users
        includes: [name]
      - join_path: Users
        includes: [name, missing]
      - join_path: Phantom
        includes: "*"
      - join_path: Users.NoSource
        includes: [x]
"#;

#[test]
fn reports_every_error_at_once_with_locations() {
    let errs = errors(MANY);
    let l = |needle: &str| line_of(MANY, needle);
    let o = "Orders";

    // Joins.
    let nowhere = l("name: Nowhere");
    at(
        find(&errs, "join to unknown cube `Nowhere`"),
        nowhere,
        o,
        Some("Nowhere"),
    );
    at(
        find(&errs, "unknown reference `{Nowhere}`"),
        nowhere,
        o,
        Some("Nowhere"),
    );
    let users_join = nth_line(MANY, "      - name: Users", 0);
    at(
        find(&errs, "unknown relationship `sideways`"),
        users_join,
        o,
        Some("Users"),
    );
    let e = find(&errs, "unknown reference `{Userz}`");
    at(e, users_join, o, Some("Users"));
    assert!(e.message.contains("did you mean `Users`?"), "{e}");

    // Dimensions.
    at(
        find(&errs, "unknown dimension type `text`"),
        l("name: badType"),
        o,
        Some("badType"),
    );
    let dups: Vec<&SchemaError> = errs
        .iter()
        .filter(|e| e.message.contains("`id` is defined more than once"))
        .collect();
    assert_eq!(dups.len(), 2, "the second dimension and the measure");
    at(
        dups[0],
        nth_line(MANY, "      - name: id", 1),
        o,
        Some("id"),
    );
    at(
        dups[1],
        nth_line(MANY, "      - name: id", 2),
        o,
        Some("id"),
    );
    assert!(dups[0]
        .message
        .contains(&format!("first at line {}", l("- name: id"))));
    let e = find(
        &errs,
        "circular reference: Orders.selfRef -> Orders.selfRef",
    );
    at(e, l("name: selfRef"), o, Some("selfRef"));
    let unknown = l("name: unknownRef");
    at(
        find(&errs, "unknown reference `{nope}`"),
        unknown,
        o,
        Some("unknownRef"),
    );
    let e = find(&errs, "cube `Users` has no member `nope`");
    at(e, unknown, o, Some("unknownRef"));
    assert!(e.message.contains("did you mean `name`?"), "{e}");
    at(
        find(&errs, "no cube `Ghost`"),
        unknown,
        o,
        Some("unknownRef"),
    );
    at(
        find(&errs, "a dimension has no `name`"),
        l("name: Orders"),
        o,
        None,
    );
    at(
        find(&errs, "a dimension needs `sql`"),
        l("name: noSql"),
        o,
        Some("noSql"),
    );

    // Measures.
    let e = find(
        &errs,
        "circular reference: Orders.a -> Orders.b -> Orders.a",
    );
    at(e, l("name: a"), o, Some("a"));
    at(
        find(&errs, "a `sum` measure needs `sql`"),
        l("name: total"),
        o,
        Some("total"),
    );
    at(
        find(&errs, "unknown measure type `median`"),
        l("name: weird"),
        o,
        Some("weird"),
    );
    let shifted = l("name: shifted");
    at(
        find(&errs, "unknown time unit `fortnight`"),
        shifted,
        o,
        Some("shifted"),
    );
    let e = find(&errs, "`reduce_by` names unknown member `Orders.ghost`");
    at(e, shifted, o, Some("shifted"));
    let e = find(&errs, "`drill_members` names unknown member `Users.ghost`");
    at(e, shifted, o, Some("shifted"));
    let rolling = l("name: rolling");
    at(
        find(&errs, "cannot have a `rolling_window`"),
        rolling,
        o,
        Some("rolling"),
    );
    let e = find(
        &errs,
        "`rolling_window.trailing`: invalid interval `two days`",
    );
    at(e, rolling, o, Some("rolling"));

    // Pre-aggregations.
    let main = l("name: main");
    let e = find(&errs, "`measures` names unknown member `Orders.ghost`");
    at(e, main, o, Some("main"));
    let e = find(
        &errs,
        "`measures` names `Orders.id`, which is not a measure",
    );
    at(e, main, o, Some("main"));
    let e = find(
        &errs,
        "`time_dimension` names `Orders.id`, which is not a time dimension",
    );
    at(e, main, o, Some("main"));
    assert!(
        !errs
            .iter()
            .any(|e| e.message.contains("names `Users.name`")),
        "{errs:#?}"
    );

    // Cubes.
    let e = find(&errs, "a cube needs `sql_table` or `sql`");
    at(e, l("name: NoSource"), "NoSource", None);
    let e = find(&errs, "cube name `Users` is already used");
    at(e, nth_line(MANY, "  - name: Users", 1), "Users", None);
    assert!(e
        .message
        .contains(&format!("m.yml:{}", nth_line(MANY, "  - name: Users", 0))));

    // Views.
    let v = "V";
    let users = l("join_path: Users");
    at(
        find(&errs, "`name` is exposed twice"),
        users,
        v,
        Some("name"),
    );
    let e = find(
        &errs,
        "`missing` is included but cube `Users` has no such member",
    );
    at(e, users, v, Some("missing"));
    let e = find(&errs, "`join_path` `Phantom` names unknown cube `Phantom`");
    at(e, l("join_path: Phantom"), v, None);
    let e = find(&errs, "`Users` and `NoSource` are not joined");
    at(e, l("join_path: Users.NoSource"), v, None);

    assert_eq!(errs.len(), 30, "{}", ModelErrors(errs.clone()));
}

#[test]
fn yaml_syntax_errors_have_lines() {
    let text = "cubes:\n  - name: A\n    sql_table: a\n  - name: B\n    sql: [unclosed\n";
    let errs = errors(text);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].message.starts_with("invalid YAML"), "{}", errs[0]);
    assert!(errs[0].line.is_some_and(|l| l >= 5), "{}", errs[0]);
    let errs = errors("cubes:\n  - name: A\n\tsql_table: a\n");
    assert_eq!(errs[0].line, Some(3), "{}", errs[0]);
    let errs = errors("a: &x 1\nb: *y\n");
    assert!(errs[0].message.contains("invalid YAML"));
    let errs = errors("cubes:\n  - <<: 5\n    name: A\n");
    assert!(errs[0].message.contains("merge key"), "{}", errs[0]);
}

#[test]
fn wrong_value_types_are_errors() {
    let text = r#"
cubes:
  - name: A
    sql_table: a
    public: maybe
    dimensions: 5
    measures:
      - name: m
        type: 7
      - name: [x]
        type: count
      - name: n
        type: count
        filters: {sql: x}
        rolling_window: 2 day
        drill_members: [[a]]
  - name: B
    sql_table: {x: 1}
    segments: [just a string]
    joins: [1]
  - 42
"#;
    let errs = errors(text);
    let l = |needle: &str| line_of(text, needle);
    at(
        find(&errs, "`public` must be true or false"),
        l("name: A"),
        "A",
        None,
    );
    at(
        find(&errs, "`dimensions` must be a list, found a number"),
        l("name: A"),
        "A",
        None,
    );
    at(
        find(&errs, "`type` must be a string, found a number"),
        l("name: m"),
        "A",
        Some("m"),
    );
    find(&errs, "`name` must be a string, found a list");
    let n = l("name: n");
    at(find(&errs, "`filters` must be a list"), n, "A", Some("n"));
    at(
        find(&errs, "`rolling_window` must be a mapping"),
        n,
        "A",
        Some("n"),
    );
    at(
        find(&errs, "`drill_members` must be a list of names"),
        n,
        "A",
        Some("n"),
    );
    at(
        find(&errs, "`sql_table` must be a string, found a mapping"),
        l("name: B"),
        "B",
        None,
    );
    at(
        find(&errs, "a segment must be a mapping, found a string"),
        l("name: B"),
        "B",
        None,
    );
    at(
        find(&errs, "a join must be a mapping, found a number"),
        l("name: B"),
        "B",
        None,
    );
    find(&errs, "a cube must be a mapping, found a number");
}

#[test]
fn top_level_shape_errors() {
    for (text, needle) in [
        ("- a\n- b\n", "must be a mapping with `cubes`"),
        ("42", "must be a mapping with `cubes`"),
        ("cube:\n  - name: A\n", "needs `cubes:` and/or `views:`"),
        ("cubes: 5\n", "`cubes` must be a list, found a number"),
        ("views: {a: 1}\n", "`views` must be a list, found a mapping"),
        ("cubes: [1, 2]\n", "a cube must be a mapping"),
        ("cubes:\n  - sql_table: a\n", "a cube has no `name`"),
        (
            "cubes:\n  - name: 2fast\n    sql_table: a\n",
            "`2fast` is not a valid name",
        ),
        (
            "cubes:\n  - name: CUBE\n    sql_table: a\n",
            "`CUBE` is reserved",
        ),
        (
            "cubes:\n  - name: A\n    sql_table: a\n    sql: select 1\n",
            "either `sql_table` or `sql`",
        ),
    ] {
        let errs = errors(text);
        let e = find(&errs, needle);
        assert_eq!(e.file, PathBuf::from("m.yml"));
    }
}

#[test]
fn extends_errors() {
    let text = r#"
cubes:
  - name: A
    extends: B
  - name: B
    extends: A
  - name: C
    extends: A
  - name: D
    sql_table: d
    extends: Missing
"#;
    let errs = errors(text);
    let l = |needle: &str| line_of(text, needle);
    at(
        find(&errs, "`extends` cycle: A -> B -> A"),
        l("extends: B"),
        "A",
        None,
    );
    at(
        find(&errs, "`extends` cycle: B -> A -> B"),
        l("extends: A"),
        "B",
        None,
    );
    at(
        find(&errs, "`extends` names unknown cube `Missing`"),
        l("extends: Missing"),
        "D",
        None,
    );
    // C is broken by the cycle it inherits, which is reported once, at A and B.
    assert!(
        !errs.iter().any(|e| e.cube.as_deref() == Some("C")),
        "{errs:?}"
    );
    assert_eq!(errs.len(), 3);
}

#[test]
fn duplicate_names_across_files() {
    let a = "cubes:\n  - name: Orders\n    sql_table: a\n";
    let b = "# b\n\ncubes:\n  - name: Orders\n    sql_table: b\nviews:\n  - name: Orders\n";
    let errs = load_files(&[
        (PathBuf::from("a.yml"), a.into()),
        (PathBuf::from("b.yml"), b.into()),
    ])
    .expect_err("duplicates")
    .0;
    assert_eq!(errs.len(), 2);
    assert_eq!(errs[0].file, PathBuf::from("b.yml"));
    assert_eq!(errs[0].line, Some(4));
    assert!(
        errs[0].message.contains("first defined at a.yml:2"),
        "{}",
        errs[0]
    );
    assert_eq!(errs[1].line, Some(7));
    assert!(
        errs[1].message.starts_with("view name `Orders`"),
        "{}",
        errs[1]
    );
}

#[test]
fn inherited_errors_are_reported_once() {
    let text = r#"
cubes:
  - name: Base
    sql_table: base
    measures:
      - name: bad
        type: sum
        sql: "{missing}"
  - name: Child
    extends: Base
"#;
    let errs = errors(text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    at(&errs[0], line_of(text, "name: bad"), "Base", Some("bad"));
}

#[test]
fn error_display_names_the_place() {
    let errs = errors("cubes:\n  - name: A\n    sql_table: a\n    measures:\n      - name: m\n        type: nope\n");
    assert_eq!(
        errs[0].to_string(),
        "m.yml:5: A.m: unknown measure type `nope` (expected count, count_distinct, \
         count_distinct_approx, sum, avg, min, max, number, running_total, string, time or boolean)"
    );
}
