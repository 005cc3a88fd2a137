//! regelverk tells a public buyer whether a planned purchase may be made directly, which
//! procedure the law requires otherwise, and why, citing the law for each step.
//!
//! The rules live in plain-text rule files (`rules/**/*.regel`), compiled into the crate, and so
//! does their vocabulary: the countries, kinds of case, closed lists, records and facts a case may
//! state ([`vocab`]). Rule files go through `syntax` → `ast` → `check` into a [`RuleSet`]; a
//! [`Case`] read or built through it is decided by [`RuleSet::evaluate`] into a [`Decision`],
//! which [`RuleSet::explain`] renders (see ARCHITECTURE.md). The public surface is the types
//! re-exported here and the modules [`case`], [`decision`], [`diagnostic`], [`lang`], [`money`]
//! and [`vocab`].
//!
//! ```
//! use regelverk::{Lang, Outcome, RuleSet};
//!
//! let rules = RuleSet::embedded().expect("the embedded rules check");
//! let case = rules.read_case(r#"
//!     jurisdiction = "SE"
//!     date = 2026-03-01
//!     [buyer]
//!     kind = "kommun"
//!     [purchase]
//!     category = "services"
//!     value = "650 000 SEK"
//! "#, "case.toml").expect("a valid case");
//!
//! let decision = rules.evaluate(&case);
//! assert_eq!(decision.outcome, Outcome::AllowedWithObligations);
//! assert!(rules.explain(&decision, Lang::Sv).contains("700 000 kr"));
//! assert!(rules.explain_json(&decision, Lang::En).contains("\"format_version\": 2"));
//!
//! // The same case built fact by fact, by the paths the rule files declare.
//! let date = "2026-03-01".parse().expect("a date");
//! let mut built = rules.new_case("SE", date).expect("a declared country");
//! built.set("buyer.kind", "kommun").expect("a kind of buyer");
//! built.set("purchase.category", "services").expect("a category");
//! built.set("purchase.value", "650 000 SEK").expect("an amount");
//! assert_eq!(rules.evaluate(&built).outcome, Outcome::AllowedWithObligations);
//! ```

#![forbid(unsafe_code)]
// The JSON Schemas (`schema`) are written with nested `json!` literals.
#![recursion_limit = "512"]

mod ast;
pub mod audit;
pub mod batch;
pub mod case;
mod check;
pub mod compiled;
pub mod coverage;
pub mod decision;
pub mod diagnostic;
pub mod diff;
pub mod doc;
mod eval;
mod explain;
pub mod fmt;
pub mod lang;
pub mod lint;
pub mod money;
mod rule_tests;
pub mod schema;
#[cfg(feature = "server")]
pub mod server;
mod syntax;
pub mod vocab;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use case::MAX_CASE_BYTES;
pub use case::{Case, CaseError, Cpv};
pub use check::MAX_TOTAL_HEIGHT;
pub use check::{RuleError, RuleSet};
pub use decision::{
    Branch, BranchCondition, BranchValue, Decision, FORMAT_VERSION, Outcome, Question, Reason,
    RuleSetInfo, TOOLS_FORMAT_VERSION, Verdict,
};
pub use diagnostic::Diagnostic;
pub use diagnostic::MAX_DIAGNOSTICS;
pub use explain::MAX_LISTED;
pub use explain::{Detail, JsonBranch, JsonDecision, JsonQuestion, JsonValue};
/// The calendar date type of [`Case::date`] and the decision's dates, re-exported so that an
/// embedder needs no dependency of its own on `jiff` (or [`Case::set`] takes `date` as text).
pub use jiff::civil::Date;
pub use lang::Lang;
pub use money::{Currency, Money};
pub use rule_tests::ExampleResult;
/// The exact decimal of amounts ([`Money::amount`]) and numbers, re-exported so that an
/// embedder needs no dependency of its own on `rust_decimal`.
pub use rust_decimal::Decimal;
pub use syntax::{MAX_HEIGHT, MAX_NESTING, MAX_RULE_FILE_BYTES};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// A parameter value in force on a date, as `regelverk thresholds` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ThresholdInForce {
    /// The parameter's name in the rule files.
    pub name: String,
    /// What it is called, in the language asked for.
    pub title: String,
    /// Its value on the day: an amount, a range, or unknown.
    pub value: decision::Shown,
    /// The period the value is in force, and its source.
    pub period: decision::Period,
}

