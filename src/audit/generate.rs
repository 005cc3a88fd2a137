//! Synthetic supplier ledgers with planted patterns, for tests, benchmarks and the README.
//!
//! The ledger is written in the layout the rules' `ledger for` declaration of the country names:
//! as the Swedish specification has it (its column names, `;`, Swedish amounts like
//! `12 345,67`, a BOM), or as a Norwegian municipal export with its own column names (read with
//! [`NORWEGIAN_COLUMNS`]) and dates like `14.03.2025`. The buyers are of the kind the declaration
//! assumes. Around the planted patterns are background payments kept below half the limit per
//! supplier and per account.
//!
//! The limit the patterns are planted around is found by asking the engine (the smallest whole
//! amount a single purchase may not be awarded directly at, in some branch), never written here.
//!
//! Invariant: the same options and rules give the same bytes.

use std::io::{self, Write};

use hashbrown::HashMap;
use jiff::civil::Date;

use super::{AuditOptions, GroupKind, LedgerLayout, ledger::Minor, pose, screen};
use crate::RuleSet;

/// What `--columns` must say to read a Norwegian ledger from [`generate`].
pub const NORWEGIAN_COLUMNS: &str = "kopare_id=Kjøper-ID,kopare=Kjøper,verifikationsnummer=Bilagsnummer,leverantor=Leverandørnavn,leverantor_id=Organisasjonsnummer,konto_nr=Kontonummer,konto_text=Kontonavn,belopp=Beløp,datum=Dato,avtal=Avtale,fakturanummer=Fakturanummer";

const SWEDISH_HEADER: &str = "kopare_id;kopare;verifikationsnummer;leverantor;leverantor_id;konto_nr;konto_text;belopp;datum;forvaltning;fakturanummer;grund;avtal;kommun_id;s_kod_nr";
const NORWEGIAN_HEADER: &str = "Kjøper-ID;Kjøper;Bilagsnummer;Leverandørnavn;Organisasjonsnummer;Kontonummer;Kontonavn;Beløp;Dato;Avtale;Fakturanummer";

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GeneratorOptions {
    /// Rows to write, at least (the planted patterns are written even if this is smaller).
    pub rows: u64,
    /// The seed: the same seed gives the same ledger.
    pub seed: u64,
    /// The buyers' country, by its code: one whose ledgers the rules declare (`ledger for`).
    pub jurisdiction: String,
    /// The calendar year the payments fall in.
    pub year: i16,
}

impl GeneratorOptions {
    /// Options for a year of 2025, with the given rows and seed.
    pub fn new(jurisdiction: &str, rows: u64, seed: u64) -> GeneratorOptions {
        GeneratorOptions {
            rows,
            seed,
            jurisdiction: jurisdiction.to_string(),
            year: 2025,
        }
    }
}

/// A planted group and what an audit must find for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Planted {
    /// The pattern planted, e.g. `split`.
    pub pattern: &'static str,
    /// By supplier or by account.
    pub kind: GroupKind,
    /// The buyer's organisation number, digits only.
    pub buyer_id: String,
    /// The supplier's organisation number (digits), its name (lower case), or the account.
    pub key: String,
    /// The group's net spend in the year, in minor units.
    pub sum: Minor,
    /// `Some("YYYY-MM")`: flagged from that month; `None`: must not be flagged.
    pub crossing_month: Option<String>,
}

struct Buyer {
    id: &'static str,
    name: &'static str,
    /// The `kommun_id` column: the buyer's municipality code in the Swedish layout.
    code: &'static str,
}

const BUYERS: [Buyer; 2] = [
    Buyer {
        id: "212000-1001",
        name: "Exempelstad",
        code: "9901",
    },
    Buyer {
        id: "212000-1002",
        name: "Exempelby",
        code: "9902",
    },
];

const ACCOUNTS: [(&str, &str); 12] = [
    ("4010", "Inköp av material och varor"),
    ("4610", "Livsmedel"),
    ("5410", "Förbrukningsinventarier"),
    ("5460", "Förbrukningsmaterial"),
    ("6110", "Kontorsmaterial"),
    ("6230", "Datakommunikation"),
    ("6420", "Resor"),
    ("6550", "Konsultarvoden"),
    ("6590", "Övriga externa tjänster"),
    ("7010", "Entreprenader"),
    ("7130", "Transporter"),
    ("7510", "Hyra av lokaler"),
];

const FORVALTNINGAR: [&str; 4] = [
    "Barn- och utbildningsförvaltningen",
    "Socialförvaltningen",
    "Samhällsbyggnadsförvaltningen",
    "Kommunstyrelseförvaltningen",
];

