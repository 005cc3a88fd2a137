//! Batch evaluation: many cases, one JSON object per line, decided on every core.
//!
//! Invariants: the output has one line per non-blank input line, in input order; a line that is
//! not a valid case gives an error record for that line and the rest go on; memory stays bounded
//! whatever the input (lines are read in chunks of at most [`CHUNK_LINES`] lines, at most a few
//! chunks per thread are in flight, and a line longer than
//! `MAX_CASE_BYTES` is refused without being held). Pure over its
//! reader and writer: no printing, no environment; progress is reported through a callback.
//!
//! Each output line is a JSON object with `line` (the 1-based input line number) and either the
//! decision's `Verdict` fields (`outcome`, `decided_by`, `procedure`,
//! `obligations`, `warnings`, `reasons`), or, with [`BatchOptions::full`], `decision` (the whole
//! [`Decision`](crate::Decision)), `summary` and `explanation` as `check --format json` gives
//! them; or `error` with the reason the line is not a case.

use std::io::{self, BufRead, Write};
use std::num::NonZeroUsize;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::RuleSet;
use crate::case::{JsonCases, MAX_CASE_BYTES};
use crate::decision::{Outcome, Verdict};
use crate::lang::Lang;

/// How many lines make one unit of work.
pub const CHUNK_LINES: usize = 1024;

/// How a batch is run.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BatchOptions {
    /// Worker threads; `None` for one per core.
    pub threads: Option<NonZeroUsize>,
    /// Write the whole decision with its explanation, not only the verdict (much slower).
    pub full: bool,
    /// The language of the explanation with `full` (default: by the case's jurisdiction).
    pub lang: Option<Lang>,
}

impl BatchOptions {
    /// One worker per core; the whole decision with its explanation when `full`, in `lang`
    /// (else by each case's jurisdiction).
    pub fn new(full: bool, lang: Option<Lang>) -> BatchOptions {
        BatchOptions {
            threads: None,
            full,
            lang,
        }
    }
}

/// What a batch has done so far, or in all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BatchSummary {
    /// Input lines read, blank ones included.
    pub lines: u64,
    /// Cases decided.
    pub decided: u64,
    /// Lines that were not a valid case.
    pub failed: u64,
    /// Cases allowed (with or without obligations).
    pub allowed: u64,
    /// Cases not allowed.
    pub not_allowed: u64,
    /// Cases undecided.
    pub undecided: u64,
}

impl BatchSummary {
    fn add(&mut self, other: &BatchSummary) {
        self.lines += other.lines;
        self.decided += other.decided;
        self.failed += other.failed;
        self.allowed += other.allowed;
        self.not_allowed += other.not_allowed;
        self.undecided += other.undecided;
    }
}

/// One input line of a chunk: where its bytes are in the chunk's buffer (checked as UTF-8 by
/// the worker that decides it), or that it is too long to be held.
enum Line {
    Bytes { start: usize, end: usize },
    TooLong(usize),
}

/// A run of input lines, their bytes one after the other in one buffer: no allocation per line.
struct Chunk {
    seq: u64,
    first_line: u64,
    bytes: Vec<u8>,
    lines: Vec<Line>,
}

struct Done {
    seq: u64,
    output: Vec<u8>,
    summary: BatchSummary,
}

/// Decides every case in `input` (JSON lines) and writes one JSON line per case to `output`, in
/// input order. `progress` is called on the calling thread after each chunk is written.
///
/// Fails only on an IO error of the reader or the writer; bad cases are reported in the output
/// and counted in [`BatchSummary::failed`].
pub fn run<R, W>(
    rules: &RuleSet,
    input: R,
    mut output: W,
    options: &BatchOptions,
    mut progress: impl FnMut(&BatchSummary),
) -> io::Result<BatchSummary>
where
    R: BufRead + Send,
    W: Write,
{
    let threads = options
        .threads
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    // The reader may run this many chunks ahead of the writer: memory stays bounded.
    let in_flight = threads * 3;
    let mut summary = BatchSummary::default();
    std::thread::scope(|scope| -> io::Result<BatchSummary> {
        let (work_tx, work_rx) = sync_channel::<Chunk>(threads);
        let (done_tx, done_rx) = sync_channel::<Done>(in_flight);
        let (token_tx, token_rx) = sync_channel::<()>(in_flight);
        for _ in 0..in_flight {
            let _ = token_tx.send(());
        }
        let reader = scope.spawn(move || read_chunks(input, &work_tx, &token_rx));
        let work_rx = Arc::new(Mutex::new(work_rx));
        for _ in 0..threads {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || work(rules, options, &work_rx, &done_tx));
        }
        drop(done_tx);

        let mut next = 0u64;
        let mut waiting: std::collections::BTreeMap<u64, Done> = Default::default();
        let mut write_error = None;
        // Dropped on a write error: the reader then stops, and the workers finish what is read.
        let mut tokens = Some(token_tx);
        for done in done_rx {
            waiting.insert(done.seq, done);
            while let Some(done) = waiting.remove(&next) {
                next += 1;
                if write_error.is_some() {
                    continue;
                }
                if let Err(e) = output.write_all(&done.output) {
                    write_error = Some(e);
                    tokens = None;
                    continue;
                }
                summary.add(&done.summary);
                if let Some(tokens) = &tokens {
                    let _ = tokens.send(());
                }
                progress(&summary);
            }
        }
        drop(tokens);
        let read_result = reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the reader thread panicked")));
        if let Some(e) = write_error {
            return Err(e);
        }
        read_result?;
        output.flush()?;
        Ok(summary)
    })
}

