//! The spend audit: a year of supplier payments, grouped and posed to the rule engine, to find
//! purchases that may have been unlawful direct awards.
//!
//! ```text
//! ledger CSV files ──► ledger (header, delimiter, untidy rows) ──► chunks of whole records
//!        ──► workers on every core: rows → groups (buyer × fiscal year × supplier, and × account),
//!            month by month, contract-covered and masked lines set apart; each group is held
//!            by one worker (by its key's hash), and lines read elsewhere are sent to it
//!        ──► on each worker, each group's months posed in order to the engine (screen: branches
//!            over what a ledger does not record) ──► Audit (summary, flagged groups, all groups)
//!        ──► report: text, JSON, CSV, HTML with SVG
//! ```
//!
//! Invariants: memory grows with the number of groups, never with the number of rows (a group
//! keeps one tally per month and at most [`LINES_KEPT`] of its booking lines); amounts are exact
//! minor units; a bad row is reported with its file and line and the rest goes on; no limit,
//! threshold or legal word is in this code — each month's purchases are a [`Case`] the rule
//! files decide, posed as the country's `ledger for` declaration says (which facts a month
//! becomes, the kind of buyer assumed, the facts a ledger does not record, the report's notes),
//! so a new country's ledgers need a rule file, not a change here; and nothing here prints.

mod generate;
mod kept;
mod ledger;
pub mod report;
mod screen;
mod words;

use std::cmp::Reverse;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use hashbrown::HashMap;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::decision::{Citation, Shown, ValueKind};
use crate::vocab::Ledger;
use crate::{Case, Currency, Lang, Money, Outcome, RuleSet};

pub use generate::{
    GeneratorOptions, NORWEGIAN_COLUMNS, Planted, contract_register, generate, probe_limit,
};
pub use ledger::{COLUMNS, LedgerLayout, REQUIRED_COLUMNS, parse_mapping};
pub use screen::{Assumption, Branch, Screening, screen, screen_deciding_each};

use kept::{Kept, Place, Refs};
use ledger::{Column, Layout, Minor, SupplierKey};

/// How many booking lines a group keeps for the report: its largest, by amount.
pub const LINES_KEPT: usize = 10;

/// How many bad rows are kept with their message; the rest are counted.
pub const BAD_ROWS_KEPT: usize = 1000;

/// Bytes read at a time from a ledger; a chunk of whole records is handed to a worker. Small
/// enough that a chunk stays in a core's second-level cache (512 KiB here) between the passes
/// over it — the reader's count of its lines, the worker's check that it is plain and its
/// split — with room for the groups: a chunk of 1 MiB missed the cache at every line in each.
const BLOCK: usize = 1 << 18;

/// What the audit assumes about the ledgers.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AuditOptions {
    /// The buyers' country, as the rules write its code: one whose rules say how its ledgers
    /// are posed (`ledger for`), and whose rules screen them.
    pub jurisdiction: String,
    /// The kind of every buyer in the ledgers (a ledger does not say), as the rules name it.
    pub buyer_kind: String,
    /// What was bought, if the same for every line (as the rules name it); usually not known.
    pub category: Option<String>,
    /// The currency of the `belopp` column.
    pub currency: Currency,
    /// The first day of the fiscal year.
    pub fiscal_year_start: FiscalYearStart,
    /// `--columns`: (the specification's column name, the file's column name).
    pub columns: Vec<(String, String)>,
    /// Worker threads [default: every core].
    pub threads: Option<usize>,
    /// The language of the explanations in the results.
    pub lang: Lang,
    /// Skip the engine for months that a larger month on the same day shows to be allowed (see
    /// `Screener`); `false` decides every month in full. The results are the same.
    pub shortcut: bool,
    /// How the rules pose the country's ledgers: the facts a month becomes, the facts a ledger
    /// does not record, the layout, the report's notes.
    pub ledger: Ledger,
}

impl AuditOptions {
    /// The options for a country whose rules declare its ledgers (`ledger for CODE`, the code in
    /// either case), with its defaults: the kind of buyer the declaration assumes (the
    /// publishers of such ledgers), the country's currency and language, calendar-year fiscal
    /// years. An error, naming the countries whose ledgers the rules declare, for any other code.
    pub fn for_jurisdiction(rules: &RuleSet, code: &str) -> Result<AuditOptions, String> {
        let vocab = rules.vocabulary();
        let declared: Vec<&str> = vocab
            .ledgers
            .iter()
            .map(|l| vocab.code(l.country))
            .collect();
        let which = if declared.is_empty() {
            "the rules declare no country's ledgers".to_string()
        } else {
            format!("the audit reads the ledgers of {}", declared.join(", "))
        };
        let Some(country) = vocab.country(code) else {
            return Err(format!("unknown country `{code}`: {which}"));
        };
        let Some(ledger) = vocab.ledger(country) else {
            return Err(format!(
                "the rules do not say how the ledgers of `{}` are read (no `ledger for {}`): {which}",
                vocab.code(country),
                vocab.code(country)
            ));
        };
        let declared = &vocab.countries[country];
        Ok(AuditOptions {
            jurisdiction: declared.code.clone(),
            buyer_kind: ledger.buyer_kind.clone(),
            category: None,
            currency: declared.currency,
            fiscal_year_start: FiscalYearStart::CALENDAR,
            columns: Vec::new(),
            threads: None,
            lang: declared.language,
            shortcut: true,
            ledger: ledger.clone(),
        })
    }

    /// Sets the kind of every buyer, after checking that it is a name of the buyer fact's list
    /// for the country (or one of its aliases).
    pub fn set_buyer_kind(&mut self, rules: &RuleSet, kind: &str) -> Result<(), String> {
        self.buyer_kind = declared_name(rules, &self.jurisdiction, &self.ledger.buyer, kind)?;
        Ok(())
    }

    /// Sets what every line bought, after checking that the rules' ledger declaration has a
    /// `category` fact and that this is one of its names for the country.
    pub fn set_category(&mut self, rules: &RuleSet, category: &str) -> Result<(), String> {
        let Some(fact) = self.ledger.category.clone() else {
            return Err(format!(
                "the rules give the ledgers of `{}` no `category` to state",
                self.jurisdiction
            ));
        };
        self.category = Some(declared_name(rules, &self.jurisdiction, &fact, category)?);
        Ok(())
    }
}

/// A name of a fact's closed list for a country, by its name or an alias, as the list names it.
fn declared_name(rules: &RuleSet, code: &str, fact: &str, text: &str) -> Result<String, String> {
    let vocab = rules.vocabulary();
    let names = vocab
        .country(code)
        .zip(vocab.resolve(fact))
        .and_then(|(country, r)| match vocab.value_type(r) {
            crate::vocab::ValueType::OneOf(list) => Some((country, list)),
            _ => None,
        });
    let Some((country, list)) = names else {
        return Err(format!(
            "`{fact}` is not a fact of `{code}` with a list of names"
        ));
    };
    match vocab
        .name(list, text)
        .filter(|n| vocab.name_in(list, *n, country))
    {
        Some(n) => Ok(vocab.name_text(list, n).to_string()),
        None => {
            let names: Vec<&str> = vocab
                .names_in(list, country)
                .into_iter()
                .map(|n| vocab.name_text(list, n))
                .collect();
            let declared = &vocab.lists[list];
            let what = match declared.titles.en.as_str() {
                "" => format!("name of list `{}`", declared.name),
                title => title.to_string(),
            };
            Err(format!(
                "`{text}` is not a {what} of `{code}`; expected one of: {}",
                names.join(", ")
            ))
        }
    }
}

/// The first day of a fiscal year, as month and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FiscalYearStart {
    /// The month, 1–12.
    pub month: i8,
    /// The day of the month.
    pub day: i8,
}

impl FiscalYearStart {
    /// The calendar year: 1 January.
    pub const CALENDAR: FiscalYearStart = FiscalYearStart { month: 1, day: 1 };

    /// The fiscal year a date falls in, by its first day.
    pub fn year_of(self, date: Date) -> Date {
        let this_year = self.on(date.year());
        match this_year {
            Some(start) if start <= date => start,
            _ => self.on(date.year() - 1).unwrap_or(date),
        }
    }

    /// Where a date falls: the calendar year its fiscal year starts in, and the month of that
    /// fiscal year (0 for the month the year starts in, up to 12 when the year starts after the
    /// first of a month). The same as [`FiscalYearStart::year_of`], without making a date: this is
    /// asked for every booking line.
    fn place(self, date: Date) -> (i16, usize) {
        let year = if (date.month(), date.day()) >= (self.month, self.day) {
            date.year()
        } else {
            date.year() - 1
        };
        let months = (i32::from(date.year()) - i32::from(year)) * 12 + i32::from(date.month())
            - i32::from(self.month);
        (year, usize::try_from(months.clamp(0, 12)).unwrap_or(0))
    }

    fn on(self, year: i16) -> Option<Date> {
        Date::new(year, self.month, self.day).ok()
    }

    /// The first day of the fiscal year that starts in `year`.
    fn starting_in(self, year: i16) -> Date {
        // A day every year has (`from_str` sees to it); else the month's last day.
        self.on(year)
            .or_else(|| Some(Date::new(year, self.month, 1).ok()?.last_of_month()))
            .unwrap_or_default()
    }
}

impl std::str::FromStr for FiscalYearStart {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a day of the year; write it like 07-01");
        let (m, d) = s.split_once('-').ok_or_else(bad)?;
        let (Ok(month), Ok(day)) = (m.parse::<i8>(), d.parse::<i8>()) else {
            return Err(bad());
        };
        // A fiscal year must start on a day every year has.
        Date::new(2001, month, day).map_err(|_| bad())?;
        Ok(FiscalYearStart { month, day })
    }
}

impl std::fmt::Display for FiscalYearStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// One ledger to read: its name as shown in messages, and its bytes.
pub struct LedgerInput<R> {
    /// The name shown in messages, e.g. the path.
    pub name: String,
    /// Its bytes.
    pub reader: R,
    /// Its size in bytes, if known, for progress.
    pub size: Option<u64>,
}

/// How far the audit has come, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Reading the ledgers.
    Reading {
        /// Bytes read so far.
        bytes: u64,
        /// Bytes in all, where the sizes are known.
        total_bytes: Option<u64>,
        /// Rows read so far.
        rows: u64,
    },
    /// Screening the groups.
    Deciding {
        /// Groups screened so far.
        groups: u64,
    },
}

