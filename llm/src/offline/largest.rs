//! The largest or smallest records: "the 10 largest orders", "the biggest
//! single sale line" list the records by their key and amount, ordered by
//! the amount, with any columns named after "with".

use strata_schema::MemberKind;

use super::build::{is_count_measure, Resolved};
use super::conditions::{is_money, money_dimension};
use super::parse::Analysis;
use super::OfflineParser;
use crate::catalog::CatalogMember;

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
    let sized = ranked_by_size(a);
    let [measure] = r.measures.as_slice() else {
        return None;
    };
    let members = parser.catalog().members();
    let counted = &members[*measure];
    // "In which city was the single largest sale made": one record, of the
    // rows whose own column the noun names (`sales`), though the noun also
    // names the total of that column.
    let single_amount = single_record(a)
        .then(|| sized_noun(a).map(|t| t.stem.clone()))
        .flatten()
        .and_then(|noun| column_named(members, &counted.owner, &noun));
    if !sized || a.count_cue || !(is_count_measure(counted) || single_amount.is_some()) {
        return None;
    }
    let owner = counted.owner.as_str();
    // Columns asked for after "with" are no split; for one record, neither
    // is what the question asks about it ("in which city").
    let (columns, _) = super::listing::attributes(parser, a, owner);
    let asked_of_record: Vec<usize> = match single_amount {
        Some(_) => r.dimensions.clone(),
        None if r.dimensions.iter().all(|d| columns.contains(d)) => Vec::new(),
        None => return None,
    };
    // The money column named as an amount or total, else any money column,
    // else a number column named as an amount.
    let amount = single_amount
        .or_else(|| named_money(members, owner))
        .or_else(|| {
            money_dimension(parser, &r.resolution, Some(owner))
                .filter(|&m| members[m].owner == owner)
        })
        .or_else(|| amount_number(members, owner))?;
    let key = record_key(members, owner, &sized_noun_stem(a));
    let listed = key.into_iter().chain(asked_of_record).chain([amount]);
    Some((listed.collect(), amount))
}

/// "the single largest sale", "the biggest individual order": one record.
fn single_record(a: &Analysis) -> bool {
    a.ranking
        .used
        .iter()
        .filter(|&&i| SIZE_WORDS.contains(&a.tokens[i].text.as_str()))
        .any(|&i| {
            let near = |k: usize| {
                a.tokens
                    .get(k)
                    .is_some_and(|t| matches!(t.text.as_str(), "single" | "individual"))
            };
            near(i + 1) || i.checked_sub(1).is_some_and(near)
        })
}

/// The number column of `owner` named as the noun ("sale" → `sales`).
fn column_named(members: &[CatalogMember], owner: &str, noun: &str) -> Option<usize> {
    members.iter().position(|m| {
        m.owner == owner
            && m.kind == MemberKind::Dimension
            && m.data_type == "number"
            && !m.primary_key
            && !noun.is_empty()
            && super::text::same_word(&m.short_name().to_lowercase(), noun)
    })
}

/// Whether a size word ranks the records ("the largest orders").
fn ranked_by_size(a: &Analysis) -> bool {
    a.ranking
        .used
        .iter()
        .any(|&i| SIZE_WORDS.contains(&a.tokens[i].text.as_str()))
}

/// How many records a size word asks for: "the biggest single order" one,
/// "the largest orders" ten, a number said ("the 5 largest") that many, and
/// "every order over 1,000, largest first" all of them, sorted.
pub(super) fn record_limit(a: &Analysis) -> Option<u32> {
    let noun = sized_noun(a);
    if noun.is_some_and(|t| matches!(t.text.as_str(), "first" | "to")) {
        return a.ranking.limit;
    }
    let one = noun.is_some_and(|t| {
        let typed = t.orig.to_lowercase();
        super::text::stem(&typed) == typed
    });
    Some(a.ranking.limit.unwrap_or(if one { 1 } else { 10 }))
}

