//! What the offline translator must not answer, and answers it must shape:
//!
//! * requests to change or delete data, or for secrets and identity or
//!   payment numbers, are refused even when their words match members
//!   ("delete the cancelled orders" names a real measure);
//! * a word that looks like a value (capitalized mid-sentence, "Garden",
//!   "Middle East") that no member or known value explains is not dropped:
//!   answering without it would answer a broader question, so the question
//!   goes back with the closest values the data has;
//! * two or more values of one dimension compared ("web vs mobile", "how do
//!   Books and Toys compare") are shown side by side: the query splits by
//!   that dimension.

use strata_engine::query::{Filter, FilterOperator};
use strata_engine::Query;
use strsim::jaro_winkler;

use super::text::Token;
use crate::catalog::Catalog;
use crate::clarification::Clarification;
use crate::translation::Translation;

/// Verbs that, leading a request, ask to change data.
const DESTRUCTIVE: &[&str] = &[
    "delete",
    "remove",
    "drop",
    "truncate",
    "update",
    "insert",
    "alter",
    "wipe",
    "erase",
    "purge",
    "overwrite",
    "reset",
    "reload",
    "import",
];

/// Verbs that change data when they say what to change it to ("set every
/// order to shipped"); without "to" they are analysis words ("change in
/// revenue").
const DESTRUCTIVE_WITH_TO: &[&str] = &[
    "set", "change", "modify", "rename", "edit", "replace", "mark",
];

/// Verbs that act on records when a determiner follows them ("cancel every
/// marketplace order", "refund the returned orders"); otherwise they may be
/// analysis words ("cancel rate").
const ACTIONS_ON_RECORDS: &[&str] = &[
    "cancel", "refund", "void", "archive", "approve", "reject", "restock", "charge", "ship",
];

/// Determiners that make an action's object records.
const RECORD_DETERMINERS: &[&str] = &[
    "every", "all", "the", "these", "those", "any", "each", "this", "that", "our", "my",
];

/// Parts of a question a follow-up may remove ("remove the Germany filter",
/// "drop the date range"): no data is changed. No word of the data ("date",
/// "order") is one: "delete the order date" changes data.
const QUESTION_PARTS: &[&str] = &[
    "filter",
    "filters",
    "condition",
    "conditions",
    "restriction",
    "range",
    "limit",
    "breakdown",
    "grouping",
    "split",
    "sort",
    "sorting",
    "chart",
];

/// Words that open a polite request before its verb.
const POLITE: &[&str] = &[
    "please", "can", "could", "would", "you", "kindly", "pls", "now", "go", "and",
];

/// Sensitive things, as word sequences; any of them anywhere refuses.
const SENSITIVE: &[&[&str]] = &[
    &["password"],
    &["passwords"],
    &["passwd"],
    &["credit", "card", "number"],
    &["credit", "card", "numbers"],
    &["card", "number"],
    &["card", "numbers"],
    &["cvv"],
    &["cvc"],
    &["ssn"],
    &["ssns"],
    &["social", "security"],
    &["api", "key"],
    &["api", "keys"],
    &["secret", "key"],
    &["access", "token"],
    &["passport", "number"],
    &["passport", "numbers"],
    &["iban"],
    &["bank", "account", "number"],
    &["bank", "account", "numbers"],
    &["private", "key"],
];

