//! Shell scripts: what a backup script runs, read without running it.
//!
//! The script is parsed by tree-sitter-bash (error-tolerant, byte spans for every word, quote
//! and heredoc; see ARCHITECTURE.md for why) and turned at once into the owned [`Script`]
//! model below: commands with their words, assignments, functions, redirects and comments.
//! Words keep their pieces ([`Word`]) so that `text` can evaluate them against the script's
//! variables and `extract` can find the SQL handed to `cockroach sql` / `psql`.

pub mod date;
pub mod extract;
mod nested;
mod pipes;
pub mod prefix;
pub mod run;
pub mod text;

use crate::syntax::span::Span;

/// A piece of a shell word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WordPart {
    /// Characters as the shell reads them; `host` is where they are written. When `text` is
    /// shorter than `host` (an escape such as `\"`), the piece maps as a whole.
    Literal {
        text: String,
        host: Span,
        quoting: crate::hosts::embed::Quoting,
    },
    /// `$name`, `${name}`, `${name:-default}`; `complex` for other parameter operations.
    Variable {
        name: String,
        host: Span,
        default: Option<Box<Word>>,
        complex: bool,
    },
    /// `$1` … `$9`, `$@`, `$*` (0 stands for all arguments).
    Positional { index: usize, host: Span },
    /// `$(…)` or `` `…` ``: `date` says when it is a `date +FORMAT` call.
    Substitution { host: Span, date: Option<DateCall> },
}

impl WordPart {
    pub fn host(&self) -> Span {
        match self {
            WordPart::Literal { host, .. }
            | WordPart::Variable { host, .. }
            | WordPart::Positional { host, .. }
            | WordPart::Substitution { host, .. } => *host,
        }
    }
}

/// `date +FORMAT` (with `LC_ALL=C`, `-u` and the like noted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateCall {
    pub format: String,
    /// Span of the format argument (`+"%Y-%V"`).
    pub format_span: Span,
    /// `LC_ALL=C` / `LANG=C` / `LC_TIME=C` set for the call.
    pub c_locale: bool,
}

/// A shell word: its span and its pieces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    pub span: Span,
    pub parts: Vec<WordPart>,
}

impl Word {
    /// The word's text when it is a plain literal (no expansion).
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                WordPart::Literal { text, .. } => out.push_str(text),
                _ => return None,
            }
        }
        Some(out)
    }

    /// Whether some part of the word is quoted.
    pub fn is_quoted(&self) -> bool {
        self.parts.iter().any(|p| {
            matches!(
                p,
                WordPart::Literal {
                    quoting: crate::hosts::embed::Quoting::ShellDouble
                        | crate::hosts::embed::Quoting::ShellSingle,
                    ..
                }
            )
        })
    }
}

/// Where a command or assignment sits: the branches around it, outermost first.
pub type Scope = Vec<u32>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignKind {
    /// `name=value` as a statement (or after `export`, `local`, `declare`, `readonly`).
    Plain,
    /// `name=value cmd …`: set for that one command only.
    Prefix,
    /// `read name`: a value read at run time.
    Read,
    /// `for name in …`.
    For,
}

#[derive(Clone, Debug)]
pub struct Assignment {
    pub name: String,
    pub span: Span,
    pub append: bool,
    pub value: Option<Word>,
    pub kind: AssignKind,
    pub scope: Scope,
    pub function: Option<usize>,
    pub in_loop: bool,
    /// For `Prefix`: the command it is attached to.
    pub command: Option<usize>,
    /// `local x=…` (or `declare` in a function): invisible outside the function.
    pub local: bool,
}

#[derive(Clone, Debug)]
pub struct Redirect {
    /// `<`, `>`, `>>`, `<<`, `<<-`, `<<<`, `&>` …
    pub op: String,
    pub span: Span,
    /// The file, or the here-string's word.
    pub target: Option<Word>,
    /// A heredoc's body (expansions resolved unless the delimiter was quoted).
    pub body: Option<Word>,
}

#[derive(Clone, Debug)]
pub struct Command {
    /// The command itself (without redirects).
    pub span: Span,
    /// The whole statement (with redirects and heredocs).
    pub statement: Span,
    pub name: Word,
    pub args: Vec<Word>,
    pub redirects: Vec<Redirect>,
    pub scope: Scope,
    pub function: Option<usize>,
    pub in_loop: bool,
    /// Inside `$(…)`.
    pub in_substitution: bool,
}

impl Command {
    /// The command's name without a directory (`cockroach` for `/usr/local/bin/cockroach`),
    /// when it is written literally, or its last path component is (`"$HOME"/bin/cockroach`).
    pub fn base_name(&self) -> Option<String> {
        if let Some(name) = self.name.literal() {
            return Some(prefix::base(&name).to_string());
        }
        match self.name.parts.last()? {
            WordPart::Literal { text, .. } if text.contains('/') => {
                Some(prefix::base(text).to_string()).filter(|b| !b.is_empty())
            }
            _ => None,
        }
    }

    /// The literal text of argument `i`.
    pub fn arg(&self, i: usize) -> Option<String> {
        self.args.get(i)?.literal()
    }
}

#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub span: Span,
}

/// `left OP right` inside `[ … ]` / `[[ … ]]`, or a `case` word and one of its patterns.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub left: Word,
    pub op: String,
    pub right: Word,
    pub span: Span,
}

/// An `if`/`elif`/`else` branch or a `case` item, with the comparisons that decide whether it
/// runs: it runs when one of `when` holds (an `else` when it has none of its own), and none
/// of `unless` (the conditions of the earlier branches of the same `if` or `case`).
#[derive(Clone, Debug)]
pub struct Branch {
    /// Its id in a [`Scope`].
    pub id: u32,
    /// Indices into [`Script::comparisons`]: its own condition (an `if`/`elif` test, the
    /// patterns of a `case` item).
    pub when: Vec<usize>,
    /// The comparisons of the earlier conditions of the same `if` or `case`.
    pub unless: Vec<usize>,
    /// An `else` (it has no condition of its own).
    pub otherwise: bool,
}

