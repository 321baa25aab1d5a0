//! Input files read within bounds, so that no file (a device such as `/dev/zero`, a file saved
//! in the wrong format, a row with an unclosed quote) can make the builder read without end or
//! take the machine's memory.
//!
//! Every file the builder reads goes through a [`Source`], which
//! - stops at [`MAX_FILE_BYTES`] for a table and [`MAX_TEXT_BYTES`] for a file read whole
//!   (JSON, TOML),
//! - stops at a row longer than [`MAX_ROW_BYTES`] (the reader marks where each row starts),
//! - refuses a NUL byte, which no text file has (a UTF-16 or binary file), naming its line,
//! - and reads a lone carriage return (old Mac line endings) as a line feed, so that line
//!   numbers and one-line-per-basket files work whatever the line endings; CRLF stays as is.
//!
//! A limit reached is an [`InputError`] inside the `io::Error` the reader returns;
//! [`to_build_error`] turns it into a [`BuildError::At`] naming `file:line`.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read};
use std::rc::Rc;

use super::report::{BuildError, Result};

/// The largest table file read (4 GiB): a Shopify orders export of about 25 million lines.
/// Below it every count fits the builder's 32-bit item and order indices.
pub const MAX_FILE_BYTES: u64 = 4 << 30;

/// The largest file read whole (256 MiB): the shop's product JSON pages, `crossbuy.toml`, a
/// snapshot given to `crossbuy recommend`.
pub const MAX_TEXT_BYTES: u64 = 256 << 20;

/// The longest row read (1 MiB, over all its lines when a quoted field spans lines). Rows up to
/// this size are always read; a longer one stops the run at most 256 KiB (what readers buffer
/// ahead) after it.
pub const MAX_ROW_BYTES: u64 = 1 << 20;

/// How far past a row's limit the readers above a [`Source`] may have asked for bytes.
const READ_AHEAD: u64 = 256 << 10;

/// A limit that was reached, and the line it was reached at (0: the whole file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    /// The 1-based line, or 0 when the message is about the whole file.
    pub line: u64,
    /// What is wrong, and what to do.
    pub message: String,
}

/// Where the row being read starts: the readers update it after each row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowStart {
    /// Byte offset from the start of the file.
    pub byte: u64,
    /// 1-based line.
    pub line: u64,
}

/// A shared handle on a [`Source`]'s row start and what it noticed, kept by the reader above it.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    row: Rc<Cell<RowStart>>,
    lone_cr: Rc<Cell<bool>>,
}

impl Marks {
    /// Tells the source that a row starts at `byte`, on `line`.
    pub fn row_starts(&self, byte: u64, line: u64) {
        self.row.set(RowStart { byte, line });
    }

    /// True when the file had a carriage return without a line feed (read as a line end).
    pub fn saw_lone_cr(&self) -> bool {
        self.lone_cr.get()
    }
}

/// A reader with the limits of this module (see the module docs).
#[derive(Debug)]
pub struct Source<R> {
    inner: R,
    limit: u64,
    what: &'static str,
    /// Whether rows are limited to [`MAX_ROW_BYTES`] (tables).
    rows: bool,
    /// Bytes handed out so far.
    delivered: u64,
    /// Line feeds handed out so far.
    lines: u64,
    /// A carriage return held back from the end of a read until the next byte is known.
    carry: bool,
    marks: Marks,
}

impl<R: Read> Source<R> {
    /// A table source: [`MAX_FILE_BYTES`], rows of [`MAX_ROW_BYTES`].
    pub fn table(inner: R) -> Source<R> {
        Source::new(inner, MAX_FILE_BYTES, "a table", true)
    }

    fn new(inner: R, limit: u64, what: &'static str, rows: bool) -> Source<R> {
        Source {
            inner,
            limit,
            what,
            rows,
            delivered: 0,
            lines: 0,
            carry: false,
            marks: Marks {
                row: Rc::new(Cell::new(RowStart { byte: 0, line: 1 })),
                lone_cr: Rc::new(Cell::new(false)),
            },
        }
    }

