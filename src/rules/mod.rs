//! The rule catalogue: one rule per file under `src/rules/<category>/`, registered by
//! `build.rs`. A rule file holds its documentation (the `//!` comment: What it flags, Why,
//! Example, Use instead, Fix safety, Versions), a `pub static RULE: Rule`, and its check.
//! The doc examples run as tests (`tests/suite/rules.rs`): the Example must fire the rule, the
//! Use-instead block must not.
//!
//! Rules judge meaning only; they never print. A statement rule sees one statement at a time,
//! its `StatementFacts`, and (`RuleKind::Statement`) the `FileContext` of every earlier
//! statement of the file, or (`RuleKind::StatementAlone`) nothing beyond the statement: such a
//! rule may run on the thread that parses the file. It runs only on the statement kinds its
//! `on` names.

use crate::analysis::chain::CollKind;
pub use crate::analysis::context::{Entry, FileContext};
pub use crate::analysis::facts::{StatementFacts, StatementKinds, StatementTraits};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::syntax::ast::{Statement, StrValue};
use crate::syntax::span::Span;
use crate::syntax::version::Version;
pub use findings::{Findings, Keep};

include!(concat!(env!("OUT_DIR"), "/rules_registry.rs"));

pub mod findings;

/// What every rule file imports.
pub mod prelude {
    pub use super::{
        Ctx, FileContext, Findings, Rule, RuleKind, ScriptCtx, StatementCtx, StatementFacts,
        StatementKinds,
    };
    pub use crate::diagnostic::{Applicability, Edit, Fix};
    pub use crate::diagnostic::{Diagnostic, Severity};
    pub use crate::syntax::ast::*;
    pub use crate::syntax::span::Span;
    pub use crate::syntax::uri::{LOCALITY_PARAM, Param, StorageUri};
    pub use crate::syntax::version::{Version, v};
}

/// A rule's check: judge `stmt` against the file before it, push findings.
pub type CheckFn = fn(&Statement, &Ctx<'_>, &mut Findings<'_, '_>);

/// A check of `stmt` alone (it cannot see the file before it), push findings.
pub type AloneCheckFn = fn(&Statement, &StatementCtx<'_>, &mut Findings<'_, '_>);

/// A script rule's check: judge the whole script.
pub type ScriptCheckFn = fn(&ScriptCtx<'_>, &mut Findings<'_, '_>);

/// A Markdown rule's check: judge the whole page.
pub type MarkdownCheckFn =
    fn(&crate::hosts::markdown::Markdown, &ScriptCtx<'_>, &mut Findings<'_, '_>);

/// Everything a script rule may look at.
pub struct ScriptCtx<'a> {
    pub target: Version,
    /// The script's text (for a shell fence of a runbook: the fence's commands).
    pub source: &'a str,
    pub script: &'a crate::hosts::shell::Script,
    pub extraction: &'a crate::hosts::shell::extract::Extraction,
    /// A runbook's fence: documentation placeholders are expected there.
    pub in_markdown: bool,
}

impl ScriptCtx<'_> {
    /// The value of `word`, evaluated where `at` is (assignments before it are visible).
    pub fn eval_at(
        &self,
        word: &crate::hosts::shell::Word,
        at: u32,
        scope: &crate::hosts::shell::Scope,
        function: Option<usize>,
    ) -> crate::hosts::shell::text::Value {
        crate::hosts::shell::text::Env::at(self.script, at, scope, function).eval(word)
    }
}

pub struct Rule {
    /// Stable code: a category letter and three digits (`L001`).
    pub code: &'static str,
    /// Kebab-case name that says what it flags.
    pub name: &'static str,
    pub severity: Severity,
    /// One line for `backup-lint rules`.
    pub summary: &'static str,
    /// The rule file's text (`include_str!` of itself): its `//!` comment is the documentation.
    pub source: &'static str,
    pub kind: RuleKind,
}

/// What a rule judges, and so when it runs.
pub enum RuleKind {
    /// Each parsed statement of one of the kinds `on`, judged with the file before it.
    Statement { on: StatementKinds, check: CheckFn },
    /// Each parsed statement of one of the kinds `on`, judged alone: its check sees no file
    /// state (the type of its context has none), so it may run on the parsing thread.
    StatementAlone {
        on: StatementKinds,
        check: AloneCheckFn,
    },
    /// A shell script as a whole (and each shell fence of a runbook).
    Script(ScriptCheckFn),
    /// A Markdown page as a whole.
    Markdown(MarkdownCheckFn),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rule({} {})", self.code, self.name)
    }
}

impl Rule {
    pub const fn code(&self) -> Code {
        Code {
            code: self.code,
            name: self.name,
            severity: self.severity,
        }
    }

    /// A diagnostic of this rule.
    pub fn diag(&self, span: Span, message: impl Into<crate::diagnostic::Text>) -> Diagnostic {
        Diagnostic::new(self.code(), span, message)
    }

    /// The rule's documentation: its file's leading `//!` lines.
    pub fn doc(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                break;
            };
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
        out
    }

    /// The text of one `## Title` section of the documentation.
    pub fn doc_section(&self, title: &str) -> Option<String> {
        let doc = self.doc();
        let head = format!("## {title}\n");
        let start = doc.find(&head)? + head.len();
        let end = doc[start..]
            .find("\n## ")
            .map_or(doc.len(), |p| start + p + 1);
        Some(doc[start..end].trim().to_string())
    }
}

