//! Checking the vocabulary: `country`, `case`, `list`, `record` and `fact` declarations into a
//! [`Vocabulary`]. Runs before everything else, since rules, definitions and examples are
//! checked against it.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use crate::ast::{self, Ident, Item, TypeDecl, VerdictKind};
use crate::diagnostic::{Diagnostic, SourceText, Span, did_you_mean};
use crate::lang::{Lang, Texts};
use crate::money::Currency;
use crate::vocab::*;

pub(crate) struct VocabChecker<'a> {
    pub files: &'a [SourceText],
    pub diagnostics: &'a mut Vec<Diagnostic>,
    pub out: Vocabulary,
}

impl VocabChecker<'_> {
    fn error(&mut self, file: usize, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(&self.files[file], span, message));
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    /// Three texts, each language once; `what` names the item in messages.
    fn texts(&mut self, file: usize, texts: &[ast::TextDecl], at: Span, what: &str) -> Texts {
        let mut out = Texts::default();
        let mut seen = Vec::new();
        for t in texts {
            if seen.contains(&t.lang) {
                self.error(file, t.span, format!("{what} has two `{}` texts", t.lang));
            }
            seen.push(t.lang);
            if t.text.trim().is_empty() {
                self.error(
                    file,
                    t.span,
                    format!("the `{}` text of {what} is empty", t.lang),
                );
            }
            out.set(t.lang, t.text.clone());
        }
        let missing: Vec<&str> = Lang::ALL
            .iter()
            .filter(|l| !seen.contains(l))
            .map(|l| l.code())
            .collect();
        if !missing.is_empty() {
            self.error(
                file,
                Span::new(at.start, at.start + 1),
                format!("{what} has no `{}` text", missing.join("`, `")),
            )
            .help = Some(
                "every item is explained in Swedish (sv), Norwegian (nb) and English (en)".into(),
            );
        }
        out
    }

    fn optional_texts(
        &mut self,
        file: usize,
        texts: &[ast::TextDecl],
        at: Span,
        what: &str,
    ) -> Option<Texts> {
        (!texts.is_empty()).then(|| self.texts(file, texts, at, what))
    }

    fn countries(&mut self, file: usize, idents: &[Ident]) -> Option<Vec<CountryId>> {
        if idents.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for i in idents {
            match self.out.country(&i.name) {
                Some(c) => out.push(c),
                None => {
                    let codes = self.out.codes().join(", ");
                    let help = did_you_mean(&i.name, self.out.codes());
                    self.error(file, i.span, format!("unknown country `{}`", i.name))
                        .help = Some(help.map_or(format!("the countries are: {codes}"), |h| {
                        format!("did you mean `{h}`?")
                    }));
                }
            }
        }
        Some(out)
    }

    /// Builds the vocabulary from every file's declarations.
    pub fn run(&mut self, files: &[ast::File]) {
        // Countries first: lists, facts and files name them.
        for (f, file) in files.iter().enumerate() {
            for item in &file.items {
                if let Item::Country(c) = item {
                    self.country(f, c);
                }
            }
        }
        // Lists (merged across files), then records, then kinds and facts.
        let mut list_decls: Vec<(usize, &ast::ListDecl)> = Vec::new();
        for (f, file) in files.iter().enumerate() {
            for item in &file.items {
                if let Item::List(l) = item {
                    list_decls.push((f, l));
                    if self.out.list(&l.name.name).is_none() {
                        self.out.lists.push(ClosedList {
                            name: l.name.name.clone(),
                            titles: Texts::default(),
                            names: Vec::new(),
                            items: Vec::new(),
                        });
                    }
                }
            }
        }
        self.lists(&list_decls);
        let mut record_decls = Vec::new();
        for (f, file) in files.iter().enumerate() {
            for item in &file.items {
                if let Item::Record(r) = item {
                    if self.out.record(&r.name.name).is_some() {
                        self.error(
                            f,
                            r.name.span,
                            format!("record `{}` is declared twice", r.name.name),
                        );
                        continue;
                    }
                    self.out.records.push(Record {
                        name: r.name.name.clone(),
                        titles: Texts::default(),
                        fields: Vec::new(),
                        line: Vec::new(),
                    });
                    record_decls.push((f, r));
                }
            }
        }
        for (id, (f, r)) in record_decls.into_iter().enumerate() {
            self.record(f, id, r);
        }
        let mut kind_decls = Vec::new();
        for (f, file) in files.iter().enumerate() {
            for item in &file.items {
                if let Item::CaseKind(k) = item {
                    if self.out.kind(&k.name.name).is_some() {
                        self.error(
                            f,
                            k.name.span,
                            format!("kind of case `{}` is declared twice", k.name.name),
                        );
                        continue;
                    }
                    self.out.kinds.push(CaseKind {
                        name: k.name.name.clone(),
                        titles: Texts::default(),
                        section: k.section.as_ref().map(|s| s.name.clone()),
                        rules_for: Texts::default(),
                        verdicts: Verdicts::default(),
                        related: None,
                        form: Form::default(),
                    });
                    kind_decls.push((f, k));
                }
            }
        }
        let mut default = None;
        for (id, (f, k)) in kind_decls.iter().enumerate() {
            self.case_kind(*f, id, k);
            if k.default {
                if default.is_some() {
                    self.error(*f, k.name.span, "two kinds of case are the default");
                }
                default = Some(id);
            }
        }
        self.out.default_kind = default.unwrap_or(0);
        if let Some((f, k)) = kind_decls.first()
            && default.is_none()
        {
            self.error(*f, k.name.span, "no kind of case is the default")
                .help =
                Some("mark the kind of a case with none of the kinds' sections `default`".into());
        }
        for (f, file) in files.iter().enumerate() {
            for item in &file.items {
                if let Item::Fact(d) = item {
                    self.fact(f, d);
                }
            }
        }
        // The forms name facts, which are declared after the kinds.
        for (id, (f, k)) in kind_decls.iter().enumerate() {
            if let Some(form) = &k.form {
                self.out.kinds[id].form.first = self.form_first(*f, &form.first);
            }
        }
        let mut ledgers = Vec::new();
        for (f, file) in files.iter().enumerate() {
            for item in &file.items {
                if let Item::Ledger(l) = item
                    && let Some(ledger) = self.ledger(f, file, l)
                {
                    if ledgers
                        .iter()
                        .any(|(x, _): &(Ledger, Span)| x.country == ledger.country)
                    {
                        self.error(
                            f,
                            l.country.span,
                            format!(
                                "the ledgers of `{}` are declared twice",
                                self.out.code(ledger.country)
                            ),
                        )
                        .help = Some("a country has one `ledger for` declaration".into());
                        continue;
                    }
                    ledgers.push((ledger, l.country.span));
                }
            }
        }
        ledgers.sort_by_key(|(l, _)| l.country);
        self.out.ledgers = ledgers.into_iter().map(|(l, _)| l).collect();
        // The related cases' sections hold the facts of their kind, nothing of their own.
        for k in &self.out.kinds {
            if let Some(r) = &k.related
                && self.out.by_path.contains_key(&r.from)
            {
                // A fact at the related section's path would hide it.
            }
        }
        self.out.id = self.hash();
    }

    fn country(&mut self, f: usize, c: &ast::CountryDecl) {
        if self.out.country(&c.name.name).is_some() {
            self.error(
                f,
                c.name.span,
                format!("country `{}` is declared twice", c.name.name),
            );
            return;
        }
        let what = format!("country `{}`", c.name.name);
        let titles = self.texts(f, &c.texts, c.name.span, &what);
        let currency = match &c.currency {
            Some(code) => match Currency::from_str(&code.name) {
                Ok(cur) => cur,
                Err(e) => {
                    self.error(f, code.span, e.to_string());
                    Currency::default()
                }
            },
            None => {
                self.error(f, c.name.span, format!("{what} has no currency"))
                    .help =
                    Some("add `currency SEK` (the ISO 4217 code its amounts are in)".into());
                Currency::default()
            }
        };
        let language = c.language.map_or(Lang::En, |(l, _)| l);
        self.out.countries.push(Country {
            code: c.name.name.clone(),
            titles,
            currency,
            language,
        });
    }

    fn lists(&mut self, decls: &[(usize, &ast::ListDecl)]) {
        let mut titled: HashSet<String> = HashSet::new();
        for (f, l) in decls {
            let id = self.out.list(&l.name.name).unwrap_or(0);
            if !l.texts.is_empty() {
                if !titled.insert(l.name.name.clone()) {
                    self.error(
                        *f,
                        l.name.span,
                        format!("list `{}` is titled twice", l.name.name),
                    )
                    .help = Some("give its `sv`, `nb` and `en` texts in one declaration".into());
                }
                let what = format!("list `{}`", l.name.name);
                let t = self.texts(*f, &l.texts, l.name.span, &what);
                self.out.lists[id].titles = t;
            }
            for include in &l.includes {
                match self.out.list(&include.name) {
                    Some(other) if other != id => {
                        let items = self.out.lists[other].items.clone();
                        let names = self.out.lists[other].names.clone();
                        for item in items {
                            let name = &names[item.name as usize];
                            let n = self.name_slot(id, name);
                            self.out.lists[id].items.push(ListItem { name: n, ..item });
                        }
                    }
                    _ => {
                        let names: Vec<String> =
                            self.out.lists.iter().map(|l| l.name.clone()).collect();
                        let help = did_you_mean(&include.name, names.iter().map(String::as_str));
                        self.error(*f, include.span, format!("unknown list `{}`", include.name))
                            .help = help.map(|h| format!("did you mean `{h}`?"));
                    }
                }
            }
            for item in &l.items {
                let countries = self.countries(*f, &item.countries);
                let what = format!("item `{}` of list `{}`", item.name.name, l.name.name);
                let labels = self.optional_texts(*f, &item.texts, item.name.span, &what);
                let n = self.name_slot(id, &item.name.name);
                let overlaps = self.out.lists[id].items.iter().any(|other| {
                    other.name == n
                        && match (&other.countries, &countries) {
                            (Some(a), Some(b)) => a.iter().any(|c| b.contains(c)),
                            _ => true,
                        }
                });
                if overlaps {
                    self.error(
                        *f,
                        item.name.span,
                        format!(
                            "`{}` is declared twice in list `{}` for the same country",
                            item.name.name, l.name.name
                        ),
                    );
                    continue;
                }
                self.out.lists[id].items.push(ListItem {
                    name: n,
                    countries,
                    aliases: item.aliases.clone(),
                    labels,
                });
            }
        }
    }

    fn name_slot(&mut self, list: ListId, name: &str) -> NameId {
        let names = &mut self.out.lists[list].names;
        match names.iter().position(|n| n == name) {
            Some(i) => i as NameId,
            None => {
                names.push(name.to_string());
                (names.len() - 1) as NameId
            }
        }
    }

    fn value_type(&mut self, f: usize, ty: &TypeDecl, span: Span, in_record: bool) -> ValueType {
        match ty {
            TypeDecl::Amount => ValueType::Amount,
            TypeDecl::Date => ValueType::Date,
            TypeDecl::WholeNumber => ValueType::WholeNumber,
            TypeDecl::Percent => ValueType::Percent,
            TypeDecl::YesNo => ValueType::YesNo,
            TypeDecl::Text => ValueType::Text,
            TypeDecl::Cpv => ValueType::Cpv,
            TypeDecl::OneOf(l) => match self.out.list(&l.name) {
                Some(id) => ValueType::OneOf(id),
                None => {
                    self.unknown_list(f, l);
                    ValueType::Text
                }
            },
            TypeDecl::ListOf(l) => {
                if let Some(id) = self.out.list(&l.name) {
                    ValueType::Names(id)
                } else if let Some(id) = self.out.record(&l.name) {
                    if in_record {
                        self.error(f, span, "a record's field cannot be a list of records");
                    }
                    ValueType::Records(id)
                } else {
                    self.unknown_list(f, l);
                    ValueType::Text
                }
            }
        }
    }

    fn unknown_list(&mut self, f: usize, l: &Ident) {
        let mut names: Vec<String> = self.out.lists.iter().map(|l| l.name.clone()).collect();
        names.extend(self.out.records.iter().map(|r| r.name.clone()));
        let help = did_you_mean(&l.name, names.iter().map(String::as_str));
        self.error(f, l.span, format!("unknown list `{}`", l.name))
            .help = Some(help.map_or(
            "declare it with `list NAME` (or `record NAME`)".to_string(),
            |h| format!("did you mean `{h}`?"),
        ));
    }

    fn record(&mut self, f: usize, id: RecordId, r: &ast::RecordDecl) {
        let what = format!("record `{}`", r.name.name);
        let titles = self.texts(f, &r.texts, r.name.span, &what);
        let mut fields = Vec::new();
        for field in &r.fields {
            if fields.iter().any(|x: &Field| x.name == field.name.name) {
                self.error(
                    f,
                    field.name.span,
                    format!("field `{}` is declared twice", field.name.name),
                );
                continue;
            }
            let ty = self.value_type(f, &field.ty, field.span, true);
            let what = format!("field `{}` of record `{}`", field.name.name, r.name.name);
            let titles = self.texts(f, &field.texts, field.name.span, &what);
            if let Some(mark) = &field.mark
                && ty != ValueType::YesNo
            {
                self.error(
                    f,
                    mark.span,
                    format!("only a yes/no field has a mark; {what} is not one"),
                );
            }
            fields.push(Field {
                name: field.name.name.clone(),
                ty,
                required: field.required,
                mark: field
                    .mark
                    .as_ref()
                    .map_or_else(|| field.name.name.clone(), |m| m.name.clone()),
                titles,
            });
        }
        let mut line = Vec::new();
        for l in &r.line {
            match fields.iter().position(|x| x.name == l.name) {
                Some(i) => line.push(i),
                None => {
                    self.error(
                        f,
                        l.span,
                        format!("record `{}` has no field `{}`", r.name.name, l.name),
                    );
                }
            }
        }
        let record = &mut self.out.records[id];
        record.titles = titles;
        record.fields = fields;
        record.line = line;
    }

    /// The verdict lines of a kind of case (or its related case): every outcome of `needed`
    /// for every country, and the lines of single countries (`verdict … for NO`), each once,
    /// each of an outcome in `may_say`.
    fn verdicts(
        &mut self,
        f: usize,
        decls: &[ast::VerdictDecl],
        at: Span,
        whose: &str,
        needed: &[VerdictKind],
        may_say: &[VerdictKind],
    ) -> Said {
        let mut out = Said::default();
        for v in decls {
            let countries = self.countries(f, &v.countries);
            let what = format!("a verdict of {whose}");
            match countries {
                None if !may_say.contains(&v.outcome) => {
                    self.error(f, v.span, format!("{whose} has no such verdict to say"));
                }
                None => {
                    if out.all.iter().any(|(k, _)| *k == v.outcome) {
                        self.error(f, v.span, format!("{whose} says this verdict twice"));
                        continue;
                    }
                    let texts = self.texts(f, &v.texts, v.span, &what);
                    out.all.push((v.outcome, texts));
                }
                Some(countries) => {
                    let outcome = outcome_of(v.outcome);
                    if countries.iter().any(|c| {
                        out.countries
                            .iter()
                            .any(|o| o.country == *c && o.outcome == outcome)
                    }) {
                        self.error(
                            f,
                            v.span,
                            format!("{whose} says this verdict twice for one country"),
                        );
                        continue;
                    }
                    if !may_say.contains(&v.outcome) {
                        self.error(f, v.span, format!("{whose} has no such verdict to say"));
                        continue;
                    }
                    let texts = self.texts(f, &v.texts, v.span, &what);
                    for country in countries {
                        out.countries.push(CountryVerdict {
                            country,
                            outcome,
                            texts: texts.clone(),
                        });
                    }
                }
            }
        }
        // An example of one country's own words, in a country the rules declare.
        let example = self.out.countries.last().map_or_else(
            || "`verdict … for` a country adds".to_string(),
            |c| format!("`verdict … for {}` adds", c.code),
        );
        for need in needed {
            if !out.all.iter().any(|(k, _)| k == need) {
                let said = match need {
                    VerdictKind::Allowed => "verdict allowed",
                    VerdictKind::AllowedWithObligations => "verdict allowed with obligations",
                    VerdictKind::NotAllowed => "verdict not allowed",
                    VerdictKind::Undecided => "verdict undecided",
                };
                self.error(
                    f,
                    Span::new(at.start, at.start + 1),
                    format!("{whose} has no `{said}`"),
                )
                .help = Some(format!(
                    "each kind of case says each outcome in words, in sv, nb and en, for every country ({example} one country's own words)"
                ));
            }
        }
        out
    }

    fn case_kind(&mut self, f: usize, id: KindId, k: &ast::CaseDecl) {
        let whose = format!("kind of case `{}`", k.name.name);
        let titles = self.texts(f, &k.texts, k.name.span, &whose);
        let rules_for = if k.rules_for.is_empty() {
            titles.clone()
        } else {
            self.texts(
                f,
                &k.rules_for,
                k.name.span,
                &format!("`rules for` of {whose}"),
            )
        };
        let all = [
            VerdictKind::Allowed,
            VerdictKind::AllowedWithObligations,
            VerdictKind::NotAllowed,
            VerdictKind::Undecided,
        ];
        let said = self.verdicts(f, &k.verdicts, k.name.span, &whose, &all, &all);
        let verdicts = Verdicts {
            allowed: said.get(VerdictKind::Allowed),
            allowed_with_obligations: said.get(VerdictKind::AllowedWithObligations),
            not_allowed: said.get(VerdictKind::NotAllowed),
            undecided: said.get(VerdictKind::Undecided),
            countries: said.countries.clone(),
        };
        let related = k.related.as_ref().and_then(|r| {
            let Some(kind) = self.out.kind(&r.kind.name) else {
                self.error(
                    f,
                    r.kind.span,
                    format!("unknown kind of case `{}`", r.kind.name),
                );
                return None;
            };
            if self.out.kinds[kind].section.is_none() {
                self.error(
                    f,
                    r.kind.span,
                    format!("kind of case `{}` has no section to hold", r.kind.name),
                );
            }
            let what = format!("the related case of {whose}");
            let title = self.texts(f, &r.title, r.span, &what);
            // Beside an allowed main case a related one is said in words; one decided only
            // where the main case is not allowed never is.
            let beside: &[VerdictKind] = if r.when_not_allowed {
                &[]
            } else {
                &[VerdictKind::NotAllowed, VerdictKind::Undecided]
            };
            let said = self.verdicts(f, &r.verdicts, r.span, &what, beside, beside);
            // Where the main case is not allowed, any outcome of the related one may be said
            // in words of its own; none need be.
            let instead = self.verdicts(
                f,
                &r.instead,
                r.span,
                &format!("`instead` of {what}"),
                &[],
                &all,
            );
            Some(Related {
                kind,
                from: r.from.name.clone(),
                subject: r.from.name.rsplit('.').next().unwrap_or("").to_string(),
                title,
                not_allowed: said.get(VerdictKind::NotAllowed),
                undecided: said.get(VerdictKind::Undecided),
                countries: said.countries,
                only_when_not_allowed: r.when_not_allowed,
                instead: SomeVerdicts {
                    all: instead
                        .all
                        .into_iter()
                        .map(|(k, t)| (outcome_of(k), t))
                        .collect(),
                    countries: instead.countries,
                },
            })
        });
        let form = k.form.as_ref().map(|form| Form {
            first: Vec::new(),
            help: self.optional_texts(
                f,
                &form.help,
                form.span,
                &format!("the form's help of {whose}"),
            ),
            pasted: self.optional_texts(
                f,
                &form.pasted,
                form.span,
                &format!("`pasted` of {whose}"),
            ),
        });
        let kind = &mut self.out.kinds[id];
        kind.titles = titles;
        kind.rules_for = rules_for;
        kind.verdicts = verdicts;
        kind.related = related;
        kind.form = form.unwrap_or_default();
    }

    /// The facts a form asks first: declared facts, each once. The country and the day are the
    /// case's own fields, which every form asks before these.
    fn form_first(&mut self, f: usize, paths: &[Ident]) -> Vec<FactId> {
        let mut out = Vec::new();
        for p in paths {
            let path = p.name.as_str();
            if matches!(path, "jurisdiction" | "date") {
                self.error(f, p.span, format!("every form asks `{path}` first already"))
                    .help = Some(
                    "the country and the day of a case come before the facts a form asks first"
                        .into(),
                );
                continue;
            }
            let Some(id) = self.out.fact(path) else {
                let candidates: Vec<&str> =
                    self.out.facts.iter().map(|x| x.path.as_str()).collect();
                let help = did_you_mean(path, candidates.iter().copied()).map_or_else(
                    || "a form asks for facts declared with `fact`".to_string(),
                    |h| format!("did you mean `{h}`?"),
                );
                self.error(f, p.span, format!("unknown fact `{path}`")).help = Some(help);
                continue;
            };
            if out.contains(&id) {
                self.error(f, p.span, format!("the form asks `{path}` twice"));
                continue;
            }
            out.push(id);
        }
        out
    }

    fn fact(&mut self, f: usize, d: &ast::FactDecl) {
        let path = d.path.name.clone();
        if self.out.by_path.contains_key(&path) {
            self.error(f, d.path.span, format!("fact `{path}` is declared twice"));
            return;
        }
        if path == "jurisdiction" {
            self.error(
                f,
                d.path.span,
                "`jurisdiction` is the case's country, not a fact to declare",
            );
            return;
        }
        let ty = self.value_type(f, &d.ty, d.ty_span, false);
        if path == "date" && ty != ValueType::Date {
            self.error(
                f,
                d.ty_span,
                "`date` is the day the procurement starts: its type is `date`",
            );
        }
        let what = format!("fact `{path}`");
        let titles = self.texts(f, &d.texts, d.path.span, &what);
        let question = self.optional_texts(
            f,
            &d.question,
            d.path.span,
            &format!("the question of {what}"),
        );
        let countries = self.countries(f, &d.countries);
        let flag = d.flag.as_ref().and_then(|(flag, span)| {
            let well_formed = flag.starts_with("--")
                && flag.len() > 2
                && flag[2..]
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !well_formed {
                self.error(f, *span, format!("`{flag}` is not an option's name"))
                    .help = Some("write it like \"--same-kind-this-year\"".into());
                return None;
            }
            if matches!(
                flag.as_str(),
                "--jurisdiction"
                    | "--date"
                    | "--fact"
                    | "--rules"
                    | "--lang"
                    | "--format"
                    | "--batch"
                    | "--full"
                    | "--ask"
                    | "--save"
                    | "--help"
            ) {
                self.error(
                    f,
                    *span,
                    format!("`{flag}` is an option of `regelverk check` already"),
                );
                return None;
            }
            if self
                .out
                .facts
                .iter()
                .any(|x| x.flag.as_deref() == Some(flag))
            {
                self.error(f, *span, format!("two facts have the option `{flag}`"));
                return None;
            }
            Some(flag.clone())
        });
        let default = d.default.as_ref().map(|def| {
            if def.citations.is_empty() {
                self.error(
                    f,
                    def.span,
                    format!("the default of {what} cites no source"),
                )
                .help =
                    Some("a fact has a default only where the law supplies one: cite it".into());
            }
            match &def.value {
                ast::Literal::Money(m) => format!("{} {}", m.amount, m.currency.name),
                ast::Literal::Date(d) => d.to_string(),
                ast::Literal::Number(n) => n.to_string(),
                ast::Literal::Bool(b) => b.to_string(),
                ast::Literal::Name(n) => n.clone(),
            }
        });
        let each_as = d.each_as.as_ref().map(|e| {
            if !matches!(ty, ValueType::Records(_)) {
                self.error(
                    f,
                    e.span,
                    "only a list of records has elements to give one at a time",
                );
            }
            e.name.clone()
        });
        let mut if_true = None;
        let mut if_false = None;
        for said in &d.if_said {
            let clause = if said.value { "if true" } else { "if false" };
            if ty != ValueType::YesNo {
                self.error(
                    f,
                    said.span,
                    format!("only a yes/no fact says `{clause}`; {what} is not one"),
                );
                continue;
            }
            let said_before = if said.value {
                if_true.is_some()
            } else {
                if_false.is_some()
            };
            if said_before {
                self.error(f, said.span, format!("{what} says `{clause}` twice"));
                continue;
            }
            let texts = self.texts(f, &said.texts, said.span, &format!("`{clause}` of {what}"));
            if said.value {
                if_true = Some(texts);
            } else {
                if_false = Some(texts);
            }
        }
        let kind = self.out.kind_of_path(&path);
        let id = FactId(self.out.facts.len() as u32);
        self.out.by_path.insert(path.clone(), id);
        if let Some(e) = &each_as {
            self.out.by_element_path.insert(e.clone(), id);
        }
        self.out.facts.push(Fact {
            path,
            ty,
            titles,
            question,
            default,
            countries,
            flag,
            each_as,
            kind,
            if_true,
            if_false,
        });
    }

    /// A declared fact by its path, of a country, whose type `fits`; `wanted` says what it must
    /// be in messages.
    fn ledger_fact(
        &mut self,
        f: usize,
        path: &Ident,
        country: CountryId,
        fits: fn(ValueType) -> bool,
        wanted: &str,
    ) -> Option<FactId> {
        let Some(fact) = self.out.fact(&path.name) else {
            let paths: Vec<&str> = self.out.facts.iter().map(|x| x.path.as_str()).collect();
            let help = did_you_mean(&path.name, paths);
            self.error(f, path.span, format!("unknown fact `{}`", path.name))
                .help = help.map(|h| format!("did you mean `{h}`?"));
            return None;
        };
        let ty = self.out.fact_decl(fact).ty;
        if !fits(ty) {
            let notation = ty.notation(&self.out);
            self.error(
                f,
                path.span,
                format!("fact `{}` is {notation}, not {wanted}", path.name),
            );
            return None;
        }
        if !self.out.fact_in(fact, country) {
            let code = self.out.code(country).to_string();
            self.error(
                f,
                path.span,
                format!("fact `{}` is not one of `{code}`'s", path.name),
            )
            .help = Some(format!("declare it `for {code}` too"));
            return None;
        }
        Some(fact)
    }

    /// Whether `name` is a name of a fact's list for a country; an error where it is not.
    fn ledger_name(&mut self, f: usize, fact: FactId, name: &Ident, country: CountryId) -> bool {
        let ValueType::OneOf(list) = self.out.fact_decl(fact).ty else {
            return false;
        };
        let known = self
            .out
            .name(list, &name.name)
            .filter(|n| self.out.name_in(list, *n, country));
        if known.is_some() {
            return true;
        }
        let names: Vec<String> = self
            .out
            .names_in(list, country)
            .into_iter()
            .map(|n| self.out.name_text(list, n).to_string())
            .collect();
        let help = did_you_mean(&name.name, names.iter().map(String::as_str));
        let message = format!(
            "`{}` is not a name of list `{}` for `{}`",
            name.name,
            self.out.lists[list].name,
            self.out.code(country)
        );
        self.error(f, name.span, message).help = Some(help.map_or_else(
            || format!("the names are: {}", names.join(", ")),
            |h| format!("did you mean `{h}`?"),
        ));
        false
    }

    /// The steps of `next steps`: each step its three texts, `sv`, `nb` and `en` in any order,
    /// one step after another.
    fn steps(&mut self, f: usize, texts: &[ast::TextDecl], at: Span, whose: &str) -> Vec<Texts> {
        let what = format!("a step of the `next steps` of {whose}");
        let mut steps = Vec::new();
        let mut step: Vec<ast::TextDecl> = Vec::new();
        for t in texts {
            if step.iter().any(|s| s.lang == t.lang) {
                // The step before is incomplete: say which language it lacks.
                let start = step.first().map_or(at, |s| s.span);
                self.texts(f, &step, start, &what);
                step.clear();
            }
            step.push(t.clone());
            if step.len() == Lang::ALL.len() {
                steps.push(self.texts(f, &step, at, &what));
                step.clear();
            }
        }
        if !step.is_empty() || steps.is_empty() {
            let start = step.first().map_or(at, |t| t.span);
            steps.push(self.texts(f, &step, start, &what));
        }
        steps
    }

    /// A `ledger for` declaration: every clause once, its facts declared, of the country and of
    /// the right type, the kind of buyer a name of its list there, a layout the audit reads.
    fn ledger(&mut self, f: usize, file: &ast::File, l: &ast::LedgerDecl) -> Option<Ledger> {
        use ast::LedgerPart as P;
        let country = *self
            .countries(f, std::slice::from_ref(&l.country))?
            .first()?;
        let code = self.out.code(country).to_string();
        if let Some(j) = &file.jurisdiction
            && !j.name.eq_ignore_ascii_case(&code)
        {
            self.error(
                f,
                l.country.span,
                format!(
                    "the ledgers of `{code}` are declared in a file of `{}`",
                    j.name
                ),
            )
            .help = Some(format!(
                "declare them in a file of `{code}`, or one with no jurisdiction"
            ));
        }
        let whose = format!("the ledgers of `{code}`");
        let mut seen: Vec<&'static str> = Vec::new();
        let mut layout = None;
        let mut buyer = None;
        let (mut value, mut earlier, mut category) = (None, None, None);
        let mut not_recorded: Vec<NotRecorded> = Vec::new();
        let (mut grouping, mut next_steps) = (None, None);
        let amount = |t: ValueType| t == ValueType::Amount;
        let one_of = |t: ValueType| matches!(t, ValueType::OneOf(_));
        for clause in &l.clauses {
            let name = match &clause.part {
                P::Layout(_) => "layout",
                P::Buyer { .. } => "buyer",
                P::Value(_) => "value",
                P::Earlier(_) => "earlier",
                P::Category(_) => "category",
                P::NotRecorded(_) => "not recorded",
                P::Grouping(_) => "grouping",
                P::NextSteps(_) => "next steps",
            };
            if seen.contains(&name) {
                self.error(f, clause.span, format!("{whose} say `{name}` twice"));
                continue;
            }
            seen.push(name);
            match &clause.part {
                P::Layout(i) => match crate::audit::LedgerLayout::from_name(&i.name) {
                    Some(known) => layout = Some(known),
                    None => {
                        let names = crate::audit::LedgerLayout::ALL.map(|x| x.name());
                        let help = did_you_mean(&i.name, names);
                        self.error(f, i.span, format!("unknown ledger layout `{}`", i.name))
                            .help = Some(help.map_or_else(
                            || format!("the audit reads: {}", names.join(", ")),
                            |h| format!("did you mean `{h}`?"),
                        ));
                    }
                },
                P::Buyer { fact, kind } => {
                    if let Some(id) =
                        self.ledger_fact(f, fact, country, one_of, "one of a list of kinds")
                        && self.ledger_name(f, id, kind, country)
                    {
                        buyer = Some((fact.name.clone(), kind.name.clone()));
                    }
                }
                P::Value(p) => {
                    value = self
                        .ledger_fact(f, p, country, amount, "an amount")
                        .map(|_| p.name.clone());
                }
                P::Earlier(p) => {
                    earlier = self
                        .ledger_fact(f, p, country, amount, "an amount")
                        .map(|_| p.name.clone());
                }
                P::Category(p) => {
                    category = Some(
                        self.ledger_fact(f, p, country, one_of, "one of a list")
                            .map(|_| p.name.clone()),
                    );
                }
                P::NotRecorded(facts) => {
                    for n in facts {
                        let fits =
                            |t: ValueType| matches!(t, ValueType::OneOf(_) | ValueType::YesNo);
                        if self
                            .ledger_fact(f, &n.fact, country, fits, "one of a list or yes/no")
                            .is_none()
                        {
                            continue;
                        }
                        if not_recorded.iter().any(|x| x.fact == n.fact.name) {
                            self.error(
                                f,
                                n.fact.span,
                                format!("`{}` is not recorded twice", n.fact.name),
                            );
                            continue;
                        }
                        let only_when = match &n.when {
                            None => None,
                            Some((on, is)) => {
                                let earlier_fact = not_recorded.iter().any(|x| x.fact == on.name);
                                if !earlier_fact {
                                    self.error(
                                        f,
                                        on.span,
                                        format!(
                                            "`when` names `{}`, which is not among the facts not recorded before `{}`",
                                            on.name, n.fact.name
                                        ),
                                    )
                                    .help = Some(
                                        "whether a fact is a question can depend only on the facts listed before it"
                                            .into(),
                                    );
                                    continue;
                                }
                                match self.out.fact(&on.name) {
                                    Some(id)
                                        if one_of(self.out.fact_decl(id).ty)
                                            && self.ledger_name(f, id, is, country) =>
                                    {
                                        Some((on.name.clone(), is.name.clone()))
                                    }
                                    Some(id) if !one_of(self.out.fact_decl(id).ty) => {
                                        self.error(
                                            f,
                                            on.span,
                                            format!(
                                                "`when` names a fact of a list; `{}` is not one",
                                                on.name
                                            ),
                                        );
                                        continue;
                                    }
                                    _ => continue,
                                }
                            }
                        };
                        not_recorded.push(NotRecorded {
                            fact: n.fact.name.clone(),
                            only_when,
                        });
                    }
                }
                P::Grouping(texts) => {
                    grouping =
                        Some(self.texts(f, texts, clause.span, &format!("`grouping` of {whose}")));
                }
                P::NextSteps(texts) => {
                    next_steps = Some(self.steps(f, texts, clause.span, &whose));
                }
            }
        }
        let layouts = crate::audit::LedgerLayout::ALL.map(|x| x.name()).join(", ");
        let required = [
            (
                "layout",
                format!("`layout NAME`, one of: {layouts}"),
                layout.is_some(),
            ),
            (
                "buyer",
                "`buyer FACT is KIND`: the kind of buyer assumed".into(),
                buyer.is_some(),
            ),
            (
                "value",
                "`value FACT`: the amount a month's net spend is".into(),
                value.is_some(),
            ),
            (
                "earlier",
                "`earlier FACT`: the amount the year's earlier net spend is".into(),
                earlier.is_some(),
            ),
            (
                "grouping",
                "`grouping` with its sv, nb and en texts".into(),
                grouping.is_some(),
            ),
            (
                "next steps",
                "`next steps` with each step in sv, nb and en".into(),
                next_steps.is_some(),
            ),
        ];
        let mut complete = true;
        for (clause, example, given) in required {
            if !given && !seen.contains(&clause) {
                self.error(f, l.country.span, format!("{whose} have no `{clause}`"))
                    .help = Some(format!("add {example}"));
            }
            complete &= given;
        }
        let ((buyer, buyer_kind), layout, value, earlier) = (buyer?, layout?, value?, earlier?);
        if !complete || category.as_ref().is_some_and(Option::is_none) {
            return None;
        }
        Some(Ledger {
            country,
            layout,
            buyer,
            buyer_kind,
            value,
            earlier,
            category: category.flatten(),
            not_recorded,
            grouping: grouping?,
            next_steps: next_steps?,
        })
    }

    /// A hash of everything declared, as the vocabulary's id.
    fn hash(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for c in &self.out.countries {
            (&c.code, c.currency.code()).hash(&mut h);
        }
        for k in &self.out.kinds {
            (&k.name, &k.section).hash(&mut h);
            if let Some(r) = &k.related {
                (r.kind, &r.from).hash(&mut h);
            }
        }
        for l in &self.out.lists {
            (&l.name, &l.names).hash(&mut h);
            for i in &l.items {
                (i.name, &i.countries, &i.aliases).hash(&mut h);
            }
        }
        for r in &self.out.records {
            r.name.hash(&mut h);
            for field in &r.fields {
                (&field.name, field.ty, field.required, &field.mark).hash(&mut h);
            }
            r.line.hash(&mut h);
        }
        for fact in &self.out.facts {
            (
                &fact.path,
                fact.ty,
                &fact.countries,
                &fact.each_as,
                &fact.default,
            )
                .hash(&mut h);
        }
        h.finish()
    }
}

/// The verdict lines a kind of case declares: those for every country, and those of single
/// countries.
#[derive(Default)]
struct Said {
    all: Vec<(VerdictKind, Texts)>,
    countries: Vec<CountryVerdict>,
}

impl Said {
    fn get(&self, kind: VerdictKind) -> Texts {
        self.all
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    }
}

fn outcome_of(kind: VerdictKind) -> crate::decision::Outcome {
    use crate::decision::Outcome;
    match kind {
        VerdictKind::Allowed => Outcome::Allowed,
        VerdictKind::AllowedWithObligations => Outcome::AllowedWithObligations,
        VerdictKind::NotAllowed => Outcome::NotAllowed,
        VerdictKind::Undecided => Outcome::Undecided,
    }
}

/// The labels of things keyed by name, for lookups in messages.
#[allow(dead_code)]
pub(crate) fn paths(vocab: &Vocabulary) -> HashMap<&str, FactId> {
    vocab
        .facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), FactId(i as u32)))
        .collect()
}
