//! The bundled demo behind `strata serve --demo`: a Cube-style data model of
//! a small online shop and deterministic synthetic data for it, as Arrow
//! record batches ready to register with DataFusion.
//!
//! ```no_run
//! use strata_demo::DemoData;
//!
//! // The two years up to yesterday (UTC); tests pin the anchor instead:
//! // `DemoData::pinned()` is 2023-01-01 to 2024-12-31.
//! let demo = DemoData::today();
//! let model = demo.model()?;
//! println!("data from {} to {}", demo.period().from, demo.period().to);
//! for table in demo.tables() {
//!     println!("{}: {} rows", table.name, table.num_rows());
//! }
//! # Ok::<(), strata_schema::ModelErrors>(())
//! ```
//!
//! # Data
//!
//! | table        | rows      | columns |
//! |--------------|-----------|---------|
//! | `regions`    | 6         | id, name, code |
//! | `countries`  | 30        | id, name, iso_code, region_id |
//! | `users`      | 20,000    | id, name, email, country_id, segment, age_group, marketing_opt_in, signed_up_at |
//! | `products`   | 200       | id, name, category, subcategory, brand, price, cost |
//! | `orders`     | ~120,000  | id, user_id, created_at, status, channel, payment_method, item_count, total_amount |
//! | `line_items` | ~2.6/order | id, order_id, product_id, quantity, unit_price, unit_cost, discount, amount |
//!
//! Queries see ids and counts as `Int32` (as PostgreSQL `integer`), names
//! and emails as `Utf8`, columns of a fixed vocabulary (status, channel,
//! category, segment …) as `Dictionary(Int16, Utf8)`, money as `Float64`
//! (whole cents), times as `Timestamp(Microsecond, None)` in UTC and
//! `marketing_opt_in` as `Boolean`.
//!
//! The rows are held in a compact form ([`DemoTable::stored_bytes`]: about
//! 10 MB instead of 20): integers in the narrowest type that holds them,
//! money and discounts as whole hundredths, a line item's product, price and
//! cost as one `Int16` key into the product table, and each table is queried
//! through a DataFusion view ([`DemoTable::provider`]) that restores the
//! types above for the columns a query reads, batch by batch. Each table's
//! batches are slices of one array per column, so the data is held once.
//!
//! # Period
//!
//! The data covers the 731 days before an *anchor* date ([`DemoData`]):
//! the first day without data. `strata serve --demo` anchors on today
//! ([`DemoData::today`]), so its data ends yesterday and "last month", "this
//! year" or a comparison with the previous year find data; tests pin
//! [`PINNED_ANCHOR`] (2025-01-01), whose data runs from 2023-01-01 to
//! 2024-12-31. [`DemoData::period`] gives the first and last day, and
//! [`DemoData::model`] puts them in every cube's and view's
//! `meta.dataPeriod`, which `/meta` shows.
//!
//! Orders show what an analyst would look for: growth (×2.2 over the two
//! years), busier weekends, a lunch and an evening peak, a December peak
//! (Toys ×3, Electronics and Beauty up), a Christmas-day dip, Black Friday
//! (the day after the fourth Thursday of November) and Cyber Monday of
//! every year, summer sports, and two anomalies: a site outage on day 220
//! of the period (few orders, 40% cancelled; 2023-08-09 for the pinned
//! anchor) and a flash sale on day 438 (four times the orders, 30–40%
//! discounts; 2024-03-14). Recent orders are still `processing` or
//! `shipped`. Every order's customer had signed up before ordering;
//! `orders.total_amount` is the sum of its line items' `amount`, and
//! `amount` is `quantity × unit_price × (1 − discount)` rounded to cents.
//!
//! Everything comes from a SplitMix64 generator: the same seed and anchor
//! give the same bytes on every platform.

#![warn(missing_docs)]

mod calendar;
mod data;
mod orders;
mod reference;
mod rng;
mod table;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{ArrayData, ArrayRef};
use arrow::datatypes::SchemaRef;
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use chrono::{Datelike, Days, NaiveDate, Utc};
use datafusion::catalog::view::ViewTable;
use datafusion::datasource::{provider_as_source, MemTable, TableProvider};
use datafusion::error::DataFusionError;
use datafusion::logical_expr::LogicalPlanBuilder;

use strata_engine::DataFusionExecutor;
use strata_engine::EngineError;
use table::Decode;

pub use table::BATCH_ROWS;

/// The seed `strata serve --demo` uses.
pub const DEFAULT_SEED: u64 = 42;

/// The anchor tests, benches and examples pin, 2025-01-01: the data runs
/// from 2023-01-01 to 2024-12-31, whatever the date they run on.
pub const PINNED_ANCHOR: NaiveDate = match NaiveDate::from_ymd_opt(2025, 1, 1) {
    Some(date) => date,
    None => panic!("2025-01-01 is a date"),
};

/// Today's date in UTC: the anchor of data that ends yesterday.
pub fn today_anchor() -> NaiveDate {
    Utc::now().date_naive()
}