/// Everything a rule may look at besides the statement: the statement's own context and the
/// file before it.
pub struct Ctx<'a> {
    /// What a rule that judges the statement alone sees too (`Ctx` derefs to it).
    pub statement: StatementCtx<'a>,
    /// Every earlier statement of the file.
    pub file: &'a FileContext,
    /// What the file state will record of the statement (`Written::of`).
    pub written: &'a crate::analysis::file_state::Written,
    /// The statement's chain, worked out by the first chain rule that asks (`Ctx::chain`).
    pub chain: std::cell::OnceCell<Option<crate::analysis::chain::Chain<'a>>>,
}

impl<'a> std::ops::Deref for Ctx<'a> {
    type Target = StatementCtx<'a>;

    fn deref(&self) -> &StatementCtx<'a> {
        &self.statement
    }
}

/// Everything a rule may look at besides the statement that does not depend on the statements
/// before it (`RuleKind::StatementAlone` sees only this). A rule that judges a statement alone
/// cannot read the file state, so it cannot be put on the parsing thread by mistake:
///
/// ```compile_fail,E0609
/// fn alone(ctx: &backup_lint::rules::StatementCtx<'_>) -> usize {
///     ctx.file.entries.len()
/// }
/// ```
/// ```
/// fn in_file(ctx: &backup_lint::rules::Ctx<'_>) -> usize {
///     ctx.file.entries.len()
/// }
/// ```
pub struct StatementCtx<'a> {
    pub target: Version,
    /// The whole source text (for precise spans inside literals).
    pub source: &'a str,
    /// The statement's span (without its `;`).
    pub span: Span,
    /// Documentation placeholders inside the statement (`crate::syntax::template`).
    pub templates: &'a [crate::syntax::template::Template],
    /// The statement's facts (empty for a statement that did not parse).
    pub facts: &'a StatementFacts<'a>,
    /// The last literal `is_plain_literal` judged, and the answer: the storage rules ask about
    /// one URI once per parameter, and the answer costs the literal's length.
    pub last_literal: std::cell::Cell<Option<(Span, bool)>>,
    /// What the storage rules read of each URI, worked out by the first that asks
    /// (`StatementCtx::storage_targets`); held in place for the usual one or two URIs.
    pub storage: std::cell::OnceCell<
        crate::analysis::few::Few<crate::rules::storage::common::UriReading<'a>>,
    >,
    /// The collection the statement writes, worked out by the first collection rule that asks
    /// (`StatementCtx::collection_of`).
    pub collection: std::cell::OnceCell<Option<(std::borrow::Cow<'a, str>, CollKind)>>,
}

/// The facts of a statement that did not parse.
pub static NO_FACTS: StatementFacts<'static> = StatementFacts::empty();

impl<'a> Ctx<'a> {
    /// The chain `stmt`, the statement being judged, builds on or reads
    /// (`crate::analysis::chain::chain`): worked out once, shared by the chain rules.
    pub fn chain(&self, stmt: &Statement) -> Option<&crate::analysis::chain::Chain<'a>> {
        self.chain
            .get_or_init(|| {
                crate::analysis::chain::chain(
                    stmt,
                    self.facts,
                    self.file,
                    self.target,
                    self.written.location_id(),
                )
            })
            .as_ref()
    }
}

