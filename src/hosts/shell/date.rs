//! Symbolic evaluation of GNU `date +FORMAT`.
//!
//! Backup scripts often build file and directory names with command
//! substitutions such as `$(date +"%Y%m%d-%H%M")` or `$(LC_ALL=C date +%A)`.
//! This module reproduces, for a given civil date-time, exactly what GNU
//! coreutils `date` prints in the C locale with `TZ=UTC`, so the linter can
//! reason about the names those scripts produce (collisions, sort order, ISO
//! week pitfalls such as `%Y-%V` instead of `%G-%V`, and so on).
//!
//! The formatter mirrors gnulib's `nstrftime` as built into coreutils 9.x,
//! including its less obvious corners:
//!
//! * flags `-` `_` `0` `+` `^` `#`, a field width, and the `E`/`O` modifiers;
//! * conversions that gnulib delegates to the C library (`%c`, `%x`, `%X`,
//!   `%r`, and the valid `E`/`O` combinations) print the C library's
//!   rendering, to which only the width and the case flags apply;
//! * an invalid conversion is printed as written (padded to the width, if
//!   one is given), a `%` preceded by flags starts a new conversion, and a
//!   trailing lone `%` prints `%`;
//! * `%-N` is widened to `%9N`, as `date` does on a nanosecond clock.
//!
//! Nothing here depends on the machine's clock, time zone or locale.

use std::fmt::Write as _;

/// Field widths above this are clamped, so that a hostile format such as
/// `%999999999Y` cannot make the linter allocate gigabytes.
const MAX_WIDTH: i64 = 4096;

const SECONDS_PER_DAY: i64 = 86_400;

/// Any date will do when only the shape of a format matters.
const EPOCH: DateTime = DateTime {
    year: 1970,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
};

/// `%A` names, Sunday first (as `%w` counts).
pub const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A civil (proleptic Gregorian) date and time, as `date` prints it in the C locale.
///
/// The value carries no time zone; it is formatted as if it were UTC.
/// Values built with [`DateTime::new`] or [`DateTime::parse_ymd`] are always
/// valid. The fields are public for convenience; methods never panic on an
/// out-of-range value built by hand, but their results are then unspecified.
/// The derived ordering is chronological.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// Astronomical year: 0 is 1 BC, -1 is 2 BC.
    pub year: i32,
    /// 1 = January … 12 = December.
    pub month: u32,
    /// Day of the month, 1-based.
    pub day: u32,
    /// 0..=23.
    pub hour: u32,
    /// 0..=59.
    pub minute: u32,
    /// 0..=59 (leap seconds are not represented).
    pub second: u32,
}

impl DateTime {
    /// Validates and builds a date-time; `None` when a field is out of range
    /// (month 13, February 30, hour 24, second 60, …).
    pub fn new(
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Option<DateTime> {
        let valid = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(i64::from(year), month)
            && hour < 24
            && minute < 60
            && second < 60;
        valid.then_some(DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub fn weekday(&self) -> u32 {
        iso_weekday(self.days_since_epoch())
    }

    /// Day of the year, 1..=366.
    pub fn ordinal(&self) -> u32 {
        let days = self.days_since_epoch() - days_from_civil(i64::from(self.year), 1, 1);
        narrow(days + 1)
    }

    /// ISO 8601 week-numbering year and week (what GNU prints for `%G` and `%V`).
    ///
    /// The week-numbering year differs from the calendar year around New Year:
    /// 2024-12-30 is in week 1 of 2025, 2021-01-01 in week 53 of 2020.
    /// (At the very ends of the `i32` range the year saturates.)
    pub fn iso_week(&self) -> (i32, u32) {
        let (year, week) = iso_week_of(i64::from(self.year), self.days_since_epoch());
        let year = i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX });
        (year, narrow(week))
    }

    /// The same time of day `n` days later (earlier when `n` is negative).
    ///
    /// # Panics
    ///
    /// When the resulting year does not fit in an `i32`; see
    /// [`DateTime::checked_add_days`] for a non-panicking variant.
    pub fn add_days(&self, n: i64) -> DateTime {
        self.checked_add_days(n)
            .expect("DateTime::add_days: year out of range")
    }

    /// [`DateTime::add_days`], or `None` when the year would leave the `i32` range.
    pub fn checked_add_days(&self, n: i64) -> Option<DateTime> {
        let days = self.days_since_epoch().checked_add(n)?;
        // Keep `civil_from_days` far from i64 overflow; such days are out of
        // the i32 year range anyway.
        if days.unsigned_abs() > 1 << 40 {
            return None;
        }
        let (year, month, day) = civil_from_days(days);
        Some(DateTime {
            year: i32::try_from(year).ok()?,
            month,
            day,
            ..*self
        })
    }

    /// Seconds since 1970-01-01 00:00:00, treating the value as UTC (what `%s` prints).
    pub fn unix_seconds(&self) -> i64 {
        self.days_since_epoch() * SECONDS_PER_DAY
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// Parses `YYYY-MM-DD` (midnight), `YYYY-MM-DDThh:mm[:ss]` or
    /// `YYYY-MM-DD hh:mm[:ss]`.
    ///
    /// The year has at least four digits; every other field exactly two.
    /// Nothing else (no surrounding spaces, no zone suffix) is accepted.
    pub fn parse_ymd(s: &str) -> Option<DateTime> {
        let year_len = s.bytes().take_while(u8::is_ascii_digit).count();
        if year_len < 4 {
            return None;
        }
        let year: i32 = s[..year_len].parse().ok()?;
        let (month, day, time) = match &s.as_bytes()[year_len..] {
            [b'-', m1, m2, b'-', d1, d2, time @ ..] => (two(*m1, *m2)?, two(*d1, *d2)?, time),
            _ => return None,
        };
        let (hour, minute, second) = match time {
            [] => (0, 0, 0),
            [b'T' | b' ', h1, h2, b':', m1, m2] => (two(*h1, *h2)?, two(*m1, *m2)?, 0),
            [b'T' | b' ', h1, h2, b':', m1, m2, b':', s1, s2] => {
                (two(*h1, *h2)?, two(*m1, *m2)?, two(*s1, *s2)?)
            }
            _ => return None,
        };
        DateTime::new(year, month, day, hour, minute, second)
    }

    fn days_since_epoch(&self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }
}

/// Two ASCII digits as a number.
fn two(tens: u8, units: u8) -> Option<u32> {
    if tens.is_ascii_digit() && units.is_ascii_digit() {
        Some(u32::from(tens - b'0') * 10 + u32::from(units - b'0'))
    } else {
        None
    }
}

/// A small non-negative calendar quantity as `u32` (always in range for valid dates).
fn narrow(v: i64) -> u32 {
    u32::try_from(v).unwrap_or_default()
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let march_based_month = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * march_based_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Inverse of [`days_from_civil`]: (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_based_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_based_month + 2) / 5 + 1;
    let month = if march_based_month < 10 {
        march_based_month + 3
    } else {
        march_based_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, narrow(month), narrow(day))
}

/// ISO weekday (1 = Monday … 7 = Sunday) of a day counted from 1970-01-01, a Thursday.
fn iso_weekday(days: i64) -> u32 {
    narrow((days + 3).rem_euclid(7) + 1)
}

fn iso_weeks_in_year(year: i64) -> i64 {
    let jan1 = iso_weekday(days_from_civil(year, 1, 1));
    if jan1 == 4 || (jan1 == 3 && is_leap(year)) {
        53
    } else {
        52
    }
}

/// ISO week-numbering year and week of `days` (which falls in calendar `year`).
fn iso_week_of(year: i64, days: i64) -> (i64, i64) {
    let ordinal = days - days_from_civil(year, 1, 1) + 1;
    let week = (ordinal - i64::from(iso_weekday(days)) + 10) / 7;
    if week < 1 {
        (year - 1, iso_weeks_in_year(year - 1))
    } else if week > iso_weeks_in_year(year) {
        (year + 1, 1)
    } else {
        (year, week)
    }
}

/// The finest unit the format distinguishes: used to warn that two runs in one minute produce the same name.
///
/// A field that only distinguishes something coarser than a listed unit is
/// reported as the next coarser unit: `%q` (quarter) counts as [`Resolution::Year`]
/// and `%p` (AM/PM) as [`Resolution::Day`], so the answer never overstates
/// how fine the names are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resolution {
    Year,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    SubSecond,
}

/// What `LC_ALL=C date +FORMAT` prints at `t` (GNU coreutils semantics, C locale).
///
/// The time is treated as UTC (`%z` is `+0000`, `%Z` is `UTC`) and the
/// sub-second part is zero (`%N` is `000000000`). There is no trailing
/// newline. Widths above 4096 are clamped (GNU would honour `%2147483647Y`).
pub fn format(fmt: &str, t: &DateTime) -> String {
    let mut run = Run::new(t);
    let out = run.top_level(fmt);
    // Only ASCII is inserted, and bytes of the format are copied in order
    // with any padding placed before a `%`, so the output is valid UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Conversion specifiers of `fmt` that `format` does not know, for diagnostics.
///
/// These are the pieces GNU `date` prints literally, as written: unknown
/// letters (`%K`, `%5i`), modifiers the letter does not take (`%Ed`, `%OY`),
/// flags or a width followed by nothing (`%-` at the end) or by `%` (`%5%`),
/// and malformed zone offsets (`%::::z`). A trailing lone `%` is not reported.
pub fn unknown_specifiers(fmt: &str) -> Vec<String> {
    let mut run = Run::new(&EPOCH);
    run.top_level(fmt);
    run.unknown
        .iter()
        .map(|&(start, end)| {
            // Extend to a character boundary so that `%é` is reported whole.
            let end = (end..=fmt.len())
                .find(|&i| fmt.is_char_boundary(i))
                .unwrap_or(fmt.len());
            fmt[start..end].to_owned()
        })
        .collect()
}

/// The finest unit the format distinguishes; `None` when the format has no date/time field at all.
///
/// Composite conversions count as their finest part (`%F` is a day, `%c` a
/// second). `%z`, `%Z`, `%n`, `%t`, `%%` and unknown specifiers are not
/// date/time fields.
pub fn resolution(fmt: &str) -> Option<Resolution> {
    let mut run = Run::new(&EPOCH);
    run.top_level(fmt);
    run.finest
}

/// The broken-down time as gnulib sees it, with full years.
struct Tm {
    year: i64,
    /// 0-based month, like `tm_mon`.
    mon: i64,
    mday: i64,
    hour: i64,
    min: i64,
    sec: i64,
    /// 0-based day of the year, like `tm_yday`.
    yday: i64,
    /// 0 = Sunday, like `tm_wday`.
    wday: i64,
    iso_year: i64,
    iso_week: i64,
    epoch: i64,
}

impl Tm {
    fn new(t: &DateTime) -> Tm {
        let year = i64::from(t.year);
        let days = t.days_since_epoch();
        let (iso_year, iso_week) = iso_week_of(year, days);
        Tm {
            year,
            mon: i64::from(t.month) - 1,
            mday: i64::from(t.day),
            hour: i64::from(t.hour),
            min: i64::from(t.minute),
            sec: i64::from(t.second),
            yday: days - days_from_civil(year, 1, 1),
            wday: i64::from(iso_weekday(days) % 7),
            iso_year,
            iso_week,
            epoch: t.unix_seconds(),
        }
    }

    fn hour12(&self) -> i64 {
        match self.hour {
            0 => 12,
            h if h > 12 => h - 12,
            h => h,
        }
    }

    fn weekday_name(&self) -> &'static str {
        usize::try_from(self.wday)
            .ok()
            .and_then(|i| WEEKDAYS.get(i))
            .copied()
            .unwrap_or("?")
    }

    fn month_name(&self) -> &'static str {
        usize::try_from(self.mon)
            .ok()
            .and_then(|i| MONTHS.get(i))
            .copied()
            .unwrap_or("?")
    }

