//! Edits a follow-up makes to the previous query's values and order, beyond
//! replacing them:
//!
//! | follow-up | edit |
//! |---|---|
//! | "add marketplace too", "include the shipped ones as well" | one more value of a filter |
//! | "include cancelled too" (after "not counting cancelled") | the value leaves a negative filter |
//! | "forget Beauty", "drop web" | the value leaves its filter |
//! | "drop the date restriction" | no date range |
//! | "now the other way round", "reverse it" | every sort direction flips |
//! | "which one's highest", "which of them is worst" | one row |
//! | "show the return rate next to it", "break those down by brand" | added, not replaced |
//! | "drop the breakdown", "remove the segment split" | groupings leave |
//! | "only those above 1000" | a condition on the amount shown |

use strata_engine::query::{Filter, FilterOperator};

use super::build::FilterSpec;
use super::parse::Analysis;
use super::stopwords::is_skippable;
use super::OfflineParser;
use crate::catalog::Catalog;
use strata_schema::MemberKind;

/// Verbs that take a value out of the query ("forget Beauty").
const REMOVAL_VERBS: &[&str] = &[
    "forget", "drop", "remove", "ignore", "lose", "clear", "undo",
];

/// The turn's words, lowercase.
pub(super) fn texts(a: &Analysis) -> Vec<&str> {
    a.tokens.iter().map(|t| t.text.as_str()).collect()
}

/// Words that add a value to a filter rather than replace it: explicit
/// ones only, since a bare "and for Germany" asks about Germany instead.
pub(crate) fn adds_values(a: &Analysis) -> bool {
    let t = texts(a);
    t.iter().any(|w| {
        matches!(
            *w,
            "too" | "also" | "add" | "include" | "plus" | "additionally"
        )
    }) || t.windows(2).any(|w| w == ["as", "well"])
}

/// "next to it", "alongside", "beside": one more measure or grouping.
pub(crate) fn beside(a: &Analysis) -> bool {
    let t = texts(a);
    t.iter().any(|w| matches!(*w, "alongside" | "beside"))
        || t.windows(2)
            .any(|w| w == ["next", "to"] || w == ["along", "with"])
}

/// "break those down by brand", "split that by age group": a grouping
/// added under the current one (unless "instead").
pub(crate) fn breaks_down(a: &Analysis) -> bool {
    let t = texts(a);
    let broken = t
        .iter()
        .any(|w| matches!(*w, "break" | "breakdown" | "subdivide"))
        && t.contains(&"down");
    // "split that by age group", "and split it by region": the rows shown
    // split again.
    let split_again = t.windows(3).any(|w| {
        matches!(w[0], "split" | "divide" | "slice" | "cut")
            && matches!(w[1], "that" | "it" | "this" | "them" | "those" | "these")
            && w[2] == "by"
    });
    (broken || split_again) && !t.contains(&"instead")
}

/// "the other way round", "reverse it", "flip the sort".
pub(crate) fn flips_order(a: &Analysis) -> bool {
    let t = texts(a);
    t.iter()
        .any(|w| matches!(*w, "reverse" | "reversed" | "flip" | "invert" | "opposite"))
        || t.windows(2).any(|w| w == ["other", "way"])
}

/// "which one's highest", "which of them is worst", "who is top": a
/// superlative about one of the rows shown.
pub(crate) fn asks_for_one(a: &Analysis) -> bool {
    let t = texts(a);
    let which = t.iter().any(|w| matches!(*w, "which" | "who"));
    let plural = t
        .iter()
        .any(|w| matches!(*w, "ones" | "are" | "were" | "top" | "bottom"));
    which
        && !plural
        && !which_plural(a)
        && a.ranking.direction.is_some()
        && a.ranking.limit.is_none()
}

/// "which countries had the most returns", "what brands sell best": the
/// word after "which" or "what" is a plural noun.
pub(crate) fn which_plural(a: &Analysis) -> bool {
    a.tokens.windows(2).any(|w| {
        matches!(w[0].text.as_str(), "which" | "what")
            && w[1].text.len() > 3
            && w[1].text.ends_with('s')
            && !w[1].text.ends_with("ss")
            && w[1].stem != w[1].text
    })
}

