//! `migrate --unsafe` as users run it: fixtures in (`tests/fixtures/migrate`: chains, prefixes,
//! locality lists, expansions in every shell quoting), snapshots out; and the property that
//! holds on the docs corpus, every published `backup.sh` and variants with expansions spliced
//! into their URIs: every expansion is kept, and no chain is spread over two collections.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use backup_lint::FileKind;
use backup_lint::migrate::verify::expansions;
use backup_lint::migrate::{MigrateOptions, migrate_document};
use backup_lint::syntax::ast::{BackupDest, RestoreFrom, Statement};
use backup_lint::syntax::parser::{self, StatementKind};
use backup_lint::syntax::span::LineIndex;

fn opts() -> MigrateOptions {
    MigrateOptions {
        to: "25.2".parse().unwrap(),
        unsafe_: true,
    }
}

fn kind_of(name: &str) -> FileKind {
    match name.rsplit('.').next() {
        Some("sh") => FileKind::Shell,
        Some("md") => FileKind::Markdown,
        _ => FileKind::Sql,
    }
}

#[test]
fn fixtures() {
    let dir = crate::support::manifest().join("tests/fixtures/migrate");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/migrate");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&f).unwrap();
            let m = migrate_document(&text, kind_of(&name), &opts(), &[], None);
            let index = LineIndex::new(&text);
            let mut out = String::new();
            for n in &m.notes {
                let (l, c) = index.line_col(n.span.start as usize);
                out.push_str(&format!("{l}:{c} {} {}\n", n.code.code, n.message));
            }
            out.push('\n');
            out.push_str(
                &similar::TextDiff::from_lines(text.as_str(), m.text.as_str())
                    .unified_diff()
                    .to_string(),
            );
            if let Some(s) = &m.schedule {
                out.push_str(&format!(
                    "\nschedule:\n{}\n{}\n",
                    s.statement,
                    s.explanation.join("\n")
                ));
            }
            check_properties(&name, &text, &m.text, kind_of(&name)).unwrap();
            insta::assert_snapshot!(format!("fixture-{name}"), out);
        }
    });
}

/// The expansions of a text, as a set of their spellings.
fn spelled(text: &str) -> BTreeSet<String> {
    expansions(text)
        .into_iter()
        .map(|e| e.text.to_string())
        .collect()
}

