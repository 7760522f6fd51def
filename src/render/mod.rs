//! Renderers: write diagnostics in an output format, file by file as each file's report is
//! ready (`Renderer`: `begin`, `file` per file in output order, `finish`), so a run's memory
//! does not grow with its output. Findings are serialised from typed structs straight into
//! the caller's writer; only JUnit holds its suites back (its header counts the whole run).

mod gitlab;
mod human;
mod json;
mod junit;
mod lines;
mod pretty;
mod rules;
mod sarif;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity};
use crate::redact::Redactor;
use crate::syntax::span::{LineIndex, LineStarts, Span};

pub use json::JSON_SCHEMA_VERSION;
pub use lines::Statistics as RuleTable;
pub use rules::write_rules_json;

/// One checked file's findings, with its text for positions and code frames.
#[derive(Clone, Copy)]
pub struct FileReport<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub diagnostics: &'a [Diagnostic],
}

/// What every format works out from a file's text alone before writing its findings: the
/// redaction model and where the lines start. `check` makes a large file's on another thread
/// while the file is checked ([`Renderer::file_modelled`]); otherwise the renderer makes it.
pub struct TextModel {
    redactor: Redactor,
    lines: LineStarts,
}

impl TextModel {
    pub fn new(text: &str) -> TextModel {
        TextModel {
            redactor: Redactor::new(text),
            lines: LineStarts::of(text),
        }
    }

    /// The line index of `text`, the text this model was made of.
    fn index<'a>(&'a self, text: &'a str) -> LineIndex<'a> {
        LineIndex::with_starts(text, &self.lines)
    }
}

/// A file's [`TextModel`]: the one given for its text, else made when a writer first needs
/// it (never for a file without findings).
struct Model<'a> {
    text: &'a str,
    given: Option<TextModel>,
}

impl Model<'_> {
    /// Whether the model was made beside the file's check (see [`Renderer::file_modelled`]).
    fn made_beside(&self) -> bool {
        self.given
            .as_ref()
            .is_some_and(|model| model.lines.is_of(self.text))
    }

    fn get(self) -> TextModel {
        match self.given {
            Some(model) if model.lines.is_of(self.text) => model,
            _ => TextModel::new(self.text),
        }
    }
}

struct Position {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

/// `text` with each control character that would act on a terminal (move the cursor,
/// recolour, retitle it) replaced by a stand-in of the same UTF-8 length, so byte offsets
/// into it stay valid: `?` for a one-byte control, `¿` for a two-byte (C1) one. `keep(c,
/// next)` says which controls stay (line breaks in a message).
fn replace_controls(text: &str, keep: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    let replaced = |(at, c): (usize, char)| {
        c.is_control() && !keep(c, text[at + c.len_utf8()..].chars().next())
    };
    if !text.char_indices().any(replaced) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        out.push(match c {
            _ if !replaced((at, c)) => c,
            _ if c.len_utf8() == 1 => '?',
            _ => '\u{bf}',
        });
    }
    Cow::Owned(out)
}

/// A message, help or label as a terminal format prints it: secrets masked, control
/// characters but line breaks and tabs replaced.
fn terminal_message(r: &Redactor, text: &str) -> String {
    let scrubbed = r.scrub(text);
    match replace_controls(&scrubbed, |c, _| c == '\n' || c == '\t') {
        Cow::Borrowed(_) => scrubbed,
        Cow::Owned(replaced) => replaced,
    }
}

/// Any text the CLI prints on a terminal (notes, errors naming a path): secrets masked,
/// control characters but line breaks and tabs replaced.
pub fn terminal_text(text: &str) -> String {
    terminal_message(&Redactor::new(""), text)
}

/// A file's path as a terminal format prints it: every control character replaced.
fn terminal_path(path: &str) -> Cow<'_, str> {
    replace_controls(path, |_, _| false)
}

fn position(index: &LineIndex<'_>, span: Span) -> Position {
    let (line, column) = index.line_col(span.start as usize);
    let (end_line, end_column) = index.line_col(span.end as usize);
    Position {
        line,
        column,
        end_line,
        end_column,
    }
}

