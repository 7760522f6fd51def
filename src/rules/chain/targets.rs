//! Target sets of backups, normalised so layers of one chain or collection can be compared
//! (semantics.md §2.3, §2.14, §2.18).

use crate::syntax::ast::{Name, TablePattern, Targets, TenantId};

/// A table pattern: qualifiers (lower-cased unless quoted) and the table name (`None` for `*`).
/// Equality and order look at `quals` and `name` only.
#[derive(Clone, Debug)]
pub struct Pat {
    pub quals: Vec<String>,
    pub name: Option<String>,
    /// The database a three-part name (`db.schema.t`) certainly names.
    pub db: Option<String>,
}

impl PartialEq for Pat {
    fn eq(&self, other: &Pat) -> bool {
        (&self.quals, &self.name) == (&other.quals, &other.name)
    }
}

impl Eq for Pat {}

impl PartialOrd for Pat {
    fn partial_cmp(&self, other: &Pat) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pat {
    fn cmp(&self, other: &Pat) -> std::cmp::Ordering {
        (&self.quals, &self.name).cmp(&(&other.quals, &other.name))
    }
}

impl Pat {
    fn of(p: &TablePattern) -> Pat {
        let mut parts: Vec<String> = p.parts.iter().map(name).collect();
        let name = if p.star { None } else { parts.pop() };
        let db = (parts.len() == 2).then(|| parts[0].clone());
        // `db.public.t` is `db.t` read as database `db`, schema `public`.
        if parts.len() == 2 && parts[1] == "public" {
            parts.pop();
        }
        Pat {
            quals: parts,
            name,
            db,
        }
    }

    pub fn text(&self) -> String {
        let mut s = self.quals.join(".");
        if !s.is_empty() {
            s.push('.');
        }
        s.push_str(self.name.as_deref().unwrap_or("*"));
        s
    }

    /// Whether the two patterns may name the same table (qualifications aside).
    fn may_match(&self, other: &Pat) -> bool {
        if self.name.is_none() || other.name.is_none() || self.name != other.name {
            return false;
        }
        let (short, long) = if self.quals.len() <= other.quals.len() {
            (&self.quals, &other.quals)
        } else {
            (&other.quals, &self.quals)
        };
        long.ends_with(short) || long.starts_with(short)
    }

    /// Whether this star pattern may cover `table`.
    fn may_cover(&self, table: &Pat) -> bool {
        self.name.is_none()
            && (self.quals.is_empty()
                || table.quals.is_empty()
                || table.quals.ends_with(&self.quals)
                || table.quals.starts_with(&self.quals))
    }
}

fn name(n: &Name) -> String {
    n.value.clone()
}

/// What a backup covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Set {
    Cluster,
    Tables(Vec<Pat>),
    Databases(Vec<String>),
    /// Tenants, system users: compared as text.
    Other(String),
}

impl Set {
    pub fn of(t: Option<&Targets>) -> Set {
        match t {
            None => Set::Cluster,
            Some(Targets::Tables { patterns, .. }) => {
                let mut v: Vec<Pat> = patterns.iter().map(Pat::of).collect();
                v.sort();
                v.dedup();
                Set::Tables(v)
            }
            Some(Targets::Databases { names, .. }) => {
                let mut v: Vec<String> = names.iter().map(name).collect();
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

    pub fn is_cluster(&self) -> bool {
        matches!(self, Set::Cluster)
    }
}

/// How an incremental layer's targets relate to the previous layer's.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Same,
    /// CockroachDB rejects the incremental; the text is its error.
    Rejected(String),
    /// Accepted, but the chain no longer has one target set (narrower, or undecidable).
    Differs,
}

/// Judges an incremental with targets `inc` appended to a previous layer with targets `prev`
/// (the checks of `backup_planning.go`: cluster base, tables and complete databases).
pub fn compare_incremental(prev: &Set, inc: &Set) -> Verdict {
    if prev == inc {
        return Verdict::Same;
    }
    match (prev, inc) {
        (Set::Cluster, _) => Verdict::Rejected(
            "cannot append a backup of specific tables or databases to a cluster backup".into(),
        ),
        (Set::Other(_), _) | (_, Set::Other(_)) => Verdict::Differs,
        // A cluster incremental skips the table checks (`if !FullCluster`) and backs up the
        // new spans from scratch: accepted, but the chain mixes coverages.
        (_, Set::Cluster) => Verdict::Differs,
        (Set::Databases(d), Set::Databases(d2)) => match d2.iter().find(|x| !d.contains(x)) {
            Some(missing) => Verdict::Rejected(format!(
                "previous backup does not contain the complete database \"{missing}\""
            )),
            None => Verdict::Differs,
        },
        (Set::Tables(p), Set::Databases(d2)) => {
            for db in d2 {
                let maybe_star = p
                    .iter()
                    .any(|x| x.name.is_none() && (x.quals.is_empty() || x.quals[0] == *db));
                if !maybe_star {
                    return Verdict::Rejected(format!(
                        "previous backup does not contain the complete database \"{db}\""
                    ));
                }
            }
            Verdict::Differs
        }
        (Set::Databases(d), Set::Tables(p2)) => {
            for t in p2 {
                if let Some(db) = &t.db
                    && !d.iter().any(|x| x == db)
                {
                    let what = t.name.as_deref().unwrap_or("*");
                    return Verdict::Rejected(format!(
                        "previous backup does not contain table \"{what}\""
                    ));
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
                    let what = t.name.as_deref().unwrap_or("*");
                    return Verdict::Rejected(format!(
                        "previous backup does not contain table \"{what}\""
                    ));
                }
            }
            Verdict::Differs
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(q: &[&str], n: &str) -> Pat {
        Pat {
            quals: q.iter().map(|s| s.to_string()).collect(),
            name: Some(n.into()),
            db: None,
        }
    }

    #[test]
    fn judges_widening_and_narrowing() {
        let db = |v: &[&str]| Set::Databases(v.iter().map(|s| s.to_string()).collect());
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
