//! The command line: parses arguments, reads files, prints, and chooses the exit code.
//!
//! Invariant: this is the only module that prints, reads the environment or exits. Exit codes:
//! 0 allowed (also with obligations) or success, 1 an error in the input or the rules (or a
//! failing example, a lint warning, an outcome `diff` finds flipped), 2 a usage error, 3 not
//! allowed, 4 undecided. Every subcommand finds its rules by one rule (`rules`); the tools for
//! the people who maintain the rules are in `maintain`, re-running on changes in `watch`.

mod audit;
mod maintain;
mod rules;
mod watch;

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use regelverk::case::{Fact, parse_date};
use regelverk::{Case, Diagnostic, Jurisdiction, Lang, Outcome, RuleSet};

const EXIT_OK: u8 = 0;
const EXIT_ERROR: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_NOT_ALLOWED: u8 = 3;
const EXIT_UNDECIDED: u8 = 4;

#[derive(Parser)]
#[command(
    name = "regelverk",
    version,
    about = "Says whether a Swedish or Norwegian public buyer may buy directly, what the law requires otherwise, and why",
    after_help = "Exit codes: 0 allowed (or success), 1 error in input or rules, 2 usage error, 3 not allowed, 4 undecided."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Decide a case: may the buyer award the contract directly?
    #[command(
        after_help = "Exit codes: 0 allowed, 1 error in input or rules, 2 usage error, 3 not allowed, 4 undecided.\n\nExamples:\n  regelverk check examples/kommun-tjanster-650k.toml\n  regelverk check --jurisdiction se --buyer kommun --category services --value \"650 000 SEK\" --date 2026-03-01"
    )]
    Check(CheckArgs),
    /// List the thresholds and other parameters in force on a date, with their sources
    Thresholds(ThresholdArgs),
    /// Run the examples written in the rule files: failures and a summary (-v: every example)
    #[command(
        after_help = "Exit codes: 0 all examples pass, 1 an example fails or the rules have errors.\n\nExamples:\n  regelverk test                        # ./rules, or the rules built in\n  regelverk test rules/se/lou.regel     # the examples of one file, with the rest of its rule set\n  regelverk test --watch                # again on every change"
    )]
    Test(maintain::TestArgs),
    /// Review rule files: what a careful reviewer would catch, with file:line:col
    #[command(
        after_help = "Exit codes: 0 nothing but notes, 1 an error or a warning.\n\nExamples:\n  regelverk lint\n  regelverk lint rules/se/lou.regel --format json"
    )]
    Lint(maintain::LintArgs),
    /// Rewrite rule files in the canonical layout (comments kept)
    #[command(
        after_help = "Exit codes: 0 formatted (or, with --check, already formatted), 1 a file does not parse or, with --check, is not formatted.\n\nExamples:\n  regelverk fmt\n  regelverk fmt --check --diff rules/se/lou.regel"
    )]
    Fmt(maintain::FmtArgs),
    /// Write the rule set as a document (Markdown, and one self-contained HTML page)
    Doc(maintain::DocArgs),
    /// Name every item a change to the rule set changes, and the outcomes and examples that flip
    #[command(
        after_help = "Exit codes: 0 no outcome flips, 1 an outcome flips (unless --exit-zero) or the rules have errors.\n\nExample:\n  cp -r rules /tmp/rules-before   # before editing\n  regelverk diff /tmp/rules-before rules"
    )]
    Diff(maintain::DiffArgs),
    /// Run the examples again whenever a rule file changes (the same as `test --watch`)
    Watch(maintain::TestArgs),
    /// Print a shell completion script, e.g. `regelverk completions bash > /etc/bash_completion.d/regelverk`
    Completions(maintain::CompletionsArgs),
    /// Print the manual page (roff), e.g. `regelverk man | man -l -`
    Man(maintain::ManArgs),
    /// Screen a year of supplier payments for possible unlawful direct awards
    Audit(audit::AuditArgs),
    /// Serve the rules over HTTP: a JSON API for programs (/v1) and a page for purchasers (/)
    #[cfg(feature = "server")]
    #[command(
        after_help = "Stops on SIGTERM or Ctrl-C, letting requests in flight finish. One line per request on standard error.\nExit codes: 0 stopped, 1 the rules have errors or the address cannot be bound.\n\nExamples:\n  regelverk serve                         # http://127.0.0.1:8080/\n  regelverk serve --addr 0.0.0.0:8080 --rules rules"
    )]
    Serve(ServeArgs),
}

