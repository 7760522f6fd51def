//! Shared helpers of the locality rules: how CockroachDB reads `COCKROACH_LOCALITY` from a URI
//! (Go's `url.Query().Get`), the locality lists a statement writes to or reads from, and what
//! the file's earlier backups wrote.

use std::collections::BTreeSet;

use crate::analysis::facts::StatementFacts;
use crate::analysis::facts::Target;
use crate::analysis::walk;
use crate::diagnostic::Edit;
use crate::syntax::ast::*;
use crate::syntax::span::Span;
pub use crate::syntax::uri::query_unescape;
use crate::syntax::uri::{LOCALITY_PARAM, Param, StorageUri};

/// The value that marks the URI holding the metadata and every unmatched node's data.
pub const DEFAULT: &str = "default";

/// What CockroachDB reads as a URI's locality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Loc {
    /// A placeholder: unknown.
    Unknown,
    /// No usable `COCKROACH_LOCALITY`: absent, empty, or dropped by Go's query parser.
    Missing,
    /// `COCKROACH_LOCALITY=default`.
    Default,
    /// Any other value, decoded the way Go decodes it.
    Tier(String),
}

/// One URI of a list with its locality as CockroachDB reads it (from the statement's facts).
#[derive(Clone, Debug)]
pub struct LocUri<'a> {
    pub item: &'a StrValue,
    /// The parsed URI; `None` for a placeholder.
    pub target: Option<&'a Target<'a>>,
    pub loc: Loc,
    /// The `COCKROACH_LOCALITY` pair CockroachDB reads, if any.
    pub param: Option<Param<'a>>,
}

impl LocUri<'_> {
    /// Where it points (`s3://bucket/path`), without credentials or parameters.
    pub fn location(&self) -> Option<String> {
        self.target.map(|t| t.location.to_string())
    }

    /// Whether any `COCKROACH_LOCALITY` parameter is written (usable or not).
    pub fn has_locality_param(&self) -> bool {
        self.target
            .is_some_and(|t| t.uri.params.iter().any(|p| is_locality_key(p.key)))
    }
}

fn is_locality_key(raw_key: &str) -> bool {
    // Unescaping never lengthens a key: a shorter one (`AUTH`) is not it.
    raw_key.len() >= LOCALITY_PARAM.len()
        && query_unescape(raw_key).is_some_and(|k| k == LOCALITY_PARAM)
}

/// Go's `url.ParseQuery` then `Get(COCKROACH_LOCALITY)`: pairs with `;` or a malformed escape
/// are dropped, the first remaining pair wins, an empty value is "not specified".
pub fn read_locality<'a>(uri: &StorageUri<'a>) -> (Loc, Option<Param<'a>>) {
    for p in &uri.params {
        if uri.raw[p.range.clone()].contains(';') || !is_locality_key(p.key) {
            continue;
        }
        let Some(value) = query_unescape(p.raw_value.unwrap_or("")) else {
            continue;
        };
        let loc = if value.is_empty() {
            Loc::Missing
        } else if value == DEFAULT {
            Loc::Default
        } else {
            Loc::Tier(value.into_owned())
        };
        return (loc, Some(p.clone()));
    }
    (Loc::Missing, None)
}

/// `item`, a URI of the statement `facts` describe, with its locality.
pub fn read_item<'a>(facts: &'a StatementFacts<'a>, item: &'a StrValue) -> LocUri<'a> {
    match facts.parsed(item) {
        None => LocUri {
            item,
            target: None,
            loc: Loc::Unknown,
            param: None,
        },
        Some(t) => LocUri {
            item,
            target: Some(t),
            loc: t.locality.clone(),
            param: t.locality_param.clone(),
        },
    }
}

pub fn read_items<'a>(facts: &'a StatementFacts<'a>, items: &'a [StrValue]) -> Vec<LocUri<'a>> {
    items.iter().map(|item| read_item(facts, item)).collect()
}

/// The non-default localities of a list CockroachDB would accept (`None` when a URI is
/// unknown or the list is not a valid locality list); a single URI has none.
pub fn locality_set(uris: &[LocUri<'_>]) -> Option<BTreeSet<String>> {
    locality_set_of(uris.iter().map(|u| &u.loc))
}

/// [`locality_set`] of a list's localities, in order.
pub fn locality_set_of<'l>(
    locs: impl ExactSizeIterator<Item = &'l Loc> + Clone,
) -> Option<BTreeSet<String>> {
    if locs.clone().any(|l| *l == Loc::Unknown) {
        return None;
    }
    let mut set = BTreeSet::new();
    if locs.len() == 1 {
        return match locs.clone().next() {
            Some(Loc::Tier(_)) => None,
            _ => Some(set),
        };
    }
    for l in locs {
        match l {
            Loc::Tier(t) => {
                set.insert(t.clone());
            }
            Loc::Default => {}
            _ => return None,
        }
    }
    Some(set)
}

