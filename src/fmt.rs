//! `regelverk fmt`: one canonical layout for rule files, with every comment kept.
//!
//! The formatter works on tokens and lines, not on the AST: comments are silent in the grammar
//! (and the lowering relies on that), so they are found by a small scan (`#` outside a string, to
//! the end of the line) and kept where they were, by line. The layout:
//!
//! - one item per paragraph, separated by one blank line; comments between items stay there, and
//!   a blank line between a comment and what follows is kept;
//! - the item's keyword and name on the first line, each clause (`sv`/`nb`/`en`, `from`, `cite`,
//!   `when`, `then`, `with`, `given`, `expect`, …) on a line of its own, indented two spaces, a
//!   parameter's `note` four; a condition or a definition keeps the line breaks it was written
//!   with, continuation lines indented four spaces;
//! - a parameter's dated values as a table: periods in date order, the amounts right-aligned in
//!   one column, then `unverified`, then the citation;
//! - amounts grouped in threes with a plain space (`2 389 585 SEK`), see [`GROUP_SEPARATOR`].
//!
//! Invariant: only white space and digit grouping change, so a formatted file means what it
//! meant. As a guard the result is parsed again and compared with the original (spans aside, with
//! the periods in date order); a difference is reported as an error and nothing is rewritten.
//! Formatting is idempotent.

use crate::ast::{File, Item};
use crate::diagnostic::{Diagnostic, SourceText};
use crate::syntax;

/// The separator `fmt` writes between groups of digits in amounts.
///
/// The grammar also accepts U+00A0, U+2009 (thin space) and U+202F (narrow no-break space), and
/// `fmt` turns them into this one. A plain space is the choice for the files because it is what a
/// lawyer types, what a search for "2 389 585" finds, and it keeps the threshold tables aligned in
/// every editor; the thin spacing of typeset text belongs to the output (`regelverk doc` writes
/// U+202F in HTML).
pub const GROUP_SEPARATOR: char = ' ';

/// Formats one rule file. Refuses (with the parser's diagnostics) a file that does not parse.
pub fn format_source(name: &str, text: &str) -> Result<String, Vec<Diagnostic>> {
    let source = SourceText::new(name, text);
    let before = crate::parse_on_parse_stack(&source)?;
    let formatted = layout(text);
    let after =
        crate::parse_on_parse_stack(&SourceText::new(name, formatted.clone())).map_err(|_| {
            vec![
                Diagnostic::without_position(
                    name,
                    "formatting this file would make it unreadable, so it is left as it is",
                )
                .with_help("this is a bug in `regelverk fmt`; please report it with the file"),
            ]
        })?;
    if meaning(&before) != meaning(&after) {
        return Err(vec![
            Diagnostic::without_position(
                name,
                "formatting this file would change what it says, so it is left as it is",
            )
            .with_help("this is a bug in `regelverk fmt`; please report it with the file"),
        ]);
    }
    Ok(formatted)
}

/// What a file says, for the guard: the AST without positions, periods in date order.
fn meaning(file: &File) -> String {
    let mut items = file.items.clone();
    for item in &mut items {
        if let Item::Parameter(p) = item {
            p.entries.sort_by_key(|e| e.from);
        }
    }
    let text = format!(
        "{:?} {:?}",
        file.jurisdiction.as_ref().map(|j| &j.name),
        items
    );
    strip_spans(&text)
}

/// Removes every `Span { start: …, end: … }` from a debug rendering.
fn strip_spans(text: &str) -> String {
    const OPEN: &str = "Span { start: ";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        out.push_str("Span");
        let after = &rest[i + OPEN.len()..];
        rest = after.find(" }").map_or("", |j| &after[j + 2..]);
    }
    out.push_str(rest);
    out
}

// ---- tokens ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Number,
    Str,
    Comment,
    Punct,
}

#[derive(Debug, Clone)]
struct Tok {
    kind: Kind,
    text: String,
    /// Line breaks in the white space before this token.
    breaks: usize,
    /// Character column (0-based) where the token starts.
    col: usize,
    /// For a comment: it follows other tokens on its line.
    trailing: bool,
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\r' | '\n' | '\u{00A0}' | '\u{2009}' | '\u{202F}'
    )
}

