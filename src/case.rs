//! The case: what the buyer describes, as a typed map of the facts the rule files declare.
//!
//! A case is read from TOML or JSON through a rule set's [`Vocabulary`]
//! ([`RuleSet::read_case`](crate::RuleSet::read_case)), or built fact by fact
//! ([`RuleSet::new_case`](crate::RuleSet::new_case), [`Case::set`]). Unknown fields are errors
//! with file:line:col and a "did you mean"; values are parsed by their declared type (money
//! exact, dates by the calendar, names of closed lists by name or alias). Every fact except the
//! country and the date may be absent: a rule that needs an absent fact makes the outcome
//! undecided and names it.
//!
//! Invariant: a case holds its values by the slots of the vocabulary it was read against (and
//! that vocabulary), so that evaluating it does no lookup by name; evaluated with a rule set of
//! another vocabulary, it is read again by path first ([`Case::resolved_for`]).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostic::{Diagnostic, SourceText, Span, did_you_mean};
use crate::money::Money;
use crate::vocab::{
    CountryId, FactId, FactRef, KindId, ListId, NameId, RecordId, ValueType, Vocabulary,
};

mod json_lines;
pub(crate) use json_lines::JsonCases;

/// Cases larger than this are refused before parsing, to protect embedding servers.
pub const MAX_CASE_BYTES: usize = 64 * 1024;

/// A CPV code: eight digits, optionally with the check digit (`92000000-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cpv {
    /// The eight digits, as a number.
    pub code: u32,
    /// The check digit after the dash, if given.
    pub check: Option<u8>,
}

impl FromStr for Cpv {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (digits, check) = match s.split_once('-') {
            Some((d, c)) => (d, Some(c)),
            None => (s, None),
        };
        let bad = || format!("`{s}` is not a CPV code; write eight digits, e.g. `92000000-1`");
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let check = match check {
            Some(c) if c.len() == 1 && c.bytes().all(|b| b.is_ascii_digit()) => c.parse().ok(),
            Some(_) => return Err(bad()),
            None => None,
        };
        Ok(Cpv {
            code: digits.parse().map_err(|_| bad())?,
            check,
        })
    }
}

impl fmt::Display for Cpv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.check {
            Some(c) => write!(f, "{:08}-{c}", self.code),
            None => write!(f, "{:08}", self.code),
        }
    }
}

impl Serialize for Cpv {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cpv {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Cpv::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// A value a case states, of the type its fact declares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Money(Money),
    Date(Date),
    Number(Decimal),
    Bool(bool),
    Text(Box<str>),
    Cpv(Cpv),
    Name(NameId),
    Names(Vec<NameId>),
    Records(Vec<Element>),
}

/// One element of a list of records: its fields' values by field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Element {
    pub fields: Vec<Option<Value>>,
}

/// A planned purchase or partnership, as typed facts. Amounts are estimates excluding VAT.
#[derive(Clone)]
pub struct Case {
    pub(crate) vocab: Arc<Vocabulary>,
    pub(crate) country: CountryId,
    pub(crate) date: Date,
    pub(crate) kind: KindId,
    /// By fact slot.
    pub(crate) values: Vec<Option<Value>>,
    /// The section of a related case (the purchase a partnership requires), when the case has it:
    /// its own section's facts only.
    pub(crate) related: Option<Box<Case>>,
}

impl PartialEq for Case {
    fn eq(&self, other: &Case) -> bool {
        self.vocab.id == other.vocab.id
            && self.country == other.country
            && self.date == other.date
            && self.kind == other.kind
            && self.values == other.values
            && self.related == other.related
    }
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_toml())
    }
}

/// A calendar date written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let valid_shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !valid_shape {
        return Err(format!("`{text}` is not a date; write it like 2026-03-01"));
    }
    text.parse::<Date>()
        .map_err(|_| format!("`{text}` is not a calendar date"))
}

/// A percentage as a rule file or the CLI writes it: `81`, `80,5`, `1 %`.
fn percent(text: &str) -> Result<Decimal, String> {
    crate::money::parse_amount_digits(text.trim().trim_end_matches('%').trim())
        .filter(|p| *p <= Decimal::ONE_HUNDRED)
        .ok_or_else(|| format!("`{text}` is not a percentage from 0 to 100"))
}

/// Why a case could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", crate::diagnostic::render_all(.diagnostics))]
pub struct CaseError {
    /// What is wrong, each with its place.
    pub diagnostics: Vec<Diagnostic>,
}

impl CaseError {
    pub(crate) fn at(source: &SourceText, span: Option<Span>, message: String) -> Self {
        let diagnostic = match span {
            Some(span) => Diagnostic::error(source, span, message).with_label("here"),
            None => Diagnostic::without_position(&source.name, message),
        };
        CaseError {
            diagnostics: vec![diagnostic],
        }
    }
}

// ---- building ---------------------------------------------------------------------------------

impl Case {
    /// A case with only the country and the date: the start of a case built fact by fact.
    pub(crate) fn empty(vocab: &Arc<Vocabulary>, country: CountryId, date: Date) -> Case {
        Case {
            vocab: Arc::clone(vocab),
            country,
            date,
            kind: vocab.default_kind,
            values: vec![None; vocab.facts.len()],
            related: None,
        }
    }

    /// The country's code, e.g. `SE`.
    pub fn jurisdiction(&self) -> &str {
        self.vocab.code(self.country)
    }

    /// The day the procurement starts: it selects the law in force.
    pub fn date(&self) -> Date {
        self.date
    }

    /// The kind of case (`purchase`, `partnership`), as the rule files name it.
    pub fn kind(&self) -> &str {
        self.vocab
            .kinds
            .get(self.kind)
            .map_or("", |k| k.name.as_str())
    }

