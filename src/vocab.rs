//! The vocabulary of a rule set: the countries, kinds of case, closed lists, records and facts
//! its rule files declare. Reading a case, the command line's flags, the interview's questions,
//! the JSON Schema and the document all follow it; Rust knows the language, not the law.
//!
//! Invariant: built only by `check` from declarations it has checked: every path is unique and
//! resolved, every label is in sv, nb and en, every list and record a fact or field names exists,
//! one kind of case is the default, and each kind's verdict lines are given in three languages.
//! Facts, lists, names and fields are numbered in declaration order; a case holds its values by
//! those numbers, with the [`Vocabulary::id`] it was read against.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Texts};
use crate::money::Currency;

/// A country's place in [`Vocabulary::countries`].
pub type CountryId = usize;
/// A kind of case's place in [`Vocabulary::kinds`].
pub type KindId = usize;
/// A closed list's place in [`Vocabulary::lists`].
pub type ListId = usize;
/// A record's place in [`Vocabulary::records`].
pub type RecordId = usize;
/// A name's place in its list's names.
pub type NameId = u16;

/// A fact's place in the vocabulary: what a case holds its value by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FactId(pub(crate) u32);

impl FactId {
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }

    /// The fact at a place in [`Vocabulary::facts`].
    pub fn from_index(index: usize) -> FactId {
        FactId(u32::try_from(index).unwrap_or(u32::MAX))
    }
}

/// A value a case can state: a fact, or a field of one element of a list of records (the
/// second party's `contracting_authority`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactRef {
    /// A fact itself.
    Fact(FactId),
    /// A field of one element of a list of records.
    Field {
        /// The list of records.
        fact: FactId,
        /// The element, from 0.
        index: u32,
        /// The field, by its place in the record.
        field: u32,
    },
}

impl FactRef {
    /// The fact itself, or the list the field's element belongs to.
    pub fn fact(self) -> FactId {
        match self {
            FactRef::Fact(f) | FactRef::Field { fact: f, .. } => f,
        }
    }
}

/// What kind of value a fact or field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ValueType {
    /// An amount of money, excl. VAT, with its currency.
    Amount,
    /// A calendar date.
    Date,
    /// A whole number from 0.
    WholeNumber,
    /// 0 to 100, in hundredths.
    Percent,
    /// Yes or no.
    YesNo,
    /// Free text.
    Text,
    /// A CPV code.
    Cpv,
    /// One name of a closed list.
    OneOf(ListId),
    /// Any number of names of a closed list.
    Names(ListId),
    /// A list of records.
    Records(RecordId),
}

