//! What the unit tests of the stores and the pipeline share.

use std::path::PathBuf;

use serde_json::json;
use strata_engine::Query;
use strata_llm::{ChartType, Intent};

use crate::conversations::{now, Conversation, ConversationStore, Owner, StoredChart, Turn};
use crate::feedback::{Feedback, Rating};

pub(crate) fn query(measure: &str) -> Query {
    Query::from_json(&json!({"measures": [measure]})).expect("query")
}

pub(crate) fn turn(question: &str) -> Turn {
    Turn {
        question: question.into(),
        success: true,
        intent: Some(Intent::Distribution),
        generated_query: Some(query("Orders.count")),
        requested_chart: Some(ChartType::Bar),
        unmatched: vec![],
        chart: Some(StoredChart {
            chart_type: ChartType::Bar,
            option: json!({"series": []}),
        }),
        insights: vec!["Total is 3.".into()],
        error: None,
        created_at: now(),
    }
}

pub(crate) fn owner(tenant: &str, user: &str) -> Owner {
    Owner {
        tenant: tenant.into(),
        user: user.into(),
    }
}

pub(crate) fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!(
        "strata-analyst-store-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4()
    ))
}

fn feedback(owner: &Owner, id: &str, question: &str, approved: Option<Query>) -> Feedback {
    Feedback {
        tenant: owner.tenant.clone(),
        user: owner.user.clone(),
        conversation_id: id.into(),
        turn: 1,
        rating: if approved.is_some() {
            Rating::Up
        } else {
            Rating::Down
        },
        question: question.into(),
        approved_query: approved,
        intent: Some(Intent::Metric),
        corrected: false,
        follow_up: false,
        created_at: now(),
    }
}

/// What every [`ConversationStore`] must do: keep each conversation and
/// each tenant's feedback for its owner only. Leaves alice's conversation
/// and one approved pair of tenant `t1` behind.
pub(crate) async fn check_store(store: &dyn ConversationStore) {
    let alice = owner("t1", "alice");
    let id = uuid::Uuid::new_v4().to_string();
    let c = Conversation::start(id.clone(), &alice, turn("orders by status"));
    store.create(&c).await.expect("create");
    std::thread::sleep(std::time::Duration::from_millis(2));
    let newer = Conversation::start(uuid::Uuid::new_v4().to_string(), &alice, turn("revenue"));
    store.create(&newer).await.expect("create");
    std::thread::sleep(std::time::Duration::from_millis(2));
    assert!(store
        .append(&alice, &id, &turn("as a bar chart"))
        .await
        .expect("append"));

    let got = store.get(&alice, &id).await.expect("get").expect("found");
    assert_eq!(got.turns.len(), 2);
    assert_eq!(got.turns[1].question, "as a bar chart");
    let t = got.last_translation().expect("translation");
    assert_eq!(t.query, query("Orders.count"));
    assert_eq!(t.chart, Some(ChartType::Bar));

    // Newest (last turn) first, limited.
    let list = store.list(&alice, 10).await.expect("list");
    let titles: Vec<(&str, usize)> = list.iter().map(|s| (s.title.as_str(), s.turns)).collect();
    assert_eq!(titles, [("orders by status", 2), ("revenue", 1)]);
    assert_eq!(store.list(&alice, 1).await.expect("list").len(), 1);

    // Someone else: same tenant other user, or other tenant same user.
    for other in [owner("t1", "bob"), owner("t2", "alice")] {
        assert!(store.get(&other, &id).await.expect("get").is_none());
        assert!(!store.append(&other, &id, &turn("x")).await.expect("append"));
        assert!(!store.delete(&other, &id).await.expect("delete"));
        assert!(store.list(&other, 10).await.expect("list").is_empty());
    }
    assert!(store.delete(&alice, &newer.id).await.expect("delete"));
    assert!(store.get(&alice, &newer.id).await.expect("get").is_none());
    assert!(!store.delete(&alice, &newer.id).await.expect("delete"));

    // Feedback: a later rating of the same turn replaces the earlier one;
    // pairs are the tenant's, newest first; a `down` approves nothing.
    let q = |m| Some(query(m));
    store
        .put_feedback(&feedback(&alice, &id, "orders", q("Orders.count")))
        .await
        .expect("feedback");
    store
        .put_feedback(&feedback(&alice, &id, "orders", q("Orders.revenue")))
        .await
        .expect("feedback");
    let bob = owner("t1", "bob");
    store
        .put_feedback(&feedback(&bob, "other", "revenue", q("Orders.revenue")))
        .await
        .expect("feedback");
    store
        .put_feedback(&feedback(&bob, "third", "nothing", None))
        .await
        .expect("feedback");
    store
        .put_feedback(&feedback(
            &owner("t2", "eve"),
            "x",
            "secret",
            q("Orders.count"),
        ))
        .await
        .expect("feedback");
    let pairs = store.approved_pairs("t1").await.expect("pairs");
    let questions: Vec<&str> = pairs.iter().map(|p| p.question.as_str()).collect();
    assert_eq!(questions, ["revenue", "orders"]);
    assert_eq!(pairs[1].query, query("Orders.revenue"));
    let others = store.approved_pairs("t2").await.expect("pairs");
    assert_eq!(others.len(), 1);
    assert!(store.approved_pairs("t3").await.expect("pairs").is_empty());
}
