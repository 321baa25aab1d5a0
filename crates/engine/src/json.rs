//! A small JSON reader and writer.
//!
//! crossbuy ships in a page, so every kilobyte of WebAssembly counts: this reader is a few
//! hundred lines instead of serde_json's tens of kilobytes, and it keeps what the snapshot and
//! context validators need to name the place of an error. Numbers keep their source text so an
//! integer is never taken through a float (money stays exact) and a decimal shows as written.

/// A parsed JSON value. Objects keep their key order; duplicate keys keep the last value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written in the source.
    Number(String),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, in source order.
    Object(Vec<(String, Value)>),
}

/// Where and why a text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What was expected.
    pub message: &'static str,
}

/// Nesting deeper than this is refused, so a hostile file cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Parses one JSON document (surrounding white space allowed).
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut p = Parser { text, pos: 0 };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos != p.text.len() {
        return Err(p.error("unexpected text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    /// The document; the parser only ever stops on ASCII bytes, so `pos` is always on a
    /// character boundary and slices of `text` need no UTF-8 check.
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    #[inline(never)]
    fn error(&self, message: &'static str) -> SyntaxError {
        let mut line = 1;
        let mut column = 1;
        for &b in &self.text.as_bytes()[..self.pos.min(self.text.len())] {
            if b == b'\n' {
                line += 1;
                column = 1;
            } else if b & 0xC0 != 0x80 {
                // Count characters, not bytes: UTF-8 continuation bytes are 0b10xx_xxxx.
                column += 1;
            }
        }
        SyntaxError {
            line,
            column,
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, lit: &[u8], message: &'static str) -> Result<(), SyntaxError> {
        if self.text.as_bytes()[self.pos..].starts_with(lit) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(self.error(message))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        match self.peek() {
            None => Err(self.error("unexpected end of input")),
            Some(b'n') => self.eat(b"null", "expected null").map(|_| Value::Null),
            Some(b't') => self
                .eat(b"true", "expected true")
                .map(|_| Value::Bool(true)),
            Some(b'f') => self
                .eat(b"false", "expected false")
                .map(|_| Value::Bool(false)),
            Some(b'"') => self.string().map(Value::Str),
            Some(b'[') => self.container(depth, false),
            Some(b'{') => self.container(depth, true),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a JSON value")),
        }
    }

    /// An array, or with `object` an object: the same loop, objects reading a key first.
    fn container(&mut self, depth: usize, object: bool) -> Result<Value, SyntaxError> {
        self.pos += 1;
        let close = if object { b'}' } else { b']' };
        let mut items: Vec<Value> = Vec::new();
        let mut fields: Vec<(String, Value)> = Vec::new();
        self.skip_ws();
        if self.peek() != Some(close) {
            loop {
                self.skip_ws();
                let key = if object {
                    if self.peek() != Some(b'"') {
                        return Err(self.error("expected a quoted key in object"));
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    self.eat(b":", "expected ':' after key")?;
                    self.skip_ws();
                    Some(key)
                } else {
                    None
                };
                let v = self.value(depth + 1)?;
                match key {
                    None => items.push(v),
                    Some(key) => match fields.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = v,
                        None => fields.push((key, v)),
                    },
                }
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(c) if c == close => break,
                    _ => {
                        return Err(self.error(if object {
                            "expected ',' or '}' in object"
                        } else {
                            "expected ',' or ']' in array"
                        }))
                    }
                }
            }
        }
        self.pos += 1;
        Ok(if object {
            Value::Object(fields)
        } else {
            Value::Array(items)
        })
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while let Some(b'0'..=b'9') = p.peek() {
                p.pos += 1;
            }
            p.pos - s
        };
        if self.peek() == Some(b'0') {
            // JSON allows no leading zeros: `01` is `0` followed by stray text.
            self.pos += 1;
        } else if digits(self) == 0 {
            return Err(self.error("expected digits in number"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.error("expected digits after decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("expected digits in exponent"));
            }
        }
        Ok(Value::Number(self.text[start..self.pos].to_owned()))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.error("expected four hex digits after \\u")),
            };
            n = n * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // We only stop on ASCII bytes, so both ends are character boundaries.
            out.push_str(&self.text[start..self.pos]);
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self
                        .peek()
                        .ok_or_else(|| self.error("unterminated string"))?;
                    self.pos += 1;
                    // One push for all the one-letter escapes.
                    let simple = match c {
                        b'"' | b'\\' | b'/' => c,
                        b'b' => 0x08,
                        b'f' => 0x0C,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        _ => 0,
                    };
                    match c {
                        _ if simple != 0 => out.push(char::from(simple)),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                self.eat(b"\\u", "expected a low surrogate after a high one")?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.error("invalid low surrogate"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            // A low surrogate without a high one is no character a Rust
                            // string can hold: an error, as serde_json has it.
                            let c = char::from_u32(code)
                                .ok_or_else(|| self.error("a low surrogate without a high one"))?;
                            out.push(c);
                        }
                        _ => return Err(self.error("invalid escape in string")),
                    }
                }
                Some(_) => return Err(self.error("control character in string")),
            }
        }
    }
}

