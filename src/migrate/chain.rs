//! One collection per chain: the old-syntax statements of a file grouped into chains (a full
//! backup, the incrementals listing it, the restores and `SHOW BACKUP`s naming its layers),
//! and for each chain the one collection every statement of it is written with.
//!
//! The collection is derived from every path of the chain (full, incrementals, restores; per
//! locality URI), so the full goes `INTO` the same collection the incrementals go `INTO LATEST
//! IN` and the restore reads `FROM LATEST IN`. When no single collection expresses the chain,
//! or the new form would name another backup than the old one (a restore of only the first
//! layers, `SHOW BACKUP` of a layer that is no longer the latest, an incremental that would
//! land on another chain's full backup), every statement of the chain is left as written.
//!
//! Paths are compared by their value in the SQL the file sends (a script's variables
//! substituted); each statement's collection is then written from its own URI by deleting its
//! layer's subdirectory, so whatever the host wrote there (`$BASE`, `${bucket}`, `$1`) stays
//! as written.

use std::collections::HashMap;

use super::{Locations, Part};
use crate::syntax::ast::{BackupDest, RestoreFrom, Statement, StrList, StrValue};
use crate::syntax::span::Span;

/// How one URI of a statement becomes its collection.
#[derive(Clone, Debug)]
pub enum Coll {
    /// The URI itself minus `tail` (its own subdirectory; empty when the path is the collection).
    Trim { tail: Span },
    /// The URI replaced by this part (a dated path's collection written by the host, or a
    /// documentation template's `'<collection_location>'`).
    Replace { uri: Span, part: Part },
}

/// What the chain analysis decided for one statement.
#[derive(Clone, Debug)]
pub enum Decision {
    /// Write it with these collections (one per locality URI).
    Write {
        group: u32,
        colls: Vec<Coll>,
        /// A note for the change (the state file the rewrite makes unnecessary, …).
        remark: Option<String>,
        /// For a restore of the first layers of a chain: the `AS OF SYSTEM TIME` (as written)
        /// the file took its last named layer at, which names the same point in time.
        aost: Option<String>,
    },
    /// Leave it (and every other statement of its chain) as written.
    Refuse {
        group: u32,
        reason: String,
        help: String,
    },
}

/// `${NAME}` written `$NAME` where that reads the same (the next character cannot continue a
/// name), so two spellings of one collection compare equal.
fn unbrace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let next = after[name_len..].chars().nth(1);
        if name_len > 0
            && after[name_len..].starts_with('}')
            && !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            out.push('$');
            out.push_str(&after[..name_len]);
            rest = &after[name_len + 1..];
        } else {
            out.push_str("${");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A statement's part in a chain.
#[derive(Clone, Copy)]
enum Role<'a> {
    Full {
        dest: &'a StrList,
    },
    Inc {
        dest: &'a StrList,
        bases: &'a [StrValue],
    },
    Restore {
        layers: &'a [StrList],
    },
    Show {
        path: &'a StrValue,
    },
}

struct Site<'a> {
    stmt: usize,
    role: Role<'a>,
    targets: String,
    /// A backup's `AS OF SYSTEM TIME` when it is an absolute timestamp (as written); for a
    /// restore, whether it has one of its own.
    aost: Option<String>,
    restore_aost: bool,
}

/// The innermost statement (through EXPLAIN).
fn inner(s: &Statement) -> &Statement {
    match s {
        Statement::Explain(e) => inner(&e.inner),
        s => s,
    }
}

