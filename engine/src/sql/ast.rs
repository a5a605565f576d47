//! Small constructors for sqlparser's AST, so the renderer reads like the SQL
//! it builds. Every value that comes from a user is a [`placeholder`]; every
//! identifier comes from the model and is quoted.

use std::sync::LazyLock;

use sqlparser::ast::{
    self, BinaryOperator, CastKind, DataType, Expr, Function, FunctionArg, FunctionArgExpr,
    FunctionArgumentList, FunctionArguments, Ident, ObjectName, ObjectNamePart, OrderByExpr,
    OrderByOptions, Query, Select, SelectItem, SetExpr, TableAlias, TableFactor, TableWithJoins,
    Value, ValueWithSpan,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Span;

/// A `SELECT 1` parsed once; cloned as the blank every select starts from,
/// so the many dialect-specific fields keep their parser defaults.
static BLANK_QUERY: LazyLock<Query> = LazyLock::new(|| {
    let stmts =
        Parser::parse_sql(&GenericDialect {}, "SELECT 1").expect("a constant statement parses"); // ok: constant input
    match stmts.into_iter().next() {
        Some(ast::Statement::Query(q)) => *q,
        _ => unreachable!("SELECT 1 is a query"), // ok: constant input
    }
});

/// A blank `SELECT` with no projection, table or clauses.
pub fn blank_select() -> Select {
    match BLANK_QUERY.body.as_ref() {
        SetExpr::Select(s) => {
            let mut s = s.as_ref().clone();
            s.projection.clear();
            s
        }
        _ => unreachable!("SELECT 1 is a select"), // ok: constant input
    }
}

/// Wraps a select into a query with no ORDER BY / LIMIT / OFFSET.
pub fn query(select: Select) -> Query {
    let mut q = BLANK_QUERY.clone();
    q.body = Box::new(SetExpr::Select(Box::new(select)));
    q
}

/// Sets ORDER BY on a query.
pub fn set_order_by(q: &mut Query, items: Vec<OrderByExpr>) {
    q.order_by = if items.is_empty() {
        None
    } else {
        Some(ast::OrderBy {
            kind: ast::OrderByKind::Expressions(items),
            interpolate: None,
        })
    };
}

/// Sets LIMIT and OFFSET on a query.
pub fn set_limit(q: &mut Query, limit: Option<u64>, offset: Option<u64>) {
    if limit.is_none() && offset.is_none() {
        q.limit_clause = None;
        return;
    }
    q.limit_clause = Some(ast::LimitClause::LimitOffset {
        limit: limit.map(number),
        offset: offset.map(|o| ast::Offset {
            value: number(o),
            rows: ast::OffsetRows::None,
        }),
        limit_by: vec![],
    });
}

/// An ORDER BY item; `nulls_last` adds `NULLS LAST` to a descending sort
/// (where PostgreSQL and DataFusion would put nulls first; ascending sorts
/// already put them last).
pub fn order_item(expr: Expr, desc: bool, nulls_last: bool) -> OrderByExpr {
    OrderByExpr {
        expr,
        options: OrderByOptions {
            asc: Some(!desc),
            nulls_first: (nulls_last && desc).then_some(false),
        },
        with_fill: None,
    }
}

/// A quoted identifier.
pub fn ident(name: &str) -> Ident {
    Ident::with_quote('"', name)
}

/// `"name"`.
pub fn col(name: &str) -> Expr {
    Expr::Identifier(ident(name))
}

/// `"table"."name"`.
pub fn qcol(table: &str, name: &str) -> Expr {
    Expr::CompoundIdentifier(vec![ident(table), ident(name)])
}

/// `$n`, a bound parameter (1-based).
pub fn placeholder(n: usize) -> Expr {
    value(Value::Placeholder(format!("${n}")))
}

/// A literal built by us (never user text): a number.
pub fn number(n: u64) -> Expr {
    value(Value::Number(n.to_string(), false))
}

/// A literal string that comes from the planner itself (a granularity name,
/// an interval), never from a request.
pub fn internal_string(s: &str) -> Expr {
    value(Value::SingleQuotedString(s.to_string()))
}

/// A boolean literal (`TRUE`/`FALSE`): what an empty `AND` or `OR` stands
/// for. Every back end reads it as a predicate, where a string `'false'`
/// only works where strings cast to booleans (PostgreSQL, not DataFusion).
pub fn boolean(b: bool) -> Expr {
    value(Value::Boolean(b))
}

/// A string literal node holding a request value, for engines that plan the
/// AST directly (it is never printed into SQL text that is parsed again).
pub fn string_literal(s: String) -> Expr {
    value(Value::SingleQuotedString(s))
}

/// `NULL`.
pub fn null() -> Expr {
    value(Value::Null)
}

fn value(v: Value) -> Expr {
    Expr::Value(ValueWithSpan {
        value: v,
        span: Span::empty(),
    })
}

/// `INTERVAL '<n unit>'` for an interval the planner produced.
pub fn interval(text: &str) -> Expr {
    Expr::Interval(ast::Interval {
        value: Box::new(internal_string(text)),
        leading_field: None,
        leading_precision: None,
        last_field: None,
        fractional_seconds_precision: None,
    })
}

/// `name(args...)`.
pub fn func(name: &str, args: Vec<Expr>) -> Expr {
    func_full(name, args, false, None)
}

/// `name(DISTINCT args...)`.
pub fn func_distinct(name: &str, args: Vec<Expr>) -> Expr {
    func_full(name, args, true, None)
}

/// `name(*)`.
pub fn func_star(name: &str) -> Expr {
    Expr::Function(Function {
        name: object_name(name),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: vec![FunctionArg::Unnamed(FunctionArgExpr::Wildcard)],
            clauses: vec![],
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: vec![],
    })
}

/// `name(args) OVER (PARTITION BY partition)`.
pub fn window(name: &str, args: Vec<Expr>, partition: Vec<Expr>) -> Expr {
    func_full(
        name,
        args,
        false,
        Some(ast::WindowType::WindowSpec(ast::WindowSpec {
            window_name: None,
            partition_by: partition,
            order_by: vec![],
            window_frame: None,
        })),
    )
}

fn func_full(name: &str, args: Vec<Expr>, distinct: bool, over: Option<ast::WindowType>) -> Expr {
    Expr::Function(Function {
        name: object_name(name),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: distinct.then_some(ast::DuplicateTreatment::Distinct),
            args: args
                .into_iter()
                .map(|a| FunctionArg::Unnamed(FunctionArgExpr::Expr(a)))
                .collect(),
            clauses: vec![],
        }),
        filter: None,
        null_treatment: None,
        over,
        within_group: vec![],
    })
}

