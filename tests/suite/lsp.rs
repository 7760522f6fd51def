//! `backup-lint server` driven over stdio with real LSP framing (`Content-Length` headers).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one reply may take before the test fails (instead of hanging).
const TIMEOUT: Duration = Duration::from_secs(20);

/// A JSON-RPC client over the server's stdin/stdout.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages read while waiting for another one.
    pending: VecDeque<Value>,
    next_id: i64,
}

/// Reads one `Content-Length`-framed message; `None` at end of output.
fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    r.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("a JSON body"))
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(crate::support::bin())
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start backup-lint server");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            incoming: rx,
            pending: VecDeque::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).unwrap();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(&body).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The first message (pending or new) that `want` accepts; fails after `TIMEOUT`.
    fn wait_for(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&want) {
            return self.pending.remove(i).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(msg) if want(&msg) => return msg,
                Ok(msg) => self.pending.push_back(msg),
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "timed out waiting for {what}; other messages: {:?}",
                        self.pending
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed its output while we waited for {what}")
                }
            }
        }
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(&format!("the response to {method}"), |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        })
    }

    fn result(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request(method, params);
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        let msg = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        msg["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn initialize(&mut self, root: &str) {
        let result = self.result(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {}}),
        );
        let caps = &result["capabilities"];
        assert_eq!(caps["textDocumentSync"]["change"], 1, "{result}");
        assert_eq!(caps["documentFormattingProvider"], true, "{result}");
        assert_eq!(caps["hoverProvider"], true, "{result}");
        assert!(caps["codeActionProvider"].is_object(), "{result}");
        assert_eq!(result["serverInfo"]["name"], "backup-lint");
        self.notify("initialized", json!({}));
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        self.diagnostics_for(uri)
    }

    /// shutdown, exit, and the process's exit status (waited for with a timeout).
    fn finish(mut self) -> std::process::ExitStatus {
        let resp = self.request("shutdown", Value::Null);
        // JSON-RPC requires `result` on success, `null` here (not an absent member).
        assert_eq!(resp.get("result"), Some(&Value::Null), "{resp}");
        assert!(resp.get("error").is_none(), "{resp}");
        self.notify("exit", Value::Null);
        self.stdin = None;
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // Never leave a server behind when a test fails.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn file_uri(path: &std::path::Path) -> String {
    url::Url::from_file_path(path).unwrap().to_string()
}

fn codes(diags: &[Value]) -> Vec<&str> {
    diags.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

fn find<'a>(diags: &'a [Value], code: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diags:#?}"))
}

fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

