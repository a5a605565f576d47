//! Rewrites of a question's words before they are read: phrases that are
//! one word to the reader ("sign ups", "sent back", "apart from", "went out
//! the door"), "place" as a verb and "when" as a conjunction. Each rewrite
//! is a pass over the words; `join_phrases` runs only when one of its
//! trigger words is present, so model phrases without them skip it.

use super::chunks::{opening_words, words_match};
use super::phrase_table::REPLACED;
use super::stopwords::is_stopword;

/// The words of a question with every rewrite applied.
pub(super) fn rewrite(words: Vec<String>) -> Vec<String> {
    let words = super::shared_noun::spell_out(super::swap_words::spell_out(words));
    let words = dated_grain(join_phrases(join_sign_ups(replace_listed(words))));
    let words = verb_place(verb_rank(units_shipped(period_before(words))));
    conjunction_when(order_verb(money_made(distinct_values(flag_split(words)))))
}

/// "customers in Asia opted in vs not": the yes/no condition both ways is a
/// split by it, not the count of the yes side.
fn flag_split(mut words: Vec<String>) -> Vec<String> {
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let Some(at) = (1..lower.len().saturating_sub(1))
        .find(|&i| matches!(lower[i].as_str(), "vs" | "versus" | "or") && lower[i + 1] == "not")
    else {
        return words;
    };
    // Only where the flag is a column to split by: "opted in" is one (a
    // segment such as "discounted" is not, and is asked about instead).
    if !(at >= 2 && lower[at - 2] == "opted" && lower[at - 1] == "in") {
        return words;
    }
    let len = 2;
    let start = at - len;
    let named: Vec<String> = words[start..at].to_vec();
    // "… vs not opted in": the flag said again after "not".
    let mut end = at + 2;
    if lower
        .get(end..end + len)
        .is_some_and(|w| w == &lower[start..at])
    {
        end += len;
    }
    let mut split = vec!["by".to_owned()];
    split.extend(named);
    words.splice(start..end, split);
    words
}

/// "yesterday vs the day before", "last quarter vs the one before": the
/// period before the one named earlier, spelled out ("the day before
/// yesterday", "the quarter before last").
fn period_before(mut words: Vec<String>) -> Vec<String> {
    let lower = |w: &String| w.to_lowercase();
    let Some(at) = words.windows(3).position(|w| {
        lower(&w[0]) == "the"
            && matches!(
                lower(&w[1]).as_str(),
                "one" | "day" | "week" | "month" | "quarter" | "year"
            )
            && lower(&w[2]) == "before"
    }) else {
        return words;
    };
    let next = words.get(at + 3).map(lower);
    if matches!(next.as_deref(), Some("last" | "yesterday")) {
        return words;
    }
    let named = words[..at].windows(2).rev().find_map(|w| {
        let unit = lower(&w[1]);
        let is_unit = matches!(unit.as_str(), "day" | "week" | "month" | "quarter" | "year");
        (lower(&w[0]) == "last" && is_unit)
            .then(|| ["the".to_owned(), unit, "before".into(), "last".into()])
    });
    let named = named.or_else(|| {
        words[..at]
            .iter()
            .any(|w| lower(w) == "yesterday")
            .then(|| ["the", "day", "before", "yesterday"].map(str::to_owned))
    });
    let Some(named) = named else {
        return words;
    };
    let end = at + 3 + usize::from(matches!(next.as_deref(), Some("that" | "it")));
    words.splice(at..end, named);
    words
}

/// "Rank the regions by number of orders": the regions, ranked by it (the
/// verb first leaves the reader nothing to rank).
fn verb_rank(mut words: Vec<String>) -> Vec<String> {
    let opens = words
        .first()
        .is_some_and(|w| w.eq_ignore_ascii_case("rank"));
    let by = words.iter().position(|w| w.eq_ignore_ascii_case("by"));
    match by {
        Some(by) if opens && by > 1 => {
            words.remove(0);
            words.insert(by - 1, "ranked".to_owned());
            words
        }
        _ => words,
    }
}

