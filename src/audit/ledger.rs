//! Reading a supplier ledger: the header and its columns, the delimiter, and each row normalised
//! from the untidy forms real exports use.
//!
//! Invariant: a row either becomes a [`Row`] whose amount is exact (minor units, never a float)
//! and whose date is a calendar date, or a [`RowError`] that says what was wrong with it; a row
//! never stops the rest of the file. Nothing here decides anything.

use std::borrow::Cow;

use jiff::civil::Date;

/// The file formats of published supplier ledgers the audit knows, named in a rule file's
/// `ledger for` declaration (`layout leverantorsreskontra`). The reader takes any of them by
/// its header, by the column names (see `--columns`); the generator writes each as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LedgerLayout {
    /// The Swedish open-data specification "Leverantörsreskontra" 1.1: its column names
    /// ([`COLUMNS`]), `;`, amounts like `12 345,67`, dates like `2025-03-14`, a BOM.
    Leverantorsreskontra,
    /// A municipal "leverandørreskontro" export: its own column names (read with
    /// `NORWEGIAN_COLUMNS`), `;`, amounts like `12 345,67`, dates like `14.03.2025`.
    Leverandorreskontro,
}

impl LedgerLayout {
    /// Every layout, in the order messages list them.
    pub const ALL: [LedgerLayout; 2] = [
        LedgerLayout::Leverantorsreskontra,
        LedgerLayout::Leverandorreskontro,
    ];

    /// How a rule file names it.
    pub fn name(self) -> &'static str {
        match self {
            LedgerLayout::Leverantorsreskontra => "leverantorsreskontra",
            LedgerLayout::Leverandorreskontro => "leverandorreskontro",
        }
    }

    /// The layout a rule file names.
    pub fn from_name(name: &str) -> Option<LedgerLayout> {
        LedgerLayout::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// The columns of the Swedish open-data specification "Leverantörsreskontra" 1.1, in its order.
/// The first nine are required.
pub const COLUMNS: [&str; 15] = [
    "kopare_id",
    "kopare",
    "verifikationsnummer",
    "leverantor",
    "leverantor_id",
    "konto_nr",
    "konto_text",
    "belopp",
    "datum",
    "forvaltning",
    "fakturanummer",
    "grund",
    "avtal",
    "kommun_id",
    "s_kod_nr",
];

/// How many of [`COLUMNS`] a ledger must have.
pub const REQUIRED_COLUMNS: usize = 9;

/// The columns the audit reads, by their place in [`COLUMNS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    BuyerId = 0,
    Buyer = 1,
    Verification = 2,
    Supplier = 3,
    SupplierId = 4,
    Account = 5,
    AccountText = 6,
    Amount = 7,
    Date = 8,
    Invoice = 10,
    Contract = 12,
}

/// Where each column is in one file's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub delimiter: u8,
    /// For each of [`COLUMNS`], its index in the file, if the file has it.
    pub index: [Option<usize>; COLUMNS.len()],
    /// How many fields the header has.
    pub width: usize,
    /// How many fields a row needs to have every required column.
    pub needed: usize,
}

impl Layout {
    /// Matches a header against the specification's column names, after the user's mapping
    /// (`canonical name → header name`). Names are compared without case, accents on å/ä/ö, or
    /// the difference between spaces, hyphens and underscores.
    pub fn from_header(
        header: &csv::ByteRecord,
        delimiter: u8,
        mapping: &[(String, String)],
    ) -> Result<Layout, String> {
        let names: Vec<String> = header.iter().map(|f| fold_name(&text(f))).collect();
        let mut index = [None; COLUMNS.len()];
        for (slot, canonical) in index.iter_mut().zip(COLUMNS) {
            let wanted = mapping
                .iter()
                .find(|(c, _)| fold_name(c) == canonical)
                .map_or_else(|| canonical.to_string(), |(_, h)| fold_name(h));
            *slot = names.iter().position(|n| *n == wanted);
        }
        let missing: Vec<String> = COLUMNS[..REQUIRED_COLUMNS]
            .iter()
            .zip(&index)
            .filter(|(_, i)| i.is_none())
            .map(|(c, _)| {
                mapping
                    .iter()
                    .find(|(m, _)| fold_name(m) == *c)
                    .map_or_else(|| format!("`{c}`"), |(_, h)| format!("`{h}` (for `{c}`)"))
            })
            .collect();
        if !missing.is_empty() {
            let found: Vec<String> = header.iter().map(|f| format!("`{}`", text(f))).collect();
            return Err(format!(
                "the header has no column {}; it has {}\n  = help: name the file's column for each with --columns, e.g. --columns belopp=Beløp,datum=Dato",
                missing.join(", "),
                found.join(", ")
            ));
        }
        let needed = index[..REQUIRED_COLUMNS]
            .iter()
            .flatten()
            .max()
            .map_or(0, |m| m + 1);
        Ok(Layout {
            delimiter,
            index,
            width: header.len(),
            needed,
        })
    }

