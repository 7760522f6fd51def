//! Commands that run another command: `sudo`, `env`, `timeout`, `nice`, `nohup`, `docker exec`,
//! `docker compose exec`, `kubectl exec … --`, `ssh host '…'`, `bash -c '…'` and the like. Backups
//! are often sent through them (`kubectl exec -it cockroachdb-0 -- cockroach sql -e "…"`), so a
//! command is read as the command it finally runs.
//!
//! [`inner`] knows each wrapper's options (which ones take a value), so that the wrapped
//! command is found exactly: `docker exec -e VAR=x -u root crdb cockroach sql` runs
//! `cockroach sql`, and `-u root` is no command. It works on the words' literal texts, so
//! the script model and the interpreter (`run.rs`) share it.

/// What a wrapper hands on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inner {
    /// The command starting at this argument (its name), the rest its arguments.
    Argv(usize),
    /// `cockroach` with the arguments from this one: an image whose entrypoint is cockroach
    /// (`docker run cockroachdb/cockroach:v25.2.0 sql …`, `kubectl run … --image=… -- sql …`).
    Cockroach(usize),
    /// A script to read: these arguments joined by spaces (`bash -c '…'`, `ssh host '…'`,
    /// `su -c '…'`, `eval …`).
    Script(std::ops::Range<usize>),
    /// A shell that reads its script from standard input (`bash <<EOF`, `ssh host <<EOF`,
    /// `bash -s`).
    StdinScript,
}

/// Shells that run a script given by `-c` or on standard input.
pub fn is_shell(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash" | "dash" | "ksh" | "zsh" | "ash" | "busybox"
    )
}

/// The last path component of a command name (`/usr/local/bin/cockroach` → `cockroach`).
pub fn base(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// Options of `args` from `i` on: skips options (and the values of those in `with_value`)
/// up to the first operand, or just after `--`. Returns the operand's index.
///
/// `with_value` lists options that take a separate value (`-u`, `--user`); a short option
/// cluster (`-it`, `-ec`) takes one when its last letter does; `--opt=value` and `-uroot` are
/// one word.
fn skip_options(args: &[Option<&str>], mut i: usize, with_value: &[&str]) -> usize {
    while let Some(arg) = args.get(i) {
        let Some(arg) = arg else { return i };
        if *arg == "--" {
            return i + 1;
        }
        if !arg.starts_with('-') || *arg == "-" {
            return i;
        }
        if arg.starts_with("--") {
            i += if !arg.contains('=') && with_value.contains(arg) {
                2
            } else {
                1
            };
            continue;
        }
        // A short option, or a cluster of them: a value-taking letter takes the rest of the
        // word, or the next word when it is last.
        let letters = &arg[1..];
        let mut takes_next = false;
        for (k, c) in letters.char_indices() {
            let opt = format!("-{c}");
            if with_value.contains(&opt.as_str()) {
                takes_next = k + c.len_utf8() == letters.len();
                break;
            }
        }
        i += if takes_next { 2 } else { 1 };
    }
    i
}

/// `NAME=value` words (as `env` and `sudo` take them before the command).
fn skip_assignments(args: &[Option<&str>], mut i: usize) -> usize {
    while let Some(Some(arg)) = args.get(i) {
        let Some((name, _)) = arg.split_once('=') else {
            break;
        };
        if name.is_empty()
            || name.starts_with(|c: char| c.is_ascii_digit())
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            break;
        }
        i += 1;
    }
    i
}

/// Whether argument `i` is there (literal or not).
fn present(args: &[Option<&str>], i: usize) -> Option<usize> {
    (i < args.len()).then_some(i)
}

