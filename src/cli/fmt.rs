//! `fmt`: canonical printing of every statement that parsed, in place or as a diff.

use super::*;

pub(crate) fn run_fmt(args: FmtArgs) -> Result<u8, String> {
    let inputs = inputs(&args.common)?;
    let mut configs = ConfigCache::new(args.common.config.clone(), args.common.isolated);
    let mut exit = 0u8;
    for input in &inputs {
        if input.kind != FileKind::Sql {
            if input.explicit && args.common.force_exclude {
                note!(
                    "backup-lint: skipped {}: fmt rewrites SQL files only",
                    input.display
                );
            } else if input.explicit {
                note!(
                    "backup-lint: error: {}: fmt rewrites SQL files only; `backup-lint check` reads scripts and runbooks",
                    input.display
                );
                exit = 2;
            }
            continue;
        }
        let cfg = configs.for_path(input.path.as_deref())?;
        let opts = FormatOptions {
            version: args
                .common
                .target_version
                .or(cfg.target_version)
                .unwrap_or(Version::NEWEST),
            redact: args.redact,
        };
        let Some(bytes) = read_or_report(input, &mut exit) else {
            continue;
        };
        let (text, invalid_utf8) = source::decode(&bytes);
        let result = format_source(&text, &opts);
        if !result.diagnostics.is_empty() {
            let report = FileReport {
                path: &input.display,
                text: &text,
                diagnostics: &result.diagnostics,
            };
            eprint_findings(&report);
        }
        if args.redact {
            // The redacted form goes to stdout only: written into the file it would destroy
            // the real secrets. A file that did not parse is not printed, since not every
            // secret in it can be found (`format_source` scrubs the text it passes through).
            if result.refused || invalid_utf8 {
                note!(
                    "backup-lint: {} not printed: it has syntax errors, so its secrets cannot all be found",
                    input.display
                );
                exit = exit.max(1);
            } else {
                std::io::stdout()
                    .write_all(result.text.as_bytes())
                    .map_err(|e| format!("writing output: {e}"))?;
            }
            continue;
        }
        if result.refused || invalid_utf8 {
            note!(
                "backup-lint: {} left unchanged: it has syntax errors that must be fixed first",
                input.display
            );
            exit = exit.max(1);
            if input.path.is_none() && !args.check && !args.diff {
                std::io::stdout()
                    .write_all(&bytes)
                    .map_err(|e| format!("writing output: {e}"))?;
            }
            continue;
        }
        let changed = result.changed(&text);
        if args.diff {
            if changed {
                let (old, new) = backup_lint::redact::mask_pair(&text, &result.text);
                let diff = similar::TextDiff::from_lines(&old, &new)
                    .unified_diff()
                    .header(&input.display, &input.display)
                    .to_string();
                print!("{diff}");
                exit = exit.max(1);
            }
        } else if args.check {
            if changed {
                println!("would reformat {}", input.display);
                exit = exit.max(1);
            }
        } else {
            match &input.path {
                None => std::io::stdout()
                    .write_all(result.text.as_bytes())
                    .map_err(|e| format!("writing output: {e}"))?,
                Some(path) if changed => {
                    // A file that cannot be written is reported and the run goes on to the
                    // next one; the exit status says a file was left as it was.
                    match write_atomic(path, text.as_bytes(), result.text.as_bytes()) {
                        Ok(()) => note!("reformatted {}", input.display),
                        Err(e) => {
                            note!("backup-lint: error: {}: {e}", path.display());
                            exit = 2;
                        }
                    }
                }
                Some(_) => {}
            }
        }
    }
    Ok(exit)
}
