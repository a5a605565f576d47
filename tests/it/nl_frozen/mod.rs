//! Accuracy of the offline translator on the frozen question sets in
//! `tests/nl/frozen/` (see its README): written from the model YAML and the
//! data's value lists alone, by an author who never read the translator, and
//! never edited after they were frozen. They are evidence, not regression
//! tests: the translator is not tuned on them line by line.
//!
//! Every answer falls in one class:
//! * **right**: the query equals the expected one or an accepted alternative
//!   (member lists and filters as sets, date ranges compared as the days they
//!   resolve to on the pinned today, order and limit exactly), or a question
//!   that must be refused was refused;
//! * **wrong, confident**: a query for a different question, or an answer to a
//!   question that must be refused: the class that matters most;
//! * **refused**: an answerable question was refused or sent back for
//!   clarification: honest, but a miss.
//!
//! Each set lives in `tests/nl/<set>/`: its questions, a README saying who
//! wrote it and how, with the figures after each change to the translator,
//! and `floors.json`: whether it is held out (its misses are never printed),
//! its size, and its floors, the figures of the last measured run, so a
//! change that makes the translator worse on a set fails.

mod compare;
mod tally;

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use strata::llm::offline::OfflineParser;
use strata::llm::Translation;
use strata::Engine;

use crate::nl_offline::{conformance, demo, read_lines};
use tally::Tally;

/// The day the sets were written against.
const TODAY: (i32, u32, u32) = (2026, 6, 17);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).expect("valid date")
}

/// A set's `floors.json`.
#[derive(Debug, Deserialize)]
struct Manifest {
    /// The set's short name in printed figures ("v19").
    label: String,
    /// Held-out sets print figures only, never the questions missed.
    held_out: bool,
    demo_questions: usize,
    conformance_questions: usize,
    conversations: usize,
    floors: Floors,
}

/// The floors of a set's three parts.
#[derive(Debug, Deserialize)]
struct Floors {
    demo: Floor,
    conformance: Floor,
    followups: Floor,
}

/// The least right answers and the most wrong-confident ones a part may give.
#[derive(Debug, Clone, Copy, Deserialize)]
struct Floor {
    right: usize,
    wrong_confident: usize,
}

fn path(set: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/nl")
        .join(set)
        .join(name)
}

fn read(set: &str, name: &str) -> Vec<Value> {
    read_lines(&format!("{set}/{name}"))
}

fn manifest(set: &str) -> Manifest {
    let path = path(set, "floors.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad {}: {e}", path.display()))
}

fn run(parser: &OfflineParser<'_>, engine: &Engine, lines: &[Value]) -> Tally {
    let mut tally = Tally::default();
    for line in lines {
        let question = line["question"].as_str().expect("question");
        tally.record(engine, line, parser.translate(question, today()));
    }
    tally
}

/// Follow-up conversations, turn by turn through `refine`.
fn run_conversations(
    parser: &OfflineParser<'_>,
    engine: &Engine,
    conversations: &[Value],
) -> Tally {
    let mut tally = Tally::default();
    for conv in conversations {
        let mut previous: Option<Translation> = None;
        for turn in conv["turns"].as_array().expect("turns") {
            let question = turn["question"].as_str().expect("question");
            let result = match &previous {
                None => parser.translate(question, today()),
                Some(p) => parser.refine(p, question, today()),
            };
            // A refused turn ends the conversation's chances: the next turn
            // refines nothing, so it is translated as a new question.
            previous = tally.record(engine, turn, result);
        }
    }
    tally
}

