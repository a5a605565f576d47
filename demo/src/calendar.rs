//! Dates of the demo period and the shape of demand over it: growth,
//! weekly and yearly seasonality, holidays and two deliberate anomalies.

/// Microseconds in one second.
pub(crate) const MICROS_PER_SECOND: i64 = 1_000_000;
/// Microseconds in one day.
pub(crate) const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub(crate) const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `(year, month, day)` of a day number (inverse of [`days_from_civil`]).
pub(crate) const fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// Day of the week, `0` = Monday … `6` = Sunday.
pub(crate) const fn weekday(days: i64) -> i64 {
    // 1970-01-01 was a Thursday.
    (days + 3).rem_euclid(7)
}

/// Number of days in the demo period, whatever its anchor: two years with a
/// 29 February (2023-01-01..=2024-12-31 for the pinned anchor), or two
/// years and a day.
pub(crate) const DAYS: i64 = 731;

/// Days from the first day of the period to the site outage (2023-08-09 when
/// the period starts on 2023-01-01).
const OUTAGE_OFFSET: i64 = 220;
/// Days from the first day of the period to the flash sale (2024-03-14 when
/// the period starts on 2023-01-01).
const FLASH_SALE_OFFSET: i64 = 438;

/// Order volume of Black Friday and of Cyber Monday, relative to the day's
/// usual volume.
const BLACK_FRIDAY: f64 = 3.0;
const CYBER_MONDAY: f64 = 2.2;

/// Black Friday of `year`: the day after the fourth Thursday of November.
pub(crate) const fn black_friday(year: i64) -> i64 {
    let november = days_from_civil(year, 11, 1);
    // Days from 1 November to the first Thursday (weekday 3).
    let first_thursday = november + (3 - weekday(november)).rem_euclid(7);
    first_thursday + 3 * 7 + 1
}

/// The dates of one demo period, ending the day before an anchor date: its
/// first and last day, the two anomalies and the promotion days. Days are
/// counted since 1970-01-01.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Calendar {
    /// First day of the period: the anchor minus [`DAYS`].
    pub first_day: i64,
    /// Last day of the period: the day before the anchor.
    pub last_day: i64,
    /// The site outage: few orders, and many of those cancelled.
    pub outage_day: i64,
    /// The flash sale: four times the usual orders, with deep discounts.
    pub flash_sale_day: i64,
    /// Black Friday and Cyber Monday of every year of the period that fall
    /// in it, with their relative order volume, in date order.
    promotions: Vec<(i64, f64)>,
}

impl Calendar {
    /// The period of [`DAYS`] days that ends the day before `anchor` (a
    /// day number).
    pub(crate) fn new(anchor: i64) -> Calendar {
        let first_day = anchor - DAYS;
        let last_day = anchor - 1;
        let (first_year, _, _) = civil_from_days(first_day);
        let (last_year, _, _) = civil_from_days(last_day);
        let promotions = (first_year..=last_year)
            .flat_map(|year| {
                let friday = black_friday(year);
                [(friday, BLACK_FRIDAY), (friday + 3, CYBER_MONDAY)]
            })
            .filter(|(day, _)| (first_day..=last_day).contains(day))
            .collect();
        Calendar {
            first_day,
            last_day,
            outage_day: first_day + OUTAGE_OFFSET,
            flash_sale_day: first_day + FLASH_SALE_OFFSET,
            promotions,
        }
    }

    /// The end of the period (exclusive), as microseconds since the epoch.
    pub(crate) fn end_micros(&self) -> i64 {
        (self.last_day + 1) * MICROS_PER_DAY
    }

    /// Black Friday and Cyber Monday in the period, with their relative
    /// order volume.
    #[cfg(test)]
    pub(crate) fn promotions(&self) -> &[(i64, f64)] {
        &self.promotions
    }

    /// Whether `day` is a big promotion day (Black Friday, Cyber Monday or
    /// the flash sale), when discounts are frequent and deep.
    pub(crate) fn is_promotion(&self, day: i64) -> bool {
        day == self.flash_sale_day || self.promotions.iter().any(|(d, _)| *d == day)
    }

    /// Fraction of the period elapsed at `day`, from 0 to 1.
    pub(crate) fn progress(&self, day: i64) -> f64 {
        (day - self.first_day) as f64 / (DAYS - 1) as f64
    }

    /// Relative order volume of `day`: growth (×2.2 over the two years),
    /// weekly and monthly seasonality, the December peak, holidays and the
    /// anomalies.
    pub(crate) fn order_weight(&self, day: i64) -> f64 {
        let (_, month, dom) = civil_from_days(day);
        let growth = (2.2f64.ln() * self.progress(day)).exp();
        let seasonal = match month {
            12 => match dom {
                1..=21 => 1.75,
                22..=24 => 1.25,
                25 => 0.55,
                _ => 1.1,
            },
            m => MONTH[(m - 1).clamp(0, 11) as usize],
        };
        let weekly = WEEKDAY[weekday(day) as usize];
        let event = if day == self.outage_day {
            0.2
        } else if day == self.flash_sale_day {
            4.0
        } else {
            self.promotions
                .iter()
                .find(|(d, _)| *d == day)
                .map_or(1.0, |(_, f)| *f)
        };
        growth * seasonal * weekly * event
    }

