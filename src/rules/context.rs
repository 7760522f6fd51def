//! What rules know about the file beyond the statement they judge: every earlier statement,
//! in order, so chain, collection, locality and transaction checks can look back.

use crate::ast::{Backup, Restore, Statement};
use crate::span::Span;

#[derive(Debug)]
pub enum Entry {
    /// A backup-family statement that parsed.
    Statement(Box<Statement>),
    /// A backup-family statement with a syntax error (it is unknown what it did).
    Broken,
    /// Any other statement; `words` holds its first words in lower case (`["begin"]`).
    Other { words: Vec<String> },
}

#[derive(Debug, Default)]
pub struct FileContext {
    pub entries: Vec<(Span, Entry)>,
}

impl FileContext {
    pub fn push(&mut self, span: Span, entry: Entry) {
        self.entries.push((span, entry));
    }

    /// Earlier statements that ran (EXPLAIN does not run its statement).
    pub fn statements(&self) -> impl Iterator<Item = (Span, &Statement)> {
        self.entries.iter().filter_map(|(span, e)| match e {
            Entry::Statement(s) if !matches!(**s, Statement::Explain(_)) => Some((*span, &**s)),
            _ => None,
        })
    }

    /// Earlier BACKUP statements, oldest first.
    pub fn backups(&self) -> impl Iterator<Item = (Span, &Backup)> {
        self.statements().filter_map(|(span, s)| match s {
            Statement::Backup(b) => Some((span, b)),
            _ => None,
        })
    }

    /// Earlier RESTORE statements, oldest first.
    pub fn restores(&self) -> impl Iterator<Item = (Span, &Restore)> {
        self.statements().filter_map(|(span, s)| match s {
            Statement::Restore(r) => Some((span, r)),
            _ => None,
        })
    }

    /// Whether an earlier backup-family statement failed to parse (what it did is unknown, so
    /// chain checks that depend on every earlier statement should stay quiet).
    pub fn has_broken(&self) -> bool {
        self.entries.iter().any(|(_, e)| matches!(e, Entry::Broken))
    }
}
