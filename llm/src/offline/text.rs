//! Words: tokenizing questions, splitting member names, light stemming and
//! edit distance. Questions and model names go through the same functions so
//! that they meet in the same form.

use super::stopwords::is_skippable;

/// One word of a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The word as typed (case kept), used for case-sensitive value codes.
    pub orig: String,
    /// Lower-cased, canonical spelling (`avg` → `average`).
    pub text: String,
    /// Light stem of `text` (`categories` → `category`).
    pub stem: String,
    /// Set when `text` is a spelling correction of what was typed.
    pub corrected: bool,
    /// Set when a comma followed the word: no member phrase runs past it.
    pub clause_end: bool,
}

impl Token {
    /// A token from a raw word.
    pub fn new(orig: &str) -> Token {
        let lower = orig.to_lowercase();
        let text = canonical(&lower).to_owned();
        let stem = stem(&text);
        Token {
            orig: orig.to_owned(),
            text,
            stem,
            corrected: false,
            clause_end: false,
        }
    }

    /// Replaces the word by a correction (keeping what was typed).
    pub fn correct_to(&mut self, word: &str) {
        self.text = word.to_owned();
        self.stem = stem(word);
        self.corrected = true;
    }

    /// The token as a number, if it is one (`1,000`, `2.5`, `10k`).
    pub fn number(&self) -> Option<f64> {
        parse_number(&self.text)
    }
}

/// Splits text into words: letters and digits, with `-` kept only between
/// digits (dates, `25-34`); currency signs and `%` become words of their own;
/// everything else separates words.
pub fn words(text: &str) -> Vec<String> {
    split_words(text, false)
}

/// The word [`tokenize`] reads a comma between words as: the end of a
/// clause, which no member phrase spans ("exclude returned, count orders").
const CLAUSE_BREAK: &str = "\u{2063}";

