//! The audit rendered: a text summary, JSON for programs, CSV of the flagged groups, and one
//! self-contained HTML page with a chart per flagged group.
//!
//! Invariant: these present an [`Audit`]; they decide nothing and compute no limit (the limit on
//! a chart is the one the engine's decision used). Every word is in `words`, in the audit's
//! language. The HTML loads nothing from outside.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde_json::json;

use super::words::{self, Words};
use super::{Audit, Branch, Flagged, GroupKind, GroupRow, Minor, ReportWords, StatusCounts, Tally};
use crate::decision::Shown;
use crate::doc::esc;
use crate::money::format_amount;
use crate::{Currency, FORMAT_VERSION, Lang, Money};

fn money(minor: Minor, currency: Currency, lang: Lang) -> String {
    let negative = minor < 0;
    let shown = Money::new(Decimal::new(minor.abs(), 2).normalize(), currency).display(lang);
    if negative {
        format!("−{shown}")
    } else {
        shown
    }
}

fn shown(value: &Shown, lang: Lang) -> String {
    crate::explain::show(value, lang)
}

fn count(n: u64, lang: Lang) -> String {
    format_amount(Decimal::from(n), lang)
}

/// The engine's answer in one line: the first line of its explanation.
fn headline(f: &Flagged) -> &str {
    f.explanation.lines().next().unwrap_or_default()
}

fn branches(list: &[Branch], said: &ReportWords, lang: Lang) -> String {
    let mut shown: Vec<String> = list
        .iter()
        .map(|b| {
            if b.assumes.is_empty() {
                words::WHATEVER.get(lang).to_string()
            } else {
                // A fact asked only for one value of another says that value too (a service
                // class says it is a service): the other would repeat it.
                b.assumes
                    .iter()
                    .filter(|a| !said.is_implied(a, &b.assumes))
                    .map(|a| said.statement(a))
                    .collect::<Vec<_>>()
                    .join(" + ")
            }
        })
        .collect();
    shown.dedup();
    shown.join("; ")
}

/// The branches of a flagged group as labelled lines: where a direct award would not have been
/// allowed, and (when there are any) where it would have been and where it was not decided.
fn branch_lines(f: &Flagged, said: &ReportWords, lang: Lang) -> Vec<(&'static str, String)> {
    [
        (&words::NOT_ALLOWED_IF, &f.not_allowed_in),
        (&words::ALLOWED_IF, &f.allowed_in),
        (&words::UNDECIDED_IF, &f.undecided_in),
    ]
    .into_iter()
    .filter(|(_, list)| !list.is_empty())
    .map(|(label, list)| (label.get(lang), branches(list, said, lang)))
    .collect()
}

fn group_title(g: &GroupRow, lang: Lang) -> String {
    let what = match g.kind {
        GroupKind::Supplier => words::SUPPLIER.get(lang),
        GroupKind::Account => words::ACCOUNT.get(lang),
    };
    let label = if g.label.is_empty() || g.key_is_name {
        String::new()
    } else {
        format!(" {}", g.label)
    };
    format!(
        "{what} {}{label} — {} ({}), {}",
        g.key, g.buyer, g.buyer_id, g.fiscal_year
    )
}

fn status_counts(c: &StatusCounts, lang: Lang) -> String {
    use super::GroupStatus::*;
    [
        (c.flagged, Flagged),
        (c.undecided, Undecided),
        (c.below_limit, BelowLimit),
        (c.covered, Covered),
    ]
    .iter()
    .map(|(n, s)| format!("{} {}", count(*n, lang), words::status_counted(*s, lang)))
    .collect::<Vec<_>>()
    .join(", ")
}

fn tally(t: &Tally, currency: Currency, lang: Lang) -> String {
    format!(
        "{} {}, {}",
        count(t.lines, lang),
        words::LINES.get(lang),
        money(t.amount, currency, lang)
    )
}

/// How many booking lines the text summary lists per group (the HTML and JSON list all kept).
const TEXT_LINES: usize = 6;

