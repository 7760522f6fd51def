//! A cron parser with the rules of `github.com/robfig/cron/v3`'s `ParseStandard`, which
//! CockroachDB uses for `RECURRING` and `FULL BACKUP` (`schedulebase.ComputeScheduleRecurrence`):
//! five fields (minute hour day-of-month month day-of-week) with `*`, `?`, ranges, lists,
//! steps and month/weekday names, the descriptors `@yearly @annually @monthly @weekly @daily
//! @midnight @hourly` and `@every <Go duration>`, and an optional `TZ=`/`CRON_TZ=` prefix.
//!
//! Besides validity it computes the shortest and longest gap between two runs, so a rule can
//! tell when one schedule runs less often than another whatever the current time is.

/// A parsed schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    Spec(Spec),
    /// `@every d`, in whole seconds (at least one).
    Every(u64),
}

/// The five fields as bit sets, plus whether day-of-month / day-of-week were `*`/`?`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    minutes: u64,
    hours: u64,
    dom: u64,
    months: u64,
    dow: u64,
    dom_star: bool,
    dow_star: bool,
}

struct Bounds {
    min: u32,
    max: u32,
    names: &'static [(&'static str, u32)],
}

const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ],
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &[
        ("sun", 0),
        ("mon", 1),
        ("tue", 2),
        ("wed", 3),
        ("thu", 4),
        ("fri", 5),
        ("sat", 6),
    ],
};

/// Parses `spec`; the error says why it does not parse (robfig's wording where it has one).
pub fn parse(spec: &str) -> Result<Schedule, String> {
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    let mut spec = spec;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let Some(space) = spec.find(' ') else {
            return Err("a time zone prefix must be followed by a space and the schedule".into());
        };
        let eq = spec.find('=').unwrap_or(0);
        if spec[eq + 1..space].is_empty() {
            return Err("provided bad location (empty time zone name)".into());
        }
        spec = spec[space..].trim();
    }
    if spec.starts_with('@') {
        return descriptor(spec);
    }
    let mut fields = [""; 5];
    let mut count = 0;
    for (slot, text) in spec.split_whitespace().enumerate() {
        if let Some(f) = fields.get_mut(slot) {
            *f = text;
        }
        count += 1;
    }
    if count != 5 {
        return Err(format!("expected exactly 5 fields, found {count}: {spec}"));
    }
    let (minutes, _) = field(fields[0], &MINUTES)?;
    let (hours, _) = field(fields[1], &HOURS)?;
    let (dom, dom_star) = field(fields[2], &DOM)?;
    let (months, _) = field(fields[3], &MONTHS)?;
    let (dow, dow_star) = field(fields[4], &DOW)?;
    Ok(Schedule::Spec(Spec {
        minutes,
        hours,
        dom,
        months,
        dow,
        dom_star,
        dow_star,
    }))
}

fn descriptor(d: &str) -> Result<Schedule, String> {
    let spec = |s: &str| parse(s);
    match d {
        "@yearly" | "@annually" => spec("0 0 1 1 *"),
        "@monthly" => spec("0 0 1 * *"),
        "@weekly" => spec("0 0 * * 0"),
        "@daily" | "@midnight" => spec("0 0 * * *"),
        "@hourly" => spec("0 * * * *"),
        _ => match d.strip_prefix("@every ") {
            Some(dur) => {
                let nanos =
                    go_duration(dur).ok_or_else(|| format!("failed to parse duration {d}"))?;
                let secs = (nanos / 1_000_000_000).max(1) as u64;
                Ok(Schedule::Every(secs))
            }
            None => Err(format!("unrecognized descriptor: {d}")),
        },
    }
}

/// Go's `time.ParseDuration`, in nanoseconds (negative durations count as one second later).
fn go_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = num.parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += value * unit;
    }
    Some(if neg { -(total as i128) } else { total as i128 })
}

/// One field: a comma list of ranges. Returns the bits and whether it was a star.
fn field(text: &str, b: &Bounds) -> Result<(u64, bool), String> {
    let mut bits = 0;
    let mut star = false;
    for part in text.split(',') {
        let (r, s) = range(part, b)?;
        bits |= r;
        star |= s;
    }
    Ok((bits, star))
}

