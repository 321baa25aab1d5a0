//! Money: integer minor units with their currency, never a float.
//!
//! Every amount crossbuy reads (a price, a compare-at price, an offer's amount, bundle price or
//! `min_price`, a line item's unit price) is at most [`MAX_AMOUNT`] minor units, so that sums
//! of what a widget shows cannot overflow and stay exact where a JavaScript reader of a signal
//! takes them as a double.

/// The largest amount crossbuy reads: 10^15 minor units (£10,000,000,000,000.00, ¥1,000,000,000,000,000).
/// Four of them (the most cards a widget shows) add up to 4 × 10^15, below 2^53, the largest
/// integer a JavaScript number holds exactly; sums are checked all the same.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;
// Four of the largest amounts are exact as a JavaScript number: checked when compiling.
const _: () = assert!(4 * MAX_AMOUNT < 1 << 53);

/// An amount of money in minor units (pence, cents; whole yen) of `currency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 code, upper case.
    pub currency: Currency,
}

// The ISO 4217 codes of each exponent other than 2, three letters each, in alphabetical
// order: a byte search is a fraction of the WebAssembly of a `match` on strings. The one
// source of the table: the copies in the Shopify snippets (Liquid), the pixel's JavaScript,
// the BigCommerce snippet and the WooCommerce plugin (PHP) are held to it by
// `crates/engine/tests/exponent_copies.rs`.

/// Currencies without minor units (exponent 0).
pub const ZERO: &[u8] = b"BIFCLPDJFGNFISKJPYKMFKRWPYGRWFUGXUYIVNDVUVXAFXOFXPF";
/// Currencies with three decimals.
pub const THREE: &[u8] = b"BHDIQDJODKWDLYDOMRTND";
/// Currencies with four decimals.
pub const FOUR: &[u8] = b"CLFUYW";

/// An ISO 4217 currency code (three ASCII letters, upper case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Reads a three-letter code, in any case. `None` for anything else.
    pub fn parse(code: &str) -> Option<Currency> {
        let b = code.trim().as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_alphabetic) {
            Some(Currency([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
                b[2].to_ascii_uppercase(),
            ]))
        } else {
            None
        }
    }

    /// The code, such as `"GBP"`.
    pub fn code(&self) -> &str {
        // Only ASCII letters are ever stored, so the first valid chunk is all three. Read through
        // `utf8_chunks`, which the shipped module has anyway, not `str::from_utf8` (0.6 KB).
        self.0.utf8_chunks().next().map_or("XXX", |c| c.valid())
    }

    /// Digits after the decimal point (ISO 4217): 0 for JPY, 3 for KWD, 2 for most.
    pub fn exponent(&self) -> u32 {
        let listed = |codes: &[u8]| codes.chunks(3).any(|c| c == self.0);
        if listed(ZERO) {
            0
        } else if listed(THREE) {
            3
        } else if listed(FOUR) {
            4
        } else {
            2
        }
    }
}

/// Why a decimal money string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub enum DecimalError {
    /// Not a plain decimal number.
    NotDecimal,
    /// More fraction digits than the currency has, with something other than zeros there.
    TooPrecise,
    /// Above [`MAX_AMOUNT`] (or below its negative).
    OutOfRange,
}

impl DecimalError {
    /// The error's text, for building messages without the formatter.
    pub fn message(&self) -> &'static str {
        match self {
            DecimalError::NotDecimal => "expected a decimal amount such as \"12.99\"",
            DecimalError::TooPrecise => "more decimal places than the currency has",
            DecimalError::OutOfRange => "amount out of range: at most 1000000000000000 minor units",
        }
    }
}

/// Reads a decimal string such as `"12.99"`, `"1,299.00"` or `"-3"` into minor units of a currency
/// with `exponent` decimals, exactly (no float round trip), at most [`MAX_AMOUNT`] either side
/// of zero. Thousands separators `,` are allowed
/// before the point; trailing zeros beyond the exponent are accepted ("12.990" is 1299 for GBP).
pub fn parse_decimal(text: &str, exponent: u32) -> Result<i64, DecimalError> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (int_part, frac_part) = t.split_once('.').unwrap_or((t, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(DecimalError::NotDecimal);
    }
    // One pass: the digits accumulate (`None` once out of range) while the text is checked;
    // "not a decimal" wins over "too precise", which wins over "out of range".
    let mut amount = Some(0i64);
    let push = |amount: Option<i64>, digit: u8| {
        amount?
            .checked_mul(10)?
            .checked_add(i64::from(digit - b'0'))
    };
    // Digits since the last `,`: groups after the first have three.
    let mut group: Option<u32> = None;
    for (i, b) in int_part.bytes().enumerate() {
        match b {
            b'0'..=b'9' => {
                amount = push(amount, b);
                group = group.map(|g| g + 1);
            }
            b',' if i > 0 && group.map_or(true, |g| g == 3) => group = Some(0),
            _ => return Err(DecimalError::NotDecimal),
        }
    }
    if group.is_some_and(|g| g != 3) {
        return Err(DecimalError::NotDecimal);
    }
    let exp = exponent as usize;
    let mut too_precise = false;
    for (i, b) in frac_part.bytes().enumerate() {
        if !b.is_ascii_digit() {
            return Err(DecimalError::NotDecimal);
        }
        if i < exp {
            amount = push(amount, b);
        } else if b != b'0' {
            too_precise = true;
        }
    }
    if too_precise {
        return Err(DecimalError::TooPrecise);
    }
    for _ in frac_part.len()..exp {
        amount = push(amount, b'0');
    }
    let amount = amount
        .filter(|&a| a <= MAX_AMOUNT)
        .ok_or(DecimalError::OutOfRange)?;
    Ok(if negative { -amount } else { amount })
}