    fn am_pm(&self) -> &'static str {
        if self.hour > 11 { "PM" } else { "AM" }
    }

    /// What the C library's `strftime` prints for `%<letter>` (with any
    /// `E`/`O` modifier, which the C locale ignores). gnulib hands these
    /// conversions to the C library without flags or width.
    fn libc_default(&self, letter: u8) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = match letter {
            b'a' => write!(s, "{:.3}", self.weekday_name()),
            b'A' => write!(s, "{}", self.weekday_name()),
            b'b' | b'h' => write!(s, "{:.3}", self.month_name()),
            b'B' => write!(s, "{}", self.month_name()),
            b'c' => write!(
                s,
                "{:.3} {:.3} {:>2} {:02}:{:02}:{:02} {}",
                self.weekday_name(),
                self.month_name(),
                self.mday,
                self.hour,
                self.min,
                self.sec,
                self.year
            ),
            b'x' => write!(
                s,
                "{:02}/{:02}/{:02}",
                self.mon + 1,
                self.mday,
                self.year.rem_euclid(100)
            ),
            b'X' => write!(s, "{:02}:{:02}:{:02}", self.hour, self.min, self.sec),
            b'r' => write!(
                s,
                "{:02}:{:02}:{:02} {}",
                self.hour12(),
                self.min,
                self.sec,
                self.am_pm()
            ),
            b'p' => write!(s, "{}", self.am_pm()),
            b'C' => write!(s, "{}", self.year.div_euclid(100)),
            b'Y' => write!(s, "{}", self.year),
            b'y' => write!(s, "{:02}", self.year.rem_euclid(100)),
            b'G' => write!(s, "{}", self.iso_year),
            b'g' => write!(s, "{:02}", self.iso_year.rem_euclid(100)),
            b'd' => write!(s, "{:02}", self.mday),
            b'e' => write!(s, "{:>2}", self.mday),
            b'H' => write!(s, "{:02}", self.hour),
            b'I' => write!(s, "{:02}", self.hour12()),
            b'k' => write!(s, "{:>2}", self.hour),
            b'l' => write!(s, "{:>2}", self.hour12()),
            b'j' => write!(s, "{:03}", self.yday + 1),
            b'm' => write!(s, "{:02}", self.mon + 1),
            b'M' => write!(s, "{:02}", self.min),
            b'S' => write!(s, "{:02}", self.sec),
            b'u' => write!(s, "{}", (self.wday + 6) % 7 + 1),
            b'w' => write!(s, "{}", self.wday),
            b'U' => write!(s, "{:02}", self.week_sunday()),
            b'W' => write!(s, "{:02}", self.week_monday()),
            b'V' => write!(s, "{:02}", self.iso_week),
            b'z' => write!(s, "+0000"),
            _ => Ok(()),
        };
        s
    }

    /// `%U`: week of the year, weeks starting on Sunday, 00..=53.
    fn week_sunday(&self) -> i64 {
        (self.yday - self.wday + 7) / 7
    }

    /// `%W`: week of the year, weeks starting on Monday, 00..=53.
    fn week_monday(&self) -> i64 {
        (self.yday - (self.wday - 1 + 7) % 7 + 7) / 7
    }
}

/// Flags, width and modifier of one conversion specification.
#[derive(Clone, Copy)]
struct Spec {
    /// `0` when absent, else one of `_ - + 0` (the last one given wins).
    pad: u8,
    /// `-1` when absent.
    width: i64,
    upper: bool,
    lower: bool,
    /// `0` when absent, else `E` or `O`.
    modifier: u8,
    /// The conversion character (`0` at the end of the format).
    letter: u8,
    /// Default padding for years, inherited from an enclosing `%F` or `%D`.
    yr_spec: u8,
}

/// How gnulib arrives at its common number printer (`do_number` and friends).
enum Num {
    /// `DO_NUMBER`: zero padding by default.
    Plain,
    /// `DO_NUMBER_SPACEPAD`: space padding by default.
    SpacePad,
    /// `DO_YEARISH`: the default padding comes from the enclosing `%F`/`%D`,
    /// and the `+` flag may print a sign.
    Yearish,
    /// `DO_TZ_OFFSET`: always signed, with colons at the bits of the mask.
    Tz(u32),
}

/// Appends `text`, padded on the left to `width` (gnulib's `width_add`/`cpy`).
fn pad_and_copy(out: &mut Vec<u8>, width: i64, pad: u8, text: &[u8], upper: bool, lower: bool) {
    let wanted = if pad == b'-' {
        0
    } else {
        usize::try_from(width).unwrap_or(0)
    };
    if text.len() < wanted {
        let fill = if pad == b'0' || pad == b'+' {
            b'0'
        } else {
            b' '
        };
        out.extend(std::iter::repeat_n(fill, wanted - text.len()));
    }
    if lower {
        out.extend(text.iter().map(u8::to_ascii_lowercase));
    } else if upper {
        out.extend(text.iter().map(u8::to_ascii_uppercase));
    } else {
        out.extend_from_slice(text);
    }
}

/// Decimal digits of `value`, with a `:` inserted before the i-th digit from
/// the right whenever bit i of `colons` is set (gnulib's time zone mask).
fn digits(mut value: u64, mut colons: u32) -> Vec<u8> {
    let mut reversed = Vec::new();
    loop {
        if colons & 1 != 0 {
            reversed.push(b':');
        }
        colons >>= 1;
        reversed.push(b'0' + last_digit(value));
        value /= 10;
        if value == 0 && colons == 0 {
            break;
        }
    }
    reversed.reverse();
    reversed
}

fn last_digit(value: u64) -> u8 {
    // `value % 10` is below 10, so the conversion cannot fail.
    u8::try_from(value % 10).unwrap_or_default()
}

/// One evaluation of a format, collecting diagnostics along the way.
struct Run {
    tm: Tm,
    /// Byte ranges of the top-level format that were printed literally.
    unknown: Vec<(usize, usize)>,
    finest: Option<Resolution>,
}

impl Run {
    fn new(t: &DateTime) -> Run {
        Run {
            tm: Tm::new(t),
            unknown: Vec::new(),
            finest: None,
        }
    }

    fn note(&mut self, r: Resolution) {
        self.finest = Some(self.finest.map_or(r, |f| f.max(r)));
    }

    fn top_level(&mut self, fmt: &str) -> Vec<u8> {
        let fmt = adjust_resolution(fmt.as_bytes());
        let mut out = Vec::new();
        self.strftime(&mut out, &fmt, false, 0, -1, true);
        out
    }

