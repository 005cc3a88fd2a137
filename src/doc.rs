//! `regelverk doc`: the whole rule set as a document for people who never open a rule file.
//!
//! For each jurisdiction: the thresholds and other amounts as tables by period, how values are
//! computed, what the outcomes require, every rule in plain language with its period, condition,
//! citations and the examples it decides, all examples, and the sources. The document is built once
//! as a small tree ([`Block`]) and rendered as Markdown or as one self-contained HTML page (inline
//! style, no scripts, no fonts or images fetched from anywhere).
//!
//! One language per document: amounts, outcomes, procedures and the names a case gives
//! (`goods` is `varor` in Swedish) are written in it. A name's words come from where they are
//! defined: a fact's title, the words a case may use for a category, and the rule files' own
//! texts where they write a name after its words (`synnerlig brådska (extreme_urgency)`, see
//! `labels_from_texts`); a name with no words in the language is shown as the rule files write
//! it. Each rule lists its obligations, warnings and exceptions (as links), each outcome links
//! to its procedure, examples the rules no longer decide as expected are marked, and the open
//! questions (unverified values, ranges, unverified citations) are listed per country.
//!
//! Invariant: presents, never decides; the examples are decided by [`RuleSet::evaluate`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::check::{
    CCond, CExpr, Cite, EntryValue, Expected, NameRef, RuleOutcome, RuleSet, TemplatePart,
};
use crate::decision::Outcome;
use crate::lang::Lang;
use crate::money::{Money, format_amount};
use crate::vocab::{CountryId, FactRef, KindId, ListId, ValueType};

/// A piece of running text.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Emphasised text.
    Em(String),
    /// Strong text.
    Strong(String),
    /// A name as the rule files write it.
    Code(String),
    /// A link: to a source on the web, or (`#…`) to a place in the document.
    Link {
        /// What the link says.
        text: String,
        /// Where it leads.
        url: String,
    },
    /// A place in the document a link can point to (HTML only).
    Anchor(String),
    /// What a reader must not miss: a failing example, an open question (bold, and red in HTML).
    Mark(String),
}

/// A block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading.
    Heading {
        /// 1 for the title, 2 for a country, and so on.
        level: u8,
        /// The anchor links point to.
        id: String,
        /// The heading's text.
        text: String,
    },
    /// A paragraph.
    Para(Vec<Inline>),
    /// A list, one item per entry.
    List(Vec<Vec<Inline>>),
    /// A table.
    Table {
        /// The column headings.
        head: Vec<String>,
        /// The rows, one cell per column.
        rows: Vec<Vec<Vec<Inline>>>,
    },
}

fn tr(lang: Lang, sv: &'static str, nb: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Sv => sv,
        Lang::Nb => nb,
        Lang::En => en,
    }
}

fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// The document's title in a language.
pub fn title(lang: Lang) -> &'static str {
    tr(lang, "Regelverket", "Regelverket", "The rule set")
}

/// Builds the document of a rule set in one language.
pub fn document(rules: &RuleSet, lang: Lang) -> Vec<Block> {
    let mut doc = Doc {
        rules,
        lang,
        blocks: Vec::new(),
        labels: labels_from_texts(rules, lang),
        jurisdiction: 0,
        examples: Vec::new(),
    };
    doc.build();
    doc.blocks
}

struct Doc<'r> {
    rules: &'r RuleSet,
    lang: Lang,
    blocks: Vec<Block>,
    /// Words the rule files give names, per country, in the document's language.
    labels: BTreeMap<(CountryId, String), String>,
    /// The country being written: names take its rule files' words.
    jurisdiction: CountryId,
    /// Each example decided: its outcome and procedure, and whether it is as expected.
    examples: Vec<Decided>,
}

/// What the rules make of an example.
struct Decided {
    outcome: Option<(Outcome, Option<String>)>,
    passed: bool,
    decided_by: Vec<String>,
}

