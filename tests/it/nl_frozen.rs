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
//! The floors asserted below are the figures of the last measured run, so a
//! change that makes the translator worse on these sets fails.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone as _, Utc};
use serde_json::Value;
use strata::engine::query::{DateRange, DateRangeSpec, Filter};
use strata::llm::offline::OfflineParser;
use strata::llm::{LlmError, Translation};
use strata::{Engine, Query};

use crate::nl_offline::{conformance, demo, json_of};

/// The day the sets were written against.
const TODAY: (i32, u32, u32) = (2026, 6, 17);

/// Measured floors: (right, wrong-confident ceiling) per set. The first run,
/// on the translator as it was before any change for these sets: demo
/// 69/150 right and 70 wrong-confident, conformance 20/60 and 33, follow-up
/// turns 37/45 and 6. After refusing changes and secrets, refusing unknown
/// values and splitting compared values: demo 83 and 53, conformance 26 and
/// 26, follow-ups unchanged. After clarification, date language, measure
/// verbs, superlatives and record listings: demo 101 and 39, conformance 32
/// and 21, follow-ups 41 and 2. After qualifier nouns, rate measures,
/// unplaced words asked back, extremes, lookups and narrowing follow-ups:
/// demo 134 and 12, conformance 42 and 10, follow-ups 44 and 0; with record
/// listings: demo 136 and 11; with identifiers below explicit titles and
/// synonyms: demo 138 and 9; with -ed words never corrected into nouns:
/// demo 139 and 8; with yes/no dimensions as conditions: demo 140 and 7.
/// With rows named by record words ("sales lines") and cube nouns before
/// their dimensions (2026-12-06, from the tuning set v3): conformance 44
/// and 9; with buyers counted where they bought: conformance 45 and 8; with
/// fragments of a name ("starting with Kingston"): demo 141 and 7. With the
/// conformance catalog's sample values read from the dataset as a server
/// reads them (every string column of at most 50 values, customer and product
/// names included, where the harness had listed only categories and cities):
/// conformance 47 and 5; with shares on a sibling cube, products bought and
/// ranked periods: conformance 49 and 3; with rolling windows: conformance
/// 50 and 3. With counts that only say whose figure it is (from v6): demo
/// 141 and 6, conformance 51 and 2.
/// With the v18 conformance rules (a family of values named by its first
/// words, "underwater" and "in the red" as losses, "P&L", margins as profit
/// beside sales, both ends of "between $100 and $500") and numbers the
/// answer does not use asked about: demo 144 and 0.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 145 and 0.
const DEMO_FLOOR: (usize, usize) = (145, 0);
/// With the v18 conformance rules (a family of values named by its first
/// words, "underwater" and "in the red" as losses, "P&L", margins as profit
/// beside sales, both ends of "between $100 and $500") and numbers the
/// answer does not use asked about: conformance 52 and 1.
const CONFORMANCE_FLOOR: (usize, usize) = (52, 1);
const FOLLOWUP_FLOOR: (usize, usize) = (44, 0);

/// Floors of the held-out set `tests/nl/frozen_v2/`, written on 2026-12-05
/// after the changes above. First run: demo 95/150 right and 47
/// wrong-confident, conformance 35/60 and 17, follow-up turns 39/45 and 2.
/// After the changes of 2026-12-06 (made looking at v1 only): demo 104 and
/// 26, conformance 41 and 9, follow-up turns 39 and 1; with record listings
/// and period-over-period words: demo 105 and 27 (one more right, one more
/// wrong), the rest unchanged; with identifiers below explicit titles and
/// synonyms: demo 106 and 26. After the changes of 2026-12-06 made looking at
/// the tuning set v3 only (sort phrases, counts a specific measure names,
/// records by key, bare months, filler words, days of earliest and latest):
/// demo 114 and 23, conformance 43 and 7; with initials, verb subjects and
/// "how much" spending: demo 115 and 21; with listed records keeping their
/// count's condition, business abbreviations and "new" counted things:
/// follow-up turns 40 and 1; with rows named by record words: conformance
/// 46 and 6; with periods, values and columns read in context: demo 117 and
/// 19; with irregular demonyms, joined values, participles and "which N":
/// demo 119 and 18; with chat shorthand, contractions, inclusive bounds and
/// follow-ups that replace or compare with the period before (made looking at
/// v3 and v4): demo 122 and 19, one more wrong-confident answer than before;
/// with shares on a sibling cube, products bought and ranked periods:
/// conformance 48 and 4; with rolling windows: conformance 49 and 4. With
/// follow-up edits that keep what was there and a number's percent read as
/// its unit (made looking at v4 and v6): demo 123 and 18, follow-up turns
/// 41 and 0. With spoken numbers, chat filler, days of one month and counts
/// that only say whose figure it is (made looking at v6): demo 125 and 17,
/// conformance 50 and 3. With years bound to the period before them,
/// comparison symbols, losses, ranked periods and listings by a verb (from
/// v6): demo 126 and 16, conformance 52 and 1; with periods, ranks and
/// returns in chat words: follow-up turns 42 and 0.
/// With the rules made looking at v16 only (weekdays, year-first periods,
/// display phrases, rates, counts beside figures, records beside amounts):
/// demo 136 and 6.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 137 and 6.
const V2_DEMO_FLOOR: (usize, usize) = (137, 6);
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): conformance 53 and 1.
const V2_CONFORMANCE_FLOOR: (usize, usize) = (53, 1);
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): follow-up turns 43 and 0, one right answer
/// fewer than before them (now refused; not looked at).
const V2_FOLLOWUP_FLOOR: (usize, usize) = (43, 0);

/// Floors of the tuning set `tests/nl/tuning_v3/`, written on 2026-12-06.
/// First run: demo 125/200 right and 37 wrong-confident, conformance 42/80
/// and 14, follow-up turns 51/60 and 7. After the first round of changes:
/// demo 149 and 30, conformance 47 and 10, follow-up turns 54 and 4; then
/// demo 153 and 26; then demo 159 and 24, conformance 48 and 10; with
/// negated lists and "the same day last year": follow-up turns 58 and 0;
/// with rows named by record words: conformance 53 and 10; with periods,
/// values and columns read in context: demo 165 and 18; with buyers counted
/// where they bought and columns named by their own words: demo 168 and 15,
/// conformance 54 and 9; with superlatives ranking the dimension they name:
/// demo 170 and 13; then demo 175 and 13; then conformance 56 and 8; with
/// fragments of a name: conformance 57 and 8; with the dataset's sample
/// values: conformance 58 and 8; then conformance 61 and 6; with "orders
/// placed" kept as orders: demo 176 and 12; with no measure repeated over a
/// joining cube's rows: demo 177 and 11; with rolling windows: conformance
/// 62 and 6; with comparison symbols and losses: conformance 63 and 5;
/// with periods, ranks and returns in chat words: demo 177 and 10; with a
/// shared synonym naming the plainly titled measure: demo 178 and 9; with
/// what is bought counted in orders: conformance 64 and 4. With weekdays,
/// year-first periods, display phrases and rates never swapped for another
/// (from v16): demo 183 and 6; with a filter that repeats a band dropped
/// ("small orders (under 50)"): demo 184 and 5.
/// With "what's in order X" listing the order's lines: demo 185 and 4.
/// With the later v20 rules (best sellers, one-word identifiers, SQL's
/// "order by 2", rows counted on their own cube, distinct counts the model
/// lacks asked about): demo 187 and 4.
const V3_DEMO_FLOOR: (usize, usize) = (187, 4);
/// With "over 2020" read as the year, not an amount (from v16):
/// conformance 65 and 4.
/// With the v18 conformance rules (a family of values named by its first
/// words, "underwater" and "in the red" as losses, "P&L", margins as profit
/// beside sales, both ends of "between $100 and $500") and numbers the
/// answer does not use asked about: conformance 66 and 4.
/// With "what's in order X" listing the order's lines: conformance 67 and 3.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): conformance 68 and 3.
const V3_CONFORMANCE_FLOOR: (usize, usize) = (68, 3);
/// With a turn that needs what the query's view lacks read on the view's
/// cubes ("sorry, I meant units" on `orders_overview`, "only premium
/// products" on `sales_overview`): follow-up turns 60 and 0.
const V3_FOLLOWUP_FLOOR: (usize, usize) = (60, 0);

