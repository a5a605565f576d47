//! What one caller may see: the model's access policies evaluated against the
//! caller's verified claims and groups.
//!
//! An [`AccessGrant`] is computed per request from the compiled model (shared
//! by every tenant) and the caller's [`AccessContext`]. The planner consults it
//! twice: every member a query names must be granted, and every cube or view
//! the query touches (named, joined through, or behind a view) gets its row
//! filters ANDed into the plan's `WHERE`, where no user filter, `or` branch,
//! ungrouped query or join path can route around them.
//!
//! Cube policies apply to queries through views as well as to direct cube
//! queries: a view can narrow what a cube grants, never widen it.

use std::collections::HashMap;

use serde_json::Value;
use strata_schema::access::{context_template_path as template_path, AccessPolicy, RowFilter};
use strata_schema::{MemberPath, SemanticModel};

use crate::error::{query_err, QueryError};
use crate::query::{Filter, FilterOperator};

/// Who is asking.
#[derive(Debug, Clone, Copy)]
pub struct AccessContext<'a> {
    /// The caller's verified claims (Cube's `securityContext`).
    pub security_context: &'a Value,
    /// The caller's groups (roles), as taken from the claims.
    pub groups: &'a [String],
}

/// The rows of one cube or view a caller may read.
#[derive(Debug, Clone, PartialEq)]
pub enum RowGrant {
    /// Every row.
    All,
    /// Rows matching the filter (members are full names of the owner).
    Filtered(Filter),
}

/// What a caller may use of one cube or view that has access policies.
#[derive(Debug, Clone, PartialEq)]
enum OwnerGrant {
    /// No policy applies: nothing may be queried.
    Denied,
    /// Some policies apply.
    Allowed {
        /// Indices of the applicable policies.
        policies: Vec<usize>,
        /// Rows granted.
        rows: RowGrant,
    },
}

/// The outcome of evaluating every access policy of a model for one caller.
///
/// Cubes and views without policies are unrestricted and not stored, so a
/// grant over a model without policies is empty and costs nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccessGrant {
    owners: HashMap<String, OwnerGrant>,
}

impl AccessGrant {
    /// Evaluates the policies of every cube and view of `model` for `ctx`.
    pub fn evaluate(model: &SemanticModel, ctx: AccessContext<'_>) -> AccessGrant {
        let owners = model
            .cubes
            .values()
            .map(|c| (&c.name, &c.access_policy))
            .chain(model.views.values().map(|v| (&v.name, &v.access_policy)))
            .filter(|(_, p)| !p.is_empty())
            .map(|(name, policies)| (name.clone(), evaluate_owner(name, policies, ctx)))
            .collect();
        AccessGrant { owners }
    }

    /// True when no cube or view restricts this caller.
    pub fn is_unrestricted(&self) -> bool {
        self.owners.is_empty()
    }

    /// Whether the caller may query `member` of the cube or view `owner`.
    pub(crate) fn allows_member(&self, model: &SemanticModel, owner: &str, member: &str) -> bool {
        match self.owners.get(owner) {
            None => true,
            Some(OwnerGrant::Denied) => false,
            Some(OwnerGrant::Allowed { policies, .. }) => {
                let all = policies_of(model, owner);
                policies.iter().filter_map(|&i| all.get(i)).any(|p| {
                    p.member_level
                        .as_ref()
                        .is_none_or(|level| level.allows(member))
                })
            }
        }
    }

    /// Whether any policy applies to the caller for `owner`.
    pub fn allows_owner(&self, owner: &str) -> bool {
        !matches!(self.owners.get(owner), Some(OwnerGrant::Denied))
    }

    /// The rows of `owner` the caller may read.
    pub(crate) fn rows(&self, owner: &str) -> RowGrant {
        match self.owners.get(owner) {
            None => RowGrant::All,
            Some(OwnerGrant::Denied) => RowGrant::Filtered(Filter::Or(Vec::new())),
            Some(OwnerGrant::Allowed { rows, .. }) => rows.clone(),
        }
    }

