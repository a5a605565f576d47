//! `strata bench plan`: how fast [`Engine::plan`] turns Cube queries into SQL,
//! in process and with no database, and how long compiling a model takes.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use strata_engine::{Engine, Query};

use crate::stats::{per_second, Summary, MICROS, MILLIS};
use crate::{BenchError, NamedQuery};

/// How much planning to do.
#[derive(Debug, Clone, Copy)]
pub struct PlanOptions {
    /// Timed plans per query.
    pub iterations: usize,
    /// Untimed plans per query before timing starts.
    pub warmup: usize,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            iterations: 1000,
            warmup: 50,
        }
    }
}

/// Planning cost of one query.
#[derive(Debug, Clone, Serialize)]
pub struct QueryPlanReport {
    /// The query's name.
    pub name: String,
    /// Latency of one plan, in microseconds (all zeros when it failed).
    pub latency_us: Summary,
    /// Plans per second for this query, one thread.
    pub plans_per_sec: f64,
    /// Why planning failed; such queries are not timed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Planning cost of a whole queries file.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    /// Timed plans per query.
    pub iterations: usize,
    /// Queries planned successfully (and timed).
    pub planned: usize,
    /// Queries whose planning failed.
    pub failed: usize,
    /// Every timed plan of every query, in microseconds.
    pub overall_us: Summary,
    /// Timed plans over the total time spent planning them, one thread.
    pub plans_per_sec: f64,
    /// Per query, in file order.
    pub queries: Vec<QueryPlanReport>,
    /// Model compile timings, with `--compile`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile: Option<CompileReport>,
}

/// Time to compile a model directory.
#[derive(Debug, Clone, Serialize)]
pub struct CompileReport {
    /// The model directory.
    pub dir: PathBuf,
    /// Cubes in the model.
    pub cubes: usize,
    /// Views in the model.
    pub views: usize,
    /// Timed compilations.
    pub iterations: usize,
    /// `strata_schema::load_dir` (reading and compiling the YAML), milliseconds.
    pub load_ms: Summary,
    /// `Engine::new` (join graph and SQL templates), milliseconds.
    pub engine_ms: Summary,
    /// Both, milliseconds.
    pub total_ms: Summary,
}

/// Plans every query `options.warmup + options.iterations` times, timing each
/// of the last `iterations` plans. Queries that fail to plan are reported with
/// their error and left out of the totals.
pub fn run_plan(engine: &Engine, queries: &[NamedQuery], options: PlanOptions) -> PlanReport {
    let iterations = options.iterations.max(1);
    let mut all = Vec::with_capacity(queries.len() * iterations);
    let mut reports = Vec::with_capacity(queries.len());
    let mut busy = Duration::ZERO;
    let mut failed = 0;
    for q in queries {
        // Timed from the JSON, as a request arrives: reading the query is
        // part of planning it.
        let plan = |json: &Value| Query::from_json(json).and_then(|q| engine.plan(&q));
        if let Err(e) = plan(q.query.json()) {
            failed += 1;
            reports.push(QueryPlanReport {
                name: q.name.clone(),
                latency_us: Summary::from_nanos(&mut [], MICROS),
                plans_per_sec: 0.0,
                error: Some(e.to_string()),
            });
            continue;
        }
        for _ in 0..options.warmup {
            let _ = black_box(plan(black_box(q.query.json())));
        }
        let mut samples = Vec::with_capacity(iterations);
        let started = Instant::now();
        for _ in 0..iterations {
            let t = Instant::now();
            let _ = black_box(plan(black_box(q.query.json())));
            samples.push(t.elapsed().as_nanos() as u64);
        }
        let elapsed = started.elapsed();
        busy += elapsed;
        all.extend_from_slice(&samples);
        reports.push(QueryPlanReport {
            name: q.name.clone(),
            latency_us: Summary::from_nanos(&mut samples, MICROS),
            plans_per_sec: per_second(iterations as u64, elapsed.as_secs_f64()),
            error: None,
        });
    }
    let total = all.len() as u64;
    PlanReport {
        iterations,
        planned: queries.len() - failed,
        failed,
        overall_us: Summary::from_nanos(&mut all, MICROS),
        plans_per_sec: per_second(total, busy.as_secs_f64()),
        queries: reports,
        compile: None,
    }
}

/// Loads the model in `dir` and builds an engine for it (no data source).
pub fn load_engine(dir: &Path) -> Result<Engine, BenchError> {
    let model = strata_schema::load_dir(dir).map_err(|errors| BenchError::Model {
        dir: dir.to_path_buf(),
        errors,
    })?;
    Ok(Engine::new(Arc::new(model), None))
}

