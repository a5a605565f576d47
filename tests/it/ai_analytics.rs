//! The AI analytics API end to end: `/ai-analytics/query`, `/schema` and
//! `/conversations` on the bundled demo (DataFusion, no database), with
//! conversations in a temporary data directory (and, in one test, in the
//! local PostgreSQL), the offline parser, and a scripted OpenAI-compatible
//! endpoint standing in for an LLM.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};
use strata::llm::LlmConfig;
use strata_server::ai::ConversationBackend;
use strata_server::{EngineSettings, RunningServer, ServerConfig};

use crate::common::openai_mock::{scripted_answer, OpenAiMock, Reply};
use crate::common::query_compare::normalize;
use crate::common::{pg_client, report, sign_token};

pub(crate) const SECRET: &str = "ai-analytics-secret";

/// A fresh, empty directory.
pub(crate) fn scratch_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "strata-ai-{tag}-{}-{}",
        std::process::id(),
        strata_server::response::random_uuid()
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// The demo, with tokens required and conversations under `data_dir`.
pub(crate) fn demo_config(data_dir: &std::path::Path) -> ServerConfig {
    let mut config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        api_secret: Some(SECRET.into()),
        engine: EngineSettings {
            demo: Some(strata::demo::DemoData::pinned()),
            ..EngineSettings::default()
        },
        ..ServerConfig::default()
    };
    config.ai.data_dir = data_dir.to_path_buf();
    config.ai.conversations = ConversationBackend::File;
    config
}

pub(crate) async fn start(config: ServerConfig) -> RunningServer {
    strata_server::start(config)
        .await
        .unwrap_or_else(|e| panic!("server: {e}"))
}

pub(crate) fn token(tenant: &str, user: &str) -> String {
    sign_token(SECRET, &json!({"tenant_id": tenant, "sub": user}))
}

pub(crate) fn alice() -> String {
    token("acme", "alice")
}

/// One HTTP exchange: status, `Retry-After`, JSON body.
pub(crate) struct Exchange {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<String>,
    pub(crate) body: Value,
}

pub(crate) async fn call(
    server: &RunningServer,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<String>,
) -> Exchange {
    let url = format!("{}{path}", server.url());
    let mut req = reqwest::Client::new()
        .request(method.clone(), &url)
        .timeout(Duration::from_secs(120))
        .header("Authorization", format!("Bearer {token}"));
    if let Some(body) = body {
        req = req.header("Content-Type", "application/json").body(body);
    }
    let resp = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = resp.text().await.unwrap_or_else(|e| panic!("{url}: {e}"));
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{method} {url}: not JSON ({e}): {text}"));
    Exchange {
        status,
        retry_after,
        body,
    }
}

pub(crate) async fn ask(
    server: &RunningServer,
    token: &str,
    question: &str,
    conv: Option<&str>,
) -> Exchange {
    let mut body = json!({"naturalLanguageQuery": question});
    if let Some(id) = conv {
        body["conversationId"] = json!(id);
    }
    call(
        server,
        reqwest::Method::POST,
        "/ai-analytics/query",
        token,
        Some(body.to_string()),
    )
    .await
}

pub(crate) async fn get(server: &RunningServer, token: &str, path: &str) -> Exchange {
    call(server, reqwest::Method::GET, path, token, None).await
}

async fn delete(server: &RunningServer, token: &str, path: &str) -> Exchange {
    call(server, reqwest::Method::DELETE, path, token, None).await
}

