//! Engine errors: what the caller did wrong ([`QueryError`]) and what went
//! wrong while answering ([`EngineError`]).

/// A mistake in a query: always the caller's to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

impl QueryError {
    /// A query error with this message.
    pub fn new(msg: impl Into<String>) -> Self {
        QueryError(msg.into())
    }
}

/// Builds a [`QueryError`] with `format!` syntax.
macro_rules! query_err {
    ($($arg:tt)*) => { $crate::error::QueryError::new(format!($($arg)*)) };
}
pub(crate) use query_err;

/// An error kept as the cause of an [`EngineError`]: the driver's, DataFusion's
/// or Arrow's own error, reachable through [`std::error::Error::source`] and
/// downcast to its type.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Anything that can go wrong answering a query.
///
/// The engine says what went wrong, not how to answer it: the HTTP status
/// and the text a client reads are the server's choice. Errors caused by
/// another error keep it as their [`source`](std::error::Error::source);
/// their message already sums it up, so that the error reads whole on one
/// log line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The query is invalid.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The query needs a database and none is configured.
    #[error("no database is configured for the default data source")]
    NoDatabase,
    /// The database cannot be reached.
    #[error("database unavailable: {message}")]
    Unavailable {
        /// What could not be done, with the cause in short.
        message: String,
        /// The connection pool's or the driver's error.
        #[source]
        source: BoxError,
    },
    /// The database took longer than the query timeout.
    #[error("query timed out after {0:?}")]
    Timeout(std::time::Duration),
    /// The database refused or failed the query.
    #[error("database error: {message}")]
    Database {
        /// What failed, with the cause in short.
        message: String,
        /// The driver's or DataFusion's error; `None` when the engine itself
        /// found the fault (a table registered twice).
        #[source]
        source: Option<BoxError>,
    },
    /// The database returned something Strata cannot represent.
    #[error("cannot read result: {message}")]
    Result {
        /// What could not be read, with the cause in short.
        message: String,
        /// The driver's or Arrow's error; `None` when the engine itself found
        /// the fault (fewer columns than asked for).
        #[source]
        source: Option<BoxError>,
    },
    /// The server has no room for the query now (its memory for queries is
    /// spent, or no query slot came free in time); the same query may
    /// succeed later.
    #[error(transparent)]
    ResourcesExhausted(Exhausted),
}

impl EngineError {
    /// [`EngineError::Unavailable`]: `message`, caused by `source`.
    pub fn unavailable(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        EngineError::Unavailable {
            message: message.into(),
            source: Box::new(source),
        }
    }

    /// [`EngineError::Database`]: `message`, caused by `source`.
    pub fn database(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        EngineError::Database {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// [`EngineError::Result`]: `message`, caused by `source`.
    pub fn result(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        EngineError::Result {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

/// What ran out for [`EngineError::ResourcesExhausted`]. The messages are
/// for clients: they name no engine internals (those are in the source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Exhausted {
    /// The query needed more memory than the running queries left free, and
    /// could not spill to disk.
    #[error("the server does not have enough memory for this query right now; try again later")]
    Memory(#[source] Box<datafusion::error::DataFusionError>),
    /// Every query slot stayed busy for `waited`.
    #[error("the server is busy: no query slot came free within {} s; try again later", waited.as_secs_f64())]
    Busy {
        /// How long the query waited.
        waited: std::time::Duration,
    },
}
