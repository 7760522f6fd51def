//! Keeps `grammar/backup.ebnf` in sync with the parser it documents.
//!
//! The EBNF is read as text and compared with `src/syntax/parser/grammar.rs` and `src/syntax/parser/input.rs`
//! (read as text too) and with the option tables of `src/syntax/options.rs` (through the crate's API):
//!
//! * every production of the EBNF has a parser function of the same name whose doc comment
//!   quotes it (`` /// `name ::= …` ``), and every such function has its production in the EBNF;
//! * the production quoted by each function's doc comment starts with the function's own name;
//! * the keywords of the EBNF (UPPER-CASE words outside comments, quotes and `? … ?`) are
//!   exactly the keywords the parser matches: `kw("…")`, `is_keyword("…")`, `… == "…"`, word
//!   patterns of `match` arms and word lists `&["…", …]` in the parser sources, plus the option
//!   words of the tables in `src/syntax/options.rs` (compared in lower case);
//! * each option production lists exactly its table's options, in table order, each with its
//!   value shape and its release range «since–until», plus the generic `kv_option` fallback
//!   with the releases that accept untyped options;
//! * the EBNF itself is well formed: productions start in column 1, no duplicate or undefined
//!   productions, balanced brackets, closed comments and quotes.
//!
//! `check_sync` does all of it on texts, so the tests at the bottom can feed it broken copies
//! and show that every kind of difference is reported.

use std::collections::{BTreeMap, BTreeSet};

use backup_lint::syntax::options::{OptStmt, Shape};
use backup_lint::syntax::version::{RELEASES, Version};

const EBNF_FILE: &str = "grammar/backup.ebnf";
const PARSER_FILES: [&str; 2] = ["src/syntax/parser/grammar.rs", "src/syntax/parser/input.rs"];

// ---------------------------------------------------------------------------------------------
// Allow-lists

/// Allow-list 1: the option productions, implemented by the tables of `src/syntax/options.rs` (parsed
/// by the private `option_item` of `src/syntax/parser/grammar.rs`) rather than by functions of their
/// own. They need no parser function (`backup_option` happens to have one, which is then
/// checked as usual); instead their alternatives are compared with the table: option words,
/// value shape, release range and order. Add a new `OptStmt` both here and below.
const OPTION_STMTS: [OptStmt; 5] = [
    OptStmt::Backup,
    OptStmt::Restore,
    OptStmt::ShowBackup,
    OptStmt::ShowBackups,
    OptStmt::ShowBackupConnection,
];

/// The EBNF production of each option table (exhaustive, so a new `OptStmt` fails to compile).
fn option_production(stmt: OptStmt) -> &'static str {
    match stmt {
        OptStmt::Backup => "backup_option",
        OptStmt::Restore => "restore_option",
        OptStmt::ShowBackup => "show_backup_option",
        OptStmt::ShowBackups => "show_backups_option",
        OptStmt::ShowBackupConnection => "connection_option",
    }
}

/// How the EBNF writes what follows an option's words (exhaustive, like the above).
fn shape_ebnf(shape: Shape) -> &'static str {
    match shape {
        Shape::Flag => "",
        Shape::FlagOrExpr => "[ '=' a_expr ]",
        Shape::Expr => "'=' a_expr",
        Shape::Str => "'=' string_or_placeholder",
        Shape::List => "'=' string_or_placeholder_opt_list",
        Shape::FlagOrBool => "[ '=' ( TRUE | FALSE ) ]",
    }
}

/// Allow-list 2: terminals of `src/syntax/parser/input.rs` whose doc comments name the token
/// (`` /// `SCONST` ``, `/// The end of the statement.`) instead of quoting a production. The
/// EBNF documents them as lexical productions; for them the test only requires a `fn` of the
/// same name in the parser sources. Drop an entry once its doc comment quotes `name ::= …`
/// (the test reports entries that have become unnecessary).
/// Empty today: every terminal's doc comment quotes its production.
const LEXICAL_TERMINALS: &[&str] = &[];

// There is no keyword allow-list: words that appear on one side only (in comments, in
// `? … ?` descriptions of tokens, in error messages) are not collected in the first place.

// ---------------------------------------------------------------------------------------------
// The test

#[test]
fn ebnf_matches_parser() {
    let ebnf = read(EBNF_FILE);
    let texts: Vec<(&str, String)> = PARSER_FILES.iter().map(|f| (*f, read(f))).collect();
    let sources: Vec<(&str, &str)> = texts.iter().map(|(f, t)| (*f, t.as_str())).collect();
    let problems = check_sync(&ebnf, &sources, &option_tables(), LEXICAL_TERMINALS);
    assert!(problems.is_empty(), "{}", report(&problems));
}

