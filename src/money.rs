//! Exact money: a non-negative decimal amount excluding VAT, always with its currency.
//!
//! Amounts are `rust_decimal::Decimal`, never floats. Parsing accepts the way Swedes and
//! Norwegians write amounts (`700 000 SEK`, `650 000,50 NOK`); printing follows the language
//! (`700 000 kr` in Swedish, `SEK 700,000` in English).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::lang::Lang;

/// The currencies the rules and cases may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "SEK")]
    /// Swedish kronor.
    Sek,
    #[serde(rename = "NOK")]
    /// Norwegian kroner.
    Nok,
    #[serde(rename = "EUR")]
    /// Euro.
    Eur,
}

impl Currency {
    /// The ISO 4217 code: `SEK`, `NOK`, `EUR`.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Sek => "SEK",
            Currency::Nok => "NOK",
            Currency::Eur => "EUR",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "SEK" => Ok(Currency::Sek),
            "NOK" => Ok(Currency::Nok),
            "EUR" => Ok(Currency::Eur),
            other => Err(MoneyError::UnknownCurrency(other.to_string())),
        }
    }
}

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    #[error("unknown currency `{0}`; expected SEK, NOK or EUR")]
    /// The currency is not one regelverk knows.
    UnknownCurrency(String),
    #[error("the amount `{0}` is negative; amounts are values excl. VAT and cannot be below zero")]
    /// The amount is negative.
    Negative(String),
    #[error("`{0}` is not an amount; write it like `700 000 SEK`")]
    /// The text is not an amount.
    Malformed(String),
    #[error("`{0}` has no currency; write it like `700 000 SEK`")]
    /// The amount has no currency.
    NoCurrency(String),
    #[error("the amount `{0}` is too large")]
    /// The amount is larger than any contract.
    TooLarge(String),
    /// `750,000 SEK`: a `,` or `.` before exactly three digits groups thousands in English and
    /// separates decimals in Swedish and Norwegian; the same text means 750 or 750 000.
    #[error(
        "the amount `{text}` is ambiguous: a `{separator}` before three digits may group thousands or start decimals; write {suggestion}"
    )]
    Ambiguous {
        /// The amount as written.
        text: String,
        /// The `,` or `.` that could be read either way.
        separator: char,
        /// How to write it unambiguously, one way for each reading.
        suggestion: String,
    },
    /// More decimals than öre, øre or cents: amounts are exact, and nothing is rounded silently.
    #[error(
        "the amount `{text}` has {decimals} decimals; amounts are exact to the {unit} (two decimals): write e.g. `{rounded}`"
    )]
    TooPrecise {
        /// The amount as written.
        text: String,
        /// How many decimals it has.
        decimals: usize,
        /// What the hundredth of its currency is called (öre, øre, cent).
        unit: &'static str,
        /// The amount rounded to two decimals, as a suggestion.
        rounded: String,
    },
}

/// What is wrong with the digits of an amount, before the currency is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountDigitsError {
    /// Not digits, group separators and at most one decimal separator.
    Malformed,
    /// A `,` or `.` followed by exactly three digits: thousands or decimals? `whole` is the
    /// amount read with every `,` and `.` as a group separator; `decimal` the amount read with
    /// the separator as a decimal point, where that reading exists.
    Ambiguous {
        /// The `,` or `.` that could be read either way.
        separator: char,
        /// The amount with every `,` and `.` read as a group separator.
        whole: Decimal,
        /// The amount with the separator read as a decimal point, where that reading exists.
        decimal: Option<Decimal>,
    },
    /// More than two decimals.
    TooPrecise {
        /// How many decimals the amount has.
        decimals: usize,
        /// The amount as written.
        amount: Decimal,
    },
}

