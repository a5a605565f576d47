//! End-to-end accuracy of the offline natural-language parser on question
//! sets kept as data in `tests/nl/`:
//!
//! * `demo_questions.jsonl` — the bundled demo model, sample values read from
//!   the demo data;
//! * `conformance_questions.jsonl` — Cube's driver-test `ecommerce` model
//!   (bare camelCase names, no titles or synonyms);
//! * `followups.jsonl` — three-turn conversations through `refine`.
//!
//! Each line is `{"question", "expected", "chart"?, "intent"?, "unanswerable"?}`.
//! Expected queries follow one policy, written down before the parser ran:
//! a question one cube answers uses that cube's members; a question that
//! needs several cubes uses the view that covers it when there is one
//! (`orders_overview` for order KPIs by customer geography or segment,
//! `sales_overview` for product-level sales), else joined cubes; "revenue" is
//! the net order revenue (`Orders.revenue`, titled "Revenue"); the time
//! dimension is that of the measure's cube or view.
//!
//! Queries compare after normalization: measures, dimensions, segments and
//! filters (with their values) as sets; timeDimensions, order and limit
//! exactly. Every answered query must plan on an engine.

/// Prints past libtest's output capture, so the accuracy figures show in CI logs.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, $($t)*);
    }};
}

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use strata::llm::offline::{NaiveDate, OfflineParser};
use strata::llm::{Catalog, LlmError, Translation};
use strata::{DataFusionExecutor, Engine, Query, QueryRequest, DEFAULT_DATA_SOURCE};

use crate::common::query_compare::normalize;

const TODAY: (i32, u32, u32) = (2024, 6, 15);
const TARGET: f64 = 0.85;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).expect("valid date")
}

/// The lines of a JSON-lines file under `tests/nl/`.
pub(crate) fn read_lines(name: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/nl")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
        .collect()
}

