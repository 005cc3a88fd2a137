//! `regelverk diff OLD NEW`: what a change to the rule set changes, item by item and in outcomes.
//!
//! First every item added, removed or changed (sources, parameters, definitions, procedures,
//! obligations, warnings, rules and examples), with each changed field old and new: for a rule
//! its period, exceptions, condition, outcome, obligations, warnings, citations and texts. Items
//! are compared in their checked form, written out in the rule language with every name resolved
//! (`direktupphandlingsvärde < direktupphandlingsgräns`), so white space, comments, spans, digit
//! grouping and aliases (`varor` for `goods`) are not changes, and a changed name inside a
//! condition is. For a parameter, the days on which its value differs are listed too.
//!
//! Then the outcomes that flip. For each jurisdiction, the days a change can matter (where a
//! parameter's value differs; the periods of a changed, added or removed rule; the periods of
//! the rules that read a changed definition) are searched for the ranges of the estimated value
//! (`purchase.value`, the only amount stated) and the kinds of case whose outcome differs.
//!
//! How it is exact: on a given day, a rule's condition can only change where the value crosses an
//! amount it is compared with. The amounts are every parameter value in force that day (old and
//! new, both ends of a range) and every amount written in a rule or definition. Between two of
//! them the outcome is constant, so one case per amount and one per gap between amounts decide the
//! whole line. Likewise the days are cut wherever any parameter, rule period or date in a condition
//! changes, and the kinds of case are the names conditions test (`buyer.kind is statlig_myndighet`)
//! plus one name no condition mentions, which stands for all the others. What is not covered: a
//! rule that multiplies or takes a percentage of the value itself (its crossing points are not
//! among the amounts), and facts other than names and the value, which are left unstated. A change
//! that only such facts reveal (e.g. a rule that stops counting earlier purchases of the same
//! kind) shows in the examples, which are decided in full, last.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ast::{ArithOp, CmpOp, Item};
use crate::check::{
    CCond, CExpr, Cite, EntryValue, NameRef, Parameter, RuleOutcome, RuleSet, Template,
    TemplatePart,
};
use crate::decision::{Outcome, TOOLS_FORMAT_VERSION};
use crate::lang::{Lang, Texts};
use crate::lint::period as rule_period;
use crate::money::{Currency, Money, format_amount};
use crate::vocab::ValueType;

// ---- the report -------------------------------------------------------------------------------

/// What a change to a rule set changes: the items, the outcomes that flip, the examples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Every item added, removed or changed, in the order kinds of item are listed in a rule
    /// file's documentation (sources first, examples last), by name within a kind.
    pub changes: Vec<ItemChange>,
    /// Per jurisdiction and period, the kinds of case and value ranges whose outcome flips.
    pub regions: Vec<Region>,
    /// Every example whose outcome differs between the two rule sets.
    pub examples: Vec<ExampleFlip>,
}

impl Report {
    /// Whether any outcome flips, in a region or in an example: `regelverk diff` then exits 1.
    pub fn outcomes_flip(&self) -> bool {
        !self.regions.is_empty() || !self.examples.is_empty()
    }

    /// The report as versioned JSON: `format_version`, `outcomes_flip`, then the report.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Versioned<'r> {
            format_version: u32,
            outcomes_flip: bool,
            #[serde(flatten)]
            report: &'r Report,
        }
        let versioned = Versioned {
            format_version: TOOLS_FORMAT_VERSION,
            outcomes_flip: self.outcomes_flip(),
            report: self,
        };
        serde_json::to_string_pretty(&versioned).unwrap_or_default()
    }
}

/// One item added, removed or changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ItemChange {
    /// `source`, `parameter`, `define`, `procedure`, `obligation`, `warning`, `rule`, `example`:
    /// the keyword that opens the item.
    pub kind: &'static str,
    /// The item's name (an example's title).
    pub name: String,
    /// Added, removed or changed.
    pub change: Change,
    /// `file:line:col` of the item: in the new rule set, or the old one for a removed item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// For a changed item, each field that differs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// For a parameter, the days on which its value differs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ValueChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
/// What happened to an item.
pub enum Change {
    /// Only in the new rule set.
    Added,
    /// Only in the old rule set.
    Removed,
    /// In both, different.
    Changed,
}

/// A field of an item, old and new, in the rule language; `None` where a side lacks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FieldChange {
    /// The field, e.g. `condition`.
    pub field: String,
    /// In the old rule set.
    pub old: Option<String>,
    /// In the new rule set.
    pub new: Option<String>,
}

/// The days on which a parameter's value differs, and the values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ValueChange {
    #[serde(with = "crate::decision::date_text")]
    /// The first day.
    pub from: Date,
    #[serde(with = "crate::decision::option_date_text")]
    /// The last day; `None` with no end.
    pub to: Option<Date>,
    /// The old value.
    pub old: String,
    /// The new value.
    pub new: String,
}

/// In one jurisdiction and period, for some kinds of case, the value ranges whose outcome flips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Region {
    /// The country's code.
    pub jurisdiction: String,
    /// The first day; `None` when the period has no beginning (a rule with no `from`).
    #[serde(with = "crate::decision::option_date_text")]
    pub from: Option<Date>,
    #[serde(with = "crate::decision::option_date_text")]
    /// The last day; `None` with no end.
    pub to: Option<Date>,
    /// Which cases, e.g. `buyer.kind kommun or region, purchase.category goods`, or `every kind
    /// of case`.
    pub cases: String,
    /// The value ranges whose outcome flips.
    pub flips: Vec<Flip>,
}

/// A flip: on the values in a range, the outcome goes from `old` to `new`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub struct Flip {
    /// The range of the estimated value, e.g. `at least 700 000 and below 750 000 SEK`.
    pub values: String,
    /// The outcome with the old rules.
    pub old: String,
    /// The outcome with the new rules.
    pub new: String,
}

/// An example whose outcome differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ExampleFlip {
    /// `file:line:col` of the example.
    pub location: String,
    /// The example's title.
    pub title: String,
    /// The outcome with the old rules.
    pub old: String,
    /// The outcome with the new rules.
    pub new: String,
}

/// Compares two rule sets; the report as text (what `regelverk diff` prints).
pub fn diff(old: &RuleSet, new: &RuleSet) -> String {
    compare(old, new).render()
}

/// Compares two rule sets.
pub fn compare(old: &RuleSet, new: &RuleSet) -> Report {
    let changes = item_changes(old, new);
    let regions = regions(old, new, &changes);
    Report {
        changes,
        regions,
        examples: example_flips(old, new),
    }
}

