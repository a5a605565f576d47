//! Hostile dates over HTTP: relative ranges with huge counts, far dates, huge rolling-window
//! and time-shift intervals, time series with too many buckets and `compareDateRange` with
//! too many ranges must each get a 4xx JSON `{"error": ...}` naming the problem: never a
//! closed connection (a panic) nor a 5xx (the database or DataFusion refusing what the engine
//! generated). Afterwards the server must still answer `/livez` and sane queries.
//!
//! Three back ends: the bundled demo (DataFusion over in-memory tables), CSV files (DataFusion,
//! with a model holding rolling windows and time shifts) and PostgreSQL (own database
//! `strata_hardening_dates`, same model).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use strata_engine::PgConfig;
use strata_server::{EngineSettings, RunningServer, ServerConfig};

use crate::common::{pg_client, start_demo_server};

/// The database the PostgreSQL cases run on (created by the test).
const DB: &str = "strata_hardening_dates";

/// What a case must get.
enum Expect {
    /// A 4xx JSON `{"error"}` whose message contains one of these (case-insensitively).
    Refused(&'static [&'static str]),
    /// HTTP 200 with data: a sane query the bounds must not refuse.
    Answered,
}

struct Case {
    name: String,
    query: Value,
    expect: Expect,
}

fn refused(name: &str, query: Value, mentions: &'static [&'static str]) -> Case {
    Case {
        name: name.to_string(),
        query,
        expect: Expect::Refused(mentions),
    }
}

fn answered(name: &str, query: Value) -> Case {
    Case {
        name: name.to_string(),
        query,
        expect: Expect::Answered,
    }
}

/// Words an out-of-range date error mentions.
const RANGE: &[&str] = &["out of range", "between"];

/// Member names of a back end's model.
struct Members {
    count: &'static str,
    time: &'static str,
}

const DEMO: Members = Members {
    count: "Orders.count",
    time: "Orders.created_at",
};

const EVENTS: Members = Members {
    count: "Events.count",
    time: "Events.createdAt",
};

/// A count over a time dimension with this `dateRange`.
fn ranged(m: &Members, range: Value) -> Value {
    json!({"measures": [m.count], "timeDimensions": [{"dimension": m.time, "dateRange": range}]})
}

/// Date cases every back end must refuse.
fn date_cases(m: &Members) -> Vec<Case> {
    let mut v = Vec::new();
    for phrase in [
        "last 99999999999 days",
        "next 99999999999 years",
        "last 99999999999 weeks",
        "next 99999999999 months",
        "last 9999999999 quarters",
        "last 4294967296 months",
        "99999999999 days ago",
        "from 99999999999 days ago to now",
        "from 99999999999 years ago to now",
        "last 9223372036854775807 years",
    ] {
        v.push(refused(phrase, ranged(m, json!(phrase)), RANGE));
    }
    // Years beyond 9999 need a sign to parse ("+10000-01-01"); without one they are not dates.
    v.push(refused(
        "year 99999",
        ranged(m, json!(["2020-01-01", "99999-12-31"])),
        &["invalid date", "out of range"],
    ));
    v.push(refused(
        "year +99999",
        ranged(m, json!(["2020-01-01", "+99999-12-31"])),
        RANGE,
    ));
    v.push(refused(
        "year +10000",
        ranged(m, json!(["2020-01-01", "+10000-01-01"])),
        RANGE,
    ));
    v.push(refused(
        "year 0",
        ranged(m, json!(["0000-06-01", "2020-01-01"])),
        RANGE,
    ));
    v.push(refused(
        "year -99999",
        ranged(m, json!(["-99999-01-01", "2020-01-01"])),
        RANGE,
    ));
    v.push(refused(
        "year +262000 (near chrono's last)",
        ranged(m, json!("from 2020-01-01 to +262000-12-31")),
        RANGE,
    ));
    v.push(refused(
        "year 9999 in New York (year 10000 in UTC)",
        json!({"measures": [m.count], "timezone": "America/New_York", "timeDimensions": [
            {"dimension": m.time, "dateRange": ["2020-01-01", "9999-12-31"]}]}),
        RANGE,
    ));
    v.push(refused(
        "impossible date",
        ranged(m, json!(["2020-13-45", "2020-12-31"])),
        &["invalid date"],
    ));
    v.push(refused(
        "inDateRange to year +99999",
        json!({"measures": [m.count], "filters": [
            {"member": m.time, "operator": "inDateRange", "values": ["2020-01-01", "+99999-01-01"]}]}),
        &["not a date", "out of range"],
    ));
    v.push(refused(
        "afterDate year +99999",
        json!({"measures": [m.count], "filters": [
            {"member": m.time, "operator": "afterDate", "values": ["+99999-01-01"]}]}),
        &["not a date", "out of range"],
    ));
    let many: Vec<Value> = (0..1000)
        .map(|i| json!([format!("2020-01-{:02}", i % 28 + 1), "2020-12-31"]))
        .collect();
    v.push(refused(
        "compareDateRange with 1,000 ranges",
        json!({"measures": [m.count], "timeDimensions": [
            {"dimension": m.time, "granularity": "month", "compareDateRange": many}]}),
        &["compareDateRange"],
    ));
    v.push(refused(
        "compareDateRange with a huge range",
        json!({"measures": [m.count], "timeDimensions": [
            {"dimension": m.time, "compareDateRange": ["this year", "last 99999999999 days"]}]}),
        RANGE,
    ));
    // Sane ranges still work.
    v.push(answered("last 7 days", ranged(m, json!("last 7 days"))));
    v.push(answered(
        "compareDateRange of two years",
        json!({"measures": [m.count], "timeDimensions": [
            {"dimension": m.time, "compareDateRange": [["2023-01-01", "2023-12-31"], ["2024-01-01", "2024-12-31"]]}]}),
    ));
    v
}