impl<'a> StatementCtx<'a> {
    /// The context of the statement at `span` with `facts`, its caches empty.
    pub fn new(
        target: Version,
        source: &'a str,
        span: Span,
        templates: &'a [crate::syntax::template::Template],
        facts: &'a StatementFacts<'a>,
    ) -> StatementCtx<'a> {
        StatementCtx {
            target,
            source,
            span,
            templates,
            facts,
            last_literal: Default::default(),
            storage: Default::default(),
            collection: Default::default(),
        }
    }

    /// The collection `stmt`, the statement being judged, writes, and how
    /// (`crate::analysis::chain::collection_of`): worked out once, shared by the collection
    /// rules.
    pub fn collection_of(&self, stmt: &Statement) -> Option<(&str, CollKind)> {
        self.collection
            .get_or_init(|| crate::analysis::chain::collection_of(stmt, self.facts))
            .as_ref()
            .map(|(loc, kind)| (&**loc, *kind))
    }

    /// The URIs the storage rules judge (`StatementFacts::targets`), each with its provider
    /// and query: worked out once, shared by the storage rules.
    pub fn storage_targets(
        &self,
    ) -> std::slice::Iter<'_, crate::rules::storage::common::UriReading<'a>> {
        self.storage
            .get_or_init(|| {
                self.facts
                    .targets()
                    .map(|t| crate::rules::storage::common::UriReading::of(t, self.target))
                    .collect()
            })
            .iter()
    }

    /// What the statement has that some rules need (`StatementKinds::having`): what its
    /// storage URIs have, its `AS OF SYSTEM TIME` reading, some of its options.
    pub fn traits(&self) -> StatementTraits {
        let uris = self
            .storage_targets()
            .fold(StatementTraits::NONE, |all, r| all.or(r.traits()));
        let aost = self
            .facts
            .aost
            .as_ref()
            .map_or(StatementTraits::NONE, |a| a.reading.traits());
        uris.or(aost).or(crate::rules::options::util::traits(
            &self.facts.option_items,
        ))
    }

    /// The span of bytes `range` of a string literal's value, when the literal is written
    /// plainly (`'…'` with no escapes) so value offsets map to source offsets; otherwise the
    /// whole literal.
    pub fn value_span(&self, s: &StrValue, range: std::ops::Range<usize>) -> Span {
        if self.is_plain_literal(s) {
            let base = s.span.start as usize + 1;
            Span::new(base + range.start, base + range.end)
        } else {
            s.span
        }
    }

    /// Whether `value_span` can point inside this literal (so a fix may edit it).
    pub fn is_plain_literal(&self, s: &StrValue) -> bool {
        let Some(text) = s.text() else {
            return false;
        };
        if let Some((span, plain)) = self.last_literal.get()
            && span == s.span
        {
            return plain;
        }
        let lit = &self.source[s.span.range()];
        let plain =
            lit.len() == text.len() + 2 && lit.starts_with('\'') && &lit[1..lit.len() - 1] == text;
        self.last_literal.set(Some((s.span, plain)));
        plain
    }
}

/// Which rules run, by their place in [`ALL`]: a rule outside the set is never invoked (its
/// findings would be filtered out anyway). The default is every rule. Also which rules'
/// findings are reported and at what severity (the configuration's selection, severity
/// overrides and minimum severity), so a finding that will not be reported is never built
/// (`RuleSet::reports`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleSet {
    bits: [u64; RuleSet::WORDS],
    /// The rules whose findings are reported: those that run, less those run only because a
    /// suppression comment names them (`RuleSet::for_text`).
    reported: [u64; RuleSet::WORDS],
    /// The severity each rule's findings are reported at, when the configuration sets one.
    severity: [Option<Severity>; RuleSet::CAPACITY],
    /// Findings below this severity are not reported.
    min_severity: Option<Severity>,
    /// Whether any of the three above drops or changes a finding (else `reports` needs no
    /// look-up).
    filters: bool,
    /// `unused-suppression` is reported: a rule a suppression comment names runs even when
    /// deselected, since whether the comment suppressed anything depends on its findings.
    pub suppressions_judged: bool,
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet::all()
    }
}

impl RuleSet {
    /// Room for this many rules (a test checks `ALL` fits).
    pub const CAPACITY: usize = 64 * RuleSet::WORDS;
    const WORDS: usize = 4;

    /// Every rule.
    pub const fn all() -> RuleSet {
        RuleSet {
            bits: [u64::MAX; RuleSet::WORDS],
            reported: [u64::MAX; RuleSet::WORDS],
            severity: [None; RuleSet::CAPACITY],
            min_severity: None,
            filters: false,
            suppressions_judged: true,
        }
    }

