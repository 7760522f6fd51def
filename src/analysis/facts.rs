//! What the rules need to know about one statement, worked out once before they run: every
//! URI with its role, parsed once, with its location and locality; the destination lists; the
//! `AS OF SYSTEM TIME` reading. Rules and the file state read these instead of re-parsing
//! (before, a URI was parsed about 20 times per statement).

use crate::analysis::few::Few;
use crate::analysis::locality::util::{self, Loc};
use crate::analysis::walk;
use crate::syntax::ast::*;
use crate::syntax::uri::{Location, Param, StorageUri};

/// A set of statement kinds (of the statement EXPLAIN wraps, for an EXPLAIN): which
/// statements a rule looks at. A rule that judges a statement alone may narrow it to the
/// statements that have one of some traits (`StatementKinds::having`): it is not invoked on
/// the others, where it could not fire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatementKinds {
    kinds: u16,
    /// What the statement must have one of; none: nothing.
    needs: StatementTraits,
}

/// Traits of a statement that some rules need to fire, a set: each storage URI's provider at
/// the check's target release, an unsupported scheme, a query, a user (named by the storage
/// rules' helpers); the `AS OF SYSTEM TIME` reading (`crate::analysis::aost`); some options
/// (named by the option rules' helpers). Bits 0–15 are the URIs', 16–19 the readings', 20–23
/// the options'.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatementTraits(u32);

impl StatementTraits {
    pub const NONE: Self = Self(0);
    /// The trait every statement has: what a rule that needs nothing needs.
    pub const EVERY: Self = Self(1 << 31);
    /// Every trait (tests: a statement that lacks nothing).
    #[cfg(test)]
    pub const ALL: Self = Self(u32::MAX);

    /// The trait of bit `n` (below 31).
    pub const fn bit(n: u32) -> Self {
        Self(1 << n)
    }

    /// Both sets (`const`, for `Rule` statics).
    pub const fn or(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    pub const fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl StatementKinds {
    const fn kinds(kinds: u16) -> Self {
        Self {
            kinds,
            needs: StatementTraits::NONE,
        }
    }

    pub const BACKUP: Self = Self::kinds(1);
    pub const RESTORE: Self = Self::kinds(1 << 1);
    pub const SHOW_BACKUPS: Self = Self::kinds(1 << 2);
    pub const SHOW_BACKUP: Self = Self::kinds(1 << 3);
    pub const SHOW_BACKUP_CONNECTION: Self = Self::kinds(1 << 4);
    pub const CREATE_SCHEDULE: Self = Self::kinds(1 << 5);
    pub const ALTER_BACKUP_SCHEDULE: Self = Self::kinds(1 << 6);
    pub const ALTER_BACKUP: Self = Self::kinds(1 << 7);
    pub const ALL: Self = Self::kinds(0xff);
    /// How many kinds there are (the bits of `ALL`).
    pub const COUNT: usize = 8;

    const _ALL_IS_COUNT_BITS: () = assert!(Self::ALL.kinds == (1 << Self::COUNT) - 1);

    /// The kind of bit `n` (below `COUNT`).
    pub const fn nth(n: usize) -> Self {
        Self::kinds(1 << n)
    }

    /// Both sets (`const`, for `Rule` statics): a statement either takes in.
    pub const fn or(self, other: Self) -> Self {
        let needs = if self.needs.is_empty() || other.needs.is_empty() {
            StatementTraits::NONE
        } else {
            self.needs.or(other.needs)
        };
        Self {
            kinds: self.kinds | other.kinds,
            needs,
        }
    }

    /// These kinds, narrowed to the statements that have one of `traits` (for a rule that
    /// judges a statement alone and fires only on such a statement).
    pub const fn having(self, traits: StatementTraits) -> Self {
        Self {
            kinds: self.kinds,
            needs: self.needs.or(traits),
        }
    }

    /// Whether the two sets share a kind.
    pub const fn intersects(self, other: Self) -> bool {
        self.kinds & other.kinds != 0
    }

    /// What a statement must have one of (`having`); none: nothing.
    pub const fn needs(self) -> StatementTraits {
        self.needs
    }

    /// The kind of `stmt`, EXPLAIN seen through.
    pub fn of(stmt: &Statement) -> Self {
        match walk::inner(stmt) {
            Statement::Backup(_) => Self::BACKUP,
            Statement::Restore(_) => Self::RESTORE,
            Statement::ShowBackups(_) => Self::SHOW_BACKUPS,
            Statement::ShowBackup(_) => Self::SHOW_BACKUP,
            Statement::ShowBackupConnection(_) => Self::SHOW_BACKUP_CONNECTION,
            Statement::CreateSchedule(_) => Self::CREATE_SCHEDULE,
            Statement::AlterBackupSchedule(_) => Self::ALTER_BACKUP_SCHEDULE,
            Statement::AlterBackup(_) => Self::ALTER_BACKUP,
            // `inner` never returns an EXPLAIN.
            Statement::Explain(_) => Self::ALL,
        }
    }
}

/// What a URI is for in its statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Where a BACKUP / CREATE SCHEDULE / `ALTER BACKUP SCHEDULE … SET INTO` writes.
    Destination,
    /// `BACKUP … INCREMENTAL FROM` (old syntax): earlier layers, read.
    IncrementalFrom,
    /// What RESTORE / SHOW BACKUP(S) / SHOW BACKUP CONNECTION read.
    Source,
    /// `incremental_location = …`; `writes` for BACKUP and schedules.
    IncrementalLocation { writes: bool },
    /// SHOW BACKUP `encryption_info_dir = …`.
    EncryptionInfoDir,
    /// The backup or collection of `ALTER BACKUP … ADD NEW_KMS`.
    AlterLocation,
    /// `kms = …`, `NEW_KMS = …`, `OLD_KMS = …`: a KMS URI, not a storage URI.
    Kms,
}

impl Role {
    pub fn is_kms(self) -> bool {
        self == Role::Kms
    }

