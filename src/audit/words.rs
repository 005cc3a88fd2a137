//! Every word the audit's reports use, in Swedish, Norwegian and English, in one place.
//!
//! These are presentation: headings, labels, and the note that an audit is a screening and not a
//! verdict, with what to check next. They decide nothing; the limits, outcomes and their
//! explanations come from the rule files through the engine.

use crate::{Jurisdiction, Lang};

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
    SAME_KIND_SE = "Om inköp är ”av samma slag” är en bedömning: Konkurrensverkets vägledning ställer fyra frågor om dem, och kontonummer och CPV-koder avgör det inte ensamma. En grupp per leverantör kan rymma inköp av olika slag, och en grupp per konto kan rymma inköp som inte är av samma slag.",
        "Om kjøp er «av samme slag» etter svensk rett er en vurdering: Konkurrensverkets veiledning stiller fire spørsmål om dem, og kontonummer og CPV-koder avgjør det ikke alene. En gruppe per leverandør kan romme ulike kjøp, og en gruppe per konto kan romme kjøp som ikke er av samme slag.",
        "Whether purchases are “of the same kind” is a judgement: Konkurrensverket's guidance asks four questions about them, and account numbers and CPV codes alone do not settle it. A group per supplier may hold purchases of different kinds, and a group per account purchases that are not of the same kind.";
    SAME_KIND_NO = "Om upprepade köp är ett och samma (återkommande) kontrakt är en bedömning av fakta; kontonummer och CPV-koder avgör det inte ensamma. En grupp per leverantör kan rymma separata kontrakt, och en grupp per konto köp från olika marknader.",
        "Om gjentatte kjøp er én og samme (gjentakende) kontrakt, er en vurdering av faktum; kontonummer og CPV-koder avgjør det ikke alene. En gruppe per leverandør kan romme separate kontrakter, og en gruppe per konto kjøp fra ulike markeder.",
        "Whether repeated purchases are one (recurring) contract is a question of fact; account numbers and CPV codes alone do not settle it. A group per supplier may hold separate contracts, and a group per account purchases from different markets.";
    NEXT_STEPS_HEADING = "Att granska härnäst", "Å undersøke videre", "What to check next";
    NEXT_STEPS_SE = "Ta fram fakturorna och beställningarna bakom bokföringsraderna: vad köptes, när och under vilket avtal?\nFinns ett upphandlat avtal eller ramavtal som betalningarna faller under men som saknas i reskontran eller avtalsregistret?\nÄr inköpen av samma slag som andra direktupphandlingar under räkenskapsåret, sett till vad som köptes och vilka leverantörer som erbjuder det?\nÄr tjänsten en sådan som reglerna ger en egen gräns (se grenarna vid varje grupp), och har myndigheten åberopat en grund för direktupphandling?\nHar direktupphandlingen dokumenterats?",
        "Finn fakturaene og bestillingene bak bilagslinjene: hva ble kjøpt, når og under hvilken avtale?\nFinnes en anskaffet avtale eller rammeavtale som betalingene hører under, men som mangler i reskontroen eller avtaleregisteret?\nEr kjøpene av samme slag som andre direkte anskaffelser i regnskapsåret, sett ut fra hva som ble kjøpt og hvilke leverandører som tilbyr det?\nEr tjenesten en slik som reglene gir en egen grense (se grenene ved hver gruppe), og har oppdragsgiveren påberopt et grunnlag for direkte anskaffelse?\nEr den direkte anskaffelsen dokumentert?",
        "Get the invoices and orders behind the booking lines: what was bought, when, and under which contract?\nIs there a procured contract or framework agreement the payments fall under that is missing from the ledger or the contract register?\nAre the purchases of the same kind as other direct awards in the fiscal year, given what was bought and which suppliers offer it?\nIs the service one the rules give a limit of its own (see the branches of each group), and did the buyer rely on a ground for a direct award?\nWas the direct award documented?";
    NEXT_STEPS_NO = "Ta fram fakturorna och beställningarna bakom bokföringsraderna: vad köptes, när och under vilket avtal?\nFinns ett upphandlat avtal eller ramavtal som betalningarna faller under men som saknas i reskontran eller avtalsregistret?\nÄr köpen delar av ett kontrakt, eller ett återkommande kontrakt, sett till behovet, tiden och leverantören?\nÄr tjänsten en sådan som reglerna ger en egen gräns (se grenarna vid varje grupp), och har köparen åberopat ett undantag?\nHar anskaffningen protokollförts?",
        "Finn fakturaene og bestillingene bak bilagslinjene: hva ble kjøpt, når og under hvilken avtale?\nFinnes en anskaffet avtale eller rammeavtale som betalingene hører under, men som mangler i reskontroen eller avtaleregisteret?\nEr kjøpene deler av én kontrakt, eller en gjentakende kontrakt, sett ut fra behovet, tiden og leverandøren?\nEr tjenesten en slik som reglene gir en egen grense (se grenene ved hver gruppe), og har oppdragsgiveren påberopt et unntak?\nEr anskaffelsen protokollført?",
        "Get the invoices and orders behind the booking lines: what was bought, when, and under which contract?\nIs there a procured contract or framework agreement the payments fall under that is missing from the ledger or the contract register?\nAre the purchases parts of one contract, or a recurring contract, given the need, the time and the supplier?\nIs the service one the rules give a limit of its own (see the branches of each group), and did the buyer rely on an exception?\nWas the procurement recorded?";
    RULES = "Regler", "Regler", "Rules";
    BUYER_KIND = "köpare", "oppdragsgiver", "buyer";
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

