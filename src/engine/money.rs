//! Money: integer minor units with their currency, never a float.

/// An amount of money in minor units (pence, cents; whole yen) of `currency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 code, upper case.
    pub currency: Currency,
}

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
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point (ISO 4217): 0 for JPY, 3 for KWD, 2 for most.
    pub fn exponent(&self) -> u32 {
        match self.code() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            "CLF" | "UYW" => 4,
            _ => 2,
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
    /// Does not fit.
    OutOfRange,
}

impl DecimalError {
    /// The error's text, for building messages without the formatter.
    pub fn message(&self) -> &'static str {
        match self {
            DecimalError::NotDecimal => "expected a decimal amount such as \"12.99\"",
            DecimalError::TooPrecise => "more decimal places than the currency has",
            DecimalError::OutOfRange => "amount out of range",
        }
    }
}

/// Reads a decimal string such as `"12.99"`, `"1,299.00"` or `"-3"` into minor units of a currency
/// with `exponent` decimals, exactly (no float round trip). Thousands separators `,` are allowed
/// before the point; trailing zeros beyond the exponent are accepted ("12.990" is 1299 for GBP).
pub fn parse_decimal(text: &str, exponent: u32) -> Result<i64, DecimalError> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (int_part, frac_part) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    let int_digits: String = int_part.chars().filter(|&c| c != ',').collect();
    if int_digits.is_empty() && frac_part.is_empty()
        || !int_digits.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
        || int_part.split(',').skip(1).any(|group| group.len() != 3)
        || int_part.starts_with(',')
    {
        return Err(DecimalError::NotDecimal);
    }
    let exp = exponent as usize;
    let (kept, dropped) = frac_part.split_at(frac_part.len().min(exp));
    if dropped.bytes().any(|b| b != b'0') {
        return Err(DecimalError::TooPrecise);
    }
    let mut amount: i64 = 0;
    for b in int_digits.bytes().chain(kept.bytes()) {
        amount = amount
            .checked_mul(10)
            .and_then(|a| a.checked_add(i64::from(b - b'0')))
            .ok_or(DecimalError::OutOfRange)?;
    }
    for _ in kept.len()..exp {
        amount = amount.checked_mul(10).ok_or(DecimalError::OutOfRange)?;
    }
    Ok(if negative { -amount } else { amount })
}

/// Writes minor units as a plain decimal string with the currency's exponent: `1299` → `"12.99"`,
/// `1200` JPY → `"1200"`. For machine-readable payloads; shoppers see `Intl.NumberFormat`.
pub fn to_decimal(amount: i64, exponent: u32) -> String {
    let digits = amount.unsigned_abs().to_string();
    let exp = exponent as usize;
    let padded = if digits.len() <= exp {
        format!("{}{}", "0".repeat(exp + 1 - digits.len()), digits)
    } else {
        digits
    };
    let (i, f) = padded.split_at(padded.len() - exp);
    let sign = if amount < 0 { "-" } else { "" };
    if exp == 0 {
        format!("{sign}{i}")
    } else {
        format!("{sign}{i}.{f}")
    }
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
        check("99999999999999999999", "GBP", "error: amount out of range");
    }

    #[test]
    fn currency_codes() {
        assert_eq!(
            Currency::parse("gbp").map(|c| c.code().to_owned()),
            Some("GBP".into())
        );
        assert_eq!(Currency::parse("GB"), None);
        assert_eq!(Currency::parse("G1P"), None);
    }
}