    /// The handle the reader above uses to mark rows.
    pub fn marks(&self) -> Marks {
        self.marks.clone()
    }

    fn fail(&self, line: u64, message: String) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, InputError { line, message })
    }
}

fn mib(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        format!("{} GiB", bytes >> 30)
    } else {
        format!("{} MiB", bytes >> 20)
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            let held = usize::from(self.carry);
            if self.carry {
                out[0] = b'\r';
                self.carry = false;
            }
            let n = if out.len() > held {
                self.inner.read(&mut out[held..])?
            } else {
                0
            };
            let mut len = held + n;
            if n == 0 {
                // The end of the file: a carriage return held back is a line end of its own.
                if held == 1 {
                    out[0] = b'\n';
                    self.marks.lone_cr.set(true);
                }
            } else if out[len - 1] == b'\r' {
                // Whether it is CRLF shows only with the next byte.
                self.carry = true;
                len -= 1;
                if len == 0 {
                    continue;
                }
            }
            let chunk = &mut out[..len];
            let mut from = 0;
            while let Some(k) = memchr::memchr(b'\r', &chunk[from..]) {
                let i = from + k;
                if chunk.get(i + 1) != Some(&b'\n') {
                    chunk[i] = b'\n';
                    self.marks.lone_cr.set(true);
                }
                from = i + 1;
            }
            if let Some(at) = memchr::memchr(0, chunk) {
                let line = self.lines + memchr::memchr_iter(b'\n', &chunk[..at]).count() as u64 + 1;
                return Err(self.fail(
                    line,
                    "a NUL byte: this is not a text file (UTF-16 or binary?); save it as CSV UTF-8"
                        .to_owned(),
                ));
            }
            self.lines += memchr::memchr_iter(b'\n', chunk).count() as u64;
            self.delivered += len as u64;
            if self.delivered > self.limit {
                return Err(self.fail(
                    0,
                    format!(
                        "larger than {}, the most crossbuy reads from {}",
                        mib(self.limit),
                        self.what
                    ),
                ));
            }
            let row = self.marks.row.get();
            if self.rows && self.delivered.saturating_sub(row.byte) > MAX_ROW_BYTES + READ_AHEAD {
                return Err(self.fail(
                    row.line,
                    format!(
                        "a row longer than {}, the most crossbuy reads (a quote that is never closed, or not a CSV file?)",
                        mib(MAX_ROW_BYTES)
                    ),
                ));
            }
            return Ok(len);
        }
    }
}

/// Opens `path` as a table source.
pub fn open_table(path: &str) -> Result<(Source<File>, u64)> {
    let (file, size) = open_file(path)?;
    Ok((Source::table(file), size))
}

/// Opens `path`, refusing a file over [`MAX_FILE_BYTES`]; returns it with its size (0 when
/// unknown: a device or a pipe, which the [`Source`] read from it bounds).
pub fn open_file(path: &str) -> Result<(File, u64)> {
    let file = File::open(path).map_err(|e| BuildError::io(path, e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err(BuildError::input(
            path,
            format!(
                "{} MiB is larger than {}, the most crossbuy reads from a table",
                size >> 20,
                mib(MAX_FILE_BYTES)
            ),
        ));
    }
    Ok((file, size))
}

/// The builder's error for an I/O error while reading `path`: a limit of this module names
/// `path:line`, anything else is the operating system's message.
pub fn to_build_error(path: &str, e: io::Error) -> BuildError {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<InputError>())
    {
        Some(limit) if limit.line > 0 => BuildError::at(path, limit.line, limit.message.clone()),
        Some(limit) => BuildError::input(path, limit.message.clone()),
        None => BuildError::io(path, e),
    }
}

/// Reads a whole text file (JSON, TOML) of at most [`MAX_TEXT_BYTES`] as UTF-8.
pub fn read_text(path: &str) -> Result<String> {
    let file = File::open(path).map_err(|e| BuildError::io(path, e))?;
    read_text_from(path, file)
}