    /// Makes this a case of another declared kind (`partnership`).
    pub fn set_kind(&mut self, kind: &str) -> Result<(), String> {
        self.kind = self.vocab.kind(kind).ok_or_else(|| {
            format!(
                "unknown kind of case `{kind}`; expected one of: {}",
                self.vocab
                    .kinds
                    .iter()
                    .map(|k| k.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        Ok(())
    }

    /// Makes this a case of another declared country.
    pub fn set_jurisdiction(&mut self, code: &str) -> Result<(), String> {
        self.country = self
            .vocab
            .country(code)
            .ok_or_else(|| unknown_country(&self.vocab, code))?;
        Ok(())
    }

    /// Sets the day the procurement starts.
    pub fn set_date(&mut self, date: Date) {
        self.date = date;
    }

    /// Sets a fact from text, as a rule file's `given`, the command line or an answer to a
    /// question writes it: `case.set("purchase.value", "650 000 SEK")`. Also `date`,
    /// `jurisdiction`, a field of an element (`partnership.parties[2].contracting_authority`),
    /// a new element on one line (`partnership.party`, `Falu kommun; kommun; premises, staff`)
    /// and the facts of a related case (`partnership.procurement.value`).
    pub fn set(&mut self, path: &str, text: &str) -> Result<(), String> {
        match path {
            "date" => {
                self.date = parse_date(text)?;
                return Ok(());
            }
            "jurisdiction" => return self.set_jurisdiction(text),
            _ => {}
        }
        let vocab = Arc::clone(&self.vocab);
        if let Some(fact) = vocab.element_path(path) {
            let ValueType::Records(record) = vocab.fact_decl(fact).ty else {
                return Err(format!("`{path}` adds no element"));
            };
            let element = parse_line(&vocab, record, text)?;
            self.enter_section(path);
            match &mut self.values[fact.index()] {
                Some(Value::Records(list)) => list.push(element),
                slot => *slot = Some(Value::Records(vec![element])),
            }
            return Ok(());
        }
        if let Some((kind, inner)) = vocab.related_path(path) {
            self.enter_section(path);
            let (country, date) = (self.country, self.date);
            let related = self.related.get_or_insert_with(|| {
                let mut c = Case::empty(&vocab, country, date);
                c.kind = kind;
                Box::new(c)
            });
            return related.set(&inner, text);
        }
        match vocab.resolve(path) {
            Some(FactRef::Fact(fact)) => {
                let value = parse_text(&vocab, vocab.fact_decl(fact).ty, text)?;
                self.enter_section(path);
                self.values[fact.index()] = Some(value);
                Ok(())
            }
            Some(FactRef::Field { fact, index, field }) => {
                let ty = vocab.value_type(FactRef::Field { fact, index, field });
                let value = parse_text(&vocab, ty, text)?;
                let Some(Value::Records(list)) = &mut self.values[fact.index()] else {
                    return Err(format!(
                        "the case has no element {} in `{}`",
                        index + 1,
                        vocab.fact_decl(fact).path
                    ));
                };
                let element = list.get_mut(index as usize).ok_or_else(|| {
                    format!(
                        "the case has no element {} in `{}`",
                        index + 1,
                        vocab.fact_decl(fact).path
                    )
                })?;
                element.fields[field as usize] = Some(value);
                Ok(())
            }
            None => Err(unknown_fact(&vocab, path)),
        }
    }

    /// Takes a fact out of the case: it is then not stated.
    pub fn remove(&mut self, path: &str) -> Result<(), String> {
        let vocab = Arc::clone(&self.vocab);
        if let Some((_, inner)) = vocab.related_path(path) {
            if let Some(related) = &mut self.related {
                return related.remove(&inner);
            }
            return Ok(());
        }
        match vocab.resolve(path) {
            Some(FactRef::Fact(fact)) => {
                self.values[fact.index()] = None;
                Ok(())
            }
            Some(FactRef::Field { fact, index, field }) => {
                if let Some(Value::Records(list)) = &mut self.values[fact.index()]
                    && let Some(e) = list.get_mut(index as usize)
                {
                    e.fields[field as usize] = None;
                }
                Ok(())
            }
            None => Err(unknown_fact(&vocab, path)),
        }
    }

    /// A fact's value as a rule file writes it (`650 000 SEK`, `kommun`, `true`), if the case
    /// states it.
    pub fn get(&self, path: &str) -> Option<String> {
        if let Some((_, inner)) = self.vocab.related_path(path) {
            return self.related.as_ref()?.get(&inner);
        }
        match path {
            "date" => return Some(self.date.to_string()),
            "jurisdiction" => return Some(self.jurisdiction().to_string()),
            _ => {}
        }
        let r = self.vocab.resolve(path)?;
        let value = self.value(r)?;
        Some(notation(&self.vocab, self.vocab.value_type(r), value))
    }

    /// An amount the case states, e.g. `purchase.value`.
    pub fn amount(&self, path: &str) -> Option<Money> {
        if let Some((_, inner)) = self.vocab.related_path(path) {
            return self.related.as_ref()?.amount(&inner);
        }
        match self.value(self.vocab.resolve(path)?)? {
            Value::Money(m) => Some(*m),
            _ => None,
        }
    }

    /// Sets an amount: `case.set_amount("purchase.value", Money::whole(650_000, sek))`.
    pub fn set_amount(&mut self, path: &str, money: Money) -> Result<(), String> {
        self.set(path, &money.to_string())
    }

    /// Whether the case states a fact.
    pub fn states(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// A case stating one fact of a section makes it a case of the section's kind.
    fn enter_section(&mut self, path: &str) {
        if self.kind == self.vocab.default_kind
            && let Some(kind) = self.vocab.kind_of_path(path)
        {
            self.kind = kind;
        }
    }

    pub(crate) fn value(&self, r: FactRef) -> Option<&Value> {
        match r {
            FactRef::Fact(f) => self.values.get(f.index())?.as_ref(),
            FactRef::Field { fact, index, field } => {
                match self.values.get(fact.index())?.as_ref()? {
                    Value::Records(list) => list
                        .get(index as usize)?
                        .fields
                        .get(field as usize)?
                        .as_ref(),
                    _ => None,
                }
            }
        }
    }

    /// The related case (the purchase a partnership requires) as a case of its own: the facts
    /// outside this case's own section, and the related section's as that kind's.
    pub(crate) fn related_case(&self) -> Option<Case> {
        let nested = self.related.as_ref()?;
        let own = self.vocab.kinds.get(self.kind)?.section.clone();
        let mut case = (**nested).clone();
        case.country = self.country;
        case.date = self.date;
        for (i, fact) in self.vocab.facts.iter().enumerate() {
            let in_own = own
                .as_deref()
                .is_some_and(|s| fact.path.split('.').next() == Some(s));
            let in_related = fact.kind == Some(nested.kind);
            if !in_own && !in_related {
                case.values[i] = self.values[i].clone();
            }
        }
        Some(case)
    }

    /// The same case in another vocabulary, read again by path; facts the other vocabulary
    /// does not declare, or declares with another type, are left out (and so unknown).
    pub fn resolved_for(&self, vocab: &Arc<Vocabulary>) -> Case {
        if self.vocab.id == vocab.id {
            return self.clone();
        }
        let country = vocab.country(self.jurisdiction()).unwrap_or(0);
        let mut case = Case::empty(vocab, country, self.date);
        if let Some(kind) = vocab.kind(self.kind()) {
            case.kind = kind;
        }
        for (path, text) in self.lines() {
            let _ = case.set(&path, &text);
        }
        case
    }

    /// Every stated fact as (path, text), elements on one line by their element path.
    fn lines(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, fact) in self.vocab.facts.iter().enumerate() {
            let Some(value) = &self.values[i] else {
                continue;
            };
            match (value, fact.ty, &fact.each_as) {
                (Value::Records(list), ValueType::Records(r), Some(each)) => {
                    for e in list {
                        out.push((each.clone(), line_of(&self.vocab, r, e)));
                    }
                }
                (Value::Records(_), _, _) => {}
                _ => out.push((fact.path.clone(), notation(&self.vocab, fact.ty, value))),
            }
        }
        if let Some(related) = &self.related
            && let Some(kind) = self.vocab.kinds.get(self.kind)
            && let Some(rel) = &kind.related
            && let Some(section) = self.vocab.kinds[rel.kind].section.as_deref()
        {
            for (path, text) in related.lines() {
                if let Some(rest) = path.strip_prefix(section).and_then(|r| r.strip_prefix('.')) {
                    out.push((format!("{}.{rest}", rel.from), text));
                }
            }
        }
        out
    }
}

fn unknown_country(vocab: &Vocabulary, code: &str) -> String {
    format!(
        "unknown country `{code}`; expected one of: {}",
        vocab.codes().join(", ")
    )
}

fn unknown_fact(vocab: &Vocabulary, path: &str) -> String {
    let candidates: Vec<&str> = vocab.facts.iter().map(|f| f.path.as_str()).collect();
    match did_you_mean(path, candidates) {
        Some(h) => format!("`{path}` is not a fact a case can state; did you mean `{h}`?"),
        None => format!("`{path}` is not a fact a case can state"),
    }
}

fn unknown_name(
    vocab: &Vocabulary,
    list: ListId,
    text: &str,
    country: Option<CountryId>,
) -> String {
    let l = &vocab.lists[list];
    let names: Vec<&str> = match country {
        Some(c) => vocab
            .names_in(list, c)
            .into_iter()
            .map(|n| vocab.name_text(list, n))
            .collect(),
        None => l.names.iter().map(String::as_str).collect(),
    };
    let what = if l.titles.en.is_empty() {
        l.name.replace('_', " ")
    } else {
        l.titles.en.clone()
    };
    format!(
        "unknown {what} `{text}`; expected one of: {}",
        names.join(", ")
    )
}

fn yes_no(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("`{text}` is not `true` or `false`")),
    }
}

/// A value from text, by its type.
fn parse_text(vocab: &Vocabulary, ty: ValueType, text: &str) -> Result<Value, String> {
    Ok(match ty {
        ValueType::Amount => Value::Money(Money::from_str(text).map_err(|e| e.to_string())?),
        ValueType::Date => Value::Date(parse_date(text)?),
        ValueType::WholeNumber => Value::Number(Decimal::from(
            text.trim()
                .parse::<u32>()
                .map_err(|_| format!("`{text}` is not a whole number"))?,
        )),
        ValueType::Percent => Value::Number(percent(text)?),
        ValueType::YesNo => Value::Bool(yes_no(text)?),
        ValueType::Text => Value::Text(text.into()),
        ValueType::Cpv => Value::Cpv(text.parse()?),
        ValueType::OneOf(list) => Value::Name(
            vocab
                .name(list, text.trim())
                .ok_or_else(|| unknown_name(vocab, list, text.trim(), None))?,
        ),
        ValueType::Names(list) => {
            let mut names = Vec::new();
            for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                names.push(
                    vocab
                        .name(list, part)
                        .ok_or_else(|| unknown_name(vocab, list, part, None))?,
                );
            }
            Value::Names(names)
        }
        ValueType::Records(_) => {
            return Err("a list of records is given one element at a time".to_string());
        }
    })
}

/// An element written on one line: its fields in the record's one-line order, separated by `;`.
fn parse_line(vocab: &Vocabulary, record: RecordId, text: &str) -> Result<Element, String> {
    let r = &vocab.records[record];
    let form = r
        .line
        .iter()
        .map(|&f| r.fields[f].name.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let mut element = Element {
        fields: vec![None; r.fields.len()],
    };
    let (places, marks) = r.line.split_at(line_places(r));
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    let (placed, marked) = parts.split_at(parts.len().min(places.len()));
    for (&field, part) in places.iter().zip(placed) {
        if !part.is_empty() || matches!(r.fields[field].ty, ValueType::Names(_)) {
            element.fields[field] = Some(parse_line_field(vocab, &r.fields[field], part)?);
        }
    }
    for mark in marked.iter().filter(|m| !m.is_empty()) {
        let (word, value) = match mark.strip_prefix("not ") {
            Some(rest) => (rest.trim(), false),
            None => (*mark, true),
        };
        let Some(&field) = marks
            .iter()
            .find(|&&f| r.fields[f].mark == word || r.fields[f].name == word)
        else {
            if marks.is_empty() {
                return Err(format!("write {} on one line as `{form}`", r.titles.en));
            }
            let known: Vec<String> = marks
                .iter()
                .map(|&f| format!("`{}`", r.fields[f].mark))
                .collect();
            return Err(format!(
                "`{mark}` after the {}: write {}, each alone or after `not`",
                places
                    .last()
                    .map_or("fields", |&f| r.fields[f].name.as_str()),
                known.join(" or ")
            ));
        };
        if element.fields[field].is_some() {
            return Err(format!(
                "`{mark}` repeats or contradicts an earlier mark of the {}",
                r.titles.en
            ));
        }
        element.fields[field] = Some(Value::Bool(value));
    }
    for (i, f) in r.fields.iter().enumerate() {
        if f.required && element.fields[i].is_none() {
            return Err(format!("{} needs its {}: `{form}`", r.titles.en, f.name));
        }
    }
    Ok(element)
}

/// How many fields of a record's one-line form are given by place: those before the yes/no
/// fields at its end, which are marks.
fn line_places(r: &crate::vocab::Record) -> usize {
    let marks = r
        .line
        .iter()
        .rev()
        .take_while(|&&f| r.fields[f].ty == ValueType::YesNo)
        .count();
    r.line.len() - marks
}

/// A field's value on one line, as [`parse_text`] reads it.
fn parse_line_field(
    vocab: &Vocabulary,
    field: &crate::vocab::Field,
    text: &str,
) -> Result<Value, String> {
    parse_text(vocab, field.ty, text)
}

/// A value as a rule file writes it.
fn notation(vocab: &Vocabulary, ty: ValueType, value: &Value) -> String {
    match (value, ty) {
        (Value::Money(m), _) => m.to_string(),
        (Value::Date(d), _) => d.to_string(),
        (Value::Number(n), _) => n.normalize().to_string(),
        (Value::Bool(b), _) => b.to_string(),
        (Value::Text(t), _) => t.to_string(),
        (Value::Cpv(c), _) => c.to_string(),
        (Value::Name(n), ValueType::OneOf(l)) => vocab.name_text(l, *n).to_string(),
        (Value::Names(ns), ValueType::Names(l)) => ns
            .iter()
            .map(|n| vocab.name_text(l, *n))
            .collect::<Vec<_>>()
            .join(", "),
        (Value::Records(list), ValueType::Records(r)) => list
            .iter()
            .map(|e| line_of(vocab, r, e))
            .collect::<Vec<_>>()
            .join(" | "),
        _ => String::new(),
    }
}

/// An element on one line.
fn line_of(vocab: &Vocabulary, record: RecordId, element: &Element) -> String {
    let r = &vocab.records[record];
    let (places, marks) = r.line.split_at(line_places(r));
    let mut parts: Vec<Option<String>> = places
        .iter()
        .map(|&f| {
            let field = &r.fields[f];
            element.fields[f]
                .as_ref()
                .map(|v| notation(vocab, field.ty, v))
        })
        .collect();
    // Fields not stated at the end are not written: written empty, a list would read as empty.
    while parts.len() > 1 && parts.last().is_some_and(Option::is_none) {
        parts.pop();
    }
    let mut out: Vec<String> = parts.into_iter().map(Option::unwrap_or_default).collect();
    let stated: Vec<String> = marks
        .iter()
        .filter_map(|&f| match element.fields[f] {
            Some(Value::Bool(true)) => Some(r.fields[f].mark.clone()),
            Some(Value::Bool(false)) => Some(format!("not {}", r.fields[f].mark)),
            _ => None,
        })
        .collect();
    if !stated.is_empty() {
        out.resize(places.len(), String::new());
        out.extend(stated);
    }
    out.join("; ")
}

// ---- reading TOML and JSON ---------------------------------------------------------------------

/// A case file's content as a tree, with where each key and value is written.
#[derive(Debug, Clone)]
enum Node {
    Table(Vec<(String, Span, Node)>, Span),
    Array(Vec<Node>, Span),
    Str(String, Span),
    Int(String, Span),
    Float(String, Span),
    Bool(bool, Span),
    Date(String, Span),
}

impl Node {
    fn span(&self) -> Span {
        match self {
            Node::Table(_, s)
            | Node::Array(_, s)
            | Node::Str(_, s)
            | Node::Int(_, s)
            | Node::Float(_, s)
            | Node::Bool(_, s)
            | Node::Date(_, s) => *s,
        }
    }

    /// What the value is, as serde says it ("integer `650000`").
    fn describe(&self) -> String {
        match self {
            Node::Table(..) => "a table".into(),
            Node::Array(..) => "an array".into(),
            Node::Str(s, _) => format!("string \"{s}\""),
            Node::Int(i, _) => format!("integer `{i}`"),
            Node::Float(f, _) => format!("floating point `{f}`"),
            Node::Bool(b, _) => format!("boolean `{b}`"),
            Node::Date(d, _) => format!("date `{d}`"),
        }
    }
}

fn toml_tree(text: &str) -> Result<Node, (Option<Span>, String)> {
    use toml::de::{DeTable, DeValue};
    let table = DeTable::parse(text).map_err(|e| {
        (
            e.span().map(|r| Span::new(r.start, r.end)),
            e.message().to_string(),
        )
    })?;
    fn value(v: &toml::Spanned<DeValue<'_>>) -> Node {
        let r = v.span();
        let span = Span::new(r.start, r.end);
        match v.get_ref() {
            DeValue::String(s) => Node::Str(s.to_string(), span),
            DeValue::Integer(i) => Node::Int(i.as_str().replace('_', ""), span),
            DeValue::Float(f) => Node::Float(f.as_str().to_string(), span),
            DeValue::Boolean(b) => Node::Bool(*b, span),
            DeValue::Datetime(d) => Node::Date(d.to_string(), span),
            DeValue::Array(a) => Node::Array(a.iter().map(value).collect(), span),
            DeValue::Table(t) => table_node(t, span),
        }
    }
    fn table_node(t: &DeTable<'_>, span: Span) -> Node {
        let mut entries: Vec<(String, Span, Node)> = t
            .iter()
            .map(|(k, v)| {
                let r = k.span();
                (k.get_ref().to_string(), Span::new(r.start, r.end), value(v))
            })
            .collect();
        entries.sort_by_key(|(_, s, _)| s.start);
        Node::Table(entries, span)
    }
    let r = table.span();
    Ok(table_node(table.get_ref(), Span::new(r.start, r.end)))
}

fn json_tree(text: &str, source: &SourceText) -> Result<Node, (Option<Span>, String)> {
    // Read in the order the text gives (a `serde_json::Value` would sort the keys), so that
    // each key and value can be found in the text after the one before it.
    let value: Out = serde_json::from_str(text).map_err(|e| {
        let offset = source.offset_of(e.line(), e.column().max(1));
        // serde_json points just past the offending token; step back onto it.
        let start = offset.saturating_sub(1);
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        (
            (e.line() > 0).then_some(Span::new(start, start + 1)),
            message,
        )
    })?;
    // JSON carries no positions once parsed: each key and value is found in the text after the
    // one before it, which is enough to point at a field.
    fn find(text: &str, cursor: &mut usize, token: &str) -> Span {
        let at = text
            .get(*cursor..)
            .and_then(|rest| rest.find(token))
            .map_or(*cursor, |i| i + *cursor);
        *cursor = (at + token.len()).min(text.len());
        Span::new(at, *cursor)
    }
    fn node(v: &Out, text: &str, cursor: &mut usize) -> Node {
        match v {
            Out::Table(entries) => {
                let start = find(text, cursor, "{").start;
                let mut out = Vec::new();
                for (k, v) in entries {
                    let quoted = serde_json::to_string(k).unwrap_or_default();
                    let key_span = find(text, cursor, &quoted);
                    let value = node(v, text, cursor);
                    out.push((k.clone(), key_span, value));
                }
                Node::Table(out, Span::new(start, start + 1))
            }
            Out::Array(items) => {
                let span = find(text, cursor, "[");
                Node::Array(items.iter().map(|i| node(i, text, cursor)).collect(), span)
            }
            Out::Str(s) => {
                let quoted = serde_json::to_string(s).unwrap_or_default();
                Node::Str(s.clone(), find(text, cursor, &quoted))
            }
            Out::Number(n) => {
                let span = find(text, cursor, n);
                if n.contains(['.', 'e', 'E']) {
                    Node::Float(n.clone(), span)
                } else {
                    Node::Int(n.clone(), span)
                }
            }
            Out::Bool(b) => Node::Bool(*b, find(text, cursor, &b.to_string())),
        }
    }
    let mut cursor = 0usize;
    let root = node(&value, text, &mut cursor);
    match root {
        Node::Table(..) => Ok(root),
        other => Err((Some(other.span()), "expected a table of facts".to_string())),
    }
}

/// Reads a case through a vocabulary.
struct Reader<'v> {
    vocab: &'v Arc<Vocabulary>,
    source: &'v SourceText,
    errors: Vec<Diagnostic>,
    country: Option<CountryId>,
}

impl Reader<'_> {
    fn error(&mut self, span: Span, message: String, help: Option<String>) {
        let mut d = Diagnostic::error(self.source, span, message).with_label("here");
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.errors.push(d);
    }