pub fn same_kind(jurisdiction: Jurisdiction) -> &'static Words {
    match jurisdiction {
        Jurisdiction::Se => &SAME_KIND_SE,
        Jurisdiction::No => &SAME_KIND_NO,
    }
}

pub fn next_steps(jurisdiction: Jurisdiction) -> &'static Words {
    match jurisdiction {
        Jurisdiction::Se => &NEXT_STEPS_SE,
        Jurisdiction::No => &NEXT_STEPS_NO,
    }
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

/// How a branch's assumption reads, e.g. "a health or social service".
pub fn assumption(fact: &str, value: &str, lang: Lang) -> String {
    let words = match (fact, value) {
        ("purchase.category", "goods") => Some(Words {
            sv: "varor",
            nb: "varer",
            en: "goods",
        }),
        ("purchase.category", "services") => Some(Words {
            sv: "tjänster",
            nb: "tjenester",
            en: "services",
        }),
        ("purchase.category", "works") => Some(Words {
            sv: "en byggentreprenad",
            nb: "bygge- og anleggsarbeid",
            en: "works",
        }),
        ("purchase.service_class", "ordinary") => Some(Words {
            sv: "en vanlig tjänst",
            nb: "en vanlig tjeneste",
            en: "an ordinary service",
        }),
        ("purchase.service_class", "health_social") => Some(Words {
            sv: "en hälso- eller socialtjänst",
            nb: "en helse- eller sosialtjeneste",
            en: "a health or social service",
        }),
        ("purchase.service_class", "other_special") => Some(Words {
            sv: "en annan särskild tjänst (t.ex. kultur)",
            nb: "en annen særlig tjeneste (f.eks. kultur)",
            en: "another special service (e.g. cultural)",
        }),
        ("purchase.recurring", "true") => Some(Words {
            sv: "betalningarna är ett återkommande kontrakt",
            nb: "betalingene er én gjentakende kontrakt",
            en: "the payments are one recurring contract",
        }),
        ("purchase.recurring", "false") => Some(Words {
            sv: "betalningarna är separata kontrakt",
            nb: "betalingene er separate kontrakter",
            en: "the payments are separate contracts",
        }),
        _ => None,
    };
    words.map_or_else(|| format!("{fact} = {value}"), |w| w.get(lang).to_string())
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
