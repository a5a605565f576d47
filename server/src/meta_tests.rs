//! Tests of the `/meta` document.

use super::*;
use std::path::PathBuf;

const YAML: &str = r#"
cubes:
  - name: orders
    sql_table: public.orders
    title: Customer Orders
    description: All orders
    meta:
      owner: sales
    joins:
      - name: users
        relationship: many_to_one
        sql: "{CUBE}.user_id = {users.id}"
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: status
        sql: status
        type: string
        description: Order status
      - name: internal_note
        sql: note
        type: string
        public: false
      - name: created_at
        sql: created_at
        type: time
    measures:
      - name: count
        type: count
        drill_members: [id, status]
      - name: total_amount
        sql: amount
        type: sum
        title: Revenue
        format: currency
      - name: secret_sum
        sql: secret
        type: sum
        shown: false
      - name: running
        sql: amount
        type: sum
        rolling_window:
          trailing: unbounded
      - name: buyers
        sql: user_id
        type: count_distinct
    segments:
      - name: completed
        sql: "{CUBE}.status = 'completed'"
  - name: users
    sql_table: public.users
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: city
        sql: city
        type: string
  - name: products
    sql_table: public.products
    public: false
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
  - name: audit_logs
    sql_table: public.logs
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
views:
  - name: orders_view
    cubes:
      - join_path: orders
        includes: [count, status, total_amount]
      - join_path: orders.users
        prefix: true
        includes: [city]
"#;

fn meta() -> Value {
    let model = match strata_schema::load_files(&[(PathBuf::from("m.yml"), YAML.to_string())]) {
        Ok(m) => m,
        Err(e) => panic!("test model should load:\n{e}"),
    };
    build_meta(&model)
}

fn entry<'a>(meta: &'a Value, name: &str) -> &'a Value {
    meta["cubes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no entry {name}"))
}

