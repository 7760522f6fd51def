//! Finding the SQL a script sends: `cockroach sql -e/--execute`, heredocs and here-strings fed
//! to `cockroach sql`, `psql -c`, `< file.sql` / `-f file.sql`, and calls of wrapper
//! functions whose body hands an argument to one of those (`runsql() { cockroach sql -e "$1"; }`).

use super::text::{Env, Value};
use super::{Command, Script, Word, WordPart};
use crate::hosts::embed::Snippet;
use crate::syntax::span::Span;

/// How a SQL client is invoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    CockroachSql,
    Psql,
}

/// One SQL input of a command.
#[derive(Clone, Debug)]
pub struct SqlInput<'s> {
    pub word: &'s Word,
    /// Bytes of the word before the SQL (`--execute=`).
    pub skip: usize,
    /// Sent as one query string (`-e`, `-c`): several statements share one transaction (22.1+).
    pub batch: bool,
}

/// What a SQL-client command reads.
#[derive(Clone, Debug, Default)]
pub struct ClientCall<'s> {
    pub inputs: Vec<SqlInput<'s>>,
    /// `-f FILE` / `--file=FILE` / `< FILE`.
    pub files: Vec<&'s Word>,
}

/// The client a command runs, if any.
pub fn client_of(cmd: &Command) -> Option<Client> {
    match cmd.base_name()?.as_str() {
        "cockroach" if cmd.arg(0).as_deref() == Some("sql") => Some(Client::CockroachSql),
        "psql" => Some(Client::Psql),
        _ => None,
    }
}

/// The SQL inputs and files of a client command.
pub fn client_call(cmd: &Command, client: Client) -> ClientCall<'_> {
    let mut call = ClientCall::default();
    let (short, long) = match client {
        Client::CockroachSql => ("-e", "--execute"),
        Client::Psql => ("-c", "--command"),
    };
    let mut i = if client == Client::CockroachSql { 1 } else { 0 };
    while i < cmd.args.len() {
        let arg = &cmd.args[i];
        let lead = leading_literal(arg);
        if lead == short || lead == long {
            if let Some(next) = cmd.args.get(i + 1) {
                call.inputs.push(SqlInput {
                    word: next,
                    skip: 0,
                    batch: true,
                });
            }
            i += 2;
            continue;
        }
        if let Some(p) = [format!("{long}="), format!("{short}=")]
            .iter()
            .find(|p| lead.starts_with(p.as_str()))
        {
            call.inputs.push(SqlInput {
                word: arg,
                skip: p.len(),
                batch: true,
            });
        } else if lead == "-f" || lead == "--file" {
            if let Some(next) = cmd.args.get(i + 1) {
                call.files.push(next);
            }
            i += 2;
            continue;
        }
        i += 1;
    }
    for r in &cmd.redirects {
        match (r.op.as_str(), &r.target, &r.body) {
            ("<<<", Some(w), _) => call.inputs.push(SqlInput {
                word: w,
                skip: 0,
                batch: false,
            }),
            (_, _, Some(body)) => call.inputs.push(SqlInput {
                word: body,
                skip: 0,
                batch: false,
            }),
            ("<", Some(w), _) => call.files.push(w),
            _ => {}
        }
    }
    call
}

/// What a command writes to a pipe, where it is known from the script.
enum Piped<'s> {
    /// Text (`echo "…"`, `printf '%s\n' "…"`, `cat <<EOF`), as one word.
    Text(Word),
    /// A file's content (`cat restore.sql`).
    File(&'s Word),
}

