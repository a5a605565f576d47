//! The query a follow-up edits, part by part: the previous turn's members,
//! filters, time, order and limit, changed by what the new turn asks, in a
//! fixed order (measures, groupings, filters, time, ranking), because a
//! later part reads what an earlier one left ("only those above 1000" reads
//! the measures shown).
//!
//! `followup::refine` decides whether a turn is a follow-up at all and what
//! it refers to; a [`Draft`] records the edits and whether any was made.

use strata_engine::query::{Filter, FilterOperator, TimeDimensionSpec};
use strata_engine::Query;
use strata_schema::MemberKind;

use super::build::{self, FilterSpec, Resolved};
use super::chat_edits;
use super::followup_edits as edits;
use super::parse::Analysis;
use super::ranking::Direction;
use super::OfflineParser;
use crate::intent::Intent;
use crate::translation::empty_query;

/// The previous query as member indexes, being edited.
pub(super) struct Draft {
    pub(super) measures: Vec<usize>,
    pub(super) dimensions: Vec<usize>,
    segments: Vec<usize>,
    pub(super) time: Option<TimeDimensionSpec>,
    filters: Vec<Filter>,
    order: Vec<(String, bool)>,
    limit: Option<u64>,
    /// Whether any edit changed the query.
    pub(super) changed: bool,
}

impl Draft {
    /// Rows sorted by `key` alone ("and the priciest" on a listing).
    pub(super) fn sort_by(&mut self, key: &str, desc: bool) {
        self.order = vec![(key.to_owned(), desc)];
        self.changed = true;
    }

    /// The previous query, its members as indexes into the catalog.
    pub(super) fn of(parser: &OfflineParser<'_>, prev: &Query) -> Self {
        let members = parser.catalog().members();
        let index = |name: &String| members.iter().position(|m| m.name == *name);
        Draft {
            measures: prev.measures.iter().filter_map(index).collect(),
            dimensions: prev.dimensions.iter().filter_map(index).collect(),
            segments: prev.segments.iter().filter_map(index).collect(),
            time: prev.time_dimensions.first().cloned(),
            filters: prev.filters.clone(),
            order: prev.order.clone().unwrap_or_default(),
            limit: prev.limit,
            changed: false,
        }
    }

    /// The members shown, which a follow-up's words are read against.
    pub(super) fn context(&self, parser: &OfflineParser<'_>) -> Vec<usize> {
        let members = parser.catalog().members();
        let mut context: Vec<usize> = self
            .measures
            .iter()
            .chain(&self.dimensions)
            .copied()
            .collect();
        if let Some(td) = self
            .time
            .as_ref()
            .and_then(|t| members.iter().position(|m| m.name == t.dimension))
        {
            context.push(td);
        }
        context
    }

    /// Whether the query compares date ranges.
    pub(super) fn compares_periods(&self) -> bool {
        self.time
            .as_ref()
            .is_some_and(|t| t.compare_date_range.is_some())
    }

    /// Measures: "rank by revenue instead" reorders, "back to revenue, and
    /// put profit next to it" puts revenue first, a measure named replaces
    /// the ones shown (or joins them when `adding`), "as a rate" or "now
    /// gross instead" names one by a word of its title.
    pub(super) fn edit_measures(
        &mut self,
        parser: &OfflineParser<'_>,
        a: &Analysis,
        r: &Resolved,
        adding: bool,
    ) {
        let catalog = parser.catalog();
        // "Filter to months where gross revenue is above 200k": a measure
        // named only in a condition filters the rows shown; it asks for no
        // other figure.
        if !self.measures.is_empty()
            && !r.condition_measures.is_empty()
            && r.measures.iter().all(|m| r.condition_measures.contains(m))
        {
            return;
        }
        let back_to = edits::measure_gone_back_to(catalog, a, &r.measures);
        let reorders = edits::sorts_by(a)
            && !adding
            && r.explicit_measure
            && !r.measures.is_empty()
            && r.measures.iter().all(|m| self.measures.contains(m));
        if reorders {
            let desc = a
                .ranking
                .direction
                .map(|d| d == Direction::Desc)
                .or(self.order.first().map(|o| o.1))
                .unwrap_or(true);
            self.order = vec![(parser.name(r.measures[0]).to_owned(), desc)];
            self.changed = true;
        } else if let (Some(m0), true) = (back_to, adding && r.explicit_measure) {
            let measures = std::iter::once(m0)
                .chain(r.measures.iter().copied().filter(|&m| m != m0))
                .collect();
            self.replace_measures(parser, measures);
        } else if !r.measures.is_empty() && r.explicit_measure {
            if adding {
                for m in &r.measures {
                    if !self.measures.contains(m) {
                        self.measures.push(*m);
                    }
                }
                self.changed = true;
            } else {
                let measures = super::rates::as_rates_when_rates_shown(
                    catalog,
                    a,
                    &self.measures,
                    &r.measures,
                );
                self.replace_measures(parser, measures);
            }
        }
        if r.measures.is_empty() {
            let beside = adding_words(a);
            self.changed |= chat_edits::measure_named(
                catalog,
                a,
                &r.unresolved,
                beside,
                &mut self.measures,
                &mut self.filters,
            );
        }
    }

