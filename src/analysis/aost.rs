//! What an `AS OF SYSTEM TIME` argument means to CockroachDB (`asof.Eval` and `DatumToHLC`):
//! the checks of the AOST rules share this one reading of the expression.
//!
//! Only what is certain is reported: placeholders, unknown functions inside expressions and
//! strings this module cannot read are `Unknown`.

use crate::analysis::facts::StatementTraits;
use crate::analysis::walk;
use crate::syntax::ast::{AsOf, Expr, ExprKind, Name, Statement};
use crate::syntax::span::Span;

/// The `AS OF SYSTEM TIME` clause of a BACKUP or RESTORE (through EXPLAIN), with the
/// statement's name.
pub fn as_of(stmt: &Statement) -> Option<(&AsOf, &'static str)> {
    match walk::inner(stmt) {
        Statement::Backup(b) => b.as_of.as_ref().map(|a| (a, "BACKUP")),
        Statement::Restore(r) => r.as_of.as_ref().map(|a| (a, "RESTORE")),
        _ => None,
    }
}

/// The current time in seconds since 1970.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The reading of one AOST argument.
#[derive(Clone, Debug, PartialEq)]
pub enum Reading {
    /// Placeholders, expressions this module does not evaluate, unparsed strings.
    Unknown,
    /// `follower_read_timestamp()` (or its `experimental_` spelling).
    FollowerRead,
    /// A double-quoted identifier at the top (`"-10s"`): a column name.
    QuotedIdent(Name),
    /// Not a constant: a column name, a function other than the follower-read one, a
    /// bounded-staleness function. `what` says which, `span` points at it.
    NotConstant { span: Span, what: String },
    /// A constant that is not a usable time (zero, before 1970, wrong type, garbage).
    Invalid { what: String, crdb: String },
    /// A time after the statement's time: a positive interval or a future timestamp.
    Future {
        what: String,
        crdb: String,
        /// For a positive interval string without a sign: the offset in the string's value
        /// where a `-` makes it a past interval.
        negate_at: Option<usize>,
    },
    /// A negative interval, with its length in seconds (the smallest reading when the text
    /// can be read two ways).
    PastInterval(f64),
    /// A literal timestamp (seconds since 1970, UTC).
    Timestamp,
}

/// A reading rules look for (`StatementKinds::having`): the rest fire on none.
pub const FUTURE_READING: StatementTraits = StatementTraits::bit(16);
pub const INVALID_READING: StatementTraits = StatementTraits::bit(17);
pub const NOT_CONSTANT_READING: StatementTraits = StatementTraits::bit(18);
pub const QUOTED_IDENT_READING: StatementTraits = StatementTraits::bit(19);

impl Reading {
    /// What the statement has for reading so (one of the `…_READING` traits, or none).
    pub fn traits(&self) -> StatementTraits {
        match self {
            Reading::Future { .. } => FUTURE_READING,
            Reading::Invalid { .. } => INVALID_READING,
            Reading::NotConstant { .. } => NOT_CONSTANT_READING,
            Reading::QuotedIdent(_) => QUOTED_IDENT_READING,
            _ => StatementTraits::NONE,
        }
    }
}

/// Functions whose value is not a constant (volatile or stable), for expressions below the top.
const NON_CONSTANT_FUNCS: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "statement_timestamp",
    "transaction_timestamp",
    "clock_timestamp",
    "timeofday",
    "cluster_logical_timestamp",
    "follower_read_timestamp",
    "experimental_follower_read_timestamp",
    "with_min_timestamp",
    "with_max_staleness",
    "random",
    "gen_random_uuid",
];