/// Floors of the tuning set `tests/nl/tuning_v4/`, written on 2026-12-06
/// after the v3 changes up to `3d3b903`. First run: demo 98/150 right and
/// 16 wrong-confident (one must-refuse answered), conformance 35/60 and 8,
/// follow-up turns 37/45 and 6. After the first round: demo 127 and 10,
/// conformance 38 and 9, follow-up turns 43 and 0; with fragments of a name:
/// conformance 41 and 9; with the dataset's sample values: conformance 42
/// and 9; with conditions read from verbs and negations: demo 130 and 6;
/// then conformance 43 and 8; with "orders placed" kept as orders: demo
/// 131 and 5; with comparatives and a closing chart word: demo 135 and 5,
/// conformance 44 and 8; with rolling windows: conformance 45 and 8; with a
/// number's percent read as its unit: conformance 46 and 7; with follow-up
/// edits: follow-up turns 45 and 0; with spoken numbers, filler and counts
/// that only say whose figure it is: demo 136 and 5, conformance 47 and 7;
/// with comparison symbols and losses: conformance 49 and 6.
/// With a filter that repeats a band dropped ("large orders (250 and
/// above)"): demo 139 and 4.
/// With the v18 conformance rules (a family of values named by its first
/// words, "underwater" and "in the red" as losses, "P&L", margins as profit
/// beside sales, both ends of "between $100 and $500") and numbers the
/// answer does not use asked about: demo 139 and 3.
const V4_DEMO_FLOOR: (usize, usize) = (139, 3);
/// With "sales of more than 1000 in total" read as a condition on the
/// total: conformance 51 and 4.
const V4_CONFORMANCE_FLOOR: (usize, usize) = (51, 4);
const V4_FOLLOWUP_FLOOR: (usize, usize) = (45, 0);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).expect("valid date")
}

fn read(set: &str, name: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/nl")
        .join(set)
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
        .collect()
}

/// A query in comparable form.
#[derive(Debug, PartialEq, Eq)]
struct Comparable {
    measures: BTreeSet<String>,
    dimensions: BTreeSet<String>,
    segments: BTreeSet<String>,
    filters: BTreeSet<String>,
    time: Vec<ComparableTime>,
    order: Vec<(String, bool)>,
    limit: Option<u64>,
    ungrouped: bool,
}

/// A time dimension in comparable form: `(dimension, granularity, range,
/// compared ranges)`, ranges as the days they cover.
type ComparableTime = (String, Option<String>, Option<String>, Vec<String>);

/// The days a range covers on the pinned today, `from..to`.
fn days(spec: &DateRangeSpec) -> String {
    let now = Utc.from_utc_datetime(&today().and_hms_opt(12, 0, 0).expect("noon"));
    match DateRange::resolve(spec, chrono_tz::UTC, now) {
        Ok(r) => {
            let [from, to] = r.to_strings();
            format!("{}..{}", &from[..10], &to[..10])
        }
        Err(e) => format!("unresolvable {spec:?}: {e}"),
    }
}

fn filter_key(f: &Filter) -> String {
    match f {
        Filter::Member {
            member,
            operator,
            values,
        } => {
            let mut values: Vec<String> = values
                .iter()
                .map(|v| v.clone().unwrap_or_else(|| "null".into()))
                .collect();
            values.sort();
            format!("{member} {} {values:?}", operator.as_str())
        }
        Filter::And(items) => format!(
            "and{:?}",
            items.iter().map(filter_key).collect::<BTreeSet<_>>()
        ),
        Filter::Or(items) => format!(
            "or{:?}",
            items.iter().map(filter_key).collect::<BTreeSet<_>>()
        ),
    }
}

fn comparable(q: &Query) -> Comparable {
    let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
    Comparable {
        measures: set(&q.measures),
        dimensions: set(&q.dimensions),
        segments: set(&q.segments),
        filters: q.filters.iter().map(filter_key).collect(),
        time: q
            .time_dimensions
            .iter()
            .map(|td| {
                (
                    td.dimension.clone(),
                    td.granularity.map(|g| g.as_str().to_string()),
                    td.date_range.as_ref().map(days),
                    td.compare_date_range.iter().flatten().map(days).collect(),
                )
            })
            .collect(),
        order: q.order.clone().unwrap_or_default(),
        limit: q.limit,
        ungrouped: q.ungrouped,
    }
}

fn typed(v: &Value) -> Query {
    Query::from_json(v).unwrap_or_else(|e| panic!("frozen query {v} is invalid: {e}"))
}

/// Whether `got` answers the line: its query matches the expected one or an
/// alternative, and its chart is the one asked for (a comparison of periods
/// may be drawn as lines or bars).
fn is_right(line: &Value, got: &Translation, got_query: &Query) -> bool {
    let got = (
        comparable(got_query),
        got.chart.map(|c| c.as_str().to_string()),
    );
    let mut accepted = vec![&line["expected"]];
    accepted.extend(line["alternatives"].as_array().into_iter().flatten());
    let query_ok = accepted
        .into_iter()
        .filter(|q| !q.is_null())
        .any(|q| comparable(&typed(q)) == got.0);
    let chart_ok = match line.get("chart").and_then(Value::as_str) {
        None => true,
        Some(want) => {
            let compare = line["expected"]["timeDimensions"]
                .as_array()
                .is_some_and(|t| t.iter().any(|td| td.get("compareDateRange").is_some()));
            // A comparison of periods is drawn one series per range by the
            // chart recommendation when the question names no chart type.
            match got.1.as_deref() {
                Some(g) if g == want => true,
                None | Some("line" | "bar") if compare => true,
                _ => false,
            }
        }
    };
    query_ok && chart_ok
}

