//! Checking each field of an answer against the catalog, collecting every
//! problem in words the LLM can act on.

use std::collections::HashSet;

use serde_json::{json, Map, Value};
use strata_engine::query::{DateRangeSpec, Filter, FilterOperator, TimeDimensionSpec};
use strata_schema::MemberKind;

use super::{looks_like_sql, quoted, type_name, MAX_LIMIT, MAX_VALUES, MAX_VALUE_CHARS};
use crate::catalog::{kind_name, Catalog, CatalogMember};
use crate::client::clip;
use crate::constrain::{operators, operators_for, CHARTS, GRANULARITIES, INTENTS};
use crate::intent::{ChartType, Intent};

/// Walks an answer field by field; every check records its errors.
pub(crate) struct Checker<'a> {
    catalog: &'a Catalog,
    errors: Vec<String>,
}

impl<'a> Checker<'a> {
    /// A checker with no errors yet.
    pub(crate) fn new(catalog: &'a Catalog) -> Checker<'a> {
        Checker {
            catalog,
            errors: Vec::new(),
        }
    }

    /// The errors found so far.
    pub(crate) fn errors(&self) -> &[String] {
        &self.errors
    }

    /// The errors found.
    pub(crate) fn into_errors(self) -> Vec<String> {
        self.errors
    }

    pub(crate) fn error(&mut self, e: String) {
        self.errors.push(e);
    }

    /// The catalog member `v` names, if it is one (an error otherwise).
    fn member(&mut self, v: &Value, field: &str) -> Option<&'a CatalogMember> {
        let Some(name) = v.as_str() else {
            self.error(format!(
                "{field}: expected a member name, got {}",
                type_name(v)
            ));
            return None;
        };
        match self.catalog.get(name) {
            Some(m) => Some(m),
            None => {
                let hint = suggestions(self.catalog, name);
                self.error(format!(
                    "{field}: {} is not an available member{hint}",
                    quoted(name)
                ));
                None
            }
        }
    }

    /// A member of kind `kind` (time dimensions count as dimensions).
    fn member_of_kind(&mut self, v: &Value, field: &str, kind: MemberKind) -> Option<String> {
        let m = self.member(v, field)?;
        if m.kind != kind {
            self.error(format!(
                "{field}: {} is a {}, not a {}",
                m.name,
                kind_name(m.kind),
                kind_name(kind)
            ));
            return None;
        }
        Some(m.name.clone())
    }