    /// Whether backup data is written there.
    pub fn writes_backup(self) -> bool {
        matches!(
            self,
            Role::Destination | Role::IncrementalLocation { writes: true }
        )
    }
}

/// One string value of a statement that CockroachDB reads as a URI.
#[derive(Clone, Copy, Debug)]
pub struct UriRef<'s> {
    pub item: &'s StrValue,
    pub role: Role,
}

/// A URI whose text is known (a literal or bare word), parsed once with what the rules read
/// from it.
#[derive(Clone, Debug)]
pub struct Target<'s> {
    pub item: &'s StrValue,
    pub role: Role,
    pub text: &'s str,
    pub uri: StorageUri<'s>,
    /// `uri.location()`: what identifies the place across statements.
    pub location: std::borrow::Cow<'s, str>,
    /// The locality CockroachDB reads (Go's query parsing) and the pair it comes from.
    pub locality: Loc,
    pub locality_param: Option<Param<'s>>,
    /// Contains a documentation placeholder (`crate::syntax::template`): the storage rules do not
    /// judge it, the chain and locality rules still compare where it points.
    pub templated: bool,
}

impl Target<'_> {
    /// Byte range of `part` (a slice of `self.text`) within the text.
    pub fn range_of(&self, part: &str) -> std::ops::Range<usize> {
        let start = part.as_ptr() as usize - self.text.as_ptr() as usize;
        start..start + part.len()
    }

    /// Where the URI points (`StorageUri::loc`).
    pub fn location(&self) -> Location<'_> {
        self.uri.loc()
    }

    /// Whether the URI carries `COCKROACH_LOCALITY=default` (first pair, as written).
    pub fn is_default_locality(&self) -> bool {
        self.uri
            .locality()
            .is_some_and(|p| p.decoded_value() == "default")
    }
}

