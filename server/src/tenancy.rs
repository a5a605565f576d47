//! Who a request is for: tenant, user, organisation and groups, taken from the
//! verified token (and, only when the operator trusts a gateway, from its
//! headers), and what that caller may see of the model.
//!
//! The compiled model is shared by every tenant; a [`Caller`] carries the
//! per-request [`AccessGrant`] that the planner applies, so 1,000 tenants
//! cost 1,000 small grants, not 1,000 compiled models.

use std::sync::Arc;

use serde_json::{Map, Value};
use strata_engine::{AccessContext, AccessGrant, ExecutionGate};
use strata_schema::SemanticModel;

use crate::auth::SecurityContext;
use crate::error::ApiError;
use crate::gateway::GatewayIdentity;

pub use crate::gateway::{ORG_HEADER, TENANT_HEADER, USER_HEADER};

/// Where identity comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenancySettings {
    /// Claim holding the tenant id (dotted path; `STRATA_TENANT_CLAIM`,
    /// default `tenant_id`).
    pub tenant_claim: String,
    /// Claim holding the user id (`STRATA_USER_CLAIM`, default `sub`).
    pub user_claim: String,
    /// Claim holding the organisation (`STRATA_ORG_CLAIM`, default `org_id`).
    pub org_claim: String,
    /// Claim holding the caller's groups for access policies
    /// (`STRATA_GROUPS_CLAIM`, default `groups`; `roles` is read as well).
    pub groups_claim: String,
    /// Honour `X-Tenant-ID`, `X-User-ID` and `X-Org-ID` from a gateway in
    /// front of Strata (`STRATA_TRUST_GATEWAY=true`), once it proves itself
    /// (see [`crate::gateway`]). Off by default: a client can never choose
    /// its tenant by header.
    pub trust_gateway: bool,
    /// The secret a trusted gateway sends in `X-Gateway-Secret`
    /// (`STRATA_GATEWAY_SECRET`); without it, identity headers are honoured
    /// only beside a verified token.
    pub gateway_secret: Option<String>,
}

impl Default for TenancySettings {
    fn default() -> Self {
        TenancySettings {
            tenant_claim: "tenant_id".into(),
            user_claim: "sub".into(),
            org_claim: "org_id".into(),
            groups_claim: "groups".into(),
            trust_gateway: false,
            gateway_secret: None,
        }
    }
}

/// The identified caller of one request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The verified claims (with gateway identity written in when trusted).
    pub context: SecurityContext,
    /// Tenant id, when the claims name one.
    pub tenant: Option<String>,
    /// User id, when the claims name one.
    pub user: Option<String>,
    /// Organisation, when the claims name one.
    pub org: Option<String>,
    /// Groups for access policies.
    pub groups: Vec<String>,
    /// What the caller may see of the model.
    pub grant: AccessGrant,
    /// The caller's model: the shared one, or its `COMPILE_CONTEXT` variant,
    /// plus the cubes its tenant uploaded (see [`crate::uploads`]).
    pub model: Arc<SemanticModel>,
    /// The tenant's uploaded cubes, when it has any (set by
    /// [`crate::uploads::Uploads::attach`]).
    pub uploads: Option<Arc<crate::uploads::UploadSet>>,
    /// Admission of the caller's queries to the data sources (set by the
    /// server for each request, see [`crate::admission`]).
    pub gate: Option<Arc<dyn ExecutionGate>>,
}

impl Caller {
    /// The key in-flight caps count a tenant's queries under: the tenant,
    /// else the rate key (each tenant-less user on its own).
    pub fn tenant_key(&self) -> String {
        match &self.tenant {
            Some(t) => format!("tenant:{t}"),
            None => self.rate_key(),
        }
    }

    /// The key rate limits count against: the user, else the tenant, else
    /// everyone anonymous together.
    pub fn rate_key(&self) -> String {
        match (&self.user, &self.tenant) {
            (Some(u), _) => format!("user:{u}"),
            (None, Some(t)) => format!("tenant:{t}"),
            _ => "anonymous".into(),
        }
    }
}

