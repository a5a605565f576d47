//! Server configuration read from Cube's environment variables.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use strata_engine::PgConfig;

use crate::ai::{AnalystSettings, ConversationBackend};
use crate::setup::EngineSettings;
use crate::state::SecuritySettings;

/// Default directory of the data model (Cube's `CUBEJS_SCHEMA_PATH` default).
pub const DEFAULT_MODELS_DIR: &str = "model";

/// Default HTTP port (Cube's `PORT` default).
pub const DEFAULT_PORT: u16 = 4000;

/// Everything [`crate::start`] needs to run a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Directory holding the YAML data model (`CUBEJS_SCHEMA_PATH`, default `model`).
    pub models_dir: PathBuf,
    /// Address to listen on (`0.0.0.0:$PORT`, default port 4000).
    pub listen: SocketAddr,
    /// Secret that API tokens are signed with (HS256), `CUBEJS_API_SECRET`.
    pub api_secret: Option<String>,
    /// Development mode (`CUBEJS_DEV_MODE=true`): requests without a token are served.
    pub dev_mode: bool,
    /// Postgres connection settings, when `CUBEJS_DB_TYPE=postgres`.
    pub db: Option<PgConfig>,
    /// Demo, file data sources, rollups and the result cache.
    pub engine: EngineSettings,
    /// JWKS file with the public keys of RS256/ES256 tokens (`STRATA_JWKS_FILE`).
    pub jwks_file: Option<PathBuf>,
    /// Required token issuer (`CUBEJS_JWT_ISSUER`).
    pub jwt_issuer: Option<String>,
    /// Required token audience (`CUBEJS_JWT_AUDIENCE`).
    pub jwt_audience: Option<String>,
    /// Tenancy, tenant routing and rate limits.
    pub security: SecuritySettings,
    /// AI analytics: data directory, conversation store and LLM endpoint.
    pub ai: AnalystSettings,
    /// Connection limits and timeouts.
    pub http: crate::connections::HttpLimits,
    /// Directory of extra chart plugins (`STRATA_PLUGINS_DIR`); see [`crate::plugins`].
    pub plugins_dir: Option<PathBuf>,
}

/// A configuration problem found while reading the environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// An environment variable holds a value that cannot be used.
    #[error("invalid value `{value}` for {name}: {reason}")]
    InvalidVar {
        /// Variable name.
        name: String,
        /// The value found.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// `CUBEJS_DB_TYPE` names a database Strata cannot talk to.
    #[error("unsupported CUBEJS_DB_TYPE `{0}`: only `postgres` is supported")]
    UnsupportedDbType(String),
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            models_dir: PathBuf::from(DEFAULT_MODELS_DIR),
            listen: SocketAddr::from((Ipv4Addr::UNSPECIFIED, DEFAULT_PORT)),
            api_secret: None,
            dev_mode: false,
            db: None,
            engine: EngineSettings::default(),
            jwks_file: None,
            jwt_issuer: None,
            jwt_audience: None,
            security: SecuritySettings::default(),
            ai: AnalystSettings::default(),
            http: crate::connections::HttpLimits::default(),
            plugins_dir: None,
        }
    }
}

