//! Models that depend on the caller (Cube's `COMPILE_CONTEXT`): model files
//! may write `{{ COMPILE_CONTEXT.securityContext.<claim> }}`, e.g. to name a
//! tenant's schema in `sql_table`. Such a model is compiled once per distinct
//! set of claim values and cached; callers with the same values share it.
//!
//! The values land in SQL unquoted, so they must pass the identifier rule
//! of [`strata_schema::identifier`] (lower-case letters, digits and `_`, at
//! most 63), the same rule as tenant schemas; anything else is refused.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use strata_schema::SemanticModel;

use crate::error::ApiError;

const OPEN: &str = "{{";
const CLOSE: &str = "}}";
const PREFIX: &str = "COMPILE_CONTEXT.";

/// Most compiled variants kept at once.
const MAX_VARIANTS: u64 = 256;

/// Model files with `COMPILE_CONTEXT` templates, and their compiled variants.
pub struct ModelVariants {
    files: Vec<(PathBuf, String)>,
    /// Claim paths the templates read (`securityContext.` stripped), sorted.
    paths: Vec<String>,
    compiled: moka::sync::Cache<Vec<String>, Arc<SemanticModel>>,
}

impl std::fmt::Debug for ModelVariants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelVariants")
            .field("paths", &self.paths)
            .field("compiled", &self.compiled.entry_count())
            .finish()
    }
}

/// The claim path of one template body (`COMPILE_CONTEXT.securityContext.x`
/// → `x`), or `None` when it is not a context template.
fn template_path(body: &str) -> Option<&str> {
    let path = body.trim().strip_prefix(PREFIX)?;
    Some(path.strip_prefix("securityContext.").unwrap_or(path))
}

/// Calls `f` with every template `(start, end, path)` in `text`.
fn templates(text: &str, mut f: impl FnMut(usize, usize, &str)) {
    let mut from = 0;
    while let Some(open) = text[from..].find(OPEN).map(|i| from + i) {
        let Some(close) = text[open..].find(CLOSE).map(|i| open + i) else {
            return;
        };
        if let Some(path) = template_path(&text[open + OPEN.len()..close]) {
            f(open, close + CLOSE.len(), path);
        }
        from = close + CLOSE.len();
    }
}

impl ModelVariants {
    /// `None` when no file uses `COMPILE_CONTEXT` (the model is the same for
    /// every caller).
    pub fn scan(files: Vec<(PathBuf, String)>) -> Option<ModelVariants> {
        let mut paths = Vec::new();
        for (_, text) in &files {
            templates(text, |_, _, p| paths.push(p.to_string()));
        }
        if paths.is_empty() {
            return None;
        }
        paths.sort();
        paths.dedup();
        Some(ModelVariants {
            files,
            paths,
            compiled: moka::sync::Cache::new(MAX_VARIANTS),
        })
    }

    /// The claim values this caller's variant is keyed by.
    pub fn key(&self, claims: &Value) -> Result<Vec<String>, ApiError> {
        self.paths
            .iter()
            .map(|path| {
                let value = path.split('.').try_fold(claims, |v, k| v.get(k));
                let text = match value {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => {
                        return Err(ApiError::forbidden(format!(
                            "Access denied: the data model needs securityContext.{path}, which the token does not carry"
                        )))
                    }
                };
                if let Err(why) = strata_schema::identifier::check_identifier(&text) {
                    return Err(ApiError::forbidden(format!(
                        "Access denied: securityContext.{path} cannot be used in the data model: {why}"
                    )));
                }
                Ok(text)
            })
            .collect()
    }

    /// The model compiled for `claims`, from the cache when another caller
    /// with the same values compiled it already.
    pub fn model_for(&self, claims: &Value) -> Result<Arc<SemanticModel>, ApiError> {
        let key = self.key(claims)?;
        if let Some(model) = self.compiled.get(&key) {
            return Ok(model);
        }
        let files: Vec<(PathBuf, String)> = self
            .files
            .iter()
            .map(|(path, text)| (path.clone(), self.render(text, &key)))
            .collect();
        let model = strata_schema::load_files(&files).map_err(|e| {
            ApiError::internal(format!(
                "the data model does not compile for this context: {e}"
            ))
        })?;
        let model = Arc::new(model);
        self.compiled.insert(key, model.clone());
        Ok(model)
    }

    fn render(&self, text: &str, key: &[String]) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        templates(text, |start, end, path| {
            out.push_str(&text[last..start]);
            if let Ok(i) = self.paths.binary_search_by(|p| p.as_str().cmp(path)) {
                out.push_str(&key[i]);
            }
            last = end;
        });
        out.push_str(&text[last..]);
        out
    }

    /// The files with every template replaced by a placeholder identifier
    /// (`compile_context`), for checking the model at start-up.
    pub fn placeholder_files(&self) -> Vec<(PathBuf, String)> {
        let key = vec!["compile_context".to_string(); self.paths.len()];
        self.files
            .iter()
            .map(|(path, text)| (path.clone(), self.render(text, &key)))
            .collect()
    }

    /// How many variants are compiled and cached.
    pub fn compiled_count(&self) -> u64 {
        self.compiled.run_pending_tasks();
        self.compiled.entry_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MODEL: &str = "cubes:\n  - name: Orders\n    sql_table: \"{{ COMPILE_CONTEXT.securityContext.tenant_id }}.orders\"\n    \
        dimensions:\n      - {name: id, sql: id, type: number, primary_key: true}\n    \
        measures:\n      - {name: count, type: count}\n";

    fn variants() -> ModelVariants {
        ModelVariants::scan(vec![(PathBuf::from("m.yml"), MODEL.into())]).expect("contextual")
    }

    #[test]
    fn compiles_once_per_distinct_context() {
        let v = variants();
        let a = v.model_for(&json!({"tenant_id": "acme"})).expect("acme");
        let again = v
            .model_for(&json!({"tenant_id": "acme", "sub": "x"}))
            .expect("acme");
        assert!(
            Arc::ptr_eq(&a, &again),
            "same values share one compiled model"
        );
        let b = v
            .model_for(&json!({"tenant_id": "globex"}))
            .expect("globex");
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(v.compiled_count(), 2);
        match &b.cubes["Orders"].source {
            strata_schema::CubeSource::Table(t) => assert_eq!(t, "globex.orders"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn values_that_are_not_identifiers_are_refused() {
        let v = variants();
        for claims in [
            json!({}),
            json!({"tenant_id": "x; DROP TABLE orders"}),
            json!({"tenant_id": "a.b"}),
            json!({"tenant_id": ["a"]}),
            json!({"tenant_id": ""}),
        ] {
            let err = v.model_for(&claims).expect_err("refused");
            assert_eq!(err.status.as_u16(), 403, "{claims}");
        }
    }

    #[test]
    fn plain_models_are_not_variants() {
        let plain = "cubes:\n  - name: A\n    sql_table: a\n    sql: \"{{ not_context }}\"\n";
        assert!(ModelVariants::scan(vec![(PathBuf::from("m.yml"), plain.into())]).is_none());
    }
}
