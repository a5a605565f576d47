//! Malformed and odd input: loading never panics, and a failure always says why.

use std::path::PathBuf;

use super::load;

/// Loads `text` and checks the outcome is well-formed.
fn survive(text: &str) {
    match load(text) {
        Ok(_) => {}
        Err(e) => {
            assert!(!e.0.is_empty(), "an Err carries errors for:\n{text}");
            for err in &e.0 {
                assert!(!err.message.is_empty());
                assert_eq!(err.file, PathBuf::from("m.yml"));
                assert!(
                    err.line
                        .is_none_or(|l| l >= 1 && l <= text.lines().count() + 1),
                    "{err}"
                );
            }
        }
    }
}

#[test]
fn odd_inputs_never_panic() {
    let deep_list = format!("cubes: {}{}", "[".repeat(300), "]".repeat(300));
    let deep_map = format!(
        "cubes:\n{}",
        (0..200)
            .map(|i| format!("{}a{i}:\n", " ".repeat(i)))
            .collect::<String>()
    );
    let laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n\
                  g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\ncubes: []\n";
    let long_name = format!(
        "cubes:\n  - name: {}\n    sql_table: t\n",
        "a".repeat(100_000)
    );
    let cases: Vec<String> = [
        "",
        "\n\n\n",
        "---",
        "---\n---\n---\n",
        "...",
        "~",
        "null",
        "cubes:",
        "cubes: ~\nviews: ~",
        "cubes: 5",
        "cubes: [1, 2]",
        "cubes: [[]]",
        "cubes: [{}]",
        "cubes: \"a string\"",
        "views: 5",
        "views: [{name: V, cubes: 5}]",
        "views: [{name: V, cubes: [{join_path: [a]}]}]",
        "views: [{name: V, cubes: [{join_path: A, includes: 5, excludes: 7}]}]",
        "views: [{name: V, cubes: [{join_path: '', includes: '*'}]}]",
        "views: [{name: V, cubes: [{join_path: '...', includes: [{}, 1, [x]]}]}]",
        "cubes:\n\t- name: x",
        "cubes:\n  - name: A\n\tsql: x",
        "cubes:\n  - name: A\n    sql_table: a\n    dimensions: {a: b}",
        "cubes:\n  - name: A\n    sql_table: a\n    dimensions: [{name: d, type: geo}]",
        "cubes:\n  - name: A\n    sql_table: a\n    dimensions: [{name: d, type: string, case: 5}]",
        "cubes:\n  - name: A\n    sql_table: a\n    dimensions: [{name: d, type: string, case: {when: [{}], else: 3}}]",
        "cubes:\n  - name: A\n    sql_table: a\n    measures: [{name: m, type: count, rolling_window: {trailing: 99999999999999999999999 day}}]",
        "cubes:\n  - name: A\n    sql_table: a\n    measures: [{name: m, type: count, time_shift: [{interval: -1 day, type: sideways}, 5]}]",
        "cubes:\n  - name: A\n    sql_table: 1e400\n",
        "cubes:\n  - name: 123456789012345678901234567890\n    sql_table: a",
        "cubes:\n  - name: [x]\n    sql_table: a",
        "cubes:\n  - name: {a: b}\n  - name: null\n  - name: ''",
        "cubes:\n  - name: A\n    sql: \"{\"\n    dimensions: [{name: d, type: number, sql: '{}{{}}{A.}{.x}{A..b}${'}]",
        "cubes:\n  - name: A\n    sql: \"select '\u{0}\u{7f}\u{fffd}\u{1F600}'\"\n",
        "cubes:\n  - name: A\n    extends: A\n",
        "cubes:\n  - name: A\n    extends: [B]\n    sql_table: a\n",
        "cubes:\n  - name: A\n    sql_table: a\n    joins: {B: {relationship: has_many, sql: x}, 5: 6}\n",
        "cubes:\n  - name: A\n    sql_table: a\n    joins: [{name: A, relationship: one_to_one, sql: '{A}.x = {CUBE}.y'}]\n",
        "cubes:\n  - name: A\n    sql_table: a\n    pre_aggregations: [{name: p, time_dimensions: [5, {dimension: x}], granularity: eon}]\n",
        "cubes:\n  - name: A\n    sql_table: a\n    meta: {1: 2, [a]: {b: .nan}, c: !tag x}\n",
        "cubes:\n  - &a {name: A, sql_table: a}\n  - <<: *a\n  - <<: [*a, 5]\n",
        "cubes:\n  - !custom {name: A, sql_table: a}\n",
        "a: *undefined",
        "cubes: &x [*x]",
        "key: value\nkey: value\n",
        "{cubes: [{name: A, sql_table: a, measures: [{name: c, type: count}]}]}",
        "'unterminated",
        "cubes:\n  - name: A\n    sql_table: a\n  - name: A\n    sql_table: b\n    dimensions: [{name: x, sql: '{A.x}', type: string}]",
        "\u{feff}cubes: []",
        "cubes: []\n---\n- a\n---\ncubes: 5\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([deep_list, deep_map, laughs.to_string(), long_name])
    .collect();
    assert!(cases.len() >= 50);
    for text in &cases {
        survive(text);
    }
}

/// A tiny deterministic pseudo-random generator (no dependency needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn random_yaml_never_panics() {
    const TOKENS: &[&str] = &[
        "cubes:",
        "views:",
        "- ",
        "name: A",
        "name: B",
        "name: x",
        "sql: x",
        "sql_table: t",
        "type: count",
        "type: sum",
        "type: time",
        "type: string",
        "dimensions:",
        "measures:",
        "segments:",
        "joins:",
        "pre_aggregations:",
        "extends: A",
        "extends: B",
        "sql: \"{CUBE}.a = {B}.b\"",
        "sql: \"{x}\"",
        "sql: \"{A.x}\"",
        "relationship: many_to_one",
        "rolling_window:",
        "trailing: 2 day",
        "time_shift:",
        "interval: 1 year",
        "time_dimension: x",
        "measures: [x, CUBE.x]",
        "join_path: A.B",
        "includes: \"*\"",
        "prefix: true",
        "&a",
        "*a",
        "<<: *a",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "\t",
        "'",
        "\"",
        "#",
        "---",
        "?",
        "!tag",
        "|",
        ">",
        "5",
        "-1e999",
        "null",
        "true",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..1500 {
        let mut text = String::new();
        for _ in 0..rng.next(40) {
            if rng.next(3) == 0 {
                text.push('\n');
                text.push_str(&" ".repeat(rng.next(4) * 2));
            } else {
                text.push(' ');
            }
            text.push_str(TOKENS[rng.next(TOKENS.len())]);
        }
        survive(&text);
    }
}

#[test]
fn mutated_conformance_model_never_panics() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/conformance/cube-drivers/model/ecommerce.yml"
    );
    let text = std::fs::read_to_string(path).expect("conformance model");
    let lines: Vec<&str> = text.lines().collect();
    let mut rng = Rng(42);
    let mut failures = 0;
    for _ in 0..150 {
        let mut mutated = lines.clone();
        for _ in 0..=rng.next(3) {
            let i = rng.next(mutated.len());
            match rng.next(3) {
                0 => {
                    mutated.remove(i);
                }
                1 => {
                    let j = rng.next(mutated.len());
                    mutated.swap(i, j);
                }
                _ => {
                    let j = rng.next(mutated.len());
                    let l = mutated[j];
                    mutated.insert(i, l);
                }
            }
        }
        let t = mutated.join("\n");
        survive(&t);
        failures += usize::from(load(&t).is_err());
    }
    // Most random edits break something, and the loader notices.
    assert!(failures > 50, "{failures}");
}