#[derive(Default, Debug)]
struct Tally {
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
    fn record(
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
    fn report(&self, name: &str, misses: bool) {
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

    fn assert_floor(&self, name: &str, (right, wrong): (usize, usize)) {
        assert!(
            self.right >= right && self.wrong_confident <= wrong,
            "{name}: right {} (floor {right}), wrong-confident {} (ceiling {wrong})",
            self.right,
            self.wrong_confident
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

fn run(parser: &OfflineParser<'_>, engine: &Engine, lines: &[Value]) -> Tally {
    let mut tally = Tally::default();
    for line in lines {
        let question = line["question"].as_str().expect("question");
        tally.record(engine, line, parser.translate(question, today()));
    }
    tally
}

/// The tallies of one frozen set: demo questions, conformance questions and
/// follow-up turns.
struct SetTallies {
    demo: Tally,
    conformance: Tally,
    followups: Tally,
}

/// The sizes of a set: demo lines, conformance lines, conversations.
/// Floors of the held-out set `tests/nl/frozen_v5/`, written on 2026-12-06
/// after the changes above. First run (translator at `9f32c27`): demo
/// 100/150 right and 19 wrong-confident, conformance 37/60 and 7, follow-up
/// turns 35/45 and 6. With follow-up edits that keep what was there (made
/// looking at v6): follow-up turns 37 and 5. With spoken numbers, chat
/// filler, days of one month and counts that only say whose figure it is:
/// demo 107 and 19, conformance 38 and 8 (one more wrong-confident answer,
/// not looked at), follow-up turns 40 and 3. With years bound to the period
/// before them, comparison symbols, losses, ranked periods and listings by
/// a verb: conformance 41 and 6. With periods, ranks and returns in chat
/// words (FY, fortnight, "rank", "sent back", "May vs May last year"): demo
/// 107 and 20, one more wrong-confident answer than the first run, not
/// looked at; with a shared synonym naming the plainly titled measure
/// ("sales", "turnover" are net revenue unless products are asked about):
/// demo 110 and 17. With the v8 rules (letters, chat follow-ups): demo
/// 114 and 16, follow-up turns 42 and 2; with "what did we make" read as
/// money (the policy's verb), conformance 42 and 7, one more wrong-confident
/// answer than before it (not looked at). The same rule brought v2's demo
/// and v7's conformance one right answer each, v8's conformance one wrong
/// fewer. With hedges cut and spoken self-corrections applied (made looking
/// at v10 only): demo 117 and 17, two more right and one more
/// wrong-confident (not looked at: a question once refused for a hedge or a
/// marker is now answered, and one such answer is wrong).
/// With the rules made looking at v16 only (weekdays, year-first periods,
/// display phrases, rates, counts beside figures, records beside amounts):
/// demo 121 and 12.
/// With the later v18 and tuning rules (turns leaning on nothing asked
/// about, "what's in order X", distinct counts, "having", "in total"): demo 123 and 10.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 124 and 10.
const V5_DEMO_FLOOR: (usize, usize) = (124, 10);
/// With the later v16 rules: conformance 46 and 3.
const V5_CONFORMANCE_FLOOR: (usize, usize) = (46, 3);
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): follow-up turns 44 and 0.
const V5_FOLLOWUP_FLOOR: (usize, usize) = (44, 0);

/// Floors of the tuning set `tests/nl/tuning_v6/`, written on 2026-12-06 in
/// the voices of v5. First run: demo 88/150 right and 23 wrong-confident
/// (one must-refuse answered), conformance 42/60 and 11, follow-up turns
/// 25/45 and 15. With follow-up edits that keep what was there: follow-up
/// turns 45 and 0. With spoken numbers, chat filler, days of one month and
/// counts that only say whose figure it is: demo 110 and 24. With years
/// bound to the period before them, comparison symbols, losses, ranked
/// periods and listings by a verb: demo 116 and 19, conformance 50 and 5;
/// with specific counts qualifying the plain one: demo 117 and 18; with
/// periods, ranks and returns in chat words: demo 121 and 18; with a shared
/// synonym naming the plainly titled measure: demo 123 and 16; with what is
/// bought counted in orders: demo 124 and 16; with keywords reached only
/// from the word as typed ("tablets" is not "table"): demo 125 and 15.
/// With "money given away in discounts" read as the discount amount alone:
/// demo 132 and 5.
/// With the v18 conformance rules (a family of values named by its first
/// words, "underwater" and "in the red" as losses, "P&L", margins as profit
/// beside sales, both ends of "between $100 and $500") and numbers the
/// answer does not use asked about: demo 132 and 3.
/// With "count distinct customers" read as the model's distinct count and
/// SQL's "having" as a condition on the total: demo 133 and 2.
/// With the later v20 rules (best sellers, one-word identifiers, SQL's
/// "order by 2", rows counted on their own cube, distinct counts the model
/// lacks asked about): demo 134 and 2.
const V6_DEMO_FLOOR: (usize, usize) = (134, 2);
/// With "count distinct customers" read as the model's distinct count and
/// SQL's "having" as a condition on the total: conformance 52 and 3.
/// With the later v20 rules (best sellers, one-word identifiers, SQL's
/// "order by 2", rows counted on their own cube, distinct counts the model
/// lacks asked about): conformance 53 and 2.
const V6_CONFORMANCE_FLOOR: (usize, usize) = (53, 2);
const V6_FOLLOWUP_FLOOR: (usize, usize) = (45, 0);

/// Floors of the held-out set `tests/nl/frozen_v7/`, written on 2026-12-06
/// by eight new YAML-only authors in new voices (Slack shorthand, a
/// non-native speaker, operations, marketing, investors, emailed requests,
/// a newcomer's everyday words, exclusions, unusual relative dates, chart
/// words). First run (translator at `cc2cde0`, before any change made after
/// the set was written): demo 76/150 right and 22 wrong-confident,
/// conformance 39/60 and 4, follow-up turns 28/45 and 8. With letters read
/// for their request, exclusions in other words, "MoM" over a year as a
/// series, weekends, everyday channel names and who placed the orders
/// (made looking at v8 only): demo 92 and 21, conformance 41 and 3,
/// follow-up turns 32 and 7. With chat follow-ups ("same but", "on those",
/// "the month before"), plural "which" as a few rows, both ends of a
/// ranking, first months of a year and periods no figure can be dated by
/// refused: demo 95 and 20, follow-up turns 35 and 5; with verbs of chat
/// ("what did we make", "lost the most"): conformance 42 and 3; with an
/// occasion told from a value by the whole value ("the board pack" is not
/// "Board Games"): demo 97 and 20; with "fall under", "deepest", "on
/// average" and "in terms of": conformance 44 and 3; with amounts per
/// order as the model's average and "when they pay" as no date: demo 99
/// and 18. With what the answer would leave out asked back (made looking at
/// v10): demo 98 and 18, one right answer now asked back (not looked at).
/// Made looking at v12 only: with background sentences, pivot specs,
/// holidays and the follow-up edits, demo 102 and 12; with figures per
/// record and shares read off distributions, demo 103 and 13 (one more
/// wrong-confident answer; not looked at).
/// With a negation reaching every value of its list (v14 round): demo 104
/// and 12.
/// With the rules made looking at v16 only (weekdays, year-first periods,
/// display phrases, rates, counts beside figures, records beside amounts):
/// demo 105 and 12.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 106 and 12.
const V7_DEMO_FLOOR: (usize, usize) = (106, 12);
/// With the later v16 rules: conformance 45 and 2.
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): conformance 46 and 2.
/// With the later v18 and tuning rules (turns leaning on nothing asked
/// about, "what's in order X", distinct counts, "having", "in total"): conformance 47 and 1.
const V7_CONFORMANCE_FLOOR: (usize, usize) = (47, 1);
const V7_FOLLOWUP_FLOOR: (usize, usize) = (35, 5);

/// Floors of the tuning set `tests/nl/tuning_v8/`, written on 2026-12-06 in
/// the voices of v7. First run: demo 87/150 right and 14 wrong-confident,
/// conformance 41/60 and 4, follow-up turns 27/45 and 12. With letters read
/// for their request and the rules that followed: demo 117 and 12,
/// conformance 42 and 4, follow-up turns 30 and 9; with chat follow-ups and
/// ranking words: demo 125 and 8, follow-up turns 41 and 3.
/// With the v16 rules: demo 132 and 2.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 133 and 2.
/// With the later v20 rules (best sellers, one-word identifiers, SQL's
/// "order by 2", rows counted on their own cube, distinct counts the model
/// lacks asked about): demo 134 and 2.
const V8_DEMO_FLOOR: (usize, usize) = (134, 2);
const V8_CONFORMANCE_FLOOR: (usize, usize) = (49, 0);
/// With the v18 follow-up edits ("every channel again", "sorry, I meant
/// units", "remove the limit", "one year back"): follow-up turns 43 and 1.
/// With a figure asked "on those" joining the one shown: follow-up turns
/// 44 and 0.
/// With a turn that needs what the query's view lacks read on the view's
/// cubes ("sorry, I meant units" on `orders_overview`, "only premium
/// products" on `sales_overview`): follow-up turns 45 and 0.
const V8_FOLLOWUP_FLOOR: (usize, usize) = (45, 0);

/// Floors of the held-out set `tests/nl/frozen_v9/`, written on 2026-12-06
/// by four new YAML-only authors in voices no earlier set used (yes/no
/// questions, unusual date forms, dashboard tiles, self-corrections, retail
/// words, the measure stated last). First run (translator at `354c857`,
/// before any change made after the set was written): demo 75/150 right and
/// 23 wrong-confident, conformance 26/60 and 8, follow-up turns 38/45 and 3.
/// With hedges cut, spoken self-corrections applied, yes/no questions read
/// as comparisons and dates written with slashes, apostrophes and ordinals
/// (made looking at v10 only): demo 95 and 21, conformance 38 and 4. With
/// a spoken number before a ranking word as the limit ("the five worst"),
/// number words never corrected as typos, and "remove the Germany filter"
/// no data change: demo 96 and 22, conformance 38 and 5 (one more right,
/// two more wrong-confident; not looked at). With a named grouping or value
/// the answer would leave out asked back, and an occasion set off at the
/// start ("For the March reconciliation:") cut: conformance 40 and 5. With
/// a ranking that ranks nothing and an amount made a grouping asked back:
/// demo 96 and 21; with a grouping whose rows each hold one value and a
/// dropped segment asked back: demo 96 and 20.
/// With the rules made looking at v16 only (weekdays, year-first periods,
/// display phrases, rates, counts beside figures, records beside amounts):
/// demo 109 and 13, follow-up turns 42 and 3.
/// With the later v18 and tuning rules (turns leaning on nothing asked
/// about, "what's in order X", distinct counts, "having", "in total"): demo 110 and 12.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 114 and 11.
/// With the later v20 rules (best sellers, one-word identifiers, SQL's
/// "order by 2", rows counted on their own cube, distinct counts the model
/// lacks asked about): demo 115 and 11.
const V9_DEMO_FLOOR: (usize, usize) = (115, 11);
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): conformance 40 and 4: one right answer
/// fewer and one wrong-confident answer fewer (not looked at).
const V9_CONFORMANCE_FLOOR: (usize, usize) = (40, 4);
/// With the later v18 and tuning rules (turns leaning on nothing asked
/// about, "what's in order X", distinct counts, "having", "in total"): follow-up turns 42 and 1.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): follow-up turns 43 and 0.
const V9_FOLLOWUP_FLOOR: (usize, usize) = (43, 0);

/// Floors of the tuning set `tests/nl/tuning_v10/`, written on 2026-12-06 in
/// the voices of v9 by four other authors. First run: demo 93/150 right and
/// 18 wrong-confident, conformance 20/60 and 9, follow-up turns 29/45 and 9.
/// With hedges, self-corrections, yes/no comparisons and written dates:
/// demo 124 and 13, conformance 28 and 6; with spoken limits: demo 125 and
/// 13, conformance 30 and 6; with what the answer would leave out asked
/// back and leading occasions cut: demo 125 and 11, conformance 34 and 6.
/// With the newest of a segment keeping the segment ("our most recent
/// business customer"): demo 138 and 1.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 139 and 0.
const V10_DEMO_FLOOR: (usize, usize) = (139, 0);
/// With a period whose "of" a chart took kept ("Pie chart of 2020 sales"):
/// conformance 37 and 1.
const V10_CONFORMANCE_FLOOR: (usize, usize) = (37, 1);
/// With the v18 follow-up edits: follow-up turns 36 and 3.
/// With a turn that leans on an earlier one ("by payment method pls",
/// "what's that as a margin percentage?") asked about when nothing comes
/// before it: follow-up turns 36 and 1.
/// With a turn that needs what the query's view lacks read on the view's
/// cubes ("sorry, I meant units" on `orders_overview`, "only premium
/// products" on `sales_overview`): follow-up turns 38 and 1.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): follow-up turns 39 and 1.
const V10_FOLLOWUP_FLOOR: (usize, usize) = (39, 1);

/// Floors of the held-out set `tests/nl/frozen_v11/`, written on 2026-12-06
/// by four new YAML-only authors in voices no earlier set used (passive and
/// multi-sentence questions, pivot-table specs, proportions, US and spelled
/// dates, trajectories, exclusions, text messages, ratios, three values side
/// by side). First run (translator at `3461635`, before any change made
/// after the set was written): demo 64/150 right and 18 wrong-confident,
/// conformance 35/60 and 4, follow-up turns 32/45 and 5. With background
/// sentences around the ask, pivot-table specs, holidays, exclusions in new
/// words, spans of months and "the first two weeks of April" (made looking
/// at v12 only): demo 85 and 15, follow-up turns 32 and 6 (one more
/// wrong-confident turn; not looked at). With follow-ups that drop a
/// grouping, undo a filter, put a condition on the rows shown, move the
/// range back ("the year before") and keep the figure when the order is
/// reversed: follow-up turns 35 and 5. With a figure per record beside
/// the count of the records, the share of one value read off its
/// distribution and growth between compared periods as totals: demo 91
/// and 12. With a question of chat before a spec ("Are B2B sign-ups
/// picking up? Monthly business sign-ups since 2025."), slashed dates
/// settled by each other, "mid-May", "via" and "all six regions": demo 89
/// and 12 while a background statement with an unknown plural noun was
/// asked back (seen on v12 to refuse "We onboarded a lot of companies");
/// with that check kept to background questions: demo 94 and 12. With
/// "sorted desc", "did not reach", "slice of" and a date column named
/// before its range ("order_date in 2020") as no series: demo 96 and 12,
/// conformance 36 and 4. With whose figure after "by" ("orders paid by
/// business customers"), units shipped as units sold and "without counting
/// returns": demo 97 and 11. With the v14 round (seasons, changes between
/// periods, conditions on totals, records over time, exclusions after the
/// value, follow-ups that go back to a measure, misspelt months): demo 96
/// and 12 (one right answer turned wrong-confident; not looked at),
/// conformance 37 and 3.
/// With the rules made looking at v16 only (weekdays, year-first periods,
/// display phrases, rates, counts beside figures, records beside amounts):
/// demo 98 and 12, conformance 36 and 3 (one right answer fewer, now
/// refused; not looked at), follow-up turns 37 and 4; then conformance 37
/// and 3.
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): demo 98 and 11.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 99 and 11.
const V11_DEMO_FLOOR: (usize, usize) = (99, 11);
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): conformance 38 and 3.
const V11_CONFORMANCE_FLOOR: (usize, usize) = (38, 3);
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): follow-up turns 39 and 3.
const V11_FOLLOWUP_FLOOR: (usize, usize) = (39, 3);

