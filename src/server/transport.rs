//! The connection over stdin/stdout: one thread reads `Content-Length` frames (a malformed
//! one is answered with a JSON-RPC error and skipped instead of ending the session), one
//! writes.

use lsp_server::{Connection, Message};

/// The threads that read stdin and write stdout.
pub(super) struct IoThreads {
    reader: std::thread::JoinHandle<()>,
    writer: std::thread::JoinHandle<std::io::Result<()>>,
}

impl IoThreads {
    pub(super) fn join(self) -> Result<(), String> {
        let failed = |_| "language server I/O: a thread panicked".to_string();
        self.reader.join().map_err(failed)?;
        self.writer
            .join()
            .map_err(failed)?
            .map_err(|e| format!("language server I/O: {e}"))
    }
}

/// Set by the reader when a `textDocument/didChange` arrives; the loop clears it before a
/// check it may abandon (`CheckOptions::interrupt`). One per process, as stdin is.
pub(super) static EDIT_ARRIVED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// A connection over stdin/stdout. lsp-server's own reader ends the session at the first
/// malformed header or body; this one skips that message, says so on stderr (never quoting
/// the input) and keeps reading. Its queue is unbounded, so the loop sees every message
/// that has arrived and can skip checking edits that newer ones replace.
pub(super) fn stdio() -> (Connection, IoThreads) {
    let (to_loop, receiver) = crossbeam_channel::unbounded();
    let (sender, from_loop) = crossbeam_channel::unbounded::<Message>();
    // Errors for messages that could not be read: their id may be `null`, which
    // `lsp_server::Message` cannot carry, so they go to the writer as ready JSON.
    let (errors, from_reader) = crossbeam_channel::unbounded::<String>();
    let reader = std::thread::spawn(move || {
        let reply = |id: serde_json::Value, code: i32, message: &str| {
            let _ = errors.send(
                serde_json::json!({
                    "jsonrpc": "2.0",
                    "id": id,
                    "error": {"code": code, "message": message},
                })
                .to_string(),
            );
        };
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        loop {
            let body = match read_frame(&mut input) {
                Ok(Some(Ok(body))) => body,
                Ok(Some(Err(why))) => {
                    log(&format!("skipped a message: {why}"));
                    reply(
                        serde_json::Value::Null,
                        PARSE_ERROR,
                        &format!("message skipped: {why}"),
                    );
                    continue;
                }
                Ok(None) => return,
                Err(e) => {
                    log(&format!("reading the client's input: {}", e.kind()));
                    return;
                }
            };
            let msg = match serde_json::from_slice::<Message>(&body) {
                Ok(msg) => msg,
                Err(e) => {
                    let why = format!(
                        "not JSON-RPC ({:?} error at line {}, column {})",
                        e.classify(),
                        e.line(),
                        e.column()
                    );
                    log(&format!("skipped a message that is {why}"));
                    // Valid JSON with a usable id is an invalid request, answered under that
                    // id; anything else is a parse error (id `null`), as JSON-RPC 2.0 says.
                    let id = serde_json::from_slice::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v.get("id").cloned())
                        .filter(|id| id.is_i64() || id.is_string());
                    match id {
                        Some(id) => reply(id, INVALID_REQUEST, &format!("invalid request: {why}")),
                        None => reply(
                            serde_json::Value::Null,
                            PARSE_ERROR,
                            &format!("message skipped: {why}"),
                        ),
                    }
                    continue;
                }
            };
            let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
            let edit =
                matches!(&msg, Message::Notification(n) if n.method == "textDocument/didChange");
            if to_loop.send(msg).is_err() || exit {
                return;
            }
            if edit {
                EDIT_ARRIVED.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
    });
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let mut reader_open = true;
        loop {
            if reader_open {
                crossbeam_channel::select! {
                    recv(from_loop) -> m => match m {
                        Ok(m) => m.write(&mut out)?,
                        Err(_) => return Ok(()),
                    },
                    recv(from_reader) -> raw => match raw {
                        Ok(raw) => {
                            write!(out, "Content-Length: {}\r\n\r\n{raw}", raw.len())?;
                            out.flush()?;
                        }
                        Err(_) => reader_open = false,
                    },
                }
            } else {
                match from_loop.recv() {
                    Ok(m) => m.write(&mut out)?,
                    Err(_) => return Ok(()),
                }
            }
        }
    });
    (
        Connection { sender, receiver },
        IoThreads { reader, writer },
    )
}

pub(super) fn log(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "backup-lint server: {message}");
}

/// JSON-RPC 2.0's codes for a message that is not JSON, and for JSON that is no request.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// The longest header line read; longer ones are malformed.
pub(super) const MAX_HEADER_LINE: u64 = 8192;

/// Reads one `Content-Length`-framed body: `None` at the end of input, `Some(Err(why))` for
/// a frame that is skipped. Lines that are no header are skipped (and counted on stderr);
/// a `Content-Length:` header is found even after garbage on its line.
pub(super) fn read_frame(
    input: &mut impl std::io::BufRead,
) -> std::io::Result<Option<Result<Vec<u8>, String>>> {
    use std::io::{BufRead, Read};
    const HEADER: &[u8] = b"content-length:";
    let mut length: Option<Result<u64, ()>> = None;
    let mut skipped = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() && line.ends_with(b"\n") {
            break;
        }
        // A header starting inside the line: what came before it was garbage.
        let at = text
            .windows(HEADER.len())
            .rposition(|w| w.eq_ignore_ascii_case(HEADER));
        match at {
            Some(at) => {
                skipped += at;
                let value = std::str::from_utf8(&text[at + HEADER.len()..]).unwrap_or("");
                length = Some(value.trim().parse::<u64>().map_err(|_| ()));
            }
            None => {
                let header = text.iter().position(|b| *b == b':').is_some_and(|c| {
                    c > 0
                        && text[..c]
                            .iter()
                            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
                });
                if !header || !line.ends_with(b"\n") {
                    skipped += line.len();
                }
            }
        }
    }
    if skipped > 0 {
        log(&format!(
            "skipped {skipped} bytes of input that are no message header"
        ));
    }
    let length = match length {
        None => return Ok(Some(Err("no Content-Length header".into()))),
        Some(Err(())) => return Ok(Some(Err("a Content-Length that is not a number".into()))),
        Some(Ok(n)) => n,
    };
    let mut body = Vec::new();
    input.by_ref().take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Ok(None);
    }
    Ok(Some(Ok(body)))
}