/// The words the rule files' texts give names: in a text of a rule of the jurisdiction, in the
/// language, a short phrase that is an item of a list (after `:` or `;`, an enumeration like
/// `a)` dropped) directly followed by the name in parentheses, as in `Villkoren: synnerliga skäl
/// (exceptional_reasons) – …`. A phrase that starts a sentence, holds a comma or a value, or runs
/// past six words is not taken for a name's words: a name without them is shown as written.
fn labels_from_texts(rules: &RuleSet, lang: Lang) -> BTreeMap<(CountryId, String), String> {
    let names: Vec<&str> = rules
        .vocab
        .lists
        .iter()
        .flat_map(|l| l.names.iter().map(String::as_str))
        .collect();
    let mut out = BTreeMap::new();
    for r in &rules.rules {
        let text: String = r.templates[lang_index(lang)]
            .iter()
            .map(|p| match p {
                TemplatePart::Text(t) => t.as_str(),
                TemplatePart::Value(_) => "{}",
            })
            .collect();
        for name in &names {
            if out.contains_key(&(r.jurisdiction, name.to_string())) {
                continue;
            }
            let marker = format!(" ({name})");
            let Some(at) = text.find(&marker) else {
                continue;
            };
            let before = &text[..at];
            let Some(start) = before.rfind(": ").max(before.rfind("; ")) else {
                continue;
            };
            let mut phrase = before[start + 2..].trim();
            if let Some((tag, rest)) = phrase.split_once(") ")
                && tag.chars().count() == 1
            {
                phrase = rest;
            }
            let words = phrase.split_whitespace().count();
            let plain = !phrase.contains([',', '.', '{', '`', '(', ')']);
            let lower = phrase.chars().next().is_some_and(char::is_lowercase);
            if (1..=6).contains(&words) && plain && lower {
                out.insert((r.jurisdiction, name.to_string()), phrase.to_string());
            }
        }
    }
    out
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

impl Doc<'_> {
    fn tr(&self, sv: &'static str, nb: &'static str, en: &'static str) -> &'static str {
        tr(self.lang, sv, nb, en)
    }

    fn heading(&mut self, level: u8, id: &str, text: impl Into<String>) {
        self.blocks.push(Block::Heading {
            level,
            id: slug(id),
            text: text.into(),
        });
    }

    fn para(&mut self, inlines: Vec<Inline>) {
        self.blocks.push(Block::Para(inlines));
    }

    fn build(&mut self) {
        let rules = self.rules;
        let lang = self.lang;
        let results = rules.run_examples();
        self.examples = rules
            .examples
            .iter()
            .zip(&results)
            .map(|(e, result)| {
                let decision = rules.example_case(e).ok().map(|c| rules.evaluate(&c));
                Decided {
                    outcome: decision
                        .as_ref()
                        .map(|d| (d.outcome, d.procedure.as_ref().map(|p| p.name.clone()))),
                    passed: result.passed,
                    decided_by: decision.map(|d| d.decided_by).unwrap_or_default(),
                }
            })
            .collect();
        self.heading(1, "top", title(lang));
        self.para(vec![
            text(self.tr(
                "Detta dokument är skapat ur regelfilerna med ",
                "Dette dokumentet er laget fra regelfilene med ",
                "This document is generated from the rule files by ",
            )),
            Inline::Code("regelverk doc".into()),
            text(self.tr(
            ". Det visar för varje land beloppen som gäller under varje period, hur värden räknas, varje regel i klartext med dess lagrum och de exempel som prövar den. Ett fall som reglerna inte avgör är aldrig \"tillåtet\": det är obestämt, med skälet.",
            ". Det viser for hvert land beløpene som gjelder i hver periode, hvordan verdier beregnes, hver regel i klartekst med hjemmel og eksemplene som prøver den. En sak reglene ikke avgjør, er aldri \"tillatt\": den er uavklart, med begrunnelse.",
            ". For each country it shows the amounts in force in each period, how values are computed, every rule in plain language with the law it applies and the examples that test it. A case the rules do not decide is never \"allowed\": it is undecided, with the reason.",
            )),
        ]);
        let mut jurisdictions: Vec<CountryId> =
            rules.rules.iter().map(|r| r.jurisdiction).collect();
        jurisdictions.extend(rules.params.iter().map(|p| p.jurisdiction));
        jurisdictions.sort();
        jurisdictions.dedup();
        for j in jurisdictions {
            self.jurisdiction(j);
        }
        self.sources();
    }

    fn jurisdiction(&mut self, j: CountryId) {
        let rules = self.rules;
        self.jurisdiction = j;
        let country = &rules.vocab.countries[j];
        let name = country.titles.get(self.lang).to_string();
        let code = country.code.to_lowercase();
        self.heading(2, &code, format!("{name} ({})", country.code));
        self.facts_of(j);

        // Thresholds.
        self.heading(
            3,
            &format!("{code}-thresholds"),
            self.tr(
                "Belopp och tröskelvärden",
                "Beløp og terskelverdier",
                "Amounts and thresholds",
            ),
        );
        for p in rules.params.iter().filter(|p| p.jurisdiction == j) {
            self.heading(
                4,
                &format!("{code}-param-{}", p.name),
                capitalize(p.titles.get(self.lang)),
            );
            self.para(vec![
                text(format!(
                    "{} ",
                    self.tr("I regelfilerna:", "I regelfilene:", "In the rule files:")
                )),
                Inline::Code(p.name.clone()),
            ]);
            let head = vec![
                self.tr("Från", "Fra", "From").to_string(),
                self.tr("Till och med", "Til og med", "Until").to_string(),
                self.tr("Belopp", "Beløp", "Amount").to_string(),
                self.tr("Källa", "Kilde", "Source").to_string(),
                self.tr("Anmärkning", "Merknad", "Remark").to_string(),
            ];
            let mut rows = Vec::new();
            for (i, e) in p.entries.iter().enumerate() {
                let to = p
                    .entries
                    .get(i + 1)
                    .and_then(|n| n.from.yesterday().ok())
                    .map_or_else(|| "–".to_string(), |d| d.to_string());
                let value = match e.value {
                    EntryValue::Exact(v) => Money::new(v, p.currency).display(self.lang),
                    EntryValue::Range(low, high) => format!(
                        "{} {} {} {}",
                        self.tr("mellan", "mellom", "between"),
                        Money::new(low, p.currency).display(self.lang),
                        self.tr("och", "og", "and"),
                        Money::new(high, p.currency).display(self.lang)
                    ),
                    EntryValue::Unknown => self.tr("okänt", "ukjent", "unknown").to_string(),
                    EntryValue::Repealed => self.tr("upphävt", "opphevet", "repealed").to_string(),
                };
                let mut remark = Vec::new();
                if e.unverified {
                    remark.push(Inline::Strong(
                        self.tr("Ej bekräftat.", "Ikke bekreftet.", "Unverified.")
                            .to_string(),
                    ));
                }
                if matches!(e.value, EntryValue::Range(..) | EntryValue::Unknown) {
                    if !remark.is_empty() {
                        remark.push(text(" "));
                    }
                    remark.push(Inline::Mark(
                        self.tr(
                            "Öppen fråga: det exakta beloppet är inte känt.",
                            "Åpent spørsmål: det eksakte beløpet er ikke kjent.",
                            "Open question: the exact amount is not known.",
                        )
                        .to_string(),
                    ));
                }
                if let Some(note) = &e.note {
                    if !remark.is_empty() {
                        remark.push(text(" "));
                    }
                    remark.push(text(note.clone()));
                }
                let source = e.cite.as_ref().map_or_else(Vec::new, |c| self.cite(c));
                rows.push(vec![
                    vec![text(e.from.to_string())],
                    vec![text(to)],
                    vec![text(value)],
                    source,
                    remark,
                ]);
            }
            self.blocks.push(Block::Table { head, rows });
        }

        // Definitions.
        let defs: Vec<usize> = (0..rules.defs.len())
            .filter(|d| {
                rules
                    .rules
                    .iter()
                    .any(|r| r.jurisdiction == j && r.deps.defs.contains(d))
            })
            .collect();
        if !defs.is_empty() {
            self.heading(
                3,
                &format!("{code}-values"),
                self.tr(
                    "Hur värden räknas",
                    "Hvordan verdier beregnes",
                    "How values are computed",
                ),
            );
            let mut items = Vec::new();
            for d in defs {
                let def = &rules.defs[d];
                // A record's definition is a value of each element: `party.name`.
                let name = match def.record {
                    Some(r) => format!("{}.{}", rules.vocab.records[r].name, def.name),
                    None => def.name.clone(),
                };
                let mut line = vec![
                    Inline::Strong(capitalize(def.titles.get(self.lang))),
                    text(" ("),
                    Inline::Code(name),
                    text(") = "),
                ];
                line.push(text(self.expr(&def.expr)));
                line.extend(self.cites_inline(&def.cites));
                items.push(line);
            }
            self.blocks.push(Block::List(items));
        }

        // Procedures and obligations.
        let mut items = Vec::new();
        for p in &rules.procedures {
            let used = rules.rules.iter().any(|r| {
                r.jurisdiction == j
                    && r.outcome == RuleOutcome::NotAllowed(Some(self.proc_id(&p.name)))
            });
            if used {
                let mut line = vec![
                    Inline::Anchor(self.procedure_id(&p.name)),
                    Inline::Strong(capitalize(p.texts.get(self.lang))),
                    text(" "),
                    Inline::Code(p.name.clone()),
                ];
                line.extend(self.cites_inline(&p.cites));
                items.push(line);
            }
        }
        if !items.is_empty() {
            self.heading(
                3,
                &format!("{code}-procedures"),
                self.tr(
                    "Förfaranden som krävs",
                    "Prosedyrer som kreves",
                    "Procedures required",
                ),
            );
            self.blocks.push(Block::List(items));
        }
        let mut items = Vec::new();
        for (id, o) in rules.obligations.iter().enumerate() {
            if rules
                .rules
                .iter()
                .any(|r| r.jurisdiction == j && r.obligations.iter().any(|(x, _)| *x == id))
            {
                let mut line = vec![text(o.texts.get(self.lang).to_string())];
                line.extend(self.cites_inline(&o.cites));
                items.push(line);
            }
        }
        for (id, w) in rules.warnings.iter().enumerate() {
            if rules
                .rules
                .iter()
                .any(|r| r.jurisdiction == j && r.warnings.iter().any(|(x, _)| *x == id))
            {
                let mut line = vec![
                    Inline::Strong(self.tr("Varning: ", "Advarsel: ", "Warning: ").to_string()),
                    text(w.texts.get(self.lang).to_string()),
                ];
                line.extend(self.cites_inline(&w.cites));
                items.push(line);
            }
        }
        if !items.is_empty() {
            self.heading(
                3,
                &format!("{code}-obligations"),
                self.tr(
                    "Skyldigheter och varningar",
                    "Plikter og advarsler",
                    "Obligations and warnings",
                ),
            );
            self.blocks.push(Block::List(items));
        }

        // Rules, with the examples each decides.
        let mut decided: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, d) in self.examples.iter().enumerate() {
            for name in &d.decided_by {
                decided.entry(name.clone()).or_default().push(i);
            }
        }
        self.heading(
            3,
            &format!("{code}-rules"),
            self.tr("Reglerna", "Reglene", "The rules"),
        );
        for r in rules.rules.iter().filter(|r| r.jurisdiction == j) {
            self.heading(
                4,
                &format!("{code}-rule-{}", r.name),
                r.name.replace('_', " "),
            );
            let sentence = self.template(&r.templates[lang_index(self.lang)]);
            self.para(sentence);
            let mut facts = Vec::new();
            facts.push(vec![
                Inline::Strong(self.tr("Gäller: ", "Gjelder: ", "In force: ").to_string()),
                text(self.period(r.valid_from, r.valid_to)),
            ]);
            if let Some(when) = &r.when {
                facts.push(vec![
                    Inline::Strong(self.tr("När: ", "Når: ", "When: ").to_string()),
                    text(self.cond(when)),
                ]);
            }
            let mut outcome = vec![Inline::Strong(
                self.tr("Utfall: ", "Utfall: ", "Outcome: ").to_string(),
            )];
            if r.contradictory {
                outcome.push(text(self.tr(
                    "obestämt: fallets uppgifter motsäger varandra",
                    "uavklart: sakens opplysninger motsier hverandre",
                    "undecided: the case's facts contradict each other",
                )));
            } else {
                outcome.extend(self.outcome(r.outcome, r.case_kind, r.jurisdiction));
            }
            facts.push(outcome);
            let obligation = self.tr("Skyldighet: ", "Plikt: ", "Obligation: ");
            let warning = self.tr("Varning: ", "Advarsel: ", "Warning: ");
            for (head, list, named) in [
                (obligation, &r.obligations, &rules.obligations),
                (warning, &r.warnings, &rules.warnings),
            ] {
                for (id, cond) in list {
                    let mut line = vec![
                        Inline::Strong(head.to_string()),
                        text(named[*id].texts.get(self.lang).to_string()),
                    ];
                    if let Some(c) = cond {
                        line.push(text(format!(
                            " ({} {})",
                            self.tr("när", "når", "when"),
                            self.cond(c)
                        )));
                    }
                    facts.push(line);
                }
            }
            if !r.exception_to.is_empty() {
                let mut line = vec![Inline::Strong(
                    self.tr("Undantag från: ", "Unntak fra: ", "Exception to: ")
                        .to_string(),
                )];
                for (i, base) in r.exception_to.iter().enumerate() {
                    if i > 0 {
                        line.push(text(", "));
                    }
                    line.push(self.rule_link(&rules.rules[*base].name));
                }
                facts.push(line);
            }
            let mut cite_line = vec![Inline::Strong(
                self.tr("Lagrum: ", "Hjemmel: ", "Law: ").to_string(),
            )];
            for (i, c) in r.cites.iter().enumerate() {
                if i > 0 {
                    cite_line.push(text("; "));
                }
                cite_line.extend(self.cite(c));
            }
            facts.push(cite_line);
            // A few examples per rule; all of them are in the table of examples below.
            const SHOWN: usize = 5;
            let examples = decided.get(&r.name).map_or(&[][..], Vec::as_slice);
            // Failing examples first: they are what a reader must see.
            let mut shown: Vec<usize> = examples.to_vec();
            shown.sort_by_key(|e| self.examples[*e].passed);
            for &e in shown.iter().take(SHOWN) {
                let ex = &rules.examples[e];
                let mut line = vec![
                    Inline::Strong(self.tr("Exempel: ", "Eksempel: ", "Example: ").to_string()),
                    Inline::Em(ex.title.clone()),
                ];
                if !self.examples[e].passed {
                    line.push(text(" — "));
                    line.push(self.failing_mark());
                }
                facts.push(line);
            }
            if examples.len() > SHOWN {
                facts.push(vec![text(format!(
                    "{} {} {}",
                    self.tr("… och", "… og", "… and"),
                    examples.len() - SHOWN,
                    self.tr("exempel till", "eksempler til", "more examples")
                ))]);
            }
            self.blocks.push(Block::List(facts));
        }

        // Examples.
        let examples: Vec<usize> = (0..rules.examples.len())
            .filter(|i| rules.examples[*i].jurisdiction == j)
            .collect();
        if !examples.is_empty() {
            self.heading(
                3,
                &format!("{code}-examples"),
                self.tr("Exempel", "Eksempler", "Examples"),
            );
            let head = vec![
                self.tr("Exempel", "Eksempel", "Example").to_string(),
                self.tr("Uppgifter", "Opplysninger", "Facts").to_string(),
                self.tr("Förväntat utfall", "Forventet utfall", "Expected outcome")
                    .to_string(),
            ];
            let failing = examples
                .iter()
                .filter(|i| !self.examples[**i].passed)
                .count();
            if failing > 0 {
                self.para(vec![
                    self.failing_mark(),
                    text(format!(
                        " {failing} {} {}",
                        self.tr("av", "av", "of"),
                        examples.len()
                    )),
                    text(self.tr(
                        " exempel ger inte det utfall de väntar sig med dessa regler; de är märkta nedan.",
                        " eksempler gir ikke utfallet de venter med disse reglene; de er merket nedenfor.",
                        " examples do not get the outcome they expect with these rules; they are marked below.",
                    )),
                ]);
            }
            let mut rows = Vec::new();
            for i in examples {
                let ex = &rules.examples[i];
                let facts: Vec<String> = ex
                    .givens
                    .iter()
                    .map(|(f, v)| format!("{}: {}", self.path_title(f), self.given(f, v)))
                    .collect();
                let mut expected = self.expected(ex.expect);
                if let Some(by) = ex.by {
                    expected.push(text(format!(" ({} ", self.tr("enligt", "etter", "by"))));
                    expected.push(self.rule_link(&rules.rules[by].name));
                    expected.push(text(")"));
                }
                let decided = &self.examples[i];
                if !decided.passed {
                    expected.push(text(" — "));
                    expected.push(self.failing_mark());
                    if let Some((outcome, procedure)) = &decided.outcome {
                        expected.push(text(format!(
                            " {} ",
                            self.tr("reglerna ger:", "reglene gir:", "the rules give:")
                        )));
                        expected.extend(self.outcome_of(*outcome, procedure.as_deref()));
                    }
                }
                rows.push(vec![
                    vec![text(ex.title.clone())],
                    vec![text(facts.join("; "))],
                    expected,
                ]);
            }
            self.blocks.push(Block::Table { head, rows });
        }
        self.open_questions(j);
        self.ledgers_of(j);
    }

    /// How `regelverk audit` poses the country's published ledgers, if its rules say
    /// (`ledger for`): the facts a month of payments becomes, the kind of buyer assumed, the facts
    /// a ledger does not record, and the report's notes.
    fn ledgers_of(&mut self, j: CountryId) {
        let rules = self.rules;
        let vocab = &rules.vocab;
        let Some(ledger) = vocab.ledger(j) else {
            return;
        };
        let code = vocab.code(j).to_lowercase();
        self.heading(
            3,
            &format!("{code}-ledgers"),
            self.tr(
                "Granskning av leverantörsreskontror",
                "Gjennomgang av leverandørreskontroer",
                "The spend audit of supplier ledgers",
            ),
        );
        self.para(vec![
            Inline::Code("regelverk audit".into()),
            text(self.tr(
                " ställer varje månads betalningar till en leverantör (eller på ett konto) som ett köp och låter reglerna avgöra det. En reskontra säger vem som fick betalt, hur mycket och när:",
                " stiller hver måneds betalinger til en leverandør (eller på en konto) som et kjøp og lar reglene avgjøre det. En reskontro sier hvem som fikk betalt, hvor mye og når:",
                " poses each month of payments to a supplier (or on an account) as a purchase and lets the rules decide it. A ledger says who was paid, how much and when:",
            )),
        ]);
        let fact = |path: &str| -> Vec<Inline> {
            vec![
                text(format!("{} (", capitalize(&self.path_title(path)))),
                Inline::Code(path.to_string()),
                text("): "),
            ]
        };
        let mut items = Vec::new();
        let mut line = vec![text(self.tr("Filformat: ", "Filformat: ", "File format: "))];
        line.push(Inline::Code(ledger.layout.name().to_string()));
        items.push(line);
        let mut line = fact(&ledger.buyer);
        let label = vocab
            .resolve(&ledger.buyer)
            .and_then(|r| vocab.label_of(r, &ledger.buyer_kind, Some(j), self.lang))
            .unwrap_or(&ledger.buyer_kind);
        line.push(text(format!("{label} (")));
        line.push(Inline::Code(ledger.buyer_kind.clone()));
        line.push(text("), "));
        line.push(text(self.tr(
            "antaget, eftersom en reskontra inte anger det",
            "antatt, siden en reskontro ikke oppgir det",
            "assumed, since a ledger does not say",
        )));
        items.push(line);
        let amounts = [
            (
                &ledger.value,
                self.tr(
                    "månadens nettobelopp",
                    "månedens nettobeløp",
                    "the month's net spend",
                ),
            ),
            (
                &ledger.earlier,
                self.tr(
                    "gruppens nettobelopp tidigare under räkenskapsåret",
                    "gruppens nettobeløp tidligere i regnskapsåret",
                    "the group's net spend earlier in the fiscal year",
                ),
            ),
        ];
        for (path, meaning) in amounts {
            let mut line = fact(path);
            line.push(text(meaning));
            items.push(line);
        }
        if let Some(category) = &ledger.category {
            let mut line = fact(category);
            line.push(text(self.tr("det som ", "det som ", "what ")));
            line.push(Inline::Code("--category".into()));
            line.push(text(self.tr(" anger", " oppgir", " states")));
            items.push(line);
        }
        self.blocks.push(Block::List(items));
        if !ledger.not_recorded.is_empty() {
            self.para(vec![text(self.tr(
                "Det en reskontra inte visar prövas på varje sätt det kan vara, i denna ordning:",
                "Det en reskontro ikke viser, prøves på hver måte det kan være, i denne rekkefølgen:",
                "What a ledger does not show is tried every way it could be, in this order:",
            ))]);
            let items = ledger
                .not_recorded
                .iter()
                .map(|n| {
                    let mut line = vec![
                        text(capitalize(&self.path_title(&n.fact))),
                        text(" ("),
                        Inline::Code(n.fact.clone()),
                        text(")"),
                    ];
                    if let Some((on, is)) = &n.only_when {
                        let value = vocab
                            .resolve(on)
                            .and_then(|r| vocab.label_of(r, is, Some(j), self.lang))
                            .unwrap_or(is);
                        line.push(text(format!(
                            ", {} {} {} {value}",
                            self.tr("bara när", "bare når", "only where"),
                            self.path_title(on),
                            self.tr("är", "er", "is"),
                        )));
                    }
                    line
                })
                .collect();
            self.blocks.push(Block::List(items));
        }
        self.para(vec![text(ledger.grouping.get(self.lang).to_string())]);
        self.para(vec![text(self.tr(
            "Att granska härnäst:",
            "Å undersøke videre:",
            "What to check next:",
        ))]);
        let steps = ledger
            .next_steps
            .iter()
            .map(|step| vec![text(step.get(self.lang).to_string())])
            .collect();
        self.blocks.push(Block::List(steps));
    }

    /// Every unverified or range-valued amount and every unverified citation of a jurisdiction.
    fn open_questions(&mut self, j: CountryId) {
        let rules = self.rules;
        let code = self.rules.vocab.code(j).to_lowercase();
        let mut items = Vec::new();
        for p in rules.params.iter().filter(|p| p.jurisdiction == j) {
            for e in &p.entries {
                let what = match e.value {
                    EntryValue::Range(low, high) => Some(format!(
                        "{} {} {} {}",
                        self.tr("mellan", "mellom", "between"),
                        Money::new(low, p.currency).display(self.lang),
                        self.tr("och", "og", "and"),
                        Money::new(high, p.currency).display(self.lang)
                    )),
                    EntryValue::Unknown => Some(self.tr("okänt", "ukjent", "unknown").to_string()),
                    _ if e.unverified => Some(
                        self.tr("ej bekräftat", "ikke bekreftet", "unverified")
                            .to_string(),
                    ),
                    _ => None,
                };
                if let Some(what) = what {
                    items.push(vec![
                        Inline::Link {
                            text: capitalize(p.titles.get(self.lang)),
                            url: format!("#{}", slug(&format!("{code}-param-{}", p.name))),
                        },
                        text(format!(
                            " {} {}: {what}",
                            self.tr("från", "fra", "from"),
                            e.from
                        )),
                    ]);
                }
            }
        }
        for r in rules.rules.iter().filter(|r| r.jurisdiction == j) {
            for c in r.cites.iter().filter(|c| c.unverified) {
                let mut line = vec![self.rule_link(&r.name), text(": ")];
                line.extend(self.cite(c));
                items.push(line);
            }
        }
        if items.is_empty() {
            return;
        }
        self.heading(
            3,
            &format!("{code}-open-questions"),
            self.tr("Öppna frågor", "Åpne spørsmål", "Open questions"),
        );
        self.para(vec![text(self.tr(
            "Belopp som ingen källa bekräftar eller som bara är kända som ett spann, och lagrum som inte är bekräftade. Ett fall som beror på dem är obestämt.",
            "Beløp som ingen kilde bekrefter eller som bare er kjent som et spenn, og hjemler som ikke er bekreftet. En sak som avhenger av dem, er uavklart.",
            "Amounts no source confirms or known only as a range, and citations not confirmed. A case that depends on them is undecided.",
        ))]);
        self.blocks.push(Block::List(items));
    }

    fn failing_mark(&self) -> Inline {
        Inline::Mark(self.tr("Håller inte", "Holder ikke", "Fails").to_string())
    }

    fn rule_link(&self, name: &str) -> Inline {
        let code = self.rules.vocab.code(self.jurisdiction).to_lowercase();
        Inline::Link {
            text: name.replace('_', " "),
            url: format!("#{}", slug(&format!("{code}-rule-{name}"))),
        }
    }

    fn procedure_id(&self, name: &str) -> String {
        let code = self.rules.vocab.code(self.jurisdiction).to_lowercase();
        slug(&format!("{code}-procedure-{name}"))
    }

    /// A procedure, as a link to where the document describes it: its text up to the first
    /// colon (the rest describes it further).
    fn procedure_link(&self, p: usize) -> Inline {
        let procedure = &self.rules.procedures[p];
        let full = procedure.texts.get(self.lang);
        Inline::Link {
            text: full.split(": ").next().unwrap_or(full).to_string(),
            url: format!("#{}", self.procedure_id(&procedure.name)),
        }
    }

    /// An outcome the rules gave, with its procedure linked.
    fn outcome_of(&self, outcome: Outcome, procedure: Option<&str>) -> Vec<Inline> {
        let p = procedure.and_then(|name| self.rules.index.procedures.get(name).copied());
        self.expected(match outcome {
            Outcome::Allowed => Expected::Allowed,
            Outcome::AllowedWithObligations => Expected::AllowedWithObligations,
            Outcome::NotAllowed => Expected::NotAllowed(p),
            Outcome::Undecided => Expected::Undecided,
        })
    }

    fn sources(&mut self) {
        let rules = self.rules;
        self.heading(2, "sources", self.tr("Källor", "Kilder", "Sources"));
        let mut items = Vec::new();
        for s in &rules.sources {
            let mut line = vec![Inline::Strong(s.short.to_string()), text(": ")];
            match &s.url {
                Some(url) => line.push(Inline::Link {
                    text: s.title.to_string(),
                    url: url.to_string(),
                }),
                None => line.push(text(&*s.title)),
            }
            if s.is_dated() {
                line.push(text(format!(
                    " ({}: {})",
                    self.tr("gäller", "gjelder", "in force"),
                    self.period(s.valid_from, s.valid_to)
                )));
            }
            items.push(line);
        }
        self.blocks.push(Block::List(items));
    }

    fn proc_id(&self, name: &str) -> usize {
        self.rules
            .procedures
            .iter()
            .position(|p| p.name == name)
            .unwrap_or(usize::MAX)
    }

    fn cite(&self, c: &Cite) -> Vec<Inline> {
        let source = &self.rules.sources[c.source];
        let label = match &c.pinpoint {
            Some(p) => format!("{} {p}", source.short),
            None => source.short.to_string(),
        };
        let mut out = vec![match &source.url {
            Some(url) => Inline::Link {
                text: label,
                url: url.to_string(),
            },
            None => text(label),
        }];
        if c.unverified {
            out.push(text(self.tr(
                " (ej bekräftad)",
                " (ikke bekreftet)",
                " (unverified)",
            )));
        }
        out
    }

    fn cites_inline(&self, cites: &[Cite]) -> Vec<Inline> {
        if cites.is_empty() {
            return Vec::new();
        }
        let mut out = vec![text(" — ")];
        for (i, c) in cites.iter().enumerate() {
            if i > 0 {
                out.push(text("; "));
            }
            out.extend(self.cite(c));
        }
        out
    }

    fn period(&self, from: Option<jiff::civil::Date>, to: Option<jiff::civil::Date>) -> String {
        match (from, to) {
            (Some(f), Some(t)) => format!("{f} – {t}"),
            (Some(f), None) => format!("{} {f}", self.tr("från", "fra", "from")),
            (None, Some(t)) => format!("{} {t}", self.tr("till och med", "til og med", "until")),
            (None, None) => self.tr("alltid", "alltid", "always").to_string(),
        }
    }

    /// An outcome in the words its kind of case declares, as a phrase ("direktupphandling är
    /// tillåten").
    fn outcome(&self, outcome: RuleOutcome, kind: KindId, country: CountryId) -> Vec<Inline> {
        use crate::decision::Outcome;
        let verdicts = &self.rules.vocab.kinds[kind].verdicts;
        let line = |o: Outcome| verdicts.get(o, Some(country));
        let phrase = |t: &crate::lang::Texts| {
            let line = t.get(self.lang).trim_end_matches('.');
            let mut chars = line.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        };
        match outcome {
            RuleOutcome::Allowed => vec![text(phrase(line(Outcome::Allowed)))],
            RuleOutcome::NotAllowed(None) => vec![text(phrase(line(Outcome::NotAllowed)))],
            RuleOutcome::NotAllowed(Some(p)) => vec![
                text(format!(
                    "{}; {}: ",
                    phrase(line(Outcome::NotAllowed)),
                    self.tr("krävs", "kreves", "required")
                )),
                Inline::Link {
                    text: self.rules.procedures[p].texts.get(self.lang).to_string(),
                    url: format!("#{}", self.procedure_id(&self.rules.procedures[p].name)),
                },
            ],
            RuleOutcome::Undecided => vec![text(phrase(line(Outcome::Undecided)))],
        }
    }

    /// What a field of a record is called.
    fn field_title(&self, record: usize, field: u32) -> String {
        self.rules.vocab.records[record]
            .fields
            .get(field as usize)
            .map_or_else(String::new, |f| f.titles.get(self.lang).to_string())
    }

    /// What a fact a case may state is called, by its path.
    fn path_title(&self, path: &str) -> String {
        self.rules
            .vocab
            .title_of_path(path, self.lang)
            .unwrap_or_else(|| path.to_string())
    }

    /// The facts a case of this country may state: path, type, what it is, the names it takes.
    fn facts_of(&mut self, j: CountryId) {
        let rules = self.rules;
        let vocab = &rules.vocab;
        let code = vocab.code(j).to_lowercase();
        self.heading(
            3,
            &format!("{code}-facts"),
            self.tr(
                "Uppgifter som ett ärende kan ange",
                "Opplysninger en sak kan oppgi",
                "Facts a case may state",
            ),
        );
        let head = vec![
            self.tr("Uppgift", "Opplysning", "Fact").to_string(),
            self.tr("I ärendefilen", "I saksfilen", "In a case file")
                .to_string(),
            self.tr("Slag", "Type", "Type").to_string(),
            self.tr("Värden", "Verdier", "Values").to_string(),
        ];
        let mut rows = Vec::new();
        for (i, f) in vocab.facts.iter().enumerate() {
            if !vocab.fact_in(crate::vocab::FactId(i as u32), j) || f.path == "date" {
                continue;
            }
            let values = match f.ty {
                ValueType::OneOf(l) | ValueType::Names(l) => self.list_values(l, j),
                ValueType::Records(r) => vocab.records[r]
                    .fields
                    .iter()
                    .map(|field| {
                        format!(
                            "{} ({}, {})",
                            field.name,
                            field.titles.get(self.lang),
                            field.ty.notation(vocab)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => String::new(),
            };
            let mut what = capitalize(f.titles.get(self.lang));
            if let Some(flag) = &f.flag {
                what.push_str(&format!(" ({flag})"));
            }
            rows.push(vec![
                vec![text(what)],
                vec![Inline::Code(f.path.clone())],
                vec![text(f.ty.notation(vocab))],
                vec![text(values)],
            ]);
        }
        self.blocks.push(Block::Table { head, rows });
    }

    /// The names of a list a country's cases may give, each with its words.
    fn list_values(&self, list: ListId, j: CountryId) -> String {
        let vocab = &self.rules.vocab;
        vocab
            .names_in(list, j)
            .into_iter()
            .map(|n| {
                let name = vocab.name_text(list, n);
                match vocab.name_label(list, n, Some(j), self.lang) {
                    Some(label) => format!("{name} ({label})"),
                    None => name.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn expected(&self, e: Expected) -> Vec<Inline> {
        let said = match e {
            Expected::Allowed => self.tr("tillåten", "tillatt", "allowed"),
            Expected::AllowedWithObligations => self.tr(
                "tillåten, med skyldigheter",
                "tillatt, med plikter",
                "allowed, with obligations",
            ),
            Expected::NotAllowed(None) => self.tr("inte tillåten", "ikke tillatt", "not allowed"),
            Expected::NotAllowed(Some(p)) => {
                return vec![
                    text(format!(
                        "{}: ",
                        self.tr(
                            "inte tillåten; krävs",
                            "ikke tillatt; kreves",
                            "not allowed; required"
                        )
                    )),
                    self.procedure_link(p),
                ];
            }
            Expected::Undecided => self.tr("obestämt", "uavklart", "undecided"),
        };
        vec![text(said)]
    }

    /// A fact's value as a case gives it, in the document's language.
    fn given(&self, path: &str, value: &str) -> String {
        let fact = self.rules.vocab.resolve(path);
        let ty = fact.map(|f| self.rules.vocab.value_type(f));
        match ty {
            Some(ValueType::Amount) => value
                .parse::<Money>()
                .map_or_else(|_| value.to_string(), |m| m.display(self.lang)),
            Some(ValueType::YesNo) => match value {
                "true" => self.tr("ja", "ja", "yes").to_string(),
                "false" => self.tr("nej", "nei", "no").to_string(),
                _ => value.to_string(),
            },
            Some(ValueType::OneOf(_)) => self.name_words(fact, value),
            _ => value.to_string(),
        }
    }

    /// The words for a name a case gives, in the document's language: the label its list
    /// declares, else the words the rule files' texts give it, else the name as written.
    fn name_words(&self, fact: Option<FactRef>, name: &str) -> String {
        let country = Some(self.jurisdiction);
        if let Some(label) =
            fact.and_then(|f| self.rules.vocab.label_of(f, name, country, self.lang))
        {
            return label.to_string();
        }
        if let Some(words) = self.labels.get(&(self.jurisdiction, name.to_string())) {
            return words.clone();
        }
        match name {
            "true" => self.tr("ja", "ja", "yes").to_string(),
            "false" => self.tr("nej", "nei", "no").to_string(),
            _ => name.to_string(),
        }
    }

    fn name(&self, reference: NameRef) -> String {
        match reference {
            NameRef::Date => self.path_title("date"),
            NameRef::Fact(f) => self
                .rules
                .vocab
                .fact_decl(f)
                .titles
                .get(self.lang)
                .to_string(),
            NameRef::Param(p) => self.rules.params[p].titles.get(self.lang).to_string(),
            NameRef::Def(d) => self.rules.defs[d].titles.get(self.lang).to_string(),
        }
    }

    /// A rule's sentence with the names of the values it shows. The backticks a text may put
    /// around a value (`` `{purchase.claimed_ground}` ``, for the value an explanation fills in)
    /// go: the document shows the value's name, in italics.
    fn template(&self, parts: &[TemplatePart]) -> Vec<Inline> {
        let mut out: Vec<Inline> = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            match p {
                TemplatePart::Text(t) => {
                    let mut t = t.as_str();
                    if i > 0 && matches!(parts.get(i - 1), Some(TemplatePart::Value(_))) {
                        t = t.strip_prefix('`').unwrap_or(t);
                    }
                    if matches!(parts.get(i + 1), Some(TemplatePart::Value(_))) {
                        t = t.strip_suffix('`').unwrap_or(t);
                    }
                    out.push(text(t));
                }
                TemplatePart::Value(r) => out.push(Inline::Em(self.name(*r))),
            }
        }
        out
    }

    fn expr(&self, e: &CExpr) -> String {
        match e {
            CExpr::Money(m) => m.display(self.lang),
            CExpr::Date(d) => d.to_string(),
            CExpr::Number(n) => n.to_string(),
            CExpr::Bool(b) => self
                .tr(
                    if *b { "ja" } else { "nej" },
                    if *b { "ja" } else { "nei" },
                    if *b { "yes" } else { "no" },
                )
                .to_string(),
            CExpr::CaseDate => self.path_title("date"),
            CExpr::Field { record, field, .. } => self.field_title(*record, *field),
            CExpr::Element { list, .. } => self.rules.vocab.lists[*list]
                .titles
                .get(self.lang)
                .to_string(),
            CExpr::RecordDef { def, .. } => self.rules.defs[*def].titles.get(self.lang).to_string(),
            CExpr::Quant {
                quantifier,
                list,
                cond,
                ..
            } => {
                let list = match list {
                    crate::check::ListSrc::Fact(f) => self
                        .rules
                        .vocab
                        .fact_decl(*f)
                        .titles
                        .get(self.lang)
                        .to_string(),
                    crate::check::ListSrc::Field { record, field, .. } => {
                        self.field_title(*record, *field)
                    }
                };
                let word = match quantifier {
                    crate::ast::Quantifier::Any => self.tr("någon av", "en av", "any of"),
                    crate::ast::Quantifier::All => self.tr("alla", "alle", "all of"),
                    crate::ast::Quantifier::Count => {
                        self.tr("antalet", "antallet", "the number of")
                    }
                    crate::ast::Quantifier::Sum => {
                        self.tr("summan för", "summen for", "the sum over")
                    }
                };
                match cond {
                    Some(c) => format!(
                        "{word} {list} {} {}",
                        self.tr("där", "der", "where"),
                        self.cond(c)
                    ),
                    None => format!("{word} {list}"),
                }
            }
            CExpr::Fact { fact, default } => match default {
                Some(d) => format!(
                    "{} ({} {})",
                    self.rules.vocab.fact_decl(*fact).titles.get(self.lang),
                    self.tr(
                        "om uppgift saknas:",
                        "hvis opplysningen mangler:",
                        "if not stated:"
                    ),
                    self.expr(d)
                ),
                None => self
                    .rules
                    .vocab
                    .fact_decl(*fact)
                    .titles
                    .get(self.lang)
                    .to_string(),
            },
            CExpr::Param(p) => self.rules.params[*p].titles.get(self.lang).to_string(),
            CExpr::Def(d) => self.rules.defs[*d].titles.get(self.lang).to_string(),
            CExpr::Arith { op, left, right } => {
                let sign = match op {
                    crate::ast::ArithOp::Add => "+",
                    crate::ast::ArithOp::Sub => "−",
                    crate::ast::ArithOp::Mul => "×",
                };
                format!("{} {sign} {}", self.expr(left), self.expr(right))
            }
            CExpr::PercentOf { percent, of } => format!(
                "{} % {} {}",
                format_amount(*percent, self.lang),
                self.tr("av", "av", "of"),
                self.expr(of)
            ),
            CExpr::If {
                cond,
                then,
                otherwise,
            } => format!(
                "{} {} {} {}, {} {}",
                self.tr("om", "hvis", "if"),
                self.cond(cond),
                self.tr("så", "så", "then"),
                self.expr(then),
                self.tr("annars", "ellers", "otherwise"),
                self.expr(otherwise)
            ),
            CExpr::Cond(c) => self.cond(c),
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
                .join(&format!(" {word} "))
        };
        match c {
            CCond::Or(items) => join(items, self.tr("eller", "eller", "or")),
            CCond::And(items) => join(items, self.tr("och", "og", "and")),
            CCond::Not(inner) => {
                format!("{} ({})", self.tr("inte", "ikke", "not"), self.cond(inner))
            }
            CCond::Truth(e) => self.expr(e),
            CCond::Compare { op, left, right } => {
                use crate::ast::CmpOp::*;
                let dates = [left, right]
                    .iter()
                    .any(|e| matches!(e, CExpr::Date(_) | CExpr::CaseDate));
                let word = match (op, dates) {
                    (Lt, true) => self.tr("är före", "er før", "is before"),
                    (Le, true) => self.tr("är senast", "er senest", "is on or before"),
                    (Gt, true) => self.tr("är efter", "er etter", "is after"),
                    (Ge, true) => self.tr("är tidigast", "er tidligst", "is on or after"),
                    (Lt, false) => self.tr("är lägre än", "er lavere enn", "is below"),
                    (Le, false) => self.tr("är högst", "er høyst", "is at most"),
                    (Gt, false) => self.tr("är högre än", "er høyere enn", "is above"),
                    (Ge, false) => self.tr("är minst", "er minst", "is at least"),
                    (Eq, _) => self.tr("är lika med", "er lik", "equals"),
                    (Ne, _) => self.tr("är inte", "er ikke", "is not"),
                };
                format!("{} {word} {}", self.expr(left), self.expr(right))
            }
            CCond::Between { subject, low, high } => format!(
                "{} {} {} {} {}",
                self.expr(subject),
                self.tr("ligger mellan", "ligger mellom", "is between"),
                self.expr(low),
                self.tr("och", "og", "and"),
                self.expr(high)
            ),
            CCond::Is {
                subject,
                negated,
                values,
            } => {
                let word = match (negated, values.len()) {
                    (false, 1) => self.tr("är", "er", "is"),
                    (true, 1) => self.tr("är inte", "er ikke", "is not"),
                    (false, _) => self.tr("är en av", "er en av", "is one of"),
                    (true, _) => self.tr("är ingen av", "er ingen av", "is none of"),
                };
                let fact = match subject {
                    CExpr::Fact { fact, .. } => Some(FactRef::Fact(*fact)),
                    _ => None,
                };
                let ty = match subject {
                    CExpr::Field { record, field, .. } => self.rules.vocab.records[*record]
                        .fields
                        .get(*field as usize)
                        .map(|f| f.ty),
                    CExpr::Element { list, .. } => Some(ValueType::OneOf(*list)),
                    _ => fact.map(|f| self.rules.vocab.value_type(f)),
                };
                let list = match ty {
                    Some(ValueType::OneOf(l) | ValueType::Names(l)) => Some(l),
                    _ => None,
                };
                let words: Vec<String> = values
                    .iter()
                    .map(|v| match list {
                        Some(l) => self.name_words(fact, self.rules.vocab.name_text(l, *v)),
                        None => v.to_string(),
                    })
                    .collect();
                format!("{} {word} {}", self.expr(subject), words.join(", "))
            }
            CCond::IsMissing { fact, negated } => format!(
                "{} {}",
                match fact {
                    crate::check::Stated::Fact(f) => self
                        .rules
                        .vocab
                        .fact_decl(*f)
                        .titles
                        .get(self.lang)
                        .to_string(),
                    crate::check::Stated::Field { record, field, .. } => {
                        self.field_title(*record, *field)
                    }
                },
                if *negated {
                    self.tr("är angiven", "er oppgitt", "is stated")
                } else {
                    self.tr("saknas", "mangler", "is not stated")
                }
            ),
        }
    }
}

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Sv => 0,
        Lang::Nb => 1,
        Lang::En => 2,
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---- Markdown ---------------------------------------------------------------------------------

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '|' | '<' | '>' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn md_inline(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) => md_escape(t),
            Inline::Em(t) => format!("*{}*", md_escape(t)),
            Inline::Strong(t) => {
                format!("**{}**", md_escape(t.trim_end())) + if t.ends_with(' ') { " " } else { "" }
            }
            Inline::Code(t) => format!("`{t}`"),
            // Headings carry no ids in Markdown: a link within the document is its text.
            Inline::Link { text, url } if url.starts_with('#') => md_escape(text),
            Inline::Link { text, url } => format!("[{}](<{url}>)", md_escape(text)),
            Inline::Anchor(_) => String::new(),
            Inline::Mark(t) => format!("**{}**", md_escape(t)),
        })
        .collect()
}

/// The document as Markdown.
pub fn render_markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading { level, text, .. } => {
                let _ = writeln!(
                    out,
                    "{} {}\n",
                    "#".repeat(usize::from(*level)),
                    md_escape(text)
                );
            }
            Block::Para(inlines) => {
                let _ = writeln!(out, "{}\n", md_inline(inlines));
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", md_inline(item));
                }
                out.push('\n');
            }
            Block::Table { head, rows } => {
                let _ = writeln!(
                    out,
                    "| {} |",
                    head.iter()
                        .map(|h| md_escape(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|c| md_inline(c)).collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                }
                out.push('\n');
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

// ---- HTML -------------------------------------------------------------------------------------

/// Text escaped for HTML, also inside a double-quoted attribute.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Amounts in running text get the narrow no-break space of typeset Swedish and Norwegian between
/// digit groups, so that they never break across lines.
pub(crate) fn thin_spaces(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, c) in chars.iter().enumerate() {
        let digit_before = i > 0 && chars[i - 1].is_ascii_digit();
        let digits_after = chars
            .get(i + 1..i + 4)
            .is_some_and(|d| d.iter().all(char::is_ascii_digit))
            && chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if *c == ' ' && digit_before && digits_after {
            out.push('\u{202F}');
        } else {
            out.push(*c);
        }
    }
    out
}

fn html_inline(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) => esc(&thin_spaces(t)),
            Inline::Em(t) => format!("<em>{}</em>", esc(&thin_spaces(t))),
            Inline::Strong(t) => format!("<strong>{}</strong>", esc(t)),
            Inline::Code(t) => format!("<code>{}</code>", esc(t)),
            // Links are for the reader to follow; nothing is fetched when the page is shown.
            Inline::Link { text, url } => {
                format!("<a href=\"{}\">{}</a>", esc(url), esc(&thin_spaces(text)))
            }
            Inline::Anchor(id) => format!("<span id=\"{}\"></span>", esc(id)),
            Inline::Mark(t) => format!("<strong class=\"mark\">{}</strong>", esc(t)),
        })
        .collect()
}

