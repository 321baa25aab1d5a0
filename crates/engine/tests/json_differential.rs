//! The engine's JSON reader (`json::parse`) and writer (`json::Writer`, `Value::to_json`)
//! against serde_json, on generated documents: strings with every escape, control characters,
//! unicode (astral too, as surrogate pairs), `<`/`>`/`&` and the line separators, integers at
//! and past 64 bits (kept as text), decimals, exponents, nesting, duplicate keys, and broken
//! inputs. serde_json is a dev-dependency of the engine only: it is in no shipped module.
//!
//! Where the two differ by design it is said and tested: the engine keeps a number's text, so
//! it reads numbers past `f64` (`1e400`) that serde_json refuses.

use crossbuy_engine::json::{self, Value, Writer};
use serde_json::Value as Serde;

/// xorshift64*: deterministic, so a failure names its seed and case and reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Characters a catalog or a body may hold, the awkward ones over-represented.
fn char_of(rng: &mut Rng) -> char {
    match rng.below(10) {
        0 => char::from_u32(rng.below(0x20) as u32).expect("a control character"),
        1 => *rng.pick(&[
            '"', '\\', '/', '<', '>', '&', '\u{7f}', '\u{2028}', '\u{2029}',
        ]),
        2 => *rng.pick(&[
            'é', 'ß', '€', '£', '中', 'ع', '\u{feff}', '\u{fffd}', '\u{ffff}',
        ]),
        3 => *rng.pick(&['😀', '𝄞', '\u{10ffff}', '\u{1f1ec}']),
        4 => char::from_u32(0x80 + rng.below(0xd800 - 0x80) as u32).expect("BMP"),
        _ => char::from(b' ' + rng.below(95) as u8),
    }
}

fn text_of(rng: &mut Rng) -> String {
    (0..rng.below(12)).map(|_| char_of(rng)).collect()
}

/// A JSON number's text: integers up to 40 digits, decimals, exponents within `f64`.
fn number_of(rng: &mut Rng) -> String {
    let digits = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect()
    };
    let mut out = String::new();
    if rng.below(3) == 0 {
        out.push('-');
    }
    match rng.below(4) {
        0 => out.push('0'),
        _ => {
            out.push(char::from(b'1' + rng.below(9) as u8));
            let len = *rng.pick(&[0, 2, 8, 17, 18, 19, 20, 39]);
            out.push_str(&digits(rng, len));
        }
    }
    if rng.below(4) == 0 {
        out.push('.');
        let len = 1 + rng.below(6);
        out.push_str(&digits(rng, len));
    }
    if rng.below(5) == 0 {
        out.push(*rng.pick(&['e', 'E']));
        out.push_str(rng.pick::<&str>(&["", "+", "-"]));
        out.push_str(&(rng.below(250)).to_string());
    }
    out
}

/// A generated value, with numbers as their text.
fn value_of(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth == 0 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::Number(number_of(rng)),
        3 | 4 => Value::Str(text_of(rng)),
        5 => Value::Array(
            (0..rng.below(5))
                .map(|_| value_of(rng, depth - 1))
                .collect(),
        ),
        _ => {
            let mut fields: Vec<(String, Value)> = Vec::new();
            for _ in 0..rng.below(5) {
                // Short keys from a small set, so some repeat: the last value wins.
                let key = if rng.below(3) == 0 {
                    rng.pick(&["a", "b", "é"]).to_string()
                } else {
                    text_of(rng)
                };
                let v = value_of(rng, depth - 1);
                match fields.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = v,
                    None => fields.push((key, v)),
                }
            }
            Value::Object(fields)
        }
    }
}

/// What serde_json makes of a value with these contents (numbers through its own reader).
fn serde_of(v: &Value) -> Serde {
    match v {
        Value::Null => Serde::Null,
        Value::Bool(b) => Serde::Bool(*b),
        Value::Number(n) => serde_json::from_str(n).expect("a number serde_json reads"),
        Value::Str(s) => Serde::String(s.clone()),
        Value::Array(items) => Serde::Array(items.iter().map(serde_of).collect()),
        Value::Object(fields) => Serde::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), serde_of(v)))
                .collect(),
        ),
    }
}

