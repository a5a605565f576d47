//! `strata bench gen-model`: a deterministic synthetic data model of any
//! size, for compile and planning benchmarks.
//!
//! Cube `Cube{i}` reads table `t_{i}` and, for `i > 0`, joins `many_to_one`
//! to a parent cube chosen among the earlier ones (the previous cube or a
//! random earlier one), so the cubes form a tree of chains. Every cube has
//! 17+ dimensions of every type (string, number, time, boolean, geo; plain
//! columns, SQL expressions and references to other members and to the
//! parent cube), 11 measures (count, filtered count, count_distinct,
//! count_distinct_approx, sum, avg, min, max and `number` formulas) and a
//! segment. A few views each expose a cube and its ancestors with prefixes.
//! The same `(cubes, seed)` always gives the same files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::{write_file, BenchError, CubeQuery};

/// A small deterministic PRNG (SplitMix64).
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const WORDS: [&str; 12] = [
    "account", "invoice", "shipment", "ticket", "session", "payment", "device", "campaign",
    "contract", "visit", "review", "booking",
];

/// The shape of a generated model, derived from `(cubes, seed)` only.
#[derive(Debug, Clone)]
struct Layout {
    parents: Vec<Option<usize>>,
    extra_attrs: Vec<usize>,
    nouns: Vec<&'static str>,
    /// Base cube of each view (the view follows its ancestors up to 3 levels).
    views: Vec<usize>,
}

impl Layout {
    fn new(cubes: usize, seed: u64) -> Layout {
        let mut rng = Rng(seed ^ 0x5354_5241_5441);
        let mut parents = Vec::with_capacity(cubes);
        let mut extra_attrs = Vec::with_capacity(cubes);
        let mut nouns = Vec::with_capacity(cubes);
        for i in 0..cubes {
            parents.push(match i {
                0 => None,
                _ if rng.below(4) == 0 => Some(i - 1),
                _ => Some(rng.below(i)),
            });
            extra_attrs.push(rng.below(4));
            nouns.push(WORDS[rng.below(WORDS.len())]);
        }
        let view_count = cubes.clamp(1, 3).min(cubes);
        let views = (0..view_count)
            .map(|v| match v {
                0 => cubes - 1,
                _ => rng.below(cubes),
            })
            .collect();
        Layout {
            parents,
            extra_attrs,
            nouns,
            views,
        }
    }

    /// `i`, its parent, grandparent… at most `depth` cubes in all.
    fn ancestry(&self, i: usize, depth: usize) -> Vec<usize> {
        let mut path = vec![i];
        let mut at = i;
        while path.len() < depth {
            match self.parents.get(at).copied().flatten() {
                Some(p) => {
                    path.push(p);
                    at = p;
                }
                None => break,
            }
        }
        path
    }
}

/// The name of generated cube `i`.
pub fn cube_name(i: usize) -> String {
    format!("Cube{i}")
}

/// The name of generated view `v`.
pub fn view_name(v: usize) -> String {
    format!("view_{v}")
}

/// Generates a model of `cubes` cubes (at least one) as `(relative path, YAML)`
/// files: `cubes/cube_NNNNN.yml` per cube and `views/views.yml`. Loadable
/// with [`strata_schema::load_files`] (or, once written, `load_dir`).
pub fn generate(cubes: usize, seed: u64) -> Vec<(PathBuf, String)> {
    let cubes = cubes.max(1);
    let layout = Layout::new(cubes, seed);
    let mut files = Vec::with_capacity(cubes + 1);
    for i in 0..cubes {
        files.push((
            PathBuf::from(format!("cubes/cube_{i:05}.yml")),
            cube_yaml(&layout, i),
        ));
    }
    files.push((PathBuf::from("views/views.yml"), views_yaml(&layout)));
    files
}

