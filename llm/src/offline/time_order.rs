//! Rows put in order by words: a series in time order ("newest first",
//! "most recent first", "oldest first", "in chronological order", "in date
//! order"), a list by its names ("alphabetically", "A to Z", "sorted Z to
//! A"). The words order the rows shown; they ask for no earliest or latest
//! record and rank no figure.

use super::parse::Analysis;
use super::text::split_identifier;
use crate::catalog::Catalog;
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

/// Phrases that sort a list by its names, and whether Z comes first.
const NAME_ORDERS: &[(&[&str], bool)] = &[
    (&["reverse", "alphabetical"], true),
    (&["alphabetically"], false),
    (&["alphabetical"], false),
    (&["a", "to", "z"], false),
    (&["z", "to", "a"], true),
];

/// Where one of `phrases` stands in `words`: its start, length and
/// direction.
fn find(words: &[&str], phrases: &[(&[&str], bool)]) -> Option<(usize, usize, bool)> {
    (0..words.len()).find_map(|i| {
        phrases.iter().find_map(|(phrase, desc)| {
            words[i..]
                .starts_with(phrase)
                .then_some((i, phrase.len(), *desc))
        })
    })
}

/// Whether the words ask for a list in name order ("alphabetically", "Z
/// to A").
pub(super) fn orders_by_name(a: &Analysis) -> bool {
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    find(&words, NAME_ORDERS).is_some()
}

/// Orders the series of `t` by its time, or its list by the first
/// grouping, as the question's words ask, and takes those words (with a
/// "sorted" before them and an "order" after) out of the ones left
/// unplaced. A question with no series, or no list, is left alone.
pub(super) fn apply(a: &Analysis, t: &mut Translation) {
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    let by_time = find(&words, ORDERS).and_then(|found| {
        t.query
            .time_dimensions
            .iter()
            .find(|td| td.granularity.is_some() && td.compare_date_range.is_none())
            .map(|series| (found, series.dimension.clone()))
    });
    let by_name = || {
        let found = find(&words, NAME_ORDERS)?;
        let first = t.query.dimensions.first()?;
        Some((found, first.clone()))
    };
    let Some(((at, len, desc), member)) = by_time.or_else(by_name) else {
        return;
    };
    t.query.order = Some(vec![(member, desc)]);
    let start = if at > 0 && matches!(words[at - 1], "sorted" | "sort" | "ordered" | "listed") {
        at - 1
    } else {
        at
    };
    let end = (at + len + usize::from(words.get(at + len) == Some(&"order"))).min(words.len());
    let used: Vec<String> = a.tokens[start..end]
        .iter()
        .map(|t| t.orig.to_lowercase())
        .collect();
    t.unmatched.retain(|u| !used.contains(&u.to_lowercase()));
}

/// "table: brands we carry in Home, A-Z": a list asked in name order, read
/// as a count of distinct values ("Number of Brands"), is the values
/// themselves, by the column counted. "How many brands" stays a count.
pub(super) fn values_in_name_order(catalog: &Catalog, a: &Analysis, t: &mut Translation) {
    let [measure] = t.query.measures.as_slice() else {
        return;
    };
    if a.count_cue || !orders_by_name(a) || !t.query.dimensions.is_empty() {
        return;
    }
    let Some(counted) = catalog.get(measure).filter(|m| {
        m.agg_type
            .as_deref()
            .is_some_and(|agg| agg.to_lowercase().replace('_', "").contains("distinct"))
    }) else {
        return;
    };
    let mut words = split_identifier(counted.short_name());
    words.retain(|w| w != "count");
    let column = catalog.members().iter().find(|m| {
        m.owner == counted.owner
            && m.kind == strata_schema::MemberKind::Dimension
            && split_identifier(m.short_name()) == words
    });
    if let Some(column) = column {
        t.query.dimensions = vec![column.name.clone()];
        t.query.measures.clear();
        t.query.order = None;
    }
}
