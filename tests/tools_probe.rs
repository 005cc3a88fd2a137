#[test]
fn probe() {
    for f in ["rules/se/lou.regel", "rules/se/sources.regel"] {
        let text = std::fs::read_to_string(f).unwrap();
        match regelverk::fmt::format_source(f, &text) {
            Ok(out) => {
                let again = regelverk::fmt::format_source(f, &out).unwrap();
                assert_eq!(out, again, "idempotent {f}");
                std::fs::write(format!("/tmp/fmtout/{}", f.replace('/', "_")), out).unwrap();
            }
            Err(e) => panic!("{}", regelverk::diagnostic::render_all(&e)),
        }
    }
}
#[test]
fn lint_probe() {
    let files = regelverk::read_rule_files(std::path::Path::new("rules")).unwrap();
    let d = regelverk::lint::lint_sources(files);
    std::fs::write("/tmp/lint.txt", regelverk::diagnostic::render_all(&d)).unwrap();
}