    /// Whether the caller may query the member `name` (`Cube.member` or
    /// `view.member`); unknown members are not allowed.
    pub fn allows(&self, model: &SemanticModel, name: &str) -> bool {
        let Some(path) = MemberPath::parse(name) else {
            return false;
        };
        let Some((target, _)) = model.resolve(&path) else {
            return false;
        };
        self.check(
            model,
            name,
            &path.cube,
            &path.member,
            (&target.cube, &target.member),
        )
        .is_ok()
    }

    /// Checks a queried member (`owner.member`, before view resolution) and the
    /// cube member behind it.
    pub fn check(
        &self,
        model: &SemanticModel,
        name: &str,
        owner: &str,
        member: &str,
        target: (&str, &str),
    ) -> Result<(), QueryError> {
        for (o, m) in [(owner, member), target] {
            if !self.allows_owner(o) {
                return Err(query_err!(
                    "Access denied: \"{name}\" belongs to {o}, which your access policies do not grant"
                ));
            }
            if !self.allows_member(model, o, m) {
                return Err(query_err!(
                    "You requested hidden member: \"{name}\". Your access policies do not grant it"
                ));
            }
        }
        Ok(())
    }
}

fn policies_of<'m>(model: &'m SemanticModel, owner: &str) -> &'m [AccessPolicy] {
    model
        .cube(owner)
        .map(|c| c.access_policy.as_slice())
        .or_else(|| model.views.get(owner).map(|v| v.access_policy.as_slice()))
        .unwrap_or(&[])
}

fn evaluate_owner(owner: &str, policies: &[AccessPolicy], ctx: AccessContext<'_>) -> OwnerGrant {
    let applicable: Vec<usize> = policies
        .iter()
        .enumerate()
        .filter(|(_, p)| applies(p, ctx))
        .map(|(i, _)| i)
        .collect();
    if applicable.is_empty() {
        return OwnerGrant::Denied;
    }
    let mut alternatives = Vec::new();
    let mut all_rows = false;
    for &i in &applicable {
        match &policies[i].row_level {
            None => all_rows = true,
            Some(rl) if rl.allow_all == Some(true) => all_rows = true,
            Some(rl) if rl.filters.is_empty() => {
                // `allow_all: false` and nothing else: no rows.
                if rl.allow_all.is_none() {
                    all_rows = true;
                }
            }
            Some(rl) => {
                // A filter that cannot be filled from the claims grants nothing.
                let filled: Option<Vec<Filter>> = rl
                    .filters
                    .iter()
                    .map(|f| fill(owner, f, ctx.security_context))
                    .collect();
                if let Some(filters) = filled {
                    alternatives.push(Filter::And(filters));
                }
            }
        }
    }
    let rows = if all_rows {
        RowGrant::All
    } else {
        RowGrant::Filtered(Filter::Or(alternatives))
    };
    OwnerGrant::Allowed {
        policies: applicable,
        rows,
    }
}

fn applies(p: &AccessPolicy, ctx: AccessContext<'_>) -> bool {
    let in_group = p
        .group_names()
        .any(|g| g == "*" || ctx.groups.iter().any(|mine| mine == g));
    in_group
        && p.conditions
            .iter()
            .all(|c| truthy(&substitute(&c.condition, ctx.security_context)))
}

/// A row filter with its templates filled and members made full names;
/// `None` when a template names a claim the caller does not have.
fn fill(owner: &str, f: &RowFilter, claims: &Value) -> Option<Filter> {
    Some(match f {
        RowFilter::And { and } => Filter::And(
            and.iter()
                .map(|x| fill(owner, x, claims))
                .collect::<Option<_>>()?,
        ),
        RowFilter::Or { or } => Filter::Or(
            or.iter()
                .map(|x| fill(owner, x, claims))
                .collect::<Option<_>>()?,
        ),
        RowFilter::Member {
            member,
            operator,
            values,
        } => {
            let operator = FilterOperator::parse(operator)?;
            let short = member.rsplit_once('.').map_or(member.as_str(), |(_, m)| m);
            let values = match values {
                None => Vec::new(),
                Some(v) => values_of(&substitute(v, claims))?,
            };
            Filter::Member {
                member: format!("{owner}.{short}"),
                operator,
                values,
            }
        }
    })
}

