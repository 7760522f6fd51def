//! Migrating a whole file: a `.sql` file directly; the SQL inside a script or a runbook
//! through its source map, so that only bytes of the SQL change and shell quoting stays valid.

use super::{Change, Locations, MigrateOptions, Part};
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
    migrate(&Document::build(text, kind, wrappers), opts, wrappers, dir)
}

/// Migrates a document already built with `wrappers` (see [`migrate_document`]). The output
/// is checked before it is returned (see [`super::verify`]): a change that would alter a shell
/// expansion, break the host's syntax or add a chain, locality or syntax error is dropped, with
/// its chain, for an `R003` note saying why.
pub fn migrate(
    doc: &Document<'_>,
    opts: &MigrateOptions,
    wrappers: &[String],
    dir: Option<&std::path::Path>,
) -> Migrated {
    let text = doc.text;
    let (changes, edits) = match &doc.embedded {
        None => {
            let changes = super::plan(text, opts, &super::Literals);
            let edits: Vec<Result<Vec<super::verify::Edit>, String>> = changes
                .iter()
                .map(|c| {
                    Ok(c.replacements
                        .iter()
                        .map(|r| super::verify::Edit {
                            span: r.span,
                            text: r.text(),
                            drops: r.drops,
                            host_parts: String::new(),
                        })
                        .collect())
                })
                .collect();
            (changes, edits)
        }
        Some(sql) => {
            let script = match &doc.model {
                Model::Script { script, .. } => Some(&**script),
                _ => None,
            };
            let locations = HostLocations {
                doc: sql,
                script: script.map(|s| (s, text)),
            };
            let changes = super::plan(&sql.text, opts, &locations);
            let edits = changes.iter().map(|c| map_change(sql, c)).collect();
            (changes, edits)
        }
    };
    let schedule = match (&doc.model, &doc.embedded) {
        (Model::Script { script, .. }, Some(sql)) => {
            super::schedule::for_script(text, script, sql, opts, dir)
        }
        _ => None,
    };
    let planned = changes
        .into_iter()
        .zip(edits)
        .map(|(c, edits)| super::verify::Planned {
            note: match &doc.embedded {
                Some(sql) => embed::map_diagnostic(sql, c.note),
                None => c.note,
            },
            group: c.group,
            edits,
        })
        .collect();
    let (text, notes) = super::verify::apply_checked(doc, doc.kind, wrappers, opts.to, planned);
    Migrated {
        text,
        notes,
        schedule,
    }
}