/// The `AS OF SYSTEM TIME` clause of a BACKUP or RESTORE (through EXPLAIN), read once.
#[derive(Debug)]
pub struct Aost<'s> {
    pub as_of: &'s AsOf,
    /// `BACKUP` or `RESTORE`.
    pub statement: &'static str,
    pub reading: crate::analysis::aost::Reading,
}

/// The facts of one parsed statement. Rules read these instead of re-deriving them.
#[derive(Debug)]
pub struct StatementFacts<'s> {
    pub kind: StatementKinds,
    /// Every URI of the statement in source order of its clauses (EXPLAIN seen through).
    pub uris: Uris<'s>,
    /// The URIs whose text is known (placeholders left out), parsed once, in `uris` order.
    pub parsed: Targets<'s>,
    /// `(address of the item, index into parsed)` sorted by address, for statements with many
    /// URIs (a few are searched in order).
    by_address: Vec<(usize, usize)>,
    pub aost: Option<Aost<'s>>,
    /// Every option item (`walk::option_items`), `ALTER BACKUP SCHEDULE … SET WITH` ones included.
    pub option_items: walk::OptionItems<'s>,
    /// The statement's name in CockroachDB's type-check errors of its options (`BACKUP`).
    pub option_statement: &'static str,
    /// The lists whose `COCKROACH_LOCALITY` parameters CockroachDB parses
    /// (`locality::util::destination_lists`).
    pub destination_lists: util::DestLists<'s>,
    /// The destination list (`walk::backup_destination`) and the position in `parsed` of its
    /// default URI (`None`: a placeholder), worked out once: the file state and several chain
    /// rules ask for its location (`list_location_ref`).
    destination: Option<(&'s StrList, Option<usize>)>,
}

/// A statement's URIs (`StatementFacts::uris`).
pub type Uris<'s> = Few<UriRef<'s>>;

/// A statement's parsed URIs (`StatementFacts::parsed`), read as a slice: one held in place,
/// the usual statement's, more on the heap. A target is about 256 bytes and the engine moves
/// the facts several times per statement on both threads: two in place (a `Few`) made the
/// facts 800 bytes, and a `Vec` for one would be freed on the judging thread.
#[derive(Debug, Default)]
#[allow(clippy::large_enum_variant)] // the one target is held in place on purpose
pub enum Targets<'s> {
    #[default]
    Empty,
    One(Target<'s>),
    Many(Vec<Target<'s>>),
}

impl<'s> std::ops::Deref for Targets<'s> {
    type Target = [Target<'s>];

    fn deref(&self) -> &[Target<'s>] {
        match self {
            Targets::Empty => &[],
            Targets::One(t) => std::slice::from_ref(t),
            Targets::Many(v) => v,
        }
    }
}

impl<'s> FromIterator<Target<'s>> for Targets<'s> {
    fn from_iter<I: IntoIterator<Item = Target<'s>>>(items: I) -> Self {
        let mut items = items.into_iter();
        let Some(a) = items.next() else {
            return Targets::Empty;
        };
        let Some(b) = items.next() else {
            return Targets::One(a);
        };
        let mut v = Vec::with_capacity(2 + items.size_hint().0);
        v.extend([a, b]);
        v.extend(items);
        Targets::Many(v)
    }
}

