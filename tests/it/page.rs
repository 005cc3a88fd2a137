//! The purchasers' page in a real browser: headless Chromium (Debian's `chromium`) loads the
//! form, a result URL and the decision record, and the rendered DOM (`--dump-dom`) is checked
//! for the verdict and the citations. Without Chromium these tests say so and pass, except
//! under CI (`CI` set), where `.ci/run` installs it and its absence is a failure.

use crate::common;

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use regelverk::server::{self, Options, Running};
use regelverk::{Lang, RuleSet};

fn start() -> Running {
    let rules = Arc::new(common::embedded_rules());
    let listener = server::bind("127.0.0.1:0".parse().expect("an address")).expect("a port");
    server::start(listener, rules, &Options::new(false)).expect("the server starts")
}

fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed; .ci/run installs it (apt-get install chromium)"
        );
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
    }
    found
}

/// The DOM Chromium renders for a URL, with the flags the project's brief gives.
fn dump_dom(browser: &str, url: &str) -> String {
    let profile = std::env::temp_dir().join(format!(
        "regelverk-chromium-{}-{}",
        std::process::id(),
        url.len()
    ));
    let output = Command::new("timeout")
        .arg("90")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        output.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The page sets amounts with narrow no-break spaces; the library's texts have plain ones.
fn plain(text: &str) -> String {
    text.replace('\u{202F}', " ")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn decision_of(rules: &RuleSet, json: &str) -> regelverk::Decision {
    let case = rules.read_case(json, "c.json").expect("a case");
    rules.evaluate(&case)
}

const NOT_ALLOWED_QUERY: &str = "jurisdiction=SE&date=2026-03-01&buyer.kind=kommun&purchase.category=services&purchase.service_class=ordinary&purchase.value=750+000";
const NOT_ALLOWED: &str = r#"{"jurisdiction":"SE","date":"2026-03-01","buyer":{"kind":"kommun"},"purchase":{"category":"services","service_class":"ordinary","value":"750 000 SEK"}}"#;

#[test]
fn the_browser_shows_the_form_the_answer_with_citations_and_the_record() {
    let Some(browser) = chromium() else { return };
    let server = start();
    let base = format!("http://{}", server.addr());
    let rules = common::embedded_rules();

    let form = dump_dom(browser, &format!("{base}/"));
    assert!(form.contains("<html lang=\"sv\""));
    assert!(form.contains("action=\"/answer\""));
    for fact in [
        "jurisdiction",
        "date",
        "buyer.kind",
        "purchase.value",
        "purchase.same_kind_this_year",
        "purchase.framework_agreement",
    ] {
        let id = format!("f-{}", fact.replace(['.', '_'], "-"));
        assert!(form.contains(&format!("name=\"{fact}\"")), "{fact}");
        assert!(
            form.contains(&format!("<label for=\"{id}\">")),
            "a label for {id}"
        );
    }
    assert!(!form.contains("<script"), "no scripts");

    // A result URL: the verdict first, then why, with the citations as links.
    let answer = plain(&dump_dom(
        browser,
        &format!("{base}/answer?lang=sv&{NOT_ALLOWED_QUERY}"),
    ));
    let decision = decision_of(&rules, NOT_ALLOWED);
    let expected = rules.explain_value(&decision, Lang::Sv);
    let verdict_at = answer
        .find(&format!("<h1 id=\"verdict\">{}</h1>", expected.summary))
        .unwrap_or_else(|| panic!("the verdict `{}` in\n{answer}", expected.summary));
    let why_at = answer.find("<h2>Varför</h2>").expect("why");
    assert!(verdict_at < why_at, "the verdict comes first");
    for rule in &decision.decided_by {
        let trace = decision
            .rules
            .iter()
            .find(|r| *r.name == **rule)
            .expect("a trace");
        for c in &trace.citations {
            let url = c
                .url
                .as_deref()
                .expect("the shipped sources have addresses");
            assert!(
                answer.contains(&format!(
                    "<a class=\"citation\" href=\"{}\"",
                    url.replace('&', "&amp;")
                )),
                "a link to {url}"
            );
            assert!(answer.contains(&*c.label), "{}", c.label);
        }
    }
    let procedure = decision.procedure.as_ref().expect("a procedure");
    assert!(answer.contains(&*procedure.citations[0].label));
    assert!(answer.contains("<h2>Varningar</h2>"));
    assert!(
        answer.contains("href=\"/record?lang=sv&jurisdiction=SE&"),
        "a link to the record"
    );
    // The form again, filled in with what was entered.
    assert!(
        answer.contains("value=\"750 000\""),
        "the value entered is kept"
    );

    // The record: the case, the answer, the rule set's hash, the engine, the time of the check.
    let record = plain(&dump_dom(
        browser,
        &format!("{base}/record?lang=sv&{NOT_ALLOWED_QUERY}"),
    ));
    assert!(record.contains("<h1>Beslutsunderlag</h1>"));
    assert!(record.contains(rules.content_hash()));
    assert!(record.contains(env!("CARGO_PKG_VERSION")));
    assert!(record.contains("Tid för kontrollen"));
    assert!(record.contains(&expected.summary));
    assert!(
        record.contains("value = \"750000 SEK\""),
        "the case as given"
    );
    assert!(record.contains("<h2>Källor</h2>"));

    // A conditional answer asks its questions as fields, carrying the rest along.
    let open = plain(&dump_dom(
        browser,
        &format!(
            "{base}/answer?lang=en&jurisdiction=SE&date=2026-03-01&buyer.kind=kommun&purchase.category=services&purchase.value=750000"
        ),
    ));
    assert!(open.contains("<html lang=\"en\""));
    assert!(
        open.contains("Undecided: the answer depends on the kind of service."),
        "{open}"
    );
    assert!(open.contains("<section class=\"questions\">"));
    assert!(
        open.contains("<select id=\"f-purchase-service-class\" name=\"purchase.service_class\"")
    );
    assert!(open.contains("<input type=\"hidden\" name=\"purchase.value\" value=\"750000\">"));
    assert!(open.contains("<h2>The answer depends on the facts</h2>"));

    // Norwegian, and a partnership.
    let norwegian = plain(&dump_dom(browser, &format!("{base}/partnership?lang=nb")));
    assert!(norwegian.contains("<html lang=\"nb\""));
    assert!(norwegian.contains("name=\"partnership.party\""));
    assert!(norwegian.contains("name=\"partnership.procurement.value\""));
    server.stop().expect("stops");
}

fn get(server: &Running, path: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut response = agent
        .get(&format!("http://{}{path}", server.addr()))
        .call()
        .expect("an answer");
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().expect("text"))
}

#[test]
fn the_forms_ask_every_fact_a_case_states_and_nothing_computed() {
    let server = start();
    let (status, purchase) = get(&server, "/?lang=en");
    assert_eq!(status, 200);
    let (_, partnership) = get(&server, "/partnership?lang=en");
    let (status, modification) = get(&server, "/modification?lang=en");
    assert_eq!(status, 200);
    let rules = common::embedded_rules();
    let vocab = rules.vocabulary();
    for fact in &vocab.facts {
        if fact.path == "date" {
            continue;
        }
        // A list of records is entered one element per line, under its element path.
        let field = format!("name=\"{}\"", fact.each_as.as_deref().unwrap_or(&fact.path));
        // A funding is pasted at /case: its kind has no form of its own (its related purchase
        // is decided only where the payment is not a grant).
        if fact.path.starts_with("funding.") {
            assert!(
                !purchase.contains(&field),
                "{} is not asked for a purchase",
                fact.path
            );
            continue;
        }
        let form = if fact.path.starts_with("partnership.") {
            &partnership
        } else if fact.path.starts_with("modification.") {
            &modification
        } else {
            &purchase
        };
        assert!(form.contains(&field), "{} has a field", fact.path);
    }
    // The kinds of buyer, in words, from the rule files.
    let list = vocab.list("buyer_kind").expect("a list");
    let kommun = vocab.name(list, "kommun").expect("a name");
    let swedish = vocab
        .name_label(list, kommun, None, Lang::En)
        .expect("a label");
    assert!(purchase.contains("Sweden"), "grouped by country");
    let mut chars = swedish.chars();
    let capitalised: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    assert!(
        purchase.contains(&format!(">{capitalised}</option>")),
        "{capitalised}"
    );
    // The change form asks the contract as it stands under the purchase's own names.
    for path in [
        "buyer.kind",
        "purchase.category",
        "purchase.value",
        "purchase.duration_months",
    ] {
        let field = format!("name=\"{path}\"");
        assert!(modification.contains(&field), "{path} on the change form");
    }
    assert!(modification.contains(">The day of the change</label>"));
    server.stop().expect("stops");
}

/// A change to a contract sent from its form is answered by the rules for changes, and the
/// form shown again with the answer is the change form.
#[test]
fn a_change_to_a_contract_is_answered_from_its_form() {
    let server = start();
    let query = "/answer?lang=en&jurisdiction=SE&date=2025-05-01&buyer.kind=kommun&purchase.category=services&purchase.value=2+000+000&purchase.duration_months=36&modification.original_award=advertised_national&modification.value=150+000&modification.changes=scope&modification.overall_nature_unchanged=true";
    let (status, page) = get(&server, query);
    assert_eq!(status, 200, "{page}");
    let rules = common::embedded_rules();
    let decision = decision_of(
        &rules,
        r#"{"jurisdiction":"SE","date":"2025-05-01","buyer":{"kind":"kommun"},"purchase":{"category":"services","value":"2000000 SEK","duration_months":36},"modification":{"original_award":"advertised_national","value":"150000 SEK","changes":"scope","overall_nature_unchanged":true}}"#,
    );
    assert_eq!(decision.kind, "modification");
    let expected = rules.explain_value(&decision, Lang::En);
    assert!(
        plain(&page).contains(&format!("<h1 id=\"verdict\">{}</h1>", expected.summary)),
        "the verdict `{}` in\n{page}",
        expected.summary
    );
    assert!(
        page.contains("name=\"modification.value\""),
        "the change form again"
    );
    // A mistake in the change is shown at its field, on the change form.
    let (status, page) = get(
        &server,
        "/answer?lang=en&jurisdiction=SE&date=2025-05-01&modification.value=lots",
    );
    assert_eq!(status, 422);
    assert!(page.contains("id=\"f-modification-value-error\""), "{page}");
    assert!(page.contains("The change"));
    server.stop().expect("stops");
}

#[test]
fn what_needs_correcting_is_shown_at_its_field() {
    let server = start();
    let (status, page) = get(
        &server,
        "/answer?lang=en&jurisdiction=SE&purchase.value=abc",
    );
    assert_eq!(status, 422);
    assert!(page.contains("id=\"f-date-error\""), "the date is missing");
    let (status, page) = get(
        &server,
        "/answer?lang=en&jurisdiction=SE&date=2026-03-01&purchase.value=750+000+NOK",
    );
    assert_eq!(status, 422);
    assert!(page.contains("id=\"f-purchase-value-error\""), "{page}");
    assert!(page.contains("NOK"));
    let (status, page) = get(
        &server,
        "/answer?jurisdiction=SE&date=2026-03-01&purchase.colour=red",
    );
    assert_eq!(status, 422);
    assert!(page.contains("<code>purchase.colour</code>"));
    // A case pasted as text, and one that cannot be read, with its line and column.
    let toml = "jurisdiction = \"SE\"\ndate = 2026-03-01\n[purchase]\nvalue = \"650 000 SEK\"\n";
    let query = format!(
        "/case?lang=en&text={}",
        toml.replace(' ', "+")
            .replace('\n', "%0A")
            .replace('"', "%22")
            .replace('[', "%5B")
            .replace(']', "%5D")
            .replace('=', "%3D")
    );
    let (status, page) = get(&server, &query);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<h1 id=\"verdict\">"));
    let (status, page) = get(
        &server,
        "/case?text=jurisdiction+%3D+%22SE%22%0Adate+%3D+2026-03-01%0Acolour+%3D+1",
    );
    assert_eq!(status, 422);
    assert!(page.contains("case.toml:3:1"), "{page}");
    let (status, _) = get(&server, "/nowhere");
    assert_eq!(status, 404);
    server.stop().expect("stops");
}

