//! Deterministic inputs for the benchmark (`benches/throughput.rs`) and the differential
//! fixture (`tests/suite/differential.rs`): the mixed generated corpus and the realistic shapes whose
//! scaling the benchmark reports.
#![allow(dead_code)]

// ---------------------------------------------------------------------------------------------
// Deterministic corpus

/// xorshift64* — small, fast, deterministic; good enough to vary a corpus.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SCHEMES: &[&str] = &[
    "s3://backups-{n}/cluster/{w}?AUTH=implicit",
    "gs://crdb-{n}/{w}?AUTH=specified&CREDENTIALS=c2VjcmV0",
    "azure-blob://container{n}/{w}?AZURE_ACCOUNT_NAME=acct&AZURE_ACCOUNT_KEY=a2V5",
    "nodelocal://1/{w}/{n}",
    "external://backup_bucket_{n}/{w}",
];
const WORDS: &[&str] = &[
    "nightly",
    "weekly",
    "orders",
    "payments",
    "ledger",
    "users",
    "audit",
    "inventory",
    "émile",
    "archive",
];
const REGIONS: &[&str] = &[
    "us-east1",
    "us-west2",
    "europe-west1",
    "asia-northeast1",
    "australia-southeast1",
];

fn uri(rng: &mut Rng) -> String {
    let n = rng.below(1000).to_string();
    let w = rng.pick(WORDS);
    let s = rng.pick(SCHEMES).replace("{n}", &n).replace("{w}", w);
    format!("'{s}'")
}

/// A collection: one URI, or a parenthesised locality-aware list.
fn collection(rng: &mut Rng) -> String {
    if !rng.chance(25) {
        return uri(rng);
    }
    let n = 2 + rng.below(3);
    let bucket = rng.below(1000);
    let mut parts = vec![format!(
        "'s3://b{bucket}/default?AUTH=implicit&COCKROACH_LOCALITY=default'"
    )];
    for _ in 1..n {
        let region = rng.pick(REGIONS);
        parts.push(format!(
            "'s3://b{bucket}-{region}/data?AUTH=implicit&COCKROACH_LOCALITY=region%3D{region}'"
        ));
    }
    format!("({})", parts.join(", "))
}

fn table_name(rng: &mut Rng) -> String {
    let db = rng.pick(&["bank", "shop", "crm", "\"Analytics\""]);
    let t = rng.pick(WORDS);
    match rng.below(4) {
        0 => t.to_string(),
        1 => format!("{db}.{t}"),
        2 => format!("{db}.public.{t}"),
        _ => format!("{db}.*"),
    }
}

fn targets(rng: &mut Rng, allow_cluster: bool) -> String {
    match rng.below(if allow_cluster { 5 } else { 4 }) {
        0 => {
            let n = 1 + rng.below(4);
            let names: Vec<String> = (0..n).map(|_| table_name(rng)).collect();
            format!("TABLE {} ", names.join(", "))
        }
        1 => {
            let n = 1 + rng.below(3);
            let names: Vec<&str> = (0..n)
                .map(|_| rng.pick(&["bank", "shop", "crm", "movr"]))
                .collect();
            format!("DATABASE {} ", names.join(", "))
        }
        2 => format!("{} ", table_name(rng)),
        3 => format!("VIRTUAL CLUSTER {} ", 2 + rng.below(50)),
        _ => String::new(),
    }
}

/// A random subset of `options` (each at most once, so no duplicate-option errors), in a
/// random rotation of the table's order. An entry `a|b` is one option spelled `a` or `b`.
fn option_subset(rng: &mut Rng, options: &[&str], max: usize) -> Vec<String> {
    let start = rng.below(options.len());
    let mut out = Vec::new();
    for k in 0..options.len() {
        if out.len() >= max {
            break;
        }
        if rng.chance(35) {
            // `a|b`: one option with alternative spellings; pick one.
            let alternatives: Vec<&str> = options[(start + k) % options.len()].split('|').collect();
            out.push(rng.pick(&alternatives).to_string());
        }
    }
    out
}

fn with_clause(rng: &mut Rng, options: &[&str]) -> String {
    let opts = option_subset(rng, options, 4);
    if opts.is_empty() {
        return String::new();
    }
    if rng.chance(40) {
        format!(" WITH OPTIONS ({})", opts.join(", "))
    } else {
        format!(" WITH {}", opts.join(", "))
    }
}

