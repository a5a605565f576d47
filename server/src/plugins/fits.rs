//! A plugin's `fits` rule: the result shapes its chart can show, written
//! declaratively in the manifest and checked against each answer.

use serde::{Deserialize, Serialize};
use strata_llm::{ColumnRole, ResultTable};

/// How many columns of one kind a result may have (both ends inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountRange {
    /// Fewest allowed (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<usize>,
    /// Most allowed (default: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
}

impl CountRange {
    fn contains(&self, n: usize) -> bool {
        self.min.is_none_or(|min| n >= min) && self.max.is_none_or(|max| n <= max)
    }
}

/// The result shapes a plugin's chart fits, e.g.
/// `{"dimensions": {"min": 1, "max": 1}, "measures": {"min": 1, "max": 1},
/// "timeDimension": false, "maxRows": 20}`. An absent field allows anything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Fits {
    /// Category dimensions (not time dimensions with a granularity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<CountRange>,
    /// Measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measures: Option<CountRange>,
    /// `true`: a time dimension with a granularity is required; `false`: it
    /// is not allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_dimension: Option<bool>,
    /// Fewest rows (default 1: an empty result fits no plugin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_rows: Option<usize>,
    /// Most rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<usize>,
}

/// What a [`Fits`] rule looks at in a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultShape {
    /// Category dimension columns.
    pub dimensions: usize,
    /// Measure columns.
    pub measures: usize,
    /// Whether a time column (with a granularity) is present.
    pub time_dimension: bool,
    /// Row count.
    pub rows: usize,
}

impl ResultShape {
    /// The shape of an answer's result table.
    pub fn of(table: &ResultTable) -> ResultShape {
        let count = |role: ColumnRole| table.columns.iter().filter(|c| c.role == role).count();
        ResultShape {
            dimensions: count(ColumnRole::Dimension),
            measures: count(ColumnRole::Measure),
            time_dimension: count(ColumnRole::Time) > 0,
            rows: table.rows.len(),
        }
    }
}

impl Fits {
    /// Whether a result of `shape` can be drawn by the plugin.
    pub fn matches(&self, shape: &ResultShape) -> bool {
        let in_range = |range: &Option<CountRange>, n| range.is_none_or(|r| r.contains(n));
        in_range(&self.dimensions, shape.dimensions)
            && in_range(&self.measures, shape.measures)
            && self
                .time_dimension
                .is_none_or(|wanted| wanted == shape.time_dimension)
            && shape.rows >= self.min_rows.unwrap_or(1)
            && self.max_rows.is_none_or(|max| shape.rows <= max)
    }

    /// Why the rule can never match (a minimum above its maximum), if so.
    pub fn contradiction(&self) -> Option<String> {
        let ranges = [("dimensions", self.dimensions), ("measures", self.measures)];
        for (what, range) in ranges {
            if let Some(CountRange {
                min: Some(min),
                max: Some(max),
            }) = range
            {
                if min > max {
                    return Some(format!("{what}.min ({min}) is above {what}.max ({max})"));
                }
            }
        }
        match (self.min_rows, self.max_rows) {
            (Some(min), Some(max)) if min > max => {
                Some(format!("minRows ({min}) is above maxRows ({max})"))
            }
            (_, Some(0)) => Some("maxRows is 0, so no result fits".to_owned()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(dimensions: usize, measures: usize, time: bool, rows: usize) -> ResultShape {
        ResultShape {
            dimensions,
            measures,
            time_dimension: time,
            rows,
        }
    }

    #[test]
    fn a_funnel_rule() {
        let fits: Fits = serde_json::from_str(
            r#"{"dimensions": {"min":1,"max":1}, "measures": {"min":1,"max":1},
                "timeDimension": false, "maxRows": 20}"#,
        )
        .expect("valid rule");
        assert!(fits.matches(&shape(1, 1, false, 5)));
        assert!(!fits.matches(&shape(1, 1, false, 21)), "too many rows");
        assert!(!fits.matches(&shape(1, 1, false, 0)), "empty");
        assert!(!fits.matches(&shape(2, 1, false, 5)), "two dimensions");
        assert!(!fits.matches(&shape(1, 2, false, 5)), "two measures");
        assert!(!fits.matches(&shape(1, 1, true, 5)), "a time series");
        assert_eq!(fits.contradiction(), None);
    }

    #[test]
    fn empty_rule_fits_any_non_empty_result() {
        let fits = Fits::default();
        assert!(fits.matches(&shape(3, 0, true, 1)));
        assert!(!fits.matches(&shape(3, 0, true, 0)));
    }

    #[test]
    fn contradictions_and_typos_are_found() {
        let fits: Fits =
            serde_json::from_str(r#"{"measures": {"min": 2, "max": 1}}"#).expect("parses");
        assert!(fits
            .contradiction()
            .expect("contradiction")
            .contains("measures.min"));
        let typo =
            serde_json::from_str::<Fits>(r#"{"measure": {"min": 1}}"#).expect_err("unknown field");
        assert!(typo.to_string().contains("measure"), "{typo}");
    }
}
