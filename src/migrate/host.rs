//! Migrating a whole file: a `.sql` file directly; the SQL inside a script or a runbook
//! through its source map, so that only bytes of the SQL change and shell quoting stays valid.

use super::{CANNOT_MIGRATE, Change, Locations, MigrateOptions, Part, common_collection, quote};
use crate::diagnostic::Diagnostic;
use crate::hosts::document::{Document, Model};
use crate::hosts::embed::{self, Assembled};
use crate::hosts::kind::FileKind;
use crate::hosts::shell::{AssignKind, Script, WordPart};
use crate::syntax::ast::StrValue;
use crate::syntax::span::Span;

/// The outcome of migrating one file.
#[derive(Debug)]
pub struct Migrated {
    pub text: String,
    /// One note per change (or per part that could not be changed), in file coordinates.
    pub notes: Vec<Diagnostic>,
    /// For a backup script: the `CREATE SCHEDULE FOR BACKUP` that replaces it.
    pub schedule: Option<super::schedule::Schedule>,
}

impl Migrated {
    pub fn changed(&self, original: &str) -> bool {
        self.text != original
    }
}

/// Migrates `text` of kind `kind`. `dir` is the file's folder (a crontab there informs the
/// schedule replacement of a script).
pub fn migrate_document(
    text: &str,
    kind: FileKind,
    opts: &MigrateOptions,
    wrappers: &[String],
    dir: Option<&std::path::Path>,
) -> Migrated {
    migrate(&Document::build(text, kind, wrappers), opts, dir)
}

/// Migrates a document already built (see [`migrate_document`]).
pub fn migrate(
    doc: &Document<'_>,
    opts: &MigrateOptions,
    dir: Option<&std::path::Path>,
) -> Migrated {
    let text = doc.text;
    let Some(sql) = &doc.embedded else {
        let changes = super::plan(text, opts, &super::Literals);
        return Migrated {
            text: super::apply_sql(text, &changes),
            notes: changes.into_iter().map(|c| c.note).collect(),
            schedule: None,
        };
    };
    let script = match &doc.model {
        Model::Script { script, .. } => Some(&**script),
        _ => None,
    };
    let locations = HostLocations {
        doc: sql,
        script: script.map(|s| (s, text)),
    };
    let changes = super::plan(&sql.text, opts, &locations);
    let schedule = script.and_then(|s| super::schedule::for_script(text, s, sql, opts, dir));
    let (text, notes) = apply_mapped(text, sql, changes);
    Migrated {
        text,
        notes,
        schedule,
    }
}

/// Applies changes planned on `doc` to the host text; a change that cannot be written back
/// (SQL the script assembles from pieces migrate cannot rewrite) becomes a note instead.
fn apply_mapped(host: &str, doc: &Assembled, changes: Vec<Change>) -> (String, Vec<Diagnostic>) {
    let mut edits: Vec<(Span, String)> = Vec::new();
    let mut notes = Vec::new();
    for change in changes {
        let mut mapped = Vec::new();
        for r in &change.replacements {
            let Some((span, quoting)) = doc.map_range(r.span) else {
                mapped.clear();
                break;
            };
            let mut text = String::new();
            let mut ok = true;
            for p in &r.parts {
                match p {
                    Part::Sql(s) => match quoting.requote(s) {
                        Some(q) => text.push_str(&q),
                        None => ok = false,
                    },
                    Part::Host(h) => text.push_str(h),
                }
            }
            if !ok {
                mapped.clear();
                break;
            }
            mapped.push((span, text));
        }
        let note = embed::map_diagnostic(doc, change.note);
        if mapped.len() != change.replacements.len() {
            notes.push(
                Diagnostic::new(
                    CANNOT_MIGRATE,
                    note.span,
                    format!("{} — not applied: the script builds this part of the SQL in a way migrate cannot rewrite", note.message),
                )
                .with_help("change it by hand"),
            );
            continue;
        }
        let overlaps = mapped.iter().any(|(s, _)| {
            edits
                .iter()
                .any(|(e, _)| s.start < e.end && e.start < s.end || (s.is_empty() && *s == *e))
        });
        if overlaps {
            // The same host bytes feed several statements (a wrapper's body): rewritten once.
            if mapped
                .iter()
                .all(|m| edits.iter().any(|e| e.0 == m.0 && e.1 == m.1))
            {
                notes.push(note);
            }
            continue;
        }
        edits.extend(mapped);
        notes.push(note);
    }
    edits.sort_by_key(|(s, _)| (s.start, s.end));
    let mut out = String::with_capacity(host.len());
    let mut last = 0;
    for (span, text) in edits {
        out.push_str(&host[last..span.start as usize]);
        out.push_str(&text);
        last = span.end as usize;
    }
    out.push_str(&host[last..]);
    notes.sort_by_key(|d| (d.span.start, d.span.end));
    (out, notes)
}

/// Locations as a script or a runbook writes them.
struct HostLocations<'a> {
    doc: &'a Assembled,
    /// The script and its text (a runbook's fences have none: their paths are literals).
    script: Option<(&'a Script, &'a str)>,
}

impl HostLocations<'_> {
    /// The inside of a quoted literal (`'…'`).
    fn interior(uri: &StrValue) -> Span {
        Span::new(
            uri.span.start as usize + 1,
            (uri.span.end as usize).saturating_sub(1),
        )
    }
}

impl Locations for HostLocations<'_> {
    /// `'$destination'` where `destination="${base}/$(date +%F)${extra}"`: the collection is
    /// `'${base}${extra}'` (the parts before the date, and the variables after it).
    fn lone(&self, uri: &StrValue) -> Option<Part> {
        let (script, source) = self.script?;
        let host = self.doc.value_host(Self::interior(uri))?;
        let expansion = &source[host.range()];
        let name = expansion
            .trim_start_matches('$')
            .trim_start_matches('{')
            .trim_end_matches('}');
        let assignment = script.assignments.iter().rfind(|a| {
            a.name == name && a.kind == AssignKind::Plain && a.span.start < host.start
        })?;
        let word = assignment.value.as_ref()?;
        let date_at = word
            .parts
            .iter()
            .position(|p| matches!(p, WordPart::Substitution { date: Some(_), .. }))?;
        let mut out = String::new();
        for p in &word.parts[..date_at] {
            out.push_str(&source[p.host().range()]);
        }
        let trimmed = out.trim_end_matches('/').to_string();
        let mut out = trimmed;
        // After the date: only the variables (query parameters such as `${extra}`).
        for p in &word.parts[date_at + 1..] {
            if matches!(p, WordPart::Variable { .. }) {
                out.push_str(&source[p.host().range()]);
            }
        }
        Some(Part::Host(format!("'{out}'")))
    }

    fn chain(&self, layers: &[&StrValue], _sql: &str) -> Option<Part> {
        // A layer the script builds from a dated path names the collection.
        if let Some(p) = layers.iter().rev().find_map(|u| self.lone(u)) {
            return Some(p);
        }
        // Else only literals written in the host itself can be combined.
        let mut texts = Vec::new();
        for u in layers {
            if !self.doc.is_identity(Self::interior(u)) {
                return None;
            }
            texts.push(u.text()?);
        }
        Some(Part::Sql(quote(&common_collection(&texts)?)))
    }
}
