//! Diagnostics are values: every stage returns them, only the CLI and renderers print them.

use serde::Serialize;

use crate::span::Span;

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

/// The built-in codes of the parser and the version checker.
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
    pub const COMMENT_IN_STATEMENT: Code = Code {
        code: "F001",
        name: "comment-inside-statement",
        severity: Severity::Info,
    };

    /// Documentation of the built-in codes, for `backup-lint explain`.
    pub fn doc(code: &str) -> Option<&'static str> {
        Some(match code {
            "S001" => {
                "A lexical error: an unterminated string, quoted identifier or comment, a byte that is not valid UTF-8, a character that cannot start a token (such as a shell `\\` line continuation), a placeholder outside `$1`…`$65536`, or a malformed `x'…'` literal. The statement around it is not checked further."
            }
            "S002" => {
                "A syntax error: the statement is not valid in any CockroachDB release backup-lint knows. The message says where, what was expected there, and which statement was being parsed. Fix it first: the statement is not checked further, and `fmt` leaves the file alone."
            }
            "S003" => {
                "The same option (or one of its aliases, such as `include_all_secondary_tenants` for `include_all_virtual_clusters`) given twice. CockroachDB rejects the statement with `<option> specified multiple times`."
            }
            "S004" => {
                "A shell script (or a shell fence of a runbook) has a part the shell parser could not read. Bash would most likely stop there too (an unmatched quote, a stray `fi`). SQL inside that part is not checked, so the file is not reported clean."
            }
            "V001" => {
                "Syntax that the target release no longer accepts, with CockroachDB's own error text (for example `The BACKUP TO syntax is no longer supported`, v25.1). `backup-lint migrate` (planned) rewrites it; until then use the replacement in the help."
            }
            "V002" => {
                "Syntax added after the target release: a cluster running the target release rejects it. Raise `--target-version` (or `target-version` in backup-lint.toml) if the cluster is newer."
            }
            "V003" => {
                "Syntax the target release still accepts but has deprecated, with the replacement; it will stop working in a later release."
            }
            "V004" => {
                "An option the statement does not have in the target release (a typo, or an option of another statement). Releases up to v20.1 (SHOW BACKUP: v22.1) accepted any option name; later ones reject unknown ones with a syntax error."
            }
            "R001" => {
                "`backup-lint migrate` rewrote this into the target release's own spelling with the same meaning: `TENANT n` ↔ `VIRTUAL CLUSTER n`, a renamed option (`include_all_secondary_tenants` → `include_all_virtual_clusters`, `tenant_name` → `virtual_cluster_name`, `tenant` → `virtual_cluster`), or `SHOW BACKUP CONNECTION` → `CHECK EXTERNAL CONNECTION`."
            }
            "R002" => {
                "`backup-lint migrate --unsafe` changed where backups are stored or found: `BACKUP … TO` → `BACKUP … INTO` a collection, a chain (`TO … INCREMENTAL FROM`, `RESTORE … FROM <uris>`) → `INTO LATEST IN` / `FROM LATEST IN` the collection derived from its paths, `SHOW BACKUP '<path>'` → `FROM LATEST IN`, or `incremental_location` dropped. Backups taken with the old layout stay readable only with the old syntax. The help says what differs."
            }
            "R003" => {
                "`backup-lint migrate` could not write this for the target release: the syntax has no equivalent there, the collection cannot be derived from the chain's paths, the change needs `--unsafe`, or the script assembles the SQL in a way migrate cannot rewrite. The message names the manual step."
            }
            "F001" => {
                "`fmt` left a statement as written because a comment sits inside it and the canonical one-line form cannot keep it. Move the comment before or after the statement."
            }
            _ => return None,
        })
    }

    pub const ALL: &[Code] = &[
        LEXICAL_ERROR,
        SYNTAX_ERROR,
        DUPLICATE_OPTION,
        SHELL_SYNTAX_ERROR,
        REMOVED_SYNTAX,
        SYNTAX_TOO_NEW,
        DEPRECATED_SYNTAX,
        UNKNOWN_OPTION,
        COMMENT_IN_STATEMENT,
    ];
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: Text,
    pub span: Span,
    /// What the primary span shows, if more than the message.
    pub label: Option<Text>,
    pub labels: Vec<Label>,
    pub help: Option<Text>,
    pub fix: Option<crate::fix::Fix>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<Text>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity,
            message: message.into(),
            span,
            label: None,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<Text>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<Text>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<Text>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: crate::fix::Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