#[cfg(feature = "server")]
#[derive(Args)]
struct ServeArgs {
    /// The address to listen on (port 0: any free port, said on standard error)
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    #[command(flatten)]
    rules: RuleArgs,
    /// Do not write a line per request on standard error
    #[arg(long)]
    no_access_log: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Sv,
    Nb,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Sv => Lang::Sv,
            LangArg::Nb => Lang::Nb,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Args)]
struct RuleArgs {
    /// A rule file or directory to decide with [default: ./rules if there is one, else the
    /// rules built into regelverk]
    #[arg(long, value_name = "PATH")]
    rules: Vec<PathBuf>,
}

#[derive(Args)]
struct CheckArgs {
    /// The case: a TOML file, a JSON file (name ending in .json), or `-` for TOML on standard input.
    /// Leave it out to describe the case with the options below instead.
    case: Option<PathBuf>,
    /// The language of the explanation [default: sv for Swedish cases, nb for Norwegian]
    /// The language of the list [default: sv for SE, nb for NO]
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Output: text for people, json for programs
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    rules: RuleArgs,
    /// Decide many cases: one JSON case per line in FILE (`-` for standard input), one JSON
    /// decision per line out, in order, on all cores. Exit code 1 if any line failed.
    #[arg(long, value_name = "FILE", conflicts_with = "case")]
    batch: Option<PathBuf>,
    /// Say everything: also the values used with their periods and sources, notes, the sources
    /// and the decision record (the case as given, the rule set's hash, the engine's version).
    /// With --batch: write the whole decision and its explanation for each case, not only the
    /// outcome (much slower)
    #[arg(long)]
    full: bool,
    /// Quick form: the buyer's country, `se` or `no`
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    jurisdiction: Option<String>,
    /// Quick form: the day the procurement starts, e.g. 2026-03-01
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    date: Option<String>,
    /// Quick form: the kind of buyer (kommun, region, statlig_myndighet, kommunalt_bolag, kommune, fylkeskommune, helseforetak, offentligrettslig_organ)
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    buyer: Option<String>,
    /// Quick form: goods, services or works
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    category: Option<String>,
    /// Quick form: the estimated value excl. VAT, e.g. "650 000 SEK"
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    value: Option<String>,
    /// Quick form: a CPV code, e.g. 92000000-1
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    cpv: Option<String>,
    /// Quick form: options, counted as if used, e.g. "100 000 SEK"
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    options: Option<String>,
    /// Quick form: extensions, counted as if used
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    extensions: Option<String>,
    /// Quick form: direct awards of the same kind already made this fiscal year
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    same_kind_this_year: Option<String>,
    /// Quick form: ordinary, health_social or other_special (e.g. cultural) services
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    service_class: Option<String>,
    /// Quick form: a ground claimed for direct award (exceptional_reasons, extreme_urgency, sole_supplier, negotiated_without_notice, cover_purchase)
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    claimed_ground: Option<String>,
    /// Quick form: the duration of the contract in months
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    duration_months: Option<String>,
    /// Quick form: the purchase is a framework agreement
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    framework_agreement: bool,
    /// Quick form: any fact by its path, e.g. --fact purchase.recurring=true (repeatable)
    #[arg(
        long,
        value_name = "PATH=VALUE",
        help_heading = "Quick form (instead of a case file)"
    )]
    fact: Vec<String>,
    /// Ask, one at a time on standard error, only the questions whose answer can change the
    /// outcome, reading one answer per line from standard input (an empty line: don't know)
    #[arg(long)]
    ask: bool,
    /// With --ask: write the completed case to this TOML file
    #[arg(long, value_name = "CASE.toml", requires = "ask")]
    save: Option<PathBuf>,
}

#[derive(Args)]
struct ThresholdArgs {
    /// The country, `se` or `no`
    #[arg(long)]
    jurisdiction: String,
    /// The day, e.g. 2026-03-01
    #[arg(long)]
    date: String,
    /// The language of the list [default: sv for SE, nb for NO]
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Output: text for people, json for programs
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    rules: RuleArgs,
}

/// Where output goes and whether it may be coloured.
struct Out {
    color_stdout: bool,
    color_stderr: bool,
    /// The notes already given, so that a tool run again (`--watch`) does not repeat them.
    noted: RefCell<Vec<String>>,
}