    /// The rules `keep` accepts (given each rule's code and name); `unused-suppression`
    /// reported or not.
    pub fn of(
        keep: impl Fn(&'static str, &'static str) -> bool,
        suppressions_judged: bool,
    ) -> RuleSet {
        let mut set = RuleSet {
            bits: [0; RuleSet::WORDS],
            suppressions_judged,
            ..RuleSet::all()
        };
        for (i, rule) in ALL.iter().enumerate() {
            if keep(rule.code, rule.name) {
                set.insert(i);
            }
        }
        set.reported = set.bits;
        set.filters = !set.is_all();
        set
    }

    /// This set with the severities findings are reported at: `severity_of` a rule's code and
    /// name, when the configuration overrides it; none below `min_severity`.
    pub fn reporting(
        mut self,
        severity_of: impl Fn(&'static str, &'static str) -> Option<Severity>,
        min_severity: Option<Severity>,
    ) -> RuleSet {
        for (i, rule) in ALL.iter().enumerate().take(RuleSet::CAPACITY) {
            self.severity[i] = severity_of(rule.code, rule.name);
        }
        self.min_severity = min_severity;
        self.filters |= min_severity.is_some() || self.severity.iter().any(Option::is_some);
        self
    }

    /// Whether a finding of the rule `code` with `severity` is reported (it runs, and not only
    /// for a suppression comment; its severity, after the configuration's, is high enough). A
    /// code that is not a rule's is always reported.
    pub fn reports(&self, code: &str, severity: Severity) -> bool {
        if !self.filters {
            return true;
        }
        let Ok(i) = ALL.binary_search_by(|r| r.code.cmp(code)) else {
            return true;
        };
        let reported = self
            .reported
            .get(i / 64)
            .is_none_or(|w| w & (1 << (i % 64)) != 0);
        let severity = self.severity.get(i).copied().flatten().unwrap_or(severity);
        reported && self.min_severity.is_none_or(|m| severity >= m)
    }

    /// This set with every rule running (what it reports unchanged).
    fn running_all(mut self) -> RuleSet {
        self.bits = [u64::MAX; RuleSet::WORDS];
        self
    }

