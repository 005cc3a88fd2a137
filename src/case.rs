//! The case: a planned purchase as the buyer describes it, and the facts rules may ask about.
//!
//! A case is read from TOML or JSON (unknown fields are errors, with file:line:col) or built as
//! typed Rust data. Every fact except the jurisdiction and the date may be absent: a rule that
//! needs an absent fact makes the outcome undecided and names it.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostic::{Diagnostic, SourceText, Span};
use crate::lang::Lang;
use crate::money::Money;

/// Cases larger than this are refused before parsing, to protect embedding servers.
pub const MAX_CASE_BYTES: usize = 64 * 1024;

/// Whose law applies: the buyer's country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Jurisdiction {
    #[serde(rename = "SE", alias = "se")]
    /// Sweden: LOU, LUF, LUFS, LUK.
    Se,
    #[serde(rename = "NO", alias = "no")]
    /// Norway: anskaffelsesloven and its regulations.
    No,
}

impl Jurisdiction {
    /// Every jurisdiction, in the order forms list them.
    pub const ALL: [Jurisdiction; 2] = [Jurisdiction::Se, Jurisdiction::No];

    /// The code a case writes: `SE` or `NO`.
    pub fn code(self) -> &'static str {
        match self {
            Jurisdiction::Se => "SE",
            Jurisdiction::No => "NO",
        }
    }
}

impl FromStr for Jurisdiction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "SE" | "se" => Ok(Jurisdiction::Se),
            "NO" | "no" => Ok(Jurisdiction::No),
            other => Err(format!("unknown jurisdiction `{other}`; expected SE or NO")),
        }
    }
}

/// Declares a closed list of names that a case may give for a fact, with the names accepted in
/// Swedish and Norwegian as aliases.
macro_rules! name_enum {
    ($(#[$doc:meta])* $name:ident ($label:literal) { $($variant:ident = $text:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum $name {
            $(#[doc = concat!("`", $text, "`")] #[serde(rename = $text)] $variant,)+
        }

        // Through `FromStr`, so that a case file and a rule file get the same message.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl $name {
            /// The names a case writes, in the order of the list.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// Every text a case may write for one of these: the names and their Swedish and
            /// Norwegian aliases.
            pub const ACCEPTED: &'static [&'static str] = &[$($text $(, $alias)*),+];

            /// The name a case writes for this value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text $(| $alias)* => Ok($name::$variant),)+
                    other => Err(format!("unknown {} `{other}`; expected one of: {}", $label, Self::NAMES.join(", "))),
                }
            }
        }
    };
}

name_enum! {
    /// What kind of body the buyer is; the thresholds and rules depend on it.
    BuyerKind ("kind of buyer") {
        Kommun = "kommun",
        Region = "region",
        StatligMyndighet = "statlig_myndighet" | "statlig myndighet",
        KommunaltBolag = "kommunalt_bolag" | "kommunalt bolag",
        Kommune = "kommune",
        Fylkeskommune = "fylkeskommune",
        Helseforetak = "helseforetak",
        OffentligrettsligOrgan = "offentligrettslig_organ" | "offentligrettslig organ",
    }
}

impl BuyerKind {
    /// The kinds of buyer a case of this jurisdiction may name: the others belong to another
    /// country's law, and the rules treat naming one as a contradiction, not as a possibility.
    pub fn names_in(jurisdiction: Jurisdiction) -> &'static [&'static str] {
        match jurisdiction {
            Jurisdiction::Se => &["kommun", "region", "statlig_myndighet", "kommunalt_bolag"],
            Jurisdiction::No => &[
                "kommune",
                "fylkeskommune",
                "statlig_myndighet",
                "helseforetak",
                "offentligrettslig_organ",
            ],
        }
    }
}

name_enum! {
    /// Goods, services or works.
    Category ("category") {
        Goods = "goods" | "varor" | "varer",
        Services = "services" | "tjänster" | "tjenester",
        Works = "works" | "byggentreprenad" | "bygge_og_anlegg",
    }
}

impl Category {
    /// What the category is called in running text: the Swedish and Norwegian words a case may
    /// also give for it (`varor`, `varer`, …), and the name itself in English.
    pub fn title(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Category::Goods, Lang::Sv) => "varor",
            (Category::Goods, Lang::Nb) => "varer",
            (Category::Goods, Lang::En) => "goods",
            (Category::Services, Lang::Sv) => "tjänster",
            (Category::Services, Lang::Nb) => "tjenester",
            (Category::Services, Lang::En) => "services",
            (Category::Works, Lang::Sv) => "byggentreprenad",
            (Category::Works, Lang::Nb) => "bygge og anlegg",
            (Category::Works, Lang::En) => "works",
        }
    }
}

name_enum! {
    /// What kind of service, where the law treats some services differently: health and social
    /// services (LOU bilaga 2; FOA vedlegg 3) and other specific services, e.g. cultural ones
    /// (LOU bilaga 2; FOA vedlegg 2). A rule file may also decide this from the CPV code.
    ServiceClass ("service class") {
        Ordinary = "ordinary",
        HealthSocial = "health_social",
        OtherSpecial = "other_special",
    }
}

name_enum! {
    /// Which procurement regime the purchase falls in: the general one (LOU; FOA), the utilities
    /// sectors (LUF; forsyningsforskriften) or defence and security (LUFS).
    Sector ("sector") {
        General = "general",
        Utilities = "utilities",
        DefenceSecurity = "defence_security",
    }
}

name_enum! {
    /// A ground the buyer relies on to award directly whatever the value. Each needs a lawyer's
    /// judgement; the rules name its conditions but do not decide it.
    Ground ("ground") {
        ExceptionalReasons = "exceptional_reasons",
        ExtremeUrgency = "extreme_urgency",
        SoleSupplier = "sole_supplier",
        NegotiatedWithoutNotice = "negotiated_without_notice",
        CoverPurchase = "cover_purchase",
    }
}

name_enum! {
    /// What a party to a partnership is.
    PartyKind ("kind of party") {
        Kommun = "kommun",
        Region = "region",
        StatligMyndighet = "statlig_myndighet" | "statlig myndighet",
        KommunaltBolag = "kommunalt_bolag" | "kommunalt bolag",
        Kommune = "kommune",
        Fylkeskommune = "fylkeskommune",
        Helseforetak = "helseforetak",
        OffentligrettsligOrgan = "offentligrettslig_organ" | "offentligrettslig organ",
        PrivateCompany = "private_company",
        IdeellForening = "ideell_forening" | "ideell_organisasjon",
        EkonomiskForening = "ekonomisk_forening",
        PrivateCareProvider = "private_care_provider",
        Foundation = "foundation",
    }
}

impl PartyKind {
    /// Whether a party of this kind is a contracting authority when the case does not say:
    /// public bodies are, private ones are not, and a municipal company depends on facts the kind
    /// alone does not give (`None`).
    pub fn contracting_authority(self) -> Option<bool> {
        match self {
            PartyKind::Kommun
            | PartyKind::Region
            | PartyKind::StatligMyndighet
            | PartyKind::Kommune
            | PartyKind::Fylkeskommune
            | PartyKind::Helseforetak
            | PartyKind::OffentligrettsligOrgan => Some(true),
            PartyKind::PrivateCompany
            | PartyKind::IdeellForening
            | PartyKind::EkonomiskForening
            | PartyKind::PrivateCareProvider
            | PartyKind::Foundation => Some(false),
            PartyKind::KommunaltBolag => None,
        }
    }
}