impl Out {
    fn detect() -> Out {
        let allowed = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        Out {
            color_stdout: allowed && std::io::stdout().is_terminal(),
            color_stderr: allowed && std::io::stderr().is_terminal(),
            noted: RefCell::new(Vec::new()),
        }
    }

    /// Something the user should know that is not the output, e.g. which rules are used: on
    /// standard error, once per process.
    fn note(&self, message: &str) {
        let mut noted = self.noted.borrow_mut();
        if !noted.iter().any(|n| n == message) {
            noted.push(message.to_string());
            let _ = writeln!(std::io::stderr().lock(), "{message}");
        }
    }

    /// Progress or state, on standard error.
    fn status(&self, message: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{message}");
    }

    fn print(&self, text: &str) {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (e.g. `| head`) is not an error worth reporting.
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }

    fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        let mut stderr = std::io::stderr().lock();
        for (i, d) in diagnostics.iter().enumerate() {
            if i > 0 {
                let _ = writeln!(stderr);
            }
            let text = d.to_string();
            if self.color_stderr {
                let text = text.replacen("error:", "\x1b[1;31merror\x1b[0m:", 1);
                let _ = write!(stderr, "{text}");
            } else {
                let _ = write!(stderr, "{text}");
            }
        }
    }

    fn error(&self, message: &str) {
        let head = if self.color_stderr {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        let _ = writeln!(std::io::stderr().lock(), "{head}: {message}");
    }

    fn paint(&self, text: &str, outcome: Outcome) -> String {
        if !self.color_stdout {
            return text.to_string();
        }
        let code = match outcome {
            Outcome::Allowed | Outcome::AllowedWithObligations => "1;32",
            Outcome::NotAllowed => "1;31",
            Outcome::Undecided => "1;33",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            return ExitCode::from(code);
        }
    };
    let out = Out::detect();
    let code = match cli.command {
        Command::Check(args) => check(&out, args),
        Command::Thresholds(args) => thresholds(&out, args),
        Command::Test(args) => maintain::test(&out, &args),
        Command::Lint(args) => maintain::lint(&out, &args),
        Command::Fmt(args) => maintain::fmt(&out, &args),
        Command::Doc(args) => maintain::doc(&out, &args),
        Command::Diff(args) => maintain::diff(&out, &args),
        Command::Watch(mut args) => {
            args.watch = true;
            maintain::test(&out, &args)
        }
        Command::Completions(args) => maintain::completions(&out, &args),
        Command::Man(args) => maintain::man(&out, &args),
        Command::Audit(args) => audit::run(&out, args),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve(&out, &args),
    };
    ExitCode::from(code)
}

/// The rules for deciding cases, found by the one rule (`rules::find`), without their examples,
/// which only `test` runs.
fn load_rules_for_deciding(out: &Out, paths: &[PathBuf]) -> Option<RuleSet> {
    let found = rules::find(out, paths, rules::Use::RuleSet).ok()?;
    match RuleSet::for_deciding(found.files) {
        Ok(rules) => Some(rules),
        Err(e) => {
            out.diagnostics(&e.diagnostics);
            None
        }
    }
}

/// `serve`: loads the rules once, binds, says where it listens, and serves until SIGTERM.
#[cfg(feature = "server")]
fn serve(out: &Out, args: &ServeArgs) -> u8 {
    let Some(rules) = load_rules_for_deciding(out, &args.rules.rules) else {
        return EXIT_ERROR;
    };
    let listener = match regelverk::server::bind(args.addr) {
        Ok(listener) => listener,
        Err(e) => {
            out.error(&format!("cannot listen on {}: {e}", args.addr));
            return EXIT_ERROR;
        }
    };
    let shown = listener
        .local_addr()
        .map_or_else(|_| args.addr.to_string(), |a| a.to_string());
    out.status(&format!(
        "listening on http://{shown}/ (the page; the API is under /v1, see /v1/openapi.json)"
    ));
    let options = regelverk::server::Options::new(!args.no_access_log);
    match regelverk::server::run(listener, rules, &options) {
        Ok(()) => {
            out.status("stopped");
            EXIT_OK
        }
        Err(e) => {
            out.error(&format!("serve: {e}"));
            EXIT_ERROR
        }
    }
}

