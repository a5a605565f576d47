//! Cube-compatible API authentication: HS256 JWTs signed with `CUBEJS_API_SECRET`.
//!
//! The token comes in `Authorization: <jwt>`, `Authorization: Bearer <jwt>` or
//! Cube's `x-cube-authorization` header. `exp` and `nbf` are checked when present
//! but not required (Cube's tokens often have no `exp`). Only HS256 is accepted.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use crate::error::ApiError;
use crate::state::AppState;

/// Message when no token is sent (Cube's wording).
pub const MISSING_HEADER_MESSAGE: &str = "Authorization header isn't set";

/// Message for any token that fails verification (Cube's wording).
pub const INVALID_TOKEN_MESSAGE: &str = "Invalid token";

/// The verified claims of the request's token (an empty object when the request
/// was let in without one, in dev mode). Put in the request extensions by
/// [`require_auth`].
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityContext(pub serde_json::Value);

impl SecurityContext {
    /// The context of a request served without a token.
    pub fn anonymous() -> Self {
        SecurityContext(serde_json::Value::Object(serde_json::Map::new()))
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No token was sent and one is required.
    #[error("Authorization header isn't set")]
    MissingHeader,
    /// The token could not be verified; the detail is logged, never sent.
    #[error("Invalid token")]
    InvalidToken {
        /// What was wrong (signature, expiry, format...).
        detail: String,
    },
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        ApiError::forbidden(e.to_string())
    }
}

/// How requests are authenticated.
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    /// HS256 secret tokens are signed with.
    pub api_secret: Option<String>,
    /// Dev mode: requests without a token are served.
    pub dev_mode: bool,
}

impl AuthSettings {
    /// Settings with a secret (if any) and the dev-mode flag.
    pub fn new(api_secret: Option<String>, dev_mode: bool) -> Self {
        AuthSettings {
            api_secret,
            dev_mode,
        }
    }

    /// Checks the request headers and returns the security context.
    ///
    /// * no token: refused unless in dev mode;
    /// * a token and a secret: the token must verify (even in dev mode);
    /// * a token and no secret: refused outside dev mode (nothing can verify it),
    ///   served anonymously in dev mode.
    pub fn authorize(&self, headers: &HeaderMap) -> Result<SecurityContext, AuthError> {
        let token = match extract_token(headers) {
            Ok(Some(t)) => t,
            Ok(None) if self.dev_mode => return Ok(SecurityContext::anonymous()),
            Ok(None) => return Err(AuthError::MissingHeader),
            Err(detail) => return Err(AuthError::InvalidToken { detail }),
        };
        match &self.api_secret {
            Some(secret) => verify_token(secret, &token)
                .map(SecurityContext)
                .map_err(|e| AuthError::InvalidToken {
                    detail: e.to_string(),
                }),
            None if self.dev_mode => Ok(SecurityContext::anonymous()),
            None => Err(AuthError::InvalidToken {
                detail: "no API secret is configured".into(),
            }),
        }
    }
}

/// Takes the token out of `x-cube-authorization` or `Authorization`, dropping a
/// scheme word (`Bearer`) as Cube does. `Ok(None)` when there is no token;
/// `Err` when the header is not text.
fn extract_token(headers: &HeaderMap) -> Result<Option<String>, String> {
    let value = headers
        .get("x-cube-authorization")
        .or_else(|| headers.get(axum::http::header::AUTHORIZATION));
    let Some(value) = value else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| "the Authorization header is not valid text".to_string())?
        .trim();
    let token = match text.split_once(' ') {
        Some((_scheme, rest)) => rest.trim(),
        None => text,
    };
    Ok((!token.is_empty()).then(|| token.to_string()))
}

/// Verifies an HS256 token against `secret` and returns its claims.
/// `exp` and `nbf` are honoured when present (no leeway); neither is required.
/// An empty secret verifies nothing.
pub fn verify_token(
    secret: &str,
    token: &str,
) -> Result<serde_json::Value, jsonwebtoken::errors::Error> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.algorithms = vec![Algorithm::HS256];
    validation.required_spec_claims.clear();
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.validate_aud = false;
    validation.leeway = 0;
    let data = jsonwebtoken::decode::<serde_json::Value>(
        token,
        &DecodingKey::from_secret(secret.as_bytes())?,
        &validation,
    )?;
    Ok(data.claims)
}

