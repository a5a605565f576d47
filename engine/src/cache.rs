//! The result cache: answers of `load` kept in memory, keyed by the
//! normalized query, the caller's security context and the data's refresh
//! key, with Cube's `cache` modes.

use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::engine::LoadResult;
use crate::error::QueryError;

/// Cube's `cache` request parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CacheMode {
    /// Serve a fresh entry; when stale, run the query, but answer with the
    /// stale entry if the query is slow (Cube's default).
    #[default]
    StaleIfSlow,
    /// Serve any entry at once, refreshing a stale one in the background.
    StaleWhileRevalidate,
    /// Serve only a fresh entry; otherwise wait for the query.
    MustRevalidate,
    /// Always run the query (and store its answer).
    NoCache,
}

impl CacheMode {
    /// Parses Cube's names.
    pub fn parse(s: &str) -> Result<CacheMode, QueryError> {
        match s {
            "stale-if-slow" => Ok(CacheMode::StaleIfSlow),
            "stale-while-revalidate" => Ok(CacheMode::StaleWhileRevalidate),
            "must-revalidate" => Ok(CacheMode::MustRevalidate),
            "no-cache" => Ok(CacheMode::NoCache),
            other => Err(QueryError::new(format!(
                "Invalid cache mode \"{other}\": expected stale-if-slow, stale-while-revalidate, \
                 must-revalidate or no-cache"
            ))),
        }
    }
}

/// A cached answer.
#[derive(Debug, Clone)]
pub struct CachedResult {
    /// The answer.
    pub result: Arc<LoadResult>,
    /// When it was computed.
    pub computed_at: chrono::DateTime<chrono::Utc>,
    created: Instant,
    ttl: Duration,
}

impl CachedResult {
    /// Whether the entry is still within its refresh interval.
    pub fn is_fresh(&self) -> bool {
        self.created.elapsed() < self.ttl
    }
}

/// Settings of the result cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    /// Most bytes of results held.
    pub max_bytes: u64,
    /// How long an entry is fresh when the model sets no `refresh_key.every`.
    pub default_ttl: Duration,
    /// How long a stale entry may still be served at all.
    pub max_stale: Duration,
    /// How long `stale-if-slow` waits for the query before answering stale.
    pub slow_after: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            max_bytes: 256 * 1024 * 1024,
            default_ttl: Duration::from_secs(10),
            max_stale: Duration::from_secs(24 * 3600),
            slow_after: Duration::from_secs(2),
        }
    }
}

/// What identifies an answer, in full: the normalized query, the caller's
/// security context and the data source. Entries are found by the whole
/// key (a hash only picks the bucket, and the key is compared on every
/// hit), so two callers' answers can never be confused by a hash collision.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey(Arc<str>);

impl CacheKey {
    /// The key of `normalized_query` for a caller with `security_context`
    /// on `data_source`.
    pub fn new(
        normalized_query: &serde_json::Value,
        security_context: Option<&serde_json::Value>,
        data_source: &str,
    ) -> CacheKey {
        // Length-prefixed parts: no part's text can pass for another's.
        let query = normalized_query.to_string();
        let context = security_context.map_or_else(|| "-".to_string(), |c| c.to_string());
        CacheKey(
            format!(
                "{}:{query}{}:{context}{}:{data_source}",
                query.len(),
                context.len(),
                data_source.len()
            )
            .into(),
        )
    }

    /// Bytes the key holds.
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Cached results.
pub struct ResultCache<S = std::collections::hash_map::RandomState> {
    entries: moka::sync::Cache<CacheKey, CachedResult, S>,
    config: CacheConfig,
}

impl<S> std::fmt::Debug for ResultCache<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResultCache")
            .field("entries", &self.entries.entry_count())
            .field("config", &self.config)
            .finish()
    }
}

impl ResultCache {
    /// An empty cache.
    pub fn new(config: CacheConfig) -> ResultCache {
        ResultCache::with_hasher(config, Default::default())
    }
}