/// [`read_text`] from an open reader; `path` names it in messages.
pub fn read_text_from(path: &str, reader: impl Read) -> Result<String> {
    let mut source = Source::new(reader, MAX_TEXT_BYTES, "a JSON or TOML file", false);
    let mut bytes = Vec::new();
    loop {
        let mut buf = [0u8; 1 << 16];
        match source.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(to_build_error(path, e)),
        }
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        BuildError::at(
            path,
            memchr::memchr_iter(b'\n', valid).count() as u64 + 1,
            "not valid UTF-8 text (save the file as UTF-8)",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` through a source in reads of `step` bytes; returns the text or the error.
    fn through(input: &[u8], step: usize) -> std::result::Result<String, String> {
        struct Steps<'a>(&'a [u8], usize);
        impl Read for Steps<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        Source::table(Steps(input, step))
            .read_to_end(&mut out)
            .map_err(|e| to_build_error("f.csv", e).to_string())?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn check(input: &[u8], expected: &str) {
        for step in [1, 2, 3, 7, 1 << 16] {
            let got = through(input, step).unwrap_or_else(|e| format!("error: {e}"));
            assert_eq!(got, expected, "{input:?} in reads of {step}");
        }
    }

    #[test]
    fn line_ends_become_line_feeds_and_crlf_stays() {
        check(b"a,b\rc,d\r", "a,b\nc,d\n");
        check(b"a,b\r\nc,d\r\n", "a,b\r\nc,d\r\n");
        check(b"a\r\rb\r\n\rc", "a\n\nb\r\n\nc");
        check(b"\r", "\n");
        check(b"", "");
    }

    #[test]
    fn a_nul_byte_is_not_text() {
        check(
            b"id,title\np1,Tea\r\np2,\0",
            "error: f.csv:3: a NUL byte: this is not a text file (UTF-16 or binary?); save it as CSV UTF-8",
        );
        check(
            b"\xff\xfei\0d\0",
            "error: f.csv:1: a NUL byte: this is not a text file (UTF-16 or binary?); save it as CSV UTF-8",
        );
    }

    #[test]
    fn a_row_without_end_stops_at_the_row_limit() {
        let mut long = b"id\np1\n".to_vec();
        long.resize(long.len() + (MAX_ROW_BYTES + READ_AHEAD) as usize + 1, b'x');
        let got = through(&long, 1 << 16);
        assert_eq!(
            got.map(|t| t.len()),
            Err("f.csv:1: a row longer than 1 MiB, the most crossbuy reads (a quote that is never closed, or not a CSV file?)".to_owned()),
            "no reader marked a row, so the row is the file's first"
        );
        // A row of exactly the limit is read.
        let mut ok = b"id\n".to_vec();
        ok.resize(3 + MAX_ROW_BYTES as usize, b'x');
        let mut source = Source::table(&ok[..]);
        source.marks().row_starts(3, 2);
        let mut out = Vec::new();
        assert_eq!(source.read_to_end(&mut out).ok(), Some(ok.len()));
    }

    #[test]
    fn a_device_without_end_is_refused_at_once() {
        let mut source = Source::table(io::repeat(0));
        let mut buf = [0u8; 1024];
        let e = source
            .read(&mut buf)
            .map_err(|e| to_build_error("/dev/zero", e).to_string());
        assert_eq!(
            e,
            Err("/dev/zero:1: a NUL byte: this is not a text file (UTF-16 or binary?); save it as CSV UTF-8".to_owned())
        );
        let mut source = Source::new(io::repeat(b'y'), 1 << 20, "a table", false);
        let mut n = 0u64;
        let e = loop {
            match source.read(&mut buf) {
                Ok(k) => n += k as u64,
                Err(e) => break to_build_error("yes", e).to_string(),
            }
        };
        assert_eq!(
            e,
            "yes: larger than 1 MiB, the most crossbuy reads from a table"
        );
        assert!(n <= 1 << 20, "{n}");
    }
}
