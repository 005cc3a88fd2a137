//! The envelope of a compiled rule set, shared with build.rs (which includes this file): four
//! lines of text, then the postcard payload.
//!
//! ```text
//! regelverk compiled rules, format 1
//! rules sha256:…      the rule files it was compiled from (`RuleSet::content_hash`)
//! compiler sha256:…   the compiler's sources (build.rs's `COMPILER_SOURCES`)
//! payload sha256:…    the bytes that follow
//! ```
//!
//! The lines can be read with `head -4 rules.compiled`. build.rs checks all three hashes, so the
//! library embeds only a compiled form that is intact and current, and never hashes it at start.
//! This file uses nothing but `std` and `sha2`, since build.rs has no other dependency.

use sha2::{Digest, Sha256};

/// The first line: a change of the envelope or of the payload's encoding changes it.
pub const MAGIC: &str = "regelverk compiled rules, format 1";

/// What the four lines say, and the payload they vouch for.
pub struct Envelope<'a> {
    /// The hash of the rule files.
    pub rules: &'a str,
    /// The hash of the compiler's sources.
    pub compiler: &'a str,
    /// The postcard encoding of the rule set.
    pub payload: &'a [u8],
}

/// `sha256:` and the hex digest of (name, contents) pairs, sorted by name, each part
/// length-prefixed so that no two sets of files share an input: the rule set's content hash.
pub fn files_hash<'a>(files: impl Iterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut sorted: Vec<(&str, &[u8])> = files.collect();
    sorted.sort();
    let mut hasher = Sha256::new();
    for (name, contents) in sorted {
        for part in [name.as_bytes(), contents] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
    }
    hex(&hasher.finalize())
}

fn hex(digest: &[u8]) -> String {
    let mut text = String::with_capacity(7 + 2 * digest.len());
    text.push_str("sha256:");
    for byte in digest {
        text.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        text.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    text
}

/// The compiled form: the four lines, then the payload.
pub fn write(rules: &str, compiler: &str, payload: &[u8]) -> Vec<u8> {
    let digest = hex(&Sha256::digest(payload));
    let head = format!("{MAGIC}\nrules {rules}\ncompiler {compiler}\npayload {digest}\n");
    let mut out = Vec::with_capacity(head.len() + payload.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(payload);
    out
}

/// The four lines of a compiled form, once the payload is found to be what they say: why not,
/// otherwise.
pub fn read(bytes: &[u8]) -> Result<Envelope<'_>, &'static str> {
    let mut rest = bytes;
    if take_line(&mut rest)? != MAGIC {
        return Err("it is not a compiled rule set of this format");
    }
    let rules = take_value(&mut rest, "rules")?;
    let compiler = take_value(&mut rest, "compiler")?;
    let payload_hash = take_value(&mut rest, "payload")?;
    if hex(&Sha256::digest(rest)) != payload_hash {
        return Err("it is damaged: its contents do not have the hash its header gives");
    }
    Ok(Envelope {
        rules,
        compiler,
        payload: rest,
    })
}

fn take_line<'a>(rest: &mut &'a [u8]) -> Result<&'a str, &'static str> {
    let bytes: &'a [u8] = rest;
    let end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .ok_or("it ends inside its header")?;
    let (line, after) = bytes.split_at(end);
    *rest = after.get(1..).unwrap_or_default();
    std::str::from_utf8(line).map_err(|_| "its header is not text")
}

/// The value of a line `KEY VALUE`.
fn take_value<'a>(rest: &mut &'a [u8], key: &str) -> Result<&'a str, &'static str> {
    take_line(rest)?
        .strip_prefix(key)
        .and_then(|t| t.strip_prefix(' '))
        .ok_or("its header is not that of a compiled rule set")
}
