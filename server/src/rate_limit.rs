//! Per-user rate limits (token buckets, via `governor`): beyond its quota a
//! caller gets HTTP 429 with `Retry-After`.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// Quotas per user (JWT `sub`, else tenant); 0 turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// `/load`, `/sql`, `/dry-run` and `/meta` requests a minute
    /// (`STRATA_RATE_LOAD_PER_MINUTE`; default 6,000, a burst of 6,000 then
    /// 100 a second; 0 turns it off).
    pub load_per_minute: u32,
    /// AI analytics requests an hour (`STRATA_RATE_AI_PER_HOUR`; default 100).
    pub ai_per_hour: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            load_per_minute: 6_000,
            ai_per_hour: 100,
        }
    }
}

/// Which quota a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateClass {
    /// The Cube REST API.
    Load,
    /// The AI analytics API.
    Ai,
}

/// The limiters of one server.
pub struct RateLimits {
    load: Option<DefaultKeyedRateLimiter<String>>,
    ai: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("load", &self.load.is_some())
            .field("ai", &self.ai.is_some())
            .finish()
    }
}

impl RateLimits {
    /// Limiters for `settings`. A quota of `n` per period allows a burst of
    /// `n` and refills evenly over the period.
    pub fn new(settings: RateLimitSettings) -> Self {
        let keyed = |n: u32, period: Duration| {
            let n = NonZeroU32::new(n)?;
            let quota = Quota::with_period(period / n.get())?.allow_burst(n);
            Some(RateLimiter::dashmap(quota))
        };
        RateLimits {
            load: keyed(settings.load_per_minute, Duration::from_secs(60)),
            ai: keyed(settings.ai_per_hour, Duration::from_secs(3600)),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one request of `key`; a 429 error (with the seconds to wait)
    /// when its quota is spent.
    pub fn check(&self, class: RateClass, key: &str) -> Result<(), ApiError> {
        let limiter = match class {
            RateClass::Load => &self.load,
            RateClass::Ai => &self.ai,
        };
        let Some(limiter) = limiter else {
            return Ok(());
        };
        match limiter.check_key(&key.to_string()) {
            Ok(()) => {
                // Keep the table of keys from growing without bound.
                if limiter.len() > 100_000 {
                    limiter.retain_recent();
                }
                Ok(())
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Err(ApiError::too_many_requests(secs.max(1)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_beyond_the_quota_per_key() {
        let limits = RateLimits::new(RateLimitSettings {
            load_per_minute: 0,
            ai_per_hour: 3,
        });
        for _ in 0..3 {
            assert!(limits.check(RateClass::Ai, "user:a").is_ok());
        }
        let err = limits
            .check(RateClass::Ai, "user:a")
            .expect_err("over quota");
        assert_eq!(err.status.as_u16(), 429);
        // 3 an hour refill one every 20 minutes.
        let retry = err.retry_after.expect("Retry-After");
        assert!((1..=1200).contains(&retry), "{retry}");
        // Another user has their own bucket; /load is unlimited.
        assert!(limits.check(RateClass::Ai, "user:b").is_ok());
        for _ in 0..1000 {
            assert!(limits.check(RateClass::Load, "user:a").is_ok());
        }
    }
}
