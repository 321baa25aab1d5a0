//! The one place the wasm modules read a clock.

use wasm_bindgen::JsValue;

/// Where "now" comes from: `Date.now()`, or the `now` function of the options (tests pass one
/// to control time).
#[derive(Default)]
pub struct Clock(pub Option<js_sys::Function>);

impl Clock {
    /// Unix milliseconds.
    pub fn now(&self) -> i64 {
        self.0
            .as_ref()
            .and_then(|f| f.call0(&JsValue::NULL).ok())
            .and_then(|v| v.as_f64())
            .unwrap_or_else(js_sys::Date::now) as i64
    }
}