#[test]
fn diagnostics_formatting_code_actions_hover_and_exit() {
    let dir = tempfile::tempdir().unwrap();
    let dir_path = dir.path().canonicalize().unwrap();
    // Pin the defaults, whatever lies above the temporary folder.
    std::fs::write(
        dir_path.join("backup-lint.toml"),
        "target-version = \"26.1\"\n",
    )
    .unwrap();
    let uri = file_uri(&dir_path.join("nightly.sql"));
    let mut c = Client::start();
    c.initialize(&file_uri(&dir_path));

    // Line 1: a non-ASCII identifier before the duplicate option: é and € are one UTF-16
    // unit each (two and three bytes), 😀 is two units (four bytes).
    let text = "BACKUP TABLE \"é€😀\" INTO 'x' WITH detached, detached;\nBACKUP TO 'x';\n";
    let diags = c.open(&uri, "sql", text);
    let all = codes(&diags);
    assert!(all.contains(&"S003") && all.contains(&"V001"), "{all:?}");
    let s003 = find(&diags, "S003");
    // The second `detached`: byte 49, character 43, UTF-16 unit 44.
    assert_eq!(s003["range"]["start"], pos(0, 44), "{s003}");
    assert_eq!(s003["range"]["end"], pos(0, 52), "{s003}");
    assert_eq!(s003["severity"], 1);
    assert_eq!(s003["source"], "backup-lint");
    let message = s003["message"].as_str().unwrap();
    assert!(message.contains("specified multiple times"), "{message}");
    assert!(
        message.contains("help: "),
        "the help is appended: {message}"
    );
    let related = &s003["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri.as_str());
    assert_eq!(
        related["location"]["range"]["start"],
        pos(0, 34),
        "{related}"
    );
    assert_eq!(related["message"], "first given here");
    let v001 = find(&diags, "V001");
    assert_eq!(v001["range"]["start"], pos(1, 10), "{v001}");

    // Formatting returns the canonical text as one edit over the whole document.
    let fmt_uri = file_uri(&dir_path.join("fmt.sql"));
    c.open(&fmt_uri, "sql", "BACKUP foo INTO 'bar';\n");
    let edits = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": fmt_uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    let edits = edits.as_array().expect("a list of edits");
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(edits[0]["newText"], "BACKUP TABLE foo INTO 'bar';\n");
    assert_eq!(edits[0]["range"]["start"], pos(0, 0));
    assert_eq!(edits[0]["range"]["end"], pos(1, 0));
    // An already canonical document needs no edit.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": fmt_uri, "version": 2},
               "contentChanges": [{"text": "BACKUP TABLE foo INTO 'bar';\n"}]}),
    );
    c.diagnostics_for(&fmt_uri);
    let edits = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": fmt_uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(edits, json!([]));

    // Code actions at the duplicate option: an "ignore" action inserting the comment above.
    let actions = c.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": pos(0, 46), "end": pos(0, 46)},
               "context": {"diagnostics": [s003]}}),
    );
    let actions = actions.as_array().unwrap();
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore S003 for this statement")
        .unwrap_or_else(|| panic!("no ignore action in {actions:#?}"));
    assert_eq!(ignore["kind"], "quickfix");
    let edit = &ignore["edit"]["changes"][uri.as_str()][0];
    assert_eq!(edit["range"]["start"], pos(0, 0), "{edit}");
    assert_eq!(edit["newText"], "-- backup-lint: ignore[S003]\n");
    // A006 (no AS OF SYSTEM TIME) spans the statement and has an unsafe fix: not preferred.
    let unsafe_fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("A006: "))
        .unwrap_or_else(|| panic!("no A006 fix in {actions:#?}"));
    assert_eq!(unsafe_fix["isPreferred"], false);
    assert!(unsafe_fix["edit"]["changes"][uri.as_str()].is_array());
    // Applying the ignore action silences S003.
    let ignored = format!("-- backup-lint: ignore[S003]\n{text}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": ignored}]}),
    );
    let after = c.diagnostics_for(&uri);
    assert!(!codes(&after).contains(&"S003"), "{after:#?}");
    assert!(codes(&after).contains(&"V001"), "{after:#?}");

    // A safe fix is marked preferred: removing an unused suppression (N002).
    let unused_uri = file_uri(&dir_path.join("unused.sql"));
    let diags = c.open(
        &unused_uri,
        "sql",
        "-- backup-lint: ignore[L001]\nBACKUP INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';\n",
    );
    assert_eq!(codes(&diags), vec!["N002"], "{diags:#?}");
    let actions = c.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": unused_uri}, "range": {"start": pos(0, 5), "end": pos(0, 5)},
               "context": {"diagnostics": diags}}),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "no ignore action for N002: {actions:#?}");
    assert_eq!(actions[0]["isPreferred"], true);
    let edit = &actions[0]["edit"]["changes"][unused_uri.as_str()][0];
    assert_eq!(edit["newText"], "");
    assert_eq!(edit["range"]["start"], pos(0, 0));
    assert_eq!(edit["range"]["end"], pos(1, 0));

    // Hover on V001 (line 2 of the edited document) shows the code's documentation.
    let hover = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(2, 11)}),
    );
    let value = hover["contents"]["value"].as_str().expect("markup");
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert!(value.contains("V001"), "{value}");
    assert!(value.contains("no longer accepts"), "{value}");
    assert_eq!(hover["range"]["start"], pos(2, 10));
    // Hover on a rule's diagnostic shows the rule file's documentation.
    let hover = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(1, 0)}),
    );
    let value = hover["contents"]["value"].as_str().expect("markup");
    assert!(value.contains("A006"), "{value}");
    assert!(value.contains("## "), "the rule's sections: {value}");
    // Nothing to say where there is no diagnostic.
    let hover = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(3, 0)}),
    );
    assert_eq!(hover, Value::Null);

    // Unknown requests: MethodNotFound.
    let resp = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": pos(0, 0)}),
    );
    assert_eq!(resp["error"]["code"], -32601, "{resp}");

    // Closing a document clears its diagnostics.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(c.diagnostics_for(&uri).is_empty());

    let status = c.finish();
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn target_version_comes_from_the_nearest_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("backup-lint.toml"), "target-version = \"26.1\"\n").unwrap();
    let old = root.join("old");
    std::fs::create_dir(&old).unwrap();
    std::fs::write(old.join("backup-lint.toml"), "target-version = \"24.1\"\n").unwrap();
    let mut c = Client::start();
    c.initialize(&file_uri(&root));
    let text = "BACKUP TO 'x';\n";
    let new = c.open(&file_uri(&root.join("a.sql")), "sql", text);
    assert!(codes(&new).contains(&"V001"), "{new:#?}");
    // On v24.1 `BACKUP … TO` is only deprecated (and tagged so).
    let legacy = c.open(&file_uri(&old.join("a.sql")), "sql", text);
    assert!(!codes(&legacy).contains(&"V001"), "{legacy:#?}");
    let v003 = find(&legacy, "V003");
    assert_eq!(v003["severity"], 2);
    assert_eq!(v003["tags"], json!([2]));
    assert!(c.finish().success());
}

