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
    if !matches!(args.format.as_str(), "table" | "json") {
        return Err(format!(
            "unknown format `{}`: expected table or json",
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
    if args.format == "json" {
        print!("{}", backup_lint::simulate::json(&sim));
    } else {
        print!("{}", backup_lint::simulate::table(&sim));
    }
    Ok(u8::from(
        sim.findings.iter().any(|f| f.severity == Severity::Error),
    ))
}