name_enum! {
    /// What a party brings to a partnership.
    Contribution ("contribution") {
        Money = "money",
        Premises = "premises",
        Staff = "staff",
        KnowHow = "know_how",
        Method = "method",
        Equipment = "equipment",
        Concept = "concept",
        Service = "service",
    }
}

name_enum! {
    /// A concept or method that has rules of its own.
    Concept ("concept") {
        KreHalsa = "kre_halsa",
        Other = "other",
    }
}

/// A CPV code: eight digits, optionally with the check digit (`92000000-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cpv {
    /// The eight digits, as a number.
    pub code: u32,
    /// The check digit after the dash, if given.
    pub check: Option<u8>,
}

impl FromStr for Cpv {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (digits, check) = match s.split_once('-') {
            Some((d, c)) => (d, Some(c)),
            None => (s, None),
        };
        let bad = || format!("`{s}` is not a CPV code; write eight digits, e.g. `92000000-1`");
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let check = match check {
            Some(c) if c.len() == 1 && c.bytes().all(|b| b.is_ascii_digit()) => c.parse().ok(),
            Some(_) => return Err(bad()),
            None => None,
        };
        Ok(Cpv {
            code: digits.parse().map_err(|_| bad())?,
            check,
        })
    }
}

impl fmt::Display for Cpv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.check {
            Some(c) => write!(f, "{:08}-{c}", self.code),
            None => write!(f, "{:08}", self.code),
        }
    }
}

impl Serialize for Cpv {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cpv {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Cpv::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// A planned purchase. Amounts are estimates excluding VAT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Case {
    /// The buyer's country, whose law applies.
    pub jurisdiction: Jurisdiction,
    /// The day the procurement starts: it selects the law in force.
    #[serde(with = "case_date")]
    pub date: Date,
    #[serde(default)]
    /// Who buys.
    pub buyer: Buyer,
    #[serde(default)]
    /// What is bought (for a partnership, nothing: see `partnership.procurement`).
    pub purchase: Purchase,
    /// Present for a partnership case: then the partnership rules decide, not the purchase rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partnership: Option<Partnership>,
}

/// What kind of question a case asks, which selects the rule files that answer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CaseKind {
    /// May this purchase be made directly?
    Purchase,
    /// May this partnership be done without a procurement?
    Partnership,
}

/// A planned partnership: who the parties are, what each contributes, and the facts the
/// cooperation and in-house rules ask about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Partnership {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// What the partnership is about, in the buyer's words.
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// A concept or method with rules of its own, if the partnership uses one.
    pub concept: Option<Concept>,
    /// The name of the party that owns the concept or method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concept_owner: Option<String>,
    /// The owner sells the concept, or its use, for a fee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concept_sale: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// The parties, the buyer among them.
    pub parties: Vec<Party>,
    /// The parties perform a public task they share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_public_task: Option<bool>,
    /// They pursue objectives they have in common.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_objective: Option<bool>,
    /// A private party gains an advantage from the arrangement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_advantage: Option<bool>,
    /// The share, in percent, of the cooperating activities performed on the open market.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "percent_field::deserialize"
    )]
    pub open_market_share: Option<Decimal>,
    /// The parties are one legal person (e.g. two nämnder of the same kommun).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_legal_person: Option<bool>,
    /// The parties rely on kommunal avtalssamverkan (kommunallagen 9 kap. 37 §).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avtalssamverkan_claimed: Option<bool>,
    /// The concept is to be spun off to an external operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spin_off: Option<bool>,
    /// Private care providers are to use the concept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_care_provider_use: Option<bool>,
    /// The cultural workers who deliver are to organise as an economic association.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub economic_association: Option<bool>,
    /// For a purchase from a company the buyer owns: the in-house facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<Company>,
    /// What must still be bought to carry the partnership out (e.g. the cultural entrepreneurs);
    /// decided with the purchase rules and attached to the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procurement: Option<Purchase>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A party to a partnership: who it is, what kind of body, and what it brings.
#[non_exhaustive]
pub struct Party {
    /// The party's name.
    pub name: String,
    /// What kind of body the party is.
    pub kind: PartyKind,
    /// Whether the party is a contracting authority; taken from its kind when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracting_authority: Option<bool>,
    #[serde(default)]
    /// What the party brings to the partnership.
    pub contributes: Vec<Contribution>,
}

impl Party {
    /// Whether the party is a contracting authority: as the case says, else as its kind implies,
    /// else not known.
    pub fn is_contracting_authority(&self) -> Option<bool> {
        self.contracting_authority
            .or_else(|| self.kind.contracting_authority())
    }
}

/// The in-house (Teckal) facts about a company the buyer owns, alone or with others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Company {
    /// The owners control it as they control their own departments (strategic objectives and
    /// significant decisions), alone or jointly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_like_own_departments: Option<bool>,
    /// The share, in percent, of its activity performed for its controlling owners.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "percent_field::deserialize"
    )]
    pub activity_for_owners: Option<Decimal>,
    /// The share, in percent, of its capital held directly by private owners.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "percent_field::deserialize"
    )]
    pub private_ownership: Option<Decimal>,
    /// How many contracting authorities control it together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owners: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// The buyer.
#[non_exhaustive]
pub struct Buyer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The buyer's name, for the record.
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// What kind of body the buyer is.
    pub kind: Option<BuyerKind>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A planned purchase: what is bought and what it is worth. Amounts are estimates
/// excluding VAT.
#[non_exhaustive]
pub struct Purchase {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Goods, services or works.
    pub category: Option<Category>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The CPV code of what is bought; some codes put a service in a class of its own.
    pub cpv: Option<Cpv>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// What is bought, in the buyer's words.
    pub description: Option<String>,
    /// The estimated value of the contract itself, excl. VAT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Money>,
    /// Options, counted as if they were used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Money>,
    /// Extensions, counted as if they were used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// How long the contract runs, in months.
    pub duration_months: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The purchase is a framework agreement.
    pub framework_agreement: Option<bool>,
    /// Direct awards of the same kind already made by the buyer in this fiscal year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_kind_this_year: Option<Money>,
    /// For a contract with no total price: the value per month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_value: Option<Money>,
    /// The contract runs until further notice (no fixed end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_ended: Option<bool>,
    /// When the purchase is divided into lots: the value of the lot being decided
    /// (`value` is then the total of all lots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lot_value: Option<Money>,
    /// The total of the lots, this one included, to be bought under the small-lot exception.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub small_lots_value: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The kind of service, where the CPV code does not settle it.
    pub service_class: Option<ServiceClass>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The procurement regime: general, utilities, or defence and security.
    pub sector: Option<Sector>,
    /// The contract is a concession (paid by the right to exploit the works or services).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concession: Option<bool>,
    /// Leasing, rental or hire-purchase of goods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leasing: Option<bool>,
    /// A regularly recurring contract, or one to be renewed within a set period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurring: Option<bool>,
    /// A ground for direct award the buyer relies on (synnerliga skäl, urgency, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_ground: Option<Ground>,
}

/// Dates in TOML may be native dates (`date = 2026-03-01`) or strings; JSON has only strings.
mod case_date {
    use super::*;
    use serde::de::{self, MapAccess, Visitor};

    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date like 2026-03-01")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                parse_date(v).map_err(E::custom)
            }
            // toml hands native dates over as a one-entry map holding the date's text.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let (_, text): (String, String) = map
                    .next_entry()?
                    .ok_or_else(|| de::Error::custom("expected a date like 2026-03-01"))?;
                parse_date(&text).map_err(de::Error::custom)
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

