//! The library's entry points: check a source or a document, format a source; the
//! severity policy of SQL found in scripts and runbooks.

use crate::analysis::file_state::Written;
use crate::check::reporting::{HostSuppressions, Reporting};
use crate::check::suppress::Suppressions;
use crate::diagnostic::{Diagnostic, Severity, codes};
use crate::hosts::document::{Document, Model};
use crate::hosts::embed;
use crate::hosts::kind::FileKind;
use crate::hosts::shell::Script;
use crate::hosts::shell::extract::Extraction;
use crate::hosts::source;
pub use crate::rules::RuleSet;
use crate::rules::{self, Ctx, Entry, FileContext, Findings, Keep, StatementCtx, StatementFacts};
use crate::syntax::ast::Statement;
use crate::syntax::features;
use crate::syntax::format::FormatOptions;
use crate::syntax::parser::{self, ParsedStatement, StatementKind};
use crate::syntax::span::Span;
use crate::syntax::template;
use crate::syntax::version::Version;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions {
    pub target: Version,
    /// The time AOST values are judged at, in seconds since 1970: `None` reads the clock once
    /// per check (rules never read it themselves); tests and reproducible runs fix it.
    pub now: Option<i64>,
    /// Pages are collections of independent examples (a documentation site), not runbooks:
    /// chain and collection rules run per fence. A page's own
    /// `<!-- backup-lint: independent-examples -->` / `<!-- backup-lint: runbook -->` wins.
    pub independent_examples: bool,
    /// The rules that run (default: all). A deselected rule is never invoked; the caller
    /// still filters the findings (built-in codes, severities) as before.
    pub rules: RuleSet,
    /// Whether a source is parsed on a second thread while this one judges (the findings are
    /// the same either way).
    pub threads: Threads,
    /// When set, the check stops early (between batches of statements) once it reads `true`:
    /// its findings are then incomplete, and the caller that set the flag must discard them.
    /// The language server sets it when a newer version of a document arrives.
    pub interrupt: Option<&'static std::sync::atomic::AtomicBool>,
}

/// How many threads `check_parts` uses for one source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Threads {
    /// Two from [`TWO_THREADS_FROM_BYTES`] of input on, one below.
    #[default]
    Auto,
    One,
    Two,
}

