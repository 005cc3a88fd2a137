//! The three languages regelverk explains itself in, and texts written in all of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language of explanation: Swedish, Norwegian bokmål or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Swedish.
    Sv,
    /// Norwegian (bokmål).
    Nb,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the rule files write them.
    pub const ALL: [Lang; 3] = [Lang::Sv, Lang::Nb, Lang::En];

    /// The code: `sv`, `nb`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sv" => Ok(Lang::Sv),
            "nb" | "no" => Ok(Lang::Nb),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}`; expected sv, nb or en")),
        }
    }
}

/// One text in each language. `check` guarantees all three are present in a checked rule set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    /// In Swedish.
    pub sv: String,
    /// In Norwegian.
    pub nb: String,
    /// In English.
    pub en: String,
}

impl Texts {
    /// The three texts.
    pub fn new(sv: &str, nb: &str, en: &str) -> Self {
        Texts {
            sv: sv.to_string(),
            nb: nb.to_string(),
            en: en.to_string(),
        }
    }

    /// The text in a language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Sv => &self.sv,
            Lang::Nb => &self.nb,
            Lang::En => &self.en,
        }
    }

    /// Replaces the text in a language.
    pub fn set(&mut self, lang: Lang, text: String) {
        match lang {
            Lang::Sv => self.sv = text,
            Lang::Nb => self.nb = text,
            Lang::En => self.en = text,
        }
    }
}