pub(crate) fn conversation_id(r: &Exchange) -> String {
    r.body["conversationId"]
        .as_str()
        .unwrap_or_else(|| panic!("no conversationId: {}", r.body))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_is_answered_with_data_chart_and_insights() {
    let dir = scratch_dir("answer");
    let server = start(demo_config(&dir)).await;

    let r = ask(&server, &alice(), "revenue by channel", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = &r.body;
    assert_eq!(b["success"], true, "{b}");
    assert_eq!(b["naturalLanguageQuery"], "revenue by channel");
    assert_eq!(b["intent"], "distribution");
    assert_eq!(b["translator"], "offline");
    assert_eq!(
        normalize(&b["generatedQuery"]),
        normalize(&json!({"measures": ["Orders.revenue"], "dimensions": ["Orders.channel"]}))
    );
    let rows = b["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 3, "web, mobile, marketplace: {b}");
    assert!(rows
        .iter()
        .all(|r| r["Orders.revenue"].is_string() || r["Orders.revenue"].is_number()));
    let channels: BTreeSet<&str> = rows
        .iter()
        .filter_map(|r| r["Orders.channel"].as_str())
        .collect();
    assert_eq!(channels, BTreeSet::from(["marketplace", "mobile", "web"]));
    let columns: Vec<&str> = b["columns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["member"].as_str())
        .collect();
    assert!(columns.contains(&"Orders.revenue") && columns.contains(&"Orders.channel"));
    let chart_type = b["chart"]["type"].as_str().unwrap_or_default();
    assert!(["bar", "pie"].contains(&chart_type), "{}", b["chart"]);
    let series = b["chart"]["option"]["series"].as_array().cloned();
    assert!(series.is_some_and(|s| !s.is_empty()), "{}", b["chart"]);
    let insights = b["insights"].as_array().cloned().unwrap_or_default();
    assert!(!insights.is_empty(), "{b}");
    assert!(insights.iter().all(|i| i["text"].is_string()));
    assert!(
        b["metadata"]["measures"]["Orders.revenue"].is_object(),
        "{b}"
    );
    assert!(!conversation_id(&r).is_empty());
    assert_eq!(b["turn"], 1);

    // A trend is a line over time.
    let r = ask(&server, &alice(), "orders by month in 2024", None).await;
    assert_eq!(r.body["success"], true, "{}", r.body);
    assert_eq!(r.body["intent"], "trend");
    assert_eq!(r.body["chart"]["type"], "line", "{}", r.body["chart"]);
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(12));

    // Malformed requests are JSON 400s; unknown conversations 404; no token 403.
    for (body, needle) in [
        ("{not json", "not JSON"),
        ("{}", "naturalLanguageQuery is required"),
        (r#"{"naturalLanguageQuery": 3}"#, "must be a string"),
    ] {
        let r = call(
            &server,
            reqwest::Method::POST,
            "/ai-analytics/query",
            &alice(),
            Some(body.into()),
        )
        .await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        let msg = r.body["error"].as_str().unwrap_or_default();
        assert!(msg.contains(needle), "{body}: {msg}");
    }
    let r = ask(&server, &alice(), "by week", Some("no-such-conversation")).await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = reqwest::Client::new()
        .post(format!("{}/ai-analytics/query", server.url()))
        .json(&json!({"naturalLanguageQuery": "orders"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status().as_u16(), 403);
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswerable_question_says_what_was_not_understood_and_what_exists() {
    let dir = scratch_dir("unanswerable");
    let server = start(demo_config(&dir)).await;
    for question in [
        "what's the weather tomorrow",
        "employee headcount by department",
    ] {
        let r = ask(&server, &alice(), question, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let b = &r.body;
        assert_eq!(b["success"], false, "{question}: {b}");
        let msg = b["error"].as_str().unwrap_or_default();
        assert!(msg.contains("Not understood"), "{question}: {msg}");
        assert!(msg.contains("You can ask about"), "{question}: {msg}");
        assert!(b.get("data").is_none(), "{b}");
        let measures = b["availableMembers"]["measures"].to_string();
        assert!(measures.contains("Orders.revenue"), "{measures}");
        // The failed turn is recorded, so the user can rephrase in place.
        let id = conversation_id(&r);
        let c = get(
            &server,
            &alice(),
            &format!("/ai-analytics/conversations/{id}"),
        )
        .await;
        assert_eq!(c.body["turns"][0]["success"], false, "{}", c.body);
        assert_eq!(c.body["turns"][0]["question"], question);
    }
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Contract item 4: a value the data does not have is sent back with the
/// questions to choose from; clicking one answers it in the same
/// conversation. Contract item 5: answers list the chart types that fit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_value_asks_back_with_questions_to_click() {
    let dir = scratch_dir("clarify");
    let server = start(demo_config(&dir)).await;
    let r = ask(&server, &alice(), "revenue in Eurpa by channel", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = &r.body;
    assert_eq!(b["success"], false, "{b}");
    assert_eq!(b["needsClarification"], true, "{b}");
    assert_eq!(b["clarification"]["unknown"], json!(["Eurpa"]), "{b}");
    let options = b["clarification"]["options"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let first = options.first().cloned().unwrap_or_default();
    assert_eq!(
        first["naturalLanguageQuery"], "revenue in Europe by channel",
        "{b}"
    );
    assert!(
        first["label"]
            .as_str()
            .is_some_and(|l| l.starts_with("Europe")),
        "{b}"
    );
    let id = conversation_id(&r);
    let clicked = first["naturalLanguageQuery"].as_str().unwrap_or_default();
    let r = ask(&server, &alice(), clicked, Some(&id)).await;
    assert_eq!(r.body["success"], true, "{}", r.body);
    assert_eq!(r.body["turn"], 2, "{}", r.body);
    assert!(r.body.get("needsClarification").is_none(), "{}", r.body);
    let alternatives = r.body["chart"]["alternatives"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        alternatives.first(),
        Some(&r.body["chart"]["type"]),
        "{}",
        r.body
    );
    assert!(alternatives.contains(&json!("table")), "{}", r.body);
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

fn read_conversations() -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/nl/followups.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
        .collect()
}

/// Checks one turn's answer against its expectation; a description of the
/// mismatch, if any.
fn check_turn(turn: &Value, r: &Exchange) -> Option<String> {
    let question = turn["question"].as_str().unwrap_or_default();
    if r.status != 200 || r.body["success"] != true {
        return Some(format!("{question:?}: {} {}", r.status, r.body));
    }
    let got = &r.body["generatedQuery"];
    if normalize(got) != normalize(&turn["expected"]) {
        return Some(format!(
            "{question:?}\n   got      {got}\n   expected {}",
            turn["expected"]
        ));
    }
    if let Some(chart) = turn.get("chart").and_then(Value::as_str) {
        if r.body["chart"]["type"] != chart {
            return Some(format!(
                "{question:?}: chart {} instead of {chart}",
                r.body["chart"]["type"]
            ));
        }
    }
    None
}

/// Runs the first two turns of every conversation, then, after a restart,
/// the rest. Returns the conversation ids.
async fn run_conversations(
    config: &ServerConfig,
    conversations: &[Value],
    token: &str,
) -> Vec<String> {
    let mut failures = Vec::new();
    let mut ids = Vec::new();
    let server = start(config.clone()).await;
    for conv in conversations {
        let turns = conv["turns"].as_array().cloned().unwrap_or_default();
        assert!(turns.len() >= 3, "three turns each: {conv}");
        let mut id: Option<String> = None;
        for turn in &turns[..2] {
            let question = turn["question"].as_str().unwrap_or_default();
            let r = ask(&server, token, question, id.as_deref()).await;
            failures.extend(check_turn(turn, &r));
            id = Some(conversation_id(&r));
        }
        ids.push(id.unwrap_or_default());
    }
    // A full restart on the same store.
    server.shutdown().await;
    let server = start(config.clone()).await;
    for (conv, id) in conversations.iter().zip(&ids) {
        let turns = conv["turns"].as_array().cloned().unwrap_or_default();
        for (n, turn) in turns.iter().enumerate().skip(2) {
            let question = turn["question"].as_str().unwrap_or_default();
            let r = ask(&server, token, question, Some(id)).await;
            failures.extend(check_turn(turn, &r));
            assert_eq!(conversation_id(&r), *id, "the conversation continues");
            assert_eq!(r.body["turn"], n + 1);
        }
        // The stored conversation has every turn, in order, with its query.
        let c = get(&server, token, &format!("/ai-analytics/conversations/{id}")).await;
        assert_eq!(c.status, 200, "{}", c.body);
        let stored = c.body["turns"].as_array().cloned().unwrap_or_default();
        assert_eq!(stored.len(), turns.len(), "{}", c.body);
        for (s, t) in stored.iter().zip(&turns) {
            assert_eq!(s["question"], t["question"]);
            assert!(s["generatedQuery"].is_object(), "{s}");
            assert!(s["chart"]["type"].is_string(), "{s}");
            assert!(s["createdAt"].is_string(), "{s}");
        }
    }
    server.shutdown().await;
    let total: usize = conversations
        .iter()
        .map(|c| c["turns"].as_array().map_or(0, Vec::len))
        .sum();
    report(&format!(
        "AI analytics follow-ups across a restart: {}/{total} turns as expected",
        total - failures.len()
    ));
    assert!(
        failures.is_empty(),
        "{} turns differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_turn_conversations_survive_a_restart() {
    let conversations = read_conversations();
    assert!(conversations.len() >= 10, "at least 10 conversations");
    let dir = scratch_dir("followups");
    let ids = run_conversations(&demo_config(&dir), &conversations, &alice()).await;
    // One JSON file per conversation, nothing else (no temporary files).
    let mut files: Vec<String> = std::fs::read_dir(dir.join("conversations"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = ids.iter().map(|id| format!("{id}.json")).collect();
    expected.sort();
    assert_eq!(files, expected);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_belong_to_their_owner() {
    let dir = scratch_dir("owner");
    let server = start(demo_config(&dir)).await;
    let r = ask(&server, &alice(), "orders by status", None).await;
    assert_eq!(r.body["success"], true, "{}", r.body);
    let id = conversation_id(&r);
    let r = ask(&server, &alice(), "as a pie chart", Some(&id)).await;
    assert_eq!(r.body["chart"]["type"], "pie", "{}", r.body);
    let path = format!("/ai-analytics/conversations/{id}");

    let c = get(&server, &alice(), &path).await;
    assert_eq!(c.status, 200, "{}", c.body);
    assert_eq!(c.body["conversationId"], id.as_str());
    let turns = c.body["turns"].as_array().cloned().unwrap_or_default();
    assert_eq!(turns.len(), 2);
    assert_eq!(turns[0]["question"], "orders by status");
    assert_eq!(turns[1]["question"], "as a pie chart");
    assert_eq!(turns[1]["chart"]["type"], "pie");
    assert!(turns[1]["chart"]["option"]["series"].is_array());
    assert_eq!(turns[1]["requestedChart"], "pie");
    assert!(!turns[0]["insights"].as_array().is_some_and(Vec::is_empty));

    // Another user of the tenant, or the same user id in another tenant,
    // cannot read, continue or delete it.
    for other in [token("acme", "bob"), token("globex", "alice")] {
        assert_eq!(get(&server, &other, &path).await.status, 404);
        assert_eq!(delete(&server, &other, &path).await.status, 404);
        let r = ask(&server, &other, "by week", Some(&id)).await;
        assert_eq!(r.status, 404, "{}", r.body);
    }
    for bad in ["../../etc/passwd", "%2e%2e%2fx", "x.json"] {
        let r = get(
            &server,
            &alice(),
            &format!("/ai-analytics/conversations/{bad}"),
        )
        .await;
        assert_eq!(r.status, 404, "{bad}: {}", r.body);
    }
    let d = delete(&server, &alice(), &path).await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["success"], true);
    assert_eq!(get(&server, &alice(), &path).await.status, 404);
    assert_eq!(delete(&server, &alice(), &path).await.status, 404);
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

fn member_names(schema: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for cube in schema["cubes"].as_array().into_iter().flatten() {
        for kind in ["measures", "dimensions", "segments"] {
            for m in cube[kind].as_array().into_iter().flatten() {
                out.extend(m["name"].as_str().map(str::to_owned));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_is_the_callers_own_view_of_the_model() {
    let dir = scratch_dir("schema");
    let server = start(demo_config(&dir)).await;
    let s = get(&server, &alice(), "/ai-analytics/schema").await;
    assert_eq!(s.status, 200, "{}", s.body);
    assert_eq!(s.body["tenantId"], "acme");
    assert_eq!(s.body["ttlSeconds"], 300);
    let names = member_names(&s.body);
    for m in [
        "Orders.count",
        "Orders.revenue",
        "Orders.channel",
        "sales_overview.revenue",
    ] {
        assert!(names.contains(m), "{m} in {names:?}");
    }
    assert_eq!(s.body["memberCount"], names.len());
    let orders = s.body["cubes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "Orders"))
        .cloned()
        .unwrap_or_default();
    let channel = orders["dimensions"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["name"] == "Orders.channel"))
        .cloned()
        .unwrap_or_default();
    let values: BTreeSet<&str> = channel["sampleValues"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        values,
        BTreeSet::from(["marketplace", "mobile", "web"]),
        "{channel}"
    );
    assert!(s.body["prompt"]
        .as_str()
        .is_some_and(|p| p.contains("Orders.revenue")));
    // Cached: the same document within the TTL.
    let again = get(&server, &alice(), "/ai-analytics/schema").await;
    assert_eq!(again.body["generatedAt"], s.body["generatedAt"]);

    let own = get(&server, &alice(), "/ai-analytics/schema/acme").await;
    assert_eq!(own.status, 200);
    assert_eq!(member_names(&own.body), names);
    let other = get(&server, &alice(), "/ai-analytics/schema/globex").await;
    assert_eq!(other.status, 403, "{}", other.body);
    assert!(other.body["error"]
        .as_str()
        .is_some_and(|e| e.contains("own tenant")));
    server.shutdown().await;

    // With access policies (the tenancy model): Secrets only for admins,
    // Users.email for no one without a manager role.
    let model = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tenancy/model");
    let mut config = demo_config(&dir);
    config.engine.demo = None;
    config.models_dir = model;
    let server = start(config).await;
    let member = sign_token(SECRET, &json!({"tenant_id": "t1", "sub": "u1"}));
    let admin = sign_token(
        SECRET,
        &json!({"tenant_id": "t1", "sub": "u2", "groups": ["admin"]}),
    );
    let names = member_names(&get(&server, &member, "/ai-analytics/schema").await.body);
    assert!(names.contains("Orders.count"), "{names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with("Secrets.")),
        "{names:?}"
    );
    assert!(!names.contains("Users.email"), "{names:?}");
    let names = member_names(&get(&server, &admin, "/ai-analytics/schema").await.body);
    assert!(names.contains("Secrets.count"), "{names:?}");
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

pub(crate) fn llm_config(mock: &OpenAiMock) -> LlmConfig {
    let mut c = LlmConfig::new(mock.base_url(), "mock-model");
    c.max_retries = 0;
    c.max_repairs = 1;
    c.timeout = Duration::from_secs(10);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_llm_answer_flows_through_and_a_hostile_one_never_reaches_the_engine() {
    let dir = scratch_dir("llm");
    let mock = OpenAiMock::start(vec![
        // 1: a correct answer.
        Reply::answer(&scripted_answer(json!({}))),
        // 2: hostile twice: a member the model does not have, SQL in a value.
        Reply::answer(&scripted_answer(json!({
            "measures": ["Orders.secret_salary"],
            "filters": [{"member": "Orders.status", "operator": "equals",
                         "values": ["x'; DROP TABLE orders; --"]}],
        }))),
        Reply::answer(&scripted_answer(
            json!({"measures": ["Orders.secret_salary"]}),
        )),
        // 3: the endpoint fails.
        Reply::error(500, "upstream exploded"),
    ])
    .await;
    let mut config = demo_config(&dir);
    config.ai.llm = Some(llm_config(&mock));
    let server = start(config).await;

    let r = ask(
        &server,
        &alice(),
        "orders per month by channel, first half of 2024",
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = &r.body;
    assert_eq!(b["success"], true, "{b}");
    assert_eq!(b["translator"], "llm");
    assert_eq!(b["intent"], "trend");
    assert_eq!(
        b["generatedQuery"],
        json!({
            "measures": ["Orders.count"],
            "dimensions": ["Orders.channel"],
            "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "month",
                                "dateRange": "from 2024-01-01 to 2024-06-30"}],
            // The typed query's one request form, whichever translator wrote it.
            "order": {"Orders.count": "desc"},
            "limit": 100,
        })
    );
    assert_eq!(
        b["data"].as_array().map(Vec::len),
        Some(18),
        "6 months × 3 channels"
    );
    assert_eq!(b["chart"]["type"], "line");
    let requests = mock.requests();
    let schema = requests[0]
        .schema()
        .map(Value::to_string)
        .unwrap_or_default();
    assert!(
        schema.contains("Orders.count"),
        "the schema enumerates members"
    );

    let r = ask(&server, &alice(), "total salaries", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["success"], false, "{}", r.body);
    let msg = r.body["error"].as_str().unwrap_or_default();
    assert!(msg.contains("Orders.secret_salary"), "{msg}");
    assert!(msg.contains("You can ask about"), "{msg}");
    assert!(r.body.get("data").is_none() && r.body.get("generatedQuery").is_none());
    assert_eq!(mock.requests().len(), 3, "one answer and one repair round");

    let r = ask(&server, &alice(), "orders", None).await;
    assert_eq!(r.status, 502, "{}", r.body);
    assert_eq!(r.body["success"], false);
    assert!(r.body["error"]
        .as_str()
        .is_some_and(|e| e.contains("language model")));
    server.shutdown().await;

    // A member the model has but the caller may not use is refused the same way.
    let mock = OpenAiMock::start(vec![
        Reply::answer(&scripted_answer(
            json!({"intent": "metric", "measures": ["Secrets.count"],
            "dimensions": [], "timeDimension": null, "order": []}),
        )),
        Reply::answer(&scripted_answer(
            json!({"intent": "metric", "measures": ["Secrets.count"],
            "dimensions": [], "timeDimension": null, "order": []}),
        )),
    ])
    .await;
    let mut config = demo_config(&dir);
    config.engine.demo = None;
    config.models_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tenancy/model");
    config.ai.llm = Some(llm_config(&mock));
    let server = start(config).await;
    let member = sign_token(SECRET, &json!({"tenant_id": "t1", "sub": "u1"}));
    let r = ask(&server, &member, "how many secrets", None).await;
    assert_eq!(r.body["success"], false, "{}", r.body);
    assert!(r.body["error"]
        .as_str()
        .is_some_and(|e| e.contains("Secrets.count")));
    let schema = mock.requests()[0]
        .schema()
        .map(Value::to_string)
        .unwrap_or_default();
    assert!(
        !schema.contains("Secrets."),
        "hidden members are not offered"
    );
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ai_rate_limit_answers_429_with_retry_after() {
    let dir = scratch_dir("rate");
    let mut config = demo_config(&dir);
    config.security.rate_limits.ai_per_hour = 3;
    let server = start(config).await;
    for _ in 0..3 {
        assert_eq!(
            get(&server, &alice(), "/ai-analytics/schema").await.status,
            200
        );
    }
    let r = ask(&server, &alice(), "orders by status", None).await;
    assert_eq!(r.status, 429, "{}", r.body);
    let retry: u64 = r
        .retry_after
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("Retry-After: {:?}", r.retry_after));
    assert!((1..=1200).contains(&retry), "{retry}");
    assert!(r.body["error"]
        .as_str()
        .is_some_and(|e| e.contains("Rate limit")));
    // Another user has their own quota; /load is not counted against it.
    assert_eq!(
        get(&server, &token("acme", "bob"), "/ai-analytics/schema")
            .await
            .status,
        200
    );
    assert_eq!(
        get(&server, &alice(), "/cubejs-api/v1/meta").await.status,
        200
    );
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_in_postgres_survive_a_restart() {
    const DB: &str = "strata_ai";
    let admin = pg_client("postgres").await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        .await
        .unwrap_or_else(|e| panic!("DROP DATABASE {DB}: {e:?}"));
    admin
        .batch_execute(&format!("CREATE DATABASE {DB}"))
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {DB}: {e:?}"));

    let dir = scratch_dir("pg");
    let mut config = demo_config(&dir);
    config.ai.conversations = ConversationBackend::Postgres(strata_engine::PgConfig {
        dbname: DB.into(),
        ..Default::default()
    });
    let conversations: Vec<Value> = read_conversations().into_iter().take(3).collect();
    let ids = run_conversations(&config, &conversations, &alice()).await;

    let db = pg_client(DB).await;
    for id in &ids {
        let row = db
            .query_one(
                "SELECT tenant, user_id, jsonb_array_length(turns) FROM strata_conversations WHERE id = $1",
                &[id],
            )
            .await
            .unwrap_or_else(|e| panic!("{id}: {e:?}"));
        assert_eq!(row.get::<_, String>(0), "acme");
        assert_eq!(row.get::<_, String>(1), "alice");
        assert_eq!(row.get::<_, i32>(2), 3);
    }
    // Nothing was written to the data directory.
    assert!(!dir.join("conversations").exists());

    let server = start(config).await;
    let path = format!("/ai-analytics/conversations/{}", ids[0]);
    assert_eq!(get(&server, &token("acme", "bob"), &path).await.status, 404);
    assert_eq!(delete(&server, &alice(), &path).await.status, 200);
    assert_eq!(get(&server, &alice(), &path).await.status, 404);
    let left: i64 = db
        .query_one("SELECT count(*) FROM strata_conversations", &[])
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .get(0);
    assert_eq!(left, ids.len() as i64 - 1);
    server.shutdown().await;

    // A store that cannot be reached is a 503, not a 500 or a hang.
    let mut config = demo_config(&dir);
    config.ai.conversations = ConversationBackend::Postgres(strata_engine::PgConfig {
        port: 1,
        ..Default::default()
    });
    let server = start(config).await;
    let r = ask(&server, &alice(), "orders by status", None).await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.retry_after.is_some());
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

async fn chart(server: &RunningServer, token: &str, body: Value) -> Exchange {
    call(
        server,
        reqwest::Method::POST,
        "/ai-analytics/chart",
        token,
        Some(body.to_string()),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_given_directly_is_answered_in_the_owners_conversation() {
    let dir = scratch_dir("direct");
    let server = start(demo_config(&dir)).await;
    // Answers offer the chart types (and plugins) that fit them, the one
    // drawn first.
    let a = ask(&server, &alice(), "orders by channel", None).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let alternatives = a.body["chart"]["alternatives"].clone();
    assert_eq!(
        alternatives,
        json!(["pie", "bar", "table", "funnel"]),
        "{}",
        a.body["chart"]
    );
    let id = conversation_id(&a);

    let query = json!({"measures": ["Orders.count"], "timeDimensions": [
        {"dimension": "Orders.created_at", "granularity": "quarter"}]});
    let r = chart(
        &server,
        &alice(),
        json!({"query": query, "chartType": "bar", "conversationId": id}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["success"], true);
    assert_eq!(r.body["chart"]["type"], "bar", "{}", r.body["chart"]);
    assert_eq!(r.body["turn"], 2);
    assert_eq!(r.body["conversationId"], id.as_str());
    let alternatives = r.body["chart"]["alternatives"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(alternatives.contains(&json!("line")) && !alternatives.contains(&json!("funnel")));
    assert!(
        !r.body["data"].as_array().is_some_and(Vec::is_empty),
        "{}",
        r.body
    );
    // The turn is recorded, and a follow-up refines the query given directly.
    let f = ask(&server, &alice(), "by month", Some(&id)).await;
    assert_eq!(
        f.body["generatedQuery"]["timeDimensions"][0]["granularity"], "month",
        "{}",
        f.body
    );

    // Bad queries are 400s naming the problem; nothing is recorded.
    for (body, needle) in [
        (
            json!({"query": {"measures": ["Secret.salary"]}}),
            "Secret.salary",
        ),
        (
            json!({"query": {"measures": "Orders.count"}}),
            "\"measures\" must be an array",
        ),
        (
            json!({"query": {"measures": ["Orders.count"]}, "chartType": "donut"}),
            "donut",
        ),
    ] {
        let r = chart(&server, &alice(), body).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(
            r.body["error"].as_str().is_some_and(|e| e.contains(needle)),
            "{needle}: {}",
            r.body
        );
    }
    // Another user of the same tenant cannot write into alice's conversation.
    let bob = token("acme", "bob");
    let r = chart(&server, &bob, json!({"query": query, "conversationId": id})).await;
    assert_eq!(r.status, 404, "{}", r.body);
    let c = get(
        &server,
        &alice(),
        &format!("/ai-analytics/conversations/{id}"),
    )
    .await;
    assert_eq!(
        c.body["turns"].as_array().map(Vec::len),
        Some(3),
        "{}",
        c.body
    );
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}