impl CheckOptions {
    /// Whether the caller asked the check to stop (see [`CheckOptions::interrupt`]).
    fn interrupted(&self) -> bool {
        self.interrupt
            .is_some_and(|flag| flag.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Checking for `target` at the current time.
    pub fn at(target: Version) -> CheckOptions {
        CheckOptions {
            target,
            ..CheckOptions::default()
        }
    }
}

/// Syntax and version diagnostics for a whole source, in source order.
pub fn check_source(text: &str, opts: &CheckOptions) -> Vec<Diagnostic> {
    check_parts(text, &[], &[], opts)
}

/// [`check_source`] over a source made of independent parts (the snippets of a script or a
/// page) starting at `parts`: each part is lexed on its own. At each offset of `fresh` the
/// statements start a new sequence: chain and collection rules do not look before it (the
/// fences of a page of independent examples).
pub fn check_parts(
    text: &str,
    parts: &[usize],
    fresh: &[usize],
    opts: &CheckOptions,
) -> Vec<Diagnostic> {
    check_parts_in(text, parts, fresh, opts, None)
}

/// [`check_parts`] of a text that came from a host file with suppression comments of its own
/// (`host`): a rule's finding they suppress is never built either.
fn check_parts_in(
    text: &str,
    parts: &[usize],
    fresh: &[usize],
    opts: &CheckOptions,
    host: Option<HostSuppressions<'_>>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut release = Vec::new();
    let mut file = FileContext::default();
    let mut spans = Vec::new();
    let templates = template::find_in_parts(text, parts);
    let parse_text = template::substitute(text, &templates);
    let now = opts.now.unwrap_or_else(crate::analysis::aost::now_secs);
    let mut fresh = fresh.iter().copied().peekable();
    let set = opts.rules.for_text(text);
    let placeholders = set.contains(&rules::template::placeholder::RULE);
    let statement_rules = rules::StatementRules::of(&set);
    // The suppression comments are read before the rules run (an `ignore`'s scope from the
    // statements' spans, lexed ahead when one needs them), so a finding they suppress is
    // never built.
    let own = Suppressions::of_sql(text, || parser::statement_spans(&parse_text, parts));
    let reporting = Reporting {
        rules: &set,
        own: own.as_ref(),
        host,
    };
    let keep: &dyn Keep = &reporting;
    // Judges one statement against the file so far and adds it to the file state. The trees no
    // longer needed (the statement's own when the file state does not keep it, earlier writers
    // it released) go into `spent`, to be freed on the thread that built them. The statement
    // is judged where it lies (its tree taken, the rest left to drop): moving its 900 bytes
    // cost a copy per statement.
    let judge = |stmt: &mut Prepared, spent: &mut Vec<Box<Statement>>| {
        let mut restart = false;
        while fresh.next_if(|&f| f <= stmt.span.start as usize).is_some() {
            restart = true;
        }
        if restart {
            file = FileContext::default();
        }
        spans.push(stmt.span);
        let templates = template::within(&templates, stmt.span);
        // Done already when the parsing thread had time for it.
        stmt.judge_alone(&statement_rules, opts.target, text, templates, keep);
        release.append(&mut stmt.release);
        let written = if let PreparedKind::Parsed(tree) = &stmt.kind {
            let (ast, facts) = (tree.tree(), tree.facts());
            // Before the rules: they share its location id and `incremental_location`.
            let written = Written::of(ast, facts, file.locality());
            let ctx = Ctx {
                statement: StatementCtx::new(opts.target, text, stmt.span, templates, facts),
                file: &file,
                written: &written,
                chain: Default::default(),
            };
            statement_rules.run_in_file(ast, &ctx, &mut Findings::new(&mut release, keep));
            drop(ctx);
            written
        } else {
            if placeholders && matches!(stmt.kind, PreparedKind::Broken) {
                let ctx =
                    StatementCtx::new(opts.target, text, stmt.span, templates, &rules::NO_FACTS);
                release.extend(rules::template::placeholder::placeholders_in(
                    stmt.span, &ctx,
                ));
            }
            Written::default()
        };
        let entry = stmt.kind.take_entry(spent);
        file.push(stmt.span, entry, written, spent);
    };
    let prepare = |stmt: ParsedStatement| {
        let inside = template::within(&templates, stmt.span);
        Prepared::of(stmt, opts.target, inside, now)
    };
    // What the parsing thread does for the judge while the judge is behind.
    let judge_alone = |stmt: &mut Prepared| {
        let inside = template::within(&templates, stmt.span);
        stmt.judge_alone(&statement_rules, opts.target, text, inside, keep);
    };
    let two = match opts.threads {
        Threads::Auto => text.len() >= TWO_THREADS_FROM_BYTES,
        Threads::One => false,
        Threads::Two => true,
    };
    let interrupted = || opts.interrupted();
    if two {
        parse_beside(
            &parse_text,
            parts,
            &mut diags,
            prepare,
            judge_alone,
            judge,
            interrupted,
        );
    } else {
        let mut judge = judge;
        let mut spent = Vec::new();
        let mut judged = 0usize;
        let mut stopped = false;
        parser::parse_each_part(&parse_text, parts, &mut diags, |stmt| {
            judged += 1;
            stopped = stopped || (judged.is_multiple_of(BATCH) && interrupted());
            if !stopped {
                judge(&mut prepare(stmt), &mut spent);
                spent.clear();
            }
        });
    }
    if text.contains(source::INVALID_BYTE) {
        // Invalid bytes outside backup statements are reported too (the lexer reports those
        // inside); keep one diagnostic per location.
        let lexed: std::collections::HashSet<u32> = diags.iter().map(|x| x.span.start).collect();
        for d in source::invalid_utf8_diagnostics(text) {
            if !lexed.contains(&d.span.start) {
                diags.push(d);
            }
        }
    }
    diags.append(&mut release);
    if !templates.is_empty() {
        one_finding_per_placeholder(&mut diags, &templates, &spans);
    }
    // The keys are sorted, not the findings (88 bytes each): each finding then moves once.
    diags.sort_by_cached_key(|d| (d.span.start, d.span.end, d.code.code));
    match own {
        Some(own) => {
            debug_assert!(
                opts.interrupted() || spans == parser::statement_spans(&parse_text, parts),
                "the suppressions' statements are the statements checked"
            );
            own.finish(text, diags)
        }
        None => diags,
    }
}

/// From this size on, `check_parts` parses on a second thread while the first judges: the
/// thread's start costs less than the work it takes over (lexing, parsing, the release
/// findings and the facts: about half of a check without findings).
pub const TWO_THREADS_FROM_BYTES: usize = 256 * 1024;
/// Statements handed from the parsing thread to the judging one at a time: fewer hand-overs
/// paid more than the cache kept warm by small batches (clean 20 MB: 64 statements 0.24 s,
/// 256 0.22 s, 1,024 0.20 s; about 4 MB more memory).
const BATCH: usize = 1024;
/// Batches parsed ahead of the judge at most: memory stays bounded whatever the file's size.
const BATCHES_AHEAD: usize = 2;
/// The parsing thread's stack: as deep as the main thread's (the parser's depth guards and
/// the fuzzers assume the usual 8 MB).
const PARSER_STACK: usize = 8 << 20;

/// A statement's tree with its facts, which borrow it: worked out together where the statement
/// was parsed, so that the facts can travel with the tree to the judging thread. Held in place
/// (not in a cell on the heap, as `self_cell` would): a block taken on the parsing thread and
/// freed on the judging one costs the allocator a remote atomic write per statement.
struct TreeFacts {
    /// Borrows `*tree` (the `'static` is never handed out: `facts` shortens it to `&self`'s).
    facts: std::mem::ManuallyDrop<StatementFacts<'static>>,
    /// The tree, owned (`Box::into_raw`): it neither moves nor changes while `facts` lives.
    tree: std::ptr::NonNull<Statement>,
}

// SAFETY: `TreeFacts` owns its tree as a `Box<Statement>` would, and its facts borrow only that
// tree; both are `Send` + `Sync` data, so moving the pair to another thread is sound.
unsafe impl Send for TreeFacts {}

impl TreeFacts {
    fn new(tree: Box<Statement>, facts_of: impl FnOnce(&Statement) -> StatementFacts<'_>) -> Self {
        let tree = std::ptr::NonNull::from(Box::leak(tree));
        // SAFETY: the tree stays allocated, unmoved and unchanged until `Drop` or `take_entry`,
        // which drop the facts first.
        let facts = facts_of(unsafe { tree.as_ref() });
        // SAFETY: only the lifetime changes; `facts` gives it back shortened to `&self`'s.
        let facts =
            unsafe { std::mem::transmute::<StatementFacts<'_>, StatementFacts<'static>>(facts) };
        TreeFacts {
            facts: std::mem::ManuallyDrop::new(facts),
            tree,
        }
    }

    fn tree(&self) -> &Statement {
        // SAFETY: the tree is alive while `self` is.
        unsafe { self.tree.as_ref() }
    }

    fn facts(&self) -> &StatementFacts<'_> {
        &self.facts
    }
}

impl Drop for TreeFacts {
    fn drop(&mut self) {
        // SAFETY: the facts first, then the tree they borrow (from `Box::leak`), once.
        unsafe {
            std::mem::ManuallyDrop::drop(&mut self.facts);
            drop(Box::from_raw(self.tree.as_ptr()));
        }
    }
}

/// One statement as the parsing side hands it to the judging side: everything about it that
/// does not depend on the statements before it.
struct Prepared {
    span: Span,
    kind: PreparedKind,
    /// Its release findings (features newer than the target), then, once `judged_alone`, the
    /// findings of the rules that judge it alone.
    release: Vec<Diagnostic>,
    /// Whether the rules that judge the statement alone have run (`Prepared::judge_alone`).
    judged_alone: bool,
}

// The parsed statement is the usual case, and boxing it would be the allocation `TreeFacts`
// exists to avoid.
#[allow(clippy::large_enum_variant)]
enum PreparedKind {
    Parsed(TreeFacts),
    Broken,
    Other {
        words: Vec<String>,
    },
    /// A parsed statement once the file state took it (`take_entry`).
    Judged,
}

impl PreparedKind {
    /// What the file state keeps of the statement: a parsed statement's tree if it writes or
    /// changes backups (else it goes into `spent`), `Judged` left in its place. Taken where it
    /// lies: moving the facts (840 bytes) out with the tree would cost a copy per statement.
    // The trees stay boxed: the file state keeps some, and the others go back whole.
    #[allow(clippy::vec_box)]
    fn take_entry(&mut self, spent: &mut Vec<Box<Statement>>) -> Entry {
        match self {
            PreparedKind::Parsed(tree) => {
                let at = tree.tree;
                // SAFETY: as in `TreeFacts::drop`: the facts first (plain data: dropping them
                // does not panic), then the tree they borrow, once: `*self` is overwritten
                // without dropping the `TreeFacts` it held, which is never used again.
                let ast = unsafe {
                    std::mem::ManuallyDrop::drop(&mut tree.facts);
                    std::ptr::write(self, PreparedKind::Judged);
                    Box::from_raw(at.as_ptr())
                };
                match *ast {
                    Statement::Backup(_)
                    | Statement::CreateSchedule(_)
                    | Statement::AlterBackup(_)
                    | Statement::AlterBackupSchedule(_) => Entry::Statement(ast),
                    _ => {
                        spent.push(ast);
                        Entry::Reader
                    }
                }
            }
            PreparedKind::Broken | PreparedKind::Judged => Entry::Broken,
            PreparedKind::Other { words } => Entry::Other {
                words: std::mem::take(words),
            },
        }
    }
}

impl Prepared {
    /// `templates`: the documentation placeholders inside the statement; `now`: the check's
    /// clock (`StatementFacts::of`).
    fn of(
        stmt: ParsedStatement,
        target: Version,
        templates: &[template::Template],
        now: i64,
    ) -> Prepared {
        // Each arm builds the whole value: through a `(kind, release)` pair, the facts were
        // copied once more per statement.
        let span = stmt.span;
        match stmt.kind {
            StatementKind::Parsed(ast) => {
                let release = features::check_statement(&ast, target);
                Prepared {
                    span,
                    kind: PreparedKind::Parsed(TreeFacts::new(ast, |ast| {
                        StatementFacts::of(ast, templates, now)
                    })),
                    release,
                    judged_alone: false,
                }
            }
            StatementKind::Broken => Prepared::unparsed(span, PreparedKind::Broken),
            StatementKind::Other => {
                Prepared::unparsed(span, PreparedKind::Other { words: stmt.words })
            }
        }
    }

