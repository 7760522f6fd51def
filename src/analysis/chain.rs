//! The chain model of the `chain` rules: which earlier backups of the file belong to the same
//! chain (old syntax: `BACKUP … TO`, `INCREMENTAL FROM`, `RESTORE … FROM list`) or the same
//! collection (new syntax: `INTO`, `INTO LATEST IN`, `INTO 'subdir' IN`, schedules) as the
//! statement being judged.
//!
//! Locations are compared with `StorageUri::location()` (credentials, query and trailing `/`
//! stripped); a locality-aware list is identified by its `COCKROACH_LOCALITY=default` URI (or
//! its first). Placeholders are unknown and never match anything.

use crate::analysis::context::FileContext;
use crate::analysis::facts::StatementFacts;
use crate::analysis::few::Few;
use crate::analysis::file_state::Write;
use crate::analysis::locality::index::LocId;
use crate::analysis::time;
use crate::analysis::walk;
use crate::syntax::ast::*;
use crate::syntax::span::Span;
use crate::syntax::uri::StorageUri;
use crate::syntax::version::{Version, v};

/// Something that writes backups: a `BACKUP` or a backup schedule.
#[derive(Clone, Copy, Debug)]
pub enum Writer<'a> {
    Backup(&'a Backup),
    Schedule(&'a CreateSchedule),
}

impl<'a> Writer<'a> {
    pub fn targets(self) -> Option<&'a Targets> {
        match self {
            Writer::Backup(b) => b.targets.as_ref(),
            Writer::Schedule(s) => s.targets.as_ref(),
        }
    }

    pub fn options(self) -> Option<&'a OptionList> {
        match self {
            Writer::Backup(b) => b.options.as_ref(),
            Writer::Schedule(s) => s.backup_options.as_ref(),
        }
    }

    pub fn as_of(self) -> Option<&'a AsOf> {
        match self {
            Writer::Backup(b) => b.as_of.as_ref(),
            Writer::Schedule(_) => None,
        }
    }

    pub fn span(self) -> Span {
        match self {
            Writer::Backup(b) => b.span,
            Writer::Schedule(s) => s.span,
        }
    }

    pub fn is_schedule(self) -> bool {
        matches!(self, Writer::Schedule(_))
    }
}

/// Whether a backup-family statement that failed to parse comes after entry `n`.
fn broken_after(file: &FileContext, n: usize) -> bool {
    file.broken_after(n)
}

// ---------------------------------------------------------------------------------------------
// Old syntax

/// The default location a `BACKUP … TO` writes, if `b` is one.
pub fn to_location(facts: &StatementFacts, b: &Backup) -> Option<String> {
    match &b.dest {
        BackupDest::To { uris, .. } => facts.list_location(uris),
        _ => None,
    }
}

/// Every earlier `BACKUP … TO` that wrote `loc`, oldest first. The first one wrote the
/// backup that lives at `loc`; later ones were appended (v20.1+) or failed.
pub fn old_writes<'a>(file: &'a FileContext, loc: &str) -> Layers<'a> {
    match file.location(loc) {
        Some(state) => Layers::At {
            file,
            indices: &state.old,
            latest_time: state.old_latest_time.as_deref().map(|&(_, n)| n),
        },
        None => Layers::Listed(Vec::new()),
    }
}

/// The backup the file wrote at `loc` with the old syntax (the first write).
pub fn old_layer<'a>(file: &'a FileContext, loc: &str) -> Option<&'a Backup> {
    let n = *file.location(loc)?.old.first()?;
    match file.statement(n)? {
        Statement::Backup(b) => Some(b),
        _ => None,
    }
}

/// Entry `n` of the file as a writer.
fn writer_at(file: &FileContext, n: usize) -> Option<Writer<'_>> {
    match file.statement(n)? {
        Statement::Backup(b) => Some(Writer::Backup(b)),
        Statement::CreateSchedule(s) => Some(Writer::Schedule(s)),
        _ => None,
    }
}

/// The layers of a chain, oldest first: listed, or the writes the file state keeps for a
/// location (not copied, so a chain that grows with the file costs O(1) per statement).
#[derive(Clone, Debug)]
pub enum Layers<'a> {
    Listed(Vec<Writer<'a>>),
    At {
        file: &'a FileContext,
        indices: &'a [usize],
        /// The entry with the latest absolute AS OF SYSTEM TIME (the last of equal ones).
        latest_time: Option<usize>,
    },
}

