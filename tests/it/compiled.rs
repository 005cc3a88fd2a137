//! The compiled form of the embedded rules (`rules.compiled`, see `regelverk::compiled`): it is
//! current, it decides and explains every shipped case and every rule-file example exactly as
//! the rules parsed from their texts do, and damaged bytes are an error, never a panic.

use std::path::{Path, PathBuf};

use regelverk::compiled::{self, REGENERATE};
use regelverk::{Case, Detail, Lang, RuleSet};

fn committed() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(compiled::FILE);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; `{REGENERATE}` writes it, then commit it",
            path.display()
        )
    })
}

/// The rules as the program starts with them, from the compiled form.
fn from_compiled() -> RuleSet {
    if let Err(e) = compiled::embedded_status() {
        panic!(
            "{e}: after editing a rule file or the compiler, run `{REGENERATE}` and commit rules.compiled"
        );
    }
    RuleSet::embedded_for_deciding().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn rules_compiled_is_what_the_rule_files_compile_to() {
    let fresh = compiled::compile(regelverk::embedded_rule_files())
        .unwrap_or_else(|e| panic!("the embedded rules do not check:\n{e}"));
    assert!(
        committed() == fresh,
        "rules.compiled is out of date (the rule files or the compiler changed since it was \
         written): run `{REGENERATE}` and commit rules.compiled"
    );
    // The build embedded it: the hashes build.rs computed are those of this build.
    from_compiled();
}

fn example_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            example_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Decides a case with both rule sets and compares everything a user or a program sees.
fn assert_same(compiled: &RuleSet, parsed: &RuleSet, case: &Case, what: &str) {
    let (mine, theirs) = (compiled.evaluate(case), parsed.evaluate(case));
    assert_eq!(mine, theirs, "{what}: the decisions differ");
    assert_eq!(compiled.decide(case), parsed.decide(case), "{what}: decide");
    for lang in Lang::ALL {
        assert_eq!(
            compiled.explain_with(&mine, lang, Detail::Full),
            parsed.explain_with(&theirs, lang, Detail::Full),
            "{what}: the explanation in {lang}"
        );
        assert_eq!(
            compiled.explain_json(&mine, lang),
            parsed.explain_json(&theirs, lang),
            "{what}: the JSON in {lang}"
        );
    }
}

#[test]
fn the_compiled_rules_decide_every_example_as_the_texts_do() {
    let compiled = from_compiled();
    let parsed = RuleSet::embedded().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(compiled.content_hash(), parsed.content_hash());
    assert_eq!(compiled.file_names(), parsed.file_names());

    let mut files = Vec::new();
    example_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
        &mut files,
    );
    let mut decided = 0;
    for path in &files {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let case = parsed
            .read_case(&text, &name)
            .unwrap_or_else(|e| panic!("{e}"));
        // Read by either, the case is the same.
        let read = compiled
            .read_case(&text, &name)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_same(&compiled, &parsed, &read, &name);
        assert_same(&compiled, &parsed, &case, &name);
        decided += 1;
    }
    assert!(decided >= 60, "only {decided} example cases in examples/");

    let examples = parsed.example_cases();
    assert!(
        examples.len() >= 500,
        "only {} rule-file examples",
        examples.len()
    );
    for (location, case) in &examples {
        let case = case.as_ref().unwrap_or_else(|e| panic!("{location}: {e}"));
        assert_same(&compiled, &parsed, case, location);
    }
}

#[test]
fn damaged_bytes_are_an_error_and_never_a_panic() {
    let bytes = committed();
    assert!(RuleSet::from_compiled(&bytes).is_ok());
    let header = bytes.iter().filter(|b| **b == b'\n').take(4).count();
    assert_eq!(header, 4, "the four lines of the header");
    let mut damaged: Vec<Vec<u8>> = Vec::new();
    for cut in [0, 1, 10, 40, 200, 300, bytes.len() / 2, bytes.len() - 1] {
        damaged.push(bytes[..cut].to_vec());
    }
    for at in [0, 5, 50, 150, 250, 400, bytes.len() / 3, bytes.len() - 1] {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x20;
        damaged.push(flipped);
    }
    let mut longer = bytes.clone();
    longer.push(0);
    damaged.push(longer);
    damaged.push(b"regelverk compiled rules, format 1\n".to_vec());
    for (i, bytes) in damaged.iter().enumerate() {
        assert!(
            RuleSet::from_compiled(bytes).is_err(),
            "damaged form {i} was taken as a rule set"
        );
    }
}

#[test]
fn edited_rule_files_are_parsed_not_taken_from_the_compiled_form() {
    let compiled = from_compiled();
    let mut files = regelverk::embedded_rule_files();
    let Some((_, text)) = files
        .iter_mut()
        .find(|(name, _)| name.ends_with("lou.regel"))
    else {
        panic!("no lou.regel among the embedded rule files");
    };
    text.push_str("\n# edited\n");
    let edited = RuleSet::for_deciding(files).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(edited.content_hash(), compiled.content_hash());
    // The same files as those built in, byte for byte, are the compiled form's.
    let same =
        RuleSet::for_deciding(regelverk::embedded_rule_files()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(same.content_hash(), compiled.content_hash());
}
