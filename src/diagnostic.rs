//! One model for every problem regelverk reports: syntax errors, check errors, bad cases.
//!
//! A [`Diagnostic`] names the file, the byte range, what is wrong and optionally how to fix it.
//! Rendering follows rustc's layout (`error: …`, ` --> file:line:col`, the line with a caret) so
//! that lawyers and programmers read the same message. Line and column are 1-based; the column
//! counts characters, not bytes, so that a caret under `å` lands where a person expects it.

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops the rules from loading, or the case from being read.
    Error,
    /// What a careful reviewer would question.
    Warning,
    /// Something worth knowing.
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// A byte range in one source text. Equality of AST nodes ignores spans (see `ast`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// The byte after the last.
    pub end: usize,
}

impl Span {
    /// The bytes from `start` up to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// A named source text (a rule file or a case file), kept so diagnostics can quote it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceText {
    /// The name shown in messages, e.g. a path.
    pub name: String,
    /// The whole text.
    pub text: String,
    /// Where each line starts, found on first use: placing a diagnostic is then a binary search,
    /// not a scan from the top (10 000 lint findings in a 1 MB file took 26 s).
    #[serde(skip)]
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl PartialEq for SourceText {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.text == other.text
    }
}

impl Eq for SourceText {}

impl SourceText {
    /// A text and its name.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceText {
            name: name.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The text of the 1-based line `line`, without its line break.
    fn line_text(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let Some(&start) = line.checked_sub(1).and_then(|i| starts.get(i)) else {
            return "";
        };
        let end = starts.get(line).map_or(self.text.len(), |&next| next - 1);
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let starts = self.line_starts();
        let line = starts.partition_point(|&start| start <= offset);
        let line_start = starts.get(line.saturating_sub(1)).copied().unwrap_or(0);
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// Byte offset of a 1-based line and column (as reported by parsers that count lines).
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let mut offset = 0;
        for (i, l) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let within: usize = l
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(char::len_utf8)
                    .sum();
                return offset + within;
            }
            offset += l.len();
        }
        self.text.len()
    }
}

/// How many characters of the source line a diagnostic shows on each side of its caret.
const CONTEXT_CHARS: usize = 80;

/// The part of a long line around the caret, with `…` where it was cut, and where the caret
/// falls in it: a diagnostic on a 100 KiB line quotes a few dozen characters, not the line.
fn window(
    line: &str,
    line_chars: usize,
    caret_from: usize,
    caret_len: usize,
) -> (String, usize, usize) {
    let caret_len = caret_len.min(CONTEXT_CHARS);
    if line_chars <= 2 * CONTEXT_CHARS + caret_len {
        return (line.to_string(), caret_from, caret_len);
    }
    let start = caret_from.saturating_sub(CONTEXT_CHARS);
    let end = (caret_from + caret_len + CONTEXT_CHARS).min(line_chars);
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(start).take(end - start));
    if end < line_chars {
        shown.push('…');
    }
    (
        shown,
        caret_from - start + usize::from(start > 0),
        caret_len,
    )
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A problem found in a rule file or a case, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong: lower case, no final period, input in backticks.
    pub message: String,
    /// The file the span points into, as the user named it.
    pub file: String,
    /// The 1-based line of the span's start; 0 when there is no position.
    pub line: usize,
    /// The 1-based column, in characters.
    pub column: usize,
    #[serde(skip)]
    /// The bytes the message is about.
    pub span: Span,
    /// What the caret line says next to the carets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// How to fix it.
    pub help: Option<String>,
    /// Further lines shown as `= note: …` (e.g. every open question a lint found).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The source line, kept so rendering needs no file access.
    #[serde(skip)]
    source_line: String,
    #[serde(skip)]
    caret_from: usize,
    #[serde(skip)]
    caret_len: usize,
}

impl Diagnostic {
    /// An error at `span` of `source`.
    pub fn error(source: &SourceText, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, source, span, message)
    }

    /// A diagnostic of any severity at a span of a source.
    pub fn new(
        severity: Severity,
        source: &SourceText,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = source.line_col(span.start);
        let source_line = source.line_text(line).to_string();
        let line_chars = source_line.chars().count();
        let caret_from = (column - 1).min(line_chars);
        let span_chars = {
            let start = floor_char_boundary(&source.text, span.start.min(source.text.len()));
            let end = floor_char_boundary(&source.text, span.end.min(source.text.len())).max(start);
            source.text[start..end]
                .chars()
                .take_while(|c| *c != '\n')
                .count()
        };
        let caret_len = span_chars.clamp(1, (line_chars - caret_from).max(1));
        let (source_line, caret_from, caret_len) =
            window(&source_line, line_chars, caret_from, caret_len);
        Diagnostic {
            severity,
            message: message.into(),
            file: source.name.clone(),
            line,
            column,
            span,
            label: None,
            help: None,
            notes: Vec::new(),
            source_line,
            caret_from,
            caret_len,
        }
    }

    /// A diagnostic about a whole file or the command line, with no position to point at.
    pub fn without_position(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: file.into(),
            line: 0,
            column: 0,
            span: Span::default(),
            label: None,
            help: None,
            notes: Vec::new(),
            source_line: String::new(),
            caret_from: 0,
            caret_len: 0,
        }
    }

    /// Says what the carets point at.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a line `= note: …`.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// `file:line:col`, or just the file when there is no position.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.column)
        }
    }

    /// Sort key: file, then position, then message, so output is stable.
    fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.file, self.line, self.column, &self.message)
    }
}