/// The engine's value of what serde_json read, numbers compared by what they are worth.
fn same(engine: &Value, serde: &Serde) -> bool {
    match (engine, serde) {
        (Value::Null, Serde::Null) => true,
        (Value::Bool(a), Serde::Bool(b)) => a == b,
        (Value::Number(text), Serde::Number(n)) => {
            // Integers that fit are equal exactly; others as the nearest double (the engine
            // keeps the text: `text` is what the document said).
            match (text.parse::<i64>(), text.parse::<u64>()) {
                // `-0` is the float -0.0 to serde_json.
                (Ok(0), _) if text.starts_with('-') => n.as_f64() == Some(0.0),
                (Ok(i), _) => n.as_i64() == Some(i),
                (_, Ok(u)) => n.as_u64() == Some(u),
                // serde_json's default float reader may be one unit in the last place off
                // the correctly rounded value (its `float_roundtrip` feature is off).
                _ => match (n.as_f64(), text.parse::<f64>()) {
                    (Some(a), Ok(b)) => a == b || (a - b).abs() <= b.abs() * 2.0 * f64::EPSILON,
                    _ => false,
                },
            }
        }
        (Value::Str(a), Serde::String(b)) => a == b,
        (Value::Array(a), Serde::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), Serde::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        _ => false,
    }
}

const CASES: usize = 3_000;

/// What the engine writes, serde_json reads back as the same document.
#[test]
fn serde_json_reads_what_the_engine_writes() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..CASES {
        let v = value_of(&mut rng, 4);
        let text = v.to_json();
        let read: Serde = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("case {case}: serde_json refused {text}: {e}"));
        assert_eq!(read, serde_of(&v), "case {case}: {text}");
        // And the engine reads its own text back, numbers as written.
        assert_eq!(json::parse(&text).as_ref(), Ok(&v), "case {case}: {text}");
    }
}

/// What serde_json writes (compact and pretty), the engine reads as serde_json does.
#[test]
fn the_engine_reads_what_serde_json_writes() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for case in 0..CASES {
        let expected = serde_of(&value_of(&mut rng, 4));
        for text in [
            serde_json::to_string(&expected).expect("serialised"),
            serde_json::to_string_pretty(&expected).expect("serialised"),
        ] {
            let v = json::parse(&text)
                .unwrap_or_else(|e| panic!("case {case}: the engine refused {text}: {e}"));
            assert!(same(&v, &expected), "case {case}: {text} read as {v:?}");
        }
    }
}

/// `Writer`, the one every body and stored value goes through: strings, integers (all of
/// `i64`), booleans, header objects and nesting come out as serde_json reads them.
#[test]
fn the_writer_agrees_with_serde_json() {
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    for case in 0..CASES {
        let mut w = Writer(String::new());
        let mut expected = serde_json::Map::new();
        w.open('{');
        for i in 0..rng.below(6) {
            // Writer keys are ASCII names the engine chooses; values come from anywhere.
            let key = ["k", &i.to_string()].concat();
            let value = match rng.below(5) {
                0 => {
                    let s = text_of(&mut rng);
                    w.key(&key).str(&s);
                    Serde::String(s)
                }
                1 => {
                    let n = match rng.below(4) {
                        0 => *rng.pick(&[i64::MIN, i64::MAX, 0, -1, i64::MIN + 1]),
                        _ => rng.next() as i64 >> rng.below(64),
                    };
                    w.key(&key).int(n);
                    Serde::from(n)
                }
                2 => {
                    let b = rng.below(2) == 0;
                    w.key(&key).bool(b);
                    Serde::Bool(b)
                }
                3 => {
                    let pairs: Vec<(String, String)> = (0..rng.below(4))
                        .map(|_| (text_of(&mut rng), text_of(&mut rng)))
                        .collect();
                    w.key(&key).texts(&pairs);
                    // Repeated names: the last wins, in either reader.
                    Serde::Object(
                        pairs
                            .into_iter()
                            .map(|(k, v)| (k, Serde::String(v)))
                            .collect(),
                    )
                }
                _ => {
                    let items: Vec<String> = (0..rng.below(4)).map(|_| text_of(&mut rng)).collect();
                    w.key(&key).open('[');
                    for s in &items {
                        w.str(s);
                    }
                    w.close(']');
                    Serde::Array(items.into_iter().map(Serde::String).collect())
                }
            };
            expected.insert(key, value);
        }
        w.close('}');
        let read: Serde = serde_json::from_str(&w.0)
            .unwrap_or_else(|e| panic!("case {case}: serde_json refused {}: {e}", w.0));
        assert_eq!(read, Serde::Object(expected), "case {case}: {}", w.0);
    }
}