    /// gnulib's `__strftime_internal`. `upcase` and `yr_spec` are inherited
    /// from an enclosing composite conversion, and `first_width` applies to
    /// the first conversion only (how `%12F` widens the year).
    fn strftime(
        &mut self,
        out: &mut Vec<u8>,
        fmt: &[u8],
        upcase: bool,
        yr_spec: u8,
        first_width: i64,
        top: bool,
    ) {
        let mut width = first_width;
        let mut f = 0;
        while f < fmt.len() {
            if fmt[f] != b'%' {
                pad_and_copy(out, width, 0, &fmt[f..=f], false, false);
                width = -1;
                f += 1;
                continue;
            }
            let start = f;
            let mut s = Spec {
                pad: 0,
                width,
                upper: upcase,
                lower: false,
                modifier: 0,
                letter: 0,
                yr_spec,
            };
            let mut change_case = false;
            loop {
                f += 1;
                match fmt.get(f) {
                    Some(&c @ (b'_' | b'-' | b'+' | b'0')) => s.pad = c,
                    Some(b'^') => s.upper = true,
                    Some(b'#') => change_case = true,
                    _ => break,
                }
            }
            if fmt.get(f).is_some_and(u8::is_ascii_digit) {
                s.width = 0;
                while let Some(&d) = fmt.get(f).filter(|d| d.is_ascii_digit()) {
                    s.width = (s.width * 10 + i64::from(d - b'0')).min(MAX_WIDTH);
                    f += 1;
                }
            }
            if let Some(&m @ (b'E' | b'O')) = fmt.get(f) {
                s.modifier = m;
                f += 1;
            }
            let letter = fmt.get(f).copied().unwrap_or(0);
            s.letter = letter;
            let (e, o) = (s.modifier == b'E', s.modifier == b'O');
            let tm = &self.tm;
            let mut bad = false;
            match letter {
                b'%' => {
                    if f == start + 1 {
                        out.push(b'%');
                    } else {
                        // Flags, a width or a modifier before `%`: they are
                        // printed as written and this `%` starts anew.
                        f -= 1;
                        bad = true;
                    }
                }
                b'a' | b'A' if s.modifier != 0 => bad = true,
                b'b' | b'h' | b'B' if e => {
                    // gnulib applies `#` before rejecting the modifier.
                    if change_case {
                        s.upper = true;
                        s.lower = false;
                    }
                    bad = true;
                }
                b'a' | b'A' | b'b' | b'h' | b'B' => {
                    if change_case {
                        s.upper = true;
                        s.lower = false;
                    }
                    let text = tm.libc_default(letter);
                    self.copy(out, s, text.as_bytes());
                    self.note(if matches!(letter, b'a' | b'A') {
                        Resolution::Day
                    } else {
                        Resolution::Month
                    });
                }
                b'c' | b'x' | b'X' if o => bad = true,
                b'c' | b'x' | b'X' | b'r' => {
                    let text = tm.libc_default(letter);
                    self.copy(out, s, text.as_bytes());
                    self.note(if letter == b'x' {
                        Resolution::Day
                    } else {
                        Resolution::Second
                    });
                }
                b'D' | b'F' if s.modifier != 0 => bad = true,
                b'D' => {
                    self.subformat(out, s, b"%m/%d/%y", -1);
                    self.note(Resolution::Day);
                }
                b'F' => {
                    let subwidth = if s.pad == 0 && s.width < 0 {
                        s.pad = b'+';
                        4
                    } else {
                        (s.width - 6).max(0)
                    };
                    self.subformat(out, s, b"%Y-%m-%d", subwidth);
                    self.note(Resolution::Day);
                }
                b'R' => {
                    self.subformat(out, s, b"%H:%M", -1);
                    self.note(Resolution::Minute);
                }
                b'T' => {
                    self.subformat(out, s, b"%H:%M:%S", -1);
                    self.note(Resolution::Second);
                }
                b'C' => {
                    if e {
                        self.libc(out, s, letter);
                    } else {
                        // Truncating division, as gnulib does for negative years.
                        let negative = tm.year < 0;
                        let century = if negative {
                            (tm.year - 1900) / 100 + 19
                        } else {
                            tm.year.div_euclid(100)
                        };
                        self.number(out, s, Num::Yearish, 2, negative, century);
                    }
                    self.note(Resolution::Year);
                }
                b'Y' if o => bad = true,
                b'Y' => {
                    if e {
                        self.libc(out, s, letter);
                    } else {
                        let year = tm.year;
                        self.number(out, s, Num::Yearish, 4, year < 0, year);
                    }
                    self.note(Resolution::Year);
                }
                b'y' => {
                    if e {
                        self.libc(out, s, letter);
                    } else {
                        let tm_year = tm.year - 1900;
                        let mut yy = tm_year % 100;
                        if yy < 0 {
                            yy = if tm.year < 0 { -yy } else { yy + 100 };
                        }
                        self.number(out, s, Num::Yearish, 2, false, yy);
                    }
                    self.note(Resolution::Year);
                }
                b'G' | b'g' | b'V' | b'd' | b'e' | b'H' | b'I' | b'k' | b'l' | b'j' | b'M'
                | b'm' | b'S' | b'U' | b'W' | b'w'
                    if e =>
                {
                    bad = true;
                }
                b'G' => {
                    let year = tm.iso_year;
                    self.number(out, s, Num::Yearish, 4, year < 0, year);
                    self.note(Resolution::Year);
                }
                b'g' => {
                    let tm_year = tm.year - 1900;
                    let adjust = tm.iso_year - tm.year;
                    let yy = (tm_year % 100 + adjust) % 100;
                    let yy = if yy >= 0 {
                        yy
                    } else if tm.iso_year < 0 {
                        -yy
                    } else {
                        yy + 100
                    };
                    self.number(out, s, Num::Yearish, 2, false, yy);
                    self.note(Resolution::Year);
                }
                b'd' | b'e' | b'H' | b'I' | b'k' | b'l' | b'j' | b'M' | b'm' | b'S' | b'U'
                | b'W' | b'w' | b'u' | b'V' => {
                    let (value, kind, width, res) = match letter {
                        b'd' => (tm.mday, Num::Plain, 2, Resolution::Day),
                        b'e' => (tm.mday, Num::SpacePad, 2, Resolution::Day),
                        b'H' => (tm.hour, Num::Plain, 2, Resolution::Hour),
                        b'I' => (tm.hour12(), Num::Plain, 2, Resolution::Hour),
                        b'k' => (tm.hour, Num::SpacePad, 2, Resolution::Hour),
                        b'l' => (tm.hour12(), Num::SpacePad, 2, Resolution::Hour),
                        b'j' => (tm.yday + 1, Num::Plain, 3, Resolution::Day),
                        b'M' => (tm.min, Num::Plain, 2, Resolution::Minute),
                        b'm' => (tm.mon + 1, Num::Plain, 2, Resolution::Month),
                        b'S' => (tm.sec, Num::Plain, 2, Resolution::Second),
                        b'U' => (tm.week_sunday(), Num::Plain, 2, Resolution::Week),
                        b'W' => (tm.week_monday(), Num::Plain, 2, Resolution::Week),
                        b'V' => (tm.iso_week, Num::Plain, 2, Resolution::Week),
                        b'w' => (tm.wday, Num::Plain, 1, Resolution::Day),
                        _ => ((tm.wday + 6) % 7 + 1, Num::Plain, 1, Resolution::Day),
                    };
                    self.number(out, s, kind, width, value < 0, value);
                    self.note(res);
                }
                b'q' if o => {
                    // Handed to the C library, which does not know `%Oq`
                    // and prints it as written (without flags or width).
                    self.copy(out, s, b"%Oq");
                    if top {
                        self.unknown.push((start, f + 1));
                    }
                }
                b'q' => {
                    let quarter = ((tm.mon * 11) >> 5) + 1;
                    self.number(out, s, Num::Plain, 1, false, quarter);
                    self.note(Resolution::Year);
                }
                b'N' if e => bad = true,
                b'N' => {
                    // The sub-second part is zero: one `0`, then padding up
                    // to the width (nine by default).
                    let width = if s.width <= 0 { 9 } else { s.width };
                    let pad = if s.pad == 0 { b'0' } else { s.pad };
                    out.push(b'0');
                    pad_and_copy(out, width - 1, pad, b"", false, false);
                    self.note(Resolution::SubSecond);
                }
                b's' => {
                    let epoch = tm.epoch;
                    let text = digits(epoch.unsigned_abs(), 0);
                    sign_and_pad(out, s, 1, epoch < 0, false, &text);
                    self.note(Resolution::Second);
                }
                b'p' | b'P' => {
                    if letter == b'P' {
                        s.lower = true;
                    }
                    if change_case {
                        s.upper = false;
                        s.lower = true;
                    }
                    let text = tm.am_pm();
                    self.copy(out, s, text.as_bytes());
                    self.note(Resolution::Day);
                }
                b'Z' => {
                    if change_case {
                        s.upper = false;
                        s.lower = true;
                    }
                    self.copy(out, s, b"UTC");
                }
                b'n' => pad_and_copy(out, s.width, s.pad, b"\n", false, false),
                b't' => pad_and_copy(out, s.width, s.pad, b"\t", false, false),
                b'z' | b':' => {
                    let mut colons = 0;
                    if letter == b':' {
                        colons = fmt[f..].iter().take_while(|&&c| c == b':').count();
                        if fmt.get(f + colons) == Some(&b'z') {
                            f += colons;
                        } else {
                            bad = true;
                        }
                    }
                    if !bad {
                        let (width, mask) = match colons {
                            0 => (5, 0),
                            1 => (6, 0o4),
                            2 => (9, 0o24),
                            3 => (3, 0),
                            _ => (0, 0),
                        };
                        if width == 0 {
                            bad = true;
                        } else if o && colons > 0 {
                            // The C library is asked for `%O:`, which it
                            // does not know either; the `z` is consumed.
                            self.copy(out, s, b"%O:");
                            if top {
                                self.unknown.push((start, f + 1));
                            }
                        } else {
                            self.number(
                                out,
                                Spec { letter: b'z', ..s },
                                Num::Tz(mask),
                                width,
                                false,
                                0,
                            );
                        }
                    }
                }
                0 => {
                    // The format ends inside a specification.
                    f -= 1;
                    bad = true;
                }
                _ => bad = true,
            }
            if bad {
                self.copy(out, s, &fmt[start..=f]);
                if top && f > start {
                    self.unknown.push((start, f + 1));
                }
            }
            width = -1;
            f += 1;
        }
    }

