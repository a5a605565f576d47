//! Router tests that need no database and no query planning.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::routing::get;
use axum::{middleware, Extension, Json, Router};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use strata_engine::Engine;
use strata_schema::SemanticModel;
use tower::ServiceExt;

use super::{router, BODY_LIMIT};
use crate::auth::{require_auth, AuthSettings, SecurityContext};
use crate::state::AppState;

const SECRET: &str = "router-secret";

fn state(dev_mode: bool) -> AppState {
    let engine = Engine::new(Arc::new(SemanticModel::default()), None);
    AppState::new(engine, AuthSettings::new(Some(SECRET.into()), dev_mode))
}

fn token(claims: Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
    )
    .unwrap()
}

async fn send(app: Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "response is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (status, body)
}

fn get_req(uri: &str, auth: Option<&str>) -> Request<Body> {
    let mut b = Request::builder().uri(uri);
    if let Some(a) = auth {
        b = b.header("authorization", a);
    }
    b.body(Body::empty()).unwrap()
}

fn post_req(uri: &str, auth: &str, body: impl Into<Body>) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header("authorization", auth)
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap()
}

#[tokio::test]
async fn livez_and_readyz() {
    let (s, b) = send(router(state(false)), get_req("/livez", None)).await;
    assert_eq!((s, b), (StatusCode::OK, json!({"health": "HEALTH"})));
    let (s, b) = send(router(state(false)), get_req("/readyz", None)).await;
    assert_eq!((s, b), (StatusCode::OK, json!({"health": "HEALTH"})));
}

#[tokio::test]
async fn unknown_route_is_json_404() {
    let (s, b) = send(router(state(false)), get_req("/nope", None)).await;
    assert_eq!(
        (s, b),
        (StatusCode::NOT_FOUND, json!({"error": "Not found"}))
    );
}

#[tokio::test]
async fn wrong_method_is_json_405() {
    let t = token(json!({}));
    let req = Request::builder()
        .method(Method::PUT)
        .uri("/cubejs-api/v1/load")
        .header("authorization", &t)
        .body(Body::empty())
        .unwrap();
    let (s, b) = send(router(state(false)), req).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert!(b["error"].is_string());
}

#[tokio::test]
async fn api_requires_a_token() {
    let (s, b) = send(router(state(false)), get_req("/cubejs-api/v1/meta", None)).await;
    assert_eq!(
        (s, b),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Authorization header isn't set"})
        )
    );
    let (s, b) = send(
        router(state(false)),
        get_req("/cubejs-api/v1/meta", Some("Bearer garbage")),
    )
    .await;
    assert_eq!(
        (s, b),
        (StatusCode::FORBIDDEN, json!({"error": "Invalid token"}))
    );
}

#[tokio::test]
async fn meta_with_token_and_in_dev_mode() {
    let t = token(json!({"tenant": "a"}));
    let (s, b) = send(
        router(state(false)),
        get_req("/cubejs-api/v1/meta", Some(&format!("Bearer {t}"))),
    )
    .await;
    assert_eq!((s, b), (StatusCode::OK, json!({"cubes": []})));
    let (s, _) = send(router(state(true)), get_req("/cubejs-api/v1/meta", None)).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn load_get_malformed_json_is_400() {
    let t = token(json!({}));
    let (s, b) = send(
        router(state(false)),
        get_req("/cubejs-api/v1/load?query=%7Bnope", Some(&t)),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let msg = b["error"].as_str().unwrap();
    assert!(msg.starts_with("Invalid query JSON: "), "{msg}");
}

#[tokio::test]
async fn load_post_malformed_or_missing_query_is_400() {
    let t = token(json!({}));
    for (uri, body, expected) in [
        (
            "/cubejs-api/v1/load",
            "{\"query\": {",
            "Invalid query JSON: ",
        ),
        ("/cubejs-api/v1/load", "{}", "Query param is required"),
        ("/cubejs-api/v1/sql", "not json", "Invalid query JSON: "),
        (
            "/cubejs-api/v1/dry-run",
            "{\"queryType\": \"multi\"}",
            "Query param is required",
        ),
    ] {
        let (s, b) = send(router(state(false)), post_req(uri, &t, body)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri} {body}");
        let msg = b["error"].as_str().unwrap();
        assert!(msg.starts_with(expected), "{uri}: {msg}");
    }
}

#[tokio::test]
async fn oversized_body_is_json_413() {
    let t = token(json!({}));
    let big = format!(
        "{{\"query\": {{\"measures\": [\"{}\"]}}}}",
        "x".repeat(BODY_LIMIT + 10)
    );
    let (s, b) = send(
        router(state(false)),
        post_req("/cubejs-api/v1/load", &t, big),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(b["error"].as_str().unwrap().contains("too large"));
}

#[tokio::test]
async fn security_context_reaches_handlers() {
    async fn echo(Extension(ctx): Extension<SecurityContext>) -> Json<Value> {
        Json(ctx.0)
    }
    let st = state(false);
    let app = Router::new()
        .route("/ctx", get(echo))
        .route_layer(middleware::from_fn_with_state(st.clone(), require_auth))
        .with_state(st);
    let t = token(json!({"tenant": "acme"}));
    let (s, b) = send(app, get_req("/ctx", Some(&t))).await;
    assert_eq!((s, b), (StatusCode::OK, json!({"tenant": "acme"})));
}