impl<'s> StatementFacts<'s> {
    /// Facts for no statement (a statement that did not parse).
    pub const fn empty() -> StatementFacts<'static> {
        StatementFacts {
            kind: StatementKinds::kinds(0),
            uris: Few::new(),
            parsed: Targets::Empty,
            by_address: Vec::new(),
            aost: None,
            option_items: Few::new(),
            option_statement: "",
            destination_lists: Few::new(),
            destination: None,
        }
    }

    /// Works out the facts of `stmt`. `templates` are the file's documentation placeholders
    /// (a URI containing one is not judged); `now` is the check's clock in seconds since 1970.
    pub fn of(
        stmt: &'s Statement,
        templates: &[crate::syntax::template::Template],
        now: i64,
    ) -> StatementFacts<'s> {
        let mut uris = Uris::new();
        uris_into(stmt, &mut uris);
        let parsed: Targets<'s> = uris
            .iter()
            .filter_map(|r| {
                let text = r.item.text()?;
                let templated = templates
                    .iter()
                    .any(|t| r.item.span.start <= t.span.start && t.span.end <= r.item.span.end);
                let uri = StorageUri::parse(text);
                let (locality, locality_param) = util::read_locality(&uri);
                Some(Target {
                    item: r.item,
                    role: r.role,
                    text,
                    location: uri.location_text(),
                    uri,
                    locality,
                    locality_param,
                    templated,
                })
            })
            .collect();
        let mut by_address = Vec::new();
        if parsed.len() > SEARCHED_IN_ORDER {
            by_address = parsed
                .iter()
                .enumerate()
                .map(|(n, t)| (address(t.item), n))
                .collect();
            by_address.sort_unstable();
        }
        let aost = crate::analysis::aost::as_of(stmt).map(|(as_of, statement)| Aost {
            as_of,
            statement,
            reading: crate::analysis::aost::read(&as_of.expr, now),
        });
        let (option_statement, option_items) = walk::option_items(stmt);
        let destination = walk::backup_destination(stmt).map(|list| {
            let at = |item: &StrValue| position(&parsed, &by_address, item);
            let default = default_in(list, |item| Some(&parsed[at(item)?]));
            (list, default.and_then(at))
        });
        // Built in place as the result (no copy of a finished value).
        StatementFacts {
            kind: StatementKinds::of(stmt),
            uris,
            parsed,
            by_address,
            aost,
            option_items,
            option_statement,
            destination_lists: util::destination_lists(stmt),
            destination,
        }
    }

    /// The URIs the storage rules judge: known text, no documentation placeholder.
    pub fn targets(&self) -> impl Iterator<Item = &Target<'s>> {
        self.parsed.iter().filter(|t| !t.templated)
    }

    /// The parsed URI of `item`, a URI of this statement; `None` for a placeholder or a value
    /// that is not one of the statement's URIs.
    pub fn parsed(&self, item: &StrValue) -> Option<&Target<'s>> {
        self.parsed.get(self.parsed_at(item)?)
    }

    /// The position of `item`'s parsed URI in `parsed` (see `parsed`).
    fn parsed_at(&self, item: &StrValue) -> Option<usize> {
        position(&self.parsed, &self.by_address, item)
    }

    /// Where `item` points (`StorageUri::location`); `None` for a placeholder. A value that is
    /// not one of this statement's URIs (one of an earlier statement) is parsed here.
    pub fn location(&self, item: &StrValue) -> Option<String> {
        match self.parsed(item) {
            Some(t) => Some(t.location.to_string()),
            None => item.text().map(|t| StorageUri::parse(t).location()),
        }
    }

    /// The URI that identifies a list: its `COCKROACH_LOCALITY=default` one, else the first.
    /// A list of an earlier statement is parsed here.
    pub fn default_uri<'l>(&self, list: &'l StrList) -> Option<&'l StrValue> {
        default_in(list, |item| self.parsed(item))
    }

    /// The location of a list (its default URI's; see `default_uri`).
    pub fn list_location(&self, list: &StrList) -> Option<String> {
        self.list_location_ref(list)
            .map(std::borrow::Cow::into_owned)
    }

    /// [`Self::list_location`], borrowed from the parsed URI when this statement's.
    pub fn list_location_ref(&self, list: &StrList) -> Option<std::borrow::Cow<'_, str>> {
        if let Some((destination, default)) = self.destination
            && std::ptr::eq(destination, list)
        {
            // Every URI of the destination with a known text is in `parsed`.
            return default.map(|n| std::borrow::Cow::Borrowed(&*self.parsed[n].location));
        }
        let item = self.default_uri(list)?;
        match self.parsed(item) {
            Some(t) => Some(std::borrow::Cow::Borrowed(&*t.location)),
            None => self.location(item).map(std::borrow::Cow::Owned),
        }
    }
}

