//! Applying fixes without losing a byte: edits in order, and a fix kept only when the text
//! still parses as well as before. The fix types live with the diagnostic they belong to.

pub use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::parser;

/// The outcome of applying fixes to one source.
#[derive(Debug, Default)]
pub struct Applied {
    pub text: String,
    pub applied: usize,
    /// Fixes left out: they overlapped another, or the result did not parse as before.
    pub refused: usize,
}

/// How a candidate text is judged against the text before the fixes.
pub trait Judge {
    /// Whether `self` (after) has no problem `before` did not have.
    fn no_worse_than(&self, before: &Self) -> bool;
}

/// (syntax errors, parsed backup statements): a fix may not raise the first or lower the second.
impl Judge for (usize, usize) {
    fn no_worse_than(&self, before: &Self) -> bool {
        self.0 <= before.0 && self.1 >= before.1
    }
}

/// Everything a file's check says about it: the problems (errors and warnings) of every code,
/// from every rule and the host's own parser (`S004` for bash), the parsed statements and the
/// host's units (Markdown fences). A fix set may not add a problem of any code, nor lose a
/// statement or a fence: two fixes each sound alone can combine into a new error (an encoded
/// `#` that becomes part of another parameter's value), which no syntax count sees.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Health {
    problems: std::collections::BTreeMap<&'static str, usize>,
    parsed: usize,
    units: usize,
}

impl Health {
    /// The health of a text whose check gave `diagnostics`, with `parsed` statements and
    /// `units` host units.
    pub fn of(diagnostics: &[Diagnostic], parsed: usize, units: usize) -> Health {
        let mut problems = std::collections::BTreeMap::new();
        for d in diagnostics {
            if d.severity >= Severity::Warning {
                *problems.entry(d.code.code).or_insert(0) += 1;
            }
        }
        Health {
            problems,
            parsed,
            units,
        }
    }
}

impl Judge for Health {
    fn no_worse_than(&self, before: &Self) -> bool {
        self.parsed >= before.parsed
            && self.units >= before.units
            && self
                .problems
                .iter()
                .all(|(code, n)| *n <= before.problems.get(code).copied().unwrap_or(0))
    }
}

/// (syntax errors, parsed backup statements) of SQL text.
fn health(text: &str) -> (usize, usize) {
    let parsed = parser::parse(text);
    let errors = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, parsed.parsed().count())
}

fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for e in edits {
        out.push_str(&text[last..e.span.start as usize]);
        out.push_str(&e.replacement);
        last = e.span.end as usize;
    }
    out.push_str(&text[last..]);
    out
}

/// Applies the fixes of `diagnostics` up to `max` applicability. A fix is applied only if its
/// edits stay inside the text and overlap no edit of an earlier fix, and the result has no more
/// syntax errors and no fewer parsed backup statements than before; otherwise it is refused.
pub fn apply_fixes(text: &str, diagnostics: &[Diagnostic], max: Applicability) -> Applied {
    apply_fixes_checked(text, diagnostics, max, health)
}

