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
//! `followup_edits`.
//!
//! A turn that names a measure and starts like a question of its own is
//! translated as a new question.

use chrono::NaiveDate;
use strata_engine::query::{Filter, FilterOperator, TimeDimensionSpec};
use strata_engine::Query;

use super::build::{self, FilterSpec};
use super::chat_edits;
use super::followup_edits as edits;
use super::followup_periods as periods;
use super::parse::{Analysis, Role};
use super::ranking::Direction;
use super::resolve::{effective, pick_time};
use super::stopwords::is_skippable;
use super::time::RangeSpec;
use super::view_moves;
use super::OfflineParser;
use crate::error::LlmError;
use crate::intent::Intent;
use crate::translation::{empty_query, granularity as parse_granularity, Translation};

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

/// Words that make a change additive ("also by status", "units too").
fn additive(a: &Analysis) -> bool {
    edits::adds_values(a) || a.tokens.first().is_some_and(|t| t.text == "and")
}

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
        return parser.translate(text, today);
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
    let prev = &previous.query;
    let index = |name: &String| catalog.members().iter().position(|m| m.name == *name);
    let mut measures: Vec<usize> = prev.measures.iter().filter_map(index).collect();
    let mut dimensions: Vec<usize> = prev.dimensions.iter().filter_map(index).collect();
    let mut segments: Vec<usize> = prev.segments.iter().filter_map(index).collect();
    let mut time: Option<TimeDimensionSpec> = prev.time_dimensions.first().cloned();
    let mut filters: Vec<Filter> = prev.filters.clone();
    let mut order: Vec<(String, bool)> = prev.order.clone().unwrap_or_default();
    let mut limit: Option<u64> = prev.limit;

    let mut context: Vec<usize> = measures.iter().chain(&dimensions).copied().collect();
    if let Some(td) = time.as_ref().and_then(|t| index(&t.dimension)) {
        context.push(td);
    }
    let mut r = build::resolve_analysis(parser, &a, &context);
    // "instead of revenue show AOV": the measure after "instead of" is the
    // one replaced, not one more.
    let replaced = a
        .tokens
        .windows(2)
        .position(|w| w[0].text == "instead" && w[1].text == "of");
    if let Some(p) = replaced {
        let after = (p + 2..a.tokens.len()).find(|&k| !is_skippable(&a.tokens[k].text));
        let named = a
            .mentions
            .iter()
            .find(|m| Some(m.start) == after)
            .map(|m| m.candidates.iter().map(|e| e.member).collect::<Vec<_>>())
            .unwrap_or_default();
        if r.measures.iter().any(|m| !named.contains(m)) {
            r.measures.retain(|m| !named.contains(m));
        }
    }
    // "whats the profit margin on those": one more figure for the rows shown.
    let adding = additive(&a) || edits::beside(&a) || refers_back(&a);
    let mut changed = false;
    // "back to revenue, and put profit margin next to it": revenue takes
    // the place of the measures shown, the others join it.
    let back_to = edits::measure_gone_back_to(catalog, &a, &r.measures);

    // "rank by revenue instead" with revenue shown: the order changes.
    let reorders = edits::sorts_by(&a)
        && !adding
        && r.explicit_measure
        && !r.measures.is_empty()
        && r.measures.iter().all(|m| measures.contains(m));
    // Measures.
    if reorders {
        let desc = a
            .ranking
            .direction
            .map(|d| d == Direction::Desc)
            .or(order.first().map(|o| o.1))
            .unwrap_or(true);
        order = vec![(parser.name(r.measures[0]).to_owned(), desc)];
        changed = true;
    } else if let (Some(m0), true) = (back_to, adding && r.explicit_measure) {
        let old: Vec<String> = measures
            .iter()
            .map(|&m| parser.name(m).to_owned())
            .collect();
        measures = std::iter::once(m0)
            .chain(r.measures.iter().copied().filter(|&m| m != m0))
            .collect();
        let first = parser.name(m0).to_owned();
        let mut renamed = Vec::new();
        for (k, desc) in order {
            let key = if old.contains(&k) { first.clone() } else { k };
            set_order(&mut renamed, key, desc);
        }
        order = renamed;
        changed = true;
    } else if !r.measures.is_empty() && r.explicit_measure {
        if adding {
            for m in &r.measures {
                if !measures.contains(m) {
                    measures.push(*m);
                }
            }
        } else {
            let old: Vec<String> = measures
                .iter()
                .map(|&m| parser.name(m).to_owned())
                .collect();
            measures = r.measures.clone();
            let first = measures.first().map(|&m| parser.name(m).to_owned());
            let mut renamed = Vec::new();
            for (k, desc) in order {
                match (&first, old.contains(&k)) {
                    (Some(f), true) => set_order(&mut renamed, f.clone(), desc),
                    _ => set_order(&mut renamed, k, desc),
                };
            }
            order = renamed;
        }
        changed = true;
    }
    // "as a rate" after returns counted; "now gross instead" after revenue.
    if r.measures.is_empty() {
        let beside = additive(&a) || edits::beside(&a);
        changed |= chat_edits::measure_named(
            catalog,
            &a,
            &r.unresolved,
            beside,
            &mut measures,
            &mut filters,
        );
    }
    // Filters: "remove the filters", "all channels", "every channel
    // again", "take off the date range", then new ones. "every channel
    // again": the filter on what is named goes, the grouping stays.
    let removing = edits::removes_filters(&a);
    if removing {
        let lifted = edits::lifted_members(parser, &a, &filters);
        r.dimensions.retain(|d| !lifted.contains(d));
    }
    // Groupings.
    if let Some((old, new)) = chat_edits::grouping_swapped(catalog, &a, &dimensions) {
        for d in dimensions.iter_mut().filter(|d| **d == old) {
            *d = new;
        }
        changed = true;
    } else if edits::removes_grouping(&a) {
        changed |= edits::drop_groupings(catalog, &a, &r.dimensions, &mut dimensions);
    } else if !r.dimensions.is_empty() {
        if adding || edits::breaks_down(&a) {
            for d in &r.dimensions {
                if !dimensions.contains(d) {
                    dimensions.push(*d);
                }
            }
        } else {
            dimensions = r.dimensions.clone();
        }
        changed = true;
    }
    // "just the overall number": one figure, no grouping.
    // "all channels combined": that grouping goes.
    let combined = r.dimensions.iter().all(|d| dimensions.contains(d));
    if chat_edits::asks_for_overall(&a) && combined && !dimensions.is_empty() {
        if r.dimensions.is_empty() {
            dimensions.clear();
        } else {
            dimensions.retain(|d| !r.dimensions.contains(d));
        }
        changed = true;
    }
    segments.extend(
        r.segments
            .iter()
            .filter(|s| !segments.contains(s))
            .copied()
            .collect::<Vec<_>>(),
    );
    changed |= !r.segments.is_empty();

    if removing && a.values.is_empty() {
        let named: Vec<&str> = a
            .mentions
            .iter()
            .flat_map(|m| m.candidates.iter().map(|e| parser.name(e.member)))
            .collect();
        let before = filters.len();
        if has(&a, &["filter", "filters", "unfiltered"])
            && named.is_empty()
            && !edits::names_dates(&a)
        {
            filters.clear();
        } else {
            filters.retain(|f| !edits::member_of(f).is_some_and(|m| named.contains(&m)));
        }
        changed |= filters.len() < before;
    }
    // "drop the date restriction": no date range.
    let dates_removed = removing && edits::names_dates(&a);
    if dates_removed {
        if let Some(t) = time.as_mut() {
            t.date_range = None;
            t.compare_date_range = None;
            if t.granularity.is_none() {
                time = None;
            }
        }
        changed = true;
    }
    // "forget Beauty": the value leaves its filter.
    // "same for France instead of Germany": Germany leaves, France comes.
    let mut removed = edits::removed_values(&a);
    // "drop Africa and Oceania" with no filter holding them: left out.
    let excluded = chat_edits::unfiltered(&filters, &removed);
    removed.extend(edits::values_replaced(&a));
    if !removed.is_empty() {
        changed |= edits::remove_values(&mut filters, &removed);
    }
    if !excluded.is_empty() {
        changed |= chat_edits::exclude_values(parser, &r.filters, &excluded, &mut filters);
    }
    let adds_values = edits::adds_values(&a);
    // "put the web shop next to it" after "mobile only": both, side by side.
    let beside_value = edits::beside(&a) && r.measures.is_empty();
    for f in &r.filters {
        let mut f = f.clone();
        let named = !f.values.is_empty();
        f.values.retain(|v| !removed.contains(v));
        if named && f.values.is_empty() {
            continue;
        }
        let merged = (adds_values || beside_value) && edits::merge_value(parser, &mut filters, &f);
        if !merged {
            replace_filter(parser, &mut filters, &f);
        } else if beside_value && !dimensions.contains(&f.member) {
            dimensions.push(f.member);
        }
        changed = true;
    }

    // "only those above 1000": a condition on what the rows show.
    if let Some((f, words)) = edits::condition_on_rows(parser, &a, &measures, &dimensions, &order) {
        replace_filter(parser, &mut filters, &f);
        r.unresolved.retain(|w| *w != words);
        changed = true;
    }

    // "and the month before?", "what about the year before": the range
    // asked shifted back.
    let shifted = edits::period_back(&a)
        .zip(
            time.as_ref()
                .and_then(|t| t.date_range.as_ref())
                .and_then(RangeSpec::from_date_range),
        )
        .and_then(|(back, current)| periods::moved_back(current, back, today));
    let shifted = shifted.filter(|_| !a.compare);
    if let (Some(range), Some(t)) = (&shifted, time.as_mut()) {
        t.date_range = Some(range.to_date_range());
        t.compare_date_range = None;
        changed = true;
    }

    // Time.
    let ranges = if shifted.is_some() {
        Vec::new()
    } else {
        a.ranges()
    };
    // "a year earlier" moves the range; it asks for no yearly series.
    let granularity = a.granularity().filter(|_| shifted.is_none());
    let trend = a.wants_trend();
    let wants_time = !dates_removed
        && (!ranges.is_empty() || granularity.is_some() || trend || r.time_group.is_some());
    if wants_time {
        if let Some(td) = r.time_group {
            let dimension = parser.name(td).to_owned();
            match &mut time {
                Some(t) => t.dimension = dimension,
                None => time = Some(time_dimension(dimension)),
            }
        }
        let t = match time {
            Some(ref mut t) => t,
            None => {
                let td =
                    pick_time(catalog, parser.joins(), &r.resolution, &measures).or_else(|| {
                        measures
                            .first()
                            .and_then(|&m| pick_owner_time(parser, &catalog.members()[m].owner))
                    });
                match td {
                    Some(td) => time.insert(time_dimension(parser.name(td).to_owned())),
                    None => {
                        return Err(parser
                            .not_understood(&[text.to_owned()], "the query has no time dimension"))
                    }
                }
            }
        };
        if let Some(g) = granularity.or(r.time_group.map(|_| "day")) {
            t.granularity = parse_granularity(g);
        } else if trend && t.granularity.is_none() {
            let range = ranges.first().copied();
            t.granularity = parse_granularity(build::trend_granularity(range));
        }
        // "put last year next to it": the period beside the one shown.
        let beside_shown = edits::beside(&a) && t.date_range.is_some();
        let compare = (a.compare || beside_shown) && ranges.len() == 1;
        if ranges.len() >= 2 || compare {
            let list = periods::compared_ranges(&a, &ranges, t.date_range.as_ref(), compare, today);
            t.date_range = None;
            t.compare_date_range = Some(list);
        } else if let Some(range) = ranges.first() {
            // "same for the month before": the month before the one asked;
            // "what did those look like in the same quarter last year": the
            // one asked, a year earlier.
            // Not "same for all of last year": "same" names the period.
            let same_period = a.tokens.windows(4).any(|w| {
                w[0].text == "same"
                    && (super::calendar::unit(&w[1].text).is_some()
                        || matches!(w[1].text.as_str(), "period" | "time" | "dates" | "stretch"))
                    && w[2].text == "last"
                    && w[3].text == "year"
            });
            let year_back = (same_period
                && matches!(range, RangeSpec::Relative(r) if r == "last year"))
            .then_some("year");
            let earlier = edits::period_back(&a)
                .or(year_back.map(|unit| (unit, 1)))
                .zip(t.date_range.as_ref().and_then(RangeSpec::from_date_range))
                .and_then(|(back, current)| periods::moved_back(current, back, today));
            t.compare_date_range = None;
            t.date_range = Some(earlier.as_ref().unwrap_or(range).to_date_range());
        }
        changed = true;
    }

    // Ranking.
    let ranking = &a.ranking;
    if let Some(dir) = ranking.direction {
        let key = r
            .sort_key
            .or_else(|| measures.first().copied())
            .map(|m| parser.name(m).to_owned());
        if let Some(key) = key {
            order = vec![(key, dir == Direction::Desc)];
        }
        if ranking.top {
            limit = Some(u64::from(ranking.limit.unwrap_or(build::DEFAULT_TOP)));
        } else if ranking.limit.is_none() && edits::which_plural(&a) {
            // "which countries had the most of those": a few of them.
            limit = Some(u64::from(build::DEFAULT_TOP));
        }
        changed = true;
    }
    if let (Some(n), false) = (ranking.limit, ranking.top) {
        limit = Some(u64::from(n));
        changed = true;
    }
    // "cap it at 10 rows", "give me 20 of them".
    if let (None, Some(n)) = (ranking.limit, chat_edits::row_count(&a)) {
        limit = Some(n);
        changed = true;
    }
    // "remove the limit", "show all of them again".
    if edits::drops_limit(&a) && ranking.limit.is_none() && limit.is_some() {
        limit = None;
        changed = true;
    }
    // "which one's highest": one row.
    if edits::asks_for_one(&a) {
        limit = Some(1);
    }
    // "now the other way round".
    if edits::flips_order(&a) && ranking.direction.is_none() {
        if order.is_empty() {
            if let Some(&m) = measures.first() {
                order.push((parser.name(m).to_owned(), true));
            }
        }
        for entry in order.iter_mut() {
            entry.1 = !entry.1;
        }
        changed |= !order.is_empty();
    }
    // A single number cannot show two periods: a comparison drops it.
    let compared = time
        .as_ref()
        .is_some_and(|t| t.compare_date_range.is_some());
    let kept = previous
        .chart
        .filter(|c| !(compared && *c == crate::intent::ChartType::Number));
    let chart = a.chart.map(|c| c.chart).or(kept);
    let changed_before_chart = changed;
    changed |= a.chart.is_some();
    // "now sort them alphabetically": the list in name order.
    let name_order = super::time_order::orders_by_name(&a) && !dimensions.is_empty();
    changed |= name_order;

    if !changed {
        let mut words = a.unmatched.clone();
        words.extend(r.unresolved.iter().cloned());
        if words.is_empty() {
            words.push(text.to_owned());
        }
        return Err(parser.not_understood(&words, "no change to the previous question"));
    }

    let names = |list: &[usize]| -> Vec<String> {
        list.iter().map(|&m| parser.name(m).to_owned()).collect()
    };
    let grouped_by_time = time.as_ref().is_some_and(|t| t.granularity.is_some());
    let intent = if time
        .as_ref()
        .is_some_and(|t| t.compare_date_range.is_some())
    {
        Intent::Comparison
    } else if previous.intent == Intent::Anomaly && grouped_by_time {
        Intent::Anomaly
    } else if limit.is_some() && !order.is_empty() {
        Intent::TopN
    } else if grouped_by_time {
        Intent::Trend
    } else if !dimensions.is_empty() {
        Intent::Distribution
    } else {
        Intent::Metric
    };
    let query = Query {
        measures: names(&measures),
        dimensions: names(&dimensions),
        segments: names(&segments),
        time_dimensions: time.into_iter().collect(),
        filters,
        order: (!order.is_empty()).then_some(order),
        limit,
        ..empty_query()
    };
    // "split by consumer vs business": each value its own row.
    let mut query = query;
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

