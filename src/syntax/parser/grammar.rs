//! One function per production of `grammar/backup.ebnf`, named after it, with the production
//! quoted above it. The grammar is the superset of every release from v19.1 on; which release
//! accepts what is judged later (`crate::syntax::features`), never here.

use nom::Parser;
use nom::branch::alt;
use nom::combinator::{cut, map, opt};
use nom::multi::separated_list1;
use nom::sequence::{delimited, preceded};

use super::input::*;
use crate::syntax::ast::*;
use crate::syntax::lexer::TokenKind;
use crate::syntax::options::{OptStmt, Shape};
use crate::syntax::span::Span;

// ---------------------------------------------------------------------------------------------
// Shared non-terminals

/// `string_or_placeholder ::= SCONST | non_reserved_word | PLACEHOLDER`
pub fn string_or_placeholder<'t>(i: Tokens<'t>) -> PResult<'t, StrValue> {
    alt((
        sconst,
        placeholder,
        map(non_reserved_word, |n| StrValue {
            kind: StrKind::BareWord(n.value),
            span: n.span,
        }),
    ))
    .parse(i)
}

/// `sconst_or_placeholder ::= SCONST | PLACEHOLDER`
pub fn sconst_or_placeholder<'t>(i: Tokens<'t>) -> PResult<'t, StrValue> {
    alt((sconst, placeholder)).parse(i)
}

/// `string_or_placeholder_list ::= string_or_placeholder { ',' string_or_placeholder }`
pub fn string_or_placeholder_list<'t>(i: Tokens<'t>) -> PResult<'t, Vec<StrValue>> {
    separated_list1(punct(","), string_or_placeholder).parse(i)
}

/// `string_or_placeholder_opt_list ::= string_or_placeholder | '(' string_or_placeholder_list ')'`
pub fn string_or_placeholder_opt_list<'t>(i: Tokens<'t>) -> PResult<'t, StrList> {
    // The usual lone string literal: the first alternative, which records nothing when it
    // matches, read directly.
    if let Some(t) = i.peek()
        && t.kind == TokenKind::String
    {
        let items = vec![StrValue {
            kind: StrKind::Literal(t.value.to_string()),
            span: t.span,
        }];
        let list = StrList {
            items,
            parens: false,
            span: t.span,
        };
        return Ok((i.advance(1), list));
    }
    let from = i.start;
    let (i, (items, parens)) = alt((
        map(string_or_placeholder, |s| (vec![s], false)),
        map(
            delimited(punct("("), string_or_placeholder_list, punct(")")),
            |items| (items, true),
        ),
    ))
    .parse(i)?;
    let span = i.span_from(from);
    Ok((
        i,
        StrList {
            items,
            parens,
            span,
        },
    ))
}

/// `list_of_string_or_placeholder_opt_list ::= string_or_placeholder_opt_list { ',' string_or_placeholder_opt_list }`
pub fn list_of_string_or_placeholder_opt_list<'t>(i: Tokens<'t>) -> PResult<'t, Vec<StrList>> {
    separated_list1(punct(","), string_or_placeholder_opt_list).parse(i)
}

/// `as_of_clause ::= AS OF SYSTEM TIME a_expr`
pub fn as_of_clause<'t>(i: Tokens<'t>) -> PResult<'t, AsOf> {
    let from = i.start;
    let (i, expr) = preceded((kw("as"), kw("of"), kw("system"), kw("time")), a_expr).parse(i)?;
    let span = i.span_from(from);
    Ok((i, AsOf { expr, span }))
}

/// `backup_targets ::= TABLE table_pattern { ',' table_pattern } | DATABASE name { ',' name }
///                   | virtual_cluster tenant_id | table_pattern { ',' table_pattern }`
pub fn backup_targets<'t>(i: Tokens<'t>) -> PResult<'t, Targets> {
    // Most statements name no targets (`BACKUP INTO …`, `RESTORE FROM …`): a reserved word
    // other than TABLE starts no alternative, each fails with an error, not a failure.
    if !i.recording()
        && i.peek()
            .is_some_and(|t| t.is_reserved() && !t.is_keyword("table"))
    {
        return Err(nom::Err::Error(PError::at(i.start)));
    }
    let from = i.start;
    let (i, targets) = alt((
        map(
            preceded(kw("table"), separated_list1(punct(","), table_pattern)),
            |patterns| (Some(true), patterns, None, None),
        ),
        map(
            // `database` followed by `.` or `,` is a table name; otherwise a name must follow.
            preceded(
                (kw("database"), not_dot_or_comma),
                cut(separated_list1(punct(","), name)),
            ),
            |names| (None, Vec::new(), Some(names), None),
        ),
        map((virtual_cluster, tenant_id), |t| {
            (None, Vec::new(), None, Some(t))
        }),
        map(separated_list1(punct(","), table_pattern), |patterns| {
            (Some(false), patterns, None, None)
        }),
    ))
    .parse(i)?;
    let span = i.span_from(from);
    // The lists are sized for four; a kept tree (a collection's latest full) holds one or two.
    let targets = match targets {
        (Some(table_keyword), mut patterns, _, _) => {
            patterns.shrink_to_fit();
            Targets::Tables {
                table_keyword,
                patterns,
                span,
            }
        }
        (_, _, Some(mut names), _) => {
            names.shrink_to_fit();
            Targets::Databases { names, span }
        }
        (_, _, _, Some((spelling, id))) => Targets::VirtualCluster { spelling, id, span },
        _ => unreachable!("every alternative sets one shape"),
    };
    Ok((i, targets))
}

fn not_dot_or_comma<'t>(i: Tokens<'t>) -> PResult<'t, ()> {
    match i.peek() {
        Some(t) if t.is_punct(".") || t.is_punct(",") => Err(nom::Err::Error(PError::at(i.start))),
        _ => Ok((i, ())),
    }
}

/// `table_pattern ::= name [ '.' unrestricted_name [ '.' unrestricted_name ] ]
///                  | name '.' [ unrestricted_name '.' ] '*' | '*'`
pub fn table_pattern<'t>(i: Tokens<'t>) -> PResult<'t, TablePattern> {
    let from = i.start;
    if let Ok((i, _)) = punct("*")(i) {
        let span = i.span_from(from);
        return Ok((
            i,
            TablePattern {
                parts: Vec::new(),
                star: true,
                span,
            },
        ));
    }
    let (mut i, first) = name(i)?;
    let mut parts = vec![first];
    let mut star = false;
    while parts.len() < 3 {
        let Ok((after_dot, _)) = punct(".")(i) else {
            break;
        };
        if let Ok((rest, _)) = punct("*")(after_dot) {
            i = rest;
            star = true;
            break;
        }
        let (rest, part) = unrestricted_name(after_dot)?;
        parts.push(part);
        i = rest;
    }
    let span = i.span_from(from);
    Ok((i, TablePattern { parts, star, span }))
}