#[test]
fn scripts_and_markdown_are_checked_and_secrets_stay_inside() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("backup-lint.toml"), "target-version = \"26.1\"\n").unwrap();
    let mut c = Client::start();
    c.initialize(&file_uri(&root));
    let broken = "BACKUP INTO 'x' WITH detached, detached;\n";
    // Scripts and runbooks: the SQL inside them, at its place in the file.
    let script = format!(
        "#!/bin/bash\ncockroach sql --certs-dir=certs -e \"{}\"\n",
        broken.trim()
    );
    let runbook = format!("# Runbook\n\n```sql\n{broken}```\n");
    let workflow = format!(
        "jobs:\n  b:\n    steps:\n      - run: |\n          cockroach sql --certs-dir=c -e \"{}\"\n",
        broken.trim()
    );
    for (name, language, text, line) in [
        ("backup.yml", "yaml", workflow.as_str(), 4),
        ("cronjob.yaml", "plaintext", workflow.as_str(), 4),
        ("run.sh", "shellscript", script.as_str(), 1),
        ("run.bash", "bash", script.as_str(), 1),
        ("backup", "plaintext", script.as_str(), 1),
        ("README.md", "markdown", runbook.as_str(), 3),
    ] {
        let diags = c.open(&file_uri(&root.join(name)), language, text);
        let d = find(&diags, "S003");
        assert_eq!(d["range"]["start"]["line"], line, "{name}: {diags:#?}");
    }
    // Other files get an empty list, whatever the content.
    let diags = c.open(&file_uri(&root.join("notes.txt")), "plaintext", broken);
    assert!(diags.is_empty(), "{diags:#?}");
    // A .sql file is SQL whatever its language id; an untitled `sql` document too.
    let diags = c.open(&file_uri(&root.join("x.sql")), "plaintext", broken);
    assert_eq!(find(&diags, "S003")["code"], "S003");
    let diags = c.open("untitled:Untitled-1", "sql", broken);
    assert_eq!(find(&diags, "S003")["code"], "S003");

    // No secret from the document appears in any message, label, help or hover.
    let secret_uri = file_uri(&root.join("secret.sql"));
    let secret = "s3cr3tV4lu3";
    let text = format!(
        "BACKUP INTO 's3://b/c?AWS_ACCESS_KEY_ID=AKIA&AWS_SECRET_ACCESS_KEY={secret}&AUTH=specified&AWS_SECRET_ACCESS_KEY={secret}' \
         WITH encryption_passphrase = '{secret}', encryption_passphrase = '{secret}';\n\
         BACKUP INTO 'https://u:{secret}@host/x' WITH detached;\n"
    );
    let diags = c.open(&secret_uri, "sql", &text);
    assert!(!diags.is_empty());
    let mut seen = serde_json::to_string(&diags).unwrap();
    for d in &diags {
        let start = &d["range"]["start"];
        let hover = c.result(
            "textDocument/hover",
            json!({"textDocument": {"uri": secret_uri}, "position": start}),
        );
        seen.push_str(&hover.to_string());
        let actions = c.result(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": secret_uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        );
        for a in actions.as_array().unwrap() {
            seen.push_str(a["title"].as_str().unwrap());
            for d in a["diagnostics"].as_array().unwrap() {
                seen.push_str(&d.to_string());
            }
        }
    }
    if let Some(at) = seen.find(secret) {
        let from = seen.floor_char_boundary(at.saturating_sub(200));
        panic!(
            "a secret left the server: …{}",
            &seen[from..at + secret.len()]
        );
    }
    assert!(c.finish().success());
}