/// Percentages in a case file: a number from 0 to 100, written as TOML or JSON writes numbers
/// (`0`, `80.5`) or as text (`"80,5"`, `"81 %"`), read the same way in both formats.
mod percent_field {
    use super::*;
    use serde::de::{self, Visitor};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        struct PercentVisitor;
        impl Visitor<'_> for PercentVisitor {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a percentage from 0 to 100")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
                in_range(Decimal::from(v), &v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
                in_range(Decimal::from(v), &v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
                // The shortest text that reads back as this float is what the file says.
                let text = v.to_string();
                match Decimal::from_str(&text) {
                    Ok(d) if v.is_finite() => in_range(d, &text),
                    _ => Err(E::custom(format!(
                        "`{text}` is not a percentage from 0 to 100"
                    ))),
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                percent(v).map_err(E::custom)
            }
        }
        fn in_range<E: de::Error>(value: Decimal, text: &str) -> Result<Decimal, E> {
            if value >= Decimal::ZERO && value <= Decimal::ONE_HUNDRED {
                Ok(value)
            } else {
                Err(E::custom(format!(
                    "`{text}` is not a percentage from 0 to 100"
                )))
            }
        }
        deserializer.deserialize_any(PercentVisitor).map(Some)
    }
}

/// A calendar date written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let valid_shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !valid_shape {
        return Err(format!("`{text}` is not a date; write it like 2026-03-01"));
    }
    text.parse::<Date>()
        .map_err(|_| format!("`{text}` is not a calendar date"))
}

/// Why a case could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", crate::diagnostic::render_all(.diagnostics))]
#[non_exhaustive]
pub struct CaseError {
    /// What is wrong, each with its place in the case.
    pub diagnostics: Vec<Diagnostic>,
}

impl CaseError {
    fn at(source: &SourceText, span: Option<Span>, message: String) -> Self {
        let diagnostic = match span {
            Some(span) => Diagnostic::error(source, span, message).with_label("here"),
            None => Diagnostic::without_position(&source.name, message),
        };
        CaseError {
            diagnostics: vec![diagnostic],
        }
    }
}

impl Case {
    /// Reads a case from TOML text; `name` is the file name used in error messages.
    pub fn from_toml_str(text: &str, name: &str) -> Result<Case, CaseError> {
        let source = SourceText::new(name, text);
        check_size(&source)?;
        toml::from_str::<Case>(text).map_err(|e| toml_error(&source, &e))
    }

    /// Reads a case from JSON text (the same fields as the TOML form).
    pub fn from_json_str(text: &str, name: &str) -> Result<Case, CaseError> {
        let source = SourceText::new(name, text);
        check_size(&source)?;
        serde_json::from_str::<Case>(text).map_err(|e| json_error(&source, &e))
    }

    /// Reads a case from a file's text: JSON when `name` ends in `.json`, TOML otherwise.
    pub fn parse(text: &str, name: &str) -> Result<Case, CaseError> {
        if name.ends_with(".json") {
            Case::from_json_str(text, name)
        } else {
            Case::from_toml_str(text, name)
        }
    }

    /// The amounts this case states, with where they are (`purchase.value`, or
    /// `partnership.procurement.value` for the purchase a partnership requires).
    pub fn amounts(&self) -> Vec<(String, Money)> {
        let mut out = Vec::new();
        let mut purchase = |prefix: &str, p: &Purchase| {
            let fields = [
                ("value", p.value),
                ("options", p.options),
                ("extensions", p.extensions),
                ("same_kind_this_year", p.same_kind_this_year),
                ("monthly_value", p.monthly_value),
                ("lot_value", p.lot_value),
                ("small_lots_value", p.small_lots_value),
            ];
            for (name, money) in fields {
                if let Some(m) = money {
                    out.push((format!("{prefix}.{name}"), m));
                }
            }
        };
        purchase("purchase", &self.purchase);
        if let Some(p) = self
            .partnership
            .as_ref()
            .and_then(|p| p.procurement.as_ref())
        {
            purchase("partnership.procurement", p);
        }
        out
    }

    /// Where a field (`purchase.value`) is written in this case's text, for a message that
    /// points at it; `None` when it cannot be found.
    pub fn field_span(text: &str, name: &str, path: &str) -> Option<Span> {
        let keys: Vec<&str> = path.split('.').collect();
        if name.ends_with(".json") {
            // Each key after the one before: enough to point at the field in a case file.
            let mut from = 0;
            let mut found = None;
            for key in &keys {
                let quoted = format!("\"{key}\"");
                let at = text.get(from..)?.find(&quoted)? + from;
                found = Some(Span::new(at, at + quoted.len()));
                from = at + quoted.len();
            }
            return found;
        }
        let table = toml::de::DeTable::parse(text).ok()?;
        let mut current = table.get_ref();
        let (last, parents) = keys.split_last()?;
        for key in parents {
            match current.get(*key)?.get_ref() {
                toml::de::DeValue::Table(t) => current = t,
                _ => return None,
            }
        }
        let value = current.get(*last)?;
        let range = value.span();
        Some(Span::new(range.start, range.end))
    }

