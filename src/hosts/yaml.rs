//! YAML files where backups run: Kubernetes workloads (a container's `command`/`args`, list or
//! `sh -c` form, in a Pod, Job, CronJob's `jobTemplate`, Deployment…, and Argo Workflows'
//! containers and `script` templates), GitHub Actions and CircleCI `run`, GitLab CI
//! `script`/`before_script`/`after_script`, Azure Pipelines `script`/`bash`, Drone and Buildkite
//! `commands`, docker compose `command`/`entrypoint`, Ansible `shell`/`command` (free form,
//! `cmd` or `argv`).
//!
//! The file is read with saphyr-parser (events with the position of every scalar); each
//! scalar that holds a script is decoded here once more, piece by piece, so that every
//! character of the script keeps its place in the file through block scalars (`|`, `>`, `>-`,
//! indentation indicators) and quoted scalars (`''`, `\"` escapes). The decoding is checked
//! against the parser's own value; where the two differ, the scalar maps as a whole (its text
//! is still right). A list form (`["cockroach", "sql", "-e", "…"]`) becomes one shell command
//! line, each element single-quoted. The scripts are then read as shell scripts.
//!
//! Helm and Jinja templates (`{{ … }}`) are opaque values: a template alone on its lines
//! (`{{- if .Values.backup.enabled }}`) is read as a comment, one inside a value as an unknown
//! value named after it. A file that does not parse is reported (S005) only when it holds
//! something backup-lint reads (a SQL client or backup SQL); the scripts before the error are
//! checked. A file that mentions no SQL client and no backup is not parsed at all.

use saphyr_parser::{Event, Parser, ScalarStyle};

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use crate::hosts::embed::{Assembled, Quoting, SegmentKind};
use crate::syntax::span::Span;

/// A script found in a YAML file.
#[derive(Clone, Debug)]
pub struct YamlScript {
    /// The shell text, mapped to the file.
    pub content: Assembled,
    /// The entry holding it (from its line's `- ` or key), for suppression comments.
    pub unit: Span,
}

/// What a YAML file holds for backup-lint.
#[derive(Clone, Debug, Default)]
pub struct Yaml {
    pub scripts: Vec<YamlScript>,
    /// `#` comments (suppression directives live there).
    pub comments: Vec<Span>,
    /// The first syntax error, when the file does not parse and holds something to check.
    pub error: Option<(Span, String)>,
}

/// Whether `text` mentions anything backup-lint reads (case-insensitively): a SQL client or
/// backup SQL. Other YAML files are not parsed.
pub fn mentions_sql(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["cockroach", "psql", "backup", "restore"]
        .iter()
        .any(|w| memchr::memmem::find(lower.as_bytes(), w.as_bytes()).is_some())
}

/// How deep nodes are read (a hostile file nests without end).
const MAX_DEPTH: usize = 200;

#[derive(Debug)]
enum Node {
    Scalar {
        value: String,
        style: ScalarStyle,
        span: Span,
    },
    Seq {
        items: Vec<Node>,
        span: Span,
    },
    Map {
        entries: Vec<(Node, Node)>,
        span: Span,
    },
    /// An alias (`*name`) or a node past the depth limit: not read.
    Other {
        span: Span,
    },
}

