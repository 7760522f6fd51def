//! The line-per-finding formats (`concise`, `github`; both read in terminals and CI logs, so
//! no control character of the input gets through) and the per-rule table (`--statistics`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{FileReport, Model, position, replace_controls, terminal_message, terminal_path};
use crate::diagnostic::Severity;

/// One line per finding: `path:line:col: severity[CODE name]: message` (1-based; editors'
/// error formats, vim `errorformat`, VS Code problem matchers).
pub(super) fn concise<W: Write>(
    out: &mut W,
    f: &FileReport<'_>,
    model: Model<'_>,
) -> io::Result<()> {
    if f.diagnostics.is_empty() {
        return Ok(());
    }
    let model = model.get();
    let redactor = &model.redactor;
    let index = model.index(f.text);
    let path = terminal_path(f.path);
    for d in f.diagnostics {
        let (line, col) = index.line_col(d.span.start as usize);
        writeln!(
            out,
            "{path}:{line}:{col}: {}[{} {}]: {}{}",
            d.severity.as_str(),
            d.code.code,
            d.code.name,
            terminal_message(redactor, &d.message).replace('\n', " "),
            if d.fix().is_some() { " (fixable)" } else { "" }
        )?;
    }
    Ok(())
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`).
pub(super) fn github<W: Write>(
    out: &mut W,
    f: &FileReport<'_>,
    model: Model<'_>,
) -> io::Result<()> {
    if f.diagnostics.is_empty() {
        return Ok(());
    }
    let model = model.get();
    let redactor = &model.redactor;
    fn escape_data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn escape_property(s: &str) -> String {
        escape_data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let index = model.index(f.text);
    // Escaped first: line breaks keep their `%0A` form; other controls are replaced.
    let path = escape_property(f.path);
    let path = terminal_path(&path);
    for d in f.diagnostics {
        let p = position(&index, d.span);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        writeln!(
            out,
            "::{level} file={path},line={},col={},endLine={},endColumn={},title={}::{}",
            p.line,
            p.column,
            p.end_line,
            p.end_column,
            escape_property(&format!("{} {}", d.code.code, d.code.name)),
            replace_controls(&escape_data(&redactor.scrub(&d.message)), |c, _| c == '\t')
        )?;
    }
    Ok(())
}

/// Findings per rule, most frequent first (`check --statistics`): counted file by file,
/// written at the end.
#[derive(Default)]
pub struct Statistics {
    /// (code, name) → (findings, fixable findings).
    per_rule: BTreeMap<(&'static str, &'static str), (usize, usize)>,
}

impl Statistics {
    pub fn file(&mut self, f: &FileReport<'_>) {
        for d in f.diagnostics {
            let e = self.per_rule.entry((d.code.code, d.code.name)).or_default();
            e.0 += 1;
            e.1 += usize::from(d.fix().is_some());
        }
    }

    pub fn finish<W: Write>(&self, out: &mut W) -> io::Result<()> {
        let mut rows: Vec<_> = self.per_rule.iter().collect();
        rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        for ((code, name), (n, fixable)) in rows {
            write!(out, "{n:>6}  {code}  {name}")?;
            if *fixable > 0 {
                write!(out, " ({fixable} fixable)")?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}