impl Report {
    /// The report as text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            let _ = writeln!(out, "no item of the rule files changed");
        }
        for c in &self.changes {
            let what = match c.kind {
                "example" => format!("example \"{}\"", c.name),
                kind => format!("{kind} `{}`", c.name),
            };
            let change = match c.change {
                Change::Added => "added",
                Change::Removed => "removed",
                Change::Changed => "changed",
            };
            let at = c
                .location
                .as_ref()
                .map_or_else(String::new, |l| format!(" ({l})"));
            let colon = if c.fields.is_empty() && c.values.is_empty() {
                ""
            } else {
                ":"
            };
            let _ = writeln!(out, "{what} {change}{at}{colon}");
            for f in &c.fields {
                let _ = writeln!(out, "  {}:", f.field);
                let _ = writeln!(out, "    old: {}", f.old.as_deref().unwrap_or("(none)"));
                let _ = writeln!(out, "    new: {}", f.new.as_deref().unwrap_or("(none)"));
            }
            for v in &c.values {
                let _ = writeln!(
                    out,
                    "  in force {}: {} -> {}",
                    rule_period(Some(v.from), v.to),
                    v.old,
                    v.new
                );
            }
        }
        out.push('\n');
        if self.regions.is_empty() {
            let _ = writeln!(
                out,
                "no outcome flips with only the kinds of case and the estimated value stated"
            );
        } else {
            let _ = writeln!(
                out,
                "outcomes that flip, with only the kinds of case and the estimated value stated:"
            );
            for r in &self.regions {
                let _ = writeln!(
                    out,
                    "  {} {}, {}:",
                    r.jurisdiction,
                    rule_period(r.from, r.to),
                    r.cases
                );
                for f in &r.flips {
                    let _ = writeln!(out, "    {}: {} -> {}", f.values, f.old, f.new);
                }
            }
        }
        out.push('\n');
        if self.examples.is_empty() {
            let _ = writeln!(out, "no example changes outcome");
        } else {
            let _ = writeln!(out, "examples whose outcome changes:");
            for e in &self.examples {
                let _ = writeln!(
                    out,
                    "  {} \"{}\": {} -> {}",
                    e.location, e.title, e.old, e.new
                );
            }
        }
        out
    }
}

// ---- items, in the rule language --------------------------------------------------------------

/// The kinds of item, in the order they are reported: the keywords that open them.
const KINDS: &[&str] = crate::syntax::ITEM_KEYWORDS.split_at(1).1;

/// An item written out field by field, each field in the rule language with names resolved.
type Fields = Vec<(String, String)>;

