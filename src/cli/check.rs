//! `check`: each file checked (in parallel, output in input order), fixes and ignores
//! written, findings streamed to the chosen format.

use super::*;
use backup_lint::Threads;

/// What checking one input produced.
pub(crate) struct Checked {
    pub(crate) display: String,
    /// The file (`None`: standard input).
    pub(crate) path: Option<PathBuf>,
    pub(crate) text: String,
    /// What the output needs of `text` alone, when it was made while the file was checked.
    pub(crate) model: Option<render::TextModel>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// A unified diff of the fixes (`--diff`).
    pub(crate) diff: Option<String>,
    pub(crate) notes: Vec<String>,
    /// `--show-fixes`: one line per fix.
    pub(crate) fixes: Vec<String>,
    pub(crate) error: Option<String>,
    /// SQL files a script feeds to a client, next to the script.
    pub(crate) fed: Vec<PathBuf>,
}

/// `threads`: whether a large file may be parsed on a second thread (not when the run already
/// checks files on every core).
pub(crate) fn check_one(
    args: &CheckArgs,
    input: &Input,
    cfg: &Config,
    target: Version,
    threads: Threads,
) -> Checked {
    let mut out = Checked {
        display: input.display.clone(),
        path: input.path.clone(),
        text: String::new(),
        model: None,
        diagnostics: Vec::new(),
        diff: None,
        notes: Vec::new(),
        fixes: Vec::new(),
        error: None,
        fed: Vec::new(),
    };
    let bytes = match read_input(input) {
        Ok(b) => b,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let opts = CheckOptions {
        independent_examples: cfg.independent_examples,
        rules: cfg.rules_for(input.path.as_deref()),
        threads,
        ..CheckOptions::at(target)
    };
    let wrappers = &cfg.sql_wrappers;
    let check = |doc: &Document<'_>| cfg.apply(input.path.as_deref(), engine::check(doc, &opts));
    let (text, invalid_utf8) = source::decode_owned(bytes);
    let doc = Document::build(&text, input.kind, wrappers);
    // A file large enough to be parsed on a second thread has its output's text model (the
    // redaction scan, the line starts) made on a third one meanwhile, when the output will
    // show this text (`--statistics` shows none): otherwise it would come after the check,
    // on the thread that writes the output, when the other core has nothing left to do.
    let model_beside = matches!(threads, Threads::Auto)
        && text.len() >= engine::TWO_THREADS_FROM_BYTES
        && !(args.fix || args.diff || args.add_ignore || args.statistics);
    std::thread::scope(|scope| {
        let model = model_beside.then(|| scope.spawn(|| render::TextModel::new(&text)));
        out.diagnostics = check(&doc);
        // A panic there is met again when the renderer makes the model.
        out.model = model.and_then(|m| m.join().ok());
    });
    if let Some(path) = &input.path {
        let dir = path.parent().unwrap_or(Path::new("."));
        out.fed = doc.fed_files().iter().map(|f| dir.join(f)).collect();
    }
    // `--add-ignore` writes into the document just checked.
    let with_ignores = (args.add_ignore && !args.fix && !args.diff && input.path.is_some())
        .then(|| doc.add_ignores(&out.diagnostics));
    drop(doc);
    out.text = text;
    if args.show_fixes {
        let index = backup_lint::syntax::span::LineIndex::new(&out.text);
        let max = if args.unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        for d in &out.diagnostics {
            if let Some(f) = d.fix().filter(|f| f.applicability <= max) {
                let (line, col) = index.line_col(d.span.start as usize);
                out.fixes.push(format!(
                    "{}:{line}:{col}: {} {} ({}): {}",
                    input.display,
                    d.code.code,
                    d.code.name,
                    f.applicability.as_str(),
                    backup_lint::redact::scrub(&f.message)
                ));
            }
        }
    }
    if invalid_utf8 {
        return out; // never rewrite a file whose bytes are not all text
    }
    if args.fix || args.diff {
        let max = if args.unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        let kind = input.kind;
        let applied = apply_fixes_checked(&out.text, &out.diagnostics, max, |t| {
            document_health(&Document::build(t, kind, wrappers), target)
        });
        if applied.refused > 0 {
            out.notes.push(format!(
                "{}: {} fix(es) not applied (overlapping, or the result would have a new problem)",
                input.display, applied.refused
            ));
        }
        if args.diff {
            if applied.applied > 0 {
                let (old, new) = backup_lint::redact::mask_pair(&out.text, &applied.text);
                out.diff = Some(
                    similar::TextDiff::from_lines(&old, &new)
                        .unified_diff()
                        .header(&input.display, &input.display)
                        .to_string(),
                );
            }
            return out;
        }
        match &input.path {
            Some(path) if applied.applied > 0 => {
                if let Err(e) = write_atomic(path, out.text.as_bytes(), applied.text.as_bytes()) {
                    out.error = Some(format!("{}: {e}", path.display()));
                    return out;
                }
                out.notes.push(format!(
                    "fixed {} ({} fix(es))",
                    input.display, applied.applied
                ));
            }
            Some(_) => {}
            None => out.diff = Some(applied.text.clone()),
        }
        out.diagnostics = check(&Document::build(&applied.text, kind, wrappers));
        out.text = applied.text;
    } else if let Some(with_ignores) = with_ignores
        && let Some(path) = &input.path
        && with_ignores != out.text
    {
        if let Err(e) = write_atomic(path, out.text.as_bytes(), with_ignores.as_bytes()) {
            out.error = Some(format!("{}: {e}", path.display()));
            return out;
        }
        out.notes
            .push(format!("added suppressions to {}", input.display));
        out.diagnostics = check(&Document::build(&with_ignores, input.kind, wrappers));
        out.text = with_ignores;
    }
    out
}

/// (syntax errors, 0) of a file of any kind, for judging fixes; SQL files use the parser's
/// count of statements too.
pub(crate) fn document_health(doc: &Document<'_>, target: Version) -> Health {
    let diags = engine::check(doc, &CheckOptions::at(target));
    let parsed = if doc.kind == FileKind::Sql {
        backup_lint::syntax::parser::parse(doc.text)
            .parsed()
            .count()
    } else {
        0
    };
    let units = match &doc.model {
        backup_lint::hosts::document::Model::Markdown { page, .. } => page.fences.len(),
        _ => 0,
    };
    Health::of(&diags, parsed, units)
}

/// Checks `jobs` in parallel on every core and hands each result to `emit` in input order.
/// A file checked ahead of one still being checked waits in memory, and workers stay at most
/// a few files ahead, so memory holds a few files' results, not the run's. `emit` returns
/// whether to go on; once it says no, no further file is started.
pub(crate) fn check_all(
    args: &CheckArgs,
    jobs: &[(&Input, Config, Version)],
    mut emit: impl FnMut(Checked) -> bool,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex};

    // One file (a pre-commit hook, an editor) runs on this thread: a worker thread and the
    // core count's cgroup reads cost more than checking a small file.
    if jobs.len() <= 1 {
        for (input, cfg, target) in jobs {
            emit(check_one(args, input, cfg, *target, Threads::Auto));
        }
        return;
    }

    /// How far workers may run ahead of the output, in files per worker.
    const AHEAD_PER_WORKER: usize = 2;
    /// What workers wait on: files handed to `emit` so far, and whether to stop.
    struct Progress {
        emitted: usize,
        stop: bool,
    }
    struct Shared {
        progress: Mutex<Progress>,
        changed: Condvar,
    }
    impl Shared {
        fn update(&self, change: impl FnOnce(&mut Progress)) {
            change(&mut self.progress.lock().unwrap_or_else(|e| e.into_inner()));
            self.changed.notify_all();
        }
    }
    /// Stops the other workers when a check panics (the scope then passes the panic on);
    /// otherwise they would wait for its file forever.
    struct StopOnPanic<'a>(&'a Shared);
    impl Drop for StopOnPanic<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.update(|p| p.stop = true);
            }
        }
    }

    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len().max(1));
    let ahead = AHEAD_PER_WORKER * workers;
    let next_job = AtomicUsize::new(0);
    let shared = Shared {
        progress: Mutex::new(Progress {
            emitted: 0,
            stop: false,
        }),
        changed: Condvar::new(),
    };
    let (send, receive) = crossbeam_channel::unbounded::<(usize, Checked)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let send = send.clone();
            let (next_job, shared) = (&next_job, &shared);
            scope.spawn(move || {
                let _stop_on_panic = StopOnPanic(shared);
                loop {
                    let i = next_job.fetch_add(1, Ordering::Relaxed);
                    let Some((input, cfg, target)) = jobs.get(i) else {
                        break;
                    };
                    let mut progress = shared.progress.lock().unwrap_or_else(|e| e.into_inner());
                    while i >= progress.emitted + ahead && !progress.stop {
                        progress = shared
                            .changed
                            .wait(progress)
                            .unwrap_or_else(|e| e.into_inner());
                    }
                    if progress.stop {
                        break;
                    }
                    drop(progress);
                    let checked = check_one(args, input, cfg, *target, Threads::One);
                    if send.send((i, checked)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        let mut waiting = std::collections::BTreeMap::new();
        let mut emitted = 0;
        'receive: for (i, checked) in &receive {
            waiting.insert(i, checked);
            while let Some(checked) = waiting.remove(&emitted) {
                emitted += 1;
                let go_on = emit(checked);
                shared.update(|p| {
                    p.emitted = emitted;
                    p.stop = !go_on;
                });
                if !go_on {
                    break 'receive;
                }
            }
        }
        // Workers still checking see the channel closed and stop.
        drop(receive);
    });
}