/// Floors of the tuning set `tests/nl/tuning_v12/`, written on 2026-12-06 in
/// the voices of v11 by four other authors. First run: demo 67/150 right
/// and 21 wrong-confident, conformance 33/60 and 7, follow-up turns 24/45
/// and 8. With background sentences, pivot specs, holidays, new exclusion
/// words and spans of months: demo 102 and 17, conformance 35 and 6,
/// follow-up turns 25 and 7; with the follow-up edits: follow-up turns 41
/// and 3; with figures per record, shares of one value and growth between
/// compared periods: demo 112 and 9; with chat questions before a spec,
/// slashed dates, "mid-May", "via" and "all six": demo 119 and 9; with
/// spec sorting and date columns: demo 121 and 9, conformance 39 and 5;
/// with whose figure after "by" and units shipped: demo 124 and 6.
/// With the v16 rules (weekdays, display phrases, counts beside figures,
/// records beside their amount): demo 128 and 6.
/// With the v18 conformance rules (a family of values named by its first
/// words, "underwater" and "in the red" as losses, "P&L", margins as profit
/// beside sales, both ends of "between $100 and $500") and numbers the
/// answer does not use asked about: demo 127 and 6 ("best day last week 4 orders?",
/// "4" for "for", is now asked about).
const V12_DEMO_FLOOR: (usize, usize) = (127, 6);
/// With "count distinct customers" read as the model's distinct count and
/// SQL's "having" as a condition on the total: conformance 40 and 4.
const V12_CONFORMANCE_FLOOR: (usize, usize) = (40, 4);
/// With a turn that leans on an earlier one ("by payment method pls",
/// "what's that as a margin percentage?") asked about when nothing comes
/// before it: follow-up turns 41 and 2.
const V12_FOLLOWUP_FLOOR: (usize, usize) = (41, 2);

