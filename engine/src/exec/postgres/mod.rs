//! Running SQL on PostgreSQL through a deadpool connection pool, with a query
//! timeout, and reading rows into Arrow columns.

use std::sync::Arc;
use std::time::Duration;

use arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMillisecondBuilder,
};
use arrow::record_batch::RecordBatch;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use deadpool_postgres::{ManagerConfig, PoolConfig, RecyclingMethod, Runtime, Timeouts};
use tokio_postgres::types::{FromSql, Type};
use tokio_postgres::{NoTls, Row};

mod import;
mod value;

pub use import::postgres_to_arrow;

use super::executor::{ExecutedQuery, Executor};
use crate::dialect::{Dialect, PostgresDialect};
use crate::error::{EngineError, QueryError};
use crate::result::{JsonStyle, OutputColumn, QueryResult};
use crate::sql::RenderedQuery;
use crate::sql::SqlStatement;
use value::{numeric_to_string, RawValue, TextParam};

/// Idle time on a connection before TCP keepalive probes start, so that a
/// query waiting on a database host that vanished fails instead of hanging.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);

/// How long a pooled connection may sit unused before it is closed.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// Connection settings for PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgConfig {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Database name.
    pub dbname: String,
    /// User.
    pub user: String,
    /// Password, if any.
    pub password: Option<String>,
    /// Most connections kept open.
    pub pool_size: usize,
    /// Longest a query may run.
    pub query_timeout: Duration,
    /// Schema that unqualified table names resolve in (a tenant's schema);
    /// the server's default `search_path` when `None`. Only lower-case
    /// letters, digits and `_` are accepted (see
    /// [`strata_schema::identifier`]).
    pub search_path: Option<String>,
    /// Connections unused this long are closed; the pool keeps no
    /// connection open for its own sake (`None`: kept until the pool goes).
    pub idle_timeout: Option<Duration>,
}

impl Default for PgConfig {
    fn default() -> Self {
        PgConfig {
            host: "127.0.0.1".into(),
            port: 5432,
            dbname: "postgres".into(),
            user: "postgres".into(),
            password: None,
            pool_size: 16,
            query_timeout: Duration::from_secs(60),
            search_path: None,
            idle_timeout: Some(DEFAULT_IDLE_TIMEOUT),
        }
    }
}

/// Runs statements on a pool of PostgreSQL connections.
pub struct PostgresExecutor {
    pool: deadpool_postgres::Pool,
    config: PgConfig,
    /// The dialect, once [`Executor::prepare`] learned whether `hll` is
    /// installed.
    dialect: tokio::sync::OnceCell<PostgresDialect>,
}

impl std::fmt::Debug for PostgresExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresExecutor")
            .field("host", &self.config.host)
            .field("port", &self.config.port)
            .field("dbname", &self.config.dbname)
            .finish()
    }
}

impl PgConfig {
    /// A pool configuration that connects where this one says, as
    /// `application_name`; session options, timeouts and pool size are the
    /// caller's.
    pub fn pool_config(&self, application_name: &str) -> deadpool_postgres::Config {
        let mut cfg = deadpool_postgres::Config::new();
        cfg.host = Some(self.host.clone());
        cfg.port = Some(self.port);
        cfg.dbname = Some(self.dbname.clone());
        cfg.user = Some(self.user.clone());
        cfg.password = self.password.clone();
        cfg.application_name = Some(application_name.to_owned());
        cfg
    }
}