/// The thresholds in force on a day as the versioned JSON document of `regelverk thresholds
/// --format json` and `GET /v1/thresholds`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ThresholdsDocument {
    /// [`TOOLS_FORMAT_VERSION`].
    pub format_version: u32,
    /// The code of the country whose parameters these are.
    pub jurisdiction: String,
    /// The day they are in force on.
    #[serde(serialize_with = "date_as_text")]
    pub date: Date,
    /// The parameters, with their periods and sources.
    pub parameters: Vec<ThresholdInForce>,
}

fn date_as_text<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

impl RuleSet {
    /// The thresholds of a jurisdiction in force on a date, as a versioned document.
    pub fn thresholds_document(
        &self,
        jurisdiction: &str,
        date: Date,
        lang: Lang,
    ) -> ThresholdsDocument {
        ThresholdsDocument {
            format_version: TOOLS_FORMAT_VERSION,
            jurisdiction: jurisdiction.to_string(),
            date,
            parameters: self.thresholds(jurisdiction, date, lang),
        }
    }
}

impl RuleSet {
    /// The rule set compiled into this crate from `rules/`.
    pub fn embedded() -> Result<RuleSet, RuleError> {
        RuleSet::check_sources(
            embedded_rule_files()
                .into_iter()
                .map(|(name, text)| diagnostic::SourceText::new(name, text))
                .collect(),
            embedded::EMBEDDED_HASH.to_string(),
        )
    }

    /// The embedded rule set without its examples, for a program that decides cases: the same
    /// decisions, loaded from its compiled form ([`compiled`]) without parsing anything, or
    /// parsed from the texts when that form is not current. `regelverk test` and the tools load
    /// [`RuleSet::embedded`].
    pub fn embedded_for_deciding() -> Result<RuleSet, RuleError> {
        compiled::embedded().or_else(|_| RuleSet::parse_for_deciding(embedded_rule_files()))
    }