    /// gnulib's `cpy`: the text, padded to the width, with case flags applied.
    fn copy(&self, out: &mut Vec<u8>, s: Spec, text: &[u8]) {
        pad_and_copy(out, s.width, s.pad, text, s.upper, s.lower);
    }

    /// A conversion gnulib delegates to the C library: its plain rendering,
    /// then only the width (and case) from the specification.
    fn libc(&self, out: &mut Vec<u8>, s: Spec, letter: u8) {
        let text = self.tm.libc_default(letter);
        self.copy(out, s, text.as_bytes());
    }

    /// A composite conversion such as `%F`: the expansion inherits the case
    /// and padding, `subwidth` widens its first field, and the whole is then
    /// padded to the width.
    fn subformat(&mut self, out: &mut Vec<u8>, s: Spec, subfmt: &[u8], subwidth: i64) {
        let mut expansion = Vec::new();
        self.strftime(&mut expansion, subfmt, s.upper, s.pad, subwidth, false);
        pad_and_copy(out, s.width, s.pad, &expansion, false, false);
    }

    /// gnulib's numeric conversions (`DO_NUMBER`, `DO_YEARISH`, …), from the
    /// sign and magnitude of `value` (or of `|value|` when `negative` is set
    /// but the value is already a magnitude).
    fn number(
        &self,
        out: &mut Vec<u8>,
        mut s: Spec,
        kind: Num,
        width: i64,
        negative: bool,
        value: i64,
    ) {
        let mut always_sign = false;
        let mut mask = 0;
        match kind {
            Num::Plain => {}
            Num::SpacePad => {
                if s.pad == 0 {
                    s.pad = b'_';
                }
            }
            Num::Yearish => {
                if s.pad == 0 {
                    s.pad = s.yr_spec;
                }
                let limit = if width == 2 { 99 } else { 9999 };
                always_sign = s.pad == b'+' && (value.unsigned_abs() > limit || width < s.width);
            }
            Num::Tz(colons) => {
                always_sign = true;
                mask = colons;
            }
        }
        if s.modifier == b'O' && !negative {
            self.libc(out, s, s.letter);
            return;
        }
        let text = digits(value.unsigned_abs(), mask);
        sign_and_pad(out, s, width, negative, always_sign, &text);
    }
}

/// gnulib's `do_number_sign_and_padding`.
fn sign_and_pad(
    out: &mut Vec<u8>,
    s: Spec,
    digits: i64,
    negative: bool,
    always_sign: bool,
    text: &[u8],
) {
    let pad = if s.pad == 0 { b'0' } else { s.pad };
    let mut width = if s.width < 0 { digits } else { s.width };
    let sign = if negative {
        Some(b'-')
    } else if always_sign {
        Some(b'+')
    } else {
        None
    };
    if let Some(sign) = sign {
        let len = i64::try_from(text.len()).unwrap_or(i64::MAX);
        let shortage = width - 1 - len;
        if pad == b'_' && shortage > 0 {
            out.extend(std::iter::repeat_n(
                b' ',
                usize::try_from(shortage).unwrap_or(0),
            ));
            width -= shortage;
        }
        out.push(sign);
        width -= 1;
    }
    pad_and_copy(out, width, pad, text, false, false);
}

/// What coreutils `date` does before formatting: each `%-N` becomes `%9N`
/// (nine digits being the resolution of the clock on Linux).
fn adjust_resolution(fmt: &[u8]) -> Vec<u8> {
    let mut copy = fmt.to_vec();
    let mut i = 0;
    while i < fmt.len() {
        if fmt[i] == b'%' {
            if fmt.get(i + 1) == Some(&b'-') && fmt.get(i + 2) == Some(&b'N') {
                copy[i + 1] = b'9';
                i += 2;
            } else if fmt.get(i + 1) == Some(&b'%') {
                i += 1;
            }
        }
        i += 1;
    }
    copy
}

#[cfg(test)]
mod tests {
    //! Unless noted otherwise, every expected string was printed by GNU
    //! coreutils 9.1: `LC_ALL=C TZ=UTC date -d '<date>' +'<format>'`.

    use super::*;

    fn at(s: &str) -> DateTime {
        DateTime::parse_ymd(s).unwrap_or_else(|| panic!("bad test date {s:?}"))
    }

    #[test]
    fn examples_from_backup_scripts() {
        let t = at("2024-12-30 00:00");
        assert_eq!(format("%Y-%V", &t), "2024-01");
        assert_eq!(format("%G-%V", &t), "2025-01");
        assert_eq!(format("%Y%m%d-%H%M", &t), "20241230-0000");
        assert_eq!(format("%A", &t), "Monday");
        assert_eq!(format("%Y-%V", &at("2021-01-01")), "2021-53");
        assert_eq!(
            format("backup-%Y%m%d-%H%M%S.tar.gz", &at("2027-07-04 13:45:30")),
            "backup-20270704-134530.tar.gz"
        );
        assert_eq!(format("", &t), "");
        assert_eq!(format("no conversions", &t), "no conversions");
    }