impl ServerConfig {
    /// Reads the configuration from the process environment
    /// (`CUBEJS_SCHEMA_PATH`, `PORT`, `CUBEJS_API_SECRET`, `CUBEJS_DEV_MODE`,
    /// `CUBEJS_DB_TYPE`, `CUBEJS_DB_HOST`, `CUBEJS_DB_PORT`, `CUBEJS_DB_NAME`,
    /// `CUBEJS_DB_USER`, `CUBEJS_DB_PASS`, `CUBEJS_DB_MAX_POOL`,
    /// `CUBEJS_DB_QUERY_TIMEOUT`).
    pub fn from_env() -> Result<ServerConfig, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (variable name → value), so that
    /// it can be built from any source, e.g. a map in tests.
    pub fn from_lookup<F>(lookup: F) -> Result<ServerConfig, ConfigError>
    where
        F: Fn(&str) -> Option<String>,
    {
        // Empty variables count as unset, as in Cube.
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let models_dir = get("CUBEJS_SCHEMA_PATH")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_MODELS_DIR));
        let port = match get("PORT") {
            Some(v) => parse_port("PORT", &v)?,
            None => DEFAULT_PORT,
        };
        let dev_mode = match get("CUBEJS_DEV_MODE") {
            Some(v) => parse_bool("CUBEJS_DEV_MODE", &v)?,
            None => false,
        };
        let db = match get("CUBEJS_DB_TYPE") {
            None => None,
            Some(t) if t.trim().eq_ignore_ascii_case("postgres") => Some(pg_config(&get)?),
            Some(other) => return Err(ConfigError::UnsupportedDbType(other)),
        };
        let mut engine = EngineSettings {
            data_sources: get("STRATA_DATA_SOURCES").map(PathBuf::from),
            ..EngineSettings::default()
        };
        if let Some(v) = get("STRATA_ROLLUP_MAX_BYTES") {
            engine.rollup_max_bytes = v.trim().parse().map_err(|_| {
                invalid("STRATA_ROLLUP_MAX_BYTES", &v, "expected a number of bytes")
            })?;
        }
        for (var, field) in [
            ("STRATA_MAX_QUERY_MEMBERS", &mut engine.limits.max_members),
            (
                "STRATA_MAX_QUERY_JOINS",
                &mut engine.limits.max_joined_cubes,
            ),
            (
                "STRATA_MAX_FILTER_CONDITIONS",
                &mut engine.limits.max_filter_conditions,
            ),
            (
                "STRATA_MAX_FILTER_VALUES",
                &mut engine.limits.max_filter_values,
            ),
            (
                "STRATA_MAX_TIME_SERIES_BUCKETS",
                &mut engine.limits.max_time_series_buckets,
            ),
            (
                "STRATA_MAX_COMPARE_RANGES",
                &mut engine.limits.max_compare_ranges,
            ),
        ] {
            if let Some(v) = get(var) {
                *field = v
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| invalid(var, &v, "expected a positive whole number"))?;
            }
        }
        if let Some(v) = get("STRATA_CACHE") {
            if !parse_bool("STRATA_CACHE", &v)? {
                engine.cache = None;
            }
        }
        if let (Some(cache), Some(v)) = (engine.cache.as_mut(), get("STRATA_CACHE_MAX_BYTES")) {
            cache.max_bytes = v
                .trim()
                .parse()
                .map_err(|_| invalid("STRATA_CACHE_MAX_BYTES", &v, "expected a number of bytes"))?;
        }
        if let (Some(cache), Some(v)) = (engine.cache.as_mut(), get("STRATA_CACHE_TTL")) {
            cache.default_ttl = parse_duration(&v).ok_or_else(|| {
                invalid(
                    "STRATA_CACHE_TTL",
                    &v,
                    "expected a duration such as `10s` or `5m`",
                )
            })?;
        }
        engine.datafusion = datafusion_limits(&get)?;
        let ai = ai_settings(&get, db.as_ref())?;
        Ok(ServerConfig {
            models_dir,
            listen: SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
            api_secret: get("CUBEJS_API_SECRET"),
            dev_mode,
            db,
            engine,
            jwks_file: get("STRATA_JWKS_FILE").map(PathBuf::from),
            jwt_issuer: get("CUBEJS_JWT_ISSUER"),
            jwt_audience: get("CUBEJS_JWT_AUDIENCE"),
            security: security_settings(&get)?,
            ai,
            http: http_limits(&get)?,
            plugins_dir: get("STRATA_PLUGINS_DIR").map(PathBuf::from),
        })
    }
}

