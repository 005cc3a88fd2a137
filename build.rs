//! Embeds the rule files under `rules/` in the library, so the binary works with no files.

use std::path::{Path, PathBuf};
use std::{env, fs, io};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "regel") {
            out.push(path);
        }
    }
    Ok(())
}

/// The same SHA-256 as the library's `content_hash`: each (name, text), sorted, its name and
/// its text each prefixed with its length in bytes (u64, little endian).
fn content_hash(root: &Path, files: &[PathBuf]) -> io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut sources = Vec::new();
    for file in files {
        sources.push((shown(root, file), fs::read_to_string(file)?));
    }
    sources.sort();
    let mut hasher = Sha256::new();
    for (name, text) in &sources {
        for part in [name.as_bytes(), text.as_bytes()] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
    }
    let mut hex = String::from("sha256:");
    for byte in hasher.finalize() {
        hex.push_str(&format!("{byte:02x}"));
    }
    Ok(hex)
}

/// A rule file's name as messages show it: its path in the repository, with `/`.
fn shown(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

fn main() -> io::Result<()> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?);
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=grammar/regelverk.pest");
    let mut files = Vec::new();
    if rules.is_dir() {
        collect(&rules, &mut files)?;
    }
    files.sort();
    let mut code = String::from(
        "/// The embedded rule files: (path as shown in messages, text).\npub static EMBEDDED: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let shown = shown(&root, file);
        code.push_str(&format!(
            "    ({shown:?}, include_str!({:?})),\n",
            file.display().to_string()
        ));
    }
    code.push_str("];\n");
    code.push_str(&format!(
        "/// The content hash of [`EMBEDDED`] (`content_hash` in lib.rs), worked out at build time.\npub static EMBEDDED_HASH: &str = {:?};\n",
        content_hash(&root, &files)?
    ));
    let out =
        PathBuf::from(env::var("OUT_DIR").map_err(io::Error::other)?).join("embedded_rules.rs");
    fs::write(out, code)
}