impl<'a> Layers<'a> {
    pub fn iter(&self) -> Box<dyn Iterator<Item = Writer<'a>> + '_> {
        match self {
            Layers::Listed(v) => Box::new(v.iter().copied()),
            Layers::At { file, indices, .. } => {
                Box::new(indices.iter().filter_map(|&n| writer_at(file, n)))
            }
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Layers::Listed(v) => v.len(),
            Layers::At { indices, .. } => indices.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn last(&self) -> Option<Writer<'a>> {
        match self {
            Layers::Listed(v) => v.last().copied(),
            Layers::At { file, indices, .. } => writer_at(file, *indices.last()?),
        }
    }

    /// The latest absolute AS OF SYSTEM TIME among the layers (the last layer of equal
    /// ones), with its clause.
    pub fn latest_time(&self) -> Option<(time::Hlc, &'a AsOf)> {
        let time_of = |w: Writer<'a>| {
            let a = w.as_of()?;
            Some((time::absolute(&a.expr)?, a))
        };
        match self {
            Layers::Listed(v) => v.iter().filter_map(|l| time_of(*l)).max_by_key(|(t, _)| *t),
            Layers::At {
                file, latest_time, ..
            } => time_of(writer_at(file, (*latest_time)?)?),
        }
    }
}

/// How many of the latest writes into one collection the collection checks compare with: a
/// file with thousands of backups into one collection stays linear (older writes are not
/// compared; the latest full and everything since are always found by `chain`).
pub const COLLECTION_HISTORY: usize = 32;

/// The locations listed after `INCREMENTAL FROM`.
pub fn base_locations(facts: &StatementFacts, b: &Backup) -> Option<Vec<Option<String>>> {
    b.incremental_from
        .as_ref()
        .map(|f| f.uris.iter().map(|u| facts.location(u)).collect())
}

/// The locations of an old-syntax list, with the span of each entry.
pub fn listed_locations(
    stmt: &Statement,
    facts: &StatementFacts,
) -> Option<Vec<(Option<String>, Span)>> {
    match walk::inner(stmt) {
        Statement::Backup(b) => b
            .incremental_from
            .as_ref()
            .map(|f| f.uris.iter().map(|u| (facts.location(u), u.span)).collect()),
        Statement::Restore(Restore {
            from: RestoreFrom::Uris { layers },
            ..
        }) => Some(
            layers
                .iter()
                .map(|l| (facts.list_location(l), l.span))
                .collect(),
        ),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// New syntax

/// How a statement writes into a collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollKind {
    /// `BACKUP INTO coll`: a new full backup (the new LATEST).
    Full,
    /// `BACKUP INTO LATEST IN coll`.
    Latest,
    /// `BACKUP INTO 'subdir' IN coll`.
    Subdir,
    /// `CREATE SCHEDULE FOR BACKUP INTO coll`: fulls and incrementals at run time.
    Schedule,
}

#[derive(Clone, Copy, Debug)]
pub struct CollWrite<'a> {
    pub writer: Writer<'a>,
    pub kind: CollKind,
    /// Position among `file.entries`.
    pub index: usize,
    /// Its `incremental_location` (see `incremental_location`).
    pub incremental_location: &'a Option<Option<String>>,
}

impl CollWrite<'_> {
    /// Whether it writes full backups.
    pub fn writes_full(&self) -> bool {
        matches!(self.kind, CollKind::Full | CollKind::Schedule)
    }
}

/// The collection a statement writes (location) and how.
pub fn collection_of<'f>(
    stmt: &Statement,
    facts: &'f StatementFacts,
) -> Option<(std::borrow::Cow<'f, str>, CollKind)> {
    let list_location = |l: &StrList| facts.list_location_ref(l);
    match walk::inner(stmt) {
        Statement::Backup(b) => match &b.dest {
            BackupDest::To { .. } => None,
            BackupDest::Into { collection } => Some((list_location(collection)?, CollKind::Full)),
            BackupDest::IntoLatest { collection, .. } => {
                Some((list_location(collection)?, CollKind::Latest))
            }
            BackupDest::IntoSubdir { collection, .. } => {
                Some((list_location(collection)?, CollKind::Subdir))
            }
        },
        Statement::CreateSchedule(s) => Some((list_location(&s.collection)?, CollKind::Schedule)),
        _ => None,
    }
}

