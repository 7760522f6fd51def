//! `backup-lint server`: a language server over stdio (to be written).

/// Runs the language server on stdin/stdout until the client exits.
pub fn run() -> Result<(), String> {
    Err("the language server is not implemented yet".into())
}