    /// The keys that may follow `prefix` (`purchase.` → `category`, `cpv`, …), in declaration
    /// order, for the case's country.
    fn keys_under(&self, prefix: &str) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        let mut push = |k: &str| {
            if !keys.iter().any(|x| x == k) {
                keys.push(k.to_string());
            }
        };
        if prefix.is_empty() {
            push("jurisdiction");
            push("date");
        }
        for (i, f) in self.vocab.facts.iter().enumerate() {
            if let Some(c) = self.country
                && !self.vocab.fact_in(FactId(i as u32), c)
            {
                continue;
            }
            if let Some(rest) = f.path.strip_prefix(prefix)
                && let Some(key) = rest.split('.').next()
            {
                push(key);
            }
        }
        for k in &self.vocab.kinds {
            if let Some(r) = &k.related
                && let Some(rest) = r.from.strip_prefix(prefix)
                && let Some(key) = rest.split('.').next()
            {
                push(key);
            }
            if prefix.is_empty()
                && let Some(s) = &k.section
            {
                push(s);
            }
        }
        keys
    }

    fn unknown_key(&mut self, key: &str, span: Span, prefix: &str) {
        let keys = self.keys_under(prefix);
        let expected = match keys.as_slice() {
            [] => "there are no fields here".to_string(),
            [one] => format!("expected `{one}`"),
            [a, b] => format!("expected `{a}` or `{b}`"),
            many => format!(
                "expected one of {}",
                many.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let help = did_you_mean(key, keys.iter().map(String::as_str))
            .map(|h| format!("did you mean `{h}`?"));
        self.error(span, format!("unknown field `{key}`, {expected}"), help);
    }

    /// Reads the entries of a table at `prefix` (`` for the top, `purchase.` …) into a case.
    fn table(&mut self, entries: &[(String, Span, Node)], prefix: &str, case: &mut Case) {
        for (key, key_span, node) in entries {
            let path = format!("{prefix}{key}");
            if prefix.is_empty() && (key == "jurisdiction" || key == "date") {
                continue;
            }
            if let Some(fact) = self.vocab.fact(&path) {
                if let Some(c) = self.country
                    && !self.vocab.fact_in(fact, c)
                {
                    self.error(
                        *key_span,
                        format!("`{path}` is not a fact of a case in {}", self.vocab.code(c)),
                        None,
                    );
                    continue;
                }
                let ty = self.vocab.fact_decl(fact).ty;
                if let Some(value) = self.value(ty, node, &path) {
                    case.values[fact.index()] = Some(value);
                }
                case.enter_section(&path);
                continue;
            }
            let related = self.vocab.kinds.iter().find_map(|k| {
                k.related
                    .as_ref()
                    .filter(|r| r.from == path)
                    .map(|r| r.kind)
            });
            if let (Some(kind), Node::Table(inner, _)) = (related, node) {
                case.enter_section(&path);
                let mut nested = Case::empty(self.vocab, case.country, case.date);
                nested.kind = kind;
                let section = self.vocab.kinds[kind].section.clone().unwrap_or_default();
                // The related case's section, under its own kind's name.
                for (k, s, n) in inner {
                    self.table(
                        &[(k.clone(), *s, n.clone())],
                        &format!("{section}."),
                        &mut nested,
                    );
                }
                case.related = Some(Box::new(nested));
                continue;
            }
            let is_section = self
                .vocab
                .facts
                .iter()
                .any(|f| f.path.starts_with(&format!("{path}.")))
                || self.vocab.kinds.iter().any(|k| {
                    k.section.as_deref() == Some(path.as_str())
                        || k.related
                            .as_ref()
                            .is_some_and(|r| r.from.starts_with(&format!("{path}.")))
                });
            match node {
                Node::Table(inner, _) if is_section => {
                    case.enter_section(&path);
                    self.table(inner, &format!("{path}."), case);
                }
                _ if is_section => self.error(
                    node.span(),
                    format!("invalid type: {}, expected a table", node.describe()),
                    None,
                ),
                _ => self.unknown_key(key, *key_span, prefix),
            }
        }
    }

    fn value(&mut self, ty: ValueType, node: &Node, path: &str) -> Option<Value> {
        let bad_type = |this: &mut Self, expected: &str| {
            this.error(
                node.span(),
                format!("invalid type: {}, expected {expected}", node.describe()),
                None,
            );
            None
        };
        match (ty, node) {
            (ValueType::Amount, Node::Str(s, span)) => match Money::from_str(s) {
                Ok(m) => Some(Value::Money(m)),
                Err(e) => {
                    self.error(*span, e.to_string(), None);
                    None
                }
            },
            (ValueType::Amount, _) => bad_type(
                self,
                "an amount in quotes with its currency, like \"650 000 SEK\"",
            ),
            (ValueType::Date, Node::Date(s, span) | Node::Str(s, span)) => match parse_date(s) {
                Ok(d) => Some(Value::Date(d)),
                Err(e) => {
                    self.error(*span, e, None);
                    None
                }
            },
            (ValueType::Date, _) => bad_type(self, "a date like 2026-03-01"),
            (ValueType::WholeNumber, Node::Int(i, span)) => match i.parse::<u32>() {
                Ok(n) => Some(Value::Number(Decimal::from(n))),
                Err(_) => {
                    self.error(*span, format!("`{i}` is not a whole number from 0"), None);
                    None
                }
            },
            (ValueType::WholeNumber, _) => bad_type(self, "a whole number"),
            (
                ValueType::Percent,
                Node::Int(t, span) | Node::Float(t, span) | Node::Str(t, span),
            ) => match percent(t) {
                Ok(p) => Some(Value::Number(p)),
                Err(e) => {
                    self.error(*span, e, None);
                    None
                }
            },
            (ValueType::Percent, _) => bad_type(self, "a percentage from 0 to 100"),
            (ValueType::YesNo, Node::Bool(b, _)) => Some(Value::Bool(*b)),
            (ValueType::YesNo, _) => bad_type(self, "a boolean"),
            (ValueType::Text, Node::Str(s, _)) => Some(Value::Text(s.as_str().into())),
            (ValueType::Text, _) => bad_type(self, "a string"),
            (ValueType::Cpv, Node::Str(s, span)) => match s.parse::<Cpv>() {
                Ok(c) => Some(Value::Cpv(c)),
                Err(e) => {
                    self.error(*span, e, None);
                    None
                }
            },
            (ValueType::Cpv, _) => bad_type(self, "a CPV code in quotes, like \"92000000-1\""),
            (ValueType::OneOf(list), Node::Str(s, span)) => match self.vocab.name(list, s) {
                Some(n) => Some(Value::Name(n)),
                None => {
                    let names: Vec<String> = match self.country {
                        Some(c) => self
                            .vocab
                            .names_in(list, c)
                            .into_iter()
                            .map(|n| self.vocab.name_text(list, n).to_string())
                            .collect(),
                        None => self.vocab.lists[list].names.clone(),
                    };
                    let help = did_you_mean(s, names.iter().map(String::as_str))
                        .map(|h| format!("did you mean `{h}`?"));
                    let message = unknown_name(self.vocab, list, s, self.country);
                    self.error(*span, message, help);
                    None
                }
            },
            (ValueType::OneOf(_), _) => bad_type(self, "a name in quotes"),
            (ValueType::Names(list), Node::Array(items, _)) => {
                let mut names = Vec::new();
                for item in items {
                    if let Some(Value::Name(n)) = self.value(ValueType::OneOf(list), item, path) {
                        names.push(n);
                    }
                }
                Some(Value::Names(names))
            }
            (ValueType::Names(_), _) => bad_type(self, "a list of names"),
            (ValueType::Records(record), Node::Array(items, _)) => {
                let mut elements = Vec::new();
                for item in items {
                    match item {
                        Node::Table(entries, span) => {
                            elements.push(self.element(record, entries, *span, path))
                        }
                        other => {
                            self.error(
                                other.span(),
                                format!("invalid type: {}, expected a table", other.describe()),
                                None,
                            );
                        }
                    }
                }
                Some(Value::Records(elements))
            }
            (ValueType::Records(_), _) => bad_type(self, "an array of tables"),
        }
    }

    fn element(
        &mut self,
        record: RecordId,
        entries: &[(String, Span, Node)],
        span: Span,
        path: &str,
    ) -> Element {
        let r = &self.vocab.records[record];
        let mut element = Element {
            fields: vec![None; r.fields.len()],
        };
        for (key, key_span, node) in entries {
            match r.fields.iter().position(|f| f.name == *key) {
                Some(i) => {
                    let ty = r.fields[i].ty;
                    element.fields[i] = self.value(ty, node, &format!("{path}.{key}"));
                }
                None => {
                    let keys: Vec<String> = r.fields.iter().map(|f| f.name.clone()).collect();
                    let expected = keys
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let help = did_you_mean(key, keys.iter().map(String::as_str))
                        .map(|h| format!("did you mean `{h}`?"));
                    self.error(
                        *key_span,
                        format!("unknown field `{key}`, expected one of {expected}"),
                        help,
                    );
                }
            }
        }
        for (i, f) in r.fields.iter().enumerate() {
            if f.required && !entries.iter().any(|(k, _, _)| *k == f.name) {
                self.error(
                    Span::new(span.start, span.start + 1),
                    format!("missing field `{}`", f.name),
                    None,
                );
                element.fields[i] = None;
            }
        }
        element
    }
}

impl Case {
    /// Reads a case from TOML (or JSON when `name` ends in `.json`) through a vocabulary.
    pub(crate) fn read(vocab: &Arc<Vocabulary>, text: &str, name: &str) -> Result<Case, CaseError> {
        let source = SourceText::new(name, text);
        if source.text.len() > MAX_CASE_BYTES {
            return Err(CaseError::at(
                &source,
                None,
                format!(
                    "the case is {} bytes; the limit is {} bytes",
                    source.text.len(),
                    MAX_CASE_BYTES
                ),
            ));
        }
        let tree = if name.ends_with(".json") {
            json_tree(text, &source)
        } else {
            toml_tree(text)
        };
        let root =
            tree.map_err(|(span, message)| CaseError::at(&source, span, clean_message(&message)))?;
        let Node::Table(entries, _) = &root else {
            return Err(CaseError::at(
                &source,
                None,
                "expected a table of facts".into(),
            ));
        };
        let mut reader = Reader {
            vocab,
            source: &source,
            errors: Vec::new(),
            country: None,
        };
        let find = |key: &str| entries.iter().find(|(k, _, _)| k == key);
        let country = match find("jurisdiction") {
            Some((_, _, Node::Str(code, span))) => match vocab.country(code) {
                Some(c) => Some(c),
                None => {
                    let help =
                        did_you_mean(code, vocab.codes()).map(|h| format!("did you mean `{h}`?"));
                    reader.error(*span, unknown_country(vocab, code), help);
                    None
                }
            },
            Some((_, _, other)) => {
                reader.error(
                    other.span(),
                    format!(
                        "invalid type: {}, expected a country's code in quotes",
                        other.describe()
                    ),
                    None,
                );
                None
            }
            None => {
                reader.error(Span::new(0, 1), "missing field `jurisdiction`".into(), None);
                None
            }
        };
        reader.country = country;
        let date = match find("date") {
            Some((_, _, Node::Date(d, span) | Node::Str(d, span))) => match parse_date(d) {
                Ok(d) => Some(d),
                Err(e) => {
                    reader.error(*span, e, None);
                    None
                }
            },
            Some((_, _, other)) => {
                reader.error(
                    other.span(),
                    format!(
                        "invalid type: {}, expected a date like 2026-03-01",
                        other.describe()
                    ),
                    None,
                );
                None
            }
            None => {
                reader.error(Span::new(0, 1), "missing field `date`".into(), None);
                None
            }
        };
        let mut case = Case::empty(
            vocab,
            country.unwrap_or(0),
            date.unwrap_or(Date::constant(2000, 1, 1)),
        );
        reader.table(entries, "", &mut case);
        if reader.errors.is_empty() {
            Ok(case)
        } else {
            let mut diagnostics = reader.errors;
            crate::diagnostic::sort_diagnostics(&mut diagnostics);
            Err(CaseError { diagnostics })
        }
    }

    /// The amounts this case states, with where they are (`purchase.value`, or
    /// `partnership.procurement.value` for a related case's).
    pub fn amounts(&self) -> Vec<(String, Money)> {
        let mut out = Vec::new();
        for (path, _) in self.lines() {
            if let Some(m) = self.amount(&path) {
                out.push((path, m));
            }
        }
        out
    }

    /// Where a field (`purchase.value`) is written in this case's text, for a message that
    /// points at it; `None` when it cannot be found.
    pub fn field_span(text: &str, name: &str, path: &str) -> Option<Span> {
        let keys: Vec<&str> = path.split('.').collect();
        if name.ends_with(".json") {
            let mut from = 0;
            let mut found = None;
            for key in &keys {
                let quoted = format!("\"{key}\"");
                let at = text.get(from..)?.find(&quoted)? + from;
                found = Some(Span::new(at, at + quoted.len()));
                from = at + quoted.len();
            }
            return found;
        }
        let table = toml::de::DeTable::parse(text).ok()?;
        let mut current = table.get_ref();
        let (last, parents) = keys.split_last()?;
        for key in parents {
            match current.get(*key)?.get_ref() {
                toml::de::DeValue::Table(t) => current = t,
                _ => return None,
            }
        }
        let value = current.get(*last)?;
        let range = value.span();
        Some(Span::new(range.start, range.end))
    }
}

/// serde's messages end with a period and start with a capital at times; ours do neither.
fn clean_message(message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---- writing -----------------------------------------------------------------------------------

/// A case as given, in the case format and self-contained (it needs no vocabulary): what a
/// decision files, and what `check --save` writes. Read it again with
/// [`RuleSet::read_case`](crate::RuleSet::read_case) on its [`CaseRecord::to_toml`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseRecord(pub Vec<(String, RecordValue)>);

/// A value in a [`CaseRecord`], in the case format's own terms.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordValue {
    /// A table: its keys and values, in order.
    Table(Vec<(String, RecordValue)>),
    /// An array.
    Array(Vec<RecordValue>),
    /// A text.
    Str(String),
    /// A number as it is written, e.g. `12` or `80.5`.
    Number(String),
    /// Yes or no.
    Bool(bool),
}

use RecordValue as Out;

impl Out {
    fn entry(entries: &mut Vec<(String, Out)>, key: &str) -> usize {
        match entries.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                entries.push((key.to_string(), Out::Table(Vec::new())));
                entries.len() - 1
            }
        }
    }

    /// Puts `value` at a dotted path below this table.
    fn put(&mut self, path: &[&str], value: Out) {
        let Out::Table(entries) = self else {
            return;
        };
        match path {
            [] => {}
            [last] => entries.push((last.to_string(), value)),
            [first, rest @ ..] => {
                let i = Out::entry(entries, first);
                entries[i].1.put(rest, value);
            }
        }
    }

    fn section(&mut self, path: &[&str]) {
        let Out::Table(entries) = self else {
            return;
        };
        if let [first, rest @ ..] = path {
            let i = Out::entry(entries, first);
            entries[i].1.section(rest);
        }
    }
}

