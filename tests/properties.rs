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
use regelverk::{BuyerKind, Case, Category, Currency, Jurisdiction, Money, Outcome, RuleSet};

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
    jurisdiction: Jurisdiction,
    days_after_2014: i64,
    kind: Option<BuyerKind>,
    category: Option<Category>,
    value: Option<i64>,
    options: Option<i64>,
    same_kind: Option<i64>,
    cpv: Option<u32>,
}

fn purchase() -> impl Strategy<Value = Purchase> {
    let kinds = prop::sample::select(vec![
        BuyerKind::Kommun,
        BuyerKind::Region,
        BuyerKind::StatligMyndighet,
        BuyerKind::KommunaltBolag,
        BuyerKind::Kommune,
        BuyerKind::Fylkeskommune,
    ]);
    let categories =
        prop::sample::select(vec![Category::Goods, Category::Services, Category::Works]);
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
                jurisdiction: if se {
                    Jurisdiction::Se
                } else {
                    Jurisdiction::No
                },
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
        let foreign_kind = match self.jurisdiction {
            Jurisdiction::Se => [BuyerKind::Kommune, BuyerKind::Fylkeskommune].as_slice(),
            Jurisdiction::No => [
                BuyerKind::Kommun,
                BuyerKind::Region,
                BuyerKind::KommunaltBolag,
            ]
            .as_slice(),
        };
        let service_code = matches!(self.cpv, Some(92_000_000 | 85_323_000));
        let foreign = self.kind.is_some_and(|k| foreign_kind.contains(&k));
        let goods_as_service =
            service_code && matches!(self.category, Some(Category::Goods | Category::Works));
        !foreign && !goods_as_service
    }

    fn case(&self) -> Case {
        let start: jiff::civil::Date = "2014-01-01".parse().expect("a date");
        let date = start
            .checked_add(jiff::Span::new().days(self.days_after_2014))
            .expect("in range");
        let currency = match self.jurisdiction {
            Jurisdiction::Se => Currency::Sek,
            Jurisdiction::No => Currency::Nok,
        };
        let money = |v: i64| Money::whole(v, currency);
        let mut case = Case::new(self.jurisdiction, date);
        case.buyer.kind = self.kind;
        case.purchase.category = self.category;
        case.purchase.value = self.value.map(money);
        case.purchase.options = self.options.map(money);
        case.purchase.same_kind_this_year = self.same_kind.map(money);
        case.purchase.cpv = self.cpv.map(|code| regelverk::Cpv { code, check: None });
        case
    }
}

fn party() -> impl Strategy<Value = regelverk::case::Party> {
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
    (kinds, gives).prop_map(|(kind, gives)| {
        regelverk::case::parse_party(&format!("part; {kind}; {gives}")).expect("a party")
    })
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
            let _ = Case::from_toml_str(&text, "p.toml");
            let _ = Case::from_json_str(&text, "p.json");
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
        // that may lower the value and so allow. Every other fact must not.
        if which != 3 && which != 4 {
            prop_assert!(allowed(before) || !allowed(after), "{:?} without fact {}: {:?} then {:?}", p, which, before, after);
        }
    }

    /// Metamorphic: a fact that contradicts the others (issue 10) never turns an undecided or
    /// not-allowed answer into "allowed"; the contradiction itself leaves the case undecided.
    #[test]
    fn adding_a_contradicting_fact_never_makes_a_case_allowed(p in purchase(), which in 0usize..5) {
        let before = rules().decide(&p.case()).outcome;
        let mut case = p.case();
        let currency = case.purchase.value.map_or(
            match p.jurisdiction {
                Jurisdiction::Se => Currency::Sek,
                Jurisdiction::No => Currency::Nok,
            },
            |v| v.currency,
        );
        let value = case.purchase.value.get_or_insert(Money::whole(300_000, currency)).amount;
        match which {
            // A buyer of the other country's kind.
            0 => {
                case.buyer.kind = Some(match p.jurisdiction {
                    Jurisdiction::Se => BuyerKind::Kommune,
                    Jurisdiction::No => BuyerKind::Kommun,
                })
            }
            // Goods given a health-services CPV code.
            1 => {
                case.purchase.category = Some(Category::Goods);
                case.purchase.cpv = Some(regelverk::Cpv { code: 85_100_000, check: None });
            }
            // Works given a bilaga 2 / vedlegg service class.
            2 => {
                case.purchase.category = Some(Category::Works);
                case.purchase.service_class = Some(regelverk::case::ServiceClass::HealthSocial);
            }
            // A monthly value that gives more than the value over the term.
            3 => {
                case.purchase.monthly_value =
                    Some(Money::new(value / rust_decimal::Decimal::from(10) + rust_decimal::Decimal::ONE, currency));
                case.purchase.duration_months = Some(12);
            }
            // A lot worth more than all lots together.
            _ => {
                case.purchase.lot_value =
                    Some(Money::new(value + rust_decimal::Decimal::ONE, currency));
            }
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
        let jurisdiction = if se { Jurisdiction::Se } else { Jurisdiction::No };
        let start: jiff::civil::Date = "2014-01-01".parse().expect("a date");
        let date = start.checked_add(jiff::Span::new().days(days)).expect("in range");
        let mut case = Case::new(jurisdiction, date);
        let mut partnership = regelverk::case::Partnership::default();
        partnership.parties = parties;
        partnership.shared_public_task = facts[0];
        partnership.common_objective = facts[1];
        partnership.private_advantage = facts[2];
        partnership.same_legal_person = facts[3];
        partnership.open_market_share = share.map(rust_decimal::Decimal::from);
        case.partnership = Some(partnership.clone());
        let before = rules().decide(&case).outcome;
        let private = || regelverk::case::parse_party("Kultur AB; private_company; know_how").expect("a party");
        match which {
            0 => {
                partnership.same_legal_person = Some(true);
                partnership.parties.clear();
            }
            1 => {
                partnership.same_legal_person = Some(true);
                partnership.parties.push(private());
            }
            2 => {
                partnership.same_legal_person = Some(false);
                partnership.company = None;
                partnership.parties.truncate(1);
                if partnership.parties.is_empty() {
                    partnership.parties.push(regelverk::case::parse_party("Falu kommun; kommun; staff").expect("a party"));
                }
            }
            _ => {
                let mut marked = private();
                marked.contracting_authority = Some(true);
                partnership.parties.push(marked);
                for p in &mut partnership.parties {
                    p.contracting_authority = Some(true);
                }
            }
        }
        case.partnership = Some(partnership);
        let after = rules().decide(&case).outcome;
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
            let mut case = Case::new(Jurisdiction::Se, date);
            case.buyer.kind = Some(BuyerKind::Kommun);
            case.purchase.category = Some(Category::Services);
            case.purchase.value = Some(Money::whole(value, Currency::Sek));
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