fn check(out: &Out, args: CheckArgs) -> u8 {
    if let Some(path) = &args.batch {
        return check_batch(out, &args, path);
    }
    if args.ask && args.case.as_deref().is_some_and(|p| p.as_os_str() == "-") {
        out.error("--ask reads its answers from standard input, so the case cannot come from there too; give a case file or the quick-form options");
        return EXIT_USAGE;
    }
    // The case first: a case that cannot be read is reported before anything about the rules.
    let (mut case, source) = match read_case(out, &args) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let Some(rules) = load_rules_for_deciding(out, &args.rules.rules) else {
        return EXIT_ERROR;
    };
    let checked = match &source {
        Some((text, name)) => rules.check_case_in_text(&case, text, name),
        None => rules.check_case(&case),
    };
    if let Err(e) = checked {
        out.diagnostics(&e.diagnostics);
        return EXIT_ERROR;
    }
    let lang = args
        .lang
        .map_or_else(|| default_lang(case.jurisdiction), Lang::from);
    let mut decision = rules.evaluate(&case);
    if args.ask {
        decision = interview(out, &rules, &mut case, decision, lang);
        if let Some(path) = &args.save
            && let Err(e) = std::fs::write(path, case.to_toml())
        {
            out.error(&format!("cannot write `{}`: {e}", path.display()));
            return EXIT_ERROR;
        }
    }
    let detail = if args.full {
        regelverk::Detail::Full
    } else {
        regelverk::Detail::Short
    };
    match args.format {
        Format::Json => out.print(&format!("{}\n", rules.explain_json(&decision, lang))),
        Format::Text => {
            let text = rules.explain_with(&decision, lang, detail);
            let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
            out.print(&format!(
                "{}\n{rest}",
                out.paint(first, decision.combined_outcome())
            ));
        }
    }
    // A partnership that may go ahead while the purchase it requires may not be awarded directly
    // exits as "not allowed": the whole of what the buyer wants to do is not allowed as planned.
    match decision.combined_outcome() {
        Outcome::Allowed | Outcome::AllowedWithObligations => EXIT_OK,
        Outcome::NotAllowed => EXIT_NOT_ALLOWED,
        Outcome::Undecided => EXIT_UNDECIDED,
    }
}

/// `check --batch`: JSON lines in, JSON lines out; progress on standard error if a terminal.
fn check_batch(out: &Out, args: &CheckArgs, path: &Path) -> u8 {
    let Some(rules) = load_rules_for_deciding(out, &args.rules.rules) else {
        return EXIT_ERROR;
    };
    let input: Box<dyn std::io::BufRead + Send> = if path.as_os_str() == "-" {
        Box::new(std::io::BufReader::with_capacity(1 << 16, std::io::stdin()))
    } else {
        match std::fs::File::open(path) {
            Ok(file) => Box::new(std::io::BufReader::with_capacity(1 << 16, file)),
            Err(e) => {
                out.error(&format!("cannot read `{}`: {e}", path.display()));
                return EXIT_ERROR;
            }
        }
    };
    let options = regelverk::batch::BatchOptions::new(args.full, args.lang.map(Lang::from));
    let show_progress = std::io::stderr().is_terminal();
    let mut last = std::time::Instant::now();
    let stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
    let result = regelverk::batch::run(&rules, input, stdout, &options, |s| {
        if show_progress && last.elapsed().as_millis() >= 200 {
            last = std::time::Instant::now();
            let _ = write!(
                std::io::stderr(),
                "\r{} cases decided, {} failed",
                s.decided,
                s.failed
            );
        }
    });
    if show_progress {
        let _ = write!(std::io::stderr(), "\r\x1b[K");
    }
    match result {
        Ok(summary) if summary.failed == 0 => EXIT_OK,
        Ok(summary) => {
            out.error(&format!(
                "{} of {} cases could not be read; see their `error` records",
                summary.failed,
                summary.failed + summary.decided
            ));
            EXIT_ERROR
        }
        // A closed pipe (e.g. `| head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            out.error(&format!("batch: {e}"));
            EXIT_ERROR
        }
    }
}

fn default_lang(jurisdiction: Jurisdiction) -> Lang {
    match jurisdiction {
        Jurisdiction::Se => Lang::Sv,
        Jurisdiction::No => Lang::Nb,
    }
}

