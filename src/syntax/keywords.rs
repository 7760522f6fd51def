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
    RESERVED.contains(&word)
}

pub fn is_type_func_name(word: &str) -> bool {
    TYPE_FUNC_NAME.contains(&word)
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
    use std::sync::OnceLock;
    static WORDS: OnceLock<WordTable> = OnceLock::new();
    if word.len() > 48 {
        return None;
    }
    let words = WORDS.get_or_init(|| {
        let options = crate::syntax::options::all_option_words();
        WordTable::new(
            RESERVED
                .iter()
                .chain(TYPE_FUNC_NAME)
                .chain(QUOTE_LIST)
                .chain(GRAMMAR_WORDS)
                .chain(options.iter())
                .copied(),
        )
    });
    let mut buf = [0u8; 48];
    let lower = &mut buf[..word.len()];
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    words.get(lower)
}

/// A fixed set of lower-case words looked up by an FNV-1a hash with linear probing: built in
/// a few microseconds at start-up and probed once per identifier, where a SipHash `HashMap`
/// cost more than the lexing around it.
struct WordTable {
    slots: Vec<Option<&'static str>>,
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
            let mut i = fnv1a(word.as_bytes()) & table.mask;
            loop {
                match table.slots[i] {
                    None => {
                        table.slots[i] = Some(word);
                        break;
                    }
                    Some(w) if w == word => break,
                    Some(_) => i = (i + 1) & table.mask,
                }
            }
        }
        table
    }

    fn get(&self, lower: &[u8]) -> Option<&'static str> {
        let mut i = fnv1a(lower) & self.mask;
        loop {
            match self.slots[i] {
                None => return None,
                Some(w) if w.as_bytes() == lower => return Some(w),
                Some(_) => i = (i + 1) & self.mask,
            }
        }
    }
}

fn fnv1a(bytes: &[u8]) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_word_is_known_in_any_case_and_others_are_not() {
        let options = crate::syntax::options::all_option_words();
        let all = RESERVED
            .iter()
            .chain(TYPE_FUNC_NAME)
            .chain(QUOTE_LIST)
            .chain(GRAMMAR_WORDS)
            .chain(options.iter());
        for word in all {
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
}