/// Middleware for `/cubejs-api/v1/*`: authorizes the request and stores its
/// [`SecurityContext`] in the request extensions, or answers 403.
pub async fn require_auth(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    match state.auth().authorize(req.headers()) {
        Ok(ctx) => {
            req.extensions_mut().insert(ctx);
            next.run(req).await
        }
        Err(e) => {
            if let AuthError::InvalidToken { detail } = &e {
                tracing::debug!(path = %req.uri().path(), %detail, "invalid token");
            }
            ApiError::from(e).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use jsonwebtoken::{encode, EncodingKey, Header};
    use serde_json::json;

    const SECRET: &str = "test-secret";

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    fn token(claims: serde_json::Value, secret: &str) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
        )
        .unwrap()
    }

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("authorization", HeaderValue::from_str(value).unwrap());
        h
    }

    fn prod() -> AuthSettings {
        AuthSettings::new(Some(SECRET.into()), false)
    }

    #[test]
    fn accepts_valid_token_without_bearer() {
        let t = token(json!({"tenant": "a"}), SECRET);
        let ctx = prod().authorize(&headers(&t)).unwrap();
        assert_eq!(ctx.0, json!({"tenant": "a"}));
    }

    #[test]
    fn accepts_valid_token_with_bearer() {
        let t = token(json!({"tenant": "b", "exp": now() + 3600}), SECRET);
        let ctx = prod().authorize(&headers(&format!("Bearer {t}"))).unwrap();
        assert_eq!(ctx.0["tenant"], "b");
    }

    #[test]
    fn accepts_x_cube_authorization() {
        let t = token(json!({"u": 1}), SECRET);
        let mut h = HeaderMap::new();
        h.insert("x-cube-authorization", HeaderValue::from_str(&t).unwrap());
        assert!(prod().authorize(&h).is_ok());
    }

    #[test]
    fn refuses_expired_token() {
        let t = token(json!({"exp": now() - 10}), SECRET);
        let err = prod().authorize(&headers(&t)).unwrap_err();
        assert!(matches!(err, AuthError::InvalidToken { .. }));
        assert_eq!(ApiError::from(err).message, INVALID_TOKEN_MESSAGE);
    }

    #[test]
    fn refuses_token_not_yet_valid() {
        let t = token(json!({"nbf": now() + 3600}), SECRET);
        assert!(matches!(
            prod().authorize(&headers(&t)),
            Err(AuthError::InvalidToken { .. })
        ));
    }

    #[test]
    fn refuses_wrong_secret() {
        let t = token(json!({"tenant": "a"}), "other-secret");
        assert!(matches!(
            prod().authorize(&headers(&t)),
            Err(AuthError::InvalidToken { .. })
        ));
    }

    #[test]
    fn refuses_alg_none() {
        use base64_url as b64;
        let header = b64::encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = b64::encode(br#"{"tenant":"a"}"#);
        let t = format!("{header}.{payload}.");
        assert!(matches!(
            prod().authorize(&headers(&t)),
            Err(AuthError::InvalidToken { .. })
        ));
    }

    #[test]
    fn refuses_other_algorithms() {
        let t = encode(
            &Header::new(Algorithm::HS512),
            &json!({"tenant": "a"}),
            &EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
        )
        .unwrap();
        assert!(matches!(
            prod().authorize(&headers(&t)),
            Err(AuthError::InvalidToken { .. })
        ));
    }

    #[test]
    fn refuses_garbage() {
        for bad in ["garbage", "Bearer not.a.jwt", "a.b.c", "Bearer "] {
            let err = prod().authorize(&headers(bad)).unwrap_err();
            let api = ApiError::from(err);
            assert_eq!(api.status.as_u16(), 403, "{bad}");
        }
    }

    #[test]
    fn missing_header() {
        let err = prod().authorize(&HeaderMap::new()).unwrap_err();
        assert_eq!(err, AuthError::MissingHeader);
        let api = ApiError::from(err);
        assert_eq!(api.status.as_u16(), 403);
        assert_eq!(api.message, MISSING_HEADER_MESSAGE);
    }

    #[test]
    fn dev_mode_serves_requests_without_header() {
        let dev = AuthSettings::new(Some(SECRET.into()), true);
        assert_eq!(
            dev.authorize(&HeaderMap::new()).unwrap(),
            SecurityContext::anonymous()
        );
        // A token that is sent is still verified.
        assert!(dev.authorize(&headers("garbage")).is_err());
        let t = token(json!({"tenant": "c"}), SECRET);
        assert_eq!(dev.authorize(&headers(&t)).unwrap().0["tenant"], "c");
    }

    #[test]
    fn dev_mode_without_secret() {
        let dev = AuthSettings::new(None, true);
        assert!(dev.authorize(&HeaderMap::new()).is_ok());
        assert!(dev.authorize(&headers("anything")).is_ok());
        let prod_no_secret = AuthSettings::new(None, false);
        assert!(prod_no_secret.authorize(&headers("anything")).is_err());
    }

    /// Minimal unpadded base64url encoder for hand-made tokens.
    mod base64_url {
        pub fn encode(bytes: &[u8]) -> String {
            const A: &[u8; 64] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut out = String::new();
            for chunk in bytes.chunks(3) {
                let b = [
                    chunk[0],
                    *chunk.get(1).unwrap_or(&0),
                    *chunk.get(2).unwrap_or(&0),
                ];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                let chars = chunk.len() + 1;
                for i in 0..chars {
                    out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
                }
            }
            out
        }
    }
}