/// `words` with the phrases of [`REPLACED`] replaced.
fn replace_listed(words: Vec<String>) -> Vec<String> {
    // Every word of every question and model phrase passes here (often
    // several times a question): a pattern is tried only where its first
    // word stands, and a text with none returns without allocating.
    static FIRST_WORDS: std::sync::OnceLock<Vec<Vec<&'static str>>> = std::sync::OnceLock::new();
    let firsts = FIRST_WORDS.get_or_init(|| {
        REPLACED
            .iter()
            .map(|(pattern, _)| opening_words(pattern))
            .collect()
    });
    let opens = |w: &str, k: usize| firsts[k].iter().any(|a| w.eq_ignore_ascii_case(a));
    let opens_any = |w: &String| (0..REPLACED.len()).any(|k| opens(w, k));
    if !words.iter().any(opens_any) {
        return words;
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let word = |k: usize| lower.get(k).map(String::as_str);
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    let mut changed = false;
    while i < words.len() {
        let found = REPLACED.iter().enumerate().find_map(|(k, (pattern, by))| {
            if !opens(&lower[i], k) {
                return None;
            }
            words_match(&word, i, pattern).map(|len| (len, by))
        });
        match found {
            Some((len, by)) if len > 0 => {
                out.extend(by.iter().map(|w| (*w).to_owned()));
                i += len;
                changed = true;
            }
            _ => {
                out.push(words[i].clone());
                i += 1;
            }
        }
    }
    if changed {
        out
    } else {
        words
    }
}

/// "sign ups", "people have signed up": one word, as models name sign-ups.
/// "customers who signed up in May" and "accounts signed up" keep the verb:
/// the customers are the figure, the verb dates them.
/// "opt-in rate by sign-up month", "revenue by order month": the grain of
/// the figure's own date; the event named before the unit is no second
/// figure ("sign-ups", "orders").
fn dated_grain(words: Vec<String>) -> Vec<String> {
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let at = lower.windows(3).position(|w| {
        matches!(w[0].as_str(), "by" | "per" | "each")
            && matches!(
                w[1].as_str(),
                "signup" | "signups" | "order" | "purchase" | "registration" | "creation"
            )
            && matches!(w[2].as_str(), "day" | "week" | "month" | "quarter" | "year")
    });
    match at {
        Some(at) => {
            let mut out = words;
            out.remove(at + 1);
            out
        }
        None => words,
    }
}

fn join_sign_ups(words: Vec<String>) -> Vec<String> {
    // Most texts (every phrase of a model is tokenized too) have no "up".
    if !words
        .iter()
        .any(|w| w.eq_ignore_ascii_case("up") || w.eq_ignore_ascii_case("ups"))
    {
        return words;
    }
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        let lower = w.to_lowercase();
        let back = |k: usize| {
            out.len()
                .checked_sub(k)
                .and_then(|i| out.get(i))
                .map(|p: &String| p.to_lowercase())
        };
        // "signed up" is the figure only where nothing else is counted:
        // "people (who) have signed up", not "accounts signed up".
        let auxiliary = matches!(
            back(2).as_deref(),
            Some("have" | "has" | "had" | "people" | "folks")
        ) || (matches!(back(2).as_deref(), Some("who" | "that"))
            && matches!(back(3).as_deref(), Some("people" | "folks" | "ones")));
        let joins = matches!(lower.as_str(), "up" | "ups")
            && match back(1).as_deref() {
                Some("sign") => true,
                Some("signed") => auxiliary,
                _ => false,
            };
        match out.last_mut() {
            Some(prev) if joins => *prev = "signups".to_owned(),
            _ => out.push(w),
        }
    }
    out
}