/// Plans the query (each range of a `compareDateRange` separately).
fn plans(engine: &Engine, query: &Query) -> Result<(), String> {
    let prepared = engine
        .prepare_request(&QueryRequest::One(query.clone()))
        .map_err(|e| e.to_string())?;
    for q in &prepared.queries {
        engine.plan(q).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A query as Cube's request JSON (what the API returns as `generatedQuery`).
pub fn json_of(query: &Query) -> Value {
    serde_json::to_value(query).expect("a query serializes")
}

/// Whether a translation matches a line's expectation (query, chart, intent).
fn matches(line: &Value, got: &Translation) -> bool {
    let chart_ok = match line.get("chart").and_then(Value::as_str) {
        Some(c) => got.chart.map(|g| g.as_str()) == Some(c),
        None => got.chart.is_none(),
    };
    let intent_ok = line
        .get("intent")
        .and_then(Value::as_str)
        .is_none_or(|i| got.intent.as_str() == i);
    normalize(&json_of(&got.query)) == normalize(&line["expected"]) && chart_ok && intent_ok
}

struct Score {
    exact: usize,
    total: usize,
    /// Lines marked `"heldout": true` were written after the parser had been
    /// tuned on the others, without looking at its output. Their first run
    /// scored 25/27 (demo) and 8/8 (conformance); the two misses ("most
    /// popular", "revenue from business customers") were then fixed in the
    /// parser, not in the expectations.
    heldout_exact: usize,
    heldout_total: usize,
    failures: Vec<String>,
}

fn run_set(parser: &OfflineParser<'_>, engine: &Engine, lines: &[Value]) -> Score {
    let mut score = Score {
        exact: 0,
        total: lines.len(),
        heldout_exact: 0,
        heldout_total: 0,
        failures: Vec::new(),
    };
    for line in lines {
        let question = line["question"].as_str().expect("question");
        let heldout = line.get("heldout").and_then(Value::as_bool) == Some(true);
        let before = score.exact;
        let unanswerable = line.get("unanswerable").and_then(Value::as_bool) == Some(true);
        match parser.translate(question, today()) {
            Ok(t) => {
                if let Err(e) = plans(engine, &t.query) {
                    panic!(
                        "{question:?} gave a query that does not plan: {e}\n{}",
                        json_of(&t.query)
                    );
                }
                if unanswerable {
                    score.failures.push(format!(
                        "UNANSWERABLE {question:?} was answered confidently: {}",
                        json_of(&t.query)
                    ));
                } else if matches(line, &t) {
                    score.exact += 1;
                } else {
                    score.failures.push(format!(
                        "{question:?}\n   got      {} chart={:?} intent={}\n   expected {}",
                        json_of(&t.query),
                        t.chart,
                        t.intent.as_str(),
                        line["expected"]
                    ));
                }
            }
            Err(
                LlmError::NotUnderstood(message) | LlmError::NeedsClarification { message, .. },
            ) => {
                assert!(
                    message.contains("You can ask about"),
                    "the message should list what exists: {message}"
                );
                if unanswerable {
                    score.exact += 1;
                } else {
                    score
                        .failures
                        .push(format!("{question:?} not understood: {message}"));
                }
            }
            Err(e) => panic!("{question:?}: unexpected error {e}"),
        }
        if heldout {
            score.heldout_total += 1;
            score.heldout_exact += score.exact - before;
        }
    }
    score
}

fn pct(s: &Score) -> f64 {
    100.0 * s.exact as f64 / s.total.max(1) as f64
}

pub(crate) async fn demo() -> (Catalog, Engine, strata::SemanticModel) {
    let model = strata::demo::model().expect("demo model compiles");
    let data = DataFusionExecutor::new();
    strata::demo::DemoData::pinned()
        .register(&data)
        .expect("demo tables register");
    let engine = Engine::builder(Arc::new(model.clone()))
        .data_source(DEFAULT_DATA_SOURCE, Arc::new(data))
        .build();
    let mut catalog = Catalog::from_model(&model);
    let filled = strata::llm::load_sample_values(&engine, &mut catalog, 50).await;
    assert!(filled >= 10, "sample values for only {filled} dimensions");
    let region = catalog.get("Regions.name").expect("Regions.name");
    assert!(region.sample_values.iter().any(|v| v == "Europe"));
    assert!(
        catalog
            .get("Users.email")
            .is_some_and(|m| m.sample_values.is_empty()),
        "high-cardinality dimensions get no sample values"
    );
    (catalog, engine, model)
}

pub(crate) fn conformance() -> (Catalog, Engine, strata::SemanticModel) {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/cube-drivers/model");
    assert!(
        dir.is_dir(),
        "the conformance model is missing at {} (it ships in /work/shared/conformance)",
        dir.display()
    );
    let model = strata::schema::load_dir(&dir).expect("conformance model compiles");
    let mut catalog = Catalog::from_model(&model);
    // As a server fills them from the data (`DEFAULT_SAMPLE_VALUES`, 50):
    // the distinct values of every string column of Cube's driver-test
    // dataset (dataset/postgres.sql), for each string dimension named after
    // that column, where there are at most 50.
    let dataset = dir.join("../dataset/postgres.sql");
    let sql = std::fs::read_to_string(&dataset)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dataset.display()));
    let columns = string_columns(&sql);
    for dimension in strata::llm::offline::sample_candidates(&catalog) {
        let short = dimension.rsplit('.').next().unwrap_or_default();
        let Some(values) = columns.get(&snake_case(short)) else {
            continue;
        };
        if values.len() <= strata::analyst::DEFAULT_SAMPLE_VALUES {
            catalog.set_sample_values(&dimension, values.iter().cloned().collect());
        }
    }
    let engine = Engine::new(Arc::new(model.clone()), None);
    (catalog, engine, model)
}

/// `customerName` → `customer_name`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_uppercase() {
            out.push('_');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The distinct string values of each column in `select 'v' as column`
/// statements.
fn string_columns(
    sql: &str,
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut columns: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    let mut rest = sql;
    while let Some(open) = rest.find('\'') {
        let after = &rest[open + 1..];
        // A quoted value, '' standing for one quote.
        let mut value = String::new();
        let mut chars = after.char_indices().peekable();
        let mut end = None;
        while let Some((k, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    value.push('\'');
                    chars.next();
                    continue;
                }
                end = Some(k);
                break;
            }
            value.push(c);
        }
        let Some(end) = end else { break };
        rest = &after[end + 1..];
        let Some(tail) = rest.trim_start().strip_prefix("as ") else {
            continue;
        };
        let column: String = tail
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !column.is_empty() {
            columns.entry(column).or_default().insert(value);
        }
    }
    columns
}

