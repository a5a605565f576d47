//! Bounds on what DataFusion queries may use together: a memory budget that
//! their operators (sorts, aggregations, join tables, repartition buffers)
//! reserve from, spilling to disk where they can, and a number of query
//! slots that callers take in turn (see [`crate::fair_queue`]).
//!
//! One [`DataFusionResources`] is shared by every executor built with it
//! ([`crate::DataFusionExecutor::with_resources`]), so the limits hold for
//! the process, not per data source.
//!
//! Each running query gets a memory pool of its own ([`QueryPool`]): the
//! first [`DataFusionResources::floor`] bytes are its own (a quarter of an
//! equal share of the budget: no other query can take them, so a small
//! query is answered however big the others are), and it borrows beyond
//! that from the rest of the budget, which no query is guaranteed. The
//! floors of all slots and the borrowed bytes never exceed the budget.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::fair_queue::{FairCaps, FairQueue, Place};
use datafusion::error::DataFusionError;
use datafusion::execution::disk_manager::DiskManagerBuilder;
use datafusion::execution::memory_pool::{
    MemoryConsumer, MemoryLimit, MemoryPool, MemoryReservation, TrackConsumersPool,
};
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::prelude::SessionConfig;

use crate::error::{EngineError, Exhausted};

/// Default [`DataFusionLimits::memory_bytes`]: 512 MiB.
pub const DEFAULT_MEMORY_BYTES: usize = 512 * 1024 * 1024;

/// Default [`DataFusionLimits::queue_timeout`]: as long as a PostgreSQL
/// query waits for a pooled connection.
pub const DEFAULT_QUEUE_TIMEOUT: Duration = Duration::from_secs(10);

/// Spill files may take this many times [`DataFusionLimits::memory_bytes`]
/// on disk (4 GiB with the default memory limit).
pub const SPILL_PER_MEMORY: u64 = 8;

/// How much DataFusion queries may use at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataFusionLimits {
    /// Bytes that the operators of all running queries may reserve
    /// together; each running query has a quarter of an equal share to
    /// itself and borrows beyond it from what the others leave. When a
    /// reservation fails, an operator that can spill (sort, final
    /// aggregation) writes to temporary files; one that cannot fails its
    /// query with [`EngineError::ResourcesExhausted`].
    pub memory_bytes: usize,
    /// Queries that may execute at once; the others wait, callers taking
    /// turns (see [`crate::fair_queue`]).
    pub concurrency: usize,
    /// How long a query waits for one of the [`concurrency`](Self::concurrency)
    /// slots before it is refused with [`EngineError::ResourcesExhausted`].
    pub queue_timeout: Duration,
}

impl Default for DataFusionLimits {
    /// 512 MiB (`DEFAULT_MEMORY_BYTES`), one query per core, and a 10 s
    /// queue timeout (`DEFAULT_QUEUE_TIMEOUT`).
    fn default() -> Self {
        DataFusionLimits {
            memory_bytes: DEFAULT_MEMORY_BYTES,
            concurrency: default_concurrency(),
            queue_timeout: DEFAULT_QUEUE_TIMEOUT,
        }
    }
}

/// One query slot per core: DataFusion already spreads a query over every
/// core (`target_partitions`), so more queries at once only add memory.
pub fn default_concurrency() -> usize {
    std::thread::available_parallelism().map_or(2, NonZeroUsize::get)
}

/// The memory budget and query slots of [`DataFusionLimits`], shared by the
/// executors built with them.
pub struct DataFusionResources {
    limits: DataFusionLimits,
    budget: Arc<Budget>,
    /// Spill files, caches and object stores of every session, with a
    /// floor-less pool for what runs outside a slot (schema inference).
    runtime: Arc<RuntimeEnv>,
    slots: FairQueue,
}

impl std::fmt::Debug for DataFusionResources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataFusionResources")
            .field("limits", &self.limits)
            .field("memory_reserved", &self.memory_reserved())
            .field("free_slots", &self.free_slots())
            .finish()
    }
}