/// What `cmd` writes to its standard output, when the script says: `echo`'s and `printf
/// '%s\n'`'s arguments, a heredoc or here-string given to `cat`, or the file `cat` reads.
fn piped(cmd: &Command) -> Option<Piped<'_>> {
    let words: &[Word] = match cmd.base_name()?.as_str() {
        "echo" => {
            let options = cmd
                .args
                .iter()
                .take_while(|a| {
                    a.literal().is_some_and(|t| {
                        t.len() > 1
                            && t.starts_with('-')
                            && t[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
                    })
                })
                .count();
            &cmd.args[options..]
        }
        "printf" => {
            let format = cmd.args.first()?.literal()?;
            if format.contains("%s") && !format.replace("%s", "").contains('%') {
                &cmd.args[1..]
            } else if cmd.args.len() == 1 && !format.contains(['%', '\\']) {
                &cmd.args[..1]
            } else {
                return None;
            }
        }
        "cat" => {
            for r in &cmd.redirects {
                match (&r.body, &r.target) {
                    (Some(body), _) => return Some(Piped::Text(body.clone())),
                    (None, Some(t)) if r.op == "<<<" => return Some(Piped::Text(t.clone())),
                    _ => {}
                }
            }
            return match cmd.args.as_slice() {
                [file] if !file.literal().is_some_and(|t| t.starts_with('-')) => {
                    Some(Piped::File(file))
                }
                _ => None,
            };
        }
        _ => return None,
    };
    let (first, last) = (words.first()?, words.last()?);
    let mut joined = Word {
        span: Span {
            start: first.span.start,
            end: last.span.end,
        },
        parts: Vec::new(),
    };
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            joined.parts.push(WordPart::Literal {
                text: " ".into(),
                host: Span::point(w.span.start as usize),
                quoting: crate::hosts::embed::Quoting::Raw,
            });
        }
        joined.parts.extend(w.parts.iter().cloned());
    }
    Some(Piped::Text(joined))
}

/// The literal text a word starts with.
fn leading_literal(w: &Word) -> String {
    let mut out = String::new();
    for p in &w.parts {
        match p {
            WordPart::Literal { text, .. } => out.push_str(text),
            _ => break,
        }
    }
    out
}

fn uses_positional(w: &Word) -> bool {
    w.parts
        .iter()
        .any(|p| matches!(p, WordPart::Positional { .. }))
}

/// The SQL of a script, in source order.
#[derive(Debug, Default)]
pub struct Extraction {
    pub snippets: Vec<Snippet>,
    /// Whether each snippet was sent as one query string.
    pub batch: Vec<bool>,
    /// SQL files the script feeds to a client (`< file.sql`), as evaluated, with their word.
    pub files: Vec<(Value, Span)>,
}