/// Which demo data to generate: the generator's seed and the anchor date,
/// the first day *without* data. The data covers the 731 days before the
/// anchor ([`DemoData::period`]); the same seed and anchor give the same
/// bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DemoData {
    /// Seed of the generator ([`DEFAULT_SEED`] for the served demo).
    pub seed: u64,
    /// The first day without data: the data ends the day before.
    pub anchor: NaiveDate,
}

/// The days a demo's data covers, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataPeriod {
    /// The first day with data (the anchor minus 731 days).
    pub from: NaiveDate,
    /// The last day with data (the day before the anchor).
    pub to: NaiveDate,
}

impl DataPeriod {
    /// Whether `day` is in the period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        (self.from..=self.to).contains(&day)
    }

    /// `{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}`, as in `meta.dataPeriod`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "from": self.from.to_string(),
            "to": self.to.to_string(),
        })
    }
}

impl std::fmt::Display for DataPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} to {}", self.from, self.to)
    }
}

impl DemoData {
    /// The data of `seed` that ends the day before `anchor`.
    pub const fn new(seed: u64, anchor: NaiveDate) -> DemoData {
        DemoData { seed, anchor }
    }

    /// What `strata serve --demo` serves: [`DEFAULT_SEED`], ending yesterday
    /// (UTC).
    pub fn today() -> DemoData {
        DemoData::new(DEFAULT_SEED, today_anchor())
    }

    /// What tests pin: [`DEFAULT_SEED`] and [`PINNED_ANCHOR`], data from
    /// 2023-01-01 to 2024-12-31.
    pub const fn pinned() -> DemoData {
        DemoData::new(DEFAULT_SEED, PINNED_ANCHOR)
    }

    /// The days the data covers: the 731 days before the anchor.
    pub fn period(&self) -> DataPeriod {
        // Only an anchor within 731 days of the earliest date chrono knows
        // has no such days; its period is clamped to that date.
        DataPeriod {
            from: self
                .anchor
                .checked_sub_days(Days::new(calendar::DAYS.unsigned_abs()))
                .unwrap_or(NaiveDate::MIN),
            to: self.anchor.pred_opt().unwrap_or(NaiveDate::MIN),
        }
    }

    /// The dates of the period, as day numbers.
    fn calendar(&self) -> calendar::Calendar {
        let a = self.anchor;
        calendar::Calendar::new(calendar::days_from_civil(
            i64::from(a.year()),
            i64::from(a.month()),
            i64::from(a.day()),
        ))
    }

    /// The demo model ([`model`]) with the period in every cube's and
    /// view's `meta.dataPeriod` (`{"from": "2023-01-01", "to":
    /// "2024-12-31"}` for the pinned anchor), so that `/meta` says which
    /// days have data and an empty date range is explained.
    pub fn model(&self) -> Result<strata_schema::SemanticModel, strata_schema::ModelErrors> {
        let mut model = model()?;
        let period = self.period().to_json();
        let metas = model
            .cubes
            .values_mut()
            .map(|c| &mut c.meta)
            .chain(model.views.values_mut().map(|v| &mut v.meta));
        for meta in metas {
            match meta {
                Some(serde_json::Value::Object(fields)) => {
                    fields.insert("dataPeriod".into(), period.clone());
                }
                // The bundled YAML has no other kind of `meta`.
                Some(_) => {}
                None => *meta = Some(serde_json::json!({ "dataPeriod": period })),
            }
        }
        Ok(model)
    }

    /// The tables (same seed and anchor → same bytes), in dependency order:
    /// `regions`, `countries`, `users`, `products`, `orders`, `line_items`.
    ///
    /// Fails only if the generator produced columns of unequal length,
    /// which would be a bug; [`DemoData::tables`] is the infallible form.
    pub fn try_tables(&self) -> Result<Vec<DemoTable>, ArrowError> {
        let calendar = self.calendar();
        let users = data::users(self.seed, &calendar);
        let catalogue = data::products(self.seed);
        let (orders, line_items) = orders::orders(self.seed, &calendar, &users, &catalogue);
        [
            data::regions(),
            data::countries(),
            users.table,
            catalogue.table,
            orders,
            line_items,
        ]
        .into_iter()
        .map(table::TableData::into_demo_table)
        .collect()
    }

    /// The tables as Arrow record batches; see the [module
    /// documentation](self) for their contents.
    ///
    /// The generator builds every column to the same length, so this does
    /// not fail in practice; should it ever, the error is logged and no
    /// tables are returned.
    pub fn tables(&self) -> Vec<DemoTable> {
        self.try_tables().unwrap_or_else(|e| {
            tracing::error!("demo data generation failed: {e}");
            Vec::new()
        })
    }

    /// Registers the tables with `executor`, each under its name and seen
    /// through its view ([`DemoTable::provider`]), built when the
    /// executor's session is. Returns the tables' stored bytes.
    pub fn register(&self, executor: &DataFusionExecutor) -> Result<usize, EngineError> {
        let tables = self
            .try_tables()
            .map_err(|e| EngineError::database(format!("demo data: {e}"), e))?;
        let mut bytes = 0;
        for t in tables {
            bytes += t.stored_bytes();
            let name = t.name.clone();
            executor.register_deferred(&name, Box::new(move || t.provider()))?;
        }
        Ok(bytes)
    }
}

