//! Bounds on how much one query may ask for, so that no caller can overload
//! the database with a single request.

use strata_schema::SemanticModel;

use crate::error::{query_err, QueryError};
use crate::plan::LogicalPlan;
use crate::query::{Filter, Query};

/// Most queries one `/load` request may hold (an array of queries).
pub(crate) const MAX_QUERIES_PER_REQUEST: usize = 32;

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
    /// Most buckets of a generated time series (rolling windows by a
    /// granularity: one bucket per second, day... of the date range), which
    /// the database makes whether or not rows fall in them. Plain time
    /// dimensions are not bounded: they return at most one row per bucket
    /// holding data, within the row limit.
    pub max_time_series_buckets: usize,
    /// Most date ranges of a `compareDateRange` (each is one query).
    pub max_compare_ranges: usize,
}

impl Default for QueryLimits {
    /// 10,000 buckets: Cube's default row limit, daily buckets over 27
    /// years or hourly over 416 days (the conformance corpus needs 366).
    /// 32 compared ranges: as many queries as an array request may hold
    /// (`MAX_QUERIES_PER_REQUEST`); Cube itself sets no cap.
    fn default() -> Self {
        QueryLimits {
            max_members: 64,
            max_joined_cubes: 16,
            max_filter_conditions: 128,
            max_filter_values: 1_000,
            max_time_series_buckets: 10_000,
            max_compare_ranges: MAX_QUERIES_PER_REQUEST,
        }
    }
}

impl QueryLimits {
    /// Checks a parsed query before planning.
    pub(crate) fn check_query(&self, q: &Query) -> Result<(), QueryError> {
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

    /// Checks a plan of `model`: its joins and the time series its rolling
    /// windows generate.
    pub(crate) fn check_plan(
        &self,
        model: &SemanticModel,
        plan: &LogicalPlan,
    ) -> Result<(), QueryError> {
        let joined = plan.join.cubes().count();
        if joined > self.max_joined_cubes {
            return Err(query_err!(
                "Query is too complex: it joins {joined} cubes, at most {} are allowed",
                self.max_joined_cubes
            ));
        }
        self.check_time_series(model, plan)
    }

    /// Checks the number of `compareDateRange` ranges.
    pub(crate) fn check_compare_ranges(&self, ranges: usize) -> Result<(), QueryError> {
        if ranges > self.max_compare_ranges {
            return Err(query_err!(
                "Query is too complex: compareDateRange has {ranges} date ranges, at most {} \
                 are allowed (each range is one query)",
                self.max_compare_ranges
            ));
        }
        Ok(())
    }

    /// Rolling windows by a granularity aggregate over a time series of the
    /// first time dimension with a granularity (see
    /// `sql::time_series`): its buckets are counted before any SQL runs.
    fn check_time_series(
        &self,
        model: &SemanticModel,
        plan: &LogicalPlan,
    ) -> Result<(), QueryError> {
        let Some(td) = plan.dimensions.iter().find(|d| d.granularity.is_some()) else {
            return Ok(());
        };
        let Some((granularity, range)) = td.granularity.zip(
            plan.time_ranges
                .iter()
                .find(|t| t.target == td.target)
                .and_then(|t| t.range),
        ) else {
            return Ok(());
        };
        // Measures referenced by multi-stage measures roll too.
        let split = plan.stages(model)?;
        let measures = split.as_ref().map_or(&plan.measures, |s| &s.base.measures);
        let rolling = measures.iter().find(|m| {
            model
                .cube(&m.target.cube)
                .and_then(|c| c.measures.get(&m.target.member))
                .is_some_and(|d| !d.multi_stage && d.effective_rolling_window().is_some())
        });
        let Some(m) = rolling else {
            return Ok(());
        };
        let buckets = range.buckets(granularity);
        let max = u64::try_from(self.max_time_series_buckets).unwrap_or(u64::MAX);
        if buckets.is_none_or(|n| n > max) {
            return Err(query_err!(
                "Query is too large: the rolling window of {} makes a time series of {} {} \
                 buckets over {}, at most {} are allowed: use a coarser granularity or a \
                 shorter dateRange",
                m.name,
                buckets.map_or_else(|| "too many".to_string(), |n| n.to_string()),
                granularity.as_str(),
                range.describe(),
                self.max_time_series_buckets
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

    fn rolling_by(measure: &str, granularity: &str, range: [&str; 2]) -> Query {
        query(
            json!({"measures": [format!("Events.{measure}")], "timeDimensions": [
            {"dimension": "Events.createdAt", "granularity": granularity, "dateRange": range}]}),
        )
    }

    #[test]
    fn bounds_generated_time_series() {
        for postgres in [true, false] {
            let engine = crate::testing::windows_engine(postgres);
            // The conformance corpus: daily over 2020.
            let day = rolling_by("rolling2Days", "day", ["2020-01-01", "2020-12-31"]);
            assert!(engine.plan(&day).is_ok());
            for (measure, granularity, range, buckets) in [
                (
                    "rolling2Days",
                    "second",
                    ["1990-01-01", "2039-12-31"],
                    "1577836800 second",
                ),
                (
                    "rolling2Days",
                    "second",
                    ["2020-01-01", "2020-01-01"],
                    "86400 second",
                ),
                (
                    "runningTotal",
                    "hour",
                    ["2020-01-01", "2021-12-31"],
                    "17544 hour",
                ),
                // A multi-stage measure over a rolling one.
                (
                    "share",
                    "minute",
                    ["2020-01-01", "2020-01-07"],
                    "10080 minute",
                ),
            ] {
                let query = rolling_by(measure, granularity, range);
                let err = engine
                    .plan(&query)
                    .expect_err("too many buckets")
                    .to_string();
                assert!(err.contains(&format!("{buckets} buckets")), "{err}");
                assert!(err.contains("at most 10000"), "{err}");
            }
            // Plain time dimensions only return buckets holding data.
            let plain = rolling_by("count", "second", ["1990-01-01", "2039-12-31"]);
            assert!(engine.plan(&plain).is_ok());
        }
        // The limit is inclusive: 366 days of 2020.
        let limits = |n| QueryLimits {
            max_time_series_buckets: n,
            ..QueryLimits::default()
        };
        let model = crate::testing::windows_engine(true).model().clone();
        let engine = |n| {
            crate::Engine::builder(model.clone())
                .limits(limits(n))
                .build()
        };
        let day = rolling_by("rolling2Days", "day", ["2020-01-01", "2020-12-31"]);
        assert!(engine(366).plan(&day).is_ok());
        let err = engine(365).plan(&day).expect_err("367 > 366").to_string();
        assert!(err.contains("366 day buckets"), "{err}");
    }

    #[test]
    fn caps_compare_date_ranges() {
        let engine = crate::testing::windows_engine(true);
        let compare = |n: usize| {
            let ranges: Vec<_> = (0..n)
                .map(|i| json!([format!("2020-01-{:02}", i % 28 + 1), "2020-12-31"]))
                .collect();
            let request = json!({"measures": ["Events.count"], "timeDimensions": [
                {"dimension": "Events.createdAt", "compareDateRange": ranges}]});
            crate::query::QueryRequest::from_json(&request).expect("valid request")
        };
        let ok = engine.prepare_request(&compare(32)).expect("32 ranges");
        assert_eq!(ok.queries.len(), 32);
        for n in [33, 1_000] {
            let err = engine
                .prepare_request(&compare(n))
                .expect_err("too many ranges")
                .to_string();
            assert!(
                err.contains(&format!("compareDateRange has {n} date ranges, at most 32")),
                "{err}"
            );
        }
    }
}