/// [`words`], with a [`CLAUSE_BREAK`] where a comma stood between words
/// when `commas`.
fn split_words(text: &str, commas: bool) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        if c.is_alphanumeric() {
            current.push(c);
        } else if matches!(c, '-' | '.' | ',' | '/')
            && prev.is_ascii_digit()
            && next.is_ascii_digit()
        {
            // 2024-03-14, 25-34, 1.5, 1,000 (the comma is dropped).
            if c != ',' {
                current.push(c);
            }
        } else if c == '/' && {
            // "sign-ups / month", "orders/week": per.
            let after: String = chars[i + 1..]
                .iter()
                .skip_while(|c| c.is_whitespace())
                .take_while(|c| c.is_alphabetic())
                .collect();
            super::calendar::unit(&after.to_lowercase()).is_some()
        } {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push("per".to_owned());
        } else if matches!(c, '\'' | '\u{2019}') {
            // "what's" → "what", "children's" → "children", "don't" → "dont".
            let after = chars.get(i + 2).copied().unwrap_or(' ');
            if matches!(next, 's' | 'S') && !after.is_alphanumeric() {
                i += 1;
            }
            // "Q4 '20", "Apr '26": a year of this century.
            let third = chars.get(i + 3).copied().unwrap_or(' ');
            if current.is_empty()
                && next.is_ascii_digit()
                && after.is_ascii_digit()
                && !third.is_alphanumeric()
            {
                current.push_str("20");
            }
        } else {
            // "Oct–Dec 2025", "Jan-Mar": a span of months.
            let month_span = matches!(c, '-' | '–')
                && super::calendar::month(&current.to_lowercase()).is_some()
                && {
                    let after: String = chars[i + 1..]
                        .iter()
                        .take_while(|c| c.is_alphabetic())
                        .collect();
                    super::calendar::month(&after.to_lowercase()).is_some()
                };
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            if commas && c == ',' {
                out.push(CLAUSE_BREAK.to_owned());
            }
            if month_span {
                out.push("to".to_owned());
            } else if matches!(c, '-' | '–' | '—') {
                out.push(super::day_spans::DASH.to_owned());
            }
            // "discount >= 0.5", "quantity > 5", "status != cancelled": the
            // words the conditions are read from.
            let symbol = match (c, next) {
                ('>', '=') | ('≥', _) => Some(["at", "least"].as_slice()),
                ('<', '=') | ('≤', _) => Some(["at", "most"].as_slice()),
                ('!', '=') | ('<', '>') | ('≠', _) => Some(["not"].as_slice()),
                ('>', _) => Some(["over"].as_slice()),
                ('<', _) => Some(["under"].as_slice()),
                _ => None,
            };
            // "exclude cancelled + returned", "Home & Garden & Toys": a
            // sign between spaces joins like "and" ("100+" is no join).
            let symbol = symbol.or_else(|| {
                (matches!(c, '+' | '&') && prev.is_whitespace() && next.is_whitespace())
                    .then_some(["and"].as_slice())
            });
            if let Some(replacement) = symbol {
                out.extend(replacement.iter().map(|w| (*w).to_owned()));
                if matches!((c, next), ('>' | '<' | '!', '=') | ('<', '>')) {
                    i += 1;
                }
            }
            if matches!(c, '$' | '€' | '£' | '%') {
                out.push(c.to_string());
            }
        }
        i += 1;
    }
    if !current.is_empty() {
        out.push(current);
    }
    // "did NYC outsell Detroit", "outspent": the verb of the measure, and
    // "more", which compares.
    if out
        .iter()
        .any(|w| w.len() > 5 && w.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("out")))
    {
        out = out
            .into_iter()
            .flat_map(|w| match w.to_lowercase().strip_prefix("out") {
                Some(verb) if super::lexicon::is_measure_verb(verb) => {
                    vec![verb.to_owned(), "more".to_owned()]
                }
                _ => vec![w],
            })
            .collect();
    }
    // "03/2026" and "15/01/2026": the ISO month and day the time reader
    // reads. "from 12/1/2025 to 2/28/2026": a date whose order is plain
    // (28 is no month) settles the order of the others.
    let month_first = out.iter().find_map(|w| slashed_order(w));
    for w in out.iter_mut() {
        if let Some(iso) = slashed_date(w, month_first).or_else(|| dotted_date(w)) {
            *w = iso;
        }
    }
    let mut out = super::day_spans::spell_out(out);
    // "the 18-24s", "over-65s": a group named by its numbers.
    for w in out.iter_mut() {
        if let Some(number) = w.strip_suffix('s') {
            if number.ends_with(|c: char| c.is_ascii_digit())
                && number.chars().all(|c| c.is_ascii_digit() || c == '-')
            {
                *w = number.to_owned();
            }
        }
    }
    out
}

/// Whether a slashed day with a year puts the month first: `Some(false)`
/// for "15/01/2026", `Some(true)` for "2/28/2026", `None` when either
/// number could be the month.
fn slashed_order(word: &str) -> Option<bool> {
    if !word.contains('/') {
        return None;
    }
    let parts: Vec<&str> = word.split('/').collect();
    let [a, b, y] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str| s.parse::<u32>().ok().filter(|_| s.len() <= 2);
    if y.len() != 4 {
        return None;
    }
    match (number(a)? > 12, number(b)? > 12) {
        (true, false) => Some(false),
        (false, true) => Some(true),
        _ => None,
    }
}

