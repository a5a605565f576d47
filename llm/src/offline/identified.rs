//! Records named by their key: "how many orders has customer 812 placed",
//! "what status is order #4821 in". The noun and the number are one record,
//! so the answer is filtered to that record's numeric primary key; the noun
//! is no count of its own, and "what status is order 4821 in" becomes a
//! lookup of the status.

use strata_engine::query::{Filter, FilterOperator};
use strata_schema::MemberKind;

use super::parse::Analysis;
use super::OfflineParser;
use crate::translation::Translation;

/// Words between the noun and its number ("order #4821", "customer no. 7").
const KEY_GLUE: &[&str] = &["#", "no", "nr", "number", "id"];

/// Filters `t` to each record named by its key; returns whether one was.
pub(crate) fn apply(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let members = parser.catalog().members();
    let uses_view = t
        .query
        .measures
        .iter()
        .chain(&t.query.dimensions)
        .any(|n| parser.catalog().get(n).is_some_and(|m| m.in_view));
    if uses_view {
        return false;
    }
    let mut found = false;
    for m in &a.mentions {
        let Some(count) = m
            .candidates
            .iter()
            .filter(|e| members[e.member].kind == MemberKind::Measure && !members[e.member].in_view)
            .max_by_key(|e| e.score)
            .map(|e| &members[e.member])
            .filter(|c| c.is_count())
        else {
            continue;
        };
        // The noun names the record's own cube ("customer" for the cube
        // titled Customers), not something a count of another cube counts.
        let noun = &a.tokens[m.end - 1].stem;
        let names_cube = [count.owner.as_str(), count.owner_title.as_str()]
            .iter()
            .any(|n| super::text::stem(&n.to_lowercase()) == *noun);
        if !names_cube || m.end != m.start + 1 {
            continue;
        }
        let mut k = m.end;
        while a
            .tokens
            .get(k)
            .is_some_and(|tok| KEY_GLUE.contains(&tok.text.as_str()))
        {
            k += 1;
        }
        let Some(number) = a.tokens.get(k).map(|tok| tok.text.as_str()) else {
            continue;
        };
        let taken = a.times.iter().any(|f| (f.start..f.end).contains(&k))
            || a.numeric
                .iter()
                .any(|n| (n.condition.start..n.condition.end).contains(&k))
            || a.ranking.used.contains(&k);
        if taken || number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // "orders 2026" is a year; "order #2026" is an order.
        let glued = k > m.end;
        let year_like = number.len() == 4 && (1990..=2099).contains(&number.parse().unwrap_or(0));
        if year_like && !glued {
            continue;
        }
        let Some(key) = members.iter().find(|k| {
            k.owner == count.owner
                && k.primary_key
                && k.kind == MemberKind::Dimension
                && k.data_type == "number"
        }) else {
            continue;
        };
        t.query.filters.push(Filter::Member {
            member: key.name.clone(),
            operator: FilterOperator::Equals,
            values: vec![Some(number.to_owned())],
        });
        // The record is no figure: "orders has customer 812 placed" counts
        // orders; "what status is order 4821 in" looks the status up.
        let others = t.query.measures.iter().any(|x| *x != count.name);
        if others || !t.query.dimensions.is_empty() {
            t.query.measures.retain(|x| *x != count.name);
            if let Some(order) = &mut t.query.order {
                order.retain(|(member, _)| *member != count.name);
            }
        }
        // "what status is order 4821 in": the record's row shows its key
        // beside what is looked up.
        let looked_up = t.query.measures.is_empty()
            && !t.query.dimensions.is_empty()
            && t.query.dimensions.iter().all(|d| {
                members
                    .iter()
                    .any(|x| x.name == *d && x.owner == count.owner)
            });
        if looked_up && !t.query.dimensions.contains(&key.name) {
            t.query.dimensions.insert(0, key.name.clone());
        }
        found = true;
    }
    found
}