/// The text summary.
pub fn text(audit: &Audit) -> String {
    let s = &audit.summary;
    let lang = s.lang;
    let c = s.currency;
    let w = |words: &Words| words.get(lang);
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", w(&words::TITLE));
    let _ = writeln!(out, "{}\n", w(&words::SCREENING));
    let _ = writeln!(
        out,
        "{}: {}, {}: {}, {}: {}, {} {}, {}: {}",
        w(&words::RULES),
        s.jurisdiction,
        audit.words.buyer_kind,
        s.buyer_kind.as_str(),
        w(&words::CATEGORY),
        s.category.as_deref().unwrap_or(w(&words::NOT_KNOWN)),
        w(&words::FISCAL_YEAR_FROM),
        s.fiscal_year_start,
        w(&words::CURRENCY),
        c
    );
    let _ = writeln!(
        out,
        "{}: {} ({} {}, {} {})",
        w(&words::FILES),
        s.files.join(", "),
        count(s.rows, lang),
        w(&words::ROWS),
        count(s.bad_rows, lang),
        w(&words::BAD)
    );
    let _ = writeln!(
        out,
        "\n{}: {}",
        w(&words::SUPPLIER_GROUPS),
        status_counts(&s.supplier_groups, lang)
    );
    let _ = writeln!(
        out,
        "{}: {}",
        w(&words::ACCOUNT_GROUPS),
        status_counts(&s.account_groups, lang)
    );
    let _ = writeln!(out, "{}: {}", w(&words::MASKED), tally(&s.masked, c, lang));
    let _ = writeln!(
        out,
        "{}: {}",
        w(&words::COVERED_LINES),
        tally(&s.covered, c, lang)
    );
    if s.no_account.lines > 0 {
        let _ = writeln!(
            out,
            "{}: {}",
            w(&words::NO_ACCOUNT),
            tally(&s.no_account, c, lang)
        );
    }
    let _ = writeln!(out, "\n{}", w(&words::FLAGGED_HEADING));
    if audit.flagged.is_empty() {
        let _ = writeln!(out, "  {}", w(&words::NONE_FLAGGED));
    }
    for (i, f) in audit.flagged.iter().enumerate() {
        let g = &f.group;
        let _ = writeln!(out, "\n{:>3}. {}", i + 1, group_title(g, lang));
        let limit = f
            .limit
            .as_ref()
            .map_or_else(|| w(&words::NOT_KNOWN).to_string(), |l| shown(l, lang));
        let above = f.above_limit.map_or_else(String::new, |a| {
            format!(", {} {}", money(a, c, lang), w(&words::ABOVE))
        });
        let _ = writeln!(
            out,
            "     {} {}; {} {} {} {} ({} {}{above})",
            w(&words::SUM),
            money(g.sum, c, lang),
            w(&words::LIMIT),
            limit,
            w(&words::CROSSED),
            g.month.as_deref().unwrap_or("?"),
            w(&words::PEAK).to_lowercase(),
            money(g.peak, c, lang),
        );
        let _ = writeln!(out, "     {}: {}", w(&words::ENGINE), headline(f));
        for (label, list) in branch_lines(f, &audit.words, lang) {
            let _ = writeln!(out, "     {label}: {list}");
        }
        let refs: Vec<String> = f
            .lines
            .iter()
            .take(TEXT_LINES)
            .map(|l| {
                format!(
                    "{} {} {}",
                    l.verifikationsnummer,
                    l.date,
                    money(l.amount, c, lang)
                )
            })
            .collect();
        let more = g.lines.saturating_sub(refs.len() as u64);
        let more = if more > 0 {
            format!(" (+{} {})", count(more, lang), w(&words::MORE_LINES))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "     {}: {}{more}",
            w(&words::BOOKING_LINES),
            refs.join("; ")
        );
    }
    if !audit.bad_rows.is_empty() {
        let _ = writeln!(out, "\n{}", w(&words::BAD_ROWS));
        for r in &audit.bad_rows {
            let _ = writeln!(out, "  {}:{}: {}", r.file, r.line, r.message);
        }
        let hidden = s.bad_rows.saturating_sub(audit.bad_rows.len() as u64);
        if hidden > 0 {
            let _ = writeln!(out, "  … +{}", count(hidden, lang));
        }
    }
    if !audit.file_errors.is_empty() {
        let _ = writeln!(out, "\n{}", w(&words::FILE_ERRORS));
        for e in &audit.file_errors {
            let _ = writeln!(out, "  {}: {}", e.file, e.message);
        }
    }
    let _ = writeln!(out, "\n{}", audit.words.grouping);
    let _ = writeln!(out, "\n{}:", w(&words::NEXT_STEPS_HEADING));
    for step in &audit.words.next_steps {
        let _ = writeln!(out, "  - {step}");
    }
    out
}