fn func_name(name: &[Name]) -> String {
    name.last()
        .map(|n| n.value.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Reads `expr`. `now` is the current time in seconds since 1970 (a literal timestamp counts as
/// in the future only when it is more than a day ahead of it, whatever its time zone).
pub fn read(expr: &Expr, now: i64) -> Reading {
    // The usual argument, a string literal (`'-10s'`): none of the checks below applies to it.
    if let ExprKind::Str(s) = &expr.kind {
        return string(s, now);
    }
    if let ExprKind::Func { name, args } = &expr.kind {
        let f = func_name(name);
        return match f.as_str() {
            "follower_read_timestamp" | "experimental_follower_read_timestamp"
                if args.is_empty() =>
            {
                Reading::FollowerRead
            }
            "follower_read_timestamp" | "experimental_follower_read_timestamp" => Reading::Unknown,
            "with_min_timestamp" | "with_max_staleness" => Reading::NotConstant {
                span: expr.span,
                what: format!(
                    "`{f}()` is a bounded-staleness function, allowed only in single-statement read-only SELECTs"
                ),
            },
            _ => Reading::NotConstant {
                span: expr.span,
                what: format!("`{f}()` is a function call"),
            },
        };
    }
    if let ExprKind::Name(parts) = &expr.kind
        && parts.len() == 1
        && parts[0].quoted
    {
        return Reading::QuotedIdent(parts[0].clone());
    }
    if has_placeholder(expr) {
        return Reading::Unknown;
    }
    // `(follower_read_timestamp())` is no longer the bare call CockroachDB special-cases; whether
    // it then passes as a constant is not certain: stay quiet.
    if let ExprKind::Paren(inner) = &expr.kind
        && matches!(read(inner, now), Reading::FollowerRead)
    {
        return Reading::Unknown;
    }
    if let Some(r) = non_constant(expr) {
        return r;
    }
    constant(expr, now)
}

fn has_placeholder(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Placeholder(_) => true,
        ExprKind::Func { args, .. } => args.iter().any(has_placeholder),
        ExprKind::Unary { expr, .. } | ExprKind::Cast { expr, .. } | ExprKind::Paren(expr) => {
            has_placeholder(expr)
        }
        ExprKind::Binary { lhs, rhs, .. } => has_placeholder(lhs) || has_placeholder(rhs),
        ExprKind::Tuple(items) => items.iter().any(has_placeholder),
        _ => false,
    }
}

/// A column reference or a known non-constant function anywhere in `e`.
fn non_constant(e: &Expr) -> Option<Reading> {
    match &e.kind {
        ExprKind::Name(parts) => {
            let text = parts
                .iter()
                .map(|p| p.value.as_str())
                .collect::<Vec<_>>()
                .join(".");
            Some(Reading::NotConstant {
                span: e.span,
                what: format!("`{text}` is a name (a column reference), not a value"),
            })
        }
        ExprKind::Func { name, args } => {
            let f = func_name(name);
            if NON_CONSTANT_FUNCS.contains(&f.as_str()) {
                return Some(Reading::NotConstant {
                    span: e.span,
                    what: format!("`{f}()` is not a constant"),
                });
            }
            args.iter().find_map(non_constant)
        }
        ExprKind::Unary { expr, .. } | ExprKind::Cast { expr, .. } | ExprKind::Paren(expr) => {
            non_constant(expr)
        }
        ExprKind::Binary { lhs, rhs, .. } => non_constant(lhs).or_else(|| non_constant(rhs)),
        ExprKind::Tuple(items) => items.iter().find_map(non_constant),
        _ => None,
    }
}

fn invalid(what: impl Into<String>, crdb: impl Into<String>) -> Reading {
    Reading::Invalid {
        what: what.into(),
        crdb: crdb.into(),
    }
}

const BEFORE_1970: &str = "AS OF SYSTEM TIME: timestamp before 1970-01-01T00:00:00Z is invalid";
const ZERO_TS: &str = "AS OF SYSTEM TIME: zero timestamp is invalid";
const FUTURE: &str = "AS OF SYSTEM TIME: cannot specify timestamp in the future";

fn constant(e: &Expr, now: i64) -> Reading {
    match &e.kind {
        ExprKind::Str(s) => string(s, now),
        ExprKind::Number(n) => number(n, false),
        ExprKind::Unary { op, expr } => match (op.as_str(), &expr.kind) {
            ("-", ExprKind::Number(n)) => number(n, true),
            ("+", _) => constant(expr, now),
            _ => Reading::Unknown,
        },
        ExprKind::Bool(_) => invalid(
            "a boolean is not a time",
            "AS OF SYSTEM TIME: expected timestamp, decimal, or interval, got bool",
        ),
        ExprKind::Null => invalid(
            "NULL is not a time",
            "AS OF SYSTEM TIME: expected timestamp, decimal, or interval, got unknown",
        ),
        ExprKind::TypedLiteral { ty, value } => typed(ty, value, now),
        ExprKind::Cast { expr, ty } => match &expr.kind {
            ExprKind::Str(s) => typed(ty, s, now),
            _ => Reading::Unknown,
        },
        _ => Reading::Unknown,
    }
}

fn typed(ty: &str, value: &str, now: i64) -> Reading {
    let base = ty.split('(').next().unwrap_or(ty);
    match base {
        "INTERVAL" => {
            let crdb = format!(
                "AS OF SYSTEM TIME: interval value {value} too large, AS OF interval must be <= -1µs"
            );
            match interval(value) {
                Some(IntervalSign::Negative(secs)) => Reading::PastInterval(secs),
                // A typed interval must be negative: zero is rejected as "too large" too.
                Some(IntervalSign::Zero) => invalid(format!("INTERVAL '{value}' is zero"), crdb),
                Some(IntervalSign::Positive) => Reading::Future {
                    what: format!("INTERVAL '{value}' is positive: a time in the future"),
                    crdb,
                    negate_at: None,
                },
                None => Reading::Unknown,
            }
        }
        "TIMESTAMP" | "TIMESTAMPTZ" => match timestamp(value) {
            Some(ts) => judge_timestamp(value, ts, now),
            None => Reading::Unknown,
        },
        "STRING" | "TEXT" | "VARCHAR" | "CHAR" => string(value, now),
        "DATE" | "TIME" | "TIMETZ" => invalid(
            format!("a {} is not a timestamp", base.to_ascii_lowercase()),
            format!(
                "AS OF SYSTEM TIME: expected timestamp, decimal, or interval, got {}",
                base.to_ascii_lowercase()
            ),
        ),
        _ => Reading::Unknown,
    }
}

/// An INT literal is nanoseconds since 1970; a DECIMAL one an HLC timestamp.
fn number(n: &str, negative: bool) -> Reading {
    let zero = n.bytes().all(|c| c == b'0' || c == b'.' || c == b'_');
    if zero {
        return invalid(format!("`{n}` is the zero timestamp"), ZERO_TS);
    }
    if negative {
        return invalid(
            format!("`-{n}` is read as nanoseconds since 1970, not as a time ago"),
            BEFORE_1970,
        );
    }
    Reading::Unknown
}

fn judge_timestamp(text: &str, (secs, margin): (i64, i64), now: i64) -> Reading {
    if secs + margin < 0 {
        return invalid(format!("'{text}' is before 1970"), BEFORE_1970);
    }
    if secs - margin > now + 86_400 {
        return Reading::Future {
            what: format!("'{text}' is in the future"),
            crdb: FUTURE.into(),
            negate_at: None,
        };
    }
    Reading::Timestamp
}

const TIMESTAMP_WORDS: &[&str] = &[
    "now",
    "today",
    "yesterday",
    "epoch",
    "infinity",
    "-infinity",
    "allballs",
];

/// A string constant, read as CockroachDB does: timestamp, then decimal, then interval.
fn string(raw: &str, now: i64) -> Reading {
    let s = crate::analysis::time::trim(raw);
    // The usual `-10s` cannot be any of the forms tried before the interval below (no `?`,
    // no word, no date, not a decimal).
    if let Some(sign) = compact_interval(s) {
        return interval_reading(raw, s, Some(sign));
    }
    if s.ends_with('?') {
        return Reading::Unknown; // a synthetic timestamp: not checked here
    }
    let is = |word: &str| s.eq_ignore_ascii_case(word);
    if is("tomorrow") {
        return Reading::Future {
            what: "'tomorrow' is in the future".into(),
            crdb: FUTURE.into(),
            negate_at: None,
        };
    }
    if is("epoch") {
        return invalid("'epoch' is the zero timestamp", ZERO_TS);
    }
    if TIMESTAMP_WORDS.iter().any(|w| is(w)) {
        return Reading::Timestamp;
    }
    if let Some(ts) = timestamp(s) {
        return judge_timestamp(s, ts, now);
    }
    if is_decimal(s) {
        let digits = s.trim_start_matches(['+', '-']);
        if digits.bytes().all(|c| c == b'0' || c == b'.') {
            return invalid(format!("'{s}' is the zero timestamp"), ZERO_TS);
        }
        if s.starts_with('-') {
            return invalid(
                format!(
                    "'{s}' has no unit, so it is read as a negative decimal timestamp (nanoseconds since 1970), not as an interval"
                ),
                BEFORE_1970,
            );
        }
        if let Some((_, frac)) = s.split_once('.')
            && frac.len() > 10
        {
            return invalid(
                format!("'{s}' has more than 10 digits in its logical part"),
                "AS OF SYSTEM TIME: logical part has too many digits",
            );
        }
        return Reading::Unknown;
    }
    interval_reading(raw, s, interval(s))
}

/// The reading of `s` (`raw` trimmed) given its interval sign.
fn interval_reading(raw: &str, s: &str, sign: Option<IntervalSign>) -> Reading {
    match sign {
        Some(IntervalSign::Negative(secs)) => Reading::PastInterval(secs),
        Some(IntervalSign::Zero) => invalid(
            format!("'{s}' is a zero interval"),
            format!(
                "AS OF SYSTEM TIME: interval value {s} too small, absolute value must be >= 1µs"
            ),
        ),
        Some(IntervalSign::Positive) => {
            let lead = raw.len() - raw.trim_start().len();
            Reading::Future {
                what: format!("'{s}' is a positive interval: a time in the future"),
                crdb: format!(
                    "AS OF SYSTEM TIME: interval value {s} too large, AS OF interval must be <= -1µs"
                ),
                negate_at: (!s.starts_with('+') && !s.ends_with("ago")).then_some(lead),
            }
        }
        None => {
            if s.is_empty() || !s.bytes().any(|c| c.is_ascii_digit()) {
                invalid(
                    format!("'{s}' is neither a timestamp, a decimal nor an interval"),
                    "AS OF SYSTEM TIME: value is neither timestamp, decimal, nor interval",
                )
            } else {
                Reading::Unknown
            }
        }
    }
}

fn is_decimal(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mant, exp) = match t.find(['e', 'E']) {
        Some(p) => (&t[..p], Some(&t[p + 1..])),
        None => (t, None),
    };
    let mant_ok = !mant.is_empty()
        && mant.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        && mant.matches('.').count() <= 1
        && mant.bytes().any(|c| c.is_ascii_digit());
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit())
    });
    mant_ok && exp_ok
}