/// `virtual_cluster ::= TENANT | VIRTUAL CLUSTER`
pub fn virtual_cluster<'t>(i: Tokens<'t>) -> PResult<'t, ClusterSpelling> {
    alt((
        map(kw("tenant"), |_| ClusterSpelling::Tenant),
        map((kw("virtual"), kw("cluster")), |_| {
            ClusterSpelling::VirtualCluster
        }),
    ))
    .parse(i)
}

/// `tenant_id ::= ICONST | IDENT`  (the identifier must be `_`)
pub fn tenant_id<'t>(i: Tokens<'t>) -> PResult<'t, TenantId> {
    match i.peek() {
        Some(t) if t.kind == TokenKind::Integer => match t.value.parse::<u64>() {
            Ok(id) if id > 0 => Ok((i.advance(1), TenantId::Id(id))),
            _ => Err(nom::Err::Failure(PError::custom(
                i.start,
                "invalid tenant ID".into(),
            ))),
        },
        Some(t) if t.kind == TokenKind::Ident => {
            if t.value == "_" {
                Ok((i.advance(1), TenantId::Anonymized))
            } else {
                Err(nom::Err::Failure(PError::custom(
                    i.start,
                    "invalid syntax".into(),
                )))
            }
        }
        _ => i.fail(Expected::Other("a tenant ID")),
    }
}

// ---------------------------------------------------------------------------------------------
// Expressions

/// `a_expr ::= scalar expression` — literals, placeholders, names, function calls, casts,
/// unary and binary operators, parentheses.
pub fn a_expr<'t>(i: Tokens<'t>) -> PResult<'t, Expr> {
    expr_bp(i, 0)
}

fn binary_op(i: &Tokens<'_>) -> Option<(String, u8)> {
    let t = i.peek()?;
    let bp = match t.kind {
        TokenKind::Ident => match &*t.value {
            "or" => 1,
            "and" => 2,
            _ => return None,
        },
        TokenKind::Punct => match &*t.value {
            "=" | "<" | ">" | "<=" | ">=" | "<>" | "!=" => 5,
            "||" | "->" | "<<" | ">>" | "&" | "|" | "#" | "~" | "@>" | "<@" => 7,
            "+" | "-" => 8,
            "*" | "/" | "%" => 9,
            "^" => 10,
            _ => return None,
        },
        _ => return None,
    };
    let op = if t.kind == TokenKind::Ident {
        t.value.to_ascii_uppercase()
    } else {
        t.value.to_string()
    };
    Some((op, bp))
}

fn expr_bp<'t>(i: Tokens<'t>, min_bp: u8) -> PResult<'t, Expr> {
    let _guard = i.enter()?;
    let from = i.start;
    let (mut i, mut lhs) = expr_prefix(i)?;
    loop {
        if let Ok((rest, _)) = punct("::")(i) {
            let (rest, ty) = type_name(rest)?;
            i = rest;
            lhs = Expr {
                kind: ExprKind::Cast {
                    expr: Box::new(lhs),
                    ty,
                },
                span: i.span_from(from),
            };
            continue;
        }
        let Some((op, bp)) = binary_op(&i) else {
            break;
        };
        if bp < min_bp {
            break;
        }
        let (rest, rhs) = expr_bp(i.advance(1), bp + 1)?;
        i = rest;
        lhs = Expr {
            kind: ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            span: i.span_from(from),
        };
    }
    Ok((i, lhs))
}

const TYPED_LITERAL_TYPES: &[&str] = &[
    "interval",
    "timestamp",
    "timestamptz",
    "date",
    "time",
    "decimal",
];

fn expr_prefix<'t>(i: Tokens<'t>) -> PResult<'t, Expr> {
    let from = i.start;
    let Some(t) = i.peek() else {
        return i.fail(Expected::Other("an expression"));
    };
    let leaf = |kind: ExprKind| Ok((i.advance(1), Expr { kind, span: t.span }));
    match t.kind {
        TokenKind::String => leaf(ExprKind::Str(t.value.to_string())),
        TokenKind::Integer | TokenKind::Float => leaf(ExprKind::Number(t.value.to_string())),
        TokenKind::Placeholder => leaf(ExprKind::Placeholder(t.value.parse().unwrap_or(0))),
        TokenKind::Punct if t.value == "-" || t.value == "+" => {
            let (i, expr) = expr_bp(i.advance(1), 11)?;
            let span = i.span_from(from);
            Ok((
                i,
                Expr {
                    kind: ExprKind::Unary {
                        op: t.value.to_string(),
                        expr: Box::new(expr),
                    },
                    span,
                },
            ))
        }
        TokenKind::Punct if t.value == "(" => {
            let (i, items) = separated_list1(punct(","), a_expr).parse(i.advance(1))?;
            let (i, _) = punct(")")(i)?;
            let span = i.span_from(from);
            let kind = if items.len() == 1 {
                ExprKind::Paren(Box::new(items.into_iter().next().expect("one item")))
            } else {
                ExprKind::Tuple(items)
            };
            Ok((i, Expr { kind, span }))
        }
        TokenKind::Ident if t.value == "not" => {
            let (i, expr) = expr_bp(i.advance(1), 3)?;
            let span = i.span_from(from);
            Ok((
                i,
                Expr {
                    kind: ExprKind::Unary {
                        op: "NOT".into(),
                        expr: Box::new(expr),
                    },
                    span,
                },
            ))
        }
        TokenKind::Ident if t.value == "true" => leaf(ExprKind::Bool(true)),
        TokenKind::Ident if t.value == "false" => leaf(ExprKind::Bool(false)),
        TokenKind::Ident if t.value == "null" => leaf(ExprKind::Null),
        TokenKind::Ident
            if TYPED_LITERAL_TYPES.contains(&&*t.value)
                && i.peek_at(1).is_some_and(|n| n.kind == TokenKind::String) =>
        {
            let s = i.peek_at(1).expect("checked");
            let i = i.advance(2);
            Ok((
                i,
                Expr {
                    kind: ExprKind::TypedLiteral {
                        ty: t.value.to_ascii_uppercase(),
                        value: s.value.to_string(),
                    },
                    span: i.span_from(from),
                },
            ))
        }
        TokenKind::Ident | TokenKind::QuotedIdent
            if t.kind == TokenKind::QuotedIdent || !t.is_reserved() =>
        {
            let (mut i, first) = unrestricted_name(i)?;
            let mut parts = vec![first];
            while let Ok((rest, _)) = punct(".")(i) {
                let (rest, part) = unrestricted_name(rest)?;
                parts.push(part);
                i = rest;
            }
            if let Ok((rest, _)) = punct("(")(i) {
                let (rest, args) = opt(separated_list1(punct(","), a_expr)).parse(rest)?;
                let (rest, _) = punct(")")(rest)?;
                let span = rest.span_from(from);
                return Ok((
                    rest,
                    Expr {
                        kind: ExprKind::Func {
                            name: parts,
                            args: args.unwrap_or_default(),
                        },
                        span,
                    },
                ));
            }
            let span = i.span_from(from);
            Ok((
                i,
                Expr {
                    kind: ExprKind::Name(parts),
                    span,
                },
            ))
        }
        _ => i.fail(Expected::Other("an expression")),
    }
}

