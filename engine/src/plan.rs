//! The logical plan: a query resolved against the model, with every member
//! looked up, every default applied and the join tree chosen. Renderers (SQL
//! for PostgreSQL, DataFusion) start from here.

use std::collections::HashSet;

use chrono_tz::Tz;
use strata_schema::{
    DimensionType, Granularity, MeasureType, MemberKind, MemberPath, MemberRef, SemanticModel,
    SqlRef, SqlTemplate,
};

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
}

impl LogicalPlan {
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
pub fn alias_for(name: &str) -> String {
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

/// Resolves queries against one model.
pub struct Planner<'a> {
    model: &'a SemanticModel,
    graph: &'a JoinGraph,
    now: chrono::DateTime<chrono::Utc>,
    access: Option<&'a AccessGrant>,
}

struct Resolved {
    target: MemberPath,
    kind: MemberKind,
}

impl<'a> Planner<'a> {
    /// A planner over `model` with its join graph; relative dates count from `now`.
    pub fn new(
        model: &'a SemanticModel,
        graph: &'a JoinGraph,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        Planner {
            model,
            graph,
            now,
            access: None,
        }
    }

    /// Plans for a caller with this grant: members it does not grant are
    /// refused, and its row filters are added for every cube and view the
    /// query touches.
    pub fn with_access(mut self, grant: &'a AccessGrant) -> Self {
        self.access = Some(grant).filter(|g| !g.is_unrestricted());
        self
    }

    fn resolve(&self, name: &str) -> Result<Resolved, QueryError> {
        self.resolve_as(name, false)
    }

    /// Resolves a member; `trusted` names come from access policies, not from
    /// the caller, and skip visibility and grant checks.
    fn resolve_as(&self, name: &str, trusted: bool) -> Result<Resolved, QueryError> {
        let path = MemberPath::parse(name).ok_or_else(|| {
            query_err!("Invalid member name \"{name}\": expected \"Cube.member\"")
        })?;
        if !self.model.cubes.contains_key(&path.cube) && !self.model.views.contains_key(&path.cube)
        {
            return Err(query_err!(
                "Cube \"{}\" not found for path \"{name}\"",
                path.cube
            ));
        }
        let (target, _) = self
            .model
            .resolve(&path)
            .ok_or_else(|| query_err!("\"{name}\" not found: no such member in {}", path.cube))?;
        let (kind, public) = match self.model.cube_member(&target) {
            Some(MemberRef::Dimension(_, d)) => (MemberKind::Dimension, d.public),
            Some(MemberRef::Measure(_, m)) => (MemberKind::Measure, m.public),
            Some(MemberRef::Segment(_, s)) => (MemberKind::Segment, s.public),
            None => return Err(query_err!("\"{name}\" not found")),
        };
        if trusted {
            return Ok(Resolved { target, kind });
        }
        if let Some(grant) = self.access {
            grant.check(
                self.model,
                name,
                &path.cube,
                &path.member,
                (&target.cube, &target.member),
            )?;
        }
        // A view member is public by being listed in the view.
        if !public && target == path {
            return Err(query_err!(
                "You requested hidden member: \"{name}\". Please make it visible using \
                 `public: true` or query it through a view"
            ));
        }
        Ok(Resolved { target, kind })
    }

    fn dimension_type(&self, p: &MemberPath) -> Option<DimensionType> {
        self.model
            .cube(&p.cube)
            .and_then(|c| c.dimensions.get(&p.member))
            .map(|d| d.kind)
    }

