//! Counts of different things: "count distinct customers group by city",
//! "count distinct customerId per category", "how many unique buyers". Read
//! word by word, the count of rows is chosen and "distinct" left over: the
//! number of sales lines, not of customers. Where the model counts the
//! distinct thing named (a `countDistinct` or `countDistinctApprox` measure
//! whose name, title or synonyms hold the word), that count is the figure.

use strata_schema::MemberKind;

use crate::catalog::CatalogMember;

use super::parse::Analysis;
use super::stopwords::is_skippable;
use super::text::{same_word, split_identifier, stem, tokenize};
use super::OfflineParser;
use crate::translation::Translation;

/// Words asking for things counted once each.
const DISTINCT: &[&str] = &["distinct", "unique", "different"];

/// Replaces a row count with the model's distinct count of the thing named
/// after "distinct". Returns whether it did.
pub(crate) fn apply(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let Some((at, thing)) = counted_thing(a) else {
        return false;
    };
    // "customerId" names the customer; "customers" too.
    let words: Vec<String> = stems_of(&a.tokens[thing].orig)
        .into_iter()
        .filter(|w| w != "id")
        .collect();
    let members = parser.catalog().members();
    let Some(row_count) = row_count_at(parser, t) else {
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
            && counted_by(m)
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
    let (at, thing) = counted_thing(a)?;
    let counts = a.tokens[..at].iter().any(|tok| tok.text == "count") || a.count_cue;
    let words = stems_of(&a.tokens[thing].orig);
    let split_by_it = t.query.dimensions.iter().any(|name| {
        parser
            .catalog()
            .get(name)
            .is_some_and(|m| stems_of(m.short_name()) == words)
    });
    (counts && row_count_at(parser, t).is_some() && split_by_it)
        .then(|| a.tokens[thing].orig.clone())
}

/// "count distinct customerId": the token of the distinct word and of the
/// thing named after it.
fn counted_thing(a: &Analysis) -> Option<(usize, usize)> {
    let at = a
        .tokens
        .iter()
        .position(|tok| DISTINCT.contains(&tok.text.as_str()))?;
    let thing = (at + 1..a.tokens.len()).find(|&k| !is_skippable(&a.tokens[k].text))?;
    Some((at, thing))
}

/// The words naming what a distinct count counts: its name's words but the
/// counting ones, and the last word (the head) of its title and of each
/// synonym. "Number of Customer Countries" counts countries, so "different
/// customers" must not pick it for "customer", a modifier.
fn counted_by(m: &CatalogMember) -> Vec<String> {
    const COUNTING: &[&str] = &["count", "number", "distinct", "unique", "approx", "by"];
    let mut words: Vec<String> = stems_of(m.short_name())
        .into_iter()
        .filter(|w| !COUNTING.contains(&w.as_str()))
        .collect();
    let texts = std::iter::once(m.title.as_str()).chain(m.synonyms.iter().map(String::as_str));
    words.extend(texts.filter_map(|text| tokenize(text).pop().map(|t| t.stem)));
    words
}

/// The stems of an identifier's words ("customerIds" → customer, id).
fn stems_of(identifier: &str) -> Vec<String> {
    split_identifier(identifier)
        .iter()
        .map(|w| stem(w))
        .collect()
}

/// The position among the query's measures of a plain row count (`count`
/// aggregation).
fn row_count_at(parser: &OfflineParser<'_>, t: &Translation) -> Option<usize> {
    t.query.measures.iter().position(|name| {
        parser
            .catalog()
            .get(name)
            .is_some_and(|m| m.is_count() && m.agg_type.as_deref() == Some("count"))
    })
}
