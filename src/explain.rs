//! Explanations: a [`Decision`] rendered as text in Swedish, Norwegian or English, or as JSON.
//!
//! Invariant: rendering only presents what the decision holds; it decides nothing. Every step
//! shown carries its citation. Amounts are written as the language writes them.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Serialize;

use crate::check::{NameRef, RuleSet, TemplatePart};
use crate::decision::*;
use crate::lang::Lang;
use rust_decimal::Decimal;

use crate::money::{Money, format_amount};

/// Chooses the word for the language.
pub(crate) fn tr(lang: Lang, sv: &'static str, nb: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Sv => sv,
        Lang::Nb => nb,
        Lang::En => en,
    }
}

/// How many rules one explanation lists in each of its sections: a rule set of 100 000 rules
/// that all apply gets a readable answer and a count of the rest. The decision itself (and its
/// JSON) keeps them all.
pub const MAX_LISTED: usize = 20;

/// "and 99 980 more".
fn more_text(more: usize, lang: Lang) -> String {
    let count = format_amount(rust_decimal::Decimal::from(more), lang);
    format!(
        "{} {count} {}",
        tr(lang, "och", "og", "and"),
        tr(lang, "till", "til", "more")
    )
}

/// The verdict of one outcome: what the buyer may do, and what is required instead.
pub(crate) fn verdict_line(
    outcome: Outcome,
    procedure: Option<&Named>,
    kind: &str,
    jurisdiction: &str,
    rules: &RuleSet,
    lang: Lang,
) -> String {
    let country = rules.vocab.country(jurisdiction);
    let head = rules
        .vocab
        .kind(kind)
        .map(|k| {
            rules.vocab.kinds[k]
                .verdicts
                .get(outcome, country)
                .get(lang)
                .to_string()
        })
        .unwrap_or_else(|| outcome.notation(None));
    match procedure.and_then(|p| rules.procedure_text(&p.name, lang)) {
        Some(text) if outcome == Outcome::NotAllowed => {
            format!(
                "{head} {} {text}",
                tr(lang, "Krävs:", "Kreves:", "Required:")
            )
        }
        _ => head,
    }
}

/// How running text names the rules of a kind of case (`rules for` in its declaration).
fn kind_words<'r>(rules: &'r RuleSet, kind: &str, lang: Lang) -> &'r str {
    rules
        .vocab
        .kind(kind)
        .map_or("", |k| rules.vocab.kinds[k].rules_for.get(lang))
}

/// The one-line answer, in the words of the kind of case. When the case is allowed but the case
/// it leads to (a partnership's required purchase) is not, or is undecided, the line says both.
/// A conditional answer says on what it depends.
pub fn summary(decision: &Decision, rules: &RuleSet, lang: Lang) -> String {
    if is_conditional(decision) {
        let on = depends_on(decision, rules, lang);
        return match lang {
            Lang::Sv => format!("Obestämt: svaret beror på {on}."),
            Lang::Nb => format!("Uavklart: svaret avhenger av {on}."),
            Lang::En => format!("Undecided: the answer depends on {on}."),
        };
    }
    let own = verdict_line(
        decision.outcome,
        decision.procedure.as_ref(),
        &decision.kind,
        &decision.jurisdiction,
        rules,
        lang,
    );
    let country = rules.vocab.country(&decision.jurisdiction);
    let Some(related) = rules
        .vocab
        .kind(&decision.kind)
        .and_then(|k| rules.vocab.kinds[k].related.as_ref())
    else {
        return own;
    };
    let required = decision
        .related
        .iter()
        .find(|r| r.subject == related.subject)
        .map(|r| &r.decision);
    match required {
        Some(purchase)
            if matches!(
                decision.outcome,
                Outcome::Allowed | Outcome::AllowedWithObligations
            ) && matches!(purchase.outcome, Outcome::NotAllowed | Outcome::Undecided) =>
        {
            let also = match purchase.outcome {
                Outcome::NotAllowed => {
                    let line = related.line(Outcome::NotAllowed, country);
                    format!(
                        "{}{}",
                        line.get(lang),
                        required_procedure(purchase, rules, lang)
                    )
                }
                _ => related
                    .line(Outcome::Undecided, country)
                    .get(lang)
                    .to_string(),
            };
            format!("{own} {also}")
        }
        // The partnership is a purchase instead (a fee only, a private party): say what the
        // purchase rules give for it, in the words the kind declares (`instead verdict …`), else
        // in the related kind's own.
        Some(purchase) if decision.outcome == Outcome::NotAllowed => {
            let then = match related.instead.get(purchase.outcome, country) {
                Some(line) if purchase.outcome == Outcome::NotAllowed => {
                    format!(
                        "{}{}",
                        line.get(lang),
                        required_procedure(purchase, rules, lang)
                    )
                }
                Some(line) => line.get(lang).to_string(),
                None => verdict_line(
                    purchase.outcome,
                    purchase.procedure.as_ref(),
                    &purchase.kind,
                    &purchase.jurisdiction,
                    rules,
                    lang,
                ),
            };
            let stop = if own.ends_with('.') { "" } else { "." };
            format!("{own}{stop} {then}")
        }
        _ => own,
    }
}

/// " Krävs: …": the procedure a not-allowed related case requires, if it names one.
fn required_procedure(related: &Decision, rules: &RuleSet, lang: Lang) -> String {
    related
        .procedure
        .as_ref()
        .and_then(|p| rules.procedure_text(&p.name, lang))
        .map(|t| format!(" {} {t}", tr(lang, "Krävs:", "Kreves:", "Required:")))
        .unwrap_or_default()
}

/// What a conditional answer depends on, in words: the facts and parameters its branches vary.
fn depends_on(decision: &Decision, rules: &RuleSet, lang: Lang) -> String {
    let mut names: Vec<&str> = Vec::new();
    for b in &decision.branches {
        for c in &b.when {
            if !names.contains(&c.name.as_str()) {
                names.push(&c.name);
            }
        }
    }
    let titles: Vec<String> = names
        .iter()
        .map(|n| unknown_title(n, rules, lang))
        .collect();
    join_words(&titles, lang)
}

/// An unknown as a phrase: a fact's title, or "the exact amount of" a parameter.
fn unknown_title(name: &str, rules: &RuleSet, lang: Lang) -> String {
    if let Some(title) = rules.vocab.title_of_path(name, lang) {
        return title;
    }
    let title = rules.param_title(name, lang);
    match lang {
        Lang::Sv => format!("det exakta beloppet för {title}"),
        Lang::Nb => format!("det nøyaktige beløpet for {title}"),
        Lang::En => format!("the exact amount of {title}"),
    }
}

/// `a`, `a och b`, `a, b och c`.
fn join_words(items: &[String], lang: Lang) -> String {
    let and = tr(lang, "och", "og", "and");
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {and} {last}", rest.join(", ")),
    }
}

