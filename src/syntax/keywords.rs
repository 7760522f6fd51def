//! Keyword classes of CockroachDB's grammar that the backup family depends on (grammar.md §2.1, §4.3).

/// Reserved keywords: never a bare-word string, never an unquoted name.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "both",
    "case",
    "cast",
    "check",
    "cockroachdb_extra_reserved_keyword",
    "collate",
    "column",
    "concurrently",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "index_after_order_by_before_at",
    "index_before_name_then_paren",
    "index_before_paren",
    "initially",
    "intersect",
    "into",
    "lateral",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "nothing_after_returning",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
];

/// Type/function-name keywords: bare-word strings, but never an unquoted table or database name.
const TYPE_FUNC_NAME: &[&str] = &[
    "authorization",
    "collation",
    "cross",
    "family",
    "full",
    "ilike",
    "inner",
    "is",
    "isnull",
    "join",
    "left",
    "like",
    "natural",
    "none",
    "notnull",
    "outer",
    "overlaps",
    "right",
    "similar",
];

/// Words whose identifiers are printed in double quotes: every reserved, column-name and
/// type/function-name keyword (lexbase.reservedKeywords) plus the parser's look-ahead words.
const QUOTE_LIST: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "annotate_type",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "bit",
    "boolean",
    "both",
    "box2d",
    "case",
    "cast",
    "char",
    "character",
    "characteristics",
    "check",
    "coalesce",
    "cockroachdb_extra_reserved_keyword",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "extract_duration",
    "false",
    "family",
    "fetch",
    "float",
    "for",
    "foreign",
    "from",
    "full",
    "geography",
    "geometry",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "if",
    "iferror",
    "ifnull",
    "ilike",
    "in",
    "index_after_order_by_before_at",
    "index_before_name_then_paren",
    "index_before_paren",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "iserror",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "none",
    "not",
    "nothing_after_returning",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "point",
    "polygon",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "string",
    "substring",
    "symmetric",
    "table",
    "then",
    "time",
    "timestamp",
    "timestamptz",
    "timetz",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varbit",
    "varchar",
    "variadic",
    "vector",
    "virtual",
    "when",
    "where",
    "window",
    "with",
    "work",
    // look-ahead words
    "ilike",
    "of",
    "ordinality",
    "generated",
    "reset",
    "role",
    "tenant",
    "set",
];

pub fn is_reserved(word: &str) -> bool {
    word_class(word) & RESERVED_WORD != 0
}

pub fn is_type_func_name(word: &str) -> bool {
    word_class(word) & TYPE_FUNC_NAME_WORD != 0
}

/// Class bits of a known word (see [`word_class`]).
pub const RESERVED_WORD: u8 = 1;
pub const TYPE_FUNC_NAME_WORD: u8 = 2;
/// Any word of the table (a keyword of the grammar or an option word).
const KNOWN_WORD: u8 = 4;

/// The class bits of `word` (exact spelling, lower case): one hashed probe instead of a scan
/// of the keyword lists (the parser asks this for every name it reads).
pub fn word_class(word: &str) -> u8 {
    table()
        .get(word.as_bytes(), fold_hash(word.as_bytes()), false)
        .map_or(0, |(_, class)| class)
}

/// `role` joined the look-ahead list after v20.1 (v20.1 printed `BACKUP TABLE role`).
pub fn needs_quotes_as_keyword(word: &str, role_is_keyword: bool) -> bool {
    if word == "role" {
        return role_is_keyword;
    }
    QUOTE_LIST.contains(&word)
}

/// Words of the grammar besides the keyword lists above (unreserved keywords).
const GRAMMAR_WORDS: &[&str] = &[
    "add",
    "always",
    "analyse",
    "analyze",
    "backup",
    "backups",
    "cluster",
    "connection",
    "database",
    "execute",
    "exists",
    "explain",
    "files",
    "full",
    "immediately",
    "incremental",
    "label",
    "latest",
    "never",
    "new_kms",
    "newer",
    "of",
    "old_kms",
    "older",
    "option",
    "options",
    "ranges",
    "recurring",
    "replication",
    "restore",
    "schedule",
    "schemas",
    "set",
    "show",
    "stream",
    "system",
    "tenant",
    "than",
    "users",
    "validate",
    "alter",
    "begin",
    "commit",
];

/// The lower-case spelling of a known keyword written in any case, without allocating
/// (keywords are usually written in upper case).
pub fn known_word_ignoring_case(word: &str) -> Option<&'static str> {
    known_word_hashed(word.as_bytes(), fold_hash(word.as_bytes()))
}

/// [`known_word_ignoring_case`] with the word's [`fold_hash`] already computed (the lexer
/// hashes an identifier while it scans it).
pub(crate) fn known_word_hashed(word: &[u8], hash: u64) -> Option<&'static str> {
    table().get(word, hash, true).map(|(w, _)| w)
}

