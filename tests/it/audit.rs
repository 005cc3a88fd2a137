//! The spend audit over generated ledgers (it must find exactly what was planted) and over each
//! kind of untidy input a real export has.

use crate::common;

use std::sync::OnceLock;

use regelverk::RuleSet;
use regelverk::audit::{
    self, Audit, AuditOptions, Contracts, GeneratorOptions, GroupKind, GroupStatus, LedgerInput,
    Planted,
};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(common::embedded_rules)
}

fn run(files: &[(&str, &[u8])], options: &AuditOptions, contracts: Option<&Contracts>) -> Audit {
    let inputs = files
        .iter()
        .map(|(name, bytes)| LedgerInput {
            name: name.to_string(),
            reader: *bytes,
            size: Some(bytes.len() as u64),
        })
        .collect();
    audit::audit(rules(), inputs, contracts, options, |_| {})
}

fn generated(jurisdiction: &str, rows: u64, seed: u64) -> (Vec<u8>, Vec<Planted>) {
    let mut bytes = Vec::new();
    let planted = audit::generate(
        rules(),
        &GeneratorOptions::new(jurisdiction, rows, seed),
        &mut bytes,
    )
    .unwrap_or_else(|e| panic!("generate: {e}"));
    (bytes, planted)
}

/// The options for a country whose ledgers the shipped rules declare.
fn for_country(code: &str) -> AuditOptions {
    AuditOptions::for_jurisdiction(rules(), code).unwrap_or_else(|e| panic!("{e}"))
}

fn options(jurisdiction: &str) -> AuditOptions {
    let mut options = for_country(jurisdiction);
    if jurisdiction == "NO" {
        options.columns = audit::parse_mapping(audit::NORWEGIAN_COLUMNS)
            .unwrap_or_else(|e| panic!("mapping: {e}"));
    }
    options
}

/// What the audit found, as (kind, buyer, key) → (sum, crossing month) for flagged groups.
fn found(audit: &Audit) -> Vec<(GroupKind, String, String, i64, String)> {
    let mut found: Vec<_> = audit
        .flagged
        .iter()
        .map(|f| {
            (
                f.group.kind,
                f.group.buyer_id.clone(),
                f.group.key.clone(),
                f.group.sum,
                f.group.month.clone().unwrap_or_default(),
            )
        })
        .collect();
    found.sort();
    found
}

fn expected(planted: &[Planted]) -> Vec<(GroupKind, String, String, i64, String)> {
    let mut expected: Vec<_> = planted
        .iter()
        .filter_map(|p| {
            p.crossing_month
                .clone()
                .map(|m| (p.kind, p.buyer_id.clone(), p.key.clone(), p.sum, m))
        })
        .collect();
    expected.sort();
    expected
}

fn assert_finds_exactly_what_was_planted(jurisdiction: &str, rows: u64, seed: u64) {
    let (bytes, planted) = generated(jurisdiction, rows, seed);
    let audit = run(&[("ledger.csv", &bytes)], &options(jurisdiction), None);
    assert!(audit.file_errors.is_empty(), "{:?}", audit.file_errors);
    assert_eq!(audit.summary.bad_rows, 0, "{:?}", audit.bad_rows);
    assert_eq!(found(&audit), expected(&planted));
    // The planted groups that must not be flagged are there, with their sums and status.
    for p in planted.iter().filter(|p| p.crossing_month.is_none()) {
        let group = audit
            .groups
            .iter()
            .find(|g| g.kind == p.kind && g.buyer_id == p.buyer_id && g.key == p.key)
            .unwrap_or_else(|| panic!("no group for {p:?}"));
        let want = if p.pattern == "covered by a contract" {
            GroupStatus::Covered
        } else {
            GroupStatus::BelowLimit
        };
        assert_eq!(group.status, want, "{p:?}");
        if want == GroupStatus::BelowLimit {
            assert_eq!(group.sum, p.sum, "{p:?}");
        } else {
            assert_eq!(group.covered.amount, p.sum, "{p:?}");
        }
    }
    // Masked suppliers are counted, never grouped: six lines, and no group holds them.
    assert_eq!(audit.summary.masked.lines, 6);
    assert!(audit.groups.iter().all(|g| !g.key.is_empty()));
    assert_eq!(
        audit.summary.rows,
        bytes.iter().filter(|&&b| b == b'\n').count() as u64 - 1
    );
}

#[test]
fn a_swedish_ledger_gives_exactly_the_planted_groups() {
    assert_finds_exactly_what_was_planted("SE", 20_000, 7);
}

#[test]
fn a_norwegian_ledger_gives_exactly_the_planted_groups() {
    assert_finds_exactly_what_was_planted("NO", 8_000, 3);
}