impl AmountDigitsError {
    /// The error for an amount written `text` in `currency`.
    pub fn for_amount(self, text: &str, currency: Currency) -> MoneyError {
        let text = text.to_string();
        let code = currency.code();
        match self {
            AmountDigitsError::Malformed => MoneyError::Malformed(text),
            AmountDigitsError::Ambiguous {
                separator,
                whole,
                decimal,
            } => {
                let grouped = format_amount(whole, Lang::Sv);
                let mut plain = grouped.replace(' ', "");
                if !plain.contains(',') {
                    plain.push_str(",00");
                }
                let mut suggestion =
                    format!("`{grouped} {code}` or `{plain} {code}` for {grouped}");
                // The decimal reading is worth offering only where it is exact to the öre.
                if let Some(decimal) = decimal.filter(|d| d.normalize().scale() <= 2) {
                    let small = format_amount(decimal, Lang::Sv);
                    suggestion.push_str(&format!(", or `{small} {code}` for {small}"));
                }
                MoneyError::Ambiguous {
                    text,
                    separator,
                    suggestion,
                }
            }
            AmountDigitsError::TooPrecise { decimals, amount } => MoneyError::TooPrecise {
                text,
                decimals,
                unit: match currency {
                    Currency::Sek => "öre",
                    Currency::Nok => "øre",
                    Currency::Eur => "cent",
                },
                rounded: format!(
                    "{} {code}",
                    format_amount(
                        amount.round_dp_with_strategy(
                            2,
                            rust_decimal::RoundingStrategy::MidpointAwayFromZero
                        ),
                        Lang::Sv
                    )
                ),
            },
        }
    }
}

/// The largest amount accepted: far above any public contract, far below overflow.
const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// A non-negative amount in a known currency, excluding VAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    /// The amount, excluding VAT.
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
}

impl Money {
    /// An amount in a currency.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Nothing, in a currency.
    pub fn zero(currency: Currency) -> Self {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// Whole currency units, e.g. `Money::whole(700_000, Currency::Sek)`.
    pub fn whole(amount: i64, currency: Currency) -> Self {
        Money {
            amount: Decimal::from(amount),
            currency,
        }
    }

    /// The amount as the given language writes it, with the currency.
    pub fn display(&self, lang: Lang) -> String {
        let number = format_amount(self.amount, lang);
        match (lang, self.currency) {
            (Lang::Sv, Currency::Sek) | (Lang::Nb, Currency::Nok) => format!("{number} kr"),
            (Lang::Sv | Lang::Nb, Currency::Eur) => format!("{number} euro"),
            (Lang::Sv | Lang::Nb, c) => format!("{number} {c}"),
            (Lang::En, c) => format!("{c} {number}"),
        }
    }
}

impl Money {
    /// As a rule file writes it: `650 000 SEK`, `650 000,50 NOK`. What the tools for the people
    /// who maintain the rules (`test`, `diff`) show, so that a value can be pasted into a file.
    pub fn notation(&self) -> String {
        format!("{} {}", format_amount(self.amount, Lang::Sv), self.currency)
    }
}

/// Groups of three digits, separated as the language does; decimals only where there are any.
pub fn format_amount(amount: Decimal, lang: Lang) -> String {
    let normalized = amount.normalize();
    let text = normalized.abs().to_string();
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w.to_string(), Some(f.to_string())),
        None => (text, None),
    };
    let (group, decimal) = match lang {
        Lang::Sv | Lang::Nb => (' ', ','),
        Lang::En => (',', '.'),
    };
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    if let Some(fraction) = fraction {
        // Öre and øre have two places: 0,5 is written 0,50.
        let fraction = if fraction.len() == 1 {
            format!("{fraction}0")
        } else {
            fraction
        };
        grouped.push(decimal);
        grouped.push_str(&fraction);
    }
    if normalized.is_sign_negative() && !normalized.is_zero() {
        grouped.insert(0, '−');
    }
    grouped
}

/// Parses the digits of a number: groups separated by spaces (also no-break and thin spaces),
/// decimals after `,` or `.`. No sign: callers decide what a leading minus means. For amounts of
/// money use [`parse_money_digits`], which also refuses what is ambiguous or too precise.
pub fn parse_amount_digits(text: &str) -> Option<Decimal> {
    let mut digits = String::new();
    let mut seen_decimal = false;
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '\u{00A0}' | '\u{2009}' | '\u{202F}' | '_' if !seen_decimal => {}
            ',' | '.' if !seen_decimal && !digits.is_empty() => {
                seen_decimal = true;
                digits.push('.');
            }
            _ => return None,
        }
    }
    if digits.is_empty() || digits.ends_with('.') {
        return None;
    }
    Decimal::from_str(&digits).ok()
}

