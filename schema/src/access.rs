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
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyCondition {
    /// A value that must be truthy: a `{ securityContext.x }` template or a literal.
    #[serde(rename = "if")]
    pub condition: Value,
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