/// A row that could not be used, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BadRow {
    /// The ledger.
    pub file: String,
    /// The 1-based line.
    pub line: u64,
    /// What is wrong with it.
    pub message: String,
}

/// A ledger or contract register that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FileError {
    /// The file.
    pub file: String,
    /// Why it could not be read.
    pub message: String,
}

/// Lines and their sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// How many lines.
    pub lines: u64,
    #[serde(serialize_with = "minor_as_decimal")]
    /// Their sum, in minor units (öre, øre).
    pub amount: Minor,
}

impl Tally {
    fn add(&mut self, amount: Minor) {
        self.lines += 1;
        self.amount = self.amount.saturating_add(amount);
    }

    fn merge(&mut self, other: Tally) {
        self.lines += other.lines;
        self.amount = self.amount.saturating_add(other.amount);
    }
}

/// How a group is formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// One buyer's payments to one supplier in a fiscal year.
    Supplier,
    /// One buyer's payments booked on one account in a fiscal year: a rough proxy for "of the
    /// same kind".
    Account,
}

/// What the screening found for a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStatus {
    /// A direct award would not have been allowed in at least one branch, from some month on.
    Flagged,
    /// Not flagged, but for some month the rules did not decide.
    Undecided,
    /// A direct award was allowed in every branch, every month.
    BelowLimit,
    /// Every line is covered by a contract.
    Covered,
}

/// One booking line behind a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LineRef {
    /// The ledger.
    pub file: String,
    /// The 1-based line.
    pub line: u64,
    #[serde(with = "date_text")]
    /// The booking day.
    pub date: Date,
    #[serde(serialize_with = "minor_as_decimal")]
    /// The amount, in minor units.
    pub amount: Minor,
    /// The voucher number.
    pub verifikationsnummer: String,
    /// The invoice number.
    pub fakturanummer: String,
}

/// A month of a group's fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MonthPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Lines booked in the month.
    pub lines: u64,
    #[serde(serialize_with = "minor_as_decimal")]
    /// The month's net spend, in minor units.
    pub net: Minor,
    /// The group's net spend from the start of the fiscal year to the end of this month.
    #[serde(serialize_with = "minor_as_decimal")]
    pub cumulative: Minor,
}

/// A group, as the table of all groups shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GroupRow {
    /// By supplier or by account.
    pub kind: GroupKind,
    /// The buyer's organisation number.
    pub buyer_id: String,
    /// The buyer's name.
    pub buyer: String,
    /// The fiscal year, by its first day.
    pub fiscal_year: String,
    /// The supplier's organisation number (or name, where the ledger has none), or the account.
    pub key: String,
    /// The supplier's name, or the account's text.
    pub label: String,
    /// The ledger gave the supplier no organisation number: `key` is its name as grouped.
    pub key_is_name: bool,
    /// What the screening found.
    pub status: GroupStatus,
    /// Lines in the group.
    pub lines: u64,
    #[serde(serialize_with = "minor_as_decimal")]
    /// Their net sum, in minor units.
    pub sum: Minor,
    /// The highest the cumulative spend reached in the year.
    #[serde(serialize_with = "minor_as_decimal")]
    pub peak: Minor,
    /// The lines covered by a contract.
    pub covered: Tally,
    /// The month a direct award would first not have been allowed (flagged), or first was not
    /// decided (undecided).
    pub month: Option<String>,
}

/// A flagged group with what the engine said.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Flagged {
    #[serde(flatten)]
    /// The group.
    pub group: GroupRow,
    #[serde(with = "date_text")]
    /// The first day of its fiscal year.
    pub fiscal_year_start: Date,
    /// The day the crossing month's purchases were posed on (its last booking day).
    #[serde(with = "date_text")]
    pub crossed_on: Date,
    /// The case posed for the crossing month, with the first branch in which a direct award
    /// was not allowed filled in.
    pub case: Case,
    /// The outcome for the crossing month, in the first not-allowed branch.
    pub outcome: Outcome,
    /// The procedure the law requires there.
    pub procedure: Option<String>,
    /// The rules that decide it.
    pub decided_by: Vec<String>,
    /// The limit the cumulative spend reached: the largest amount the deciding rules compared
    /// with that the spend reached, taken from the engine's decision.
    pub limit: Option<Shown>,
    /// How far the year's peak went above that limit.
    #[serde(serialize_with = "option_minor_as_decimal")]
    pub above_limit: Option<Minor>,
    /// The branches of the crossing month: where a direct award would not have been allowed,
    /// and where it would.
    pub not_allowed_in: Vec<Branch>,
    /// The branches where a direct award would have been allowed.
    pub allowed_in: Vec<Branch>,
    /// The branches the rules do not decide.
    pub undecided_in: Vec<Branch>,
    /// The engine's explanation of the not-allowed branch, in the audit's language.
    pub explanation: String,
    /// What the deciding rules cite.
    pub citations: Vec<Citation>,
    /// The fiscal year month by month.
    pub months: Vec<MonthPoint>,
    /// The group's largest booking lines (at most [`LINES_KEPT`]), in date order.
    pub lines: Vec<LineRef>,
}

/// Counts of groups by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StatusCounts {
    /// Groups flagged.
    pub flagged: u64,
    /// Groups undecided.
    pub undecided: u64,
    /// Groups below the limits.
    pub below_limit: u64,
    /// Groups covered by contracts.
    pub covered: u64,
}

impl StatusCounts {
    fn count(&mut self, status: GroupStatus) {
        match status {
            GroupStatus::Flagged => self.flagged += 1,
            GroupStatus::Undecided => self.undecided += 1,
            GroupStatus::BelowLimit => self.below_limit += 1,
            GroupStatus::Covered => self.covered += 1,
        }
    }
}

/// The audit in numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// The country, by its code in the rules.
    pub jurisdiction: String,
    /// The kind of buyer assumed.
    pub buyer_kind: String,
    /// What was bought, if given.
    pub category: Option<String>,
    /// The currency of the amounts.
    pub currency: Currency,
    /// The first day of the fiscal year, `MM-DD`.
    pub fiscal_year_start: String,
    /// The language of the explanations.
    pub lang: Lang,
    /// The ledgers read.
    pub files: Vec<String>,
    /// Rows read (header excluded), bad ones included.
    pub rows: u64,
    /// Rows that could not be used.
    pub bad_rows: u64,
    /// Every usable line and their sum.
    pub lines: Tally,
    /// Lines whose supplier is removed or marked as personal data: not auditable.
    pub masked: Tally,
    /// Lines covered by a contract (the `avtal` column or the contract register).
    pub covered: Tally,
    /// Lines with no account number (in no account group).
    pub no_account: Tally,
    /// The supplier groups by status.
    pub supplier_groups: StatusCounts,
    /// The account groups by status.
    pub account_groups: StatusCounts,
}

/// The result of an audit, as data.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Audit {
    /// The audit in numbers.
    pub summary: Summary,
    /// Ranked by how far above the limit they went.
    pub flagged: Vec<Flagged>,
    /// Every group, flagged first, then by peak spend.
    pub groups: Vec<GroupRow>,
    /// The first [`BAD_ROWS_KEPT`] bad rows, in file and line order.
    pub bad_rows: Vec<BadRow>,
    /// Files that could not be read.
    pub file_errors: Vec<FileError>,
    /// The words the rules give the report, in the audit's language.
    #[serde(skip)]
    pub words: ReportWords,
}

/// The words of a report that the rule files give, in one language: the ledger declaration's
/// notes, and what each value of a fact a ledger does not record says (read once per audit).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportWords {
    /// What the kind of buyer assumed is called: the title of the buyer fact's list.
    pub buyer_kind: String,
    /// What a group of payments does not settle (`grouping`).
    pub grouping: String,
    /// What to check next, step by step (`next steps`).
    pub next_steps: Vec<String>,
    /// (fact, value, what it says): a closed list's label, a yes/no fact's `if true` or `if
    /// false`, or the fact's title and the value.
    statements: Vec<(String, String, String)>,
    /// (fact, the fact it implies): a fact not recorded that is a question only for one value of
    /// an earlier one (`when`), so that assuming it says that value too.
    implied: Vec<(String, String)>,
}

impl ReportWords {
    /// The words for an audit of a country's ledgers in a language.
    pub fn new(rules: &RuleSet, options: &AuditOptions) -> ReportWords {
        let vocab = rules.vocabulary();
        let lang = options.lang;
        let country = vocab.country(&options.jurisdiction);
        let ledger = &options.ledger;
        let mut statements = Vec::new();
        for n in &ledger.not_recorded {
            let values = country
                .map(|c| screen::values(rules, c, &n.fact))
                .unwrap_or_default();
            for value in values {
                let said = vocab.statement(&n.fact, value, country, lang);
                statements.push((n.fact.clone(), value.to_string(), said));
            }
        }
        let buyer_kind = vocab
            .resolve(&ledger.buyer)
            .map(|r| match vocab.value_type(r) {
                crate::vocab::ValueType::OneOf(list) => {
                    vocab.lists[list].titles.get(lang).to_string()
                }
                _ => vocab.title(r, lang),
            });
        ReportWords {
            buyer_kind: buyer_kind.unwrap_or_else(|| ledger.buyer.clone()),
            grouping: ledger.grouping.get(lang).to_string(),
            next_steps: ledger
                .next_steps
                .iter()
                .map(|step| step.get(lang).to_string())
                .collect(),
            statements,
            implied: ledger
                .not_recorded
                .iter()
                .filter_map(|n| Some((n.fact.clone(), n.only_when.as_ref()?.0.clone())))
                .collect(),
        }
    }

    /// What an assumption says.
    pub fn statement(&self, a: &Assumption) -> String {
        self.statements
            .iter()
            .find(|(f, v, _)| f == a.fact && v == a.value)
            .map_or_else(
                || format!("{} = {}", a.fact, a.value),
                |(_, _, s)| s.clone(),
            )
    }

    /// Whether a branch's other assumptions already say this one: an assumed fact that is a
    /// question only for one value of this one.
    pub fn is_implied(&self, a: &Assumption, by: &[Assumption]) -> bool {
        by.iter().any(|b| {
            self.implied
                .iter()
                .any(|(fact, implies)| fact == b.fact && implies == a.fact)
        })
    }
}