    /// Relative sign-up volume of `day`: steady growth, weekends, and a
    /// launch campaign over the first three days that brings in the first
    /// customers.
    pub(crate) fn signup_weight(&self, day: i64) -> f64 {
        let launch = if day - self.first_day < 3 { 25.0 } else { 1.0 };
        let growth = 1.0 + 0.8 * self.progress(day);
        let (_, month, _) = civil_from_days(day);
        let seasonal = if month >= 11 { 1.25 } else { 1.0 };
        growth * seasonal * WEEKDAY[weekday(day) as usize] * launch
    }
}

/// Relative order volume of each weekday (Monday first): weekends are busiest.
const WEEKDAY: [f64; 7] = [0.95, 0.92, 0.94, 0.98, 1.05, 1.22, 1.18];

/// Relative order volume of each month: a slow start to the year, a summer
/// lull, then the run-up to the holidays.
const MONTH: [f64; 12] = [
    0.82, 0.85, 0.95, 0.97, 1.0, 0.96, 0.9, 0.93, 1.0, 1.06, 1.3, 1.0,
];

/// Relative activity of each hour of the day (UTC): quiet nights, a lunch
/// bump and an evening peak.
pub(crate) const HOURS: [f64; 24] = [
    0.8, 0.5, 0.35, 0.25, 0.25, 0.35, 0.6, 1.0, 1.5, 1.9, 2.1, 2.3, 2.7, 2.6, 2.3, 2.2, 2.3, 2.5,
    2.9, 3.3, 3.5, 3.2, 2.4, 1.5,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The period of the pinned anchor, 2025-01-01.
    fn pinned() -> Calendar {
        Calendar::new(days_from_civil(2025, 1, 1))
    }

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        let c = pinned();
        assert_eq!(c.first_day, 19_358);
        assert_eq!(c.first_day, days_from_civil(2023, 1, 1));
        assert_eq!(c.last_day - c.first_day + 1, DAYS);
        assert_eq!(civil_from_days(c.last_day), (2024, 12, 31));
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        for d in c.first_day..=c.last_day {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        // 2023-01-01 was a Sunday, 2024-11-29 a Friday.
        assert_eq!(weekday(c.first_day), 6);
        assert_eq!(weekday(days_from_civil(2024, 11, 29)), 4);
    }

    #[test]
    fn the_pinned_anchor_keeps_the_dates_of_2023_and_2024() {
        let c = pinned();
        assert_eq!(c.outage_day, days_from_civil(2023, 8, 9));
        assert_eq!(c.flash_sale_day, days_from_civil(2024, 3, 14));
        assert_eq!(
            c.promotions(),
            [
                (days_from_civil(2023, 11, 24), 3.0),
                (days_from_civil(2023, 11, 27), 2.2),
                (days_from_civil(2024, 11, 29), 3.0),
                (days_from_civil(2024, 12, 2), 2.2),
            ]
        );
        assert_eq!(c.end_micros(), days_from_civil(2025, 1, 1) * MICROS_PER_DAY);
    }

    #[test]
    fn black_friday_is_the_day_after_the_fourth_thursday_of_november() {
        for (year, day) in [
            (2019, 29),
            (2020, 27),
            (2021, 26),
            (2022, 25),
            (2023, 24),
            (2024, 29),
            (2025, 28),
            (2026, 27),
            (2027, 26),
        ] {
            let friday = black_friday(year);
            assert_eq!(civil_from_days(friday), (year, 11, day), "{year}");
            assert_eq!(weekday(friday), 4, "{year}");
        }
    }

    #[test]
    fn another_anchor_moves_every_date() {
        // Anchor 2026-06-17: the data runs 2024-06-16..=2026-06-16.
        let c = Calendar::new(days_from_civil(2026, 6, 17));
        assert_eq!(civil_from_days(c.first_day), (2024, 6, 16));
        assert_eq!(civil_from_days(c.last_day), (2026, 6, 16));
        assert_eq!(civil_from_days(c.outage_day), (2025, 1, 22));
        assert_eq!(civil_from_days(c.flash_sale_day), (2025, 8, 28));
        let promotions: Vec<_> = c
            .promotions()
            .iter()
            .map(|(d, f)| (civil_from_days(*d), *f))
            .collect();
        assert_eq!(
            promotions,
            [
                ((2024, 11, 29), 3.0),
                ((2024, 12, 2), 2.2),
                ((2025, 11, 28), 3.0),
                ((2025, 12, 1), 2.2),
            ]
        );
        // A period starting between Black Friday and Cyber Monday keeps
        // only the Monday.
        let c = Calendar::new(days_from_civil(2024, 11, 30) + DAYS);
        let days: Vec<_> = c.promotions().iter().map(|(d, _)| *d).collect();
        assert_eq!(days[0], days_from_civil(2024, 12, 2));
        assert!(days.iter().all(|d| (c.first_day..=c.last_day).contains(d)));
    }

    #[test]
    fn december_peaks_and_anomalies_stand_out() {
        let c = pinned();
        let dec = c.order_weight(days_from_civil(2024, 12, 10));
        let jun = c.order_weight(days_from_civil(2024, 6, 11));
        assert!(dec > 1.5 * jun);
        assert!(c.order_weight(c.outage_day) < 0.5 * c.order_weight(c.outage_day - 7));
        assert!(c.order_weight(c.flash_sale_day) > 3.0 * c.order_weight(c.flash_sale_day - 7));
        assert!(c.is_promotion(c.flash_sale_day) && !c.is_promotion(c.first_day));
    }
}