    /// The case as TOML, in the documented format.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// A TOML reader's error at its place in the text.
pub(crate) fn toml_error(source: &SourceText, e: &toml::de::Error) -> CaseError {
    let span = e.span().map(|r| Span::new(r.start, r.end));
    CaseError::at(source, span, clean_message(e.message()))
}

/// A JSON reader's error at its place in the text.
pub(crate) fn json_error(source: &SourceText, e: &serde_json::Error) -> CaseError {
    let offset = source.offset_of(e.line(), e.column().max(1));
    // serde_json points just past the offending token; step back onto it.
    let start = offset.saturating_sub(1);
    let message = e.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    CaseError::at(
        source,
        (e.line() > 0).then_some(Span::new(start, start + 1)),
        clean_message(&message),
    )
}

fn check_size(source: &SourceText) -> Result<(), CaseError> {
    if source.text.len() > MAX_CASE_BYTES {
        return Err(CaseError::at(
            source,
            None,
            format!(
                "the case is {} bytes; the limit is {} bytes",
                source.text.len(),
                MAX_CASE_BYTES
            ),
        ));
    }
    Ok(())
}

/// serde's messages end with a period and start with a capital at times; ours do neither.
fn clean_message(message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    match chars.next() {
        // An initialism (`EOF while parsing`) keeps its capitals.
        Some(first) if chars.clone().next().is_some_and(char::is_uppercase) => {
            std::iter::once(first).chain(chars).collect()
        }
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A fact a rule can ask about. `check` resolves names in rule files to these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Fact {
    /// `jurisdiction`: jurisdiction.
    Jurisdiction,
    /// `date`: the day the procurement starts.
    Date,
    /// `buyer.name`: the buyer.
    BuyerName,
    /// `buyer.kind`: the kind of buyer.
    BuyerKind,
    /// `purchase.category`: what is bought.
    Category,
    /// `purchase.cpv`: CPV code.
    Cpv,
    /// `purchase.description`: description.
    Description,
    /// `purchase.value`: the estimated value.
    Value,
    /// `purchase.options`: options.
    Options,
    /// `purchase.extensions`: extensions.
    Extensions,
    /// `purchase.duration_months`: duration in months.
    DurationMonths,
    /// `purchase.framework_agreement`: framework agreement.
    FrameworkAgreement,
    /// `purchase.same_kind_this_year`: direct awards of the same kind this fiscal year.
    SameKindThisYear,
    /// `purchase.monthly_value`: the value per month.
    MonthlyValue,
    /// `purchase.open_ended`: open-ended contract.
    OpenEnded,
    /// `purchase.lot_value`: the value of this lot.
    LotValue,
    /// `purchase.small_lots_value`: the value of the small lots set apart.
    SmallLotsValue,
    /// `purchase.service_class`: the kind of service.
    ServiceClass,
    /// `purchase.sector`: sector.
    Sector,
    /// `purchase.concession`: concession.
    Concession,
    /// `purchase.leasing`: leasing, rental or hire-purchase.
    Leasing,
    /// `purchase.recurring`: recurring contract.
    Recurring,
    /// `purchase.claimed_ground`: the ground claimed for a direct award.
    ClaimedGround,
    /// `partnership.party_count`: the number of parties (computed from the parties).
    PartyCount,
    /// `partnership.all_contracting_authorities`: every party is a contracting authority (computed from the parties).
    AllContractingAuthorities,
    /// `partnership.any_only_money`: a party contributes only money (computed from the parties).
    AnyOnlyMoney,
    /// `partnership.any_without_contribution`: a party contributes nothing (computed from the parties).
    AnyWithoutContribution,
    /// `partnership.any_private_party`: a party is of a private kind (computed from the parties'
    /// kinds, whatever they are marked).
    AnyPrivateParty,
    /// `partnership.premises_and_staff`: a party contributes premises and staff (computed from the parties).
    PremisesAndStaff,
    /// `partnership.concept`: the concept.
    Concept,
    /// `partnership.concept_sale`: the concept is sold.
    ConceptSale,
    /// `partnership.shared_public_task`: the parties perform a public task they share.
    SharedPublicTask,
    /// `partnership.common_objective`: the parties share their objectives.
    CommonObjective,
    /// `partnership.private_advantage`: a private party gains an advantage.
    PrivateAdvantage,
    /// `partnership.open_market_share`: the share of the activities on the open market (percent).
    OpenMarketShare,
    /// `partnership.same_legal_person`: the parties are one legal person.
    SameLegalPerson,
    /// `partnership.avtalssamverkan_claimed`: kommunal avtalssamverkan is claimed.
    AvtalssamverkanClaimed,
    /// `partnership.spin_off`: the concept is spun off to an external operation.
    SpinOff,
    /// `partnership.private_care_provider_use`: private care providers are to use the concept.
    PrivateCareProviderUse,
    /// `partnership.economic_association`: the cultural workers organise as an economic association.
    EconomicAssociation,
    /// `partnership.company.control_like_own_departments`: the owners control the company as their own departments.
    CompanyControl,
    /// `partnership.company.activity_for_owners`: the share of the company's activity for its owners (percent).
    CompanyActivity,
    /// `partnership.company.private_ownership`: private ownership of the company (percent).
    CompanyPrivateOwnership,
    /// `partnership.company.owners`: the number of owners in control.
    CompanyOwners,
    /// `partnership.party`: a party (one party, written `name; kind; contributions`).
    Party,
}

/// What kind of value a fact holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FactType {
    /// An amount with its currency.
    Money,
    /// A calendar day.
    Date,
    /// A number (months, percent, a count).
    Number,
    /// Yes or no.
    Bool,
    /// Free text.
    Text,
    /// A CPV code.
    Cpv,
    /// One of a closed list of names.
    Names(&'static [&'static str]),
}

const JURISDICTION_NAMES: &[&str] = &["SE", "NO"];

/// The values a fact the case does not state could take, for the case split: the names of a
/// closed list, yes or no, or an interval of amounts or numbers on a grid (öre, hundredths of a
/// percent, whole months). Facts with no such domain (texts, dates, CPV codes) are not split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SplitDomain {
    Names(&'static [&'static str]),
    Bool,
    Interval {
        low: Decimal,
        high: Decimal,
        step: Decimal,
    },
    None,
}

/// The largest amount the split considers: no public contract is worth 10^15 in any currency,
/// and amounts this size still multiply by 48 months without leaving exact decimals.
pub(crate) const MAX_SPLIT_AMOUNT: i64 = 1_000_000_000_000_000;

