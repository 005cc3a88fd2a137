//! The compiled form of a rule set: the checked [`RuleSet`] for deciding, encoded with postcard,
//! so that a program starts without parsing the rule files built into it.
//!
//! `rules.compiled` at the crate's root is the compiled form of the embedded rule files, written
//! by `regelverk compile-rules` ([`REGENERATE`]) and committed. Its header records the hash of
//! the rule files it was compiled from and of the compiler's sources (see `header`); build.rs
//! embeds its payload only when both are those of the build and the payload has the hash the
//! header gives. Everything checking computes (resolved names, slots, sorted tables) is in it;
//! the lookups by name are rebuilt from the lists when it is loaded. A rule set for deciding
//! keeps its files' names, not their texts, so neither does its compiled form.
//!
//! Invariant: a rule set loaded from the compiled form is the rule set parsing the same files
//! gives, and it is loaded only where it is current; otherwise [`RuleSet::embedded_for_deciding`]
//! and [`RuleSet::for_deciding`] parse the texts, with the same result, only slower (an edited
//! rule file is never decided by its old compiled form). A compiled form that does not decode is
//! an error, never a panic. `tests/it/compiled.rs` checks that `rules.compiled` is current and that
//! it decides every example as the texts do.

pub(crate) mod forms;
pub(crate) mod header;

use std::sync::Arc;

use crate::check::{NameIndex, RuleError, RuleSet};

/// The command that writes `rules.compiled` anew, from the rule files under `rules/`.
pub const REGENERATE: &str = "cargo run -- compile-rules";

/// The file the compiled form of the embedded rules is kept in, at the crate's root.
pub const FILE: &str = "rules.compiled";

