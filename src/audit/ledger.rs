//! Reading a supplier ledger: the header and its columns, the delimiter, and each row normalised
//! from the untidy forms real exports use.
//!
//! Invariant: a row either becomes a [`Row`] whose amount is exact (minor units, never a float)
//! and whose date is a calendar date, or a [`RowError`] that says what was wrong with it; a row
//! never stops the rest of the file. Nothing here decides anything.

use std::borrow::Cow;

use jiff::civil::Date;

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
                let shown = mapping
                    .iter()
                    .find(|(m, _)| fold_name(m) == *c)
                    .map_or_else(|| format!("`{c}`"), |(_, h)| format!("`{h}` (for `{c}`)"));
                shown
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
        Ok(Layout {
            delimiter,
            index,
            width: header.len(),
        })
    }

    pub fn field<'r>(&self, record: &'r csv::ByteRecord, column: Column) -> &'r [u8] {
        self.index[column as usize]
            .and_then(|i| record.get(i))
            .map_or(&[][..], trim)
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
/// or a thousand), is refused rather than guessed.
pub fn parse_amount(field: &[u8]) -> Result<Minor, RowError> {
    let shown = || text(field).into_owned();
    let bad = |why: &str| RowError(format!("`{}` is not an amount: {why}", shown()));
    let raw = text(field);
    let mut digits = String::with_capacity(raw.len());
    let mut negative = false;
    let mut seen_digit = false;
    for c in raw.chars() {
        match c {
            '0'..='9' | ',' | '.' => {
                if c.is_ascii_digit() {
                    seen_digit = true;
                }
                digits.push(c);
            }
            ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' => {}
            '-' | '\u{2212}' if !seen_digit && !negative && digits.is_empty() => negative = true,
            '+' if !seen_digit && digits.is_empty() => {}
            _ => return Err(bad("it has characters that are not digits")),
        }
    }
    if !seen_digit {
        return Err(bad("it has no digits"));
    }
    let commas = digits.matches(',').count();
    let dots = digits.matches('.').count();
    let decimal = match (commas, dots) {
        (0, 0) => None,
        (1, 0) => Some(','),
        (0, 1) => Some('.'),
        (_, 0) | (0, _) => None, // only grouping: `1.234.567`
        _ => {
            // Both: the last one is the decimal separator and the other groups digits.
            let last = digits.rfind([',', '.']).unwrap_or(0);
            let sep = digits[last..].chars().next().unwrap_or(',');
            if digits.matches(sep).count() > 1 {
                return Err(bad("it mixes separators"));
            }
            Some(sep)
        }
    };
    let (whole, fraction) = match decimal {
        Some(sep) => {
            let (w, f) = digits.rsplit_once(sep).unwrap_or((&digits, ""));
            if f.len() == 3 && commas + dots == 1 {
                return Err(bad(
                    "three digits after the only separator could be a decimal or a thousand; write e.g. `1 000` or `1,00`",
                ));
            }
            (w.to_string(), f.to_string())
        }
        None => (digits.clone(), String::new()),
    };
    let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
    if fraction.len() > 2 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad("it has more than two decimals"));
    }
    let whole: Minor = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad("it is too large"))?
    };
    let fraction: Minor = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<Minor>().unwrap_or(0) * 10,
        _ => fraction.parse().unwrap_or(0),
    };
    let minor = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(fraction))
        .filter(|m| *m <= MAX_MINOR)
        .ok_or_else(|| bad("it is too large"))?;
    Ok(if negative { -minor } else { minor })
}

/// The largest amount one line may have (10^13 kronor): far above any payment, far below the
/// point where a year's sum could overflow.
const MAX_MINOR: Minor = 1_000_000_000_000_000;

/// Reads a date written `2025-03-14`, `20250314`, `2025/03/14` or `14.03.2025`, optionally
/// followed by a time (`2025-03-14 00:00:00`, `2025-03-14T00:00`).
pub fn parse_date(field: &[u8]) -> Result<Date, RowError> {
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
    let (Some(y), Some(m), Some(d)) = (number(&day_part[y]), number(&day_part[m]), number(&day_part[d])) else {
        return Err(bad());
    };
    let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(y), i8::try_from(m), i8::try_from(d)) else {
        return Err(bad());
    };
    Date::new(y, m, d).map_err(|_| bad())
}

/// How a supplier is told apart from others in one buyer's ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupplierKey {
    /// By its organisation number (digits only, so `556677-8899` and `5566778899` are one).
    Id(String),
    /// By its name, when the ledger gives no organisation number (trimmed, lower case, single
    /// spaces).
    Name(String),
    /// Removed or marked as personal data: cannot be told apart from other masked suppliers.
    Masked,
}

/// What a masked supplier's name looks like: empty, or a note in brackets such as
/// "[innehåller personuppgifter]".
pub fn is_masked_name(name: &str) -> bool {
    let name = name.trim();
    name.is_empty()
        || (name.starts_with('[') && name.ends_with(']'))
        || name.to_lowercase() == "innehåller personuppgifter"
}

/// Digits only; `None` when there are none (an empty or masked number).
pub fn id_digits(id: &[u8]) -> Option<String> {
    let digits: String = id
        .iter()
        .filter(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    (!digits.is_empty()).then_some(digits)
}

pub fn supplier_key(name: &[u8], id: &[u8]) -> SupplierKey {
    if let Some(digits) = id_digits(id) {
        return SupplierKey::Id(digits);
    }
    let name = text(name);
    if is_masked_name(&name) {
        return SupplierKey::Masked;
    }
    SupplierKey::Name(
        name.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
    )
}

/// Where record boundaries are: the end of the last complete record in `bytes` (just after its
/// newline), given that `bytes` starts at the start of a record. A newline inside a quoted field
/// is not a boundary; quotes are balanced before every true boundary.
pub fn last_record_end(bytes: &[u8]) -> Option<usize> {
    let mut end = memchr::memrchr(b'\n', bytes)?;
    let mut quotes = count_quotes(&bytes[..end]);
    loop {
        if quotes % 2 == 0 {
            return Some(end + 1);
        }
        let previous = memchr::memrchr(b'\n', &bytes[..end])?;
        quotes -= count_quotes(&bytes[previous..end]);
        end = previous;
    }
}

fn count_quotes(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'"').count()
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
        for bad in ["2025-02-30", "14/03/2025", "2025-3-14", "", "2025-03/14", "x"] {
            assert!(parse_date(bad.as_bytes()).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn suppliers_by_number_by_name_or_masked() {
        assert_eq!(
            supplier_key(b"Acme AB", b"556677-8899"),
            SupplierKey::Id("5566778899".into())
        );
        assert_eq!(
            supplier_key(b"  Acme   AB ", b""),
            SupplierKey::Name("acme ab".into())
        );
        assert_eq!(
            supplier_key(b"[inneh\xc3\xa5ller personuppgifter]", b""),
            SupplierKey::Masked
        );
        assert_eq!(supplier_key(b"", b""), SupplierKey::Masked);
        assert_eq!(supplier_key(b"", b"XXXXXX-XXXX"), SupplierKey::Masked);
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