fn read(relative: &str) -> String {
    let path = format!("{}/{relative}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn report(problems: &[String]) -> String {
    format!(
        "{EBNF_FILE} is out of sync with the parser ({} difference(s)):\n  - {}\n",
        problems.len(),
        problems.join("\n  - ")
    )
}

// ---------------------------------------------------------------------------------------------
// Option tables

/// One option of a table, as the EBNF must write it.
#[derive(Clone, Debug)]
struct OptionRow {
    /// Its words, lower case, separated by one space (`execution locality`).
    name: String,
    /// What follows the words, in EBNF (`'=' string_or_placeholder`).
    value: String,
    /// `«v23.1–»` or `«v22.1–v26.2»`.
    range: String,
}

#[derive(Clone, Debug)]
struct OptionTable {
    production: String,
    rows: Vec<OptionRow>,
    /// The releases that accept the `kv_option` fallback (`«v19.1–v20.2»` or `«none»`).
    generic_range: String,
}

fn range(since: Version, until: Option<Version>) -> String {
    match until {
        Some(until) => format!("«v{since}–v{until}»"),
        None => format!("«v{since}–»"),
    }
}

fn option_tables() -> Vec<OptionTable> {
    OPTION_STMTS
        .iter()
        .map(|&stmt| {
            let rows = stmt
                .specs()
                .iter()
                .map(|s| OptionRow {
                    name: s.words.join(" "),
                    value: shape_ebnf(s.shape).to_string(),
                    range: range(s.since, s.until),
                })
                .collect();
            // `generic_until` is the last release with untyped options; the range needs the
            // first release without them.
            let generic_range = match stmt.generic_until() {
                None => "«none»".to_string(),
                Some(last) => {
                    let next = RELEASES.iter().copied().find(|&r| r > last);
                    range(Version::OLDEST, next)
                }
            };
            OptionTable {
                production: option_production(stmt).to_string(),
                rows,
                generic_range,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The comparison

/// Every difference between the EBNF text and the parser sources (`(file name, text)`) and
/// option tables; empty when they agree.
fn check_sync(
    ebnf: &str,
    sources: &[(&str, &str)],
    tables: &[OptionTable],
    lexical_terminals: &[&str],
) -> Vec<String> {
    let mut problems = Vec::new();

    // The EBNF, and its own consistency.
    let tokens = match tokenize(ebnf) {
        Ok(tokens) => tokens,
        Err(e) => return vec![format!("{EBNF_FILE}: {e}")],
    };
    let prods = productions(&tokens, &mut problems);
    let mut defined: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &prods {
        if let Some(first) = defined.insert(&p.name, p.line) {
            problems.push(format!(
                "{EBNF_FILE} line {}: production `{}` is defined twice (first on line {first})",
                p.line, p.name
            ));
            defined.insert(&p.name, first);
        }
    }
    for p in &prods {
        check_production(p, &defined, &mut problems);
    }

    // The parser functions, and their doc comments.
    let fns: Vec<ParserFn> = sources
        .iter()
        .flat_map(|(file, text)| parser_fns(file, text))
        .collect();
    let mut production_fns: BTreeMap<&str, &ParserFn> = BTreeMap::new();
    for f in &fns {
        let Some(quoted) = &f.production else {
            continue;
        };
        if !quoted.starts_with(&format!("{} ::=", f.name)) {
            let head = quoted.split("::=").next().unwrap_or("").trim();
            problems.push(format!(
                "{}:{}: the doc comment of `fn {}` quotes a production of `{head}`; it must \
                 start with `{} ::=`",
                f.file, f.line, f.name, f.name
            ));
        }
        if let Some(first) = production_fns.insert(&f.name, f) {
            problems.push(format!(
                "{}:{}: production function `{}` is also defined at {}:{}",
                f.file, f.line, f.name, first.file, first.line
            ));
        }
    }

    // Productions against functions, both ways.
    let table_prods: BTreeSet<&str> = tables.iter().map(|t| t.production.as_str()).collect();
    for p in &prods {
        let name = p.name.as_str();
        if production_fns.contains_key(name) || table_prods.contains(name) {
            continue;
        }
        if lexical_terminals.contains(&name) {
            if !fns.iter().any(|f| f.name == name) {
                problems.push(format!(
                    "{EBNF_FILE} line {}: terminal `{name}` has no `fn {name}` in {}",
                    p.line,
                    file_list(sources)
                ));
            }
            continue;
        }
        problems.push(format!(
            "{EBNF_FILE} line {}: production `{name}` has no parser function: no `fn {name}` \
             in {} has a doc comment quoting `{name} ::= …`",
            p.line,
            file_list(sources)
        ));
    }
    for (name, f) in &production_fns {
        if !defined.contains_key(name) {
            problems.push(format!(
                "{}:{}: `fn {name}` quotes the production `{name} ::= …`, which {EBNF_FILE} lacks",
                f.file, f.line
            ));
        }
    }
    for &name in lexical_terminals {
        if let Some(f) = production_fns.get(name) {
            problems.push(format!(
                "{}:{}: `fn {name}` now quotes its production: remove `{name}` from \
                 LEXICAL_TERMINALS in tests/suite/grammar_sync.rs",
                f.file, f.line
            ));
        } else if !defined.contains_key(name) {
            problems.push(format!(
                "{EBNF_FILE}: the terminal `{name}` (src/syntax/parser/input.rs) is not documented"
            ));
        }
    }

    // Keywords, both ways.
    let mut ebnf_keywords: BTreeMap<String, usize> = BTreeMap::new();
    for p in &prods {
        for t in &p.body {
            if let Tok::Word(w) = &t.tok
                && is_upper_word(w)
            {
                ebnf_keywords
                    .entry(w.to_ascii_lowercase())
                    .or_insert(t.line);
            }
        }
    }
    let mut parser_keywords: BTreeMap<String, String> = BTreeMap::new();
    for (file, text) in sources {
        for word in keyword_literals(file, text, &mut problems) {
            parser_keywords
                .entry(word)
                .or_insert_with(|| file.to_string());
        }
    }
    for table in tables {
        for row in &table.rows {
            for word in row.name.split(' ') {
                parser_keywords
                    .entry(word.to_string())
                    .or_insert_with(|| format!("the option table of `{}`", table.production));
            }
        }
    }
    for (word, line) in &ebnf_keywords {
        if !parser_keywords.contains_key(word) {
            problems.push(format!(
                "{EBNF_FILE} line {line}: keyword `{}` is never matched by the parser (no \
                 `kw(\"{word}\")`, `is_keyword(\"{word}\")`, comparison or word list in {}, and \
                 no option word of src/syntax/options.rs)",
                word.to_ascii_uppercase(),
                file_list(sources)
            ));
        }
    }
    for (word, origin) in &parser_keywords {
        if !ebnf_keywords.contains_key(word) {
            problems.push(format!(
                "keyword `{word}` is matched by the parser ({origin}) but {EBNF_FILE} never \
                 uses `{}`",
                word.to_ascii_uppercase()
            ));
        }
    }

    // Option productions against their tables.
    for table in tables {
        match prods.iter().find(|p| p.name == table.production) {
            Some(p) => check_option_production(p, table, &mut problems),
            None => problems.push(format!(
                "{EBNF_FILE}: the option production `{}` (a table of src/syntax/options.rs) is missing",
                table.production
            )),
        }
    }

    problems
}

fn file_list(sources: &[(&str, &str)]) -> String {
    let names: Vec<&str> = sources.iter().map(|(f, _)| *f).collect();
    names.join(" / ")
}

// ---------------------------------------------------------------------------------------------
// EBNF tokens and productions

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// UPPER-CASE: a keyword; lower-case: a production name.
    Word(String),
    /// `'…'`
    Quoted(String),
    /// `? … ?`
    Special(String),
    /// `::=`, `|`, `[`, `]`, `{`, `}`, `(`, `)`
    Sym(&'static str),
    /// `(* … *)` (comments nest)
    Comment(String),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: usize,
    /// 0-based, in characters.
    col: usize,
}

struct Cursor<'a> {
    chars: &'a [char],
    pos: usize,
    line: usize,
    col: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn at(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(n, c)| self.chars.get(self.pos + n) == Some(&c))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 0;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn bump_str(&mut self, s: &str) {
        for _ in s.chars() {
            self.bump();
        }
    }
}

const SYMBOLS: [&str; 8] = ["::=", "|", "[", "]", "{", "}", "(", ")"];

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut c = Cursor {
        chars: &chars,
        pos: 0,
        line: 1,
        col: 0,
    };
    let mut out = Vec::new();
    while let Some(ch) = c.peek() {
        let (line, col) = (c.line, c.col);
        let tok = if ch.is_whitespace() {
            c.bump();
            continue;
        } else if c.at("(*") {
            c.bump_str("(*");
            let mut depth = 1;
            let mut body = String::new();
            loop {
                if c.at("*)") {
                    c.bump_str("*)");
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    body.push_str("*)");
                } else if c.at("(*") {
                    c.bump_str("(*");
                    depth += 1;
                    body.push_str("(*");
                } else {
                    match c.bump() {
                        Some(x) => body.push(x),
                        None => return Err(format!("line {line}: unterminated comment `(*`")),
                    }
                }
            }
            Tok::Comment(body)
        } else if ch == '\'' {
            c.bump();
            let mut body = String::new();
            loop {
                match c.bump() {
                    Some('\'') => break,
                    Some('\n') | None => {
                        return Err(format!("line {line}: unterminated quoted terminal `'`"));
                    }
                    Some(x) => body.push(x),
                }
            }
            if body.is_empty() {
                return Err(format!("line {line}: empty quoted terminal `''`"));
            }
            Tok::Quoted(body)
        } else if ch == '?' {
            c.bump();
            let mut body = String::new();
            loop {
                match c.bump() {
                    Some('?') => break,
                    None => return Err(format!("line {line}: unterminated special sequence `?`")),
                    Some(x) => body.push(x),
                }
            }
            Tok::Special(body.split_whitespace().collect::<Vec<_>>().join(" "))
        } else if let Some(sym) = SYMBOLS.into_iter().find(|s| c.at(s)) {
            c.bump_str(sym);
            Tok::Sym(sym)
        } else if ch.is_ascii_alphabetic() || ch == '_' {
            let mut word = String::new();
            while let Some(x) = c.peek().filter(|x| x.is_ascii_alphanumeric() || *x == '_') {
                word.push(x);
                c.bump();
            }
            Tok::Word(word)
        } else {
            return Err(format!(
                "line {line}, column {}: unexpected character `{ch}`",
                col + 1
            ));
        };
        out.push(Token { tok, line, col });
    }
    Ok(out)
}

fn render(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => w.clone(),
        Tok::Quoted(q) => format!("'{q}'"),
        Tok::Special(s) => format!("? {s} ?"),
        Tok::Sym(s) => s.to_string(),
        Tok::Comment(c) => format!("(*{c}*)"),
    }
}

fn render_all<'a>(toks: impl IntoIterator<Item = &'a Tok>) -> String {
    toks.into_iter().map(render).collect::<Vec<_>>().join(" ")
}

fn is_upper_word(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_uppercase())
        && w.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn is_lower_word(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_lowercase())
        && w.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[derive(Debug)]
struct Production {
    name: String,
    line: usize,
    /// Everything after `::=`, comments included (comments that start in column 1 excluded).
    body: Vec<Token>,
}

/// A production starts with `name ::=` in column 1; everything up to the next one is its body.
fn productions(tokens: &[Token], problems: &mut Vec<String>) -> Vec<Production> {
    let mut prods: Vec<Production> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if matches!(t.tok, Tok::Comment(_)) && (t.col == 0 || prods.is_empty()) {
            i += 1; // a comment of its own, between productions
            continue;
        }
        if t.col == 0 {
            let def = tokens[i + 1..]
                .iter()
                .position(|n| !matches!(n.tok, Tok::Comment(_)))
                .map(|k| i + 1 + k)
                .filter(|&k| tokens[k].tok == Tok::Sym("::="));
            match (&t.tok, def) {
                (Tok::Word(name), Some(def)) => {
                    if !is_lower_word(name) {
                        problems.push(format!(
                            "{EBNF_FILE} line {}: production name `{name}` must be lower case",
                            t.line
                        ));
                    }
                    prods.push(Production {
                        name: name.clone(),
                        line: t.line,
                        body: Vec::new(),
                    });
                    i = def + 1;
                }
                _ => {
                    problems.push(format!(
                        "{EBNF_FILE} line {}: `{}` in column 1 does not start a production \
                         (`name ::= …`); continuation lines must be indented",
                        t.line,
                        render(&t.tok)
                    ));
                    i += 1;
                }
            }
            continue;
        }
        match prods.last_mut() {
            Some(p) => p.body.push(t.clone()),
            None => problems.push(format!(
                "{EBNF_FILE} line {}: `{}` before the first production",
                t.line,
                render(&t.tok)
            )),
        }
        i += 1;
    }
    prods
}