impl Value {
    /// The field `key` of an object, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A short description for error messages: `null`, `a string "12.99"`, `12.99`, `an array`.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.clone(),
            Value::Str(s) => {
                // At most 40 characters, then `…`.
                let mut out = String::from("\"");
                match s.char_indices().nth(40) {
                    Some((end, _)) => {
                        escape_into(&mut out, &s[..end]);
                        out.push('…');
                    }
                    None => escape_into(&mut out, s),
                }
                out.push('"');
                out
            }
            Value::Array(_) => "an array".into(),
            Value::Object(_) => "an object".into(),
        }
    }

    /// Serialises compactly.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(n),
            Value::Str(s) => {
                out.push('"');
                escape_into(out, s);
                out.push('"');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Value::Object(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    escape_into(out, k);
                    out.push_str("\":");
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n.to_string())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// An optional sign then at least one ASCII digit, as `str::parse` reads integers: the sign
/// (true: negative) and the magnitude, if it fits `u64`. One small reader in place of the
/// standard library's generic parsers, one copy per integer type.
pub(crate) fn signed_digits(text: &str) -> Option<(bool, u64)> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some((negative, n))
}

/// Appends `n` in decimal with at least `width` digits (zeros in front, up to 20), without the
/// formatter, whose machinery every `to_string` call site would carry into the wasm.
pub fn push_digits(out: &mut String, n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    for &b in &buf[start..] {
        out.push(char::from(b));
    }
}

/// Appends `n` in decimal, as `n.to_string()` writes it (see [`push_digits`]).
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_digits(out, n.unsigned_abs(), 1);
}

/// `n` in decimal, as `n.to_string()` writes it.
pub fn int_text(n: i64) -> String {
    let mut out = String::new();
    push_int(&mut out, n);
    out
}

/// A number's text as `str::parse::<i64>` reads it (an optional sign, digits), without the
/// standard library's generic parser, which the shipped modules would carry once per integer
/// type.
pub fn integer(text: &str) -> Option<i64> {
    match signed_digits(text)? {
        (false, n) => i64::try_from(n).ok(),
        // -2^63 is the one magnitude that fits negative only.
        (true, n) if n <= 1 << 63 => Some((n as i64).wrapping_neg()),
        _ => None,
    }
}

/// The items of an array value; none for anything else.
pub(crate) fn items(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

/// An integer value.
pub(crate) fn int(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::Number(n)) => integer(n),
        _ => None,
    }
}

/// Appends `s` with JSON string escapes (no surrounding quotes). `<`, `>` and `&` are escaped
/// too, so serialised JSON is safe to place inside an HTML `<script>` element.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\u{1f}' => {
                // `\u` and four lower-case hex digits, written without the formatter.
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(char::from(b"0123456789abcdef"[(c as usize >> shift) & 15]));
                }
            }
            c => out.push(c),
        }
    }
}

/// A compact JSON writer, the one every JSON text the engine writes goes through. Every value writer puts the comma that separates it from a
/// previous member or item, so the builders below read like the bodies they write; it costs
/// far less wasm than building a `json::Value` tree field by field.
pub struct Writer(pub String);

impl Writer {
    fn sep(&mut self) {
        if !matches!(self.0.as_bytes().last(), None | Some(b'{' | b'[' | b':')) {
            self.0.push(',');
        }
    }

    /// `"k":` (keys are ASCII literals without escapes).
    pub fn key(&mut self, k: &str) -> &mut Writer {
        self.sep();
        self.0.push('"');
        self.0.push_str(k);
        self.0.push_str("\":");
        self
    }

    /// A string value, escaped.
    pub fn str(&mut self, v: &str) -> &mut Writer {
        self.sep();
        self.0.push('"');
        escape_into(&mut self.0, v);
        self.0.push('"');
        self
    }

    /// Already valid JSON (a number, `true`, members).
    pub fn raw(&mut self, v: &str) -> &mut Writer {
        self.sep();
        self.0.push_str(v);
        self
    }

    /// An integer.
    pub fn int(&mut self, v: i64) -> &mut Writer {
        self.sep();
        push_int(&mut self.0, v);
        self
    }

    /// `true` or `false`.
    pub fn bool(&mut self, v: bool) -> &mut Writer {
        self.raw(if v { "true" } else { "false" })
    }

    /// `{` or `[`.
    pub fn open(&mut self, bracket: char) -> &mut Writer {
        self.sep();
        self.0.push(bracket);
        self
    }

