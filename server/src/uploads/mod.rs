//! "Your data": CSV files a person uploads become cubes of their own tenant.
//!
//! `POST /strata/v1/uploads?name=<cube>` with the file as the body reads it
//! ([`csv_table`]), infers a cube for it ([`cube`]) and registers its rows in
//! an in-memory DataFusion session of the caller's tenant. From the next
//! request on, that tenant's model is the server's model plus its uploaded
//! cubes: `/meta`, `/load`, `/sql` and the AI endpoints all see them, and no
//! other tenant does (the cubes live in the tenant's own [`UploadSet`], which
//! only its callers are given; see [`Uploads::attach`]).
//!
//! Uploads live in memory and are gone when the server restarts; the limits
//! ([`UploadLimits`]) bound what one tenant and the whole server hold.

pub mod csv_table;
pub mod cube;
pub mod routes;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use strata_engine::{Backend, DataFusionExecutor, Engine};
use strata_schema::{Cube, SemanticModel};

use crate::tenancy::Caller;
pub use csv_table::{ColumnKind, CsvColumn, CsvError, CsvLimits, CsvTable};
pub use cube::{CubeMembers, UPLOADS_SOURCE};

/// What uploads may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// Per file.
    pub file: CsvLimits,
    /// Most uploaded tables per tenant.
    pub tables_per_tenant: usize,
    /// Most bytes of files held by the whole server.
    pub total_bytes: usize,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            file: CsvLimits::default(),
            tables_per_tenant: 20,
            total_bytes: 512 * 1024 * 1024,
        }
    }
}

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file could not be read as CSV.
    #[error("{0}")]
    File(#[from] CsvError),
    /// The cube name is not usable.
    #[error("the cube name {name:?} is refused: {why}")]
    Name {
        /// The name asked for.
        name: String,
        /// Why.
        why: String,
    },
    /// The tenant holds as many tables as it may.
    #[error("you have {limit} uploaded tables, the most allowed; delete one first")]
    TooManyTables {
        /// The limit.
        limit: usize,
    },
    /// The server holds as much uploaded data as it may.
    #[error("the server holds as much uploaded data as it may ({limit} bytes); try again later or delete an upload")]
    Full {
        /// The limit.
        limit: usize,
    },
    /// The inferred cube did not compile (a defect, reported as such).
    #[error("the cube inferred from the file is not valid: {0}")]
    Cube(#[from] strata_schema::ModelErrors),
    /// DataFusion refused the table.
    #[error("the table could not be registered: {0}")]
    Register(#[source] strata_engine::EngineError),
}

/// One uploaded table, as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadInfo {
    /// The cube's name (also the table's).
    pub cube: String,
    /// The file name given, if any.
    pub file_name: String,
    /// Data rows.
    pub rows: usize,
    /// File size in bytes.
    pub bytes: usize,
    /// Columns with their inferred kinds.
    pub columns: Vec<UploadColumn>,
    /// The inferred cube's measures (full names).
    pub measures: Vec<String>,
    /// Its non-time dimensions.
    pub dimensions: Vec<String>,
    /// Its time dimensions.
    pub time_dimensions: Vec<String>,
}

/// A column as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UploadColumn {
    /// Member-safe name.
    pub name: String,
    /// Header as written in the file.
    pub header: String,
    /// `text`, `number`, `boolean` or `time`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

struct UploadedTable {
    cube: Cube,
    info: UploadInfo,
}

/// A tenant's uploads at one moment: replaced as a whole on every change,
/// so a request holds a consistent snapshot.
struct TenantUploads {
    tables: BTreeMap<String, Arc<UploadedTable>>,
    /// The tenant's DataFusion session with every uploaded table.
    executor: Arc<DataFusionExecutor>,
    /// The model and engine derived for the last base model seen.
    derived: Mutex<Option<Arc<UploadSet>>>,
}

/// What a caller with uploads plans and runs with: the server's model for
/// the caller (`base`) plus the uploaded cubes.
pub struct UploadSet {
    base: Arc<SemanticModel>,
    model: Arc<SemanticModel>,
    executor: Arc<DataFusionExecutor>,
    /// Engine over `model`, made from the engine of `base` (by its model's
    /// address; the set holds `base`, so the address is not reused).
    engine: Mutex<Option<(usize, Engine)>>,
}

impl std::fmt::Debug for UploadSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadSet")
            .field("cubes", &self.model.cubes.len())
            .finish_non_exhaustive()
    }
}

