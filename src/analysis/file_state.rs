//! A compact record per written location, kept up to date as statements are added to the
//! file context, so the chain and collection rules answer in O(1) amortised per statement
//! instead of walking every earlier write of a location. What is recorded comes from each
//! statement's facts (`Written`): no earlier URI is parsed again.

use crate::analysis::chain as model;
use crate::analysis::facts::StatementFacts;
use crate::analysis::locality;
use crate::analysis::time::{self, Hlc};
use crate::syntax::ast::{BackupDest, Expr, ExprKind, Statement};

/// What the file state keeps of a statement, taken from its facts before its tree moves into
/// the file context (owned: the facts borrow the tree). Worked out before the rules judge the
/// statement (`rules::Ctx::written`): they share its location id and `incremental_location`.
#[derive(Debug, Default)]
pub struct Written {
    /// Where it writes backups (`analysis::context::write_location`): its id when the locality
    /// index knows the location.
    pub location: Option<locality::index::Named>,
    /// What the locality rules keep of a BACKUP or backup schedule.
    pub locality: locality::index::Added,
    /// Its `incremental_location` (`chain::model::incremental_location`).
    pub incremental_location: Option<Option<String>>,
}

impl Written {
    /// The id of the location it writes, when the locality index knew the location before
    /// this statement (`None`: it writes nowhere, or where no earlier statement wrote).
    pub fn location_id(&self) -> Option<locality::index::LocId> {
        match self.location {
            Some(locality::index::Named::Known(id)) => Some(id),
            _ => None,
        }
    }
}

/// One earlier statement that wrote at a location (`FileContext::writes_at`).
#[derive(Debug)]
pub struct Write {
    /// Position among the file context's entries.
    pub index: usize,
    /// How it writes into the collection there; `None` for `BACKUP … TO`.
    pub kind: Option<model::CollKind>,
    /// Its `incremental_location` (`chain::model::incremental_location`), read once.
    pub incremental_location: Option<Option<String>>,
}

impl Written {
    /// `index` is the file's locality index so far: known locations are named by their id.
    pub fn of(stmt: &Statement, facts: &StatementFacts, index: &locality::index::Index) -> Written {
        use locality::index::{Added, Named, Record};
        let (location, locality) = match index.again(stmt, facts) {
            Some((id, span)) => (Some(Named::Known(id)), Added::Again { id, span }),
            None => {
                let record = Record::of(stmt, facts, index);
                let location =
                    crate::analysis::context::write_location(stmt, facts, index, record.as_ref());
                (
                    location,
                    record.map_or(Added::Nothing, |r| Added::Record(Box::new(r))),
                )
            }
        };
        Written {
            location,
            locality,
            incremental_location: model::incremental_location(facts, model::options_of(stmt)),
        }
    }
}

/// What the file wrote at one location (see `analysis::context::write_location`). Indices are
/// positions among the file context's entries.
#[derive(Debug, Default)]
pub struct LocationState {
    /// The latest statements that wrote here, oldest first: at least the last
    /// `COLLECTION_HISTORY` (all the collection checks look at), at most twice that.
    pub writes: Vec<Write>,
    /// Every `BACKUP … TO` that wrote here, oldest first: the first wrote the backup that
    /// lives here, later ones were appended (v20.1+) or failed.
    pub old: Vec<usize>,
    /// Among `old`, the last one with the latest absolute `AS OF SYSTEM TIME`.
    pub old_latest_time: Option<Box<(Hlc, usize)>>,
    /// The last `BACKUP … INTO` here (a full backup, the collection's LATEST), if any.
    pub last_full: Option<usize>,
    /// `last_full` and the `INTO LATEST IN` writes since it, oldest first.
    pub since_full: Vec<usize>,
    /// Among `since_full`, the last one with the latest absolute `AS OF SYSTEM TIME`.
    pub since_full_latest_time: Option<Box<(Hlc, usize)>>,
    /// A backup schedule writes here (its full backups run at unknown times).
    pub scheduled: bool,
}