/// Every expansion spelling of the input is still in the output, the output has none the input
/// did not, no `{name}` stand-in of the checker leaked out, and (for SQL) no chain of the input
/// is written into two collections or only partly migrated.
fn check_properties(name: &str, before: &str, after: &str, kind: FileKind) -> Result<(), String> {
    let (mut b, a) = (spelled(before), spelled(after));
    // An `INCREMENTAL FROM $list` read from a state file goes on purpose (the note names it):
    // that expansion may be lost, when nothing else uses it.
    for (at, _) in before.match_indices("INCREMENTAL FROM $") {
        let list = &before[at + "INCREMENTAL FROM ".len()..];
        if let Some(e) = expansions(list).first()
            && e.at == 0
            && !a.contains(e.text)
        {
            b.remove(e.text);
        }
    }
    // A date component (`$(date …)`, or a variable assigned from one) is left out of a
    // collection on purpose (the note says so).
    let dated: Vec<String> = b
        .iter()
        .filter(|e| {
            let name = e.trim_start_matches("${").trim_start_matches('$');
            let name = name.trim_end_matches('}');
            e.starts_with("$(date")
                || before.contains(&format!("{name}=$(date"))
                || before.contains(&format!("{name}=\"$(date"))
        })
        .cloned()
        .collect();
    for e in dated {
        if !a.contains(&e) {
            b.remove(&e);
        }
    }
    if b != a {
        return Err(format!(
            "{name}: expansions changed: lost {:?}, gained {:?}",
            b.difference(&a).collect::<Vec<_>>(),
            a.difference(&b).collect::<Vec<_>>()
        ));
    }
    if after.matches("\\$").count() > before.matches("\\$").count() {
        return Err(format!("{name}: an expansion was escaped"));
    }
    if kind == FileKind::Sql {
        chains_whole(before, after).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// The URIs of a statement that name chain layers (old syntax), and the collection of a
/// migrated one.
enum Seen {
    Old { paths: Vec<String>, backup: bool },
    New { collection: String },
    Other,
}

fn base(p: &str) -> String {
    p.split('?')
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string()
}

fn seen(s: &Statement) -> Seen {
    let first =
        |l: &backup_lint::syntax::ast::StrList| l.items.first().and_then(|u| u.text()).map(base);
    match s {
        Statement::Explain(e) => seen(&e.inner),
        Statement::Backup(b) => match &b.dest {
            BackupDest::To { uris, .. } => {
                let mut paths: Vec<String> = first(uris).into_iter().collect();
                if let Some(inc) = &b.incremental_from {
                    paths.extend(inc.uris.iter().filter_map(|u| u.text()).map(base));
                }
                Seen::Old {
                    paths,
                    backup: true,
                }
            }
            BackupDest::Into { collection } | BackupDest::IntoLatest { collection, .. } => {
                match first(collection) {
                    Some(c) => Seen::New { collection: c },
                    None => Seen::Other,
                }
            }
            _ => Seen::Other,
        },
        Statement::Restore(r) => match &r.from {
            RestoreFrom::Uris { layers } => Seen::Old {
                paths: layers.iter().filter_map(first).collect(),
                backup: false,
            },
            RestoreFrom::Collection {
                subdir,
                collections,
            } if subdir.text().is_none() || subdir.text() == Some("LATEST") => {
                match collections.first().and_then(first) {
                    Some(c) => Seen::New { collection: c },
                    None => Seen::Other,
                }
            }
            _ => Seen::Other,
        },
        _ => Seen::Other,
    }
}

fn statements(text: &str) -> Vec<Option<Statement>> {
    let mut out = Vec::new();
    parser::parse_each(text, &mut Vec::new(), |s| {
        out.push(match s.kind {
            StatementKind::Parsed(a) => Some(*a),
            _ => None,
        })
    });
    out
}

/// Chains of the input (statements linked by a shared path), checked in the output: the
/// statements migrated write one collection, and a chain's backups are all migrated or none.
fn chains_whole(before: &str, after: &str) -> Result<(), String> {
    let (b, a) = (statements(before), statements(after));
    if b.len() != a.len() {
        return Err(format!("{} statements became {}", b.len(), a.len()));
    }
    let mut parent: Vec<usize> = (0..b.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            x = p[x];
        }
        x
    }
    let mut by_path: HashMap<String, usize> = HashMap::new();
    for (i, s) in b.iter().enumerate() {
        let Some(s) = s else { continue };
        if let Seen::Old { paths, .. } = seen(s) {
            for p in paths {
                match by_path.get(&p) {
                    Some(&j) => {
                        let (x, y) = (find(&mut parent, i), find(&mut parent, j));
                        parent[x] = y;
                    }
                    None => {
                        by_path.insert(p, i);
                    }
                }
            }
        }
    }
    // chain → (collections written, backups migrated, backups left)
    let mut chains: BTreeMap<usize, (BTreeSet<String>, usize, usize)> = BTreeMap::new();
    for i in 0..b.len() {
        let Some(Seen::Old { backup, .. }) = b[i].as_ref().map(seen) else {
            continue;
        };
        let root = find(&mut parent, i);
        let entry = chains.entry(root).or_default();
        match a[i].as_ref().map(seen) {
            Some(Seen::New { collection }) => {
                entry.0.insert(collection);
                if backup {
                    entry.1 += 1;
                }
            }
            _ if backup => entry.2 += 1,
            _ => {}
        }
    }
    for (root, (colls, migrated, left)) in chains {
        if colls.len() > 1 {
            return Err(format!(
                "the chain of statement {root} is written into {} collections: {colls:?}",
                colls.len()
            ));
        }
        if migrated > 0 && left > 0 {
            return Err(format!(
                "the chain of statement {root} is half migrated ({migrated} backups migrated, {left} left)"
            ));
        }
    }
    Ok(())
}

/// Variants of a SQL text with shell expansions spliced into its URIs, in several quotings.
fn variants(sql: &str) -> Vec<(String, String)> {
    let spliced = |with: &str| {
        sql.replace("'s3://", &format!("'{with}/s3/"))
            .replace("'gs://", &format!("'{with}/gs/"))
            .replace("'azure://", &format!("'{with}/az/"))
            .replace("'nodelocal://", &format!("'{with}/nl/"))
    };
    let mut out = Vec::new();
    for (i, with) in ["$BUCKET", "${BASE}", "$1", "$(date +%F)", "${ROOT:-s3://x}"]
        .iter()
        .enumerate()
    {
        let body = spliced(with);
        out.push((
            format!("heredoc-{i}.sh"),
            format!(
                "#!/bin/bash\ncockroach sql <<EOF\n{}\nEOF\n",
                body.replace('\\', "\\\\").replace('`', "\\`")
            ),
        ));
        out.push((
            format!("quoted-heredoc-{i}.sh"),
            format!("#!/bin/bash\ncockroach sql <<'EOF'\n{body}\nEOF\n"),
        ));
        // One -e string per statement, in double quotes.
        let mut script = String::from("#!/bin/bash\n");
        for stmt in body.split(";\n") {
            let s = stmt.trim();
            if s.is_empty() || s.starts_with("--") && !s.contains('\n') {
                continue;
            }
            let escaped = s
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('`', "\\`");
            script.push_str(&format!("cockroach sql -e \"{escaped}\"\n"));
        }
        out.push((format!("dash-e-{i}.sh"), script));
    }
    out
}

#[test]
fn expansions_kept_and_chains_whole_on_the_corpus() {
    let Some(corpus) = crate::support::shared("corpus") else {
        return;
    };
    let mut problems = Vec::new();
    let mut docs: Vec<_> = std::fs::read_dir(corpus.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    docs.sort();
    let mut checked = 0;
    // Layout changes applied in the variants: the property is not met by refusing everything.
    let mut migrated = 0;
    for f in &docs {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let m = migrate_document(&text, FileKind::Sql, &opts(), &[], None);
        if let Err(e) = check_properties(&name, &text, &m.text, FileKind::Sql) {
            problems.push(e);
        }
        checked += 1;
        // Variants with expansions in the URIs (the chain-bearing files only: the others have
        // nothing a chain could split).
        if !text.contains("INCREMENTAL FROM") {
            continue;
        }
        for (vname, script) in variants(&text) {
            let m = migrate_document(&script, FileKind::Shell, &opts(), &[], None);
            migrated += m.notes.iter().filter(|n| n.code.code == "R002").count();
            if let Err(e) = check_properties(
                &format!("{name}/{vname}"),
                &script,
                &m.text,
                FileKind::Shell,
            ) {
                problems.push(e);
            }
            checked += 1;
        }
    }
    for (text, names) in crate::support::scripts_by_text(&corpus.join("scripts")) {
        let m = migrate_document(&text, FileKind::Shell, &opts(), &[], None);
        // A published script's incremental drops its `INCREMENTAL FROM $prev` list on purpose
        // (the note says so): every other expansion stays.
        let mut b = spelled(&text);
        b.remove("$prev");
        b.remove("$destination");
        let mut a = spelled(&m.text);
        a.remove("$prev");
        a.remove("$destination");
        if !a.is_subset(&b) || !b.is_subset(&a) {
            problems.push(format!("{}: expansions changed: {b:?} → {a:?}", names[0]));
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} inputs checked");
    eprintln!("{checked} inputs, {migrated} layout changes applied in the variants");
    assert!(
        migrated > 200,
        "only {migrated} layout changes applied in the variants"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// State-file chains whose `INCREMENTAL FROM` list is built in a loop (`while read`,
/// `for f in $(cat …)`, arrays joined by `IFS=,`) or read from a list, sent through
/// wrappers (a function, `docker exec`, `ssh`): each chain is compiled whole, full `INTO` and
/// incremental `INTO LATEST IN` one collection that keeps the storage parameters, with the
/// state file named in the note; or every statement of it is left as written with `R003`.
#[test]
fn loop_built_chains_compile_whole_or_not_at_all() {
    let dir = crate::support::manifest().join("tests/fixtures/migrate");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with("loop-") {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let m = migrate_document(&text, FileKind::Shell, &opts(), &[], None);
        let incrementals = text.matches("INCREMENTAL FROM").count();
        assert!(incrementals > 0, "{name}");
        let refused = m.notes.iter().filter(|n| n.code.code == "R003").count();
        let compiled = m.text.matches("INTO LATEST IN").count();
        if refused > 0 {
            // Never half: nothing of the chain is rewritten, and the note says why.
            assert_eq!(m.text, text, "{name}: refused, yet rewritten");
            assert!(
                m.notes.iter().all(|n| n.code.code == "R003"),
                "{name}: {:?}",
                m.notes
            );
            continue;
        }
        assert_eq!(compiled, incrementals, "{name}:\n{}", m.text);
        assert!(!m.text.contains("INCREMENTAL FROM"), "{name}");
        // The storage parameters of the old paths stay on the collection.
        for (at, _) in m
            .text
            .match_indices("INTO '")
            .chain(m.text.match_indices("IN '"))
        {
            let rest = &m.text[at..];
            let open = rest.find('\'').unwrap() + 1;
            let literal = &rest[open..open + rest[open..].find('\'').unwrap()];
            assert_eq!(
                literal.contains("AUTH"),
                text.contains("AUTH"),
                "{name}: the storage parameters of `{literal}`"
            );
        }
        // The state file is named where the incremental's note says the list is no longer
        // needed.
        let state = ["$STATE", "$state_file", "/var/lib/bk/layers", "$LIST"]
            .into_iter()
            .find(|s| {
                text.contains(&format!("< {s}"))
                    || text.contains(&format!("< \"{s}\""))
                    || text.contains(&format!("cat {s}"))
            })
            .unwrap_or_else(|| panic!("{name}: which state file?"));
        let help: String = m.notes.iter().filter_map(|n| n.help()).collect();
        assert!(
            help.contains(&format!("`{state}`")),
            "{name}: state file `{state}` not named: {help}"
        );
    }
    assert!(seen >= 4);
}