/// [`show`], written where the text is being built (a text is copied straight in).
fn write_shown(out: &mut String, value: &Shown, lang: Lang) {
    match value {
        Shown::Text { value } => out.push_str(value),
        _ => out.push_str(&show(value, lang)),
    }
}

/// A value as the language writes it.
pub fn show(value: &Shown, lang: Lang) -> String {
    match value {
        Shown::Money { amount, currency } => Money::new(*amount, *currency).display(lang),
        Shown::MoneyRange {
            low,
            high,
            currency,
        } if *high >= crate::vocab::MAX_SPLIT_AMOUNT.into() => format!(
            "{} {}",
            tr(lang, "minst", "minst", "at least"),
            Money::new(*low, *currency).display(lang)
        ),
        Shown::MoneyRange {
            low,
            high,
            currency,
        } => {
            let (low, high) = (
                Money::new(*low, *currency).display(lang),
                Money::new(*high, *currency).display(lang),
            );
            format!(
                "{} {low} {} {high}",
                tr(lang, "mellan", "mellom", "between"),
                tr(lang, "och", "og", "and")
            )
        }
        Shown::Number { value } => format_amount(*value, lang),
        Shown::NumberRange { low, high } => format!(
            "{} {} {} {}",
            tr(lang, "mellan", "mellom", "between"),
            format_amount(*low, lang),
            tr(lang, "och", "og", "and"),
            format_amount(*high, lang)
        ),
        Shown::Date { value } => value.to_string(),
        Shown::Bool { value } => if *value {
            tr(lang, "ja", "ja", "yes")
        } else {
            tr(lang, "nej", "nei", "no")
        }
        .to_string(),
        Shown::Text { value } => value.clone(),
        Shown::Unknown => tr(lang, "okänt", "ukjent", "unknown").to_string(),
    }
}

/// `LOU 19 a kap. 1 §`
pub fn cite(c: &Citation, lang: Lang) -> String {
    let mut text = String::new();
    write_cite(&mut text, c, lang);
    text
}

/// [`cite`], written where the text is being built.
fn write_cite(out: &mut String, c: &Citation, lang: Lang) {
    out.push_str(&c.label);
    if let Some(p) = &c.pinpoint {
        out.push(' ');
        out.push_str(p);
    }
    if c.unverified {
        out.push_str(tr(
            lang,
            " [ej bekräftad]",
            " [ikke bekreftet]",
            " [unverified]",
        ));
    }
}

/// Citations separated by `; `, written where the text is being built.
fn write_cites(out: &mut String, cs: &[Citation], lang: Lang) {
    for (i, c) in cs.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        write_cite(out, c, lang);
    }
}

fn cites(cs: &[Citation], lang: Lang) -> String {
    let mut text = String::new();
    write_cites(&mut text, cs, lang);
    text
}

/// The sentence a rule's template makes with the decision's values.
pub fn rule_sentence(
    decision: &Decision,
    rules: &RuleSet,
    rule: &str,
    lang: Lang,
) -> Option<String> {
    sentence_with(&decision.values, rules, rule, lang)
}

/// The sentence a rule's template makes with these values (a decision's, or a branch's).
pub(crate) fn sentence_with(
    values: &[ValueTrace],
    rules: &RuleSet,
    rule: &str,
    lang: Lang,
) -> Option<String> {
    let checked = rules.rule_by_name(rule)?;
    let template = &checked.templates[lang_index(lang)];
    let mut out = String::new();
    for part in template {
        match part {
            TemplatePart::Text(t) => out.push_str(t),
            TemplatePart::Value(reference) => {
                let name = rules.name_of(*reference);
                let value = values.iter().find(|v| v.name == name).map(|v| &v.value);
                write_shown(&mut out, value.unwrap_or(&Shown::Unknown), lang);
            }
        }
    }
    Some(out)
}

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Sv => 0,
        Lang::Nb => 1,
        Lang::En => 2,
    }
}