#[test]
fn the_flagged_groups_carry_the_engines_answer_branches_limit_and_lines() {
    let (bytes, _) = generated("SE", 2_000, 1);
    let audit = run(&[("ledger.csv", &bytes)], &options("SE"), None);
    let first = &audit.flagged[0];
    assert_eq!(first.group.key, "5561000001");
    assert_eq!(first.group.month.as_deref(), Some("2025-02"));
    assert_eq!(first.decided_by, ["annonsering_19_kap"]);
    assert!(first.procedure.is_some());
    // The limit is the one the decision used; the group went that far above its peak.
    let limit = first.limit.as_ref().expect("a limit");
    assert_eq!(
        serde_json::to_value(limit).expect("json")["amount"],
        "700000"
    );
    assert_eq!(first.above_limit, Some(first.group.peak - 70_000_000));
    // An ordinary service may not be awarded directly; a bilaga 2 service may.
    let values = |b: &[regelverk::audit::Branch]| -> Vec<&str> {
        b.iter()
            .flat_map(|b| b.assumes.iter().map(|a| a.value))
            .collect()
    };
    assert_eq!(
        values(&first.not_allowed_in),
        ["goods", "services", "ordinary", "works"]
    );
    assert_eq!(
        values(&first.allowed_in),
        ["services", "health_social", "services", "other_special"]
    );
    assert!(
        first
            .explanation
            .starts_with("Direktupphandling är inte tillåten")
    );
    assert!(first.citations.iter().any(|c| c.label.contains("LOU")));
    // The booking lines: 24 lines (12 payments on two lines each), the 12 largest kept.
    assert_eq!(first.group.lines, 24);
    assert_eq!(first.lines.len(), audit::LINES_KEPT);
    assert!(first.lines.windows(2).all(|w| w[0].date <= w[1].date));
    assert!(
        first
            .lines
            .iter()
            .all(|l| l.file == "ledger.csv" && l.line >= 2)
    );
    // Ranked by how far above the limit.
    let excess: Vec<i64> = audit
        .flagged
        .iter()
        .map(|f| f.above_limit.unwrap_or(i64::MIN))
        .collect();
    assert!(excess.windows(2).all(|w| w[0] >= w[1]), "{excess:?}");
}

#[test]
fn in_norway_the_branch_is_whether_the_payments_are_one_recurring_contract() {
    let (bytes, _) = generated("NO", 2_000, 1);
    let audit = run(&[("reskontro.csv", &bytes)], &options("NO"), None);
    assert!(!audit.flagged.is_empty());
    for f in &audit.flagged {
        assert!(
            f.not_allowed_in.iter().all(|b| b
                .assumes
                .iter()
                .any(|a| a.fact == "purchase.recurring" && a.value == "true")),
            "{:?}",
            f.not_allowed_in
        );
        assert!(f.allowed_in.iter().any(|b| {
            b.assumes
                .iter()
                .any(|a| a.fact == "purchase.recurring" && a.value == "false")
        }));
        assert!(f.case.get("purchase.recurring").as_deref() == Some("true"));
    }
    // The branches read as the fact declares it (`if true`, `if false`), in the report's
    // language, and a service class without the category it implies.
    let report = audit::report::text(&audit);
    assert!(
        report.contains("Ikke tillatt hvis: varer + betalingene er én gjentakende kontrakt;"),
        "{report}"
    );
    assert!(
        report.contains("; en vanlig tjeneste + betalingene er separate kontrakter;"),
        "{report}"
    );
    assert!(!report.contains("tjenester + en"), "{report}");
    assert!(!report.contains("purchase."), "{report}");
}

#[test]
fn the_generator_is_deterministic_and_the_seed_matters() {
    let (a, _) = generated("SE", 500, 42);
    let (b, _) = generated("SE", 500, 42);
    let (c, _) = generated("SE", 500, 43);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn the_same_ledger_gives_the_same_audit_on_one_thread_and_on_several() {
    let (bytes, _) = generated("SE", 12_000, 5);
    let mut one = options("SE");
    one.threads = Some(1);
    let mut four = options("SE");
    four.threads = Some(4);
    let a = run(&[("ledger.csv", &bytes)], &one, None);
    let b = run(&[("ledger.csv", &bytes)], &four, None);
    assert_eq!(audit::report::json(&a), audit::report::json(&b));
}

#[test]
fn groups_read_by_several_workers_are_gathered_whole_whatever_the_number_of_workers() {
    // Each group is held by one worker and the others send it their lines: suppliers known
    // only by name, accounts that are not numbers, two buyers and two ledgers, more than one
    // chunk each, so that every worker reads lines of every group.
    let mut rows = Vec::new();
    for i in 0..30_000u32 {
        let buyer = if i % 3 == 0 {
            "212000-1001;Exempelstad"
        } else {
            "212000-2002;Annanstad"
        };
        let supplier = match i % 4 {
            0 => format!("Namn {} AB;", i % 97),
            _ => format!("Bolag {} AB;556{:03}-{:04}", i % 89, i % 89, i % 7),
        };
        let account = if i % 5 == 0 {
            "K-X".to_string()
        } else {
            format!("{}", 4000 + i % 13)
        };
        let amount = if i % 11 == 0 {
            format!("-{}", 100 + i % 1000)
        } else {
            format!("{} {:03},{:02}", 1 + i % 40, i % 1000, i % 100)
        };
        rows.push(format!(
            "{buyer};V{i};{supplier};{account};Konto;{amount};2025-{:02}-{:02};;F{i};;;;",
            1 + i % 12,
            1 + i % 28
        ));
    }
    let (first, second) = rows.split_at(rows.len() / 2);
    let first = ledger(&first.iter().map(String::as_str).collect::<Vec<_>>());
    let second = ledger(&second.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(first.len() > 1 << 20);
    let audit_on = |threads: usize| {
        let mut options = se();
        options.threads = Some(threads);
        run(&[("a.csv", &first), ("b.csv", &second)], &options, None)
    };
    let one = audit_on(1);
    assert_eq!(one.summary.rows, 30_000);
    assert!(one.groups.iter().any(|g| g.key_is_name));
    for threads in [2, 3, 5] {
        let several = audit_on(threads);
        assert_eq!(
            audit::report::json(&one),
            audit::report::json(&several),
            "{threads}"
        );
        assert_eq!(one.groups, several.groups, "{threads}");
    }
}

// ---- untidy inputs -----------------------------------------------------------------------------

const HEADER: &str = "kopare_id;kopare;verifikationsnummer;leverantor;leverantor_id;konto_nr;konto_text;belopp;datum;forvaltning;fakturanummer;grund;avtal;kommun_id;s_kod_nr";

fn ledger(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.push('\n');
    text.into_bytes()
}

fn se() -> AuditOptions {
    for_country("SE")
}

fn supplier<'a>(audit: &'a Audit, key: &str) -> &'a regelverk::audit::GroupRow {
    audit
        .groups
        .iter()
        .find(|g| g.kind == GroupKind::Supplier && g.key == key)
        .unwrap_or_else(|| panic!("no supplier group `{key}` in {:#?}", audit.groups))
}

