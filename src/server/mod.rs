//! `backup-lint server`: a language server over stdio.
//!
//! A synchronous loop over `lsp-server`'s connection: full text sync, diagnostics on open,
//! change and save, whole-document formatting, quick fixes (each diagnostic's fix, and an
//! "ignore <CODE> for this statement" suppression comment), and hover documentation for the
//! rule under the cursor. Positions are UTF-16 code units, as LSP requires by default.
//!
//! Every message, label, help, title and hover text sent to the client goes through
//! [`scrub`]: secret values in the document never leave the process in prose. (Edits and
//! formatted text are the document's own text, which the client already holds.)
//!
//! The target version comes from the nearest `backup-lint.toml` above the document's file
//! (for `file://` URIs; other documents use the first workspace folder), else 26.1; the
//! configuration's select / extend-select / ignore / severity / per-file-ignores /
//! min-severity settings apply as in `check`. A document whose file the configuration's
//! `exclude`/`extend-exclude` name (or a folder above it, up to the configuration's folder) is
//! treated as ruff's server treats one: as `check --force-exclude` would, it is not checked —
//! its diagnostics are an empty list, it gets no quick fixes and no formatting — and the
//! client's log says why, once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, Diagnostic as LspDiagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, DiagnosticTag, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentFormattingParams, Hover,
    HoverContents, HoverParams, HoverProviderCapability, Location, LogMessageParams, MarkupContent,
    MarkupKind, MessageType, NumberOrString, OneOf, Position, PositionEncodingKind,
    PublishDiagnosticsParams, Range, SaveOptions, ServerCapabilities, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Url, WorkspaceEdit,
};
use serde_json::Value;

use crate::check::config::Config;
use crate::check::fix::Applicability;
use crate::diagnostic::{Diagnostic, Severity, codes};
use crate::redact::{Redactor, scrub};
use crate::{CheckOptions, FileKind, FormatOptions, Version, format_source};

mod positions;
mod transport;

use positions::Lines;
use transport::stdio;

/// `source` of every diagnostic we publish.
const SOURCE: &str = "backup-lint";

/// Runs the language server on stdin/stdout until the client exits.
pub fn run() -> Result<(), String> {
    install_panic_hook();
    let (connection, io_threads) = stdio();
    let outcome = serve(&connection);
    // Dropping the connection closes the writer's channel, so joining flushes every reply.
    drop(connection);
    match outcome {
        Ok(Ending::Exit { clean }) | Ok(Ending::Disconnected { clean }) => {
            // The reader stopped (at `exit` or end of input): joining cannot block.
            io_threads.join()?;
            if clean {
                Ok(())
            } else {
                Err("the client ended the session without a `shutdown` request".into())
            }
        }
        // The reader may still be waiting on stdin: do not join it.
        Err(e) => Err(e),
    }
}

/// A panic message may quote the document (string slicing errors do): scrub it before it
/// reaches stderr, which editors log.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "backup-lint server: internal error: {}",
            scrub(&info.to_string())
        );
    }));
}

enum Ending {
    /// `exit` arrived; `clean` if `shutdown` came first.
    Exit { clean: bool },
    /// The client closed stdin.
    Disconnected { clean: bool },
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

fn serve(conn: &Connection) -> Result<Ending, String> {
    let (id, params) = conn
        .initialize_start()
        .map_err(|e| scrub(&format!("language server: {e}")))?;
    let init = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": SOURCE, "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, init)
        .map_err(|e| scrub(&format!("language server: {e}")))?;
    let mut server = Server::new(workspace_root(&params));
    server.edit_arrived = Some(&transport::EDIT_ARRIVED);
    let mut shutdown = false;
    let send = |msg: Message| {
        conn.sender
            .send(msg)
            .map_err(|_| "language server: the output channel closed".to_string())
    };
    // Messages that have arrived but are not handled yet.
    let mut queue = std::collections::VecDeque::new();
    loop {
        queue.extend(conn.receiver.try_iter());
        let msg = match queue.pop_front() {
            Some(msg) => msg,
            None if !server.edited.is_empty() => {
                // Nothing waiting, but an edit may be on its way (a burst of keystrokes, a
                // client sending several changes): wait a moment in proportion to what a
                // check costs, and check only once no message comes in that time.
                match conn.receiver.recv_timeout(server.settle_time()) {
                    Ok(msg) => msg,
                    Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                        for m in guarded(|| server.check_edited_unless_edited_again()) {
                            send(m)?;
                        }
                        continue;
                    }
                    Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
                }
            }
            None => match conn.receiver.recv() {
                Ok(msg) => msg,
                Err(_) => break,
            },
        };
        match msg {
            Message::Request(req) => {
                // A request sees every edit before it, checked.
                for m in guarded(|| server.check_edited()) {
                    send(m)?;
                }
                let resp = if shutdown {
                    Response::new_err(
                        req.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shutting down".into(),
                    )
                } else if req.method == "shutdown" {
                    shutdown = true;
                    Response::new_ok(req.id, ())
                } else {
                    let id = req.id.clone();
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.request(req)))
                        .unwrap_or_else(|_| {
                            Response::new_err(
                                id,
                                ErrorCode::InternalError as i32,
                                "backup-lint failed on this request (see the server's log)".into(),
                            )
                        })
                };
                send(resp.into())?;
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    return Ok(Ending::Exit { clean: shutdown });
                }
                if shutdown {
                    continue;
                }
                for m in guarded(|| server.notification(n)) {
                    send(m)?;
                }
            }
            // The server sends no requests, so there are no responses to wait for.
            Message::Response(_) => {}
        }
    }
    Ok(Ending::Disconnected { clean: shutdown })
}