/// Every item of a rule set by kind and name, with its fields.
fn items(rules: &RuleSet) -> BTreeMap<(usize, String), Fields> {
    let n = Notation { rules };
    let mut out = BTreeMap::new();
    let mut put = |kind: &str, name: &str, fields: Fields| {
        let k = KINDS.iter().position(|k| *k == kind).unwrap_or(KINDS.len());
        out.insert((k, name.to_string()), fields);
    };
    let vocab = &rules.vocab;
    let countries = |cs: &Option<Vec<usize>>| match cs {
        None => "every country".to_string(),
        Some(cs) => cs
            .iter()
            .map(|c| vocab.code(*c).to_string())
            .collect::<Vec<_>>()
            .join(", "),
    };
    for c in &vocab.countries {
        let mut fields = n.titles(&c.titles);
        fields.push(("currency".into(), c.currency.to_string()));
        fields.push(("language".into(), c.language.to_string()));
        put("country", &c.code, fields);
    }
    for k in &vocab.kinds {
        let mut fields = n.titles(&k.titles);
        fields.push(("section".into(), k.section.clone().unwrap_or_default()));
        for (lang, text) in n.titles(&k.rules_for) {
            fields.push((format!("rules for {lang}"), text));
        }
        for (name, t) in [
            ("verdict allowed", &k.verdicts.allowed),
            (
                "verdict allowed with obligations",
                &k.verdicts.allowed_with_obligations,
            ),
            ("verdict not allowed", &k.verdicts.not_allowed),
            ("verdict undecided", &k.verdicts.undecided),
        ] {
            for (lang, text) in n.titles(t) {
                fields.push((format!("{name} {lang}"), text));
            }
        }
        for v in &k.verdicts.countries {
            for (lang, text) in n.titles(&v.texts) {
                fields.push((
                    format!(
                        "verdict {} for {} {lang}",
                        v.outcome.notation(None),
                        vocab.code(v.country)
                    ),
                    text,
                ));
            }
        }
        if let Some(r) = &k.related {
            fields.push((
                "related".into(),
                format!(
                    "{} from {}{}",
                    vocab.kinds[r.kind].name,
                    r.from,
                    if r.only_when_not_allowed {
                        " when not allowed"
                    } else {
                        ""
                    }
                ),
            ));
            let instead = r.instead.all.iter().map(|(o, t)| (*o, None, t));
            let own = r
                .instead
                .countries
                .iter()
                .map(|v| (v.outcome, Some(v.country), &v.texts));
            for (outcome, country, texts) in instead.chain(own) {
                let country = country.map_or(String::new(), |c| format!(" for {}", vocab.code(c)));
                for (lang, text) in n.titles(texts) {
                    fields.push((
                        format!("instead verdict {}{country} {lang}", outcome.notation(None)),
                        text,
                    ));
                }
            }
        }
        if !k.form.first.is_empty() {
            let paths: Vec<&str> = k
                .form
                .first
                .iter()
                .map(|f| vocab.fact_decl(*f).path.as_str())
                .collect();
            fields.push(("form asks first".into(), paths.join(", ")));
        }
        for (name, texts) in [("form help", &k.form.help), ("form pasted", &k.form.pasted)] {
            for (lang, text) in texts.iter().flat_map(|t| n.titles(t)) {
                fields.push((format!("{name} {lang}"), text));
            }
        }
        put("case", &k.name, fields);
    }
    for l in &vocab.lists {
        let mut fields = n.titles(&l.titles);
        for item in &l.items {
            let mut line = format!("for {}", countries(&item.countries));
            if !item.aliases.is_empty() {
                line.push_str(&format!("  alias {}", item.aliases.join(", ")));
            }
            if let Some(labels) = &item.labels {
                for (lang, text) in n.titles(labels) {
                    line.push_str(&format!("  {lang} {text}"));
                }
            }
            fields.push((format!("item {}", l.names[item.name as usize]), line));
        }
        put("list", &l.name, fields);
    }
    for r in &vocab.records {
        let mut fields = n.titles(&r.titles);
        for f in &r.fields {
            let mut line = f.ty.notation(vocab);
            if f.required {
                line.push_str(" required");
            }
            fields.push((format!("field {}", f.name), line));
        }
        put("record", &r.name, fields);
    }
    for f in &vocab.facts {
        let mut fields = n.titles(&f.titles);
        fields.push(("type".into(), f.ty.notation(vocab)));
        fields.push(("countries".into(), countries(&f.countries)));
        if let Some(q) = &f.question {
            for (lang, text) in n.titles(q) {
                fields.push((format!("question {lang}"), text));
            }
        }
        if let Some(d) = &f.default {
            fields.push(("default".into(), d.clone()));
        }
        if let Some(flag) = &f.flag {
            fields.push(("flag".into(), flag.clone()));
        }
        for (said, texts) in [("if true", &f.if_true), ("if false", &f.if_false)] {
            if let Some(texts) = texts {
                for l in Lang::ALL {
                    fields.push((format!("{said} ({l})"), quoted(texts.get(l))));
                }
            }
        }
        put("fact", &f.path, fields);
    }
    for l in &vocab.ledgers {
        let mut fields = vec![
            ("layout".to_string(), l.layout.name().to_string()),
            ("buyer".into(), format!("{} is {}", l.buyer, l.buyer_kind)),
            ("value".into(), l.value.clone()),
            ("earlier".into(), l.earlier.clone()),
            ("category".into(), l.category.clone().unwrap_or_default()),
        ];
        let not_recorded: Vec<String> = l
            .not_recorded
            .iter()
            .map(|n| match &n.only_when {
                Some((on, is)) => format!("{} when {on} is {is}", n.fact),
                None => n.fact.clone(),
            })
            .collect();
        fields.push(("not recorded".into(), not_recorded.join(", ")));
        for lang in Lang::ALL {
            fields.push((format!("grouping ({lang})"), quoted(l.grouping.get(lang))));
        }
        for (i, step) in l.next_steps.iter().enumerate() {
            for lang in Lang::ALL {
                fields.push((
                    format!("next step {} ({lang})", i + 1),
                    quoted(step.get(lang)),
                ));
            }
        }
        put("ledger", vocab.code(l.country), fields);
    }
    for s in &rules.sources {
        let mut fields = vec![("title".to_string(), quoted(&s.title))];
        fields.push(("short".into(), quoted(&s.short)));
        if let Some(url) = &s.url {
            fields.push(("url".into(), quoted(url)));
        }
        if s.is_dated() {
            fields.push((
                "period".into(),
                crate::lint::period(s.valid_from, s.valid_to),
            ));
        }
        put("source", &s.name, fields);
    }
    for p in &rules.params {
        let mut fields = n.titles(&p.titles);
        fields.push((
            "jurisdiction".into(),
            rules.vocab.code(p.jurisdiction).into(),
        ));
        for e in &p.entries {
            let mut line = show_value(Some(e.value), p.currency);
            if e.unverified {
                line.push_str("  unverified");
            }
            if let Some(c) = &e.cite {
                line.push_str("  ");
                line.push_str(&n.cite(c));
            }
            if let Some(note) = &e.note {
                line.push_str("  note ");
                line.push_str(&quoted(note));
            }
            fields.push((format!("value from {}", e.from), line));
        }
        put("parameter", &p.name, fields);
    }
    for d in &rules.defs {
        let mut fields = n.titles(&d.titles);
        fields.push(("value".into(), n.expr(&d.expr)));
        fields.push((CITATIONS.into(), n.cites(&d.cites)));
        put("define", &d.name, fields);
    }
    for (kind, list) in [
        ("procedure", &rules.procedures),
        ("obligation", &rules.obligations),
        ("warning", &rules.warnings),
    ] {
        for item in list {
            let mut fields = n.texts(&item.texts);
            fields.push((CITATIONS.into(), n.cites(&item.cites)));
            put(kind, &item.name, fields);
        }
    }
    for r in &rules.rules {
        let mut fields = vec![("jurisdiction".to_string(), {
            let mut j = rules.vocab.code(r.jurisdiction).to_string();
            if r.case_kind != rules.vocab.default_kind {
                j.push_str(&format!(" for {}s", rules.vocab.kinds[r.case_kind].name));
            }
            j
        })];
        let names: Vec<&str> = r
            .exception_to
            .iter()
            .map(|i| rules.rules[*i].name.as_str())
            .collect();
        fields.push(("exception to".into(), names.join(", ")));
        fields.push(("period".into(), rule_period(r.valid_from, r.valid_to)));
        fields.push((
            "condition".into(),
            r.when
                .as_ref()
                .map_or_else(|| "always".into(), |c| n.cond(c)),
        ));
        fields.push(("outcome".into(), n.rule_outcome(r.outcome)));
        for (label, list, names) in [
            ("obligations", &r.obligations, &rules.obligations),
            ("warnings", &r.warnings, &rules.warnings),
        ] {
            let items: Vec<String> = list
                .iter()
                .map(|(id, when)| match when {
                    Some(c) => format!("{} when {}", names[*id].name, n.cond(c)),
                    None => names[*id].name.clone(),
                })
                .collect();
            fields.push((label.into(), items.join("; ")));
        }
        fields.push((CITATIONS.into(), n.cites(&r.cites)));
        for (lang, template) in Lang::ALL.iter().zip(&r.templates) {
            fields.push((text_field(*lang), quoted(&n.template(template))));
        }
        put("rule", &r.name, fields);
    }
    for e in &rules.examples {
        let facts: Vec<String> = e.givens.iter().map(|(f, v)| format!("{f} = {v}")).collect();
        let mut expect = rules.expected_notation(e.expect);
        if let Some(by) = e.by {
            expect.push_str(" by ");
            expect.push_str(&rules.rules[by].name);
        }
        put(
            "example",
            &e.title,
            vec![
                (
                    "jurisdiction".into(),
                    rules.vocab.code(e.jurisdiction).into(),
                ),
                ("given".into(), facts.join("; ")),
                ("expect".into(), expect),
            ],
        );
    }
    out
}

/// The field of an item's citations. It, the texts and the titles are what an item shows rather
/// than what it decides with ([`only_words_changed`]).
const CITATIONS: &str = "citations";

/// The field of an item's text in one language.
fn text_field(lang: Lang) -> String {
    format!("text ({lang})")
}

/// The field of an item's title in one language.
fn title_field(lang: Lang) -> String {
    format!("title ({lang})")
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writes checked items back in the rule language, names resolved: two items are the same when
/// they are written the same.
struct Notation<'r> {
    rules: &'r RuleSet,
}