/// `(code, LSP severity, first line)` of every finding `check --format json` reports for
/// `file` (run in `cwd`), sorted: what the server must publish for the same text.
fn check_json(cwd: &std::path::Path, args: &[&str]) -> Vec<(String, i64, i64)> {
    let out = std::process::Command::new(crate::support::bin())
        .args(["check", "--format", "json", "-q"])
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run backup-lint check");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let mut found: Vec<(String, i64, i64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let severity = match d["severity"].as_str().unwrap() {
                "error" => 1,
                "warning" => 2,
                _ => 3,
            };
            let code = d["code"].as_str().unwrap().to_string();
            (code, severity, d["line"].as_i64().unwrap() - 1)
        })
        .collect();
    found.sort();
    found
}

fn published(diags: &[Value]) -> Vec<(String, i64, i64)> {
    let mut found: Vec<(String, i64, i64)> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_i64().unwrap(),
                d["range"]["start"]["line"].as_i64().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

/// The configuration applies in the editor as in `check`: select/ignore/severity/
/// per-file-ignores/target-version give the same findings for every kind of file, and a
/// document that `exclude`/`extend-exclude` name (itself, by name, or a folder above it) gets
/// what ruff's server gives one — no diagnostics, no formatting, no quick fixes — as
/// `check --force-exclude` gives it no findings; the client's log says why. A changed
/// configuration takes effect on `workspace/didChangeWatchedFiles`.
#[test]
fn the_configuration_applies_as_in_check_and_excluded_documents_get_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let config = "target-version = \"25.2\"\n\
                  ignore = [\"backup-without-aost\"]\n\
                  extend-exclude = [\"fixtures\", \"legacy/*.sql\", \"*.gen.sql\"]\n\
                  [severity]\n\
                  U014 = \"warning\"\n\
                  S003 = \"warning\"\n\
                  [per-file-ignores]\n\
                  \"scripts/*.sh\" = [\"V001\"]\n";
    std::fs::write(root.join("backup-lint.toml"), config).unwrap();
    // Not canonical (lower case), a duplicate option, removed syntax, a nodelocal backup.
    let sql = "backup database bank into 's3://b/p?AUTH=implicit' with detached, detached;\n\
               BACKUP TO 'nodelocal://1/x';\n";
    let script = "#!/bin/sh\n\
                  cockroach sql -e \"BACKUP TO 'nodelocal://1/x';\"\n\
                  cockroach sql -e \"BACKUP DATABASE bank INTO 's3://b/p?AUTH=implicit' WITH detached, detached;\"\n";
    let runbook = format!("# Runbook\n\n```sql\n{sql}```\n");
    let files = [
        ("a.sql", "sql", sql),
        ("scripts/nightly.sh", "shellscript", script),
        ("docs/runbook.md", "markdown", runbook.as_str()),
    ];
    let excluded = [
        ("fixtures/bad.sql", "sql", sql),
        ("sub/fixtures/deep/x.sql", "sql", sql),
        ("legacy/old.sql", "sql", sql),
        ("b.gen.sql", "sql", sql),
        ("fixtures/run.sh", "shellscript", script),
    ];
    for (name, _, text) in files.iter().chain(&excluded) {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut c = Client::start();
    c.initialize(&file_uri(&root));
    for (name, language, text) in files {
        let diags = c.open(&file_uri(&root.join(name)), language, text);
        let from_check = check_json(&root, &[name]);
        assert_eq!(published(&diags), from_check, "{name}: {diags:#?}");
        // The configuration made a difference (so the comparison can fail): without it,
        // A006 is reported and S003 is an error.
        let isolated = check_json(&root, &["--isolated", name]);
        assert_ne!(isolated, from_check, "{name}");
        assert!(
            isolated.iter().any(|(code, _, _)| code == "A006"),
            "{isolated:?}"
        );
    }
    let a = file_uri(&root.join("a.sql"));
    let edits = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": a}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(edits.as_array().map(Vec::len), Some(1), "{edits}");

    for (name, language, text) in excluded {
        // `check` reports the file when named, and not under --force-exclude.
        assert!(!check_json(&root, &[name]).is_empty(), "{name}");
        assert!(
            check_json(&root, &["--force-exclude", name]).is_empty(),
            "{name}"
        );
        let uri = file_uri(&root.join(name));
        let diags = c.open(&uri, language, text);
        assert!(diags.is_empty(), "{name}: {diags:#?}");
        let log = c.wait_for(&format!("the log line for {name}"), |m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.contains(name) && s.contains("is not checked"))
        });
        assert_eq!(log["params"]["type"], 4, "{log}");
        let formatted = c.result(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
        );
        assert_eq!(formatted, Value::Null, "{name}");
        let actions = c.result(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": pos(0, 0), "end": pos(1, 0)}, "context": {"diagnostics": []}}),
        );
        assert_eq!(actions, json!([]), "{name}");
        // An edit keeps it excluded, without repeating the log line.
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": format!("{text}\n")}]}),
        );
        assert!(c.diagnostics_for(&uri).is_empty(), "{name}");
    }
    assert!(
        !c.pending.iter().any(|m| m["method"] == "window/logMessage"),
        "{:?}",
        c.pending
    );

    // The exclusion follows the configuration: without `extend-exclude`, the file is checked.
    let old = file_uri(&root.join("legacy/old.sql"));
    std::fs::write(
        root.join("backup-lint.toml"),
        config.replace("extend-exclude", "# extend-exclude"),
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join("backup-lint.toml")), "type": 2}]}),
    );
    let mut now = c.diagnostics_for(&old);
    while now.is_empty() {
        // Earlier publications for it may still be queued; the newest one counts.
        now = c.diagnostics_for(&old);
    }
    assert_eq!(published(&now), check_json(&root, &["legacy/old.sql"]));
    assert!(c.finish().success());
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let mut c = Client::start();
    c.initialize("file:///");
    c.notify("exit", Value::Null);
    c.stdin = None;
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = c.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success());
}

