//! Tests of the demo data: determinism, sizes and consistency. The model's
//! own tests (loading, column references, running on DataFusion) are in
//! `model_tests`.

use std::collections::HashSet;

use arrow::array::TimestampMicrosecondArray;
use arrow::array::{Array, BooleanArray, Float64Array, Int32Array, StringArray};
use arrow::datatypes::DataType;
use chrono::{Datelike, NaiveDate};

use super::calendar::{days_from_civil, Calendar, MICROS_PER_DAY};
use super::*;

mod engine_tests;
mod model_tests;

/// Tables of the default seed and the pinned anchor, generated once for
/// all tests.
pub(super) fn demo() -> &'static [DemoTable] {
    static TABLES: std::sync::OnceLock<Vec<DemoTable>> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| DemoData::pinned().try_tables().unwrap())
}

/// The dates of the pinned anchor's period, 2023-01-01..=2024-12-31.
fn pinned_calendar() -> Calendar {
    Calendar::new(days_from_civil(2025, 1, 1))
}

pub(super) fn table<'a>(tables: &'a [DemoTable], name: &str) -> &'a DemoTable {
    tables.iter().find(|t| t.name == name).unwrap()
}

/// A column as queries see it, one array per batch.
fn column<A: Array + Clone + 'static>(t: &DemoTable, name: &str) -> Vec<A> {
    let i = t.schema.index_of(name).unwrap();
    t.batches()
        .unwrap()
        .iter()
        .map(|b| b.column(i).as_any().downcast_ref::<A>().unwrap().clone())
        .collect()
}

fn ints(t: &DemoTable, name: &str) -> Vec<i64> {
    column::<Int32Array>(t, name)
        .iter()
        .flat_map(|a| a.values().iter().map(|&v| i64::from(v)))
        .collect()
}

fn floats(t: &DemoTable, name: &str) -> Vec<f64> {
    column::<Float64Array>(t, name)
        .iter()
        .flat_map(|a| a.values().iter().copied())
        .collect()
}

fn times(t: &DemoTable, name: &str) -> Vec<i64> {
    column::<TimestampMicrosecondArray>(t, name)
        .iter()
        .flat_map(|a| a.values().iter().copied())
        .collect()
}

/// A text column's values, plain or dictionary-encoded.
fn strings(t: &DemoTable, name: &str) -> Vec<String> {
    let i = t.schema.index_of(name).unwrap();
    t.batches()
        .unwrap()
        .iter()
        .flat_map(|b| {
            let plain = arrow::compute::cast(b.column(i), &DataType::Utf8).unwrap();
            let plain = plain.as_any().downcast_ref::<StringArray>().unwrap();
            plain
                .iter()
                .map(|s| s.unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn same_seed_gives_identical_batches() {
    let a = DemoData::pinned().tables();
    let b = DemoData::pinned().tables();
    assert_eq!(a.len(), 6);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.name, y.name);
        assert_eq!(x.schema, y.schema);
        assert_eq!(x.stored, y.stored, "table {}", x.name);
    }
    assert!(a.iter().zip(demo()).all(|(x, y)| x.stored == y.stored));
    let other = DemoData::new(7, PINNED_ANCHOR).tables();
    assert_ne!(
        table(&a, "orders").stored,
        table(&other, "orders").stored,
        "another seed gives other data"
    );
}

#[test]
fn row_counts_and_batches() {
    let t = demo();
    let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "regions",
            "countries",
            "users",
            "products",
            "orders",
            "line_items"
        ]
    );
    for table in t {
        println!(
            "{}: {} rows in {} batches",
            table.name,
            table.num_rows(),
            table.stored.len()
        );
        let batches = table.batches().unwrap();
        assert_eq!(batches.len(), table.stored.len());
        assert!(batches.iter().all(|b| b.num_rows() <= BATCH_ROWS));
        assert!(batches.iter().all(|b| b.num_rows() > 0));
        assert!(batches.iter().all(|b| b.schema() == table.schema));
        let stored = table.stored_schema();
        assert!(table.stored.iter().all(|b| b.schema() == stored));
        for f in table.schema.fields() {
            let snake = f.name().chars().all(|c| c.is_ascii_lowercase() || c == '_');
            assert!(snake, "{}.{} is not snake_case", table.name, f.name());
        }
    }
    assert_eq!(table(t, "regions").num_rows(), 6);
    assert_eq!(table(t, "countries").num_rows(), 30);
    assert_eq!(table(t, "users").num_rows(), 20_000);
    assert_eq!(table(t, "products").num_rows(), 200);
    let orders = table(t, "orders").num_rows();
    let items = table(t, "line_items").num_rows();
    assert!(orders >= 100_000, "{orders} orders");
    let per_order = items as f64 / orders as f64;
    assert!(
        (2.2..3.0).contains(&per_order),
        "{per_order} items per order"
    );
}

