//! Path-tracking readers over [`Value`]: every error names the place, as in
//! `products[12].price: expected integer minor units, got 12.99`.

use super::json::{signed_digits, Value};
use super::money::{Currency, MAX_AMOUNT};
use super::url::is_safe_url;

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

/// Result of a field read with the error on the heap: one word to pass back through the many
/// `?` of a reader, where a [`FieldError`] would be copied whole at each. The readers ending in
/// `_at` return it; the ones taking a whole `path` return [`Result`].
pub type Boxed<T> = std::result::Result<T, Box<FieldError>>;

/// The error out of its box, for the readers that return [`Result`].
impl From<Box<FieldError>> for FieldError {
    fn from(e: Box<FieldError>) -> FieldError {
        *e
    }
}

/// Builds the error for `path`.
pub fn fail<T>(path: &str, message: impl Into<String>) -> Result<T> {
    Err(error(path, message.into()))
}

/// The one place a [`FieldError`] is built from a path and a message. Not inlined: the many
/// readers share it instead of each carrying its own copy.
#[inline(never)]
fn error(path: &str, message: String) -> FieldError {
    FieldError {
        path: path.to_owned(),
        message,
    }
}

/// The error at `parent.key` (`parent` alone when `key` is empty), its message the `parts`
/// joined. The path is only built here, on the error path.
#[inline(never)]
pub fn error_at(parent: &str, key: &str, parts: &[&str]) -> Box<FieldError> {
    Box::new(FieldError {
        path: path_of(parent, key),
        message: parts.concat(),
    })
}

/// `parent.key`, or `parent` alone when `key` is empty.
fn path_of(parent: &str, key: &str) -> String {
    if key.is_empty() {
        parent.to_owned()
    } else {
        join(parent, key)
    }
}

/// `expected {what}, got {got}` at `parent.key`, describing the value found.
#[inline(never)]
pub fn expected_at(parent: &str, key: &str, what: &str, got: &Value) -> Box<FieldError> {
    error_at(parent, key, &["expected ", what, ", got ", &got.describe()])
}

/// `parent.key`, or `key` at the root.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        [parent, ".", key].concat()
    }
}

/// `parent[i]`.
pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// The object's fields, or an error naming `path`.
pub fn object<'a>(v: &'a Value, path: &str) -> Result<&'a [(String, Value)]> {
    object_at(v, path, "").map_err(FieldError::from)
}

/// The fields of the object at `parent.key`.
pub fn object_at<'a>(v: &'a Value, parent: &str, key: &str) -> Boxed<&'a [(String, Value)]> {
    match v {
        Value::Object(f) => Ok(f),
        other => Err(expected_at(parent, key, "an object", other)),
    }
}

/// A required field of an object (absent or null is "missing").
pub fn required<'a>(obj: &'a Value, parent: &str, key: &str) -> Result<&'a Value> {
    required_at(obj, parent, key).map_err(FieldError::from)
}

/// A required field of an object, for the `_at` readers.
pub fn required_at<'a>(obj: &'a Value, parent: &str, key: &str) -> Boxed<&'a Value> {
    match optional(obj, key) {
        None => Err(error_at(parent, key, &["missing"])),
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

/// A reader of the value at `parent.key` (`parent` when `key` is empty), such as
/// [`string_at`]: the path is passed in two parts and only joined for an error.
pub type Reader<T> = fn(&Value, &str, &str) -> Boxed<T>;

/// The required field `key` of `obj`, read by `read`.
pub fn req<T>(obj: &Value, parent: &str, key: &str, read: Reader<T>) -> Boxed<T> {
    read(required_at(obj, parent, key)?, parent, key)
}

/// The optional field `key` of `obj` (absent or null: `None`), read by `read`.
pub fn opt<T>(obj: &Value, parent: &str, key: &str, read: Reader<T>) -> Boxed<Option<T>> {
    match optional(obj, key) {
        Some(v) => read(v, parent, key).map(Some),
        None => Ok(None),
    }
}

/// The array at `parent.key`, each item read by `read` with its path `parent.key[i]`.
pub fn list_at<T>(v: &Value, parent: &str, key: &str, read: Reader<T>) -> Boxed<Vec<T>> {
    let items = array_at(v, parent, key)?;
    let path = path_of(parent, key);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(read(item, &index(&path, i), "")?);
    }
    Ok(out)
}

/// A string.
pub fn string(v: &Value, path: &str) -> Result<String> {
    string_at(v, path, "").map_err(FieldError::from)
}

/// A string at `parent.key`.
pub fn string_at(v: &Value, parent: &str, key: &str) -> Boxed<String> {
    str_at(v, parent, key).map(str::to_owned)
}

