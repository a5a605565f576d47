//! The logical plan: a query resolved against the model, with every member
//! looked up, every default applied and the join tree chosen. Renderers (SQL
//! for PostgreSQL, DataFusion) start from here.

use std::collections::HashSet;

use chrono_tz::Tz;
use strata_schema::{
    DimensionType, Granularity, MeasureType, MemberKind, MemberPath, MemberRef, SemanticModel,
    SqlRef, SqlTemplate,
};

mod planner;
mod shape;
mod stages;
#[cfg(test)]
mod tests;

pub(crate) use planner::Planner;
pub use shape::MeasureGroup;
pub use stages::{Reaggregation, Stage, StageFunction, StagedPlan};

use crate::access::{AccessGrant, RowGrant};
use crate::error::{query_err, QueryError};
use crate::join_graph::{JoinGraph, JoinTree};
use crate::query::{DateRange, Filter, FilterOperator, Query};

/// A dimension (or time dimension with granularity) in the output.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDimension {
    /// Output key (`Orders.status`, `Orders.createdAt.month`).
    pub name: String,
    /// Also output under this key (`Orders.createdAt` for a time dimension).
    pub alt_name: Option<String>,
    /// SQL column alias.
    pub alias: String,
    /// The cube member computed.
    pub target: MemberPath,
    /// Type.
    pub kind: DimensionType,
    /// Bucket, for time dimensions.
    pub granularity: Option<Granularity>,
}

/// A measure in the output.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanMeasure {
    /// Output key.
    pub name: String,
    /// SQL column alias.
    pub alias: String,
    /// The cube member computed.
    pub target: MemberPath,
    /// Aggregation type.
    pub kind: MeasureType,
    /// Rows of its cube are repeated by the joins of this query.
    pub multiplied: bool,
}

/// A resolved filter.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanFilter {
    /// A condition on one member.
    Member {
        /// The cube member.
        target: MemberPath,
        /// Dimension type, or `None` for a measure.
        dimension_type: Option<DimensionType>,
        /// Operator.
        operator: FilterOperator,
        /// Values.
        values: Vec<Option<String>>,
    },
    /// A time dimension's `dateRange`.
    DateRange {
        /// The time dimension.
        target: MemberPath,
        /// The resolved range.
        range: DateRange,
    },
    /// All of.
    And(Vec<PlanFilter>),
    /// Any of.
    Or(Vec<PlanFilter>),
}

impl PlanFilter {
    /// True when any leaf is on a measure.
    pub fn has_measure(&self) -> bool {
        match self {
            PlanFilter::Member {
                dimension_type,
                operator,
                ..
            } => dimension_type.is_none() && *operator != FilterOperator::MeasureFilter,
            PlanFilter::DateRange { .. } => false,
            PlanFilter::And(v) | PlanFilter::Or(v) => v.iter().any(PlanFilter::has_measure),
        }
    }

    /// Calls `f` for every measure the filter reads.
    pub fn measures(&self, f: &mut dyn FnMut(&MemberPath)) {
        match self {
            PlanFilter::Member {
                target,
                dimension_type: None,
                operator,
                ..
            } if *operator != FilterOperator::MeasureFilter => f(target),
            PlanFilter::And(v) | PlanFilter::Or(v) => v.iter().for_each(|x| x.measures(f)),
            _ => {}
        }
    }

    /// Calls `f` for every member the filter names.
    pub fn members(&self, f: &mut dyn FnMut(&MemberPath)) {
        match self {
            PlanFilter::Member { target, .. } | PlanFilter::DateRange { target, .. } => f(target),
            PlanFilter::And(v) | PlanFilter::Or(v) => v.iter().for_each(|x| x.members(f)),
        }
    }

    /// True when any leaf is on a dimension.
    pub fn has_dimension(&self) -> bool {
        match self {
            PlanFilter::Member {
                dimension_type,
                operator,
                ..
            } => dimension_type.is_some() || *operator == FilterOperator::MeasureFilter,
            PlanFilter::DateRange { .. } => true,
            PlanFilter::And(v) | PlanFilter::Or(v) => v.iter().any(PlanFilter::has_dimension),
        }
    }
}

/// An output column to order by.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOrder {
    /// Alias of the column.
    pub alias: String,
    /// Descending.
    pub desc: bool,
    /// Rows without a value go last whatever the direction: set for a
    /// top-N (an order with a limit), where a null is no "largest" value.
    pub nulls_last: bool,
}

/// A time dimension's date range, kept for rolling windows and time shifts.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanTimeRange {
    /// The time dimension.
    pub target: MemberPath,
    /// Granularity requested, if any.
    pub granularity: Option<Granularity>,
    /// The range.
    pub range: Option<DateRange>,
}