/// Phrases that are one word to the rest of the reader: "sent back" is
/// returned, "run rate" one thing (not a rate the model has), "apart from"
/// and "leaving out" are "excluding", "FY2025" a year, a fortnight 14 days.
fn join_phrases(words: Vec<String>) -> Vec<String> {
    let candidate = |w: &String| {
        w.eq_ignore_ascii_case("back")
            || w.eq_ignore_ascii_case("from")
            || w.eq_ignore_ascii_case("out")
            || w.eq_ignore_ascii_case("in")
            || w.eq_ignore_ascii_case("year")
            || w.eq_ignore_ascii_case("times")
            || matches!(
                w.to_lowercase().as_str(),
                "big"
                    | "large"
                    | "small"
                    | "mix"
                    | "make"
                    | "made"
                    | "making"
                    | "average"
                    | "under"
                    | "into"
                    | "door"
                    | "discount"
                    | "deepest"
                    | "people"
                    | "persons"
                    | "folks"
            )
            || w.eq_ignore_ascii_case("rate")
            || w.eq_ignore_ascii_case("fortnight")
            || w.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("fy"))
    };
    if !words.iter().any(candidate) {
        return words;
    }
    // "how many sales did we make" counts; "what did we make" is money.
    // "made a loss" is no money earned.
    let counting = words.iter().any(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "many" | "loss" | "losses" | "lose" | "lost" | "losing"
        )
    });
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        let lower = w.to_lowercase();
        let prev = out.last().map(|p| p.to_lowercase());
        let joined = match (prev.as_deref(), lower.as_str()) {
            // Not "came back": customers who came back are returning ones.
            (Some("sent" | "sending"), "back") => Some("returned"),
            (Some("run"), "rate") => Some("runrate"),
            // "how many times did Customer 25 order": how many orders.
            (Some("many"), "times") => Some("many"),
            // "what did the marketplace bring in": money earned.
            (Some("bring" | "brings" | "bringing" | "brought"), "in") => Some("earned"),
            // "apart from credit cards", "leaving out Voltix": a negation.
            (Some("apart" | "aside"), "from") | (Some("leaving" | "leave"), "out") => {
                Some("excluding")
            }
            _ => None,
        };
        if let Some(j) = joined {
            if let Some(last) = out.last_mut() {
                *last = j.to_owned();
            }
            continue;
        }
        // "the 10 most big orders": the biggest; "sort from big to small":
        // highest to lowest ("small" is also a value of order sizes).
        let superlative = match (prev.as_deref(), lower.as_str()) {
            (Some("most"), "big") => Some("biggest"),
            (Some("most"), "large") => Some("largest"),
            (Some("most"), "small") => Some("smallest"),
            _ => None,
        };
        if let Some(word) = superlative {
            if let Some(last) = out.last_mut() {
                *last = word.to_owned();
            }
            continue;
        }
        let before_to = out
            .len()
            .checked_sub(2)
            .and_then(|k| out.get(k))
            .map(|w| w.to_lowercase());
        if prev.as_deref() == Some("to") {
            let pair = match (before_to.as_deref(), lower.as_str()) {
                (Some("big" | "large"), "small") => Some(("highest", "lowest")),
                (Some("small"), "big" | "large") => Some(("lowest", "highest")),
                _ => None,
            };
            if let Some((from, to)) = pair {
                let k = out.len() - 2;
                out[k] = from.to_owned();
                out.push(to.to_owned());
                continue;
            }
        }
        // "what did we make on it": money earned.
        if !counting
            && matches!(prev.as_deref(), Some("we" | "i"))
            && matches!(lower.as_str(), "make" | "made" | "making")
        {
            out.push("earned".to_owned());
            continue;
        }
        // "how many different people bought something": distinct customers.
        if matches!(prev.as_deref(), Some("different" | "distinct" | "unique"))
            && matches!(lower.as_str(), "people" | "persons" | "folks")
        {
            if let Some(last) = out.last_mut() {
                *last = "distinct".to_owned();
            }
            out.push("customers".to_owned());
            continue;
        }
        // "the deepest discounts": the highest.
        if lower == "deepest" {
            out.push("highest".to_owned());
            continue;
        }
        // "units sold at a discount": the discounted ones.
        if lower == "discount" && out.len() >= 2 {
            let n = out.len();
            if out[n - 2].eq_ignore_ascii_case("at") && out[n - 1].eq_ignore_ascii_case("a") {
                out.truncate(n - 2);
                out.push("discounted".to_owned());
                continue;
            }
        }
        // "what went out the door": what sold.
        if lower == "door" && out.len() >= 3 {
            let n = out.len();
            let tail: Vec<String> = out[n - 3..].iter().map(|w| w.to_lowercase()).collect();
            if matches!(tail[0].as_str(), "went" | "go" | "goes" | "gone" | "going")
                && tail[1] == "out"
                && tail[2] == "the"
            {
                out.truncate(n - 3);
                out.push("sold".to_owned());
                continue;
            }
            // "units out the door in May": the units sold.
            if matches!(tail[0].as_str(), "units" | "items" | "pieces")
                && tail[1] == "out"
                && tail[2] == "the"
            {
                out.truncate(n - 2);
                out.push("sold".to_owned());
                continue;
            }
        }
        // "which subcategories fall under Furniture", "products that fall
        // into each price range": in it.
        if matches!(lower.as_str(), "under" | "into")
            && matches!(
                prev.as_deref(),
                Some("fall" | "falls" | "fell" | "sit" | "sits" | "belong" | "belongs")
            )
        {
            if let Some(last) = out.last_mut() {
                *last = "in".to_owned();
            }
            continue;
        }
        // "discounts on average": the average discount.
        if lower == "average" && prev.as_deref() == Some("on") && out.len() >= 2 {
            let noun = out[out.len() - 2].to_lowercase();
            if !is_stopword(&noun) {
                out.pop();
                let k = out.len() - 1;
                out.insert(k, "average".to_owned());
                continue;
            }
        }
        // "the payment mix", "channel mix": the split by it.
        if lower == "mix" && prev.as_deref().is_some_and(|p| !is_stopword(p)) {
            if let Some(last) = out.pop() {
                out.push("by".to_owned());
                out.push(last);
            }
            continue;
        }
        // "in year 2025": the year.
        if prev.as_deref() == Some("year") && lower.len() == 4 && lower.parse::<u16>().is_ok() {
            if let Some(last) = out.last_mut() {
                *last = w;
            }
            continue;
        }
        // "the past fortnight": the last 14 days.
        if lower == "fortnight" {
            out.extend(["14".to_owned(), "days".to_owned()]);
            continue;
        }
        // "FY2025", "fy25": the year.
        let fiscal = lower
            .strip_prefix("fy")
            .filter(|d| matches!(d.len(), 2 | 4) && d.bytes().all(|b| b.is_ascii_digit()));
        match fiscal {
            Some(d) if d.len() == 2 => out.push(format!("20{d}")),
            Some(d) => out.push(d.to_owned()),
            None => out.push(w),
        }
    }
    out
}