/// A date written with slashes as an ISO month or day: "03/2026" is
/// "2026-03"; "15/01/2026" (the day first, as it must be over 12) is
/// "2026-01-15", and "01/15/2026" likewise. "03/04/2026" could be either
/// and is read in `month_first` order when another date of the text settles
/// it, else left as typed.
fn slashed_date(word: &str, month_first: Option<bool>) -> Option<String> {
    // Every word of every model phrase passes here: most have no slash.
    if !word.contains('/') {
        return None;
    }
    let parts: Vec<&str> = word.split('/').collect();
    let number = |s: &str| s.parse::<u32>().ok().filter(|_| s.len() <= 2);
    let year = parts.last().filter(|y| y.len() == 4)?.parse::<u32>().ok()?;
    match parts.as_slice() {
        [m, _] => {
            let m = number(m).filter(|m| (1..=12).contains(m))?;
            Some(format!("{year}-{m:02}"))
        }
        [a, b, _] => {
            let (a, b) = (number(a)?, number(b)?);
            let (m, d) = if slashed_order(word).or(month_first)? {
                (a, b)
            } else {
                (b, a)
            };
            ((1..=12).contains(&m) && (1..=31).contains(&d))
                .then(|| format!("{year}-{m:02}-{d:02}"))
        }
        _ => None,
    }
}

/// A date written with dots, day first as everywhere it is written so:
/// "01.04.2026" is "2026-04-01".
fn dotted_date(word: &str) -> Option<String> {
    let parts: Vec<&str> = word.split('.').collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str| s.parse::<u32>().ok().filter(|_| (1..=2).contains(&s.len()));
    let (d, m) = (number(d)?, number(m)?);
    let year = y.parse::<u32>().ok().filter(|_| y.len() == 4)?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{year}-{m:02}-{d:02}"))
}

/// The part of a value a member named after it holds: "cancelled" in
/// `cancelled_count` and `cancellation_rate`, "returned" in `return_rate`
/// (the value less two letters, at least five).
pub fn value_stem(value: &str) -> String {
    let v = value.to_lowercase();
    let keep = v.chars().count().saturating_sub(2).max(5);
    v.chars().take(keep).collect()
}

/// Tokens of a question.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    for w in super::phrases::rewrite(super::spoken::digits(split_words(text, true))) {
        if w == CLAUSE_BREAK {
            if let Some(last) = tokens.last_mut() {
                last.clause_end = true;
            }
            continue;
        }
        match shorthand_period(&w) {
            Some(parts) => tokens.extend(parts.iter().map(|p| Token::new(p))),
            None => tokens.push(Token::new(&w)),
        }
    }
    tokens
}

/// Chat shorthand for a recent period: `l7d` → "last 7 days", `30d` →
/// "30 days", `l3m` → "last 3 months", `l2w` → "last 2 weeks".
fn shorthand_period(word: &str) -> Option<Vec<String>> {
    let lower = word.to_lowercase();
    // "TTM", "LTM": the trailing (last) twelve months.
    if matches!(lower.as_str(), "ttm" | "ltm") {
        return Some(vec!["last".into(), "12".into(), "months".into()]);
    }
    let (last, rest) = match lower.strip_prefix('l') {
        Some(rest) => (true, rest),
        None => (false, lower.as_str()),
    };
    // A bare "4m" is four million; only "l4m" is months.
    let unit = match rest.chars().last()? {
        'd' => "days",
        'w' => "weeks",
        'm' if last => "months",
        _ => return None,
    };
    let digits = &rest[..rest.len() - 1];
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut parts = vec![digits.to_owned(), unit.to_owned()];
    if last {
        parts.insert(0, "last".to_owned());
    }
    Some(parts)
}

/// Stems of a phrase (model side), stopwords removed.
pub fn phrase_key(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter(|t| !is_skippable(&t.text))
        .map(|t| t.stem)
        .collect()
}