/// `type_name ::= IDENT [ '(' ICONST { ',' ICONST } ')' ] [ '[' ']' ]`, printed upper-case.
fn type_name<'t>(i: Tokens<'t>) -> PResult<'t, String> {
    let (mut i, n) = unrestricted_name(i)?;
    let mut ty = n.value.to_ascii_uppercase();
    if let Ok((rest, _)) = punct("(")(i) {
        let (rest, args) = separated_list1(punct(","), iconst).parse(rest)?;
        let (rest, _) = punct(")")(rest)?;
        let args: Vec<String> = args.into_iter().map(|(a, _)| a).collect();
        ty = format!("{ty}({})", args.join(", "));
        i = rest;
    }
    if let (Some(a), Some(b)) = (i.peek(), i.peek_at(1))
        && a.is_punct("[")
        && b.is_punct("]")
    {
        ty.push_str("[]");
        i = i.advance(2);
    }
    Ok((i, ty))
}

// ---------------------------------------------------------------------------------------------
// Options

/// `option_item ::= <an option of the statement's table> | kv_option`
///
/// The statement's option table (`crate::syntax::options`) gives the words and the value shape; any
/// other word is a generic `key [= value]` option, valid only in the releases whose options
/// were untyped.
fn option_item<'t>(stmt: OptStmt, i: Tokens<'t>) -> PResult<'t, OptionItem> {
    let from = i.start;
    for spec in stmt.specs() {
        let matches = spec
            .words
            .iter()
            .enumerate()
            .all(|(n, w)| i.peek_at(n).is_some_and(|t| t.is_keyword(w)));
        if !matches {
            continue;
        }
        let key_end = i.advance(spec.words.len());
        let key_span = key_end.span_from(from);
        let (rest, value) = option_value(spec.shape, key_end)?;
        let span = rest.span_from(from);
        return Ok((
            rest,
            OptionItem {
                key: spec.key.clone(),
                key_span,
                value,
                span,
            },
        ));
    }
    let may_be_key = i.peek().is_some_and(|t| match t.kind {
        TokenKind::String | TokenKind::QuotedIdent => true,
        TokenKind::Ident => !t.is_reserved(),
        _ => false,
    });
    if !may_be_key {
        return i.fail(Expected::Other("an option name"));
    }
    let (rest, kv) = kv_option(i)?;
    // A key written as a string (`WITH 'into_db' = 'x'`) names the same option as the word.
    let known = kv.key.quoted.then(|| {
        stmt.specs().iter().find(|s| {
            s.words == [kv.key.value.as_str()]
                && match kv.value {
                    Some(_) => s.shape == Shape::Str,
                    None => matches!(s.shape, Shape::Flag | Shape::FlagOrExpr | Shape::FlagOrBool),
                }
        })
    });
    if let Some(Some(spec)) = known {
        return Ok((
            rest,
            OptionItem {
                key: spec.key.clone(),
                key_span: kv.key.span,
                value: kv.value.map_or(OptValue::None, OptValue::Str),
                span: kv.span,
            },
        ));
    }
    let value = kv.value.map_or(OptValue::None, OptValue::Str);
    Ok((
        rest,
        OptionItem {
            key: OptKey::Generic(kv.key.value),
            key_span: kv.key.span,
            value,
            span: kv.span,
        },
    ))
}

fn option_value<'t>(shape: Shape, i: Tokens<'t>) -> PResult<'t, OptValue> {
    match shape {
        Shape::Flag => Ok((i, OptValue::None)),
        Shape::FlagOrExpr => map(opt(preceded(punct("="), a_expr)), |e| {
            e.map_or(OptValue::None, OptValue::Expr)
        })
        .parse(i),
        Shape::Expr => map(preceded(punct("="), a_expr), OptValue::Expr).parse(i),
        Shape::Str => map(preceded(punct("="), string_or_placeholder), OptValue::Str).parse(i),
        Shape::List => map(
            preceded(punct("="), string_or_placeholder_opt_list),
            OptValue::List,
        )
        .parse(i),
        Shape::FlagOrBool => map(
            opt(preceded(
                punct("="),
                alt((
                    map(kw("true"), |s| (true, s)),
                    map(kw("false"), |s| (false, s)),
                )),
            )),
            |b| b.map_or(OptValue::None, |(b, s)| OptValue::Bool(b, s)),
        )
        .parse(i),
    }
}

/// `option_clause ::= WITH option_item { ',' option_item } | WITH OPTIONS '(' option_item { ',' option_item } ')'`
fn option_clause<'t>(stmt: OptStmt, i: Tokens<'t>) -> PResult<'t, OptionList> {
    let from = i.start;
    let (i, _) = kw("with")(i)?;
    let item = |i| option_item(stmt, i);
    let parens = i.peek().is_some_and(|t| t.is_keyword("options"))
        && i.peek_at(1).is_some_and(|t| t.is_punct("("));
    let (i, (form, items)) = if parens {
        map(
            delimited(
                (kw("options"), punct("(")),
                separated_list1(punct(","), item),
                punct(")"),
            ),
            |items| (WithForm::OptionsParens, items),
        )
        .parse(i)?
    } else {
        map(separated_list1(punct(","), item), |items| {
            (WithForm::Plain, items)
        })
        .parse(i)?
    };
    let span = i.span_from(from);
    Ok((i, OptionList { form, items, span }))
}

