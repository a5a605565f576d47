//! File data sources: CSV and Parquet tables registered in DataFusion,
//! declared in a YAML file (`STRATA_DATA_SOURCES` or `--data-sources`):
//!
//! ```yaml
//! data_sources:
//!   files:                      # cubes with `data_source: files` read these
//!     tables:
//!       orders: data/orders.parquet
//!       users: { path: data/users.csv, format: csv }
//! ```
//!
//! Name a source `default` to serve cubes without `data_source` from files.
//! Relative paths are relative to the YAML file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use strata_engine::{DataFusionExecutor, DataFusionResources};

use crate::error::ServerError;

/// The file's top level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSourcesFile {
    /// Sources by name.
    pub data_sources: BTreeMap<String, FileSource>,
}

/// One source: tables by name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSource {
    /// Only `files` (the default) for now.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Tables by name.
    pub tables: BTreeMap<String, TableSpec>,
}

/// A table: a path, or a path with its format.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum TableSpec {
    /// `orders: data/orders.parquet` (format from the extension).
    Path(PathBuf),
    /// `orders: { path: ..., format: csv | parquet }`.
    Full {
        /// File or directory.
        path: PathBuf,
        /// `csv` or `parquet`.
        format: Option<String>,
    },
}

/// Reads a data-sources file.
pub fn read(path: &Path) -> Result<DataSourcesFile, ServerError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ServerError::DataSources(format!("cannot read {}: {e}", path.display())))?;
    serde_yaml::from_str(&text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(":{}", l.line()))
            .unwrap_or_default();
        ServerError::DataSources(format!("{}{at}: {e}", path.display()))
    })
}

/// Registers one source's tables in a new DataFusion session, whose queries
/// run within `resources` (shared with the other DataFusion sources).
pub async fn register(
    base: &Path,
    name: &str,
    source: &FileSource,
    resources: Arc<DataFusionResources>,
) -> Result<DataFusionExecutor, ServerError> {
    if let Some(kind) = source.kind.as_deref().filter(|k| *k != "files") {
        return Err(ServerError::DataSources(format!(
            "data source {name}: unknown type `{kind}` (only `files` is supported)"
        )));
    }
    let df = DataFusionExecutor::with_resources(resources);
    for (table, spec) in &source.tables {
        let (path, format) = match spec {
            TableSpec::Path(p) => (p.clone(), None),
            TableSpec::Full { path, format } => (path.clone(), format.clone()),
        };
        let path = if path.is_absolute() {
            path
        } else {
            base.join(path)
        };
        if !path.exists() {
            return Err(ServerError::DataSources(format!(
                "data source {name}, table {table}: {} does not exist",
                path.display()
            )));
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let format = format.unwrap_or(if ext == "csv" {
            "csv".into()
        } else {
            "parquet".into()
        });
        let p = path.to_string_lossy().to_string();
        let r = match format.as_str() {
            "csv" => df.register_csv(table, &p, None).await,
            "parquet" => df.register_parquet(table, &p).await,
            other => {
                return Err(ServerError::DataSources(format!(
                    "data source {name}, table {table}: unknown format `{other}` (csv or parquet)"
                )))
            }
        };
        r.map_err(|e| ServerError::DataSources(format!("data source {name}, table {table}: {e}")))?;
    }
    Ok(df)
}
