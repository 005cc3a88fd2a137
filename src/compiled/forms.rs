//! How the compiled form writes the values that are slow to read in their own serde form: a
//! date as numbers (its own form is text, parsed at every start), a decimal as its mantissa and
//! scale (its own form is text), a set as the sorted list it is (built in one sweep, not by
//! inserting one element at a time), and a shared text read straight into its `Arc<str>` (not
//! through a `String` that is then copied). Used through `#[serde(with = …)]` on the fields of
//! the types the rule set holds; the values read back are those written, exactly (a decimal
//! keeps its scale), and bytes that are no such value are a decoding error, never a panic.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A [`Date`] as (year, month, day).
pub(crate) mod day {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        (date.year(), date.month(), date.day()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let (year, month, day) = <(i16, i8, i8)>::deserialize(d)?;
        Date::new(year, month, day).map_err(de::Error::custom)
    }
}

/// An optional [`Date`], as [`day`] writes one.
pub(crate) mod maybe_day {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Day(#[serde(with = "super::day")] Date);

    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        date.map(Day).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Ok(Option::<Day>::deserialize(d)?.map(|Day(date)| date))
    }
}

/// A [`Decimal`] as its mantissa and scale: exactly the number written, scale and all.
pub(crate) mod decimal {
    use super::*;

    pub fn serialize<S: Serializer>(number: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        (number.mantissa(), number.scale()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let (mantissa, scale) = <(i128, u32)>::deserialize(d)?;
        Decimal::try_from_i128_with_scale(mantissa, scale).map_err(de::Error::custom)
    }
}

/// A set, read from the ascending list it is written as (its serde form) in one sweep.
pub(crate) fn sorted_set<'de, D, T>(d: D) -> Result<BTreeSet<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Ord,
{
    Ok(Vec::<T>::deserialize(d)?.into_iter().collect())
}

/// A shared text, its serde form (a string), read into its `Arc<str>` from the bytes.
struct Shared(Arc<str>);

impl<'de> Deserialize<'de> for Shared {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = Shared;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Shared, E> {
                Ok(Shared(Arc::from(text)))
            }
        }
        d.deserialize_str(Text)
    }
}

/// An `Arc<str>` read as [`Shared`] reads it.
pub(crate) fn shared<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
    Ok(Shared::deserialize(d)?.0)
}

/// An optional `Arc<str>` read as [`Shared`] reads it.
pub(crate) fn maybe_shared<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Arc<str>>, D::Error> {
    Ok(Option::<Shared>::deserialize(d)?.map(|Shared(text)| text))
}
