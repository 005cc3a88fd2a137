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

use clap::{Args, FromArgMatches, Parser, Subcommand, ValueEnum};
use regelverk::case::parse_date;
use regelverk::{Case, Diagnostic, Lang, Outcome, RuleSet};

const EXIT_OK: u8 = 0;
const EXIT_ERROR: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_NOT_ALLOWED: u8 = 3;
const EXIT_UNDECIDED: u8 = 4;

#[derive(Parser)]
#[command(
    name = "regelverk",
    version,
    about = "Says whether a public buyer may buy directly, what the law requires otherwise, and why, from rule files that state the law",
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
        after_help = "Exit codes: 0 allowed, 1 error in input or rules, 2 usage error, 3 not allowed, 4 undecided."
    )]
    Check(CheckArgs),
    /// List the thresholds and other parameters in force on a date, with their sources
    Thresholds(ThresholdArgs),
    /// Print the JSON Schema (2020-12) of the case format, made from the rules' declarations, or
    /// of the decision document (`--decision`)
    #[command(
        after_help = "Examples:\n  regelverk schema > case.schema.json\n  regelverk schema --jurisdiction no\n  regelverk schema --decision"
    )]
    Schema(SchemaArgs),
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
    /// Write rules.compiled, the compiled form of the rule files built into regelverk, which it
    /// starts from without parsing them (for those who build regelverk: `cargo run --
    /// compile-rules` after editing a rule file; `cargo test` says when it is out of date)
    #[command(hide = true)]
    CompileRules(maintain::CompileRulesArgs),
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
    /// The language of the explanation [default: the language the rules declare for the case's
    /// country]
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
    /// Quick form: the buyer's country (one the rules declare)
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    jurisdiction: Option<String>,
    /// Quick form: the day the procurement starts, e.g. 2026-03-01
    #[arg(long, help_heading = "Quick form (instead of a case file)")]
    date: Option<String>,
    /// Quick form: any fact by its path, e.g. --fact purchase.recurring=true (repeatable)
    #[arg(
        long,
        value_name = "PATH=VALUE",
        help_heading = "Quick form (instead of a case file)"
    )]
    fact: Vec<String>,
    /// The options the vocabulary declares (`flag "--value"`), as (option, value), in the order
    /// declared: added to the command line from the rules (see [`command`]).
    #[arg(skip)]
    declared: Vec<(String, String)>,
    /// Ask, one at a time on standard error, only the questions whose answer can change the
    /// outcome, reading one answer per line from standard input (an empty line: don't know)
    #[arg(long)]
    ask: bool,
    /// With --ask: write the completed case to this TOML file
    #[arg(long, value_name = "CASE.toml", requires = "ask")]
    save: Option<PathBuf>,
}

#[derive(Args)]
struct SchemaArgs {
    /// Only the cases of this country [default: every country the rules declare, any of them]
    #[arg(long, conflicts_with = "decision")]
    jurisdiction: Option<String>,
    /// The schema of the decision document of `check --format json` instead
    #[arg(long)]
    decision: bool,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Args)]
struct ThresholdArgs {
    /// The country (one the rules declare)
    #[arg(long)]
    jurisdiction: String,
    /// The day, e.g. 2026-03-01
    #[arg(long)]
    date: String,
    /// The language of the list [default: the language the rules declare for the country]
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
    /// Notes held back while they may not matter (see [`Out::hold_notes`]), and whether an
    /// error drops them (else it gives them first).
    held: RefCell<Option<(Vec<String>, bool)>>,
    /// Print nothing on standard error (see [`Out::silent`]).
    silent: bool,
}

impl Out {
    fn detect() -> Out {
        let allowed = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        Out {
            color_stdout: allowed && std::io::stdout().is_terminal(),
            color_stderr: allowed && std::io::stderr().is_terminal(),
            noted: RefCell::new(Vec::new()),
            held: RefCell::new(None),
            silent: false,
        }
    }

    /// An `Out` that prints nothing, for work whose errors are reported again later.
    fn silent() -> Out {
        Out {
            color_stdout: false,
            color_stderr: false,
            noted: RefCell::new(Vec::new()),
            held: RefCell::new(None),
            silent: true,
        }
    }

