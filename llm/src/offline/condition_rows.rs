//! The rows a condition on a total or a ranking applies to. "countries
//! with more than 200 orders" names them as a grouping; "days this month
//! with more than 300 orders" and "which months of 2025 came in under 400k"
//! name them as a plural unit of time, which makes a series of that unit;
//! "customers who placed more than 10 orders" and "items that sold under 10
//! units" name them as the plural of a dimension's title or synonym; "our
//! biggest sign-up month" ranks months. A condition on a total with no rows
//! at all tests the grand total, so it is asked about.

use strata_engine::query::TimeDimensionSpec;
use strata_schema::MemberKind;

use super::calendar::unit;
use super::parse::Analysis;
use super::text::phrase_key;
use crate::catalog::{Catalog, CatalogMember};
use crate::translation::{granularity as parse_granularity, Translation};

/// Makes the rows of a condition on a total, or of a ranking with nothing
/// else to rank, a series when the question names them as a unit of time
/// outside every period ("days this month", "the busiest week"; not "the
/// last 90 days").
pub(super) fn rows_of_time(catalog: &Catalog, analysis: &Analysis, t: &mut Translation) {
    // "our biggest sign-up month", "the lowest revenue day in the last 30
    // days": a ranking with nothing else to rank ranks the unit named.
    let ranks = super::dropped::ranks_nothing(analysis, t).is_some();
    if !ranks && measure_without_rows(catalog, t).is_none() {
        return;
    }
    let in_a_period = |k: usize| analysis.times.iter().any(|f| (f.start..f.end).contains(&k));
    let Some((g, plural)) = analysis
        .tokens
        .iter()
        .enumerate()
        .filter(|(k, _)| !in_a_period(*k) && !counted(analysis, *k))
        .find_map(|(_, tok)| {
            let w = tok.text.as_str();
            let plural = w.ends_with('s');
            // "order_date" names a column, not days.
            let named = matches!(
                w.trim_end_matches('s'),
                "day" | "week" | "month" | "quarter" | "year"
            );
            unit(w)
                .filter(|_| named && (ranks || plural))
                .and_then(parse_granularity)
                .map(|g| (g, plural))
        })
    else {
        return;
    };
    // "the biggest day": one; "the top 5 days": as many as asked.
    if ranks && t.query.limit.is_none() {
        t.query.limit = analysis
            .ranking
            .limit
            .map(u64::from)
            .or((!plural && analysis.ranking.superlative).then_some(1));
    }
    if let Some(td) = t
        .query
        .time_dimensions
        .iter_mut()
        .find(|td| td.compare_date_range.is_none())
    {
        td.granularity = Some(g);
        return;
    }
    // No period named: the series covers every date, on the time of the
    // measure's own cube or view.
    let owner = t
        .query
        .measures
        .first()
        .and_then(|m| catalog.get(m))
        .map(|m| m.owner.clone());
    let time = owner.and_then(|o| catalog.time_dimensions().find(|d| d.owner == o));
    if let Some(time) = time {
        t.query.time_dimensions.push(TimeDimensionSpec {
            dimension: time.name.clone(),
            granularity: Some(g),
            date_range: None,
            compare_date_range: None,
        });
    }
}

/// Whether token `k` is what a question counts ("how many customers placed
/// more than 10 orders", "the number of days with …"): a count of the rows,
/// which listing them would not answer.
fn counted(analysis: &Analysis, k: usize) -> bool {
    let word = |back: usize| {
        k.checked_sub(back)
            .and_then(|j| analysis.tokens.get(j))
            .map(|t| t.text.as_str())
    };
    matches!(
        (word(2), word(1)),
        (Some("how"), Some("many")) | (Some("number"), Some("of"))
    )
}

