//! The command line: parses arguments, reads files, prints, and chooses the exit code.
//!
//! Invariant: this is the only module that prints, reads the environment or exits. Exit codes:
//! 0 allowed (also with obligations) or success, 1 an error in the input or the rules (or a
//! failing example), 2 a usage error, 3 not allowed, 4 undecided.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use regelverk::case::{Fact, parse_date};
use regelverk::{Case, Diagnostic, FORMAT_VERSION, Jurisdiction, Lang, Outcome, RuleSet};

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
    /// Run the examples written in the rule files
    #[command(
        after_help = "Exit codes: 0 all examples pass, 1 an example fails or the rules have errors."
    )]
    Test(TestArgs),
    /// Review rule files: what a careful reviewer would catch, with file:line:col
    #[command(after_help = "Exit codes: 0 nothing but notes, 1 an error or a warning.")]
    Lint(LintArgs),
    /// Rewrite rule files in the canonical layout (comments kept)
    #[command(
        after_help = "Exit codes: 0 formatted (or, with --check, already formatted), 1 a file does not parse or, with --check, is not formatted."
    )]
    Fmt(FmtArgs),
    /// Write the rule set as a document (Markdown, and one self-contained HTML page)
    Doc(DocArgs),
    /// Show what a change to the rule set changes in outcomes
    Diff(DiffArgs),
}

#[derive(Args)]
struct LintArgs {
    /// The rule directory to review
    #[arg(default_value = "rules")]
    dir: PathBuf,
}

#[derive(Args)]
struct FmtArgs {
    /// Only report files that are not formatted; change nothing
    #[arg(long)]
    check: bool,
    /// Rule files or directories [default: rules]
    files: Vec<PathBuf>,
}

