//! Counts of different things: "count distinct customers group by city",
//! "count distinct customerId per category", "how many unique buyers". Read
//! word by word, the count of rows is chosen and "distinct" left over: the
//! number of sales lines, not of customers. Where the model counts the
//! distinct thing named (a `countDistinct` or `countDistinctApprox` measure
//! whose name, title or synonyms hold the word), that count is the figure.

use strata_schema::MemberKind;

use super::parse::Analysis;
use super::stopwords::is_skippable;
use super::text::{same_word, split_identifier, stem};
use super::unplaced::described_by;
use super::OfflineParser;
use crate::translation::Translation;

/// Words asking for things counted once each.
const DISTINCT: &[&str] = &["distinct", "unique", "different"];

/// Replaces a row count with the model's distinct count of the thing named
/// after "distinct". Returns whether it did.
pub(crate) fn apply(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let Some(at) = a
        .tokens
        .iter()
        .position(|tok| DISTINCT.contains(&tok.text.as_str()))
    else {
        return false;
    };
    let Some(thing) = (at + 1..a.tokens.len()).find(|&k| !is_skippable(&a.tokens[k].text)) else {
        return false;
    };
    // "customerId" names the customer; "customers" too.
    let words: Vec<String> = split_identifier(&a.tokens[thing].orig)
        .iter()
        .map(|w| stem(w))
        .filter(|w| w != "id")
        .collect();
    let members = parser.catalog().members();
    let Some(row_count) = t.query.measures.iter().position(|name| {
        members
            .iter()
            .any(|m| m.name == *name && m.is_count() && m.agg_type.as_deref() == Some("count"))
    }) else {
        return false;
    };
    let owner = members
        .iter()
        .find(|m| m.name == t.query.measures[row_count])
        .map(|m| m.owner.clone())
        .unwrap_or_default();
    let distinct = members.iter().find(|m| {
        m.kind == MemberKind::Measure
            && m.owner == owner
            && matches!(
                m.agg_type.as_deref(),
                Some("countDistinct" | "countDistinctApprox")
            )
            && described_by(m, false)
                .iter()
                .any(|d| words.iter().any(|w| same_word(d, w)))
    });
    let Some(distinct) = distinct else {
        return false;
    };
    t.query.measures[row_count] = distinct.name.clone();
    let used = [a.tokens[at].orig.as_str(), a.tokens[thing].orig.as_str()];
    t.unmatched
        .retain(|u| !used.iter().any(|w| w.eq_ignore_ascii_case(u)));
    true
}

/// "count distinct orderId" where the model counts no distinct order ids:
/// the rows counted and split by the thing named would answer another
/// question. The word to ask about, when the query does that.
pub(crate) fn split_instead(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &Translation,
) -> Option<String> {
    let at = a
        .tokens
        .iter()
        .position(|tok| DISTINCT.contains(&tok.text.as_str()))?;
    let counts = a.tokens[..at].iter().any(|tok| tok.text == "count") || a.count_cue;
    let thing = (at + 1..a.tokens.len()).find(|&k| !is_skippable(&a.tokens[k].text))?;
    let words: Vec<String> = split_identifier(&a.tokens[thing].orig)
        .iter()
        .map(|w| stem(w))
        .collect();
    let members = parser.catalog().members();
    let row_count = t.query.measures.iter().any(|name| {
        members
            .iter()
            .any(|m| m.name == *name && m.is_count() && m.agg_type.as_deref() == Some("count"))
    });
    let split_by_it = t.query.dimensions.iter().any(|name| {
        members.iter().any(|m| {
            m.name == *name
                && split_identifier(m.short_name())
                    .iter()
                    .map(|w| stem(w))
                    .eq(words.iter().cloned())
        })
    });
    (counts && row_count && split_by_it).then(|| a.tokens[thing].orig.clone())
}