/// Measures a set, prints its figures (and, unless it is held out, its
/// misses) and asserts its floors.
async fn check(set: &str) {
    let m = manifest(set);
    let misses = !m.held_out;
    let name = |part: &str| format!("{} {part}", m.label);

    let (catalog, engine, model) = demo().await;
    let parser = OfflineParser::for_model(&catalog, &model);
    let demo_lines = read(set, "demo.jsonl");
    assert_eq!(demo_lines.len(), m.demo_questions, "{set} demo questions");
    let demo_tally = run(&parser, &engine, &demo_lines);

    let (c_catalog, c_engine, c_model) = conformance();
    let c_parser = OfflineParser::for_model(&c_catalog, &c_model);
    let c_lines = read(set, "conformance.jsonl");
    assert_eq!(
        c_lines.len(),
        m.conformance_questions,
        "{set} conformance questions"
    );
    let c_tally = run(&c_parser, &c_engine, &c_lines);

    let conversations = read(set, "followups.jsonl");
    assert_eq!(conversations.len(), m.conversations, "{set} conversations");
    let f_tally = run_conversations(&parser, &engine, &conversations);

    // Sets without demo questions (v17, v18) skip that part.
    if m.demo_questions > 0 {
        demo_tally.report(&name("demo"), misses);
    }
    c_tally.report(&name("conformance"), misses);
    f_tally.report(&name("follow-up turns"), misses);
    demo_tally.assert_floor(&name("demo"), m.floors.demo);
    c_tally.assert_floor(&name("conformance"), m.floors.conformance);
    f_tally.assert_floor(&name("follow-ups"), m.floors.followups);
}

/// One test per set, so they run in parallel and each can be run alone
/// (`cargo test --test it nl_frozen::held_out_v19`).
macro_rules! set_tests {
    ($($name:ident => $set:literal,)*) => {
        /// Every set, in the order they were written: odd versions from v2
        /// on are held out, the others tuned on.
        const SETS: &[&str] = &[$($set),*];
        $(
            #[tokio::test]
            async fn $name() {
                check($set).await;
            }
        )*
    };
}

set_tests! {
    tuning_v1 => "frozen",
    held_out_v2 => "frozen_v2",
    tuning_v3 => "tuning_v3",
    tuning_v4 => "tuning_v4",
    held_out_v5 => "frozen_v5",
    tuning_v6 => "tuning_v6",
    held_out_v7 => "frozen_v7",
    tuning_v8 => "tuning_v8",
    held_out_v9 => "frozen_v9",
    tuning_v10 => "tuning_v10",
    held_out_v11 => "frozen_v11",
    tuning_v12 => "tuning_v12",
    held_out_v13 => "frozen_v13",
    tuning_v14 => "tuning_v14",
    held_out_v15 => "frozen_v15",
    tuning_v16 => "tuning_v16",
    held_out_v17 => "frozen_v17",
    tuning_v18 => "tuning_v18",
    held_out_v19 => "frozen_v19",
    tuning_v20 => "tuning_v20",
    held_out_v21 => "frozen_v21",
    tuning_v22 => "tuning_v22",
    held_out_v23 => "frozen_v23",
    tuning_v24 => "tuning_v24",
    held_out_v25 => "frozen_v25",
    tuning_v26 => "tuning_v26",
    held_out_v27 => "frozen_v27",
    tuning_v28 => "tuning_v28",
    held_out_v29 => "frozen_v29",
    tuning_v30 => "tuning_v30",
}

/// Every set's manifest agrees with the test list: held-out sets are the
/// `frozen_v*` directories, and every set directory is measured.
#[test]
fn every_set_has_a_manifest_and_a_test() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/nl");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/nl")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = SETS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "tests/nl set directories vs SETS");
    for &set in SETS {
        let m = manifest(set);
        let held_out = set.starts_with("frozen_v");
        assert_eq!(m.held_out, held_out, "{set}: held_out");
    }
}

#[tokio::test]
async fn no_prefix_of_any_set_question_panics() {
    let (catalog, _engine, model) = demo().await;
    let parser = OfflineParser::for_model(&catalog, &model);
    let (c_catalog, _c_engine, c_model) = conformance();
    let c_parser = OfflineParser::for_model(&c_catalog, &c_model);
    let previous = parser
        .translate("revenue by channel last month", today())
        .expect("a plain question");
    let mut translated = 0usize;
    for set in SETS {
        let demo_questions = read(set, "demo.jsonl");
        let conformance_questions = read(set, "conformance.jsonl");
        let lines = demo_questions
            .iter()
            .map(|l| (&parser, l))
            .chain(conformance_questions.iter().map(|l| (&c_parser, l)));
        for (p, line) in lines {
            let question = line["question"].as_str().expect("question");
            let words: Vec<&str> = question.split_whitespace().collect();
            for n in 1..=words.len() {
                let prefix = words[..n].join(" ");
                let _ = p.translate(&prefix, today());
                let _ = parser.refine(&previous, &prefix, today());
                translated += 1;
            }
        }
    }
    assert!(translated > 5_000, "{translated} prefixes");
}
