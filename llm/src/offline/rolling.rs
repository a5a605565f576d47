//! Rolling windows: "rolling 2-week order count", "2-day rolling count by
//! day". The model's rolling measure whose name holds "rolling", the number
//! and the unit answers it; where that measure lives on a sibling cube
//! holding every member the query names, the query moves there.

use strata_schema::MemberKind;

use super::parse::Analysis;
use super::rates::{move_to_cube, query_member_names};
use super::text::{same_word, split_identifier};
use super::OfflineParser;
use crate::translation::Translation;

/// Replaces the query's measure with the rolling measure the question
/// names; returns whether it did.
pub(crate) fn apply(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    let Some(at) = words.iter().position(|w| *w == "rolling") else {
        return false;
    };
    // The window: a number and a unit near "rolling" ("rolling 2-week",
    // "2-day rolling", "rolling two week").
    let near = at.saturating_sub(3)..(at + 4).min(words.len());
    let number = near.clone().find_map(|k| {
        words[k]
            .parse::<u32>()
            .ok()
            .or_else(|| super::text::number_word(words[k]))
            .map(|n| (k, n))
    });
    let Some((number_at, number)) = number else {
        return false;
    };
    let unit = words
        .get(number_at + 1)
        .map(|w| super::text::stem(w))
        .filter(|u| matches!(u.as_str(), "day" | "week" | "month" | "quarter" | "year"));
    let Some(unit) = unit else { return false };
    let catalog = parser.catalog();
    let members = catalog.members();
    let counts = t
        .query
        .measures
        .first()
        .and_then(|n| catalog.get(n))
        .is_none_or(|m| m.is_count());
    // "rolling 2-month distinct orders": the count of different ones (the
    // approximate distinct count), else the count of rows.
    let distinct = words
        .iter()
        .any(|w| matches!(*w, "distinct" | "unique" | "different"));
    let query_members = query_member_names(t);
    let fits = |cube: &str| {
        query_members.iter().all(|name| {
            let short = name.rsplit('.').next().unwrap_or_default();
            members
                .iter()
                .any(|m| m.owner == cube && m.short_name() == short)
        })
    };
    let rolling = members.iter().find(|m| {
        let split = split_identifier(m.short_name());
        m.kind == MemberKind::Measure
            && !m.in_view
            && split.iter().any(|w| w == "rolling")
            && split.iter().any(|w| *w == number.to_string())
            && split.iter().any(|w| same_word(w, &unit))
            && (m.is_count() == counts)
            && split.iter().any(|w| w == "approx") == distinct
            && fits(&m.owner)
    });
    let Some(rolling) = rolling else { return false };
    let owner_now = t
        .query
        .measures
        .first()
        .and_then(|n| catalog.get(n))
        .map(|m| m.owner.clone());
    if owner_now.as_deref() != Some(rolling.owner.as_str()) {
        move_to_cube(t, &rolling.owner);
    }
    t.query.measures = vec![rolling.name.clone()];
    t.query.order = None;
    // The window's number, when said as a word ("two").
    let number_word = words[number_at];
    t.unmatched.retain(|w| {
        !["rolling", "distinct", "unique", "different", number_word]
            .iter()
            .any(|r| w.eq_ignore_ascii_case(r))
    });
    true
}
