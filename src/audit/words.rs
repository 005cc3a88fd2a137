//! Every word the audit's reports use, in Swedish, Norwegian and English, in one place.
//!
//! These are presentation: headings, labels, and the note that an audit is a screening and not a
//! verdict. They decide nothing and say nothing of the law: the limits, outcomes and their
//! explanations come from the rule files through the engine, and so do the words that speak of a
//! country's law — what a group of payments does not settle, what to check next (the rules'
//! `ledger for` declaration) and what an assumed fact says (its list's labels, a yes/no fact's
//! `if true` / `if false`).

use crate::Lang;

use super::GroupStatus;

/// A text in the three languages.
pub struct Words {
    pub sv: &'static str,
    pub nb: &'static str,
    pub en: &'static str,
}

impl Words {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Sv => self.sv,
            Lang::Nb => self.nb,
            Lang::En => self.en,
        }
    }
}

macro_rules! words {
    ($($name:ident = $sv:literal, $nb:literal, $en:literal;)+) => {
        $(pub const $name: Words = Words { sv: $sv, nb: $nb, en: $en };)+
    };
}

words! {
    TITLE = "Granskning av leverantörsreskontra: möjliga otillåtna direktupphandlingar",
        "Gjennomgang av leverandørreskontro: mulige ulovlige direkte anskaffelser",
        "Spend audit: possible unlawful direct awards";
    SCREENING = "Det här är en screening, inte ett avgörande. Varje grupp av betalningar har prövats som om betalningarna vore inköp av samma slag under räkenskapsåret; en flaggad grupp är ett skäl att granska inköpen, inte ett konstaterande att lagen har brutits.",
        "Dette er en screening, ikke en avgjørelse. Hver gruppe av betalinger er prøvd som om betalingene var kjøp under én og samme kontrakt i regnskapsåret; en flagget gruppe er en grunn til å se nærmere på kjøpene, ikke en konstatering av at regelverket er brutt.",
        "This is a screening, not a verdict. Each group of payments was tested as if the payments were purchases of the same kind in the fiscal year; a flagged group is a reason to look at the purchases, not a finding that the law was broken.";
    NEXT_STEPS_HEADING = "Att granska härnäst", "Å undersøke videre", "What to check next";
    RULES = "Regler", "Regler", "Rules";
    CATEGORY = "slag av köp", "type kjøp", "category";
    NOT_KNOWN = "okänt", "ukjent", "not known";
    FISCAL_YEAR_FROM = "räkenskapsår från", "regnskapsår fra", "fiscal year from";
    CURRENCY = "valuta", "valuta", "currency";
    FILES = "Filer", "Filer", "Files";
    ROWS = "rader", "rader", "rows";
    BAD = "felaktiga", "feilaktige", "bad";
    LINES = "rader", "linjer", "lines";
    SUPPLIER_GROUPS = "Grupper per leverantör", "Grupper per leverandør", "Groups by supplier";
    ACCOUNT_GROUPS = "Grupper per konto", "Grupper per konto", "Groups by account";
    MASKED = "Ej granskningsbara (leverantören är borttagen eller maskerad)", "Kan ikke gjennomgås (leverandøren er fjernet eller maskert)", "Not auditable (supplier removed or masked)";
    COVERED_LINES = "Täckta av avtal (kolumnen avtal eller avtalsregistret)", "Dekket av avtale (kolonnen for avtale eller avtaleregisteret)", "Covered by a contract (the avtal column or the contract register)";
    NO_ACCOUNT = "Utan kontonummer (i ingen kontogrupp)", "Uten kontonummer (i ingen kontogruppe)", "No account number (in no account group)";
    FLAGGED_HEADING = "Flaggade grupper, störst överskridande först", "Flaggede grupper, største overskridelse først", "Flagged groups, furthest above the limit first";
    NONE_FLAGGED = "Ingen grupp flaggades.", "Ingen grupper ble flagget.", "No group was flagged.";
    ALL_GROUPS = "Alla grupper", "Alle grupper", "All groups";
    SUPPLIER = "Leverantör", "Leverandør", "Supplier";
    ACCOUNT = "Konto", "Konto", "Account";
    GROUP = "Grupp", "Gruppe", "Group";
    SUPPLIER_OR_ACCOUNT = "Leverantör / konto", "Leverandør / konto", "Supplier / account";
    BUYER = "Köpare", "Oppdragsgiver", "Buyer";
    YEAR = "År", "År", "Year";
    SUM = "Summa", "Sum", "Sum";
    PEAK = "Högst", "Høyest", "Peak";
    LIMIT = "gränsen", "grensen", "the limit";
    LIMIT_HEADING = "Gräns", "Grense", "Limit";
    CROSSED = "passerades", "ble passert", "crossed in";
    ABOVE = "över", "over", "above";
    MONTH = "Månad", "Måned", "Month";
    STATUS = "Status", "Status", "Status";
    ENGINE = "Regelmotorn", "Regelmotoren", "The engine";
    NOT_ALLOWED_IF = "Inte tillåten om", "Ikke tillatt hvis", "Not allowed if";
    ALLOWED_IF = "Tillåten om", "Tillatt hvis", "Allowed if";
    UNDECIDED_IF = "Obestämt om", "Ikke avgjort hvis", "Undecided if";
    WHATEVER = "vad tjänsten och kontraktet än är", "uansett tjeneste og kontrakt", "whatever the service and contract";
    BOOKING_LINES = "Bokföringsrader", "Bilagslinjer", "Booking lines";
    MORE_LINES = "fler rader i reskontran", "flere linjer i reskontroen", "more lines in the ledger";
    LARGEST_LINES = "de största raderna", "de største linjene", "the largest lines";
    VERIFICATION = "Verifikation", "Bilag", "Voucher";
    INVOICE = "Faktura", "Faktura", "Invoice";
    DATE = "Datum", "Dato", "Date";
    AMOUNT = "Belopp", "Beløp", "Amount";
    PLACE = "Fil:rad", "Fil:linje", "File:line";
    EXPLANATION = "Regelmotorns förklaring för den första grenen där direktupphandling inte var tillåten", "Regelmotorens forklaring for den første grenen der direkte anskaffelse ikke var tillatt", "The engine's explanation for the first branch in which a direct award was not allowed";
    SOURCES = "Källor", "Kilder", "Sources";
    BAD_ROWS = "Felaktiga rader (resten lästes)", "Feilaktige rader (resten ble lest)", "Bad rows (the rest were read)";
    FILE_ERRORS = "Filer som inte kunde läsas", "Filer som ikke kunne leses", "Files that could not be read";
    CUMULATIVE = "ackumulerat", "akkumulert", "cumulative";
    PER_MONTH = "per månad", "per måned", "per month";
    GROUPS_SHOWN = "grupper", "grupper", "groups";
    CHART_TITLE = "Ackumulerade betalningar per månad mot gränsen", "Akkumulerte betalinger per måned mot grensen", "Cumulative payments by month against the limit";
}

