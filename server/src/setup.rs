//! Building the [`Engine`] a server or CLI command runs: the model (a
//! directory or the bundled demo), PostgreSQL, file data sources, rollups
//! and the result cache.

use std::path::PathBuf;
use std::sync::Arc;

use strata_engine::{
    CacheConfig, DataFusionExecutor, DataFusionLimits, DataFusionResources, Engine, PgConfig,
    PostgresExecutor, QueryLimits, DEFAULT_DATA_SOURCE,
};
use strata_schema::SemanticModel;

use crate::error::ServerError;
use crate::model_variants::ModelVariants;
use crate::sources;

/// Engine features beyond Cube's own variables.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Serve the bundled demo (model and data) instead of a model directory:
    /// the data of this seed and anchor. `strata serve --demo` anchors on
    /// today ([`strata_demo::DemoData::today`]), so the data ends yesterday;
    /// tests pin [`strata_demo::DemoData::pinned`].
    pub demo: Option<strata_demo::DemoData>,
    /// YAML file declaring CSV/Parquet data sources (`STRATA_DATA_SOURCES`).
    pub data_sources: Option<PathBuf>,
    /// Bytes of rollups kept in memory (`STRATA_ROLLUP_MAX_BYTES`); 0 turns
    /// pre-aggregations off.
    pub rollup_max_bytes: u64,
    /// The result cache (`STRATA_CACHE_MAX_BYTES`, `STRATA_CACHE_TTL`); `None` turns it off.
    pub cache: Option<CacheConfig>,
    /// Per-query complexity bounds (`STRATA_MAX_QUERY_MEMBERS`,
    /// `STRATA_MAX_QUERY_JOINS`, `STRATA_MAX_FILTER_CONDITIONS`,
    /// `STRATA_MAX_FILTER_VALUES`).
    pub limits: QueryLimits,
    /// Memory, concurrency and queue time shared by every DataFusion data
    /// source (the demo, file sources): `STRATA_DATAFUSION_MEMORY`,
    /// `STRATA_DATAFUSION_CONCURRENCY`, `STRATA_DATAFUSION_QUEUE_TIMEOUT`.
    pub datafusion: DataFusionLimits,
}

impl Default for EngineSettings {
    fn default() -> Self {
        EngineSettings {
            demo: None,
            data_sources: None,
            rollup_max_bytes: strata_engine::preagg::DEFAULT_MAX_BYTES,
            cache: Some(CacheConfig::default()),
            limits: QueryLimits::default(),
            datafusion: DataFusionLimits::default(),
        }
    }
}

/// The model: the demo's (with the period of its data in every cube's and
/// view's `meta.dataPeriod`) or the directory's.
pub fn load_model(
    models_dir: &std::path::Path,
    settings: &EngineSettings,
) -> Result<SemanticModel, ServerError> {
    if let Some(demo) = &settings.demo {
        return demo.model().map_err(|errors| ServerError::Model {
            dir: PathBuf::from("<demo>"),
            errors,
        });
    }
    let model_err = |errors| ServerError::Model {
        dir: models_dir.to_path_buf(),
        errors,
    };
    let files = strata_schema::read_dir(models_dir).map_err(model_err)?;
    // A model with COMPILE_CONTEXT templates compiles here with placeholder
    // values, to check it and serve what does not depend on the caller.
    let files = match ModelVariants::scan(files.clone()) {
        Some(variants) => variants.placeholder_files(),
        None => files,
    };
    strata_schema::load_files(&files).map_err(model_err)
}

/// The `COMPILE_CONTEXT` variants of the model directory, when it has any.
pub fn model_variants(
    models_dir: &std::path::Path,
    settings: &EngineSettings,
) -> Result<Option<ModelVariants>, ServerError> {
    if settings.demo.is_some() {
        return Ok(None);
    }
    let files = strata_schema::read_dir(models_dir).map_err(|errors| ServerError::Model {
        dir: models_dir.to_path_buf(),
        errors,
    })?;
    Ok(ModelVariants::scan(files))
}

/// Builds the engine with every configured data source.
pub async fn build_engine(
    models_dir: &std::path::Path,
    db: Option<PgConfig>,
    settings: &EngineSettings,
) -> Result<Engine, ServerError> {
    let model = load_model(models_dir, settings)?;
    tracing::info!(
        cubes = model.cubes.len(),
        views = model.views.len(),
        demo = settings.demo.is_some(),
        "data model loaded"
    );
    let mut builder = Engine::builder(Arc::new(model)).limits(settings.limits);
    if let Some(db) = db {
        let pg = PostgresExecutor::new(db).map_err(ServerError::Database)?;
        builder = builder.data_source(DEFAULT_DATA_SOURCE, Arc::new(pg));
    }
    // One memory budget and set of query slots for every DataFusion source.
    let mut resources = None;
    let mut df_resources = || -> Result<Arc<DataFusionResources>, ServerError> {
        if let Some(r) = &resources {
            return Ok(Arc::clone(r));
        }
        let r = DataFusionResources::new(settings.datafusion).map_err(ServerError::Database)?;
        resources = Some(Arc::clone(&r));
        Ok(r)
    };
    if let Some(demo) = &settings.demo {
        let started = std::time::Instant::now();
        let df = DataFusionExecutor::with_resources(df_resources()?);
        let bytes = demo
            .register(&df)
            .map_err(|e| ServerError::Demo(e.to_string()))?;
        let period = demo.period();
        tracing::info!(
            ms = started.elapsed().as_millis() as u64,
            stored_mb = format!("{:.1}", bytes as f64 / 1e6),
            from = %period.from,
            to = %period.to,
            "demo data generated"
        );
        builder = builder.data_source(DEFAULT_DATA_SOURCE, Arc::new(df));
    }
    if let Some(path) = &settings.data_sources {
        let file = sources::read(path)?;
        let base = path
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        for (name, source) in &file.data_sources {
            let df = sources::register(&base, name, source, df_resources()?).await?;
            builder = builder.data_source(name.clone(), Arc::new(df));
        }
    }
    if settings.rollup_max_bytes > 0 {
        builder = builder.rollups(settings.rollup_max_bytes);
    }
    if let Some(cache) = settings.cache {
        builder = builder.result_cache(cache);
    }
    let engine = builder.build();
    // Every model snippet must parse in its data source's dialect: a broken
    // one is a model error now, with its file and line, not at a query.
    engine.check_model().map_err(|errors| ServerError::Model {
        dir: models_dir.to_path_buf(),
        errors,
    })?;
    Ok(engine)
}
