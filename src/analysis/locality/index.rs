//! What the file's earlier backups wrote, indexed by location, so the locality rules that look
//! back stay linear in the size of the file. The file context keeps it (`FileContext::locality`)
//! and adds each BACKUP and backup schedule as it is pushed, from the statement's facts.

use std::collections::BTreeSet;
use std::rc::Rc;

use foldhash::{HashMap, HashSet};

use crate::analysis::facts::{StatementFacts, Target};
use crate::analysis::few::Few;
use crate::analysis::locality::util::{self, Loc};
use crate::syntax::ast::*;
use crate::syntax::span::Span;

/// How an earlier backup wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `BACKUP … INTO coll`: a new full backup.
    Full,
    /// `BACKUP … INTO LATEST IN coll`.
    Latest,
    /// `BACKUP … INTO 'subdir' IN coll`.
    Subdir,
    /// `BACKUP … TO dest [INCREMENTAL FROM full, …]`; `incremental_from` holds the location of
    /// the full backup named by `INCREMENTAL FROM`, if given (`Some(None)`: not known).
    OldTo {
        incremental_from: Option<Option<String>>,
    },
    /// `CREATE SCHEDULE FOR BACKUP … INTO coll`.
    Schedule,
}

impl Kind {
    /// 0 for the collection syntax, 1 for the old `BACKUP … TO`.
    pub fn syntax(&self) -> usize {
        match self {
            Kind::OldTo { .. } => 1,
            _ => 0,
        }
    }
}

/// One URI of an earlier backup.
#[derive(Clone, Debug)]
pub struct Item {
    pub span: Span,
    pub location: Option<Location>,
    pub loc: Loc,
    /// The location's id (`Index::id`): known when the index knew it as the record was made,
    /// else given by `Index::add`.
    id: Option<LocId>,
}

/// One earlier backup.
#[derive(Debug)]
pub struct Record {
    pub kind: Kind,
    pub list_span: Span,
    /// Its URIs (most backups have one or two: kept in place).
    pub items: Few<Item>,
    /// Which of `items` keeps its metadata (the single URI or the `default` one), if known.
    default: Option<usize>,
    /// Its non-default localities, if known and valid.
    pub set: Option<BTreeSet<String>>,
}

impl Record {
    /// Every location, `None` if one is unknown.
    pub fn locations(&self) -> Option<Vec<Location>> {
        self.items.iter().map(|i| i.location.clone()).collect()
    }

    /// The item (its location and id) at `n`: the write location of `Written::of`.
    pub(crate) fn named(&self, n: usize) -> Option<Named> {
        let item = self.items.get(n)?;
        let location = item.location.as_ref()?;
        Some(match item.id {
            Some(id) => Named::Known(id),
            None => Named::New(location.clone()),
        })
    }
}

/// What a statement adds to the index (`Written::locality`).
#[derive(Debug, Default)]
pub enum Added {
    /// It is not a BACKUP or backup schedule.
    #[default]
    Nothing,
    /// (Boxed: the usual statement is `Again`, and `Written` is moved twice.)
    Record(Box<Record>),
    /// A collection backup into its one URI at location `id`, which the index already knows as
    /// its collection's (`Index::again`): its record would change nothing but that
    /// collection's `default_item`, to `span`, so none is made (most statements of a nightly
    /// file are `INTO LATEST IN` such a collection).
    Again { id: LocId, span: Span },
}

/// The default locations of the backups (of one syntax) that wrote at a location: all
/// `collection_of` needs, kept constant in size however many backups wrote there.
#[derive(Debug, Default)]
pub enum Defaults {
    #[default]
    None,
    /// Every one of them keeps its metadata here (a location id).
    One(LocId),
    /// They differ, or one is unknown (a placeholder or no unique `default` URI).
    Ambiguous,
}

impl Defaults {
    fn add(&mut self, default: Option<LocId>) {
        *self = match (std::mem::take(self), default) {
            (Defaults::None, Some(d)) => Defaults::One(d),
            (Defaults::One(x), Some(d)) if x == d => Defaults::One(x),
            _ => Defaults::Ambiguous,
        };
    }
}

/// What the index knows about one location.
#[derive(Debug, Default)]
pub struct LocInfo {
    /// Per syntax: the default locations of the backups that wrote here.
    pub defaults: [Defaults; 2],
    /// A backup with several URIs wrote here.
    pub in_multi: bool,
    /// The first old-syntax backup with exactly this one URI.
    pub first_old_single: Option<usize>,
    /// The latest old-syntax backup with several (all known) URIs, one of them here.
    pub last_old_multi: Option<usize>,
}

