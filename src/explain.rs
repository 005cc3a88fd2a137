//! Explanations: a [`Decision`] rendered as text in Swedish, Norwegian or English, or as JSON.
//!
//! Invariant: rendering only presents what the decision holds; it decides nothing. Every step
//! shown carries its citation. Amounts are written as the language writes them.

use std::fmt::Write as _;

use serde::Serialize;

use crate::check::{NameRef, RuleSet, TemplatePart};
use crate::decision::*;
use crate::lang::Lang;
use crate::money::{Money, format_amount};

/// Chooses the word for the language.
fn tr(lang: Lang, sv: &'static str, nb: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Sv => sv,
        Lang::Nb => nb,
        Lang::En => en,
    }
}

/// The one-line answer. A purchase asks whether it may be awarded directly; a partnership
/// whether it may go ahead without a procurement.
pub fn summary(decision: &Decision, rules: &RuleSet, lang: Lang) -> String {
    let partnership = decision.kind == crate::case::CaseKind::Partnership;
    let head = match (decision.outcome, partnership) {
        (Outcome::Allowed, false) => tr(
            lang,
            "Direktupphandling är tillåten.",
            "Direkte anskaffelse er tillatt.",
            "Direct award is allowed.",
        ),
        (Outcome::AllowedWithObligations, false) => tr(
            lang,
            "Direktupphandling är tillåten, med skyldigheter.",
            "Direkte anskaffelse er tillatt, med plikter.",
            "Direct award is allowed, with obligations.",
        ),
        (Outcome::NotAllowed, false) => tr(
            lang,
            "Direktupphandling är inte tillåten.",
            "Direkte anskaffelse er ikke tillatt.",
            "Direct award is not allowed.",
        ),
        (Outcome::Allowed, true) => tr(
            lang,
            "Samverkan får ske utan upphandling.",
            "Samarbeidet kan gjennomføres uten anskaffelse.",
            "The partnership may go ahead without a procurement.",
        ),
        (Outcome::AllowedWithObligations, true) => tr(
            lang,
            "Samverkan får ske utan upphandling, med skyldigheter.",
            "Samarbeidet kan gjennomføres uten anskaffelse, med plikter.",
            "The partnership may go ahead without a procurement, with obligations.",
        ),
        (Outcome::NotAllowed, true) => tr(
            lang,
            "Samverkan får inte ske utan upphandling.",
            "Samarbeidet kan ikke gjennomføres uten anskaffelse.",
            "The partnership may not go ahead without a procurement.",
        ),
        (Outcome::Undecided, _) => tr(
            lang,
            "Obestämt: reglerna avgör inte fallet.",
            "Uavklart: reglene avgjør ikke saken.",
            "Undecided: the rules do not decide this case.",
        ),
    };
    match decision
        .procedure
        .as_ref()
        .and_then(|p| rules.procedure_text(&p.name, lang))
    {
        Some(text) if decision.outcome == Outcome::NotAllowed => {
            format!(
                "{head} {} {text}",
                tr(lang, "Krävs:", "Kreves:", "Required:")
            )
        }
        _ => head.to_string(),
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
    let mut text = match &c.pinpoint {
        Some(p) => format!("{} {p}", c.label),
        None => c.label.clone(),
    };
    if c.unverified {
        text.push_str(tr(
            lang,
            " [ej bekräftad]",
            " [ikke bekreftet]",
            " [unverified]",
        ));
    }
    text
}

fn cites(cs: &[Citation], lang: Lang) -> String {
    cs.iter()
        .map(|c| cite(c, lang))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The sentence a rule's template makes with the decision's values.
pub fn rule_sentence(
    decision: &Decision,
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
                let value = decision
                    .values
                    .iter()
                    .find(|v| v.name == name)
                    .map(|v| &v.value);
                out.push_str(&value.map_or_else(|| show(&Shown::Unknown, lang), |v| show(v, lang)));
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
            let title = crate::case::Fact::from_path(fact).map_or(fact.as_str(), |f| f.title(lang));
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
        Reason::NoRulesInForce { jurisdiction, date } => match lang {
            Lang::Sv => format!(
                "Regelverket har inga regler för {} som gäller {date}.",
                jurisdiction.code()
            ),
            Lang::Nb => format!(
                "Regelverket har ingen regler for {} som gjelder {date}.",
                jurisdiction.code()
            ),
            Lang::En => format!(
                "The rule set has no rules for {} in force on {date}.",
                jurisdiction.code()
            ),
        },
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
            Lang::Sv => format!("Regeln `{rule}` lämnar frågan öppen; se motiveringen ovan."),
            Lang::Nb => format!("Regelen `{rule}` lar spørsmålet stå åpent; se begrunnelsen over."),
            Lang::En => format!("Rule `{rule}` leaves the question open; see its reasons above."),
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
            let title = crate::case::Fact::from_path(fact).map_or(fact.as_str(), |f| f.title(lang));
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

fn value_title(v: &ValueTrace, rules: &RuleSet, lang: Lang) -> String {
    match v.kind {
        ValueKind::Fact => crate::case::Fact::from_path(&v.name)
            .map_or(v.name.clone(), |f| f.title(lang).to_string()),
        ValueKind::Parameter => rules.param_title(&v.name, lang),
        ValueKind::Computed => rules.def_title(&v.name, lang),
    }
}

/// The whole explanation as text.
pub fn render_text(decision: &Decision, rules: &RuleSet, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", summary(decision, rules, lang));
    let _ = writeln!(
        out,
        "{} {}, {} {}",
        tr(lang, "Land:", "Land:", "Jurisdiction:"),
        decision.jurisdiction.code(),
        tr(lang, "datum:", "dato:", "date:"),
        decision.date
    );

    if !decision.decided_by.is_empty() {
        let _ = writeln!(out, "\n{}", tr(lang, "Varför", "Hvorfor", "Why"));
        for name in &decision.decided_by {
            let trace = decision.rules.iter().find(|r| &r.name == name);
            let citations = trace.map(|t| cites(&t.citations, lang)).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} `{name}` ({citations})",
                tr(lang, "Regel", "Regel", "Rule")
            );
            if let Some(sentence) = rule_sentence(decision, rules, name, lang) {
                let _ = writeln!(out, "    {sentence}");
            }
        }
        let overridden: Vec<&RuleTrace> = decision
            .rules
            .iter()
            .filter(|r| r.status == RuleStatus::Overridden)
            .collect();
        for r in overridden {
            let by = r
                .overridden_by
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                out,
                "  {} `{}` ({}) {} {by}",
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
            );
        }
    }

    if let Some(procedure) = &decision.procedure {
        let _ = writeln!(
            out,
            "\n{}",
            tr(lang, "Vad som krävs", "Hva som kreves", "What is required")
        );
        let text = rules
            .procedure_text(&procedure.name, lang)
            .unwrap_or_default();
        let _ = writeln!(out, "  {text} ({})", cites(&procedure.citations, lang));
    }

    if !decision.obligations.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            tr(lang, "Skyldigheter", "Plikter", "Obligations")
        );
        for o in &decision.obligations {
            let text = rules.obligation_text(&o.name, lang).unwrap_or_default();
            let _ = writeln!(out, "  - {text} ({})", cites(&o.citations, lang));
        }
    }

    if !decision.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", tr(lang, "Varningar", "Advarsler", "Warnings"));
        for w in &decision.warnings {
            let text = rules.warning_text(&w.name, lang).unwrap_or_default();
            let _ = writeln!(out, "  - {text} ({})", cites(&w.citations, lang));
        }
    }

    if !decision.reasons.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            tr(lang, "Varför obestämt", "Hvorfor uavklart", "Why undecided")
        );
        for r in &decision.reasons {
            let _ = writeln!(out, "  - {}", reason_text(r, rules, lang));
        }
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
            let _ = writeln!(
                out,
                "  {} {list}",
                tr(
                    lang,
                    "Regler som kan gälla:",
                    "Regler som kan gjelde:",
                    "Rules that may apply:"
                )
            );
        }
    }

    if !decision.values.is_empty() {
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

    if !decision.notes.is_empty() {
        let _ = writeln!(out, "\n{}", tr(lang, "Att observera", "Merk", "Notes"));
        for n in &decision.notes {
            let _ = writeln!(out, "  - {}", note_text(n, rules, lang));
        }
    }

    for related in &decision.related {
        let heading = match related.subject.as_str() {
            "procurement" => tr(
                lang,
                "Det som ska köpas för samverkan",
                "Det som må kjøpes for samarbeidet",
                "What must be bought for the partnership",
            ),
            _ => tr(
                lang,
                "Närliggande beslut",
                "Tilknyttet beslutning",
                "Related decision",
            ),
        };
        let _ = writeln!(out, "\n{heading}");
        for line in render_text(&related.decision, rules, lang).lines() {
            if line.is_empty() {
                let _ = writeln!(out);
            } else {
                let _ = writeln!(out, "  | {line}");
            }
        }
    }

    let sources = used_sources(decision);
    if !sources.is_empty() {
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
    out
}

fn part_title(part: &Part, rules: &RuleSet, lang: Lang) -> String {
    if let Some(f) = crate::case::Fact::from_path(&part.name) {
        return format!("{} (`{}`)", f.title(lang), part.name);
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
fn used_sources(decision: &Decision) -> Vec<&Citation> {
    let mut all: Vec<&Citation> = Vec::new();
    let rule_cites = decision
        .rules
        .iter()
        .filter(|r| decision.decided_by.contains(&r.name) || r.status != RuleStatus::NotApplicable)
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
#[derive(Debug, Serialize)]
pub struct JsonDecision<'d> {
    pub format_version: u32,
    pub lang: Lang,
    pub summary: String,
    pub explanation: Vec<String>,
    pub decision: &'d Decision,
}

pub fn render_json(decision: &Decision, rules: &RuleSet, lang: Lang) -> String {
    let mut explanation: Vec<String> = decision
        .decided_by
        .iter()
        .filter_map(|r| rule_sentence(decision, rules, r, lang))
        .collect();
    explanation.extend(decision.reasons.iter().map(|r| reason_text(r, rules, lang)));
    let json = JsonDecision {
        format_version: FORMAT_VERSION,
        lang,
        summary: summary(decision, rules, lang),
        explanation,
        decision,
    };
    serde_json::to_string_pretty(&json).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
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

    fn name_of(&self, reference: NameRef) -> String {
        match reference {
            NameRef::Fact(f) => f.path().to_string(),
            NameRef::Param(p) => self.params[p].name.clone(),
            NameRef::Def(d) => self.defs[d].name.clone(),
        }
    }
}

/// The parameters in force on a date, as a list with periods and sources.
pub fn render_thresholds(
    list: &[crate::ThresholdInForce],
    jurisdiction: crate::Jurisdiction,
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
        jurisdiction.code()
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
