//! The bundled demo behind `strata serve --demo`: a Cube-style data model of
//! a small online shop and deterministic synthetic data for it, as Arrow
//! record batches ready to register with DataFusion.
//!
//! ```no_run
//! let model = strata_schema::load_files(&strata_demo::model_files())?;
//! for table in strata_demo::tables(strata_demo::DEFAULT_SEED) {
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
//! Orders run from 2023-01-01 to 2024-12-31 and show what an analyst would
//! look for: growth (×2.2 over the two years), busier weekends, a lunch and
//! an evening peak, a December peak (Toys ×3, Electronics and Beauty up), a
//! Christmas-day dip, Black Friday and Cyber Monday, summer sports, and two
//! anomalies: a site outage on 2023-08-09 (few orders, 40% cancelled) and a
//! flash sale on 2024-03-14 (four times the orders, 30–40% discounts).
//! Recent orders are still `processing` or `shipped`. Every order's customer
//! had signed up before ordering; `orders.total_amount` is the sum of its
//! line items' `amount`, and `amount` is `quantity × unit_price × (1 −
//! discount)` rounded to cents.
//!
//! Everything comes from a SplitMix64 generator: the same seed gives the
//! same bytes on every platform.

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

/// Registers the demo tables of `seed` with `executor`, each under its name
/// and seen through its view ([`DemoTable::provider`]), built when the
/// executor's session is. Returns the tables' stored bytes.
pub fn register(executor: &DataFusionExecutor, seed: u64) -> Result<usize, EngineError> {
    let tables =
        try_tables(seed).map_err(|e| EngineError::database(format!("demo data: {e}"), e))?;
    let mut bytes = 0;
    for t in tables {
        bytes += t.stored_bytes();
        let name = t.name.clone();
        executor.register_deferred(&name, Box::new(move || t.provider()))?;
    }
    Ok(bytes)
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
/// [`strata_schema::load_files`].
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

/// The demo model, compiled.
///
/// Fails only if the bundled YAML were broken, which a test rules out.
pub fn model() -> Result<strata_schema::SemanticModel, strata_schema::ModelErrors> {
    strata_schema::load_files(&model_files())
}

/// Deterministic demo tables (same seed → same bytes), in dependency order:
/// `regions`, `countries`, `users`, `products`, `orders`, `line_items`.
///
/// Fails only if the generator produced columns of unequal length, which
/// would be a bug; [`tables`] is the infallible form.
pub fn try_tables(seed: u64) -> Result<Vec<DemoTable>, ArrowError> {
    let users = data::users(seed);
    let catalogue = data::products(seed);
    let (orders, line_items) = orders::orders(seed, &users, &catalogue);
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

/// Deterministic demo tables (same seed → same bytes), as Arrow record
/// batches; see the [module documentation](self) for their contents.
///
/// The generator builds every column to the same length, so this does not
/// fail in practice; should it ever, the error is logged and no tables are
/// returned.
pub fn tables(seed: u64) -> Vec<DemoTable> {
    try_tables(seed).unwrap_or_else(|e| {
        tracing::error!("demo data generation failed: {e}");
        Vec::new()
    })
}