fn is_group_sep(c: char) -> bool {
    matches!(c, ' ' | '\u{00A0}' | '\u{2009}' | '\u{202F}')
}

/// A character of a name or keyword: the grammar's own test, so that the formatter never
/// splits a name the parser reads as one (`S̠`, with a combining mark, was split; found by
/// `cargo fuzz`).
fn is_word_char(c: char) -> bool {
    syntax::is_name_char(c)
}

fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks: Vec<Tok> = Vec::new();
    let mut i = 0;
    let mut breaks = 0;
    let mut col = 0;
    let mut line_has_token = false;
    let digits_at = |at: usize, n: usize| {
        (at..at + n).all(|k| chars.get(k).is_some_and(|c| c.is_ascii_digit()))
    };
    let word_at = |at: usize| chars.get(at).is_some_and(|c| is_word_char(*c));
    while i < chars.len() {
        let c = chars[i];
        if is_space(c) {
            if c == '\n' {
                breaks += 1;
                col = 0;
                line_has_token = false;
            } else {
                col += 1;
            }
            i += 1;
            continue;
        }
        let start = i;
        let kind = if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            Kind::Comment
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i = (i + 1).min(chars.len());
            Kind::Str
        } else if c.is_ascii_digit() {
            let date = digits_at(i, 4)
                && chars.get(i + 4) == Some(&'-')
                && digits_at(i + 5, 2)
                && chars.get(i + 7) == Some(&'-')
                && digits_at(i + 8, 2);
            let cpv = digits_at(i, 8) && chars.get(i + 8) == Some(&'-') && digits_at(i + 9, 1);
            if (date || cpv) && !word_at(i + 10) {
                i += 10;
                Kind::Word
            } else {
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                // Groups of three after a separator, greedily, as the grammar reads them.
                while chars.get(i).is_some_and(|c| is_group_sep(*c)) && digits_at(i + 1, 3) {
                    i += 4;
                }
                if chars.get(i) == Some(&',') && digits_at(i + 1, 1) {
                    i += 1;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                Kind::Number
            }
        } else if is_word_char(c) {
            while i < chars.len() && (is_word_char(chars[i]) || (chars[i] == '.' && word_at(i + 1)))
            {
                i += 1;
            }
            // The type `yes/no` is one word.
            let word: String = chars[start..i].iter().collect();
            if word == "yes"
                && chars.get(i..i + 3).is_some_and(|c| c == ['/', 'n', 'o'])
                && !word_at(i + 3)
            {
                i += 3;
            }
            Kind::Word
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            i += if matches!(two.as_str(), "<=" | ">=" | "!=") {
                2
            } else {
                1
            };
            Kind::Punct
        };
        let token: String = chars[start..i].iter().collect();
        toks.push(Tok {
            kind,
            trailing: kind == Kind::Comment && line_has_token,
            text: if kind == Kind::Comment {
                token.trim_end().to_string()
            } else {
                token.clone()
            },
            breaks,
            col,
        });
        line_has_token = true;
        breaks = 0;
        // Strings may run over several lines: the column is then that of the last line.
        match token.rfind('\n') {
            Some(nl) => {
                col = token[nl + 1..].chars().count();
                breaks = 0;
            }
            None => col += token.chars().count(),
        }
    }
    toks
}