impl DataFusionResources {
    /// A budget of `limits.memory_bytes`, spill files in the OS temporary
    /// directory up to `SPILL_PER_MEMORY` (8) times that, and
    /// `limits.concurrency` query slots (at least one).
    pub fn new(limits: DataFusionLimits) -> Result<Arc<Self>, EngineError> {
        let limits = DataFusionLimits {
            concurrency: limits.concurrency.max(1),
            ..limits
        };
        let floor = limits.memory_bytes / limits.concurrency / 4;
        let budget = Arc::new(Budget {
            total: limits.memory_bytes,
            floor,
            borrowable: limits.memory_bytes - floor * limits.concurrency,
            borrowed: Mutex::new(0),
            reserved: AtomicUsize::new(0),
        });
        let spill = (limits.memory_bytes as u64).saturating_mul(SPILL_PER_MEMORY);
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_pool(Arc::new(QueryPool::new(&budget, 0, default_concurrency())))
            .with_disk_manager_builder(
                DiskManagerBuilder::default().with_max_temp_directory_size(spill),
            )
            .build_arc()
            .map_err(|e| EngineError::database(format!("DataFusion runtime: {e}"), e))?;
        Ok(Arc::new(DataFusionResources {
            limits,
            budget,
            runtime,
            slots: FairQueue::new(FairCaps {
                capacity: limits.concurrency,
                // Any caller may use every slot; waiting callers take turns.
                per_tenant: limits.concurrency,
                per_user: limits.concurrency,
                max_wait: limits.queue_timeout,
            }),
        }))
    }

    /// The limits in force.
    pub fn limits(&self) -> &DataFusionLimits {
        &self.limits
    }

    /// Bytes each running query has to itself: a quarter of an equal share
    /// of the budget. Beyond it, a query borrows from what the others leave.
    pub fn floor(&self) -> usize {
        self.budget.floor
    }

    /// Bytes reserved right now by running queries.
    pub fn memory_reserved(&self) -> usize {
        self.budget.reserved.load(Ordering::Relaxed)
    }

    /// Query slots free right now.
    pub fn free_slots(&self) -> usize {
        self.limits.concurrency.saturating_sub(self.slots.running())
    }

    /// The runtime sessions are created with (spill files, caches, object
    /// stores; its pool serves only what runs outside a slot).
    pub(crate) fn runtime(&self) -> Arc<RuntimeEnv> {
        self.runtime.clone()
    }

    /// The session's runtime with a new [`QueryPool`], for one query
    /// holding a slot and run in `partitions` partitions.
    pub(crate) fn query_runtime(&self, partitions: usize) -> Result<Arc<RuntimeEnv>, EngineError> {
        let pool = QueryPool::new(&self.budget, self.budget.floor, partitions);
        RuntimeEnvBuilder::from_runtime_env(&self.runtime)
            .with_memory_pool(Arc::new(pool))
            .build_arc()
            .map_err(|e| EngineError::database(format!("DataFusion runtime: {e}"), e))
    }

    /// `config` fitted to the budget: each partition of a sort sets aside
    /// memory for merging its spilled runs (DataFusion's default, 10 MB, is
    /// made for a pool of its own); here at most a quarter of one
    /// partition's part of an equal share, so that sorts spill rather than
    /// fail in a small budget.
    pub(crate) fn configure(&self, config: SessionConfig) -> SessionConfig {
        let partitions = config.target_partitions().max(1);
        let parts = self
            .limits
            .concurrency
            .saturating_mul(partitions)
            .saturating_mul(4);
        let share = self.limits.memory_bytes / parts;
        let default = config.options().execution.sort_spill_reservation_bytes;
        config.with_sort_spill_reservation_bytes(share.min(default))
    }

    /// Waits for a query slot, for at most
    /// [`DataFusionLimits::queue_timeout`]. Slots go to the waiting callers
    /// in turn (the caller the engine's gate named, see
    /// [`crate::gate::current_caller`]), and in arrival order within one
    /// caller. The slot is held until the place is dropped.
    pub(crate) async fn slot(&self) -> Result<Place, EngineError> {
        let started = Instant::now();
        let caller = crate::gate::current_caller().unwrap_or_default();
        let place = self.slots.enter(&caller.tenant, &caller.user).await;
        if place.is_err() {
            tracing::warn!(
                concurrency = self.limits.concurrency,
                waited_ms = started.elapsed().as_millis() as u64,
                "DataFusion: no query slot became free in time"
            );
        }
        place
    }
}