/// A rolling-window measure of the Events model by `granularity` over `range`.
fn rolling(measure: &str, granularity: &str, range: Value) -> Value {
    json!({"measures": [format!("Events.{measure}")], "timeDimensions": [
        {"dimension": "Events.createdAt", "granularity": granularity, "dateRange": range}]})
}

/// Rolling-window and time-shift cases of the Events model, on every back end.
fn window_cases() -> Vec<Case> {
    let year2020 = json!(["2020-01-01", "2020-12-31"]);
    vec![
        refused(
            "rolling window trailing 99999999999 day",
            rolling("rollingHugeDays", "day", year2020.clone()),
            &["interval", "out of range"],
        ),
        refused(
            "rolling window leading 99999999999 year",
            rolling("rollingHugeYears", "month", year2020.clone()),
            &["interval", "out of range"],
        ),
        refused(
            "rolling window trailing 99999999999 second",
            rolling("rollingHugeSeconds", "day", year2020.clone()),
            &["interval", "out of range"],
        ),
        refused(
            "rolling window trailing 9000 year (before year 1)",
            rolling("rolling9000Years", "year", year2020.clone()),
            &["interval", "out of range"],
        ),
        refused(
            "rolling window without granularity, trailing 99999999999 day",
            json!({"measures": ["Events.rollingHugeDays"], "timeDimensions": [
                {"dimension": "Events.createdAt", "dateRange": year2020.clone()}]}),
            &["interval", "out of range"],
        ),
        refused(
            "rolling window by second over 50 years",
            rolling(
                "rolling2Days",
                "second",
                json!(["1990-01-01", "2039-12-31"]),
            ),
            &["buckets"],
        ),
        refused(
            "rolling window by second over one day (86,400 buckets)",
            rolling(
                "rolling2Days",
                "second",
                json!(["2020-01-01", "2020-01-01"]),
            ),
            &["buckets"],
        ),
        refused(
            "time shift of 99999999999 day",
            json!({"measures": ["Events.priorHuge"], "timeDimensions": [
                {"dimension": "Events.createdAt", "granularity": "month", "dateRange": year2020.clone()}]}),
            &["interval", "out of range"],
        ),
        refused(
            "time shift of 99999999999 day, no date range",
            json!({"measures": ["Events.priorHuge"], "timeDimensions": [
                {"dimension": "Events.createdAt", "granularity": "month"}]}),
            &["interval", "out of range"],
        ),
        answered(
            "rolling window of 2 days by day over 2020",
            rolling("rolling2Days", "day", year2020.clone()),
        ),
        answered(
            "time shift of 1 year",
            json!({"measures": ["Events.priorYear"], "timeDimensions": [
                {"dimension": "Events.createdAt", "granularity": "month", "dateRange": ["2021-01-01", "2021-12-31"]}]}),
        ),
    ]
}

/// The Events model; `data_source` names the cube's data source (`None`: the default).
fn events_model(data_source: Option<&str>) -> String {
    let source = data_source
        .map(|s| format!("    data_source: {s}\n"))
        .unwrap_or_default();
    format!(
        r#"cubes:
  - name: Events
    sql_table: events
{source}    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: createdAt
        sql: created_at
        type: time
    measures:
      - name: count
        type: count
      - name: amount
        sql: amount
        type: sum
      - name: rolling2Days
        sql: amount
        type: sum
        rolling_window: {{trailing: 2 day}}
      - name: rollingHugeDays
        sql: amount
        type: sum
        rolling_window: {{trailing: 99999999999 day}}
      - name: rollingHugeYears
        sql: amount
        type: sum
        rolling_window: {{trailing: unbounded, leading: 99999999999 year}}
      - name: rollingHugeSeconds
        sql: amount
        type: sum
        rolling_window: {{trailing: 99999999999 second}}
      - name: rolling9000Years
        sql: amount
        type: sum
        rolling_window: {{trailing: 9000 year, offset: start}}
      - name: rolling300Years
        sql: amount
        type: sum
        rolling_window: {{trailing: 300 year}}
      - name: priorYear
        sql: "{{amount}}"
        type: number
        multi_stage: true
        time_shift: [{{interval: 1 year, type: prior}}]
      - name: priorHuge
        sql: "{{amount}}"
        type: number
        multi_stage: true
        time_shift: [{{interval: 99999999999 day, type: prior}}]
"#
    )
}