    fn unparsed(span: Span, kind: PreparedKind) -> Prepared {
        Prepared {
            span,
            kind,
            release: Vec::new(),
            judged_alone: false,
        }
    }

    /// Runs the rules that judge a parsed statement alone, once: on the parsing thread when
    /// the judge is behind, otherwise on the judging one. `templates`: the placeholders inside
    /// the statement.
    fn judge_alone(
        &mut self,
        rules: &rules::StatementRules,
        target: Version,
        source: &str,
        templates: &[template::Template],
        keep: &dyn Keep,
    ) {
        if self.judged_alone {
            return;
        }
        self.judged_alone = true;
        if let PreparedKind::Parsed(tree) = &self.kind {
            let ctx = StatementCtx::new(target, source, self.span, templates, tree.facts());
            rules.run_alone(
                tree.tree(),
                &ctx,
                &mut Findings::new(&mut self.release, keep),
            );
        }
    }
}

/// Runs `parser::parse_each_part` and `prepare` on a second thread and `judge` on this one, in
/// batches, in source order: the same calls in the same order as on one thread, so the same
/// findings. While the judge is behind (it has more than `HELP_WHILE_JUDGE_HAS` statements
/// sent to it left to judge), the parsing thread runs `judge_alone` on the batch it holds,
/// statement by statement, and sends the batch once the judge has fewer left: the judge skips
/// what was done, and the findings are the same wherever they were worked out. The judge does
/// not wait for this: it has statements at hand until the batch comes. The judged batches (to
/// be emptied and reused) and the trees `judge` is done with go back to the parsing thread: an
/// allocator frees a block most cheaply on the thread that took it.
/// Without a second thread (none can be started), everything runs here. Between batches the
/// judge stops once `interrupted` says so (the parsing thread then stops at its next batch).
fn parse_beside(
    parse_text: &str,
    parts: &[usize],
    diags: &mut Vec<Diagnostic>,
    prepare: impl Fn(ParsedStatement) -> Prepared + Sync,
    judge_alone: impl Fn(&mut Prepared) + Sync,
    mut judge: impl FnMut(&mut Prepared, &mut Vec<Box<Statement>>),
    interrupted: impl Fn() -> bool,
) {
    type Batch = Vec<Prepared>;
    // Statements the judge has judged.
    let judged = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (send_parsed, parsed) = std::sync::mpsc::sync_channel::<Batch>(BATCHES_AHEAD);
        // A judged batch, to be emptied and filled again, and the trees the judge is done with.
        let (send_spent, spent) = std::sync::mpsc::channel::<(Batch, Vec<Box<Statement>>)>();
        let (prepare, judge_alone) = (&prepare, &judge_alone);
        let judged = &judged;
        let parsing = std::thread::Builder::new()
            .name("parse".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, move || {
                let mut diags = Vec::new();
                // Judged batches, emptied: their room is reused (a batch is 900 kB).
                let mut spare: Vec<Batch> = Vec::new();
                let fresh_batch = |spare: &mut Vec<Batch>| {
                    spare.pop().unwrap_or_else(|| Vec::with_capacity(BATCH))
                };
                let mut batch = fresh_batch(&mut spare);
                let mut sent = 0;
                let mut judging = true;
                parser::parse_each_part(parse_text, parts, &mut diags, |stmt| {
                    if !judging {
                        return;
                    }
                    batch.push(prepare(stmt));
                    if batch.len() == BATCH {
                        for (mut done, trees) in spent.try_iter() {
                            drop(trees);
                            done.clear();
                            spare.push(done);
                        }
                        let full = std::mem::replace(&mut batch, fresh_batch(&mut spare));
                        judging = hand_over(&send_parsed, (&mut sent, judged), full, judge_alone);
                    }
                });
                if judging && !batch.is_empty() {
                    hand_over(&send_parsed, (&mut sent, judged), batch, judge_alone);
                }
                drop(send_parsed);
                // The judge's last trees, until it hangs up.
                spent.iter().for_each(drop);
                diags
            });
        let Ok(parsing) = parsing else {
            let mut spent = Vec::new();
            parser::parse_each_part(parse_text, parts, diags, |stmt| {
                judge(&mut prepare(stmt), &mut spent);
                spent.clear();
            });
            return;
        };
        let mut done = 0;
        for mut batch in parsed.iter() {
            if interrupted() {
                break;
            }
            let mut trees = Vec::new();
            for prepared in &mut batch {
                judge(prepared, &mut trees);
                done += 1;
                judged.store(done, Ordering::Relaxed);
            }
            // A failed send: the parsing thread is gone (it panicked); free them here.
            let _ = send_spent.send((batch, trees));
        }
        // An interrupted judge hangs up: the parsing thread's next send fails and it stops.
        drop(parsed);
        drop(send_spent);
        match parsing.join() {
            Ok(parse_diags) => *diags = parse_diags,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
}

/// Whether the parsing thread runs `judge_alone` on every statement, behind or not (unit tests
/// only: they compare that split with one thread).
fn always_help() -> bool {
    #[cfg(test)]
    return tests::ALWAYS_HELP.load(Ordering::Relaxed);
    #[cfg(not(test))]
    false
}

/// Statements the parsing thread judges alone between two looks at whether the judge is still
/// behind: a few microseconds of work.
const ALONE_BETWEEN_LOOKS: usize = 16;
/// The parsing thread helps the judge while the judge has more than this many statements left
/// of those sent to it: half a batch, a millisecond or two of work, ample for the microseconds
/// until the parsing thread looks again, and a reserve if the system pauses that thread.
/// (Under callgrind, 128 and 512 split the work alike.)
const HELP_WHILE_JUDGE_HAS: usize = 512;

/// Sends `batch` to the judge; before that, while the judge has more than
/// `HELP_WHILE_JUDGE_HAS` statements left to judge (`sent` to it, of which it `judged`), runs
/// `judge_alone` on `batch`'s statements. False when the judge stopped (it panicked): parse no
/// further.
fn hand_over(
    send: &std::sync::mpsc::SyncSender<Vec<Prepared>>,
    (sent, judged): (&mut usize, &AtomicUsize),
    mut batch: Vec<Prepared>,
    judge_alone: impl Fn(&mut Prepared),
) -> bool {
    let behind = || sent.saturating_sub(judged.load(Ordering::Relaxed)) > HELP_WHILE_JUDGE_HAS;
    let mut next = 0;
    while next < batch.len() && (behind() || always_help()) {
        let end = batch.len().min(next + ALONE_BETWEEN_LOOKS);
        batch[next..end].iter_mut().for_each(&judge_alone);
        next = end;
    }
    *sent += batch.len();
    send.send(batch).is_ok()
}

/// A placeholder is reported once, by `P001`: a finding it causes (a syntax error at it, an
/// option named `________`, an AOST that is a name) is dropped, and the others show every
/// placeholder as written, not as the underscores it was parsed as.
fn one_finding_per_placeholder(
    diags: &mut Vec<Diagnostic>,
    templates: &[template::Template],
    statements: &[Span],
) {
    diags.retain(|d| match template::cause(templates, d.span) {
        None => true,
        Some(_) if d.code.code == "P001" => true,
        // A URI that is only a placeholder: the storage rules judge what is not there.
        Some(t) if t.in_string => !d.code.code.starts_with('U'),
        Some(_) => false,
    });
    for d in diags.iter_mut() {
        // Only a text that shows underscores is rewritten (P001 shows the placeholder itself):
        // a statement with many placeholders and findings stays linear.
        let shows = |t: &str| t.contains("__");
        let underscores = shows(&d.message)
            || d.label().is_some_and(shows)
            || d.help().is_some_and(shows)
            || d.labels().iter().any(|l| shows(&l.message));
        if d.code.code == "P001" || !underscores {
            continue;
        }
        let at = d.span.start;
        let i = statements.partition_point(|s| s.end < at);
        let Some(stmt) = statements.get(i).filter(|s| s.start <= at) else {
            continue;
        };
        let inside = template::within(templates, *stmt);
        if inside.iter().any(|t| !t.in_string) {
            // The placeholder the finding is on first, when two have the same length.
            let first = template::cause(templates, d.span);
            d.rewrite_texts(|t| template::restore(t, first, inside));
        }
    }
}

/// The outcome of formatting one source.
#[derive(Debug)]
pub struct Formatted {
    pub text: String,
    /// Lexical/syntax errors (the text is then returned unchanged) and notes about statements
    /// left as written.
    pub diagnostics: Vec<Diagnostic>,
    /// The source had a syntax error it could not place safely: nothing was changed.
    pub refused: bool,
}

impl Formatted {
    pub fn changed(&self, original: &str) -> bool {
        self.text != original
    }
}

/// Copies text `fmt` does not rewrite (other statements, comments, statements left as
/// written); for a redacted print, with their secrets replaced as in messages.
fn pass_through(out: &mut String, text: &str, redact: bool) {
    if redact {
        out.push_str(&crate::redact::scrub(text));
    } else {
        out.push_str(text);
    }
}

/// Rewrites every backup-family statement into canonical form, one statement per line, and
/// leaves every other byte as it was. A source with a lexical or syntax error is left alone.
/// Whether `printed`, one statement's canonical form, parses at the same release as one
/// statement and prints the same again: `fmt` checks its own output before using it.
fn reads_back(printed: &str, opts: &FormatOptions) -> bool {
    let mut diagnostics = Vec::new();
    let mut again = None;
    let mut count = 0;
    parser::parse_each(printed, &mut diagnostics, |stmt| {
        count += 1;
        if let StatementKind::Parsed(ast) = &stmt.kind {
            again = Some(ast.display(*opts).to_string());
        }
    });
    count == 1
        && !diagnostics.iter().any(|d| d.severity == Severity::Error)
        && again.as_deref() == Some(printed)
}

pub fn format_source(text: &str, opts: &FormatOptions) -> Formatted {
    let mut diagnostics = Vec::new();
    let mut notes = Vec::new();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut last = 0;
    let templates = template::find(text);
    let parse_text = template::substitute(text, &templates);
    parser::parse_each(&parse_text, &mut diagnostics, |stmt| {
        let StatementKind::Parsed(ast) = &stmt.kind else {
            return;
        };
        if !template::within(&templates, stmt.span).is_empty() {
            // Keep documentation placeholders as written (`check` reports them).
            return;
        }
        if stmt.has_inner_comment {
            notes.push(
                Diagnostic::new(
                    codes::COMMENT_IN_STATEMENT,
                    stmt.span,
                    "statement left as written: it contains a comment that the canonical form cannot keep",
                )
                .with_help("move the comment before or after the statement to let `fmt` rewrite it"),
            );
            return;
        }
        let range = stmt.span.range();
        pass_through(&mut out, &text[last..range.start], opts.redact);
        if opts.redact {
            // The release's own redacted form, and then the URI part of the redaction model
            // over it: a release's form may keep a URL password (before v24.2 redacts URIs
            // whole). Passphrases stay as the release prints them (the conformance
            // scoreboard: v22.1 prints a RESTORE passphrase even redacted).
            out.push_str(&crate::redact::scrub_uris(&ast.display(*opts).to_string()));
        } else {
            let printed = ast.display(*opts).to_string();
            if !reads_back(&printed, opts) {
                notes.push(
                    Diagnostic::new(
                        codes::FORMAT_NOT_VERIFIED,
                        stmt.span,
                        "statement left as written: its canonical form did not read back the same",
                    )
                    .with_help("a printing bug in backup-lint; the statement itself is unchanged"),
                );
                out.push_str(&text[range.clone()]);
            } else {
                out.push_str(&printed);
            }
        }
        last = range.end;
    });
    pass_through(&mut out, &text[last..], opts.redact);
    if text.contains(source::INVALID_BYTE) && diagnostics.is_empty() {
        diagnostics.extend(source::invalid_utf8_diagnostics(text));
    }
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Formatted {
            text: text.to_string(),
            diagnostics,
            refused: true,
        };
    }
    diagnostics.append(&mut notes);
    Formatted {
        text: out,
        diagnostics,
        refused: false,
    }
}

/// Checks a file of any kind: SQL directly; the SQL inside a shell script or a Markdown page
/// with the script and page rules, every finding at its place in the file. `wrappers` are extra
/// shell function names whose first argument is SQL.
pub fn check_document(
    text: &str,
    kind: FileKind,
    opts: &CheckOptions,
    wrappers: &[String],
) -> Vec<Diagnostic> {
    check(&Document::build(text, kind, wrappers), opts)
}

/// Checks a document already built (see [`check_document`]).
pub fn check(doc: &Document<'_>, opts: &CheckOptions) -> Vec<Diagnostic> {
    let text = doc.text;
    if matches!(doc.model, Model::Sql) {
        return check_source(text, opts);
    }
    // The host's suppression comments (`#`, `<!-- -->`) may name SQL rules too.
    let opts = &CheckOptions {
        rules: opts.rules.for_text(text),
        ..*opts
    };
    match &doc.model {
        Model::Sql => check_source(text, opts),
        Model::Script { script, extraction } => {
            let host = Suppressions::of(text, &script.comments, &script.statements);
            let mut diags = check_embedded(doc, Host::Shell, opts, host.as_ref());
            let keep = Reporting::in_host(&opts.rules, host.as_ref(), None);
            diags.extend(script_findings(
                text, script, extraction, opts, false, &keep,
            ));
            finish(&mut diags);
            finish_host(text, host, diags)
        }
        Model::Markdown { page, scripts } => {
            let fences: Vec<Span> = page.fences.iter().map(|f| f.span).collect();
            let host = Suppressions::of(text, &page.comments, &fences);
            let mut diags = Vec::new();
            for (fence, script) in page.fences.iter().zip(scripts) {
                // A shell fence is judged for the SQL it sends and the commands around it; one
                // that sends none (program output, a tutorial's `cockroach start`, text that
                // is not bash) is not this tool's to judge.
                if let Some((script, extraction)) = script
                    && sends_sql(script, extraction)
                {
                    let shell = &fence.content.text;
                    let keep = Reporting::in_host(&opts.rules, host.as_ref(), Some(&fence.content));
                    for d in script_findings(shell, script, extraction, opts, true, &keep) {
                        diags.push(embed::map_diagnostic(&fence.content, d));
                    }
                }
            }
            let empty_script = Script::default();
            let empty_extraction = Extraction::default();
            let ctx = rules::ScriptCtx {
                target: opts.target,
                source: text,
                script: &empty_script,
                extraction: &empty_extraction,
                in_markdown: true,
            };
            let keep = Reporting::in_host(&opts.rules, host.as_ref(), None);
            rules::run_markdown(
                page,
                &ctx,
                &opts.rules,
                &mut Findings::new(&mut diags, &keep),
            );
            diags.extend(check_embedded(doc, Host::Markdown, opts, host.as_ref()));
            finish(&mut diags);
            finish_host(text, host, diags)
        }
        Model::Yaml { file, scripts } => {
            let mut diags = Vec::new();
            if let Some((at, message)) = &file.error {
                diags.push(
                    Diagnostic::new(
                        codes::YAML_SYNTAX_ERROR,
                        *at,
                        format!("YAML syntax error: {message}"),
                    )
                    .with_label("the YAML parser stops here")
                    .with_help("the scripts after this point are not checked; the file is not reported clean"),
                );
            }
            let host = Suppressions::of(text, &doc.yaml_comments(), doc.statements());
            for (found, (script, extraction)) in file.scripts.iter().zip(scripts) {
                let shell = &found.content.text;
                let keep = Reporting::in_host(&opts.rules, host.as_ref(), Some(&found.content));
                for d in script_findings(shell, script, extraction, opts, false, &keep) {
                    diags.push(embed::map_diagnostic(&found.content, d));
                }
            }
            diags.extend(check_embedded(doc, Host::Shell, opts, host.as_ref()));
            finish(&mut diags);
            finish_host(text, host, diags)
        }
    }
}

/// How the host file's kind changes the SQL findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Host {
    /// Shell script: placeholders inside substituted values are reported at their assignment
    /// by the script rules, so the SQL-level finding is dropped.
    Shell,
    /// Markdown runbook: documentation placeholders are expected, reported as info.
    Markdown,
}

