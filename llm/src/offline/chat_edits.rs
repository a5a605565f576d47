//! Edits of a shown query in chat words, beyond those of `followup_edits`:
//!
//! | follow-up | edit |
//! |---|---|
//! | "drop Africa and Oceania" (no filter holds them) | the values left out |
//! | "cap it at 10 rows", "give me 20 of them" | how many rows |
//! | "just the overall number", "all channels combined" | groupings leave |
//! | "roll that up to region instead of country" | one grouping for another |
//! | "now gross instead" (after revenue) | the sibling measure the word names |

use strata_engine::query::{Filter, FilterOperator};
use strata_schema::MemberKind;

use super::build::FilterSpec;
use super::followup_edits::texts;
use super::parse::Analysis;
use super::stopwords::is_skippable;
use super::OfflineParser;
use crate::catalog::Catalog;

/// The `removed` values no equality filter of `filters` holds: "drop Africa
/// and Oceania" on a query that names neither leaves them out.
pub(crate) fn unfiltered(filters: &[Filter], removed: &[String]) -> Vec<String> {
    let held = |value: &String| {
        filters.iter().any(|f| match f {
            Filter::Member {
                operator: FilterOperator::Equals | FilterOperator::NotEquals,
                values,
                ..
            } => values
                .iter()
                .flatten()
                .any(|v| v.eq_ignore_ascii_case(value)),
            _ => false,
        })
    };
    removed.iter().filter(|v| !held(v)).cloned().collect()
}

/// Leaves `excluded` out: a `notEquals` filter on the member the turn read
/// them as (from `read`, its equality filters). Returns whether one was
/// added.
pub(crate) fn exclude_values(
    parser: &OfflineParser<'_>,
    read: &[FilterSpec],
    excluded: &[String],
    filters: &mut Vec<Filter>,
) -> bool {
    let mut added = false;
    for f in read {
        let values: Vec<String> = f
            .values
            .iter()
            .filter(|v| excluded.iter().any(|e| e.eq_ignore_ascii_case(v)))
            .cloned()
            .collect();
        if f.operator != FilterOperator::Equals || values.is_empty() {
            continue;
        }
        let spec = FilterSpec {
            member: f.member,
            operator: FilterOperator::NotEquals,
            values,
        };
        filters.push(spec.to_filter(parser));
        added = true;
    }
    added
}

/// "cap it at 10 rows", "limit it to 20", "give me 20 of them", "show 15
/// rows": how many rows the turn asks for, when a number stands in one of
/// those places.
pub(crate) fn row_count(a: &Analysis) -> Option<u64> {
    let t = texts(a);
    let count = |k: usize| {
        a.tokens
            .get(k)
            .and_then(|tok| tok.number())
            .filter(|n| n.fract() == 0.0 && (1.0..=10_000.0).contains(n))
            .map(|n| n as u64)
    };
    let capped = t
        .iter()
        .any(|w| matches!(*w, "cap" | "limit" | "max" | "maximum" | "restrict"));
    (0..t.len()).find_map(|k| {
        let n = count(k)?;
        let before = k.checked_sub(1).map(|p| t[p]);
        let after = t.get(k + 1).copied();
        let rows_after = matches!(after, Some("rows" | "results" | "lines" | "entries"));
        let of_them = after == Some("of")
            && matches!(t.get(k + 2).copied(), Some("them" | "those" | "these"));
        let capped_at = capped && matches!(before, Some("at" | "to"));
        let asked = matches!(
            before,
            Some("me" | "show" | "give" | "first" | "just" | "only")
        ) && (of_them || after.is_none() || rows_after);
        (rows_after || capped_at || asked || (of_them && k > 0)).then_some(n)
    })
}

/// Words [`row_count`] reads.
pub(crate) const ROW_COUNT_WORDS: &[&str] = &[
    "cap", "limit", "max", "maximum", "restrict", "rows", "results", "lines", "entries", "give",
];

/// "just the overall number", "the total only", "all combined": one figure,
/// no grouping.
pub(crate) fn asks_for_overall(a: &Analysis) -> bool {
    // "the top 10 countries overall" ranks them over everything.
    if a.ranking.direction.is_some() || a.ranking.top {
        return false;
    }
    let t = texts(a);
    t.windows(2).any(|w| {
        matches!(w[0], "overall" | "grand" | "single" | "one")
            && matches!(w[1], "number" | "figure" | "total" | "value")
    }) || t.windows(3).any(|w| matches!(w, ["the", "total", "only"]))
        || t.windows(2).any(|w| w == ["all", "together"])
        || t.iter()
            .any(|w| matches!(*w, "combined" | "altogether" | "overall"))
            && !t.iter().any(|w| matches!(*w, "by" | "per"))
}

