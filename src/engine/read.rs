//! Path-tracking readers over [`Value`]: every error names the place, as in
//! `products[12].price: expected integer minor units, got 12.99`.

use super::json::Value;

/// A validation error: where (`products[12].price`) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct FieldError {
    /// The place, in JavaScript notation from the document root.
    pub path: String,
    /// What was wrong there.
    pub message: String,
}

/// Result of a field read.
pub type Result<T> = std::result::Result<T, FieldError>;

/// Builds the error for `path`.
pub fn fail<T>(path: &str, message: impl Into<String>) -> Result<T> {
    Err(FieldError {
        path: path.to_owned(),
        message: message.into(),
    })
}

/// `parent.key`, or `key` at the root.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[i]`.
pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// The object's fields, or an error naming `path`.
pub fn object<'a>(v: &'a Value, path: &str) -> Result<&'a [(String, Value)]> {
    match v {
        Value::Object(f) => Ok(f),
        other => fail(
            path,
            format!("expected an object, got {}", other.describe()),
        ),
    }
}

/// A required field of an object (absent or null is "missing").
pub fn required<'a>(obj: &'a Value, parent: &str, key: &str) -> Result<&'a Value> {
    match obj.get(key) {
        None | Some(Value::Null) => fail(&join(parent, key), "missing"),
        Some(v) => Ok(v),
    }
}

/// An optional field: absent and null are both `None`.
pub fn optional<'a>(obj: &'a Value, key: &str) -> Option<&'a Value> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => Some(v),
    }
}

/// A string.
pub fn string(v: &Value, path: &str) -> Result<String> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        other => fail(path, format!("expected a string, got {}", other.describe())),
    }
}

/// An id: a non-empty string, or an integer (platforms send both), kept as its decimal text.
pub fn id(v: &Value, path: &str) -> Result<String> {
    let s = match v {
        Value::Str(s) => s.trim().to_owned(),
        Value::Number(n) if n.bytes().all(|b| b.is_ascii_digit()) => n.clone(),
        other => {
            return fail(
                path,
                format!(
                    "expected an id (string or whole number), got {}",
                    other.describe()
                ),
            )
        }
    };
    if s.is_empty() {
        return fail(path, "expected an id, got an empty string");
    }
    Ok(s)
}

/// A boolean.
pub fn boolean(v: &Value, path: &str) -> Result<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => fail(
            path,
            format!("expected true or false, got {}", other.describe()),
        ),
    }
}

/// A non-negative whole number that fits `u32` (counts, quantities, days).
pub fn count(v: &Value, path: &str) -> Result<u32> {
    match v {
        Value::Number(n) => match n.parse::<u32>() {
            Ok(c) => Ok(c),
            Err(_) => fail(path, format!("expected a whole number ≥ 0, got {n}")),
        },
        other => fail(
            path,
            format!("expected a whole number ≥ 0, got {}", other.describe()),
        ),
    }
}

/// Integer minor units, ≥ 0: `1299`, never `12.99` or `"12.99"`.
pub fn minor_units(v: &Value, path: &str) -> Result<i64> {
    match v {
        Value::Number(n) => match n.parse::<i64>() {
            Ok(a) if a >= 0 => Ok(a),
            Ok(_) => fail(path, format!("expected integer minor units ≥ 0, got {n}")),
            Err(_) => fail(path, format!("expected integer minor units, got {n}")),
        },
        other => fail(
            path,
            format!("expected integer minor units, got {}", other.describe()),
        ),
    }
}

/// A finite number ≥ 0.
pub fn non_negative(v: &Value, path: &str) -> Result<f64> {
    match v {
        Value::Number(n) => match decimal_to_f64(n) {
            Some(x) if x.is_finite() && x >= 0.0 => Ok(x),
            _ => fail(path, format!("expected a number ≥ 0, got {n}")),
        },
        other => fail(
            path,
            format!("expected a number ≥ 0, got {}", other.describe()),
        ),
    }
}

