//! Reading rule files: the pest grammar (`grammar/regelverk.pest`) and the lowering of its parse
//! tree into the owned `ast`.
//!
//! Invariant: pest stays in this module. What leaves it is an `ast::File` or diagnostics with
//! file:line:col; no pest type and no borrow of the source text crosses the border.

use jiff::civil::Date;
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest_derive::Parser;
use rust_decimal::Decimal;

use crate::ast::*;
use crate::diagnostic::{Diagnostic, SourceText, Span};
use crate::lang::Lang;
use crate::money::{parse_amount_digits, parse_money_digits};

#[derive(Parser)]
#[grammar = "../grammar/regelverk.pest"]
struct RegelParser;

/// Rule files larger than this are refused before parsing, to protect embedding servers.
pub const MAX_RULE_FILE_BYTES: usize = 4 * 1024 * 1024;
/// How deeply conditions and values may nest in one clause, counting every open parenthesis,
/// `if` and `not`: deeper input is refused before pest sees it, so that neither pest's recursive
/// descent nor the lowering's recursion over its parse tree can go deep enough to overflow a
/// stack. Rule files nest three or four levels. (An earlier grammar also backtracked
/// exponentially on unclosed parentheses, found by `cargo fuzz`; its single rule for
/// parentheses keeps parsing linear.)
pub const MAX_NESTING: usize = 32;
/// How tall the tree of one condition or definition may be, counted in nodes from its root to
/// its deepest leaf: a sum of `n` terms is `n` tall, since it is a chain of additions. Lowering
/// stops a chain at this height, so no taller tree is ever built; `check` bounds the height of a
/// definition together with the definitions it uses (`check::MAX_TOTAL_HEIGHT`).
pub const MAX_HEIGHT: usize = 128;

/// Whether `c` may continue a name, as the grammar reads names (Unicode XID_Continue): the
/// formatter and the nesting pre-scan split words by it, so that a name with a combining mark
/// (`S̠`) is one word for them as it is for the parser (found by `cargo fuzz`).
pub fn is_name_char(c: char) -> bool {
    pest::unicode::XID_CONTINUE(c)
}

/// The keywords that open an item (or the file's `jurisdiction` line) at the start of a line.
pub const ITEM_KEYWORDS: [&str; 16] = [
    "jurisdiction",
    "source",
    "parameter",
    "define",
    "procedure",
    "obligation",
    "warning",
    "clauses",
    "rule",
    "example",
    "country",
    "case",
    "list",
    "record",
    "fact",
    "ledger",
];

/// The text with every `example` item blanked out (line breaks kept, so positions in what remains
/// are unchanged). An item starts with its keyword at the start of a line, as in every rule file
/// the project ships; an example ends where the next item or comment at the start of a line begins.
pub fn without_examples(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_example = false;
    for line in text.split_inclusive('\n') {
        let first_word = line.split(|c: char| c.is_whitespace()).next().unwrap_or("");
        let at_start = !line.starts_with(char::is_whitespace);
        if at_start && (ITEM_KEYWORDS.contains(&first_word) || line.starts_with('#')) {
            in_example = first_word == "example";
        }
        if in_example {
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Parses one rule file. All syntax errors are returned; the first stops the parse, so there is
/// at most one per file.
pub fn parse_file(source: &SourceText) -> Result<File, Vec<Diagnostic>> {
    if source.text.len() > MAX_RULE_FILE_BYTES {
        return Err(vec![Diagnostic::without_position(
            &source.name,
            format!(
                "the rule file is {} bytes; the limit is {} bytes",
                source.text.len(),
                MAX_RULE_FILE_BYTES
            ),
        )]);
    }
    if let Some((offset, limit)) = too_deep(&source.text) {
        return Err(vec![
            Diagnostic::error(
                source,
                Span::new(offset, offset + 1),
                "this condition nests too deeply",
            )
            .with_label(format!(
                "more than {limit} levels of parentheses, `if` and `not`"
            ))
            .with_help("split the condition into named `define`s"),
        ]);
    }
    let mut pairs =
        RegelParser::parse(Rule::file, &source.text).map_err(|e| vec![syntax_error(source, e)])?;
    let file = pairs
        .next()
        .ok_or_else(|| vec![Diagnostic::without_position(&source.name, "empty parse")])?;
    let mut lowering = Lowering {
        source,
        diagnostics: Vec::new(),
        too_tall: false,
    };
    let lowered = lowering.file(file);
    if lowering.diagnostics.is_empty() {
        Ok(lowered)
    } else {
        Err(lowering.diagnostics)
    }
}

/// The offset of the first `(`, `if` or `not` past the nesting limit, if any.
///
/// A conservative count, per clause, of how deep the grammar's recursion can be at each token:
/// every `(` and `if` opens a level until its `)` (an `if` may end earlier, but counting it
/// longer only over-counts); a run of `not` counts until the `and` or `or` that ends its
/// comparison (not the `and` of `between … and`). The words that begin an item or a clause
/// (`rule`, `when`, `cite`, …) cannot occur inside a condition, so the count starts over there.
/// Strings (with their `\"` escapes) and comments are skipped as the grammar skips them.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    struct Level {
        /// `not`s counted on this level since its last `and` or `or`.
        nots: usize,
        /// A `between` whose `and` is still to come.
        between: bool,
        /// Opened by `(` (closed by `)`); else by `if`.
        paren: bool,
    }
    // Words that start a clause of an item, besides the items' own keywords (ITEM_KEYWORDS).
    const CLAUSE_WORDS: [&str; 10] = [
        "when",
        "with",
        "cite",
        "given",
        "expect",
        "from",
        "note",
        "url",
        "short",
        "exception",
    ];
    let mut levels: Vec<Level> = vec![Level {
        nots: 0,
        between: false,
        paren: false,
    }];
    let mut depth = 0usize;
    let mut previous_word = "";
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '(' => {
                levels.push(Level {
                    nots: 0,
                    between: false,
                    paren: true,
                });
                depth += 1;
            }
            ')' => {
                while levels.len() > 1 {
                    let Some(level) = levels.pop() else { break };
                    depth = depth.saturating_sub(level.nots + 1);
                    if level.paren {
                        break;
                    }
                }
            }
            c if is_name_char(c) => {
                let mut end = i + c.len_utf8();
                while let Some((j, c)) = chars.next_if(|&(_, c)| is_name_char(c)) {
                    end = j + c.len_utf8();
                }
                let word = &text[i..end];
                let top = levels.len() - 1;
                match word {
                    "not" if previous_word != "is" => {
                        levels[top].nots += 1;
                        depth += 1;
                    }
                    "between" => levels[top].between = true,
                    "and" if levels[top].between => levels[top].between = false,
                    "and" | "or" => {
                        depth -= levels[top].nots;
                        levels[top].nots = 0;
                    }
                    "if" => {
                        levels.push(Level {
                            nots: 0,
                            between: false,
                            paren: false,
                        });
                        depth += 1;
                    }
                    w if CLAUSE_WORDS.contains(&w) || ITEM_KEYWORDS.contains(&w) => {
                        levels.truncate(1);
                        levels[0].nots = 0;
                        levels[0].between = false;
                        depth = 0;
                    }
                    _ => {}
                }
                previous_word = word;
                if depth > MAX_NESTING {
                    return Some((i, MAX_NESTING));
                }
                continue;
            }
            _ => {}
        }
        if depth > MAX_NESTING {
            return Some((i, MAX_NESTING));
        }
    }
    None
}

