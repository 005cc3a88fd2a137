//! The page for purchasers: a form for a planned purchase, partnership or change to a contract,
//! the answer as `check` gives it (the verdict first, a conditional answer with its questions as
//! new fields, why, what to do, warnings, citations as links), and a decision record to print.
//! Server-rendered HTML in Swedish, Norwegian or English (`?lang=`, default Swedish), with no
//! scripts and nothing fetched from elsewhere.
//!
//! Invariants: a form is sent with GET, so that an answer has its own URL; its field names are
//! the facts' paths in the case format (`purchase.value`), and the fields are built from what
//! the rule files declare (type, title, closed list, names per country) in one place
//! ([`purchase_fields`], [`partnership_fields`], [`modification_fields`], [`field_html`]);
//! nothing legal is written here: the verdicts, texts and labels come from the rules and the
//! library. The server's clock is read only for the record's "time of the check".

use std::fmt::Write as _;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use crate::RuleSet;
use crate::case::{Case, parse_date};
use crate::decision::{Citation, Decision, Outcome};
use crate::diagnostic::Diagnostic;
use crate::doc::esc;
use crate::explain::{self, Block, Detail, Line, tr};
use crate::lang::Lang;
use crate::vocab::{CountryId, FactId, ValueType};

type Pairs = Vec<(String, String)>;

/// The case format's own fields, which every form asks first: the country and the day. The
/// facts each form asks next come from its kind's `form asks first` in the rule files.
const HEAD: [&str; 2] = ["jurisdiction", "date"];

/// What a field of a form asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    /// The case's country.
    Country,
    /// The day the procurement starts.
    Date,
    Fact(FactId),
}

/// A fact asked by a form, under the name the form sends it by.
#[derive(Clone)]
struct Field {
    input: Input,
    /// The fact's path, or for a related case (the purchase a partnership requires), the path
    /// under the section that holds it.
    name: String,
}

fn field(ctx: &FormContext, path: &str) -> Option<Field> {
    let vocab = ctx.rules.vocabulary();
    let input = match path {
        "jurisdiction" => Input::Country,
        "date" => Input::Date,
        _ => Input::Fact(vocab.fact(path)?),
    };
    // A list of records is entered one element per line, under its element path.
    let name = match input {
        Input::Fact(f) => vocab.fact_decl(f).each_as.clone(),
        _ => None,
    };
    Some(Field {
        input,
        name: name.unwrap_or_else(|| path.to_string()),
    })
}

/// A fact of a related case's kind, asked under the section that holds it.
fn related_field(ctx: &FormContext, path: &str) -> Option<Field> {
    let mut f = field(ctx, path)?;
    let (prefix, section) = related_prefix(ctx.rules)?;
    f.name = format!("{prefix}{}", path.strip_prefix(&section)?);
    Some(f)
}

/// Where a related case is written in a form (`partnership.procurement.`) and the section its
/// facts have in a case of its own kind (`purchase.`).
fn related_prefix(rules: &RuleSet) -> Option<(String, String)> {
    let vocab = rules.vocabulary();
    let r = vocab
        .kinds
        .get(partnership_kind(rules)?)?
        .related
        .as_ref()?;
    let section = vocab.kinds[r.kind].section.as_ref()?;
    Some((format!("{}.", r.from), format!("{section}.")))
}

/// The kind of case the partnership form is for: the first that always holds a related case.
/// A kind whose related case is decided only where it is not allowed (`when not allowed`: a
/// funding that may be a purchase) has no form of its own; its cases are pasted at `/case`.
fn partnership_kind(rules: &RuleSet) -> Option<usize> {
    rules
        .vocabulary()
        .kinds
        .iter()
        .position(|k| k.related.as_ref().is_some_and(|r| !r.only_when_not_allowed))
}