/// "the single biggest day for Toys revenue": a superlative over a series
/// named by a singular unit is its one top period.
pub(super) fn one_ranked_period(analysis: &Analysis, t: &mut Translation) {
    let sorted_by_measure = t
        .query
        .order
        .as_ref()
        .and_then(|o| o.first())
        .is_some_and(|(key, _)| t.query.measures.contains(key));
    if !analysis.ranking.superlative
        || analysis.ranking.limit.is_some()
        || t.query.limit.is_some()
        || !sorted_by_measure
    {
        return;
    }
    let singular_series = analysis.times.iter().any(|f| {
        matches!(f.kind, super::time::TimeKind::Granularity(_))
            && f.end == f.start + 1
            && analysis.tokens.get(f.start).is_some_and(|tok| {
                matches!(
                    tok.text.as_str(),
                    "day" | "week" | "month" | "quarter" | "year"
                )
            })
    });
    if singular_series {
        t.query.limit = Some(1);
    }
}

/// Groups the rows of a condition on a total by the dimension a plural noun
/// of the question names by its title or a one-word synonym ("customers" is
/// the customer name, "items" the product), of the owner of the measure
/// tested, or of any cube when that measure is a cube's.
pub(super) fn rows_named(catalog: &Catalog, analysis: &Analysis, t: &mut Translation) {
    let Some(measure) = measure_without_rows(catalog, t) else {
        return;
    };
    let in_a_period = |k: usize| analysis.times.iter().any(|f| (f.start..f.end).contains(&k));
    // The rows are named before the condition ("customers who placed more
    // than 10 orders"); a noun inside it is what is counted ("orders with
    // more than 5 products" are not rows of products).
    let condition_at = (0..analysis.tokens.len())
        .find(|&k| !in_a_period(k) && analysis.tokens[k].number().is_some())
        .unwrap_or(analysis.tokens.len());
    let plurals: Vec<&str> = analysis.tokens[..condition_at]
        .iter()
        .enumerate()
        .filter(|(k, tok)| {
            !in_a_period(*k)
                && !counted(analysis, *k)
                && tok.text.ends_with('s')
                && tok.stem != tok.text
        })
        .map(|(_, tok)| tok.stem.as_str())
        .collect();
    let names = |d: &CatalogMember, stem: &str| {
        let title = phrase_key(&d.title);
        (title.len() == 1 && title[0] == stem)
            || d.synonyms
                .iter()
                .any(|s| !s.contains(' ') && s.eq_ignore_ascii_case(stem))
    };
    let fits = |d: &&CatalogMember| {
        d.data_type == "string"
            && !d.primary_key
            && if measure.in_view {
                d.owner == measure.owner
            } else {
                !d.in_view
            }
    };
    let found = plurals.iter().find_map(|stem| {
        catalog
            .dimensions()
            .filter(fits)
            .find(|d| names(d, stem))
            .map(|d| (d, *stem))
    });
    let Some((d, stem)) = found else { return };
    t.query.dimensions.push(d.name.clone());
    // "customers who placed …" named the rows, not a count of customers.
    let tested = measure.name.clone();
    t.query.measures.retain(|m| {
        *m == tested
            || !catalog
                .get(m)
                .is_some_and(|m| phrase_key(&m.title).iter().any(|w| w == stem))
    });
}

/// The title of the measure a condition tests, when the query has no rows
/// for it to apply to (no grouping, no series, not a listing).
pub(super) fn condition_without_rows(catalog: &Catalog, t: &Translation) -> Option<String> {
    measure_without_rows(catalog, t).map(|m| m.title.clone())
}

/// The measure a condition tests, when the query has no rows for it.
fn measure_without_rows<'c>(catalog: &'c Catalog, t: &Translation) -> Option<&'c CatalogMember> {
    let q = &t.query;
    let rows = !q.dimensions.is_empty()
        || q.ungrouped
        || q.time_dimensions.iter().any(|td| td.granularity.is_some());
    if rows {
        return None;
    }
    let mut conditioned = None;
    for f in &q.filters {
        f.member_names(&mut |name| {
            if conditioned.is_none() {
                conditioned = catalog.get(name).filter(|m| m.kind == MemberKind::Measure);
            }
        });
    }
    conditioned
}