fn site_of<'a>(i: usize, stmt: &'a Statement, sql: &str) -> Option<Site<'a>> {
    let targets = |t: Option<&crate::syntax::ast::Targets>| {
        t.map(|t| {
            sql.get(t.span().range())
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_uppercase()
        })
        .unwrap_or_default()
    };
    let role = match inner(stmt) {
        Statement::Backup(b) => {
            let BackupDest::To { uris, .. } = &b.dest else {
                return None;
            };
            match &b.incremental_from {
                None => Role::Full { dest: uris },
                Some(inc) => Role::Inc {
                    dest: uris,
                    bases: &inc.uris,
                },
            }
        }
        Statement::Restore(r) => {
            let RestoreFrom::Uris { layers } = &r.from else {
                return None;
            };
            Role::Restore { layers }
        }
        Statement::ShowBackup(s) if s.collections.is_none() => Role::Show { path: &s.path },
        _ => return None,
    };
    let t = match inner(stmt) {
        Statement::Backup(b) => targets(b.targets.as_ref()),
        Statement::Restore(r) => targets(r.targets.as_ref()),
        _ => String::new(),
    };
    let absolute = |a: Option<&crate::syntax::ast::AsOf>| {
        let a = a?;
        let crate::syntax::ast::ExprKind::Str(v) = &a.expr.kind else {
            return None;
        };
        let b = v.as_bytes();
        (b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-')
            .then(|| sql.get(a.expr.span.range()).map(str::to_string))
            .flatten()
    };
    let (aost, restore_aost) = match inner(stmt) {
        Statement::Backup(b) => (absolute(b.as_of.as_ref()), false),
        Statement::Restore(r) => (None, r.as_of.is_some()),
        _ => (None, false),
    };
    Some(Site {
        stmt: i,
        role,
        targets: t,
        aost,
        restore_aost,
    })
}

/// The path of a URI (without its query string), the key chains are linked by.
fn base(p: &str) -> &str {
    p.split('?').next().unwrap_or("").trim_end_matches('/')
}

/// The URI's text as the file writes it (the original SQL, not the parse text whose
/// documentation placeholders were renamed), when the literal has no escapes.
fn raw<'s>(sql: &'s str, uri: &StrValue) -> Option<&'s str> {
    let text = sql.get(uri.span.range())?;
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    (!inner.contains('\'') && !inner.contains('\\')).then_some(inner)
}

struct Dsu(Vec<usize>);

