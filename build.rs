//! Embeds the rule files under `rules/` in the library, so the binary works with no files, and
//! with them their compiled form (`rules.compiled`, see `src/compiled.rs`) and the two hashes
//! that say whether it is current: of the rule files, and of the compiler's own sources.

use std::path::{Path, PathBuf};
use std::{env, fs, io};

// The envelope of the compiled form, read here as the library reads it.
#[allow(dead_code)]
#[path = "src/compiled/header.rs"]
mod header;

/// The sources of the stages that turn rule files into a checked rule set, and of the types it
/// is made of: a change to any of them may change the compiled form, which is then out of date.
const COMPILER_SOURCES: [&str; 12] = [
    "grammar",
    "src/syntax",
    "src/check",
    "src/check.rs",
    "src/ast.rs",
    "src/vocab.rs",
    "src/lang.rs",
    "src/money.rs",
    "src/diagnostic.rs",
    "src/compiled.rs",
    "src/compiled",
    // The ledger declaration holds a ledger layout, an enum of the audit's reader.
    "src/audit/ledger.rs",
];

fn collect(dir: &Path, wanted: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, wanted, out)?;
        } else if wanted(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// A path as messages show it: relative to the crate, with `/`.
fn shown(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The hash of (name, contents) pairs, as the library's `RuleSet::content_hash`.
fn hash(files: &[(String, Vec<u8>)]) -> String {
    header::files_hash(files.iter().map(|(n, t)| (n.as_str(), t.as_slice())))
}

fn main() -> io::Result<()> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?);
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=grammar/regelverk.pest");
    let mut files = Vec::new();
    if rules.is_dir() {
        collect(
            &rules,
            &|p| p.extension().is_some_and(|e| e == "regel"),
            &mut files,
        )?;
    }
    files.sort();
    let mut code = String::from(
        "/// The embedded rule files: (path as shown in messages, text).\npub static EMBEDDED: &[(&str, &str)] = &[\n",
    );
    let mut texts = Vec::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = shown(&root, file);
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            file.display().to_string()
        ));
        texts.push((name, fs::read(file)?));
    }
    code.push_str("];\n");
    let rules_hash = hash(&texts);
    code.push_str(&format!(
        "/// The SHA-256 of the embedded rule files, as `RuleSet::content_hash` says it.\npub const EMBEDDED_HASH: &str = {:?};\n",
        rules_hash
    ));

    let mut sources = Vec::new();
    for part in COMPILER_SOURCES {
        let path = root.join(part);
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(
                &path,
                &|p| p.extension().is_some_and(|e| e == "rs" || e == "pest"),
                &mut sources,
            )?;
        } else if path.is_file() {
            sources.push(path);
        }
    }
    let mut compiler = Vec::new();
    for file in &sources {
        compiler.push((shown(&root, file), fs::read(file)?));
    }
    let compiler_hash = hash(&compiler);
    code.push_str(&format!(
        "/// The SHA-256 of the compiler's sources (build.rs's `COMPILER_SOURCES`).\npub const COMPILER_HASH: &str = {:?};\n",
        compiler_hash
    ));

    // The compiled form, embedded only when it is intact and compiled from these rule files by
    // this compiler: otherwise the rules are parsed at every start, and build and test say so.
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(io::Error::other)?);
    let compiled = root.join("rules.compiled");
    println!("cargo:rerun-if-changed={}", compiled.display());
    let bytes = fs::read(&compiled).unwrap_or_default();
    let stale = if bytes.is_empty() {
        Err("there is no rules.compiled")
    } else {
        match header::read(&bytes) {
            Ok(e) if e.rules != rules_hash => {
                Err("the rule files have changed since it was compiled")
            }
            Ok(e) if e.compiler != compiler_hash => {
                Err("the compiler has changed since it was compiled")
            }
            Ok(e) => Ok(e.payload),
            Err(why) => Err(why),
        }
    };
    let payload = out_dir.join("rules.compiled.payload");
    fs::write(&payload, stale.unwrap_or_default())?;
    code.push_str(&format!(
        "/// The payload of `rules.compiled`, when it is current (else empty).\npub static COMPILED: &[u8] = include_bytes!({:?});\n",
        payload.display().to_string()
    ));
    code.push_str(&format!(
        "/// Why `rules.compiled` is not used, if it is not.\npub const COMPILED_STALE: Option<&str> = {:?};\n",
        stale.err()
    ));
    if let Err(why) = stale {
        println!(
            "cargo:warning=rules.compiled is not used ({why}): the rules are parsed at every start; `cargo run -- compile-rules` compiles them"
        );
    }
    fs::write(out_dir.join("embedded_rules.rs"), code)
}
