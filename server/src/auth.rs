//! Cube-compatible API authentication: JWTs signed with HS256 and
//! `CUBEJS_API_SECRET`, or with RS256/ES256 (and the other asymmetric JOSE
//! algorithms) by a key of a JWKS file.
//!
//! The token comes in `Authorization: <jwt>`, `Authorization: Bearer <jwt>` or
//! Cube's `x-cube-authorization` header. `exp` and `nbf` are checked when present
//! but not required (Cube's tokens often have no `exp`); `iss` and `aud` when
//! configured. `alg: none` is never accepted, and there is no algorithm
//! confusion: an HMAC token is only ever checked with the API secret, an
//! asymmetric one only with a JWKS key of the same algorithm.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use crate::error::ApiError;
use crate::gateway;
use crate::rate_limit::RateClass;
use crate::state::AppState;
use crate::tenancy::Caller;

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
    /// Public keys for asymmetric tokens (`STRATA_JWKS_FILE`).
    pub jwks: Option<Arc<JwkSet>>,
    /// Required `iss` (`CUBEJS_JWT_ISSUER`).
    pub issuer: Option<String>,
    /// Required `aud` (`CUBEJS_JWT_AUDIENCE`).
    pub audience: Option<String>,
}

impl AuthSettings {
    /// Settings with a secret (if any) and the dev-mode flag.
    pub fn new(api_secret: Option<String>, dev_mode: bool) -> Self {
        AuthSettings {
            api_secret,
            dev_mode,
            ..AuthSettings::default()
        }
    }

    /// Reads a JWKS file (`{"keys": [...]}`) for asymmetric tokens.
    pub fn load_jwks(path: &std::path::Path) -> Result<JwkSet, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the JWKS file {}: {e}", path.display()))?;
        serde_json::from_str(&text)
            .map_err(|e| format!("the JWKS file {} is not a key set: {e}", path.display()))
    }

    /// Whether tokens can be verified at all (a secret or a JWKS is set).
    pub fn can_verify(&self) -> bool {
        self.api_secret.as_deref().is_some_and(|s| !s.is_empty()) || self.jwks.is_some()
    }

    /// Verifies a token with the key its algorithm calls for and returns its claims.
    pub fn verify(&self, token: &str) -> Result<serde_json::Value, String> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
        let key = match header.alg {
            Algorithm::HS256 => {
                let secret = self
                    .api_secret
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .ok_or("HS256 tokens need CUBEJS_API_SECRET")?;
                DecodingKey::from_secret(secret.as_bytes()).map_err(|e| e.to_string())?
            }
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512
            | Algorithm::ES256
            | Algorithm::ES384
            | Algorithm::EdDSA => {
                let jwks = self.jwks.as_deref().ok_or("no JWKS is configured")?;
                let jwk = match &header.kid {
                    Some(kid) => jwks.find(kid),
                    None if jwks.keys.len() == 1 => jwks.keys.first(),
                    None => None,
                }
                .ok_or("no JWKS key matches the token's kid")?;
                if let Some(alg) = jwk.common.key_algorithm {
                    if format!("{alg:?}") != format!("{:?}", header.alg) {
                        return Err(format!(
                            "the key is for {alg:?}, the token says {:?}",
                            header.alg
                        ));
                    }
                }
                DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?
            }
            other => return Err(format!("algorithm {other:?} is not accepted")),
        };
        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.required_spec_claims.clear();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = 0;
        match &self.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        if let Some(iss) = &self.issuer {
            validation.set_issuer(&[iss]);
            validation.required_spec_claims.insert("iss".into());
        }
        if self.audience.is_some() {
            validation.required_spec_claims.insert("aud".into());
        }
        jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)
            .map(|d| d.claims)
            .map_err(|e| e.to_string())
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
        if self.api_secret.is_none() && self.jwks.is_none() {
            return if self.dev_mode {
                Ok(SecurityContext::anonymous())
            } else {
                Err(AuthError::InvalidToken {
                    detail: "no API secret or JWKS is configured".into(),
                })
            };
        }
        self.verify(&token)
            .map(SecurityContext)
            .map_err(|detail| AuthError::InvalidToken { detail })
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

/// Authenticates a request and identifies its caller.
///
/// Identity headers may be sent once each. With a trusted gateway, its
/// headers name the caller only when the request proves the gateway: the
/// gateway secret, or a token verified here; a request with neither is
/// refused rather than served as whoever its headers name.
fn authenticate(state: &AppState, req: &Request) -> Result<Caller, ApiError> {
    let headers = req.headers();
    gateway::refuse_repeated_identity(headers)?;
    let tenancy = state.tenancy();
    let named = if tenancy.trust_gateway {
        gateway::identity(headers)?
    } else {
        Vec::new()
    };
    let secret_proven = match (&tenancy.gateway_secret, tenancy.trust_gateway) {
        (Some(secret), true) => gateway::proves_secret(secret, headers)?,
        _ => false,
    };
    let auth = state.auth();
    let (context, token_verified) = match auth.authorize(headers) {
        Ok(ctx) => {
            let verified = auth.can_verify() && matches!(extract_token(headers), Ok(Some(_)));
            (ctx, verified)
        }
        Err(AuthError::MissingHeader) if secret_proven && !named.is_empty() => {
            (SecurityContext::anonymous(), false)
        }
        Err(e) => {
            if let AuthError::InvalidToken { detail } = &e {
                tracing::debug!(path = %req.uri().path(), %detail, "invalid token");
            }
            return Err(ApiError::from(e));
        }
    };
    if !named.is_empty() && !secret_proven && !token_verified {
        return Err(ApiError::forbidden(
            "Access denied: identity headers are honoured only with the gateway secret or a verified token",
        ));
    }
    let mut caller = tenancy.identify(|claims| state.model_for(claims), context, &named)?;
    state.uploads().attach(&mut caller);
    caller.gate = Some(
        state
            .admission()
            .gate(&caller.tenant_key(), &caller.rate_key()),
    );
    Ok(caller)
}