/// Why the case is undecided, as a sentence.
pub fn reason_text(reason: &Reason, rules: &RuleSet, lang: Lang) -> String {
    match reason {
        Reason::MissingFact { fact } => {
            let title = rules
                .vocab
                .title_of_path(fact, lang)
                .unwrap_or_else(|| fact.clone());
            match lang {
                Lang::Sv => format!("Fallet anger inte {title} (`{fact}`)."),
                Lang::Nb => format!("Saken oppgir ikke {title} (`{fact}`)."),
                Lang::En => format!("The case does not state {title} (`{fact}`)."),
            }
        }
        Reason::ParameterRange {
            parameter,
            low,
            high,
            currency,
        } => {
            let title = rules.param_title(parameter, lang);
            let range = show(
                &Shown::MoneyRange {
                    low: *low,
                    high: *high,
                    currency: *currency,
                },
                lang,
            );
            match lang {
                Lang::Sv => format!(
                    "Det exakta beloppet för {title} (`{parameter}`) är inte känt, bara att det ligger {range}; utfallet beror på var i det spannet det ligger."
                ),
                Lang::Nb => format!(
                    "Det nøyaktige beløpet for {title} (`{parameter}`) er ikke kjent, bare at det ligger {range}; utfallet avhenger av hvor i spennet det ligger."
                ),
                Lang::En => format!(
                    "The exact amount of {title} (`{parameter}`) is not known, only that it lies {range}; the outcome depends on where in that range it lies."
                ),
            }
        }
        Reason::ParameterUnknown { parameter, date } => {
            let title = rules.param_title(parameter, lang);
            match lang {
                Lang::Sv => format!("Inget värde för {title} (`{parameter}`) är känt för {date}."),
                Lang::Nb => format!("Ingen verdi for {title} (`{parameter}`) er kjent for {date}."),
                Lang::En => format!("No value of {title} (`{parameter}`) is known for {date}."),
            }
        }
        Reason::CurrencyMismatch { expected, found } => match lang {
            Lang::Sv => format!(
                "Ett belopp i {found} kan inte jämföras med gränser i {expected}; ange värdet i {expected}."
            ),
            Lang::Nb => format!(
                "Et beløp i {found} kan ikke sammenlignes med grenser i {expected}; oppgi verdien i {expected}."
            ),
            Lang::En => format!(
                "An amount in {found} cannot be compared with limits in {expected}; give the value in {expected}."
            ),
        },
        Reason::NoRulesInForce {
            jurisdiction,
            date,
            case_kind: kind,
            covered_from,
            covered_to,
        } => {
            let what = kind_words(rules, kind, lang);
            let j = jurisdiction;
            let covered = match (covered_from, covered_to) {
                (Some(f), Some(t)) => match lang {
                    Lang::Sv => format!(" De gäller {f} – {t}."),
                    Lang::Nb => format!(" De gjelder {f}–{t}."),
                    Lang::En => format!(" They cover {f} to {t}."),
                },
                _ => String::new(),
            };
            match lang {
                Lang::Sv => {
                    format!(
                        "Regelverket har inga regler för {what} i {j} som gäller {date}.{covered}"
                    )
                }
                Lang::Nb => {
                    format!(
                        "Regelverket har ingen regler for {what} i {j} som gjelder {date}.{covered}"
                    )
                }
                Lang::En => format!(
                    "The rule set has no rules for {what} in {j} in force on {date}.{covered}"
                ),
            }
        }
        Reason::RulesBeginLater {
            case_kind: kind,
            from,
        } => {
            let what = kind_words(rules, kind, lang);
            match lang {
                Lang::Sv => format!(
                    "Reglerna för {what} som kan avgöra fallet börjar gälla först {from}; de som gäller på fallets datum täcker det inte."
                ),
                Lang::Nb => format!(
                    "Reglene for {what} som kan avgjøre saken, gjelder først fra {from}; de som gjelder på sakens dato, dekker den ikke."
                ),
                Lang::En => format!(
                    "The rules for {what} that could decide the case start on {from}; those in force on its date do not cover it."
                ),
            }
        }
        Reason::NoRuleApplies => tr(
            lang,
            "Ingen regel täcker fallet.",
            "Ingen regel dekker saken.",
            "No rule covers this case.",
        )
        .to_string(),
        Reason::Conflict { rules: names } => {
            let list = names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            match lang {
                Lang::Sv => format!("Reglerna {list} gäller båda men säger olika."),
                Lang::Nb => format!("Reglene {list} gjelder begge, men sier ulikt."),
                Lang::En => format!("The rules {list} both apply but disagree."),
            }
        }
        Reason::LeftOpenByRule { rule } => match lang {
            Lang::Sv => format!("Regeln `{rule}` lämnar frågan öppen."),
            Lang::Nb => format!("Regelen `{rule}` lar spørsmålet stå åpent."),
            Lang::En => format!("Rule `{rule}` leaves the question open."),
        },
        Reason::DependsOn { names } => {
            let titles: Vec<String> = names
                .iter()
                .map(|n| format!("{} (`{n}`)", unknown_title(n, rules, lang)))
                .collect();
            let list = join_words(&titles, lang);
            match lang {
                Lang::Sv => format!("Utfallet beror på {list}; se varje möjlighet ovan."),
                Lang::Nb => format!("Utfallet avhenger av {list}; se hver mulighet over."),
                Lang::En => format!("The outcome depends on {list}; see each possibility above."),
            }
        }
        Reason::TooManyBranches { limit } => match lang {
            Lang::Sv => format!(
                "Fallet lämnar för många obesvarade frågor för att pröva varje möjlighet (fler än {limit}); ange fler uppgifter."
            ),
            Lang::Nb => format!(
                "Saken har for mange ubesvarte spørsmål til å prøve hver mulighet (flere enn {limit}); oppgi flere opplysninger."
            ),
            Lang::En => format!(
                "The case leaves too many questions open to try every possibility (more than {limit}); state more facts."
            ),
        },
    }
}

fn note_text(note: &Note, rules: &RuleSet, lang: Lang) -> String {
    match note {
        Note::UnverifiedValue { parameter } => {
            let title = rules.param_title(parameter, lang);
            match lang {
                Lang::Sv => {
                    format!("Värdet för {title} (`{parameter}`) är inte bekräftat i en källa.")
                }
                Lang::Nb => {
                    format!("Verdien for {title} (`{parameter}`) er ikke bekreftet i en kilde.")
                }
                Lang::En => {
                    format!("The value of {title} (`{parameter}`) is not confirmed by a source.")
                }
            }
        }
        Note::RangeDidNotMatter { parameter } => {
            let title = rules.param_title(parameter, lang);
            match lang {
                Lang::Sv => format!(
                    "Det exakta beloppet för {title} (`{parameter}`) är inte känt, men utfallet är detsamma i hela det möjliga spannet."
                ),
                Lang::Nb => format!(
                    "Det nøyaktige beløpet for {title} (`{parameter}`) er ikke kjent, men utfallet er det samme i hele det mulige spennet."
                ),
                Lang::En => format!(
                    "The exact amount of {title} (`{parameter}`) is not known, but the outcome is the same across its whole possible range."
                ),
            }
        }
        Note::DefaultUsed { fact } => {
            let title = rules
                .vocab
                .title_of_path(fact, lang)
                .unwrap_or_else(|| fact.clone());
            match lang {
                Lang::Sv => format!(
                    "Fallet anger inte {title} (`{fact}`); regelfilen räknar då med standardvärdet."
                ),
                Lang::Nb => format!(
                    "Saken oppgir ikke {title} (`{fact}`); regelfilen bruker da standardverdien."
                ),
                Lang::En => format!(
                    "The case does not state {title} (`{fact}`); the rule file's default is used."
                ),
            }
        }
    }
}

pub(crate) fn value_title(v: &ValueTrace, rules: &RuleSet, lang: Lang) -> String {
    match v.kind {
        ValueKind::Fact => rules
            .vocab
            .title_of_path(&v.name, lang)
            .unwrap_or_else(|| v.name.clone()),
        ValueKind::Parameter => rules.param_title(&v.name, lang),
        ValueKind::Computed => rules.def_title(&v.name, lang),
    }
}

/// How much an explanation says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Detail {
    /// The verdict, the branches if any, why, what to do and the warnings.
    #[default]
    Short,
    /// Also the values used with their periods and sources, notes, the sources and the record.
    Full,
}

/// One line of an explanation: what it says, the citations it rests on, and how it is set.
/// Text and the server's page print the same lines.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line<'d> {
    pub text: String,
    /// Shown after the text; `None` when the line has no citations of its own. Borrowed from
    /// the decision where it holds them.
    pub citations: Option<Cow<'d, [Citation]>>,
    /// An item of a list rather than a sentence.
    pub item: bool,
    /// Applies for only some of the ways the unknowns could fall.
    pub in_some_cases: bool,
}

impl<'d> Line<'d> {
    fn sentence(text: String, citations: impl Into<Cow<'d, [Citation]>>) -> Line<'d> {
        Line {
            text,
            citations: Some(citations.into()),
            item: false,
            in_some_cases: false,
        }
    }

    fn item(text: String, citations: &'d [Citation]) -> Line<'d> {
        Line {
            item: true,
            ..Line::sentence(text, citations)
        }
    }

    fn plain(text: String, item: bool) -> Line<'d> {
        Line {
            text,
            citations: None,
            item,
            in_some_cases: false,
        }
    }
}

/// One way the unknowns could fall, as an explanation shows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BranchView<'d> {
    /// `Om slag av tjänst är en vanlig tjänst (`ordinary`):`
    pub heading: String,
    pub outcome: Outcome,
    pub verdict: String,
    pub lines: Vec<Line<'d>>,
}

