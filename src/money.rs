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

/// Parses the digits of an amount: groups separated by spaces (also no-break and thin spaces),
/// decimals after `,` or `.`. No sign: callers decide what a leading minus means.
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
        let amount = parse_amount_digits(number)
            .ok_or_else(|| MoneyError::Malformed(trimmed.to_string()))?;
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
