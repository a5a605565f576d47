//! Filter words: known dimension values ("only Europe", "web orders") and
//! numeric conditions ("over 100", "at least $50").

use std::collections::{BTreeMap, BTreeSet};

use strata_engine::query::FilterOperator;

use super::stopwords::is_stopword;
use super::text::{tokenize, Token};
use crate::catalog::Catalog;

/// A known value of a string dimension, indexed by its words.
#[derive(Debug, Clone)]
struct ValueEntry {
    member: usize,
    value: String,
    stems: Vec<String>,
    /// Short codes (`EU`, `US`) and values that are common words must be
    /// typed exactly, case included.
    exact_case: bool,
}

/// Every sample value of a catalog, by first word.
#[derive(Debug, Clone, Default)]
pub struct ValueIndex {
    entries: Vec<ValueEntry>,
    by_first: BTreeMap<String, Vec<usize>>,
    /// Values of several words by their initials ("UK", "NYC").
    by_initials: BTreeMap<String, Vec<usize>>,
    /// Values of several words typed as one ("giftcard", "creditcard").
    by_joined: BTreeMap<String, Vec<usize>>,
    vocabulary: BTreeSet<String>,
}

/// Values found at a position: every (member, value) whose words are there.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueMatch {
    /// Tokens used.
    pub len: usize,
    /// Candidate (member index, value) pairs, in catalog order.
    pub hits: Vec<(usize, String)>,
}

impl ValueIndex {
    /// Indexes [`crate::CatalogMember::sample_values`] of every dimension.
    pub fn new(catalog: &Catalog) -> ValueIndex {
        let mut index = ValueIndex::default();
        for (i, m) in catalog.members().iter().enumerate() {
            for value in &m.sample_values {
                let tokens = tokenize(value);
                let Some(first) = tokens.first() else {
                    continue;
                };
                let exact_case =
                    value.chars().count() <= 2 || (tokens.len() == 1 && is_stopword(&first.text));
                if !exact_case {
                    for t in &tokens {
                        index.vocabulary.insert(t.text.clone());
                    }
                }
                index
                    .by_first
                    .entry(first.stem.clone())
                    .or_default()
                    .push(index.entries.len());
                let initials: String = tokens
                    .iter()
                    .filter(|t| !matches!(t.text.as_str(), "of" | "and" | "the"))
                    .filter_map(|t| t.text.chars().next())
                    .collect::<String>()
                    .to_uppercase();
                if tokens.len() >= 2 {
                    let joined: String = tokens.iter().map(|t| t.text.as_str()).collect();
                    index
                        .by_joined
                        .entry(super::text::stem(&joined))
                        .or_default()
                        .push(index.entries.len());
                }
                if tokens.len() >= 2 && initials.chars().all(|c| c.is_ascii_alphabetic()) {
                    index
                        .by_initials
                        .entry(initials)
                        .or_default()
                        .push(index.entries.len());
                }
                index.entries.push(ValueEntry {
                    member: i,
                    value: value.clone(),
                    stems: tokens.into_iter().map(|t| t.stem).collect(),
                    exact_case,
                });
            }
        }
        index
    }

    /// Words of the values (for spelling correction).
    pub fn vocabulary(&self) -> &BTreeSet<String> {
        &self.vocabulary
    }

