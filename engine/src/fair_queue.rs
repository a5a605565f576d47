//! A fair queue of places for running queries, so that one tenant (or one
//! user) cannot starve the others: at most [`FairCaps::capacity`] queries
//! hold a place at once, at most [`FairCaps::per_tenant`] of one tenant and
//! [`FairCaps::per_user`] of one user. A query beyond a cap waits in its
//! tenant's queue; a freed place goes to the waiting tenants in turn (round
//! robin), not to whoever queued first, so a tenant with one small query is
//! served next even behind another tenant's hundred heavy ones. A query that
//! waits longer than [`FairCaps::max_wait`] is refused with
//! [`EngineError::ResourcesExhausted`].
//!
//! The server admits queries to every data source through one
//! ([`crate::ExecutionGate`]); the DataFusion executor hands out its query
//! slots through another, keyed by the caller the gate names
//! ([`ExecutionGate::caller`](crate::ExecutionGate::caller)).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::error::{EngineError, Exhausted};

/// The caps of a [`FairQueue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FairCaps {
    /// Places in all.
    pub capacity: usize,
    /// Places one tenant may hold at once.
    pub per_tenant: usize,
    /// Places one user may hold at once.
    pub per_user: usize,
    /// Longest wait for a place.
    pub max_wait: Duration,
}

/// One query waiting for a place.
struct Waiter {
    id: u64,
    user: String,
    wake: oneshot::Sender<()>,
}

#[derive(Default)]
struct TenantQueue {
    running: usize,
    waiting: VecDeque<Waiter>,
}

#[derive(Default)]
struct State {
    running: usize,
    tenants: HashMap<String, TenantQueue>,
    users: HashMap<String, usize>,
    /// Tenants with waiting queries, in the order they are next served.
    turn: VecDeque<String>,
    next_id: u64,
}

/// A fair queue of places; cheap to clone (clones share the places).
#[derive(Clone)]
pub struct FairQueue {
    settings: FairCaps,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for FairQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FairQueue")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// A place held by one running query; dropping it frees the place.
#[derive(Debug)]
pub struct Place {
    queue: FairQueue,
    tenant: String,
    user: String,
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut state = self.queue.lock();
        FairQueue::unreserve(&mut state, &self.tenant, &self.user);
        self.queue.dispatch(&mut state);
    }
}

impl FairQueue {
    /// A queue with these caps (each at least 1).
    pub fn new(settings: FairCaps) -> Self {
        let capacity = settings.capacity.max(1);
        let per_tenant = settings.per_tenant.clamp(1, capacity);
        let per_user = settings.per_user.clamp(1, per_tenant);
        FairQueue {
            settings: FairCaps {
                capacity,
                per_tenant,
                per_user,
                max_wait: settings.max_wait,
            },
            state: Arc::default(),
        }
    }

    /// The caps in force.
    pub fn settings(&self) -> FairCaps {
        self.settings
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent at every await-free step, so a panic
        // elsewhere while holding it leaves nothing half-done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fits(&self, state: &State, tenant: &str, user: &str) -> bool {
        state.running < self.settings.capacity
            && state.tenants.get(tenant).map_or(0, |t| t.running) < self.settings.per_tenant
            && state.users.get(user).copied().unwrap_or(0) < self.settings.per_user
    }

    /// Counts a place as taken (the caller makes the [`Place`]).
    fn reserve(state: &mut State, tenant: &str, user: &str) {
        state.running += 1;
        state.tenants.entry(tenant.to_string()).or_default().running += 1;
        *state.users.entry(user.to_string()).or_default() += 1;
    }

    /// Gives back a place counted by [`FairQueue::reserve`].
    fn unreserve(state: &mut State, tenant: &str, user: &str) {
        state.running = state.running.saturating_sub(1);
        if let Some(t) = state.tenants.get_mut(tenant) {
            t.running = t.running.saturating_sub(1);
        }
        if let Some(n) = state.users.get_mut(user) {
            *n = n.saturating_sub(1);
        }
    }