/// Reads the input into chunks of lines; each chunk waits for a token, so that only a bounded
/// number are in memory at once.
fn read_chunks<R: BufRead>(
    mut input: R,
    work: &SyncSender<Chunk>,
    tokens: &Receiver<()>,
) -> io::Result<()> {
    let mut seq = 0;
    let mut line_no = 0u64;
    let mut chunk_bytes = CHUNK_LINES * 256;
    loop {
        if tokens.recv().is_err() {
            return Ok(());
        }
        let first_line = line_no + 1;
        let mut lines = Vec::with_capacity(CHUNK_LINES);
        let mut bytes = Vec::with_capacity(chunk_bytes);
        let mut eof = false;
        while lines.len() < CHUNK_LINES {
            let start = bytes.len();
            match read_line(&mut input, &mut bytes)? {
                None => {
                    eof = true;
                    break;
                }
                Some(len) => {
                    line_no += 1;
                    lines.push(if len > MAX_CASE_BYTES {
                        bytes.truncate(start);
                        Line::TooLong(len)
                    } else {
                        Line::Bytes {
                            start,
                            end: bytes.len(),
                        }
                    });
                }
            }
        }
        if !lines.is_empty() {
            chunk_bytes = chunk_bytes.max(bytes.len());
            let chunk = Chunk {
                seq,
                first_line,
                bytes,
                lines,
            };
            seq += 1;
            if work.send(chunk).is_err() {
                return Ok(());
            }
        }
        if eof {
            return Ok(());
        }
    }
}

/// Appends one line without its line ending to `buf`, keeping at most `MAX_CASE_BYTES + 1`
/// bytes of it; returns the line's full length, or `None` at the end of the input.
fn read_line<R: BufRead>(input: &mut R, buf: &mut Vec<u8>) -> io::Result<Option<usize>> {
    let start = buf.len();
    let mut len = 0usize;
    let mut any = false;
    loop {
        let available = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (part, found) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], true),
            None => (available, false),
        };
        let room = (MAX_CASE_BYTES + 1).saturating_sub(buf.len() - start);
        buf.extend_from_slice(&part[..part.len().min(room)]);
        len += part.len();
        let used = part.len() + usize::from(found);
        input.consume(used);
        if found {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if buf.len() > start && buf.last() == Some(&b'\r') && len <= MAX_CASE_BYTES {
        buf.pop();
        len -= 1;
    }
    Ok(Some(len))
}

/// What a worker keeps from line to line.
struct Worker<'r> {
    rules: &'r RuleSet,
    options: &'r BatchOptions,
    /// The fast reading of a plain case, into one case reused from line to line.
    cases: JsonCases,
    /// A verdict's JSON, before it is written after its line's number.
    verdict: Vec<u8>,
}

fn work(
    rules: &RuleSet,
    options: &BatchOptions,
    chunks: &Mutex<Receiver<Chunk>>,
    done: &SyncSender<Done>,
) {
    let mut worker = Worker {
        rules,
        options,
        cases: JsonCases::new(&rules.vocab),
        verdict: Vec::with_capacity(1024),
    };
    let mut capacity = CHUNK_LINES * 200;
    loop {
        let chunk = match chunks.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(chunk) = chunk else { return };
        let mut output = Vec::with_capacity(capacity);
        let mut summary = BatchSummary::default();
        for (i, line) in chunk.lines.iter().enumerate() {
            summary.lines += 1;
            let line_no = chunk.first_line + i as u64;
            worker.decide_line(line_no, line, &chunk.bytes, &mut output, &mut summary);
        }
        capacity = capacity.max(output.len());
        let result = Done {
            seq: chunk.seq,
            output,
            summary,
        };
        if done.send(result).is_err() {
            return;
        }
    }
}