/// Where the list keeps its metadata: the single URI, or the unique `default` one.
pub fn default_location(uris: &[LocUri<'_>]) -> Option<String> {
    default_item(uris)?.location()
}

/// The URI whose location is [`default_location`].
pub fn default_item<'u, 'a>(uris: &'u [LocUri<'a>]) -> Option<&'u LocUri<'a>> {
    Some(&uris[default_index(uris.iter().map(|u| &u.loc))?])
}

/// The position of [`default_item`] in a list, from its localities in order.
pub fn default_index<'l>(mut locs: impl ExactSizeIterator<Item = &'l Loc>) -> Option<usize> {
    if locs.len() == 1 {
        return Some(0);
    }
    let mut defaults = locs
        .by_ref()
        .enumerate()
        .filter(|(_, l)| **l == Loc::Default);
    let (first, _) = defaults.next()?;
    if defaults.next().is_some() {
        return None;
    }
    Some(first)
}

/// Every location of the list, `None` if one is unknown (held in place for the usual one or
/// two).
pub fn locations<'a>(uris: &[LocUri<'a>]) -> Option<crate::analysis::few::Few<&'a str>> {
    uris.iter().map(|u| Some(&*u.target?.location)).collect()
}

/// Renders a locality set for messages: `[region=us-west]`, `[]`.
pub fn show_set(set: &BTreeSet<String>) -> String {
    let items: Vec<&str> = set.iter().map(String::as_str).collect();
    format!("[{}]", items.join(" "))
}

/// A list of URIs whose `COCKROACH_LOCALITY` parameters CockroachDB parses (a write side).
#[derive(Debug)]
pub struct DestList<'a> {
    pub items: &'a [StrValue],
    pub span: Span,
    /// `destination` or `incremental_location`.
    pub what: &'static str,
}

/// A statement's destination lists (`destination_lists`): one or two, kept in place.
pub type DestLists<'a> = crate::analysis::few::Few<DestList<'a>>;

fn option_list<'a>(item: &'a OptionItem, out: &mut DestLists<'a>) {
    if item.key != OptKey::IncrementalLocation {
        return;
    }
    match &item.value {
        OptValue::List(l) => out.push(DestList {
            items: &l.items,
            span: l.span,
            what: "incremental_location",
        }),
        OptValue::Str(s) => out.push(DestList {
            items: std::slice::from_ref(s),
            span: s.span,
            what: "incremental_location",
        }),
        _ => {}
    }
}

/// The destination list and `incremental_location` list of a BACKUP, CREATE SCHEDULE FOR
/// BACKUP or ALTER BACKUP SCHEDULE (`SET INTO`, `SET WITH incremental_location`).
pub fn destination_lists(stmt: &Statement) -> DestLists<'_> {
    let mut out = DestLists::new();
    if let Some(list) = walk::backup_destination(stmt) {
        out.push(DestList {
            items: &list.items,
            span: list.span,
            what: "destination",
        });
    }
    if let Some(opts) = walk::backup_options(stmt) {
        for item in &opts.items {
            option_list(item, &mut out);
        }
    }
    if let Statement::AlterBackupSchedule(a) = walk::inner(stmt) {
        for cmd in &a.cmds {
            match &cmd.kind {
                ScheduleCmdKind::SetInto(list) => out.push(DestList {
                    items: &list.items,
                    span: list.span,
                    what: "destination",
                }),
                ScheduleCmdKind::SetWith(item) => option_list(item, &mut out),
                _ => {}
            }
        }
    }
    out
}

/// A list of URIs a RESTORE or SHOW BACKUP reads one backup (layer) from.
pub struct ReadList<'a> {
    pub list: &'a StrList,
    pub uris: Vec<LocUri<'a>>,
    /// Old syntax (`RESTORE … FROM uri, (uri, uri)`, `SHOW BACKUP uri`): the list is one layer
    /// written by `BACKUP … TO`; otherwise it is a collection.
    pub old_syntax: bool,
    /// `FROM LATEST IN` / `SHOW BACKUP LATEST IN`.
    pub latest: bool,
    /// A RESTORE (not a SHOW BACKUP).
    pub restore: bool,
}

