//! The subcommands for the people who maintain the rules: `test`, `lint`, `fmt`, `doc`, `diff`
//! and `watch`, and the shell completions and manual page made from the command line's
//! definition. Each finds its rules by the one rule of [`super::rules`], takes files and
//! directories alike, and has `--format json` where it prints findings.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use regelverk::diagnostic::{Diagnostic, Severity};
use regelverk::{ExampleResult, Lang, RuleSet, TOOLS_FORMAT_VERSION};

use super::rules::{self, RuleFiles, Use};
use super::{EXIT_ERROR, EXIT_OK, Format, LangArg, Out, watch};

/// Where the rules are, for the tools.
#[derive(Args, Clone)]
pub struct Paths {
    /// Rule files or directories [default: ./rules if there is one, else the rules built into
    /// regelverk]. A file is read with the rest of its rule set (the directory `rules` above it)
    /// and only what concerns it is reported.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// The same as a PATH argument, as `check --rules` takes it
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,
}

impl Paths {
    fn all(&self) -> Vec<PathBuf> {
        self.paths.iter().chain(&self.rules).cloned().collect()
    }
}

#[derive(Args)]
pub struct TestArgs {
    #[command(flatten)]
    paths: Paths,
    /// List every example, not only those that fail
    #[arg(short, long)]
    verbose: bool,
    /// Also report, per cited provision, how many examples exercise it, and which parameter
    /// boundaries no example covers
    #[arg(long)]
    coverage: bool,
    /// Output: text for people, json for programs
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Run the examples again whenever a rule file changes (Ctrl-C to stop)
    #[arg(long)]
    pub watch: bool,
}

#[derive(Args)]
pub struct LintArgs {
    #[command(flatten)]
    paths: Paths,
    /// Output: text (on standard error, like a compiler's) for people, json (on standard
    /// output) for programs
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Review again whenever a rule file changes (Ctrl-C to stop)
    #[arg(long)]
    watch: bool,
}

#[derive(Args)]
pub struct FmtArgs {
    /// Rule files or directories [default: ./rules]
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Only report files that are not formatted; change nothing
    #[arg(long)]
    check: bool,
    /// Show what would change as a unified diff on standard output (implies --check)
    #[arg(long)]
    diff: bool,
    /// Output: text for people, json for programs
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Args)]
pub struct DocArgs {
    #[command(flatten)]
    paths: Paths,
    /// The language of the document [default: sv, or nb for Norwegian rules alone]
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Write regelverk.md and regelverk.html to this directory instead of Markdown to standard
    /// output
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write the document again whenever a rule file changes (Ctrl-C to stop)
    #[arg(long)]
    watch: bool,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The rules before the change: a directory or a file
    old: PathBuf,
    /// The rules after the change: a directory or a file
    new: PathBuf,
    /// Output: text for people, json for programs
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Exit 0 even when an outcome flips: report without failing
    #[arg(long)]
    exit_zero: bool,
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Args)]
pub struct ManArgs {
    /// Write regelverk.1 and a page per subcommand (regelverk-check.1, …) to this directory
    /// instead of regelverk.1 to standard output
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Args)]
pub struct CompileRulesArgs {
    /// Where to write it: `rules.compiled` at the root of the repository, where the build reads it
    #[arg(long, short, value_name = "FILE", default_value = regelverk::compiled::FILE)]
    output: PathBuf,
}

/// `compile-rules`: the compiled form of the embedded rule files, always from their texts.
pub fn compile_rules(out: &Out, args: &CompileRulesArgs) -> u8 {
    let files = regelverk::embedded_rule_files();
    let count = files.len();
    let bytes = match regelverk::compiled::compile(files) {
        Ok(bytes) => bytes,
        Err(e) => {
            out.diagnostics(&e.diagnostics);
            return EXIT_ERROR;
        }
    };
    if let Err(e) = std::fs::write(&args.output, &bytes) {
        out.error(&format!("cannot write `{}`: {e}", args.output.display()));
        return EXIT_ERROR;
    }
    out.note(&format!(
        "wrote {}: the {count} rule files built into regelverk, compiled ({} bytes); the next build starts from it",
        args.output.display(),
        bytes.len()
    ));
    EXIT_OK
}

/// Finds the rule files by the one rule and loads them as a rule set, reporting what stops it.
fn load(out: &Out, paths: &[PathBuf]) -> Result<(RuleFiles, RuleSet), u8> {
    let found = rules::find(out, paths, Use::RuleSet)?;
    match RuleSet::from_sources(found.files.clone()) {
        Ok(rules) => Ok((found, rules)),
        Err(e) => {
            out.diagnostics(&e.diagnostics);
            Err(EXIT_ERROR)
        }
    }
}

fn json(value: &serde_json::Value) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(value).unwrap_or_default()
    )
}

// ---- test -------------------------------------------------------------------------------------

pub fn test(out: &Out, args: &TestArgs) -> u8 {
    if args.watch {
        return watch::run(out, &args.paths.all(), || test_once(out, args));
    }
    test_once(out, args)
}