/// `backup_with ::= WITH backup_option { ',' backup_option } | WITH OPTIONS '(' … ')'`
pub fn backup_with<'t>(i: Tokens<'t>) -> PResult<'t, OptionList> {
    option_clause(OptStmt::Backup, i)
}

/// `backup_option ::= <BACKUP option table> | kv_option`
pub fn backup_option<'t>(i: Tokens<'t>) -> PResult<'t, OptionItem> {
    option_item(OptStmt::Backup, i)
}

/// `restore_with ::= WITH restore_option { ',' restore_option } | WITH OPTIONS '(' … ')'`
pub fn restore_with<'t>(i: Tokens<'t>) -> PResult<'t, OptionList> {
    option_clause(OptStmt::Restore, i)
}

/// `show_backup_with ::= WITH show_backup_option { ',' show_backup_option } | WITH OPTIONS '(' … ')'`
pub fn show_backup_with<'t>(i: Tokens<'t>) -> PResult<'t, OptionList> {
    option_clause(OptStmt::ShowBackup, i)
}

/// `show_backups_with ::= WITH show_backups_option { ',' show_backups_option } | WITH OPTIONS '(' show_backups_option { ',' show_backups_option } ')'`
pub fn show_backups_with<'t>(i: Tokens<'t>) -> PResult<'t, OptionList> {
    option_clause(OptStmt::ShowBackups, i)
}

/// `show_backup_connection_with ::= WITH connection_option { ',' connection_option } | WITH OPTIONS '(' … ')'`
pub fn show_backup_connection_with<'t>(i: Tokens<'t>) -> PResult<'t, OptionList> {
    option_clause(OptStmt::ShowBackupConnection, i)
}

/// `kv_option ::= ( non_reserved_word | SCONST ) [ '=' string_or_placeholder ]`
pub fn kv_option<'t>(i: Tokens<'t>) -> PResult<'t, KvOption> {
    let from = i.start;
    let (i, key) = alt((
        non_reserved_word,
        map(sconst, |s| Name {
            value: s.text().unwrap_or_default().to_string(),
            quoted: true,
            span: s.span,
        }),
    ))
    .parse(i)?;
    let (i, value) = opt(preceded(punct("="), string_or_placeholder)).parse(i)?;
    let span = i.span_from(from);
    Ok((i, KvOption { key, value, span }))
}

/// `kv_option_list ::= kv_option { ',' kv_option }`
pub fn kv_option_list<'t>(i: Tokens<'t>) -> PResult<'t, Vec<KvOption>> {
    separated_list1(punct(","), kv_option).parse(i)
}

// ---------------------------------------------------------------------------------------------
// Statements

/// `backup_stmt ::= BACKUP [ backup_targets ] backup_destination [ as_of_clause ]
///                  [ incremental_from ] [ backup_with ]`
pub fn backup_stmt<'t>(i: Tokens<'t>) -> PResult<'t, Backup> {
    let from = i.start;
    let (i, _) = kw("backup")(i)?;
    let (i, targets) = opt(backup_targets).parse(i)?;
    let (i, dest) = backup_destination(i)?;
    let (i, as_of) = opt(as_of_clause).parse(i)?;
    let (i, incremental_from) = if matches!(dest, BackupDest::To { .. }) {
        opt(incremental_from).parse(i)?
    } else {
        (i, None)
    };
    let (i, options) = opt(backup_with).parse(i)?;
    let span = i.span_from(from);
    Ok((
        i,
        Backup {
            targets,
            dest,
            as_of,
            incremental_from,
            options,
            span,
        },
    ))
}

/// `backup_destination ::= INTO sconst_or_placeholder IN string_or_placeholder_opt_list
///                       | INTO LATEST IN string_or_placeholder_opt_list
///                       | INTO string_or_placeholder_opt_list
///                       | TO string_or_placeholder_opt_list`
pub fn backup_destination<'t>(i: Tokens<'t>) -> PResult<'t, BackupDest> {
    if let Ok((i, keyword)) = kw("to")(i) {
        let (i, uris) = string_or_placeholder_opt_list(i)?;
        return Ok((i, BackupDest::To { uris, keyword }));
    }
    let (i, _) = kw("into")(i)?;
    alt((
        map(
            (kw("latest"), kw("in"), string_or_placeholder_opt_list),
            |(latest, _, collection)| BackupDest::IntoLatest { latest, collection },
        ),
        map(
            (
                sconst_or_placeholder,
                kw("in"),
                string_or_placeholder_opt_list,
            ),
            |(subdir, _, collection)| BackupDest::IntoSubdir { subdir, collection },
        ),
        map(string_or_placeholder_opt_list, |collection| {
            BackupDest::Into { collection }
        }),
    ))
    .parse(i)
}

/// A whole statement of the common shape of `backup_stmt`, read without nom's plumbing:
/// BACKUP INTO [ LATEST IN | sconst_or_placeholder IN ] string_or_placeholder_opt_list
/// [ as_of_clause ] [ WITH backup_option { ',' backup_option } ], then the end of the statement.
///
/// It takes exactly the branch `statement` takes and builds the same tree from the same
/// productions, so a `Some` is what `statement` returns; any other turn (targets, `TO`,
/// `WITH OPTIONS (…)`, anything that fails) gives `None`, and the productions parse it. A test
/// compares the two over the conformance statements and the docs corpus.
fn common_backup_into<'t>(i: Tokens<'t>) -> Option<(Tokens<'t>, Backup)> {
    let from = i.start;
    // `backup_targets` declines a reserved word such as INTO at once: no targets.
    if !(i.peek()?.is_keyword("backup") && i.peek_at(1)?.is_keyword("into")) {
        return None;
    }
    let i = i.advance(2);
    let (i, dest) = match (i.peek()?, i.peek_at(1)) {
        (t, Some(next)) if t.is_keyword("latest") && next.is_keyword("in") => {
            let (i, collection) = string_or_placeholder_opt_list(i.advance(2)).ok()?;
            (
                i,
                BackupDest::IntoLatest {
                    latest: t.span,
                    collection,
                },
            )
        }
        // `INTO LATEST` not followed by IN reads LATEST as a bare-word collection.
        (t, _) if t.is_keyword("latest") => return None,
        (t, Some(next))
            if matches!(t.kind, TokenKind::String | TokenKind::Placeholder)
                && next.is_keyword("in") =>
        {
            let (after, subdir) = sconst_or_placeholder(i).ok()?;
            let (i, collection) = string_or_placeholder_opt_list(after.advance(1)).ok()?;
            (i, BackupDest::IntoSubdir { subdir, collection })
        }
        _ => {
            let (i, collection) = string_or_placeholder_opt_list(i).ok()?;
            (i, BackupDest::Into { collection })
        }
    };
    let (i, as_of) = if i.peek().is_some_and(|t| t.is_keyword("as")) {
        let (i, as_of) = common_as_of(i)?;
        (i, Some(as_of))
    } else {
        (i, None)
    };
    let (i, options) = match i.peek() {
        Some(t) if t.is_keyword("with") => {
            let (i, options) = common_backup_with(i)?;
            (i, Some(options))
        }
        _ => (i, None),
    };
    if !i.at_end() {
        return None;
    }
    let span = i.span_from(from);
    Some((
        i,
        Backup {
            targets: None,
            dest,
            as_of,
            incremental_from: None,
            options,
            span,
        },
    ))
}

