//! The Cube REST query: parsing, date ranges and the normalized form Cube
//! echoes back.

pub mod date_range;
pub mod normalized;
pub mod request;

pub use date_range::DateRange;
pub use normalized::NormalizedQuery;
pub use request::{DateRangeSpec, Filter, FilterOperator, Query, TimeDimensionSpec};