/// Rows of the Events table: (id, created_at, amount).
const EVENT_ROWS: &[(i64, &str, f64)] = &[
    (1, "2020-01-05T10:00:00", 10.0),
    (2, "2020-01-06T11:00:00", 20.0),
    (3, "2020-03-15T12:00:00", 5.5),
    (4, "2020-07-01T00:00:00", 7.0),
    (5, "2021-02-03T09:30:00", 3.0),
];

/// Sends one `/load` query; a transport failure (closed connection) is an `Err`.
async fn load(http: &reqwest::Client, base: &str, query: &Value) -> Result<(u16, String), String> {
    let resp = http
        .post(format!("{base}/cubejs-api/v1/load"))
        .json(&json!({ "query": query }))
        .send()
        .await
        .map_err(|e| format!("no answer (connection closed?): {e}"))?;
    let status = resp.status().as_u16();
    let text = resp
        .text()
        .await
        .map_err(|e| format!("HTTP {status}, body unreadable: {e}"))?;
    Ok((status, text))
}

fn abbreviate(s: &str) -> String {
    match s.char_indices().nth(400) {
        Some((i, _)) => format!("{}… ({} bytes)", &s[..i], s.len()),
        None => s.to_string(),
    }
}

/// Runs `cases` against the server at `base`, then checks `/livez`; panics listing every
/// failure.
async fn check(backend: &str, base: &str, cases: &[Case]) {
    let base = base.trim_end_matches('/');
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap_or_else(|e| panic!("reqwest client: {e}"));
    let mut failures = Vec::new();
    for case in cases {
        let what = format!("{backend}: {}", case.name);
        match (load(&http, base, &case.query).await, &case.expect) {
            (Err(e), _) => failures.push(format!("{what}: {e}")),
            (Ok((status, text)), Expect::Refused(mentions)) => {
                let body: Option<Value> = serde_json::from_str(&text).ok();
                let message = body
                    .as_ref()
                    .and_then(|b| b.get("error"))
                    .and_then(Value::as_str)
                    .map(str::to_lowercase);
                let named = message.as_deref().is_some_and(|m| {
                    mentions
                        .iter()
                        .any(|w| m.contains(w.to_lowercase().as_str()))
                });
                if !(400..500).contains(&status) || !named {
                    failures.push(format!(
                        "{what}: expected a 4xx {{\"error\"}} mentioning one of {mentions:?}, got \
                         HTTP {status}: {}",
                        abbreviate(&text)
                    ));
                }
            }
            (Ok((status, text)), Expect::Answered) => {
                if status != 200 || !text.contains("\"data\"") {
                    failures.push(format!(
                        "{what}: expected HTTP 200 with data, got HTTP {status}: {}",
                        abbreviate(&text)
                    ));
                }
            }
        }
    }
    match http.get(format!("{base}/livez")).send().await {
        Ok(r) if r.status().as_u16() == 200 => {}
        Ok(r) => failures.push(format!("{backend}: /livez answered HTTP {}", r.status())),
        Err(e) => failures.push(format!("{backend}: /livez: {e}")),
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks failed:\n{}",
        failures.len(),
        cases.len() + 1,
        failures.join("\n")
    );
}

fn scratch_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "strata-hardening-dates-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("model")).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