    /// `%Y-%V|%G-%V|%g|%a|%j|%U|%W|%u|%w` around every New Year from 2019/20 to 2027/28.
    const YEAR_BOUNDARIES: &[(&str, &str)] = &[
        ("2019-12-28", "2019-52|2019-52|19|Sat|362|51|51|6|6"),
        ("2019-12-29", "2019-52|2019-52|19|Sun|363|52|51|7|0"),
        ("2019-12-30", "2019-01|2020-01|20|Mon|364|52|52|1|1"),
        ("2019-12-31", "2019-01|2020-01|20|Tue|365|52|52|2|2"),
        ("2020-01-01", "2020-01|2020-01|20|Wed|001|00|00|3|3"),
        ("2020-01-02", "2020-01|2020-01|20|Thu|002|00|00|4|4"),
        ("2020-01-03", "2020-01|2020-01|20|Fri|003|00|00|5|5"),
        ("2020-01-04", "2020-01|2020-01|20|Sat|004|00|00|6|6"),
        ("2020-12-28", "2020-53|2020-53|20|Mon|363|52|52|1|1"),
        ("2020-12-29", "2020-53|2020-53|20|Tue|364|52|52|2|2"),
        ("2020-12-30", "2020-53|2020-53|20|Wed|365|52|52|3|3"),
        ("2020-12-31", "2020-53|2020-53|20|Thu|366|52|52|4|4"),
        ("2021-01-01", "2021-53|2020-53|20|Fri|001|00|00|5|5"),
        ("2021-01-02", "2021-53|2020-53|20|Sat|002|00|00|6|6"),
        ("2021-01-03", "2021-53|2020-53|20|Sun|003|01|00|7|0"),
        ("2021-01-04", "2021-01|2021-01|21|Mon|004|01|01|1|1"),
        ("2021-12-28", "2021-52|2021-52|21|Tue|362|52|52|2|2"),
        ("2021-12-29", "2021-52|2021-52|21|Wed|363|52|52|3|3"),
        ("2021-12-30", "2021-52|2021-52|21|Thu|364|52|52|4|4"),
        ("2021-12-31", "2021-52|2021-52|21|Fri|365|52|52|5|5"),
        ("2022-01-01", "2022-52|2021-52|21|Sat|001|00|00|6|6"),
        ("2022-01-02", "2022-52|2021-52|21|Sun|002|01|00|7|0"),
        ("2022-01-03", "2022-01|2022-01|22|Mon|003|01|01|1|1"),
        ("2022-01-04", "2022-01|2022-01|22|Tue|004|01|01|2|2"),
        ("2022-12-28", "2022-52|2022-52|22|Wed|362|52|52|3|3"),
        ("2022-12-29", "2022-52|2022-52|22|Thu|363|52|52|4|4"),
        ("2022-12-30", "2022-52|2022-52|22|Fri|364|52|52|5|5"),
        ("2022-12-31", "2022-52|2022-52|22|Sat|365|52|52|6|6"),
        ("2023-01-01", "2023-52|2022-52|22|Sun|001|01|00|7|0"),
        ("2023-01-02", "2023-01|2023-01|23|Mon|002|01|01|1|1"),
        ("2023-01-03", "2023-01|2023-01|23|Tue|003|01|01|2|2"),
        ("2023-01-04", "2023-01|2023-01|23|Wed|004|01|01|3|3"),
        ("2023-12-28", "2023-52|2023-52|23|Thu|362|52|52|4|4"),
        ("2023-12-29", "2023-52|2023-52|23|Fri|363|52|52|5|5"),
        ("2023-12-30", "2023-52|2023-52|23|Sat|364|52|52|6|6"),
        ("2023-12-31", "2023-52|2023-52|23|Sun|365|53|52|7|0"),
        ("2024-01-01", "2024-01|2024-01|24|Mon|001|00|01|1|1"),
        ("2024-01-02", "2024-01|2024-01|24|Tue|002|00|01|2|2"),
        ("2024-01-03", "2024-01|2024-01|24|Wed|003|00|01|3|3"),
        ("2024-01-04", "2024-01|2024-01|24|Thu|004|00|01|4|4"),
        ("2024-12-28", "2024-52|2024-52|24|Sat|363|51|52|6|6"),
        ("2024-12-29", "2024-52|2024-52|24|Sun|364|52|52|7|0"),
        ("2024-12-30", "2024-01|2025-01|25|Mon|365|52|53|1|1"),
        ("2024-12-31", "2024-01|2025-01|25|Tue|366|52|53|2|2"),
        ("2025-01-01", "2025-01|2025-01|25|Wed|001|00|00|3|3"),
        ("2025-01-02", "2025-01|2025-01|25|Thu|002|00|00|4|4"),
        ("2025-01-03", "2025-01|2025-01|25|Fri|003|00|00|5|5"),
        ("2025-01-04", "2025-01|2025-01|25|Sat|004|00|00|6|6"),
        ("2025-12-28", "2025-52|2025-52|25|Sun|362|52|51|7|0"),
        ("2025-12-29", "2025-01|2026-01|26|Mon|363|52|52|1|1"),
        ("2025-12-30", "2025-01|2026-01|26|Tue|364|52|52|2|2"),
        ("2025-12-31", "2025-01|2026-01|26|Wed|365|52|52|3|3"),
        ("2026-01-01", "2026-01|2026-01|26|Thu|001|00|00|4|4"),
        ("2026-01-02", "2026-01|2026-01|26|Fri|002|00|00|5|5"),
        ("2026-01-03", "2026-01|2026-01|26|Sat|003|00|00|6|6"),
        ("2026-01-04", "2026-01|2026-01|26|Sun|004|01|00|7|0"),
        ("2026-12-28", "2026-53|2026-53|26|Mon|362|52|52|1|1"),
        ("2026-12-29", "2026-53|2026-53|26|Tue|363|52|52|2|2"),
        ("2026-12-30", "2026-53|2026-53|26|Wed|364|52|52|3|3"),
        ("2026-12-31", "2026-53|2026-53|26|Thu|365|52|52|4|4"),
        ("2027-01-01", "2027-53|2026-53|26|Fri|001|00|00|5|5"),
        ("2027-01-02", "2027-53|2026-53|26|Sat|002|00|00|6|6"),
        ("2027-01-03", "2027-53|2026-53|26|Sun|003|01|00|7|0"),
        ("2027-01-04", "2027-01|2027-01|27|Mon|004|01|01|1|1"),
        ("2027-12-28", "2027-52|2027-52|27|Tue|362|52|52|2|2"),
        ("2027-12-29", "2027-52|2027-52|27|Wed|363|52|52|3|3"),
        ("2027-12-30", "2027-52|2027-52|27|Thu|364|52|52|4|4"),
        ("2027-12-31", "2027-52|2027-52|27|Fri|365|52|52|5|5"),
        ("2028-01-01", "2028-52|2027-52|27|Sat|001|00|00|6|6"),
        ("2028-01-02", "2028-52|2027-52|27|Sun|002|01|00|7|0"),
        ("2028-01-03", "2028-01|2028-01|28|Mon|003|01|01|1|1"),
        ("2028-01-04", "2028-01|2028-01|28|Tue|004|01|01|2|2"),
    ];

    #[test]
    fn year_boundaries() {
        for &(date, expected) in YEAR_BOUNDARIES {
            let t = at(date);
            assert_eq!(
                format("%Y-%V|%G-%V|%g|%a|%j|%U|%W|%u|%w", &t),
                expected,
                "{date}"
            );
            // The accessors agree with what `date` prints.
            let fields: Vec<&str> = expected.split('|').collect();
            let (iso_year, iso_week) = t.iso_week();
            assert_eq!(format!("{iso_year}-{iso_week:02}"), fields[1], "{date}");
            assert_eq!(format!("{:03}", t.ordinal()), fields[4], "{date}");
            assert_eq!(t.weekday().to_string(), fields[7], "{date}");
        }
    }

    /// `%j|%a %A|%U|%W|%V|%s` on and around leap days (1900 and 2100 have none).
    const LEAP_DAYS: &[(&str, &str)] = &[
        ("2020-02-28", "059|Fri Friday|08|08|09|1582848000"),
        ("2020-02-29", "060|Sat Saturday|08|08|09|1582934400"),
        ("2020-03-01", "061|Sun Sunday|09|08|09|1583020800"),
        ("2020-12-31", "366|Thu Thursday|52|52|53|1609372800"),
        ("2021-03-01", "060|Mon Monday|09|09|09|1614556800"),
        ("2024-02-29", "060|Thu Thursday|08|09|09|1709164800"),
        ("2024-12-31", "366|Tue Tuesday|52|53|01|1735603200"),
        ("2000-02-29", "060|Tue Tuesday|09|09|09|951782400"),
        ("2000-12-31", "366|Sun Sunday|53|52|52|978220800"),
        ("1900-02-28", "059|Wed Wednesday|08|09|09|-2203977600"),
        ("1900-03-01", "060|Thu Thursday|08|09|09|-2203891200"),
        ("2100-02-28", "059|Sun Sunday|09|08|08|4107456000"),
        ("2100-03-01", "060|Mon Monday|09|09|09|4107542400"),
        ("2028-02-29", "060|Tue Tuesday|09|09|09|1835395200"),
    ];

    #[test]
    fn leap_days() {
        for &(date, expected) in LEAP_DAYS {
            let t = at(date);
            assert_eq!(format("%j|%a %A|%U|%W|%V|%s", &t), expected, "{date}");
            let fields: Vec<&str> = expected.split('|').collect();
            assert_eq!(format!("{:03}", t.ordinal()), fields[0], "{date}");
            assert_eq!(t.unix_seconds().to_string(), fields[5], "{date}");
        }
    }

    const SIMPLE: &str =
        "%a|%A|%b|%h|%B|%C|%d|%e|%g|%G|%H|%I|%j|%k|%l|%m|%M|%p|%P|%S|%s|%u|%U|%V|%w|%W|%y|%Y|%q";
    const COMPOSITE: &str = "%c|%D|%F|%r|%R|%T|%x|%X|%z|%Z|%N|%%|%n|%t";

    /// Date, then [`SIMPLE`] and [`COMPOSITE`] formatted at that date.
    const ALL_SPECIFIERS: &[(&str, &str, &str)] = &[
        (
            "2024-12-30 00:00:00",
            "Mon|Monday|Dec|Dec|December|20|30|30|25|2025|00|12|365| 0|12|12|00|AM|am|00|1735516800|1|52|01|1|53|24|2024|4",
            "Mon Dec 30 00:00:00 2024|12/30/24|2024-12-30|12:00:00 AM|00:00|00:00:00|12/30/24|00:00:00|+0000|UTC|000000000|%|\n|\t",
        ),
        (
            "2021-01-01 12:00:00",
            "Fri|Friday|Jan|Jan|January|20|01| 1|20|2020|12|12|001|12|12|01|00|PM|pm|00|1609502400|5|00|53|5|00|21|2021|1",
            "Fri Jan  1 12:00:00 2021|01/01/21|2021-01-01|12:00:00 PM|12:00|12:00:00|01/01/21|12:00:00|+0000|UTC|000000000|%|\n|\t",
        ),
        (
            "2020-02-29 23:59:59",
            "Sat|Saturday|Feb|Feb|February|20|29|29|20|2020|23|11|060|23|11|02|59|PM|pm|59|1583020799|6|08|09|6|08|20|2020|1",
            "Sat Feb 29 23:59:59 2020|02/29/20|2020-02-29|11:59:59 PM|23:59|23:59:59|02/29/20|23:59:59|+0000|UTC|000000000|%|\n|\t",
        ),
        (
            "1999-12-31 09:05:07",
            "Fri|Friday|Dec|Dec|December|19|31|31|99|1999|09|09|365| 9| 9|12|05|AM|am|07|946631107|5|52|52|5|52|99|1999|4",
            "Fri Dec 31 09:05:07 1999|12/31/99|1999-12-31|09:05:07 AM|09:05|09:05:07|12/31/99|09:05:07|+0000|UTC|000000000|%|\n|\t",
        ),
        (
            "2027-07-04 13:45:30",
            "Sun|Sunday|Jul|Jul|July|20|04| 4|27|2027|13|01|185|13| 1|07|45|PM|pm|30|1814708730|7|27|26|0|26|27|2027|3",
            "Sun Jul  4 13:45:30 2027|07/04/27|2027-07-04|01:45:30 PM|13:45|13:45:30|07/04/27|13:45:30|+0000|UTC|000000000|%|\n|\t",
        ),
        (
            "1970-01-01 00:00:00",
            "Thu|Thursday|Jan|Jan|January|19|01| 1|70|1970|00|12|001| 0|12|01|00|AM|am|00|0|4|00|01|4|00|70|1970|1",
            "Thu Jan  1 00:00:00 1970|01/01/70|1970-01-01|12:00:00 AM|00:00|00:00:00|01/01/70|00:00:00|+0000|UTC|000000000|%|\n|\t",
        ),
        (
            "1969-12-31 23:59:59",
            "Wed|Wednesday|Dec|Dec|December|19|31|31|70|1970|23|11|365|23|11|12|59|PM|pm|59|-1|3|52|01|3|52|69|1969|4",
            "Wed Dec 31 23:59:59 1969|12/31/69|1969-12-31|11:59:59 PM|23:59|23:59:59|12/31/69|23:59:59|+0000|UTC|000000000|%|\n|\t",
        ),
        (
            "2038-01-19 03:14:08",
            "Tue|Tuesday|Jan|Jan|January|20|19|19|38|2038|03|03|019| 3| 3|01|14|AM|am|08|2147483648|2|03|03|2|03|38|2038|1",
            "Tue Jan 19 03:14:08 2038|01/19/38|2038-01-19|03:14:08 AM|03:14|03:14:08|01/19/38|03:14:08|+0000|UTC|000000000|%|\n|\t",
        ),
        (
            "2000-01-01 00:00:00",
            "Sat|Saturday|Jan|Jan|January|20|01| 1|99|1999|00|12|001| 0|12|01|00|AM|am|00|946684800|6|00|52|6|00|00|2000|1",
            "Sat Jan  1 00:00:00 2000|01/01/00|2000-01-01|12:00:00 AM|00:00|00:00:00|01/01/00|00:00:00|+0000|UTC|000000000|%|\n|\t",
        ),
        (
            "2026-11-09 11:09:01",
            "Mon|Monday|Nov|Nov|November|20|09| 9|26|2026|11|11|313|11|11|11|09|AM|am|01|1794222541|1|45|46|1|45|26|2026|4",
            "Mon Nov  9 11:09:01 2026|11/09/26|2026-11-09|11:09:01 AM|11:09|11:09:01|11/09/26|11:09:01|+0000|UTC|000000000|%|\n|\t",
        ),
    ];

