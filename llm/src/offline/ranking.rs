//! Ranking words: "top 5", "bottom 3", "10 best", "highest", "the 5
//! best-selling", "sorted by", "ascending", "limit 20", "highest first",
//! "best and worst", an all-time record; and the name-order words
//! ("alphabetically", "Z to A") whose order [`super::time_order`] applies.

use strata_schema::MemberKind;

use super::text::{number_word, Token};
use crate::catalog::Catalog;

/// Which way a ranking sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Largest first.
    Desc,
    /// Smallest first.
    Asc,
}

/// A ranking or sorting request found in a question.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ranking {
    /// Tokens used by ranking words.
    pub used: Vec<usize>,
    /// Sort direction, when one was asked for.
    pub direction: Option<Direction>,
    /// "top 5": how many rows.
    pub limit: Option<u32>,
    /// A "top"/"bottom" request (a top-N question).
    pub top: bool,
    /// A superlative ("most", "highest") without a count.
    pub superlative: bool,
    /// Token right after "top N" (the ranked thing), if any.
    pub subject: Option<usize>,
    /// Token right after "sorted by" / "ranked by" (the sort key), if any.
    pub sort_key: Option<usize>,
    /// Whether `direction` comes from "sorted by" alone, with no word
    /// saying which way: largest first for a figure, A to Z for names.
    pub direction_implied: bool,
}

/// Where the "by" of a sort verb at `i` stands: "sorted by", "sort them
/// by", "order it by".
fn sorted_by_at(t: &[&str], i: usize) -> Option<usize> {
    match (t.get(i + 1).copied(), t.get(i + 2).copied()) {
        (Some("by"), _) => Some(i + 1),
        (Some("it" | "them" | "that" | "those" | "this" | "these"), Some("by")) => Some(i + 2),
        _ => None,
    }
}

impl Ranking {
    /// Whether rows sorted by a column are largest (or Z) first: as the
    /// words say, else largest first for a figure and A to Z for a column
    /// of names or dates (`by_dimension`). `None` when nothing sorts.
    pub fn descending(&self, by_dimension: bool) -> Option<bool> {
        let dir = self.direction?;
        Some(dir == Direction::Desc && !(by_dimension && self.direction_implied))
    }

    /// [`Ranking::descending`] for the catalog member `key` sorted by.
    pub(super) fn descending_on(&self, catalog: &Catalog, key: usize) -> Option<bool> {
        let by_dimension = catalog
            .members()
            .get(key)
            .is_some_and(|m| m.kind == MemberKind::Dimension);
        self.descending(by_dimension)
    }
}

/// "the lowest 5", "highest 3": a count right after a superlative is how
/// many rows.
fn superlative_count(r: &mut Ranking, i: usize, n: Option<u32>) {
    if let Some(n) = n.filter(|&n| (2..=100).contains(&n)) {
        r.limit = Some(n);
        r.top = true;
        r.used.push(i + 1);
    }
}

