//! Fair admission of queries to the data sources: the server's
//! [`strata_engine::fair_queue::FairQueue`], with caps in all
//! (`STRATA_MAX_INFLIGHT`), per tenant and per user, handed to the engine
//! as each caller's [`ExecutionGate`]. Only queries that go to a data source
//! are admitted: answers from the result cache never wait.

use std::sync::Arc;
use std::time::Duration;

use strata_engine::fair_queue::{FairCaps, FairQueue};
use strata_engine::gate::CallerKey;
use strata_engine::{ExecutionGate, GateFuture, GatePass};

/// The caps of a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionSettings {
    /// Queries running at once on all data sources (`STRATA_MAX_INFLIGHT`,
    /// default 16: the default database pool).
    pub capacity: usize,
    /// Queries of one tenant running at once
    /// (`STRATA_MAX_INFLIGHT_PER_TENANT`, default 8).
    pub per_tenant: usize,
    /// Queries of one user running at once (`STRATA_MAX_INFLIGHT_PER_USER`,
    /// default 4).
    pub per_user: usize,
    /// Longest wait for a place (`STRATA_QUEUE_TIMEOUT`, default 20 s).
    pub max_wait: Duration,
}

impl Default for AdmissionSettings {
    fn default() -> Self {
        AdmissionSettings {
            capacity: 16,
            per_tenant: 8,
            per_user: 4,
            max_wait: Duration::from_secs(20),
        }
    }
}

/// The admission of one server; cheap to clone.
#[derive(Debug, Clone)]
pub struct Admission {
    queue: FairQueue,
}

impl Admission {
    /// Admission with these caps (each at least 1).
    pub fn new(settings: AdmissionSettings) -> Self {
        Admission {
            queue: FairQueue::new(FairCaps {
                capacity: settings.capacity,
                per_tenant: settings.per_tenant,
                per_user: settings.per_user,
                max_wait: settings.max_wait,
            }),
        }
    }

    /// A gate for the queries of one caller.
    pub fn gate(&self, tenant: &str, user: &str) -> Arc<dyn ExecutionGate> {
        Arc::new(CallerGate {
            queue: self.queue.clone(),
            caller: CallerKey {
                tenant: tenant.to_string(),
                user: user.to_string(),
            },
        })
    }

    /// Queries running now.
    pub fn running(&self) -> usize {
        self.queue.running()
    }
}

/// [`Admission`] for one caller, as the engine's [`ExecutionGate`].
#[derive(Debug)]
struct CallerGate {
    queue: FairQueue,
    caller: CallerKey,
}

impl ExecutionGate for CallerGate {
    fn enter(&self) -> GateFuture<'_> {
        Box::pin(async move {
            let place = self
                .queue
                .enter(&self.caller.tenant, &self.caller.user)
                .await?;
            Ok(GatePass::new(place))
        })
    }

    fn caller(&self) -> Option<&CallerKey> {
        Some(&self.caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn gates_of_one_tenant_share_its_cap() {
        let admission = Admission::new(AdmissionSettings {
            capacity: 4,
            per_tenant: 1,
            per_user: 1,
            max_wait: Duration::from_millis(100),
        });
        let first = admission.gate("tenant:a", "user:1");
        let second = admission.gate("tenant:a", "user:2");
        let other = admission.gate("tenant:b", "user:3");
        let held = first.enter().await.expect("first");
        assert!(second.enter().await.is_err(), "tenant a is at its cap");
        let _b = other.enter().await.expect("tenant b is not");
        assert_eq!(admission.running(), 2);
        drop(held);
        assert_eq!(admission.running(), 1);
        assert_eq!(first.caller().map(|c| c.tenant.as_str()), Some("tenant:a"));
    }
}
