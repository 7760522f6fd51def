//! Running a backup script symbolically, once, at a given time: nothing is executed. Shell
//! control flow, variables, `date`, functions, `read` loops and files are interpreted; files
//! live in a virtual file system carried from run to run; `cockroach sql` / `psql` record the
//! SQL they would send; any other command succeeds and prints nothing.

use std::collections::{BTreeMap, HashMap};

use super::date::{self, DateTime};
use super::{MaskedPlaceholder, WordPart, parse_tree, read_word};
use crate::syntax::span::Span;

/// SQL a run would send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub sql: String,
    /// The command that sends it, in the script.
    pub at: Span,
}

/// A `date` format seen during a run, with what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatePrinted {
    pub format: String,
    pub printed: String,
    pub at: Span,
}

/// One run of the script.
#[derive(Clone, Debug, Default)]
pub struct Run {
    pub sent: Vec<Sent>,
    /// What the script printed (its `echo` lines), as cron would mail it.
    pub output: Vec<String>,
    pub dates: Vec<DatePrinted>,
    /// Why the run stopped early (`set -e` after a failure, a syntax error, `exit 1`).
    pub failure: Option<(String, Span)>,
}

/// The files the script reads and writes, kept between runs (path → content).
pub type Files = BTreeMap<String, String>;

/// A script's syntax tree, parsed once for any number of runs.
pub struct Program<'t> {
    text: &'t str,
    tree: Option<(tree_sitter::Tree, Vec<MaskedPlaceholder>)>,
}

