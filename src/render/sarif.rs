//! SARIF 2.1.0: one run, its results, then the tool with the rules that fired (descriptions
//! from the code catalogue). Object keys are in byte order, as serde_json's maps wrote them
//! before this was streamed; `results` sorts before `tool`, which lets the rules that fired
//! come last.

use std::io::{self, Write};

use serde::Serialize;

use super::pretty::{ArrayWriter, write_at};
use super::{FileReport, Model, position};
use crate::diagnostic::Severity;
use crate::syntax::span::Span;

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    byte_length: usize,
    byte_offset: u32,
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation<'a> {
    uri: &'a str,
    /// `%SRCROOT%` for a relative `uri` (resolved through the run's `originalUriBaseIds`).
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    message: OwnedText,
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: OwnedText,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation<'a>,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fix<'a> {
    artifact_changes: [ArtifactChange<'a>; 1],
    description: OwnedText,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<[Fix<'a>; 1]>,
    level: &'static str,
    locations: [Location<'a>; 1],
    message: OwnedText,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
    rule_id: &'static str,
    rule_index: usize,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    default_configuration: Level,
    full_description: OwnedText,
    help: OwnedText,
    help_uri: String,
    id: &'static str,
    name: &'static str,
    short_description: Text<'static>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    information_uri: &'static str,
    name: &'static str,
    rules: &'a [ReportingDescriptor],
    version: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A SARIF artifact URI and its base: a relative path (as the CLI prints it: relative to
/// the working directory) with `/` and the base `%SRCROOT%`; an absolute path (outside the
/// working directory) as a `file://` URL with no base.
fn sarif_uri(path: &str) -> (String, Option<&'static str>) {
    let p = std::path::Path::new(path);
    if p.is_absolute()
        && let Ok(u) = url::Url::from_file_path(p)
    {
        return (u.to_string(), None);
    }
    let forward = path.replace('\\', "/");
    (
        percent_encoding::utf8_percent_encode(&forward, SARIF_PATH).to_string(),
        Some(SRCROOT),
    )
}

/// The base of relative artifact URIs: the working directory, given in `originalUriBaseIds`.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

/// `originalUriBaseIds`: `%SRCROOT%` is the working directory (a folder URL ends with `/`).
fn original_uri_base_ids() -> Option<std::collections::BTreeMap<&'static str, BaseUri>> {
    let cwd = std::env::current_dir().ok()?;
    let mut uri = url::Url::from_directory_path(cwd).ok()?.to_string();
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some([(SRCROOT, BaseUri { uri })].into_iter().collect())
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

/// Results sit in `runs[0].results`; the tool object is `runs[0].tool`.
const RESULTS_DEPTH: usize = 4;
const TOOL_DEPTH: usize = 3;

pub(super) struct SarifWriter {
    results: ArrayWriter,
    /// The rules that fired, in order of first finding (`ruleIndex` points into it).
    rules: Vec<ReportingDescriptor>,
}

impl SarifWriter {
    pub(super) fn begin<W: Write>(out: &mut W) -> io::Result<Self> {
        out.write_all(
            b"{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"runs\": [\n    {\n",
        )?;
        if let Some(bases) = original_uri_base_ids() {
            out.write_all(b"      \"originalUriBaseIds\": ")?;
            write_at(out, TOOL_DEPTH, &bases)?;
            out.write_all(b",\n")?;
        }
        out.write_all(b"      \"results\": [")?;
        Ok(SarifWriter {
            results: ArrayWriter::new(RESULTS_DEPTH),
            rules: Vec::new(),
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
        let redactor = &model.redactor;
        let index = model.index(f.text);
        let (uri, uri_base_id) = sarif_uri(f.path);
        let region = |span: Span| {
            let p = position(&index, span);
            Region {
                byte_length: span.len(),
                byte_offset: span.start,
                end_column: p.end_column,
                end_line: p.end_line,
                start_column: p.column,
                start_line: p.line,
            }
        };
        let physical = |span: Span| PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: &uri,
                uri_base_id,
            },
            region: region(span),
        };
        for d in f.diagnostics {
            let rule_index = self.rule_index(d.code);
            let result = SarifResult {
                fixes: d.fix().map(|fix| {
                    [Fix {
                        artifact_changes: [ArtifactChange {
                            artifact_location: ArtifactLocation {
                                uri: &uri,
                                uri_base_id,
                            },
                            replacements: fix
                                .edits
                                .iter()
                                .map(|e| Replacement {
                                    deleted_region: region(e.span),
                                    inserted_content: OwnedText {
                                        text: redactor.scrub_edit(
                                            f.text,
                                            e.span.range(),
                                            &e.replacement,
                                        ),
                                    },
                                })
                                .collect(),
                        }],
                        description: OwnedText {
                            text: format!(
                                "{} ({})",
                                redactor.scrub(&fix.message),
                                fix.applicability.as_str()
                            ),
                        },
                    }]
                }),
                level: level(d.severity),
                locations: [Location {
                    physical_location: physical(d.span),
                }],
                message: OwnedText {
                    text: redactor.scrub(&d.message),
                },
                related_locations: d
                    .labels()
                    .iter()
                    .enumerate()
                    .map(|(id, l)| RelatedLocation {
                        id,
                        message: OwnedText {
                            text: redactor.scrub(&l.message),
                        },
                        physical_location: physical(l.span),
                    })
                    .collect(),
                rule_id: d.code.code,
                rule_index,
            };
            self.results.element(out, &result)?;
        }
        Ok(())
    }

    /// The index of `code`'s descriptor, added on its first finding.
    fn rule_index(&mut self, code: crate::diagnostic::Code) -> usize {
        if let Some(i) = self.rules.iter().position(|r| r.id == code.code) {
            return i;
        }
        let (short, full) = crate::catalogue::sarif_descriptions(code.code)
            .unwrap_or_else(|| (code.name, code.name.to_string()));
        self.rules.push(ReportingDescriptor {
            default_configuration: Level {
                level: level(code.severity),
            },
            full_description: OwnedText { text: full.clone() },
            help: OwnedText { text: full },
            help_uri: crate::catalogue::doc_url(code.code),
            id: code.code,
            name: code.name,
            short_description: Text { text: short },
        });
        self.rules.len() - 1
    }

    pub(super) fn finish<W: Write>(&self, out: &mut W) -> io::Result<()> {
        self.results.close(out)?;
        out.write_all(b",\n      \"tool\": ")?;
        let tool = Tool {
            driver: Driver {
                information_uri: crate::catalogue::REPOSITORY,
                name: "backup-lint",
                rules: &self.rules,
                version: env!("CARGO_PKG_VERSION"),
            },
        };
        write_at(out, TOOL_DEPTH, &tool)?;
        out.write_all(b"\n    }\n  ],\n  \"version\": \"2.1.0\"\n}\n")
    }
}
