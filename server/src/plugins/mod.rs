//! Chart plugins: chart types added without rebuilding Strata.
//!
//! A plugin is a manifest (JSON: `name`, `title`, `fits`, optional
//! `description`) and a JavaScript file that registers a `toOption(columns,
//! rows)` function returning an ECharts option (the contract is in
//! `docs/plugins.md`). In a plugins directory (`STRATA_PLUGINS_DIR`,
//! `strata serve --plugins-dir`) a plugin is either a directory
//! `<name>/manifest.json` + `<name>/plugin.js`, or a pair of files
//! `<name>.json` + `<name>.js`. The built-in plugins (the funnel) are
//! embedded in the binary from `server/plugins/`.
//!
//! A manifest that cannot be used is left out with a [`PluginError`] naming
//! its file (logged as a warning at startup); it never stops the server.
//!
//! Routes ([`routes::router`], no authentication: plugins are code, not data):
//! `GET /strata/v1/plugins` → `{"plugins": [{"name", "title", "description"?,
//! "fits", "script": "/plugins/<name>.js"}]}` and `GET /plugins/<name>.js`.

pub mod fits;
mod load;
pub mod routes;

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use fits::{CountRange, Fits, ResultShape};

/// Longest plugin script accepted (512 KiB).
pub const MAX_SCRIPT_BYTES: usize = 512 * 1024;

/// Chart types drawn by the page itself; no plugin may take their names.
pub const BUILT_IN_CHART_TYPES: [&str; 9] = [
    "number", "gauge", "line", "area", "bar", "pie", "scatter", "heatmap", "table",
];

/// A plugin's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Identifier: lowercase letters, digits, `-` and `_`, at most 64
    /// characters, starting with a letter (it is also the chart type name
    /// offered in `chart.alternatives`).
    pub name: String,
    /// What the chart type switch shows.
    pub title: String,
    /// A sentence on what the chart is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The result shapes the chart can show.
    #[serde(default)]
    pub fits: Fits,
}

/// A loaded plugin: its manifest and script.
#[derive(Debug, Clone)]
pub struct Plugin {
    /// The manifest.
    pub manifest: Manifest,
    /// The JavaScript source.
    pub script: Arc<[u8]>,
    /// Strong validator of the script (`"<sha-256 prefix>"`).
    pub etag: String,
    /// Where it came from (`built-in` or the manifest's path).
    pub origin: String,
}

/// Why a plugin was left out. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    /// The plugins directory or a file in it could not be read.
    #[error("plugin {path}: cannot be read: {source}")]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The manifest is not valid JSON of the manifest's shape.
    #[error("plugin manifest {path}: {source}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// The error (names the field and position).
        #[source]
        source: serde_json::Error,
    },
    /// The manifest parses but cannot be used.
    #[error("plugin manifest {path}: {reason}")]
    Invalid {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A script without a manifest, or a manifest without its script.
    #[error("plugin {path}: {reason}")]
    Incomplete {
        /// The file found.
        path: PathBuf,
        /// What is missing.
        reason: String,
    },
}

/// The plugins a server offers.
#[derive(Debug, Clone, Default)]
pub struct PluginRegistry {
    plugins: Vec<Plugin>,
}

impl PluginRegistry {
    /// The built-in plugins plus those in `dir` (when given). Plugins that
    /// cannot be used are left out and returned as errors, in file order.
    pub fn load(dir: Option<&std::path::Path>) -> (PluginRegistry, Vec<PluginError>) {
        load::load(dir)
    }

    /// Only the built-in plugins.
    pub fn built_in() -> PluginRegistry {
        load::load(None).0
    }

    /// All plugins, built-in first.
    pub fn plugins(&self) -> &[Plugin] {
        &self.plugins
    }

    /// The plugin called `name`.
    pub fn get(&self, name: &str) -> Option<&Plugin> {
        self.plugins.iter().find(|p| p.manifest.name == name)
    }

    /// Names of the plugins whose `fits` rule matches `shape`.
    pub fn fitting(&self, shape: &ResultShape) -> Vec<&str> {
        self.plugins
            .iter()
            .filter(|p| p.manifest.fits.matches(shape))
            .map(|p| p.manifest.name.as_str())
            .collect()
    }
}
