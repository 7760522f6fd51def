//! Diagnostics are values: every stage returns them, only the CLI and renderers print them.

use serde::Serialize;

use crate::syntax::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(format!(
                "unknown severity `{s}`: expected error, warning or info"
            )),
        }
    }
}

/// A secondary location with its own message ("first given here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: Text,
}

/// Diagnostic text: most of it is static, so it is not copied per finding.
pub type Text = std::borrow::Cow<'static, str>;

/// What kind of finding a diagnostic is: a stable code and a kebab-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
}

/// The built-in codes (every code that is not a rule's); `crate::catalogue` documents them.
pub mod codes {
    use super::{Code, Severity};

    pub const LEXICAL_ERROR: Code = Code {
        code: "S001",
        name: "lexical-error",
        severity: Severity::Error,
    };
    pub const SYNTAX_ERROR: Code = Code {
        code: "S002",
        name: "syntax-error",
        severity: Severity::Error,
    };
    pub const DUPLICATE_OPTION: Code = Code {
        code: "S003",
        name: "duplicate-option",
        severity: Severity::Error,
    };
    pub const REMOVED_SYNTAX: Code = Code {
        code: "V001",
        name: "removed-syntax",
        severity: Severity::Error,
    };
    pub const SYNTAX_TOO_NEW: Code = Code {
        code: "V002",
        name: "syntax-too-new",
        severity: Severity::Error,
    };
    pub const DEPRECATED_SYNTAX: Code = Code {
        code: "V003",
        name: "deprecated-syntax",
        severity: Severity::Warning,
    };
    pub const UNKNOWN_OPTION: Code = Code {
        code: "V004",
        name: "unknown-option",
        severity: Severity::Error,
    };
    pub const SHELL_SYNTAX_ERROR: Code = Code {
        code: "S004",
        name: "shell-syntax-error",
        severity: Severity::Error,
    };
    pub const YAML_SYNTAX_ERROR: Code = Code {
        code: "S005",
        name: "yaml-syntax-error",
        severity: Severity::Error,
    };
    pub const COMMENT_IN_STATEMENT: Code = Code {
        code: "F001",
        name: "comment-inside-statement",
        severity: Severity::Info,
    };
    pub const FORMAT_NOT_VERIFIED: Code = Code {
        code: "F002",
        name: "format-not-verified",
        severity: Severity::Info,
    };
    pub const UNKNOWN_RULE: Code = Code {
        code: "N001",
        name: "unknown-rule-in-suppression",
        severity: Severity::Warning,
    };
    pub const UNUSED_SUPPRESSION: Code = Code {
        code: "N002",
        name: "unused-suppression",
        severity: Severity::Warning,
    };
    pub const SAME_MEANING: Code = Code {
        code: "R001",
        name: "migrated-same-meaning",
        severity: Severity::Info,
    };
    pub const LAYOUT_CHANGE: Code = Code {
        code: "R002",
        name: "migrated-layout-change",
        severity: Severity::Warning,
    };
    pub const CANNOT_MIGRATE: Code = Code {
        code: "R003",
        name: "cannot-migrate",
        severity: Severity::Error,
    };
    pub const RUN_FAILS: Code = Code {
        code: "X001",
        name: "simulated-run-fails",
        severity: Severity::Error,
    };
    pub const CHAIN_KEEPS_GROWING: Code = Code {
        code: "X002",
        name: "simulated-chain-keeps-growing",
        severity: Severity::Warning,
    };
    pub const WEEK_IN_WRONG_YEAR: Code = Code {
        code: "X003",
        name: "simulated-week-in-wrong-year",
        severity: Severity::Error,
    };
    pub const COLLECTION_WITHOUT_FULL: Code = Code {
        code: "X004",
        name: "simulated-collection-without-full",
        severity: Severity::Error,
    };

    /// The codes of the parser, the release checker and `fmt` (what `check` reports besides
    /// the rules and suppressions).
    pub const ALL: &[Code] = &[
        LEXICAL_ERROR,
        SYNTAX_ERROR,
        DUPLICATE_OPTION,
        SHELL_SYNTAX_ERROR,
        YAML_SYNTAX_ERROR,
        REMOVED_SYNTAX,
        SYNTAX_TOO_NEW,
        DEPRECATED_SYNTAX,
        UNKNOWN_OPTION,
        COMMENT_IN_STATEMENT,
        FORMAT_NOT_VERIFIED,
    ];
}

/// One finding. Kept small (88 bytes): the parts most findings lack — a label, secondary
/// labels, help, a fix — live in one boxed `Extra`, so a file with a hundred thousand findings
/// moves and sorts a fraction of the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: Text,
    pub span: Span,
    extra: Option<Box<Extra>>,
}

/// What only some findings carry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Extra {
    /// What the primary span shows, if more than the message.
    label: Option<Text>,
    labels: Vec<Label>,
    help: Option<Text>,
    fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<Text>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity,
            message: message.into(),
            span,
            extra: None,
        }
    }

    fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// What the primary span shows, if more than the message.
    pub fn label(&self) -> Option<&str> {
        self.extra.as_ref()?.label.as_deref()
    }

    /// Secondary spans with what each shows.
    pub fn labels(&self) -> &[Label] {
        self.extra.as_ref().map_or(&[], |e| e.labels.as_slice())
    }

    pub fn help(&self) -> Option<&str> {
        self.extra.as_ref()?.help.as_deref()
    }

    pub fn fix(&self) -> Option<&Fix> {
        self.extra.as_ref()?.fix.as_ref()
    }

    /// Rewrites every text the finding shows (message, label, secondary labels, help) with
    /// `f`, which returns `None` to keep a text as it is.
    pub fn rewrite_texts(&mut self, f: impl Fn(&str) -> Option<String>) {
        if let Some(m) = f(&self.message) {
            self.message = m.into();
        }
        if let Some(extra) = self.extra.as_mut() {
            for text in extra
                .label
                .iter_mut()
                .chain(extra.help.iter_mut())
                .chain(extra.labels.iter_mut().map(|l| &mut l.message))
            {
                if let Some(m) = f(text) {
                    *text = m.into();
                }
            }
        }
    }

    /// The secondary labels, to change in place (mapping a finding into its host file).
    pub fn labels_mut(&mut self) -> &mut Vec<Label> {
        &mut self.extra_mut().labels
    }

    /// Removes the fix and returns it.
    pub fn take_fix(&mut self) -> Option<Fix> {
        self.extra.as_mut()?.fix.take()
    }

    pub fn set_fix(&mut self, fix: Option<Fix>) {
        if fix.is_some() || self.extra.is_some() {
            self.extra_mut().fix = fix;
        }
    }

    pub fn with_label(mut self, label: impl Into<Text>) -> Self {
        self.extra_mut().label = Some(label.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<Text>) -> Self {
        self.extra_mut().labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<Text>) -> Self {
        self.extra_mut().help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.extra_mut().fix = Some(fix);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// A fix: text edits attached to a diagnostic (`crate::check::fix` applies them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    /// Keeps the statement's meaning; applied by `check --fix`.
    Safe,
    /// Changes what the statement does (or may); applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the bytes of `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, in a few words ("URL-encode the locality value").
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            message: message.into(),
            applicability: Applicability::Safe,
            edits,
        }
    }

    pub fn unsafe_(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            message: message.into(),
            applicability: Applicability::Unsafe,
            edits,
        }
    }
}
