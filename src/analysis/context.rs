//! What rules know about the file beyond the statement they judge: every earlier statement,
//! in order, so chain, collection, locality and transaction checks can look back.

use crate::analysis::facts::StatementFacts;
use crate::analysis::file_state::{LocationState, Write, Written};
use crate::analysis::locality::index::{Index, LocId, Named, Record};
use crate::syntax::ast::{Backup, Statement};
use crate::syntax::span::Span;

#[derive(Debug)]
pub enum Entry {
    /// A backup-family statement that parsed and writes or changes backups (BACKUP, CREATE
    /// SCHEDULE, ALTER BACKUP [SCHEDULE]): what later statements are judged against.
    Statement(Box<Statement>),
    /// A statement that only reads backups (RESTORE, SHOW BACKUP(S), EXPLAIN): no later check
    /// depends on it, so its tree is not kept (memory stays proportional to the writers).
    Reader,
    /// A backup-family statement with a syntax error (it is unknown what it did).
    Broken,
    /// A writer no later check can reach (see `LocationState::add`): its tree was dropped.
    Released,
    /// Any other statement; `words` holds its first words in lower case (`["begin"]`).
    Other { words: Vec<String> },
}

#[derive(Debug, Default)]
pub struct FileContext {
    pub entries: Vec<(Span, Entry)>,
    /// By location id (`Index::id`), the location written (see `write_location`): the
    /// statements that write there and what the chain rules compare there, kept up to date:
    /// they look up instead of scanning.
    locations: Vec<Option<Box<LocationState>>>,
    /// Indices into `entries` of transaction-control statements (BEGIN, START TRANSACTION,
    /// COMMIT, END, ROLLBACK, ABORT, PREPARE TRANSACTION), oldest first.
    transaction_controls: Vec<usize>,
    /// Index into `entries` of the last backup-family statement that failed to parse.
    last_broken: Option<usize>,
    /// What the earlier backups wrote, for the locality rules.
    locality: Index,
    /// The writers one `push` released (kept to reuse its room).
    released: Vec<usize>,
    /// An earlier write at a location gave a literal `incremental_location`.
    incremental_location_written: bool,
}

/// Where a BACKUP or backup schedule writes: the location (`StorageUri::location`) of its
/// destination's default URI, named by `index` (its id when it knows the location); `None` for
/// EXPLAIN, other statements and placeholders. `record` is the statement's locality record,
/// if made: it has named the destination's locations already.
pub fn write_location(
    stmt: &Statement,
    facts: &StatementFacts,
    index: &Index,
    record: Option<&Record>,
) -> Option<Named> {
    if matches!(stmt, Statement::Explain(_)) {
        return None;
    }
    let list = crate::analysis::walk::backup_destination(stmt)?;
    if let Some(record) = record
        && record.list_span == list.span
    {
        let item = facts.default_uri(list)?;
        let n = list.items.iter().position(|i| std::ptr::eq(i, item))?;
        return record.named(n);
    }
    Some(index.named(&facts.list_location_ref(list)?))
}

impl FileContext {
    /// Adds the next statement; `written` is what its facts said (`Written::of`). The trees of
    /// earlier writers no later check can reach any more are moved into `spent`, for the
    /// caller to free (on the thread that built them).
    pub fn push(
        &mut self,
        span: Span,
        entry: Entry,
        written: Written,
        spent: &mut Vec<Box<Statement>>,
    ) {
        if let Entry::Statement(_) = &entry {
            self.locality.add(written.locality);
        }
        if let Entry::Statement(stmt) = &entry
            && let Some(loc) = written.location
        {
            let id = self.locality.name_of(loc);
            self.incremental_location_written |=
                matches!(written.incremental_location, Some(Some(_)));
            let write = Write {
                index: self.entries.len(),
                kind: crate::analysis::chain::collection_kind(stmt),
                incremental_location: written.incremental_location,
            };
            if self.locations.len() <= id {
                self.locations.resize_with(id + 1, || None);
            }
            let released = &mut self.released;
            released.clear();
            let state = self.locations[id].get_or_insert_default();
            state.scheduled |= matches!(**stmt, Statement::CreateSchedule(_));
            state.add(stmt, write, released);
            for &n in &self.released {
                if let Entry::Statement(tree) =
                    std::mem::replace(&mut self.entries[n].1, Entry::Released)
                {
                    spent.push(tree);
                }
            }
        }
        if matches!(entry, Entry::Broken) {
            self.last_broken = Some(self.entries.len());
            self.locality.broken = true;
        }
        if let Entry::Other { words } = &entry
            && words.first().is_some_and(|w| {
                matches!(
                    w.as_str(),
                    "begin" | "start" | "commit" | "end" | "rollback" | "abort" | "prepare"
                )
            })
        {
            self.transaction_controls.push(self.entries.len());
        }
        self.entries.push((span, entry));
    }

    /// The earlier transaction-control statements (see `Entry::Other`), oldest first
    /// (double-ended: scan from the newest when only the latest state matters).
    pub fn transaction_controls(&self) -> impl DoubleEndedIterator<Item = &(Span, Entry)> {
        self.transaction_controls.iter().map(|&n| &self.entries[n])
    }

    /// The locality rules' index of what the earlier backups wrote.
    pub fn locality(&self) -> &Index {
        &self.locality
    }

    /// Whether an earlier write (`writes_at`) gave a literal `incremental_location`: until one
    /// does, every write's is absent or a placeholder.
    pub fn incremental_location_written(&self) -> bool {
        self.incremental_location_written
    }

    /// Whether a backup-family statement that failed to parse comes after entry `n`.
    pub fn broken_after(&self, n: usize) -> bool {
        self.last_broken.is_some_and(|b| b > n)
    }

    /// The earlier statements that write `location`, oldest first.
    pub fn writes_at(&self, location: &str) -> &[Write] {
        self.location(location)
            .map_or(&[], |state| state.writes.as_slice())
    }

    /// What the file wrote at `location`, if anything.
    pub fn location(&self, location: &str) -> Option<&LocationState> {
        self.written_at(self.locality.id(location)?)
    }

    /// What the file wrote at location `id` (`Index::id`), if anything.
    pub fn written_at(&self, id: LocId) -> Option<&LocationState> {
        self.locations.get(id)?.as_deref()
    }

    /// Entry `n` as a statement, if it is one that is kept.
    pub fn statement(&self, n: usize) -> Option<&Statement> {
        match &self.entries[n].1 {
            Entry::Statement(s) => Some(s),
            _ => None,
        }
    }

    /// Earlier statements that ran (EXPLAIN does not run its statement).
    pub fn statements(&self) -> impl Iterator<Item = (Span, &Statement)> {
        self.entries.iter().filter_map(|(span, e)| match e {
            Entry::Statement(s) if !matches!(**s, Statement::Explain(_)) => Some((*span, &**s)),
            _ => None,
        })
    }

    /// Earlier BACKUP statements, oldest first.
    pub fn backups(&self) -> impl Iterator<Item = (Span, &Backup)> {
        self.statements().filter_map(|(span, s)| match s {
            Statement::Backup(b) => Some((span, b)),
            _ => None,
        })
    }

    /// Whether an earlier backup-family statement failed to parse (what it did is unknown, so
    /// chain checks that depend on every earlier statement should stay quiet).
    pub fn has_broken(&self) -> bool {
        self.last_broken.is_some()
    }
}
