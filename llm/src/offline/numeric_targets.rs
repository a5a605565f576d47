//! The target of each numeric condition of a question: "more than 1000
//! customers" counts customers, "price above 500" bounds the price, "orders
//! with a total over 100" bounds an order's amount. Each condition becomes a
//! [`NumericFilter`] of the analysis, and its target mention takes the
//! [`Role::NumericTarget`] role.

use strata_schema::MemberKind;

use super::filters::NumericCondition;
use super::parse::{Analysis, NumericFilter, Role};
use super::roles::mention_at;
use super::stopwords::is_skippable;
use crate::catalog::Catalog;

/// Attaches each condition to the mention it bounds, looking right first
/// ("more than 1000 customers"), then left ("price above 500").
pub(super) fn attach(catalog: &Catalog, a: &mut Analysis, conditions: &[NumericCondition]) {
    let tokens = &a.tokens;
    let text = |k: usize| tokens[k].text.as_str();
    for (n, c) in conditions.iter().enumerate() {
        // "with between 1000 and 5000 in revenue": what follows a range
        // follows its lower end too.
        let end = conditions
            .get(n + 1)
            .filter(|u| u.upper_of_range && u.start == c.end)
            .map_or(c.end, |u| u.end);
        // "priced between 20 and 50": the upper end goes where the lower did.
        if c.upper_of_range {
            if let Some(lower) = a.numeric.last().cloned() {
                a.numeric.push(NumericFilter {
                    condition: c.clone(),
                    ..lower
                });
                continue;
            }
        }
        // Right first: "more than 1000 customers".
        let mut money = false;
        let mut target = None;
        let mut left = false;
        // "more than 5 different products": the adjective is no target.
        let mut next = (end..tokens.len()).find(|&p| {
            !is_skippable(text(p))
                && !matches!(
                    text(p),
                    "different" | "distinct" | "unique" | "separate" | "individual" | "new"
                )
        });
        // "more than 1000 in total sales", "over 500 of revenue".
        if let Some(p) = next.filter(|&p| matches!(text(p), "in" | "of")) {
            let after = (p + 1..tokens.len()).find(|&q| !is_skippable(text(q)));
            let measure_after = after
                .and_then(|q| mention_at(&a.mentions, q))
                .is_some_and(|j| {
                    a.mentions[j]
                        .candidates
                        .iter()
                        .any(|e| catalog.members()[e.member].kind == MemberKind::Measure)
                });
            if measure_after {
                next = after;
            }
        }
        if let Some(p) = next {
            if let Some(j) = mention_at(&a.mentions, p).filter(|&j| a.mentions[j].start == p) {
                target = Some(j);
            }
        }
        // Left: "orders with a total over 100", "price above 500".
        let mut k = c.start;
        while target.is_none() && k > 0 {
            k -= 1;
            let w = text(k);
            if let Some(j) = mention_at(&a.mentions, k) {
                target = Some(j);
                left = true;
                break;
            }
            if matches!(
                w,
                "total"
                    | "amount"
                    | "value"
                    | "spend"
                    | "spent"
                    | "spending"
                    | "worth"
                    | "priced"
                    | "costing"
            ) {
                money = true;
                continue;
            }
            if is_skippable(w)
                || matches!(
                    w,
                    "with"
                        | "where"
                        | "that"
                        | "whose"
                        | "have"
                        | "has"
                        | "had"
                        | "is"
                        | "are"
                        | "was"
                        | "were"
                        | "of"
                        | "which"
                        | "in"
                        | "and"
                )
            {
                continue;
            }
            break;
        }
        if let Some(j) = target {
            let m = &mut a.mentions[j];
            m.role = Role::NumericTarget;
        }
        a.numeric.push(NumericFilter {
            condition: c.clone(),
            target,
            left,
            money: money || c.currency,
        });
    }
}