/// Where a location was written first: (location, URI span, its locality).
pub type Wrote = (Location, Span, Loc);

/// What the backups sharing one default location (one collection, or one `TO` destination)
/// wrote.
#[derive(Debug, Default)]
pub struct Collection {
    /// Every location written, oldest first.
    pub all: Vec<Wrote>,
    /// The same since the latest full backup (`BACKUP … INTO`).
    pub since_full: Vec<Wrote>,
    /// The locations in `all` and in `since_full`, once they are long (`SET_FROM`): each is
    /// added in O(1).
    all_seen: Option<Box<HashSet<Location>>>,
    since_full_seen: Option<Box<HashSet<Location>>>,
    pub last_full: Option<usize>,
    /// The locality set every full backup had; `Err` when they differ or one is unknown.
    pub full_set: Option<Result<BTreeSet<String>, ()>>,
    /// A schedule writes here (its full backups run at unknown times).
    pub schedule: bool,
    pub first: Option<usize>,
    /// The latest backup, for the old syntax only (what `INCREMENTAL FROM` builds on; a
    /// collection's layers build on `last_full`): a collection's records are not kept for it.
    pub last: Option<usize>,
    /// The `default` URI of the latest backup.
    pub default_item: Option<Span>,
}

/// A location's number in the file (`Index::id`): its slot in the index's table and in the
/// file state's, so each statement looks its location's text up once.
pub type LocId = usize;

/// A location as a statement names it: its id when the index knows it, else its text (new
/// to the file; `Index::name_of` gives it an id).
#[derive(Clone, Debug)]
pub enum Named {
    Known(LocId),
    New(Location),
}

/// What the index keeps per location id.
#[derive(Debug)]
struct Slot {
    name: Location,
    info: Option<Box<LocInfo>>,
    /// Per syntax, the backups whose default location this is.
    collections: [Option<Box<Collection>>; 2],
}

#[derive(Debug, Default)]
pub struct Index {
    /// The records some `LocInfo` or `Collection` still points at, by id, with how many
    /// pointers: a record no one points at any more is dropped (its slot reused, `free`), so a
    /// long file of backups to one place keeps a handful of records, not one per statement.
    records: Vec<Option<(Record, u32)>>,
    free: Vec<usize>,
    /// Every location named, once, with its id: the lists and records share its text.
    names: HashMap<Location, LocId>,
    /// By location id.
    slots: Vec<Slot>,
    /// An earlier backup-family statement failed to parse.
    pub broken: bool,
    /// The records one `add` stopped pointing at (kept to reuse its room).
    dropped: Vec<usize>,
    /// The location last named by a write (`name_of`): most statements name it again, and a
    /// comparison with it costs a fifth of a hash lookup.
    last_named: Option<LocId>,
}

/// Below this many locations a collection looks them up in its list; from it on, in a set
/// (built then): most collections hold one to three locations, and a set for each of them
/// cost more memory than every other part of the index.
const SET_FROM: usize = 16;

fn push_unique(
    v: &mut Vec<Wrote>,
    seen: &mut Option<Box<HashSet<Location>>>,
    item: &Item,
    location: &Location,
) {
    let present = if v.len() < SET_FROM {
        // Every location the index keeps is its one shared copy.
        v.iter().any(|w| Rc::ptr_eq(&w.0, location))
    } else {
        seen_in_set(v, seen, location)
    };
    if !present {
        crate::analysis::file_state::push_small(v, (location.clone(), item.span, item.loc.clone()));
    }
}

/// `push_unique`'s lookup in a long list's set, which it adds `location` to (out of line: most
/// lists are short, and the set's code made every call pay for its registers).
#[inline(never)]
fn seen_in_set(
    v: &[Wrote],
    seen: &mut Option<Box<HashSet<Location>>>,
    location: &Location,
) -> bool {
    let seen = seen.get_or_insert_with(|| Box::new(v.iter().map(|w| w.0.clone()).collect()));
    !seen.insert(location.clone())
}

/// A location's text shared by every part of the file state that names it: the index holds
/// each location once, so a file that writes to many places keeps one copy of each.
pub type Location = Rc<str>;

