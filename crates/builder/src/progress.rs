//! A progress line on stderr for long imports, drawn only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Redraws at most every 100 ms; checks the clock only every few thousand rows.
#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    label: &'static str,
    total: u64,
    calls: u32,
    last: Option<Instant>,
    drawn: bool,
}

impl Progress {
    /// A progress line when stderr is a terminal, silence otherwise.
    pub fn on_terminal() -> Progress {
        Progress::new(std::io::stderr().is_terminal())
    }

    /// Enabled or silent.
    pub fn new(enabled: bool) -> Progress {
        Progress {
            enabled,
            label: "",
            total: 0,
            calls: 0,
            last: None,
            drawn: false,
        }
    }

    /// Starts a phase over `total` bytes (0: unknown).
    pub fn start(&mut self, label: &'static str, total: u64) {
        self.label = label;
        self.total = total;
        self.calls = 0;
        self.last = None;
    }

    /// Reports the position reached.
    pub fn at(&mut self, position: u64) {
        if !self.enabled {
            return;
        }
        self.calls = self.calls.wrapping_add(1);
        if self.calls % 4096 != 0 {
            return;
        }
        let now = Instant::now();
        if self
            .last
            .is_some_and(|t| now.duration_since(t) < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        let mut err = std::io::stderr().lock();
        let _ = if let Some(pct) = (position.min(self.total) * 100).checked_div(self.total) {
            let pct = pct as usize;
            let bar = "#".repeat(pct / 4) + &" ".repeat(25 - pct / 4);
            write!(err, "\r{} [{bar}] {pct:>3}%", self.label)
        } else {
            write!(err, "\r{}: {} MB", self.label, position >> 20)
        };
        self.drawn = true;
    }

    /// Clears the line.
    pub fn done(&mut self) {
        if self.enabled && self.drawn {
            let _ = write!(std::io::stderr().lock(), "\r{:60}\r", "");
            self.drawn = false;
        }
    }
}