/// `YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][zone]` → (seconds since 1970 UTC, uncertainty in seconds
/// from an unknown zone).
pub fn timestamp(s: &str) -> Option<(i64, i64)> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        (!t.is_empty() && t.bytes().all(|c| c.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = crate::hosts::shell::date::days_from_civil(y, m as u32, d as u32) * 86_400;
    let mut rest = &s[10..];
    if let Some(r) = rest.strip_prefix([' ', 'T', 't']) {
        let r = r.trim_start();
        let rb = r.as_bytes();
        if rb.len() >= 5 && rb[2] == b':' {
            let hh: i64 = r.get(..2)?.parse().ok()?;
            let mm: i64 = r.get(3..5)?.parse().ok()?;
            secs += hh * 3600 + mm * 60;
            let mut after = r.get(5..)?;
            if after.as_bytes().first() == Some(&b':') {
                let ss: i64 = after.get(1..3)?.parse().ok()?;
                secs += ss;
                after = after.get(3..)?;
                if let Some(f) = after.strip_prefix('.') {
                    let n = f.bytes().take_while(u8::is_ascii_digit).count();
                    after = &f[n..];
                }
            }
            rest = after;
        } else {
            rest = r;
        }
    }
    let zone = rest.trim();
    if zone.is_empty() || zone.eq_ignore_ascii_case("z") || zone.eq_ignore_ascii_case("utc") {
        return Some((secs, 0));
    }
    if let Some(sign) = zone.strip_prefix(['+', '-']).map(|_| zone.starts_with('-')) {
        let digits: String = zone[1..].chars().filter(|c| c.is_ascii_digit()).collect();
        let (h, m) = match digits.len() {
            1 | 2 => (digits.parse::<i64>().ok()?, 0),
            4 => (
                digits[..2].parse::<i64>().ok()?,
                digits[2..].parse::<i64>().ok()?,
            ),
            _ => return None,
        };
        let off = h * 3600 + m * 60;
        // `+02:00` is ahead of UTC: subtract it.
        return Some((if sign { secs + off } else { secs - off }, 0));
    }
    if zone
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"/_+-".contains(&c))
    {
        return Some((secs, 14 * 3600 + 60));
    }
    None
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IntervalSign {
    /// Length in seconds.
    Negative(f64),
    Zero,
    Positive,
}

fn unit_seconds(u: &str) -> Option<f64> {
    Some(match u {
        "us" | "µs" | "μs" | "usec" | "usecs" | "microsecond" | "microseconds" => 1e-6,
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => 1e-3,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86_400.0,
        "w" | "week" | "weeks" => 604_800.0,
        "mon" | "mons" | "month" | "months" => 30.0 * 86_400.0,
        "y" | "yr" | "yrs" | "year" | "years" => 365.25 * 86_400.0,
        _ => return None,
    })
}

/// Reads an interval string (`-10s`, `-1h30m`, `10 minutes ago`, `-00:00:10`, `-PT10S`).
/// A sign may apply to one field or to all that follow, depending on the format; when the
/// two readings disagree on the sign, the result is `None`.
pub fn interval(s: &str) -> Option<IntervalSign> {
    compact_interval(s).or_else(|| general_interval(s))
}

/// [`interval`] for every form.
fn general_interval(s: &str) -> Option<IntervalSign> {
    let s = s.trim();
    // Lower-cased only when it has to be (the common `-10s` is borrowed).
    let lower: std::borrow::Cow<'_, str> = if s.chars().any(char::is_uppercase) {
        s.to_lowercase().into()
    } else {
        s.into()
    };
    let mut t: &str = &lower;
    if let Some(r) = t.strip_prefix('@') {
        t = r.trim();
    }
    let mut ago = false;
    if let Some(r) = t.strip_suffix("ago") {
        ago = true;
        t = r.trim();
    }
    let (per_field, propagated) = if t.trim_start_matches(['-', '+']).starts_with('p') {
        let v = iso_interval(t)?;
        (v, v)
    } else {
        fields_interval(t)?
    };
    let (a, b) = if ago {
        (-per_field, -propagated)
    } else {
        (per_field, propagated)
    };
    if a == 0.0 && b == 0.0 {
        Some(IntervalSign::Zero)
    } else if a < 0.0 && b < 0.0 {
        Some(IntervalSign::Negative(a.abs().min(b.abs())))
    } else if a > 0.0 && b > 0.0 {
        Some(IntervalSign::Positive)
    } else {
        None
    }
}