/// `as_of_clause` for [`common_backup_into`], a string literal (`'-10s'`) read directly when
/// nothing that continues an expression follows it.
fn common_as_of<'t>(i: Tokens<'t>) -> Option<(Tokens<'t>, AsOf)> {
    let from = i.start;
    let literal = i.peek_at(4).filter(|t| t.kind == TokenKind::String);
    let ends_expr = match i.peek_at(5) {
        None => true,
        Some(t) => t.is_keyword("with"),
    };
    match literal {
        Some(t)
            if ends_expr
                && i.peek_at(1)?.is_keyword("of")
                && i.peek_at(2)?.is_keyword("system")
                && i.peek_at(3)?.is_keyword("time") =>
        {
            let i = i.advance(5);
            let expr = Expr {
                kind: ExprKind::Str(t.value.to_string()),
                span: t.span,
            };
            let span = i.span_from(from);
            Some((i, AsOf { expr, span }))
        }
        _ => as_of_clause(i).ok(),
    }
}

/// `backup_with` for [`common_backup_into`]: the plain form, items read one by one.
fn common_backup_with<'t>(i: Tokens<'t>) -> Option<(Tokens<'t>, OptionList)> {
    let from = i.start;
    let i = i.advance(1);
    if i.peek()?.is_keyword("options") && i.peek_at(1).is_some_and(|t| t.is_punct("(")) {
        return None;
    }
    let (mut i, first) = common_backup_option(i)?;
    let mut items = vec![first];
    while i.peek().is_some_and(|t| t.is_punct(",")) {
        let (rest, item) = common_backup_option(i.advance(1))?;
        items.push(item);
        i = rest;
    }
    let span = i.span_from(from);
    Some((
        i,
        OptionList {
            form: WithForm::Plain,
            items,
            span,
        },
    ))
}

/// `backup_option` for [`common_backup_with`]: an option written as its one word without a
/// value (`revision_history`, `detached`) is read directly. Only words of one-word options
/// can match before a `,` or the end, and the first in table order wins, as in `option_item`.
fn common_backup_option<'t>(i: Tokens<'t>) -> Option<(Tokens<'t>, OptionItem)> {
    let t = i.peek()?;
    let alone = i.peek_at(1).is_none_or(|next| next.is_punct(","));
    let spec = OptStmt::Backup
        .specs()
        .iter()
        .find(|spec| spec.words.len() == 1 && t.is_keyword(spec.words[0]));
    match spec {
        Some(spec)
            if alone
                && matches!(
                    spec.shape,
                    Shape::Flag | Shape::FlagOrExpr | Shape::FlagOrBool
                ) =>
        {
            let item = OptionItem {
                key: spec.key.clone(),
                key_span: t.span,
                value: OptValue::None,
                span: t.span,
            };
            Some((i.advance(1), item))
        }
        _ => backup_option(i).ok(),
    }
}

/// `incremental_from ::= INCREMENTAL FROM string_or_placeholder_list`
pub fn incremental_from<'t>(i: Tokens<'t>) -> PResult<'t, IncrementalFrom> {
    let from = i.start;
    let (i, uris) =
        preceded((kw("incremental"), kw("from")), string_or_placeholder_list).parse(i)?;
    let span = i.span_from(from);
    Ok((i, IncrementalFrom { uris, span }))
}

/// `restore_stmt ::= RESTORE [ restore_targets ] FROM restore_source [ as_of_clause ] [ restore_with ]`
pub fn restore_stmt<'t>(i: Tokens<'t>) -> PResult<'t, Restore> {
    let from = i.start;
    let (i, _) = kw("restore")(i)?;
    let (i, targets) = opt(restore_targets).parse(i)?;
    let (i, from_keyword) = kw("from")(i)?;
    let (i, source) = restore_source(i)?;
    let (i, as_of) = opt(as_of_clause).parse(i)?;
    let (i, options) = opt(restore_with).parse(i)?;
    let span = i.span_from(from);
    Ok((
        i,
        Restore {
            targets,
            from: source,
            from_keyword,
            as_of,
            options,
            span,
        },
    ))
}

/// `restore_targets ::= SYSTEM USERS | backup_targets`
pub fn restore_targets<'t>(i: Tokens<'t>) -> PResult<'t, Targets> {
    let from = i.start;
    if let Ok((rest, _)) = (kw("system"), kw("users")).parse(i) {
        let span = rest.span_from(from);
        return Ok((rest, Targets::SystemUsers { span }));
    }
    backup_targets(i)
}

/// `restore_source ::= REPLICATION STREAM FROM string_or_placeholder
///                   | string_or_placeholder IN list_of_string_or_placeholder_opt_list
///                   | list_of_string_or_placeholder_opt_list`
pub fn restore_source<'t>(i: Tokens<'t>) -> PResult<'t, RestoreFrom> {
    if let Ok((rest, (keyword, _, _))) = (kw("replication"), kw("stream"), kw("from")).parse(i) {
        let (rest, uri) = string_or_placeholder(rest)?;
        return Ok((rest, RestoreFrom::ReplicationStream { uri, keyword }));
    }
    alt((
        map(
            (
                string_or_placeholder,
                kw("in"),
                list_of_string_or_placeholder_opt_list,
            ),
            |(subdir, _, collections)| RestoreFrom::Collection {
                subdir,
                collections,
            },
        ),
        map(list_of_string_or_placeholder_opt_list, |layers| {
            RestoreFrom::Uris { layers }
        }),
    ))
    .parse(i)
}

