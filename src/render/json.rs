//! The JSON output (README "JSON output"): a header, the findings, then the summary counts.

use std::io::{self, Write};

use foldhash::HashMap;
use serde::Serialize;

use super::pretty::{self, ArrayWriter, quoted_key, write_at};
use super::{Counts, FileReport, Model};
use crate::diagnostic::Diagnostic;
use crate::redact::Redactor;
use crate::syntax::span::{LineCursor, LineIndex, Span};

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

    /// Writes a file's findings, [`CHUNK`] at a time. A file whose model was made beside its
    /// check (a large file, checked alone) has its chunks written by two threads in turn:
    /// the other threads are done by then, and each chunk waits in memory for its turn at
    /// most.
    pub(super) fn file<W: Write>(
        &mut self,
        out: &mut W,
        f: &FileReport<'_>,
        model: Model<'_>,
    ) -> io::Result<()> {
        if f.diagnostics.is_empty() {
            return Ok(());
        }
        let two_threads = model.made_beside() && f.diagnostics.len() > CHUNK;
        let model = model.get();
        let index = model.index(f.text);
        // Every finding names the file: its path is escaped once.
        let mut path = Vec::new();
        pretty::string(&mut path, f.path);
        let file = FileFindings {
            report: f,
            path: &path,
            index: &index,
        };
        let first = !self.diagnostics.has_elements();
        let mut mine = ChunkWriter::new(&file, &model.redactor);
        let mut buf = Vec::new();
        if !two_threads {
            for (i, chunk) in f.diagnostics.chunks(CHUNK).enumerate() {
                buf.clear();
                mine.write(&mut buf, chunk, first && i == 0);
                self.diagnostics.elements_by_hand(out, &buf)?;
            }
            return Ok(());
        }
        // The other thread's redactor: its memos are its own.
        let redactor = model.redactor.clone();
        std::thread::scope(|scope| {
            let (send, receive) = crossbeam_channel::bounded::<Vec<u8>>(1);
            let file = &file;
            scope.spawn(move || {
                let mut theirs = ChunkWriter::new(file, &redactor);
                for chunk in f.diagnostics.chunks(CHUNK).skip(1).step_by(2) {
                    let mut buf = Vec::new();
                    theirs.write(&mut buf, chunk, false);
                    // Closed: the output failed.
                    if send.send(buf).is_err() {
                        break;
                    }
                }
            });
            for (i, chunk) in f.diagnostics.chunks(CHUNK).enumerate() {
                if i % 2 == 0 {
                    buf.clear();
                    mine.write(&mut buf, chunk, first && i == 0);
                    self.diagnostics.elements_by_hand(out, &buf)?;
                } else {
                    // None: the other thread panicked, and the scope passes its panic on.
                    let Ok(theirs) = receive.recv() else {
                        break;
                    };
                    self.diagnostics.elements_by_hand(out, &theirs)?;
                }
            }
            Ok(())
        })
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

/// Findings written at a time (about 200 kB of JSON).
pub(super) const CHUNK: usize = 256;

/// What every finding of a file is written with.
struct FileFindings<'a> {
    report: &'a FileReport<'a>,
    /// The file's path as a JSON string.
    path: &'a [u8],
    index: &'a LineIndex<'a>,
}

/// Writes a file's findings, chunk by chunk in source order, with what it learns on the way.
struct ChunkWriter<'a> {
    file: &'a FileFindings<'a>,
    texts: JsonTexts<'a>,
    /// Findings come in source order: their lines are found looking on from the last.
    lines: LineCursor<'a>,
}

impl<'a> ChunkWriter<'a> {
    fn new(file: &'a FileFindings<'a>, redactor: &'a Redactor) -> Self {
        ChunkWriter {
            file,
            texts: JsonTexts::new(redactor),
            lines: file.index.cursor(),
        }
    }

