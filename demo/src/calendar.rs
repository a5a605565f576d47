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

/// First day of the demo period, 2023-01-01.
pub(crate) const FIRST_DAY: i64 = days_from_civil(2023, 1, 1);
/// Last day of the demo period, 2024-12-31.
pub(crate) const LAST_DAY: i64 = days_from_civil(2024, 12, 31);
/// Number of days in the demo period (731: 2024 is a leap year).
pub(crate) const DAYS: i64 = LAST_DAY - FIRST_DAY + 1;
/// The end of the period (exclusive), as microseconds since the epoch.
pub(crate) const END_MICROS: i64 = (LAST_DAY + 1) * MICROS_PER_DAY;

/// The site outage: few orders, and many of those cancelled.
pub(crate) const OUTAGE_DAY: i64 = days_from_civil(2023, 8, 9);
/// The flash sale: four times the usual orders, with deep discounts.
pub(crate) const FLASH_SALE_DAY: i64 = days_from_civil(2024, 3, 14);

/// Black Friday and Cyber Monday of both years.
const PROMOTION_DAYS: [(i64, f64); 4] = [
    (days_from_civil(2023, 11, 24), 3.0),
    (days_from_civil(2023, 11, 27), 2.2),
    (days_from_civil(2024, 11, 29), 3.0),
    (days_from_civil(2024, 12, 2), 2.2),
];

/// Whether `day` is a big promotion day (Black Friday, Cyber Monday or the
/// flash sale), when discounts are frequent and deep.
pub(crate) fn is_promotion(day: i64) -> bool {
    day == FLASH_SALE_DAY || PROMOTION_DAYS.iter().any(|(d, _)| *d == day)
}

/// Fraction of the period elapsed at `day`, from 0 to 1.
pub(crate) fn progress(day: i64) -> f64 {
    (day - FIRST_DAY) as f64 / (DAYS - 1) as f64
}

/// Relative order volume of each weekday (Monday first): weekends are busiest.
const WEEKDAY: [f64; 7] = [0.95, 0.92, 0.94, 0.98, 1.05, 1.22, 1.18];

/// Relative order volume of each month: a slow start to the year, a summer
/// lull, then the run-up to the holidays.
const MONTH: [f64; 12] = [
    0.82, 0.85, 0.95, 0.97, 1.0, 0.96, 0.9, 0.93, 1.0, 1.06, 1.3, 1.0,
];

/// Relative order volume of `day`: growth (×2.2 over the two years), weekly
/// and monthly seasonality, the December peak, holidays and the anomalies.
pub(crate) fn order_weight(day: i64) -> f64 {
    let (_, month, dom) = civil_from_days(day);
    let growth = (2.2f64.ln() * progress(day)).exp();
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
    let event = if day == OUTAGE_DAY {
        0.2
    } else if day == FLASH_SALE_DAY {
        4.0
    } else {
        PROMOTION_DAYS
            .iter()
            .find(|(d, _)| *d == day)
            .map_or(1.0, |(_, f)| *f)
    };
    growth * seasonal * weekly * event
}

/// Relative sign-up volume of `day`: steady growth, weekends, and a launch
/// campaign over the first three days that brings in the first customers.
pub(crate) fn signup_weight(day: i64) -> f64 {
    let launch = if day - FIRST_DAY < 3 { 25.0 } else { 1.0 };
    let growth = 1.0 + 0.8 * progress(day);
    let (_, month, _) = civil_from_days(day);
    let seasonal = if month >= 11 { 1.25 } else { 1.0 };
    growth * seasonal * WEEKDAY[weekday(day) as usize] * launch
}

/// Relative activity of each hour of the day (UTC): quiet nights, a lunch
/// bump and an evening peak.
pub(crate) const HOURS: [f64; 24] = [
    0.8, 0.5, 0.35, 0.25, 0.25, 0.35, 0.6, 1.0, 1.5, 1.9, 2.1, 2.3, 2.7, 2.6, 2.3, 2.2, 2.3, 2.5,
    2.9, 3.3, 3.5, 3.2, 2.4, 1.5,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(FIRST_DAY, 19_358);
        assert_eq!(DAYS, 731);
        assert_eq!(civil_from_days(LAST_DAY), (2024, 12, 31));
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        for d in FIRST_DAY..=LAST_DAY {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        // 2023-01-01 was a Sunday, 2024-11-29 a Friday.
        assert_eq!(weekday(FIRST_DAY), 6);
        assert_eq!(weekday(days_from_civil(2024, 11, 29)), 4);
    }

    #[test]
    fn december_peaks_and_anomalies_stand_out() {
        let dec = order_weight(days_from_civil(2024, 12, 10));
        let jun = order_weight(days_from_civil(2024, 6, 11));
        assert!(dec > 1.5 * jun);
        assert!(order_weight(OUTAGE_DAY) < 0.5 * order_weight(OUTAGE_DAY - 7));
        assert!(order_weight(FLASH_SALE_DAY) > 3.0 * order_weight(FLASH_SALE_DAY - 7));
        assert!(is_promotion(FLASH_SALE_DAY) && !is_promotion(FIRST_DAY));
    }
}