/// Runs `f`; a panic (reported by the hook) yields no messages instead of ending the session.
fn guarded(f: impl FnOnce() -> Vec<Message>) -> Vec<Message> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_default()
}

/// The folder to search for a configuration when a document has no file path.
fn workspace_root(params: &Value) -> Option<PathBuf> {
    let uri = params
        .pointer("/workspaceFolders/0/uri")
        .or_else(|| params.get("rootUri"))
        .and_then(Value::as_str)?;
    Url::parse(uri).ok()?.to_file_path().ok()
}

struct Document {
    text: String,
    version: i32,
    language: String,
    /// The diagnostics last published (for code actions and hover).
    diagnostics: Vec<Diagnostic>,
    /// The redaction model of the text last checked: every text sent about it goes through it.
    redactor: Redactor,
    /// The version last checked, built (bound to `""`; see `Document::rebind`).
    built: Option<(i32, crate::hosts::document::Document<'static>)>,
}

impl Document {
    /// What the document is: by the client's language id, else by its name (or shebang).
    /// Other languages get an empty diagnostics list.
    fn kind(&self, uri: &Url) -> Option<FileKind> {
        match self.language.to_ascii_lowercase().as_str() {
            "sql" => return Some(FileKind::Sql),
            "shellscript" | "sh" | "bash" => return Some(FileKind::Shell),
            "markdown" => return Some(FileKind::Markdown),
            "yaml" | "yml" | "github-actions-workflow" | "ansible" | "helm" | "dockercompose" => {
                return Some(FileKind::Yaml);
            }
            _ => {}
        }
        let name = uri.path().rsplit('/').next().unwrap_or("");
        FileKind::detect(std::path::Path::new(name), self.text.as_bytes())
    }

    /// Only SQL documents are formatted.
    fn is_sql(&self, uri: &Url) -> bool {
        self.kind(uri) == Some(FileKind::Sql)
    }
}

struct Server {
    docs: HashMap<Url, Document>,
    root: Option<PathBuf>,
    /// Configuration errors already shown (each is shown once).
    reported: HashSet<String>,
    /// Documents edited since they were last checked, in edit order. Edits only update the
    /// text; the check runs when no message is waiting or before the next request, and one
    /// started when none was waiting is abandoned when an edit arrives, so of a burst of edits
    /// only the newest version is checked in full.
    edited: Vec<Url>,
    /// How long the last check took: an edit waits a quarter of it for a newer edit.
    last_check: std::time::Duration,
    /// Set (by the connection's reader) when an edit arrives: a check started when no message
    /// was waiting is abandoned when it reads `true`, and the newest version is checked instead.
    /// `None` when no reader runs beside the loop (the fuzz session, tests).
    edit_arrived: Option<&'static std::sync::atomic::AtomicBool>,
    /// When the oldest edit not yet published arrived: abandoning stops once it is
    /// [`Server::stale_at_most`] old, so a stream of edits cannot hold findings back for long.
    unpublished_since: Option<std::time::Instant>,
}

/// The effective configuration for a document, and its file path.
struct Resolved {
    config: Config,
    file: Option<PathBuf>,
    target: Version,
}

impl Resolved {
    /// Whether the configuration's `exclude`/`extend-exclude` leave the document's file out,
    /// as `--force-exclude` does for a file named on the command line. Documents with no
    /// file path (`untitled:`) are never excluded.
    fn excluded(&self) -> bool {
        self.file
            .as_deref()
            .is_some_and(|f| self.config.excludes.excludes_file(f))
    }
}

impl Server {
    fn new(root: Option<PathBuf>) -> Server {
        Server {
            docs: HashMap::new(),
            root,
            reported: HashSet::new(),
            edited: Vec::new(),
            last_check: std::time::Duration::ZERO,
            edit_arrived: None,
            unpublished_since: None,
        }
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        match req.method.as_str() {
            "textDocument/formatting" => respond(id, req.params, |p: DocumentFormattingParams| {
                self.formatting(&p.text_document.uri)
            }),
            "textDocument/codeAction" => {
                respond(id, req.params, |p: CodeActionParams| self.code_actions(&p))
            }
            "textDocument/hover" => respond(id, req.params, |p: HoverParams| {
                let at = p.text_document_position_params;
                self.hover(&at.text_document.uri, at.position)
            }),
            other => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("backup-lint does not implement `{other}`"),
            ),
        }
    }

