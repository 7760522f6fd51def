//! The JSON output (README "JSON output"): a header, the findings, then the summary counts.

use std::io::{self, Write};

use foldhash::HashMap;
use serde::Serialize;

use super::pretty::{ArrayWriter, PrettyBuf, write_at};
use super::{Counts, FileReport, position};
use crate::diagnostic::Diagnostic;
use crate::redact::Redactor;
use crate::syntax::span::{LineIndex, Span};

/// Version of the JSON output schema (README "JSON output").
pub const JSON_SCHEMA_VERSION: u32 = 1;

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
        let mut texts = JsonTexts::new(&redactor);
        let index = LineIndex::new(f.text);
        // Every finding names the file: its path is escaped once.
        let mut path = Vec::new();
        PrettyBuf::new(&mut path, 0).str(f.path);
        for d in f.diagnostics {
            self.diagnostics.element_by_hand(out, |json| {
                write_diagnostic(json, f, &path, &index, &mut texts, d);
            })?;
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

/// A file's messages, labels and help as JSON strings (secrets masked, escaped, quoted), each
/// worked out once: a file's findings repeat a few texts thousands of times. Keyed by the
/// whole text; it stops taking texts once it holds [`JsonTexts::MAX_BYTES`].
struct JsonTexts<'r> {
    redactor: &'r Redactor,
    written: HashMap<Box<str>, Box<[u8]>>,
    bytes: usize,
}

impl<'r> JsonTexts<'r> {
    const MAX_BYTES: usize = 1 << 20;

    fn new(redactor: &'r Redactor) -> Self {
        JsonTexts {
            redactor,
            written: HashMap::default(),
            bytes: 0,
        }
    }

    /// Writes `text` as a JSON string value.
    fn write(&mut self, json: &mut PrettyBuf<'_>, text: &str) {
        if let Some(written) = self.written.get(text) {
            json.raw(written);
            return;
        }
        let mut written = Vec::new();
        PrettyBuf::new(&mut written, 0).str(&self.redactor.scrub_cow(text));
        json.raw(&written);
        if self.bytes + text.len() + written.len() <= Self::MAX_BYTES {
            self.bytes += text.len() + written.len();
            self.written.insert(text.into(), written.into());
        }
    }
}

/// One finding as an object of the `diagnostics` array (README "JSON output"); every text
/// goes through the file's redactor.
fn write_diagnostic(
    json: &mut PrettyBuf<'_>,
    f: &FileReport<'_>,
    path: &[u8],
    index: &LineIndex<'_>,
    texts: &mut JsonTexts<'_>,
    d: &Diagnostic,
) {
    let finding = json.begin_object();
    json.key("path").raw(path);
    write_position(json, index, d.span);
    json.key("code").word(d.code.code);
    json.key("name").word(d.code.name);
    json.key("severity").word(d.severity.as_str());
    texts.write(json.key("message"), &d.message);
    match d.help() {
        Some(help) => texts.write(json.key("help"), help),
        None => json.key("help").null(),
    }
    json.key("labels");
    let labels = json.begin_array();
    for l in d.labels() {
        json.element();
        let label = json.begin_object();
        write_position(json, index, l.span);
        texts.write(json.key("message"), &l.message);
        json.end_object(label);
    }
    json.end_array(labels);
    json.key("fix");
    let Some(fix) = d.fix() else {
        json.null();
        json.end_object(finding);
        return;
    };
    let fix_object = json.begin_object();
    texts.write(json.key("message"), &fix.message);
    json.key("applicability").word(fix.applicability.as_str());
    json.key("edits");
    let edits = json.begin_array();
    for e in &fix.edits {
        json.element();
        let edit = json.begin_object();
        write_position(json, index, e.span);
        let replacement = texts
            .redactor
            .scrub_edit_cow(f.text, e.span.range(), &e.replacement);
        json.key("replacement").str(&replacement);
        json.end_object(edit);
    }
    json.end_array(edits);
    json.end_object(fix_object);
    json.end_object(finding);
}

/// A span's members: 1-based line and column of its start and end, and its byte offsets.
fn write_position(json: &mut PrettyBuf<'_>, index: &LineIndex<'_>, span: Span) {
    let p = position(index, span);
    json.key("line").uint(p.line as u64);
    json.key("column").uint(p.column as u64);
    json.key("end_line").uint(p.end_line as u64);
    json.key("end_column").uint(p.end_column as u64);
    json.key("start").uint(u64::from(p.start));
    json.key("end").uint(u64::from(p.end));
}