#[test]
fn column_types() {
    let t = demo();
    let orders = table(t, "orders");
    let ty = |t: &DemoTable, c: &str| t.schema.field_with_name(c).unwrap().data_type().clone();
    assert_eq!(ty(orders, "id"), DataType::Int32);
    assert_eq!(ty(table(t, "line_items"), "quantity"), DataType::Int32);
    assert!(matches!(
        ty(orders, "created_at"),
        DataType::Timestamp(_, None)
    ));
    assert_eq!(ty(orders, "total_amount"), DataType::Float64);
    let label = DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::Utf8));
    assert_eq!(ty(orders, "status"), label);
    assert_eq!(ty(table(t, "users"), "name"), DataType::Utf8);
    let users = table(t, "users");
    assert_eq!(ty(users, "marketing_opt_in"), DataType::Boolean);
    let opt_in = column::<BooleanArray>(users, "marketing_opt_in");
    let yes: usize = opt_in.iter().map(|a| a.true_count()).sum();
    assert!((6_000..9_000).contains(&yes), "{yes} opted in");
}

/// The stored type of a column.
fn stored_type(t: &DemoTable, c: &str) -> DataType {
    t.stored_schema()
        .field_with_name(c)
        .unwrap()
        .data_type()
        .clone()
}

#[test]
fn storage_is_compact() {
    let t = demo();
    let items = table(t, "line_items");
    let dict =
        |key: DataType, value: DataType| DataType::Dictionary(Box::new(key), Box::new(value));
    assert_eq!(stored_type(items, "id"), DataType::Int32);
    assert_eq!(stored_type(items, "quantity"), DataType::Int8);
    assert_eq!(stored_type(items, "discount"), DataType::Int8);
    assert_eq!(stored_type(items, "amount"), DataType::Int32);
    assert_eq!(
        stored_type(items, "unit_price"),
        dict(DataType::Int16, DataType::Float64)
    );
    assert_eq!(
        stored_type(items, "product_id"),
        dict(DataType::Int16, DataType::Int32)
    );
    let orders = table(t, "orders");
    assert_eq!(stored_type(orders, "user_id"), DataType::Int16);
    assert_eq!(
        stored_type(orders, "status"),
        dict(DataType::Int8, DataType::Utf8)
    );
    // Product id, price and cost share one key buffer.
    let first = &items.stored[0];
    let keys = |c: &str| {
        let i = items.stored_schema().index_of(c).unwrap();
        first.column(i).to_data().buffers()[0].data_ptr()
    };
    assert_eq!(keys("product_id"), keys("unit_price"));
    assert_eq!(keys("unit_cost"), keys("unit_price"));
    // Held once: far less than the decoded columns.
    let stored: usize = t.iter().map(DemoTable::stored_bytes).sum();
    let decoded: usize = t
        .iter()
        .map(|t| {
            let batches = t.batches().unwrap();
            let whole = arrow::compute::concat_batches(&t.schema, &batches).unwrap();
            whole.get_array_memory_size()
        })
        .sum();
    println!("stored {stored} bytes, decoded {decoded}");
    assert!(stored < 11_000_000, "{stored} bytes stored");
    assert!(stored * 2 < decoded, "{stored} stored, {decoded} decoded");
}