impl PostgresExecutor {
    /// Creates the pool; connections open on first use.
    pub fn new(config: PgConfig) -> Result<Self, EngineError> {
        let mut cfg = config.pool_config("strata");
        // Sessions in UTC, so dates read as instants the same way everywhere;
        // the server stops a runaway query even if the client went away.
        // Statements are prepared once per connection (`prepare_cached`);
        // custom plans keep PostgreSQL planning with each query's values, as
        // it does for literals, instead of switching to a generic plan after
        // five runs (measured 24% slower on an `IN ($1, $2)` filter).
        let mut options = format!(
            "-c TimeZone=UTC -c statement_timeout={} -c plan_cache_mode=force_custom_plan",
            config.query_timeout.as_millis()
        );
        if let Some(schema) = &config.search_path {
            let schema = strata_schema::identifier::check_identifier(schema).map_err(|why| {
                EngineError::Query(QueryError::new(format!(
                    "invalid schema name {schema:?}: {why}"
                )))
            })?;
            options.push_str(&format!(" -c search_path={schema}"));
        }
        cfg.options = Some(options);
        cfg.connect_timeout = Some(Duration::from_secs(5));
        cfg.keepalives = Some(true);
        cfg.keepalives_idle = Some(KEEPALIVE_IDLE);
        cfg.manager = Some(ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        });
        cfg.pool = Some(PoolConfig {
            max_size: config.pool_size.max(1),
            timeouts: Timeouts {
                wait: Some(Duration::from_secs(10)),
                create: Some(Duration::from_secs(5)),
                recycle: Some(Duration::from_secs(5)),
            },
            ..PoolConfig::default()
        });
        let pool = cfg.create_pool(Some(Runtime::Tokio1), NoTls).map_err(|e| {
            EngineError::unavailable(format!("cannot create connection pool: {e}"), e)
        })?;
        if let Some(idle) = config.idle_timeout {
            reap_idle(&pool, idle);
        }
        Ok(PostgresExecutor {
            pool,
            config,
            dialect: tokio::sync::OnceCell::new(),
        })
    }

    /// Whether the database has a schema of this name (a catalog lookup
    /// with the name bound, never spliced into SQL).
    pub async fn schema_exists(&self, name: &str) -> Result<bool, EngineError> {
        self.exists(
            "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1",
            name,
        )
        .await
    }

    /// Whether the server has a database of this name.
    pub async fn database_exists(&self, name: &str) -> Result<bool, EngineError> {
        self.exists(
            "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1",
            name,
        )
        .await
    }

    /// Whether a catalog query with one bound name returns a row.
    async fn exists(&self, sql: &str, name: &str) -> Result<bool, EngineError> {
        let c = self.client().await?;
        let rows = c.query(sql, &[&name]).await.map_err(|e| self.error(e))?;
        Ok(!rows.is_empty())
    }

    /// Connections open in the pool now (idle or in use).
    pub fn open_connections(&self) -> usize {
        self.pool.status().size
    }

    /// The settings in use.
    pub fn config(&self) -> &PgConfig {
        &self.config
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, EngineError> {
        self.pool.get().await.map_err(|e| {
            let message = format!(
                "cannot connect to PostgreSQL at {}:{}/{}: {e}",
                self.config.host, self.config.port, self.config.dbname
            );
            EngineError::unavailable(message, e)
        })
    }

    /// Maps a driver error (a statement timeout reads as this pool's limit).
    fn error(&self, e: tokio_postgres::Error) -> EngineError {
        db_error(e, self.config.query_timeout)
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), EngineError> {
        let c = self.client().await?;
        c.simple_query("SELECT 1")
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Whether an extension is installed (e.g. `hll`).
    pub async fn has_extension(&self, name: &str) -> Result<bool, EngineError> {
        self.exists("SELECT 1 FROM pg_extension WHERE extname = $1", name)
            .await
    }

    /// Runs a statement and reads every row.
    pub async fn query(&self, stmt: &SqlStatement) -> Result<Vec<Row>, EngineError> {
        let client = self.client().await?;
        let params: Vec<TextParam<'_>> = stmt
            .params
            .iter()
            .map(|p| TextParam(p.as_deref()))
            .collect();
        // The time limit is the session's `statement_timeout`: PostgreSQL
        // stops the statement itself (and the work with it), and no timer is
        // armed per query here, which would wake a second runtime thread.
        // TCP keepalives end a wait on a peer that went away.
        let prepared = client
            .prepare_cached(&stmt.sql)
            .await
            .map_err(|e| self.error(e))?;
        let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        client
            .query(&prepared, &refs)
            .await
            .map_err(|e| self.error(e))
    }

    /// Runs a statement and reads its rows into Arrow columns described by `columns`
    /// (one per SQL output column, in order).
    pub async fn query_result(
        &self,
        stmt: &SqlStatement,
        columns: Vec<OutputColumn>,
    ) -> Result<QueryResult, EngineError> {
        let rows = self.query(stmt).await?;
        rows_to_result(&rows, columns)
    }
}

#[async_trait::async_trait]
impl Executor for PostgresExecutor {
    /// PostgreSQL; approximate distinct counts use `hll` once
    /// [`Executor::prepare`] found it installed.
    fn dialect(&self) -> &dyn Dialect {
        const PLAIN: PostgresDialect = PostgresDialect { hll: false };
        match self.dialect.get() {
            Some(d) => d,
            None => &PLAIN,
        }
    }

    async fn prepare(&self) -> Result<(), EngineError> {
        self.dialect
            .get_or_try_init(|| async {
                let hll = self.has_extension("hll").await?;
                Ok::<_, EngineError>(PostgresDialect { hll })
            })
            .await?;
        Ok(())
    }

    async fn execute(
        &self,
        query: &RenderedQuery,
        columns: Vec<OutputColumn>,
    ) -> Result<ExecutedQuery, EngineError> {
        let main = self.query_result(&query.main, columns);
        let Some(count) = &query.total else {
            return Ok(ExecutedQuery {
                result: main.await?,
                total: None,
            });
        };
        let (result, rows) = tokio::join!(main, self.query(count));
        let n: i64 = rows?
            .first()
            .and_then(|r| r.try_get::<_, i64>(0).ok())
            .unwrap_or(0);
        Ok(ExecutedQuery {
            result: result?,
            total: Some(n.max(0) as u64),
        })
    }

    async fn fetch(&self, query: &RenderedQuery) -> Result<RecordBatch, EngineError> {
        import::rows_to_batch(&self.query(&query.main).await?)
    }

    async fn refresh_key(&self, sql: &str) -> Result<Option<String>, EngineError> {
        let rows = self
            .query(&SqlStatement {
                sql: sql.to_string(),
                params: vec![],
            })
            .await?;
        let batch = import::rows_to_batch(&rows)?;
        if batch.num_columns() == 0 || batch.num_rows() == 0 {
            return Ok(Some(String::new()));
        }
        Ok(Some(
            arrow::util::display::array_value_to_string(batch.column(0), 0).unwrap_or_default(),
        ))
    }

    async fn ping(&self) -> Result<(), EngineError> {
        PostgresExecutor::ping(self).await
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Closes the pool's connections that have been unused for `idle`, from a
/// background task that ends with the pool (it holds only a weak handle).
/// Without a Tokio runtime (a pool made outside one) nothing is reaped.
fn reap_idle(pool: &deadpool_postgres::Pool, idle: Duration) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let weak = pool.weak();
    let every = (idle / 2).max(Duration::from_millis(100));
    runtime.spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        tick.tick().await;
        loop {
            tick.tick().await;
            let Some(pool) = weak.upgrade() else {
                return;
            };
            pool.retain(|_, metrics| metrics.last_used() < idle);
        }
    });
}