/// "What volume of units was shipped", "units shipped last week", "units
/// picked per subcategory": units that went out are units sold, not units
/// of shipped orders (the status).
fn units_shipped(mut words: Vec<String>) -> Vec<String> {
    let is_any = |w: &String, list: &[&str]| list.iter().any(|l| w.eq_ignore_ascii_case(l));
    for i in 1..words.len() {
        let sent_out = ["shipped", "picked", "packed", "dispatched"];
        if !is_any(&words[i], &sent_out) {
            continue;
        }
        let window = &words[i.saturating_sub(3)..i];
        let units = window
            .iter()
            .any(|w| is_any(w, &["units", "unit", "items", "pieces"]));
        let orders = window.iter().any(|w| is_any(w, &["orders", "order"]));
        if units && !orders {
            words[i] = "sold".to_owned();
        }
    }
    words
}

/// "unique productName values where …", "the distinct cities in the
/// data": the values listed, not counted. Only where nothing before asks
/// for a count ("count distinct customers", "how many unique buyers").
fn distinct_values(mut words: Vec<String>) -> Vec<String> {
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let Some(at) = lower
        .iter()
        .position(|w| matches!(w.as_str(), "unique" | "distinct"))
    else {
        return words;
    };
    let counted = lower[..at].iter().any(|w| {
        matches!(
            w.as_str(),
            "count" | "counts" | "number" | "many" | "total" | "how" | "nunique" | "countunique"
        )
    });
    let values = lower[at + 1..]
        .iter()
        .take(4)
        .any(|w| matches!(w.as_str(), "values" | "value"));
    if counted || !values {
        return words;
    }
    words[at] = "list".to_owned();
    words.retain(|w| !matches!(w.to_lowercase().as_str(), "values" | "value"));
    words
}