/// The values of a filled `values:` entry: a list, or one template that
/// stood for a list; `None` (the filter grants nothing) when any value is
/// unusable.
///
/// A security-context value grants rows only when it names something: a
/// null, an empty string, an empty list, a list holding any of those, an
/// object or a missing claim grants nothing, so that no caller can match
/// rows that belong to nobody (`tenant_id IS NULL` or `= ''`).
fn values_of(v: &Value) -> Option<Vec<Option<String>>> {
    let scalar = |x: &Value| -> Option<Option<String>> {
        match x {
            Value::String(s) if !s.trim().is_empty() => Some(Some(s.clone())),
            Value::Number(n) => Some(Some(n.to_string())),
            Value::Bool(b) => Some(Some(b.to_string())),
            _ => None,
        }
    };
    let mut out = Vec::new();
    match v {
        Value::Array(items) => {
            for item in items {
                match item {
                    // A template inside a list may itself stand for a list.
                    Value::Array(inner) if !inner.is_empty() => {
                        for x in inner {
                            out.push(scalar(x)?);
                        }
                    }
                    other => out.push(scalar(other)?),
                }
            }
        }
        other => out.push(scalar(other)?),
    }
    (!out.is_empty()).then_some(out)
}

/// Replaces `{ securityContext.a.b }` (or `userAttributes`) templates with the
/// claim's value. A string that is exactly one template becomes the claim's
/// JSON value (so it may be a list or a number); a missing claim becomes a
/// marker object, which no filter accepts.
fn substitute(v: &Value, claims: &Value) -> Value {
    match v {
        Value::String(s) => match template_path(s) {
            Some(path) => lookup(claims, path).cloned().unwrap_or_else(missing_claim),
            None => v.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|x| substitute(x, claims)).collect()),
        other => other.clone(),
    }
}

fn missing_claim() -> Value {
    let mut m = serde_json::Map::new();
    m.insert("missingClaim".into(), Value::Bool(true));
    Value::Object(m)
}

fn lookup<'v>(claims: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(claims, |v, key| v.get(key))
}