/// Floors of the held-out set `tests/nl/frozen_v13/`, written on 2026-12-06
/// by four new YAML-only authors in voices no earlier set used (thresholds
/// on figures, seasons and rolling periods, records over time, change
/// between two periods, typos, several conditions with negation, numeric
/// ranges, questions across cubes, sort and presentation words). First run
/// (translator at `4df2bd9` plus a module split that changed no figure):
/// demo 78/150 right and 18 wrong-confident, conformance 37/60 and 6,
/// follow-up turns 32/45 and 3. With seasons, changes between periods,
/// headings kept and actions on records refused (made looking at v14
/// only): demo 92 and 21, conformance 40 and 7 (more wrong-confident; not
/// looked at). With the rows of conditions on totals, records over time,
/// numeric ranges, exclusions after the value, shared years and time-order
/// words: demo 95 and 19. With a change over one period made a series or
/// asked about, growth verbs comparing the periods named and an amount
/// never replaced by a first or last record's date: demo 97 and 17. With
/// conditions on the rows shown, spoken millions, follow-ups that go back
/// to a measure or to the same period of a named year, misspelt months and
/// "how much" never answered without an amount: demo 99 and 17, follow-up
/// turns 34 and 1.
/// With the rules made looking at v16 only (weekdays, year-first periods,
/// display phrases, rates, counts beside figures, records beside amounts):
/// demo 100 and 17. With sort words, money "taken in" and segments, bands
/// and dates said twice: demo 102 and 18 (two more right, one more
/// wrong-confident; not looked at: the commits were found by their figures
/// alone, and "record" as a ranking word, one of them, was narrowed after
/// it to "all-time record" and "record month").
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): demo 102 and 17.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 103 and 17.
const V13_DEMO_FLOOR: (usize, usize) = (103, 17);
/// With an amount after "in" said of grouped rows read as their total:
/// conformance 41 and 6.
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): conformance 42 and 6.
const V13_CONFORMANCE_FLOOR: (usize, usize) = (42, 6);
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): follow-up turns 36 and 1.
const V13_FOLLOWUP_FLOOR: (usize, usize) = (36, 1);

/// Floors of the tuning set `tests/nl/tuning_v14/`, written on 2026-12-06 in
/// the voices of v13 by four other authors. First run: demo 86/150 right
/// and 17 wrong-confident (8/10 must-refuse refused), conformance 34/60
/// and 7, follow-up turns 35/45 and 5. With seasons, change between two
/// periods ("how much did revenue change from Q1 to Q2", "the % change"),
/// headings that may name the subject kept ("Portugal: …") and actions on
/// records refused ("Cancel every marketplace order …"): demo 102 and 15
/// (10/10 must-refuse refused), conformance 41 and 7. With the rows of a
/// condition on a total named as a unit of time ("days with more than 300
/// orders") or a dimension's synonym ("customers who placed more than 10
/// orders"): demo 106 and 15. With records over time ("our biggest sign-up
/// month ever", "the busiest week"), both ends of "between 100 and 200" and
/// one exclusion per member: demo 112 and 14, follow-up turns 37 and 5.
/// With exclusions after the value ("Trailhead excluded") or behind a verb
/// ("didn't come through mobile"), a period after one with a year sharing
/// it ("H1 2020 against H2"), the records a condition names counted,
/// series in time order by words ("newest first") and "the single biggest
/// day": demo 118 and 9, conformance 43 and 6. With growth verbs and an
/// amount never replaced by a first or last record's date: demo 119 and 8.
/// With "only the ones above 50k", "2 million" and "TTM": demo 122 and 9
/// (the one more wrong-confident is "Margin TTM?", which the set expects as
/// the profit margin while the model gives "margin" as a synonym of profit).
/// With misspelt month names, possessives after "each" ("each of my
/// categories") and "how much" never answered without an amount: demo 123
/// and 9, conformance 44 and 4.
/// With a negation reaching every value of its list ("excluding returned
/// and cancelled orders", "... and anything paid with a gift card"): demo
/// 125 and 7.
/// With the rules made looking at v16 ("sorted Z to A", "alphabetically",
/// "how much did we take in"): demo 127 and 7; with a filter that only
/// repeats a segment dropped ("Open orders (processing or shipped)"): demo
/// 128 and 6; with "vs the same dates in 2025" moving the first range to
/// that year: demo 129 and 5.
const V14_DEMO_FLOOR: (usize, usize) = (129, 5);
/// With an amount after "in" said of grouped rows read as their total
/// ("products with at least 500 in sales"): conformance 46 and 2.
/// With the v18 conformance rules (a family of values named by its first
/// words, "underwater" and "in the red" as losses, "P&L", margins as profit
/// beside sales, both ends of "between $100 and $500") and numbers the
/// answer does not use asked about: conformance 48 and 1.
const V14_CONFORMANCE_FLOOR: (usize, usize) = (48, 1);
/// With "back to revenue, and put profit margin next to it" and "versus the
/// same period in 2025": follow-up turns 40 and 2.
/// With "money given away in discounts" and "the 10 slowest sellers":
/// follow-up turns 44 and 0.
const V14_FOLLOWUP_FLOOR: (usize, usize) = (44, 0);