    /// The longest values whose words start at token `i`.
    pub fn match_at(&self, tokens: &[Token], i: usize) -> Option<ValueMatch> {
        let first = tokens.get(i)?;
        let Some(candidates) = self.by_first.get(&first.stem) else {
            return self
                .demonym_at(first)
                .or_else(|| self.initialism_at(first))
                .or_else(|| self.single(self.by_joined.get(&first.stem)?));
        };
        let mut best: Option<ValueMatch> = None;
        for &e in candidates {
            let entry = &self.entries[e];
            let len = entry.stems.len();
            let Some(window) = tokens.get(i..i + len) else {
                continue;
            };
            let words_match = window.iter().zip(&entry.stems).all(|(t, s)| t.stem == *s);
            let case_ok = !entry.exact_case
                || window
                    .iter()
                    .map(|t| t.orig.as_str())
                    .eq([entry.value.as_str()]);
            if !words_match || !case_ok {
                continue;
            }
            match &mut best {
                Some(b) if b.len > len => {}
                Some(b) if b.len == len => {
                    if !b.hits.iter().any(|(m, _)| *m == entry.member) {
                        b.hits.push((entry.member, entry.value.clone()));
                    }
                }
                _ => {
                    best = Some(ValueMatch {
                        len,
                        hits: vec![(entry.member, entry.value.clone())],
                    })
                }
            }
        }
        // "US customers": a code ("US") that is also the initials of a name
        // ("United States") is read as the name, which views also carry.
        let code = |v: &str| v.chars().count() <= 3 && v.chars().all(|c| c.is_ascii_uppercase());
        if best
            .as_ref()
            .is_some_and(|b| b.len == 1 && b.hits.iter().all(|(_, v)| code(v)))
        {
            if let Some(named) = self.initialism_at(first) {
                return Some(named);
            }
        }
        best
    }

    /// "UK", "NYC": a word typed in capitals that is the initials of exactly
    /// one value of several words ("United Kingdom", "New York City").
    fn initialism_at(&self, token: &Token) -> Option<ValueMatch> {
        let typed = token.orig.as_str();
        let capitals = (2..=4).contains(&typed.chars().count())
            && typed.chars().all(|c| c.is_ascii_uppercase());
        if !capitals {
            return None;
        }
        self.single(self.by_initials.get(typed)?)
    }

    /// The one-token match of `entries` when they all hold one value.
    fn single(&self, entries: &[usize]) -> Option<ValueMatch> {
        let mut values: Vec<&str> = entries
            .iter()
            .map(|&e| self.entries[e].value.as_str())
            .collect();
        values.sort_unstable();
        values.dedup();
        if values.len() != 1 {
            return None;
        }
        let hits = entries
            .iter()
            .map(|&e| (self.entries[e].member, self.entries[e].value.clone()))
            .collect();
        Some(ValueMatch { len: 1, hits })
    }

    /// "European", "Brazilian", "Japanese": the one-word value a demonym is
    /// made from ("Europe", "Brazil", "Japan"), when exactly one value's
    /// word starts with the stem the suffix leaves.
    fn demonym_at(&self, token: &Token) -> Option<ValueMatch> {
        const SUFFIXES: &[&str] = &["ean", "ian", "an", "ese", "ish"];
        let word = token.text.as_str();
        if let Some((_, country)) = OTHER_NAMES.iter().find(|(d, _)| *d == word) {
            let words = tokenize(country);
            let first = words.first()?;
            let entries: Vec<usize> = self
                .by_first
                .get(&first.stem)?
                .iter()
                .copied()
                .filter(|&e| {
                    self.entries[e]
                        .stems
                        .iter()
                        .eq(words.iter().map(|t| &t.stem))
                })
                .collect();
            return self.single(&entries);
        }
        let base = SUFFIXES
            .iter()
            .find_map(|s| word.strip_suffix(s))
            .filter(|b| b.chars().count() >= 3)?;
        let mut hits: Vec<(usize, String)> = Vec::new();
        let mut stems: Vec<&str> = Vec::new();
        for (stem, list) in self.by_first.range(base.to_owned()..) {
            if !stem.starts_with(base) {
                break;
            }
            if stem.len() > base.len() + 3 {
                continue;
            }
            for &e in list {
                let entry = &self.entries[e];
                if entry.stems.len() == 1 && !entry.exact_case {
                    hits.push((entry.member, entry.value.clone()));
                    stems.push(stem);
                }
            }
        }
        stems.dedup();
        (stems.len() == 1).then_some(ValueMatch { len: 1, hits })
    }
}

