//! Timestamps as unix milliseconds (`i64`), read from RFC 3339 / ISO 8601 text and written back
//! as UTC RFC 3339. Pure calendar arithmetic: nothing here reads a clock.
//!
//! Accepted: `2026-11-20T10:00:00Z`, `2026-11-20T10:00:00.250+05:30`, a space instead of `T`,
//! lower-case `t`/`z`, offsets `±hh:mm`, `±hhmm` or `±hh`, Shopify's
//! `2023-05-31 23:06:04 -0700` (a space before the offset), and a date alone (`2026-12-01`,
//! midnight UTC). A time without an offset is refused: its instant would depend on where the
//! shopper is.
//!
//! The calendar ([`days_from_civil`], [`civil_from_days`]) is Howard Hinnant's, exact for every
//! `i32` year; the builder uses the same functions. The offer countdown is in `deadline`.

use super::json::push_digits;

/// Milliseconds in a second.
pub const SECOND_MS: i64 = 1_000;
/// Milliseconds in a minute.
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
/// Milliseconds in an hour.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// Milliseconds in a day (UTC days have no leap seconds in unix time).
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// Why a text is not a timestamp. `at` is the 0-based character position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The text does not have the expected shape at `at`.
    #[error("expected {expected} at character {at}")]
    Syntax {
        /// Position in the text.
        at: usize,
        /// What should be there.
        expected: &'static str,
    },
    /// A field is outside its range (`month 13`).
    #[error("{field} {value} is out of range")]
    Range {
        /// `month`, `day`, `hour`, `minute`, `second`, `offset hours` or `offset minutes`.
        field: &'static str,
        /// The value read.
        value: u32,
    },
    /// A date and time with no `Z` or `±hh:mm`.
    #[error("no UTC offset: add Z or an offset such as +01:00")]
    NoOffset,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (`month` 1 to 12, `day` 1 to 31).
/// Howard Hinnant's `days_from_civil`, exact for every `i32` year.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // 0..=399
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // 0..=365
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 0..=146096
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a day count since 1970-01-01; inverse of
/// [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365
    let mp = (5 * doy + 2) / 153; // 0..=11
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days in `month` of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Reads an RFC 3339 / ISO 8601 timestamp (see the module docs) as unix milliseconds.
/// Fractions finer than a millisecond are truncated.
pub fn parse(text: &str) -> Result<i64, TimeError> {
    let mut c = Cursor {
        s: text.trim().as_bytes(),
        pos: 0,
    };
    let year = c.digits(4, "a four-digit year")?;
    c.byte(b'-', "'-' after the year")?;
    let month = c.digits(2, "a two-digit month")?;
    c.byte(b'-', "'-' after the month")?;
    let day = c.digits(2, "a two-digit day")?;
    range("month", month, 1, 12)?;
    let year = i64::from(year);
    range("day", day, 1, days_in_month(year, month))?;
    let days = days_from_civil(year, month, day);
    if c.done() {
        return Ok(days * DAY_MS);
    }
    match c.peek() {
        Some(b'T' | b't' | b' ') => c.pos += 1,
        _ => return Err(c.expected("'T' or a space between date and time")),
    }
    let hour = c.digits(2, "a two-digit hour")?;
    c.byte(b':', "':' after the hour")?;
    let minute = c.digits(2, "two-digit minutes")?;
    // Seconds may be left out (`10:00Z`), as ISO 8601 allows.
    let second = if c.peek() == Some(b':') {
        c.pos += 1;
        c.digits(2, "two-digit seconds")?
    } else {
        0
    };
    range("hour", hour, 0, 23)?;
    range("minute", minute, 0, 59)?;
    // 60 is a leap second; unix time repeats the next second for it.
    range("second", second, 0, 60)?;
    let mut millis = 0i64;
    if matches!(c.peek(), Some(b'.' | b',')) {
        c.pos += 1;
        let start = c.pos;
        while let Some(d @ b'0'..=b'9') = c.peek() {
            if c.pos - start < 3 {
                millis = millis * 10 + i64::from(d - b'0');
            }
            c.pos += 1;
        }
        match c.pos - start {
            0 => return Err(c.expected("digits after the decimal point")),
            1 => millis *= 100,
            2 => millis *= 10,
            _ => {}
        }
    }
    if c.peek() == Some(b' ') {
        c.pos += 1;
    }
    let offset_minutes = match c.peek() {
        None => return Err(TimeError::NoOffset),
        Some(b'Z' | b'z') => {
            c.pos += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let h = c.digits(2, "two-digit offset hours")?;
            let m = if c.peek() == Some(b':') {
                c.pos += 1;
                c.digits(2, "two-digit offset minutes")?
            } else if c.done() {
                0
            } else {
                c.digits(2, "two-digit offset minutes")?
            };
            range("offset hours", h, 0, 23)?;
            range("offset minutes", m, 0, 59)?;
            let total = i64::from(h * 60 + m);
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        Some(_) => return Err(c.expected("Z or an offset such as +01:00")),
    };
    if !c.done() {
        return Err(c.expected("the end of the timestamp"));
    }
    let seconds = i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    Ok(days * DAY_MS + seconds * SECOND_MS + millis - offset_minutes * MINUTE_MS)
}

fn range(field: &'static str, value: u32, lo: u32, hi: u32) -> Result<(), TimeError> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(TimeError::Range { field, value })
    }
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn done(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn expected(&self, expected: &'static str) -> TimeError {
        // Report characters, not bytes, so a stray "é" does not shift the position.
        let at = String::from_utf8_lossy(&self.s[..self.pos.min(self.s.len())])
            .chars()
            .count();
        TimeError::Syntax { at, expected }
    }

    fn byte(&mut self, b: u8, expected: &'static str) -> Result<(), TimeError> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.expected(expected))
        }
    }

    fn digits(&mut self, n: usize, expected: &'static str) -> Result<u32, TimeError> {
        let mut v = 0u32;
        for _ in 0..n {
            match self.peek() {
                Some(d @ b'0'..=b'9') => {
                    v = v * 10 + u32::from(d - b'0');
                    self.pos += 1;
                }
                _ => return Err(self.expected(expected)),
            }
        }
        Ok(v)
    }
}