/// A change's replacements in host coordinates, or why they cannot be written there.
fn map_change(doc: &Assembled, change: &Change) -> Result<Vec<super::verify::Edit>, String> {
    let mut mapped = Vec::new();
    for r in &change.replacements {
        let Some((span, quoting)) = doc.map_range(r.span) else {
            return Err(
                "the script builds this part of the SQL in a way migrate cannot rewrite".into(),
            );
        };
        let mut text = String::new();
        let mut host_parts = String::new();
        for p in &r.parts {
            match p {
                Part::Sql(s) => match quoting.requote(s) {
                    Some(q) => text.push_str(&q),
                    None => {
                        return Err(format!(
                            "`{s}` cannot be written inside the host's quoting there"
                        ));
                    }
                },
                Part::Host(h) => {
                    text.push_str(h);
                    host_parts.push_str(h);
                }
            }
        }
        mapped.push(super::verify::Edit {
            span,
            text,
            drops: r.drops,
            host_parts,
        });
    }
    Ok(mapped)
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
    fn known(&self, uri: &StrValue) -> bool {
        !self.doc.has_opaque(uri.span)
    }

    /// `'$destination'` where `destination="${base}/$(date +%F)${extra}"`: the collection is
    /// `'${base}${extra}'` (the parts before the date, and the variables after it). The same
    /// for a dated component written in the URI itself (`'$BASE/$(date +%F)'`,
    /// `'${bucket}/${BACKUP_DATE}'` with `BACKUP_DATE=$(date +%F)`).
    fn dated(&self, uri: &StrValue) -> Option<Part> {
        let (script, source) = self.script?;
        // A variable holding only `$(date …)`, assigned before `at`.
        let holds_date = |name: &str, at: u32| {
            script
                .assignments_of(name)
                .rfind(|a| a.kind == AssignKind::Plain && a.span.start < at)
                .and_then(|a| a.value.as_ref())
                .is_some_and(|w| {
                    matches!(
                        w.parts.as_slice(),
                        [WordPart::Substitution { date: Some(_), .. }]
                    )
                })
        };
        let is_dated = |p: &WordPart, at: u32| match p {
            WordPart::Substitution { date: Some(_), .. } => true,
            WordPart::Variable {
                name,
                complex: false,
                ..
            } => holds_date(name, at),
            _ => false,
        };
        // The collection: the text before the dated part (its trailing `/` cut), then the
        // variables after it (query parameters such as `${extra}`) and the query string
        // written after it (`…/${stamp}?AUTH=implicit`: the parameters stay, the rest of the
        // layer's own name goes).
        let collection = |prefix: &str, after: &[&WordPart], limit: u32| {
            let mut out = prefix.trim_end_matches('/').to_string();
            if out.is_empty() || out.ends_with(':') {
                return None;
            }
            let mut query = false;
            // A `/` after the date and before any `?`: what follows is a path component.
            let mut in_path = false;
            for p in after {
                let h = p.host();
                let Some(written) = source.get(h.start as usize..h.end.min(limit) as usize) else {
                    continue;
                };
                match p {
                    // `…/$(date)/${DB}`: the variable may name a database (a collection of its
                    // own) or the layer (`full`, `inc`): no single collection is certain.
                    WordPart::Variable { .. } if in_path && !query => return None,
                    WordPart::Variable { .. } => out.push_str(written),
                    _ if query => out.push_str(written),
                    WordPart::Literal { .. } => {
                        if let Some(at) = written.find('?') {
                            in_path |= written[..at].contains('/');
                            out.push_str(&written[at..]);
                            query = true;
                        } else {
                            in_path |= written.contains('/');
                        }
                    }
                    _ => {}
                }
            }
            Some(Part::Host(format!("'{out}'")))
        };
        if let Some(host) = self.doc.value_host(Self::interior(uri)) {
            // One variable: `'$destination'`.
            let expansion = &source[host.range()];
            let name = expansion
                .trim_start_matches('$')
                .trim_start_matches('{')
                .trim_end_matches('}');
            let assignment = script
                .assignments_of(name)
                .rfind(|a| a.kind == AssignKind::Plain && a.span.start < host.start)?;
            let word = assignment.value.as_ref()?;
            let date_at = word
                .parts
                .iter()
                .position(|p| is_dated(p, assignment.span.start))?;
            let mut prefix = String::new();
            for p in &word.parts[..date_at] {
                prefix.push_str(&source[p.host().range()]);
            }
            let after: Vec<&WordPart> = word.parts[date_at + 1..].iter().collect();
            // Up to the closing quote of a quoted value.
            let limit = match source.get(word.span.range()) {
                Some(t) if t.len() >= 2 && (t.ends_with('"') || t.ends_with('\'')) => {
                    word.span.end - 1
                }
                _ => word.span.end,
            };
            return collection(&prefix, &after, limit);
        }
        // A dated part written inside the URI: the shell word that holds it.
        let span = self.doc.map_span(uri.span);
        let text = source.get(span.range())?;
        if !(text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'')) {
            return None;
        }
        let (open, close) = (span.start + 1, span.end - 1);
        // The parts written inside the quotes (the last one may run past the closing quote:
        // `?AUTH=implicit'"` is one literal of the shell word).
        let inside = |p: &&WordPart| open <= p.host().start && p.host().start < close;
        let word = script
            .commands
            .iter()
            .flat_map(|c| {
                c.args.iter().chain(
                    c.redirects
                        .iter()
                        .flat_map(|r| r.target.iter().chain(&r.body)),
                )
            })
            .find(|w| w.span.start <= span.start && span.end <= w.span.end)?;
        let parts: Vec<&WordPart> = word.parts.iter().filter(inside).collect();
        let date_at = parts.iter().position(|p| is_dated(p, p.host().start))?;
        let prefix = &source[open as usize..parts[date_at].host().start as usize];
        collection(prefix, &parts[date_at + 1..], close)
    }

    fn state_files(&self) -> Vec<String> {
        let Some((script, source)) = self.script else {
            return Vec::new();
        };
        // A file as written, its quotes aside (`"$STATE"` and `$STATE` are one file).
        let name = |w: &crate::hosts::shell::Word| {
            source
                .get(w.span.range())
                .map(|t| t.trim_matches(|c| c == '"' || c == '\'').to_string())
                .filter(|t| !t.is_empty() && !t.starts_with('&') && t != "/dev/null")
        };
        let mut written: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut read = std::collections::HashSet::new();
        for c in &script.commands {
            for r in &c.redirects {
                let Some(t) = r.target.as_ref().and_then(name) else {
                    continue;
                };
                match r.op.as_str() {
                    ">" | ">>" | ">|" if seen.insert(t.clone()) => written.push(t),
                    "<" => {
                        read.insert(t);
                    }
                    _ => {}
                }
            }
            if matches!(
                c.base_name().as_deref(),
                Some("cat" | "tail" | "head" | "paste" | "tac" | "sed" | "awk" | "xargs")
            ) {
                read.extend(c.args.iter().filter_map(name));
            }
        }
        written.retain(|w| read.contains(w));
        written
    }

    fn trimmable(&self, tail: Span) -> bool {
        tail.is_empty() || self.doc.map_range(tail).is_some()
    }

    fn replaceable(&self, uri: &StrValue) -> bool {
        // Only text the host writes as is, with no expansion in it.
        self.doc.is_identity(uri.span)
            && super::verify::expansions(&self.doc.text[uri.span.range()]).is_empty()
    }
}
