//! Share, percentage and rate questions answered by the model's rate
//! measure: "what share of orders get returned" is the return rate, not the
//! number of orders; "what percentage of customers opted in" is the opt-in
//! rate; "gross margin %" is the profit margin. A rate measure is one whose
//! format is a percentage or whose name says rate, ratio, margin, share or
//! percentage; it is chosen by the words it shares with the question.

use strata_engine::query::Filter;
use strata_schema::MemberKind;

use super::normalize::retain_equals;
use super::parse::{Analysis, Role};
use super::stopwords::is_stopword;
use super::text::{canonical, same_word, split_identifier, stem, Token};
use super::unplaced::described_by;
use super::OfflineParser;
use crate::catalog::{Catalog, CatalogMember};
use crate::translation::Translation;

/// Words asking for a share, percentage or rate (after canonical spelling:
/// `%` and `pct` read as "percent").
/// Whether a word asks for a share, percentage or rate.
pub(super) fn is_share_word(word: &str) -> bool {
    SHARE_WORDS.contains(&word)
}

pub(super) const SHARE_WORDS: &[&str] = &[
    "share",
    "shares",
    "percent",
    "percentage",
    "proportion",
    "ratio",
    "rate",
    "rates",
    "fraction",
];

/// Words naming what makes a measure a rate.
const RATE_NAMES: &[&str] = &["rate", "ratio", "margin", "share", "percentage", "percent"];

pub(super) fn is_rate(m: &CatalogMember) -> bool {
    m.kind == MemberKind::Measure
        && (m.format.as_deref() == Some("percent")
            || split_identifier(m.short_name())
                .iter()
                .any(|w| RATE_NAMES.contains(&w.as_str())))
}

/// The words that describe a member (name, title, synonyms), without share
/// words or stopwords.
fn member_words(m: &CatalogMember) -> Vec<String> {
    let mut words = described_by(m, false);
    words.retain(|w| !SHARE_WORDS.contains(&w.as_str()) && !is_stopword(w));
    words.sort();
    words.dedup();
    words
}

/// The rate measures a translation asks for.
fn rate_measures<'c, 't>(
    catalog: &'c Catalog,
    translation: &'t Translation,
) -> impl Iterator<Item = &'c CatalogMember> + use<'c, 't> {
    translation
        .query
        .measures
        .iter()
        .filter_map(|m| catalog.get(m))
        .filter(|m| is_rate(m))
}

/// "open rate", said where the answer's rate is another one (the opt-in
/// rate, found through "newsletter"): the word right before "rate" or
/// "ratio" is a content word the chosen rate measures do not hold, so the
/// rate asked for is one the model lacks. The phrase, if so.
pub(crate) fn rate_named_otherwise(
    catalog: &Catalog,
    tokens: &[Token],
    translation: &Translation,
) -> Option<String> {
    let rates: Vec<&CatalogMember> = rate_measures(catalog, translation).collect();
    if rates.is_empty() {
        return None;
    }
    tokens.windows(2).find_map(|w| {
        let (before, rate) = (&w[0], &w[1]);
        let names_rate = matches!(rate.text.as_str(), "rate" | "ratio");
        let content = !is_stopword(&before.text)
            && before.text.chars().all(char::is_alphabetic)
            && before.text.chars().count() > 2;
        let held = rates.iter().any(|m| {
            described_by(m, false)
                .iter()
                .any(|d| same_word(d, &before.stem) || same_word(d, &before.text))
        });
        (names_rate && content && !held).then(|| format!("{} {}", before.orig, rate.orig))
    })
}