fn words(question: &str) -> Vec<String> {
    question
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Why the question must be refused whatever it matches, if it must.
pub(crate) fn refusal(question: &str) -> Option<String> {
    let w = words(question);
    let verb_at = w.iter().position(|x| !POLITE.contains(&x.as_str()));
    let verb = verb_at.map(|i| &w[i]);
    let changes_to =
        |v: &&String| DESTRUCTIVE_WITH_TO.contains(&v.as_str()) && w.iter().any(|x| x == "to");
    // "remove the Germany filter": a part of the question, not of the data.
    let removes_a_part = verb_at.is_some_and(|i| {
        w.iter()
            .skip(i + 1)
            .take(4)
            .any(|x| QUESTION_PARTS.contains(&x.as_str()))
    });
    let removal = |v: &&String| matches!(v.as_str(), "remove" | "drop" | "delete" | "reset");
    let destructive =
        |v: &&String| DESTRUCTIVE.contains(&v.as_str()) && !(removal(v) && removes_a_part);
    let acts_on_records = |v: &&String| {
        ACTIONS_ON_RECORDS.contains(&v.as_str())
            && verb_at
                .and_then(|i| w.get(i + 1))
                .is_some_and(|next| RECORD_DETERMINERS.contains(&next.as_str()))
    };
    if let Some(v) = verb.filter(|v| destructive(v) || changes_to(v) || acts_on_records(v)) {
        return Some(format!(
            "\"{v}\": Strata only reads data; it does not change, delete or load it. \
             Ask a question about the data instead."
        ));
    }
    for seq in SENSITIVE {
        // "credit card - number of orders" counts orders paid by card.
        let counts_something = |at: usize| {
            seq.last().is_some_and(|l| l.starts_with("number"))
                && w.get(at + seq.len()).is_some_and(|next| next == "of")
        };
        if w.windows(seq.len()).enumerate().any(|(at, win)| {
            win.iter().zip(seq.iter()).all(|(a, b)| a == b) && !counts_something(at)
        }) {
            return Some(format!(
                "\"{}\": secrets and personal identity or payment numbers are not available \
                 to questions.",
                seq.join(" ")
            ));
        }
    }
    None
}

/// "What share of the units we sold were Clothing?", "what percentage of
/// orders are large": with no rate measure for it, the share of one value is
/// read off the distribution over its dimension, so the filter to the value
/// becomes the split (each value's amount beside the others). Only for an
/// ungrouped answer with one such filter. Returns whether it rewrote.
pub(crate) fn share_as_distribution(
    catalog: &Catalog,
    tokens: &[super::text::Token],
    translation: &mut Translation,
) -> bool {
    // "share of", "percentage of": not "return rate", a rate of its own.
    let share_of = tokens.windows(2).any(|w| {
        w[1].text == "of"
            && matches!(
                w[0].text.as_str(),
                "share" | "percentage" | "percent" | "proportion" | "fraction"
            )
    });
    let share_unplaced = share_of && translation.unmatched.iter().any(|u| is_share_word(u));
    let q = &mut translation.query;
    if !share_unplaced || !q.dimensions.is_empty() || q.measures.is_empty() {
        return false;
    }
    let single_values: Vec<usize> = q
        .filters
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match f {
            Filter::Member {
                member,
                operator: FilterOperator::Equals,
                values,
            } if values.len() == 1
                && catalog.get(member).is_some_and(|m| m.data_type == "string") =>
            {
                Some(i)
            }
            _ => None,
        })
        .collect();
    let [at] = single_values.as_slice() else {
        return false;
    };
    let Filter::Member { member, .. } = q.filters.remove(*at) else {
        return false;
    };
    q.dimensions.push(member);
    translation.unmatched.retain(|u| !is_share_word(u));
    true
}

/// A share, percentage or rate word the translation could not place, unless
/// it is a "share of <amount> by <group>" (the amount's distribution, which
/// the answer's shares show).
pub(crate) fn unplaced_share(
    catalog: &Catalog,
    tokens: &[Token],
    translation: &Translation,
) -> Option<String> {
    // "average discount %": a measure in percent places the percent.
    let in_percent = translation.query.measures.iter().any(|m| {
        catalog
            .get(m)
            .is_some_and(|m| m.format.as_deref() == Some("percent"))
    });
    if in_percent {
        return None;
    }
    // "what part of our revenue comes from each channel": a grouped amount
    // is its distribution, whatever the share word is followed by.
    let grouped = !translation.query.dimensions.is_empty();
    // "the % change from Q4 to Q1": the percent of a change between the
    // periods compared, which the comparison shows.
    let compares_periods = translation
        .query
        .time_dimensions
        .iter()
        .any(|td| td.compare_date_range.is_some());
    let of_a_change = |word: &str| {
        compares_periods
            && tokens.windows(2).any(|w| {
                (w[0].text.eq_ignore_ascii_case(word) || w[0].orig.eq_ignore_ascii_case(word))
                    && matches!(
                        w[1].text.as_str(),
                        "change"
                            | "difference"
                            | "increase"
                            | "decrease"
                            | "growth"
                            | "drop"
                            | "rise"
                    )
            })
    };
    translation
        .unmatched
        .iter()
        .find(|u| is_share_word(u) && !grouped && !of_a_change(u))
        .cloned()
}

