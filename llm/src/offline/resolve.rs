//! Choosing what each mention means so that the query is coherent: all
//! members of one view, or of cubes that join (one of them reaching the
//! others). Scores add up over the mentions; a scope pays for every extra
//! cube and for every mention it cannot serve. On a tie, cubes come before
//! views and earlier catalog members before later ones.

use std::collections::BTreeSet;

use strata_schema::MemberKind;

use super::joins::JoinHints;
use super::lexicon::Entry;
use super::parse::{Mention, Role};
use crate::catalog::Catalog;

/// Penalty for each cube beyond the first.
const EXTRA_CUBE: i64 = 5;
/// Penalty for combining cubes when the joins are unknown.
const UNKNOWN_JOIN: i64 = 10;
/// Penalty when a time dimension is needed and the scope has none.
const NO_TIME: i64 = 50;
/// Penalty for a measure of a cube the query's root reaches through a join:
/// the root's rows repeat it ("revenue from discounted lines" summed as order
/// revenue per line), so the root's own measure of the same name wins.
const FANNED_MEASURE: i64 = 10;

/// The role a mention ends up with and the candidates that fit it.
pub fn effective(catalog: &Catalog, m: &Mention) -> (Role, Vec<Entry>) {
    let kind = |e: &Entry| catalog.members()[e.member].kind;
    let of = |k: MemberKind| -> Vec<Entry> {
        m.candidates
            .iter()
            .copied()
            .filter(|e| kind(e) == k)
            .collect()
    };
    let (measures, dims, segments) = (
        of(MemberKind::Measure),
        of(MemberKind::Dimension),
        of(MemberKind::Segment),
    );
    match m.role {
        Role::Measure | Role::SortKey => {
            if !measures.is_empty() {
                (m.role, measures)
            } else if !segments.is_empty() && m.role == Role::Measure {
                (Role::Measure, segments)
            } else if dims.iter().all(|e| {
                let cm = &catalog.members()[e.member];
                cm.data_type == "number" && m.role == Role::Measure
            }) {
                // "total order value" names a numeric column, not something
                // to group by; without a measure for it, it is not understood.
                (Role::Measure, Vec::new())
            } else if m.role == Role::SortKey
                && !dims.is_empty()
                && dims.iter().all(|e| !catalog.members()[e.member].is_time())
            {
                // "sum(sales) by city, sorted by city": the rows in the
                // order of that column, which is also shown.
                (Role::SortKey, dims)
            } else {
                (Role::Group, dims)
            }
        }
        Role::Group => {
            if !dims.is_empty() {
                (Role::Group, dims)
            } else if !measures.is_empty() {
                (Role::Measure, measures)
            } else {
                (Role::Measure, segments)
            }
        }
        Role::NumericTarget => {
            let numeric: Vec<Entry> = m
                .candidates
                .iter()
                .copied()
                .filter(|e| {
                    let cm = &catalog.members()[e.member];
                    cm.data_type == "number" && cm.kind != MemberKind::Segment
                })
                .collect();
            (Role::NumericTarget, numeric)
        }
    }
}

/// The chosen meaning of every slot, within one scope.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resolution {
    /// Per slot, the chosen member index (None when the scope cannot serve it).
    pub chosen: Vec<Option<usize>>,
    /// The view the query stays within, if any.
    pub view: Option<String>,
    /// Owners (cubes or the view) of the chosen members.
    pub owners: Vec<String>,
    /// Total score.
    pub score: i64,
}

fn best_in(candidates: &[Entry], keep: impl Fn(&Entry) -> bool) -> Option<&Entry> {
    candidates
        .iter()
        .filter(|e| keep(e))
        .max_by(|a, b| a.score.cmp(&b.score).then(b.member.cmp(&a.member)))
}

