//! Finding and reading model files, and parsing their YAML.

use std::fs;
use std::path::{Path, PathBuf};

use crate::value::Value;
use serde::Deserialize;

use crate::block;
use crate::compile::compile;
use crate::error::{ModelErrors, SchemaError};
use crate::locate::Locator;
use crate::model::SemanticModel;
use crate::parse::{self, CubeDecl, Site};
use crate::views::{self, ViewDecl};
use crate::yaml::{apply_merges, describe, untag, Sink};

/// How deep [`load_dir`] descends into sub-directories.
const MAX_DEPTH: usize = 32;

/// Loads every `*.yml` / `*.yaml` file under `dir` (recursively, in path order)
/// and compiles them into one model.
///
/// Every problem found in any file is reported at once.
pub fn load_dir(dir: impl AsRef<Path>) -> Result<SemanticModel, ModelErrors> {
    let sink = Sink::default();
    let files = read_into(dir.as_ref(), &sink);
    load_with(&files, sink)
}

/// Reads every model file under `dir` (as [`load_dir`] finds them) without
/// compiling them: `(path, YAML text)` pairs for [`load_files`].
pub fn read_dir(dir: impl AsRef<Path>) -> Result<Vec<(PathBuf, String)>, ModelErrors> {
    let sink = Sink::default();
    let files = read_into(dir.as_ref(), &sink);
    let errors = sink.finish();
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(ModelErrors(errors))
    }
}

fn read_into(dir: &Path, sink: &Sink) -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => collect(dir, 0, &mut paths, sink),
        Ok(_) => sink.push(SchemaError::new(dir, "the model path is not a directory")),
        Err(e) => sink.push(SchemaError::new(
            dir,
            format!("cannot read the model directory: {e}"),
        )),
    }
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        match fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push((path, text)),
                Err(_) => sink.push(SchemaError::new(&path, "the file is not valid UTF-8")),
            },
            Err(e) => sink.push(SchemaError::new(
                &path,
                format!("cannot read the file: {e}"),
            )),
        }
    }
    files
}

/// Compiles model files given as `(path, YAML text)`; the paths are used in
/// error messages only.
pub fn load_files(files: &[(PathBuf, String)]) -> Result<SemanticModel, ModelErrors> {
    load_with(files, Sink::default())
}

fn load_with(files: &[(PathBuf, String)], sink: Sink) -> Result<SemanticModel, ModelErrors> {
    let (cubes, views) = parse_files(files, &sink);
    let model = compile(cubes, views, &sink);
    let errors = sink.finish();
    if errors.is_empty() {
        Ok(model)
    } else {
        Err(ModelErrors(errors))
    }
}

/// Below this much text, files are parsed on the calling thread only.
const PARALLEL_MIN_BYTES: usize = 256 * 1024;

/// One run of files parsed on its own thread, with its errors.
type Parsed = (Vec<CubeDecl>, Vec<ViewDecl>, Sink);

