//! CSV tables read by header name, never by position.

use std::io::Read;

use csv::StringRecord;

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
}

impl Table {
    /// Reads the header of an already open source; `path` names it in messages.
    pub fn from_reader(path: &str, source: Box<dyn Read>, size: u64) -> Result<Table> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .buffer_capacity(1 << 16)
            .from_reader(source);
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                return Err(BuildError::input(
                    path,
                    format!("cannot read the header: {e}"),
                ))
            }
        };
        let keys = headers.iter().map(normalise_header).collect::<Vec<_>>();
        if keys.iter().all(String::is_empty) {
            return Err(BuildError::input(path, "the file is empty (no header row)"));
        }
        Ok(Table {
            path: path.to_owned(),
            keys,
            reader,
            size,
        })
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
    /// the CSV reader cannot read (invalid UTF-8, broken quoting) is recorded in `summary` and
    /// skipped; an I/O error ends the table with a problem.
    pub fn next(&mut self, rec: &mut StringRecord, summary: &mut Summary) -> Option<u64> {
        loop {
            match self.reader.read_record(rec) {
                Ok(true) => return Some(rec.position().map_or(0, |p| p.line())),
                Ok(false) => return None,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    let io = matches!(e.kind(), csv::ErrorKind::Io(_));
                    summary.problem(&self.path, line, describe_csv_error(&e));
                    if io {
                        return None;
                    }
                }
            }
        }
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        self.reader.position().byte()
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
