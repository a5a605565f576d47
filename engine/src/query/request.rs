//! The Cube REST query as a client sends it: the one typed contract that
//! the engine plans, the translator produces and follow-ups refine.
//!
//! It reads from JSON strictly (`parse.rs`: unknown fields refused, every
//! mistake named by its path) and writes back in Cube's request form, so a
//! query survives a round trip through JSON unchanged.

use serde::de::Error as _;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use strata_schema::Granularity;

/// Cube's default row limit.
pub const DEFAULT_LIMIT: u64 = 10_000;
/// Cube's maximum row limit.
pub const MAX_LIMIT: u64 = 50_000;

/// A parsed Cube query. [`Query::default`] is the query `{}` reads as: no
/// members, in UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Requested measures, as written.
    pub measures: Vec<String>,
    /// Requested dimensions, as written.
    pub dimensions: Vec<String>,
    /// Requested segments.
    pub segments: Vec<String>,
    /// Time dimensions.
    pub time_dimensions: Vec<TimeDimensionSpec>,
    /// Filters (implicitly joined with AND).
    pub filters: Vec<Filter>,
    /// Ordering as `(member, descending)`; `None` when the query has no `order`.
    pub order: Option<Vec<(String, bool)>>,
    /// `limit`.
    pub limit: Option<u64>,
    /// `offset`.
    pub offset: Option<u64>,
    /// IANA time zone; `UTC` when absent.
    pub timezone: String,
    /// Also count all rows, ignoring limit and offset.
    pub total: bool,
    /// Return rows without grouping.
    pub ungrouped: bool,
    /// `renewQuery`: bypass caches.
    pub renew_query: bool,
}

impl Default for Query {
    fn default() -> Query {
        Query {
            measures: Vec::new(),
            dimensions: Vec::new(),
            segments: Vec::new(),
            time_dimensions: Vec::new(),
            filters: Vec::new(),
            order: None,
            limit: None,
            offset: None,
            timezone: "UTC".to_owned(),
            total: false,
            ungrouped: false,
            renew_query: false,
        }
    }
}

/// A `timeDimensions` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeDimensionSpec {
    /// Member name.
    pub dimension: String,
    /// Bucket size; `None` filters without grouping.
    pub granularity: Option<Granularity>,
    /// Date range filter.
    pub date_range: Option<DateRangeSpec>,
    /// Ranges to compare (`compareDateRange`).
    pub compare_date_range: Option<Vec<DateRangeSpec>>,
}

/// A date range as written in a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateRangeSpec {
    /// `["2020-01-01", "2020-12-31"]`.
    Pair(String, String),
    /// `"last 7 days"`, `"this month"`, `"2020-01-01"`...
    Relative(String),
}

impl DateRangeSpec {
    /// The JSON form, as Cube writes it back.
    pub fn to_json(&self) -> Value {
        match self {
            DateRangeSpec::Pair(a, b) => Value::Array(vec![a.clone().into(), b.clone().into()]),
            DateRangeSpec::Relative(s) => Value::String(s.clone()),
        }
    }
}

/// A filter operator, by its Cube name in the REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FilterOperator {
    /// `equals`: the member equals one of the values (is null with none).
    Equals,
    /// `notEquals`: the member equals none of the values (is not null with none).
    NotEquals,
    /// `contains`: the member contains one of the values, ignoring case.
    Contains,
    /// `notContains`: the member contains none of the values, ignoring case.
    NotContains,
    /// `startsWith`: the member starts with one of the values, ignoring case.
    StartsWith,
    /// `notStartsWith`: the member starts with none of the values, ignoring case.
    NotStartsWith,
    /// `endsWith`: the member ends with one of the values, ignoring case.
    EndsWith,
    /// `notEndsWith`: the member ends with none of the values, ignoring case.
    NotEndsWith,
    /// `gt`: the member is greater than the value.
    Gt,
    /// `gte`: the member is greater than or equal to the value.
    Gte,
    /// `lt`: the member is less than the value.
    Lt,
    /// `lte`: the member is less than or equal to the value.
    Lte,
    /// `set`: the member is not null.
    Set,
    /// `notSet`: the member is null.
    NotSet,
    /// `inDateRange`: the time member falls between the two dates, both included.
    InDateRange,
    /// `notInDateRange`: the time member falls outside the two dates.
    NotInDateRange,
    /// `beforeDate`: the time member is before the date.
    BeforeDate,
    /// `beforeOrOnDate`: the time member is on or before the date.
    BeforeOrOnDate,
    /// `afterDate`: the time member is after the date.
    AfterDate,
    /// `afterOrOnDate`: the time member is on or after the date.
    AfterOrOnDate,
    /// `measureFilter`: the rows the named measure's own `filters` keep.
    MeasureFilter,
}