/// A part of the short explanation, in the order it is shown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block<'d> {
    /// A heading and its lines (`Varför`, `Vad som krävs`, `Skyldigheter`, `Varningar`, …).
    Section {
        heading: String,
        lines: Vec<Line<'d>>,
    },
    /// The branches of the answer.
    Branches(Vec<BranchView<'d>>),
    /// Where the facts to state go: options for the command line, fields on the page.
    Questions,
}

/// The short explanation as parts: what the buyer reads first, whatever the medium. Questions
/// are a marker (each medium asks in its own way), and related decisions are not included.
pub(crate) fn short_parts<'d>(
    decision: &'d Decision,
    rules: &RuleSet,
    lang: Lang,
    detail: Detail,
) -> Vec<Block<'d>> {
    let mut parts = Vec::new();
    if is_conditional(decision) {
        parts.push(Block::Branches(branch_views(decision, rules, lang)));
        parts.push(Block::Questions);
    } else {
        if let Some(why) = why(decision, rules, lang) {
            parts.push(why);
        }
        if !decision.branches.is_empty() {
            parts.push(Block::Branches(branch_views(decision, rules, lang)));
        }
        parts.extend(duties(decision, rules, lang));
    }
    if let Some(warnings) = warnings(decision, rules, lang, detail) {
        parts.push(warnings);
    }
    if decision.outcome == Outcome::Undecided && !is_conditional(decision) {
        if let Some(reasons) = reasons(decision, rules, lang, detail) {
            parts.push(reasons);
        }
        parts.push(Block::Questions);
    }
    parts
}

/// Whether the answer is conditional: undecided, with branches that name what it depends on and
/// do not all leave the case open (branches that are all undecided, each for a reason of its own,
/// show why, not on what it depends).
pub(crate) fn is_conditional(decision: &Decision) -> bool {
    decision.outcome == Outcome::Undecided
        && decision.branches.iter().any(|b| !b.when.is_empty())
        && decision
            .branches
            .iter()
            .any(|b| b.outcome != Outcome::Undecided)
}

/// The heading of a related decision, as the kind of case declares it.
pub(crate) fn related_heading(
    decision: &Decision,
    subject: &str,
    rules: &RuleSet,
    lang: Lang,
) -> String {
    let declared = rules
        .vocab
        .kind(&decision.kind)
        .and_then(|k| rules.vocab.kinds[k].related.as_ref())
        .filter(|r| r.subject == subject);
    match declared {
        Some(r) => r.title.get(lang).to_string(),
        None => tr(
            lang,
            "Närliggande beslut",
            "Tilknyttet beslutning",
            "Related decision",
        )
        .to_string(),
    }
}

/// The whole explanation as text.
pub fn render_text(decision: &Decision, rules: &RuleSet, lang: Lang, detail: Detail) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", summary(decision, rules, lang));
    let _ = writeln!(
        out,
        "{} {}, {} {}",
        tr(lang, "Land:", "Land:", "Jurisdiction:"),
        decision.jurisdiction,
        tr(lang, "datum:", "dato:", "date:"),
        decision.date
    );
    for part in short_parts(decision, rules, lang, detail) {
        match part {
            Block::Section { heading, lines } => {
                let _ = writeln!(out, "\n{heading}");
                write_lines(&mut out, &lines, lang);
            }
            Block::Branches(branches) => {
                let _ = writeln!(out);
                for b in branches {
                    let _ = writeln!(out, "{}", b.heading);
                    let _ = writeln!(out, "  {}", b.verdict);
                    write_lines(&mut out, &b.lines, lang);
                }
            }
            Block::Questions => write_questions(&mut out, decision, rules, lang),
        }
    }
    for related in &decision.related {
        let _ = writeln!(
            out,
            "\n{}",
            related_heading(decision, &related.subject, rules, lang)
        );
        for line in render_text(&related.decision, rules, lang, detail).lines() {
            if line.is_empty() {
                let _ = writeln!(out);
            } else {
                let _ = writeln!(out, "  | {line}");
            }
        }
    }
    if detail == Detail::Full {
        write_values(&mut out, decision, rules, lang);
        write_notes(&mut out, decision, rules, lang);
        write_sources(&mut out, decision, lang);
        write_record(&mut out, decision, lang);
    }
    out
}

/// The words that mark a line that applies in some cases only.
pub(crate) fn in_some_cases_mark(lang: Lang) -> &'static str {
    tr(
        lang,
        "gäller i vissa fall",
        "gjelder i noen tilfeller",
        "applies in some cases",
    )
}

fn write_lines(out: &mut String, lines: &[Line], lang: Lang) {
    for line in lines {
        out.push_str(if line.item { "  - " } else { "  " });
        out.push_str(&line.text);
        if let Some(c) = &line.citations {
            out.push_str(" (");
            write_cites(out, c, lang);
            out.push(')');
        }
        if line.in_some_cases {
            out.push_str(" [");
            out.push_str(in_some_cases_mark(lang));
            out.push(']');
        }
        out.push('\n');
    }
}