/// Words that name a value without spelling it: demonyms no suffix rule
/// reaches ("French" is France, "Dutch" the Netherlands) and everyday names
/// of channels ("the app" is mobile). Used only where no value starts with
/// the word, and only for a value the data has.
const OTHER_NAMES: &[(&str, &str)] = &[
    // Everyday names of sales channels.
    ("app", "mobile"),
    ("apps", "mobile"),
    ("website", "web"),
    ("webshop", "web"),
    // Nicknames of cities.
    ("philly", "Philadelphia"),
    ("nyc", "New York City"),
    ("la", "Los Angeles"),
    ("sf", "San Francisco"),
    ("vegas", "Las Vegas"),
    ("french", "France"),
    ("dutch", "Netherlands"),
    ("swiss", "Switzerland"),
    ("british", "United Kingdom"),
    ("irish", "Ireland"),
    ("spanish", "Spain"),
    ("danish", "Denmark"),
    ("polish", "Poland"),
    ("finnish", "Finland"),
    ("turkish", "Turkey"),
    ("greek", "Greece"),
    ("thai", "Thailand"),
    ("filipino", "Philippines"),
    ("portuguese", "Portugal"),
    ("american", "United States"),
    ("argentine", "Argentina"),
    ("norwegian", "Norway"),
    ("swedish", "Sweden"),
    ("emirati", "United Arab Emirates"),
    ("saudi", "Saudi Arabia"),
];

/// A numeric comparison operator as Cube names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `gt`
    Gt,
    /// `gte`
    Gte,
    /// `lt`
    Lt,
    /// `lte`
    Lte,
    /// `equals`
    Equals,
}

impl Comparison {
    /// Cube's filter operator.
    pub fn operator(self) -> FilterOperator {
        match self {
            Comparison::Gt => FilterOperator::Gt,
            Comparison::Gte => FilterOperator::Gte,
            Comparison::Lt => FilterOperator::Lt,
            Comparison::Lte => FilterOperator::Lte,
            Comparison::Equals => FilterOperator::Equals,
        }
    }
}

/// "over $100": a comparison with a number, tokens `start..end`.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericCondition {
    /// First token.
    pub start: usize,
    /// One past the number.
    pub end: usize,
    /// The operator.
    pub op: Comparison,
    /// The number.
    pub value: f64,
    /// A currency sign came with the number.
    pub currency: bool,
    /// A percent sign or word came with the number ("20%").
    pub percent: bool,
    /// The upper end of "between 20 and 50": it applies to what the lower
    /// end applies to.
    pub upper_of_range: bool,
}

/// A percent sign or word after a number ("20%", "10 percent").
fn percent_word(word: &str) -> bool {
    matches!(word, "%" | "percent" | "pct")
}

/// A currency sign before a number ("$50", "€2.5k").
fn currency_sign(word: Option<&&str>) -> bool {
    matches!(word, Some(&("$" | "€" | "£")))
}

/// A currency named after a number ("50 dollars", "2.5k euros").
fn currency_word(word: &str) -> bool {
    matches!(
        word,
        "dollars" | "dollar" | "euros" | "euro" | "usd" | "eur"
    )
}

/// The comparison words at `i` and their length.
fn comparator(t: &[&str], i: usize) -> Option<(Comparison, usize)> {
    let w = t[i];
    let w1 = t.get(i + 1).copied().unwrap_or("");
    let two = match (w, w1) {
        ("more" | "greater" | "higher" | "bigger" | "larger", "than") => Some(Comparison::Gt),
        ("less" | "fewer" | "lower" | "smaller", "than") => Some(Comparison::Lt),
        ("at", "least") | ("no", "less") => Some(Comparison::Gte),
        ("at", "most") | ("up", "to") | ("no", "more") => Some(Comparison::Lte),
        ("equal", "to") => Some(Comparison::Equals),
        _ => None,
    };
    if let Some(op) = two {
        let extra = usize::from(matches!((w, w1), ("no", _)) && t.get(i + 2) == Some(&"than"));
        return Some((op, 2 + extra));
    }
    let one = match w {
        "over" | "above" | "exceeding" | "exceeds" | "exceed" | "beyond" => Comparison::Gt,
        "under" | "below" | "beneath" => Comparison::Lt,
        "exactly" => Comparison::Equals,
        "minimum" | "min" => Comparison::Gte,
        "maximum" | "max" => Comparison::Lte,
        _ => return None,
    };
    Some((one, 1))
}

