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
        "5 kr",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: --value: `kr` is not a currency code; write the three capital letters of ISO 4217, like `700 000 SEK`\n"
    );
}

/// Issue 10: `--value "750,000 SEK"` was read as 750 kronor and answered "allowed" (exit 0).
#[test]
fn an_ambiguous_amount_on_the_command_line_exits_1_and_says_how_to_write_it() {
    for (label, value, jurisdiction, buyer) in [
        ("comma", "750,000 SEK", "se", "kommun"),
        ("dot", "900.000 NOK", "no", "kommune"),
        ("too_precise", "650 000,505 SEK", "se", "kommun"),
    ] {
        let out = regelverk(&[
            "check",
            "--jurisdiction",
            jurisdiction,
            "--buyer",
            buyer,
            "--category",
            "services",
            "--value",
            value,
            "--date",
            "2026-03-01",
        ]);
        assert_eq!(out.status.code(), Some(1), "{value}: {}", stdout(&out));
        assert!(stdout(&out).is_empty());
        insta::assert_snapshot!(format!("quick_form_value_{label}"), stderr(&out));
    }
}

/// Issue 10: `check /dev/zero` grew until memory ran out, and `check -` read all of standard
/// input before the 64 KiB limit applied.
#[cfg(unix)]
#[test]
fn an_endless_case_is_refused_after_the_limit() {
    let out = regelverk(&["check", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("more than 65536 bytes"),
        "{}",
        stderr(&out)
    );
    let zero = std::fs::File::open("/dev/zero").unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_regelverk"))
        .args(["check", "-"])
        .stdin(zero)
        .output()
        .unwrap_or_else(|e| panic!("cannot run regelverk: {e}"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("more than 65536 bytes"),
        "{}",
        stderr(&out)
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
    for sub in ["check", "thresholds", "test", "schema"] {
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

/// `check --ask` asks only what can change the outcome, one line each on stderr, reads the
/// answers from stdin, treats an empty line as "don't know", and saves the completed case.
#[test]
fn the_interview_asks_reads_answers_and_saves_the_case() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = std::env::temp_dir().join(format!("regelverk-ask-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let saved = dir.join("saved.toml");
    let run = |answers: &str, save: bool| {
        let mut args = vec![
            "check",
            "--jurisdiction",
            "se",
            "--buyer",
            "kommun",
            "--category",
            "services",
            "--date",
            "2026-03-01",
            "--ask",
        ];
        let saved = saved.to_string_lossy().into_owned();
        if save {
            args.push("--save");
            args.push(&saved);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_regelverk"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(answers.as_bytes())
            .expect("answers written");
        child.wait_with_output().expect("the binary ends")
    };
    // The service class first (it decides most), then the value: a cultural service of 750 000
    // kr may be awarded directly.
    let out = run("other_special\n750 000 SEK\n", true);
    let asked = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{asked}");
    assert!(asked.contains("`purchase.service_class`"), "{asked}");
    assert!(asked.contains("`purchase.value`"), "{asked}");
    let first_service = asked.find("`purchase.service_class`").unwrap_or(usize::MAX);
    let first_value = asked.find("`purchase.value`").unwrap_or(0);
    assert!(first_service < first_value, "{asked}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Direktupphandling är tillåten"));
    let case = std::fs::read_to_string(&saved).unwrap_or_default();
    assert!(case.contains("service_class = \"other_special\""), "{case}");
    assert!(case.contains("value = \"750000 SEK\""), "{case}");
    // "Don't know" for the service class: the value is still asked, and the answer stays
    // conditional on the class (exit 4); at the end of the input it stops asking.
    let out = run("\n750 000 SEK\n", false);
    assert_eq!(out.status.code(), Some(4));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        stdout.starts_with("Obestämt: svaret beror på slag av tjänst."),
        "{stdout}"
    );
    // Once decided it asks nothing more: an ordinary service over the limit.
    let out = run("ordinary\n750 000 SEK\nextra\n", false);
    assert_eq!(out.status.code(), Some(3));
    let asked = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        asked.matches("tom rad om du inte vet").count(),
        2,
        "{asked}"
    );
}

/// A partnership that may go ahead but whose required purchase may not be awarded directly says
/// both on the first line and exits 3.
#[test]
fn a_partnership_whose_purchase_is_not_allowed_exits_3() {
    let out = regelverk(&[
        "check",
        "examples/partnerships/kre-halsa-samverkan-stort-ramavtal.toml",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let first = stdout(&out).lines().next().unwrap_or_default().to_string();
    assert!(
        first.starts_with("Samverkan får ske utan upphandling"),
        "{first}"
    );
    assert!(first.contains("får inte direktupphandlas"), "{first}");
}

/// An amount in a currency the jurisdiction's rules do not use is an input error at its place.
#[test]
fn a_value_in_the_wrong_currency_is_an_error_at_its_place() {
    let dir = std::env::temp_dir().join(format!("regelverk-currency-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let path = dir.join("nok.toml");
    std::fs::write(
        &path,
        "jurisdiction = \"SE\"\ndate = 2026-03-01\n[purchase]\ncategory = \"services\"\nvalue = \"750 000 NOK\"\n",
    )
    .unwrap_or_default();
    let out = regelverk(&["check", path.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(err.contains("nok.toml:5:9"), "{err}");
    assert!(err.contains("write the value in SEK"), "{err}");
}

/// `regelverk schema` prints the case format's schema made from the rules' declarations (the one
/// `benches/tests/schema.rs` validates every example file against), one country's, or the decision's.
#[test]
fn schema_prints_the_schemas_of_the_declarations() {
    let rules = regelverk::RuleSet::embedded().unwrap_or_else(|e| panic!("{e}"));
    for (args, expected) in [
        (
            vec!["schema"],
            regelverk::schema::case_schema(rules.vocabulary(), None),
        ),
        (
            vec!["schema", "--jurisdiction", "no"],
            regelverk::schema::case_schema(rules.vocabulary(), Some("no")),
        ),
        (
            vec!["schema", "--decision"],
            regelverk::schema::decision_schema(),
        ),
    ] {
        let out = regelverk(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let printed: serde_json::Value =
            serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert_eq!(printed, expected, "{args:?}");
    }
    let out = regelverk(&["schema", "--jurisdiction", "xx"]);
    assert_eq!(out.status.code(), Some(1));
}