/// "region instead of country", "roll that up to region instead of
/// country": the grouping after "instead of" (one of `dimensions`) and the
/// one that takes its place, on the same cube or view where it can be.
pub(crate) fn grouping_swapped(
    catalog: &Catalog,
    a: &Analysis,
    dimensions: &[usize],
) -> Option<(usize, usize)> {
    let members = catalog.members();
    let at = a
        .tokens
        .windows(2)
        .position(|w| w[0].text == "instead" && w[1].text == "of")?;
    let after = (at + 2..a.tokens.len()).find(|&k| !is_skippable(&a.tokens[k].text))?;
    let old = a
        .mentions
        .iter()
        .find(|m| m.start == after)?
        .candidates
        .iter()
        .map(|e| e.member)
        .find(|m| {
            dimensions.contains(m)
                || dimensions
                    .iter()
                    .any(|&d| members[d].title.eq_ignore_ascii_case(&members[*m].title))
        })?;
    let old = dimensions
        .iter()
        .copied()
        .find(|&d| d == old || members[d].title.eq_ignore_ascii_case(&members[old].title))?;
    let grouping = |m: usize| {
        members[m].kind == MemberKind::Dimension && members[m].data_type != "time" && m != old
    };
    let new = a
        .mentions
        .iter()
        .rev()
        .filter(|m| m.end <= at && !m.absorbed)
        .find_map(|named| {
            named
                .candidates
                .iter()
                .map(|e| e.member)
                .filter(|&m| grouping(m))
                .min_by_key(|&m| members[m].owner != members[old].owner)
        })?;
    Some((old, new))
}

/// "now gross instead" after revenue: a word nothing else placed that names
/// exactly one other measure of the shown measure's cube or view, which
/// shares a word with it ("Gross Revenue" beside "Revenue").
pub(crate) fn sibling_measure(
    catalog: &Catalog,
    a: &Analysis,
    unresolved: &[String],
    measures: &[usize],
) -> Option<usize> {
    let members = catalog.members();
    let &shown = measures.first()?;
    let shown_words = super::unplaced::described_by(&members[shown], false);
    let words: Vec<&String> = a.unmatched.iter().chain(unresolved).collect();
    let [word] = words.as_slice() else {
        return None;
    };
    let word = super::text::stem(&word.to_lowercase());
    let mut found = members.iter().enumerate().filter(|(i, m)| {
        let described = super::unplaced::described_by(m, false);
        !measures.contains(i)
            && m.kind == MemberKind::Measure
            && m.owner == members[shown].owner
            && described.contains(&word)
            && !shown_words.contains(&word)
            && described
                .iter()
                .any(|d| d.len() >= 4 && shown_words.contains(d))
    });
    let (first, _) = found.next()?;
    found.next().is_none().then_some(first)
}

/// "as a rate" after a count named after a value (the count's rate) or a
/// count filtered to one value (that value's rate, the filter gone), or
/// "now gross instead" (the [`sibling_measure`]): the measures shown become
/// it, or it joins them when `beside`. Returns whether they changed.
pub(crate) fn measure_named(
    catalog: &Catalog,
    a: &Analysis,
    unresolved: &[String],
    beside: bool,
    measures: &mut Vec<usize>,
    filters: &mut Vec<Filter>,
) -> bool {
    let members = catalog.members();
    let shown: Vec<String> = measures.iter().map(|&m| members[m].name.clone()).collect();
    let position = |name: &str| members.iter().position(|m| m.name == name);
    if let Some(rate) = super::rates::asked_as_rate(catalog, a, &shown).and_then(|r| position(&r)) {
        *measures = vec![rate];
        return true;
    }
    if let Some((rate, filter)) = super::rates::filtered_count_as_rate(catalog, a, &shown, filters)
    {
        if let Some(rate) = position(&rate) {
            *measures = vec![rate];
            filters.remove(filter);
            return true;
        }
    }
    let Some(m) = sibling_measure(catalog, a, unresolved, measures) else {
        return false;
    };
    if beside {
        measures.push(m);
    } else {
        *measures = vec![m];
    }
    true
}
