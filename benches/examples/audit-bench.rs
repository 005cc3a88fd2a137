//! The spend-audit benchmark: rows per second and peak memory of `regelverk::audit` over a
//! generated ledger, against a plain `csv`-crate loop that only adds the amounts up per buyer and
//! supplier (the floor), in the same run.
//!
//! ```sh
//! cargo run --release -p regelverk-bench --example audit-bench -- 5000000
//! ```
//!
//! It writes the ledger to a temporary file, then runs itself under `/usr/bin/time -v` for each
//! measurement (floor, audit; three rounds, alternating), so each has its own peak memory, and
//! prints a table. `audit-bench generate N FILE`, `audit-bench floor FILE` and
//! `audit-bench audit FILE` run one step.

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::process::Command;
use std::time::Instant;

use regelverk::RuleSet;
use regelverk::audit::{self, AuditOptions, GeneratorOptions, LedgerInput};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("generate") => generate(&args[2..]),
        Some("floor") => floor(&args[2..]),
        Some("audit") => run_audit(&args[2..]),
        Some(rows) => drive(rows),
        None => drive("5000000"),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// The country whose ledgers are generated and audited (its rules declare them).
const COUNTRY: &str = "SE";

fn rules() -> Result<RuleSet, String> {
    RuleSet::embedded_for_deciding().map_err(|e| e.to_string())
}

fn generate(args: &[String]) -> Result<(), String> {
    let [rows, path] = args else {
        return Err("usage: audit-bench generate ROWS FILE".into());
    };
    let rows: u64 = rows.parse().map_err(|_| "ROWS is a number")?;
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    audit::generate(
        &rules()?,
        &GeneratorOptions::new(COUNTRY, rows, 1),
        &mut out,
    )
    .map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())
}

/// The floor: one thread, the `csv` crate's fastest reading (byte records, no UTF-8 check), the
/// amount read as öre with the least work, summed per buyer and supplier in a hash map.
fn floor(args: &[String]) -> Result<(), String> {
    let [path] = args else {
        return Err("usage: audit-bench floor FILE".into());
    };
    let start = Instant::now();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .map_err(|e| e.to_string())?;
    let mut sums: HashMap<(Vec<u8>, Vec<u8>), i64> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    let mut key = (Vec::new(), Vec::new());
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| e.to_string())?
    {
        rows += 1;
        let amount = record.get(7).map_or(0, ore);
        key.0.clear();
        key.0.extend_from_slice(record.get(0).unwrap_or_default());
        key.1.clear();
        key.1.extend_from_slice(record.get(4).unwrap_or_default());
        match sums.get_mut(&key) {
            Some(sum) => *sum += amount,
            None => {
                sums.insert(key.clone(), amount);
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "RESULT rows={rows} groups={} seconds={seconds:.4}",
        sums.len()
    );
    Ok(())
}

/// `1 234,50` or `-300,00` as öre, assuming the generator's form.
fn ore(field: &[u8]) -> i64 {
    let mut value = 0i64;
    let mut negative = false;
    for &b in field {
        match b {
            b'0'..=b'9' => value = value * 10 + i64::from(b - b'0'),
            b'-' => negative = true,
            _ => {}
        }
    }
    if negative { -value } else { value }
}

fn run_audit(args: &[String]) -> Result<(), String> {
    let [path] = args else {
        return Err("usage: audit-bench audit FILE".into());
    };
    let start = Instant::now();
    let rules = rules()?;
    let loaded = start.elapsed().as_secs_f64();
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let size = file.metadata().ok().map(|m| m.len());
    let mut read_done = 0.0;
    let mut options = AuditOptions::for_jurisdiction(&rules, COUNTRY)?;
    // For experiments: AUDIT_THREADS=1, AUDIT_SHORTCUT=0.
    options.threads = std::env::var("AUDIT_THREADS")
        .ok()
        .and_then(|t| t.parse().ok());
    options.shortcut = std::env::var("AUDIT_SHORTCUT").map_or(true, |v| v != "0");
    let result = audit::audit(
        &rules,
        vec![LedgerInput {
            name: path.clone(),
            reader: file,
            size,
        }],
        None,
        &options,
        |p| {
            if let audit::Progress::Deciding { .. } = p {
                read_done = start.elapsed().as_secs_f64();
            }
        },
    );
    let seconds = start.elapsed().as_secs_f64();
    let s = &result.summary;
    println!(
        "RESULT rows={} groups={} flagged={} bad={} seconds={seconds:.4} rules_seconds={loaded:.4} read_seconds={read_done:.4}",
        s.rows,
        result.groups.len(),
        result.flagged.len(),
        s.bad_rows
    );
    Ok(())
}

struct Measured {
    rows: u64,
    seconds: f64,
    peak_kib: u64,
    line: String,
}

fn measure(step: &str, path: &str) -> Result<Measured, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(&exe)
        .args([step, path])
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("{step} failed: {stderr}"));
    }
    let line = stdout
        .lines()
        .find(|l| l.starts_with("RESULT"))
        .ok_or("no RESULT line")?
        .to_string();
    let field = |name: &str| -> Option<String> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")).map(str::to_string))
    };
    let peak_kib = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Ok(Measured {
        rows: field("rows").and_then(|v| v.parse().ok()).unwrap_or(0),
        seconds: field("seconds").and_then(|v| v.parse().ok()).unwrap_or(0.0),
        peak_kib,
        line,
    })
}

fn drive(rows: &str) -> Result<(), String> {
    let path = std::env::temp_dir().join(format!("audit-bench-{rows}.csv"));
    let path_text = path.display().to_string();
    let start = Instant::now();
    generate(&[rows.to_string(), path_text.clone()])?;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "generated {rows} rows ({:.0} MB) in {:.1} s: {path_text}",
        size as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    println!("cores: {threads}\n");
    let mut floors = Vec::new();
    let mut audits = Vec::new();
    // A first read warms the page cache; then three alternating rounds.
    measure("floor", &path_text)?;
    for round in 1..=3 {
        let f = measure("floor", &path_text)?;
        let a = measure("audit", &path_text)?;
        println!("round {round}: floor {}\n         audit {}", f.line, a.line);
        floors.push(f);
        audits.push(a);
    }
    let median = |list: &mut Vec<Measured>| -> (f64, u64, u64) {
        list.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
        let m = &list[list.len() / 2];
        (
            m.seconds,
            m.rows,
            list.iter().map(|m| m.peak_kib).max().unwrap_or(0),
        )
    };
    let (floor_s, floor_rows, floor_kib) = median(&mut floors);
    let (audit_s, audit_rows, audit_kib) = median(&mut audits);
    let floor_rate = floor_rows as f64 / floor_s;
    let audit_rate = audit_rows as f64 / audit_s;
    println!("\n| run | rows | median seconds | rows/s | peak memory |");
    println!("|---|---|---|---|---|");
    println!(
        "| floor: csv-crate loop, sums per buyer and supplier, 1 thread | {floor_rows} | {floor_s:.3} | {floor_rate:.0} | {:.1} MiB |",
        floor_kib as f64 / 1024.0
    );
    println!(
        "| regelverk audit, {threads} threads, rules loaded, every group's months screened | {audit_rows} | {audit_s:.3} | {audit_rate:.0} | {:.1} MiB |",
        audit_kib as f64 / 1024.0
    );
    println!(
        "\naudit / floor: {:.2}× the floor's time ({:.0} % of its rate)",
        audit_s / floor_s,
        audit_rate / floor_rate * 100.0
    );
    let _ = std::fs::remove_file(&path);
    Ok(())
}
