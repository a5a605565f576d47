//! What a question named that its answer leaves out. A rule that reads one
//! part of a question ("the cheapest … in each category" as one product, "the
//! first week of June" as the first order) may leave a grouping or a value
//! the person named out of the query; a ranking may lose what it ranks ("the
//! toy we sold the most of" sorting one total); an amount may become a
//! grouping ("top products by quantity" split by each quantity). The answer
//! would then be to a broader or different question, so the person is asked
//! instead.

use std::collections::BTreeSet;

use strata_engine::query::{Filter, FilterOperator};
use strata_schema::MemberKind;

use super::parse::{Analysis, Role};
use crate::catalog::Catalog;
use crate::translation::Translation;

/// The words of the first grouping or value the question names and the
/// translation leaves out, if any.
pub(crate) fn left_out(catalog: &Catalog, analysis: &Analysis, t: &Translation) -> Option<String> {
    let q = &t.query;
    let mut used: BTreeSet<String> = BTreeSet::new();
    q.member_names(&mut |m| {
        used.insert(m.to_owned());
    });
    // A view member and the cube member it shows share a title.
    let used_titles: BTreeSet<String> = used
        .iter()
        .filter_map(|m| catalog.get(m))
        .map(|m| m.title.to_lowercase())
        .collect();
    let mut filter_values: BTreeSet<String> = BTreeSet::new();
    for f in &q.filters {
        collect_values(f, &mut filter_values);
    }
    let members = catalog.members();
    for mention in &analysis.mentions {
        if mention.absorbed || mention.candidates.is_empty() {
            continue;
        }
        // "our most recent business customer": a segment lives on as the
        // segment, a filter or a measure counted after it.
        let segment = mention.candidates.iter().all(|e| {
            members
                .get(e.member)
                .is_some_and(|m| m.kind == MemberKind::Segment)
        });
        if segment {
            let kept = mention.candidates.iter().any(|e| {
                members.get(e.member).is_some_and(|m| {
                    let short = m.short_name().to_lowercase();
                    used.contains(&m.name)
                        || used.iter().any(|u| u.to_lowercase().contains(&short))
                        || filter_values.contains(&short)
                })
            });
            if !kept {
                return Some(mention.text.clone());
            }
            continue;
        }
        if mention.role != Role::Group {
            continue;
        }
        let groupable = mention.candidates.iter().all(|e| {
            members
                .get(e.member)
                .is_some_and(|m| m.kind == MemberKind::Dimension && m.data_type != "time")
        });
        let kept = mention.candidates.iter().any(|e| {
            members.get(e.member).is_some_and(|m| {
                used.contains(&m.name) || used_titles.contains(&m.title.to_lowercase())
            })
        });
        if groupable && !kept {
            return Some(mention.text.clone());
        }
    }
    // "the gross profit on Toys last December" read as its latest day: an
    // amount named (not a count, which a listing of rows may stand for) and
    // an answer that only sorts dates.
    let sorted_by_date = q
        .order
        .iter()
        .flatten()
        .next()
        .is_some_and(|(key, _)| q.time_dimensions.iter().any(|td| td.dimension == *key));
    if q.measures.is_empty() && sorted_by_date {
        let amount = analysis.mentions.iter().find(|mention| {
            !mention.absorbed
                && mention.role == Role::Measure
                && !mention.is_measure_verb(&analysis.tokens)
                && !mention.candidates.is_empty()
                && mention.candidates.iter().all(|e| {
                    members
                        .get(e.member)
                        .is_some_and(|m| m.kind == MemberKind::Measure && !m.is_count())
                })
        });
        if let Some(mention) = amount {
            return Some(mention.text.clone());
        }
    }
    // "by category and month", "per week": a series asked for.
    let series = q
        .time_dimensions
        .iter()
        .any(|td| td.granularity.is_some() || td.compare_date_range.is_some());
    if !series {
        if let Some(unit) = grouping_unit(analysis) {
            return Some(unit);
        }
    }
    // A value is kept as a filter value, or in the name of a segment or a
    // measure counted or rated after it ("business" in
    // `Users.business_count`, "cancelled" in `Orders.cancellation_rate`).
    for value in &analysis.values {
        let kept = value.hits.iter().any(|(_, v)| {
            let v = v.to_lowercase();
            let keep = v.chars().count().saturating_sub(2).max(5);
            let stem: String = v.chars().take(keep).collect();
            filter_values.contains(&v) || used.iter().any(|m| m.to_lowercase().contains(&stem))
        });
        if !kept {
            let words: Vec<&str> = analysis
                .tokens
                .get(value.start..value.end)
                .unwrap_or_default()
                .iter()
                .map(|t| t.orig.as_str())
                .collect();
            return Some(words.join(" "));
        }
    }
    None
}

/// The ranking word of a question whose answer sorts totals with nothing to
/// rank: an order, measures, and no dimension, time series or listing.
pub(crate) fn ranks_nothing(analysis: &Analysis, t: &Translation) -> Option<String> {
    let q = &t.query;
    let sorted = q.order.as_ref().is_some_and(|o| !o.is_empty());
    let series = q.time_dimensions.iter().any(|td| td.granularity.is_some());
    if !sorted || q.measures.is_empty() || !q.dimensions.is_empty() || series || q.ungrouped {
        return None;
    }
    let word = analysis
        .ranking
        .used
        .iter()
        .filter_map(|&i| analysis.tokens.get(i))
        .map(|t| t.orig.clone())
        .next();
    Some(word.unwrap_or_else(|| "sorted".to_owned()))
}

