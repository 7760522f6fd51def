//! Commands run through another command, read as part of the script: wrappers are looked
//! through (`sudo -u crdb docker exec -i crdb cockroach sql …` is a `cockroach sql` command,
//! see [`prefix`](super::prefix)), and the scripts that `bash -c '…'`, `ssh host '…'`,
//! `su -c '…'`, `eval` or a shell fed a heredoc run are parsed and their commands added to
//! this script's model, every position mapped through the quoting to the bytes written here.
//!
//! The inner script's text is the words as the outer shell hands them on: their literal
//! pieces unquoted, and each expansion the outer shell performs (`$dest`, `$(date …)`)
//! written as a stand-in `${__bl_N}`. After parsing, a stand-in is put back as the outer
//! expansion itself, so values are still evaluated where the script is (the outer shell's
//! variables, at that point), and findings inside them land on the `$dest` written here.
//! Syntax errors of an inner script are not reported (the outer script is what a user edits;
//! an inner script that does not parse is read as far as it goes).

use super::prefix::{self, Inner};
use super::{
    Assignment, Builder, Command, Comparison, DateCall, MaskedPlaceholder, Redirect, Script,
    WalkCtx, Word, WordPart,
};
use crate::hosts::embed::{Assembled, Quoting, SegmentKind};
use crate::syntax::span::Span;

/// How deep scripts inside scripts are read (`bash -c "ssh h 'sh -c …'"`).
const MAX_DEPTH: u8 = 4;

/// The stand-in variable name of outer expansion `n`.
fn stand_in(n: usize) -> String {
    format!("__bl_{n}")
}

fn stand_in_index(name: &str) -> Option<usize> {
    name.strip_prefix("__bl_")?.parse().ok()
}

/// The inner text of some outer words, with its map back to the outer file.
struct Inside {
    map: Assembled,
    /// The outer expansions, by stand-in number.
    expansions: Vec<WordPart>,
    /// Where each stand-in sits in the inner text.
    at: Vec<Span>,
}

impl Inside {
    fn of(words: &[Word]) -> Inside {
        let mut inside = Inside {
            map: Assembled::new(),
            expansions: Vec::new(),
            at: Vec::new(),
        };
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                // `ssh host cockroach sql …`: the words are joined by spaces.
                inside.map.push_synthetic(" ", w.span.start as usize);
            }
            for part in &w.parts {
                match part {
                    WordPart::Literal {
                        text,
                        host,
                        quoting,
                    } => inside.map.push_literal(text, *host, *quoting),
                    other => {
                        let n = inside.expansions.len();
                        let start = inside.map.text.len();
                        inside.map.push_value(
                            &format!("${{{}}}", stand_in(n)),
                            other.host(),
                            false,
                        );
                        inside.at.push(Span::new(start, inside.map.text.len()));
                        inside.expansions.push(other.clone());
                    }
                }
            }
        }
        inside
    }

    fn span(&self, s: Span) -> Span {
        self.map.map_span(s)
    }

    fn word(&self, w: &Word) -> Word {
        let mut parts = Vec::with_capacity(w.parts.len());
        for p in &w.parts {
            self.part(p, &mut parts);
        }
        Word {
            span: self.span(w.span),
            parts,
        }
    }

    fn part(&self, p: &WordPart, out: &mut Vec<WordPart>) {
        match p {
            WordPart::Literal {
                text,
                host,
                quoting,
            } if text.len() == host.len() => {
                // The inner script's own bytes: split along the outer pieces, so that each
                // keeps an exact position and its outer quoting.
                for (range, outer_host, kind) in self.map.pieces(*host) {
                    let local =
                        (range.start - host.start) as usize..(range.end - host.start) as usize;
                    let piece = text.get(local).unwrap_or("").to_string();
                    match kind {
                        SegmentKind::Literal(outer) => out.push(WordPart::Literal {
                            text: piece,
                            host: outer_host,
                            quoting: quoting.inside(outer),
                        }),
                        SegmentKind::Value { .. } => {
                            // An outer expansion the inner shell reads as text (inside its
                            // `'…'`): the outer value itself.
                            let n = self.at.partition_point(|a| a.end <= range.start);
                            match (self.at.get(n), self.expansions.get(n)) {
                                (Some(at), Some(e)) if *at == range => out.push(e.clone()),
                                (Some(_), Some(_)) => out.push(WordPart::Substitution {
                                    host: outer_host,
                                    date: None,
                                }),
                                // Synthetic text (the space joining two words).
                                _ => out.push(WordPart::Literal {
                                    text: piece,
                                    host: outer_host,
                                    quoting: Quoting::Nested,
                                }),
                            }
                        }
                    }
                }
            }
            WordPart::Literal {
                text,
                host,
                quoting,
            } => {
                // An escape of the inner script (`\"`): maps as a whole.
                let outer = self
                    .map
                    .pieces(*host)
                    .first()
                    .map_or(Quoting::Nested, |(_, _, k)| match k {
                        SegmentKind::Literal(q) => *q,
                        SegmentKind::Value { .. } => Quoting::Nested,
                    });
                out.push(WordPart::Literal {
                    text: text.clone(),
                    host: self.span(*host),
                    quoting: quoting.inside(outer),
                });
            }
            WordPart::Variable {
                name,
                host,
                default,
                complex,
            } => match stand_in_index(name).and_then(|n| self.expansions.get(n)) {
                Some(e) => out.push(e.clone()),
                None => out.push(WordPart::Variable {
                    name: name.clone(),
                    host: self.span(*host),
                    default: default.as_ref().map(|d| Box::new(self.word(d))),
                    complex: *complex,
                }),
            },
            WordPart::Positional { index, host } => out.push(WordPart::Positional {
                index: *index,
                host: self.span(*host),
            }),
            WordPart::Substitution { host, date } => out.push(WordPart::Substitution {
                host: self.span(*host),
                date: date.as_ref().map(|d| DateCall {
                    format_span: self.span(d.format_span),
                    ..d.clone()
                }),
            }),
        }
    }

    fn redirect(&self, r: &Redirect) -> Redirect {
        Redirect {
            op: r.op.clone(),
            span: self.span(r.span),
            target: r.target.as_ref().map(|w| self.word(w)),
            body: r.body.as_ref().map(|w| self.word(w)),
        }
    }
}