#[derive(Serialize)]
struct VerdictRecord<'a> {
    line: u64,
    #[serde(flatten)]
    verdict: Verdict<'a>,
}

#[derive(Serialize)]
struct ErrorRecord<'a> {
    line: u64,
    error: &'a str,
}

impl Worker<'_> {
    fn decide_line(
        &mut self,
        line_no: u64,
        line: &Line,
        chunk: &[u8],
        output: &mut Vec<u8>,
        summary: &mut BatchSummary,
    ) {
        let text = match line {
            Line::Bytes { start, end } => {
                match std::str::from_utf8(chunk.get(*start..*end).unwrap_or_default()) {
                    Ok(text) => text,
                    Err(_) => {
                        return error_record(line_no, "the line is not UTF-8", output, summary);
                    }
                }
            }
            Line::TooLong(len) => {
                let message =
                    format!("the case is {len} bytes; the limit is {MAX_CASE_BYTES} bytes");
                return error_record(line_no, &message, output, summary);
            }
        };
        if text.trim().is_empty() {
            return;
        }
        let outcome = if self.options.full {
            let case = match read_case(self.rules, text) {
                Ok(case) => case,
                Err(message) => return error_record(line_no, &message, output, summary),
            };
            let decision = self.rules.evaluate(&case);
            let lang = self
                .options
                .lang
                .unwrap_or_else(|| self.rules.default_lang(case.jurisdiction()));
            // The versioned JSON document of `check --format json`, on one line, with `line`
            // first.
            let document = self.rules.explain_json(&decision, lang);
            match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&document) {
                Ok(fields) => {
                    let mut record = serde_json::Map::new();
                    record.insert("line".to_string(), line_no.into());
                    record.extend(fields);
                    let _ = serde_json::to_writer(&mut *output, &record);
                }
                Err(e) => {
                    return error_record(line_no, &e.to_string(), output, summary);
                }
            }
            decision.combined_outcome()
        } else {
            let verdict = match self.cases.read(text) {
                Some(case) => self.rules.decide(case),
                None => match read_case(self.rules, text) {
                    Ok(case) => self.rules.decide(&case),
                    Err(message) => return error_record(line_no, &message, output, summary),
                },
            };
            let outcome = verdict.combined_outcome();
            write_verdict(line_no, verdict, &mut self.verdict, output);
            outcome
        };
        output.push(b'\n');
        summary.decided += 1;
        match outcome {
            Outcome::Allowed | Outcome::AllowedWithObligations => summary.allowed += 1,
            Outcome::NotAllowed => summary.not_allowed += 1,
            Outcome::Undecided => summary.undecided += 1,
        }
    }
}

