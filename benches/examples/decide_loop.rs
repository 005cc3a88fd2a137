//! Decides one case N times, for counting instructions with callgrind: a count that does not
//! depend on what else the machine is doing. The cost of one decision is the difference of two
//! runs divided by their difference in N (the rules' loading cancels out):
//!
//! ```sh
//! cargo build --release -p regelverk-bench --example decide_loop
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/decide_loop 0 full
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/decide_loop 1000 full
//! ```
//!
//! Cases: `full` (a fully specified service of 650 000 kr), `example` (the README's case, the
//! service class not stated), `one` (750 000 kr, the service class unknown: three branches),
//! `three` (750 000 kr, the kind of buyer, the category and the service class unknown). A third
//! argument `evaluate` decides with the full trace instead of `decide`; `explain` decides with
//! the full trace and renders the text explanation in Swedish with the default detail, as the
//! criterion benchmark `decision/evaluate_and_explain` does.

use regelverk::{Lang, RuleSet};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let which = args.get(2).map_or("full", String::as_str);
    let mode = args.get(3).map_or("decide", String::as_str);
    let rules = RuleSet::embedded_for_deciding().expect("the embedded rules check");
    let purchase = match which {
        "full" => {
            "category = \"services\"\nservice_class = \"ordinary\"\nvalue = \"650 000 SEK\"\n"
        }
        "example" => "category = \"services\"\nvalue = \"650 000 SEK\"\n",
        "one" => "category = \"services\"\nvalue = \"750 000 SEK\"\n",
        _ => "value = \"750 000 SEK\"\n",
    };
    let buyer = if which == "three" {
        ""
    } else {
        "[buyer]\nkind = \"kommun\"\n"
    };
    let text = format!("jurisdiction = \"SE\"\ndate = 2026-03-01\n{buyer}[purchase]\n{purchase}");
    let case = rules.read_case(&text, "case.toml").expect("a valid case");
    let mut rules_named = 0usize;
    for _ in 0..n {
        rules_named += match mode {
            "evaluate" => rules.evaluate(std::hint::black_box(&case)).decided_by.len(),
            "explain" => {
                let decision = rules.evaluate(std::hint::black_box(&case));
                rules.explain(&decision, Lang::Sv).len()
            }
            _ => rules.decide(std::hint::black_box(&case)).decided_by.len(),
        };
    }
    println!("{rules_named}");
}
