//! `regelverk audit`: the spend audit's command line (files, options, progress bar, output).
//! The audit itself is `regelverk::audit`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use regelverk::audit::{self, AuditOptions, Contracts, GeneratorOptions, LedgerInput, Progress};

use super::{EXIT_ERROR, EXIT_NOT_ALLOWED, EXIT_OK, EXIT_UNDECIDED, EXIT_USAGE, LangArg, Out};

#[derive(Args)]
#[command(
    after_help = "Exit codes: 0 nothing flagged, 1 a file or row could not be read, 2 usage error, 3 groups flagged, 4 groups undecided (none flagged).

It is a screening, not a verdict: a flagged group is a reason to look at the purchases.

Examples:
  regelverk audit --generate 20000 --seed 1 > ledger.csv
  regelverk audit ledger.csv
  regelverk audit ledger.csv --contracts avtal.csv --format html --out report/
  regelverk audit --jurisdiction no --columns belopp=Beløp,datum=Dato,… reskontro.csv"
)]
pub struct AuditArgs {
    /// Ledger CSV files (Leverantörsreskontra 1.1 columns, or mapped with --columns); `-` for
    /// standard input
    ledgers: Vec<PathBuf>,
    /// A contract register (CSV: supplier id, contract id, start, end, value); lines it covers
    /// are set apart
    #[arg(long, value_name = "FILE")]
    contracts: Option<PathBuf>,
    /// What to write to standard output
    #[arg(long, value_enum, default_value = "text")]
    format: AuditFormat,
    /// Also write every format to this directory (audit.txt, audit.json, flagged.csv, audit.html)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The buyers' country: the code of a country whose ledgers the rules declare (`ledger
    /// for`), in either case [default: the first such country the rules declare]
    #[arg(long, value_name = "CODE")]
    jurisdiction: Option<String>,
    /// The kind of every buyer in the ledgers [default: the one the rules' ledger declaration
    /// assumes]
    #[arg(long, value_name = "KIND")]
    buyer_kind: Option<String>,
    /// goods, services or works, if every line is of that category [default: not known]
    #[arg(long)]
    category: Option<String>,
    /// The first day of the fiscal year, MM-DD
    #[arg(long, value_name = "MM-DD", default_value = "01-01")]
    fiscal_year_start: String,
    /// Which of the file's columns hold the specification's columns, e.g.
    /// `leverantor=Leverandørnavn,belopp=Beløp`
    #[arg(long, value_name = "MAPPING")]
    columns: Option<String>,
    /// The language of the report [default: the country's]
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Write a synthetic ledger of this many rows with planted patterns to standard output
    /// instead of auditing
    #[arg(long, value_name = "ROWS", conflicts_with_all = ["ledgers", "contracts", "out"])]
    generate: Option<u64>,
    /// The seed for --generate
    #[arg(long, default_value_t = 1, requires = "generate")]
    seed: u64,
    #[command(flatten)]
    rules: super::RuleArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AuditFormat {
    Text,
    Json,
    Csv,
    Html,
}

pub fn run(out: &Out, args: AuditArgs) -> u8 {
    let Some(rules) = super::load_rules_for_deciding(out, &args.rules.rules) else {
        return EXIT_ERROR;
    };
    let options = match options(&rules, &args) {
        Ok(options) => options,
        Err(message) => {
            out.error(&message);
            return EXIT_USAGE;
        }
    };
    if let Some(rows) = args.generate {
        let generator = GeneratorOptions::new(&options.jurisdiction, rows, args.seed);
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        return match audit::generate(&rules, &generator, &mut stdout).and_then(|_| stdout.flush()) {
            Ok(()) => EXIT_OK,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
            Err(e) => {
                out.error(&format!("generate: {e}"));
                EXIT_ERROR
            }
        };
    }
    if args.ledgers.is_empty() {
        out.error("name one or more ledger files, or `-` for standard input");
        let _ = writeln!(
            std::io::stderr(),
            "\nFor more information, try 'regelverk audit --help'."
        );
        return EXIT_USAGE;
    }
    let mut code = EXIT_OK;
    let contracts = match &args.contracts {
        None => None,
        Some(path) => match read_contracts(path) {
            Ok((contracts, bad)) => {
                for row in &bad {
                    out.error(&format!("{}:{}: {}", row.file, row.line, row.message));
                }
                if !bad.is_empty() {
                    code = EXIT_ERROR;
                }
                Some(contracts)
            }
            Err(message) => {
                out.error(&message);
                return EXIT_ERROR;
            }
        },
    };
    let mut inputs: Vec<LedgerInput<Box<dyn std::io::Read + Send>>> = Vec::new();
    for path in &args.ledgers {
        let name = path.display().to_string();
        if path.as_os_str() == "-" {
            inputs.push(LedgerInput {
                name: "<stdin>".to_string(),
                reader: Box::new(std::io::stdin()),
                size: None,
            });
            continue;
        }
        match std::fs::File::open(path) {
            Ok(file) => {
                let size = file.metadata().ok().map(|m| m.len());
                inputs.push(LedgerInput {
                    name,
                    reader: Box::new(file),
                    size,
                });
            }
            Err(e) => {
                out.error(&format!("cannot read `{name}`: {e}"));
                code = EXIT_ERROR;
            }
        }
    }
    let bar = ProgressBar::new();
    let result = audit::audit(&rules, inputs, contracts.as_ref(), &options, |p| {
        bar.show(p);
    });
    bar.clear();
    let rendered = match args.format {
        AuditFormat::Text => audit::report::text(&result),
        AuditFormat::Json => audit::report::json(&result),
        AuditFormat::Csv => audit::report::csv(&result),
        AuditFormat::Html => audit::report::html(&result),
    };
    out.print(&rendered);
    if let Some(dir) = &args.out
        && let Err(message) = write_all(dir, &result)
    {
        out.error(&message);
        return EXIT_ERROR;
    }
    for e in &result.file_errors {
        out.error(&format!("{}: {}", e.file, e.message));
    }
    if code == EXIT_ERROR || !result.file_errors.is_empty() || result.summary.bad_rows > 0 {
        EXIT_ERROR
    } else if !result.flagged.is_empty() {
        EXIT_NOT_ALLOWED
    } else if result.summary.supplier_groups.undecided + result.summary.account_groups.undecided > 0
    {
        EXIT_UNDECIDED
    } else {
        code
    }
}

fn options(rules: &regelverk::RuleSet, args: &AuditArgs) -> Result<AuditOptions, String> {
    // Without --jurisdiction, the first country whose ledgers the rules declare (in the order
    // the countries are declared); a rule set that declares none gets for_jurisdiction's error.
    let vocab = rules.vocabulary();
    let code = match &args.jurisdiction {
        Some(code) => code.clone(),
        None => vocab
            .ledgers
            .first()
            .map(|l| vocab.code(l.country).to_string())
            .unwrap_or_default(),
    };
    let mut options =
        AuditOptions::for_jurisdiction(rules, &code).map_err(|e| format!("--jurisdiction: {e}"))?;
    if let Some(kind) = &args.buyer_kind {
        options
            .set_buyer_kind(rules, kind)
            .map_err(|e| format!("--buyer-kind: {e}"))?;
    }
    if let Some(category) = &args.category {
        options
            .set_category(rules, category)
            .map_err(|e| format!("--category: {e}"))?;
    }
    options.fiscal_year_start = args
        .fiscal_year_start
        .parse()
        .map_err(|e| format!("--fiscal-year-start: {e}"))?;
    if let Some(columns) = &args.columns {
        options.columns = audit::parse_mapping(columns).map_err(|e| format!("--columns: {e}"))?;
    }
    if let Some(lang) = args.lang {
        options.lang = regelverk::Lang::from(lang);
    }
    Ok(options)
}

fn read_contracts(path: &Path) -> Result<(Contracts, Vec<audit::BadRow>), String> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read `{name}`: {e}"))?;
    Contracts::read(file, &name).map_err(|e| format!("{}: {}", e.file, e.message))
}