/// A string at `parent.key`, borrowed: for text that is only looked at.
pub fn str_at<'a>(v: &'a Value, parent: &str, key: &str) -> Boxed<&'a str> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(expected_at(parent, key, "a string", other)),
    }
}

/// An id at `parent.key` in a page context: a non-empty string, or an integer (platforms send
/// both), kept as its decimal text. Snapshot ids are strings only ([`text_id_at`]).
pub fn id_at(v: &Value, parent: &str, key: &str) -> Boxed<String> {
    let s = match v {
        Value::Str(s) => s.trim(),
        Value::Number(n) if n.bytes().all(|b| b.is_ascii_digit()) => n,
        other => {
            return Err(expected_at(
                parent,
                key,
                "an id (string or whole number)",
                other,
            ))
        }
    };
    if s.is_empty() {
        return Err(error_at(
            parent,
            key,
            &["expected an id, got an empty string"],
        ));
    }
    Ok(s.to_owned())
}

/// An id in a snapshot: a non-empty string (`docs/snapshot.md`). A number, which a page context
/// may carry (platforms send both), is an error here naming the place: the builder writes ids
/// as strings, and an id written as a number may already have been rounded by a JavaScript
/// tool that read the file (above 2^53), so it cannot be trusted.
pub fn text_id_at(v: &Value, parent: &str, key: &str) -> Boxed<String> {
    match v {
        Value::Str(_) => id_at(v, parent, key),
        other => Err(expected_at(parent, key, "an id as a string", other)),
    }
}

/// An id in a snapshot, with its whole path.
pub fn text_id(v: &Value, path: &str) -> Result<String> {
    text_id_at(v, path, "").map_err(FieldError::from)
}

/// An array of snapshot ids at `parent.key`.
pub fn text_ids_at(v: &Value, parent: &str, key: &str) -> Boxed<Vec<String>> {
    list_at(v, parent, key, text_id_at)
}

/// A boolean.
pub fn boolean(v: &Value, path: &str) -> Result<bool> {
    boolean_at(v, path, "").map_err(FieldError::from)
}

/// A boolean at `parent.key`.
pub fn boolean_at(v: &Value, parent: &str, key: &str) -> Boxed<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(expected_at(parent, key, "true or false", other)),
    }
}

/// A non-negative whole number that fits `u32` (counts, quantities, days).
pub fn count(v: &Value, path: &str) -> Result<u32> {
    count_at(v, path, "").map_err(FieldError::from)
}

/// A count at `parent.key`.
pub fn count_at(v: &Value, parent: &str, key: &str) -> Boxed<u32> {
    match whole(v) {
        Some((false, n)) if n <= u64::from(u32::MAX) => Ok(n as u32),
        _ => Err(expected_at(parent, key, "a whole number ≥ 0", v)),
    }
}

/// A JSON integer's sign (true: negative) and magnitude, if it is one that fits `u64`.
fn whole(v: &Value) -> Option<(bool, u64)> {
    match v {
        Value::Number(text) => signed_digits(text),
        _ => None,
    }
}

/// Integer minor units from 0 to [`MAX_AMOUNT`]: `1299`, never `12.99` or `"12.99"`.
pub fn minor_units(v: &Value, path: &str) -> Result<i64> {
    minor_units_at(v, path, "").map_err(FieldError::from)
}

/// Integer minor units at `parent.key`, from 0 to [`MAX_AMOUNT`].
pub fn minor_units_at(v: &Value, parent: &str, key: &str) -> Boxed<i64> {
    let what = match whole(v) {
        // `-0` is 0, as `str::parse` reads it.
        Some((false, n) | (true, n @ 0)) if n <= MAX_AMOUNT as u64 => return Ok(n as i64),
        Some((false, _)) => MAX_AMOUNT_WHAT,
        Some((true, _)) => "integer minor units ≥ 0",
        None => "integer minor units",
    };
    Err(expected_at(parent, key, what, v))
}

/// What a price above [`MAX_AMOUNT`] is told it should be.
const MAX_AMOUNT_WHAT: &str = "integer minor units ≤ 1000000000000000";

/// A finite number ≥ 0.
pub fn non_negative(v: &Value, path: &str) -> Result<f64> {
    non_negative_at(v, path, "").map_err(FieldError::from)
}

