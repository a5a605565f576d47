//! Questions about the extreme record rather than a total: the earliest or
//! latest ("when was our first order", "who signed up most recently",
//! "earliest order date") and the priciest or cheapest ("the 20 priciest
//! products", "the cheapest book"). The earliest and latest use the model's
//! min or max time measure where it has one, else list the time dimension
//! sorted, one row; price extremes list the records with their price.

use strata_engine::query::TimeDimensionSpec;
use strata_schema::Granularity;
use strata_schema::MemberKind;

use super::parse::Analysis;
use super::text::{same_word, split_identifier, stem};
use super::OfflineParser;
use crate::catalog::CatalogMember;
use crate::intent::Intent;
use crate::translation::Translation;

/// Words asking for the earliest record.
const EARLIEST: &[&str] = &["first", "earliest", "oldest"];
/// Words asking for the latest record.
const LATEST: &[&str] = &["last", "latest", "newest", "recent", "recently"];
/// Words asking for the most expensive records.
const PRICIEST: &[&str] = &["priciest", "expensive", "dearest", "costliest"];
/// Words asking for the cheapest records.
const CHEAPEST: &[&str] = &["cheapest", "inexpensive", "affordable"];
/// Words that turn "expensive" around ("least expensive").
const LESS: &[&str] = &["least", "less", "lowest"];

/// Which end of the order a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    First,
    Last,
}

/// The owner of the thing asked about: the first counted measure's cube,
/// else the first member's.
fn subject_owner<'c>(members: &'c [CatalogMember], t: &Translation) -> Option<&'c str> {
    let find = |name: &String| members.iter().find(|m| m.name == *name);
    t.query
        .measures
        .iter()
        .filter_map(find)
        .find(|m| m.is_count())
        .or_else(|| {
            t.query
                .measures
                .iter()
                .chain(&t.query.dimensions)
                .filter_map(find)
                .next()
        })
        .map(|m| m.owner.as_str())
        .or_else(|| {
            let mut names = Vec::new();
            for f in &t.query.filters {
                f.member_names(&mut |n| names.push(n.to_owned()));
            }
            names
                .iter()
                .filter_map(find)
                .next()
                .map(|m| m.owner.as_str())
        })
}

/// The trigger word's position and the end it asks for, when the word was
/// left unused by the rest of the reading (not part of "last month").
fn time_extreme(a: &Analysis, t: &Translation) -> Option<(usize, End)> {
    let unused = |orig: &str| t.unmatched.iter().any(|u| u.eq_ignore_ascii_case(orig));
    a.tokens.iter().enumerate().find_map(|(i, tok)| {
        let end = if EARLIEST.contains(&tok.text.as_str()) {
            End::First
        } else if LATEST.contains(&tok.text.as_str()) {
            End::Last
        } else {
            return None;
        };
        unused(&tok.orig).then_some((i, end))
    })
}

fn unmark(t: &mut Translation, words: &[&str]) {
    t.unmatched
        .retain(|u| !words.iter().any(|w| u.eq_ignore_ascii_case(w)));
}

/// Rewrites `t` for an earliest/latest or priciest/cheapest question;
/// returns whether it did.
pub(crate) fn apply(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    price_extreme(parser, a, t) || earliest_or_latest(parser, a, t) || moment_alone(parser, t)
}

/// "date of the first order": the first-order measure is the date; a day
/// grouping read from "date" would split it into every day.
fn moment_alone(parser: &OfflineParser<'_>, t: &mut Translation) -> bool {
    let members = parser.catalog().members();
    let moments = !t.query.measures.is_empty()
        && t.query.measures.iter().all(|name| {
            members.iter().any(|m| {
                m.name == *name
                    && matches!(m.agg_type.as_deref(), Some("min" | "max"))
                    && is_moment(m)
            })
        });
    let before = t.query.time_dimensions.len();
    if moments {
        t.query
            .time_dimensions
            .retain(|td| td.date_range.is_some() || td.compare_date_range.is_some());
        for td in &mut t.query.time_dimensions {
            td.granularity = None;
        }
        t.intent = Intent::Metric;
    }
    moments && before != t.query.time_dimensions.len()
}