impl Case {
    fn out_value(&self, ty: ValueType, value: &Value) -> Out {
        match (value, ty) {
            (Value::Money(m), _) => Out::Str(m.to_string()),
            (Value::Date(d), _) => Out::Str(d.to_string()),
            (Value::Number(n), _) => Out::Number(n.normalize().to_string()),
            (Value::Bool(b), _) => Out::Bool(*b),
            (Value::Text(t), _) => Out::Str(t.to_string()),
            (Value::Cpv(c), _) => Out::Str(c.to_string()),
            (Value::Name(n), ValueType::OneOf(l)) => Out::Str(self.vocab.name_text(l, *n).into()),
            (Value::Names(ns), ValueType::Names(l)) => Out::Array(
                ns.iter()
                    .map(|n| Out::Str(self.vocab.name_text(l, *n).into()))
                    .collect(),
            ),
            (Value::Records(list), ValueType::Records(r)) => {
                let record = &self.vocab.records[r];
                Out::Array(
                    list.iter()
                        .map(|e| {
                            Out::Table(
                                record
                                    .fields
                                    .iter()
                                    .zip(&e.fields)
                                    .filter_map(|(f, v)| {
                                        v.as_ref()
                                            .map(|v| (f.name.clone(), self.out_value(f.ty, v)))
                                    })
                                    .collect(),
                            )
                        })
                        .collect(),
                )
            }
            _ => Out::Str(String::new()),
        }
    }