/// Writes minor units as a plain decimal string with the currency's exponent: `1299` → `"12.99"`,
/// `1200` JPY → `"1200"`. For machine-readable payloads; shoppers see `Intl.NumberFormat`.
pub fn to_decimal(amount: i64, exponent: u32) -> String {
    let exp = exponent as usize;
    let mut out = String::new();
    if amount < 0 {
        out.push('-');
    }
    // At least one digit before the point: 5 cents is "0.05".
    crate::json::push_digits(&mut out, amount.unsigned_abs(), exp + 1);
    if exp > 0 {
        out.insert(out.len() - exp, '.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, currency: &str, expected: &str) {
        let c = Currency::parse(currency).expect("test currency");
        let got = match parse_decimal(input, c.exponent()) {
            Ok(n) => format!("{n} = {}", to_decimal(n, c.exponent())),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected, "{input} {currency}");
    }

    #[test]
    fn decimal_strings_become_exact_minor_units() {
        check("12.99", "GBP", "1299 = 12.99");
        check("0.10", "usd", "10 = 0.10");
        check("12.990", "EUR", "1299 = 12.99");
        check("1,299.5", "USD", "129950 = 1299.50");
        check("7", "USD", "700 = 7.00");
        check(".5", "USD", "50 = 0.50");
        check("-3.01", "USD", "-301 = -3.01");
        check("1200", "JPY", "1200 = 1200");
        check("1200.00", "JPY", "1200 = 1200");
        check(
            "1.5",
            "JPY",
            "error: more decimal places than the currency has",
        );
        check("1.234", "KWD", "1234 = 1.234");
        check("0.001", "KWD", "1 = 0.001");
        check(
            "12.999",
            "GBP",
            "error: more decimal places than the currency has",
        );
        check(
            "12,99",
            "EUR",
            "error: expected a decimal amount such as \"12.99\"",
        );
        check(
            "abc",
            "GBP",
            "error: expected a decimal amount such as \"12.99\"",
        );
        check(
            "",
            "GBP",
            "error: expected a decimal amount such as \"12.99\"",
        );
        check(
            "1e3",
            "GBP",
            "error: expected a decimal amount such as \"12.99\"",
        );
        let out = "error: amount out of range: at most 1000000000000000 minor units";
        check("99999999999999999999", "GBP", out);
        check(
            "99999999999999999999.999",
            "GBP",
            "error: more decimal places than the currency has",
        );
        check(
            "99999999999999999999.9x",
            "GBP",
            "error: expected a decimal amount such as \"12.99\"",
        );
        // The bound, MAX_AMOUNT, either side of zero, in currencies of each exponent.
        check(
            "10,000,000,000,000.00",
            "GBP",
            "1000000000000000 = 10000000000000.00",
        );
        check("10000000000000.01", "GBP", out);
        check(
            "-10000000000000",
            "USD",
            "-1000000000000000 = -10000000000000.00",
        );
        check("-10000000000000.01", "USD", out);
        check(
            "1000000000000000",
            "JPY",
            "1000000000000000 = 1000000000000000",
        );
        check("1000000000000001", "JPY", out);
        check(
            "1000000000000.000",
            "KWD",
            "1000000000000000 = 1000000000000.000",
        );
        check("1000000000000.001", "KWD", out);
        check("92233720368547758.07", "USD", out);
        check("9223372036854775807", "JPY", out);
        check("-9223372036854775808", "JPY", out);
        check(" 1,234,567.891 ", "KWD", "1234567891 = 1234567.891");
        check("1234,567", "USD", "123456700 = 1234567.00");
        check("-.5", "USD", "-50 = -0.50");
        check("5.", "USD", "500 = 5.00");
        check("-0", "USD", "0 = 0.00");
        check("0.05", "USD", "5 = 0.05");
        check("-0.05", "USD", "-5 = -0.05");
        check(
            "0.00005",
            "CLF",
            "error: more decimal places than the currency has",
        );
        check("0.0005", "CLF", "5 = 0.0005");
        for bad in [
            "-",
            ".",
            "-.",
            "1,",
            ",1",
            "1,,234",
            "1,23",
            "1,2345",
            "1.2.3",
            "1.-2",
            "--1",
            "+1",
            "1 000",
            "1_000",
            "١",
            "1.5e2",
            "0x10",
            "1,234.5,6",
        ] {
            check(
                bad,
                "USD",
                "error: expected a decimal amount such as \"12.99\"",
            );
        }
    }

    #[test]
    fn the_bound_is_written_as_it_is() {
        assert_eq!(MAX_AMOUNT, 10i64.pow(15));
    }

    #[test]
    fn currency_codes() {
        assert_eq!(
            Currency::parse("gbp").map(|c| c.code().to_owned()),
            Some("GBP".into())
        );
        assert_eq!(Currency::parse("GB"), None);
        assert_eq!(Currency::parse("G1P"), None);
        for (codes, exponent) in [
            (
                "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
                0,
            ),
            ("BHD IQD JOD KWD LYD OMR TND", 3),
            ("CLF UYW", 4),
            ("GBP USD EUR CHF AUD XXX AAA IFC FCL PDJ UYX", 2),
        ] {
            for code in codes.split(' ') {
                let c = Currency::parse(code).expect("test currency");
                assert_eq!(c.exponent(), exponent, "{code}");
            }
        }
    }
}
