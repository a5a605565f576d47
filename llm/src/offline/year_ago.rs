//! "Profit by month in 2020 next to the profit a year earlier", "the
//! year-ago profit figure": where the model has the same figure a year
//! back as a measure of its own (`totalProfitYearAgo` beside
//! `totalProfit`), the words ask for that measure, beside the figure when
//! they put it next to it, instead of it otherwise. Without this they were
//! unplaced and the question refused.

use super::parse::Analysis;
use super::text::split_identifier;
use super::OfflineParser;
use crate::translation::Translation;

/// Words that only say "a year back" or put the two side by side.
const SAID: &[&str] = &[
    "ago",
    "earlier",
    "before",
    "year",
    "next",
    "alongside",
    "beside",
    "figure",
    "same",
];

/// Reads "a year earlier" as the model's year-ago measure of the figure
/// asked for. Returns whether it did.
pub(crate) fn apply(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    let year_back = words
        .windows(2)
        .any(|w| w[0] == "year" && matches!(w[1], "ago" | "earlier"));
    // "profit in 2020 compared with the year before" read as two periods
    // is already the answer.
    let periods_compared = t
        .query
        .time_dimensions
        .iter()
        .any(|td| td.compare_date_range.is_some());
    if !year_back || periods_compared || t.query.measures.len() != 1 {
        return false;
    }
    let catalog = parser.catalog();
    let Some(shown) = catalog.get(&t.query.measures[0]) else {
        return false;
    };
    let mut wanted = split_identifier(shown.short_name());
    wanted.extend(["year".to_owned(), "ago".to_owned()]);
    let Some(year_ago) = catalog.members().iter().find(|m| {
        m.kind == strata_schema::MemberKind::Measure
            && split_identifier(m.short_name()) == wanted
            && super::rates::holds_every_name(
                catalog.members(),
                &m.owner,
                &super::rates::query_member_names(t),
            )
    }) else {
        return false;
    };
    let (owner, name) = (year_ago.owner.clone(), year_ago.name.clone());
    let beside = words.iter().any(|w| {
        matches!(
            *w,
            "next"
                | "alongside"
                | "beside"
                | "vs"
                | "versus"
                | "and"
                | "against"
                | "with"
                | "than"
                | "compare"
                | "compared"
        )
    });
    if shown.owner != owner {
        super::rates::move_to_cube(t, &owner);
    }
    if beside {
        t.query.measures.push(name);
    } else {
        t.query.measures = vec![name];
    }
    t.unmatched
        .retain(|u| !SAID.contains(&u.to_lowercase().as_str()));
    true
}
