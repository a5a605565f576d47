//! The AI analytics routes added around conversations: the caller's list
//! (`GET /ai-analytics/conversations`), answers for a query given directly
//! (`POST /ai-analytics/chart`) and feedback (`POST /ai-analytics/feedback`)
//! whose approved pairs answer the same tenant's later questions. On the
//! bundled demo with file stores, and once on the local PostgreSQL.

use std::path::PathBuf;

use serde_json::{json, Value};
use strata_server::ai::ConversationBackend;
use strata_server::{RunningServer, ServerConfig};

use crate::ai_analytics::{
    alice, ask, call, conversation_id, demo_config, get, llm_config, scratch_dir, start, token,
    Exchange, SECRET,
};
use crate::common::openai_mock::{scripted_answer, OpenAiMock, Reply};
use crate::common::query_compare::normalize;
use crate::common::{pg_client, sign_token};

async fn post(server: &RunningServer, token: &str, path: &str, body: Value) -> Exchange {
    call(
        server,
        reqwest::Method::POST,
        path,
        token,
        Some(body.to_string()),
    )
    .await
}

async fn feedback(server: &RunningServer, token: &str, body: Value) -> Exchange {
    post(server, token, "/ai-analytics/feedback", body).await
}

fn titles(list: &Exchange) -> Vec<String> {
    list.body["conversations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Lists are the caller's own, newest first, on the store `config` names.
async fn check_list(config: ServerConfig) {
    let server = start(config).await;
    let first = ask(&server, &alice(), "orders by status", None).await;
    let second = ask(&server, &alice(), "revenue by channel", None).await;
    assert_eq!(second.body["success"], true, "{}", second.body);
    let id = conversation_id(&first);
    // A follow-up makes the first conversation the newest.
    let r = ask(&server, &alice(), "as a pie chart", Some(&id)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let bob = token("acme", "bob");
    ask(&server, &bob, "orders by channel", None).await;
    let globex_alice = token("globex", "alice");
    ask(&server, &globex_alice, "revenue by month", None).await;

    let list = get(&server, &alice(), "/ai-analytics/conversations").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(titles(&list), ["orders by status", "revenue by channel"]);
    let c = &list.body["conversations"][0];
    assert_eq!(c["id"], id.as_str());
    assert_eq!(c["turns"], 2);
    assert!(
        c["createdAt"].is_string() && c["updatedAt"].is_string(),
        "{c}"
    );
    let limited = get(&server, &alice(), "/ai-analytics/conversations?limit=1").await;
    assert_eq!(titles(&limited), ["orders by status"]);
    let bad = get(&server, &alice(), "/ai-analytics/conversations?limit=0").await;
    assert_eq!(bad.status, 400, "{}", bad.body);

    // Another user of the tenant, and the same user id in another tenant,
    // see only their own; a new user sees none.
    assert_eq!(
        titles(&get(&server, &bob, "/ai-analytics/conversations").await),
        ["orders by channel"]
    );
    assert_eq!(
        titles(&get(&server, &globex_alice, "/ai-analytics/conversations").await),
        ["revenue by month"]
    );
    let carol = get(
        &server,
        &token("acme", "carol"),
        "/ai-analytics/conversations",
    )
    .await;
    assert_eq!(carol.status, 200);
    assert_eq!(carol.body, json!({"conversations": []}));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_shows_only_the_callers_own_conversations() {
    let dir = scratch_dir("list");
    check_list(demo_config(&dir)).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_given_query_is_answered_like_a_question_and_checked_like_load() {
    let dir = scratch_dir("chart");
    let server = start(demo_config(&dir)).await;
    let query = json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"]});
    let r = post(
        &server,
        &alice(),
        "/ai-analytics/chart",
        json!({"query": query, "chartType": "pie"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = &r.body;
    assert_eq!(b["success"], true, "{b}");
    assert_eq!(b["intent"], "distribution");
    assert_eq!(normalize(&b["generatedQuery"]), normalize(&query));
    assert!(b["data"].as_array().is_some_and(|d| d.len() >= 3), "{b}");
    assert_eq!(b["chart"]["type"], "pie", "{}", b["chart"]);
    assert!(
        b["insights"].as_array().is_some_and(|i| !i.is_empty()),
        "{b}"
    );
    assert!(b["metadata"]["measures"]["Orders.count"].is_object(), "{b}");
    assert!(
        b["sql"].as_str().is_some_and(|s| s.contains("GROUP BY")),
        "{b}"
    );
    assert!(
        b.get("conversationId").is_none(),
        "nothing is recorded: {b}"
    );

    // Recorded in a conversation, a follow-up question refines it.
    let started = ask(&server, &alice(), "revenue by channel", None).await;
    let id = conversation_id(&started);
    let r = post(
        &server,
        &alice(),
        "/ai-analytics/chart",
        json!({"query": query, "conversationId": id}),
    )
    .await;
    assert_eq!((r.status, &r.body["turn"]), (200, &json!(2)), "{}", r.body);
    let r = ask(&server, &alice(), "by month", Some(&id)).await;
    assert_eq!(r.body["success"], true, "{}", r.body);
    assert_eq!(
        r.body["generatedQuery"]["measures"],
        json!(["Orders.count"])
    );
    // Someone else's conversation is as good as missing.
    let r = post(
        &server,
        &token("acme", "bob"),
        "/ai-analytics/chart",
        json!({"query": query, "conversationId": id}),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // Bad queries are 400s naming the problem.
    for (body, needle) in [
        (
            json!({"query": {"measures": ["Orders.nope"]}}),
            "Orders.nope",
        ),
        (json!({"query": {"measures": "x"}}), "measures"),
        (json!({"query": query, "chartType": "radar"}), "radar"),
        (json!({}), "query is required"),
    ] {
        let r = post(&server, &alice(), "/ai-analytics/chart", body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        let msg = r.body["error"].as_str().unwrap_or_default();
        assert!(msg.contains(needle), "{body}: {msg}");
    }
    server.shutdown().await;

    // A member outside the caller's grant is refused like /load refuses it.
    let mut config = demo_config(&dir);
    config.engine.demo = None;
    config.models_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tenancy/model");
    let server = start(config).await;
    let member = sign_token(SECRET, &json!({"tenant_id": "t1", "sub": "u1"}));
    let r = post(
        &server,
        &member,
        "/ai-analytics/chart",
        json!({"query": {"measures": ["Secrets.count"]}}),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("Secrets.count")),
        "{}",
        r.body
    );
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Feedback on the store `config` names: ratings only on one's own turns,
/// corrections checked, approved pairs reused within the tenant only.
async fn check_feedback(config: ServerConfig) {
    let server = start(config).await;
    let r = ask(&server, &alice(), "revenue by channel", None).await;
    assert_eq!(r.body["success"], true, "{}", r.body);
    assert_eq!(
        r.body["generatedQuery"]["measures"],
        json!(["Orders.revenue"])
    );
    let id = conversation_id(&r);
    let corrected = json!({"measures": ["Orders.count"], "dimensions": ["Orders.channel"]});

    // Someone else's conversation cannot be rated; nor a turn it lacks.
    for other in [token("acme", "bob"), token("globex", "alice")] {
        let r = feedback(
            &server,
            &other,
            json!({"conversationId": id, "turn": 1, "rating": "up"}),
        )
        .await;
        assert_eq!(r.status, 404, "{}", r.body);
    }
    let r = feedback(
        &server,
        &alice(),
        json!({"conversationId": id, "turn": 2, "rating": "up"}),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    // A corrected query must keep to the catalog and plan.
    for bad in [
        json!({"measures": ["Orders.nope"]}),
        json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"],
               "timeDimensions": [{"dimension": "Orders.status", "granularity": "month"}]}),
    ] {
        let r = feedback(
            &server,
            &alice(),
            json!({"conversationId": id, "turn": 1, "rating": "down", "correctedQuery": bad}),
        )
        .await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(r.body["error"].is_string(), "{}", r.body);
    }
    // Nothing was approved by the refused corrections.
    let r = ask(
        &server,
        &token("acme", "bob"),
        "Revenue, by channels?",
        None,
    )
    .await;
    assert_eq!(
        r.body["generatedQuery"]["measures"],
        json!(["Orders.revenue"]),
        "{}",
        r.body
    );

    let r = feedback(
        &server,
        &alice(),
        json!({"conversationId": id, "turn": 1, "rating": "down", "correctedQuery": corrected}),
    )
    .await;
    assert_eq!((r.status, &r.body), (200, &json!({"stored": true})));

    // A near-duplicate from anyone of the tenant gets the approved query...
    let r = ask(
        &server,
        &token("acme", "bob"),
        "Revenue, by channels?",
        None,
    )
    .await;
    assert_eq!(r.body["success"], true, "{}", r.body);
    assert_eq!(
        normalize(&r.body["generatedQuery"]),
        normalize(&corrected),
        "{}",
        r.body
    );
    assert_eq!(r.body["approvedQuestion"], "revenue by channel");
    assert_eq!(r.body["translator"], "offline");
    // ...a different question does not...
    let r = ask(&server, &alice(), "revenue by country", None).await;
    assert!(r.body.get("approvedQuestion").is_none(), "{}", r.body);
    // ...and another tenant never sees the pair.
    let r = ask(
        &server,
        &token("globex", "alice"),
        "revenue by channel",
        None,
    )
    .await;
    assert_eq!(r.body["success"], true, "{}", r.body);
    assert_eq!(
        r.body["generatedQuery"]["measures"],
        json!(["Orders.revenue"]),
        "{}",
        r.body
    );
    assert!(r.body.get("approvedQuestion").is_none(), "{}", r.body);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_pairs_answer_their_tenants_near_duplicates() {
    let dir = scratch_dir("feedback");
    check_feedback(demo_config(&dir)).await;
    // Feedback is kept next to the conversations.
    assert!(dir.join("feedback").is_dir());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_and_feedback_in_postgres() {
    const DB: &str = "strata_ai_feedback";
    let admin = pg_client("postgres").await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        .await
        .unwrap_or_else(|e| panic!("DROP DATABASE {DB}: {e:?}"));
    admin
        .batch_execute(&format!("CREATE DATABASE {DB}"))
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {DB}: {e:?}"));
    let dir = scratch_dir("feedback-pg");
    let mut config = demo_config(&dir);
    config.ai.conversations = ConversationBackend::Postgres(strata_engine::PgConfig {
        dbname: DB.into(),
        ..Default::default()
    });
    check_list(config.clone()).await;
    check_feedback(config).await;
    let db = pg_client(DB).await;
    let approved: i64 = db
        .query_one(
            "SELECT count(*) FROM strata_feedback WHERE tenant = 'acme' AND approved",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .get(0);
    assert_eq!(approved, 1);
    assert!(!dir.join("feedback").exists() && !dir.join("conversations").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_llm_sees_the_closest_approved_pairs_as_examples() {
    let dir = scratch_dir("feedback-llm");
    // Approve two pairs offline first.
    let server = start(demo_config(&dir)).await;
    for question in ["revenue by channel", "orders by status", "revenue by month"] {
        let r = ask(&server, &alice(), question, None).await;
        let r = feedback(
            &server,
            &alice(),
            json!({"conversationId": conversation_id(&r), "turn": 1, "rating": "up"}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    server.shutdown().await;

    let mock = OpenAiMock::start(vec![
        Reply::answer(&scripted_answer(json!({}))),
        Reply::answer(&scripted_answer(json!({}))),
    ])
    .await;
    let mut config = demo_config(&dir);
    config.ai.llm = Some(llm_config(&mock));
    let server = start(config).await;
    let r = ask(&server, &alice(), "revenue per channel", None).await;
    assert_eq!(r.body["success"], true, "{}", r.body);
    assert_eq!(r.body["translator"], "llm");
    let r = ask(
        &server,
        &token("globex", "alice"),
        "revenue per channel",
        None,
    )
    .await;
    assert_eq!(r.body["success"], true, "{}", r.body);
    let requests = mock.requests();
    let examples = |i: usize| -> String {
        requests[i]
            .messages()
            .iter()
            .filter_map(|m| m["content"].as_str())
            .filter(|c| c.starts_with("Questions asked before"))
            .collect()
    };
    let own = examples(0);
    assert!(own.contains("Question: revenue by channel\n"), "{own}");
    assert!(own.contains("\"Orders.channel\""), "{own}");
    assert_eq!(own.matches("- Question:").count(), 3, "{own}");
    assert_eq!(examples(1), "", "another tenant's pairs are never sent");
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}