/// Up to this many URIs, `StatementFacts::parsed` searches in order.
const SEARCHED_IN_ORDER: usize = 8;

/// The position of `item`'s parsed URI in `parsed` (`StatementFacts::parsed_at`).
fn position(parsed: &[Target], by_address: &[(usize, usize)], item: &StrValue) -> Option<usize> {
    if parsed.len() <= SEARCHED_IN_ORDER {
        return parsed.iter().position(|t| std::ptr::eq(t.item, item));
    }
    let n = by_address
        .binary_search_by_key(&address(item), |&(a, _)| a)
        .ok()?;
    Some(by_address[n].1)
}

/// `StatementFacts::default_uri`, `parsed` giving an item's parsed URI when the statement's.
fn default_in<'l, 'p, 's: 'p>(
    list: &'l StrList,
    parsed: impl Fn(&StrValue) -> Option<&'p Target<'s>>,
) -> Option<&'l StrValue> {
    // A single URI is the default either way.
    if let [only] = list.items.as_slice() {
        return Some(only);
    }
    list.items
        .iter()
        .find(|s| match parsed(s) {
            Some(t) => t.is_default_locality(),
            // An earlier statement's list.
            None => s.text().is_some_and(|t| {
                StorageUri::parse(t)
                    .locality()
                    .is_some_and(|p| p.decoded_value() == "default")
            }),
        })
        .or_else(|| list.items.first())
}

fn address(item: &StrValue) -> usize {
    item as *const StrValue as usize
}

fn push_list<'s>(out: &mut Uris<'s>, list: &'s StrList, role: Role) {
    out.extend(list.items.iter().map(|item| UriRef { item, role }));
}

fn push_option<'s>(out: &mut Uris<'s>, item: &'s OptionItem, writes: bool) {
    let role = match item.key {
        OptKey::Kms => Role::Kms,
        OptKey::IncrementalLocation => Role::IncrementalLocation { writes },
        OptKey::EncryptionInfoDir => Role::EncryptionInfoDir,
        _ => return,
    };
    match &item.value {
        OptValue::Str(s) => out.push(UriRef { item: s, role }),
        OptValue::List(l) => push_list(out, l, role),
        _ => {}
    }
}

fn push_options<'s>(out: &mut Uris<'s>, list: &'s Option<OptionList>, writes: bool) {
    for item in list.iter().flat_map(|l| l.items.iter()) {
        push_option(out, item, writes);
    }
}

/// Every URI of the statement (EXPLAIN seen through), in source order of its clauses.
/// Subdirectories (`'2024/05/01-120000.00'`, `LATEST`) before `IN` are not URIs and are left out.
pub fn statement_uris(stmt: &Statement) -> Vec<UriRef<'_>> {
    let mut out = Uris::new();
    uris_into(stmt, &mut out);
    out.into_vec()
}

