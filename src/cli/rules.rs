//! Where the rules come from: one rule for every subcommand.
//!
//! The paths given (`--rules PATH`, or the PATH arguments of the tools); else `./rules` when it
//! exists; else the rules built into the binary. The last two are said on standard error, so
//! that nobody tests or decides with other rules than the ones they edited without being told. A
//! FILE is read with the rule set it belongs to, the nearest directory above it named `rules` (or
//! the file alone where there is none), and the tools then report on the files named only.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{EXIT_ERROR, EXIT_USAGE, Out};

/// The rule files a subcommand works on.
pub struct RuleFiles {
    /// (name as shown, text), in path order.
    pub files: Vec<(String, String)>,
    /// The files asked about, when fewer than all that were read.
    focus: Option<BTreeSet<String>>,
    /// What was read from disk, to watch for changes; empty for the embedded rules.
    pub watched: Vec<PathBuf>,
}

impl RuleFiles {
    /// Whether findings and examples in this file are to be reported.
    pub fn in_focus(&self, file: &str) -> bool {
        self.focus.as_ref().is_none_or(|f| f.contains(file))
    }
}

/// How a subcommand uses rule files.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// As a rule set: a FILE brings the rest of its rule set, and the rules built into the
    /// binary are the last resort.
    RuleSet,
    /// As files to rewrite (`fmt`): the files named and nothing else, from disk.
    Files,
}

/// What is said on standard error when the rules built into regelverk are used.
pub const USING_EMBEDDED: &str = "using the rules built into regelverk (there is no ./rules here)";

/// What is said on standard error when the rules in `./rules` are used.
pub const USING_HERE: &str = "using rules from ./rules";

/// What the one rule says on standard error of where a rule set's rules come from, when it
/// finds them for `paths`: `./rules`, or the rules built in, when no paths are given.
pub fn source_note(paths: &[PathBuf]) -> Option<&'static str> {
    if !paths.is_empty() {
        None
    } else if uses_embedded(paths) {
        Some(USING_EMBEDDED)
    } else {
        Some(USING_HERE)
    }
}

/// Whether the one rule gives the rules built into regelverk: no paths, and no `./rules`.
pub fn uses_embedded(paths: &[PathBuf]) -> bool {
    paths.is_empty() && !Path::new("rules").is_dir()
}

/// Finds the rule files by the one rule, reporting on standard error what it could not read.
pub fn find(out: &Out, paths: &[PathBuf], used: Use) -> Result<RuleFiles, u8> {
    // The choice between ./rules and the rules built in is made in one place, as the note
    // that says it (`source_note`) makes it.
    if uses_embedded(paths) {
        if used == Use::Files {
            out.error("no rule files given, and there is no ./rules here");
            return Err(EXIT_USAGE);
        }
        out.note(USING_EMBEDDED);
        return Ok(RuleFiles {
            files: regelverk::embedded_rule_files(),
            focus: None,
            watched: Vec::new(),
        });
    }
    if paths.is_empty() {
        let here = Path::new("rules");
        out.note(USING_HERE);
        return Ok(with_vocabulary(RuleFiles {
            files: read_dir(out, here)?,
            focus: None,
            watched: vec![here.to_path_buf()],
        }));
    }
    let mut files: Vec<(String, String)> = Vec::new();
    let mut focus = BTreeSet::new();
    let mut watched = Vec::new();
    for path in paths {
        if path.is_dir() {
            let found = read_dir(out, path)?;
            focus.extend(found.iter().map(|(name, _)| name.clone()));
            add(&mut files, found);
            watched.push(path.clone());
            continue;
        }
        let name = path.display().to_string();
        let text =
            regelverk::read_limited_file(path, regelverk::MAX_RULE_FILE_BYTES).map_err(|e| {
                out.error(&format!("cannot read `{name}`: {e}"));
                EXIT_ERROR
            })?;
        focus.insert(name.clone());
        let rule_set = match used {
            Use::RuleSet => enclosing_rule_dir(path),
            Use::Files => None,
        };
        match rule_set {
            Some(dir) => {
                let mut found = read_dir(out, &dir)?;
                // The file named keeps the name the user gave it, so that messages say it so.
                let wanted = path.canonicalize().ok();
                let mut matched = false;
                for (other, _) in &mut found {
                    if wanted.is_some() && Path::new(other.as_str()).canonicalize().ok() == wanted {
                        other.clone_from(&name);
                        matched = true;
                    }
                }
                if !matched {
                    found.push((name, text));
                }
                add(&mut files, found);
                watched.push(dir);
            }
            None => {
                add(&mut files, vec![(name, text)]);
                watched.push(path.clone());
            }
        }
    }
    let everything = files.iter().all(|(name, _)| focus.contains(name));
    Ok(with_vocabulary(RuleFiles {
        files,
        focus: (!everything).then_some(focus),
        watched,
    }))
}