/// A word's text as a wrapper's options are read: the literal text, or for a word with an
/// expansion, its literal start when that shows an option or an assignment (`--url=$URL`,
/// `COCKROACH_URL="$URL"`), so that it is skipped as one.
fn option_text(w: &Word) -> Option<String> {
    if let Some(t) = w.literal() {
        return Some(t);
    }
    let mut lead = String::new();
    for p in &w.parts {
        match p {
            WordPart::Literal { text, .. } => lead.push_str(text),
            _ => break,
        }
    }
    let assignment = lead.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    ((lead.starts_with('-') && lead.len() > 1) || assignment).then_some(lead)
}

/// The command a command finally runs, wrappers looked through, and the script it hands
/// to a shell, if any (`bash -c '…'`, `ssh host '…'`, a heredoc fed to `bash`).
pub(super) fn unwrap_wrappers(
    mut name: Word,
    mut args: Vec<Word>,
    redirects: &[Redirect],
) -> (Word, Vec<Word>, Option<Vec<Word>>) {
    for _ in 0..16 {
        let Some(command) = name.literal() else {
            break;
        };
        let texts: Vec<Option<String>> = args.iter().map(option_text).collect();
        let refs: Vec<Option<&str>> = texts.iter().map(Option::as_deref).collect();
        match prefix::inner(&command, &refs) {
            Some(Inner::Argv(i)) if i < args.len() => {
                let rest = args.split_off(i + 1);
                name = args.pop().unwrap_or_default();
                args = rest;
            }
            Some(Inner::Cockroach(i)) if i > 0 && i <= args.len() => {
                // The image names the program: `cockroach` at the image's word.
                let image = &args[i - 1];
                name = Word {
                    span: image.span,
                    parts: vec![WordPart::Literal {
                        text: "cockroach".into(),
                        host: image.span,
                        quoting: Quoting::Nested,
                    }],
                };
                args = args.split_off(i);
            }
            Some(Inner::Script(range)) if range.end <= args.len() => {
                let words = args[range].to_vec();
                return (name, args, Some(words));
            }
            Some(Inner::StdinScript) => {
                let body = redirects.iter().find_map(|r| match (&r.body, &r.target) {
                    (Some(body), _) => Some(body.clone()),
                    (None, Some(t)) if r.op == "<<<" => Some(t.clone()),
                    _ => None,
                });
                return (name, args, body.map(|b| vec![b]));
            }
            _ => break,
        }
    }
    (name, args, None)
}

