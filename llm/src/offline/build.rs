//! From a read question to members: each mention resolved to a member
//! within one view or joined cubes, values and conditions to filters, and the
//! count measures the composing passes fall back on. The query itself is
//! composed in `compose.rs`.

use strata_engine::query::{Filter, FilterOperator};
use strata_schema::MemberKind;

use super::conditions::{
    condition_filter, condition_words, is_money, money_dimension, on_the_rows_shown,
};
use super::negation::negated_at;
use super::parse::{Analysis, Role};
use super::resolve::{effective, resolve, Resolution};
use super::time::RangeSpec;
use super::OfflineParser;

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
    /// Whether `time_group` was named only by a word of time ("which day
    /// had the most sign-ups"), which any cube's date could be.
    pub time_group_generic: bool,
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
    /// Measures named only as the subject of a condition ("months where
    /// gross revenue is above 200k"): shown, but not asked for.
    pub condition_measures: Vec<usize>,
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
                } else {
                    push_unique(&mut out.dimensions, member);
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
            // "the 10 biggest orders that day": the day pointed at, no
            // series of days.
            Role::Group
                if cm.is_time()
                    && m.end == m.start + 1
                    && m.start
                        .checked_sub(1)
                        .is_some_and(|p| matches!(a.tokens[p].text.as_str(), "that" | "those")) =>
            {
                out.named_time = Some(member)
            }
            Role::Group if cm.is_time() => {
                out.time_group = Some(member);
                out.time_group_generic = m.end == m.start + 1
                    && matches!(
                        a.tokens[m.start].text.as_str(),
                        "day" | "days" | "date" | "dates" | "time" | "when"
                    );
            }
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
                    if !out.measures.contains(&t) {
                        out.condition_measures.push(t);
                    }
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