impl Record {
    /// The record of a BACKUP or backup schedule (not through EXPLAIN, which writes nothing),
    /// from its facts.
    /// Locations the index already knows share its copy and carry its id.
    pub fn of(stmt: &Statement, facts: &StatementFacts, index: &Index) -> Option<Record> {
        let (kind, list) = match stmt {
            Statement::Backup(b) => match &b.dest {
                BackupDest::Into { collection } => (Kind::Full, collection),
                BackupDest::IntoLatest { collection, .. } => (Kind::Latest, collection),
                BackupDest::IntoSubdir { collection, .. } => (Kind::Subdir, collection),
                BackupDest::To { uris, .. } => (
                    Kind::OldTo {
                        incremental_from: b
                            .incremental_from
                            .as_ref()
                            .map(|f| f.uris.first().and_then(|u| facts.location(u))),
                    },
                    uris,
                ),
            },
            Statement::CreateSchedule(s) => (Kind::Schedule, &s.collection),
            _ => return None,
        };
        // Each URI's parsed target (`None`: a placeholder) and locality, straight from the facts
        // (the usual single URI put in place, not collected).
        let targets: Few<Option<&Target<'_>>> = match list.items.as_slice() {
            [item] => Few::One([facts.parsed(item)]),
            items => items.iter().map(|item| facts.parsed(item)).collect(),
        };
        let locs = || targets.iter().map(|t| t.map_or(&UNKNOWN, |t| &t.locality));
        let item_of = |item: &StrValue, target: Option<&Target<'_>>| {
            let (location, id) = match target {
                Some(t) => match index.id(&t.location) {
                    Some(id) => (Some(index.slots[id].name.clone()), Some(id)),
                    None => (Some(Rc::from(&*t.location)), None),
                },
                None => (None, None),
            };
            Item {
                span: item.span,
                location,
                loc: target.map_or(Loc::Unknown, |t| t.locality.clone()),
                id,
            }
        };
        Some(Record {
            kind,
            list_span: list.span,
            default: util::default_index(locs()).filter(|&n| targets[n].is_some()),
            set: util::locality_set_of(locs()),
            items: match (list.items.as_slice(), &targets) {
                ([item], Few::One([target])) => Few::One([item_of(item, *target)]),
                (items, targets) => items
                    .iter()
                    .zip(targets)
                    .map(|(item, target)| item_of(item, *target))
                    .collect(),
            },
        })
    }
}

/// The locality of a placeholder.
static UNKNOWN: Loc = Loc::Unknown;

/// Points `field` at record `id`: counts the new pointer in `*added`, and the one it replaces
/// (if another record) in `dropped`.
fn point(field: &mut Option<usize>, id: usize, added: &mut u32, dropped: &mut Vec<usize>) {
    if *field == Some(id) {
        return;
    }
    if let Some(old) = field.replace(id) {
        dropped.push(old);
    }
    *added += 1;
}

impl Index {
    /// Record `id`, if some `LocInfo` or `Collection` holds it (every id they hold is kept).
    pub fn record(&self, id: usize) -> Option<&Record> {
        self.records.get(id)?.as_ref().map(|(r, _)| r)
    }

    /// The id of the location `text`, if the index knows it.
    #[inline]
    pub fn id(&self, text: &str) -> Option<LocId> {
        if let Some(last) = self.last_named
            && *self.slots[last].name == *text
        {
            return Some(last);
        }
        self.id_by_name(text)
    }

    /// `id` by the table of names (out of line: the usual lookup names `last_named` again,
    /// and inlining the hash lookup made every call pay for its registers).
    #[inline(never)]
    fn id_by_name(&self, text: &str) -> Option<LocId> {
        self.names.get(text).copied()
    }

    /// The location `text` as the index names it (see `Named`).
    pub fn named(&self, text: &str) -> Named {
        match self.id(text) {
            Some(id) => Named::Known(id),
            None => Named::New(Rc::from(text)),
        }
    }

    /// The text of location `id`.
    pub fn name(&self, id: LocId) -> &Location {
        &self.slots[id].name
    }

    /// The id of `name`, given one when it is new.
    pub fn name_of(&mut self, name: Named) -> LocId {
        let id = match name {
            Named::Known(id) => id,
            Named::New(text) => self.intern(text),
        };
        self.last_named = Some(id);
        id
    }