/// Commands named by a variable with a known value (`COCKROACH=/usr/local/bin/cockroach` …
/// `$COCKROACH sql -e "…"`, `CRDB="docker exec -i crdb cockroach"` … `$CRDB sql`): the value's
/// words become the command's name and first arguments, all at the `$COCKROACH` written here.
pub(super) fn resolve_named_by_variables(script: &mut Script) {
    let mut changes = Vec::new();
    for (i, c) in script.commands.iter().enumerate() {
        if c.name.literal().is_some()
            || c.base_name().is_some()
            || !c
                .name
                .parts
                .iter()
                .any(|p| matches!(p, WordPart::Variable { .. }))
        {
            continue;
        }
        let env = super::text::Env::at(script, c.span.start, &c.scope, c.function);
        // `${COCKROACH:-cockroach}` whose value the script cannot know: its default, written
        // there or in the variable's assignment (`COCKROACH=${COCKROACH:-cockroach}`).
        let default_of = |w: &Word| match w.parts.as_slice() {
            [
                WordPart::Variable {
                    default: Some(d), ..
                },
            ] => d.literal(),
            _ => None,
        };
        let default = || {
            default_of(&c.name).or_else(|| match c.name.parts.as_slice() {
                [WordPart::Variable { name, .. }] => script
                    .assignments_of(name)
                    .rfind(|a| a.span.start < c.span.start)
                    .and_then(|a| a.value.as_ref())
                    .and_then(default_of),
                _ => None,
            })
        };
        let Some(value) = env.eval(&c.name).known().or_else(default) else {
            continue;
        };
        // An unquoted expansion is split into words; a quoted one is one word.
        let fields: Vec<&str> = if c.name.is_quoted() {
            vec![value.as_str()]
        } else {
            value.split_whitespace().collect()
        };
        let Some((first, rest)) = fields.split_first() else {
            continue;
        };
        let word = |text: &str| Word {
            span: c.name.span,
            parts: vec![WordPart::Literal {
                text: text.to_string(),
                host: c.name.span,
                quoting: Quoting::Nested,
            }],
        };
        let mut args: Vec<Word> = rest.iter().map(|t| word(t)).collect();
        args.extend(c.args.iter().cloned());
        let (name, args, _) = unwrap_wrappers(word(first), args, &c.redirects);
        changes.push((i, name, args));
    }
    for (i, name, args) in changes {
        script.commands[i].name = name;
        script.commands[i].args = args;
    }
}

/// The bytes of the `$(cat <<…)` heredocs a value prints.
fn value_heredocs(value: &Word, script: &Script) -> usize {
    value
        .parts
        .iter()
        .filter_map(|p| match p {
            WordPart::Substitution { host, date: None } => script.cat_heredoc(host.start),
            _ => None,
        })
        .map(|b| b.span.len())
        .sum()
}

/// A piece of a value assigned at `from` and used at `to`: a variable assigned again in
/// between had another value when the value was built, so it is unknown here.
fn stale_as_unknown(part: &WordPart, script: &Script, from: u32, to: u32) -> WordPart {
    match part {
        WordPart::Variable { name, host, .. }
            if script
                .assignments_of(name)
                .any(|a| a.span.start > from && a.span.start < to) =>
        {
            WordPart::Substitution {
                host: *host,
                date: None,
            }
        }
        other => other.clone(),
    }
}

