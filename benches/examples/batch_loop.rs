//! Runs a batch of generated cases (JSON lines in, JSON lines out) once, for counting
//! instructions per case with callgrind and for timing the whole batch:
//!
//! ```sh
//! cargo build --release -p regelverk-bench --example batch_loop
//! # instructions: one thread, the generated input alone (`gen`) subtracted
//! valgrind --tool=callgrind --callgrind-out-file=cg.batch target/release/examples/batch_loop 100000 1
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/batch_loop 100000 1 gen
//! callgrind_annotate --inclusive=yes cg.batch | grep -E 'batch::run|RuleSet::decide'
//! # wall time of 1 000 000 cases on 2 threads
//! hyperfine -N 'target/release/examples/batch_loop 1000000 2'
//! ```
//!
//! Arguments: the number of cases (default 1 000 000), the number of threads (default one per
//! core), and `gen` to generate the input without running the batch; or `--file PATH` to
//! decide the lines of a file and write the records to standard output, as `regelverk check
//! --batch PATH` does. The input is the
//! criterion benchmark's (`batch/1M_json_lines`, seed 7); the output goes to a sink, and the
//! time the batch took and its rate are printed on stderr.

use std::num::NonZeroUsize;
use std::time::Instant;

use regelverk::RuleSet;
use regelverk::batch::{self, BatchOptions};
use regelverk_bench::generated_inputs;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "--file") {
        let rules = RuleSet::embedded_for_deciding().expect("the embedded rules check");
        let input = std::fs::read(args.get(2).expect("a file")).expect("a readable file");
        let stdout = std::io::stdout().lock();
        batch::run(
            &rules,
            input.as_slice(),
            stdout,
            &BatchOptions::new(false, None),
            |_| {},
        )
        .expect("no IO error");
        return;
    }
    let n: usize = args
        .get(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let threads = args.get(2).and_then(|t| t.parse().ok());
    let only_generate = args.get(3).is_some_and(|a| a == "gen");
    let rules = RuleSet::embedded_for_deciding().expect("the embedded rules check");
    let mut input = Vec::with_capacity(n * 160);
    for case in generated_inputs(n, 7) {
        input.extend_from_slice(case.to_json_line().as_bytes());
        input.push(b'\n');
    }
    if only_generate {
        println!("{}", input.len());
        return;
    }
    let mut options = BatchOptions::new(false, None);
    options.threads = threads.and_then(NonZeroUsize::new);
    let start = Instant::now();
    let summary = batch::run(&rules, input.as_slice(), std::io::sink(), &options, |_| {})
        .expect("no IO error");
    let took = start.elapsed();
    assert_eq!(summary.decided as usize, n);
    eprintln!(
        "{n} cases in {:.3} s: {:.0} cases/s",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
    println!("{}", summary.allowed);
}
