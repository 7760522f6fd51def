//! Renderers: turn diagnostics into the text of an output format. They return strings; only
//! the CLI prints.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::redact::{mask_source, scrub};
use crate::span::{LineIndex, Span};

/// One checked file's findings, with its text for positions and code frames.
pub struct FileReport<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub diagnostics: &'a [Diagnostic],
}

/// Version of the JSON output schema (README "JSON output").
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start: u32,
    end: u32,
}

#[derive(Serialize)]
struct JsonLabel {
    #[serde(flatten)]
    pos: JsonPosition,
    message: String,
}

#[derive(Serialize)]
struct JsonEdit {
    #[serde(flatten)]
    pos: JsonPosition,
    replacement: String,
}

#[derive(Serialize)]
struct JsonFix {
    message: String,
    applicability: &'static str,
    edits: Vec<JsonEdit>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: &'a str,
    #[serde(flatten)]
    pos: JsonPosition,
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: String,
    help: Option<String>,
    labels: Vec<JsonLabel>,
    fix: Option<JsonFix>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    schema_version: u32,
    tool: &'static str,
    tool_version: &'static str,
    target_version: String,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

fn position(index: &LineIndex<'_>, span: Span) -> JsonPosition {
    let (line, column) = index.line_col(span.start as usize);
    let (end_line, end_column) = index.line_col(span.end as usize);
    JsonPosition {
        line,
        column,
        end_line,
        end_column,
        start: span.start,
        end: span.end,
    }
}

/// Counts of errors, warnings and infos.
pub fn counts(files: &[FileReport<'_>]) -> (usize, usize, usize) {
    let all = files.iter().flat_map(|f| f.diagnostics.iter());
    let (mut e, mut w, mut i) = (0, 0, 0);
    for d in all {
        match d.severity {
            Severity::Error => e += 1,
            Severity::Warning => w += 1,
            Severity::Info => i += 1,
        }
    }
    (e, w, i)
}

pub fn json(files: &[FileReport<'_>], target_version: &str) -> String {
    let mut diagnostics = Vec::new();
    for f in files {
        let index = LineIndex::new(f.text);
        for d in f.diagnostics {
            diagnostics.push(JsonDiagnostic {
                path: f.path,
                pos: position(&index, d.span),
                code: d.code.code,
                name: d.code.name,
                severity: d.severity,
                message: scrub(&d.message),
                help: d.help.as_deref().map(scrub),
                labels: d
                    .labels
                    .iter()
                    .map(|l| JsonLabel {
                        pos: position(&index, l.span),
                        message: scrub(&l.message),
                    })
                    .collect(),
                fix: d.fix.as_ref().map(|f| JsonFix {
                    message: scrub(&f.message),
                    applicability: f.applicability.as_str(),
                    edits: f
                        .edits
                        .iter()
                        .map(|e| JsonEdit {
                            pos: position(&index, e.span),
                            replacement: scrub(&e.replacement),
                        })
                        .collect(),
                }),
            });
        }
    }
    let (errors, warnings, infos) = counts(files);
    let out = JsonOutput {
        schema_version: JSON_SCHEMA_VERSION,
        tool: "backup-lint",
        tool_version: env!("CARGO_PKG_VERSION"),
        target_version: target_version.to_string(),
        diagnostics,
        summary: JsonSummary {
            files: files.len(),
            errors,
            warnings,
            infos,
        },
    };
    let mut s = serde_json::to_string_pretty(&out).expect("diagnostics serialize");
    s.push('\n');
    s
}

/// A file's text as miette reads it: only the lines around a span are scanned (miette's own
/// `str` source scans from the start of the file for every finding), and a byte-order mark is
/// not shown as a column.
struct FileSource {
    name: String,
    text: std::sync::Arc<str>,
    line_starts: std::sync::Arc<[usize]>,
}

impl miette::SourceCode for FileSource {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let len = self.text.len();
        let start = span.offset().min(len);
        let end = (start + span.len()).min(len);
        let line_of = |off: usize| match self.line_starts.binary_search(&off) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let first_line = line_of(start).saturating_sub(before);
        let last_line = (line_of(end) + after).min(self.line_starts.len() - 1);
        let mut window_start = self.line_starts[first_line];
        if first_line == 0 && self.text.starts_with('\u{feff}') {
            window_start = 3;
        }
        let window_end = self.line_starts.get(last_line + 1).copied().unwrap_or(len);
        let window: &'a str = &self.text[window_start..window_end.max(window_start)];
        let rel_start = start.max(window_start) - window_start;
        let rel = miette::SourceSpan::new(
            rel_start.into(),
            end.saturating_sub(start.max(window_start)),
        );
        let inner = window.read_span(&rel, before, after)?;
        // Line and column as the JSON output counts them: lines end at `\n` only, columns
        // are Unicode scalar values, a byte-order mark is not a column.
        let offset = inner.span().offset() + window_start;
        let line = line_of(offset);
        let mut line_start = self.line_starts[line];
        if line == 0 && self.text.starts_with('\u{feff}') {
            line_start = line_start.max(3);
        }
        let column = self.text[line_start.min(offset)..offset].chars().count();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            miette::SourceSpan::new(offset.into(), inner.span().len()),
            line,
            column,
            inner.line_count(),
        )))
    }
}