/// A fact's value in a case.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FactValue<'c> {
    /// An amount.
    Money(Money),
    /// A day.
    Date(Date),
    /// A number.
    Number(Decimal),
    /// Yes or no.
    Bool(bool),
    /// Free text, borrowed from the case.
    Text(&'c str),
    /// A CPV code.
    Cpv(Cpv),
    /// A name of a closed list.
    Name(&'static str),
}

impl Fact {
    /// Every fact, in the order of the case format.
    pub const ALL: [Fact; 45] = [
        Fact::Jurisdiction,
        Fact::Date,
        Fact::BuyerName,
        Fact::BuyerKind,
        Fact::Category,
        Fact::Cpv,
        Fact::Description,
        Fact::Value,
        Fact::Options,
        Fact::Extensions,
        Fact::DurationMonths,
        Fact::FrameworkAgreement,
        Fact::SameKindThisYear,
        Fact::MonthlyValue,
        Fact::OpenEnded,
        Fact::LotValue,
        Fact::SmallLotsValue,
        Fact::ServiceClass,
        Fact::Sector,
        Fact::Concession,
        Fact::Leasing,
        Fact::Recurring,
        Fact::ClaimedGround,
        Fact::PartyCount,
        Fact::AllContractingAuthorities,
        Fact::AnyOnlyMoney,
        Fact::AnyWithoutContribution,
        Fact::AnyPrivateParty,
        Fact::PremisesAndStaff,
        Fact::Concept,
        Fact::ConceptSale,
        Fact::SharedPublicTask,
        Fact::CommonObjective,
        Fact::PrivateAdvantage,
        Fact::OpenMarketShare,
        Fact::SameLegalPerson,
        Fact::AvtalssamverkanClaimed,
        Fact::SpinOff,
        Fact::PrivateCareProviderUse,
        Fact::EconomicAssociation,
        Fact::CompanyControl,
        Fact::CompanyActivity,
        Fact::CompanyPrivateOwnership,
        Fact::CompanyOwners,
        Fact::Party,
    ];

    /// The name rule files use.
    pub fn path(self) -> &'static str {
        match self {
            Fact::Jurisdiction => "jurisdiction",
            Fact::Date => "date",
            Fact::BuyerName => "buyer.name",
            Fact::BuyerKind => "buyer.kind",
            Fact::Category => "purchase.category",
            Fact::Cpv => "purchase.cpv",
            Fact::Description => "purchase.description",
            Fact::Value => "purchase.value",
            Fact::Options => "purchase.options",
            Fact::Extensions => "purchase.extensions",
            Fact::DurationMonths => "purchase.duration_months",
            Fact::FrameworkAgreement => "purchase.framework_agreement",
            Fact::SameKindThisYear => "purchase.same_kind_this_year",
            Fact::MonthlyValue => "purchase.monthly_value",
            Fact::OpenEnded => "purchase.open_ended",
            Fact::LotValue => "purchase.lot_value",
            Fact::SmallLotsValue => "purchase.small_lots_value",
            Fact::ServiceClass => "purchase.service_class",
            Fact::Sector => "purchase.sector",
            Fact::Concession => "purchase.concession",
            Fact::Leasing => "purchase.leasing",
            Fact::Recurring => "purchase.recurring",
            Fact::ClaimedGround => "purchase.claimed_ground",
            Fact::PartyCount => "partnership.party_count",
            Fact::AllContractingAuthorities => "partnership.all_contracting_authorities",
            Fact::AnyOnlyMoney => "partnership.any_only_money",
            Fact::AnyWithoutContribution => "partnership.any_without_contribution",
            Fact::AnyPrivateParty => "partnership.any_private_party",
            Fact::PremisesAndStaff => "partnership.premises_and_staff",
            Fact::Concept => "partnership.concept",
            Fact::ConceptSale => "partnership.concept_sale",
            Fact::SharedPublicTask => "partnership.shared_public_task",
            Fact::CommonObjective => "partnership.common_objective",
            Fact::PrivateAdvantage => "partnership.private_advantage",
            Fact::OpenMarketShare => "partnership.open_market_share",
            Fact::SameLegalPerson => "partnership.same_legal_person",
            Fact::AvtalssamverkanClaimed => "partnership.avtalssamverkan_claimed",
            Fact::SpinOff => "partnership.spin_off",
            Fact::PrivateCareProviderUse => "partnership.private_care_provider_use",
            Fact::EconomicAssociation => "partnership.economic_association",
            Fact::CompanyControl => "partnership.company.control_like_own_departments",
            Fact::CompanyActivity => "partnership.company.activity_for_owners",
            Fact::CompanyPrivateOwnership => "partnership.company.private_ownership",
            Fact::CompanyOwners => "partnership.company.owners",
            Fact::Party => "partnership.party",
        }
    }

    /// The fact a rule file or a case names by this path, e.g. `purchase.value`.
    pub fn from_path(path: &str) -> Option<Fact> {
        Fact::ALL.into_iter().find(|f| f.path() == path)
    }

    /// What kind of value the fact holds.
    pub fn ty(self) -> FactType {
        match self {
            Fact::Jurisdiction => FactType::Names(JURISDICTION_NAMES),
            Fact::Date => FactType::Date,
            Fact::BuyerName | Fact::Description => FactType::Text,
            Fact::BuyerKind => FactType::Names(BuyerKind::NAMES),
            Fact::Category => FactType::Names(Category::NAMES),
            Fact::Cpv => FactType::Cpv,
            Fact::Value
            | Fact::Options
            | Fact::Extensions
            | Fact::SameKindThisYear
            | Fact::MonthlyValue
            | Fact::LotValue
            | Fact::SmallLotsValue => FactType::Money,
            Fact::DurationMonths => FactType::Number,
            Fact::FrameworkAgreement
            | Fact::OpenEnded
            | Fact::Concession
            | Fact::Leasing
            | Fact::Recurring => FactType::Bool,
            Fact::ServiceClass => FactType::Names(ServiceClass::NAMES),
            Fact::Sector => FactType::Names(Sector::NAMES),
            Fact::ClaimedGround => FactType::Names(Ground::NAMES),
            Fact::PartyCount => FactType::Number,
            Fact::AllContractingAuthorities => FactType::Bool,
            Fact::AnyOnlyMoney => FactType::Bool,
            Fact::AnyWithoutContribution => FactType::Bool,
            Fact::AnyPrivateParty => FactType::Bool,
            Fact::PremisesAndStaff => FactType::Bool,
            Fact::Concept => FactType::Names(Concept::NAMES),
            Fact::ConceptSale => FactType::Bool,
            Fact::SharedPublicTask => FactType::Bool,
            Fact::CommonObjective => FactType::Bool,
            Fact::PrivateAdvantage => FactType::Bool,
            Fact::OpenMarketShare => FactType::Number,
            Fact::SameLegalPerson => FactType::Bool,
            Fact::AvtalssamverkanClaimed => FactType::Bool,
            Fact::SpinOff => FactType::Bool,
            Fact::PrivateCareProviderUse => FactType::Bool,
            Fact::EconomicAssociation => FactType::Bool,
            Fact::CompanyControl => FactType::Bool,
            Fact::CompanyActivity => FactType::Number,
            Fact::CompanyPrivateOwnership => FactType::Number,
            Fact::CompanyOwners => FactType::Number,
            Fact::Party => FactType::Text,
        }
    }

    /// The names a case of this jurisdiction may give this fact, for a fact that takes one of a
    /// closed list (the kinds of buyer of that country, for the kind of buyer); `None` for a fact
    /// of another type. What a form offers, and what the case split ranges over.
    pub fn names_in(self, jurisdiction: Jurisdiction) -> Option<&'static [&'static str]> {
        match self {
            Fact::BuyerKind => Some(BuyerKind::names_in(jurisdiction)),
            _ => match self.ty() {
                FactType::Names(names) => Some(names),
                _ => None,
            },
        }
    }

    /// Whether this fact is computed from others (the parties of a partnership) rather than
    /// stated by a case: [`Case::set_fact`] refuses it, and a form does not ask for it.
    pub fn computed(self) -> bool {
        matches!(
            self,
            Fact::PartyCount
                | Fact::AllContractingAuthorities
                | Fact::AnyOnlyMoney
                | Fact::AnyWithoutContribution
                | Fact::AnyPrivateParty
                | Fact::PremisesAndStaff
        )
    }

    /// The values the case split ranges over when a case of this jurisdiction does not state
    /// this fact.
    pub(crate) fn split_domain_in(self, jurisdiction: Jurisdiction) -> SplitDomain {
        match self {
            Fact::BuyerKind => SplitDomain::Names(BuyerKind::names_in(jurisdiction)),
            _ => self.split_domain(),
        }
    }

    /// The values the case split ranges over when the case does not state this fact.
    pub(crate) fn split_domain(self) -> SplitDomain {
        let hundredth = Decimal::new(1, 2);
        match self.ty() {
            FactType::Names(names) if self != Fact::Jurisdiction => SplitDomain::Names(names),
            FactType::Bool => SplitDomain::Bool,
            FactType::Money => SplitDomain::Interval {
                low: Decimal::ZERO,
                high: Decimal::from(MAX_SPLIT_AMOUNT),
                step: hundredth,
            },
            FactType::Number => match self {
                Fact::OpenMarketShare | Fact::CompanyActivity | Fact::CompanyPrivateOwnership => {
                    SplitDomain::Interval {
                        low: Decimal::ZERO,
                        high: Decimal::ONE_HUNDRED,
                        step: hundredth,
                    }
                }
                _ => SplitDomain::Interval {
                    low: Decimal::ZERO,
                    high: Decimal::from(u32::MAX),
                    step: Decimal::ONE,
                },
            },
            _ => SplitDomain::None,
        }
    }

    /// The command-line option of `regelverk check` that states this fact, if it has one of
    /// its own; every fact can also be given as `--fact PATH=VALUE`.
    pub fn flag(self) -> Option<&'static str> {
        Some(match self {
            Fact::Jurisdiction => "--jurisdiction",
            Fact::Date => "--date",
            Fact::BuyerKind => "--buyer",
            Fact::Category => "--category",
            Fact::Value => "--value",
            Fact::Cpv => "--cpv",
            Fact::Options => "--options",
            Fact::Extensions => "--extensions",
            Fact::SameKindThisYear => "--same-kind-this-year",
            Fact::ServiceClass => "--service-class",
            Fact::ClaimedGround => "--claimed-ground",
            Fact::DurationMonths => "--duration-months",
            _ => return None,
        })
    }

    /// What a name of this fact's closed list means, in words, if the vocabulary says.
    pub fn name_label(self, name: &str, lang: Lang) -> Option<&'static str> {
        let [sv, nb, en] = match (self, name) {
            (Fact::Jurisdiction, "SE") => ["Sverige", "Sverige", "Sweden"],
            (Fact::Jurisdiction, "NO") => ["Norge", "Norge", "Norway"],
            (Fact::Category, "goods") => ["varor", "varer", "goods"],
            (Fact::Category, "services") => ["tjänster", "tjenester", "services"],
            (Fact::Category, "works") => ["byggentreprenad", "bygge- og anleggsarbeid", "works"],
            (Fact::ServiceClass, "ordinary") => [
                "en vanlig tjänst",
                "en vanlig tjeneste",
                "an ordinary service",
            ],
            (Fact::ServiceClass, "health_social") => [
                "en hälso- och sjukvårdstjänst eller social tjänst",
                "en helse- eller sosialtjeneste",
                "a health or social service",
            ],
            (Fact::ServiceClass, "other_special") => [
                "en annan särskild tjänst, t.ex. kultur",
                "en annen særlig tjeneste, f.eks. kultur",
                "another specific service, e.g. cultural",
            ],
            (Fact::Sector, "general") => [
                "den klassiska sektorn",
                "alminnelig sektor",
                "the general sector",
            ],
            (Fact::Sector, "utilities") => [
                "försörjningssektorerna",
                "forsyningssektorene",
                "the utilities sectors",
            ],
            (Fact::Sector, "defence_security") => [
                "försvar och säkerhet",
                "forsvar og sikkerhet",
                "defence and security",
            ],
            (Fact::BuyerKind, "kommun") => {
                ["en kommun", "en svensk kommun", "a Swedish municipality"]
            }
            (Fact::BuyerKind, "region") => ["en region", "en svensk region", "a Swedish region"],
            (Fact::BuyerKind, "statlig_myndighet") => [
                "en statlig myndighet",
                "en statlig myndighet",
                "a central government authority",
            ],
            (Fact::BuyerKind, "kommunalt_bolag") => [
                "ett kommunalt bolag",
                "et kommunalt selskap",
                "a municipal company",
            ],
            (Fact::BuyerKind, "kommune") => {
                ["en norsk kommun", "en kommune", "a Norwegian municipality"]
            }
            (Fact::BuyerKind, "fylkeskommune") => {
                ["en fylkeskommun", "en fylkeskommune", "a county authority"]
            }
            (Fact::BuyerKind, "helseforetak") => {
                ["ett helseforetak", "et helseforetak", "a health trust"]
            }
            (Fact::BuyerKind, "offentligrettslig_organ") => [
                "ett offentligrättsligt organ",
                "et offentligrettslig organ",
                "a body governed by public law",
            ],
            _ => return None,
        };
        Some(match lang {
            Lang::Sv => sv,
            Lang::Nb => nb,
            Lang::En => en,
        })
    }

    /// What the fact is called in an explanation.
    pub fn title(self, lang: Lang) -> &'static str {
        let [sv, nb, en] = match self {
            Fact::Jurisdiction => ["land", "land", "jurisdiction"],
            Fact::Date => [
                "upphandlingens startdag",
                "anskaffelsens startdato",
                "the day the procurement starts",
            ],
            Fact::BuyerName => ["köparen", "oppdragsgiveren", "the buyer"],
            Fact::BuyerKind => ["köparens slag", "type oppdragsgiver", "the kind of buyer"],
            Fact::Category => ["vad som köps", "hva som kjøpes", "what is bought"],
            Fact::Cpv => ["CPV-kod", "CPV-kode", "CPV code"],
            Fact::Description => ["beskrivning", "beskrivelse", "description"],
            Fact::Value => ["uppskattat värde", "anslått verdi", "the estimated value"],
            Fact::Options => ["optioner", "opsjoner", "options"],
            Fact::Extensions => ["förlängningar", "forlengelser", "extensions"],
            Fact::DurationMonths => [
                "löptid i månader",
                "varighet i måneder",
                "duration in months",
            ],
            Fact::FrameworkAgreement => ["ramavtal", "rammeavtale", "framework agreement"],
            Fact::SameKindThisYear => [
                "direktupphandlingar av samma slag under räkenskapsåret",
                "direkte anskaffelser av samme art i regnskapsåret",
                "direct awards of the same kind this fiscal year",
            ],
            Fact::MonthlyValue => ["värde per månad", "verdi per måned", "the value per month"],
            Fact::OpenEnded => [
                "tillsvidareavtal",
                "løpende avtale uten sluttdato",
                "open-ended contract",
            ],
            Fact::LotValue => [
                "delkontraktets värde",
                "delkontraktens verdi",
                "the value of this lot",
            ],
            Fact::SmallLotsValue => [
                "värdet av små delkontrakt som undantas",
                "verdien av små delkontrakter som unntas",
                "the value of the small lots set apart",
            ],
            Fact::ServiceClass => ["slag av tjänst", "type tjeneste", "the kind of service"],
            Fact::Sector => ["sektor", "sektor", "sector"],
            Fact::Concession => ["koncession", "konsesjonskontrakt", "concession"],
            Fact::Leasing => [
                "leasing, hyra eller hyrköp",
                "leie, leasing eller leiekjøp",
                "leasing, rental or hire-purchase",
            ],
            Fact::Recurring => [
                "återkommande kontrakt",
                "gjentakende kontrakt",
                "recurring contract",
            ],
            Fact::ClaimedGround => [
                "åberopad grund för direktupphandling",
                "påberopt grunnlag for direkte anskaffelse",
                "the ground claimed for a direct award",
            ],
            Fact::PartyCount => ["antal parter", "antall parter", "the number of parties"],
            Fact::AllContractingAuthorities => [
                "alla parter är upphandlande myndigheter",
                "alle parter er oppdragsgivere",
                "every party is a contracting authority",
            ],
            Fact::AnyOnlyMoney => [
                "någon part bidrar bara med pengar",
                "en part bidrar bare med penger",
                "a party contributes only money",
            ],
            Fact::AnyPrivateParty => [
                "någon part är privat (företag, förening, stiftelse eller privat vårdgivare)",
                "en part er privat (selskap, forening, stiftelse eller privat tjenesteyter)",
                "a party is private (a company, association, foundation or private care provider)",
            ],
            Fact::AnyWithoutContribution => [
                "någon part bidrar inte med något",
                "en part bidrar ikke med noe",
                "a party contributes nothing",
            ],
            Fact::PremisesAndStaff => [
                "en part bidrar med lokaler och personal",
                "en part bidrar med lokaler og personale",
                "a party contributes premises and staff",
            ],
            Fact::Concept => ["koncept", "konsept", "the concept"],
            Fact::ConceptSale => ["konceptet säljs", "konseptet selges", "the concept is sold"],
            Fact::SharedPublicTask => [
                "parterna utför en gemensam offentlig uppgift",
                "partene utfører en felles offentlig oppgave",
                "the parties perform a public task they share",
            ],
            Fact::CommonObjective => [
                "parterna har gemensamma mål",
                "partene har felles mål",
                "the parties share their objectives",
            ],
            Fact::PrivateAdvantage => [
                "en privat aktör gynnas",
                "en privat aktør får en fordel",
                "a private party gains an advantage",
            ],
            Fact::OpenMarketShare => [
                "andel av verksamheten på den öppna marknaden (procent)",
                "andel av virksomheten i det åpne markedet (prosent)",
                "the share of the activities on the open market (percent)",
            ],
            Fact::SameLegalPerson => [
                "parterna är samma juridiska person",
                "partene er samme juridiske person",
                "the parties are one legal person",
            ],
            Fact::AvtalssamverkanClaimed => [
                "kommunal avtalssamverkan åberopas",
                "kommunalt avtalssamarbeid påberopes",
                "kommunal avtalssamverkan is claimed",
            ],
            Fact::SpinOff => [
                "konceptet knoppas av till en extern verksamhet",
                "konseptet skilles ut i en ekstern virksomhet",
                "the concept is spun off to an external operation",
            ],
            Fact::PrivateCareProviderUse => [
                "privata vårdgivare ska använda konceptet",
                "private helseaktører skal bruke konseptet",
                "private care providers are to use the concept",
            ],
            Fact::EconomicAssociation => [
                "kulturarbetarna organiserar sig i en ekonomisk förening",
                "kulturarbeiderne organiserer seg i en økonomisk forening",
                "the cultural workers organise as an economic association",
            ],
            Fact::CompanyControl => [
                "ägarna styr bolaget som en egen förvaltning",
                "eierne kontrollerer selskapet som egne avdelinger",
                "the owners control the company as their own departments",
            ],
            Fact::CompanyActivity => [
                "andel av bolagets verksamhet för ägarna (procent)",
                "andel av selskapets virksomhet for eierne (prosent)",
                "the share of the company's activity for its owners (percent)",
            ],
            Fact::CompanyPrivateOwnership => [
                "privat ägande i bolaget (procent)",
                "privat eierskap i selskapet (prosent)",
                "private ownership of the company (percent)",
            ],
            Fact::CompanyOwners => [
                "antal ägare som styr bolaget",
                "antall eiere som kontrollerer selskapet",
                "the number of owners in control",
            ],
            Fact::Party => ["part", "part", "a party"],
        };
        match lang {
            Lang::Sv => sv,
            Lang::Nb => nb,
            Lang::En => en,
        }
    }
}