#[test]
fn decoding_restores_exact_values() {
    let t = demo();
    let items = table(t, "line_items");
    let amounts = floats(items, "amount");
    let cents: Vec<i64> = amounts.iter().map(|a| (a * 100.0).round() as i64).collect();
    // Exactly the `f64` of dividing whole cents by 100, as before storage.
    assert!(amounts
        .iter()
        .zip(&cents)
        .all(|(a, c)| *a == *c as f64 / 100.0));
    // A line's price and cost are its product's.
    let products = table(t, "products");
    let (price, cost) = (floats(products, "price"), floats(products, "cost"));
    let product = ints(items, "product_id");
    let (unit_price, unit_cost) = (floats(items, "unit_price"), floats(items, "unit_cost"));
    for (i, p) in product.iter().enumerate() {
        let k = *p as usize - 1;
        assert_eq!(
            (unit_price[i], unit_cost[i]),
            (price[k], cost[k]),
            "line {i}"
        );
    }
    assert_eq!(ints(items, "id").len(), items.num_rows());
}

/// Batches as one list of columns with dictionaries unpacked: equal when
/// their values are, however dictionaries are laid out.
fn plain(batches: &[arrow::record_batch::RecordBatch]) -> Vec<arrow::array::ArrayRef> {
    let schema = batches[0].schema();
    let whole = arrow::compute::concat_batches(&schema, batches).unwrap();
    whole
        .columns()
        .iter()
        .map(|c| match c.data_type() {
            DataType::Dictionary(_, value) => arrow::compute::cast(c, value).unwrap(),
            _ => c.clone(),
        })
        .collect()
}

#[tokio::test]
async fn the_view_gives_the_decoded_batches() {
    let ctx = datafusion::prelude::SessionContext::new();
    for t in demo() {
        ctx.register_table(t.name.as_str(), t.provider().unwrap())
            .unwrap();
    }
    for t in demo() {
        // Repartitioning may interleave batches; ids follow the stored order.
        let sql = format!("SELECT * FROM {} ORDER BY id", t.name);
        let got = ctx.sql(&sql).await.unwrap().collect().await.unwrap();
        assert!(got.iter().all(|b| b.schema() == t.schema), "{}", t.name);
        let expected = t.batches().unwrap();
        for (i, (g, e)) in plain(&got).iter().zip(plain(&expected)).enumerate() {
            assert_eq!(g, &e, "{}.{}", t.name, t.schema.field(i).name());
        }
    }
    // Only the columns a query reads are decoded; a filter on a decoded
    // column sees the decoded values.
    let sql = "SELECT COUNT(*) AS n, SUM(amount) AS s FROM line_items WHERE discount >= 0.3";
    let got = ctx.sql(sql).await.unwrap().collect().await.unwrap();
    let n = got[0]
        .column(0)
        .as_any()
        .downcast_ref::<arrow::array::Int64Array>()
        .unwrap()
        .value(0);
    let items = table(demo(), "line_items");
    let discounts = floats(items, "discount");
    assert_eq!(n as usize, discounts.iter().filter(|d| **d >= 0.3).count());
    assert!(n > 0);
}

fn ids(t: &DemoTable) -> HashSet<i64> {
    ints(t, "id").into_iter().collect()
}

#[test]
fn referential_integrity() {
    let t = demo();
    let check = |child: &str, fk: &str, parent: &str| {
        let keys = ids(table(t, parent));
        let missing = ints(table(t, child), fk)
            .into_iter()
            .filter(|v| !keys.contains(v))
            .count();
        assert_eq!(missing, 0, "{child}.{fk} values missing from {parent}.id");
    };
    check("countries", "region_id", "regions");
    check("users", "country_id", "countries");
    check("orders", "user_id", "users");
    check("line_items", "order_id", "orders");
    check("line_items", "product_id", "products");
    for name in [
        "regions",
        "countries",
        "users",
        "products",
        "orders",
        "line_items",
    ] {
        let tb = table(t, name);
        assert_eq!(ids(tb).len(), tb.num_rows(), "{name}.id is unique");
    }
    // Every order has at least one line.
    let with_lines: HashSet<i64> = ints(table(t, "line_items"), "order_id")
        .into_iter()
        .collect();
    assert_eq!(with_lines.len(), table(t, "orders").num_rows());
}

