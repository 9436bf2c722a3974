//! No import circles between the files of `src/`: data flows one way
//! (file -> model -> engine -> findings -> reports and views), and a file
//! that reaches back up to one that uses it makes the layers a knot.
//!
//! Each file is a module (`src/a/b.rs` and `src/a/b/mod.rs` are `a::b`).
//! A file depends on another when it names a path into it: `use
//! crate::...`, `use super::...`, `self::`, a child module declared with
//! `mod x;`, a module it imported by name (`use crate::model; model::x`),
//! in `use` trees with braces, in code and inside macro calls. The source
//! is tokenised by `proc-macro2` (the tokeniser of every Rust proc macro),
//! so comments, strings and lifetimes never read as paths. A parent
//! declaring a child (`mod x;`) is not a dependency; using the child is.
//! A child reaching up into its own parent module (`use super::Raw` in
//! `findings/base.rs`) is not counted either: the parent is the child's
//! namespace, the facade it is declared in, and Rust's own idiom is that a
//! `mod.rs` both uses its children and lends them shared helpers. Between
//! any other two files, in either direction, a circle fails.
//! The binary's `main.rs` is a crate of its own and is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::util;

#[test]
fn no_import_circles_between_source_files() {
    let files = source_files(&util::root().join("src"));
    assert!(
        files.len() > 20,
        "read only {} files from src/: is the walk broken?",
        files.len()
    );
    let graph = dependencies(&files);
    let circles = circles(&graph);
    let knots: Vec<String> = strongly_connected(&graph)
        .into_iter()
        .filter(|c| c.len() > 2)
        .map(|c| c.into_iter().collect::<Vec<_>>().join(", "))
        .collect();
    assert!(
        circles.is_empty(),
        "import circles between source files (move the shared piece down a layer):\n{}{}",
        circles
            .iter()
            .map(|c| format!("  {}\n", c.join(" -> ")))
            .collect::<String>(),
        knots
            .iter()
            .map(|k| format!("  one knot holds all of: {k}\n"))
            .collect::<String>()
    );
}

/// The checker itself finds what it is there to find: a sibling circle
/// through `super::`, one through a braced `use crate::{...}`, one through
/// a path inside a macro call, and one through a module imported by name;
/// and it does not see one in comments, strings or a test module's
/// `use super::*`.
#[test]
fn the_circle_checker_finds_circles_and_nothing_else() {
    let files = |list: &[(&str, &str)]| -> BTreeMap<String, String> {
        list.iter()
            .map(|(p, s)| (p.to_string(), s.to_string()))
            .collect()
    };
    let siblings = files(&[
        ("lib.rs", "pub mod engine;"),
        ("engine/mod.rs", "pub mod graph; pub mod ids;"),
        ("engine/graph.rs", "use super::ids::Names;"),
        (
            "engine/ids.rs",
            "use super::graph::NodeId; #[cfg(test)] mod tests { use super::*; }",
        ),
    ]);
    assert_eq!(
        circles(&dependencies(&siblings)),
        vec![vec![
            "engine/graph.rs".to_string(),
            "engine/ids.rs".to_string(),
            "engine/graph.rs".to_string()
        ]]
    );

    let layers = files(&[
        (
            "lib.rs",
            "pub mod cli; pub mod tui; pub mod report; pub mod findings;",
        ),
        ("cli.rs", "use crate::{diagnostic, tui::{self, App}};"),
        ("tui/mod.rs", "fn f() -> u8 { crate::cli::EXIT_INVALID }"),
        ("report/mod.rs", "pub mod json;"),
        ("report/json.rs", "use crate::findings::Finding;"),
        (
            "findings/mod.rs",
            "fn f() { let _ = matches!(x, crate::report::json::Sorted(_)); }",
        ),
    ]);
    let found = circles(&dependencies(&layers));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.contains(&vec![
        "cli.rs".to_string(),
        "tui/mod.rs".to_string(),
        "cli.rs".to_string()
    ]));
    assert!(found.contains(&vec![
        "findings/mod.rs".to_string(),
        "report/json.rs".to_string(),
        "findings/mod.rs".to_string()
    ]));

    let by_name = files(&[
        ("lib.rs", "pub mod model; pub mod engine;"),
        ("model/mod.rs", "pub mod load;"),
        (
            "model/load.rs",
            "use crate::engine; fn f() { engine::go() }",
        ),
        (
            "engine.rs",
            "use crate::model; fn go() { model::load::read() }",
        ),
    ]);
    assert_eq!(circles(&dependencies(&by_name)).len(), 1);

    let quiet = files(&[
        ("lib.rs", "pub mod a; pub mod b;"),
        (
            "a/mod.rs",
            "pub mod c; use crate::b::X; use c::Z; // crate::b and crate::a\n",
        ),
        ("a/c.rs", "use super::Shared;"),
        (
            "b.rs",
            "/// see [`crate::a::Y`]\nfn f<'a>(x: &'a str) -> &'a str { \"crate::a::Y\"; x }",
        ),
    ]);
    assert_eq!(circles(&dependencies(&quiet)), Vec::<Vec<String>>::new());
}