const NAME_PARTS: [&str; 12] = [
    "Nord", "Syd", "Berg", "Dal", "Sjö", "Skog", "Fjäll", "Älv", "Ängs", "Bro", "Holm", "Vik",
];
const NAME_KINDS: [&str; 8] = [
    "Bygg AB",
    "Konsult AB",
    "Data AB",
    "Service AB",
    "Transport AB",
    "Kontorsvaror AB",
    "El & VVS AB",
    "Tryckeri AB",
];

/// A small deterministic generator (SplitMix64): test data must be the same on every machine,
/// and the library should not depend on a random-number crate for it.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// A number in `0.0..1.0` drawn as a fraction of 2^53; used only to shape amounts, which
    /// are then whole öre.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One line to write.
struct Line<'a> {
    buyer: &'a Buyer,
    verification: String,
    supplier: String,
    supplier_id: String,
    account: (&'a str, &'a str),
    amount: Minor,
    date: Date,
    invoice: String,
    contract: &'a str,
}

struct Writer<'w, W: Write> {
    out: &'w mut W,
    layout: LedgerLayout,
    verification: u64,
    written: u64,
}

impl<W: Write> Writer<'_, W> {
    fn next_verification(&mut self) -> String {
        self.verification += 1;
        format!("LF25-{:07}", self.verification)
    }

    fn line(&mut self, l: &Line<'_>) -> io::Result<()> {
        let amount = swedish_amount(l.amount);
        self.written += 1;
        match self.layout {
            LedgerLayout::Leverantorsreskontra => writeln!(
                self.out,
                "{};{};{};{};{};{};{};{};{};{};{};;{};{};",
                l.buyer.id,
                quote(l.buyer.name),
                l.verification,
                quote(&l.supplier),
                l.supplier_id,
                l.account.0,
                quote(l.account.1),
                amount,
                l.date,
                FORVALTNINGAR[(l.verification.len() + l.account.0.len()) % FORVALTNINGAR.len()],
                l.invoice,
                l.contract,
                l.buyer.code,
            ),
            LedgerLayout::Leverandorreskontro => writeln!(
                self.out,
                "{};{};{};{};{};{};{};{};{:02}.{:02}.{};{};{}",
                l.buyer.id.replace('-', ""),
                quote(l.buyer.name),
                l.verification,
                quote(&l.supplier),
                l.supplier_id.replace('-', ""),
                l.account.0,
                quote(l.account.1),
                amount,
                l.date.day(),
                l.date.month(),
                l.date.year(),
                l.contract,
                l.invoice,
            ),
        }
    }
}

/// Quotes a field when it holds the delimiter or a quote, as spreadsheet exports do.
fn quote(text: &str) -> String {
    if text.contains([';', '"']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// An amount as a Swedish export writes it (`1 234 567,80`), with a leading minus for credit
/// notes.
fn swedish_amount(minor: Minor) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let amount = rust_decimal::Decimal::new(minor.abs(), 2);
    format!(
        "{sign}{}",
        crate::money::format_amount(amount, crate::Lang::Sv)
    )
}

/// The smallest whole amount at which a single purchase on `date` may not be awarded directly
/// in some branch, as the engine decides it; `None` if none up to ten billion. Amounts are tried
/// upwards (1, 2, 5, 10, 20, …) and the first bracket that flags is halved: higher up, other
/// thresholds may leave a branch undecided rather than not allowed.
pub fn probe_limit(rules: &RuleSet, options: &AuditOptions, date: Date) -> Option<Minor> {
    let flagged =
        |kronor: Minor| screen(rules, &pose(rules, options, date, kronor * 100, 0)).is_flagged();
    let mut low: Minor = 0;
    let mut high: Minor = 1;
    while !flagged(high) {
        low = high;
        high = match high.to_string().as_bytes().first() {
            Some(b'2') => high / 2 * 5,
            _ => high * 2,
        };
        if high > 10_000_000_000 {
            return None;
        }
    }
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if flagged(mid) {
            high = mid;
        } else {
            low = mid;
        }
    }
    Some(high * 100)
}