fn table() -> &'static WordTable {
    use std::sync::OnceLock;
    static WORDS: OnceLock<WordTable> = OnceLock::new();
    WORDS.get_or_init(|| {
        let options = crate::syntax::options::all_option_words();
        let mut table = WordTable::new(
            RESERVED
                .iter()
                .chain(TYPE_FUNC_NAME)
                .chain(QUOTE_LIST)
                .chain(GRAMMAR_WORDS)
                .chain(options.iter())
                .copied(),
        );
        for word in RESERVED {
            table.mark(word, RESERVED_WORD);
        }
        for word in TYPE_FUNC_NAME {
            table.mark(word, TYPE_FUNC_NAME_WORD);
        }
        table
    })
}

/// A fixed set of lower-case words looked up by an FNV-1a hash of their ASCII-case-folded
/// bytes with linear probing: built in a few microseconds at start-up and probed once per
/// identifier, where a SipHash `HashMap` cost more than the lexing around it.
struct WordTable {
    slots: Vec<Option<(&'static str, u8)>>,
    mask: usize,
}

impl WordTable {
    fn new(words: impl Iterator<Item = &'static str>) -> WordTable {
        let words: Vec<&'static str> = words.collect();
        // At most a quarter full: probes stay short.
        let size = (words.len() * 4).next_power_of_two().max(16);
        let mut table = WordTable {
            slots: vec![None; size],
            mask: size - 1,
        };
        for word in words {
            let mut i = fold_hash(word.as_bytes()) as usize & table.mask;
            loop {
                match table.slots[i] {
                    None => {
                        table.slots[i] = Some((word, KNOWN_WORD));
                        break;
                    }
                    Some((w, _)) if w == word => break,
                    Some(_) => i = (i + 1) & table.mask,
                }
            }
        }
        table
    }

    fn mark(&mut self, word: &str, class: u8) {
        let mut i = fold_hash(word.as_bytes()) as usize & self.mask;
        while let Some((w, c)) = &mut self.slots[i] {
            if *w == word {
                *c |= class;
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// The entry for `word` (hashed by [`fold_hash`]): spelled exactly, or in any ASCII case.
    fn get(&self, word: &[u8], hash: u64, any_case: bool) -> Option<(&'static str, u8)> {
        let mut i = hash as usize & self.mask;
        loop {
            match self.slots[i] {
                None => return None,
                Some((w, c))
                    if w.len() == word.len()
                        && if any_case {
                            w.as_bytes().eq_ignore_ascii_case(word)
                        } else {
                            w.as_bytes() == word
                        } =>
                {
                    return Some((w, c));
                }
                Some(_) => i = (i + 1) & self.mask,
            }
        }
    }
}

/// The FNV-1a offset basis: the hash of the empty word.
pub(crate) const FOLD_HASH_START: u64 = 0xcbf2_9ce4_8422_2325;

/// One byte into a [`fold_hash`]: upper- and lower-case ASCII letters hash alike (`| 0x20`;
/// other bytes change too, but the same way on both sides, so only letters can collide and the
/// probe compares the words).
#[inline(always)]
pub(crate) fn fold_hash_byte(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b | 0x20)).wrapping_mul(0x0100_0000_01b3)
}

/// FNV-1a over the bytes folded by [`fold_hash_byte`].
pub(crate) fn fold_hash(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(FOLD_HASH_START, |h, &b| fold_hash_byte(h, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every word of the keyword lists and of the options.
    fn every_listed_word() -> Vec<&'static str> {
        let options = crate::syntax::options::all_option_words();
        RESERVED
            .iter()
            .chain(TYPE_FUNC_NAME)
            .chain(QUOTE_LIST)
            .chain(GRAMMAR_WORDS)
            .copied()
            .chain(options.iter().copied())
            .collect()
    }

    #[test]
    fn every_listed_word_is_known_in_any_case_and_others_are_not() {
        let all = every_listed_word();
        for word in all.iter() {
            assert_eq!(known_word_ignoring_case(word), Some(*word));
            assert_eq!(
                known_word_ignoring_case(&word.to_ascii_uppercase()),
                Some(*word)
            );
            let other = format!("{word}x");
            if !RESERVED.contains(&other.as_str()) {
                assert_ne!(known_word_ignoring_case(&other), Some(other.as_str()));
            }
        }
        assert_eq!(known_word_ignoring_case("backupz"), None);
        assert_eq!(known_word_ignoring_case(""), None);
        assert_eq!(known_word_ignoring_case("é"), None);
    }

    #[test]
    fn word_classes_agree_with_the_lists() {
        let all = every_listed_word();
        for word in all.iter().chain(["foo", "backupz", "", "_", "x$1"].iter()) {
            assert_eq!(is_reserved(word), RESERVED.contains(word), "{word}");
            assert_eq!(
                is_type_func_name(word),
                TYPE_FUNC_NAME.contains(word),
                "{word}"
            );
            // The exact spelling only: an upper-case word is not the keyword.
            let upper = word.to_ascii_uppercase();
            if upper != *word {
                assert!(
                    !is_reserved(&upper) && !is_type_func_name(&upper),
                    "{upper}"
                );
            }
        }
    }
}
