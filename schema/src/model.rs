//! The compiled semantic model: cubes, views and their members, with every
//! reference resolved and every name checked.

use std::path::PathBuf;
use std::str::FromStr;

use indexmap::IndexMap;

use crate::template::SqlTemplate;

/// Where a model element was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceLocation {
    /// Model file.
    pub file: PathBuf,
    /// 1-based line, where known.
    pub line: Option<usize>,
}

/// A whole data model: every cube and view of a model directory.
#[derive(Debug, Clone, Default)]
pub struct SemanticModel {
    /// Cubes by name, in the order they were declared.
    pub cubes: IndexMap<String, Cube>,
    /// Views by name, in the order they were declared.
    pub views: IndexMap<String, View>,
}

/// Where a cube's rows come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CubeSource {
    /// `sql_table: schema.table`.
    Table(String),
    /// `sql: select ...`.
    Sql(SqlTemplate),
}

/// A cube: one table or query with its members and joins.
#[derive(Debug, Clone)]
pub struct Cube {
    /// Name used in queries (`Orders` in `Orders.count`).
    pub name: String,
    /// Human title (defaults to a title made from the name).
    pub title: Option<String>,
    /// Description shown in `/meta`.
    pub description: Option<String>,
    /// Whether the cube is visible in `/meta` and to the LLM.
    pub public: bool,
    /// Free-form metadata.
    pub meta: Option<serde_json::Value>,
    /// Rows of the cube.
    pub source: CubeSource,
    /// Named data source (`default` when absent).
    pub data_source: Option<String>,
    /// Refresh key for caches and pre-aggregations.
    pub refresh_key: Option<RefreshKey>,
    /// Joins from this cube, by target cube name.
    pub joins: IndexMap<String, Join>,
    /// Dimensions by name.
    pub dimensions: IndexMap<String, Dimension>,
    /// Measures by name.
    pub measures: IndexMap<String, Measure>,
    /// Segments by name.
    pub segments: IndexMap<String, Segment>,
    /// Pre-aggregations by name.
    pub pre_aggregations: IndexMap<String, PreAggregation>,
    /// Data access policies (`access_policy`).
    pub access_policy: Vec<crate::access::AccessPolicy>,
    /// Where the cube was declared.
    pub location: SourceLocation,
}

impl Cube {
    /// Primary-key dimensions, in declaration order.
    pub fn primary_keys(&self) -> impl Iterator<Item = &Dimension> {
        self.dimensions.values().filter(|d| d.primary_key)
    }
}

/// How rows of two cubes relate through a join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relationship {
    /// `one_to_one` / `has_one`.
    OneToOne,
    /// `one_to_many` / `has_many`: one row of the owner, many of the target.
    OneToMany,
    /// `many_to_one` / `belongs_to`: many rows of the owner, one of the target.
    ManyToOne,
}

impl FromStr for Relationship {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "one_to_one" | "has_one" | "hasOne" | "oneToOne" => Ok(Relationship::OneToOne),
            "one_to_many" | "has_many" | "hasMany" | "oneToMany" => Ok(Relationship::OneToMany),
            "many_to_one" | "belongs_to" | "belongsTo" | "manyToOne" => Ok(Relationship::ManyToOne),
            other => Err(format!(
                "unknown relationship `{other}` (expected one_to_one, one_to_many or many_to_one)"
            )),
        }
    }
}

/// A join from its owning cube to `target`.
#[derive(Debug, Clone)]
pub struct Join {
    /// The cube joined to.
    pub target: String,
    /// How rows relate.
    pub relationship: Relationship,
    /// The `ON` condition.
    pub sql: SqlTemplate,
    /// Where the join was declared.
    pub location: SourceLocation,
}

/// Type of a dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DimensionType {
    /// Text.
    String,
    /// Number.
    Number,
    /// Timestamp or date.
    Time,
    /// Boolean.
    Boolean,
    /// Geographic point (`latitude`/`longitude`).
    Geo,
}

impl DimensionType {
    /// The name Cube uses in `/meta` and annotations.
    pub fn as_str(self) -> &'static str {
        match self {
            DimensionType::String => "string",
            DimensionType::Number => "number",
            DimensionType::Time => "time",
            DimensionType::Boolean => "boolean",
            DimensionType::Geo => "geo",
        }
    }
}

