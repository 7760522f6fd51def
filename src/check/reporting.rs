//! Which findings a check reports, decided before a rule builds one (`rules::Keep`): the
//! suppression comments of the SQL, then those of the host file (a script's `#`, a page's
//! `<!-- -->`), then the configuration (selection, severity overrides, minimum severity), in the
//! order the findings built anyway meet them. Only a certain "not reported" stops a build; what
//! is built still goes through the same passes after the check.

use crate::check::suppress::Suppressions;
use crate::diagnostic::{Code, Severity};
use crate::hosts::embed::Assembled;
use crate::rules::{Keep, RuleSet};
use crate::syntax::span::Span;

/// The suppression comments of the host file the checked text came from, and where each
/// offset of that text is in the host (`None`: the same offset).
#[derive(Clone, Copy)]
pub struct HostSuppressions<'a> {
    pub suppressions: &'a Suppressions,
    pub map: Option<&'a Assembled>,
}

/// What decides, for one checked text.
pub struct Reporting<'a> {
    pub rules: &'a RuleSet,
    /// The text's own suppression comments.
    pub own: Option<&'a Suppressions>,
    pub host: Option<HostSuppressions<'a>>,
}

impl<'a> Reporting<'a> {
    /// For the rules run on a host file's own text (a script, a page, a fence's commands
    /// mapped into the page by `map`): only the host's suppression comments and the
    /// configuration decide.
    pub fn in_host(
        rules: &'a RuleSet,
        host: Option<&'a Suppressions>,
        map: Option<&'a Assembled>,
    ) -> Reporting<'a> {
        Reporting {
            rules,
            own: None,
            host: host.map(|suppressions| HostSuppressions { suppressions, map }),
        }
    }
}

impl Keep for Reporting<'_> {
    fn keeps(&self, code: Code, severity: Severity, span: Span) -> bool {
        if self
            .own
            .is_some_and(|s| s.suppresses(code.code, span.start))
        {
            return false;
        }
        if let Some(host) = self.host {
            let at = host
                .map
                .map_or(span.start, |m| m.map_point(span.start, false));
            if host.suppressions.suppresses(code.code, at) {
                return false;
            }
        }
        self.rules.reports(code.code, severity)
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::ALL;

    /// `RuleSet::reports` finds a rule by binary search over the codes.
    #[test]
    fn rules_are_in_code_order() {
        assert!(ALL.windows(2).all(|w| w[0].code < w[1].code));
    }
}
