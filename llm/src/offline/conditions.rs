//! Numeric conditions as filters: the member a condition tests ("orders
//! over $100" tests the order's money column, "only the ones above 50k" the
//! figure shown) and the value it compares with ("above 20%" is 0.2 on a
//! column kept as a fraction).

use strata_schema::MemberKind;

use super::build::FilterSpec;
use super::parse::{Analysis, NumericFilter};
use super::resolve::Resolution;
use super::text::format_number;
use super::OfflineParser;

/// Whether an untargeted condition is said of the rows shown: "only the
/// ones above 50k", "just those under 10".
pub(super) fn on_the_rows_shown(a: &Analysis, n: &NumericFilter) -> bool {
    let start = n.condition.start;
    let before = |back: usize| {
        start
            .checked_sub(back)
            .and_then(|k| a.tokens.get(k))
            .map(|t| t.text.as_str())
    };
    matches!(before(1), Some("ones" | "those" | "them"))
        || (before(1) == Some("are") && matches!(before(2), Some("ones" | "those")))
}

/// A numeric condition as the filter on `member`: "a discount above 20%"
/// compares a column kept as a fraction with 0.2, a percent-formatted rate
/// with 20.
pub(super) fn condition_filter(
    members: &[crate::catalog::CatalogMember],
    member: usize,
    n: &NumericFilter,
) -> FilterSpec {
    let fraction = n.condition.percent && members[member].format.as_deref() != Some("percent");
    let value = if fraction {
        n.condition.value / 100.0
    } else {
        n.condition.value
    };
    FilterSpec {
        member,
        operator: n.condition.op.operator(),
        values: vec![format_number(value)],
    }
}

/// The words a numeric condition was read from, as typed ("above 1000").
pub(super) fn condition_words(a: &Analysis, n: &NumericFilter) -> String {
    a.tokens
        .get(n.condition.start..n.condition.end)
        .unwrap_or_default()
        .iter()
        .map(|t| t.orig.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A currency amount of a record ("order total"), not a key.
pub(super) fn is_money(m: &crate::catalog::CatalogMember) -> bool {
    m.kind == MemberKind::Dimension
        && m.data_type == "number"
        && !m.primary_key
        && m.format.as_deref() == Some("currency")
}

/// A money dimension ("order total") in the scope, preferring `owner`.
pub(super) fn money_dimension(
    parser: &OfflineParser<'_>,
    resolution: &Resolution,
    owner: Option<&str>,
) -> Option<usize> {
    let members = parser.catalog().members();
    let owners: Vec<&str> = owner
        .into_iter()
        .chain(resolution.owners.iter().map(String::as_str))
        .collect();
    owners
        .iter()
        .find_map(|o| members.iter().position(|m| m.owner == *o && is_money(m)))
}