fn flagged_json(f: &Flagged, rank: usize) -> serde_json::Value {
    let g = &f.group;
    let (supplier_id, supplier, account, account_text) = match (g.kind, g.key_is_name) {
        (GroupKind::Supplier, false) => (Some(&g.key), Some(&g.label), None, None),
        (GroupKind::Supplier, true) => (None, Some(&g.label), None, None),
        (GroupKind::Account, _) => (None, None, Some(&g.key), Some(&g.label)),
    };
    json!({
        "rank": rank,
        "kind": g.kind,
        "buyer_id": g.buyer_id,
        "buyer": g.buyer,
        "fiscal_year": g.fiscal_year,
        "fiscal_year_start": f.fiscal_year_start.to_string(),
        "supplier_id": supplier_id,
        "supplier": supplier,
        "account": account,
        "account_text": account_text,
        "sum": decimal(g.sum),
        "peak": decimal(g.peak),
        "limit": f.limit,
        "above_limit": f.above_limit.map(decimal),
        "crossed_month": g.month,
        "crossed_on": f.crossed_on.to_string(),
        "outcome": f.outcome,
        "procedure": f.procedure,
        "decided_by": f.decided_by,
        "answer": headline(f),
        "not_allowed_in": f.not_allowed_in,
        "allowed_in": f.allowed_in,
        "undecided_in": f.undecided_in,
        "citations": f.citations,
        "explanation": f.explanation,
        "case": f.case,
        "months": f.months,
        "lines_total": g.lines,
        "lines": f.lines,
    })
}

fn decimal(minor: Minor) -> String {
    Decimal::new(minor, 2).normalize().to_string()
}

