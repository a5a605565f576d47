//! Cube's data access policies (`access_policy` on cubes and views).
//!
//! A policy applies to callers in some groups (`group`, `groups`, or the
//! older `role`; `"*"` for everyone), optionally only when `conditions` hold,
//! and grants members (`member_level`) and rows (`row_level`). As in Cube,
//! once a cube has policies, callers that no policy applies to get nothing
//! from it, and several applicable policies combine with OR.
//!
//! ```yaml
//! access_policy:
//!   - group: "*"
//!     row_level:
//!       filters:
//!         - member: tenant_id
//!           operator: equals
//!           values: ["{ securityContext.tenant_id }"]
//!   - group: admin
//!     row_level:
//!       allow_all: true
//! ```
//!
//! Values may be `{ securityContext.path }` templates (or `userAttributes`),
//! filled from the caller's verified claims when a query is planned.

use serde::Deserialize;
use serde_json::Value;

use crate::model::SemanticModel;
use crate::yaml::{Ctx, Sink};

/// One entry of `access_policy`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessPolicy {
    /// A single group (`"*"` for every caller).
    #[serde(default)]
    pub group: Option<String>,
    /// Several groups.
    #[serde(default)]
    pub groups: Option<Vec<String>>,
    /// Older spelling of `group`.
    #[serde(default)]
    pub role: Option<String>,
    /// Conditions that must all hold for the policy to apply.
    #[serde(default)]
    pub conditions: Vec<PolicyCondition>,
    /// Members granted.
    #[serde(default, alias = "memberLevel")]
    pub member_level: Option<MemberLevel>,
    /// Rows granted.
    #[serde(default, alias = "rowLevel")]
    pub row_level: Option<RowLevel>,
}

impl AccessPolicy {
    /// The groups the policy names (`"*"` means every caller).
    pub fn group_names(&self) -> impl Iterator<Item = &str> {
        self.group
            .iter()
            .chain(self.role.iter())
            .map(String::as_str)
            .chain(self.groups.iter().flatten().map(String::as_str))
    }
}

/// `conditions: [{if: "{ securityContext.is_admin }"}]`.
///
/// A condition holds only when its value is JSON `true`: the claim a
/// template names must be the boolean `true` (not `"true"`, `1` or `{}`).
/// Models may write a template or a boolean literal, nothing else.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyCondition {
    /// A `{ securityContext.x }` template or a boolean literal.
    #[serde(rename = "if")]
    pub condition: Value,
}

impl PolicyCondition {
    /// Whether the condition is one Strata can evaluate: a boolean, or a
    /// string that is exactly one security-context template.
    pub fn can_evaluate(&self) -> bool {
        match &self.condition {
            Value::Bool(_) => true,
            Value::String(s) => context_template_path(s).is_some(),
            _ => false,
        }
    }
}

/// The claim path of a value that is exactly one security-context template:
/// `"{ securityContext.tenant.id }"` (or `{ $securityContext... }`,
/// `security_context.`, `userAttributes.`) gives `tenant.id`.
pub fn context_template_path(s: &str) -> Option<&str> {
    let inner = s.trim().strip_prefix('{')?.strip_suffix('}')?.trim();
    let inner = inner.strip_prefix('$').unwrap_or(inner);
    inner
        .strip_prefix("securityContext.")
        .or_else(|| inner.strip_prefix("security_context."))
        .or_else(|| inner.strip_prefix("userAttributes."))
        .filter(|path| !path.is_empty() && !path.contains(char::is_whitespace))
}

/// `member_level`: which members the policy grants.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberLevel {
    /// Members granted (`"*"` or names); every member when absent.
    #[serde(default)]
    pub includes: Option<MemberList>,
    /// Members taken away from `includes`.
    #[serde(default)]
    pub excludes: Option<MemberList>,
}

impl MemberLevel {
    /// Whether the member (its short name) is granted.
    pub fn allows(&self, member: &str) -> bool {
        let included = self.includes.as_ref().is_none_or(|l| l.contains(member));
        let excluded = self.excludes.as_ref().is_some_and(|l| l.contains(member));
        included && !excluded
    }
}

/// `"*"` or a list of member names.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum MemberList {
    /// `"*"`: every member.
    All(String),
    /// Named members (short names, or `Cube.member`).
    Names(Vec<String>),
}

impl MemberList {
    /// Whether the list names `member` (a short name).
    pub fn contains(&self, member: &str) -> bool {
        match self {
            MemberList::All(s) => s == "*",
            MemberList::Names(names) => names
                .iter()
                .any(|n| n == member || n.rsplit_once('.').is_some_and(|(_, m)| m == member)),
        }
    }

    fn names(&self) -> &[String] {
        match self {
            MemberList::All(_) => &[],
            MemberList::Names(n) => n,
        }
    }
}

/// `row_level`: which rows the policy grants.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowLevel {
    /// Conditions every granted row meets (ANDed).
    #[serde(default)]
    pub filters: Vec<RowFilter>,
    /// `true`: every row; `false` with no filters: no row.
    #[serde(default, alias = "allowAll")]
    pub allow_all: Option<bool>,
}

/// A row filter, in the REST API's filter format.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RowFilter {
    /// `{member, operator, values}`.
    Member {
        /// The member (short name or `Cube.member`).
        member: String,
        /// A REST filter operator (`equals`, `gt`...).
        operator: String,
        /// Values, possibly `{ securityContext.x }` templates; a single
        /// template may stand for a whole list.
        #[serde(default)]
        values: Option<Value>,
    },
    /// `{or: [...]}`.
    Or {
        /// Alternatives.
        or: Vec<RowFilter>,
    },
    /// `{and: [...]}`.
    And {
        /// Conditions that must all hold.
        and: Vec<RowFilter>,
    },
}

