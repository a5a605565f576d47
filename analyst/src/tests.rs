//! The pipeline end to end on the bundled demo (DataFusion, no database),
//! with conversations in memory.

use std::sync::Arc;

use serde_json::json;
use strata_engine::{DataFusionExecutor, Engine, Query, DEFAULT_DATA_SOURCE};

use crate::test_support::owner;
use crate::*;

async fn demo() -> (Analyst, AnalystScope) {
    let data = strata_demo::DemoData::pinned();
    let model = data.model().expect("demo model");
    let executor = DataFusionExecutor::new();
    data.register(&executor).expect("demo data");
    let engine = Engine::builder(Arc::new(model))
        .data_source(DEFAULT_DATA_SOURCE, Arc::new(executor))
        .build();
    let analyst = Analyst::new(AnalystSettings {
        conversations: ConversationBackend::Memory,
        ..AnalystSettings::default()
    })
    .expect("analyst");
    (
        analyst,
        AnalystScope::new(engine).with_owner(owner("t", "u")),
    )
}

fn query(v: serde_json::Value) -> Query {
    Query::from_json(&v).expect("query")
}

#[tokio::test]
async fn questions_follow_ups_and_refusals_serialize_as_the_http_bodies() {
    let (analyst, scope) = demo().await;
    let first = analyst
        .ask(&scope, "revenue by channel", None)
        .await
        .expect("asked");
    let Outcome::Answer(a) = &first else {
        panic!("not answered: {first:?}");
    };
    assert_eq!(a.table.rows.len(), 3);
    assert_eq!(a.turn, Some(1));
    let body = serde_json::to_value(&first).expect("json");
    let keys: Vec<&str> = body
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "naturalLanguageQuery",
            "success",
            "intent",
            "generatedQuery",
            "queryType",
            "data",
            "columns",
            "chart",
            "insights",
            "metadata",
            "sql",
            "translator",
            "conversationId",
            "turn"
        ]
    );
    assert_eq!(body["chart"]["type"], a.chart.chart_type.as_str());
    assert!(body["columns"][0]["member"].is_string(), "{body}");

    let next = analyst
        .ask(&scope, "as a pie chart", first.conversation_id())
        .await
        .expect("asked");
    assert_eq!(next.conversation_id(), first.conversation_id());
    let body = serde_json::to_value(&next).expect("json");
    assert_eq!(
        (body["turn"].clone(), body["chart"]["type"].clone()),
        (json!(2), json!("pie"))
    );

    let refused = analyst
        .ask(&scope, "what's the weather tomorrow", None)
        .await
        .expect("asked");
    let Outcome::Refusal(r) = &refused else {
        panic!("answered: {refused:?}");
    };
    assert_eq!(r.reason, RefusalReason::NotUnderstood);
    let body = serde_json::to_value(&refused).expect("json");
    assert_eq!(body["success"], false);
    assert!(body.get("needsClarification").is_none(), "{body}");
    assert!(body["availableMembers"]["measures"].is_array(), "{body}");
    assert_eq!(body["turn"], 1);

    // Someone else cannot continue it; an empty question is an error.
    let other = scope.clone().with_owner(owner("t", "v"));
    let e = analyst
        .ask(&other, "by week", first.conversation_id())
        .await
        .expect_err("not theirs");
    assert!(matches!(e, AnalystError::ConversationNotFound(_)), "{e}");
    let e = analyst.ask(&scope, "  ", None).await.expect_err("empty");
    assert!(matches!(e, AnalystError::InvalidQuestion(_)), "{e}");
    let listed = analyst.conversations(&scope, 10).await.expect("list");
    let listed: Vec<(&str, usize)> = listed.iter().map(|c| (c.title.as_str(), c.turns)).collect();
    assert_eq!(
        listed,
        [
            ("what's the weather tomorrow", 1),
            ("revenue by channel", 2)
        ]
    );
    assert!(analyst
        .conversations(&other, 10)
        .await
        .expect("list")
        .is_empty());
}

#[tokio::test]
async fn given_queries_are_checked_against_the_catalog_and_the_planner() {
    let (analyst, scope) = demo().await;
    let q = query(json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"]}));
    let a = analyst
        .chart(&scope, &q, Some(strata_llm::ChartType::Bar))
        .await
        .expect("answered");
    assert_eq!(a.chart.chart_type, strata_llm::ChartType::Bar);
    assert!(a.sql.as_deref().is_some_and(|s| s.contains("GROUP BY")));
    assert!(a.conversation_id.is_none());

    let e = analyst
        .check_query(&scope, &query(json!({"measures": ["Orders.nope"]})))
        .await
        .expect_err("unknown member");
    assert!(matches!(e, AnalystError::OutsideCatalog { .. }), "{e}");
    let unplannable = query(json!({"measures": ["Orders.count"],
        "timeDimensions": [{"dimension": "Orders.status", "granularity": "month"}]}));
    let e = analyst
        .check_query(&scope, &unplannable)
        .await
        .expect_err("not a time dimension");
    assert!(
        matches!(e, AnalystError::Query(_) | AnalystError::Engine(_)),
        "{e}"
    );
}

#[tokio::test]
async fn feedback_is_for_the_owners_turns_and_approves_pairs() {
    let (analyst, scope) = demo().await;
    let first = analyst
        .ask(&scope, "revenue by channel", None)
        .await
        .expect("asked");
    let id = first.conversation_id().cloned().expect("id");
    let follow_up = analyst
        .ask(&scope, "by month", Some(&id))
        .await
        .expect("asked");
    assert!(follow_up.is_answer());
    let rate = |turn, rating, corrected| FeedbackRequest {
        conversation: id.clone(),
        turn,
        rating,
        corrected_query: corrected,
    };
    let stored = analyst
        .feedback(&scope, rate(1, Rating::Up, None))
        .await
        .expect("stored");
    assert_eq!(stored.question, "revenue by channel");
    assert!(stored.approved_pair().is_some());
    // A follow-up's pair depends on its conversation: stored, never reused.
    let stored = analyst
        .feedback(&scope, rate(2, Rating::Up, None))
        .await
        .expect("stored");
    assert!(stored.follow_up && stored.approved_pair().is_none());
    let e = analyst
        .feedback(&scope, rate(3, Rating::Up, None))
        .await
        .expect_err("no third turn");
    assert!(
        matches!(e, AnalystError::TurnNotFound { turns: 2, .. }),
        "{e}"
    );
    let other = scope.clone().with_owner(owner("t", "v"));
    let e = analyst
        .feedback(&other, rate(1, Rating::Down, None))
        .await
        .expect_err("not theirs");
    assert!(matches!(e, AnalystError::ConversationNotFound(_)), "{e}");
    let pairs = analyst.store().approved_pairs("t").await.expect("pairs");
    assert_eq!(pairs.len(), 1);

    // The approved query answers the tenant's near-duplicate.
    let again = analyst
        .ask(&other, "Revenue by channels", None)
        .await
        .expect("asked");
    let Outcome::Answer(a) = again else {
        panic!("not answered");
    };
    assert_eq!(a.approved_question.as_deref(), Some("revenue by channel"));
    assert_eq!(a.translation.query, pairs[0].query);
}