    fn insert(&mut self, i: usize) {
        if let Some(w) = self.bits.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// Whether the rule at `i` of [`ALL`] runs (a rule beyond the capacity always does).
    pub fn contains_index(&self, i: usize) -> bool {
        self.bits
            .get(i / 64)
            .is_none_or(|w| w & (1 << (i % 64)) != 0)
    }

    /// Whether `rule` runs.
    pub fn contains(&self, rule: &Rule) -> bool {
        ALL.iter()
            .position(|r| std::ptr::eq(*r, rule))
            .is_none_or(|i| self.contains_index(i))
    }

    /// Whether every rule runs.
    pub fn is_all(&self) -> bool {
        (0..ALL.len()).all(|i| self.contains_index(i))
    }

    /// This set for a file of `text`: with `unused-suppression` reported, also every rule a
    /// suppression comment in it names (`all` names every rule). Directives are read loosely
    /// here (any `backup-lint: word[list]`, in a comment or not): running a rule too many is
    /// harmless, one too few would report a used suppression as unused.
    pub fn for_text(self, text: &str) -> RuleSet {
        if !self.suppressions_judged || self.is_all() {
            return self;
        }
        let mut set = self;
        let bytes = text.as_bytes();
        for at in memchr::memmem::find_iter(bytes, b"backup-lint:") {
            // As `check::suppress` reads it: the word, then `[` at once, the list to `]`.
            let rest = text[at + "backup-lint:".len()..].trim_start();
            let Some(after) = ["ignore-file", "ignore", "disable", "enable"]
                .iter()
                .find_map(|w| rest.strip_prefix(w))
                .and_then(|a| a.strip_prefix('['))
            else {
                continue;
            };
            // A list without its `]` nearby: every rule, rather than a scan per directive.
            const LIST_REACH: usize = 4096;
            let Some(close) =
                memchr::memchr(b']', &after.as_bytes()[..after.len().min(LIST_REACH)])
            else {
                return set.running_all();
            };
            for key in after[..close].split(',') {
                let key = key.trim();
                if key.eq_ignore_ascii_case("all") {
                    return set.running_all();
                }
                if let Some(i) = ALL
                    .iter()
                    .position(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
                {
                    set.insert(i);
                }
            }
        }
        set
    }
}

#[cfg(test)]
thread_local! {
    /// The codes of the rules invoked on this thread, in order (unit tests only).
    pub static INVOKED: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[cfg(test)]
thread_local! {
    /// Makes every statement have every trait on this thread: no rule is skipped for what its
    /// statement lacks (unit tests only).
    pub static EVERY_TRAIT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Notes that `rule` is about to run (unit tests only).
#[inline]
fn invoked(_rule: &Rule) {
    #[cfg(test)]
    INVOKED.with(|v| v.borrow_mut().push(_rule.code));
}

/// Runs every script rule of `set`.
pub fn run_script(ctx: &ScriptCtx<'_>, set: &RuleSet, out: &mut Findings<'_, '_>) {
    for (i, rule) in ALL.iter().enumerate() {
        if let RuleKind::Script(check) = rule.kind
            && set.contains_index(i)
        {
            invoked(rule);
            check(ctx, out);
        }
    }
}

/// Runs every Markdown rule of `set`.
pub fn run_markdown(
    md: &crate::hosts::markdown::Markdown,
    ctx: &ScriptCtx<'_>,
    set: &RuleSet,
    out: &mut Findings<'_, '_>,
) {
    for (i, rule) in ALL.iter().enumerate() {
        if let RuleKind::Markdown(check) = rule.kind
            && set.contains_index(i)
        {
            invoked(rule);
            check(md, ctx, out);
        }
    }
}

/// The statement rules of a [`RuleSet`] by the statement kind they look at, in [`ALL`]'s
/// order: built once per file, so a statement costs only its own kind's rules. The rules that
/// judge a statement alone are kept apart from those that read the file: they may run on
/// another thread, and their findings are the same wherever they run.
pub struct StatementRules {
    /// Each with what the statement must have one of for it to run (`on.needs()`;
    /// `StatementTraits::EVERY` when nothing).
    alone: [Vec<(&'static Rule, AloneCheckFn, StatementTraits)>; StatementKinds::COUNT],
    /// Whether a rule of `alone[k]` needs its statement to have a trait.
    alone_needs_traits: [bool; StatementKinds::COUNT],
    in_file: [Vec<(&'static Rule, CheckFn)>; StatementKinds::COUNT],
}

impl StatementRules {
    pub fn of(set: &RuleSet) -> StatementRules {
        let mut rules = StatementRules {
            alone: Default::default(),
            alone_needs_traits: Default::default(),
            in_file: Default::default(),
        };
        for (i, rule) in ALL.iter().enumerate() {
            if !set.contains_index(i) {
                continue;
            }
            for k in 0..StatementKinds::COUNT {
                match rule.kind {
                    RuleKind::Statement { on, check } if on.intersects(StatementKinds::nth(k)) => {
                        rules.in_file[k].push((*rule, check));
                    }
                    RuleKind::StatementAlone { on, check }
                        if on.intersects(StatementKinds::nth(k)) =>
                    {
                        let needs = on.needs();
                        rules.alone_needs_traits[k] |= !needs.is_empty();
                        let needs = if needs.is_empty() {
                            StatementTraits::EVERY
                        } else {
                            needs
                        };
                        rules.alone[k].push((*rule, check, needs));
                    }
                    _ => {}
                }
            }
        }
        rules
    }

    /// Runs on `stmt` every rule that judges it alone and looks at its kind (`ctx.facts.kind`)
    /// and, for a rule that needs one, has one of the traits it needs.
    pub fn run_alone(&self, stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
        for (k, list) in self.alone.iter().enumerate() {
            if !ctx.facts.kind.intersects(StatementKinds::nth(k)) {
                continue;
            }
            let has = if self.alone_needs_traits[k] {
                ctx.traits().or(StatementTraits::EVERY)
            } else {
                StatementTraits::EVERY
            };
            #[cfg(test)]
            let has = if EVERY_TRAIT.get() {
                StatementTraits::ALL
            } else {
                has
            };
            for &(rule, check, needs) in list {
                if needs.intersects(has) {
                    invoked(rule);
                    check(stmt, ctx, out);
                }
            }
        }
    }

    /// Runs on `stmt` every rule that judges it against the file before it and looks at its
    /// kind (`ctx.facts.kind`).
    pub fn run_in_file(&self, stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
        for (k, list) in self.in_file.iter().enumerate() {
            if !ctx.facts.kind.intersects(StatementKinds::nth(k)) {
                continue;
            }
            for &(rule, check) in list {
                invoked(rule);
                check(stmt, ctx, out);
            }
        }
    }
}

/// A rule by code (`L001`, any case) or name (`locality-missing`).
pub fn find(key: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}