/// Splits a member or cube name into lower-case words: `totalSales` →
/// `total sales`, `sub_category` → `sub category`, `ECommerce` → `e commerce`,
/// `rollingCountBy2Day` → `rolling count by 2 day`.
pub fn split_identifier(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = if i > 0 { chars[i - 1] } else { '_' };
        let next = chars.get(i + 1).copied().unwrap_or('_');
        let boundary = !current.is_empty()
            && ((c.is_uppercase() && (prev.is_lowercase() || prev.is_ascii_digit()))
                || (c.is_uppercase() && prev.is_uppercase() && next.is_lowercase())
                || (c.is_ascii_digit() && prev.is_alphabetic())
                || (c.is_alphabetic() && prev.is_ascii_digit()));
        if boundary {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Canonical spelling of common abbreviations.
pub fn canonical(word: &str) -> &str {
    match word {
        "avg" | "mean" => "average",
        "qty" => "quantity",
        "cnt" => "count",
        "num" | "nr" | "no" | "#" => "number",
        "amt" => "amount",
        "pct" | "%" | "percentage" => "percent",
        "rev" => "revenue",
        "yr" | "yrs" => "year",
        "cust" => "customer",
        "custs" => "customers",
        "ppl" | "peeps" => "people",
        "versus" | "v" => "vs",
        "qtr" | "q" => "quarter",
        "mo" | "mos" | "mths" => "month",
        "yday" | "yest" => "yesterday",
        "pls" | "plz" => "please",
        "lst" => "last",
        "trailing" => "last",
        "disc" => "discount",
        "cat" | "cats" => "category",
        "subcat" | "subcats" => "subcategory",
        "thru" => "through",
        "fy" => "year",
        "sku" => "product",
        "skus" => "products",
        "cancels" | "cancelations" => "cancellations",
        "canceled" | "cancled" | "canceld" => "cancelled",
        "cancelation" => "cancellation",
        "registerd" | "regd" => "registered",
        "cncl" => "cancellation",
        "qtrly" => "quarterly",
        "grp" => "group",
        "b2b" | "biz" => "business",
        "b2c" => "consumer",
        "mth" | "mon" => "month",
        "wk" | "wks" => "week",
        "txn" | "trx" => "transaction",
        "txns" | "trxs" => "transactions",
        "e" => "e",
        other => other,
    }
}

/// A light English stem: plurals only (`categories` → `category`,
/// `orders` → `order`, `boxes` → `box`); words like `status` stay.
pub fn stem(word: &str) -> String {
    match word {
        "children" => return "child".into(),
        "people" => return "person".into(),
        "sales" => return "sale".into(),
        "ids" => return "id".into(),
        _ => {}
    }
    let n = word.chars().count();
    if n <= 3 || word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_owned();
    }
    if let Some(base) = word.strip_suffix("ies") {
        if n > 4 {
            return format!("{base}y");
        }
    }
    for suffix in ["sses", "xes", "ches", "shes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    for keep in ["ss", "us", "is", "ous", "ics"] {
        if word.ends_with(keep) && !(keep == "ics" && n <= 4) {
            return word.to_owned();
        }
    }
    match word.strip_suffix('s') {
        Some(base) => base.to_owned(),
        None => word.to_owned(),
    }
}

/// Endings a question word may add to a model word ("returned" for
/// "return", "opted" for "opt").
const ENDINGS: &[&str] = &["", "s", "d", "ed", "ing", "ion", "ions", "er", "ers", "ly"];

/// Whether a question word and a model word are the same word: equal, one
/// the other plus a common ending, or sharing a long start ("cancelled",
/// "cancellation").
pub fn same_word(question: &str, model: &str) -> bool {
    if question == model {
        return true;
    }
    let (short, long) = if question.len() <= model.len() {
        (question, model)
    } else {
        (model, question)
    };
    if short.len() >= 3 {
        if let Some(rest) = long.strip_prefix(short) {
            if ENDINGS.contains(&rest) {
                return true;
            }
        }
    }
    let common = question
        .chars()
        .zip(model.chars())
        .take_while(|(a, b)| a == b)
        .count();
    common >= 6
}

/// Optimal string alignment distance (Levenshtein plus adjacent
/// transpositions, over characters), capped: returns `max + 1` once the
/// distance exceeds `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    // Every edit changes the length by at most one: words whose lengths
    // differ by more than `max` are out of reach without comparing them.
    if a.chars().count().abs_diff(b.chars().count()) > max {
        return max + 1;
    }
    strsim::osa_distance(a, b).min(max + 1)
}

