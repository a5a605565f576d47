//! Generator of the fact tables: `orders` and their `line_items`.

use arrow::array::ArrayRef;
use arrow::buffer::ScalarBuffer;

use super::calendar::{civil_from_days, Calendar, HOURS, MICROS_PER_DAY, MICROS_PER_SECOND};
use super::data::{Catalogue, Users};
use super::reference::CATEGORIES;
use super::rng::{Rng, Weighted};
use super::table::{id32, Column, TableData};

/// Orders expected over the whole period (the actual count varies by a
/// fraction of a percent with the seed).
pub(crate) const ORDERS_TARGET: f64 = 120_000.0;

/// Order statuses and the weights of a settled order (older than a month).
const STATUSES: [&str; 5] = [
    "completed",
    "shipped",
    "processing",
    "cancelled",
    "returned",
];

/// Sales channels.
const CHANNELS: [&str; 3] = ["web", "mobile", "marketplace"];

/// Payment methods of consumers, then of business customers.
const CONSUMER_PAYMENTS: [&str; 5] = [
    "credit_card",
    "paypal",
    "digital_wallet",
    "bank_transfer",
    "gift_card",
];
const BUSINESS_PAYMENTS: [&str; 4] = ["invoice", "credit_card", "bank_transfer", "paypal"];

/// Line items per order (1 to 6) and units per line (1 to 5).
const ITEMS_PER_ORDER: [f64; 6] = [0.32, 0.26, 0.19, 0.12, 0.07, 0.04];
const UNITS_PER_LINE: [f64; 5] = [0.72, 0.17, 0.07, 0.03, 0.01];

/// Column vectors of `orders`.
#[derive(Default)]
struct OrderColumns {
    id: Vec<i32>,
    user_id: Vec<i32>,
    created_at: Vec<i64>,
    status: Vec<&'static str>,
    channel: Vec<&'static str>,
    payment_method: Vec<&'static str>,
    item_count: Vec<i32>,
    total_cents: Vec<i64>,
}

/// Column vectors of `line_items`.
#[derive(Default)]
struct ItemColumns {
    id: Vec<i32>,
    order_id: Vec<i32>,
    /// Position of the product in the catalogue (its id minus one).
    product: Vec<i16>,
    quantity: Vec<i32>,
    discount_percent: Vec<i64>,
    amount_cents: Vec<i64>,
}

/// Picks the customer of an order placed at `t` among users who had signed
/// up by then: sometimes a brand-new customer, otherwise anyone, in
/// proportion to how active they are.
fn pick_user(rng: &mut Rng, users: &Users, t: i64) -> i64 {
    let k = users.signed_up_at.partition_point(|s| *s <= t).max(1);
    let index = if rng.chance(0.15) {
        let lo = k.saturating_sub(300);
        lo + rng.index(k - lo)
    } else {
        // Rejection sampling on activity (a handful of draws on average).
        let mut index = rng.index(k);
        for _ in 0..64 {
            let activity = users.activity.get(index).copied().unwrap_or(1.0);
            if rng.chance(activity) {
                break;
            }
            index = rng.index(k);
        }
        index
    };
    index.min(k - 1) as i64 + 1
}

/// Status of an order placed at `t` on `day`: recent orders are still on
/// their way, and the outage day has many cancellations.
fn status(rng: &mut Rng, calendar: &Calendar, t: i64, day: i64) -> &'static str {
    let age_days = (calendar.end_micros() - t) as f64 / MICROS_PER_DAY as f64;
    let weights: [f64; 5] = if day == calendar.outage_day {
        [0.55, 0.0, 0.0, 0.4, 0.05]
    } else if age_days < 2.0 {
        [0.05, 0.3, 0.55, 0.1, 0.0]
    } else if age_days < 7.0 {
        [0.35, 0.5, 0.06, 0.07, 0.02]
    } else if age_days < 30.0 {
        [0.78, 0.08, 0.01, 0.07, 0.06]
    } else {
        [0.83, 0.03, 0.01, 0.07, 0.06]
    };
    STATUSES
        .get(rng.weighted(&weights))
        .copied()
        .unwrap_or("completed")
}