/// A documentation placeholder written where the shell reads a redirection
/// (`backup_parameters=<additional backup parameters>`): masked before parsing.
#[derive(Clone, Debug)]
pub struct MaskedPlaceholder {
    pub span: Span,
    pub text: String,
}

/// Everything the checks need to know about a script.
#[derive(Debug, Default)]
pub struct Script {
    pub assignments: Vec<Assignment>,
    pub commands: Vec<Command>,
    pub functions: Vec<Function>,
    pub comments: Vec<Span>,
    /// Spans of statements (for suppression comments: "the next statement").
    pub statements: Vec<Span>,
    pub comparisons: Vec<Comparison>,
    /// The branches of `if` and `case` statements of the script itself (not of scripts handed
    /// to a shell inside it), by the comparisons that decide them.
    pub branches: Vec<Branch>,
    /// `[ -f FILE ]`, `[[ -s FILE ]]`, `test -e FILE`: files whose existence is tested, with
    /// the test's span.
    pub file_tests: Vec<(Word, Span)>,
    pub masked: Vec<MaskedPlaceholder>,
    /// `set -e` (or `-o errexit`, or `bash -e` in the shebang).
    pub errexit: Option<Span>,
    /// Parse errors tree-sitter recovered from.
    pub errors: Vec<Span>,
    /// `(producer, consumer)`: command `consumer` reads what `producer` writes (a pipe).
    pub pipes: Vec<(usize, usize)>,
    /// Indices into `assignments` by variable name, in order: a variable's value is looked
    /// up among its own assignments, not all of the script's.
    by_name: std::collections::HashMap<String, Vec<usize>>,
    /// The scope ids (see [`Scope`]) that run in a child shell: `( … )`, `$( … )`, `<( … )`,
    /// the elements of a pipeline (all of them, as bash runs them, unless `shopt -s
    /// lastpipe`), a command sent to the background with `&`, and `bash -c`/`ssh` scripts.
    /// What they assign stays there.
    child_shells: std::collections::HashSet<u32>,
    /// `read -d '' NAME <<'EOF' … EOF` and `NAME=$(cat <<'EOF' … EOF)`: the heredoc body a
    /// `$(cat <<…)` substitution prints, by the substitution's start.
    cat_heredocs: std::collections::HashMap<u32, Word>,
}

impl Script {
    /// Parses `text`. Never fails: unparsable regions are recorded in `errors`.
    pub fn parse(text: &str) -> Script {
        let Some((tree, masked)) = parse_tree(text) else {
            return Script::default();
        };
        let mut builder = Builder {
            original: text,
            script: Script {
                masked,
                ..Script::default()
            },
            next_branch: 0,
            statement_children: statement_children(&tree),
            depth: 0,
            lastpipe: memchr::memmem::find(text.as_bytes(), b"lastpipe").is_some(),
            splice_budget: text.len().saturating_mul(2).saturating_add(1 << 16),
        };
        let first_line = text.lines().next().unwrap_or("");
        if first_line.starts_with("#!")
            && first_line
                .split_whitespace()
                .skip(1)
                .any(|w| w.starts_with('-') && !w.starts_with("--") && w.contains('e'))
        {
            builder.script.errexit = Some(Span::new(0, first_line.len()));
        }
        let ctx = WalkCtx::default();
        builder.walk(tree.root_node(), &ctx);
        let mut script = builder.script;
        nested::resolve_named_by_variables(&mut script);
        script
            .statements
            .sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
        script
    }

    /// The assignments of `name`, in the order they were recorded (source order).
    pub fn assignments_of<'a>(
        &'a self,
        name: &'a str,
    ) -> impl DoubleEndedIterator<Item = &'a Assignment> + Clone {
        self.by_name
            .get(name)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&n| &self.assignments[n])
    }

    /// Records an assignment (and indexes it by name).
    fn add_assignment(&mut self, a: Assignment) {
        self.by_name
            .entry(a.name.clone())
            .or_default()
            .push(self.assignments.len());
        self.assignments.push(a);
    }

    /// Whether `name` is assigned anywhere in the script.
    pub fn is_assigned(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Whether what is assigned in `scope` happens in a child shell that a point in `at`
    /// is not in (so it cannot change the value seen there).
    pub fn in_other_shell(&self, scope: &[u32], at: &[u32]) -> bool {
        if self.child_shells.is_empty() {
            return false;
        }
        let common = scope.iter().zip(at).take_while(|(a, b)| a == b).count();
        scope[common..]
            .iter()
            .any(|id| self.child_shells.contains(id))
    }

    /// The heredoc body that the `$(cat <<…)` starting at `at` prints, if it is one.
    pub fn cat_heredoc(&self, at: u32) -> Option<&Word> {
        self.cat_heredocs.get(&at)
    }
}

/// The syntax tree of `text`, placeholders masked (see `mask_placeholders`), and those
/// placeholders.
pub(crate) fn parse_tree(text: &str) -> Option<(tree_sitter::Tree, Vec<MaskedPlaceholder>)> {
    let (masked_text, masked) = mask_placeholders(text);
    let mut parser = tree_sitter::Parser::new();
    let language: tree_sitter::Language = tree_sitter_bash::LANGUAGE.into();
    parser.set_language(&language).ok()?;
    let tree = parser.parse(&masked_text, None)?;
    Some((tree, masked))
}

/// A word node of `original`'s tree read as a [`Word`].
pub(crate) fn read_word(original: &str, node: tree_sitter::Node<'_>) -> Word {
    // Reading one word records no statements.
    Builder {
        original,
        script: Script::default(),
        next_branch: 0,
        statement_children: std::collections::HashSet::new(),
        depth: 0,
        lastpipe: false,
        splice_budget: 0,
    }
    .word(node)
}