/// The paths of the facts the form for a kind of case asks first (`form asks first`), in order.
fn first_paths(rules: &RuleSet, kind: Option<usize>) -> Vec<String> {
    let vocab = rules.vocabulary();
    kind.and_then(|k| vocab.kinds.get(k))
        .map(|k| {
            k.form
                .first
                .iter()
                .map(|f| vocab.fact_decl(*f).path.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether cases of this kind have a form on the page (see [`partnership_kind`]).
fn has_form(rules: &RuleSet, kind: usize) -> bool {
    rules
        .vocabulary()
        .kinds
        .get(kind)
        .is_some_and(|k| k.related.as_ref().is_none_or(|r| !r.only_when_not_allowed))
}

/// Facts a form asks for: those of the country (or of any country), outside the kinds'
/// sections other than `section`.
fn asked(ctx: &FormContext, section: Option<&str>) -> Vec<String> {
    let vocab = ctx.rules.vocabulary();
    vocab
        .facts
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            f.path != "date"
                && ctx
                    .jurisdiction
                    .is_none_or(|c| vocab.fact_in(FactId(*i as u32), c))
                && match f.kind {
                    None => true,
                    Some(k) => vocab.kinds[k].section.as_deref() == section,
                }
        })
        .map(|(_, f)| f.path.clone())
        .collect()
}

/// The purchase form: the first facts, then every other fact a purchase states.
fn purchase_fields(ctx: &FormContext) -> (Vec<Field>, Vec<Field>) {
    let vocab = ctx.rules.vocabulary();
    let default = vocab
        .kinds
        .get(vocab.default_kind)
        .and_then(|k| k.section.clone());
    let paths = first_paths(ctx.rules, Some(vocab.default_kind));
    let first: Vec<Field> = HEAD
        .iter()
        .copied()
        .chain(paths.iter().map(String::as_str))
        .filter_map(|p| field(ctx, p))
        .collect();
    let more = asked(ctx, default.as_deref())
        .into_iter()
        .filter(|p| !paths.contains(p))
        .filter_map(|p| field(ctx, &p))
        .collect();
    (first, more)
}

/// The partnership form: the country and day, the partnership's facts, and the purchase it
/// requires (the first facts of the related kind's form, under the section that holds them).
fn partnership_fields(ctx: &FormContext) -> (Vec<Field>, Vec<Field>, Vec<Field>) {
    let vocab = ctx.rules.vocabulary();
    let head = HEAD.iter().filter_map(|p| field(ctx, p)).collect();
    let section = partnership_kind(ctx.rules)
        .and_then(|k| vocab.kinds.get(k))
        .and_then(|k| k.section.clone());
    let facts = asked(ctx, section.as_deref())
        .into_iter()
        .filter(|p| vocab.kind_of_path(p).is_some())
        .filter_map(|p| field(ctx, &p))
        .collect();
    let related = partnership_kind(ctx.rules)
        .and_then(|k| vocab.kinds.get(k))
        .and_then(|k| k.related.as_ref())
        .map(|r| r.kind);
    let procurement = first_paths(ctx.rules, related)
        .iter()
        .filter_map(|p| related_field(ctx, p))
        .collect();
    (head, facts, procurement)
}

/// The form for a change to an existing contract: the country, the day and the contract as it
/// stands (the first facts of the change kind's form, unprefixed: such a case's `[purchase]` is
/// the contract), and every fact of the change: those in the section of the kind of case the form
/// is for.
fn modification_fields(ctx: &FormContext, section: &str) -> (Vec<Field>, Vec<Field>) {
    let vocab = ctx.rules.vocabulary();
    let paths = first_paths(ctx.rules, change_kind(ctx.rules));
    let contract = HEAD
        .iter()
        .copied()
        .chain(paths.iter().map(String::as_str))
        .filter_map(|p| field(ctx, p))
        .collect();
    let change = asked(ctx, Some(section))
        .into_iter()
        .filter(|p| vocab.kind_of_path(p).is_some())
        .filter_map(|p| field(ctx, &p))
        .collect();
    (contract, change)
}

/// `Uppskattat värde` from `uppskattat värde`.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn html_id(name: &str) -> String {
    format!("f-{}", name.replace(['.', '_'], "-"))
}

/// What a name of a closed list is called, in words where the rules declare them.
fn name_words(ctx: &FormContext, list: usize, name: &str) -> String {
    let vocab = ctx.rules.vocabulary();
    vocab
        .name(list, name)
        .and_then(|n| vocab.name_label(list, n, ctx.jurisdiction, ctx.lang))
        .map_or_else(|| name.replace('_', " "), capitalised)
}

/// A country's name in the language.
fn country_words(rules: &RuleSet, code: &str, lang: Lang) -> String {
    let vocab = rules.vocabulary();
    vocab.country(code).map_or_else(
        || code.to_string(),
        |c| vocab.countries[c].titles.get(lang).to_string(),
    )
}

/// What a field asks for, in words.
fn field_title(ctx: &FormContext, f: &Field) -> String {
    let vocab = ctx.rules.vocabulary();
    match f.input {
        Input::Country => tr(ctx.lang, "land", "land", "country").to_string(),
        Input::Date => vocab
            .title_of_path("date", ctx.lang)
            .unwrap_or_else(|| tr(ctx.lang, "datum", "dato", "date").to_string()),
        Input::Fact(id) => vocab.fact_decl(id).titles.get(ctx.lang).to_string(),
    }
}

/// One field of a form: its label, its input (a list for a closed list, yes / no / don't know
/// for a yes-or-no fact, text for amounts and numbers), a hint, and the error, if any.
fn field_html(
    out: &mut String,
    f: &Field,
    value: Option<&str>,
    error: Option<&str>,
    ctx: &FormContext,
) {
    let lang = ctx.lang;
    let vocab = ctx.rules.vocabulary();
    let name = f.name.clone();
    let id = html_id(&name);
    let value = value.unwrap_or("");
    let required = matches!(f.input, Input::Country | Input::Date);
    let hint = hint(f, ctx);
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(format!("{id}-hint"));
    }
    if error.is_some() {
        described.push(format!("{id}-error"));
    }
    let aria = if described.is_empty() {
        String::new()
    } else {
        format!(" aria-describedby=\"{}\"", described.join(" "))
    };
    let invalid = if error.is_some() {
        " aria-invalid=\"true\""
    } else {
        ""
    };
    let req = if required { " required" } else { "" };
    let label = if f.input == Input::Date && ctx.for_change {
        tr(
            lang,
            "Dagen för ändringen",
            "Dagen for endringen",
            "The day of the change",
        )
        .to_string()
    } else {
        field_title(ctx, f)
    };
    let _ = write!(
        out,
        "<div class=\"field\"><label for=\"{id}\">{}</label>",
        esc(&capitalised(&label))
    );
    let unknown = tr(lang, "Vet inte", "Vet ikke", "Don't know");
    let ty = match f.input {
        Input::Country => None,
        Input::Date => Some(ValueType::Date),
        Input::Fact(id) => Some(vocab.fact_decl(id).ty),
    };
    let select = |out: &mut String, options: &[(String, String)], blank: &str| {
        let _ = write!(
            out,
            "<select id=\"{id}\" name=\"{}\"{req}{aria}{invalid}>",
            esc(&name)
        );
        let _ = write!(out, "<option value=\"\">{}</option>", esc(blank));
        for (v, words) in options {
            let selected = if v == value { " selected" } else { "" };
            let _ = write!(
                out,
                "<option value=\"{}\"{selected}>{}</option>",
                esc(v),
                esc(words)
            );
        }
        out.push_str("</select>");
    };
    match ty {
        None => {
            let options: Vec<(String, String)> = vocab
                .countries
                .iter()
                .map(|c| (c.code.clone(), c.titles.get(lang).to_string()))
                .collect();
            select(out, &options, tr(lang, "Välj", "Velg", "Choose"));
        }
        Some(ValueType::OneOf(list)) => {
            let names: Vec<String> = match ctx.jurisdiction {
                Some(c) => vocab
                    .names_in(list, c)
                    .into_iter()
                    .map(|n| vocab.name_text(list, n).to_string())
                    .collect(),
                None => vocab.lists[list].names.clone(),
            };
            let options: Vec<(String, String)> = names
                .iter()
                .map(|n| (n.clone(), name_words(ctx, list, n)))
                .collect();
            select(out, &options, unknown);
        }
        Some(ValueType::YesNo) => {
            let options = vec![
                ("true".to_string(), tr(lang, "Ja", "Ja", "Yes").to_string()),
                (
                    "false".to_string(),
                    tr(lang, "Nej", "Nei", "No").to_string(),
                ),
            ];
            select(out, &options, unknown);
        }
        Some(ValueType::Records(_) | ValueType::Names(_)) => {
            let _ = write!(
                out,
                "<textarea id=\"{id}\" name=\"{}\" rows=\"4\"{aria}{invalid}>{}</textarea>",
                esc(&name),
                esc(value)
            );
        }
        Some(ty) => {
            let kind = match ty {
                ValueType::Date => " type=\"date\"",
                ValueType::Amount | ValueType::WholeNumber | ValueType::Percent => {
                    " type=\"text\" inputmode=\"decimal\""
                }
                ValueType::Cpv => " type=\"text\" inputmode=\"numeric\"",
                _ => " type=\"text\"",
            };
            let _ = write!(
                out,
                "<input id=\"{id}\" name=\"{}\"{kind} value=\"{}\"{req}{aria}{invalid}>",
                esc(&name),
                esc(value)
            );
        }
    }
    if let Some(hint) = hint {
        let _ = write!(out, "<p class=\"hint\" id=\"{id}-hint\">{}</p>", esc(&hint));
    }
    if let Some(error) = error {
        let _ = write!(
            out,
            "<p class=\"error\" id=\"{id}-error\">{}</p>",
            esc(error)
        );
    }
    out.push_str("</div>");
}

