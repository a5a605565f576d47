//! A built rollup: its Arrow data in a DataFusion session of its own, and a
//! one-cube model over it so the ordinary planner and renderer answer
//! queries from it.

use arrow::record_batch::RecordBatch;
use indexmap::IndexMap;
use strata_schema::{
    Cube, CubeSource, Dimension, DimensionSql, DimensionType, Granularity, Measure, MeasureType,
    MemberPath, SemanticModel, SourceLocation, SqlRef, SqlTemplate, TemplatePart,
};

use super::matching::RollupDef;
use crate::error::EngineError;
use crate::exec::DataFusionExecutor;
use crate::join_graph::JoinTree;
use crate::plan::{LogicalPlan, PlanFilter, PlanSubQuery};
use crate::sql::CompiledTemplates;

/// Name of the table a rollup is registered as in its session.
pub const ROLLUP_TABLE: &str = "rollup";

/// A FROM item for a plain table name.
#[cfg(test)]
pub fn table(name: &str) -> sqlparser::ast::TableFactor {
    crate::sql::templates::raw_table(name)
}

/// One stored column: the member it holds and its column name.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupColumn {
    /// The source member.
    pub member: MemberPath,
    /// Stored granularity, for time dimensions.
    pub granularity: Option<Granularity>,
    /// Column name in the rollup table (also the member name in the rollup cube).
    pub column: String,
}

/// A rollup built and ready to serve.
pub struct BuiltRollup {
    /// `Cube.name`.
    pub id: String,
    /// Columns stored.
    pub columns: Vec<RollupColumn>,
    /// The one-cube model over the table.
    pub model: std::sync::Arc<SemanticModel>,
    /// Its parsed snippets.
    pub templates: CompiledTemplates,
    /// The session holding the table.
    pub executor: DataFusionExecutor,
    /// Rows stored.
    pub rows: usize,
    /// Bytes of Arrow memory held.
    pub bytes: usize,
    /// When the build finished.
    pub built_at: chrono::DateTime<chrono::Utc>,
    /// The refresh key value seen at build time.
    pub refresh_value: Option<String>,
}

impl std::fmt::Debug for BuiltRollup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuiltRollup")
            .field("id", &self.id)
            .field("rows", &self.rows)
            .field("bytes", &self.bytes)
            .finish()
    }
}

fn column_template(cube: &str, column: &str) -> SqlTemplate {
    SqlTemplate {
        raw: column.to_string(),
        parts: vec![
            TemplatePart::Ref(SqlRef::Cube(cube.to_string())),
            TemplatePart::Text(format!(".\"{}\"", column.replace('"', "\"\""))),
        ],
    }
}

/// Cube name of a rollup's model.
fn cube_name(id: &str) -> String {
    format!("rollup_{}", id.replace('.', "__"))
}