/// A burst of edits sent at once: the edits before the newest are not checked (at most the
/// first, which may arrive alone), the last publish is the newest version, and a request
/// after the burst is answered on that version.
#[test]
fn queued_edits_are_coalesced() {
    let uri = "untitled:burst.sql";
    let mut c = Client::start();
    c.initialize("file:///");
    // Large enough that one check takes far longer than reading the other edits.
    let base = "BACKUP DATABASE d INTO 's3://b/p?AUTH=implicit';\n".repeat(2000);
    c.open(uri, "sql", &base);
    for version in 2..=11 {
        // Only the newest version has a syntax error, on line 0.
        let text = if version == 11 {
            format!("BACKUP INTO;\n{base}")
        } else {
            format!("-- {version}\n{base}")
        };
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }
    let hover = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(0, 11)}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|h| h.contains("S002")),
        "{hover}"
    );
    // Every publish of the burst came before the answer.
    let published: Vec<&Value> = c
        .pending
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .collect();
    let versions: Vec<i64> = published
        .iter()
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(!versions.is_empty() && versions.len() <= 2, "{versions:?}");
    assert_eq!(versions.last(), Some(&11), "{versions:?}");
    let last = published.last().unwrap()["params"]["diagnostics"]
        .as_array()
        .unwrap();
    assert!(codes(last).contains(&"S002"));
    c.pending.clear();
    assert!(c.finish().success());
}