    /// Holds the notes back until [`Out::release_notes`]: `check` loads the rules before it
    /// reads the quick-form options through their vocabulary, and a mistake in an option is
    /// said on its own, as it was when the options were read before the rules. Until
    /// [`Out::drop_notes_on_error`], an error gives the notes held first.
    fn hold_notes(&self) {
        self.held
            .borrow_mut()
            .get_or_insert_with(|| (Vec::new(), false));
    }

    /// From now on an error drops the notes held back.
    fn drop_notes_on_error(&self) {
        if let Some((_, drop)) = self.held.borrow_mut().as_mut() {
            *drop = true;
        }
    }

    /// Gives the notes held back and stops holding them.
    fn release_notes(&self) {
        let held = self.held.borrow_mut().take();
        for note in held.map(|(notes, _)| notes).unwrap_or_default() {
            self.note(&note);
        }
    }

    /// Before an error: the notes held back, given or dropped.
    fn before_error(&self) {
        let drop = self.held.borrow().as_ref().is_some_and(|(_, drop)| *drop);
        if drop {
            self.held.borrow_mut().take();
        } else {
            self.release_notes();
        }
    }

    /// Something the user should know that is not the output, e.g. which rules are used: on
    /// standard error, once per process.
    fn note(&self, message: &str) {
        if self.silent {
            return;
        }
        if let Some((held, _)) = self.held.borrow_mut().as_mut() {
            held.push(message.to_string());
            return;
        }
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
        if self.silent {
            return;
        }
        self.before_error();
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
        if self.silent {
            return;
        }
        self.before_error();
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
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let preloaded = preload(&argv);
    let fallback;
    let vocab = match &preloaded {
        Some((_, rules)) => rules.vocabulary(),
        None => {
            fallback = if reads_declared_options(&argv) {
                embedded_vocabulary()
            } else {
                // No other command reads `check`'s declared options: nothing to parse for them.
                regelverk::vocab::Vocabulary::default()
            };
            &fallback
        }
    };
    let parsed = command(vocab)
        .try_get_matches_from(&argv)
        .and_then(|matches| {
            let mut cli = Cli::from_arg_matches(&matches)?;
            if let (Command::Check(args), Some(check)) =
                (&mut cli.command, matches.subcommand_matches("check"))
            {
                args.declared = declared_options(vocab, check);
            }
            Ok(cli)
        });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            return ExitCode::from(code);
        }
    };
    if let (Some(preloaded), Ok(mut slot)) = (preloaded, PRELOADED.lock()) {
        *slot = Some(preloaded);
    }
    let out = Out::detect();
    let code = match cli.command {
        Command::Check(args) => check(&out, args),
        Command::Thresholds(args) => thresholds(&out, args),
        Command::Schema(args) => schema(&out, &args),
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
        Command::CompileRules(args) => maintain::compile_rules(&out, &args),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve(&out, &args),
    };
    ExitCode::from(code)
}

/// The rules `check` loaded before parsing its arguments (see [`preload`]), with the paths they
/// were found for; taken by the command that decides with them, when it is given the same paths,
/// so that the rule files are read once.
static PRELOADED: std::sync::Mutex<Option<(Vec<PathBuf>, RuleSet)>> = std::sync::Mutex::new(None);

/// The rule files to decide with: `None` for those built in, which start from their compiled
/// form and are never copied.
type RulesFound = Option<Vec<(String, String)>>;

/// The rule files to decide with, by the one rule (`rules::find`).
fn find_for_deciding(out: &Out, paths: &[PathBuf]) -> Result<RulesFound, u8> {
    if rules::uses_embedded(paths) {
        out.note(rules::USING_EMBEDDED);
        return Ok(None);
    }
    rules::find(out, paths, rules::Use::RuleSet).map(|found| Some(found.files))
}

/// The rule set for deciding of the files found: from the compiled form where they are the
/// files built in (`./rules` in a clone, unchanged), else parsed.
fn load_found(found: &RulesFound) -> Result<RuleSet, regelverk::RuleError> {
    match found {
        Some(files) if !regelverk::compiled::are_embedded(files) => {
            RuleSet::for_deciding(files.iter().cloned())
        }
        _ => RuleSet::embedded_for_deciding(),
    }
}