fn cube_yaml(layout: &Layout, i: usize) -> String {
    let name = cube_name(i);
    let noun = layout.nouns[i];
    let parent = layout.parents[i];
    let mut y = String::with_capacity(6_000);
    let _ = writeln!(y, "cubes:\n  - name: {name}\n    sql_table: t_{i}");
    let _ = writeln!(y, "    title: {noun} {i}");
    let _ = writeln!(
        y,
        "    description: Synthetic {noun} records (cube {i}) for benchmarks."
    );
    if let Some(p) = parent {
        let pn = cube_name(p);
        let _ = writeln!(y, "    joins:\n      - name: {pn}\n        relationship: many_to_one\n        sql: \"{{CUBE}}.parent_id = {{{pn}}}.id\"");
    }
    y.push_str("    dimensions:\n");
    let dim = |y: &mut String, name: &str, ty: &str, sql: &str, extra: &str| {
        let _ = writeln!(
            y,
            "      - name: {name}\n        type: {ty}\n        sql: \"{sql}\"{extra}"
        );
    };
    dim(
        &mut y,
        "id",
        "number",
        "id",
        "\n        primary_key: true\n        shown: true",
    );
    if let Some(p) = parent {
        dim(&mut y, "parent_id", "number", "parent_id", "");
        dim(
            &mut y,
            "parent_name",
            "string",
            &format!("{{{}.name}}", cube_name(p)),
            "\n        title: Parent name",
        );
    }
    dim(
        &mut y,
        "name",
        "string",
        "name",
        &format!("\n        title: {noun} name\n        description: The {noun}'s name."),
    );
    dim(&mut y, "code", "string", "UPPER({CUBE}.code)", "");
    dim(&mut y, "category", "string", "category", "");
    dim(&mut y, "status", "string", "status", "");
    dim(
        &mut y,
        "label",
        "string",
        "{name} || ' / ' || {category}",
        "",
    );
    dim(
        &mut y,
        "amount",
        "number",
        "amount",
        "\n        format: currency",
    );
    dim(&mut y, "quantity", "number", "quantity", "");
    dim(&mut y, "price", "number", "price", "");
    dim(
        &mut y,
        "score",
        "number",
        "{CUBE}.amount * 2 + {quantity}",
        "",
    );
    dim(&mut y, "is_active", "boolean", "is_active", "");
    dim(
        &mut y,
        "is_deleted",
        "boolean",
        "deleted_at IS NOT NULL",
        "",
    );
    dim(&mut y, "created_at", "time", "created_at", "");
    dim(&mut y, "updated_at", "time", "updated_at", "");
    y.push_str("      - name: location\n        type: geo\n        latitude:\n          sql: \"{CUBE}.lat\"\n        longitude:\n          sql: \"{CUBE}.lng\"\n");
    for k in 0..layout.extra_attrs[i] {
        dim(
            &mut y,
            &format!("attr_{k}"),
            "string",
            &format!("attr_{k}"),
            "",
        );
    }
    y.push_str("    measures:\n");
    let measure = |y: &mut String, name: &str, ty: &str, sql: Option<&str>, extra: &str| {
        let _ = write!(y, "      - name: {name}\n        type: {ty}\n");
        if let Some(sql) = sql {
            let _ = writeln!(y, "        sql: \"{sql}\"");
        }
        y.push_str(extra);
    };
    measure(
        &mut y,
        "count",
        "count",
        None,
        &format!(
            "        title: Number of {noun}s\n        drill_members: [id, name, created_at]\n"
        ),
    );
    measure(
        &mut y,
        "active_count",
        "count",
        None,
        "        filters:\n          - sql: \"{CUBE}.is_active\"\n",
    );
    measure(&mut y, "distinct_names", "count_distinct", Some("name"), "");
    measure(
        &mut y,
        "approx_names",
        "count_distinct_approx",
        Some("name"),
        "",
    );
    measure(
        &mut y,
        "total_amount",
        "sum",
        Some("amount"),
        "        format: currency\n",
    );
    measure(&mut y, "avg_amount", "avg", Some("amount"), "");
    measure(&mut y, "min_amount", "min", Some("amount"), "");
    measure(&mut y, "max_amount", "max", Some("amount"), "");
    measure(&mut y, "total_quantity", "sum", Some("quantity"), "");
    measure(
        &mut y,
        "avg_price",
        "number",
        Some("{total_amount} / NULLIF({total_quantity}, 0)"),
        "        format: currency\n",
    );
    measure(
        &mut y,
        "active_ratio",
        "number",
        Some("1.0 * {active_count} / NULLIF({count}, 0)"),
        "        format: percent\n",
    );
    y.push_str("    segments:\n      - name: active\n        sql: \"{CUBE}.is_active = true\"\n");
    y
}

fn views_yaml(layout: &Layout) -> String {
    let mut y = String::from("views:\n");
    for (v, &base) in layout.views.iter().enumerate() {
        let _ = writeln!(y, "  - name: {}\n    cubes:", view_name(v));
        let chain = layout.ancestry(base, 3);
        for depth in 1..=chain.len() {
            let path: Vec<String> = chain[..depth].iter().map(|&c| cube_name(c)).collect();
            let _ = writeln!(
                y,
                "      - join_path: {}\n        includes: \"*\"\n        prefix: true",
                path.join(".")
            );
        }
    }
    y
}

/// Writes [`generate`]'s files under `dir`; returns how many were written.
pub fn write_model(dir: &Path, cubes: usize, seed: u64) -> Result<usize, BenchError> {
    let files = generate(cubes, seed);
    for (rel, text) in &files {
        write_file(&dir.join(rel), text)?;
    }
    Ok(files.len())
}