/// How to write a fact's value, where the type alone does not say.
fn hint(f: &Field, ctx: &FormContext) -> Option<String> {
    let lang = ctx.lang;
    let vocab = ctx.rules.vocabulary();
    let ty = match f.input {
        Input::Country => return None,
        Input::Date => ValueType::Date,
        Input::Fact(id) => vocab.fact_decl(id).ty,
    };
    match ty {
        ValueType::Amount => {
            let currencies: Vec<String> = match ctx.jurisdiction {
                Some(c) => vec![vocab.countries[c].currency.code().to_string()],
                None => vocab
                    .countries
                    .iter()
                    .map(|c| {
                        format!(
                            "{} {} {}",
                            c.currency.code(),
                            tr(lang, "för", "for", "for"),
                            c.titles.get(lang)
                        )
                    })
                    .collect(),
            };
            Some(format!(
                "{} {}",
                tr(
                    lang,
                    "Exkl. moms, t.ex. 650 000;",
                    "Ekskl. mva., f.eks. 650 000;",
                    "Excl. VAT, e.g. 650 000;"
                ),
                currencies.join(", ")
            ))
        }
        ValueType::Date if ctx.for_change => Some(
            tr(
                lang,
                "ÅÅÅÅ-MM-DD: ändringens dag väljer lagen som gäller.",
                "ÅÅÅÅ-MM-DD: endringens dato velger regelverket som gjelder.",
                "YYYY-MM-DD: the day of the change selects the law in force.",
            )
            .to_string(),
        ),
        ValueType::Date => Some(
            tr(
                lang,
                "Den dag upphandlingen startar (ÅÅÅÅ-MM-DD): den väljer lagen som gäller.",
                "Den dagen anskaffelsen starter (ÅÅÅÅ-MM-DD): den velger regelverket som gjelder.",
                "The day the procurement starts (YYYY-MM-DD): it selects the law in force.",
            )
            .to_string(),
        ),
        ValueType::Cpv => Some(
            tr(
                lang,
                "Åtta siffror, t.ex. 90910000; fyll i den eller slag av tjänst.",
                "Åtte sifre, f.eks. 90910000; fyll inn den eller type tjeneste.",
                "Eight digits, e.g. 90910000; give it or the kind of service.",
            )
            .to_string(),
        ),
        ValueType::Records(r) => {
            let record = &vocab.records[r];
            let form = record
                .line
                .iter()
                .map(|&i| record.fields[i].titles.get(lang).to_string())
                .collect::<Vec<_>>()
                .join("; ");
            let kinds: Vec<String> = record
                .fields
                .iter()
                .filter_map(|field| match field.ty {
                    ValueType::OneOf(l) => Some(vocab.lists[l].names.join(", ")),
                    _ => None,
                })
                .collect();
            Some(format!(
                "{}: {form}. {}",
                tr(lang, "En per rad", "Én per linje", "One per line"),
                kinds.join("; ")
            ))
        }
        _ => None,
    }
}

/// What a form needs to know besides its fields.
struct FormContext<'a> {
    lang: Lang,
    rules: &'a RuleSet,
    /// The country the case names, if it names one: lists then show that country's names.
    jurisdiction: Option<CountryId>,
    /// The form is for a change to a contract: its date is the change's.
    for_change: bool,
}

/// What the form sent, field by field, without the empty fields.
struct Entered {
    pairs: Pairs,
}

impl Entered {
    fn new(pairs: Pairs) -> Entered {
        Entered {
            pairs: pairs
                .into_iter()
                .filter(|(k, v)| k != "lang" && !v.trim().is_empty())
                .collect(),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn is_partnership(&self) -> bool {
        self.pairs
            .iter()
            .any(|(k, _)| k.starts_with("partnership."))
    }

    /// The kind of case whose section a field the form sent is in, if any.
    fn kind(&self, rules: &RuleSet) -> Option<usize> {
        let vocab = rules.vocabulary();
        self.pairs.iter().find_map(|(k, _)| vocab.kind_of_path(k))
    }

    fn query(&self, lang: Lang) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![("lang", lang.code())];
        pairs.extend(self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        encode(&pairs)
    }
}

fn encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&percent_encode(k));
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    out
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Errors in what was entered: for a field (by its name), or for the case as a whole.
#[derive(Default)]
struct FormErrors {
    fields: Vec<(String, String)>,
    general: Vec<String>,
}

impl FormErrors {
    fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    fn of(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m.as_str())
    }
}

/// The case the form describes. An amount written without a currency is taken in the
/// currency the jurisdiction's rules use.
fn build_case(rules: &RuleSet, entered: &Entered, lang: Lang) -> Result<Case, FormErrors> {
    let mut errors = FormErrors::default();
    let vocab = rules.vocabulary();
    let fill = |what: String| format!("{} {what}", tr(lang, "Fyll i", "Fyll inn", "Fill in"));
    let jurisdiction = match entered.get("jurisdiction") {
        None => {
            errors.fields.push((
                "jurisdiction".into(),
                fill(tr(lang, "land", "land", "country").to_string()),
            ));
            None
        }
        Some(j) => match vocab.country(j.trim()) {
            Some(c) => Some(vocab.code(c).to_string()),
            None => {
                errors.fields.push((
                    "jurisdiction".into(),
                    format!(
                        "unknown country `{j}`; expected one of: {}",
                        vocab.codes().join(", ")
                    ),
                ));
                None
            }
        },
    };
    let date = match entered.get("date") {
        None => {
            errors.fields.push((
                "date".into(),
                fill(
                    vocab
                        .title_of_path("date", lang)
                        .unwrap_or_else(|| "date".into()),
                ),
            ));
            None
        }
        Some(d) => match parse_date(d.trim()) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.fields.push(("date".into(), e));
                None
            }
        },
    };
    let (Some(jurisdiction), Some(date)) = (jurisdiction, date) else {
        return Err(errors);
    };
    let currency = rules.currency(&jurisdiction);
    let Ok(mut case) = rules.new_case(&jurisdiction, date) else {
        return Err(errors);
    };
    for (name, value) in &entered.pairs {
        if name == "jurisdiction" || name == "date" {
            continue;
        }
        // A list of records is entered one element per line, each on one line; other facts are
        // read as a case file writes them, an amount without a currency in the country's.
        let result = match vocab.element_path(name) {
            Some(_) => value
                .lines()
                .filter(|l| !l.trim().is_empty())
                .try_for_each(|line| case.set(name, line.trim())),
            None => {
                let path = vocab
                    .related_path(name)
                    .map_or_else(|| name.clone(), |(_, inner)| inner);
                let Some(r) = vocab.resolve(&path) else {
                    errors.general.push(format!(
                        "{} `{name}`",
                        tr(lang, "Okänt fält:", "Ukjent felt:", "Unknown field:")
                    ));
                    continue;
                };
                let value = value.trim();
                let value = match (vocab.value_type(r), currency) {
                    (ValueType::Amount, Some(c)) if !value.chars().any(char::is_alphabetic) => {
                        format!("{value} {}", c.code())
                    }
                    _ => value.to_string(),
                };
                case.set(name, &value)
            }
        };
        if let Err(e) = result {
            errors.fields.push((name.clone(), e));
        }
    }
    if let Err(e) = rules.check_case(&case) {
        for d in e.diagnostics {
            let field = d
                .message
                .split('`')
                .nth(1)
                .map(str::to_string)
                .filter(|p| entered.get(p).is_some());
            let text = match &d.help {
                Some(help) => format!("{}: {help}", d.message),
                None => d.message.clone(),
            };
            match field {
                Some(field) => errors.fields.push((field, text)),
                None => errors.general.push(text),
            }
        }
    }
    if errors.is_empty() {
        Ok(case)
    } else {
        Err(errors)
    }
}

fn lang_of(pairs: &Pairs) -> Lang {
    pairs
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(Lang::Sv)
}

fn pairs_of(query: Result<Query<Pairs>, QueryRejection>) -> Pairs {
    query.map(|Query(p)| p).unwrap_or_default()
}

/// A form page: its heading (sv, nb, en), the help text of the form of its kind of case (`form
/// help` in the rule files), and the form `render` writes, filled in with whatever the query
/// gives.
fn form_page(
    state: &AppState,
    query: Result<Query<Pairs>, QueryRejection>,
    heading: [&'static str; 3],
    kind: Option<usize>,
    path: &str,
    render: fn(&mut String, &Entered, &FormErrors, &FormContext),
) -> Response {
    let pairs = pairs_of(query);
    let lang = lang_of(&pairs);
    let entered = Entered::new(pairs);
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{}</h1>",
        tr(lang, heading[0], heading[1], heading[2])
    );
    if let Some(help) = kind
        .and_then(|k| state.rules.vocabulary().kinds.get(k))
        .and_then(|k| k.form.help.as_ref())
    {
        let _ = write!(body, "<p class=\"lead\">{}</p>", esc(help.get(lang)));
    }
    render(
        &mut body,
        &entered,
        &FormErrors::default(),
        &context(&state.rules, lang, &entered),
    );
    page(lang, title(lang), &body, path, &entered).into_response()
}

