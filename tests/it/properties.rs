//! Property tests: no input makes the library panic or hang, and the decision behaves as the law
//! reads (more value never makes a refusal allowed; a missing fact never makes a consistent case
//! allowed;
//! the same input always gives the same decision; the fast `decide` equals `evaluate`), and
//! formatting a rule file and reading it again gives the same rules.

use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use regelverk::batch::{self, BatchOptions};
use regelverk::{Case, Money, Outcome, RuleSet};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("the embedded rules check"))
}

/// Runs `f` on another thread and fails if it takes longer than a few seconds: "never hangs".
fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("finished within 10 seconds without panicking")
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A purchase with some facts left out.
#[derive(Debug, Clone)]
struct Purchase {
    jurisdiction: &'static str,
    days_after_2014: i64,
    kind: Option<&'static str>,
    category: Option<&'static str>,
    value: Option<i64>,
    options: Option<i64>,
    same_kind: Option<i64>,
    cpv: Option<u32>,
}

fn purchase() -> impl Strategy<Value = Purchase> {
    let kinds = prop::sample::select(vec![
        "kommun",
        "region",
        "statlig_myndighet",
        "kommunalt_bolag",
        "kommune",
        "fylkeskommune",
    ]);
    let categories = prop::sample::select(vec!["goods", "services", "works"]);
    (
        prop::bool::ANY,
        0i64..5_200,
        prop::option::of(kinds),
        prop::option::of(categories),
        prop::option::of(0i64..80_000_000),
        prop::option::of(0i64..2_000_000),
        prop::option::of(0i64..2_000_000),
        prop::option::of(prop::sample::select(vec![
            90_910_000u32,
            92_000_000,
            85_323_000,
            45_000_000,
        ])),
    )
        .prop_map(
            |(se, days, kind, category, value, options, same_kind, cpv)| Purchase {
                jurisdiction: if se { "SE" } else { "NO" },
                days_after_2014: days,
                kind,
                category,
                value,
                options,
                same_kind,
                cpv,
            },
        )
}

impl Purchase {
    /// Whether the facts can all be true: a buyer of the case's own country, and no goods or
    /// works given a service's CPV code. A contradiction the rules name (issue 10) is undecided,
    /// and leaving out one of the facts that contradict each other may rightly decide it.
    fn consistent(&self) -> bool {
        let foreign_kind: &[&str] = match self.jurisdiction {
            "SE" => &["kommune", "fylkeskommune"],
            _ => &["kommun", "region", "kommunalt_bolag"],
        };
        let service_code = matches!(self.cpv, Some(92_000_000 | 85_323_000));
        let foreign = self.kind.is_some_and(|k| foreign_kind.contains(&k));
        let goods_as_service = service_code && matches!(self.category, Some("goods" | "works"));
        !foreign && !goods_as_service
    }

    fn case(&self) -> Case {
        let start: jiff::civil::Date = "2014-01-01".parse().expect("a date");
        let date = start
            .checked_add(jiff::Span::new().days(self.days_after_2014))
            .expect("in range");
        let currency = rules().currency(self.jurisdiction).expect("a country");
        let money = |v: i64| Money::whole(v, currency);
        let mut case = rules()
            .new_case(self.jurisdiction, date)
            .expect("a declared country");
        let mut set = |path: &str, value: Option<String>| {
            if let Some(v) = value {
                case.set(path, &v).expect("a declared fact");
            }
        };
        set("buyer.kind", self.kind.map(str::to_string));
        set("purchase.category", self.category.map(str::to_string));
        set("purchase.value", self.value.map(|v| money(v).to_string()));
        set(
            "purchase.options",
            self.options.map(|v| money(v).to_string()),
        );
        set(
            "purchase.same_kind_this_year",
            self.same_kind.map(|v| money(v).to_string()),
        );
        set("purchase.cpv", self.cpv.map(|code| format!("{code:08}")));
        case
    }
}