/// The memory budget of all running queries.
#[derive(Debug)]
struct Budget {
    /// [`DataFusionLimits::memory_bytes`].
    total: usize,
    /// Bytes each slot's query is guaranteed.
    floor: usize,
    /// What is left of `total` once every slot has its floor.
    borrowable: usize,
    /// Bytes of `borrowable` that queries hold beyond their floors.
    borrowed: Mutex<usize>,
    /// Bytes all queries hold (floors and borrowed), for reporting.
    reserved: AtomicUsize,
}

/// A poisoned lock's counter is still right (it is only ever set whole).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One query's memory pool: its operators reserve from a
/// [`PartitionFairPool`], its first `floor` bytes are its own, and what it
/// holds beyond them is borrowed from the [`Budget`].
#[derive(Debug)]
struct QueryPool {
    /// The most one query can hold (its floor and everything borrowable),
    /// shared among its operators; names the biggest in its errors.
    inner: TrackConsumersPool<PartitionFairPool>,
    budget: Arc<Budget>,
    floor: usize,
    /// Bytes the query holds (as `inner.reserved()`, kept under this lock
    /// so that what is borrowed follows it exactly).
    held: Mutex<usize>,
}

impl QueryPool {
    fn new(budget: &Arc<Budget>, floor: usize, partitions: usize) -> Self {
        QueryPool {
            inner: TrackConsumersPool::new(
                PartitionFairPool::new(floor + budget.borrowable, partitions),
                NonZeroUsize::MIN.saturating_add(4),
            ),
            budget: Arc::clone(budget),
            floor,
            held: Mutex::new(0),
        }
    }

    /// Bytes borrowed when the query holds `held`.
    fn borrowing(&self, held: usize) -> usize {
        held.saturating_sub(self.floor)
    }
}

impl std::fmt::Display for QueryPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "query pool ({} B own, {} B borrowable of {} B): {}",
            self.floor, self.budget.borrowable, self.budget.total, self.inner
        )
    }
}

impl MemoryPool for QueryPool {
    fn name(&self) -> &str {
        "strata-query"
    }

    fn register(&self, consumer: &MemoryConsumer) {
        self.inner.register(consumer);
    }

    fn unregister(&self, consumer: &MemoryConsumer) {
        self.inner.unregister(consumer);
    }

    /// Growth that must succeed (DataFusion's infallible `grow`): counted,
    /// even past the budget.
    fn grow(&self, reservation: &MemoryReservation, additional: usize) {
        self.inner.grow(reservation, additional);
        let mut held = lock(&self.held);
        let more = self.borrowing(held.saturating_add(additional)) - self.borrowing(*held);
        *held = held.saturating_add(additional);
        let mut borrowed = lock(&self.budget.borrowed);
        *borrowed = borrowed.saturating_add(more);
        drop(borrowed);
        self.budget
            .reserved
            .fetch_add(additional, Ordering::Relaxed);
    }

    fn shrink(&self, reservation: &MemoryReservation, shrink: usize) {
        self.inner.shrink(reservation, shrink);
        let mut held = lock(&self.held);
        let shrink = shrink.min(*held);
        let less = self.borrowing(*held) - self.borrowing(*held - shrink);
        *held -= shrink;
        let mut borrowed = lock(&self.budget.borrowed);
        *borrowed = borrowed.saturating_sub(less);
        drop(borrowed);
        let _ = self
            .budget
            .reserved
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |r| {
                Some(r.saturating_sub(shrink))
            });
    }

    fn try_grow(
        &self,
        reservation: &MemoryReservation,
        additional: usize,
    ) -> datafusion::error::Result<()> {
        self.inner.try_grow(reservation, additional)?;
        let mut held = lock(&self.held);
        let more = self.borrowing(held.saturating_add(additional)) - self.borrowing(*held);
        if more > 0 {
            let mut borrowed = lock(&self.budget.borrowed);
            if borrowed.saturating_add(more) > self.budget.borrowable {
                let free = self.budget.borrowable.saturating_sub(*borrowed);
                drop(borrowed);
                drop(held);
                self.inner.shrink(reservation, additional);
                return Err(DataFusionError::ResourcesExhausted(format!(
                    "Failed to allocate additional {additional} B for {}: the query holds its \
                     own {} B and the running queries left {free} B to borrow",
                    reservation.consumer().name(),
                    self.floor,
                )));
            }
            *borrowed += more;
        }
        *held = held.saturating_add(additional);
        self.budget
            .reserved
            .fetch_add(additional, Ordering::Relaxed);
        Ok(())
    }

    fn reserved(&self) -> usize {
        self.inner.reserved()
    }

    fn memory_limit(&self) -> MemoryLimit {
        self.inner.memory_limit()
    }
}