fn object_name(name: &str) -> ObjectName {
    ObjectName(vec![ObjectNamePart::Identifier(Ident::new(name))])
}

/// `CAST(expr AS type)` written `expr::type`.
pub fn cast(expr: Expr, data_type: DataType) -> Expr {
    Expr::Cast {
        kind: CastKind::DoubleColon,
        expr: Box::new(nested(expr)),
        data_type,
        array: false,
        format: None,
    }
}

/// `(expr)`.
pub fn nested(expr: Expr) -> Expr {
    match expr {
        e @ (Expr::Identifier(_)
        | Expr::CompoundIdentifier(_)
        | Expr::Value(_)
        | Expr::Function(_)
        | Expr::Nested(_)) => e,
        e => Expr::Nested(Box::new(e)),
    }
}

/// `left op right`.
pub fn binop(left: Expr, op: BinaryOperator, right: Expr) -> Expr {
    Expr::BinaryOp {
        left: Box::new(nested(left)),
        op,
        right: Box::new(nested(right)),
    }
}

/// Conjunction of all; `None` when empty.
pub fn and_all(items: Vec<Expr>) -> Option<Expr> {
    items
        .into_iter()
        .reduce(|a, b| binop(a, BinaryOperator::And, b))
}

/// Disjunction of all; `None` when empty.
pub fn or_all(items: Vec<Expr>) -> Option<Expr> {
    items
        .into_iter()
        .reduce(|a, b| binop(a, BinaryOperator::Or, b))
}

/// `expr IS NULL` / `expr IS NOT NULL`.
pub fn is_null(expr: Expr, negated: bool) -> Expr {
    let e = Box::new(nested(expr));
    if negated {
        Expr::IsNotNull(e)
    } else {
        Expr::IsNull(e)
    }
}

/// `expr [NOT] ILIKE pattern`.
pub fn ilike(expr: Expr, pattern: Expr, negated: bool) -> Expr {
    Expr::ILike {
        negated,
        any: false,
        expr: Box::new(nested(expr)),
        pattern: Box::new(nested(pattern)),
        escape_char: None,
    }
}

/// `expr [NOT] IN (list)`.
pub fn in_list(expr: Expr, list: Vec<Expr>, negated: bool) -> Expr {
    Expr::InList {
        expr: Box::new(nested(expr)),
        list,
        negated,
    }
}

/// `CASE WHEN cond THEN result ... [ELSE e] END`.
pub fn case(branches: Vec<(Expr, Expr)>, else_result: Option<Expr>) -> Expr {
    Expr::Case {
        case_token: ast::helpers::attached_token::AttachedToken::empty(),
        end_token: ast::helpers::attached_token::AttachedToken::empty(),
        operand: None,
        conditions: branches
            .into_iter()
            .map(|(condition, result)| ast::CaseWhen { condition, result })
            .collect(),
        else_result: else_result.map(Box::new),
    }
}