/// Replaces documentation placeholders that bash would read as redirections (`=<value here>`,
/// ` <database_name>`) with same-length names, so the script still parses; reports them.
fn mask_placeholders(text: &str) -> (String, Vec<MaskedPlaceholder>) {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut found = Vec::new();
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\\' if !single => {
                i += 2;
                continue;
            }
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single && !double && (i == 0 || bytes[i - 1].is_ascii_whitespace()) => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'<' if !single
                && !double
                && i > 0
                && (bytes[i - 1] == b'=' || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') =>
            {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len()
                    && (bytes[j].is_ascii_alphanumeric()
                        || matches!(bytes[j], b'_' | b' ' | b'-' | b'.'))
                    && j - start < 80
                {
                    j += 1;
                }
                let plausible = j > start
                    && bytes.get(j) == Some(&b'>')
                    && bytes[start].is_ascii_alphabetic()
                    && bytes[j - 1] != b' ';
                if plausible {
                    for byte in &mut out[i..=j] {
                        if !byte.is_ascii_alphanumeric() {
                            *byte = b'_';
                        }
                    }
                    found.push(MaskedPlaceholder {
                        span: Span::new(i, j + 1),
                        text: text[i..=j].to_string(),
                    });
                    i = j + 1;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if found.is_empty() {
        return (text.to_string(), found);
    }
    (
        String::from_utf8(out).unwrap_or_else(|_| text.to_string()),
        found,
    )
}

#[derive(Clone, Default)]
struct WalkCtx {
    /// Inside `local …` (or `declare …` in a function): the variables are the function's own.
    local: bool,
    scope: Scope,
    function: Option<usize>,
    in_loop: bool,
    in_substitution: bool,
}

struct Builder<'a> {
    original: &'a str,
    script: Script,
    next_branch: u32,
    /// Ids of the nodes whose parent is one of `STATEMENT_PARENTS`, found in one pass:
    /// tree-sitter's `Node::parent` walks down from the root, which a script of thousands of
    /// top-level commands would pay once per node.
    statement_children: std::collections::HashSet<usize>,
    /// How many scripts this one is inside (`bash -c '…'`, see `nested`).
    depth: u8,
    /// `shopt -s lastpipe`: a pipeline's last command runs in this shell.
    lastpipe: bool,
    /// How many more bytes of scripts kept in variables may be read (each `bash -c
    /// "$SCRIPT"` reads its value again): twice the file, so a value used a thousand times
    /// cannot make the reading quadratic. Past it, such a script is opaque.
    splice_budget: usize,
}

/// The ids of the children of every `STATEMENT_PARENTS` node of `tree`.
fn statement_children(tree: &tree_sitter::Tree) -> std::collections::HashSet<usize> {
    let mut ids = std::collections::HashSet::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        let is_parent = STATEMENT_PARENTS.contains(&node.kind());
        for child in node.children(&mut cursor) {
            if is_parent {
                ids.insert(child.id());
            }
            stack.push(child);
        }
    }
    ids
}