/// A `sub_query: true` dimension (Cube's subquery dimensions): a measure of
/// another cube computed per row of the dimension's cube, by a subquery
/// grouped by that cube's primary key and LEFT JOINed on it:
/// `LEFT JOIN (SELECT pk, measure FROM ... GROUP BY pk) AS alias ON alias.pk = pk`.
/// The query then reads the dimension as the subquery's value column.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSubQuery {
    /// The dimension.
    pub dimension: MemberPath,
    /// Alias of the subquery in FROM (see `sub_query_column`).
    pub alias: String,
    /// Primary-key dimensions of the dimension's cube, with their column aliases.
    pub keys: Vec<(MemberPath, String)>,
    /// Column alias of the value.
    pub value_alias: String,
    /// Cubes and joins of the subquery: the dimension's cube, the cubes of
    /// the measures it reads and, when filters are propagated, theirs.
    pub join: JoinTree,
    /// Row filters of joined cubes, by cube: conditions of the join that
    /// brings the cube in (`LEFT JOIN items ON ... AND <rule>`), so rows of
    /// the dimension's cube with no visible match keep their value (a count
    /// of 0).
    pub on_filters: Vec<(String, PlanFilter)>,
    /// Conditions on the subquery's rows (WHERE): the other row filters,
    /// and the query's filters when propagated.
    pub filters: Vec<PlanFilter>,
    /// Segments applied (the query's, when filters are propagated).
    pub segments: Vec<MemberPath>,
    /// Subqueries of the `sub_query` dimensions the subquery itself reads.
    pub sub_queries: Vec<PlanSubQuery>,
}

impl PlanSubQuery {
    /// Whether rows are filtered inside this subquery or a nested one (so
    /// that values computed without those filters cannot stand in for it).
    pub fn is_filtered(&self) -> bool {
        !self.filters.is_empty()
            || !self.on_filters.is_empty()
            || !self.segments.is_empty()
            || self.sub_queries.iter().any(PlanSubQuery::is_filtered)
    }
}

/// The FROM alias of the subquery of a `sub_query` dimension and the column
/// holding its value: (`orders__items_total_subquery`, `orders__items_total`).
pub(crate) fn sub_query_column(dimension: &MemberPath) -> (String, String) {
    let value = alias_for(&dimension.to_string());
    (format!("{value}_subquery"), value)
}

/// Deepest nesting of `sub_query` dimensions read by other ones.
const MAX_SUB_QUERY_DEPTH: usize = 8;

/// A query resolved against the model.
#[derive(Debug, Clone, PartialEq)]
pub struct LogicalPlan {
    /// Output dimensions, time dimensions with granularity included, in output order.
    pub dimensions: Vec<PlanDimension>,
    /// Output measures.
    pub measures: Vec<PlanMeasure>,
    /// Conditions on rows (WHERE), all of which hold.
    pub filters: Vec<PlanFilter>,
    /// Conditions on aggregates (HAVING), all of which hold.
    pub measure_filters: Vec<PlanFilter>,
    /// Segments applied.
    pub segments: Vec<MemberPath>,
    /// Time dimensions with their ranges, in query order.
    pub time_ranges: Vec<PlanTimeRange>,
    /// Ordering.
    pub order: Vec<PlanOrder>,
    /// Row limit (`None`: every row, for internal queries such as rollup builds).
    pub limit: Option<u64>,
    /// Rows skipped.
    pub offset: Option<u64>,
    /// Time zone of the query.
    pub timezone: Tz,
    /// Rows without grouping.
    pub ungrouped: bool,
    /// Count all rows too.
    pub total: bool,
    /// Cubes and joins.
    pub join: JoinTree,
    /// Subqueries of the `sub_query` dimensions the query reads, joined
    /// after the join tree.
    pub sub_queries: Vec<PlanSubQuery>,
}

impl LogicalPlan {
    /// Every cube the plan reads: those of its join tree, then those of its
    /// subqueries (nested ones included), each once.
    pub fn all_cubes(&self) -> Vec<&str> {
        fn add<'p>(subs: &'p [PlanSubQuery], out: &mut Vec<&'p str>) {
            for s in subs {
                for c in s.join.cubes() {
                    if !out.contains(&c) {
                        out.push(c);
                    }
                }
                add(&s.sub_queries, out);
            }
        }
        let mut out: Vec<&str> = self.join.cubes().collect();
        add(&self.sub_queries, &mut out);
        out
    }

    /// Measures that need the multi-stage path (rolling windows, time shifts, reduce_by...).
    pub fn has_special_measures(&self, model: &SemanticModel) -> bool {
        self.measures.iter().any(|m| {
            model
                .cube(&m.target.cube)
                .and_then(|c| c.measures.get(&m.target.member))
                .is_some_and(|d| d.is_cumulative() || d.multi_stage)
        })
    }
}

/// Makes a SQL alias from a member name (`ECommerce.orderDate` → `e_commerce__order_date`).
pub(crate) fn alias_for(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, part) in name.split('.').enumerate() {
        if i == 1 {
            out.push_str("__");
        } else if i > 1 {
            out.push('_');
        }
        let mut prev_lower = false;
        for c in part.chars() {
            if c.is_ascii_uppercase() {
                if prev_lower {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
                prev_lower = false;
            } else if c.is_ascii_alphanumeric() {
                out.push(c);
                prev_lower = true;
            } else {
                out.push('_');
                prev_lower = false;
            }
        }
    }
    out
}
