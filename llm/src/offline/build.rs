//! From a read question to a Cube query: resolve the mentions, add the
//! defaults the intent needs (a count when nothing is measured, a time
//! dimension for time phrases, a granularity for trends), then order, limit
//! and the intent itself.

use strata_engine::query::{Filter, FilterOperator, TimeDimensionSpec};
use strata_schema::MemberKind;

use super::conditions::{
    condition_filter, condition_words, is_money, money_dimension, on_the_rows_shown,
};
use super::negation::negated_at;
use super::parse::{Analysis, Role};
use super::ranking::Direction;
use super::resolve::{effective, pick_time, resolve, Resolution};
use super::time::{RangeSpec, TimeKind};
use super::OfflineParser;
use crate::error::LlmError;
use crate::intent::Intent;
use crate::translation::{empty_query, granularity as parse_granularity, Translation};

/// A filter as the query will carry it.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterSpec {
    /// Member index.
    pub member: usize,
    /// Cube operator.
    pub operator: FilterOperator,
    /// Values.
    pub values: Vec<String>,
}

impl FilterSpec {
    /// The filter as the query carries it.
    pub fn to_filter(&self, parser: &OfflineParser<'_>) -> Filter {
        Filter::Member {
            member: parser.name(self.member).to_owned(),
            operator: self.operator,
            values: self.values.iter().cloned().map(Some).collect(),
        }
    }
}

/// The members a question resolved to, before defaults.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// Measures, in question order.
    pub measures: Vec<usize>,
    /// Grouping dimensions (not time).
    pub dimensions: Vec<usize>,
    /// A time dimension named as a grouping ("by order date").
    pub time_group: Option<usize>,
    /// A time dimension named without "by" beside a date range ("customers
    /// who joined this year"): the one the range applies to, no series.
    pub named_time: Option<usize>,
    /// Segments.
    pub segments: Vec<usize>,
    /// Filters.
    pub filters: Vec<FilterSpec>,
    /// The member named after "sorted by".
    pub sort_key: Option<usize>,
    /// Mentions the chosen scope could not serve.
    pub unresolved: Vec<String>,
    /// Whether the question named a measure itself.
    pub explicit_measure: bool,
    /// The scope chosen.
    pub resolution: Resolution,
}

fn push_unique(list: &mut Vec<usize>, m: usize) {
    if !list.contains(&m) {
        list.push(m);
    }
}