    /// The case in the case format: the country, the date, then each section in declaration
    /// order (the sections of other kinds of case than this one's left out).
    pub fn record(&self) -> CaseRecord {
        let mut root = Out::Table(vec![
            ("jurisdiction".into(), Out::Str(self.jurisdiction().into())),
            ("date".into(), Out::Str(self.date.to_string())),
        ]);
        self.out_facts(&mut root, None);
        match root {
            Out::Table(entries) => CaseRecord(entries),
            _ => CaseRecord::default(),
        }
    }

    fn out_facts(&self, root: &mut Out, under: Option<(&str, &str)>) {
        // The section last made sure of: the facts of a section come together, so most need
        // no search for it.
        let mut ensured: Option<&str> = None;
        for (i, fact) in self.vocab.facts.iter().enumerate() {
            let value = self.values[i].as_ref();
            match under {
                // A related case: only its own stated facts, under where the main case holds
                // its section.
                Some((section, from)) => {
                    let Some(v) = value else {
                        continue;
                    };
                    let Some(rest) = fact
                        .path
                        .strip_prefix(section)
                        .and_then(|r| r.strip_prefix('.'))
                    else {
                        continue;
                    };
                    let path = format!("{from}.{rest}");
                    let parts: Vec<&str> = path.split('.').collect();
                    root.put(&parts, self.out_value(fact.ty, v));
                }
                None => {
                    // Another kind's section is not this case's.
                    if fact.kind.is_some_and(|k| k != self.kind) {
                        continue;
                    }
                    match value {
                        Some(v) => {
                            let parts: Vec<&str> = fact.path.split('.').collect();
                            root.put(&parts, self.out_value(fact.ty, v));
                        }
                        // A section of the country's facts is written even when none of them
                        // is stated (only the section of a fact directly in one).
                        None => {
                            if self.vocab.fact_in(FactId(i as u32), self.country)
                                && let Some((section, rest)) = fact.path.split_once('.')
                                && !rest.contains('.')
                                && ensured != Some(section)
                            {
                                root.section(&[section]);
                                ensured = Some(section);
                            }
                        }
                    }
                }
            }
        }
        if under.is_none()
            && let Some(related) = &self.related
            && let Some(kind) = self.vocab.kinds.get(self.kind)
            && let Some(rel) = &kind.related
            && let Some(section) = self.vocab.kinds[rel.kind].section.as_deref()
        {
            let parts: Vec<&str> = rel.from.split('.').collect();
            root.section(&parts);
            related.out_facts(root, Some((section, &rel.from)));
        }
    }