    #[test]
    fn all_specifiers() {
        for &(date, simple, composite) in ALL_SPECIFIERS {
            let t = at(date);
            assert_eq!(format(SIMPLE, &t), simple, "{date}");
            assert_eq!(format(COMPOSITE, &t), composite, "{date}");
        }
    }

    /// Cases at Friday 2024-01-05 13:04:05.
    const FRIDAY_AFTERNOON_CASES: &[(&str, &str)] = &[
        ("%-d", "5"),
        ("%_d", " 5"),
        ("%0e", "05"),
        ("%-e", "5"),
        ("%_H", "13"),
        ("%-H", "13"),
        ("%-I", "1"),
        ("%_M", " 4"),
        ("%-m", "1"),
        ("%_m", " 1"),
        ("%-j", "5"),
        ("%_j", "  5"),
        ("%-y", "24"),
        ("%-k", "13"),
        ("%0k", "13"),
        ("%-l", "1"),
        ("%0l", "01"),
        ("%^a", "FRI"),
        ("%^A", "FRIDAY"),
        ("%^b", "JAN"),
        ("%^B", "JANUARY"),
        ("%^h", "JAN"),
        ("%#a", "FRI"),
        ("%#A", "FRIDAY"),
        ("%#b", "JAN"),
        ("%#B", "JANUARY"),
        ("%#p", "pm"),
        ("%^p", "PM"),
        ("%^P", "pm"),
        ("%#P", "pm"),
        ("%#Z", "utc"),
        ("%^Z", "UTC"),
        ("%10Y", "0000002024"),
        ("%_10Y", "      2024"),
        ("%-10Y", "2024"),
        ("%+6Y", "+02024"),
        ("%+Y", "2024"),
        ("%+3C", "+20"),
        ("%4d", "0005"),
        ("%_4d", "   5"),
        ("%-4d", "5"),
        ("%3e", "  5"),
        ("%10a", "       Fri"),
        ("%010a", "0000000Fri"),
        ("%-10a", "Fri"),
        ("%^10B", "   JANUARY"),
        ("%10s", "1704459845"),
        ("%-s", "1704459845"),
        ("%_20s", "          1704459845"),
        ("%3N", "000"),
        ("%-N", "000000000"),
        ("%_N", "0        "),
        ("%12N", "000000000000"),
        ("%-3N", "0"),
        ("%_3N", "0  "),
        ("%1N", "0"),
        ("%12F", "002024-01-05"),
        ("%_12F", "  2024-01-05"),
        ("%-F", "2024-01-05"),
        ("%+F", "2024-01-05"),
        ("%15c", "Fri Jan  5 13:04:05 2024"),
        ("%^c", "FRI JAN  5 13:04:05 2024"),
        ("%10D", "  01/05/24"),
        ("%_D", "01/05/24"),
        ("%-D", "01/05/24"),
        ("%10T", "  13:04:05"),
        ("%010R", "0000013:04"),
        ("%^r", "01:04:05 PM"),
        ("%^x", "01/05/24"),
        ("%12X", "    13:04:05"),
        ("%:z", "+00:00"),
        ("%::z", "+00:00:00"),
        ("%:::z", "+00"),
        ("%_z", "   +0"),
        ("%-z", "+0"),
        ("%10z", "+000000000"),
        ("%_10z", "        +0"),
        ("%5%", "   %5%"),
        ("%-%Y", "%-2024"),
        ("%^%a", "%^Fri"),
        ("%_%%", "%_%"),
        ("%5n", "    \n"),
        ("%3t", "  \t"),
        ("%_U", " 0"),
        ("%-U", "0"),
        ("%-W", "1"),
        ("%-V", "1"),
        ("%_V", " 1"),
        ("%-g", "24"),
        ("%_G", "2024"),
        ("%6G", "002024"),
        ("%-u", "5"),
        ("%3w", "005"),
        ("%^-a", "FRI"),
        ("%-_d", " 5"),
        ("%_-d", "5"),
        ("%0_d", " 5"),
        ("%Od", "05"),
        ("%-Od", "05"),
        ("%5Od", "   05"),
        ("%Oe", " 5"),
        ("%Ey", "24"),
        ("%EY", "2024"),
        ("%EC", "20"),
        ("%Ec", "Fri Jan  5 13:04:05 2024"),
        ("%Ex", "01/05/24"),
        ("%EX", "13:04:05"),
        ("%OH", "13"),
        ("%Ob", "Jan"),
        ("%^OB", "JANUARY"),
        ("%Eu", "5"),
        ("%Eq", "1"),
        ("%Oz", "+0000"),
        ("%E:z", "+00:00"),
        ("%Oq", "%Oq"),
        ("%Ed", "%Ed"),
        ("%OY", "%OY"),
        ("%Ea", "%Ea"),
        ("%EF", "%EF"),
        ("%#Eb", "%#EB"),
        ("%O:z", "%O:"),
        ("%::::z", "%::::z"),
        ("%:x", "%:x"),
        ("%K", "%K"),
        ("%5K", "  %5K"),
        ("%-5K", "%-5K"),
        ("%^i", "%^I"),
        ("%#i", "%#i"),
        ("%^5i", " %^5I"),
        ("%E", "%E"),
        ("%O", "%O"),
        ("%-", "%-"),
        ("%10", "       %10"),
        ("%_10E", "     %_10E"),
        ("a%", "a%"),
        ("100%", "100%"),
        ("%%-N", "%-N"),
        ("%5%-N", "   %5000000000"),
        ("%é", "%é"),
        ("%3é", "%3é"),
        ("x%-Yy", "x2024y"),
    ];