fn earliest_or_latest(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let Some((at, end)) = time_extreme(a, t) else {
        return false;
    };
    let members = parser.catalog().members();
    // "when did we last get an order from New Zealand", read on
    // `orders_overview`: the view has no first or last moment; the cubes it
    // stands on do.
    let view = t
        .query
        .measures
        .iter()
        .chain(&t.query.dimensions)
        .chain(t.query.time_dimensions.iter().map(|td| &td.dimension))
        .find_map(|n| parser.catalog().get(n).filter(|m| m.in_view))
        .map(|m| m.owner.clone());
    if let Some(view) = view {
        let view_has_moment = members
            .iter()
            .any(|m| m.owner == view && m.kind == MemberKind::Measure && is_moment(m));
        if !view_has_moment {
            if let Some(q) = parser.index.views.on_cubes(&t.query) {
                t.query = q;
            }
        }
    }
    // "how much did AOV move between the first …": an amount asked for is
    // not replaced by the date of a first or last record on an ordinal
    // alone; the word stays unplaced and is asked about ("the most recent
    // completion date" still asks for a date).
    let ordinal = a
        .tokens
        .get(at)
        .is_some_and(|tok| matches!(tok.text.as_str(), "first" | "last"));
    let amount_asked = ordinal
        && t.query.measures.iter().any(|name| {
            members.iter().any(|m| {
                m.name == *name && m.kind == MemberKind::Measure && !m.is_count() && !is_moment(m)
            })
        });
    // "When did the first sale happen?": a date asked for, whatever word
    // names the record.
    let when = a.tokens.first().is_some_and(|tok| tok.text == "when");
    if amount_asked && !when {
        return false;
    }
    // The time dimension: one the other unused words name ("completed" →
    // `completedDate`, "signed up" → `signed_up_at`), else the query's, else
    // the owner's first.
    let unused: Vec<String> = t.unmatched.iter().map(|u| u.to_lowercase()).collect();
    let owner = subject_owner(members, t);
    let named = members.iter().find(|m| {
        owner.is_none_or(|o| m.owner == o)
            && !m.in_view
            && m.is_time()
            && split_identifier(m.short_name())
                .iter()
                .any(|w| unused.iter().any(|u| same_word(u, w)))
    });
    let current = t
        .query
        .time_dimensions
        .first()
        .and_then(|td| members.iter().find(|m| m.name == td.dimension));
    let Some(time) = named
        .or(current)
        .or_else(|| owner.and_then(|o| members.iter().find(|m| m.owner == o && m.is_time())))
    else {
        return false;
    };
    let who = a
        .tokens
        .first()
        .is_some_and(|tok| matches!(tok.text.as_str(), "who" | "which"));
    // The model's own min/max time measure for it, e.g. `first_order_at`.
    let moment_measure = |agg: &str| {
        members.iter().find(|m| {
            m.owner == time.owner
                && m.kind == MemberKind::Measure
                && m.agg_type.as_deref() == Some(agg)
                && is_moment(m)
        })
    };
    let (wanted, other) = if end == End::First {
        ("min", "max")
    } else {
        ("max", "min")
    };
    // "when did customer 1042 last place an order": the moment of the
    // orders that belong to the customer (`Orders.last_order_at`), not of
    // the customer's own dates.
    let ordered = a.tokens.iter().any(|tok| {
        matches!(
            tok.stem.as_str(),
            "order" | "ordered" | "buy" | "bought" | "purchase" | "purchased"
        )
    });
    let of_their_orders = |agg: &str| {
        members.iter().find(|m| {
            m.owner != time.owner
                && !m.in_view
                && m.kind == MemberKind::Measure
                && m.agg_type.as_deref() == Some(agg)
                && is_moment(m)
                && m.short_name().contains("order")
                && parser
                    .joins()
                    .is_some_and(|j| j.reaches(&m.owner, &time.owner))
        })
    };
    let measure =
        moment_measure(wanted).or_else(|| ordered.then(|| of_their_orders(wanted)).flatten());
    let range = t
        .query
        .time_dimensions
        .iter()
        .find_map(|td| td.date_range.clone());
    t.query.time_dimensions = range
        .map(|r| TimeDimensionSpec {
            dimension: time.name.clone(),
            granularity: None,
            date_range: Some(r),
            compare_date_range: None,
        })
        .into_iter()
        .collect();
    // "the dates of our very first and most recent orders": both ends.
    let other_end = if end == End::First { LATEST } else { EARLIEST };
    let in_period = |i: usize| a.times.iter().any(|f| (f.start..f.end).contains(&i));
    let both = a
        .tokens
        .iter()
        .enumerate()
        .any(|(i, tok)| other_end.contains(&tok.text.as_str()) && !in_period(i));
    let other_measure = moment_measure(other);
    // "our most recent business customer": the count the words were read
    // as ("business_count") goes with the measures; the segment of the
    // same name keeps its condition.
    for name in &t.query.measures {
        let Some(count) = members.iter().find(|m| m.name == *name && m.is_count()) else {
            continue;
        };
        let words: Vec<String> = split_identifier(count.short_name())
            .into_iter()
            .filter(|w| w != "count")
            .collect();
        let segment = members.iter().find(|s| {
            s.owner == count.owner
                && s.kind == MemberKind::Segment
                && !words.is_empty()
                && split_identifier(s.short_name()) == words
        });
        if let Some(segment) = segment {
            if !t.query.segments.contains(&segment.name) {
                t.query.segments.push(segment.name.clone());
            }
        }
    }
    match measure.filter(|_| !who) {
        Some(m) => {
            t.query.measures = vec![m.name.clone()];
            if let Some(o) = other_measure.filter(|_| both) {
                t.query.measures.push(o.name.clone());
                let words: Vec<String> = a
                    .tokens
                    .iter()
                    .filter(|tok| other_end.contains(&tok.text.as_str()))
                    .map(|tok| tok.orig.clone())
                    .collect();
                t.unmatched
                    .retain(|u| !words.iter().any(|w| w.eq_ignore_ascii_case(u)));
            }
            t.query.dimensions.clear();
            t.query.order = None;
            t.query.limit = None;
            t.intent = Intent::Metric;
        }
        None => {
            let mut dimensions = Vec::new();
            if who {
                if let Some(name) = name_dimension(members, &time.owner) {
                    dimensions.push(name.name.clone());
                }
            }
            if who {
                dimensions.push(time.name.clone());
            } else {
                // "when did the newest customer sign up": the day itself.
                match t.query.time_dimensions.first_mut() {
                    Some(td) => td.granularity = Some(Granularity::Day),
                    None => t.query.time_dimensions.push(TimeDimensionSpec {
                        dimension: time.name.clone(),
                        granularity: Some(Granularity::Day),
                        date_range: None,
                        compare_date_range: None,
                    }),
                }
            }
            t.query.measures.clear();
            t.query.dimensions = dimensions;
            t.query.order = Some(vec![(time.name.clone(), end == End::Last)]);
            t.query.limit = Some(1);
            t.intent = Intent::TopN;
        }
    }
    t.query.ungrouped = false;
    let word = a.tokens[at].orig.clone();
    let named_word: Vec<String> = named
        .map(|n| {
            unused
                .iter()
                .filter(|u| {
                    split_identifier(n.short_name())
                        .iter()
                        .any(|w| same_word(u, w))
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut done: Vec<&str> = vec![word.as_str(), "ever", "most"];
    done.extend(named_word.iter().map(String::as_str));
    unmark(t, &done);
    true
}

/// Whether a min/max measure is a moment ("first_order_at", "Last Order
/// Date"), not an amount: its type says so, or its name or title does.
fn is_moment(m: &CatalogMember) -> bool {
    let mut words = split_identifier(m.short_name());
    words.extend(m.title.split_whitespace().map(str::to_lowercase));
    m.data_type == "time"
        || split_identifier(m.short_name())
            .last()
            .is_some_and(|w| matches!(w.as_str(), "at" | "on" | "date" | "time"))
        || words
            .iter()
            .any(|w| EARLIEST.contains(&w.as_str()) || LATEST.contains(&w.as_str()) || w == "date")
}

/// Whether a word asks for an extreme record; such a word does not make a
/// question unreadable before [`apply`] has looked at it.
pub(crate) fn is_extreme_word(word: &str) -> bool {
    let w = word.to_lowercase();
    [EARLIEST, LATEST, PRICIEST, CHEAPEST]
        .iter()
        .any(|list| list.contains(&w.as_str()))
}

/// The display name of an owner's records: a string dimension called
/// `name` (or ending in it), else its first string dimension.
pub(crate) fn name_dimension<'c>(
    members: &'c [CatalogMember],
    owner: &str,
) -> Option<&'c CatalogMember> {
    let strings = || {
        members
            .iter()
            .filter(move |m| m.owner == owner && m.kind == MemberKind::Dimension)
            .filter(|m| m.data_type == "string" && !m.primary_key)
    };
    strings()
        .find(|m| m.short_name() == "name")
        .or_else(|| {
            strings().find(|m| {
                split_identifier(m.short_name())
                    .last()
                    .is_some_and(|w| w == "name")
            })
        })
        .or_else(|| strings().next())
}

/// A word asking for the priciest or cheapest records: where it stands,
/// and whether the dearest come first.
pub(super) fn price_end(a: &Analysis) -> Option<(usize, bool)> {
    a.tokens.iter().enumerate().find_map(|(i, tok)| {
        let w = tok.text.as_str();
        let turned = i > 0 && LESS.contains(&a.tokens[i - 1].text.as_str());
        if PRICIEST.contains(&w) {
            Some((i, !turned))
        } else if CHEAPEST.contains(&w) {
            Some((i, false))
        } else {
            None
        }
    })
}

fn price_extreme(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let Some((at, descending)) = price_end(a) else {
        return false;
    };
    let members = parser.catalog().members();
    let Some(owner) = subject_owner(members, t) else {
        return false;
    };
    let number_dims = || {
        members.iter().filter(move |m| {
            m.owner == owner
                && m.kind == MemberKind::Dimension
                && m.data_type == "number"
                && !m.primary_key
        })
    };
    let price = number_dims()
        .find(|m| {
            split_identifier(m.short_name())
                .iter()
                .any(|w| w == "price")
        })
        .or_else(|| number_dims().find(|m| m.format.as_deref() == Some("currency")));
    let (Some(price), Some(name)) = (price, name_dimension(members, owner)) else {
        return false;
    };
    // "the cheapest list price of each brand": the lowest price per brand,
    // not the one cheapest product.
    if let Some(extreme) = per_group_extreme(members, a, t, price, (at, descending)) {
        t.query.measures = vec![extreme.name.clone()];
        t.query.order = None;
        t.query.limit = None;
        return true;
    }
    // "the cheapest book": one; "the 20 priciest products": 20; "the
    // priciest products": ten.
    let singular = a.tokens[at + 1..]
        .iter()
        .find(|tok| !matches!(tok.text.as_str(), "a" | "an" | "the"))
        .is_some_and(|tok| {
            // As typed: a spelling correction may have made "book" "books".
            let typed = tok.orig.to_lowercase();
            stem(&typed) == typed
        });
    // "the 20 priciest", "the 15 most expensive".
    let before = match at.checked_sub(1).map(|p| a.tokens[p].text.as_str()) {
        Some("most" | "least") => at.checked_sub(2),
        _ => at.checked_sub(1),
    };
    let counted = before
        .and_then(|p| a.tokens[p].number())
        .filter(|n| n.fract() == 0.0 && *n >= 1.0)
        .map(|n| n as u64);
    let limit = a
        .ranking
        .limit
        .map(u64::from)
        .or(counted)
        .unwrap_or(if singular { 1 } else { 10 });
    t.query.measures.clear();
    t.query.dimensions = vec![name.name.clone(), price.name.clone()];
    // "... with brand and category".
    let (columns, used) = super::listing::attributes(parser, a, owner);
    for c in columns {
        let column = &members[c].name;
        if !t.query.dimensions.contains(column) {
            t.query.dimensions.push(column.clone());
        }
    }
    let used: Vec<&str> = used.iter().map(String::as_str).collect();
    unmark(t, &used);
    t.query.order = Some(vec![(price.name.clone(), descending)]);
    t.query.limit = Some(limit);
    t.query.ungrouped = false;
    t.query.time_dimensions.retain(|td| td.date_range.is_some());
    for td in &mut t.query.time_dimensions {
        td.granularity = None;
    }
    t.intent = Intent::TopN;
    let word = a.tokens[at].orig.clone();
    unmark(t, &[word.as_str()]);
    true
}

/// The max (or min) measure over `price` when the question groups by a
/// column of its cube ("of each brand", "per category") and names the price
/// beside the superlative at `at`: the extreme per group. `None` when the grouping is by the records themselves or there
/// is none, or the model has no such measure.
fn per_group_extreme<'c>(
    members: &'c [CatalogMember],
    a: &Analysis,
    t: &Translation,
    price: &CatalogMember,
    (at, descending): (usize, bool),
) -> Option<&'c CatalogMember> {
    let per_group = a
        .tokens
        .iter()
        .any(|tok| matches!(tok.text.as_str(), "each" | "every" | "per" | "by"));
    let grouped = !t.query.dimensions.is_empty()
        && t.query.dimensions.iter().all(|d| {
            members.iter().any(|m| {
                m.name == *d && m.owner == price.owner && !m.primary_key && m.short_name() != "name"
            })
        });
    if !(per_group && grouped) {
        return None;
    }
    let aggregation = if descending { "max" } else { "min" };
    let extreme = members.iter().position(|m| {
        m.kind == MemberKind::Measure
            && m.agg_type.as_deref() == Some(aggregation)
            && super::largest::extreme_of(m, price)
    })?;
    // The price itself is asked for ("the cheapest list price of each
    // brand"); "the cheapest product in each category" asks for products.
    let price_at = members.iter().position(|m| m.name == price.name);
    let price_named = a.mentions.iter().any(|m| {
        !(m.start..m.end).contains(&at)
            && m.candidates
                .iter()
                .any(|e| e.member == extreme || Some(e.member) == price_at)
    });
    price_named.then(|| &members[extreme])
}