impl Dsu {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// The decisions for every old-syntax chain statement of `stmts` (indexed like `stmts`).
pub fn analyse(
    stmts: &[Statement],
    sql: &str,
    locations: &dyn Locations,
) -> HashMap<usize, Decision> {
    let sites: Vec<Site> = stmts
        .iter()
        .enumerate()
        .filter_map(|(i, s)| site_of(i, s, sql))
        .collect();
    let mut dsu = Dsu((0..sites.len()).collect());
    let mut by_path: HashMap<String, usize> = HashMap::new();
    let mut last_full: HashMap<&str, usize> = HashMap::new();
    for (n, site) in sites.iter().enumerate() {
        let mut link = |uri: &StrValue, dsu: &mut Dsu| {
            if !locations.known(uri) {
                return false;
            }
            let Some(text) = raw(sql, uri) else {
                return false;
            };
            let key = base(text).to_string();
            match by_path.get(&key) {
                Some(&m) => dsu.union(m, n),
                None => {
                    by_path.insert(key, n);
                }
            }
            true
        };
        match site.role {
            Role::Full { dest } => {
                if let Some(u) = dest.items.first() {
                    link(u, &mut dsu);
                }
                last_full.insert(&site.targets, n);
            }
            Role::Inc { dest, bases } => {
                if let Some(u) = dest.items.first() {
                    link(u, &mut dsu);
                }
                let mut all_known = true;
                for b in bases {
                    all_known &= link(b, &mut dsu);
                }
                // Bases the file cannot see (a list read from a state file): the chain is the
                // latest full backup of the same targets written before.
                if !all_known && let Some(&f) = last_full.get(site.targets.as_str()) {
                    dsu.union(f, n);
                }
            }
            Role::Restore { layers } => {
                for l in layers {
                    if let Some(u) = l.items.first() {
                        link(u, &mut dsu);
                    }
                }
            }
            Role::Show { path } => {
                link(path, &mut dsu);
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut order = Vec::new();
    for n in 0..sites.len() {
        let root = dsu.find(n);
        groups
            .entry(root)
            .or_insert_with(|| {
                order.push(root);
                Vec::new()
            })
            .push(n);
    }
    let mut out = HashMap::new();
    // Which chain is the latest of each collection, in file order: (group, layers so far).
    let mut latest: HashMap<String, (usize, Vec<String>)> = HashMap::new();
    let mut decided: Vec<(usize, GroupResult)> = Vec::new();
    // The collections the file already writes with `BACKUP … INTO`.
    let into_colls: std::collections::HashSet<String> = stmts
        .iter()
        .filter_map(|s| match inner(s) {
            Statement::Backup(b) => match &b.dest {
                BackupDest::Into { collection } => {
                    Some(base(raw(sql, collection.items.first()?)?).to_string())
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    for root in &order {
        let members = &groups[root];
        decided.push((*root, group(members, &sites, sql, locations, &into_colls)));
    }
    // File order checks: does the new form name the same backup?
    let mut bad: HashMap<usize, (String, String)> = HashMap::new();
    // A restore or SHOW BACKUP whose new form would name another backup: that statement alone.
    let mut bad_site: HashMap<usize, (String, String)> = HashMap::new();
    // Paths listed before a later layer (in an incremental's chain or a restore's layers).
    let mut not_last: std::collections::HashSet<String> = Default::default();
    for site in &sites {
        let list: Vec<&StrValue> = match site.role {
            Role::Inc { dest, bases } => bases.iter().chain(dest.items.first()).collect(),
            Role::Restore { layers } => layers.iter().filter_map(|l| l.items.first()).collect(),
            _ => continue,
        };
        for u in &list[..list.len().saturating_sub(1)] {
            if let Some(t) = raw(sql, u) {
                not_last.insert(base(t).to_string());
            }
        }
    }
    let coll_of: HashMap<usize, String> = decided
        .iter()
        .filter_map(|(root, d)| {
            let coll = d.as_ref().ok()?;
            let _ = coll;
            Some((
                *root,
                collection_key(&groups[root], &sites, sql, locations)?,
            ))
        })
        .collect();
    // Full backups already written with the new syntax (`BACKUP … INTO 'collection'`): they
    // become the latest of their collection too (so a second migration decides the same).
    let mut into_fulls = stmts
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match inner(s) {
            Statement::Backup(b) => match &b.dest {
                BackupDest::Into { collection } => {
                    let t = raw(sql, collection.items.first()?)?;
                    Some((i, base(t).to_string()))
                }
                _ => None,
            },
            _ => None,
        });
    let mut next_into = into_fulls.next();
    // The absolute AS OF SYSTEM TIME each layer was written at.
    let mut written_at: HashMap<String, String> = HashMap::new();
    let mut aost_for: HashMap<usize, String> = HashMap::new();
    for (n, site) in sites.iter().enumerate() {
        while let Some((i, c)) = &next_into
            && *i < site.stmt
        {
            latest.insert(c.clone(), (usize::MAX - i, vec![c.clone()]));
            next_into = into_fulls.next();
        }
        let root = dsu.find(n);
        let Some(coll) = coll_of.get(&root) else {
            continue;
        };
        let path = |u: &StrValue| {
            raw(sql, u)
                .filter(|_| locations.known(u))
                .map(|t| base(t).to_string())
        };
        if let (Role::Full { dest } | Role::Inc { dest, .. }, Some(t)) = (site.role, &site.aost)
            && let Some(p) = dest.items.first().and_then(path)
        {
            written_at.insert(p, t.clone());
        }
        let entry = latest.get(coll);
        match site.role {
            Role::Full { dest } => {
                let p = dest.items.first().and_then(path).unwrap_or_default();
                latest.insert(coll.clone(), (root, vec![p]));
            }
            Role::Inc { dest, bases } => {
                let known: Option<Vec<String>> = bases.iter().map(path).collect();
                if let Some((g, layers)) = entry {
                    if *g != root {
                        bad.entry(root).or_insert_with(|| (
                            format!("an incremental of this chain would go on top of another chain's full backup (`{}`), the latest in collection `{}` at that point", layers[0], coll),
                            "give each chain its own collection path, or take this chain's full backup again with `BACKUP … INTO` before it".into(),
                        ));
                    } else if let Some(k) = &known
                        && !k.starts_with(layers)
                    {
                        bad.entry(root).or_insert_with(|| (
                            format!("this incremental lists {} layer(s) of its chain, but the file wrote {} layer(s) of it before, not in that order: `INTO LATEST IN` would build on all of them", k.len(), layers.len()),
                            "a chain that branches cannot be written with collections: rewrite it by hand".into(),
                        ));
                    }
                }
                let p = dest.items.first().and_then(path).unwrap_or_default();
                match latest.get_mut(coll) {
                    Some((g, layers)) if *g == root => {
                        // The chain as this incremental lists it (layers written elsewhere too).
                        if let Some(k) = known {
                            *layers = k;
                        }
                        layers.push(p)
                    }
                    _ => {
                        latest.insert(coll.clone(), (root, vec![p]));
                    }
                }
            }
            Role::Restore { layers: rl } => {
                let Some((g, layers)) = entry else { continue };
                let named: Option<Vec<String>> =
                    rl.iter().map(|l| l.items.first().and_then(path)).collect();
                if *g != root {
                    bad_site.insert(n, (
                        format!("`FROM LATEST IN '{coll}'` would restore another chain (the one whose full backup is `{}`), not the layers this RESTORE names", layers[0]),
                        format!("after migrating, find this backup's subdirectory with `SHOW BACKUPS IN '{coll}'` and restore it with `RESTORE … FROM '<subdirectory>' IN '{coll}'`"),
                    ));
                } else if let Some(named) = named.as_ref().filter(|x| x.len() < layers.len()) {
                    // The time the file took the last named layer at names the same point.
                    if !site.restore_aost
                        && named[..] == layers[..named.len()]
                        && let Some(t) = named.last().and_then(|p| written_at.get(p))
                        // No later layer taken at the same stated time (a copied example).
                        && layers.iter().filter(|p| written_at.get(*p) == Some(t)).count() == 1
                    {
                        aost_for.insert(n, t.clone());
                        continue;
                    }
                    bad_site.insert(n, (
                        format!("this RESTORE names the first {} of the {} layers its chain has at that point: `FROM LATEST IN` would restore a later point in time (and no `AS OF SYSTEM TIME` the file states for that layer singles it out)", named.len(), layers.len()),
                        format!("after migrating, find the backup with `SHOW BACKUPS IN '{coll}'` and restore the point in time you want with `RESTORE … FROM '<subdirectory>' IN '{coll}' AS OF SYSTEM TIME …`"),
                    ));
                }
            }
            Role::Show { path: p } => {
                let named = path(p);
                let stale = match entry {
                    Some((g, layers)) => {
                        *g != root || named.as_deref() != layers.last().map(String::as_str)
                    }
                    None => named.as_ref().is_some_and(|x| not_last.contains(x)),
                };
                if stale {
                    bad_site.insert(n, (
                        format!("`SHOW BACKUP FROM LATEST IN '{coll}'` would show the latest backup of the collection, not `{}` alone", named.unwrap_or_default()),
                        format!("after migrating, list the backups with `SHOW BACKUPS IN '{coll}'` and show this one with `SHOW BACKUP '<subdirectory>' IN '{coll}'`"),
                    ));
                }
            }
        }
    }
    for (root, d) in decided {
        let g = root as u32;
        let refusal = match d {
            Ok(colls) if !bad.contains_key(&root) => {
                for (n, c, remark) in colls {
                    if let Some((reason, help)) = bad_site.remove(&n) {
                        out.insert(
                            sites[n].stmt,
                            Decision::Refuse {
                                group: g,
                                reason,
                                help,
                            },
                        );
                        continue;
                    }
                    out.insert(
                        sites[n].stmt,
                        Decision::Write {
                            group: g,
                            colls: c,
                            remark,
                            aost: aost_for.remove(&n),
                        },
                    );
                }
                continue;
            }
            Ok(_) => bad.remove(&root).unwrap_or_default(),
            Err(e) => e,
        };
        for &n in &groups[&root] {
            out.insert(
                sites[n].stmt,
                Decision::Refuse {
                    group: g,
                    reason: format!(
                        "{} (every statement of this chain is left as written)",
                        refusal.0
                    ),
                    help: refusal.1.clone(),
                },
            );
        }
    }
    out
}

/// The collection (path at the default locality) a group is written into, for the file-order
/// checks; `None` when the group is written through dated host expressions.
fn collection_key(
    members: &[usize],
    sites: &[Site],
    sql: &str,
    locations: &dyn Locations,
) -> Option<String> {
    let paths = default_paths(members, sites, sql, locations);
    if paths.is_empty() {
        return None;
    }
    let texts: Vec<&str> = paths.iter().map(|(_, t)| *t).collect();
    super::common_collection(&texts).map(|c| base(&c).to_string())
}

/// Every known path of the group at the default locality (URI, text).
fn default_paths<'a>(
    members: &[usize],
    sites: &'a [Site],
    sql: &'a str,
    locations: &dyn Locations,
) -> Vec<(&'a StrValue, &'a str)> {
    let mut out = Vec::new();
    let mut push = |u: &'a StrValue| {
        if locations.known(u)
            && let Some(t) = raw(sql, u)
        {
            out.push((u, t));
        }
    };
    for &n in members {
        match sites[n].role {
            Role::Full { dest } => dest.items.iter().take(1).for_each(&mut push),
            Role::Inc { dest, bases } => {
                dest.items.iter().take(1).for_each(&mut push);
                bases.iter().for_each(&mut push);
            }
            Role::Restore { layers } => layers
                .iter()
                .filter_map(|l| l.items.first())
                .for_each(&mut push),
            Role::Show { path } => push(path),
        }
    }
    out
}

/// The URIs of a site's own location, per locality position (the one a statement's
/// collection is written from).
fn own<'a>(site: &Site<'a>) -> Vec<&'a StrValue> {
    match site.role {
        Role::Full { dest } | Role::Inc { dest, .. } => dest.items.iter().collect(),
        Role::Restore { layers } => layers[0].items.iter().collect(),
        Role::Show { path } => vec![path],
    }
}

/// A statement of a group with its collections and remark.
type Written = (usize, Vec<Coll>, Option<String>);
type GroupResult = Result<Vec<Written>, (String, String)>;

/// The collections of one group's statements, or why the group cannot be written.
fn group(
    members: &[usize],
    sites: &[Site],
    sql: &str,
    locations: &dyn Locations,
    into_colls: &std::collections::HashSet<String>,
) -> GroupResult {
    let has_inc = members
        .iter()
        .any(|&n| matches!(sites[n].role, Role::Inc { .. }));
    let remark = members.iter().find_map(|&n| match sites[n].role {
        Role::Inc { bases, .. } if bases.iter().any(|b| !locations.known(b)) => {
            let files = locations.state_files();
            Some(if files.is_empty() {
                "the list of earlier layers the script kept (its state file, read into `INCREMENTAL FROM`) is no longer needed: CockroachDB finds the chain in the collection; the bookkeeping is safe to delete once every backup it lists is restored or expired".to_string()
            } else {
                let named: Vec<String> = files.iter().map(|f| format!("`{f}`")).collect();
                format!(
                    "the list of earlier layers the script kept (its state file {}, read into `INCREMENTAL FROM`) is no longer needed: CockroachDB finds the chain in the collection; the bookkeeping (that file and the lines that read and write it) is safe to delete once every backup it lists is restored or expired",
                    named.join(", ")
                )
            })
        }
        _ => None,
    });
    // Incrementals whose base list the file cannot see (a state file), with no full backup
    // of theirs in the file: that full is taken elsewhere (another job), and `INTO LATEST
    // IN` here would need it in the same collection, which this file cannot make so.
    let lone = !members
        .iter()
        .any(|&n| matches!(sites[n].role, Role::Full { .. }));
    if lone
        && members.iter().any(|&n| {
            matches!(sites[n].role, Role::Inc { bases, .. } if bases.iter().any(|b| !locations.known(b)))
        })
    {
        let files = locations.state_files();
        let list = if files.is_empty() {
            "a list the script reads at run time".to_string()
        } else {
            let named: Vec<String> = files.iter().map(|f| format!("`{f}`")).collect();
            format!("the state file {}", named.join(", "))
        };
        return Err((
            format!("this incremental appends to a chain whose full backup is not taken in this file (its earlier layers come from {list}): `INTO LATEST IN` would need that full backup in the same collection"),
            "migrate the job that takes the full backup together with this one, so that the full goes `INTO` the collection these incrementals use `INTO LATEST IN` (or replace both with one `CREATE SCHEDULE FOR BACKUP`)".into(),
        ));
    }
    // A dated path in one variable (`'$destination'`, `destination="${base}/$(date …)"`):
    // the collection is the path without its dated component, when every statement agrees.
    let dated: Option<Vec<Written>> = members
        .iter()
        .map(|&n| {
            let uris = own(&sites[n]);
            if uris.len() != 1 {
                return None;
            }
            let part = locations.dated(uris[0])?;
            Some((
                n,
                vec![Coll::Replace {
                    uri: uris[0].span,
                    part,
                }],
                remark.clone(),
            ))
        })
        .collect();
    if let Some(d) = dated {
        // Compared as the shell reads them: `${BASE}` and `$BASE` are the same.
        let texts: Vec<String> = d
            .iter()
            .map(|(_, c, _)| match &c[0] {
                Coll::Replace {
                    part: Part::Host(h) | Part::Sql(h),
                    ..
                } => unbrace(h),
                Coll::Trim { .. } => String::new(),
            })
            .collect();
        if texts.windows(2).all(|w| w[0] == w[1]) {
            const DATED: &str = "the date in the path is left out of the collection (CockroachDB names each full backup's subdirectory by its time itself)";
            return Ok(d
                .into_iter()
                .map(|(n, c, r)| {
                    let r = match r {
                        Some(r) => format!("{DATED}; {r}"),
                        None => DATED.to_string(),
                    };
                    (n, c, Some(r))
                })
                .collect());
        }
        return Err((
            "the statements of this chain build their paths from different collections".into(),
            "move the full backup and its incrementals under one collection path and write `BACKUP … INTO` / `INTO LATEST IN '<collection>'` by hand".into(),
        ));
    }
    // Locality lists: every statement's list has the same length.
    let width = own(&sites[members[0]]).len();
    for &n in members {
        let w = match sites[n].role {
            Role::Show { .. } => continue,
            Role::Restore { layers } => {
                if layers
                    .iter()
                    .any(|l| l.items.len() != layers[0].items.len())
                {
                    return Err((
                        "the layers of a RESTORE of this chain have different locality lists".into(),
                        "write `RESTORE … FROM LATEST IN (…)` with the collection's locality URIs by hand".into(),
                    ));
                }
                layers[0].items.len()
            }
            _ => own(&sites[n]).len(),
        };
        if w != width {
            return Err((
                format!("the statements of this chain write {width} and {w} locality URIs"),
                "give every statement of the chain the same locality list, then migrate again"
                    .into(),
            ));
        }
    }
    // One statement on its own (a restore or a backup of one path, known or not): the path
    // is the collection, written as it is.
    if let [n] = members
        && !has_inc
        && !matches!(sites[*n].role, Role::Restore { layers } if layers.len() > 1)
    {
        // A path inside a collection the file writes with `BACKUP … INTO`: one backup of it.
        if let Some(t) = own(&sites[*n]).first().and_then(|u| raw(sql, u))
            && let Some(c) = base(t)
                .char_indices()
                .filter(|&(_, ch)| ch == '/')
                .map(|(i, _)| &base(t)[..i])
                .find(|prefix| into_colls.contains(*prefix))
        {
            return Err((
                format!(
                    "`{}` lies inside the collection `{c}` that the file writes with `BACKUP … INTO`: it names one backup there, not a collection",
                    base(t)
                ),
                format!(
                    "find its subdirectory with `SHOW BACKUPS IN '{c}'` and write `… FROM '<subdirectory>' IN '{c}'`"
                ),
            ));
        }
        let colls = own(&sites[*n])
            .iter()
            .map(|_| Coll::Trim {
                tail: Span::point(0),
            })
            .collect();
        return Ok(vec![(*n, colls, remark)]);
    }
    let paths = default_paths(members, sites, sql, locations);
    let unknown = members.iter().any(|&n| {
        own(&sites[n])
            .iter()
            .any(|u| !locations.known(u) || raw(sql, u).is_none())
    });
    // One restore whose layers share a run-time value (`'$ROOT/bank/full', '$ROOT/bank/inc'`):
    // the same expansion in one statement is the same text, so their shared directory is the
    // collection as long as what differs is written out.
    if unknown
        && let [n] = members
        && let Role::Restore { layers } = sites[*n].role
        && width == 1
    {
        let texts: Option<Vec<&str>> = layers
            .iter()
            .map(|l| l.items.first().and_then(|u| raw(sql, u)).map(base))
            .collect();
        if let Some(texts) = texts {
            let first = texts[0];
            let mut len = first.len();
            for t in &texts[1..] {
                len = len.min(
                    first
                        .bytes()
                        .zip(t.bytes())
                        .take_while(|(a, b)| a == b)
                        .count(),
                );
            }
            // The common prefix when it ends at a whole component of every path, else cut
            // back to its last `/`.
            let whole = |c: usize| {
                texts
                    .iter()
                    .all(|t| t.len() == c || t.as_bytes().get(c) == Some(&b'/'))
            };
            let cut = if whole(len) && !texts.iter().all(|t| t.len() == len) {
                Some(len)
            } else {
                first[..len].rfind('/').filter(|&c| whole(c))
            };
            if let Some(cut) = cut
                && cut > 0
                && !texts.iter().any(|t| t[cut..].contains('{'))
            {
                let u = layers[0].items.first().expect("a layer has a URI");
                let text = raw(sql, u).unwrap_or_default();
                let q = text.find('?').unwrap_or(text.len());
                let q = text[..q].trim_end_matches('/').len().max(cut);
                let start = u.span.start as usize + 1;
                let tail = Span::new(start + cut, start + q);
                if locations.trimmable(tail) {
                    return Ok(vec![(*n, vec![Coll::Trim { tail }], remark)]);
                }
            }
        }
    }
    if unknown {
        return Err((
            "the path of a statement of this chain is known only when the script runs".into(),
            "write the collection by hand: the part of the path that stays the same for the full backup and every incremental".into(),
        ));
    }
    let mut distinct: Vec<&str> = paths.iter().map(|(_, t)| base(t)).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if has_inc && distinct.len() < 2 {
        return Err((
            "the chain's earlier layers are not in this file, so its collection cannot be told from the incremental's own path".into(),
            "write `BACKUP … INTO LATEST IN '<collection>'` by hand, with the collection its full backup went into".into(),
        ));
    }
    let texts: Vec<&str> = paths.iter().map(|(_, t)| *t).collect();
    let coll = match super::common_collection(&texts) {
        Some(c) => base(&c).to_string(),
        None => {
            // A documentation template (`'<full_backup_location>'`): its collection is one too.
            if texts
                .iter()
                .any(|t| !crate::syntax::template::find(t).is_empty())
                && members
                    .iter()
                    .all(|&n| own(&sites[n]).iter().all(|u| locations.replaceable(u)))
                && width == 1
            {
                return Ok(members
                    .iter()
                    .map(|&n| {
                        let u = own(&sites[n])[0];
                        (
                            n,
                            vec![Coll::Replace {
                                uri: u.span,
                                part: Part::Sql("'<collection_location>'".into()),
                            }],
                            remark.clone(),
                        )
                    })
                    .collect());
            }
            let mut shown: Vec<&str> = distinct.clone();
            shown.truncate(3);
            return Err((
                format!(
                    "no single collection holds every layer of this chain (`{}`)",
                    shown.join("`, `")
                ),
                "move the full backup and its incrementals under one collection path and write `BACKUP … INTO` / `INTO LATEST IN '<collection>'` by hand".into(),
            ));
        }
    };
    let mut result = Vec::new();
    // The collection of each further locality position, which every statement must agree on.
    let mut others: Vec<Option<String>> = vec![None; width];
    for &n in members {
        let uris = own(&sites[n]);
        let mut colls = Vec::new();
        // How many path components the default URI loses: the others lose as many.
        let mut depth = 0;
        for (pos, u) in uris.iter().enumerate() {
            let text = raw(sql, u).unwrap_or_default();
            let b = base(text);
            let cut = if pos == 0 {
                if !b.starts_with(&coll) {
                    return Err((
                        format!("`{b}` is not under the chain's collection `{coll}`"),
                        "write the collection by hand".into(),
                    ));
                }
                depth = b[coll.len()..].matches('/').count();
                coll.len()
            } else {
                let mut c = b.len();
                for _ in 0..depth {
                    c = b[..c].rfind('/').unwrap_or(0);
                }
                if c <= b.find("://").map_or(usize::MAX, |i| i + 3) || c == usize::MAX {
                    return Err((
                        format!("no collection can be derived from the locality URI `{b}`"),
                        "write `… IN (<collection URIs>)` by hand".into(),
                    ));
                }
                let here = b[..c].to_string();
                match &others[pos] {
                    Some(o) if *o != here => {
                        return Err((
                            format!("the statements of this chain write locality {pos} to different collections (`{o}`, `{here}`)"),
                            "give every statement of the chain the same locality collections, then migrate again".into(),
                        ));
                    }
                    _ => others[pos] = Some(here),
                }
                c
            };
            // The tail: from the cut to the query string (or the end).
            let q = text.find('?').unwrap_or(text.len());
            let q = text[..q].trim_end_matches('/').len().max(cut);
            let start = u.span.start as usize + 1;
            let tail = Span::new(start + cut, start + q.max(cut));
            // Trailing slashes after the tail stay; nothing else between.
            if !locations.trimmable(tail) {
                return Err((
                    "the script builds this path in a way migrate cannot shorten to its collection without changing a shell expansion".into(),
                    format!("write the collection (`{coll}`) by hand"),
                ));
            }
            colls.push(Coll::Trim { tail });
        }
        result.push((n, colls, remark.clone()));
    }
    Ok(result)
}