impl Case {
    /// The value of a fact in this case, or `None` when the case does not state it.
    pub fn fact(&self, fact: Fact) -> Option<FactValue<'_>> {
        let p = &self.purchase;
        let s = self.partnership.as_ref();
        match fact {
            Fact::Jurisdiction => Some(FactValue::Name(self.jurisdiction.code())),
            Fact::Date => Some(FactValue::Date(self.date)),
            Fact::BuyerName => self.buyer.name.as_deref().map(FactValue::Text),
            Fact::BuyerKind => self.buyer.kind.map(|k| FactValue::Name(k.as_str())),
            Fact::Category => p.category.map(|c| FactValue::Name(c.as_str())),
            Fact::Cpv => p.cpv.map(FactValue::Cpv),
            Fact::Description => p.description.as_deref().map(FactValue::Text),
            Fact::Value => p.value.map(FactValue::Money),
            Fact::Options => p.options.map(FactValue::Money),
            Fact::Extensions => p.extensions.map(FactValue::Money),
            Fact::DurationMonths => p
                .duration_months
                .map(|m| FactValue::Number(Decimal::from(m))),
            Fact::FrameworkAgreement => p.framework_agreement.map(FactValue::Bool),
            Fact::SameKindThisYear => p.same_kind_this_year.map(FactValue::Money),
            Fact::MonthlyValue => p.monthly_value.map(FactValue::Money),
            Fact::OpenEnded => p.open_ended.map(FactValue::Bool),
            Fact::LotValue => p.lot_value.map(FactValue::Money),
            Fact::SmallLotsValue => p.small_lots_value.map(FactValue::Money),
            Fact::ServiceClass => p.service_class.map(|c| FactValue::Name(c.as_str())),
            Fact::Sector => p.sector.map(|s| FactValue::Name(s.as_str())),
            Fact::Concession => p.concession.map(FactValue::Bool),
            Fact::Leasing => p.leasing.map(FactValue::Bool),
            Fact::Recurring => p.recurring.map(FactValue::Bool),
            Fact::ClaimedGround => p.claimed_ground.map(|g| FactValue::Name(g.as_str())),
            Fact::PartyCount => s.map(|s| FactValue::Number(Decimal::from(s.parties.len()))),
            Fact::AllContractingAuthorities => {
                s.and_then(all_contracting_authorities).map(FactValue::Bool)
            }
            Fact::AnyOnlyMoney => s.and_then(|s| {
                (!s.parties.is_empty()).then(|| {
                    FactValue::Bool(s.parties.iter().any(|p| {
                        !p.contributes.is_empty()
                            && p.contributes.iter().all(|c| *c == Contribution::Money)
                    }))
                })
            }),
            // The kind alone, whatever `contracting_authority` says: a rule can then see a
            // private party marked as an authority, which `all_contracting_authorities` hides.
            Fact::AnyPrivateParty => s.and_then(|s| {
                (!s.parties.is_empty()).then(|| {
                    FactValue::Bool(
                        s.parties
                            .iter()
                            .any(|p| p.kind.contracting_authority() == Some(false)),
                    )
                })
            }),
            Fact::AnyWithoutContribution => s.and_then(|s| {
                (!s.parties.is_empty())
                    .then(|| FactValue::Bool(s.parties.iter().any(|p| p.contributes.is_empty())))
            }),
            Fact::PremisesAndStaff => s.and_then(|s| {
                (!s.parties.is_empty()).then(|| {
                    FactValue::Bool(s.parties.iter().any(|p| {
                        p.contributes.contains(&Contribution::Premises)
                            && p.contributes.contains(&Contribution::Staff)
                    }))
                })
            }),
            Fact::Concept => s
                .and_then(|s| s.concept)
                .map(|c| FactValue::Name(c.as_str())),
            Fact::ConceptSale => s.and_then(|s| s.concept_sale).map(FactValue::Bool),
            Fact::SharedPublicTask => s.and_then(|s| s.shared_public_task).map(FactValue::Bool),
            Fact::CommonObjective => s.and_then(|s| s.common_objective).map(FactValue::Bool),
            Fact::PrivateAdvantage => s.and_then(|s| s.private_advantage).map(FactValue::Bool),
            Fact::OpenMarketShare => s.and_then(|s| s.open_market_share).map(FactValue::Number),
            Fact::SameLegalPerson => s.and_then(|s| s.same_legal_person).map(FactValue::Bool),
            Fact::AvtalssamverkanClaimed => s
                .and_then(|s| s.avtalssamverkan_claimed)
                .map(FactValue::Bool),
            Fact::SpinOff => s.and_then(|s| s.spin_off).map(FactValue::Bool),
            Fact::PrivateCareProviderUse => s
                .and_then(|s| s.private_care_provider_use)
                .map(FactValue::Bool),
            Fact::EconomicAssociation => {
                s.and_then(|s| s.economic_association).map(FactValue::Bool)
            }
            Fact::CompanyControl => s
                .and_then(|s| s.company.as_ref()?.control_like_own_departments)
                .map(FactValue::Bool),
            Fact::CompanyActivity => s
                .and_then(|s| s.company.as_ref()?.activity_for_owners)
                .map(FactValue::Number),
            Fact::CompanyPrivateOwnership => s
                .and_then(|s| s.company.as_ref()?.private_ownership)
                .map(FactValue::Number),
            Fact::CompanyOwners => s
                .and_then(|s| s.company.as_ref()?.owners)
                .map(|n| FactValue::Number(Decimal::from(n))),
            Fact::Party => None,
        }
    }

    /// Sets a fact from text as a rule file's `given` or the CLI writes it.
    pub fn set_fact(&mut self, fact: Fact, text: &str) -> Result<(), String> {
        let money = || Money::from_str(text).map_err(|e| e.to_string());
        let p = &mut self.purchase;
        match fact {
            Fact::Jurisdiction => self.jurisdiction = text.parse()?,
            Fact::Date => self.date = parse_date(text)?,
            Fact::BuyerName => self.buyer.name = Some(text.to_string()),
            Fact::BuyerKind => self.buyer.kind = Some(text.parse()?),
            Fact::Category => p.category = Some(text.parse()?),
            Fact::Cpv => p.cpv = Some(text.parse()?),
            Fact::Description => p.description = Some(text.to_string()),
            Fact::Value => p.value = Some(money()?),
            Fact::Options => p.options = Some(money()?),
            Fact::Extensions => p.extensions = Some(money()?),
            Fact::DurationMonths => {
                p.duration_months = Some(
                    text.parse()
                        .map_err(|_| format!("`{text}` is not a whole number of months"))?,
                )
            }
            Fact::FrameworkAgreement => p.framework_agreement = Some(yes_no(text)?),
            Fact::SameKindThisYear => p.same_kind_this_year = Some(money()?),
            Fact::MonthlyValue => p.monthly_value = Some(money()?),
            Fact::OpenEnded => p.open_ended = Some(yes_no(text)?),
            Fact::LotValue => p.lot_value = Some(money()?),
            Fact::SmallLotsValue => p.small_lots_value = Some(money()?),
            Fact::ServiceClass => p.service_class = Some(text.parse()?),
            Fact::Sector => p.sector = Some(text.parse()?),
            Fact::Concession => p.concession = Some(yes_no(text)?),
            Fact::Leasing => p.leasing = Some(yes_no(text)?),
            Fact::Recurring => p.recurring = Some(yes_no(text)?),
            Fact::ClaimedGround => p.claimed_ground = Some(text.parse()?),
            Fact::Concept => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.concept = Some(text.parse()?);
            }
            Fact::ConceptSale => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.concept_sale = Some(yes_no(text)?);
            }
            Fact::SharedPublicTask => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.shared_public_task = Some(yes_no(text)?);
            }
            Fact::CommonObjective => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.common_objective = Some(yes_no(text)?);
            }
            Fact::PrivateAdvantage => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.private_advantage = Some(yes_no(text)?);
            }
            Fact::OpenMarketShare => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.open_market_share = Some(percent(text)?);
            }
            Fact::SameLegalPerson => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.same_legal_person = Some(yes_no(text)?);
            }
            Fact::AvtalssamverkanClaimed => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.avtalssamverkan_claimed = Some(yes_no(text)?);
            }
            Fact::SpinOff => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.spin_off = Some(yes_no(text)?);
            }
            Fact::PrivateCareProviderUse => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.private_care_provider_use = Some(yes_no(text)?);
            }
            Fact::EconomicAssociation => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.economic_association = Some(yes_no(text)?);
            }
            Fact::CompanyControl => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.company
                    .get_or_insert_with(Company::default)
                    .control_like_own_departments = Some(yes_no(text)?);
            }
            Fact::CompanyActivity => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.company
                    .get_or_insert_with(Company::default)
                    .activity_for_owners = Some(percent(text)?);
            }
            Fact::CompanyPrivateOwnership => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.company
                    .get_or_insert_with(Company::default)
                    .private_ownership = Some(percent(text)?);
            }
            Fact::CompanyOwners => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.company.get_or_insert_with(Company::default).owners = Some(
                    text.parse()
                        .map_err(|_| format!("`{text}` is not a whole number"))?,
                );
            }
            Fact::Party => {
                let p = self.partnership.get_or_insert_with(Partnership::default);
                p.parties.push(parse_party(text)?);
            }
            Fact::PartyCount
            | Fact::AllContractingAuthorities
            | Fact::AnyOnlyMoney
            | Fact::AnyWithoutContribution
            | Fact::AnyPrivateParty
            | Fact::PremisesAndStaff => {
                return Err(format!(
                    "`{}` is computed from the parties; give them with `partnership.party`",
                    fact.path()
                ));
            }
        }
        Ok(())
    }

    /// A case with only the jurisdiction and the date: the start of a case built fact by fact.
    pub fn new(jurisdiction: Jurisdiction, date: Date) -> Case {
        Case {
            jurisdiction,
            date,
            buyer: Buyer::default(),
            purchase: Purchase::default(),
            partnership: None,
        }
    }

    /// A case with only the jurisdiction and a date written `YYYY-MM-DD`: the start of a case
    /// built in code without naming the date crate.
    ///
    /// ```
    /// use regelverk::{Case, Jurisdiction, Money};
    /// let mut case = Case::on(Jurisdiction::Se, "2026-03-01").expect("a date");
    /// case.purchase.value = Some("650 000 SEK".parse::<Money>().expect("an amount"));
    /// assert_eq!(case.date.to_string(), "2026-03-01");
    /// ```
    pub fn on(jurisdiction: Jurisdiction, date: &str) -> Result<Case, String> {
        Ok(Case::new(jurisdiction, parse_date(date)?))
    }

    /// What kind of question the case asks.
    pub fn kind(&self) -> CaseKind {
        if self.partnership.is_some() {
            CaseKind::Partnership
        } else {
            CaseKind::Purchase
        }
    }
}

