//! Evaluating shell words without running anything: variables with a known assignment are
//! substituted, `$(date +FMT)` is printed for a fixed reference time, anything else is an
//! opaque value that the SQL checks treat as unknown.

use super::{AssignKind, Scope, Script, Word, WordPart, date};
use crate::hosts::embed::{Assembled, Quoting};
use crate::syntax::span::Span;

/// The time `$(date +FMT)` is evaluated at: a Tuesday at 02:30, as a nightly cron job runs.
pub fn reference_time() -> date::DateTime {
    date::DateTime::new(2026, 1, 6, 2, 30, 0).expect("valid reference date")
}

/// A piece of an evaluated word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// The host's own characters.
    Literal {
        text: String,
        host: Span,
        quoting: Quoting,
    },
    /// Known text substituted for the expansion at `host`.
    Substituted { text: String, host: Span },
    /// A value known only at run time (`$(cat file)`, an environment variable, a line read
    /// from a state file). `list`: built as a list of quoted strings (`prev+="'$line'"`).
    Opaque {
        name: String,
        host: Span,
        list: bool,
    },
}

/// An evaluated word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Value {
    pub pieces: Vec<Piece>,
}

impl Value {
    /// The text, when nothing in it is opaque.
    pub fn known(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Literal { text, .. } | Piece::Substituted { text, .. } => out.push_str(text),
                Piece::Opaque { .. } => return None,
            }
        }
        Some(out)
    }

    pub fn has_opaque(&self) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Opaque { .. }))
    }

    /// The value with its first `n` bytes of known text removed (`--execute=` before the SQL).
    pub fn strip_prefix(mut self, mut n: usize) -> Value {
        while n > 0 && !self.pieces.is_empty() {
            match &mut self.pieces[0] {
                Piece::Literal { text, host, .. } => {
                    if text.len() <= n {
                        n -= text.len();
                        self.pieces.remove(0);
                    } else {
                        let identity = text.len() == host.len();
                        text.drain(..n);
                        if identity {
                            host.start += n as u32;
                        }
                        n = 0;
                    }
                }
                Piece::Substituted { text, .. } => {
                    if text.len() <= n {
                        n -= text.len();
                        self.pieces.remove(0);
                    } else {
                        text.drain(..n);
                        n = 0;
                    }
                }
                Piece::Opaque { .. } => break,
            }
        }
        self
    }

    /// The value as SQL text with its source map. Opaque values become what the SQL around
    /// them expects: `{name}` inside a string literal (read as a placeholder, so no URI check
    /// judges it), `'{name}'` where a location is expected, a `{name}` target after
    /// BACKUP/RESTORE, and nothing elsewhere (trailing options such as `$backup_parameters`).
    pub fn to_sql(&self) -> Assembled {
        let mut out = Assembled::new();
        for p in &self.pieces {
            match p {
                Piece::Literal {
                    text,
                    host,
                    quoting,
                } => out.push_literal(text, *host, *quoting),
                Piece::Substituted { text, host } => out.push_value(text, *host, false),
                Piece::Opaque { name, host, .. } => {
                    let token = placeholder_name(name);
                    let rendered = if in_sql_string(&out.text) {
                        token
                    } else {
                        match last_sql_word(&out.text).to_ascii_uppercase().as_str() {
                            "BACKUP" | "RESTORE" | "TABLE" | "DATABASE" | "TABLES"
                            | "DATABASES" => token,
                            "FROM" | "TO" | "INTO" | "IN" | "," | "(" | "=" => format!("'{token}'"),
                            _ => String::new(),
                        }
                    };
                    out.push_value(&rendered, *host, true);
                }
            }
        }
        out
    }
}

fn placeholder_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if clean.is_empty() || !clean.as_bytes()[0].is_ascii_alphabetic() {
        format!("{{value{clean}}}")
    } else {
        format!("{{{clean}}}")
    }
}