/// Only JSON `true` unlocks a condition: `"true"`, `"False"`, `1`, `"no"`,
/// `{}` and a missing claim all leave the policy closed.
fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MODEL: &str = r#"
cubes:
  - name: Orders
    sql_table: orders
    access_policy:
      - group: "*"
        member_level:
          excludes: [secret]
        row_level:
          filters:
            - member: tenant_id
              operator: equals
              values: ["{ securityContext.tenant_id }"]
      - group: admin
        row_level:
          allow_all: true
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: tenant_id, sql: tenant_id, type: string}
      - {name: secret, sql: secret, type: string}
    measures:
      - {name: count, type: count}
  - name: Audit
    sql_table: audit
    access_policy:
      - group: auditor
        conditions:
          - if: "{ securityContext.audit_enabled }"
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
"#;

    fn model() -> SemanticModel {
        strata_schema::load_files(&[("m.yml".into(), MODEL.into())]).expect("model compiles")
    }

    fn grant(claims: Value, groups: &[&str]) -> AccessGrant {
        let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
        AccessGrant::evaluate(
            &model(),
            AccessContext {
                security_context: &claims,
                groups: &groups,
            },
        )
    }

    #[test]
    fn row_filter_is_filled_from_claims() {
        let g = grant(json!({"tenant_id": "t1"}), &[]);
        assert_eq!(
            g.rows("Orders"),
            RowGrant::Filtered(Filter::Or(vec![Filter::And(vec![Filter::Member {
                member: "Orders.tenant_id".into(),
                operator: FilterOperator::Equals,
                values: vec![Some("t1".into())],
            }])]))
        );
        assert!(!g.allows_member(&model(), "Orders", "secret"));
        assert!(g.allows_member(&model(), "Orders", "count"));
    }

    #[test]
    fn missing_claim_grants_no_rows() {
        let g = grant(json!({}), &[]);
        assert_eq!(g.rows("Orders"), RowGrant::Filtered(Filter::Or(vec![])));
    }

    #[test]
    fn empty_null_and_shapeless_claims_grant_no_rows() {
        let none = RowGrant::Filtered(Filter::Or(vec![]));
        for claim in [
            json!(null),
            json!(""),
            json!("   "),
            json!([]),
            json!([null]),
            json!(["acme", null]),
            json!(["acme", ""]),
            json!([[]]),
            json!({}),
            json!({"id": "acme"}),
            json!([{"id": "acme"}]),
        ] {
            let g = grant(json!({ "tenant_id": claim }), &[]);
            assert_eq!(g.rows("Orders"), none, "{claim}");
        }
    }

    #[test]
    fn usable_claims_of_every_shape_become_bound_values() {
        let long = "t".repeat(10_000);
        for (claim, values) in [
            (json!(7), vec!["7"]),
            (json!(-1.5), vec!["-1.5"]),
            (json!("ünïcødé ✓"), vec!["ünïcødé ✓"]),
            (json!("x' OR '1'='1"), vec!["x' OR '1'='1"]),
            (json!(long.clone()), vec![long.as_str()]),
            (json!(["a", "b"]), vec!["a", "b"]),
        ] {
            let g = grant(json!({ "tenant_id": claim }), &[]);
            let RowGrant::Filtered(Filter::Or(alternatives)) = g.rows("Orders") else {
                panic!("expected a row filter for {claim}");
            };
            let [Filter::And(conditions)] = alternatives.as_slice() else {
                panic!("expected one alternative for {claim}: {alternatives:?}");
            };
            let [Filter::Member { values: got, .. }] = conditions.as_slice() else {
                panic!("expected one condition for {claim}");
            };
            let want: Vec<Option<String>> = values.iter().map(|v| Some(v.to_string())).collect();
            assert_eq!(got, &want, "{claim}");
        }
    }

    #[test]
    fn only_json_true_unlocks_a_condition() {
        for value in [
            json!("true"),
            json!("True"),
            json!("False"),
            json!("0"),
            json!("no"),
            json!("off"),
            json!(1),
            json!({}),
            json!([true]),
            json!(null),
        ] {
            let g = grant(json!({ "audit_enabled": value }), &["auditor"]);
            assert!(!g.allows_owner("Audit"), "{value} unlocked the condition");
        }
        let g = grant(json!({"audit_enabled": true}), &["auditor"]);
        assert!(g.allows_owner("Audit"));
    }

    #[test]
    fn policies_combine_with_or() {
        let g = grant(json!({"tenant_id": "t1"}), &["admin"]);
        assert_eq!(g.rows("Orders"), RowGrant::All);
        // The admin policy has no member_level, so it grants `secret`.
        assert!(g.allows_member(&model(), "Orders", "secret"));
    }

    #[test]
    fn no_applicable_policy_denies_the_cube() {
        let m = model();
        let g = grant(json!({"audit_enabled": false}), &["auditor"]);
        assert!(!g.allows_owner("Audit"));
        let g = grant(json!({"audit_enabled": true}), &["auditor"]);
        assert!(g.allows_owner("Audit"));
        assert!(g.allows_member(&m, "Audit", "id"));
        let g = grant(json!({"audit_enabled": true}), &["other"]);
        assert!(g
            .check(&m, "Audit.id", "Audit", "id", ("Audit", "id"))
            .is_err());
    }

    #[test]
    fn a_claim_list_fills_a_whole_values_list() {
        let claims = json!({"countries": ["DE", "FR"]});
        let f = fill(
            "Orders",
            &RowFilter::Member {
                member: "country".into(),
                operator: "equals".into(),
                values: Some(json!("{ securityContext.countries }")),
            },
            &claims,
        );
        assert_eq!(
            f,
            Some(Filter::Member {
                member: "Orders.country".into(),
                operator: FilterOperator::Equals,
                values: vec![Some("DE".into()), Some("FR".into())],
            })
        );
        // An object where a value should be is refused, not stringified.
        let claims = json!({"countries": {"a": 1}});
        let f = fill(
            "Orders",
            &RowFilter::Member {
                member: "country".into(),
                operator: "equals".into(),
                values: Some(json!(["{ securityContext.countries }"])),
            },
            &claims,
        );
        assert_eq!(f, None);
    }
}