/// Every `.rs` file under `src`, by path relative to it (`/`-separated),
/// with its text; the binary's `main.rs` is a crate of its own.
fn source_files(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src).unwrap();
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                if rel != "main.rs" && !rel.starts_with("bin/") {
                    out.insert(rel, std::fs::read_to_string(&path).unwrap());
                }
            }
        }
    }
    out
}

/// The module path of a file: `engine/mod.rs` and `engine.rs` are
/// `["engine"]`, `lib.rs` is the root `[]`.
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// For each file, the files it names paths into (never itself).
fn dependencies(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeMap<Vec<String>, String> =
        files.keys().map(|f| (module_of(f), f.clone())).collect();
    files
        .iter()
        .map(|(file, text)| {
            let tokens = TokenStream::from_str(text)
                .unwrap_or_else(|e| panic!("src/{file} does not tokenise: {e:?}"));
            let mut reader = Reader {
                modules: &modules,
                aliases: BTreeMap::new(),
                paths: Vec::new(),
            };
            // Module names brought in by `use` are known before the code
            // that uses them: read the file twice, keep the second pass.
            let here = module_of(file);
            reader.read(tokens.clone(), &here);
            reader.paths.clear();
            reader.read(tokens, &here);
            let uses = reader
                .paths
                .iter()
                .filter_map(|p| file_of(&modules, p))
                .filter(|f| f != file && !is_ancestor(&module_of(f), &module_of(file)))
                .collect();
            (file.clone(), uses)
        })
        .collect()
}

/// Is module `a` a strict ancestor of module `b` (`findings` of
/// `findings::base`)?
fn is_ancestor(a: &[String], b: &[String]) -> bool {
    a.len() < b.len() && b.starts_with(a)
}

/// The file that holds the item an absolute path names: the longest
/// prefix of it that is a file's module.
fn file_of(modules: &BTreeMap<Vec<String>, String>, path: &[String]) -> Option<String> {
    (0..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n]).cloned())
}

/// Reads one file's tokens, collecting every crate path it names as an
/// absolute module path.
struct Reader<'a> {
    modules: &'a BTreeMap<Vec<String>, String>,
    /// Names that stand for a crate module in this file: child modules
    /// and modules imported by name.
    aliases: BTreeMap<String, Vec<String>>,
    paths: Vec<Vec<String>>,
}

impl Reader<'_> {
    /// Read a token stream inside module `scope` (the file's own module,
    /// or an inline `mod x { ... }` within it).
    fn read(&mut self, tokens: TokenStream, scope: &[String]) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Ident(id) if id == "mod" => {
                    let Some(TokenTree::Ident(name)) = tokens.get(i + 1) else {
                        i += 1;
                        continue;
                    };
                    let name = ident(name);
                    let mut child = scope.to_vec();
                    child.push(name.clone());
                    match tokens.get(i + 2) {
                        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                            self.read(g.stream(), &child);
                            i += 3;
                        }
                        _ => {
                            if self.modules.contains_key(&child) {
                                self.aliases.insert(name, child);
                            }
                            i += 2;
                        }
                    }
                }
                TokenTree::Ident(id) if id == "use" => {
                    i = self.read_use(&tokens, i + 1, scope);
                }
                TokenTree::Ident(_) if !preceded_by_path_sep(&tokens, i) => {
                    let (segments, next) = path_at(&tokens, i);
                    if segments.len() > 1 {
                        self.paths.extend(self.resolve(&segments, scope));
                    }
                    i = next.max(i + 1);
                }
                TokenTree::Group(g) => {
                    self.read(g.stream(), scope);
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }

    /// Read a `use` item from `start` (just after `use`) to its `;`;
    /// returns where to go on.
    fn read_use(&mut self, tokens: &[TokenTree], start: usize, scope: &[String]) -> usize {
        let end = (start..tokens.len())
            .find(|&j| matches!(&tokens[j], TokenTree::Punct(p) if p.as_char() == ';'))
            .unwrap_or(tokens.len());
        self.use_tree(&tokens[start..end], &[], scope);
        end + 1
    }

    /// One use tree (`a::b::{c, d::e as f, self}`) under `prefix`.
    fn use_tree(&mut self, tokens: &[TokenTree], prefix: &[String], scope: &[String]) {
        // Split at top-level commas (inside braces the group is separate).
        for part in tokens.split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ',')) {
            let mut segments = prefix.to_vec();
            let mut j = 0;
            let mut group = None;
            while j < part.len() {
                match &part[j] {
                    TokenTree::Ident(id) if id == "as" => break,
                    TokenTree::Ident(id) => segments.push(ident(id)),
                    TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                        group = Some(g.stream());
                    }
                    _ => {}
                }
                j += 1;
            }
            let alias = match part.get(j + 1) {
                Some(TokenTree::Ident(a)) if j < part.len() => Some(ident(a)),
                _ => None,
            };
            if let Some(group) = group {
                let inner: Vec<TokenTree> = group.into_iter().collect();
                self.use_tree(&inner, &segments, scope);
                continue;
            }
            let named_self = segments.last().is_some_and(|s| s == "self");
            if named_self {
                segments.pop();
            }
            if segments.is_empty() {
                continue;
            }
            let Some(path) = self.resolve(&segments, scope) else {
                continue;
            };
            if self.modules.contains_key(&path) {
                let name = alias.unwrap_or_else(|| segments.last().unwrap().clone());
                if name != "*" {
                    self.aliases.insert(name, path.clone());
                }
            }
            self.paths.push(path);
        }
    }

    /// The absolute module path `segments` names from `scope`, when it
    /// names one inside this crate.
    fn resolve(&self, segments: &[String], scope: &[String]) -> Option<Vec<String>> {
        let first = segments.first()?;
        let (mut base, rest) = match first.as_str() {
            "crate" => (Vec::new(), &segments[1..]),
            "self" => (scope.to_vec(), &segments[1..]),
            "super" => {
                let mut base = scope.to_vec();
                let mut n = 0;
                while segments.get(n).is_some_and(|s| s == "super") {
                    base.pop()?;
                    n += 1;
                }
                (base, &segments[n..])
            }
            name => match self.aliases.get(name) {
                Some(module) => (module.clone(), &segments[1..]),
                None => return None,
            },
        };
        base.extend(rest.iter().cloned());
        Some(base)
    }
}

