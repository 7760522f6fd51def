//! Absolute `AS OF SYSTEM TIME` values, so chain checks can order layers whose times are
//! written as literals. Relative values (`'-10s'`, `follower_read_timestamp()`) and anything
//! that is not a constant are unknown (`None`): the statement's run time decides them.

use crate::hosts::shell::date::{civil_from_days, days_from_civil};
use crate::syntax::ast::{Expr, ExprKind};

/// An HLC timestamp: wall time in nanoseconds since the Unix epoch, and the logical part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hlc {
    pub wall: i128,
    pub logical: u64,
}

impl Hlc {
    /// The 10-millisecond bucket CockroachDB names a full backup's subdirectory after
    /// (`/2006/01/02-150405.00`).
    pub fn subdir_bucket(self) -> i128 {
        self.wall.div_euclid(10_000_000)
    }

    /// `YYYY/MM/DD-HHMMSS.ss` (UTC), as `SHOW BACKUPS IN` prints a full backup's subdirectory.
    pub fn subdir_name(self) -> String {
        let secs = self.wall.div_euclid(1_000_000_000);
        let centis = self.wall.rem_euclid(1_000_000_000) / 10_000_000;
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // Beyond ±2.7 billion years the name is meaningless anyway; keep the arithmetic safe.
        let days = days.clamp(-1_000_000_000_000, 1_000_000_000_000) as i64;
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}/{m:02}/{d:02}-{:02}{:02}{:02}.{centis:02}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }
}

/// The absolute time an `AS OF SYSTEM TIME` expression names, when it is a literal.
pub fn absolute(expr: &Expr) -> Option<Hlc> {
    match &expr.kind {
        ExprKind::Paren(e) => absolute(e),
        ExprKind::Str(s) => parse_text(s),
        ExprKind::Number(n) => parse_number(n),
        ExprKind::TypedLiteral { ty, value } if is_timestamp_type(ty) => parse_timestamp(value),
        ExprKind::Cast { expr, ty } if is_timestamp_type(ty) => match &expr.kind {
            ExprKind::Str(s) => parse_timestamp(s),
            _ => None,
        },
        ExprKind::Cast { expr, ty } if ty == "DECIMAL" || ty == "INT8" || ty == "INT" => {
            absolute(expr)
        }
        _ => None,
    }
}

fn is_timestamp_type(ty: &str) -> bool {
    let t = ty.to_ascii_uppercase();
    t == "TIMESTAMP" || t == "TIMESTAMPTZ" || t.starts_with("TIMESTAMP ")
}

/// `str::trim`, without its walk over the text's characters when neither end is whitespace
/// (the usual `-10s` and timestamps): that walk was half the cost of reading a time.
pub fn trim(s: &str) -> &str {
    let ascii_solid =
        |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii() && !(b as char).is_whitespace());
    if ascii_solid(s.as_bytes().first()) && ascii_solid(s.as_bytes().last()) {
        return s;
    }
    s.trim()
}

/// A string value: a timestamp, or nanoseconds / an HLC decimal written as a string.
fn parse_text(s: &str) -> Option<Hlc> {
    let t = trim(s);
    if t.bytes().next().is_some_and(|b| b.is_ascii_digit()) && !t.contains(['-', ':', ' ']) {
        return parse_number(t);
    }
    parse_timestamp(t)
}

/// `1714564800000000000` (nanoseconds) or `1714564800000000000.0000000001` (HLC).
fn parse_number(n: &str) -> Option<Hlc> {
    let (wall, logical) = match n.split_once('.') {
        Some((w, l)) => (w, Some(l)),
        None => (n, None),
    };
    if wall.is_empty() || !wall.bytes().all(|b| b.is_ascii_digit()) || wall.len() > 30 {
        return None;
    }
    let wall: i128 = wall.parse().ok()?;
    let logical = match logical {
        None => 0,
        Some(l) if l.len() <= 10 && l.bytes().all(|b| b.is_ascii_digit()) => {
            // The logical part is the fraction's first 10 digits, right-padded.
            let padded = format!("{l:0<10}");
            padded.parse().ok()?
        }
        Some(_) => return None,
    };
    if wall == 0 {
        return None;
    }
    Some(Hlc { wall, logical })
}