/// The operators of one query: those that cannot spill reserve first come,
/// first served; one that can spill (a sort, an aggregation) may hold at
/// most an equal part, among the query's partitions, of what the others
/// leave (it spills past it), so that the partition of a sort that starts
/// first cannot take what the others need to go on (they would fail
/// instead of spilling).
///
/// DataFusion's `FairSpillPool` divides among every operator that says it
/// can spill, but a partial aggregation says so and cannot (its emptied
/// table keeps its capacity), and a Cube query with fan-outs has a dozen of
/// them, mostly idle: such queries failed holding a tenth of the pool.
/// `GreedyMemoryPool` lets the first partition of a sort starve the others.
#[derive(Debug)]
struct PartitionFairPool {
    size: usize,
    partitions: usize,
    state: Mutex<FairState>,
}

#[derive(Debug, Default)]
struct FairState {
    /// Bytes held by operators that can spill.
    spillable: usize,
    /// Bytes held by operators that cannot.
    unspillable: usize,
}

impl PartitionFairPool {
    fn new(size: usize, partitions: usize) -> Self {
        PartitionFairPool {
            size,
            partitions: partitions.max(1),
            state: Mutex::new(FairState::default()),
        }
    }
}

impl std::fmt::Display for PartitionFairPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = lock(&self.state);
        write!(
            f,
            "partition-fair(pool_size: {} B, spillable: {} B, unspillable: {} B)",
            self.size, s.spillable, s.unspillable
        )
    }
}

impl MemoryPool for PartitionFairPool {
    fn name(&self) -> &str {
        "partition-fair"
    }

    fn grow(&self, reservation: &MemoryReservation, additional: usize) {
        let mut s = lock(&self.state);
        if reservation.consumer().can_spill() {
            s.spillable = s.spillable.saturating_add(additional);
        } else {
            s.unspillable = s.unspillable.saturating_add(additional);
        }
    }

    fn shrink(&self, reservation: &MemoryReservation, shrink: usize) {
        let mut s = lock(&self.state);
        if reservation.consumer().can_spill() {
            s.spillable = s.spillable.saturating_sub(shrink);
        } else {
            s.unspillable = s.unspillable.saturating_sub(shrink);
        }
    }

    fn try_grow(
        &self,
        reservation: &MemoryReservation,
        additional: usize,
    ) -> datafusion::error::Result<()> {
        let mut s = lock(&self.state);
        let free = self
            .size
            .saturating_sub(s.spillable.saturating_add(s.unspillable));
        let spills = reservation.consumer().can_spill();
        let available = if spills {
            let part = self.size.saturating_sub(s.unspillable) / self.partitions;
            free.min(part.saturating_sub(reservation.size()))
        } else {
            free
        };
        if additional > available {
            return Err(DataFusionError::ResourcesExhausted(format!(
                "Failed to allocate additional {additional} B for {} with {} B already \
                 allocated - {available} B available to it in the query's {} B",
                reservation.consumer().name(),
                reservation.size(),
                self.size,
            )));
        }
        if spills {
            s.spillable += additional;
        } else {
            s.unspillable += additional;
        }
        Ok(())
    }

    fn reserved(&self) -> usize {
        let s = lock(&self.state);
        s.spillable.saturating_add(s.unspillable)
    }