impl ValueType {
    /// How the type is written in a rule file.
    pub(crate) fn notation(self, vocab: &Vocabulary) -> String {
        match self {
            ValueType::Amount => "amount".into(),
            ValueType::Date => "date".into(),
            ValueType::WholeNumber => "whole number".into(),
            ValueType::Percent => "percent".into(),
            ValueType::YesNo => "yes/no".into(),
            ValueType::Text => "text".into(),
            ValueType::Cpv => "CPV code".into(),
            ValueType::OneOf(l) => format!("one of {}", vocab.lists[l].name),
            ValueType::Names(l) => format!("list of {}", vocab.lists[l].name),
            ValueType::Records(r) => format!("list of {}", vocab.records[r].name),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
/// A country whose law the rules state.
pub struct Country {
    /// Its code, e.g. `SE`.
    pub code: String,
    /// What it is called in sv, nb and en.
    pub titles: Texts,
    /// The currency its amounts are in.
    pub currency: Currency,
    /// The language explanations for this country's cases are written in unless asked otherwise.
    pub language: Lang,
}

/// The lines that say an outcome in words, for one kind of case.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Verdicts {
    /// The case is allowed.
    pub allowed: Texts,
    /// The case is allowed, with obligations.
    pub allowed_with_obligations: Texts,
    /// The case is not allowed.
    pub not_allowed: Texts,
    /// The rules do not decide the case.
    pub undecided: Texts,
    /// The lines of single countries (`verdict allowed for DK`), which take the place of the
    /// lines above for cases of those countries.
    pub countries: Vec<CountryVerdict>,
}

/// The words of one outcome for the cases of one country.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CountryVerdict {
    /// The country.
    pub country: CountryId,
    /// The outcome.
    pub outcome: crate::decision::Outcome,
    /// Its words in sv, nb and en.
    pub texts: Texts,
}

impl Verdicts {
    /// The line that says an outcome for a case of a country: the country's own, else the
    /// kind's.
    pub fn get(&self, outcome: crate::decision::Outcome, country: Option<CountryId>) -> &Texts {
        use crate::decision::Outcome;
        if let Some(own) = self
            .countries
            .iter()
            .find(|v| Some(v.country) == country && v.outcome == outcome)
        {
            return &own.texts;
        }
        match outcome {
            Outcome::Allowed => &self.allowed,
            Outcome::AllowedWithObligations => &self.allowed_with_obligations,
            Outcome::NotAllowed => &self.not_allowed,
            Outcome::Undecided => &self.undecided,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
/// A kind of case: what is asked (a purchase, a partnership), with the words of its verdicts.
pub struct CaseKind {
    /// Its name in the rule files.
    pub name: String,
    /// What it is called in sv, nb and en.
    pub titles: Texts,
    /// The top-level section of a case file that holds this kind's facts (`partnership`).
    pub section: Option<String>,
    /// How running text names the rules of this kind (`rules for`), in sv, nb and en; its
    /// titles when the declaration gives none.
    pub rules_for: Texts,
    /// The lines that say each outcome.
    pub verdicts: Verdicts,
    /// The case of another kind a case of this kind may hold.
    pub related: Option<Related>,
    /// The page's form for this kind of case (`form`).
    pub form: Form,
}

/// What the page's form for a kind of case asks first and says (`form` in its declaration).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Form {
    /// The facts the form asks first, in this order, after the case's country and day; every
    /// other fact of the kind follows. A related case's form asks these of its kind, under the
    /// section that holds it.
    pub first: Vec<FactId>,
    /// The form's help text, above its fields.
    pub help: Option<Texts>,
    /// How the page for pasting a whole case names a case of this kind ("a partnership with
    /// parties, …"); a kind without one is not named there.
    pub pasted: Option<Texts>,
}

/// A case of another kind that a case of this kind holds in one of its sections.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Related {
    /// Its kind of case.
    pub kind: KindId,
    /// Where it is: `partnership.procurement`.
    pub from: String,
    /// What the decision calls it (`procurement`, the last part of `from`).
    pub subject: String,
    /// The heading of its decision.
    pub title: Texts,
    /// What is said when the main case is allowed but the related one is not allowed, or
    /// undecided.
    pub not_allowed: Texts,
    /// What is said when the related case is undecided.
    pub undecided: Texts,
    /// `when not allowed`: the related case is what the main case is where its rules do not
    /// allow it, so it is decided and attached only when the main case is not allowed or
    /// undecided, never beside an allowed one.
    pub only_when_not_allowed: bool,
    /// The lines of single countries, which take the place of the two above for their cases.
    pub countries: Vec<CountryVerdict>,
    /// `instead verdict …`: what is said of the related case where the main case is not allowed
    /// (the partnership is a purchase instead), by the related case's outcome; an outcome
    /// without a line takes the related kind's own verdict.
    pub instead: SomeVerdicts,
}

/// Verdict lines that need not say every outcome: those for every country, and those of single
/// countries, which take their place for their cases.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SomeVerdicts {
    /// The lines for every country, by outcome.
    pub all: Vec<(crate::decision::Outcome, Texts)>,
    /// The lines of single countries.
    pub countries: Vec<CountryVerdict>,
}

impl SomeVerdicts {
    /// The line that says an outcome for a case of a country, if one is declared: the
    /// country's own, else the one for every country.
    pub fn get(
        &self,
        outcome: crate::decision::Outcome,
        country: Option<CountryId>,
    ) -> Option<&Texts> {
        self.countries
            .iter()
            .find(|v| Some(v.country) == country && v.outcome == outcome)
            .map(|v| &v.texts)
            .or_else(|| self.all.iter().find(|(o, _)| *o == outcome).map(|(_, t)| t))
    }
}

impl Related {
    /// Whether the related case is decided beside a main case with this outcome.
    pub fn applies_beside(&self, main: crate::decision::Outcome) -> bool {
        use crate::decision::Outcome;
        !self.only_when_not_allowed || matches!(main, Outcome::NotAllowed | Outcome::Undecided)
    }