/// The deciding rules' sentences, the general rules that gave way, and what the answer does not
/// depend on.
fn why<'d>(decision: &'d Decision, rules: &RuleSet, lang: Lang) -> Option<Block<'d>> {
    if decision.decided_by.is_empty()
        && decision.holds_whatever.is_empty()
        && decision.implied.is_empty()
    {
        return None;
    }
    let mut lines = Vec::new();
    // A rule that leaves the question open says why under "why undecided".
    let open = decision.outcome == Outcome::Undecided;
    for name in decision
        .decided_by
        .iter()
        .filter(|_| !open)
        .take(MAX_LISTED)
    {
        let citations = decision
            .rules
            .iter()
            .find(|t| *t.name == **name)
            .map(|t| t.citations.as_slice())
            .unwrap_or_default();
        if let Some(sentence) = rule_sentence(decision, rules, name, lang) {
            lines.push(Line::sentence(sentence, citations));
        }
    }
    let more = decision.decided_by.len().saturating_sub(MAX_LISTED);
    if !open && more > 0 {
        lines.push(Line::plain(format!("… {}", more_text(more, lang)), false));
    }
    let overridden: Vec<&RuleTrace> = decision
        .rules
        .iter()
        .filter(|r| r.status == RuleStatus::Overridden)
        .collect();
    if overridden.len() > MAX_LISTED {
        lines.push(Line::plain(
            format!("… {}", more_text(overridden.len() - MAX_LISTED, lang)),
            false,
        ));
    }
    for r in overridden.into_iter().take(MAX_LISTED) {
        let by = r
            .overridden_by
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(Line::plain(
            format!(
                "{} `{}` ({}) {} {by}.",
                tr(
                    lang,
                    "Den allmänna regeln",
                    "Den generelle regelen",
                    "The general rule"
                ),
                r.name,
                cites(&r.citations, lang),
                tr(
                    lang,
                    "viker för undantaget",
                    "viker for unntaket",
                    "gives way to the exception"
                ),
            ),
            false,
        ));
    }
    if !decision.implied.is_empty() {
        let clauses: Vec<String> = decision
            .implied
            .iter()
            .map(|c| condition_text(c, rules, rules.vocab.country(&decision.jurisdiction), lang))
            .collect();
        let list = join_words(&clauses, lang);
        lines.push(Line::plain(
            match lang {
                Lang::Sv => format!(
                    "Fallets övriga uppgifter ger att {list}: något annat skulle motsäga dem."
                ),
                Lang::Nb => {
                    format!("Sakens øvrige opplysninger gir at {list}: noe annet ville motsi dem.")
                }
                Lang::En => format!(
                    "The case's other facts imply that {list}: anything else would contradict them."
                ),
            },
            false,
        ));
    }
    if !decision.holds_whatever.is_empty() && decision.outcome != Outcome::Undecided {
        let titles: Vec<String> = decision
            .holds_whatever
            .iter()
            .map(|n| format!("{} (`{n}`)", unknown_title(n, rules, lang)))
            .collect();
        let list = join_words(&titles, lang);
        lines.push(Line::plain(
            match lang {
                Lang::Sv => format!("Svaret är detsamma hur det än är med {list}."),
                Lang::Nb => format!("Svaret er det samme uansett {list}."),
                Lang::En => format!("The answer is the same whatever {list} is."),
            },
            false,
        ));
    }
    // An undecided case whose only deciding rule leaves the question open says why under "why
    // undecided": a heading with nothing under it would say nothing.
    if lines.is_empty() {
        return None;
    }
    Some(Block::Section {
        heading: tr(lang, "Varför", "Hvorfor", "Why").to_string(),
        lines,
    })
}

/// One unknown's value in a branch, as a clause: `slag av tjänst är en vanlig tjänst (`ordinary`)`.
fn condition_text(
    c: &BranchCondition,
    rules: &RuleSet,
    country: Option<crate::vocab::CountryId>,
    lang: Lang,
) -> String {
    let title = unknown_title(&c.name, rules, lang);
    let fact = rules.vocab.resolve(&c.name);
    match &c.value {
        BranchValue::OneOf { values } => {
            let labels: Vec<String> = values
                .iter()
                .map(
                    |v| match fact.and_then(|f| rules.vocab.label_of(f, v, country, lang)) {
                        Some(label) => format!("{label} (`{v}`)"),
                        None => format!("`{v}`"),
                    },
                )
                .collect();
            let or = tr(lang, "eller", "eller", "or");
            let list = match labels.as_slice() {
                [rest @ .., last] if !rest.is_empty() => format!("{} {or} {last}", rest.join(", ")),
                _ => labels.join(""),
            };
            format!("{title} {} {list}", tr(lang, "är", "er", "is"))
        }
        BranchValue::Bool { value } => {
            let word = if *value {
                tr(lang, "ja", "ja", "yes")
            } else {
                tr(lang, "nej", "nei", "no")
            };
            format!("{title}: {word}")
        }
        BranchValue::Range {
            low,
            high,
            currency,
        } => {
            let amount = |v: Decimal| match currency {
                Some(c) => Money::new(v, *c).display(lang),
                None => format_amount(v, lang),
            };
            // The grid is öre (or hundredths): an end one step inside a round number is shown as
            // "under" / "over" that number.
            let hundredth = Decimal::new(1, 2);
            let round_above =
                |v: Decimal| (v + hundredth).fract().is_zero() && !v.fract().is_zero();
            let round_below =
                |v: Decimal| (v - hundredth).fract().is_zero() && !v.fract().is_zero();
            let is = tr(lang, "är", "er", "is");
            let lower = low.map(|l| {
                if round_below(l) {
                    format!(
                        "{} {}",
                        tr(lang, "över", "over", "over"),
                        amount(l - hundredth)
                    )
                } else {
                    format!("{} {}", tr(lang, "minst", "minst", "at least"), amount(l))
                }
            });
            let upper = high.map(|h| {
                if round_above(h) {
                    format!(
                        "{} {}",
                        tr(lang, "under", "under", "under"),
                        amount(h + hundredth)
                    )
                } else {
                    format!("{} {}", tr(lang, "högst", "høyst", "at most"), amount(h))
                }
            });
            match (low, high, lower, upper) {
                (Some(l), Some(h), _, _) if l == h => {
                    format!(
                        "{title} {is} {} {}",
                        tr(lang, "exakt", "nøyaktig", "exactly"),
                        amount(*l)
                    )
                }
                (_, _, Some(lower), Some(upper)) => {
                    format!(
                        "{title} {is} {lower} {} {upper}",
                        tr(lang, "och", "og", "and")
                    )
                }
                (_, _, Some(lower), None) => format!("{title} {is} {lower}"),
                (_, _, None, Some(upper)) => format!("{title} {is} {upper}"),
                (_, _, None, None) => title,
            }
        }
    }
}

pub(crate) fn branch_heading(
    b: &Branch,
    rules: &RuleSet,
    jurisdiction: &str,
    lang: Lang,
) -> String {
    let country = rules.vocab.country(jurisdiction);
    let clauses: Vec<String> = b
        .when
        .iter()
        .map(|c| condition_text(c, rules, country, lang))
        .collect();
    format!(
        "{} {}:",
        tr(lang, "Om", "Hvis", "If"),
        clauses.join(&format!(" {} ", tr(lang, "och", "og", "and")))
    )
}

/// Each branch: its conditions, its verdict, and the sentences of the rules that decide it.
pub(crate) fn branch_views<'d>(
    decision: &'d Decision,
    rules: &RuleSet,
    lang: Lang,
) -> Vec<BranchView<'d>> {
    let mut views = Vec::new();
    for b in &decision.branches {
        let verdict = if b.outcome == Outcome::Undecided {
            tr(lang, "Obestämt.", "Uavklart.", "Undecided.").to_string()
        } else {
            verdict_line(
                b.outcome,
                b.procedure.as_ref(),
                &decision.kind,
                &decision.jurisdiction,
                rules,
                lang,
            )
        };
        let mut lines = Vec::new();
        for name in &b.decided_by {
            if decision.decided_by.contains(name) && decision.outcome != Outcome::Undecided {
                continue;
            }
            let citations: Vec<Citation> = rules
                .rule_by_name(name)
                .map(|r| crate::eval::citations_on(rules, &r.cites, decision.date))
                .unwrap_or_default();
            if let Some(sentence) = sentence_with(&b.values, rules, name, lang) {
                lines.push(Line::sentence(sentence, citations));
            }
        }
        for o in &b.obligations {
            if decision.obligations.iter().any(|d| d.name == o.name) {
                continue;
            }
            let text = rules.obligation_text(&o.name, lang).unwrap_or_default();
            lines.push(Line::item(text, &o.citations));
        }
        lines.extend(conditional_obligations(
            &b.conditional_obligations,
            rules,
            lang,
        ));
        if b.outcome == Outcome::Undecided {
            for r in &b.reasons {
                lines.push(Line::plain(reason_text(r, rules, lang), true));
            }
        }
        views.push(BranchView {
            heading: branch_heading(b, rules, &decision.jurisdiction, lang),
            outcome: b.outcome,
            verdict,
            lines,
        });
    }
    views
}