/// One JSON string literal with random escapes, some of them wrong.
fn literal_of(rng: &mut Rng) -> String {
    let mut out = String::from("\"");
    for _ in 0..rng.below(8) {
        match rng.below(12) {
            0 => out.push_str(
                rng.pick::<&str>(&["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"]),
            ),
            1 => {
                let hex = rng.below(0x1_0000);
                out.push_str(&format!("\\u{hex:04x}"));
            }
            2 => {
                // A surrogate pair, upper or lower case hex.
                let c = 0x10000 + rng.below(0x10_0000) as u32;
                let (hi, lo) = (
                    0xD800 + ((c - 0x10000) >> 10),
                    0xDC00 + ((c - 0x10000) & 0x3FF),
                );
                if rng.below(2) == 0 {
                    out.push_str(&format!("\\u{hi:04x}\\u{lo:04X}"));
                } else {
                    out.push_str(&format!("\\u{hi:04X}\\u{lo:04x}"));
                }
            }
            3 => out.push_str(rng.pick::<&str>(&[
                "\\ud800",
                "\\udc00",
                "\\ud83d\\u0041",
                "\\ud83dx",
                "\\x",
                "\\u12",
                "\\u12g4",
                "\\U0041",
                "\\",
                "\u{1}",
                "\n",
                "\t",
                "\u{7f}",
            ])),
            _ => out.push(char_of(rng)),
        }
    }
    if rng.below(20) != 0 {
        out.push('"');
    }
    out
}

/// Numbers as a document might hold them, some not JSON.
fn number_literal_of(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => rng
            .pick(&[
                "01", "-01", "1.", ".5", "+1", "1e", "1e+", "-", "--1", "1.5.2", "0x10", "1_000",
                "NaN", "Infinity", "-0", "0e0", "1E-7", "-0.0",
            ])
            .to_string(),
        _ => number_of(rng),
    }
}

/// Both accept the same documents, and read them alike: string literals with every escape
/// and wrong ones, numbers and things that look like numbers, whitespace, truncations.
#[test]
fn both_accept_and_refuse_the_same_documents() {
    let mut rng = Rng(0x5851_F42D_4C95_7F2D);
    for case in 0..CASES * 3 {
        let text = match rng.below(4) {
            0 => literal_of(&mut rng),
            1 => number_literal_of(&mut rng),
            2 => format!(
                "{}{{{}:[{},{}]}}{}",
                rng.pick(&["", " ", "\n\t", "\r\n"]),
                literal_of(&mut rng),
                number_literal_of(&mut rng),
                literal_of(&mut rng),
                rng.pick(&["", " ", "\n", ",", "}", "x"]),
            ),
            _ => {
                // A good document cut short somewhere.
                let whole = value_of(&mut rng, 3).to_json();
                let cut = rng.below(whole.len() + 1);
                let cut = (0..=cut)
                    .rev()
                    .find(|&i| whole.is_char_boundary(i))
                    .unwrap_or(0);
                whole[..cut].to_owned()
            }
        };
        let engine = json::parse(&text);
        let serde = serde_json::from_str::<Serde>(&text);
        match (&engine, &serde) {
            (Ok(v), Ok(s)) => assert!(same(v, s), "case {case}: {text:?} read as {v:?} and {s:?}"),
            (Err(_), Err(_)) => {}
            _ => panic!("case {case}: {text:?}: engine {engine:?}, serde_json {serde:?}"),
        }
    }
}

/// The one difference by design: numbers stay text in the engine, so a number past `f64` is
/// read (and written back as it was), where serde_json refuses it. Big integers keep every
/// digit.
#[test]
fn numbers_past_f64_are_kept_as_written() {
    for text in [
        "1e400",
        "-1e400",
        "123456789012345678901234567890123456789e300",
    ] {
        assert_eq!(json::parse(text), Ok(Value::Number(text.to_owned())));
        assert!(serde_json::from_str::<Serde>(text).is_err(), "{text}");
    }
    let big = "[123456789012345678901234567890,-98765432109876543210]";
    assert_eq!(json::parse(big).map(|v| v.to_json()).as_deref(), Ok(big));
}
