//! Spans of days written with a dash, as month-end reports write them:
//! "1–31 May", "1-31 May", "May 1-31", "1 Jan–31 Mar", "1 May - 31 May";
//! and "A-Z", an order by name.
//!
//! [`super::text::words`] leaves a [`DASH`] word where a dash stood between
//! words; [`spell_out`] turns a dash between two dates into "to" and names
//! the month (and year) on both ends, so the time reader meets the plain
//! "1 May to 31 May" it reads. Any other dash only separated words and is
//! dropped, as it was before.

use super::calendar::{month, year};

/// The word a dash between words becomes until [`spell_out`] reads it.
pub(super) const DASH: &str = "\u{2013}";

fn is_month(word: &str) -> bool {
    month(&word.to_lowercase()).is_some()
}

/// A day of a month written as a number: 1 to 31, at most two digits.
fn is_day(word: &str) -> bool {
    word.len() <= 2 && word.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

fn is_year(word: &str) -> bool {
    year(word).is_some()
}

/// "1-31" kept as one word by the tokenizer (as "25-34" is): the two days.
fn joined_days(word: &str) -> Option<(&str, &str)> {
    let (a, b) = word.split_once('-')?;
    (is_day(a) && is_day(b)).then_some((a, b))
}

/// Words with every dash between two dates made "to", other dashes
/// dropped, and the month and year a span shares named on both ends.
pub(super) fn spell_out(words: Vec<String>) -> Vec<String> {
    // Most questions and every model phrase have no dash and no month.
    let has_dash = words.iter().any(|w| w == DASH || w.contains('-'));
    if !has_dash {
        return words;
    }
    let at = |i: Option<usize>| i.and_then(|i| words.get(i)).map(String::as_str);
    let mut out: Vec<String> = Vec::with_capacity(words.len() + 4);
    for (j, word) in words.iter().enumerate() {
        let before = at(j.checked_sub(1));
        let before2 = at(j.checked_sub(2));
        let after = at(Some(j + 1));
        let after2 = at(Some(j + 2));
        if word == DASH {
            // "A-Z", "Z-A": an order by name.
            let letters = |w: Option<&str>| w.map(str::to_lowercase);
            if matches!(
                (letters(before).as_deref(), letters(after).as_deref()),
                (Some("a"), Some("z")) | (Some("z"), Some("a"))
            ) {
                out.push("to".to_owned());
                continue;
            }
            let dated = |w: Option<&str>| w.is_some_and(|w| is_month(w) || is_day(w));
            let month_near = [before, before2, after, after2]
                .into_iter()
                .flatten()
                .any(is_month);
            let span = (dated(before) || before.is_some_and(is_year)) && dated(after) && month_near;
            if span {
                out.push("to".to_owned());
            }
            continue;
        }
        if let Some((a, b)) = joined_days(word) {
            // "1-31 May", "May 1-31"; an age band ("25-34") names no month.
            if after.is_some_and(is_month) || before.is_some_and(is_month) {
                out.extend([a.to_owned(), "to".to_owned(), b.to_owned()]);
                continue;
            }
        }
        out.push(word.clone());
    }
    share_month(out)
}

/// "1 to 31 May [2025]" → "1 May [2025] to 31 May [2025]"; "May 1 to 31"
/// → "May 1 to May 31".
fn share_month(mut words: Vec<String>) -> Vec<String> {
    let mut j = 0;
    while j < words.len() {
        let w = |k: usize| words.get(k).map(String::as_str).unwrap_or("");
        let day_first = is_day(w(j))
            && w(j + 1) == "to"
            && is_day(w(j + 2))
            && is_month(w(j + 3))
            && !(j > 0 && is_month(w(j - 1)));
        let month_first = is_month(w(j))
            && is_day(w(j + 1))
            && w(j + 2) == "to"
            && is_day(w(j + 3))
            && !is_month(w(j + 4));
        if day_first {
            let mut shared = vec![w(j + 3).to_owned()];
            if is_year(w(j + 4)) {
                shared.push(w(j + 4).to_owned());
            }
            let n = shared.len();
            words.splice(j + 1..j + 1, shared);
            j += 4 + n;
        } else if month_first {
            let m = w(j).to_owned();
            words.insert(j + 3, m);
            j += 5;
        } else {
            j += 1;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::super::text::words;

    fn spelled(text: &str) -> String {
        words(text).join(" ")
    }

    #[test]
    fn dashed_days_become_ranges() {
        assert_eq!(spelled("orders, 1–31 May"), "orders 1 May to 31 May");
        assert_eq!(spelled("orders, 1-31 May"), "orders 1 May to 31 May");
        assert_eq!(spelled("orders May 1-31"), "orders May 1 to May 31");
        assert_eq!(spelled("1 Jan–31 Mar"), "1 Jan to 31 Mar");
        assert_eq!(spelled("1 May - 31 May"), "1 May to 31 May");
        assert_eq!(spelled("1–30 June 2025"), "1 June 2025 to 30 June 2025");
        assert_eq!(spelled("1 Jan–30 Jun 2025"), "1 Jan to 30 Jun 2025");
    }

    #[test]
    fn other_dashes_only_separate() {
        assert_eq!(spelled("age 25-34 in May"), "age 25-34 in May");
        assert_eq!(spelled("Quick one - which brand"), "Quick one which brand");
        assert_eq!(spelled("table - top 10 products"), "table top 10 products");
        assert_eq!(spelled("2024-03-14"), "2024-03-14");
        assert_eq!(spelled("Jan-Mar 2025"), "Jan to Mar 2025");
        assert_eq!(spelled("top 5 - 2025"), "top 5 2025");
        assert_eq!(spelled("brands in Home, A-Z"), "brands in Home A to Z");
    }
}