/// `apply_fixes` for a file of any kind: `health` counts (syntax errors, statements) of a
/// candidate text; a fix may not raise the first or lower the second.
///
/// Linear when the fixes are sound: all of them are tried together and the text is judged
/// once. Only when that result is worse are the fixes halved and each half tried on what was
/// accepted before it, down to the single fixes to refuse (a few bad fixes cost a few
/// judgements each, not one per fix).
pub fn apply_fixes_checked<H: Judge>(
    text: &str,
    diagnostics: &[Diagnostic],
    max: Applicability,
    health: impl Fn(&str) -> H,
) -> Applied {
    let baseline = health(text);
    let mut fixes: Vec<&Fix> = diagnostics
        .iter()
        .filter_map(|d| d.fix())
        .filter(|f| f.applicability <= max && !f.edits.is_empty())
        .collect();
    fixes.sort_by_key(|f| f.edits.iter().map(|e| e.span.start).min());
    let mut result = Applied {
        text: text.to_string(),
        ..Applied::default()
    };
    // In order: a fix whose edits leave the text, overlap each other or overlap an earlier
    // fix's is refused before any text is built. Taken spans never overlap one another (an
    // insertion may sit at either end of a replacement), so of those starting before a new
    // edit ends only the last one in (start, end) order can overlap it.
    let mut taken: std::collections::BTreeSet<(u32, u32)> = std::collections::BTreeSet::new();
    let mut candidates: Vec<&Fix> = Vec::with_capacity(fixes.len());
    for fix in fixes {
        let in_bounds = fix.edits.iter().all(|e| {
            e.span.start <= e.span.end
                && (e.span.end as usize) <= text.len()
                && text.is_char_boundary(e.span.start as usize)
                && text.is_char_boundary(e.span.end as usize)
        });
        let mut own: Vec<(u32, u32)> = fix
            .edits
            .iter()
            .map(|e| (e.span.start, e.span.end))
            .collect();
        own.sort_unstable();
        let overlaps_itself = own.windows(2).any(|w| overlap(w[0], w[1]));
        let overlaps_earlier = own.iter().any(|&(start, end)| {
            // An insertion (start == end) overlaps only a span strictly around it.
            let bound = end.max(start + 1);
            let last = taken.range(..(bound, 0)).next_back();
            last.is_some_and(|&span| overlap(span, (start, end)))
        });
        if !in_bounds || overlaps_itself || overlaps_earlier {
            result.refused += 1;
            continue;
        }
        taken.extend(own);
        candidates.push(fix);
    }
    let mut accepted: Vec<&Edit> = Vec::new();
    accept(
        text,
        &baseline,
        &health,
        &candidates,
        &mut accepted,
        &mut result,
    );
    result
}

/// Whether two byte ranges share a byte (as the edits' replacement would collide).
fn overlap(a: (u32, u32), b: (u32, u32)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Accepts `fixes` together on top of `accepted` if the text stays as healthy as `baseline`;
/// otherwise each half in turn, down to refusing single fixes.
fn accept<'f, H: Judge>(
    text: &str,
    baseline: &H,
    health: &impl Fn(&str) -> H,
    fixes: &[&'f Fix],
    accepted: &mut Vec<&'f Edit>,
    result: &mut Applied,
) {
    if fixes.is_empty() {
        return;
    }
    let mut trial = accepted.clone();
    trial.extend(fixes.iter().flat_map(|f| f.edits.iter()));
    trial.sort_by_key(|e| (e.span.start, e.span.end));
    let candidate = apply_edits(text, &trial);
    if health(&candidate).no_worse_than(baseline) {
        *accepted = trial;
        result.text = candidate;
        result.applied += fixes.len();
        return;
    }
    if fixes.len() == 1 {
        result.refused += 1;
        return;
    }
    let (first, second) = fixes.split_at(fixes.len() / 2);
    accept(text, baseline, health, first, accepted, result);
    accept(text, baseline, health, second, accepted, result);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::codes;
    use crate::syntax::span::Span;

    fn diag_with(fix: Fix) -> Diagnostic {
        let mut d = Diagnostic::new(codes::SYNTAX_ERROR, Span::new(0, 1), "x");
        d.set_fix(Some(fix));
        d
    }

    #[test]
    fn applies_safe_and_refuses_breaking_or_overlapping_fixes() {
        let text = "BACKUP INTO 'a';";
        let good = Fix::safe(
            "rename",
            vec![Edit {
                span: Span::new(12, 15),
                replacement: "'b'".into(),
            }],
        );
        let overlapping = Fix::safe(
            "again",
            vec![Edit {
                span: Span::new(13, 14),
                replacement: "c".into(),
            }],
        );
        let breaking = Fix::safe(
            "break",
            vec![Edit {
                span: Span::new(0, 6),
                replacement: "BAKUP".into(),
            }],
        );
        let risky = Fix::unsafe_(
            "risky",
            vec![Edit {
                span: Span::new(15, 15),
                replacement: " WITH detached".into(),
            }],
        );
        let diags = [
            diag_with(good),
            diag_with(overlapping),
            diag_with(breaking),
            diag_with(risky),
        ];
        let r = apply_fixes(text, &diags, Applicability::Safe);
        assert_eq!(r.text, "BACKUP INTO 'b';");
        assert_eq!((r.applied, r.refused), (1, 2));
        let r = apply_fixes(text, &diags, Applicability::Unsafe);
        assert_eq!(r.text, "BACKUP INTO 'b' WITH detached;");
    }
}