async fn admit(state: AppState, mut req: Request, next: Next, class: RateClass) -> Response {
    let caller = match authenticate(&state, &req) {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = state.rate_limits().check(class, &caller.rate_key()) {
        return e.into_response();
    }
    req.extensions_mut().insert(caller.context.clone());
    req.extensions_mut().insert(caller);
    next.run(req).await
}

/// Middleware for `/cubejs-api/v1/*`: authenticates the request, identifies
/// its [`Caller`] (stored in the request extensions with its
/// [`SecurityContext`]) and counts it against the caller's `/load` rate
/// limit; answers 403 or 429 otherwise.
pub async fn require_auth(State(state): State<AppState>, req: Request, next: Next) -> Response {
    admit(state, req, next, RateClass::Load).await
}

/// The same for the AI analytics API, counted against the AI rate limit.
pub async fn require_auth_ai(State(state): State<AppState>, req: Request, next: Next) -> Response {
    admit(state, req, next, RateClass::Ai).await
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

    /// A P-256 key (PKCS#8 DER) made for these tests only
    /// (`openssl ecparam -name prime256v1`).
    const TEST_EC_KEY: &[u8] = &[
        0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
        0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x6d, 0x30,
        0x6b, 0x02, 0x01, 0x01, 0x04, 0x20, 0x40, 0x51, 0x4b, 0x66, 0x4d, 0x4d, 0xc0, 0xaa, 0xcc,
        0x06, 0x70, 0x7b, 0x77, 0xe4, 0x54, 0xcb, 0xf3, 0xe2, 0xf3, 0xee, 0x42, 0x68, 0x09, 0xe8,
        0x8c, 0xeb, 0xa7, 0x4a, 0x87, 0xa7, 0x93, 0x9b, 0xa1, 0x44, 0x03, 0x42, 0x00, 0x04, 0x0d,
        0xe0, 0xb0, 0x75, 0xd2, 0x33, 0x2c, 0x47, 0x30, 0x56, 0x8f, 0x6e, 0xd9, 0x00, 0x8c, 0x76,
        0x59, 0x80, 0x4e, 0x0c, 0x04, 0xaa, 0x29, 0x25, 0xa9, 0x41, 0x51, 0x26, 0x00, 0x22, 0x8d,
        0x21, 0x6b, 0x59, 0xda, 0x42, 0x9e, 0x46, 0x75, 0x48, 0x17, 0x65, 0x62, 0x0b, 0x03, 0x60,
        0xa4, 0x4a, 0x4c, 0xd8, 0x1d, 0x42, 0x89, 0x93, 0x7c, 0x82, 0x27, 0xeb, 0x6f, 0xe4, 0xf3,
        0x37, 0x3c, 0x3e,
    ];
    fn jwks_settings() -> AuthSettings {
        let jwks: JwkSet = serde_json::from_value(json!({"keys": [{
            "kty": "EC", "crv": "P-256", "kid": "k1", "alg": "ES256", "use": "sig",
            "x": "DeCwddIzLEcwVo9u2QCMdlmATgwEqiklqUFRJgAijSE",
            "y": "a1naQp5GdUgXZWILA2CkSkzYHUKJk3yCJ-tv5PM3PD4"
        }]}))
        .unwrap();
        AuthSettings {
            jwks: Some(Arc::new(jwks)),
            ..AuthSettings::default()
        }
    }

    fn es256(kid: Option<&str>, claims: serde_json::Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = kid.map(str::to_string);
        encode(&header, &claims, &EncodingKey::from_ec_der(TEST_EC_KEY)).unwrap()
    }

    #[test]
    fn es256_tokens_verify_with_the_jwks_key() {
        let settings = jwks_settings();
        let t = es256(Some("k1"), json!({"tenant_id": "a", "exp": now() + 60}));
        let ctx = settings
            .authorize(&headers(&format!("Bearer {t}")))
            .unwrap();
        assert_eq!(ctx.0["tenant_id"], "a");
        // Unknown kid, expired, and a tampered payload are refused.
        let unknown = es256(Some("k2"), json!({"tenant_id": "a"}));
        assert!(settings.authorize(&headers(&unknown)).is_err());
        let expired = es256(Some("k1"), json!({"tenant_id": "a", "exp": now() - 10}));
        assert!(settings.authorize(&headers(&expired)).is_err());
        let mut parts: Vec<&str> = t.split('.').collect();
        let forged_payload = base64_url::encode(br#"{"tenant_id":"b"}"#);
        parts[1] = &forged_payload;
        assert!(settings.authorize(&headers(&parts.join("."))).is_err());
    }

    #[test]
    fn algorithm_confusion_is_refused() {
        // An HS256 token whose HMAC key is the public key material: with no
        // API secret configured, HS256 is never checked against JWKS keys.
        let settings = jwks_settings();
        let public = "DeCwddIzLEcwVo9u2QCMdlmATgwEqiklqUFRJgAijSE";
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k1".into());
        let t = encode(
            &header,
            &json!({"tenant_id": "b"}),
            &EncodingKey::from_secret(public.as_bytes()).unwrap(),
        )
        .unwrap();
        assert!(settings.authorize(&headers(&t)).is_err());
        // A token claiming RS256 for the EC key is refused as well.
        let mut parts: Vec<String> = es256(Some("k1"), json!({}))
            .split('.')
            .map(String::from)
            .collect();
        parts[0] = base64_url::encode(br#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#);
        assert!(settings.authorize(&headers(&parts.join("."))).is_err());
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