    pub fn field<'r>(&self, record: &'r impl Fields, column: Column) -> &'r [u8] {
        self.index[column as usize]
            .and_then(|i| record.get(i))
            .map_or(&[][..], trim)
    }
}

/// A record's fields, however the record was split: by the `csv` crate, or by
/// [`for_each_plain_record`].
pub trait Fields {
    fn count(&self) -> usize;
    fn get(&self, index: usize) -> Option<&[u8]>;
}

impl Fields for csv::ByteRecord {
    fn count(&self) -> usize {
        self.len()
    }

    fn get(&self, index: usize) -> Option<&[u8]> {
        csv::ByteRecord::get(self, index)
    }
}

/// A record of a plain chunk: its bytes and where each field ends in them.
pub struct PlainRecord<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
}

impl Fields for PlainRecord<'_> {
    fn count(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, index: usize) -> Option<&[u8]> {
        let end = *self.ends.get(index)?;
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1] + 1,
        };
        self.bytes.get(start..end)
    }
}

/// Whether a run of whole records can be split without a CSV parser: it has no quote character
/// and every carriage return ends a line (`\r\n`). Then CSV's records are its non-empty lines and
/// its fields are what lies between delimiters, exactly as the `csv` crate reads them; a chunk
/// with a quote or a lone `\r` is left to the `csv` crate. Most exports quote nothing, and this
/// split is several times cheaper than `csv_core`'s byte-at-a-time state machine (it finds
/// delimiters and newlines with `memchr`, many bytes at a time).
pub fn is_plain(bytes: &[u8]) -> bool {
    // One pass for both: most chunks have neither.
    memchr::memchr2_iter(b'"', b'\r', bytes)
        .all(|i| bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n'))
}

/// Calls `each` with every record of a plain chunk (see [`is_plain`]) and the number of lines
/// before it in the chunk. Empty lines are skipped, as the `csv` crate skips them; `ends` is a
/// buffer kept between calls.
pub fn for_each_plain_record(
    bytes: &[u8],
    delimiter: u8,
    ends: &mut Vec<usize>,
    mut each: impl FnMut(u64, &PlainRecord<'_>),
) {
    let mut start = 0;
    let mut line = 0u64;
    ends.clear();
    let mut record = |start: usize, end: usize, line: u64, ends: &mut Vec<usize>| {
        let end = if end > start && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        if end > start || !ends.is_empty() {
            ends.push(end - start);
            each(
                line,
                &PlainRecord {
                    bytes: &bytes[start..end],
                    ends,
                },
            );
        }
        ends.clear();
    };
    for_each_of_two(bytes, delimiter, b'\n', |i| {
        if bytes[i] == delimiter {
            ends.push(i - start);
        } else {
            record(start, i, line, ends);
            start = i + 1;
            line += 1;
        }
    });
    if start < bytes.len() {
        record(start, bytes.len(), line, ends);
    }
}

/// Parses `canonical=header,…` as `--columns` gives it.
pub fn parse_mapping(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut mapping = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((canonical, header)) = pair.split_once('=') else {
            return Err(format!(
                "`{pair}` is not a mapping; write it like `belopp=Beløp`"
            ));
        };
        let canonical = canonical.trim();
        if !COLUMNS.contains(&fold_name(canonical).as_str()) {
            return Err(format!(
                "`{canonical}` is not a column of the ledger format; expected one of: {}",
                COLUMNS.join(", ")
            ));
        }
        mapping.push((canonical.to_string(), header.trim().to_string()));
    }
    Ok(mapping)
}

/// The delimiter the header line uses: the most frequent of `;`, `,` and tab outside quotes.
pub fn sniff_delimiter(header_line: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in header_line {
        match b {
            b'"' => quoted = !quoted,
            b';' if !quoted => counts[0] += 1,
            b',' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let delimiters = [b';', b',', b'\t'];
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    delimiters[best]
}

/// Calls `each` with the place of every byte of `bytes` that is `a` or `b`, in order, looking at
/// eight bytes at a time. `memchr2_iter` finds the same, but a ledger has a delimiter every ten
/// bytes or so, and a search started anew at each of them costs several times more than this.
fn for_each_of_two(bytes: &[u8], a: u8, b: u8, mut each: impl FnMut(usize)) {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // 0x80 in each byte of `x` that is zero, and in no other (no carry crosses a byte).
    let zeros = |x: u64| !(((x & LOW).wrapping_add(LOW)) | x | LOW);
    let (all_a, all_b) = (u64::from_ne_bytes([a; 8]), u64::from_ne_bytes([b; 8]));
    let mut words = bytes.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or_default());
        let mut found = zeros(word ^ all_a) | zeros(word ^ all_b);
        while found != 0 {
            each(base + (found.trailing_zeros() / 8) as usize);
            found &= found - 1;
        }
        base += 8;
    }
    for (i, &byte) in words.remainder().iter().enumerate() {
        if byte == a || byte == b {
            each(base + i);
        }
    }
}

/// Text from a field: UTF-8 as it is, anything else read as Latin-1 (older Windows exports),
/// which keeps å, ä and ö.
pub fn text(field: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(field) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(field.iter().map(|&b| char::from(b)).collect()),
    }
}