/// "our newsletter opt-in rate": a condition on what the rate itself
/// measures (opted in to marketing) would make it 100%; such `equals`
/// filters go. A filter whose dimension or values share a word with a rate
/// measure of the query is one, "return rate for mobile orders" keeps its
/// channel.
pub(crate) fn drop_own_population(catalog: &Catalog, translation: &mut Translation) {
    let rate_words: Vec<String> = rate_measures(catalog, translation)
        .flat_map(member_words)
        .collect();
    if rate_words.is_empty() {
        return;
    }
    let shares = |words: &[String]| {
        words
            .iter()
            .any(|w| rate_words.iter().any(|r| same_word(r, w)))
    };
    let mut dropped: Vec<(String, String)> = Vec::new();
    retain_equals(&mut translation.query, |member, values| {
        let Some(dimension) = catalog.get(member) else {
            return true;
        };
        let value_words: Vec<String> = values
            .iter()
            .flatten()
            .flat_map(|v| split_identifier(v))
            .map(|w| stem(&w))
            .collect();
        let own = shares(&member_words(dimension)) || shares(&value_words);
        if let (true, [Some(value)]) = (own, values) {
            dropped.push((dimension.owner.clone(), value.clone()));
        }
        !own
    });
    // "cancelled orders, and the cancellation rate too": the plain count
    // the filter qualified becomes the count named after its value.
    for (owner, value) in dropped {
        let Some(named) = super::counted::count_named_after(catalog, &owner, &value) else {
            continue;
        };
        for measure in &mut translation.query.measures {
            let plain = catalog
                .get(measure)
                .is_some_and(|m| m.owner == owner && m.is_plain_count());
            if plain {
                *measure = named.name.clone();
            }
        }
    }
}

/// "Which channel has the highest share of cancelled orders": the orders
/// after "share of" are the rate's population, not a count beside it. A
/// count of the rate's cube named right after the share word goes when the
/// rate is in the query.
pub(crate) fn drop_population_count(catalog: &Catalog, a: &Analysis, t: &mut Translation) {
    let owners: Vec<String> = rate_measures(catalog, t).map(|m| m.owner.clone()).collect();
    if owners.is_empty() || t.query.measures.len() < 2 {
        return;
    }
    let word = |i: usize| a.tokens.get(i).map_or("", |tok| tok.text.as_str());
    let Some(share_at) =
        (0..a.tokens.len()).find(|&i| SHARE_WORDS.contains(&word(i)) && word(i + 1) == "of")
    else {
        return;
    };
    let after_share = |m: &&super::parse::Mention| (share_at + 2..=share_at + 4).contains(&m.start);
    let named = |m: &super::parse::Mention| -> Vec<usize> {
        m.candidates.iter().map(|e| e.member).collect()
    };
    // "share of orders cancelled and order count": a count also named
    // elsewhere stays.
    let elsewhere: Vec<usize> = a
        .mentions
        .iter()
        .filter(|m| !after_share(m))
        .flat_map(named)
        .collect();
    let population: Vec<String> = a
        .mentions
        .iter()
        .filter(after_share)
        .flat_map(named)
        .filter(|e| !elsewhere.contains(e))
        .filter_map(|e| catalog.members().get(e))
        .filter(|m| m.is_count() && owners.contains(&m.owner))
        .map(|m| m.name.clone())
        .collect();
    t.query.measures.retain(|m| !population.contains(m));
    if let Some(order) = t.query.order.as_mut() {
        order.retain(|(m, _)| !population.contains(m));
    }
}

/// Whether a cube can be queried with the query's other cubes.
fn joins_with(parser: &OfflineParser<'_>, owners: &[&str], cube: &str) -> bool {
    let Some(hints) = parser.joins() else {
        return true;
    };
    let mut all: Vec<&str> = owners.to_vec();
    all.push(cube);
    all.sort_unstable();
    all.dedup();
    hints.root(&all).is_some()
}

/// Whether the share word at `i` is the unit of the number before it ("a
/// discount above 20%", "50 percent or more"): a condition's value, not a
/// question for a share.
fn is_unit_of_number(a: &Analysis, i: usize) -> bool {
    a.tokens[i].text == "percent"
        && i > 0
        && a.tokens[i - 1]
            .text
            .trim_end_matches('%')
            .parse::<f64>()
            .is_ok()
}