const STYLE: &str = "body{font-family:Georgia,'Times New Roman',serif;max-width:62rem;margin:2rem auto;padding:0 1.5rem;color:#1d1d1f;line-height:1.5;background:#fff}\
h1{font-size:2rem;border-bottom:3px solid #2a5d8f;padding-bottom:.3rem}\
h2{font-size:1.6rem;margin-top:3rem;border-bottom:1px solid #ccc;color:#2a5d8f}\
h3{font-size:1.3rem;margin-top:2.2rem}\
h4{font-size:1.05rem;margin:1.6rem 0 .4rem;font-family:Helvetica,Arial,sans-serif}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}\
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#eef3f8}tr:nth-child(even) td{background:#fafbfc}\
td.n{white-space:nowrap}\
code{font-family:Menlo,Consolas,monospace;font-size:.88em;background:#f2f2f2;padding:0 .2em}\
nav{background:#f6f8fa;border:1px solid #d0d7de;padding:.5rem 1rem;font-size:.95rem}\
nav ul{margin:.2rem 0;padding-left:1.2rem}a{color:#2a5d8f}\
ul{padding-left:1.3rem}li{margin:.15rem 0}\
.mark{color:#b00020}\
@media print{nav{display:none}a{color:inherit;text-decoration:none}}";

