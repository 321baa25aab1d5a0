//! Writes the language packs the widget loads in the browser: `DIR/<code>.json` for every
//! built-in language but English (which the widget carries), each the JSON of
//! `Overrides::builtin`, so a shopper downloads the texts of one language only.
//!
//! ```sh
//! cargo run --release --example i18n_packs -- www/pkg/i18n
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use crossbuy_engine::i18n::{Lang, Overrides};

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: i18n_packs DIR");
        return ExitCode::from(2);
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("i18n_packs: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for lang in Lang::ALL.into_iter().filter(|&l| l != Lang::En) {
        let path = dir.join([lang.code(), ".json"].concat());
        if let Err(e) = std::fs::write(&path, Overrides::builtin(lang).to_json()) {
            eprintln!("i18n_packs: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