/// "how much did electronics make last month", "how much did we take
/// yesterday": after "how much did" and a subject, "make" and "take" are
/// the money earned.
fn money_made(mut words: Vec<String>) -> Vec<String> {
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let Some(at) = lower.windows(3).position(|w| {
        w[0] == "how" && w[1] == "much" && matches!(w[2].as_str(), "did" | "do" | "does")
    }) else {
        return words;
    };
    let subject = at + 3;
    let verb = (subject + 1..lower.len().min(subject + 4))
        .find(|&i| matches!(lower[i].as_str(), "make" | "take"));
    if let Some(i) = verb {
        words[i] = "earn".to_owned();
    }
    words
}

/// "which channel do business customers order from": after do/does/did
/// and a subject, "order" is the verb, read as "buy" (what is bought is
/// counted in orders).
fn order_verb(mut words: Vec<String>) -> Vec<String> {
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let after_do = lower
        .iter()
        .position(|w| matches!(w.as_str(), "do" | "does" | "did"));
    if let Some(at) = after_do {
        let verb = (at + 2..lower.len().min(at + 5)).find(|&i| {
            lower[i] == "order"
                && !matches!(
                    lower[i - 1].as_str(),
                    "the"
                        | "an"
                        | "a"
                        | "each"
                        | "per"
                        | "by"
                        | "of"
                        | "which"
                        | "what"
                        | "this"
                        | "that"
                        | "first"
                        | "last"
                        | "every"
                        | "one"
                )
        });
        if let Some(i) = verb {
            words[i] = "buy".to_owned();
        }
    }
    words
}

/// "How many orders did Customer 28 place?": a closing "place" after "did"
/// is the verb, not a location; so is "place" before the orders placed
/// ("which age group places the fewest orders").
fn verb_place(mut words: Vec<String>) -> Vec<String> {
    let n = words.len();
    let is_any = |w: &String, list: &[&str]| list.iter().any(|l| w.eq_ignore_ascii_case(l));
    for i in 0..n {
        if !is_any(&words[i], &["place", "places", "placing"]) {
            continue;
        }
        let orders_follow = words[i + 1..n.min(i + 4)]
            .iter()
            .any(|w| is_any(w, &["order", "orders"]));
        if orders_follow {
            words[i] = "placed".to_owned();
        }
    }
    // "did Customer 12 place in 2020": after "did" and a subject, not after
    // a word that makes it a noun ("in each place", "by place").
    for i in 1..n {
        let noun = is_any(
            &words[i - 1],
            &[
                "each", "every", "which", "what", "by", "per", "the", "a", "that", "this", "any",
                "one", "same",
            ],
        );
        if words[i].eq_ignore_ascii_case("place")
            && !noun
            && words[i.saturating_sub(6)..i]
                .iter()
                .any(|w| matches!(w.to_lowercase().as_str(), "did" | "do" | "does"))
        {
            words[i] = "placed".to_owned();
        }
    }
    words
}

/// "how much do people spend when they pay with paypal": inside a question,
/// "when" before a subject joins a clause; it asks for no date.
fn conjunction_when(mut words: Vec<String>) -> Vec<String> {
    let joins = |i: usize, words: &[String]| {
        i > 0
            && words[i].eq_ignore_ascii_case("when")
            && words.get(i + 1).is_some_and(|n| {
                matches!(
                    n.to_lowercase().as_str(),
                    "they" | "we" | "you" | "people" | "customers" | "someone" | "he" | "she"
                )
            })
    };
    let mut i = 0;
    while i < words.len() {
        if joins(i, &words) {
            words.remove(i);
        } else {
            i += 1;
        }
    }
    words
}