/// Finds ranking words: "top 5", "bottom 3", "10 best", "highest", "sorted by",
/// "ascending", "limit 20".
pub fn ranking(tokens: &[Token]) -> Ranking {
    let t: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    let mut r = Ranking::default();
    // Where a "sorted by" stood that set the direction first.
    let mut sorted_alone = None;
    // "highest counts on top": the order of all rows, not the top one.
    let mut placement = false;
    let mut i = 0;
    while i < t.len() {
        let w = t[i];
        let w1 = t.get(i + 1).copied().unwrap_or("");
        let n1 = number_word(w1).filter(|_| w1 != "a" && w1 != "an");
        // "so the highest return rate is on top", "cheapest at the top":
        // where the first row goes, not a top few.
        let placed = w == "top"
            && (i >= 1 && matches!(t[i - 1], "on" | "at")
                || i >= 2 && t[i - 1] == "the" && t[i - 2] == "at");
        if placed {
            placement = true;
            r.used.push(i);
            i += 1;
            continue;
        }
        // "sorted by city", "sort them by revenue".
        let sort_verb = matches!(
            w,
            "sorted" | "sort" | "ordered" | "order" | "ranked" | "rank" | "ranking"
        );
        if let Some(by) = sorted_by_at(&t, i).filter(|_| sort_verb) {
            if r.direction.is_none() {
                sorted_alone = Some(i..by + 1);
            }
            r.direction.get_or_insert(Direction::Desc);
            r.used.extend(i..=by);
            r.sort_key = Some(by + 1);
            i = by + 1;
            continue;
        }
        match w {
            "top" | "bottom" | "best" | "worst" | "leading" => {
                let dir = if matches!(w, "bottom" | "worst") {
                    Direction::Asc
                } else {
                    Direction::Desc
                };
                r.direction = Some(dir);
                r.top = true;
                r.used.push(i);
                let mut next = i + 1;
                if let Some(n) = n1 {
                    r.limit = Some(n);
                    r.used.push(i + 1);
                    next += 1;
                }
                // "best-selling product": the ranked thing follows the verb,
                // which stays to name the measure.
                if t.get(next).copied().is_some_and(is_ranking_verb) {
                    next += 1;
                }
                r.subject = Some(next);
                i = next;
                continue;
            }
            "highest" | "most" | "largest" | "biggest" | "greatest" | "max" | "maximum"
            | "strongest" | "busiest" => {
                r.direction.get_or_insert(Direction::Desc);
                r.superlative = true;
                r.used.push(i);
                superlative_count(&mut r, i, n1);
            }
            // "the all-time record for orders in a single day", "our record
            // month": the highest; not "records", "a record of" or "the
            // record for order 55".
            "record"
                if matches!(
                    i.checked_sub(1).map(|k| t[k]),
                    // "" where "all-time" was read as a period and masked.
                    Some("" | "time")
                ) || super::calendar::unit(w1).is_some_and(|_| !w1.ends_with('s')) =>
            {
                r.direction.get_or_insert(Direction::Desc);
                r.superlative = true;
                r.used.push(i);
                superlative_count(&mut r, i, None);
            }
            "lowest" | "least" | "fewest" | "smallest" | "minimum" | "weakest" | "quietest" => {
                r.direction.get_or_insert(Direction::Asc);
                r.superlative = true;
                r.used.push(i);
                superlative_count(&mut r, i, n1);
            }
            "ascending" | "asc" | "increasing" => {
                r.direction = Some(Direction::Asc);
                r.used.push(i);
            }
            "descending" | "desc" | "decreasing" => {
                r.direction = Some(Direction::Desc);
                r.used.push(i);
            }
            // "rank our channels by number of orders": highest first.
            "rank" | "ranked" | "ranking" => {
                r.direction.get_or_insert(Direction::Desc);
                r.used.push(i);
            }
            // "which 3 subcategories gave away the most".
            "which" | "what" if n1.is_some_and(|n| (2..=100).contains(&n)) => {
                r.limit = n1;
                r.used.push(i + 1);
                i += 2;
                continue;
            }
            "limit" | "first" => {
                if let Some(n) = n1 {
                    r.limit = Some(n);
                    r.used.extend([i, i + 1]);
                    i += 2;
                    continue;
                }
            }
            _ if number_word(w).is_some()
                && !matches!(w, "a" | "an" | "one")
                && matches!(
                    w1,
                    "largest" | "biggest" | "highest" | "smallest" | "lowest" | "tiniest"
                ) =>
            {
                // "the 5 smallest orders": the count, then the superlative
                // word on the next round.
                r.limit = number_word(w);
                r.used.push(i);
            }
            _ => {
                // "5 best products", "10 most popular".
                if let (Some(n), "best" | "top" | "worst") = (number_word(w), w1) {
                    if w != "a" && w != "an" {
                        r.limit = Some(n);
                        r.top = true;
                        r.direction = Some(if w1 == "worst" {
                            Direction::Asc
                        } else {
                            Direction::Desc
                        });
                        r.used.extend([i, i + 1]);
                        // "the 5 best-selling products": past the verb.
                        let verb = t.get(i + 2).copied().is_some_and(is_ranking_verb);
                        r.subject = Some(i + 2 + usize::from(verb));
                        i += 2;
                        continue;
                    }
                }
                // "only the 3 first": a count before "first" that ends the
                // turn keeps the top rows shown ("the 3 biggest" is read
                // above).
                let ends_turn = t.get(i + 2..).is_some_and(|rest| {
                    rest.iter().all(|w| matches!(*w, "please" | "pls" | "ones"))
                });
                if let (Some(n), "first", true) = (number_word(w), w1, ends_turn) {
                    if w != "a" && w != "an" && (1..=100).contains(&n) {
                        r.limit = Some(n);
                        r.top = true;
                        r.direction = Some(Direction::Desc);
                        r.used.extend([i, i + 1]);
                        i += 2;
                        continue;
                    }
                }
            }
        }
        i += 1;
    }
    sort_phrases(&t, &mut r);
    both_ends(&t, &mut r);
    counted_before_a_superlative(&t, &mut r);
    if placement && r.limit.is_none() {
        r.superlative = false;
    }
    // Nothing but "sorted by" itself says which way.
    r.direction_implied = sorted_alone
        .is_some_and(|words| !r.top && !r.superlative && r.used.iter().all(|u| words.contains(u)));
    r
}