fn yes_no(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("`{text}` is not `true` or `false`")),
    }
}

/// Every party is a contracting authority: `None` when there are no parties, or when some
/// party's status is not known and the others do not already settle it.
fn all_contracting_authorities(p: &Partnership) -> Option<bool> {
    if p.parties.is_empty() {
        return None;
    }
    let statuses: Vec<Option<bool>> = p
        .parties
        .iter()
        .map(Party::is_contracting_authority)
        .collect();
    if statuses.contains(&Some(false)) {
        Some(false)
    } else if statuses.iter().all(Option::is_some) {
        Some(true)
    } else {
        None
    }
}

/// A percentage as a rule file or the CLI writes it: `81`, `80,5`, `1 %`.
fn percent(text: &str) -> Result<Decimal, String> {
    crate::money::parse_amount_digits(text.trim().trim_end_matches('%').trim())
        .filter(|p| *p <= Decimal::ONE_HUNDRED)
        .ok_or_else(|| format!("`{text}` is not a percentage from 0 to 100"))
}

/// A party written on one line: `name; kind; contribution, contribution`, e.g.
/// `Falu kommun; kommun; premises, staff`, optionally followed by `; contracting_authority`
/// or `; not contracting_authority` where the case says so against what the kind implies.
pub fn parse_party(text: &str) -> Result<Party, String> {
    let mut fields = text.split(';').map(str::trim);
    let name = fields
        .next()
        .filter(|n| !n.is_empty())
        .ok_or("a party needs a name: `name; kind; contributions`")?;
    let kind: PartyKind = fields
        .next()
        .ok_or("a party needs a kind: `name; kind; contributions`")?
        .parse()?;
    let contributes = match fields.next() {
        Some(list) if !list.is_empty() => list
            .split(',')
            .map(|c| c.trim().parse())
            .collect::<Result<Vec<Contribution>, String>>()?,
        _ => Vec::new(),
    };
    let contracting_authority = match fields.next() {
        None | Some("") => None,
        Some("contracting_authority") => Some(true),
        Some("not contracting_authority") => Some(false),
        Some(other) => {
            return Err(format!(
                "`{other}` is not `contracting_authority` or `not contracting_authority`"
            ));
        }
    };
    Ok(Party {
        name: name.to_string(),
        kind,
        contracting_authority,
        contributes,
    })
}