fn span_of(node: tree_sitter::Node<'_>) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

const STATEMENT_PARENTS: &[&str] = &[
    "program",
    "do_group",
    "compound_statement",
    "if_statement",
    "elif_clause",
    "else_clause",
    "case_item",
    "subshell",
];

impl Builder<'_> {
    fn text(&self, node: tree_sitter::Node<'_>) -> &str {
        // The original text: masked placeholders are reported, never evaluated as names.
        &self.original[node.byte_range()]
    }

    fn branch(&mut self, ctx: &WalkCtx) -> WalkCtx {
        self.next_branch += 1;
        let mut inner = ctx.clone();
        inner.scope.push(self.next_branch);
        inner
    }

    /// A branch that runs in a child shell: its assignments stay there.
    pub(super) fn child_shell(&mut self, ctx: &WalkCtx) -> WalkCtx {
        let inner = self.branch(ctx);
        self.script.child_shells.insert(self.next_branch);
        inner
    }

    /// Walks `node`'s children; one followed by `&` runs in the background, in a child shell.
    fn walk_each(&mut self, node: tree_sitter::Node<'_>, ctx: &WalkCtx) {
        let mut cursor = node.walk();
        let children: Vec<_> = node.children(&mut cursor).collect();
        for (i, child) in children.iter().enumerate() {
            if children.get(i + 1).is_some_and(|n| n.kind() == "&") {
                let inner = self.child_shell(ctx);
                self.walk(*child, &inner);
            } else {
                self.walk(*child, ctx);
            }
        }
    }

    fn walk(&mut self, node: tree_sitter::Node<'_>, ctx: &WalkCtx) {
        if node.is_error() || node.is_missing() {
            self.script.errors.push(span_of(node));
        }
        if self.statement_children.contains(&node.id())
            && node.is_named()
            && node.kind() != "comment"
            && !matches!(node.kind(), "elif_clause" | "else_clause" | "do_group")
        {
            self.script.statements.push(span_of(node));
        }
        match node.kind() {
            "comment" => self.script.comments.push(span_of(node)),
            "function_definition" => {
                let name = node
                    .child_by_field_name("name")
                    .map(|n| self.text(n).to_string())
                    .unwrap_or_default();
                self.script.functions.push(Function {
                    name,
                    span: span_of(node),
                });
                let mut inner = self.branch(ctx);
                inner.function = Some(self.script.functions.len() - 1);
                if let Some(body) = node.child_by_field_name("body") {
                    self.walk(body, &inner);
                }
            }
            "redirected_statement" => {
                let redirects = self.redirects(node);
                match node.child_by_field_name("body") {
                    Some(body) if body.kind() == "command" => {
                        let before = self.script.commands.len();
                        self.command(body, span_of(node), redirects, ctx);
                        self.heredoc_tail(node, body.start_byte(), before, ctx);
                    }
                    Some(body) => {
                        self.pending_redirects(body, &redirects);
                        self.walk(body, ctx);
                    }
                    None => {}
                }
                // Heredoc bodies may hold substitutions; nothing else to walk.
            }
            "command" => self.command(node, span_of(node), Vec::new(), ctx),
            "pipeline" => self.pipeline(node, ctx, None),
            "variable_assignment" => self.assignment(node, AssignKind::Plain, None, ctx),
            "declaration_command" => {
                let keyword = node.child(0).map(|k| self.text(k).to_string());
                let local = match keyword.as_deref() {
                    Some("local") => true,
                    Some("declare" | "typeset") => {
                        ctx.function.is_some()
                            && !node_words(node, self.original)
                                .any(|w| w.starts_with("-") && w.contains('g'))
                    }
                    _ => false,
                };
                let inner = WalkCtx {
                    local,
                    ..ctx.clone()
                };
                self.walk_children(node, &inner);
            }
            "unset_command" => {
                // The variables named lose their value.
                let mut cursor = node.walk();
                let names: Vec<(String, Span)> = node
                    .named_children(&mut cursor)
                    .filter(|c| matches!(c.kind(), "variable_name" | "word"))
                    .map(|c| (self.text(c).to_string(), span_of(c)))
                    .filter(|(t, _)| !t.starts_with('-'))
                    .collect();
                for (name, span) in names {
                    self.script.add_assignment(Assignment {
                        name,
                        span,
                        append: false,
                        value: None,
                        kind: AssignKind::Read,
                        scope: ctx.scope.clone(),
                        function: ctx.function,
                        in_loop: ctx.in_loop,
                        command: None,
                        local: false,
                    });
                }
            }
            "if_statement" => self.if_statement(node, ctx),
            "while_statement" | "until_statement" | "for_statement" | "c_style_for_statement" => {
                let mut inner = self.branch(ctx);
                inner.in_loop = true;
                if node.kind() == "for_statement"
                    && let Some(var) = node.child_by_field_name("variable")
                {
                    self.script.add_assignment(Assignment {
                        name: self.text(var).to_string(),
                        span: span_of(var),
                        append: false,
                        value: None,
                        kind: AssignKind::For,
                        scope: inner.scope.clone(),
                        function: ctx.function,
                        in_loop: true,
                        command: None,
                        local: false,
                    });
                }
                // The loop condition runs at least once: it belongs to the outer scope,
                // but it repeats, so it counts as in the loop.
                self.walk_each(node, &inner);
            }
            "case_statement" => self.case_statement(node, ctx),
            "test_command" => {
                self.comparisons(node, ctx);
                self.walk_children(node, ctx);
            }
            "command_substitution" => {
                let mut inner = self.child_shell(ctx);
                inner.in_substitution = true;
                let before = self.script.commands.len();
                self.walk_children(node, &inner);
                // `$(cat <<'EOF' … EOF)`: prints the heredoc's body.
                if let [cat] = &self.script.commands[before..]
                    && cat.base_name().as_deref() == Some("cat")
                    && cat.args.iter().all(|a| a.literal().as_deref() == Some("-"))
                    && let [redirect] = cat.redirects.as_slice()
                    && let Some(body) = &redirect.body
                    && node.named_child_count() == 1
                {
                    let body = body.clone();
                    self.script
                        .cat_heredocs
                        .insert(node.start_byte() as u32, body);
                }
            }
            "subshell" | "process_substitution" => {
                let inner = self.child_shell(ctx);
                self.walk_each(node, &inner);
            }
            _ => self.walk_children(node, ctx),
        }
    }

    fn walk_children(&mut self, node: tree_sitter::Node<'_>, ctx: &WalkCtx) {
        self.walk_each(node, ctx);
    }

    fn if_statement(&mut self, node: tree_sitter::Node<'_>, ctx: &WalkCtx) {
        let mut then_ctx: Option<WalkCtx> = None;
        // The comparisons of the conditions so far (the `if`'s, then each `elif`'s).
        let from = self.script.comparisons.len();
        let mut earlier: Vec<usize> = Vec::new();
        let mut cursor = node.walk();
        let children: Vec<_> = node.children(&mut cursor).collect();
        for (i, child) in children.iter().enumerate() {
            match child.kind() {
                "then" if then_ctx.is_none() => {
                    let inner = self.branch(ctx);
                    let when: Vec<usize> = (from..self.script.comparisons.len()).collect();
                    earlier.extend(&when);
                    self.script.branches.push(Branch {
                        id: self.next_branch,
                        when,
                        unless: Vec::new(),
                        otherwise: false,
                    });
                    then_ctx = Some(inner);
                }
                "elif_clause" | "else_clause" => {
                    let inner = self.branch(ctx);
                    let at = self.script.branches.len();
                    self.script.branches.push(Branch {
                        id: self.next_branch,
                        when: Vec::new(),
                        unless: earlier.clone(),
                        otherwise: child.kind() == "else_clause",
                    });
                    let start = self.script.comparisons.len();
                    let mut end = None;
                    let mut c = child.walk();
                    let kids: Vec<_> = child.children(&mut c).collect();
                    for (j, k) in kids.iter().enumerate() {
                        if k.kind() == "then" && end.is_none() {
                            end = Some(self.script.comparisons.len());
                        }
                        // A command backgrounded with `&` runs in a child shell.
                        if kids.get(j + 1).is_some_and(|n| n.kind() == "&") {
                            let shell = self.child_shell(&inner);
                            self.walk(*k, &shell);
                        } else {
                            self.walk(*k, &inner);
                        }
                    }
                    if child.kind() == "elif_clause" {
                        let when: Vec<usize> = (start..end.unwrap_or(start)).collect();
                        earlier.extend(&when);
                        self.script.branches[at].when = when;
                    }
                }
                _ => {
                    let mut c = then_ctx.clone().unwrap_or_else(|| ctx.clone());
                    if children.get(i + 1).is_some_and(|n| n.kind() == "&") {
                        c = self.child_shell(&c);
                    }
                    self.walk(*child, &c);
                }
            }
        }
    }

    fn case_statement(&mut self, node: tree_sitter::Node<'_>, ctx: &WalkCtx) {
        let value = node.child_by_field_name("value").map(|v| self.word(v));
        let mut earlier: Vec<usize> = Vec::new();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.kind() != "case_item" {
                self.walk(child, ctx);
                continue;
            }
            let inner = self.branch(ctx);
            let start = self.script.comparisons.len();
            let mut c2 = child.walk();
            for part in child.children_by_field_name("value", &mut c2) {
                if let Some(value) = &value {
                    self.script.comparisons.push(Comparison {
                        left: value.clone(),
                        op: "case".into(),
                        right: self.word(part),
                        span: span_of(part),
                    });
                }
            }
            let when: Vec<usize> = (start..self.script.comparisons.len()).collect();
            self.script.branches.push(Branch {
                id: self.next_branch,
                when: when.clone(),
                unless: earlier.clone(),
                otherwise: false,
            });
            earlier.extend(when);
            self.walk_children(child, &inner);
        }
    }

    fn comparisons(&mut self, node: tree_sitter::Node<'_>, _ctx: &WalkCtx) {
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if n.kind() == "unary_expression"
                && let Some(op) = n.child(0)
                && op.kind() == "test_operator"
                && matches!(self.text(op), "-f" | "-e" | "-s" | "-r" | "-a")
                && let Some(file) = n.named_child(1)
            {
                self.script.file_tests.push((self.word(file), span_of(n)));
                continue;
            }
            if n.kind() == "binary_expression"
                && let (Some(l), Some(op), Some(r)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("operator"),
                    n.child_by_field_name("right"),
                )
            {
                let op = self.text(op).to_string();
                if matches!(op.as_str(), "=" | "==" | "!=" | "-eq" | "-ne") {
                    // tree-sitter-bash reads `a = b || c` as `a = (b || c)`; bash compares
                    // `a = b` first.
                    let (right, rest) = match (
                        r.kind(),
                        r.child_by_field_name("left"),
                        r.child_by_field_name("operator"),
                        r.child_by_field_name("right"),
                    ) {
                        ("binary_expression", Some(rl), Some(rop), Some(rr))
                            if matches!(self.text(rop), "||" | "&&") =>
                        {
                            (rl, Some(rr))
                        }
                        _ => (r, None),
                    };
                    self.script.comparisons.push(Comparison {
                        left: self.word(l),
                        op,
                        right: self.word(right),
                        span: Span::new(n.start_byte(), right.end_byte()),
                    });
                    if let Some(rest) = rest {
                        stack.push(rest);
                    }
                    continue;
                }
            }
            let mut cursor = n.walk();
            for child in n.children(&mut cursor) {
                stack.push(child);
            }
        }
    }

    fn assignment(
        &mut self,
        node: tree_sitter::Node<'_>,
        kind: AssignKind,
        command: Option<usize>,
        ctx: &WalkCtx,
    ) {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.text(n).to_string())
            .unwrap_or_default();
        let mut append = false;
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.kind() == "+=" {
                append = true;
            }
        }
        let value = node.child_by_field_name("value");
        if let Some(v) = value {
            // Substitutions inside the value run too (`x=$(date …)`).
            self.walk(v, ctx);
        }
        let value = value.map(|v| self.word(v)).or_else(|| {
            Some(Word {
                span: Span::point(node.end_byte()),
                parts: Vec::new(),
            })
        });
        self.script.add_assignment(Assignment {
            name,
            span: span_of(node),
            append,
            value,
            kind,
            scope: ctx.scope.clone(),
            function: ctx.function,
            in_loop: ctx.in_loop,
            command,
            local: ctx.local,
        });
    }

    fn redirects(&mut self, node: tree_sitter::Node<'_>) -> Vec<Redirect> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        for child in node.children_by_field_name("redirect", &mut cursor) {
            self.redirect(child, &mut out);
        }
        out
    }

    fn redirect(&mut self, node: tree_sitter::Node<'_>, out: &mut Vec<Redirect>) {
        match node.kind() {
            "file_redirect" => {
                let mut op = String::new();
                let mut target = None;
                let mut cursor = node.walk();
                for child in node.children(&mut cursor) {
                    if !child.is_named() {
                        op = self.text(child).to_string();
                    } else if child.kind() != "file_descriptor" && target.is_none() {
                        target = Some(self.word(child));
                    }
                }
                out.push(Redirect {
                    op,
                    span: span_of(node),
                    target,
                    body: None,
                });
            }
            "herestring_redirect" => {
                let target = node.named_child(0).map(|w| self.word(w));
                out.push(Redirect {
                    op: "<<<".into(),
                    span: span_of(node),
                    target,
                    body: None,
                });
            }
            "heredoc_redirect" => {
                let mut quoted = false;
                let mut body = None;
                let mut op = "<<".to_string();
                let mut cursor = node.walk();
                for child in node.children(&mut cursor) {
                    match child.kind() {
                        "<<" | "<<-" => op = self.text(child).to_string(),
                        "heredoc_start" => {
                            let t = self.text(child);
                            quoted = t.contains('\'') || t.contains('"') || t.contains('\\');
                        }
                        "heredoc_body" => body = Some(self.heredoc_body(child, quoted)),
                        "file_redirect" | "herestring_redirect" => self.redirect(child, out),
                        _ => {}
                    }
                }
                out.push(Redirect {
                    op,
                    span: span_of(node),
                    target: None,
                    body,
                });
            }
            _ => {}
        }
    }

    /// Redirects written after a compound statement (`while …; done < "$file"`) are recorded
    /// on a synthetic command so that the checks see the file being read.
    fn pending_redirects(&mut self, body: tree_sitter::Node<'_>, redirects: &[Redirect]) {
        if redirects.is_empty() {
            return;
        }
        let span = span_of(body);
        self.script.commands.push(Command {
            span,
            statement: span,
            name: Word {
                span: Span::point(span.start as usize),
                parts: vec![WordPart::Literal {
                    text: body.kind().to_string(),
                    host: Span::point(span.start as usize),
                    quoting: crate::hosts::embed::Quoting::Raw,
                }],
            },
            args: Vec::new(),
            redirects: redirects.to_vec(),
            scope: Vec::new(),
            function: None,
            in_loop: false,
            in_substitution: false,
        });
    }

    fn command(
        &mut self,
        node: tree_sitter::Node<'_>,
        statement: Span,
        mut redirects: Vec<Redirect>,
        ctx: &WalkCtx,
    ) {
        let index = self.script.commands.len();
        let mut name = Word::default();
        let mut args = Vec::new();
        let mut prefixes = Vec::new();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.kind() {
                "variable_assignment" => prefixes.push(child),
                "command_name" => {
                    if let Some(w) = child.named_child(0) {
                        name = self.word(w);
                    }
                    self.walk_children(child, ctx);
                }
                "file_redirect" | "herestring_redirect" | "heredoc_redirect" => {
                    self.redirect(child, &mut redirects);
                }
                "comment" => self.script.comments.push(span_of(child)),
                _ if child.is_named() => {
                    args.push(self.word(child));
                    // Substitutions in arguments run too.
                    self.walk_children(child, ctx);
                }
                _ => {}
            }
        }
        // `sudo -u crdb cockroach sql …` is a `cockroach sql` command; `bash -c '…'` runs a
        // script of its own, read below.
        let (name, args, nested) = nested::unwrap_wrappers(name, args, &redirects);
        if name.parts.is_empty() && !prefixes.is_empty() {
            // `a=1 b=2` alone: plain assignments.
            for p in prefixes {
                self.assignment(p, AssignKind::Plain, None, ctx);
            }
            return;
        }
        if name.literal().as_deref() == Some("set")
            && args.iter().any(|a| {
                a.literal().is_some_and(|t| {
                    (t.starts_with('-') && !t.starts_with("--") && t.contains('e'))
                        || t == "errexit"
                })
            })
            && self.script.errexit.is_none()
        {
            self.script.errexit = Some(span_of(node));
        }
        if matches!(name.literal().as_deref(), Some("test" | "["))
            && let [flag, file, ..] = args.as_slice()
            && matches!(
                flag.literal().as_deref(),
                Some("-f" | "-e" | "-s" | "-r" | "-a")
            )
        {
            self.script.file_tests.push((file.clone(), span_of(node)));
        }
        if name.literal().as_deref() == Some("printf")
            && args.first().and_then(Word::literal).as_deref() == Some("-v")
            && let Some(var) = args.get(1).and_then(Word::literal)
        {
            // `printf -v name FORMAT ARG…`: the formatted text when the format is plain `%s`
            // slots filled once each; otherwise a value known only at run time.
            let value = args.get(2).and_then(|f| printf_value(f, &args[3..]));
            self.script.add_assignment(Assignment {
                name: var,
                span: args[1].span,
                append: false,
                kind: if value.is_some() {
                    AssignKind::Plain
                } else {
                    AssignKind::Read
                },
                value,
                scope: ctx.scope.clone(),
                function: ctx.function,
                in_loop: ctx.in_loop,
                command: Some(index),
                local: false,
            });
        }
        // The variables these name get their value at run time (`read`, `mapfile`, `getopts`'s
        // second word) or lose it (`unset`): opaque from here on.
        let names_from = match name.literal().as_deref() {
            Some("unset" | "mapfile" | "readarray" | "read") => Some(0),
            Some("getopts") => Some(1),
            _ => None,
        };
        // `read -r -d '' NAME <<'EOF' … EOF`: NAME holds the heredoc's body (a script or a
        // statement kept in a variable).
        let heredoc_read = (name.literal().as_deref() == Some("read"))
            .then(|| read_whole_heredoc(&args, &redirects))
            .flatten();
        if let Some((var, body)) = heredoc_read {
            self.script.add_assignment(Assignment {
                name: var.literal().unwrap_or_default(),
                span: var.span,
                append: false,
                value: Some(body),
                kind: AssignKind::Plain,
                scope: ctx.scope.clone(),
                function: ctx.function,
                in_loop: ctx.in_loop,
                command: Some(index),
                local: false,
            });
        } else if let Some(skip) = names_from {
            for a in args.iter().skip(skip).filter(|a| {
                a.literal()
                    .is_some_and(|t| !t.is_empty() && !t.starts_with('-'))
            }) {
                self.script.add_assignment(Assignment {
                    name: a.literal().unwrap_or_default(),
                    span: a.span,
                    append: false,
                    value: None,
                    kind: AssignKind::Read,
                    scope: ctx.scope.clone(),
                    function: ctx.function,
                    in_loop: ctx.in_loop,
                    command: Some(index),
                    local: false,
                });
            }
        }
        self.script.commands.push(Command {
            span: span_of(node),
            statement,
            name,
            args,
            redirects,
            scope: ctx.scope.clone(),
            function: ctx.function,
            in_loop: ctx.in_loop,
            in_substitution: ctx.in_substitution,
        });
        for p in prefixes {
            self.assignment(p, AssignKind::Prefix, Some(index), ctx);
        }
        if let Some(words) = nested {
            let same_shell = self.script.commands[index].name.literal().as_deref() == Some("eval");
            self.nested_script(&words, ctx, same_shell);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Words

    fn word(&self, node: tree_sitter::Node<'_>) -> Word {
        let mut parts = Vec::new();
        self.word_parts(
            node,
            crate::hosts::embed::Quoting::ShellUnquoted,
            &mut parts,
        );
        Word {
            span: span_of(node),
            parts,
        }
    }

    fn literal(
        &self,
        text: String,
        host: Span,
        quoting: crate::hosts::embed::Quoting,
        out: &mut Vec<WordPart>,
    ) {
        if text.is_empty() && host.is_empty() {
            return;
        }
        out.push(WordPart::Literal {
            text,
            host,
            quoting,
        });
    }

    /// Text between expansions: escapes resolved as the quoting says, each escape its own
    /// piece so that every other byte keeps an exact position.
    fn gap(
        &self,
        start: usize,
        end: usize,
        quoting: crate::hosts::embed::Quoting,
        out: &mut Vec<WordPart>,
    ) {
        use crate::hosts::embed::Quoting;
        let s = &self.original[start..end];
        let escapable: &[u8] = match quoting {
            Quoting::ShellDouble => b"\\\"$`\n",
            Quoting::Heredoc => b"\\$`\n",
            Quoting::ShellUnquoted => b"",
            _ => {
                self.literal(s.to_string(), Span::new(start, end), quoting, out);
                return;
            }
        };
        let bytes = s.as_bytes();
        let mut run = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\\' && i + 1 < bytes.len() {
                let next = bytes[i + 1];
                let escapes = quoting == Quoting::ShellUnquoted || escapable.contains(&next);
                if escapes {
                    self.literal(
                        s[run..i].to_string(),
                        Span::new(start + run, start + i),
                        quoting,
                        out,
                    );
                    let ch_len = s[i + 1..].chars().next().map_or(1, char::len_utf8);
                    let text = if next == b'\n' {
                        String::new()
                    } else {
                        s[i + 1..i + 1 + ch_len].to_string()
                    };
                    out.push(WordPart::Literal {
                        text,
                        host: Span::new(start + i, start + i + 1 + ch_len),
                        quoting,
                    });
                    i += 1 + ch_len;
                    run = i;
                    continue;
                }
            }
            i += 1;
        }
        self.literal(
            s[run..].to_string(),
            Span::new(start + run, end),
            quoting,
            out,
        );
    }

    fn word_parts(
        &self,
        node: tree_sitter::Node<'_>,
        quoting: crate::hosts::embed::Quoting,
        out: &mut Vec<WordPart>,
    ) {
        use crate::hosts::embed::Quoting;
        match node.kind() {
            "word" | "number" | "string_content" | "heredoc_content" | "special_variable_name" => {
                self.gap(node.start_byte(), node.end_byte(), quoting, out)
            }
            "raw_string" => {
                let (s, e) = (node.start_byte(), node.end_byte());
                if e - s >= 2 {
                    self.literal(
                        self.original[s + 1..e - 1].to_string(),
                        Span::new(s + 1, e - 1),
                        Quoting::ShellSingle,
                        out,
                    );
                }
            }
            "ansi_c_string" => {
                let raw = self.text(node);
                let inner = raw.get(2..raw.len().saturating_sub(1)).unwrap_or("");
                out.push(WordPart::Literal {
                    text: ansi_c_unescape(inner),
                    host: span_of(node),
                    quoting: Quoting::ShellSingle,
                });
            }
            "string" | "translated_string" => {
                // `"…"`: the bytes between the quotes and between child expansions.
                let mut pos = node.start_byte() + if node.kind() == "string" { 1 } else { 2 };
                // An unterminated string (`x="é` at the end of the file) has no closing quote.
                let close = usize::from(self.original[..node.end_byte()].ends_with('"'));
                let end = (node.end_byte() - close).max(pos);
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    if child.kind() == "string_content" {
                        continue;
                    }
                    if self.start_of(child) > pos {
                        self.gap(pos, self.start_of(child), Quoting::ShellDouble, out);
                    }
                    self.word_parts(child, Quoting::ShellDouble, out);
                    pos = child.end_byte();
                }
                if end > pos {
                    self.gap(pos, end, Quoting::ShellDouble, out);
                }
            }
            "concatenation" => {
                let mut cursor = node.walk();
                let mut pos = node.start_byte();
                for child in node.children(&mut cursor) {
                    if self.start_of(child) > pos {
                        self.gap(pos, self.start_of(child), quoting, out);
                    }
                    self.word_parts(child, quoting, out);
                    pos = child.end_byte();
                }
            }
            "simple_expansion" => {
                let name = node
                    .named_child(0)
                    .map(|n| self.text(n).to_string())
                    .unwrap_or_default();
                let host = Span::new(self.start_of(node), node.end_byte());
                out.push(variable_part(name, host, None, false));
            }
            "expansion" => {
                let mut name = String::new();
                let mut default = None;
                let mut complex = false;
                let mut seen_op = false;
                let mut cursor = node.walk();
                for child in node.children(&mut cursor) {
                    match child.kind() {
                        "${" | "}" => {}
                        "variable_name" | "special_variable_name" if name.is_empty() => {
                            name = self.text(child).to_string();
                        }
                        ":-" | "-" if !seen_op => seen_op = true,
                        _ if seen_op && default.is_none() && child.is_named() => {
                            default = Some(Box::new(self.word(child)));
                        }
                        _ => complex = true,
                    }
                }
                if name.is_empty() {
                    complex = true;
                }
                out.push(variable_part(name, span_of(node), default, complex));
            }
            "command_substitution" => out.push(WordPart::Substitution {
                host: span_of(node),
                date: self.date_call(node),
            }),
            "heredoc_body" => out.extend(self.heredoc_body(node, false).parts),
            _ => {
                // Anything else (arithmetic, process substitution, globs…) is kept as written
                // when it has no expansion inside, else read as an unknown value.
                let t = self.text(node);
                if t.contains('$') || t.contains('`') {
                    out.push(WordPart::Substitution {
                        host: span_of(node),
                        date: None,
                    });
                } else {
                    self.gap(node.start_byte(), node.end_byte(), quoting, out);
                }
            }
        }
    }

    /// Where a node really starts: tree-sitter-bash puts the whitespace before a `$name`
    /// inside double quotes into the expansion's token.
    fn start_of(&self, node: tree_sitter::Node<'_>) -> usize {
        let text = &self.original[node.byte_range()];
        node.start_byte() + (text.len() - text.trim_start().len())
    }

    fn heredoc_body(&self, node: tree_sitter::Node<'_>, quoted: bool) -> Word {
        use crate::hosts::embed::Quoting;
        let mut parts = Vec::new();
        if quoted {
            self.literal(
                self.text(node).to_string(),
                span_of(node),
                Quoting::Raw,
                &mut parts,
            );
        } else {
            let mut pos = node.start_byte();
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                if child.kind() == "heredoc_content" {
                    continue;
                }
                if self.start_of(child) > pos {
                    self.gap(pos, self.start_of(child), Quoting::Heredoc, &mut parts);
                }
                self.word_parts(child, Quoting::Heredoc, &mut parts);
                pos = child.end_byte();
            }
            if node.end_byte() > pos {
                self.gap(pos, node.end_byte(), Quoting::Heredoc, &mut parts);
            }
        }
        Word {
            span: span_of(node),
            parts,
        }
    }

    /// `$(date +FMT)` / `$(LC_ALL=C date -u +FMT)`.
    fn date_call(&self, node: tree_sitter::Node<'_>) -> Option<DateCall> {
        let command = node.named_child(0)?;
        if command.kind() != "command" || node.named_child_count() != 1 {
            return None;
        }
        let mut c_locale = false;
        let mut is_date = false;
        let mut format = None;
        let mut cursor = command.walk();
        for child in command.children(&mut cursor) {
            match child.kind() {
                "variable_assignment" => {
                    let t = self.text(child);
                    c_locale |= matches!(
                        t,
                        "LC_ALL=C" | "LANG=C" | "LC_TIME=C" | "LC_ALL=POSIX" | "LC_ALL=C.UTF-8"
                    );
                }
                "command_name" => is_date = self.text(child) == "date",
                _ if child.is_named() => {
                    let w = self.word(child);
                    let text = w.literal()?;
                    if let Some(fmt) = text.strip_prefix('+') {
                        format = Some((fmt.to_string(), w.span));
                    } else if !text.starts_with('-') {
                        return None;
                    }
                }
                _ => {}
            }
        }
        let (format, format_span) = format?;
        is_date.then_some(DateCall {
            format,
            format_span,
            c_locale,
        })
    }
}

