//! Generators of the dimension tables: regions, countries, users and products.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int32Array};

use super::calendar::{Calendar, HOURS, MICROS_PER_DAY, MICROS_PER_SECOND};
use super::reference::{
    names_for_region, AGE_GROUPS, BUSINESS_DOMAINS, CATEGORIES, CONSUMER_DOMAINS, COUNTRIES,
    EDITIONS, REGIONS,
};
use super::rng::{Rng, Weighted};
use super::table::{id32, Column, TableData};

/// Number of registered users.
pub(crate) const USERS: usize = 20_000;

/// Share of users who are business customers.
const BUSINESS_SHARE: f64 = 0.12;

/// `regions`: id, name, code.
pub(crate) fn regions() -> TableData {
    TableData {
        name: "regions",
        columns: vec![
            ("id", Column::Int(REGIONS.iter().map(|r| r.0).collect())),
            ("name", Column::Label(REGIONS.iter().map(|r| r.1).collect())),
            ("code", Column::Label(REGIONS.iter().map(|r| r.2).collect())),
        ],
    }
}

/// `countries`: id, name, iso_code, region_id.
pub(crate) fn countries() -> TableData {
    TableData {
        name: "countries",
        columns: vec![
            ("id", Column::Int((1..=id32(COUNTRIES.len())).collect())),
            (
                "name",
                Column::Label(COUNTRIES.iter().map(|c| c.name).collect()),
            ),
            (
                "iso_code",
                Column::Label(COUNTRIES.iter().map(|c| c.code).collect()),
            ),
            (
                "region_id",
                Column::Int(COUNTRIES.iter().map(|c| c.region_id).collect()),
            ),
        ],
    }
}

/// The users table and what order generation needs to know about users.
pub(crate) struct Users {
    /// The `users` table.
    pub table: TableData,
    /// Sign-up time of user `id` at index `id - 1`, ascending.
    pub signed_up_at: Vec<i64>,
    /// Whether user `id` (at index `id - 1`) is a business customer.
    pub business: Vec<bool>,
    /// How often user `id` (at index `id - 1`) shops, in `(0, 1]`: most
    /// customers buy now and then, a few very often.
    pub activity: Vec<f64>,
}

