//! CSV uploads (`/strata/v1/uploads`): a tenant's file becomes a cube that
//! tenant can query at once through `/meta`, `/load` and the AI endpoint;
//! another tenant never sees it; bad files are refused with a message and
//! the server keeps serving.

use serde_json::{json, Value};
use strata_server::RunningServer;

use crate::ai_analytics::{demo_config, scratch_dir};

const INVENTORY: &str = "Warehouse,Shipped On,Pallets,Note\n\
Oslo,2025-03-02,12,=cmd()\n\
Oslo,2025-03-20,8,ok\n\
Bergen,2025-04-11,5,@SUM(A1)\n";

fn token(tenant: &str) -> String {
    crate::ai_analytics::token(tenant, &format!("{tenant}-user"))
}

/// The demo with auth on, as the AI tests run it.
async fn start() -> RunningServer {
    crate::ai_analytics::start(demo_config(&scratch_dir("uploads"))).await
}

struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    fn new(server: &RunningServer) -> Client {
        Client {
            base: server.url().trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let resp = req.send().await.unwrap_or_else(|e| panic!("request: {e}"));
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn upload(
        &self,
        tenant: &str,
        name: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let url = format!(
            "{}/strata/v1/uploads?name={name}&file=inventory.csv",
            self.base
        );
        self.send(
            self.http
                .post(url)
                .header("Authorization", token(tenant))
                .header("Content-Type", "text/csv")
                .body(body),
        )
        .await
    }

    async fn get(&self, tenant: &str, path: &str) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        self.send(self.http.get(url).header("Authorization", token(tenant)))
            .await
    }

    async fn post(&self, tenant: &str, path: &str, body: Value) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        self.send(
            self.http
                .post(url)
                .header("Authorization", token(tenant))
                .json(&body),
        )
        .await
    }

    async fn load(&self, tenant: &str, query: Value) -> (u16, Value) {
        self.post(tenant, "/cubejs-api/v1/load", json!({ "query": query }))
            .await
    }

    async fn cube_names(&self, tenant: &str) -> Vec<String> {
        let (status, meta) = self.get(tenant, "/cubejs-api/v1/meta").await;
        assert_eq!(status, 200, "{meta}");
        meta["cubes"]
            .as_array()
            .map(|cubes| {
                cubes
                    .iter()
                    .filter_map(|c| c["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn pallets_by_warehouse() -> Value {
    json!({
        "measures": ["inventory.pallets_sum", "inventory.count"],
        "dimensions": ["inventory.warehouse"],
        "order": {"inventory.warehouse": "asc"}
    })
}

fn rows(body: &Value) -> Vec<Value> {
    body["data"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_csv_is_a_cube_of_its_tenant_only() {
    let server = start().await;
    let c = Client::new(&server);

    let (status, info) = c.upload("acme", "inventory", INVENTORY).await;
    assert_eq!(status, 201, "{info}");
    assert_eq!(info["cube"], "inventory");
    assert_eq!(info["rows"], 3);
    assert_eq!(
        info["measures"],
        json!(["inventory.count", "inventory.pallets_sum"])
    );
    assert_eq!(info["timeDimensions"], json!(["inventory.shipped_on"]));
    let kinds: Vec<&str> = info["columns"]
        .as_array()
        .map(|cols| cols.iter().filter_map(|c| c["type"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, vec!["text", "time", "number", "text"]);

    // The uploading tenant sees and queries it at once.
    assert!(c
        .cube_names("acme")
        .await
        .contains(&"inventory".to_string()));
    let (status, body) = c.load("acme", pallets_by_warehouse()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        rows(&body),
        vec![
            json!({"inventory.warehouse": "Bergen", "inventory.pallets_sum": "5", "inventory.count": "1"}),
            json!({"inventory.warehouse": "Oslo", "inventory.pallets_sum": "20", "inventory.count": "2"}),
        ]
    );
    let (status, body) = c
        .load(
            "acme",
            json!({
                "measures": ["inventory.pallets_sum"],
                "timeDimensions": [{"dimension": "inventory.shipped_on", "granularity": "month",
                                    "dateRange": ["2025-03-01", "2025-04-30"]}]
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let by_month: Vec<(Value, Value)> = rows(&body)
        .iter()
        .map(|r| {
            (
                r["inventory.shipped_on.month"].clone(),
                r["inventory.pallets_sum"].clone(),
            )
        })
        .collect();
    assert_eq!(
        by_month,
        vec![
            (json!("2025-03-01T00:00:00.000"), json!("20")),
            (json!("2025-04-01T00:00:00.000"), json!("5")),
        ]
    );
    // Cells that look like spreadsheet formulas are kept as the text they are.
    let (status, body) = c
        .load(
            "acme",
            json!({"dimensions": ["inventory.note"], "order": {"inventory.note": "asc"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let notes: Vec<Value> = rows(&body)
        .iter()
        .map(|r| r["inventory.note"].clone())
        .collect();
    assert_eq!(notes, vec![json!("=cmd()"), json!("@SUM(A1)"), json!("ok")]);

    // The AI endpoint answers about it for the same tenant.
    let (status, answer) = c
        .post(
            "acme",
            "/ai-analytics/query",
            json!({"naturalLanguageQuery": "total pallets by warehouse"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["success"], true, "{answer}");
    assert_eq!(
        answer["generatedQuery"]["measures"],
        json!(["inventory.pallets_sum"]),
        "{answer}"
    );
    assert_eq!(
        answer["generatedQuery"]["dimensions"],
        json!(["inventory.warehouse"]),
        "{answer}"
    );

    // Another tenant sees none of it: not in /meta, not by name, not through the AI.
    assert!(!c
        .cube_names("globex")
        .await
        .contains(&"inventory".to_string()));
    let (status, body) = c.load("globex", pallets_by_warehouse()).await;
    assert_eq!(status, 400, "{body}");
    let (_, answer) = c
        .post(
            "globex",
            "/ai-analytics/query",
            json!({"naturalLanguageQuery": "total pallets by warehouse"}),
        )
        .await;
    assert!(
        !answer.to_string().contains("inventory."),
        "another tenant's AI answer named the upload: {answer}"
    );
    let (status, list) = c.get("globex", "/strata/v1/uploads").await;
    assert_eq!((status, list), (200, json!({"uploads": []})));

    // The other tenant's own upload of the same name holds its own rows.
    let (status, info) = c
        .upload("globex", "inventory", "Warehouse,Pallets\nTromso,99\n")
        .await;
    assert_eq!(status, 201, "{info}");
    let (_, body) = c
        .load(
            "globex",
            json!({"measures": ["inventory.pallets_sum"], "dimensions": ["inventory.warehouse"]}),
        )
        .await;
    assert_eq!(
        rows(&body),
        vec![json!({"inventory.warehouse": "Tromso", "inventory.pallets_sum": "99"})]
    );
    let (_, body) = c.load("acme", pallets_by_warehouse()).await;
    assert_eq!(rows(&body).len(), 2, "{body}");

    // Listing and deleting are per tenant too.
    let (_, list) = c.get("acme", "/strata/v1/uploads").await;
    assert_eq!(list["uploads"][0]["cube"], "inventory");
    assert_eq!(list["uploads"][0]["rows"], 3);
    let url = format!("{}/strata/v1/uploads/inventory", c.base);
    let (status, _) = c
        .send(c.http.delete(&url).header("Authorization", token("acme")))
        .await;
    assert_eq!(status, 204);
    let (status, _) = c
        .send(c.http.delete(&url).header("Authorization", token("acme")))
        .await;
    assert_eq!(status, 404);
    assert!(!c
        .cube_names("acme")
        .await
        .contains(&"inventory".to_string()));
    let (status, _) = c.load("acme", pallets_by_warehouse()).await;
    assert_eq!(status, 400);
    let (_, body) = c
        .load("globex", json!({"measures": ["inventory.pallets_sum"]}))
        .await;
    assert_eq!(rows(&body), vec![json!({"inventory.pallets_sum": "99"})]);

    // Without a token nothing is uploaded.
    let (status, _) = c
        .send(
            c.http
                .post(format!("{}/strata/v1/uploads?name=x", c.base))
                .body(INVENTORY),
        )
        .await;
    assert_eq!(status, 403);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_uploads_are_refused_with_a_message_and_change_nothing() {
    let server = start().await;
    let c = Client::new(&server);

    let png: Vec<u8> = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff,
    ];
    let wide = {
        let header: Vec<String> = (0..201).map(|i| format!("c{i}")).collect();
        format!("{}\n{}\n", header.join(","), vec!["1"; 201].join(","))
    };
    let huge = {
        let mut s = String::from("a,b\n");
        while s.len() <= 10 * 1024 * 1024 {
            s.push_str("1234567890,abcdefghij\n");
        }
        s
    };
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        ("empty", "t1", Vec::new(), 400, "empty"),
        ("not csv", "t2", png, 400, "not a CSV text file"),
        ("ragged", "t3", b"a,b\n1,2\n3,4,5\n".to_vec(), 400, "line"),
        ("header only", "t4", b"a,b\n".to_vec(), 400, "no data rows"),
        ("too wide", "t5", wide.into_bytes(), 400, "at most 200"),
        ("too large", "t6", huge.into_bytes(), 413, "10485760"),
        (
            "bad name",
            "Drop%20Table",
            INVENTORY.as_bytes().to_vec(),
            400,
            "cube name",
        ),
        (
            "model's cube",
            "Orders",
            INVENTORY.as_bytes().to_vec(),
            400,
            "cube name",
        ),
        (
            "no name",
            "",
            INVENTORY.as_bytes().to_vec(),
            400,
            "Name the cube",
        ),
    ];
    for (what, name, body, status, needle) in cases {
        let (got, reply) = c.upload("acme", name, body).await;
        let message = reply["error"].as_str().unwrap_or_default();
        assert_eq!(got, status, "{what}: {reply}");
        assert!(
            message.contains(needle),
            "{what}: {message:?} lacks {needle:?}"
        );
    }
    let (status, list) = c.get("acme", "/strata/v1/uploads").await;
    assert_eq!((status, list), (200, json!({"uploads": []})));
    let (status, _) = c.get("acme", "/readyz").await;
    assert_eq!(status, 200);
    let (status, body) = c.load("acme", json!({"measures": ["Orders.count"]})).await;
    assert_eq!(status, 200, "{body}");
    server.shutdown().await;
}