    /// Like [`RuleSet::from_sources`], without the files' examples: the same decisions, loaded
    /// in about half the time, since examples are nearly half of the text and deciding never
    /// reads them. A mistake inside an example is not reported here; running the examples
    /// ([`RuleSet::from_sources`], then [`RuleSet::run_examples`]) reports it. The content hash
    /// is that of the files as given, examples included: they decide nothing. The rule set keeps
    /// the files' names, not their texts, which deciding never reads (the tools, such as
    /// [`diff`], read rule sets loaded with [`RuleSet::from_sources`]). Files that are the
    /// embedded ones, byte for byte, load from their compiled form when it is current.
    pub fn for_deciding(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<RuleSet, RuleError> {
        let files: Vec<(String, String)> = files.into_iter().collect();
        if compiled::are_embedded(&files)
            && let Ok(rules) = compiled::embedded()
        {
            return Ok(rules);
        }
        RuleSet::parse_for_deciding(files)
    }

    /// Parses and checks rule files given as (name, text) pairs.
    pub fn from_sources(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<RuleSet, RuleError> {
        let sources: Vec<diagnostic::SourceText> = files
            .into_iter()
            .map(|(name, text)| diagnostic::SourceText::new(name, text))
            .collect();
        let content_hash = content_hash(sources.iter().map(|s| (s.name.as_str(), s.text.as_str())));
        RuleSet::check_sources(sources, content_hash)
    }

    /// Parses and checks the sources; the rule set's content hash is the one given, worked out
    /// once by the caller (for the embedded files, at build time).
    pub(crate) fn check_sources(
        sources: Vec<diagnostic::SourceText>,
        content_hash: String,
    ) -> Result<RuleSet, RuleError> {
        let mut parsed = Vec::new();
        let mut diagnostics = Vec::new();
        for result in parse_in_parallel(&sources) {
            match result {
                Ok(file) => parsed.push(file),
                Err(mut errors) => diagnostics.append(&mut errors),
            }
        }
        match check::check(parsed) {
            Ok(mut rules) if diagnostics.is_empty() => {
                rules.content_hash = content_hash;
                Ok(rules)
            }
            Ok(_) => Err(RuleError { diagnostics }),
            Err(mut e) => {
                diagnostics.append(&mut e.diagnostics);
                diagnostic::sort_diagnostics(&mut diagnostics);
                Err(RuleError { diagnostics })
            }
        }
    }

    /// Loads every `.regel` file under `dir` (recursively, in path order).
    pub fn load_dir(dir: &Path) -> Result<RuleSet, RuleError> {
        RuleSet::from_sources(read_rule_files(dir)?)
    }
}

/// A SHA-256 over the files' names and texts, each length-prefixed so that no two rule sets
/// share an input, in path order.
fn content_hash<'t>(sources: impl Iterator<Item = (&'t str, &'t str)>) -> String {
    compiled::header::files_hash(sources.map(|(name, text)| (name, text.as_bytes())))
}

/// The stack of a thread that parses rule files: the deepest nesting the syntax allows
/// ([`MAX_NESTING`]) takes under 2 MiB in a debug build.
const PARSE_STACK: usize = 8 * 1024 * 1024;

/// Parses one file on a thread with [`PARSE_STACK`], so that the tools (`fmt`, `lint`) hold the
/// deepest nesting the syntax allows whatever the caller's stack is; parsed here if no thread can
/// be started.
pub(crate) fn parse_on_parse_stack(
    source: &diagnostic::SourceText,
) -> Result<ast::File, Vec<Diagnostic>> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(PARSE_STACK)
            .spawn_scoped(scope, || syntax::parse_file(source))
            .ok()
            .and_then(|worker| worker.join().ok())
    })
    .unwrap_or_else(|| syntax::parse_file(source))
}