/// A date, a dash or a single amount: kept on one line in a table.
fn short_figure(cell: &[Inline]) -> bool {
    let [Inline::Text(t)] = cell else {
        return false;
    };
    let is_date = t.len() == 10 && t.chars().filter(|c| *c == '-').count() == 2;
    let is_amount = t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.chars().count() < 24
        && !t.contains(':');
    is_date || is_amount || t == "–"
}

/// The document as one self-contained HTML page: inline style, no scripts, nothing fetched.
pub fn render_html(blocks: &[Block], lang: Lang) -> String {
    let title = blocks
        .iter()
        .find_map(|b| match b {
            Block::Heading { level: 1, text, .. } => Some(text.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        lang.code(),
        esc(&title)
    );
    // A table of contents from the second- and third-level headings.
    let mut nav = String::from("<nav><ul>\n");
    let mut open_sub = false;
    for b in blocks {
        if let Block::Heading { level, id, text } = b {
            match level {
                2 => {
                    if open_sub {
                        nav.push_str("</ul></li>\n");
                    }
                    let _ = write!(nav, "<li><a href=\"#{id}\">{}</a>", esc(text));
                    nav.push_str("<ul>\n");
                    open_sub = true;
                }
                3 => {
                    let _ = writeln!(nav, "<li><a href=\"#{id}\">{}</a></li>", esc(text));
                }
                _ => {}
            }
        }
    }
    if open_sub {
        nav.push_str("</ul></li>\n");
    }
    nav.push_str("</ul></nav>\n");
    let mut nav_done = false;
    for b in blocks {
        match b {
            Block::Heading { level, id, text } => {
                if *level == 2 && !nav_done {
                    out.push_str(&nav);
                    nav_done = true;
                }
                let _ = writeln!(
                    out,
                    "<h{level} id=\"{id}\">{}</h{level}>",
                    esc(&thin_spaces(text))
                );
            }
            Block::Para(inlines) => {
                let _ = writeln!(out, "<p>{}</p>", html_inline(inlines));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", html_inline(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Table { head, rows } => {
                out.push_str("<table>\n<thead><tr>");
                for h in head {
                    let _ = write!(out, "<th>{}</th>", esc(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let class = if short_figure(cell) {
                            " class=\"n\""
                        } else {
                            ""
                        };
                        let _ = write!(out, "<td{class}>{}</td>", html_inline(cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

impl RuleSet {
    /// The language a document of this rule set is written in unless asked otherwise: Swedish,
    /// or Norwegian for Norwegian rules alone.
    pub fn default_doc_lang(&self) -> Lang {
        let languages: Vec<Lang> = self
            .rules
            .iter()
            .filter_map(|r| self.vocab.countries.get(r.jurisdiction).map(|c| c.language))
            .collect();
        match languages.first() {
            Some(first) if languages.iter().all(|l| l == first) => *first,
            _ => Lang::Sv,
        }
    }
}