#[test]
fn a_bom_and_semicolons_are_read() {
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(ledger(&[
        "1;K;V1;Acme AB;556000-0001;6550;Konsult;400 000,00;2025-03-01;;;;;;",
        "1;K;V2;Acme AB;556000-0001;6550;Konsult;400 000,00;2025-04-01;;;;;;",
    ]));
    let audit = run(&[("bom.csv", &bytes)], &se(), None);
    assert_eq!(audit.summary.bad_rows, 0, "{:?}", audit.bad_rows);
    let g = supplier(&audit, "5560000001");
    assert_eq!((g.sum, g.status), (80_000_000, GroupStatus::Flagged));
    assert_eq!(g.month.as_deref(), Some("2025-04"));
}

#[test]
fn commas_as_delimiter_with_quoted_fields_and_a_newline_inside_quotes() {
    let text = format!(
        "{}\n1,K,V1,\"Acme, Bygg AB\",556000-0001,6550,\"Konsult\nmed radbrytning\",\"400 000,00\",2025-03-01,,,,,,\n1,K,V2,\"Acme, Bygg AB\",556000-0001,6550,Konsult,\"1,5\",2025-03-02,,,,,,\nbroken row\n",
        HEADER.replace(';', ",")
    );
    let audit = run(&[("comma.csv", text.as_bytes())], &se(), None);
    let g = supplier(&audit, "5560000001");
    assert_eq!(g.sum, 40_000_150);
    assert_eq!(g.label, "Acme, Bygg AB");
    // The bad row's line counts the newline inside the quoted field.
    assert_eq!(audit.bad_rows.len(), 1);
    assert_eq!(audit.bad_rows[0].line, 5, "{:?}", audit.bad_rows);
}

#[test]
fn swedish_number_formats_and_credit_notes_net_off() {
    let audit = run(
        &[(
            "amounts.csv",
            &ledger(&[
                "1;K;V1;Acme AB;556000-0001;6550;K;1 234,50;2025-01-10;;;;;;",
                "1;K;V2;Acme AB;556000-0001;6550;K;1\u{a0}000\u{a0}000,25;2025-01-11;;;;;;",
                "1;K;V3;Acme AB;556000-0001;6550;K;1.000,25;2025-01-12;;;;;;",
                "1;K;V4;Acme AB;556000-0001;6550;K;-500 000;2025-01-13;;;;;;",
                "1;K;V5;Acme AB;556000-0001;6550;K;\u{2212}1000;2025-01-14;;;;;;",
                "1;K;V6;Acme AB;556000-0001;6550;K;2500.5;2025-01-15;;;;;;",
            ]),
        )],
        &se(),
        None,
    );
    assert_eq!(audit.summary.bad_rows, 0, "{:?}", audit.bad_rows);
    let g = supplier(&audit, "5560000001");
    // 1 234,50 + 1 000 000,25 + 1 000,25 − 500 000 − 1 000 + 2 500,50 = 503 735,50
    assert_eq!(g.sum, 50_373_550);
    // A month's lines are posed together: net of the credit notes booked in the same month it
    // stays below the limit, though the gross went over it.
    assert_eq!(g.status, GroupStatus::BelowLimit);
}

#[test]
fn a_credit_note_before_the_limit_keeps_a_group_below_it() {
    let audit = run(
        &[(
            "credit.csv",
            &ledger(&[
                "1;K;V1;Acme AB;556000-0001;6550;K;600 000;2025-01-10;;;;;;",
                "1;K;V2;Acme AB;556000-0001;6550;K;-300 000;2025-02-10;;;;;;",
                "1;K;V3;Acme AB;556000-0001;6550;K;300 000;2025-03-10;;;;;;",
            ]),
        )],
        &se(),
        None,
    );
    let g = supplier(&audit, "5560000001");
    assert_eq!((g.sum, g.peak), (60_000_000, 60_000_000));
    assert_eq!(g.status, GroupStatus::BelowLimit);
}