/// For a conditional answer: the facts to state, with their option and case-file field.
fn write_questions(out: &mut String, decision: &Decision, rules: &RuleSet, lang: Lang) {
    if decision.questions.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        tr(lang, "Att ange", "Oppgi", "To decide, state")
    );
    for q in &decision.questions {
        let Some(fact) = rules.vocab.resolve(&q.fact) else {
            continue;
        };
        let placeholder = match q.answer.as_str() {
            "amount" => tr(
                lang,
                "\"BELOPP VALUTA\"",
                "\"BELØP VALUTA\"",
                "\"AMOUNT CURRENCY\"",
            ),
            "yes_no" => "true|false",
            _ => tr(lang, "TAL", "TALL", "NUMBER"),
        };
        let values = if q.values.is_empty() {
            placeholder.to_string()
        } else {
            q.values.join("|")
        };
        // A yes/no option is a switch (given: yes), so it cannot say no: `--fact` can.
        let option = match rules.flag_of(fact) {
            Some(flag) if q.answer != "yes_no" => format!("{flag} {values}"),
            _ => format!("--fact {}={values}", q.fact),
        };
        let _ = writeln!(
            out,
            "  {}: {option} ({} `{}`)",
            rules.vocab.title(fact, lang),
            tr(lang, "i ärendefilen", "i saksfilen", "in a case file"),
            q.fact
        );
    }
    let _ = writeln!(
        out,
        "  {}",
        tr(
            lang,
            "Eller lägg till --ask, så frågar regelverk en sak i taget.",
            "Eller legg til --ask, så spør regelverk om én ting om gangen.",
            "Or add --ask, and regelverk asks one thing at a time.",
        )
    );
}

/// The procedure required and the obligations of an allowed outcome.
fn duties<'d>(decision: &'d Decision, rules: &RuleSet, lang: Lang) -> Vec<Block<'d>> {
    let mut parts = Vec::new();
    if let Some(procedure) = &decision.procedure {
        let text = rules
            .procedure_text(&procedure.name, lang)
            .unwrap_or_default();
        parts.push(Block::Section {
            heading: tr(lang, "Vad som krävs", "Hva som kreves", "What is required").to_string(),
            lines: vec![Line::sentence(text, procedure.citations.as_slice())],
        });
    }
    let mut lines: Vec<Line> = decision
        .obligations
        .iter()
        .map(|o| {
            let text = rules.obligation_text(&o.name, lang).unwrap_or_default();
            Line::item(text, &o.citations)
        })
        .collect();
    // Where the branches are shown, each lists its own.
    if decision.branches.is_empty() {
        lines.extend(conditional_obligations(
            &decision.conditional_obligations,
            rules,
            lang,
        ));
    }
    if !lines.is_empty() {
        parts.push(Block::Section {
            heading: tr(lang, "Skyldigheter", "Plikter", "Obligations").to_string(),
            lines,
        });
    }
    parts
}

/// Obligations that apply for some of the values a branch or answer covers: their texts say
/// when, and the list says they are not certain to apply.
fn conditional_obligations<'d>(
    obligations: &'d [Named],
    rules: &RuleSet,
    lang: Lang,
) -> Vec<Line<'d>> {
    obligations
        .iter()
        .map(|o| {
            let text = rules.obligation_text(&o.name, lang).unwrap_or_default();
            Line {
                in_some_cases: true,
                ..Line::item(text, &o.citations)
            }
        })
        .collect()
}

/// The warnings; for a conditional answer, those that hold whichever way it falls (each branch's
/// own are in `--full` and the JSON).
fn warnings<'d>(
    decision: &'d Decision,
    rules: &RuleSet,
    lang: Lang,
    detail: Detail,
) -> Option<Block<'d>> {
    let conditional = decision.outcome == Outcome::Undecided && !decision.branches.is_empty();
    let lines: Vec<Line> = decision
        .warnings
        .iter()
        .filter(|w| {
            !conditional
                || detail == Detail::Full
                || decision
                    .branches
                    .iter()
                    .all(|b| b.warnings.iter().any(|bw| bw.name == w.name))
        })
        .map(|w| {
            let text = rules.warning_text(&w.name, lang).unwrap_or_default();
            Line::item(text, &w.citations)
        })
        .collect();
    if lines.is_empty() {
        return None;
    }
    Some(Block::Section {
        heading: tr(lang, "Varningar", "Advarsler", "Warnings").to_string(),
        lines,
    })
}

fn reasons<'d>(
    decision: &'d Decision,
    rules: &RuleSet,
    lang: Lang,
    detail: Detail,
) -> Option<Block<'d>> {
    if decision.reasons.is_empty() {
        return None;
    }
    let mut lines = Vec::new();
    for r in &decision.reasons {
        if let Reason::LeftOpenByRule { rule } = r {
            // The rule's own sentence says why it leaves the question open.
            if let Some(sentence) = rule_sentence(decision, rules, rule, lang) {
                let citations = decision
                    .rules
                    .iter()
                    .find(|t| *t.name == **rule)
                    .map(|t| t.citations.as_slice())
                    .unwrap_or_default();
                lines.push(Line::item(sentence, citations));
                continue;
            }
        }
        lines.push(Line::plain(reason_text(r, rules, lang), true));
    }
    if detail == Detail::Full {
        let uncertain: Vec<&RuleTrace> = decision
            .rules
            .iter()
            .filter(|r| r.status == RuleStatus::Uncertain)
            .collect();
        if !uncertain.is_empty() {
            let list = uncertain
                .iter()
                .map(|r| format!("`{}` ({})", r.name, cites(&r.citations, lang)))
                .collect::<Vec<_>>()
                .join(", ");
            lines.push(Line::plain(
                format!(
                    "{} {list}",
                    tr(
                        lang,
                        "Regler som kan gälla:",
                        "Regler som kan gjelde:",
                        "Rules that may apply:"
                    )
                ),
                false,
            ));
        }
    }
    Some(Block::Section {
        heading: tr(lang, "Varför obestämt", "Hvorfor uavklart", "Why undecided").to_string(),
        lines,
    })
}