/// `GET /`: the purchase form, filled in with whatever the query gives.
pub(super) async fn form(
    State(state): State<AppState>,
    query: Result<Query<Pairs>, QueryRejection>,
) -> Response {
    form_page(
        &state,
        query,
        [
            "Får vi direktupphandla?",
            "Kan vi anskaffe direkte?",
            "May we award directly?",
        ],
        Some(state.rules.vocabulary().default_kind),
        "/",
        purchase_form,
    )
}

fn title(lang: Lang) -> &'static str {
    tr(
        lang,
        "regelverk – får vi direktupphandla?",
        "regelverk – kan vi anskaffe direkte?",
        "regelverk – may we award directly?",
    )
}

fn context<'a>(rules: &'a RuleSet, lang: Lang, entered: &Entered) -> FormContext<'a> {
    FormContext {
        lang,
        rules,
        jurisdiction: entered
            .get("jurisdiction")
            .and_then(|j| rules.vocabulary().country(j.trim())),
        for_change: false,
    }
}

fn purchase_form(out: &mut String, entered: &Entered, errors: &FormErrors, ctx: &FormContext) {
    let lang = ctx.lang;
    let (first, more) = purchase_fields(ctx);
    let _ = write!(
        out,
        "<form class=\"case\" method=\"get\" action=\"/answer\"><input type=\"hidden\" name=\"lang\" value=\"{}\">",
        lang.code()
    );
    general_errors(out, errors, ctx.rules, lang);
    let _ = write!(
        out,
        "<fieldset><legend>{}</legend>",
        tr(lang, "Köpet", "Anskaffelsen", "The purchase")
    );
    for f in first {
        field_html(out, &f, entered.get(&f.name), errors.of(&f.name), ctx);
    }
    out.push_str("</fieldset>");
    let open = if more
        .iter()
        .any(|f| entered.get(&f.name).is_some() || errors.of(&f.name).is_some())
    {
        " open"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<details{open}><summary>{}</summary><fieldset><legend>{}</legend>",
        tr(
            lang,
            "Fler uppgifter (lotter, löpande avtal, sektor, grunder …)",
            "Flere opplysninger (delkontrakter, løpende avtaler, sektor, grunnlag …)",
            "More facts (lots, running contracts, sector, grounds …)"
        ),
        tr(lang, "Fler uppgifter", "Flere opplysninger", "More facts")
    );
    for f in more {
        field_html(out, &f, entered.get(&f.name), errors.of(&f.name), ctx);
    }
    let _ = write!(
        out,
        "</fieldset></details><p><button type=\"submit\">{}</button></p></form>",
        tr(lang, "Visa svaret", "Vis svaret", "Show the answer")
    );
}

fn partnership_form_html(
    out: &mut String,
    entered: &Entered,
    errors: &FormErrors,
    ctx: &FormContext,
) {
    let lang = ctx.lang;
    let (head, facts, procurement) = partnership_fields(ctx);
    sections_form(
        out,
        entered,
        errors,
        ctx,
        [
            (
                tr(lang, "Samverkan", "Samarbeidet", "The partnership"),
                head.into_iter().chain(facts).collect(),
            ),
            (
                tr(
                    lang,
                    "Det som ändå ska köpas (om något)",
                    "Det som likevel må kjøpes (om noe)",
                    "What must still be bought (if anything)",
                ),
                procurement,
            ),
        ],
    );
}

/// The kind of case the change form is for: the first that is neither the default nor one
/// holding a related case.
fn change_kind(rules: &RuleSet) -> Option<usize> {
    let vocab = rules.vocabulary();
    vocab
        .kinds
        .iter()
        .enumerate()
        .position(|(i, k)| i != vocab.default_kind && k.related.is_none())
}

/// The section of the kind of case the change form is for (see [`change_kind`]).
fn change_section(rules: &RuleSet) -> Option<String> {
    let vocab = rules.vocabulary();
    change_kind(rules)
        .and_then(|k| vocab.kinds.get(k))
        .and_then(|k| k.section.clone())
}

fn modification_form_html(
    out: &mut String,
    entered: &Entered,
    errors: &FormErrors,
    ctx: &FormContext,
) {
    let ctx = &FormContext {
        for_change: true,
        ..*ctx
    };
    let lang = ctx.lang;
    let section = change_section(ctx.rules).unwrap_or_default();
    let (contract, change) = modification_fields(ctx, &section);
    sections_form(
        out,
        entered,
        errors,
        ctx,
        [
            (
                tr(
                    lang,
                    "Avtalet som det är före ändringen",
                    "Kontrakten slik den er før endringen",
                    "The contract as it stands before the change",
                ),
                contract,
            ),
            (tr(lang, "Ändringen", "Endringen", "The change"), change),
        ],
    );
}

/// A form of fieldsets, each with its legend and fields, sent to `/answer`.
fn sections_form<const N: usize>(
    out: &mut String,
    entered: &Entered,
    errors: &FormErrors,
    ctx: &FormContext,
    sections: [(&str, Vec<Field>); N],
) {
    let lang = ctx.lang;
    let _ = write!(
        out,
        "<form class=\"case\" method=\"get\" action=\"/answer\"><input type=\"hidden\" name=\"lang\" value=\"{}\">",
        lang.code()
    );
    general_errors(out, errors, ctx.rules, lang);
    for (legend, fields) in sections {
        let _ = write!(out, "<fieldset><legend>{legend}</legend>");
        for f in fields {
            field_html(out, &f, entered.get(&f.name), errors.of(&f.name), ctx);
        }
        out.push_str("</fieldset>");
    }
    let _ = write!(
        out,
        "<p><button type=\"submit\">{}</button></p></form>",
        tr(lang, "Visa svaret", "Vis svaret", "Show the answer")
    );
}

/// The form for a case of a kind: the partnership form for a kind that holds a related case, the
/// change form for another kind with a section of its own, else the purchase form.
fn form_for(
    out: &mut String,
    kind: Option<usize>,
    entered: &Entered,
    errors: &FormErrors,
    ctx: &FormContext,
) {
    let vocab = ctx.rules.vocabulary();
    match kind.and_then(|k| vocab.kinds.get(k).map(|kind| (k, kind))) {
        Some((i, _)) if !has_form(ctx.rules, i) => {}
        Some((_, k)) if k.related.is_some() => partnership_form_html(out, entered, errors, ctx),
        Some((i, _)) if i != vocab.default_kind => {
            modification_form_html(out, entered, errors, ctx)
        }
        _ => purchase_form(out, entered, errors, ctx),
    }
}

fn general_errors(out: &mut String, errors: &FormErrors, rules: &RuleSet, lang: Lang) {
    if errors.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<div class=\"errors\" role=\"alert\"><p>{}</p><ul>",
        tr(
            lang,
            "Något i uppgifterna behöver rättas:",
            "Noe i opplysningene må rettes:",
            "Something in what you entered needs correcting:"
        )
    );
    for (name, message) in &errors.fields {
        let title = rules
            .vocabulary()
            .title_of_path(name, lang)
            .map_or_else(|| name.clone(), |t| capitalised(&t));
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a>: {}</li>",
            html_id(name),
            esc(&title),
            esc(message)
        );
    }
    for message in &errors.general {
        let _ = write!(out, "<li>{}</li>", inline(message));
    }
    out.push_str("</ul></div>");
}