pub fn status(status: GroupStatus, lang: Lang) -> &'static str {
    let words = match status {
        GroupStatus::Flagged => Words {
            sv: "flaggad",
            nb: "flagget",
            en: "flagged",
        },
        GroupStatus::Undecided => Words {
            sv: "obestämd",
            nb: "ikke avgjort",
            en: "undecided",
        },
        GroupStatus::BelowLimit => Words {
            sv: "under gränsen",
            nb: "under grensen",
            en: "below the limit",
        },
        GroupStatus::Covered => Words {
            sv: "täckt av avtal",
            nb: "dekket av avtale",
            en: "covered by a contract",
        },
    };
    words.get(lang)
}

/// A status after a count of groups ("3 flaggade").
pub fn status_counted(status: GroupStatus, lang: Lang) -> &'static str {
    let words = match status {
        GroupStatus::Flagged => Words {
            sv: "flaggade",
            nb: "flaggede",
            en: "flagged",
        },
        GroupStatus::Undecided => Words {
            sv: "obestämda",
            nb: "ikke avgjort",
            en: "undecided",
        },
        GroupStatus::BelowLimit => Words {
            sv: "under gränsen",
            nb: "under grensen",
            en: "below the limit",
        },
        GroupStatus::Covered => Words {
            sv: "täckta av avtal",
            nb: "dekket av avtale",
            en: "covered by a contract",
        },
    };
    words.get(lang)
}

/// The months' short names.
pub fn month_name(month: i8, lang: Lang) -> &'static str {
    const SV: [&str; 12] = [
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    const NB: [&str; 12] = [
        "jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des",
    ];
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let names = match lang {
        Lang::Sv => &SV,
        Lang::Nb => &NB,
        Lang::En => &EN,
    };
    names[usize::try_from(month - 1).unwrap_or(0).min(11)]
}