#[test]
fn orders_are_consistent() {
    let t = demo();
    let (users, orders, items) = (
        table(t, "users"),
        table(t, "orders"),
        table(t, "line_items"),
    );
    let signed_up = times(users, "signed_up_at");
    let created = times(orders, "created_at");
    let user_ids = ints(orders, "user_id");
    let calendar = pinned_calendar();
    let (start, end) = (calendar.first_day * MICROS_PER_DAY, calendar.end_micros());
    assert!(
        signed_up.windows(2).all(|w| w[0] <= w[1]),
        "ids follow sign-up"
    );
    assert!(signed_up.iter().all(|s| (start..end).contains(s)));
    assert!(created.windows(2).all(|w| w[0] <= w[1]), "ids follow time");
    assert!(created.iter().all(|c| (start..end).contains(c)));
    for (u, c) in user_ids.iter().zip(&created) {
        assert!(signed_up[*u as usize - 1] <= *c, "order before sign-up");
    }
    // Totals are the sums of the lines; amounts follow the formula.
    let order_ids = ints(items, "order_id");
    let amounts = floats(items, "amount");
    let mut sums = vec![0.0; orders.num_rows()];
    for (o, a) in order_ids.iter().zip(&amounts) {
        sums[*o as usize - 1] += a;
    }
    for (s, total) in sums.iter().zip(floats(orders, "total_amount")) {
        assert!((s - total).abs() < 0.005, "{s} vs {total}");
    }
    let q = ints(items, "quantity");
    let p = floats(items, "unit_price");
    let d = floats(items, "discount");
    for i in 0..q.len() {
        let expected = q[i] as f64 * p[i] * (1.0 - d[i]);
        assert!((expected - amounts[i]).abs() <= 0.0051, "line {i}");
        assert!(q[i] >= 1 && (0.0..0.5).contains(&d[i]));
    }
    let cost = floats(items, "unit_cost");
    assert!(cost.iter().zip(&p).all(|(c, p)| c < p));
}

#[test]
fn distributions_look_like_a_shop() {
    let t = demo();
    let orders = table(t, "orders");
    let status = strings(orders, "status");
    let share = |s: &str| status.iter().filter(|x| *x == s).count() as f64 / status.len() as f64;
    assert!(
        (0.75..0.87).contains(&share("completed")),
        "{}",
        share("completed")
    );
    for s in ["shipped", "processing", "cancelled", "returned"] {
        assert!(share(s) > 0.005, "{s}");
    }
    let channels: HashSet<String> = strings(orders, "channel").into_iter().collect();
    assert_eq!(channels.len(), 3);
    // Growth, the December peak and the outage.
    let created = times(orders, "created_at");
    let per_day = |day: i64| {
        let (a, b) = (day * MICROS_PER_DAY, (day + 1) * MICROS_PER_DAY);
        created.iter().filter(|c| (a..b).contains(*c)).count()
    };
    let month = |y, m| {
        let a = days_from_civil(y, m, 1) * MICROS_PER_DAY;
        let b = days_from_civil(y, m + 1, 1) * MICROS_PER_DAY;
        created.iter().filter(|c| (a..b).contains(*c)).count()
    };
    assert!(month(2024, 6) > month(2023, 6) * 4 / 3, "growth");
    assert!(month(2024, 12 - 1) > month(2024, 6), "holiday season");
    let calendar = pinned_calendar();
    let outage = calendar.outage_day;
    assert!(per_day(outage) * 3 < per_day(outage - 7), "outage");
    let flash = calendar.flash_sale_day;
    assert!(per_day(flash) > 3 * per_day(flash - 7), "flash sale");
    let categories: HashSet<String> = strings(table(t, "products"), "category")
        .into_iter()
        .collect();
    assert_eq!(categories.len(), 8);
    let names: HashSet<String> = strings(table(t, "products"), "name").into_iter().collect();
    assert_eq!(names.len(), 200, "product names are unique");
}

#[test]
fn generation_time() {
    let start = std::time::Instant::now();
    let t = DemoData::pinned().tables();
    let elapsed = start.elapsed();
    let rows: usize = t.iter().map(DemoTable::num_rows).sum();
    println!("generated {rows} rows in {elapsed:?}");
    assert!(elapsed.as_secs() < 30);
}