/// Writes a ledger and returns what was planted in it. The limit comes from the engine (see
/// [`probe_limit`]); an error if the rules give none for the year.
pub fn generate(
    rules: &RuleSet,
    options: &GeneratorOptions,
    out: &mut impl Write,
) -> io::Result<Vec<Planted>> {
    let audit =
        AuditOptions::for_jurisdiction(rules, &options.jurisdiction).map_err(io::Error::other)?;
    let year = options.year;
    let on = |month: i8, day: i8| Date::new(year, month, day).unwrap_or_default();
    let limit = probe_limit(rules, &audit, on(6, 30)).ok_or_else(|| {
        io::Error::other(format!(
            "the rules give no limit for a direct award in {year}; nothing to plant"
        ))
    })?;
    // The patterns are planted a few thousand below and above the limit, and the background
    // below half of it: a limit under this leaves no room (the rules may give one, e.g. where a
    // branch needs a procedure at any value).
    const SMALLEST_LIMIT: Minor = 1_000_000;
    if limit < SMALLEST_LIMIT {
        return Err(io::Error::other(format!(
            "the rules give {} as the limit for a direct award in {year} in some branch: too small to plant the patterns around (at least {})",
            super::money(limit, audit.currency),
            super::money(SMALLEST_LIMIT, audit.currency)
        )));
    }
    let part = |share: i64| limit * share / 100 / 100 * 100;
    let mut w = Writer {
        out,
        layout: audit.ledger.layout,
        verification: 0,
        written: 0,
    };
    match w.layout {
        LedgerLayout::Leverantorsreskontra => {
            w.out.write_all(b"\xef\xbb\xbf")?;
            writeln!(w.out, "{SWEDISH_HEADER}")?;
        }
        LedgerLayout::Leverandorreskontro => writeln!(w.out, "{NORWEGIAN_HEADER}")?,
    }
    let mut random = Random(options.seed ^ 0x5eed);
    let [a, b] = &BUYERS;
    let mut planted = Vec::new();
    let digits = |id: &str| id.chars().filter(char::is_ascii_digit).collect::<String>();
    let month_label = |m: i8| format!("{year:04}-{m:02}");
    // The planted patterns have accounts of their own, which the background never uses, so
    // that their account groups are exactly the patterns too.
    let it_consultancy = ("6551", "Konsulttjänster IT");
    let cleaning = ("6591", "Städtjänster");
    let other_consultancy = ("6552", "Konsulttjänster övriga");

    let mut plant = |w: &mut Writer<'_, _>,
                     buyer: &'static Buyer,
                     supplier: &str,
                     supplier_id: &str,
                     account: (&'static str, &'static str),
                     payments: &[(Date, Minor)],
                     contract: &'static str,
                     lines_per_payment: i64|
     -> io::Result<Minor> {
        let mut sum = 0;
        for &(date, amount) in payments {
            let verification = w.next_verification();
            let invoice = format!("{}", 100_000 + random.below(900_000));
            // A payment may be booked on several lines (one per cost centre): same voucher.
            let mut left = amount;
            for i in 0..lines_per_payment {
                let this = if i + 1 == lines_per_payment {
                    left
                } else {
                    amount / lines_per_payment / 100 * 100
                };
                left -= this;
                w.line(&Line {
                    buyer,
                    verification: verification.clone(),
                    supplier: supplier.to_string(),
                    supplier_id: supplier_id.to_string(),
                    account,
                    amount: this,
                    date,
                    invoice: invoice.clone(),
                    contract,
                })?;
            }
            sum += amount;
        }
        Ok(sum)
    };

    // 1. Paid every month just under the limit, far over it in the year: flagged in February.
    let monthly: Vec<(Date, Minor)> = (1..=12).map(|m| (on(m, 25), limit - 500_000)).collect();
    let sum = plant(
        &mut w,
        a,
        "Konsultbolaget Norrsken AB",
        "556100-0001",
        it_consultancy,
        &monthly,
        "",
        2,
    )?;
    planted.extend(twins(
        "monthly just under the limit",
        digits(a.id),
        "5561000001",
        it_consultancy.0,
        sum,
        Some(month_label(2)),
    ));

    // 2. A fifth of the limit a month with a credit note in March: flagged in May.
    let mut creep: Vec<(Date, Minor)> = (1..=12).map(|m| (on(m, 10), part(22))).collect();
    creep.insert(3, (on(3, 20), -part(5)));
    let sum = plant(
        &mut w,
        b,
        "Städ & Fastighet \"Mitt\" AB",
        "556100-0002",
        cleaning,
        &creep,
        "",
        1,
    )?;
    planted.extend(twins(
        "monthly creep with a credit note",
        digits(b.id),
        "5561000002",
        cleaning.0,
        sum,
        Some(month_label(5)),
    ));

    // 3. Over the limit gross, but a credit note keeps the net below it all year.
    let credited = [
        (on(1, 15), part(60)),
        (on(2, 15), -part(30)),
        (on(3, 15), part(50)),
    ];
    let sum = plant(
        &mut w,
        a,
        "Kreditbolaget AB",
        "556100-0003",
        ("4011", "Material"),
        &credited,
        "",
        1,
    )?;
    planted.extend(twins(
        "credit note keeps it below",
        digits(a.id),
        "5561000003",
        "4011",
        sum,
        None,
    ));

    // 4. Paid under a contract named in the `avtal` column: set apart, never flagged.
    let covered: Vec<(Date, Minor)> = (1..=12).map(|m| (on(m, 5), part(90))).collect();
    let sum = plant(
        &mut w,
        a,
        "Avtalsleverantören AB",
        "556100-0004",
        ("7011", "Entreprenader enligt avtal"),
        &covered,
        "AVT-2024-017",
        1,
    )?;
    planted.extend(twins(
        "covered by a contract",
        digits(a.id),
        "5561000004",
        "7011",
        sum,
        None,
    ));

    // 5. Masked sole traders: not auditable, never lumped together, though they add up.
    for (i, name) in [
        "[innehåller personuppgifter]",
        "",
        "[innehåller personuppgifter]",
    ]
    .iter()
    .enumerate()
    {
        let month = i8::try_from(i).unwrap_or(0) * 3 + 1;
        plant(
            &mut w,
            a,
            name,
            "",
            ("6592", "Arvoden till enskilda"),
            &[(on(month, 12), part(45)), (on(month + 1, 12), part(45))],
            "",
            1,
        )?;
    }

    // 6. One supplier paid by both buyers: below the limit for each.
    for buyer in [a, b] {
        let sum = plant(
            &mut w,
            buyer,
            "Gemensam Leverantör AB",
            "556100-0006",
            ("6421", "Kurser och konferenser"),
            &[(on(4, 2), part(35)), (on(9, 2), part(30))],
            "",
            1,
        )?;
        planted.extend(twins(
            "two buyers",
            digits(buyer.id),
            "5561000006",
            "6421",
            sum,
            None,
        ));
    }

    // 7. Twenty suppliers on one account, each far below the limit: the account is flagged in
    // July (two a month at 8 % each).
    let spread_account = ("6560", "Utredningstjänster");
    let mut account_sum = 0;
    for i in 0..20i8 {
        let supplier_id = format!("556200-{:04}", i + 1);
        let sum = plant(
            &mut w,
            a,
            &format!(
                "Utredarna {} AB",
                NAME_PARTS[usize::try_from(i).unwrap_or(0) % 12]
            ),
            &supplier_id,
            spread_account,
            &[(on(i / 2 + 1, 3 + i % 2), part(8))],
            "",
            1,
        )?;
        account_sum += sum;
    }
    planted.push(Planted {
        pattern: "many suppliers on one account",
        kind: GroupKind::Account,
        buyer_id: digits(a.id),
        key: spread_account.0.into(),
        sum: account_sum,
        crossing_month: Some(month_label(7)),
    });

    // 8. A supplier with no organisation number, its name written three ways: grouped by name,
    // flagged in April.
    let mut sum = 0;
    for (m, name) in (1..=6).zip([
        "Konsult Lisa Berg",
        "Konsult  Lisa Berg",
        "konsult lisa berg ",
        "Konsult Lisa Berg",
        "KONSULT LISA BERG",
        "Konsult Lisa Berg",
    ]) {
        sum += plant(
            &mut w,
            b,
            name,
            "",
            other_consultancy,
            &[(on(m, 18), part(30))],
            "",
            1,
        )?;
    }
    planted.extend(twins(
        "no organisation number",
        digits(b.id),
        "konsult lisa berg",
        other_consultancy.0,
        sum,
        Some(month_label(4)),
    ));

    background(&mut w, &mut random, options, limit)?;
    Ok(planted)
}