/// Rule files that declare no vocabulary (a file or folder of rules on its own) read the one
/// built into regelverk, as the rules in a `rules` folder read the vocabulary beside them; the
/// tools report on the files given only.
fn with_vocabulary(mut found: RuleFiles) -> RuleFiles {
    // From the last file: the vocabulary sorts last (`rules/vocabulary.regel`), so in a clone
    // the scan stops at once rather than after reading ~760 kB of rules for the word.
    if found
        .files
        .iter()
        .rev()
        .any(|(_, text)| declares_vocabulary(text))
    {
        return found;
    }
    let named: BTreeSet<String> = found.files.iter().map(|(name, _)| name.clone()).collect();
    found.focus = Some(found.focus.unwrap_or(named));
    found.files.extend(
        regelverk::embedded_rule_files()
            .into_iter()
            .filter(|(_, text)| only_vocabulary(text)),
    );
    found
}

/// The words that open a declaration of the vocabulary at the start of a line.
const VOCABULARY: [&str; 5] = ["country", "case", "list", "record", "fact"];

fn first_words(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.starts_with(char::is_whitespace) && !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next())
}

/// Whether a rule file declares a country (and so, by the language's rule, its vocabulary): a
/// line whose first word is `country`. Found by searching for the word rather than by splitting
/// every line into words: in a clone the vocabulary is the last of ~760 kB of files.
fn declares_vocabulary(text: &str) -> bool {
    const COUNTRY: &str = "country";
    memchr::memmem::find_iter(text.as_bytes(), COUNTRY).any(|at| {
        let line_start = at == 0 || text.as_bytes().get(at - 1) == Some(&b'\n');
        let word_ends = text
            .get(at + COUNTRY.len()..)
            .is_some_and(|rest| rest.chars().next().is_none_or(char::is_whitespace));
        line_start && word_ends
    })
}

/// Whether a rule file holds the vocabulary and nothing else.
fn only_vocabulary(text: &str) -> bool {
    let mut words = first_words(text).peekable();
    words.peek().is_some() && words.all(|w| VOCABULARY.contains(&w))
}

/// Adds files not already there (a directory and a file in it may both be named).
fn add(files: &mut Vec<(String, String)>, found: Vec<(String, String)>) {
    for file in found {
        if !files.iter().any(|(name, _)| *name == file.0) {
            files.push(file);
        }
    }
}

fn read_dir(out: &Out, dir: &Path) -> Result<Vec<(String, String)>, u8> {
    regelverk::read_rule_files(dir).map_err(|e| {
        out.diagnostics(&e.diagnostics);
        EXIT_ERROR
    })
}

/// The nearest directory above a file named `rules`: the rule set the file belongs to.
fn enclosing_rule_dir(file: &Path) -> Option<PathBuf> {
    let named_rules = |dir: &Path| dir.file_name().is_some_and(|n| n == "rules") && dir.is_dir();
    if let Some(dir) = file.ancestors().skip(1).find(|d| named_rules(d)) {
        return Some(dir.to_path_buf());
    }
    // A name relative to a directory inside the rule set, e.g. `lou.regel` in `rules/se/`.
    let absolute = file.canonicalize().ok()?;
    absolute
        .ancestors()
        .skip(1)
        .find(|d| named_rules(d))
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_declares_its_vocabulary_by_a_line_that_begins_with_the_word_country() {
        for (text, declares) in [
            ("country SE", true),
            ("# rules\ncountry SE\n", true),
            ("country\r\n", true),
            ("country", true),
            ("country\u{a0}SE", true),
            ("countryside SE", false),
            ("  country SE", false),
            ("# country SE", false),
            ("rule x\n  when country is SE", false),
            ("rule country\n", false),
            ("", false),
        ] {
            assert_eq!(declares_vocabulary(text), declares, "{text:?}");
            assert_eq!(
                first_words(text).any(|w| w == "country"),
                declares,
                "{text:?} by words"
            );
        }
    }
}