/// Reads a JSON number's text as `f64` without the standard library's correctly rounded
/// parser, whose tables cost more WebAssembly than the rest of the snapshot reader. Scores,
/// boosts and ratings need about seven significant digits, which this keeps (up to 19 digits
/// are read; the rest are dropped, not rounded). Money never comes here: it is integer.
pub fn decimal_to_f64(text: &str) -> Option<f64> {
    let (negative, t) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i32>().ok()?),
        None => (t, 0),
    };
    let mut digits: u64 = 0;
    let mut kept = 0;
    let mut scale = exponent;
    let mut seen_point = false;
    for b in mantissa.bytes() {
        match b {
            b'.' if !seen_point => seen_point = true,
            b'0'..=b'9' => {
                if kept < 19 {
                    digits = digits * 10 + u64::from(b - b'0');
                    if digits > 0 {
                        kept += 1;
                    }
                    if seen_point {
                        scale -= 1;
                    }
                } else if !seen_point {
                    scale += 1;
                }
            }
            _ => return None,
        }
    }
    let magnitude = digits as f64;
    let x = if scale >= 0 {
        magnitude * 10f64.powi(scale)
    } else {
        magnitude / 10f64.powi(-scale)
    };
    Some(if negative { -x } else { x })
}

/// An array's items with their paths.
pub fn array<'a>(v: &'a Value, path: &str) -> Result<&'a [Value]> {
    match v {
        Value::Array(items) => Ok(items),
        other => fail(path, format!("expected an array, got {}", other.describe())),
    }
}

/// An array of strings.
pub fn strings(v: &Value, path: &str) -> Result<Vec<String>> {
    array(v, path)?
        .iter()
        .enumerate()
        .map(|(i, item)| string(item, &index(path, i)))
        .collect()
}

/// A url the widget may put in `href`/`src`: `http:`/`https:`, protocol-relative `//host/…`
/// excluded, or relative to the shop. Anything with another scheme (`javascript:`, `data:`) is
/// refused.
pub fn url(v: &Value, path: &str) -> Result<String> {
    let s = string(v, path)?;
    if is_safe_url(&s) {
        Ok(s.trim().to_owned())
    } else {
        fail(
            path,
            format!(
                "expected an http(s) or shop-relative url, got {}",
                v.describe()
            ),
        )
    }
}

/// True for `http://…`, `https://…` and relative urls (`/x`, `x/y`, `?q`), false for any other
/// scheme and for protocol-relative `//host`, which would leave the shop's origin unannounced.
pub fn is_safe_url(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() || t.chars().any(|c| c.is_control()) {
        return false;
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return true;
    }
    if t.starts_with("//") || t.starts_with("\\") || t.starts_with("/\\") {
        return false;
    }
    // A scheme is letters, digits, `+`, `-`, `.` before the first `:` that precedes any
    // `/`, `?` or `#`; such a url is not relative.
    !matches!(t.find([':', '/', '?', '#']), Some(i) if t.as_bytes()[i] == b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_read_as_floats_closely() {
        for (text, want) in [
            ("0", 0.0),
            ("1", 1.0),
            ("0.61", 0.61),
            ("12.5", 12.5),
            ("-3.25", -3.25),
            ("1e3", 1000.0),
            ("1.5E-5", 0.000015),
            ("0.000001234", 0.000001234),
            ("123456789012345678901234", 1.2345678901234568e23),
        ] {
            let got = decimal_to_f64(text).expect(text);
            assert!(
                (got - want).abs() <= want.abs() * 1e-12,
                "{text}: {got} != {want}"
            );
        }
        for bad in ["1.2.3", "1e", "0x10", "1-2"] {
            assert_eq!(decimal_to_f64(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_http_and_relative_urls_are_safe() {
        for ok in [
            "https://cdn.example/x.png",
            "HTTP://a",
            "/products/a",
            "img/a.svg",
            "?x=1",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,x",
            "//evil.example/x",
            "\\\\evil",
            "",
            "java\nscript:x",
            "vbscript:x",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }
}