    /// Cases at Monday 2024-12-30 03:04:05 (in ISO week 1 of 2025).
    const MONDAY_NIGHT_CASES: &[(&str, &str)] = &[
        ("%-d", "30"),
        ("%_d", "30"),
        ("%0e", "30"),
        ("%-e", "30"),
        ("%_H", " 3"),
        ("%-H", "3"),
        ("%-I", "3"),
        ("%_M", " 4"),
        ("%-m", "12"),
        ("%_m", "12"),
        ("%-j", "365"),
        ("%_j", "365"),
        ("%-y", "24"),
        ("%-k", "3"),
        ("%0k", "03"),
        ("%-l", "3"),
        ("%0l", "03"),
        ("%^a", "MON"),
        ("%^A", "MONDAY"),
        ("%^b", "DEC"),
        ("%^B", "DECEMBER"),
        ("%^h", "DEC"),
        ("%#a", "MON"),
        ("%#A", "MONDAY"),
        ("%#b", "DEC"),
        ("%#B", "DECEMBER"),
        ("%#p", "am"),
        ("%^p", "AM"),
        ("%^P", "am"),
        ("%#P", "am"),
        ("%#Z", "utc"),
        ("%^Z", "UTC"),
        ("%10Y", "0000002024"),
        ("%_10Y", "      2024"),
        ("%-10Y", "2024"),
        ("%+6Y", "+02024"),
        ("%+Y", "2024"),
        ("%+3C", "+20"),
        ("%4d", "0030"),
        ("%_4d", "  30"),
        ("%-4d", "30"),
        ("%3e", " 30"),
        ("%10a", "       Mon"),
        ("%010a", "0000000Mon"),
        ("%-10a", "Mon"),
        ("%^10B", "  DECEMBER"),
        ("%10s", "1735527845"),
        ("%-s", "1735527845"),
        ("%_20s", "          1735527845"),
        ("%3N", "000"),
        ("%-N", "000000000"),
        ("%_N", "0        "),
        ("%12N", "000000000000"),
        ("%-3N", "0"),
        ("%_3N", "0  "),
        ("%1N", "0"),
        ("%12F", "002024-12-30"),
        ("%_12F", "  2024-12-30"),
        ("%-F", "2024-12-30"),
        ("%+F", "2024-12-30"),
        ("%15c", "Mon Dec 30 03:04:05 2024"),
        ("%^c", "MON DEC 30 03:04:05 2024"),
        ("%10D", "  12/30/24"),
        ("%_D", "12/30/24"),
        ("%-D", "12/30/24"),
        ("%10T", "  03:04:05"),
        ("%010R", "0000003:04"),
        ("%^r", "03:04:05 AM"),
        ("%^x", "12/30/24"),
        ("%12X", "    03:04:05"),
        ("%:z", "+00:00"),
        ("%::z", "+00:00:00"),
        ("%:::z", "+00"),
        ("%_z", "   +0"),
        ("%-z", "+0"),
        ("%10z", "+000000000"),
        ("%_10z", "        +0"),
        ("%5%", "   %5%"),
        ("%-%Y", "%-2024"),
        ("%^%a", "%^Mon"),
        ("%_%%", "%_%"),
        ("%5n", "    \n"),
        ("%3t", "  \t"),
        ("%_U", "52"),
        ("%-U", "52"),
        ("%-W", "53"),
        ("%-V", "1"),
        ("%_V", " 1"),
        ("%-g", "25"),
        ("%_G", "2025"),
        ("%6G", "002025"),
        ("%-u", "1"),
        ("%3w", "001"),
        ("%^-a", "MON"),
        ("%-_d", "30"),
        ("%_-d", "30"),
        ("%0_d", "30"),
        ("%Od", "30"),
        ("%-Od", "30"),
        ("%5Od", "   30"),
        ("%Oe", "30"),
        ("%Ey", "24"),
        ("%EY", "2024"),
        ("%EC", "20"),
        ("%Ec", "Mon Dec 30 03:04:05 2024"),
        ("%Ex", "12/30/24"),
        ("%EX", "03:04:05"),
        ("%OH", "03"),
        ("%Ob", "Dec"),
        ("%^OB", "DECEMBER"),
        ("%Eu", "1"),
        ("%Eq", "4"),
        ("%Oz", "+0000"),
        ("%E:z", "+00:00"),
        ("%Oq", "%Oq"),
        ("%Ed", "%Ed"),
        ("%OY", "%OY"),
        ("%Ea", "%Ea"),
        ("%EF", "%EF"),
        ("%#Eb", "%#EB"),
        ("%O:z", "%O:"),
        ("%::::z", "%::::z"),
        ("%:x", "%:x"),
        ("%K", "%K"),
        ("%5K", "  %5K"),
        ("%-5K", "%-5K"),
        ("%^i", "%^I"),
        ("%#i", "%#i"),
        ("%^5i", " %^5I"),
        ("%E", "%E"),
        ("%O", "%O"),
        ("%-", "%-"),
        ("%10", "       %10"),
        ("%_10E", "     %_10E"),
        ("a%", "a%"),
        ("100%", "100%"),
        ("%%-N", "%-N"),
        ("%5%-N", "   %5000000000"),
        ("%é", "%é"),
        ("%3é", "%3é"),
        ("x%-Yy", "x2024y"),
    ];
    #[test]
    fn flags_widths_and_modifiers() {
        for (date, cases) in [
            ("2024-01-05 13:04:05", FRIDAY_AFTERNOON_CASES),
            ("2024-12-30 03:04:05", MONDAY_NIGHT_CASES),
        ] {
            let t = at(date);
            for &(fmt, expected) in cases {
                assert_eq!(format(fmt, &t), expected, "{date} {fmt:?}");
            }
        }
    }

    const ODD_YEAR_FORMAT: &str =
        "%Y|%C|%y|%G|%g|%F|%c|%EY|%EC|%Ey|%OC|%Oy|%Og|%OG|%D|%_D|%-D|%x|%+F|%-F|%_F";

    type Fields = (i32, u32, u32, u32, u32, u32);

    /// [`ODD_YEAR_FORMAT`] for years GNU `date` reaches with `-d @seconds`.
    const ODD_YEARS: &[(Fields, &str)] = &[
        (
            (-1199, 2, 15, 14, 13, 20),
            "-1199|-11|99|-1199|99|-1199-02-15|Thu Feb 15 14:13:20 -1199|-1199|-12|01|-11|01|01|-1199|02/15/99|02/15/99|02/15/99|02/15/01|-1199-02-15|-1199-02-15|-1199-02-15",
        ),
        (
            (-90, 3, 27, 4, 26, 40),
            "-090|-0|90|-090|90|-090-03-27|Sun Mar 27 04:26:40 -90|-90|-1|10|-0|10|10|-090|03/27/90|03/27/90|03/27/90|03/27/10|-90-03-27|-90-03-27|-90-03-27",
        ),
        (
            (-1, 1, 1, 0, 0, 0),
            "-001|-0|01|-002|02|-001-01-01|Fri Jan  1 00:00:00 -1|-1|-1|99|-0|99|98|-002|01/01/01|01/01/ 1|01/01/1|01/01/99|-1-01-01|-1-01-01|-1-01-01",
        ),
        (
            (0, 1, 1, 0, 0, 0),
            "0000|00|00|-001|01|0000-01-01|Sat Jan  1 00:00:00 0|0|0|00|0|00|99|-001|01/01/00|01/01/ 0|01/01/0|01/01/00|0-01-01|0-01-01|0-01-01",
        ),
        (
            (5, 4, 19, 9, 46, 40),
            "0005|00|05|0005|05|0005-04-19|Tue Apr 19 09:46:40 5|5|0|05|0|05|05|5|04/19/05|04/19/ 5|04/19/5|04/19/05|5-04-19|5-04-19|5-04-19",
        ),
        (
            (36, 12, 26, 11, 33, 20),
            "0036|00|36|0036|36|0036-12-26|Fri Dec 26 11:33:20 36|36|0|36|0|36|36|36|12/26/36|12/26/36|12/26/36|12/26/36|36-12-26|36-12-26|36-12-26",
        ),
        (
            (10000, 1, 1, 0, 0, 0),
            "10000|100|00|9999|99|+10000-01-01|Sat Jan  1 00:00:00 10000|10000|100|00|100|00|99|9999|01/01/00|01/01/ 0|01/01/0|01/01/00|+10000-01-01|10000-01-01|10000-01-01",
        ),
        (
            (14645, 6, 30, 15, 6, 40),
            "14645|146|45|14645|45|+14645-06-30|Mon Jun 30 15:06:40 14645|14645|146|45|146|45|45|14645|06/30/45|06/30/45|06/30/45|06/30/45|+14645-06-30|14645-06-30|14645-06-30",
        ),
    ];

    #[test]
    fn odd_years() {
        for &((y, mo, d, h, mi, s), expected) in ODD_YEARS {
            let t = DateTime::new(y, mo, d, h, mi, s).expect("valid test date");
            assert_eq!(format(ODD_YEAR_FORMAT, &t), expected, "{t:?}");
        }
        let t = DateTime::new(5, 4, 19, 9, 46, 40).expect("valid test date");
        assert_eq!(t.unix_seconds(), -62_000_000_000);
        assert_eq!(
            format("%s|%_14s|%014s|%-14s", &t),
            "-62000000000|  -62000000000|-0062000000000|-62000000000"
        );
    }

    #[test]
    fn huge_widths_are_clamped() {
        // GNU `date` really prints 2 GiB here; the linter stops at MAX_WIDTH.
        let t = at("2024-12-30");
        assert_eq!(format("%99999999999999999999Y", &t).len(), 4096);
        assert_eq!(format("%-99999999999999999999Y", &t), "2024");
    }

    #[test]
    fn never_panics_on_odd_formats() {
        let alphabet = "aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ%:_-+0^#5é ";
        let t = at("2024-02-29 23:59:59");
        for a in alphabet.chars() {
            for b in alphabet.chars() {
                for c in ['z', 'Y', '%', 'é'] {
                    let fmt = format!("%{a}{b}{c}%");
                    assert!(!format(&fmt, &t).is_empty(), "{fmt:?}");
                    let _ = unknown_specifiers(&fmt);
                    let _ = resolution(&fmt);
                }
            }
        }
    }

    #[test]
    fn unknown_specifiers_are_the_literal_ones() {
        let none: Vec<String> = Vec::new();
        assert_eq!(unknown_specifiers("%Y-%m-%d_%H%M%S"), none);
        assert_eq!(
            unknown_specifiers("%q %N %-N %3N %:z %::z %:::z %Ey %OH %Eq %P %^#a"),
            none
        );
        assert_eq!(unknown_specifiers("100%"), none);
        assert_eq!(unknown_specifiers("%%K %%"), none);
        assert_eq!(unknown_specifiers("%K"), ["%K"]);
        assert_eq!(unknown_specifiers("a%5Kb%-iz"), ["%5K", "%-i"]);
        assert_eq!(
            unknown_specifiers("%Ed%OY%Ea%EF"),
            ["%Ed", "%OY", "%Ea", "%EF"]
        );
        assert_eq!(unknown_specifiers("%Oq"), ["%Oq"]);
        assert_eq!(
            unknown_specifiers("%::::z|%:x|%O:z"),
            ["%::::z", "%:", "%O:z"]
        );
        assert_eq!(unknown_specifiers("%5%Y"), ["%5"]);
        assert_eq!(unknown_specifiers("x%-"), ["%-"]);
        assert_eq!(unknown_specifiers("x%_10E"), ["%_10E"]);
        assert_eq!(unknown_specifiers("%é"), ["%é"]);
    }

