//! Whose question is answered: the engine to plan and run with, the access
//! grant, claims and admission gate of the person asking, and who owns the
//! conversations and feedback it leaves.

use std::sync::Arc;

use serde_json::Value;
use strata_engine::{AccessGrant, CacheMode, Engine, ExecutionGate, LoadOptions};

use crate::conversations::Owner;

/// What one caller's questions are answered with. A program that embeds
/// the analyst makes one from its [`Engine`] alone
/// ([`AnalystScope::new`]: no access policies, no owner); a server adds the
/// caller's grant, claims, gate, owner and groups. Cheap to clone.
#[derive(Clone)]
pub struct AnalystScope {
    engine: Engine,
    grant: Option<Arc<AccessGrant>>,
    claims: Arc<Value>,
    gate: Option<Arc<dyn ExecutionGate>>,
    owner: Owner,
    groups: Vec<String>,
}

impl std::fmt::Debug for AnalystScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalystScope")
            .field("owner", &self.owner)
            .field("groups", &self.groups)
            .field("model", &Arc::as_ptr(self.engine.model()))
            .field("restricted", &self.grant.is_some())
            .finish_non_exhaustive()
    }
}

impl AnalystScope {
    /// Questions answered on `engine` with every member of its model, for
    /// an anonymous owner (empty tenant and user).
    pub fn new(engine: Engine) -> AnalystScope {
        AnalystScope {
            engine,
            grant: None,
            claims: Arc::new(Value::Object(serde_json::Map::new())),
            gate: None,
            owner: Owner::default(),
            groups: Vec::new(),
        }
    }

    /// Only the members `grant` allows (evaluated against the engine's
    /// model), with its row filters.
    pub fn with_grant(mut self, grant: AccessGrant) -> AnalystScope {
        self.grant = Some(Arc::new(grant));
        self
    }

    /// The caller's verified claims (its security context); answers are
    /// never shared across contexts.
    pub fn with_security_context(mut self, claims: Value) -> AnalystScope {
        self.claims = Arc::new(claims);
        self
    }

    /// Admission of the caller's queries to the data sources.
    pub fn with_gate(mut self, gate: Arc<dyn ExecutionGate>) -> AnalystScope {
        self.gate = Some(gate);
        self
    }

    /// Who owns the conversations and feedback (tenant and user).
    pub fn with_owner(mut self, owner: Owner) -> AnalystScope {
        self.owner = owner;
        self
    }

    /// The caller's groups: callers of a tenant with the same groups (and
    /// the same grant) share a cached catalog.
    pub fn with_groups(mut self, mut groups: Vec<String>) -> AnalystScope {
        groups.sort();
        groups.dedup();
        self.groups = groups;
        self
    }

    /// The engine questions are planned and run with.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The access grant (`None`: no access policies apply).
    pub fn grant(&self) -> Option<&AccessGrant> {
        self.grant.as_deref()
    }

    /// The owner of what the caller creates.
    pub fn owner(&self) -> &Owner {
        &self.owner
    }

    /// The caller's groups, sorted.
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// Whether the caller may query the member `name` (`Cube.member`).
    pub fn allows(&self, name: &str) -> bool {
        self.grant()
            .is_none_or(|g| g.allows(self.engine.model(), name))
    }

    /// How the caller's queries are loaded, in `cache` mode.
    pub fn load_options(&self, cache: CacheMode) -> LoadOptions<'_> {
        LoadOptions {
            cache,
            security_context: Some(&self.claims),
            access: self.grant(),
            gate: self.gate.as_ref(),
        }
    }
}