impl UploadSet {
    /// The server's model for the caller, without the uploaded cubes.
    pub fn base_model(&self) -> &Arc<SemanticModel> {
        &self.base
    }

    /// `engine` (over [`UploadSet::base_model`]) extended with the uploaded
    /// cubes and their data source. `cache` keeps the result for the next
    /// request; pass `false` when `engine` is made per request (a routed
    /// tenant's pool), so that no stale pool is kept alive here.
    pub fn engine_over(&self, engine: &Engine, cache: bool) -> Engine {
        let key = Arc::as_ptr(engine.model()) as usize;
        let backend: Backend = self.executor.clone();
        if !cache {
            return engine.with_model_and_source(self.model.clone(), UPLOADS_SOURCE, backend);
        }
        let mut slot = lock(&self.engine);
        if let Some((k, e)) = slot.as_ref() {
            if *k == key {
                return e.clone();
            }
        }
        let made = engine.with_model_and_source(self.model.clone(), UPLOADS_SOURCE, backend);
        *slot = Some((key, made.clone()));
        made
    }
}

/// Every tenant's uploads.
#[derive(Default)]
pub struct Uploads {
    limits: UploadLimits,
    tenants: Mutex<HashMap<String, Arc<TenantUploads>>>,
}

impl std::fmt::Debug for Uploads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Uploads")
            .field("limits", &self.limits)
            .field("tenants", &lock(&self.tenants).len())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Uploads {
    /// No uploads yet, under `limits`.
    pub fn new(limits: UploadLimits) -> Uploads {
        Uploads {
            limits,
            tenants: Mutex::new(HashMap::new()),
        }
    }

    /// The limits.
    pub fn limits(&self) -> &UploadLimits {
        &self.limits
    }

    /// The key uploads are kept under: the caller's tenant, else the caller
    /// alone (see [`Caller::tenant_key`]).
    fn key(caller: &Caller) -> String {
        caller.tenant_key()
    }

    /// Gives `caller` its tenant's uploaded cubes: its model becomes the
    /// model plus those cubes, and [`Caller::uploads`] is set. Nothing
    /// changes for a tenant without uploads.
    pub fn attach(&self, caller: &mut Caller) {
        let Some(tenant) = lock(&self.tenants).get(&Self::key(caller)).cloned() else {
            return;
        };
        let set = tenant.set_for(&caller.model);
        caller.model = set.model.clone();
        caller.uploads = Some(set);
    }

    /// The caller's tenant's uploads, by cube name.
    pub fn list(&self, caller: &Caller) -> Vec<UploadInfo> {
        lock(&self.tenants)
            .get(&Self::key(caller))
            .map(|t| t.tables.values().map(|u| u.info.clone()).collect())
            .unwrap_or_default()
    }

    /// Reads `bytes` as a CSV file and registers it as cube `name` of the
    /// caller's tenant, replacing that tenant's upload of the same name.
    /// `base` is the caller's model without uploads: the name must not be
    /// one of its cubes or views.
    pub fn add(
        &self,
        caller: &Caller,
        base: &SemanticModel,
        name: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<UploadInfo, UploadError> {
        check_name(base, name)?;
        let table = csv_table::read_csv(bytes, &self.limits.file)?;
        let (cube, members) = cube::infer_cube(name, file_name, table.rows, &table.columns)?;
        let info = UploadInfo {
            cube: name.to_string(),
            file_name: file_name.to_string(),
            rows: table.rows,
            bytes: bytes.len(),
            columns: table
                .columns
                .iter()
                .map(|c| UploadColumn {
                    name: c.name.clone(),
                    header: c.header.clone(),
                    kind: c.kind.as_str(),
                })
                .collect(),
            measures: members.measures,
            dimensions: members.dimensions,
            time_dimensions: members.time_dimensions,
        };

        let key = Self::key(caller);
        let mut tenants = lock(&self.tenants);
        let replaced = tenants
            .get(&key)
            .and_then(|t| t.tables.get(name))
            .map_or(0, |u| u.info.bytes);
        let held: usize = tenants
            .values()
            .flat_map(|t| t.tables.values())
            .map(|u| u.info.bytes)
            .sum::<usize>()
            - replaced;
        if held + bytes.len() > self.limits.total_bytes {
            return Err(UploadError::Full {
                limit: self.limits.total_bytes,
            });
        }
        let current = tenants.get(&key).cloned();
        let mut tables = current
            .as_ref()
            .map(|t| t.tables.clone())
            .unwrap_or_default();
        if !tables.contains_key(name) && tables.len() >= self.limits.tables_per_tenant {
            return Err(UploadError::TooManyTables {
                limit: self.limits.tables_per_tenant,
            });
        }
        let executor = current
            .as_ref()
            .map(|t| t.executor.clone())
            .unwrap_or_else(|| Arc::new(DataFusionExecutor::new()));
        // Replace the table in the tenant's session: older snapshots keep
        // their cube until their requests finish, reading the new rows.
        let _ = executor.session().deregister_table(name);
        executor
            .register_batches(name, table.schema, table.batches)
            .map_err(UploadError::Register)?;
        tables.insert(
            name.to_string(),
            Arc::new(UploadedTable {
                cube,
                info: info.clone(),
            }),
        );
        tenants.insert(
            key,
            Arc::new(TenantUploads {
                tables,
                executor,
                derived: Mutex::new(None),
            }),
        );
        Ok(info)
    }

    /// Removes the caller's tenant's upload `name`; false when there is none.
    pub fn remove(&self, caller: &Caller, name: &str) -> bool {
        let key = Self::key(caller);
        let mut tenants = lock(&self.tenants);
        let Some(current) = tenants.get(&key).cloned() else {
            return false;
        };
        if !current.tables.contains_key(name) {
            return false;
        }
        let mut tables = current.tables.clone();
        tables.remove(name);
        let _ = current.executor.session().deregister_table(name);
        if tables.is_empty() {
            tenants.remove(&key);
        } else {
            tenants.insert(
                key,
                Arc::new(TenantUploads {
                    tables,
                    executor: current.executor.clone(),
                    derived: Mutex::new(None),
                }),
            );
        }
        true
    }
}

impl TenantUploads {
    /// The set for callers whose model without uploads is `base`.
    fn set_for(&self, base: &Arc<SemanticModel>) -> Arc<UploadSet> {
        let mut slot = lock(&self.derived);
        if let Some(set) = slot.as_ref() {
            if Arc::ptr_eq(&set.base, base) {
                return set.clone();
            }
        }
        let mut model = (**base).clone();
        for (name, table) in &self.tables {
            model.cubes.insert(name.clone(), table.cube.clone());
        }
        let set = Arc::new(UploadSet {
            base: base.clone(),
            model: Arc::new(model),
            executor: self.executor.clone(),
            engine: Mutex::new(None),
        });
        *slot = Some(set.clone());
        set
    }
}

/// A cube name for an upload: the identifier rule, and not a cube or view
/// of the model.
fn check_name(base: &SemanticModel, name: &str) -> Result<(), UploadError> {
    let refuse = |why: String| UploadError::Name {
        name: name.to_string(),
        why,
    };
    strata_schema::identifier::check_identifier(name).map_err(|e| refuse(e.to_string()))?;
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(refuse("it must start with a letter".into()));
    }
    if base.cubes.contains_key(name) || base.views.contains_key(name) {
        return Err(refuse(
            "the model already has a cube or view of that name".into(),
        ));
    }
    Ok(())
}