    /// Resolves `query` into a logical plan.
    pub fn plan(&self, query: &Query) -> Result<LogicalPlan, QueryError> {
        let timezone: Tz = query.timezone.parse().map_err(|_| {
            query_err!(
                "Unknown timezone \"{}\": use an IANA name such as Europe/Paris",
                query.timezone
            )
        })?;
        if query.measures.is_empty()
            && query.dimensions.is_empty()
            && query.time_dimensions.is_empty()
            && query.segments.is_empty()
        {
            return Err(query_err!(
                "Query should contain either measures, dimensions or timeDimensions"
            ));
        }
        let mut cubes: Vec<String> = Vec::new();
        let mut dimensions = Vec::new();
        let mut measures = Vec::new();
        let mut seen_aliases = HashSet::new();
        let mut unique_alias = |base: String| {
            let mut a = base.clone();
            let mut n = 1;
            while !seen_aliases.insert(a.clone()) {
                n += 1;
                a = format!("{base}_{n}");
            }
            a
        };

        for name in &query.dimensions {
            let r = self.resolve(name)?;
            if r.kind != MemberKind::Dimension {
                return Err(query_err!(
                    "\"{name}\" is a {}, not a dimension: move it to \"{}\"",
                    kind_word(r.kind),
                    if r.kind == MemberKind::Measure {
                        "measures"
                    } else {
                        "segments"
                    }
                ));
            }
            let kind = self
                .dimension_type(&r.target)
                .unwrap_or(DimensionType::String);
            self.collect_cubes(&r.target, &mut cubes, 0)?;
            dimensions.push(PlanDimension {
                name: name.clone(),
                alt_name: None,
                alias: unique_alias(alias_for(name)),
                target: r.target,
                kind,
                granularity: None,
            });
        }

        let mut filters = Vec::new();
        let mut time_ranges = Vec::new();
        for td in &query.time_dimensions {
            let r = self.resolve(&td.dimension)?;
            let kind = self.dimension_type(&r.target);
            if r.kind != MemberKind::Dimension || kind != Some(DimensionType::Time) {
                return Err(query_err!(
                    "\"{}\" in timeDimensions is not a time dimension",
                    td.dimension
                ));
            }
            self.collect_cubes(&r.target, &mut cubes, 0)?;
            let range = td
                .date_range
                .as_ref()
                .map(|s| DateRange::resolve(s, timezone, self.now))
                .transpose()?;
            if let Some(range) = range {
                filters.push(PlanFilter::DateRange {
                    target: r.target.clone(),
                    range,
                });
            }
            time_ranges.push(PlanTimeRange {
                target: r.target.clone(),
                granularity: td.granularity,
                range,
            });
            if let Some(g) = td.granularity {
                let name = format!("{}.{}", td.dimension, g.as_str());
                if dimensions.iter().any(|d: &PlanDimension| d.name == name) {
                    continue;
                }
                dimensions.push(PlanDimension {
                    alias: unique_alias(alias_for(&name)),
                    name,
                    alt_name: Some(td.dimension.clone()),
                    target: r.target,
                    kind: DimensionType::Time,
                    granularity: Some(g),
                });
            }
        }

        for name in &query.measures {
            let r = self.resolve(name)?;
            if r.kind != MemberKind::Measure {
                return Err(query_err!(
                    "\"{name}\" is a {}, not a measure: move it to \"{}\"",
                    kind_word(r.kind),
                    if r.kind == MemberKind::Dimension {
                        "dimensions"
                    } else {
                        "segments"
                    }
                ));
            }
            self.collect_cubes(&r.target, &mut cubes, 0)?;
            let kind = self
                .model
                .cube(&r.target.cube)
                .and_then(|c| c.measures.get(&r.target.member))
                .map(|m| m.kind)
                .unwrap_or(MeasureType::Number);
            measures.push(PlanMeasure {
                name: name.clone(),
                alias: unique_alias(alias_for(name)),
                target: r.target,
                kind,
                multiplied: false,
            });
        }

        let mut segments = Vec::new();
        for name in &query.segments {
            let r = self.resolve(name)?;
            if r.kind != MemberKind::Segment {
                return Err(query_err!(
                    "\"{name}\" is a {}, not a segment",
                    kind_word(r.kind)
                ));
            }
            self.collect_cubes(&r.target, &mut cubes, 0)?;
            segments.push(r.target);
        }

        let mut measure_filters = Vec::new();
        for f in &query.filters {
            let pf = self.filter(f, &mut cubes, false)?;
            match (pf.has_measure(), pf.has_dimension()) {
                (true, true) => {
                    return Err(query_err!(
                        "a filter group cannot mix measures and dimensions in one and/or"
                    ))
                }
                (true, false) => measure_filters.push(pf),
                _ => filters.push(pf),
            }
        }

        let join = match self.access {
            None => self.graph.tree(&cubes)?,
            Some(grant) => self.apply_row_rules(grant, query, &mut cubes, &mut filters)?,
        };
        for m in &mut measures {
            m.multiplied = join.multiplies(&m.target.cube);
        }

        let order = self.order(query, &dimensions, &measures)?;
        if query.ungrouped && !measures.is_empty() {
            // Cube allows measures in ungrouped queries; they are rendered unaggregated.
        }
        Ok(LogicalPlan {
            dimensions,
            measures,
            filters,
            measure_filters,
            segments,
            time_ranges,
            order,
            limit: Some(query.limit.unwrap_or(crate::query::request::DEFAULT_LIMIT)),
            offset: query.offset.filter(|o| *o > 0),
            timezone,
            ungrouped: query.ungrouped,
            total: query.total,
            join,
        })
    }