/// `GET /partnership`: the partnership form.
pub(super) async fn partnership_form(
    State(state): State<AppState>,
    query: Result<Query<Pairs>, QueryRejection>,
) -> Response {
    form_page(
        &state,
        query,
        [
            "Får vi samverka utan upphandling?",
            "Kan vi samarbeide uten anskaffelse?",
            "May we cooperate without a procurement?",
        ],
        partnership_kind(&state.rules),
        "/partnership",
        partnership_form_html,
    )
}

/// `GET /modification`: the form for a change to an existing contract.
pub(super) async fn modification_form(
    State(state): State<AppState>,
    query: Result<Query<Pairs>, QueryRejection>,
) -> Response {
    form_page(
        &state,
        query,
        [
            "Får vi ändra eller förlänga avtalet?",
            "Kan vi endre eller forlenge kontrakten?",
            "May we change or extend the contract?",
        ],
        change_kind(&state.rules),
        "/modification",
        modification_form_html,
    )
}

/// `GET /answer?…`: the answer to a form, or the form again with what needs correcting.
pub(super) async fn answer(
    State(state): State<AppState>,
    query: Result<Query<Pairs>, QueryRejection>,
) -> Response {
    let pairs = pairs_of(query);
    let lang = lang_of(&pairs);
    let entered = Entered::new(pairs);
    let rules = std::sync::Arc::clone(&state.rules);
    let rendered = tokio::task::spawn_blocking(move || {
        let ctx = context(&rules, lang, &entered);
        let mut body = String::new();
        match build_case(&rules, &entered, lang) {
            Ok(case) => {
                let decision = rules.evaluate(&case);
                answer_html(&mut body, &decision, &rules, lang, &entered);
                let _ = write!(
                    body,
                    "<section class=\"edit noprint\"><h2>{}</h2>",
                    tr(
                        lang,
                        "Uppgifterna – ändra och pröva igen",
                        "Opplysningene – endre og prøv igjen",
                        "What you entered – change it and try again"
                    )
                );
                let ctx = FormContext {
                    jurisdiction: rules.vocabulary().country(case.jurisdiction()),
                    ..ctx
                };
                let kind = rules.vocabulary().kind(case.kind());
                form_for(&mut body, kind, &entered, &FormErrors::default(), &ctx);
                body.push_str("</section>");
                let path = "/answer";
                (
                    StatusCode::OK,
                    page(lang, title(lang), &body, path, &entered),
                )
            }
            Err(errors) => {
                let _ = write!(
                    body,
                    "<h1>{}</h1>",
                    tr(
                        lang,
                        "Uppgifterna behöver rättas",
                        "Opplysningene må rettes",
                        "What you entered needs correcting"
                    )
                );
                form_for(&mut body, entered.kind(&rules), &entered, &errors, &ctx);
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    page(lang, title(lang), &body, "/answer", &entered),
                )
            }
        }
    })
    .await;
    match rendered {
        Ok(response) => response.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The answer, as `check` gives it: the verdict first, then the parts of the short
/// explanation, the questions as fields, and the decisions this one leads to.
fn answer_html(
    out: &mut String,
    decision: &Decision,
    rules: &RuleSet,
    lang: Lang,
    entered: &Entered,
) {
    let outcome = decision.combined_outcome();
    let _ = write!(
        out,
        "<section class=\"verdict {}\" aria-labelledby=\"verdict\"><p class=\"kicker\">{}</p><h1 id=\"verdict\">{}</h1><p class=\"meta\">{}: {} · {}: {}</p></section>",
        outcome_class(outcome),
        tr(lang, "Svar", "Svar", "Answer"),
        inline(&explain::summary(decision, rules, lang)),
        tr(lang, "Land", "Land", "Country"),
        esc(&country_words(rules, &decision.jurisdiction, lang)),
        tr(lang, "Datum", "Dato", "Date"),
        decision.date
    );
    parts_html(out, decision, rules, lang, Detail::Short, Some(entered));
    let query = entered.query(lang);
    let _ = write!(
        out,
        "<p class=\"actions noprint\"><a href=\"/record?{}\">{}</a></p>",
        esc(&query),
        tr(
            lang,
            "Skriv ut beslutsunderlaget",
            "Skriv ut beslutningsgrunnlaget",
            "Print the decision record"
        )
    );
}

fn outcome_class(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Allowed | Outcome::AllowedWithObligations => "allowed",
        Outcome::NotAllowed => "not-allowed",
        Outcome::Undecided => "undecided",
    }
}

/// The parts of an explanation as HTML; questions become a form when `entered` is given (the
/// answer page), a list otherwise (the record).
fn parts_html(
    out: &mut String,
    decision: &Decision,
    rules: &RuleSet,
    lang: Lang,
    detail: Detail,
    entered: Option<&Entered>,
) {
    for part in explain::short_parts(decision, rules, lang, detail) {
        match part {
            Block::Section { heading, lines } if !lines.is_empty() => {
                let _ = write!(out, "<section><h2>{}</h2>", esc(&heading));
                lines_html(out, &lines, lang);
                out.push_str("</section>");
            }
            Block::Section { .. } => {}
            Block::Branches(branches) => {
                let heading = if explain::is_conditional(decision) {
                    tr(
                        lang,
                        "Svaret beror på uppgifterna",
                        "Svaret avhenger av opplysningene",
                        "The answer depends on the facts",
                    )
                } else {
                    tr(
                        lang,
                        "Hur svaret faller",
                        "Hvordan svaret faller ut",
                        "How the answer falls",
                    )
                };
                let _ = write!(out, "<section class=\"branches\"><h2>{heading}</h2>");
                for b in branches {
                    let _ = write!(
                        out,
                        "<article class=\"branch {}\"><h3>{}</h3><p class=\"branch-verdict\">{}</p>",
                        outcome_class(b.outcome),
                        inline(&b.heading),
                        inline(&b.verdict)
                    );
                    lines_html(out, &b.lines, lang);
                    out.push_str("</article>");
                }
                out.push_str("</section>");
            }
            Block::Questions => questions_html(out, decision, rules, lang, entered),
        }
    }
    for related in &decision.related {
        let _ = write!(
            out,
            "<section class=\"related\"><h2>{}</h2><p class=\"related-verdict {}\">{}</p>",
            esc(&explain::related_heading(
                decision,
                &related.subject,
                rules,
                lang
            )),
            outcome_class(related.decision.outcome),
            inline(&explain::summary(&related.decision, rules, lang))
        );
        parts_html(out, &related.decision, rules, lang, detail, None);
        out.push_str("</section>");
    }
}