/// Parses the files on every core, keeping their order: parsing is nearly all of the time it
/// takes to load a rule set, and the files are independent.
fn parse_in_parallel(
    sources: &[diagnostic::SourceText],
) -> Vec<Result<ast::File, Vec<Diagnostic>>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(sources.len().max(1));
    // Deal the files out round-robin so that large and small ones spread evenly.
    let mut results: Vec<Option<Result<ast::File, Vec<Diagnostic>>>> =
        (0..sources.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                // Parsing and lowering recurse as deep as the nesting the syntax allows: on a
                // stack of their own that holds it, whatever the caller's stack is (a server's
                // or a batch worker's).
                std::thread::Builder::new()
                    .stack_size(PARSE_STACK)
                    .spawn_scoped(scope, move || {
                        (worker..sources.len())
                            .step_by(threads)
                            .map(|i| (i, syntax::parse_file(&sources[i])))
                            .collect::<Vec<_>>()
                    })
            })
            .collect();
        for worker in workers.into_iter().flatten() {
            // A worker only panics if parsing panics, which the property tests rule out; the
            // files it held (or all, if a thread could not start) are then parsed again here so
            // that the error surfaces as usual.
            for (i, result) in worker.join().unwrap_or_default() {
                results[i] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .zip(sources)
        .map(|(result, source)| result.unwrap_or_else(|| syntax::parse_file(source)))
        .collect()
}

/// The rule files compiled into this crate from `rules/`, as (name, text) pairs named as in the
/// repository (`rules/se/lou.regel`): what [`RuleSet::embedded`] loads.
pub fn embedded_rule_files() -> Vec<(String, String)> {
    embedded::EMBEDDED
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect()
}

/// Reads every `.regel` file under `dir` (recursively, in path order) as (name, text) pairs, the
/// names as the paths are shown to the user. The tools (`lint`, `fmt`, `doc`, …) start here.
///
/// Hostile directories are refused rather than followed: a `.regel` name that is not a regular
/// file (a FIFO would block the read forever, a device never end), a file over
/// [`MAX_RULE_FILE_BYTES`] (read no further than the limit), and a directory reached twice (a
/// symbolic link loop, or a link to a directory already read, whose rules would be loaded twice).
pub fn read_rule_files(dir: &Path) -> Result<Vec<(String, String)>, RuleError> {
    let shown = dir.display().to_string();
    let refuse = |name: &str, message: String| RuleError {
        diagnostics: vec![Diagnostic::without_position(name, message)],
    };
    let mut paths = Vec::new();
    let mut seen = std::collections::HashSet::new();
    collect_rule_files(dir, &mut paths, &mut seen).map_err(|e| match e {
        Walk::Io(path, e) => refuse(
            &path.display().to_string(),
            format!("cannot read the rule directory: {e}"),
        ),
        Walk::Again(path) => refuse(
            &path.display().to_string(),
            "this directory was already read (a symbolic link leads back to it); rule directories must not link to themselves or to each other".to_string(),
        ),
        Walk::NotAFile(path) => refuse(
            &path.display().to_string(),
            "not a regular file; a rule file must be a plain file".to_string(),
        ),
    })?;
    if paths.is_empty() {
        return Err(refuse(&shown, "no `.regel` files in this directory".into()));
    }
    paths.sort();
    let mut files = Vec::new();
    for (at, path) in paths.into_iter().enumerate() {
        let name = path.display().to_string();
        let text = read_limited_bytes_of_file(&path, MAX_RULE_FILE_BYTES)
            .and_then(|bytes| match embedded::EMBEDDED.get(at) {
                // A file built into regelverk, unchanged (`./rules` in a clone): its text is
                // the embedded one, which is UTF-8 already; only the bytes are compared.
                Some((built_in, text)) if *built_in == name && text.as_bytes() == bytes => {
                    Ok((*text).to_string())
                }
                _ => utf8(bytes),
            })
            .map_err(|e| refuse(&name, format!("cannot read the rule file: {e}")))?;
        files.push((name, text));
    }
    Ok(files)
}

/// Reads at most `limit` bytes of UTF-8 text from `reader`: more is an error, found without
/// reading further (so `/dev/zero` or a gigabyte on standard input costs `limit` bytes).
pub fn read_limited(reader: impl std::io::Read, limit: usize) -> std::io::Result<String> {
    read_limited_bytes(reader, limit).and_then(utf8)
}

/// [`read_limited`], without asking for UTF-8.
fn read_limited_bytes(reader: impl std::io::Read, limit: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    reader
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("it is more than {limit} bytes, the limit"),
        ));
    }
    Ok(bytes)
}

/// The text of bytes that must be UTF-8.
fn utf8(bytes: Vec<u8>) -> std::io::Result<String> {
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// [`read_limited`] on a file that must be a regular one (checked before opening it, since
/// opening a FIFO waits for a writer).
pub fn read_limited_file(path: &Path, limit: usize) -> std::io::Result<String> {
    read_limited_bytes_of_file(path, limit).and_then(utf8)
}

/// [`read_limited_file`], without asking for UTF-8.
fn read_limited_bytes_of_file(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is not a regular file",
        ));
    }
    read_limited_bytes(std::fs::File::open(path)?, limit)
}

impl RuleSet {
    /// The vocabulary the rule files declare: countries, kinds of case, lists, records, facts.
    pub fn vocabulary(&self) -> &vocab::Vocabulary {
        &self.vocab
    }

    /// The currency a country's amounts are in, as its declaration says.
    pub fn currency(&self, jurisdiction: &str) -> Option<Currency> {
        let country = self.vocab.country(jurisdiction)?;
        Some(self.vocab.countries[country].currency)
    }

    /// The language explanations of a country's cases are written in unless asked otherwise, as
    /// its declaration says (English for a country the rules do not declare).
    pub fn default_lang(&self, jurisdiction: &str) -> Lang {
        self.vocab
            .country(jurisdiction)
            .map_or(Lang::En, |c| self.vocab.countries[c].language)
    }

    /// A case with only its country and date, to be built fact by fact with [`Case::set`].
    pub fn new_case(&self, jurisdiction: &str, date: Date) -> Result<Case, String> {
        let country = self.vocab.country(jurisdiction).ok_or_else(|| {
            format!(
                "unknown country `{jurisdiction}`; expected one of: {}",
                self.vocab.codes().join(", ")
            )
        })?;
        Ok(Case::empty(&self.vocab, country, date))
    }