/// The embedded rule files with `old` in the vocabulary replaced by `new`, and the line `new`
/// begins on.
fn vocabulary_replacing(old: &str, new: &str) -> (Result<RuleSet, regelverk::RuleError>, usize) {
    let mut line = 0;
    let files = regelverk::embedded_rule_files()
        .into_iter()
        .map(|(name, text)| {
            if !name.ends_with("rules/vocabulary.regel") {
                return (name, text);
            }
            let at = text.find(old).expect("the vocabulary says it");
            // `old` begins a line.
            line = text[..at].lines().count() + 1;
            let text = format!("{}{new}{}", &text[..at], &text[at + old.len()..]);
            (name, text)
        })
        .collect::<Vec<_>>();
    (RuleSet::from_sources(files), line)
}

/// The facts a form asks first are declared facts, each once, after the country and the day;
/// a form's texts are in sv, nb and en. Each mistake is pointed at with file:line:col.
#[test]
fn a_form_s_declaration_is_checked_with_its_place() {
    let first = "    asks first buyer.kind, purchase.category,";
    for (new, message, help) in [
        (
            "    asks first buyer.kind, purchase.categroy,",
            "unknown fact `purchase.categroy`",
            Some("did you mean `purchase.category`?"),
        ),
        (
            "    asks first buyer.kind, date,",
            "every form asks `date` first already",
            None,
        ),
        (
            "    asks first buyer.kind, buyer.kind,",
            "the form asks `buyer.kind` twice",
            None,
        ),
    ] {
        let (rules, line) = vocabulary_replacing(first, new);
        let error = rules.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains(message), "{new}: {error}");
        assert!(
            error.contains(&format!("rules/vocabulary.regel:{line}:")),
            "{new}: line {line}: {error}"
        );
        if let Some(help) = help {
            assert!(error.contains(help), "{new}: {error}");
        }
    }
    let (rules, _) = vocabulary_replacing("      en \"a purchase\"\n", "");
    let error = rules.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        error.contains("`pasted` of kind of case `purchase` has no `en` text"),
        "{error}"
    );
}