impl<S: BuildHasher + Clone + Send + Sync + 'static> ResultCache<S> {
    /// An empty cache whose buckets are chosen by `hasher`.
    pub fn with_hasher(config: CacheConfig, hasher: S) -> ResultCache<S> {
        ResultCache {
            entries: moka::sync::Cache::builder()
                .max_capacity(config.max_bytes)
                .weigher(|k: &CacheKey, v: &CachedResult| {
                    u32::try_from(v.result.result.batch.get_array_memory_size() + k.len() + 512)
                        .unwrap_or(u32::MAX)
                })
                .time_to_live(config.max_stale)
                .build_with_hasher(hasher),
            config,
        }
    }

    /// The settings.
    pub fn config(&self) -> &CacheConfig {
        &self.config
    }

    /// An entry, fresh or stale.
    pub fn get(&self, key: &CacheKey) -> Option<CachedResult> {
        self.entries.get(key)
    }

    /// Stores an answer fresh for `ttl`.
    pub fn insert(&self, key: CacheKey, result: Arc<LoadResult>, ttl: Duration) -> CachedResult {
        let entry = CachedResult {
            result,
            computed_at: chrono::Utc::now(),
            created: Instant::now(),
            ttl,
        };
        self.entries.insert(key, entry.clone());
        entry
    }

    /// Bytes held now.
    #[cfg(test)]
    pub fn bytes(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.weighted_size()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::engine::LoadOptions;
    use crate::testing::orders_engine;

    #[tokio::test]
    async fn repeated_queries_come_from_memory_per_context() {
        let engine = orders_engine(1000)
            .result_cache(CacheConfig::default())
            .build();
        let q = crate::testing::q(
            json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"]}),
        );
        let alice = json!({"sub": "alice"});
        let bob = json!({"sub": "bob"});
        let as_alice = LoadOptions {
            cache: CacheMode::StaleIfSlow,
            security_context: Some(&alice),
            ..LoadOptions::default()
        };
        let first = engine.load_with(&q, &as_alice).await.unwrap();
        assert!(!first.from_cache);
        let second = engine.load_with(&q, &as_alice).await.unwrap();
        assert!(
            second.from_cache,
            "the same query and context is answered from memory"
        );
        assert_eq!(first.result.rows_json(), second.result.rows_json());
        let as_bob = LoadOptions {
            cache: CacheMode::StaleIfSlow,
            security_context: Some(&bob),
            ..LoadOptions::default()
        };
        assert!(
            !engine.load_with(&q, &as_bob).await.unwrap().from_cache,
            "another context never shares an entry"
        );
        let forced = LoadOptions {
            cache: CacheMode::NoCache,
            security_context: Some(&alice),
            ..LoadOptions::default()
        };
        assert!(!engine.load_with(&q, &forced).await.unwrap().from_cache);
        assert!(engine.result_cache().unwrap().bytes() > 0);
    }

    #[tokio::test]
    async fn stale_entries_are_revalidated() {
        let config = CacheConfig {
            default_ttl: Duration::from_millis(1),
            ..CacheConfig::default()
        };
        let engine = orders_engine(100).result_cache(config).build();
        let q = crate::testing::q(json!({"measures": ["Orders.count"]}));
        let must = LoadOptions {
            cache: CacheMode::MustRevalidate,
            ..LoadOptions::default()
        };
        engine.load_with(&q, &must).await.unwrap();
        std::thread::sleep(Duration::from_millis(5));
        assert!(
            !engine.load_with(&q, &must).await.unwrap().from_cache,
            "stale entries are not served"
        );
        std::thread::sleep(Duration::from_millis(5));
        let swr = LoadOptions {
            cache: CacheMode::StaleWhileRevalidate,
            ..LoadOptions::default()
        };
        assert!(
            engine.load_with(&q, &swr).await.unwrap().from_cache,
            "stale-while-revalidate answers at once"
        );
    }

    /// Sends every key to the same hash bucket: any two keys collide.
    #[derive(Clone, Default)]
    struct Colliding;

    impl BuildHasher for Colliding {
        type Hasher = Constant;
        fn build_hasher(&self) -> Constant {
            Constant
        }
    }

    struct Constant;

    impl std::hash::Hasher for Constant {
        fn finish(&self) -> u64 {
            7
        }
        fn write(&mut self, _bytes: &[u8]) {}
    }

    #[tokio::test]
    async fn colliding_keys_never_share_an_answer() {
        let engine = orders_engine(100).build();
        let q = json!({"measures": ["Orders.count"]});
        let answer = Arc::new(engine.load(&crate::testing::q(q.clone())).await.unwrap());
        let cache = ResultCache::with_hasher(CacheConfig::default(), Colliding);
        let alice = CacheKey::new(&q, Some(&json!({"tenant": "a"})), "default");
        let bob = CacheKey::new(&q, Some(&json!({"tenant": "b"})), "default");
        let other_source = CacheKey::new(&q, Some(&json!({"tenant": "a"})), "files");
        cache.insert(alice.clone(), answer, Duration::from_secs(60));
        assert!(cache.get(&alice).is_some());
        assert!(cache.get(&bob).is_none(), "a colliding key is another key");
        assert!(cache.get(&other_source).is_none());
        // Parts cannot run into each other.
        assert_ne!(
            CacheKey::new(&json!("a"), Some(&json!("b")), "c"),
            CacheKey::new(&json!("a\"b"), None, "c")
        );
    }

    #[test]
    fn parses_cube_cache_modes() {
        assert_eq!(CacheMode::parse("no-cache").unwrap(), CacheMode::NoCache);
        assert_eq!(
            CacheMode::parse("stale-while-revalidate").unwrap(),
            CacheMode::StaleWhileRevalidate
        );
        assert!(CacheMode::parse("sometimes")
            .unwrap_err()
            .0
            .contains("sometimes"));
    }
}