#[test]
fn masked_suppliers_are_counted_and_never_lumped_together() {
    let audit = run(
        &[(
            "masked.csv",
            &ledger(&[
                "1;K;V1;[innehåller personuppgifter];;6550;K;400 000;2025-01-10;;;;;;",
                "1;K;V2;;;6550;K;400 000;2025-02-10;;;;;;",
                "1;K;V3;[Innehåller personuppgifter];XXXXXX-XXXX;6550;K;400 000;2025-03-10;;;;;;",
                "1;K;V4;Acme AB;556000-0001;6550;K;10 000;2025-03-10;;;;;;",
            ]),
        )],
        &se(),
        None,
    );
    assert_eq!(audit.summary.masked.lines, 3);
    assert_eq!(audit.summary.masked.amount, 120_000_000);
    assert!(audit.flagged.is_empty(), "{:#?}", audit.flagged);
    assert_eq!(
        audit.groups.len(),
        2,
        "one supplier and one account group: {:#?}",
        audit.groups
    );
}

#[test]
fn a_supplier_without_an_organisation_number_is_grouped_by_its_name() {
    let audit = run(
        &[(
            "names.csv",
            &ledger(&[
                "1;K;V1;Konsult Lisa Berg;;6550;K;400 000;2025-01-10;;;;;;",
                "1;K;V2;  konsult  LISA berg ;;6550;K;400 000;2025-02-10;;;;;;",
                "1;K;V3;Konsult Lisa Bergman;;6550;K;400 000;2025-03-10;;;;;;",
            ]),
        )],
        &se(),
        None,
    );
    let g = supplier(&audit, "konsult lisa berg");
    assert!(g.key_is_name);
    assert_eq!((g.sum, g.status), (80_000_000, GroupStatus::Flagged));
    assert_eq!(supplier(&audit, "konsult lisa bergman").lines, 1);
}