/// Code frames are drawn only for findings that start within this many columns: miette pads
/// with `{:width$}`, which cannot exceed 65,535.
const MAX_FRAME_COLUMN: usize = 10_000;

/// miette code frames with labels and help; `color` picks the themed or the plain style.
pub fn human(files: &[FileReport<'_>], color: bool) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};
    use std::sync::Arc;
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for f in files {
        let index = LineIndex::new(f.text);
        // Code frames show the source with every secret value masked (same length).
        let text: Arc<str> = Arc::from(mask_source(f.text));
        let mut line_starts = vec![0];
        line_starts.extend(f.text.match_indices('\n').map(|(i, _)| i + 1));
        let line_starts: Arc<[usize]> = Arc::from(line_starts);
        for d in f.diagnostics {
            let (line, column) = index.line_col(d.span.start as usize);
            let severity = match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            };
            let mut md = MietteDiagnostic::new(scrub(&d.message))
                .with_code(format!("{} {}", d.code.code, d.code.name))
                .with_severity(severity);
            let mut help = d.help.as_deref().map(scrub);
            if let Some(fix) = &d.fix {
                let note = format!(
                    "fix available ({}): {}",
                    fix.applicability.as_str(),
                    scrub(&fix.message)
                );
                help = Some(match help {
                    Some(h) => format!("{h}\n{note}"),
                    None => note,
                });
            }
            if crate::rules::find(d.code.code).is_some()
                || crate::diagnostic::codes::doc(d.code.code).is_some()
            {
                let note = format!("run `backup-lint explain {}` for details", d.code.code);
                help = Some(match help {
                    Some(h) => format!("{h}\n{note}"),
                    None => note,
                });
            }
            if let Some(help) = &help {
                md = md.with_help(help.clone());
            }
            let frame = column <= MAX_FRAME_COLUMN
                && d.labels
                    .iter()
                    .all(|l| index.line_col(l.span.start as usize).1 <= MAX_FRAME_COLUMN);
            let report = if frame {
                let primary = LabeledSpan::new_primary_with_span(
                    Some(d.label.as_deref().map_or_else(|| "here".into(), scrub)),
                    (d.span.start as usize, d.span.len()),
                );
                let secondary = d.labels.iter().map(|l| {
                    LabeledSpan::new_with_span(
                        Some(scrub(&l.message)),
                        (l.span.start as usize, l.span.len()),
                    )
                });
                let source = FileSource {
                    name: f.path.to_string(),
                    text: Arc::clone(&text),
                    line_starts: Arc::clone(&line_starts),
                };
                miette::Report::new(md.with_labels(std::iter::once(primary).chain(secondary)))
                    .with_source_code(source)
            } else {
                let md = MietteDiagnostic {
                    help: Some(format!(
                        "at {}:{line}:{column} (line too long to show){}",
                        f.path,
                        d.help
                            .as_deref()
                            .map(|h| format!("; {h}"))
                            .unwrap_or_default()
                    )),
                    ..md
                };
                miette::Report::new(md)
            };
            let _ = handler.render_report(&mut out, report.as_ref());
            out.push('\n');
        }
    }
    out
}

