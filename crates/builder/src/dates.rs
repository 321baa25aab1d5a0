//! Order timestamps as exported by shops, read into unix seconds (UTC).
//!
//! Accepted: ISO dates with optional time and offset (`2023-05-31 23:06:04 -0700`, Shopify's
//! export; `2023-05-31T23:06:04Z`; `2023-05-31`), `M/D/YYYY H:MM` (US spreadsheets) and
//! `DD-MM-YYYY HH:MM` (European exports). Anything else is `None`.

/// Days from 1970-01-01 to the civil date (proleptic Gregorian), after Howard Hinnant.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count from 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Unix seconds as RFC 3339 UTC, `2026-11-25T10:00:00Z`.
pub fn rfc3339(unix_seconds: i64) -> String {
    let (y, m, d) = civil_from_days(unix_seconds.div_euclid(86_400));
    let s = unix_seconds.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn valid(y: i64, m: u32, d: u32) -> bool {
    (1..=12).contains(&m) && (1..=31).contains(&d) && (1900..=2200).contains(&y)
}

/// `HH:MM[:SS]` → seconds.
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

/// `Z`, `+01:00`, `-0700` → seconds east of UTC.
fn offset(s: &str) -> Option<i64> {
    if s == "Z" || s == "z" || s.eq_ignore_ascii_case("UTC") {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|&c| c != ':').collect();
    if digits.len() != 4 {
        return None;
    }
    let h = number(&digits[..2])?;
    let m = number(&digits[2..])?;
    Some(sign * (i64::from(h) * 3600 + i64::from(m) * 60))
}

/// Reads a timestamp into unix seconds, or `None` when it is not one of the accepted forms.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.len() < 8 {
        return None;
    }
    // Split the date from the rest at 'T' or the first space.
    let (date, rest) = match t.find(['T', ' ']) {
        Some(i) => (&t[..i], t[i + 1..].trim()),
        None => (t, ""),
    };
    let (y, m, d) = if date.len() == 10 && date.as_bytes()[4] == b'-' {
        let mut p = date.split('-');
        let y = number(p.next()?)?;
        (i64::from(y), number(p.next()?)?, number(p.next()?)?)
    } else if date.contains('/') {
        let mut p = date.split('/');
        let m = number(p.next()?)?;
        let d = number(p.next()?)?;
        (i64::from(number(p.next()?)?), m, d)
    } else if date.len() == 10 && date.as_bytes()[2] == b'-' {
        let mut p = date.split('-');
        let d = number(p.next()?)?;
        let m = number(p.next()?)?;
        (i64::from(number(p.next()?)?), m, d)
    } else {
        return None;
    };
    if !valid(y, m, d) {
        return None;
    }
    let day = days_from_civil(y, m, d) * 86_400;
    if rest.is_empty() {
        return Some(day);
    }
    // Time, then an optional offset either glued (`+01:00`, `Z`) or after a space.
    let (time, zone) = match rest.find([' ', '+', 'Z', 'z']) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => match rest[1..].find('-') {
            Some(i) => (&rest[..=i], &rest[i + 1..]),
            None => (rest, ""),
        },
    };
    let secs = clock(time)?;
    let off = if zone.is_empty() { 0 } else { offset(zone)? };
    Some(day + secs - off)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let got = parse_timestamp(input).map_or("none".to_owned(), rfc3339);
        assert_eq!(got, expected, "{input}");
    }

    #[test]
    fn shop_timestamps() {
        check("2023-05-31 23:06:04 -0700", "2023-06-01T06:06:04Z");
        check("2023-05-31T23:06:04Z", "2023-05-31T23:06:04Z");
        check("2023-05-31T23:06:04+01:00", "2023-05-31T22:06:04Z");
        check("2023-05-31T23:06:04-01:30", "2023-06-01T00:36:04Z");
        check("2010-12-01 08:26:00", "2010-12-01T08:26:00Z");
        check("2016-10-30", "2016-10-30T00:00:00Z");
        check("12/1/2010 8:26", "2010-12-01T08:26:00Z");
        check("30-10-2016 09:58", "2016-10-30T09:58:00Z");
        check("2024-02-29 00:00", "2024-02-29T00:00:00Z");
        check("1970-01-01", "1970-01-01T00:00:00Z");
        check("yesterday", "none");
        check("2023-13-01", "none");
        check("2023-05-31 25:00", "none");
        check("", "none");
    }
}