/// The case from a file, standard input, or the quick-form options.
/// The case, and its text and name when it was read from a file or standard input.
type ReadCase = (Case, Option<(String, String)>);

fn read_case(out: &Out, args: &CheckArgs) -> Result<ReadCase, u8> {
    let quick: [(&str, Option<&String>, Fact); 11] = [
        ("--buyer", args.buyer.as_ref(), Fact::BuyerKind),
        (
            "--service-class",
            args.service_class.as_ref(),
            Fact::ServiceClass,
        ),
        (
            "--claimed-ground",
            args.claimed_ground.as_ref(),
            Fact::ClaimedGround,
        ),
        ("--category", args.category.as_ref(), Fact::Category),
        ("--value", args.value.as_ref(), Fact::Value),
        ("--cpv", args.cpv.as_ref(), Fact::Cpv),
        ("--options", args.options.as_ref(), Fact::Options),
        ("--extensions", args.extensions.as_ref(), Fact::Extensions),
        (
            "--same-kind-this-year",
            args.same_kind_this_year.as_ref(),
            Fact::SameKindThisYear,
        ),
        (
            "--duration-months",
            args.duration_months.as_ref(),
            Fact::DurationMonths,
        ),
        (
            "--jurisdiction",
            args.jurisdiction.as_ref(),
            Fact::Jurisdiction,
        ),
    ];
    let any_quick = quick.iter().any(|(_, v, _)| v.is_some())
        || args.date.is_some()
        || args.framework_agreement
        || !args.fact.is_empty();
    if let Some(path) = &args.case {
        if any_quick {
            out.error("give either a case file or the quick-form options, not both");
            return Err(EXIT_USAGE);
        }
        // Through a bounded reader: a case over the limit is refused after reading the limit,
        // so `check /dev/zero` or a gigabyte on standard input costs 64 KiB.
        let (name, text) = if path.as_os_str() == "-" {
            match regelverk::read_limited(std::io::stdin().lock(), regelverk::MAX_CASE_BYTES) {
                Ok(text) => ("<stdin>".to_string(), text),
                Err(e) => {
                    out.error(&format!("cannot read the case from standard input: {e}"));
                    return Err(EXIT_ERROR);
                }
            }
        } else {
            let read = std::fs::File::open(path)
                .and_then(|file| regelverk::read_limited(file, regelverk::MAX_CASE_BYTES));
            match read {
                Ok(text) => (path.display().to_string(), text),
                Err(e) => {
                    out.error(&format!("cannot read `{}`: {e}", path.display()));
                    return Err(EXIT_ERROR);
                }
            }
        };
        return match Case::parse(&text, &name) {
            Ok(case) => Ok((case, Some((text, name)))),
            Err(e) => {
                out.diagnostics(&e.diagnostics);
                Err(EXIT_ERROR)
            }
        };
    }
    let (Some(jurisdiction), Some(date)) = (&args.jurisdiction, &args.date) else {
        out.error("give a case file, or at least --jurisdiction and --date");
        let _ = writeln!(
            std::io::stderr(),
            "\nFor more information, try 'regelverk check --help'."
        );
        return Err(EXIT_USAGE);
    };
    let jurisdiction: Jurisdiction = jurisdiction.parse().map_err(|e: String| {
        out.error(&format!("--jurisdiction: {e}"));
        EXIT_ERROR
    })?;
    let date = parse_date(date).map_err(|e| {
        out.error(&format!("--date: {e}"));
        EXIT_ERROR
    })?;
    let mut case = Case::new(jurisdiction, date);
    for (flag, value, fact) in quick {
        if let Some(value) = value
            && let Err(e) = case.set_fact(fact, value)
        {
            out.error(&format!("{flag}: {e}"));
            return Err(EXIT_ERROR);
        }
    }
    if args.framework_agreement {
        case.purchase.framework_agreement = Some(true);
    }
    for given in &args.fact {
        let Some((path, value)) = given.split_once('=') else {
            out.error(&format!(
                "--fact: write `PATH=VALUE`, e.g. `purchase.recurring=true`, not `{given}`"
            ));
            return Err(EXIT_USAGE);
        };
        let Some(fact) = Fact::from_path(path.trim()) else {
            out.error(&format!(
                "--fact: `{}` is not a fact a case can state",
                path.trim()
            ));
            return Err(EXIT_ERROR);
        };
        if let Err(e) = case.set_fact(fact, value.trim()) {
            out.error(&format!("--fact {}: {e}", path.trim()));
            return Err(EXIT_ERROR);
        }
    }
    Ok((case, None))
}

