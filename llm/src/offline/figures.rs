//! Which figure a count noun or a verb names: a verb implies a measure only
//! when the question names none ("how many orders were sold"); buyers are
//! counted where they bought ("how many different customers bought on the
//! marketplace" is `Orders.customer_count`); and a member word followed by a
//! word for rows names the rows of its cube ("how many sales lines").

use strata_schema::MemberKind;

use super::lexicon::Entry;
use super::parse::{Analysis, Mention, Role};
use super::text::Token;
use crate::catalog::Catalog;

/// "How many orders were sold": a verb implies a measure only when the
/// question names none; otherwise it adds nothing ("orders" is the count).
pub(super) fn absorb_measure_verbs(catalog: &Catalog, a: &mut Analysis) {
    buyers_counted_where_they_bought(catalog, a);
    let is_verb = |m: &Mention| m.is_measure_verb(&a.tokens);
    let names_measure = |m: &Mention| {
        !m.absorbed
            && m.role == Role::Measure
            && m.candidates
                .iter()
                .any(|e| catalog.members()[e.member].kind == MemberKind::Measure)
    };
    // "best-selling subcategory by revenue": the ranking's figure is named
    // after "by"; the verb only said a ranking.
    let ranked_by = |m: &Mention| {
        a.ranking.direction.is_some()
            && !m.absorbed
            && m.role == Role::Group
            && m.start > 0
            && a.tokens[m.start - 1].text == "by"
            && !m.candidates.is_empty()
            && m.candidates
                .iter()
                .all(|e| catalog.members()[e.member].kind == MemberKind::Measure)
    };
    let other = a
        .mentions
        .iter()
        .any(|m| !is_verb(m) && (names_measure(m) || ranked_by(m)));
    // "which customers bought something in Columbus": a list of who did
    // it; with "the most" or "how many" the verb would be the figure.
    let listing = a.list_cue
        && !a.count_cue
        && a.ranking.direction.is_none()
        && !other
        && a.mentions
            .iter()
            .any(|m| m.role == Role::Group && !m.absorbed);
    if listing {
        for m in a.mentions.iter_mut() {
            if m.is_measure_verb(&a.tokens) && m.role == Role::Measure {
                m.absorbed = true;
            }
        }
        return;
    }
    if !other {
        return;
    }
    // "how much did shoppers spend": an amount, so the verb names the
    // measure and the count noun is only who spent.
    let how_much = a
        .tokens
        .windows(2)
        .any(|w| w[0].text == "how" && w[1].text == "much");
    let verb_named = a
        .mentions
        .iter()
        .any(|m| is_verb(m) && m.role == Role::Measure);
    let only_counts = a
        .mentions
        .iter()
        .filter(|m| !is_verb(m) && names_measure(m))
        .all(|m| super::roles::is_count_noun(catalog, m));
    if how_much && verb_named && only_counts {
        for m in a.mentions.iter_mut() {
            if !is_verb(m) && names_measure(m) {
                m.absorbed = true;
            }
        }
        return;
    }
    // "how much did the orders cost us" is the cost of orders: only an
    // amount named beside it is what "cost" restates.
    let amount_named = a.mentions.iter().any(|m| {
        !is_verb(m)
            && !cost_as_verb(&a.tokens, m)
            && names_measure(m)
            && !super::roles::is_count_noun(catalog, m)
    });
    let verbs: Vec<usize> = (0..a.mentions.len())
        .filter(|&j| {
            let m = &a.mentions[j];
            let restated = amount_named && cost_as_verb(&a.tokens, m);
            (is_verb(m) || restated) && m.role == Role::Measure
        })
        .collect();
    for j in verbs {
        a.mentions[j].absorbed = true;
    }
}

/// "Discounts last quarter - how much did they cost us?": "cost" after a
/// pronoun or an auxiliary, or before "us", is a verb restating the figure
/// named, not the cost measure. "Revenue and cost by category" keeps it.
fn cost_as_verb(tokens: &[Token], m: &Mention) -> bool {
    let word = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    m.end == m.start + 1
        && matches!(word(m.start), "cost" | "costs")
        && (matches!(word(m.end), "us" | "me" | "the")
            || (m.start > 0
                && matches!(
                    word(m.start - 1),
                    "they" | "it" | "those" | "these" | "that" | "did" | "does" | "do"
                )))
}