/// One demo table: its name (as the model's `sql_table` names it), the
/// schema queries see, and its rows in storage form, in batches of
/// [`BATCH_ROWS`].
#[derive(Debug, Clone)]
pub struct DemoTable {
    /// Table name, e.g. `orders`.
    pub name: String,
    /// The schema queries see: the types in the [module documentation](self).
    pub schema: SchemaRef,
    /// The rows as stored (compact types; see [`DemoTable::stored_schema`]).
    stored: Vec<RecordBatch>,
    /// How each stored column becomes the queried one, by position.
    decode: Vec<Decode>,
}

impl DemoTable {
    /// Total number of rows over all batches.
    pub fn num_rows(&self) -> usize {
        self.stored.iter().map(RecordBatch::num_rows).sum()
    }

    /// The schema of the stored batches (narrow integers, dictionaries).
    pub fn stored_schema(&self) -> SchemaRef {
        self.stored
            .first()
            .map_or_else(|| self.schema.clone(), RecordBatch::schema)
    }

    /// Bytes of Arrow buffers the table holds, each buffer counted once
    /// (batches are slices of the same columns, and columns looked up by
    /// the same key share the key buffer).
    pub fn stored_bytes(&self) -> usize {
        fn add(data: &ArrayData, seen: &mut HashSet<usize>, total: &mut usize) {
            let validity = data.nulls().map(|n| n.buffer());
            for b in data.buffers().iter().chain(validity) {
                if seen.insert(b.data_ptr().as_ptr() as usize) {
                    *total += b.capacity();
                }
            }
            for child in data.child_data() {
                add(child, seen, total);
            }
        }
        let (mut seen, mut total) = (HashSet::new(), 0);
        // The first batch starts every column's buffers at their beginning.
        for column in self.stored.first().map(RecordBatch::columns).unwrap_or(&[]) {
            add(&column.to_data(), &mut seen, &mut total);
        }
        total
    }

    /// The rows as queries see them, decoded from storage.
    pub fn batches(&self) -> Result<Vec<RecordBatch>, ArrowError> {
        self.stored
            .iter()
            .map(|batch| {
                let columns: Vec<ArrayRef> = batch
                    .columns()
                    .iter()
                    .zip(&self.decode)
                    .zip(self.schema.fields())
                    .map(|((stored, how), field)| how.apply(stored, field.data_type()))
                    .collect::<Result<_, _>>()?;
                RecordBatch::try_new(self.schema.clone(), columns)
            })
            .collect()
    }

    /// The table for DataFusion: the stored batches in a `MemTable`, seen
    /// through a view that decodes each column to the queried type. The
    /// view is inlined into every query, so DataFusion's optimizer prunes
    /// it to the columns the query reads and only those are decoded.
    pub fn provider(&self) -> Result<Arc<dyn TableProvider>, DataFusionError> {
        let memory = MemTable::try_new(self.stored_schema(), vec![self.stored.clone()])?;
        let decoded = self
            .schema
            .fields()
            .iter()
            .zip(&self.decode)
            .map(|(field, how)| how.expr(field.name(), field.data_type()));
        let plan = LogicalPlanBuilder::scan(
            self.name.as_str(),
            provider_as_source(Arc::new(memory)),
            None,
        )?
        .project(decoded)?
        .build()?;
        Ok(Arc::new(ViewTable::new(plan, None)))
    }
}

/// The model files, embedded at build time.
const MODEL: [(&str, &str); 7] = [
    ("regions.yml", include_str!("model/regions.yml")),
    ("countries.yml", include_str!("model/countries.yml")),
    ("users.yml", include_str!("model/users.yml")),
    ("products.yml", include_str!("model/products.yml")),
    ("orders.yml", include_str!("model/orders.yml")),
    ("line_items.yml", include_str!("model/line_items.yml")),
    ("views.yml", include_str!("model/views.yml")),
];

/// Demo model files: (file name, YAML text), loadable with
/// [`strata_schema::load_files`]. They do not say which days have data;
/// [`DemoData::model`] adds that.
///
/// Cubes `Regions`, `Countries`, `Users`, `Products`, `Orders` and
/// `LineItems` (one per table, `sql_table` naming it) and the views
/// `sales_overview` and `orders_overview`. Key members carry
/// `meta.synonyms` for natural-language queries.
pub fn model_files() -> Vec<(PathBuf, String)> {
    MODEL
        .iter()
        .map(|(name, text)| (PathBuf::from(name), (*text).to_string()))
        .collect()
}

/// The demo model, compiled, as the YAML has it ([`DemoData::model`] adds
/// the period of the data).
///
/// Fails only if the bundled YAML were broken, which a test rules out.
pub fn model() -> Result<strata_schema::SemanticModel, strata_schema::ModelErrors> {
    strata_schema::load_files(&model_files())
}