/// The closing summary line.
pub fn summary(files: &[FileReport<'_>]) -> String {
    let (e, w, i) = counts(files);
    let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
    format!(
        "{} checked: {}, {}, {}",
        plural(files.len(), "file"),
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "info")
    )
}

/// One line per finding: `path:line:col: severity[CODE name]: message` (1-based; editors'
/// error formats, vim `errorformat`, VS Code problem matchers).
pub fn concise(files: &[FileReport<'_>]) -> String {
    let mut out = String::new();
    for f in files {
        let index = LineIndex::new(f.text);
        for d in f.diagnostics {
            let (line, col) = index.line_col(d.span.start as usize);
            out.push_str(&format!(
                "{}:{line}:{col}: {}[{} {}]: {}{}\n",
                f.path,
                d.severity.as_str(),
                d.code.code,
                d.code.name,
                scrub(&d.message).replace('\n', " "),
                if d.fix.is_some() { " (fixable)" } else { "" }
            ));
        }
    }
    out
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`).
pub fn github(files: &[FileReport<'_>]) -> String {
    fn escape_data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn escape_property(s: &str) -> String {
        escape_data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for f in files {
        let index = LineIndex::new(f.text);
        for d in f.diagnostics {
            let p = position(&index, d.span);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            out.push_str(&format!(
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(f.path),
                p.line,
                p.column,
                p.end_line,
                p.end_column,
                escape_property(&format!("{} {}", d.code.code, d.code.name)),
                escape_data(&scrub(&d.message))
            ));
        }
    }
    out
}

/// FNV-1a (64 bits): a fingerprint stable across releases and platforms (std's hasher is not
/// promised to be).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// GitLab Code Quality report: a JSON array of issues (`description`, `check_name`,
/// `fingerprint`, `severity`, `location` with lines and positions). The fingerprint is the
/// file, the code, the message and the text found (masked), plus an occurrence number, so it
/// survives unrelated edits that move the finding.
pub fn gitlab(files: &[FileReport<'_>]) -> String {
    let mut issues = Vec::new();
    for f in files {
        let index = LineIndex::new(f.text);
        let masked = mask_source(f.text);
        let mut seen: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
        for d in f.diagnostics {
            let p = position(&index, d.span);
            let message = scrub(&d.message);
            let found = masked.get(d.span.range()).unwrap_or("");
            let base = fnv1a(&[f.path, d.code.code, &message, found]);
            let n = seen.entry(base).or_insert(0);
            *n += 1;
            let fingerprint = format!("{:016x}", fnv1a(&[&format!("{base:x}"), &n.to_string()]));
            issues.push(serde_json::json!({
                "description": format!("{} {}: {message}", d.code.code, d.code.name),
                "check_name": d.code.code,
                "fingerprint": fingerprint,
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": {
                    "path": f.path,
                    "lines": { "begin": p.line, "end": p.end_line },
                    "positions": {
                        "begin": { "line": p.line, "column": p.column },
                        "end": { "line": p.end_line, "column": p.end_column },
                    },
                },
            }));
        }
    }
    let mut out = serde_json::to_string_pretty(&issues).expect("JSON values serialise");
    out.push('\n');
    out
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one test suite per file, one failing test case per finding (a file without
/// findings has one passing case), for CI systems that show test reports.
pub fn junit(files: &[FileReport<'_>]) -> String {
    let total: usize = files.iter().map(|f| f.diagnostics.len().max(1)).sum();
    let failures: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"backup-lint\" tests=\"{total}\" failures=\"{failures}\" errors=\"0\">\n"
    );
    for f in files {
        let path = xml_escape(f.path);
        let index = LineIndex::new(f.text);
        out.push_str(&format!(
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
            f.diagnostics.len().max(1),
            f.diagnostics.len()
        ));
        if f.diagnostics.is_empty() {
            out.push_str(&format!(
                "    <testcase name=\"backup-lint\" classname=\"{path}\" file=\"{path}\"/>\n"
            ));
        }
        for d in f.diagnostics {
            let p = position(&index, d.span);
            let message = xml_escape(&scrub(&d.message));
            out.push_str(&format!(
                "    <testcase name=\"{} {} at {}:{}\" classname=\"{path}\" file=\"{path}\" line=\"{}\">\n      <failure type=\"{}\" message=\"{message}\">{path}:{}:{}: {} {}: {message}</failure>\n    </testcase>\n",
                d.code.code,
                d.code.name,
                p.line,
                p.column,
                p.line,
                d.severity.as_str(),
                p.line,
                p.column,
                d.code.code,
                d.code.name,
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// SARIF 2.1.0: one run, the rules that fired (with their documentation) and the results,
/// with regions and fixes.
/// A SARIF artifact URI: relative paths with `/`, absolute ones as `file://` URLs.
fn sarif_uri(path: &str) -> String {
    let p = std::path::Path::new(path);
    if p.is_absolute()
        && let Ok(u) = url::Url::from_file_path(p)
    {
        return u.to_string();
    }
    let forward = path.replace('\\', "/");
    percent_encoding::utf8_percent_encode(&forward, SARIF_PATH).to_string()
}

/// Characters escaped in a relative SARIF URI.
const SARIF_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

pub fn sarif(files: &[FileReport<'_>]) -> String {
    use serde_json::{Value, json};
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let mut rule_ids: Vec<&'static str> = Vec::new();
    let mut rules: Vec<Value> = Vec::new();
    let mut results = Vec::new();
    for f in files {
        let index = LineIndex::new(f.text);
        let uri = sarif_uri(f.path);
        let region = |span: Span| {
            let p = position(&index, span);
            json!({
                "startLine": p.line, "startColumn": p.column,
                "endLine": p.end_line, "endColumn": p.end_column,
                "byteOffset": span.start, "byteLength": span.len(),
            })
        };
        for d in f.diagnostics {
            let rule_index = match rule_ids.iter().position(|c| *c == d.code.code) {
                Some(i) => i,
                None => {
                    rule_ids.push(d.code.code);
                    let doc = crate::rules::find(d.code.code).map(|r| (r.summary, r.doc()));
                    let (short, full) = doc.unwrap_or((d.code.name, d.code.name.to_string()));
                    rules.push(json!({
                        "id": d.code.code,
                        "name": d.code.name,
                        "shortDescription": { "text": short },
                        "fullDescription": { "text": full.trim() },
                        "help": { "text": full.trim() },
                        "defaultConfiguration": { "level": level(d.code.severity) },
                    }));
                    rules.len() - 1
                }
            };
            let mut result = json!({
                "ruleId": d.code.code,
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": { "text": scrub(&d.message) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": region(d.span),
                    }
                }],
            });
            if !d.labels.is_empty() {
                result["relatedLocations"] = Value::Array(
                    d.labels
                        .iter()
                        .enumerate()
                        .map(|(n, l)| {
                            json!({
                                "id": n,
                                "message": { "text": scrub(&l.message) },
                                "physicalLocation": {
                                    "artifactLocation": { "uri": uri },
                                    "region": region(l.span),
                                }
                            })
                        })
                        .collect(),
                );
            }
            if let Some(fix) = &d.fix {
                result["fixes"] = json!([{
                    "description": { "text": format!("{} ({})", scrub(&fix.message), fix.applicability.as_str()) },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri },
                        "replacements": fix.edits.iter().map(|e| json!({
                            "deletedRegion": region(e.span),
                            "insertedContent": { "text": scrub(&e.replacement) },
                        })).collect::<Vec<_>>(),
                    }]
                }]);
            }
            results.push(result);
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "backup-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    s.push('\n');
    s
}

/// Findings per rule, most frequent first (`check --statistics`).
pub fn statistics(files: &[FileReport<'_>]) -> String {
    let mut counts: std::collections::BTreeMap<(&str, &str), (usize, usize)> = Default::default();
    for d in files.iter().flat_map(|f| f.diagnostics.iter()) {
        let e = counts.entry((d.code.code, d.code.name)).or_default();
        e.0 += 1;
        e.1 += usize::from(d.fix.is_some());
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    let mut out = String::new();
    for ((code, name), (n, fixable)) in rows {
        out.push_str(&format!(
            "{n:>6}  {code}  {name}{}\n",
            if fixable > 0 {
                format!(" ({fixable} fixable)")
            } else {
                String::new()
            }
        ));
    }
    out
}