/// "how many different customers bought on the marketplace": the customers
/// counted are the buyers. When a verb of buying or spending names the
/// measure and the count noun may also mean a distinct count kept by another
/// cube (`Orders.customer_count`, "how many different customers placed
/// orders"), that distinct count is the figure, not every customer.
fn buyers_counted_where_they_bought(catalog: &Catalog, a: &mut Analysis) {
    let members = catalog.members();
    // A buyer's verb in the active voice ("customers bought", not "orders
    // were sold").
    let buying: Vec<usize> = a
        .tokens
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            BUYING_VERBS.contains(&t.text.as_str())
                && !i.checked_sub(1).is_some_and(|p| {
                    matches!(
                        a.tokens[p].text.as_str(),
                        "was" | "were" | "be" | "been" | "being" | "get" | "got"
                    )
                })
        })
        .map(|(i, _)| i)
        .collect();
    if buying.is_empty() {
        return;
    }
    // The buyers are the noun right before the verb ("customers who
    // bought"), not the subject of an auxiliary ("did customers place").
    let tokens = &a.tokens;
    let subject_of_verb = |m: &Mention| {
        let after_auxiliary = m.start > 0
            && matches!(
                tokens[m.start - 1].text.as_str(),
                "did" | "do" | "does" | "have" | "has"
            );
        let joined = |v: usize| {
            tokens[m.end..v].iter().all(|t| {
                matches!(
                    t.text.as_str(),
                    "who" | "that" | "which" | "have" | "has" | "had" | "actually" | "all" | "also"
                )
            })
        };
        // "customers who live in Canada ordered": the verb of its clause.
        let clause = tokens
            .get(m.end)
            .is_some_and(|t| matches!(t.text.as_str(), "who" | "that"))
            && buying.iter().any(|&v| v > m.end && v - m.end <= 8);
        !after_auxiliary && (clause || buying.iter().any(|&v| v >= m.end && joined(v)))
    };
    for m in a.mentions.iter_mut() {
        if m.is_measure_verb(tokens)
            || m.absorbed
            || m.role != Role::Measure
            || !super::roles::is_count_noun(catalog, m)
            || !subject_of_verb(m)
        {
            continue;
        }
        let Some(best_owner) = m.best_owner(catalog) else {
            continue;
        };
        let words: Vec<&str> = tokens[m.start..m.end]
            .iter()
            .map(|t| t.stem.as_str())
            .collect();
        let verb_at = buying.iter().copied().find(|&v| v >= m.end);
        let active_verb = verb_at.is_some_and(|v| {
            let relative = tokens[m.end..v]
                .iter()
                .any(|t| matches!(t.text.as_str(), "who" | "that"));
            let object = tokens.get(v + 1).is_some_and(|t| {
                matches!(
                    t.text.as_str(),
                    "a" | "an" | "the" | "any" | "anything" | "something"
                ) || t.orig.chars().next().is_some_and(char::is_uppercase)
            });
            // "how many different customers bought in each city".
            let distinct = m.start > 0
                && matches!(
                    tokens[m.start - 1].text.as_str(),
                    "different" | "distinct" | "unique" | "individual"
                );
            relative || object || distinct
        });
        let distinct = m.candidates.iter().find(|e| {
            let d = &members[e.member];
            let described = super::unplaced::described_by(d, true);
            !d.in_view
                && d.owner != best_owner
                && matches!(
                    d.agg_type.as_deref(),
                    Some("countDistinct" | "countDistinctApprox")
                )
                && words
                    .iter()
                    .all(|w| described.iter().any(|x| super::text::same_word(w, x)))
                // It counts buyers: its words say so ("buyers", "placed
                // orders"), or the verb is plainly active ("customers who
                // bought", "bought Technology"), unlike "orders placed
                // between ...", which are the orders themselves.
                && (active_verb
                    || described.iter().any(|x| {
                        BUYING_VERBS.contains(&x.as_str())
                            || matches!(x.as_str(), "buyer" | "purchasing" | "shopper")
                    }))
        });
        if let Some(d) = distinct {
            m.candidates = vec![Entry {
                member: d.member,
                score: 100,
            }];
        }
    }
}

