//! Filters rendered as SQL conditions, every value a bound parameter.

use sqlparser::ast::{BinaryOperator, Expr};
use strata_schema::{DimensionType, MemberPath};

use super::ast::{self, and_all, is_null, or_all};
use super::context::RenderContext;
use crate::dialect::SqlType;
use crate::error::{query_err, QueryError};
use crate::plan::PlanFilter;
use crate::query::date_range::local_to_utc;
use crate::query::{DateRange, DateRangeSpec, FilterOperator};

/// Where a filter's members come from.
pub trait MemberSource {
    /// The expression of `member` (a dimension's row value, or a measure's aggregate).
    fn expr(
        &mut self,
        ctx: &mut RenderContext<'_>,
        member: &MemberPath,
        is_measure: bool,
    ) -> Result<Expr, QueryError>;
}

/// Members rendered from the model: dimensions as row values, measures as aggregates.
pub struct ModelMembers;

impl MemberSource for ModelMembers {
    fn expr(
        &mut self,
        ctx: &mut RenderContext<'_>,
        member: &MemberPath,
        is_measure: bool,
    ) -> Result<Expr, QueryError> {
        if is_measure {
            ctx.measure(member, false, 0)
        } else {
            ctx.dimension(member, 0)
        }
    }
}

/// Escapes `%`, `_` and `\` so a value matches literally in LIKE.
fn like_escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    for c in v.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn concat(ctx: &RenderContext<'_>, parts: Vec<Expr>) -> Expr {
    parts
        .into_iter()
        .reduce(|a, b| ctx.dialect.concat(a, b))
        .unwrap_or_else(ast::null)
}

/// A time value of a filter as a UTC instant parameter.
fn instant(
    ctx: &mut RenderContext<'_>,
    v: &str,
    end: bool,
    tz: chrono_tz::Tz,
) -> Result<Expr, QueryError> {
    let r = DateRange::resolve(
        &DateRangeSpec::Pair(v.to_string(), v.to_string()),
        tz,
        chrono::Utc::now(),
    )?;
    let local = if end { r.to } else { r.from };
    let utc = local_to_utc(&local, tz);
    ctx.time_bounds()
        .check(&utc.naive_utc(), format_args!("\"{v}\""))?;
    let text = utc.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    let value = ctx.param(Some(text));
    Ok(ctx.cast(value, SqlType::TimestampTz))
}

/// A typed placeholder for a value compared with a member of this type.
fn typed_value(
    ctx: &mut RenderContext<'_>,
    v: &str,
    ty: Option<DimensionType>,
    tz: chrono_tz::Tz,
) -> Result<Expr, QueryError> {
    Ok(match ty {
        None | Some(DimensionType::Number) => {
            let value = ctx.param(Some(v.to_string()));
            ctx.cast(value, SqlType::Numeric)
        }
        Some(DimensionType::Time) => instant(ctx, v, false, tz)?,
        Some(DimensionType::Boolean) => {
            let value = ctx.param(Some(v.to_string()));
            ctx.cast(value, SqlType::Boolean)
        }
        _ => ctx.param(Some(v.to_string())),
    })
}

/// Renders a filter tree.
pub fn render_filter(
    ctx: &mut RenderContext<'_>,
    f: &PlanFilter,
    source: &mut dyn MemberSource,
    tz: chrono_tz::Tz,
) -> Result<Expr, QueryError> {
    match f {
        PlanFilter::And(v) => {
            let items = v
                .iter()
                .map(|x| render_filter(ctx, x, source, tz))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(and_all(items).unwrap_or_else(|| ast::boolean(true)))
        }
        PlanFilter::Or(v) => {
            let items = v
                .iter()
                .map(|x| render_filter(ctx, x, source, tz))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(or_all(items).unwrap_or_else(|| ast::boolean(false)))
        }
        PlanFilter::DateRange { target, range } => {
            let e = source.expr(ctx, target, false)?;
            date_between(ctx, e, range, tz, false)
        }
        PlanFilter::Member {
            target,
            dimension_type,
            operator,
            values,
        } => {
            if *operator == FilterOperator::MeasureFilter {
                return measure_filter(ctx, target);
            }
            let e = source.expr(ctx, target, dimension_type.is_none())?;
            leaf(ctx, e, *dimension_type, *operator, values, tz)
        }
    }
}

/// `expr` within a local date range (inclusive), or outside it.
pub fn date_between(
    ctx: &mut RenderContext<'_>,
    e: Expr,
    range: &DateRange,
    tz: chrono_tz::Tz,
    negated: bool,
) -> Result<Expr, QueryError> {
    let (from, to) = range.to_utc(tz);
    let a = ctx.instant(from)?;
    let b = ctx.instant(to)?;
    Ok(if negated {
        ast::binop(
            ast::binop(e.clone(), BinaryOperator::Lt, a),
            BinaryOperator::Or,
            ast::binop(e, BinaryOperator::Gt, b),
        )
    } else {
        ast::binop(
            ast::binop(e.clone(), BinaryOperator::GtEq, a),
            BinaryOperator::And,
            ast::binop(e, BinaryOperator::LtEq, b),
        )
    })
}