/// A contract register: which suppliers have contracts in force when.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contracts {
    by_supplier: HashMap<Vec<u8>, Vec<Contract>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Contract {
    start: Date,
    end: Date,
}

impl Contracts {
    /// Reads a contract register: CSV with the supplier's id, the contract's id, its first and
    /// last day, and its value (the columns in that order, or named `leverantor_id`, `avtal`,
    /// `start`, `slut`, `varde` and their English and Norwegian equivalents). Bad rows are
    /// returned and the rest kept.
    pub fn read(reader: impl Read, name: &str) -> Result<(Contracts, Vec<BadRow>), FileError> {
        let file_error = |message: String| FileError {
            file: name.to_string(),
            message,
        };
        let mut bytes = Vec::new();
        let mut reader = reader;
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| file_error(format!("cannot read the contract register: {e}")))?;
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let header_end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
        let delimiter = ledger::sniff_delimiter(&bytes[..header_end]);
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(bytes);
        let header = csv
            .byte_headers()
            .map_err(|e| file_error(format!("cannot read the header: {e}")))?
            .clone();
        let named = |names: &[&str]| {
            header.iter().position(|h| {
                let h = ledger::text(h).trim().to_lowercase();
                names.contains(&h.as_str())
            })
        };
        let columns = [
            named(&[
                "leverantor_id",
                "leverantör_id",
                "supplier_id",
                "leverandor_id",
            ]),
            named(&["start", "startdatum", "from", "fra"]),
            named(&["slut", "slutdatum", "end", "to", "til", "slutt"]),
        ];
        let [supplier, start, end] = if columns.iter().all(Option::is_some) {
            columns.map(|c| c.unwrap_or(0))
        } else {
            [0, 2, 3]
        };
        let mut contracts = Contracts::default();
        let mut bad = Vec::new();
        let mut record = csv::ByteRecord::new();
        loop {
            match csv.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    bad.push(BadRow {
                        file: name.to_string(),
                        line: e.position().map_or(0, |p| p.line()),
                        message: e.to_string(),
                    });
                    continue;
                }
            }
            let line = record.position().map_or(0, |p| p.line());
            let field = |i: usize| record.get(i).map_or(&[][..], <[u8]>::trim_ascii);
            let parsed = (|| {
                let mut id = Vec::new();
                if !ledger::push_digits(field(supplier), &mut id) {
                    return Err(
                        "the supplier has no organisation number; contracts are matched by it"
                            .to_string(),
                    );
                }
                let start = ledger::parse_date(field(start)).map_err(|e| e.0)?;
                let end = ledger::parse_date(field(end)).map_err(|e| e.0)?;
                if end < start {
                    return Err(format!(
                        "the contract ends ({end}) before it starts ({start})"
                    ));
                }
                Ok((id, Contract { start, end }))
            })();
            match parsed {
                Ok((id, contract)) => contracts.by_supplier.entry(id).or_default().push(contract),
                Err(message) => bad.push(BadRow {
                    file: name.to_string(),
                    line,
                    message,
                }),
            }
        }
        Ok((contracts, bad))
    }

    /// Whether a contract of the supplier (by its organisation number's digits) is in force.
    fn covers(&self, supplier_digits: &[u8], date: Date) -> bool {
        self.by_supplier
            .get(supplier_digits)
            .is_some_and(|cs| cs.iter().any(|c| c.start <= date && date <= c.end))
    }

    /// How many contracts the register holds.
    pub fn len(&self) -> usize {
        self.by_supplier.values().map(Vec::len).sum()
    }

    /// Whether the register holds no contracts.
    pub fn is_empty(&self) -> bool {
        self.by_supplier.is_empty()
    }
}

// ---- reading and grouping ----------------------------------------------------------------------

/// A run of whole records from one file, for a worker.
struct Chunk {
    file: usize,
    /// The line number of the chunk's first byte.
    first_line: u64,
    bytes: Vec<u8>,
    layout: Arc<Layout>,
}

/// One month of a group: sixteen bytes.
#[derive(Debug, Clone, Copy, Default)]
struct Month {
    net: Minor,
    lines: u32,
    /// The day of the month of its last booking line; 0 before the first.
    last_day: u8,
}

impl Month {
    /// The month's last booking day, in the fiscal year starting on `year`, if it has lines.
    fn last_date(&self, year: Date, index: usize) -> Option<Date> {
        let months = i32::from(year.month()) - 1 + i32::try_from(index).ok()?;
        let calendar_year = i16::try_from(i32::from(year.year()) + months / 12).ok()?;
        let month = i8::try_from(months % 12 + 1).ok()?;
        let day = i8::try_from(self.last_day).ok()?;
        (day > 0).then(|| Date::new(calendar_year, month, day).ok())?
    }
}

/// A group being gathered. The fields a row touches come first: its month, and the kept lines.
#[derive(Debug, Clone)]
struct GroupState {
    months: [Month; 13],
    covered: Tally,
    kept: Kept,
    /// The buyer's and the supplier's or account's names as the group's first line has them.
    buyer: Span,
    label: Span,
    /// That first line. Workers see lines in any order; the earliest names the group.
    first: Place,
}

impl GroupState {
    fn new(buyer: Span, label: Span, first: Place) -> GroupState {
        GroupState {
            months: [Month::default(); 13],
            covered: Tally::default(),
            kept: Kept::default(),
            buyer,
            label,
            first,
        }
    }

    /// Adds a booking line.
    fn add(&mut self, booking: Booking) {
        if booking.covered {
            self.covered.add(booking.amount);
            return;
        }
        let m = &mut self.months[usize::from(booking.month)];
        m.net = m.net.saturating_add(booking.amount);
        m.lines += 1;
        m.last_day = m.last_day.max(booking.date.day() as u8);
        let refs = booking.refs;
        self.kept
            .offer(booking.amount, booking.place, booking.date, || refs);
    }

    /// Every line of the group, covered or not.
    fn lines(&self) -> u64 {
        let uncovered: u64 = self.months.iter().map(|m| u64::from(m.lines)).sum();
        uncovered + self.covered.lines
    }

    /// Another worker's first line of the group, with the names it has there: the earliest
    /// line names the group, whichever worker read it.
    fn seen_first_at(&mut self, first: Place, buyer: Span, label: Span) {
        if first < self.first {
            (self.first, self.buyer, self.label) = (first, buyer, label);
        }
    }
}

/// A booking line, as a group takes it.
#[derive(Clone)]
struct Booking {
    /// The month of the fiscal year.
    month: u8,
    covered: bool,
    amount: Minor,
    date: Date,
    place: Place,
    /// Empty when covered.
    refs: Refs,
}

/// A booking line for a group of this worker, at its place in [`Gathered::groups`], to be
/// added with others (see [`Worker::add_to_groups`]).
struct Addition {
    group: u32,
    booking: Booking,
}

/// How many rows are read before they are added to their groups.
const ADDITIONS_AT_ONCE: usize = 64;

/// A booking line for a group another worker holds, with what that worker needs to find the
/// group: the buyer's number (shared by all workers) and the group's key in the buyer's table.
struct Routed {
    buyer: u32,
    key: FastKey,
    booking: Booking,
    /// The first time this worker sends a line of the group: what the group is made of.
    new: Option<Box<NewGroup>>,
}

/// A group as the first line one worker read of it has it: its full key, label and buyer's
/// name, one after another in `bytes`.
struct NewGroup {
    bytes: Box<[u8]>,
    key_len: usize,
    label_len: usize,
    first: Place,
}

/// How many lines for another worker's groups are sent to it at a time.
const ROUTED_AT_ONCE: usize = 256;

/// Where a worker finds a group: in its own groups, or with the worker that holds it.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Here(u32),
    With(u32),
}

/// A group's full key (see [`group_key`]) and its state.
type Group = (Span, GroupState);

/// Where some bytes are — a group's key, its label, its buyer's name — in the arena of the worker
/// that read them (see [`Worker::arena`]).
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    worker: u32,
    len: u32,
    start: u64,
}

impl Span {
    /// The bytes, in the arena of the worker that made the span.
    fn of_arena(self, arena: &[u8]) -> &[u8] {
        let start = usize::try_from(self.start).unwrap_or(usize::MAX);
        arena
            .get(start..start.saturating_add(self.len as usize))
            .unwrap_or_default()
    }

    /// The bytes, given every worker's arena.
    fn of(self, arenas: &[Vec<u8>]) -> &[u8] {
        let start = usize::try_from(self.start).unwrap_or(usize::MAX);
        arenas
            .get(self.worker as usize)
            .and_then(|arena| arena.get(start..start.saturating_add(self.len as usize)))
            .unwrap_or_default()
    }
}

/// Adds bytes to a worker's arena and says where they are.
fn stash(arena: &mut Vec<u8>, worker: u32, bytes: &[u8]) -> Span {
    let start = arena.len() as u64;
    arena.extend_from_slice(bytes);
    Span {
        worker,
        len: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
        start,
    }
}

/// Groups in segments of a fixed size that never move once made: the store grows without
/// copying the states it holds (a `Vec` of states of some 750 bytes copied every one at each
/// doubling, and its reallocations were most of the misses of making groups).
#[derive(Default)]
struct Groups {
    segments: Vec<Vec<Group>>,
    len: usize,
}

/// Groups per segment.
const SEGMENT: usize = 1024;

impl Groups {
    /// Adds a group and says where it is.
    fn push(&mut self, group: Group) -> u32 {
        if self.len.is_multiple_of(SEGMENT) {
            self.segments.push(Vec::with_capacity(SEGMENT));
        }
        if let Some(segment) = self.segments.last_mut() {
            segment.push(group);
        }
        self.len += 1;
        u32::try_from(self.len - 1).unwrap_or(u32::MAX)
    }

    /// The group at a place [`Groups::push`] gave.
    fn get_mut(&mut self, place: u32) -> &mut Group {
        let place = place as usize;
        &mut self.segments[place / SEGMENT][place % SEGMENT]
    }

    fn len(&self) -> usize {
        self.len
    }

    fn iter(&self) -> impl Iterator<Item = &Group> {
        self.segments.iter().flatten()
    }
}