#[derive(Args)]
struct DocArgs {
    /// The rule directory [default: the embedded rules]
    dir: Option<PathBuf>,
    /// The language of the document [default: sv, or nb for Norwegian rules alone]
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Write regelverk.md and regelverk.html to this directory instead of Markdown to standard output
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct DiffArgs {
    /// The rule directory before the change
    old: PathBuf,
    /// The rule directory after the change
    new: PathBuf,
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
    /// Use the rule files in this directory instead of the embedded ones
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
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

#[derive(Args)]
struct TestArgs {
    /// The rule directory to test [default: the embedded rules]
    dir: Option<PathBuf>,
    /// Also report, per cited provision, how many examples exercise it, and which parameter
    /// boundaries no example covers
    #[arg(long)]
    coverage: bool,
    /// Output: text for people, json for programs
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

/// Where output goes and whether it may be coloured.
struct Out {
    color_stdout: bool,
    color_stderr: bool,
}

impl Out {
    fn detect() -> Out {
        let allowed = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        Out {
            color_stdout: allowed && std::io::stdout().is_terminal(),
            color_stderr: allowed && std::io::stderr().is_terminal(),
        }
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
        Command::Test(args) => test(&out, args),
        Command::Lint(args) => lint(&out, args),
        Command::Fmt(args) => fmt(&out, args),
        Command::Doc(args) => doc(&out, args),
        Command::Diff(args) => diff(&out, args),
    };
    ExitCode::from(code)
}

fn load_rules(out: &Out, dir: Option<&Path>) -> Option<RuleSet> {
    let loaded = match dir {
        Some(dir) => RuleSet::load_dir(dir),
        None => RuleSet::embedded(),
    };
    report_rule_errors(out, loaded)
}

/// The rules for deciding cases: without the embedded examples, which only `test` runs.
fn load_rules_for_deciding(out: &Out, dir: Option<&Path>) -> Option<RuleSet> {
    let loaded = match dir {
        Some(dir) => RuleSet::load_dir(dir),
        None => RuleSet::embedded_for_deciding(),
    };
    report_rule_errors(out, loaded)
}

fn report_rule_errors(out: &Out, loaded: Result<RuleSet, regelverk::RuleError>) -> Option<RuleSet> {
    match loaded {
        Ok(rules) => Some(rules),
        Err(e) => {
            out.diagnostics(&e.diagnostics);
            None
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
    let Some(rules) = load_rules_for_deciding(out, args.rules.rules.as_deref()) else {
        return EXIT_ERROR;
    };
    let mut case = match read_case(out, &args, &rules) {
        Ok(case) => case,
        Err(code) => return code,
    };
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
    let Some(rules) = load_rules_for_deciding(out, args.rules.rules.as_deref()) else {
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
    let options = regelverk::batch::BatchOptions {
        threads: None,
        full: args.full,
        lang: args.lang.map(Lang::from),
    };
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
fn read_case(out: &Out, args: &CheckArgs, rules: &RuleSet) -> Result<Case, u8> {
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
        let (name, text) = if path.as_os_str() == "-" {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                out.error(&format!("cannot read the case from standard input: {e}"));
                return Err(EXIT_ERROR);
            }
            ("<stdin>".to_string(), text)
        } else {
            match std::fs::read_to_string(path) {
                Ok(text) => (path.display().to_string(), text),
                Err(e) => {
                    out.error(&format!("cannot read `{}`: {e}", path.display()));
                    return Err(EXIT_ERROR);
                }
            }
        };
        return rules.read_case(&text, &name).map_err(|e| {
            out.diagnostics(&e.diagnostics);
            EXIT_ERROR
        });
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
    if let Err(e) = rules.check_case(&case) {
        out.diagnostics(&e.diagnostics);
        return Err(EXIT_ERROR);
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
    let Some(rules) = load_rules_for_deciding(out, args.rules.rules.as_deref()) else {
        return EXIT_ERROR;
    };
    let lang = args
        .lang
        .map_or_else(|| default_lang(jurisdiction), Lang::from);
    let list = rules.thresholds(jurisdiction, date, lang);
    match args.format {
        Format::Json => {
            let json = serde_json::json!({
                "format_version": FORMAT_VERSION,
                "jurisdiction": jurisdiction,
                "date": date.to_string(),
                "parameters": list,
            });
            out.print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            ));
        }
        Format::Text => out.print(&rules.render_thresholds(&list, jurisdiction, date, lang)),
    }
    EXIT_OK
}

fn test(out: &Out, args: TestArgs) -> u8 {
    let Some(rules) = load_rules(out, args.dir.as_deref()) else {
        return EXIT_ERROR;
    };
    let results = rules.run_examples();
    let failed = results.iter().filter(|r| !r.passed).count();
    let passed = results.len() - failed;
    match args.format {
        Format::Json => {
            let mut json = serde_json::json!({ "format_version": FORMAT_VERSION, "passed": passed, "failed": failed, "examples": results });
            if args.coverage {
                json["coverage"] = serde_json::to_value(rules.coverage()).unwrap_or_default();
            }
            out.print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            ));
        }
        Format::Text => {
            let mut text = String::new();
            for r in &results {
                let mark = match (r.passed, out.color_stdout) {
                    (true, true) => "\x1b[32mok\x1b[0m  ",
                    (true, false) => "ok  ",
                    (false, true) => "\x1b[1;31mFAIL\x1b[0m",
                    (false, false) => "FAIL",
                };
                text.push_str(&format!("{mark} {}  {}\n", r.location, r.title));
                if let Some(f) = &r.failure {
                    text.push_str(&format!("       {f}\n"));
                }
            }
            text.push_str(&format!("\n{passed} passed, {failed} failed\n"));
            if args.coverage {
                text.push('\n');
                text.push_str(&rules.coverage().render());
            }
            out.print(&text);
        }
    }
    if failed == 0 { EXIT_OK } else { EXIT_ERROR }
}

// ---- tools for the people who maintain the rules (issue 6) -----------------------------------

fn read_dir_or_report(out: &Out, dir: &Path) -> Option<Vec<(String, String)>> {
    match regelverk::read_rule_files(dir) {
        Ok(files) => Some(files),
        Err(e) => {
            out.diagnostics(&e.diagnostics);
            None
        }
    }
}

fn lint(out: &Out, args: LintArgs) -> u8 {
    let Some(files) = read_dir_or_report(out, &args.dir) else {
        return EXIT_ERROR;
    };
    let findings = regelverk::lint::lint_sources(files);
    out.diagnostics(&findings);
    let summary = regelverk::lint::summary(&findings);
    let _ = writeln!(
        std::io::stderr(),
        "{}{summary}",
        if findings.is_empty() { "" } else { "\n" }
    );
    if regelverk::lint::fails(&findings) {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

fn fmt(out: &Out, args: FmtArgs) -> u8 {
    let targets = if args.files.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        args.files
    };
    let mut files = Vec::new();
    for target in &targets {
        if target.is_dir() {
            let Some(mut found) = read_dir_or_report(out, target) else {
                return EXIT_ERROR;
            };
            files.append(&mut found);
        } else {
            match std::fs::read_to_string(target) {
                Ok(text) => files.push((target.display().to_string(), text)),
                Err(e) => {
                    out.error(&format!("cannot read `{}`: {e}", target.display()));
                    return EXIT_ERROR;
                }
            }
        }
    }
    let mut code = EXIT_OK;
    let mut unformatted = 0;
    for (name, text) in files {
        match regelverk::fmt::format_source(&name, &text) {
            Ok(formatted) if formatted == text => {}
            Ok(_) if args.check => {
                unformatted += 1;
                let _ = writeln!(std::io::stderr(), "not formatted: {name}");
                code = EXIT_ERROR;
            }
            Ok(formatted) => {
                if let Err(e) = std::fs::write(&name, formatted) {
                    out.error(&format!("cannot write `{name}`: {e}"));
                    code = EXIT_ERROR;
                } else {
                    out.print(&format!("formatted {name}\n"));
                }
            }
            Err(diagnostics) => {
                out.diagnostics(&diagnostics);
                code = EXIT_ERROR;
            }
        }
    }
    if unformatted > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "\n{unformatted} file(s) not formatted; run `regelverk fmt` to format them"
        );
    }
    code
}

fn doc(out: &Out, args: DocArgs) -> u8 {
    let Some(rules) = load_rules(out, args.dir.as_deref()) else {
        return EXIT_ERROR;
    };
    let lang = args
        .lang
        .map_or_else(|| rules.default_doc_lang(), Lang::from);
    let blocks = regelverk::doc::document(&rules, lang);
    let markdown = regelverk::doc::render_markdown(&blocks);
    let Some(dir) = args.out else {
        out.print(&markdown);
        return EXIT_OK;
    };
    let html = regelverk::doc::render_html(&blocks, lang);
    if let Err(e) = std::fs::create_dir_all(&dir) {
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

fn diff(out: &Out, args: DiffArgs) -> u8 {
    let (Some(old), Some(new)) = (
        load_rules(out, Some(&args.old)),
        load_rules(out, Some(&args.new)),
    ) else {
        return EXIT_ERROR;
    };
    out.print(&regelverk::diff::diff(&old, &new));
    EXIT_OK
}