/// Words asking for a share, percentage or rate.
pub(crate) fn is_share_word(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "share"
            | "shares"
            | "percent"
            | "percentage"
            | "percentages"
            | "pct"
            | "%"
            | "proportion"
            | "ratio"
            | "rate"
            | "rates"
            | "fraction"
    )
}

/// Words that announce a value ("in Garden", "only garden", "excluding
/// kids"): an unplaced word right after one of them looks like a value even
/// in lower case.
/// Prepositions that follow a value marker ("came in through the app")
/// and are never a value themselves.
const PREPOSITIONS: &[&str] = &["through", "among", "amongst", "along", "across", "via"];

const VALUE_MARKERS: &[&str] = &[
    "in",
    "from",
    "only",
    "excluding",
    "except",
    "without",
    "within",
];

/// Words that look like values among the words the translator could not
/// place: capitalized inside the sentence, or right after a value marker.
pub(crate) fn value_like<'q>(question: &'q str, unmatched: &[String]) -> Vec<&'q str> {
    let mut out = Vec::new();
    let tokens: Vec<&str> = question
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    for (i, t) in tokens.iter().enumerate() {
        let capital = t.chars().next().is_some_and(char::is_uppercase);
        let marked = i > 0 && VALUE_MARKERS.contains(&tokens[i - 1].to_lowercase().as_str());
        // "the trend in new sign-ups": a word that describes, not a value.
        let describes = matches!(
            t.to_lowercase().as_str(),
            "new" | "old" | "recent" | "current" | "existing" | "repeat"
        );
        // "came in through the app": a word that is no value anywhere.
        let filler = PREPOSITIONS.contains(&super::text::canonical(&t.to_lowercase()));
        if i == 0 || !(capital || marked) || t.chars().count() < 3 || describes || filler {
            continue;
        }
        if unmatched.iter().any(|u| u.eq_ignore_ascii_case(t)) && !out.contains(t) {
            out.push(*t);
        }
    }
    out
}