    /// Adds the row filters of every view the query names and of every cube
    /// of its join tree, until the tree stops growing, and returns the tree.
    fn apply_row_rules(
        &self,
        grant: &AccessGrant,
        query: &Query,
        cubes: &mut Vec<String>,
        filters: &mut Vec<PlanFilter>,
    ) -> Result<JoinTree, QueryError> {
        let mut ruled: HashSet<String> = HashSet::new();
        let mut views: Vec<String> = Vec::new();
        query.member_names(&mut |name| {
            if let Some((owner, _)) = name.split_once('.') {
                if self.model.views.contains_key(owner) && !views.iter().any(|v| v == owner) {
                    views.push(owner.to_string());
                }
            }
        });
        let mut pending = views;
        loop {
            for owner in pending {
                if let RowGrant::Filtered(rule) = grant.rows(&owner) {
                    filters.push(self.filter(&rule, cubes, true)?);
                }
                ruled.insert(owner);
            }
            let join = self.graph.tree(cubes)?;
            pending = join
                .cubes()
                .filter(|c| !ruled.contains(*c))
                .map(str::to_owned)
                .collect();
            if pending.is_empty() {
                return Ok(join);
            }
        }
    }

    fn filter(
        &self,
        f: &Filter,
        cubes: &mut Vec<String>,
        trusted: bool,
    ) -> Result<PlanFilter, QueryError> {
        Ok(match f {
            Filter::And(v) => PlanFilter::And(
                v.iter()
                    .map(|x| self.filter(x, cubes, trusted))
                    .collect::<Result<_, _>>()?,
            ),
            Filter::Or(v) => PlanFilter::Or(
                v.iter()
                    .map(|x| self.filter(x, cubes, trusted))
                    .collect::<Result<_, _>>()?,
            ),
            Filter::Member {
                member,
                operator,
                values,
            } => {
                let r = self.resolve_as(member, trusted)?;
                if r.kind == MemberKind::Segment {
                    return Err(query_err!(
                        "\"{member}\" is a segment: put it in \"segments\", not in filters"
                    ));
                }
                let dimension_type = self.dimension_type(&r.target);
                check_values(member, *operator, dimension_type, values)?;
                self.collect_cubes(&r.target, cubes, 0)?;
                PlanFilter::Member {
                    target: r.target,
                    dimension_type,
                    operator: *operator,
                    values: values.clone(),
                }
            }
        })
    }