/// An identifier as written, raw or not (`r#gen` is `gen`).
fn ident(id: &proc_macro2::Ident) -> String {
    let s = id.to_string();
    s.strip_prefix("r#").map_or(s.clone(), str::to_string)
}

/// Is token `i` the tail of a longer path (`x::i`)? Then the path was
/// read from its head already.
fn preceded_by_path_sep(tokens: &[TokenTree], i: usize) -> bool {
    i >= 2 && is_path_sep(tokens, i - 2)
}

/// Is there a `::` at `j`, `j + 1`?
fn is_path_sep(tokens: &[TokenTree], j: usize) -> bool {
    matches!(
        (tokens.get(j), tokens.get(j + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && b.as_char() == ':'
                && a.spacing() == proc_macro2::Spacing::Joint
    )
}

/// The path of identifiers starting at `i` (`a::b::c`), and the index
/// after it.
fn path_at(tokens: &[TokenTree], i: usize) -> (Vec<String>, usize) {
    let mut segments = Vec::new();
    let mut j = i;
    while let Some(TokenTree::Ident(id)) = tokens.get(j) {
        segments.push(ident(id));
        if is_path_sep(tokens, j + 1) {
            j += 3;
        } else {
            j += 1;
            break;
        }
    }
    (segments, j)
}

/// Every circle in the graph, one per strongly connected component of
/// more than one file, written as a path that returns to its start.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let components = strongly_connected(graph);
    let mut out = Vec::new();
    for component in components.into_iter().filter(|c| c.len() > 1) {
        let start = component.iter().next().unwrap().clone();
        out.push(circle_through(graph, &component, &start));
    }
    out
}

/// A shortest circle from `start` back to itself inside `component`.
fn circle_through(
    graph: &BTreeMap<String, BTreeSet<String>>,
    component: &BTreeSet<String>,
    start: &str,
) -> Vec<String> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        for next in &graph[at] {
            if !component.contains(next) {
                continue;
            }
            if next == start {
                let mut path = vec![start.to_string()];
                let mut back = at;
                while back != start {
                    path.push(back.to_string());
                    back = came_from[back];
                }
                path.push(start.to_string());
                path.reverse();
                return path;
            }
            if !came_from.contains_key(next.as_str()) {
                came_from.insert(next, at);
                queue.push_back(next);
            }
        }
    }
    unreachable!("{start} lies on a circle of its component")
}

/// Tarjan's strongly connected components, iteratively.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    let names: Vec<&String> = graph.keys().collect();
    let index_of: BTreeMap<&String, usize> =
        names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            graph[*n]
                .iter()
                .filter_map(|m| index_of.get(m).copied())
                .collect()
        })
        .collect();
    let n = names.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(top) = work.last_mut() {
            let (v, edge) = *top;
            if edge == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(edge) {
                top.1 += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = BTreeSet::new();
                loop {
                    let w = stack.pop().unwrap();
                    on_stack[w] = false;
                    component.insert(names[w].clone());
                    if w == v {
                        break;
                    }
                }
                out.push(component);
            }
        }
    }
    out
}