/// How `stmt` writes into a collection (EXPLAIN not seen through: it writes nothing).
pub fn collection_kind(stmt: &Statement) -> Option<CollKind> {
    match stmt {
        Statement::Backup(b) => match &b.dest {
            BackupDest::To { .. } => None,
            BackupDest::Into { .. } => Some(CollKind::Full),
            BackupDest::IntoLatest { .. } => Some(CollKind::Latest),
            BackupDest::IntoSubdir { .. } => Some(CollKind::Subdir),
        },
        Statement::CreateSchedule(_) => Some(CollKind::Schedule),
        _ => None,
    }
}

/// An earlier write at a location as a write into the collection there, if it is one (the
/// file state matched the location by the same default-URI rule as `collection_of`).
pub fn collection_write<'a>(file: &'a FileContext, write: &'a Write) -> Option<CollWrite<'a>> {
    let kind = write.kind?;
    let writer = writer_at(file, write.index)?;
    Some(CollWrite {
        writer,
        kind,
        index: write.index,
        incremental_location: &write.incremental_location,
    })
}

/// The latest (at most `COLLECTION_HISTORY`) earlier writes at `loc`, oldest first; the
/// collection checks compare with those that write into the collection (`Write::kind`).
pub fn collection_history<'a>(file: &'a FileContext, loc: &str) -> &'a [Write] {
    history(file.writes_at(loc))
}

/// The latest `COLLECTION_HISTORY` of `writes`.
fn history(writes: &[Write]) -> &[Write] {
    &writes[writes.len().saturating_sub(COLLECTION_HISTORY)..]
}

/// The latest earlier writes into the collection at `loc` (see `collection_history`).
pub fn collection_writes<'a>(
    file: &'a FileContext,
    loc: &str,
) -> impl DoubleEndedIterator<Item = CollWrite<'a>> + Clone + 'a {
    collection_history(file, loc)
        .iter()
        .filter_map(move |w| collection_write(file, w))
}

/// The latest earlier writes of full backups (`CollWrite::writes_full`) into the collection at
/// `loc` (see `collection_history`): the other writes' statements are not looked at.
pub fn collection_fulls<'a>(
    file: &'a FileContext,
    loc: &str,
) -> impl DoubleEndedIterator<Item = CollWrite<'a>> + Clone + 'a {
    fulls_in(file, collection_history(file, loc))
}

/// The writes of full backups among `writes`, of `file`'s history at one location.
fn fulls_in<'a>(
    file: &'a FileContext,
    writes: &'a [Write],
) -> impl DoubleEndedIterator<Item = CollWrite<'a>> + Clone + 'a {
    writes
        .iter()
        .filter(|w| matches!(w.kind, Some(CollKind::Full | CollKind::Schedule)))
        .filter_map(move |w| collection_write(file, w))
}