    /// New measures in place of the old; an order by an old measure becomes
    /// an order by the first new one.
    fn replace_measures(&mut self, parser: &OfflineParser<'_>, measures: Vec<usize>) {
        let old: Vec<String> = self
            .measures
            .iter()
            .map(|&m| parser.name(m).to_owned())
            .collect();
        self.measures = measures;
        let first = self.measures.first().map(|&m| parser.name(m).to_owned());
        let mut renamed = Vec::new();
        for (k, desc) in std::mem::take(&mut self.order) {
            match (&first, old.contains(&k)) {
                (Some(f), true) => set_order(&mut renamed, f.clone(), desc),
                _ => set_order(&mut renamed, k, desc),
            }
        }
        self.order = renamed;
        self.changed = true;
    }

    /// Groupings: one swapped for another, dropped, replaced or added;
    /// "just the overall number" drops them; segments join. When filters
    /// are `removing` ("every channel again"), the filter on what is named
    /// goes and the grouping stays.
    pub(super) fn edit_groupings(
        &mut self,
        parser: &OfflineParser<'_>,
        a: &Analysis,
        r: &mut Resolved,
        removing: bool,
        adding: bool,
    ) {
        let catalog = parser.catalog();
        if removing {
            let lifted = edits::lifted_members(parser, a, &self.filters);
            r.dimensions.retain(|d| !lifted.contains(d));
        }
        if let Some((old, new)) = chat_edits::grouping_swapped(catalog, a, &self.dimensions) {
            for d in self.dimensions.iter_mut().filter(|d| **d == old) {
                *d = new;
            }
            self.changed = true;
        } else if edits::removes_grouping(a) {
            self.changed |= edits::drop_groupings(catalog, a, &r.dimensions, &mut self.dimensions);
        } else if !r.dimensions.is_empty() {
            if adding || edits::breaks_down(a) {
                for d in &r.dimensions {
                    if !self.dimensions.contains(d) {
                        self.dimensions.push(*d);
                    }
                }
            } else {
                self.dimensions = r.dimensions.clone();
            }
            self.changed = true;
        }
        // "just the overall number": one figure, no grouping.
        // "all channels combined": that grouping goes.
        let combined = r.dimensions.iter().all(|d| self.dimensions.contains(d));
        if chat_edits::asks_for_overall(a) && combined && !self.dimensions.is_empty() {
            if r.dimensions.is_empty() {
                self.dimensions.clear();
            } else {
                self.dimensions.retain(|d| !r.dimensions.contains(d));
            }
            self.changed = true;
        }
        for s in &r.segments {
            if !self.segments.contains(s) {
                self.segments.push(*s);
            }
        }
        self.changed |= !r.segments.is_empty();
    }