/// FNV-1a, 64 bits: a hash that is the same on every platform and release.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A digest of a table's rows as queries see them: its name, then every
/// column's name and values in row order (strings of dictionaries unpacked,
/// floats by their bits, nulls marked), so equal digests mean the same rows
/// with the same values whatever the storage layout.
fn digest(t: &DemoTable) -> u64 {
    use arrow::array::AsArray;
    use arrow::datatypes::{Float64Type, Int32Type, TimestampMicrosecondType};
    let mut h = Fnv::new();
    h.bytes(t.name.as_bytes());
    let batches = t.batches().unwrap();
    for (i, field) in t.schema.fields().iter().enumerate() {
        h.bytes(field.name().as_bytes());
        h.bytes(field.data_type().to_string().as_bytes());
        for b in &batches {
            let column = b.column(i);
            if column.null_count() > 0 {
                h.bytes(b"nulls");
                for r in 0..column.len() {
                    h.bytes(&[u8::from(column.is_null(r))]);
                }
            }
            match column.data_type() {
                DataType::Int32 => column
                    .as_primitive::<Int32Type>()
                    .values()
                    .iter()
                    .for_each(|v| h.bytes(&v.to_le_bytes())),
                DataType::Float64 => column
                    .as_primitive::<Float64Type>()
                    .values()
                    .iter()
                    .for_each(|v| h.bytes(&v.to_bits().to_le_bytes())),
                DataType::Timestamp(_, _) => column
                    .as_primitive::<TimestampMicrosecondType>()
                    .values()
                    .iter()
                    .for_each(|v| h.bytes(&v.to_le_bytes())),
                DataType::Boolean => column
                    .as_boolean()
                    .iter()
                    .for_each(|v| h.bytes(&[u8::from(v == Some(true))])),
                DataType::Utf8 | DataType::Dictionary(_, _) => {
                    let plain = arrow::compute::cast(column, &DataType::Utf8).unwrap();
                    for s in plain.as_string::<i32>().iter() {
                        let s = s.unwrap_or_default();
                        h.bytes(&(s.len() as u64).to_le_bytes());
                        h.bytes(s.as_bytes());
                    }
                }
                other => panic!("{}.{}: no digest of {other}", t.name, field.name()),
            }
        }
    }
    h.0
}

/// Digests of the tables of [`DEFAULT_SEED`] and of seed 7 as generated
/// before the period followed an anchor (fixed to 2023-01-01..=2024-12-31,
/// computed on commit 4f28f1f): (table, rows, digest).
const DIGESTS_BEFORE_ANCHOR: [(&str, usize, u64); 6] = [
    ("regions", 6, 0x5369_b410_2dbd_9019),
    ("countries", 30, 0xe020_3710_e9ea_5d30),
    ("users", 20_000, 0x0728_48bd_4fa8_509b),
    ("products", 200, 0xeda9_7a35_1933_e512),
    ("orders", 120_187, 0x83a2_02fb_3767_4923),
    ("line_items", 305_475, 0xa84f_5887_b65f_7860),
];
const SEED_7_DIGESTS_BEFORE_ANCHOR: [(&str, usize, u64); 6] = [
    ("regions", 6, 0x5369_b410_2dbd_9019),
    ("countries", 30, 0xe020_3710_e9ea_5d30),
    ("users", 20_000, 0x5394_06b5_8c65_2798),
    ("products", 200, 0x770b_19b9_b32e_e9fe),
    ("orders", 120_001, 0xefd3_77d6_f980_68e4),
    ("line_items", 305_703, 0x422e_7c1c_02f4_f6c5),
];

fn digests(tables: &[DemoTable]) -> Vec<(&str, usize, u64)> {
    tables
        .iter()
        .map(|t| (t.name.as_str(), t.num_rows(), digest(t)))
        .collect()
}