/// Words a follow-up used for the edits above, not to be reported as not
/// understood.
pub(crate) fn edit_words(a: &Analysis) -> Vec<&'static str> {
    let mut words = Vec::new();
    if flips_order(a) {
        words.extend([
            "other", "way", "round", "around", "reverse", "reversed", "flip",
        ]);
    }
    if beside(a) {
        words.extend(["next", "alongside", "beside"]);
    }
    if breaks_down(a) {
        words.extend(["break", "down", "subdivide"]);
    }
    if sorts_by(a) || super::time_order::orders_by_name(a) {
        words.extend(SORT_VERBS);
    }
    if drops_limit(a) {
        words.extend(["limit", "cap", "cutoff", "no", "full", "whole", "list"]);
    }
    if let Some((unit, _)) = period_back(a) {
        words.extend(["back", "earlier", "prior", "ago", "one", "two", "three"]);
        words.extend(PERIOD_WORDS.iter().filter(|w| w.starts_with(unit)));
    }
    if names_dates(a) {
        words.extend(["range", "filter", "take", "off"]);
    }
    if removes_filters(a) {
        words.extend(["threshold", "thresholds", "minimum", "maximum"]);
    }
    if super::chat_edits::row_count(a).is_some() {
        words.extend(super::chat_edits::ROW_COUNT_WORDS);
    }
    if super::chat_edits::asks_for_overall(a) {
        words.extend([
            "overall", "number", "figure", "total", "combined", "together",
        ]);
    }
    words.extend(REMOVAL_VERBS);
    words
}

/// The units of [`period_back`] as typed, singular and plural.
const PERIOD_WORDS: &[&str] = &[
    "day", "days", "week", "weeks", "month", "months", "quarter", "quarters", "year", "years",
];

/// "the date restriction", "the dates", "the time filter": the query's
/// date range, in a turn that removes something.
pub(crate) fn names_dates(a: &Analysis) -> bool {
    texts(a)
        .iter()
        .any(|w| matches!(*w, "date" | "dates" | "period" | "timeframe" | "time"))
}

/// The values a removal verb names ("forget Beauty", "drop web and mobile").
pub(crate) fn removed_values(a: &Analysis) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut removing = false;
    let mut last_end = 0;
    for v in &a.values {
        let before = (0..v.start)
            .rev()
            .find(|&k| !is_skippable(&a.tokens[k].text))
            .map(|k| a.tokens[k].text.as_str());
        let continues = removing
            && a.tokens[last_end..v.start].iter().all(|t| {
                matches!(t.text.as_str(), "and" | "or" | "," | "&") || is_skippable(&t.text)
            });
        removing = before.is_some_and(|w| REMOVAL_VERBS.contains(&w)) || continues;
        if removing {
            out.extend(v.hits.iter().map(|(_, value)| value.clone()));
        }
        last_end = v.end;
    }
    out.sort();
    out.dedup();
    out
}

/// Takes `values` out of every equality filter; a filter left with none
/// goes. Returns whether a filter changed.
pub(crate) fn remove_values(filters: &mut Vec<Filter>, values: &[String]) -> bool {
    let mut changed = false;
    for f in filters.iter_mut() {
        if let Filter::Member {
            operator: FilterOperator::Equals | FilterOperator::NotEquals,
            values: list,
            ..
        } = f
        {
            let before = list.len();
            list.retain(|v| {
                !v.as_ref()
                    .is_some_and(|v| values.iter().any(|r| r.eq_ignore_ascii_case(v)))
            });
            changed |= list.len() < before;
        }
    }
    filters.retain(|f| match f {
        Filter::Member {
            operator: FilterOperator::Equals | FilterOperator::NotEquals,
            values,
            ..
        } => !values.is_empty(),
        _ => true,
    });
    changed
}

/// "add marketplace too" after "mobile vs web": the value joins the
/// equality filter on the same dimension; "include cancelled too" after
/// "not counting cancelled": the value leaves the negative filter. Returns
/// whether the filter was merged this way.
pub(crate) fn merge_value(
    parser: &OfflineParser<'_>,
    filters: &mut Vec<Filter>,
    spec: &FilterSpec,
) -> bool {
    if spec.operator != FilterOperator::Equals {
        return false;
    }
    let name = parser.name(spec.member);
    let short = |m: &str| m.rsplit('.').next().unwrap_or_default().to_owned();
    let same_dimension = |m: &str| m == name || short(m) == short(name);
    let negated = filters.iter().any(|f| {
        matches!(f, Filter::Member { operator: FilterOperator::NotEquals, values, .. }
            if values.iter().flatten().any(|v| spec.values.iter().any(|s| s.eq_ignore_ascii_case(v))))
    });
    if negated {
        return remove_values(filters, &spec.values);
    }
    for f in filters.iter_mut() {
        if let Filter::Member {
            member,
            operator: FilterOperator::Equals,
            values,
        } = f
        {
            if same_dimension(member) {
                add_values(values, &spec.values);
                return true;
            }
        }
    }
    false
}

/// Adds the values of an exclusion to the exclusion already on its member;
/// false when there is none.
pub(crate) fn merge_exclusion(
    parser: &OfflineParser<'_>,
    filters: &mut [Filter],
    f: &FilterSpec,
) -> bool {
    let name = parser.name(f.member);
    let Some(values) = filters.iter_mut().find_map(|old| match old {
        Filter::Member {
            member,
            operator: FilterOperator::NotEquals,
            values,
        } if member == name => Some(values),
        _ => None,
    }) else {
        return false;
    };
    add_values(values, &f.values);
    true
}

