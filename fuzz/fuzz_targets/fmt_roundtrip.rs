//! Any text as a rule file to format: formatting what parses gives a file that parses to the
//! same thing (parse ∘ fmt ∘ parse = parse; `format_source` compares them and refuses a
//! difference as its own bug), and formatting again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regelverk::fmt::format_source;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match format_source("fuzz.regel", text) {
        Ok(formatted) => {
            assert_eq!(
                format_source("fuzz.regel", &formatted).as_deref(),
                Ok(formatted.as_str()),
                "formatting is not idempotent"
            );
        }
        Err(diagnostics) => {
            for d in diagnostics {
                assert!(
                    d.help
                        .as_deref()
                        .is_none_or(|h| !h.contains("bug in `regelverk fmt`")),
                    "{d}"
                );
            }
        }
    }
});