fn variable_part(name: String, host: Span, default: Option<Box<Word>>, complex: bool) -> WordPart {
    match name.as_str() {
        "@" | "*" => WordPart::Positional { index: 0, host },
        n if n.len() == 1 && n.as_bytes()[0].is_ascii_digit() && n != "0" => WordPart::Positional {
            index: usize::from(n.as_bytes()[0] - b'0'),
            host,
        },
        _ => WordPart::Variable {
            name,
            host,
            default,
            complex,
        },
    }
}

fn ansi_c_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `read [-r] -d '' NAME` fed a heredoc: NAME's word and the body it reads whole (no other
/// option that changes what is read).
fn read_whole_heredoc(args: &[Word], redirects: &[Redirect]) -> Option<(Word, Word)> {
    let mut name = None;
    let mut whole = false;
    let mut i = 0;
    while i < args.len() {
        let t = args[i].literal()?;
        match t.as_str() {
            "-r" => {}
            "-d" | "-rd" => {
                if !args.get(i + 1)?.literal()?.is_empty() {
                    return None;
                }
                whole = true;
                i += 1;
            }
            _ if t.starts_with('-') => return None,
            _ if name.is_none() && !t.is_empty() => name = Some(args[i].clone()),
            _ => return None,
        }
        i += 1;
    }
    let body = redirects.iter().find_map(|r| r.body.clone())?;
    whole.then_some(())?;
    Some((name?, body))
}