fn lines_html(out: &mut String, lines: &[Line], lang: Lang) {
    out.push_str("<ul class=\"lines\">");
    for line in lines {
        let class = if line.item { "item" } else { "sentence" };
        let _ = write!(out, "<li class=\"{class}\">{}", inline(&line.text));
        if let Some(citations) = &line.citations {
            citations_html(out, citations, lang);
        }
        if line.in_some_cases {
            let _ = write!(
                out,
                " <span class=\"mark\">[{}]</span>",
                explain::in_some_cases_mark(lang)
            );
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
}

/// Citations as links to their sources, where the rule files give an address.
fn citations_html(out: &mut String, citations: &[Citation], lang: Lang) {
    if citations.is_empty() {
        return;
    }
    out.push_str(" <span class=\"citations\">(");
    for (i, c) in citations.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        let text = esc(&explain::cite(c, lang));
        match &c.url {
            Some(url) => {
                let _ = write!(
                    out,
                    "<a class=\"citation\" href=\"{}\" title=\"{}\">{text}</a>",
                    esc(url),
                    esc(&c.title)
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<cite class=\"citation\" title=\"{}\">{text}</cite>",
                    esc(&c.title)
                );
            }
        }
    }
    out.push_str(")</span>");
}

/// The facts whose answer can change the outcome, as new fields of a form that sends what was
/// entered along (hidden), or as a list where there is no form to send.
fn questions_html(
    out: &mut String,
    decision: &Decision,
    rules: &RuleSet,
    lang: Lang,
    entered: Option<&Entered>,
) {
    let facts: Vec<String> = decision
        .questions
        .iter()
        .filter(|q| rules.vocabulary().fact(&q.fact).is_some())
        .map(|q| q.fact.clone())
        .collect();
    if facts.is_empty() {
        return;
    }
    let heading = tr(
        lang,
        "Ange det som avgör svaret",
        "Oppgi det som avgjør svaret",
        "State what decides the answer",
    );
    let Some(entered) = entered else {
        let _ = write!(out, "<section class=\"questions\"><h2>{heading}</h2><ul>");
        for fact in facts {
            let title = rules
                .vocabulary()
                .title_of_path(&fact, lang)
                .unwrap_or_else(|| fact.clone());
            let _ = write!(out, "<li>{}</li>", esc(&capitalised(&title)));
        }
        out.push_str("</ul></section>");
        return;
    };
    // The purchase a partnership requires is asked under its own prefix.
    let vocab = rules.vocabulary();
    let prefixed =
        decision.kind == vocab.kinds[vocab.default_kind].name && entered.is_partnership();
    let ctx = FormContext {
        lang,
        rules,
        jurisdiction: vocab.country(&decision.jurisdiction),
        for_change: change_section(rules).is_some_and(|section| {
            vocab
                .kind(&decision.kind)
                .and_then(|k| vocab.kinds[k].section.as_deref())
                == Some(section.as_str())
        }),
    };
    let fields: Vec<Field> = facts
        .iter()
        .filter_map(|fact| {
            if prefixed {
                related_field(&ctx, fact)
            } else {
                field(&ctx, fact)
            }
        })
        .collect();
    let _ = write!(
        out,
        "<section class=\"questions\"><h2>{heading}</h2><p>{}</p><form method=\"get\" action=\"/answer\"><input type=\"hidden\" name=\"lang\" value=\"{}\">",
        tr(
            lang,
            "Svaret ovan beror på de här uppgifterna, den mest avgörande först. Fyll i det du vet; resten av det du angav följer med.",
            "Svaret over avhenger av disse opplysningene, den mest avgjørende først. Fyll inn det du vet; resten av det du oppga følger med.",
            "The answer above depends on these facts, the most decisive first. Fill in what you know; the rest of what you entered goes along.",
        ),
        lang.code()
    );
    let asked: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
    for (k, v) in &entered.pairs {
        if !asked.contains(k) {
            let _ = write!(
                out,
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                esc(k),
                esc(v)
            );
        }
    }
    for f in fields {
        field_html(out, &f, entered.get(&f.name), None, &ctx);
    }
    let _ = write!(
        out,
        "<p><button type=\"submit\">{}</button></p></form></section>",
        tr(lang, "Pröva igen", "Prøv igjen", "Try again")
    );
}

/// `GET /record?…`: the decision record for the procurement file: the answer with its
/// citations, the figures used, the sources with their addresses, the case as given, the rule
/// set's hash, the engine's version and the time of the check.
pub(super) async fn record(
    State(state): State<AppState>,
    query: Result<Query<Pairs>, QueryRejection>,
) -> Response {
    let pairs = pairs_of(query);
    let lang = lang_of(&pairs);
    let text = pairs
        .iter()
        .find(|(k, _)| k == "text")
        .map(|(_, v)| v.clone());
    let entered = Entered::new(pairs);
    let rules = std::sync::Arc::clone(&state.rules);
    // The one place the server's clock is read: when the check was made, for the record.
    let checked_at = jiff::Timestamp::now();
    let rendered = tokio::task::spawn_blocking(move || {
        let case = match &text {
            Some(text) => read_pasted(&rules, text).map_err(|_| FormErrors::default()),
            None => build_case(&rules, &entered, lang),
        };
        let Ok(case) = case else {
            let back = match &text {
                Some(_) => "/case",
                None => "/answer",
            };
            let body = format!(
                "<h1>{}</h1><p><a href=\"{back}?{}\">{}</a></p>",
                tr(
                    lang,
                    "Uppgifterna behöver rättas innan beslutsunderlaget kan skrivas ut",
                    "Opplysningene må rettes før beslutningsgrunnlaget kan skrives ut",
                    "What you entered needs correcting before the record can be printed"
                ),
                esc(&entered.query(lang)),
                tr(lang, "Tillbaka", "Tilbake", "Back")
            );
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(lang, title(lang), &body, "/record", &entered),
            );
        };
        let decision = rules.evaluate(&case);
        let mut body = String::new();
        record_html(&mut body, &decision, &rules, lang, checked_at);
        let back = match &text {
            Some(text) => format!("/case?{}", encode(&[("lang", lang.code()), ("text", text)])),
            None => format!("/answer?{}", entered.query(lang)),
        };
        let _ = write!(
            body,
            "<p class=\"noprint\"><a href=\"{}\">{}</a> · {}</p>",
            esc(&back),
            tr(
                lang,
                "Tillbaka till svaret",
                "Tilbake til svaret",
                "Back to the answer"
            ),
            tr(
                lang,
                "Skriv ut med webbläsarens utskrift (Ctrl+P).",
                "Skriv ut med nettleserens utskrift (Ctrl+P).",
                "Print with the browser's print command (Ctrl+P)."
            )
        );
        (
            StatusCode::OK,
            page(lang, title(lang), &body, "/record", &entered),
        )
    })
    .await;
    match rendered {
        Ok(response) => response.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn record_html(
    out: &mut String,
    decision: &Decision,
    rules: &RuleSet,
    lang: Lang,
    checked_at: jiff::Timestamp,
) {
    let _ = write!(
        out,
        "<h1>{}</h1><dl class=\"record\">",
        tr(
            lang,
            "Beslutsunderlag",
            "Beslutningsgrunnlag",
            "Decision record"
        )
    );
    let rows = [
        (
            tr(
                lang,
                "Tid för kontrollen",
                "Tidspunkt for kontrollen",
                "Time of the check",
            ),
            format!(
                "{} ({})",
                checked_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                tr(
                    lang,
                    "serverns klocka; lagen väljs av ärendets datum",
                    "serverens klokke; regelverket velges av sakens dato",
                    "the server's clock; the law is selected by the case's date"
                )
            ),
        ),
        (
            tr(lang, "Land och datum", "Land og dato", "Country and date"),
            format!(
                "{}, {}",
                country_words(rules, &decision.jurisdiction, lang),
                decision.date
            ),
        ),
        (
            tr(
                lang,
                "Regelverkets innehåll (SHA-256)",
                "Regelverkets innhold (SHA-256)",
                "The rule set (SHA-256)",
            ),
            decision.rule_set.content_hash.clone(),
        ),
        (
            tr(
                lang,
                "Version av regelverk",
                "Versjon av regelverk",
                "regelverk version",
            ),
            decision.rule_set.engine_version.clone(),
        ),
    ];
    for (term, value) in rows {
        let _ = write!(out, "<dt>{term}</dt><dd>{}</dd>", esc(&value));
    }
    let outcome = decision.combined_outcome();
    let _ = write!(
        out,
        "</dl><section class=\"verdict {}\"><p class=\"kicker\">{}</p><h2 id=\"verdict\">{}</h2></section>",
        outcome_class(outcome),
        tr(lang, "Svar", "Svar", "Answer"),
        inline(&explain::summary(decision, rules, lang))
    );
    parts_html(out, decision, rules, lang, Detail::Full, None);
    if !decision.values.is_empty() {
        let _ = write!(
            out,
            "<section><h2>{}</h2><table class=\"values\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            tr(lang, "Underlag", "Grunnlag", "Figures used"),
            tr(lang, "Uppgift", "Opplysning", "Figure"),
            tr(lang, "Värde", "Verdi", "Value"),
            tr(
                lang,
                "Gäller / källa",
                "Gjelder / kilde",
                "In force / source"
            ),
        );
        for v in &decision.values {
            let mut period = String::new();
            if let Some(p) = &v.period {
                let _ = write!(period, "{} {}", tr(lang, "från", "fra", "from"), p.from);
                if let Some(to) = p.to {
                    let _ = write!(period, " {} {to}", tr(lang, "till", "til", "to"));
                }
            }
            let mut cited = String::new();
            let citations: Vec<Citation> = v
                .period
                .iter()
                .filter_map(|p| p.citation.clone())
                .chain(v.citations.iter().cloned())
                .collect();
            citations_html(&mut cited, &citations, lang);
            let _ = write!(
                out,
                "<tr><td>{} <code>{}</code></td><td>{}</td><td>{}{cited}</td></tr>",
                esc(&explain::value_title(v, rules, lang)),
                esc(&v.name),
                esc(&shown(
                    v,
                    rules,
                    rules.vocabulary().country(&decision.jurisdiction),
                    lang
                )),
                esc(&period)
            );
        }
        out.push_str("</tbody></table></section>");
    }
    let sources = explain::used_sources(decision);
    if !sources.is_empty() {
        let _ = write!(
            out,
            "<section><h2>{}</h2><ul class=\"sources\">",
            tr(lang, "Källor", "Kilder", "Sources")
        );
        for c in sources {
            let _ = write!(
                out,
                "<li><strong>{}</strong>: {}",
                esc(&c.label),
                esc(&c.title)
            );
            if let Some(url) = &c.url {
                let _ = write!(out, " <a href=\"{0}\">{0}</a>", esc(url));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul></section>");
    }
    let _ = write!(
        out,
        "<section><h2>{}</h2><pre class=\"case\">{}</pre></section>",
        tr(
            lang,
            "Ärendet som det angavs",
            "Saken slik den ble oppgitt",
            "The case as given"
        ),
        esc(&decision.case.to_toml())
    );
}

/// A value of the record's table: a name of a closed list in words, anything else as the
/// explanation writes it.
fn shown(
    v: &crate::decision::ValueTrace,
    rules: &RuleSet,
    country: Option<CountryId>,
    lang: Lang,
) -> String {
    let vocab = rules.vocabulary();
    match (&v.value, vocab.resolve(&v.name)) {
        (crate::decision::Shown::Text { value }, Some(fact)) => {
            match vocab.label_of(fact, value, country, lang) {
                Some(label) => capitalised(label),
                None => value.clone(),
            }
        }
        (value, _) => explain::show(value, lang),
    }
}

/// A case pasted as text: JSON if it starts with `{`, TOML otherwise.
fn read_pasted(rules: &RuleSet, text: &str) -> Result<Case, Vec<Diagnostic>> {
    let name = if text.trim_start().starts_with('{') {
        "case.json"
    } else {
        "case.toml"
    };
    rules.read_case(text, name).map_err(|e| e.diagnostics)
}

/// `GET /case`: a whole case (TOML or JSON) pasted into a text box, e.g. a partnership with a
/// company the parties own; with `text`, its answer.
pub(super) async fn case_text(
    State(state): State<AppState>,
    query: Result<Query<Pairs>, QueryRejection>,
) -> Response {
    let pairs = pairs_of(query);
    let lang = lang_of(&pairs);
    let text = pairs
        .iter()
        .find(|(k, _)| k == "text")
        .map(|(_, v)| v.clone())
        .filter(|t| !t.trim().is_empty());
    let entered = Entered::new(pairs);
    let rules = std::sync::Arc::clone(&state.rules);
    let rendered = tokio::task::spawn_blocking(move || {
        let mut body = String::new();
        let mut status = StatusCode::OK;
        match text.as_deref().map(|t| (t, read_pasted(&rules, t))) {
            Some((text, Ok(case))) => {
                let decision = rules.evaluate(&case);
                answer_html(&mut body, &decision, &rules, lang, &entered);
                // The record link of the answer carries the text, as this page's own URL does.
                let _ = text;
            }
            Some((_, Err(diagnostics))) => {
                status = StatusCode::UNPROCESSABLE_ENTITY;
                let _ = write!(
                    body,
                    "<h1>{}</h1><div class=\"errors\" role=\"alert\"><pre>{}</pre></div>",
                    tr(
                        lang,
                        "Ärendet kunde inte läsas",
                        "Saken kunne ikke leses",
                        "The case could not be read"
                    ),
                    esc(&crate::diagnostic::render_all(&diagnostics))
                );
            }
            None => {
                // What a case may be: each kind of case as its `form pasted` names it.
                let kinds: Vec<&str> = rules
                    .vocabulary()
                    .kinds
                    .iter()
                    .filter_map(|k| k.form.pasted.as_ref().map(|t| t.get(lang)))
                    .collect();
                let what = if kinds.is_empty() {
                    String::new()
                } else {
                    format!(": {}", kinds.join(tr(lang, ", eller ", ", eller ", ", or ")))
                };
                let _ = write!(
                    body,
                    "<h1>{}</h1><p class=\"lead\">{}{}.</p>",
                    tr(lang, "Klistra in ett ärende", "Lim inn en sak", "Paste a case"),
                    tr(
                        lang,
                        "Ett ärende i TOML eller JSON, i samma format som regelverk check läser (se README)",
                        "En sak i TOML eller JSON, i samme format som regelverk check leser (se README)",
                        "A case in TOML or JSON, in the format regelverk check reads (see the README)",
                    ),
                    esc(&what)
                );
            }
        }
        let _ = write!(
            body,
            "<form class=\"case noprint\" method=\"get\" action=\"/case\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><div class=\"field\"><label for=\"f-text\">{}</label><textarea id=\"f-text\" name=\"text\" rows=\"18\" spellcheck=\"false\">{}</textarea></div><p><button type=\"submit\">{}</button></p></form>",
            lang.code(),
            tr(lang, "Ärendet (TOML eller JSON)", "Saken (TOML eller JSON)", "The case (TOML or JSON)"),
            esc(text.as_deref().unwrap_or("")),
            tr(lang, "Visa svaret", "Vis svaret", "Show the answer")
        );
        (status, page(lang, title(lang), &body, "/case", &entered))
    })
    .await;
    match rendered {
        Ok(response) => response.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A path the page does not have.
pub(super) async fn not_found(request: Request) -> Response {
    let lang = request
        .uri()
        .query()
        .and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("lang="))
                .and_then(|l| l.parse().ok())
        })
        .unwrap_or(Lang::Sv);
    let body = format!(
        "<h1>{}</h1><p><a href=\"/?lang={}\">{}</a></p>",
        tr(
            lang,
            "Sidan finns inte",
            "Siden finnes ikke",
            "No such page"
        ),
        lang.code(),
        tr(lang, "Till formuläret", "Til skjemaet", "To the form")
    );
    let entered = Entered::new(Vec::new());
    (
        StatusCode::NOT_FOUND,
        page(lang, title(lang), &body, "/", &entered),
    )
        .into_response()
}

/// Text from the rules as HTML: escaped, with `name` set as code, and amounts that never break
/// across lines.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, piece) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", esc(piece));
        } else {
            out.push_str(&crate::doc::thin_spaces(&esc(piece)));
        }
    }
    out
}