impl Notation<'_> {
    fn titles(&self, texts: &Texts) -> Fields {
        Lang::ALL
            .iter()
            .map(|l| (title_field(*l), quoted(texts.get(*l))))
            .collect()
    }

    fn texts(&self, texts: &Texts) -> Fields {
        Lang::ALL
            .iter()
            .map(|l| (text_field(*l), quoted(texts.get(*l))))
            .collect()
    }

    fn cite(&self, c: &Cite) -> String {
        let mut text = format!("cite {}", self.rules.sources[c.source].name);
        if let Some(p) = &c.pinpoint {
            text.push(' ');
            text.push_str(&quoted(p));
        }
        if c.unverified {
            text.push_str(" unverified");
        }
        text
    }

    fn cites(&self, cites: &[Cite]) -> String {
        let all: Vec<String> = cites.iter().map(|c| self.cite(c)).collect();
        all.join("; ")
    }

    /// A field of the element at a level: `#0.kind` (elements are named by their level).
    fn field(&self, level: u8, record: usize, field: u32) -> String {
        let name = self.rules.vocab.records[record]
            .fields
            .get(field as usize)
            .map_or("", |f| f.name.as_str());
        format!("#{level}.{name}")
    }

    fn name(&self, r: NameRef) -> &str {
        match r {
            NameRef::Date => "date",
            NameRef::Fact(f) => &self.rules.vocab.fact_decl(f).path,
            NameRef::Param(p) => &self.rules.params[p].name,
            NameRef::Def(d) => &self.rules.defs[d].name,
        }
    }

    fn template(&self, parts: &Template) -> String {
        parts
            .iter()
            .map(|p| match p {
                TemplatePart::Text(t) => t.clone(),
                TemplatePart::Value(r) => format!("{{{}}}", self.name(*r)),
            })
            .collect()
    }

    fn rule_outcome(&self, o: RuleOutcome) -> String {
        let procedure = |p: usize| self.rules.procedures[p].name.as_str();
        match o {
            RuleOutcome::Allowed => Outcome::Allowed.notation(None),
            RuleOutcome::NotAllowed(p) => Outcome::NotAllowed.notation(p.map(procedure)),
            RuleOutcome::Undecided => Outcome::Undecided.notation(None),
        }
    }

    fn cond(&self, c: &CCond) -> String {
        let join = |items: &[CCond], word: &str| {
            items
                .iter()
                .map(|i| match i {
                    CCond::Or(_) | CCond::And(_) => format!("({})", self.cond(i)),
                    _ => self.cond(i),
                })
                .collect::<Vec<_>>()
                .join(word)
        };
        match c {
            CCond::Or(items) => join(items, " or "),
            CCond::And(items) => join(items, " and "),
            CCond::Not(inner) => match inner.as_ref() {
                CCond::Or(_) | CCond::And(_) => format!("not ({})", self.cond(inner)),
                _ => format!("not {}", self.cond(inner)),
            },
            CCond::Truth(e) => self.expr(e),
            CCond::Compare { op, left, right } => {
                let op = match op {
                    CmpOp::Lt => "<",
                    CmpOp::Le => "<=",
                    CmpOp::Gt => ">",
                    CmpOp::Ge => ">=",
                    CmpOp::Eq => "=",
                    CmpOp::Ne => "!=",
                };
                format!("{} {op} {}", self.expr(left), self.expr(right))
            }
            CCond::Between { subject, low, high } => format!(
                "{} between {} and {}",
                self.expr(subject),
                self.expr(low),
                self.expr(high)
            ),
            CCond::Is {
                subject,
                negated,
                values,
            } => {
                let not = if *negated { "not " } else { "" };
                let one_of = if values.len() > 1 { "one of " } else { "" };
                let list = match subject {
                    CExpr::Fact { fact, .. } => match self.rules.vocab.fact_decl(*fact).ty {
                        ValueType::OneOf(l) => Some(l),
                        _ => None,
                    },
                    _ => None,
                };
                let names: Vec<String> = values
                    .iter()
                    .map(|v| match list {
                        Some(l) => self.rules.vocab.name_text(l, *v).to_string(),
                        None => format!("#{v}"),
                    })
                    .collect();
                format!(
                    "{} is {not}{one_of}{}",
                    self.expr(subject),
                    names.join(", ")
                )
            }
            CCond::IsMissing { fact, negated } => format!(
                "{} is {}",
                match fact {
                    crate::check::Stated::Fact(f) => self.rules.vocab.fact_decl(*f).path.clone(),
                    crate::check::Stated::Field {
                        level,
                        record,
                        field,
                    } => self.field(*level, *record, *field),
                },
                if *negated { "stated" } else { "missing" }
            ),
        }
    }

    fn expr(&self, e: &CExpr) -> String {
        match e {
            CExpr::Money(m) => m.notation(),
            CExpr::Date(d) => d.to_string(),
            CExpr::Number(n) => format_amount(*n, Lang::Sv),
            CExpr::Bool(b) => b.to_string(),
            CExpr::CaseDate => "date".into(),
            CExpr::Fact { fact, default } => {
                let path = &self.rules.vocab.fact_decl(*fact).path;
                match default {
                    Some(d) => format!("{path} if missing {}", self.operand(d)),
                    None => path.clone(),
                }
            }
            CExpr::Field {
                level,
                record,
                field,
                default,
            } => {
                let name = self.field(*level, *record, *field);
                match default {
                    Some(d) => format!("{name} if missing {}", self.operand(d)),
                    None => name,
                }
            }
            CExpr::Element { level, .. } => format!("#{level}"),
            CExpr::RecordDef { level, def } => format!("#{level}.{}", self.rules.defs[*def].name),
            CExpr::Quant {
                quantifier,
                list,
                of,
                cond,
                ..
            } => {
                let list = match list {
                    crate::check::ListSrc::Fact(f) => self.rules.vocab.fact_decl(*f).path.clone(),
                    crate::check::ListSrc::Field {
                        level,
                        record,
                        field,
                    } => self.field(*level, *record, *field),
                };
                let word = match quantifier {
                    crate::ast::Quantifier::Any => "any",
                    crate::ast::Quantifier::All => "all",
                    crate::ast::Quantifier::Count => "count",
                    crate::ast::Quantifier::Sum => "sum",
                };
                let mut text = format!("{word} # in {list}");
                if let Some(of) = of {
                    text.push_str(&format!(" of {}", self.operand(of)));
                }
                if let Some(c) = cond {
                    text.push_str(&format!(" where ({})", self.cond(c)));
                }
                text
            }
            CExpr::Param(p) => self.rules.params[*p].name.clone(),
            CExpr::Def(d) => self.rules.defs[*d].name.clone(),
            CExpr::Arith { op, left, right } => {
                let sign = match op {
                    ArithOp::Add => "+",
                    ArithOp::Sub => "-",
                    ArithOp::Mul => "×",
                };
                format!("{} {sign} {}", self.operand(left), self.operand(right))
            }
            CExpr::PercentOf { percent, of } => format!(
                "{} % of {}",
                format_amount(*percent, Lang::Sv),
                self.operand(of)
            ),
            CExpr::If {
                cond,
                then,
                otherwise,
            } => format!(
                "if {} then {} else {}",
                self.cond(cond),
                self.operand(then),
                self.operand(otherwise)
            ),
            CExpr::Cond(c) => self.cond(c),
        }
    }

    /// An expression inside another: in parentheses unless it is a single value.
    fn operand(&self, e: &CExpr) -> String {
        match e {
            CExpr::Arith { .. } | CExpr::PercentOf { .. } | CExpr::If { .. } | CExpr::Cond(_) => {
                format!("({})", self.expr(e))
            }
            CExpr::Fact {
                default: Some(_), ..
            } => format!("({})", self.expr(e)),
            _ => self.expr(e),
        }
    }
}