fn syntax_error(source: &SourceText, error: pest::error::Error<Rule>) -> Diagnostic {
    let (start, end) = match error.location {
        InputLocation::Pos(p) => (p, p + 1),
        InputLocation::Span((s, e)) => (s, e),
    };
    let found = found_at(&source.text, start);
    let message = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<&str> = positives.iter().filter_map(|r| describe(*r)).collect();
            expected.sort_unstable();
            expected.dedup();
            match expected.as_slice() {
                [] => format!("unexpected {found}"),
                [one] => format!("expected {one}, found {found}"),
                many => {
                    let (last, rest) = many.split_last().map_or((&"", &[][..]), |(l, r)| (l, r));
                    format!("expected {} or {last}, found {found}", rest.join(", "))
                }
            }
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let width = if found.starts_with('`') {
        found.chars().count().saturating_sub(2).max(1)
    } else {
        1
    };
    Diagnostic::error(source, Span::new(start, end.max(start + width)), message).with_label("here")
}

/// What stands at `offset`, for "found …" in messages.
fn found_at(text: &str, offset: usize) -> String {
    let rest = text.get(offset..).unwrap_or("");
    let word: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(30)
        .collect();
    if rest.is_empty() {
        "end of file".to_string()
    } else if word.is_empty() {
        "a line break".to_string()
    } else {
        format!("`{word}`")
    }
}

/// How the grammar's rules are named in error messages; `None` hides a rule from them.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::item
        | Rule::source_decl
        | Rule::parameter_decl
        | Rule::define_decl
        | Rule::procedure_decl
        | Rule::obligation_decl
        | Rule::warning_decl
        | Rule::rule_decl
        | Rule::example_decl
        | Rule::clauses_decl
        | Rule::country_decl
        | Rule::case_decl
        | Rule::list_decl
        | Rule::record_decl
        | Rule::fact_decl
        | Rule::ledger_decl => {
            "an item (`source`, `parameter`, `define`, `procedure`, `obligation`, `warning`, `rule` or `example`)"
        }
        Rule::value_type
        | Rule::t_one_of
        | Rule::t_list_of
        | Rule::t_whole_number
        | Rule::t_cpv
        | Rule::t_yes_no
        | Rule::t_amount
        | Rule::t_date
        | Rule::t_percent
        | Rule::t_text => {
            "a type (`amount`, `date`, `whole number`, `percent`, `yes/no`, `text`, `CPV code`, `one of LIST` or `list of LIST`)"
        }
        Rule::verdict_kind | Rule::not_allowed_plain => {
            "an outcome (`allowed`, `allowed with obligations`, `not allowed` or `undecided`)"
        }
        Rule::quantified | Rule::quantifier => "`any`, `all`, `count` or `sum`",
        Rule::k_in => "`in`",
        Rule::k_where => "`where`",
        Rule::countries => "`for`",
        Rule::jurisdiction_decl | Rule::k_jurisdiction => "`jurisdiction`",
        Rule::ident | Rule::path => "a name",
        Rule::string => "a text in double quotes",
        Rule::text | Rule::lang => "a text (`sv \"…\"`, `nb \"…\"` or `en \"…\"`)",
        Rule::param_entry => "a dated value (`from 2024-01-01 2 389 585 SEK`)",
        Rule::param_value | Rule::range | Rule::unknown => {
            "a value (`700 000 SEK`, `between 2 268 000 and 2 592 000 SEK` or `unknown`)"
        }
        Rule::money => "an amount with a currency (`700 000 SEK`)",
        Rule::currency => "a currency code (SEK, NOK or EUR)",
        Rule::number => "a number",
        Rule::date => "a date (`2024-01-01`)",
        Rule::boolean => "`true` or `false`",
        Rule::citation | Rule::k_cite => "`cite`",
        Rule::note | Rule::k_note => "`note`",
        Rule::unverified => "`unverified`",
        Rule::outcome
        | Rule::expected_outcome
        | Rule::allowed
        | Rule::not_allowed
        | Rule::undecided
        | Rule::rule_undecided
        | Rule::allowed_with_obligations => "an outcome (`allowed`, `not allowed` or `undecided`)",
        Rule::condition | Rule::conjunction | Rule::negation | Rule::comparison => "a condition",
        Rule::expr | Rule::term | Rule::percent_of | Rule::if_expr | Rule::fact_or_default => {
            "a value"
        }
        Rule::cmp_tail | Rule::cmp_op => "a comparison (`<`, `<=`, `>`, `>=`, `=`, `!=`)",
        Rule::is_tail | Rule::k_is => "`is`",
        Rule::between_tail | Rule::k_between => "`between`",
        Rule::add_op => "`+` or `-`",
        Rule::mul_op => "`×`",
        Rule::with_obligation | Rule::with_warning | Rule::k_with => "`with`",
        Rule::k_warning => "`warning`",
        Rule::when_clause | Rule::k_when => "`when`",
        Rule::validity | Rule::source_period | Rule::k_from => "`from`",
        Rule::exception_to | Rule::k_exception => "`exception`",
        Rule::given | Rule::k_given => "`given`",
        Rule::expect | Rule::k_expect => "`expect`",
        Rule::k_allowed => "`allowed`",
        Rule::k_and => "`and`",
        Rule::k_by => "`by`",
        Rule::k_else => "`else`",
        Rule::k_if => "`if`",
        Rule::k_missing => "`missing`",
        Rule::k_not => "`not`",
        Rule::k_obligation => "`obligation`",
        Rule::k_obligations => "`obligations`",
        Rule::k_of => "`of`",
        Rule::k_or => "`or`",
        Rule::k_requires => "`requires`",
        Rule::k_then => "`then`",
        Rule::k_to => "`to`",
        Rule::k_url => "`url`",
        Rule::k_short => "`short`",
        _ => return None,
    })
}

struct Lowering<'s> {
    source: &'s SourceText,
    diagnostics: Vec<Diagnostic>,
    /// Whether the item being lowered was already found too tall (one message per item).
    too_tall: bool,
}