/// The usual compact interval (`-10s`, `5m`, `+1h`): an optional sign, up to 15 digits and one
/// lower-case ASCII unit, nothing else; `None` for anything else (read by `interval`'s general
/// path, which gives the same answer for these).
fn compact_interval(s: &str) -> Option<IntervalSign> {
    let b = s.as_bytes();
    let (negative, rest) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    // The digits and their value in one pass (at most 15 digits: no overflow).
    let mut digits = 0;
    let mut n = 0u64;
    while let Some(&c) = rest.get(digits)
        && c.is_ascii_digit()
    {
        if digits == 15 {
            return None;
        }
        n = n * 10 + u64::from(c - b'0');
        digits += 1;
    }
    let unit = &rest[digits..];
    if digits == 0 || unit.is_empty() || !unit.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let n = n as f64;
    // The unit is ASCII, so the text's tail (no UTF-8 check of the bytes).
    let value = n * unit_seconds(&s[s.len() - unit.len()..])?;
    Some(if value == 0.0 {
        IntervalSign::Zero
    } else if negative {
        IntervalSign::Negative(value)
    } else {
        IntervalSign::Positive
    })
}

/// Returns (each field with its own sign, a leading sign carried to unsigned fields).
fn fields_interval(t: &str) -> Option<(f64, f64)> {
    let mut rest = t.trim();
    if rest.is_empty() {
        return None;
    }
    let (mut own, mut carried) = (0.0, 0.0);
    let mut carry_neg = false;
    let mut first = true;
    while !rest.is_empty() {
        let (sign, r) = match rest.as_bytes()[0] {
            b'-' => (Some(true), &rest[1..]),
            b'+' => (Some(false), &rest[1..]),
            _ => (None, rest),
        };
        if first {
            carry_neg = sign == Some(true);
            first = false;
        }
        let r = r.trim_start();
        let n = r
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ':'))
            .unwrap_or(r.len());
        let num = &r[..n];
        if num.is_empty() || !num.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            return None;
        }
        let r = r[n..].trim_start();
        let (value, r) = if num.contains(':') {
            let parts: Vec<f64> = num
                .split(':')
                .map(|p| p.parse::<f64>().ok())
                .collect::<Option<_>>()?;
            let v = match parts.as_slice() {
                [h, m] => h * 3600.0 + m * 60.0,
                [h, m, s] => h * 3600.0 + m * 60.0 + s,
                _ => return None,
            };
            (v, r)
        } else {
            // Whole numbers (the usual `10s`) without the float parser; exact up to 2^53.
            let value: f64 = if num.len() <= 15 && num.bytes().all(|c| c.is_ascii_digit()) {
                num.bytes().fold(0u64, |v, c| v * 10 + u64::from(c - b'0')) as f64
            } else {
                num.parse().ok()?
            };
            let u = r.find(|c: char| !c.is_alphabetic()).unwrap_or(r.len());
            let factor = unit_seconds(&r[..u])?;
            (value * factor, &r[u..])
        };
        own += if sign == Some(true) { -value } else { value };
        carried += match sign {
            Some(true) => -value,
            Some(false) => value,
            None if carry_neg => -value,
            None => value,
        };
        rest = r.trim_start().trim_start_matches(',').trim_start();
    }
    Some((own, carried))
}