fn write_values(out: &mut String, decision: &Decision, rules: &RuleSet, lang: Lang) {
    if decision.values.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        tr(lang, "Underlag", "Grunnlag", "Figures used")
    );
    for v in &decision.values {
        let title = value_title(v, rules, lang);
        let mut line = format!("  {title} (`{}`): {}", v.name, show(&v.value, lang));
        if let Some(p) = &v.period {
            let period = match p.to {
                Some(to) => format!("{} – {to}", p.from),
                None => format!("{} {}", tr(lang, "från", "fra", "from"), p.from),
            };
            let _ = write!(
                line,
                ", {} {period}",
                tr(lang, "gäller", "gjelder", "in force")
            );
            if let Some(c) = &p.citation {
                let _ = write!(line, " ({})", cite(c, lang));
            }
            if p.unverified {
                let _ = write!(
                    line,
                    " [{}]",
                    tr(lang, "ej bekräftat", "ikke bekreftet", "unverified")
                );
            }
        }
        if !v.citations.is_empty() {
            let _ = write!(line, " ({})", cites(&v.citations, lang));
        }
        let _ = writeln!(out, "{line}");
        let width = v
            .parts
            .iter()
            .map(|p| show(&p.value, lang).chars().count())
            .max()
            .unwrap_or(0);
        for (i, part) in v.parts.iter().enumerate() {
            let sign = match (i, part.sign) {
                (0, Sign::Plus) => " ",
                (_, Sign::Plus) => "+",
                (_, Sign::Minus) => "−",
            };
            let amount = show(&part.value, lang);
            let part_title = part_title(part, rules, lang);
            let defaulted = if part.defaulted {
                format!(
                    " [{}]",
                    tr(
                        lang,
                        "ej angivet, standardvärde",
                        "ikke oppgitt, standardverdi",
                        "not stated, default"
                    )
                )
            } else {
                String::new()
            };
            let _ = writeln!(out, "    {sign} {amount:>width$}  {part_title}{defaulted}");
        }
        if let Some(note) = v.period.as_ref().and_then(|p| p.note.as_ref()) {
            let _ = writeln!(out, "    {} {note}", tr(lang, "Not:", "Merknad:", "Note:"));
        }
    }
}

fn write_notes(out: &mut String, decision: &Decision, rules: &RuleSet, lang: Lang) {
    if decision.notes.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", tr(lang, "Att observera", "Merk", "Notes"));
    for n in &decision.notes {
        let _ = writeln!(out, "  - {}", note_text(n, rules, lang));
    }
}

fn write_sources(out: &mut String, decision: &Decision, lang: Lang) {
    let sources = used_sources(decision);
    if sources.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", tr(lang, "Källor", "Kilder", "Sources"));
    for c in sources {
        let url = c
            .url
            .as_ref()
            .map(|u| format!(" <{u}>"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {}: {}{url}", c.label, c.title);
    }
}

/// The decision record: the case as given, and which rules and engine decided.
fn write_record(out: &mut String, decision: &Decision, lang: Lang) {
    let _ = writeln!(
        out,
        "\n{}",
        tr(
            lang,
            "Beslutsunderlag",
            "Beslutningsgrunnlag",
            "Decision record"
        )
    );
    let _ = writeln!(
        out,
        "  {} {} ({} {})",
        tr(lang, "Regelverk:", "Regelverk:", "Rule set:"),
        decision.rule_set.content_hash,
        tr(lang, "regelverk", "regelverk", "regelverk"),
        decision.rule_set.engine_version
    );
    let _ = writeln!(
        out,
        "  {}",
        tr(
            lang,
            "Ärendet som det angavs:",
            "Saken slik den ble oppgitt:",
            "The case as given:"
        )
    );
    for line in decision.case.to_toml().lines() {
        let _ = writeln!(out, "    {line}");
    }
}

fn part_title(part: &Part, rules: &RuleSet, lang: Lang) -> String {
    if let Some(title) = rules.vocab.title_of_path(&part.name, lang) {
        return format!("{title} (`{}`)", part.name);
    }
    if rules.param_by_name(&part.name).is_some() {
        return format!("{} (`{}`)", rules.param_title(&part.name, lang), part.name);
    }
    if rules.def_by_name(&part.name).is_some() {
        return format!("{} (`{}`)", rules.def_title(&part.name, lang), part.name);
    }
    part.name.clone()
}

/// Every source the decision cites, once, in order of first citation.
pub(crate) fn used_sources(decision: &Decision) -> Vec<&Citation> {
    let mut all: Vec<&Citation> = Vec::new();
    let rule_cites = decision
        .rules
        .iter()
        .filter(|r| {
            decision.decided_by.iter().any(|d| **d == *r.name)
                || r.status != RuleStatus::NotApplicable
        })
        .flat_map(|r| &r.citations);
    let other = decision
        .procedure
        .iter()
        .chain(&decision.obligations)
        .chain(&decision.warnings)
        .flat_map(|n| &n.citations)
        .chain(decision.values.iter().flat_map(|v| {
            v.period
                .iter()
                .filter_map(|p| p.citation.as_ref())
                .chain(&v.citations)
        }));
    for c in rule_cites.chain(other) {
        if !all.iter().any(|a| a.source == c.source) {
            all.push(c);
        }
    }
    all
}

/// The JSON form: the versioned decision plus its explanation in one language.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct JsonDecision {
    /// [`FORMAT_VERSION`](crate::FORMAT_VERSION).
    pub format_version: u32,
    /// The language of the texts.
    pub lang: Lang,
    /// The first line of the text explanation.
    pub summary: String,
    /// The deciding rules' sentences, then why it is undecided, if it is.
    pub explanation: Vec<String>,
    /// For a conditional answer (or a decided one whose branches say different things): each
    /// branch in words.
    pub branches: Vec<JsonBranch>,
    /// The facts to state to decide, with how to state them.
    pub questions: Vec<JsonQuestion>,
    /// The decision itself; procedures, obligations and warnings carry their `text`.
    pub decision: Decision,
}

/// A branch in words.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct JsonBranch {
    /// `Om slag av tjänst är en vanlig tjänst (`ordinary`):`
    pub when: String,
    /// The branch's verdict, in words.
    pub summary: String,
    /// The sentences of the rules that decide the branch.
    pub explanation: Vec<String>,
}

/// A question in words.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct JsonQuestion {
    /// The fact's path, e.g. `purchase.service_class`.
    pub fact: String,
    /// What the fact is called, in the language.
    pub title: String,
    /// The `check` option that states it.
    pub option: String,
    /// The names it may take, with what they mean.
    pub values: Vec<JsonValue>,
}

#[derive(Debug, Clone, Serialize)]
/// A name a question may be answered with.
#[non_exhaustive]
pub struct JsonValue {
    /// The name a case writes.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// What it means, in words, where the vocabulary says.
    pub label: Option<String>,
}