/// Pushes onto a list that most locations keep one or two entries in: the first push
/// allocates room for one (a `Vec` would take four), later ones grow as usual.
pub(crate) fn push_small<T>(list: &mut Vec<T>, item: T) {
    if list.capacity() == 0 {
        list.reserve_exact(1);
    }
    list.push(item);
}

/// Keeps `latest` the last of the greatest times (as `Iterator::max_by_key` picks).
/// (Boxed where kept: most backups state a relative time, so most locations hold none.)
fn note_time(latest: &mut Option<Box<(Hlc, usize)>>, t: Option<Hlc>, index: usize) {
    if let Some(t) = t
        && latest.as_deref().is_none_or(|&(l, _)| t >= l)
    {
        *latest = Some(Box::new((t, index)));
    }
}

/// `time::absolute`, without its parse for the usual relative text (`'-10s'`): a string that
/// does not start with a digit is neither a timestamp nor a decimal time.
fn absolute_time(expr: &Expr) -> Option<Hlc> {
    if let ExprKind::Str(s) = &expr.kind
        && !time::trim(s).starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    time::absolute(expr)
}

impl LocationState {
    /// Records `write`, of `stmt`, a writer whose destination is this location, and adds to
    /// `released` the earlier writers here that no check can reach any more: out of the
    /// collection history, not the latest full or a layer since it, not an old-syntax layer.
    /// Their trees can go (so a long file of nightly backups keeps a few dozen trees, not all).
    pub fn add(&mut self, stmt: &Statement, write: Write, released: &mut Vec<usize>) {
        // The candidates go onto `released` (no list of their own per statement), then only
        // those no check can reach are kept there.
        let from = released.len();
        self.record(stmt, write, released);
        if self.writes.len() > model::COLLECTION_HISTORY {
            released.push(self.writes[self.writes.len() - 1 - model::COLLECTION_HISTORY].index);
        }
        if self.writes.len() >= 2 * model::COLLECTION_HISTORY {
            self.writes
                .drain(..self.writes.len() - model::COLLECTION_HISTORY);
        }
        let history_from =
            self.writes[self.writes.len().saturating_sub(model::COLLECTION_HISTORY)].index;
        let mut kept = from;
        for i in from..released.len() {
            let n = released[i];
            if n < history_from
                && self.last_full != Some(n)
                && self.since_full.binary_search(&n).is_err()
                && self.old.binary_search(&n).is_err()
            {
                released[kept] = n;
                kept += 1;
            }
        }
        released.truncate(kept);
    }

    /// `add` without the release: the chain state, with `left` receiving the layers a new full
    /// backup ends.
    fn record(&mut self, stmt: &Statement, write: Write, left: &mut Vec<usize>) {
        let index = write.index;
        push_small(&mut self.writes, write);
        let Statement::Backup(b) = stmt else {
            return;
        };
        let t = b.as_of.as_ref().and_then(|a| absolute_time(&a.expr));
        match &b.dest {
            BackupDest::To { .. } => {
                push_small(&mut self.old, index);
                note_time(&mut self.old_latest_time, t, index);
            }
            BackupDest::Into { .. } => {
                self.last_full = Some(index);
                left.append(&mut self.since_full);
                push_small(&mut self.since_full, index);
                self.since_full_latest_time = None;
                note_time(&mut self.since_full_latest_time, t, index);
            }
            BackupDest::IntoLatest { .. } => {
                if self.last_full.is_some() {
                    push_small(&mut self.since_full, index);
                    note_time(&mut self.since_full_latest_time, t, index);
                }
            }
            BackupDest::IntoSubdir { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::span::Span;

    #[test]
    fn the_time_shortcut_reads_what_time_absolute_reads() {
        for text in [
            "-10s",
            " -10s",
            "-1h",
            "",
            " ",
            "follower",
            "2024-01-01",
            " 2024-01-01 10:00:00 ",
            "2024-01-01T10:00:00Z",
            "1714564800000000000",
            "1714564800000000000.0000000001",
            "\u{a0}2024-01-01",
            "10s",
        ] {
            let expr = Expr {
                kind: ExprKind::Str(text.to_string()),
                span: Span::new(0, 0),
            };
            assert_eq!(absolute_time(&expr), time::absolute(&expr), "{text:?}");
        }
    }
}