/// Picks the scope (one view, or joinable cubes) that serves the slots best.
/// Each slot is a list of candidate members; `need_time` says a time
/// dimension will be needed.
pub fn resolve(
    catalog: &Catalog,
    hints: Option<&JoinHints>,
    slots: &[Vec<Entry>],
    need_time: bool,
) -> Resolution {
    let members = catalog.members();
    let mut best = resolve_cubes(catalog, hints, slots, need_time);
    // The titles the cubes alone would answer with: of two views that serve
    // the slots equally well, the one showing those members is the one the
    // question means ("which channel do 18-24s buy through the most" counts
    // orders, as the cube of the channel does, not the order count of the
    // line items' view).
    let cube_titles: Vec<Option<&str>> = best
        .as_ref()
        .map(|b| {
            b.chosen
                .iter()
                .map(|c| c.map(|m| members[m].title.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let agreement = |chosen: &[Option<usize>]| {
        chosen
            .iter()
            .zip(&cube_titles)
            .filter(|(v, c)| v.is_some() && v.map(|m| members[m].title.as_str()) == **c)
            .count()
    };
    // Views are built around facts: a question that measures nothing
    // ("which countries are in South America") reads the cubes themselves,
    // whose rows a view would narrow to those with facts.
    let measured = slots
        .iter()
        .flatten()
        .any(|e| members[e.member].kind == MemberKind::Measure);
    let views: BTreeSet<&str> = members
        .iter()
        .filter(|m| m.in_view && (measured || best.is_none()))
        .map(|m| m.owner.as_str())
        .collect();
    // Views in catalog order.
    let mut ordered: Vec<&str> = Vec::new();
    for m in members.iter().filter(|m| m.in_view) {
        if !ordered.contains(&m.owner.as_str()) && views.contains(m.owner.as_str()) {
            ordered.push(m.owner.as_str());
        }
    }
    for view in ordered {
        let mut score = 0;
        let chosen: Vec<Option<usize>> = slots
            .iter()
            .map(|c| {
                let e = best_in(c, |e| members[e.member].owner == view);
                score += e.map(|e| i64::from(e.score)).unwrap_or(0);
                e.map(|e| e.member)
            })
            .collect();
        if need_time && !members.iter().any(|m| m.owner == view && m.is_time()) {
            score -= NO_TIME;
        }
        if chosen.iter().all(Option::is_none) {
            continue;
        }
        let better = best.as_ref().is_none_or(|b| {
            score > b.score
                || (score == b.score
                    && b.view.is_some()
                    && agreement(&chosen) > agreement(&b.chosen))
        });
        if better {
            best = Some(Resolution {
                chosen,
                view: Some(view.to_owned()),
                owners: vec![view.to_owned()],
                score,
            });
        }
    }
    best.unwrap_or(Resolution {
        chosen: vec![None; slots.len()],
        view: None,
        owners: Vec::new(),
        score: 0,
    })
}

fn resolve_cubes(
    catalog: &Catalog,
    hints: Option<&JoinHints>,
    slots: &[Vec<Entry>],
    need_time: bool,
) -> Option<Resolution> {
    let members = catalog.members();
    // Per slot: the best candidate of each cube, best first, at most four.
    let options: Vec<Vec<Entry>> = slots
        .iter()
        .map(|c| {
            let mut per_cube: Vec<Entry> = Vec::new();
            for e in c.iter().filter(|e| !members[e.member].in_view) {
                let owner = &members[e.member].owner;
                match per_cube
                    .iter_mut()
                    .find(|p| members[p.member].owner == *owner)
                {
                    Some(p)
                        if (e.score, std::cmp::Reverse(e.member))
                            > (p.score, std::cmp::Reverse(p.member)) =>
                    {
                        *p = *e
                    }
                    Some(_) => {}
                    None => per_cube.push(*e),
                }
            }
            per_cube.sort_by(|a, b| b.score.cmp(&a.score).then(a.member.cmp(&b.member)));
            per_cube.truncate(4);
            per_cube
        })
        .collect();
    let mut best: Option<(i64, usize, Vec<Option<usize>>)> = None;
    let mut current: Vec<Option<usize>> = Vec::with_capacity(slots.len());
    search(catalog, hints, &options, need_time, &mut current, &mut best);
    let (score, _, chosen) = best?;
    if chosen.iter().all(Option::is_none) {
        return None;
    }
    let mut owners: Vec<String> = Vec::new();
    for m in chosen.iter().flatten() {
        let owner = &members[*m].owner;
        if !owners.contains(owner) {
            owners.push(owner.clone());
        }
    }
    Some(Resolution {
        chosen,
        view: None,
        owners,
        score,
    })
}

fn search(
    catalog: &Catalog,
    hints: Option<&JoinHints>,
    options: &[Vec<Entry>],
    need_time: bool,
    current: &mut Vec<Option<usize>>,
    best: &mut Option<(i64, usize, Vec<Option<usize>>)>,
) {
    let members = catalog.members();
    if current.len() == options.len() {
        let mut owners: Vec<&str> = Vec::new();
        for m in current.iter().flatten() {
            let o = members[*m].owner.as_str();
            if !owners.contains(&o) {
                owners.push(o);
            }
        }
        let mut score: i64 = current
            .iter()
            .zip(options)
            .map(|(c, opts)| {
                c.and_then(|m| opts.iter().find(|e| e.member == m))
                    .map(|e| i64::from(e.score))
                    .unwrap_or(0)
            })
            .sum();
        score -= EXTRA_CUBE * (owners.len().saturating_sub(1) as i64);
        let root = match hints {
            Some(h) => match h.root(&owners) {
                Some(r) => Some(r),
                None if owners.is_empty() => None,
                None => return,
            },
            None => {
                if owners.len() > 1 {
                    score -= UNKNOWN_JOIN;
                }
                owners.first().copied()
            }
        };
        if let Some(root) = root.filter(|_| owners.len() > 1) {
            let fanned = current
                .iter()
                .flatten()
                .filter(|&&m| members[m].kind == MemberKind::Measure && members[m].owner != root)
                .count();
            score -= FANNED_MEASURE * fanned as i64;
        }
        if need_time {
            match time_reachable(catalog, hints, &owners, root) {
                Reach::Owner => {}
                Reach::Joined => score -= EXTRA_CUBE,
                Reach::No => score -= NO_TIME,
            }
        }
        let better = match best {
            None => true,
            Some((s, n, chosen)) => {
                (
                    score,
                    std::cmp::Reverse(owners.len()),
                    std::cmp::Reverse(&*current),
                ) > (*s, std::cmp::Reverse(*n), std::cmp::Reverse(&*chosen))
            }
        };
        if better {
            *best = Some((score, owners.len(), current.clone()));
        }
        return;
    }
    let slot = &options[current.len()];
    if slot.is_empty() {
        current.push(None);
        search(catalog, hints, options, need_time, current, best);
        current.pop();
        return;
    }
    for e in slot {
        current.push(Some(e.member));
        search(catalog, hints, options, need_time, current, best);
        current.pop();
    }
}

/// Where a time dimension can come from.
enum Reach {
    /// One of the owners has one.
    Owner,
    /// A cube the root joins has one.
    Joined,
    /// None.
    No,
}

fn time_reachable(
    catalog: &Catalog,
    hints: Option<&JoinHints>,
    owners: &[&str],
    root: Option<&str>,
) -> Reach {
    let times: Vec<&str> = catalog
        .time_dimensions()
        .filter(|t| !t.in_view)
        .map(|t| t.owner.as_str())
        .collect();
    if times.iter().any(|o| owners.contains(o)) {
        return Reach::Owner;
    }
    let joined = times.iter().any(|o| match (hints, root) {
        (Some(h), Some(r)) => h.reaches(r, o),
        (None, _) => true,
        _ => false,
    });
    if joined {
        Reach::Joined
    } else {
        Reach::No
    }
}

/// The time dimension a query should use: in the view, or in the owner of
/// the first measure that has one ("top customers by spend last year" dates
/// the orders, not the sign-ups), or in the first owner that has one, or the
/// nearest cube the root reaches.
pub fn pick_time(
    catalog: &Catalog,
    hints: Option<&JoinHints>,
    resolution: &Resolution,
    measures: &[usize],
) -> Option<usize> {
    let members = catalog.members();
    let first_of = |owner: &str| members.iter().position(|m| m.owner == owner && m.is_time());
    let measure_owners = measures.iter().map(|&m| &members[m].owner);
    for owner in measure_owners.chain(&resolution.owners) {
        if let Some(i) = first_of(owner) {
            return Some(i);
        }
    }
    let owners: Vec<&str> = resolution.owners.iter().map(String::as_str).collect();
    let root = hints
        .and_then(|h| h.root(&owners))
        .or(owners.first().copied());
    let mut best: Option<(usize, usize)> = None;
    for (i, m) in members.iter().enumerate() {
        if !m.is_time() || m.in_view {
            continue;
        }
        let d = match (hints, root) {
            (Some(h), Some(r)) => h.distance(r, &m.owner),
            (None, _) => Some(100),
            _ => None,
        };
        if let Some(d) = d {
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, i));
            }
        }
    }
    best.map(|(_, i)| i)
}