/// A text's words: rule files wrap long texts over several lines, and a text means its words, so
/// runs of white space (line breaks and indentation included, and the escape `\n`) become one
/// space, and none is left at either end. The other escapes (`\"`, `\\`) stand for their
/// character. Runs of ordinary characters are copied whole: most of the text of a rule file.
fn words_of(inner: &str) -> String {
    let bytes = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    // A space is owed before the next word.
    let mut space = false;
    let push = |out: &mut String, space: &mut bool, word: &str| {
        if word.is_empty() {
            return;
        }
        if *space && !out.is_empty() {
            out.push(' ');
        }
        *space = false;
        out.push_str(word);
    };
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => {
                push(&mut out, &mut space, &inner[start..i]);
                space = true;
                i += 1;
                start = i;
            }
            b'\\' => {
                push(&mut out, &mut space, &inner[start..i]);
                let escaped = inner[i + 1..].chars().next();
                i += 1 + escaped.map_or(0, char::len_utf8);
                start = i;
                match escaped {
                    Some('n' | ' ' | '\t' | '\r' | '\n') => space = true,
                    Some(c) => push(&mut out, &mut space, c.encode_utf8(&mut [0; 4])),
                    None => {}
                }
            }
            _ => i += 1,
        }
    }
    push(&mut out, &mut space, &inner[start..]);
    out
}

fn span(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

/// The children that carry meaning: keyword tokens are dropped.
fn parts<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::k_all
            | Rule::k_any
            | Rule::k_case
            | Rule::k_clauses
            | Rule::k_count
            | Rule::k_country
            | Rule::k_fact
            | Rule::k_in
            | Rule::k_ledger
            | Rule::k_list
            | Rule::k_record
            | Rule::k_sum
            | Rule::k_where
            | Rule::c_alias
            | Rule::c_as
            | Rule::c_asks
            | Rule::c_buyer
            | Rule::c_category
            | Rule::c_code
            | Rule::c_cpv
            | Rule::c_currency
            | Rule::c_default
            | Rule::c_each
            | Rule::c_earlier
            | Rule::c_field
            | Rule::c_first
            | Rule::c_flag
            | Rule::c_form
            | Rule::c_help
            | Rule::c_grouping
            | Rule::c_include
            | Rule::c_instead
            | Rule::c_item
            | Rule::c_language
            | Rule::c_layout
            | Rule::c_line
            | Rule::c_mark
            | Rule::c_next
            | Rule::c_number
            | Rule::c_pasted
            | Rule::c_question
            | Rule::c_recorded
            | Rule::c_related
            | Rule::c_required
            | Rule::c_rules
            | Rule::c_section
            | Rule::c_steps
            | Rule::c_title
            | Rule::c_value
            | Rule::c_verdict
            | Rule::c_whole
            | Rule::k_allowed
            | Rule::k_and
            | Rule::k_between
            | Rule::k_by
            | Rule::k_cite
            | Rule::k_define
            | Rule::k_else
            | Rule::k_example
            | Rule::k_exception
            | Rule::k_expect
            | Rule::k_for
            | Rule::k_from
            | Rule::k_given
            | Rule::k_if
            | Rule::k_is
            | Rule::k_jurisdiction
            | Rule::k_missing
            | Rule::k_not
            | Rule::k_note
            | Rule::k_obligation
            | Rule::k_obligations
            | Rule::k_of
            | Rule::k_one
            | Rule::k_or
            | Rule::k_parameter
            | Rule::k_procedure
            | Rule::k_requires
            | Rule::k_rule
            | Rule::k_short
            | Rule::k_source
            | Rule::k_stated
            | Rule::k_then
            | Rule::k_to
            | Rule::k_undecided
            | Rule::k_contradictory
            | Rule::k_url
            | Rule::k_warning
            | Rule::k_when
            | Rule::k_with
    )
}