impl Node {
    fn span(&self) -> Span {
        match self {
            Node::Scalar { span, .. }
            | Node::Seq { span, .. }
            | Node::Map { span, .. }
            | Node::Other { span } => *span,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// Documentation and chart templates: `{{ … }}` spans.
fn templates(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(open) = text[pos..].find("{{").map(|p| p + pos) {
        let Some(close) = text[open + 2..].find("}}").map(|p| p + open + 4) else {
            break;
        };
        out.push(Span::new(open, close));
        pos = close;
    }
    out
}

/// `text` with templates masked, same length: a line of templates only becomes a comment,
/// a template inside a value a run of `_`.
fn mask(text: &str, templates: &[Span]) -> String {
    if templates.is_empty() {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    // The line around each template, found by scanning each byte at most once or twice
    // (templates are in order): many templates on one long line stay linear.
    let (mut line_start, mut line_end, mut prev_start) = (0usize, 0usize, 0usize);
    for t in templates {
        let (s, e) = (t.start as usize, t.end as usize);
        if let Some(p) = memchr::memrchr(b'\n', &text.as_bytes()[prev_start.max(line_start)..s]) {
            line_start = prev_start.max(line_start) + p + 1;
        }
        prev_start = s;
        if line_end < e {
            line_end = memchr::memchr(b'\n', &text.as_bytes()[e..]).map_or(text.len(), |p| p + e);
        }
        let alone = text[line_start..s].trim().is_empty() && {
            // Only templates (and spaces) on the rest of the line.
            let rest = &text[e..line_end];
            rest.trim().is_empty() || rest.trim_start().starts_with("{{")
        };
        if alone {
            bytes[s] = b'#';
        } else {
            for b in &mut bytes[s..e] {
                if *b != b'\n' {
                    *b = b'_';
                }
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// Character index → byte offset (the parser counts characters).
struct Offsets(Option<Vec<u32>>);

impl Offsets {
    fn new(text: &str) -> Offsets {
        if text.is_ascii() {
            return Offsets(None);
        }
        let mut v: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
        v.push(text.len() as u32);
        Offsets(Some(v))
    }

    fn byte(&self, index: usize) -> usize {
        match &self.0 {
            None => index,
            Some(v) => v.get(index).copied().unwrap_or(*v.last().unwrap_or(&0)) as usize,
        }
    }
}

/// The documents of `masked` as nodes; the first error, if any.
fn read(masked: &str) -> (Vec<Node>, Vec<Span>, Option<(Span, String)>) {
    let offsets = Offsets::new(masked);
    let span_of = |s: &saphyr_parser::Span| {
        Span::new(offsets.byte(s.start.index()), offsets.byte(s.end.index()))
    };
    // Open collections: (is map, items, start).
    let mut stack: Vec<(bool, Vec<Node>, Span)> = Vec::new();
    let mut docs = Vec::new();
    let mut scalars = Vec::new();
    let mut error = None;
    let mut skipped_depth = 0usize;
    let finish = |stack: &mut Vec<(bool, Vec<Node>, Span)>, end: usize| -> Option<Node> {
        let (is_map, items, start) = stack.pop()?;
        let span = Span::new(start.start as usize, end.max(start.start as usize));
        Some(if is_map {
            let mut entries = Vec::with_capacity(items.len() / 2);
            let mut it = items.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                entries.push((k, v));
            }
            Node::Map { entries, span }
        } else {
            Node::Seq { items, span }
        })
    };
    for event in Parser::new_from_str(masked) {
        let (event, s) = match event {
            Ok(e) => e,
            Err(e) => {
                let at = offsets.byte(e.marker().index());
                error = Some((Span::new(at, at), e.info().to_string()));
                break;
            }
        };
        let span = span_of(&s);
        let node = match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH || skipped_depth > 0 {
                    skipped_depth += 1;
                    continue;
                }
                stack.push((matches!(event, Event::MappingStart(..)), Vec::new(), span));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if skipped_depth > 0 {
                    skipped_depth -= 1;
                    if skipped_depth == 0 {
                        Node::Other { span }
                    } else {
                        continue;
                    }
                } else {
                    match finish(&mut stack, span.end as usize) {
                        Some(n) => n,
                        None => continue,
                    }
                }
            }
            Event::Scalar(value, style, _, _) => {
                scalars.push(span);
                if skipped_depth > 0 {
                    continue;
                }
                Node::Scalar {
                    value: value.into_owned(),
                    style,
                    span,
                }
            }
            Event::Alias(_) => {
                if skipped_depth > 0 {
                    continue;
                }
                Node::Other { span }
            }
            _ => continue,
        };
        match stack.last_mut() {
            Some((_, items, _)) => items.push(node),
            None => docs.push(node),
        }
    }
    // A file cut short by an error: what was read so far.
    while !stack.is_empty() {
        let end = masked.len();
        if let Some(n) = finish(&mut stack, end) {
            match stack.last_mut() {
                Some((_, items, _)) => items.push(n),
                None => docs.push(n),
            }
        }
    }
    (docs, scalars, error)
}

/// Parses `text` for the scripts it runs.
pub fn parse(text: &str) -> Yaml {
    let mut yaml = Yaml::default();
    if !mentions_sql(text) {
        return yaml;
    }
    let templates = templates(text);
    let masked = mask(text, &templates);
    let (docs, mut scalars, error) = read(&masked);
    let mut finder = Finder {
        original: text,
        text: &masked,
        templates: &templates,
        out: Vec::new(),
        env_budget: Cell::new(text.len().saturating_mul(2).saturating_add(1 << 16)),
        line_starts: std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', masked.as_bytes()).map(|p| p + 1))
            .collect(),
        env: HashMap::new(),
        container_args: None,
        // docker compose: a `services:` map at the top.
        compose: docs.iter().any(|d| match d {
            // (GitLab CI's global `services:` is a list.)
            Node::Map { entries, .. } => entries
                .iter()
                .any(|(k, v)| k.str() == Some("services") && matches!(v, Node::Map { .. })),
            _ => false,
        }),
    };
    for d in &docs {
        finder.walk(d, 0);
    }
    yaml.scripts = finder.out;
    // The parser read the masked text, where a template's characters are one `_` a byte: a
    // position inside a template may fall inside one of the file's characters.
    yaml.error = error.map(|(at, message)| {
        let at = crate::syntax::span::floor_char_boundary(text, at.start as usize);
        (Span::new(at, at), message)
    });
    scalars.sort_by_key(|s| s.start);
    yaml.comments = comments(&masked, &scalars, &templates);
    yaml
}

/// `#` comments outside scalars; a template line read as a comment is none.
fn comments(masked: &str, scalars: &[Span], templates: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    let bytes = masked.as_bytes();
    let mut line_start = 0;
    for line in masked.split_inclusive('\n') {
        let line_end = line_start + line.trim_end_matches(['\n', '\r']).len();
        let mut i = line_start;
        while let Some(p) = masked[i..line_end].find('#').map(|p| p + i) {
            let starts = p == line_start || matches!(bytes[p - 1], b' ' | b'\t');
            let inside = |spans: &[Span]| {
                let k = spans.partition_point(|s| (s.end as usize) <= p);
                spans.get(k).is_some_and(|s| (s.start as usize) <= p)
            };
            if starts && !inside(scalars) && !inside(templates) {
                out.push(Span::new(p, line_end));
                break;
            }
            i = p + 1;
        }
        line_start += line.len();
    }
    out
}

/// One decoded run of a scalar.
enum Run {
    /// The file's bytes `host`, as they are.
    Own(Span),
    /// Text standing for the file's bytes `host` (an escape, `''`).
    Escaped(String, Span),
    /// Text the decoding adds (a folded line break), at a point.
    Added(String, usize),
    /// A variable the runner substitutes before any shell reads the text (compose's `$NAME`,
    /// Kubernetes' `$(NAME)`), by name, at the file's bytes `host`.
    Variable(String, Span),
}

struct Finder<'a> {
    /// The file as written (template names are read there).
    original: &'a str,
    /// The masked text (same offsets as the file).
    text: &'a str,
    templates: &'a [Span],
    out: Vec<YamlScript>,
    /// The CI or container variables in force (GitHub Actions `env:` of the workflow, job and
    /// step; GitLab CI `variables:`; a container's `env:`; compose or Ansible
    /// `environment:`), by name, innermost last.
    env: HashMap<String, Vec<EnvVar>>,
    /// Where each line starts (a unit's line is found by a binary search, not a scan back).
    line_starts: Vec<usize>,
    /// How many more bytes of variable values may be put before scripts (a value used by
    /// many scripts is written before each): twice the file; past it a value is unknown.
    env_budget: Cell<usize>,
    /// A docker compose file: compose itself substitutes `$NAME` and `${…}` from the host's
    /// environment (unknown here), and `$$` stands for the `$` the container sees.
    compose: bool,
    /// Set while a Kubernetes container's `command`/`args` are read: Kubernetes substitutes
    /// `$(NAME)` from the container's variables there, and `$$` stands for `$`.
    container_args: Option<ContainerArgs>,
}

/// What Kubernetes can substitute in a container's `command` and `args`.
#[derive(Clone, Copy)]
struct ContainerArgs {
    /// The container has `envFrom:`: any name may be set, to a value unknown here.
    env_from: bool,
}

/// A variable a CI runner or container sets before the script runs.
#[derive(Clone, Debug)]
struct EnvVar {
    /// The name's span (the key, or the `name:` value).
    name: Span,
    /// The value mapped to the file; `None` when it is known only at run time (`valueFrom`,
    /// `${{ secrets.X }}`, a Helm template, `$CI_…` and other references).
    value: Option<(Assembled, Span)>,
}

/// Whether `name` is a shell variable name.
fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The variable names `text` expands (`$NAME`, `${NAME…}`), each once, in order; not those
/// whose `$` is at an offset `skip` accepts.
fn referenced(
    text: &str,
    out: &mut Vec<String>,
    seen: &mut HashSet<String>,
    skip: impl Fn(usize) -> bool,
) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'$', &bytes[i..]).map(|p| p + i) {
        let mut j = p + 1;
        if bytes.get(j) == Some(&b'{') {
            j += 1;
        }
        let start = j;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
            j += 1;
        }
        if j > start
            && !bytes[start].is_ascii_digit()
            && !skip(p)
            && seen.insert(text[start..j].to_string())
        {
            out.push(text[start..j].to_string());
        }
        i = j.max(p + 1);
    }
}

/// Keys whose value is a script (or a list of lines run in one shell): GitHub Actions and
/// CircleCI `run`; GitLab CI, Azure Pipelines, Bitbucket and Travis `script` (GitLab's
/// `before_script`/`after_script`); Azure Pipelines `bash`; Drone, Woodpecker and Buildkite
/// `commands`.
const SCRIPT_KEYS: &[&str] = &[
    "run",
    "script",
    "before_script",
    "after_script",
    "bash",
    "commands",
];

/// Ansible modules that run a command line.
fn is_ansible_command(key: &str) -> bool {
    let name = key.rsplit('.').next().unwrap_or(key);
    matches!(name, "shell" | "command") && (!key.contains('.') || key.starts_with("ansible."))
}

impl Finder<'_> {
    fn walk(&mut self, node: &Node, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match node {
            Node::Seq { items, .. } => {
                for i in items {
                    self.walk(i, depth + 1);
                }
            }
            Node::Map { entries, .. } => {
                let bound = self.bind(entries);
                self.map(entries);
                for (_, v) in entries {
                    self.walk(v, depth + 1);
                }
                for name in bound {
                    if let Some(stack) = self.env.get_mut(&name) {
                        stack.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn map(&mut self, entries: &[(Node, Node)]) {
        let get = |key: &str| {
            entries
                .iter()
                .find(|(k, _)| k.str() == Some(key))
                .map(|(k, v)| (k, v))
        };
        // GitHub Actions `run`, with a `shell:` that is not a POSIX shell: not ours.
        let foreign_shell = get("shell").and_then(|(_, v)| v.str()).is_some_and(|s| {
            let first = s.split_whitespace().next().unwrap_or("");
            !super::shell::prefix::is_shell(super::shell::prefix::base(first))
        });
        // GitLab CI runs `before_script` and `script` in one shell: one script.
        let before = get("before_script").filter(|_| get("script").is_some());
        for (k, v) in entries {
            let Some(key) = k.str() else { continue };
            if key == "before_script" && before.is_some() {
                continue;
            }
            if key == "script"
                && let Some((bk, bv)) = before
            {
                self.script_joined(&[(bk, bv), (k, v)]);
            } else if SCRIPT_KEYS.contains(&key) && !(key == "run" && foreign_shell) {
                self.script(k, v);
            } else if is_ansible_command(key) && key != "command" {
                // `shell: …`, `ansible.builtin.shell: …` / `ansible.builtin.command: …`.
                self.ansible(k, v);
            }
        }
        // An Argo Workflows `script:` template: `source` run by `command` (a shell here).
        if let (Some((_, image)), Some((sk, source @ Node::Scalar { .. }))) =
            (get("image"), get("source"))
            && matches!(image, Node::Scalar { .. })
        {
            let interpreter = match get("command").map(|(_, c)| c) {
                Some(Node::Seq { items, .. }) => items.first().and_then(|i| i.str()),
                Some(c) => c.str(),
                None => None,
            };
            let program = interpreter
                .and_then(|c| c.split_whitespace().next())
                .unwrap_or("");
            if super::shell::prefix::is_shell(super::shell::prefix::base(program)) {
                self.script(sk, source);
                return;
            }
        }
        // A container (`command` + `args`), a compose service (`entrypoint` + `command`), or
        // an Ansible `command:` task.
        let command = get("command");
        let args = get("args").filter(|(_, v)| matches!(v, Node::Seq { .. }));
        let entrypoint = get("entrypoint");
        let (head, tail) = if args.is_some() {
            (command, args)
        } else if entrypoint.is_some() {
            (entrypoint, command)
        } else {
            (command, None)
        };
        // A Kubernetes container (an image, outside compose): Kubernetes substitutes
        // `$(NAME)` in its command and args.
        let outer = self.container_args;
        if !self.compose && get("image").is_some() && (command.is_some() || args.is_some()) {
            self.container_args = Some(ContainerArgs {
                env_from: get("envFrom").is_some(),
            });
        }
        self.command_line(&get, head, tail);
        self.container_args = outer;
    }

    /// A container's, compose service's or Ansible task's command line: `head` (`command` or
    /// `entrypoint`) and `tail` (`args` or compose's `command`).
    fn command_line<'n>(
        &mut self,
        get: &dyn Fn(&str) -> Option<(&'n Node, &'n Node)>,
        head: Option<(&'n Node, &'n Node)>,
        tail: Option<(&'n Node, &'n Node)>,
    ) {
        let keys: Vec<&Node> = [head, tail].iter().flatten().map(|(k, _)| *k).collect();
        let mut argv: Vec<&Node> = Vec::new();
        match (head.map(|h| h.1), tail.map(|t| t.1)) {
            (Some(h @ Node::Scalar { .. }), None) => {
                let Some((k, _)) = head else { return };
                // A compose service's `command:` string is handed to the image's entrypoint:
                // for a cockroach image, cockroach.
                let image = get("image").filter(|_| k.str() == Some("command"));
                if let Some((_, img)) = image
                    && is_cockroach_image(img.str().unwrap_or(""))
                    && let Some(piece) = self.decode(h)
                {
                    let mut content = Assembled::new();
                    content.push_value("cockroach ", img.span(), false);
                    content.append(&piece);
                    let unit = self.unit(&[k], Some(h));
                    self.emit(content, unit);
                } else {
                    self.script(k, h);
                }
                return;
            }
            (Some(Node::Map { entries: inner, .. }), None) => {
                // Ansible `command: {cmd: …}` / `{argv: […]}`.
                if let Some((k, _)) = head {
                    self.ansible_entries(k, inner);
                }
                return;
            }
            (Some(Node::Seq { items, .. }), t) => {
                argv.extend(items.iter());
                match t {
                    Some(Node::Seq { items, .. }) => argv.extend(items.iter()),
                    Some(s @ Node::Scalar { .. }) => argv.push(s),
                    _ => {}
                }
            }
            (None, Some(Node::Seq { items, .. })) => {
                // `args` alone: the image's entrypoint runs them; a cockroach image's is
                // cockroach.
                let image = get("image").and_then(|(_, v)| v.str()).unwrap_or("");
                if !is_cockroach_image(image) {
                    return;
                }
                let image_span = get("image").map(|(_, v)| v.span()).unwrap_or_default();
                let unit = self.unit(&keys, tail.map(|t| t.1));
                self.argv(Some(image_span), items.iter().collect(), unit);
                return;
            }
            (Some(h @ Node::Scalar { .. }), Some(t @ Node::Scalar { .. })) => {
                if let (Some((k, _)), Some((k2, _))) = (head, tail) {
                    self.script(k, h);
                    self.script(k2, t);
                }
                return;
            }
            _ => return,
        }
        if argv.is_empty() {
            return;
        }
        let last = tail.or(head).map(|t| t.1);
        let unit = self.unit(&keys, last);
        self.argv(None, argv, unit);
    }

    /// Records the variables a map sets for the scripts in it and below; returns their
    /// names (unbound when the map is left).
    fn bind(&mut self, entries: &[(Node, Node)]) -> Vec<String> {
        let mut vars: Vec<(String, EnvVar)> = Vec::new();
        for (k, v) in entries {
            match (k.str(), v) {
                // GitHub Actions (a map; `$` is not expanded there, `${{ }}` is masked).
                (Some("env"), Node::Map { entries, .. }) => {
                    for (name, value) in entries {
                        self.var(name, Some(value), false, &mut vars);
                    }
                }
                // A Kubernetes container: `- name: X` with `value:` or `valueFrom:`.
                (Some("env"), Node::Seq { items, .. }) => {
                    for item in items {
                        let Node::Map { entries, .. } = item else {
                            continue;
                        };
                        let field = |f: &str| entries.iter().find(|(k, _)| k.str() == Some(f));
                        if let Some((_, name)) = field("name") {
                            self.var(name, field("value").map(|(_, v)| v), true, &mut vars);
                        }
                    }
                }
                // GitLab CI: `X: value` or `X: {value: …, description: …}`.
                (Some("variables"), Node::Map { entries, .. }) => {
                    for (name, value) in entries {
                        let value = match value {
                            Node::Map { entries, .. } => entries
                                .iter()
                                .find(|(k, _)| k.str() == Some("value"))
                                .map(|(_, v)| v),
                            other => Some(other),
                        };
                        self.var(name, value, true, &mut vars);
                    }
                }
                // docker compose and Ansible: a map, or a list of `X=value`.
                (Some("environment"), Node::Map { entries, .. }) => {
                    for (name, value) in entries {
                        self.var(name, Some(value), true, &mut vars);
                    }
                }
                (Some("environment"), Node::Seq { items, .. }) => {
                    for item in items {
                        self.assignment_item(item, &mut vars);
                    }
                }
                _ => {}
            }
        }
        // GitLab CI: a rule's `variables:` (a job's `rules:`, or `workflow: rules:` for every
        // job) replace the values when the rule matches, which is known only at run time.
        let workflow_rules = entries
            .iter()
            .find(|(k, _)| k.str() == Some("workflow"))
            .and_then(|(_, w)| match w {
                Node::Map { entries, .. } => entries.iter().find(|(k, _)| k.str() == Some("rules")),
                _ => None,
            });
        let job_rules = entries.iter().find(|(k, _)| k.str() == Some("rules"));
        for (_, rules) in job_rules.into_iter().chain(workflow_rules) {
            let Node::Seq { items, .. } = rules else {
                continue;
            };
            for item in items {
                let Node::Map { entries, .. } = item else {
                    continue;
                };
                let variables = entries.iter().find(|(k, _)| k.str() == Some("variables"));
                if let Some((_, Node::Map { entries, .. })) = variables {
                    for (name, _) in entries {
                        self.var(name, None, true, &mut vars);
                    }
                }
            }
        }
        let mut names = Vec::with_capacity(vars.len());
        for (name, var) in vars {
            self.env.entry(name.clone()).or_default().push(var);
            names.push(name);
        }
        names
    }

    /// `name: value`. `expands`: the runner expands `$…` in values (GitLab, compose,
    /// Kubernetes' `$(…)`), so a value with `$` is known only at run time.
    fn var(
        &self,
        name: &Node,
        value: Option<&Node>,
        expands: bool,
        out: &mut Vec<(String, EnvVar)>,
    ) {
        let Some(text) = name.str().filter(|n| is_name(n)) else {
            return;
        };
        let value = value
            .filter(|v| matches!(v, Node::Scalar { .. }))
            .and_then(|v| Some((self.decode(v)?, v.span())))
            .filter(|(piece, _)| {
                !piece.has_opaque(Span::new(0, piece.text.len()))
                    && (!expands || !piece.text.contains('$'))
            });
        out.push((
            text.to_string(),
            EnvVar {
                name: name.span(),
                value,
            },
        ));
    }

    /// `- X=value` (compose's list form).
    fn assignment_item(&self, item: &Node, out: &mut Vec<(String, EnvVar)>) {
        let Some(piece) = self.decode(item) else {
            return;
        };
        let Some(eq) = piece.text.find('=') else {
            return;
        };
        let name = &piece.text[..eq];
        if !is_name(name) {
            return;
        }
        let name_span = piece.map_span(Span::new(0, eq));
        let whole = Span::new(eq + 1, piece.text.len());
        let value_span = piece.map_span(whole);
        let mut value = Assembled::new();
        for (range, host, kind) in piece.pieces(whole) {
            let text = &piece.text[range.range()];
            match kind {
                SegmentKind::Literal(q) => {
                    let host = if host.len() == range.len() {
                        host
                    } else {
                        piece.map_span(range)
                    };
                    value.push_literal(text, host, q)
                }
                SegmentKind::Value { opaque } => value.push_value(text, host, opaque),
            }
        }
        let known = !value.has_opaque(Span::new(0, value.text.len())) && !value.text.contains('$');
        out.push((
            name.to_string(),
            EnvVar {
                name: name_span,
                value: known.then_some((value, value_span)),
            },
        ));
    }

    /// Adds a script, after the variables it uses that the runner sets (`export X='…'`
    /// lines mapped to where each is written; an unknown one as `export X="${X}"`, set but
    /// unknown).
    fn emit(&mut self, content: Assembled, unit: Span) {
        let mut content = content;
        if !self.env.is_empty() {
            let mut names = Vec::new();
            let mut seen = HashSet::new();
            // A value the runner substituted (compose's `$NAME`, a template) is not the
            // container's variable of that name.
            referenced(&content.text, &mut names, &mut seen, |at| {
                content.has_opaque(Span::new(at, at + 1))
            });
            let mut prelude = Assembled::new();
            let mut i = 0;
            while i < names.len() {
                let name = names[i].clone();
                i += 1;
                let Some(var) = self.env.get(&name).and_then(|s| s.last()) else {
                    continue;
                };
                let at = var.name.start as usize;
                prelude.push_synthetic("export ", at);
                prelude.push_value(&name, var.name, false);
                let value = var
                    .value
                    .as_ref()
                    .filter(|(v, _)| v.text.len() <= self.env_budget.get());
                match value {
                    Some((value, span)) => {
                        self.env_budget
                            .set(self.env_budget.get() - value.text.len());
                        prelude.push_synthetic("=", at);
                        single_quoted(&mut prelude, value, *span);
                        // A value may hold a script or a statement naming others.
                        referenced(&value.text, &mut names, &mut seen, |_| false);
                    }
                    None => prelude.push_synthetic(&format!("=\"${{{name}}}\""), at),
                }
                prelude.push_synthetic("\n", at);
            }
            if !prelude.text.is_empty() {
                prelude.append(&content);
                content = prelude;
            }
        }
        self.out.push(YamlScript { content, unit });
    }

    fn ansible(&mut self, key: &Node, value: &Node) {
        match value {
            Node::Scalar { .. } => self.script(key, value),
            Node::Map { entries, .. } => self.ansible_entries(key, entries),
            _ => {}
        }
    }

    fn ansible_entries(&mut self, key: &Node, entries: &[(Node, Node)]) {
        for (k, v) in entries {
            match (k.str(), v) {
                (Some("cmd"), Node::Scalar { .. }) => {
                    let unit = self.unit(&[key], Some(v));
                    if let Some(content) = self.decode(v) {
                        self.emit(content, unit);
                    }
                }
                (Some("argv"), Node::Seq { items, .. }) => {
                    let unit = self.unit(&[key], Some(v));
                    self.argv(None, items.iter().collect(), unit);
                }
                _ => {}
            }
        }
    }

    /// The entry from `keys`' first line (its `- ` included) to the end of `last`.
    fn unit(&self, keys: &[&Node], last: Option<&Node>) -> Span {
        let start = keys
            .iter()
            .map(|k| k.span().start as usize)
            .min()
            .unwrap_or(0);
        let line = self.line_starts.partition_point(|&l| l <= start);
        let line_start = line
            .checked_sub(1)
            .and_then(|l| self.line_starts.get(l))
            .copied()
            .unwrap_or(0);
        let prefix = &self.text[line_start..start];
        let start = if prefix.chars().all(|c| matches!(c, ' ' | '\t' | '-')) {
            line_start + (prefix.len() - prefix.trim_start().len())
        } else {
            start
        };
        let end = last
            .map(|n| n.span().end as usize)
            .into_iter()
            .chain(keys.iter().map(|k| k.span().end as usize))
            .max()
            .unwrap_or(start)
            .max(start);
        // A block scalar ends after its last line break: the entry ends with its text, so a
        // comment on the next line is not read as trailing it.
        let end = start + self.text[start..end].trim_end().len();
        Span::new(start, end)
    }

    /// A script value: one scalar, or a list of lines run in one shell (GitLab CI).
    fn script(&mut self, key: &Node, value: &Node) {
        self.script_joined(&[(key, value)]);
    }

    /// The script values of `entries` run one after another in one shell.
    fn script_joined(&mut self, entries: &[(&Node, &Node)]) {
        let mut lines = Vec::new();
        for (_, value) in entries {
            flatten(value, &mut lines, 0);
        }
        let mut content = Assembled::new();
        for line in lines {
            if let Some(piece) = self.decode(line) {
                if !content.text.is_empty() {
                    content.push_synthetic("\n", line.span().start as usize);
                }
                content.append(&piece);
            }
        }
        if content.text.is_empty() {
            return;
        }
        let keys: Vec<&Node> = entries.iter().map(|(k, _)| *k).collect();
        let last = entries.iter().map(|(_, v)| *v).max_by_key(|v| v.span().end);
        let unit = self.unit(&keys, last);
        self.emit(content, unit);
    }

    /// A list form: one command line, each element single-quoted. `program` is the image
    /// whose entrypoint is cockroach, when the list is its arguments.
    fn argv(&mut self, program: Option<Span>, items: Vec<&Node>, unit: Span) {
        let mut content = Assembled::new();
        if let Some(at) = program {
            content.push_value("cockroach", at, false);
        }
        for item in items {
            let Some(piece) = self.decode(item) else {
                return;
            };
            if !content.text.is_empty() {
                content.push_synthetic(" ", item.span().start as usize);
            }
            single_quoted(&mut content, &piece, item.span());
        }
        if !content.text.is_empty() {
            self.emit(content, unit);
        }
    }

    /// A scalar's text mapped to the file, templates as opaque values.
    fn decode(&self, node: &Node) -> Option<Assembled> {
        let Node::Scalar { value, style, span } = node else {
            return None;
        };
        let mut runs = self.runs(*style, *span, value);
        if (self.compose || self.container_args.is_some())
            && value.contains('$')
            && let Some(r) = runs.take()
        {
            runs = Some(self.substitutions(r));
        }
        let mut out = Assembled::new();
        let quoting = match style {
            ScalarStyle::Plain => Quoting::YamlPlain,
            ScalarStyle::SingleQuoted => Quoting::YamlSingle,
            ScalarStyle::DoubleQuoted => Quoting::YamlDouble,
            _ => Quoting::YamlBlock,
        };
        match runs {
            Some(runs) => {
                for run in runs {
                    match run {
                        Run::Own(host) => self.push_own(&mut out, host, quoting),
                        Run::Escaped(text, host) => out.push_literal(&text, host, quoting),
                        Run::Added(text, at) => out.push_synthetic(&text, at),
                        Run::Variable(name, host) => self.push_variable(&mut out, &name, host),
                    }
                }
            }
            // The decoding here and the parser's differ: the scalar maps as a whole.
            None => out.push_value(value, *span, false),
        }
        Some(out)
    }

    /// The file's bytes `host`, a template inside them as an opaque `${name}`.
    fn push_own(&self, out: &mut Assembled, host: Span, quoting: Quoting) {
        let mut pos = host.start as usize;
        let end = host.end as usize;
        let first = self.templates.partition_point(|t| (t.end as usize) <= pos);
        for t in &self.templates[first..] {
            let (ts, te) = (t.start as usize, t.end as usize);
            if ts >= end {
                break;
            }
            if ts > pos {
                out.push_literal(&self.text[pos..ts], Span::new(pos, ts), quoting);
            }
            if ts >= pos {
                out.push_value(
                    &format!("${{{}}}", template_name(&self.original[ts..te])),
                    *t,
                    true,
                );
            }
            pos = te.min(end).max(pos);
        }
        if pos < end {
            out.push_literal(&self.text[pos..end], Span::new(pos, end), quoting);
        }
    }

    /// The runs with the variables the runner substitutes split out: docker compose's `$NAME`
    /// and `${…}` (compose-go's template: a name, or braces up to the matching `}`) and
    /// Kubernetes' `$(NAME)` (k8s.io/kubernetes third_party/forked/golang/expansion: up to the
    /// first `)`; left as written when the container sets no such variable); `$$` is a `$`
    /// for both.
    fn substitutions(&self, runs: Vec<Run>) -> Vec<Run> {
        let mut out = Vec::with_capacity(runs.len());
        for r in runs {
            let Run::Own(host) = r else {
                out.push(r);
                continue;
            };
            let (start, end) = (host.start as usize, host.end as usize);
            let bytes = self.text.as_bytes();
            let (mut pos, mut i) = (start, start);
            while let Some(d) = memchr::memchr(b'$', &bytes[i..end]).map(|p| p + i) {
                let rest = &self.text[d..end];
                let (len, run) = if rest.starts_with("$$") {
                    (2, Some(Run::Escaped("$".into(), Span::new(d, d + 2))))
                } else if self.compose {
                    match compose_reference(rest) {
                        Some((len, name)) => {
                            (len, Some(Run::Variable(name, Span::new(d, d + len))))
                        }
                        None => (1, None),
                    }
                } else {
                    match rest.strip_prefix("$(").and_then(|r| r.find(')')) {
                        Some(close) => {
                            let name = &rest[2..2 + close];
                            let len = close + 3;
                            let set = self.env.get(name).is_some_and(|s| !s.is_empty())
                                || self.container_args.is_some_and(|c| c.env_from);
                            let run =
                                set.then(|| Run::Variable(name.into(), Span::new(d, d + len)));
                            (len, run)
                        }
                        None => (1, None),
                    }
                };
                if let Some(run) = run {
                    if d > pos {
                        out.push(Run::Own(Span::new(pos, d)));
                    }
                    out.push(run);
                    pos = d + len;
                }
                i = d + len;
            }
            if pos < end {
                out.push(Run::Own(Span::new(pos, end)));
            }
        }
        out
    }

    /// A substituted variable: a Kubernetes container variable with a known value is that
    /// value (mapped to where it is written, within the budget); anything else is unknown.
    fn push_variable(&self, out: &mut Assembled, name: &str, host: Span) {
        if !self.compose
            && let Some((value, _)) = self
                .env
                .get(name)
                .and_then(|s| s.last())
                .and_then(|v| v.value.as_ref())
            && value.text.len() <= self.env_budget.get()
        {
            self.env_budget
                .set(self.env_budget.get() - value.text.len());
            out.append(value);
            return;
        }
        let name: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let name = if is_name(&name) {
            name
        } else {
            "variable".into()
        };
        out.push_value(&format!("${{{name}}}"), host, true);
    }

    /// The runs of a scalar, when they decode to exactly the parser's `value`.
    fn runs(&self, style: ScalarStyle, span: Span, value: &str) -> Option<Vec<Run>> {
        let (s, e) = (span.start as usize, span.end as usize);
        let raw = self.text.get(s..e)?;
        let runs = match style {
            ScalarStyle::Plain => {
                let skip = properties(raw);
                flow_lines(self.text, s + skip, e, |_, a, b, out| {
                    out.push(Run::Own(Span::new(a, b)))
                })
            }
            ScalarStyle::SingleQuoted => {
                let open = s + raw.find('\'')?;
                flow_lines(self.text, open + 1, e.checked_sub(1)?, |text, a, b, out| {
                    let mut pos = a;
                    while let Some(q) = text[pos..b].find("''").map(|p| p + pos) {
                        if q > pos {
                            out.push(Run::Own(Span::new(pos, q)));
                        }
                        out.push(Run::Escaped("'".into(), Span::new(q, q + 2)));
                        pos = q + 2;
                    }
                    if pos < b {
                        out.push(Run::Own(Span::new(pos, b)));
                    }
                })
            }
            ScalarStyle::DoubleQuoted => {
                let open = s + raw.find('"')?;
                double_quoted(self.text, open + 1, e.checked_sub(1)?)
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                block(self.text, s, e, style == ScalarStyle::Folded)
            }
        };
        // The decoded text must be the parser's value (chomping may drop trailing breaks).
        let mut text = String::new();
        for r in &runs {
            match r {
                Run::Own(h) | Run::Variable(_, h) => text.push_str(&self.text[h.range()]),
                Run::Escaped(t, _) | Run::Added(t, _) => text.push_str(t),
            }
        }
        if text == value {
            return Some(runs);
        }
        if text.starts_with(value) {
            return Some(truncate(runs, value.len(), self.text));
        }
        None
    }
}

/// A compose interpolation at the start of `rest` (which starts with `$`): its length and
/// variable name. `${…}` runs to its matching `}` (defaults may nest `${…}`).
fn compose_reference(rest: &str) -> Option<(usize, String)> {
    let bytes = rest.as_bytes();
    let name_len = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count()
    };
    match bytes.get(1)? {
        b'{' => {
            let mut depth = 0usize;
            for (i, b) in bytes.iter().enumerate().skip(1) {
                match b {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            let n = name_len(2);
                            return Some((i + 1, rest[2..2 + n].to_string()));
                        }
                    }
                    _ => {}
                }
            }
            None
        }
        b if b.is_ascii_alphabetic() || *b == b'_' => {
            let n = name_len(1);
            Some((1 + n, rest[1..1 + n].to_string()))
        }
        _ => None,
    }
}

/// The runs cut to `len` bytes of text.
fn truncate(runs: Vec<Run>, len: usize, text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut have = 0;
    for r in runs {
        if have >= len {
            break;
        }
        let n = match &r {
            Run::Own(h) | Run::Variable(_, h) => h.len(),
            Run::Escaped(t, _) | Run::Added(t, _) => t.len(),
        };
        if have + n <= len {
            have += n;
            out.push(r);
            continue;
        }
        let keep = len - have;
        match r {
            Run::Own(h) if text.is_char_boundary(h.start as usize + keep) => out.push(Run::Own(
                Span::new(h.start as usize, h.start as usize + keep),
            )),
            Run::Added(t, at) => out.push(Run::Added(t[..keep].to_string(), at)),
            _ => {}
        }
        have = len;
    }
    out
}

/// The bytes of `&anchor` / `!tag` properties before a scalar.
fn properties(raw: &str) -> usize {
    let mut pos = 0;
    while raw[pos..].starts_with(['&', '!']) {
        let end = raw[pos..]
            .find([' ', '\t', '\n'])
            .map_or(raw.len(), |p| p + pos);
        pos = end + (raw[end..].len() - raw[end..].trim_start().len());
    }
    pos
}

/// A flow scalar's lines between `start` and `end`, folded: a line break between two lines
/// is a space, `n` empty lines are `n` line breaks; spaces around breaks are dropped. `line`
/// pushes the runs of one line's kept text.
fn flow_lines(
    text: &str,
    start: usize,
    end: usize,
    mut line: impl FnMut(&str, usize, usize, &mut Vec<Run>),
) -> Vec<Run> {
    let mut out = Vec::new();
    if start >= end {
        return out;
    }
    let body = &text[start..end];
    let mut pos = start;
    let mut first = true;
    let mut empty = 0;
    let mut fold_at = start;
    for piece in body.split('\n') {
        let piece_start = pos;
        let piece_end = pos + piece.len();
        pos = piece_end + 1;
        let trimmed_start = if first {
            piece_start
        } else {
            piece_start + (piece.len() - piece.trim_start_matches([' ', '\t']).len())
        };
        let last = piece_end >= end;
        let trimmed_end = if last {
            piece_end
        } else {
            trimmed_start
                + text[trimmed_start..piece_end]
                    .trim_end_matches([' ', '\t', '\r'])
                    .len()
        };
        if !first && trimmed_start >= trimmed_end && !last {
            empty += 1;
            continue;
        }
        if !first {
            let fold = if empty == 0 {
                " ".to_string()
            } else {
                "\n".repeat(empty)
            };
            out.push(Run::Added(fold, fold_at));
            empty = 0;
        }
        if trimmed_end > trimmed_start {
            line(text, trimmed_start, trimmed_end, &mut out);
        }
        fold_at = trimmed_end;
        first = false;
    }
    out
}

/// A `"…"` scalar's runs (escapes resolved, lines folded).
fn double_quoted(text: &str, start: usize, end: usize) -> Vec<Run> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = start;
    let mut run = start;
    let flush = |out: &mut Vec<Run>, a: usize, b: usize| {
        if b > a {
            out.push(Run::Own(Span::new(a, b)));
        }
    };
    while i < end {
        match bytes[i] {
            b'\\' if i + 1 < end => {
                flush(&mut out, run, i);
                let c = bytes[i + 1];
                let simple = match c {
                    b'0' => Some("\0"),
                    b'a' => Some("\x07"),
                    b'b' => Some("\x08"),
                    b't' | b'\t' => Some("\t"),
                    b'n' => Some("\n"),
                    b'v' => Some("\x0b"),
                    b'f' => Some("\x0c"),
                    b'r' => Some("\r"),
                    b'e' => Some("\x1b"),
                    b' ' => Some(" "),
                    b'"' => Some("\""),
                    b'/' => Some("/"),
                    b'\\' => Some("\\"),
                    _ => None,
                };
                if let Some(t) = simple {
                    out.push(Run::Escaped(t.into(), Span::new(i, i + 2)));
                    i += 2;
                } else if c == b'\n' {
                    // An escaped line break: nothing, and the next line's indentation dropped.
                    let mut j = i + 2;
                    while j < end && matches!(bytes[j], b' ' | b'\t') {
                        j += 1;
                    }
                    out.push(Run::Escaped(String::new(), Span::new(i, j)));
                    i = j;
                } else if let Some(n) = match c {
                    b'x' => Some(2),
                    b'u' => Some(4),
                    b'U' => Some(8),
                    _ => None,
                } {
                    let hex = text.get(i + 2..i + 2 + n).unwrap_or("");
                    let ch = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                    match ch {
                        Some(ch) => {
                            out.push(Run::Escaped(ch.to_string(), Span::new(i, i + 2 + n)));
                            i += 2 + n;
                        }
                        None => return Vec::new(),
                    }
                } else {
                    // `\N`, `\_`, `\L`, `\P` and anything else: the whole-scalar fallback.
                    return Vec::new();
                }
                run = i;
            }
            b'\n' => {
                // A line break: folded as in a plain scalar.
                let mut a = i;
                while a > run && matches!(bytes[a - 1], b' ' | b'\t' | b'\r') {
                    a -= 1;
                }
                flush(&mut out, run, a);
                let mut empty = 0;
                let mut j = i + 1;
                loop {
                    while j < end && matches!(bytes[j], b' ' | b'\t') {
                        j += 1;
                    }
                    if j < end && bytes[j] == b'\n' {
                        empty += 1;
                        j += 1;
                    } else {
                        break;
                    }
                }
                let fold = if empty == 0 {
                    " ".to_string()
                } else {
                    "\n".repeat(empty)
                };
                out.push(Run::Added(fold, a));
                i = j;
                run = j;
            }
            _ => i += 1,
        }
    }
    flush(&mut out, run, end);
    out
}

