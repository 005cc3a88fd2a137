//! Reading many JSON cases quickly: the batch's path for a case of the common shape.
//!
//! [`Case::read`] builds a tree of the whole text with the place of every key (so that any
//! error can point at it), then walks it with paths built as strings. For a batch of a million
//! lines that is most of the work outside deciding. [`JsonCases`] reads a line in one pass of
//! serde_json over a tree of the keys a case may have (made once from the vocabulary), straight
//! into one case kept and cleared between lines.
//!
//! Invariant: [`JsonCases::read`] gives a case only where [`RuleSet::read_case`] would give the
//! same case (`==`) for the same text; wherever reading would be anything but plain (an error
//! of any kind, an amount in another currency, a related case's section, a list of records,
//! `null`, an escaped key, a repeated `jurisdiction` or `date`), it gives `None` and the caller
//! reads the line the ordinary way, which gives the answer or the error it always gave.
//!
//! [`RuleSet::read_case`]: crate::RuleSet::read_case

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};

use super::{Case, Cpv, MAX_CASE_BYTES, Value, parse_date, percent};
use crate::money::Money;
use crate::vocab::{FactId, KindId, ValueType, Vocabulary};

/// What a key of a table of a case file is, found once from the vocabulary.
#[derive(Debug, Clone, Copy)]
enum Key {
    Jurisdiction,
    Date,
    /// A fact, with the kind of case its path's section makes the case (`enter_section`).
    Fact {
        fact: FactId,
        ty: ValueType,
        kind: Option<KindId>,
    },
    /// A section (`purchase`): its table's keys are those of `node`.
    Section {
        node: usize,
        kind: Option<KindId>,
    },
}

/// The keys one table may have.
#[derive(Debug, Default)]
struct KeyNode {
    keys: Vec<(Box<str>, Key)>,
}

impl KeyNode {
    fn get(&self, key: &str) -> Option<Key> {
        self.keys
            .iter()
            .find(|(k, _)| k.len() == key.len() && **k == *key)
            .map(|(_, v)| *v)
    }
}

/// A reader of JSON lines for one worker: the tree of keys and a case reused from line to line.
pub(crate) struct JsonCases {
    nodes: Vec<KeyNode>,
    case: Case,
    /// The slots the last line set, to be cleared before the next.
    set: Vec<FactId>,
    jurisdiction: Option<(usize, usize)>,
    date: Option<(usize, usize)>,
}

/// Why a line is left to the ordinary reading (never shown: that reading gives the message).
const NOT_PLAIN: &str = "not a plain case";

impl JsonCases {
    /// The tree of the keys a case of this vocabulary may have, as [`Case::read`] tells them
    /// apart: a fact's path before anything else; a related case's section (read the ordinary
    /// way) before a section; a section where a fact's path, a kind's section or a related
    /// case's section lies below it.
    pub(crate) fn new(vocab: &Arc<Vocabulary>) -> JsonCases {
        let mut nodes = vec![KeyNode::default()];
        let mut paths: Vec<&str> = vocab.facts.iter().map(|f| f.path.as_str()).collect();
        paths.extend(vocab.kinds.iter().filter_map(|k| k.section.as_deref()));
        paths.extend(
            vocab
                .kinds
                .iter()
                .filter_map(|k| k.related.as_ref().map(|r| r.from.as_str())),
        );
        let related = |path: &str| {
            vocab
                .kinds
                .iter()
                .any(|k| k.related.as_ref().is_some_and(|r| r.from == path))
        };
        for path in paths {
            let mut node = 0;
            let mut end = 0;
            for segment in path.split('.') {
                end += segment.len();
                let prefix = &path[..end];
                let kind = vocab.kind_of_path(prefix);
                let key = match vocab.fact(prefix) {
                    Some(fact) => Key::Fact {
                        fact,
                        ty: vocab.fact_decl(fact).ty,
                        kind,
                    },
                    // Read the ordinary way, and nothing below it either.
                    None if related(prefix) => break,
                    None => match nodes[node].get(segment) {
                        Some(key) => key,
                        None => {
                            nodes.push(KeyNode::default());
                            Key::Section {
                                node: nodes.len() - 1,
                                kind,
                            }
                        }
                    },
                };
                if nodes[node].get(segment).is_none() {
                    nodes[node].keys.push((segment.into(), key));
                }
                match key {
                    Key::Section { node: below, .. } => node = below,
                    _ => break,
                }
                end += 1;
            }
        }
        // At the top these two are the case's country and day, whatever else bears the name.
        let root = &mut nodes[0].keys;
        root.retain(|(k, _)| &**k != "jurisdiction" && &**k != "date");
        root.push(("jurisdiction".into(), Key::Jurisdiction));
        root.push(("date".into(), Key::Date));
        JsonCases {
            nodes,
            case: Case::empty(vocab, 0, jiff::civil::Date::constant(2000, 1, 1)),
            set: Vec::new(),
            jurisdiction: None,
            date: None,
        }
    }

