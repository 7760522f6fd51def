//! Applying fixes without losing a byte: edits in order, and a fix kept only when the text
//! still parses as well as before. The fix types live with the diagnostic they belong to.

pub use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Severity};
use crate::parser;

/// The outcome of applying fixes to one source.
#[derive(Debug, Default)]
pub struct Applied {
    pub text: String,
    pub applied: usize,
    /// Fixes left out: they overlapped another, or the result did not parse as before.
    pub refused: usize,
}

/// (syntax errors, parsed backup statements): a fix may not raise the first or lower the second.
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

/// Applies the fixes of `diagnostics` up to `max` applicability. Each fix is applied only if
/// its edits do not overlap an accepted fix, stay inside the text, and the result has no more
/// syntax errors and no fewer parsed backup statements than before; otherwise it is refused.
pub fn apply_fixes(text: &str, diagnostics: &[Diagnostic], max: Applicability) -> Applied {
    apply_fixes_checked(text, diagnostics, max, health)
}

/// `apply_fixes` for a file of any kind: `health` counts (syntax errors, statements) of a
/// candidate text; a fix may not raise the first or lower the second.
pub fn apply_fixes_checked(
    text: &str,
    diagnostics: &[Diagnostic],
    max: Applicability,
    health: impl Fn(&str) -> (usize, usize),
) -> Applied {
    let baseline = health(text);
    let mut fixes: Vec<&Fix> = diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| f.applicability <= max && !f.edits.is_empty())
        .collect();
    fixes.sort_by_key(|f| f.edits.iter().map(|e| e.span.start).min());
    let mut accepted: Vec<&Edit> = Vec::new();
    let mut result = Applied {
        text: text.to_string(),
        ..Applied::default()
    };
    for fix in fixes {
        let in_bounds = fix.edits.iter().all(|e| {
            e.span.start <= e.span.end
                && (e.span.end as usize) <= text.len()
                && text.is_char_boundary(e.span.start as usize)
                && text.is_char_boundary(e.span.end as usize)
        });
        let overlaps = fix.edits.iter().any(|e| {
            accepted
                .iter()
                .any(|a| e.span.start < a.span.end && a.span.start < e.span.end)
        }) || fix.edits.iter().enumerate().any(|(n, e)| {
            fix.edits[n + 1..]
                .iter()
                .any(|o| e.span.start < o.span.end && o.span.start < e.span.end)
        });
        if !in_bounds || overlaps {
            result.refused += 1;
            continue;
        }
        let mut trial = accepted.clone();
        trial.extend(fix.edits.iter());
        trial.sort_by_key(|e| e.span.start);
        let candidate = apply_edits(text, &trial);
        let (errors, parsed) = health(&candidate);
        if errors > baseline.0 || parsed < baseline.1 {
            result.refused += 1;
            continue;
        }
        accepted = trial;
        result.text = candidate;
        result.applied += 1;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::codes;
    use crate::span::Span;

    fn diag_with(fix: Fix) -> Diagnostic {
        let mut d = Diagnostic::new(codes::SYNTAX_ERROR, Span::new(0, 1), "x");
        d.fix = Some(fix);
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