/// What DataFusion queries may use together: `STRATA_DATAFUSION_MEMORY`
/// (bytes, or with a suffix such as `512MB`), `STRATA_DATAFUSION_CONCURRENCY`
/// (queries at once) and `STRATA_DATAFUSION_QUEUE_TIMEOUT` (how long a query
/// waits for its turn).
fn datafusion_limits(
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<strata_engine::DataFusionLimits, ConfigError> {
    let mut limits = strata_engine::DataFusionLimits::default();
    if let Some(v) = get("STRATA_DATAFUSION_MEMORY") {
        limits.memory_bytes = parse_bytes(&v)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                invalid(
                    "STRATA_DATAFUSION_MEMORY",
                    &v,
                    "expected a positive size such as `536870912`, `512MB` or `2GB`",
                )
            })?;
    }
    if let Some(v) = get("STRATA_DATAFUSION_CONCURRENCY") {
        limits.concurrency = v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
            invalid(
                "STRATA_DATAFUSION_CONCURRENCY",
                &v,
                "expected a positive whole number",
            )
        })?;
    }
    if let Some(v) = get("STRATA_DATAFUSION_QUEUE_TIMEOUT") {
        limits.queue_timeout = parse_duration(&v).ok_or_else(|| {
            invalid(
                "STRATA_DATAFUSION_QUEUE_TIMEOUT",
                &v,
                "expected a duration such as `10s` or `1m`",
            )
        })?;
    }
    Ok(limits)
}

/// Parses a size in bytes: a number, optionally followed by a unit `B`,
/// `K`/`KB`/`KiB`, `M`/`MB`/`MiB`, `G`/`GB`/`GiB` or `T`/`TB`/`TiB`
/// (powers of 1024 in every spelling, as memory is counted; any case).
fn parse_bytes(value: &str) -> Option<u64> {
    let v = value.trim();
    let (number, unit) = v.split_at(v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len()));
    let n: u64 = number.parse().ok()?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return None,
    };
    n.checked_mul(1u64 << shift)
}

/// Tenancy claims, gateway trust, tenant routing and rate limits.
fn security_settings(
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<SecuritySettings, ConfigError> {
    let mut s = SecuritySettings::default();
    let t = &mut s.tenancy;
    for (var, field) in [
        ("STRATA_TENANT_CLAIM", &mut t.tenant_claim),
        ("STRATA_USER_CLAIM", &mut t.user_claim),
        ("STRATA_ORG_CLAIM", &mut t.org_claim),
        ("STRATA_GROUPS_CLAIM", &mut t.groups_claim),
    ] {
        if let Some(v) = get(var) {
            *field = v.trim().to_string();
        }
    }
    if let Some(v) = get("STRATA_TRUST_GATEWAY") {
        t.trust_gateway = parse_bool("STRATA_TRUST_GATEWAY", &v)?;
    }
    if let Some(v) = get("STRATA_GATEWAY_SECRET") {
        if v.len() < crate::gateway::MIN_SECRET_LEN {
            return Err(invalid(
                "STRATA_GATEWAY_SECRET",
                "(hidden)",
                &format!(
                    "the gateway secret must be at least {} characters",
                    crate::gateway::MIN_SECRET_LEN
                ),
            ));
        }
        t.gateway_secret = Some(v);
    }
    let number = |name: &str, default: u32| -> Result<u32, ConfigError> {
        match get(name) {
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| invalid(name, &v, "expected a whole number (0 turns it off)")),
            None => Ok(default),
        }
    };
    s.rate_limits.load_per_minute =
        number("STRATA_RATE_LOAD_PER_MINUTE", s.rate_limits.load_per_minute)?;
    let capacity = get("STRATA_MAX_INFLIGHT").is_some();
    let a = &mut s.admission;
    a.capacity = number("STRATA_MAX_INFLIGHT", a.capacity as u32)?.max(1) as usize;
    if capacity {
        // Tenant and user shares follow the capacity unless set themselves.
        a.per_tenant = (a.capacity / 2).max(1);
        a.per_user = (a.capacity / 4).max(1);
    }
    a.per_tenant = number("STRATA_MAX_INFLIGHT_PER_TENANT", a.per_tenant as u32)?.max(1) as usize;
    a.per_user = number("STRATA_MAX_INFLIGHT_PER_USER", a.per_user as u32)?.max(1) as usize;
    if let Some(v) = get("STRATA_QUEUE_TIMEOUT") {
        a.max_wait = parse_duration(&v).ok_or_else(|| {
            invalid(
                "STRATA_QUEUE_TIMEOUT",
                &v,
                "expected a duration such as `20s`",
            )
        })?;
    }
    s.rate_limits.ai_per_hour = number("STRATA_RATE_AI_PER_HOUR", s.rate_limits.ai_per_hour)?;
    for (var, field) in [
        ("STRATA_TENANT_SCHEMA", &mut s.routing.schema),
        ("STRATA_TENANT_DATABASE", &mut s.routing.database),
    ] {
        if let Some(v) = get(var) {
            let template = v.trim();
            crate::tenant_engines::TenantRouting::check_template(template)
                .map_err(|why| invalid(var, &v, &why))?;
            *field = Some(template.to_string());
        }
    }
    let positive = |name: &str, default: usize| -> Result<usize, ConfigError> {
        match get(name) {
            Some(v) => v
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| invalid(name, &v, "expected a positive whole number")),
            None => Ok(default),
        }
    };
    s.routing.pool_size = positive("STRATA_TENANT_POOL_SIZE", s.routing.pool_size)?;
    s.routing.max_connections =
        positive("STRATA_TENANT_MAX_CONNECTIONS", s.routing.max_connections)?;
    if let Some(v) = get("STRATA_TENANT_IDLE_TIMEOUT") {
        s.routing.idle_timeout = parse_duration(&v).ok_or_else(|| {
            invalid(
                "STRATA_TENANT_IDLE_TIMEOUT",
                &v,
                "expected a duration such as `30s` or `5m`",
            )
        })?;
    }
    Ok(s)
}