    /// `}` or `]`.
    pub fn close(&mut self, bracket: char) -> &mut Writer {
        self.0.push(bracket);
        self
    }

    /// An object of texts, `{"name":"value",…}` in order, names escaped too (headers).
    pub fn texts(&mut self, pairs: &[(String, String)]) -> &mut Writer {
        self.open('{');
        for (name, value) in pairs {
            self.str(name).0.push(':');
            self.str(value);
        }
        self.close('}')
    }

    /// `"<key>":<amount>,"currency":"<code>"`.
    pub fn money(&mut self, key: &str, m: &crate::money::Money) -> &mut Writer {
        self.key(key).int(m.amount);
        self.key("currency").str(m.currency.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let got = match parse(input) {
            Ok(v) => v.to_json(),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected, "input: {input}");
    }

    #[test]
    fn parses_and_writes() {
        check(
            r#" {"a": [1, -2.50, 3e2, true, null], "b": "x"} "#,
            r#"{"a":[1,-2.50,3e2,true,null],"b":"x"}"#,
        );
        check(r#""\u00e9\ud83d\ude00\n""#, "\"é😀\\n\"");
        check(r#"{"a":1,"a":2}"#, r#"{"a":2}"#);
        check(r#""<script>""#, r#""\u003cscript\u003e""#);
        check(
            r#""a&b\u0001\u001f\u2028\u2029>""#,
            r#""a\u0026b\u0001\u001f\u2028\u2029\u003e""#,
        );
        check("[]", "[]");
        check("{}", "{}");
    }

    #[test]
    fn describes_values_shortly() {
        for (input, expected) in [
            ("null", "null"),
            ("true", "true"),
            ("-1.50", "-1.50"),
            ("[1]", "an array"),
            ("{}", "an object"),
            (r#""a\"b<""#, r#""a\"b\u003c""#),
            (
                r#""éééééééééééééééééééééééééééééééééééééééé""#,
                r#""éééééééééééééééééééééééééééééééééééééééé""#,
            ),
            (
                r#""ééééééééééééééééééééééééééééééééééééééé<x""#,
                r#""ééééééééééééééééééééééééééééééééééééééé\u003c…""#,
            ),
        ] {
            let v = parse(input).expect(input);
            assert_eq!(v.describe(), expected, "{input}");
        }
    }

    #[test]
    fn names_the_place_of_syntax_errors() {
        check(
            "{\n  \"a\": 1,\n  \"b\" 2\n}",
            "error: line 3, column 7: expected ':' after key",
        );
        check(
            "[1, 2",
            "error: line 1, column 6: expected ',' or ']' in array",
        );
        check("\"abc", "error: line 1, column 5: unterminated string");
        check(
            r#""a\udc00""#,
            "error: line 1, column 9: a low surrogate without a high one",
        );
        check(
            "01x",
            "error: line 1, column 2: unexpected text after the JSON value",
        );
        check("-", "error: line 1, column 2: expected digits in number");
        check("", "error: line 1, column 1: unexpected end of input");
        check(
            "{\"a\":\"\u{1}\"}",
            "error: line 1, column 7: control character in string",
        );
        check(
            &"[".repeat(100),
            "error: line 1, column 66: nested too deeply",
        );
        // Columns count characters, not bytes.
        check(
            "[\"é😀\", x]",
            "error: line 1, column 8: expected a JSON value",
        );
        check(
            "{\"é\":\n \"😀\" x}",
            "error: line 2, column 6: expected ',' or '}' in object",
        );
    }

    /// `int_text` writes what `to_string` writes, and `push_digits` pads.
    #[test]
    fn integers_are_written_as_to_string_writes_them() {
        for n in [0, 7, -7, 10, 1299, -1299, i64::MAX, i64::MIN, i64::MIN + 1] {
            assert_eq!(int_text(n), n.to_string());
        }
        let mut out = String::new();
        push_digits(&mut out, 5, 3);
        push_digits(&mut out, 12345, 3);
        push_digits(&mut out, 42, 25);
        assert_eq!(out, "0051234500000000000000000042");
    }

    /// `integer` agrees with `str::parse::<i64>`, which it replaces to keep the standard
    /// library's parser out of the shipped modules.
    #[test]
    fn integers_read_as_str_parse_reads_them() {
        for text in [
            "0",
            "-0",
            "+0",
            "+7",
            "+",
            "+-1",
            "-+1",
            "7",
            "-7",
            "007",
            "1299",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "99999999999999999999999",
            "1.5",
            "1e3",
            "-",
            "",
            " 1",
            "1 ",
            "١",
        ] {
            assert_eq!(integer(text), text.parse::<i64>().ok(), "{text}");
        }
    }
}