/// What one worker (and, added up, the whole audit) has gathered.
#[derive(Default)]
struct Gathered {
    /// The groups this worker holds: those whose full key [`holder_of`] gives it.
    groups: Groups,
    rows: u64,
    lines: Tally,
    masked: Tally,
    covered: Tally,
    no_account: Tally,
    bad: Vec<BadRow>,
    bad_count: u64,
}

impl Gathered {
    /// Adds another worker's counts and bad rows (not its groups, which are its own).
    fn add_counts(&mut self, other: &mut Gathered) {
        self.rows += other.rows;
        self.lines.merge(other.lines);
        self.masked.merge(other.masked);
        self.covered.merge(other.covered);
        self.no_account.merge(other.no_account);
        self.bad_count += other.bad_count;
        self.bad.append(&mut other.bad);
    }

    fn bad_row(&mut self, file: &str, line: u64, message: String) {
        self.bad_count += 1;
        if self.bad.len() < BAD_ROWS_KEPT {
            self.bad.push(BadRow {
                file: file.to_string(),
                line,
                message,
            });
        }
    }
}

/// The worker that holds a group: every worker that reads a line of the group sends it there,
/// so that each group is gathered in one place, and decided there, with nothing to merge.
/// FNV-1a over the full key: the same in every worker and every run.
fn holder_of(key: &[u8], workers: usize) -> u32 {
    let hash = key.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % workers.max(1) as u64) as u32
}

const SEPARATOR: u8 = 0x1f;

/// The key of a group: its kind, the first day of its fiscal year (four bytes), the buyer, a
/// [`SEPARATOR`], and the supplier (`#` digits or `@` name) or the account.
fn group_key(out: &mut Vec<u8>, kind: GroupKind, year: Date, buyer: &[u8]) {
    out.clear();
    out.push(match kind {
        GroupKind::Supplier => b'S',
        GroupKind::Account => b'A',
    });
    out.extend_from_slice(&year.year().to_be_bytes());
    out.extend_from_slice(&[year.month().to_be_bytes()[0], year.day().to_be_bytes()[0]]);
    out.extend_from_slice(buyer);
    out.push(SEPARATOR);
}

/// A group key's parts: kind, fiscal year, buyer, supplier or account.
fn split_key(key: &[u8]) -> (GroupKind, Date, &[u8], &[u8]) {
    let kind = if key.first() == Some(&b'A') {
        GroupKind::Account
    } else {
        GroupKind::Supplier
    };
    let year = match key.get(1..5) {
        Some(&[y0, y1, m, d]) => {
            Date::new(i16::from_be_bytes([y0, y1]), m as i8, d as i8).unwrap_or_default()
        }
        _ => Date::default(),
    };
    let rest = key.get(5..).unwrap_or_default();
    let (buyer, what) = match rest.iter().position(|&b| b == SEPARATOR) {
        Some(p) => (&rest[..p], &rest[p + 1..]),
        None => (rest, &[][..]),
    };
    (kind, year, buyer, what)
}

struct Worker<'a> {
    /// This worker's number, which its [`Span`]s carry.
    index: u32,
    /// The bytes of this worker's groups' keys and labels and of its buyers' names, one after
    /// another: making a group allocates nothing of its own, and a group holds no pointer, so
    /// freeing groups on another core touches no allocator.
    arena: Vec<u8>,
    options: &'a AuditOptions,
    contracts: Option<&'a Contracts>,
    names: &'a [String],
    gathered: Gathered,
    /// Every group this worker has read a line of, a table per buyer (by its number in
    /// `buyers`), by [`FastKey`] to where it is. A ledger lists a buyer's rows together, so the
    /// table in use is the current buyer's, small enough to stay in cache where one table of
    /// every group would cost a cache miss or two per lookup; and a lookup compares 16 bytes in
    /// place instead of following a key to the heap.
    groups_by_buyer: Vec<HashMap<FastKey, Slot>>,
    buyers: Interner<'a>,
    /// The last row's buyer.
    last_buyer: Option<LastBuyer>,
    /// Each buyer's names as rows have them, in the arena.
    buyer_names: HashMap<u32, Vec<NameInArena>>,
    texts: Interner<'a>,
    key: Vec<u8>,
    buyer: Vec<u8>,
    supplier: Vec<u8>,
    record: csv::ByteRecord,
    /// Where the fields of a plain record end (see [`ledger::is_plain`]).
    ends: Vec<usize>,
    /// Rows read for this worker's groups and not yet added to them.
    additions: Vec<Addition>,
    /// Rows read for each other worker's groups and not yet sent to it.
    outboxes: Vec<Vec<Routed>>,
    /// To each other worker (none to this one).
    to: Vec<Option<mpsc::SyncSender<Vec<Routed>>>>,
    /// From the other workers.
    inbox: mpsc::Receiver<Vec<Routed>>,
}

/// A group's key within one buyer's table: kind and fiscal year in `head`; the supplier's or
/// account's digits (when at most 17) or an interned text in `tail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FastKey {
    head: u64,
    tail: u64,
}

const INTERNED: u64 = 31 << 59;

impl FastKey {
    fn new(kind: GroupKind, year: i16, tail: u64) -> FastKey {
        let kind = match kind {
            GroupKind::Supplier => 0,
            GroupKind::Account => 1u64 << 63,
        };
        FastKey {
            head: kind | u64::from(year as u16),
            tail,
        }
    }

    /// The digits among `bytes` (an organisation number such as `556677-8899`), as
    /// [`FastKey::digits`] gives them: `None` when there are none or more than 17.
    fn digits_of(bytes: &[u8]) -> Option<u64> {
        let (mut count, mut value) = (0u64, 0u64);
        for &b in bytes {
            if b.is_ascii_digit() {
                count += 1;
                value = value.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
            }
        }
        (1..=17).contains(&count).then_some((count << 59) | value)
    }

    /// Digits as a number tagged with their count, so that `012` and `12` differ.
    fn digits(bytes: &[u8]) -> Option<u64> {
        if bytes.is_empty() || bytes.len() > 17 || !bytes.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let value = bytes
            .iter()
            .fold(0u64, |n, &b| n * 10 + u64::from(b - b'0'));
        Some(((bytes.len() as u64) << 59) | value)
    }
}

/// A name as the file has it, and where it is in the worker's arena.
type NameInArena = (Box<[u8]>, Span);

/// A buyer as the last row had it (organisation number and name, as the file has them), its
/// number in this worker and its name as text, shared by its groups.
struct LastBuyer {
    id: Vec<u8>,
    name: Vec<u8>,
    number: u32,
    /// The name in the worker's arena.
    stashed: Span,
}

/// Texts to small numbers, the same in every worker: a worker asks the shared table only for a
/// text it has not seen before, so the lock is seldom taken.
struct Interner<'s> {
    shared: &'s Mutex<HashMap<Vec<u8>, u32>>,
    known: HashMap<Vec<u8>, u32>,
    last: Option<(Vec<u8>, u32)>,
}

