//! A parsed YAML value, lighter than `serde_yaml::Value`.
//!
//! Strings borrow from the file text where they can (the fast block reader
//! takes them as they are written) and own their text otherwise (what
//! `serde_yaml` gives).
//!
//! Model files are read once and every mapping in them is small (a member has
//! a handful of keys), so mappings are kept as a vector of pairs searched
//! linearly: building one costs a single allocation and no hashing, and
//! looking a key up compares a few short strings. The shape, the variants and
//! the behaviour (key order, duplicate-key errors, merge handling through
//! [`Mapping::remove`]) follow `serde_yaml::Value`, which this replaces when
//! deserializing.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess};
use serde_yaml::Number;

/// A YAML value whose strings may borrow from a text that lives for `'t`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'t> {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer or a float.
    Number(Number),
    /// A string.
    String(Cow<'t, str>),
    /// A list.
    Sequence(Vec<Value<'t>>),
    /// A mapping.
    Mapping(Mapping<'t>),
    /// A value with a tag (`!tag value`).
    Tagged(Box<Tagged<'t>>),
}

/// A tagged value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tagged<'t> {
    /// The tag, without its `!`.
    pub tag: String,
    /// The value.
    pub value: Value<'t>,
}

/// A YAML mapping: pairs in the order written, keys unique.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Mapping<'t>(Vec<(Value<'t>, Value<'t>)>);

impl<'t> Mapping<'t> {
    /// The value of a string key.
    pub(crate) fn get(&self, key: &str) -> Option<&Value<'t>> {
        self.0
            .iter()
            .find(|(k, _)| matches!(k, Value::String(s) if s == key))
            .map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub(crate) fn contains_key(&self, key: &Value<'t>) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// Adds a pair whose key is not present yet (callers check).
    pub(crate) fn insert(&mut self, key: Value<'t>, value: Value<'t>) {
        self.0.push((key, value));
    }

    /// Removes a string key, moving the last pair into its place (as
    /// `serde_yaml::Mapping::remove` does, so merged keys keep the same order).
    pub(crate) fn remove(&mut self, key: &str) -> Option<Value<'t>> {
        let pos = self
            .0
            .iter()
            .position(|(k, _)| matches!(k, Value::String(s) if s == key))?;
        Some(self.0.swap_remove(pos).1)
    }

    /// The pairs, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&Value<'t>, &Value<'t>)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The values, mutably.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut Value<'t>> {
        self.0.iter_mut().map(|(_, v)| v)
    }
}

impl<'t> IntoIterator for Mapping<'t> {
    type Item = (Value<'t>, Value<'t>);
    type IntoIter = std::vec::IntoIter<(Value<'t>, Value<'t>)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'de> Deserialize<'de> for Value<'static> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value<'static>, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> de::Visitor<'de> for ValueVisitor {
    type Value = Value<'static>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value<'static>, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value<'static>, E> {
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value<'static>, E> {
        Ok(Value::Number(u.into()))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value<'static>, E> {
        Ok(Value::Number(f.into()))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value<'static>, E> {
        Ok(Value::String(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<Value<'static>, E> {
        Ok(Value::String(Cow::Owned(s)))
    }

    fn visit_unit<E>(self) -> Result<Value<'static>, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value<'static>, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value<'static>, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'static>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'static>, A::Error> {
        let mut pairs: Vec<(Value<'static>, Value<'static>)> =
            Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(key) = map.next_key::<Value>()? {
            if pairs.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(duplicate_key(&key)));
            }
            let value = map.next_value()?;
            pairs.push((key, value));
        }
        Ok(Value::Mapping(Mapping(pairs)))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value<'static>, A::Error> {
        let (tag, contents) = data.variant::<String>()?;
        if tag.is_empty() {
            return Err(de::Error::custom("empty YAML tag is not allowed"));
        }
        let value = contents.newtype_variant()?;
        Ok(Value::Tagged(Box::new(Tagged { tag, value })))
    }
}

/// `serde_yaml`'s message for a repeated key.
fn duplicate_key(key: &Value) -> String {
    match key {
        Value::Null => "duplicate entry with null key".to_string(),
        Value::Bool(b) => format!("duplicate entry with key `{b}`"),
        Value::Number(n) => format!("duplicate entry with key {n}"),
        Value::String(s) => format!("duplicate entry with key {s:?}"),
        Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => {
            "duplicate entry in YAML map".to_string()
        }
    }
}

/// The same value as a `serde_yaml::Value` (for printing odd mapping keys).
pub(crate) fn to_serde_yaml(v: &Value) -> serde_yaml::Value {
    use serde_yaml::Value as Y;
    match v {
        Value::Null => Y::Null,
        Value::Bool(b) => Y::Bool(*b),
        Value::Number(n) => Y::Number(n.clone()),
        Value::String(s) => Y::String(s.to_string()),
        Value::Sequence(s) => Y::Sequence(s.iter().map(to_serde_yaml).collect()),
        Value::Mapping(m) => Y::Mapping(
            m.iter()
                .map(|(k, v)| (to_serde_yaml(k), to_serde_yaml(v)))
                .collect(),
        ),
        Value::Tagged(t) => Y::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: serde_yaml::value::Tag::new(t.tag.clone()),
            value: to_serde_yaml(&t.value),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses with both this type and `serde_yaml::Value`.
    fn both(
        text: &str,
    ) -> (
        Result<Value<'static>, String>,
        Result<serde_yaml::Value, String>,
    ) {
        (
            serde_yaml::from_str::<Value>(text).map_err(|e| e.to_string()),
            serde_yaml::from_str::<serde_yaml::Value>(text).map_err(|e| e.to_string()),
        )
    }

    #[test]
    fn matches_serde_yaml() {
        for text in [
            "a: 1\nb: [x, 2.5, true, null, ~, '', \"q\"]\nc: {d: e}\n",
            "- &a {x: 1, y: [1, 2]}\n- *a\n- !tag {z: 0x1F}\n- -7\n- 18446744073709551615\n",
            "k: .inf\nl: -.nan\nm: 0o17\nn: 012\no: 1e3\np: +5\n",
            "? [1, 2]\n: seq key\n3: number key\nnull: null key\ntrue: bool key\n",
            "a: {<<: {x: 1}, y: 2, z: 3}\n",
        ] {
            let (ours, theirs) = both(text);
            let (ours, theirs) = (ours.unwrap(), theirs.unwrap());
            assert_eq!(to_serde_yaml(&ours), theirs, "{text}");
        }
    }

    #[test]
    fn duplicate_keys_fail_like_serde_yaml() {
        for text in [
            "a: 1\na: 2\n",
            "x:\n  - {b: 1, b: 2}\n",
            "1: a\n1: b\n",
            "~: a\nnull: b\n",
            "true: a\ntrue: b\n",
            "[1]: a\n[1]: b\n",
        ] {
            let (ours, theirs) = both(text);
            assert_eq!(ours.unwrap_err(), theirs.unwrap_err(), "{text}");
        }
    }

    #[test]
    fn remove_swaps_like_serde_yaml() {
        let text = "{<<: 1, y: 2, z: 3}";
        let mut ours = match serde_yaml::from_str::<Value>(text).unwrap() {
            Value::Mapping(m) => m,
            _ => unreachable!(),
        };
        let mut theirs: serde_yaml::Mapping = serde_yaml::from_str(text).unwrap();
        ours.remove("<<");
        theirs.remove("<<");
        assert_eq!(
            to_serde_yaml(&Value::Mapping(ours)),
            serde_yaml::Value::Mapping(theirs)
        );
    }
}