/// A party to a partnership, on one line as a case gives it.
fn party() -> impl Strategy<Value = String> {
    let kinds = prop::sample::select(vec![
        "kommun",
        "region",
        "kommune",
        "fylkeskommune",
        "kommunalt_bolag",
        "private_company",
        "ideell_forening",
    ]);
    let gives = prop::sample::select(vec!["money", "premises, staff", "know_how", ""]);
    (kinds, gives).prop_map(|(kind, gives)| format!("part; {kind}; {gives}"))
}

/// A partnership: its parties on one line each, and its yes/no and percentage facts.
fn partnership_case(
    jurisdiction: &str,
    date: jiff::civil::Date,
    parties: &[String],
    facts: &[(String, Option<String>)],
) -> Case {
    let mut case = rules()
        .new_case(jurisdiction, date)
        .expect("a declared country");
    case.set_kind("partnership")
        .expect("a declared kind of case");
    for party in parties {
        case.set("partnership.party", party).expect("a party");
    }
    for (path, value) in facts {
        if let Some(v) = value {
            case.set(path, v).expect("a declared fact");
        }
    }
    case
}

fn allowed(o: Outcome) -> bool {
    matches!(o, Outcome::Allowed | Outcome::AllowedWithObligations)
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn any_text_as_a_rule_file_is_refused_or_read_never_a_panic(text in ".{0,400}") {
        within_seconds(move || {
            let _ = RuleSet::from_sources([("p.regel".to_string(), text)]);
        });
    }

    #[test]
    fn rule_like_text_never_panics(
        text in "(jurisdiction SE\n)?(rule r\n  when )?[()a-z<=>0-9 .\"\n]{0,80}( SEK)?\n  then (allowed|undecided)\n"
    ) {
        within_seconds(move || {
            let _ = RuleSet::from_sources([("p.regel".to_string(), text)]);
        });
    }

    #[test]
    fn any_text_as_a_case_is_refused_or_read_never_a_panic(text in ".{0,300}") {
        within_seconds(move || {
            let _ = rules().read_case(&text, "p.toml");
            let _ = rules().read_case(&text, "p.json");
        });
    }

    #[test]
    fn any_bytes_as_batch_lines_give_one_record_per_line(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let (out, lines) = within_seconds(move || {
            let mut out = Vec::new();
            let summary = batch::run(rules(), bytes.as_slice(), &mut out, &BatchOptions::default(), |_| {})
                .expect("no IO error in memory");
            (out, summary.decided + summary.failed)
        });
        prop_assert_eq!(out.iter().filter(|&&b| b == b'\n').count() as u64, lines);
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn raising_the_value_never_makes_a_refusal_allowed(p in purchase(), more in 1i64..5_000_000) {
        let before = rules().decide(&p.case()).outcome;
        let mut raised = p.clone();
        raised.value = p.value.map(|v| v + more);
        let after = rules().decide(&raised.case()).outcome;
        prop_assert!(!(before == Outcome::NotAllowed && allowed(after)), "{:?}: {:?} then {:?}", p, before, after);
    }

    #[test]
    fn removing_a_fact_never_makes_a_case_allowed(p in purchase(), which in 0usize..6) {
        prop_assume!(p.consistent());
        let mut less = p.clone();
        match which {
            0 => less.kind = None,
            1 => less.category = None,
            2 => less.value = None,
            3 => less.options = None,
            4 => less.same_kind = None,
            _ => less.cpv = None,
        }
        let before = rules().decide(&p.case()).outcome;
        let after = rules().decide(&less.case()).outcome;
        // Leaving out options or same-kind purchases counts them as 0, as the rule file says:
        // that may lower the value and so allow. Every other fact must not. A kind of buyer of
        // the other country is a contradiction the rules refuse to decide, not a missing fact:
        // leaving it out may well let the case be decided.
        let vocab = rules().vocabulary();
        let foreign_kind = p.kind.is_some_and(|k| {
            let list = vocab.list("buyer_kind").expect("the kinds of buyer");
            let country = vocab.country(p.jurisdiction).expect("a country");
            vocab.name(list, k).is_none_or(|n| !vocab.names_in(list, country).contains(&n))
        });
        if which != 3 && which != 4 && !(which == 0 && foreign_kind) {
            prop_assert!(allowed(before) || !allowed(after), "{:?} without fact {}: {:?} then {:?}", p, which, before, after);
        }
    }

    /// Metamorphic: a fact that contradicts the others (issue 10) never turns an undecided or
    /// not-allowed answer into "allowed"; the contradiction itself leaves the case undecided.
    #[test]
    fn adding_a_contradicting_fact_never_makes_a_case_allowed(p in purchase(), which in 0usize..5) {
        let before = rules().decide(&p.case()).outcome;
        let mut case = p.case();
        let currency = rules().currency(p.jurisdiction).expect("a country");
        let value = p.value.unwrap_or(300_000);
        let mut set = |path: &str, text: String| case.set(path, &text).expect("a declared fact");
        set("purchase.value", Money::whole(value, currency).to_string());
        match which {
            // A buyer of the other country's kind.
            0 => set("buyer.kind", if p.jurisdiction == "SE" { "kommune" } else { "kommun" }.into()),
            // Goods given a health-services CPV code.
            1 => {
                set("purchase.category", "goods".into());
                set("purchase.cpv", "85100000".into());
            }
            // Works given a bilaga 2 / vedlegg service class.
            2 => {
                set("purchase.category", "works".into());
                set("purchase.service_class", "health_social".into());
            }
            // A monthly value that gives more than the value over the term.
            3 => {
                set("purchase.monthly_value", Money::whole(value / 10 + 1, currency).to_string());
                set("purchase.duration_months", "12".into());
            }
            // A lot worth more than all lots together.
            _ => set("purchase.lot_value", Money::whole(value + 1, currency).to_string()),
        }
        let after = rules().decide(&case).outcome;
        prop_assert!(allowed(before) || !allowed(after), "{:?} + contradiction {}: {:?} then {:?}", p, which, before, after);
        prop_assert_eq!(after, Outcome::Undecided, "{:?} + contradiction {}", p, which);
    }

    /// The same for partnerships: one legal person with no parties or with a private one,
    /// cooperation with one party, a private party marked as a contracting authority.
    #[test]
    fn adding_a_contradicting_partnership_fact_never_makes_it_allowed(
        se in prop::bool::ANY,
        days in 1_200i64..5_000,
        parties in prop::collection::vec(party(), 0..4),
        facts in prop::collection::vec(prop::option::of(prop::bool::ANY), 4),
        share in prop::option::of(0u8..=100),
        which in 0usize..4,
    ) {
        let jurisdiction = if se { "SE" } else { "NO" };
        let start: jiff::civil::Date = "2014-01-01".parse().expect("a date");
        let date = start.checked_add(jiff::Span::new().days(days)).expect("in range");
        let yes_no = |b: Option<bool>| b.map(|b| b.to_string());
        let mut stated: Vec<(String, Option<String>)> = vec![
            ("partnership.shared_public_task".into(), yes_no(facts[0])),
            ("partnership.common_objective".into(), yes_no(facts[1])),
            ("partnership.private_advantage".into(), yes_no(facts[2])),
            ("partnership.same_legal_person".into(), yes_no(facts[3])),
            ("partnership.open_market_share".into(), share.map(|s| s.to_string())),
        ];
        let before = rules().decide(&partnership_case(jurisdiction, date, &parties, &stated)).outcome;
        let mut parties = parties;
        let private = "Kultur AB; private_company; know_how".to_string();
        let one_legal_person = |stated: &mut Vec<(String, Option<String>)>, yes: bool| {
            stated[3].1 = Some(yes.to_string());
        };
        match which {
            0 => {
                one_legal_person(&mut stated, true);
                parties.clear();
            }
            1 => {
                one_legal_person(&mut stated, true);
                parties.push(private);
            }
            2 => {
                one_legal_person(&mut stated, false);
                parties.truncate(1);
                if parties.is_empty() {
                    parties.push("Falu kommun; kommun; staff".to_string());
                }
            }
            _ => {
                parties.push(format!("{private}; contracting_authority"));
                for i in 1..=parties.len() {
                    stated.push((
                        format!("partnership.parties[{i}].contracting_authority"),
                        Some("true".to_string()),
                    ));
                }
            }
        }
        let after = rules().decide(&partnership_case(jurisdiction, date, &parties, &stated)).outcome;
        prop_assert!(allowed(before) || !allowed(after), "contradiction {}: {:?} then {:?}", which, before, after);
        prop_assert!(!allowed(after), "contradiction {}: {:?}", which, after);
    }

    #[test]
    fn the_same_case_always_gives_the_same_decision_and_decide_equals_evaluate(p in purchase()) {
        let case = p.case();
        let first = rules().evaluate(&case);
        prop_assert_eq!(&first, &rules().evaluate(&case.clone()));
        prop_assert_eq!(rules().decide(&case), first.verdict());
    }
}

/// Every shipped rule file, as (name, text).
fn shipped_rule_files() -> &'static Vec<(String, String)> {
    static FILES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        regelverk::read_rule_files(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules"
        )))
        .expect("the shipped rule files read")
    })
}

