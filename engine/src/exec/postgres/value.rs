//! Reading PostgreSQL values in binary form: a catch-all `FromSql` that keeps
//! the raw bytes, and a NUMERIC decoder that keeps the exact decimal text.

use tokio_postgres::types::{FromSql, IsNull, ToSql, Type};

/// Any value, as the raw bytes of its binary form.
pub struct RawValue<'a>(pub &'a [u8]);

impl<'a> FromSql<'a> for RawValue<'a> {
    fn from_sql(
        _ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(RawValue(raw))
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

/// A parameter sent in text form, so PostgreSQL infers and parses its type
/// exactly as it would for a literal (as node-postgres does for Cube).
#[derive(Debug)]
pub struct TextParam<'a>(pub Option<&'a str>);

impl ToSql for TextParam<'_> {
    fn to_sql(
        &self,
        _ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self.0 {
            Some(s) => {
                out.extend_from_slice(s.as_bytes());
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    fn encode_format(&self, _ty: &Type) -> tokio_postgres::types::Format {
        tokio_postgres::types::Format::Text
    }

    tokio_postgres::types::to_sql_checked!();
}

/// Decodes PostgreSQL's binary NUMERIC into its decimal text, with the
/// value's own scale (`210.98000`), or `NaN`/`Infinity`.
///
/// Hand-written because no crate decodes this format into the exact text:
/// `tokio-postgres` has no NUMERIC type of its own, and `rust_decimal`'s
/// decoder (feature `db-tokio-postgres`) holds a 96-bit mantissa (28 to 29
/// significant digits) and has no `NaN` or infinities, while a NUMERIC holds
/// up to 131,072 digits before the point and 16,383 after, and Cube answers
/// with PostgreSQL's own text of the value (its `dscale` zeros included).
/// This writes that text straight from the base-10,000 digit groups, without
/// going through a number type.
pub fn numeric_to_string(raw: &[u8]) -> Option<String> {
    let be16 =
        |i: usize| -> Option<u16> { Some(u16::from_be_bytes([*raw.get(i)?, *raw.get(i + 1)?])) };
    let ndigits = be16(0)? as usize;
    let weight = be16(2)? as i16 as i32;
    let sign = be16(4)?;
    let dscale = be16(6)? as usize;
    match sign {
        0xC000 => return Some("NaN".into()),
        0xD000 => return Some("Infinity".into()),
        0xF000 => return Some("-Infinity".into()),
        _ => {}
    }
    let digits: Vec<u16> = (0..ndigits)
        .map(|i| be16(8 + 2 * i))
        .collect::<Option<_>>()?;
    let mut int_part = String::new();
    // Integer part: base-10000 groups with index 0..=weight.
    if weight < 0 {
        int_part.push('0');
    } else {
        for i in 0..=weight {
            let d = digits.get(i as usize).copied().unwrap_or(0);
            if int_part.is_empty() {
                int_part.push_str(&d.to_string());
            } else {
                int_part.push_str(&format!("{d:04}"));
            }
        }
    }
    let mut frac = String::new();
    if dscale > 0 {
        let mut i = weight + 1;
        while frac.len() < dscale {
            let d = if i < 0 {
                0
            } else {
                digits.get(i as usize).copied().unwrap_or(0)
            };
            frac.push_str(&format!("{d:04}"));
            i += 1;
        }
        frac.truncate(dscale);
    }
    let mut out = String::new();
    if sign == 0x4000 {
        out.push('-');
    }
    out.push_str(&int_part);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(ndigits: u16, weight: i16, sign: u16, dscale: u16, digits: &[u16]) -> Vec<u8> {
        let mut v = Vec::new();
        for x in [ndigits, weight as u16, sign, dscale] {
            v.extend_from_slice(&x.to_be_bytes());
        }
        for d in digits {
            v.extend_from_slice(&d.to_be_bytes());
        }
        v
    }

    #[test]
    fn decodes_numerics() {
        // 210.98000
        assert_eq!(
            numeric_to_string(&enc(2, 0, 0, 5, &[210, 9800])).unwrap(),
            "210.98000"
        );
        // -3.35060
        assert_eq!(
            numeric_to_string(&enc(2, 0, 0x4000, 5, &[3, 3506])).unwrap(),
            "-3.35060"
        );
        // 0.00000 (no digits)
        assert_eq!(numeric_to_string(&enc(0, 0, 0, 5, &[])).unwrap(), "0.00000");
        // 12345678 = [1234, 5678] weight 1
        assert_eq!(
            numeric_to_string(&enc(2, 1, 0, 0, &[1234, 5678])).unwrap(),
            "12345678"
        );
        // 0.0001234 -> weight -1: digits [1, 2340]
        assert_eq!(
            numeric_to_string(&enc(2, -1, 0, 7, &[1, 2340])).unwrap(),
            "0.0001234"
        );
        // 10000 = [1] weight 1 -> "10000"
        assert_eq!(numeric_to_string(&enc(1, 1, 0, 0, &[1])).unwrap(), "10000");
        assert!(numeric_to_string(&[0, 1]).is_none());
    }
}