/// Writes unix milliseconds as UTC RFC 3339: `2026-11-20T15:00:00Z`, with `.250` only when the
/// milliseconds are not zero. Years outside 0 to 9999 are clamped to that range's ends.
pub fn format(ms: i64) -> String {
    let min = days_from_civil(0, 1, 1) * DAY_MS;
    let max = days_from_civil(10_000, 1, 1) * DAY_MS - 1;
    let ms = ms.clamp(min, max);
    let days = ms.div_euclid(DAY_MS);
    let in_day = ms.rem_euclid(DAY_MS);
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(24);
    push_padded(&mut out, year as u32, 4);
    out.push('-');
    push_padded(&mut out, month, 2);
    out.push('-');
    push_padded(&mut out, day, 2);
    out.push('T');
    push_padded(&mut out, (in_day / HOUR_MS) as u32, 2);
    out.push(':');
    push_padded(&mut out, (in_day % HOUR_MS / MINUTE_MS) as u32, 2);
    out.push(':');
    push_padded(&mut out, (in_day % MINUTE_MS / SECOND_MS) as u32, 2);
    let millis = (in_day % SECOND_MS) as u32;
    if millis != 0 {
        out.push('.');
        push_padded(&mut out, millis, 3);
    }
    out.push('Z');
    out
}