/// Parses every file into declarations, in file order. Large models are
/// split into runs of consecutive files parsed on scoped threads, each with
/// its own error sink; the runs' declarations and errors are then joined in
/// file order, so the outcome is the same as parsing one file after another.
fn parse_files(files: &[(PathBuf, String)], sink: &Sink) -> (Vec<CubeDecl>, Vec<ViewDecl>) {
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads < 2 || files.len() < 2 || bytes < PARALLEL_MIN_BYTES {
        return parse_run(files, sink);
    }
    let run = files.len().div_ceil(threads);
    let parsed: Vec<std::thread::Result<Parsed>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(run)
            .map(|chunk| {
                scope.spawn(move || {
                    let own = Sink::default();
                    let (cubes, views) = parse_run(chunk, &own);
                    (cubes, views, own)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect()
    });
    let (mut cubes, mut views) = (Vec::new(), Vec::new());
    for result in parsed {
        match result {
            Ok((c, v, own)) => {
                cubes.extend(c);
                views.extend(v);
                sink.append(own);
            }
            // Parsing does not panic (the fuzz tests check it); if it ever
            // did, pass the panic on as a sequential load would.
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
    (cubes, views)
}

/// Parses consecutive files on the calling thread.
fn parse_run(files: &[(PathBuf, String)], sink: &Sink) -> (Vec<CubeDecl>, Vec<ViewDecl>) {
    let (mut cubes, mut views) = (Vec::new(), Vec::new());
    for (path, text) in files {
        parse_file(path, text, sink, &mut cubes, &mut views);
    }
    (cubes, views)
}

fn is_model_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
}

/// Collects model files under `dir`. Symbolic links to files are followed,
/// links to directories are not (so a link cannot make a loop).
fn collect(dir: &Path, depth: usize, out: &mut Vec<PathBuf>, sink: &Sink) {
    if depth > MAX_DEPTH {
        sink.push(SchemaError::new(dir, "model directories nest too deeply"));
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            sink.push(SchemaError::new(
                dir,
                format!("cannot read the directory: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(&path, depth + 1, out, sink);
        } else if is_model_file(&path) && (kind.is_file() || path.is_file()) {
            out.push(path);
        }
    }
}

/// Parses one file's YAML documents into declarations.
fn parse_file(
    path: &Path,
    text: &str,
    sink: &Sink,
    out_cubes: &mut Vec<CubeDecl>,
    out_views: &mut Vec<ViewDecl>,
) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut counts = (0, 0);
    // Plain block-style files (nearly all) take the fast reader, which finds
    // the lines for error messages as it reads; anything else, malformed
    // YAML included, goes through `serde_yaml` and a scan of the text.
    if let Some((value, loc)) = block::parse(text) {
        // Every model the tests load checks the fast reader against serde_yaml.
        #[cfg(test)]
        block::tests::same(text);
        let site = Site {
            file: path,
            loc: &loc,
            sink,
        };
        parse_doc(value, &site, &mut counts, out_cubes, out_views);
        return;
    }
    let loc = Locator::new(text);
    let site = Site {
        file: path,
        loc: &loc,
        sink,
    };
    for doc in serde_yaml::Deserializer::from_str(text) {
        let value = match Value::deserialize(doc) {
            Ok(v) => v,
            Err(e) => {
                let line = e.location().map(|l| l.line());
                sink.push(SchemaError::new(path, format!("invalid YAML: {e}")).at_line(line));
                return;
            }
        };
        parse_doc(value, &site, &mut counts, out_cubes, out_views);
    }
}

/// Reads one YAML document's `cubes:` and `views:`; `counts` numbers the
/// cubes and views of the file so far.
fn parse_doc(
    mut value: Value,
    site: &Site,
    counts: &mut (usize, usize),
    out_cubes: &mut Vec<CubeDecl>,
    out_views: &mut Vec<ViewDecl>,
) {
    let (path, sink, loc) = (site.file, site.sink, site.loc);
    if let Err(e) = apply_merges(&mut value) {
        sink.push(SchemaError::new(path, format!("invalid YAML: {e}")));
        return;
    }
    let map = match untag(&value) {
        Value::Null => return,
        Value::Mapping(m) => m,
        other => {
            sink.push(SchemaError::new(
                path,
                format!(
                    "the top level of a model file must be a mapping with `cubes` and/or `views`, found {}",
                    describe(other)
                ),
            ));
            return;
        }
    };
    let (c, v) = (map.get("cubes").map(untag), map.get("views").map(untag));
    if c.is_none() && v.is_none() {
        sink.push(SchemaError::new(
            path,
            "a model file needs `cubes:` and/or `views:` at the top level",
        ));
    }
    for (key, list) in [("cubes", c), ("views", v)] {
        let items = match list {
            None | Some(Value::Null) => continue,
            Some(Value::Sequence(items)) => items,
            Some(other) => {
                sink.push(
                    SchemaError::new(
                        path,
                        format!("`{key}` must be a list, found {}", describe(other)),
                    )
                    .at_line(loc.top_key_line(key)),
                );
                continue;
            }
        };
        for item in items {
            if key == "cubes" {
                out_cubes.extend(parse::cube(item, counts.0, site));
                counts.0 += 1;
            } else {
                out_views.extend(views::view(item, counts.1, site));
                counts.1 += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads on one thread, as before parsing was split.
    fn sequential(files: &[(PathBuf, String)]) -> Result<SemanticModel, ModelErrors> {
        let sink = Sink::default();
        let (cubes, views) = parse_run(files, &sink);
        let model = compile(cubes, views, &sink);
        let errors = sink.finish();
        if errors.is_empty() {
            Ok(model)
        } else {
            Err(ModelErrors(errors))
        }
    }

    #[test]
    fn parallel_parsing_gives_the_sequential_outcome() {
        let padding = format!("# {}\n", "x".repeat(2_000));
        let files: Vec<(PathBuf, String)> = (0..200)
            .map(|i| {
                let mut text = padding.repeat(2);
                text.push_str(&format!(
                    "cubes:\n  - name: C{i}\n    sql_table: t{i}\n    measures:\n      - name: count\n        type: count\n"
                ));
                if i % 7 == 0 {
                    text.push_str("      - name: bad\n        type: nope\n");
                }
                if i % 11 == 0 {
                    text.push_str("    dimensions: [1\n");
                }
                (PathBuf::from(format!("m{i:03}.yml")), text)
            })
            .collect();
        assert!(files.iter().map(|(_, t)| t.len()).sum::<usize>() >= PARALLEL_MIN_BYTES);
        let (fast, slow) = (load_files(&files), sequential(&files));
        let (fast, slow) = (fast.unwrap_err(), slow.unwrap_err());
        assert!(fast.0.len() > 40);
        assert_eq!(fast.to_string(), slow.to_string());
        let ok: Vec<_> = files
            .iter()
            .filter(|(_, t)| !t.contains("nope") && !t.contains("[1"))
            .cloned()
            .collect();
        let (fast, slow) = (load_files(&ok).unwrap(), sequential(&ok).unwrap());
        assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
    }
}