impl TenancySettings {
    /// Identifies the caller from verified claims and the identity a
    /// trusted gateway named (empty unless the gateway proved itself, see
    /// [`crate::auth`]); `model_for` gives the model for the final claims
    /// (see [`crate::model_variants`]).
    ///
    /// Gateway values replace the corresponding claims, so access policies
    /// see the gateway's identity.
    pub fn identify(
        &self,
        model_for: impl FnOnce(&Value) -> Result<Arc<SemanticModel>, ApiError>,
        context: SecurityContext,
        gateway: &GatewayIdentity,
    ) -> Result<Caller, ApiError> {
        let mut claims = context.0;
        for (header, value) in gateway {
            let claim = match *header {
                TENANT_HEADER => &self.tenant_claim,
                USER_HEADER => &self.user_claim,
                _ => &self.org_claim,
            };
            set_path(&mut claims, claim, Value::String(value.clone()));
        }
        let tenant = claim_text(&claims, &self.tenant_claim);
        let user = claim_text(&claims, &self.user_claim);
        let org = claim_text(&claims, &self.org_claim);
        let mut groups = claim_list(&claims, &self.groups_claim);
        if self.groups_claim != "roles" {
            groups.extend(claim_list(&claims, "roles"));
        }
        let model = model_for(&claims)?;
        let grant = AccessGrant::evaluate(
            &model,
            AccessContext {
                security_context: &claims,
                groups: &groups,
            },
        );
        Ok(Caller {
            context: SecurityContext(claims),
            tenant,
            user,
            org,
            groups,
            grant,
            model,
            uploads: None,
            gate: None,
        })
    }
}

fn lookup<'v>(claims: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(claims, |v, key| v.get(key))
}

/// A claim as text (strings and numbers).
fn claim_text(claims: &Value, path: &str) -> Option<String> {
    match lookup(claims, path)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A claim as a list of strings (a list, or one string).
fn claim_list(claims: &Value, path: &str) -> Vec<String> {
    match lookup(claims, path) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Writes `value` at a dotted path, creating objects on the way.
fn set_path(claims: &mut Value, path: &str, value: Value) {
    if !claims.is_object() {
        *claims = Value::Object(Map::new());
    }
    let mut cur = claims;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let Value::Object(map) = cur else {
            return;
        };
        if keys.peek().is_none() {
            map.insert(key.to_string(), value);
            return;
        }
        let next = map
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        cur = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claims_name_the_caller() {
        let model = Arc::new(SemanticModel::default());
        let caller = TenancySettings::default()
            .identify(
                |_| Ok(model.clone()),
                SecurityContext(json!({"tenant_id": "t1", "sub": 7, "roles": ["admin"]})),
                &Vec::new(),
            )
            .expect("caller");
        assert_eq!(caller.tenant.as_deref(), Some("t1"));
        assert_eq!(caller.user.as_deref(), Some("7"));
        assert_eq!(caller.groups, ["admin"]);
        assert_eq!(caller.rate_key(), "user:7");
    }

    #[test]
    fn gateway_identity_replaces_the_claims() {
        let model = Arc::new(SemanticModel::default());
        let shared = |_: &Value| Ok(model.clone());
        let named: GatewayIdentity = vec![
            (TENANT_HEADER, "t2".into()),
            (USER_HEADER, "mallory".into()),
        ];
        let ctx = SecurityContext(json!({"tenant_id": "t1", "sub": "alice"}));
        let settings = TenancySettings {
            tenant_claim: "org.tenant".into(),
            ..TenancySettings::default()
        };
        let caller = settings.identify(shared, ctx, &named).expect("caller");
        assert_eq!(caller.tenant.as_deref(), Some("t2"));
        assert_eq!(caller.context.0["org"]["tenant"], "t2");
        assert_eq!(caller.user.as_deref(), Some("mallory"));
    }
}