#[test]
fn rows_that_switch_buyer_at_every_line_keep_each_buyers_name() {
    // The name a group shows is its earliest line's, whichever buyer the line before was.
    let mut rows = Vec::new();
    for i in 0..6_000u32 {
        let (id, name) = if i % 2 == 0 {
            ("212000-1001", "Exempelstad")
        } else {
            ("212000-2002", "Annanstad")
        };
        let name = if i == 1 { "Annanstads kommun" } else { name };
        rows.push(format!(
            "{id};{name};V{i};Acme AB;556000-0001;6550;K;10;2025-01-10;;;;;;"
        ));
    }
    let bytes = ledger(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let audit = run(&[("switching.csv", &bytes)], &se(), None);
    let acme: Vec<_> = audit
        .groups
        .iter()
        .filter(|g| g.kind == GroupKind::Supplier)
        .map(|g| (g.buyer_id.as_str(), g.buyer.as_str(), g.lines))
        .collect();
    assert_eq!(acme.len(), 2, "{acme:?}");
    assert!(
        acme.contains(&("2120001001", "Exempelstad", 3_000)),
        "{acme:?}"
    );
    assert!(
        acme.contains(&("2120002002", "Annanstads kommun", 3_000)),
        "{acme:?}"
    );
}

#[test]
fn bad_rows_are_reported_with_file_and_line_and_the_rest_goes_on() {
    let good = ledger(&["1;K;V1;Acme AB;556000-0001;6550;K;100;2025-01-10;;;;;;"]);
    let bad = ledger(&[
        "1;K;V1;Acme AB;556000-0001;6550;K;12,345;2025-01-10;;;;;;",
        "1;K;V2;Acme AB;556000-0001;6550;K;100;2025-02-30;;;;;;",
        "1;K;V3;Acme AB",
        ";;V4;Acme AB;556000-0001;6550;K;100;2025-01-10;;;;;;",
        "1;K;V5;Acme AB;556000-0001;6550;K;200;2025-01-10;;;;;;",
    ]);
    let audit = run(&[("good.csv", &good), ("bad.csv", &bad)], &se(), None);
    let places: Vec<(&str, u64)> = audit
        .bad_rows
        .iter()
        .map(|r| (r.file.as_str(), r.line))
        .collect();
    assert_eq!(
        places,
        [
            ("bad.csv", 2),
            ("bad.csv", 3),
            ("bad.csv", 4),
            ("bad.csv", 5)
        ]
    );
    assert!(audit.bad_rows[0].message.contains("`12,345`"));
    assert!(audit.bad_rows[1].message.contains("not a date"));
    assert!(audit.bad_rows[2].message.contains("fields"));
    assert!(audit.bad_rows[3].message.contains("no buyer"));
    assert_eq!(supplier(&audit, "5560000001").sum, 30_000);
    assert_eq!(audit.summary.rows, 6);
}

#[test]
fn line_numbers_hold_across_chunk_boundaries() {
    // Far more than one read block, with a quoted newline early on and a bad row at the end.
    let mut rows = vec!["1;K;V0;\"Acme\nAB\";556000-0001;6550;K;1;2025-01-10;;;;;;".to_string()];
    for i in 1..40_000 {
        rows.push(format!(
            "1;K;V{i};Acme AB;556000-0001;6550;Konto med en lång text;1;2025-01-10;Förvaltningen;F{i};;;;"
        ));
    }
    rows.push("1;K;Vx;Acme AB;556000-0001;6550;K;x;2025-01-10;;;;;;".to_string());
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let bytes = ledger(&refs);
    assert!(bytes.len() > 3 << 20);
    let audit = run(&[("big.csv", &bytes)], &se(), None);
    assert_eq!(audit.bad_rows.len(), 1);
    assert_eq!(audit.bad_rows[0].line, 40_000 + 2 + 1);
    assert_eq!(supplier(&audit, "5560000001").lines, 40_000);
}

#[test]
fn columns_are_mapped_for_other_exports() {
    let text = "Org;Navn;Bilag;Leverandør;Orgnr;Konto;Kontotekst;Beløp;Dato\n9;Kommune;B1;Acme AS;999 888 777;6550;K;1 000 000,00;01.03.2025\n9;Kommune;B2;Acme AS;999888777;6550;K;400 000,00;02.04.2025\n";
    let mut options = for_country("NO");
    options.columns = audit::parse_mapping(
        "kopare_id=Org,kopare=Navn,verifikationsnummer=Bilag,leverantor=Leverandør,leverantor_id=Orgnr,konto_nr=Konto,konto_text=Kontotekst,belopp=Beløp,datum=Dato",
    )
    .unwrap_or_default();
    let audit = run(&[("no.csv", text.as_bytes())], &options, None);
    assert_eq!(audit.summary.bad_rows, 0, "{:?}", audit.bad_rows);
    let g = supplier(&audit, "999888777");
    assert_eq!((g.sum, g.status), (140_000_000, GroupStatus::Flagged));
    assert_eq!(g.month.as_deref(), Some("2025-04"));
    // Without the mapping the file cannot be read, and says which columns are missing.
    let unmapped = run(&[("no.csv", text.as_bytes())], &for_country("NO"), None);
    assert_eq!(unmapped.file_errors.len(), 1);
    assert!(unmapped.file_errors[0].message.contains("`kopare_id`"));
    assert!(unmapped.file_errors[0].message.contains("--columns"));
}

#[test]
fn a_fiscal_year_from_july_splits_the_calendar_year() {
    let rows = ledger(&[
        "1;K;V1;Acme AB;556000-0001;6550;K;400 000;2025-05-10;;;;;;",
        "1;K;V2;Acme AB;556000-0001;6550;K;400 000;2025-06-30;;;;;;",
        "1;K;V3;Acme AB;556000-0001;6550;K;400 000;2025-07-01;;;;;;",
    ]);
    let calendar = run(&[("fy.csv", &rows)], &se(), None);
    assert_eq!(
        supplier(&calendar, "5560000001").status,
        GroupStatus::Flagged
    );
    let mut july = se();
    july.fiscal_year_start = "07-01".parse().unwrap_or(july.fiscal_year_start);
    let split = run(&[("fy.csv", &rows)], &july, None);
    let years: Vec<(&str, i64, GroupStatus)> = split
        .groups
        .iter()
        .filter(|g| g.kind == GroupKind::Supplier)
        .map(|g| (g.fiscal_year.as_str(), g.sum, g.status))
        .collect();
    assert!(years.contains(&("2024/2025", 80_000_000, GroupStatus::Flagged)));
    assert!(years.contains(&("2025/2026", 40_000_000, GroupStatus::BelowLimit)));
    assert!("13-01".parse::<audit::FiscalYearStart>().is_err());
    assert!("02-29".parse::<audit::FiscalYearStart>().is_err());
}

#[test]
fn lines_under_a_contract_are_set_apart() {
    let rows = ledger(&[
        "1;K;V1;Acme AB;556100-0005;6550;K;400 000;2025-01-10;;;;;;",
        "1;K;V2;Acme AB;556100-0005;6550;K;400 000;2025-02-10;;;;;;",
        "1;K;V3;Other AB;556000-0009;6550;K;400 000;2025-02-10;;;;AVT-1;;",
        "1;K;V4;Other AB;556000-0009;6550;K;400 000;2025-03-10;;;;AVT-1;;",
    ]);
    let (register, bad) =
        Contracts::read(audit::contract_register().as_bytes(), "avtal.csv").expect("register");
    assert!(bad.is_empty());
    assert_eq!(register.len(), 1);
    let audit = run(&[("c.csv", &rows)], &se(), Some(&register));
    assert!(audit.flagged.is_empty(), "{:#?}", audit.flagged);
    assert_eq!(supplier(&audit, "5561000005").status, GroupStatus::Covered);
    assert_eq!(supplier(&audit, "5560000009").status, GroupStatus::Covered);
    assert_eq!(audit.summary.covered.lines, 4);
    // Without the register the first supplier is flagged.
    let without = run(&[("c.csv", &rows)], &se(), None);
    assert_eq!(
        supplier(&without, "5561000005").status,
        GroupStatus::Flagged
    );
}

#[test]
fn a_bad_contract_register_row_is_reported() {
    let text = "leverantor_id;avtal;start;slut;varde\n;A;2025-01-01;2025-12-31;1\n556000-0001;B;2025-12-31;2025-01-01;1\n556000-0001;C;2025-01-01;2025-06-30;1\n";
    let (register, bad) = Contracts::read(text.as_bytes(), "avtal.csv").expect("register");
    assert_eq!(register.len(), 1);
    let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn two_files_are_one_ledger() {
    let a = ledger(&["1;K;V1;Acme AB;556000-0001;6550;K;400 000;2025-01-10;;;;;;"]);
    let b = ledger(&["1;K;V2;Acme AB;556000-0001;6550;K;400 000;2025-02-10;;;;;;"]);
    let audit = run(&[("jan.csv", &a), ("feb.csv", &b)], &se(), None);
    let g = supplier(&audit, "5560000001");
    assert_eq!((g.sum, g.status), (80_000_000, GroupStatus::Flagged));
    let lines: Vec<&str> = audit.flagged[0]
        .lines
        .iter()
        .map(|l| l.file.as_str())
        .collect();
    assert_eq!(lines, ["jan.csv", "feb.csv"]);
}

#[test]
fn empty_and_utf16_files_are_errors_of_their_own() {
    let audit = run(
        &[("empty.csv", b""), ("wide.csv", b"\xff\xfek\x00")],
        &se(),
        None,
    );
    let messages: Vec<&str> = audit
        .file_errors
        .iter()
        .map(|e| e.message.as_str())
        .collect();
    assert!(messages[0].contains("empty"), "{messages:?}");
    assert!(messages[1].contains("UTF-16"), "{messages:?}");
}

#[test]
fn latin1_exports_keep_their_letters() {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"\n1;K\xf6ping;V1;\xc5kesson AB;;6550;K;100;2025-01-10;;;;;;\n");
    let audit = run(&[("latin1.csv", &bytes)], &se(), None);
    let g = supplier(&audit, "åkesson ab");
    assert_eq!(g.buyer, "Köping");
}

// ---- reports -----------------------------------------------------------------------------------

#[test]
fn the_reports_say_it_is_a_screening_and_show_the_planted_groups() {
    let (bytes, _) = generated("SE", 1_000, 1);
    let audit = run(&[("ledger.csv", &bytes)], &se(), None);
    let text = audit::report::text(&audit);
    assert!(text.contains("screening, inte ett avgörande"));
    assert!(text.contains("Konkurrensverkets"));
    assert!(text.contains("Att granska härnäst"));
    let json: serde_json::Value =
        serde_json::from_str(&audit::report::json(&audit)).expect("valid JSON");
    let flagged = json["flagged"].as_array().expect("flagged");
    assert_eq!(flagged.len(), audit.flagged.len());
    for key in [
        "buyer_id",
        "fiscal_year",
        "sum",
        "outcome",
        "procedure",
        "crossed_month",
        "lines",
    ] {
        assert!(flagged[0].get(key).is_some(), "no `{key}`");
    }
    assert_eq!(flagged[0]["supplier_id"], "5561000001");
    assert_eq!(flagged[0]["crossed_month"], "2025-02");
    assert_eq!(flagged[0]["outcome"], "not_allowed");
    assert!(json["summary"]["supplier_groups"]["below_limit"].as_u64() > Some(0));
    let csv = audit::report::csv(&audit);
    assert_eq!(csv.lines().count(), audit.flagged.len() + 1);
    assert!(csv.lines().nth(1).is_some_and(|l| l.contains("5561000001")));
    let html = audit::report::html(&audit);
    assert_eq!(html.matches("<svg").count(), audit.flagged.len());
    assert!(!html.contains("src=") && !html.contains("href="));
    assert!(html.contains("gränsen 700 000 kr"));
    let mut english = se();
    english.lang = regelverk::Lang::En;
    let audit = run(&[("ledger.csv", &bytes)], &english, None);
    assert!(audit::report::text(&audit).contains("This is a screening, not a verdict"));
}

#[test]
fn the_text_report_of_a_small_ledger() {
    let audit = run(
        &[(
            "liten.csv",
            &ledger(&[
                "212000-1001;Exempelstads kommun;V1;Acme AB;556000-0001;6550;Konsulter;300 000;2025-01-10;;F1;;;;",
                "212000-1001;Exempelstads kommun;V2;Acme AB;556000-0001;6550;Konsulter;300 000;2025-02-10;;F2;;;;",
                "212000-1001;Exempelstads kommun;V3;Acme AB;556000-0001;6550;Konsulter;300 000;2025-03-10;;F3;;;;",
                "212000-1001;Exempelstads kommun;V4;Bravo AB;556000-0002;6550;Konsulter;-20 000;2025-03-11;;F4;;;;",
                "212000-1001;Exempelstads kommun;V5;[innehåller personuppgifter];;6110;Material;5 000;2025-03-12;;F5;;;;",
                "212000-1001;Exempelstads kommun;V6;Avtal AB;556000-0003;7010;Entreprenader;900 000;2025-03-12;;F6;;AVT-9;;",
            ]),
        )],
        &se(),
        None,
    );
    insta::assert_snapshot!("audit_small_sv", audit::report::text(&audit));
}

// ---- the shortcut ------------------------------------------------------------------------------

#[test]
fn the_shortcut_gives_the_same_audit_as_deciding_every_month() {
    for jurisdiction in ["SE", "NO"] {
        let (bytes, _) = generated(jurisdiction, 6_000, 11);
        let fast = options(jurisdiction);
        let mut full = options(jurisdiction);
        full.shortcut = false;
        let a = run(&[("ledger.csv", &bytes)], &fast, None);
        let b = run(&[("ledger.csv", &bytes)], &full, None);
        assert_eq!(audit::report::json(&a), audit::report::json(&b));
        assert_eq!(a.groups, b.groups);
    }
}

/// The options for one of four kinds of buyer in Sweden or Norway, for the properties below.
fn buyer_options(norway: bool, kind: usize) -> AuditOptions {
    let jurisdiction = if norway { "NO" } else { "SE" };
    let mut options = for_country(jurisdiction);
    let kinds: [&str; 4] = if norway {
        [
            "kommune",
            "fylkeskommune",
            "helseforetak",
            "offentligrettslig_organ",
        ]
    } else {
        ["kommun", "region", "statlig_myndighet", "kommunalt_bolag"]
    };
    options.buyer_kind = kinds[kind % 4].to_string();
    options
}

/// The day `day` days after 1 July 2014.
fn day_from_2014(day: i32) -> jiff::civil::Date {
    let start = jiff::civil::date(2014, 7, 1);
    start
        .checked_add(jiff::Span::new().days(day))
        .expect("a date")
}

mod monotone {
    //! The shortcut rests on the rule set being monotone in amounts: if a purchase is allowed in
    //! every branch, so is any purchase with a smaller value and smaller earlier spend, on the
    //! same day. Checked here over the shipped rules, both countries, 2014–2027.
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn a_smaller_purchase_is_never_less_allowed(
            norway in any::<bool>(),
            day in 0i32..(13 * 365),
            value in 1i64..2_000_000_000, // öre: up to 20 million kronor
            earlier in 0i64..2_000_000_000,
            value_share in 0.0f64..=1.0,
            earlier_share in 0.0f64..=1.0,
            kind in 0usize..4,
        ) {
            let options = buyer_options(norway, kind);
            let date = day_from_2014(day);
            let larger = audit::pose(rules(), &options, date, value, earlier);
            let smaller_value = ((value as f64 * value_share) as i64).max(1);
            let smaller = audit::pose(rules(), &options, date, smaller_value, (earlier as f64 * earlier_share) as i64);
            if audit::screen(rules(), &larger).is_allowed() {
                prop_assert!(
                    audit::screen(rules(), &smaller).is_allowed(),
                    "allowed at {:?} but not at {:?}", larger, smaller
                );
            }
        }
    }
}