/// Exit status when standard output is closed before the output is all written (`check … |
/// head`): 128 + SIGPIPE, what shells report for a command a closed pipe ended, so
/// `set -o pipefail` treats backup-lint like `cat`.
pub(crate) const EXIT_OUTPUT_CLOSED: u8 = 128 + 13;

pub(crate) fn run_check(args: CheckArgs) -> Result<u8, String> {
    let inputs = inputs(&args.common)?;
    let mut configs = ConfigCache::new(args.common.config.clone(), args.common.isolated);
    // Output settings come from the configuration of the first path (or the current folder).
    let base = configs.for_path(inputs.first().and_then(|i| i.path.as_deref()))?;
    let target_of = |cfg: &Config| {
        args.common
            .target_version
            .or(cfg.target_version)
            .unwrap_or(Version::NEWEST)
    };
    let format = args.format.unwrap_or_else(|| {
        base.format
            .as_deref()
            .map_or(OutputFormat::Human, format_named)
    });
    let fail_on = args.fail_on.or(base.fail_on).unwrap_or(Severity::Warning);
    for key in args
        .select
        .iter()
        .flatten()
        .chain(&args.ignore)
        .chain(&args.extend_select)
    {
        if !backup_lint::check::config::selector_is_known(key) {
            return Err(format!(
                "`{key}` is not a rule code, rule name or category; `backup-lint rules` lists them"
            ));
        }
    }
    let mut job_of = |input: &Input| -> Result<(Config, Version), String> {
        let mut cfg = configs.for_path(input.path.as_deref())?;
        if let Some(select) = &args.select {
            cfg.select = Some(select.clone());
        }
        cfg.extend_select.extend(args.extend_select.iter().cloned());
        cfg.ignore.extend(args.ignore.iter().cloned());
        cfg.sql_wrappers.extend(args.sql_wrapper.iter().cloned());
        if args.min_severity.is_some() {
            cfg.min_severity = args.min_severity;
        }
        let target = target_of(&cfg);
        Ok((cfg, target))
    };
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let (cfg, target) = job_of(input)?;
        jobs.push((input, cfg, target));
    }
    // With `--fix` on standard input the fixed text owns stdout; findings go to stderr.
    let fixed_to_stdout = args.fix && inputs.iter().any(|i| i.path.is_none());
    let diffs_to_stdout = args.diff || fixed_to_stdout;
    let target_version = target_of(&base).to_string();
    let render_format = if args.statistics {
        render::Format::Statistics
    } else {
        match format {
            OutputFormat::Json => render::Format::Json {
                target_version: &target_version,
            },
            OutputFormat::Concise => render::Format::Concise,
            OutputFormat::Sarif => render::Format::Sarif,
            OutputFormat::Github => render::Format::Github,
            OutputFormat::Gitlab => render::Format::Gitlab,
            OutputFormat::Junit => render::Format::Junit,
            OutputFormat::Human => render::Format::Human {
                color: use_color(args.color, args.output_file.is_none()),
            },
        }
    };
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    // `-o FILE`: the findings go to a temporary file beside it, renamed over it at the end,
    // so the report is never half-written.
    let output_file = match &args.output_file {
        Some(path) => Some(OutputFile::create(path)?),
        None => None,
    };
    let (findings_out, diffs_out): (Box<dyn Write>, _) = match &output_file {
        Some(file) => (
            Box::new(std::io::BufWriter::new(file.writer()?)),
            diffs_to_stdout.then_some(stdout),
        ),
        None if diffs_to_stdout => (
            Box::new(std::io::BufWriter::new(std::io::stderr().lock())),
            Some(stdout),
        ),
        None => (Box::new(stdout), None),
    };
    let mut run = CheckRun {
        output: OutputState::Open(
            render::Renderer::begin(findings_out, render_format).map_err(output_error)?,
        ),
        diffs_out,
        fail_on,
        report_diffs: args.diff,
        // GitLab resolves Code Quality paths against the project folder.
        report_base: matches!(format, OutputFormat::Gitlab)
            .then(|| std::env::var_os("CI_PROJECT_DIR").filter(|d| !d.is_empty()))
            .flatten()
            .map(PathBuf::from),
        // A run that writes files finishes them even when nobody reads its output.
        writes_files: (args.fix && !fixed_to_stdout) || args.add_ignore,
        io_errors: Vec::new(),
        notes: Vec::new(),
        fixes: Vec::new(),
        fed: Vec::new(),
        failing: false,
        diff_found: false,
        summary: args.summary.then(render::RuleTable::default),
    };
    check_all(&args, &jobs, |r| run.emit(r));
    // Then the SQL files the scripts feed to a client, found while checking them.
    let fed = if run.goes_on() {
        fed_sql_files(&inputs, &run.fed)
    } else {
        Vec::new()
    };
    let mut fed_jobs = Vec::with_capacity(fed.len());
    for input in &fed {
        // The output has begun: a fed file's bad configuration is that file's error.
        match job_of(input) {
            Ok((cfg, target)) => fed_jobs.push((input, cfg, target)),
            Err(e) => run.io_errors.push(e),
        }
    }
    check_all(&args, &fed_jobs, |r| run.emit(r));
    let counts = match run.finish() {
        Ok(counts) => counts,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(EXIT_OUTPUT_CLOSED),
        Err(e) => return Err(output_error(e)),
    };
    if let (Some(file), Some(path)) = (output_file, &args.output_file) {
        file.persist(path)?;
    }
    let CheckRun {
        io_errors,
        notes,
        fixes,
        failing,
        diff_found,
        summary,
        ..
    } = run;
    if let Some(table) = summary {
        // After a structured format (or when the findings go to stderr) the table goes to
        // stderr, so standard output stays one document.
        let plain = matches!(
            render_format,
            render::Format::Human { .. } | render::Format::Concise | render::Format::Github
        );
        let written = if plain && !diffs_to_stdout {
            let mut out = std::io::stdout().lock();
            table.finish(&mut out).and_then(|()| out.flush())
        } else {
            let mut err = std::io::stderr().lock();
            table.finish(&mut err).and_then(|()| err.flush())
        };
        match written {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(EXIT_OUTPUT_CLOSED),
            Err(e) => return Err(output_error(e)),
        }
    }
    for n in &notes {
        note!("backup-lint: {n}");
    }
    if args.show_fixes {
        let verb = if args.fix { "applied" } else { "available" };
        note!("{} fix(es) {verb}:", fixes.len());
        for f in fixes {
            note!("  {f}");
        }
    }
    for e in &io_errors {
        note!("backup-lint: error: {e}");
    }
    if !args.quiet {
        note!("{}", counts.summary());
        if !args.fix
            && !args.diff
            && !args.add_ignore
            && let Some(line) = fixable_line(&counts, args.unsafe_fixes)
        {
            note!("{line}");
        }
    }
    if !io_errors.is_empty() {
        return Ok(2);
    }
    Ok(u8::from((failing || diff_found) && !args.exit_zero))
}

