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
    let word = word.as_bytes();
    known_word(folded_prefix(word), word)
        .filter(|(w, _)| w.as_bytes() == word)
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
    let word = word.as_bytes();
    known_word(folded_prefix(word), word).map(|(w, _)| w)
}

/// The table's entry for `word`, written in any ASCII case: its lower-case spelling and class
/// bits. `prefix` is [`folded_prefix`] of `word`.
pub(crate) fn known_word(prefix: u64, word: &[u8]) -> Option<(&'static str, u8)> {
    table().get(prefix, word)
}

/// The first eight bytes of `word` in ASCII lower case, little-endian (byte `i` at bits
/// `8 * i`), zero-padded: most keywords fit whole, so comparing them is comparing integers.
pub(crate) fn folded_prefix(word: &[u8]) -> u64 {
    word.iter().take(8).enumerate().fold(0, |prefix, (i, b)| {
        prefix | u64::from(b.to_ascii_lowercase()) << (8 * i)
    })
}

/// The table of known words; the lexer fetches it once per statement, not once per word.
pub(crate) fn table() -> &'static WordTable {
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

/// A fixed set of lower-case words keyed by their length and [`folded_prefix`], with linear
/// probing: built in a few microseconds at start-up and probed once per identifier, where a
/// SipHash `HashMap` cost more than the lexing around it.
pub(crate) struct WordTable {
    slots: Vec<Slot>,
    /// 64 minus the number of index bits: the index is the top bits of the hash.
    shift: u32,
}

/// A table entry; the empty slot has the empty word (and prefix 0, which no word has).
#[derive(Clone, Copy)]
struct Slot {
    prefix: u64,
    word: &'static str,
    class: u8,
}

const EMPTY: Slot = Slot {
    prefix: 0,
    word: "",
    class: 0,
};

impl WordTable {
    fn new(words: impl Iterator<Item = &'static str>) -> WordTable {
        let words: Vec<&'static str> = words.collect();
        // At most a quarter full: probes stay short.
        let size = (words.len() * 4).next_power_of_two().max(16);
        let mut table = WordTable {
            slots: vec![EMPTY; size],
            shift: 64 - size.trailing_zeros(),
        };
        for word in words {
            let prefix = folded_prefix(word.as_bytes());
            let mut i = table.index(prefix, word.len());
            loop {
                let slot = &mut table.slots[i];
                if slot.word.is_empty() {
                    *slot = Slot {
                        prefix,
                        word,
                        class: KNOWN_WORD,
                    };
                    break;
                }
                if slot.word == word {
                    break;
                }
                i = (i + 1) & (size - 1);
            }
        }
        table
    }

    fn index(&self, prefix: u64, len: usize) -> usize {
        // Multiplicative hashing: the top bits of the product mix every bit of the key.
        ((prefix ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    fn mark(&mut self, word: &'static str, class: u8) {
        let mut i = self.index(folded_prefix(word.as_bytes()), word.len());
        while !self.slots[i].word.is_empty() {
            if self.slots[i].word == word {
                self.slots[i].class |= class;
                return;
            }
            i = (i + 1) & (self.slots.len() - 1);
        }
    }

    /// The entry for `word` in any ASCII case; `prefix` is its [`folded_prefix`]. Inlined into
    /// the lexer's word loop, which calls it for every word.
    #[inline(always)]
    pub(crate) fn get(&self, prefix: u64, word: &[u8]) -> Option<(&'static str, u8)> {
        let mut i = self.index(prefix, word.len());
        loop {
            let slot = self.slots[i];
            if slot.word.is_empty() {
                return None;
            }
            if slot.prefix == prefix
                && slot.word.len() == word.len()
                && (word.len() <= 8 || tail_matches(slot.word.as_bytes(), word))
            {
                return Some((slot.word, slot.class));
            }
            i = (i + 1) & (self.slots.len() - 1);
        }
    }
}

/// Whether `word` (longer than eight bytes, any ASCII case) equals the lower-case `known` of
/// the same length past their first eight bytes, compared eight bytes at a time (the last
/// chunk overlaps the one before it): `revision_history` is two loads, not eight byte pairs.
fn tail_matches(known: &[u8], word: &[u8]) -> bool {
    let chunk = |bytes: &[u8], at: usize| {
        bytes
            .get(at..at + 8)
            .map_or(0, |c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
    };
    let len = word.len();
    let mut at = 8;
    loop {
        // The last chunk ends at the end of the word.
        let at_now = at.min(len - 8);
        if chunk(known, at_now) != fold_ascii_lower(chunk(word, at_now)) {
            return false;
        }
        if at_now == len - 8 {
            return true;
        }
        at += 8;
    }
}

/// Eight bytes (little-endian) lower-cased in-register (SWAR). A byte of 0x80 or more keeps
/// its top bit (an OR only sets bits), so such a word never equals an ASCII one.
#[inline(always)]
pub(crate) fn fold_ascii_lower(word: u64) -> u64 {
    // For ASCII bytes (below 0x80), adding 0x3f or 0x25 never carries into the next byte:
    // bit 7 of a byte ends set after `+ 0x3f` from `A` on and after `+ 0x25` from `[` on;
    // both together mark `A..=Z`, and their bit 7 moved to bit 5 is the case bit.
    const ONES: u64 = 0x0101_0101_0101_0101;
    let upper =
        (word.wrapping_add(0x3f * ONES)) & !(word.wrapping_add(0x25 * ONES)) & (0x80 * ONES);
    word | (upper >> 2)
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