/// Brackets, words and references of one production.
fn check_production(p: &Production, defined: &BTreeMap<&str, usize>, problems: &mut Vec<String>) {
    let code: Vec<&Token> = p
        .body
        .iter()
        .filter(|t| !matches!(t.tok, Tok::Comment(_)))
        .collect();
    if code.is_empty() {
        problems.push(format!(
            "{EBNF_FILE} line {}: production `{}` is empty",
            p.line, p.name
        ));
    }
    let mut open: Vec<(&str, usize)> = Vec::new();
    for t in code {
        match &t.tok {
            Tok::Sym("::=") => problems.push(format!(
                "{EBNF_FILE} line {}: `::=` inside production `{}`: a production starts in \
                 column 1",
                t.line, p.name
            )),
            Tok::Sym(o @ ("[" | "{" | "(")) => open.push((o, t.line)),
            Tok::Sym(close @ ("]" | "}" | ")")) => {
                let want = match *close {
                    "]" => "[",
                    "}" => "{",
                    _ => "(",
                };
                if open.pop().is_none_or(|(o, _)| o != want) {
                    problems.push(format!(
                        "{EBNF_FILE} line {}: unbalanced `{close}` in production `{}`",
                        t.line, p.name
                    ));
                }
            }
            Tok::Word(w) if is_lower_word(w) && !defined.contains_key(w.as_str()) => {
                problems.push(format!(
                    "{EBNF_FILE} line {}: production `{}` refers to `{w}`, which is not defined",
                    t.line, p.name
                ));
            }
            Tok::Word(w) if !is_lower_word(w) && !is_upper_word(w) => problems.push(format!(
                "{EBNF_FILE} line {}: `{w}` is neither an UPPER-CASE keyword nor a lower-case \
                 production name",
                t.line
            )),
            _ => {}
        }
    }
    for (o, line) in open {
        problems.push(format!(
            "{EBNF_FILE} line {line}: `{o}` in production `{}` is never closed",
            p.name
        ));
    }
}

