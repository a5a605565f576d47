//! Composes the query of a fresh question from its reading: what is
//! measured (a count when only records are named), the time dimension with
//! its range, comparison and granularity, order and limit, the largest
//! records listed, and the intent.

use strata_engine::query::{FilterOperator, TimeDimensionSpec};
use strata_schema::MemberKind;

use super::build::{count_measure, resolve_analysis, trend_granularity, Resolved, DEFAULT_TOP};
use super::parse::{Analysis, Role};
use super::ranking::Direction;
use super::resolve::pick_time;
use super::time::TimeKind;
use super::OfflineParser;
use crate::error::LlmError;
use crate::intent::{ChartType, Intent};
use crate::translation::{empty_query, granularity as parse_granularity, Translation};

/// Builds the translation of a fresh question.
pub fn compose(parser: &OfflineParser<'_>, a: &Analysis) -> Result<Translation, LlmError> {
    if let Some(word) = &a.refusal {
        return Err(LlmError::NotUnderstood(format!(
            "\"{word}\": forecasts and predictions are not something the data model can answer; \
             ask about what happened instead. {}",
            parser.suggestions()
        )));
    }
    let mut r = resolve_analysis(parser, a, &[]);
    let mut unmatched: Vec<String> = a.unmatched.clone();
    unmatched.extend(r.unresolved.iter().cloned());
    something_asked(parser, a, &r, &unmatched)?;
    count_what_is_named(parser, a, &mut r);

    // "show all Beauty products under 25", "list Voltix products with
    // their prices": the records, not their count.
    super::listing::records(parser, a, &mut r, &mut unmatched);
    // "customers who opted in to the newsletter": a condition, not a split.
    super::yes_no::conditions(parser, a, &mut r);

    let time = TimePart::of(parser, a, &r)?;
    let (mut order, mut limit) = order_and_limit(parser, a, &r, &time);
    let ungrouped = list_largest(
        parser,
        a,
        &time,
        &mut r,
        &mut unmatched,
        &mut order,
        &mut limit,
    );
    super::largest::ranked_by_extreme(parser, &mut r, &mut order, limit);
    let intent = intent_of(a, &r, &time, &order, limit);

    let names = |list: &[usize]| -> Vec<String> {
        list.iter().map(|&m| parser.name(m).to_owned()).collect()
    };
    let query = strata_engine::Query {
        measures: names(&r.measures),
        dimensions: names(&r.dimensions),
        segments: names(&r.segments),
        time_dimensions: time.dimensions,
        filters: r.filters.iter().map(|f| f.to_filter(parser)).collect(),
        order: (!order.is_empty()).then_some(order),
        limit: limit.map(u64::from),
        ungrouped,
        ..empty_query()
    };
    // A condition on a cube the view does not carry ("AOV by age group for
    // customers who opted in"): the whole query moves to the cubes.
    let query = on_cubes_when_mixed(parser, query);
    Ok(Translation {
        query,
        intent,
        // "KPI card: cancellation rate, this month vs last month": one
        // number cannot show two periods; the comparison is drawn one
        // series per range.
        chart: a
            .chart
            .map(|c| c.chart)
            .filter(|c| !(time.comparison && *c == ChartType::Number)),
        unmatched,
    })
}

/// Refuses a question that names nothing of the model, or groups by
/// nothing the model has: a broader answer would answer another question.
fn something_asked(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    r: &Resolved,
    unmatched: &[String],
) -> Result<(), LlmError> {
    if !a.dangling_group.is_empty() {
        return Err(parser.not_understood(&a.dangling_group, "nothing in the model to group by"));
    }
    let nothing = r.measures.is_empty()
        && r.dimensions.is_empty()
        && r.filters.is_empty()
        && r.segments.is_empty()
        && r.time_group.is_none();
    // "earliest order date", "who signed up most recently": read further
    // by `extremes`.
    let extreme = unmatched
        .iter()
        .any(|w| super::extremes::is_extreme_word(w));
    // "which customers bought something": an indefinite asks for nothing.
    let content = unmatched.iter().any(|w| {
        !matches!(
            w.to_lowercase().as_str(),
            "something" | "anything" | "stuff"
        )
    });
    if nothing || (r.measures.is_empty() && content && !extreme) {
        let words = if unmatched.is_empty() {
            vec![a
                .tokens
                .iter()
                .map(|t| t.orig.as_str())
                .collect::<Vec<_>>()
                .join(" ")]
        } else {
            unmatched.to_vec()
        };
        return Err(parser.not_understood(&words, "no measure or dimension of the model"));
    }
    Ok(())
}