/// Verbs whose subject is a buyer.
const BUYING_VERBS: &[&str] = &[
    "bought",
    "buy",
    "buys",
    "purchased",
    "purchase",
    "purchases",
    "shopped",
    "spent",
    "spend",
    "spends",
    "ordered",
    "placed",
    "place",
];

/// Past participles of placing an order, whose agent ("placed by business
/// customers", "orders customers in Germany placed") says whose figure it
/// is.
pub(super) const ORDERING_PARTICIPLES: &[&str] =
    &["placed", "made", "bought", "ordered", "purchased", "paid"];

/// Words that name the rows of a cube ("sales lines", "order records").
pub(super) const RECORD_WORDS: &[&str] = &[
    "line",
    "lines",
    "row",
    "rows",
    "record",
    "records",
    "transaction",
    "transactions",
    "entry",
    "entries",
];

/// "how many sales lines", "the 10 largest sales lines": a member word
/// followed by a word for rows names the rows of the member's cube, counted
/// by its plain count. The record word joins the mention.
pub(super) fn records_of_a_cube(
    catalog: &Catalog,
    tokens: &[Token],
    used: &mut [bool],
    a: &mut Analysis,
) {
    for m in a.mentions.iter_mut() {
        let Some(next) = tokens.get(m.end) else {
            continue;
        };
        if used[m.end] || !RECORD_WORDS.contains(&next.text.as_str()) {
            continue;
        }
        let Some(owner) = m.best_owner(catalog) else {
            continue;
        };
        if let Some(count) = super::build::plain_count(catalog, &owner) {
            m.candidates = vec![Entry {
                member: count,
                score: 100,
            }];
            used[m.end] = true;
            m.end += 1;
            m.text = format!("{} {}", m.text, next.orig);
        }
    }
    bare_records(catalog, tokens, used, a);
}

/// "rows with negative profit", "top 5 individual lines by quantity": a
/// plural word for rows that follows no member names the rows of the cube
/// the question's first member belongs to, as "sales lines" does. Singular
/// words are left alone ("as a line" asks for a chart).
fn bare_records(catalog: &Catalog, tokens: &[Token], used: &mut [bool], a: &mut Analysis) {
    const PLURALS: &[&str] = &["lines", "rows", "records", "transactions", "entries"];
    let Some(at) = tokens.iter().enumerate().position(|(i, t)| {
        !used[i]
            && PLURALS.contains(&t.text.as_str())
            && !a.mentions.iter().any(|m| (m.start..=m.end).contains(&i))
    }) else {
        return;
    };
    // Only where the rows are counted or a figure is taken over them ("how
    // many rows have", "avgDiscount on lines where"): rows asked for alone
    // are a listing, which this does not read.
    let counted = tokens
        .windows(2)
        .any(|w| (w[0].text == "how" && w[1].text == "many") || w[0].text == "count");
    let over_rows = at
        .checked_sub(1)
        .is_some_and(|b| matches!(tokens[b].text.as_str(), "on" | "over" | "across" | "per"));
    if !(counted || over_rows) {
        return;
    }
    let Some(owner) = a.mentions.iter().find_map(|m| m.best_owner(catalog)) else {
        return;
    };
    let Some(count) = super::build::plain_count(catalog, &owner) else {
        return;
    };
    let place = a
        .mentions
        .iter()
        .position(|m| m.start > at)
        .unwrap_or(a.mentions.len());
    a.mentions.insert(
        place,
        Mention {
            start: at,
            end: at + 1,
            text: tokens[at].orig.clone(),
            candidates: vec![Entry {
                member: count,
                score: 100,
            }],
            role: Role::Measure,
            absorbed: false,
        },
    );
    used[at] = true;
}

/// Words that join two figures of one question ("revenue and orders",
/// "units plus revenue", "discounts next to gross sales").
fn joins_figures(t: &Token) -> bool {
    matches!(
        t.text.as_str(),
        "and"
            | "&"
            | "plus"
            | "vs"
            | "with"
            | "alongside"
            | "against"
            | "compared"
            | "or"
            | "next"
            | "also"
            | "beside"
            // "the number of orders instead of units": the one in place
            // of the other, both figures.
            | "instead"
            | "including"
    )
}