/// The heading of the quick form's options in `check --help`.
const QUICK_FORM: &str = "Quick form (instead of a case file)";

/// For `check` (and the help, completions and manual page that show its options): the rules it
/// would decide with, found as [`rules::find`] finds them but quietly, so that the options their
/// vocabulary declares can be offered. `None` for other subcommands, or when the rules do not
/// load: `check` then reports their errors as usual.
/// Whether the subcommand reads or shows `check`'s declared options (`check`, and the help,
/// completions and manual that list them).
fn reads_declared_options(argv: &[std::ffi::OsString]) -> bool {
    argv.iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|w| !w.starts_with('-'))
        .is_some_and(|first| matches!(first, "check" | "help" | "completions" | "man"))
}

/// The embedded rules' vocabulary: the declared options when the rules in use could not be
/// loaded beforehand (their error is then reported by the command itself).
fn embedded_vocabulary() -> regelverk::vocab::Vocabulary {
    RuleSet::embedded_for_deciding()
        .map(|r| r.vocabulary().clone())
        .unwrap_or_default()
}

fn preload(argv: &[std::ffi::OsString]) -> Option<(Vec<PathBuf>, RuleSet)> {
    if !reads_declared_options(argv) {
        return None;
    }
    let words: Vec<&str> = argv.iter().skip(1).filter_map(|a| a.to_str()).collect();
    let mut paths = Vec::new();
    if words.iter().find(|w| !w.starts_with('-')) == Some(&"check") {
        let mut rest = words.iter();
        while let Some(word) = rest.next() {
            if *word == "--rules" {
                paths.extend(rest.next().map(PathBuf::from));
            } else if let Some(path) = word.strip_prefix("--rules=") {
                paths.push(PathBuf::from(path));
            }
        }
    }
    let found = find_for_deciding(&Out::silent(), &paths).ok()?;
    let rules = load_found(&found).ok()?;
    Some((paths, rules))
}

/// The command line, with the options of `check` that the vocabulary declares (`fact … flag
/// "--value"`): a yes/no fact's option is a switch, any other takes its value as `--fact` does.
fn command(vocab: &regelverk::vocab::Vocabulary) -> clap::Command {
    use clap::CommandFactory;
    Cli::command()
        .mut_subcommand("check", |mut check| {
            for fact in &vocab.facts {
                let Some(flag) = fact.flag.as_deref().and_then(|f| f.strip_prefix("--")) else {
                    continue;
                };
                let mut arg = clap::Arg::new(format!("fact:{}", fact.path))
                    .long(flag.to_string())
                    .help(option_help(vocab, fact))
                    .help_heading(QUICK_FORM);
                if fact.ty == regelverk::vocab::ValueType::YesNo {
                    arg = arg.action(clap::ArgAction::SetTrue);
                } else {
                    arg = arg.value_name(flag.replace('-', "_").to_uppercase());
                }
                check = check.arg(arg);
            }
            // `--fact` last: the declared options are the short way to the same facts.
            let exits = check
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            check
                .after_help(format!("{exits}\n\n{}", check_examples(vocab)))
                .mut_arg("fact", |a| a.display_order(usize::MAX))
                .mut_arg("jurisdiction", |a| {
                    a.help(country_help(vocab, "Quick form: the buyer's country"))
                })
        })
        .mut_subcommand("thresholds", |t| {
            t.mut_arg("jurisdiction", |a| {
                a.help(country_help(vocab, "The country"))
            })
        })
}

/// Examples of `check`: a case file, and the quick form with the options of the facts the
/// interview asks first (those the vocabulary gives a question and an option), for the first
/// country declared.
fn check_examples(vocab: &regelverk::vocab::Vocabulary) -> String {
    use regelverk::vocab::ValueType;
    let mut quick = String::new();
    if let Some(country) = vocab.countries.first() {
        let code = country.code.to_lowercase();
        quick = format!("\n  regelverk check --jurisdiction {code} --date 2026-03-01");
        let here = vocab.country(&country.code).unwrap_or(0);
        for fact in vocab.facts.iter().filter(|f| f.question.is_some()) {
            let Some(flag) = &fact.flag else {
                continue;
            };
            let value = match fact.ty {
                ValueType::OneOf(list) => vocab
                    .names_in(list, here)
                    .first()
                    .map(|n| vocab.name_text(list, *n).to_string()),
                ValueType::Amount => Some(format!("\"650 000 {}\"", country.currency)),
                _ => None,
            };
            if let Some(value) = value {
                quick.push_str(&format!(" {flag} {value}"));
            }
        }
    }
    format!("Examples:\n  regelverk check case.toml{quick}")
}

