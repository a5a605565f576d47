//! A figure per record the model has no measure for: "orders per customer",
//! "profit per order", "units per basket", "profit per laptop sold". Read
//! word by word, "per customer" splits by each customer, an answer to
//! another question (thousands of rows, one per customer). The model cannot
//! divide two measures in a query, so the answer is the figure beside the
//! count of the records it is per, from which the ratio follows; the
//! grouping the record word made leaves. An amount per record that the
//! model does average ("revenue per order", the average order value) is
//! [`super::rates::per_record`]'s.

use strata_schema::MemberKind;

use super::parse::Analysis;
use super::text::stem;
use super::OfflineParser;
use crate::catalog::CatalogMember;
use crate::translation::Translation;

/// Records a figure may be per, and the short names of the measures that
/// count them, most specific first.
const RECORDS: &[(&[&str], &[&str])] = &[
    (
        &["customer", "buyer", "shopper", "client"],
        &["customer_count"],
    ),
    (&["order", "basket"], &["order_count", "count"]),
    (&["unit"], &["units_sold", "quantity"]),
];

/// Puts the count of the records a figure is per beside it. Returns whether
/// it rewrote the query.
pub(crate) fn per_record_count(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &mut Translation,
) -> bool {
    let catalog = parser.catalog();
    let members = catalog.members();
    let tokens = &a.tokens;
    // "per customer", "per laptop sold" (a unit of what the value names).
    let Some((at, counts)) = tokens.iter().enumerate().find_map(|(i, tok)| {
        if tok.text != "per" {
            return None;
        }
        let next = tokens.get(i + 1)?;
        let sold_value = a.values.iter().any(|v| v.start == i + 1)
            && tokens
                .get(a.values.iter().find(|v| v.start == i + 1)?.end)
                .is_some_and(|w| matches!(w.text.as_str(), "sold" | "bought"));
        if sold_value {
            return Some((i + 1, RECORDS[2].1));
        }
        let record = RECORDS
            .iter()
            .find(|(words, _)| words.iter().any(|w| *w == next.stem))?;
        // "per customer segment", "per order line": a longer name.
        let longer = a.mentions.iter().any(|m| m.start == i + 1 && m.end > i + 2);
        (!longer).then_some((i + 1, record.1))
    }) else {
        return false;
    };
    // What the record word was read as ("per customer" split by name, "per
    // order" the order count of another cube).
    let record_members: Vec<&CatalogMember> = a
        .mentions
        .iter()
        .filter(|m| (m.start..m.end).contains(&at))
        .flat_map(|m| m.candidates.iter().map(|e| &members[e.member]))
        .collect();
    let record_stem = stem(&tokens[at].text);
    let made_by_record = |m: &CatalogMember| {
        record_members
            .iter()
            .any(|r| r.name == m.name || r.title == m.title)
            || stem(&m.owner.to_lowercase()).starts_with(&record_stem)
    };
    let chosen: Vec<&CatalogMember> = t
        .query
        .measures
        .iter()
        .filter_map(|n| catalog.get(n))
        .filter(|m| !(m.is_count() && made_by_record(m)))
        .collect();
    let [figure] = chosen.as_slice() else {
        return false;
    };
    // An average or a rate is per record already.
    let additive = matches!(figure.agg_type.as_deref(), Some("sum" | "count"));
    if !additive {
        return false;
    }
    let Some(count) = counts.iter().find_map(|short| {
        members.iter().find(|m| {
            m.owner == figure.owner && m.kind == MemberKind::Measure && m.short_name() == *short
        })
    }) else {
        return false;
    };
    if count.name == figure.name {
        return false;
    }
    let figure = figure.name.clone();
    t.query
        .dimensions
        .retain(|d| catalog.get(d).is_none_or(|dim| !made_by_record(dim)));
    t.query.measures = vec![figure, count.name.clone()];
    true
}

/// "the profit margin for Technology" on a model with no margin measure:
/// the profit beside the sales of the same cube, from which the margin
/// follows. Where the model has a margin ("profit_margin"), the words found
/// it already. Returns whether it added the sales.
pub(crate) fn margin_as_profit_and_sales(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &mut Translation,
) -> bool {
    let members = parser.catalog().members();
    let asked = a
        .tokens
        .iter()
        .any(|tok| matches!(tok.text.as_str(), "margin" | "margins"));
    let named_margin = |m: &CatalogMember| {
        m.kind == MemberKind::Measure
            && (m.short_name().to_lowercase().contains("margin")
                || m.title.to_lowercase().contains("margin"))
    };
    if !asked || members.iter().any(named_margin) || t.query.measures.len() != 1 {
        return false;
    }
    let Some(profit) = members
        .iter()
        .find(|m| m.name == t.query.measures[0])
        .filter(|m| m.short_name().to_lowercase().contains("profit"))
    else {
        return false;
    };
    let sales = members.iter().find(|m| {
        m.kind == MemberKind::Measure
            && m.owner == profit.owner
            && m.agg_type.as_deref() == Some("sum")
            && ["sales", "revenue"]
                .iter()
                .any(|w| m.short_name().to_lowercase().contains(w))
    });
    let Some(sales) = sales else {
        return false;
    };
    t.query.measures.push(sales.name.clone());
    true
}