/// "count distinct customers who placed orders", "revenue from 250+
/// orders by country": a count noun that no joining word ties to another
/// figure of the question only says whose figure it is, so it names no
/// figure of its own. Figures next to each other ("revenue, orders") are
/// joined by the comma the tokens dropped.
pub(super) fn absorb_unjoined_counts(catalog: &Catalog, a: &mut Analysis) {
    // "orders that had an Accessories item", "a Home product": the noun of
    // a value with an article names what the value is, not a figure.
    let several = a
        .mentions
        .iter()
        .filter(|m| m.role == Role::Measure)
        .count()
        > 1;
    for m in a.mentions.iter_mut() {
        let of_value = a.values.iter().any(|v| {
            v.end == m.start
                && v.start > 0
                && matches!(a.tokens[v.start - 1].text.as_str(), "a" | "an")
        });
        if several && of_value && m.role == Role::Measure && m.end - m.start == 1 {
            m.absorbed = true;
        }
    }
    let figures: Vec<usize> = (0..a.mentions.len())
        .filter(|&j| {
            let m = &a.mentions[j];
            // A measure with a condition ("a negative profit") is the
            // condition, not a figure.
            !m.absorbed
                && m.role == Role::Measure
                && !a.numeric.iter().any(|n| n.target == Some(j))
                && !(0..m.start)
                    .rev()
                    .find(|&k| !super::stopwords::is_skippable(&a.tokens[k].text))
                    .is_some_and(|k| super::qualifiers::is_sign_word(&a.tokens[k].text))
                && m.candidates
                    .iter()
                    .any(|e| catalog.members()[e.member].kind == MemberKind::Measure)
        })
        .collect();
    if figures.len() < 2 {
        return;
    }
    let joined = |x: usize, y: usize| {
        let (first, second) = (&a.mentions[x], &a.mentions[y]);
        let between = &a.tokens[first.end.min(second.start)..second.start];
        between.is_empty() || between.iter().any(joins_figures)
    };
    // "how many orders customers in Germany placed": a count noun that is
    // the subject of the verb after it says whose figure the one before is.
    let agent = |m: &Mention| {
        (m.end..(m.end + 4).min(a.tokens.len()))
            .any(|p| ORDERING_PARTICIPLES.contains(&a.tokens[p].text.as_str()))
    };
    let mut unjoined: Vec<usize> = Vec::new();
    for (k, &j) in figures.iter().enumerate() {
        let before = k > 0 && joined(figures[k - 1], j);
        let after = k + 1 < figures.len() && joined(j, figures[k + 1]);
        let is_count = super::roles::is_count_noun(catalog, &a.mentions[j]);
        let joined_by_word = k > 0 && {
            let (first, second) = (&a.mentions[figures[k - 1]], &a.mentions[j]);
            a.tokens[first.end.min(second.start)..second.start]
                .iter()
                .any(joins_figures)
        };
        if is_count && ((!before && !after) || (k > 0 && !joined_by_word && agent(&a.mentions[j])))
        {
            unjoined.push(j);
        }
    }
    // "opted-in sign-ups", "completed orders": a plain count right after a
    // specific count of its own cube is the noun that count qualifies.
    for pair in figures.windows(2) {
        let (first, second) = (&a.mentions[pair[0]], &a.mentions[pair[1]]);
        let best = |m: &Mention| super::roles::best_measure(catalog, m);
        if let (Some(specific), Some(plain)) = (best(first), best(second)) {
            if first.end == second.start
                && specific.is_count()
                && !specific.is_plain_count()
                && plain.is_plain_count()
                && specific.owner == plain.owner
                && !unjoined.contains(&pair[1])
            {
                unjoined.push(pair[1]);
            }
        }
    }
    // One figure stays: when every figure is such a count, the one "how
    // many" asks for ("customer 37: how many orders"), else the first (the
    // subject).
    if unjoined.len() == figures.len() {
        let counted = |m: &Mention| {
            let w = |k: usize| a.tokens.get(k).map_or("", |t| t.text.as_str());
            m.start >= 2
                && matches!(
                    (w(m.start - 2), w(m.start - 1)),
                    ("how", "many") | ("number", "of")
                )
        };
        let kept = unjoined
            .iter()
            .position(|&j| counted(&a.mentions[j]))
            .unwrap_or(0);
        unjoined.remove(kept);
    }
    for j in unjoined {
        a.mentions[j].absorbed = true;
    }
}