mod screening {
    //! `screen` reads the ways a ledger's missing facts could fall off the engine's own branches
    //! and decides only the ways no branch settles; `screen_deciding_each` decides every way on
    //! its own. Both must give the same screening — branches, outcomes, procedures and deciding
    //! rules — for any purchase a ledger poses, in both countries, 2014–2027.
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn reading_the_engines_branches_screens_as_deciding_each_way(
            norway in any::<bool>(),
            day in 0i32..(13 * 365),
            // öre: up to 20 million kronor, most of them near the limits
            value in prop_oneof![1i64..2_000_000_000, 5_000_000i64..300_000_000],
            earlier in prop_oneof![Just(0i64), 0i64..2_000_000_000, 5_000_000i64..300_000_000],
            kind in 0usize..4,
            category in 0usize..4,
        ) {
            let mut options = buyer_options(norway, kind);
            options.category = ["goods", "services", "works"].get(category).map(|c| c.to_string());
            let date = day_from_2014(day);
            let case = audit::pose(rules(), &options, date, value, earlier);
            prop_assert_eq!(
                audit::screen(rules(), &case),
                audit::screen_deciding_each(rules(), &case),
                "{:?}", case
            );
        }
    }
}

// ---- a country from rule files alone -----------------------------------------------------------

/// A ledger declaration for Denmark, whose rules and vocabulary are shipped but whose ledgers are
/// not: in the Swedish specification's layout, by Danish municipalities.
const DANISH_LEDGERS: &str = r#"jurisdiction DK