/// Malformed frames (a body that is not JSON, one that is not JSON-RPC, a header that is not
/// a number, garbage between frames) are skipped: the requests after them are answered, and
/// stderr says what was skipped without quoting it.
#[test]
fn malformed_messages_do_not_end_the_session() {
    let mut child = Command::new(crate::support::bin())
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let frame = |v: Value| {
        let body = serde_json::to_vec(&v).unwrap();
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend(body);
        out
    };
    let request = |id: i64, method: &str, params: Value| {
        frame(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
    };
    let secret = "SECRET_hunter2";
    let mut input = request(
        1,
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    input.extend(frame(
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    ));
    let bad_json = format!("{{\"{secret}\": ");
    input.extend(format!("Content-Length: {}\r\n\r\n{bad_json}", bad_json.len()).bytes());
    input.extend(request(2, "textDocument/hover", json!({"no": secret})));
    input.extend(frame(
        json!({"jsonrpc": "2.0", "result": secret, "junk": [1]}),
    ));
    input.extend(format!("Content-Length: twelve\r\n\r\n{secret}").bytes());
    input.extend(request(3, "textDocument/formatting", json!({})));
    input.extend(format!("{secret} garbage\r\n").bytes());
    input.extend(request(4, "shutdown", Value::Null));
    input.extend(frame(json!({"jsonrpc": "2.0", "method": "exit"})));
    let mut stdin = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = rx
        .recv_timeout(TIMEOUT)
        .expect("the server did not exit")
        .unwrap();
    let mut reader = BufReader::new(&out.stdout[..]);
    let mut answered = Vec::new();
    let mut parse_errors = 0;
    while let Some(msg) = read_message(&mut reader) {
        if let Some(id) = msg.get("id").and_then(Value::as_i64) {
            answered.push(id);
        }
        // Each message that could not be read gets JSON-RPC's parse error (id null).
        if msg["id"].is_null() && msg["error"]["code"] == -32700 {
            parse_errors += 1;
        }
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(answered, [1, 2, 3, 4], "stderr: {stderr}");
    assert!(
        parse_errors >= 2,
        "{parse_errors} parse errors; stderr: {stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(secret));
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("skipped"), "{stderr}");
    assert!(!stderr.contains(secret), "{stderr}");
}

/// The planted secrets of `secrets.rs` (every spelling, SQL, script and runbook) never leave the
/// server: not in diagnostics, hovers, nor code action titles and diagnostics.
#[test]
fn planted_secrets_stay_inside_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mut plants = crate::secrets::Plants::new();
    let docs = [
        ("p.sql", "sql", plants.sql()),
        (
            "p.sh",
            "shellscript",
            format!("#!/bin/bash\n{}", plants.shell()),
        ),
        ("p.md", "markdown", plants.markdown()),
    ];
    let mut c = Client::start();
    c.initialize(&file_uri(&root));
    let mut seen = String::new();
    for (name, language, text) in &docs {
        let uri = file_uri(&root.join(name));
        let diags = c.open(&uri, language, text);
        assert!(!diags.is_empty(), "{name}: no findings");
        seen.push_str(&serde_json::to_string(&diags).unwrap());
        for d in &diags {
            let hover = c.result(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": d["range"]["start"]}),
            );
            seen.push_str(&hover.to_string());
        }
        let end = json!({"line": text.lines().count() + 1, "character": 0});
        let actions = c.result(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": pos(0, 0), "end": end}, "context": {"diagnostics": []}}),
        );
        for a in actions.as_array().unwrap() {
            seen.push_str(a["title"].as_str().unwrap());
            seen.push_str(&a["diagnostics"].to_string());
        }
    }
    let leaks = crate::secrets::leaked(&plants, seen.as_bytes());
    assert!(leaks.is_empty(), "the server sent {leaks:?}");
    assert!(c.finish().success());
}