/// The document's SQL checked as one SQL file, findings mapped back to the host.
fn check_embedded(
    doc: &Document<'_>,
    host: Host,
    opts: &CheckOptions,
    suppressions: Option<&Suppressions>,
) -> Vec<Diagnostic> {
    let Some(sql) = doc.embedded.as_ref().filter(|a| !a.text.is_empty()) else {
        return Vec::new();
    };
    let independent = match &doc.model {
        Model::Markdown { page, .. } => page
            .independent_examples
            .unwrap_or(opts.independent_examples),
        _ => false,
    };
    let fresh: &[usize] = if independent { &doc.fence_starts } else { &[] };
    let in_host = suppressions.map(|suppressions| HostSuppressions {
        suppressions,
        map: Some(sql),
    });
    let diags = check_parts_in(&sql.text, &doc.parts, fresh, opts, in_host);
    let mut out = Vec::with_capacity(diags.len());
    for d in diags {
        if d.code.code == "P001" {
            // Placeholders inside substituted values are reported at their assignment (B003),
            // and opaque values are rendered as placeholders on purpose.
            if sql.is_substituted(d.span) {
                continue;
            }
            match host {
                Host::Shell => {}
                Host::Markdown => {
                    let mut d = embed::map_diagnostic(sql, d);
                    d.severity = Severity::Info;
                    out.push(d);
                    continue;
                }
            }
        }
        out.push(embed::map_diagnostic(sql, d));
    }
    out
}