    #[test]
    fn resolution_is_the_finest_field() {
        use Resolution::*;
        let cases = [
            ("%Y", Some(Year)),
            ("%C%y", Some(Year)),
            ("%G", Some(Year)),
            ("%g", Some(Year)),
            ("%q", Some(Year)),
            ("%Y-%m", Some(Month)),
            ("%b", Some(Month)),
            ("%^B", Some(Month)),
            ("%h", Some(Month)),
            ("%G-%V", Some(Week)),
            ("%Y-%U", Some(Week)),
            ("%W", Some(Week)),
            ("%F", Some(Day)),
            ("%D", Some(Day)),
            ("%x", Some(Day)),
            ("%A", Some(Day)),
            ("%a", Some(Day)),
            ("%u", Some(Day)),
            ("%w", Some(Day)),
            ("%j", Some(Day)),
            ("%-e", Some(Day)),
            ("%Od", Some(Day)),
            ("%p", Some(Day)),
            ("%Y%m%d%H", Some(Hour)),
            ("%I%p", Some(Hour)),
            ("%k", Some(Hour)),
            ("%l", Some(Hour)),
            ("%Y%m%d-%H%M", Some(Minute)),
            ("%R", Some(Minute)),
            ("%S", Some(Second)),
            ("%T", Some(Second)),
            ("%r", Some(Second)),
            ("%X", Some(Second)),
            ("%c", Some(Second)),
            ("%s", Some(Second)),
            ("%F_%T.%N", Some(SubSecond)),
            ("%-N", Some(SubSecond)),
            ("%3N%Y", Some(SubSecond)),
            ("backup", None),
            ("%z %Z %:z %% %n %t", None),
            ("%K %Ed %OY %-", None),
            ("", None),
        ];
        for (fmt, expected) in cases {
            assert_eq!(resolution(fmt), expected, "{fmt:?}");
        }
        assert!(Year < Month && Month < Week && Week < Day && Day < Hour);
        assert!(Hour < Minute && Minute < Second && Second < SubSecond);
    }

    #[test]
    fn new_validates() {
        assert!(DateTime::new(2024, 2, 29, 0, 0, 0).is_some());
        assert!(DateTime::new(2000, 2, 29, 0, 0, 0).is_some());
        assert!(DateTime::new(2023, 2, 29, 0, 0, 0).is_none());
        assert!(DateTime::new(1900, 2, 29, 0, 0, 0).is_none());
        assert!(DateTime::new(2024, 4, 31, 0, 0, 0).is_none());
        assert!(DateTime::new(2024, 12, 31, 23, 59, 59).is_some());
        assert!(DateTime::new(2024, 0, 1, 0, 0, 0).is_none());
        assert!(DateTime::new(2024, 13, 1, 0, 0, 0).is_none());
        assert!(DateTime::new(2024, 1, 0, 0, 0, 0).is_none());
        assert!(DateTime::new(2024, 1, 32, 0, 0, 0).is_none());
        assert!(DateTime::new(2024, 1, 1, 24, 0, 0).is_none());
        assert!(DateTime::new(2024, 1, 1, 0, 60, 0).is_none());
        assert!(DateTime::new(2024, 1, 1, 0, 0, 60).is_none());
        assert_eq!(
            DateTime::new(2024, 12, 30, 3, 4, 5),
            Some(DateTime {
                year: 2024,
                month: 12,
                day: 30,
                hour: 3,
                minute: 4,
                second: 5
            })
        );
    }

    #[test]
    fn calendar_accessors() {
        assert_eq!(at("1970-01-01").weekday(), 4);
        assert_eq!(at("2000-01-01").weekday(), 6);
        assert_eq!(at("2024-12-29").weekday(), 7);
        assert_eq!(at("2024-12-30").weekday(), 1);
        assert_eq!(at("0000-01-01").weekday(), 6);
        assert_eq!(at("2024-03-01").ordinal(), 61);
        assert_eq!(at("2023-03-01").ordinal(), 60);
        assert_eq!(at("2024-12-31").ordinal(), 366);
        assert_eq!(at("2023-12-31").ordinal(), 365);
        assert_eq!(at("2024-12-30").iso_week(), (2025, 1));
        assert_eq!(at("2021-01-01").iso_week(), (2020, 53));
        assert_eq!(at("2026-12-31").iso_week(), (2026, 53));
        assert_eq!(at("2027-01-03").iso_week(), (2026, 53));
        assert_eq!(at("2027-01-04").iso_week(), (2027, 1));
        assert_eq!(at("2028-01-02").iso_week(), (2027, 52));
        assert_eq!(at("2024-06-15").iso_week(), (2024, 24));
        // Dates out of any real range still work.
        let first = DateTime::new(i32::MIN, 1, 1, 0, 0, 0).expect("valid");
        let last = DateTime::new(i32::MAX, 12, 31, 23, 59, 59).expect("valid");
        assert!(first.unix_seconds() < 0 && last.unix_seconds() > 0);
        assert_eq!(first.add_days(1).day, 2);
        let _ = (first.iso_week(), last.iso_week());
        assert_eq!(format("%Y", &last), "2147483647");
    }

    #[test]
    fn unix_seconds() {
        assert_eq!(at("1970-01-01").unix_seconds(), 0);
        assert_eq!(at("1969-12-31 23:59:59").unix_seconds(), -1);
        assert_eq!(at("2038-01-19 03:14:08").unix_seconds(), 2_147_483_648);
        assert_eq!(at("2024-12-30 03:04:05").unix_seconds(), 1_735_527_845);
        assert_eq!(at("1900-03-01").unix_seconds(), -2_203_891_200);
    }

    #[test]
    fn add_days() {
        let t = at("2024-02-28 12:34:56");
        assert_eq!(t.add_days(0), t);
        assert_eq!(t.add_days(1), at("2024-02-29 12:34:56"));
        assert_eq!(t.add_days(2), at("2024-03-01 12:34:56"));
        assert_eq!(at("2023-02-28").add_days(1), at("2023-03-01"));
        assert_eq!(at("2024-12-31 23:59").add_days(1), at("2025-01-01 23:59"));
        assert_eq!(at("2025-01-01").add_days(-1), at("2024-12-31"));
        assert_eq!(at("2024-01-01").add_days(366), at("2025-01-01"));
        assert_eq!(at("2024-02-29").add_days(-1461), at("2020-02-29"));
        assert_eq!(at("1970-01-01").add_days(2_932_896), at("9999-12-31"));
        assert_eq!(at("1970-01-01").add_days(-719_528), at("0000-01-01"));
        assert_eq!(
            at("2024-01-01").add_days(-739_616),
            DateTime::new(-1, 1, 1, 0, 0, 0).expect("valid")
        );
        let last = DateTime::new(i32::MAX, 12, 31, 0, 0, 0).expect("valid");
        assert_eq!(last.checked_add_days(1), None);
        assert_eq!(last.checked_add_days(-1).map(|t| t.day), Some(30));
        assert_eq!(at("2024-01-01").checked_add_days(i64::MAX), None);
        assert_eq!(at("2024-01-01").checked_add_days(i64::MIN), None);
    }

    #[test]
    fn parse_ymd() {
        let t = DateTime::new;
        assert_eq!(DateTime::parse_ymd("2024-12-30"), t(2024, 12, 30, 0, 0, 0));
        assert_eq!(
            DateTime::parse_ymd("2024-12-30T03:00"),
            t(2024, 12, 30, 3, 0, 0)
        );
        assert_eq!(
            DateTime::parse_ymd("2024-12-30 03:00"),
            t(2024, 12, 30, 3, 0, 0)
        );
        assert_eq!(
            DateTime::parse_ymd("2024-12-30 03:04:05"),
            t(2024, 12, 30, 3, 4, 5)
        );
        assert_eq!(
            DateTime::parse_ymd("2024-12-30T23:59:59"),
            t(2024, 12, 30, 23, 59, 59)
        );
        assert_eq!(DateTime::parse_ymd("0000-01-01"), t(0, 1, 1, 0, 0, 0));
        assert_eq!(DateTime::parse_ymd("10000-01-01"), t(10000, 1, 1, 0, 0, 0));
        for bad in [
            "",
            "2024",
            "24-12-30",
            "2024-1-30",
            "2024-12-3",
            "2024/12/30",
            "+2024-12-30",
            "-2024-12-30",
            " 2024-12-30",
            "2024-12-30 ",
            "2024-12-30Z",
            "2024-12-30T03",
            "2024-12-30 3:00",
            "2024-12-30  03:00",
            "2024-12-30 03:00:",
            "2024-12-30 03:00:5",
            "2024-12-30T03:00+01:00",
            "2024-12-32",
            "2023-02-29",
            "2024-00-10",
            "2024-12-30 24:00",
            "2024-12-30 23:60",
            "2024-12-30 23:59:60",
            "99999999999-01-01",
            "２０２４-12-30",
        ] {
            assert_eq!(DateTime::parse_ymd(bad), None, "{bad:?}");
        }
    }
}