    /// What is said when the related case has this outcome (not allowed, or undecided) and the
    /// main case is allowed, for a case of a country.
    pub fn line(&self, outcome: crate::decision::Outcome, country: Option<CountryId>) -> &Texts {
        if let Some(own) = self
            .countries
            .iter()
            .find(|v| Some(v.country) == country && v.outcome == outcome)
        {
            return &own.texts;
        }
        if outcome == crate::decision::Outcome::NotAllowed {
            &self.not_allowed
        } else {
            &self.undecided
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
/// A closed list of names (the kinds of buyer, the contributions).
pub struct ClosedList {
    /// Its name in the rule files.
    pub name: String,
    /// What one of its names is, e.g. "kind of buyer" in English; messages use the `en` one.
    pub titles: Texts,
    /// Its names, each once, in the order first declared.
    pub names: Vec<String>,
    /// Each declaration of a name, with its countries, aliases and labels.
    pub items: Vec<ListItem>,
}

/// One declaration of a name of a list: a name may be declared once per country, with labels
/// of its own for each.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListItem {
    /// Its name in the rule files.
    pub name: NameId,
    /// `None`: every country.
    pub countries: Option<Vec<CountryId>>,
    /// Other texts a case may write for it (`statlig myndighet`).
    pub aliases: Vec<String>,
    /// What it means in sv, nb and en.
    pub labels: Option<Texts>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
/// A record: the fields of one element of a list of records (a party).
pub struct Record {
    /// Its name in the rule files.
    pub name: String,
    /// What it is called in sv, nb and en.
    pub titles: Texts,
    /// Its fields, in declaration order.
    pub fields: Vec<Field>,
    /// The fields in the order of the one-line form (`Falu kommun; kommun; premises, staff`).
    /// The yes/no fields at its end are marks: written in any order, each once.
    pub line: Vec<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
/// A field of a record.
pub struct Field {
    /// Its name in the rule files.
    pub name: String,
    /// Its type.
    pub ty: ValueType,
    /// A case must state it for each element.
    pub required: bool,
    /// How a yes/no field is written on one line (`controlled`): its mark, else its name.
    pub mark: String,
    /// What it is called in sv, nb and en.
    pub titles: Texts,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
/// A fact a case may state, as declared.
pub struct Fact {
    /// Where a case states it, e.g. `purchase.value`.
    pub path: String,
    /// Its type.
    pub ty: ValueType,
    /// What it is called in sv, nb and en.
    pub titles: Texts,
    /// The question the interview asks for it, in sv, nb and en.
    pub question: Option<Texts>,
    /// What the law says the fact is when a case does not state it, as a rule file writes it.
    pub default: Option<String>,
    /// `None`: every country.
    pub countries: Option<Vec<CountryId>>,
    /// The option of `regelverk check` that states it (`--value`).
    pub flag: Option<String>,
    /// A path that adds one element, written on one line (`partnership.party`).
    pub each_as: Option<String>,
    /// The kind of case whose section the fact is in, if any.
    pub kind: Option<KindId>,
    /// What a yes/no fact says as a statement when it is true (`if true`), in sv, nb and en.
    pub if_true: Option<Texts>,
    /// What a yes/no fact says as a statement when it is false (`if false`).
    pub if_false: Option<Texts>,
}

/// How the spend audit poses a month of a group of payments from a country's published ledgers
/// (`ledger for SE`): a ledger records who was paid, how much and when, and these say which
/// facts that becomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    /// The country whose ledgers these are.
    pub country: CountryId,
    /// The file format the ledgers are written in.
    pub layout: crate::audit::LedgerLayout,
    /// The fact that says the kind of buyer (one of a list).
    pub buyer: String,
    /// The kind of buyer assumed, a name of that fact's list for the country (a ledger does not
    /// say).
    pub buyer_kind: String,
    /// The fact a month's net spend is posed as (an amount).
    pub value: String,
    /// The fact the group's earlier net spend in the fiscal year is posed as (an amount).
    pub earlier: String,
    /// The fact that `--category` states, if the audit offers it (one of a list).
    pub category: Option<String>,
    /// The facts a ledger does not record, which the audit branches over, in this order.
    pub not_recorded: Vec<NotRecorded>,
    /// What a group of payments does not settle, for the report.
    pub grouping: Texts,
    /// What to check next, step by step, for the report.
    pub next_steps: Vec<Texts>,
}

/// A fact a ledger does not record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotRecorded {
    /// Its path.
    pub fact: String,
    /// `when purchase.category is services`: it is a question only where an earlier fact of the
    /// list (stated or assumed) has this value, or is not known; an assumption of it then implies
    /// that value.
    pub only_when: Option<(String, String)>,
}

/// The declared vocabulary of a rule set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Vocabulary {
    /// A hash of the declarations: two rule sets with the same vocabulary share it, so a case
    /// read with one is evaluated by the other without being read again.
    pub id: u64,
    /// The countries, in declaration order.
    pub countries: Vec<Country>,
    /// The kinds of case.
    pub kinds: Vec<CaseKind>,
    /// The kind of a case that has none of the kinds' sections.
    pub default_kind: KindId,
    /// The closed lists.
    pub lists: Vec<ClosedList>,
    /// The records (the elements of lists of records).
    pub records: Vec<Record>,
    /// The facts, in declaration order: the slots a case holds its values by.
    pub facts: Vec<Fact>,
    /// How the spend audit poses each country's ledgers, at most one per country, in the
    /// countries' order.
    pub ledgers: Vec<Ledger>,
    /// The lookups below are not in the compiled form: rebuilt from `facts` when it is loaded
    /// ([`Vocabulary::index_facts`]).
    #[serde(skip)]
    pub(crate) by_path: HashMap<String, FactId>,
    #[serde(skip)]
    pub(crate) by_element_path: HashMap<String, FactId>,
}

/// The values the case split ranges over for an unknown the case does not state.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SplitDomain {
    Names(Vec<NameId>),
    Bool,
    Interval {
        low: rust_decimal::Decimal,
        high: rust_decimal::Decimal,
        step: rust_decimal::Decimal,
    },
    None,
}

/// The largest amount the split considers: no public contract is worth 10^15 in any currency,
/// and amounts this size still multiply by 48 months without leaving exact decimals.
pub const MAX_SPLIT_AMOUNT: i64 = 1_000_000_000_000_000;

impl Vocabulary {
    /// Builds the lookups by path from [`Vocabulary::facts`], as `check` fills them while it
    /// declares the facts (each path once; for an element path, the last fact to give it).
    pub(crate) fn index_facts(&mut self) {
        self.by_path.clear();
        self.by_element_path.clear();
        for (i, fact) in self.facts.iter().enumerate() {
            self.by_path
                .insert(fact.path.clone(), FactId::from_index(i));
            if let Some(each) = &fact.each_as {
                self.by_element_path
                    .insert(each.clone(), FactId::from_index(i));
            }
        }
    }

