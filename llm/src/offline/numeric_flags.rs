//! "Discounted lines only", "leaving out anything that was discounted",
//! "where no discount was given": on a model with a numeric `discount`
//! column and no segment for it, the word is a condition on that column,
//! above zero or (negated) zero. Without this the word is unplaced and the
//! question refused, or the condition dropped.

use strata_engine::query::{Filter, FilterOperator};
use strata_schema::MemberKind;

use super::parse::Analysis;
use super::text::same_word;
use super::OfflineParser;
use crate::translation::Translation;

/// Words before the flag that turn it round ("not discounted", "leaving
/// out anything that was discounted", "no discount").
fn negates(word: &str) -> bool {
    matches!(
        word,
        "not" | "no" | "never" | "without" | "excluding" | "exclude" | "except" | "out" | "non"
    )
}

/// Reads unplaced words naming a numeric column of the query's cubes as
/// "above zero" (or zero when negated). Returns whether it added one.
pub(crate) fn apply(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let members = parser.catalog().members();
    let owners: Vec<&str> = t
        .query
        .measures
        .iter()
        .chain(&t.query.dimensions)
        .filter_map(|n| parser.catalog().get(n))
        .map(|m| m.owner.as_str())
        .collect();
    let mut changed = false;
    let mut named = super::rates::query_member_names(t);
    named.extend(t.query.measures.iter().cloned());
    for (i, tok) in a.tokens.iter().enumerate() {
        let unplaced = t
            .unmatched
            .iter()
            .any(|u| u.eq_ignore_ascii_case(&tok.orig));
        // "discounted" and "discount", never "discounts" (an amount).
        let Some(column) = members.iter().find(|m| {
            let name = m.short_name().to_lowercase();
            m.kind == MemberKind::Dimension
                && m.data_type == "number"
                && owners.contains(&m.owner.as_str())
                && name.len() >= 4
                && (tok.text == name || (tok.text.ends_with("ed") && same_word(&tok.text, &name)))
        }) else {
            continue;
        };
        // As typed: "no" may have been read as "number".
        let negated = a.tokens[i.saturating_sub(4)..i]
            .iter()
            .any(|w| negates(&w.text) || negates(&w.orig.to_lowercase()));
        // "no discount was given" asks for zero (the noun may have been
        // read as the column and left out); the bare noun alone says
        // nothing.
        let noun = tok.text == column.short_name().to_lowercase();
        // "no sales line in Detroit lost money": the noun names the
        // records ("sales lines"), not the amount.
        let names_records = a.tokens.get(i + 1).is_some_and(|next| {
            matches!(
                next.text.as_str(),
                "line" | "lines" | "row" | "rows" | "record" | "records"
            )
        });
        if noun && names_records {
            continue;
        }
        let placed = if noun {
            negated && (unplaced || !named.contains(&column.name))
        } else {
            unplaced
        };
        if !placed {
            continue;
        }
        t.query.filters.push(Filter::Member {
            member: column.name.clone(),
            operator: if negated {
                FilterOperator::Equals
            } else {
                FilterOperator::Gt
            },
            values: vec![Some("0".to_owned())],
        });
        // "discounted lines only": the rows the condition is on; "no
        // discount was given": how it was not.
        let said: Vec<String> = a.tokens[i + 1..(i + 3).min(a.tokens.len())]
            .iter()
            .filter(|next| {
                matches!(
                    next.text.as_str(),
                    "lines" | "line" | "rows" | "items" | "given" | "applied" | "offered"
                )
            })
            .map(|next| next.orig.clone())
            .collect();
        t.unmatched.retain(|u| {
            !u.eq_ignore_ascii_case(&tok.orig) && !said.iter().any(|w| u.eq_ignore_ascii_case(w))
        });
        changed = true;
    }
    changed
}