fn range(expr: &str, b: &Bounds) -> Result<(u64, bool), String> {
    let (range, step_text, more_slashes) = pieces(expr, '/');
    let (low, high, more_hyphens) = pieces(range, '-');
    let single = high.is_none();
    let mut star = false;
    let (start, mut end);
    if low == "*" || low == "?" {
        start = b.min;
        end = b.max;
        star = true;
    } else {
        start = int_or_name(low, b)?;
        end = match (high, more_hyphens) {
            (None, _) => start,
            (Some(high), false) => int_or_name(high, b)?,
            (Some(_), true) => return Err(format!("too many hyphens: {expr}")),
        };
    }
    let step = match (step_text, more_slashes) {
        (None, _) => 1,
        (Some(step_text), false) => {
            let step = atoi(step_text)?;
            if single {
                end = b.max;
            }
            if step > 1 {
                star = false;
            }
            step
        }
        (Some(_), true) => return Err(format!("too many slashes: {expr}")),
    };
    if start < b.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            b.min
        ));
    }
    if end > b.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            b.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    let mut bits = 0u64;
    let mut i = start;
    while i <= end {
        bits |= 1 << i;
        i += step;
    }
    Ok((bits, star))
}

/// `s` split at `sep`: the first piece, the second if there is one, and whether more follow.
fn pieces(s: &str, sep: char) -> (&str, Option<&str>, bool) {
    let mut split = s.split(sep);
    let first = split.next().unwrap_or(s); // `split` yields at least one piece
    let second = split.next();
    (first, second, split.next().is_some())
}

fn int_or_name(s: &str, b: &Bounds) -> Result<u32, String> {
    // The names are lower-case ASCII.
    if let Some((_, n)) = b.names.iter().find(|(name, _)| name.eq_ignore_ascii_case(s)) {
        return Ok(*n);
    }
    atoi(s)
}

/// Go's `strconv.Atoi` followed by robfig's "negative number not allowed".
fn atoi(s: &str) -> Result<u32, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("failed to parse int from {s}"));
    }
    if s.starts_with('-') && digits.bytes().any(|c| c != b'0') {
        return Err(format!("negative number not allowed: {s}"));
    }
    // Anything above 63 is out of every field's range; keep the number readable.
    Ok(digits
        .parse::<u64>()
        .map_or(u32::MAX, |n| n.min(u32::MAX as u64) as u32))
}

/// Whether `text` parses (`parse` is `Ok`), memoised per thread like `gaps_of_text`: files
/// repeat the same few crontabs, and a parse costs thousands of instructions.
pub fn parses(text: &str) -> bool {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static CACHE: RefCell<HashMap<String, bool>> = RefCell::new(HashMap::new());
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(text).copied()) {
        return hit;
    }
    let ok = parse(text).is_ok();
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 4096 {
            c.clear();
        }
        c.insert(text.to_string(), ok);
    });
    ok
}

/// Shortest and longest gap between two consecutive runs, in seconds; `None` when the
/// schedule never runs (such as `0 0 30 2 *`).
/// `gaps` of a cron text, memoised per thread: computing them walks a whole year of minutes,
/// and files repeat the same few crontabs.
pub fn gaps_of_text(text: &str) -> Option<(u64, u64)> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static CACHE: RefCell<HashMap<String, Option<(u64, u64)>>> = RefCell::new(HashMap::new());
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(text).copied()) {
        return hit;
    }
    let result = parse(text).ok().and_then(|s| gaps(&s));
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 4096 {
            c.clear();
        }
        c.insert(text.to_string(), result);
    });
    result
}