    /// Reads a case (TOML, or JSON when `name` ends in `.json`) through these rules'
    /// vocabulary, and checks it: unknown fields and values of the wrong type are errors at
    /// their place in the text, and so is an amount in another currency than its country's,
    /// since no limit could be compared with it.
    pub fn read_case(&self, text: &str, name: &str) -> Result<Case, CaseError> {
        let case = Case::read(&self.vocab, text, name)?;
        self.check_case_in(&case, Some((text, name)))?;
        Ok(case)
    }

    /// Checks a case built in code against these rules, as [`RuleSet::read_case`] does.
    pub fn check_case(&self, case: &Case) -> Result<(), CaseError> {
        self.check_case_in(case, None)
    }

    /// Checks a case read from `text` (named `name`) against these rules, pointing at the
    /// place in the text of what is wrong.
    pub fn check_case_in_text(&self, case: &Case, text: &str, name: &str) -> Result<(), CaseError> {
        self.check_case_in(case, Some((text, name)))
    }

    fn check_case_in(&self, case: &Case, text: Option<(&str, &str)>) -> Result<(), CaseError> {
        let Some(expected) = self.currency(case.jurisdiction()) else {
            return Ok(());
        };
        let mut diagnostics = Vec::new();
        for (path, money) in case.amounts() {
            if money.currency == expected {
                continue;
            }
            let message = format!(
                "`{path}` is in {}, but the rules of {} state their limits in {expected}",
                money.currency,
                case.jurisdiction()
            );
            let help = format!(
                "write the value in {expected} (excl. VAT); the rules define no conversion from {}",
                money.currency
            );
            let diagnostic = match text {
                Some((text, name)) => {
                    let source = diagnostic::SourceText::new(name, text);
                    match Case::field_span(text, name, &path) {
                        Some(span) => Diagnostic::error(&source, span, message).with_label("here"),
                        None => Diagnostic::without_position(name, message),
                    }
                }
                None => Diagnostic::without_position("case", message),
            };
            diagnostics.push(diagnostic.with_help(help));
        }
        if diagnostics.is_empty() {
            Ok(())
        } else {
            Err(CaseError { diagnostics })
        }
    }

    /// Decides a case. Pure: the same rules and case always give the same decision.
    pub fn evaluate(&self, case: &Case) -> Decision {
        eval::evaluate(self, case)
    }