/// How many edits a typed word of this length may contain to still be
/// recognised (0 for short words, where a typo is indistinguishable from
/// another word).
pub fn typo_budget(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 0,
        4..=8 => 1,
        _ => 2,
    }
}

/// Parses `1000`, `1,000` (already without comma), `2.5`, `10k`, `3m`.
pub fn parse_number(text: &str) -> Option<f64> {
    let (digits, factor) = match text.chars().last() {
        Some('k') => (&text[..text.len() - 1], 1_000.0),
        Some('m') if text.len() > 1 => (&text[..text.len() - 1], 1_000_000.0),
        _ => (text, 1.0),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    digits.parse::<f64>().ok().map(|v| v * factor)
}

/// Number words up to twenty.
pub fn number_word(word: &str) -> Option<u32> {
    const WORDS: [&str; 21] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    if let Ok(n) = word.parse::<u32>() {
        return Some(n);
    }
    WORDS
        .iter()
        .position(|w| *w == word)
        .and_then(|i| u32::try_from(i).ok())
        .or(match word {
            "a" | "an" => Some(1),
            "couple" => Some(2),
            "few" => Some(3),
            "dozen" => Some(12),
            _ => None,
        })
}

/// A number formatted for a filter value: `100`, `2.5`.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_camel_snake_and_acronyms() {
        assert_eq!(split_identifier("totalSales"), ["total", "sales"]);
        assert_eq!(split_identifier("sub_category"), ["sub", "category"]);
        assert_eq!(split_identifier("ECommerce"), ["e", "commerce"]);
        assert_eq!(split_identifier("BigECommerce"), ["big", "e", "commerce"]);
        assert_eq!(
            split_identifier("rollingCountBy2Day"),
            ["rolling", "count", "by", "2", "day"]
        );
        assert_eq!(split_identifier("customerID"), ["customer", "id"]);
    }

    #[test]
    fn tokenizes_questions() {
        assert_eq!(
            words("What's revenue in 2024-03, by age 25-34? ($1,000+)"),
            ["What", "revenue", "in", "2024-03", "by", "age", "25-34", "$", "1000"]
        );
        assert_eq!(words("children's t-shirts"), ["children", "t", "shirts"]);
        assert_eq!(words("credit_card"), ["credit", "card"]);
    }

    #[test]
    fn stems_plurals_only() {
        assert_eq!(stem("categories"), "category");
        assert_eq!(stem("orders"), "order");
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("boxes"), "box");
        assert_eq!(stem("sales"), "sale");
        assert_eq!(stem("electronics"), "electronics");
        assert_eq!(stem("analysis"), "analysis");
        assert_eq!(Token::new("Avg").text, "average");
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("revenue", "revnue", 2), 1);
        assert_eq!(edit_distance("category", "categroy", 2), 1);
        assert_eq!(edit_distance("customers", "custmers", 2), 1);
        assert_eq!(edit_distance("salaries", "sales", 2), 3);
        // Optimal string alignment: a substring is edited once, so `ca` ->
        // `abc` is three edits (Damerau-Levenshtein would say two).
        assert_eq!(edit_distance("ca", "abc", 5), 3);
        // Characters, not bytes; capped at `max + 1`.
        assert_eq!(edit_distance("café", "cafe", 1), 1);
        assert_eq!(edit_distance("revenue", "profit", 2), 3);
        assert_eq!(edit_distance("", "", 0), 0);
        assert_eq!(typo_budget("chanel"), 1);
        assert_eq!(typo_budget("web"), 0);
        assert_eq!(typo_budget("sals"), 1);
    }

    #[test]
    fn parses_numbers() {
        assert_eq!(parse_number("1000"), Some(1000.0));
        assert_eq!(parse_number("2.5"), Some(2.5));
        assert_eq!(parse_number("10k"), Some(10_000.0));
        assert_eq!(parse_number("week"), None);
        assert_eq!(number_word("five"), Some(5));
        assert_eq!(format_number(100.0), "100");
    }
}