/// The command `name args` runs in turn, if it is a wrapper. `args` are the literal texts of
/// the arguments (`None` where a word has an expansion).
pub fn inner(name: &str, args: &[Option<&str>]) -> Option<Inner> {
    let arg = |i: usize| args.get(i).copied().flatten();
    match base(name) {
        "sudo" | "doas" => {
            let i = skip_options(
                args,
                0,
                &[
                    "-u",
                    "-g",
                    "-h",
                    "-p",
                    "-C",
                    "-D",
                    "-R",
                    "-T",
                    "-U",
                    "-r",
                    "-t",
                    "--user",
                    "--group",
                    "--host",
                    "--prompt",
                    "--close-from",
                    "--chdir",
                    "--chroot",
                    "--command-timeout",
                    "--other-user",
                    "--role",
                    "--type",
                ],
            );
            let i = skip_assignments(args, i);
            present(args, i).map(Inner::Argv)
        }
        "env" => {
            let i = skip_options(
                args,
                0,
                &["-u", "-C", "-S", "--unset", "--chdir", "--split-string"],
            );
            let i = skip_assignments(args, i);
            present(args, i).map(Inner::Argv)
        }
        "timeout" => {
            let i = skip_options(args, 0, &["-s", "-k", "--signal", "--kill-after"]);
            // The duration, then the command.
            present(args, i + 1).map(Inner::Argv)
        }
        "nice" => {
            // `nice -10 cmd` and `nice -n 10 cmd`.
            let mut i = 0;
            if arg(0).is_some_and(|a| a.len() > 1 && a[1..].parse::<i32>().is_ok()) {
                i = 1;
            }
            let i = skip_options(args, i, &["-n", "--adjustment"]);
            present(args, i).map(Inner::Argv)
        }
        "ionice" => {
            let i = skip_options(
                args,
                0,
                &["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"],
            );
            (!args.iter().any(|a| matches!(a, Some("-p" | "-P" | "-u"))))
                .then_some(())
                .and(present(args, i))
                .map(Inner::Argv)
        }
        "nohup" | "setsid" | "chronic" | "unbuffer" | "caffeinate" | "time" => {
            let i = skip_options(args, 0, &["-f", "-o", "--format", "--output"]);
            present(args, i).map(Inner::Argv)
        }
        "stdbuf" => {
            let i = skip_options(args, 0, &["-i", "-o", "-e"]);
            present(args, i).map(Inner::Argv)
        }
        "exec" => {
            let i = skip_options(args, 0, &["-a"]);
            present(args, i).map(Inner::Argv)
        }
        "command" | "builtin" => {
            // `command -v cockroach` only looks the name up.
            if args.iter().any(|a| matches!(a, Some("-v" | "-V"))) {
                return None;
            }
            let i = skip_options(args, 0, &[]);
            present(args, i).map(Inner::Argv)
        }
        "flock" => {
            let with_value = [
                "-w",
                "-E",
                "--timeout",
                "--conflict-exit-code",
                "-c",
                "--command",
            ];
            let i = skip_options(args, 0, &with_value);
            // `flock FILE -c 'cmd'` or `flock -c 'cmd' FILE`.
            if let Some(c) = args
                .iter()
                .position(|a| matches!(a, Some("-c" | "--command")))
            {
                return present(args, c + 1).map(|s| Inner::Script(s..s + 1));
            }
            // The lock file, then the command.
            let i = skip_options(args, i + 1, &with_value);
            present(args, i).map(Inner::Argv)
        }
        "su" | "runuser" => {
            // `su - user -c '…'`, `su -c '…' user`, `runuser -u user -- cmd …`.
            if let Some(c) = args
                .iter()
                .position(|a| matches!(a, Some("-c" | "--command")))
            {
                return present(args, c + 1).map(|s| Inner::Script(s..s + 1));
            }
            if let Some(c) = args.iter().position(|a| matches!(a, Some("--"))) {
                return present(args, c + 1).map(Inner::Argv);
            }
            None
        }
        "eval" => (!args.is_empty()).then_some(Inner::Script(0..args.len())),
        "ssh" => {
            let i = skip_options(
                args,
                0,
                &[
                    "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O",
                    "-o", "-p", "-Q", "-R", "-S", "-W", "-w", "-B",
                ],
            );
            // The host, then the remote command (words joined by spaces, read by the remote
            // shell), or none: the remote shell reads standard input.
            present(args, i)?;
            if i + 1 < args.len() {
                Some(Inner::Script(i + 1..args.len()))
            } else {
                Some(Inner::StdinScript)
            }
        }
        n if is_shell(n) => shell(args),
        "docker" | "podman" | "nerdctl" => container(args),
        "docker-compose" | "podman-compose" => compose(args, 0),
        "kubectl" | "oc" | "microk8s.kubectl" | "k3s" => kubernetes(args),
        _ => None,
    }
}