    /// A country by its code (either case).
    pub fn country(&self, code: &str) -> Option<CountryId> {
        self.countries
            .iter()
            .position(|c| c.code.eq_ignore_ascii_case(code))
    }

    /// A kind of case by its name.
    pub fn kind(&self, name: &str) -> Option<KindId> {
        self.kinds.iter().position(|k| k.name == name)
    }

    /// A closed list by its name.
    pub fn list(&self, name: &str) -> Option<ListId> {
        self.lists.iter().position(|l| l.name == name)
    }

    /// A record by its name.
    pub fn record(&self, name: &str) -> Option<RecordId> {
        self.records.iter().position(|r| r.name == name)
    }

    /// The fact declared at a path.
    pub fn fact(&self, path: &str) -> Option<FactId> {
        self.by_path.get(path).copied()
    }

    /// A fact's declaration.
    pub fn fact_decl(&self, fact: FactId) -> &Fact {
        &self.facts[fact.index()]
    }

    /// The list fact a one-line element path (`partnership.party`) adds to.
    pub fn element_path(&self, path: &str) -> Option<FactId> {
        self.by_element_path.get(path).copied()
    }

    /// A fact or a field of an element: `purchase.value`, `partnership.parties[2].kind` (the
    /// elements counted from 1).
    pub fn resolve(&self, path: &str) -> Option<FactRef> {
        if let Some(f) = self.fact(path) {
            return Some(FactRef::Fact(f));
        }
        let (list, rest) = path.split_once('[')?;
        let (index, field) = rest.split_once("].")?;
        let fact = self.fact(list)?;
        let ValueType::Records(r) = self.fact_decl(fact).ty else {
            return None;
        };
        let index: u32 = index.parse().ok().filter(|i| *i >= 1)?;
        let field = self.records[r]
            .fields
            .iter()
            .position(|f| f.name == field)?;
        Some(FactRef::Field {
            fact,
            index: index - 1,
            field: field as u32,
        })
    }

