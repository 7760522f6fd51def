//! JUnit XML: one test suite per file, one failing test case per finding (a file without
//! findings has one passing case), for CI systems that show test reports.
//!
//! The opening `<testsuites>` carries the run's totals, known only after the last file, so the
//! suites are held until then: in memory up to `HELD_IN_MEMORY`, in an anonymous temporary
//! file beyond it, which keeps memory bounded however large the report.

use std::fmt;
use std::io::{self, Seek, Write};

use super::{FileReport, Model, position};

/// Bytes of suites kept in memory before they move to a temporary file.
const HELD_IN_MEMORY: usize = 8 << 20;

/// Text escaped for XML attribute values and character data. Characters XML 1.0 cannot hold
/// at all (C0 controls but tab and line breaks, U+FFFE, U+FFFF; lone surrogates cannot occur
/// in a `str`) become U+FFFD; tab and line breaks are written as character references, so
/// an attribute keeps them (a parser turns literal ones into spaces).
struct Xml<'a>(&'a str);

impl fmt::Display for Xml<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut plain_from = 0;
        for (at, c) in self.0.char_indices() {
            let escaped = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&apos;",
                '\t' => "&#9;",
                '\n' => "&#10;",
                '\r' => "&#13;",
                c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => "\u{fffd}",
                _ => continue,
            };
            f.write_str(&self.0[plain_from..at])?;
            f.write_str(escaped)?;
            plain_from = at + c.len_utf8();
        }
        f.write_str(&self.0[plain_from..])
    }
}

pub(super) struct JunitWriter {
    suites: tempfile::SpooledTempFile,
    tests: usize,
    failures: usize,
}

impl JunitWriter {
    pub(super) fn begin() -> Self {
        JunitWriter {
            suites: tempfile::spooled_tempfile(HELD_IN_MEMORY),
            tests: 0,
            failures: 0,
        }
    }

    pub(super) fn file(&mut self, f: &FileReport<'_>, model: Model<'_>) -> io::Result<()> {
        let out = &mut self.suites;
        let path = Xml(f.path);
        let failures = f.diagnostics.len();
        let tests = failures.max(1);
        self.tests += tests;
        self.failures += failures;
        writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
        )?;
        if f.diagnostics.is_empty() {
            writeln!(
                out,
                "    <testcase name=\"backup-lint\" classname=\"{path}\" file=\"{path}\"/>"
            )?;
            return out.write_all(b"  </testsuite>\n");
        }
        let model = model.get();
        let redactor = &model.redactor;
        let index = model.index(f.text);
        for d in f.diagnostics {
            let p = position(&index, d.span);
            let message = redactor.scrub(&d.message);
            let message = Xml(&message);
            let (code, name, line, column) = (d.code.code, d.code.name, p.line, p.column);
            writeln!(
                out,
                "    <testcase name=\"{code} {name} at {line}:{column}\" classname=\"{path}\" file=\"{path}\" line=\"{line}\">\n      <failure type=\"{}\" message=\"{message}\">{path}:{line}:{column}: {code} {name}: {message}</failure>\n    </testcase>",
                d.severity.as_str(),
            )?;
        }
        out.write_all(b"  </testsuite>\n")
    }

    pub(super) fn finish<W: Write>(&mut self, out: &mut W) -> io::Result<()> {
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"backup-lint\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
            self.tests, self.failures
        )?;
        self.suites.rewind()?;
        io::copy(&mut self.suites, out)?;
        out.write_all(b"</testsuites>\n")
    }
}