/// The summary's second line, as ruff prints it: how many findings `--fix` would fix, and
/// how many more `--unsafe-fixes` would.
pub(crate) fn fixable_line(counts: &render::Counts, unsafe_fixes: bool) -> Option<String> {
    let (fixable, hidden) = if unsafe_fixes {
        (counts.fixable + counts.unsafe_fixable, 0)
    } else {
        (counts.fixable, counts.unsafe_fixable)
    };
    let hidden_text = |h: usize| {
        format!(
            "{h} hidden fix{} can be enabled with `--unsafe-fixes`",
            if h == 1 { "" } else { "es" }
        )
    };
    match (fixable, hidden) {
        (0, 0) => None,
        (0, h) => Some(format!("No fixes available ({})", hidden_text(h))),
        (n, 0) => Some(format!("[*] {n} fixable with `--fix`")),
        (n, h) => Some(format!("[*] {n} fixable with `--fix` ({})", hidden_text(h))),
    }
}

/// Whether human output is coloured: `--color always`/`never`, else (`auto`) when
/// FORCE_COLOR is set (not empty), or on a terminal unless NO_COLOR is set (not empty) —
/// ruff's order, where FORCE_COLOR wins.
pub(crate) fn use_color(choice: ColorChoice, to_stdout: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("FORCE_COLOR") => true,
        ColorChoice::Auto => to_stdout && std::io::stdout().is_terminal() && !set("NO_COLOR"),
    }
}

