//! The page and plugin routes through the full router (auth on, no token):
//! the page and plugins need none, and nothing of the API is shadowed.

use std::io::Read;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use serde_json::Value;
use strata_engine::Engine;
use strata_schema::SemanticModel;
use tower::ServiceExt;

use crate::auth::AuthSettings;
use crate::plugins::PluginRegistry;
use crate::routes::router;
use crate::state::AppState;

fn app_with(plugins: PluginRegistry) -> axum::Router {
    let engine = Engine::new(Arc::new(SemanticModel::default()), None);
    let auth = AuthSettings::new(Some("page-secret".into()), false);
    router(AppState::builder(engine, auth).plugins(plugins).build())
}

fn app() -> axum::Router {
    app_with(PluginRegistry::built_in())
}

async fn get(app: axum::Router, uri: &str, headers: &[(&str, &str)]) -> (Response<Body>, Vec<u8>) {
    let mut req = Request::builder().uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app
        .oneshot(req.body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
    (Response::from_parts(parts, Body::empty()), bytes.to_vec())
}

fn header<'a>(res: &'a Response<Body>, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_page_is_html_revalidated_and_compressed_on_request() {
    let (res, body) = get(app(), "/", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header(&res, "content-type").starts_with("text/html"));
    assert_eq!(header(&res, "cache-control"), "no-cache");
    assert!(header(&res, "content-security-policy").contains("default-src 'self'"));
    let etag = header(&res, "etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 4, "{etag}");
    let html = String::from_utf8(body).expect("utf-8");
    let prefix = super::assets::assets_prefix();
    assert!(html.contains(&format!("{prefix}/app.js")), "{html}");
    assert!(!html.contains("{{ASSETS}}"));

    let (res, gz) = get(app(), "/index.html", &[("accept-encoding", "gzip")]).await;
    assert_eq!(header(&res, "content-encoding"), "gzip");
    assert_eq!(header(&res, "vary"), "Accept-Encoding");
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut unzipped)
        .expect("gzip body");
    assert_eq!(unzipped, html);

    let (res, body) = get(app(), "/", &[("if-none-match", &etag)]).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
}

#[tokio::test]
async fn assets_are_cached_for_good_under_the_build_id() {
    let prefix = super::assets::assets_prefix();
    let (res, body) = get(
        app(),
        &format!("{prefix}/app.js"),
        &[("accept-encoding", "br")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header(&res, "content-type").starts_with("text/javascript"));
    assert_eq!(header(&res, "cache-control"), super::IMMUTABLE);
    assert!(!body.is_empty());
    let (res, _) = get(app(), "/assets/0ld/app.js", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        header(&res, "cache-control"),
        "no-cache",
        "an earlier build's URL"
    );
    let (res, _) = get(app(), &format!("{prefix}/vendor/echarts.min.js"), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_assets_are_404_and_the_api_is_not_shadowed() {
    let prefix = super::assets::assets_prefix();
    for uri in [
        format!("{prefix}/nope.js"),
        format!("{prefix}/../Cargo.toml"),
        format!("{prefix}/index.html"),
        "/assets/app.js".to_owned(),
        "/plugins/nope.js".to_owned(),
        "/plugins/funnel".to_owned(),
    ] {
        let (res, body) = get(app(), &uri, &[]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{uri}");
        let json: Value = serde_json::from_slice(&body).expect("JSON error");
        assert!(json["error"].is_string(), "{uri}: {json}");
    }
    // The API still asks for a token.
    let (res, _) = get(app(), "/cubejs-api/v1/meta", &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, _) = get(app(), "/ai-analytics/schema", &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn plugins_are_listed_and_served() {
    let (res, body) = get(app(), "/strata/v1/plugins", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let json: Value = serde_json::from_slice(&body).expect("JSON");
    let funnel = &json["plugins"][0];
    assert_eq!(funnel["name"], "funnel");
    assert_eq!(funnel["script"], "/plugins/funnel.js");
    assert_eq!(funnel["fits"]["measures"]["max"], 1);
    assert_eq!(funnel["fits"]["timeDimension"], false);

    let (res, body) = get(app(), "/plugins/funnel.js", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header(&res, "content-type").starts_with("text/javascript"));
    assert!(String::from_utf8(body)
        .expect("utf-8")
        .contains("export function toOption"));
}

#[tokio::test]
async fn a_bad_manifest_is_refused_with_a_message_and_the_rest_served() {
    let dir = std::env::temp_dir().join(format!(
        "strata-page-plugins-{}-{}",
        std::process::id(),
        crate::response::random_uuid()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("bad.json"),
        r#"{"name": "bad", "title": "Bad", "fits": {"rows": 3}}"#,
    )
    .expect("write");
    std::fs::write(dir.join("bad.js"), "export function toOption() {}").expect("write");
    std::fs::write(
        dir.join("sankey.json"),
        r#"{"name": "sankey", "title": "Sankey"}"#,
    )
    .expect("write");
    std::fs::write(
        dir.join("sankey.js"),
        "export function toOption() { return {}; }",
    )
    .expect("write");
    let (plugins, errors) = PluginRegistry::load(Some(&dir));
    assert_eq!(errors.len(), 1, "{errors:?}");
    let message = errors[0].to_string();
    assert!(
        message.contains("bad.json") && message.contains("unknown field `rows`"),
        "{message}"
    );

    let (_, body) = get(app_with(plugins), "/strata/v1/plugins", &[]).await;
    let json: Value = serde_json::from_slice(&body).expect("JSON");
    let names: Vec<&str> = json["plugins"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["funnel", "sankey"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn model_documents_are_compressed_when_the_client_accepts_it() {
    let model = strata_demo::model().expect("demo model");
    let engine = Engine::new(Arc::new(model), None);
    let app = || router(AppState::new(engine.clone(), AuthSettings::new(None, true)));

    let (res, plain) = get(app(), "/cubejs-api/v1/meta", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), "");
    let meta: Value = serde_json::from_slice(&plain).expect("meta JSON");
    assert!(meta["cubes"].as_array().is_some_and(|c| !c.is_empty()));

    let (res, br) = get(
        app(),
        "/cubejs-api/v1/meta",
        &[("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(header(&res, "content-encoding"), "br");
    assert_eq!(header(&res, "vary"), "Accept-Encoding");
    let mut out = Vec::new();
    brotli::Decompressor::new(&br[..], 4096)
        .read_to_end(&mut out)
        .expect("brotli body");
    assert_eq!(out, plain);
    assert!(
        br.len() * 5 < plain.len(),
        "{} of {}",
        br.len(),
        plain.len()
    );

    let (res, gz) = get(
        app(),
        "/ai-analytics/schema",
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), "gzip");
    let mut schema = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut schema)
        .expect("gzip body");
    let schema: Value = serde_json::from_str(&schema).expect("schema JSON");
    assert!(schema.is_object(), "{schema}");
}