/// Whether a script (a page's shell fence) sends SQL or backs up: a client command, SQL found
/// for a wrapper function, `cockroach dump` or `cockroach userfile` (a backup's files).
fn sends_sql(script: &Script, extraction: &Extraction) -> bool {
    !extraction.snippets.is_empty()
        || !extraction.files.is_empty()
        || script.commands.iter().any(|c| {
            crate::hosts::shell::extract::client_of(c).is_some()
                || c.base_name().as_deref() == Some("cockroach")
                    && matches!(c.arg(0).as_deref(), Some("dump" | "userfile"))
        })
}

/// The script's own findings (syntax errors, script rules) in the script's coordinates.
fn script_findings(
    text: &str,
    script: &Script,
    extraction: &Extraction,
    opts: &CheckOptions,
    in_markdown: bool,
    keep: &dyn Keep,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in &script.errors {
        out.push(
            Diagnostic::new(
                codes::SHELL_SYNTAX_ERROR,
                *e,
                "shell syntax error: this part of the script could not be read",
            )
            .with_label("not valid shell")
            .with_help("bash would stop here too; SQL inside this part is not checked"),
        );
    }
    let ctx = rules::ScriptCtx {
        target: opts.target,
        source: text,
        script,
        extraction,
        in_markdown,
    };
    rules::run_script(&ctx, &opts.rules, &mut Findings::new(&mut out, keep));
    out
}

