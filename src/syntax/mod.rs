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
use crate::money::parse_amount_digits;

#[derive(Parser)]
#[grammar = "../grammar/regelverk.pest"]
struct RegelParser;

/// Rule files larger than this are refused before parsing, to protect embedding servers.
pub const MAX_RULE_FILE_BYTES: usize = 4 * 1024 * 1024;
/// How deeply parentheses and `if` may nest; deeper input is refused instead of overflowing
/// the stack.
pub const MAX_NESTING: usize = 64;
/// How deeply parentheses may nest. Parsing is linear in the nesting since the grammar has one
/// rule for parentheses (an earlier grammar backtracked exponentially on unclosed ones: 26 levels
/// took over 10 s, found by `cargo fuzz`); the limit keeps the recursion shallow. Rule files
/// nest two or three levels.
pub const MAX_PARENS: usize = 32;

/// The keywords that open an item (or the file's `jurisdiction` line) at the start of a line.
pub const ITEM_KEYWORDS: [&str; 9] = [
    "jurisdiction",
    "source",
    "parameter",
    "define",
    "procedure",
    "obligation",
    "warning",
    "rule",
    "example",
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
                "parentheses nest too deeply",
            )
            .with_label(format!("more than {limit} levels"))
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
    };
    let lowered = lowering.file(file);
    if lowering.diagnostics.is_empty() {
        Ok(lowered)
    } else {
        Err(lowering.diagnostics)
    }
}