    /// Adds the cube of `member` and of every cube its SQL refers to.
    fn collect_cubes(
        &self,
        member: &MemberPath,
        cubes: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), QueryError> {
        if depth > 32 {
            return Err(query_err!("references of {member} are nested too deeply"));
        }
        if !cubes.contains(&member.cube) {
            cubes.push(member.cube.clone());
        }
        let templates: Vec<&SqlTemplate> = match self.model.cube_member(member) {
            Some(MemberRef::Dimension(_, d)) => match &d.sql {
                strata_schema::DimensionSql::Sql(t) => vec![t],
                strata_schema::DimensionSql::Case(c) => c
                    .when
                    .iter()
                    .flat_map(|w| {
                        let mut v = vec![&w.sql];
                        if let strata_schema::CaseLabel::Sql(t) = &w.label {
                            v.push(t);
                        }
                        v
                    })
                    .collect(),
                strata_schema::DimensionSql::Geo {
                    latitude,
                    longitude,
                } => vec![latitude, longitude],
            },
            Some(MemberRef::Measure(_, m)) => m.sql.iter().chain(m.filters.iter()).collect(),
            Some(MemberRef::Segment(_, s)) => vec![&s.sql],
            None => vec![],
        };
        for t in templates {
            for r in t.refs() {
                match r {
                    SqlRef::Cube(c) => {
                        if !cubes.contains(c) {
                            cubes.push(c.clone());
                        }
                    }
                    SqlRef::Member { cube, member: m } => {
                        let p = MemberPath::new(cube.clone(), m.clone());
                        if &p != member {
                            self.collect_cubes(&p, cubes, depth + 1)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn order(
        &self,
        query: &Query,
        dims: &[PlanDimension],
        measures: &[PlanMeasure],
    ) -> Result<Vec<PlanOrder>, QueryError> {
        let Some(order) = &query.order else {
            // Cube's default: first time dimension with granularity ascending,
            // else first measure descending, else first dimension ascending.
            if let Some(d) = dims.iter().find(|d| d.granularity.is_some()) {
                return Ok(vec![PlanOrder {
                    alias: d.alias.clone(),
                    desc: false,
                }]);
            }
            if let Some(m) = measures.first() {
                return Ok(vec![PlanOrder {
                    alias: m.alias.clone(),
                    desc: true,
                }]);
            }
            return Ok(dims
                .first()
                .map(|d| {
                    vec![PlanOrder {
                        alias: d.alias.clone(),
                        desc: false,
                    }]
                })
                .unwrap_or_default());
        };
        let mut out = Vec::new();
        for (name, desc) in order {
            // Unknown members are an error; known members not in the query are
            // ignored, as Cube ignores them.
            self.resolve(name)?;
            let alias = dims
                .iter()
                .find(|d| &d.name == name || d.alt_name.as_deref() == Some(name))
                .map(|d| d.alias.clone())
                .or_else(|| {
                    measures
                        .iter()
                        .find(|m| &m.name == name)
                        .map(|m| m.alias.clone())
                });
            if let Some(alias) = alias {
                out.push(PlanOrder { alias, desc: *desc });
            }
        }
        Ok(out)
    }
}

fn kind_word(k: MemberKind) -> &'static str {
    match k {
        MemberKind::Dimension => "dimension",
        MemberKind::Measure => "measure",
        MemberKind::Segment => "segment",
    }
}

fn check_values(
    member: &str,
    op: FilterOperator,
    dimension_type: Option<DimensionType>,
    values: &[Option<String>],
) -> Result<(), QueryError> {
    use FilterOperator::*;
    let is_date_op = matches!(
        op,
        InDateRange | NotInDateRange | BeforeDate | BeforeOrOnDate | AfterDate | AfterOrOnDate
    );
    if is_date_op && dimension_type != Some(DimensionType::Time) {
        return Err(query_err!(
            "operator {} needs a time dimension, and {member} is not one",
            op.as_str()
        ));
    }
    let numeric = dimension_type.is_none() || dimension_type == Some(DimensionType::Number);
    let ordered_op = matches!(op, Gt | Gte | Lt | Lte);
    for v in values.iter().flatten() {
        if is_date_op {
            crate::query::DateRange::resolve(
                &crate::query::DateRangeSpec::Pair(v.clone(), v.clone()),
                Tz::UTC,
                chrono::Utc::now(),
            )
            .map_err(|_| query_err!("\"{v}\" is not a date (filter on {member})"))?;
        } else if (numeric && (ordered_op || matches!(op, Equals | NotEquals)))
            && v.trim().parse::<f64>().is_err()
        {
            return Err(query_err!(
                "\"{v}\" is not a number, and {member} is numeric (operator {})",
                op.as_str()
            ));
        }
    }
    if matches!(
        op,
        Contains | NotContains | StartsWith | NotStartsWith | EndsWith | NotEndsWith
    ) && values.iter().any(Option::is_none)
    {
        return Err(query_err!(
            "operator {} on {member} does not take null values",
            op.as_str()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_snake_case() {
        assert_eq!(alias_for("ECommerce.orderDate"), "ecommerce__order_date");
        assert_eq!(
            alias_for("Orders.created_at.month"),
            "orders__created_at_month"
        );
        assert_eq!(alias_for("a.b;drop"), "a__b_drop");
    }
}