    /// Filters: "remove the filters", "forget Beauty", "drop Africa",
    /// new values (replacing the member's filter, or beside it), and a
    /// condition on the rows shown ("only those above 1000"). Returns
    /// whether the date range was taken off ("drop the date restriction").
    pub(super) fn edit_filters(
        &mut self,
        parser: &OfflineParser<'_>,
        a: &Analysis,
        r: &mut Resolved,
        removing: bool,
    ) -> bool {
        // "everyone again": the people are no longer narrowed.
        if super::everyone::asks_for_everyone(a) {
            self.changed |=
                super::everyone::lift_people(parser, &mut self.filters, &mut self.segments);
        }
        if removing && a.values.is_empty() {
            let named: Vec<&str> = a
                .mentions
                .iter()
                .flat_map(|m| m.candidates.iter().map(|e| parser.name(e.member)))
                .collect();
            let before = self.filters.len();
            let says_filters = a
                .tokens
                .iter()
                .any(|t| matches!(t.text.as_str(), "filter" | "filters" | "unfiltered"));
            // "drop the threshold": the condition on a figure goes, the
            // values narrowed to stay.
            let says_threshold = a.tokens.iter().any(|t| {
                matches!(
                    t.text.as_str(),
                    "threshold" | "thresholds" | "minimum" | "maximum"
                )
            });
            if says_filters && named.is_empty() && !edits::names_dates(a) {
                self.filters.clear();
            } else {
                if says_threshold {
                    let catalog = parser.catalog();
                    self.filters.retain(|f| {
                        !edits::member_of(f)
                            .and_then(|m| catalog.get(m))
                            .is_some_and(|m| m.kind == MemberKind::Measure)
                    });
                }
                self.filters
                    .retain(|f| !edits::member_of(f).is_some_and(|m| named.contains(&m)));
            }
            self.changed |= self.filters.len() < before;
        }
        let dates_removed = removing && edits::names_dates(a);
        if dates_removed {
            if let Some(t) = self.time.as_mut() {
                t.date_range = None;
                t.compare_date_range = None;
                if t.granularity.is_none() {
                    self.time = None;
                }
            }
            self.changed = true;
        }
        // "forget Beauty": the value leaves its filter.
        // "same for France instead of Germany": Germany leaves, France comes.
        let mut removed = edits::removed_values(a);
        // "drop Africa and Oceania" with no filter holding them: left out.
        let excluded = chat_edits::unfiltered(&self.filters, &removed);
        removed.extend(edits::values_replaced(a));
        if !removed.is_empty() {
            self.changed |= edits::remove_values(&mut self.filters, &removed);
        }
        if !excluded.is_empty() {
            self.changed |=
                chat_edits::exclude_values(parser, &r.filters, &excluded, &mut self.filters);
        }
        let adds_values = edits::adds_values(a);
        // "put the web shop next to it" after "mobile only": both, side by side.
        let beside_value = edits::beside(a) && r.measures.is_empty();
        for f in &r.filters {
            let mut f = f.clone();
            let named = !f.values.is_empty();
            f.values.retain(|v| !removed.contains(v));
            if named && f.values.is_empty() {
                continue;
            }
            // "without returns" then "leave out the cancelled ones as
            // well": exclusions add up.
            let merged = if f.operator == FilterOperator::NotEquals {
                !a.tokens.iter().any(|t| t.text == "instead")
                    && edits::merge_exclusion(parser, &mut self.filters, &f)
            } else {
                (adds_values || beside_value) && edits::merge_value(parser, &mut self.filters, &f)
            };
            if !merged {
                replace_filter(parser, &mut self.filters, &f);
            } else if beside_value && !self.dimensions.contains(&f.member) {
                self.dimensions.push(f.member);
            }
            self.changed = true;
        }
        // "only those above 1000": a condition on what the rows show.
        if let Some((f, words)) =
            edits::condition_on_rows(parser, a, &self.measures, &self.dimensions, &self.order)
        {
            replace_filter(parser, &mut self.filters, &f);
            r.unresolved.retain(|w| *w != words);
            self.changed = true;
        }
        dates_removed
    }