    fn memory_limit(&self) -> MemoryLimit {
        MemoryLimit::Finite(self.size)
    }
}

/// Maps a DataFusion error: running out of the memory pool (or of spill
/// space) is [`Exhausted::Memory`] (keeping the DataFusion error as its
/// source, for logs), anything else a database error.
pub(crate) fn df_error(e: DataFusionError) -> EngineError {
    if matches!(e.find_root(), DataFusionError::ResourcesExhausted(_)) {
        tracing::warn!(error = %e, "DataFusion: query out of memory");
        EngineError::ResourcesExhausted(Exhausted::Memory(Box::new(e)))
    } else {
        EngineError::database(format!("DataFusion: {e}"), e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DataFusionExecutor;
    use arrow::array::{Array, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::record_batch::RecordBatch;
    use sqlparser::dialect::GenericDialect;
    use sqlparser::parser::Parser;

    fn resources(
        memory_bytes: usize,
        concurrency: usize,
        queue_ms: u64,
    ) -> Arc<DataFusionResources> {
        DataFusionResources::new(DataFusionLimits {
            memory_bytes,
            concurrency,
            queue_timeout: Duration::from_millis(queue_ms),
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Table `name`: `rows` rows of `n` (0..rows, shuffled) and a ~40-byte string.
    fn table(df: &DataFusionExecutor, name: &str, rows: i64) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("n", DataType::Int64, false),
            Field::new("s", DataType::Utf8, false),
        ]));
        let batches = (0..rows)
            .collect::<Vec<_>>()
            .chunks(8192)
            .map(|chunk| {
                let n: Vec<i64> = chunk.iter().map(|i| (i * 7919) % rows).collect();
                let s: Vec<String> = n
                    .iter()
                    .map(|i| format!("row {i:>12} of the test table"))
                    .collect();
                RecordBatch::try_new(
                    schema.clone(),
                    vec![
                        Arc::new(Int64Array::from(n)),
                        Arc::new(StringArray::from(s)),
                    ],
                )
                .unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        df.register_batches(name, schema, batches)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    fn query(sql: &str) -> sqlparser::ast::Query {
        match Parser::parse_sql(&GenericDialect {}, sql).map(|mut s| s.remove(0)) {
            Ok(sqlparser::ast::Statement::Query(q)) => *q,
            other => panic!("not a query: {other:?}"),
        }
    }

    /// Bytes still reserved once the tasks of finished queries (torn down
    /// in the background) are gone, waiting at most 5 s.
    async fn reserved_when_settled(df: &DataFusionExecutor) -> Option<usize> {
        let r = df.resources()?;
        for _ in 0..100 {
            if r.memory_reserved() == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some(r.memory_reserved())
    }

    fn column(batches: &[RecordBatch]) -> Vec<i64> {
        batches
            .iter()
            .flat_map(|b| {
                let a = b.column(0).as_any().downcast_ref::<Int64Array>().cloned();
                a.map(|a| a.values().to_vec()).unwrap_or_default()
            })
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sort_bigger_than_the_pool_spills_and_answers_in_full() {
        // 1M rows of ~50 bytes to sort, in at most 48 MiB.
        let df = DataFusionExecutor::with_resources(resources(48 << 20, 1, 10_000));
        table(&df, "t", 1_000_000);
        let batches = df
            .run(query("SELECT n, s FROM t ORDER BY n DESC"))
            .await
            .unwrap_or_else(|e| {
                let source = std::error::Error::source(&e).map(|s| s.to_string());
                panic!("the sort should spill: {e}: {source:?}")
            });
        let n = column(&batches);
        assert_eq!(n.len(), 1_000_000);
        assert!(n.windows(2).all(|w| w[0] > w[1]), "sorted descending");
        assert_eq!(
            reserved_when_settled(&df).await,
            Some(0),
            "reservations returned"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_query_that_cannot_spill_past_the_pool_is_refused_without_internals() {
        // A hash join's build side cannot spill: 400k rows do not fit in 4 MiB.
        let df = DataFusionExecutor::with_resources(resources(4 << 20, 2, 10_000));
        table(&df, "a", 400_000);
        table(&df, "b", 400_000);
        let err = df
            .run(query("SELECT a.n, b.s FROM a JOIN b ON a.s = b.s"))
            .await
            .map(|b| b.len())
            .unwrap_err();
        assert!(
            matches!(err, EngineError::ResourcesExhausted(Exhausted::Memory(_))),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(message.contains("not have enough memory"), "{message}");
        for internal in [
            "DataFusion",
            "Resources exhausted",
            "HashJoin",
            "allocate",
            "pool",
        ] {
            assert!(!message.contains(internal), "{internal} in {message}");
        }
        // The DataFusion error stays reachable for the log.
        let source = std::error::Error::source(&err).map(|s| s.to_string());
        assert!(
            source
                .as_deref()
                .is_some_and(|s| s.contains("Resources exhausted")),
            "{source:?}"
        );
        // The failed query let its memory go; a small one still runs.
        assert_eq!(reserved_when_settled(&df).await, Some(0));
        let small = df
            .run(query("SELECT n FROM a WHERE n < 3 ORDER BY n"))
            .await;
        assert_eq!(small.map(|b| column(&b)).ok(), Some(vec![0, 1, 2]));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queries_beyond_the_slots_wait_their_turn_in_arrival_order() {
        let shared = resources(64 << 20, 1, 10_000);
        let df = Arc::new(DataFusionExecutor::with_resources(shared.clone()));
        table(&df, "t", 1000);
        // Another executor with the same resources holds the only slot.
        let other = DataFusionExecutor::with_resources(shared.clone());
        assert!(Arc::ptr_eq(
            other.resources().unwrap_or_else(|| panic!("resources")),
            &shared
        ));
        let held = shared.slot().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(shared.free_slots(), 0);
        let finished = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..4i64 {
            let (df, finished) = (df.clone(), finished.clone());
            tasks.push(tokio::spawn(async move {
                let r = df
                    .run(query(&format!("SELECT n FROM t WHERE n = {i}")))
                    .await;
                finished.lock().unwrap_or_else(|p| p.into_inner()).push(i);
                r.map(|b| column(&b))
            }));
            // Each is queued before the next is sent.
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            finished
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_empty(),
            "no query runs while the only slot is held"
        );
        drop(held);
        for (i, task) in tasks.into_iter().enumerate() {
            let rows = task.await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(rows.ok(), Some(vec![i as i64]));
        }
        assert_eq!(
            *finished.lock().unwrap_or_else(|p| p.into_inner()),
            vec![0, 1, 2, 3]
        );
        assert_eq!(shared.free_slots(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_query_that_waits_too_long_for_a_slot_is_refused() {
        let shared = resources(64 << 20, 1, 150);
        let df = DataFusionExecutor::with_resources(shared.clone());
        table(&df, "t", 10);
        let held = shared.slot().await.unwrap_or_else(|e| panic!("{e}"));
        let started = Instant::now();
        let err = df
            .run(query("SELECT n FROM t"))
            .await
            .map(|b| b.len())
            .unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(150));
        assert!(
            matches!(err, EngineError::ResourcesExhausted(Exhausted::Busy { .. })),
            "{err:?}"
        );
        assert!(err.to_string().contains("busy"), "{err}");
        drop(held);
        assert_eq!(
            df.run(query("SELECT n FROM t"))
                .await
                .map(|b| column(&b).len())
                .ok(),
            Some(10)
        );
    }

    #[test]
    fn resource_errors_are_recognised_however_wrapped() {
        use datafusion::arrow::error::ArrowError;
        let root = || DataFusionError::ResourcesExhausted("Failed to allocate".into());
        for wrapped in [
            root(),
            root().context("while joining"),
            DataFusionError::Shared(Arc::new(root())),
            DataFusionError::ArrowError(
                Box::new(ArrowError::ExternalError(Box::new(root()))),
                None,
            ),
            DataFusionError::External(Box::new(root())),
        ] {
            let shown = wrapped.to_string();
            let err = df_error(wrapped);
            assert!(
                matches!(err, EngineError::ResourcesExhausted(Exhausted::Memory(_))),
                "{shown}: {err:?}"
            );
        }
        let other = df_error(DataFusionError::Plan("no such column".into()));
        assert!(matches!(other, EngineError::Database { .. }), "{other:?}");
    }

    #[test]
    fn a_datafusion_error_is_kept_as_the_source() {
        let err = df_error(DataFusionError::Plan("no such column".into()));
        assert_eq!(
            err.to_string(),
            "database error: DataFusion: Error during planning: no such column"
        );
        let source = std::error::Error::source(&err).expect("the DataFusion error is the source");
        assert!(
            matches!(
                source.downcast_ref::<DataFusionError>(),
                Some(DataFusionError::Plan(m)) if m == "no such column"
            ),
            "{source:?}"
        );
    }

    #[test]
    fn a_query_keeps_its_floor_however_much_the_others_borrow() {
        let r = resources(16 << 20, 2, 10);
        let floor = r.floor();
        assert_eq!(floor, 2 << 20, "a quarter of an equal share");
        let borrowable = (16 << 20) - 2 * floor;
        let pool = |runtime: Arc<RuntimeEnv>| runtime.memory_pool.clone();
        let (a, b) = (
            pool(r.query_runtime(2).unwrap_or_else(|e| panic!("{e}"))),
            pool(r.query_runtime(2).unwrap_or_else(|e| panic!("{e}"))),
        );
        // Query A takes its floor and everything borrowable, in a join table.
        let hog = MemoryConsumer::new("HashJoinInput").register(&a);
        hog.try_grow(floor + borrowable)
            .unwrap_or_else(|e| panic!("A alone may use all but B's floor: {e}"));
        assert!(hog.try_grow(1).is_err(), "B's floor is not A's");
        assert_eq!(r.memory_reserved(), floor + borrowable);
        // Query B still has its floor, and nothing more.
        let small = MemoryConsumer::new("GroupedHashAggregateStream").register(&b);
        small
            .try_grow(floor)
            .unwrap_or_else(|e| panic!("B's floor is kept for it: {e}"));
        let err = small.try_grow(1).map(|_| ()).unwrap_err();
        assert!(
            matches!(err.find_root(), DataFusionError::ResourcesExhausted(_)),
            "{err}"
        );
        assert_eq!(r.memory_reserved(), 16 << 20, "never more than the budget");
        // Once A lets go, B borrows.
        hog.shrink(borrowable);
        small
            .try_grow(borrowable / 2)
            .unwrap_or_else(|e| panic!("B borrows what A gave back: {e}"));
        drop((hog, small));
        assert_eq!(r.memory_reserved(), 0);
    }

    #[test]
    fn a_spilling_operator_gets_its_partitions_part_however_many_others_are_idle() {
        let pool: Arc<dyn MemoryPool> = Arc::new(PartitionFairPool::new(100, 2));
        let spiller = |name: &str| {
            MemoryConsumer::new(name)
                .with_can_spill(true)
                .register(&pool)
        };
        // A dozen idle aggregations of other parts of the query.
        let idle: Vec<_> = (0..12).map(|i| spiller(&format!("idle{i}"))).collect();
        let join = MemoryConsumer::new("HashJoinInput").register(&pool);
        join.try_grow(20).unwrap_or_else(|e| panic!("{e}"));
        // Two partitions of a sort: each may hold half of the 80 left.
        let (p0, p1) = (spiller("ExternalSorter[0]"), spiller("ExternalSorter[1]"));
        p0.try_grow(40)
            .unwrap_or_else(|e| panic!("half is p0's: {e}"));
        assert!(
            p0.try_grow(1).is_err(),
            "p0 must spill rather than take p1's half"
        );
        p1.try_grow(40)
            .unwrap_or_else(|e| panic!("half is p1's: {e}"));
        // Nothing is left, for spilling operators or others.
        assert!(join.try_grow(1).is_err());
        drop((p0, p1, idle));
        join.try_grow(80).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pool.reserved(), 100);
    }

    #[test]
    fn zero_slots_means_one() {
        let r = resources(1 << 20, 0, 10);
        assert_eq!(r.limits().concurrency, 1);
        assert_eq!(r.free_slots(), 1);
    }
}