fn fold_name(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .map(|c| match c.to_lowercase().next().unwrap_or(c) {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            ' ' | '-' => '_',
            other => other,
        })
        .collect()
}

fn trim(field: &[u8]) -> &[u8] {
    field.trim_ascii()
}

/// Why one row could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError(pub String);

/// An amount in minor units (öre, øre): exact, and cheap to add up.
pub type Minor = i64;

/// Reads an amount as Swedish and Norwegian exports write it: `1 234,50`, `1234.50`,
/// `1.234,50`, `-350`, `−350` (the minus sign), with spaces or non-breaking spaces between groups.
/// More than two decimals, or a lone separator followed by three digits (`1.000` could be one
/// or a thousand), is refused rather than guessed. Allocates nothing unless the amount is bad.
pub fn parse_amount(field: &[u8]) -> Result<Minor, RowError> {
    match parse_plain_amount(field) {
        Some(minor) => Ok(minor),
        None => parse_amount_in_any_form(field),
    }
}

/// The form nearly every line has, read in one pass: an optional `-`, digits with plain spaces
/// between groups, and optionally `,` or `.` and one or two decimals. `None` for anything else
/// (then [`parse_amount_in_any_form`] decides), so that both give the same for every amount.
fn parse_plain_amount(field: &[u8]) -> Option<Minor> {
    let (negative, rest) = match field {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, field),
    };
    let (mut whole, mut digits, mut i): (Minor, u32, usize) = (0, 0, 0);
    while let Some(&b) = rest.get(i) {
        match b {
            // At most 13 digits: below the largest amount a line may have.
            b'0'..=b'9' if digits < 13 => {
                whole = whole * 10 + Minor::from(b - b'0');
                digits += 1;
            }
            b' ' => {}
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    let digit = |b: u8| b.is_ascii_digit().then(|| Minor::from(b - b'0'));
    let cents = match rest[i..] {
        [] => 0,
        [b',' | b'.', d] => digit(d)? * 10,
        [b',' | b'.', d1, d2] => digit(d1)? * 10 + digit(d2)?,
        _ => return None,
    };
    let minor = whole * 100 + cents;
    Some(if negative { -minor } else { minor })
}

fn parse_amount_in_any_form(field: &[u8]) -> Result<Minor, RowError> {
    let bad = |why: &str| RowError(format!("`{}` is not an amount: {why}", text(field)));
    // The digits and separators, without spaces and sign.
    let mut kept = [0u8; 40];
    let mut n = 0;
    let mut negative = false;
    let mut i = 0;
    while i < field.len() {
        let rest = &field[i..];
        let (step, byte) = match rest {
            [b @ (b'0'..=b'9' | b',' | b'.'), ..] => (1, Some(*b)),
            [b' ' | b'\'' | 0xa0, ..] => (1, None),
            [0xc2, 0xa0, ..] => (2, None),
            [0xe2, 0x80, 0xaf | 0x89, ..] => (3, None),
            [b'-', ..] if n == 0 && !negative => {
                negative = true;
                (1, None)
            }
            [0xe2, 0x88, 0x92, ..] if n == 0 && !negative => {
                negative = true;
                (3, None)
            }
            [b'+', ..] if n == 0 && !negative => (1, None),
            _ => return Err(bad("it has characters that are not digits")),
        };
        if let Some(b) = byte {
            if n == kept.len() {
                return Err(bad("it is too large"));
            }
            kept[n] = b;
            n += 1;
        }
        i += step;
    }
    let kept = &kept[..n];
    if !kept.iter().any(u8::is_ascii_digit) {
        return Err(bad("it has no digits"));
    }
    let commas = kept.iter().filter(|&&b| b == b',').count();
    let dots = kept.iter().filter(|&&b| b == b'.').count();
    let decimal = match (commas, dots) {
        (1, 0) => Some(b','),
        (0, 1) => Some(b'.'),
        (_, 0) | (0, _) => None, // none, or only grouping: `1.234.567`
        _ => {
            // Both: the last one is the decimal separator and the other groups digits.
            let last = kept
                .iter()
                .rposition(|&b| b == b',' || b == b'.')
                .map_or(b',', |p| kept[p]);
            let count = if last == b',' { commas } else { dots };
            if count > 1 {
                return Err(bad("it mixes separators"));
            }
            Some(last)
        }
    };
    let split = decimal.and_then(|sep| kept.iter().rposition(|&b| b == sep));
    let (whole, fraction) = match split {
        Some(p) => (&kept[..p], &kept[p + 1..]),
        None => (kept, &[][..]),
    };
    if fraction.len() == 3 && commas + dots == 1 {
        return Err(bad(
            "three digits after the only separator could be a decimal or a thousand; write e.g. `1 000` or `1,00`",
        ));
    }
    if fraction.len() > 2 {
        return Err(bad("it has more than two decimals"));
    }
    let mut minor: Minor = 0;
    for &b in whole.iter().filter(|b| b.is_ascii_digit()) {
        minor = minor
            .checked_mul(10)
            .and_then(|m| m.checked_add(Minor::from(b - b'0')))
            .filter(|m| *m <= MAX_MINOR / 100)
            .ok_or_else(|| bad("it is too large"))?;
    }
    let mut cents: Minor = 0;
    for place in 0..2 {
        cents = cents * 10 + fraction.get(place).map_or(0, |b| Minor::from(b - b'0'));
    }
    let minor = minor * 100 + cents;
    Ok(if negative { -minor } else { minor })
}

/// The largest amount one line may have (10^13 kronor): far above any payment, far below the
/// point where a year's sum could overflow.
const MAX_MINOR: Minor = 1_000_000_000_000_000;

/// Reads a date written `2025-03-14`, `20250314`, `2025/03/14` or `14.03.2025`, optionally
/// followed by a time (`2025-03-14 00:00:00`, `2025-03-14T00:00`).
pub fn parse_date(field: &[u8]) -> Result<Date, RowError> {
    // The form nearly every export uses, read directly.
    if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *field
        && [y0, y1, y2, y3, m0, m1, d0, d1]
            .iter()
            .all(u8::is_ascii_digit)
    {
        let n = |a: u8, b: u8| (a - b'0') * 10 + (b - b'0');
        let year = i16::from(n(y0, y1)) * 100 + i16::from(n(y2, y3));
        if let Ok(date) = Date::new(year, n(m0, m1) as i8, n(d0, d1) as i8) {
            return Ok(date);
        }
    }
    let bad = || {
        RowError(format!(
            "`{}` is not a date; write it like 2025-03-14",
            text(field)
        ))
    };
    let day_part = field
        .split(|&b| b == b' ' || b == b'T')
        .next()
        .unwrap_or(field);
    let number = |bytes: &[u8]| -> Option<i32> {
        if bytes.is_empty() || bytes.len() > 4 || !bytes.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(
            bytes
                .iter()
                .fold(0i32, |n, &b| n * 10 + i32::from(b - b'0')),
        )
    };
    let (y, m, d) = match day_part.len() {
        10 if matches!(day_part[4], b'-' | b'/') && day_part[7] == day_part[4] => {
            (0..4, 5..7, 8..10)
        }
        10 if day_part[2] == b'.' && day_part[5] == b'.' => (6..10, 3..5, 0..2),
        8 => (0..4, 4..6, 6..8),
        _ => return Err(bad()),
    };
    let (Some(y), Some(m), Some(d)) = (
        number(&day_part[y]),
        number(&day_part[m]),
        number(&day_part[d]),
    ) else {
        return Err(bad());
    };
    let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(y), i8::try_from(m), i8::try_from(d)) else {
        return Err(bad());
    };
    Date::new(y, m, d).map_err(|_| bad())
}