ledger for DK
  layout leverantorsreskontra
  buyer buyer.kind is dansk_kommune
  value purchase.value
  earlier purchase.same_kind_this_year
  category purchase.category
  not recorded purchase.category,
    purchase.service_class when purchase.category is services
  grouping
    sv "En grupp betalningar är inte ett kontrakt."
    nb "En gruppe betalinger er ikke en kontrakt."
    en "A group of payments is not a contract."
  next steps
    sv "Läs fakturorna."
    nb "Les fakturaene."
    en "Read the invoices."
"#;

/// A copy of the shipped rules with `extra` added as `dk/reskontra.regel`.
fn rules_with_danish_ledgers(name: &str) -> std::path::PathBuf {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
        for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{e}")) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let target = to.join(path.file_name().unwrap_or_default());
            if path.is_dir() {
                copy(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("regelverk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"),
        &dir,
    );
    std::fs::write(dir.join("dk/reskontra.regel"), DANISH_LEDGERS)
        .unwrap_or_else(|e| panic!("{e}"));
    dir
}

#[test]
fn a_country_whose_ledgers_a_rule_file_declares_is_audited_with_no_change_to_the_program() {
    // The shipped rules do not declare Denmark's ledgers.
    let err = AuditOptions::for_jurisdiction(rules(), "dk").expect_err("no Danish ledgers");
    assert!(err.contains("`DK`") && err.contains("SE, NO"), "{err}");

    let dir = rules_with_danish_ledgers("danish-ledgers");
    let danish = RuleSet::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    let options = AuditOptions::for_jurisdiction(&danish, "dk").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(options.jurisdiction, "DK");
    assert_eq!(options.buyer_kind, "dansk_kommune");
    assert_eq!(options.currency.code(), "DKK");
    // Above the EU threshold for municipalities (DKK 1 644 638 in 2025) a purchase of goods is
    // not a direct award; a small one below it turns on a clear cross-border interest, which
    // the rules ask and a ledger does not say.
    let text = [
        HEADER,
        "29189846;Exempelby;V1;Leverandøren A/S;12345678;4010;Varer;2 000 000,00;2025-03-10;;;;;;",
        "29189846;Exempelby;V2;Lille Leverandør ApS;87654321;6550;Konsulent;10 000,00;2025-03-11;;;;;;",
        "",
    ]
    .join("\n");
    let inputs = vec![LedgerInput {
        name: "dk.csv".to_string(),
        reader: text.as_bytes(),
        size: None,
    }];
    let audit = audit::audit(&danish, inputs, None, &options, |_| {});
    assert_eq!(audit.summary.bad_rows, 0, "{:?}", audit.bad_rows);
    assert_eq!(audit.summary.jurisdiction, "DK");
    let big = supplier(&audit, "12345678");
    assert_eq!(big.status, GroupStatus::Flagged);
    assert_eq!(big.month.as_deref(), Some("2025-03"));
    let small = supplier(&audit, "87654321");
    assert_eq!(small.status, GroupStatus::Undecided);
    let flagged = &audit.flagged[0];
    assert!(!flagged.decided_by.is_empty() && flagged.limit.is_some());
    let report = audit::report::text(&audit);
    assert!(
        report.contains("A group of payments is not a contract."),
        "{report}"
    );
    assert!(report.contains("Read the invoices."), "{report}");
    assert!(report.contains("DKK"), "{report}");
}

/// A purchase as the audit poses one month: its value and the earlier same-kind spend that
/// fiscal year, in the country's currency, on 2025-05-01.
fn posed(code: &str, kind: &str, value: i64, earlier: i64) -> regelverk::Case {
    let currency = rules().currency(code).expect("a country");
    let mut case = rules()
        .new_case(code, jiff::civil::date(2025, 5, 1))
        .expect("a country");
    let _ = case.set("buyer.kind", kind);
    let _ = case.set("purchase.value", &format!("{value} {currency}"));
    let _ = case.set(
        "purchase.same_kind_this_year",
        &format!("{earlier} {currency}"),
    );
    case
}

#[test]
fn a_small_purchase_is_one_branch_whatever_the_service() {
    let s = audit::screen(rules(), &posed("SE", "kommun", 5_000, 0));
    assert_eq!(s.branches.len(), 1);
    assert!(s.branches[0].assumes.is_empty());
    assert!(s.is_allowed());
}

#[test]
fn over_the_swedish_limit_the_service_class_is_the_branch() {
    let s = audit::screen(rules(), &posed("SE", "kommun", 60_000, 660_000));
    assert!(s.is_flagged());
    // Whether the payments are one recurring contract changes nothing in Sweden.
    let facts: Vec<_> = s.branches.iter().flat_map(|b| &b.assumes).collect();
    assert!(facts.iter().all(|a| a.fact != "purchase.recurring"));
    let values = |bs: Vec<&audit::Branch>| -> Vec<Vec<&str>> {
        bs.iter()
            .map(|b| b.assumes.iter().map(|a| a.value).collect())
            .collect()
    };
    assert_eq!(
        values(s.not_allowed_in().collect()),
        [vec!["goods"], vec!["services", "ordinary"], vec!["works"]]
    );
    assert_eq!(
        values(s.allowed_in().collect()),
        [
            vec!["services", "health_social"],
            vec!["services", "other_special"]
        ]
    );
}

#[test]
fn in_norway_whether_the_payments_are_one_recurring_contract_is_the_branch() {
    let s = audit::screen(rules(), &posed("NO", "kommune", 120_000, 1_300_000));
    assert!(s.is_flagged());
    for b in s.not_allowed_in() {
        assert!(b.assumes.contains(&audit::Assumption {
            fact: "purchase.recurring",
            value: "true"
        }));
    }
    assert!(
        s.allowed_in()
            .any(|b| b.assumes.contains(&audit::Assumption {
                fact: "purchase.recurring",
                value: "false"
            }))
    );
}