/// The offset of the first parenthesis or `if` past the nesting limit, if any. Counting before
/// parsing keeps pest's recursive descent from ever going deep enough to overflow.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut parens = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\n' => in_comment = false,
            _ if in_comment => {}
            b'"' => in_string = !in_string,
            b'#' if !in_string => in_comment = true,
            b'(' if !in_string => {
                depth += 1;
                parens += 1;
                if parens > MAX_PARENS {
                    return Some((i, MAX_PARENS));
                }
                if depth > MAX_NESTING {
                    return Some((i, MAX_NESTING));
                }
            }
            b')' if !in_string => {
                depth = depth.saturating_sub(1);
                parens = parens.saturating_sub(1);
            }
            b'i' if !in_string && bytes.get(i + 1) == Some(&b'f') => {
                let before_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
                let after_ok = bytes
                    .get(i + 2)
                    .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_');
                if before_ok && after_ok {
                    depth += 1;
                    if depth > MAX_NESTING * 2 {
                        return Some((i, MAX_NESTING * 2));
                    }
                }
            }
            _ => {}
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
        | Rule::example_decl => {
            "an item (`source`, `parameter`, `define`, `procedure`, `obligation`, `warning`, `rule` or `example`)"
        }
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
        Rule::k_allowed
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

    fn file(&mut self, pair: Pair<'_, Rule>) -> File {
        let mut jurisdiction = None;
        let mut case_kind = None;
        let mut items = Vec::new();
        for p in parts(pair) {
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
        // Rule files wrap long texts over several lines; a text means its words, so runs of
        // white space (line breaks and indentation included) become one space.
        let inner = pair.into_inner().next().map_or("", |p| p.as_str());
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
        let mut amount = Decimal::ZERO;
        let mut currency = Ident {
            name: String::new(),
            span: whole,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::number => amount = self.number(p),
                Rule::currency => currency = self.ident(p),
                _ => {}
            }
        }
        MoneyLit {
            amount,
            currency,
            span: whole,
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
                        Rule::number => numbers.push(self.number(p)),
                        Rule::currency => currency = self.ident(p),
                        _ => {}
                    }
                }
                let low = numbers.first().copied().unwrap_or_default();
                let high = numbers.get(1).copied().unwrap_or_default();
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
        let mut texts = Vec::new();
        let mut expr = None;
        let mut citations = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::text => texts.push(self.text(p)),
                Rule::condition => {
                    let cond = self.cond(p);
                    expr = Some(match cond.kind {
                        CondKind::Truth(value) => value,
                        _ => Expr {
                            span: cond.span,
                            kind: ExprKind::Cond(Box::new(cond)),
                        },
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
            texts,
            expr: expr.unwrap_or(Expr {
                kind: ExprKind::Number(Decimal::ZERO),
                span: whole,
            }),
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
            outcome: OutcomeDecl::Undecided,
            outcome_span: whole,
            obligations: Vec::new(),
            warnings: Vec::new(),
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
                Rule::when_clause => rule.when = parts(p).next().map(|c| self.cond(c)),
                Rule::outcome => {
                    rule.outcome_span = span(&p);
                    rule.outcome = self.outcome(p);
                }
                Rule::with_obligation | Rule::with_warning => {
                    let is_warning = p.as_rule() == Rule::with_warning;
                    let mut name = None;
                    let mut when = None;
                    for q in parts(p) {
                        match q.as_rule() {
                            Rule::ident => name = Some(self.ident(q)),
                            Rule::condition => when = Some(self.cond(q)),
                            _ => {}
                        }
                    }
                    if let Some(name) = name {
                        let list = if is_warning {
                            &mut rule.warnings
                        } else {
                            &mut rule.obligations
                        };
                        list.push(WithObligation { name, when });
                    }
                }
                Rule::citation => rule.citations.push(self.citation(p)),
                Rule::text => rule.texts.push(self.text(p)),
                _ => {}
            }
        }
        rule
    }

    fn outcome(&mut self, pair: Pair<'_, Rule>) -> OutcomeDecl {
        let Some(inner) = parts(pair).next() else {
            return OutcomeDecl::Undecided;
        };
        match inner.as_rule() {
            Rule::allowed => OutcomeDecl::Allowed,
            Rule::not_allowed => OutcomeDecl::NotAllowed {
                requires: parts(inner).next().map(|i| self.ident(i)),
            },
            _ => OutcomeDecl::Undecided,
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
                    return items.pop().unwrap_or(Cond {
                        kind: CondKind::And(Vec::new()),
                        span: whole,
                    });
                }
                Cond {
                    kind: if is_or {
                        CondKind::Or(items)
                    } else {
                        CondKind::And(items)
                    },
                    span: whole,
                }
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
                    None => Cond {
                        kind: CondKind::And(Vec::new()),
                        span: whole,
                    },
                };
                if negated {
                    Cond {
                        kind: CondKind::Not(Box::new(inner)),
                        span: whole,
                    }
                } else {
                    inner
                }
            }
            Rule::comparison => self.comparison(pair),
            _ => Cond {
                kind: CondKind::And(Vec::new()),
                span: whole,
            },
        }
    }

    fn comparison(&mut self, pair: Pair<'_, Rule>) -> Cond {
        let whole = span(&pair);
        let mut inner = parts(pair);
        let subject = match inner.next() {
            Some(p) => self.expr(p),
            None => Expr {
                kind: ExprKind::Number(Decimal::ZERO),
                span: whole,
            },
        };
        let Some(tail) = inner.next() else {
            return Cond {
                kind: CondKind::Truth(subject),
                span: whole,
            };
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
                    None => Expr {
                        kind: ExprKind::Number(Decimal::ZERO),
                        span: whole,
                    },
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
                let zero = Expr {
                    kind: ExprKind::Number(Decimal::ZERO),
                    span: whole,
                };
                let low = bounds.next().unwrap_or_else(|| zero.clone());
                let high = bounds.next().unwrap_or(zero);
                CondKind::Between { subject, low, high }
            }
            _ => {
                // is_tail
                let Some(test) = parts(tail).next() else {
                    return Cond {
                        kind: CondKind::Truth(subject),
                        span: whole,
                    };
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
        Cond { kind, span: whole }
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
                        return Expr {
                            kind: ExprKind::Number(Decimal::ZERO),
                            span: whole,
                        };
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
                    left = Expr {
                        kind: ExprKind::Arith {
                            op,
                            left: Box::new(left),
                            right: Box::new(right),
                        },
                        span,
                    };
                }
                left
            }
            Rule::percent_of => {
                let mut inner = parts(pair);
                let percent = inner.next().map(|p| self.number(p)).unwrap_or_default();
                let of = match inner.next() {
                    Some(p) => self.expr(p),
                    None => Expr {
                        kind: ExprKind::Number(Decimal::ZERO),
                        span: whole,
                    },
                };
                Expr {
                    kind: ExprKind::PercentOf {
                        percent,
                        of: Box::new(of),
                    },
                    span: whole,
                }
            }
            Rule::if_expr => {
                let mut inner = parts(pair);
                let zero = Expr {
                    kind: ExprKind::Number(Decimal::ZERO),
                    span: whole,
                };
                let cond = inner.next().map(|p| self.cond(p));
                let then = inner
                    .next()
                    .map(|p| self.expr(p))
                    .unwrap_or_else(|| zero.clone());
                let otherwise = inner.next().map(|p| self.expr(p)).unwrap_or(zero);
                let cond = cond.unwrap_or(Cond {
                    kind: CondKind::And(Vec::new()),
                    span: whole,
                });
                Expr {
                    kind: ExprKind::If {
                        cond: Box::new(cond),
                        then: Box::new(then),
                        otherwise: Box::new(otherwise),
                    },
                    span: whole,
                }
            }
            Rule::money => Expr {
                kind: ExprKind::Money(self.money(pair)),
                span: whole,
            },
            Rule::date => Expr {
                kind: ExprKind::Date(self.date(pair)),
                span: whole,
            },
            Rule::number => Expr {
                kind: ExprKind::Number(self.number(pair)),
                span: whole,
            },
            Rule::boolean => Expr {
                kind: ExprKind::Bool(pair.as_str() == "true"),
                span: whole,
            },
            Rule::condition => {
                let cond = self.cond(pair);
                match cond.kind {
                    CondKind::Truth(value) => value,
                    _ => Expr {
                        span: cond.span,
                        kind: ExprKind::Cond(Box::new(cond)),
                    },
                }
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
                Expr {
                    kind: ExprKind::Name { name, default },
                    span: whole,
                }
            }
            _ => Expr {
                kind: ExprKind::Number(Decimal::ZERO),
                span: whole,
            },
        }
    }
}