    /// Appends `chunk`'s findings as elements of the `diagnostics` array, each after its
    /// separator (none before the array's first element, `first`).
    fn write(&mut self, out: &mut Vec<u8>, chunk: &[Diagnostic], first: bool) {
        for (i, d) in chunk.iter().enumerate() {
            pretty::line_break(out, DIAGNOSTICS_DEPTH, !(first && i == 0));
            write_diagnostic(
                out,
                self.file.report,
                self.file.path,
                &mut self.lines,
                &mut self.texts,
                d,
            );
        }
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
    fn write(&mut self, out: &mut Vec<u8>, text: &str) {
        if let Some(written) = self.written.get(text) {
            out.extend_from_slice(written);
            return;
        }
        let mut written = Vec::new();
        pretty::string(&mut written, &self.redactor.scrub_cow(text));
        out.extend_from_slice(&written);
        if self.bytes + text.len() + written.len() <= Self::MAX_BYTES {
            self.bytes += text.len() + written.len();
            self.written.insert(text.into(), written.into());
        }
    }
}

/// The depths of a finding's parts: its members, a label's and the fix's; the objects of
/// `labels` and `edits` sit one level below the array's key.
const MEMBER: usize = DIAGNOSTICS_DEPTH + 1;
const LABEL_MEMBER: usize = MEMBER + 2;
const FIX_MEMBER: usize = MEMBER + 1;
const EDIT_MEMBER: usize = FIX_MEMBER + 2;

/// One finding as an object of the `diagnostics` array (README "JSON output"); every text
/// goes through the file's redactor.
fn write_diagnostic(
    out: &mut Vec<u8>,
    f: &FileReport<'_>,
    path: &[u8],
    lines: &mut LineCursor<'_>,
    texts: &mut JsonTexts<'_>,
    d: &Diagnostic,
) {
    out.push(b'{');
    pretty::key(out, MEMBER, true, quoted_key!("path"));
    out.extend_from_slice(path);
    write_position(out, MEMBER, false, lines, d.span);
    pretty::key(out, MEMBER, false, quoted_key!("code"));
    pretty::word(out, d.code.code);
    pretty::key(out, MEMBER, false, quoted_key!("name"));
    pretty::word(out, d.code.name);
    pretty::key(out, MEMBER, false, quoted_key!("severity"));
    pretty::word(out, d.severity.as_str());
    pretty::key(out, MEMBER, false, quoted_key!("message"));
    texts.write(out, &d.message);
    pretty::key(out, MEMBER, false, quoted_key!("help"));
    match d.help() {
        Some(help) => texts.write(out, help),
        None => out.extend_from_slice(b"null"),
    }
    pretty::key(out, MEMBER, false, quoted_key!("labels"));
    out.push(b'[');
    for (i, l) in d.labels().iter().enumerate() {
        pretty::line_break(out, MEMBER + 1, i > 0);
        out.push(b'{');
        write_position(out, LABEL_MEMBER, true, lines, l.span);
        pretty::key(out, LABEL_MEMBER, false, quoted_key!("message"));
        texts.write(out, &l.message);
        pretty::close(out, MEMBER + 1, true, b'}');
    }
    pretty::close(out, MEMBER, !d.labels().is_empty(), b']');
    pretty::key(out, MEMBER, false, quoted_key!("fix"));
    let Some(fix) = d.fix() else {
        out.extend_from_slice(b"null");
        pretty::close(out, DIAGNOSTICS_DEPTH, true, b'}');
        return;
    };
    out.push(b'{');
    pretty::key(out, FIX_MEMBER, true, quoted_key!("message"));
    texts.write(out, &fix.message);
    pretty::key(out, FIX_MEMBER, false, quoted_key!("applicability"));
    pretty::word(out, fix.applicability.as_str());
    pretty::key(out, FIX_MEMBER, false, quoted_key!("edits"));
    out.push(b'[');
    for (i, e) in fix.edits.iter().enumerate() {
        pretty::line_break(out, FIX_MEMBER + 1, i > 0);
        out.push(b'{');
        write_position(out, EDIT_MEMBER, true, lines, e.span);
        let replacement = texts
            .redactor
            .scrub_edit_cow(f.text, e.span.range(), &e.replacement);
        pretty::key(out, EDIT_MEMBER, false, quoted_key!("replacement"));
        pretty::string(out, &replacement);
        pretty::close(out, FIX_MEMBER + 1, true, b'}');
    }
    pretty::close(out, FIX_MEMBER, !fix.edits.is_empty(), b']');
    pretty::close(out, MEMBER, true, b'}');
    pretty::close(out, DIAGNOSTICS_DEPTH, true, b'}');
}

/// A span's members at `depth` (the first of their object if `first`): 1-based line and
/// column of its start and end, and its byte offsets.
// Inlined so that the keys, with the line breaks and indentation before them, are constants.
#[inline(always)]
fn write_position(
    out: &mut Vec<u8>,
    depth: usize,
    first: bool,
    lines: &mut LineCursor<'_>,
    span: Span,
) {
    let (line, column) = lines.line_col(span.start as usize);
    let (end_line, end_column) = lines.line_col(span.end as usize);
    pretty::key(out, depth, first, quoted_key!("line"));
    pretty::uint(out, line as u64);
    pretty::key(out, depth, false, quoted_key!("column"));
    pretty::uint(out, column as u64);
    pretty::key(out, depth, false, quoted_key!("end_line"));
    pretty::uint(out, end_line as u64);
    pretty::key(out, depth, false, quoted_key!("end_column"));
    pretty::uint(out, end_column as u64);
    pretty::key(out, depth, false, quoted_key!("start"));
    pretty::uint(out, u64::from(span.start));
    pretty::key(out, depth, false, quoted_key!("end"));
    pretty::uint(out, u64::from(span.end));
}
