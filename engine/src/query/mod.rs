//! The Cube REST query: parsing, date ranges and the normalized form Cube
//! echoes back.

pub(crate) mod date_range;
pub(crate) mod normalized;
pub(crate) mod request;

pub use date_range::{DateRange, TimeBounds};
pub use normalized::NormalizedQuery;
pub use request::{DateRangeSpec, Filter, FilterOperator, Query, TimeDimensionSpec};
