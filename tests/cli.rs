//! The real `regelverk` binary: exit codes, output formats, help, and the quick form.

use std::process::{Command, Output};

fn regelverk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regelverk"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .unwrap_or_else(|e| panic!("cannot run regelverk: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_readme_example_is_allowed_and_exits_0() {
    let out = regelverk(&["check", "examples/kommun-tjanster-650k.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("check_650k_sv", stdout(&out));
}

#[test]
fn not_allowed_exits_3_and_undecided_exits_4() {
    let out = regelverk(&[
        "check",
        "examples/kommun-tjanster-750k.toml",
        "--lang",
        "en",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).starts_with(
        "Direct award is not allowed. Required: an advertised procurement under chapter 19 LOU"
    ));
    let out = regelverk(&["check", "examples/statlig-myndighet-2026.toml"]);
    assert_eq!(out.status.code(), Some(4));
    // The conditional answer names the unknown threshold in words; --full adds its identifier.
    assert!(stdout(&out).starts_with(
        "Obestämt: svaret beror på det exakta beloppet för EU-tröskelvärdet för varor och tjänster, statliga myndigheter."
    ));
    let full = regelverk(&["check", "examples/statlig-myndighet-2026.toml", "--full"]);
    assert_eq!(full.status.code(), Some(4));
    assert!(stdout(&full).contains("`tröskelvärde_statliga`"));
}

#[test]
fn the_quick_form_gives_the_same_decision_as_the_case_file() {
    let quick = regelverk(&[
        "check",
        "--jurisdiction",
        "se",
        "--buyer",
        "kommun",
        "--category",
        "services",
        "--cpv",
        "90910000",
        "--value",
        "750 000 SEK",
        "--date",
        "2026-03-01",
        "--format",
        "json",
    ]);
    let toml = "jurisdiction = \"SE\"\ndate = 2026-03-01\n[buyer]\nkind = \"kommun\"\n[purchase]\ncategory = \"services\"\ncpv = \"90910000\"\nvalue = \"750 000 SEK\"\n";
    let dir = std::env::temp_dir().join(format!("regelverk-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let path = dir.join("case.toml");
    std::fs::write(&path, toml).unwrap_or_default();
    let file = regelverk(&[
        "check",
        path.to_str().unwrap_or_default(),
        "--format",
        "json",
    ]);
    assert_eq!(quick.status.code(), Some(3), "{}", stderr(&quick));
    assert_eq!(stdout(&quick), stdout(&file));
}

#[test]
fn json_output_is_versioned_and_parses() {
    let out = regelverk(&[
        "check",
        "examples/bradskande-kop-2025.toml",
        "--format",
        "json",
        "--lang",
        "nb",
    ]);
    assert_eq!(out.status.code(), Some(4));
    let value: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(value["format_version"], 2);
    assert_eq!(value["lang"], "nb");
    assert_eq!(value["decision"]["outcome"], "undecided");
    assert_eq!(value["decision"]["reasons"][0]["kind"], "left_open_by_rule");
}

#[test]
fn a_bad_case_exits_1_with_file_line_col_and_nothing_on_stdout() {
    let out = regelverk(&["check", "tests/errors/cases/negative_amount.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains(" --> tests/errors/cases/negative_amount.toml:4:9"),
        "{}",
        stderr(&out)
    );
    let out = regelverk(&["check", "no/such/case.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: cannot read `no/such/case.toml`"));
}

#[test]
fn a_bad_quick_form_value_exits_1() {
    let out = regelverk(&[
        "check",
        "--jurisdiction",
        "se",
        "--date",
        "2026-03-01",
        "--value",
        "5 USD",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: --value: unknown currency `USD`; expected SEK, NOK or EUR\n"
    );
}

#[test]
fn broken_rules_exit_1_with_positions() {
    let out = regelverk(&["test", "tests/errors/rules_dir_does_not_exist"]);
    assert_eq!(out.status.code(), Some(1));
    let out = regelverk(&[
        "check",
        "examples/kommun-tjanster-650k.toml",
        "--rules",
        "tests/errors/rules",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("tests/errors/rules/unknown_source.regel:7:38"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(regelverk(&["check"]).status.code(), Some(2));
    assert_eq!(
        regelverk(&["check", "--format", "xml", "x.toml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(regelverk(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        regelverk(&[
            "check",
            "examples/kommun-tjanster-650k.toml",
            "--value",
            "1 SEK"
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn every_subcommand_has_help() {
    for sub in ["check", "thresholds", "test"] {
        let out = regelverk(&[sub, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{sub}");
        assert!(stdout(&out).contains("Usage: regelverk"), "{sub}");
    }
    insta::assert_snapshot!("help_check", stdout(&regelverk(&["check", "--help"])));
}

#[test]
fn output_to_a_pipe_has_no_colour() {
    let out = regelverk(&["check", "examples/kommun-tjanster-750k.toml"]);
    assert!(!stdout(&out).contains('\u{1b}'));
    let out = regelverk(&["test"]);
    assert!(!stdout(&out).contains('\u{1b}'));
}

#[test]
fn thresholds_lists_the_values_in_force_with_sources() {
    let out = regelverk(&["thresholds", "--jurisdiction", "se", "--date", "2026-03-01"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("thresholds_se_2026", stdout(&out));
    let out = regelverk(&[
        "thresholds",
        "--jurisdiction",
        "se",
        "--date",
        "2022-01-31",
        "--format",
        "json",
    ]);
    let value: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}"));
    let limit = value["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "direktupphandlingsgräns"))
        .cloned();
    let limit = limit.unwrap_or_default();
    assert_eq!(limit["value"]["type"], "money_range");
    assert_eq!(limit["period"]["to"], "2022-01-31");
}

#[test]
fn test_runs_the_rule_examples() {
    let out = regelverk(&["test"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let last = stdout(&out).lines().last().unwrap_or_default().to_string();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}