/// Where each item is written, `file:line:col`, found by reading the files again (a checked rule
/// set keeps no spans for its items).
fn locations(rules: &RuleSet) -> BTreeMap<(usize, String), String> {
    let mut out = BTreeMap::new();
    for source in &rules.files {
        let Ok(file) = crate::syntax::parse_file(source) else {
            continue;
        };
        for item in &file.items {
            let (kind, name, span) = match item {
                Item::Source(s) => ("source", s.name.name.clone(), s.span),
                Item::Parameter(p) => ("parameter", p.name.name.clone(), p.span),
                Item::Define(d) => ("define", d.name.name.clone(), d.span),
                Item::Procedure(p) => ("procedure", p.name.name.clone(), p.span),
                Item::Obligation(o) => ("obligation", o.name.name.clone(), o.span),
                Item::Warning(w) => ("warning", w.name.name.clone(), w.span),
                Item::Rule(r) => ("rule", r.name.name.clone(), r.span),
                Item::Example(e) => ("example", e.title.clone(), e.span),
                Item::Clauses(c) => ("clauses", c.name.name.clone(), c.span),
                Item::Country(c) => ("country", c.name.name.clone(), c.span),
                Item::CaseKind(c) => ("case", c.name.name.clone(), c.span),
                Item::List(l) => ("list", l.name.name.clone(), l.span),
                Item::Record(r) => ("record", r.name.name.clone(), r.span),
                Item::Fact(f) => ("fact", f.path.name.clone(), f.span),
                Item::Ledger(l) => ("ledger", l.country.name.clone(), l.span),
            };
            let k = KINDS.iter().position(|x| *x == kind).unwrap_or(KINDS.len());
            let (line, col) = source.line_col(span.start);
            out.entry((k, name))
                .or_insert_with(|| format!("{}:{line}:{col}", source.name));
        }
    }
    out
}

fn item_changes(old: &RuleSet, new: &RuleSet) -> Vec<ItemChange> {
    let (a, b) = (items(old), items(new));
    let mut keys: BTreeSet<&(usize, String)> = a.keys().collect();
    keys.extend(b.keys());
    let (old_at, new_at) = (locations(old), locations(new));
    let mut changes = Vec::new();
    for key in keys {
        let kind = KINDS.get(key.0).copied().unwrap_or("item");
        let (change, fields, location) = match (a.get(key), b.get(key)) {
            (Some(_), None) => (Change::Removed, Vec::new(), old_at.get(key)),
            (None, Some(_)) => (Change::Added, Vec::new(), new_at.get(key)),
            (Some(x), Some(y)) if x != y => (Change::Changed, field_changes(x, y), new_at.get(key)),
            _ => continue,
        };
        let values = if kind == "parameter" && change == Change::Changed {
            value_changes(old, new, &key.1)
        } else {
            Vec::new()
        };
        changes.push(ItemChange {
            kind,
            name: key.1.clone(),
            change,
            location: location.cloned(),
            fields,
            values,
        });
    }
    changes
}

/// The fields that differ, in the order of the new item, then those only the old one has.
fn field_changes(old: &Fields, new: &Fields) -> Vec<FieldChange> {
    let find = |fields: &Fields, name: &str| {
        fields
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, v)| v.clone())
    };
    let mut out = Vec::new();
    for (name, value) in new {
        let before = find(old, name);
        if before.as_ref() != Some(value) {
            out.push(FieldChange {
                field: name.clone(),
                old: before,
                new: Some(value.clone()),
            });
        }
    }
    for (name, value) in old {
        if find(new, name).is_none() {
            out.push(FieldChange {
                field: name.clone(),
                old: Some(value.clone()),
                new: None,
            });
        }
    }
    out
}

fn param<'r>(rules: &'r RuleSet, name: &str) -> Option<&'r Parameter> {
    rules.index.params.get(name).map(|i| &rules.params[*i])
}

/// The days a parameter's value differs between the rule sets, cut where either table changes.
fn differing_days(op: &Parameter, np: &Parameter) -> Vec<(Date, Option<Date>)> {
    let cuts: BTreeSet<Date> = op
        .entries
        .iter()
        .chain(&np.entries)
        .map(|e| e.from)
        .collect();
    let cut_list: Vec<Date> = cuts.into_iter().collect();
    let mut spans: Vec<(Date, Option<Date>)> = Vec::new();
    for (i, from) in cut_list.iter().enumerate() {
        let to = cut_list.get(i + 1).and_then(|d| d.yesterday().ok());
        if value_on(op, *from) != value_on(np, *from) {
            match spans.last_mut() {
                Some((_, last_to)) if last_to.and_then(|t| t.tomorrow().ok()) == Some(*from) => {
                    *last_to = to
                }
                _ => spans.push((*from, to)),
            }
        }
    }
    spans
}

fn value_changes(old: &RuleSet, new: &RuleSet, name: &str) -> Vec<ValueChange> {
    let (Some(op), Some(np)) = (param(old, name), param(new, name)) else {
        return Vec::new();
    };
    differing_days(op, np)
        .into_iter()
        .map(|(from, to)| ValueChange {
            from,
            to,
            old: show_value(value_on(op, from), op.currency),
            new: show_value(value_on(np, from), np.currency),
        })
        .collect()
}

// ---- examples ---------------------------------------------------------------------------------

/// Every example of either rule set (by title, the new one's first) whose outcome differs.
fn example_flips(old: &RuleSet, new: &RuleSet) -> Vec<ExampleFlip> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for rules in [new, old] {
        for e in &rules.examples {
            if !seen.insert(e.title.clone()) {
                continue;
            }
            let Ok(case) = rules.example_case(e) else {
                continue;
            };
            let (a, b) = (old.evaluate(&case), new.evaluate(&case));
            let describe = |d: &crate::decision::Decision| {
                d.outcome
                    .notation(d.procedure.as_ref().map(|p| p.name.as_str()))
            };
            let (a, b) = (describe(&a), describe(&b));
            if a != b {
                let source = &rules.files[e.file];
                let (line, col) = source.line_col(e.span.start);
                out.push(ExampleFlip {
                    location: format!("{}:{line}:{col}", source.name),
                    title: e.title.clone(),
                    old: a,
                    new: b,
                });
            }
        }
    }
    out
}

// ---- outcome regions ----------------------------------------------------------------------------

fn money(amount: Decimal, currency: Currency) -> String {
    Money::new(amount, currency).notation()
}

/// The value a parameter has on a day, as comparable data.
fn value_on(p: &Parameter, day: Date) -> Option<EntryValue> {
    let i = p
        .entries
        .partition_point(|e| e.from <= day)
        .checked_sub(1)?;
    Some(p.entries[i].value)
}

fn show_value(v: Option<EntryValue>, currency: Currency) -> String {
    match v {
        None => "no value".into(),
        Some(EntryValue::Exact(a)) => money(a, currency),
        Some(EntryValue::Range(l, h)) => format!(
            "between {} and {}",
            format_amount(l, Lang::Sv),
            money(h, currency)
        ),
        Some(EntryValue::Unknown) => "unknown".into(),
        Some(EntryValue::Repealed) => "repealed".into(),
    }
}