impl FromStr for DimensionType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "string" => Ok(DimensionType::String),
            "number" => Ok(DimensionType::Number),
            "time" => Ok(DimensionType::Time),
            "boolean" => Ok(DimensionType::Boolean),
            "geo" => Ok(DimensionType::Geo),
            other => Err(format!(
                "unknown dimension type `{other}` (expected string, number, time, boolean or geo)"
            )),
        }
    }
}

/// How a dimension's value is computed.
#[derive(Debug, Clone)]
pub enum DimensionSql {
    /// A SQL expression.
    Sql(SqlTemplate),
    /// `case: when: [...] else: ...`.
    Case(CaseDefinition),
    /// `geo`: a latitude and a longitude expression.
    Geo {
        /// Latitude expression.
        latitude: SqlTemplate,
        /// Longitude expression.
        longitude: SqlTemplate,
    },
}

/// A `case` dimension.
#[derive(Debug, Clone)]
pub struct CaseDefinition {
    /// Conditions and labels, tried in order.
    pub when: Vec<CaseWhen>,
    /// Label when no condition holds.
    pub else_label: Option<CaseLabel>,
}

/// One branch of a `case` dimension.
#[derive(Debug, Clone)]
pub struct CaseWhen {
    /// Condition.
    pub sql: SqlTemplate,
    /// Label produced.
    pub label: CaseLabel,
}

/// A `case` label: a constant string or SQL.
#[derive(Debug, Clone)]
pub enum CaseLabel {
    /// A constant label.
    Text(String),
    /// A SQL expression label (`label: { sql: ... }`).
    Sql(SqlTemplate),
}

/// A dimension: a column or expression to group and filter by.
#[derive(Debug, Clone)]
pub struct Dimension {
    /// Name inside its cube.
    pub name: String,
    /// Type.
    pub kind: DimensionType,
    /// Value.
    pub sql: DimensionSql,
    /// Part of the cube's primary key.
    pub primary_key: bool,
    /// Visible in `/meta` and queryable by clients.
    pub public: bool,
    /// Human title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Display format (`currency`, `percent`, `imageUrl`, `id`, `link`).
    pub format: Option<String>,
    /// Free-form metadata.
    pub meta: Option<serde_json::Value>,
    /// `sub_query: true`: a measure of another cube used as a dimension,
    /// computed per row of this cube by a subquery grouped by its primary key.
    pub sub_query: bool,
    /// `propagate_filters_to_sub_query: true`: the query's filters also
    /// apply inside the subquery of a `sub_query` dimension.
    pub propagate_filters_to_sub_query: bool,
    /// Where it was declared.
    pub location: SourceLocation,
}

/// Aggregation type of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MeasureType {
    /// `count`.
    Count,
    /// `count_distinct`.
    CountDistinct,
    /// `count_distinct_approx`.
    CountDistinctApprox,
    /// `sum`.
    Sum,
    /// `avg`.
    Avg,
    /// `min`.
    Min,
    /// `max`.
    Max,
    /// `number`: a formula over other measures (or an aggregate written in SQL).
    Number,
    /// `running_total` (legacy cumulative sum).
    RunningTotal,
    /// `string` computed from aggregates.
    String,
    /// `time` computed from aggregates.
    Time,
    /// `boolean` computed from aggregates.
    Boolean,
}

impl MeasureType {
    /// The name Cube uses in `/meta` and annotations.
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureType::Count => "count",
            MeasureType::CountDistinct => "countDistinct",
            MeasureType::CountDistinctApprox => "countDistinctApprox",
            MeasureType::Sum => "sum",
            MeasureType::Avg => "avg",
            MeasureType::Min => "min",
            MeasureType::Max => "max",
            MeasureType::Number => "number",
            MeasureType::RunningTotal => "runningTotal",
            MeasureType::String => "string",
            MeasureType::Time => "time",
            MeasureType::Boolean => "boolean",
        }
    }

    /// Whether a measure of this type needs `sql`.
    pub fn requires_sql(self) -> bool {
        !matches!(self, MeasureType::Count)
    }

    /// Whether values of this type can be summed again from partial results
    /// (what rollups and rolling windows rely on).
    pub fn is_additive(self) -> bool {
        matches!(
            self,
            MeasureType::Count | MeasureType::Sum | MeasureType::Min | MeasureType::Max
        )
    }
}