/// `show_backup_stmt ::= SHOW BACKUPS IN string_or_placeholder_opt_list [ NEWER THAN a_expr ]
///                       [ OLDER THAN a_expr ] [ show_backups_with ]
///                     | SHOW BACKUP CONNECTION string_or_placeholder [ show_backup_connection_with ]
///                     | SHOW BACKUP [ show_backup_details ] [ FROM ] string_or_placeholder
///                       [ IN list_of_string_or_placeholder_opt_list ] [ show_backup_with ]`
pub fn show_backup_stmt<'t>(i: Tokens<'t>) -> PResult<'t, Statement> {
    let from = i.start;
    let (i, _) = kw("show")(i)?;
    if let Ok((i, _)) = kw("backups")(i) {
        let (i, collection) = preceded(kw("in"), string_or_placeholder_opt_list).parse(i)?;
        let (i, newer_than) = opt(preceded((kw("newer"), kw("than")), a_expr)).parse(i)?;
        let (i, older_than) = opt(preceded((kw("older"), kw("than")), a_expr)).parse(i)?;
        let (i, options) = opt(show_backups_with).parse(i)?;
        let span = i.span_from(from);
        return Ok((
            i,
            Statement::ShowBackups(ShowBackups {
                collection,
                newer_than,
                older_than,
                options,
                span,
            }),
        ));
    }
    let (i, _) = kw("backup")(i)?;
    let is_connection = i.peek().is_some_and(|t| t.is_keyword("connection"))
        && i.peek_at(1)
            .is_some_and(|t| t.kind != TokenKind::Ident || !t.is_keyword("in"));
    if is_connection {
        let (i, uri) = preceded(kw("connection"), string_or_placeholder).parse(i)?;
        let (i, options) = opt(show_backup_connection_with).parse(i)?;
        let span = i.span_from(from);
        return Ok((
            i,
            Statement::ShowBackupConnection(ShowBackupConnection { uri, options, span }),
        ));
    }
    let (i, details) = opt(show_backup_details).parse(i)?;
    let (i, from_keyword) = opt(kw("from")).parse(i)?;
    let (i, path) = string_or_placeholder(i)?;
    let (i, collections) =
        opt(preceded(kw("in"), list_of_string_or_placeholder_opt_list)).parse(i)?;
    let (i, options) = opt(show_backup_with).parse(i)?;
    let span = i.span_from(from);
    Ok((
        i,
        Statement::ShowBackup(ShowBackup {
            details,
            from_keyword,
            path,
            collections,
            options,
            span,
        }),
    ))
}

/// `show_backup_details ::= SCHEMAS | FILES | RANGES | VALIDATE`
pub fn show_backup_details<'t>(i: Tokens<'t>) -> PResult<'t, (ShowDetails, Span)> {
    // A detail word directly followed by `IN` is the path itself (`SHOW BACKUP files IN 'c'`).
    if i.peek_at(1).is_some_and(|t| t.is_keyword("in")) {
        return i.fail(Expected::Other(
            "`SCHEMAS`, `FILES`, `RANGES` or `VALIDATE`",
        ));
    }
    alt((
        map(kw("schemas"), |s| (ShowDetails::Schemas, s)),
        map(kw("files"), |s| (ShowDetails::Files, s)),
        map(kw("ranges"), |s| (ShowDetails::Ranges, s)),
        map(kw("validate"), |s| (ShowDetails::Validate, s)),
    ))
    .parse(i)
}

/// `create_schedule_for_backup_stmt ::= CREATE SCHEDULE [ schedule_label ] FOR BACKUP [ backup_targets ]
///        INTO string_or_placeholder_opt_list [ backup_with ] RECURRING recurrence
///        [ FULL BACKUP full_backup_recurrence ] [ schedule_options ]`
pub fn create_schedule_for_backup_stmt<'t>(i: Tokens<'t>) -> PResult<'t, CreateSchedule> {
    let from = i.start;
    let (i, _) = (kw("create"), kw("schedule")).parse(i)?;
    let (i, (if_not_exists, label)) = schedule_label(i)?;
    let (i, _) = (kw("for"), kw("backup")).parse(i)?;
    let (i, targets) = opt(backup_targets).parse(i)?;
    let (i, collection) = preceded(kw("into"), string_or_placeholder_opt_list).parse(i)?;
    let (i, backup_options) = opt(backup_with).parse(i)?;
    let (i, recurring) = preceded(kw("recurring"), recurrence).parse(i)?;
    let (i, full_backup) =
        opt(preceded((kw("full"), kw("backup")), full_backup_recurrence)).parse(i)?;
    let (i, schedule_options) = opt(schedule_options).parse(i)?;
    let span = i.span_from(from);
    Ok((
        i,
        CreateSchedule {
            if_not_exists,
            label,
            targets,
            collection,
            backup_options,
            recurring,
            full_backup,
            schedule_options,
            span,
        },
    ))
}

/// `schedule_label ::= [ IF NOT EXISTS ] [ string_or_placeholder ]`  (IF NOT EXISTS needs a label)
pub fn schedule_label<'t>(i: Tokens<'t>) -> PResult<'t, (Option<Span>, Option<StrValue>)> {
    let from = i.start;
    if let Ok((rest, _)) = (kw("if"), kw("not"), kw("exists")).parse(i) {
        let span = rest.span_from(from);
        let (rest, label) = string_or_placeholder(rest)?;
        return Ok((rest, (Some(span), Some(label))));
    }
    let (i, label) = opt(string_or_placeholder).parse(i)?;
    Ok((i, (None, label)))
}

/// `recurrence ::= sconst_or_placeholder | NEVER`
pub fn recurrence<'t>(i: Tokens<'t>) -> PResult<'t, Recurrence> {
    alt((
        map(sconst_or_placeholder, Recurrence::Cron),
        map(kw("never"), Recurrence::Never),
    ))
    .parse(i)
}

/// `full_backup_recurrence ::= sconst_or_placeholder | ALWAYS`
pub fn full_backup_recurrence<'t>(i: Tokens<'t>) -> PResult<'t, FullBackup> {
    alt((
        map(sconst_or_placeholder, FullBackup::Cron),
        map(kw("always"), FullBackup::Always),
    ))
    .parse(i)
}