/// How a statement reads a collection: `(collection location, names LATEST)`.
pub fn collection_read<'s>(
    stmt: &'s Statement,
    facts: &StatementFacts,
) -> Option<(String, bool, &'s StrValue)> {
    let list_location = |l: &StrList| facts.list_location(l);
    let is_latest = |s: &StrValue| s.text().is_some_and(|t| t.eq_ignore_ascii_case("latest"));
    match walk::inner(stmt) {
        Statement::Restore(Restore {
            from:
                RestoreFrom::Collection {
                    subdir,
                    collections,
                },
            ..
        }) => Some((
            list_location(collections.first()?)?,
            is_latest(subdir),
            subdir,
        )),
        Statement::ShowBackup(ShowBackup {
            path,
            collections: Some(colls),
            ..
        }) => Some((list_location(colls.first()?)?, is_latest(path), path)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// The chain of a statement

/// How the statement reaches its chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// `INCREMENTAL FROM` list or `RESTORE … FROM` list (old syntax).
    OldList,
    /// `BACKUP … TO dest` where `dest` already holds a backup (v20.1+ appends).
    AutoAppend,
    /// `SHOW BACKUP 'uri'` (old syntax).
    OldPath,
    /// `INTO LATEST IN` / `FROM LATEST IN`.
    Latest,
    /// `INTO 'subdir' IN` / `FROM 'subdir' IN`: one of the collection's fulls, unknown which.
    Subdir,
}

/// The earlier backups a statement builds on or reads.
#[derive(Clone, Debug)]
pub struct Chain<'a> {
    pub how: How,
    /// The full backup(s) of the chain known from the file. Exactly one when `exact`;
    /// with `Subdir` (or schedules) every full backup of the collection. (Kept in place: a
    /// heap list per statement was a tenth of working out the usual chain.)
    pub fulls: Few<Writer<'a>>,
    /// Whether `fulls` is certainly the chain's full backup.
    pub exact: bool,
    /// The known layers the statement builds on, oldest first (full included); only layers
    /// whose order is certain.
    pub layers: Layers<'a>,
    /// The collection location (new syntax) or the old-syntax location of the chain's full
    /// (borrowed from the file state when it keeps it).
    pub location: Option<std::borrow::Cow<'a, str>>,
}

/// The chain that `stmt` appends to or reads, from the file's earlier statements; `None` when
/// it starts a new chain, nothing about its chain is known, or the syntax it uses does not
/// exist in release `target` (the version checks report that).
///
/// `EXPLAIN` statements have no chain: CockroachDB reads the storage only when the statement
/// runs.
///
/// `write` is the id of the location `stmt` writes (`Written::location_id`): a BACKUP into a
/// collection finds its chain by it, its location's text not looked up again.
pub fn chain<'a>(
    stmt: &Statement,
    facts: &StatementFacts,
    file: &'a FileContext,
    target: Version,
    write: Option<LocId>,
) -> Option<Chain<'a>> {
    if matches!(stmt, Statement::Explain(_)) {
        return None;
    }
    let c = chain_any(stmt, facts, file, write)?;
    let ok = match c.how {
        How::OldList | How::OldPath => target < v(25, 1),
        How::AutoAppend => target >= v(20, 1) && target < v(25, 1),
        How::Latest | How::Subdir => target >= v(20, 2),
    };
    ok.then_some(c)
}

fn chain_any<'a>(
    stmt: &Statement,
    facts: &StatementFacts,
    file: &'a FileContext,
    write: Option<LocId>,
) -> Option<Chain<'a>> {
    match walk::inner(stmt) {
        Statement::Backup(b) => match &b.dest {
            BackupDest::To { .. } => match &b.incremental_from {
                Some(_) => old_list(stmt, facts, file, false),
                None => {
                    let loc = to_location(facts, b)?;
                    let first = old_layer(file, &loc)?;
                    Some(Chain {
                        how: How::AutoAppend,
                        fulls: if first.incremental_from.is_none() {
                            Few::One([Writer::Backup(first)])
                        } else {
                            Few::new()
                        },
                        exact: true,
                        layers: old_writes(file, &loc),
                        location: Some(loc.into()),
                    })
                }
            },
            BackupDest::Into { .. } => None,
            // (A location no earlier statement named has no chain.)
            BackupDest::IntoLatest { .. } => new_chain(file, write?, true),
            BackupDest::IntoSubdir { subdir, .. } => {
                if subdir
                    .text()
                    .is_some_and(|t| t.eq_ignore_ascii_case("latest"))
                {
                    return None; // a subdirectory named LATEST: rejected (C012)
                }
                new_chain(file, write?, false)
            }
        },
        Statement::Restore(r) => match &r.from {
            RestoreFrom::Uris { .. } => old_list(stmt, facts, file, true),
            RestoreFrom::Collection { .. } => {
                let (loc, latest, _) = collection_read(stmt, facts)?;
                new_chain(file, file.locality().id(&loc)?, latest)
            }
            RestoreFrom::ReplicationStream { .. } => None,
        },
        Statement::ShowBackup(s) => match &s.collections {
            None => {
                let loc = facts.location(&s.path)?;
                let first = old_layer(file, &loc)?;
                // An earlier statement's URIs: `facts.location` parses them.
                let full = match base_locations(facts, first) {
                    None => Some(first),
                    Some(base) => base
                        .first()
                        .cloned()
                        .flatten()
                        .and_then(|l| old_layer(file, &l))
                        .filter(|f| f.incremental_from.is_none()),
                };
                let full = full?;
                Some(Chain {
                    how: How::OldPath,
                    fulls: Few::One([Writer::Backup(full)]),
                    exact: true,
                    layers: Layers::Listed(Vec::new()),
                    location: to_location(facts, full).map(Into::into),
                })
            }
            Some(_) => {
                let (loc, latest, _) = collection_read(stmt, facts)?;
                new_chain(file, file.locality().id(&loc)?, latest)
            }
        },
        _ => None,
    }
}