/// Floors of the held-out set `tests/nl/frozen_v15/`, written on 2026-12-06
/// by four new YAML-only authors as an ordinary month of a whole team's
/// questions (about half plainly worded). First run (translator at
/// `decfa7f`, before any change made after the set was written): demo
/// 119/150 right and 8 wrong-confident, conformance 50/60 and 5, follow-up
/// turns 35/45 and 9.
/// With the rules made looking at v16 only (weekdays, year-first periods,
/// display phrases, rates, counts beside figures, records beside amounts):
/// demo 132 and 4; then demo 136 and 3; with a cube's name before one of
/// its members read as the cube's title again (the page's upload question
/// needs it): demo 135 and 3, one right answer now refused.
/// With the later v18 and tuning rules (turns leaning on nothing asked
/// about, "what's in order X", distinct counts, "having", "in total"): demo 136 and 2.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 138 and 2.
const V15_DEMO_FLOOR: (usize, usize) = (138, 2);
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): conformance 51 and 4.
/// With the later v18 and tuning rules (turns leaning on nothing asked
/// about, "what's in order X", distinct counts, "having", "in total"): conformance 52 and 3.
const V15_CONFORMANCE_FLOOR: (usize, usize) = (52, 3);
/// With "money given away in discounts" and "the 10 slowest sellers" (made
/// looking at v14 and v6 only): follow-up turns 38 and 6.
/// With "canceled" read as "cancelled" and a rate added in a follow-up
/// never over its own population: follow-up turns 40 and 4.
const V15_FOLLOWUP_FLOOR: (usize, usize) = (40, 4);

/// Floors of the tuning set `tests/nl/tuning_v16/`, written on 2026-12-06 in
/// the voices of v15 by four other authors. First run: demo 122/150 right
/// and 6 wrong-confident, conformance 47/60 and 4, follow-up turns 35/45
/// and 6. With days of the week ("since Monday", "last Tuesday"), periods
/// with the year first ("2026-W22", "2025-Q4"), quarters listed with commas,
/// "the same days last month", display phrases cut ("in thousands",
/// "rounded to one decimal"), "how are we tracking" as a hedge, the period
/// an occasion reports on kept ("for the November 2020 monthly report"), a
/// rate the model lacks refused ("open rate") and a rate never filtered to
/// what it measures: demo 135 and 4, conformance 49 and 2, follow-up turns
/// 37 and 6. With a count asked beside another figure ("how many, and how
/// much revenue?"), "the 5 best-selling products", records listed beside
/// the amount of their condition and "came in through the app": demo 139
/// and 1, follow-up turns 40 and 4. With the model's own names read as
/// their titles ("LineItems.profit_margin grouped by Products.brand", "sum
/// of line_items quantity"), who is asking cut ("As a merchandiser",
/// "Support team here") and "the same quarter last year" in a follow-up:
/// demo 141 and 1, conformance 51 and 2, follow-up turns 41 and 3. With a
/// filter that only repeats a segment dropped: demo 142 and 0. With a cube's
/// name before one of its members read as the cube's title again (as
/// nothing, it lost the uploaded cube a question named, "web_visits count
/// by region"): demo 141 and 0.
const V16_DEMO_FLOOR: (usize, usize) = (141, 0);
/// With "The CFO asked which …" read as an occasion and "over 2020" as the
/// year: conformance 52 and 2.
/// With the v18 conformance rules (a family of values named by its first
/// words, "underwater" and "in the red" as losses, "P&L", margins as profit
/// beside sales, both ends of "between $100 and $500") and numbers the
/// answer does not use asked about: conformance 53 and 2.
/// With "what's in order X" listing the order's lines: conformance 54 and 1.
const V16_CONFORMANCE_FLOOR: (usize, usize) = (54, 1);
/// With a turn that leans on an earlier one ("by payment method pls",
/// "what's that as a margin percentage?") asked about when nothing comes
/// before it: follow-up turns 41 and 2.
/// With "canceled"/"cancelld" read as "cancelled" and a rate added beside a
/// filtered count never over its own population: follow-up turns 44 and 1.
const V16_FOLLOWUP_FLOOR: (usize, usize) = (44, 1);

/// The sizes of a set: demo lines (none for v17 and v18), conformance
/// lines, conversations.
struct SetSize {
    demo: usize,
    conformance: usize,
    conversations: usize,
}

/// The size of the sets of 150 demo and 60 conformance questions and 15
/// conversations.
const FROZEN_SIZE: SetSize = SetSize {
    demo: 150,
    conformance: 60,
    conversations: 15,
};

async fn measure(set: &str, size: SetSize) -> SetTallies {
    let (catalog, engine, model) = demo().await;
    let parser = OfflineParser::for_model(&catalog, &model);
    let demo_lines = read(set, "demo.jsonl");
    assert_eq!(demo_lines.len(), size.demo);
    let demo_tally = run(&parser, &engine, &demo_lines);

    let (c_catalog, c_engine, c_model) = conformance();
    let c_parser = OfflineParser::for_model(&c_catalog, &c_model);
    let c_lines = read(set, "conformance.jsonl");
    assert_eq!(c_lines.len(), size.conformance);
    let c_tally = run(&c_parser, &c_engine, &c_lines);

    let conversations = read(set, "followups.jsonl");
    assert_eq!(conversations.len(), size.conversations);
    let mut f_tally = Tally::default();
    for conv in &conversations {
        let mut previous: Option<Translation> = None;
        for turn in conv["turns"].as_array().expect("turns") {
            let question = turn["question"].as_str().expect("question");
            let result = match &previous {
                None => parser.translate(question, today()),
                Some(p) => parser.refine(p, question, today()),
            };
            // A refused turn ends the conversation's chances: the next turn
            // refines nothing, so it is translated as a new question.
            previous = f_tally.record(&engine, turn, result);
        }
    }
    SetTallies {
        demo: demo_tally,
        conformance: c_tally,
        followups: f_tally,
    }
}

/// Measures a set, prints its figures (and, for a tuning set, its misses)
/// and asserts its floors: demo, conformance and follow-ups, in that order.
async fn check(set: &str, label: &str, size: SetSize, misses: bool, floors: [(usize, usize); 3]) {
    let demo_size = size.demo;
    let t = measure(set, size).await;
    let name = |part: &str| {
        if label.is_empty() {
            part.to_owned()
        } else {
            format!("{label} {part}")
        }
    };
    // Sets without demo questions (v17, v18) skip that part.
    if demo_size > 0 {
        t.demo.report(&name("demo"), misses);
    }
    t.conformance.report(&name("conformance"), misses);
    t.followups.report(&name("follow-up turns"), misses);
    t.demo.assert_floor(&name("demo"), floors[0]);
    t.conformance.assert_floor(&name("conformance"), floors[1]);
    t.followups.assert_floor(&name("follow-ups"), floors[2]);
}

