//! Member and cube names typed as the model spells them, as an analyst who
//! knows the schema writes: "LineItems.profit_margin grouped by
//! Products.brand", "Orders.revenue by Countries.name". Read word by word,
//! "LineItems" names nothing the index knows, and the question was refused;
//! a `Cube.member` name becomes the member's title ("Profit Margin"), a
//! cube's name its title ("Line Items"), words the rest of the reader
//! understands where the model's titles are its vocabulary.

use std::borrow::Cow;

use crate::catalog::{Catalog, CatalogMember};

/// `text` with the model's own member and cube names replaced by their
/// titles; `text` itself when it names none.
pub(super) fn as_titles<'t>(catalog: &Catalog, text: &'t str) -> Cow<'t, str> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while let Some(start) = rest.find(is_name_char) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        let len = run.find(|c: char| !is_name_char(c)).unwrap_or(run.len());
        // "Orders.revenue." at the end of a sentence: the stop is not part
        // of the name.
        let name = run[..len].trim_end_matches('.');
        if name.is_empty() {
            out.push_str(&run[..len]);
            rest = &run[len..];
            continue;
        }
        match title_of(catalog, name) {
            Some(title) => {
                out.push_str(&title);
                changed = true;
            }
            None => out.push_str(name),
        }
        rest = &run[name.len()..];
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// The title `name` stands for, if it is spelt as the model spells a
/// member (`Cube.member`) or a cube (`LineItems`, `line_items`); plain
/// words and numbers ("revenue", "2.5") are not names.
fn title_of(catalog: &Catalog, name: &str) -> Option<String> {
    let identifier = name.contains('_') || name.contains('.') || has_inner_capital(name);
    if !identifier || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let members = catalog.members();
    if let Some((owner, member)) = name.split_once('.') {
        let found = members.iter().find(|m| {
            m.owner.eq_ignore_ascii_case(owner) && m.short_name().eq_ignore_ascii_case(member)
        })?;
        return Some(member_title(catalog, found));
    }
    let squashed = name.replace('_', "").to_lowercase();
    members
        .iter()
        .find(|m| !m.in_view && m.owner.replace('_', "").to_lowercase() == squashed)
        .map(|m| m.owner_title.clone())
}

/// "LineItems", "sales_overview": a capital inside a word, as in a cube's
/// name, not "Germany" or "AOV".
fn has_inner_capital(name: &str) -> bool {
    let mut chars = name.chars();
    let first_upper = chars.next().is_some_and(|c| c.is_ascii_uppercase());
    let rest: Vec<char> = chars.collect();
    first_upper
        && rest.iter().any(char::is_ascii_uppercase)
        && rest.iter().any(char::is_ascii_lowercase)
}

/// A member's title, with its owner's before it where another member of
/// a different owner has the same title and is not the same member seen
/// through a view.
fn member_title(catalog: &Catalog, member: &CatalogMember) -> String {
    let shared = catalog.members().iter().any(|m| {
        m.title == member.title
            && m.owner != member.owner
            && !m.in_view
            && !member.in_view
            && m.short_name() != member.short_name()
    });
    if shared {
        format!("{} {}", member.owner_title, member.title)
    } else {
        member.title.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::demo;
    use super::*;

    #[test]
    fn names_as_the_model_spells_them_become_titles() {
        let (catalog, _model) = demo();
        let plain = |q: &str| as_titles(&catalog, q).into_owned();
        let sample = catalog
            .members()
            .iter()
            .find(|m| !m.in_view && m.short_name().contains('_'))
            .expect("a member with a snake_case name");
        let asked = format!("{} by month", sample.name);
        assert!(
            plain(&asked).ends_with(&format!("{} by month", sample.title)),
            "{asked} → {}",
            plain(&asked)
        );
        // Plain words, numbers and unknown names stay as typed.
        for q in [
            "revenue by country in 2.5 weeks",
            "Germany vs France",
            "AOV last month",
            "Foo.bar by month",
        ] {
            assert!(matches!(as_titles(&catalog, q), Cow::Borrowed(_)), "{q}");
        }
    }
}