    /// The case as TOML, in the case format.
    pub fn to_toml(&self) -> String {
        self.record().to_toml()
    }

    /// The case as JSON, in the case format.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.record()).unwrap_or_default()
    }
}

impl CaseRecord {
    /// The record as a TOML case file.
    pub fn to_toml(&self) -> String {
        let mut text = String::new();
        write_toml(&self.0, "", &mut text);
        text
    }
}

fn toml_scalar(v: &Out) -> Option<String> {
    Some(match v {
        Out::Str(s) => toml::Value::String(s.clone()).to_string(),
        Out::Number(n) => n.clone(),
        Out::Bool(b) => b.to_string(),
        Out::Array(items) if items.iter().all(|i| !matches!(i, Out::Table(_))) => format!(
            "[{}]",
            items
                .iter()
                .filter_map(toml_scalar)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => return None,
    })
}

fn write_toml(entries: &[(String, Out)], prefix: &str, text: &mut String) {
    for (k, v) in entries {
        if let Some(s) = toml_scalar(v) {
            text.push_str(&format!("{k} = {s}\n"));
        }
    }
    for (k, v) in entries {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Out::Table(inner) => {
                text.push_str(&format!("\n[{path}]\n"));
                write_toml(inner, &path, text);
            }
            Out::Array(items) if items.iter().any(|i| matches!(i, Out::Table(_))) => {
                for item in items {
                    if let Out::Table(inner) = item {
                        text.push_str(&format!("\n[[{path}]]\n"));
                        write_toml(inner, &path, text);
                    }
                }
            }
            _ => {}
        }
    }
}