#[tokio::test]
async fn frozen_sets() {
    check(
        "frozen",
        "",
        FROZEN_SIZE,
        true,
        [DEMO_FLOOR, CONFORMANCE_FLOOR, FOLLOWUP_FLOOR],
    )
    .await;
}

/// The second frozen set (`tests/nl/frozen_v2/`), held out: the translator
/// is never changed while looking at its questions, so only the figures are
/// printed, never the questions missed.
#[tokio::test]
async fn held_out_frozen_sets() {
    check(
        "frozen_v2",
        "v2",
        FROZEN_SIZE,
        false,
        [V2_DEMO_FLOOR, V2_CONFORMANCE_FLOOR, V2_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The third frozen set (`tests/nl/frozen_v5/`), held out like v2: written
/// on 2026-12-06 by four new YAML-only authors in other voices, and never
/// looked at while changing the translator.
#[tokio::test]
async fn second_held_out_set() {
    check(
        "frozen_v5",
        "v5",
        FROZEN_SIZE,
        false,
        [V5_DEMO_FLOOR, V5_CONFORMANCE_FLOOR, V5_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The fourth frozen set (`tests/nl/frozen_v7/`), held out like v2 and v5.
#[tokio::test]
async fn third_held_out_set() {
    check(
        "frozen_v7",
        "v7",
        FROZEN_SIZE,
        false,
        [V7_DEMO_FLOOR, V7_CONFORMANCE_FLOOR, V7_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The tuning set `tests/nl/tuning_v3/` (see its README), written after v2 by
/// authors who read only the model YAML and the value lists. The translator
/// is tuned on it, so its misses are printed and its figures are regression
/// floors, not evidence: the evidence is the held-out v2 set above.
#[tokio::test]
async fn tuning_set() {
    let size = SetSize {
        demo: 200,
        conformance: 80,
        conversations: 20,
    };
    check(
        "tuning_v3",
        "v3",
        size,
        true,
        [V3_DEMO_FLOOR, V3_CONFORMANCE_FLOOR, V3_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The second tuning set `tests/nl/tuning_v4/` (see its README), written by
/// new YAML-only authors in other voices; like v3, tuned on.
#[tokio::test]
async fn second_tuning_set() {
    let size = SetSize {
        demo: 150,
        conformance: 60,
        conversations: 15,
    };
    check(
        "tuning_v4",
        "v4",
        size,
        true,
        [V4_DEMO_FLOOR, V4_CONFORMANCE_FLOOR, V4_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The third tuning set `tests/nl/tuning_v6/` (see its README), written in
/// the voices of the held-out v5 by other YAML-only authors; tuned on.
#[tokio::test]
async fn third_tuning_set() {
    check(
        "tuning_v6",
        "v6",
        FROZEN_SIZE,
        true,
        [V6_DEMO_FLOOR, V6_CONFORMANCE_FLOOR, V6_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The fourth tuning set `tests/nl/tuning_v8/` (see its README), written in
/// the voices of the held-out v7 by other YAML-only authors; tuned on.
#[tokio::test]
async fn fourth_tuning_set() {
    check(
        "tuning_v8",
        "v8",
        FROZEN_SIZE,
        true,
        [V8_DEMO_FLOOR, V8_CONFORMANCE_FLOOR, V8_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The fifth frozen set (`tests/nl/frozen_v9/`), held out like v2, v5 and v7.
#[tokio::test]
async fn fourth_held_out_set() {
    check(
        "frozen_v9",
        "v9",
        FROZEN_SIZE,
        false,
        [V9_DEMO_FLOOR, V9_CONFORMANCE_FLOOR, V9_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The fifth tuning set `tests/nl/tuning_v10/` (see its README), written in
/// the voices of the held-out v9 by other YAML-only authors; tuned on.
#[tokio::test]
async fn fifth_tuning_set() {
    check(
        "tuning_v10",
        "v10",
        FROZEN_SIZE,
        true,
        [V10_DEMO_FLOOR, V10_CONFORMANCE_FLOOR, V10_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The sixth frozen set (`tests/nl/frozen_v11/`), held out like v2, v5, v7
/// and v9: only its figures are printed.
#[tokio::test]
async fn fifth_held_out_set() {
    check(
        "frozen_v11",
        "v11",
        FROZEN_SIZE,
        false,
        [V11_DEMO_FLOOR, V11_CONFORMANCE_FLOOR, V11_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The sixth tuning set `tests/nl/tuning_v12/` (see its README), written in
/// the voices of the held-out v11 by other YAML-only authors; tuned on.
#[tokio::test]
async fn sixth_tuning_set() {
    check(
        "tuning_v12",
        "v12",
        FROZEN_SIZE,
        true,
        [V12_DEMO_FLOOR, V12_CONFORMANCE_FLOOR, V12_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The seventh frozen set (`tests/nl/frozen_v13/`), held out like v2, v5,
/// v7, v9 and v11: only its figures are printed.
#[tokio::test]
async fn sixth_held_out_set() {
    check(
        "frozen_v13",
        "v13",
        FROZEN_SIZE,
        false,
        [V13_DEMO_FLOOR, V13_CONFORMANCE_FLOOR, V13_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The seventh tuning set `tests/nl/tuning_v14/` (see its README), written
/// in the voices of the held-out v13 by other YAML-only authors; tuned on.
#[tokio::test]
async fn seventh_tuning_set() {
    check(
        "tuning_v14",
        "v14",
        FROZEN_SIZE,
        true,
        [V14_DEMO_FLOOR, V14_CONFORMANCE_FLOOR, V14_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The eighth frozen set (`tests/nl/frozen_v15/`), held out like v2, v5,
/// v7, v9, v11 and v13: only its figures are printed.
#[tokio::test]
async fn seventh_held_out_set() {
    check(
        "frozen_v15",
        "v15",
        FROZEN_SIZE,
        false,
        [V15_DEMO_FLOOR, V15_CONFORMANCE_FLOOR, V15_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The eighth tuning set `tests/nl/tuning_v16/` (see its README), written
/// in the voices of the held-out v15 by other YAML-only authors; tuned on.
#[tokio::test]
async fn eighth_tuning_set() {
    check(
        "tuning_v16",
        "v16",
        FROZEN_SIZE,
        true,
        [V16_DEMO_FLOOR, V16_CONFORMANCE_FLOOR, V16_FOLLOWUP_FLOOR],
    )
    .await;
}

/// Every word-prefix of every question of every set, as a question and as a
/// follow-up, is translated or refused, never a panic: prefixes end where
/// rules look one or two words ahead ("first quarter 2024").
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
    for set in [
        "frozen",
        "frozen_v2",
        "frozen_v5",
        "frozen_v7",
        "frozen_v9",
        "frozen_v11",
        "frozen_v13",
        "tuning_v3",
        "tuning_v4",
        "tuning_v6",
        "tuning_v8",
        "tuning_v10",
        "tuning_v12",
        "tuning_v14",
        "frozen_v15",
        "tuning_v16",
        "frozen_v17",
        "tuning_v18",
    ] {
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

/// The size of v17 and v18: no demo questions, 60 conformance questions and
/// 30 conversations.
const CONVERSATION_SIZE: SetSize = SetSize {
    demo: 0,
    conformance: 60,
    conversations: 30,
};

/// Floors of the held-out set `tests/nl/frozen_v17/`, written on 2026-12-06
/// by four new YAML-only authors: conversations on the chat page (drilling
/// in and back out, moving periods, swapping measures, ranking) and the
/// conformance shop asked by a regional sales manager and by finance. First
/// run (translator at `e16f5d4`, before any change made after the set was
/// written): conformance 46/60 right and 4 wrong-confident (4/5 must-refuse
/// refused), follow-up turns 76/90 and 11.
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): conformance 47 and 2.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): conformance 49 and 2.
const V17_CONFORMANCE_FLOOR: (usize, usize) = (49, 2);
/// With the rules made looking at v18 only (follow-ups that take back,
/// move back, lift limits and re-sort; shop-floor words, families of values,
/// numbers the answer would drop asked about): follow-up turns 80 and 8.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): follow-up turns 83 and 6.
const V17_FOLLOWUP_FLOOR: (usize, usize) = (83, 6);

/// Floors of the tuning set `tests/nl/tuning_v18/`, written on 2026-12-06 in
/// the voices of v17 by four other authors. First run: conformance 43/60
/// right and 2 wrong-confident, follow-up turns 74/90 and 8.
/// With the v18 conformance rules (a family of values named by its first
/// words, "underwater" and "in the red" as losses, "P&L", margins as profit
/// beside sales, both ends of "between $100 and $500") and numbers the
/// answer does not use asked about: conformance 51 and 0.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): conformance 52 and 0.
const V18_CONFORMANCE_FLOOR: (usize, usize) = (52, 0);
/// With follow-ups that take back what was asked ("sorry, I meant units"),
/// move the period back by a count ("one year back", "a year earlier"),
/// lift a limit ("remove the limit", "show all of them again"), sort by
/// name or by a measure shown ("rank by revenue instead"), swap a value
/// ("France instead of Germany"), lift a filter and keep the grouping
/// ("every channel again"), drop the date range ("take off the date
/// range") or a grouping ("lose the category split"), and a rate never
/// split by the yes/no condition it measures: follow-up turns 86 and 1.
/// With a turn that needs what the query's view lacks read on the view's
/// cubes ("sorry, I meant units" on `orders_overview`, "only premium
/// products" on `sales_overview`): follow-up turns 90 and 0.
const V18_FOLLOWUP_FLOOR: (usize, usize) = (90, 0);

/// The ninth held-out set `tests/nl/frozen_v17/` (see its README):
/// conversations and conformance questions only; figures printed, never
/// the questions missed.
#[tokio::test]
async fn ninth_held_out_set() {
    check(
        "frozen_v17",
        "v17",
        CONVERSATION_SIZE,
        false,
        [(0, 0), V17_CONFORMANCE_FLOOR, V17_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The ninth tuning set `tests/nl/tuning_v18/` (see its README), written in
/// the voices of the held-out v17 by other YAML-only authors; tuned on.
#[tokio::test]
async fn ninth_tuning_set() {
    check(
        "tuning_v18",
        "v18",
        CONVERSATION_SIZE,
        true,
        [(0, 0), V18_CONFORMANCE_FLOOR, V18_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The size of the sets with 150 demo questions, 60 conformance questions
/// and 30 conversations (v19, v20).
const FULL_CONVERSATION_SIZE: SetSize = SetSize {
    demo: 150,
    conformance: 60,
    conversations: 30,
};

/// Floors of the held-out set `tests/nl/frozen_v19/`, written on 2026-12-06
/// by four new YAML-only authors: operations and a CEO's weekly summary, a
/// merchandiser and a growth marketer on the demo; a shop owner on a phone
/// and an analyst in half-SQL on the conformance model; an executive's
/// pronoun-heavy turns and an analyst building a chart step by step. First
/// run (translator at `f0135db`, before any change made after the set was
/// written): demo 117/150 right and 13 wrong-confident, conformance 33/60
/// and 6, follow-up turns 73/90 and 9.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 121 and 12.
const V19_DEMO_FLOOR: (usize, usize) = (121, 12);
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): conformance 35 and 6.
/// With the later v20 rules (best sellers, one-word identifiers, SQL's
/// "order by 2", rows counted on their own cube, distinct counts the model
/// lacks asked about): conformance 39 and 6.
const V19_CONFORMANCE_FLOOR: (usize, usize) = (39, 6);
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): follow-up turns 75 and 10, two more right
/// and one more wrong-confident answer than the first run (not looked at).
const V19_FOLLOWUP_FLOOR: (usize, usize) = (75, 10);

/// Floors of the tuning set `tests/nl/tuning_v20/`, written on 2026-12-06 in
/// the voices of v19 by four other authors. First run: demo 119/150 right
/// and 8 wrong-confident, conformance 39/60 and 3, follow-up turns 76/90
/// and 5.
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): demo 131 and 7.
/// With the later v20 rules (best sellers, one-word identifiers, SQL's
/// "order by 2", rows counted on their own cube, distinct counts the model
/// lacks asked about): demo 134 and 6.
/// With orders' lines counted as lines, a total asked beside a specific
/// count, and a value put "next to it" shown beside the other: demo 136
/// and 4.
/// With holidays' weeks ("thanksgiving week 2020") and people named before
/// an ask about them kept with it: demo 136 and 3.
/// With every grouping of a list after "by" kept ("orders by channel and
/// status"): demo 137 and 3.
const V20_DEMO_FLOOR: (usize, usize) = (137, 3);
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): conformance 41 and 3.
/// With the later v20 rules (best sellers, one-word identifiers, SQL's
/// "order by 2", rows counted on their own cube, distinct counts the model
/// lacks asked about): conformance 48 and 1.
/// With holidays' weeks ("thanksgiving week 2020") and people named before
/// an ask about them kept with it: conformance 49 and 0.
const V20_CONFORMANCE_FLOOR: (usize, usize) = (49, 0);
/// With the rules made looking at v20 only (chat edits of rows, groupings,
/// rates and sibling measures; busy days, shop and opt-in words; sample
/// values read in a fixed order): follow-up turns 88 and 1.
/// With orders' lines counted as lines, a total asked beside a specific
/// count, and a value put "next to it" shown beside the other: follow-up turns 89
/// and 0.
const V20_FOLLOWUP_FLOOR: (usize, usize) = (89, 0);

/// The tenth held-out set `tests/nl/frozen_v19/` (see its README): figures
/// printed, never the questions missed.
#[tokio::test]
async fn tenth_held_out_set() {
    check(
        "frozen_v19",
        "v19",
        FULL_CONVERSATION_SIZE,
        false,
        [V19_DEMO_FLOOR, V19_CONFORMANCE_FLOOR, V19_FOLLOWUP_FLOOR],
    )
    .await;
}

/// The tenth tuning set `tests/nl/tuning_v20/` (see its README), written in
/// the voices of the held-out v19 by other YAML-only authors; tuned on.
#[tokio::test]
async fn tenth_tuning_set() {
    check(
        "tuning_v20",
        "v20",
        FULL_CONVERSATION_SIZE,
        true,
        [V20_DEMO_FLOOR, V20_CONFORMANCE_FLOOR, V20_FOLLOWUP_FLOOR],
    )
    .await;
}