    fn notification(&mut self, n: Notification) -> Vec<Message> {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let doc = p.text_document;
                self.docs.insert(
                    doc.uri.clone(),
                    Document {
                        text: doc.text,
                        version: doc.version,
                        language: doc.language_id,
                        diagnostics: Vec::new(),
                        redactor: Redactor::default(),
                        built: None,
                    },
                );
                self.publish(&doc.uri)
            }
            "textDocument/didChange" => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                let Some(doc) = self.docs.get_mut(&uri) else {
                    return Vec::new();
                };
                doc.version = p.text_document.version;
                for change in p.content_changes {
                    match change.range {
                        // We ask for full sync, but apply ranged changes correctly anyway.
                        Some(range) => {
                            let lines = Lines::new(&doc.text);
                            let (start, end) = (lines.offset(range.start), lines.offset(range.end));
                            let (start, end) = (start.min(end), start.max(end));
                            doc.text.replace_range(start..end, &change.text);
                        }
                        None => doc.text = change.text,
                    }
                }
                if !self.edited.contains(&uri) {
                    self.edited.push(uri);
                }
                self.unpublished_since
                    .get_or_insert_with(std::time::Instant::now);
                Vec::new()
            }
            "textDocument/didSave" => {
                let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                if let (Some(text), Some(doc)) = (p.text, self.docs.get_mut(&p.text_document.uri)) {
                    doc.text = text;
                }
                // A saved configuration file changes every open document's findings.
                self.publish_all()
            }
            "textDocument/didClose" => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                self.docs.remove(&uri);
                vec![publish_message(uri, Vec::new(), None)]
            }
            "workspace/didChangeConfiguration" | "workspace/didChangeWatchedFiles" => {
                self.publish_all()
            }
            _ => Vec::new(),
        }
    }

    /// Checks and publishes every document edited since its last check.
    fn check_edited(&mut self) -> Vec<Message> {
        self.check_edited_with(None)
    }

    /// [`Server::check_edited`], except that a check is abandoned when an edit arrives during
    /// it (the edit's document is checked once no message is waiting): of a burst of edits to
    /// a large document, only the newest version is checked in full. A check is not abandoned
    /// when the oldest unpublished edit is older than [`Server::stale_at_most`].
    fn check_edited_unless_edited_again(&mut self) -> Vec<Message> {
        let interrupt = self.edit_arrived.filter(|_| {
            self.unpublished_since
                .is_some_and(|since| since.elapsed() < self.stale_at_most())
        });
        self.check_edited_with(interrupt)
    }

    fn check_edited_with(
        &mut self,
        interrupt: Option<&'static std::sync::atomic::AtomicBool>,
    ) -> Vec<Message> {
        use std::sync::atomic::Ordering;
        let started = std::time::Instant::now();
        let uris = std::mem::take(&mut self.edited);
        let mut out = Vec::new();
        for (i, uri) in uris.iter().enumerate() {
            if let Some(flag) = interrupt {
                flag.store(false, Ordering::Relaxed);
            }
            let publish = || self.publish_unless(uri, interrupt);
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(publish)) {
                Ok(Ok(messages)) => out.extend(messages),
                Ok(Err(messages)) => {
                    // Abandoned: this document and the ones after it wait for the next check.
                    out.extend(messages);
                    self.edited.splice(0..0, uris[i..].iter().cloned());
                    return out;
                }
                Err(_) => out.extend(self.publish_failure(uri)),
            }
        }
        self.last_check = started.elapsed();
        if self.edited.is_empty() {
            self.unpublished_since = None;
        }
        out
    }

    /// How long an edit may wait unpublished while newer ones keep abandoning its checks: four
    /// checks' time, and at least 100 ms.
    fn stale_at_most(&self) -> std::time::Duration {
        (self.last_check * 4).max(std::time::Duration::from_millis(100))
    }

    /// After a check of `uri` failed (the panic hook logged where): one error at the start of
    /// the document for this version, instead of the last version's findings, which no longer
    /// match the text (and which hover and code actions would go on serving).
    fn publish_failure(&mut self, uri: &Url) -> Option<Message> {
        let doc = self.docs.get_mut(uri)?;
        doc.diagnostics.clear();
        let failure = LspDiagnostic {
            range: Range::default(),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some(SOURCE.to_string()),
            message: "backup-lint could not check this version of the document (an internal error; the server's log says where)".to_string(),
            ..LspDiagnostic::default()
        };
        Some(publish_message(
            uri.clone(),
            vec![failure],
            Some(doc.version),
        ))
    }

    /// How long to wait for a newer edit before checking: a quarter of the last check, from
    /// 1 ms (small documents answer at once) to 50 ms (a large one is not checked for each
    /// keystroke of a burst).
    fn settle_time(&self) -> std::time::Duration {
        (self.last_check / 4).clamp(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(50),
        )
    }

    fn publish_all(&mut self) -> Vec<Message> {
        let uris: Vec<Url> = self.docs.keys().cloned().collect();
        uris.iter().flat_map(|u| self.publish(u)).collect()
    }

    /// The client's log line saying why an excluded document has no diagnostics (once a
    /// document and configuration: a user looking for the reason finds it, and keystrokes do
    /// not repeat it).
    fn excluded_note(&mut self, uri: &Url, resolved: &Resolved) -> Option<Message> {
        let source = match &resolved.config.path {
            Some(config) => format!("`exclude`/`extend-exclude` in {}", config.display()),
            None => format!(
                "the default `exclude = [{}]` (no backup-lint.toml above it)",
                resolved
                    .config
                    .excludes
                    .patterns()
                    .iter()
                    .map(|p| format!("\"{p}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let file = resolved.file.as_deref()?;
        let message = scrub(&format!(
            "{} is not checked: {source} excludes it (as `check --force-exclude` would)",
            file.display()
        ));
        self.reported.insert(format!("{uri} {message}")).then(|| {
            Notification::new(
                "window/logMessage".into(),
                LogMessageParams {
                    typ: MessageType::LOG,
                    message,
                },
            )
            .into()
        })
    }

    /// The configuration of `uri`; a broken configuration file is shown once, and the
    /// defaults are used instead.
    fn resolve(&mut self, uri: &Url, out: &mut Vec<Message>) -> Resolved {
        let file = (uri.scheme() == "file")
            .then(|| uri.to_file_path().ok())
            .flatten()
            .map(|f| match (f.parent(), f.file_name()) {
                // Canonical folders, so per-file-ignores globs match as in `check`.
                (Some(dir), Some(name)) => std::fs::canonicalize(dir)
                    .map(|d| d.join(name))
                    .unwrap_or(f.clone()),
                _ => f,
            });
        let dir = file
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .or_else(|| self.root.clone());
        let config = match dir.as_deref().and_then(Config::find_file) {
            None => Config::default(),
            Some(path) => match Config::load(&path) {
                Ok(c) => c,
                Err(e) => {
                    let message = scrub(&format!("{e} (using the default configuration)"));
                    if self.reported.insert(message.clone()) {
                        out.push(
                            Notification::new(
                                "window/showMessage".into(),
                                ShowMessageParams {
                                    typ: MessageType::WARNING,
                                    message,
                                },
                            )
                            .into(),
                        );
                    }
                    Config::default()
                }
            },
        };
        let target = config.target_version.unwrap_or(Version::NEWEST);
        Resolved {
            config,
            file,
            target,
        }
    }

    /// Checks `uri` again and returns its `publishDiagnostics` (plus any configuration error).
    fn publish(&mut self, uri: &Url) -> Vec<Message> {
        // Without an interrupt flag the check runs to its end.
        self.publish_unless(uri, None)
            .unwrap_or_else(|messages| messages)
    }

    /// [`Server::publish`]'s messages, or `Err` with all but the publish (a configuration
    /// error) when `interrupt` became `true` during the check: its findings may be incomplete,
    /// so they are dropped unseen and the document keeps its last published state.
    fn publish_unless(
        &mut self,
        uri: &Url,
        interrupt: Option<&'static std::sync::atomic::AtomicBool>,
    ) -> Result<Vec<Message>, Vec<Message>> {
        self.edited.retain(|u| u != uri);
        let mut out = Vec::new();
        let Some(kind) = self.docs.get(uri).map(|d| d.kind(uri)) else {
            return Ok(out);
        };
        let Some(kind) = kind else {
            let version = self.docs.get(uri).map(|d| d.version);
            out.push(publish_message(uri.clone(), Vec::new(), version));
            return Ok(out);
        };
        let resolved = self.resolve(uri, &mut out);
        if resolved.excluded() {
            out.extend(self.excluded_note(uri, &resolved));
            let doc = self.docs.get_mut(uri).expect("checked above");
            doc.diagnostics.clear();
            doc.built = None;
            out.push(publish_message(uri.clone(), Vec::new(), Some(doc.version)));
            return Ok(out);
        }
        let doc = self.docs.get_mut(uri).expect("checked above");
        let built =
            crate::hosts::document::Document::build(&doc.text, kind, &resolved.config.sql_wrappers);
        let opts = CheckOptions {
            independent_examples: resolved.config.independent_examples,
            rules: resolved.config.rules_for(resolved.file.as_deref()),
            interrupt,
            ..CheckOptions::at(resolved.target)
        };
        let diags = crate::check::engine::check(&built, &opts);
        if interrupt.is_some_and(|flag| flag.load(std::sync::atomic::Ordering::Relaxed)) {
            return Err(out);
        }
        doc.diagnostics = resolved.config.apply(resolved.file.as_deref(), diags);
        doc.redactor = Redactor::new(&doc.text);
        doc.built = Some((doc.version, built.rebind("")));
        let lines = Lines::new(&doc.text);
        let lsp = doc
            .diagnostics
            .iter()
            .map(|d| to_lsp(d, uri, &lines, &doc.redactor))
            .collect();
        out.push(publish_message(uri.clone(), lsp, Some(doc.version)));
        Ok(out)
    }

    fn formatting(&mut self, uri: &Url) -> Option<Vec<TextEdit>> {
        if !self.docs.get(uri)?.is_sql(uri) {
            return None;
        }
        // Configuration errors were shown when the document was checked.
        let resolved = self.resolve(uri, &mut Vec::new());
        if resolved.excluded() {
            return None;
        }
        let target = resolved.target;
        let doc = self.docs.get(uri)?;
        let formatted = format_source(
            &doc.text,
            &FormatOptions {
                version: target,
                redact: false,
            },
        );
        if formatted.refused || !formatted.changed(&doc.text) {
            return Some(Vec::new());
        }
        let lines = Lines::new(&doc.text);
        Some(vec![TextEdit {
            range: Range::new(Position::new(0, 0), lines.position(doc.text.len())),
            new_text: formatted.text,
        }])
    }

    fn code_actions(&mut self, p: &CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let uri = &p.text_document.uri;
        let doc = self.docs.get_mut(uri)?;
        let kind = doc.kind(uri)?;
        if let Some(only) = &p.context.only
            && !only.iter().any(|k| {
                let k = k.as_str();
                k.is_empty() || k == "quickfix" || k.starts_with("quickfix.")
            })
        {
            return Some(Vec::new());
        }
        let lines = Lines::new(&doc.text);
        let (start, end) = (lines.offset(p.range.start), lines.offset(p.range.end));
        let (start, end) = (start.min(end) as u32, start.max(end) as u32);
        let mut hits: Vec<&Diagnostic> = doc
            .diagnostics
            .iter()
            .filter(|d| d.span.start <= end && start <= d.span.end)
            .collect();
        // The most specific findings first.
        hits.sort_by_key(|d| d.span.len());
        let mut fixes = Vec::new();
        let mut ignores = Vec::new();
        let mut seen = HashSet::new();
        // The document built when it was last checked, if that was this version; else built
        // now (statements and comment syntax do not depend on SQL wrappers). Kept for the next
        // request, so a code action costs what its range costs, not a parse of the file.
        let built = match doc.built.take() {
            Some((version, built)) if version == doc.version => built.rebind(&doc.text),
            _ => crate::hosts::document::Document::build(&doc.text, kind, &[]),
        };
        for d in hits {
            let lsp = to_lsp(d, uri, &lines, &doc.redactor);
            if let Some(fix) = d.fix()
                && !fix.edits.is_empty()
            {
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| TextEdit {
                        range: lines.range(e.span),
                        new_text: e.replacement.clone(),
                    })
                    .collect();
                let safe = fix.applicability == Applicability::Safe;
                let title = if safe {
                    format!("{}: {}", d.code.code, doc.redactor.scrub(&fix.message))
                } else {
                    format!(
                        "{}: {} (unsafe: changes what the statement does)",
                        d.code.code,
                        doc.redactor.scrub(&fix.message)
                    )
                };
                fixes.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![lsp.clone()]),
                    edit: Some(workspace_edit(uri, edits)),
                    is_preferred: Some(safe),
                    ..CodeAction::default()
                }));
            }
            // Findings about suppressions cannot themselves be suppressed.
            if matches!(d.code.code, "N001" | "N002") {
                continue;
            }
            let Some(edit) = ignore_edit(&built, &lines, d) else {
                continue;
            };
            if !seen.insert((d.code.code, edit.range.start)) {
                continue;
            }
            ignores.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Ignore {} for this statement", d.code.code),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp]),
                edit: Some(workspace_edit(uri, vec![edit])),
                is_preferred: Some(false),
                ..CodeAction::default()
            }));
        }
        fixes.append(&mut ignores);
        let version = doc.version;
        doc.built = Some((version, built.rebind("")));
        Some(fixes)
    }

    fn hover(&self, uri: &Url, position: Position) -> Option<Hover> {
        let doc = self.docs.get(uri)?;
        doc.kind(uri)?;
        let lines = Lines::new(&doc.text);
        let at = lines.offset(position) as u32;
        let mut hits: Vec<&Diagnostic> = doc
            .diagnostics
            .iter()
            .filter(|d| d.span.start <= at && (at < d.span.end || at == d.span.start))
            .collect();
        // The most specific finding first; its range is the hover's.
        hits.sort_by_key(|d| d.span.len());
        let first = hits.first()?;
        let mut shown = HashSet::new();
        let mut parts = Vec::new();
        for d in &hits {
            if !shown.insert(d.code.code) {
                continue;
            }
            let text = crate::catalogue::find(d.code.code)
                .map(|e| e.doc().into_owned())
                .unwrap_or_else(|| doc.redactor.scrub(&d.message));
            parts.push(format!(
                "**{}** `{}` ({})\n\n{}",
                d.code.code,
                d.code.name,
                d.severity.as_str(),
                text.trim_end()
            ));
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: doc.redactor.scrub(&parts.join("\n\n---\n\n")),
            }),
            range: Some(lines.range(first.span)),
        })
    }
}