/// A block scalar's runs: `start` is the first content line's first character, at the
/// content indentation; each line keeps its bytes from there on, with its line break.
fn block(text: &str, start: usize, end: usize, folded: bool) -> Vec<Run> {
    let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
    let indent = start - line_start;
    let mut out: Vec<Run> = Vec::new();
    let mut pos = line_start;
    // For folding: whether the last line was a plain (not more indented) text line, and
    // the break after it, not yet written.
    let mut pending: Option<(usize, bool)> = None;
    let mut empty_breaks: Vec<usize> = Vec::new();
    while pos < end {
        let nl = text[pos..end].find('\n').map(|p| p + pos);
        let line_end = nl.unwrap_or(end);
        let next = nl.map_or(end, |p| p + 1);
        let line = &text[pos..line_end];
        let content_start = (pos + indent).min(line_end);
        let blank = line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
        if !text.is_char_boundary(content_start)
            || (!blank
                && !text.as_bytes()[pos..content_start]
                    .iter()
                    .all(|&b| b == b' '))
        {
            return Vec::new();
        }
        if !folded {
            if !blank || line.len() > indent {
                out.push(Run::Own(Span::new(content_start, next)));
            } else if let Some(p) = nl {
                out.push(Run::Own(Span::new(p, p + 1)));
            }
        } else if blank && line.len() <= indent {
            if let Some(p) = nl {
                empty_breaks.push(p);
            }
        } else {
            let more = text[content_start..line_end].starts_with([' ', '\t']);
            if let Some((brk, plain)) = pending.take() {
                if plain && !more && empty_breaks.is_empty() {
                    out.push(Run::Added(" ".into(), brk));
                } else {
                    if !plain || more {
                        out.push(Run::Own(Span::new(brk, brk + 1)));
                    }
                    for p in empty_breaks.drain(..) {
                        out.push(Run::Own(Span::new(p, p + 1)));
                    }
                }
            } else {
                for p in empty_breaks.drain(..) {
                    out.push(Run::Own(Span::new(p, p + 1)));
                }
            }
            empty_breaks.clear();
            out.push(Run::Own(Span::new(content_start, line_end)));
            pending = nl.map(|p| (p, !more));
        }
        pos = next;
    }
    if folded {
        if let Some((brk, _)) = pending {
            out.push(Run::Own(Span::new(brk, brk + 1)));
        }
        for p in empty_breaks {
            out.push(Run::Own(Span::new(p, p + 1)));
        }
    }
    out
}

