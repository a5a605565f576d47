//! Numbers spoken or typed as words, as a dictation gives them: "sixty five
//! plus", "between march third and april twenty first", "q four twenty
//! twenty five". Runs of number words become digits before the question is
//! read, so every rule that reads numbers, days and years reads these too.
//!
//! The conversion of a run is `text2num`'s; this module only finds the runs
//! and reads the one form it does not: a year said as two pairs ("twenty
//! twenty five"). A lone small word stays a word ("first half", "top
//! three" are read by the rules that know them), except an ordinal after a
//! month ("march third") and a quarter's number ("q four").

use std::sync::LazyLock;

use text2num::{text2digits, Language};

use super::calendar::month;

static ENGLISH: LazyLock<Language> = LazyLock::new(Language::english);

/// Words that can be part of a spoken number: cardinals, tens, hundreds
/// and ordinals. A `match`, not a list search: every word of every model
/// phrase passes through here when a parser is built.
fn is_number_word(word: &str) -> bool {
    matches!(
        word,
        "one"
            | "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
            | "ten"
            | "eleven"
            | "twelve"
            | "thirteen"
            | "fourteen"
            | "fifteen"
            | "sixteen"
            | "seventeen"
            | "eighteen"
            | "nineteen"
            | "twenty"
            | "thirty"
            | "forty"
            | "fifty"
            | "sixty"
            | "seventy"
            | "eighty"
            | "ninety"
            | "hundred"
            | "thousand"
            | "first"
            | "second"
            | "third"
            | "fourth"
            | "fifth"
            | "sixth"
            | "seventh"
            | "eighth"
            | "ninth"
            | "tenth"
            | "eleventh"
            | "twelfth"
            | "thirteenth"
            | "fourteenth"
            | "fifteenth"
            | "sixteenth"
            | "seventeenth"
            | "eighteenth"
            | "nineteenth"
            | "twentieth"
            | "thirtieth"
    )
}

/// The digits of a run of number words, `None` when it is not one number.
fn convert(run: &[String]) -> Option<String> {
    let text = run.join(" ");
    if let Ok(digits) = text2digits(&text, &*ENGLISH) {
        return Some(digits);
    }
    // "twenty twenty five", "nineteen ninety nine": a year in two pairs.
    let (first, rest) = run.split_first()?;
    let century = match first.as_str() {
        "twenty" => 20,
        "nineteen" => 19,
        _ => return None,
    };
    let tail: u32 = text2digits(&rest.join(" "), &*ENGLISH).ok()?.parse().ok()?;
    (10..100)
        .contains(&tail)
        .then(|| (century * 100 + tail).to_string())
}

/// Words that rank, after which a lone number is how many rows.
fn is_ranking_word(word: &str) -> bool {
    matches!(
        word,
        "most"
            | "least"
            | "best"
            | "worst"
            | "biggest"
            | "largest"
            | "smallest"
            | "highest"
            | "lowest"
            | "cheapest"
            | "priciest"
            | "busiest"
            | "newest"
            | "latest"
            | "oldest"
            | "top"
            | "bottom"
    )
}

/// "a dozen most profitable customers": twelve rows of a ranking.
fn dozens(mut words: Vec<String>) -> Vec<String> {
    if !words.iter().any(|w| w.eq_ignore_ascii_case("dozen")) {
        return words;
    }
    let next_ranks: Vec<bool> = words
        .iter()
        .skip(1)
        .map(|n| is_ranking_word(&n.to_lowercase()))
        .chain([false])
        .collect();
    for (w, ranks) in words.iter_mut().zip(next_ranks) {
        if ranks && w.eq_ignore_ascii_case("dozen") {
            *w = "12".to_owned();
        }
    }
    words
}

