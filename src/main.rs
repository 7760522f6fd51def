//! The `backup-lint` binary: everything is in `cli`.

mod cli;

/// mimalloc, not the system allocator: `check` parses a large file on a second thread, and
/// glibc's allocator, once a second thread exists, makes every allocation and every free of a
/// tree taken on the other thread cost a lock (measured: two threads slower than one). Its
/// transparent huge pages are off (`no_thp`): with them, the docs corpus spent a third of its
/// time in the kernel on some runs and peaked 10 MB higher.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