/// The help of a `--jurisdiction` option: the countries the rules declare.
fn country_help(vocab: &regelverk::vocab::Vocabulary, what: &str) -> String {
    let codes: Vec<String> = vocab
        .codes()
        .iter()
        .map(|c| format!("`{}`", c.to_lowercase()))
        .collect();
    format!("{what}: {}", codes.join(", "))
}

/// [`command`] with the vocabulary of the rules loaded to parse the arguments.
fn full_command() -> clap::Command {
    match PRELOADED.lock().as_deref() {
        Ok(Some((_, rules))) => command(rules.vocabulary()),
        _ => command(&embedded_vocabulary()),
    }
}

/// What `check --help` says of a declared option: the fact's question or name, its path, and
/// what it takes.
fn option_help(vocab: &regelverk::vocab::Vocabulary, fact: &regelverk::vocab::Fact) -> String {
    use regelverk::vocab::ValueType;
    let what = &fact.titles.en;
    let takes = match fact.ty {
        ValueType::OneOf(list) => format!("one of {}", vocab.lists[list].names.join(", ")),
        ValueType::Names(list) => format!("some of {}", vocab.lists[list].names.join(", ")),
        ValueType::Amount => match vocab.countries.first() {
            Some(c) => format!(
                "an amount excl. VAT with its currency, e.g. \"650 000 {}\"",
                c.currency
            ),
            None => "an amount excl. VAT with its currency".into(),
        },
        ValueType::Date => "a date, e.g. 2026-03-01".into(),
        ValueType::WholeNumber => "a whole number".into(),
        ValueType::Percent => "a percentage from 0 to 100".into(),
        ValueType::YesNo => "a switch (yes when given)".into(),
        ValueType::Text => "a text".into(),
        ValueType::Cpv => "a CPV code, e.g. 92000000-1".into(),
        ValueType::Records(_) => "one element on one line".into(),
    };
    format!("Quick form: {what} (`{}`): {takes}", fact.path)
}

/// The declared options given to `check`, as (option, value), in the order declared.
fn declared_options(
    vocab: &regelverk::vocab::Vocabulary,
    check: &clap::ArgMatches,
) -> Vec<(String, String)> {
    let mut given = Vec::new();
    for fact in &vocab.facts {
        let Some(flag) = &fact.flag else {
            continue;
        };
        let id = format!("fact:{}", fact.path);
        if fact.ty == regelverk::vocab::ValueType::YesNo {
            if check.try_get_one::<bool>(&id).ok().flatten() == Some(&true) {
                given.push((flag.clone(), "true".to_string()));
            }
        } else if let Ok(Some(value)) = check.try_get_one::<String>(&id) {
            given.push((flag.clone(), value.clone()));
        }
    }
    given
}