/// Parses the digits of an amount of money, refusing what a reader could take two ways.
///
/// Accepted: digits in groups separated by spaces (`750 000`, also no-break and thin spaces),
/// and decimals after one `,` or `.` with one or two digits (`650 000,50`, `99.5`). Refused as
/// ambiguous: a `,` or `.` followed by exactly three digits (`750,000`, `900.000`, `1.000.000`),
/// which groups thousands in English (and, with `.`, in Norwegian and German habits) but starts
/// decimals in Swedish. Refused as too precise: more than two decimals, which would otherwise
/// have to be rounded.
pub fn parse_money_digits(text: &str) -> Result<Decimal, AmountDigitsError> {
    let is_group = |c: char| matches!(c, ' ' | '\u{00A0}' | '\u{2009}' | '\u{202F}' | '_');
    // The runs of digits and the `,` or `.` between them.
    let mut runs: Vec<String> = vec![String::new()];
    let mut separators: Vec<char> = Vec::new();
    // Thousands grouped with spaces (`650 000,505`) show that the `,` starts decimals.
    let mut grouped_with_spaces = false;
    for c in text.chars() {
        match c {
            '0'..='9' => runs.last_mut().map_or((), |r| r.push(c)),
            ',' | '.' => {
                separators.push(c);
                runs.push(String::new());
            }
            c if is_group(c) && separators.is_empty() => grouped_with_spaces = true,
            _ => return Err(AmountDigitsError::Malformed),
        }
    }
    if runs.iter().any(String::is_empty) {
        return Err(AmountDigitsError::Malformed);
    }
    let number = |s: &str| Decimal::from_str(s).map_err(|_| AmountDigitsError::Malformed);
    let whole_digits: String = runs.concat();
    match (separators.as_slice(), runs.as_slice()) {
        ([], [whole]) => number(whole),
        ([separator], [whole, fraction]) => match fraction.len() {
            1 | 2 => number(&format!("{whole}.{fraction}")),
            3 if !grouped_with_spaces => Err(AmountDigitsError::Ambiguous {
                separator: *separator,
                whole: number(&whole_digits)?,
                decimal: Some(number(&format!("{whole}.{fraction}"))?),
            }),
            decimals => Err(AmountDigitsError::TooPrecise {
                decimals,
                amount: number(&format!("{whole}.{fraction}"))?,
            }),
        },
        // Several separators: thousands grouped with `,` or `.` (`1.000.000`, `1,000.50`) when
        // every group after the first has three digits.
        (seps, [_, groups @ .., last]) => {
            let grouped = groups.iter().all(|g| g.len() == 3);
            let last_is_group = last.len() == 3;
            let last_is_decimals = matches!(last.len(), 1 | 2) && seps.first() != seps.last();
            if !grouped || !(last_is_group || last_is_decimals) {
                return Err(AmountDigitsError::Malformed);
            }
            let whole = if last_is_group {
                number(&whole_digits)?
            } else {
                let head: String = runs[..runs.len() - 1].concat();
                number(&format!("{head}.{last}"))?
            };
            Err(AmountDigitsError::Ambiguous {
                separator: seps.first().copied().unwrap_or(','),
                whole,
                decimal: None,
            })
        }
        _ => Err(AmountDigitsError::Malformed),
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// `700 000 SEK`, `700000 SEK`, `650 000,50 NOK`, `80 000 EUR`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        // The currency is the run of letters at the end; everything before it is the number.
        let split = trimmed.trim_end_matches(char::is_alphabetic).len();
        let (number, code) = (trimmed[..split].trim(), &trimmed[split..]);
        if code.is_empty() {
            return Err(if parse_amount_digits(trimmed).is_some() {
                MoneyError::NoCurrency(trimmed.to_string())
            } else {
                MoneyError::Malformed(trimmed.to_string())
            });
        }
        let currency = Currency::from_str(code)?;
        if let Some(rest) = number.strip_prefix(['-', '−'])
            && parse_amount_digits(rest.trim()).is_some()
        {
            return Err(MoneyError::Negative(trimmed.to_string()));
        }
        let amount = parse_money_digits(number).map_err(|e| e.for_amount(trimmed, currency))?;
        if amount > Decimal::from(MAX_AMOUNT) {
            return Err(MoneyError::TooLarge(trimmed.to_string()));
        }
        Ok(Money { amount, currency })
    }
}