/// [`statement_uris`] into `out`.
fn uris_into<'s>(stmt: &'s Statement, out: &mut Uris<'s>) {
    match walk::inner(stmt) {
        Statement::Backup(b) => {
            match &b.dest {
                BackupDest::To { uris, .. } => push_list(out, uris, Role::Destination),
                BackupDest::Into { collection }
                | BackupDest::IntoLatest { collection, .. }
                | BackupDest::IntoSubdir { collection, .. } => {
                    push_list(out, collection, Role::Destination)
                }
            }
            if let Some(inc) = &b.incremental_from {
                out.extend(inc.uris.iter().map(|item| UriRef {
                    item,
                    role: Role::IncrementalFrom,
                }));
            }
            push_options(out, &b.options, true);
        }
        Statement::Restore(r) => {
            match &r.from {
                RestoreFrom::Uris { layers } => {
                    for l in layers {
                        push_list(out, l, Role::Source);
                    }
                }
                RestoreFrom::Collection { collections, .. } => {
                    for l in collections {
                        push_list(out, l, Role::Source);
                    }
                }
                // A replication stream address is not a storage URI.
                RestoreFrom::ReplicationStream { .. } => {}
            }
            push_options(out, &r.options, false);
        }
        Statement::ShowBackups(s) => {
            push_list(out, &s.collection, Role::Source);
            push_options(out, &s.options, false);
        }
        Statement::ShowBackup(s) => {
            match &s.collections {
                // The pre-collection form: the path is the backup's URI.
                None => out.push(UriRef {
                    item: &s.path,
                    role: Role::Source,
                }),
                Some(lists) => {
                    for l in lists {
                        push_list(out, l, Role::Source);
                    }
                }
            }
            push_options(out, &s.options, false);
        }
        Statement::ShowBackupConnection(s) => out.push(UriRef {
            item: &s.uri,
            role: Role::Source,
        }),
        Statement::CreateSchedule(s) => {
            push_list(out, &s.collection, Role::Destination);
            push_options(out, &s.backup_options, true);
        }
        Statement::AlterBackupSchedule(a) => {
            for cmd in &a.cmds {
                match &cmd.kind {
                    ScheduleCmdKind::SetInto(l) => push_list(out, l, Role::Destination),
                    // `SET WITH kms = ''` / `('')` unsets the option: no URI to judge.
                    ScheduleCmdKind::SetWith(item) if !item.unsets() => {
                        push_option(out, item, true)
                    }
                    _ => {}
                }
            }
        }
        Statement::AlterBackup(a) => {
            out.push(UriRef {
                item: &a.location,
                role: Role::AlterLocation,
            });
            for cmd in &a.cmds {
                push_list(out, &cmd.new_kms, Role::Kms);
                push_list(out, &cmd.old_kms, Role::Kms);
            }
        }
        Statement::Explain(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsed_holds_every_known_uri_in_order() {
        for n in 0..4 {
            let uris: Vec<String> = (0..n).map(|k| format!("'s3://b/{k}'")).collect();
            let sql = match n {
                0 => "BACKUP INTO $1;".to_string(),
                _ => format!("BACKUP INTO ({}) WITH kms = $2;", uris.join(", ")),
            };
            let parsed = crate::syntax::parser::parse(&sql);
            let stmt = parsed.parsed().next().unwrap();
            let facts = StatementFacts::of(stmt, &[], 0);
            let texts: Vec<&str> = facts.parsed.iter().map(|t| t.text).collect();
            let expected: Vec<String> = (0..n).map(|k| format!("s3://b/{k}")).collect();
            assert_eq!(texts, expected, "{sql}");
            for item in walk::backup_destination(stmt).unwrap().items.iter() {
                assert_eq!(
                    facts.parsed(item).map(|t| t.item),
                    item.text().map(|_| item)
                );
            }
        }
    }

    #[test]
    fn finds_each_uri_of_a_long_list() {
        let uris: Vec<String> = (0..20)
            .map(|n| format!("'s3://b/{n}?COCKROACH_LOCALITY=region%3Dr{n}'"))
            .collect();
        let sql = format!("BACKUP INTO ({});", uris.join(", "));
        let parsed = crate::syntax::parser::parse(&sql);
        let stmt = parsed.parsed().next().unwrap();
        let facts = StatementFacts::of(stmt, &[], 0);
        let list = walk::backup_destination(stmt).unwrap();
        for (n, item) in list.items.iter().enumerate() {
            assert_eq!(facts.location(item), Some(format!("s3://b/{n}")));
        }
        let other = StrValue {
            kind: StrKind::Literal("s3://elsewhere/x?AUTH=implicit".into()),
            span: crate::syntax::span::Span::new(0, 0),
        };
        assert!(facts.parsed(&other).is_none());
        assert_eq!(facts.location(&other).as_deref(), Some("s3://elsewhere/x"));
    }
}
