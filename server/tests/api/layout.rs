//! Rules of the code's layout that tests enforce (ARCHITECTURE.md, "Invariants"): SQL and the
//! pool only in `app/src/server/`; no user-facing English outside `i18n` in the apps; the code
//! map names every module, and only paths that exist; the server's modules in circles are
//! exactly the known ones.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// Every `.rs` file under `dir`, as a path relative to the workspace.
fn rust_files(dir: &str) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir)
            .expect("a source directory")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = root();
    let mut files = Vec::new();
    walk(&root.join(dir), &mut files);
    let mut files: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    files.sort();
    files
}

fn read(file: &str) -> String {
    std::fs::read_to_string(root().join(file)).expect("a source file")
}

const SOURCES: [&str; 6] = [
    "app/src",
    "server/src",
    "frontend-client/src",
    "frontend-operator/src",
    "frontend-admin/src",
    "xtask/src",
];

#[test]
fn sql_and_the_pool_live_only_in_the_server_modules() {
    let sql = [
        "\"SELECT ",
        "\"INSERT ",
        "\"UPDATE ",
        "\"DELETE ",
        "\"CREATE ",
    ];
    let mut found = Vec::new();
    for file in SOURCES.iter().flat_map(|dir| rust_files(dir)) {
        if file.starts_with("app/src/server/") {
            continue;
        }
        for (n, line) in read(&file).lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            let query = (code.contains("sqlx::") && !code.contains("derive(sqlx::FromRow)"))
                || code.contains(".pool")
                || sql.iter().any(|s| code.contains(s));
            if query {
                found.push(format!("{file}:{}: {code}", n + 1));
            }
        }
    }
    assert!(found.is_empty(), "SQL outside app/src/server/: {found:#?}");
}

/// The string literals of a line that stand as text in a view (`<p>"…"</p>`): right after a
/// tag's `>` or right before a tag's `<`.
fn text_nodes(line: &str) -> Vec<&str> {
    let mut nodes = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < bytes.len() && bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        if end >= bytes.len() {
            break;
        }
        let before = line[..i].trim_end().chars().last();
        let after = line[end + 1..].trim_start().chars().next();
        if before == Some('>') || after == Some('<') {
            nodes.push(&line[start..end]);
        }
        i = end + 1;
    }
    nodes
}