fn measure_filter(ctx: &mut RenderContext<'_>, target: &MemberPath) -> Result<Expr, QueryError> {
    let conds = ctx.measure_filter_conditions(target)?;
    Ok(and_all(conds).unwrap_or_else(|| ast::boolean(true)))
}

fn leaf(
    ctx: &mut RenderContext<'_>,
    e: Expr,
    ty: Option<DimensionType>,
    op: FilterOperator,
    values: &[Option<String>],
    tz: chrono_tz::Tz,
) -> Result<Expr, QueryError> {
    use FilterOperator::*;
    let non_null: Vec<&String> = values.iter().flatten().collect();
    let has_null = non_null.len() < values.len();
    let like = |ctx: &mut RenderContext<'_>, v: &str, pre: bool, post: bool| {
        let p = ctx.param(Some(like_escape(v)));
        let pct = || ast::internal_string("%");
        match (pre, post) {
            (true, true) => concat(ctx, vec![pct(), p, pct()]),
            (true, false) => concat(ctx, vec![pct(), p]),
            (false, true) => concat(ctx, vec![p, pct()]),
            (false, false) => p,
        }
    };
    Ok(match op {
        Equals | NotEquals => {
            let list = non_null
                .iter()
                .map(|v| typed_value(ctx, v, ty, tz))
                .collect::<Result<Vec<_>, _>>()?;
            let negated = op == NotEquals;
            let cmp = match list.len() {
                0 => None,
                1 => Some(ast::binop(
                    e.clone(),
                    if negated {
                        BinaryOperator::NotEq
                    } else {
                        BinaryOperator::Eq
                    },
                    list.into_iter().next().unwrap_or_else(ast::null),
                )),
                _ => Some(ast::in_list(e.clone(), list, negated)),
            };
            match (cmp, has_null, negated) {
                (Some(c), false, false) => c,
                (Some(c), true, false) => ast::binop(c, BinaryOperator::Or, is_null(e, false)),
                (Some(c), false, true) => ast::binop(c, BinaryOperator::Or, is_null(e, false)),
                (Some(c), true, true) => ast::binop(c, BinaryOperator::And, is_null(e, true)),
                (None, _, false) => is_null(e, false),
                (None, _, true) => is_null(e, true),
            }
        }
        Contains | StartsWith | EndsWith => {
            let (pre, post) = match op {
                Contains => (true, true),
                StartsWith => (false, true),
                _ => (true, false),
            };
            let items = non_null
                .iter()
                .map(|v| {
                    let p = like(ctx, v, pre, post);
                    ctx.dialect.case_insensitive_like(e.clone(), p, false)
                })
                .collect();
            or_all(items).unwrap_or_else(|| ast::boolean(false))
        }
        NotContains | NotStartsWith | NotEndsWith => {
            let (pre, post) = match op {
                NotContains => (true, true),
                NotStartsWith => (false, true),
                _ => (true, false),
            };
            let items = non_null
                .iter()
                .map(|v| {
                    let p = like(ctx, v, pre, post);
                    ctx.dialect.case_insensitive_like(e.clone(), p, true)
                })
                .collect();
            let all = and_all(items).unwrap_or_else(|| ast::boolean(true));
            ast::binop(all, BinaryOperator::Or, is_null(e, false))
        }
        Gt | Gte | Lt | Lte => {
            let v = non_null
                .first()
                .ok_or_else(|| query_err!("operator {} needs a value", op.as_str()))?;
            let bop = match op {
                Gt => BinaryOperator::Gt,
                Gte => BinaryOperator::GtEq,
                Lt => BinaryOperator::Lt,
                _ => BinaryOperator::LtEq,
            };
            let rhs = typed_value(ctx, v, ty, tz)?;
            ast::binop(e, bop, rhs)
        }
        Set => is_null(e, true),
        NotSet => is_null(e, false),
        InDateRange | NotInDateRange => {
            let (Some(a), Some(b)) = (non_null.first(), non_null.get(1)) else {
                return Err(query_err!("operator {} needs two dates", op.as_str()));
            };
            let range = DateRange::resolve(
                &DateRangeSpec::Pair(a.to_string(), b.to_string()),
                tz,
                chrono::Utc::now(),
            )?;
            date_between(ctx, e, &range, tz, op == NotInDateRange)?
        }
        BeforeDate | BeforeOrOnDate | AfterDate | AfterOrOnDate => {
            let v = non_null
                .first()
                .ok_or_else(|| query_err!("operator {} needs a date", op.as_str()))?;
            let (end, bop) = match op {
                BeforeDate => (false, BinaryOperator::Lt),
                BeforeOrOnDate => (true, BinaryOperator::LtEq),
                AfterDate => (true, BinaryOperator::Gt),
                _ => (false, BinaryOperator::GtEq),
            };
            let rhs = instant(ctx, v, end, tz)?;
            ast::binop(e, bop, rhs)
        }
        MeasureFilter => ast::boolean(true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(like_escape("di_Novo 100%"), "di\\_Novo 100\\%");
        assert_eq!(like_escape("a\\b"), "a\\\\b");
    }
}