/// Replaces the measures of a share question with the rate measure the
/// question describes, when the model has one; returns whether it did.
/// "Share of revenue by channel" (a share of an amount, split) is left
/// alone: the answer's shares show it.
pub(crate) fn apply(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    to_rate(parser, a, t, false)
}

/// [`apply`] to a follow-up ("what % of them opted in"): the groupings of the
/// conversation stay.
pub(crate) fn apply_to_followup(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &mut Translation,
) -> bool {
    to_rate(parser, a, t, true)
}

fn to_rate(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &mut Translation,
    keep_groupings: bool,
) -> bool {
    let members = parser.catalog().members();
    let share_at =
        a.tokens.iter().enumerate().position(|(i, tok)| {
            SHARE_WORDS.contains(&tok.text.as_str()) && !is_unit_of_number(a, i)
        });
    let Some(share_at) = share_at else {
        return false;
    };
    let share_word = a.tokens[share_at].text.as_str();
    let chosen_is_rate = t.query.measures.iter().any(|name| {
        members
            .iter()
            .find(|m| m.name == *name)
            .is_some_and(is_rate)
    });
    if chosen_is_rate {
        return false;
    }
    let question: Vec<&str> = a
        .tokens
        .iter()
        .enumerate()
        .filter(|(i, tok)| {
            *i != share_at
                && !SHARE_WORDS.contains(&tok.text.as_str())
                && !is_stopword(&tok.text)
                && tok.text.chars().count() > 1
        })
        .map(|(_, tok)| tok.stem.as_str())
        .collect();
    let owners: Vec<&str> = t
        .query
        .measures
        .iter()
        .chain(&t.query.dimensions)
        .chain(t.query.time_dimensions.iter().map(|td| &td.dimension))
        .filter_map(|name| members.iter().find(|m| m.name == *name))
        .map(|m| m.owner.as_str())
        .collect();
    let view = owners
        .iter()
        .find(|o| members.iter().any(|m| m.owner == **o && m.in_view))
        .copied();
    // Best rate by the question words it shares; in the query's view when
    // it has one, else among cubes that join the query's, or that hold
    // every member the query names (a sibling cube, `BigECommerce` beside
    // `ECommerce`), onto which the query moves.
    let query_members = query_member_names(t);
    let sibling = |cube: &str| view.is_none() && holds_every_name(members, cube, &query_members);
    let best = members
        .iter()
        .enumerate()
        .filter(|(_, m)| is_rate(m) && view.map_or(!m.in_view, |v| m.owner == v))
        .filter(|(_, m)| {
            view.is_some() || joins_with(parser, &owners, &m.owner) || sibling(&m.owner)
        })
        .map(|(i, m)| {
            let words = member_words(m);
            let shared = question
                .iter()
                .filter(|q| words.iter().any(|w| same_word(q, w)))
                .count();
            // "what percentage of ...": a rate named a percentage.
            let share_family =
                |w: &str| matches!(w, "share" | "percent" | "proportion" | "fraction");
            let named_share = share_family(share_word)
                && split_identifier(m.short_name())
                    .iter()
                    .any(|w| share_family(canonical(w)));
            (shared + usize::from(named_share), i)
        })
        .filter(|(shared, _)| *shared > 0)
        .max_by_key(|(shared, i)| (*shared, std::cmp::Reverse(*i)));
    let Some((_, rate)) = best else {
        return false;
    };
    let rate = &members[rate];
    if view.is_none() && !joins_with(parser, &owners, &rate.owner) {
        move_to_cube(t, &rate.owner);
    }
    // Dimensions the question groups by stay; words that only described the
    // rate's population ("customers who opted in to marketing emails") go.
    let grouped: Vec<&str> = a
        .mentions
        .iter()
        .filter(|m| m.role == Role::Group)
        .flat_map(|m| m.candidates.iter().map(|e| members[e.member].name.as_str()))
        .collect();
    if !keep_groupings {
        t.query.dimensions.retain(|d| grouped.contains(&d.as_str()));
    }
    // "what share of orders get returned": "returned" named the rate, it is
    // not a filter to status = returned.
    let rate_words = member_words(rate);
    t.query.filters.retain(|f| match f {
        strata_engine::query::Filter::Member { values, .. } => !values.iter().flatten().any(|v| {
            let v = v.to_lowercase();
            rate_words.iter().any(|w| same_word(&v, w))
        }),
        _ => true,
    });
    // "what share of those opted in": a rate split by the yes/no condition
    // it measures is 0% or 100% in each row, so that split goes.
    t.query.dimensions.retain(|d| {
        !members.iter().find(|m| m.name == *d).is_some_and(|m| {
            m.data_type == "boolean"
                && member_words(m)
                    .iter()
                    .any(|w| w.len() > 2 && rate_words.iter().any(|r| same_word(r, w)))
        })
    });
    // "number of customers and % opted in": a figure named before the
    // share and joined to it stays beside the rate.
    let joined_before: Vec<String> = a
        .mentions
        .iter()
        .filter(|m| m.role == Role::Measure && !m.absorbed && m.end <= share_at)
        .filter(|m| {
            let between = &a.tokens[m.end.saturating_sub(1)..share_at];
            between.first().is_some_and(|t| t.clause_end)
                || between[1..]
                    .iter()
                    .any(|t| matches!(t.text.as_str(), "and" | "plus" | "&"))
        })
        .flat_map(|m| m.candidates.iter().map(|e| members[e.member].name.clone()))
        .filter(|name| t.query.measures.contains(name) && *name != rate.name)
        .collect();
    t.query.measures = joined_before;
    t.query.measures.push(rate.name.clone());
    if let Some(order) = t.query.order.as_mut() {
        for (member, _) in order.iter_mut() {
            if members
                .iter()
                .any(|m| m.name == *member && m.kind == MemberKind::Measure)
            {
                *member = rate.name.clone();
            }
        }
    }
    t.unmatched
        .retain(|w| !SHARE_WORDS.contains(&canonical(&w.to_lowercase())));
    true
}

