//! Where the builder's inputs come from: files on disk (the `crossbuy` command) or bytes
//! already in memory (the browser console, which has no file system). Every importer reads
//! from a [`Sources`], so the command line and the console share one importer per format.

use std::cell::RefCell;
use std::io::Read;

use super::report::{BuildError, Result};

/// The inputs of a build, opened by the names the build input gives them.
pub trait Sources {
    /// Opens the input called `name`; its size in bytes when known (0 otherwise).
    fn open(&self, name: &str) -> Result<(Box<dyn Read>, u64)>;

    /// The inputs a list of names stands for (on disk, a directory stands for its `.json`
    /// files, shorter names first: `products-2.json` before `products-10.json`).
    fn expand(&self, names: &[String]) -> Result<Vec<String>>;
}

/// Files on disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl Sources for Disk {
    /// At most [`MAX_FILE_BYTES`](super::input::MAX_FILE_BYTES); the readers bound what they
    /// read from it (`Table::from_reader`, `input::read_text_from`).
    fn open(&self, name: &str) -> Result<(Box<dyn Read>, u64)> {
        let (file, size) = super::input::open_file(name)?;
        Ok((Box::new(file), size))
    }

    fn expand(&self, names: &[String]) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for path in names {
            if !std::path::Path::new(path).is_dir() {
                out.push(path.clone());
                continue;
            }
            let mut files: Vec<String> = std::fs::read_dir(path)
                .map_err(|e| BuildError::io(path, e))?
                .filter_map(|entry| entry.ok())
                .map(|entry| entry.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
                .map(|p| p.display().to_string())
                .collect();
            files.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
            if files.is_empty() {
                return Err(BuildError::input(
                    path,
                    "no .json files in this directory (scripts/shopify-fetch-products.sh writes them)",
                ));
            }
            out.extend(files);
        }
        Ok(out)
    }
}

/// Inputs held in memory by name (the files a merchant dropped on the console). Each is read
/// once: opening hands its bytes over to the importer instead of copying them, so a large
/// orders export is in memory once.
#[derive(Debug, Default)]
pub struct Memory {
    files: RefCell<Vec<(String, Option<Vec<u8>>)>>,
}

impl Memory {
    /// No inputs yet.
    pub fn new() -> Memory {
        Memory::default()
    }

    /// Adds the input `name` (a later one with the same name replaces it).
    pub fn add(&self, name: &str, bytes: Vec<u8>) {
        let mut files = self.files.borrow_mut();
        files.retain(|(n, _)| n != name);
        files.push((name.to_owned(), Some(bytes)));
    }
}

impl Sources for Memory {
    fn open(&self, name: &str) -> Result<(Box<dyn Read>, u64)> {
        let mut files = self.files.borrow_mut();
        let entry = files
            .iter_mut()
            .find(|(n, _)| n == name)
            .ok_or_else(|| BuildError::input(name, "no such file was given"))?;
        let bytes = entry
            .1
            .take()
            .ok_or_else(|| BuildError::input(name, "this file was already read"))?;
        let size = bytes.len() as u64;
        Ok((Box::new(std::io::Cursor::new(bytes)), size))
    }

    fn expand(&self, names: &[String]) -> Result<Vec<String>> {
        Ok(names.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_hands_each_input_over_once_and_names_a_missing_one() {
        let m = Memory::new();
        m.add("orders.csv", b"order_id,item_id\n1,a\n".to_vec());
        let (mut r, size) = m.open("orders.csv").unwrap();
        let mut text = String::new();
        r.read_to_string(&mut text).unwrap();
        assert_eq!((text.as_str(), size), ("order_id,item_id\n1,a\n", 21));
        assert_eq!(
            m.open("orders.csv").err().unwrap().to_string(),
            "orders.csv: this file was already read"
        );
        assert_eq!(
            m.open("products.csv").err().unwrap().to_string(),
            "products.csv: no such file was given"
        );
    }
}