impl BuiltRollup {
    /// Wraps built data. `batch` has one column per entry of `columns`.
    pub fn new(
        def: &RollupDef,
        source: &SemanticModel,
        columns: Vec<RollupColumn>,
        batch: RecordBatch,
        refresh_value: Option<String>,
    ) -> Result<BuiltRollup, EngineError> {
        let name = cube_name(&def.id);
        let mut dimensions = IndexMap::new();
        let mut measures = IndexMap::new();
        for c in &columns {
            let sql = column_template(&name, &c.column);
            if let Some(src) = source
                .cube(&c.member.cube)
                .and_then(|x| x.measures.get(&c.member.member))
            {
                let kind = match src.kind {
                    MeasureType::Count | MeasureType::Sum => MeasureType::Sum,
                    MeasureType::Min => MeasureType::Min,
                    // Non-additive measures are only read at the stored grain,
                    // where each group holds one row.
                    _ => MeasureType::Max,
                };
                measures.insert(
                    c.column.clone(),
                    Measure {
                        name: c.column.clone(),
                        kind: if src.kind == MeasureType::Max {
                            MeasureType::Max
                        } else {
                            kind
                        },
                        sql: Some(sql),
                        filters: vec![],
                        rolling_window: None,
                        multi_stage: false,
                        time_shift: vec![],
                        reduce_by: vec![],
                        group_by: vec![],
                        add_group_by: vec![],
                        format: src.format.clone(),
                        drill_members: vec![],
                        public: true,
                        title: src.title.clone(),
                        description: None,
                        meta: None,
                        location: SourceLocation::default(),
                    },
                );
            } else {
                let kind = source
                    .cube(&c.member.cube)
                    .and_then(|x| x.dimensions.get(&c.member.member))
                    .map(|d| d.kind)
                    .unwrap_or(DimensionType::String);
                dimensions.insert(
                    c.column.clone(),
                    Dimension {
                        name: c.column.clone(),
                        kind: if c.granularity.is_some() {
                            DimensionType::Time
                        } else {
                            kind
                        },
                        sql: DimensionSql::Sql(sql),
                        primary_key: false,
                        public: true,
                        title: None,
                        description: None,
                        format: None,
                        meta: None,
                        sub_query: false,
                        propagate_filters_to_sub_query: false,
                        location: SourceLocation::default(),
                    },
                );
            }
        }
        let cube = Cube {
            name: name.clone(),
            title: None,
            description: None,
            public: false,
            meta: None,
            source: CubeSource::Table(ROLLUP_TABLE.into()),
            data_source: None,
            refresh_key: None,
            joins: IndexMap::new(),
            dimensions,
            measures,
            segments: IndexMap::new(),
            pre_aggregations: IndexMap::new(),
            access_policy: Vec::new(),
            location: SourceLocation::default(),
        };
        let mut model = SemanticModel::default();
        model.cubes.insert(name, cube);
        let model = std::sync::Arc::new(model);
        let templates = CompiledTemplates::new(model.clone());
        let executor = DataFusionExecutor::new();
        let rows = batch.num_rows();
        let bytes = batch.get_array_memory_size();
        executor.register_batches(ROLLUP_TABLE, batch.schema(), vec![batch])?;
        Ok(BuiltRollup {
            id: def.id.clone(),
            columns,
            model,
            templates,
            executor,
            rows,
            bytes,
            built_at: chrono::Utc::now(),
            refresh_value,
        })
    }

    fn member_for(&self, target: &MemberPath, time: bool) -> Option<MemberPath> {
        let name = cube_name(&self.id);
        self.columns
            .iter()
            .find(|c| &c.member == target && c.granularity.is_some() == time)
            .map(|c| MemberPath::new(name, c.column.clone()))
    }

    /// The plan rewritten to read this rollup; `None` if a member is missing.
    pub fn map_plan(&self, plan: &LogicalPlan) -> Option<LogicalPlan> {
        // Rows filtered inside a subquery (row-level access, propagated
        // filters) are not what the rollup stored.
        if plan.sub_queries.iter().any(PlanSubQuery::is_filtered) {
            return None;
        }
        let mut p = plan.clone();
        for d in &mut p.dimensions {
            d.target = self.member_for(&d.target, d.granularity.is_some())?;
        }
        for m in &mut p.measures {
            m.target = self.member_for(&m.target, false)?;
            m.multiplied = false;
        }
        for t in &mut p.time_ranges {
            t.target = self.member_for(&t.target, true)?;
        }
        p.filters = p
            .filters
            .iter()
            .map(|f| self.map_filter(f))
            .collect::<Option<_>>()?;
        p.measure_filters = p
            .measure_filters
            .iter()
            .map(|f| self.map_filter(f))
            .collect::<Option<_>>()?;
        p.segments.clear();
        p.sub_queries.clear();
        p.join = JoinTree {
            root: cube_name(&self.id),
            joins: vec![],
        };
        Some(p)
    }

    fn map_filter(&self, f: &PlanFilter) -> Option<PlanFilter> {
        Some(match f {
            PlanFilter::And(v) => PlanFilter::And(
                v.iter()
                    .map(|x| self.map_filter(x))
                    .collect::<Option<_>>()?,
            ),
            PlanFilter::Or(v) => PlanFilter::Or(
                v.iter()
                    .map(|x| self.map_filter(x))
                    .collect::<Option<_>>()?,
            ),
            PlanFilter::DateRange { target, range } => PlanFilter::DateRange {
                target: self.member_for(target, true)?,
                range: *range,
            },
            PlanFilter::Member {
                target,
                dimension_type,
                operator,
                values,
            } => PlanFilter::Member {
                target: self.member_for(target, false)?,
                dimension_type: *dimension_type,
                operator: *operator,
                values: values.clone(),
            },
        })
    }
}
