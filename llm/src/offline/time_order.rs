//! A series put in time order by words: "newest first", "most recent
//! first", "oldest first", "in chronological order", "in date order". The
//! words order the series shown; they ask for no earliest or latest record.

use super::parse::Analysis;
use crate::translation::Translation;

/// Phrases (lowercase words) and whether they sort the newest first.
const ORDERS: &[(&[&str], bool)] = &[
    (&["newest", "first"], true),
    (&["latest", "first"], true),
    (&["most", "recent", "first"], true),
    (&["reverse", "chronological"], true),
    (&["oldest", "first"], false),
    (&["earliest", "first"], false),
    (&["chronological"], false),
    (&["chronologically"], false),
    (&["date", "order"], false),
];

/// Orders the series of `t` by its time as the question's words ask, and
/// takes those words out of the ones left unplaced. A question with no
/// series is left alone.
pub(super) fn apply(a: &Analysis, t: &mut Translation) {
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    let found = (0..words.len()).find_map(|i| {
        ORDERS.iter().find_map(|(phrase, desc)| {
            words[i..]
                .starts_with(phrase)
                .then_some((i, phrase.len(), *desc))
        })
    });
    let Some((at, len, desc)) = found else { return };
    let Some(series) = t
        .query
        .time_dimensions
        .iter()
        .find(|td| td.granularity.is_some() && td.compare_date_range.is_none())
    else {
        return;
    };
    t.query.order = Some(vec![(series.dimension.clone(), desc)]);
    let used: Vec<String> = a.tokens[at..at + len]
        .iter()
        .map(|t| t.orig.to_lowercase())
        .collect();
    t.unmatched.retain(|u| !used.contains(&u.to_lowercase()));
}
