//! Both ends of one figure: "lowest and highest list price per
//! subcategory", "cheapest and most expensive list price in each category",
//! "min and max order value". Read word by word, one end became the measure
//! and the other a sort with one row, which answers "the subcategory with
//! the lowest highest price". The model's minimum and maximum of the
//! figure stand side by side instead, with no sort and no limit.

use strata_schema::MemberKind;

use super::parse::Analysis;
use crate::catalog::Catalog;
use crate::translation::Translation;

const LOW: &[&str] = &["lowest", "minimum", "min", "cheapest", "smallest", "least"];
const HIGH: &[&str] = &[
    "highest", "maximum", "max", "priciest", "biggest", "largest",
];

/// Puts the minimum beside the maximum of the figure when the question asks
/// for both ends. Returns whether it rewrote the query.
pub(crate) fn apply(catalog: &Catalog, a: &Analysis, t: &mut Translation) -> bool {
    let words: Vec<&str> = a.tokens.iter().map(|t| t.text.as_str()).collect();
    // "most expensive" is the high end too.
    let high_at = words.iter().enumerate().position(|(i, w)| {
        HIGH.contains(w) || (*w == "expensive" && i > 0 && words[i - 1] == "most")
    });
    let low_at = words.iter().position(|w| LOW.contains(w));
    let (Some(low), Some(high)) = (low_at, high_at) else {
        return false;
    };
    // The two ends joined ("lowest and highest", "min/max", "cheapest to
    // most expensive"), not two asks apart.
    let (first, second) = (low.min(high), low.max(high));
    let joined = words[first + 1..second]
        .iter()
        .all(|w| matches!(*w, "and" | "to" | "&" | "or" | "most"));
    if !joined || second - first > 3 {
        return false;
    }
    let [measure] = t.query.measures.as_slice() else {
        return false;
    };
    let Some(chosen) = catalog.get(measure) else {
        return false;
    };
    let short = chosen.short_name();
    let Some(rest) = short
        .strip_prefix("max_")
        .or_else(|| short.strip_prefix("min_"))
    else {
        return false;
    };
    let sibling = |prefix: &str| {
        let name = format!("{}.{prefix}{rest}", chosen.owner);
        catalog
            .get(&name)
            .filter(|m| m.kind == MemberKind::Measure)
            .map(|m| m.name.clone())
    };
    let (Some(min), Some(max)) = (sibling("min_"), sibling("max_")) else {
        return false;
    };
    t.query.measures = vec![min, max];
    t.query.order = None;
    t.query.limit = None;
    true
}