/// The forms follow their declarations: the purchase form asks the country, the day and then
/// the purchase kind's `form asks first`, in that order, above "more", under the kind's help
/// text; the change form asks its kind's.
#[test]
fn the_forms_are_built_from_their_declarations() {
    let server = start();
    let rules = common::embedded_rules();
    let vocab = rules.vocabulary();
    for (path, kind) in [
        ("/?lang=en", "purchase"),
        ("/modification?lang=en", "modification"),
    ] {
        let (status, page) = get(&server, path);
        assert_eq!(status, 200);
        let kind = &vocab.kinds[vocab.kind(kind).expect("declared")];
        let help = kind.form.help.as_ref().expect("the form has help");
        assert!(
            page.contains(&format!("<p class=\"lead\">{}</p>", help.get(Lang::En))),
            "{path}"
        );
        let mut names = vec!["jurisdiction", "date"];
        names.extend(
            kind.form
                .first
                .iter()
                .map(|f| vocab.fact_decl(*f).path.as_str()),
        );
        assert!(names.len() > 4, "{path}");
        let at: Vec<usize> = names
            .iter()
            .map(|n| {
                page.find(&format!("name=\"{n}\""))
                    .unwrap_or_else(|| panic!("{path} asks {n}"))
            })
            .collect();
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "{path}: {names:?} {at:?}"
        );
        if let Some(more) = page.find("<details") {
            assert!(at.iter().all(|a| *a < more), "{path}");
        }
    }
}