/// A finite number ≥ 0 at `parent.key`.
pub fn non_negative_at(v: &Value, parent: &str, key: &str) -> Boxed<f64> {
    if let Value::Number(n) = v {
        if let Some(x) = decimal_to_f64(n) {
            if x.is_finite() && x >= 0.0 {
                return Ok(x);
            }
        }
    }
    Err(expected_at(parent, key, "a number ≥ 0", v))
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
    let (mantissa, exponent) = match t.bytes().position(|b| b == b'e' || b == b'E') {
        Some(i) => (&t[..i], exponent(&t[i + 1..])?),
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

/// An exponent's text as `str::parse::<i32>` reads it.
fn exponent(text: &str) -> Option<i32> {
    let (negative, n) = signed_digits(text)?;
    let e = i64::try_from(n).ok()?;
    i32::try_from(if negative { -e } else { e }).ok()
}

/// An array's items.
pub fn array<'a>(v: &'a Value, path: &str) -> Result<&'a [Value]> {
    array_at(v, path, "").map_err(FieldError::from)
}

/// An array's items at `parent.key`.
pub fn array_at<'a>(v: &'a Value, parent: &str, key: &str) -> Boxed<&'a [Value]> {
    match v {
        Value::Array(items) => Ok(items),
        other => Err(expected_at(parent, key, "an array", other)),
    }
}

/// An array of strings.
pub fn strings(v: &Value, path: &str) -> Result<Vec<String>> {
    strings_at(v, path, "").map_err(FieldError::from)
}

/// An array of strings at `parent.key`.
pub fn strings_at(v: &Value, parent: &str, key: &str) -> Boxed<Vec<String>> {
    list_at(v, parent, key, string_at)
}

/// An ISO 4217 currency code at `parent.key`, in any case.
pub fn currency_at(v: &Value, parent: &str, key: &str) -> Boxed<Currency> {
    let code = str_at(v, parent, key)?;
    Currency::parse(code).ok_or_else(|| {
        error_at(
            parent,
            key,
            &[
                "expected an ISO 4217 code such as \"GBP\", got \"",
                code,
                "\"",
            ],
        )
    })
}

/// A url the widget may put in `href`/`src`: `http:`/`https:`, protocol-relative `//host/…`
/// excluded, or relative to the shop. Anything with another scheme (`javascript:`, `data:`) is
/// refused.
pub fn url(v: &Value, path: &str) -> Result<String> {
    url_at(v, path, "").map_err(FieldError::from)
}

/// A url at `parent.key`.
pub fn url_at(v: &Value, parent: &str, key: &str) -> Boxed<String> {
    match v {
        Value::Str(s) if is_safe_url(s) => Ok(s.trim().to_owned()),
        Value::Str(_) => Err(expected_at(
            parent,
            key,
            "an http(s) or shop-relative url",
            v,
        )),
        other => Err(expected_at(parent, key, "a string", other)),
    }
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
    fn exponents_read_as_str_parse_reads_them() {
        for text in [
            "0",
            "5",
            "+5",
            "-5",
            "-0",
            "007",
            "2147483647",
            "2147483648",
            "-2147483648",
            "-2147483649",
            "99999999999",
            "",
            "+",
            "-",
            "+-1",
            "1.5",
            "1e2",
            " 1",
        ] {
            assert_eq!(exponent(text), text.parse::<i32>().ok(), "{text}");
        }
    }

    /// The bound is written as it is.
    #[test]
    fn the_bound_is_named_as_it_is() {
        assert!(MAX_AMOUNT_WHAT.ends_with(&MAX_AMOUNT.to_string()));
    }

    /// The integer readers agree with `str::parse`, which they replace to keep its code out of
    /// the shipped module.
    #[test]
    fn integers_read_as_str_parse_reads_them() {
        for text in [
            "0",
            "-0",
            "+0",
            "+7",
            "+",
            "+-1",
            "7",
            "-7",
            "1299",
            "1000000000000000",
            "1000000000000001",
            "-1000000000000000",
            "4294967295",
            "4294967296",
            "-4294967295",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
            "-99999999999999999999999",
            "1.5",
            "1e3",
            "-",
            "",
        ] {
            let v = Value::Number(text.to_owned());
            // Within `u64` the sign and size are told; past it, only that it is not one.
            let want = match text.parse::<i128>() {
                Ok(a) if (0..=i128::from(MAX_AMOUNT)).contains(&a) => Ok(a as i64),
                Ok(a) if a.unsigned_abs() > u128::from(u64::MAX) => {
                    fail("p", format!("expected integer minor units, got {text}"))
                }
                Ok(a) if a > 0 => fail(
                    "p",
                    format!("expected integer minor units ≤ 1000000000000000, got {text}"),
                ),
                Ok(_) => fail("p", format!("expected integer minor units ≥ 0, got {text}")),
                Err(_) => fail("p", format!("expected integer minor units, got {text}")),
            };
            assert_eq!(minor_units(&v, "p"), want, "{text}");
            let want = text
                .parse::<u32>()
                .map_err(|_| error("p", format!("expected a whole number ≥ 0, got {text}")));
            assert_eq!(count(&v, "p"), want, "{text}");
        }
    }
}
