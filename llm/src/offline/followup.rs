//! Follow-ups: short turns that modify the previous query.
//!
//! | follow-up | change |
//! |---|---|
//! | "only Europe", "just for web", "excluding mobile" | add or replace a value filter |
//! | "by week", "monthly" | the granularity |
//! | "by channel instead" / "also by status" | replace / add a grouping |
//! | "what about profit" / "and units too" | replace / add a measure |
//! | "for last year", "compared to last month" | the date range / a comparison |
//! | "top 3", "sorted ascending" | order and limit |
//! | "as a bar chart" | the chart only |
//! | "remove the filters", "all channels" | drop filters |
//!
//! Edits that keep what was there (a value added to a filter, a value
//! taken out, a flipped sort, one row of those shown) are in
//! `followup_edits`; the query being edited, part by part, is a
//! `followup_draft::Draft`.
//!
//! A turn that names a measure and starts like a question of its own is
//! translated as a new question.

use chrono::NaiveDate;
use strata_schema::MemberKind;

use super::build;
use super::followup_draft::{adding_words, Draft};
use super::followup_edits as edits;
use super::parse::{Analysis, Role};
use super::resolve::effective;
use super::stopwords::is_skippable;
use super::view_moves;
use super::OfflineParser;
use crate::error::LlmError;
use crate::intent::Intent;
use crate::translation::Translation;

/// First words that mark a turn as a follow-up.
const FOLLOWUP_STARTS: &[&str] = &[
    "and",
    "also",
    "add",
    "plus",
    "now",
    "instead",
    "only",
    "just",
    "but",
    "then",
    "same",
    "include",
    "remove",
    "drop",
    "forget",
    "ignore",
    "lose",
    "reverse",
    "flip",
    "break",
    "without",
    "excluding",
    "except",
    "make",
    "change",
    "switch",
    "as",
    "for",
    "in",
    "by",
    "split",
    "break",
    "top",
    "bottom",
    "compare",
    "compared",
    "vs",
    "per",
    "group",
    "sort",
    "sorted",
    "order",
    "limit",
    "with",
    "over",
    "use",
    "exclude",
    "ok",
    "okay",
    "let",
    "same",
];

fn has(a: &Analysis, words: &[&str]) -> bool {
    a.tokens.iter().any(|t| words.contains(&t.text.as_str()))
}

fn starts_followup(a: &Analysis) -> bool {
    let t: Vec<&str> = a
        .tokens
        .iter()
        .map(|t| t.text.as_str())
        .filter(|w| !is_skippable(w))
        .collect();
    match t.as_slice() {
        ["what" | "how", "about", ..] => true,
        [first, ..] => FOLLOWUP_STARTS.contains(first),
        [] => true,
    }
}