/// A line's case read the ordinary way, or the message of its error record.
fn read_case(rules: &RuleSet, text: &str) -> Result<crate::Case, String> {
    rules.read_case(text, "line.json").map_err(|e| {
        e.diagnostics
            .iter()
            .map(|d| match d.line {
                0 => d.message.clone(),
                _ => format!("{} (column {})", d.message, d.column),
            })
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Writes `{"line":N,` and the verdict's fields: the bytes of [`VerdictRecord`], without
/// serde's flattening (which goes through a map of its own per record).
fn write_verdict(line_no: u64, verdict: Verdict<'_>, scratch: &mut Vec<u8>, output: &mut Vec<u8>) {
    scratch.clear();
    let _ = serde_json::to_writer(&mut *scratch, &verdict);
    match scratch.split_first() {
        Some((b'{', fields)) if fields.first() == Some(&b'"') => {
            output.extend_from_slice(b"{\"line\":");
            write_number(line_no, output);
            output.push(b',');
            output.extend_from_slice(fields);
        }
        _ => {
            let record = VerdictRecord {
                line: line_no,
                verdict,
            };
            let _ = serde_json::to_writer(&mut *output, &record);
        }
    }
}

/// A number in decimal, as serde_json writes it.
fn write_number(mut n: u64, output: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    output.extend_from_slice(&digits[at..]);
}

fn error_record(line: u64, message: &str, output: &mut Vec<u8>, summary: &mut BatchSummary) {
    let _ = serde_json::to_writer(
        &mut *output,
        &ErrorRecord {
            line,
            error: message,
        },
    );
    output.push(b'\n');
    summary.failed += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_text(input: &str, threads: usize) -> (String, BatchSummary) {
        let rules = RuleSet::embedded().expect("embedded rules");
        let mut out = Vec::new();
        let options = BatchOptions {
            threads: NonZeroUsize::new(threads),
            ..BatchOptions::default()
        };
        let summary = run(&rules, input.as_bytes(), &mut out, &options, |_| {})
            .expect("no IO error in memory");
        (String::from_utf8(out).expect("UTF-8 output"), summary)
    }

    const ALLOWED: &str = r#"{"jurisdiction":"SE","date":"2026-03-01","buyer":{"kind":"kommun"},"purchase":{"category":"services","service_class":"ordinary","value":"650 000 SEK"}}"#;
    const NOT_ALLOWED: &str = r#"{"jurisdiction":"SE","date":"2026-03-01","buyer":{"kind":"kommun"},"purchase":{"category":"services","service_class":"ordinary","value":"750 000 SEK"}}"#;

    #[test]
    fn one_record_per_line_in_order_and_bad_lines_do_not_stop_the_rest() {
        let input =
            format!("{ALLOWED}\nnot json\n\n{NOT_ALLOWED}\r\n{{\"jurisdiction\":\"SE\"}}\n");
        let (out, summary) = run_text(&input, 2);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        assert!(lines[0].starts_with(r#"{"line":1,"outcome":"allowed_with_obligations""#));
        assert!(
            lines[1].starts_with(r#"{"line":2,"error":"#),
            "{}",
            lines[1]
        );
        assert!(lines[2].starts_with(r#"{"line":4,"outcome":"not_allowed""#));
        assert!(lines[3].contains("missing field `date`"), "{}", lines[3]);
        assert_eq!(summary.lines, 5);
        assert_eq!(summary.decided, 2);
        assert_eq!(summary.failed, 2);
    }

    #[test]
    fn order_is_kept_across_many_chunks_and_threads() {
        let mut input = String::new();
        for i in 0..(CHUNK_LINES * 5 + 7) {
            input.push_str(if i % 3 == 0 { NOT_ALLOWED } else { ALLOWED });
            input.push('\n');
        }
        let (out, summary) = run_text(&input, 3);
        for (i, line) in out.lines().enumerate() {
            assert!(line.starts_with(&format!("{{\"line\":{},", i + 1)));
            let expected = if i % 3 == 0 {
                "not_allowed"
            } else {
                "allowed_with_obligations"
            };
            assert!(line.contains(expected));
        }
        assert_eq!(summary.decided as usize, CHUNK_LINES * 5 + 7);
    }

    #[test]
    fn a_line_over_the_limit_is_refused_without_being_kept() {
        let long = "x".repeat(MAX_CASE_BYTES * 3);
        let input = format!("{long}\n{ALLOWED}");
        let (out, summary) = run_text(&input, 1);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].contains("the limit is"), "{}", lines[0]);
        assert!(lines[1].contains("allowed_with_obligations"));
        assert_eq!(summary.failed, 1);
    }

    #[test]
    fn a_line_not_in_utf8_is_refused_and_numbers_are_written_as_serde_does() {
        let rules = RuleSet::embedded().expect("embedded rules");
        let mut input = b"\xff\xfe\n".to_vec();
        input.extend_from_slice(ALLOWED.as_bytes());
        let mut out = Vec::new();
        let summary = run(
            &rules,
            input.as_slice(),
            &mut out,
            &BatchOptions::default(),
            |_| {},
        )
        .expect("no IO error in memory");
        let out = String::from_utf8(out).expect("UTF-8 output");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], r#"{"line":1,"error":"the line is not UTF-8"}"#);
        assert!(
            lines[1].starts_with(r#"{"line":2,"outcome":"#),
            "{}",
            lines[1]
        );
        assert_eq!(summary.failed, 1);
        for n in [0, 7, 10, 99, 1024, 1_000_000, u64::MAX] {
            let mut written = Vec::new();
            write_number(n, &mut written);
            assert_eq!(written, serde_json::to_vec(&n).expect("a number"));
        }
    }

    #[test]
    fn the_verdict_is_the_decision_s() {
        let rules = RuleSet::embedded().expect("embedded rules");
        let case = rules.read_case(NOT_ALLOWED, "c.json").expect("a case");
        assert_eq!(rules.decide(&case), rules.evaluate(&case).verdict());
    }
}