fn iso_interval(t: &str) -> Option<f64> {
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let body = body.strip_prefix('p')?;
    let mut in_time = false;
    let mut total = 0.0;
    let mut num = String::new();
    for c in body.chars() {
        match c {
            't' => in_time = true,
            '0'..='9' | '.' => num.push(c),
            _ => {
                let v: f64 = num.parse().ok()?;
                num.clear();
                total += v * match (c, in_time) {
                    ('y', false) => 365.25 * 86_400.0,
                    ('m', false) => 30.0 * 86_400.0,
                    ('w', false) => 604_800.0,
                    ('d', false) => 86_400.0,
                    ('h', true) => 3600.0,
                    ('m', true) => 60.0,
                    ('s', true) => 1.0,
                    _ => return None,
                };
            }
        }
    }
    if !num.is_empty() {
        return None;
    }
    Some(if neg { -total } else { total })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_compact_interval_reads_as_the_general_path_does() {
        let mut checked = 0;
        for sign in ["", "-", "+", "--"] {
            for digits in [
                "0",
                "00",
                "1",
                "10",
                "007",
                "999999999999999",
                "1000000000000000",
            ] {
                for unit in [
                    "s", "m", "h", "d", "w", "y", "ms", "us", "min", "mins", "hours", "mon",
                    "years", "secs", "x", "ago", "sago", "S", "µs", "", "s ago", "1s",
                ] {
                    let s = format!("{sign}{digits}{unit}");
                    if let Some(fast) = super::compact_interval(&s) {
                        assert_eq!(Some(fast), super::general_interval(&s), "{s}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    use super::*;

    #[test]
    fn reads_intervals() {
        assert_eq!(interval("-10s"), Some(IntervalSign::Negative(10.0)));
        assert_eq!(interval("-1h30m"), Some(IntervalSign::Negative(1800.0)));
        assert_eq!(
            interval("10 minutes ago"),
            Some(IntervalSign::Negative(600.0))
        );
        assert_eq!(interval("-00:00:10"), Some(IntervalSign::Negative(10.0)));
        assert_eq!(interval("-PT10S"), Some(IntervalSign::Negative(10.0)));
        assert_eq!(interval("0s"), Some(IntervalSign::Zero));
        assert_eq!(interval("10s"), Some(IntervalSign::Positive));
        assert_eq!(interval("+10s"), Some(IntervalSign::Positive));
        assert_eq!(interval("-1h 2h"), None);
        assert_eq!(interval("10 parsecs"), None);
    }

    #[test]
    fn reads_timestamps() {
        assert_eq!(timestamp("1970-01-01"), Some((0, 0)));
        assert_eq!(timestamp("1970-01-01 01:00:00+01:00"), Some((0, 0)));
        assert_eq!(
            timestamp("2017-06-09 16:13:55.571516+00:00").map(|t| t.1),
            Some(0)
        );
        assert!(timestamp("-10s").is_none());
        assert!(timestamp("2024-13-01").is_none());
        assert!(timestamp("2024-01-01 1é:00").is_none());
        assert!(timestamp("2024-01-01 12:é0").is_none());
    }

    #[test]
    fn reads_strings() {
        assert!(matches!(string("0s", 0), Reading::Invalid { .. }));
        assert!(matches!(string("-10", 0), Reading::Invalid { .. }));
        assert!(matches!(string("hello", 0), Reading::Invalid { .. }));
        assert!(matches!(
            string(" 10s", 0),
            Reading::Future {
                negate_at: Some(1),
                ..
            }
        ));
        assert!(matches!(string("2999-01-01", 0), Reading::Future { .. }));
        assert!(matches!(string("1960-01-01", 0), Reading::Invalid { .. }));
        assert!(matches!(string("-10s", 0), Reading::PastInterval(_)));
        assert!(matches!(string("-10s?", 0), Reading::Unknown));
    }
}