impl<'s> Interner<'s> {
    fn new(shared: &'s Mutex<HashMap<Vec<u8>, u32>>) -> Interner<'s> {
        Interner {
            shared,
            known: HashMap::new(),
            last: None,
        }
    }

    fn id(&mut self, text: &[u8]) -> u32 {
        if let Some((last, id)) = &self.last
            && last.as_slice() == text
        {
            return *id;
        }
        let id = match self.known.get(text) {
            Some(&id) => id,
            None => {
                let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
                let next = shared.len() as u32;
                let id = *shared.entry_ref(text).or_insert(next);
                drop(shared);
                self.known.insert(text.to_vec(), id);
                id
            }
        };
        let (last, last_id) = self.last.get_or_insert_with(|| (Vec::new(), id));
        last.clear();
        last.extend_from_slice(text);
        *last_id = id;
        id
    }
}

impl Worker<'_> {
    fn chunk(&mut self, chunk: &Chunk) {
        let names = self.names;
        let name = &names[chunk.file];
        if ledger::is_plain(&chunk.bytes) {
            let mut ends = std::mem::take(&mut self.ends);
            ledger::for_each_plain_record(
                &chunk.bytes,
                chunk.layout.delimiter,
                &mut ends,
                |before, record| {
                    let line = chunk.first_line + before;
                    self.gathered.rows += 1;
                    if let Err(e) = self.row(record, &chunk.layout, chunk.file, line) {
                        self.gathered.bad_row(name, line, e.0);
                    }
                },
            );
            self.ends = ends;
            self.add_to_groups();
            return;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(chunk.layout.delimiter)
            .from_reader(&chunk.bytes[..]);
        let mut record = std::mem::take(&mut self.record);
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = chunk.first_line + record.position().map_or(1, |p| p.line()) - 1;
                    self.gathered.rows += 1;
                    if let Err(e) = self.row(&record, &chunk.layout, chunk.file, line) {
                        self.gathered.bad_row(name, line, e.0);
                    }
                }
                Err(e) => {
                    let line = chunk.first_line + e.position().map_or(1, |p| p.line()) - 1;
                    self.gathered.rows += 1;
                    self.gathered.bad_row(name, line, e.to_string());
                }
            }
        }
        self.record = record;
        self.add_to_groups();
    }

    fn row(
        &mut self,
        record: &impl ledger::Fields,
        layout: &Layout,
        file: usize,
        line: u64,
    ) -> Result<(), ledger::RowError> {
        if record.count() < layout.needed {
            return Err(ledger::RowError(format!(
                "the row has {} fields; the header has {}",
                record.count(),
                layout.width
            )));
        }
        let field = |c: Column| layout.field(record, c);
        let amount = ledger::parse_amount(field(Column::Amount))?;
        let date = ledger::parse_date(field(Column::Date))?;
        let buyer = self.buyer(field(Column::BuyerId), field(Column::Buyer))?;
        let (supplier_name, supplier_id) = (field(Column::Supplier), field(Column::SupplierId));
        // The supplier's key: its organisation number's digits as a number when there are at
        // most 17 (nearly always), else its key as text (see `push_supplier_key`), interned.
        let digits = FastKey::digits_of(supplier_id);
        let supplier = match digits {
            Some(_) => SupplierKey::Id,
            None => {
                self.supplier.clear();
                self.supplier.push(b'#');
                ledger::push_supplier_key(supplier_name, supplier_id, &mut self.supplier)
            }
        };
        let covered = !field(Column::Contract).is_empty()
            || (supplier == SupplierKey::Id
                && self.contracts.is_some_and(|c| {
                    self.supplier.clear();
                    self.supplier.push(b'#');
                    ledger::push_digits(supplier_id, &mut self.supplier);
                    c.covers(&self.supplier[1..], date)
                }));
        let (year, month) = self.options.fiscal_year_start.place(date);
        self.gathered.lines.add(amount);
        if covered {
            self.gathered.covered.add(amount);
        }
        match supplier {
            SupplierKey::Masked => {
                // Masked suppliers cannot be told apart: they are counted, never grouped.
                self.gathered.masked.add(amount);
                return Ok(());
            }
            SupplierKey::Name => self.supplier[0] = b'@',
            SupplierKey::Id => {}
        }
        let tail = match digits {
            Some(digits) => digits,
            None => INTERNED | u64::from(self.texts.id(&self.supplier)),
        };
        let fast = FastKey::new(GroupKind::Supplier, year, tail);
        let supplier_bytes = std::mem::take(&mut self.supplier);
        let place = (u32::try_from(file).unwrap_or(u32::MAX), line);
        let booking = Booking {
            month: month as u8,
            covered,
            amount,
            date,
            place,
            // Only a line outside contracts may be kept for the report.
            refs: if covered {
                Refs::EMPTY
            } else {
                Refs::new(field(Column::Verification), field(Column::Invoice))
            },
        };
        let by_supplier = self.group(
            buyer,
            fast,
            year,
            supplier_name,
            place,
            |key| match digits {
                Some(_) => {
                    key.push(b'#');
                    ledger::push_digits(supplier_id, key);
                }
                None => key.extend_from_slice(&supplier_bytes),
            },
        );
        self.supplier = supplier_bytes;
        let account = field(Column::Account);
        if account.is_empty() {
            self.gathered.no_account.add(amount);
            self.book(buyer, fast, by_supplier, booking);
        } else {
            let tail = FastKey::digits(account)
                .unwrap_or_else(|| INTERNED | u64::from(self.texts.id(account)));
            let account_key = FastKey::new(GroupKind::Account, year, tail);
            let label = field(Column::AccountText);
            let by_account = self.group(buyer, account_key, year, label, place, |key| {
                key.extend_from_slice(account)
            });
            self.book(buyer, fast, by_supplier, booking.clone());
            self.book(buyer, account_key, by_account, booking);
        }
        Ok(())
    }

    /// Books a line to a group: to be added here, or sent to the worker that holds the group.
    fn book(&mut self, buyer: u32, key: FastKey, (slot, new): Found, booking: Booking) {
        match slot {
            Slot::Here(group) => {
                self.additions.push(Addition { group, booking });
                if self.additions.len() == ADDITIONS_AT_ONCE {
                    self.add_to_groups();
                }
            }
            Slot::With(holder) => {
                let Some(outbox) = self.outboxes.get_mut(holder as usize) else {
                    return;
                };
                outbox.push(Routed {
                    buyer,
                    key,
                    booking,
                    new,
                });
                if outbox.len() == ROUTED_AT_ONCE {
                    self.send(holder);
                }
            }
        }
    }

    /// Adds the rows read so far to their groups. A row's additions touch memory far apart
    /// (its groups' months and kept lines, among thousands of groups), which is rarely in cache;
    /// made one after another in a short loop, with nothing else between them, the processor
    /// waits for many of those reads at once instead of for each in turn.
    fn add_to_groups(&mut self) {
        let groups = &mut self.gathered.groups;
        for Addition { group, booking } in self.additions.drain(..) {
            groups.get_mut(group).1.add(booking);
        }
    }

    /// Sends the lines waiting for a worker's groups to it. While its inbox is full, this
    /// worker takes in what others sent it, so that two workers sending to each other never
    /// wait for each other.
    fn send(&mut self, holder: u32) {
        let Some(outbox) = self.outboxes.get_mut(holder as usize) else {
            return;
        };
        if outbox.is_empty() {
            return;
        }
        let mut batch = std::mem::replace(outbox, Vec::with_capacity(ROUTED_AT_ONCE));
        let Some(Some(to)) = self.to.get(holder as usize) else {
            return;
        };
        let to = to.clone();
        loop {
            match to.try_send(batch) {
                Ok(()) => return,
                Err(mpsc::TrySendError::Full(back)) => {
                    batch = back;
                    let wait = std::time::Duration::from_millis(1);
                    if let Ok(incoming) = self.inbox.recv_timeout(wait) {
                        self.take_in(incoming);
                    }
                }
                // The holder stopped on a bug; its lines are lost, as its rows would be.
                Err(mpsc::TrySendError::Disconnected(_)) => return,
            }
        }
    }

    /// Takes in the lines other workers have sent; says whether there were any.
    fn take_in_waiting(&mut self) -> bool {
        let mut any = false;
        while let Ok(batch) = self.inbox.try_recv() {
            self.take_in(batch);
            any = true;
        }
        any
    }

    /// Adds lines another worker read to this worker's groups, making a group the first time.
    fn take_in(&mut self, batch: Vec<Routed>) {
        for routed in batch {
            let Routed {
                buyer,
                key,
                booking,
                new,
            } = routed;
            let table = self.table_of(buyer);
            let group = match (table.get(&key).copied(), new) {
                (Some(Slot::Here(group)), new) => {
                    if let Some(new) = new {
                        let (buyer, label) = self.stash_names(&new);
                        let state = &mut self.gathered.groups.get_mut(group).1;
                        state.seen_first_at(new.first, buyer, label);
                    }
                    group
                }
                (None, Some(new)) => {
                    let (buyer_name, label) = self.stash_names(&new);
                    let full_key = new.bytes.get(..new.key_len).unwrap_or_default();
                    let full_key = stash(&mut self.arena, self.index, full_key);
                    let state = GroupState::new(buyer_name, label, new.first);
                    let group = self.gathered.groups.push((full_key, state));
                    self.table_of(buyer).insert(key, Slot::Here(group));
                    group
                }
                // A worker sends a group's first line with what the group is, and its lines
                // arrive in order; and no worker sends a group it does not hold.
                (None, None) | (Some(Slot::With(_)), _) => continue,
            };
            self.additions.push(Addition { group, booking });
            if self.additions.len() == ADDITIONS_AT_ONCE {
                self.add_to_groups();
            }
        }
        self.add_to_groups();
    }

    /// The names a new group from another worker comes with, in this worker's arena.
    fn stash_names(&mut self, new: &NewGroup) -> (Span, Span) {
        let label_end = new.key_len + new.label_len;
        let label = new.bytes.get(new.key_len..label_end).unwrap_or_default();
        let buyer = new.bytes.get(label_end..).unwrap_or_default();
        let label = stash(&mut self.arena, self.index, label);
        let buyer = stash(&mut self.arena, self.index, buyer);
        (buyer, label)
    }

    /// The table of a buyer's groups.
    fn table_of(&mut self, buyer: u32) -> &mut HashMap<FastKey, Slot> {
        let buyer = buyer as usize;
        if buyer >= self.groups_by_buyer.len() {
            self.groups_by_buyer.resize_with(buyer + 1, HashMap::new);
        }
        &mut self.groups_by_buyer[buyer]
    }

    /// When the ledgers are read: adds and sends what is left, then takes in what the other
    /// workers send until every one of them is done.
    fn finish(&mut self) {
        self.add_to_groups();
        for holder in 0..self.outboxes.len() {
            self.send(holder as u32);
        }
        self.to.clear();
        while let Ok(batch) = self.inbox.recv() {
            self.take_in(batch);
        }
    }

    /// The buyer's number (the same in every worker), from its organisation number's digits,
    /// else its name; `self.buyer` is left holding those bytes. Consecutive rows nearly always
    /// have the same buyer, so the last one is remembered as the file has it.
    fn buyer(&mut self, id: &[u8], name: &[u8]) -> Result<u32, ledger::RowError> {
        if let Some(last) = &self.last_buyer
            && last.id.as_slice() == id
            && last.name.as_slice() == name
        {
            return Ok(last.number);
        }
        self.buyer.clear();
        if !ledger::push_digits(id, &mut self.buyer) {
            if name.is_empty() {
                return Err(ledger::RowError(
                    "the row names no buyer (`kopare_id` and `kopare` are empty)".to_string(),
                ));
            }
            self.buyer.extend(name.iter().filter(|&&b| b != SEPARATOR));
        }
        let number = self.buyers.id(&self.buyer);
        // Each name of a buyer is stashed once, however often the rows switch between buyers.
        let names = self.buyer_names.entry(number).or_default();
        let stashed = match names.iter().find(|(known, _)| **known == *name) {
            Some(&(_, stashed)) => stashed,
            None => {
                let stashed = stash(&mut self.arena, self.index, name);
                names.push((name.into(), stashed));
                stashed
            }
        };
        self.last_buyer = Some(LastBuyer {
            id: id.to_vec(),
            name: name.to_vec(),
            number,
            stashed,
        });
        Ok(number)
    }

    /// Where the group of a row is, found the first time: `what` writes the supplier's or
    /// account's part of its full key, whose hash says which worker holds the group. A group
    /// another worker holds comes, the first time, with what it is made of.
    fn group(
        &mut self,
        buyer: u32,
        fast: FastKey,
        year: i16,
        label: &[u8],
        first: Place,
        what: impl FnOnce(&mut Vec<u8>),
    ) -> Found {
        let workers = self.outboxes.len();
        let index = self.index;
        let buyer_name = self.last_buyer.as_ref().map(|b| b.stashed);
        if let Some(&slot) = self.table_of(buyer).get(&fast) {
            return (slot, None);
        }
        let kind = if fast.head >> 63 == 1 {
            GroupKind::Account
        } else {
            GroupKind::Supplier
        };
        let start = self.options.fiscal_year_start.starting_in(year);
        group_key(&mut self.key, kind, start, &self.buyer);
        what(&mut self.key);
        let holder = holder_of(&self.key, workers);
        let (slot, new) = if holder == index {
            let key = stash(&mut self.arena, index, &self.key);
            let label = stash(&mut self.arena, index, label);
            let state = GroupState::new(buyer_name.unwrap_or_default(), label, first);
            (Slot::Here(self.gathered.groups.push((key, state))), None)
        } else {
            let name = buyer_name.unwrap_or_default().of_arena(&self.arena);
            let new = NewGroup {
                bytes: [self.key.as_slice(), label, name].concat().into(),
                key_len: self.key.len(),
                label_len: label.len(),
                first,
            };
            (Slot::With(holder), Some(Box::new(new)))
        };
        self.table_of(buyer).insert(fast, slot);
        (slot, new)
    }
}