    /// How a case file names it.
    pub fn path(&self, r: FactRef) -> String {
        match r {
            FactRef::Fact(f) => self.fact_decl(f).path.clone(),
            FactRef::Field { fact, index, field } => {
                let decl = self.fact_decl(fact);
                let name = match decl.ty {
                    ValueType::Records(rec) => self.records[rec]
                        .fields
                        .get(field as usize)
                        .map_or("", |f| f.name.as_str()),
                    _ => "",
                };
                format!("{}[{}].{name}", decl.path, index + 1)
            }
        }
    }

    /// The type of a fact or of a field.
    pub fn value_type(&self, r: FactRef) -> ValueType {
        match r {
            FactRef::Fact(f) => self.fact_decl(f).ty,
            FactRef::Field { fact, field, .. } => match self.fact_decl(fact).ty {
                ValueType::Records(rec) => self.records[rec]
                    .fields
                    .get(field as usize)
                    .map_or(ValueType::Text, |f| f.ty),
                other => other,
            },
        }
    }

    /// What a fact (or a field) is called in an explanation.
    pub fn title(&self, r: FactRef, lang: Lang) -> String {
        match r {
            FactRef::Fact(f) => self.fact_decl(f).titles.get(lang).to_string(),
            FactRef::Field { fact, index, field } => {
                let decl = self.fact_decl(fact);
                let field_title = match decl.ty {
                    ValueType::Records(rec) => self.records[rec]
                        .fields
                        .get(field as usize)
                        .map_or("", |f| f.titles.get(lang)),
                    _ => "",
                };
                format!("{field_title} ({} {})", decl.titles.get(lang), index + 1)
            }
        }
    }

    /// What a path names in words: a fact's or field's title, if the path is one.
    pub fn title_of_path(&self, path: &str, lang: Lang) -> Option<String> {
        self.resolve(path).map(|r| self.title(r, lang))
    }

    /// A name of a list by its name or one of its aliases.
    pub fn name(&self, list: ListId, text: &str) -> Option<NameId> {
        let l = &self.lists[list];
        if let Some(i) = l.names.iter().position(|n| n == text) {
            return Some(i as NameId);
        }
        l.items
            .iter()
            .find(|item| item.aliases.iter().any(|a| a == text))
            .map(|item| item.name)
    }

    /// A name of a list as text.
    pub fn name_text(&self, list: ListId, name: NameId) -> &str {
        self.lists[list]
            .names
            .get(name as usize)
            .map_or("", String::as_str)
    }

    /// Whether a name of a list belongs to a country.
    pub fn name_in(&self, list: ListId, name: NameId, country: CountryId) -> bool {
        self.lists[list]
            .items
            .iter()
            .any(|i| i.name == name && i.countries.as_ref().is_none_or(|cs| cs.contains(&country)))
    }

    /// The names of a list that belong to a country, in declaration order.
    pub fn names_in(&self, list: ListId, country: CountryId) -> Vec<NameId> {
        (0..self.lists[list].names.len() as NameId)
            .filter(|n| self.name_in(list, *n, country))
            .collect()
    }

    /// What a name means in words, for a country's cases, if the vocabulary says.
    pub fn name_label(
        &self,
        list: ListId,
        name: NameId,
        country: Option<CountryId>,
        lang: Lang,
    ) -> Option<&str> {
        let items = self.lists[list].items.iter().filter(|i| i.name == name);
        let mut fallback = None;
        for item in items {
            let Some(labels) = &item.labels else {
                continue;
            };
            match (&item.countries, country) {
                (Some(cs), Some(c)) if cs.contains(&c) => return Some(labels.get(lang)),
                (None, _) => fallback = Some(labels.get(lang)),
                _ if fallback.is_none() => fallback = Some(labels.get(lang)),
                _ => {}
            }
        }
        fallback
    }

