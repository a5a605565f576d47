//! The Cube REST query: the typed request, reading it from JSON, date ranges
//! and the normalized form Cube echoes back.

pub(crate) mod date_range;
pub(crate) mod normalized;
pub(crate) mod parse;
pub(crate) mod request;

pub use date_range::{DateRange, TimeBounds};
pub use normalized::NormalizedQuery;
pub use parse::MAX_FILTER_DEPTH;
pub use request::{
    DateRangeSpec, Filter, FilterOperator, Query, QueryRequest, TimeDimensionSpec, DEFAULT_LIMIT,
    MAX_LIMIT,
};