/// `check -o FILE`: a temporary file beside the report, renamed over it when the run is done.
pub(crate) struct OutputFile(tempfile::NamedTempFile);

impl OutputFile {
    fn create(path: &Path) -> Result<OutputFile, String> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        tempfile::NamedTempFile::new_in(dir)
            .map(OutputFile)
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    fn writer(&self) -> Result<std::fs::File, String> {
        self.0
            .as_file()
            .try_clone()
            .map_err(|e| format!("output file: {e}"))
    }

    fn persist(self, path: &Path) -> Result<(), String> {
        let file = self.0;
        file.as_file()
            .sync_all()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        // A report is read by others (CI uploads it): the usual mode, not the temporary 0600.
        let _ = std::fs::set_permissions(
            file.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o644),
        );
        file.persist(path)
            .map(|_| ())
            .map_err(|e| format!("{}: {}", path.display(), e.error))
    }
}

/// A `check` run's output and what it gathers from the files checked so far.
pub(crate) struct CheckRun {
    pub(crate) output: OutputState<Box<dyn Write>>,
    /// Standard output, when diffs or the fixed text go there (the findings go to stderr).
    pub(crate) diffs_out: Option<std::io::BufWriter<std::io::StdoutLock<'static>>>,
    pub(crate) fail_on: Severity,
    /// Paths in the report are relative to this folder (GitLab's `CI_PROJECT_DIR`).
    pub(crate) report_base: Option<PathBuf>,
    pub(crate) report_diffs: bool,
    pub(crate) writes_files: bool,
    pub(crate) io_errors: Vec<String>,
    pub(crate) notes: Vec<String>,
    pub(crate) fixes: Vec<String>,
    pub(crate) fed: Vec<PathBuf>,
    pub(crate) failing: bool,
    pub(crate) diff_found: bool,
    /// `--summary`: findings per rule, printed after the listing.
    pub(crate) summary: Option<render::RuleTable>,
}