impl FilterOperator {
    /// Every operator with its Cube name.
    pub const ALL: [(&'static str, FilterOperator); 21] = [
        ("equals", FilterOperator::Equals),
        ("notEquals", FilterOperator::NotEquals),
        ("contains", FilterOperator::Contains),
        ("notContains", FilterOperator::NotContains),
        ("startsWith", FilterOperator::StartsWith),
        ("notStartsWith", FilterOperator::NotStartsWith),
        ("endsWith", FilterOperator::EndsWith),
        ("notEndsWith", FilterOperator::NotEndsWith),
        ("gt", FilterOperator::Gt),
        ("gte", FilterOperator::Gte),
        ("lt", FilterOperator::Lt),
        ("lte", FilterOperator::Lte),
        ("set", FilterOperator::Set),
        ("notSet", FilterOperator::NotSet),
        ("inDateRange", FilterOperator::InDateRange),
        ("notInDateRange", FilterOperator::NotInDateRange),
        ("beforeDate", FilterOperator::BeforeDate),
        ("beforeOrOnDate", FilterOperator::BeforeOrOnDate),
        ("afterDate", FilterOperator::AfterDate),
        ("afterOrOnDate", FilterOperator::AfterOrOnDate),
        ("measureFilter", FilterOperator::MeasureFilter),
    ];

    /// Looks an operator up by its Cube name.
    pub fn parse(s: &str) -> Option<FilterOperator> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, o)| *o)
    }

    /// The Cube name.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, o)| *o == self)
            .map(|(n, _)| *n)
            .unwrap_or("equals")
    }

    /// How many values the operator takes: `(min, max)`.
    pub fn arity(self) -> (usize, usize) {
        use FilterOperator::*;
        match self {
            Set | NotSet | MeasureFilter => (0, usize::MAX),
            Gt | Gte | Lt | Lte | BeforeDate | BeforeOrOnDate | AfterDate | AfterOrOnDate => (1, 1),
            InDateRange | NotInDateRange => (2, 2),
            Equals | NotEquals => (0, usize::MAX),
            _ => (1, usize::MAX),
        }
    }
}

impl Query {
    /// Calls `f` with every member name the query uses, wherever it appears.
    pub fn member_names(&self, f: &mut dyn FnMut(&str)) {
        for name in self
            .measures
            .iter()
            .chain(&self.dimensions)
            .chain(&self.segments)
        {
            f(name);
        }
        for td in &self.time_dimensions {
            f(&td.dimension);
        }
        for filter in &self.filters {
            filter.member_names(f);
        }
        for (name, _) in self.order.iter().flatten() {
            f(name);
        }
    }

    /// Calls `f` with every member name the query uses, wherever it
    /// appears, to rename it.
    pub fn member_names_mut(&mut self, f: &mut dyn FnMut(&mut String)) {
        for name in self
            .measures
            .iter_mut()
            .chain(&mut self.dimensions)
            .chain(&mut self.segments)
        {
            f(name);
        }
        for td in &mut self.time_dimensions {
            f(&mut td.dimension);
        }
        for filter in &mut self.filters {
            filter.member_names_mut(f);
        }
        for (name, _) in self.order.iter_mut().flatten() {
            f(name);
        }
    }
}

impl Filter {
    /// Calls `f` with every member the filter tree names.
    pub fn member_names(&self, f: &mut dyn FnMut(&str)) {
        match self {
            Filter::Member { member, .. } => f(member),
            Filter::And(v) | Filter::Or(v) => v.iter().for_each(|x| x.member_names(f)),
        }
    }

    /// Calls `f` with every member the filter tree names, to rename it.
    pub fn member_names_mut(&mut self, f: &mut dyn FnMut(&mut String)) {
        match self {
            Filter::Member { member, .. } => f(member),
            Filter::And(v) | Filter::Or(v) => v.iter_mut().for_each(|x| x.member_names_mut(f)),
        }
    }
}