/// One piece of the value line: an amount, or the open gap between two.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    low: Option<(Decimal, bool)>,
    high: Option<(Decimal, bool)>,
    sample: Decimal,
}

fn describe_range(
    low: Option<(Decimal, bool)>,
    high: Option<(Decimal, bool)>,
    c: Currency,
) -> String {
    match (low, high) {
        (Some((l, true)), Some((h, true))) if l == h => format!("exactly {}", money(l, c)),
        (Some((l, li)), Some((h, hi))) => format!(
            "{} {} and {} {}",
            if li { "at least" } else { "above" },
            format_amount(l, Lang::Sv),
            if hi { "at most" } else { "below" },
            money(h, c)
        ),
        (Some((l, li)), None) => {
            format!("{} {}", if li { "at least" } else { "above" }, money(l, c))
        }
        (None, Some((h, hi))) => {
            format!("{} {}", if hi { "at most" } else { "below" }, money(h, c))
        }
        (None, None) => "any value".into(),
    }
}

fn pieces(mut points: Vec<Decimal>) -> Vec<Piece> {
    points.retain(|p| *p > Decimal::ZERO);
    points.sort();
    points.dedup();
    let mut out = Vec::new();
    let mut previous: Option<Decimal> = None;
    for p in points {
        let low = previous;
        let sample = match low {
            Some(l) => (l + p) / Decimal::TWO,
            None => p / Decimal::TWO,
        };
        out.push(Piece {
            low: low.map(|l| (l, false)),
            high: Some((p, false)),
            sample,
        });
        out.push(Piece {
            low: Some((p, true)),
            high: Some((p, true)),
            sample: p,
        });
        previous = Some(p);
    }
    let last = previous.unwrap_or(Decimal::ZERO);
    out.push(Piece {
        low: previous.map(|l| (l, false)),
        high: None,
        sample: last * Decimal::TWO + Decimal::ONE,
    });
    out
}

/// A kind of case: for each name-valued fact the rules test (by path), a name (`true`: one a
/// condition mentions; `false`: one standing for all the others), or `None`: not stated.
type Kind = Vec<(String, Option<String>, bool)>;

struct Side<'r> {
    rules: &'r RuleSet,
    /// The fact the tools vary ([`value_fact`]), looked up once.
    value: Option<String>,
}

/// An outcome in short, compared without making its text: the notation is written only for the
/// outcomes a flip reports.
type Short<'r> = (Outcome, Option<&'r str>);

fn notation((outcome, procedure): Short) -> String {
    outcome.notation(procedure)
}

impl<'r> Side<'r> {
    fn new(rules: &'r RuleSet) -> Self {
        Side {
            rules,
            value: value_fact(rules),
        }
    }

    /// A case of `kind` on `day`, made once and then decided at every value a flip search tries.
    fn case(&self, j: &str, day: Date, kind: &Kind) -> Option<crate::Case> {
        let mut case = self.rules.new_case(j, day).ok()?;
        for (fact, name, _) in kind {
            if let Some(name) = name {
                let _ = case.set(fact, name);
            }
        }
        Some(case)
    }

    /// The outcome at `value`; the fast path (no trace), since diff decides many cases.
    fn decide(&self, case: Option<&mut crate::Case>, value: Money) -> Short<'r> {
        let Some(case) = case else {
            return (Outcome::Undecided, None);
        };
        if let Some(path) = &self.value {
            let _ = case.set_amount(path, value);
        }
        let verdict = self.rules.decide(case);
        (verdict.outcome, verdict.procedure)
    }
}

/// The estimated value the tools vary: the first amount a case of the default kind states
/// (`purchase.value`).
fn value_fact(rules: &RuleSet) -> Option<String> {
    let vocab = &rules.vocab;
    vocab
        .facts
        .iter()
        .find(|f| f.ty == ValueType::Amount && f.kind == Some(vocab.default_kind))
        .map(|f| f.path.clone())
}

fn walk_cond(c: &CCond, f: &mut dyn FnMut(&CCond), g: &mut dyn FnMut(&CExpr)) {
    f(c);
    match c {
        CCond::Or(items) | CCond::And(items) => items.iter().for_each(|i| walk_cond(i, f, g)),
        CCond::Not(inner) => walk_cond(inner, f, g),
        CCond::Truth(e) | CCond::Is { subject: e, .. } => walk_expr(e, f, g),
        CCond::Compare { left, right, .. } => {
            walk_expr(left, f, g);
            walk_expr(right, f, g);
        }
        CCond::Between { subject, low, high } => {
            for e in [subject, low, high] {
                walk_expr(e, f, g);
            }
        }
        CCond::IsMissing { .. } => {}
    }
}

fn walk_children(e: &CExpr, f: &mut dyn FnMut(&CCond), g: &mut dyn FnMut(&CExpr)) {
    match e {
        CExpr::Field {
            default: Some(d), ..
        } => walk_expr(d, f, g),
        CExpr::Quant { of, cond, .. } => {
            if let Some(of) = of {
                walk_expr(of, f, g);
            }
            if let Some(c) = cond {
                walk_cond(c, f, g);
            }
        }
        _ => {}
    }
}

fn walk_expr(e: &CExpr, f: &mut dyn FnMut(&CCond), g: &mut dyn FnMut(&CExpr)) {
    g(e);
    match e {
        CExpr::Fact {
            default: Some(d), ..
        } => walk_expr(d, f, g),
        CExpr::Arith { left, right, .. } => {
            walk_expr(left, f, g);
            walk_expr(right, f, g);
        }
        CExpr::PercentOf { of, .. } => walk_expr(of, f, g),
        CExpr::If {
            cond,
            then,
            otherwise,
        } => {
            walk_cond(cond, f, g);
            walk_expr(then, f, g);
            walk_expr(otherwise, f, g);
        }
        CExpr::Cond(c) => walk_cond(c, f, g),
        other => walk_children(other, f, g),
    }
}

/// What the conditions of a rule set mention: names tested per fact, amounts, dates.
#[derive(Default)]
struct Mentions {
    names: BTreeMap<String, BTreeSet<String>>,
    facts: BTreeSet<String>,
    /// Every name of each name-valued fact mentioned, in declaration order, for the country.
    all_names: BTreeMap<String, Vec<String>>,
    amounts: BTreeSet<Decimal>,
    dates: BTreeSet<Date>,
}