/// Applies a follow-up to `previous`.
pub fn refine(
    parser: &OfflineParser<'_>,
    previous: &Translation,
    text: &str,
    today: NaiveDate,
) -> Result<Translation, LlmError> {
    let catalog = parser.catalog();
    // "sorry, I meant units": what follows replaces what was asked.
    let (text, corrects) = match super::correction::leading(text) {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    let asked = parser.reader().request(parser.catalog(), text, today);
    let text: &str = &asked;
    let mut a = parser.reader().analyze(catalog, text, today);
    // "and just business accounts", "ok only Europe": chat words before.
    // "same thing but only for business customers": the same words too.
    let opening = a.tokens.iter().find(|t| {
        !matches!(
            t.text.as_str(),
            "and" | "ok" | "okay" | "so" | "now" | "but" | "then" | "well" | "same" | "thing"
        )
    });
    let narrowing = opening.is_some_and(|t| {
        matches!(
            t.text.as_str(),
            "only" | "just" | "excluding" | "except" | "without"
        )
    }) || a.tokens.last().is_some_and(|t| t.text == "only")
        || a.tokens.windows(2).next().is_some_and(|w| {
            w[0].text == "for"
                && !a
                    .mentions
                    .iter()
                    .any(|m| m.start == 1 && !super::roles::is_count_noun(catalog, m))
        });
    if narrowing {
        parser.reader().qualify_count_nouns(catalog, &mut a);
    }
    let names_measure = a
        .mentions
        .iter()
        .any(|m| !m.absorbed && effective(catalog, m).0 == Role::Measure);
    let is_new = names_measure
        && !corrects
        && !narrowing
        && !starts_followup(&a)
        && !refers_back(&a)
        && !has(&a, &["instead", "too", "also"])
        && !edits::beside(&a)
        && !a
            .tokens
            .windows(2)
            .any(|w| w[0].text == "as" && w[1].text == "well");
    if is_new {
        let mut t = parser.translate(text, today)?;
        // "the 10 largest orders that month": the month shown.
        let pointed = super::followup_periods::keep_period_pointed_at(
            catalog,
            &a,
            &previous.query,
            &mut t.query,
        );
        if let Some(word) = pointed {
            t.unmatched.retain(|w| !w.eq_ignore_ascii_case(&word));
        }
        // "Which subcategory is lowest on revenue?" right after gross sales
        // and revenue by subcategory for a year: the rows shown, ranked.
        if ranks_rows_shown(&t.query, &previous.query) {
            let mut shown = previous.query.clone();
            shown.order = t.query.order.take();
            shown.limit = t.query.limit;
            t.query = shown;
        }
        return Ok(t);
    }
    // "sorry, I meant units" on a view without units: on its cubes.
    let moved;
    let previous = match view_moves::needs_cubes(catalog, &a, &previous.query)
        .then(|| parser.index.views.on_cubes(&previous.query))
        .flatten()
    {
        Some(query) => {
            moved = Translation {
                query,
                ..previous.clone()
            };
            &moved
        }
        None => previous,
    };
    let mut draft = Draft::of(parser, &previous.query);
    let mut r = build::resolve_analysis(parser, &a, &draft.context(parser));
    // "instead of revenue show AOV": the measure after "instead of" is the
    // one replaced, not one more.
    let replaced = a
        .tokens
        .windows(2)
        .position(|w| w[0].text == "instead" && w[1].text == "of");
    if let Some(p) = replaced {
        let after = (p + 2..a.tokens.len()).find(|&k| !is_skippable(&a.tokens[k].text));
        let mut named = a
            .mentions
            .iter()
            .find(|m| Some(m.start) == after)
            .map(|m| m.candidates.iter().map(|e| e.member).collect::<Vec<_>>())
            .unwrap_or_default();
        // "by age group instead of country": the count of the thing
        // replaced ("countries") is no figure asked for either.
        let members = parser.catalog().members();
        let counts: Vec<usize> = named
            .iter()
            .filter(|&&c| members[c].kind == MemberKind::Dimension)
            .filter_map(|&c| {
                members
                    .iter()
                    .position(|m| m.owner == members[c].owner && m.is_plain_count())
            })
            .collect();
        named.extend(counts);
        // "profit margin instead of profit": "profit" may also mean the
        // margin, but the margin is what another word of the turn names.
        let best_of_others: Vec<usize> = a
            .mentions
            .iter()
            .filter(|m| Some(m.start) != after)
            .filter_map(|m| {
                m.candidates
                    .iter()
                    .max_by_key(|e| e.score)
                    .map(|e| e.member)
            })
            .collect();
        let named: Vec<usize> = named
            .into_iter()
            .filter(|c| !best_of_others.contains(c))
            .collect();
        // "consumers instead of business customers": a figure named only
        // as what is replaced goes too; the figures shown stay.
        let shown: Vec<&str> = previous.query.measures.iter().map(String::as_str).collect();
        if r.measures.iter().any(|m| !named.contains(m))
            || !r.measures.iter().any(|&m| shown.contains(&parser.name(m)))
        {
            r.measures.retain(|m| !named.contains(m));
        }
    }
    // "cheapest thing we sell in kitchen?" then "and the priciest": a
    // listing re-sorted by the price it shows, no figure added.
    let price_end = super::extremes::price_end(&a);
    if let (Some((_, desc)), true) = (price_end, previous.query.measures.is_empty()) {
        let shown_price = previous.query.order.iter().flatten().find(|(key, _)| {
            catalog
                .get(key)
                .is_some_and(|m| m.kind == MemberKind::Dimension && m.data_type == "number")
        });
        if let Some((key, _)) = shown_price {
            r.measures.clear();
            r.explicit_measure = false;
            draft.sort_by(key, desc);
        }
    }
    // "whats the profit margin on those": one more figure for the rows shown.
    let adding = adding_words(&a) || refers_back(&a);
    draft.edit_measures(parser, &a, &r, adding);
    draft.date_measures_by_their_own(parser);
    // "remove the filters", "all channels", "take off the date range".
    let removing = edits::removes_filters(&a);
    draft.edit_groupings(parser, &a, &mut r, removing, adding);
    let dates_removed = draft.edit_filters(parser, &a, &mut r, removing);
    draft.edit_time(parser, &a, &r, dates_removed, text, today)?;
    draft.edit_ranking(parser, &a, &r);

    // A single number cannot show two periods: a comparison drops it.
    let compared = draft.compares_periods();
    let kept = previous
        .chart
        .filter(|c| !(compared && *c == crate::intent::ChartType::Number));
    let chart = a.chart.map(|c| c.chart).or(kept);
    let changed_before_chart = draft.changed;
    // "now sort them alphabetically": the list in name order.
    let name_order = super::time_order::orders_by_name(&a) && !draft.dimensions.is_empty();
    // "side by side pls" after two countries: each its own row.
    let splits_compared = a.compare && !super::guard::compared_unsplit(&previous.query).is_empty();
    if !(draft.changed || a.chart.is_some() || name_order || splits_compared) {
        let mut words = a.unmatched.clone();
        words.extend(r.unresolved.iter().cloned());
        if words.is_empty() {
            words.push(text.to_owned());
        }
        return Err(parser.not_understood(&words, "no change to the previous question"));
    }
    let intent = draft.intent(previous.intent == Intent::Anomaly);
    let mut query = draft.into_query(parser);
    // "split by consumer vs business": each value its own row.
    if a.compare {
        super::guard::split_compared_values(&mut query);
    }
    let used = edits::edit_words(&a);
    let mut unmatched = a.unmatched.clone();
    unmatched.extend(r.unresolved);
    unmatched.retain(|w| !used.contains(&w.to_lowercase().as_str()));
    let mut translation = Translation {
        query,
        intent,
        chart,
        unmatched,
    };
    if name_order {
        super::time_order::apply(&a, &mut translation);
    }
    // "what % of them opted in": the model's rate, over the same rows.
    if !super::rates::apply_to_followup(parser, &a, &mut translation) {
        // "show that as a percentage of all orders": the cancelled count
        // as the cancellation rate.
        super::rates::share_of_filtered_count(parser, &a, &mut translation);
    }
    // "add the cancellation rate too" over cancelled orders: not 100%. A
    // filter asked for beside a rate already shown stays.
    let rate_added = translation.query.measures.iter().any(|m| {
        !previous.query.measures.contains(m) && catalog.get(m).is_some_and(super::rates::is_rate)
    });
    if rate_added {
        super::rates::drop_own_population(catalog, &mut translation);
    }
    // "show me the 10 biggest of those" after a count: the records.
    super::largest::records_on_cubes(parser, &a, &mut translation, true);
    parser.check_shape(text, &a, &translation, true)?;
    // "I want net and gross together on one line chart" read as the chart
    // alone: a content word beside a chart request asks, as in a question.
    if !changed_before_chart {
        if let Some(word) =
            super::unplaced::unplaced_words(catalog, &translation, a.compare).first()
        {
            return Err(parser.ask_about(text, word, "is not something the model describes"));
        }
    }
    Ok(translation)
}

/// Whether `asked` only ranks the rows `shown` holds: the same groupings,
/// figures among those shown, no condition or period of its own, and an
/// order.
fn ranks_rows_shown(asked: &strata_engine::Query, shown: &strata_engine::Query) -> bool {
    let same_groupings = !asked.dimensions.is_empty()
        && asked.dimensions.len() == shown.dimensions.len()
        && asked
            .dimensions
            .iter()
            .all(|d| shown.dimensions.contains(d));
    let figures_shown =
        !asked.measures.is_empty() && asked.measures.iter().all(|m| shown.measures.contains(m));
    let own_period = asked.time_dimensions.iter().any(|t| {
        t.date_range.is_some() || t.compare_date_range.is_some() || t.granularity.is_some()
    });
    let ranked = asked.order.as_ref().is_some_and(|o| !o.is_empty());
    same_groupings
        && figures_shown
        && ranked
        && !own_period
        && asked.filters.is_empty()
        && asked.segments.is_empty()
}

/// "the profit margin on those", "what % of them opted in": a question
/// about the rows already asked for.
fn refers_back(a: &Analysis) -> bool {
    a.tokens.windows(2).enumerate().any(|(i, w)| {
        let which_one = w[0].text == "which" && matches!(w[1].text.as_str(), "one" | "ones");
        // "list those orders": the orders just counted.
        let pointed = matches!(w[0].text.as_str(), "those" | "these")
            && a.mentions.iter().any(|m| m.start == i + 1);
        which_one
            || pointed
            || matches!(
                w[0].text.as_str(),
                "of" | "on" | "for" | "among" | "from" | "about"
            ) && matches!(w[1].text.as_str(), "those" | "them" | "these")
    })
}