impl Builder<'_> {
    /// Reads the script `words` hold (joined by spaces) as part of this one: its commands,
    /// assignments and comments are added with every position in this file's coordinates,
    /// in a scope of their own (a child shell's variables stay there).
    /// `same_shell`: `eval` runs the script in this shell (its assignments count here);
    /// `bash -c`, `ssh`, a shell fed a heredoc run it in another process.
    pub(super) fn nested_script(&mut self, words: &[Word], ctx: &WalkCtx, same_shell: bool) {
        if self.depth >= MAX_DEPTH || words.is_empty() {
            return;
        }
        let words: Vec<Word> = words.iter().map(|w| self.script_text_of(w, ctx)).collect();
        let inside = Inside::of(&words);
        if inside.map.text.trim().is_empty() {
            return;
        }
        let Some((tree, masked)) = super::parse_tree(&inside.map.text) else {
            return;
        };
        let mut inner = Builder {
            original: &inside.map.text,
            script: Script {
                masked,
                ..Script::default()
            },
            next_branch: self.next_branch,
            statement_children: super::statement_children(&tree),
            depth: self.depth + 1,
            lastpipe: self.lastpipe,
            splice_budget: self.splice_budget,
        };
        let mut inner_ctx = if same_shell {
            ctx.clone()
        } else {
            self.child_shell(ctx)
        };
        if !same_shell {
            inner_ctx.function = None;
        }
        inner.next_branch = self.next_branch;
        inner.walk(tree.root_node(), &inner_ctx);
        self.next_branch = inner.next_branch;
        self.splice_budget = inner.splice_budget;
        let script = inner.script;
        self.adopt(script, &inside, ctx);
    }

    /// A script word as the shell receives it: `"$SCRIPT"` whose value an assignment before
    /// this point decides (`SCRIPT='…'`, `SCRIPT="…"`, `SCRIPT=$(cat <<'EOF' … EOF)`, `read -r
    /// -d '' SCRIPT <<'EOF'`) becomes that value's own pieces, so the script is read where it
    /// is written and its positions are the assignment's. Expansions inside the value were
    /// performed when it was assigned: one whose variable is assigned again between there
    /// and here is unknown. Any other word is kept (an unknown script is opaque: nothing is
    /// read from it).
    fn script_text_of(&mut self, word: &Word, ctx: &WalkCtx) -> Word {
        // Only a quoted expansion hands the value on as it is (unquoted, it is split into
        // fields).
        let quoted = self.original[word.span.range()].starts_with('"');
        // A script written in place with a variable inside (`bash -c "… '${D}/full' …"`) is
        // read where it is written, the variable as a variable: `migrate` rewrites it there.
        let written_in_place = word
            .parts
            .iter()
            .any(|p| matches!(p, WordPart::Literal { text, .. } if !text.trim().is_empty()));
        if !quoted
            || written_in_place
            || !word
                .parts
                .iter()
                .any(|p| matches!(p, WordPart::Variable { .. }))
        {
            return word.clone();
        }
        let at = word.span.start;
        let env = super::text::Env::at(&self.script, at, &ctx.scope, ctx.function);
        let mut parts = Vec::with_capacity(word.parts.len());
        for part in &word.parts {
            let WordPart::Variable {
                name,
                default: None,
                complex: false,
                ..
            } = part
            else {
                parts.push(part.clone());
                continue;
            };
            let Some(Ok(assignment)) = env.deciding(name) else {
                parts.push(part.clone());
                continue;
            };
            let Some(value) = assignment.value.as_ref().filter(|_| !assignment.append) else {
                parts.push(part.clone());
                continue;
            };
            let size = value.span.len() + value_heredocs(value, &self.script);
            if size > self.splice_budget {
                // Read enough times already: an unknown script from here on.
                parts.push(WordPart::Substitution {
                    host: part.host(),
                    date: None,
                });
                continue;
            }
            self.splice_budget -= size;
            for p in &value.parts {
                match p {
                    WordPart::Substitution { host, date: None } => {
                        match self.script.cat_heredoc(host.start) {
                            Some(body) => parts.extend(body.parts.iter().map(|b| {
                                stale_as_unknown(b, &self.script, assignment.span.start, at)
                            })),
                            None => parts.push(p.clone()),
                        }
                    }
                    _ => parts.push(stale_as_unknown(p, &self.script, assignment.span.start, at)),
                }
            }
        }
        Word {
            span: word.span,
            parts,
        }
    }

    /// Adds `script` (in `inside`'s inner coordinates) to this one.
    fn adopt(&mut self, script: Script, inside: &Inside, ctx: &WalkCtx) {
        let functions = self.script.functions.len();
        let commands = self.script.commands.len();
        let function = |f: Option<usize>| f.map(|f| f + functions).or(ctx.function);
        for f in script.functions {
            self.script.functions.push(super::Function {
                name: f.name,
                span: inside.span(f.span),
            });
        }
        for c in script.commands {
            self.script.commands.push(Command {
                span: inside.span(c.span),
                statement: inside.span(c.statement),
                name: inside.word(&c.name),
                args: c.args.iter().map(|w| inside.word(w)).collect(),
                redirects: c.redirects.iter().map(|r| inside.redirect(r)).collect(),
                scope: c.scope,
                function: function(c.function),
                in_loop: c.in_loop || ctx.in_loop,
                in_substitution: c.in_substitution || ctx.in_substitution,
            });
        }
        self.script.pipes.extend(
            script
                .pipes
                .iter()
                .map(|(p, c)| (p + commands, c + commands)),
        );
        for a in script.assignments {
            self.script.add_assignment(Assignment {
                name: a.name,
                span: inside.span(a.span),
                append: a.append,
                local: a.local,
                value: a.value.as_ref().map(|w| inside.word(w)),
                kind: a.kind,
                scope: a.scope,
                function: function(a.function),
                in_loop: a.in_loop || ctx.in_loop,
                command: a.command.map(|c| c + commands),
            });
        }
        self.script
            .comments
            .extend(script.comments.iter().map(|s| inside.span(*s)));
        self.script
            .statements
            .extend(script.statements.iter().map(|s| inside.span(*s)));
        for c in script.comparisons {
            self.script.comparisons.push(Comparison {
                left: inside.word(&c.left),
                op: c.op,
                right: inside.word(&c.right),
                span: inside.span(c.span),
            });
        }
        for (w, s) in script.file_tests {
            self.script
                .file_tests
                .push((inside.word(&w), inside.span(s)));
        }
        // The inner script's child shells are this one's too (scope ids are shared).
        self.script.child_shells.extend(script.child_shells);
        for m in script.masked {
            self.script.masked.push(MaskedPlaceholder {
                span: inside.span(m.span),
                text: m.text,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::hosts::shell::Script;
    use crate::hosts::shell::extract::extract;

    /// The SQL a script sends, each with the host text its first 6 bytes map to.
    fn sent(script: &str) -> Vec<(String, String)> {
        let s = Script::parse(script);
        extract(&s, &[])
            .snippets
            .iter()
            .map(|sn| {
                let at = sn.sql.map_span(crate::syntax::span::Span::new(0, 6));
                (sn.sql.text.clone(), script[at.range()].to_string())
            })
            .collect()
    }

    #[test]
    fn commands_behind_wrappers_and_inside_quoted_scripts() {
        let script = r#"DEST='s3://b/p?AUTH=implicit'
sudo -u crdb docker exec -it crdb cockroach sql --insecure -e "BACKUP INTO '$DEST'"
kubectl exec -n db cockroachdb-0 -- bash -c "cockroach sql -e 'SHOW BACKUPS IN \"x\"'"
ssh admin@db1 'cockroach sql -e "RESTORE FROM LATEST IN '"'"'$DEST'"'"'"'
docker exec -i crdb bash <<'EOF'
cockroach sql -e "SELECT 1"
EOF
"#;
        let got = sent(script);
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "BACKUP INTO 's3://b/p?AUTH=implicit'",
                "SHOW BACKUPS IN \"x\"",
                "RESTORE FROM LATEST IN 's3://b/p?AUTH=implicit'",
                "SELECT 1",
            ]
        );
        for (_, at) in &got {
            assert_eq!(at.len(), 6, "{got:?}");
        }
        assert_eq!(got[1].1, "SHOW B");
        assert_eq!(got[2].1, "RESTOR");
        // Inside a nested script, its own child shells keep their assignments too.
        let got = sent("bash -c 'd=a; ( d=b ); cockroach sql -e \"SELECT $d\"'\n");
        assert_eq!(got[0].0, "SELECT a");
    }

    #[test]
    fn scripts_kept_in_variables_are_read_where_they_are_written() {
        let script = r#"DEST='s3://b/p?AUTH=implicit'
SCRIPT="set -e
cockroach sql -e \"BACKUP INTO '$DEST'\""
bash -c "$SCRIPT"
BODY=$(cat <<'EOF'
cockroach sql -e "SHOW BACKUPS IN 'x'"
EOF
)
sudo -u crdb sh -c "$BODY"
read -r -d '' Q <<'EOF' || true
cockroach sql -e "RESTORE FROM LATEST IN 'y'"
EOF
eval "$Q"
bash -c "$UNKNOWN"
sh -c "$(curl -s https://example.com/x.sh)"
LATER="cockroach sql -e \"BACKUP INTO '$DEST'\""
DEST=elsewhere
bash -c "$LATER"
"#;
        let got = sent(script);
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "BACKUP INTO 's3://b/p?AUTH=implicit'",
                "SHOW BACKUPS IN 'x'",
                "RESTORE FROM LATEST IN 'y'",
                "BACKUP INTO '{command_output}'",
            ]
        );
        // Each statement maps to where it is written: inside the assignment's text.
        let s = Script::parse(script);
        let starts: Vec<usize> = extract(&s, &[])
            .snippets
            .iter()
            .map(|sn| sn.sql.map_span(crate::syntax::span::Span::new(0, 6)).start as usize)
            .collect();
        let backup = script.find("BACKUP").unwrap();
        let later = script.rfind("BACKUP").unwrap();
        assert_eq!(
            starts,
            [
                backup,
                script.find("SHOW BACKUPS").unwrap(),
                script.find("RESTORE").unwrap(),
                later
            ]
        );
    }
}