/// "the 10 customers with the most orders", "list the five customers with
/// the largest totals", "the three cities with the lowest total sales": the
/// count before the noun is how many rows.
fn counted_before_a_superlative(t: &[&str], r: &mut Ranking) {
    if r.limit.is_some() || !r.superlative {
        return;
    }
    const SUPERLATIVES: &[&str] = &[
        "most", "highest", "largest", "biggest", "lowest", "fewest", "least", "smallest", "best",
        "worst",
    ];
    let superlative_at = |k: usize| {
        let w = |d: usize| t.get(k + d).copied().unwrap_or("");
        match w(0) {
            "with" | "having" => w(1) == "the" && SUPERLATIVES.contains(&w(2)),
            "who" | "that" => {
                matches!(
                    w(1),
                    "had" | "have" | "has" | "placed" | "bought" | "made" | "sold"
                ) && w(2) == "the"
                    && SUPERLATIVES.contains(&w(3))
            }
            _ => false,
        }
    };
    for i in 0..t.len() {
        let Some(n) = t
            .get(i + 1)
            .and_then(|w| number_word(w))
            .filter(|n| t[i] == "the" && (2..=100).contains(n))
        else {
            continue;
        };
        if (i + 3..(i + 6).min(t.len())).any(superlative_at) {
            r.limit = Some(n);
            r.top = true;
            r.used.push(i + 1);
            r.subject = Some(i + 2);
            return;
        }
    }
}

/// "best and worst performing country", "top and bottom brands", "highest
/// and lowest": the whole ranking, best first, rather than one end.
fn both_ends(t: &[&str], r: &mut Ranking) {
    let pairs = [
        ("best", "worst"),
        ("top", "bottom"),
        ("highest", "lowest"),
        ("most", "least"),
    ];
    let both = t.windows(3).position(|w| {
        matches!(w[1], "and" | "or" | "vs" | "versus")
            && pairs
                .iter()
                .any(|(a, b)| (w[0] == *a && w[2] == *b) || (w[0] == *b && w[2] == *a))
    });
    if let Some(p) = both {
        if r.limit.is_none() {
            r.direction = Some(Direction::Desc);
            r.top = false;
            r.superlative = false;
            r.used.extend([p, p + 1, p + 2]);
            r.used.sort_unstable();
            r.used.dedup();
        }
    }
}

