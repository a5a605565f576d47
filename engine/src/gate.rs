//! Admission of queries to their data source: an embedding server decides
//! how many queries of which caller may run at once (see
//! [`crate::LoadOptions::gate`]), and the engine asks it only when a query
//! really goes to a data source, never for an answer from the result cache.

use std::future::Future;
use std::pin::Pin;

use crate::error::EngineError;

/// A future a gate answers with.
pub type GateFuture<'a> = Pin<Box<dyn Future<Output = Result<GatePass, EngineError>> + Send + 'a>>;

/// Decides when a query may run on its data source.
pub trait ExecutionGate: Send + Sync + std::fmt::Debug {
    /// Waits until the query may run; the pass holds its place until dropped.
    /// An error (e.g. [`EngineError::ResourcesExhausted`]) refuses the query.
    fn enter(&self) -> GateFuture<'_>;

    /// Who the query is for, so that back ends with queues of their own
    /// (DataFusion's query slots) serve callers in turn too.
    fn caller(&self) -> Option<&CallerKey> {
        None
    }
}

/// The tenant and user a query runs for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CallerKey {
    /// The tenant's key (callers of one tenant share its caps).
    pub tenant: String,
    /// The user's key.
    pub user: String,
}

tokio::task_local! {
    static CALLER: CallerKey;
}

/// Runs `f` with `caller` as the [`current_caller`].
pub(crate) async fn with_caller<F: Future>(caller: Option<CallerKey>, f: F) -> F::Output {
    match caller {
        Some(caller) => CALLER.scope(caller, f).await,
        None => f.await,
    }
}

/// The caller of the query running on this task, when its gate named one.
pub(crate) fn current_caller() -> Option<CallerKey> {
    CALLER.try_with(Clone::clone).ok()
}

/// A place held by a running query; dropping it gives the place back.
pub struct GatePass(#[allow(dead_code)] Box<dyn Send + Sync>);

impl GatePass {
    /// A pass that holds `place` (dropped when the query ends).
    pub fn new(place: impl Send + Sync + 'static) -> Self {
        GatePass(Box::new(place))
    }
}

impl std::fmt::Debug for GatePass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GatePass")
    }
}