/// `count` sample queries for the model of `(cubes, seed)`: measures,
/// dimensions, time dimensions, filters, segments, joins up to two levels and
/// views, varied deterministically by `seed`.
pub fn sample_queries(cubes: usize, seed: u64, count: usize) -> Vec<CubeQuery> {
    let cubes = cubes.max(1);
    let layout = Layout::new(cubes, seed);
    let mut rng = Rng(seed.wrapping_add(0x0051_5545_5259));
    let grains = ["day", "week", "month", "quarter", "year"];
    (0..count)
        .map(|n| {
            let i = rng.below(cubes);
            let c = cube_name(i);
            let chain = layout.ancestry(i, 3);
            let top = cube_name(*chain.last().unwrap_or(&i));
            let grain = grains[rng.below(grains.len())];
            match n % 6 {
                0 => json!({
                    "measures": [format!("{c}.count"), format!("{c}.total_amount")],
                    "dimensions": [format!("{c}.status")],
                    "order": {format!("{c}.count"): "desc"},
                    "limit": 100
                }),
                1 => json!({
                    "measures": [format!("{c}.avg_price"), format!("{c}.active_ratio")],
                    "dimensions": [format!("{top}.category")],
                    "timeDimensions": [{
                        "dimension": format!("{c}.created_at"),
                        "granularity": grain,
                        "dateRange": ["2024-01-01", "2024-12-31"]
                    }]
                }),
                2 => json!({
                    "measures": [format!("{c}.distinct_names"), format!("{c}.max_amount")],
                    "dimensions": [format!("{c}.category"), format!("{c}.is_active")],
                    "filters": [
                        {"member": format!("{c}.amount"), "operator": "gt", "values": ["100"]},
                        {"member": format!("{c}.status"), "operator": "equals", "values": ["open", "closed"]}
                    ],
                    "limit": 500
                }),
                3 => {
                    let v = rng.below(layout.views.len());
                    let base = cube_name(layout.views[v]);
                    let vn = view_name(v);
                    json!({
                        "measures": [format!("{vn}.{base}_count"), format!("{vn}.{base}_total_quantity")],
                        "dimensions": [format!("{vn}.{base}_status")],
                        "timeDimensions": [{"dimension": format!("{vn}.{base}_created_at"), "granularity": grain}]
                    })
                }
                4 => json!({
                    "dimensions": [format!("{c}.id"), format!("{c}.name"), format!("{c}.label")],
                    "segments": [format!("{c}.active")],
                    "order": [[format!("{c}.id"), "asc"]],
                    "ungrouped": true,
                    "limit": 1000
                }),
                _ => {
                    let mut dims: Vec<String> =
                        chain.iter().map(|&a| format!("{}.name", cube_name(a))).collect();
                    dims.push(format!("{c}.code"));
                    json!({
                        "measures": [format!("{c}.total_quantity"), format!("{c}.min_amount")],
                        "dimensions": dims,
                        "filters": [{"member": format!("{top}.is_deleted"), "operator": "equals", "values": ["false"]}],
                        "timeDimensions": [{
                            "dimension": format!("{c}.updated_at"),
                            "dateRange": "last 30 days"
                        }],
                        "limit": 50
                    })
                }
            }
        })
        .map(CubeQuery)
        .collect()
}

/// Writes [`sample_queries`] to `path` as JSON Lines (one query per line),
/// the format [`crate::read_queries`] and `strata bench plan --queries` read.
pub fn write_sample_queries(
    path: &Path,
    cubes: usize,
    seed: u64,
    count: usize,
) -> Result<(), BenchError> {
    let mut text = String::new();
    for q in sample_queries(cubes, seed, count) {
        let _ = writeln!(text, "{q}");
    }
    write_file(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn load(cubes: usize, seed: u64) -> strata_schema::SemanticModel {
        strata_schema::load_files(&generate(cubes, seed))
            .unwrap_or_else(|e| panic!("{cubes} cubes: {e}"))
    }

    #[test]
    fn one_cube_loads() {
        let m = load(1, 7);
        assert_eq!((m.cubes.len(), m.views.len()), (1, 1));
    }

    #[test]
    fn fifty_cubes_load_and_every_sample_query_plans() {
        let m = load(50, 42);
        assert_eq!((m.cubes.len(), m.views.len()), (50, 3));
        let cube = &m.cubes[0];
        assert!(cube.dimensions.len() + cube.measures.len() >= 20);
        let engine = strata_engine::Engine::new(Arc::new(m), None);
        for q in sample_queries(50, 42, 24) {
            let planned = strata_engine::Query::from_json(q.json()).and_then(|t| engine.plan(&t));
            if let Err(e) = planned {
                panic!("{q}: {e}");
            }
        }
    }

    #[test]
    fn written_model_loads_from_a_directory() {
        let dir = std::env::temp_dir().join(format!("strata-gen-model-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(write_model(&dir, 12, 3).unwrap(), 13);
        let m = strata_schema::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.cubes.len(), 12);
        let queries = dir.join("queries.jsonl");
        write_sample_queries(&queries, 12, 3, 7).unwrap();
        let read: Vec<CubeQuery> = crate::read_queries(&queries)
            .unwrap()
            .into_iter()
            .map(|q| q.query)
            .collect();
        assert_eq!(read, sample_queries(12, 3, 7));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn deterministic_by_seed() {
        assert_eq!(generate(30, 1), generate(30, 1));
        assert_ne!(generate(30, 1), generate(30, 2));
        assert_eq!(sample_queries(30, 1, 12), sample_queries(30, 1, 12));
        assert_ne!(sample_queries(30, 1, 12), sample_queries(30, 2, 12));
    }
}
