//! CSV tables read by header name, never by position.
//!
//! Rows are read through an [`input::Source`](super::input), within its limits. A row the CSV
//! reader cannot read is reported and skipped; but a quote that is never closed makes the reader
//! take the rows after it as the text of one field, and those rows would be lost without a word.
//! So a row whose fields run over several lines stops the run, naming its line, when its field
//! count differs from the header's or a field that never holds a line break ([`Table::one_line`])
//! has one.

use std::io::Read;

use csv::StringRecord;

use super::input::{self, Marks};
use super::report::{BuildError, Result, Summary};

/// A CSV file with a header row.
pub(crate) struct Table {
    /// The file name used in messages.
    pub path: String,
    /// Header names, trimmed and lower-cased.
    keys: Vec<String>,
    reader: csv::Reader<Box<dyn Read>>,
    /// Size in bytes when known (for progress).
    pub size: u64,
    marks: Marks,
    /// Columns whose values never span lines (ids, names, prices).
    one_line: Vec<usize>,
}

impl Table {
    /// Opens `path` and reads its header.
    pub fn open(path: &str) -> Result<Table> {
        let (source, size) = input::open_table(path)?;
        let marks = source.marks();
        Table::with_marks(path, Box::new(source), size, marks)
    }

    /// Reads a table from CSV text (tests, stdin); `path` names it in messages.
    pub fn from_text(path: &str, text: &str) -> Result<Table> {
        Table::from_reader(path, Box::new(std::io::Cursor::new(text.to_owned())), 0)
    }

    /// Reads a table from `reader` (a file or a download), within the limits of an
    /// [`input::Source`]; `path` names it in messages, `size` is its length when known.
    pub fn from_reader(path: &str, reader: Box<dyn Read>, size: u64) -> Result<Table> {
        let source = input::Source::table(reader);
        let marks = source.marks();
        Table::with_marks(path, Box::new(source), size, marks)
    }

    /// Reads the header of an open source; `marks` is the handle of the [`input::Source`] it is.
    pub(crate) fn with_marks(
        path: &str,
        source: Box<dyn Read>,
        size: u64,
        marks: Marks,
    ) -> Result<Table> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .buffer_capacity(1 << 16)
            .from_reader(source);
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(csv_error(path, e)),
        };
        let keys = headers.iter().map(normalise_header).collect::<Vec<_>>();
        if keys.iter().all(String::is_empty) {
            return Err(BuildError::input(path, "the file is empty (no header row)"));
        }
        let start = reader.position();
        marks.row_starts(start.byte(), start.line());
        Ok(Table {
            path: path.to_owned(),
            keys,
            reader,
            size,
            marks,
            one_line: Vec::new(),
        })
    }

    /// Declares columns whose values never hold a line break (see the module docs).
    pub fn one_line(&mut self, columns: &[Option<usize>]) {
        self.one_line.extend(columns.iter().flatten());
    }

    /// The index of the first column called any of `names` (compared trimmed, ignoring case).
    pub fn find(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| {
            let n = n.to_ascii_lowercase();
            self.keys.iter().position(|k| *k == n)
        })
    }

    /// Like [`Table::find`], but a missing column is an error naming `names[0]`.
    pub fn require(&self, names: &[&str]) -> Result<usize> {
        self.find(names).ok_or_else(|| {
            let mut found = self
                .keys
                .iter()
                .take(12)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if self.keys.len() > 12 {
                found.push_str(", …");
            }
            BuildError::MissingColumn {
                path: self.path.clone(),
                column: names.join("\" or \""),
                found,
            }
        })
    }

    /// True when the header has a column called `name`.
    pub fn has(&self, name: &str) -> bool {
        self.find(&[name]).is_some()
    }

    /// Number of columns in the header.
    pub fn width(&self) -> usize {
        self.keys.len()
    }

    /// Reads the next row into `rec` and returns its line number; `None` at the end. A row
    /// the CSV reader cannot read (invalid UTF-8) is recorded in `summary` and skipped; a read
    /// error, a limit of [`input`] or an unclosed quote stops the run.
    pub fn next(&mut self, rec: &mut StringRecord, summary: &mut Summary) -> Result<Option<u64>> {
        loop {
            let read = self.reader.read_record(rec);
            let next = self.reader.position();
            self.marks.row_starts(next.byte(), next.line());
            match read {
                Ok(true) => {
                    let line = rec.position().map_or(0, |p| p.line());
                    if memchr::memchr(b'\n', rec.as_slice().as_bytes()).is_some() {
                        self.check_lines(rec, line)?;
                    }
                    return Ok(Some(line));
                }
                Ok(false) => return Ok(None),
                Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
                    let line = e.position().map_or(0, |p| p.line());
                    summary.problem(&self.path, line, describe_csv_error(&e));
                }
                Err(e) => return Err(csv_error(&self.path, e)),
            }
        }
    }

    /// A row whose fields span lines: the rows after an unclosed quote, or a legitimate
    /// multi-line text (a product description)?
    fn check_lines(&self, rec: &StringRecord, line: u64) -> Result<()> {
        let last = line + line_breaks(rec.as_slice().as_bytes());
        let unclosed = |what: String| unclosed_quote(&self.path, line, last, &what);
        if rec.len() != self.keys.len() {
            return Err(unclosed(format!(
                "leaves the row with {} fields where the header has {}",
                rec.len(),
                self.keys.len()
            )));
        }
        if let Some(&col) = self
            .one_line
            .iter()
            .find(|&&c| rec.get(c).is_some_and(|f| f.contains('\n')))
        {
            return Err(unclosed(format!(
                "puts a line break in column \"{}\"",
                self.keys[col]
            )));
        }
        Ok(())
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        self.reader.position().byte()
    }
}

/// Line breaks inside a row's fields; one at the very end (an unclosed quote at the end of the
/// file) does not start another line.
pub(crate) fn line_breaks(row: &[u8]) -> u64 {
    let row = row.strip_suffix(b"\n").unwrap_or(row);
    memchr::memchr_iter(b'\n', row).count() as u64
}

/// The error for a quoted field that runs from `line` to `last` and `what` it does wrong.
pub(crate) fn unclosed_quote(path: &str, line: u64, last: u64, what: &str) -> BuildError {
    BuildError::at(
        path,
        line,
        format!(
            "a quoted field runs from this line to line {last} and {what}: a quote that is never closed? The rows in it would be lost; close the quote (a quote inside a quoted field is written twice: \"\")"
        ),
    )
}

/// The run-stopping error for a CSV error in `path`.
pub(crate) fn csv_error(path: &str, e: csv::Error) -> BuildError {
    let line = e.position().map_or(0, |p| p.line());
    if !matches!(e.kind(), csv::ErrorKind::Io(_)) {
        return BuildError::at(path, line, describe_csv_error(&e));
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => input::to_build_error(path, io),
        other => BuildError::at(path, line, format!("unreadable row: {other:?}")),
    }
}

fn describe_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text (save the file as UTF-8)".to_owned(),
        csv::ErrorKind::Io(io) => format!("read error: {io}"),
        _ => format!("unreadable row: {e}"),
    }
}

fn normalise_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()
}

/// The trimmed field `i` of `rec`, empty when the row is shorter.
pub(crate) fn field(rec: &StringRecord, i: Option<usize>) -> &str {
    i.and_then(|i| rec.get(i)).map_or("", str::trim)
}