impl FromStr for MeasureType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "count" => MeasureType::Count,
            "count_distinct" | "countDistinct" => MeasureType::CountDistinct,
            "count_distinct_approx" | "countDistinctApprox" => MeasureType::CountDistinctApprox,
            "sum" => MeasureType::Sum,
            "avg" => MeasureType::Avg,
            "min" => MeasureType::Min,
            "max" => MeasureType::Max,
            "number" => MeasureType::Number,
            "running_total" | "runningTotal" => MeasureType::RunningTotal,
            "string" => MeasureType::String,
            "time" => MeasureType::Time,
            "boolean" => MeasureType::Boolean,
            other => {
                return Err(format!(
                    "unknown measure type `{other}` (expected count, count_distinct, \
                     count_distinct_approx, sum, avg, min, max, number, running_total, \
                     string, time or boolean)"
                ))
            }
        })
    }
}

/// Time unit of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntervalUnit {
    /// Seconds.
    Second,
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Quarters.
    Quarter,
    /// Years.
    Year,
}

impl IntervalUnit {
    /// Singular lowercase name (`day`).
    pub fn as_str(self) -> &'static str {
        match self {
            IntervalUnit::Second => "second",
            IntervalUnit::Minute => "minute",
            IntervalUnit::Hour => "hour",
            IntervalUnit::Day => "day",
            IntervalUnit::Week => "week",
            IntervalUnit::Month => "month",
            IntervalUnit::Quarter => "quarter",
            IntervalUnit::Year => "year",
        }
    }
}

impl FromStr for IntervalUnit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.to_ascii_lowercase();
        let s = s.strip_suffix('s').unwrap_or(&s);
        Ok(match s {
            "second" | "sec" => IntervalUnit::Second,
            "minute" | "min" => IntervalUnit::Minute,
            "hour" => IntervalUnit::Hour,
            "day" => IntervalUnit::Day,
            "week" => IntervalUnit::Week,
            "month" => IntervalUnit::Month,
            "quarter" => IntervalUnit::Quarter,
            "year" => IntervalUnit::Year,
            other => return Err(format!("unknown time unit `{other}`")),
        })
    }
}

/// A time granularity for bucketing a time dimension.
pub type Granularity = IntervalUnit;

/// An amount of time such as `2 day` or `1 year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    /// How many units (may be negative).
    pub amount: i64,
    /// The unit.
    pub unit: IntervalUnit,
}

impl FromStr for Interval {
    type Err = String;
    /// Parses `2 day`, `3 weeks`, `1 year` (one amount and one unit).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut words = s.split_whitespace();
        let (Some(n), Some(u), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!(
                "invalid interval `{s}` (expected an amount and a unit, e.g. `2 day`)"
            ));
        };
        let amount: i64 = n
            .parse()
            .map_err(|_| format!("invalid interval `{s}`: `{n}` is not a whole number"))?;
        Ok(Interval {
            amount,
            unit: u.parse()?,
        })
    }
}

impl std::fmt::Display for Interval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.amount, self.unit.as_str())
    }
}

/// One bound of a rolling window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowBound {
    /// No bound: from the beginning (trailing) or to the end (leading).
    Unbounded,
    /// A bounded interval.
    Interval(Interval),
}

/// Which end of each time bucket a rolling window is anchored to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WindowOffset {
    /// The bucket's start.
    Start,
    /// The bucket's end (Cube's default).
    #[default]
    End,
}

/// `rolling_window` of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RollingWindow {
    /// How far back the window reaches; `None` means not at all.
    pub trailing: Option<WindowBound>,
    /// How far forward the window reaches; `None` means not at all.
    pub leading: Option<WindowBound>,
    /// Anchor of the window.
    pub offset: WindowOffset,
}

/// Direction of a `time_shift`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeShiftDirection {
    /// Values from earlier (`prior`).
    Prior,
    /// Values from later (`next`).
    Next,
}

/// `time_shift` entry of a multi-stage measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeShift {
    /// The time dimension shifted (`None` shifts every time dimension of the query).
    pub time_dimension: Option<MemberPath>,
    /// How far.
    pub interval: Interval,
    /// Which way.
    pub direction: TimeShiftDirection,
}

/// A fully qualified member name, `Cube.member`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberPath {
    /// Cube name.
    pub cube: String,
    /// Member name.
    pub member: String,
}

impl MemberPath {
    /// Builds a path.
    pub fn new(cube: impl Into<String>, member: impl Into<String>) -> Self {
        MemberPath {
            cube: cube.into(),
            member: member.into(),
        }
    }

    /// Splits `Cube.member`; `None` unless there is exactly one dot with text on both sides.
    pub fn parse(s: &str) -> Option<MemberPath> {
        let (c, m) = s.split_once('.')?;
        if c.is_empty() || m.is_empty() || m.contains('.') {
            return None;
        }
        Some(MemberPath::new(c, m))
    }
}

