//! The JSON output (README "JSON output"): a header, the findings, then the summary counts.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use super::pretty::{ArrayWriter, write_at};
use super::{Counts, FileReport, JsonPosition, position};
use crate::diagnostic::Severity;
use crate::redact::Redactor;
use crate::syntax::span::LineIndex;

/// Version of the JSON output schema (README "JSON output").
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    pos: JsonPosition,
    message: Cow<'a, str>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    #[serde(flatten)]
    pos: JsonPosition,
    replacement: Cow<'a, str>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: Cow<'a, str>,
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: &'a str,
    #[serde(flatten)]
    pos: JsonPosition,
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: Cow<'a, str>,
    help: Option<Cow<'a, str>>,
    labels: Vec<JsonLabel<'a>>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// The document's fields before `diagnostics`, in the order written.
#[derive(Serialize)]
struct JsonHeader<'a> {
    schema_version: u32,
    tool: &'static str,
    tool_version: &'static str,
    target_version: &'a str,
}

/// The findings array sits one level inside the document's object.
const DIAGNOSTICS_DEPTH: usize = 2;

pub(super) struct JsonWriter {
    diagnostics: ArrayWriter,
}

impl JsonWriter {
    pub(super) fn begin<W: Write>(out: &mut W, target_version: &str) -> io::Result<Self> {
        let header = JsonHeader {
            schema_version: JSON_SCHEMA_VERSION,
            tool: "backup-lint",
            tool_version: env!("CARGO_PKG_VERSION"),
            target_version,
        };
        // The header's fields are the first ones of the document: drop its closing `\n}`.
        let mut text = Vec::new();
        write_at(&mut text, 0, &header)?;
        text.truncate(text.len() - 2);
        out.write_all(&text)?;
        out.write_all(b",\n  \"diagnostics\": [")?;
        Ok(JsonWriter {
            diagnostics: ArrayWriter::new(DIAGNOSTICS_DEPTH),
        })
    }

    pub(super) fn file<W: Write>(&mut self, out: &mut W, f: &FileReport<'_>) -> io::Result<()> {
        if f.diagnostics.is_empty() {
            return Ok(());
        }
        let redactor = Redactor::new(f.text);
        let source = f.text;
        let index = LineIndex::new(f.text);
        for d in f.diagnostics {
            let diagnostic = JsonDiagnostic {
                path: f.path,
                pos: position(&index, d.span),
                code: d.code.code,
                name: d.code.name,
                severity: d.severity,
                message: redactor.scrub_cow(&d.message),
                help: d.help().map(|h| redactor.scrub_cow(h)),
                labels: d
                    .labels()
                    .iter()
                    .map(|l| JsonLabel {
                        pos: position(&index, l.span),
                        message: redactor.scrub_cow(&l.message),
                    })
                    .collect(),
                fix: d.fix().map(|f| JsonFix {
                    message: redactor.scrub_cow(&f.message),
                    applicability: f.applicability.as_str(),
                    edits: f
                        .edits
                        .iter()
                        .map(|e| JsonEdit {
                            pos: position(&index, e.span),
                            replacement: redactor.scrub_edit_cow(
                                source,
                                e.span.range(),
                                &e.replacement,
                            ),
                        })
                        .collect(),
                }),
            };
            self.diagnostics.element(out, &diagnostic)?;
        }
        Ok(())
    }

    pub(super) fn finish<W: Write>(&self, out: &mut W, counts: &Counts) -> io::Result<()> {
        self.diagnostics.close(out)?;
        out.write_all(b",\n  \"summary\": ")?;
        let summary = JsonSummary {
            files: counts.files,
            errors: counts.errors,
            warnings: counts.warnings,
            infos: counts.infos,
        };
        write_at(out, 1, &summary)?;
        out.write_all(b"\n}\n")
    }
}
