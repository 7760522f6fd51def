//! Human output: miette code frames with labels and help, one report handler for the run.

use std::io::{self, Write};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};

use super::{FileReport, Model, replace_controls, terminal_message, terminal_path};
use crate::diagnostic::Severity;

/// A file's text as miette reads it: only the lines around a span are scanned (miette's own
/// `str` source scans from the start of the file for every finding), and a byte-order mark is
/// not shown as a column.
struct FileSource {
    name: String,
    text: std::sync::Arc<str>,
    line_starts: std::sync::Arc<[usize]>,
}

impl std::fmt::Debug for FileSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSource")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
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
        // (Floored to a character: a span inside one must not panic the report.)
        let offset_char = crate::syntax::span::floor_char_boundary(&self.text, offset);
        let column = self.text[line_start.min(offset_char)..offset_char]
            .chars()
            .count();
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

/// A finding as the handler renders it, with the file it points into. (Rendered directly,
/// not through `miette::Report`, whose construction installs a hook that reads the
/// environment for every finding.)
#[derive(Debug)]
struct Framed {
    diagnostic: MietteDiagnostic,
    source: Option<FileSource>,
}

impl std::fmt::Display for Framed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.diagnostic.fmt(f)
    }
}

impl std::error::Error for Framed {}

impl miette::Diagnostic for Framed {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.diagnostic.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.help()
    }
    fn url<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.url()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diagnostic.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
}

/// Code frames are drawn only for findings that start within this many columns: miette pads
/// with `{:width$}`, which cannot exceed 65,535.
const MAX_FRAME_COLUMN: usize = 10_000;

pub(super) struct HumanWriter {
    handler: GraphicalReportHandler,
    /// One finding's text (miette writes to a `fmt::Write`), reused for every finding.
    report: String,
}

impl HumanWriter {
    /// `color` picks the themed or the plain style.
    pub(super) fn begin(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        HumanWriter {
            // Lines break at spaces only, and no word is cut (a rule name, an option, a URI
            // stays whole and can be copied): miette's defaults look for Unicode line-break
            // opportunities (UAX #14), hyphenation points and cut points in every word, which
            // cost more than the rest of the output together.
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_word_separator(textwrap::WordSeparator::AsciiSpace)
                .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
                .with_break_words(false),
            report: String::new(),
        }
    }

    pub(super) fn file<W: Write>(
        &mut self,
        out: &mut W,
        f: &FileReport<'_>,
        model: Model<'_>,
    ) -> io::Result<()> {
        if f.diagnostics.is_empty() {
            return Ok(());
        }
        let model = model.get();
        let index = model.index(f.text);
        // Code frames show the source with every secret value masked and every control
        // character but line breaks and tabs replaced, at the same length.
        let redactor = &model.redactor;
        let tm = |t: &str| terminal_message(redactor, t);
        let masked = redactor.masked_source(f.text);
        let shown = replace_controls(&masked, |c, next| {
            c == '\n' || c == '\t' || (c == '\r' && next == Some('\n'))
        });
        let text: Arc<str> = Arc::from(shown.as_ref());
        let path = terminal_path(f.path);
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
            let mut md = MietteDiagnostic::new(tm(&d.message))
                .with_code(format!("{} {}", d.code.code, d.code.name))
                .with_severity(severity);
            let mut help = d.help().map(tm);
            if let Some(fix) = d.fix() {
                let note = format!(
                    "fix available ({}): {}",
                    fix.applicability.as_str(),
                    tm(&fix.message)
                );
                help = Some(match help {
                    Some(h) => format!("{h}\n{note}"),
                    None => note,
                });
            }
            if crate::rules::find(d.code.code).is_some()
                || crate::catalogue::builtin(d.code.code).is_some()
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
                && d.labels()
                    .iter()
                    .all(|l| index.line_col(l.span.start as usize).1 <= MAX_FRAME_COLUMN);
            let report = if frame {
                let primary = LabeledSpan::new_primary_with_span(
                    Some(d.label().map_or_else(|| "here".into(), tm)),
                    (d.span.start as usize, d.span.len()),
                );
                let secondary = d.labels().iter().map(|l| {
                    LabeledSpan::new_with_span(
                        Some(tm(&l.message)),
                        (l.span.start as usize, l.span.len()),
                    )
                });
                let source = FileSource {
                    name: path.to_string(),
                    text: Arc::clone(&text),
                    line_starts: Arc::clone(&line_starts),
                };
                Framed {
                    diagnostic: md.with_labels(std::iter::once(primary).chain(secondary)),
                    source: Some(source),
                }
            } else {
                let md = MietteDiagnostic {
                    help: Some(format!(
                        "at {path}:{line}:{column} (line too long to show){}",
                        d.help().map(|h| format!("; {}", tm(h))).unwrap_or_default()
                    )),
                    ..md
                };
                Framed {
                    diagnostic: md,
                    source: None,
                }
            };
            self.report.clear();
            // Writing to a `String` cannot fail.
            let _ = self.handler.render_report(&mut self.report, &report);
            self.report.push('\n');
            out.write_all(self.report.as_bytes())?;
        }
        Ok(())
    }
}
