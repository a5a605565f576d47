//! PostgreSQL: `$n` parameters, `timestamptz` instants, `AT TIME ZONE`,
//! `generate_series`, and `hll` approximate distinct counts when the
//! extension is installed.

use sqlparser::ast::{BinaryOperator, Expr};
use sqlparser::dialect::PostgreSqlDialect;

use super::{Dialect, SqlType};
use crate::sql::ast::{self, func};
use crate::sql::templates::SnippetDialect;

/// PostgreSQL's SQL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostgresDialect {
    /// The `hll` extension is installed: approximate distinct counts use it.
    pub hll: bool,
}

impl Dialect for PostgresDialect {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn parser(&self) -> &'static SnippetDialect {
        &PostgreSqlDialect {}
    }

    fn approx_distinct(&self, expr: Expr) -> Expr {
        if !self.hll {
            return self.cast(ast::func_distinct("count", vec![expr]), SqlType::Double);
        }
        func(
            "round",
            vec![func(
                "hll_cardinality",
                vec![func("hll_add_agg", vec![func("hll_hash_any", vec![expr])])],
            )],
        )
    }

    fn exact_distinct_reason(&self) -> Option<&'static str> {
        (!self.hll).then_some("the PostgreSQL hll extension is not installed")
    }

    /// PostgreSQL cannot FULL JOIN on `IS NOT DISTINCT FROM`, so this is
    /// `(a IS NULL) = (b IS NULL) AND COALESCE(a::text, '') =
    /// COALESCE(b::text, '')`, which it can hash (both sides have the same
    /// type, whose text form is one-to-one).
    fn null_safe_equal(&self, a: Expr, b: Expr) -> Vec<Expr> {
        let text = |e: Expr| {
            func(
                "COALESCE",
                vec![self.cast(e, SqlType::Text), ast::internal_string("")],
            )
        };
        vec![
            ast::binop(
                ast::nested(ast::is_null(a.clone(), false)),
                BinaryOperator::Eq,
                ast::nested(ast::is_null(b.clone(), false)),
            ),
            ast::binop(text(a), BinaryOperator::Eq, text(b)),
        ]
    }
}