/// Whether an image's entrypoint is cockroach (`cockroachdb/cockroach:v25.2.0`).
fn is_cockroach_image(image: &str) -> bool {
    let repo = image.split(['@', ':']).next().unwrap_or("");
    super::shell::prefix::base(repo).starts_with("cockroach")
}

/// The scalars of a (nested) list, in order.
fn flatten<'n>(node: &'n Node, out: &mut Vec<&'n Node>, depth: usize) {
    match node {
        Node::Scalar { .. } => out.push(node),
        Node::Seq { items, .. } if depth < 8 => {
            for i in items {
                flatten(i, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// `piece` appended as one single-quoted shell word (`'` written `'\''`).
fn single_quoted(out: &mut Assembled, piece: &Assembled, item: Span) {
    out.push_synthetic("'", item.start as usize);
    let whole = Span::new(0, piece.text.len());
    for (range, host, kind) in piece.pieces(whole) {
        let text = &piece.text[range.range()];
        let identity = matches!(kind, crate::hosts::embed::SegmentKind::Literal(_))
            && host.len() == range.len();
        let mut local = 0;
        for part in text.split_inclusive('\'') {
            let (body, quote) = match part.strip_suffix('\'') {
                Some(b) => (b, true),
                None => (part, false),
            };
            if !body.is_empty() {
                let h = if identity {
                    Span::new(
                        host.start as usize + local,
                        host.start as usize + local + body.len(),
                    )
                } else {
                    host
                };
                match kind {
                    crate::hosts::embed::SegmentKind::Literal(q) => out.push_literal(body, h, q),
                    crate::hosts::embed::SegmentKind::Value { opaque } => {
                        out.push_value(body, h, opaque)
                    }
                }
            }
            if quote {
                out.push_synthetic("'\\''", host.start as usize + local + body.len());
            }
            local += part.len();
        }
    }
    out.push_synthetic("'", item.end as usize);
}

/// The name of the unknown value a template stands for: `.Values.backup.destination | quote`
/// → `Values_backup_destination`.
fn template_name(template: &str) -> String {
    let inner = template
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim_matches(|c: char| c == '-' || c.is_whitespace());
    let first = inner.split([' ', '|']).next().unwrap_or("");
    let name: String = first
        .trim_start_matches('.')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        "template".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each script's text, and the file text its first 6 characters map to.
    fn scripts(text: &str) -> Vec<(String, String)> {
        parse(text)
            .scripts
            .iter()
            .map(|s| {
                let at = s
                    .content
                    .map_span(Span::new(0, 6.min(s.content.text.len())));
                (s.content.text.clone(), text[at.range()].to_string())
            })
            .collect()
    }

    #[test]
    fn scalars_decode_to_the_parsers_value_with_exact_positions() {
        let text = "jobs:\n  backup:\n    steps:\n      - run: |\n          cockroach sql -e \"BACKUP INTO 'x'\"\n\n          echo done\n      - run: >-\n          cockroach sql\n          -e 'SHOW BACKUPS IN y'\n      - run: \"cockroach sql -e \\\"RESTORE FROM LATEST IN 'z'\\\"\"\n      - run: 'cockroach sql -e \"SELECT ''a''\"'\n";
        let got = scripts(text);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(
            got[0].0,
            "cockroach sql -e \"BACKUP INTO 'x'\"\n\necho done\n"
        );
        assert_eq!(got[1].0, "cockroach sql -e 'SHOW BACKUPS IN y'");
        assert_eq!(got[2].0, "cockroach sql -e \"RESTORE FROM LATEST IN 'z'\"");
        assert_eq!(got[3].0, "cockroach sql -e \"SELECT 'a'\"");
        for (_, at) in &got {
            assert_eq!(at, "cockro");
        }
    }

    #[test]
    fn templates_are_opaque_and_lines_of_templates_are_comments() {
        let text = "{{- if .Values.backup.enabled }}\nspec:\n  containers:\n    - command: [\"cockroach\", \"sql\", \"-e\", \"BACKUP INTO '{{ .Values.dest }}'\"]\n{{- end }}\n";
        let y = parse(text);
        assert!(y.error.is_none(), "{:?}", y.error);
        assert_eq!(y.scripts.len(), 1);
        assert_eq!(
            y.scripts[0].content.text,
            "'cockroach' 'sql' '-e' 'BACKUP INTO '\\''${Values_dest}'\\'''"
        );
    }
}