/// Lays a file out badly without changing what it says: extra indentation on any line but a
/// comment line (whose indentation tells `fmt` which item the comment belongs to), and wider gaps
/// between words on lines that hold no text in quotes and no comment (but not between the digit
/// groups of an amount, where one space is part of the number).
fn disarrange(text: &str, seed: u64) -> String {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if !trimmed.is_empty() {
            out.push_str(&" ".repeat((next() % 5) as usize));
        }
        if trimmed.contains('"') || trimmed.contains('#') {
            out.push_str(trimmed);
        } else {
            let mut previous: Option<&str> = None;
            for word in trimmed.split(' ') {
                if let Some(before) = previous {
                    let inside_amount = before.ends_with(|c: char| c.is_ascii_digit())
                        && word.starts_with(|c: char| c.is_ascii_digit());
                    out.push_str(if !inside_amount && next() % 3 == 0 {
                        "   "
                    } else {
                        " "
                    });
                }
                out.push_str(word);
                previous = Some(word);
            }
        }
        out.push('\n');
    }
    out
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn formatting_is_canonical_whatever_the_layout(which in 0usize..64, seed in any::<u64>()) {
        let files = shipped_rule_files();
        let (name, text) = &files[which % files.len()];
        let canonical = regelverk::fmt::format_source(name, text).expect("a shipped file formats");
        let messy = disarrange(text, seed);
        let again = regelverk::fmt::format_source(name, &messy).expect("a disarranged file still formats");
        prop_assert_eq!(again, canonical);
    }
}

