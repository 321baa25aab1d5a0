//! The progress bar of long imports (indicatif), on stderr, drawn only when stderr is a
//! terminal and `--quiet` is not given: piped or redirected output never gets one.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Draws the builder's [`Progress`](crossbuy_builder::progress::Progress) as a bar.
#[derive(Debug)]
pub struct Bar {
    visible: bool,
    bar: Option<ProgressBar>,
    calls: u32,
}

impl Bar {
    /// A bar on stderr when it is a terminal and `quiet` is false; silence otherwise.
    pub fn on_stderr(quiet: bool) -> Bar {
        Bar {
            visible: !quiet && std::io::stderr().is_terminal(),
            bar: None,
            calls: 0,
        }
    }
}

impl crossbuy_builder::progress::Progress for Bar {
    fn start(&mut self, label: &'static str, total: u64) {
        if !self.visible {
            return;
        }
        let bar = ProgressBar::with_draw_target(
            (total > 0).then_some(total),
            ProgressDrawTarget::stderr_with_hz(10),
        );
        let template = if total > 0 {
            "{msg} [{bar:25}] {percent:>3}% of {binary_total_bytes}"
        } else {
            "{msg} {spinner} {binary_bytes}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("#>-"));
        }
        bar.set_message(label);
        self.bar = Some(bar);
        self.calls = 0;
    }

    fn at(&mut self, position: u64) {
        // Once per row: hand indicatif one position in a thousand.
        self.calls = self.calls.wrapping_add(1);
        if self.calls % 1024 == 0 {
            if let Some(bar) = &self.bar {
                bar.set_position(position);
            }
        }
    }

    fn done(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
