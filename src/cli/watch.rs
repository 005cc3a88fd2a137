//! `--watch` (and `regelverk watch`): run a tool again whenever a rule file changes.
//!
//! The directories and files the tool read are watched, recursively, through `notify` with a
//! short debounce, so that an editor's save (often a write, a rename and a metadata change) runs
//! the tool once. Only changes to `.regel` files (or to a file watched by name) count. The loop
//! ends with Ctrl-C, or with an error if the watcher stops.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_mini::new_debouncer;
use notify_debouncer_mini::notify::RecursiveMode;

use super::rules::{self, Use};
use super::{EXIT_ERROR, Out};

/// How long the file system must be quiet after a change before the tool runs again.
const SETTLE: Duration = Duration::from_millis(200);

/// Runs `once`, then again after every change to the rule files that `paths` name.
pub fn run(out: &Out, paths: &[PathBuf], mut once: impl FnMut() -> u8) -> u8 {
    let watched = match rules::find(out, paths, Use::RuleSet) {
        Ok(found) => found.watched,
        Err(code) => return code,
    };
    if watched.is_empty() {
        out.error("there is nothing to watch: the rules built into regelverk do not change; give a rule directory");
        return EXIT_ERROR;
    }
    let (events, changes) = mpsc::channel();
    let mut debouncer = match new_debouncer(SETTLE, events) {
        Ok(debouncer) => debouncer,
        Err(e) => {
            out.error(&format!("cannot watch for changes: {e}"));
            return EXIT_ERROR;
        }
    };
    for path in &watched {
        if let Err(e) = debouncer.watcher().watch(path, RecursiveMode::Recursive) {
            out.error(&format!("cannot watch `{}`: {e}", path.display()));
            return EXIT_ERROR;
        }
    }
    let shown: Vec<String> = watched.iter().map(|p| p.display().to_string()).collect();
    loop {
        once();
        out.status(&format!(
            "watching {} for changes (Ctrl-C to stop)",
            shown.join(", ")
        ));
        let changed = loop {
            match changes.recv() {
                Ok(Ok(events)) => {
                    if let Some(e) = events.iter().find(|e| counts(&e.path, &watched)) {
                        break e.path.clone();
                    }
                }
                Ok(Err(e)) => out.error(&format!("watching for changes: {e}")),
                Err(_) => {
                    out.error("the watcher stopped");
                    return EXIT_ERROR;
                }
            }
        };
        out.status(&format!("\n{} changed; running again", changed.display()));
    }
}

/// A change that matters: to a rule file, or to a file watched by name whatever it is called.
fn counts(path: &Path, watched: &[PathBuf]) -> bool {
    path.extension().is_some_and(|e| e == "regel")
        || watched
            .iter()
            .any(|w| w.is_file() && w.canonicalize().ok() == path.canonicalize().ok())
}