pub fn gaps(s: &Schedule) -> Option<(u64, u64)> {
    match s {
        Schedule::Every(d) => Some((*d, *d)),
        Schedule::Spec(spec) => spec_gaps(spec),
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// The first and last minute of a day the schedule runs at, and the shortest and longest gap
/// between two runs of the same day (`u64::MAX` and 0 with one run a day); `None` when it never
/// runs.
fn day_times(s: &Spec) -> Option<(u64, u64, u64, u64)> {
    let times: Vec<u64> = (0..24u64)
        .filter(|h| s.hours & (1 << h) != 0)
        .flat_map(|h| {
            (0..60u64)
                .filter(|m| s.minutes & (1 << m) != 0)
                .map(move |m| h * 60 + m)
        })
        .collect();
    let (first, last) = (*times.first()?, *times.last()?);
    let mut min_gap = u64::MAX;
    let mut max_gap = 0;
    for w in times.windows(2) {
        min_gap = min_gap.min(w[1] - w[0]);
        max_gap = max_gap.max(w[1] - w[0]);
    }
    Some((first, last, min_gap, max_gap))
}

fn spec_gaps(s: &Spec) -> Option<(u64, u64)> {
    let (first, last, mut min_gap, mut max_gap) = day_times(s)?;
    // Which days of a month match depends only on the weekday of its 1st and its length.
    let shapes: [[Option<MonthRuns>; 4]; 7] = std::array::from_fn(|first_weekday| {
        std::array::from_fn(|extra| MonthRuns::of(s, first_weekday as u32, 28 + extra as u32))
    });
    let gap_of = |days: u64| days * 1440 + first - last;
    // One full Gregorian cycle: every calendar pattern occurs in it.
    let mut prev_day: Option<i64> = None;
    for y in 2000..2400 {
        for m in 1..=12u32 {
            if s.months & (1 << m) == 0 {
                continue;
            }
            let first_day = crate::hosts::shell::date::days_from_civil(y, m, 1);
            let first_weekday = (first_day + 4).rem_euclid(7) as usize; // 1970-01-01 was a Thursday
            let Some(runs) = &shapes[first_weekday][(days_in_month(y, m) - 28) as usize] else {
                continue;
            };
            if let Some(p) = prev_day {
                let gap = gap_of((first_day + runs.first - 1 - p) as u64);
                min_gap = min_gap.min(gap);
                max_gap = max_gap.max(gap);
            }
            if let Some((shortest, longest)) = runs.inside {
                min_gap = min_gap.min(gap_of(shortest));
                max_gap = max_gap.max(gap_of(longest));
            }
            prev_day = Some(first_day + runs.last - 1);
        }
    }
    prev_day?;
    if min_gap == u64::MAX {
        return None;
    }
    Some((min_gap * 60, max_gap * 60))
}

/// The matching days of a month of one shape (the weekday of its 1st, its length).
struct MonthRuns {
    /// The first and last matching day of the month.
    first: i64,
    last: i64,
    /// The shortest and longest distance in days between consecutive matching days, when
    /// more than one matches.
    inside: Option<(u64, u64)>,
}

impl MonthRuns {
    /// `None` when no day of such a month matches.
    fn of(s: &Spec, first_weekday: u32, len: u32) -> Option<MonthRuns> {
        let by_dow = (1..=len)
            .filter(|d| s.dow & (1 << ((first_weekday + d - 1) % 7)) != 0)
            .fold(0u64, |bits, d| bits | 1 << d);
        let matching = if s.dom_star || s.dow_star {
            s.dom & by_dow
        } else {
            s.dom | by_dow
        };
        let matching = matching & ((1u64 << (len + 1)) - 2); // bits 1 to `len`
        if matching == 0 {
            return None;
        }
        let first = matching.trailing_zeros();
        let mut inside: Option<(u64, u64)> = None;
        let (mut prev, mut rest) = (first, matching & (matching - 1));
        while rest != 0 {
            let d = rest.trailing_zeros();
            rest &= rest - 1;
            let gap = u64::from(d - prev);
            inside = Some(inside.map_or((gap, gap), |(a, b)| (a.min(gap), b.max(gap))));
            prev = d;
        }
        Some(MonthRuns {
            first: i64::from(first),
            last: i64::from(prev),
            inside,
        })
    }
}

/// "2 hours", "1 day", "90 minutes" …, for messages.
pub fn human(secs: u64) -> String {
    let unit = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    if secs.is_multiple_of(86_400) {
        unit(secs / 86_400, "day")
    } else if secs.is_multiple_of(3600) {
        unit(secs / 3600, "hour")
    } else if secs.is_multiple_of(60) {
        unit(secs / 60, "minute")
    } else {
        unit(secs, "second")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(s: &str) -> Option<(u64, u64)> {
        gaps(&parse(s).unwrap())
    }

    #[test]
    fn the_memoised_answer_is_the_parse() {
        for text in ["@daily", "1 0 * * *", "0 0 31 2 *", "@every 1h", "* * *", "", "@often"] {
            for _ in 0..2 {
                assert_eq!(parses(text), parse(text).is_ok(), "{text:?}");
            }
        }
    }

    #[test]
    fn parses_like_robfig() {
        for ok in [
            "@daily",
            "@hourly",
            "@weekly",
            "@monthly",
            "@yearly",
            "@annually",
            "@midnight",
            "@every 1h30m",
            "*/15 * * * *",
            "0 0 * * MON-FRI",
            "1 0 * * *",
            "0 0 1,15 jan-jun ?",
            "5/10 * * * *",
            "CRON_TZ=America/New_York 0 6 * * *",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "daily",
            "@day",
            "* * * *",
            "* * * * * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "0 0 * * 7",
            "5-1 * * * *",
            "*/0 * * * *",
            "1-2-3 * * * *",
            "1,,2 * * * *",
            "@every 1d",
            "@DAILY",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn computes_gaps() {
        assert_eq!(g("@hourly"), Some((3600, 3600)));
        assert_eq!(g("@daily"), Some((86_400, 86_400)));
        assert_eq!(g("@weekly"), Some((604_800, 604_800)));
        assert_eq!(g("*/15 * * * *"), Some((900, 900)));
        assert_eq!(g("0 0 * * MON-FRI"), Some((86_400, 3 * 86_400)));
        assert_eq!(g("@every 90m"), Some((5400, 5400)));
        let (min, max) = g("@monthly").unwrap();
        assert_eq!((min, max), (28 * 86_400, 31 * 86_400));
        assert_eq!(g("0 0 30 2 *"), None);
    }

    /// The gaps the day-by-day walk gives (the month shapes of `spec_gaps` must agree).
    fn gaps_day_by_day(s: &Spec) -> Option<(u64, u64)> {
        let (first, last, mut min_gap, mut max_gap) = day_times(s)?;
        let mut prev_day: Option<i64> = None;
        for y in 2000..2400 {
            for m in (1..=12u32).filter(|m| s.months & (1 << m) != 0) {
                for d in 1..=days_in_month(y, m) {
                    let day = crate::hosts::shell::date::days_from_civil(y, m, d);
                    let weekday = (day + 4).rem_euclid(7) as u32;
                    let (dom, dow) = (s.dom & (1 << d) != 0, s.dow & (1 << weekday) != 0);
                    let matches = if s.dom_star || s.dow_star { dom && dow } else { dom || dow };
                    if !matches {
                        continue;
                    }
                    if let Some(p) = prev_day {
                        let gap = ((day - p) as u64) * 1440 + first - last;
                        min_gap = min_gap.min(gap);
                        max_gap = max_gap.max(gap);
                    }
                    prev_day = Some(day);
                }
            }
        }
        prev_day?;
        (min_gap != u64::MAX).then_some((min_gap * 60, max_gap * 60))
    }

    #[test]
    fn month_shapes_agree_with_day_by_day() {
        for text in [
            "@daily",
            "@weekly",
            "@monthly",
            "@yearly",
            "0 0 * * MON-FRI",
            "0 0 1,15 * *",
            "0 0 1,15 * 1",
            "30 2 29 2 *",
            "0 0 31 * *",
            "0 0 30 2 *",
            "0 0 13 * 5",
            "0 0 ? * sun",
            "0 */6 1-7 * 0",
            "0 0 * jan-mar,oct *",
        ] {
            let Ok(Schedule::Spec(spec)) = parse(text) else {
                panic!("{text}");
            };
            assert_eq!(spec_gaps(&spec), gaps_day_by_day(&spec), "{text}");
        }
    }
}
