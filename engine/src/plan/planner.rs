//! [`Planner`]: a Cube query resolved against the model into a
//! [`LogicalPlan`]: members looked up, access rules applied, filters placed,
//! the join tree and `sub_query` subqueries chosen.

#[allow(clippy::wildcard_imports)]
use super::*;

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

/// What the members of a query reach: the cubes to join, and the
/// `sub_query` dimensions to join as subqueries (whose own cubes are theirs).
#[derive(Debug, Default)]
struct Reach {
    cubes: Vec<String>,
    sub_queries: Vec<MemberPath>,
}

impl Reach {
    fn add_cube(&mut self, cube: &str) {
        if !self.cubes.iter().any(|c| c == cube) {
            self.cubes.push(cube.to_string());
        }
    }
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
        // The reader refuses these in JSON; a query built in code is held
        // to the same bounds here.
        if let Some(l) = query.limit.filter(|l| *l > crate::query::MAX_LIMIT) {
            return Err(query_err!(
                "\"limit\" {l} is over the maximum of {} rows",
                crate::query::MAX_LIMIT
            ));
        }
        if let Some(o) = query.offset.filter(|o| i64::try_from(*o).is_err()) {
            return Err(query_err!(
                "\"offset\" {o} is too large: at most {} is allowed",
                i64::MAX
            ));
        }
        if query.measures.is_empty()
            && query.dimensions.is_empty()
            && query.time_dimensions.is_empty()
            && query.segments.is_empty()
        {
            return Err(query_err!(
                "Query should contain either measures, dimensions or timeDimensions"
            ));
        }
        let mut reach = Reach::default();
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
            self.collect_cubes(&r.target, &mut reach, 0)?;
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
            self.collect_cubes(&r.target, &mut reach, 0)?;
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
            self.collect_cubes(&r.target, &mut reach, 0)?;
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
            self.collect_cubes(&r.target, &mut reach, 0)?;
            segments.push(r.target);
        }

        let mut measure_filters = Vec::new();
        for f in &query.filters {
            let pf = self.filter(f, &mut reach, false)?;
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
            None => self.graph.tree(&reach.cubes)?,
            Some(grant) => {
                let views = self.views_named(query);
                let mut rules = Vec::new();
                let join = self.apply_row_rules(grant, views, &mut reach, &mut rules)?;
                filters.extend(rules.into_iter().map(|(_, f)| f));
                join
            }
        };
        let sub_queries = reach
            .sub_queries
            .iter()
            .map(|d| self.sub_query(d, &filters, &segments, 0))
            .collect::<Result<Vec<_>, _>>()?;
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
            sub_queries,
        })
    }

    /// The views a query names members of, in order.
    fn views_named(&self, query: &Query) -> Vec<String> {
        let mut views: Vec<String> = Vec::new();
        query.member_names(&mut |name| {
            if let Some((owner, _)) = name.split_once('.') {
                if self.model.views.contains_key(owner) && !views.iter().any(|v| v == owner) {
                    views.push(owner.to_string());
                }
            }
        });
        views
    }

    /// Adds the row filters of `views` and of every cube of the join tree of
    /// `reach` to `rules`, each with its cube or view, until the tree stops
    /// growing, and returns the tree.
    fn apply_row_rules(
        &self,
        grant: &AccessGrant,
        views: Vec<String>,
        reach: &mut Reach,
        rules: &mut Vec<(String, PlanFilter)>,
    ) -> Result<JoinTree, QueryError> {
        let mut ruled: HashSet<String> = HashSet::new();
        let mut pending = views;
        loop {
            for owner in pending {
                if let RowGrant::Filtered(rule) = grant.rows(&owner) {
                    let f = self.filter(&rule, reach, true)?;
                    rules.push((owner.clone(), f));
                }
                ruled.insert(owner);
            }
            let join = self.graph.tree(&reach.cubes)?;
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
        reach: &mut Reach,
        trusted: bool,
    ) -> Result<PlanFilter, QueryError> {
        Ok(match f {
            Filter::And(v) => PlanFilter::And(
                v.iter()
                    .map(|x| self.filter(x, reach, trusted))
                    .collect::<Result<_, _>>()?,
            ),
            Filter::Or(v) => PlanFilter::Or(
                v.iter()
                    .map(|x| self.filter(x, reach, trusted))
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
                self.collect_cubes(&r.target, reach, 0)?;
                PlanFilter::Member {
                    target: r.target,
                    dimension_type,
                    operator: *operator,
                    values: values.clone(),
                }
            }
        })
    }

    /// Adds the cube of `member` and of every cube its SQL refers to; a
    /// `sub_query` dimension adds its own cube and itself, its subquery
    /// joining the others.
    fn collect_cubes(
        &self,
        member: &MemberPath,
        reach: &mut Reach,
        depth: usize,
    ) -> Result<(), QueryError> {
        reach.add_cube(&member.cube);
        let is_sub_query = matches!(
            self.model.cube_member(member),
            Some(MemberRef::Dimension(_, d)) if d.sub_query
        );
        if is_sub_query {
            if !reach.sub_queries.contains(member) {
                reach.sub_queries.push(member.clone());
            }
            return Ok(());
        }
        self.collect_refs(member, reach, depth)
    }

    /// Adds the cubes of everything the SQL of `member` refers to.
    fn collect_refs(
        &self,
        member: &MemberPath,
        reach: &mut Reach,
        depth: usize,
    ) -> Result<(), QueryError> {
        if depth > 32 {
            return Err(query_err!("references of {member} are nested too deeply"));
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
                    SqlRef::Cube(c) => reach.add_cube(c),
                    SqlRef::Member { cube, member: m } => {
                        let p = MemberPath::new(cube.clone(), m.clone());
                        if &p != member {
                            self.collect_cubes(&p, reach, depth + 1)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Plans the subquery of the `sub_query` dimension `dimension`, read by a
    /// query with `filters` and `segments` (propagated into the subquery when
    /// the dimension asks for it).
    fn sub_query(
        &self,
        dimension: &MemberPath,
        filters: &[PlanFilter],
        segments: &[MemberPath],
        depth: usize,
    ) -> Result<PlanSubQuery, QueryError> {
        if depth > MAX_SUB_QUERY_DEPTH {
            return Err(query_err!(
                "sub_query dimensions read by {dimension} are nested too deeply"
            ));
        }
        let Some(MemberRef::Dimension(cube, def)) = self.model.cube_member(dimension) else {
            return Err(query_err!("{dimension} is not a dimension"));
        };
        let keys: Vec<(MemberPath, String)> = cube
            .primary_keys()
            .map(|k| {
                let p = MemberPath::new(cube.name.clone(), k.name.clone());
                let alias = alias_for(&p.to_string());
                (p, alias)
            })
            .collect();
        if keys.is_empty() {
            return Err(query_err!(
                "{dimension} is a sub_query dimension: cube {} needs a primary_key to group \
                 its subquery by",
                cube.name
            ));
        }
        let mut reach = Reach::default();
        reach.add_cube(&dimension.cube);
        self.collect_refs(dimension, &mut reach, 1)?;
        if reach.cubes.len() < 2 {
            return Err(query_err!(
                "{dimension} is a sub_query dimension but reads no measure of a joined cube"
            ));
        }
        let mut own_filters = Vec::new();
        let mut own_segments = Vec::new();
        if def.propagate_filters_to_sub_query {
            // Filters that read a sub_query dimension (this one included)
            // stay outside: they would need the subquery inside itself.
            for f in filters {
                if let Some(cubes) = self.filter_reach(f)? {
                    cubes.iter().for_each(|c| reach.add_cube(c));
                    own_filters.push(f.clone());
                }
            }
            for s in segments {
                if let Some(cubes) = self.plain_reach(std::slice::from_ref(s))? {
                    cubes.iter().for_each(|c| reach.add_cube(c));
                    own_segments.push(s.clone());
                }
            }
        }
        let mut rules = Vec::new();
        let join = match self.access {
            None => self.graph.tree(&reach.cubes)?,
            Some(grant) => self.apply_row_rules(grant, Vec::new(), &mut reach, &mut rules)?,
        };
        let on_filters = self.place_rules(&join, rules, &mut own_filters)?;
        let sub_queries = reach
            .sub_queries
            .iter()
            .map(|d| self.sub_query(d, &own_filters, &own_segments, depth + 1))
            .collect::<Result<Vec<_>, _>>()?;
        let (alias, value_alias) = sub_query_column(dimension);
        Ok(PlanSubQuery {
            dimension: dimension.clone(),
            alias,
            keys,
            value_alias,
            join,
            on_filters,
            filters: own_filters,
            segments: own_segments,
            sub_queries,
        })
    }

    /// Splits the row rules of a subquery: a joined cube's rule goes to the
    /// condition of its join (returned), as it restricts the rows joined, not
    /// the rows of the dimension's cube (an order whose items are all hidden
    /// still counts 0 items); the root's rule, and rules reading cubes joined
    /// later, go to `filters` (WHERE).
    fn place_rules(
        &self,
        join: &JoinTree,
        rules: Vec<(String, PlanFilter)>,
        filters: &mut Vec<PlanFilter>,
    ) -> Result<Vec<(String, PlanFilter)>, QueryError> {
        let order: Vec<&str> = join.cubes().collect();
        let position = |c: &str| order.iter().position(|x| *x == c);
        let mut on_filters = Vec::new();
        for (owner, f) in rules {
            let at = position(&owner).filter(|i| *i > 0);
            let joined_before = match (at, self.filter_reach(&f)?) {
                (Some(at), Some(cubes)) => {
                    cubes.iter().all(|c| position(c).is_some_and(|i| i <= at))
                }
                _ => false,
            };
            if joined_before {
                on_filters.push((owner, f));
            } else {
                filters.push(f);
            }
        }
        Ok(on_filters)
    }

    /// The cubes a filter reaches, or `None` when it reads a `sub_query` dimension.
    fn filter_reach(&self, f: &PlanFilter) -> Result<Option<Vec<String>>, QueryError> {
        let mut names = Vec::new();
        f.members(&mut |p| names.push(p.clone()));
        self.plain_reach(&names)
    }

    /// The cubes `members` reach, or `None` when they read a `sub_query` dimension.
    fn plain_reach(&self, members: &[MemberPath]) -> Result<Option<Vec<String>>, QueryError> {
        let mut reach = Reach::default();
        for m in members {
            self.collect_cubes(m, &mut reach, 0)?;
        }
        Ok(reach.sub_queries.is_empty().then_some(reach.cubes))
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
                    nulls_last: false,
                }]);
            }
            if let Some(m) = measures.first() {
                return Ok(vec![PlanOrder {
                    alias: m.alias.clone(),
                    desc: true,
                    nulls_last: false,
                }]);
            }
            return Ok(dims
                .first()
                .map(|d| {
                    vec![PlanOrder {
                        alias: d.alias.clone(),
                        desc: false,
                        nulls_last: false,
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
                out.push(PlanOrder {
                    alias,
                    desc: *desc,
                    nulls_last: query.limit.is_some(),
                });
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