/// Maps a driver error; `limit` is the session's `statement_timeout`.
fn db_error(e: tokio_postgres::Error, limit: Duration) -> EngineError {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        // Class 22 is "data exception": a value the caller sent is invalid.
        if code.starts_with("22") {
            return EngineError::Query(QueryError::new(format!("invalid value: {}", db.message())));
        }
        if code == "57014" && db.message().contains("statement timeout") {
            return EngineError::Timeout(limit);
        }
        if code == "57014" {
            return EngineError::database(format!("query canceled: {}", db.message()), e);
        }
        // Class 08 (connection exception) and 57P01-57P03 (the server is
        // shutting down, crashed or not yet accepting connections): the
        // database is away, not the query at fault.
        if code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03") {
            let message = format!("PostgreSQL is unavailable: {}", db.message());
            return EngineError::unavailable(message, e);
        }
        let message = format!("{} ({})", db.message(), code);
        return EngineError::database(message, e);
    }
    if e.is_closed() || e.to_string().contains("connect") {
        return EngineError::unavailable(e.to_string(), e);
    }
    EngineError::database(e.to_string(), e)
}

enum Builder {
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Text(StringBuilder),
    Time(TimestampMillisecondBuilder),
}

fn builder_for(ty: &Type) -> (Builder, JsonStyle) {
    match *ty {
        Type::INT2 | Type::INT4 | Type::OID => {
            (Builder::Int(Int64Builder::new()), JsonStyle::Number)
        }
        Type::INT8 => (Builder::Int(Int64Builder::new()), JsonStyle::NumericString),
        Type::FLOAT4 | Type::FLOAT8 => (Builder::Float(Float64Builder::new()), JsonStyle::Number),
        Type::NUMERIC => (
            Builder::Text(StringBuilder::new()),
            JsonStyle::NumericString,
        ),
        Type::BOOL => (Builder::Bool(BooleanBuilder::new()), JsonStyle::Boolean),
        Type::DATE | Type::TIMESTAMP | Type::TIMESTAMPTZ => (
            Builder::Time(TimestampMillisecondBuilder::new()),
            JsonStyle::Time,
        ),
        _ => (Builder::Text(StringBuilder::new()), JsonStyle::Text),
    }
}