fn mentions(rules: &RuleSet, j: &str, m: &mut Mentions) {
    let vocab = &rules.vocab;
    let Some(country) = vocab.country(j) else {
        return;
    };
    let mut conds: Vec<&CCond> = Vec::new();
    let mut exprs: Vec<&CExpr> = Vec::new();
    // The cases tried are purchases: what partnership rules test does not matter to them.
    for r in rules
        .rules
        .iter()
        .filter(|r| r.jurisdiction == country && r.case_kind == vocab.default_kind)
    {
        for f in &r.deps.facts {
            let decl = vocab.fact_decl(*f);
            if let ValueType::OneOf(l) = decl.ty {
                m.all_names.insert(
                    decl.path.clone(),
                    vocab
                        .names_in(l, country)
                        .into_iter()
                        .map(|n| vocab.name_text(l, n).to_string())
                        .collect(),
                );
            }
            m.facts.insert(decl.path.clone());
        }
        conds.extend(r.when.iter());
        for (_, c) in r.obligations.iter().chain(&r.warnings) {
            conds.extend(c.iter());
        }
        if let Some(f) = r.valid_from {
            m.dates.insert(f);
        }
        if let Some(t) = r.valid_to.and_then(|t| t.tomorrow().ok()) {
            m.dates.insert(t);
        }
    }
    exprs.extend(rules.defs.iter().map(|d| &d.expr));
    let mut on_cond = |c: &CCond| {
        if let CCond::Is {
            subject: CExpr::Fact { fact, .. },
            values,
            ..
        } = c
        {
            let decl = vocab.fact_decl(*fact);
            if let ValueType::OneOf(l) = decl.ty {
                m.names
                    .entry(decl.path.clone())
                    .or_default()
                    .extend(values.iter().map(|v| vocab.name_text(l, *v).to_string()));
            }
        }
    };
    let mut amounts = BTreeSet::new();
    let mut dates = BTreeSet::new();
    let mut on_expr = |e: &CExpr| match e {
        CExpr::Money(money) => {
            amounts.insert(money.amount);
        }
        CExpr::Date(d) => {
            dates.insert(*d);
            if let Ok(t) = d.tomorrow() {
                dates.insert(t);
            }
        }
        _ => {}
    };
    for c in conds {
        walk_cond(c, &mut on_cond, &mut on_expr);
    }
    for e in exprs {
        walk_expr(e, &mut on_cond, &mut on_expr);
    }
    m.amounts.extend(amounts);
    m.dates.extend(dates);
}

/// The kinds of case to try: for each name-valued fact the rules read, every name a condition
/// tests and one it does not (standing for the rest).
fn kinds(m: &Mentions) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = vec![Vec::new()];
    for fact in &m.facts {
        let Some(all) = m.all_names.get(fact) else {
            continue;
        };
        let mentioned = m.names.get(fact).cloned().unwrap_or_default();
        let mut options: Vec<(Option<String>, bool)> = vec![(None, false)];
        options.extend(
            all.iter()
                .filter(|n| mentioned.contains(*n))
                .map(|n| (Some(n.clone()), true)),
        );
        if let Some(other) = all.iter().find(|n| !mentioned.contains(*n)) {
            options.push((Some(other.clone()), false));
        }
        if options.len() < 2 {
            continue;
        }
        kinds = kinds
            .into_iter()
            .flat_map(|k| {
                options.iter().map(move |(n, m)| {
                    let mut k = k.clone();
                    k.push((fact.clone(), n.clone(), *m));
                    k
                })
            })
            .collect();
    }
    kinds
}

fn option_text(fact: &str, name: Option<&str>, mentioned: bool, m: &Mentions) -> String {
    match (name, mentioned) {
        (None, _) => "not stated".into(),
        (Some(n), true) => n.to_string(),
        (Some(_), false) => {
            let Some(all) = m.all_names.get(fact) else {
                return "another value".into();
            };
            let named = m.names.get(fact);
            let others: Vec<&str> = all
                .iter()
                .map(String::as_str)
                .filter(|n| named.is_none_or(|s| !s.contains(*n)))
                .collect();
            match others.as_slice() {
                [one] => (*one).to_string(),
                _ => format!("any of {}", others.join(", ")),
            }
        }
    }
}

/// A set of kinds as, per fact, a set of options: a cube.
type Cube = Vec<(String, Vec<(Option<String>, bool)>)>;

/// Describes a set of kinds as few cubes as merging neighbours gives (two cubes that differ in
/// one fact only become one), each with the facts that matter.
fn describe_kinds(group: &[&Kind], all: &[Kind], m: &Mentions) -> Vec<String> {
    if group.len() == all.len() {
        return vec!["every kind of case".into()];
    }
    let mut cubes: Vec<Cube> = group
        .iter()
        .map(|k| {
            k.iter()
                .map(|(f, n, m)| (f.clone(), vec![(n.clone(), *m)]))
                .collect()
        })
        .collect();
    loop {
        let mut merged = false;
        'outer: for a in 0..cubes.len() {
            for b in a + 1..cubes.len() {
                let differ: Vec<usize> = (0..cubes[a].len())
                    .filter(|i| cubes[a][*i].1 != cubes[b][*i].1)
                    .collect();
                if let [i] = differ.as_slice() {
                    let other = cubes.remove(b);
                    let set = &mut cubes[a][*i].1;
                    set.extend(other[*i].1.iter().cloned());
                    set.sort();
                    set.dedup();
                    merged = true;
                    break 'outer;
                }
            }
        }
        if !merged {
            break;
        }
    }
    let options = |i: usize| -> Vec<(Option<String>, bool)> {
        let mut v: Vec<_> = all
            .iter()
            .filter_map(|k| k.get(i))
            .map(|(_, n, m)| (n.clone(), *m))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    cubes
        .iter()
        .map(|cube| {
            let parts: Vec<String> = cube
                .iter()
                .enumerate()
                .filter(|(i, (_, set))| *set != options(*i))
                .map(|(_, (fact, set))| {
                    let texts: Vec<String> = set
                        .iter()
                        .map(|(n, k)| option_text(fact, n.as_deref(), *k, m))
                        .collect();
                    format!("{fact} {}", texts.join(" or "))
                })
                .collect();
            if parts.is_empty() {
                "every kind of case".into()
            } else {
                parts.join(", ")
            }
        })
        .collect()
}