    /// The place of a query counted by [`FairQueue::reserve`].
    fn place(&self, tenant: &str, user: &str) -> Place {
        Place {
            queue: self.clone(),
            tenant: tenant.to_string(),
            user: user.to_string(),
        }
    }

    /// Hands free places to waiting queries, one tenant at a time in turn.
    fn dispatch(&self, state: &mut State) {
        let mut idle_turns = 0;
        while state.running < self.settings.capacity && idle_turns < state.turn.len() {
            let Some(tenant) = state.turn.pop_front() else {
                break;
            };
            let granted = self.grant_one(state, &tenant);
            let still_waiting = state
                .tenants
                .get(&tenant)
                .is_some_and(|t| !t.waiting.is_empty());
            if still_waiting {
                state.turn.push_back(tenant.clone());
            }
            if granted {
                idle_turns = 0;
            } else {
                idle_turns += 1;
            }
        }
        // Forget tenants and users with nothing running or waiting.
        state
            .tenants
            .retain(|_, t| t.running > 0 || !t.waiting.is_empty());
        state.users.retain(|_, n| *n > 0);
    }

    /// Wakes the first waiter of `tenant` that fits; whether one was woken.
    fn grant_one(&self, state: &mut State, tenant: &str) -> bool {
        loop {
            let Some(queue) = state.tenants.get(tenant) else {
                return false;
            };
            if queue.running >= self.settings.per_tenant {
                return false;
            }
            let per_user = self.settings.per_user;
            let Some(index) = queue
                .waiting
                .iter()
                .position(|w| state.users.get(&w.user).copied().unwrap_or(0) < per_user)
            else {
                return false;
            };
            let Some(waiter) = state
                .tenants
                .get_mut(tenant)
                .and_then(|q| q.waiting.remove(index))
            else {
                return false;
            };
            Self::reserve(state, tenant, &waiter.user);
            if waiter.wake.send(()).is_ok() {
                // The waiter owns the place from now on.
                return true;
            }
            // The waiter gave up meanwhile: undo and try the next one.
            Self::unreserve(state, tenant, &waiter.user);
        }
    }

    /// Waits for a place for a query of `user` in `tenant`.
    pub async fn enter(&self, tenant: &str, user: &str) -> Result<Place, EngineError> {
        let mut waiting = {
            let mut state = self.lock();
            let tenant_waits = state
                .tenants
                .get(tenant)
                .is_some_and(|t| !t.waiting.is_empty());
            if !tenant_waits && self.fits(&state, tenant, user) {
                Self::reserve(&mut state, tenant, user);
                return Ok(self.place(tenant, user));
            }
            let (wake, woken) = oneshot::channel();
            state.next_id = state.next_id.wrapping_add(1);
            let id = state.next_id;
            let queue = state.tenants.entry(tenant.to_string()).or_default();
            queue.waiting.push_back(Waiter {
                id,
                user: user.to_string(),
                wake,
            });
            if !state.turn.iter().any(|t| t == tenant) {
                state.turn.push_back(tenant.to_string());
            }
            // A place may be free for this tenant right now (its own
            // earlier waiters were blocked only by their user's cap).
            self.dispatch(&mut state);
            Waiting {
                queue: self,
                tenant,
                user,
                id,
                woken,
                settled: false,
            }
        };
        let woken = tokio::time::timeout(self.settings.max_wait, &mut waiting.woken).await;
        if let Ok(Ok(())) = woken {
            waiting.settled = true;
            return Ok(self.place(tenant, user));
        }
        if waiting.settle() {
            // Woken between the timeout and the lock: the place is ours.
            return Ok(self.place(tenant, user));
        }
        Err(EngineError::ResourcesExhausted(Exhausted::Busy {
            waited: self.settings.max_wait,
        }))
    }

    /// Queries running now.
    pub fn running(&self) -> usize {
        self.lock().running
    }
}

/// A query in a tenant's queue. Dropped before it is settled (the request
/// went away), it leaves the queue, and a place it was handed meanwhile
/// goes to the next waiter.
struct Waiting<'a> {
    queue: &'a FairQueue,
    tenant: &'a str,
    user: &'a str,
    id: u64,
    woken: oneshot::Receiver<()>,
    settled: bool,
}