fn is_latest(s: &StrValue) -> bool {
    s.text().is_some_and(|t| t.eq_ignore_ascii_case("latest"))
}

/// The read lists of a RESTORE or SHOW BACKUP; a comma list of collections (`IN 'a', 'b'`) is
/// left out (rejected on its own).
pub fn read_lists<'a>(stmt: &'a Statement, facts: &'a StatementFacts<'a>) -> Vec<ReadList<'a>> {
    let mut out = Vec::new();
    match walk::inner(stmt) {
        Statement::Restore(r) => match &r.from {
            RestoreFrom::Uris { layers } => {
                for layer in layers {
                    out.push(ReadList {
                        list: layer,
                        uris: read_items(facts, &layer.items),
                        old_syntax: true,
                        latest: false,
                        restore: true,
                    });
                }
            }
            RestoreFrom::Collection {
                subdir,
                collections,
            } if collections.len() == 1 => out.push(ReadList {
                list: &collections[0],
                uris: read_items(facts, &collections[0].items),
                old_syntax: false,
                latest: is_latest(subdir),
                restore: true,
            }),
            _ => {}
        },
        Statement::ShowBackup(s) => match &s.collections {
            Some(colls) if colls.len() == 1 => out.push(ReadList {
                list: &colls[0],
                uris: read_items(facts, &colls[0].items),
                old_syntax: false,
                latest: is_latest(&s.path),
                restore: false,
            }),
            _ => {}
        },
        // `SHOW BACKUPS IN (…)` lists the collection from its first URI only: a list that
        // does not start with the `default` one lists nothing.
        Statement::ShowBackups(s) => out.push(ReadList {
            list: &s.collection,
            uris: read_items(facts, &s.collection.items),
            old_syntax: false,
            latest: false,
            restore: false,
        }),
        _ => {}
    }
    out
}

/// Edits that move item `k` of `items` to the front, keeping the others in order.
pub fn move_to_front(source: &str, items: &[StrValue], k: usize) -> Vec<Edit> {
    let texts: Vec<&str> = items[..=k]
        .iter()
        .map(|i| &source[i.span.range()])
        .collect();
    let mut edits = vec![Edit {
        span: items[0].span,
        replacement: texts[k].to_string(),
    }];
    for n in 1..=k {
        edits.push(Edit {
            span: items[n].span,
            replacement: texts[n - 1].to_string(),
        });
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(uri: &str) -> Loc {
        read_locality(&StorageUri::parse(uri)).0
    }

    #[test]
    fn reads_the_locality_the_way_go_does() {
        assert_eq!(
            query_unescape("region%3Dus+west").as_deref(),
            Some("region=us west")
        );
        assert_eq!(query_unescape("bad%zz"), None);
        assert_eq!(loc("s3://a?COCKROACH_LOCALITY=default"), Loc::Default);
        assert_eq!(
            loc("s3://a?COCKROACH_LOCALITY=region%3Dus-west"),
            Loc::Tier("region=us-west".into())
        );
        assert_eq!(
            loc("s3://a?COCKROACH_LOCALITY=region=us-west&AUTH=implicit"),
            Loc::Tier("region=us-west".into())
        );
        assert_eq!(loc("s3://a?COCKROACH_LOCALITY="), Loc::Missing);
        // Go drops a pair with `;` or a malformed escape.
        assert_eq!(
            loc("s3://a?COCKROACH_LOCALITY=region%3Dus;west"),
            Loc::Missing
        );
        assert_eq!(loc("s3://a?COCKROACH_LOCALITY=region%zz"), Loc::Missing);
        assert_eq!(loc("s3://a?AUTH=implicit"), Loc::Missing);
    }

    #[test]
    fn sets_and_default_locations() {
        let parsed = crate::syntax::parser::parse(
            "BACKUP INTO ('s3://e/x?COCKROACH_LOCALITY=default', 's3://w/x?COCKROACH_LOCALITY=region%3Dus-west');",
        );
        let stmt = parsed.parsed().next().unwrap();
        let facts = StatementFacts::of(stmt, &[], 0);
        let list = walk::backup_destination(stmt).unwrap();
        let uris = read_items(&facts, &list.items);
        assert_eq!(default_location(&uris).as_deref(), Some("s3://e/x"));
        assert_eq!(show_set(&locality_set(&uris).unwrap()), "[region=us-west]");
        assert_eq!(locality_set(&uris[..1]).unwrap().len(), 0);
    }
}
