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
    use crate::check::engine::tests::doc_examples;
    use crate::check::engine::{CheckOptions, Threads, check, check_source};
    use crate::check::suppress;
    use crate::diagnostic::{Diagnostic, Severity};
    use crate::rules::{ALL, RuleSet, findings::BUILT};
    use crate::syntax::{parser, template};
    use std::fmt::Write;

    /// The findings built through `Findings::report` on this thread while `f` runs.
    fn built_during(f: impl FnOnce()) -> Vec<&'static str> {
        BUILT.with(|b| b.borrow_mut().clear());
        f();
        BUILT.with(|b| std::mem::take(&mut *b.borrow_mut()))
    }

    fn opts(threads: Threads) -> CheckOptions {
        CheckOptions {
            now: Some(1_796_515_200),
            threads,
            ..CheckOptions::default()
        }
    }

    /// The rule findings of `diags` that went through `Findings::report` (not the placeholder
    /// findings, which the engine judges after merging them).
    fn judged(diags: &[Diagnostic]) -> usize {
        diags
            .iter()
            .filter(|d| d.code.code != "P001" && crate::rules::find(d.code.code).is_some())
            .count()
    }

    /// The codes of the rules that report a finding on `sql`, once each.
    fn fired_codes(sql: &str) -> Vec<&'static str> {
        let mut codes: Vec<&str> = check_source(sql, &opts(Threads::One))
            .iter()
            .map(|d| d.code.code)
            .filter(|c| *c != "P001" && crate::rules::find(c).is_some())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        assert!(codes.len() > 40, "{codes:?}");
        codes
    }

    /// Suppression comments of every kind among the statements of every rule's examples, over
    /// several batches: a rule's finding a comment suppresses is never built (every finding
    /// built is reported), and the check reports exactly what building every finding and then
    /// applying the comments reports (the findings kept, the suppressions used and unused),
    /// on one thread and on two.
    #[test]
    fn suppressed_findings_are_never_built() {
        let round = doc_examples();
        let fired = fired_codes(&round);
        let mut sql = String::new();
        let mut n = 0;
        while sql.matches(';').count() < 3000 {
            for statement in round.split_inclusive(";\n") {
                let code = fired[n % fired.len()];
                let statement = statement.trim_end_matches('\n');
                match n % 7 {
                    0 => writeln!(sql, "-- backup-lint: ignore[{code}] -- reason\n{statement}"),
                    1 => writeln!(sql, "{statement} -- backup-lint: ignore[{code}, all]"),
                    2 => writeln!(sql, "/* backup-lint: disable[{code}] */\n{statement}"),
                    3 => writeln!(sql, "-- backup-lint: enable[{code}]\n{statement}"),
                    4 => writeln!(sql, "-- backup-lint: ignore[{code}]\n\n{statement}"),
                    _ => writeln!(sql, "{statement}"),
                }
                .unwrap();
                n += 1;
            }
        }
        sql.push_str("-- backup-lint: ignore-file[L004, no-such-rule]\n");
        // Every finding built, the comments applied after: the comments made inert, at the
        // same length, so every span stays where it is.
        let inert = sql.replace("backup-lint:", "backup-lunt:");
        let templates = template::find(&sql);
        let statements = parser::statement_spans(&template::substitute(&sql, &templates), &[]);
        let mut everything = Vec::new();
        let built_all = built_during(|| everything = check_source(&inert, &opts(Threads::One)));
        let want = suppress::apply(&sql, &statements, everything);
        let mut got = Vec::new();
        let built = built_during(|| got = check_source(&sql, &opts(Threads::One)));
        assert_eq!(got, want);
        assert_eq!(
            built.len(),
            judged(&got),
            "a finding built and then dropped"
        );
        assert!(built.len() < built_all.len());
        assert!(got.iter().any(|d| d.code.code == "N002"));
        assert!(got.iter().any(|d| d.code.code == "N001"));
        assert_eq!(check_source(&sql, &opts(Threads::Two)), want);
    }

    /// The same in a script and in a runbook under the host's own comments (`#`,
    /// `<!-- -->`), whose offsets are the host file's: SQL findings are judged at the place
    /// they map to, the script and page rules' at their own.
    #[test]
    fn findings_a_host_comment_suppresses_are_never_built() {
        use crate::hosts::document::{Document, Model};
        use crate::hosts::kind::FileKind;
        let round = doc_examples();
        let fired = fired_codes(&round);
        let (mut sh, mut md) = (String::from("#!/bin/bash\n"), String::new());
        for (n, statement) in round.split_inclusive(";\n").enumerate() {
            let code = fired[n % fired.len()];
            let directive = match n % 4 {
                0 => format!("backup-lint: ignore[{code}]"),
                1 => format!("backup-lint: disable[{code}]"),
                2 => format!("backup-lint: enable[{code}]"),
                _ => String::new(),
            };
            if !directive.is_empty() {
                writeln!(sh, "# {directive}").unwrap();
                writeln!(md, "<!-- {directive} -->\n").unwrap();
            }
            let statement = statement.trim_end();
            writeln!(sh, "cockroach sql --url \"$URL\" <<'EOF'\n{statement}\nEOF").unwrap();
            writeln!(md, "```sql\n{statement}\n```\n").unwrap();
        }
        for (kind, text) in [(FileKind::Shell, sh), (FileKind::Markdown, md)] {
            let doc = Document::build(&text, kind, &[]);
            let comments = match &doc.model {
                Model::Script { script, .. } => script.comments.clone(),
                Model::Markdown { page, .. } => page.comments.clone(),
                _ => unreachable!(),
            };
            let inert = text.replace("backup-lint:", "backup-lunt:");
            let mut everything = Vec::new();
            let built_all = built_during(|| {
                everything = check(&Document::build(&inert, kind, &[]), &opts(Threads::One))
            });
            let want = suppress::apply_comments(&text, &comments, doc.statements(), everything);
            let mut got = Vec::new();
            let built = built_during(|| got = check(&doc, &opts(Threads::One)));
            assert_eq!(got, want, "{kind:?}");
            assert!(judged(&got) > 20, "{kind:?}: {}", judged(&got));
            assert_eq!(
                built.len(),
                judged(&got),
                "{kind:?}: a finding built and dropped"
            );
            assert!(built.len() < built_all.len(), "{kind:?}");
        }
    }

    /// The configuration's selection, severity overrides and minimum severity decide before a
    /// finding is built what `Config::apply` would keep after: the same findings reported,
    /// none built for nothing.
    #[test]
    fn findings_the_configuration_drops_are_never_built() {
        let sql = doc_examples();
        let config = crate::check::config::Config {
            ignore: vec!["U".into()],
            severity: vec![
                ("L".into(), Severity::Info),
                ("L004".into(), Severity::Error),
            ],
            min_severity: Some(Severity::Warning),
            ..Default::default()
        };
        let rules = config.rules_for(None);
        let mut everything = Vec::new();
        let built_all = built_during(|| everything = check_source(&sql, &opts(Threads::One)));
        let want = config.apply(None, everything);
        let mut got = Vec::new();
        let built = built_during(|| {
            got = check_source(
                &sql,
                &CheckOptions {
                    rules,
                    ..opts(Threads::One)
                },
            )
        });
        assert_eq!(config.apply(None, got.clone()), want);
        assert_eq!(
            built.len(),
            judged(&got),
            "a finding built and then dropped"
        );
        assert!(built.len() < built_all.len());
        assert!(!built.iter().any(|c| c.starts_with('U')));
        assert!(
            built.contains(&"L004") && !built.iter().any(|c| c.starts_with('L') && *c != "L004")
        );
        assert!(!rules.reports("L001", Severity::Error));
        assert!(rules.reports("L004", Severity::Info));
        assert!(rules.reports("S002", Severity::Info), "not a rule's code");
        assert!(RuleSet::all().reports("L001", Severity::Info));
    }

    /// `RuleSet::reports` finds a rule by binary search over the codes.
    #[test]
    fn rules_are_in_code_order() {
        assert!(ALL.windows(2).all(|w| w[0].code < w[1].code));
    }
}
