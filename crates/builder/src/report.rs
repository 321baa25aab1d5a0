//! What a build run tells the merchant: errors that stop it, bad rows that are skipped, and the
//! closing summary.
//!
//! Every message that quotes the input shows it through [`shown`], so a control character in a
//! file (an ANSI escape sequence, a carriage return, a bidirectional override) is printed escaped
//! (`\u{1b}[31m`) and never acts on the merchant's terminal.

use std::collections::HashMap;
use std::fmt;

/// Input text as messages show it: control characters (C0, DEL, C1) and the bidirectional
/// formatting characters escaped as `\n`, `\r`, `\t` or `\u{…}`, everything else as is.
pub fn shown(text: &str) -> Shown<'_> {
    Shown(text)
}

/// See [`shown`].
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a>(&'a str);

/// Characters that would move the cursor, recolour or reorder what a terminal shows.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some((i, c)) = rest.char_indices().find(|&(_, c)| needs_escape(c)) {
            f.write_str(&rest[..i])?;
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            }
            rest = &rest[i + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// Why a build stopped. Every variant names the file (and where it can, the column or key).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A file could not be opened, read or written.
    #[error("{}: {source}", shown(.path))]
    Io {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A column the importer cannot do without is not in the header.
    #[error("{}: missing required column \"{column}\" (the header has: {})", shown(.path), shown(.found))]
    MissingColumn {
        /// The file.
        path: String,
        /// The column, with its accepted names.
        column: String,
        /// The header that was found, shortened.
        found: String,
    },
    /// The file was read but gives nothing to build from, or is not a format crossbuy reads.
    #[error("{}: {}", shown(.path), shown(.message))]
    Input {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A row of the file would be read wrongly, or not at all, and what follows it with it (an
    /// unclosed quote, a row or file over the limits of [`crate::input`]): the run stops rather
    /// than build from part of the file.
    #[error("{}:{line}: {}", shown(.path), shown(.message))]
    At {
        /// The file.
        path: String,
        /// The 1-based line where the trouble starts.
        line: u64,
        /// What is wrong, and what to do.
        message: String,
    },
    /// The merchant configuration is wrong.
    #[error("{}: {}", shown(.path), shown(.message))]
    Config {
        /// The configuration file, with the key when known.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A command-line argument is wrong.
    #[error("{}", shown(.0))]
    Usage(String),
}

/// Shorthand for builder results.
pub type Result<T> = std::result::Result<T, BuildError>;

impl BuildError {
    /// An I/O error on `path`.
    pub fn io(path: &str, source: std::io::Error) -> BuildError {
        BuildError::Io {
            path: path.to_owned(),
            source,
        }
    }

    /// An input error on `path`.
    pub fn input(path: &str, message: impl Into<String>) -> BuildError {
        BuildError::Input {
            path: path.to_owned(),
            message: message.into(),
        }
    }

    /// An error at `path:line` that stops the run.
    pub fn at(path: &str, line: u64, message: impl Into<String>) -> BuildError {
        BuildError::At {
            path: path.to_owned(),
            line,
            message: message.into(),
        }
    }
}

/// A row that could not be used: `file:line: reason`. The run goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: String,
    /// The 1-based line where the row starts; 0 when the place is in the reason (JSON files
    /// name it by path: `products[3].variants[0]`).
    pub line: u64,
    /// Why it was skipped.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", shown(&self.file), shown(&self.reason))
        } else {
            write!(
                f,
                "{}:{}: {}",
                shown(&self.file),
                self.line,
                shown(&self.reason)
            )
        }
    }
}

/// How many problems are kept in full; the rest are only counted.
pub const KEPT_PROBLEMS: usize = 1000;

/// Counts of what a run read, used and skipped, printed at its end.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Rows that could not be read, in full up to [`KEPT_PROBLEMS`].
    pub problems: Vec<Problem>,
    /// All bad rows, including those not kept.
    pub bad_rows: u64,
    /// Products in the products file (with a title).
    pub products_read: u64,
    /// Variants in the products file.
    pub variants_read: u64,
    /// Products that are not recommended: draft, archived, unpublished, sold out or gift cards.
    pub products_unavailable: u64,
    /// Products written to the snapshot.
    pub products_written: u64,
    /// Products read from Shopify's storefront product JSON.
    pub storefront_products: u64,
    /// Export products given Shopify's numeric ids from that JSON.
    pub products_shopify_ids: u64,
    /// Variants of those products that no storefront variant matched (they keep their SKU id).
    pub variants_no_shopify_id: u64,
    /// For a Shopify products export: products written whose product id or a variant id is not
    /// Shopify's numeric id. `None` for other inputs.
    pub products_without_shopify_ids: Option<u64>,
    /// Order or basket lines read.
    pub lines_read: u64,
    /// Lines that became basket items.
    pub lines_used: u64,
    /// Tip lines left out.
    pub lines_tip: u64,
    /// Gift-card lines left out.
    pub lines_gift_card: u64,
    /// Shipping-protection / insurance lines left out.
    pub lines_shipping_protection: u64,
    /// Lines whose item is in the `--drop` list.
    pub lines_dropped: u64,
    /// Lines that matched no product in the products file.
    pub lines_unmatched: u64,
    /// Lines whose whole quantity was refunded (WooCommerce's order history says so per line).
    pub lines_refunded: u64,
    /// Names of unmatched lines with their counts (the most frequent are reported).
    pub unmatched_names: HashMap<String, u64>,
    /// Orders (baskets) read.
    pub orders_read: u64,
    /// Orders with at least one usable item.
    pub orders_used: u64,
    /// Cancelled (or voided) orders left out.
    pub orders_cancelled: u64,
    /// Fully refunded orders left out.
    pub orders_refunded: u64,
    /// Orders never paid (WooCommerce `pending`, `failed`, `checkout-draft`; BigCommerce
    /// `Pending`, `Incomplete`, `Declined`) left out.
    pub orders_unpaid: u64,
    /// Orders in which no line was usable.
    pub orders_empty: u64,
    /// Orders with more distinct items than the pair limit: counted for popularity, not pairs.
    pub orders_too_large: u64,
    /// Distinct item pairs bought together.
    pub pairs_counted: u64,
    /// Neighbour entries written (over all products).
    pub pairs_kept: u64,
    /// Products with at least one neighbour.
    pub products_with_neighbours: u64,
    /// Products whose neighbours come from type-level complements (no co-purchase evidence).
    pub products_cold_start: u64,
    /// Products with a repurchase interval.
    pub products_repurchase: u64,
    /// Note lines (for example "no Email column: repurchase intervals skipped").
    pub notes: Vec<String>,
    /// What makes the snapshot less than the merchant expects, said even with `--quiet` (for
    /// example: no two products bought together).
    pub warnings: Vec<String>,
    /// Time spent per phase (printed with `--timings`).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Summary {
    /// Records a bad row.
    pub fn problem(&mut self, file: &str, line: u64, reason: impl Into<String>) {
        self.bad_rows += 1;
        if self.problems.len() < KEPT_PROBLEMS {
            self.problems.push(Problem {
                file: file.to_owned(),
                line,
                reason: reason.into(),
            });
        }
    }

    /// Records an unmatched order line by its name.
    pub fn unmatched(&mut self, name: &str) {
        self.lines_unmatched += 1;
        match self.unmatched_names.get_mut(name) {
            Some(n) => *n += 1,
            None => {
                if self.unmatched_names.len() < 10_000 {
                    self.unmatched_names.insert(name.to_owned(), 1);
                }
            }
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "crossbuy: summary")?;
        let line = |f: &mut fmt::Formatter<'_>, label: &str, n: u64, always: bool| -> fmt::Result {
            if n > 0 || always {
                writeln!(f, "  {label:<44} {n:>10}")
            } else {
                Ok(())
            }
        };
        line(
            f,
            "products read",
            self.products_read,
            self.products_read > 0,
        )?;
        line(f, "variants read", self.variants_read, false)?;
        line(
            f,
            "products not recommended (draft, archived…)",
            self.products_unavailable,
            false,
        )?;
        line(f, "lines read", self.lines_read, true)?;
        line(f, "lines used", self.lines_used, true)?;
        line(f, "lines skipped: tips", self.lines_tip, false)?;
        line(f, "lines skipped: gift cards", self.lines_gift_card, false)?;
        line(
            f,
            "lines skipped: shipping protection",
            self.lines_shipping_protection,
            false,
        )?;
        line(f, "lines skipped: --drop list", self.lines_dropped, false)?;
        line(
            f,
            "lines skipped: no such product",
            self.lines_unmatched,
            false,
        )?;
        line(f, "lines skipped: refunded", self.lines_refunded, false)?;
        line(f, "rows with problems (listed above)", self.bad_rows, false)?;
        line(f, "orders read", self.orders_read, true)?;
        line(f, "orders used", self.orders_used, true)?;
        line(f, "orders skipped: cancelled", self.orders_cancelled, false)?;
        line(f, "orders skipped: refunded", self.orders_refunded, false)?;
        line(f, "orders skipped: never paid", self.orders_unpaid, false)?;
        line(
            f,
            "orders skipped: nothing usable",
            self.orders_empty,
            false,
        )?;
        line(
            f,
            "orders too large for pairs (popularity only)",
            self.orders_too_large,
            false,
        )?;
        line(f, "pairs bought together", self.pairs_counted, true)?;
        line(f, "neighbours kept", self.pairs_kept, true)?;
        line(
            f,
            "products with neighbours",
            self.products_with_neighbours,
            true,
        )?;
        line(
            f,
            "  of which cold start (type complements)",
            self.products_cold_start,
            false,
        )?;
        line(
            f,
            "products with a repurchase interval",
            self.products_repurchase,
            false,
        )?;
        line(f, "products written", self.products_written, true)?;
        line(
            f,
            "Shopify product JSON: products read",
            self.storefront_products,
            false,
        )?;
        line(
            f,
            "products given Shopify ids",
            self.products_shopify_ids,
            self.storefront_products > 0,
        )?;
        line(
            f,
            "  variants left with their SKU id",
            self.variants_no_shopify_id,
            false,
        )?;
        if !self.unmatched_names.is_empty() {
            let mut names: Vec<(&String, &u64)> = self.unmatched_names.iter().collect();
            names.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            writeln!(f, "  most frequent unmatched line items:")?;
            for (name, n) in names.into_iter().take(5) {
                writeln!(f, "    {n:>6} × {}", shown(name))?;
            }
        }
        for note in &self.notes {
            writeln!(f, "  note: {}", shown(note))?;
        }
        if let Some(n) = self.products_without_shopify_ids.filter(|&n| n > 0) {
            writeln!(
                f,
                "  products without Shopify ids: {n} — add-to-cart will fall back to links"
            )?;
            writeln!(
                f,
                "    and Shopify pages, which name products and variants by number, will not find them in a cart;"
            )?;
            writeln!(
                f,
                "    give --shopify-products-json with the shop's /products.json pages (docs/install/shopify.md, \"Building the snapshot\")"
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(shown(input).to_string(), expected, "{input:?}");
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        check(
            "plain, café, 茶 & \"quotes\"",
            "plain, café, 茶 & \"quotes\"",
        );
        check("\u{1b}[31mRed\u{1b}[0m", "\\u{1b}[31mRed\\u{1b}[0m");
        check(
            "a\nb\rc\td\u{0}e\u{7f}f\u{9b}g",
            "a\\nb\\rc\\td\\u{0}e\\u{7f}f\\u{9b}g",
        );
        check("abc\u{202e}fed\u{2066}", "abc\\u{202e}fed\\u{2066}");
        check("", "");
    }

    #[test]
    fn messages_quote_input_escaped() {
        let p = Problem {
            file: "a\u{1b}.csv".to_owned(),
            line: 3,
            reason: "price \"\u{1b}[2J\": not an amount".to_owned(),
        };
        assert_eq!(
            p.to_string(),
            "a\\u{1b}.csv:3: price \"\\u{1b}[2J\": not an amount"
        );
        let e = BuildError::at("b.csv", 7, "item \"x\ny\"");
        assert_eq!(e.to_string(), "b.csv:7: item \"x\\ny\"");
        let e = BuildError::input("c.csv", "\u{1b}]0;title\u{7}");
        assert_eq!(e.to_string(), "c.csv: \\u{1b}]0;title\\u{7}");
    }
}
