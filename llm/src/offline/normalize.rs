//! Tidying a built query without changing the rows it selects.

use strata_engine::query::{Filter, FilterOperator};
use strata_engine::Query;

/// The `equals` tests of one member among `query`'s filters: the member and
/// its values.
pub(super) fn equals_filters(query: &Query) -> impl Iterator<Item = (&str, &[Option<String>])> {
    query.filters.iter().filter_map(|f| match f {
        Filter::Member {
            member,
            operator: FilterOperator::Equals,
            values,
        } => Some((member.as_str(), values.as_slice())),
        _ => None,
    })
}

/// Keeps the filters of `query` that are not `equals` tests of one member,
/// and those `keep(member, values)` keeps: the shape the readers that drop
/// or turn a value filter into something else share.
pub(super) fn retain_equals(
    query: &mut Query,
    mut keep: impl FnMut(&str, &[Option<String>]) -> bool,
) {
    query.filters.retain(|f| match f {
        Filter::Member {
            member,
            operator: FilterOperator::Equals,
            values,
        } => keep(member, values),
        _ => true,
    });
}

/// One exclusion per member: "not counting returned or cancelled orders"
/// excludes both values in one `notEquals` filter, as a person would write
/// it, instead of one filter per value (the same rows either way).
pub(super) fn merge_exclusions(query: &mut Query) {
    let mut merged: Vec<Filter> = Vec::with_capacity(query.filters.len());
    for f in std::mem::take(&mut query.filters) {
        if let Filter::Member {
            member,
            operator: FilterOperator::NotEquals,
            values,
        } = &f
        {
            let earlier = merged.iter_mut().find_map(|g| match g {
                Filter::Member {
                    member: m,
                    operator: FilterOperator::NotEquals,
                    values: v,
                } if m == member => Some(v),
                _ => None,
            });
            if let Some(v) = earlier {
                for value in values {
                    if !v.contains(value) {
                        v.push(value.clone());
                    }
                }
                continue;
            }
        }
        merged.push(f);
    }
    query.filters = merged;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions_of_one_member_merge() {
        let mut q = Query::from_json(&serde_json::json!({
            "measures": ["Orders.count"],
            "filters": [
                {"member": "Orders.status", "operator": "notEquals", "values": ["returned"]},
                {"member": "Orders.channel", "operator": "equals", "values": ["web"]},
                {"member": "Orders.status", "operator": "notEquals", "values": ["cancelled"]}
            ]
        }))
        .unwrap_or_default();
        merge_exclusions(&mut q);
        assert_eq!(q.filters.len(), 2, "{:?}", q.filters);
        assert!(matches!(
            &q.filters[0],
            Filter::Member { values, .. } if values.len() == 2
        ));
    }
}