fn member<'a>(cube: &'a Value, kind: &str, name: &str) -> &'a Value {
    cube[kind]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn names(cube: &Value, kind: &str) -> Vec<String> {
    cube[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn public_cubes_and_views_only() {
    let m = meta();
    let all: Vec<&str> = m["cubes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(all, ["orders", "users", "audit_logs", "orders_view"]);
}

#[test]
fn cube_entry() {
    let m = meta();
    let orders = entry(&m, "orders");
    assert_eq!(orders["title"], "Customer Orders");
    assert_eq!(orders["type"], "cube");
    assert_eq!(orders["description"], "All orders");
    assert_eq!(orders["meta"], json!({"owner": "sales"}));
    assert_eq!(orders["isVisible"], true);
    assert_eq!(orders["public"], true);
    for key in ["hierarchies", "folders", "nestedFolders"] {
        assert_eq!(orders[key], json!([]), "{key}");
    }
    let logs = entry(&m, "audit_logs");
    assert_eq!(logs["title"], "Audit Logs");
    assert!(logs.get("description").is_none());
    assert!(logs.get("meta").is_none());
}

#[test]
fn hidden_members_are_left_out() {
    let m = meta();
    let orders = entry(&m, "orders");
    assert_eq!(
        names(orders, "measures"),
        [
            "orders.count",
            "orders.total_amount",
            "orders.running",
            "orders.buyers"
        ]
    );
    assert_eq!(
        names(orders, "dimensions"),
        ["orders.id", "orders.status", "orders.created_at"]
    );
    assert_eq!(names(orders, "segments"), ["orders.completed"]);
}

#[test]
fn measures() {
    let m = meta();
    let orders = entry(&m, "orders");
    let count = member(orders, "measures", "orders.count");
    assert_eq!(count["title"], "Customer Orders Count");
    assert_eq!(count["shortTitle"], "Count");
    assert_eq!(count["type"], "number");
    assert_eq!(count["aggType"], "count");
    assert_eq!(count["cumulative"], false);
    assert_eq!(count["cumulativeTotal"], false);
    assert_eq!(count["drillMembers"], json!(["orders.id", "orders.status"]));
    assert_eq!(
        count["drillMembersGrouped"],
        json!({"measures": [], "dimensions": ["orders.id", "orders.status"]})
    );
    assert_eq!(count["isVisible"], true);
    assert!(count.get("format").is_none());

    let revenue = member(orders, "measures", "orders.total_amount");
    assert_eq!(revenue["title"], "Customer Orders Revenue");
    assert_eq!(revenue["shortTitle"], "Revenue");
    assert_eq!(revenue["format"], "currency");
    assert_eq!(revenue["aggType"], "sum");

    let running = member(orders, "measures", "orders.running");
    assert_eq!(running["cumulative"], true);
    assert_eq!(running["cumulativeTotal"], true);

    let buyers = member(orders, "measures", "orders.buyers");
    assert_eq!(buyers["aggType"], "countDistinct");
    assert_eq!(buyers["type"], "number");
}

#[test]
fn dimensions_and_segments() {
    let m = meta();
    let orders = entry(&m, "orders");
    let id = member(orders, "dimensions", "orders.id");
    assert_eq!(id["primaryKey"], true);
    assert_eq!(id["type"], "number");
    assert_eq!(id["title"], "Customer Orders Id");
    assert_eq!(id["suggestFilterValues"], true);
    let status = member(orders, "dimensions", "orders.status");
    assert_eq!(status["primaryKey"], false);
    assert_eq!(status["description"], "Order status");
    let created = member(orders, "dimensions", "orders.created_at");
    assert_eq!(created["type"], "time");
    assert_eq!(created["shortTitle"], "Created At");
    let seg = member(orders, "segments", "orders.completed");
    assert_eq!(seg["title"], "Customer Orders Completed");
    assert_eq!(seg["shortTitle"], "Completed");
    assert_eq!(seg["isVisible"], true);
}

#[test]
fn connected_components_follow_joins() {
    let m = meta();
    let c = |n: &str| entry(&m, n)["connectedComponent"].as_u64().unwrap();
    assert_eq!(c("orders"), c("users"));
    assert_ne!(c("orders"), c("audit_logs"));
    assert_ne!(c("orders_view"), c("audit_logs"));
}

#[test]
fn view_members() {
    let m = meta();
    let view = entry(&m, "orders_view");
    assert_eq!(view["type"], "view");
    assert_eq!(view["title"], "Orders View");
    assert_eq!(
        names(view, "measures"),
        ["orders_view.count", "orders_view.total_amount"]
    );
    assert_eq!(
        names(view, "dimensions"),
        ["orders_view.status", "orders_view.users_city"]
    );
    let count = member(view, "measures", "orders_view.count");
    assert_eq!(count["title"], "Orders View Count");
    assert_eq!(count["aggType"], "count");
    // Only drill members the view exposes, under their view names.
    assert_eq!(count["drillMembers"], json!(["orders_view.status"]));
    let revenue = member(view, "measures", "orders_view.total_amount");
    assert_eq!(revenue["shortTitle"], "Revenue");
    assert_eq!(revenue["format"], "currency");
    let city = member(view, "dimensions", "orders_view.users_city");
    assert_eq!(city["type"], "string");
    assert_eq!(city["shortTitle"], "Users City");
    assert_eq!(city["aliasMember"], "users.city");
}

#[tokio::test]
async fn the_document_is_answered_as_its_json_text() {
    let model = match strata_schema::load_files(&[(PathBuf::from("m.yml"), YAML.to_string())]) {
        Ok(m) => m,
        Err(e) => panic!("test model should load:\n{e}"),
    };
    let document = MetaDocument::build(&model);
    assert_eq!(document.value, build_meta(&model));
    let response = document.response();
    assert_eq!(
        response.headers()[axum::http::header::CONTENT_TYPE],
        "application/json"
    );
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let parsed: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(parsed, document.value);
}
