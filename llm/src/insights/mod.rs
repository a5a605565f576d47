//! Insights computed from a result, never invented: totals, period-over-period
//! change, top and bottom contributors, and anomalies by robust z-score.
//!
//! Each [`Insight`] carries the [`Fact`]s it was computed from, and its text
//! is a template that only interpolates those facts' `formatted` strings. An
//! LLM may rephrase the text; [`Insight::grounds`] then checks that every
//! number in the new text is one of the facts (see [`grounded`]).

mod compute;
mod grounding;
pub(crate) mod series;
mod stats;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::intent::Intent;
use crate::table::ResultTable;

pub use grounding::{grounded, numbers_in};
pub use stats::{robust_z_scores, ANOMALY_THRESHOLD};

/// What an insight is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InsightKind {
    /// The single value of a one-row result.
    Value,
    /// The total of a sum or count measure.
    Total,
    /// Change between the last two full periods (or two compared ranges).
    Change,
    /// The largest contributors.
    Top,
    /// The smallest contributors.
    Bottom,
    /// Periods far from the typical value (or that none are).
    Anomaly,
    /// A forecast of the next periods, with its method and backtest.
    Forecast,
}

/// One computed number or label an insight states.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    /// What it is: `total`, `change_pct`, `current_period`...
    pub name: String,
    /// The value: a JSON number, or a string for labels and periods.
    pub value: Value,
    /// The value as the text writes it (`$1,234.50`, `+12.5%`, `2024-03`).
    pub formatted: String,
}

impl Fact {
    /// A numeric fact.
    pub fn number(name: &str, value: f64, formatted: String) -> Fact {
        Fact {
            name: name.to_owned(),
            value: serde_json::Number::from_f64(value)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            formatted,
        }
    }

    /// A label fact (a period, a category, a member title).
    pub fn label(name: &str, label: &str) -> Fact {
        Fact {
            name: name.to_owned(),
            value: Value::String(label.to_owned()),
            formatted: label.to_owned(),
        }
    }
}

/// A statement about the data, with the facts it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Insight {
    /// What it is about.
    pub kind: InsightKind,
    /// The sentence, made only of the facts' formatted values.
    pub text: String,
    /// The facts.
    pub facts: Vec<Fact>,
}

impl Insight {
    /// True when every number in the insight's own text comes from its facts.
    pub fn is_grounded(&self) -> bool {
        grounded(&self.text, &self.facts)
    }

    /// True when every number in `text` (say, an LLM's rephrasing of this
    /// insight) comes from this insight's facts.
    pub fn grounds(&self, text: &str) -> bool {
        grounded(text, &self.facts)
    }

    /// The fact called `name`.
    pub fn fact(&self, name: &str) -> Option<&Fact> {
        self.facts.iter().find(|f| f.name == name)
    }
}

/// The insights of `table` for a question of `intent`, most relevant first.
/// Periods that have not ended by today (UTC) are left out of changes.
pub fn compute(intent: Intent, table: &ResultTable) -> Vec<Insight> {
    compute_as_of(intent, table, chrono::Utc::now().date_naive())
}

/// [`compute`] with `today` deciding which periods are complete.
pub fn compute_as_of(intent: Intent, table: &ResultTable, today: NaiveDate) -> Vec<Insight> {
    let mut insights = compute::all(intent, table, today);
    insights.sort_by_key(|i| rank(intent, i.kind));
    insights
}

fn rank(intent: Intent, kind: InsightKind) -> usize {
    use InsightKind::*;
    let order: &[InsightKind] = match intent {
        Intent::Metric => &[Value, Total, Change, Top, Bottom, Anomaly],
        Intent::Trend | Intent::Comparison => &[Change, Value, Total, Anomaly, Top, Bottom],
        Intent::Anomaly => &[Anomaly, Change, Value, Total, Top, Bottom],
        Intent::Distribution | Intent::TopN => &[Top, Bottom, Value, Total, Change, Anomaly],
    };
    order.iter().position(|k| *k == kind).unwrap_or(order.len())
}
