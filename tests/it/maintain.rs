//! The lawyers' loop through the real binary (issue 17): which rules each subcommand uses, `test`
//! on edited rules, `diff` naming a changed rule and failing, `lint` and `fmt` on files, JSON
//! output, `watch`, completions and the manual page.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn regelverk_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regelverk"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run regelverk: {e}"))
}

fn regelverk(args: &[&str]) -> Output {
    regelverk_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory of its own for one test.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("regelverk-maintain-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn corpus(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tools/lint")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A directory with `rules/clean.regel` (two examples that pass) in it.
fn project(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("rules")).unwrap_or_default();
    std::fs::write(dir.join("rules/clean.regel"), corpus("clean.regel")).unwrap_or_default();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.map(|e| e.path()).unwrap_or_default();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

// ---- where the rules come from -----------------------------------------------------------------

#[test]
fn test_uses_the_edited_rules_in_the_current_directory() {
    let dir = project("edited");
    let out = regelverk_in(&dir, &["test"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The two examples of ./rules, not the hundreds built in.
    assert_eq!(stdout(&out), "2 passed, 0 failed\n");
    assert_eq!(stderr(&out), "using rules from ./rules\n");
}

#[test]
fn a_broken_rules_directory_makes_test_fail() {
    let dir = project("broken");
    let text = corpus("clean.regel").replace("cite LOU \"19 kap.\"", "cite LUO \"19 kap.\"");
    std::fs::write(dir.join("rules/clean.regel"), text).unwrap_or_default();
    let out = regelverk_in(&dir, &["test"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.starts_with("using rules from ./rules\n"), "{err}");
    assert!(err.contains(" --> rules/clean.regel:16:8"), "{err}");
    // `check` decides with the same rules, so it fails too.
    let out = regelverk_in(
        &dir,
        &[
            "check",
            "--jurisdiction",
            "se",
            "--date",
            "2026-03-01",
            "--value",
            "1 SEK",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
}

#[test]
fn without_rules_here_the_built_in_rules_are_used_and_said_so() {
    let dir = scratch("elsewhere");
    let out = regelverk_in(&dir, &["test"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "using the rules built into regelverk (there is no ./rules here)\n"
    );
    let out = regelverk_in(&dir, &["lint"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = regelverk_in(&dir, &["fmt", "--check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no ./rules here"), "{}", stderr(&out));
}

#[test]
fn the_readme_command_keeps_its_output_and_says_which_rules_on_stderr() {
    let out = regelverk(&["check", "examples/kommun-tjanster-650k.toml"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("Direktupphandling är tillåten, med skyldigheter.\n"));
    assert!(!stdout(&out).contains("using rules"));
    assert_eq!(stderr(&out), "using rules from ./rules\n");
    // An explicit choice needs no note.
    let out = regelverk(&[
        "check",
        "examples/kommun-tjanster-650k.toml",
        "--rules",
        "rules",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}

// ---- test ---------------------------------------------------------------------------------------

#[test]
fn test_is_quiet_unless_verbose_and_a_failure_shows_the_values_that_decided_it() {
    let dir = project("failing");
    let text = corpus("clean.regel").replace(
        "  given purchase.value = 650 000 SEK\n  expect allowed by under",
        "  given purchase.value = 650 000 SEK\n  expect not allowed, requires annonsera",
    );
    std::fs::write(dir.join("rules/clean.regel"), text).unwrap_or_default();
    let out = regelverk_in(&dir, &["test"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("test_failure", stdout(&out));
    let verbose = stdout(&regelverk_in(&dir, &["test", "-v"]));
    assert!(
        verbose.contains("ok   rules/clean.regel:41:1  över gränsen\n"),
        "{verbose}"
    );
    assert!(!stdout(&out).contains("ok "), "{}", stdout(&out));
}

#[test]
fn test_of_one_file_runs_its_examples_with_the_rest_of_its_rule_set() {
    let out = regelverk(&["test", "rules/se/grunder.regel", "-v"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let listed: Vec<&str> = text.lines().filter(|l| l.starts_with("ok ")).collect();
    assert!(!listed.is_empty(), "{text}");
    assert!(
        listed
            .iter()
            .all(|l| l.starts_with("ok   rules/se/grunder.regel:")),
        "{text}"
    );
    assert!(
        text.ends_with(&format!("{} passed, 0 failed\n", listed.len())),
        "{text}"
    );
    assert_eq!(stderr(&out), "");
}

// ---- lint ---------------------------------------------------------------------------------------

#[test]
fn lint_takes_a_file() {
    // A file of the shipped rules is reviewed with the rest of its rule set.
    let out = regelverk(&["lint", "rules/se/lou.regel"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A file on its own: the warning it deserves, at its place.
    let out = regelverk(&["lint", "tests/tools/lint/never-applies.regel"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("tests/tools/lint/never-applies.regel:47:6"),
        "{err}"
    );
    assert!(err.contains("never-applies"), "{err}");
}

#[test]
fn lint_json() {
    let out = regelverk(&[
        "lint",
        "tests/tools/lint/never-applies.regel",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let value: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(value["format_version"], 1);
    insta::assert_snapshot!("lint_json", stdout(&out));
}

// ---- fmt ----------------------------------------------------------------------------------------

#[test]
fn fmt_check_diff_shows_the_change_and_changes_nothing() {
    let dir = scratch("fmt");
    let file = dir.join("messy.regel");
    let messy = corpus("clean.regel").replace(
        "  from 2022-02-01  700 000 SEK",
        "  from 2022-02-01 700000 SEK",
    );
    std::fs::write(&file, &messy).unwrap_or_default();
    let out = regelverk_in(&dir, &["fmt", "--check", "--diff", "messy.regel"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("fmt_check_diff", stdout(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap_or_default(), messy);
    let out = regelverk_in(&dir, &["fmt", "--check", "--format", "json", "messy.regel"]);
    let value: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(value["files"][0]["status"], "not_formatted");
}

// ---- diff ---------------------------------------------------------------------------------------

#[test]
fn diff_names_a_changed_rule_and_exits_1() {
    let edited = scratch("diff").join("rules");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&root.join("rules"), &edited);
    let lou = edited.join("se/lou.regel");
    let text = std::fs::read_to_string(&lou).unwrap_or_default();
    // The case: the rule tests the value without the same-kind purchases.
    let (head, tail) = text.split_at(text.find("rule direktupphandling_19a_kap\n").unwrap_or(0));
    let changed = format!(
        "{head}{}",
        tail.replacen(
            "when lou_gäller and direktupphandlingsvärde < direktupphandlingsgräns",
            "when lou_gäller and upphandlingsvärde < direktupphandlingsgräns",
            1,
        )
    );
    assert_ne!(
        changed, text,
        "the rule's condition is no longer written so"
    );
    std::fs::write(&lou, changed).unwrap_or_default();
    let edited = edited.display().to_string();
    let out = regelverk(&["diff", "rules", &edited]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(
        report.starts_with("rule `direktupphandling_19a_kap` changed ("),
        "{report}"
    );
    assert!(
        report.contains("  condition:\n    old: lou_gäller and direktupphandlingsvärde < direktupphandlingsgräns\n    new: lou_gäller and upphandlingsvärde < direktupphandlingsgräns\n"),
        "{report}"
    );
    assert!(
        report.contains("examples whose outcome changes:"),
        "{report}"
    );
    // `--exit-zero` on the tools' small corpus, which has changes (a second diff of the whole
    // rule set would decide every case again for the same exit code).
    let out = regelverk(&[
        "diff",
        "tests/tools/diff/old",
        "tests/tools/diff/new",
        "--exit-zero",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).is_empty());
    let out = regelverk(&["diff", "rules", "rules"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn diff_json() {
    let out = regelverk(&[
        "diff",
        "tests/tools/diff/old",
        "tests/tools/diff/new",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(value["outcomes_flip"], true);
    insta::assert_snapshot!("diff_json", stdout(&out));
}

// ---- watch --------------------------------------------------------------------------------------

/// Ends the child when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_runs_the_examples_again_when_a_rule_file_changes() {
    let dir = project("watch");
    let child = Command::new(env!("CARGO_BIN_EXE_regelverk"))
        .args(["test", "--watch"])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run regelverk: {e}"));
    let mut running = Running(child);
    let (lines, summaries) = mpsc::channel();
    let output = running.0.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(output).lines().map_while(Result::ok) {
            if line.ends_with(" failed") && lines.send(line).is_err() {
                break;
            }
        }
    });
    // Bounded waits: a watcher that never runs again fails the test instead of hanging it.
    let wait = Duration::from_secs(60);
    let first = summaries.recv_timeout(wait).expect("a first run");
    assert_eq!(first, "2 passed, 0 failed");
    let text = corpus("clean.regel").replace("expect allowed by under", "expect undecided");
    std::fs::write(dir.join("rules/clean.regel"), text).unwrap_or_default();
    let second = summaries
        .recv_timeout(wait)
        .expect("a run after the change");
    assert_eq!(second, "1 passed, 1 failed");
}

// ---- completions and the manual page --------------------------------------------------------------

#[test]
fn completions_and_the_manual_page_come_from_the_command_line() {
    for sub in ["lint", "fmt", "doc", "diff", "watch", "completions", "man"] {
        let out = regelverk(&[sub, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{sub}");
        assert!(stdout(&out).contains("Usage: regelverk"), "{sub}");
    }
    for shell in ["bash", "zsh", "fish"] {
        let out = regelverk(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        for sub in ["check", "diff", "watch"] {
            assert!(script.contains(sub), "{shell}: no `{sub}`");
        }
    }
    let out = regelverk(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") || page.contains(".TH regelverk"),
        "{page}"
    );
    assert!(page.contains("diff"), "{page}");
    let dir = scratch("man");
    let out = regelverk(&["man", "--out", &dir.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("regelverk.1").is_file());
    assert!(dir.join("regelverk-diff.1").is_file());
}