/// The members a query names outside its measures: groupings, time
/// dimensions, segments and filters.
pub(super) fn query_member_names(t: &Translation) -> Vec<String> {
    let q = &t.query;
    let mut names: Vec<String> = q
        .dimensions
        .iter()
        .chain(&q.segments)
        .cloned()
        .chain(q.time_dimensions.iter().map(|td| td.dimension.clone()))
        .collect();
    for f in &q.filters {
        f.member_names(&mut |m| names.push(m.to_owned()));
    }
    names
}

/// Whether `cube` has a member of the short name of each of `names`
/// (`BigECommerce` holds every member `ECommerce` names).
pub(super) fn holds_every_name(members: &[CatalogMember], cube: &str, names: &[String]) -> bool {
    names.iter().all(|name| {
        let short = name.rsplit('.').next().unwrap_or_default();
        members
            .iter()
            .any(|m| m.owner == cube && m.short_name() == short)
    })
}

/// Renames every member of the query to the member of the same name in
/// `cube`.
pub(super) fn move_to_cube(t: &mut Translation, cube: &str) {
    t.query.member_names_mut(&mut |name: &mut String| {
        if let Some((_, short)) = name.split_once('.') {
            *name = format!("{cube}.{short}");
        }
    });
}

/// "how much do people spend per order", "revenue per order by channel": an
/// amount per record of its cube is the model's average of it, a currency
/// measure of the same owner titled as an average per that record ("Average
/// Order Value"). Returns whether it rewrote the query.
pub(crate) fn per_record(parser: &OfflineParser<'_>, a: &Analysis, t: &mut Translation) -> bool {
    let members = parser.catalog().members();
    let Some(at) = a
        .tokens
        .windows(2)
        .position(|w| w[0].text == "per" || w[0].text == "each")
    else {
        return false;
    };
    let record = a.tokens[at + 1].stem.as_str();
    // "revenue per order status": a split by the status, not per order.
    let split = a.mentions.iter().any(|m| {
        m.role == super::parse::Role::Group && m.start <= at + 2 && at + 1 < m.end && m.end > at + 2
    });
    if split {
        return false;
    }
    // The amount, and perhaps the count of the records it is per ("per
    // order" also names the order count).
    let chosen: Vec<&CatalogMember> = t
        .query
        .measures
        .iter()
        .filter_map(|n| members.iter().find(|m| m.name == *n))
        .collect();
    let amounts: Vec<&&CatalogMember> = chosen.iter().filter(|m| !m.is_plain_count()).collect();
    let [amount] = amounts.as_slice() else {
        return false;
    };
    if chosen
        .iter()
        .any(|m| m.is_plain_count() && m.owner != amount.owner)
    {
        return false;
    }
    let name = &amount.name;
    let money = amount.format.as_deref() == Some("currency");
    if !money || amount.agg_type.as_deref() != Some("sum") {
        return false;
    }
    let average = members.iter().find(|m| {
        let words: Vec<String> = m
            .title
            .split_whitespace()
            .map(|w| stem(&w.to_lowercase()))
            .collect();
        m.owner == amount.owner
            && m.kind == MemberKind::Measure
            && m.format.as_deref() == Some("currency")
            && words.iter().any(|w| w == "average" || w == "avg")
            && words.iter().any(|w| w == record)
    });
    let Some(average) = average else {
        return false;
    };
    let old = name.clone();
    t.query.measures = vec![average.name.clone()];
    if let Some(order) = t.query.order.as_mut() {
        for (member, _) in order.iter_mut() {
            if *member == old {
                *member = average.name.clone();
            }
        }
    }
    t.unmatched.retain(|u| !u.eq_ignore_ascii_case("average"));
    true
}