/// With no measure asked for, the records the question names are counted
/// ("orders of 250 or more from Canada"), unless a value is looked up
/// ("which countries are in South America") or records are listed.
fn count_what_is_named(parser: &OfflineParser<'_>, a: &Analysis, r: &mut Resolved) {
    let members = parser.catalog().members();
    // "which countries are in South America", "the ISO code for South
    // Korea": a value looked up, not counted.
    let grouped_by = a
        .tokens
        .iter()
        .any(|t| super::cues::is_group_marker(&t.text));
    let lookup = !a.count_cue
        && !r.dimensions.is_empty()
        && !r.filters.is_empty()
        && !grouped_by
        && a.times.is_empty()
        && a.ranking.direction.is_none();
    if r.measures.is_empty() && !lookup && !(a.list_cue && !a.count_cue && !r.dimensions.is_empty())
    {
        // "orders of 250 or more from Canada": the records a condition on
        // an amount names are the ones counted, whatever else is named.
        let conditioned = r.filters.iter().filter(|f| {
            matches!(
                f.operator,
                FilterOperator::Gt | FilterOperator::Gte | FilterOperator::Lt | FilterOperator::Lte
            )
        });
        let owner = conditioned
            .map(|f| &f.member)
            .chain(r.dimensions.iter())
            .chain(r.filters.iter().map(|f| &f.member))
            .chain(r.segments.iter())
            .chain(r.time_group.iter())
            .map(|&m| members[m].owner.clone())
            .next();
        if let Some(m) = owner.and_then(|o| count_measure(parser, &o)) {
            r.measures.push(m);
        }
    }
}

/// The time part of the query: its time dimension, and what the rest of
/// the query depends on.
struct TimePart {
    /// The time dimension with its range, ranges compared and granularity.
    dimensions: Vec<TimeDimensionSpec>,
    /// The granularity asked for or implied (a trend, a ranked period).
    granularity: Option<&'static str>,
    /// Whether two or more ranges are compared.
    comparison: bool,
    /// "the worst month of 2020": the period unit one of which is asked for.
    ranked_period: Option<&'static str>,
}