/// On one day, per kind of case, the value ranges whose outcome differs between the rule sets.
fn flips_on<'k>(
    old: &RuleSet,
    new: &RuleSet,
    j: &str,
    day: Date,
    kinds: &'k [Kind],
    m: &Mentions,
    currency: Currency,
) -> BTreeMap<Vec<Flip>, Vec<&'k Kind>> {
    let mut points: Vec<Decimal> = m.amounts.iter().copied().collect();
    for p in country_params(old, j)
        .chain(country_params(new, j))
        .filter(|p| p.currency == currency)
    {
        match value_on(p, day) {
            Some(EntryValue::Exact(v)) => points.push(v),
            Some(EntryValue::Range(l, h)) => points.extend([l, h]),
            _ => {}
        }
    }
    let pieces = pieces(points);
    let (o, n) = (Side::new(old), Side::new(new));
    let mut groups: BTreeMap<Vec<Flip>, Vec<&Kind>> = BTreeMap::new();
    for kind in kinds {
        let mut flips: Vec<Flip> = Vec::new();
        let mut run: Option<(Piece, Piece, Short, Short)> = None;
        let (mut old_case, mut new_case) = (o.case(j, day, kind), n.case(j, day, kind));
        for piece in &pieces {
            let value = Money::new(piece.sample, currency);
            let a = o.decide(old_case.as_mut(), value);
            let b = n.decide(new_case.as_mut(), value);
            let continues = matches!(&run, Some((_, _, ra, rb)) if *ra == a && *rb == b);
            if a != b && continues {
                if let Some(r) = run.as_mut() {
                    r.1 = *piece;
                }
                continue;
            }
            if let Some((first, last, ra, rb)) = run.take() {
                flips.push(Flip {
                    values: describe_range(first.low, last.high, currency),
                    old: notation(ra),
                    new: notation(rb),
                });
            }
            if a != b {
                run = Some((*piece, *piece, a, b));
            }
        }
        if let Some((first, last, ra, rb)) = run.take() {
            flips.push(Flip {
                values: describe_range(first.low, last.high, currency),
                old: notation(ra),
                new: notation(rb),
            });
        }
        groups.entry(flips).or_default().push(kind);
    }
    groups
}

/// A country's parameters in a rule set.
fn country_params<'r>(
    rules: &'r RuleSet,
    j: &'r str,
) -> impl Iterator<Item = &'r crate::check::Parameter> + 'r {
    rules
        .params
        .iter()
        .filter(move |p| rules.vocab.code(p.jurisdiction) == j)
}

/// Kinds of case grouped by the flips they share.
type FlipGroups<'k> = BTreeMap<Vec<Flip>, Vec<&'k Kind>>;

/// A stretch of days, both ends included; `None` where it has no end.
type Days = (Option<Date>, Option<Date>);

/// The outcomes that flip: per jurisdiction, on the days a change can matter.
fn regions(old: &RuleSet, new: &RuleSet, changes: &[ItemChange]) -> Vec<Region> {
    let mut days: BTreeMap<String, Vec<Days>> = BTreeMap::new();
    for c in changes.iter().filter(|c| !only_words_changed(c)) {
        match c.kind {
            "parameter" => {
                if let (Some(op), Some(np)) = (param(old, &c.name), param(new, &c.name)) {
                    days.entry(new.vocab.code(np.jurisdiction).to_string())
                        .or_default()
                        .extend(
                            differing_days(op, np)
                                .into_iter()
                                .map(|(from, to)| (Some(from), to)),
                        );
                }
            }
            "rule" => {
                for rules in [old, new] {
                    if let Some(r) = rules.index.rules.get(&c.name).map(|i| &rules.rules[*i]) {
                        days.entry(rules.vocab.code(r.jurisdiction).to_string())
                            .or_default()
                            .push((r.valid_from, r.valid_to));
                    }
                }
            }
            "define" => {
                for rules in [old, new] {
                    let Some(d) = rules.index.defs.get(&c.name) else {
                        continue;
                    };
                    for r in rules.rules.iter().filter(|r| r.deps.defs.contains(d)) {
                        days.entry(rules.vocab.code(r.jurisdiction).to_string())
                            .or_default()
                            .push((r.valid_from, r.valid_to));
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (j, spans) in days {
        out.extend(regions_in(old, new, &j, merge(spans)));
    }
    out
}

/// Whether a changed item differs only in what is shown, never in what is decided: its citations,
/// titles or texts. No outcome can flip, so there is no region to search (a corrected pinpoint is
/// then reported at once instead of after deciding every kind of case on every day).
fn only_words_changed(c: &ItemChange) -> bool {
    let shown = |field: &str| {
        field == CITATIONS
            || Lang::ALL
                .iter()
                .any(|l| field == text_field(*l) || field == title_field(*l))
    };
    c.change == Change::Changed
        && c.values.is_empty()
        && !c.fields.is_empty()
        && c.fields.iter().all(|f| shown(&f.field))
}

/// Overlapping or adjacent stretches joined, in date order.
fn merge(mut spans: Vec<Days>) -> Vec<Days> {
    spans.sort();
    let mut out: Vec<Days> = Vec::new();
    for (from, to) in spans {
        if let Some(last) = out.last_mut() {
            let joins = match (last.1, from) {
                (None, _) | (_, None) => true,
                (Some(end), Some(start)) => end.tomorrow().is_ok_and(|d| d >= start),
            };
            if joins {
                last.1 = match (last.1, to) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                continue;
            }
        }
        out.push((from, to));
    }
    out
}

fn regions_in(old: &RuleSet, new: &RuleSet, j: &str, spans: Vec<Days>) -> Vec<Region> {
    let mut m = Mentions::default();
    mentions(old, j, &mut m);
    mentions(new, j, &mut m);
    let all_kinds = kinds(&m);
    let mut day_cuts: BTreeSet<Date> = m.dates.clone();
    let params = || country_params(old, j).chain(country_params(new, j));
    for p in params() {
        day_cuts.extend(p.entries.iter().map(|e| e.from));
    }
    let currency = new
        .currency(j)
        .or_else(|| old.currency(j))
        .or_else(|| params().next().map(|p| p.currency))
        .unwrap_or_default();
    // A day before every cut stands for the days with no beginning; with no cut at all, any day
    // stands for every day.
    let before_all = day_cuts
        .first()
        .and_then(|d| d.yesterday().ok())
        .unwrap_or(jiff::civil::date(2000, 1, 1));
    // Sub-periods, each with its flips per kind of case; neighbours with the same flips joined.
    let mut results: Vec<(Option<Date>, Option<Date>, FlipGroups)> = Vec::new();
    for (from, to) in spans {
        let mut starts: Vec<Option<Date>> = vec![from];
        starts.extend(
            day_cuts
                .iter()
                .copied()
                .filter(|d| from.is_none_or(|f| *d > f) && to.is_none_or(|t| *d <= t))
                .map(Some),
        );
        for (i, start) in starts.iter().enumerate() {
            let end = starts
                .get(i + 1)
                .and_then(|d| d.and_then(|d| d.yesterday().ok()))
                .or(to);
            let day = start.unwrap_or(before_all);
            let flips = flips_on(old, new, j, day, &all_kinds, &m, currency);
            match results.last_mut() {
                Some((_, last_end, last))
                    if *last == flips && last_end.and_then(|e| e.tomorrow().ok()) == *start =>
                {
                    *last_end = end;
                }
                _ => results.push((*start, end, flips)),
            }
        }
    }
    let mut out = Vec::new();
    for (from, to, groups) in results {
        for (flips, group) in groups {
            if flips.is_empty() {
                continue;
            }
            for cases in describe_kinds(&group, &all_kinds, &m) {
                out.push(Region {
                    jurisdiction: j.to_string(),
                    from,
                    to,
                    cases,
                    flips: flips.clone(),
                });
            }
        }
    }
    out
}