/// `schedule_options ::= WITH SCHEDULE OPTIONS kv_option_list | WITH SCHEDULE OPTIONS '(' kv_option_list ')'`
pub fn schedule_options<'t>(i: Tokens<'t>) -> PResult<'t, KvList> {
    let from = i.start;
    let (i, _) = (kw("with"), kw("schedule"), kw("options")).parse(i)?;
    let (i, (parens, items)) = alt((
        map(delimited(punct("("), kv_option_list, punct(")")), |l| {
            (true, l)
        }),
        map(kv_option_list, |l| (false, l)),
    ))
    .parse(i)?;
    let span = i.span_from(from);
    Ok((
        i,
        KvList {
            parens,
            items,
            span,
        },
    ))
}

/// `alter_backup_schedule_stmt ::= ALTER BACKUP SCHEDULE ICONST alter_backup_schedule_cmd { ',' alter_backup_schedule_cmd }`
pub fn alter_backup_schedule_stmt<'t>(i: Tokens<'t>) -> PResult<'t, AlterBackupSchedule> {
    let from = i.start;
    let (i, _) = (kw("alter"), kw("backup"), kw("schedule")).parse(i)?;
    let (i, (id, id_span)) = iconst(i)?;
    let (i, cmds) = separated_list1(punct(","), alter_backup_schedule_cmd).parse(i)?;
    let span = i.span_from(from);
    Ok((
        i,
        AlterBackupSchedule {
            id,
            id_span,
            cmds,
            span,
        },
    ))
}

/// `alter_backup_schedule_cmd ::= SET LABEL string_or_placeholder | SET INTO string_or_placeholder_opt_list
///     | SET WITH backup_option | SET RECURRING recurrence | SET FULL BACKUP full_backup_recurrence
///     | SET SCHEDULE OPTION kv_option | EXECUTE [ FULL ] IMMEDIATELY`
pub fn alter_backup_schedule_cmd<'t>(i: Tokens<'t>) -> PResult<'t, ScheduleCmd> {
    let from = i.start;
    let (i, kind) = alt((
        map(
            preceded((kw("set"), kw("label")), string_or_placeholder),
            ScheduleCmdKind::SetLabel,
        ),
        map(
            preceded((kw("set"), kw("into")), string_or_placeholder_opt_list),
            ScheduleCmdKind::SetInto,
        ),
        map(
            preceded((kw("set"), kw("with")), backup_option),
            ScheduleCmdKind::SetWith,
        ),
        map(
            preceded((kw("set"), kw("recurring")), recurrence),
            ScheduleCmdKind::SetRecurring,
        ),
        map(
            preceded(
                (kw("set"), kw("full"), kw("backup")),
                full_backup_recurrence,
            ),
            ScheduleCmdKind::SetFullBackup,
        ),
        map(
            preceded((kw("set"), kw("schedule"), kw("option")), kv_option),
            ScheduleCmdKind::SetScheduleOption,
        ),
        map(
            (kw("execute"), opt(kw("full")), kw("immediately")),
            |(_, full, _)| ScheduleCmdKind::ExecuteImmediately {
                full: full.is_some(),
            },
        ),
    ))
    .parse(i)?;
    let span = i.span_from(from);
    Ok((i, ScheduleCmd { kind, span }))
}

/// `alter_backup_stmt ::= ALTER BACKUP string_or_placeholder [ IN string_or_placeholder ]
///                        alter_backup_cmd { alter_backup_cmd }`
pub fn alter_backup_stmt<'t>(i: Tokens<'t>) -> PResult<'t, AlterBackup> {
    let from = i.start;
    let (i, _) = (kw("alter"), kw("backup")).parse(i)?;
    let (i, first) = string_or_placeholder(i)?;
    let (i, second) = opt(preceded(kw("in"), string_or_placeholder)).parse(i)?;
    let (subdir, location) = match second {
        Some(location) => (Some(first), location),
        None => (None, first),
    };
    let (i, cmds) = nom::multi::many1(alter_backup_cmd).parse(i)?;
    let span = i.span_from(from);
    Ok((
        i,
        AlterBackup {
            subdir,
            location,
            cmds,
            span,
        },
    ))
}

/// `alter_backup_cmd ::= ADD NEW_KMS '=' string_or_placeholder_opt_list WITH OLD_KMS '=' string_or_placeholder_opt_list`
pub fn alter_backup_cmd<'t>(i: Tokens<'t>) -> PResult<'t, AlterBackupCmd> {
    let from = i.start;
    let (i, new_kms) = preceded(
        (kw("add"), kw("new_kms"), punct("=")),
        string_or_placeholder_opt_list,
    )
    .parse(i)?;
    let (i, old_kms) = preceded(
        (kw("with"), kw("old_kms"), punct("=")),
        string_or_placeholder_opt_list,
    )
    .parse(i)?;
    let span = i.span_from(from);
    Ok((
        i,
        AlterBackupCmd {
            new_kms,
            old_kms,
            span,
        },
    ))
}

/// `explain_stmt ::= EXPLAIN [ ANALYZE | ANALYSE ] [ '(' unrestricted_name { ',' unrestricted_name } ')' ] backup_family_stmt`
pub fn explain_stmt<'t>(i: Tokens<'t>) -> PResult<'t, Explain> {
    let from = i.start;
    let _guard = i.enter()?;
    let (i, _) = kw("explain")(i)?;
    let (i, analyze) = opt(alt((kw("analyze"), kw("analyse")))).parse(i)?;
    let (i, options) = opt(delimited(
        punct("("),
        separated_list1(punct(","), unrestricted_name),
        punct(")"),
    ))
    .parse(i)?;
    let (i, inner) = backup_family_stmt(i)?;
    let span = i.span_from(from);
    Ok((
        i,
        Explain {
            analyze: analyze.is_some(),
            options: options.unwrap_or_default(),
            inner: Box::new(inner),
            span,
        },
    ))
}

/// `backup_family_stmt ::= backup_stmt | restore_stmt | show_backup_stmt
///     | create_schedule_for_backup_stmt | alter_backup_schedule_stmt | alter_backup_stmt | explain_stmt`
pub fn backup_family_stmt<'t>(i: Tokens<'t>) -> PResult<'t, Statement> {
    let is_schedule = i.peek_at(2).is_some_and(|t| t.is_keyword("schedule"));
    alt((
        map(backup_stmt, Statement::Backup),
        map(restore_stmt, Statement::Restore),
        show_backup_stmt,
        map(create_schedule_for_backup_stmt, Statement::CreateSchedule),
        move |i| {
            if is_schedule {
                map(alter_backup_schedule_stmt, Statement::AlterBackupSchedule).parse(i)
            } else {
                map(alter_backup_stmt, Statement::AlterBackup).parse(i)
            }
        },
        map(explain_stmt, Statement::Explain),
    ))
    .parse(i)
}

