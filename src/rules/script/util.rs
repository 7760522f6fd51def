//! Helpers shared by the script rules.

use crate::rules::ScriptCtx;
use crate::hosts::shell::extract::client_of;
use crate::hosts::shell::{Assignment, AssignKind, Command, Word, WordPart};

/// The variable a word consists of (`$recent`, `"${recent}"`), if that is all it is.
pub fn single_variable(word: &Word) -> Option<&str> {
    let mut found = None;
    for p in &word.parts {
        match p {
            WordPart::Variable { name, complex: false, .. } if found.is_none() => found = Some(name.as_str()),
            WordPart::Literal { text, .. } if text.is_empty() => {}
            _ => return None,
        }
    }
    found
}

/// The plain assignment that decides `name` where `cmd` runs, when there is exactly one.
pub fn only_assignment<'a>(ctx: &'a ScriptCtx<'_>, name: &'a str) -> Option<&'a Assignment> {
    let mut it = ctx
        .script
        .assignments_of(name)
        .filter(|a| a.kind != AssignKind::Prefix);
    let first = it.next()?;
    (it.next().is_none() && first.kind == AssignKind::Plain && !first.append).then_some(first)
}

/// A key naming the file a word refers to: `$recent` for a variable, else its known text.
pub fn file_key(ctx: &ScriptCtx<'_>, word: &Word, cmd: &Command) -> Option<String> {
    if let Some(name) = single_variable(word) {
        return Some(format!("${name}"));
    }
    ctx.eval_at(word, cmd.span.start, &cmd.scope, cmd.function).known()
}

/// Commands that hand SQL to the database: clients, and calls of functions defined in the
/// script (wrappers such as `runsql`).
pub fn runs_sql(ctx: &ScriptCtx<'_>, cmd: &Command) -> bool {
    if client_of(cmd).is_some() {
        return true;
    }
    cmd.base_name()
        .is_some_and(|n| ctx.script.functions.iter().any(|f| f.name == n))
}

/// Whether a word mentions variable `name`.
pub fn mentions(word: &Word, name: &str) -> bool {
    word.parts.iter().any(|p| match p {
        WordPart::Variable { name: n, default, .. } => {
            n == name || default.as_deref().is_some_and(|d| mentions(d, name))
        }
        _ => false,
    })
}

/// Variables whose value reaches SQL: named in a SQL command's words, and the variables
/// their values are built from.
pub fn sql_variables(ctx: &ScriptCtx<'_>) -> std::collections::HashSet<String> {
    let mut names = std::collections::HashSet::new();
    let add_word = |w: &Word, names: &mut std::collections::HashSet<String>| {
        for p in &w.parts {
            if let WordPart::Variable { name, .. } = p {
                names.insert(name.clone());
            }
        }
    };
    for cmd in &ctx.script.commands {
        if runs_sql(ctx, cmd) {
            for a in &cmd.args {
                add_word(a, &mut names);
            }
            for r in &cmd.redirects {
                if let Some(b) = &r.body {
                    add_word(b, &mut names);
                }
                if r.op == "<<<"
                    && let Some(t) = &r.target
                {
                    add_word(t, &mut names);
                }
            }
        }
    }
    loop {
        let before = names.len();
        for a in &ctx.script.assignments {
            if names.contains(&a.name)
                && let Some(v) = &a.value
            {
                add_word(v, &mut names);
            }
        }
        if names.len() == before {
            return names;
        }
    }
}

/// Whether the value of a word is a documentation placeholder (reported by B003).
pub fn is_placeholder(text: &str) -> bool {
    !crate::syntax::template::find(text).is_empty()
}