/// Digits grouped in threes with [`GROUP_SEPARATOR`]; decimals after `,` kept as written.
fn group_digits(number: &str) -> String {
    let (whole, fraction) = match number.split_once(',') {
        Some((w, f)) => (w, Some(f)),
        None => (number, None),
    };
    let digits: Vec<char> = whole.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    for (i, d) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(GROUP_SEPARATOR);
        }
        out.push(*d);
    }
    if let Some(f) = fraction {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// A number as written, with any accepted group separator turned into [`GROUP_SEPARATOR`].
fn plain_separators(number: &str) -> String {
    number
        .chars()
        .map(|c| if is_group_sep(c) { GROUP_SEPARATOR } else { c })
        .collect()
}

fn is_currency(tok: &Tok) -> bool {
    tok.kind == Kind::Word
        && tok.text.len() == 3
        && tok.text.chars().all(|c| c.is_ascii_uppercase())
}

// ---- items and clauses ----------------------------------------------------------------------

use crate::syntax::ITEM_KEYWORDS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clause {
    Header,
    /// A parameter's dated value.
    Entry,
    Note,
    /// A clause whose line breaks are kept: `when`, `=`, `with`, `exception to`.
    Flowing,
    /// A clause written on one line.
    Line,
    /// A clause written on one line, below the clause it belongs to (a verdict's texts, an
    /// item's labels): indented two more spaces for each level.
    Nested(u8),
    /// A clause below the clause it belongs to whose line breaks are kept (a form's `asks
    /// first` list).
    NestedFlowing(u8),
    /// A comment on a line of its own inside an item.
    Comment,
}

struct ClauseToks {
    kind: Clause,
    toks: Vec<Tok>,
}

enum Unit {
    Comment(Tok),
    Item(Vec<Tok>),
}

fn layout(text: &str) -> String {
    let toks = tokenize(text);
    let units = units(toks);
    let mut out: Vec<String> = Vec::new();
    let mut previous_was_item = None::<bool>;
    for unit in units {
        match unit {
            Unit::Comment(c) => {
                if previous_was_item == Some(true) || (previous_was_item.is_some() && c.breaks >= 2)
                {
                    out.push(String::new());
                }
                out.push(c.text.clone());
                previous_was_item = Some(false);
            }
            Unit::Item(toks) => {
                let first_breaks = toks.first().map_or(0, |t| t.breaks);
                if previous_was_item == Some(true)
                    || (previous_was_item.is_some() && first_breaks >= 2)
                {
                    out.push(String::new());
                }
                render_item(&toks, &mut out);
                previous_was_item = Some(true);
            }
        }
    }
    let mut text: String = out
        .iter()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

/// Splits the tokens into top-level comments and items. A comment on a line of its own between
/// two items belongs to the next one's preamble (top level) unless it is indented, in which case
/// it stays at the end of the item before.
fn units(toks: Vec<Tok>) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut current: Option<Vec<Tok>> = None;
    let mut pending: Vec<Tok> = Vec::new();
    let mut previous_word: Option<String> = None;
    let words: Vec<Option<String>> = toks
        .iter()
        .map(|t| (t.kind == Kind::Word).then(|| t.text.clone()))
        .collect();
    for (at, tok) in toks.into_iter().enumerate() {
        let next_word = words[at + 1..].iter().find_map(|w| w.clone());
        if tok.kind == Kind::Comment {
            if tok.trailing {
                match (&mut current, pending.last_mut()) {
                    (Some(item), None) => item.push(tok),
                    // A trailing comment after a top-level comment cannot happen; keep it anyway.
                    _ => pending.push(tok),
                }
            } else {
                pending.push(tok);
            }
            continue;
        }
        // `list of NAME` is a type, not a `list` item.
        let a_type = tok.text == "list" && next_word.as_deref() == Some("of");
        let starts_item = tok.kind == Kind::Word
            && ITEM_KEYWORDS.contains(&tok.text.as_str())
            && previous_word.as_deref() != Some("with")
            && !a_type;
        previous_word = (tok.kind == Kind::Word).then(|| tok.text.clone());
        if starts_item {
            if let Some(mut item) = current.take() {
                // Indented comments right after the item stay inside it.
                let inside = pending.iter().take_while(|c| c.col > 0).count();
                item.extend(pending.drain(..inside));
                units.push(Unit::Item(item));
            }
            units.extend(pending.drain(..).map(Unit::Comment));
            current = Some(vec![tok]);
        } else {
            match &mut current {
                Some(item) => {
                    item.append(&mut pending);
                    item.push(tok);
                }
                None => {
                    // Tokens before any item keyword: only possible in a file that does not
                    // parse, which never gets here.
                    units.extend(pending.drain(..).map(Unit::Comment));
                    current = Some(vec![tok]);
                }
            }
        }
    }
    if let Some(mut item) = current.take() {
        let inside = pending.iter().take_while(|c| c.col > 0).count();
        item.extend(pending.drain(..inside));
        units.push(Unit::Item(item));
    }
    units.extend(pending.into_iter().map(Unit::Comment));
    units
}

/// Splits an item into its header and clauses.
fn clauses(toks: &[Tok]) -> Vec<ClauseToks> {
    let item = toks.first().map_or("", |t| t.text.as_str()).to_string();
    let mut out: Vec<ClauseToks> = vec![ClauseToks {
        kind: Clause::Header,
        toks: Vec::new(),
    }];
    let mut seen_eq = false;
    let mut seen_then = false;
    let mut open_ifs = 0usize;
    let mut nesting = Nesting::default();
    for (i, tok) in toks.iter().enumerate() {
        if tok.kind == Kind::Comment && !tok.trailing {
            // At a clause boundary (before the next clause or the end) it is a line of its own;
            // inside a clause it is part of it.
            let next = (i + 1..toks.len()).find(|&j| toks[j].kind != Kind::Comment);
            let boundary = next.is_none_or(|j| {
                starts_clause(&item, toks, j, seen_eq, seen_then, open_ifs).is_some()
            });
            if boundary {
                out.push(ClauseToks {
                    kind: Clause::Comment,
                    toks: vec![tok.clone()],
                });
                continue;
            }
            if let Some(last) = out.last_mut() {
                last.toks.push(tok.clone());
            }
            continue;
        }
        if tok.kind == Kind::Word && tok.text == "if" {
            open_ifs += 1;
        }
        let start = if i == 0 {
            None
        } else if VOCABULARY_ITEMS.contains(&item.as_str()) {
            vocabulary_clause(&item, toks, i, &mut nesting)
        } else {
            starts_clause(&item, toks, i, seen_eq, seen_then, open_ifs)
        };
        if tok.kind == Kind::Word && tok.text == "then" {
            if open_ifs > 0 {
                open_ifs -= 1;
            } else if item == "rule" {
                seen_then = true;
            }
        }
        if item == "define" && tok.text == "=" && tok.kind == Kind::Punct {
            seen_eq = true;
        }
        match start {
            Some(kind) => out.push(ClauseToks {
                kind,
                toks: vec![tok.clone()],
            }),
            None => {
                if let Some(last) = out.last_mut() {
                    last.toks.push(tok.clone());
                }
            }
        }
    }
    out
}

/// The items of the vocabulary, whose clauses nest (an item's labels under it).
const VOCABULARY_ITEMS: [&str; 6] = ["country", "case", "list", "record", "fact", "ledger"];

/// Where a vocabulary item's texts go: under the clause they follow (`verdict`, `item`,
/// `field`, `question`, `title`), or the item's own.
#[derive(Default)]
struct Nesting {
    /// How deep the texts that follow are nested.
    texts: u8,
    /// Inside a kind of case's `related` clause.
    related: bool,
}

/// Whether `toks[i]` opens a clause of a vocabulary item, and which, keeping track of what the
/// texts that follow belong to.
fn vocabulary_clause(item: &str, toks: &[Tok], i: usize, nesting: &mut Nesting) -> Option<Clause> {
    let tok = &toks[i];
    if tok.kind != Kind::Word {
        return None;
    }
    let next = toks[i + 1..].iter().find(|t| t.kind != Kind::Comment);
    let word = tok.text.as_str();
    if matches!(word, "sv" | "nb" | "en") && next.is_some_and(|n| n.kind == Kind::Str) {
        return Some(if nesting.texts == 0 {
            Clause::Line
        } else {
            Clause::Nested(nesting.texts)
        });
    }
    let base = u8::from(nesting.related);
    let line = |depth: u8| {
        if depth == 0 {
            Clause::Line
        } else {
            Clause::Nested(depth)
        }
    };
    match (item, word) {
        ("country", "currency" | "language") => Some(Clause::Line),
        ("case", "section" | "default") => {
            nesting.texts = 0;
            Some(Clause::Line)
        }
        ("case", "related") => {
            nesting.related = true;
            nesting.texts = 1;
            Some(Clause::Line)
        }
        ("case", "rules") if next.is_some_and(|n| n.text == "for") => {
            nesting.texts = 1;
            Some(Clause::Line)
        }
        // `instead verdict allowed` is one clause.
        ("case", "verdict") if i > 0 && toks[i - 1].text == "instead" => {
            nesting.texts = base + 1;
            None
        }
        ("case", "verdict" | "title" | "instead") => {
            nesting.texts = base + 1;
            Some(line(base))
        }
        ("case", "form") => {
            nesting.texts = 0;
            Some(Clause::Line)
        }
        ("case", "asks") if next.is_some_and(|n| n.text == "first") => {
            nesting.texts = 0;
            Some(Clause::NestedFlowing(1))
        }
        ("case", "help" | "pasted") => {
            nesting.texts = 2;
            Some(Clause::Nested(1))
        }
        ("list", "include") => {
            nesting.texts = 0;
            Some(Clause::Line)
        }
        ("list", "item") => {
            nesting.texts = 1;
            Some(Clause::Line)
        }
        ("list", "alias") => Some(Clause::Nested(1)),
        ("record", "field") => {
            nesting.texts = 1;
            Some(Clause::Line)
        }
        ("record", "one") if next.is_some_and(|n| n.text == "line") => {
            nesting.texts = 0;
            Some(Clause::Line)
        }
        ("fact", "question" | "if") => {
            nesting.texts = 1;
            Some(Clause::Line)
        }
        ("ledger", "layout" | "buyer" | "value" | "earlier" | "category") => {
            nesting.texts = 0;
            Some(Clause::Line)
        }
        ("ledger", "not") if next.is_some_and(|n| n.text == "recorded") => {
            nesting.texts = 0;
            Some(Clause::Flowing)
        }
        ("ledger", "grouping") => {
            nesting.texts = 1;
            Some(Clause::Line)
        }
        ("ledger", "next") if next.is_some_and(|n| n.text == "steps") => {
            nesting.texts = 1;
            Some(Clause::Line)
        }
        ("fact", "for" | "flag" | "default" | "each") => {
            nesting.texts = 0;
            Some(Clause::Line)
        }
        (_, "cite") => Some(Clause::Line),
        _ => None,
    }
}

/// Whether `toks[i]` opens a new clause of an item of kind `item`, and which.
fn starts_clause(
    item: &str,
    toks: &[Tok],
    i: usize,
    seen_eq: bool,
    seen_then: bool,
    open_ifs: usize,
) -> Option<Clause> {
    let tok = &toks[i];
    let next = toks[i + 1..].iter().find(|t| t.kind != Kind::Comment);
    if tok.kind == Kind::Punct {
        return (item == "define" && tok.text == "=" && !seen_eq).then_some(Clause::Flowing);
    }
    if tok.kind != Kind::Word {
        return None;
    }
    let word = tok.text.as_str();
    if matches!(word, "sv" | "nb" | "en") && next.is_some_and(|n| n.kind == Kind::Str) {
        return Some(Clause::Line);
    }
    match (item, word) {
        ("parameter", "from") => Some(Clause::Entry),
        ("parameter", "note") => Some(Clause::Note),
        ("parameter", _) => None,
        (_, "cite") => Some(Clause::Line),
        ("source", "short" | "url" | "from") => Some(Clause::Line),
        // `to` continues `from DATE` on its line, and opens one when it stands alone.
        ("source", "to") => {
            let after_date =
                i > 0 && toks[i - 1].text.len() == 10 && toks[i - 1].text.contains('-');
            (!after_date).then_some(Clause::Line)
        }
        ("rule", "exception") => Some(Clause::Flowing),
        ("rule", "from") => Some(Clause::Line),
        ("rule", "when") if !seen_then => Some(Clause::Flowing),
        ("rule", "then") if open_ifs == 0 && !seen_then => Some(Clause::Line),
        ("rule", "with") if seen_then => Some(Clause::Flowing),
        ("example", "given" | "expect") => Some(Clause::Line),
        ("clauses", "with") => Some(Clause::Flowing),
        _ => None,
    }
}

fn render_item(toks: &[Tok], out: &mut Vec<String>) {
    let mut toks = toks.to_vec();
    normalize_numbers(&mut toks);
    let mut clauses = clauses(&toks);
    if toks.first().is_some_and(|t| t.text == "parameter") {
        order_entries(&mut clauses);
        let table = Table::measure(&clauses);
        for c in &clauses {
            match c.kind {
                Clause::Entry if table.fits(c) => out.push(table.row(c)),
                _ => render_clause(c, out),
            }
        }
    } else {
        for c in &clauses {
            render_clause(c, out);
        }
    }
}

/// Amounts (a number before a currency, and every number in a parameter's dated values) are
/// grouped in threes; other numbers (CPV codes, percentages, months) keep their digits as written.
fn normalize_numbers(toks: &mut [Tok]) {
    let in_parameter = toks.first().is_some_and(|t| t.text == "parameter");
    let mut in_entry = false;
    for i in 0..toks.len() {
        if toks[i].kind == Kind::Word && in_parameter {
            match toks[i].text.as_str() {
                "from" => in_entry = true,
                "cite" | "note" | "unverified" => in_entry = false,
                _ => {}
            }
        }
        if toks[i].kind != Kind::Number {
            continue;
        }
        let before_currency = toks
            .get(i + 1)
            .is_some_and(|n| n.breaks == 0 && is_currency(n));
        toks[i].text = if before_currency || in_entry {
            group_digits(&toks[i].text)
        } else {
            plain_separators(&toks[i].text)
        };
    }
}

/// Puts a parameter's dated values in date order, each with the comments written above it and
/// the note below it.
fn order_entries(clauses: &mut Vec<ClauseToks>) {
    let Some(first) = clauses.iter().position(|c| c.kind == Clause::Entry) else {
        return;
    };
    // The comments just before the first entry travel with it.
    let mut start = first;
    while start > 0 && clauses[start - 1].kind == Clause::Comment {
        start -= 1;
    }
    let tail: Vec<ClauseToks> = clauses.drain(start..).collect();
    let mut groups: Vec<Vec<ClauseToks>> = Vec::new();
    let mut pending: Vec<ClauseToks> = Vec::new();
    let mut trailing: Vec<ClauseToks> = Vec::new();
    for c in tail {
        match c.kind {
            Clause::Comment => pending.push(c),
            Clause::Entry => {
                let mut group = std::mem::take(&mut pending);
                group.push(c);
                groups.push(group);
            }
            _ => match groups.last_mut() {
                Some(group) if pending.is_empty() => group.push(c),
                _ => {
                    pending.push(c);
                }
            },
        }
    }
    trailing.append(&mut pending);
    let date = |group: &Vec<ClauseToks>| {
        group
            .iter()
            .find(|c| c.kind == Clause::Entry)
            .and_then(|c| {
                c.toks
                    .iter()
                    .find(|t| t.kind == Kind::Word && t.text != "from")
            })
            .map(|t| t.text.clone())
            .unwrap_or_default()
    };
    groups.sort_by_key(date);
    for group in groups {
        clauses.extend(group);
    }
    clauses.extend(trailing);
}

/// The columns of a parameter's table of dated values. Exact amounts (and `unknown`) line up,
/// right-aligned; a range is longer and simply pushes the rest of its row to the right.
struct Table {
    /// Widest exact amount or `unknown`.
    amount: usize,
    /// Whether any such row says `unverified` right after its value.
    flag: bool,
}

/// A dated value split into its columns: `from DATE`, the value, `unverified`, the rest.
struct Row {
    head: String,
    value: String,
    /// An exact amount (right-aligned) or `unknown` (left-aligned); not a range.
    aligned: Option<bool>,
    flag: bool,
    rest: String,
    comment: Option<String>,
}

impl Table {
    fn measure(clauses: &[ClauseToks]) -> Table {
        let mut table = Table {
            amount: 0,
            flag: false,
        };
        for row in clauses.iter().filter_map(split_row) {
            if row.aligned.is_some() {
                table.amount = table.amount.max(row.value.chars().count());
                table.flag |= row.flag;
            }
        }
        table
    }

    fn fits(&self, clause: &ClauseToks) -> bool {
        split_row(clause).is_some()
    }

    fn row(&self, clause: &ClauseToks) -> String {
        let Some(row) = split_row(clause) else {
            return String::new();
        };
        let mut line = match row.aligned {
            Some(true) => format!("  {}  {:>width$}", row.head, row.value, width = self.amount),
            Some(false) => format!("  {}  {:<width$}", row.head, row.value, width = self.amount),
            None => format!("  {}  {}", row.head, row.value),
        };
        if row.flag {
            line.push_str("  unverified");
        } else if self.flag && row.aligned.is_some() {
            line.push_str("            ");
        }
        if !row.rest.is_empty() {
            line.push_str("  ");
            line.push_str(&row.rest);
        }
        let mut line = line.trim_end().to_string();
        if let Some(comment) = row.comment {
            line.push_str("  ");
            line.push_str(&comment);
        }
        line
    }
}

fn split_row(clause: &ClauseToks) -> Option<Row> {
    if clause.kind != Clause::Entry {
        return None;
    }
    let mut toks: Vec<&Tok> = clause.toks.iter().collect();
    // Only a trailing comment at the very end keeps the row a table row.
    let comment = match toks.last() {
        Some(t) if t.kind == Kind::Comment && t.trailing => toks.pop().map(|t| t.text.clone()),
        _ => None,
    };
    if toks.iter().any(|t| t.kind == Kind::Comment) || toks.len() < 3 {
        return None;
    }
    let head = format!("{} {}", toks[0].text, toks[1].text);
    let rest_start = toks[2..]
        .iter()
        .position(|t| t.kind == Kind::Word && matches!(t.text.as_str(), "unverified" | "cite"))
        .map_or(toks.len(), |p| p + 2);
    let value = join(&toks[2..rest_start]);
    let aligned = match toks.get(2) {
        Some(t) if t.kind == Kind::Number => Some(true),
        Some(t) if t.text == "unknown" || t.text == "repealed" => Some(false),
        _ => None,
    };
    let flag = toks.get(rest_start).is_some_and(|t| t.text == "unverified");
    let rest = join(&toks[(rest_start + usize::from(flag)).min(toks.len())..]);
    Some(Row {
        head,
        value,
        aligned,
        flag,
        rest,
        comment,
    })
}

/// Tokens on one line with canonical spacing.
fn join(toks: &[&Tok]) -> String {
    let mut line = String::new();
    let mut previous: Option<&Tok> = None;
    for tok in toks {
        if let Some(p) = previous
            && needs_space(p, tok)
        {
            line.push(' ');
        }
        line.push_str(&tok.text);
        previous = Some(tok);
    }
    line
}

fn needs_space(previous: &Tok, tok: &Tok) -> bool {
    !(previous.kind == Kind::Punct && previous.text == "("
        || tok.kind == Kind::Punct && (tok.text == ")" || tok.text == "," || tok.text == ";"))
}

fn render_clause(clause: &ClauseToks, out: &mut Vec<String>) {
    let indent = match clause.kind {
        Clause::Header => 0,
        Clause::Note => 4,
        Clause::Nested(level) | Clause::NestedFlowing(level) => 2 + 2 * level as usize,
        _ => 2,
    };
    let continuation = indent.max(2) + 2;
    let keep_breaks = matches!(clause.kind, Clause::Flowing | Clause::NestedFlowing(_));
    let mut line = " ".repeat(indent);
    let mut fresh = true;
    let mut previous: Option<&Tok> = None;
    for (i, tok) in clause.toks.iter().enumerate() {
        if tok.kind == Kind::Comment && !tok.trailing {
            if !fresh {
                out.push(std::mem::take(&mut line));
            }
            let own_indent = if clause.kind == Clause::Comment {
                indent
            } else {
                continuation
            };
            out.push(format!("{}{}", " ".repeat(own_indent), tok.text));
            line = " ".repeat(continuation);
            fresh = true;
            previous = None;
            continue;
        }
        if tok.kind == Kind::Comment {
            line.push_str("  ");
            line.push_str(&tok.text);
            out.push(std::mem::take(&mut line));
            line = " ".repeat(continuation);
            fresh = true;
            previous = None;
            continue;
        }
        if i > 0 && !fresh && keep_breaks && tok.breaks > 0 {
            out.push(std::mem::take(&mut line));
            line = " ".repeat(continuation);
            fresh = true;
            previous = None;
        }
        if !fresh && previous.is_none_or(|p| needs_space(p, tok)) {
            line.push(' ');
        }
        line.push_str(&tok.text);
        fresh = false;
        previous = Some(tok);
    }
    if !fresh {
        out.push(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_amounts_but_not_codes() {
        assert_eq!(group_digits("2389585"), "2 389 585");
        assert_eq!(group_digits("2\u{202F}389\u{2009}585"), "2 389 585");
        assert_eq!(group_digits("626284,68"), "626 284,68");
        assert_eq!(group_digits("999"), "999");
    }

    #[test]
    fn strips_spans() {
        assert_eq!(
            strip_spans("A { span: Span { start: 1, end: 2 }, b: 3 }"),
            "A { span: Span, b: 3 }"
        );
    }

    #[test]
    fn a_name_with_a_combining_mark_stays_one_name() {
        let text = "source S\u{0320} \"\"\n";
        let formatted = format_source("f.regel", text).unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(format_source("f.regel", &formatted).ok(), Some(formatted));
    }

    #[test]
    fn layout_is_idempotent_and_keeps_comments() {
        let text = "jurisdiction SE # trailing\n# lead\nsource S \"t\"\nparameter p sv \"a\" nb \"b\" en \"c\"\n  # about 2024\n  from 2024-01-01 2389585 SEK cite S\n from 2016-01-01  between 505\u{2009}800 and 534890 SEK unverified cite S \"x\"\n";
        let once = format_source("t.regel", text).expect("formats");
        let twice = format_source("t.regel", &once).expect("formats again");
        assert_eq!(once, twice);
        assert!(
            once.contains("# trailing") && once.contains("# lead") && once.contains("# about 2024")
        );
        assert!(once.find("2016-01-01") < once.find("2024-01-01"), "{once}");
        assert!(once.contains("2 389 585 SEK"), "{once}");
    }

    #[test]
    fn a_form_and_instead_lines_get_their_layout() {
        let messy = "case p sv \"p\" nb \"p\" en \"p\" section p default\n form asks first p.a,\n p.b help sv \"h\" nb \"h\" en \"h\" pasted sv \"x\" nb \"x\" en \"x\"\n related q from p.q title sv \"t\" nb \"t\" en \"t\" instead verdict allowed for SE sv \"a\" nb \"a\" en \"a\"\n";
        let canonical = "case p\n  sv \"p\"\n  nb \"p\"\n  en \"p\"\n  section p\n  default\n  form\n    asks first p.a,\n      p.b\n    help\n      sv \"h\"\n      nb \"h\"\n      en \"h\"\n    pasted\n      sv \"x\"\n      nb \"x\"\n      en \"x\"\n  related q from p.q\n    title\n      sv \"t\"\n      nb \"t\"\n      en \"t\"\n    instead verdict allowed for SE\n      sv \"a\"\n      nb \"a\"\n      en \"a\"\n";
        assert_eq!(
            format_source("v.regel", messy).ok().as_deref(),
            Some(canonical),
            "{:?}",
            format_source("v.regel", messy)
        );
        assert_eq!(
            format_source("v.regel", canonical).ok().as_deref(),
            Some(canonical)
        );
    }
}