/// Where a row's group is, and what it is made of when another worker holds it and this is
/// the first line of it this worker read.
type Found = (Slot, Option<Box<NewGroup>>);

/// Reads one ledger into chunks of whole records; returns its layout error, if any.
fn read_ledger<R: Read>(
    input: &mut LedgerInput<R>,
    file: usize,
    options: &AuditOptions,
    send: &mpsc::SyncSender<Chunk>,
    spare: &mpsc::Receiver<Vec<u8>>,
    mut read_so_far: impl FnMut(u64),
) -> Result<(), String> {
    let mut pending: Vec<u8> = Vec::with_capacity(BLOCK);
    let mut eof;
    // The header: the first record, which may not fit in one block.
    let header_end = loop {
        eof = fill(&mut input.reader, &mut pending, BLOCK, &mut read_so_far)?;
        if pending.starts_with(b"\xff\xfe") || pending.starts_with(b"\xfe\xff") {
            return Err("the file is UTF-16; save it as UTF-8 (or Latin-1) CSV".to_string());
        }
        if let Some(end) = first_record_end(&pending) {
            break end;
        }
        if eof {
            break pending.len();
        }
    };
    let bom = if pending.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let header_bytes = &pending[bom..header_end];
    if header_bytes.trim_ascii().is_empty() {
        return Err("the file is empty; a ledger starts with a header row".to_string());
    }
    let delimiter = ledger::sniff_delimiter(header_bytes);
    let header = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(header_bytes)
        .byte_records()
        .next()
        .transpose()
        .map_err(|e| format!("cannot read the header: {e}"))?
        .unwrap_or_default();
    let layout = Arc::new(Layout::from_header(&header, delimiter, &options.columns)?);
    let mut first_line = 1 + count_newlines(&pending[..header_end]);
    pending.drain(..header_end);
    loop {
        if !eof {
            eof = fill(&mut input.reader, &mut pending, BLOCK, &mut read_so_far)?;
        }
        let end = if eof {
            pending.len()
        } else {
            match ledger::last_record_end(&pending) {
                Some(end) => end,
                // One record longer than a block: read on.
                None => continue,
            }
        };
        if end > 0 {
            let mut next = spare.try_recv().unwrap_or_default();
            next.clear();
            next.extend_from_slice(&pending[end..]);
            pending.truncate(end);
            let lines = count_newlines(&pending);
            let bytes = std::mem::replace(&mut pending, next);
            let chunk = Chunk {
                file,
                first_line,
                bytes,
                layout: Arc::clone(&layout),
            };
            first_line += lines;
            if send.send(chunk).is_err() {
                return Ok(());
            }
        }
        if eof {
            return Ok(());
        }
    }
}

/// Reads until `buf` has `want` more bytes or the input ends; says whether it ended. The new
/// bytes go into the buffer's spare capacity without being zeroed first.
fn fill(
    reader: &mut impl Read,
    buf: &mut Vec<u8>,
    want: usize,
    read_so_far: &mut impl FnMut(u64),
) -> Result<bool, String> {
    let before = buf.len();
    buf.reserve(want);
    let result = reader.take(want as u64).read_to_end(buf);
    let got = buf.len() - before;
    read_so_far(got as u64);
    match result {
        Ok(_) => Ok(got < want),
        Err(e) => Err(format!("cannot read the file: {e}")),
    }
}

fn first_record_end(bytes: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for i in memchr::memchr2_iter(b'"', b'\n', bytes) {
        match bytes[i] {
            b'"' => quoted = !quoted,
            _ if !quoted => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// What [`gather`] gives: the counts, each worker's groups, the workers' arenas
/// their [`Span`]s point into, and the files that could not be read.
struct Gathering {
    gathered: Gathered,
    parts: Vec<Groups>,
    arenas: Vec<Vec<u8>>,
    file_errors: Vec<FileError>,
}

/// Reads every ledger on all cores and groups its rows.
fn gather<R: Read + Send>(
    ledgers: &mut [LedgerInput<R>],
    contracts: Option<&Contracts>,
    options: &AuditOptions,
    progress: &mut dyn FnMut(Progress),
) -> Gathering {
    let threads = worker_threads(options);
    let names: Vec<String> = ledgers.iter().map(|l| l.name.clone()).collect();
    let total_bytes = ledgers
        .iter()
        .map(|l| l.size)
        .sum::<Option<u64>>()
        .filter(|t| *t > 0);
    let rows = AtomicU64::new(0);
    let mut file_errors = Vec::new();
    let (send, receive) = mpsc::sync_channel::<Chunk>(threads * 2);
    let (give_back, spare) = mpsc::channel::<Vec<u8>>();
    let receive = Mutex::new(receive);
    let (buyers, texts) = (Mutex::default(), Mutex::default());
    // Each worker's inbox of lines the others read for its groups.
    let (inboxes, mut inboxes_out): (Vec<_>, Vec<_>) = (0..threads)
        .map(|_| mpsc::sync_channel::<Vec<Routed>>(16))
        .unzip();
    let gathered = std::thread::scope(|scope| {
        let workers: Vec<_> = inboxes_out
            .drain(..)
            .enumerate()
            .map(|(index, inbox)| {
                let receive = &receive;
                let give_back = give_back.clone();
                let (names, rows, buyers, texts) = (&names, &rows, &buyers, &texts);
                let to = (0..threads)
                    .map(|other| inboxes.get(other).filter(|_| other != index).cloned())
                    .collect();
                scope.spawn(move || {
                    let mut worker = Worker {
                        index: index as u32,
                        arena: Vec::new(),
                        options,
                        contracts,
                        names,
                        gathered: Gathered::default(),
                        groups_by_buyer: Vec::new(),
                        buyers: Interner::new(buyers),
                        last_buyer: None,
                        buyer_names: HashMap::new(),
                        texts: Interner::new(texts),
                        key: Vec::new(),
                        buyer: Vec::new(),
                        supplier: Vec::new(),
                        record: csv::ByteRecord::new(),
                        ends: Vec::new(),
                        additions: Vec::with_capacity(ADDITIONS_AT_ONCE),
                        outboxes: (0..threads).map(|_| Vec::new()).collect(),
                        to,
                        inbox,
                    };
                    loop {
                        let next = receive.lock().map(|r| r.recv());
                        let Ok(Ok(chunk)) = next else { break };
                        let before = worker.gathered.rows;
                        worker.chunk(&chunk);
                        worker.take_in_waiting();
                        rows.fetch_add(worker.gathered.rows - before, Ordering::Relaxed);
                        let _ = give_back.send(chunk.bytes);
                    }
                    worker.finish();
                    let Worker {
                        mut gathered,
                        arena,
                        ..
                    } = worker;
                    let groups = std::mem::take(&mut gathered.groups);
                    (gathered, groups, arena)
                })
            })
            .collect();
        drop(give_back);
        // Only the workers send to each other: a worker's inbox closes when they are done.
        drop(inboxes);
        let mut bytes = 0u64;
        for (file, input) in ledgers.iter_mut().enumerate() {
            let result = read_ledger(input, file, options, &send, &spare, |n| {
                bytes += n;
                progress(Progress::Reading {
                    bytes,
                    total_bytes,
                    rows: rows.load(Ordering::Relaxed),
                });
            });
            if let Err(message) = result {
                file_errors.push(FileError {
                    file: input.name.clone(),
                    message,
                });
            }
        }
        drop(send);
        // A worker panics only on a bug; its rows are then missing, which the counts show.
        let mut counts = Gathered::default();
        let mut parts = Vec::with_capacity(threads);
        // By worker; a worker that panicked leaves an empty arena, and no group refers to it.
        let mut arenas = Vec::with_capacity(threads);
        for worker in workers {
            let Ok((mut gathered, groups, arena)) = worker.join() else {
                arenas.push(Vec::new());
                continue;
            };
            arenas.push(arena);
            parts.push(groups);
            counts.add_counts(&mut gathered);
        }
        (counts, parts, arenas)
    });
    Gathering {
        gathered: gathered.0,
        parts: gathered.1,
        arenas: gathered.2,
        file_errors,
    }
}

fn worker_threads(options: &AuditOptions) -> usize {
    options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1)
}

// ---- deciding ----------------------------------------------------------------------------------

/// A group's screening, before it is written up.
struct Screened {
    row: GroupRow,
    year: Date,
    /// The group's first line, which tells apart groups whose keys read the same as text.
    first: Place,
    flagged: Option<Box<Flagged>>,
}

impl Screened {
    /// The order of the table of all groups: flagged first, then by peak spend; a total order.
    fn order(a: &Screened, b: &Screened) -> std::cmp::Ordering {
        fn key(s: &Screened) -> impl Ord + '_ {
            (
                s.row.status,
                Reverse(s.row.peak),
                s.row.kind,
                s.row.buyer_id.as_str(),
                s.year,
                s.row.key.as_str(),
                s.first,
            )
        }
        key(a).cmp(&key(b))
    }
}

/// One worker's screened groups, put in the table's order on its core: by sorting short keys
/// (status and peak, which nearly always differ, and the group's place) instead of the groups
/// themselves, the whole order compared only on ties; then the groups are moved into that
/// order, so that merging the workers' orders reads each of them straight through.
fn in_order(screened: Vec<Screened>) -> Vec<Screened> {
    let mut order: Vec<(GroupStatus, Reverse<Minor>, usize)> = screened
        .iter()
        .enumerate()
        .map(|(i, s)| (s.row.status, Reverse(s.row.peak), i))
        .collect();
    order.sort_unstable_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| match (screened.get(a.2), screened.get(b.2)) {
                (Some(x), Some(y)) => Screened::order(x, y),
                _ => std::cmp::Ordering::Equal,
            })
    });
    let mut slots: Vec<Option<Screened>> = screened.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, _, i)| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// The purchase posed for one month of a group, as the country's ledger declaration says: its