fn test_once(out: &Out, args: &TestArgs) -> u8 {
    let (found, rules) = match load(out, &args.paths.all()) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let results: Vec<ExampleResult> = rules
        .run_examples()
        .into_iter()
        .filter(|r| found.in_focus(&r.file))
        .collect();
    let failed = results.iter().filter(|r| !r.passed).count();
    let passed = results.len() - failed;
    match args.format {
        Format::Json => {
            let mut value = serde_json::json!({
                "format_version": TOOLS_FORMAT_VERSION,
                "passed": passed,
                "failed": failed,
                "examples": results,
            });
            if args.coverage {
                value["coverage"] = serde_json::to_value(rules.coverage()).unwrap_or_default();
            }
            out.print(&json(&value));
        }
        Format::Text => {
            let mut text = String::new();
            for r in &results {
                if r.passed && !args.verbose {
                    continue;
                }
                text.push_str(&render_result(out, r));
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("{passed} passed, {failed} failed\n"));
            if args.coverage {
                text.push('\n');
                text.push_str(&rules.coverage().render());
            }
            out.print(&text);
        }
    }
    if failed == 0 { EXIT_OK } else { EXIT_ERROR }
}

/// One example: `ok` and where it is, or `FAIL` with what was expected, what the rules gave and
/// the values that decided it.
fn render_result(out: &Out, r: &ExampleResult) -> String {
    let mark = match (r.passed, out.color_stdout) {
        (true, true) => "\x1b[32mok\x1b[0m  ",
        (true, false) => "ok  ",
        (false, true) => "\x1b[1;31mFAIL\x1b[0m",
        (false, false) => "FAIL",
    };
    let mut text = format!("{mark} {}  {}\n", r.location, r.title);
    if r.passed {
        return text;
    }
    if r.got.is_empty() {
        // The example could not be run (e.g. an impossible date): the failure says why.
        text.push_str(&format!("     {}\n", r.failure.as_deref().unwrap_or("")));
        return text;
    }
    text.push_str(&format!("     expected  {}\n", r.expected));
    text.push_str(&format!("     got       {}\n", r.got));
    for (i, v) in r.values.iter().enumerate() {
        let head = if i == 0 { "values" } else { "" };
        let period = v
            .period
            .as_ref()
            .map_or_else(String::new, |p| format!("  ({p})"));
        text.push_str(&format!(
            "     {head:<9} {} = {}{period}\n",
            v.name, v.value
        ));
    }
    for (i, reason) in r.reasons.iter().enumerate() {
        let head = if i == 0 { "why" } else { "" };
        text.push_str(&format!("     {head:<9} {reason}\n"));
    }
    text
}

// ---- lint -------------------------------------------------------------------------------------

pub fn lint(out: &Out, args: &LintArgs) -> u8 {
    if args.watch {
        return watch::run(out, &args.paths.all(), || lint_once(out, args));
    }
    lint_once(out, args)
}