/// An output format with its settings.
#[derive(Clone, Copy, Debug)]
pub enum Format<'a> {
    /// Code frames; `color` picks the themed or the plain style.
    Human {
        color: bool,
    },
    Json {
        target_version: &'a str,
    },
    Concise,
    Github,
    Gitlab,
    Junit,
    Sarif,
    /// Findings per rule (`check --statistics`).
    Statistics,
}

/// Files and findings written so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings with a safe fix (`--fix` applies it).
    pub fixable: usize,
    /// Findings with an unsafe fix (`--fix --unsafe-fixes` applies it).
    pub unsafe_fixable: usize,
}

impl Counts {
    fn add(&mut self, f: &FileReport<'_>) {
        self.files += 1;
        for d in f.diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
            match d.fix().map(|f| f.applicability) {
                Some(crate::diagnostic::Applicability::Safe) => self.fixable += 1,
                Some(crate::diagnostic::Applicability::Unsafe) => self.unsafe_fixable += 1,
                None => {}
            }
        }
    }

    /// The closing summary line.
    pub fn summary(&self) -> String {
        let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
        format!(
            "{} checked: {}, {}, {}",
            plural(self.files, "file"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.infos, "info")
        )
    }
}

enum FormatWriter {
    // Boxed: miette's handler is several times larger than the other writers.
    Human(Box<human::HumanWriter>),
    Json(json::JsonWriter),
    Concise,
    Github,
    Gitlab(gitlab::GitlabWriter),
    Junit(junit::JunitWriter),
    Sarif(sarif::SarifWriter),
    Statistics(lines::Statistics),
}

/// One run's output: `begin` writes what comes before the first file, `file` a file's
/// findings, `finish` what comes after the last file (closing brackets, summary counts).
pub struct Renderer<W: Write> {
    out: W,
    counts: Counts,
    writer: FormatWriter,
}

impl<W: Write> Renderer<W> {
    pub fn begin(mut out: W, format: Format<'_>) -> io::Result<Self> {
        let writer = match format {
            Format::Human { color } => {
                FormatWriter::Human(Box::new(human::HumanWriter::begin(color)))
            }
            Format::Json { target_version } => {
                FormatWriter::Json(json::JsonWriter::begin(&mut out, target_version)?)
            }
            Format::Concise => FormatWriter::Concise,
            Format::Github => FormatWriter::Github,
            Format::Gitlab => FormatWriter::Gitlab(gitlab::GitlabWriter::begin(&mut out)?),
            Format::Junit => FormatWriter::Junit(junit::JunitWriter::begin()),
            Format::Sarif => FormatWriter::Sarif(sarif::SarifWriter::begin(&mut out)?),
            Format::Statistics => FormatWriter::Statistics(lines::Statistics::default()),
        };
        Ok(Renderer {
            out,
            counts: Counts::default(),
            writer,
        })
    }

    /// Writes one file's findings; files come in the order the output lists them.
    pub fn file(&mut self, f: &FileReport<'_>) -> io::Result<()> {
        self.file_modelled(f, None)
    }

    /// [`Renderer::file`] with the [`TextModel`] of the file's text when it was made beside
    /// the file's check (one made of another text is not used): a large file checked alone,
    /// whose findings the JSON output then writes on two threads too.
    pub fn file_modelled(
        &mut self,
        f: &FileReport<'_>,
        model: Option<TextModel>,
    ) -> io::Result<()> {
        self.counts.add(f);
        let out = &mut self.out;
        let model = Model {
            text: f.text,
            given: model,
        };
        match &mut self.writer {
            FormatWriter::Human(w) => w.file(out, f, model),
            FormatWriter::Json(w) => w.file(out, f, model),
            FormatWriter::Concise => lines::concise(out, f, model),
            FormatWriter::Github => lines::github(out, f, model),
            FormatWriter::Gitlab(w) => w.file(out, f, model),
            FormatWriter::Junit(w) => w.file(f, model),
            FormatWriter::Sarif(w) => w.file(out, f, model),
            FormatWriter::Statistics(s) => {
                s.file(f);
                Ok(())
            }
        }
    }