/// Puts each procedure's, obligation's and warning's text in the language into the decision.
fn with_texts(decision: &Decision, rules: &RuleSet, lang: Lang) -> Decision {
    let mut d = decision.clone();
    let fill = |n: &mut Named, text: Option<String>| n.text = text;
    if let Some(p) = d.procedure.as_mut() {
        let text = rules.procedure_text(&p.name, lang);
        fill(p, text);
    }
    for o in &mut d.obligations {
        let text = rules.obligation_text(&o.name, lang);
        fill(o, text);
    }
    for w in &mut d.warnings {
        let text = rules.warning_text(&w.name, lang);
        fill(w, text);
    }
    for b in &mut d.branches {
        if let Some(p) = b.procedure.as_mut() {
            let text = rules.procedure_text(&p.name, lang);
            fill(p, text);
        }
        for o in &mut b.obligations {
            let text = rules.obligation_text(&o.name, lang);
            fill(o, text);
        }
    }
    for r in &mut d.related {
        r.decision = with_texts(&r.decision, rules, lang);
    }
    d
}

/// The JSON form as a value, for programs that embed the library.
pub fn json_value(decision: &Decision, rules: &RuleSet, lang: Lang) -> JsonDecision {
    let mut explanation: Vec<String> = decision
        .decided_by
        .iter()
        .take(MAX_LISTED)
        .filter_map(|r| rule_sentence(decision, rules, r, lang))
        .collect();
    explanation.extend(decision.reasons.iter().map(|r| reason_text(r, rules, lang)));
    let branches = decision
        .branches
        .iter()
        .map(|b| JsonBranch {
            when: branch_heading(b, rules, &decision.jurisdiction, lang),
            summary: verdict_line(
                b.outcome,
                b.procedure.as_ref(),
                &decision.kind,
                &decision.jurisdiction,
                rules,
                lang,
            ),
            explanation: b
                .decided_by
                .iter()
                .filter_map(|r| sentence_with(&b.values, rules, r, lang))
                .chain(b.reasons.iter().map(|r| reason_text(r, rules, lang)))
                .collect(),
        })
        .collect();
    let questions = decision
        .questions
        .iter()
        .filter_map(|q| {
            let fact = rules.vocab.resolve(&q.fact)?;
            let country = rules.vocab.country(&decision.jurisdiction);
            Some(JsonQuestion {
                fact: q.fact.clone(),
                title: rules.vocab.title(fact, lang),
                option: rules
                    .flag_of(fact)
                    .map_or_else(|| format!("--fact {}=", q.fact), str::to_string),
                values: q
                    .values
                    .iter()
                    .map(|v| JsonValue {
                        name: v.clone(),
                        label: rules
                            .vocab
                            .label_of(fact, v, country, lang)
                            .map(str::to_string),
                    })
                    .collect(),
            })
        })
        .collect();
    JsonDecision {
        format_version: FORMAT_VERSION,
        lang,
        summary: summary(decision, rules, lang),
        explanation,
        branches,
        questions,
        decision: with_texts(decision, rules, lang),
    }
}

pub fn render_json(decision: &Decision, rules: &RuleSet, lang: Lang) -> String {
    serde_json::to_string_pretty(&json_value(decision, rules, lang))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

impl RuleSet {
    pub(crate) fn rule_by_name(&self, name: &str) -> Option<&crate::check::CheckedRule> {
        self.index.rules.get(name).map(|&i| &self.rules[i])
    }

    pub(crate) fn param_by_name(&self, name: &str) -> Option<&crate::check::Parameter> {
        self.index.params.get(name).map(|&i| &self.params[i])
    }

    pub(crate) fn def_by_name(&self, name: &str) -> Option<&crate::check::Definition> {
        self.index.defs.get(name).map(|&i| &self.defs[i])
    }

    fn param_title(&self, name: &str, lang: Lang) -> String {
        self.param_by_name(name)
            .map_or(name.to_string(), |p| p.titles.get(lang).to_string())
    }

    fn def_title(&self, name: &str, lang: Lang) -> String {
        self.def_by_name(name)
            .map_or(name.to_string(), |d| d.titles.get(lang).to_string())
    }

    fn procedure_text(&self, name: &str, lang: Lang) -> Option<String> {
        let i = *self.index.procedures.get(name)?;
        Some(self.procedures[i].texts.get(lang).to_string())
    }

    fn obligation_text(&self, name: &str, lang: Lang) -> Option<String> {
        let i = *self.index.obligations.get(name)?;
        Some(self.obligations[i].texts.get(lang).to_string())
    }

    fn warning_text(&self, name: &str, lang: Lang) -> Option<String> {
        let i = *self.index.warnings.get(name)?;
        Some(self.warnings[i].texts.get(lang).to_string())
    }

    /// The option of `regelverk check` that states a fact, if its declaration gives one.
    pub(crate) fn flag_of(&self, fact: crate::vocab::FactRef) -> Option<&str> {
        match fact {
            crate::vocab::FactRef::Fact(f) => self.vocab.fact_decl(f).flag.as_deref(),
            crate::vocab::FactRef::Field { .. } => None,
        }
    }

    fn name_of(&self, reference: NameRef) -> &str {
        match reference {
            NameRef::Date => "date",
            NameRef::Fact(f) => &self.vocab.fact_decl(f).path,
            NameRef::Param(p) => &self.params[p].name,
            NameRef::Def(d) => &self.defs[d].name,
        }
    }
}

/// The parameters in force on a date, as a list with periods and sources.
pub fn render_thresholds(
    list: &[crate::ThresholdInForce],
    jurisdiction: &str,
    date: jiff::civil::Date,
    lang: Lang,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {date} ({})",
        tr(
            lang,
            "Tröskelvärden och gränser i kraft",
            "Terskelverdier og grenser i kraft",
            "Thresholds and limits in force on"
        ),
        jurisdiction
    );
    if list.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            tr(
                lang,
                "(inga kända värden)",
                "(ingen kjente verdier)",
                "(no known values)"
            )
        );
    }
    for t in list {
        let period = match t.period.to {
            Some(to) => format!("{} – {to}", t.period.from),
            None => format!("{} {}", tr(lang, "från", "fra", "from"), t.period.from),
        };
        let _ = write!(
            out,
            "  {} (`{}`): {}, {period}",
            t.title,
            t.name,
            show(&t.value, lang)
        );
        if let Some(c) = &t.period.citation {
            let _ = write!(out, " ({})", cite(c, lang));
        }
        if t.period.unverified {
            let _ = write!(
                out,
                " [{}]",
                tr(lang, "ej bekräftat", "ikke bekreftet", "unverified")
            );
        }
        let _ = writeln!(out);
        if let Some(note) = &t.period.note {
            let _ = writeln!(out, "    {} {note}", tr(lang, "Not:", "Merknad:", "Note:"));
        }
    }
    out
}