    /// The case `text` states, if it is of the plain shape and valid (see the module's
    /// invariant); `None` means: read it with [`Case::read`].
    pub(crate) fn read(&mut self, text: &str) -> Option<&Case> {
        for fact in self.set.drain(..) {
            self.case.values[fact.index()] = None;
        }
        self.case.kind = self.case.vocab.default_kind;
        self.case.related = None;
        self.jurisdiction = None;
        self.date = None;
        if text.len() > MAX_CASE_BYTES {
            return None;
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let mut table = Table {
            cases: self,
            node: 0,
            text,
        };
        if de.deserialize_map(&mut table).is_err() || de.end().is_err() {
            return None;
        }
        let (start, end) = self.jurisdiction?;
        let country = self.case.vocab.country(text.get(start..end)?)?;
        let (start, end) = self.date?;
        let date = parse_date(text.get(start..end)?).ok()?;
        let vocab = &self.case.vocab;
        let currency = vocab.countries.get(country)?.currency;
        for &fact in &self.set {
            if !vocab.fact_in(fact, country) {
                return None;
            }
            if let Some(Value::Money(m)) = &self.case.values[fact.index()]
                && m.currency != currency
            {
                return None;
            }
        }
        self.case.country = country;
        self.case.date = date;
        Some(&self.case)
    }
}

/// One table of the case, read into the reader's case.
struct Table<'a, 't> {
    cases: &'a mut JsonCases,
    node: usize,
    text: &'t str,
}

impl<'de> Visitor<'de> for &mut Table<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table of facts")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<&'de str>()? {
            let Some(found) = self.cases.nodes[self.node].get(key) else {
                return Err(A::Error::custom(NOT_PLAIN));
            };
            match found {
                Key::Jurisdiction | Key::Date => {
                    let value: &'de str = map.next_value()?;
                    let at = place(self.text, value);
                    let slot = match found {
                        Key::Jurisdiction => &mut self.cases.jurisdiction,
                        _ => &mut self.cases.date,
                    };
                    // The first is the one read; a second is left to the ordinary reading.
                    if slot.is_some() || at.is_none() {
                        return Err(A::Error::custom(NOT_PLAIN));
                    }
                    *slot = at;
                }
                Key::Fact { fact, ty, kind } => {
                    let value = map.next_value_seed(ValueSeed {
                        vocab: &self.cases.case.vocab,
                        ty,
                    })?;
                    self.cases.case.values[fact.index()] = Some(value);
                    self.cases.set.push(fact);
                    enter(&mut self.cases.case, kind);
                }
                Key::Section { node, kind } => {
                    enter(&mut self.cases.case, kind);
                    let mut inner = Table {
                        cases: &mut *self.cases,
                        node,
                        text: self.text,
                    };
                    map.next_value_seed(&mut inner)?;
                }
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for &mut Table<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// As `Case::enter_section`, with the kind of the path's section found beforehand.
fn enter(case: &mut Case, kind: Option<KindId>) {
    if case.kind == case.vocab.default_kind
        && let Some(kind) = kind
    {
        case.kind = kind;
    }
}

/// Where a string borrowed from `text` lies in it.
fn place(text: &str, value: &str) -> Option<(usize, usize)> {
    let start = (value.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    let end = start + value.len();
    (end <= text.len()).then_some((start, end))
}

/// A fact's value, of its type, read as `Reader::value` reads it.
struct ValueSeed<'v> {
    vocab: &'v Vocabulary,
    ty: ValueType,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fact's value")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Value, E> {
        let value = match self.ty {
            ValueType::Amount => Money::from_str(s).ok().map(Value::Money),
            ValueType::Date => parse_date(s).ok().map(Value::Date),
            ValueType::Percent => percent(s).ok().map(Value::Number),
            ValueType::Text => Some(Value::Text(s.into())),
            ValueType::Cpv => s.parse::<Cpv>().ok().map(Value::Cpv),
            ValueType::OneOf(list) => self.vocab.name(list, s).map(Value::Name),
            _ => None,
        };
        value.ok_or_else(|| E::custom(NOT_PLAIN))
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Value, E> {
        match self.ty {
            ValueType::YesNo => Ok(Value::Bool(b)),
            _ => Err(E::custom(NOT_PLAIN)),
        }
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Value, E> {
        let value = match self.ty {
            ValueType::WholeNumber => u32::try_from(n)
                .ok()
                .map(|n| Value::Number(Decimal::from(n))),
            ValueType::Percent => percent(&n.to_string()).ok().map(Value::Number),
            _ => None,
        };
        value.ok_or_else(|| E::custom(NOT_PLAIN))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let ValueType::Names(list) = self.ty else {
            return Err(A::Error::custom(NOT_PLAIN));
        };
        let mut names = Vec::new();
        while let Some(name) = seq.next_element_seed(ValueSeed {
            vocab: self.vocab,
            ty: ValueType::OneOf(list),
        })? {
            match name {
                Value::Name(n) => names.push(n),
                _ => return Err(A::Error::custom(NOT_PLAIN)),
            }
        }
        Ok(Value::Names(names))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleSet;

    /// Plain lines, which the fast reading must read, and lines of many other shapes it must
    /// leave to the ordinary one or read the same (errors, other currencies, repeated keys,
    /// escapes, `null`, related cases, records). They name the rules' vocabulary, so they live
    /// with the tests' data, not in `src/`.
    const PLAIN: &str = include_str!("../../tests/data/json-lines-plain.jsonl");
    const VARIANTS: &str = include_str!("../../tests/data/json-lines-variants.jsonl");

    #[test]
    fn the_fast_reading_gives_a_case_only_where_the_ordinary_one_gives_the_same() {
        let rules = RuleSet::embedded_for_deciding().expect("the embedded rules");
        let mut cases = JsonCases::new(&rules.vocab);
        let mut fast = 0;
        let plain: Vec<&str> = PLAIN.lines().collect();
        let lines: Vec<&str> = plain.iter().copied().chain(VARIANTS.lines()).collect();
        for &line in &lines {
            let ordinary = rules.read_case(line, "line.json");
            match cases.read(line) {
                Some(case) => {
                    fast += 1;
                    assert_eq!(ordinary.as_ref(), Ok(case), "{line}");
                }
                None => {
                    // Left to the ordinary reading: every plain line the tests give is read fast.
                    assert!(!plain.contains(&line), "{line}");
                }
            }
        }
        assert!(fast > 5, "{fast} of {} read fast", lines.len());
    }
}
