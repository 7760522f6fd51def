//! Pipelines: which command's output is another's standard input (`echo "…" | cockroach sql`,
//! `cat <<EOF | docker exec -i crdb cockroach sql`), recorded as [`Script::pipes`].
//!
//! [`Script::pipes`]: super::Script::pipes

use super::{Builder, WalkCtx};

impl Builder<'_> {
    /// A pipeline: each command reads what the one before it writes. `previous` is a command
    /// feeding the first one (the `cat <<EOF` a pipeline follows on its line).
    pub(super) fn pipeline(
        &mut self,
        node: tree_sitter::Node<'_>,
        ctx: &WalkCtx,
        mut previous: Option<usize>,
    ) {
        let mut cursor = node.walk();
        let children: Vec<_> = node
            .children(&mut cursor)
            .filter(|c| c.is_named() && c.kind() != "comment")
            .collect();
        let last = children.len().saturating_sub(1);
        for (i, child) in children.into_iter().enumerate() {
            // `|`, `|&` are between two commands. Each command runs in a child shell (bash's
            // default; with `shopt -s lastpipe` the last one runs in this shell).
            let inner = if i == last && self.lastpipe {
                ctx.clone()
            } else {
                self.child_shell(ctx)
            };
            let before = self.script.commands.len();
            self.walk(child, &inner);
            let this = self.command_at(before, child.start_byte());
            if let (Some(p), Some(c)) = (previous, this) {
                self.script.pipes.push((p, c));
            }
            previous = this;
        }
    }

    /// The statements written after a heredoc's delimiter on its line (`cat <<EOF | cockroach
    /// sql`, `cockroach sql <<EOF && echo done`): tree-sitter-bash puts them inside the
    /// heredoc's redirect. A pipeline there reads from the command the heredoc is fed to.
    pub(super) fn heredoc_tail(
        &mut self,
        node: tree_sitter::Node<'_>,
        producer_start: usize,
        before: usize,
        ctx: &WalkCtx,
    ) {
        let producer = self.command_at(before, producer_start);
        let mut cursor = node.walk();
        for redirect in node.children_by_field_name("redirect", &mut cursor) {
            if redirect.kind() != "heredoc_redirect" {
                continue;
            }
            let mut c2 = redirect.walk();
            for child in redirect.named_children(&mut c2) {
                match child.kind() {
                    "pipeline" => self.pipeline(child, ctx, producer),
                    "command"
                    | "redirected_statement"
                    | "list"
                    | "subshell"
                    | "compound_statement" => self.walk(child, ctx),
                    _ => {}
                }
            }
        }
    }

    /// The command recorded (from index `from` on) for the statement starting at `start`.
    fn command_at(&self, from: usize, start: usize) -> Option<usize> {
        self.script.commands[from.min(self.script.commands.len())..]
            .iter()
            .position(|c| c.statement.start as usize == start || c.span.start as usize == start)
            .map(|i| i + from)
    }
}