/// Sales channel: mobile grows over the period; business buys on the web.
fn channel(rng: &mut Rng, calendar: &Calendar, day: i64, business: bool) -> &'static str {
    let weights = if business {
        [0.8, 0.15, 0.05]
    } else {
        let mobile = 0.28 + 0.17 * calendar.progress(day);
        [1.0 - mobile - 0.14, mobile, 0.14]
    };
    CHANNELS
        .get(rng.weighted(&weights))
        .copied()
        .unwrap_or("web")
}

/// Payment method: business customers mostly pay by invoice, mobile
/// shoppers often with a digital wallet.
fn payment(rng: &mut Rng, channel: &str, business: bool) -> &'static str {
    if business {
        let w = [0.45, 0.35, 0.15, 0.05];
        return BUSINESS_PAYMENTS
            .get(rng.weighted(&w))
            .copied()
            .unwrap_or("invoice");
    }
    let wallet = if channel == "mobile" { 0.32 } else { 0.12 };
    let w = [0.46, 0.22, wallet, 0.06, 0.06];
    CONSUMER_PAYMENTS
        .get(rng.weighted(&w))
        .copied()
        .unwrap_or("credit_card")
}

/// Discount of a line in percent: frequent and deep on promotion days,
/// common in the December run-up, occasional otherwise.
fn discount_percent(rng: &mut Rng, calendar: &Calendar, day: i64) -> i64 {
    let (_, month, dom) = civil_from_days(day);
    if day == calendar.flash_sale_day {
        return if rng.chance(0.8) {
            rng.pick(&[30, 40], 30)
        } else {
            0
        };
    }
    let (p, choices): (f64, &[i64]) = if calendar.is_promotion(day) {
        (0.7, &[15, 20, 25, 30, 40])
    } else if month == 12 && dom <= 21 {
        (0.35, &[5, 10, 15, 20])
    } else {
        (0.18, &[5, 10, 15, 20])
    };
    if rng.chance(p) {
        rng.pick(choices, 10)
    } else {
        0
    }
}