/// Appends `n` in decimal with at least `width` digits.
fn push_padded(out: &mut String, n: u32, width: usize) {
    push_digits(out, u64::from(n), width);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A timestamp's unix ms and the UTC text they format back to, or the error.
    fn check(text: &str, expected: &str) {
        let got = match parse(text) {
            Ok(ms) => [ms.to_string(), format(ms)].join(" "),
            Err(e) => ["error: ".to_owned(), e.to_string()].concat(),
        };
        assert_eq!(got, expected, "{text}");
    }

    #[test]
    fn reads_rfc3339_and_shopify_timestamps() {
        for (text, expected) in [
            ("1970-01-01T00:00:00Z", "0 1970-01-01T00:00:00Z"),
            ("2026-11-20T10:00:00Z", "1795168800000 2026-11-20T10:00:00Z"),
            // The same instant written in New York (-05:00) and by Shopify's admin (-0500).
            (
                "2026-11-20T05:00:00-05:00",
                "1795168800000 2026-11-20T10:00:00Z",
            ),
            (
                "2026-11-20 05:00:00 -0500",
                "1795168800000 2026-11-20T10:00:00Z",
            ),
            (
                "2023-05-31 23:06:04 -0700",
                "1685599564000 2023-06-01T06:06:04Z",
            ),
            (
                "2026-11-20t15:30:00+05:30",
                "1795168800000 2026-11-20T10:00:00Z",
            ),
            ("2026-11-20T11:00+01", "1795168800000 2026-11-20T10:00:00Z"),
            (
                "2026-11-20T10:00:00.25Z",
                "1795168800250 2026-11-20T10:00:00.250Z",
            ),
            (
                "2026-11-20T10:00:00.123999z",
                "1795168800123 2026-11-20T10:00:00.123Z",
            ),
            ("  2026-12-01  ", "1796083200000 2026-12-01T00:00:00Z"),
            // Crossing midnight and the year with an offset.
            (
                "2027-01-01T01:00:00+02:00",
                "1798758000000 2026-12-31T23:00:00Z",
            ),
            ("2028-02-29T12:00:00Z", "1835438400000 2028-02-29T12:00:00Z"),
            ("2000-02-29T00:00:00Z", "951782400000 2000-02-29T00:00:00Z"),
            ("1969-12-31T23:59:59.999Z", "-1 1969-12-31T23:59:59.999Z"),
            ("2016-12-31T23:59:60Z", "1483228800000 2017-01-01T00:00:00Z"),
        ] {
            check(text, expected);
        }
    }

    #[test]
    fn errors_name_what_was_wrong() {
        for (text, expected) in [
            ("", "error: expected a four-digit year at character 0"),
            (
                "20261120T100000Z",
                "error: expected '-' after the year at character 4",
            ),
            ("2026-13-01T00:00:00Z", "error: month 13 is out of range"),
            ("2026-02-29T00:00:00Z", "error: day 29 is out of range"),
            ("1900-02-29", "error: day 29 is out of range"),
            ("2026-04-31", "error: day 31 is out of range"),
            ("2026-11-20T24:00:00Z", "error: hour 24 is out of range"),
            ("2026-11-20T10:61:00Z", "error: minute 61 is out of range"),
            (
                "2026-11-20T10:00:00",
                "error: no UTC offset: add Z or an offset such as +01:00",
            ),
            (
                "2026-11-20T10:00:00+25:00",
                "error: offset hours 25 is out of range",
            ),
            (
                "2026-11-20T10:00:00 EST",
                "error: expected Z or an offset such as +01:00 at character 20",
            ),
            (
                "2026-11-20T10:00:00Zjunk",
                "error: expected the end of the timestamp at character 20",
            ),
            (
                "2026-11-20T10:00:00.Z",
                "error: expected digits after the decimal point at character 20",
            ),
            (
                "2026-11-20 à 10:00",
                "error: expected a two-digit hour at character 11",
            ),
            (
                "1795168800000",
                "error: expected '-' after the year at character 4",
            ),
        ] {
            check(text, expected);
        }
    }

    #[test]
    fn civil_days_round_trip() {
        // Every day from 1600 to 2400 maps to the next valid date and back.
        let start = days_from_civil(1600, 1, 1);
        let end = days_from_civil(2400, 12, 31);
        let mut expected = (1600, 1, 1);
        for d in start..=end {
            let got = civil_from_days(d);
            assert_eq!(got, expected, "day {d}");
            assert_eq!(days_from_civil(got.0, got.1, got.2), d);
            expected = if got.2 < days_in_month(got.0, got.1) {
                (got.0, got.1, got.2 + 1)
            } else if got.1 < 12 {
                (got.0, got.1 + 1, 1)
            } else {
                (got.0 + 1, 1, 1)
            };
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(format(i64::MAX), "9999-12-31T23:59:59.999Z");
        assert_eq!(format(i64::MIN), "0000-01-01T00:00:00Z");
    }
}
