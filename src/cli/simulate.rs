//! `simulate`: a backup script run day by day, and what it sends.

use super::*;

pub(crate) fn run_simulate(args: SimulateArgs) -> Result<u8, String> {
    use backup_lint::hosts::shell::date::DateTime;
    let text = std::fs::read_to_string(&args.script)
        .map_err(|e| format!("{}: {e}", args.script.display()))?;
    let (hour, minute) = args
        .time
        .split_once(':')
        .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)))
        .ok_or_else(|| format!("`{}` is not a time (HH:MM)", args.time))?;
    let start = match args.start {
        Some(d) => d,
        None => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| e.to_string())?
                .as_secs();
            DateTime::new(1970, 1, 1, 0, 0, 0)
                .expect("epoch")
                .add_days(i64::try_from(secs / 86_400).unwrap_or(0))
        }
    };
    let start = DateTime::new(start.year, start.month, start.day, hour, minute, 0)
        .ok_or_else(|| format!("`{}` is not a time (HH:MM)", args.time))?;
    if start
        .checked_add_days(i64::from(args.days.saturating_sub(1)))
        .is_none()
    {
        return Err(format!(
            "--start {:04}-{:02}-{:02} with --days {}: the last day is after year {}",
            start.year,
            start.month,
            start.day,
            args.days,
            i32::MAX
        ));
    }
    let mut overrides = std::collections::BTreeMap::new();
    for s in &args.set {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| format!("`--set {s}`: expected NAME=VALUE"))?;
        overrides.insert(k.to_string(), v.to_string());
    }
    if !matches!(args.format.as_str(), "table" | "json" | "human" | "concise") {
        return Err(format!(
            "unknown format `{}`: expected table, json, human or concise",
            args.format
        ));
    }
    let opts = backup_lint::simulate::SimulateOptions {
        start,
        days: args.days,
        missed: args.missed,
        reruns: args.rerun,
        state_deleted: args.state_file_deleted,
        overrides,
        existing: args.touch,
        target: args.target_version.unwrap_or(Version::NEWEST),
    };
    let sim = backup_lint::simulate::simulate(&text, &opts);
    let target = opts.target.to_string();
    let path = args.script.display().to_string();
    match args.format.as_str() {
        "table" => print!("{}", backup_lint::simulate::table(&sim)),
        "json" => print!("{}", json_report(&sim, &path, &text, &target)?),
        format => {
            let found = backup_lint::simulate::diagnostics(&sim, true);
            let diagnostics: Vec<Diagnostic> = found.into_iter().map(|(d, _)| d).collect();
            let format = if format == "concise" {
                render::Format::Concise
            } else {
                render::Format::Human {
                    color: std::io::stdout().is_terminal(),
                }
            };
            let report = FileReport {
                path: &path,
                text: &text,
                diagnostics: &diagnostics,
            };
            let stdout = std::io::stdout().lock();
            render::Renderer::begin(stdout, format)
                .and_then(|mut r| {
                    r.file(&report)?;
                    r.finish()
                })
                .map_err(|e| format!("writing output: {e}"))?;
        }
    }
    Ok(u8::from(
        sim.findings.iter().any(|f| f.severity == Severity::Error),
    ))
}

/// `check`'s JSON document for the script, each diagnostic with the `dates` it happened on.
fn json_report(
    sim: &backup_lint::simulate::Simulation,
    path: &str,
    text: &str,
    target: &str,
) -> Result<String, String> {
    let found = backup_lint::simulate::diagnostics(sim, false);
    let diagnostics: Vec<Diagnostic> = found.iter().map(|(d, _)| d.clone()).collect();
    let report = FileReport {
        path,
        text,
        diagnostics: &diagnostics,
    };
    let mut buf = Vec::new();
    render::Renderer::begin(
        &mut buf,
        render::Format::Json {
            target_version: target,
        },
    )
    .and_then(|mut r| {
        r.file(&report)?;
        r.finish()
    })
    .map_err(|e| format!("writing output: {e}"))?;
    // The renderer writes the diagnostics in the order given, each object opening with its
    // `path` line: the dates follow that line (the document keeps check's field order).
    let text = String::from_utf8(buf).map_err(|e| format!("JSON output: {e}"))?;
    let mut out = String::with_capacity(text.len() + found.len() * 64);
    let mut next = found.iter();
    let mut previous = "";
    for line in text.split_inclusive('\n') {
        out.push_str(line);
        if previous == "    {\n"
            && line.starts_with("      \"path\": ")
            && let Some((_, dates)) = next.next()
        {
            let first = dates.first().map_or("", String::as_str);
            out.push_str(&format!(
                "      \"date\": {},\n      \"dates\": {},\n",
                serde_json::to_string(first).map_err(|e| e.to_string())?,
                serde_json::to_string(dates).map_err(|e| e.to_string())?
            ));
        }
        previous = line;
    }
    Ok(out)
}