fn write_all(dir: &Path, result: &audit::Audit) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    for (name, text) in [
        ("audit.txt", audit::report::text(result)),
        ("audit.json", audit::report::json(result)),
        ("flagged.csv", audit::report::csv(result)),
        ("audit.html", audit::report::html(result)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        let _ = writeln!(std::io::stderr(), "wrote {}", path.display());
    }
    Ok(())
}

/// A progress bar on standard error, drawn only when it is a terminal.
struct ProgressBar {
    on: bool,
    last: std::cell::Cell<Option<std::time::Instant>>,
}

impl ProgressBar {
    fn new() -> ProgressBar {
        ProgressBar {
            on: std::io::stderr().is_terminal(),
            last: std::cell::Cell::new(None),
        }
    }

    fn show(&self, progress: Progress) {
        if !self.on {
            return;
        }
        let now = std::time::Instant::now();
        let due = self
            .last
            .get()
            .is_none_or(|t| now.duration_since(t).as_millis() >= 100);
        let line = match progress {
            Progress::Reading {
                bytes,
                total_bytes: Some(total),
                rows,
            } if due => {
                let share = (bytes as f64 / total as f64).min(1.0);
                let filled = (share * 30.0) as usize;
                format!(
                    "[{}{}] {:>3.0} %  {rows} rows",
                    "#".repeat(filled),
                    " ".repeat(30 - filled),
                    share * 100.0
                )
            }
            Progress::Reading { rows, .. } if due => format!("{rows} rows read"),
            Progress::Deciding { groups } => format!("deciding {groups} groups …"),
            Progress::Reading { .. } => return,
        };
        self.last.set(Some(now));
        let _ = write!(std::io::stderr(), "\r\x1b[K{line}");
    }

    fn clear(&self) {
        if self.on {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
    }
}