/// The question's words with runs of number words replaced by digits.
pub fn digits(words: Vec<String>) -> Vec<String> {
    let words = dozens(words);
    // Checked without allocating: every phrase of a model is tokenized too.
    let any = words.iter().any(|w| {
        if w.bytes().any(|b| b.is_ascii_uppercase()) {
            is_number_word(&w.to_ascii_lowercase())
        } else {
            is_number_word(w)
        }
    });
    if !any {
        return words;
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        if !is_number_word(&lower[i]) {
            out.push(words[i].clone());
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < words.len()
            && (is_number_word(&lower[end])
                || (lower[end] == "and"
                    && lower.get(end + 1).is_some_and(|w| is_number_word(w))
                    && matches!(lower[end - 1].as_str(), "hundred" | "thousand")))
        {
            end += 1;
        }
        // A run may hold several numbers ("q four twenty twenty five"):
        // the longest piece that reads as one number, then the rest.
        let mut k = i;
        while k < end {
            let (len, number) = (1..=end - k)
                .rev()
                .find_map(|len| convert(&lower[k..k + len]).map(|d| (len, d)))
                .unwrap_or((1, String::new()));
            let before = out.last().map(|w| w.to_lowercase());
            let before = before.as_deref();
            let keep = if number.is_empty() {
                false
            } else if len > 1 {
                true
            } else if before.is_some_and(|b| month(b).is_some()) {
                // "march third" (a lone cardinal after a month is a year
                // or a count, not a day: left to the date rules).
                number.ends_with(|c: char| c.is_ascii_alphabetic())
            } else if before == Some("q") {
                matches!(number.as_str(), "1" | "2" | "3" | "4")
            } else if before.is_some_and(|b| {
                matches!(
                    b,
                    "customer" | "order" | "product" | "user" | "number" | "id" | "#"
                )
            }) {
                // "customer seven": a record's number.
                !number.ends_with(|c: char| c.is_ascii_alphabetic())
            } else {
                // "the five worst products", "ten most expensive": how many
                // of a ranking.
                let after = lower.get(k + len).map(String::as_str);
                !number.ends_with(|c: char| c.is_ascii_alphabetic())
                    && after.is_some_and(is_ranking_word)
            };
            if !keep {
                out.extend(words[k..k + len].iter().cloned());
            } else if len == 1 && before == Some("q") {
                out.pop();
                out.push(format!("q{number}"));
            } else {
                out.push(number);
            }
            k += len;
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::digits;

    fn said(text: &str) -> String {
        digits(text.split_whitespace().map(str::to_owned).collect()).join(" ")
    }

    #[test]
    fn runs_of_number_words_become_digits() {
        assert_eq!(
            said("revenue in the first half of twenty twenty five"),
            "revenue in the first half of 2025"
        );
        assert_eq!(
            said("customers aged sixty five plus"),
            "customers aged 65 plus"
        );
        assert_eq!(
            said("orders between march third and april twenty first"),
            "orders between march 3rd and april 21st"
        );
        assert_eq!(
            said("margin in q four twenty twenty five"),
            "margin in q4 2025"
        );
        assert_eq!(said("two thousand and twenty four"), "2024");
        assert_eq!(said("nineteen ninety nine"), "1999");
        assert_eq!(said("one hundred and fifty orders"), "150 orders");
    }

    #[test]
    fn a_number_before_a_ranking_word_is_a_count() {
        assert_eq!(said("the five worst products"), "the 5 worst products");
        assert_eq!(said("ten most expensive items"), "10 most expensive items");
        assert_eq!(said("the first most"), "the first most");
        assert_eq!(said("a dozen most profitable"), "a 12 most profitable");
        assert_eq!(said("a dozen eggs"), "a dozen eggs");
    }

    #[test]
    fn a_record_s_number_is_digits() {
        let got = super::digits(
            "how many orders did customer seven place"
                .split(' ')
                .map(str::to_owned)
                .collect(),
        );
        assert_eq!(got.join(" "), "how many orders did customer 7 place");
        let got = super::digits("the first order".split(' ').map(str::to_owned).collect());
        assert_eq!(got.join(" "), "the first order");
    }

    #[test]
    fn lone_small_words_stay_words() {
        for kept in [
            "top three brands",
            "the first order",
            "last two weeks",
            "second quarter",
            "march sales",
            "one of them",
        ] {
            assert_eq!(said(kept), kept);
        }
    }
}