/// JSON: `{"format_version", "summary", "flagged"}`. Amounts are decimal strings in the
/// summary's currency; groups that are covered or below the limit appear only in its counts.
pub fn json(audit: &Audit) -> String {
    let mut summary = serde_json::to_value(&audit.summary).unwrap_or_default();
    summary["bad_row_list"] = serde_json::to_value(&audit.bad_rows).unwrap_or_default();
    summary["file_errors"] = serde_json::to_value(&audit.file_errors).unwrap_or_default();
    let value = json!({
        "format_version": FORMAT_VERSION,
        "summary": summary,
        "flagged": audit.flagged.iter().enumerate().map(|(i, f)| flagged_json(f, i + 1)).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// CSV of the flagged groups, one row each, ranked; amounts with a decimal point.
pub fn csv(audit: &Audit) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record([
        "rank",
        "kind",
        "buyer_id",
        "buyer",
        "fiscal_year",
        "supplier_id_or_account",
        "name",
        "sum",
        "peak",
        "limit",
        "above_limit",
        "currency",
        "crossed_month",
        "outcome",
        "procedure",
        "decided_by",
        "not_allowed_in",
        "allowed_in",
        "lines_total",
        "verifikationsnummer",
    ]);
    let lang = audit.summary.lang;
    for (i, f) in audit.flagged.iter().enumerate() {
        let g = &f.group;
        let limit = f.limit.as_ref().map_or_else(String::new, |l| match l {
            Shown::Money { amount, .. } => amount.to_string(),
            Shown::MoneyRange { low, high, .. } => format!("{low}-{high}"),
            _ => String::new(),
        });
        let kind = match g.kind {
            GroupKind::Supplier => "supplier",
            GroupKind::Account => "account",
        };
        let outcome = serde_json::to_value(f.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = out.write_record([
            (i + 1).to_string(),
            kind.to_string(),
            g.buyer_id.clone(),
            g.buyer.clone(),
            g.fiscal_year.clone(),
            g.key.clone(),
            g.label.clone(),
            decimal(g.sum),
            decimal(g.peak),
            limit,
            f.above_limit.map(decimal).unwrap_or_default(),
            audit.summary.currency.to_string(),
            g.month.clone().unwrap_or_default(),
            outcome,
            f.procedure.clone().unwrap_or_default(),
            f.decided_by.join(" "),
            branches(&f.not_allowed_in, &audit.words, lang),
            branches(&f.allowed_in, &audit.words, lang),
            g.lines.to_string(),
            f.lines
                .iter()
                .map(|l| l.verifikationsnummer.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ]);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// One flagged group's months as an SVG chart: the net spend of each month as bars, the
/// cumulative spend as a line, and the limit the engine used as a dashed line.
pub fn chart(f: &Flagged, currency: Currency, lang: Lang) -> String {
    const W: f64 = 720.0;
    const H: f64 = 260.0;
    const LEFT: f64 = 110.0;
    const RIGHT: f64 = 20.0;
    const TOP: f64 = 20.0;
    const BOTTOM: f64 = 40.0;
    let months = &f.months;
    // Every month of the fiscal year, so that the year's shape shows even where nothing was paid.
    let first = f.fiscal_year_start;
    let slots = if first.day() == 1 { 12 } else { 13 };
    let label_of = |i: usize| super::month_label(first, i);
    let limit = f.limit.as_ref().and_then(super::shown_low);
    let top = months
        .iter()
        .map(|m| m.cumulative.max(m.net))
        .chain(limit)
        .max()
        .unwrap_or(1)
        .max(1) as f64
        * 1.1;
    let low = months
        .iter()
        .map(|m| m.cumulative.min(m.net))
        .min()
        .unwrap_or(0)
        .min(0) as f64;
    let span = top - low;
    let y = |v: f64| TOP + (top - v) / span * (H - TOP - BOTTOM);
    let step = (W - LEFT - RIGHT) / slots as f64;
    let x = |i: usize| LEFT + step * (i as f64 + 0.5);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{}">"##,
        esc(words::CHART_TITLE.get(lang))
    );
    let _ = write!(
        svg,
        r##"<rect x="0" y="0" width="{W}" height="{H}" fill="#fff"/>"##
    );
    // Grid lines at round amounts (1, 2 or 5 times a power of ten kronor).
    let raw_step = span / 1.1 / 5.0;
    let mut step_minor: f64 = 100.0;
    while step_minor < raw_step {
        step_minor *= if (step_minor / 10f64.powf(step_minor.log10().floor()) - 2.0).abs() < 0.5 {
            2.5
        } else {
            2.0
        };
    }
    let mut tick = (low / step_minor).ceil() * step_minor;
    while tick <= top {
        let yy = y(tick);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">{}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            yy + 4.0,
            esc(&money(tick as Minor, currency, lang))
        );
        tick += step_minor;
    }
    let zero = y(0.0);
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{zero:.1}" x2="{:.1}" y2="{zero:.1}" stroke="#888"/>"##,
        W - RIGHT
    );
    // Bars: each month's net spend.
    for m in months {
        let Some(i) = (0..slots).find(|&i| label_of(i) == m.month) else {
            continue;
        };
        let (a, b) = (y(m.net as f64), zero);
        let (top_y, height) = if a < b { (a, b - a) } else { (b, a - b) };
        let fill = if m.net < 0 { "#e0a96d" } else { "#b9cfe8" };
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{top_y:.1}" width="{:.1}" height="{height:.1}" fill="{fill}"><title>{} {}: {}</title></rect>"##,
            x(i) - step * 0.3,
            step * 0.6,
            esc(&m.month),
            esc(words::PER_MONTH.get(lang)),
            esc(&money(m.net, currency, lang))
        );
    }
    // Month labels.
    for i in 0..slots {
        let label = label_of(i);
        let month: i8 = label.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#555">{}</text>"##,
            x(i),
            H - BOTTOM + 16.0,
            words::month_name(month, lang)
        );
    }
    // The limit.
    if let Some(l) = limit {
        let yy = y(l as f64);
        let text = format!(
            "{} {}",
            words::LIMIT.get(lang),
            f.limit
                .as_ref()
                .map_or_else(String::new, |s| shown(s, lang))
        );
        // At the right, where a flagged group's spend is above the line: under the line, unless
        // it is low in the chart, where the bars are.
        let label_y = if yy > (TOP + H - BOTTOM) / 2.0 {
            yy - 6.0
        } else {
            yy + 16.0
        };
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-size="12" font-weight="600" text-anchor="end" fill="#c0392b">{}</text>"##,
            W - RIGHT,
            W - RIGHT - 4.0,
            label_y,
            esc(&text)
        );
    }
    // The cumulative spend, and the month it crossed.
    let points: Vec<String> = months
        .iter()
        .filter_map(|m| {
            (0..slots)
                .find(|&i| label_of(i) == m.month)
                .map(|i| format!("{:.1},{:.1}", x(i), y(m.cumulative as f64)))
        })
        .collect();
    let _ = write!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#1f4e79" stroke-width="2.5"/>"##,
        points.join(" ")
    );
    for m in months {
        let Some(i) = (0..slots).find(|&i| label_of(i) == m.month) else {
            continue;
        };
        let crossed = f.group.month.as_deref() == Some(m.month.as_str());
        let (r, fill) = if crossed {
            (6.0, "#c0392b")
        } else {
            (3.5, "#1f4e79")
        };
        let _ = write!(
            svg,
            r##"<circle cx="{:.1}" cy="{:.1}" r="{r}" fill="{fill}"><title>{} {}: {}</title></circle>"##,
            x(i),
            y(m.cumulative as f64),
            esc(&m.month),
            esc(words::CUMULATIVE.get(lang)),
            esc(&money(m.cumulative, currency, lang))
        );
    }
    svg.push_str("</svg>");
    svg
}