/// Whether the end of `sql` is inside a `'…'` literal (quotes counted outside comments).
fn in_sql_string(sql: &str) -> bool {
    let mut inside = false;
    let bytes = sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => inside = !inside,
            b'-' if !inside && bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    inside
}

/// The last word (or punctuation mark) of `sql`.
fn last_sql_word(sql: &str) -> &str {
    let t = sql.trim_end();
    match t.chars().last() {
        Some(c) if c.is_alphanumeric() || c == '_' => {
            let start = t
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            &t[start..]
        }
        Some(c) => &t[t.len() - c.len_utf8()..],
        None => "",
    }
}

/// Where a word is evaluated.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub script: &'a Script,
    /// The word's position: assignments before it are visible.
    pub at: u32,
    pub scope: &'a Scope,
    /// Inside a function called from `call_at` (dynamic scoping: globals as at the call).
    pub function: Option<usize>,
    pub call: Option<(u32, &'a Scope)>,
    /// The call's arguments, for `$1` … inside a function.
    pub positional: Option<&'a [Value]>,
    pub depth: u8,
}

impl<'a> Env<'a> {
    pub fn at(script: &'a Script, at: u32, scope: &'a Scope, function: Option<usize>) -> Env<'a> {
        Env {
            script,
            at,
            scope,
            function,
            call: None,
            positional: None,
            depth: 0,
        }
    }

    pub fn eval(&self, word: &Word) -> Value {
        let mut out = Value::default();
        for part in &word.parts {
            self.eval_part(part, &mut out);
        }
        out
    }

    fn eval_part(&self, part: &WordPart, out: &mut Value) {
        match part {
            WordPart::Literal {
                text,
                host,
                quoting,
            } => out.pieces.push(Piece::Literal {
                text: text.clone(),
                host: *host,
                quoting: *quoting,
            }),
            WordPart::Positional { index, host } => match self.positional {
                Some(args) => {
                    if *index == 0 {
                        for (i, a) in args.iter().enumerate() {
                            if i > 0 {
                                out.pieces.push(Piece::Substituted {
                                    text: " ".into(),
                                    host: Span::point(host.end as usize),
                                });
                            }
                            out.pieces.extend(a.pieces.iter().cloned());
                        }
                    } else if let Some(a) = args.get(index - 1) {
                        out.pieces.extend(a.pieces.iter().cloned());
                    }
                }
                None => out.pieces.push(Piece::Opaque {
                    name: format!("arg{index}"),
                    host: *host,
                    list: false,
                }),
            },
            WordPart::Substitution { host, date } => match date {
                Some(call) if date::unknown_specifiers(&call.format).is_empty() => {
                    out.pieces.push(Piece::Substituted {
                        text: date::format(&call.format, &reference_time()),
                        host: *host,
                    })
                }
                _ => out.pieces.push(Piece::Opaque {
                    name: "command_output".into(),
                    host: *host,
                    list: false,
                }),
            },
            WordPart::Variable {
                name,
                host,
                default,
                complex,
            } => {
                let value = if *complex { None } else { self.lookup(name) };
                let value = match (value, default) {
                    (Some(v), _) => v,
                    (None, Some(d)) if !self.script.is_assigned(name) => self.eval(d),
                    (None, _) => {
                        out.pieces.push(Piece::Opaque {
                            name: name.clone(),
                            host: *host,
                            list: self.is_list(name),
                        });
                        return;
                    }
                };
                // The value is reported where it is used: a known value as one substituted
                // piece, opaque parts keep their nature.
                let mut known = String::new();
                for p in value.pieces {
                    match p {
                        Piece::Literal { text, .. } | Piece::Substituted { text, .. } => {
                            known.push_str(&text)
                        }
                        Piece::Opaque { name, list, .. } => {
                            if !known.is_empty() {
                                out.pieces.push(Piece::Substituted {
                                    text: std::mem::take(&mut known),
                                    host: *host,
                                });
                            }
                            out.pieces.push(Piece::Opaque {
                                name,
                                host: *host,
                                list,
                            });
                        }
                    }
                }
                if !known.is_empty() {
                    out.pieces.push(Piece::Substituted {
                        text: known,
                        host: *host,
                    });
                }
            }
        }
    }

    /// Whether `name` is built as a list of quoted strings (`prev+="'$line'"`).
    fn is_list(&self, name: &str) -> bool {
        self.script.assignments_of(name).any(|a| {
            a.value.as_ref().is_some_and(|v| {
                v.parts
                    .iter()
                    .any(|p| matches!(p, WordPart::Literal { text, .. } if text.contains('\'')))
            })
        })
    }

    /// The assignment that decides `name`'s value at this point: `Ok` when its value is
    /// known from its word, `Err(host)` when the value is known only at run time (read, set
    /// in a loop or in one of several branches, by a function, or a placeholder). `None`:
    /// nothing in the script assigns it before this point.
    pub fn deciding(&self, name: &'a str) -> Option<Result<&'a super::Assignment, Span>> {
        // `assignments_of` gives only this name's assignments.
        let (at, scope) = self.call.unwrap_or((self.at, self.scope));
        let visible = |a: &&super::Assignment| {
            if a.kind == AssignKind::Prefix {
                return false;
            }
            match (a.function, self.function) {
                (Some(f), Some(g)) if f == g => {
                    a.span.start < self.at && self.scope.starts_with(&a.scope)
                }
                (Some(_), _) => false,
                (None, _) => a.span.start < at && scope.starts_with(&a.scope),
            }
        };
        // An assignment in a child shell (`( … )`, `$( … )`, a pipeline's element, `… &`,
        // `bash -c`) this point is not in changes nothing here.
        let elsewhere = |a: &super::Assignment| self.script.in_other_shell(&a.scope, scope);
        let last = self.script.assignments_of(name).rfind(visible)?;
        // Another assignment between that one and here, in a loop or a branch this point is
        // not in (`prev+=` in a `while`, `x=` in the `else` before `fi`): either may hold.
        let uncertain = self.script.assignments_of(name).any(|a| {
            a.kind != AssignKind::Prefix
                && a.span.start > last.span.start
                && a.span.start < at
                && a.function.is_none_or(|f| Some(f) == self.function)
                && !elsewhere(a)
        });
        // A global a function sets (not `local`): whether it ran before this point, and which
        // assignment wins, is not known here.
        let set_by_function = self.script.assignments_of(name).any(|a| {
            a.kind != AssignKind::Prefix
                && !a.local
                && a.function.is_some()
                && a.function != self.function
                && !self.script.in_other_shell(&a.scope, &[])
        });
        if uncertain
            || set_by_function
            || last.in_loop
            || matches!(last.kind, AssignKind::Read | AssignKind::For)
        {
            return Some(Err(last.span));
        }
        let Some(word) = last.value.as_ref() else {
            return Some(Err(last.span));
        };
        if self
            .script
            .masked
            .iter()
            .any(|m| word.span.start <= m.span.start && m.span.end <= word.span.end)
        {
            // `x=<placeholder>`: not a value bash could run with.
            return Some(Err(word.span));
        }
        Some(Ok(last))
    }

    /// The value of `name` at this point, when one assignment decides it.
    pub fn lookup(&self, name: &str) -> Option<Value> {
        if self.depth > 8 {
            return None;
        }
        let last = match self.deciding(name)? {
            Ok(last) => last,
            Err(host) => {
                return Some(Value {
                    pieces: vec![Piece::Opaque {
                        name: name.to_string(),
                        host,
                        list: self.is_list(name),
                    }],
                });
            }
        };
        let word = last.value.as_ref()?;
        let inner = Env {
            at: last.span.start,
            scope: &last.scope,
            depth: self.depth + 1,
            ..*self
        };
        if last.append {
            // `x+=…`: the value before it, then the text added.
            let before = Env {
                // A top-level assignment sees the globals before it, not those at a call.
                call: if last.function.is_none() {
                    None
                } else {
                    self.call
                },
                function: last.function,
                ..inner
            };
            let mut value = before.lookup(name).unwrap_or_else(|| Value {
                pieces: vec![Piece::Opaque {
                    name: name.to_string(),
                    host: last.span,
                    list: false,
                }],
            });
            value.pieces.extend(inner.eval(word).pieces);
            return Some(value);
        }
        Some(inner.eval(word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql_of(script: &str, needle: &str) -> (String, Assembled) {
        let s = Script::parse(script);
        let cmd = s
            .commands
            .iter()
            .find(|c| {
                c.args
                    .iter()
                    .any(|a| script[a.span.range()].contains(needle))
            })
            .expect("command");
        let word = cmd
            .args
            .iter()
            .find(|a| script[a.span.range()].contains(needle))
            .unwrap();
        let env = Env::at(&s, cmd.span.start, &cmd.scope, cmd.function);
        let a = env.eval(word).to_sql();
        (a.text.clone(), a)
    }

    #[test]
    fn substitutes_known_values_and_dates() {
        let script = "base='s3://b/p'\nd=\"${base}/$(date +%Y%m%d)\"\ncockroach sql -e \"BACKUP INTO '$d' WITH x\"\n";
        let (sql, a) = sql_of(script, "BACKUP");
        assert_eq!(sql, "BACKUP INTO 's3://b/p/20260106' WITH x");
        assert_eq!(&script[a.map_span(Span::new(0, 6)).range()], "BACKUP");
        assert_eq!(&script[a.map_span(Span::new(13, 20)).range()], "$d");
    }

    #[test]
    fn child_shells_keep_their_assignments() {
        // `( … )`, `$( … )`, a pipeline's commands, `… &`, `bash -c`: none changes `d` here,
        // and `export` inside them neither.
        let script = "d=a\n( d=b; export d=b2 )\necho x | read -r d\nprintf x | while read -r d; do :; done\nn=$(d=c; echo \"$d\")\n{ d=e; } &\nd=f &\nbash -c 'd=g'\nif true; then ( d=h ); fi\ncockroach sql -e \"SELECT '$d'\"\n";
        let (sql, _) = sql_of(script, "SELECT");
        assert_eq!(sql, "SELECT 'a'");
        // Inside the child shell, its own value holds.
        let script = "d=a\n( d=b; cockroach sql -e \"SELECT '$d'\" )\n";
        assert_eq!(sql_of(script, "SELECT").0, "SELECT 'b'");
        // `eval` runs in this shell; `shopt -s lastpipe` runs a pipeline's last command here:
        // both change the value (read at run time: unknown).
        let script = "d=a\neval 'd=b'\ncockroach sql -e \"SELECT '$d'\"\n";
        assert_eq!(sql_of(script, "SELECT").0, "SELECT 'b'");
        let script =
            "shopt -s lastpipe\nd=a\necho x | read -r d\ncockroach sql -e \"SELECT '$d'\"\n";
        assert_eq!(sql_of(script, "SELECT").0, "SELECT '{d}'");
        // A plain `if` still makes the value one of two (never the stale first one).
        let script = "d=a\nif c; then d=b; fi\ncockroach sql -e \"SELECT '$d'\"\n";
        assert_eq!(sql_of(script, "SELECT").0, "SELECT '{d}'");
    }

    #[test]
    fn branches_and_opaque_values() {
        let script = "d=a\nif x; then d=b; cockroach sql -e \"SELECT '$d' ${what} $params\"; fi\nwhile read -r l; do p+=\"'$l'\"; done\ncockroach sql -e \"BACKUP $w TO 'x' INCREMENTAL FROM $p $opts\"\n";
        let (sql, _) = sql_of(script, "SELECT");
        assert_eq!(sql, "SELECT 'b'  ");
        let (sql, _) = sql_of(script, "INCREMENTAL");
        assert_eq!(sql, "BACKUP {w} TO 'x' INCREMENTAL FROM '{p}' ");
    }
}