impl CheckRun {
    /// Writes a checked file's output and keeps what is printed at the end; returns whether
    /// to check more files.
    fn emit(&mut self, r: Checked) -> bool {
        self.failing |= r.diagnostics.iter().any(|d| d.severity >= self.fail_on);
        self.diff_found |= self.report_diffs && r.diff.is_some();
        self.notes.extend(r.notes);
        self.fixes.extend(r.fixes);
        self.fed.extend(r.fed);
        if let Some(e) = r.error {
            self.io_errors.push(e);
        } else if let OutputState::Open(renderer) = &mut self.output {
            let mut written = Ok(());
            if let (Some(out), Some(diff)) = (&mut self.diffs_out, &r.diff) {
                written = out.write_all(diff.as_bytes());
            }
            let path = report_path(&r.display, r.path.as_deref(), self.report_base.as_deref());
            let report = FileReport {
                path: &path,
                text: &r.text,
                diagnostics: &r.diagnostics,
            };
            if written.is_ok() {
                written = renderer.file_modelled(&report, r.model);
            }
            if let Some(table) = &mut self.summary {
                table.file(&report);
            }
            if let Err(e) = written {
                self.output = OutputState::failed(e);
            }
        }
        self.goes_on()
    }

    fn goes_on(&self) -> bool {
        matches!(self.output, OutputState::Open(_)) || self.writes_files
    }