/// Finds "over 100", "more than $50", "at least 3" conditions.
pub fn numeric_conditions(tokens: &[Token]) -> Vec<NumericCondition> {
    let t: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if let Some((op, len)) = comparator(&t, i) {
            let mut j = i + len;
            let currency = currency_sign(t.get(j));
            if currency {
                j += 1;
            }
            let value = tokens
                .get(j)
                .and_then(Token::number)
                .or_else(|| (t.get(j) == Some(&"zero")).then_some(0.0));
            // "which products lost money over 2020": a year the figure ran
            // over, not an amount ("over 2000 orders" stays an amount).
            let over_a_year = t[i] == "over"
                && !currency
                && t.get(j)
                    .is_some_and(|w| super::calendar::year_after_over(w, t.get(j + 1).copied()));
            if over_a_year {
                i += 1;
                continue;
            }
            if let Some(value) = value {
                // Years are dates, not amounts ("over 2023" is rare; "since" handles dates).
                let mut end = j + 1;
                // "over 2 million", "under 5 thousand".
                let scale = match t.get(end) {
                    Some(&"thousand") => Some(1e3),
                    Some(&("million" | "mn")) => Some(1e6),
                    Some(&("billion" | "bn")) => Some(1e9),
                    _ => None,
                };
                let value = value * scale.unwrap_or(1.0);
                end += usize::from(scale.is_some());
                let trailing_currency = t.get(end).is_some_and(|w| *w == "$" || currency_word(w));
                if trailing_currency {
                    end += 1;
                }
                // "below 20%", "over 10 percent": a rate's own unit.
                let percent = t.get(end).is_some_and(|w| percent_word(w));
                if percent {
                    end += 1;
                }
                // "250 and above", "50% or more": inclusive.
                let mut op = op;
                let inclusive = match (t.get(end), t.get(end + 1)) {
                    (Some(&("and" | "or")), Some(&("above" | "more" | "over" | "higher"))) => {
                        Some(Comparison::Gte)
                    }
                    (
                        Some(&("and" | "or")),
                        Some(&("below" | "less" | "fewer" | "under" | "lower")),
                    ) => Some(Comparison::Lte),
                    _ => None,
                };
                if let Some(inclusive) = inclusive {
                    op = inclusive;
                    end += 2;
                }
                found.push(NumericCondition {
                    start: i,
                    end,
                    op,
                    value,
                    currency: currency || trailing_currency,
                    percent,
                    upper_of_range: false,
                });
                i = end;
                continue;
            }
        }
        i += 1;
    }
    // "priced between 20 and 50": both ends, inclusive. Years and days of
    // a month are dates ("between 2020 and 2023", "between 3 and 10 May").
    for i in 0..t.len() {
        if t[i] != "between" || found.iter().any(|c| (c.start..c.end).contains(&i)) {
            continue;
        }
        let number = |k: usize| tokens.get(k).and_then(Token::number);
        // "between $100 and $500": a currency sign before each end.
        let signed = |k: usize| currency_sign(t.get(k));
        let low_at = i + 1 + usize::from(signed(i + 1));
        let and_at = low_at + 1;
        let high_at = and_at + 1 + usize::from(signed(and_at + 1));
        let (Some(low), Some("and"), Some(high)) =
            (number(low_at), t.get(and_at).copied(), number(high_at))
        else {
            continue;
        };
        let dated = [t[low_at], t[high_at]]
            .iter()
            .any(|w| super::calendar::year(w).is_some())
            || t.get(high_at + 1)
                .is_some_and(|w| super::calendar::month(w).is_some());
        if dated || low > high {
            continue;
        }
        let percent = t.get(high_at + 1).is_some_and(|w| percent_word(w));
        let named_currency = t.get(high_at + 1).is_some_and(|w| currency_word(w));
        let currency = signed(i + 1) || named_currency;
        let end = high_at + 1 + usize::from(percent || named_currency);
        for (start, end, op, value) in [
            (i, and_at, Comparison::Gte, low),
            (and_at, end, Comparison::Lte, high),
        ] {
            found.push(NumericCondition {
                start,
                end,
                op,
                value,
                currency,
                percent,
                upper_of_range: op == Comparison::Lte,
            });
        }
    }
    // "large orders (250 and above)", "a discount of 50% or more": a number
    // with an inclusive bound after it.
    for (i, tok) in tokens.iter().enumerate() {
        if found.iter().any(|c| (c.start..c.end).contains(&i)) {
            continue;
        }
        let Some(value) = tok.number() else { continue };
        let mut k = i + 1;
        let percent = t.get(k).is_some_and(|w| percent_word(w));
        if percent {
            k += 1;
        }
        let op = match (t.get(k), t.get(k + 1)) {
            (Some(&("and" | "or")), Some(&("above" | "more" | "over" | "higher" | "up"))) => {
                Comparison::Gte
            }
            (Some(&("and" | "or")), Some(&("below" | "less" | "fewer" | "under" | "lower"))) => {
                Comparison::Lte
            }
            _ => continue,
        };
        found.push(NumericCondition {
            start: i,
            end: k + 2,
            op,
            value,
            currency: false,
            percent,
            upper_of_range: false,
        });
    }
    found.sort_by_key(|c| c.start);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_numeric_conditions() {
        let c = numeric_conditions(&tokenize("orders over $100 with at least 3 items"));
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].op, c[0].value, c[0].currency),
            (Comparison::Gt, 100.0, true)
        );
        assert_eq!(
            (c[1].op, c[1].value, c[1].currency),
            (Comparison::Gte, 3.0, false)
        );
        assert!(numeric_conditions(&tokenize("revenue over time")).is_empty());
        let c = numeric_conditions(&tokenize("products priced between 20 and 50"));
        let ends: Vec<_> = c.iter().map(|c| (c.op, c.value)).collect();
        assert_eq!(ends, [(Comparison::Gte, 20.0), (Comparison::Lte, 50.0)]);
        assert!(numeric_conditions(&tokenize("revenue between 2020 and 2023")).is_empty());
        let c = numeric_conditions(&tokenize("regions with over 2 million in revenue"));
        assert_eq!((c[0].op, c[0].value, c[0].end), (Comparison::Gt, 2e6, 5));
        let c = numeric_conditions(&tokenize("less than 2.5k euros"));
        assert_eq!((c[0].op, c[0].value, c[0].end), (Comparison::Lt, 2500.0, 4));
    }

    #[test]
    fn matches_sample_values_case_and_plural_insensitively() {
        let model = strata_demo::model().expect("demo model");
        let mut catalog = Catalog::from_model(&model);
        catalog.set_sample_values(
            "Regions.name",
            vec!["Europe".into(), "North America".into()],
        );
        catalog.set_sample_values("Regions.code", vec!["EU".into(), "NA".into()]);
        catalog.set_sample_values("Products.subcategory", vec!["Laptops".into()]);
        let index = ValueIndex::new(&catalog);
        let name = |m: usize| catalog.members()[m].name.clone();
        let tokens = tokenize("sales in north america and EU for laptop");
        let hit = index.match_at(&tokens, 2).expect("north america");
        assert_eq!(hit.len, 2);
        assert_eq!(name(hit.hits[0].0), "Regions.name");
        let eu = index.match_at(&tokens, 5).expect("EU");
        assert_eq!(
            (name(eu.hits[0].0), eu.hits[0].1.as_str()),
            ("Regions.code".into(), "EU")
        );
        assert!(
            index.match_at(&tokenize("eu"), 0).is_none(),
            "codes need their case"
        );
        assert_eq!(
            index.match_at(&tokens, 7).expect("laptop").hits[0].1,
            "Laptops"
        );
    }
}