/// Letters of a name for an e-mail address (`De Vries` → `devries`).
fn mail_part(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `users`: id, name, email, country_id, segment, age_group,
/// marketing_opt_in, signed_up_at, over the period of `calendar`. Ids
/// follow sign-up order.
pub(crate) fn users(seed: u64, calendar: &Calendar) -> Users {
    let mut rng = Rng::new(seed, 3);
    let first_day = calendar.first_day;
    let days = Weighted::new((first_day..=calendar.last_day).map(|d| calendar.signup_weight(d)));
    let hours = Weighted::new(HOURS);
    let mut signed_up_at: Vec<i64> = (0..USERS)
        .map(|_| {
            let day = first_day + days.sample(&mut rng) as i64;
            let second = hours.sample(&mut rng) as i64 * 3600 + rng.between(0, 3599);
            day * MICROS_PER_DAY + second * MICROS_PER_SECOND
        })
        .collect();
    signed_up_at.sort_unstable();
    // The first customer signs up the moment the shop opens, so every order
    // can be given a customer who had already signed up.
    if let Some(first) = signed_up_at.first_mut() {
        *first = first_day * MICROS_PER_DAY;
    }

    let countries = Weighted::new(COUNTRIES.iter().map(|c| c.weight));
    let ages: Vec<f64> = AGE_GROUPS.iter().map(|a| a.1).collect();
    let mut ids = Vec::with_capacity(USERS);
    let mut names = Vec::with_capacity(USERS);
    let mut emails = Vec::with_capacity(USERS);
    let mut country_ids = Vec::with_capacity(USERS);
    let mut segments = Vec::with_capacity(USERS);
    let mut age_groups = Vec::with_capacity(USERS);
    let mut opt_ins = Vec::with_capacity(USERS);
    let mut business = Vec::with_capacity(USERS);
    let mut activity = Vec::with_capacity(USERS);
    for i in 0..USERS {
        let id = i as i64 + 1;
        let country = countries.sample(&mut rng);
        let region = COUNTRIES.get(country).map_or(1, |c| c.region_id);
        let pool = names_for_region(region);
        let first = rng.pick(pool.first, "Alex");
        let last = rng.pick(pool.last, "Doe");
        let is_business = rng.chance(BUSINESS_SHARE);
        let domain = if is_business {
            rng.pick(&BUSINESS_DOMAINS, "example.com")
        } else {
            rng.pick(&CONSUMER_DOMAINS, "example.com")
        };
        let age = AGE_GROUPS.get(rng.weighted(&ages)).map_or("25-34", |a| a.0);
        ids.push(id32(i + 1));
        names.push(format!("{first} {last}"));
        emails.push(format!(
            "{}.{}{id}@{domain}",
            mail_part(first),
            mail_part(last)
        ));
        country_ids.push(id32(country + 1));
        segments.push(if is_business { "business" } else { "consumer" });
        age_groups.push(age);
        opt_ins.push(rng.chance(if is_business { 0.25 } else { 0.42 }));
        business.push(is_business);
        activity.push(rng.unit().powi(2).max(0.02));
    }
    let table = TableData {
        name: "users",
        columns: vec![
            ("id", Column::Int(ids)),
            ("name", Column::Text(names)),
            ("email", Column::Text(emails)),
            ("country_id", Column::Int(country_ids)),
            ("segment", Column::Label(segments)),
            ("age_group", Column::Label(age_groups)),
            ("marketing_opt_in", Column::Flag(opt_ins)),
            ("signed_up_at", Column::Time(signed_up_at.clone())),
        ],
    };
    Users {
        table,
        signed_up_at,
        business,
        activity,
    }
}

/// What order generation needs to know about a product.
#[derive(Debug, Clone)]
pub(crate) struct ProductInfo {
    /// Position of its category in [`CATEGORIES`].
    pub category: usize,
    /// List price in cents.
    pub price_cents: i64,
    /// Unit cost in cents.
    pub cost_cents: i64,
    /// Relative demand, before seasonality.
    pub popularity: f64,
}

/// The products table and the catalogue behind it.
pub(crate) struct Catalogue {
    /// The `products` table.
    pub table: TableData,
    /// Product `id` at index `id - 1`.
    pub products: Vec<ProductInfo>,
}

impl Catalogue {
    /// `products.id` as queries see it (`Int32`), by catalogue position.
    pub(crate) fn ids(&self) -> ArrayRef {
        Arc::new(Int32Array::from_iter_values(
            (1..=self.products.len()).map(id32),
        ))
    }

    /// `products.price` as queries see it (`Float64`), by catalogue position.
    pub(crate) fn prices(&self) -> ArrayRef {
        money(self.products.iter().map(|p| p.price_cents))
    }

    /// `products.cost` as queries see it (`Float64`), by catalogue position.
    pub(crate) fn costs(&self) -> ArrayRef {
        money(self.products.iter().map(|p| p.cost_cents))
    }
}

/// Cents as the `Float64` amounts queries see: `cents / 100.0`, as
/// [`Column::Hundredths`] decodes them.
fn money(cents: impl Iterator<Item = i64>) -> ArrayRef {
    Arc::new(Float64Array::from_iter_values(
        cents.map(|c| c as f64 / 100.0),
    ))
}

/// A list price in cents ending in .99, between `min` and `max` dollars,
/// with cheaper prices more common.
fn list_price(rng: &mut Rng, min: f64, max: f64) -> i64 {
    let raw = min + (max - min) * rng.unit().powf(1.7);
    let dollars = if raw >= 100.0 {
        // Bigger prices end in 9: 149.99, 1199.99.
        ((raw / 10.0).floor() * 10.0 - 1.0).max(min)
    } else {
        raw.floor().max(1.0)
    };
    dollars as i64 * 100 + 99
}

/// `products`: id, name, category, subcategory, brand, price, cost.
pub(crate) fn products(seed: u64) -> Catalogue {
    let mut rng = Rng::new(seed, 4);
    let mut seen = HashSet::new();
    let mut products = Vec::new();
    let (mut names, mut categories, mut subcategories, mut brands) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut prices, mut costs) = (Vec::new(), Vec::new());
    for (ci, cat) in CATEGORIES.iter().enumerate() {
        for k in 0..cat.products {
            let Some(sub) = cat.subcategories.get(k % cat.subcategories.len().max(1)) else {
                continue;
            };
            let brand = rng.pick(cat.brands, "Generic");
            let item = rng.pick(sub.items, sub.name);
            let edition = rng.pick(&EDITIONS, "Classic");
            let base = format!("{brand} {item} {edition}");
            let mut name = base.clone();
            let mut n = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base} {n}");
                n += 1;
            }
            let price_cents = list_price(&mut rng, sub.min_price, sub.max_price);
            let (lo, hi) = cat.cost_ratio;
            let ratio = lo + (hi - lo) * rng.unit();
            let cost_cents = (price_cents as f64 * ratio).round() as i64;
            // A long tail of demand; cheaper products sell more often.
            let popularity = cat.weight * (0.15 + rng.unit()).powf(-1.3)
                / (price_cents as f64 / 100.0).powf(0.6);
            names.push(name);
            categories.push(cat.name);
            subcategories.push(sub.name);
            brands.push(brand);
            prices.push(price_cents);
            costs.push(cost_cents);
            products.push(ProductInfo {
                category: ci,
                price_cents,
                cost_cents,
                popularity,
            });
        }
    }
    let table = TableData {
        name: "products",
        columns: vec![
            ("id", Column::Int((1..=id32(products.len())).collect())),
            ("name", Column::Text(names)),
            ("category", Column::Label(categories)),
            ("subcategory", Column::Label(subcategories)),
            ("brand", Column::Label(brands)),
            ("price", Column::Hundredths(prices)),
            ("cost", Column::Hundredths(costs)),
        ],
    };
    Catalogue { table, products }
}