/// `STRATA_HTTP_HEADER_TIMEOUT` and `STRATA_HTTP_MAX_CONNECTIONS`.
fn http_limits(
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<crate::connections::HttpLimits, ConfigError> {
    let mut limits = crate::connections::HttpLimits::default();
    if let Some(v) = get("STRATA_HTTP_HEADER_TIMEOUT") {
        limits.header_timeout = parse_duration(&v).ok_or_else(|| {
            invalid(
                "STRATA_HTTP_HEADER_TIMEOUT",
                &v,
                "expected a duration such as `15s`",
            )
        })?;
    }
    if let Some(v) = get("STRATA_HTTP_MAX_CONNECTIONS") {
        limits.max_connections = v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
            invalid(
                "STRATA_HTTP_MAX_CONNECTIONS",
                &v,
                "expected a positive whole number",
            )
        })?;
    }
    Ok(limits)
}

/// `STRATA_DATA_DIR`, `STRATA_CONVERSATIONS` (`file` or `postgres`; the
/// default is `postgres` when `CUBEJS_DB_TYPE=postgres`, else `file`) and
/// the LLM endpoint (`STRATA_LLM_BASE_URL`, `STRATA_LLM_MODEL`...).
fn ai_settings(
    get: &dyn Fn(&str) -> Option<String>,
    db: Option<&PgConfig>,
) -> Result<AnalystSettings, ConfigError> {
    let mut ai = AnalystSettings::default();
    if let Some(dir) = get("STRATA_DATA_DIR") {
        ai.data_dir = PathBuf::from(dir.trim());
    }
    ai.conversations = match (get("STRATA_CONVERSATIONS"), db) {
        (None, Some(db)) => ConversationBackend::Postgres(db.clone()),
        (None, None) => ConversationBackend::File,
        (Some(v), db) => match (v.trim().to_ascii_lowercase().as_str(), db) {
            ("file", _) => ConversationBackend::File,
            ("postgres", Some(db)) => ConversationBackend::Postgres(db.clone()),
            ("postgres", None) => {
                return Err(invalid(
                    "STRATA_CONVERSATIONS",
                    &v,
                    "`postgres` needs a database (CUBEJS_DB_TYPE=postgres)",
                ))
            }
            _ => {
                return Err(invalid(
                    "STRATA_CONVERSATIONS",
                    &v,
                    "expected `file` or `postgres`",
                ))
            }
        },
    };
    ai.llm = strata_llm::LlmConfig::from_vars(get);
    Ok(ai)
}