/// `statement ::= backup_family_stmt <end of statement>`
pub fn statement<'t>(i: Tokens<'t>) -> PResult<'t, Statement> {
    // The first parse of a statement records nothing: the common shape is read without the
    // combinators. When the shortcut declines, the productions decide (and word the error).
    if !i.recording()
        && let Some((rest, backup)) = common_backup_into(i)
    {
        return Ok((rest, Statement::Backup(backup)));
    }
    let (i, stmt) = backup_family_stmt(i)?;
    let (i, _) = end_of_statement(i)?;
    Ok((i, stmt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer::{Lexed, StatementLexer};

    /// `common_backup_into` against the productions, on every statement of `src`: where the
    /// shortcut answers, `backup_family_stmt` then `end_of_statement` give the same tree and
    /// position; `statement` succeeds exactly when they do. Returns how many it answered.
    fn compare_on(src: &str) -> usize {
        let mut lexer = StatementLexer::new(src);
        let mut buf = Lexed::default();
        let tracker = Tracker::default();
        let mut answered = 0;
        while lexer.next_statement(&mut buf) {
            let tokens = &buf.tokens;
            let end = tokens.len() - usize::from(tokens.last().is_some_and(|t| t.is_punct(";")));
            if end == 0
                || !super::super::is_backup_family(&tokens[..end])
                || tokens.iter().any(|t| t.kind == TokenKind::Error)
            {
                continue;
            }
            let text = &src[tokens[0].span.start as usize..tokens[end - 1].span.end as usize];
            let statement_tokens = StatementTokens {
                all: tokens,
                eof: tokens[end - 1].span.end as usize,
                tracker: &tracker,
            };
            let input = Tokens::new(&statement_tokens, 0, end);
            tracker.reset(false);
            let reference = backup_family_stmt(input)
                .and_then(|(i, stmt)| end_of_statement(i).map(|(i, _)| (i.start, stmt)))
                .ok();
            tracker.reset(false);
            let shortcut = common_backup_into(input);
            if let Some((rest, backup)) = shortcut {
                answered += 1;
                assert_eq!(
                    reference,
                    Some((rest.start, Statement::Backup(backup))),
                    "{text}"
                );
            }
            tracker.reset(false);
            let whole = statement(input).ok().map(|(i, stmt)| (i.start, stmt));
            assert_eq!(whole, reference, "{text}");
        }
        answered
    }

    #[test]
    fn common_backup_into_agrees_with_the_productions() {
        let cases = [
            "BACKUP INTO LATEST IN 'external://backups' AS OF SYSTEM TIME '-10s' WITH revision_history;",
            "BACKUP INTO 'external://backups' AS OF SYSTEM TIME '-10s' WITH revision_history",
            "BACKUP INTO 'a' IN 'b'; BACKUP INTO $1 IN ('b', 'c'); BACKUP INTO 'a' IN",
            "BACKUP INTO LATEST IN $1; BACKUP INTO latest; BACKUP INTO LATEST 'x'; BACKUP INTO LATEST",
            "BACKUP INTO ('a', 'b') WITH detached, revision_history = true, kms = ('x', 'y')",
            "BACKUP INTO 'a' WITH revision_history,; BACKUP INTO 'a' WITH; BACKUP INTO 'a' WITH OPTIONS (detached)",
            "BACKUP INTO 'a' WITH OPTIONS = 'x'; BACKUP INTO 'a' WITH options",
            "BACKUP INTO 'a' AS OF SYSTEM TIME '-10s'; BACKUP INTO 'a' AS OF SYSTEM TIME '-1s' || 'x'",
            "BACKUP INTO 'a' AS OF SYSTEM TIME '-1s'::STRING WITH detached",
            "BACKUP INTO 'a' AS OF SYSTEM TIME follower_read_timestamp() WITH detached",
            "BACKUP INTO 'a' AS OF SYSTEM TIME '-1s' OR x; BACKUP INTO 'a' AS OF SYSTEM TIME",
            "BACKUP INTO 'a' AS OF SYSTEM TIME '1' WITH revision_history = '-1s' AND x",
            "BACKUP INTO 'a' AS OF SYSTEM '1'; BACKUP INTO 'a' 'b'; BACKUP INTO bucket WITH 'k' = 'v'",
            "BACKUP INTO 'a' WITH execution locality = 'region=a', strict storage locality",
            "BACKUP INTO 'a' WITH incremental_location = 'b' INCREMENTAL FROM 'c'",
            "BACKUP INTO 'a' IN 'b' AS OF SYSTEM TIME '-1s' WITH encryption_passphrase = $2",
            "BACKUP TABLE t INTO 'a'; BACKUP TO 'a'; BACKUP INTO e'a\\'b' WITH detached = false",
            "BACKUP INTO 'a'\n'b' WITH detached; BACKUP INTO 'it''s'; BACKUP INTO $$a$$",
            "BACKUP INTO 'a' WITH kms; BACKUP INTO 'a' WITH encryption_passphrase, detached",
            "BACKUP INTO 'a' WITH detached detached; BACKUP INTO 'a' WITH detached = true, kms = 'x'",
            "BACKUP INTO 'a' WITH execution, detached; BACKUP INTO 'a' WITH bogus, revision_history",
            "BACKUP INTO 'a' WITH \"detached\"; BACKUP INTO 'a' WITH 'detached', DETACHED",
        ];
        let answered: usize = cases.iter().map(|c| compare_on(c)).sum();
        assert!(answered >= 20, "{answered}");
    }

    /// The conformance statements (one per line) and the docs corpus, when `../shared` is here
    /// (`crate::shared_for_test`).
    #[test]
    fn common_backup_into_agrees_on_the_shared_corpora() {
        let Some(shared) =
            crate::shared_for_test("common_backup_into_agrees_on_the_shared_corpora")
        else {
            return;
        };
        let mut present = false;
        let mut answered = 0;
        for (dir, per_line) in [
            ("conformance/cockroach-parser", true),
            ("corpus/docs", false),
        ] {
            let Ok(entries) = std::fs::read_dir(shared.join(dir)) else {
                continue;
            };
            present = true;
            for entry in entries.flatten() {
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                if per_line {
                    answered += text.lines().map(compare_on).sum::<usize>();
                } else {
                    answered += compare_on(&text);
                }
            }
        }
        assert!(present, "../shared holds neither corpus");
        assert!(answered > 300, "the shortcut answered {answered}");
    }
}
