//! A change asked about over one period. "How much did revenue change from
//! March to April" compares the two months (see
//! `compare_words::compares_periods_from`);
//! "how has revenue changed over the last 6 months" and "has the
//! cancellation rate changed since January" ask for its course over the
//! span, a series; "how much did revenue change last month" names one short
//! period and nothing to compare it with, so it is asked about rather than
//! answered with the month's total.

use super::build::trend_granularity;
use super::compare_words::is_change_word;
use super::parse::Analysis;
use crate::translation::{granularity as parse_granularity, Translation};

/// Makes the answer to a change over one long period a series; returns the
/// change word when no period or one too short to show a course (a month or
/// less) is named and nothing else is compared.
pub(super) fn over_one_period(a: &Analysis, t: &mut Translation) -> Option<String> {
    let word = a.tokens.iter().find(|tok| is_change_word(&tok.text))?;
    // "the delta between web and mobile": the values are compared.
    if !t.query.dimensions.is_empty() {
        return None;
    }
    // "how has revenue changed?": over what is not said.
    let Some(td) = t.query.time_dimensions.first_mut() else {
        return Some(word.orig.clone());
    };
    if td.compare_date_range.is_some() || td.granularity.is_some() {
        return None;
    }
    let ranges = a.ranges();
    let [range] = ranges.as_slice() else {
        return None;
    };
    if range.approx_days() > 31 {
        td.granularity = parse_granularity(trend_granularity(Some(range)));
        None
    } else {
        Some(word.orig.clone())
    }
}