    /// Order and limit: "top 3", "cap it at 10 rows", "remove the limit",
    /// "which one's highest", "now the other way round".
    pub(super) fn edit_ranking(&mut self, parser: &OfflineParser<'_>, a: &Analysis, r: &Resolved) {
        let ranking = &a.ranking;
        if let Some(dir) = ranking.direction {
            let key = r.sort_key.or_else(|| self.measures.first().copied());
            let desc = key
                .and_then(|m| ranking.descending_on(parser.catalog(), m))
                .unwrap_or(dir == Direction::Desc);
            match (
                key.map(|m| parser.name(m).to_owned()),
                self.order.first_mut(),
            ) {
                (Some(key), _) => self.order = vec![(key, desc)],
                // "and the smallest" after the largest records: the same
                // amount, the other way.
                (None, Some(shown)) => shown.1 = dir == Direction::Desc,
                (None, None) => {}
            }
            if ranking.top {
                self.limit = Some(u64::from(ranking.limit.unwrap_or(build::DEFAULT_TOP)));
            } else if ranking.limit.is_none() && edits::which_plural(a) {
                // "which countries had the most of those": a few of them.
                self.limit = Some(u64::from(build::DEFAULT_TOP));
            }
            self.changed = true;
        }
        if let (Some(n), false) = (ranking.limit, ranking.top) {
            self.limit = Some(u64::from(n));
            self.changed = true;
        }
        // "cap it at 10 rows", "give me 20 of them".
        if let (None, Some(n)) = (ranking.limit, chat_edits::row_count(a)) {
            self.limit = Some(n);
            self.changed = true;
        }
        // "remove the limit", "show all of them again".
        if edits::drops_limit(a) && ranking.limit.is_none() && self.limit.is_some() {
            self.limit = None;
            self.changed = true;
        }
        // "which one's highest": one row.
        if edits::asks_for_one(a) {
            self.limit = Some(1);
        }
        // "now the other way round".
        if edits::flips_order(a) && ranking.direction.is_none() {
            if self.order.is_empty() {
                if let Some(&m) = self.measures.first() {
                    self.order.push((parser.name(m).to_owned(), true));
                }
            }
            for entry in self.order.iter_mut() {
                entry.1 = !entry.1;
            }
            self.changed |= !self.order.is_empty();
        }
    }

    /// What the edited query shows; `was_anomaly` keeps an anomaly turn's
    /// intent while the query is still a series.
    pub(super) fn intent(&self, was_anomaly: bool) -> Intent {
        let grouped_by_time = self.time.as_ref().is_some_and(|t| t.granularity.is_some());
        if self.compares_periods() {
            Intent::Comparison
        } else if was_anomaly && grouped_by_time {
            Intent::Anomaly
        } else if self.limit.is_some() && !self.order.is_empty() {
            Intent::TopN
        } else if grouped_by_time {
            Intent::Trend
        } else if !self.dimensions.is_empty() {
            Intent::Distribution
        } else {
            Intent::Metric
        }
    }

    /// The edited query.
    pub(super) fn into_query(self, parser: &OfflineParser<'_>) -> Query {
        let names = |list: &[usize]| -> Vec<String> {
            list.iter().map(|&m| parser.name(m).to_owned()).collect()
        };
        Query {
            measures: names(&self.measures),
            dimensions: names(&self.dimensions),
            segments: names(&self.segments),
            time_dimensions: self.time.into_iter().collect(),
            filters: self.filters,
            order: (!self.order.is_empty()).then_some(self.order),
            limit: self.limit,
            ..empty_query()
        }
    }
}

/// Words that put what is named beside what is shown ("and units too",
/// "put the web shop next to it").
pub(super) fn adding_words(a: &Analysis) -> bool {
    edits::adds_values(a) || a.tokens.first().is_some_and(|t| t.text == "and") || edits::beside(a)
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
/// Values of a dimension nested in the new one go too: "the whole of
/// Europe" after Germany is the region instead of the country.
fn replace_filter(parser: &OfflineParser<'_>, filters: &mut Vec<Filter>, f: &FilterSpec) {
    let name = parser.name(f.member);
    let equality =
        |op: FilterOperator| matches!(op, FilterOperator::Equals | FilterOperator::NotEquals);
    let new_is_equality = equality(f.operator);
    let widened = |member: &str, operator: FilterOperator| {
        f.operator == FilterOperator::Equals
            && operator == FilterOperator::Equals
            && parser.nested_in(member, name)
    };
    filters.retain(|old| match old {
        Filter::Member {
            member, operator, ..
        } => {
            let same = member == name && equality(*operator) == new_is_equality;
            !(same || widened(member, *operator))
        }
        Filter::And(_) | Filter::Or(_) => true,
    });
    filters.push(f.to_filter(parser));
}