const STYLE: &str = "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1b1b;max-width:1100px;margin:2em auto;padding:0 1em}h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:2px solid #1f4e79;padding-bottom:.2em}h3{margin:1.6em 0 .3em}.note{background:#fff6df;border-left:5px solid #e0a000;padding:.8em 1em;margin:1em 0}.meta{color:#555}table{border-collapse:collapse;margin:.5em 0;font-size:.92em}th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}td.n,th.n{text-align:right;white-space:nowrap}.flagged{color:#a93226;font-weight:600}.undecided{color:#9a6b00}.group{border:1px solid #ccd;border-radius:6px;padding:.2em 1.2em 1em;margin:1.2em 0}.answer{font-weight:600}.branches li{margin:.1em 0}pre{white-space:pre-wrap;background:#f6f7f9;padding:.8em;font-size:.85em}details{margin:.5em 0}";

/// The HTML report: one page, no external assets.
pub fn html(audit: &Audit) -> String {
    let s = &audit.summary;
    let lang = s.lang;
    let c = s.currency;
    let w = |words: &Words| esc(words.get(lang));
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>",
        lang.code(),
        w(&words::TITLE)
    );
    let _ = write!(out, "<h1>{}</h1>", w(&words::TITLE));
    let _ = write!(
        out,
        "<p class=\"meta\">{}: {} · {}: {} · {}: {} · {} {} · {}: {} · {}: {}</p>",
        w(&words::RULES),
        s.jurisdiction,
        esc(&audit.words.buyer_kind),
        esc(s.buyer_kind.as_str()),
        w(&words::CATEGORY),
        esc(s.category.as_deref().unwrap_or(words::NOT_KNOWN.get(lang))),
        w(&words::FISCAL_YEAR_FROM),
        s.fiscal_year_start,
        w(&words::CURRENCY),
        c,
        w(&words::FILES),
        esc(&s.files.join(", "))
    );
    let _ = write!(
        out,
        "<div class=\"note\"><p><strong>{}</strong></p><p>{}</p></div>",
        w(&words::SCREENING),
        esc(&audit.words.grouping)
    );
    let _ = write!(out, "<table>");
    let row = |out: &mut String, label: &str, value: String| {
        let _ = write!(out, "<tr><th>{label}</th><td>{}</td></tr>", esc(&value));
    };
    row(
        &mut out,
        &w(&words::FILES),
        format!(
            "{} {}, {} {}",
            count(s.rows, lang),
            words::ROWS.get(lang),
            count(s.bad_rows, lang),
            words::BAD.get(lang)
        ),
    );
    row(
        &mut out,
        &w(&words::SUPPLIER_GROUPS),
        status_counts(&s.supplier_groups, lang),
    );
    row(
        &mut out,
        &w(&words::ACCOUNT_GROUPS),
        status_counts(&s.account_groups, lang),
    );
    row(&mut out, &w(&words::MASKED), tally(&s.masked, c, lang));
    row(
        &mut out,
        &w(&words::COVERED_LINES),
        tally(&s.covered, c, lang),
    );
    if s.no_account.lines > 0 {
        row(
            &mut out,
            &w(&words::NO_ACCOUNT),
            tally(&s.no_account, c, lang),
        );
    }
    let _ = write!(out, "</table>");

    let _ = write!(
        out,
        "<h2 id=\"flagged\">{}</h2>",
        w(&words::FLAGGED_HEADING)
    );
    if audit.flagged.is_empty() {
        let _ = write!(out, "<p>{}</p>", w(&words::NONE_FLAGGED));
    }
    for (i, f) in audit.flagged.iter().enumerate() {
        flagged_html(&mut out, f, &audit.words, i + 1, c, lang);
    }

    let _ = write!(out, "<h2>{}</h2><ul>", w(&words::NEXT_STEPS_HEADING));
    for step in &audit.words.next_steps {
        let _ = write!(out, "<li>{}</li>", esc(step));
    }
    let _ = write!(out, "</ul>");

    let _ = write!(
        out,
        "<h2 id=\"groups\">{} ({} {})</h2>",
        w(&words::ALL_GROUPS),
        count(audit.groups.len() as u64, lang),
        w(&words::GROUPS_SHOWN)
    );
    let _ = write!(
        out,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th></tr>",
        w(&words::STATUS),
        w(&words::BUYER),
        w(&words::YEAR),
        w(&words::GROUP),
        w(&words::SUPPLIER_OR_ACCOUNT),
        w(&words::LINES),
        w(&words::SUM),
        w(&words::PEAK),
        w(&words::MONTH)
    );
    for g in &audit.groups {
        let class = match g.status {
            super::GroupStatus::Flagged => "flagged",
            super::GroupStatus::Undecided => "undecided",
            _ => "",
        };
        let what = match g.kind {
            GroupKind::Supplier => words::SUPPLIER.get(lang),
            GroupKind::Account => words::ACCOUNT.get(lang),
        };
        let _ = write!(
            out,
            "<tr><td class=\"{class}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(words::status(g.status, lang)),
            esc(&g.buyer),
            esc(&g.fiscal_year),
            esc(what),
            esc(&g.key),
            esc(if g.key_is_name { "" } else { &g.label }),
            count(g.lines, lang),
            esc(&money(g.sum, c, lang)),
            esc(&money(g.peak, c, lang)),
            esc(g.month.as_deref().unwrap_or(""))
        );
    }
    let _ = write!(out, "</table>");

    if !audit.bad_rows.is_empty() || !audit.file_errors.is_empty() {
        let _ = write!(out, "<h2>{}</h2><ul>", w(&words::BAD_ROWS));
        for e in &audit.file_errors {
            let _ = write!(out, "<li>{}: {}</li>", esc(&e.file), esc(&e.message));
        }
        for r in &audit.bad_rows {
            let _ = write!(
                out,
                "<li><code>{}:{}</code>: {}</li>",
                esc(&r.file),
                r.line,
                esc(&r.message)
            );
        }
        let _ = write!(out, "</ul>");
    }
    let _ = writeln!(out, "</body></html>");
    out
}