/// Adds to a filter's values those of `new` it does not hold yet.
pub(crate) fn add_values(values: &mut Vec<Option<String>>, new: &[String]) {
    for v in new {
        if !values.iter().flatten().any(|old| old == v) {
            values.push(Some(v.clone()));
        }
    }
}

/// "drop the breakdown", "remove the segment split", "lose the grouping":
/// groupings leave the query (the ones named, else all).
pub(crate) fn removes_grouping(a: &Analysis) -> bool {
    let t = texts(a);
    // "forget Beauty, split it by category instead" splits anew.
    if t.contains(&"by") {
        return false;
    }
    t.iter().enumerate().any(|(i, w)| {
        REMOVAL_VERBS.contains(w)
            && t.iter().skip(i + 1).take(4).any(|w| {
                matches!(
                    *w,
                    "breakdown" | "breakdowns" | "split" | "splits" | "grouping" | "groupings"
                )
            })
    })
}

/// "only those above 1000", "just the ones over 5%": a condition with no
/// member of its own, on what the rows show: the amount a listing sorts by,
/// else the first measure. The filter, and the words it was read from.
pub(crate) fn condition_on_rows(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    measures: &[usize],
    dimensions: &[usize],
    order: &[(String, bool)],
) -> Option<(FilterSpec, String)> {
    let members = parser.catalog().members();
    // "keep only countries above 50k" by country: the rows shown, named.
    let names_rows = |t: usize| {
        a.mentions[t]
            .candidates
            .iter()
            .any(|e| dimensions.contains(&e.member))
    };
    let n = a
        .numeric
        .iter()
        .find(|n| n.target.is_none_or(&names_rows))?;
    let sorted_amount = order.iter().find_map(|(key, _)| {
        dimensions
            .iter()
            .copied()
            .find(|&d| parser.name(d) == key && members[d].data_type == "number")
    });
    let member = sorted_amount.or_else(|| measures.first().copied())?;
    Some((
        super::conditions::condition_filter(members, member, n),
        super::conditions::condition_words(a, n),
    ))
}

/// Takes the groupings a removal names out of `dimensions` ("drop the
/// segment split": a view's "customer segment" is the cube's "segment"), or
/// all of them when it names none. `named` are the groupings the turn
/// resolved to. Returns whether one left.
pub(crate) fn drop_groupings(
    catalog: &crate::catalog::Catalog,
    a: &Analysis,
    named: &[usize],
    dimensions: &mut Vec<usize>,
) -> bool {
    let members = catalog.members();
    let is_named = |d: usize| {
        named.iter().any(|&n| {
            members[n].title == members[d].title
                || members[d].short_name().ends_with(members[n].short_name())
        })
    };
    // A word naming a grouping the model reads as something else
    // ("segment" is also a segment of customers).
    let worded = |d: usize| {
        a.tokens
            .iter()
            .any(|t| t.text.len() >= 4 && members[d].short_name().split('_').any(|w| w == t.stem))
    };
    let before = dimensions.len();
    if !named.is_empty() {
        dimensions.retain(|&d| !is_named(d));
    } else if dimensions.iter().any(|&d| worded(d)) {
        dimensions.retain(|&d| !worded(d));
    } else {
        dimensions.clear();
    }
    dimensions.len() < before
}

/// The measure a follow-up goes back to ("back to revenue, and …"): one of
/// `measures` (those the follow-up names) whose mention stands right after
/// "back to".
pub(super) fn measure_gone_back_to(
    catalog: &Catalog,
    a: &Analysis,
    measures: &[usize],
) -> Option<usize> {
    let at = a
        .tokens
        .windows(2)
        .position(|w| w[0].text == "back" && w[1].text == "to")?;
    let after = (at + 2..a.tokens.len()).find(|&k| !is_skippable(&a.tokens[k].text))?;
    let mention = a.mentions.iter().find(|m| m.start == after)?;
    mention
        .candidates
        .iter()
        .map(|e| e.member)
        .find(|m| measures.contains(m) && catalog.members()[*m].kind == MemberKind::Measure)
}

/// Words that put the rows in an order ("rank by revenue instead", "sort
/// them by profit").
const SORT_VERBS: &[&str] = &["rank", "ranked", "sort", "sorted", "order", "ordered"];

/// "rank by revenue instead", "sort them by profit": a turn that orders the
/// rows by a measure rather than asking for another one.
pub(crate) fn sorts_by(a: &Analysis) -> bool {
    a.tokens
        .windows(2)
        .any(|w| SORT_VERBS.contains(&w[0].text.as_str()) && w[1].text == "by")
        || a.tokens.windows(3).any(|w| {
            SORT_VERBS.contains(&w[0].text.as_str())
                && matches!(w[1].text.as_str(), "them" | "those" | "it" | "these")
                && w[2].text == "by"
        })
}