impl std::fmt::Display for MemberPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.cube, self.member)
    }
}

/// A measure: an aggregate over the cube's rows.
#[derive(Debug, Clone)]
pub struct Measure {
    /// Name inside its cube.
    pub name: String,
    /// Aggregation type.
    pub kind: MeasureType,
    /// Expression aggregated (or the formula, for `number`).
    pub sql: Option<SqlTemplate>,
    /// Conditions a row must meet to be counted (`filters: [{sql: ...}]`).
    pub filters: Vec<SqlTemplate>,
    /// Rolling window, for cumulative measures.
    pub rolling_window: Option<RollingWindow>,
    /// Computed in stages over other measures' results.
    pub multi_stage: bool,
    /// `time_shift` of a multi-stage measure.
    pub time_shift: Vec<TimeShift>,
    /// Dimensions removed from the grouping of a multi-stage measure.
    pub reduce_by: Vec<MemberPath>,
    /// The only dimensions kept in the grouping of a multi-stage measure.
    pub group_by: Vec<MemberPath>,
    /// Dimensions added to the inner grouping of a multi-stage measure.
    pub add_group_by: Vec<MemberPath>,
    /// Display format (`currency`, `percent`).
    pub format: Option<String>,
    /// Members shown when drilling into a value.
    pub drill_members: Vec<MemberPath>,
    /// Visible in `/meta` and queryable by clients.
    pub public: bool,
    /// Human title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Free-form metadata.
    pub meta: Option<serde_json::Value>,
    /// Where it was declared.
    pub location: SourceLocation,
}

impl Measure {
    /// True for measures computed over a rolling window (including `running_total`).
    pub fn is_cumulative(&self) -> bool {
        self.rolling_window.is_some() || self.kind == MeasureType::RunningTotal
    }

    /// The rolling window, with `running_total` read as an unbounded trailing window.
    pub fn effective_rolling_window(&self) -> Option<RollingWindow> {
        self.rolling_window.or(match self.kind {
            MeasureType::RunningTotal => Some(RollingWindow {
                trailing: Some(WindowBound::Unbounded),
                leading: None,
                offset: WindowOffset::End,
            }),
            _ => None,
        })
    }
}

/// A segment: a named, reusable filter.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Name inside its cube.
    pub name: String,
    /// Boolean SQL condition.
    pub sql: SqlTemplate,
    /// Visible in `/meta`.
    pub public: bool,
    /// Human title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Where it was declared.
    pub location: SourceLocation,
}

/// `refresh_key` of a cube or pre-aggregation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RefreshKey {
    /// `every: 1 hour`.
    pub every: Option<String>,
    /// `sql: SELECT max(updated_at) FROM ...`.
    pub sql: Option<String>,
}

/// Kind of pre-aggregation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PreAggregationType {
    /// `rollup`: measures grouped by dimensions.
    Rollup,
    /// `original_sql`: the cube's SQL materialised.
    OriginalSql,
    /// `rollup_join`.
    RollupJoin,
    /// `rollup_lambda`.
    RollupLambda,
}

impl FromStr for PreAggregationType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "rollup" => PreAggregationType::Rollup,
            "original_sql" | "originalSql" => PreAggregationType::OriginalSql,
            "rollup_join" | "rollupJoin" => PreAggregationType::RollupJoin,
            "rollup_lambda" | "rollupLambda" => PreAggregationType::RollupLambda,
            other => {
                return Err(format!(
                    "unknown pre-aggregation type `{other}` (expected rollup, original_sql, \
                     rollup_join or rollup_lambda)"
                ))
            }
        })
    }
}

/// A time dimension of a pre-aggregation with its stored granularity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreAggregationTimeDimension {
    /// The time dimension.
    pub dimension: MemberPath,
    /// Granularity stored.
    pub granularity: Granularity,
}

/// A pre-aggregation declared on a cube.
#[derive(Debug, Clone)]
pub struct PreAggregation {
    /// Name inside its cube.
    pub name: String,
    /// Kind.
    pub kind: PreAggregationType,
    /// Measures stored.
    pub measures: Vec<MemberPath>,
    /// Dimensions stored.
    pub dimensions: Vec<MemberPath>,
    /// Segments applied.
    pub segments: Vec<MemberPath>,
    /// Time dimensions and their granularities.
    pub time_dimensions: Vec<PreAggregationTimeDimension>,
    /// Partitioning of the stored data.
    pub partition_granularity: Option<Granularity>,
    /// When to rebuild.
    pub refresh_key: Option<RefreshKey>,
    /// Kept outside the source database (Cube Store in Cube).
    pub external: Option<bool>,
    /// Refreshed on a schedule.
    pub scheduled_refresh: Option<bool>,
    /// Where it was declared.
    pub location: SourceLocation,
}