/// An old-syntax list (`INCREMENTAL FROM …` or `RESTORE … FROM …`).
fn old_list<'a>(
    stmt: &Statement,
    facts: &StatementFacts,
    file: &'a FileContext,
    restore: bool,
) -> Option<Chain<'a>> {
    let listed = listed_locations(stmt, facts)?;
    let layers = if restore && listed.len() == 1 {
        // `RESTORE FROM 'dest'` also finds the layers appended to `dest`.
        match &listed[0].0 {
            Some(loc) => old_writes(file, loc),
            None => Layers::Listed(Vec::new()),
        }
    } else {
        Layers::Listed(
            listed
                .iter()
                .filter_map(|(loc, _)| old_layer(file, loc.as_deref()?))
                .map(Writer::Backup)
                .collect(),
        )
    };
    let full_loc = listed.first()?.0.clone();
    let full = full_loc
        .as_deref()
        .and_then(|l| old_layer(file, l))
        .filter(|f| f.incremental_from.is_none());
    Some(Chain {
        how: How::OldList,
        fulls: full.into_iter().map(Writer::Backup).collect(),
        exact: true,
        layers,
        location: full_loc.map(Into::into),
    })
}

/// The chain of a collection: the latest full backup and the `INTO LATEST` layers since, or
/// (for a subdirectory) every full backup of the collection.
/// `id` names the collection's location (`Index::id`).
fn new_chain(file: &FileContext, id: LocId, latest: bool) -> Option<Chain<'_>> {
    let loc: &str = file.locality().name(id);
    let written = file.written_at(id);
    if latest && !written.is_some_and(|state| state.scheduled) {
        // The file state keeps the latest full and the layers since: no walk back.
        let state = written?;
        let last = state.last_full?;
        if broken_after(file, last) {
            return None;
        }
        return Some(Chain {
            how: How::Latest,
            fulls: Few::One([writer_at(file, last)?]),
            exact: true,
            layers: Layers::At {
                file,
                indices: &state.since_full,
                latest_time: state.since_full_latest_time.as_deref().map(|&(_, n)| n),
            },
            location: Some(loc.into()),
        });
    }
    // Straight into the chain's list: no list of the writes in between.
    let mut fulls = fulls_in(file, written.map_or(&[], |state| history(&state.writes))).peekable();
    if broken_after(file, fulls.peek()?.index) {
        return None;
    }
    Some(Chain {
        how: if latest { How::Latest } else { How::Subdir },
        fulls: fulls.map(|w| w.writer).collect(),
        exact: false,
        layers: Layers::Listed(Vec::new()),
        location: Some(loc.into()),
    })
}

// ---------------------------------------------------------------------------------------------
// Properties compared along a chain

/// The options of the statement being judged (BACKUP, RESTORE, SHOW BACKUP, schedule).
pub fn options_of(stmt: &Statement) -> Option<&OptionList> {
    match walk::inner(stmt) {
        Statement::Backup(b) => b.options.as_ref(),
        Statement::Restore(r) => r.options.as_ref(),
        Statement::ShowBackup(s) => s.options.as_ref(),
        Statement::CreateSchedule(s) => s.backup_options.as_ref(),
        _ => None,
    }
}