    fn intern(&mut self, text: Location) -> LocId {
        if let Some(&id) = self.names.get(&text) {
            return id;
        }
        let id = self.slots.len();
        self.names.insert(text.clone(), id);
        self.slots.push(Slot {
            name: text,
            info: None,
            collections: [None, None],
        });
        id
    }

    /// What the index knows about `location`.
    pub fn info(&self, location: &str) -> Option<&LocInfo> {
        self.slots[self.id(location)?].info.as_deref()
    }

    /// The backups (of the given syntax) whose default location is `location`.
    pub fn collection(&self, syntax: usize, location: &str) -> Option<&Collection> {
        self.collection_at(syntax, self.id(location)?)
    }

    /// [`Self::collection`] of the location `id`.
    pub fn collection_at(&self, syntax: usize, id: LocId) -> Option<&Collection> {
        self.slots[id].collections[syntax].as_deref()
    }

    /// For a `BACKUP … INTO LATEST IN` or `INTO 'subdir' IN` one URI (not through EXPLAIN)
    /// that `Added::Again` describes, its location's id and the URI's span. The location must
    /// be the default of every collection-syntax backup that wrote there, and its collection
    /// have a first backup and list it in `all` and `since_full` (short lists, scanned): adding
    /// the record would then only move the collection's `default_item`.
    pub fn again(&self, stmt: &Statement, facts: &StatementFacts) -> Option<(LocId, Span)> {
        #[cfg(test)]
        if tests::NO_AGAIN.get() {
            return None;
        }
        let Statement::Backup(b) = stmt else {
            return None;
        };
        let (BackupDest::IntoLatest { collection, .. } | BackupDest::IntoSubdir { collection, .. }) =
            &b.dest
        else {
            return None;
        };
        let [item] = collection.items.as_slice() else {
            return None;
        };
        let id = self.id(&facts.parsed(item)?.location)?;
        let slot = &self.slots[id];
        if !matches!(slot.info.as_deref()?.defaults[0], Defaults::One(d) if d == id) {
            return None;
        }
        let c = slot.collections[0].as_deref()?;
        let listed =
            |v: &[Wrote]| v.len() < SET_FROM && v.iter().any(|w| Rc::ptr_eq(&w.0, &slot.name));
        (c.first.is_some() && listed(&c.all) && listed(&c.since_full)).then_some((id, item.span))
    }

    /// Adds the next earlier backup-family statement.
    pub fn add(&mut self, added: Added) {
        match added {
            Added::Nothing => {}
            Added::Record(record) => self.add_record(record),
            Added::Again { id, span } => {
                if let Some(c) = self.slots[id].collections[0].as_deref_mut() {
                    c.default_item = Some(span);
                }
            }
        }
    }

    /// Adds the next earlier backup.
    fn add_record(&mut self, mut record: Box<Record>) {
        for item in &mut record.items {
            if let Some(l) = &item.location
                && item.id.is_none()
            {
                let id = self.intern(l.clone());
                item.location = Some(self.slots[id].name.clone());
                item.id = Some(id);
            }
        }
        let Record {
            kind,
            items,
            default,
            set,
            ..
        } = &*record;
        let default = default.and_then(|n| items[n].id);
        let id = self.free.last().copied().unwrap_or(self.records.len());
        // Pointers to this record made, and pointers to older records replaced.
        let mut added = 0;
        let mut dropped = std::mem::take(&mut self.dropped);
        let syntax = kind.syntax();
        let all_known = items.iter().all(|i| i.location.is_some());
        for item in items {
            let Some(l) = item.id else {
                continue;
            };
            let info = self.slots[l].info.get_or_insert_default();
            info.defaults[syntax].add(default);
            if items.len() >= 2 {
                info.in_multi = true;
            }
            if syntax == 1 {
                if items.len() == 1 && info.first_old_single.is_none() {
                    point(&mut info.first_old_single, id, &mut added, &mut dropped);
                }
                if items.len() >= 2 && all_known {
                    point(&mut info.last_old_multi, id, &mut added, &mut dropped);
                }
            }
        }
        if let Some(d) = default {
            let c = self.slots[d].collections[syntax].get_or_insert_default();
            if *kind == Kind::Full {
                point(&mut c.last_full, id, &mut added, &mut dropped);
                c.since_full.clear();
                c.since_full_seen = None;
                c.full_set = Some(match (c.full_set.take(), set) {
                    (None, Some(s)) => Ok(s.clone()),
                    (Some(Ok(prev)), Some(s)) if prev == *s => Ok(prev),
                    _ => Err(()),
                });
            }
            if *kind == Kind::Schedule {
                c.schedule = true;
            }
            if c.first.is_none() {
                point(&mut c.first, id, &mut added, &mut dropped);
            }
            if syntax == 1 {
                point(&mut c.last, id, &mut added, &mut dropped);
            }
            for item in items {
                let (Some(l), Some(n)) = (&item.location, item.id) else {
                    continue;
                };
                push_unique(&mut c.all, &mut c.all_seen, item, l);
                push_unique(&mut c.since_full, &mut c.since_full_seen, item, l);
                if n == d {
                    c.default_item = Some(item.span);
                }
            }
        }
        if added > 0 {
            if id == self.records.len() {
                self.records.push(Some((*record, added)));
            } else {
                self.free.pop();
                self.records[id] = Some((*record, added));
            }
        }
        for &old in &dropped {
            if let Some(Some((_, refs))) = self.records.get_mut(old) {
                *refs -= 1;
                if *refs == 0 {
                    self.records[old] = None;
                    self.free.push(old);
                }
            }
        }
        dropped.clear();
        self.dropped = dropped;
    }

