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
        });
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
