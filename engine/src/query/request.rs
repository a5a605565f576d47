//! The Cube REST query as a client sends it, parsed strictly from JSON so that
//! every mistake gets a message naming it.

use serde_json::{Map, Value};
use strata_schema::Granularity;

use crate::error::{query_err, QueryError};

/// Cube's default row limit.
pub const DEFAULT_LIMIT: u64 = 10_000;
/// Cube's maximum row limit.
pub const MAX_LIMIT: u64 = 50_000;
/// Deepest `and`/`or` nesting accepted in `filters`.
pub const MAX_FILTER_DEPTH: usize = 32;

/// A parsed Cube query.
#[derive(Debug, Clone, Default, PartialEq)]
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
}

impl Filter {
    /// Calls `f` with every member the filter tree names.
    pub fn member_names(&self, f: &mut dyn FnMut(&str)) {
        match self {
            Filter::Member { member, .. } => f(member),
            Filter::And(v) | Filter::Or(v) => v.iter().for_each(|x| x.member_names(f)),
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

const QUERY_FIELDS: &[&str] = &[
    "measures",
    "dimensions",
    "segments",
    "timeDimensions",
    "filters",
    "order",
    "limit",
    "offset",
    "timezone",
    "total",
    "ungrouped",
    "renewQuery",
    "rowLimit",
    "queryType",
    "responseFormat",
    "joinHints",
    "subqueryJoins",
];

impl Query {
    /// Parses a query object.
    pub fn from_json(v: &Value) -> Result<Query, QueryError> {
        let obj = v
            .as_object()
            .ok_or_else(|| query_err!("Query must be a JSON object, got {}", kind_of(v)))?;
        if let Some(k) = obj.keys().find(|k| !QUERY_FIELDS.contains(&k.as_str())) {
            return Err(query_err!(
                "Unknown query field \"{k}\" (allowed: {})",
                QUERY_FIELDS.join(", ")
            ));
        }
        let mut q = Query {
            measures: string_list(obj, "measures")?,
            dimensions: string_list(obj, "dimensions")?,
            segments: string_list(obj, "segments")?,
            timezone: "UTC".to_string(),
            ..Query::default()
        };
        if let Some(td) = non_null(obj, "timeDimensions") {
            let arr = td
                .as_array()
                .ok_or_else(|| query_err!("\"timeDimensions\" must be an array"))?;
            for (i, t) in arr.iter().enumerate() {
                q.time_dimensions.push(parse_time_dimension(t, i)?);
            }
        }
        if let Some(f) = non_null(obj, "filters") {
            let arr = f
                .as_array()
                .ok_or_else(|| query_err!("\"filters\" must be an array"))?;
            for f in arr {
                q.filters.push(parse_filter(f, 0)?);
            }
        }
        if let Some(o) = non_null(obj, "order") {
            q.order = Some(parse_order(o)?);
        }
        q.limit = non_negative(obj, "limit")?;
        if let Some(l) = q.limit {
            if l > MAX_LIMIT {
                return Err(query_err!(
                    "\"limit\" {l} is over the maximum of {MAX_LIMIT} rows"
                ));
            }
        }
        if q.limit.is_none() {
            if let Some(rl) = non_negative(obj, "rowLimit")? {
                q.limit = Some(rl.min(MAX_LIMIT));
            }
        }
        q.offset = non_negative(obj, "offset")?;
        if let Some(tz) = non_null(obj, "timezone") {
            q.timezone = tz
                .as_str()
                .ok_or_else(|| query_err!("\"timezone\" must be a string"))?
                .to_string();
        }
        q.total = flag(obj, "total")?;
        q.ungrouped = flag(obj, "ungrouped")?;
        q.renew_query = flag(obj, "renewQuery")?;
        Ok(q)
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn non_null<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

fn string_list(obj: &Map<String, Value>, key: &str) -> Result<Vec<String>, QueryError> {
    let Some(v) = non_null(obj, key) else {
        return Ok(vec![]);
    };
    let arr = v
        .as_array()
        .ok_or_else(|| query_err!("\"{key}\" must be an array of member names"))?;
    arr.iter()
        .map(|m| {
            m.as_str().map(str::to_string).ok_or_else(|| {
                query_err!(
                    "\"{key}\" must contain member names as strings, got {}",
                    kind_of(m)
                )
            })
        })
        .collect()
}

fn flag(obj: &Map<String, Value>, key: &str) -> Result<bool, QueryError> {
    match non_null(obj, key) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
        Some(v) => Err(query_err!(
            "\"{key}\" must be true or false, got {}",
            kind_of(v)
        )),
    }
}

/// A whole number from 0 to `i64::MAX` (SQL's `bigint`, the largest
/// `LIMIT`/`OFFSET` every back end takes).
fn non_negative(obj: &Map<String, Value>, key: &str) -> Result<Option<u64>, QueryError> {
    let n = whole_number(obj, key)?;
    if let Some(n) = n.filter(|n| i64::try_from(*n).is_err()) {
        return Err(query_err!(
            "\"{key}\" {n} is too large: at most {} is allowed",
            i64::MAX
        ));
    }
    Ok(n)
}

fn whole_number(obj: &Map<String, Value>, key: &str) -> Result<Option<u64>, QueryError> {
    match non_null(obj, key) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            })
            .map(Some)
            .ok_or_else(|| query_err!("\"{key}\" must be a non-negative integer, got {n}")),
        Some(Value::String(s)) => s
            .parse::<u64>()
            .map(Some)
            .map_err(|_| query_err!("\"{key}\" must be a non-negative integer, got \"{s}\"")),
        Some(v) => Err(query_err!(
            "\"{key}\" must be a non-negative integer, got {}",
            kind_of(v)
        )),
    }
}

fn parse_time_dimension(t: &Value, i: usize) -> Result<TimeDimensionSpec, QueryError> {
    let obj = t
        .as_object()
        .ok_or_else(|| query_err!("timeDimensions[{i}] must be an object"))?;
    for k in obj.keys() {
        if !["dimension", "granularity", "dateRange", "compareDateRange"].contains(&k.as_str()) {
            return Err(query_err!("Unknown field \"{k}\" in timeDimensions[{i}]"));
        }
    }
    let dimension = obj
        .get("dimension")
        .and_then(Value::as_str)
        .ok_or_else(|| query_err!("timeDimensions[{i}] needs a \"dimension\" member name"))?
        .to_string();
    let granularity = match non_null(obj, "granularity") {
        None => None,
        Some(Value::String(g)) => Some(g.parse::<Granularity>().map_err(|_| {
            query_err!(
                "Invalid granularity \"{g}\" for {dimension}: expected second, minute, hour, \
                 day, week, month, quarter or year"
            )
        })?),
        Some(v) => {
            return Err(query_err!(
                "granularity of {dimension} must be a string, got {}",
                kind_of(v)
            ))
        }
    };
    let date_range = non_null(obj, "dateRange")
        .map(|v| parse_date_range(v, &dimension))
        .transpose()?;
    let compare_date_range = match non_null(obj, "compareDateRange") {
        None => None,
        Some(Value::Array(a)) => Some(
            a.iter()
                .map(|v| parse_date_range(v, &dimension))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(_) => {
            return Err(query_err!(
                "compareDateRange of {dimension} must be an array of date ranges"
            ))
        }
    };
    Ok(TimeDimensionSpec {
        dimension,
        granularity,
        date_range,
        compare_date_range,
    })
}

fn parse_date_range(v: &Value, member: &str) -> Result<DateRangeSpec, QueryError> {
    match v {
        Value::String(s) => Ok(DateRangeSpec::Relative(s.clone())),
        Value::Array(a) if a.len() == 2 => match (&a[0], &a[1]) {
            (Value::String(x), Value::String(y)) => Ok(DateRangeSpec::Pair(x.clone(), y.clone())),
            _ => Err(query_err!(
                "dateRange of {member} must hold two date strings"
            )),
        },
        _ => Err(query_err!(
            "dateRange of {member} must be a string such as \"last 7 days\" or a pair of dates"
        )),
    }
}

fn parse_filter(v: &Value, depth: usize) -> Result<Filter, QueryError> {
    if depth > MAX_FILTER_DEPTH {
        return Err(query_err!(
            "filters are nested deeper than {MAX_FILTER_DEPTH} levels of and/or"
        ));
    }
    let obj = v
        .as_object()
        .ok_or_else(|| query_err!("each filter must be an object, got {}", kind_of(v)))?;
    for key in ["and", "or"] {
        if let Some(inner) = obj.get(key) {
            if obj.len() != 1 {
                return Err(query_err!(
                    "a filter with \"{key}\" must have no other fields"
                ));
            }
            let arr = inner
                .as_array()
                .ok_or_else(|| query_err!("\"{key}\" must be an array of filters"))?;
            let items = arr
                .iter()
                .map(|f| parse_filter(f, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(if key == "and" {
                Filter::And(items)
            } else {
                Filter::Or(items)
            });
        }
    }
    for k in obj.keys() {
        if !["member", "dimension", "operator", "values"].contains(&k.as_str()) {
            return Err(query_err!("Unknown field \"{k}\" in filter"));
        }
    }
    let member = obj
        .get("member")
        .or_else(|| obj.get("dimension"))
        .and_then(Value::as_str)
        .ok_or_else(|| query_err!("a filter needs a \"member\" (or \"dimension\") name"))?
        .to_string();
    let op_name = obj
        .get("operator")
        .and_then(Value::as_str)
        .ok_or_else(|| query_err!("the filter on {member} needs an \"operator\""))?;
    let operator = FilterOperator::parse(op_name).ok_or_else(|| {
        query_err!(
            "Invalid filter operator \"{op_name}\" on {member}: expected one of {}",
            FilterOperator::ALL
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let values = match non_null(obj, "values") {
        None => vec![],
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| match x {
                Value::Null => Ok(None),
                Value::String(s) => Ok(Some(s.clone())),
                Value::Number(n) => Ok(Some(n.to_string())),
                Value::Bool(b) => Ok(Some(b.to_string())),
                other => Err(query_err!(
                    "values of the filter on {member} must be strings, numbers or booleans, \
                     got {}",
                    kind_of(other)
                )),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(v) => {
            return Err(query_err!(
                "\"values\" of the filter on {member} must be an array, got {}",
                kind_of(v)
            ))
        }
    };
    let (min, max) = operator.arity();
    if values.len() < min || values.len() > max {
        let want = if min == max {
            format!("exactly {min}")
        } else {
            format!("at least {min}")
        };
        return Err(query_err!(
            "operator {op_name} on {member} takes {want} value(s), got {}",
            values.len()
        ));
    }
    if matches!(operator, FilterOperator::Equals | FilterOperator::NotEquals) && values.is_empty() {
        return Err(query_err!(
            "operator {op_name} on {member} needs at least one value"
        ));
    }
    Ok(Filter::Member {
        member,
        operator,
        values,
    })
}

fn parse_order(v: &Value) -> Result<Vec<(String, bool)>, QueryError> {
    let dir = |member: &str, d: &Value| -> Result<bool, QueryError> {
        match d.as_str() {
            Some("asc") => Ok(false),
            Some("desc") => Ok(true),
            _ => Err(query_err!(
                "order of {member} must be \"asc\" or \"desc\", got {d}"
            )),
        }
    };
    match v {
        Value::Object(o) => o.iter().map(|(k, d)| Ok((k.clone(), dir(k, d)?))).collect(),
        Value::Array(a) => {
            a.iter()
                .map(|pair| match pair {
                    Value::Array(p) if p.len() == 2 => {
                        let m = p[0].as_str().ok_or_else(|| {
                            query_err!("order entries must be [member, direction]")
                        })?;
                        Ok((m.to_string(), dir(m, &p[1])?))
                    }
                    Value::Object(o) => {
                        let id = o.get("id").and_then(Value::as_str).ok_or_else(|| {
                            query_err!("order entries must be [member, direction]")
                        })?;
                        let desc = o.get("desc").and_then(Value::as_bool).unwrap_or(false);
                        Ok((id.to_string(), desc))
                    }
                    _ => Err(query_err!("order entries must be [member, direction]")),
                })
                .collect()
        }
        _ => Err(query_err!(
            "\"order\" must be an object {{\"member\": \"asc\"}} or an array of [member, direction]"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_a_full_query() {
        let q = Query::from_json(&json!({
            "measures": ["A.count"], "dimensions": ["A.city"],
            "timeDimensions": [{"dimension": "A.at", "granularity": "month", "dateRange": ["2020-01-01", "2020-12-31"]}],
            "filters": [{"or": [{"member": "A.city", "operator": "contains", "values": ["x", 1]}]}],
            "order": {"A.count": "desc", "A.city": "asc"}, "limit": 10, "offset": 5, "total": true
        }))
        .unwrap();
        assert_eq!(
            q.order,
            Some(vec![("A.count".into(), true), ("A.city".into(), false)])
        );
        assert_eq!(q.time_dimensions[0].granularity, Some(Granularity::Month));
        assert!(matches!(&q.filters[0], Filter::Or(v) if v.len() == 1));
        assert_eq!(q.limit, Some(10));
        assert!(q.total);
    }

    #[test]
    fn rejects_mistakes_with_names() {
        let cases = [
            (json!({"measurez": []}), "measurez"),
            (json!({"limit": 50001}), "50001"),
            (json!({"limit": -1}), "limit"),
            (
                json!({"filters": [{"member": "A.b", "operator": "like", "values": ["x"]}]}),
                "like",
            ),
            (
                json!({"filters": [{"member": "A.b", "operator": "equals"}]}),
                "A.b",
            ),
            (
                json!({"filters": [{"member": "A.b", "operator": "equals", "values": [{}]}]}),
                "A.b",
            ),
            (json!({"order": {"A.b": "up"}}), "A.b"),
            (
                json!({"timeDimensions": [{"dimension": "A.t", "granularity": "fortnight"}]}),
                "fortnight",
            ),
            (json!([1]), "object"),
        ];
        for (q, needle) in cases {
            let e = Query::from_json(&q).unwrap_err();
            assert!(e.0.contains(needle), "{e} should mention {needle}");
        }
    }

    #[test]
    fn limits_filter_depth() {
        let mut f = json!({"member": "A.b", "operator": "set"});
        for _ in 0..100 {
            f = json!({"and": [f]});
        }
        assert!(Query::from_json(&json!({"filters": [f]})).is_err());
    }
}