/// `orders` and `line_items` over the period of `calendar`, consistent with
/// `users` and `catalogue`.
pub(crate) fn orders(
    seed: u64,
    calendar: &Calendar,
    users: &Users,
    catalogue: &Catalogue,
) -> (TableData, TableData) {
    let mut rng = Rng::new(seed, 5);
    let day_weights: Vec<f64> = (calendar.first_day..=calendar.last_day)
        .map(|d| calendar.order_weight(d))
        .collect();
    let total_weight: f64 = day_weights.iter().sum();
    let hours = Weighted::new(HOURS);
    // Product demand by month: popularity times the category's seasonality.
    let by_month: Vec<Weighted> = (0..12)
        .map(|m| {
            Weighted::new(catalogue.products.iter().map(|p| {
                let season = CATEGORIES
                    .get(p.category)
                    .and_then(|c| c.months.get(m))
                    .copied()
                    .unwrap_or(1.0);
                p.popularity * season
            }))
        })
        .collect();

    let capacity = ORDERS_TARGET as usize + ORDERS_TARGET as usize / 10;
    let mut o = OrderColumns::default();
    let mut li = ItemColumns::default();
    o.id.reserve(capacity);
    li.id.reserve(capacity * 3);
    let mut times = Vec::new();
    let mut products_in_order: Vec<usize> = Vec::with_capacity(8);
    for (day, weight) in (calendar.first_day..).zip(&day_weights) {
        let expected = ORDERS_TARGET * weight / total_weight;
        let count = (expected * (0.9 + 0.2 * rng.unit())).round() as usize;
        times.clear();
        times.extend((0..count).map(|_| {
            let second = hours.sample(&mut rng) as i64 * 3600 + rng.between(0, 3599);
            day * MICROS_PER_DAY + second * MICROS_PER_SECOND
        }));
        times.sort_unstable();
        let (_, month, _) = civil_from_days(day);
        let demand = by_month.get((month - 1).clamp(0, 11) as usize);
        for &t in &times {
            let order_id = id32(o.id.len() + 1);
            let user_id = pick_user(&mut rng, users, t);
            let business = users
                .business
                .get(user_id as usize - 1)
                .copied()
                .unwrap_or(false);
            let channel = channel(&mut rng, calendar, day, business);
            let extra = usize::from(business && rng.chance(0.5));
            let items = rng.weighted(&ITEMS_PER_ORDER) + 1 + extra;
            products_in_order.clear();
            let mut total_cents = 0i64;
            for _ in 0..items {
                // Distinct products within an order (a few redraws at most).
                let mut product = 0;
                for _ in 0..5 {
                    product = demand.map_or(0, |d| d.sample(&mut rng));
                    if !products_in_order.contains(&product) {
                        break;
                    }
                }
                if products_in_order.contains(&product) {
                    continue;
                }
                let Some(info) = catalogue.products.get(product) else {
                    continue;
                };
                products_in_order.push(product);
                let mut quantity = rng.weighted(&UNITS_PER_LINE) as i64 + 1;
                if CATEGORIES
                    .get(info.category)
                    .is_some_and(|c| c.name == "Grocery")
                {
                    quantity += rng.between(0, 3);
                }
                if business {
                    quantity *= rng.between(1, 3);
                }
                let pct = discount_percent(&mut rng, calendar, day);
                // Cents, rounded half up: quantity × price × (1 − discount).
                let amount_cents = (quantity * info.price_cents * (100 - pct) + 50) / 100;
                total_cents += amount_cents;
                li.id.push(id32(li.id.len() + 1));
                li.order_id.push(order_id);
                // The catalogue has 200 products; a position past `i16` would
                // be an out-of-range dictionary key, which Arrow rejects.
                li.product.push(i16::try_from(product).unwrap_or(-1));
                li.quantity.push(id32(quantity));
                li.discount_percent.push(pct);
                li.amount_cents.push(amount_cents);
            }
            o.id.push(order_id);
            o.user_id.push(id32(user_id));
            o.created_at.push(t);
            o.status.push(status(&mut rng, calendar, t, day));
            o.channel.push(channel);
            o.payment_method.push(payment(&mut rng, channel, business));
            o.item_count.push(id32(products_in_order.len()));
            o.total_cents.push(total_cents);
        }
    }
    let orders = TableData {
        name: "orders",
        columns: vec![
            ("id", Column::Int(o.id)),
            ("user_id", Column::Int(o.user_id)),
            ("created_at", Column::Time(o.created_at)),
            ("status", Column::Label(o.status)),
            ("channel", Column::Label(o.channel)),
            ("payment_method", Column::Label(o.payment_method)),
            ("item_count", Column::Int(o.item_count)),
            ("total_amount", Column::Hundredths(o.total_cents)),
        ],
    };
    // Product id, price and cost of a line: one key buffer for the three.
    let keys = ScalarBuffer::from(li.product);
    let lookup = |values: ArrayRef| Column::Lookup {
        keys: keys.clone(),
        values,
    };
    let line_items = TableData {
        name: "line_items",
        columns: vec![
            ("id", Column::Int(li.id)),
            ("order_id", Column::Int(li.order_id)),
            ("product_id", lookup(catalogue.ids())),
            ("quantity", Column::Int(li.quantity)),
            ("unit_price", lookup(catalogue.prices())),
            ("unit_cost", lookup(catalogue.costs())),
            ("discount", Column::Hundredths(li.discount_percent)),
            ("amount", Column::Hundredths(li.amount_cents)),
        ],
    };
    (orders, line_items)
}
