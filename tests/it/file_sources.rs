//! CSV and Parquet files as data sources: declared in a data-sources YAML
//! file, named by cubes' `data_source`, queried over the REST API with no
//! database at all.

use serde_json::{json, Value};
use strata_server::{EngineSettings, ServerConfig};

fn scratch_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-file-sources-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("model")).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// The model in `dir/model` with the data sources of `dir/sources.yml`, in dev mode.
fn files_config(dir: &std::path::Path) -> ServerConfig {
    ServerConfig {
        models_dir: dir.join("model"),
        listen: "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        dev_mode: true,
        engine: EngineSettings {
            data_sources: Some(dir.join("sources.yml")),
            ..EngineSettings::default()
        },
        ..ServerConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cubes_read_csv_and_parquet_files() {
    let dir = scratch_dir();
    std::fs::write(
        dir.join("orders.csv"),
        "id,customer_id,status,amount\n1,1,completed,10.5\n2,1,cancelled,4\n3,2,completed,20\n4,3,completed,1.25\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // Parquet written by DataFusion itself.
    let writer = strata_engine::DataFusionExecutor::new();
    let parquet = dir.join("customers.parquet");
    writer
        .session()
        .sql(&format!(
            "COPY (SELECT * FROM (VALUES (1, 'Ann', 'EU'), (2, 'Bob', 'US'), (3, 'Cyd', 'EU')) AS t(id, name, region)) \
             TO '{}' STORED AS PARQUET",
            parquet.display()
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .collect()
        .await
        .unwrap_or_else(|e| panic!("writing parquet: {e}"));
    std::fs::write(
        dir.join("sources.yml"),
        "data_sources:\n  files:\n    tables:\n      orders: orders.csv\n      customers: { path: customers.parquet, format: parquet }\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.join("model/shop.yml"),
        r#"
cubes:
  - name: Orders
    sql_table: orders
    data_source: files
    joins:
      - name: Customers
        relationship: many_to_one
        sql: "{CUBE}.customer_id = {Customers}.id"
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: status
        sql: status
        type: string
    measures:
      - name: count
        type: count
      - name: amount
        sql: amount
        type: sum
  - name: Customers
    sql_table: customers
    data_source: files
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: region
        sql: region
        type: string
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let config = files_config(&dir);
    let server = strata_server::start(config)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let body: Value = reqwest::Client::new()
        .post(format!("{}/cubejs-api/v1/load", server.url()))
        .json(&json!({"query": {
            "measures": ["Orders.count", "Orders.amount"],
            "dimensions": ["Customers.region"],
            "filters": [{"member": "Orders.status", "operator": "equals", "values": ["completed"]}],
            "order": {"Customers.region": "asc"}
        }}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let data = body["data"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(data.len(), 2, "{body}");
    assert_eq!(data[0]["Customers.region"], "EU");
    assert_eq!(data[0]["Orders.count"], "2");
    assert_eq!(data[0]["Orders.amount"], json!(11.75));
    assert_eq!(data[1]["Customers.region"], "US");
    assert_eq!(data[1]["Orders.amount"], json!(20.0));
    assert_eq!(body["dataSource"], "files");
    server.shutdown().await;

    // A missing file is refused at start with its path named.
    std::fs::remove_file(&parquet).unwrap_or_else(|e| panic!("{e}"));
    let config = files_config(&dir);
    let err = strata_server::start(config)
        .await
        .expect_err("a missing file is an error");
    assert!(err.to_string().contains("customers.parquet"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