    /// The backups (of the given syntax) that share a location with `locations`: their common
    /// default location and what they wrote. `None` when unknowable: an earlier statement did
    /// not parse, or the backups disagree on (or do not say) where the metadata is.
    pub fn collection_of(&self, locations: &[&str], syntax: usize) -> Option<(&str, &Collection)> {
        if self.broken {
            return None;
        }
        let mut default: Option<LocId> = None;
        for l in locations {
            let Some(info) = self.info(l) else {
                continue;
            };
            match info.defaults[syntax] {
                Defaults::None => {}
                Defaults::One(d) => match default {
                    None => default = Some(d),
                    Some(x) if x == d => {}
                    Some(_) => return None,
                },
                Defaults::Ambiguous => return None,
            }
        }
        let slot = &self.slots[default?];
        Some((&slot.name, slot.collections[syntax].as_deref()?))
    }
}

/// The layer indexes of a RESTORE that fall in a `misgrouped_runs` run (reported once by the
/// misgrouping rule, so the per-layer locality rules skip them); none for other statements.
pub fn misgrouped_layers(
    stmt: &Statement,
    facts: &StatementFacts<'_>,
    index: &Index,
) -> Vec<usize> {
    match crate::analysis::walk::inner(stmt) {
        Statement::Restore(Restore {
            from: RestoreFrom::Uris { layers },
            ..
        }) => misgrouped_runs(layers, facts, index)
            .into_iter()
            .flatten()
            .collect(),
        _ => Vec::new(),
    }
}

