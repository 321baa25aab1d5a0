//! The sharded snapshot.

use std::path::Path;

use super::build::Built;
use super::report::{BuildError, Result};

/// Writes the sharded form under `dir`.
pub fn write_shards(_built: &Built, _dir: &Path) -> Result<()> {
    Err(BuildError::Usage("--shards: not built yet".to_owned()))
}