/// The findings of a host file after its own suppression comments (`host`), with the
/// findings about those comments.
fn finish_host(text: &str, host: Option<Suppressions>, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    match host {
        Some(host) => host.finish(text, diags),
        None => diags,
    }
}

/// Source order, one finding per (code, place, message).
fn finish(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code.code, &a.message).cmp(&(
            b.span.start,
            b.span.end,
            b.code.code,
            &b.message,
        ))
    });
    diags.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Makes the parsing thread judge every statement alone (`always_help`): the findings are
    /// the same wherever that runs, so other tests running meanwhile are not affected.
    pub(super) static ALWAYS_HELP: std::sync::atomic::AtomicBool =
        std::sync::atomic::AtomicBool::new(false);

    /// The rules that judge a statement alone find on the parsing thread what they find on the
    /// judging one: every rule's documented examples (which fire every rule), over several
    /// batches, for two targets, checked on one thread, on two as the judge's pace decides,
    /// and on two with the parsing thread judging every statement alone.
    #[test]
    fn rules_judged_alone_find_the_same_on_either_thread() {
        let round = doc_examples();
        let statements = round.matches(';').count();
        let sql = round.repeat(3 * BATCH / statements + 1);
        for target in [Version::NEWEST, crate::syntax::version::v(22, 2)] {
            let opts = |threads| CheckOptions {
                target,
                now: Some(1_796_515_200),
                threads,
                ..CheckOptions::default()
            };
            let one = check_source(&sql, &opts(Threads::One));
            assert!(one.len() > statements, "{}", one.len());
            assert_eq!(one, check_source(&sql, &opts(Threads::Two)));
            ALWAYS_HELP.store(true, Ordering::Relaxed);
            let mut helped = Vec::new();
            let judged_here = invoked_during(|| helped = check_source(&sql, &opts(Threads::Two)));
            ALWAYS_HELP.store(false, Ordering::Relaxed);
            assert_eq!(one, helped);
            // The judging thread (this one) ran none of them.
            let alone = |code: &&str| {
                rules::find(code)
                    .is_some_and(|r| matches!(r.kind, rules::RuleKind::StatementAlone { .. }))
            };
            assert!(!judged_here.iter().any(alone), "{judged_here:?}");
            assert!(judged_here.len() > statements);
        }
    }

    /// The rules invoked while `f` runs on this thread.
    /// The SQL of every rule's documented Example and Use-instead blocks, each block ended by
    /// `;` on a line of its own: a file where every statement rule fires.
    pub(crate) fn doc_examples() -> String {
        let mut round = String::new();
        for rule in rules::ALL {
            for section in ["Example", "Use instead"] {
                let doc = rule.doc_section(section).unwrap_or_default();
                let mut inside = false;
                for line in doc.lines() {
                    if line.starts_with("```") {
                        inside = line.starts_with("```sql");
                        continue;
                    }
                    if inside {
                        round.push_str(line);
                        round.push('\n');
                    }
                }
                round.push_str(";\n");
            }
        }
        round
    }

    /// A statement-alone rule skipped for a trait its statement lacks (`StatementKinds::having`)
    /// could not have fired: the findings are the same when every statement has every trait,
    /// over every rule's examples and the docs statements of every version, at three targets.
    #[test]
    fn rules_skipped_for_a_trait_could_not_have_fired() {
        let mut texts = vec![doc_examples()];
        if let Some(shared) =
            crate::shared_for_test("rules_skipped_for_a_trait_could_not_have_fired")
        {
            for entry in std::fs::read_dir(shared.join("corpus/docs"))
                .unwrap()
                .flatten()
            {
                if entry.path().extension().is_some_and(|e| e == "sql") {
                    texts.push(std::fs::read_to_string(entry.path()).unwrap());
                }
            }
        }
        let mut skipped = 0;
        for target in [
            Version::NEWEST,
            crate::syntax::version::v(22, 2),
            crate::syntax::version::v(20, 2),
        ] {
            let opts = CheckOptions {
                target,
                now: Some(1_796_515_200),
                threads: Threads::One,
                ..CheckOptions::default()
            };
            for text in &texts {
                let mut gated = Vec::new();
                let ran = invoked_during(|| gated = check_source(text, &opts));
                rules::EVERY_TRAIT.set(true);
                let mut every = Vec::new();
                let ran_every = invoked_during(|| every = check_source(text, &opts));
                rules::EVERY_TRAIT.set(false);
                assert_eq!(gated, every);
                skipped += ran_every.len() - ran.len();
            }
        }
        assert!(skipped > 1000, "{skipped}: the traits skip nothing here");
    }

    fn invoked_during(f: impl FnOnce()) -> Vec<&'static str> {
        rules::INVOKED.with(|v| v.borrow_mut().clear());
        f();
        rules::INVOKED.with(|v| std::mem::take(&mut *v.borrow_mut()))
    }

    #[test]
    fn the_rule_set_fits_every_rule() {
        assert!(rules::ALL.len() <= RuleSet::CAPACITY);
        assert!(RuleSet::default().is_all());
    }

    /// A deselected rule's body is never called: with one rule selected, only it runs (on a
    /// file where every rule that looks at backups had its turn), and its findings are the
    /// ones the full run gave.
    #[test]
    fn deselected_rules_do_not_run() {
        let sql = "BACKUP INTO 's3://b/p?AWS_ACCESS_KEY_ID=A&AWS_SECRET_ACCESS_KEY=s' AS OF SYSTEM TIME '-1s';\n\
                   BACKUP INTO LATEST IN 's3://b/p' WITH revision_history;\n\
                   RESTORE DATABASE d FROM LATEST IN 's3://b/p?AUTH=implicit' AS OF SYSTEM TIME '2020-01-01';\n\
                   BACKUP TO 'nodelocal://1/x';\n";
        let all = CheckOptions {
            now: Some(1_796_515_200),
            ..CheckOptions::default()
        };
        let mut full = Vec::new();
        let every = invoked_during(|| full = check_source(sql, &all));
        let fired: std::collections::BTreeSet<&str> = full
            .iter()
            .map(|d| d.code.code)
            .filter(|c| rules::find(c).is_some())
            .collect();
        assert!(fired.len() >= 3, "{fired:?}");
        for code in fired {
            let only = CheckOptions {
                rules: RuleSet::of(|c, _| c == code, false),
                ..all
            };
            let mut got = Vec::new();
            let ran = invoked_during(|| got = check_source(sql, &only));
            assert!(ran.iter().all(|c| *c == code), "{code}: {ran:?}");
            assert_eq!(
                ran.len(),
                every.iter().filter(|c| **c == code).count(),
                "{code} runs as often as in the full check"
            );
            let want: Vec<_> = full.iter().filter(|d| d.code.code == code).collect();
            let have: Vec<_> = got.iter().filter(|d| d.code.code == code).collect();
            assert_eq!(want, have, "{code}");
        }
        // Nothing selected: no rule runs at all.
        let none = CheckOptions {
            rules: RuleSet::of(|_, _| false, false),
            ..all
        };
        assert!(invoked_during(|| drop(check_source(sql, &none))).is_empty());
    }

    /// With `unused-suppression` reported, a deselected rule that a suppression comment
    /// names still runs (in SQL, and through a script's `#` comment), so a suppression
    /// that is used is not reported unused; without it, the rule does not run.
    #[test]
    fn rules_named_by_suppressions_run_when_unused_suppressions_are_judged() {
        let sql = "-- backup-lint: ignore[A006]\nBACKUP INTO 'external://b';\n";
        let judged = CheckOptions {
            rules: RuleSet::of(|_, _| false, true),
            ..CheckOptions::default()
        };
        let ran = invoked_during(|| {
            let d = check_source(sql, &judged);
            assert!(d.iter().all(|d| d.code.code != "N002"), "{d:?}");
        });
        assert_eq!(ran, vec!["A006"]);
        let not_judged = CheckOptions {
            rules: RuleSet::of(|_, _| false, false),
            ..CheckOptions::default()
        };
        assert!(invoked_during(|| drop(check_source(sql, &not_judged))).is_empty());
        let script = "#!/bin/bash\n# backup-lint: ignore[A006]\ncockroach sql -e \"BACKUP INTO 'external://b';\"\n";
        let doc = Document::build(script, FileKind::Shell, &[]);
        let ran = invoked_during(|| {
            let d = check(&doc, &judged);
            assert!(d.iter().all(|d| d.code.code != "N002"), "{d:?}");
        });
        assert_eq!(ran, vec!["A006"]);
    }

    #[test]
    fn the_time_aost_values_are_judged_at_comes_from_the_options() {
        let sql = "BACKUP INTO 'external://backups' AS OF SYSTEM TIME '2030-01-01 00:00:00';";
        let future = |now: i64| {
            let opts = CheckOptions {
                target: Version::NEWEST,
                now: Some(now),
                ..CheckOptions::default()
            };
            check_source(sql, &opts)
                .iter()
                .any(|d| d.code.code == "A004")
        };
        // 2026-12-06 and 2031-01-01, in seconds since 1970.
        assert!(future(1_796_515_200));
        assert!(!future(1_924_992_000));
    }
}