/// Runs of consecutive single-URI layers of an old-syntax `RESTORE … FROM a, b, …` that are
/// one locality-aware backup written without parentheses (so RESTORE reads them as a chain):
/// URIs of one earlier `BACKUP … TO (…)` list, or URIs whose `COCKROACH_LOCALITY` parameters
/// (one `default`, other tiers) show they belong together. Ranges of layer indexes.
pub fn misgrouped_runs<'a>(
    layers: &'a [StrList],
    facts: &'a StatementFacts<'a>,
    index: &Index,
) -> Vec<std::ops::Range<usize>> {
    let singles: Vec<Option<util::LocUri<'_>>> = layers
        .iter()
        .map(|l| (!l.parens && l.items.len() == 1).then(|| util::read_item(facts, &l.items[0])))
        .collect();
    let n = singles.len();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < n {
        let Some(u) = &singles[i] else {
            i += 1;
            continue;
        };
        if !index.broken
            && let Some(loc) = u.location()
            && let Some(w) = index
                .info(&loc)
                .and_then(|info| info.last_old_multi)
                .and_then(|r| index.record(r)?.locations())
        {
            let mut seen = vec![loc];
            let mut j = i + 1;
            while let Some(Some(next)) = singles.get(j)
                && let Some(l) = next.location()
                && w.iter().any(|x| **x == *l)
                && !seen.contains(&l)
            {
                seen.push(l);
                j += 1;
            }
            if j - i >= 2 {
                runs.push(i..j);
                i = j;
                continue;
            }
        }
        if matches!(u.loc, Loc::Default | Loc::Tier(_)) {
            let mut has_default = u.loc == Loc::Default;
            let mut has_tier = !has_default;
            let mut j = i + 1;
            while let Some(Some(next)) = singles.get(j) {
                match next.loc {
                    Loc::Tier(_) => has_tier = true,
                    Loc::Default if !has_default => has_default = true,
                    _ => break,
                }
                j += 1;
            }
            if j - i >= 2 && has_tier {
                runs.push(i..j);
                i = j;
                continue;
            }
        }
        i += 1;
    }
    runs
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::check::engine::{CheckOptions, Threads, check_source};

    thread_local! {
        /// Makes `Index::again` find nothing on this thread: every statement adds its record.
        pub(crate) static NO_AGAIN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Random files of full and appended backups into a few collections (one URI and
    /// locality lists, the default in either place, through EXPLAIN, old syntax), restores,
    /// shows and schedules: every finding is the same whether an `INTO LATEST` into a known
    /// collection adds a record (`NO_AGAIN`) or only moves the collection's default
    /// (`Added::Again`).
    #[test]
    fn again_finds_what_a_record_finds() {
        let uri = |l: &str, loc: &str| format!("'s3://b/{l}?AUTH=implicit{loc}'");
        let pool = |n: usize| -> String {
            let (a, b, c) = (
                ["a", "b", "c"][n % 3],
                ["b", "c", "a"][n % 3],
                ["c", "a", "b"][n % 3],
            );
            let list = |x: &str, y: &str| {
                format!(
                    "({}, {})",
                    uri(x, "&COCKROACH_LOCALITY=default"),
                    uri(y, "&COCKROACH_LOCALITY=region%3Dus-west")
                )
            };
            match n % 12 {
                0 => format!("BACKUP INTO {}", uri(a, "")),
                1 | 2 => format!("BACKUP INTO LATEST IN {}", uri(a, "")),
                3 => format!(
                    "BACKUP INTO '2024/01/0{}-000000.00' IN {}",
                    n % 9 + 1,
                    uri(b, "")
                ),
                4 => format!("BACKUP INTO {}", list(a, b)),
                5 => format!("BACKUP INTO LATEST IN {}", list(a, c)),
                6 => format!("BACKUP INTO LATEST IN {}", list(b, a)),
                7 => format!("EXPLAIN BACKUP INTO LATEST IN {}", uri(c, "")),
                8 => format!("BACKUP DATABASE d TO {}", uri(a, "")),
                9 => format!("RESTORE FROM LATEST IN {}", list(a, b)),
                10 => format!("SHOW BACKUP FROM LATEST IN {}", uri(b, "")),
                _ => format!(
                    "CREATE SCHEDULE s FOR BACKUP INTO {} RECURRING '@daily'",
                    uri(c, "")
                ),
            }
        };
        let mut next = crate::test_rng(0x9e37_79b9_7f4a_7c15);
        let mut located = false;
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..next(40) {
                text.push_str(&pool(next(36)));
                text.push_str(";\n");
            }
            let opts = CheckOptions {
                now: Some(1_796_515_200),
                threads: Threads::One,
                ..CheckOptions::default()
            };
            let with_again = check_source(&text, &opts);
            NO_AGAIN.set(true);
            let with_records = check_source(&text, &opts);
            NO_AGAIN.set(false);
            assert_eq!(with_again, with_records, "{text}");
            located |= with_again.iter().any(|d| d.code.code.starts_with('L'));
        }
        assert!(
            located,
            "no locality finding in any file: the files test nothing"
        );
    }

    fn codes(text: &str) -> Vec<&'static str> {
        check_source(text, &CheckOptions::default())
            .into_iter()
            .map(|d| d.code.code)
            .filter(|c| c.starts_with('L'))
            .collect()
    }

    #[test]
    fn the_index_never_leaks_from_one_file_into_the_next() {
        let backup = "BACKUP INTO ('s3://e?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://w?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';\n";
        let restore = "RESTORE FROM LATEST IN ('s3://w?AUTH=implicit', 's3://e?AUTH=implicit');\n";
        let with_backup = format!("{backup}{restore}");
        let other = format!("SELECT 1;\n{restore}");
        for _ in 0..2 {
            assert_eq!(codes(&with_backup), ["L008"]);
            assert!(codes(restore).is_empty());
            assert!(codes(&other).is_empty());
        }
    }
}