#[test]
fn the_pinned_anchor_gives_the_tables_of_before() {
    assert_eq!(PINNED_ANCHOR.to_string(), "2025-01-01");
    assert_eq!(digests(demo()), DIGESTS_BEFORE_ANCHOR);
    let seven = DemoData::new(7, PINNED_ANCHOR).tables();
    assert_eq!(digests(&seven), SEED_7_DIGESTS_BEFORE_ANCHOR);
    let period = DemoData::pinned().period();
    assert_eq!(
        (period.from.to_string(), period.to.to_string()),
        ("2023-01-01".into(), "2024-12-31".into())
    );
    assert_eq!(period.to_string(), "2023-01-01 to 2024-12-31");
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Day number of a date.
fn day(date: NaiveDate) -> i64 {
    days_from_civil(
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    )
}

#[test]
fn another_anchor_moves_the_period_and_its_events() {
    let demo = DemoData::new(DEFAULT_SEED, date(2026, 6, 17));
    let period = demo.period();
    assert_eq!(
        (period.from, period.to),
        (date(2024, 6, 16), date(2026, 6, 16))
    );
    assert!(period.contains(date(2026, 6, 16)) && !period.contains(date(2026, 6, 17)));
    let t = demo.tables();
    let created = times(table(&t, "orders"), "created_at");
    let signed_up = times(table(&t, "users"), "signed_up_at");
    let as_date = |micros: i64| {
        chrono::DateTime::from_timestamp_micros(micros)
            .unwrap()
            .date_naive()
    };
    let (first, last) = (created[0], created[created.len() - 1]);
    assert_eq!(
        as_date(last),
        date(2026, 6, 16),
        "the last order is yesterday"
    );
    assert!(as_date(first) >= date(2024, 6, 16));
    assert!(signed_up.iter().all(|s| period.contains(as_date(*s))));
    assert_eq!(as_date(signed_up[0]), period.from);
    let per_day = |d: NaiveDate| {
        let (a, b) = (day(d) * MICROS_PER_DAY, (day(d) + 1) * MICROS_PER_DAY);
        created.iter().filter(|c| (a..b).contains(*c)).count()
    };
    let week = chrono::Days::new(7);
    let dip = |d: NaiveDate| per_day(d) * 3 < per_day(d - week);
    let peak = |d: NaiveDate, times: usize| per_day(d) > times * per_day(d - week);
    // The outage and the flash sale, 220 and 438 days after the first day.
    assert!(dip(date(2025, 1, 22)), "outage on 2025-01-22");
    assert!(peak(date(2025, 8, 28), 3), "flash sale on 2025-08-28");
    // Black Friday and Cyber Monday of both years.
    for d in [date(2024, 11, 29), date(2025, 11, 28)] {
        assert!(peak(d, 2), "Black Friday {d}");
    }
    for d in [date(2024, 12, 2), date(2025, 12, 1)] {
        assert!(
            per_day(d) as f64 > 1.6 * per_day(d - week) as f64,
            "Cyber Monday {d}"
        );
    }
    // The dates of the pinned anchor are ordinary days here.
    assert!(!peak(date(2025, 3, 14), 2), "no flash sale on 2025-03-14");
    // Recent orders are still on their way.
    let status = strings(table(&t, "orders"), "status");
    let recent: Vec<&str> = created
        .iter()
        .zip(&status)
        .filter(|(c, _)| as_date(**c) == period.to)
        .map(|(_, s)| s.as_str())
        .collect();
    let open = recent
        .iter()
        .filter(|s| ["processing", "shipped"].contains(*s))
        .count();
    assert!(open * 2 > recent.len(), "{open} of {} open", recent.len());
}

#[test]
fn the_model_says_which_days_have_data() {
    let model = DemoData::new(DEFAULT_SEED, date(2026, 6, 17))
        .model()
        .unwrap();
    let expected = serde_json::json!({"from": "2024-06-16", "to": "2026-06-16"});
    let metas = model
        .cubes
        .values()
        .map(|c| (&c.name, &c.meta))
        .chain(model.views.values().map(|v| (&v.name, &v.meta)));
    for (name, meta) in metas {
        let meta = meta
            .as_ref()
            .unwrap_or_else(|| panic!("{name} has no meta"));
        assert_eq!(meta["dataPeriod"], expected, "{name}");
    }
    // Meta from the YAML is kept.
    let orders = model.cubes["Orders"].meta.as_ref().unwrap();
    assert!(orders["synonyms"].as_array().is_some_and(|s| !s.is_empty()));
    // The plain model has no period.
    let plain = model_files();
    assert!(plain.iter().all(|(_, yaml)| !yaml.contains("dataPeriod:")));
    assert!(crate::model().unwrap().cubes["Orders"]
        .meta
        .as_ref()
        .unwrap()["dataPeriod"]
        .is_null());
}
