//! Finding and reading model files, and parsing their YAML.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_yaml::Value;

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
    let dir = dir.as_ref();
    let sink = Sink::default();
    let mut paths = Vec::new();
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => collect(dir, 0, &mut paths, &sink),
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
    load_with(&files, sink)
}

/// Compiles model files given as `(path, YAML text)`; the paths are used in
/// error messages only.
pub fn load_files(files: &[(PathBuf, String)]) -> Result<SemanticModel, ModelErrors> {
    load_with(files, Sink::default())
}

fn load_with(files: &[(PathBuf, String)], sink: Sink) -> Result<SemanticModel, ModelErrors> {
    let mut cubes = Vec::new();
    let mut views = Vec::new();
    for (path, text) in files {
        parse_file(path, text, &sink, &mut cubes, &mut views);
    }
    let model = compile(cubes, views, &sink);
    let errors = sink.finish();
    if errors.is_empty() {
        Ok(model)
    } else {
        Err(ModelErrors(errors))
    }
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
    let loc = Locator::new(text);
    let site = Site {
        file: path,
        loc: &loc,
        sink,
    };
    let (mut cube_index, mut view_index) = (0, 0);
    for doc in serde_yaml::Deserializer::from_str(text) {
        let mut value = match Value::deserialize(doc) {
            Ok(v) => v,
            Err(e) => {
                let line = e.location().map(|l| l.line());
                sink.push(SchemaError::new(path, format!("invalid YAML: {e}")).at_line(line));
                return;
            }
        };
        if let Err(e) = apply_merges(&mut value) {
            sink.push(SchemaError::new(path, format!("invalid YAML: {e}")));
            continue;
        }
        let map = match untag(&value) {
            Value::Null => continue,
            Value::Mapping(m) => m,
            other => {
                sink.push(SchemaError::new(
                    path,
                    format!(
                        "the top level of a model file must be a mapping with `cubes` and/or `views`, found {}",
                        describe(other)
                    ),
                ));
                continue;
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
                    out_cubes.extend(parse::cube(item, cube_index, &site));
                    cube_index += 1;
                } else {
                    out_views.extend(views::view(item, view_index, &site));
                    view_index += 1;
                }
            }
        }
    }
}