/// The values of the catalog's dimensions closest to `word`, best first, with
/// the title of a dimension that has each.
pub(crate) fn closest_values(catalog: &Catalog, word: &str, max: usize) -> Vec<(String, String)> {
    let needle = word.to_lowercase();
    let mut scored: Vec<(f64, String, String)> = catalog
        .members()
        .iter()
        .flat_map(|m| m.sample_values.iter().map(move |v| (m, v)))
        .map(|(m, v)| {
            (
                jaro_winkler(&needle, &v.to_lowercase()),
                v.clone(),
                m.title.clone(),
            )
        })
        .filter(|(s, _, _)| *s >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut out: Vec<(String, String)> = Vec::new();
    for (_, value, title) in scored {
        if out.len() == max {
            break;
        }
        if !out.iter().any(|(v, _)| *v == value) {
            out.push((value, title));
        }
    }
    out
}

/// The clarification for `word` of `question`: the nearest values, each as
/// the question asked with that value, and last the question without the
/// word (the broader question, as a choice the person makes).
pub(crate) fn clarify(catalog: &Catalog, question: &str, word: &str) -> Clarification {
    let near = closest_values(catalog, word, 5);
    let mut c = Clarification::replacing(
        question,
        word,
        near.into_iter()
            .map(|(value, title)| (format!("{value} ({title})"), value)),
    );
    c.offer_without(question, word);
    c
}

/// A filter value the data does not have (an LLM's "Garden" on a category
/// whose every value is known): the person is asked to choose among the
/// closest values instead of getting an empty or broader answer. Only
/// dimensions with sample values are checked: their lists are complete.
pub(crate) fn unknown_filter_value(
    catalog: &Catalog,
    query: &strata_engine::Query,
    question: &str,
) -> Option<(String, Clarification)> {
    let mut stack: Vec<&Filter> = query.filters.iter().collect();
    while let Some(f) = stack.pop() {
        let (member, values) = match f {
            Filter::Member {
                member,
                operator: FilterOperator::Equals | FilterOperator::NotEquals,
                values,
            } => (member, values),
            Filter::And(items) | Filter::Or(items) => {
                stack.extend(items.iter());
                continue;
            }
            _ => continue,
        };
        let Some(known) = catalog.get(member).map(|m| &m.sample_values) else {
            continue;
        };
        if known.is_empty() {
            continue;
        }
        let missing = values
            .iter()
            .flatten()
            .find(|v| !known.iter().any(|k| k.eq_ignore_ascii_case(v)));
        if let Some(value) = missing {
            let message = format!(
                "\"{value}\" is not a value of {member} in the data, so the question cannot be \
                 answered as asked."
            );
            return Some((message, clarify(catalog, question, value)));
        }
    }
    None
}

/// Splits by every dimension the query filters to two or more values, so
/// that each value gets its own row or series instead of one sum.
pub(crate) fn split_compared_values(query: &mut Query) {
    for member in compared_unsplit(query) {
        if !query.dimensions.contains(&member) {
            query.dimensions.push(member);
        }
    }
}

/// The dimensions the query filters to two or more values without
/// splitting by them.
pub(crate) fn compared_unsplit(query: &Query) -> Vec<String> {
    super::normalize::equals_filters(query)
        .filter(|(member, values)| {
            values.len() >= 2 && !query.dimensions.iter().any(|d| d == member)
        })
        .map(|(member, _)| member.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_changes_and_secrets() {
        for q in [
            "delete all the cancelled orders from last year",
            "Please drop the ecommerce table",
            "can you update order 5 to shipped",
            "set every order that's still processing to shipped",
            "list the full credit card numbers used last month",
            "show me user passwords",
            "what is the API key",
            "customers' social security numbers",
            "delete the order date of order 7",
            "drop the orders table and its date range",
            "Cancel every marketplace order that has been processing for a week",
            "please refund all the returned orders",
        ] {
            assert!(refusal(q).is_some(), "{q} must be refused");
        }
        for q in [
            "orders paid by credit card last month",
            "revenue by channel",
            "how many orders were cancelled",
            "which dataset has the most rows",
            "change in revenue month over month",
            "Now remove the Germany filter.",
            "drop the date range",
            "cancel rate by channel",
            "cancelled orders last month",
        ] {
            assert!(refusal(q).is_none(), "{q} is a question: {:?}", refusal(q));
        }
    }

    #[test]
    fn value_like_words_are_capitalized_unplaced_words() {
        let unmatched = vec!["garden".to_string(), "units".to_string()];
        assert_eq!(
            value_like("how many units in the Garden category", &unmatched),
            vec!["Garden"]
        );
        assert!(
            value_like("Garden sales", &unmatched).is_empty(),
            "first word"
        );
    }

    #[test]
    fn filter_values_the_data_lacks_ask_back() {
        let model = strata_demo::model().unwrap();
        let mut catalog = Catalog::from_model(&model);
        catalog.set_sample_values("Orders.channel", vec!["web".into(), "mobile".into()]);
        let q = Query::from_json(
            &serde_json::json!({"measures": ["Orders.count"], "filters": [
            {"member": "Orders.channel", "operator": "equals", "values": ["webb"]}]}),
        )
        .unwrap();
        let (message, c) = unknown_filter_value(&catalog, &q, "orders from webb").unwrap();
        assert!(message.contains("\"webb\""), "{message}");
        assert_eq!(c.unknown, ["webb"]);
        assert_eq!(c.options[0].natural_language_query, "orders from web");
        let known = Query::from_json(
            &serde_json::json!({"measures": ["Orders.count"], "filters": [
            {"member": "Orders.channel", "operator": "equals", "values": ["Web"]},
            {"member": "Orders.status", "operator": "equals", "values": ["anything"]}]}),
        )
        .unwrap();
        assert!(
            unknown_filter_value(&catalog, &known, "web orders").is_none(),
            "known values, any case; members without sample values are not checked"
        );
    }

    #[test]
    fn compared_values_split_by_their_dimension() {
        let mut q = Query::from_json(&serde_json::json!({"measures": ["O.revenue"], "filters": [
            {"member": "O.channel", "operator": "equals", "values": ["web", "mobile"]},
            {"member": "O.status", "operator": "equals", "values": ["paid"]}]}))
        .unwrap();
        split_compared_values(&mut q);
        assert_eq!(q.dimensions, vec!["O.channel".to_string()]);
        split_compared_values(&mut q);
        assert_eq!(q.dimensions, vec!["O.channel".to_string()], "once");
    }
}