fn get<'a, T: FromSql<'a>>(row: &'a Row, i: usize) -> Result<Option<T>, EngineError> {
    row.try_get::<_, Option<T>>(i)
        .map_err(|e| EngineError::result(format!("column {i}: {e}"), e))
}

/// Reads rows into a [`QueryResult`].
pub fn rows_to_result(
    rows: &[Row],
    mut columns: Vec<OutputColumn>,
) -> Result<QueryResult, EngineError> {
    let Some(first) = rows.first() else {
        let arrays: Vec<ArrayRef> = columns
            .iter()
            .map(|_| Arc::new(StringBuilder::new().finish()) as ArrayRef)
            .collect();
        return QueryResult::new(columns, arrays)
            .map_err(|e| EngineError::result(e.to_string(), e));
    };
    let types: Vec<Type> = first.columns().iter().map(|c| c.type_().clone()).collect();
    if types.len() < columns.len() {
        return Err(EngineError::Result {
            message: format!(
                "expected {} columns, the database returned {}",
                columns.len(),
                types.len()
            ),
            source: None,
        });
    }
    let mut builders: Vec<Builder> = Vec::with_capacity(columns.len());
    for (i, col) in columns.iter_mut().enumerate() {
        let (b, style) = builder_for(&types[i]);
        col.style = style;
        builders.push(b);
    }
    for row in rows {
        for (i, b) in builders.iter_mut().enumerate() {
            let ty = &types[i];
            match b {
                Builder::Int(b) => {
                    let v: Option<i64> = match *ty {
                        Type::INT2 => get::<i16>(row, i)?.map(i64::from),
                        Type::INT4 => get::<i32>(row, i)?.map(i64::from),
                        Type::OID => get::<u32>(row, i)?.map(i64::from),
                        _ => get::<i64>(row, i)?,
                    };
                    b.append_option(v);
                }
                Builder::Float(b) => {
                    let v: Option<f64> = match *ty {
                        Type::FLOAT4 => get::<f32>(row, i)?.map(f64::from),
                        _ => get::<f64>(row, i)?,
                    };
                    b.append_option(v);
                }
                Builder::Bool(b) => b.append_option(get::<bool>(row, i)?),
                Builder::Time(b) => {
                    let v = match *ty {
                        Type::DATE => get::<NaiveDate>(row, i)?.map(|d| {
                            d.and_time(chrono::NaiveTime::MIN)
                                .and_utc()
                                .timestamp_millis()
                        }),
                        Type::TIMESTAMP => {
                            get::<NaiveDateTime>(row, i)?.map(|t| t.and_utc().timestamp_millis())
                        }
                        _ => get::<chrono::DateTime<chrono::Utc>>(row, i)?.map(|t| {
                            chrono::Utc
                                .from_utc_datetime(&t.naive_utc())
                                .timestamp_millis()
                        }),
                    };
                    b.append_option(v);
                }
                Builder::Text(b) => {
                    let v = match *ty {
                        Type::NUMERIC => {
                            get::<RawValue>(row, i)?.and_then(|r| numeric_to_string(r.0))
                        }
                        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                            get::<String>(row, i)?
                        }
                        // Binary JSONB starts with a one-byte version.
                        Type::JSONB => get::<RawValue>(row, i)?.map(|r| {
                            String::from_utf8_lossy(r.0.get(1..).unwrap_or_default()).into_owned()
                        }),
                        _ => get::<RawValue>(row, i)?
                            .map(|r| String::from_utf8_lossy(r.0).into_owned()),
                    };
                    b.append_option(v);
                }
            }
        }
    }
    let arrays: Vec<ArrayRef> = builders
        .into_iter()
        .map(|b| -> ArrayRef {
            match b {
                Builder::Int(mut b) => Arc::new(b.finish()),
                Builder::Float(mut b) => Arc::new(b.finish()),
                Builder::Bool(mut b) => Arc::new(b.finish()),
                Builder::Text(mut b) => Arc::new(b.finish()),
                Builder::Time(mut b) => Arc::new(b.finish()),
            }
        })
        .collect();
    QueryResult::new(columns, arrays).map_err(|e| EngineError::result(e.to_string(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A loopback port nothing listens on: bound, then let go.
    fn closed_port() -> u16 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        listener.local_addr().expect("its address").port()
    }

    #[tokio::test]
    async fn a_driver_error_is_kept_as_the_source() {
        let conninfo = format!(
            "host=127.0.0.1 port={} user=strata dbname=strata connect_timeout=5",
            closed_port()
        );
        let Err(driver) = tokio_postgres::connect(&conninfo, NoTls).await else {
            panic!("connected to a closed port");
        };
        let shown = driver.to_string();
        let err = db_error(driver, Duration::from_secs(1));
        assert!(matches!(err, EngineError::Unavailable { .. }), "{err:?}");
        assert_eq!(err.to_string(), format!("database unavailable: {shown}"));
        let source = std::error::Error::source(&err).expect("the driver's error is the source");
        let driver = source
            .downcast_ref::<tokio_postgres::Error>()
            .unwrap_or_else(|| panic!("not a tokio-postgres error: {source:?}"));
        assert_eq!(driver.to_string(), shown);
    }

    #[tokio::test]
    async fn a_pool_error_is_kept_as_the_source() {
        let pg = PostgresExecutor::new(PgConfig {
            port: closed_port(),
            ..PgConfig::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let err = pg.schema_exists("public").await.unwrap_err();
        assert!(matches!(err, EngineError::Unavailable { .. }), "{err:?}");
        assert!(
            err.to_string()
                .contains("cannot connect to PostgreSQL at 127.0.0.1"),
            "{err}"
        );
        let source = std::error::Error::source(&err).expect("the pool's error is the source");
        let pool = source
            .downcast_ref::<deadpool_postgres::PoolError>()
            .unwrap_or_else(|| panic!("not a pool error: {source:?}"));
        // The driver's error is under the pool's.
        let driver = std::error::Error::source(pool).expect("the pool error has a cause");
        assert!(driver.is::<tokio_postgres::Error>(), "{driver:?}");
    }
}
