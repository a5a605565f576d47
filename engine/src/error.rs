//! Engine errors: what the caller did wrong ([`QueryError`]) and what went
//! wrong while answering ([`EngineError`]).

/// A mistake in a query: always the caller's to fix, always HTTP 400.
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

/// Anything that can go wrong answering a query.
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
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database took longer than the query timeout.
    #[error("query timed out after {0:?}")]
    Timeout(std::time::Duration),
    /// The database refused or failed the query.
    #[error("database error: {0}")]
    Database(String),
    /// The database returned something Strata cannot represent.
    #[error("cannot read result: {0}")]
    Result(String),
    /// The server has no room for the query now (its memory for queries is
    /// spent, or no query slot came free in time); the same query may
    /// succeed later. HTTP 503.
    #[error(transparent)]
    ResourcesExhausted(Exhausted),
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

impl EngineError {
    /// The HTTP status Cube uses for this kind of error.
    pub fn status_code(&self) -> u16 {
        match self {
            EngineError::Query(_) => 400,
            EngineError::NoDatabase
            | EngineError::Unavailable(_)
            | EngineError::ResourcesExhausted(_) => 503,
            EngineError::Timeout(_) => 504,
            EngineError::Database(_) | EngineError::Result(_) => 500,
        }
    }
}
