//! "everyone again", "ok, everybody again, and by channel": a follow-up that
//! takes away what narrowed the people counted (a segment, an age group, an
//! opt-in) and keeps every other filter ("Toys" stays). The people are the
//! cube the model's customers are counted on; a view member counts as the
//! cube member it includes.

use strata_engine::query::Filter;
use strata_schema::MemberKind;

use super::followup_edits::member_of;
use super::parse::Analysis;
use super::OfflineParser;

/// Whether the turn asks for all the people again.
pub(super) fn asks_for_everyone(a: &Analysis) -> bool {
    a.tokens
        .iter()
        .any(|t| matches!(t.text.as_str(), "everyone" | "everybody"))
}

/// Removes the filters and segments on the people's cube; whether any went.
pub(super) fn lift_people(
    parser: &OfflineParser<'_>,
    filters: &mut Vec<Filter>,
    segments: &mut Vec<usize>,
) -> bool {
    let Some(people) = people_cube(parser) else {
        return false;
    };
    let before = filters.len() + segments.len();
    filters.retain(|f| member_of(f).is_none_or(|m| cube_of(parser, m) != people));
    segments.retain(|&s| cube_of(parser, parser.name(s)) != people);
    filters.len() + segments.len() < before
}

/// The cube of the measure "customers" (or "people", "users") names best.
fn people_cube<'c>(parser: &OfflineParser<'c>) -> Option<&'c str> {
    let members = parser.catalog().members();
    let lexicon = parser.reader().lexicon();
    ["customer", "person", "user"].iter().find_map(|stem| {
        lexicon
            .lookup(&[(*stem).to_owned()])?
            .iter()
            .filter(|e| {
                let m = &members[e.member];
                m.kind == MemberKind::Measure && !m.in_view
            })
            .max_by_key(|e| e.score)
            .map(|e| members[e.member].owner.as_str())
    })
}

/// The cube a member stands on: its own, or the one a view member includes.
fn cube_of<'p>(parser: &'p OfflineParser<'_>, name: &'p str) -> &'p str {
    let target = parser.index.views.target(name).unwrap_or(name);
    target.split('.').next().unwrap_or_default()
}