/// Finds every SQL input of `script`. `wrappers` are extra function names whose first
/// argument is SQL.
pub fn extract(script: &Script, wrappers: &[String]) -> Extraction {
    let mut found: Vec<(Snippet, bool)> = Vec::new();
    let mut files = Vec::new();
    // Functions whose body hands a positional argument to a client.
    let mut wrapper_fns: Vec<(usize, &Command)> = Vec::new();
    let producers: std::collections::HashMap<usize, usize> =
        script.pipes.iter().map(|&(p, c)| (c, p)).collect();
    for (index, cmd) in script.commands.iter().enumerate() {
        let Some(client) = client_of(cmd) else {
            continue;
        };
        let call = client_call(cmd, client);
        let env = Env::at(script, cmd.span.start, &cmd.scope, cmd.function);
        if call.inputs.is_empty()
            && let Some(producer) = producers.get(&index).map(|&p| &script.commands[p])
        {
            // `echo "…" | cockroach sql`, `cat <<EOF | docker exec -i crdb cockroach sql`.
            let penv = Env::at(
                script,
                producer.span.start,
                &producer.scope,
                producer.function,
            );
            match piped(producer) {
                Some(Piped::Text(word)) => {
                    let input = SqlInput {
                        word: &word,
                        skip: 0,
                        batch: false,
                    };
                    push(&mut found, penv.eval(&word), &input, word.span);
                }
                Some(Piped::File(word)) => files.push((penv.eval(word), word.span)),
                None => {}
            }
        }
        for input in &call.inputs {
            if let Some(f) = cmd.function
                && uses_positional(input.word)
            {
                wrapper_fns.push((f, cmd));
                continue;
            }
            push(&mut found, env.eval(input.word), input, input.word.span);
        }
        for f in &call.files {
            files.push((env.eval(f), f.span));
        }
    }
    for call_cmd in &script.commands {
        let Some(name) = call_cmd.base_name() else {
            continue;
        };
        // The definition in force: the last one before the call (a later one replaces it).
        let defined = script
            .functions
            .iter()
            .enumerate()
            .rfind(|(_, f)| f.name == name && f.span.start < call_cmd.span.start)
            .map(|(i, _)| i);
        let bodies: Vec<&Command> = wrapper_fns
            .iter()
            .filter(|(f, _)| Some(*f) == defined && call_cmd.function != Some(*f))
            .map(|(_, c)| *c)
            .collect();
        let configured = wrappers.contains(&name);
        if bodies.is_empty() && !configured {
            continue;
        }
        let caller = Env::at(
            script,
            call_cmd.span.start,
            &call_cmd.scope,
            call_cmd.function,
        );
        let args: Vec<Value> = call_cmd.args.iter().map(|a| caller.eval(a)).collect();
        if bodies.is_empty() {
            if let Some(first) = call_cmd.args.first() {
                let input = SqlInput {
                    word: first,
                    skip: 0,
                    batch: true,
                };
                push(&mut found, args[0].clone(), &input, call_cmd.span);
            }
            continue;
        }
        for body in bodies {
            let Some(client) = client_of(body) else {
                continue;
            };
            let env = Env {
                call: Some((call_cmd.span.start, &call_cmd.scope)),
                positional: Some(&args),
                ..Env::at(script, body.span.start, &body.scope, body.function)
            };
            for input in client_call(body, client).inputs {
                if uses_positional(input.word) {
                    push(&mut found, env.eval(input.word), &input, call_cmd.span);
                }
            }
        }
    }
    found.sort_by_key(|(s, _)| s.origin.start);
    Extraction {
        batch: found.iter().map(|(_, b)| *b).collect(),
        snippets: found.into_iter().map(|(s, _)| s).collect(),
        files,
    }
}

fn push(found: &mut Vec<(Snippet, bool)>, value: Value, input: &SqlInput<'_>, origin: Span) {
    let value = value.strip_prefix(input.skip);
    let sql = value.to_sql();
    if sql.text.trim().is_empty() {
        return;
    }
    found.push((Snippet { sql, origin }, input.batch));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_execute_heredoc_psql_and_wrapper_calls() {
        let script = r#"runsql() { cockroach sql --insecure -e "$1"; }
cockroach sql --execute="SHOW BACKUPS IN 'x'" -e 'SELECT 1'
cockroach sql <<EOF
BACKUP INTO '$dest';
EOF
psql -c "RESTORE FROM LATEST IN 'y'"
runsql "BACKUP DATABASE d INTO 'z'"
cockroach sql < restore.sql
"#;
        let s = Script::parse(script);
        let ex = extract(&s, &[]);
        let texts: Vec<&str> = ex.snippets.iter().map(|s| s.sql.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "SHOW BACKUPS IN 'x'",
                "SELECT 1",
                "BACKUP INTO '{dest}';\n",
                "RESTORE FROM LATEST IN 'y'",
                "BACKUP DATABASE d INTO 'z'"
            ]
        );
        assert_eq!(ex.batch, [true, true, false, true, true]);
        // The wrapper call's SQL maps to the call site, byte for byte.
        let last = &ex.snippets[4];
        let span = last.sql.map_span(Span::new(7, 15));
        assert_eq!(&script[span.range()], "DATABASE");
        assert_eq!(ex.files.len(), 1);
        assert_eq!(ex.files[0].0.known().as_deref(), Some("restore.sql"));
    }

    #[test]
    fn a_call_uses_the_definition_in_force() {
        let script = "run() { cockroach sql -e \"$1\"; }\nrun() { cockroach sql -e \"$1\"; }\nrun \"SELECT 1\"\n";
        let ex = extract(&Script::parse(script), &[]);
        assert_eq!(ex.snippets.len(), 1);
    }
}
