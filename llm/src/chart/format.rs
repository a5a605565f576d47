//! Display formats of member values (`currency`, `percent`), for chart
//! labels and for the facts insights quote.

/// Renders a value the way a member's `format` asks: `currency` as
/// `$1,234.50`, `percent` as `12.5%` (the value is already in percent
/// units), anything else as `1,234` or `1,234.57`.
pub fn format_value(value: f64, format: Option<&str>) -> String {
    if !value.is_finite() {
        return "n/a".to_owned();
    }
    match format {
        Some("currency") => {
            let sign = if value < 0.0 { "-" } else { "" };
            format!("{sign}${}", group(&format!("{:.2}", value.abs())))
        }
        Some("percent") => format!("{}%", format_decimals(value, 1)),
        _ => format_number(value),
    }
}

/// A plain number with thousands separators: integers without decimals,
/// others with at most two (four below one).
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_owned();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format_decimals(value, 0);
    }
    let decimals = if value.abs() < 1.0 { 4 } else { 2 };
    format_decimals(value, decimals)
}

/// A percentage change or share with one decimal: `12.5%`, `-3%`; `signed`
/// adds `+` to positive values.
pub fn format_percent(value: f64, signed: bool) -> String {
    let body = format_decimals(value, 1);
    if signed && value > 0.0 && body != "0" {
        format!("+{body}%")
    } else {
        format!("{body}%")
    }
}

/// Rounds to `decimals`, trims trailing zeros and groups thousands.
pub fn format_decimals(value: f64, decimals: usize) -> String {
    let mut s = format!("{:.*}", decimals, value.abs());
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
    }
    let negative = value < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let sign = if negative { "-" } else { "" };
    format!("{sign}{}", group(&s))
}

/// Inserts thousands separators into an unsigned decimal string.
fn group(s: &str) -> String {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// ECharts `axisLabel.formatter` string template for a format:
/// `${value}` for currency, `{value}%` for percent.
pub fn axis_formatter(format: Option<&str>) -> Option<&'static str> {
    match format {
        Some("currency") => Some("${value}"),
        Some("percent") => Some("{value}%"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_member_format() {
        assert_eq!(format_value(1234.5, Some("currency")), "$1,234.50");
        assert_eq!(format_value(-1234567.0, Some("currency")), "-$1,234,567.00");
        assert_eq!(format_value(12.54, Some("percent")), "12.5%");
        assert_eq!(format_value(1234.0, None), "1,234");
        assert_eq!(format_value(1234.567, None), "1,234.57");
        assert_eq!(format_value(0.12345, None), "0.1235");
        assert_eq!(format_value(f64::NAN, None), "n/a");
    }

    #[test]
    fn percent_changes_carry_a_sign() {
        assert_eq!(format_percent(12.5, true), "+12.5%");
        assert_eq!(format_percent(-3.0, true), "-3%");
        assert_eq!(format_percent(0.01, true), "0%");
        assert_eq!(format_percent(40.0, false), "40%");
    }

    #[test]
    fn axis_formatters() {
        assert_eq!(axis_formatter(Some("currency")), Some("${value}"));
        assert_eq!(axis_formatter(Some("percent")), Some("{value}%"));
        assert_eq!(axis_formatter(None), None);
    }
}