    /// Files and findings written so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Writes the end of the output and flushes it; returns the run's counts.
    pub fn finish(mut self) -> io::Result<Counts> {
        let out = &mut self.out;
        match &mut self.writer {
            FormatWriter::Human(_) | FormatWriter::Concise | FormatWriter::Github => Ok(()),
            FormatWriter::Json(w) => w.finish(out, &self.counts),
            FormatWriter::Gitlab(w) => w.finish(out),
            FormatWriter::Junit(w) => w.finish(out),
            FormatWriter::Sarif(w) => w.finish(out),
            FormatWriter::Statistics(s) => s.finish(out),
        }?;
        self.out.flush()?;
        Ok(self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fix::{Edit, Fix};
    use crate::diagnostic::codes;

    fn render(files: &[FileReport<'_>], format: Format<'_>) -> String {
        let mut out = Vec::new();
        let mut renderer = Renderer::begin(&mut out, format).unwrap();
        for f in files {
            renderer.file(f).unwrap();
        }
        renderer.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    /// SARIF and GitLab were whole `serde_json::Value`s printed pretty (keys in byte order)
    /// before they were streamed: written piece by piece they must still be exactly that.
    #[test]
    fn streamed_sarif_and_gitlab_print_as_serde_json_values_do() {
        let text = "BACKUP DATABASE d INTO 'x' WITH detached, detached;\nSHOW BACKUPS IN 'y';\n";
        let findings = vec![
            Diagnostic::new(codes::DUPLICATE_OPTION, Span::new(41, 49), "twice")
                .with_secondary(Span::new(31, 39), "first given here")
                .with_fix(Fix::safe(
                    "drop it",
                    vec![Edit {
                        span: Span::new(39, 49),
                        replacement: String::new(),
                    }],
                )),
            Diagnostic::new(codes::SYNTAX_TOO_NEW, Span::new(51, 70), "new \"syntax\""),
            Diagnostic::new(codes::DUPLICATE_OPTION, Span::new(0, 6), "again"),
        ];
        let with = FileReport {
            path: "dir/a b.sql",
            text,
            diagnostics: &findings,
        };
        let without = FileReport {
            path: "/abs/clean.sql",
            text: "",
            diagnostics: &[],
        };
        for format in [Format::Sarif, Format::Gitlab] {
            for files in [
                &[][..],
                &[without],
                &[with, without],
                &[without, with, with],
            ] {
                let out = render(files, format);
                let value: serde_json::Value = serde_json::from_str(&out).unwrap();
                let expected = serde_json::to_string_pretty(&value).unwrap() + "\n";
                assert_eq!(out, expected, "{format:?}, {} files", files.len());
            }
        }
    }

    /// A large file's findings, written on two threads when its model was made beside its
    /// check, are the bytes one thread writes; so is a file after another's findings.
    #[test]
    fn json_written_on_two_threads_is_json_written_on_one() {
        let statement = "BACKUP INTO 's3://b/p?AWS_ACCESS_KEY_ID=AKIAFAKE&AWS_SECRET_ACCESS_KEY=FAKEsecret99' WITH detached, detached;\n";
        let text = statement.repeat(3 * json::CHUNK + 17);
        let mut findings = Vec::new();
        for (i, (at, _)) in text.match_indices("BACKUP").enumerate() {
            let mut d = Diagnostic::new(
                codes::DUPLICATE_OPTION,
                Span::new(at + 96, at + 104),
                format!("finding {i} quotes FAKEsecret99"),
            )
            .with_secondary(Span::new(at, at + 6), "here \"first\"");
            if i % 3 == 0 {
                d = d.with_help("drop it").with_fix(Fix::safe(
                    "drop it",
                    vec![Edit {
                        span: Span::new(at + 94, at + 104),
                        replacement: format!("{i}"),
                    }],
                ));
            }
            findings.push(d);
        }
        let big = FileReport {
            path: "big \"file\".sql",
            text: &text,
            diagnostics: &findings,
        };
        let small = [Diagnostic::new(
            codes::DUPLICATE_OPTION,
            Span::new(0, 1),
            "x",
        )];
        let earlier = FileReport {
            path: "small.sql",
            text: "x",
            diagnostics: &small,
        };
        let format = Format::Json {
            target_version: "24.1",
        };
        for before in [&[][..], &[earlier]] {
            let render = |model: Option<TextModel>| {
                let mut out = Vec::new();
                let mut renderer = Renderer::begin(&mut out, format).unwrap();
                for f in before {
                    renderer.file(f).unwrap();
                }
                renderer.file_modelled(&big, model).unwrap();
                renderer.finish().unwrap();
                String::from_utf8(out).unwrap()
            };
            let one = render(None);
            assert!(!one.contains("FAKEsecret99"));
            assert_eq!(render(Some(TextModel::new(&text))), one);
            // A model of another text is not used.
            assert_eq!(render(Some(TextModel::new("other"))), one);
        }
    }

    #[test]
    fn sarif_rule_descriptions_come_from_the_catalogue() {
        let findings = [Diagnostic::new(
            codes::DUPLICATE_OPTION,
            Span::new(0, 1),
            "x",
        )];
        let file = FileReport {
            path: "a.sql",
            text: "x",
            diagnostics: &findings,
        };
        let out: serde_json::Value = serde_json::from_str(&render(&[file], Format::Sarif)).unwrap();
        let rule = &out["runs"][0]["tool"]["driver"]["rules"][0];
        let (short, full) = crate::catalogue::sarif_descriptions("S003").unwrap();
        assert_eq!(rule["shortDescription"]["text"], short);
        assert_eq!(rule["fullDescription"]["text"], full);
        assert_eq!(rule["help"]["text"], full);
    }

    #[test]
    fn junit_totals_count_every_file() {
        let findings = [
            Diagnostic::new(codes::DUPLICATE_OPTION, Span::new(0, 1), "x"),
            Diagnostic::new(codes::DUPLICATE_OPTION, Span::new(0, 1), "<&>"),
        ];
        let with = FileReport {
            path: "a\"b.sql",
            text: "x",
            diagnostics: &findings,
        };
        let without = FileReport {
            path: "c.sql",
            text: "",
            diagnostics: &[],
        };
        let out = render(&[with, without], Format::Junit);
        assert!(
            out.contains(
                "<testsuites name=\"backup-lint\" tests=\"3\" failures=\"2\" errors=\"0\">"
            ),
            "{out}"
        );
        assert!(out.contains("name=\"a&quot;b.sql\""), "{out}");
        assert!(out.contains("message=\"&lt;&amp;&gt;\""), "{out}");
        assert!(out.ends_with("  </testsuite>\n</testsuites>\n"), "{out}");
    }

    /// A finding too far right for a code frame is shown as a position and its help; that
    /// help is scrubbed like every other text.
    #[test]
    fn human_long_line_help_masks_secrets() {
        let secret = "s3://b/p?AWS_ACCESS_KEY_ID=AKIAFAKE&AWS_SECRET_ACCESS_KEY=FAKEsecret99";
        let text = format!("{}'{secret}'", " ".repeat(20_000));
        let findings = [
            Diagnostic::new(codes::DUPLICATE_OPTION, Span::new(20_000, 20_001), "x")
                .with_help(format!("use '{secret}'")),
        ];
        let file = FileReport {
            path: "a.sql",
            text: &text,
            diagnostics: &findings,
        };
        let out = render(&[file], Format::Human { color: false });
        assert!(out.contains("line too long to show"), "{out}");
        assert!(!out.contains("FAKEsecret99"), "{out}");
    }

    /// Human, concise and GitHub output are read in terminals and CI logs: no control
    /// character of the input (escape sequences, bell, a lone carriage return, C1 controls)
    /// gets through, in the path, the messages or the code frame.
    #[test]
    fn terminal_formats_print_no_control_character_of_the_input() {
        let text =
            "BACKUP DATABASE b\u{1b}[31mx INTO 'n\u{1b}]0;t\u{7}' WITH \u{9b}2J\rdetached;\r\n";
        let findings = [
            Diagnostic::new(codes::UNKNOWN_OPTION, Span::new(17, 23), "bad \u{1b}[1m")
                .with_label("here \u{7}")
                .with_secondary(Span::new(30, 40), "uri \u{9b}")
                .with_help("help \r\u{8}"),
        ];
        let file = FileReport {
            path: "a\u{1b}[31m\nb.sql",
            text,
            diagnostics: &findings,
        };
        for format in [
            Format::Human { color: false },
            Format::Concise,
            Format::Github,
        ] {
            let out = render(&[file], format);
            let controls: Vec<char> = out
                .chars()
                .filter(|c| c.is_control() && *c != '\n')
                .collect();
            assert!(controls.is_empty(), "{format:?}: {controls:?} in\n{out}");
            assert!(out.contains("bad ?[1m"), "{format:?}:\n{out}");
        }
    }
}
