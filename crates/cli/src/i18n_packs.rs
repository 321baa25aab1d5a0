//! `crossbuy i18n-packs DIR`: the widget's language packs, a step of `scripts/build.sh`.

use std::path::PathBuf;

use crossbuy_builder::report::{BuildError, Result};
use crossbuy_engine::i18n::{Lang, Overrides};

/// Writes the widget's language packs (a step of scripts/build.sh)
///
/// DIR/<code>.json for every built-in language but English (which the widget carries), so a
/// shopper downloads the texts of one language only.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write them (scripts/build.sh: pkg/i18n)
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

/// `crossbuy i18n-packs DIR`.
pub fn run(args: Args) -> Result<()> {
    let shown = |p: &std::path::Path| p.display().to_string();
    std::fs::create_dir_all(&args.dir).map_err(|e| BuildError::io(&shown(&args.dir), e))?;
    for lang in Lang::ALL.into_iter().filter(|&l| l != Lang::En) {
        let path = args.dir.join([lang.code(), ".json"].concat());
        std::fs::write(&path, Overrides::builtin(lang).to_json())
            .map_err(|e| BuildError::io(&shown(&path), e))?;
    }
    Ok(())
}
