//! `migrate`: statements compiled to another release, in place or as a diff.

use super::*;

pub(crate) fn run_migrate(args: MigrateArgs) -> Result<u8, String> {
    let common = Common {
        paths: args.paths.clone(),
        target_version: Some(args.to),
        config: None,
        isolated: true,
        force_exclude: false,
        stdin_filename: args.stdin_filename.clone(),
    };
    let inputs = inputs(&common)?;
    let opts = backup_lint::migrate::MigrateOptions {
        to: args.to,
        unsafe_: args.unsafe_,
    };
    let mut exit = 0u8;
    let mut changed_files = 0;
    for input in &inputs {
        let Some(bytes) = read_or_report(input, &mut exit) else {
            continue;
        };
        let (text, invalid_utf8) = source::decode(&bytes);
        let dir = input.path.as_deref().and_then(Path::parent);
        let doc = Document::build(&text, input.kind, &args.sql_wrapper);
        let mut result = backup_lint::migrate::migrate(&doc, &opts, &args.sql_wrapper, dir);
        if let Some(from) = args.from {
            // Statements the files' own release would not have accepted.
            for d in engine::check(&doc, &CheckOptions::at(from)) {
                if d.code.code == "V002" {
                    result.notes.push(d);
                }
            }
            result.notes.sort_by_key(|d| (d.span.start, d.span.end));
        }
        let report = FileReport {
            path: &input.display,
            text: &text,
            diagnostics: &result.notes,
        };
        if !result.notes.is_empty() {
            eprint_findings(&report);
        }
        if result.notes.iter().any(|d| d.severity == Severity::Error) {
            exit = exit.max(1);
        }
        if let Some(schedule) = &result.schedule {
            let mut out = format!(
                "{}: the schedule that replaces this script:\n\n    {}\n\n",
                input.display,
                backup_lint::redact::scrub(&schedule.statement)
            );
            for line in &schedule.explanation {
                out.push_str(&format!("  - {line}\n"));
            }
            if args.diff || input.path.is_none() && !args.write {
                note!("{out}");
            } else {
                println!("{out}");
            }
        }
        let changed = result.changed(&text);
        if invalid_utf8 && changed {
            note!(
                "backup-lint: {}: not rewritten: it is not valid UTF-8",
                input.display
            );
            exit = exit.max(1);
            continue;
        }
        if changed {
            changed_files += 1;
        }
        if args.diff {
            if changed {
                let (old, new) = backup_lint::redact::mask_pair(&text, &result.text);
                print!(
                    "{}",
                    similar::TextDiff::from_lines(&old, &new)
                        .unified_diff()
                        .header(&input.display, &input.display)
                );
                exit = exit.max(1);
            }
        } else if args.write {
            if let (Some(path), true) = (&input.path, changed) {
                // A file that cannot be written is reported and the run goes on to the
                // next one; the exit status says a file was left as it was.
                match write_atomic(path, text.as_bytes(), result.text.as_bytes()) {
                    Ok(()) => note!("migrated {}", input.display),
                    Err(e) => {
                        note!("backup-lint: error: {}: {e}", path.display());
                        exit = 2;
                    }
                }
            }
        } else if input.path.is_none() {
            std::io::stdout()
                .write_all(result.text.as_bytes())
                .map_err(|e| format!("writing output: {e}"))?;
        } else if changed {
            println!(
                "would migrate {} (--diff shows how, --write applies it)",
                input.display
            );
            exit = exit.max(1);
        }
    }
    note!(
        "{} file(s) read, {changed_files} to migrate to v{}",
        inputs.len(),
        args.to
    );
    Ok(exit)
}