impl Waiting<'_> {
    /// Leaves the queue; `true` when a place was handed over first (it is
    /// then the caller's to use or give back).
    fn settle(&mut self) -> bool {
        self.settled = true;
        let mut state = self.queue.lock();
        let removed = state.tenants.get_mut(self.tenant).and_then(|q| {
            let index = q.waiting.iter().position(|w| w.id == self.id)?;
            q.waiting.remove(index)
        });
        let granted = removed.is_none() && self.woken.try_recv().is_ok();
        self.queue.dispatch(&mut state);
        granted
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if !self.settled && self.settle() {
            let mut state = self.queue.lock();
            FairQueue::unreserve(&mut state, self.tenant, self.user);
            self.queue.dispatch(&mut state);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(capacity: usize, per_tenant: usize, per_user: usize) -> FairQueue {
        FairQueue::new(FairCaps {
            capacity,
            per_tenant,
            per_user,
            max_wait: Duration::from_millis(200),
        })
    }

    #[tokio::test]
    async fn a_tenant_cannot_take_every_place() {
        let a = admission(4, 2, 2);
        let p1 = a.enter("noisy", "u1").await.expect("first");
        let _p2 = a.enter("noisy", "u2").await.expect("second");
        // The noisy tenant's third query waits, and is refused in the end...
        let started = std::time::Instant::now();
        let err = a
            .enter("noisy", "u3")
            .await
            .expect_err("over the tenant cap");
        assert!(matches!(err, EngineError::ResourcesExhausted(_)));
        assert!(started.elapsed() >= Duration::from_millis(200));
        // ...while another tenant gets in at once.
        let other = a.enter("quiet", "q").await.expect("other tenant");
        assert_eq!(a.running(), 3);
        drop(other);
        drop(p1);
        assert_eq!(a.running(), 1);
    }

    #[tokio::test]
    async fn freed_places_go_to_tenants_in_turn() {
        let a = admission(1, 1, 1);
        let held = a.enter("noisy", "n0").await.expect("held");
        // The noisy tenant queues three more, then the quiet one queues one.
        let mut noisy = Vec::new();
        for i in 1..=3 {
            let a = a.clone();
            noisy.push(tokio::spawn(async move {
                let user = format!("n{i}");
                let place = a.enter("noisy", &user).await;
                let at = std::time::Instant::now();
                tokio::time::sleep(Duration::from_millis(20)).await;
                drop(place);
                at
            }));
            tokio::task::yield_now().await;
        }
        let quiet = {
            let a = a.clone();
            tokio::spawn(async move {
                let place = a.enter("quiet", "q").await.expect("quiet admitted");
                let at = std::time::Instant::now();
                drop(place);
                at
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(held);
        let quiet_at = quiet.await.expect("quiet task");
        let mut served_before_quiet = 0;
        for task in noisy {
            if let Ok(at) = task.await {
                if at < quiet_at {
                    served_before_quiet += 1;
                }
            }
        }
        assert!(
            served_before_quiet <= 1,
            "the quiet tenant waited behind {served_before_quiet} noisy queries"
        );
    }

    #[tokio::test]
    async fn a_user_cap_holds_within_a_tenant() {
        let a = admission(8, 8, 1);
        let _p = a.enter("t", "alice").await.expect("first");
        assert!(a.enter("t", "alice").await.is_err());
        let _q = a.enter("t", "bob").await.expect("another user");
    }

    #[tokio::test]
    async fn a_waiter_that_gives_up_frees_nothing_twice() {
        let a = admission(1, 1, 1);
        let held = a.enter("t", "u").await.expect("held");
        let waiter = {
            let a = a.clone();
            tokio::spawn(async move { a.enter("t", "v").await.map(|_| ()) })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        waiter.abort();
        let _ = waiter.await;
        drop(held);
        assert_eq!(a.running(), 0);
        let _again = a.enter("t", "w").await.expect("place is free");
        assert_eq!(a.running(), 1);
    }
}
