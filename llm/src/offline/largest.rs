//! The largest or smallest records: "the 10 largest orders", "the biggest
//! single sale line" list the records by their key and amount, ordered by
//! the amount, with any columns named after "with".

use strata_schema::MemberKind;

use super::build::{is_count_measure, Resolved};
use super::conditions::{is_money, money_dimension};
use super::parse::Analysis;
use super::OfflineParser;

/// Words that rank records by size ("the largest orders").
const SIZE_WORDS: &[&str] = &["largest", "biggest", "smallest", "tiniest"];

/// "The 10 largest orders": a count of records ranked by size asks for the
/// records, listed by their amount. The key and amount dimensions of the
/// counted cube, and the amount; `None` when the question is not that or the
/// cube has no amount.
pub(super) fn largest_records(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    r: &Resolved,
) -> Option<(Vec<usize>, usize)> {
    let sized = a
        .ranking
        .used
        .iter()
        .any(|&i| SIZE_WORDS.contains(&a.tokens[i].text.as_str()));
    let [measure] = r.measures.as_slice() else {
        return None;
    };
    let members = parser.catalog().members();
    let counted = &members[*measure];
    if !sized || a.count_cue || !is_count_measure(counted) {
        return None;
    }
    let owner = counted.owner.as_str();
    // Columns asked for after "with" are no split.
    let (columns, _) = super::listing::attributes(parser, a, owner);
    if !r.dimensions.iter().all(|d| columns.contains(d)) {
        return None;
    }
    // The money column named as an amount or total, else any money column,
    // else a number column named as an amount.
    let named_amount = |m: &crate::catalog::CatalogMember| {
        ["amount", "total", "value"]
            .iter()
            .any(|w| m.short_name().to_lowercase().contains(w))
    };
    let amount = members
        .iter()
        .position(|m| m.owner == owner && is_money(m) && named_amount(m))
        .or_else(|| {
            money_dimension(parser, &r.resolution, Some(owner))
                .filter(|&m| members[m].owner == owner)
        })
        .or_else(|| {
            members.iter().position(|m| {
                m.owner == owner
                    && m.kind == MemberKind::Dimension
                    && m.data_type == "number"
                    && !m.primary_key
                    && ["amount", "total", "sales", "price", "value", "revenue"]
                        .iter()
                        .any(|w| m.short_name().to_lowercase().contains(w))
            })
        })?;
    // The records' own id ("orders" → `orderId`, `order_id`), else the key.
    let noun = a
        .ranking
        .used
        .iter()
        .filter_map(|&i| a.tokens.get(i + 1))
        .map(|t| t.stem.clone())
        .next()
        .unwrap_or_default();
    let id_of_noun = |m: &crate::catalog::CatalogMember| {
        let words = super::text::split_identifier(m.short_name());
        words.len() == 2 && words[0] == noun && words[1] == "id"
    };
    let key = members
        .iter()
        .position(|m| m.owner == owner && m.kind == MemberKind::Dimension && id_of_noun(m))
        .or_else(|| {
            // A cube extending another inherits its key columns too: the
            // row id is the numeric one.
            let key_of = |number: bool| {
                members.iter().position(|m| {
                    m.owner == owner
                        && m.primary_key
                        && m.kind == MemberKind::Dimension
                        && (!number || m.data_type == "number")
                })
            };
            key_of(true).or_else(|| key_of(false))
        });
    Some((key.into_iter().chain([amount]).collect(), amount))
}

/// The word after the size word ("largest orders", "biggest single order"),
/// skipping "single".
pub(super) fn sized_noun(a: &Analysis) -> Option<&super::text::Token> {
    let at = a
        .ranking
        .used
        .iter()
        .copied()
        .find(|&i| SIZE_WORDS.contains(&a.tokens[i].text.as_str()))?;
    a.tokens[at + 1..]
        .iter()
        .find(|t| !matches!(t.text.as_str(), "single" | "individual" | "one"))
}