/// A pattern's supplier group and its account group, which hold the same lines.
fn twins(
    pattern: &'static str,
    buyer_id: String,
    supplier: &str,
    account: &str,
    sum: Minor,
    crossing_month: Option<String>,
) -> [Planted; 2] {
    let group = |kind, key: &str| Planted {
        pattern,
        kind,
        buyer_id: buyer_id.clone(),
        key: key.to_string(),
        sum,
        crossing_month: crossing_month.clone(),
    };
    [
        group(GroupKind::Supplier, supplier),
        group(GroupKind::Account, account),
    ]
}

/// Background payments: many suppliers and accounts, each kept below half the limit in the
/// year, so that only the planted groups can be flagged. A third are under contracts.
fn background<W: Write>(
    w: &mut Writer<'_, W>,
    random: &mut Random,
    options: &GeneratorOptions,
    limit: Minor,
) -> io::Result<()> {
    let cap = limit / 2;
    let year = options.year;
    let remaining = options.rows.saturating_sub(w.written);
    // Large ledgers are many buyers' ledgers: at most 100 000 rows a buyer, like a large kommun.
    let buyer_count = remaining.div_ceil(100_000).max(1);
    let mut spent: HashMap<(u64, u64), Minor> = HashMap::new();
    let mut account_spent: HashMap<(u64, u64), Minor> = HashMap::new();
    let mut next_supplier = vec![0u64; usize::try_from(buyer_count).unwrap_or(1)];
    let mut next_account = vec![0u64; usize::try_from(buyer_count).unwrap_or(1)];
    let suppliers_per_buyer = (remaining / buyer_count / 25).max(40);
    let leaked: Vec<Buyer> = (2..buyer_count)
        .map(|i| Buyer {
            id: Box::leak(format!("212000-{:04}", 1001 + i).into_boxed_str()),
            name: Box::leak(format!("Exempelort {}", i + 1).into_boxed_str()),
            code: Box::leak(format!("{}", 9901 + i).into_boxed_str()),
        })
        .collect();
    let buyer_of = |i: u64| -> &Buyer {
        match i {
            0 => &BUYERS[0],
            1 => &BUYERS[1],
            _ => &leaked[usize::try_from(i - 2).unwrap_or(0)],
        }
    };
    for row in 0..remaining {
        // One buyer's ledger after another, as files from several buyers are put together.
        let buyer_index = row * buyer_count / remaining.max(1);
        let b = usize::try_from(buyer_index).unwrap_or(0);
        // Amounts from 50 kr to about 2 % of the limit, most of them small, in whole öre.
        let shape = random.unit();
        let amount = (5_000.0 * (limit as f64 / 250_000.0).powf(shape * shape)) as Minor
            + Minor::try_from(random.below(100)).unwrap_or(0);
        let mut supplier = random.below(suppliers_per_buyer) + next_supplier[b];
        if spent.get(&(buyer_index, supplier)).copied().unwrap_or(0) + amount > cap {
            next_supplier[b] += suppliers_per_buyer;
            supplier = random.below(suppliers_per_buyer) + next_supplier[b];
        }
        let mut account = random.below(ACCOUNTS.len() as u64 * 4) + next_account[b];
        while account_spent
            .get(&(buyer_index, account))
            .copied()
            .unwrap_or(0)
            + amount
            > cap
        {
            account += 1;
            next_account[b] = next_account[b].max(account.saturating_sub(40));
        }
        *spent.entry((buyer_index, supplier)).or_default() += amount;
        *account_spent.entry((buyer_index, account)).or_default() += amount;
        let (account_nr, account_text) = background_account(account);
        let date = Date::new(
            year,
            i8::try_from(1 + random.below(12)).unwrap_or(1),
            i8::try_from(1 + random.below(28)).unwrap_or(1),
        )
        .unwrap_or_default();
        let contract = if random.below(3) == 0 {
            "RAM-2023-104"
        } else {
            ""
        };
        let verification = w.next_verification();
        w.line(&Line {
            buyer: buyer_of(buyer_index),
            verification,
            supplier: supplier_name(supplier),
            supplier_id: format!(
                "559{:03}-{:04}",
                supplier / 10_000 % 1000,
                supplier % 10_000
            ),
            account: (&account_nr, &account_text),
            amount,
            date,
            invoice: format!("{}", 1_000_000 + random.below(9_000_000)),
            contract,
        })?;
    }
    Ok(())
}

fn background_account(n: u64) -> (String, String) {
    let (base, text) = ACCOUNTS[usize::try_from(n % ACCOUNTS.len() as u64).unwrap_or(0)];
    let series = n / ACCOUNTS.len() as u64;
    if series == 0 {
        (base.to_string(), text.to_string())
    } else {
        (format!("{base}{series:02}"), format!("{text} {series}"))
    }
}

fn supplier_name(n: u64) -> String {
    let pick = |i: u64, of: &[&'static str]| of[usize::try_from(i % of.len() as u64).unwrap_or(0)];
    let first = pick(n, &NAME_PARTS);
    let second = pick(n / 12, &NAME_PARTS).to_lowercase();
    let kind = pick(n / 144, &NAME_KINDS);
    match n / 1152 {
        0 => format!("{first}{second} {kind}"),
        series => format!("{first}{second} {series} {kind}"),
    }
}

/// A contract register for the background's framework contract, for tests of `--contracts`.
pub fn contract_register() -> String {
    "leverantor_id;avtal;start;slut;varde\n556100-0005;AVT-2025-002;2025-01-01;2025-12-31;9 000 000\n"
        .to_string()
}
