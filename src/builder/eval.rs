//! `crossbuy eval`: ranks held-out items with crossbuy and with baselines.

use super::report::{BuildError, Result};

/// Help text.
pub const HELP: &str = "crossbuy eval --baskets FILE [--split time|leave-one-out] [--json]\n";

/// Runs the command.
pub fn command(_args: &[String]) -> Result<()> {
    Err(BuildError::Usage("eval: not built yet".to_owned()))
}