/// net spend as the `value` fact, the group's earlier net spend that fiscal year as the
/// `earlier` fact, the kind of buyer and any `--category`, on the month's last booking day.
pub fn pose(
    rules: &RuleSet,
    options: &AuditOptions,
    date: Date,
    value: Minor,
    earlier: Minor,
) -> Case {
    // The country is one the rules declare (checked when the options were made), and the facts
    // are the ledger declaration's: a rule set without them leaves them out, and the case
    // undecided.
    let mut case = match rules.new_case(&options.jurisdiction, date) {
        Ok(case) => case,
        Err(_) => {
            return rules
                .new_case("", date)
                .unwrap_or_else(|_| unreachable_case(rules, date));
        }
    };
    let ledger = &options.ledger;
    let _ = case.set(&ledger.buyer, &options.buyer_kind);
    if let (Some(category), Some(fact)) = (&options.category, &ledger.category) {
        let _ = case.set(fact, category);
    }
    let _ = case.set_amount(&ledger.value, money(value, options.currency));
    let _ = case.set_amount(&ledger.earlier, money(earlier.max(0), options.currency));
    case
}

/// A case of the first country the rules declare, for a country they do not (the audit checks
/// the country first, so this is only reached by a library caller passing other rules).
fn unreachable_case(rules: &RuleSet, date: Date) -> Case {
    let code = rules
        .vocabulary()
        .codes()
        .first()
        .map(|c| c.to_string())
        .unwrap_or_default();
    match rules.new_case(&code, date) {
        Ok(case) => case,
        Err(_) => crate::Case::empty(&rules.vocab, 0, date),
    }
}

fn money(minor: Minor, currency: Currency) -> Money {
    Money::new(Decimal::new(minor, 2).normalize(), currency)
}

fn decide_group(
    screener: &mut Screener<'_>,
    key: &[u8],
    state: &GroupState,
    names: &[String],
    arenas: &[Vec<u8>],
) -> Screened {
    let options = screener.options;
    let (kind, year, buyer, what) = split_key(key);
    let shown_key = match kind {
        GroupKind::Supplier => ledger::text(what.get(1..).unwrap_or_default()).into_owned(),
        GroupKind::Account => ledger::text(what).into_owned(),
    };
    let mut cumulative: Minor = 0;
    let mut peak: Minor = 0;
    let mut crossing: Option<(usize, Case, Screening, Minor)> = None;
    let mut undecided: Option<usize> = None;
    let mut uncovered = 0u64;
    for (index, m) in state.months.iter().enumerate() {
        if m.lines == 0 {
            continue;
        }
        uncovered += u64::from(m.lines);
        if let (None, Some(last)) = (&crossing, m.last_date(year, index))
            && m.net > 0
            && let Some((case, screening)) = screener.unless_allowed(last, m.net, cumulative)
        {
            if screening.is_flagged() {
                crossing = Some((index, case, screening, cumulative.max(0) + m.net));
            } else if undecided.is_none() {
                undecided = Some(index);
            }
        }
        cumulative = cumulative.saturating_add(m.net);
        peak = peak.max(cumulative);
    }
    let status = match (&crossing, undecided) {
        _ if uncovered == 0 => GroupStatus::Covered,
        (Some(_), _) => GroupStatus::Flagged,
        (None, Some(_)) => GroupStatus::Undecided,
        (None, None) => GroupStatus::BelowLimit,
    };
    let row = GroupRow {
        kind,
        buyer_id: ledger::text(buyer).into_owned(),
        buyer: ledger::text(state.buyer.of(arenas)).into_owned(),
        fiscal_year: fiscal_year_label(year, options.fiscal_year_start),
        key: shown_key,
        label: ledger::text(state.label.of(arenas)).into_owned(),
        key_is_name: kind == GroupKind::Supplier && what.first() == Some(&b'@'),
        status,
        lines: state.lines(),
        sum: cumulative,
        peak,
        covered: state.covered,
        month: crossing
            .as_ref()
            .map(|c| c.0)
            .or(undecided)
            .map(|i| month_label(year, i)),
    };
    let flagged = crossing.map(|(_, case, screening, tested)| {
        Box::new(write_up(
            screener.rules,
            options,
            &row,
            year,
            case,
            screening,
            tested,
            month_points(year, state),
            state,
            names,
        ))
    });
    Screened {
        row,
        year,
        first: state.first,
        flagged,
    }
}

/// A group's months with lines, with the cumulative spend, for the report.
fn month_points(year: Date, state: &GroupState) -> Vec<MonthPoint> {
    let mut cumulative: Minor = 0;
    state
        .months
        .iter()
        .enumerate()
        .filter(|(_, m)| m.lines > 0)
        .map(|(index, m)| {
            cumulative = cumulative.saturating_add(m.net);
            MonthPoint {
                month: month_label(year, index),
                lines: u64::from(m.lines),
                net: m.net,
                cumulative,
            }
        })
        .collect()
}

/// Poses months to the engine for one thread, skipping the engine where it can prove the answer
/// is "allowed in every branch": a month whose value and earlier spend are both at most those of
/// a point on a coarse grid, on the same day, that was allowed in every branch. That rests on
/// the rule set being monotone in amounts (a smaller purchase is never less allowed), which
/// `tests/it/audit.rs` checks for the shipped rules; [`AuditOptions::shortcut`] turns it off.
struct Screener<'a> {
    rules: &'a RuleSet,
    options: &'a AuditOptions,
    /// Per day, what the grid points tried there showed.
    days: HashMap<Date, Day>,
    /// The largest grid point found allowed on any day: the first point tried on a new day, since
    /// it covers most months at once when it is allowed there too.
    hint: (u8, u8),
}

/// What one day's grid points showed, as two staircases over the value's grid index `v`: every
/// point at or below (`v`, `allowed_up_to[v]`) is allowed in every branch, and every point at or
/// above (`v`, `not_allowed_from[v]`) is not. A point is then looked up in one step, however many
/// were tried.
struct Day {
    /// For each `v`, the largest earlier-spend index of a point found allowed with a value
    /// index at or above `v`; -1 when there is none.
    allowed_up_to: [i8; GRID.len()],
    /// For each `v`, the smallest earlier-spend index of a point found not allowed with a value
    /// index at or below `v`; `u8::MAX` when there is none.
    not_allowed_from: [u8; GRID.len()],
}

impl Day {
    fn new() -> Day {
        Day {
            allowed_up_to: [-1; GRID.len()],
            not_allowed_from: [u8::MAX; GRID.len()],
        }
    }

    /// Whether some point found allowed is at or above `point` in both amounts.
    fn known_allowed(&self, (v, e): (u8, u8)) -> bool {
        self.allowed_up_to
            .get(usize::from(v))
            .is_some_and(|&up_to| i16::from(up_to) >= i16::from(e))
    }

    /// Whether some point found not allowed is at or below `point` in both amounts.
    fn known_not_allowed(&self, (v, e): (u8, u8)) -> bool {
        self.not_allowed_from
            .get(usize::from(v))
            .is_some_and(|&from| from <= e)
    }

    fn allowed(&mut self, (v, e): (u8, u8)) {
        let e = i8::try_from(e).unwrap_or(i8::MAX);
        for up_to in self.allowed_up_to.iter_mut().take(usize::from(v) + 1) {
            *up_to = (*up_to).max(e);
        }
    }

    fn not_allowed(&mut self, (v, e): (u8, u8)) {
        for from in self.not_allowed_from.iter_mut().skip(usize::from(v)) {
            *from = (*from).min(e);
        }
    }
}

impl<'a> Screener<'a> {
    fn new(rules: &'a RuleSet, options: &'a AuditOptions) -> Screener<'a> {
        Screener {
            rules,
            options,
            days: HashMap::new(),
            hint: (0, 0),
        }
    }

    /// `None` when a direct award of the month's purchases is allowed in every branch;
    /// otherwise the case and its screening.
    fn unless_allowed(
        &mut self,
        date: Date,
        value: Minor,
        earlier: Minor,
    ) -> Option<(Case, Screening)> {
        let earlier = earlier.max(0);
        if self.options.shortcut
            && let (Some(v), Some(e)) = (grid_index(value), grid_index(earlier))
            && self.covered(date, (v, e))
        {
            return None;
        }
        let case = pose(self.rules, self.options, date, value, earlier);
        let screening = screen(self.rules, &case);
        (!screening.is_allowed()).then_some((case, screening))
    }

    /// Whether a grid point at or above `point` is known, or found, to be allowed on `date`.
    fn covered(&mut self, date: Date, point: (u8, u8)) -> bool {
        let day = self.days.entry(date).or_insert_with(Day::new);
        if day.known_allowed(point) {
            return true;
        }
        let hinted = (point.0.max(self.hint.0), point.1.max(self.hint.1));
        for probe in [hinted, point] {
            if day.known_not_allowed(probe) {
                continue;
            }
            let case = pose(
                self.rules,
                self.options,
                date,
                GRID[usize::from(probe.0)],
                GRID[usize::from(probe.1)],
            );
            if screen(self.rules, &case).is_allowed() {
                day.allowed(probe);
                if u16::from(probe.0) + u16::from(probe.1)
                    > u16::from(self.hint.0) + u16::from(self.hint.1)
                {
                    self.hint = probe;
                }
                return true;
            }
            day.not_allowed(probe);
        }
        false
    }
}

/// The grid the shortcut rounds amounts up to, in minor units: 0, then 1, 2, 5, 10, 20, 50, …
/// kronor, up to 5·10^16 kronor.
const GRID: [Minor; 52] = {
    let mut grid = [0; 52];
    let (mut i, mut decade) = (1, 1);
    while i < grid.len() {
        grid[i] = 100 * decade;
        grid[i + 1] = 200 * decade;
        grid[i + 2] = 500 * decade;
        (i, decade) = (i + 3, decade * 10);
    }
    grid
};

/// The first grid point at or above an amount (0 for none), if the grid reaches it; above the
/// grid the shortcut is not taken.
fn grid_index(minor: Minor) -> Option<u8> {
    let index = GRID.partition_point(|&point| point < minor);
    u8::try_from(index)
        .ok()
        .filter(|&i| usize::from(i) < GRID.len())
}