/// "How many orders were cancelled last quarter?" then "Show that as a
/// percentage of all orders": the count filtered to a value, asked as a
/// share, is the model's rate named after that value (the cancellation
/// rate), over the rows without the filter. Returns whether it rewrote.
pub(crate) fn share_of_filtered_count(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    t: &mut Translation,
) -> bool {
    let catalog = parser.catalog();
    let asks_share = a.tokens.iter().any(|tok| {
        matches!(
            tok.text.as_str(),
            "percentage" | "percent" | "share" | "proportion" | "fraction" | "%"
        )
    });
    let [name] = t.query.measures.as_slice() else {
        return false;
    };
    let Some(count) = catalog.get(name).filter(|m| m.is_plain_count()) else {
        return false;
    };
    if !asks_share {
        return false;
    }
    let found = t.query.filters.iter().enumerate().find_map(|(i, f)| {
        let Filter::Member { member, values, .. } = f else {
            return None;
        };
        let [Some(value)] = values.as_slice() else {
            return None;
        };
        let stem = super::text::value_stem(value);
        let rate = catalog.members().iter().find(|m| {
            m.owner == count.owner && is_rate(m) && m.short_name().to_lowercase().contains(&stem)
        })?;
        catalog
            .get(member)
            .is_some_and(|d| d.owner == count.owner)
            .then(|| (i, rate.name.clone()))
    });
    let Some((at, rate)) = found else {
        return false;
    };
    t.query.filters.remove(at);
    t.query.measures = vec![rate];
    true
}

/// "How many returns did we get, by channel?" then "as a rate": the rate
/// named as the one count shown is (`returned_count` → `return_rate`).
pub(crate) fn asked_as_rate(
    catalog: &Catalog,
    a: &Analysis,
    measures: &[String],
) -> Option<String> {
    if !says_as_rate(a) {
        return None;
    }
    match measures {
        [name] => rate_named_like(catalog, name),
        // "how many of them opted in" then "as a %": the count beside its
        // cube's plain count is the rate's part of the whole.
        [x, y] => {
            let plain = |n: &str| catalog.get(n).filter(|m| m.is_plain_count());
            let (whole, part) = match (plain(x), plain(y)) {
                (Some(w), None) => (w, y),
                (None, Some(w)) => (w, x),
                _ => return None,
            };
            let rate = rate_named_like(catalog, part)?;
            catalog
                .get(&rate)
                .is_some_and(|r| r.owner == whole.owner)
                .then_some(rate)
        }
        _ => None,
    }
}