/// "highest first", "sorted highest to lowest", "from low to high": a sort
/// order, not a pick of the single largest.
fn sort_phrases(t: &[&str], r: &mut Ranking) {
    let extreme = |w: &str| {
        matches!(
            w,
            "highest"
                | "largest"
                | "biggest"
                | "big"
                | "large"
                | "most"
                | "high"
                | "lowest"
                | "smallest"
                | "small"
                | "least"
                | "low"
                | "fewest"
        )
    };
    let mut sorted = false;
    // "sorted Z to A", "alphabetically": an order by name, which
    // `time_order` applies; the words are read here.
    for (k, w) in t.iter().enumerate() {
        let named = match *w {
            "alphabetically" | "alphabetical" => Some(k..k + 1),
            "to" if k > 0
                && matches!(
                    (t[k - 1], t.get(k + 1).copied()),
                    ("a", Some("z")) | ("z", Some("a"))
                ) =>
            {
                Some(k - 1..k + 2)
            }
            _ => None,
        };
        if let Some(words) = named {
            let before = words.start.checked_sub(1);
            if let Some(b) =
                before.filter(|&b| matches!(t[b], "sorted" | "sort" | "ordered" | "listed"))
            {
                r.used.push(b);
            }
            r.used.extend(words);
        }
    }
    for (k, w) in t.iter().enumerate() {
        let before = k.checked_sub(1).map(|j| t[j]).unwrap_or("");
        // "most expensive first".
        let superlative_before = k >= 2 && matches!(t[k - 2], "most" | "least");
        if *w == "first" && (extreme(before) || superlative_before) && !r.used.contains(&k) {
            r.used.extend([k - 1, k]);
            sorted = true;
        }
        // "highest to lowest", "high to low".
        if *w == "to" && extreme(before) && t.get(k + 1).is_some_and(|n| extreme(n)) {
            r.used.extend([k - 1, k, k + 1]);
            sorted = true;
        }
        if matches!(*w, "sorted" | "sort" | "ordered" | "ranked")
            && t.get(k + 1).is_some_and(|n| extreme(n) || *n == "from")
        {
            r.used.push(k);
            sorted = true;
        }
    }
    if sorted {
        r.superlative = false;
        if r.direction.is_none() {
            r.direction = Some(Direction::Desc);
        }
        let first = t.iter().find(|w| extreme(w)).copied().unwrap_or("highest");
        if matches!(
            first,
            "lowest" | "smallest" | "small" | "least" | "low" | "fewest"
        ) && !r.top
        {
            r.direction = Some(Direction::Asc);
        }
    }
    r.used.sort_unstable();
    r.used.dedup();
}

/// Verbs that follow "best"/"top"/"worst" and say what is ranked on
/// ("best-selling", "top performing").
pub fn is_ranking_verb(word: &str) -> bool {
    matches!(
        word,
        "selling" | "performing" | "earning" | "grossing" | "rated" | "spending"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offline::text::tokenize;

    #[test]
    fn ranking_words() {
        let r = ranking(&tokenize("top 5 products by revenue"));
        assert_eq!((r.limit, r.top, r.subject), (Some(5), true, Some(2)));
        assert_eq!(r.direction, Some(Direction::Desc));
        let r = ranking(&tokenize("bottom three countries"));
        assert_eq!((r.limit, r.direction), (Some(3), Some(Direction::Asc)));
        let r = ranking(&tokenize("revenue by country sorted by orders ascending"));
        assert_eq!((r.sort_key, r.direction), (Some(5), Some(Direction::Asc)));
        assert!(!r.direction_implied);
        // "sort them by": the key after "by"; no word says which way.
        let r = ranking(&tokenize("sort them by city"));
        assert_eq!((r.sort_key, r.direction_implied), (Some(3), true));
        assert_eq!(
            (r.descending(true), r.descending(false)),
            (Some(false), Some(true))
        );
        let r = ranking(&tokenize("sorted by city desc"));
        assert_eq!(r.descending(true), Some(true));
        let r = ranking(&tokenize("only the 3 first"));
        assert_eq!((r.limit, r.direction), (Some(3), Some(Direction::Desc)));
        let r = ranking(&tokenize("which channel has the most orders"));
        assert!(r.superlative && !r.top && r.limit.is_none());
        // Where the first row goes is no top few.
        let r = ranking(&tokenize("sort it so the highest return rate is on top"));
        assert!(!r.top && r.limit.is_none() && r.direction == Some(Direction::Desc));
        let r = ranking(&tokenize("lowest revenue at the top"));
        assert!(!r.top && r.direction == Some(Direction::Asc));
        let r = ranking(&tokenize(
            "how many lines per order id, highest counts on top",
        ));
        assert!(!r.top && !r.superlative && r.direction == Some(Direction::Desc));
    }

    #[test]
    fn a_record_is_the_highest() {
        let r = ranking(&tokenize("our record month for sign-ups"));
        assert!(r.superlative && r.direction == Some(Direction::Desc));
        let r = ranking(&tokenize("the record of customer 5"));
        assert!(!r.superlative);
    }
}
