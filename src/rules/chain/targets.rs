//! Target sets of backups, normalised so layers of one chain or collection can be compared
//! (semantics.md §2.3, §2.14, §2.18).

use crate::syntax::ast::{Name, TablePattern, Targets, TenantId};

/// A table pattern: qualifiers (lower-cased unless quoted) and the table name (`None` for `*`),
/// borrowed from the statement. Equality and order look at `quals` and `name` only.
#[derive(Clone, Copy, Debug)]
pub struct Pat<'a> {
    pub quals: &'a [Name],
    pub name: Option<&'a str>,
    /// The database a three-part name (`db.schema.t`) certainly names.
    pub db: Option<&'a str>,
}

/// The texts of `names`.
fn values(names: &[Name]) -> impl Iterator<Item = &str> {
    names.iter().map(|n| n.value.as_str())
}

/// Whether two name lists read the same.
fn same_names(a: &[Name], b: &[Name]) -> bool {
    a.len() == b.len() && values(a).eq(values(b))
}

impl PartialEq for Pat<'_> {
    fn eq(&self, other: &Pat<'_>) -> bool {
        self.name == other.name && same_names(self.quals, other.quals)
    }
}

impl Eq for Pat<'_> {}

impl PartialOrd for Pat<'_> {
    fn partial_cmp(&self, other: &Pat<'_>) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pat<'_> {
    fn cmp(&self, other: &Pat<'_>) -> std::cmp::Ordering {
        values(self.quals)
            .cmp(values(other.quals))
            .then_with(|| self.name.cmp(&other.name))
    }
}

impl<'a> Pat<'a> {
    fn of(p: &'a TablePattern) -> Pat<'a> {
        let (name, mut quals) = match p.parts.split_last() {
            Some((last, rest)) if !p.star => (Some(last.value.as_str()), rest),
            _ => (None, &p.parts[..]),
        };
        let db = (quals.len() == 2).then(|| quals[0].value.as_str());
        // `db.public.t` is `db.t` read as database `db`, schema `public`.
        if quals.len() == 2 && quals[1].value == "public" {
            quals = &quals[..1];
        }
        Pat { quals, name, db }
    }

    pub fn text(&self) -> String {
        let mut s = values(self.quals).collect::<Vec<_>>().join(".");
        if !s.is_empty() {
            s.push('.');
        }
        s.push_str(self.name.unwrap_or("*"));
        s
    }

    /// Whether the two patterns may name the same table (qualifications aside).
    fn may_match(&self, other: &Pat<'_>) -> bool {
        if self.name.is_none() || other.name.is_none() || self.name != other.name {
            return false;
        }
        let (short, long) = if self.quals.len() <= other.quals.len() {
            (self.quals, other.quals)
        } else {
            (other.quals, self.quals)
        };
        ends_with(long, short) || starts_with(long, short)
    }

    /// Whether this star pattern may cover `table`.
    fn may_cover(&self, table: &Pat<'_>) -> bool {
        self.name.is_none()
            && (self.quals.is_empty()
                || table.quals.is_empty()
                || ends_with(table.quals, self.quals)
                || starts_with(table.quals, self.quals))
    }
}

/// `slice::starts_with` by the names' texts.
fn starts_with(long: &[Name], short: &[Name]) -> bool {
    long.len() >= short.len() && same_names(&long[..short.len()], short)
}

/// `slice::ends_with` by the names' texts.
fn ends_with(long: &[Name], short: &[Name]) -> bool {
    long.len() >= short.len() && same_names(&long[long.len() - short.len()..], short)
}

/// What a backup covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Set<'a> {
    Cluster,
    Tables(Vec<Pat<'a>>),
    Databases(Vec<&'a str>),
    /// Tenants, system users: compared as text.
    Other(String),
}

impl<'a> Set<'a> {
    pub fn of(t: Option<&'a Targets>) -> Set<'a> {
        match t {
            None => Set::Cluster,
            Some(Targets::Tables { patterns, .. }) => {
                let mut v: Vec<Pat<'a>> = patterns.iter().map(Pat::of).collect();
                v.sort();
                v.dedup();
                Set::Tables(v)
            }
            Some(Targets::Databases { names, .. }) => {
                let mut v: Vec<&str> = values(names).collect();
                v.sort();
                v.dedup();
                Set::Databases(v)
            }
            Some(Targets::VirtualCluster { id, .. }) => Set::Other(match id {
                TenantId::Id(n) => format!("virtual cluster {n}"),
                TenantId::Anonymized => "virtual cluster _".into(),
            }),
            Some(Targets::SystemUsers { .. }) => Set::Other("system users".into()),
        }
    }

    /// How the set reads in a message (`cluster`, `DATABASE bank`, `TABLE bank.accounts`).
    pub fn describe(&self) -> String {
        match self {
            Set::Cluster => "the whole cluster".into(),
            Set::Tables(p) => format!(
                "TABLE {}",
                p.iter().map(Pat::text).collect::<Vec<_>>().join(", ")
            ),
            Set::Databases(d) => format!("DATABASE {}", d.join(", ")),
            Set::Other(t) => t.clone(),
        }
    }
}

/// Whether `a` and `b` are written with the same names in the same order, so that their sets
/// are certainly equal (the comparison of sets without building them).
pub fn written_alike(a: Option<&Targets>, b: Option<&Targets>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(Targets::Tables { patterns: p, .. }), Some(Targets::Tables { patterns: q, .. })) => {
            p.len() == q.len()
                && p.iter()
                    .zip(q)
                    .all(|(x, y)| x.star == y.star && same_names(&x.parts, &y.parts))
        }
        (Some(Targets::Databases { names: a, .. }), Some(Targets::Databases { names: b, .. })) => {
            same_names(a, b)
        }
        (Some(Targets::VirtualCluster { id: a, .. }), Some(Targets::VirtualCluster { id: b, .. })) => {
            a == b
        }
        (Some(Targets::SystemUsers { .. }), Some(Targets::SystemUsers { .. })) => true,
        _ => false,
    }
}

/// Whether `a` and `b` cover the same set.
pub fn same_set(a: Option<&Targets>, b: Option<&Targets>) -> bool {
    written_alike(a, b) || Set::of(a) == Set::of(b)
}

/// Whether `t` names tables only, each by name (no `*`): what `Set::of` makes a `Tables` set
/// of named tables.
pub fn named_tables_only(t: Option<&Targets>) -> bool {
    matches!(t, Some(Targets::Tables { patterns, .. })
        if patterns.iter().all(|p| !p.star && !p.parts.is_empty()))
}

/// How an incremental layer's targets relate to the previous layer's.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    Same,
    /// CockroachDB rejects the incremental, with the error [`Rejection::text`] gives.
    Rejected(Rejection<'a>),
    /// Accepted, but the chain no longer has one target set (narrower, or undecidable).
    Differs,
}

/// Why CockroachDB rejects an incremental: what its error names, written out only for a
/// finding that is reported.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejection<'a> {
    /// Specific targets on top of a cluster backup.
    ClusterBase,
    /// A database the previous layer does not hold completely.
    Database(&'a str),
    /// A table the previous layer does not hold.
    Table(&'a str),
}

impl Rejection<'_> {
    /// CockroachDB's error.
    pub fn text(&self) -> String {
        match self {
            Rejection::ClusterBase => {
                "cannot append a backup of specific tables or databases to a cluster backup".into()
            }
            Rejection::Database(db) => {
                format!("previous backup does not contain the complete database \"{db}\"")
            }
            Rejection::Table(what) => format!("previous backup does not contain table \"{what}\""),
        }
    }
}

/// Judges an incremental with targets `inc` appended to a previous layer with targets `prev`
/// (the checks of `backup_planning.go`: cluster base, tables and complete databases).
pub fn compare_incremental<'a>(prev: &Set<'a>, inc: &Set<'a>) -> Verdict<'a> {
    if prev == inc {
        return Verdict::Same;
    }
    match (prev, inc) {
        (Set::Cluster, _) => Verdict::Rejected(Rejection::ClusterBase),
        (Set::Other(_), _) | (_, Set::Other(_)) => Verdict::Differs,
        // A cluster incremental skips the table checks (`if !FullCluster`) and backs up the
        // new spans from scratch: accepted, but the chain mixes coverages.
        (_, Set::Cluster) => Verdict::Differs,
        (Set::Databases(d), Set::Databases(d2)) => match d2.iter().find(|x| !d.contains(x)) {
            Some(&missing) => Verdict::Rejected(Rejection::Database(missing)),
            None => Verdict::Differs,
        },
        (Set::Tables(p), Set::Databases(d2)) => {
            for &db in d2 {
                let maybe_star = p
                    .iter()
                    .any(|x| x.name.is_none() && (x.quals.is_empty() || x.quals[0].value == db));
                if !maybe_star {
                    return Verdict::Rejected(Rejection::Database(db));
                }
            }
            Verdict::Differs
        }
        (Set::Databases(d), Set::Tables(p2)) => {
            for t in p2 {
                if let Some(db) = &t.db
                    && !d.contains(db)
                {
                    return Verdict::Rejected(Rejection::Table(t.name.unwrap_or("*")));
                }
            }
            Verdict::Differs
        }
        (Set::Tables(p), Set::Tables(p2)) => {
            for t in p2 {
                if t.name.is_none() {
                    continue; // a star: which tables it covers is unknown
                }
                let covered = p.iter().any(|x| x.may_match(t) || x.may_cover(t));
                if !covered {
                    return Verdict::Rejected(Rejection::Table(t.name.unwrap_or("*")));
                }
            }
            Verdict::Differs
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(q: &[&str], n: &'static str) -> Pat<'static> {
        let quals = q.iter().map(|s| Name {
            value: s.to_string(),
            quoted: false,
            span: crate::syntax::span::Span::new(0, 0),
        });
        Pat {
            quals: Vec::leak(quals.collect()),
            name: Some(n),
            db: None,
        }
    }

    #[test]
    fn judges_widening_and_narrowing() {
        let db = |v: &[&'static str]| Set::Databases(v.to_vec());
        assert_eq!(
            compare_incremental(&db(&["bank"]), &db(&["bank"])),
            Verdict::Same
        );
        assert!(matches!(
            compare_incremental(&db(&["bank"]), &db(&["bank", "movr"])),
            Verdict::Rejected(_)
        ));
        assert_eq!(
            compare_incremental(&db(&["bank", "movr"]), &db(&["bank"])),
            Verdict::Differs
        );
        assert!(matches!(
            compare_incremental(&Set::Cluster, &db(&["bank"])),
            Verdict::Rejected(_)
        ));
        let t1 = Set::Tables(vec![pat(&["bank"], "accounts")]);
        let t2 = Set::Tables(vec![pat(&[], "accounts")]);
        assert_eq!(compare_incremental(&t1, &t2), Verdict::Differs);
        let t3 = Set::Tables(vec![pat(&["bank"], "accounts"), pat(&["bank"], "users")]);
        assert!(matches!(
            compare_incremental(&t1, &t3),
            Verdict::Rejected(_)
        ));
        assert!(matches!(
            compare_incremental(&t1, &db(&["bank"])),
            Verdict::Rejected(_)
        ));
    }
}