/// `revision_history`: `Some(true|false)`, or `None` when its value is not a literal.
pub fn revision_history(opts: Option<&OptionList>) -> Option<bool> {
    let Some(item) = opts.and_then(|o| o.get(&OptKey::RevisionHistory)) else {
        return Some(false);
    };
    match &item.value {
        OptValue::None => Some(true),
        OptValue::Bool(b, _) => Some(*b),
        OptValue::Expr(e) => match &e.kind {
            ExprKind::Bool(b) => Some(*b),
            ExprKind::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "t" | "on" | "yes" | "1" => Some(true),
                "false" | "f" | "off" | "no" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// How a statement encrypts or decrypts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Enc {
    None,
    /// The passphrase's value; `None` for a placeholder.
    Passphrase(Option<String>),
    /// The KMS locations; `None` entries are placeholders.
    Kms(Vec<Option<String>>),
    /// Both options (rejected by itself, see O002).
    Both,
}

/// `facts` are the statement's whose options these are (an earlier statement's are parsed).
pub fn encryption(facts: &StatementFacts, opts: Option<&OptionList>) -> Enc {
    let pass = opts.and_then(|o| o.get(&OptKey::EncryptionPassphrase));
    let kms = opts.and_then(|o| o.get(&OptKey::Kms));
    match (pass, kms) {
        (Some(_), Some(_)) => Enc::Both,
        (Some(p), None) => Enc::Passphrase(match &p.value {
            OptValue::Str(s) => s.text().map(str::to_string),
            _ => None,
        }),
        (None, Some(k)) => Enc::Kms(match &k.value {
            OptValue::List(l) => l.items.iter().map(|u| facts.location(u)).collect(),
            OptValue::Str(s) => vec![facts.location(s)],
            _ => vec![None],
        }),
        (None, None) => Enc::None,
    }
}

impl Enc {
    pub fn describe(&self) -> &'static str {
        match self {
            Enc::None => "no encryption",
            Enc::Passphrase(_) => "`encryption_passphrase`",
            Enc::Kms(_) => "`kms`",
            Enc::Both => "both `encryption_passphrase` and `kms`",
        }
    }
}

/// `incremental_location`: `None` when absent, `Some(None)` when not a literal.
/// `facts` are the statement's whose options these are (an earlier statement's are parsed).
pub fn incremental_location(
    facts: &StatementFacts,
    opts: Option<&OptionList>,
) -> Option<Option<String>> {
    let item = opts.and_then(|o| o.get(&OptKey::IncrementalLocation))?;
    Some(match &item.value {
        OptValue::List(l) => facts.list_location(l),
        OptValue::Str(s) => facts.location(s),
        _ => None,
    })
}

/// Whether an earlier `ALTER BACKUP` changed the KMS keys of a backup at (or in) `loc`.
pub fn kms_altered(file: &FileContext, loc: &str) -> bool {
    file.statements().any(|(_, s)| match s {
        Statement::AlterBackup(a) => a
            .location
            .text()
            .is_none_or(|t| StorageUri::parse(t).location() == loc),
        _ => false,
    })
}

/// The first word of a statement (`BACKUP`, `RESTORE`, `SHOW`, `CREATE`), for diagnostics
/// that have no better place to point at.
pub fn first_word(source: &str, span: Span) -> Span {
    let start = span.start as usize;
    let text = source.get(start..span.end as usize).unwrap_or("");
    let len = text
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    Span::new(start, start + len.max(1).min(text.len()))
}

/// The collection a statement names (its first URI), and whether it starts a full backup there
/// (`None`) or reads the collection's latest backup (the statement's shape, for messages).
pub fn collection_use(stmt: &Statement) -> Option<(Option<&'static str>, &StrValue)> {
    match stmt {
        Statement::Backup(b) => match &b.dest {
            BackupDest::Into { collection } => Some((None, collection.items.first()?)),
            BackupDest::IntoLatest { collection, .. } => {
                Some((Some("BACKUP … INTO LATEST IN"), collection.items.first()?))
            }
            _ => None,
        },
        Statement::Restore(r) => match &r.from {
            RestoreFrom::Collection {
                subdir,
                collections,
            } if subdir
                .text()
                .is_none_or(|s| s.eq_ignore_ascii_case("LATEST")) =>
            {
                Some((
                    Some("RESTORE … FROM LATEST IN"),
                    collections.first()?.items.first()?,
                ))
            }
            _ => None,
        },
        Statement::ShowBackup(s) => match &s.collections {
            Some(c)
                if s.path
                    .text()
                    .is_none_or(|p| p.eq_ignore_ascii_case("LATEST")) =>
            {
                Some((
                    Some("SHOW BACKUP FROM LATEST IN"),
                    c.first()?.items.first()?,
                ))
            }
            _ => None,
        },
        _ => None,
    }
}