/// The top-level alternatives of a body (comments stay with the alternative they follow).
fn alternatives(body: &[Token]) -> Vec<Vec<Token>> {
    let mut alts = vec![Vec::new()];
    let mut depth = 0i32;
    for t in body {
        match t.tok {
            Tok::Sym("[" | "{" | "(") => depth += 1,
            Tok::Sym("]" | "}" | ")") => depth -= 1,
            Tok::Sym("|") if depth == 0 => {
                alts.push(Vec::new());
                continue;
            }
            _ => {}
        }
        alts.last_mut().expect("never empty").push(t.clone());
    }
    alts
}

/// The first `«…»` in the comments of an alternative.
fn annotation(alt: &[Token]) -> Option<String> {
    let comments: String = alt
        .iter()
        .filter_map(|t| match &t.tok {
            Tok::Comment(c) => Some(c.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ");
    let start = comments.find('«')?;
    let len = comments[start..].find('»')? + '»'.len_utf8();
    Some(comments[start..start + len].to_string())
}

/// An option production lists its table's options (words, value, release range, order) and
/// ends with the `kv_option` fallback.
fn check_option_production(p: &Production, table: &OptionTable, problems: &mut Vec<String>) {
    let what = format!("{EBNF_FILE}: option production `{}`", p.name);
    let mut seen: Vec<String> = Vec::new();
    let mut generic = false;
    for alt in alternatives(&p.body) {
        let code: Vec<&Tok> = alt
            .iter()
            .map(|t| &t.tok)
            .filter(|t| !matches!(t, Tok::Comment(_)))
            .collect();
        let line = alt.first().map_or(p.line, |t| t.line);
        let found = annotation(&alt).unwrap_or_else(|| "no «…» annotation".to_string());
        if code == [&Tok::Word("kv_option".to_string())] {
            generic = true;
            if found != table.generic_range {
                problems.push(format!(
                    "{EBNF_FILE} line {line}: the `kv_option` alternative of `{}` is annotated \
                     {found}; src/syntax/options.rs (OptStmt::generic_until) says {}",
                    p.name, table.generic_range
                ));
            }
            continue;
        }
        let words = code
            .iter()
            .take_while(|t| matches!(t, Tok::Word(w) if is_upper_word(w)))
            .count();
        if words == 0 {
            problems.push(format!(
                "{EBNF_FILE} line {line}: alternative `{}` of `{}` neither starts with the \
                 option's words nor is `kv_option`",
                render_all(code.iter().copied()),
                p.name
            ));
            continue;
        }
        let name = render_all(code[..words].iter().copied()).to_ascii_lowercase();
        let value = render_all(code[words..].iter().copied());
        match table.rows.iter().find(|r| r.name == name) {
            None => problems.push(format!(
                "{EBNF_FILE} line {line}: `{}` lists the option `{name}`, which its table in \
                 src/syntax/options.rs lacks",
                p.name
            )),
            Some(row) => {
                if value != row.value {
                    problems.push(format!(
                        "{EBNF_FILE} line {line}: option `{name}` of `{}` is followed by \
                         `{value}`; its value shape in src/syntax/options.rs is written `{}`",
                        p.name, row.value
                    ));
                }
                if found != row.range {
                    problems.push(format!(
                        "{EBNF_FILE} line {line}: option `{name}` of `{}` is annotated {found}; \
                         src/syntax/options.rs says {}",
                        p.name, row.range
                    ));
                }
            }
        }
        if seen.contains(&name) {
            problems.push(format!(
                "{EBNF_FILE} line {line}: `{}` lists the option `{name}` twice",
                p.name
            ));
        }
        seen.push(name);
    }
    if !generic {
        problems.push(format!(
            "{what} lacks the `| kv_option` alternative (any other word is parsed as a generic \
             option; annotate it {})",
            table.generic_range
        ));
    }
    for row in &table.rows {
        if !seen.contains(&row.name) {
            let spelled = format!("{} {}", row.name.to_ascii_uppercase(), row.value);
            problems.push(format!(
                "{what} lacks the option `{}` of src/syntax/options.rs (`| {}  (* {} *)`)",
                row.name,
                spelled.trim_end(),
                row.range
            ));
        }
    }
    let listed: Vec<&str> = seen
        .iter()
        .map(String::as_str)
        .filter(|n| table.rows.iter().any(|r| r.name == *n))
        .collect();
    let expected: Vec<&str> = table
        .rows
        .iter()
        .map(|r| r.name.as_str())
        .filter(|n| listed.contains(n))
        .collect();
    if listed != expected {
        problems.push(format!(
            "{what} does not list its options in the order of src/syntax/options.rs (the print order): \
             expected {}",
            expected.join(", ")
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Rust sources: functions with their doc comments, and keyword literals

#[derive(Debug)]
struct ParserFn {
    name: String,
    file: String,
    line: usize,
    /// The first backquoted text of its doc comment that contains `::=`.
    production: Option<String>,
}

fn parser_fns(file: &str, text: &str) -> Vec<ParserFn> {
    let mut out = Vec::new();
    let mut doc: Vec<&str> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if let Some(d) = t.strip_prefix("///") {
            doc.push(d);
            continue;
        }
        if t.starts_with("#[") {
            continue;
        }
        if let Some(name) = fn_name(t) {
            let doc = doc.join("\n");
            let production = doc
                .split('`')
                .skip(1)
                .step_by(2)
                .find(|quoted| quoted.contains("::="))
                .map(str::to_string);
            out.push(ParserFn {
                name,
                file: file.to_string(),
                line: n + 1,
                production,
            });
        }
        doc.clear();
    }
    out
}

fn fn_name(line: &str) -> Option<String> {
    const QUALIFIERS: [&str; 6] = [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ];
    let mut rest = line;
    while let Some(r) = QUALIFIERS.iter().find_map(|q| rest.strip_prefix(q)) {
        rest = r;
    }
    let rest = rest.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// A Rust source cut into code (comments removed) and string literals.
#[derive(Debug)]
enum Seg {
    Code(String),
    Str(String),
}

fn rust_segments(text: &str) -> Vec<Seg> {
    let chars: Vec<char> = text.chars().collect();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut segs = Vec::new();
    let mut code = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        // Comments (doc comments included) are dropped.
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            code.push(' ');
            continue;
        }
        // Raw strings: r"…", r#"…"#.
        if c == 'r' && (i == 0 || !ident(chars[i - 1])) {
            let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
            if chars.get(i + 1 + hashes) == Some(&'"') {
                let close: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let start = i + 2 + hashes;
                let rest: String = chars[start..].iter().collect();
                let len = rest.find(&close).unwrap_or(rest.len());
                segs.push(Seg::Code(std::mem::take(&mut code)));
                segs.push(Seg::Str(rest[..len].to_string()));
                i = start + rest[..len].chars().count() + close.chars().count();
                continue;
            }
        }
        if c == '"' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if let Some(&x) = chars.get(i) {
                    s.push(x);
                }
                i += 1;
            }
            i += 1;
            segs.push(Seg::Code(std::mem::take(&mut code)));
            segs.push(Seg::Str(s));
            continue;
        }
        // Character literals ('x', '\'', '\u{..}'); a lone quote is a lifetime.
        if c == '\'' {
            if next == Some('\\') {
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                code.push(' ');
                continue;
            }
            if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                code.push(' ');
                continue;
            }
        }
        code.push(c);
        i += 1;
    }
    segs.push(Seg::Code(code));
    segs
}

/// Whether `before` ends with a call `f(` of exactly that function name.
fn ends_with_call(before: &str, f: &str) -> bool {
    before
        .strip_suffix('(')
        .map(str::trim_end)
        .and_then(|b| b.strip_suffix(f))
        .is_some_and(|b| !b.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
}

/// The keywords a parser source matches: arguments of `kw("…")` and `is_keyword("…")`, and
/// lower-case words compared with `==`, used as `match` patterns or listed in `&["…", …]`.
fn keyword_literals(file: &str, text: &str, problems: &mut Vec<String>) -> BTreeSet<String> {
    let segs = rust_segments(text);
    let mut words = BTreeSet::new();
    // For each open `[`: whether it opened a `&[…]` array.
    let mut brackets: Vec<bool> = Vec::new();
    for (n, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Code(code) => {
                let mut last = ' ';
                for c in code.chars() {
                    match c {
                        '[' => brackets.push(last == '&'),
                        ']' => {
                            brackets.pop();
                        }
                        _ => {}
                    }
                    if !c.is_whitespace() {
                        last = c;
                    }
                }
            }
            Seg::Str(s) => {
                let before = match n.checked_sub(1).map(|k| &segs[k]) {
                    Some(Seg::Code(c)) => c.trim_end(),
                    _ => "",
                };
                let after = match segs.get(n + 1) {
                    Some(Seg::Code(c)) => c.trim_start(),
                    _ => "",
                };
                if ends_with_call(before, "kw") || ends_with_call(before, "is_keyword") {
                    if is_lower_word(s) {
                        words.insert(s.clone());
                    } else {
                        problems.push(format!(
                            "{file}: keyword literal \"{s}\" is not a lower-case word"
                        ));
                    }
                    continue;
                }
                let compared = before.ends_with("==") || after.starts_with("==");
                let pattern =
                    after.starts_with("=>") || (after.starts_with('|') && !after.starts_with("||"));
                let listed = brackets.last() == Some(&true);
                if (compared || pattern || listed) && is_lower_word(s) {
                    words.insert(s.clone());
                }
            }
        }
    }
    words
}

// ---------------------------------------------------------------------------------------------
// The check can fail: broken copies are reported

/// A small grammar that is in sync with `MINI_RS` and `mini_tables()`.
const MINI_EBNF: &str = "\
(* a comment of its own; words in comments such as UNUSED are ignored *)
stmt ::= FOO word [ WITH opt ]   (* BAR is only mentioned here *)
       | FOO '(' word ')'
word ::= ? identifier ?
opt ::= COLOUR '=' word          (* «v20.1–» *)
      | DARK MODE                (* «v23.2–v25.1» *)
      | kv_option                (* «none» *)
kv_option ::= word
";

const MINI_RS: &str = r#"
/// `stmt ::= FOO word [ WITH opt ]
///        | FOO '(' word ')'`
pub fn stmt(i: Tokens) -> R {
    // kw("commented_out") is not a keyword
    let (i, _) = kw("foo")(i)?;
    if t.value == "with" { opt(i) } else { word(i) }
}

/// `kv_option ::= word`
fn kv_option(i: Tokens) -> R { word(i) }

/// Not a production.
fn helper() { let _ = "not a keyword"; }
"#;

const MINI_INPUT_RS: &str = r#"
/// `IDENT`
pub fn word(i: Tokens) -> R { todo!() }
"#;

fn mini_tables() -> Vec<OptionTable> {
    let row = |name: &str, value: &str, range: &str| OptionRow {
        name: name.into(),
        value: value.into(),
        range: range.into(),
    };
    vec![OptionTable {
        production: "opt".into(),
        rows: vec![
            row("colour", "'=' word", "«v20.1–»"),
            row("dark mode", "", "«v23.2–v25.1»"),
        ],
        generic_range: "«none»".into(),
    }]
}

fn check_mini(ebnf: &str, rs: &str) -> Vec<String> {
    check_sync(
        ebnf,
        &[("mini.rs", rs), ("input.rs", MINI_INPUT_RS)],
        &mini_tables(),
        &["word"],
    )
}

/// Asserts that `problems` has an entry containing all of `needles`.
#[track_caller]
fn assert_reported(problems: &[String], needles: &[&str]) {
    assert!(
        problems
            .iter()
            .any(|p| needles.iter().all(|needle| p.contains(needle))),
        "expected a difference mentioning {needles:?}, got:\n{}",
        report(problems)
    );
}

/// `text` with `from` replaced by `to` (which must occur, so the test cannot go stale).
#[track_caller]
fn edited(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "`{from}` not found in the text to break"
    );
    text.replacen(from, to, 1)
}

#[test]
fn mini_grammar_is_in_sync() {
    let problems = check_mini(MINI_EBNF, MINI_RS);
    assert!(problems.is_empty(), "{}", report(&problems));
}

#[test]
fn renamed_production_in_the_real_grammar_is_reported() {
    let ebnf = read(EBNF_FILE);
    let broken = edited(&ebnf, "\nas_of_clause ::=", "\nas_of_clauses ::=");
    let texts: Vec<(&str, String)> = PARSER_FILES.iter().map(|f| (*f, read(f))).collect();
    let sources: Vec<(&str, &str)> = texts.iter().map(|(f, t)| (*f, t.as_str())).collect();
    let problems = check_sync(&broken, &sources, &option_tables(), LEXICAL_TERMINALS);
    assert_reported(
        &problems,
        &["production `as_of_clauses` has no parser function"],
    );
    assert_reported(
        &problems,
        &["`fn as_of_clause` quotes the production", "lacks"],
    );
    assert_reported(
        &problems,
        &["refers to `as_of_clause`, which is not defined"],
    );
}

#[test]
fn renamed_production_is_reported() {
    let broken = edited(MINI_EBNF, "\nkv_option ::=", "\nkvs ::=");
    let problems = check_mini(&broken, MINI_RS);
    assert_reported(&problems, &["production `kvs` has no parser function"]);
    assert_reported(
        &problems,
        &[
            "`fn kv_option` quotes the production `kv_option ::= …`",
            "lacks",
        ],
    );
    assert_reported(
        &problems,
        &["production `opt` refers to `kv_option`, which is not defined"],
    );
}

#[test]
fn keyword_differences_are_reported() {
    // A keyword the parser never matches.
    let problems = check_mini(&edited(MINI_EBNF, "FOO '('", "BAZ '('"), MINI_RS);
    assert_reported(&problems, &["keyword `BAZ` is never matched by the parser"]);
    // A keyword the parser matches that the EBNF lacks (`with`, from `t.value == "with"`).
    let problems = check_mini(&edited(MINI_EBNF, "[ WITH opt ]", "[ opt ]"), MINI_RS);
    assert_reported(
        &problems,
        &[
            "keyword `with` is matched by the parser",
            "never uses `WITH`",
        ],
    );
    // Comments are ignored: a keyword that appears only in comments counts as missing.
    let problems = check_mini(&edited(MINI_EBNF, "FOO '('", "(* FOO *) '('"), MINI_RS);
    assert!(problems.is_empty(), "{}", report(&problems));
    let problems = check_mini(&MINI_EBNF.replace("FOO", "(* FOO *)"), MINI_RS);
    assert_reported(&problems, &["keyword `foo` is matched by the parser"]);
}

#[test]
fn doc_comment_naming_another_production_is_reported() {
    let rs = edited(MINI_RS, "/// `kv_option ::= word`", "/// `kv_opt ::= word`");
    let problems = check_mini(MINI_EBNF, &rs);
    assert_reported(
        &problems,
        &[
            "`fn kv_option` quotes a production of `kv_opt`",
            "`kv_option ::=`",
        ],
    );
    // The function still implements the production of its name: nothing else is reported.
    assert_eq!(problems.len(), 1, "{}", report(&problems));
}

#[test]
fn function_missing_from_the_grammar_is_reported() {
    let rs = format!("{MINI_RS}\n/// `extra ::= FOO`\nfn extra() {{}}\n");
    let problems = check_mini(MINI_EBNF, &rs);
    assert_reported(
        &problems,
        &["`fn extra` quotes the production `extra ::= …`", "lacks"],
    );
}

#[test]
fn option_table_differences_are_reported() {
    let problems = check_mini(&edited(MINI_EBNF, "«v23.2–v25.1»", "«v23.2–»"), MINI_RS);
    assert_reported(
        &problems,
        &[
            "option `dark mode` of `opt` is annotated «v23.2–»",
            "«v23.2–v25.1»",
        ],
    );
    let problems = check_mini(&edited(MINI_EBNF, "COLOUR '=' word", "COLOUR"), MINI_RS);
    assert_reported(
        &problems,
        &["option `colour` of `opt` is followed by ``", "`'=' word`"],
    );
    let problems = check_mini(&edited(MINI_EBNF, "DARK MODE", "DARK THEME"), MINI_RS);
    assert_reported(
        &problems,
        &["lists the option `dark theme`, which its table"],
    );
    assert_reported(&problems, &["lacks the option `dark mode`"]);
    let problems = check_mini(&edited(MINI_EBNF, "(* «none» *)", ""), MINI_RS);
    assert_reported(
        &problems,
        &["`kv_option` alternative of `opt`", "no «…» annotation"],
    );
    let reordered = edited(
        MINI_EBNF,
        "opt ::= COLOUR '=' word          (* «v20.1–» *)\n      | DARK MODE                (* «v23.2–v25.1» *)",
        "opt ::= DARK MODE (* «v23.2–v25.1» *)\n      | COLOUR '=' word (* «v20.1–» *)",
    );
    let problems = check_mini(&reordered, MINI_RS);
    assert_reported(
        &problems,
        &["not list its options in the order", "colour, dark mode"],
    );
}

#[test]
fn malformed_ebnf_is_reported() {
    let problems = check_mini(&edited(MINI_EBNF, "       | FOO '('", "| FOO '('"), MINI_RS);
    assert_reported(&problems, &["in column 1 does not start a production"]);
    let problems = check_mini(&edited(MINI_EBNF, "[ WITH opt ]", "[ WITH opt"), MINI_RS);
    assert_reported(&problems, &["`[` in production `stmt` is never closed"]);
    let problems = check_mini(&format!("{MINI_EBNF}kv_option ::= word\n"), MINI_RS);
    assert_reported(&problems, &["production `kv_option` is defined twice"]);
    let problems = check_mini(&edited(MINI_EBNF, "COLOUR '='", "Colour '='"), MINI_RS);
    assert_reported(&problems, &["`Colour` is neither an UPPER-CASE keyword"]);
    let problems = check_mini(&format!("{MINI_EBNF}(* open"), MINI_RS);
    assert_reported(&problems, &["unterminated comment"]);
}

#[test]
fn terminal_allow_list_is_checked() {
    // A terminal of the allow-list must be documented in the EBNF …
    let problems = check_mini(&edited(MINI_EBNF, "word ::= ? identifier ?\n", ""), MINI_RS);
    assert_reported(&problems, &["the terminal `word`", "is not documented"]);
    // … and must exist as a function.
    let input = edited(MINI_INPUT_RS, "pub fn word(", "pub fn ident(");
    let problems = check_sync(
        MINI_EBNF,
        &[("mini.rs", MINI_RS), ("input.rs", &input)],
        &mini_tables(),
        &["word"],
    );
    assert_reported(&problems, &["terminal `word` has no `fn word`"]);
    // An entry whose function now quotes its production is reported as unnecessary.
    let input = edited(MINI_INPUT_RS, "/// `IDENT`", "/// `word ::= IDENT`");
    let problems = check_sync(
        MINI_EBNF,
        &[("mini.rs", MINI_RS), ("input.rs", &input)],
        &mini_tables(),
        &["word"],
    );
    assert_reported(&problems, &["remove `word` from LEXICAL_TERMINALS"]);
}