/// Why a compiled form cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompiledError {
    /// `rules.compiled` was not current when this program was built, or is damaged.
    #[error("rules.compiled is not used: {0}; `{REGENERATE}` compiles the rules anew")]
    NotCurrent(&'static str),
    /// The bytes are not an intact compiled rule set.
    #[error("not a compiled rule set: {0}")]
    Damaged(&'static str),
    /// Compiled by another version of the compiler, whose rule sets this one may read otherwise.
    #[error("the rule set was compiled by another version of regelverk")]
    OtherCompiler,
    /// The payload does not decode as a rule set.
    #[error("the compiled rule set does not decode: {0}")]
    Decode(String),
}

/// The compiled form of rule files, for deciding: checked as [`RuleSet::for_deciding`] checks
/// them (without their examples), always from their texts.
pub fn compile(files: impl IntoIterator<Item = (String, String)>) -> Result<Vec<u8>, RuleError> {
    RuleSet::parse_for_deciding(files.into_iter().collect())?
        .to_compiled()
        .map_err(|e| RuleError {
            diagnostics: vec![crate::Diagnostic::without_position(FILE, e.to_string())],
        })
}

/// Whether the embedded rules start from their compiled form, and if not, why not.
pub fn embedded_status() -> Result<(), CompiledError> {
    embedded().map(|_| ())
}

/// The embedded rules from their compiled form, if it is current.
pub(crate) fn embedded() -> Result<RuleSet, CompiledError> {
    if let Some(why) = crate::embedded::COMPILED_STALE {
        return Err(CompiledError::NotCurrent(why));
    }
    // build.rs has checked the header's hashes and the payload's: only decoding is left.
    let rules = decode(crate::embedded::COMPILED)?;
    if rules.content_hash != crate::embedded::EMBEDDED_HASH {
        return Err(CompiledError::NotCurrent(
            "it holds other rules than its header says",
        ));
    }
    Ok(rules)
}

/// Whether rule files are those built into the crate, byte for byte and in the same order (as
/// `read_rule_files` reads `rules/` in a clone): [`RuleSet::for_deciding`] then loads their
/// compiled form.
pub fn are_embedded(files: &[(String, String)]) -> bool {
    files.len() == crate::embedded::EMBEDDED.len()
        && files
            .iter()
            .zip(crate::embedded::EMBEDDED)
            .all(|((name, text), (n, t))| name == n && text == t)
}

fn decode(payload: &[u8]) -> Result<RuleSet, CompiledError> {
    let (mut rules, rest): (RuleSet, &[u8]) =
        postcard::take_from_bytes(payload).map_err(|e| CompiledError::Decode(e.to_string()))?;
    if !rest.is_empty() {
        return Err(CompiledError::Decode(format!(
            "{} bytes after the rule set",
            rest.len()
        )));
    }
    Arc::make_mut(&mut rules.vocab).index_facts();
    rules.index = NameIndex::of(&rules);
    Ok(rules)
}

impl RuleSet {
    /// [`RuleSet::for_deciding`] from the texts, always: what the compiled form is made of (here,
    /// so that the compiler's hash covers it).
    pub(crate) fn parse_for_deciding(files: Vec<(String, String)>) -> Result<RuleSet, RuleError> {
        // The hash is of the files as given, examples and all; it is worked out once.
        let hash = crate::content_hash(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        let mut rules = RuleSet::check_sources(
            files
                .iter()
                .map(|(name, text)| {
                    crate::diagnostic::SourceText::new(
                        name.clone(),
                        crate::syntax::without_examples(text),
                    )
                })
                .collect(),
            hash,
        )?;
        // Deciding never reads the texts once they are checked: the names are kept (for
        // `file_names`), and the compiled form is half the size without them.
        for file in &mut rules.files {
            *file =
                crate::diagnostic::SourceText::new(std::mem::take(&mut file.name), String::new());
        }
        Ok(rules)
    }

    /// The rule set in its compiled form: a header saying what it was compiled from, and the
    /// checked rule set, for [`RuleSet::from_compiled`].
    pub fn to_compiled(&self) -> Result<Vec<u8>, CompiledError> {
        let payload =
            postcard::to_allocvec(self).map_err(|e| CompiledError::Decode(e.to_string()))?;
        Ok(header::write(
            &self.content_hash,
            crate::embedded::COMPILER_HASH,
            &payload,
        ))
    }

    /// A rule set from its compiled form ([`RuleSet::to_compiled`]), made by this version of
    /// regelverk: the same rule set, without parsing. Its [`RuleSet::content_hash`] says which
    /// rule files it was compiled from. Damaged bytes are an error: the header's hash of the
    /// payload is checked before it is decoded.
    pub fn from_compiled(bytes: &[u8]) -> Result<RuleSet, CompiledError> {
        let envelope = header::read(bytes).map_err(CompiledError::Damaged)?;
        if envelope.compiler != crate::embedded::COMPILER_HASH {
            return Err(CompiledError::OtherCompiler);
        }
        let rules = decode(envelope.payload)?;
        if rules.content_hash != envelope.rules {
            return Err(CompiledError::Damaged(
                "it holds other rules than its header says",
            ));
        }
        Ok(rules)
    }
}

/// A [`Money`](crate::Money) in the compiled form, exactly: its amount with its scale (`700000.00`
/// stays two decimals), where its own serde form is the normalised machine text.
pub(crate) mod exact_money {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::money::{Currency, Money};
    use rust_decimal::Decimal;

    /// The amount as [`super::forms::decimal`] writes it.
    #[derive(Serialize, Deserialize)]
    struct Amount(#[serde(with = "super::forms::decimal")] Decimal);

    pub fn serialize<S: Serializer>(money: &Money, s: S) -> Result<S::Ok, S::Error> {
        (Amount(money.amount), money.currency).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let (Amount(amount), currency) = <(Amount, Currency)>::deserialize(d)?;
        Ok(Money { amount, currency })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed() -> RuleSet {
        RuleSet::parse_for_deciding(crate::embedded_rule_files()).expect("the embedded rules check")
    }

    /// What is encoded comes back whole, and what is rebuilt is what checking built.
    #[test]
    fn the_round_trip_loses_nothing() {
        let rules = parsed();
        let bytes = rules.to_compiled().expect("it encodes");
        let back = RuleSet::from_compiled(&bytes).expect("it decodes");
        assert_eq!(back.to_compiled().expect("it encodes"), bytes);
        assert_eq!(back.index, rules.index);
        assert_eq!(back.vocab.by_path, rules.vocab.by_path);
        assert_eq!(back.vocab.by_element_path, rules.vocab.by_element_path);
        assert_eq!(back.content_hash, rules.content_hash);
    }

    /// The exact amount of a rule's literal keeps its scale, which its machine text drops.
    #[test]
    fn money_keeps_its_scale() {
        let money = crate::Money {
            amount: rust_decimal::Decimal::new(70_000_000, 2),
            currency: "XTS".parse().expect("a currency"),
        };
        let expr = crate::check::CExpr::Money(money);
        let bytes = postcard::to_allocvec(&expr).expect("it encodes");
        let back: crate::check::CExpr = postcard::from_bytes(&bytes).expect("it decodes");
        let crate::check::CExpr::Money(back) = back else {
            panic!("not an amount: {back:?}");
        };
        assert_eq!(back.amount.to_string(), "700000.00");
        assert_eq!(back.currency, money.currency);
    }
}