/// Decodes a request's parameters, runs `handle`, and wraps its result.
fn respond<P: serde::de::DeserializeOwned, R: serde::Serialize>(
    id: RequestId,
    params: Value,
    handle: impl FnOnce(P) -> R,
) -> Response {
    match serde_json::from_value::<P>(params) {
        Ok(p) => Response::new_ok(id, handle(p)),
        Err(e) => Response::new_err(
            id,
            ErrorCode::InvalidParams as i32,
            // serde's message may quote a value from the parameters.
            scrub(&format!("invalid parameters: {e}")),
        ),
    }
}

fn publish_message(uri: Url, diagnostics: Vec<LspDiagnostic>, version: Option<i32>) -> Message {
    Notification::new(
        "textDocument/publishDiagnostics".into(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    )
    .into()
}

fn workspace_edit(uri: &Url, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

fn to_lsp(d: &Diagnostic, uri: &Url, lines: &Lines<'_>, r: &Redactor) -> LspDiagnostic {
    let mut message = r.scrub(&d.message);
    if let Some(help) = d.help() {
        message.push_str("\nhelp: ");
        message.push_str(&r.scrub(help));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels()
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: lines.range(l.span),
            },
            message: r.scrub(&l.message),
        })
        .collect();
    LspDiagnostic {
        range: lines.range(d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.code.to_string())),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (d.code.code == codes::DEPRECATED_SYNTAX.code)
            .then(|| vec![DiagnosticTag::DEPRECATED]),
        ..LspDiagnostic::default()
    }
}