/// The word after the size word ("largest orders", "biggest single order"),
/// skipping "single".
fn sized_noun(a: &Analysis) -> Option<&super::text::Token> {
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

/// A money column of `owner` named as an amount, total or value.
fn named_money(members: &[CatalogMember], owner: &str) -> Option<usize> {
    members.iter().position(|m| {
        m.owner == owner
            && is_money(m)
            && ["amount", "total", "value"]
                .iter()
                .any(|w| m.short_name().to_lowercase().contains(w))
    })
}

/// A number column of `owner` named as an amount (no money format).
fn amount_number(members: &[CatalogMember], owner: &str) -> Option<usize> {
    members.iter().position(|m| {
        m.owner == owner
            && m.kind == MemberKind::Dimension
            && m.data_type == "number"
            && !m.primary_key
            && ["amount", "total", "sales", "price", "value", "revenue"]
                .iter()
                .any(|w| m.short_name().to_lowercase().contains(w))
    })
}

/// The stem of the word after the size word ("orders" → "order").
fn sized_noun_stem(a: &Analysis) -> String {
    a.ranking
        .used
        .iter()
        .filter_map(|&i| a.tokens.get(i + 1))
        .map(|t| t.stem.clone())
        .next()
        .unwrap_or_default()
}

/// The records' own id ("orders" → `orderId`, `order_id`), else the key.
fn record_key(members: &[CatalogMember], owner: &str, noun: &str) -> Option<usize> {
    id_of_noun(members, owner, noun).or_else(|| row_key(members, owner))
}

/// The id column named after the records' noun ("orders" → `orderId`).
pub(super) fn id_of_noun(members: &[CatalogMember], owner: &str, noun: &str) -> Option<usize> {
    members.iter().position(|m| {
        let words = super::text::split_identifier(m.short_name());
        m.owner == owner
            && m.kind == MemberKind::Dimension
            && words.len() == 2
            && words[0] == noun
            && words[1] == "id"
    })
}

/// The key of each row of `owner`: a cube extending another inherits its
/// key columns too, so the row id is the numeric one.
pub(super) fn row_key(members: &[CatalogMember], owner: &str) -> Option<usize> {
    let key_of = |number: bool| {
        members.iter().position(|m| {
            m.owner == owner
                && m.primary_key
                && m.kind == MemberKind::Dimension
                && (!number || m.data_type == "number")
        })
    };
    key_of(true).or_else(|| key_of(false))
}

/// "Which 5 products have the highest list price": a few records ranked by
/// the largest (or smallest) value of one of their columns, the superlative
/// read into a max (or min) measure. Grouped by the records themselves, the
/// maximum of a column is the column's value, so the records are listed
/// with the column, ordered by it; grouped by anything else ("which 5
/// categories"), the measure is ranked. Nothing changes when the question
/// has an order already, or no limit.
pub(super) fn ranked_by_extreme(
    parser: &OfflineParser<'_>,
    r: &mut Resolved,
    order: &mut Vec<(String, bool)>,
    limit: Option<u32>,
) {
    let members = parser.catalog().members();
    let [measure] = r.measures.as_slice() else {
        return;
    };
    let extreme = &members[*measure];
    let desc = match extreme.agg_type.as_deref() {
        Some("max") => true,
        Some("min") => false,
        _ => return,
    };
    if limit.is_none() || !order.is_empty() || r.dimensions.is_empty() {
        return;
    }
    let records = r.dimensions.iter().all(|&d| {
        let m = &members[d];
        m.owner == extreme.owner && (m.primary_key || m.short_name() == "name")
    });
    let column = members.iter().position(|c| {
        c.kind == MemberKind::Dimension
            && c.data_type == "number"
            && !c.primary_key
            && extreme_of(extreme, c)
    });
    match column.filter(|_| records) {
        Some(column) => {
            r.measures.clear();
            r.dimensions.push(column);
            *order = vec![(parser.name(column).to_owned(), desc)];
        }
        None => *order = vec![(parser.name(*measure).to_owned(), desc)],
    }
}

/// Whether `measure` is taken over `column`: a measure of the same cube
/// whose title ends with the column's ("Highest List Price" over "List
/// Price"). Its aggregation is the caller's to check.
pub(super) fn extreme_of(measure: &CatalogMember, column: &CatalogMember) -> bool {
    measure.owner == column.owner
        && measure
            .title
            .to_lowercase()
            .ends_with(&column.title.to_lowercase())
}

/// "the 10 biggest orders from Australia": a count read on a view (the
/// country is in `orders_overview`) whose view has no amount to rank by,
/// or "show me the 10 biggest of those" after a count: the records, listed
/// by key and amount (on the cubes a view stands on). Returns whether it
/// did.
pub(super) fn records_on_cubes(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &mut crate::translation::Translation,
    follow_up: bool,
) -> bool {
    let sized = ranked_by_size(a);
    if !sized || a.count_cue {
        return false;
    }
    let members = parser.catalog().members();
    let [name] = t.query.measures.as_slice() else {
        return false;
    };
    let Some(count) = members.iter().find(|m| &m.name == name && m.is_count()) else {
        return false;
    };
    // A series ("the biggest day for orders") ranks periods, not records;
    // a question on cubes was read by `largest_records` already.
    let series = t
        .query
        .time_dimensions
        .iter()
        .any(|td| td.granularity.is_some());
    if !t.query.dimensions.is_empty() || series || !(count.in_view || follow_up) {
        return false;
    }
    // On a view with an amount the listing was read in place already.
    let moved = if count.in_view {
        if named_money(members, &count.owner).is_some() {
            return false;
        }
        parser.index.views.on_cubes(&t.query)
    } else {
        Some(t.query.clone())
    };
    let Some(mut q) = moved else {
        return false;
    };
    let Some(owner) = q
        .measures
        .first()
        .and_then(|n| parser.catalog().get(n))
        .map(|m| m.owner.clone())
    else {
        return false;
    };
    let Some(amount) = named_money(members, &owner).or_else(|| amount_number(members, &owner))
    else {
        return false;
    };
    let Some(key) = record_key(members, &owner, &sized_noun_stem(a)) else {
        return false;
    };
    let desc = a.ranking.direction != Some(super::ranking::Direction::Asc);
    q.measures.clear();
    q.dimensions = vec![members[key].name.clone(), members[amount].name.clone()];
    q.order = Some(vec![(members[amount].name.clone(), desc)]);
    q.limit = record_limit(a).map(u64::from);
    t.query = q;
    t.unmatched
        .retain(|w| !SIZE_WORDS.contains(&w.to_lowercase().as_str()));
    true
}