/// Resolves a question's mentions and values; `context` members (a previous
/// query's) must stay valid in the chosen scope.
pub fn resolve_analysis(parser: &OfflineParser<'_>, a: &Analysis, context: &[usize]) -> Resolved {
    let catalog = parser.catalog();
    let members = catalog.members();
    let mut slots = Vec::new();
    let mut roles = Vec::new();
    let mut out = Resolved::default();
    let mut mention_slot = vec![None; a.mentions.len()];
    for (i, m) in a.mentions.iter().enumerate() {
        if m.absorbed {
            continue;
        }
        let (role, mut candidates) = effective(catalog, m);
        // "orders over $100": the condition is on the money column of the
        // counted thing, so the scope must have that column.
        let money_condition = a
            .numeric
            .iter()
            .any(|n| n.target == Some(i) && (n.left || n.money));
        if role == Role::NumericTarget && money_condition {
            let money: Vec<super::lexicon::Entry> = candidates
                .iter()
                .filter(|e| is_count_measure(&members[e.member]))
                .flat_map(|e| {
                    let owner = &members[e.member].owner;
                    members
                        .iter()
                        .enumerate()
                        .filter(move |(_, d)| d.owner == *owner && is_money(d))
                        .map(move |(j, _)| super::lexicon::Entry {
                            member: j,
                            score: e.score,
                        })
                })
                .collect();
            if !money.is_empty() {
                candidates = money;
            }
        }
        if candidates.is_empty() {
            out.unresolved.push(m.text.clone());
            continue;
        }
        mention_slot[i] = Some(slots.len());
        roles.push(role);
        slots.push(candidates);
    }
    let value_start = slots.len();
    for v in &a.values {
        let mut candidates: Vec<super::lexicon::Entry> = Vec::new();
        for (member, _) in &v.hits {
            if !candidates.iter().any(|e| e.member == *member) {
                candidates.push(super::lexicon::Entry {
                    member: *member,
                    score: 100,
                });
            }
        }
        slots.push(candidates);
    }
    for &c in context {
        slots.push(vec![super::lexicon::Entry {
            member: c,
            score: 100,
        }]);
    }
    let need_time = !a.times.is_empty() || a.anomaly;
    let resolution = resolve(catalog, parser.joins(), &slots, need_time);

    let has_range = !a.ranges().is_empty();
    for (i, m) in a.mentions.iter().enumerate() {
        let Some(slot) = mention_slot[i] else {
            continue;
        };
        let Some(member) = resolution.chosen[slot] else {
            out.unresolved.push(m.text.clone());
            continue;
        };
        let cm = &members[member];
        match roles[slot] {
            // "everything that isn't premium": a segment cannot be negated,
            // and the segment itself would answer the opposite question.
            Role::Measure | Role::SortKey
                if cm.kind == MemberKind::Segment && negated_at(&a.tokens, m.start) =>
            {
                out.unresolved.push(m.text.clone())
            }
            Role::Measure | Role::SortKey if cm.kind == MemberKind::Segment => {
                push_unique(&mut out.segments, member)
            }
            Role::Measure => {
                out.explicit_measure = true;
                push_unique(&mut out.measures, member);
            }
            Role::SortKey => {
                out.explicit_measure = out.explicit_measure || cm.kind == MemberKind::Measure;
                out.sort_key = Some(member);
                if cm.kind == MemberKind::Measure {
                    push_unique(&mut out.measures, member);
                }
            }
            // "order_date in 2020", "orderDate between ...": the date the
            // range is on, not a series.
            Role::Group
                if cm.is_time()
                    && has_range
                    && (m.role == Role::Measure
                        || (a.tokens.get(m.end).is_some_and(|t| {
                            matches!(t.text.as_str(), "in" | "during" | "between" | "within")
                        }) && !m.start.checked_sub(1).is_some_and(|p| {
                            matches!(a.tokens[p].text.as_str(), "by" | "per" | "each")
                        }))) =>
            {
                out.named_time = Some(member)
            }
            Role::Group if cm.is_time() => out.time_group = Some(member),
            Role::Group => push_unique(&mut out.dimensions, member),
            Role::NumericTarget => {}
        }
    }

    for (k, v) in a.values.iter().enumerate() {
        let Some(member) = resolution.chosen[value_start + k] else {
            continue;
        };
        let operator = if v.negate {
            FilterOperator::NotEquals
        } else {
            FilterOperator::Equals
        };
        let values: Vec<String> = v
            .hits
            .iter()
            .filter(|(m, _)| *m == member)
            .map(|(_, value)| value.clone())
            .collect();
        match out
            .filters
            .iter_mut()
            .find(|f| f.member == member && f.operator == operator)
        {
            Some(f) => {
                for value in values {
                    if !f.values.contains(&value) {
                        f.values.push(value);
                    }
                }
            }
            None => out.filters.push(FilterSpec {
                member,
                operator,
                values,
            }),
        }
    }

    for n in &a.numeric {
        let target = n
            .target
            .and_then(|t| mention_slot[t])
            .and_then(|slot| resolution.chosen[slot]);
        let target_member = target.map(|t| &members[t]);
        let counts = target_member.is_some_and(is_count_measure);
        // "Technology products with at least 500 in sales": an amount
        // after "in" said of grouped rows is their total, the measure the
        // same words name, not each line's column.
        let total_of_rows = target_member
            .filter(|m| m.kind == MemberKind::Dimension && m.data_type == "number")
            .filter(|_| !out.dimensions.is_empty())
            .filter(|_| {
                // "city, sum(profit) group by city having sum(profit) > 200":
                // SQL's condition on a total.
                let having = a.tokens[..n.condition.start.min(a.tokens.len())]
                    .iter()
                    .any(|t| t.text == "having");
                let after = |k: usize| a.tokens.get(n.condition.end + k).map(|t| t.text.as_str());
                // "cities that had sales of more than 1000 in total".
                let in_total = after(0) == Some("in") && after(1) == Some("total");
                having || in_total || !n.left && matches!(after(0), Some("in" | "of"))
            })
            .and_then(|d| {
                let mention = &a.mentions[n.target?];
                mention.candidates.iter().map(|e| e.member).find(|&c| {
                    members[c].kind == MemberKind::Measure && members[c].owner == d.owner
                })
            });
        if let Some(total) = total_of_rows {
            out.explicit_measure = true;
            push_unique(&mut out.measures, total);
            out.filters.push(condition_filter(members, total, n));
            continue;
        }
        let member = match target_member {
            Some(m) if m.kind == MemberKind::Dimension => target,
            Some(_) if counts && (n.left || n.money) => money_dimension(
                parser,
                &resolution,
                target.map(|t| members[t].owner.as_str()),
            ),
            Some(_) => {
                if let Some(t) = target {
                    out.explicit_measure = true;
                    push_unique(&mut out.measures, t);
                }
                target
            }
            None if n.money => money_dimension(parser, &resolution, None),
            // "profit by brand, only the ones above 50k": the one figure
            // of the rows shown.
            None if on_the_rows_shown(a, n) && out.measures.len() == 1 => {
                out.measures.first().copied()
            }
            None => None,
        };
        match member {
            Some(member) => out.filters.push(condition_filter(members, member, n)),
            None => out.unresolved.push(condition_words(a, n)),
        }
    }
    out.resolution = resolution;
    out
}