/// The edit that adds `ignore[CODE]` in the document's comment syntax above the statement
/// that holds the diagnostic (the diagnostic's own place when it lies in no statement),
/// joining an `ignore[…]` comment already on the line above (see
/// [`crate::hosts::document::Document::ignore_edit`]).
fn ignore_edit(
    doc: &crate::hosts::document::Document<'_>,
    lines: &Lines<'_>,
    d: &Diagnostic,
) -> Option<TextEdit> {
    let at = doc
        .statement_at(d.span.start)
        .map_or(d.span.start, |s| s.start) as usize;
    let edit = doc.ignore_edit(at.min(doc.text.len()), &[d.code.code], "")?;
    Some(TextEdit {
        range: lines.range(edit.span),
        new_text: edit.replacement,
    })
}

/// A whole session's input, `Content-Length` frames as a client would send them, read and
/// handled as `run` would (without a connection): for the fuzz target and its smoke test. A
/// panic here is a panic a client could cause.
#[doc(hidden)]
pub fn fuzz_session(input: &[u8]) {
    let mut server = Server::new(None);
    let mut reader = std::io::BufReader::new(input);
    // A bound on the messages handled keeps one input's cost linear.
    for _ in 0..256 {
        let body = match transport::read_frame(&mut reader) {
            Ok(Some(Ok(body))) => body,
            Ok(Some(Err(_))) => continue,
            Ok(None) | Err(_) => break,
        };
        let Ok(msg) = serde_json::from_slice::<Message>(&body) else {
            continue;
        };
        match msg {
            Message::Request(req) if req.method != "shutdown" => {
                let _ = server.check_edited();
                let _ = server.request(req);
            }
            Message::Notification(n) if n.method != "exit" => {
                let _ = server.notification(n);
            }
            _ => {}
        }
    }
    let _ = server.check_edited();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_check_replaces_the_stale_findings() {
        let mut server = Server::new(None);
        let uri = Url::parse("file:///tmp/x.sql").unwrap();
        let text = "BACKUP INTO 's3://b/p' WITH detached, detached;";
        server.docs.insert(
            uri.clone(),
            Document {
                text: text.to_string(),
                version: 7,
                language: "sql".to_string(),
                diagnostics: Vec::new(),
                redactor: Redactor::default(),
                built: None,
            },
        );
        server.publish(&uri);
        assert!(!server.docs[&uri].diagnostics.is_empty());
        let Some(Message::Notification(n)) = server.publish_failure(&uri) else {
            panic!("no publish");
        };
        let p: PublishDiagnosticsParams = serde_json::from_value(n.params).unwrap();
        assert_eq!(p.version, Some(7));
        assert_eq!(p.diagnostics.len(), 1);
        assert!(p.diagnostics[0].message.contains("could not check"));
        assert!(server.docs[&uri].diagnostics.is_empty());
    }

    #[test]
    fn a_check_an_edit_interrupts_is_dropped_and_the_newest_version_checked() {
        use std::sync::atomic::{AtomicBool, Ordering};
        static EDIT: AtomicBool = AtomicBool::new(false);
        let mut server = Server::new(None);
        server.edit_arrived = Some(&EDIT);
        let uri = Url::parse("file:///tmp/x.sql").unwrap();
        let open = |version, text: &str| {
            serde_json::from_value::<Notification>(serde_json::json!({
                "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "sql",
                           "version": version, "text": text}}
            }))
            .unwrap()
        };
        let change = |version, text: &str| {
            serde_json::from_value::<Notification>(serde_json::json!({
                "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": uri, "version": version},
                           "contentChanges": [{"text": text}]}
            }))
            .unwrap()
        };
        let published = |messages: &[Message]| -> Vec<(Option<i32>, usize)> {
            messages
                .iter()
                .filter_map(|m| match m {
                    Message::Notification(n) => {
                        serde_json::from_value::<PublishDiagnosticsParams>(n.params.clone()).ok()
                    }
                    _ => None,
                })
                .map(|p| (p.version, p.diagnostics.len()))
                .collect()
        };
        let once = "BACKUP INTO 's3://b/p?AUTH=implicit' WITH detached;\n";
        let twice = "BACKUP INTO 's3://b/p?AUTH=implicit' WITH detached, detached;\n";
        let [(Some(1), n)] = published(&server.notification(open(1, once)))[..] else {
            panic!("version 1 is not published");
        };
        server.notification(change(2, twice));
        // An edit arrives while version 2 is checked (the reader sets the flag; the engine
        // polls it, and so does the server once the check returns).
        let interrupted = |s: &mut Server| {
            let flag = s.edit_arrived.unwrap();
            let uris = std::mem::take(&mut s.edited);
            let mut out = Vec::new();
            for uri in &uris {
                flag.store(true, Ordering::Relaxed);
                match s.publish_unless(uri, Some(flag)) {
                    Ok(m) | Err(m) => out.extend(m),
                }
                s.edited.push(uri.clone());
            }
            out
        };
        assert!(published(&interrupted(&mut server)).is_empty());
        assert_eq!(
            server.docs[&uri].diagnostics.len(),
            n,
            "version 1's findings stay"
        );
        assert_eq!(server.edited, std::slice::from_ref(&uri));
        // The newest version is checked in full once no edit interrupts it.
        server.notification(change(3, twice));
        EDIT.store(false, Ordering::Relaxed);
        let done = server.check_edited_unless_edited_again();
        assert_eq!(published(&done), [(Some(3), n + 1)]);
        assert!(server.edited.is_empty() && server.unpublished_since.is_none());

        // An edit unpublished for longer than `stale_at_most` is no longer held back.
        server.notification(change(4, once));
        server.unpublished_since = Some(std::time::Instant::now() - server.stale_at_most());
        EDIT.store(true, Ordering::Relaxed);
        assert_eq!(
            published(&server.check_edited_unless_edited_again()),
            [(Some(4), n)]
        );
    }

    #[test]
    fn positions_count_utf16_units_and_every_line_break() {
        let text = "a\r\né😀x\rlast\n";
        let lines = Lines::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(x), Position::new(1, 3));
        assert_eq!(lines.offset(Position::new(1, 3)), x);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(lines.offset(Position::new(1, 2)), text.find('😀').unwrap());
        // Past the end of a line: its end, before the break.
        assert_eq!(lines.offset(Position::new(0, 99)), 1);
        assert_eq!(
            lines.position(text.find("last").unwrap()),
            Position::new(2, 0)
        );
        assert_eq!(lines.position(text.len()), Position::new(3, 0));
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
        assert_eq!(lines.content(1), 3..x + 1);
    }

    #[test]
    fn ignore_comment_goes_above_the_statement_start() {
        use crate::hosts::document::Document;
        /// `text` with the ignore edit for its S003 applied, and the edit.
        fn ignored(text: &str) -> (String, TextEdit) {
            let d = crate::check_source(text, &CheckOptions::default())
                .into_iter()
                .find(|d| d.code.code == "S003")
                .unwrap();
            let lines = Lines::new(text);
            let doc = Document::build(text, FileKind::Sql, &[]);
            let edit = ignore_edit(&doc, &lines, &d).unwrap();
            let (start, end) = (lines.offset(edit.range.start), lines.offset(edit.range.end));
            let fixed = format!("{}{}{}", &text[..start], edit.new_text, &text[end..]);
            (fixed, edit)
        }
        let text = "SELECT 1;\n  BACKUP INTO 'x'\n  WITH detached, detached;\n";
        let (fixed, edit) = ignored(text);
        assert_eq!(edit.range.start, Position::new(1, 2));
        assert_eq!(
            fixed,
            "SELECT 1;\n  -- backup-lint: ignore[S003]\n  BACKUP INTO 'x'\n  WITH detached, detached;\n"
        );
        let after = crate::check_source(&fixed, &CheckOptions::default());
        assert!(after.iter().all(|d| d.code.code != "S003"), "{after:?}");

        let shared = "SELECT 1; BACKUP INTO 'x' WITH detached, detached;";
        let (fixed, _) = ignored(shared);
        assert_eq!(
            fixed,
            "SELECT 1;\n-- backup-lint: ignore[S003]\nBACKUP INTO 'x' WITH detached, detached;"
        );

        // A second code joins the comment already above the statement.
        let both = "-- backup-lint: ignore[A006]\nBACKUP INTO 'x' WITH detached, detached;\n";
        let (fixed, _) = ignored(both);
        assert_eq!(
            fixed,
            "-- backup-lint: ignore[A006, S003]\nBACKUP INTO 'x' WITH detached, detached;\n"
        );
    }
}