fn report(name: &str, s: &Score) {
    for f in &s.failures {
        say!("[{name}] {f}");
    }
}

#[tokio::test]
async fn offline_parser_accuracy() {
    let (demo_catalog, demo_engine, demo_model) = demo().await;
    let demo_parser = OfflineParser::for_model(&demo_catalog, &demo_model);
    let demo_lines = read_lines("demo_questions.jsonl");
    assert!(demo_lines.len() >= 80, "at least 80 demo questions");
    assert!(
        demo_lines
            .iter()
            .filter(|l| l.get("unanswerable").is_some())
            .count()
            >= 6
    );
    let demo_score = run_set(&demo_parser, &demo_engine, &demo_lines);

    let (conf_catalog, conf_engine, conf_model) = conformance();
    let conf_parser = OfflineParser::for_model(&conf_catalog, &conf_model);
    let conf_lines = read_lines("conformance_questions.jsonl");
    assert!(conf_lines.len() >= 30, "at least 30 conformance questions");
    let conf_score = run_set(&conf_parser, &conf_engine, &conf_lines);

    report("demo", &demo_score);
    report("conformance", &conf_score);
    say!(
        "offline parser: demo {}/{} exact ({:.1}%), conformance {}/{} exact ({:.1}%)",
        demo_score.exact,
        demo_score.total,
        pct(&demo_score),
        conf_score.exact,
        conf_score.total,
        pct(&conf_score)
    );
    say!(
        "offline parser, held-out lines only: demo {}/{}, conformance {}/{}",
        demo_score.heldout_exact,
        demo_score.heldout_total,
        conf_score.heldout_exact,
        conf_score.heldout_total
    );
    let confident_wrong: Vec<&String> = demo_score
        .failures
        .iter()
        .chain(&conf_score.failures)
        .filter(|f| f.starts_with("UNANSWERABLE"))
        .collect();
    assert!(
        confident_wrong.is_empty(),
        "unanswerable questions were answered: {confident_wrong:?}"
    );
    assert!(
        pct(&demo_score) >= TARGET * 100.0,
        "demo accuracy below 85%"
    );
    assert!(
        pct(&conf_score) >= TARGET * 100.0,
        "conformance accuracy below 85%"
    );
}

#[tokio::test]
async fn follow_up_conversations() {
    let (catalog, engine, model) = demo().await;
    let parser = OfflineParser::for_model(&catalog, &model);
    let conversations = read_lines("followups.jsonl");
    assert!(conversations.len() >= 10, "at least 10 conversations");
    let (mut exact, mut total) = (0, 0);
    for conv in &conversations {
        let turns = conv["turns"].as_array().expect("turns");
        assert!(turns.len() >= 3, "three turns each");
        let mut previous: Option<Translation> = None;
        for turn in turns {
            let question = turn["question"].as_str().expect("question");
            let result = match &previous {
                None => parser.translate(question, today()),
                Some(p) => parser.refine(p, question, today()),
            };
            total += 1;
            let t = match result {
                Ok(t) => t,
                Err(e) => {
                    say!("[followup] {question:?} failed: {e}");
                    break;
                }
            };
            if let Err(e) = plans(&engine, &t.query) {
                panic!(
                    "{question:?} gave a query that does not plan: {e}\n{}",
                    json_of(&t.query)
                );
            }
            if matches(turn, &t) {
                exact += 1;
            } else {
                say!(
                    "[followup] {question:?}\n   got      {} chart={:?}\n   expected {}",
                    json_of(&t.query),
                    t.chart,
                    turn["expected"]
                );
            }
            previous = Some(t);
        }
    }
    say!(
        "offline parser follow-ups: {exact}/{total} turns exact ({:.1}%)",
        100.0 * exact as f64 / total as f64
    );
    assert!(
        exact as f64 >= TARGET * total as f64,
        "follow-up accuracy below 85%"
    );
}
