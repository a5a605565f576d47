//! The one rule for values of the caller's context that become part of a
//! SQL identifier: a tenant's schema or database (named after the tenant by
//! the server's tenancy settings) and `{{ COMPILE_CONTEXT.securityContext.x }}`
//! templates in model files.
//!
//! Such a value is written into SQL unquoted, and PostgreSQL folds unquoted
//! identifiers to lower case: were `Globex` accepted, `tenant_Globex.orders`
//! would read `tenant_globex.orders`, another tenant's table. So only what
//! folds to itself is accepted: 1 to 63 lower-case ASCII letters, digits
//! and `_`. Nothing is rewritten, so two values never land on one name.

/// Longest identifier PostgreSQL keeps whole (`NAMEDATALEN - 1`).
pub const MAX_IDENTIFIER_LEN: usize = 63;

/// Why a value cannot be part of an identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentifierError {
    /// The value is empty.
    #[error("it is empty")]
    Empty,
    /// The value is longer than [`MAX_IDENTIFIER_LEN`].
    #[error("it is {0} bytes long, at most {MAX_IDENTIFIER_LEN} are allowed")]
    TooLong(usize),
    /// The value holds a character other than `a-z`, `0-9` and `_`.
    #[error("it holds {0:?}; only lower-case letters a-z, digits and _ are allowed")]
    Character(char),
}

/// Checks that `value` may stand, unquoted, in a SQL identifier.
pub fn check_identifier(value: &str) -> Result<&str, IdentifierError> {
    if value.is_empty() {
        return Err(IdentifierError::Empty);
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Err(IdentifierError::Character(c));
    }
    if value.len() > MAX_IDENTIFIER_LEN {
        return Err(IdentifierError::TooLong(value.len()));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_values_that_fold_to_themselves_pass() {
        for ok in ["acme", "acme_eu", "t1", "_", &"a".repeat(63)] {
            assert_eq!(check_identifier(ok), Ok(ok));
        }
        assert_eq!(check_identifier(""), Err(IdentifierError::Empty));
        assert_eq!(
            check_identifier("Globex"),
            Err(IdentifierError::Character('G'))
        );
        assert_eq!(
            check_identifier(&"a".repeat(64)),
            Err(IdentifierError::TooLong(64))
        );
        for bad in [
            "a-b",
            "a b",
            "x;drop",
            "a\"b",
            "t1' or '1'='1",
            "ünï",
            "a.b",
            "İ",
        ] {
            assert!(check_identifier(bad).is_err(), "{bad}");
        }
    }
}