/// What a flagged group shows: the engine's full decision for the first branch in which a
/// direct award was not allowed.
#[allow(clippy::too_many_arguments)]
fn write_up(
    rules: &RuleSet,
    options: &AuditOptions,
    row: &GroupRow,
    year: Date,
    case: Case,
    screening: Screening,
    tested: Minor,
    months: Vec<MonthPoint>,
    state: &GroupState,
    names: &[String],
) -> Flagged {
    let not_allowed: Vec<Branch> = screening.not_allowed_in().cloned().collect();
    let completed = not_allowed
        .first()
        .map_or_else(|| case.clone(), |b| b.complete(&case));
    let decision = rules.evaluate(&completed);
    let limit = reached_limit(&decision, tested);
    let above_limit = limit
        .as_ref()
        .and_then(shown_low)
        .map(|l| row.peak.saturating_sub(l));
    let citations = decision
        .rules
        .iter()
        .filter(|r| decision.decided_by.iter().any(|d| **d == *r.name))
        .flat_map(|r| r.citations.iter().cloned())
        .chain(
            decision
                .procedure
                .iter()
                .flat_map(|p| p.citations.iter().cloned()),
        )
        .fold(Vec::new(), |mut all: Vec<Citation>, c| {
            if !all.contains(&c) {
                all.push(c);
            }
            all
        });
    let mut lines: Vec<LineRef> = state
        .kept
        .iter()
        .map(|(amount, k)| {
            let (verification, invoice) = k.refs.parts();
            LineRef {
                file: usize::try_from(k.file)
                    .ok()
                    .and_then(|f| names.get(f))
                    .cloned()
                    .unwrap_or_default(),
                line: k.line,
                date: k.date,
                amount,
                verifikationsnummer: verification,
                fakturanummer: invoice,
            }
        })
        .collect();
    lines.sort_by(|a, b| (a.date, &a.file, a.line).cmp(&(b.date, &b.file, b.line)));
    Flagged {
        group: row.clone(),
        fiscal_year_start: year,
        crossed_on: case.date,
        explanation: rules.explain(&decision, options.lang),
        outcome: decision.outcome,
        procedure: decision.procedure.as_ref().map(|p| p.name.clone()),
        decided_by: decision.decided_by.clone(),
        case: completed,
        limit,
        above_limit,
        allowed_in: screening.allowed_in().cloned().collect(),
        undecided_in: screening.undecided_in().cloned().collect(),
        not_allowed_in: not_allowed,
        citations,
        months,
        lines,
    }
}

/// The limit the spend reached, from the decision: of the amounts the deciding rules compared
/// with (the parameters in the decision's values), the largest that the tested spend reached.
fn reached_limit(decision: &crate::Decision, tested: Minor) -> Option<Shown> {
    decision
        .values
        .iter()
        .filter(|v| v.kind == ValueKind::Parameter)
        .filter_map(|v| shown_low(&v.value).map(|low| (low, v.value.clone())))
        .filter(|(low, _)| *low <= tested)
        .max_by_key(|(low, _)| *low)
        .map(|(_, shown)| shown)
}

/// The lowest amount a shown money value may be, in minor units.
fn shown_low(shown: &Shown) -> Option<Minor> {
    let amount = match shown {
        Shown::Money { amount, .. } => *amount,
        Shown::MoneyRange { low, .. } => *low,
        _ => return None,
    };
    let minor = (amount * Decimal::ONE_HUNDRED).trunc();
    i64::try_from(minor).ok()
}

fn month_label(year: Date, index: usize) -> String {
    let months = i32::from(year.month()) - 1 + i32::try_from(index).unwrap_or(0);
    format!(
        "{:04}-{:02}",
        i32::from(year.year()) + months / 12,
        months % 12 + 1
    )
}

fn fiscal_year_label(start: Date, fy: FiscalYearStart) -> String {
    if fy == FiscalYearStart::CALENDAR {
        start.year().to_string()
    } else {
        format!("{}/{}", start.year(), start.year() + 1)
    }
}

/// Audits ledgers: reads them on all cores, groups their lines, and poses each group's months to
/// the rules. `progress` is called now and then from the calling thread.
pub fn audit<R: Read + Send>(
    rules: &RuleSet,
    mut ledgers: Vec<LedgerInput<R>>,
    contracts: Option<&Contracts>,
    options: &AuditOptions,
    mut progress: impl FnMut(Progress),
) -> Audit {
    let names: Vec<String> = ledgers.iter().map(|l| l.name.clone()).collect();
    let Gathering {
        gathered,
        parts,
        arenas,
        file_errors,
    } = gather(&mut ledgers, contracts, options, &mut progress);
    progress(Progress::Deciding {
        groups: parts.iter().map(Groups::len).sum::<usize>() as u64,
    });
    // Each worker's groups are decided, put in order and freed on their own core.
    let decided: Vec<Vec<Screened>> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| {
                let (names, arenas) = (&names, &arenas);
                scope.spawn(move || {
                    let mut screener = Screener::new(rules, options);
                    let mut screened = Vec::with_capacity(part.len());
                    for (key, state) in part.iter() {
                        let s = decide_group(&mut screener, key.of(arenas), state, names, arenas);
                        screened.push(s);
                    }
                    drop(part);
                    in_order(screened)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut supplier_groups = StatusCounts::default();
    let mut account_groups = StatusCounts::default();
    let mut flagged = Vec::new();
    let mut rows = Vec::with_capacity(decided.iter().map(Vec::len).sum());
    // The workers' orders merged: each time the first of the workers' next groups (the last
    // of each reversed order).
    let mut heads: Vec<Vec<Screened>> = decided
        .into_iter()
        .map(|mut d| {
            d.reverse();
            d
        })
        .collect();
    loop {
        let mut first: Option<usize> = None;
        for (worker, head) in heads.iter().enumerate() {
            let Some(candidate) = head.last() else {
                continue;
            };
            let earlier = match first.and_then(|f| heads[f].last()) {
                Some(best) => Screened::order(candidate, best) == std::cmp::Ordering::Less,
                None => true,
            };
            if earlier {
                first = Some(worker);
            }
        }
        let Some(s) = first.and_then(|worker| heads[worker].pop()) else {
            break;
        };
        match s.row.kind {
            GroupKind::Supplier => supplier_groups.count(s.row.status),
            GroupKind::Account => account_groups.count(s.row.status),
        }
        if let Some(f) = s.flagged {
            flagged.push(*f);
        }
        rows.push(s.row);
    }
    flagged.sort_by(|a, b| {
        let excess = |f: &Flagged| std::cmp::Reverse(f.above_limit.unwrap_or(Minor::MIN));
        (
            excess(a),
            std::cmp::Reverse(a.group.peak),
            a.group.kind,
            &a.group.buyer_id,
            &a.group.key,
        )
            .cmp(&(
                excess(b),
                std::cmp::Reverse(b.group.peak),
                b.group.kind,
                &b.group.buyer_id,
                &b.group.key,
            ))
    });
    let mut bad_rows = gathered.bad;
    bad_rows.sort_by(|a, b| {
        let place = |r: &BadRow| (names.iter().position(|n| *n == r.file), r.line);
        place(a).cmp(&place(b))
    });
    Audit {
        summary: Summary {
            jurisdiction: options.jurisdiction.clone(),
            buyer_kind: options.buyer_kind.clone(),
            category: options.category.clone(),
            currency: options.currency,
            fiscal_year_start: options.fiscal_year_start.to_string(),
            lang: options.lang,
            files: names,
            rows: gathered.rows,
            bad_rows: gathered.bad_count,
            lines: gathered.lines,
            masked: gathered.masked,
            covered: gathered.covered,
            no_account: gathered.no_account,
            supplier_groups,
            account_groups,
        },
        flagged,
        groups: rows,
        bad_rows,
        file_errors,
        words: ReportWords::new(rules, options),
    }
}

fn minor_as_decimal<S: serde::Serializer>(minor: &Minor, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&Decimal::new(*minor, 2).normalize())
}

fn option_minor_as_decimal<S: serde::Serializer>(
    minor: &Option<Minor>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match minor {
        Some(m) => minor_as_decimal(m, s),
        None => s.serialize_none(),
    }
}

mod date_text {
    use jiff::civil::Date;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_placed_in_the_fiscal_year_that_year_of_gives() {
        for start in ["01-01", "07-01", "03-15", "12-31", "02-28"] {
            let start: FiscalYearStart = start.parse().expect("a day of the year");
            let mut date = jiff::civil::date(2023, 1, 1);
            while date < jiff::civil::date(2026, 1, 1) {
                let year = start.year_of(date);
                let months = (i32::from(date.year()) - i32::from(year.year())) * 12
                    + i32::from(date.month())
                    - i32::from(year.month());
                let (placed_year, month) = start.place(date);
                assert_eq!(start.starting_in(placed_year), year, "{start} {date}");
                assert_eq!(month as i32, months.clamp(0, 12), "{start} {date}");
                date = date.tomorrow().expect("a day");
            }
        }
    }

    #[test]
    fn the_grid_index_is_the_first_grid_point_at_or_above() {
        assert!(GRID.windows(2).all(|w| w[0] < w[1]));
        for minor in (-5..3000).chain([99_999, 100_000, 100_001, i64::MAX / 2, i64::MAX]) {
            match grid_index(minor) {
                Some(index) => {
                    let index = usize::from(index);
                    assert!(GRID[index] >= minor.max(0), "{minor}");
                    assert!(index == 0 || GRID[index - 1] < minor, "{minor}");
                }
                None => assert!(minor > GRID[GRID.len() - 1], "{minor}"),
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 500, failure_persistence: None, ..Default::default() })]
        /// A day's two staircases answer as the lists of the points tried would.
        #[test]
        fn a_days_staircases_read_as_the_points_tried(
            tried in proptest::collection::vec((0u8..52, 0u8..52, proptest::bool::ANY), 0..30),
            asked in proptest::collection::vec((0u8..52, 0u8..52), 1..30),
        ) {
            let mut day = Day::new();
            let (mut allowed, mut not_allowed) = (Vec::new(), Vec::new());
            for (v, e, is_allowed) in tried {
                if is_allowed {
                    day.allowed((v, e));
                    allowed.push((v, e));
                } else {
                    day.not_allowed((v, e));
                    not_allowed.push((v, e));
                }
            }
            for (v, e) in asked {
                let above = allowed.iter().any(|&(av, ae)| av >= v && ae >= e);
                let below = not_allowed.iter().any(|&(nv, ne)| nv <= v && ne <= e);
                proptest::prop_assert_eq!(day.known_allowed((v, e)), above);
                proptest::prop_assert_eq!(day.known_not_allowed((v, e)), below);
            }
        }
    }
}
