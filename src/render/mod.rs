//! Renderers: write diagnostics in an output format, file by file as each file's report is
//! ready (`Renderer`: `begin`, `file` per file in output order, `finish`), so a run's memory
//! does not grow with its output. Findings are serialised from typed structs straight into
//! the caller's writer; only JUnit holds its suites back (its header counts the whole run).

mod gitlab;
mod human;
mod json;
mod junit;
mod lines;
mod pretty;
mod sarif;

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::span::{LineIndex, Span};

pub use json::JSON_SCHEMA_VERSION;

/// One checked file's findings, with its text for positions and code frames.
pub struct FileReport<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub diagnostics: &'a [Diagnostic],
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start: u32,
    end: u32,
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

/// An output format with its settings.
#[derive(Clone, Copy, Debug)]
pub enum Format<'a> {
    /// Code frames; `color` picks the themed or the plain style.
    Human {
        color: bool,
    },
    Json {
        target_version: &'a str,
    },
    Concise,
    Github,
    Gitlab,
    Junit,
    Sarif,
    /// Findings per rule (`check --statistics`).
    Statistics,
}

/// Files and findings written so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    fn add(&mut self, f: &FileReport<'_>) {
        self.files += 1;
        for d in f.diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }

    /// The closing summary line.
    pub fn summary(&self) -> String {
        let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
        format!(
            "{} checked: {}, {}, {}",
            plural(self.files, "file"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.infos, "info")
        )
    }
}

enum FormatWriter {
    // Boxed: miette's handler is several times larger than the other writers.
    Human(Box<human::HumanWriter>),
    Json(json::JsonWriter),
    Concise,
    Github,
    Gitlab(gitlab::GitlabWriter),
    Junit(junit::JunitWriter),
    Sarif(sarif::SarifWriter),
    Statistics(lines::Statistics),
}

/// One run's output: `begin` writes what comes before the first file, `file` a file's
/// findings, `finish` what comes after the last file (closing brackets, summary counts).
pub struct Renderer<W: Write> {
    out: W,
    counts: Counts,
    writer: FormatWriter,
}

impl<W: Write> Renderer<W> {
    pub fn begin(mut out: W, format: Format<'_>) -> io::Result<Self> {
        let writer = match format {
            Format::Human { color } => {
                FormatWriter::Human(Box::new(human::HumanWriter::begin(color)))
            }
            Format::Json { target_version } => {
                FormatWriter::Json(json::JsonWriter::begin(&mut out, target_version)?)
            }
            Format::Concise => FormatWriter::Concise,
            Format::Github => FormatWriter::Github,
            Format::Gitlab => FormatWriter::Gitlab(gitlab::GitlabWriter::begin(&mut out)?),
            Format::Junit => FormatWriter::Junit(junit::JunitWriter::begin()),
            Format::Sarif => FormatWriter::Sarif(sarif::SarifWriter::begin(&mut out)?),
            Format::Statistics => FormatWriter::Statistics(lines::Statistics::default()),
        };
        Ok(Renderer {
            out,
            counts: Counts::default(),
            writer,
        })
    }

    /// Writes one file's findings; files come in the order the output lists them.
    pub fn file(&mut self, f: &FileReport<'_>) -> io::Result<()> {
        self.counts.add(f);
        let out = &mut self.out;
        match &mut self.writer {
            FormatWriter::Human(w) => w.file(out, f),
            FormatWriter::Json(w) => w.file(out, f),
            FormatWriter::Concise => lines::concise(out, f),
            FormatWriter::Github => lines::github(out, f),
            FormatWriter::Gitlab(w) => w.file(out, f),
            FormatWriter::Junit(w) => w.file(f),
            FormatWriter::Sarif(w) => w.file(out, f),
            FormatWriter::Statistics(s) => {
                s.file(f);
                Ok(())
            }
        }
    }

    /// Files and findings written so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Writes the end of the output and flushes it; returns the run's counts.
    pub fn finish(mut self) -> io::Result<Counts> {
        let out = &mut self.out;
        match &mut self.writer {
            FormatWriter::Human(_) | FormatWriter::Concise | FormatWriter::Github => Ok(()),
            FormatWriter::Json(w) => w.finish(out, &self.counts),
            FormatWriter::Gitlab(w) => w.finish(out),
            FormatWriter::Junit(w) => w.finish(out),
            FormatWriter::Sarif(w) => w.finish(out),
            FormatWriter::Statistics(s) => s.finish(out),
        }?;
        self.out.flush()?;
        Ok(self.counts)
    }
}