/// "Cancellation rate by country" then "same for returns": with rates shown,
/// "same for" a count named after a value asks for that value's rate
/// (`returned_count` → `return_rate`). Other measures are kept as named.
pub(crate) fn as_rates_when_rates_shown(
    catalog: &Catalog,
    a: &Analysis,
    shown: &[usize],
    named: &[usize],
) -> Vec<usize> {
    let members = catalog.members();
    let same_for = a.tokens.first().is_some_and(|t| t.text == "same")
        && a.tokens.get(1).is_some_and(|t| t.text == "for");
    let rates_shown = !shown.is_empty() && shown.iter().all(|&m| is_rate(&members[m]));
    if !same_for || !rates_shown {
        return named.to_vec();
    }
    named
        .iter()
        .map(|&m| {
            rate_named_like(catalog, &members[m].name)
                .and_then(|rate| members.iter().position(|x| x.name == rate))
                .unwrap_or(m)
        })
        .collect()
}

/// "as a rate", "as a percentage", "as a share instead".
fn says_as_rate(a: &Analysis) -> bool {
    a.tokens.windows(3).any(|w| {
        w[0].text == "as"
            && matches!(
                w[2].text.as_str(),
                "rate" | "percentage" | "percent" | "share" | "proportion" | "%"
            )
    })
}

/// "as a rate" after orders counted with `status = cancelled`: the rate of
/// the plain count's cube named after the filtered value
/// (`cancellation_rate`), and the index of the filter it replaces.
pub(crate) fn filtered_count_as_rate(
    catalog: &Catalog,
    a: &Analysis,
    measures: &[String],
    filters: &[Filter],
) -> Option<(String, usize)> {
    let [name] = measures else {
        return None;
    };
    let count = catalog
        .get(name)
        .filter(|m| says_as_rate(a) && m.is_plain_count())?;
    filters.iter().enumerate().find_map(|(i, f)| {
        let Filter::Member {
            member,
            operator: strata_engine::query::FilterOperator::Equals,
            values,
        } = f
        else {
            return None;
        };
        let [Some(value)] = values.as_slice() else {
            return None;
        };
        catalog.get(member).filter(|d| d.owner == count.owner)?;
        let stem = super::text::value_stem(value);
        rate_with_stem(catalog, &count.owner, &stem).map(|rate| (rate, i))
    })
}

/// The rate of the count `name` when the count is named after a value
/// (`returned_count` → `return_rate`).
fn rate_named_like(catalog: &Catalog, name: &str) -> Option<String> {
    let count = catalog
        .get(name)
        .filter(|m| m.is_count() && !m.is_plain_count())?;
    let first = split_identifier(count.short_name()).into_iter().next()?;
    // "opted" (`opted_in_count`) is "opt" in `opt_in_rate`.
    let participle = first
        .strip_suffix("ed")
        .filter(|base| base.len() >= 3)
        .map(str::to_owned);
    std::iter::once(super::text::value_stem(&first))
        .chain(participle)
        .find_map(|stem| rate_with_stem(catalog, &count.owner, &stem))
}

/// The one rate of `owner` whose name holds a value's stem, if exactly one.
fn rate_with_stem(catalog: &Catalog, owner: &str, stem: &str) -> Option<String> {
    let mut rates = catalog
        .members()
        .iter()
        .filter(|m| m.owner == owner && is_rate(m) && m.short_name().to_lowercase().contains(stem));
    let rate = rates.next()?;
    rates.next().is_none().then(|| rate.name.clone())
}