fn flagged_html(
    out: &mut String,
    f: &Flagged,
    said: &ReportWords,
    rank: usize,
    c: Currency,
    lang: Lang,
) {
    let g = &f.group;
    let w = |words: &Words| esc(words.get(lang));
    let _ = write!(
        out,
        "<section class=\"group\"><h3>{rank}. {}</h3>",
        esc(&group_title(g, lang))
    );
    let limit = f.limit.as_ref().map_or_else(
        || words::NOT_KNOWN.get(lang).to_string(),
        |l| shown(l, lang),
    );
    let above = f.above_limit.map_or_else(String::new, |a| {
        format!(" · {} {}", money(a, c, lang), words::ABOVE.get(lang))
    });
    let _ = write!(
        out,
        "<p>{} <strong>{}</strong> · {} <strong>{}</strong> · {} {} <strong>{}</strong> · {} {}{}</p>",
        w(&words::SUM),
        esc(&money(g.sum, c, lang)),
        w(&words::LIMIT_HEADING),
        esc(&limit),
        w(&words::LIMIT),
        w(&words::CROSSED),
        esc(g.month.as_deref().unwrap_or("?")),
        w(&words::PEAK),
        esc(&money(g.peak, c, lang)),
        esc(&above)
    );
    out.push_str(&chart(f, c, lang));
    let _ = write!(
        out,
        "<p class=\"answer\">{}: {}</p><ul class=\"branches\">",
        w(&words::ENGINE),
        esc(headline(f)),
    );
    for (label, list) in branch_lines(f, said, lang) {
        let _ = write!(out, "<li>{}: {}</li>", esc(label), esc(&list));
    }
    let _ = write!(out, "</ul>");
    let more = g.lines.saturating_sub(f.lines.len() as u64);
    let _ = write!(
        out,
        "<p>{} ({}{})</p><table><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr>",
        w(&words::BOOKING_LINES),
        if more > 0 {
            format!("{}; ", w(&words::LARGEST_LINES))
        } else {
            String::new()
        },
        if more > 0 {
            format!("+{} {}", count(more, lang), w(&words::MORE_LINES))
        } else {
            format!("{} {}", count(g.lines, lang), w(&words::LINES))
        },
        w(&words::DATE),
        w(&words::VERIFICATION),
        w(&words::INVOICE),
        w(&words::AMOUNT),
        w(&words::PLACE)
    );
    for l in &f.lines {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td><code>{}:{}</code></td></tr>",
            l.date,
            esc(&l.verifikationsnummer),
            esc(&l.fakturanummer),
            esc(&money(l.amount, c, lang)),
            esc(&l.file),
            l.line
        );
    }
    let _ = write!(out, "</table>");
    let _ = write!(
        out,
        "<details><summary>{}</summary><pre>{}</pre>",
        w(&words::EXPLANATION),
        esc(&f.explanation)
    );
    if !f.citations.is_empty() {
        let _ = write!(out, "<p>{}:</p><ul>", w(&words::SOURCES));
        for cite in &f.citations {
            let pinpoint = cite
                .pinpoint
                .as_ref()
                .map_or_else(String::new, |p| format!(" {p}"));
            let _ = write!(
                out,
                "<li>{}{} — {}</li>",
                esc(&cite.label),
                esc(&pinpoint),
                esc(&cite.title)
            );
        }
        let _ = write!(out, "</ul>");
    }
    let _ = write!(out, "</details></section>");
}