async fn start(config: ServerConfig) -> RunningServer {
    strata_server::start(config)
        .await
        .unwrap_or_else(|e| panic!("strata_server::start: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_refuses_hostile_dates() {
    let server = start_demo_server().await;
    let mut cases = date_cases(&DEMO);
    // DataFusion's `timestamp` counts nanoseconds in an i64: 1677-09-21 to 2262-04-11.
    cases.push(refused(
        "year 5000 (beyond DataFusion's timestamps)",
        ranged(&DEMO, json!(["2020-01-01", "5000-01-01"])),
        RANGE,
    ));
    cases.push(refused(
        "year 1000 (before DataFusion's timestamps)",
        ranged(&DEMO, json!(["1000-01-01", "2020-01-01"])),
        RANGE,
    ));
    // Huge offsets and limits: an empty page or a clear refusal, never a 500.
    for (name, extra, refusal) in [
        ("offset i64::MAX", json!({"offset": i64::MAX}), None),
        (
            "offset 2^53 + 1",
            json!({"offset": 9_007_199_254_740_993_u64}),
            None,
        ),
        (
            "offset u64::MAX",
            json!({"offset": u64::MAX}),
            Some(&["too large"][..]),
        ),
        (
            "offset 1e300",
            json!({"offset": 1e300}),
            Some(&["too large"][..]),
        ),
        (
            "limit u64::MAX",
            json!({"limit": u64::MAX}),
            Some(&["limit"][..]),
        ),
        (
            "limit i64::MAX",
            json!({"limit": i64::MAX, "offset": 1}),
            Some(&["limit"][..]),
        ),
    ] {
        let mut query = json!({"measures": [DEMO.count], "dimensions": ["Orders.status"]});
        if let (Some(q), Some(extra)) = (query.as_object_mut(), extra.as_object()) {
            q.extend(extra.clone());
        }
        cases.push(match refusal {
            Some(words) => refused(name, query, words),
            None => answered(name, query),
        });
    }
    check("demo", &server.url(), &cases).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_refuse_hostile_dates_and_windows() {
    let dir = scratch_dir("files");
    let mut csv = String::from("id,created_at,amount\n");
    for (id, at, amount) in EVENT_ROWS {
        csv.push_str(&format!("{id},{at},{amount}\n"));
    }
    write(&dir.join("events.csv"), &csv);
    write(
        &dir.join("sources.yml"),
        "data_sources:\n  files:\n    tables:\n      events: events.csv\n",
    );
    write(&dir.join("model/events.yml"), &events_model(Some("files")));
    let server = start(ServerConfig {
        models_dir: dir.join("model"),
        listen: "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        dev_mode: true,
        engine: EngineSettings {
            data_sources: Some(dir.join("sources.yml")),
            ..EngineSettings::default()
        },
        ..ServerConfig::default()
    })
    .await;
    let mut cases = date_cases(&EVENTS);
    cases.extend(window_cases());
    // DataFusion's timestamps start in 1677: a 300-year window reaching 1700 is fine, one
    // reaching 1600 is not.
    cases.push(answered(
        "rolling window of 300 years from 2000",
        rolling(
            "rolling300Years",
            "year",
            json!(["2000-01-01", "2020-12-31"]),
        ),
    ));
    cases.push(refused(
        "rolling window of 300 years from 1900 (before DataFusion's timestamps)",
        rolling(
            "rolling300Years",
            "year",
            json!(["1900-01-01", "2020-12-31"]),
        ),
        RANGE,
    ));
    check("files (DataFusion)", &server.url(), &cases).await;
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Re-creates database [`DB`] with the Events table.
async fn setup_postgres() {
    let admin = pg_client("postgres").await;
    // One statement each: several in one call run as a transaction, which DROP DATABASE refuses.
    for sql in [
        format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"),
        format!("CREATE DATABASE {DB}"),
    ] {
        admin
            .batch_execute(&sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    }
    let db = pg_client(DB).await;
    let values: Vec<String> = EVENT_ROWS
        .iter()
        .map(|(id, at, amount)| format!("({id}, timestamp '{at}', {amount})"))
        .collect();
    db.batch_execute(&format!(
        "CREATE TABLE events (id integer primary key, created_at timestamp, amount numeric); \
         INSERT INTO events VALUES {}",
        values.join(", ")
    ))
    .await
    .unwrap_or_else(|e| panic!("loading {DB}: {e:?}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_refuses_hostile_dates_and_windows() {
    setup_postgres().await;
    let dir = scratch_dir("postgres");
    write(&dir.join("model/events.yml"), &events_model(None));
    let server = start(ServerConfig {
        models_dir: dir.join("model"),
        listen: "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        dev_mode: true,
        db: Some(PgConfig {
            dbname: DB.to_string(),
            ..Default::default()
        }),
        ..ServerConfig::default()
    })
    .await;
    let mut cases = date_cases(&EVENTS);
    cases.extend(window_cases());
    // PostgreSQL holds years 4713 BC to 294276 AD: the bound is the engine's (1 to 9999).
    cases.push(answered(
        "year 5000 (fine on PostgreSQL)",
        ranged(&EVENTS, json!(["2020-01-01", "5000-01-01"])),
    ));
    cases.push(answered(
        "rolling window of 300 years from 1900 (fine on PostgreSQL)",
        rolling(
            "rolling300Years",
            "year",
            json!(["1900-01-01", "2020-12-31"]),
        ),
    ));
    cases.push(answered(
        "years 0001 to 9999",
        ranged(&EVENTS, json!(["0001-01-01", "9999-12-31"])),
    ));
    check("postgres", &server.url(), &cases).await;
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
