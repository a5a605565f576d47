//! Building rollups on their source and refreshing them in the background.

use std::sync::Arc;
use std::time::Duration;

use super::rollup::{BuiltRollup, RollupColumn};
use super::{RollupDef, RollupEvent};
use crate::engine::Engine;
use crate::error::{query_err, EngineError};
use crate::plan::Planner;
use crate::query::{Query, TimeDimensionSpec};

impl Engine {
    /// Builds one rollup now from its cube's data source and stores it.
    pub async fn build_rollup(&self, def: &RollupDef) -> Result<Arc<BuiltRollup>, EngineError> {
        let store = self
            .rollups()
            .ok_or_else(|| EngineError::Query(query_err!("pre-aggregations are not enabled")))?;
        self.prepare().await?;
        let refresh_value = match &def.refresh_sql {
            Some(sql) => Some(self.refresh_key_value(def, sql).await?),
            None => None,
        };
        let query = Query {
            measures: def.measures.iter().map(|m| m.to_string()).collect(),
            dimensions: def.dimensions.iter().map(|m| m.to_string()).collect(),
            segments: def.segments.iter().map(|m| m.to_string()).collect(),
            time_dimensions: def
                .time_dimensions
                .iter()
                .map(|(t, g)| TimeDimensionSpec {
                    dimension: t.to_string(),
                    granularity: Some(*g),
                    date_range: None,
                    compare_date_range: None,
                })
                .collect(),
            timezone: "UTC".into(),
            ..Query::default()
        };
        let model = self.model().clone();
        let graph = crate::join_graph::JoinGraph::new(&model);
        let mut plan = Planner::new(&model, &graph, chrono::Utc::now()).plan(&query)?;
        plan.limit = None;
        plan.order.clear();
        let columns: Vec<RollupColumn> = plan
            .dimensions
            .iter()
            .map(|d| RollupColumn {
                member: d.target.clone(),
                granularity: d.granularity,
                column: d.alias.clone(),
            })
            .chain(plan.measures.iter().map(|m| RollupColumn {
                member: m.target.clone(),
                granularity: None,
                column: m.alias.clone(),
            }))
            .collect();
        let (backend, rendered) = self.render_for_source(&plan)?;
        let batch = backend.fetch(&rendered).await?;
        let batch = if batch.num_columns() == 0 {
            empty_batch(&columns)
        } else {
            batch
        };
        let built = Arc::new(BuiltRollup::new(
            def,
            &model,
            columns,
            batch,
            refresh_value,
        )?);
        store.insert(built.clone());
        Ok(built)
    }

    async fn refresh_key_value(&self, def: &RollupDef, sql: &str) -> Result<String, EngineError> {
        let ds = self
            .model()
            .cube(&def.cube)
            .and_then(|c| c.data_source.clone())
            .unwrap_or_else(|| crate::engine::DEFAULT_DATA_SOURCE.to_string());
        match self.backend(&ds) {
            Some(executor) => Ok(executor.refresh_key(sql).await?.unwrap_or_default()),
            None => Ok(String::new()),
        }
    }

    /// Builds every declared rollup, reporting each step to `progress`.
    /// A failed build keeps the previous data serving.
    pub async fn build_rollups(
        &self,
        progress: &(dyn Fn(&RollupDef, &RollupEvent) + Send + Sync),
    ) -> usize {
        let Some(store) = self.rollups() else {
            return 0;
        };
        let mut built = 0;
        for def in store.defs().to_vec() {
            progress(&def, &RollupEvent::Started);
            match self.build_rollup(&def).await {
                Ok(b) => {
                    built += 1;
                    progress(
                        &def,
                        &RollupEvent::Built {
                            rows: b.rows,
                            bytes: b.bytes,
                        },
                    );
                }
                Err(e) => {
                    store.record_error(&def.id, e.to_string());
                    progress(&def, &RollupEvent::Failed(e.to_string()));
                }
            }
        }
        built
    }

    /// Keeps every rollup fresh in the background: rebuilt every
    /// `refresh_key.every`, or when the value of `refresh_key.sql` changes.
    pub fn spawn_rollup_refresh(&self) -> Vec<tokio::task::JoinHandle<()>> {
        let Some(store) = self.rollups() else {
            return vec![];
        };
        store
            .defs()
            .iter()
            .cloned()
            .map(|def| {
                let engine = self.clone();
                tokio::spawn(async move {
                    let every = Duration::from_secs(def.refresh_every_secs);
                    loop {
                        engine.refresh_rollup(&def).await;
                        tokio::time::sleep(every).await;
                    }
                })
            })
            .collect()
    }

    /// Rebuilds a rollup if it is missing or its refresh key changed.
    pub(crate) async fn refresh_rollup(&self, def: &RollupDef) -> RollupEvent {
        let Some(store) = self.rollups() else {
            return RollupEvent::Failed("pre-aggregations are not enabled".into());
        };
        if let (Some(existing), Some(sql)) = (store.get(&def.id), &def.refresh_sql) {
            if let Ok(v) = self.refresh_key_value(def, sql).await {
                if existing.refresh_value.as_deref() == Some(v.as_str()) {
                    return RollupEvent::Fresh;
                }
            }
        }
        match self.build_rollup(def).await {
            Ok(b) => {
                tracing::info!(rollup = %def.id, rows = b.rows, bytes = b.bytes, "rollup built");
                RollupEvent::Built {
                    rows: b.rows,
                    bytes: b.bytes,
                }
            }
            Err(e) => {
                tracing::warn!(rollup = %def.id, error = %e, "rollup build failed; previous data keeps serving");
                store.record_error(&def.id, e.to_string());
                RollupEvent::Failed(e.to_string())
            }
        }
    }
}

fn empty_batch(columns: &[RollupColumn]) -> arrow::record_batch::RecordBatch {
    let fields: Vec<arrow::datatypes::Field> = columns
        .iter()
        .map(|c| arrow::datatypes::Field::new(&c.column, arrow::datatypes::DataType::Utf8, true))
        .collect();
    arrow::record_batch::RecordBatch::new_empty(Arc::new(arrow::datatypes::Schema::new(fields)))
}
