//! Where rules put their findings. A rule reports a finding as its code, severity and span
//! first; the message, labels, help and fix are built (the `build` closure runs) only when the
//! finding would be reported: not suppressed by a comment, its rule selected, its severity
//! (after the configuration's overrides) at or above the minimum asked for. A suppressed
//! finding costs a look-up and counts as the suppression's use; it is never formatted.
//!
//! What decides is a [`Keep`], given by the engine (the check layer).

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::Rule;
use crate::syntax::span::Span;

/// Decides, before a finding is built, whether it would be reported.
pub trait Keep: Sync {
    /// Whether a finding of `code` with `severity` at `span` is reported. Only a certain
    /// answer may be `false` (the finding is then never built); a suppression comment that
    /// decides it counts as used, as if the finding had been built and dropped.
    fn keeps(&self, code: Code, severity: Severity, span: Span) -> bool;
}

#[cfg(test)]
thread_local! {
    /// The codes of the findings built through `report` on this thread (unit tests only).
    pub static BUILT: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The findings of the rules run so far, with what decides which are built.
pub struct Findings<'v, 'k> {
    out: &'v mut Vec<Diagnostic>,
    keep: &'k dyn Keep,
}

impl<'v, 'k> Findings<'v, 'k> {
    /// Findings added to `out`, each built only if `keep` keeps it.
    pub fn new(out: &'v mut Vec<Diagnostic>, keep: &'k dyn Keep) -> Self {
        Findings { out, keep }
    }

    /// Reports a finding of `rule` at `span`, with the rule's severity: `build` makes it (its
    /// code, span and severity as given) if it is kept.
    #[inline]
    pub fn report(&mut self, rule: &Rule, span: Span, build: impl FnOnce() -> Diagnostic) {
        self.report_as(rule, rule.severity, span, build);
    }

    /// [`Findings::report`] with a severity of its own (a rule that reports some findings
    /// below its usual severity).
    #[inline]
    pub fn report_as(
        &mut self,
        rule: &Rule,
        severity: Severity,
        span: Span,
        build: impl FnOnce() -> Diagnostic,
    ) {
        if self.keep.keeps(rule.code(), severity, span) {
            self.add(rule, severity, span, build());
        }
    }

    #[cold]
    #[inline(never)]
    fn add(&mut self, rule: &Rule, severity: Severity, span: Span, d: Diagnostic) {
        #[cfg(test)]
        BUILT.with(|b| b.borrow_mut().push(rule.code));
        // What was decided on must be what is reported.
        debug_assert_eq!(
            (d.code.code, d.severity, d.span),
            (rule.code, severity, span),
            "a finding built other than it was reported"
        );
        self.out.push(d);
    }

    /// Adds findings built already, not judged here: the engine's later passes judge them with
    /// the rest. Only for the placeholder findings, which the engine merges per placeholder
    /// and a host drops or lowers, so whether one is reported is not known yet.
    pub fn add_unjudged(&mut self, built: impl IntoIterator<Item = Diagnostic>) {
        self.out.extend(built);
    }
}