fn lint_once(out: &Out, args: &LintArgs) -> u8 {
    let found = match rules::find(out, &args.paths.all(), Use::RuleSet) {
        Ok(found) => found,
        Err(code) => return code,
    };
    // Errors anywhere stop the review of the whole rule set, so they are shown wherever they
    // are; warnings and notes only for the files asked about.
    let findings: Vec<Diagnostic> = regelverk::lint::lint_sources(found.files.clone())
        .into_iter()
        .filter(|d| d.severity == Severity::Error || found.in_focus(&d.file))
        .collect();
    let summary = regelverk::lint::summary(&findings);
    match args.format {
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Findings<'d> {
                format_version: u32,
                errors: usize,
                warnings: usize,
                notes: usize,
                diagnostics: &'d [Diagnostic],
            }
            let count = |s: Severity| findings.iter().filter(|d| d.severity == s).count();
            let value = Findings {
                format_version: TOOLS_FORMAT_VERSION,
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
                notes: count(Severity::Note),
                diagnostics: &findings,
            };
            out.print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            ));
        }
        Format::Text => {
            out.diagnostics(&findings);
            let gap = if findings.is_empty() { "" } else { "\n" };
            let _ = writeln!(std::io::stderr(), "{gap}{summary}");
        }
    }
    if regelverk::lint::fails(&findings) {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

// ---- fmt --------------------------------------------------------------------------------------

pub fn fmt(out: &Out, args: &FmtArgs) -> u8 {
    let found = match rules::find(out, &args.paths, Use::Files) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let check = args.check || args.diff;
    let mut code = EXIT_OK;
    let mut unformatted = 0;
    let mut report = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in &found.files {
        let (status, diff) = match regelverk::fmt::format_source(name, text) {
            Ok(formatted) if formatted == *text => ("formatted", None),
            Ok(formatted) if check => {
                unformatted += 1;
                code = EXIT_ERROR;
                let diff = args.diff.then(|| unified_diff(name, text, &formatted));
                if args.format == Format::Text {
                    match &diff {
                        Some(diff) => out.print(&paint_diff(out, diff)),
                        None => {
                            let _ = writeln!(std::io::stderr(), "not formatted: {name}");
                        }
                    }
                }
                ("not_formatted", diff)
            }
            Ok(formatted) => match std::fs::write(name, formatted) {
                Ok(()) => {
                    if args.format == Format::Text {
                        out.print(&format!("formatted {name}\n"));
                    }
                    ("rewritten", None)
                }
                Err(e) => {
                    out.error(&format!("cannot write `{name}`: {e}"));
                    code = EXIT_ERROR;
                    ("error", None)
                }
            },
            Err(mut diagnostics) => {
                code = EXIT_ERROR;
                if args.format == Format::Text {
                    out.diagnostics(&diagnostics);
                }
                errors.append(&mut diagnostics);
                ("error", None)
            }
        };
        report.push(serde_json::json!({ "file": name, "status": status, "diff": diff }));
    }
    match args.format {
        Format::Json => out.print(&json(&serde_json::json!({
            "format_version": TOOLS_FORMAT_VERSION,
            "files": report,
            "diagnostics": errors,
        }))),
        Format::Text if unformatted > 0 => {
            let _ = writeln!(
                std::io::stderr(),
                "\n{unformatted} file(s) not formatted; run `regelverk fmt` to format them"
            );
        }
        Format::Text => {}
    }
    code
}

/// What `fmt` would change, as a unified diff with three lines of context.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}

fn paint_diff(out: &Out, diff: &str) -> String {
    if !out.color_stdout {
        return diff.to_string();
    }
    diff.lines()
        .map(|line| {
            let code = match line.as_bytes().first() {
                Some(b'-') if !line.starts_with("---") => "31",
                Some(b'+') if !line.starts_with("+++") => "32",
                Some(b'@') => "36",
                _ => return format!("{line}\n"),
            };
            format!("\x1b[{code}m{line}\x1b[0m\n")
        })
        .collect()
}

// ---- doc --------------------------------------------------------------------------------------

pub fn doc(out: &Out, args: &DocArgs) -> u8 {
    if args.watch {
        return watch::run(out, &args.paths.all(), || doc_once(out, args));
    }
    doc_once(out, args)
}

fn doc_once(out: &Out, args: &DocArgs) -> u8 {
    let (_, rules) = match load(out, &args.paths.all()) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let lang = args
        .lang
        .map_or_else(|| rules.default_doc_lang(), Lang::from);
    let blocks = regelverk::doc::document(&rules, lang);
    let markdown = regelverk::doc::render_markdown(&blocks);
    let Some(dir) = &args.out else {
        out.print(&markdown);
        return EXIT_OK;
    };
    let html = regelverk::doc::render_html(&blocks, lang);
    if let Err(e) = std::fs::create_dir_all(dir) {
        out.error(&format!("cannot create `{}`: {e}", dir.display()));
        return EXIT_ERROR;
    }
    for (name, text) in [("regelverk.md", &markdown), ("regelverk.html", &html)] {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            out.error(&format!("cannot write `{}`: {e}", path.display()));
            return EXIT_ERROR;
        }
        out.print(&format!("wrote {}\n", path.display()));
    }
    EXIT_OK
}

// ---- diff -------------------------------------------------------------------------------------

pub fn diff(out: &Out, args: &DiffArgs) -> u8 {
    let load_side = |path: &PathBuf| load(out, std::slice::from_ref(path)).ok().map(|(_, r)| r);
    let (Some(old), Some(new)) = (load_side(&args.old), load_side(&args.new)) else {
        return EXIT_ERROR;
    };
    let report = regelverk::diff::compare(&old, &new);
    match args.format {
        Format::Json => out.print(&format!("{}\n", report.to_json())),
        Format::Text => out.print(&report.render()),
    }
    if report.outcomes_flip() && !args.exit_zero {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

// ---- completions and the manual page ------------------------------------------------------------

pub fn completions(out: &Out, args: &CompletionsArgs) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut super::full_command(),
        "regelverk",
        &mut script,
    );
    out.print(&String::from_utf8_lossy(&script));
    EXIT_OK
}

pub fn man(out: &Out, args: &ManArgs) -> u8 {
    let command = super::full_command();
    if let Some(dir) = &args.out {
        let written =
            std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir));
        return match written {
            Ok(()) => {
                out.print(&format!("wrote the manual pages to {}\n", dir.display()));
                EXIT_OK
            }
            Err(e) => {
                out.error(&format!("cannot write to `{}`: {e}", dir.display()));
                EXIT_ERROR
            }
        };
    }
    let mut page = Vec::new();
    match clap_mangen::Man::new(command).render(&mut page) {
        Ok(()) => {
            out.print(&String::from_utf8_lossy(&page));
            EXIT_OK
        }
        Err(e) => {
            out.error(&format!("cannot write the manual page: {e}"));
            EXIT_ERROR
        }
    }
}