/// `bash [options] -c SCRIPT`, `bash -s`, `bash` alone (reading standard input).
fn shell(args: &[Option<&str>]) -> Option<Inner> {
    let mut i = 0;
    let mut from_stdin = false;
    while let Some(a) = args.get(i) {
        let Some(a) = a else { return None };
        if *a == "--" {
            i += 1;
            break;
        }
        if a.starts_with("--") {
            i += 1;
            continue;
        }
        if let Some(letters) = a.strip_prefix('-').or_else(|| a.strip_prefix('+')) {
            if letters.is_empty() {
                i += 1;
                continue;
            }
            if letters.contains('c') {
                // The script is the first operand after the options.
                let mut j = i + 1;
                if letters.ends_with('o') {
                    j += 1;
                }
                while let Some(Some(b)) = args.get(j) {
                    if b.starts_with('-') && b.len() > 1 {
                        j += if b.ends_with('o') { 2 } else { 1 };
                    } else {
                        break;
                    }
                }
                return present(args, j).map(|s| Inner::Script(s..s + 1));
            }
            from_stdin |= letters.contains('s');
            // `-o pipefail`: the option's name follows.
            i += if letters.ends_with('o') { 2 } else { 1 };
            continue;
        }
        break;
    }
    // No script file named: the shell reads its script from standard input.
    (from_stdin || i >= args.len()).then_some(Inner::StdinScript)
}

/// Global options of `docker`/`podman` before the subcommand.
const DOCKER_GLOBAL: &[&str] = &[
    "-H",
    "--host",
    "-c",
    "--context",
    "--config",
    "-l",
    "--log-level",
    "--tlscacert",
    "--tlscert",
    "--tlskey",
    "--url",
    "--connection",
    "--identity",
    "--root",
    "--runroot",
];

/// Options of `docker run`/`create` that take a value.
const DOCKER_RUN: &[&str] = &[
    "-e",
    "--env",
    "--env-file",
    "-u",
    "--user",
    "-w",
    "--workdir",
    "-v",
    "--volume",
    "-p",
    "--publish",
    "--name",
    "--network",
    "--net",
    "--entrypoint",
    "-m",
    "--memory",
    "--cpus",
    "--restart",
    "--mount",
    "-l",
    "--label",
    "-h",
    "--hostname",
    "--add-host",
    "--cap-add",
    "--cap-drop",
    "--platform",
    "--pull",
    "--log-driver",
    "--log-opt",
    "--dns",
    "--link",
    "--volumes-from",
    "--ulimit",
    "--security-opt",
    "--tmpfs",
    "--device",
    "--network-alias",
    "--ip",
    "--pid",
    "--ipc",
    "--stop-signal",
    "--stop-timeout",
    "--health-cmd",
    "-a",
    "--attach",
    "--cidfile",
    "--label-file",
    "--shm-size",
    "--gpus",
    "--runtime",
    "--detach-keys",
    "-c",
    "--cpu-shares",
    "--cpuset-cpus",
    "--userns",
    "--uts",
    "--group-add",
];

/// Options of `docker exec` that take a value.
const DOCKER_EXEC: &[&str] = &[
    "-e",
    "--env",
    "--env-file",
    "-u",
    "--user",
    "-w",
    "--workdir",
    "--detach-keys",
];

fn container(args: &[Option<&str>]) -> Option<Inner> {
    let mut i = skip_options(args, 0, DOCKER_GLOBAL);
    // `docker container exec`.
    if args.get(i).copied().flatten() == Some("container") {
        i += 1;
    }
    match args.get(i).copied().flatten()? {
        "exec" => {
            let j = skip_options(args, i + 1, DOCKER_EXEC);
            // The container, then the command.
            present(args, j + 1).map(Inner::Argv)
        }
        "run" | "create" => image_command(args, i + 1, DOCKER_RUN),
        "compose" => compose(args, i + 1),
        _ => None,
    }
}

