//! Reading plugins: the embedded built-ins and a plugins directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use super::{
    Manifest, Plugin, PluginError, PluginRegistry, BUILT_IN_CHART_TYPES, MAX_SCRIPT_BYTES,
};

/// The built-in plugins, `server/plugins/<name>/{manifest.json,plugin.js}`.
#[derive(RustEmbed)]
#[folder = "plugins/"]
struct BuiltIn;

/// File names of a directory plugin.
const MANIFEST_FILE: &str = "manifest.json";
const SCRIPT_FILE: &str = "plugin.js";

pub(super) fn load(dir: Option<&Path>) -> (PluginRegistry, Vec<PluginError>) {
    let mut registry = PluginRegistry::default();
    let mut errors = Vec::new();
    for (manifest_path, manifest, script) in built_in() {
        add(
            &mut registry,
            &mut errors,
            manifest_path,
            &manifest,
            script,
            "built-in",
        );
    }
    if let Some(dir) = dir {
        for found in scan(dir, &mut errors) {
            let (manifest_path, script_path) = found;
            let manifest = match std::fs::read(&manifest_path) {
                Ok(m) => m,
                Err(source) => {
                    errors.push(PluginError::Read {
                        path: manifest_path,
                        source,
                    });
                    continue;
                }
            };
            let script = match read_script(&script_path) {
                Ok(s) => s,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let origin = manifest_path.display().to_string();
            add(
                &mut registry,
                &mut errors,
                manifest_path,
                &manifest,
                script,
                &origin,
            );
        }
    }
    (registry, errors)
}

/// The embedded plugins as (manifest path, manifest, script).
fn built_in() -> Vec<(PathBuf, Vec<u8>, Vec<u8>)> {
    let mut names: Vec<String> = BuiltIn::iter()
        .filter_map(|f| {
            f.strip_suffix(&format!("/{MANIFEST_FILE}"))
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| {
            let manifest = BuiltIn::get(&format!("{name}/{MANIFEST_FILE}"))?;
            let script = BuiltIn::get(&format!("{name}/{SCRIPT_FILE}"))?;
            Some((
                PathBuf::from(format!("server/plugins/{name}/{MANIFEST_FILE}")),
                manifest.data.into_owned(),
                script.data.into_owned(),
            ))
        })
        .collect()
}

/// The (manifest, script) paths of the plugins in `dir`, sorted by name.
fn scan(dir: &Path, errors: &mut Vec<PluginError>) -> Vec<(PathBuf, PathBuf)> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(source) => {
            errors.push(PluginError::Read {
                path: dir.to_path_buf(),
                source,
            });
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut found = Vec::new();
    for path in &paths {
        let ext = path.extension().and_then(|e| e.to_str());
        if path.is_dir() {
            let manifest = path.join(MANIFEST_FILE);
            let script = path.join(SCRIPT_FILE);
            if !manifest.is_file() {
                errors.push(PluginError::Incomplete {
                    path: path.clone(),
                    reason: format!("a plugin directory needs {MANIFEST_FILE} and {SCRIPT_FILE}"),
                });
            } else {
                found.push((manifest, script));
            }
        } else if ext == Some("json") {
            found.push((path.clone(), path.with_extension("js")));
        } else if ext == Some("js") && !path.with_extension("json").exists() {
            errors.push(PluginError::Incomplete {
                path: path.clone(),
                reason: "a script without its manifest (the .json of the same name)".to_owned(),
            });
        }
    }
    found
}

fn read_script(path: &Path) -> Result<Vec<u8>, PluginError> {
    let incomplete = |reason: String| PluginError::Incomplete {
        path: path.to_path_buf(),
        reason,
    };
    let meta = std::fs::metadata(path)
        .map_err(|_| incomplete("the manifest's script is missing".to_owned()))?;
    if meta.len() > MAX_SCRIPT_BYTES as u64 {
        return Err(incomplete(format!(
            "the script is {} bytes, more than the {MAX_SCRIPT_BYTES} allowed",
            meta.len()
        )));
    }
    std::fs::read(path).map_err(|source| PluginError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Validates one plugin and adds it, or records why not.
fn add(
    registry: &mut PluginRegistry,
    errors: &mut Vec<PluginError>,
    path: PathBuf,
    manifest: &[u8],
    script: Vec<u8>,
    origin: &str,
) {
    let manifest: Manifest = match serde_json::from_slice(manifest) {
        Ok(m) => m,
        Err(source) => {
            errors.push(PluginError::Manifest { path, source });
            return;
        }
    };
    let problem = invalid_name(&manifest.name)
        .or_else(|| {
            manifest
                .title
                .trim()
                .is_empty()
                .then(|| "title is empty".to_owned())
        })
        .or_else(|| manifest.fits.contradiction().map(|c| format!("fits: {c}")))
        .or_else(|| {
            registry
                .get(&manifest.name)
                .map(|p| format!("name {:?} is already taken by {}", manifest.name, p.origin))
        })
        .or_else(|| {
            std::str::from_utf8(&script)
                .err()
                .map(|e| format!("its script is not UTF-8 ({e})"))
        });
    if let Some(reason) = problem {
        errors.push(PluginError::Invalid { path, reason });
        return;
    }
    let digest = Sha256::digest(&script);
    let etag = digest
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    registry.plugins.push(Plugin {
        manifest,
        script: Arc::from(script),
        etag: format!("\"{etag}\""),
        origin: origin.to_owned(),
    });
}

/// Why `name` cannot name a plugin, if it cannot.
fn invalid_name(name: &str) -> Option<String> {
    let well_formed = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !well_formed {
        return Some(format!(
            "name {name:?} must be 1-64 lowercase letters, digits, '-' or '_', starting with a letter"
        ));
    }
    BUILT_IN_CHART_TYPES
        .contains(&name)
        .then(|| format!("name {name:?} is a built-in chart type"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "strata-plugins-{tag}-{}-{}",
            std::process::id(),
            crate::response::random_uuid()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn the_funnel_is_built_in() {
        let (registry, errors) = load(None);
        assert!(errors.is_empty(), "{errors:?}");
        let funnel = registry.get("funnel").expect("funnel plugin");
        assert_eq!(funnel.origin, "built-in");
        assert!(std::str::from_utf8(&funnel.script)
            .expect("utf-8")
            .contains("toOption"));
    }

    #[test]
    fn directory_and_pair_plugins_load_and_bad_ones_are_named() {
        let dir = temp_dir("mixed");
        let good =
            r#"{"name": "waterfall", "title": "Waterfall", "fits": {"measures": {"min": 1}}}"#;
        std::fs::create_dir_all(dir.join("waterfall")).expect("dir");
        std::fs::write(dir.join("waterfall/manifest.json"), good).expect("write");
        std::fs::write(dir.join("waterfall/plugin.js"), "// js").expect("write");
        std::fs::write(
            dir.join("radar.json"),
            r#"{"name": "radar", "title": "Radar"}"#,
        )
        .expect("write");
        std::fs::write(dir.join("radar.js"), "// js").expect("write");
        // Bad ones: not JSON, a built-in name, a duplicate, a lone script, no script.
        std::fs::write(dir.join("broken.json"), "{name: ").expect("write");
        std::fs::write(dir.join("broken.js"), "").expect("write");
        std::fs::write(dir.join("bar.json"), r#"{"name": "bar", "title": "B"}"#).expect("write");
        std::fs::write(dir.join("bar.js"), "").expect("write");
        std::fs::write(
            dir.join("zfunnel.json"),
            r#"{"name": "funnel", "title": "F"}"#,
        )
        .expect("write");
        std::fs::write(dir.join("zfunnel.js"), "").expect("write");
        std::fs::write(dir.join("lonely.js"), "").expect("write");
        std::fs::write(
            dir.join("noscript.json"),
            r#"{"name": "noscript", "title": "N"}"#,
        )
        .expect("write");
        std::fs::write(dir.join("README.md"), "notes").expect("write");

        let (registry, errors) = load(Some(&dir));
        let names: Vec<&str> = registry
            .plugins()
            .iter()
            .map(|p| p.manifest.name.as_str())
            .collect();
        assert_eq!(names, ["funnel", "radar", "waterfall"]);
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 5, "{messages:#?}");
        for (file, needle) in [
            ("bar.json", "built-in chart type"),
            ("broken.json", "key must be a string"),
            ("lonely.js", "without its manifest"),
            ("noscript.js", "script is missing"),
            ("zfunnel.json", "already taken by built-in"),
        ] {
            assert!(
                messages
                    .iter()
                    .any(|m| m.contains(file) && m.contains(needle)),
                "{file}: {needle} not in {messages:#?}"
            );
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_missing_directory_is_an_error_not_a_panic() {
        let (registry, errors) = load(Some(Path::new("/nonexistent/strata-plugins")));
        assert_eq!(registry.plugins().len(), 1);
        assert!(errors[0]
            .to_string()
            .contains("/nonexistent/strata-plugins"));
    }

    #[test]
    fn names_are_checked() {
        assert!(invalid_name("my-chart_2").is_none());
        for bad in ["", "Chart", "2d", "a b", "../x", "line"] {
            assert!(invalid_name(bad).is_some(), "{bad:?}");
        }
    }
}
