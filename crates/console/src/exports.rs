//! What the console module exports to its Web Worker (`www/console/worker.js`). Every answer is
//! JSON text; nothing throws.

use std::io::Read;

use crossbuy_builder::progress::Progress;
use crossbuy_builder::report::{BuildError, Result};
use crossbuy_builder::source::Sources;
use js_sys::{Array, Function, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::session::{self, Session};

/// Bytes asked of the page per read: large enough that the calls cost nothing, small enough
/// that a 300 MB export is never in memory whole.
const CHUNK: u32 = 4 << 20;

/// The dropped files (`Blob`s, by name), read through `read(blob, offset, length)`, which
/// returns a `Uint8Array` (the worker's `FileReaderSync`).
struct Blobs {
    files: Vec<(String, JsValue, u64)>,
    read: Function,
}

impl Sources for Blobs {
    fn open(&self, name: &str) -> Result<(Box<dyn Read>, u64)> {
        let (_, blob, size) = self
            .files
            .iter()
            .find(|(n, _, _)| n == name)
            .ok_or_else(|| BuildError::input(name, "no such file was dropped"))?;
        Ok((
            Box::new(BlobReader {
                blob: blob.clone(),
                read: self.read.clone(),
                offset: 0,
                size: *size,
                chunk: Vec::new(),
                at: 0,
            }),
            *size,
        ))
    }

    fn expand(&self, names: &[String]) -> Result<Vec<String>> {
        Ok(names.to_vec())
    }
}

/// The dropped files, `[[name, blob], …]`, with their sizes.
fn dropped(files: &Array) -> Vec<(String, JsValue, u64)> {
    files
        .iter()
        .filter_map(|pair| {
            let pair = Array::from(&pair);
            let name = pair.get(0).as_string()?;
            let blob = pair.get(1);
            let size = js_sys::Reflect::get(&blob, &JsValue::from_str("size"))
                .ok()?
                .as_f64()? as u64;
            Some((name, blob, size))
        })
        .collect()
}

/// Reads a `Blob` a chunk at a time.
struct BlobReader {
    blob: JsValue,
    read: Function,
    offset: u64,
    size: u64,
    chunk: Vec<u8>,
    at: usize,
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.chunk.len() {
            if self.offset >= self.size {
                return Ok(0);
            }
            let bytes = self
                .read
                .call3(
                    &JsValue::NULL,
                    &self.blob,
                    &JsValue::from_f64(self.offset as f64),
                    &JsValue::from_f64(f64::from(CHUNK)),
                )
                .map_err(|e| {
                    std::io::Error::other(
                        e.as_string()
                            .unwrap_or_else(|| "cannot read the file".to_owned()),
                    )
                })?;
            let bytes = Uint8Array::new(&bytes);
            self.chunk.resize(bytes.length() as usize, 0);
            bytes.copy_to(&mut self.chunk);
            self.at = 0;
            self.offset += self.chunk.len() as u64;
            if self.chunk.is_empty() {
                self.offset = self.size;
                return Ok(0);
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Tells the page how far the build is: at a phase's start and end, and at most every 1% of
/// the file (checked every 1,024 rows, so the worker's loop stays cheap).
struct JsProgress {
    callback: Function,
    label: &'static str,
    total: u64,
    calls: u32,
    reported: u64,
}

impl JsProgress {
    fn tell(&self, at: u64) {
        let _ = self.callback.call3(
            &JsValue::NULL,
            &JsValue::from_str(self.label),
            &JsValue::from_f64(at as f64),
            &JsValue::from_f64(self.total as f64),
        );
    }
}

impl Progress for JsProgress {
    fn start(&mut self, label: &'static str, total: u64) {
        self.label = label;
        self.total = total;
        self.calls = 0;
        self.reported = 0;
        self.tell(0);
    }

    fn at(&mut self, position: u64) {
        self.calls = self.calls.wrapping_add(1);
        if self.calls % 1024 == 0
            && position.saturating_sub(self.reported) * 100 >= self.total.max(1 << 20)
        {
            self.reported = position;
            self.tell(position);
        }
    }

    fn done(&mut self) {
        self.tell(self.total);
    }
}

/// A console session (one per worker).
#[wasm_bindgen]
pub struct Console {
    session: Session,
}

#[wasm_bindgen]
impl Console {
    /// No build yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Console {
        Console {
            session: Session::new(),
        }
    }

    /// Builds from the dropped files (`[[name, blob], …]`) as `crossbuy snapshot` would, with
    /// `request` (JSON: platform, the files by role, crossbuy.toml's text, overrides).
    /// `read(blob, offset, length)` returns the bytes; `progress(phase, bytes, total)` hears
    /// how far it is.
    pub fn build(
        &mut self,
        request: &str,
        files: Array,
        read: Function,
        progress: Function,
    ) -> String {
        let sources = Blobs {
            files: dropped(&files),
            read,
        };
        let mut progress = JsProgress {
            callback: progress,
            label: "",
            total: 0,
            calls: 0,
            reported: 0,
        };
        self.session
            .build(request, &sources, &mut progress)
            .to_string()
    }

    /// `crossbuy report` on the dropped orders export from after installation (`files`: the
    /// orders and, optionally, the catalog that was live; `request`: JSON with their names and
    /// the report's options), or the command's named error.
    pub fn measure(&self, request: &str, files: Array, read: Function) -> String {
        let sources = Blobs {
            files: dropped(&files),
            read,
        };
        self.session.measure(request, &sources).to_string()
    }

    /// The catalog snapshot just built (`""` before a build).
    pub fn catalog(&self) -> String {
        self.session.catalog_json().to_owned()
    }

    /// The products to pick, those with recommendations first.
    pub fn products(&self) -> String {
        self.session.products().to_string()
    }

    /// Up to `n` real carts from the orders.
    pub fn carts(&self, n: usize) -> String {
        self.session.carts(n).to_string()
    }

    /// What the widget shows for `items` (JSON array of ids) and why.
    pub fn explain(&self, items: &str, limit: usize) -> String {
        self.session.explain(items, limit).to_string()
    }

    /// `crossbuy eval` on both tasks.
    pub fn eval(&self) -> String {
        self.session.eval().to_string()
    }

    /// The sharded catalog as one zip; empty before a build.
    #[wasm_bindgen(js_name = shardsZip)]
    pub fn shards_zip(&self) -> Vec<u8> {
        self.session.shards_zip().unwrap_or_default()
    }
}

impl Default for Console {
    fn default() -> Self {
        Console::new()
    }
}

/// `crossbuy.toml` from the form's JSON, or the named error.
#[wasm_bindgen(js_name = configFromForm)]
pub fn config_from_form(form: &str) -> String {
    session::config_from_form(form).to_string()
}

/// A `crossbuy.toml` read back for the form, or the named error.
#[wasm_bindgen(js_name = configRead)]
pub fn config_read(name: &str, text: &str) -> String {
    session::config_read(name, text).to_string()
}