impl TimePart {
    /// Reads the question's periods; refuses a period none of the figures
    /// has a date for, rather than answering for all time.
    fn of(parser: &OfflineParser<'_>, a: &Analysis, r: &Resolved) -> Result<TimePart, LlmError> {
        let ranges = a.ranges();
        let granularity = a.granularity();
        let comparison = ranges.len() >= 2;
        // "Q1 2026 against Q1 2025: how much did it grow?": the growth between
        // the compared totals, not a series within each.
        let growth_between = comparison
            && a.times
                .iter()
                .filter(|f| f.kind == TimeKind::Trend)
                .all(|f| {
                    a.tokens.get(f.start..f.end).is_some_and(|words| {
                        words.iter().all(|w| {
                            matches!(
                                w.text.as_str(),
                                "grow" | "grew" | "grown" | "growing" | "growth"
                            )
                        })
                    })
                });
        let trend = a.wants_trend() && !growth_between;
        // "the worst month of 2020", "our busiest day": one period, ranked.
        // "which month of 2020 had the highest profit": a period asked for by
        // "which", with a superlative.
        // "which month was my best": "best" ranks as "highest" does.
        let superlative_asked =
            (a.ranking.superlative || a.ranking.top) && a.ranking.limit.is_none();
        let ranked_period = a.tokens.windows(2).find_map(|w| {
            let ranked = matches!(
                w[0].text.as_str(),
                "best" | "worst" | "busiest" | "slowest" | "strongest" | "weakest" | "quietest"
            ) || (superlative_asked
                && matches!(w[0].text.as_str(), "which" | "what" | "single"));
            let unit = match w[1].orig.to_lowercase().as_str() {
                "day" => Some("day"),
                "week" => Some("week"),
                "month" => Some("month"),
                "quarter" => Some("quarter"),
                "year" => Some("year"),
                _ => None,
            };
            unit.filter(|_| ranked)
        });
        let granularity = granularity
            .or(ranked_period)
            .or(r.time_group.map(|_| "day"))
            .or(a.anomaly.then_some("day"))
            .or(trend.then(|| trend_granularity(ranges.first().copied())));
        let mut time_dimensions = Vec::new();
        if !ranges.is_empty() || granularity.is_some() {
            let picked = || pick_time(parser.catalog(), parser.joins(), &r.resolution, &r.measures);
            // "which day had the most sign-ups": the day the sign-ups have,
            // not another cube's date that "day" also names.
            let members = parser.catalog().members();
            let own_date = |tg: usize| {
                !r.time_group_generic
                    || r.measures.is_empty()
                    || r.measures
                        .iter()
                        .any(|&m| members[m].owner == members[tg].owner)
                    || picked().is_none()
            };
            let td = r
                .time_group
                .filter(|&tg| own_date(tg))
                .or(r.named_time)
                .or_else(picked);
            match td {
                Some(td) => {
                    let (date_range, compare_date_range) = if comparison {
                        (
                            None,
                            Some(ranges.iter().map(|r| r.to_date_range()).collect()),
                        )
                    } else {
                        (ranges.first().map(|r| r.to_date_range()), None)
                    };
                    time_dimensions.push(TimeDimensionSpec {
                        dimension: parser.name(td).to_owned(),
                        granularity: granularity.and_then(parse_granularity),
                        date_range,
                        compare_date_range,
                    });
                }
                // "top brands last quarter" counted over products, which have
                // no date: the range would be dropped and the answer would be
                // for all time.
                None => {
                    let words: Vec<String> = a
                        .times
                        .iter()
                        .map(|f| {
                            a.tokens[f.start.min(a.tokens.len())..f.end.min(a.tokens.len())]
                                .iter()
                                .map(|t| t.orig.as_str())
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .filter(|w| !w.is_empty())
                        .collect();
                    return Err(parser.not_understood(
                        &words,
                        "none of the figures asked for has a date to apply the period to; name a \
                         figure that has one",
                    ));
                }
            }
        }
        Ok(TimePart {
            dimensions: time_dimensions,
            granularity,
            comparison,
            ranked_period,
        })
    }
}

/// The order and limit a ranking asks for: "best-selling product" is one,
/// "top products" a few, "customers with the most orders" all, sorted.
fn order_and_limit(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    r: &Resolved,
    time: &TimePart,
) -> (Vec<(String, bool)>, Option<u32>) {
    let granularity = time.granularity;
    let ranked_period = time.ranked_period;
    let ranking = &a.ranking;
    let mut order = Vec::new();
    let mut limit = ranking.limit;
    let sort_member = r.sort_key.or_else(|| r.measures.first().copied());
    let desc = sort_member.and_then(|m| ranking.descending_on(parser.catalog(), m));
    if let (Some(desc), Some(m)) = (desc, sort_member) {
        order.push((parser.name(m).to_owned(), desc));
        // "best-selling product", "least popular payment method": one; "top
        // products": ten; "customers with the most orders": all, sorted.
        let grouped = !r.dimensions.is_empty();
        // "which day had the highest sales": one period.
        let which_period = r.dimensions.is_empty()
            && granularity.is_some()
            && a.tokens.windows(2).any(|w| {
                matches!(w[0].text.as_str(), "which" | "what")
                    && matches!(
                        w[1].orig.to_lowercase().as_str(),
                        "day" | "week" | "month" | "quarter" | "year" | "date" | "hour"
                    )
            });
        let which_period = which_period || (r.dimensions.is_empty() && ranked_period.is_some());
        let singular = (grouped && singular_subject(a, parser.catalog())) || which_period;
        // "which brands sold the most": a few of them, as "top brands".
        let which_plural = grouped && !singular && super::followup_edits::which_plural(a);
        if limit.is_none() && (ranking.top || (ranking.superlative && (singular || which_plural))) {
            limit = Some(if singular { 1 } else { DEFAULT_TOP });
        }
    }
    (order, limit)
}

/// "the 10 largest orders": the records themselves, by their amount, with
/// the attributes asked for beside them. Returns whether the rows are listed
/// ungrouped (their id repeats).
fn list_largest(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    time: &TimePart,
    r: &mut Resolved,
    unmatched: &mut Vec<String>,
    order: &mut Vec<(String, bool)>,
    limit: &mut Option<u32>,
) -> bool {
    let members = parser.catalog().members();
    let ranking = &a.ranking;
    let (granularity, comparison) = (time.granularity, time.comparison);
    let listing = (granularity.is_none() && !comparison)
        .then(|| super::largest::largest_records(parser, a, r))
        .flatten();
    // A primary key makes every row a record; another id ("order id" of
    // sales lines) repeats, so those rows are listed ungrouped.
    let mut ungrouped = false;
    if let Some((dimensions, amount)) = listing {
        ungrouped = !dimensions.first().is_some_and(|&k| members[k].primary_key);
        if let Some(&counted) = r.measures.first() {
            super::listing::keep_count_condition(parser, counted, r);
        }
        r.measures.clear();
        r.dimensions = dimensions;
        // "... along with the channel they came from".
        let owner = members[amount].owner.clone();
        let (columns, used) = super::listing::attributes(parser, a, &owner);
        for c in columns {
            if !r.dimensions.contains(&c) {
                r.dimensions.push(c);
            }
        }
        unmatched.retain(|u| !used.iter().any(|w| w.eq_ignore_ascii_case(u)));
        let desc = ranking.direction != Some(Direction::Asc);
        *order = vec![(parser.name(amount).to_owned(), desc)];
        *limit = super::largest::record_limit(a);
    }
    ungrouped
}

/// What the question asks for, from the query's shape.
fn intent_of(
    a: &Analysis,
    r: &Resolved,
    time: &TimePart,
    order: &[(String, bool)],
    limit: Option<u32>,
) -> Intent {
    let ranking = &a.ranking;
    let (granularity, comparison) = (time.granularity, time.comparison);
    if comparison {
        Intent::Comparison
    } else if a.anomaly {
        Intent::Anomaly
    } else if ranking.top || (limit.is_some() && !order.is_empty()) {
        Intent::TopN
    } else if granularity.is_some() {
        Intent::Trend
    } else if !r.dimensions.is_empty() {
        Intent::Distribution
    } else {
        Intent::Metric
    }
}

/// "Which channel has the most orders", "the best-selling product": one
/// answer wanted when the grouped noun is singular.
fn singular_subject(a: &Analysis, catalog: &crate::catalog::Catalog) -> bool {
    let names_dimension = |m: &&super::parse::Mention| {
        m.candidates
            .iter()
            .any(|e| catalog.members()[e.member].kind == MemberKind::Dimension)
    };
    a.mentions
        .iter()
        .find(|m| m.role == Role::Group)
        .or_else(|| {
            a.mentions
                .iter()
                .find(|m| m.role == Role::Measure && names_dimension(m))
        })
        .is_some_and(|m| {
            let singular = a.tokens[m.start..m.end]
                .last()
                .is_some_and(|t| t.text == t.stem);
            singular || super::roles::one_of_them(&a.tokens, m.start)
        })
}

/// `query` on the cubes its view members stand for when it also names a
/// member of a cube (a view and a cube cannot be queried together).
fn on_cubes_when_mixed(
    parser: &OfflineParser<'_>,
    query: strata_engine::Query,
) -> strata_engine::Query {
    let catalog = parser.catalog();
    let mut in_view = false;
    let mut in_cube = false;
    query.member_names(&mut |name: &str| match catalog.get(name) {
        Some(m) if m.in_view => in_view = true,
        Some(_) => in_cube = true,
        None => {}
    });
    if in_view && in_cube {
        parser.index.views.on_cubes(&query).unwrap_or(query)
    } else {
        query
    }
}