/// `expr AT TIME ZONE tz`.
pub fn at_time_zone(expr: Expr, tz: Expr) -> Expr {
    Expr::AtTimeZone {
        timestamp: Box::new(nested(expr)),
        time_zone: Box::new(tz),
    }
}

/// `expr AS "alias"` in a projection.
pub fn aliased(expr: Expr, alias: &str) -> SelectItem {
    SelectItem::ExprWithAlias {
        expr,
        alias: ident(alias),
    }
}

/// `(query) AS "alias"` as a table.
pub fn derived(subquery: Query, alias: &str) -> TableFactor {
    TableFactor::Derived {
        lateral: false,
        subquery: Box::new(subquery),
        alias: Some(table_alias(alias)),
        sample: None,
    }
}

/// `name(args) AS "alias"("column")`: a set-returning function as a table.
pub fn table_function(name: &str, args: Vec<Expr>, alias: &str, column: &str) -> TableFactor {
    let mut a = table_alias(alias);
    a.columns = vec![ast::TableAliasColumnDef {
        name: ident(column),
        data_type: None,
    }];
    let args = ast::TableFunctionArgs {
        args: args
            .into_iter()
            .map(|e| FunctionArg::Unnamed(FunctionArgExpr::Expr(e)))
            .collect(),
        settings: None,
    };
    table(object_name(name), Some(a), Some(args))
}

/// A table (or table function, with `args`) in FROM.
pub fn table(
    name: ObjectName,
    alias: Option<TableAlias>,
    args: Option<ast::TableFunctionArgs>,
) -> TableFactor {
    TableFactor::Table {
        name,
        alias,
        args,
        with_hints: vec![],
        version: None,
        with_ordinality: false,
        partitions: vec![],
        json_path: None,
        sample: None,
        index_hints: vec![],
    }
}

/// A table alias.
pub fn table_alias(alias: &str) -> TableAlias {
    TableAlias {
        explicit: true,
        name: ident(alias),
        columns: vec![],
        at: None,
    }
}

/// A FROM item with no joins.
pub fn from(relation: TableFactor) -> TableWithJoins {
    TableWithJoins {
        relation,
        joins: vec![],
    }
}

/// A join of `relation` with `kind`.
pub fn join(relation: TableFactor, kind: JoinKind, on: Option<Expr>) -> ast::Join {
    let c = match on {
        Some(e) => ast::JoinConstraint::On(e),
        None => ast::JoinConstraint::None,
    };
    ast::Join {
        relation,
        global: false,
        join_operator: match kind {
            JoinKind::Left => ast::JoinOperator::Left(c),
            JoinKind::Full => ast::JoinOperator::FullOuter(c),
            JoinKind::Cross => ast::JoinOperator::CrossJoin(c),
        },
    }
}

/// Join kinds the planner uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// `LEFT JOIN`.
    Left,
    /// `FULL JOIN`.
    Full,
    /// `CROSS JOIN`.
    Cross,
}

/// GROUP BY the given expressions.
pub fn group_by(exprs: Vec<Expr>) -> ast::GroupByExpr {
    ast::GroupByExpr::Expressions(exprs, vec![])
}

/// A data type by its SQL name (`text`, `numeric`, `timestamptz`...);
/// dialects choose the names ([`crate::Dialect::data_type`]).
pub fn data_type(name: &str) -> DataType {
    match name {
        "numeric" => DataType::Numeric(ast::ExactNumberInfo::None),
        "text" => DataType::Text,
        "timestamp" => DataType::Timestamp(None, ast::TimezoneInfo::None),
        "timestamptz" => DataType::Timestamp(None, ast::TimezoneInfo::Tz),
        "boolean" => DataType::Boolean,
        "double precision" => DataType::DoublePrecision,
        "bigint" => DataType::BigInt(None),
        other => DataType::Custom(object_name(other), vec![]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_select() {
        let mut s = blank_select();
        s.projection.push(aliased(func_star("count"), "n"));
        s.from.push(from(TableFactor::Table {
            name: object_name("t"),
            alias: Some(table_alias("t")),
            args: None,
            with_hints: vec![],
            version: None,
            with_ordinality: false,
            partitions: vec![],
            json_path: None,
            sample: None,
            index_hints: vec![],
        }));
        s.selection = Some(binop(qcol("t", "a"), BinaryOperator::Eq, placeholder(1)));
        let mut q = query(s);
        set_limit(&mut q, Some(10), Some(5));
        assert_eq!(
            q.to_string(),
            "SELECT count(*) AS \"n\" FROM t AS \"t\" WHERE \"t\".\"a\" = $1 LIMIT 10 OFFSET 5"
        );
    }

    #[test]
    fn quotes_hostile_identifiers() {
        assert_eq!(col("a\"b").to_string(), "\"a\"\"b\"");
    }
}