impl Serialize for Out {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Out::Table(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Out::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Out::Str(s) => serializer.serialize_str(s),
            Out::Number(n) => match n.parse::<u64>() {
                Ok(i) => serializer.serialize_u64(i),
                Err(_) => match n.parse::<f64>() {
                    Ok(f) => serializer.serialize_f64(f),
                    Err(_) => serializer.serialize_str(n),
                },
            },
            Out::Bool(b) => serializer.serialize_bool(*b),
        }
    }
}

impl<'de> Deserialize<'de> for Out {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Out;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value of the case format")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Out, E> {
                Ok(Out::Bool(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Out, E> {
                Ok(Out::Number(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Out, E> {
                Ok(Out::Number(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Out, E> {
                // Written with its point, so that `12.0` stays a number with a fraction.
                let text = v.to_string();
                if text.contains(['.', 'e', 'E']) || !v.is_finite() {
                    Ok(Out::Number(text))
                } else {
                    Ok(Out::Number(format!("{text}.0")))
                }
            }
            fn visit_str<E>(self, v: &str) -> Result<Out, E> {
                Ok(Out::Str(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Out, E> {
                // JSON's `null`: read as empty text, which no fact but a text takes.
                Ok(Out::Str(String::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Out, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Out::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Out, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Out>()? {
                    entries.push((k, v));
                }
                Ok(Out::Table(entries))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl Serialize for CaseRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for CaseRecord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Out::deserialize(deserializer)? {
            Out::Table(entries) => Ok(CaseRecord(entries)),
            _ => Err(serde::de::Error::custom("expected a table of facts")),
        }
    }
}

impl Serialize for Case {
    /// The case format, as a case file writes it: what a decision record files.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.record().serialize(serializer)
    }
}