    /// Writes the end of the output and flushes everything; a closed output is a
    /// `BrokenPipe` error.
    fn finish(&mut self) -> std::io::Result<render::Counts> {
        match std::mem::replace(&mut self.output, OutputState::Closed) {
            OutputState::Open(renderer) => {
                if let Some(out) = &mut self.diffs_out {
                    out.flush()?;
                }
                renderer.finish()
            }
            OutputState::Closed => Err(std::io::ErrorKind::BrokenPipe.into()),
            OutputState::Failed(e) => Err(e),
        }
    }
}

/// The path a report names: the displayed one, or relative to `base` when the file lies
/// below it.
fn report_path<'a>(
    display: &'a str,
    file: Option<&Path>,
    base: Option<&Path>,
) -> std::borrow::Cow<'a, str> {
    if let (Some(base), Some(path)) = (base, file)
        && let (Ok(base), Ok(path)) = (std::path::absolute(base), std::path::absolute(path))
    {
        let clean = |p: &Path| -> PathBuf {
            p.components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .collect()
        };
        if let Ok(rel) = clean(&path).strip_prefix(clean(&base)) {
            return rel.display().to_string().into();
        }
    }
    display.into()
}

/// Where `check`'s output stands.
pub(crate) enum OutputState<W: Write> {
    Open(render::Renderer<W>),
    /// Standard output was closed (the reader went away): nothing more is written.
    Closed,
    Failed(std::io::Error),
}

impl<W: Write> OutputState<W> {
    fn failed(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            OutputState::Closed
        } else {
            OutputState::Failed(e)
        }
    }
}

pub(crate) fn output_error(e: std::io::Error) -> String {
    format!("writing output: {e}")
}

/// Writes a file's findings to standard error in the plain human format (`fmt`, `migrate`).
pub(crate) fn eprint_findings(report: &FileReport<'_>) {
    let stderr = std::io::stderr().lock();
    // Nothing useful is left to do when standard error cannot be written.
    let _ = render::Renderer::begin(stderr, render::Format::Human { color: false }).and_then(
        |mut renderer| {
            renderer.file(report)?;
            renderer.finish()
        },
    );
}