/// The title of an amount the answer groups by beside its measures ("top
/// products by quantity" split by every quantity): a number that is no key
/// and was not asked to group by ("by item count").
pub(crate) fn groups_by_an_amount(
    catalog: &Catalog,
    analysis: &Analysis,
    t: &Translation,
) -> Option<String> {
    let q = &t.query;
    if q.measures.is_empty() {
        return None;
    }
    // "top 5 subcategories by units": after a ranking, "by" names what it
    // sorts by, not a grouping.
    let ranked = analysis.ranking.top || analysis.ranking.superlative;
    q.dimensions.iter().find_map(|d| {
        let m = catalog.get(d)?;
        let amount = m.data_type == "number" && !m.primary_key && m.short_name() != "id";
        let asked = !ranked
            && analysis.mentions.iter().any(|mention| {
                mention.role == Role::Group
                    && mention.start > 0
                    && analysis
                        .tokens
                        .get(mention.start - 1)
                        .is_some_and(|t| matches!(t.text.as_str(), "by" | "per"))
                    && mention.candidates.iter().any(|e| {
                        catalog
                            .members()
                            .get(e.member)
                            .is_some_and(|c| c.title == m.title)
                    })
            });
        (amount && !asked).then(|| m.title.to_lowercase())
    })
}

/// A calendar unit the question groups by: "by month", "per week", "each
/// day", "by category and month".
fn grouping_unit(analysis: &Analysis) -> Option<String> {
    let t = &analysis.tokens;
    (1..t.len()).find_map(|i| {
        let unit = matches!(
            t[i].text.as_str(),
            "day" | "week" | "month" | "quarter" | "year"
        );
        let before = t[i - 1].text.as_str();
        let by_list = before == "and"
            && (i.saturating_sub(4)..i - 1).any(|k| matches!(t[k].text.as_str(), "by" | "per"));
        (unit && (matches!(before, "by" | "per" | "each" | "every") || by_list))
            .then(|| t[i].orig.clone())
    })
}

/// The title of a grouping the answer cannot mean: a ranking of one filtered
/// to a single value ("is Columbus our most profitable city" ranking
/// Columbus alone), or a count of a cube's rows split by what names each row
/// ("customers by email": one each). A follow-up may keep a grouping it
/// narrows to one value ("just web" after "by channel"), so `follow_up`
/// checks only the second.
pub(crate) fn trivial_grouping(
    catalog: &Catalog,
    t: &Translation,
    follow_up: bool,
) -> Option<String> {
    let q = &t.query;
    let ranked = q.order.as_ref().is_some_and(|o| !o.is_empty());
    let single = |d: &String| {
        !follow_up
            && ranked
            && q.filters.iter().any(|f| {
                matches!(f, Filter::Member { member, operator: FilterOperator::Equals, values }
                if member == d && values.len() == 1)
            })
    };
    let counted_cubes: Vec<&str> = q
        .measures
        .iter()
        .filter_map(|m| catalog.get(m))
        .filter(|m| m.is_count())
        .map(|m| m.owner.as_str())
        .collect();
    q.dimensions.iter().find_map(|d| {
        let m = catalog.get(d)?;
        // One key of several ("category" of a category-subcategory-product
        // key) names no row.
        let sole_key = m.primary_key
            && catalog
                .members()
                .iter()
                .filter(|k| k.owner == m.owner && k.primary_key)
                .count()
                == 1;
        let names_each_row =
            sole_key || matches!(m.short_name(), "id" | "name" | "email" | "phone");
        let one_each = names_each_row && counted_cubes.contains(&m.owner.as_str());
        (single(d) || one_each).then(|| m.title.to_lowercase())
    })
}

/// "list", the verb, when the answer found has no rows (no
/// grouping, series, comparison or listing), as "list all our sales regions"
/// summing every region into one row.
pub(crate) fn list_without_rows(analysis: &Analysis, t: &Translation) -> Option<String> {
    let q = &t.query;
    let rows = !q.dimensions.is_empty()
        || q.ungrouped
        || q.time_dimensions
            .iter()
            .any(|td| td.granularity.is_some() || td.compare_date_range.is_some());
    if rows {
        return None;
    }
    // The verb: "list all our regions", "can you list …"; not "list price"
    // or "the customer list".
    let tokens = &analysis.tokens;
    (0..tokens.len())
        .find(|&i| {
            tokens[i].text == "list"
                && (i == 0
                    || matches!(
                        tokens[i - 1].text.as_str(),
                        "please" | "pls" | "you" | "me" | "to" | "and" | "then" | "just"
                    ))
        })
        .map(|i| tokens[i].orig.clone())
}

fn collect_values(f: &Filter, out: &mut BTreeSet<String>) {
    match f {
        Filter::Member { values, .. } => {
            out.extend(values.iter().flatten().map(|v| v.to_lowercase()));
        }
        Filter::And(v) | Filter::Or(v) => v.iter().for_each(|x| collect_values(x, out)),
    }
}