fn pg_config(get: &dyn Fn(&str) -> Option<String>) -> Result<PgConfig, ConfigError> {
    let mut cfg = PgConfig::default();
    if let Some(host) = get("CUBEJS_DB_HOST") {
        cfg.host = host;
    }
    if let Some(port) = get("CUBEJS_DB_PORT") {
        cfg.port = parse_port("CUBEJS_DB_PORT", &port)?;
    }
    if let Some(name) = get("CUBEJS_DB_NAME") {
        cfg.dbname = name;
    }
    if let Some(user) = get("CUBEJS_DB_USER") {
        cfg.user = user;
    }
    if let Some(pass) = get("CUBEJS_DB_PASS") {
        cfg.password = Some(pass);
    }
    if let Some(pool) = get("CUBEJS_DB_MAX_POOL") {
        cfg.pool_size = match pool.trim().parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                return Err(invalid(
                    "CUBEJS_DB_MAX_POOL",
                    &pool,
                    "expected a positive integer",
                ))
            }
        };
    }
    if let Some(timeout) = get("CUBEJS_DB_QUERY_TIMEOUT") {
        cfg.query_timeout = parse_duration(&timeout).ok_or_else(|| {
            invalid(
                "CUBEJS_DB_QUERY_TIMEOUT",
                &timeout,
                "expected a duration such as `30s`, `10m`, `1h` or a number of seconds",
            )
        })?;
    }
    Ok(cfg)
}

/// Parses a duration of at least a millisecond: a bare number of seconds
/// (`90`, as Cube's settings take it) or `humantime`'s form (`30s`, `10m`,
/// `5 min`, `1h`, `1h 30m`, `500ms`). Shorter ones are refused, as zero is:
/// PostgreSQL's `statement_timeout` counts milliseconds and 0 turns it off.
fn parse_duration(value: &str) -> Option<Duration> {
    let v = value.trim();
    let d = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        Duration::from_secs(v.parse().ok()?)
    } else {
        humantime::parse_duration(v).ok()?
    };
    (d >= Duration::from_millis(1)).then_some(d)
}

fn parse_port(name: &str, value: &str) -> Result<u16, ConfigError> {
    value
        .trim()
        .parse::<u16>()
        .map_err(|_| invalid(name, value, "expected a port number (0-65535)"))
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(invalid(name, value, "expected `true` or `false`")),
    }
}