#[test]
fn the_formatted_rules_make_the_same_decisions() {
    let formatted: Vec<(String, String)> = shipped_rule_files()
        .iter()
        .map(|(name, text)| {
            (
                name.clone(),
                regelverk::fmt::format_source(name, &disarrange(text, 7)).expect("formats"),
            )
        })
        .collect();
    let reread = RuleSet::from_sources(formatted).expect("the formatted rules check");
    let original = rules();
    let results = reread.run_examples();
    assert_eq!(results.len(), original.run_examples().len());
    assert!(
        results.iter().all(|r| r.passed),
        "an example changed outcome after formatting"
    );
    for days in (0..4900).step_by(97) {
        for value in [99_999i64, 505_800, 700_000, 1_500_000, 2_389_585, 9_000_000] {
            let date = jiff::civil::date(2014, 7, 1)
                .checked_add(jiff::Span::new().days(days))
                .expect("a date");
            let mut case = original.new_case("SE", date).expect("a country");
            for (path, v) in [
                ("buyer.kind", "kommun".to_string()),
                ("purchase.category", "services".to_string()),
                ("purchase.value", format!("{value} SEK")),
            ] {
                case.set(path, &v).expect("a declared fact");
            }
            // The same decision; only the hash of the rule files' text differs.
            let mut after = reread.evaluate(&case);
            let mut before = original.evaluate(&case);
            assert_ne!(after.rule_set.content_hash, before.rule_set.content_hash);
            after.rule_set = Default::default();
            before.rule_set = Default::default();
            assert_eq!(after, before, "{date} {value}");
        }
    }
}
