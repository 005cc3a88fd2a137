//! Any bytes as a batch (JSON lines): the reader never panics or holds more than a line's limit,
//! and writes exactly one record per line that is not blank, in order.
#![no_main]

use std::num::NonZeroUsize;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use regelverk::RuleSet;
use regelverk::batch::{self, BatchOptions};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded_for_deciding().expect("the embedded rules check"))
}

fuzz_target!(|data: &[u8]| {
    let mut options = BatchOptions::new(false, None);
    options.threads = NonZeroUsize::new(2);
    let mut out = Vec::new();
    let summary =
        batch::run(rules(), data, &mut out, &options, |_| {}).expect("no IO error in memory");
    let records = out.iter().filter(|&&b| b == b'\n').count() as u64;
    assert_eq!(records, summary.decided + summary.failed);
    // Line numbers rise: the output keeps the input's order.
    let mut last = 0u64;
    for record in out.split(|&b| b == b'\n').filter(|r| !r.is_empty()) {
        let value: serde_json::Value = serde_json::from_slice(record).expect("each record is JSON");
        let line = value["line"].as_u64().expect("each record has its line");
        assert!(line > last);
        last = line;
    }
});