impl fmt::Display for Money {
    /// The machine form used in JSON and TOML: `650000 SEK`, `650000.5 SEK`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount.normalize(), self.currency)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Money::from_str(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_ways_people_write_amounts() {
        for text in [
            "700 000 SEK",
            "700000 SEK",
            "700\u{00A0}000 SEK",
            "700 000SEK",
        ] {
            assert_eq!(
                Money::from_str(text),
                Ok(Money::whole(700_000, Currency::Sek)),
                "{text}"
            );
        }
        assert_eq!(
            Money::from_str("650 000,50 NOK").map(|m| m.amount),
            Ok(Decimal::new(65_000_050, 2))
        );
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        assert!(matches!(
            Money::from_str("-5 SEK"),
            Err(MoneyError::Negative(_))
        ));
        assert!(matches!(
            Money::from_str("5 USD"),
            Err(MoneyError::UnknownCurrency(_))
        ));
        assert!(matches!(
            Money::from_str("5 kr"),
            Err(MoneyError::UnknownCurrency(_))
        ));
        assert!(matches!(
            Money::from_str("700 000"),
            Err(MoneyError::NoCurrency(_))
        ));
        assert!(matches!(
            Money::from_str("sju SEK"),
            Err(MoneyError::Malformed(_))
        ));
    }

    #[test]
    fn refuses_amounts_a_reader_could_take_two_ways() {
        for (text, meant) in [
            (
                "750,000 SEK",
                "`750 000 SEK` or `750000,00 SEK` for 750 000, or `750 SEK` for 750",
            ),
            (
                "900.000 NOK",
                "`900 000 NOK` or `900000,00 NOK` for 900 000, or `900 NOK` for 900",
            ),
            (
                "1.000.000 NOK",
                "`1 000 000 NOK` or `1000000,00 NOK` for 1 000 000",
            ),
            (
                "1,000.50 EUR",
                "`1 000,50 EUR` or `1000,50 EUR` for 1 000,50",
            ),
        ] {
            match Money::from_str(text) {
                Err(MoneyError::Ambiguous { suggestion, .. }) => assert_eq!(suggestion, meant),
                other => panic!("{text}: {other:?}"),
            }
        }
        assert!(matches!(
            Money::from_str("1,000,50 SEK"),
            Err(MoneyError::Malformed(_))
        ));
    }

    #[test]
    fn refuses_more_decimals_than_ore_and_keeps_two() {
        assert_eq!(
            Money::from_str("650 000,5 SEK").map(|m| m.amount),
            Ok(Decimal::new(6_500_005, 1))
        );
        assert_eq!(
            Money::from_str("99.95 EUR").map(|m| m.amount),
            Ok(Decimal::new(9995, 2))
        );
        let error = Money::from_str("650 000,1250 NOK").map_err(|e| e.to_string());
        assert_eq!(
            error,
            Err("the amount `650 000,1250 NOK` has 4 decimals; amounts are exact to the øre (two decimals): write e.g. `650 000,13 NOK`".to_string())
        );
    }

    #[test]
    fn prints_as_each_language_writes_it() {
        let m = Money::whole(2_389_585, Currency::Sek);
        assert_eq!(m.display(Lang::Sv), "2 389 585 kr");
        assert_eq!(m.display(Lang::Nb), "2 389 585 SEK");
        assert_eq!(m.display(Lang::En), "SEK 2,389,585");
        assert_eq!(
            Money::new(Decimal::new(5, 1), Currency::Nok).display(Lang::Nb),
            "0,50 kr"
        );
    }
}