/// What `run` options, an image and its arguments run: the arguments as a command, or
/// `cockroach` with them when the image's entrypoint is cockroach.
fn image_command(args: &[Option<&str>], from: usize, with_value: &[&str]) -> Option<Inner> {
    // `--entrypoint cockroach` / `--entrypoint=cockroach`.
    let mut entrypoint = None;
    for (k, a) in args.iter().enumerate().skip(from) {
        match a {
            Some("--entrypoint") => entrypoint = args.get(k + 1).copied().flatten(),
            Some(a) if a.starts_with("--entrypoint=") => entrypoint = Some(&a[13..]),
            _ => {}
        }
    }
    let image = skip_options(args, from, with_value);
    let image_name = args.get(image).copied().flatten()?;
    let first = image + 1;
    if let Some(e) = entrypoint {
        return (base(e) == "cockroach" && first < args.len()).then_some(Inner::Cockroach(first));
    }
    let cockroach_image = image_name
        .split(['@', ':'])
        .next()
        .is_some_and(|repo| base(repo).starts_with("cockroach"));
    let command = args.get(first).copied().flatten();
    if cockroach_image && first < args.len() {
        // The image's entrypoint runs `cockroach "$@"`; `shell` runs bash.
        return match command {
            Some("shell") => present(args, first + 1).map(Inner::Argv),
            Some(c) if base(c) == "cockroach" || is_shell(base(c)) => Some(Inner::Argv(first)),
            _ => Some(Inner::Cockroach(first)),
        };
    }
    present(args, first).map(Inner::Argv)
}

/// `docker compose [global] exec|run [options] SERVICE cmd …` (from `i`, after `compose`).
fn compose(args: &[Option<&str>], i: usize) -> Option<Inner> {
    let i = skip_options(
        args,
        i,
        &[
            "-f",
            "--file",
            "-p",
            "--project-name",
            "--project-directory",
            "--env-file",
            "--profile",
            "--ansi",
            "--parallel",
        ],
    );
    match args.get(i).copied().flatten()? {
        "exec" => {
            let j = skip_options(
                args,
                i + 1,
                &["-e", "--env", "-u", "--user", "-w", "--workdir", "--index"],
            );
            present(args, j + 1).map(Inner::Argv)
        }
        "run" => image_command(
            args,
            i + 1,
            &[
                "-e",
                "--env",
                "-u",
                "--user",
                "-w",
                "--workdir",
                "--entrypoint",
                "--name",
                "-v",
                "--volume",
                "-p",
                "--publish",
                "-l",
                "--label",
                "--env-from-file",
                "--cap-add",
                "--cap-drop",
            ],
        ),
        _ => None,
    }
}

