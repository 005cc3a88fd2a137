//! The integration tests, in one test binary: each file is a module, as it was a binary of its
//! own before. One binary is linked once instead of two dozen times, and `cargo test` runs all
//! its tests on every core at once instead of one binary after another (issue 14: a lean
//! `cargo test`). Snapshots are under `tests/it/snapshots/`, named `it__MODULE__TEST.snap`.
//!
//! The files that run the binary need the command line (`cli`), the service's the server
//! (`server`); without those features the rest still runs.

mod common;

mod audit;
#[cfg(feature = "cli")]
mod audit_cli;
mod bounds;
mod case_split;
#[cfg(feature = "cli")]
mod cli;
mod compiled;
mod errors;
mod example_snapshots;
mod examples_no;
mod examples_se;
mod explain;
mod explain_no;
mod funding;
mod hostile;
#[cfg(feature = "cli")]
mod maintain;
mod modifications;
#[cfg(feature = "server")]
mod page;
mod partnerships;
mod properties;
mod rule_examples;
#[cfg(all(feature = "cli", feature = "server"))]
mod server;
mod tools;
mod verdicts;
