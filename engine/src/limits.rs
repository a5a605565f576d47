//! Bounds on how much one query may ask for, so that no caller can overload
//! the database with a single request.

use crate::error::{query_err, QueryError};
use crate::plan::LogicalPlan;
use crate::query::{Filter, Query};

/// Per-query complexity bounds (rows are bounded by the 50,000 row limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Most member references (measures, dimensions, time dimensions,
    /// segments, filter and order members).
    pub max_members: usize,
    /// Most cubes joined by one query.
    pub max_joined_cubes: usize,
    /// Most filter conditions (leaves of the filter tree).
    pub max_filter_conditions: usize,
    /// Most values in one filter condition.
    pub max_filter_values: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            max_members: 64,
            max_joined_cubes: 16,
            max_filter_conditions: 128,
            max_filter_values: 1_000,
        }
    }
}

impl QueryLimits {
    /// Checks a parsed query before planning.
    pub fn check_query(&self, q: &Query) -> Result<(), QueryError> {
        let mut members = 0usize;
        q.member_names(&mut |_| members += 1);
        if members > self.max_members {
            return Err(query_err!(
                "Query is too complex: it names {members} members, at most {} are allowed",
                self.max_members
            ));
        }
        let (mut conditions, mut widest) = (0usize, 0usize);
        for f in &q.filters {
            count_conditions(f, &mut conditions, &mut widest);
        }
        if conditions > self.max_filter_conditions {
            return Err(query_err!(
                "Query is too complex: it has {conditions} filter conditions, at most {} are allowed",
                self.max_filter_conditions
            ));
        }
        if widest > self.max_filter_values {
            return Err(query_err!(
                "Query is too complex: a filter has {widest} values, at most {} are allowed",
                self.max_filter_values
            ));
        }
        Ok(())
    }

    /// Checks a plan (its joins).
    pub fn check_plan(&self, plan: &LogicalPlan) -> Result<(), QueryError> {
        let joined = plan.join.cubes().count();
        if joined > self.max_joined_cubes {
            return Err(query_err!(
                "Query is too complex: it joins {joined} cubes, at most {} are allowed",
                self.max_joined_cubes
            ));
        }
        Ok(())
    }
}

fn count_conditions(f: &Filter, conditions: &mut usize, widest: &mut usize) {
    match f {
        Filter::Member { values, .. } => {
            *conditions += 1;
            *widest = (*widest).max(values.len());
        }
        Filter::And(v) | Filter::Or(v) => v
            .iter()
            .for_each(|x| count_conditions(x, conditions, widest)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn query(v: serde_json::Value) -> Query {
        Query::from_json(&v).expect("valid query")
    }

    #[test]
    fn refuses_too_many_members_and_values() {
        let limits = QueryLimits {
            max_members: 2,
            max_filter_values: 3,
            ..QueryLimits::default()
        };
        let ok = query(json!({"measures": ["A.x"], "dimensions": ["A.y"]}));
        assert!(limits.check_query(&ok).is_ok());
        let many = query(json!({"measures": ["A.x"], "dimensions": ["A.y", "A.z"]}));
        let err = limits.check_query(&many).expect_err("too many members");
        assert!(err.to_string().contains("3 members"), "{err}");
        let wide = query(json!({"measures": ["A.x"], "filters": [
            {"member": "A.y", "operator": "equals", "values": ["1", "2", "3", "4"]}]}));
        let err = limits.check_query(&wide).expect_err("too many values");
        assert!(err.to_string().contains("4 values"), "{err}");
    }
}
