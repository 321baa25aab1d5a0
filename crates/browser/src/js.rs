//! Small JavaScript helpers shared by the shell. Each distinct browser method the wasm imports
//! costs a shim in the glue and an import in the module, so plain properties are read and set
//! through `Reflect` and the globals through `globalThis`, rather than through a binding each.
//! Every callback JavaScript calls is a `FnMut(JsValue)`: each other closure signature would
//! add its own invoke shim to the glue and the module.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, as `window.fetch`.
    #[wasm_bindgen(js_name = fetch)]
    pub fn fetch(url: &str, init: &Object) -> JsValue;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &JsValue, ms: u32) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// A callback JavaScript may call (with one argument, or none).
pub type Callback = Closure<dyn FnMut(JsValue)>;

/// A property of a JavaScript value (`undefined` when missing or when reading it throws).
pub fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or_default()
}

/// Sets a property on a plain object (which cannot fail, so the result is not looked at).
pub fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// A property that holds an object (`None` for `null`, `undefined` or a primitive), such as
/// an element's `shadowRoot` or `ownerDocument`.
pub fn object<T: JsCast>(of: &JsValue, key: &str) -> Option<T> {
    Some(get(of, key))
        .filter(JsValue::is_object)
        .map(JsCast::unchecked_into)
}

/// A global such as `document` or `localStorage`, when it is an object (reading
/// `localStorage` throws where storage is disabled: then `None`).
pub fn global<T: JsCast>(name: &str) -> Option<T> {
    object(&js_sys::global(), name)
}

/// A string property, such as an element's `tagName` or `textContent` (`""` when it is not
/// a string).
pub fn text(of: &JsValue, key: &str) -> String {
    get(of, key).as_string().unwrap_or_default()
}

/// An event listener that is removed when dropped, like gloo's `EventListener` without the
/// options it passes (and their imports). The one listener of every crossbuy module.
#[must_use = "the listener is removed when this is dropped"]
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Callback,
}

impl Listener {
    /// Starts listening to `kind` events on `target`.
    pub fn new(
        target: &EventTarget,
        kind: &'static str,
        callback: Box<dyn FnMut(JsValue)>,
    ) -> Listener {
        let callback = Closure::wrap(callback);
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        Listener {
            target: target.clone(),
            kind,
            callback,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let f = self.callback.as_ref().unchecked_ref();
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, f);
    }
}

/// A `setTimeout` that is cleared when dropped, like gloo's `Timeout`. The one timer of every
/// crossbuy module.
#[must_use = "the timer is cleared when this is dropped"]
pub struct Timeout {
    id: JsValue,
    _callback: Callback,
}

impl Timeout {
    /// Calls `callback` in `ms` milliseconds.
    pub fn new(ms: u32, callback: Box<dyn FnMut(JsValue)>) -> Timeout {
        let callback = Closure::wrap(callback);
        Timeout {
            id: set_timeout(callback.as_ref(), ms),
            _callback: callback,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}
