//! GitLab Code Quality report: a JSON array of issues (`description`, `check_name`,
//! `fingerprint`, `severity`, `location` with lines and positions). The fingerprint is the
//! file, the code, the message and the text found (masked), plus an occurrence number, so it
//! survives unrelated edits that move the finding. Keys are in byte order, as serde_json's
//! maps wrote them before this was streamed.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use super::pretty::ArrayWriter;
use super::{FileReport, Model, position};
use crate::diagnostic::Severity;

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

#[derive(Serialize)]
struct LineColumn {
    column: usize,
    line: usize,
}

#[derive(Serialize)]
struct Positions {
    begin: LineColumn,
    end: LineColumn,
}

#[derive(Serialize)]
struct Location<'a> {
    lines: Lines,
    path: &'a str,
    positions: Positions,
}

#[derive(Serialize)]
struct Issue<'a> {
    check_name: &'static str,
    description: String,
    fingerprint: String,
    location: Location<'a>,
    severity: &'static str,
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

pub(super) struct GitlabWriter {
    issues: ArrayWriter,
}

impl GitlabWriter {
    pub(super) fn begin<W: Write>(out: &mut W) -> io::Result<Self> {
        out.write_all(b"[")?;
        Ok(GitlabWriter {
            issues: ArrayWriter::new(1),
        })
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
        let redactor = &model.redactor;
        let masked = redactor.masked_source(f.text);
        // Occurrences of the same fingerprint base within the file.
        let mut seen: HashMap<u64, u32> = HashMap::new();
        for d in f.diagnostics {
            let p = position(&index, d.span);
            let message = redactor.scrub(&d.message);
            let found = masked.get(d.span.range()).unwrap_or("");
            let base = fnv1a(&[f.path, d.code.code, &message, found]);
            let n = seen.entry(base).or_insert(0);
            *n += 1;
            let fingerprint = format!("{:016x}", fnv1a(&[&format!("{base:x}"), &n.to_string()]));
            let issue = Issue {
                check_name: d.code.code,
                description: format!("{} {}: {message}", d.code.code, d.code.name),
                fingerprint,
                location: Location {
                    lines: Lines {
                        begin: p.line,
                        end: p.end_line,
                    },
                    path: f.path,
                    positions: Positions {
                        begin: LineColumn {
                            column: p.column,
                            line: p.line,
                        },
                        end: LineColumn {
                            column: p.end_column,
                            line: p.end_line,
                        },
                    },
                },
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
            };
            self.issues.element(out, &issue)?;
        }
        Ok(())
    }

    pub(super) fn finish<W: Write>(&self, out: &mut W) -> io::Result<()> {
        self.issues.close(out)?;
        out.write_all(b"\n")
    }
}