impl<'t> Program<'t> {
    pub fn parse(text: &'t str) -> Program<'t> {
        Program {
            text,
            tree: parse_tree(text),
        }
    }
}

/// Runs `text` once at `now`. `overrides` replace the values of the script's own assignments
/// (`full_day=Sunday`, as a user fills in the template).
pub fn run_once(
    text: &str,
    now: DateTime,
    files: &mut Files,
    overrides: &BTreeMap<String, String>,
) -> Run {
    run_program(&Program::parse(text), now, files, overrides)
}

/// [`run_once`] on a script already parsed.
pub fn run_program(
    program: &Program<'_>,
    now: DateTime,
    files: &mut Files,
    overrides: &BTreeMap<String, String>,
) -> Run {
    let Some((tree, masked)) = &program.tree else {
        return Run::default();
    };
    let mut m = Machine::new(
        program.text,
        tree.root_node(),
        masked,
        files,
        overrides,
        now,
    );
    let _ = m.exec(tree.root_node());
    m.run
}

/// Why execution stops.
enum Stop {
    Exit,
}

type Flow = Result<Status, Stop>;

#[derive(Clone, Debug, Default)]
struct Status {
    code: i32,
    stdout: String,
}

impl Status {
    fn ok(stdout: String) -> Status {
        Status { code: 0, stdout }
    }
    fn code(code: i32) -> Status {
        Status {
            code,
            stdout: String::new(),
        }
    }
}

const MAX_STEPS: usize = 100_000;
/// Bytes a run may build into variables, files and captured output. A backup script builds a
/// few kilobytes; a value that doubles each loop would otherwise take the machine's memory.
pub const MAX_BUILT: usize = 64 << 20;
/// Nested function calls and command substitutions (bash's own limit is far higher, but a
/// script that nests this deep is stuck, and the host's stack must not be).
const MAX_DEPTH: usize = 64;

/// Variables cron and a login give every script (their values are unknown here).
const ENVIRONMENT: &[&str] = &[
    "HOME", "USER", "LOGNAME", "PATH", "PWD", "SHELL", "HOSTNAME",
];

struct Machine<'t, 'f> {
    src: &'t str,
    root: tree_sitter::Node<'t>,
    masked: &'t [MaskedPlaceholder],
    vars: HashMap<String, String>,
    funcs: HashMap<String, tree_sitter::Node<'t>>,
    files: &'f mut Files,
    overrides: &'f BTreeMap<String, String>,
    errexit: bool,
    nounset: bool,
    /// Why the last command failed (for a failure reported later, as an assignment's).
    last_error: Option<String>,
    /// The exit status of the last `$(…)` (an assignment's status under `set -e`).
    substitution_status: i32,
    /// Inside `$(…)` or a redirected block: printed lines are captured, not output.
    capture: usize,
    /// Inside an `if`/`while` condition or left of `&&`/`||`: failures do not stop the script.
    condition: usize,
    now: DateTime,
    positional: Vec<String>,
    /// Lines a `read` consumes (the innermost `< file`).
    stdin: Vec<std::collections::VecDeque<String>>,
    steps: usize,
    depth: usize,
    /// Bytes built so far (see `MAX_BUILT`): counted as values are stored, never decreased.
    built: usize,
    /// Values to put back, innermost last: a child shell's (`( … )`, `$( … )`, a pipeline's
    /// command, `… &`) when it ends, a function's `local`s when it returns. Each frame holds
    /// a variable's value before its first change there.
    undo: Vec<Undo>,
    run: Run,
}

/// What a child shell or a function call changes, to be put back when it ends.
#[derive(Default)]
struct Undo {
    /// A child shell (every change is undone) or a function call (only its `local`s).
    child_shell: bool,
    saved: Vec<(String, Option<String>)>,
    seen: std::collections::HashSet<String>,
    /// A child shell's `set -e` / `set -u` stay there too.
    flags: (bool, bool),
}

fn span(n: tree_sitter::Node<'_>) -> Span {
    Span::new(n.start_byte(), n.end_byte())
}

impl<'t, 'f> Machine<'t, 'f> {
    /// A shell at the start of a script: no variables, functions or options yet.
    fn new(
        src: &'t str,
        root: tree_sitter::Node<'t>,
        masked: &'t [MaskedPlaceholder],
        files: &'f mut Files,
        overrides: &'f BTreeMap<String, String>,
        now: DateTime,
    ) -> Self {
        Machine {
            src,
            root,
            masked,
            vars: HashMap::new(),
            funcs: HashMap::new(),
            files,
            overrides,
            errexit: false,
            nounset: false,
            substitution_status: 0,
            last_error: None,
            capture: 0,
            condition: 0,
            now,
            positional: Vec::new(),
            stdin: Vec::new(),
            steps: 0,
            depth: 0,
            built: 0,
            undo: Vec::new(),
            run: Run::default(),
        }
    }
}

impl<'t> Machine<'t, '_> {
    fn text(&self, n: tree_sitter::Node<'_>) -> &'t str {
        &self.src[n.byte_range()]
    }

    /// Counts `bytes` more built by `n`; stops the run past `MAX_BUILT`.
    fn build(&mut self, bytes: usize, n: tree_sitter::Node<'_>) -> Result<(), Stop> {
        self.built = self.built.saturating_add(bytes);
        if self.built > MAX_BUILT {
            self.run.failure = Some((
                format!(
                    "the run builds more than {} MB of values (a value that keeps growing?)",
                    MAX_BUILT >> 20
                ),
                span(n),
            ));
            return Err(Stop::Exit);
        }
        Ok(())
    }

    fn fail(&mut self, message: String, at: Span) -> Flow {
        self.run.failure = Some((message, at));
        Err(Stop::Exit)
    }

    /// After a command: a failure stops the script under `set -e` outside conditions.
    fn checked(&mut self, status: Status, n: tree_sitter::Node<'_>, what: &str) -> Flow {
        if status.code != 0 && self.last_error.is_none() {
            // The first, most specific reason (`< file: No such file`, not "`tail` failed").
            self.last_error = Some(what.to_string());
        }
        if status.code != 0 && self.errexit && self.condition == 0 {
            let message = format!("`set -e` stops the script: {what} (exit {})", status.code);
            return self.fail(message, span(n));
        }
        Ok(status)
    }

    fn exec(&mut self, n: tree_sitter::Node<'t>) -> Flow {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return self.fail(
                "the run takes too many steps (an endless loop?)".into(),
                span(n),
            );
        }
        if let Some(m) = self
            .masked
            .iter()
            .find(|m| {
                n.start_byte() <= m.span.start as usize && (m.span.end as usize) <= n.end_byte()
            })
            .filter(|_| {
                matches!(
                    n.kind(),
                    "variable_assignment" | "command" | "redirected_statement"
                )
            })
            .filter(|m| !self.overridden_at(n, m))
        {
            let message = format!(
                "bash stops with `syntax error near unexpected token 'newline'`: the placeholder `{}` is read as a redirection",
                m.text
            );
            let at = m.span;
            return self.fail(message, at);
        }
        match n.kind() {
            "program" | "compound_statement" | "do_group" | "else_clause" => self.block(n),
            "comment" => Ok(Status::default()),
            "function_definition" => {
                if let (Some(name), Some(body)) =
                    (n.child_by_field_name("name"), n.child_by_field_name("body"))
                {
                    self.funcs.insert(self.text(name).to_string(), body);
                }
                Ok(Status::default())
            }
            "variable_assignment" => {
                self.substitution_status = 0;
                self.last_error = None;
                self.assign(n)?;
                // `x=$(cmd)` has the status of `cmd`: `set -e` stops on it.
                let st = Status::code(self.substitution_status);
                let what = match (st.code, self.last_error.take()) {
                    (0, _) => String::new(),
                    (_, Some(why)) => format!("{why}, in `$(…)` of an assignment"),
                    (_, None) => "the `$(…)` of an assignment failed".to_string(),
                };
                self.checked(st, n, &what)
            }
            "declaration_command" => {
                let keyword = n.child(0).map_or("", |k| self.text(k));
                let mut c = n.walk();
                let kids: Vec<_> = n.named_children(&mut c).collect();
                // `local`, or `declare`/`typeset` in a function without `-g`: the call's own.
                let in_function = self.undo.iter().any(|f| !f.child_shell);
                let local = keyword == "local"
                    || (matches!(keyword, "declare" | "typeset")
                        && in_function
                        && !kids.iter().any(|k| {
                            k.kind() == "word" && {
                                let t = self.text(*k);
                                t.starts_with('-') && t.contains('g')
                            }
                        }));
                for k in kids {
                    let name = match k.kind() {
                        "variable_assignment" => k.child_by_field_name("name"),
                        "variable_name" => Some(k),
                        _ => None,
                    };
                    if local && let Some(name) = name {
                        let name = self.text(name);
                        self.make_local(name);
                        if k.kind() == "variable_name" {
                            // `local x`: set, empty.
                            self.set_var(name.to_string(), Some(String::new()));
                        }
                    }
                    if k.kind() == "variable_assignment" {
                        self.assign(k)?;
                    }
                }
                Ok(Status::default())
            }
            "unset_command" => {
                // The variables named lose their value (as the static reading has it).
                let mut c = n.walk();
                let names: Vec<String> = n
                    .named_children(&mut c)
                    .filter(|k| matches!(k.kind(), "variable_name" | "word"))
                    .map(|k| self.text(k).to_string())
                    .filter(|t| !t.starts_with('-'))
                    .collect();
                for name in names {
                    self.set_var(name, None);
                }
                Ok(Status::default())
            }
            "subshell" => {
                let st = self.in_child_shell(|m| m.block(n));
                // `exit` inside ends only the child shell.
                match st {
                    Err(Stop::Exit) if self.run.failure.is_none() => Ok(Status::default()),
                    other => other,
                }
            }
            "command" => {
                let st = self.command(n, &[])?;
                let st = self.emit(st);
                let name = n
                    .child_by_field_name("name")
                    .map_or("command", |x| self.text(x));
                let what = format!("`{name}` failed");
                self.checked(st, n, &what)
            }
            "redirected_statement" => self.redirected(n),
            "list" => self.list(n),
            "negated_command" => {
                self.condition += 1;
                let inner = n.named_child(0);
                let st = match inner {
                    Some(i) => self.exec(i),
                    None => Ok(Status::default()),
                };
                self.condition -= 1;
                let st = st?;
                Ok(Status::code(i32::from(st.code == 0)))
            }
            "pipeline" => {
                let mut c = n.walk();
                let kids: Vec<_> = n.named_children(&mut c).collect();
                let mut last = Status::default();
                let lastpipe = self.src.contains("lastpipe");
                let count = kids.len();
                for (i, k) in kids.into_iter().enumerate() {
                    // Each command of a pipeline runs in a child shell (bash's default; with
                    // `shopt -s lastpipe` the last one runs in this shell), as the static
                    // reading has it.
                    last = if i + 1 == count && lastpipe {
                        self.exec(k)?
                    } else {
                        self.in_child_shell(|m| m.exec(k))?
                    };
                }
                Ok(last)
            }
            "test_command" => {
                let inner = n.named_child(0);
                let ok = inner.is_none_or(|i| self.test(i));
                let st = Status::code(i32::from(!ok));
                self.checked(st, n, "a test failed")
            }
            "if_statement" => self.if_statement(n),
            "while_statement" | "until_statement" => self.while_loop(n),
            "for_statement" => self.for_loop(n),
            "case_statement" => self.case(n),
            _ => Ok(Status::default()),
        }
    }

    /// Whether the placeholder lies in an assignment the user's overrides replace.
    fn overridden_at(&self, n: tree_sitter::Node<'_>, _m: &MaskedPlaceholder) -> bool {
        let assignment = if n.kind() == "variable_assignment" {
            Some(n)
        } else {
            let mut c = n.walk();
            n.named_children(&mut c)
                .find(|k| k.kind() == "variable_assignment")
        };
        assignment
            .and_then(|a| a.child_by_field_name("name"))
            .is_some_and(|name| self.overrides.contains_key(self.text(name)))
    }

    /// Runs a block's statements; its output is all of theirs, its status the last one's.
    fn block(&mut self, n: tree_sitter::Node<'t>) -> Flow {
        let mut c = n.walk();
        let all: Vec<_> = n.children(&mut c).collect();
        let mut out = Status::default();
        for (i, &k) in all.iter().enumerate() {
            if !k.is_named() {
                continue;
            }
            // `… &`: run in the background, in a child shell (here, at once).
            let background = all.get(i + 1).is_some_and(|x| x.kind() == "&");
            let st = if background {
                self.in_child_shell(|m| m.exec(k))
            } else {
                self.exec(k)
            }?;
            out.code = st.code;
            self.build(st.stdout.len(), k)?;
            out.stdout.push_str(&st.stdout);
        }
        Ok(out)
    }

    /// Printed output that nothing captures goes to the run's output (cron's mail).
    fn emit(&mut self, mut st: Status) -> Status {
        if self.capture == 0 && !st.stdout.is_empty() {
            let text = std::mem::take(&mut st.stdout);
            self.run.output.extend(text.lines().map(str::to_string));
        }
        st
    }

    fn assign(&mut self, n: tree_sitter::Node<'t>) -> Result<(), Stop> {
        let Some(name) = n.child_by_field_name("name") else {
            return Ok(());
        };
        let name = self.text(name).to_string();
        let append = {
            let mut c = n.walk();
            n.children(&mut c).any(|k| k.kind() == "+=")
        };
        let value = match self.overrides.get(&name) {
            Some(v) => v.clone(),
            None => match n.child_by_field_name("value") {
                Some(v) => self.word(v)?,
                None => String::new(),
            },
        };
        self.build(value.len(), n)?;
        let value = if append {
            let mut v = self.vars.get(&name).cloned().unwrap_or_default();
            v.push_str(&value);
            v
        } else {
            value
        };
        self.set_var(name, Some(value));
        Ok(())
    }

    /// Sets (or with `None` unsets) a variable, remembering the value before for the child
    /// shell it is set in.
    fn set_var(&mut self, name: String, value: Option<String>) {
        if let Some(frame) = self.undo.iter_mut().rev().find(|f| f.child_shell)
            && frame.seen.insert(name.clone())
        {
            frame
                .saved
                .push((name.clone(), self.vars.get(&name).cloned()));
        }
        match value {
            Some(v) => self.vars.insert(name, v),
            None => self.vars.remove(&name),
        };
    }

    /// `local name`: the function call's own from here; its value before comes back when the
    /// call returns.
    fn make_local(&mut self, name: &str) {
        if let Some(frame) = self.undo.iter_mut().rev().find(|f| !f.child_shell)
            && frame.seen.insert(name.to_string())
        {
            frame
                .saved
                .push((name.to_string(), self.vars.get(name).cloned()));
        }
    }

    /// Runs `f` in a child shell: what it assigns (and `set -e`/`-u`) is put back after.
    fn in_child_shell<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.undo.push(Undo {
            child_shell: true,
            flags: (self.errexit, self.nounset),
            ..Undo::default()
        });
        let out = f(self);
        self.restore();
        out
    }

    /// Pops the innermost undo frame and puts its values back.
    fn restore(&mut self) {
        let Some(frame) = self.undo.pop() else {
            return;
        };
        if frame.child_shell {
            (self.errexit, self.nounset) = frame.flags;
        }
        for (name, value) in frame.saved.into_iter().rev() {
            // Straight to the map: the values are this frame's, not the outer shell's change.
            match value {
                Some(v) => self.vars.insert(name, v),
                None => self.vars.remove(&name),
            };
        }
    }

    // -----------------------------------------------------------------------------------------
    // Words

    /// A word's value (one field).
    fn word(&mut self, n: tree_sitter::Node<'t>) -> Result<String, Stop> {
        let w = read_word(self.src, n);
        let mut out = String::new();
        for p in &w.parts {
            match p {
                WordPart::Literal { text, .. } => out.push_str(text),
                WordPart::Variable {
                    name,
                    default,
                    complex,
                    ..
                } => {
                    let value = self.vars.get(name).cloned();
                    match (value, default) {
                        (Some(v), _) if !v.is_empty() || default.is_none() => out.push_str(&v),
                        (_, Some(_)) if !*complex => {
                            // `${x:-default}`: read the default from the source.
                            if let Some(d) = default {
                                let node = self.root.descendant_for_byte_range(
                                    d.span.start as usize,
                                    d.span.end as usize,
                                );
                                if let Some(node) = node {
                                    out.push_str(&self.word(node)?);
                                }
                            }
                        }
                        (None, _) if self.nounset && !ENVIRONMENT.contains(&name.as_str()) => {
                            let message =
                                format!("`set -u` stops the script: `${name}` is not set");
                            let at = w.span;
                            self.run.failure = Some((message, at));
                            return Err(Stop::Exit);
                        }
                        (None, _) if ENVIRONMENT.contains(&name.as_str()) => {
                            out.push_str(&format!("<{name}>"));
                        }
                        _ => {}
                    }
                }
                WordPart::Positional { index, .. } => {
                    if *index == 0 {
                        out.push_str(&self.positional.join(" "));
                    } else if let Some(v) = self.positional.get(index - 1) {
                        out.push_str(v);
                    }
                }
                WordPart::Substitution { host, date } => match date {
                    Some(call) => {
                        let printed = date::format(&call.format, &self.now);
                        self.run.dates.push(DatePrinted {
                            format: call.format.clone(),
                            printed: printed.clone(),
                            at: *host,
                        });
                        out.push_str(&printed);
                    }
                    None => {
                        let node = self
                            .root
                            .descendant_for_byte_range(host.start as usize, host.end as usize);
                        if let Some(node) = node.filter(|x| x.kind() == "command_substitution") {
                            if self.depth >= MAX_DEPTH {
                                self.run.failure =
                                    Some(("command substitutions nest too deeply".into(), *host));
                                return Err(Stop::Exit);
                            }
                            self.condition += 1;
                            self.capture += 1;
                            self.depth += 1;
                            let st = self.in_child_shell(|m| m.block(node));
                            self.depth -= 1;
                            self.capture -= 1;
                            self.condition -= 1;
                            let st = st?;
                            self.substitution_status = st.code;
                            out.push_str(st.stdout.trim_end_matches('\n'));
                        }
                    }
                },
            }
        }
        Ok(out)
    }

    /// A command's arguments: unquoted expansions split into fields.
    fn fields(&mut self, n: tree_sitter::Node<'t>) -> Result<Vec<String>, Stop> {
        let value = self.word(n)?;
        Ok(match n.kind() {
            "simple_expansion" | "expansion" | "command_substitution" => {
                value.split_whitespace().map(str::to_string).collect()
            }
            _ => vec![value],
        })
    }

    // -----------------------------------------------------------------------------------------
    // Commands

    fn command(&mut self, n: tree_sitter::Node<'t>, redirects: &[tree_sitter::Node<'t>]) -> Flow {
        let mut args = Vec::new();
        let mut name = None;
        let mut assignments = Vec::new();
        let mut herestring = None;
        let mut c = n.walk();
        let kids: Vec<_> = n.children(&mut c).collect();
        for k in kids {
            match k.kind() {
                "variable_assignment" => assignments.push(k),
                "command_name" => {
                    if let Some(w) = k.named_child(0) {
                        name = Some(self.word(w)?);
                    }
                }
                "herestring_redirect" => {
                    if let Some(w) = k.named_child(0) {
                        herestring = Some(self.word(w)?);
                    }
                }
                _ if k.is_named() && k.kind() != "comment" && !k.kind().ends_with("redirect") => {
                    args.extend(self.fields(k)?);
                }
                _ => {}
            }
        }
        let Some(name) = name else {
            for a in assignments {
                self.assign(a)?;
            }
            return Ok(Status::default());
        };
        // Input redirections and heredocs: what the command reads.
        let mut input: Option<String> = herestring;
        let mut outputs: Vec<(String, bool)> = Vec::new();
        for r in redirects {
            match r.kind() {
                "file_redirect" => {
                    let op = self.redirect_op(*r);
                    let Some(target) = r
                        .named_children(&mut r.walk())
                        .find(|k| k.kind() != "file_descriptor")
                    else {
                        continue;
                    };
                    let path = self.word(target)?;
                    match op {
                        "<" => match self.files.get(&path) {
                            Some(content) => input = Some(content.clone()),
                            None => {
                                let st = Status::code(1);
                                let what = format!("`< {path}`: No such file or directory");
                                return self.checked(st, *r, &what);
                            }
                        },
                        ">" | ">|" | "&>" => outputs.push((path, false)),
                        ">>" => outputs.push((path, true)),
                        _ => {}
                    }
                }
                "heredoc_redirect" => {
                    let mut c = r.walk();
                    let body = r.children(&mut c).find(|k| k.kind() == "heredoc_body");
                    if let Some(b) = body {
                        input = Some(self.word(b)?);
                    }
                }
                "herestring_redirect" => {
                    if let Some(w) = r.named_child(0) {
                        input = Some(self.word(w)?);
                    }
                }
                _ => {}
            }
        }
        // `sudo -u crdb docker exec -i crdb cockroach sql …` runs `cockroach sql …`.
        let (name, args) = unwrapped(name, args);
        let base = name.rsplit('/').next().unwrap_or(&name).to_string();
        // A script handed to a shell (`bash -c '…'`, `ssh host '…'`, `bash <<EOF`) runs too;
        // what it sends is shown at this command.
        let handed = {
            use super::prefix::{Inner, inner};
            let refs: Vec<Option<&str>> = args.iter().map(|a| Some(a.as_str())).collect();
            match inner(&name, &refs) {
                Some(Inner::Script(r)) if r.end <= args.len() => Some(args[r].join(" ")),
                Some(Inner::StdinScript) => input.clone(),
                _ => None,
            }
        };
        let st = match handed {
            Some(script) => self.handed(&script, n)?,
            None => self.builtin(&base, &args, input.as_deref(), n)?,
        };
        let mut st = st;
        for (path, append) in outputs {
            let content = std::mem::take(&mut st.stdout);
            self.build(content.len(), n)?;
            if append {
                self.files.entry(path).or_default().push_str(&content);
            } else {
                self.files.insert(path, content);
            }
        }
        Ok(st)
    }

    fn builtin(
        &mut self,
        name: &str,
        args: &[String],
        input: Option<&str>,
        n: tree_sitter::Node<'t>,
    ) -> Flow {
        Ok(match name {
            "set" => {
                for a in args {
                    if a.starts_with('-') && !a.starts_with("--") && a.contains('e') {
                        self.errexit = true;
                    }
                    if a.starts_with('-') && !a.starts_with("--") && a.contains('u')
                        || a == "nounset"
                    {
                        self.nounset = true;
                    }
                    if a.starts_with('+') && a.contains('e') {
                        self.errexit = false;
                    }
                    if a == "errexit" {
                        self.errexit = true;
                    }
                }
                Status::default()
            }
            "echo" => {
                let (newline, words) = match args.first().map(String::as_str) {
                    Some("-n") => (false, &args[1..]),
                    _ => (true, args),
                };
                let mut line = words.join(" ");
                if newline {
                    line.push('\n');
                }
                Status::ok(line)
            }
            "printf" => match args.first().map(String::as_str) {
                // `printf -v name FORMAT ARG…`: the text goes to `name`.
                Some("-v") if args.len() >= 3 => {
                    let text = printf(&args[2], &args[3..]);
                    self.build(text.len(), n)?;
                    self.set_var(args[1].clone(), Some(text));
                    Status::default()
                }
                Some(format) => Status::ok(printf(format, &args[1..])),
                None => Status::code(2),
            },
            ":" | "true" | "cd" | "mkdir" | "chmod" | "logger" | "sleep" | "export" => {
                Status::default()
            }
            "false" => Status::code(1),
            "exit" => {
                let code: i32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(0);
                if code != 0 {
                    return self.fail(format!("the script exits with status {code}"), span(n));
                }
                return Err(Stop::Exit);
            }
            "touch" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    self.files.entry(a.clone()).or_default();
                }
                Status::default()
            }
            "rm" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    self.files.remove(a);
                }
                Status::default()
            }
            "cat" | "tail" | "head" => {
                let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
                let mut content = String::new();
                if files.is_empty() {
                    content.push_str(input.unwrap_or(""));
                }
                for f in files {
                    match self.files.get(f.as_str()) {
                        Some(c) => content.push_str(c),
                        None => {
                            let what = format!("`{name} {f}`: No such file or directory");
                            return self.checked(Status::code(1), n, &what);
                        }
                    }
                }
                let lines: Vec<&str> = content.lines().collect();
                let count = args
                    .iter()
                    .find_map(|a| {
                        a.strip_prefix('-')
                            .and_then(|x| x.trim_start_matches('n').parse::<usize>().ok())
                    })
                    .unwrap_or(10);
                let picked: Vec<&str> = match name {
                    "tail" => lines[lines.len().saturating_sub(count)..].to_vec(),
                    "head" => lines.iter().take(count).copied().collect(),
                    _ => lines,
                };
                let mut out = picked.join("\n");
                if !out.is_empty() {
                    out.push('\n');
                }
                Status::ok(out)
            }
            "read" => {
                // `read [-r] [-d DELIM] [-p PROMPT] … NAME…`: the fields of one line, the last
                // name taking the rest; `-d ''` reads the whole input (a heredoc).
                let mut names = Vec::new();
                let mut whole = false;
                let mut i = 0;
                while i < args.len() {
                    let a = args[i].as_str();
                    if a.starts_with('-') && a.len() > 1 {
                        let last = a.chars().last().unwrap_or('-');
                        if matches!(last, 'd' | 'p' | 't' | 'n' | 'N' | 'u' | 'a' | 'i') {
                            if last == 'd' && args.get(i + 1).is_some_and(String::is_empty) {
                                whole = true;
                            }
                            i += 1;
                        }
                    } else {
                        names.push(a.to_string());
                    }
                    i += 1;
                }
                if names.is_empty() {
                    names.push("REPLY".into());
                }
                let text = if whole && self.stdin.is_empty() {
                    input.map(str::to_string)
                } else if whole {
                    let rest: Vec<String> = self
                        .stdin
                        .last_mut()
                        .map(|q| q.drain(..).collect())
                        .unwrap_or_default();
                    (!rest.is_empty()).then(|| rest.join("\n"))
                } else {
                    self.stdin
                        .last_mut()
                        .and_then(|q| q.pop_front())
                        .or_else(|| input.and_then(|t| t.lines().next()).map(str::to_string))
                };
                match text {
                    Some(line) => {
                        let mut rest = line.trim();
                        let count = names.len();
                        for (k, name) in names.into_iter().enumerate() {
                            let value = if k + 1 == count {
                                std::mem::take(&mut rest).to_string()
                            } else {
                                let (field, tail) =
                                    rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                                rest = tail.trim_start();
                                field.to_string()
                            };
                            self.set_var(name, Some(value));
                        }
                        // `read -d ''` ends at the end of its input: status 1, value set.
                        Status::code(i32::from(whole))
                    }
                    None => Status::code(1),
                }
            }
            "date" => match args.iter().find_map(|a| a.strip_prefix('+')) {
                Some(fmt) => Status::ok(format!("{}\n", date::format(fmt, &self.now))),
                None => Status::ok(format!(
                    "{}\n",
                    date::format("%a %b %e %H:%M:%S UTC %Y", &self.now)
                )),
            },
            "test" | "[" => Status::code(i32::from(!self.test_args(args))),
            "cockroach" if args.first().map(String::as_str) == Some("sql") => {
                self.client(args, input, &["-e", "--execute"], n)
            }
            "psql" => self.client(args, input, &["-c", "--command"], n),
            _ => match self.funcs.get(name).copied() {
                Some(body) => {
                    if self.depth >= MAX_DEPTH {
                        return self.fail(
                            format!("`{name}` calls itself too deeply (an endless recursion?)"),
                            span(n),
                        );
                    }
                    let saved = std::mem::replace(&mut self.positional, args.to_vec());
                    self.depth += 1;
                    self.undo.push(Undo::default());
                    let st = self.exec(body);
                    self.restore();
                    self.depth -= 1;
                    self.positional = saved;
                    st?
                }
                None => Status::default(),
            },
        })
    }

    /// A script handed to a shell, run by a child shell: it sees the variables and files, its
    /// own assignments stay its own, and what it sends, prints and fails on is reported at
    /// `n`, the command that hands it over.
    fn handed(&mut self, script: &str, n: tree_sitter::Node<'t>) -> Flow {
        if self.depth >= MAX_DEPTH {
            return self.fail(
                "scripts handed to shells nest too deeply".to_string(),
                span(n),
            );
        }
        let Some((tree, masked)) = parse_tree(script) else {
            return Ok(Status::default());
        };
        let mut child = Machine {
            vars: self.vars.clone(),
            steps: self.steps,
            depth: self.depth + 1,
            built: self.built,
            ..Machine::new(
                script,
                tree.root_node(),
                &masked,
                &mut *self.files,
                self.overrides,
                self.now,
            )
        };
        let _ = child.exec(tree.root_node());
        let (steps, built, run) = (child.steps, child.built, child.run);
        self.steps = steps;
        self.built = built;
        let at = span(n);
        self.run
            .sent
            .extend(run.sent.into_iter().map(|s| Sent { sql: s.sql, at }));
        self.run.output.extend(run.output);
        self.run
            .dates
            .extend(run.dates.into_iter().map(|d| DatePrinted { at, ..d }));
        match run.failure {
            Some((why, _)) => {
                let what = format!("the script it hands to a shell fails ({why})");
                self.checked(Status::code(1), n, &what)
            }
            None => Ok(Status::default()),
        }
    }

    /// `cockroach sql -e …` / `psql -c …` / heredoc: records the SQL.
    fn client(
        &mut self,
        args: &[String],
        input: Option<&str>,
        flags: &[&str],
        n: tree_sitter::Node<'_>,
    ) -> Status {
        let mut i = 0;
        let mut sent = false;
        while i < args.len() {
            let a = &args[i];
            if flags.contains(&a.as_str()) {
                if let Some(sql) = args.get(i + 1) {
                    self.run.sent.push(Sent {
                        sql: sql.clone(),
                        at: span(n),
                    });
                    sent = true;
                }
                i += 2;
                continue;
            }
            if let Some(sql) = flags.iter().find_map(|f| a.strip_prefix(&format!("{f}="))) {
                self.run.sent.push(Sent {
                    sql: sql.to_string(),
                    at: span(n),
                });
                sent = true;
            }
            i += 1;
        }
        if !sent && let Some(sql) = input {
            self.run.sent.push(Sent {
                sql: sql.to_string(),
                at: span(n),
            });
        }
        Status::default()
    }

    /// A file redirect's operator (`<`, `>`, `>>` …).
    fn redirect_op(&self, r: tree_sitter::Node<'_>) -> &'t str {
        let mut c = r.walk();
        r.children(&mut c)
            .find(|k| !k.is_named())
            .map_or("", |k| self.text(k))
    }

    fn redirected(&mut self, n: tree_sitter::Node<'t>) -> Flow {
        let mut c = n.walk();
        let redirects: Vec<_> = n.children_by_field_name("redirect", &mut c).collect();
        let Some(body) = n.child_by_field_name("body") else {
            return Ok(Status::default());
        };
        if body.kind() == "command" {
            let st = self.command(body, &redirects)?;
            let st = self.emit(st);
            let name = body
                .child_by_field_name("name")
                .map_or("command", |x| self.text(x));
            let what = format!("`{name}` failed");
            return self.checked(st, n, &what);
        }
        // A compound statement with redirects: `while read …; done < "$file"`, `{ …; } > f`.
        let mut input = None;
        let mut output: Option<(String, bool)> = None;
        for r in &redirects {
            if r.kind() != "file_redirect" {
                continue;
            }
            let op = self.redirect_op(*r);
            let Some(target) = r.named_child(0) else {
                continue;
            };
            let path = self.word(target)?;
            match op {
                "<" => match self.files.get(&path) {
                    Some(content) => input = Some(content.clone()),
                    None => {
                        let what = format!("`< {path}`: No such file or directory");
                        return self.checked(Status::code(1), *r, &what);
                    }
                },
                ">" => output = Some((path, false)),
                ">>" => output = Some((path, true)),
                _ => {}
            }
        }
        if let Some(content) = &input {
            self.stdin
                .push(content.lines().map(str::to_string).collect());
        }
        if output.is_some() {
            self.capture += 1;
        }
        let st = self.exec(body);
        if output.is_some() {
            self.capture -= 1;
        }
        if input.is_some() {
            self.stdin.pop();
        }
        let mut st = st?;
        if let Some((path, append)) = output {
            let content = std::mem::take(&mut st.stdout);
            self.build(content.len(), n)?;
            if append {
                self.files.entry(path).or_default().push_str(&content);
            } else {
                self.files.insert(path, content);
            }
        }
        Ok(st)
    }

    fn list(&mut self, n: tree_sitter::Node<'t>) -> Flow {
        let (Some(left), Some(right)) = (n.named_child(0), n.named_child(1)) else {
            return Ok(Status::default());
        };
        let op = {
            let mut c = n.walk();
            let op = n
                .children(&mut c)
                .find(|k| matches!(k.kind(), "&&" | "||"))
                .map(|k| k.kind());
            op.unwrap_or("&&")
        };
        self.condition += 1;
        let l = self.exec(left);
        self.condition -= 1;
        let l = l?;
        let run_right = (op == "&&") == (l.code == 0);
        if run_right { self.exec(right) } else { Ok(l) }
    }

    /// Runs the statements of a condition (`if …; then`, `while …; do`): failures there do not
    /// stop the script. Its status is the last statement's.
    fn condition_of(&mut self, nodes: &[tree_sitter::Node<'t>]) -> Flow {
        self.condition += 1;
        let mut st = Ok(Status::default());
        for n in nodes.iter().filter(|n| n.is_named()) {
            st = self.exec(*n);
            if st.is_err() {
                break;
            }
        }
        self.condition -= 1;
        st
    }

    fn if_statement(&mut self, n: tree_sitter::Node<'t>) -> Flow {
        let mut c = n.walk();
        let kids: Vec<_> = n.children(&mut c).collect();
        // The condition: everything before `then`.
        let then = kids
            .iter()
            .position(|k| k.kind() == "then")
            .unwrap_or(kids.len());
        let cond = self.condition_of(&kids[..then])?;
        let mut i = then + 1;
        if cond.code == 0 {
            let mut last = Status::default();
            while i < kids.len() && !matches!(kids[i].kind(), "elif_clause" | "else_clause" | "fi")
            {
                if kids[i].is_named() {
                    last = self.exec(kids[i])?;
                }
                i += 1;
            }
            return Ok(last);
        }
        for k in &kids[i..] {
            match k.kind() {
                "elif_clause" => {
                    let mut c = k.walk();
                    let parts: Vec<_> = k.children(&mut c).collect();
                    let then = parts
                        .iter()
                        .position(|p| p.kind() == "then")
                        .unwrap_or(parts.len());
                    let cond = self.condition_of(&parts[..then])?;
                    if cond.code == 0 {
                        let mut last = Status::default();
                        for p in &parts[then..] {
                            if p.is_named() {
                                last = self.exec(*p)?;
                            }
                        }
                        return Ok(last);
                    }
                }
                "else_clause" => return self.exec(*k),
                _ => {}
            }
        }
        Ok(Status::default())
    }

    fn while_loop(&mut self, n: tree_sitter::Node<'t>) -> Flow {
        let until = n.kind() == "until_statement";
        let Some(body) = n.child_by_field_name("body") else {
            return Ok(Status::default());
        };
        // The condition: the statements between `while` and the body.
        let cond: Vec<_> = {
            let mut c = n.walk();
            n.named_children(&mut c)
                .filter(|k| k.id() != body.id() && k.kind() != "comment")
                .collect()
        };
        loop {
            let st = self.condition_of(&cond)?;
            if (st.code == 0) == until {
                return Ok(Status::default());
            }
            self.exec(body)?;
        }
    }

    fn for_loop(&mut self, n: tree_sitter::Node<'t>) -> Flow {
        let (Some(var), Some(body)) = (
            n.child_by_field_name("variable"),
            n.child_by_field_name("body"),
        ) else {
            return Ok(Status::default());
        };
        let var = self.text(var).to_string();
        let values: Vec<_> = {
            let mut c = n.walk();
            n.children_by_field_name("value", &mut c).collect()
        };
        let mut items = Vec::new();
        for v in values {
            items.extend(self.fields(v)?);
        }
        let mut last = Status::default();
        for item in items {
            self.set_var(var.clone(), Some(item));
            last = self.exec(body)?;
        }
        Ok(last)
    }

    fn case(&mut self, n: tree_sitter::Node<'t>) -> Flow {
        let Some(value) = n.child_by_field_name("value") else {
            return Ok(Status::default());
        };
        let value = self.word(value)?;
        let mut c = n.walk();
        let items: Vec<_> = n
            .named_children(&mut c)
            .filter(|k| k.kind() == "case_item")
            .collect();
        for item in items {
            let mut c = item.walk();
            let patterns: Vec<_> = item.children_by_field_name("value", &mut c).collect();
            let mut hit = false;
            for p in patterns {
                let pat = self.word(p)?;
                hit |= pat == "*" || pat == value || glob(&pat, &value);
            }
            if hit {
                let mut c = item.walk();
                let body: Vec<_> = item
                    .named_children(&mut c)
                    .filter(|k| {
                        !matches!(
                            k.kind(),
                            "word" | "concatenation" | "string" | "raw_string" | "extglob_pattern"
                        )
                    })
                    .collect();
                let mut last = Status::default();
                for b in body {
                    last = self.exec(b)?;
                }
                return Ok(last);
            }
        }
        Ok(Status::default())
    }

    // -----------------------------------------------------------------------------------------
    // Tests

    fn test(&mut self, n: tree_sitter::Node<'t>) -> bool {
        match n.kind() {
            "binary_expression" => {
                let (Some(l), Some(op), Some(r)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("operator"),
                    n.child_by_field_name("right"),
                ) else {
                    return false;
                };
                let op = self.text(op);
                match op {
                    "||" => self.test(l) || self.test(r),
                    "&&" => self.test(l) && self.test(r),
                    _ => {
                        let Ok(a) = self.word(l) else { return false };
                        // tree-sitter-bash reads `a = b || c` as `a = (b || c)`: bash compares
                        // first.
                        if r.kind() == "binary_expression"
                            && let (Some(rl), Some(rop), Some(rr)) = (
                                r.child_by_field_name("left"),
                                r.child_by_field_name("operator"),
                                r.child_by_field_name("right"),
                            )
                            && matches!(self.text(rop), "||" | "&&")
                        {
                            let b = self.word(rl).unwrap_or_default();
                            let first = compare(&a, op, &b);
                            return if self.text(rop) == "||" {
                                first || self.test(rr)
                            } else {
                                first && self.test(rr)
                            };
                        }
                        let Ok(b) = self.word(r) else { return false };
                        compare(&a, op, &b)
                    }
                }
            }
            "unary_expression" => {
                let mut c = n.walk();
                let kids: Vec<_> = n.children(&mut c).collect();
                match kids.as_slice() {
                    [bang, inner] if self.text(*bang) == "!" => !self.test(*inner),
                    [op, operand] => {
                        let op = self.text(*op).to_string();
                        let v = self.word(*operand).unwrap_or_default();
                        unary(&op, &v, self.files)
                    }
                    _ => false,
                }
            }
            "parenthesized_expression" => n.named_child(0).is_some_and(|i| self.test(i)),
            _ => self.word(n).is_ok_and(|v| !v.is_empty()),
        }
    }

    fn test_args(&mut self, args: &[String]) -> bool {
        let args: Vec<&str> = args
            .iter()
            .map(String::as_str)
            .filter(|a| *a != "]")
            .collect();
        match args.as_slice() {
            [] => false,
            ["!", rest @ ..] => {
                !self.test_args(&rest.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            }
            [v] => !v.is_empty(),
            [op, v] => unary(op, v, self.files),
            [a, op, b] => compare(a, op, b),
            _ => false,
        }
    }
}

fn compare(a: &str, op: &str, b: &str) -> bool {
    match op {
        "=" | "==" => a == b || glob(b, a),
        "!=" => a != b,
        "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" => {
            let (Ok(x), Ok(y)) = (a.trim().parse::<i64>(), b.trim().parse::<i64>()) else {
                return false;
            };
            match op {
                "-eq" => x == y,
                "-ne" => x != y,
                "-lt" => x < y,
                "-le" => x <= y,
                "-gt" => x > y,
                _ => x >= y,
            }
        }
        _ => false,
    }
}

fn unary(op: &str, v: &str, files: &Files) -> bool {
    match op {
        "-z" => v.is_empty(),
        "-n" => !v.is_empty(),
        "-f" | "-e" | "-r" | "-a" => files.contains_key(v),
        "-s" => files.get(v).is_some_and(|c| !c.is_empty()),
        _ => false,
    }
}

/// Shell pattern matching for `*` and `?` (enough for `case` and `[[ x == y* ]]`).
fn glob(pattern: &str, value: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return false;
    }
    fn go(p: &[char], v: &[char]) -> bool {
        match p.split_first() {
            None => v.is_empty(),
            Some(('*', rest)) => (0..=v.len()).any(|i| go(rest, &v[i..])),
            Some(('?', rest)) => !v.is_empty() && go(rest, &v[1..]),
            Some((c, rest)) => v.first() == Some(c) && go(rest, &v[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    go(&p, &v)
}

/// `printf FORMAT ARG…`: `%s`, `%d`, `%%` and the escapes `\n`, `\t`, `\\`; the format is
/// reused while arguments remain, as printf does.
fn printf(format: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    loop {
        let mut used = false;
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('\\') => out.push('\\'),
                    Some(other) => {
                        out.push('\\');
                        out.push(other);
                    }
                    None => out.push('\\'),
                },
                '%' => match chars.next() {
                    Some('%') => out.push('%'),
                    Some('s' | 'd' | 'i' | 'q') => {
                        used = true;
                        out.push_str(args.next().map_or("", String::as_str));
                    }
                    Some(other) => {
                        out.push('%');
                        out.push(other);
                    }
                    None => out.push('%'),
                },
                _ => out.push(c),
            }
        }
        if !used || args.len() == 0 {
            return out;
        }
    }
}

/// The command a wrapper runs in turn (`sudo`, `docker exec`, `kubectl exec … --`, see
/// `prefix`); a script handed to a shell is run by `Machine::handed`.
fn unwrapped(mut name: String, mut args: Vec<String>) -> (String, Vec<String>) {
    use super::prefix::{Inner, inner};
    for _ in 0..16 {
        let refs: Vec<Option<&str>> = args.iter().map(|a| Some(a.as_str())).collect();
        match inner(&name, &refs) {
            Some(Inner::Argv(i)) if i < args.len() => {
                let rest = args.split_off(i + 1);
                name = args.pop().unwrap_or_default();
                args = rest;
            }
            Some(Inner::Cockroach(i)) if i <= args.len() => {
                name = "cockroach".into();
                args = args.split_off(i);
            }
            _ => break,
        }
    }
    (name, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32) -> DateTime {
        DateTime::new(y, m, d, 2, 30, 0).unwrap()
    }

    /// The SQL a run sends, and the SQL the static reading finds, for the same script.
    fn both(script: &str) -> (Vec<String>, Vec<String>) {
        let r = run_once(
            script,
            DateTime::new(2026, 1, 6, 2, 30, 0).unwrap(),
            &mut Files::new(),
            &BTreeMap::new(),
        );
        let ran = r.sent.iter().map(|s| s.sql.trim().to_string()).collect();
        let parsed = super::super::Script::parse(script);
        let found = super::super::extract::extract(&parsed, &[])
            .snippets
            .iter()
            .map(|s| s.sql.text.trim().to_string())
            .collect();
        (ran, found)
    }

    #[test]
    fn values_follow_the_same_rules_as_the_static_reading() {
        // Child shells keep their assignments; `printf -v`, `+=`, `local`, `export`,
        // `declare`, `read -d ''` and `unset` as bash has them. The run and the static
        // reading send the same SQL.
        let cases: &[(&str, &[&str])] = &[
            (
                "d=a\n( d=b; export d=b2 )\necho x | read -r d\nn=$(d=c; echo 1)\n{ d=e; } &\ncockroach sql -e \"SELECT '$d'\"\n",
                &["SELECT 'a'"],
            ),
            (
                "printf -v q \"BACKUP INTO '%s'\" \"s3://b/p\"\nq+=\" WITH detached\"\ncockroach sql -e \"$q\"\n",
                &["BACKUP INTO 's3://b/p' WITH detached"],
            ),
            (
                "d=a\nf() { local d=z; declare e=y; export g=1; }\nf\ncockroach sql -e \"SELECT '$d'\"\n",
                &["SELECT 'a'"],
            ),
            (
                "read -r -d '' Q <<'EOF' || true\nSHOW BACKUPS IN 's3://b'\nEOF\ncockroach sql -e \"$Q\"\n",
                &["SHOW BACKUPS IN 's3://b'"],
            ),
            (
                "export D='s3://b/x'\ndeclare -r E=\"$D/y\"\ncockroach sql -e \"BACKUP INTO '$E'\"\n",
                &["BACKUP INTO 's3://b/x/y'"],
            ),
        ];
        for (script, want) in cases {
            let (ran, found) = both(script);
            assert_eq!(ran, *want, "run: {script}");
            assert_eq!(found, *want, "static: {script}");
        }
        // `unset` and `read a b`: the run knows the values the static reading leaves unknown.
        let (ran, _) = both(
            "d=a\nunset d\nread -r x y <<< \"one two three\"\ncockroach sql -e \"SELECT '${d:-none}', '$x', '$y'\"\n",
        );
        assert_eq!(ran, ["SELECT 'none', 'one', 'two three'"]);
        // `printf` formats: `%s`, `%d`, `%%`, `\n`, the format reused for extra arguments.
        assert_eq!(printf("%s=%d%%\\n", &["a".into(), "5".into()]), "a=5%\n");
        assert_eq!(printf("<%s>", &["a".into(), "b".into()]), "<a><b>");
    }

    #[test]
    fn runs_the_docs_chain_logic() {
        let script = "#!/bin/bash\nset -euo pipefail\nfull_day=\"Sunday\"\nrecent=state.txt\nrunsql() { cockroach sql --insecure -e \"$1\"; }\ndestination=\"s3://b/$(date +%Y%m%d)\"\nprev=\nwhile read -r line; do\n    [[ \"$prev\" ]] && prev+=\", \"\n    prev+=\"'$line'\"\ndone < \"$recent\"\nif [[ \"$(LC_ALL=C date +%A)\" = \"$full_day\" || ! \"$prev\" ]]; then\n    runsql \"BACKUP TO '$destination'\"\n    echo \"$destination\" > \"$recent\"\nelse\n    runsql \"BACKUP TO '$destination-inc' INCREMENTAL FROM $prev\"\n    echo \"$destination-inc\" >> \"$recent\"\nfi\necho \"backed up to ${destination}\"\n";
        let mut files = Files::new();
        let none = BTreeMap::new();
        // No state file: the first run stops at the redirection.
        let r = run_once(script, at(2024, 12, 21), &mut files, &none);
        assert!(
            r.failure.as_ref().unwrap().0.contains("No such file"),
            "{r:?}"
        );
        assert!(r.sent.is_empty());
        files.insert("state.txt".into(), String::new());
        let r = run_once(script, at(2024, 12, 21), &mut files, &none);
        assert_eq!(r.sent[0].sql, "BACKUP TO 's3://b/20241221'");
        let r = run_once(script, at(2024, 12, 23), &mut files, &none);
        assert_eq!(
            r.sent[0].sql,
            "BACKUP TO 's3://b/20241223-inc' INCREMENTAL FROM 's3://b/20241221'"
        );
        let r = run_once(script, at(2024, 12, 24), &mut files, &none);
        assert_eq!(
            r.sent[0].sql,
            "BACKUP TO 's3://b/20241224-inc' INCREMENTAL FROM 's3://b/20241221', 's3://b/20241223-inc'"
        );
        assert_eq!(r.output, ["backed up to s3://b/20241224"]);
        // Sunday: a new full backup, the state file starts again.
        let r = run_once(script, at(2024, 12, 29), &mut files, &none);
        assert_eq!(r.sent[0].sql, "BACKUP TO 's3://b/20241229'");
        assert_eq!(files["state.txt"], "s3://b/20241229\n");
    }

    #[test]
    fn endless_loops_and_recursion_stop() {
        let mut files = Files::new();
        let none = BTreeMap::new();
        let r = run_once("f() { f; }\nf\n", at(2025, 1, 1), &mut files, &none);
        assert!(r.failure.unwrap().0.contains("too deeply"));
        let r = run_once(
            "while true; do :; done\n",
            at(2025, 1, 1),
            &mut files,
            &none,
        );
        assert!(r.failure.unwrap().0.contains("too many steps"));
        // A value that doubles each turn stops at the bound, not at the machine's memory.
        for script in [
            "x=a\nwhile true; do x=\"$x$x\"; done\n",
            "x=a\nwhile true; do x=$(echo \"$x$x\"); done\n",
            "echo a > f\nwhile true; do cat f f > g; cat g > f; done\n",
        ] {
            let r = run_once(script, at(2025, 1, 1), &mut Files::new(), &none);
            let failure = r.failure.unwrap().0;
            assert!(failure.contains("more than 64 MB"), "{script}: {failure}");
        }
    }

    #[test]
    fn placeholders_stop_bash_unless_filled_in() {
        let script = "#!/bin/bash\nx=<value here>\ncockroach sql -e \"SELECT '$x'\"\n";
        let mut files = Files::new();
        let r = run_once(script, at(2025, 1, 1), &mut files, &BTreeMap::new());
        assert!(r.failure.unwrap().0.contains("syntax error"));
        let mut set = BTreeMap::new();
        set.insert("x".to_string(), "v".to_string());
        let r = run_once(script, at(2025, 1, 1), &mut files, &set);
        assert_eq!(r.sent[0].sql, "SELECT 'v'");
    }
}
