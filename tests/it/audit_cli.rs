//! The real binary's `audit` subcommand: generating a ledger, auditing it in each format, the
//! output directory and the exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn regelverk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regelverk"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run regelverk: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A directory of its own for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("regelverk-audit-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn generated(dir: &std::path::Path) -> String {
    let out = regelverk(&["audit", "--generate", "400", "--seed", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.starts_with(b"\xef\xbb\xbfkopare_id;kopare;"));
    let path = dir.join("ledger.csv");
    std::fs::write(&path, &out.stdout).unwrap_or_else(|e| panic!("{e}"));
    path.display().to_string()
}

#[test]
fn a_generated_ledger_is_flagged_and_exits_3_in_every_format() {
    let dir = scratch("formats");
    let ledger = generated(&dir);
    let out = regelverk(&["audit", &ledger]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(summary.contains("Flaggade grupper"));
    assert!(summary.contains("Konsultbolaget Norrsken AB"));
    assert!(
        !text(&out.stderr).contains('\r'),
        "no progress bar off a terminal: {}",
        text(&out.stderr)
    );

    let out = regelverk(&["audit", &ledger, "--format", "json", "--lang", "en"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["summary"]["lang"], "en");
    assert_eq!(json["flagged"][0]["crossed_month"], "2025-02");

    let out = regelverk(&["audit", &ledger, "--format", "csv"]);
    assert!(text(&out.stdout).starts_with("rank,kind,buyer_id,"));

    let out = regelverk(&["audit", &ledger, "--format", "html"]);
    let html = text(&out.stdout);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
}

#[test]
fn out_writes_every_format() {
    let dir = scratch("out");
    let ledger = generated(&dir);
    let report = dir.join("report");
    let out = regelverk(&["audit", &ledger, "--out", &report.display().to_string()]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    for name in ["audit.txt", "audit.json", "flagged.csv", "audit.html"] {
        assert!(report.join(name).is_file(), "no {name}");
    }
}

#[test]
fn a_norwegian_ledger_with_a_column_mapping() {
    let out = regelverk(&["audit", "--generate", "300", "--jurisdiction", "no"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let dir = scratch("no");
    let path = dir.join("reskontro.csv");
    std::fs::write(&path, &out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let path = path.display().to_string();
    let out = regelverk(&[
        "audit",
        "--jurisdiction",
        "no",
        "--columns",
        regelverk::audit::NORWEGIAN_COLUMNS,
        &path,
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Flaggede grupper"));
    let out = regelverk(&["audit", "--jurisdiction", "no", &path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--columns"));
}

#[test]
fn bad_rows_exit_1_and_nothing_flagged_exits_0() {
    let dir = scratch("exit");
    let header = "kopare_id;kopare;verifikationsnummer;leverantor;leverantor_id;konto_nr;konto_text;belopp;datum";
    let small = dir.join("small.csv");
    std::fs::write(
        &small,
        format!("{header}\n1;K;V1;Acme AB;556000-0001;6550;K;1 000;2025-01-10\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = regelverk(&["audit", &small.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        format!("{header}\n1;K;V1;Acme AB;556000-0001;6550;K;1.000;2025-01-10\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = regelverk(&["audit", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("bad.csv:2: `1.000` is not an amount"));
    let out = regelverk(&["audit", "no-such-ledger.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read `no-such-ledger.csv`"));
}

#[test]
fn usage_errors_exit_2_and_help_says_it_is_a_screening() {
    assert_eq!(regelverk(&["audit"]).status.code(), Some(2));
    assert_eq!(
        regelverk(&["audit", "x.csv", "--fiscal-year-start", "13-01"])
            .status
            .code(),
        Some(2)
    );
    let help = regelverk(&["audit", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("screening, not a verdict"));
}

#[test]
fn jurisdiction_takes_any_country_whose_ledgers_the_rules_declare() {
    // In either case; the Norwegian ledger is written in the layout its declaration names.
    let out = regelverk(&["audit", "--generate", "50", "--jurisdiction", "NO"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("Kjøper-ID;"));
    // A country the rules do not know, or whose ledgers they do not declare: a usage error
    // naming the countries whose ledgers they do.
    for code in ["fi", "dk"] {
        let out = regelverk(&["audit", "--jurisdiction", code, "x.csv"]);
        assert_eq!(out.status.code(), Some(2), "{code}");
        let err = text(&out.stderr);
        assert!(
            err.contains("--jurisdiction") && err.contains("SE, NO"),
            "{err}"
        );
    }
    // A kind of buyer of another country is refused with the country's kinds.
    let out = regelverk(&["audit", "--buyer-kind", "kommune", "x.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("expected one of: kommun, region"));
}