/// "the profit margin on those", "what % of them opted in": a question
/// about the rows already asked for.
fn refers_back(a: &Analysis) -> bool {
    a.tokens.windows(2).any(|w| {
        let which_one = w[0].text == "which" && matches!(w[1].text.as_str(), "one" | "ones");
        which_one
            || matches!(
                w[0].text.as_str(),
                "of" | "on" | "for" | "among" | "from" | "about"
            ) && matches!(w[1].text.as_str(), "those" | "them" | "these")
    })
}

fn pick_owner_time(parser: &OfflineParser<'_>, owner: &str) -> Option<usize> {
    parser
        .catalog()
        .members()
        .iter()
        .position(|m| m.owner == owner && m.is_time())
}

/// A time dimension with no granularity or range yet.
fn time_dimension(dimension: String) -> TimeDimensionSpec {
    TimeDimensionSpec {
        dimension,
        granularity: None,
        date_range: None,
        compare_date_range: None,
    }
}

/// Sets the direction of `member` in `order`, in its place when it is
/// already there, else last.
fn set_order(order: &mut Vec<(String, bool)>, member: String, desc: bool) {
    match order.iter_mut().find(|(m, _)| *m == member) {
        Some(entry) => entry.1 = desc,
        None => order.push((member, desc)),
    }
}

/// Replaces the filter on the same member (and operator family), or adds it.
fn replace_filter(parser: &OfflineParser<'_>, filters: &mut Vec<Filter>, f: &FilterSpec) {
    let name = parser.name(f.member);
    let equality =
        |op: FilterOperator| matches!(op, FilterOperator::Equals | FilterOperator::NotEquals);
    let new_is_equality = equality(f.operator);
    filters.retain(|old| match old {
        Filter::Member {
            member, operator, ..
        } => !(member == name && equality(*operator) == new_is_equality),
        Filter::And(_) | Filter::Or(_) => true,
    });
    filters.push(f.to_filter(parser));
}