/// A filter tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// A condition on one member.
    Member {
        /// Member name.
        member: String,
        /// Operator.
        operator: FilterOperator,
        /// Values (`None` for JSON null).
        values: Vec<Option<String>>,
    },
    /// All must hold.
    And(Vec<Filter>),
    /// Any must hold.
    Or(Vec<Filter>),
}

/// A `/load` request's `query`: one query, or several answered together
/// (`queryType=multi`, a blending query).
#[derive(Debug, Clone, PartialEq)]
pub enum QueryRequest {
    /// One query object.
    One(Query),
    /// An array of query objects.
    Many(Vec<Query>),
}

impl QueryRequest {
    /// Whether the request is an array of queries (even of one).
    pub fn is_many(&self) -> bool {
        matches!(self, QueryRequest::Many(_))
    }

    /// The index of the time dimension whose `compareDateRange` splits a
    /// single query into one query per range.
    pub fn compare_time_dimension(&self) -> Option<usize> {
        match self {
            QueryRequest::One(q) => q
                .time_dimensions
                .iter()
                .position(|td| td.compare_date_range.is_some()),
            QueryRequest::Many(_) => None,
        }
    }
}

impl<'de> Deserialize<'de> for Query {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Query::from_json(&v).map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for QueryRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        QueryRequest::from_json(&v).map_err(D::Error::custom)
    }
}

impl Serialize for QueryRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            QueryRequest::One(q) => q.serialize(s),
            QueryRequest::Many(qs) => qs.serialize(s),
        }
    }
}

/// Cube's request form: empty lists, `UTC` and false flags are left out.
impl Serialize for Query {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if !self.measures.is_empty() {
            m.serialize_entry("measures", &self.measures)?;
        }
        if !self.dimensions.is_empty() {
            m.serialize_entry("dimensions", &self.dimensions)?;
        }
        if !self.segments.is_empty() {
            m.serialize_entry("segments", &self.segments)?;
        }
        if !self.time_dimensions.is_empty() {
            m.serialize_entry("timeDimensions", &self.time_dimensions)?;
        }
        if !self.filters.is_empty() {
            m.serialize_entry("filters", &self.filters)?;
        }
        if let Some(order) = &self.order {
            m.serialize_entry("order", &OrderMap(order))?;
        }
        if let Some(limit) = self.limit {
            m.serialize_entry("limit", &limit)?;
        }
        if let Some(offset) = self.offset {
            m.serialize_entry("offset", &offset)?;
        }
        if !self.timezone.is_empty() && self.timezone != "UTC" {
            m.serialize_entry("timezone", &self.timezone)?;
        }
        if self.total {
            m.serialize_entry("total", &true)?;
        }
        if self.ungrouped {
            m.serialize_entry("ungrouped", &true)?;
        }
        if self.renew_query {
            m.serialize_entry("renewQuery", &true)?;
        }
        m.end()
    }
}

/// `order` as Cube's object form, keeping the order of the entries.
struct OrderMap<'a>(&'a [(String, bool)]);

impl Serialize for OrderMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (member, desc) in self.0 {
            m.serialize_entry(member, if *desc { "desc" } else { "asc" })?;
        }
        m.end()
    }
}

impl Serialize for TimeDimensionSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("dimension", &self.dimension)?;
        if let Some(g) = self.granularity {
            m.serialize_entry("granularity", g.as_str())?;
        }
        if let Some(r) = &self.date_range {
            m.serialize_entry("dateRange", r)?;
        }
        if let Some(c) = &self.compare_date_range {
            m.serialize_entry("compareDateRange", c)?;
        }
        m.end()
    }
}

impl Serialize for DateRangeSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DateRangeSpec::Pair(a, b) => {
                let mut seq = s.serialize_seq(Some(2))?;
                seq.serialize_element(a)?;
                seq.serialize_element(b)?;
                seq.end()
            }
            DateRangeSpec::Relative(r) => s.serialize_str(r),
        }
    }
}

impl Serialize for Filter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        match self {
            Filter::And(items) => m.serialize_entry("and", items)?,
            Filter::Or(items) => m.serialize_entry("or", items)?,
            Filter::Member {
                member,
                operator,
                values,
            } => {
                m.serialize_entry("member", member)?;
                m.serialize_entry("operator", operator.as_str())?;
                if !values.is_empty() {
                    m.serialize_entry("values", values)?;
                }
            }
        }
        m.end()
    }
}