/// How a supplier is told apart from others in one buyer's ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupplierKey {
    /// By its organisation number (digits only, so `556677-8899` and `5566778899` are one).
    Id,
    /// By its name, when the ledger gives no organisation number (trimmed, lower case, single
    /// spaces).
    Name,
    /// Removed or marked as personal data: cannot be told apart from other masked suppliers.
    Masked,
}

/// What a masked supplier's name looks like: empty, or a note in brackets such as
/// "[innehåller personuppgifter]".
pub fn is_masked_name(name: &[u8]) -> bool {
    const NOTE: &str = "innehåller personuppgifter";
    let name = name.trim_ascii();
    name.is_empty()
        || (name.starts_with(b"[") && name.ends_with(b"]"))
        || (name.len() == NOTE.len() && text(name).to_lowercase() == NOTE)
}

/// Appends the digits of an organisation number to `out`; false when there are none (an empty
/// or masked number).
pub fn push_digits(id: &[u8], out: &mut Vec<u8>) -> bool {
    let before = out.len();
    out.extend(id.iter().filter(|b| b.is_ascii_digit()));
    out.len() > before
}

/// Appends how the supplier is told apart to `out` (its digits, or its folded name) and says
/// which it was.
pub fn push_supplier_key(name: &[u8], id: &[u8], out: &mut Vec<u8>) -> SupplierKey {
    if push_digits(id, out) {
        return SupplierKey::Id;
    }
    if is_masked_name(name) {
        return SupplierKey::Masked;
    }
    let folded = text(name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    out.extend_from_slice(folded.as_bytes());
    SupplierKey::Name
}

/// Where record boundaries are: the end of the last complete record in `bytes` (just after its
/// newline), given that `bytes` starts at the start of a record. A newline inside a quoted field
/// is not a boundary; quotes are balanced before every true boundary.
pub fn last_record_end(bytes: &[u8]) -> Option<usize> {
    let mut end = memchr::memrchr(b'\n', bytes)?;
    let mut quotes = count_quotes(&bytes[..end]);
    loop {
        if quotes.is_multiple_of(2) {
            return Some(end + 1);
        }
        let previous = memchr::memrchr(b'\n', &bytes[..end])?;
        quotes -= count_quotes(&bytes[previous..end]);
        end = previous;
    }
}

fn count_quotes(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'"', bytes).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minor(s: &str) -> Result<Minor, RowError> {
        parse_amount(s.as_bytes())
    }

    #[test]
    fn swedish_and_machine_amounts() {
        assert_eq!(minor("1 234,50"), Ok(123_450));
        assert_eq!(minor("1\u{a0}234,50"), Ok(123_450));
        assert_eq!(minor("1\u{202f}234,5"), Ok(123_450));
        assert_eq!(minor("1234.50"), Ok(123_450));
        assert_eq!(minor("1.234,50"), Ok(123_450));
        assert_eq!(minor("1,234.50"), Ok(123_450));
        assert_eq!(minor("1.234.567"), Ok(123_456_700));
        assert_eq!(minor("-350"), Ok(-35_000));
        assert_eq!(minor("\u{2212}350,00"), Ok(-35_000));
        assert_eq!(minor("- 350"), Ok(-35_000));
        assert_eq!(minor("0"), Ok(0));
        assert_eq!(minor(",50"), Ok(50));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, failure_persistence: None, ..Default::default() })]
        #[test]
        fn the_plain_form_is_read_as_every_form_is(text in "-?[0-9 ]{0,17}([,.][0-9 ]{0,4})?[-,.]?") {
            let bytes = text.as_bytes();
            if let Some(minor) = parse_plain_amount(bytes) {
                proptest::prop_assert_eq!(Ok(minor), parse_amount_in_any_form(bytes));
            }
        }
    }

    #[test]
    fn amounts_that_would_be_guesses_are_refused() {
        for bad in [
            "", "abc", "1.000", "1,000", "12,345", "1,2345", "1-2", "12 kr", "--5", "1.2,3.4",
        ] {
            assert!(minor(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(minor("99999999999999999999").is_err());
    }

    #[test]
    fn dates_in_the_forms_exports_use() {
        let d = Date::new(2025, 3, 14).ok();
        for s in [
            "2025-03-14",
            "20250314",
            "2025/03/14",
            "14.03.2025",
            "2025-03-14 00:00:00",
            "2025-03-14T08:00",
        ] {
            assert_eq!(parse_date(s.as_bytes()).ok(), d, "{s}");
        }
        for bad in [
            "2025-02-30",
            "14/03/2025",
            "2025-3-14",
            "",
            "2025-03/14",
            "x",
        ] {
            assert!(parse_date(bad.as_bytes()).is_err(), "{bad:?} was accepted");
        }
    }

    fn key(name: &[u8], id: &[u8]) -> (SupplierKey, String) {
        let mut out = Vec::new();
        let kind = push_supplier_key(name, id, &mut out);
        (kind, String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn suppliers_by_number_by_name_or_masked() {
        assert_eq!(
            key(b"Acme AB", b"556677-8899"),
            (SupplierKey::Id, "5566778899".into())
        );
        assert_eq!(
            key(b"  Acme   AB ", b""),
            (SupplierKey::Name, "acme ab".into())
        );
        let masked = (SupplierKey::Masked, String::new());
        assert_eq!(key(b"[inneh\xc3\xa5ller personuppgifter]", b""), masked);
        assert_eq!(key(b"Inneh\xc3\xa5ller personuppgifter", b""), masked);
        assert_eq!(key(b"", b""), masked);
        assert_eq!(key(b"", b"XXXXXX-XXXX"), masked);
    }

    #[test]
    fn delimiter_and_latin1() {
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(sniff_delimiter(b"a,b,c"), b',');
        assert_eq!(sniff_delimiter(b"\"a;x\",b,c"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(text(b"K\xf6pare"), "Köpare");
    }

    #[test]
    fn record_ends_skip_quoted_newlines() {
        assert_eq!(last_record_end(b"a;b\nc;d\ne"), Some(8));
        assert_eq!(last_record_end(b"a;b\n\"c\nd\";e"), Some(4));
        assert_eq!(last_record_end(b"a;\"b\nc\"\n"), Some(8));
        assert_eq!(last_record_end(b"no newline"), None);
    }

    /// Records as (line index in the chunk, fields), read by the `csv` crate as the audit reads a
    /// chunk, and by the plain split.
    fn by_csv(bytes: &[u8], delimiter: u8) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap_or(false) {
            let line = record.position().map_or(0, |p| p.line() - 1);
            out.push((line, record.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    fn by_plain_split(bytes: &[u8], delimiter: u8) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut out = Vec::new();
        for_each_plain_record(bytes, delimiter, &mut Vec::new(), |line, record| {
            let fields = (0..record.count())
                .map(|i| record.get(i).unwrap_or_default().to_vec())
                .collect();
            out.push((line, fields));
        });
        out
    }

    #[test]
    fn the_plain_split_reads_what_the_csv_crate_reads() {
        assert_eq!(
            by_plain_split(b"a;b\r\nc;d\r\n\r\ne", b';'),
            [
                (0, vec![b"a".to_vec(), b"b".to_vec()]),
                (1, vec![b"c".to_vec(), b"d".to_vec()]),
                (3, vec![b"e".to_vec()])
            ]
        );
        for text in ["a;b\nc;d\n", "\n\n;\n a ; b \n\nlast", "", ";;", "x\n\ny"] {
            assert!(is_plain(text.as_bytes()), "{text:?}");
            let plain = by_plain_split(text.as_bytes(), b';');
            let csv = by_csv(text.as_bytes(), b';');
            assert_eq!(plain.len(), csv.len(), "{text:?}");
            for (p, c) in plain.iter().zip(&csv) {
                assert_eq!(p.1, c.1, "{text:?}");
            }
            let lines: Vec<u64> = plain.iter().map(|r| r.0).collect();
            assert_eq!(lines, non_empty_lines(text), "{text:?}");
        }
        for text in ["a;\"b\"\n", "a\rb\n", "a;b\r"] {
            assert!(!is_plain(text.as_bytes()), "{text:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, failure_persistence: None, ..Default::default() })]
        #[test]
        fn any_plain_chunk_splits_as_the_csv_crate_splits_it(
            text in "[ab; ,\t\n]{0,40}(\r\n[ab;]{0,5}){0,3}",
            delimiter in proptest::sample::select(vec![b';', b',', b'\t']),
        ) {
            let bytes = text.as_bytes();
            proptest::prop_assert!(is_plain(bytes));
            let (plain, csv) = (by_plain_split(bytes, delimiter), by_csv(bytes, delimiter));
            let fields = |records: &[(u64, Vec<Vec<u8>>)]| -> Vec<Vec<Vec<u8>>> {
                records.iter().map(|r| r.1.clone()).collect()
            };
            proptest::prop_assert_eq!(fields(&plain), fields(&csv));
            // Each record's own line (the csv crate gives a record after blank lines or `\r\n`
            // the line where it began to look for it).
            let lines: Vec<u64> = plain.iter().map(|r| r.0).collect();
            proptest::prop_assert_eq!(lines, non_empty_lines(&text));
        }
    }

    fn non_empty_lines(text: &str) -> Vec<u64> {
        (0u64..)
            .zip(text.split('\n'))
            .filter(|(_, l)| !l.strip_suffix('\r').unwrap_or(l).is_empty())
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn header_names_fold_and_map() {
        let header = csv::ByteRecord::from(vec![
            "Köpare_ID",
            "Köpare",
            "Verifikationsnummer",
            "Leverantör",
            "Leverantör ID",
            "Konto-nr",
            "Konto_text",
            "Beløp",
            "Datum",
        ]);
        let mapping = parse_mapping("belopp=Beløp").unwrap_or_default();
        let layout = Layout::from_header(&header, b';', &mapping);
        assert_eq!(
            layout.map(|l| l.index[Column::Amount as usize]),
            Ok(Some(7))
        );
        let missing = Layout::from_header(&header, b';', &[]);
        assert!(missing.is_err_and(|e| e.contains("`belopp`")));
        assert!(parse_mapping("bogus=x").is_err());
        assert!(parse_mapping("belopp").is_err());
    }
}