const STYLE: &str = r#"
:root{--fg:#1b1b1b;--muted:#555;--line:#d0d0d0;--ok:#0b6b2b;--okbg:#e6f4ea;--no:#a1131b;--nobg:#fdecea;--un:#7a4b00;--unbg:#fff4d6;--link:#0b4f9c}
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
header{border-bottom:1px solid var(--line);padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:baseline}
header .site{font-weight:700;color:var(--fg);text-decoration:none}
header nav a,header .langs a{margin-right:.8rem}
header .langs{margin-left:auto}
main{max-width:48rem;margin:0 auto;padding:1rem}
a{color:var(--link)}
h1{font-size:1.6rem;line-height:1.25;margin:.4rem 0 .6rem}
h2{font-size:1.2rem;margin:1.6rem 0 .4rem}
h3{font-size:1rem;margin:.2rem 0}
.lead{color:var(--muted)}
.verdict{border-left:.4rem solid var(--un);background:var(--unbg);padding:.6rem 1rem;border-radius:.3rem}
.verdict.allowed{border-color:var(--ok);background:var(--okbg)}
.verdict.not-allowed{border-color:var(--no);background:var(--nobg)}
.verdict h1,.verdict h2{margin:.1rem 0 .3rem}
.kicker{margin:0;font-size:.85rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.meta{margin:0;color:var(--muted)}
.branch{border:1px solid var(--line);border-left:.3rem solid var(--un);border-radius:.3rem;padding:.5rem .8rem;margin:.6rem 0}
.branch.allowed{border-left-color:var(--ok)}
.branch.not-allowed{border-left-color:var(--no)}
.branch-verdict{font-weight:600;margin:.2rem 0}
ul.lines{padding-left:1.2rem;margin:.3rem 0}
ul.lines li.sentence{list-style:none;margin-left:-1.2rem}
ul.lines li{margin:.25rem 0}
.citations{color:var(--muted);font-size:.95em}
.mark{color:var(--un);font-size:.9em}
code{font-size:.9em;background:#f2f2f2;padding:0 .2em;border-radius:.2em}
form.case,.questions form{margin:.6rem 0}
fieldset{border:1px solid var(--line);border-radius:.3rem;margin:0 0 1rem;padding:.6rem .9rem}
legend{font-weight:700;padding:0 .3rem}
.field{margin:.6rem 0}
.field label{display:block;font-weight:600}
input,select,textarea{font:inherit;width:100%;max-width:30rem;padding:.45rem;border:1px solid #8a8a8a;border-radius:.25rem;background:#fff}
textarea{max-width:100%;font-family:ui-monospace,monospace;font-size:.9rem}
input:focus,select:focus,textarea:focus,button:focus,a:focus{outline:3px solid #f0b400;outline-offset:1px}
.hint{margin:.15rem 0 0;color:var(--muted);font-size:.9rem}
.error{margin:.15rem 0 0;color:var(--no);font-weight:600}
[aria-invalid=true]{border-color:var(--no)}
.errors{border:2px solid var(--no);background:var(--nobg);padding:.4rem .9rem;border-radius:.3rem;margin:.6rem 0}
.errors pre{white-space:pre-wrap}
button{font:inherit;font-weight:600;padding:.55rem 1.2rem;border:0;border-radius:.3rem;background:#0b4f9c;color:#fff;cursor:pointer}
details{margin:0 0 1rem}
summary{cursor:pointer;color:var(--link);margin:.3rem 0}
.questions{border:2px solid var(--un);border-radius:.3rem;padding:.2rem 1rem .4rem;margin:1rem 0}
.actions a{font-weight:600}
dl.record{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.record dt{font-weight:600}
dl.record dd{margin:0;overflow-wrap:anywhere}
table.values{border-collapse:collapse;width:100%;font-size:.92rem}
table.values th,table.values td{border-bottom:1px solid var(--line);text-align:left;vertical-align:top;padding:.3rem .4rem}
pre.case{background:#f6f6f6;padding:.6rem;overflow-x:auto}
.related{border-top:2px solid var(--line);margin-top:1.5rem}
@media (max-width:30rem){h1{font-size:1.35rem}main{padding:.7rem}dl.record{grid-template-columns:1fr}}
@media print{header,.noprint,form,.questions{display:none}a{color:inherit;text-decoration:none}main{max-width:none}.verdict,.branch{break-inside:avoid}}
"#;

/// The page around a body: the header with the forms and the languages, and the style.
fn page(lang: Lang, title: &str, body: &str, path: &str, entered: &Entered) -> Html<String> {
    let mut out = String::with_capacity(body.len() + STYLE.len() + 1024);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>",
        match lang {
            Lang::Sv => "sv",
            Lang::Nb => "nb",
            Lang::En => "en",
        },
        esc(title)
    );
    let _ = write!(
        out,
        "<header><a class=\"site\" href=\"/?lang={0}\">regelverk</a><nav aria-label=\"{1}\"><a href=\"/?lang={0}\">{2}</a><a href=\"/partnership?lang={0}\">{3}</a><a href=\"/modification?lang={0}\">{6}</a><a href=\"/case?lang={0}\">{4}</a></nav><div class=\"langs\" aria-label=\"{5}\">",
        lang.code(),
        tr(lang, "Formulär", "Skjemaer", "Forms"),
        tr(lang, "Köp", "Anskaffelse", "Purchase"),
        tr(lang, "Samverkan", "Samarbeid", "Partnership"),
        tr(lang, "Klistra in ärende", "Lim inn sak", "Paste a case"),
        tr(lang, "Språk", "Språk", "Language"),
        tr(
            lang,
            "Ändring av avtal",
            "Endring av kontrakt",
            "Change to a contract"
        ),
    );
    for (other, name) in [
        (Lang::Sv, "Svenska"),
        (Lang::Nb, "Norsk"),
        (Lang::En, "English"),
    ] {
        let query = entered.query(other);
        if other == lang {
            let _ = write!(
                out,
                "<a aria-current=\"true\" lang=\"{}\" href=\"{path}?{}\"><strong>{name}</strong></a>",
                other.code(),
                esc(&query)
            );
        } else {
            let _ = write!(
                out,
                "<a lang=\"{}\" href=\"{path}?{}\">{name}</a>",
                other.code(),
                esc(&query)
            );
        }
    }
    let _ = write!(out, "</div></header><main>{body}</main></body></html>");
    Html(out)
}