/// The texts of a node's direct word children (`declare -g x=1` → `-g`).
fn node_words<'t>(node: tree_sitter::Node<'t>, text: &'t str) -> impl Iterator<Item = &'t str> {
    let mut cursor = node.walk();
    let words: Vec<&str> = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "word")
        .map(|c| &text[c.byte_range()])
        .collect();
    words.into_iter()
}

/// The value `printf -v name FORMAT ARG…` gives `name`, as a word: the format's text with each
/// `%s` replaced by its argument, when the format is written literally, has only `%s` slots
/// (and `%%`), and there is one argument per slot. `None` otherwise (the value is then known
/// only at run time).
fn printf_value(format: &Word, args: &[Word]) -> Option<Word> {
    let text = format.literal()?;
    if text.contains('\\') {
        return None;
    }
    let quoting = match format.parts.first()? {
        WordPart::Literal { quoting, .. } => *quoting,
        _ => return None,
    };
    let mut parts = Vec::new();
    let mut rest = text.as_str();
    let mut args = args.iter();
    let mut literal = String::new();
    while let Some(p) = rest.find('%') {
        literal.push_str(&rest[..p]);
        match rest.as_bytes().get(p + 1) {
            Some(b'%') => literal.push('%'),
            Some(b's') => {
                if !literal.is_empty() {
                    parts.push(WordPart::Literal {
                        text: std::mem::take(&mut literal),
                        host: format.span,
                        quoting,
                    });
                }
                parts.extend(args.next()?.parts.iter().cloned());
            }
            _ => return None,
        }
        rest = &rest[p + 2..];
    }
    literal.push_str(rest);
    if args.next().is_some() {
        return None;
    }
    if !literal.is_empty() {
        parts.push(WordPart::Literal {
            text: literal,
            host: format.span,
            quoting,
        });
    }
    Some(Word {
        span: format.span,
        parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_docs_script_shape() {
        let text = "#!/bin/bash\nset -euo pipefail\nfull_day=<day_of_the_week>   # c\nx=\"a\\\"b $y\"\nrunsql() { cockroach sql --insecure -e \"$1\"; }\nwhile read -r line; do prev+=\"'$line'\"; done < \"$recent\"\nif [[ \"$(LC_ALL=C date +%A)\" = \"$full_day\" ]]; then runsql \"BACKUP TO '$d'\"; fi\n";
        let s = Script::parse(text);
        assert!(s.errexit.is_some());
        assert_eq!(s.masked.len(), 1);
        assert_eq!(s.masked[0].text, "<day_of_the_week>");
        assert_eq!(s.functions[0].name, "runsql");
        let names: Vec<_> = s.assignments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["full_day", "x", "line", "prev", "LC_ALL"]);
        let x = s.assignments[1].value.as_ref().unwrap();
        match &x.parts[1] {
            WordPart::Literal {
                text: unescaped,
                host,
                ..
            } => {
                assert_eq!(unescaped, "\"");
                assert_eq!(&text[host.range()], "\\\"");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.comparisons.len(), 1);
        let WordPart::Substitution { date: Some(d), .. } = &s.comparisons[0].left.parts[0] else {
            panic!("{:?}", s.comparisons[0].left);
        };
        assert_eq!(d.format, "%A");
        assert!(d.c_locale);
        let cmds: Vec<_> = s.commands.iter().filter_map(Command::base_name).collect();
        assert!(cmds.contains(&"cockroach".to_string()));
        assert!(cmds.contains(&"runsql".to_string()));
        assert!(
            s.commands
                .iter()
                .any(|c| c.redirects.iter().any(|r| r.op == "<"))
        );
        // Existence tests are recorded for the state-file rule.
        let t = Script::parse(
            "[ -f \"$r\" ] || touch x\nif [[ ! -s $r ]]; then :; fi\ntest -e \"$r\"\n",
        );
        assert_eq!(t.file_tests.len(), 3);
    }
}