impl RowFilter {
    /// Calls `f` with every member named in the filter.
    pub fn members(&self, f: &mut dyn FnMut(&str)) {
        match self {
            RowFilter::Member { member, .. } => f(member),
            RowFilter::Or { or: v } | RowFilter::And { and: v } => {
                v.iter().for_each(|x| x.members(f))
            }
        }
    }
}

/// Parses an `access_policy` list, reporting mistakes at `ctx`.
pub(crate) fn parse(value: Option<Value>, ctx: &Ctx, sink: &Sink) -> Vec<AccessPolicy> {
    let Some(value) = value else {
        return Vec::new();
    };
    match serde_json::from_value::<Vec<AccessPolicy>>(value) {
        Ok(policies) => {
            for (i, p) in policies.iter().enumerate() {
                if p.group_names().next().is_none() {
                    sink.push(ctx.err(format!(
                        "access_policy[{i}] names no `group` (use `group: \"*\"` for every caller)"
                    )));
                }
                for (j, c) in p.conditions.iter().enumerate() {
                    if !c.can_evaluate() {
                        sink.push(ctx.err(format!(
                            "access_policy[{i}].conditions[{j}].if is {}: a condition must be \
                             `\"{{ securityContext.<claim> }}\"` or true/false, and only a JSON \
                             `true` claim unlocks it",
                            c.condition
                        )));
                    }
                }
            }
            policies
        }
        Err(e) => {
            sink.push(ctx.err(format!("invalid access_policy: {e}")));
            Vec::new()
        }
    }
}

/// Checks that every member a policy names exists in its cube or view.
pub(crate) fn validate(model: &SemanticModel, sink: &Sink) {
    let cubes = model.cubes.values().map(|c| {
        let has = |m: &str| {
            c.dimensions.contains_key(m) || c.measures.contains_key(m) || c.segments.contains_key(m)
        };
        (
            &c.name,
            &c.access_policy,
            &c.location,
            Box::new(has) as Box<dyn Fn(&str) -> bool>,
        )
    });
    let views = model.views.values().map(|v| {
        let has = |m: &str| v.members.contains_key(m);
        (
            &v.name,
            &v.access_policy,
            &v.location,
            Box::new(has) as Box<dyn Fn(&str) -> bool>,
        )
    });
    for (owner, policies, location, has) in cubes.chain(views) {
        let ctx = Ctx::file(&location.file).cube(Some(owner), location.line);
        let check = |name: &str| {
            let short = match name.split_once('.') {
                Some((o, m)) if o == owner || o == "CUBE" => m,
                Some(_) => {
                    sink.push(ctx.err(format!(
                        "access_policy names `{name}`, which is not a member of {owner}"
                    )));
                    return;
                }
                None => name,
            };
            if !has(short) {
                sink.push(ctx.err(format!(
                    "access_policy names `{name}`, which is not a member of {owner}"
                )));
            }
        };
        for p in policies {
            if let Some(ml) = &p.member_level {
                for list in [&ml.includes, &ml.excludes].into_iter().flatten() {
                    list.names().iter().for_each(|n| check(n));
                }
            }
            if let Some(rl) = &p.row_level {
                for f in &rl.filters {
                    f.members(&mut |m| check(m));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_cube_style_policies() {
        let sink = Sink::default();
        let ctx = Ctx::default();
        let policies = parse(
            Some(json!([
                {"group": "*", "row_level": {"filters": [
                    {"member": "tenant_id", "operator": "equals",
                     "values": ["{ securityContext.tenant_id }"]},
                    {"or": [{"member": "status", "operator": "set"}]}
                ]}},
                {"groups": ["admin", "ops"], "member_level": {"includes": "*", "excludes": ["secret"]},
                 "row_level": {"allow_all": true}}
            ])),
            &ctx,
            &sink,
        );
        assert!(sink.finish().is_empty());
        assert_eq!(policies.len(), 2);
        let ml = policies[1].member_level.as_ref().expect("member_level");
        assert!(ml.allows("status"));
        assert!(!ml.allows("secret"));
        assert_eq!(
            policies[1].group_names().collect::<Vec<_>>(),
            ["admin", "ops"]
        );
        let RowFilter::Member { member, .. } =
            &policies[0].row_level.as_ref().expect("rows").filters[0]
        else {
            panic!("expected a member filter");
        };
        assert_eq!(member, "tenant_id");
    }

    #[test]
    fn conditions_must_be_templates_or_booleans() {
        let sink = Sink::default();
        let policies = parse(
            Some(json!([{"group": "*", "conditions": [
                {"if": "{ securityContext.is_admin }"},
                {"if": true},
                {"if": "False"},
                {"if": 0},
                {"if": {}},
                {"if": "{ securityContext. }"}
            ]}])),
            &Ctx::default(),
            &sink,
        );
        let errors = sink.finish();
        assert_eq!(policies[0].conditions.len(), 6);
        assert_eq!(errors.len(), 4, "{errors:?}");
        for (e, shown) in errors
            .iter()
            .zip(["\"False\"", "0", "{}", "securityContext. }"])
        {
            assert!(e.message.contains("only a JSON `true`"), "{}", e.message);
            assert!(e.message.contains(shown), "{}", e.message);
        }
    }

    #[test]
    fn unknown_keys_and_missing_groups_are_errors() {
        let sink = Sink::default();
        parse(
            Some(json!([{"group": "*", "row_levle": {}}])),
            &Ctx::default(),
            &sink,
        );
        parse(
            Some(json!([{"row_level": {"allow_all": true}}])),
            &Ctx::default(),
            &sink,
        );
        let errors = sink.finish();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].message.contains("row_levle"),
            "{}",
            errors[0].message
        );
        assert!(errors[1].message.contains("names no `group`"));
    }
}