/// What kind of member something is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberKind {
    /// A dimension.
    Dimension,
    /// A measure.
    Measure,
    /// A segment.
    Segment,
}

/// A member a view exposes, pointing at a cube member.
#[derive(Debug, Clone)]
pub struct ViewMember {
    /// Name inside the view (after `prefix`/`alias`).
    pub name: String,
    /// The cube member it stands for.
    pub target: MemberPath,
    /// Kind of the target.
    pub kind: MemberKind,
    /// Cubes from the view's root to the member's cube (`join_path`).
    pub join_path: Vec<String>,
    /// Title override.
    pub title: Option<String>,
    /// Description override.
    pub description: Option<String>,
}

/// A view: a curated façade over members of joined cubes.
#[derive(Debug, Clone)]
pub struct View {
    /// Name used in queries.
    pub name: String,
    /// Human title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Visible in `/meta`.
    pub public: bool,
    /// Free-form metadata.
    pub meta: Option<serde_json::Value>,
    /// Exposed members by name.
    pub members: IndexMap<String, ViewMember>,
    /// Data access policies (`access_policy`).
    pub access_policy: Vec<crate::access::AccessPolicy>,
    /// Where it was declared.
    pub location: SourceLocation,
}

/// A member looked up by its full name.
#[derive(Debug, Clone, Copy)]
pub enum MemberRef<'a> {
    /// A cube dimension.
    Dimension(&'a Cube, &'a Dimension),
    /// A cube measure.
    Measure(&'a Cube, &'a Measure),
    /// A cube segment.
    Segment(&'a Cube, &'a Segment),
}

impl SemanticModel {
    /// A cube by name.
    pub fn cube(&self, name: &str) -> Option<&Cube> {
        self.cubes.get(name)
    }

    /// A cube member by `Cube.member` path (views are not looked through).
    pub fn cube_member(&self, path: &MemberPath) -> Option<MemberRef<'_>> {
        let cube = self.cubes.get(&path.cube)?;
        if let Some(d) = cube.dimensions.get(&path.member) {
            return Some(MemberRef::Dimension(cube, d));
        }
        if let Some(m) = cube.measures.get(&path.member) {
            return Some(MemberRef::Measure(cube, m));
        }
        cube.segments
            .get(&path.member)
            .map(|s| MemberRef::Segment(cube, s))
    }

    /// Resolves a name that may be a view member to the cube member behind it,
    /// with the view's join path (empty for cube members).
    pub fn resolve(&self, path: &MemberPath) -> Option<(MemberPath, &[String])> {
        if self.cubes.contains_key(&path.cube) {
            return self.cube_member(path).map(|_| (path.clone(), &[][..]));
        }
        let view = self.views.get(&path.cube)?;
        let m = view.members.get(&path.member)?;
        Some((m.target.clone(), m.join_path.as_slice()))
    }
}

/// Makes a title from a member or cube name as Cube does
/// (`totalSales` → `Total Sales`, `sub_category` → `Sub Category`).
pub fn title_from_name(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == ' ' || c == '-' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().collect::<String>() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_names() {
        assert_eq!(title_from_name("totalSales"), "Total Sales");
        assert_eq!(title_from_name("sub_category"), "Sub Category");
        assert_eq!(title_from_name("ECommerce"), "ECommerce");
    }

    #[test]
    fn parses_intervals() {
        let i: Interval = "2 day".parse().unwrap();
        assert_eq!(i.amount, 2);
        assert_eq!(i.unit, IntervalUnit::Day);
        assert_eq!("366 days".parse::<Interval>().unwrap().amount, 366);
        assert!("two days".parse::<Interval>().is_err());
        assert!("2".parse::<Interval>().is_err());
    }

    #[test]
    fn parses_member_paths() {
        assert_eq!(
            MemberPath::parse("Orders.count"),
            Some(MemberPath::new("Orders", "count"))
        );
        assert_eq!(MemberPath::parse("Orders"), None);
        assert_eq!(MemberPath::parse("a.b.c"), None);
        assert_eq!(MemberPath::parse(".b"), None);
    }
}