fn invalid(name: &str, value: &str, reason: &str) -> ConfigError {
    ConfigError::InvalidVar {
        name: name.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<ServerConfig, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ServerConfig::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults() {
        let c = config(&[]).unwrap();
        assert_eq!(c.models_dir, PathBuf::from("model"));
        assert_eq!(c.listen.port(), 4000);
        assert!(c.listen.ip().is_unspecified());
        assert!(c.api_secret.is_none());
        assert!(!c.dev_mode);
        assert!(c.db.is_none());
    }

    #[test]
    fn hardening_defaults_and_variables() {
        let c = config(&[]).unwrap();
        assert_eq!(
            c.security.rate_limits.load_per_minute, 6_000,
            "on by default"
        );
        assert_eq!(c.security.admission.per_tenant, 8);
        assert_eq!(c.http.header_timeout, Duration::from_secs(15));
        assert!(c.security.tenancy.gateway_secret.is_none());
        let c = config(&[
            ("STRATA_TRUST_GATEWAY", "true"),
            ("STRATA_GATEWAY_SECRET", "0123456789abcdef"),
            ("STRATA_MAX_INFLIGHT", "32"),
            ("STRATA_MAX_INFLIGHT_PER_USER", "2"),
            ("STRATA_QUEUE_TIMEOUT", "5s"),
            ("STRATA_HTTP_HEADER_TIMEOUT", "3s"),
            ("STRATA_HTTP_MAX_CONNECTIONS", "100"),
            ("STRATA_TENANT_SCHEMA", "tenant_{tenant}"),
            ("STRATA_TENANT_MAX_CONNECTIONS", "20"),
            ("STRATA_TENANT_IDLE_TIMEOUT", "1m"),
            ("STRATA_MAX_TIME_SERIES_BUCKETS", "500"),
        ])
        .unwrap();
        assert!(c.security.tenancy.trust_gateway);
        assert_eq!(c.security.admission.capacity, 32);
        assert_eq!(c.security.admission.per_tenant, 16, "follows the capacity");
        assert_eq!(c.security.admission.per_user, 2);
        assert_eq!(c.security.admission.max_wait, Duration::from_secs(5));
        assert_eq!(c.http.header_timeout, Duration::from_secs(3));
        assert_eq!(c.http.max_connections, 100);
        assert_eq!(c.security.routing.max_connections, 20);
        assert_eq!(c.security.routing.idle_timeout, Duration::from_secs(60));
        assert_eq!(c.engine.limits.max_time_series_buckets, 500);
        for (var, value) in [
            ("STRATA_GATEWAY_SECRET", "short"),
            ("STRATA_TENANT_SCHEMA", "Tenant_{tenant}"),
            ("STRATA_TENANT_SCHEMA", "tenant"),
            ("STRATA_HTTP_MAX_CONNECTIONS", "0"),
            ("STRATA_TENANT_IDLE_TIMEOUT", "soon"),
        ] {
            let err = config(&[(var, value)]).expect_err(var);
            assert!(err.to_string().contains(var), "{err}");
            assert!(
                !err.to_string().contains("short"),
                "the secret is not echoed: {err}"
            );
        }
    }

    #[test]
    fn reads_variables() {
        let c = config(&[
            ("CUBEJS_SCHEMA_PATH", "schema"),
            ("PORT", "4100"),
            ("CUBEJS_API_SECRET", "s3cret"),
            ("CUBEJS_DEV_MODE", "true"),
            ("CUBEJS_DB_TYPE", "postgres"),
            ("CUBEJS_DB_HOST", "db.local"),
            ("CUBEJS_DB_PORT", "6543"),
            ("CUBEJS_DB_NAME", "shop"),
            ("CUBEJS_DB_USER", "reader"),
            ("CUBEJS_DB_PASS", "pw"),
        ])
        .unwrap();
        assert_eq!(c.models_dir, PathBuf::from("schema"));
        assert_eq!(c.listen.port(), 4100);
        assert_eq!(c.api_secret.as_deref(), Some("s3cret"));
        assert!(c.dev_mode);
        let db = c.db.unwrap();
        assert_eq!(db.host, "db.local");
        assert_eq!(db.port, 6543);
        assert_eq!(db.dbname, "shop");
        assert_eq!(db.user, "reader");
        assert_eq!(db.password.as_deref(), Some("pw"));
    }

    #[test]
    fn rejects_unsupported_db_type() {
        let err = config(&[("CUBEJS_DB_TYPE", "mysql")]).unwrap_err();
        assert_eq!(err, ConfigError::UnsupportedDbType("mysql".into()));
        assert!(err.to_string().contains("mysql"));
    }

    #[test]
    fn query_timeout() {
        let c = config(&[
            ("CUBEJS_DB_TYPE", "postgres"),
            ("CUBEJS_DB_QUERY_TIMEOUT", "10m"),
        ])
        .unwrap();
        assert_eq!(c.db.unwrap().query_timeout, Duration::from_secs(600));
        assert_eq!(parse_duration("45"), Some(Duration::from_secs(45)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("soon"), None);
        // Every form read before: bare seconds, a unit with or without a
        // space, short and long unit names.
        for (text, secs) in [
            ("30s", 30),
            (" 30s ", 30),
            ("5 min", 300),
            ("2 mins", 120),
            ("10 minutes", 600),
            ("1 hour", 3600),
            ("3hours", 10_800),
            ("20 sec", 20),
            ("1 second", 1),
        ] {
            assert_eq!(
                parse_duration(text),
                Some(Duration::from_secs(secs)),
                "{text}"
            );
        }
        for text in [
            "0",
            "0s",
            "",
            "  ",
            "-5s",
            "5x",
            "s",
            "1 fortnight",
            "500us",
        ] {
            assert_eq!(parse_duration(text), None, "{text}");
        }
        // humantime's further forms.
        assert_eq!(parse_duration("1h 30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2d"), Some(Duration::from_secs(172_800)));
        assert!(config(&[
            ("CUBEJS_DB_TYPE", "postgres"),
            ("CUBEJS_DB_QUERY_TIMEOUT", "x")
        ])
        .is_err());
    }

    #[test]
    fn ai_settings_from_variables() {
        let c = config(&[]).unwrap();
        assert_eq!(c.ai.conversations, ConversationBackend::File);
        assert_eq!(c.ai.data_dir, PathBuf::from(".strata-data"));
        assert!(c.ai.llm.is_none());

        let c = config(&[
            ("CUBEJS_DB_TYPE", "postgres"),
            ("STRATA_DATA_DIR", "/var/lib/strata"),
            ("STRATA_LLM_BASE_URL", "http://localhost:11434/v1"),
            ("STRATA_LLM_MODEL", "llama3.1"),
        ])
        .unwrap();
        assert!(matches!(
            c.ai.conversations,
            ConversationBackend::Postgres(_)
        ));
        assert_eq!(c.ai.data_dir, PathBuf::from("/var/lib/strata"));
        assert_eq!(c.ai.llm.map(|l| l.model).as_deref(), Some("llama3.1"));

        let c = config(&[
            ("CUBEJS_DB_TYPE", "postgres"),
            ("STRATA_CONVERSATIONS", "file"),
        ])
        .unwrap();
        assert_eq!(c.ai.conversations, ConversationBackend::File);
        for bad in [
            vec![("STRATA_CONVERSATIONS", "postgres")],
            vec![("STRATA_CONVERSATIONS", "redis")],
        ] {
            let err = config(&bad).unwrap_err();
            assert!(err.to_string().contains("STRATA_CONVERSATIONS"), "{err}");
        }
    }

    #[test]
    fn datafusion_limits_from_variables() {
        let c = config(&[]).unwrap();
        assert_eq!(
            c.engine.datafusion,
            strata_engine::DataFusionLimits::default()
        );
        assert_eq!(c.engine.datafusion.memory_bytes, 512 << 20);
        assert!(c.engine.datafusion.concurrency >= 1);

        let c = config(&[
            ("STRATA_DATAFUSION_MEMORY", "256MB"),
            ("STRATA_DATAFUSION_CONCURRENCY", "3"),
            ("STRATA_DATAFUSION_QUEUE_TIMEOUT", "2m"),
        ])
        .unwrap();
        assert_eq!(c.engine.datafusion.memory_bytes, 256 << 20);
        assert_eq!(c.engine.datafusion.concurrency, 3);
        assert_eq!(c.engine.datafusion.queue_timeout, Duration::from_secs(120));

        for (text, bytes) in [
            ("1048576", 1 << 20),
            ("64k", 64 << 10),
            ("2 GiB", 2 << 30),
            ("1gb", 1 << 30),
            ("100GB", 100u64 << 30),
        ] {
            assert_eq!(parse_bytes(text), Some(bytes), "{text}");
        }
        for bad in [
            ("STRATA_DATAFUSION_MEMORY", "0"),
            ("STRATA_DATAFUSION_MEMORY", "lots"),
            ("STRATA_DATAFUSION_MEMORY", "5PB"),
            ("STRATA_DATAFUSION_MEMORY", "-1MB"),
            ("STRATA_DATAFUSION_MEMORY", "99999999999999999999"),
            ("STRATA_DATAFUSION_CONCURRENCY", "0"),
            ("STRATA_DATAFUSION_CONCURRENCY", "many"),
            ("STRATA_DATAFUSION_QUEUE_TIMEOUT", "never"),
        ] {
            let err = config(&[bad]).unwrap_err();
            assert!(err.to_string().contains(bad.0), "{bad:?}: {err}");
        }
    }

    #[test]
    fn rejects_bad_port() {
        let err = config(&[("PORT", "http")]).unwrap_err();
        assert!(err.to_string().contains("PORT"), "{err}");
    }
}