/// The rules for deciding cases, found by the one rule (`rules::find`), without their examples,
/// which only `test` runs; those loaded to parse the arguments when they were found for the same
/// paths (the files are then not read again).
fn load_rules_for_deciding(out: &Out, paths: &[PathBuf]) -> Option<RuleSet> {
    let preloaded = PRELOADED.lock().ok().and_then(|mut slot| slot.take());
    if let Some((found_for, rules)) = preloaded
        && found_for == paths
    {
        // Found and loaded quietly at start: only what finding them says is left to say.
        if let Some(note) = rules::source_note(paths) {
            out.note(note);
        }
        return Some(rules);
    }
    let found = find_for_deciding(out, paths).ok()?;
    match load_found(&found) {
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
    // The options first: a usage error is reported before anything about the rules. The case is
    // read through the rules' vocabulary.
    if let Err(code) = check_usage(out, &args) {
        return code;
    }
    // A case file that cannot be read is reported before anything about the rules.
    let source = match read_source(out, &args) {
        Ok(source) => source,
        Err(code) => return code,
    };
    out.hold_notes();
    let Some(rules) = load_rules_for_deciding(out, &args.rules.rules) else {
        return EXIT_ERROR;
    };
    // The process ends with this command: the operating system frees the rule set for nothing,
    // where dropping it would visit each of its thousands of allocations (a seventh of the
    // instructions of a cold start).
    let rules: &RuleSet = Box::leak(Box::new(rules));
    out.drop_notes_on_error();
    let read = read_case(out, rules, &args, source);
    out.release_notes();
    let mut case = match read {
        Ok(case) => case,
        Err(code) => return code,
    };
    if let Err(e) = rules.check_case(&case) {
        out.diagnostics(&e.diagnostics);
        return EXIT_ERROR;
    }
    let lang = args
        .lang
        .map_or_else(|| rules.default_lang(case.jurisdiction()), Lang::from);
    let mut decision = rules.evaluate(&case);
    if args.ask {
        decision = interview(out, rules, &mut case, decision, lang);
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

/// The quick-form options given, as (option, value): each states the fact that declares it.
fn quick_options(args: &CheckArgs) -> Vec<(String, String)> {
    args.declared.clone()
}

fn any_quick(args: &CheckArgs) -> bool {
    !quick_options(args).is_empty()
        || args.jurisdiction.is_some()
        || args.date.is_some()
        || !args.fact.is_empty()
}

/// The usage errors that need no rules: a case file and the quick form together, or neither.
fn check_usage(out: &Out, args: &CheckArgs) -> Result<(), u8> {
    if args.case.is_some() && any_quick(args) {
        out.error("give either a case file or the quick-form options, not both");
        return Err(EXIT_USAGE);
    }
    if args.case.is_none() && (args.jurisdiction.is_none() || args.date.is_none()) {
        out.error("give a case file, or at least --jurisdiction and --date");
        let _ = writeln!(
            std::io::stderr(),
            "\nFor more information, try 'regelverk check --help'."
        );
        return Err(EXIT_USAGE);
    }
    for given in &args.fact {
        if !given.contains('=') {
            out.error(&format!(
                "--fact: write `PATH=VALUE` (a fact's path as in a case file, `=`, its value), not `{given}`"
            ));
            return Err(EXIT_USAGE);
        }
    }
    Ok(())
}

/// The text of the case file (or standard input) and its name, when the case is given as one.
fn read_source(out: &Out, args: &CheckArgs) -> Result<Option<(String, String)>, u8> {
    let Some(path) = &args.case else {
        return Ok(None);
    };
    // Through a bounded reader: a case over the limit is refused after reading the limit, so
    // `check /dev/zero` or a gigabyte on standard input costs 64 KiB.
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
    Ok(Some((name, text)))
}

/// The case from a file, standard input, or the quick-form options, read through the rules.
fn read_case(
    out: &Out,
    rules: &RuleSet,
    args: &CheckArgs,
    source: Option<(String, String)>,
) -> Result<Case, u8> {
    if let Some((name, text)) = source {
        return match rules.read_case(&text, &name) {
            Ok(case) => Ok(case),
            Err(e) => {
                out.diagnostics(&e.diagnostics);
                Err(EXIT_ERROR)
            }
        };
    }
    let (jurisdiction, date) = (
        args.jurisdiction.as_deref().unwrap_or_default(),
        args.date.as_deref().unwrap_or_default(),
    );
    let date = parse_date(date).map_err(|e| {
        out.error(&format!("--date: {e}"));
        EXIT_ERROR
    })?;
    let mut case = rules.new_case(jurisdiction, date).map_err(|e| {
        out.error(&format!("--jurisdiction: {e}"));
        EXIT_ERROR
    })?;
    let vocab = rules.vocabulary();
    for (flag, value) in quick_options(args) {
        let Some(fact) = vocab
            .facts
            .iter()
            .find(|f| f.flag.as_deref() == Some(flag.as_str()))
        else {
            out.error(&format!("{flag}: no fact of these rules has this option"));
            return Err(EXIT_ERROR);
        };
        if let Err(e) = case.set(&fact.path, &value) {
            out.error(&format!("{flag}: {e}"));
            return Err(EXIT_ERROR);
        }
    }
    for given in &args.fact {
        let (path, value) = given.split_once('=').unwrap_or((given, ""));
        if let Err(e) = case.set(path.trim(), value.trim()) {
            out.error(&format!("--fact {}: {e}", path.trim()));
            return Err(EXIT_ERROR);
        }
    }
    Ok(case)
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
        let _ = write!(
            std::io::stderr(),
            "{}",
            prompt(rules, case, &question, lang)
        );
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
        match case.set(&question.fact, &answer) {
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

/// One question as a line: the question its fact declares (else the fact's name), its path, and
/// the answers it takes.
fn prompt(rules: &RuleSet, case: &Case, question: &regelverk::Question, lang: Lang) -> String {
    let vocab = rules.vocabulary();
    let fact = vocab.resolve(&question.fact);
    let country = vocab.country(case.jurisdiction());
    let tr = |sv: &'static str, nb: &'static str, en: &'static str| match lang {
        Lang::Sv => sv,
        Lang::Nb => nb,
        Lang::En => en,
    };
    let answers = match question.answer.as_str() {
        "name" => question
            .values
            .iter()
            .map(
                |v| match fact.and_then(|f| vocab.label_of(f, v, country, lang)) {
                    Some(label) => format!("{v} ({label})"),
                    None => v.clone(),
                },
            )
            .collect::<Vec<_>>()
            .join(", "),
        "yes_no" => tr("ja eller nej", "ja eller nei", "yes or no").to_string(),
        "amount" => {
            let currency = rules
                .currency(case.jurisdiction())
                .map_or_else(String::new, |c| c.to_string());
            format!(
                "{} {currency}",
                tr(
                    "ett belopp exkl. moms, t.ex. 650 000",
                    "et beløp ekskl. mva., f.eks. 650 000",
                    "an amount excl. VAT, e.g. 650 000",
                )
            )
        }
        _ => tr("ett tal", "et tall", "a number").to_string(),
    };
    let asked = fact.map_or_else(
        || question.fact.clone(),
        |f| match f {
            regelverk::vocab::FactRef::Fact(id) => match &vocab.fact_decl(id).question {
                Some(q) => q.get(lang).to_string(),
                None => vocab.title(f, lang),
            },
            regelverk::vocab::FactRef::Field { .. } => vocab.title(f, lang),
        },
    );
    format!(
        "{asked} (`{}`): {answers}; {} ",
        question.fact,
        tr(
            "tom rad om du inte vet:",
            "tom linje hvis du ikke vet:",
            "an empty line if you don't know:"
        )
    )
}

/// `schema`: the case format's JSON Schema from the declarations, or the decision document's.
fn schema(out: &Out, args: &SchemaArgs) -> u8 {
    let schema = if args.decision {
        regelverk::schema::decision_schema()
    } else {
        let Some(rules) = load_rules_for_deciding(out, &args.rules.rules) else {
            return EXIT_ERROR;
        };
        let vocab = rules.vocabulary();
        if let Some(code) = &args.jurisdiction
            && vocab.country(code).is_none()
        {
            out.error(&format!(
                "--jurisdiction: unknown country `{code}`; expected one of: {}",
                vocab.codes().join(", ")
            ));
            return EXIT_ERROR;
        }
        regelverk::schema::case_schema(vocab, args.jurisdiction.as_deref())
    };
    out.print(&format!(
        "{}\n",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    ));
    EXIT_OK
}

fn thresholds(out: &Out, args: ThresholdArgs) -> u8 {
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
    let Some(country) = rules.vocabulary().country(&args.jurisdiction) else {
        out.error(&format!(
            "--jurisdiction: unknown country `{}`; expected one of: {}",
            args.jurisdiction,
            rules.vocabulary().codes().join(", ")
        ));
        return EXIT_ERROR;
    };
    let jurisdiction = rules.vocabulary().code(country).to_string();
    let lang = args
        .lang
        .map_or_else(|| rules.default_lang(&jurisdiction), Lang::from);
    let document = rules.thresholds_document(&jurisdiction, date, lang);
    match args.format {
        Format::Json => out.print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        )),
        Format::Text => {
            out.print(&rules.render_thresholds(&document.parameters, &jurisdiction, date, lang))
        }
    }
    EXIT_OK
}
