//! A trusted gateway in front of Strata (`STRATA_TRUST_GATEWAY=true`): it may
//! name the caller with `X-Tenant-ID`, `X-User-ID` and `X-Org-ID`, but only
//! once it has proven itself, with the shared secret of
//! `STRATA_GATEWAY_SECRET` in `X-Gateway-Secret` (compared in constant time)
//! or with a token Strata verified. A header alone never chooses a tenant.
//!
//! Identity headers are refused when they are empty, blank, not text, too
//! long or sent twice, so that an empty `X-Tenant-ID` can never stand for
//! "no tenant" and two copies can never disagree about who is asking.

use axum::http::HeaderMap;
use subtle::ConstantTimeEq;

use crate::error::ApiError;

/// Header a trusted gateway names the tenant with.
pub const TENANT_HEADER: &str = "x-tenant-id";
/// Header a trusted gateway names the user with.
pub const USER_HEADER: &str = "x-user-id";
/// Header a trusted gateway names the organisation with.
pub const ORG_HEADER: &str = "x-org-id";
/// Header a gateway proves itself with (the value of `STRATA_GATEWAY_SECRET`).
pub const SECRET_HEADER: &str = "x-gateway-secret";

/// Every header that says who is asking; each may be sent at most once.
pub const IDENTITY_HEADERS: [&str; 6] = [
    "authorization",
    "x-cube-authorization",
    TENANT_HEADER,
    USER_HEADER,
    ORG_HEADER,
    SECRET_HEADER,
];

/// Longest accepted value of a gateway identity header.
pub const MAX_IDENTITY_LEN: usize = 256;

/// Shortest accepted `STRATA_GATEWAY_SECRET`.
pub const MIN_SECRET_LEN: usize = 16;

/// The identity a gateway named: `(header, value)` pairs, values trimmed.
pub type GatewayIdentity = Vec<(&'static str, String)>;

/// Refuses a request that sends any identity header more than once, or two
/// different tokens (`Authorization` and `x-cube-authorization`).
pub fn refuse_repeated_identity(headers: &HeaderMap) -> Result<(), ApiError> {
    for name in IDENTITY_HEADERS {
        if headers.get_all(name).iter().nth(1).is_some() {
            return Err(ApiError::bad_request(format!(
                "the {name} header is sent more than once; send it once"
            )));
        }
    }
    if let (Some(a), Some(b)) = (
        headers.get("authorization"),
        headers.get("x-cube-authorization"),
    ) {
        if a != b {
            return Err(ApiError::bad_request(
                "Authorization and x-cube-authorization carry different tokens; send one",
            ));
        }
    }
    Ok(())
}

/// The identity headers of the request (none is an empty list); an empty,
/// blank, non-text or overlong one is refused.
pub fn identity(headers: &HeaderMap) -> Result<GatewayIdentity, ApiError> {
    let mut out = Vec::new();
    for name in [TENANT_HEADER, USER_HEADER, ORG_HEADER] {
        let Some(value) = headers.get(name) else {
            continue;
        };
        let text = value
            .to_str()
            .map_err(|_| ApiError::bad_request(format!("the {name} header is not valid text")))?
            .trim();
        if text.is_empty() {
            return Err(ApiError::bad_request(format!(
                "the {name} header is empty; leave it out or name the caller"
            )));
        }
        if text.len() > MAX_IDENTITY_LEN {
            return Err(ApiError::bad_request(format!(
                "the {name} header is longer than {MAX_IDENTITY_LEN} bytes"
            )));
        }
        out.push((name, text.to_string()));
    }
    Ok(out)
}

/// Whether the request carries the gateway secret: `Ok(false)` when it sends
/// none, a 403 when it sends a wrong one.
pub fn proves_secret(expected: &str, headers: &HeaderMap) -> Result<bool, ApiError> {
    let Some(sent) = headers.get(SECRET_HEADER) else {
        return Ok(false);
    };
    // Lengths differ only when the secret is wrong; comparing the bytes in
    // constant time keeps its content from leaking through timing.
    if bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(true)
    } else {
        Err(ApiError::forbidden("Invalid gateway secret"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    #[test]
    fn repeated_identity_headers_are_refused() {
        for name in IDENTITY_HEADERS {
            let h = headers(&[(name, "one"), (name, "two")]);
            let err = refuse_repeated_identity(&h).expect_err(name);
            assert_eq!(err.status.as_u16(), 400);
            assert!(err.message.contains(name), "{}", err.message);
        }
        let h = headers(&[("authorization", "a"), ("x-cube-authorization", "b")]);
        assert!(refuse_repeated_identity(&h).is_err());
        let h = headers(&[("authorization", "a"), ("x-cube-authorization", "a")]);
        assert!(refuse_repeated_identity(&h).is_ok());
        assert!(refuse_repeated_identity(&headers(&[("x-other", "1"), ("x-other", "2")])).is_ok());
    }

    #[test]
    fn blank_and_overlong_identity_headers_are_refused() {
        for bad in ["", " ", "\t \t"] {
            for name in [TENANT_HEADER, USER_HEADER, ORG_HEADER] {
                let err = identity(&headers(&[(name, bad)])).expect_err("blank");
                assert_eq!(err.status.as_u16(), 400, "{name}={bad:?}");
            }
        }
        let long = "t".repeat(MAX_IDENTITY_LEN + 1);
        assert!(identity(&headers(&[(TENANT_HEADER, &long)])).is_err());
        let named =
            identity(&headers(&[(TENANT_HEADER, " acme "), (USER_HEADER, "u")])).expect("identity");
        assert_eq!(
            named,
            vec![
                (TENANT_HEADER, "acme".to_string()),
                (USER_HEADER, "u".into())
            ]
        );
    }

    #[test]
    fn the_secret_must_match_exactly() {
        let secret = "0123456789abcdef";
        assert!(!proves_secret(secret, &HeaderMap::new()).expect("absent"));
        assert!(proves_secret(secret, &headers(&[(SECRET_HEADER, secret)])).expect("match"));
        for wrong in [
            "",
            "0123456789abcde",
            "0123456789abcdeg",
            "0123456789abcdef0",
        ] {
            let err = proves_secret(secret, &headers(&[(SECRET_HEADER, wrong)])).expect_err(wrong);
            assert_eq!(err.status.as_u16(), 403);
        }
    }
}
