//! The classes answers fall in, counted per part of a set.

use serde_json::Value;
use strata::llm::{LlmError, Translation};
use strata::{Engine, Query};

use super::compare::is_right;
use super::Floor;
use crate::nl_offline::json_of;

/// Answers of one part of a set (demo, conformance or follow-up turns) by class.
#[derive(Default, Debug)]
pub(super) struct Tally {
    total: usize,
    right: usize,
    wrong_confident: usize,
    refused: usize,
    unanswerable: usize,
    unanswerable_refused: usize,
    planned: usize,
    failures: Vec<String>,
}

impl Tally {
    /// Counts one answer; returns the translation when there was one.
    pub(super) fn record(
        &mut self,
        engine: &Engine,
        line: &Value,
        result: Result<Translation, LlmError>,
    ) -> Option<Translation> {
        self.total += 1;
        let id = line["id"].as_str().unwrap_or("turn");
        let question = line["question"].as_str().unwrap_or_default();
        let unanswerable = line["unanswerable"].as_bool() == Some(true);
        self.unanswerable += usize::from(unanswerable);
        match result {
            Ok(t) => {
                let got = t.query.clone();
                self.planned += usize::from(plans(engine, &t.query));
                if unanswerable {
                    self.wrong_confident += 1;
                    self.failures.push(format!(
                        "{id} MUST REFUSE {question:?}\n    got {}",
                        json_of(&t.query)
                    ));
                } else if is_right(line, &t, &got) {
                    self.right += 1;
                } else {
                    self.wrong_confident += 1;
                    self.failures.push(format!(
                        "{id} WRONG {question:?}\n    got      {} chart={:?}\n    expected {} chart={}",
                        json_of(&t.query),
                        t.chart.map(|c| c.as_str()),
                        line["expected"],
                        line.get("chart").unwrap_or(&Value::Null)
                    ));
                }
                Some(t)
            }
            Err(e) => {
                if unanswerable {
                    self.right += 1;
                    self.unanswerable_refused += 1;
                } else {
                    self.refused += 1;
                    self.failures
                        .push(format!("{id} REFUSED {question:?}: {e}"));
                }
                None
            }
        }
    }

    /// Prints the figures, and the questions missed when `misses`.
    pub(super) fn report(&self, name: &str, misses: bool) {
        if misses {
            for f in &self.failures {
                say(&format!("[{name}] {f}"));
            }
        }
        let pct = |n: usize| 100.0 * n as f64 / self.total.max(1) as f64;
        say(&format!(
            "frozen {name}: {} questions; right {} ({:.1}%), wrong-confident {} ({:.1}%), \
             refused {} ({:.1}%), must-refuse refused {}/{}, answers that plan {}",
            self.total,
            self.right,
            pct(self.right),
            self.wrong_confident,
            pct(self.wrong_confident),
            self.refused,
            pct(self.refused),
            self.unanswerable_refused,
            self.unanswerable,
            self.planned
        ));
    }

    /// Fails when the part fell below its floor.
    pub(super) fn assert_floor(&self, name: &str, floor: Floor) {
        assert!(
            self.right >= floor.right && self.wrong_confident <= floor.wrong_confident,
            "{name}: right {} (floor {}), wrong-confident {} (ceiling {})",
            self.right,
            floor.right,
            self.wrong_confident,
            floor.wrong_confident
        );
    }
}

/// Prints past libtest's output capture, so the figures show in CI logs.
fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Whether every query of the request plans.
fn plans(engine: &Engine, query: &Query) -> bool {
    engine
        .prepare_request(&strata::QueryRequest::One(query.clone()))
        .is_ok_and(|p| p.queries.iter().all(|q| engine.plan(q).is_ok()))
}