/// Sorts diagnostics by place and removes exact repeats.
pub fn sort_diagnostics(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

/// How many errors one load of a rule set reports: a file with thousands of mistakes (a long
/// line of unknown names) gets the first of them and a count of the rest, not gigabytes.
pub const MAX_DIAGNOSTICS: usize = 100;

/// Sorts diagnostics and keeps the first [`MAX_DIAGNOSTICS`]; the last one kept then says how
/// many more were found (`omitted` of them already dropped before, plus those cut here).
pub fn keep_first(diagnostics: &mut Vec<Diagnostic>, omitted: usize) {
    sort_diagnostics(diagnostics);
    let cut = diagnostics.len().saturating_sub(MAX_DIAGNOSTICS);
    diagnostics.truncate(MAX_DIAGNOSTICS);
    let more = omitted + cut;
    if more > 0
        && let Some(last) = diagnostics.last_mut()
    {
        last.notes.push(format!(
            "{more} more problems were found and are not shown; fix these first"
        ));
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.severity, self.message)?;
        writeln!(f, " --> {}", self.location())?;
        if self.line > 0 {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {}", self.source_line)?;
            let mut carets = String::new();
            // Tabs keep their width so the caret stays under the right character.
            for c in self.source_line.chars().take(self.caret_from) {
                carets.push(if c == '\t' { '\t' } else { ' ' });
            }
            carets.push_str(&"^".repeat(self.caret_len));
            if let Some(label) = &self.label {
                let _ = write!(carets, " {label}");
            }
            writeln!(f, "{pad} | {carets}")?;
            if let Some(help) = &self.help {
                writeln!(f, "{pad} = help: {help}")?;
            }
            for note in &self.notes {
                writeln!(f, "{pad} = note: {note}")?;
            }
        } else {
            if let Some(help) = &self.help {
                writeln!(f, "  = help: {help}")?;
            }
            for note in &self.notes {
                writeln!(f, "  = note: {note}")?;
            }
        }
        Ok(())
    }
}

/// Diagnostics rendered one after another, with a blank line between them.
pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = write!(out, "{d}");
    }
    out
}

/// The closest of `candidates` to `name`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = edit_distance(name, candidate);
        let limit = (name.chars().count().max(3)) / 3;
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// Edit distance counting a swap of two neighbours as one edit (`LUO` is one edit from `LOU`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in table[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[i - 1][j] + 1)
                .min(table[i][j - 1] + 1)
                .min(table[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[i - 2][j - 2] + 1);
            }
            table[i][j] = best;
        }
    }
    table[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("LUO", ["LOU", "LUF"]), Some("LOU".to_string()));
        assert_eq!(
            did_you_mean("direktupphandlingsgrns", ["direktupphandlingsgräns"]),
            Some("direktupphandlingsgräns".to_string())
        );
        assert_eq!(did_you_mean("xyz", ["LOU"]), None);
    }

    #[test]
    fn a_long_line_is_quoted_around_the_caret() {
        let line = format!("{}BAD{}", "a ".repeat(5000), " b".repeat(5000));
        let source = SourceText::new("f", line.clone());
        let at = line.find("BAD").unwrap_or_default();
        let text = Diagnostic::error(&source, Span::new(at, at + 3), "bad").to_string();
        assert!(text.len() < 400, "{text}");
        let quoted = text.lines().nth(3).unwrap_or_default();
        let carets = text.lines().nth(4).unwrap_or_default();
        assert!(
            quoted.starts_with("1 | …") && quoted.ends_with('…'),
            "{quoted}"
        );
        assert_eq!(
            quoted.chars().position(|c| c == 'B'),
            carets.chars().position(|c| c == '^')
        );
    }

    #[test]
    fn line_and_column_count_characters() {
        let source = SourceText::new("f", "ab\nåäö x");
        assert_eq!(source.line_col(3), (2, 1));
        assert_eq!(source.line_col("ab\nåäö ".len()), (2, 5));
        assert_eq!(source.offset_of(2, 5), "ab\nåäö ".len());
    }
}
