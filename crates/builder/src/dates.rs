//! Order timestamps as exported by shops, read into unix seconds (UTC).
//!
//! The calendar is the engine's (`crossbuy_engine::time`): RFC 3339 / ISO 8601 text goes to its
//! parser, and a date and time without an offset (`2010-12-01 08:26:00`, which spreadsheets and
//! most basket files write) is read as UTC. What the engine does not read is parsed here, on the
//! engine's calendar: `M/D/YYYY H:MM` (US spreadsheets) and `DD-MM-YYYY HH:MM` (European
//! exports), and a trailing ` UTC`. Anything else is `None`.

use crossbuy_engine::time::{self, TimeError, DAY_MS, SECOND_MS};

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `H:MM[:SS]` → seconds.
fn clock(s: &str) -> Option<i64> {
    let mut parts = s.split(':');
    let h = number(parts.next()?)?;
    let m = number(parts.next()?)?;
    let sec = match parts.next() {
        Some(x) => number(x.split('.').next()?)?,
        None => 0,
    };
    if parts.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some(i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(sec))
}

/// `M/D/YYYY[ H:MM[:SS]]` or `DD-MM-YYYY[ HH:MM[:SS]]`, as UTC.
fn spreadsheet(t: &str) -> Option<i64> {
    let (date, rest) = match t.split_once(' ') {
        Some((d, r)) => (d, r.trim()),
        None => (t, ""),
    };
    let (y, m, d) = if date.contains('/') {
        let mut p = date.split('/');
        let m = number(p.next()?)?;
        let d = number(p.next()?)?;
        let y = number(p.next()?)?;
        (y, m, d)
    } else if date.len() == 10 && date.as_bytes()[2] == b'-' {
        let mut p = date.split('-');
        let d = number(p.next()?)?;
        let m = number(p.next()?)?;
        (number(p.next()?)?, m, d)
    } else {
        return None;
    };
    let year = i64::from(y);
    if !(1900..=2200).contains(&year)
        || !(1..=12).contains(&m)
        || d == 0
        || d > time::days_in_month(year, m)
    {
        return None;
    }
    let day = time::days_from_civil(year, m, d) * (DAY_MS / SECOND_MS);
    if rest.is_empty() {
        Some(day)
    } else {
        Some(day + clock(rest)?)
    }
}

/// Reads a timestamp into unix seconds, or `None` when it is not one of the accepted forms.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.len() < 8 {
        return None;
    }
    let t = match t.len().checked_sub(3).and_then(|i| t.get(i..)) {
        Some(end) if end.eq_ignore_ascii_case("utc") => t[..t.len() - 3].trim_end(),
        _ => t,
    };
    let ms = match time::parse(t) {
        Ok(ms) => ms,
        Err(TimeError::NoOffset) => time::parse(&format!("{t}Z")).ok()?,
        Err(_) => return spreadsheet(t),
    };
    let seconds = ms.div_euclid(SECOND_MS);
    let year = time::civil_from_days(seconds.div_euclid(DAY_MS / SECOND_MS)).0;
    (1900..=2200).contains(&year).then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let got = parse_timestamp(input).map_or("none".to_owned(), |s| time::format(s * 1000));
        assert_eq!(got, expected, "{input}");
    }

    #[test]
    fn shop_timestamps() {
        check("2023-05-31 23:06:04 -0700", "2023-06-01T06:06:04Z");
        check("2023-05-31T23:06:04Z", "2023-05-31T23:06:04Z");
        check("2023-05-31T23:06:04+01:00", "2023-05-31T22:06:04Z");
        check("2023-05-31T23:06:04-01:30", "2023-06-01T00:36:04Z");
        check("2023-05-31 23:06:04 UTC", "2023-05-31T23:06:04Z");
        check("2010-12-01 08:26:00", "2010-12-01T08:26:00Z");
        check("2016-10-30", "2016-10-30T00:00:00Z");
        check("12/1/2010 8:26", "2010-12-01T08:26:00Z");
        check("12/1/2010", "2010-12-01T00:00:00Z");
        check("30-10-2016 09:58", "2016-10-30T09:58:00Z");
        check("2024-02-29 00:00", "2024-02-29T00:00:00Z");
        check("1970-01-01", "1970-01-01T00:00:00Z");
        check("yesterday", "none");
        check("2023-13-01", "none");
        check("2023-02-30", "none");
        check("2/30/2023 10:00", "none");
        check("2023-05-31 25:00", "none");
        check("0001-01-01", "none");
        check("", "none");
    }
}