/// `YYYY-MM-DD[( |T)HH:MM[:SS[.f…]]][Z|UTC|±HH[:MM]]`; a value without a zone is UTC (the
/// default session time zone).
pub fn parse_timestamp(s: &str) -> Option<Hlc> {
    let b = trim(s).as_bytes();
    // Not a year (the usual `-10s`): no parser set up.
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut p = Parser { b, i: 0 };
    let year = p.digits(4, 4)?;
    p.expect(b'-')?;
    let month = p.digits(1, 2)?;
    p.expect(b'-')?;
    let day = p.digits(1, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (mut h, mut mi, mut sec, mut nanos) = (0, 0, 0, 0i128);
    if p.peek()
        .is_some_and(|c| c == b' ' || c == b'T' || c == b't')
    {
        p.i += 1;
        while p.peek() == Some(b' ') {
            p.i += 1;
        }
        h = p.digits(1, 2)?;
        p.expect(b':')?;
        mi = p.digits(2, 2)?;
        if p.peek() == Some(b':') {
            p.i += 1;
            sec = p.digits(2, 2)?;
            if p.peek() == Some(b'.') {
                p.i += 1;
                let start = p.i;
                while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                    p.i += 1;
                }
                let frac = std::str::from_utf8(&b[start..p.i]).ok()?;
                if frac.is_empty() {
                    return None;
                }
                let frac9: String = format!("{frac:0<9}").chars().take(9).collect();
                nanos = frac9.parse().ok()?;
            }
        }
        if h > 23 || mi > 59 || sec > 60 {
            return None;
        }
    }
    while p.peek() == Some(b' ') {
        p.i += 1;
    }
    let offset_secs: i128 = match p.peek() {
        None => 0,
        Some(b'Z' | b'z') => {
            p.i += 1;
            0
        }
        Some(b'+' | b'-') => {
            let sign = if p.peek() == Some(b'-') { -1 } else { 1 };
            p.i += 1;
            let oh = p.digits(2, 2)?;
            let mut om = 0;
            if p.peek() == Some(b':') {
                p.i += 1;
                om = p.digits(2, 2)?;
            } else if p.peek().is_some_and(|c| c.is_ascii_digit()) {
                om = p.digits(2, 2)?;
            }
            sign * (oh * 3600 + om * 60) as i128
        }
        _ => {
            let rest = std::str::from_utf8(&b[p.i..]).ok()?;
            if rest.eq_ignore_ascii_case("utc") {
                p.i = b.len();
                0
            } else {
                return None; // a zone name: unknown offset
            }
        }
    };
    if p.i != b.len() {
        return None;
    }
    let days = i128::from(days_from_civil(year, month as u32, day as u32));
    let secs = days * 86_400 + (h * 3600 + mi * 60 + sec) as i128 - offset_secs;
    let wall = secs * 1_000_000_000 + nanos;
    if wall <= 0 {
        return None;
    }
    Some(Hlc { wall, logical: 0 })
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.i;
        while self.i - start < max && self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        std::str::from_utf8(&self.b[start..self.i])
            .ok()?
            .parse()
            .ok()
    }
}

/// A date (and time) embedded in a backup path's name (`bank-2017-03-27-weekly`,
/// `backup-20240501-1200`), as a sortable number `YYYYMMDDhhmmss`; `None` when the name holds
/// no recognisable date, or several.
pub fn name_date(path: &str) -> Option<u64> {
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    // Runs of digits separated by single '-', '_' or '.'.
    let runs: Vec<(usize, &str)> = {
        let mut out = Vec::new();
        let bytes = last.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_digit() {
                let s = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                out.push((s, &last[s..i]));
            } else {
                i += 1;
            }
        }
        out
    };
    let mut found = None;
    let mut n = 0;
    while n < runs.len() {
        let (_, run) = runs[n];
        let adjacent = |k: usize| -> Option<&str> {
            // `k - 1` may be past the end too: the tuple is evaluated eagerly.
            let &(prev_start, prev) = runs.get(k.checked_sub(1)?)?;
            let (s, r) = runs.get(k)?;
            let gap = &last[prev_start + prev.len()..*s];
            (gap.len() == 1 && matches!(gap, "-" | "_" | ".")).then_some(*r)
        };
        let (date, used) = if run.len() == 4 {
            // YYYY-MM-DD
            match (adjacent(n + 1), adjacent(n + 2)) {
                (Some(m), Some(d)) if m.len() == 2 && d.len() == 2 => {
                    (Some(format!("{run}{m}{d}")), 3)
                }
                _ => (None, 1),
            }
        } else if run.len() == 8 {
            (Some(run.to_string()), 1)
        } else if run.len() == 14 {
            // YYYYMMDDhhmmss
            (Some(run.to_string()), 1)
        } else {
            (None, 1)
        };
        if let Some(date) = date {
            let year: u32 = date[..4].parse().ok()?;
            let month: u32 = date[4..6].parse().ok()?;
            let day: u32 = date[6..8].parse().ok()?;
            if (1970..=2200).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
            {
                if found.is_some() {
                    return None; // two dates: ambiguous
                }
                let mut time = if date.len() == 14 {
                    date[8..].to_string()
                } else {
                    String::new()
                };
                // A time right after the date: `-1200`, `-120000`, `_1200`.
                if time.is_empty()
                    && let Some(t) = adjacent(n + used)
                    && (t.len() == 4 || t.len() == 6)
                {
                    time = t.to_string();
                    n += 1;
                }
                let time = format!("{time:0<6}");
                found = Some(format!("{}{time}", &date[..8]).parse::<u64>().ok()?);
            }
        }
        n += used;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_timestamps_and_numbers() {
        let a = parse_timestamp("2017-02-26 10:00:00").unwrap();
        let b = parse_timestamp("2017-02-26T10:00:00Z").unwrap();
        let c = parse_timestamp("2017-02-26 12:00:00+02:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.subdir_name(), "2017/02/26-100000.00");
        assert!(parse_timestamp("2017-02-26 10:00:00.5").unwrap() > a);
        assert_eq!(parse_text("-10s"), None);
        assert_eq!(
            parse_number("1714564800000000000.0000000001"),
            Some(Hlc {
                wall: 1714564800000000000,
                logical: 1
            })
        );
        assert_eq!(
            parse_timestamp("2017-02-26 10:00:00 America/New_York"),
            None
        );
    }

    #[test]
    fn a_name_ending_in_one_digit_run_is_no_panic() {
        // Issue 14: the lookahead for `YYYY-MM-DD` indexed past the last run.
        for name in [
            "s3://b/backups/2023",
            "nodelocal://1/inc-1234",
            "x/12",
            "x/2024-01",
        ] {
            let _ = name_date(name);
        }
    }

    #[test]
    fn finds_dates_in_names() {
        assert_eq!(
            name_date("gs://b/database-bank-2017-03-27-weekly"),
            Some(20170327000000)
        );
        assert_eq!(
            name_date("s3://b/backup-20240501-1230"),
            Some(20240501123000)
        );
        assert_eq!(name_date("s3://b/full"), None);
        assert_eq!(name_date("s3://b/2024-05-01-vs-2024-05-02"), None);
    }
}