const BACKUP_OPTS: &[&str] = &[
    "revision_history|revision_history = false",
    "detached|detached = true",
    "encryption_passphrase = 'correct horse battery staple'",
    "kms = ('aws:///arn:aws:kms:us-east-1:111:key/abc?AUTH=implicit&REGION=us-east-1', 'gs:///projects/p/locations/l/keyRings/r/cryptoKeys/k?AUTH=implicit')",
    "execution locality = 'region=us-east1'",
    "include_all_virtual_clusters",
    "updates_cluster_monitoring_metrics",
];
const RESTORE_OPTS: &[&str] = &[
    "into_db = 'restored'",
    "skip_missing_foreign_keys",
    "skip_missing_sequences",
    "skip_missing_views",
    "detached",
    "encryption_passphrase = 'pw'",
    "skip_localities_check",
    "new_db_name = 'bank_copy'",
    "schema_only",
    "verify_backup_table_data",
    "execution locality = 'region=us-west2'",
];
const SHOW_OPTS: &[&str] = &[
    "as_json",
    "check_files",
    "debug_ids",
    "privileges",
    "encryption_passphrase = 'pw'",
    "skip size",
];
const OTHER_STATEMENTS: &[&str] = &[
    "SET x = 1",
    "SET CLUSTER SETTING kv.rangefeed.enabled = true",
    "SELECT count(*) FROM bank.accounts WHERE balance > 100 AND id <> 7",
    "CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, s STRING NOT NULL DEFAULT 'x')",
    "INSERT INTO t VALUES (1, 'a'), (2, 'b''c'), (3, e'\\n')",
    "GRANT SELECT ON TABLE bank.accounts TO reporting",
    "SHOW JOBS",
    "BEGIN",
    "COMMIT",
];
const COMMENTS: &[&str] = &[
    "-- nightly full backup of the bank cluster\n",
    "/* restore drill: run on the staging cluster only */\n",
    "-- TODO(ops): rotate the KMS key before 2026-01-01\n",
    "/* nested /* comments */ are allowed in CockroachDB */\n",
];

fn as_of(rng: &mut Rng) -> &'static str {
    match rng.below(6) {
        0 => " AS OF SYSTEM TIME '-10s'",
        1 => " AS OF SYSTEM TIME follower_read_timestamp()",
        2 => " AS OF SYSTEM TIME '2024-05-01 12:00:00'::TIMESTAMPTZ",
        _ => "",
    }
}

fn backup_stmt(rng: &mut Rng) -> String {
    let t = targets(rng, true);
    let dest = match rng.below(10) {
        0 => format!("TO {}", collection(rng)), // removed in v25.1: a V001 finding
        1 | 2 => format!("INTO LATEST IN {}", collection(rng)),
        3 => format!("INTO '2024/05/01-120000.00' IN {}", collection(rng)),
        _ => format!("INTO {}", collection(rng)),
    };
    let asof = as_of(rng);
    let with = with_clause(rng, BACKUP_OPTS);
    format!("BACKUP {t}{dest}{asof}{with}")
}

fn restore_stmt(rng: &mut Rng) -> String {
    let t = if rng.chance(80) {
        targets(rng, false)
    } else {
        String::new()
    };
    let sub = if rng.chance(60) {
        "LATEST".to_string()
    } else {
        format!("'2024/0{}/1{}-120000.00'", 1 + rng.below(9), rng.below(10))
    };
    let asof = as_of(rng);
    let with = with_clause(rng, RESTORE_OPTS);
    format!("RESTORE {t}FROM {sub} IN {}{asof}{with}", collection(rng))
}

fn show_stmt(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("SHOW BACKUPS IN {}", collection(rng)),
        1 => format!(
            "SHOW BACKUP FROM LATEST IN {}{}",
            collection(rng),
            with_clause(rng, SHOW_OPTS)
        ),
        2 => format!(
            "SHOW BACKUP {} FROM '2024/05/01-120000.00' IN {}{}",
            rng.pick(&["SCHEMAS", "FILES", "RANGES"]),
            collection(rng),
            with_clause(rng, SHOW_OPTS)
        ),
        _ => format!("SHOW BACKUP FROM LATEST IN {}", uri(rng)),
    }
}

fn create_schedule(rng: &mut Rng) -> String {
    let label = match rng.below(3) {
        0 => format!("IF NOT EXISTS 'sched_{}' ", rng.below(10_000)),
        1 => format!("'{}_backup' ", rng.pick(WORDS)),
        _ => String::new(),
    };
    let t = targets(rng, false);
    let with = with_clause(rng, &BACKUP_OPTS[..5]);
    let recurring = rng.pick(&["'@daily'", "'@hourly'", "'0 */4 * * *'", "NEVER"]);
    let full = match rng.below(3) {
        0 => " FULL BACKUP ALWAYS",
        1 => " FULL BACKUP '@weekly'",
        _ => "",
    };
    let sched = if rng.chance(50) {
        " WITH SCHEDULE OPTIONS first_run = 'now', on_execution_failure = 'retry', on_previous_running = 'skip'"
    } else {
        ""
    };
    format!(
        "CREATE SCHEDULE {label}FOR BACKUP {t}INTO {}{with} RECURRING {recurring}{full}{sched}",
        collection(rng)
    )
}