/// `check --ask`: asks the questions whose answer can change the outcome, most decisive first,
/// one line each on standard error, reading an answer per line from standard input; an empty
/// line means "don't know". Re-decides after each answer and stops once the case is decided,
/// when no question is left, or at the end of the input.
fn interview(
    out: &Out,
    rules: &RuleSet,
    case: &mut Case,
    mut decision: regelverk::Decision,
    lang: Lang,
) -> regelverk::Decision {
    let mut unknown: Vec<String> = Vec::new();
    let mut stdin = std::io::stdin().lock();
    loop {
        let Some(question) = decision
            .questions
            .iter()
            .find(|q| !unknown.contains(&q.fact))
            .cloned()
        else {
            return decision;
        };
        let Some(fact) = Fact::from_path(&question.fact) else {
            unknown.push(question.fact);
            continue;
        };
        let _ = write!(std::io::stderr(), "{}", prompt(fact, &question, lang));
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        match std::io::BufRead::read_line(&mut stdin, &mut line) {
            Ok(0) | Err(_) => {
                let _ = writeln!(std::io::stderr());
                return decision;
            }
            Ok(_) => {}
        }
        let answer = line.trim();
        if answer.is_empty() {
            unknown.push(question.fact);
            continue;
        }
        let answer = match (question.answer.as_str(), answer.to_lowercase().as_str()) {
            ("yes_no", "ja" | "j" | "yes" | "y" | "true") => "true".to_string(),
            ("yes_no", "nej" | "nei" | "n" | "no" | "false") => "false".to_string(),
            _ => answer.to_string(),
        };
        match case.set_fact(fact, &answer) {
            Ok(()) => match rules.check_case(case) {
                Ok(()) => decision = rules.evaluate(case),
                Err(e) => {
                    out.diagnostics(&e.diagnostics);
                    unknown.push(question.fact);
                }
            },
            // Asked again: the next round finds the same question first.
            Err(e) => out.error(&e),
        }
    }
}

/// One question as a line: the fact, its path, and the answers it takes.
fn prompt(fact: Fact, question: &regelverk::Question, lang: Lang) -> String {
    let tr = |sv: &'static str, nb: &'static str, en: &'static str| match lang {
        Lang::Sv => sv,
        Lang::Nb => nb,
        Lang::En => en,
    };
    let answers = match question.answer.as_str() {
        "name" => question
            .values
            .iter()
            .map(|v| match fact.name_label(v, lang) {
                Some(label) => format!("{v} ({label})"),
                None => v.clone(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        "yes_no" => tr("ja eller nej", "ja eller nei", "yes or no").to_string(),
        "amount" => tr(
            "ett belopp exkl. moms, t.ex. 650 000 SEK",
            "et beløp ekskl. mva., f.eks. 650 000 NOK",
            "an amount excl. VAT, e.g. 650 000 SEK",
        )
        .to_string(),
        _ => tr("ett tal", "et tall", "a number").to_string(),
    };
    format!(
        "{} (`{}`): {answers}; {} ",
        fact.title(lang),
        question.fact,
        tr(
            "tom rad om du inte vet:",
            "tom linje hvis du ikke vet:",
            "an empty line if you don't know:"
        )
    )
}

fn thresholds(out: &Out, args: ThresholdArgs) -> u8 {
    let jurisdiction: Jurisdiction = match args.jurisdiction.parse() {
        Ok(j) => j,
        Err(e) => {
            out.error(&format!("--jurisdiction: {e}"));
            return EXIT_ERROR;
        }
    };
    let date = match parse_date(&args.date) {
        Ok(d) => d,
        Err(e) => {
            out.error(&format!("--date: {e}"));
            return EXIT_ERROR;
        }
    };
    let Some(rules) = load_rules_for_deciding(out, &args.rules.rules) else {
        return EXIT_ERROR;
    };
    let lang = args
        .lang
        .map_or_else(|| default_lang(jurisdiction), Lang::from);
    let document = rules.thresholds_document(jurisdiction, date, lang);
    match args.format {
        Format::Json => out.print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        )),
        Format::Text => {
            out.print(&rules.render_thresholds(&document.parameters, jurisdiction, date, lang))
        }
    }
    EXIT_OK
}