pub(super) fn is_count_measure(m: &crate::catalog::CatalogMember) -> bool {
    m.is_count()
}

/// The plain row count of an owner (a `count` measure named `count`).
pub fn plain_count(catalog: &crate::catalog::Catalog, owner: &str) -> Option<usize> {
    catalog
        .members()
        .iter()
        .position(|m| m.owner == owner && m.is_plain_count())
}

/// The count measure of an owner: one named `count`, else the first count.
pub fn count_measure(parser: &OfflineParser<'_>, owner: &str) -> Option<usize> {
    let members = parser.catalog().members();
    let is_count = |m: &crate::catalog::CatalogMember| {
        m.owner == owner && m.kind == MemberKind::Measure && m.agg_type.as_deref() == Some("count")
    };
    plain_count(parser.catalog(), owner)
        .or_else(|| members.iter().position(is_count))
        .or_else(|| {
            members
                .iter()
                .position(|m| m.owner == owner && m.kind == MemberKind::Measure)
        })
}

/// Rows of "top brands", "which countries had the most returns" when no
/// number is given.
pub(super) const DEFAULT_TOP: u32 = 5;

/// The default granularity of a trend over `range`.
pub fn trend_granularity(range: Option<&RangeSpec>) -> &'static str {
    match range.map(RangeSpec::approx_days) {
        Some(d) if d <= 31 => "day",
        Some(d) if d <= 92 => "week",
        _ => "month",
    }
}

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
            unmatched
        };
        return Err(parser.not_understood(&words, "no measure or dimension of the model"));
    }

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

    // "show all Beauty products under 25", "list Voltix products with
    // their prices": the records, not their count.
    super::listing::records(parser, a, &mut r, &mut unmatched);
    // "customers who opted in to the newsletter": a condition, not a split.
    super::yes_no::conditions(parser, a, &mut r);

    // Time.
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
    let superlative_asked = a.ranking.superlative && a.ranking.limit.is_none();
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
        let td = r
            .time_group
            .or(r.named_time)
            .or_else(|| pick_time(parser.catalog(), parser.joins(), &r.resolution, &r.measures));
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
                    "none of the figures asked for has a date to apply the period to; name a                      figure that has one",
                ));
            }
        }
    }

    // Order and limit.
    let ranking = &a.ranking;
    let mut order = Vec::new();
    let mut limit = ranking.limit;
    let sort_member = r.sort_key.or_else(|| r.measures.first().copied());
    if let (Some(dir), Some(m)) = (ranking.direction, sort_member) {
        order.push((parser.name(m).to_owned(), dir == Direction::Desc));
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

    // "the 10 largest orders": the records themselves, by their amount.
    let listing = (granularity.is_none() && !comparison)
        .then(|| super::largest::largest_records(parser, a, &r))
        .flatten();
    // A primary key makes every row a record; another id ("order id" of
    // sales lines) repeats, so those rows are listed ungrouped.
    let mut ungrouped = false;
    if let Some((dimensions, amount)) = listing {
        ungrouped = !dimensions.first().is_some_and(|&k| members[k].primary_key);
        if let Some(&counted) = r.measures.first() {
            super::listing::keep_count_condition(parser, counted, &mut r);
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
        order = vec![(parser.name(amount).to_owned(), desc)];
        limit = super::largest::record_limit(a);
    }

    let intent = if comparison {
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
    };

    let names = |list: &[usize]| -> Vec<String> {
        list.iter().map(|&m| parser.name(m).to_owned()).collect()
    };
    let query = strata_engine::Query {
        measures: names(&r.measures),
        dimensions: names(&r.dimensions),
        segments: names(&r.segments),
        time_dimensions,
        filters: r.filters.iter().map(|f| f.to_filter(parser)).collect(),
        order: (!order.is_empty()).then_some(order),
        limit: limit.map(u64::from),
        ungrouped,
        ..empty_query()
    };
    Ok(Translation {
        query,
        intent,
        chart: a.chart.map(|c| c.chart),
        unmatched,
    })
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