/// Times `strata_schema::load_dir(dir)` and `Engine::new` over `iterations`
/// runs (after one untimed run that also checks the model).
pub fn run_compile(dir: &Path, iterations: usize) -> Result<CompileReport, BenchError> {
    let iterations = iterations.max(1);
    let model = strata_schema::load_dir(dir).map_err(|errors| BenchError::Model {
        dir: dir.to_path_buf(),
        errors,
    })?;
    let (cubes, views) = (model.cubes.len(), model.views.len());
    drop(Engine::new(Arc::new(model), None));
    let (mut load, mut engine, mut total) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..iterations {
        let t0 = Instant::now();
        let model = strata_schema::load_dir(dir).map_err(|errors| BenchError::Model {
            dir: dir.to_path_buf(),
            errors,
        })?;
        let t1 = Instant::now();
        let e = Engine::new(Arc::new(model), None);
        let t2 = Instant::now();
        black_box(&e);
        load.push((t1 - t0).as_nanos() as u64);
        engine.push((t2 - t1).as_nanos() as u64);
        total.push((t2 - t0).as_nanos() as u64);
        drop(e);
    }
    Ok(CompileReport {
        dir: dir.to_path_buf(),
        cubes,
        views,
        iterations,
        load_ms: Summary::from_nanos(&mut load, MILLIS),
        engine_ms: Summary::from_nanos(&mut engine, MILLIS),
        total_ms: Summary::from_nanos(&mut total, MILLIS),
    })
}

/// The report as a human-readable table.
///
/// Written with `format!` widths rather than comfy-table (used for `strata
/// query`): the columns have fixed widths and precisions, and a query that
/// failed to plan takes the whole row for its message, a span comfy-table
/// cannot draw.
pub fn render_plan(report: &PlanReport) -> String {
    let mut out = String::new();
    let width = report
        .queries
        .iter()
        .map(|q| q.name.chars().count().min(60))
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "{:<width$}  {:>10}  {:>10}  {:>10}  {:>12}",
        "query", "p50 µs", "p95 µs", "p99 µs", "plans/s"
    );
    for q in &report.queries {
        let name: String = q.name.chars().take(60).collect();
        match &q.error {
            Some(e) => {
                let _ = writeln!(out, "{name:<width$}  failed: {e}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "{name:<width$}  {:>10.1}  {:>10.1}  {:>10.1}  {:>12.0}",
                    q.latency_us.p50, q.latency_us.p95, q.latency_us.p99, q.plans_per_sec
                );
            }
        }
    }
    let o = &report.overall_us;
    let _ = writeln!(
        out,
        "{:<width$}  {:>10.1}  {:>10.1}  {:>10.1}  {:>12.0}",
        "overall", o.p50, o.p95, o.p99, report.plans_per_sec
    );
    let _ = writeln!(
        out,
        "{} queries planned x {} iterations ({} timed plans), {} failed to plan",
        report.planned, report.iterations, o.count, report.failed
    );
    if let Some(c) = &report.compile {
        out.push_str(&render_compile(c));
    }
    out
}

/// The compile timings as text.
pub fn render_compile(c: &CompileReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "compile {} ({} cubes, {} views), {} iterations:",
        c.dir.display(),
        c.cubes,
        c.views,
        c.iterations
    );
    for (label, s) in [
        ("load_dir", &c.load_ms),
        ("Engine::new", &c.engine_ms),
        ("total", &c.total_ms),
    ] {
        let _ = writeln!(
            out,
            "  {label:<12} p50 {:>9.2} ms  p95 {:>9.2} ms  p99 {:>9.2} ms",
            s.p50, s.p95, s.p99
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_and_reports_failures() {
        let files = strata_demo::model_files();
        let model = strata_schema::load_files(&files).unwrap();
        let engine = Engine::new(Arc::new(model), None);
        let queries = vec![
            NamedQuery {
                name: "ok".into(),
                query: r#"{"measures": ["Orders.count"], "dimensions": ["Orders.status"]}"#
                    .parse()
                    .unwrap(),
            },
            NamedQuery {
                name: "bad".into(),
                query: r#"{"measures": ["Nope.count"]}"#.parse().unwrap(),
            },
        ];
        let r = run_plan(
            &engine,
            &queries,
            PlanOptions {
                iterations: 20,
                warmup: 2,
            },
        );
        assert_eq!((r.planned, r.failed), (1, 1));
        assert_eq!(r.overall_us.count, 20);
        assert!(r.plans_per_sec > 0.0);
        assert!(r.queries[1].error.is_some());
        let o = &r.overall_us;
        assert!(o.p50 <= o.p95 && o.p95 <= o.p99);
        let text = render_plan(&r);
        assert!(text.contains("overall") && text.contains("bad"), "{text}");
        let json = serde_json::to_value(&r).unwrap();
        assert!(json["queries"][0]["latency_us"]["p50"].is_number());
    }
}