    /// The label of a name given as text, for the list of a fact or field, if it has one.
    pub fn label_of(
        &self,
        r: FactRef,
        text: &str,
        country: Option<CountryId>,
        lang: Lang,
    ) -> Option<&str> {
        let list = match self.value_type(r) {
            ValueType::OneOf(l) | ValueType::Names(l) => l,
            _ => return None,
        };
        let name = self.name(list, text)?;
        self.name_label(list, name, country, lang)
    }

    /// Whether a fact belongs to a country.
    pub fn fact_in(&self, fact: FactId, country: CountryId) -> bool {
        self.fact_decl(fact)
            .countries
            .as_ref()
            .is_none_or(|cs| cs.contains(&country))
    }

    /// The values the case split ranges over for an unknown of a country's case.
    pub(crate) fn split_domain(&self, r: FactRef, country: CountryId) -> SplitDomain {
        use rust_decimal::Decimal;
        let hundredth = Decimal::new(1, 2);
        match self.value_type(r) {
            ValueType::OneOf(list) => SplitDomain::Names(self.names_in(list, country)),
            ValueType::YesNo => SplitDomain::Bool,
            ValueType::Amount => SplitDomain::Interval {
                low: Decimal::ZERO,
                high: Decimal::from(MAX_SPLIT_AMOUNT),
                step: hundredth,
            },
            ValueType::Percent => SplitDomain::Interval {
                low: Decimal::ZERO,
                high: Decimal::ONE_HUNDRED,
                step: hundredth,
            },
            ValueType::WholeNumber => SplitDomain::Interval {
                low: Decimal::ZERO,
                high: Decimal::from(u32::MAX),
                step: Decimal::ONE,
            },
            _ => SplitDomain::None,
        }
    }

    /// The kind of case whose section a path is in.
    pub(crate) fn kind_of_path(&self, path: &str) -> Option<KindId> {
        let top = path.split('.').next()?;
        self.kinds
            .iter()
            .position(|k| k.section.as_deref() == Some(top))
    }

    /// The related case kind whose section (`partnership.procurement`) a path is under, with the
    /// path the related case gives it (`purchase.value`).
    pub(crate) fn related_path(&self, path: &str) -> Option<(KindId, String)> {
        for kind in &self.kinds {
            let Some(related) = &kind.related else {
                continue;
            };
            let Some(rest) = path
                .strip_prefix(related.from.as_str())
                .and_then(|r| r.strip_prefix('.'))
            else {
                continue;
            };
            let section = self.kinds[related.kind].section.as_deref()?;
            return Some((related.kind, format!("{section}.{rest}")));
        }
        None
    }

    /// The code of a country.
    pub fn code(&self, country: CountryId) -> &str {
        self.countries.get(country).map_or("", |c| c.code.as_str())
    }

    /// Every country's code, in declaration order.
    pub fn codes(&self) -> Vec<&str> {
        self.countries.iter().map(|c| c.code.as_str()).collect()
    }

    /// How the spend audit poses a country's ledgers, if the rules say.
    pub fn ledger(&self, country: CountryId) -> Option<&Ledger> {
        self.ledgers.iter().find(|l| l.country == country)
    }

    /// What an assumed value of a fact says, in words: a closed list's label for the country, a
    /// yes/no fact's `if true` / `if false`; else the fact's title and the value.
    pub fn statement(
        &self,
        path: &str,
        value: &str,
        country: Option<CountryId>,
        lang: Lang,
    ) -> String {
        let Some(r) = self.resolve(path) else {
            return format!("{path} = {value}");
        };
        let said = match (self.value_type(r), r) {
            (ValueType::YesNo, FactRef::Fact(f)) => {
                let decl = self.fact_decl(f);
                match value {
                    "true" => decl.if_true.as_ref(),
                    "false" => decl.if_false.as_ref(),
                    _ => None,
                }
                .map(|t| t.get(lang))
            }
            _ => self.label_of(r, value, country, lang),
        };
        said.map_or_else(
            || format!("{} = {value}", self.title(r, lang)),
            str::to_string,
        )
    }
}
