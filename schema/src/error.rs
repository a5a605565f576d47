//! Errors raised while loading and validating a data model.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a data model, located as precisely as the model allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The model file the problem is in (empty for problems not tied to a file).
    pub file: PathBuf,
    /// 1-based line in `file`, where known.
    pub line: Option<usize>,
    /// The cube or view at fault, where known.
    pub cube: Option<String>,
    /// The member (dimension, measure, segment, join, pre-aggregation) at fault, where known.
    pub member: Option<String>,
    /// What is wrong, in words that help fix it.
    pub message: String,
}

impl SchemaError {
    /// An error in `file` with no finer location yet.
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        SchemaError {
            file: file.into(),
            line: None,
            cube: None,
            member: None,
            message: message.into(),
        }
    }

    /// Sets the line.
    pub fn at_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    /// Sets the cube (or view) name.
    pub fn in_cube(mut self, cube: impl Into<String>) -> Self {
        self.cube = Some(cube.into());
        self
    }

    /// Sets the member name.
    pub fn for_member(mut self, member: impl Into<String>) -> Self {
        self.member = Some(member.into());
        self
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        match (&self.cube, &self.member) {
            (Some(c), Some(m)) => write!(f, ": {c}.{m}")?,
            (Some(c), None) => write!(f, ": {c}")?,
            (None, Some(m)) => write!(f, ": {m}")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SchemaError {}

/// Every problem found in a model at once: loading never stops at the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ModelErrors(pub Vec<SchemaError>);

impl fmt::Display for ModelErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} error{} in the data model:",
            if n == 1 { "" } else { "s" }
        )?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}