impl Lowering<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(self.source, span, message));
    }

    /// Reports, once per item, a condition or value taller than [`MAX_HEIGHT`].
    fn too_tall(&mut self, span: Span) {
        if std::mem::replace(&mut self.too_tall, true) {
            return;
        }
        self.diagnostics.push(
            Diagnostic::error(
                self.source,
                Span::new(span.start, span.start + 1),
                "this condition or value is too long or nests too deeply",
            )
            .with_label(format!(
                "more than {MAX_HEIGHT} levels (a sum of n terms counts n)"
            ))
            .with_help("split it into named `define`s"),
        );
    }

    /// A whole condition of an item, refused if taller than [`MAX_HEIGHT`].
    fn top_cond(&mut self, pair: Pair<'_, Rule>) -> Cond {
        let cond = self.cond(pair);
        if cond.height > MAX_HEIGHT {
            self.too_tall(cond.span);
        }
        cond
    }

    fn file(&mut self, pair: Pair<'_, Rule>) -> File {
        let mut jurisdiction = None;
        let mut case_kind = None;
        let mut items = Vec::new();
        for p in parts(pair) {
            self.too_tall = false;
            match p.as_rule() {
                Rule::jurisdiction_decl => {
                    let mut names = parts(p);
                    jurisdiction = names.next().map(|i| self.ident(i));
                    case_kind = names.next().map(|i| self.ident(i));
                }
                Rule::source_decl => items.push(Item::Source(self.source_decl(p))),
                Rule::parameter_decl => items.push(Item::Parameter(self.parameter(p))),
                Rule::define_decl => items.push(Item::Define(self.define(p))),
                Rule::procedure_decl => items.push(Item::Procedure(self.named_text(p))),
                Rule::obligation_decl => items.push(Item::Obligation(self.named_text(p))),
                Rule::warning_decl => items.push(Item::Warning(self.named_text(p))),
                Rule::rule_decl => items.push(Item::Rule(self.rule(p))),
                Rule::example_decl => items.push(Item::Example(self.example(p))),
                Rule::clauses_decl => items.push(Item::Clauses(self.clauses(p))),
                Rule::country_decl => items.push(Item::Country(self.country(p))),
                Rule::case_decl => items.push(Item::CaseKind(self.case_kind(p))),
                Rule::list_decl => items.push(Item::List(self.list(p))),
                Rule::record_decl => items.push(Item::Record(self.record(p))),
                Rule::fact_decl => items.push(Item::Fact(self.fact(p))),
                Rule::ledger_decl => items.push(Item::Ledger(self.ledger(p))),
                _ => {}
            }
        }
        File {
            source: self.source.clone(),
            jurisdiction,
            case_kind,
            items,
        }
    }

    fn ident(&mut self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: span(&pair),
        }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> String {
        let inner = pair.into_inner().next().map_or("", |p| p.as_str());
        words_of(inner)
    }

    fn date(&mut self, pair: Pair<'_, Rule>) -> Date {
        let text = pair.as_str();
        match text.parse::<Date>() {
            Ok(d) => d,
            Err(_) => {
                self.error(span(&pair), format!("`{text}` is not a calendar date"));
                Date::constant(1970, 1, 1)
            }
        }
    }

    fn number(&mut self, pair: Pair<'_, Rule>) -> Decimal {
        match parse_amount_digits(pair.as_str()) {
            Some(n) => n,
            None => {
                self.error(span(&pair), format!("`{}` is not a number", pair.as_str()));
                Decimal::ZERO
            }
        }
    }

    fn money(&mut self, pair: Pair<'_, Rule>) -> MoneyLit {
        let whole = span(&pair);
        let text = pair.as_str().to_string();
        let mut number = None;
        let mut currency = Ident {
            name: String::new(),
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::number => number = Some((p.as_str().to_string(), span(&p))),
                Rule::currency => currency = self.ident(p),
                _ => {}
            }
        }
        let amount = number.map_or(Decimal::ZERO, |(digits, at)| {
            self.amount(&digits, at, &text, &currency.name)
        });
        MoneyLit {
            amount,
            currency,
            span: whole,
        }
    }

    /// The digits of an amount of money, refused where they are ambiguous (`750,000`) or more
    /// precise than hundredths, like the amounts of a case.
    fn amount(&mut self, digits: &str, at: Span, written: &str, currency: &str) -> Decimal {
        match parse_money_digits(digits) {
            Ok(amount) => amount,
            Err(e) => {
                let currency = currency.parse().unwrap_or_default();
                self.error(at, e.for_amount(written, currency).to_string());
                Decimal::ZERO
            }
        }
    }

    fn citation(&mut self, pair: Pair<'_, Rule>) -> Citation {
        let whole = span(&pair);
        let mut source = None;
        let mut pinpoint = None;
        let mut unverified = false;
        for p in parts(pair) {
            match p.as_rule() {
                Rule::ident => source = Some(self.ident(p)),
                Rule::string => pinpoint = Some(self.string(p)),
                Rule::unverified => unverified = true,
                _ => {}
            }
        }
        Citation {
            unverified,
            source: source.unwrap_or(Ident {
                name: String::new(),
                span: whole,
            }),
            pinpoint,
            span: whole,
        }
    }

    fn text(&mut self, pair: Pair<'_, Rule>) -> TextDecl {
        let whole = span(&pair);
        let mut lang = Lang::En;
        let mut text = String::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::lang => lang = p.as_str().parse().unwrap_or(Lang::En),
                Rule::string => text = self.string(p),
                _ => {}
            }
        }
        TextDecl {
            lang,
            text,
            span: whole,
        }
    }

    fn source_decl(&mut self, pair: Pair<'_, Rule>) -> SourceDecl {
        let whole = span(&pair);
        let mut decl = SourceDecl {
            name: Ident {
                name: String::new(),
                span: whole,
            },
            title: String::new(),
            short: None,
            url: None,
            valid_from: None,
            valid_to: None,
            span: whole,
        };
        // The strings are the title, then whatever keyword (`short`, `url`) came before each.
        let mut after = Rule::k_source;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => decl.name = self.ident(p),
                Rule::string => {
                    let text = self.string(p);
                    match after {
                        Rule::k_short => decl.short = Some(text),
                        Rule::k_url => decl.url = Some(text),
                        _ => decl.title = text,
                    }
                }
                Rule::source_period => {
                    let mut keyword = Rule::k_from;
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::date => {
                                let at = span(&q);
                                let date = self.date(q);
                                if keyword == Rule::k_to {
                                    decl.valid_to = Some((date, at));
                                } else {
                                    decl.valid_from = Some((date, at));
                                }
                            }
                            other => keyword = other,
                        }
                    }
                }
                other => after = other,
            }
        }
        decl
    }

    fn parameter(&mut self, pair: Pair<'_, Rule>) -> ParameterDecl {
        let whole = span(&pair);
        let mut name = None;
        let mut texts = Vec::new();
        let mut entries = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::text => texts.push(self.text(p)),
                Rule::param_entry => entries.push(self.param_entry(p)),
                _ => {}
            }
        }
        ParameterDecl {
            name: name.unwrap_or(Ident {
                name: String::new(),
                span: whole,
            }),
            texts,
            entries,
            span: whole,
        }
    }

    fn param_entry(&mut self, pair: Pair<'_, Rule>) -> ParamEntry {
        let whole = span(&pair);
        let mut entry = ParamEntry {
            from: Date::constant(1970, 1, 1),
            from_span: whole,
            value: ParamValue::Unknown,
            unverified: false,
            citation: None,
            note: None,
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::date => {
                    entry.from_span = span(&p);
                    entry.from = self.date(p);
                }
                Rule::param_value => entry.value = self.param_value(p),
                Rule::unverified => entry.unverified = true,
                Rule::citation => entry.citation = Some(self.citation(p)),
                Rule::note => entry.note = parts(p).next().map(|s| self.string(s)),
                _ => {}
            }
        }
        entry
    }

    fn param_value(&mut self, pair: Pair<'_, Rule>) -> ParamValue {
        let Some(inner) = parts(pair).next() else {
            return ParamValue::Unknown;
        };
        match inner.as_rule() {
            Rule::money => ParamValue::Exact(self.money(inner)),
            Rule::range => {
                let whole = span(&inner);
                let mut numbers = Vec::new();
                let mut currency = Ident {
                    name: String::new(),
                    span: whole,
                };
                for p in parts(inner) {
                    match p.as_rule() {
                        Rule::number => numbers.push((p.as_str().to_string(), span(&p))),
                        Rule::currency => currency = self.ident(p),
                        _ => {}
                    }
                }
                let mut amounts = numbers.into_iter().map(|(digits, at)| {
                    let written = format!("{digits} {}", currency.name);
                    self.amount(&digits, at, &written, &currency.name)
                });
                let low = amounts.next().unwrap_or_default();
                let high = amounts.next().unwrap_or_default();
                ParamValue::Range {
                    low,
                    high,
                    currency,
                    span: whole,
                }
            }
            Rule::repealed => ParamValue::Repealed,
            _ => ParamValue::Unknown,
        }
    }

    fn define(&mut self, pair: Pair<'_, Rule>) -> DefineDecl {
        let whole = span(&pair);
        let mut name = None;
        let mut for_record = None;
        let mut texts = Vec::new();
        let mut expr = None;
        let mut citations = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::define_for => for_record = parts(p).next().map(|i| self.ident(i)),
                Rule::text => texts.push(self.text(p)),
                Rule::condition => {
                    let cond = self.top_cond(p);
                    expr = Some(match cond.kind {
                        CondKind::Truth(value) => value,
                        _ => {
                            let span = cond.span;
                            Expr::new(ExprKind::Cond(Box::new(cond)), span)
                        }
                    });
                }
                Rule::citation => citations.push(self.citation(p)),
                _ => {}
            }
        }
        DefineDecl {
            name: name.unwrap_or(Ident {
                name: String::new(),
                span: whole,
            }),
            for_record,
            texts,
            expr: expr.unwrap_or(Expr::new(ExprKind::Number(Decimal::ZERO), whole)),
            citations,
            span: whole,
        }
    }

    fn named_text(&mut self, pair: Pair<'_, Rule>) -> NamedTextDecl {
        let whole = span(&pair);
        let mut name = None;
        let mut texts = Vec::new();
        let mut citations = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::text => texts.push(self.text(p)),
                Rule::citation => citations.push(self.citation(p)),
                _ => {}
            }
        }
        NamedTextDecl {
            name: name.unwrap_or(Ident {
                name: String::new(),
                span: whole,
            }),
            texts,
            citations,
            span: whole,
        }
    }

    fn rule(&mut self, pair: Pair<'_, Rule>) -> RuleDecl {
        let whole = span(&pair);
        let mut rule = RuleDecl {
            name: Ident {
                name: String::new(),
                span: whole,
            },
            exception_to: Vec::new(),
            valid_from: None,
            valid_to: None,
            when: None,
            outcome: OutcomeDecl::Undecided {
                contradictory: false,
            },
            outcome_span: whole,
            obligations: Vec::new(),
            warnings: Vec::new(),
            groups: Vec::new(),
            citations: Vec::new(),
            texts: Vec::new(),
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::ident => rule.name = self.ident(p),
                Rule::exception_to => rule.exception_to = parts(p).map(|i| self.ident(i)).collect(),
                Rule::validity => {
                    let mut dates = parts(p)
                        .map(|d| (span(&d), d))
                        .collect::<Vec<_>>()
                        .into_iter();
                    if let Some((s, d)) = dates.next() {
                        rule.valid_from = Some((self.date(d), s));
                    }
                    if let Some((s, d)) = dates.next() {
                        rule.valid_to = Some((self.date(d), s));
                    }
                }
                Rule::when_clause => rule.when = parts(p).next().map(|c| self.top_cond(c)),
                Rule::outcome => {
                    rule.outcome_span = span(&p);
                    rule.outcome = self.outcome(p);
                }
                Rule::with_obligation | Rule::with_warning => {
                    self.with_clause(p, &mut rule.obligations, &mut rule.warnings)
                }
                Rule::with_clauses => {
                    if let Some(name) = parts(p).next() {
                        let name = self.ident(name);
                        rule.groups
                            .push((name, rule.obligations.len(), rule.warnings.len()));
                    }
                }
                Rule::citation => rule.citations.push(self.citation(p)),
                Rule::text => rule.texts.push(self.text(p)),
                _ => {}
            }
        }
        rule
    }

    /// A `with obligation …` or `with warning …` clause, into the list it belongs to.
    fn with_clause(
        &mut self,
        p: Pair<'_, Rule>,
        obligations: &mut Vec<WithObligation>,
        warnings: &mut Vec<WithObligation>,
    ) {
        let is_warning = p.as_rule() == Rule::with_warning;
        let mut name = None;
        let mut when = None;
        for q in parts(p) {
            match q.as_rule() {
                Rule::ident => name = Some(self.ident(q)),
                Rule::condition => when = Some(self.top_cond(q)),
                _ => {}
            }
        }
        if let Some(name) = name {
            let list = if is_warning { warnings } else { obligations };
            list.push(WithObligation { name, when });
        }
    }

    fn empty_ident(whole: Span) -> Ident {
        Ident {
            name: String::new(),
            span: whole,
        }
    }

    fn clauses(&mut self, pair: Pair<'_, Rule>) -> ClausesDecl {
        let whole = span(&pair);
        let mut decl = ClausesDecl {
            name: Self::empty_ident(whole),
            obligations: Vec::new(),
            warnings: Vec::new(),
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::ident => decl.name = self.ident(p),
                Rule::with_obligation | Rule::with_warning => {
                    self.with_clause(p, &mut decl.obligations, &mut decl.warnings)
                }
                _ => {}
            }
        }
        decl
    }

    fn country(&mut self, pair: Pair<'_, Rule>) -> CountryDecl {
        let whole = span(&pair);
        let mut decl = CountryDecl {
            name: Self::empty_ident(whole),
            texts: Vec::new(),
            currency: None,
            language: None,
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::ident => decl.name = self.ident(p),
                Rule::text => decl.texts.push(self.text(p)),
                Rule::country_currency => decl.currency = parts(p).next().map(|c| self.ident(c)),
                Rule::country_language => {
                    decl.language = parts(p)
                        .next()
                        .map(|l| (l.as_str().parse().unwrap_or(Lang::En), span(&l)))
                }
                _ => {}
            }
        }
        decl
    }

    fn verdict(&mut self, pair: Pair<'_, Rule>) -> VerdictDecl {
        let whole = span(&pair);
        let mut decl = VerdictDecl {
            outcome: VerdictKind::Undecided,
            countries: Vec::new(),
            texts: Vec::new(),
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::verdict_kind => {
                    decl.outcome = match parts(p).next().map(|k| k.as_rule()) {
                        Some(Rule::allowed_with_obligations) => VerdictKind::AllowedWithObligations,
                        Some(Rule::not_allowed_plain) => VerdictKind::NotAllowed,
                        Some(Rule::allowed) => VerdictKind::Allowed,
                        _ => VerdictKind::Undecided,
                    }
                }
                Rule::text => decl.texts.push(self.text(p)),
                Rule::countries => decl.countries = self.countries(p),
                _ => {}
            }
        }
        decl
    }

    fn case_kind(&mut self, pair: Pair<'_, Rule>) -> CaseDecl {
        let whole = span(&pair);
        let mut decl = CaseDecl {
            name: Self::empty_ident(whole),
            texts: Vec::new(),
            section: None,
            default: false,
            rules_for: Vec::new(),
            verdicts: Vec::new(),
            form: None,
            related: None,
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::ident => decl.name = self.ident(p),
                Rule::text => decl.texts.push(self.text(p)),
                Rule::case_section => decl.section = parts(p).next().map(|i| self.ident(i)),
                Rule::case_default => decl.default = true,
                Rule::case_rules_for => decl.rules_for = parts(p).map(|t| self.text(t)).collect(),
                Rule::verdict_decl => {
                    let v = self.verdict(p);
                    decl.verdicts.push(v);
                }
                Rule::case_form => decl.form = Some(self.form(p)),
                Rule::related_decl => {
                    let whole = span(&p);
                    let mut related = RelatedDecl {
                        kind: Self::empty_ident(whole),
                        from: Self::empty_ident(whole),
                        when_not_allowed: false,
                        title: Vec::new(),
                        verdicts: Vec::new(),
                        instead: Vec::new(),
                        span: whole,
                    };
                    for q in parts(p) {
                        match q.as_rule() {
                            Rule::ident => related.kind = self.ident(q),
                            Rule::path => related.from = self.ident(q),
                            Rule::related_when => related.when_not_allowed = true,
                            Rule::related_title => {
                                related.title = parts(q).map(|t| self.text(t)).collect()
                            }
                            Rule::verdict_decl => {
                                let v = self.verdict(q);
                                related.verdicts.push(v);
                            }
                            Rule::related_instead => {
                                for v in parts(q) {
                                    let v = self.verdict(v);
                                    related.instead.push(v);
                                }
                            }
                            _ => {}
                        }
                    }
                    decl.related = Some(related);
                }
                _ => {}
            }
        }
        decl
    }

    fn form(&mut self, pair: Pair<'_, Rule>) -> FormDecl {
        let mut form = FormDecl {
            first: Vec::new(),
            help: Vec::new(),
            pasted: Vec::new(),
            span: span(&pair),
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::form_first => form.first.extend(parts(p).map(|i| self.ident(i))),
                Rule::form_help => form.help.extend(parts(p).map(|t| self.text(t))),
                Rule::form_pasted => form.pasted.extend(parts(p).map(|t| self.text(t))),
                _ => {}
            }
        }
        form
    }

    fn countries(&mut self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        parts(pair).map(|i| self.ident(i)).collect()
    }

    fn list(&mut self, pair: Pair<'_, Rule>) -> ListDecl {
        let whole = span(&pair);
        let mut decl = ListDecl {
            name: Self::empty_ident(whole),
            texts: Vec::new(),
            includes: Vec::new(),
            items: Vec::new(),
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::ident => decl.name = self.ident(p),
                Rule::text => decl.texts.push(self.text(p)),
                Rule::list_include => {
                    if let Some(i) = parts(p).next() {
                        decl.includes.push(self.ident(i));
                    }
                }
                Rule::list_item => {
                    let whole = span(&p);
                    let mut item = ListItemDecl {
                        name: Self::empty_ident(whole),
                        countries: Vec::new(),
                        aliases: Vec::new(),
                        texts: Vec::new(),
                        span: whole,
                    };
                    for q in parts(p) {
                        match q.as_rule() {
                            Rule::ident => item.name = self.ident(q),
                            Rule::countries => item.countries = self.countries(q),
                            Rule::item_alias => {
                                for s in parts(q) {
                                    let text = self.string(s);
                                    item.aliases.push(text);
                                }
                            }
                            Rule::text => item.texts.push(self.text(q)),
                            _ => {}
                        }
                    }
                    decl.items.push(item);
                }
                _ => {}
            }
        }
        decl
    }

    fn value_type(&mut self, pair: Pair<'_, Rule>) -> TypeDecl {
        let Some(inner) = pair.into_inner().next() else {
            return TypeDecl::Text;
        };
        match inner.as_rule() {
            Rule::t_one_of => match parts(inner).next() {
                Some(i) => TypeDecl::OneOf(self.ident(i)),
                None => TypeDecl::Text,
            },
            Rule::t_list_of => match parts(inner).next() {
                Some(i) => TypeDecl::ListOf(self.ident(i)),
                None => TypeDecl::Text,
            },
            Rule::t_whole_number => TypeDecl::WholeNumber,
            Rule::t_cpv => TypeDecl::Cpv,
            Rule::t_yes_no => TypeDecl::YesNo,
            Rule::t_amount => TypeDecl::Amount,
            Rule::t_date => TypeDecl::Date,
            Rule::t_percent => TypeDecl::Percent,
            _ => TypeDecl::Text,
        }
    }

    fn record(&mut self, pair: Pair<'_, Rule>) -> RecordDecl {
        let whole = span(&pair);
        let mut decl = RecordDecl {
            name: Self::empty_ident(whole),
            texts: Vec::new(),
            fields: Vec::new(),
            line: Vec::new(),
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::ident => decl.name = self.ident(p),
                Rule::text => decl.texts.push(self.text(p)),
                Rule::record_field => {
                    let whole = span(&p);
                    let required = p
                        .clone()
                        .into_inner()
                        .any(|q| q.as_rule() == Rule::c_required);
                    let mut field = FieldDecl {
                        name: Self::empty_ident(whole),
                        ty: TypeDecl::Text,
                        required,
                        mark: None,
                        texts: Vec::new(),
                        span: whole,
                    };
                    for q in parts(p) {
                        match q.as_rule() {
                            Rule::ident => field.name = self.ident(q),
                            Rule::field_mark => field.mark = parts(q).next().map(|i| self.ident(i)),
                            Rule::value_type => field.ty = self.value_type(q),
                            Rule::text => field.texts.push(self.text(q)),
                            _ => {}
                        }
                    }
                    decl.fields.push(field);
                }
                Rule::record_line => decl.line = parts(p).map(|i| self.ident(i)).collect(),
                _ => {}
            }
        }
        decl
    }

    fn fact(&mut self, pair: Pair<'_, Rule>) -> FactDecl {
        let whole = span(&pair);
        let mut decl = FactDecl {
            path: Self::empty_ident(whole),
            ty: TypeDecl::Text,
            ty_span: whole,
            texts: Vec::new(),
            question: Vec::new(),
            default: None,
            countries: Vec::new(),
            flag: None,
            each_as: None,
            if_said: Vec::new(),
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::path => decl.path = self.ident(p),
                Rule::value_type => {
                    decl.ty_span = span(&p);
                    decl.ty = self.value_type(p);
                }
                Rule::text => decl.texts.push(self.text(p)),
                Rule::fact_question => decl.question = parts(p).map(|t| self.text(t)).collect(),
                Rule::fact_default => {
                    let whole = span(&p);
                    let mut value = Literal::Bool(false);
                    let mut citations = Vec::new();
                    for q in parts(p) {
                        match q.as_rule() {
                            Rule::money => value = Literal::Money(self.money(q)),
                            Rule::date => value = Literal::Date(self.date(q)),
                            Rule::number => value = Literal::Number(self.number(q)),
                            Rule::boolean => value = Literal::Bool(q.as_str() == "true"),
                            Rule::ident => value = Literal::Name(q.as_str().to_string()),
                            Rule::citation => citations.push(self.citation(q)),
                            _ => {}
                        }
                    }
                    decl.default = Some(FactDefault {
                        value,
                        citations,
                        span: whole,
                    });
                }
                Rule::countries => decl.countries = self.countries(p),
                Rule::fact_flag => {
                    if let Some(s) = parts(p).next() {
                        let at = span(&s);
                        let text = self.string(s);
                        decl.flag = Some((text, at));
                    }
                }
                Rule::fact_each => decl.each_as = parts(p).next().map(|i| self.ident(i)),
                Rule::fact_if => {
                    let whole = span(&p);
                    let mut said = FactIf {
                        value: false,
                        texts: Vec::new(),
                        span: whole,
                    };
                    for q in parts(p) {
                        match q.as_rule() {
                            Rule::boolean => said.value = q.as_str() == "true",
                            Rule::text => said.texts.push(self.text(q)),
                            _ => {}
                        }
                    }
                    decl.if_said.push(said);
                }
                _ => {}
            }
        }
        decl
    }

    fn ledger(&mut self, pair: Pair<'_, Rule>) -> LedgerDecl {
        let whole = span(&pair);
        let mut decl = LedgerDecl {
            country: Self::empty_ident(whole),
            clauses: Vec::new(),
            span: whole,
        };
        for p in parts(pair) {
            let at = span(&p);
            let rule = p.as_rule();
            if rule == Rule::ident {
                decl.country = self.ident(p);
                continue;
            }
            let names: Vec<Ident> = parts(p.clone())
                .filter(|q| matches!(q.as_rule(), Rule::ident | Rule::path))
                .map(|q| self.ident(q))
                .collect();
            let name = |i: usize| {
                names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| Self::empty_ident(at))
            };
            let part = match rule {
                Rule::ledger_layout => LedgerPart::Layout(name(0)),
                Rule::ledger_buyer => LedgerPart::Buyer {
                    fact: name(0),
                    kind: name(1),
                },
                Rule::ledger_value => LedgerPart::Value(name(0)),
                Rule::ledger_earlier => LedgerPart::Earlier(name(0)),
                Rule::ledger_category => LedgerPart::Category(name(0)),
                Rule::ledger_unrecorded => {
                    let mut facts = Vec::new();
                    for q in parts(p) {
                        let names: Vec<Ident> = parts(q).map(|n| self.ident(n)).collect();
                        let mut names = names.into_iter();
                        let fact = names.next().unwrap_or_else(|| Self::empty_ident(at));
                        let when = names.next().zip(names.next());
                        facts.push(NotRecordedDecl { fact, when });
                    }
                    LedgerPart::NotRecorded(facts)
                }
                Rule::ledger_grouping => {
                    LedgerPart::Grouping(parts(p).map(|t| self.text(t)).collect())
                }
                Rule::ledger_next_steps => {
                    LedgerPart::NextSteps(parts(p).map(|t| self.text(t)).collect())
                }
                _ => continue,
            };
            decl.clauses.push(LedgerClause { part, span: at });
        }
        decl
    }

    fn outcome(&mut self, pair: Pair<'_, Rule>) -> OutcomeDecl {
        let Some(inner) = parts(pair).next() else {
            return OutcomeDecl::Undecided {
                contradictory: false,
            };
        };
        match inner.as_rule() {
            Rule::allowed => OutcomeDecl::Allowed,
            Rule::not_allowed => OutcomeDecl::NotAllowed {
                requires: parts(inner).next().map(|i| self.ident(i)),
            },
            _ => OutcomeDecl::Undecided {
                contradictory: inner
                    .into_inner()
                    .any(|p| p.as_rule() == Rule::k_contradictory),
            },
        }
    }

    fn example(&mut self, pair: Pair<'_, Rule>) -> ExampleDecl {
        let whole = span(&pair);
        let mut title = String::new();
        let mut givens = Vec::new();
        let mut expect = Expect {
            outcome: ExpectedOutcome::Undecided,
            by: None,
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::string => title = self.string(p),
                Rule::given => givens.push(self.given(p)),
                Rule::expect => expect = self.expect(p),
                _ => {}
            }
        }
        ExampleDecl {
            title,
            givens,
            expect,
            span: whole,
        }
    }

    fn given(&mut self, pair: Pair<'_, Rule>) -> Given {
        let whole = span(&pair);
        let mut path = Ident {
            name: String::new(),
            span: whole,
        };
        let mut value = Literal::Bool(false);
        for p in parts(pair) {
            match p.as_rule() {
                Rule::path => path = self.ident(p),
                Rule::money => value = Literal::Money(self.money(p)),
                Rule::date => value = Literal::Date(self.date(p)),
                Rule::number => value = Literal::Number(self.number(p)),
                Rule::boolean => value = Literal::Bool(p.as_str() == "true"),
                Rule::ident | Rule::cpv_code => value = Literal::Name(p.as_str().to_string()),
                Rule::string => value = Literal::Name(self.string(p)),
                _ => {}
            }
        }
        Given {
            path,
            value,
            span: whole,
        }
    }

    fn expect(&mut self, pair: Pair<'_, Rule>) -> Expect {
        let whole = span(&pair);
        let mut outcome = ExpectedOutcome::Undecided;
        let mut by = None;
        for p in parts(pair) {
            match p.as_rule() {
                Rule::expected_outcome => {
                    if let Some(inner) = parts(p).next() {
                        outcome = match inner.as_rule() {
                            Rule::allowed => ExpectedOutcome::Allowed,
                            Rule::allowed_with_obligations => {
                                ExpectedOutcome::AllowedWithObligations
                            }
                            Rule::not_allowed => ExpectedOutcome::NotAllowed {
                                requires: parts(inner).next().map(|i| self.ident(i)),
                            },
                            _ => ExpectedOutcome::Undecided,
                        };
                    }
                }
                Rule::ident => by = Some(self.ident(p)),
                _ => {}
            }
        }
        Expect {
            outcome,
            by,
            span: whole,
        }
    }

    fn cond(&mut self, pair: Pair<'_, Rule>) -> Cond {
        let whole = span(&pair);
        match pair.as_rule() {
            Rule::condition | Rule::conjunction => {
                let is_or = pair.as_rule() == Rule::condition;
                let mut items: Vec<Cond> = parts(pair).map(|p| self.cond(p)).collect();
                if items.len() == 1 {
                    return items
                        .pop()
                        .unwrap_or(Cond::new(CondKind::And(Vec::new()), whole));
                }
                let kind = if is_or {
                    CondKind::Or(items)
                } else {
                    CondKind::And(items)
                };
                Cond::new(kind, whole)
            }
            Rule::negation => {
                let negated = pair
                    .clone()
                    .into_inner()
                    .next()
                    .is_some_and(|p| p.as_rule() == Rule::k_not);
                let inner = parts(pair).next();
                let inner = match inner {
                    Some(p) => self.cond(p),
                    None => Cond::new(CondKind::And(Vec::new()), whole),
                };
                if negated {
                    Cond::new(CondKind::Not(Box::new(inner)), whole)
                } else {
                    inner
                }
            }
            Rule::comparison => self.comparison(pair),
            _ => Cond::new(CondKind::And(Vec::new()), whole),
        }
    }

    fn comparison(&mut self, pair: Pair<'_, Rule>) -> Cond {
        let whole = span(&pair);
        let mut inner = parts(pair);
        let subject = match inner.next() {
            Some(p) => self.expr(p),
            None => Expr::new(ExprKind::Number(Decimal::ZERO), whole),
        };
        let Some(tail) = inner.next() else {
            return Cond::new(CondKind::Truth(subject), whole);
        };
        let kind = match tail.as_rule() {
            Rule::cmp_tail => {
                let mut t = parts(tail);
                let op = match t.next().map(|p| p.as_str().to_string()).as_deref() {
                    Some("<") => CmpOp::Lt,
                    Some("<=" | "≤") => CmpOp::Le,
                    Some(">") => CmpOp::Gt,
                    Some(">=" | "≥") => CmpOp::Ge,
                    Some("!=" | "≠") => CmpOp::Ne,
                    _ => CmpOp::Eq,
                };
                let right = match t.next() {
                    Some(p) => self.expr(p),
                    None => Expr::new(ExprKind::Number(Decimal::ZERO), whole),
                };
                CondKind::Compare {
                    op,
                    left: subject,
                    right,
                }
            }
            Rule::between_tail => {
                let mut bounds = parts(tail)
                    .map(|p| self.expr(p))
                    .collect::<Vec<_>>()
                    .into_iter();
                let zero = Expr::new(ExprKind::Number(Decimal::ZERO), whole);
                let low = bounds.next().unwrap_or_else(|| zero.clone());
                let high = bounds.next().unwrap_or(zero);
                CondKind::Between { subject, low, high }
            }
            _ => {
                // is_tail
                let Some(test) = parts(tail).next() else {
                    return Cond::new(CondKind::Truth(subject), whole);
                };
                match test.as_rule() {
                    Rule::is_missing => CondKind::IsMissing {
                        subject,
                        negated: false,
                    },
                    Rule::is_stated => CondKind::IsMissing {
                        subject,
                        negated: true,
                    },
                    Rule::is_one_of | Rule::is_value => CondKind::Is {
                        subject,
                        negated: false,
                        values: self.is_values(test),
                    },
                    _ => {
                        // is_not: `not` followed by one_of or a single name
                        let values = match parts(test.clone()).next() {
                            Some(p) if p.as_rule() == Rule::is_one_of => self.is_values(p),
                            Some(p) => vec![self.ident(p)],
                            None => Vec::new(),
                        };
                        CondKind::Is {
                            subject,
                            negated: true,
                            values,
                        }
                    }
                }
            }
        };
        Cond::new(kind, whole)
    }

    fn is_values(&mut self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        parts(pair).map(|p| self.ident(p)).collect()
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let whole = span(&pair);
        match pair.as_rule() {
            Rule::expr | Rule::term => {
                let mut inner = parts(pair);
                let mut left = match inner.next() {
                    Some(p) => self.expr(p),
                    None => {
                        return Expr::new(ExprKind::Number(Decimal::ZERO), whole);
                    }
                };
                while let (Some(op), Some(right)) = (inner.next(), inner.next()) {
                    let op = match op.as_str() {
                        "+" => ArithOp::Add,
                        "-" | "−" => ArithOp::Sub,
                        _ => ArithOp::Mul,
                    };
                    let right = self.expr(right);
                    let span = Span::new(left.span.start, right.span.end);
                    // A sum or product is a chain as tall as it is long: stop it at the limit,
                    // before anything deep enough to overflow a stack exists.
                    if left.height.max(right.height) >= MAX_HEIGHT {
                        self.too_tall(right.span);
                        break;
                    }
                    let kind = ExprKind::Arith {
                        op,
                        left: Box::new(left),
                        right: Box::new(right),
                    };
                    left = Expr::new(kind, span);
                }
                left
            }
            Rule::percent_of => {
                let mut inner = parts(pair);
                let percent = inner.next().map(|p| self.number(p)).unwrap_or_default();
                let of = match inner.next() {
                    Some(p) => self.expr(p),
                    None => Expr::new(ExprKind::Number(Decimal::ZERO), whole),
                };
                let kind = ExprKind::PercentOf {
                    percent,
                    of: Box::new(of),
                };
                Expr::new(kind, whole)
            }
            Rule::if_expr => {
                let mut inner = parts(pair);
                let zero = Expr::new(ExprKind::Number(Decimal::ZERO), whole);
                let cond = inner.next().map(|p| self.cond(p));
                let then = inner
                    .next()
                    .map(|p| self.expr(p))
                    .unwrap_or_else(|| zero.clone());
                let otherwise = inner.next().map(|p| self.expr(p)).unwrap_or(zero);
                let cond = cond.unwrap_or(Cond::new(CondKind::And(Vec::new()), whole));
                let kind = ExprKind::If {
                    cond: Box::new(cond),
                    then: Box::new(then),
                    otherwise: Box::new(otherwise),
                };
                Expr::new(kind, whole)
            }
            Rule::money => Expr::new(ExprKind::Money(self.money(pair)), whole),
            Rule::date => Expr::new(ExprKind::Date(self.date(pair)), whole),
            Rule::number => Expr::new(ExprKind::Number(self.number(pair)), whole),
            Rule::boolean => Expr::new(ExprKind::Bool(pair.as_str() == "true"), whole),
            Rule::condition => {
                let cond = self.cond(pair);
                match cond.kind {
                    CondKind::Truth(value) => value,
                    _ => {
                        let span = cond.span;
                        Expr::new(ExprKind::Cond(Box::new(cond)), span)
                    }
                }
            }
            Rule::quantified => {
                let mut quantifier = Quantifier::Any;
                let mut binder = Self::empty_ident(whole);
                let mut list = Self::empty_ident(whole);
                let mut of = None;
                let mut cond = None;
                for p in parts(pair) {
                    match p.as_rule() {
                        Rule::quantifier => {
                            quantifier = match p.into_inner().next().map(|k| k.as_rule()) {
                                Some(Rule::k_all) => Quantifier::All,
                                Some(Rule::k_count) => Quantifier::Count,
                                Some(Rule::k_sum) => Quantifier::Sum,
                                _ => Quantifier::Any,
                            }
                        }
                        Rule::ident => binder = self.ident(p),
                        Rule::path => list = self.ident(p),
                        Rule::term => of = Some(Box::new(self.expr(p))),
                        Rule::negation => cond = Some(Box::new(self.cond(p))),
                        _ => {}
                    }
                }
                Expr::new(
                    ExprKind::Quantified {
                        quantifier,
                        binder,
                        list,
                        of,
                        cond,
                    },
                    whole,
                )
            }
            Rule::fact_or_default => {
                let mut inner = parts(pair);
                let name = match inner.next() {
                    Some(p) => self.ident(p),
                    None => Ident {
                        name: String::new(),
                        span: whole,
                    },
                };
                let default = inner.next().map(|p| Box::new(self.expr(p)));
                Expr::new(ExprKind::Name { name, default }, whole)
            }
            _ => Expr::new(ExprKind::Number(Decimal::ZERO), whole),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::words_of;

    /// How texts were read before `words_of` copied runs whole: unescape, then split into lines
    /// and the lines into words.
    fn words_by_lines(inner: &str) -> String {
        let mut unescaped = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => unescaped.push('\n'),
                    Some(other) => unescaped.push(other),
                    None => {}
                }
            } else {
                unescaped.push(c);
            }
        }
        let mut out = String::with_capacity(unescaped.len());
        for (i, line) in unescaped.split('\n').enumerate() {
            let words: Vec<&str> = line
                .split([' ', '\t', '\r'])
                .filter(|w| !w.is_empty())
                .collect();
            if i > 0 && !out.is_empty() && !words.is_empty() {
                out.push(' ');
            }
            out.push_str(&words.join(" "));
        }
        out
    }

    #[test]
    fn words_of_reads_every_short_text_as_the_lines_did() {
        let alphabet = ['a', 'é', ' ', '\t', '\r', '\n', '\\', 'n', '"'];
        let mut texts = vec![String::new()];
        let mut all = Vec::new();
        for _ in 0..5 {
            texts = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            all.extend(texts.iter().cloned());
        }
        for text in &all {
            assert_eq!(words_of(text), words_by_lines(text), "{text:?}");
        }
    }
}