#[test]
fn the_apps_say_nothing_in_english_outside_i18n() {
    let dirs = [
        "app/src/ui",
        "frontend-client/src",
        "frontend-operator/src",
        "frontend-admin/src",
    ];
    let mut found = Vec::new();
    for file in dirs.iter().flat_map(|dir| rust_files(dir)) {
        for (n, line) in read(&file).lines().enumerate() {
            for text in text_nodes(line) {
                let words = text
                    .split(|c: char| !c.is_alphabetic())
                    .any(|w| w.chars().count() >= 2);
                if words {
                    found.push(format!("{file}:{}: {text:?}", n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "words written into a view instead of coming from i18n: {found:#?}"
    );
    // The scanner finds what it should.
    assert_eq!(
        text_nodes(r#"<p>"Hello"</p> " · " <b class="a">"x"</b>"#),
        ["Hello", " · ", "x"]
    );
}

#[test]
fn the_code_map_names_every_module_and_only_paths_that_exist() {
    let architecture = read("ARCHITECTURE.md");
    let map = architecture
        .split("## Code map")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("ARCHITECTURE.md has a code map");
    // Each row: the paths it is about (first column), and what it says.
    let rows: Vec<(Vec<&str>, &str)> = map
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|row| {
            let first = row.split(" | ").next().unwrap_or("");
            let paths = first.split('`').skip(1).step_by(2).collect();
            (paths, row)
        })
        .collect();
    let root = root();
    let missing: Vec<&str> = rows
        .iter()
        .flat_map(|(paths, _)| paths.iter().copied())
        .filter(|p| !root.join(p).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "the code map names paths that do not exist: {missing:?}"
    );
    let mut unmapped = Vec::new();
    for file in SOURCES.iter().flat_map(|dir| rust_files(dir)) {
        let name = Path::new(&file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        let dir = Path::new(&file).parent().unwrap().display().to_string();
        let module = format!("`{name}`");
        let named = |(paths, row): &(Vec<&str>, &str)| {
            paths.iter().any(|p| *p == file)
                || (paths
                    .iter()
                    .any(|p| dir.starts_with(p.trim_end_matches('/')))
                    && (row.contains(&module)
                        || row.contains(&format!("`{name}.rs`"))
                        || ["mod", "lib", "main"].contains(&name)))
        };
        if !rows.iter().any(named) {
            unmapped.push(file);
        }
    }
    assert!(
        unmapped.is_empty(),
        "modules the code map does not name: {unmapped:#?}"
    );
}

/// The modules of `app/src/server` each one uses — `crate::server::m`, and `super::m` from a
/// file directly in it or `super::super::m` from one a folder down —, outside comments and
/// tests. A module is a file directly in it or a folder (its files counted as one).
fn server_modules() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let base = "app/src/server/";
    let mut uses = std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    for file in rust_files(base) {
        let inner = &file[base.len()..];
        let module = inner
            .split('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".rs");
        if module == "mod" {
            continue;
        }
        let code: String = read(&file)
            .split("#[cfg(test)]")
            .next()
            .unwrap_or("")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut prefixes = vec!["crate::server::"];
        match inner.matches('/').count() {
            0 => prefixes.push("super::"),
            1 => prefixes.push("super::super::"),
            _ => {}
        }
        let used = uses.entry(module.to_string()).or_default();
        for prefix in prefixes {
            for (at, _) in code.match_indices(prefix) {
                let before = code[..at].chars().next_back().unwrap_or(' ');
                if before == ':' || before.is_alphanumeric() || before == '_' {
                    continue;
                }
                let rest = &code[at + prefix.len()..];
                // `super::{a, b::{c, d}}`: the first name of each item at the group's top level.
                let items: Vec<&str> = match rest.strip_prefix('{') {
                    Some(group) => {
                        let (mut depth, mut start, mut items) = (0, 0, Vec::new());
                        for (i, c) in group.char_indices() {
                            match c {
                                '{' => depth += 1,
                                '}' if depth == 0 => {
                                    items.push(&group[start..i]);
                                    break;
                                }
                                '}' => depth -= 1,
                                ',' if depth == 0 => {
                                    items.push(&group[start..i]);
                                    start = i + 1;
                                }
                                _ => {}
                            }
                        }
                        items
                    }
                    None => vec![rest],
                };
                for item in items {
                    let name: String = item
                        .trim_start()
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != module {
                        used.insert(name);
                    }
                }
            }
        }
    }
    let modules: std::collections::BTreeSet<String> = uses.keys().cloned().collect();
    for used in uses.values_mut() {
        used.retain(|m| modules.contains(m));
    }
    uses
}

/// The groups of modules that use one another round (more than one module each), each sorted.
fn circles(
    uses: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Vec<Vec<String>> {
    // Two modules are in one circle when each reaches the other.
    let reaches = |from: &str| {
        let mut seen = std::collections::BTreeSet::new();
        let mut next = vec![from.to_string()];
        while let Some(m) = next.pop() {
            for used in &uses[&m] {
                if seen.insert(used.clone()) {
                    next.push(used.clone());
                }
            }
        }
        seen
    };
    let reach: std::collections::BTreeMap<&String, _> =
        uses.keys().map(|m| (m, reaches(m))).collect();
    let mut circles: Vec<Vec<String>> = Vec::new();
    for module in uses.keys() {
        if circles.iter().any(|c| c.contains(module)) {
            continue;
        }
        let circle: Vec<String> = uses
            .keys()
            .filter(|other| {
                *other == module
                    || (reach[module].contains(*other) && reach[other].contains(module))
            })
            .cloned()
            .collect();
        if circle.len() > 1 {
            circles.push(circle);
        }
    }
    circles
}

/// Issue 9: no module of the server uses one that uses it, however far round (found grown back
/// at stop 37 — `auth` ↔ `two_factor` and fifteen modules through `history` → `mail` — and
/// taken apart at stop 38).
#[test]
fn the_servers_modules_make_no_circle() {
    let uses = server_modules();
    assert!(
        uses["history"].contains("mail"),
        "the scan reads `use super::…`"
    );
    assert!(
        uses["tickets"].contains("chat"),
        "the scan reads a folder's files as its module"
    );
    assert_eq!(
        circles(&uses),
        Vec::<Vec<String>>::new(),
        "the modules each uses: {uses:#?}"
    );
}

/// `circles` finds every group of modules that reach one another, and only those.
#[test]
fn circles_are_found_however_far_round() {
    let uses: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a", "d"]),
        ("d", vec![]),
        ("e", vec!["a", "f"]),
        ("f", vec!["e"]),
    ]
    .into_iter()
    .map(|(m, used)| (m.to_string(), used.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(circles(&uses), vec![vec!["a", "b", "c"], vec!["e", "f"]]);
}

/// Issue 9: every write a request makes goes through the one writer (`Db::write`), so on SQLite
/// it queues for the next group commit instead of sleeping in the busy handler. A scan of
/// `app/src/server`: `begin_write` only in the batch writers that are no request, and no
/// `INSERT`, `UPDATE` or `DELETE` run on the pool but in the two writers that are no request
/// either.
#[test]
fn writes_go_through_the_one_writer() {
    // The moves' roll-up and `salter import` batch their own transactions (and `db` is where
    // the writer itself begins them).
    let batches = [
        "app/src/server/db.rs",
        "app/src/server/moves.rs",
        "app/src/server/moving/import.rs",
    ];
    // The first admin, made at start, and the sweep of unclaimed uploads write alone.
    let alone = [
        "app/src/server/accounts.rs",
        "app/src/server/attachments/store.rs",
    ];
    let runs = [
        ".execute(",
        ".fetch_one(",
        ".fetch_optional(",
        ".fetch_all(",
    ];
    let mut wrong = Vec::new();
    for file in rust_files("app/src/server") {
        let text = read(&file);
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        if code.contains("begin_write()") && !batches.contains(&file.as_str()) {
            wrong.push(format!("{file}: begin_write"));
        }
        for (at, _) in code.match_indices("sqlx::query") {
            // Up to the next statement.
            let rest = &code[at..];
            let rest = &rest[..rest[1..].find("sqlx::query").map_or(rest.len(), |n| n + 1)];
            // The statement written in the call (not a constant's or a variable's): its first
            // word.
            let (Some(quote), Some(close)) = (rest.find('"'), rest.find(')')) else {
                continue;
            };
            let verb = rest[quote + 1..].split_whitespace().next();
            if quote > close || !matches!(verb, Some("INSERT" | "UPDATE" | "DELETE")) {
                continue;
            }
            // What runs it: the first call that does.
            let Some(run) = runs.iter().filter_map(|r| rest.find(r)).min() else {
                continue;
            };
            let on = rest[run..].split(')').next().unwrap_or("");
            if on.contains("pool") && !alone.contains(&file.as_str()) {
                let line = code[..at].matches('\n').count() + 1;
                wrong.push(format!("{file}:{line}: {verb:?} on the pool"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "writes outside the one writer: {wrong:#?}"
    );
}