/// "remove the limit", "no limit", "show all of them again", "show them
/// all", "the full list": every row, not the first few.
pub(crate) fn drops_limit(a: &Analysis) -> bool {
    let t = texts(a);
    let limit_named = t
        .iter()
        .any(|w| matches!(*w, "limit" | "cap" | "cutoff" | "cut-off"));
    let removed = t
        .iter()
        .any(|w| REMOVAL_VERBS.contains(w) || matches!(*w, "no" | "without" | "take"));
    (limit_named && removed)
        || t.windows(3).any(|w| {
            matches!(w, ["all", "of", "them" | "those" | "these"])
                || matches!(w, ["the", "full" | "whole" | "complete", "list"])
        })
        || t.windows(2).any(|w| matches!(w, ["them" | "those", "all"]))
}

/// How many periods a count word names: "a", "one", "1", "two", "2"...
fn periods_counted(word: &str) -> Option<u32> {
    match word {
        "a" | "an" | "one" => Some(1),
        "two" => Some(2),
        "three" => Some(3),
        _ => word.parse().ok().filter(|n| (1..=20).contains(n)),
    }
}

/// "the month before", "one year back", "a year earlier", "2 quarters
/// back", "go back a year": the range asked moved back by whole periods,
/// as the unit and how many.
pub(crate) fn period_back(a: &Analysis) -> Option<(&'static str, u32)> {
    let t = texts(a);
    // "same for last year", "same thing last year": the period shown, a
    // year back.
    let same_last_year =
        t.first() == Some(&"same") && t.windows(2).any(|w| w == ["last", "year"]) && t.len() <= 5;
    if same_last_year {
        return Some(("year", 1));
    }
    let unit_at = |k: usize| t.get(k).and_then(|w| super::calendar::unit(w));
    (0..t.len()).find_map(|k| {
        let unit = unit_at(k)?;
        let after = t.get(k + 1).copied();
        // "the month before", "the week before that".
        if after == Some("before") {
            return Some((unit, 1));
        }
        let count = k.checked_sub(1).and_then(|p| periods_counted(t[p]))?;
        let back_after = matches!(after, Some("back" | "earlier" | "prior" | "ago" | "before"));
        let back_before = k >= 2 && matches!(t[k - 2], "back");
        (back_after || back_before).then_some((unit, count))
    })
}

/// "same for France instead of Germany": the values named right after
/// "instead of", which the others replace.
pub(crate) fn values_replaced(a: &Analysis) -> Vec<String> {
    let Some(at) = a
        .tokens
        .windows(2)
        .position(|w| w[0].text == "instead" && w[1].text == "of")
    else {
        return Vec::new();
    };
    let after = (at + 2..a.tokens.len()).find(|&k| !is_skippable(&a.tokens[k].text));
    a.values
        .iter()
        .filter(|v| Some(v.start) == after)
        .flat_map(|v| v.hits.iter().map(|(_, value)| value.clone()))
        .collect()
}

/// Words that take filters (or the date range) away: "remove the
/// filters", "all channels", "every channel again", "take off the date
/// range".
pub(crate) fn removes_filters(a: &Analysis) -> bool {
    let t = texts(a);
    t.iter().any(|w| {
        matches!(
            *w,
            "remove"
                | "drop"
                | "clear"
                | "forget"
                | "undo"
                | "ignore"
                | "lose"
                | "all"
                | "any"
                | "every"
                | "without"
                | "unfiltered"
        )
    }) || t.windows(2).any(|w| w == ["take", "off"])
}

/// The members a removal names that the query filters on: their filter
/// goes and their grouping stays ("every channel again"). Members split by
/// are not among them ("forget Beauty, split it by category").
pub(crate) fn lifted_members(
    parser: &OfflineParser<'_>,
    a: &Analysis,
    filters: &[Filter],
) -> Vec<usize> {
    let filtered = |m: usize| filters.iter().any(|f| member_of(f) == Some(parser.name(m)));
    a.mentions
        .iter()
        .filter(|m| {
            let split_by = a.tokens[..m.start]
                .iter()
                .any(|t| matches!(t.text.as_str(), "by" | "per"));
            !split_by && m.candidates.iter().any(|e| filtered(e.member))
        })
        .flat_map(|m| m.candidates.iter().map(|e| e.member))
        .collect()
}

/// The member a filter is on; `None` for an `and`/`or` group.
pub(crate) fn member_of(filter: &Filter) -> Option<&str> {
    match filter {
        Filter::Member { member, .. } => Some(member),
        Filter::And(_) | Filter::Or(_) => None,
    }
}
