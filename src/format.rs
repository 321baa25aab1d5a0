//! Money for the shopper's eyes, through the browser's `Intl.NumberFormat`.
//!
//! Amounts cross as exact decimal strings (`"12.99"`, from integer minor units), which
//! `Intl.NumberFormat.prototype.format` reads without a float round trip.

use wasm_bindgen::prelude::*;

use crossbuy_engine::money::{to_decimal, Currency};

#[wasm_bindgen]
extern "C" {
    /// `Intl.NumberFormat`, bound here (not through `js_sys::Intl`) so that a malformed
    /// locale tag, which makes the constructor throw a `RangeError`, comes back as an `Err`
    /// instead of unwinding through the page.
    #[wasm_bindgen(js_namespace = Intl)]
    type NumberFormat;

    #[wasm_bindgen(catch, constructor, js_namespace = Intl)]
    fn new(locales: &JsValue, options: &JsValue) -> Result<NumberFormat, JsValue>;

    #[wasm_bindgen(method)]
    fn format(this: &NumberFormat, value: &str) -> String;
}

/// Formats amounts of one currency, and plain numbers, for one locale.
pub(crate) struct MoneyFormat {
    currency: Currency,
    intl: Option<NumberFormat>,
    numbers: Option<NumberFormat>,
}

impl MoneyFormat {
    /// The first of `locales` the browser accepts, else its default locale. Should even that
    /// fail, amounts show as `GBP 12.99`.
    pub(crate) fn new(currency: Currency, locales: &[Option<&str>]) -> MoneyFormat {
        let options = js_sys::Object::new();
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&options, &"style".into(), &"currency".into());
        let _ = js_sys::Reflect::set(&options, &"currency".into(), &currency.code().into());
        let intl = |options: &JsValue| {
            for &locale in locales.iter().flatten() {
                if let Ok(intl) = NumberFormat::new(&locale.into(), options) {
                    return Some(intl);
                }
            }
            NumberFormat::new(&JsValue::UNDEFINED, options).ok()
        };
        MoneyFormat {
            currency,
            intl: intl(&options),
            numbers: intl(&JsValue::UNDEFINED),
        }
    }

    /// A decimal number such as `"1203"` or `"4.8"` in the locale's digits and separators:
    /// `"1,203"`, `"4,8"`, `"٤٫٨"`.
    pub(crate) fn number(&self, decimal: &str) -> String {
        match &self.numbers {
            Some(intl) => intl.format(decimal),
            None => decimal.to_owned(),
        }
    }

    /// `1299` → `"£12.99"` (en-GB, GBP), `"12,99 €"` (de-DE, EUR).
    pub(crate) fn format(&self, minor_units: i64) -> String {
        let decimal = to_decimal(minor_units, self.currency.exponent());
        match &self.intl {
            Some(intl) => intl.format(&decimal),
            None => self.currency.code().to_owned() + " " + &decimal,
        }
    }
}