    fn array<'v>(&mut self, v: Option<&'v Value>, field: &str) -> &'v [Value] {
        match v {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.error(format!(
                    "{field} must be an array, got {}",
                    type_name(other)
                ));
                &[]
            }
        }
    }

    pub(crate) fn member_list(
        &mut self,
        v: Option<&Value>,
        field: &str,
        kind: MemberKind,
    ) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for item in self.array(v, field) {
            if let Some(name) = self.member_of_kind(item, field, kind) {
                if seen.insert(name.clone()) {
                    out.push(name);
                }
            }
        }
        out
    }

    fn object<'v>(
        &mut self,
        v: &'v Value,
        field: &str,
        keys: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Some(obj) = v.as_object() else {
            self.error(format!("{field} must be an object, got {}", type_name(v)));
            return None;
        };
        for k in obj.keys().filter(|k| !keys.contains(&k.as_str())) {
            self.error(format!(
                "{field}: unexpected field {} (allowed: {})",
                quoted(k),
                keys.join(", ")
            ));
        }
        Some(obj)
    }

    /// A string from a closed set (`None` for null or absent).
    fn choice(&mut self, v: Option<&Value>, field: &str, allowed: &[&str]) -> Option<String> {
        match v {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if allowed.contains(&s.as_str()) => Some(s.clone()),
            Some(other) => {
                let got = other
                    .as_str()
                    .map(quoted)
                    .unwrap_or_else(|| type_name(other).to_owned());
                self.error(format!(
                    "{field}: {got} is not one of {}",
                    allowed.join(", ")
                ));
                None
            }
        }
    }

    pub(crate) fn time_dimension(&mut self, v: Option<&Value>) -> Option<TimeDimensionSpec> {
        let v = v.filter(|v| !v.is_null())?;
        let field = "timeDimension";
        let obj = self.object(v, field, &["dimension", "granularity", "dateRange"])?;
        let Some(dim) = obj.get("dimension") else {
            self.error(format!("{field}.dimension is missing"));
            return None;
        };
        let member = self.member(dim, "timeDimension.dimension")?;
        if !member.is_time() {
            self.error(format!(
                "timeDimension.dimension: {} is not a time dimension",
                member.name
            ));
            return None;
        }
        let mut td = TimeDimensionSpec {
            dimension: member.name.clone(),
            granularity: None,
            date_range: None,
            compare_date_range: None,
        };
        if let Some(g) = self.choice(
            obj.get("granularity"),
            "timeDimension.granularity",
            &GRANULARITIES,
        ) {
            // Every name of GRANULARITIES is a granularity.
            td.granularity = g.parse().ok();
        }
        match obj.get("dateRange") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                td.date_range = self.date_range(s).map(DateRangeSpec::Relative);
            }
            Some(Value::Array(pair)) if pair.len() == 2 => {
                let mut dates: Vec<String> = pair
                    .iter()
                    .filter_map(|d| d.as_str())
                    .filter_map(|d| self.date_range(d))
                    .collect();
                if let (Some(to), Some(from), true) = (dates.pop(), dates.pop(), dates.is_empty()) {
                    td.date_range = Some(DateRangeSpec::Pair(from, to));
                } else {
                    self.error("timeDimension.dateRange: expected two date strings".into());
                }
            }
            Some(other) => self.error(format!(
                "timeDimension.dateRange must be a string or null, got {}",
                type_name(other)
            )),
        }
        Some(td)
    }

    /// A date range phrase: bounded and plain. `A to B` becomes `from A to B`.
    fn date_range(&mut self, s: &str) -> Option<String> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 60 || s.chars().any(|c| c.is_control()) {
            self.error(format!(
                "timeDimension.dateRange: {} is not a date range",
                quoted(s)
            ));
            return None;
        }
        let lower = s.to_ascii_lowercase();
        if !lower.starts_with("from ") {
            if let Some((a, b)) = s.split_once(" to ") {
                return Some(format!("from {} to {}", a.trim(), b.trim()));
            }
        }
        Some(s.to_owned())
    }

    pub(crate) fn filters(&mut self, v: Option<&Value>) -> Vec<Filter> {
        let items = self.array(v, "filters");
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let field = format!("filters[{i}]");
            if let Some(f) = self.filter(item, &field) {
                out.push(f);
            }
        }
        out
    }

    fn filter(&mut self, item: &Value, field: &str) -> Option<Filter> {
        let obj = self.object(item, field, &["member", "operator", "values"])?;
        let member = self.member(obj.get("member").unwrap_or(&Value::Null), field);
        let all_ops = operators();
        let operator = self.choice(obj.get("operator"), &format!("{field}.operator"), &all_ops);
        if obj.get("operator").is_none_or(Value::is_null) {
            self.error(format!("{field}.operator is missing"));
        }
        let (member, operator) = (member?, operator?);
        let allowed = operators_for(member);
        if !allowed.contains(&operator.as_str()) {
            self.error(format!(
                "{field}: operator {operator} does not apply to {} ({} {}); use one of {}",
                member.name,
                member.data_type,
                kind_name(member.kind),
                if allowed.is_empty() {
                    "none: list it in segments instead".to_owned()
                } else {
                    allowed.join(", ")
                }
            ));
            return None;
        }
        let op = FilterOperator::parse(&operator)?;
        let exact = matches!(op, FilterOperator::Equals | FilterOperator::NotEquals);
        let mut values = Vec::new();
        let given = self.array(obj.get("values"), &format!("{field}.values"));
        for (j, v) in given.iter().enumerate() {
            if let Some(value) = self.value(v, &format!("{field}.values[{j}]"), member, exact) {
                values.push(value);
            }
        }
        if matches!(op, FilterOperator::Set | FilterOperator::NotSet) {
            // They take no values; any given are dropped, not bound.
            values.clear();
        }
        let (min, max) = match op {
            FilterOperator::Equals | FilterOperator::NotEquals => (1, MAX_VALUES),
            other => {
                let (min, max) = other.arity();
                (min, max.min(MAX_VALUES))
            }
        };
        if values.len() < min || values.len() > max {
            self.error(format!(
                "{field}: operator {operator} takes {} value(s), got {}",
                if min == max {
                    min.to_string()
                } else {
                    format!("{min} to {max}")
                },
                values.len()
            ));
            return None;
        }
        Some(Filter::Member {
            member: member.name.clone(),
            operator: op,
            values: values.into_iter().map(Some).collect(),
        })
    }

    /// A filter value: a plain, bounded string (numbers and booleans are
    /// accepted and written as strings) that fits the member; `exact` for
    /// equality operators, which must name a known value when the member
    /// lists its values.
    fn value(
        &mut self,
        v: &Value,
        field: &str,
        member: &CatalogMember,
        exact: bool,
    ) -> Option<String> {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                self.error(format!(
                    "{field}: expected a plain value, got {}",
                    type_name(other)
                ));
                return None;
            }
        };
        if text.chars().count() > MAX_VALUE_CHARS {
            self.error(format!(
                "{field}: value is longer than {MAX_VALUE_CHARS} characters"
            ));
            return None;
        }
        if text.chars().any(|c| c.is_control()) {
            self.error(format!("{field}: value contains control characters"));
            return None;
        }
        if looks_like_sql(&text) {
            self.error(format!(
                "{field}: {} looks like SQL; values are plain data",
                quoted(&text)
            ));
            return None;
        }
        if member.data_type == "number" && text.trim().parse::<f64>().is_err() {
            self.error(format!(
                "{field}: {} is not a number ({} is numeric)",
                quoted(&text),
                member.name
            ));
            return None;
        }
        if exact && !member.sample_values.is_empty() && member.data_type == "string" {
            // A low-cardinality dimension compared for equality: only its
            // known values, spelled as the data spells them.
            let known = member
                .sample_values
                .iter()
                .find(|s| s.eq_ignore_ascii_case(text.trim()));
            if known.is_none() {
                self.error(format!(
                    "{field}: {} is not a value of {} (known values: {})",
                    quoted(&text),
                    member.name,
                    clip(&member.sample_values.join(", "), 300)
                ));
            }
            return known.cloned();
        }
        Some(text)
    }

    /// `(member, descending)` pairs.
    pub(crate) fn order(&mut self, v: Option<&Value>) -> Vec<(String, bool)> {
        let items = self.array(v, "order");
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let field = format!("order[{i}]");
            let Some(obj) = self.object(item, &field, &["member", "direction"]) else {
                continue;
            };
            let member = self.member(obj.get("member").unwrap_or(&Value::Null), &field);
            let direction = obj
                .get("direction")
                .filter(|d| !d.is_null())
                .map(|d| self.choice(Some(d), &format!("{field}.direction"), &["asc", "desc"]))
                .unwrap_or_else(|| Some("asc".into()));
            if let (Some(m), Some(direction)) = (member, direction) {
                if m.kind == MemberKind::Segment {
                    self.error(format!(
                        "{field}: {} is a segment and cannot be sorted by",
                        m.name
                    ));
                } else {
                    out.push((m.name.clone(), direction == "desc"));
                }
            }
        }
        out
    }

    pub(crate) fn limit(&mut self, v: Option<&Value>) -> Option<u64> {
        let n = match v {
            None | Some(Value::Null) => return None,
            Some(Value::Number(n)) => n,
            Some(other) => {
                self.error(format!(
                    "limit must be an integer or null, got {}",
                    type_name(other)
                ));
                return None;
            }
        };
        let whole = n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        });
        match whole {
            Some(l) if (1..=MAX_LIMIT).contains(&l) => Some(l),
            _ => {
                self.error(format!(
                    "limit {n} is not a whole number from 1 to {MAX_LIMIT}"
                ));
                None
            }
        }
    }

    pub(crate) fn chart(&mut self, v: Option<&Value>) -> Option<ChartType> {
        let name = self.choice(v, "chart", &CHARTS)?;
        serde_json::from_value(json!(name)).ok()
    }

    pub(crate) fn intent(&mut self, v: Option<&Value>, grouped_by_time: bool) -> Intent {
        let fallback = if grouped_by_time {
            Intent::Trend
        } else {
            Intent::Metric
        };
        self.choice(v, "intent", &INTENTS)
            .and_then(|name| serde_json::from_value(json!(name)).ok())
            .unwrap_or(fallback)
    }

    pub(crate) fn unmatched(&mut self, v: Option<&Value>) -> Vec<String> {
        self.array(v, "unmatched")
            .iter()
            .filter_map(Value::as_str)
            .map(|s| clip(s.trim(), 60))
            .filter(|s| !s.is_empty())
            .take(20)
            .collect()
    }
}

/// Up to five members whose names resemble `name`, as a hint for the repair.
fn suggestions(catalog: &Catalog, name: &str) -> String {
    let short = name.rsplit('.').next().unwrap_or(name).to_lowercase();
    let words: Vec<&str> = short
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 3)
        .collect();
    let similar: Vec<&str> = catalog
        .members()
        .iter()
        .filter(|m| {
            let s = m.short_name().to_lowercase();
            words.iter().any(|w| s.contains(w))
                || m.synonyms
                    .iter()
                    .any(|syn| words.iter().any(|w| syn.to_lowercase().contains(w)))
        })
        .map(|m| m.name.as_str())
        .take(5)
        .collect();
    if similar.is_empty() {
        String::new()
    } else {
        format!(" (similar: {})", similar.join(", "))
    }
}