fn alter_schedule(rng: &mut Rng) -> String {
    const CMDS: &[&str] = &[
        "SET RECURRING '@hourly'",
        "SET FULL BACKUP ALWAYS",
        "SET WITH revision_history = false",
        "SET LABEL 'renamed'",
        "SET SCHEDULE OPTION on_previous_running = 'wait'",
        "SET INTO 's3://new-bucket/path?AUTH=implicit'",
        "EXECUTE IMMEDIATELY",
    ];
    let mut cmds = option_subset(rng, CMDS, 3);
    if cmds.is_empty() {
        cmds.push(CMDS[0].to_string());
    }
    format!(
        "ALTER BACKUP SCHEDULE {} {}",
        1_000_000 + rng.below(9_000_000),
        cmds.join(", ")
    )
}

/// `target` bytes (or a little more) of varied backup-family SQL with comments, blank lines
/// and other statements mixed in. The same seed gives the same text, and a smaller corpus is
/// a prefix of a larger one.
pub fn corpus(target: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(target + 4096);
    while out.len() < target {
        if rng.chance(12) {
            out.push_str(rng.pick(COMMENTS));
        }
        let stmt = match rng.below(100) {
            0..=29 => backup_stmt(&mut rng),
            30..=49 => restore_stmt(&mut rng),
            50..=61 => show_stmt(&mut rng),
            62..=71 => create_schedule(&mut rng),
            72..=79 => alter_schedule(&mut rng),
            _ => rng.pick(OTHER_STATEMENTS).to_string(),
        };
        // Some statements in lower case, some spread over lines, a few with a comment inside.
        let stmt = if rng.chance(15) {
            stmt.to_lowercase()
        } else {
            stmt
        };
        let stmt = if rng.chance(10) {
            stmt.replacen(" WITH ", "\n    WITH ", 1)
                .replacen(" IN ", "\n  IN ", 1)
        } else {
            stmt
        };
        let stmt = if rng.chance(2) {
            stmt.replacen(' ', " /* inline */ ", 1)
        } else {
            stmt
        };
        out.push_str(&stmt);
        out.push(';');
        out.push_str(if rng.chance(10) { "\n\n" } else { "\n" });
    }
    out.shrink_to_fit();
    out
}

// ---------------------------------------------------------------------------------------------
// Realistic shapes (issue 10): each grows with `target` bytes; the benchmark reports how time
// scales from 1× to 8× for each.

/// A clean nightly file: one full `BACKUP … INTO` a collection a night, then incrementals
/// `INTO LATEST IN` it, everything with `AS OF SYSTEM TIME '-10s'`. No findings at 26.1.
pub fn clean_nightly(target: usize) -> String {
    let mut out = String::with_capacity(target + 256);
    let mut n = 0usize;
    while out.len() < target {
        if n.is_multiple_of(24) {
            out.push_str(
                "BACKUP INTO 'external://backups' AS OF SYSTEM TIME '-10s' WITH revision_history;\n",
            );
        } else {
            out.push_str(
                "BACKUP INTO LATEST IN 'external://backups' AS OF SYSTEM TIME '-10s' WITH revision_history;\n",
            );
        }
        n += 1;
    }
    out
}

/// One full backup, then only incrementals into it: one chain that grows with the file.
pub fn one_full_then_latest(target: usize) -> String {
    let mut out = String::with_capacity(target + 256);
    out.push_str("BACKUP DATABASE bank INTO 's3://acme-backups/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s';\n");
    while out.len() < target {
        out.push_str("BACKUP DATABASE bank INTO LATEST IN 's3://acme-backups/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s';\n");
    }
    out
}

/// Old-syntax `BACKUP … TO` the same path again and again (checked at 24.3 in the benchmark).
pub fn backup_to_same_path(target: usize) -> String {
    let mut out = String::with_capacity(target + 256);
    while out.len() < target {
        out.push_str("BACKUP DATABASE bank TO 'gs://acme-backups/bank/weekly?AUTH=implicit' AS OF SYSTEM TIME '-10s';\n");
    }
    out
}

/// The docs statements of `files` (paths of `../shared/corpus/docs/*.sql`) repeated until
/// `target` bytes; `None` when the corpus is absent.
pub fn docs_repeated(files: &[std::path::PathBuf], target: usize) -> Option<String> {
    let mut one = String::new();
    for f in files {
        one.push_str(&std::fs::read_to_string(f).ok()?);
        one.push('\n');
    }
    if one.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(target + one.len());
    while out.len() < target {
        out.push_str(&one);
    }
    Some(out)
}

/// `../shared/corpus/docs/` files: the templates (`v*.templates.sql`, with `<placeholders>`)
/// or the plain ones (`v*.sql`), sorted by name.
pub fn docs_files(templates: bool) -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/docs");
    let Ok(read) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".sql") && name.ends_with(".templates.sql") == templates
        })
        .collect();
    files.sort();
    files
}