/// `kubectl [global] exec [options] POD [-- ] cmd …`, `kubectl run NAME --image=… -- args`.
fn kubernetes(args: &[Option<&str>]) -> Option<Inner> {
    const GLOBAL: &[&str] = &[
        "-n",
        "--namespace",
        "--context",
        "--kubeconfig",
        "-s",
        "--server",
        "--cluster",
        "--user",
        "--token",
        "--as",
        "--as-group",
        "--request-timeout",
        "--cache-dir",
        "--certificate-authority",
        "--client-certificate",
        "--client-key",
        "-v",
    ];
    let mut i = skip_options(args, 0, GLOBAL);
    if args.get(i).copied().flatten() == Some("kubectl") {
        // `k3s kubectl …`, `microk8s kubectl …`.
        i = skip_options(args, i + 1, GLOBAL);
    }
    let sub = args.get(i).copied().flatten()?;
    let exec_options: Vec<&str> = GLOBAL
        .iter()
        .copied()
        .chain([
            "-c",
            "--container",
            "-f",
            "--filename",
            "--pod-running-timeout",
        ])
        .collect();
    match sub {
        "exec" => {
            // Everything after `--` is the command; without it (older kubectl), the words
            // after the pod.
            if let Some(dd) = args.iter().position(|a| matches!(a, Some("--"))) {
                return present(args, dd + 1).map(Inner::Argv);
            }
            let pod = skip_options(args, i + 1, &exec_options);
            let j = skip_options(args, pod + 1, &exec_options);
            present(args, j).map(Inner::Argv)
        }
        "run" => {
            let dd = args.iter().position(|a| matches!(a, Some("--")))?;
            let first = dd + 1;
            let explicit = args[..dd].iter().any(|a| matches!(a, Some("--command")));
            let image = args[..dd].iter().enumerate().find_map(|(k, a)| match a {
                Some(a) if a.starts_with("--image=") => Some(&a[8..]),
                Some("--image") => args.get(k + 1).copied().flatten(),
                _ => None,
            });
            let cockroach_image = image.is_some_and(|img| {
                img.split(['@', ':'])
                    .next()
                    .is_some_and(|repo| base(repo).starts_with("cockroach"))
            });
            if cockroach_image && !explicit {
                present(args, first).map(Inner::Cockroach)
            } else {
                present(args, first).map(Inner::Argv)
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(line: &str) -> Option<Inner> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let args: Vec<Option<&str>> = words[1..].iter().map(|w| Some(*w)).collect();
        inner(words[0], &args)
    }

    #[test]
    fn wrapped_commands_are_found_past_options() {
        let argv = |line: &str, at: usize| assert_eq!(of(line), Some(Inner::Argv(at)), "{line}");
        argv("sudo -u crdb -E cockroach sql", 3);
        argv("sudo -E VAR=1 cockroach sql", 2);
        argv("env -i HOME=/x COCKROACH_URL=y cockroach sql", 3);
        argv("timeout -s KILL 300 cockroach sql", 3);
        argv("timeout 5m cockroach sql", 1);
        argv("nice -n 10 cockroach sql", 2);
        argv("nice -10 cockroach sql", 1);
        argv("nohup cockroach sql", 0);
        argv("docker exec -it crdb cockroach sql", 3);
        argv("docker exec -e A=b -u root -w /x crdb ./cockroach sql", 8);
        argv("docker --context prod exec -i crdb cockroach sql", 5);
        argv("podman container exec crdb cockroach sql", 3);
        argv("docker compose -f x.yml exec -T db cockroach sql", 6);
        argv("docker-compose exec db cockroach sql", 2);
        argv(
            "kubectl exec -it cockroachdb-0 -n db -c crdb -- cockroach sql",
            8,
        );
        argv("kubectl -n db exec cockroachdb-0 cockroach sql", 4);
        argv("flock /tmp/lock cockroach sql", 1);
        argv("docker run --rm -v /x:/y alpine sh -c x", 5);
        assert_eq!(
            of("docker run --rm cockroachdb/cockroach:v25.2.0 sql --insecure"),
            Some(Inner::Cockroach(3))
        );
        assert_eq!(
            of(
                "kubectl run c -it --rm --image=cockroachdb/cockroach:v25.2.0 --restart=Never -- sql"
            ),
            Some(Inner::Cockroach(7))
        );
        assert_eq!(of("bash -c x"), Some(Inner::Script(1..2)));
        assert_eq!(of("sh -ec x"), Some(Inner::Script(1..2)));
        assert_eq!(of("bash -o pipefail -c x"), Some(Inner::Script(3..4)));
        assert_eq!(of("bash"), Some(Inner::StdinScript));
        assert_eq!(of("bash -s"), Some(Inner::StdinScript));
        assert_eq!(of("bash backup.sh"), None);
        assert_eq!(
            of("ssh -i key -p 22 admin@db1 cockroach sql"),
            Some(Inner::Script(5..7))
        );
        assert_eq!(of("ssh db1"), Some(Inner::StdinScript));
        assert_eq!(of("su - crdb -c x"), Some(Inner::Script(3..4)));
        assert_eq!(of("command -v cockroach"), None);
        assert_eq!(of("cockroach sql"), None);
    }
}