    /// Decides a case without the trace an explanation needs: the same outcome, deciding rules,
    /// procedure, obligations, warnings and reasons as [`RuleSet::evaluate`] (see
    /// [`Decision::verdict`]), several times faster. For deciding many cases, e.g. in batches.
    pub fn decide(&self, case: &Case) -> Verdict<'_> {
        eval::verdict(self, case)
    }

    /// The decision explained as text in one language: the short answer (the verdict, the
    /// branches of a conditional answer, why, what to do, the warnings).
    pub fn explain(&self, decision: &Decision, lang: Lang) -> String {
        explain::render_text(decision, self, lang, Detail::Short)
    }

    /// The decision explained as text, as short or as full as asked: [`Detail::Full`] adds the
    /// values used with their periods and sources, notes, the sources and the decision record.
    pub fn explain_with(&self, decision: &Decision, lang: Lang, detail: Detail) -> String {
        explain::render_text(decision, self, lang, detail)
    }

    /// The decision as versioned JSON text, with its explanation in one language.
    pub fn explain_json(&self, decision: &Decision, lang: Lang) -> String {
        explain::render_json(decision, self, lang)
    }

    /// The decision with its explanation in one language, as a value to serialise or inspect.
    pub fn explain_value(&self, decision: &Decision, lang: Lang) -> JsonDecision {
        explain::json_value(decision, self, lang)
    }

    /// A SHA-256 of the rule files' names and texts (`sha256:` and hex): which rules decided.
    pub fn content_hash(&self) -> &str {
        &self.content_hash
    }

    /// The parameters of a jurisdiction in force on a date, with their periods and sources.
    pub fn thresholds(&self, jurisdiction: &str, date: Date, lang: Lang) -> Vec<ThresholdInForce> {
        let Some(country) = self.vocab.country(jurisdiction) else {
            return Vec::new();
        };
        self.params
            .iter()
            .filter(|p| p.jurisdiction == country)
            .filter_map(|p| {
                let index = p
                    .entries
                    .partition_point(|e| e.from <= date)
                    .checked_sub(1)?;
                let entry = &p.entries[index];
                if entry.value == check::EntryValue::Repealed {
                    return None;
                }
                let value = match entry.value {
                    check::EntryValue::Exact(v) => {
                        decision::Shown::money(Money::new(v, p.currency))
                    }
                    check::EntryValue::Range(low, high) => decision::Shown::MoneyRange {
                        low,
                        high,
                        currency: p.currency,
                    },
                    check::EntryValue::Unknown | check::EntryValue::Repealed => {
                        decision::Shown::Unknown
                    }
                };
                Some(ThresholdInForce {
                    name: p.name.clone(),
                    title: p.titles.get(lang).to_string(),
                    value,
                    period: decision::Period {
                        from: entry.from,
                        to: p
                            .entries
                            .get(index + 1)
                            .and_then(|n| n.from.yesterday().ok()),
                        citation: entry.cite.as_ref().map(|c| eval::citation(self, c)),
                        unverified: entry.unverified,
                        note: entry.note.clone(),
                    },
                })
            })
            .collect()
    }

    /// The thresholds in force, as a text list (what `regelverk thresholds` prints).
    pub fn render_thresholds(
        &self,
        list: &[ThresholdInForce],
        jurisdiction: &str,
        date: Date,
        lang: Lang,
    ) -> String {
        explain::render_thresholds(list, jurisdiction, date, lang)
    }

    /// The names of the rule files this set was loaded from.
    pub fn file_names(&self) -> Vec<&str> {
        self.files.iter().map(|f| f.name.as_str()).collect()
    }
}

/// Why walking a rule directory stopped.
enum Walk {
    Io(PathBuf, std::io::Error),
    /// A directory reached a second time, by its canonical path.
    Again(PathBuf),
    NotAFile(PathBuf),
}

fn collect_rule_files(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut std::collections::HashSet<PathBuf>,
) -> Result<(), Walk> {
    // The directories still to read: a stack, not recursion, however deep the tree.
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let canonical = std::fs::canonicalize(&dir).map_err(|e| Walk::Io(dir.clone(), e))?;
        if !seen.insert(canonical) {
            return Err(Walk::Again(dir));
        }
        let entries = std::fs::read_dir(&dir).map_err(|e| Walk::Io(dir.clone(), e))?;
        for entry in entries {
            let path = entry.map_err(|e| Walk::Io(dir.clone(), e))?.path();
            // Follows a link once, to see what it leads to; `seen` stops a loop.
            let is_rule_file = path.extension().is_some_and(|e| e == "regel");
            let meta = match std::fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) if is_rule_file => return Err(Walk::Io(path, e)),
                // A broken link to something that is not a rule file is none of our business.
                Err(_) => continue,
            };
            if meta.is_dir() {
                pending.push(path);
            } else if is_rule_file {
                if !meta.is_file() {
                    return Err(Walk::NotAFile(path));
                }
                out.push(path);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash build.rs works out for the embedded files is the one the library would.
    #[test]
    fn the_embedded_hash_is_the_files_hash() {
        let files = embedded_rule_files();
        assert_eq!(
            embedded::EMBEDDED_HASH,
            content_hash(files.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        );
    }

    /// The repository's `rules/` (the tests run at the crate's root) reads as the files built
    /// in, name for name and text for text, though their texts are taken from the embedded ones.
    #[test]
    fn the_rules_of_the_repository_read_as_the_embedded_files() {
        let read = read_rule_files(Path::new("rules")).expect("the rules read");
        assert_eq!(read, embedded_rule_files());
        assert!(compiled::are_embedded(&read));
    }
}
