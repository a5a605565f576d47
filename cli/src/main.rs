//! `strata`: serve the Cube-compatible API, validate a model, show or run a query, benchmark.
//!
//! A thin binary: it parses the command line and hands each command to the library crates
//! (`strata-server` serves, `strata-bench` benchmarks, `strata-schema` and `strata-engine`
//! validate and plan), then prints what they return.

use std::io::IsTerminal;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand};
use serde_json::Value;
use strata_engine::{Engine, QueryRequest};
use strata_server::{table, ServerConfig};

#[derive(Debug, Parser)]
#[command(
    name = "strata",
    version,
    about = "A native Rust semantic layer, compatible with Cube.js"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the model and data come from.
#[derive(Debug, Clone, clap::Args)]
struct ModelArgs {
    /// Data model directory (overrides CUBEJS_SCHEMA_PATH).
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// Use the bundled demo: an e-commerce model and two years of data up to
    /// yesterday on DataFusion, no database or configuration needed (dev mode
    /// unless CUBEJS_API_SECRET is set).
    #[arg(long, conflicts_with = "models")]
    demo: bool,
    /// YAML file declaring CSV/Parquet data sources (overrides STRATA_DATA_SOURCES).
    #[arg(long, value_name = "FILE")]
    data_sources: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the Cube-compatible REST API (configured by CUBEJS_* variables).
    Serve {
        #[command(flatten)]
        model: ModelArgs,
        /// Address to listen on, `HOST:PORT` or a port (overrides PORT).
        #[arg(long, value_name = "ADDR", value_parser = parse_listen)]
        listen: Option<SocketAddr>,
        /// Directory of extra chart plugins for the page (overrides
        /// STRATA_PLUGINS_DIR; see docs/plugins.md).
        #[arg(long, value_name = "DIR")]
        plugins_dir: Option<PathBuf>,
    },
    /// Load a data model and report every error in it.
    Validate {
        /// Data model directory.
        dir: PathBuf,
    },
    /// Print the SQL and parameters of a query (no database needed).
    Sql {
        /// File holding the query JSON.
        query: PathBuf,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Run a query against the configured data source and print a table.
    Query {
        /// File holding the query JSON.
        query: PathBuf,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Pre-aggregations.
    Preagg {
        #[command(subcommand)]
        command: PreaggCommand,
    },
    /// Benchmarks: query planning, HTTP replay, synthetic models.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Plan every query many times in process and report p50/p95/p99 and plans/s.
    Plan {
        /// Data model directory.
        #[arg(long, value_name = "DIR")]
        models: PathBuf,
        /// JSON Lines: one Cube query per line, or conformance cases (`{"name", "query", ...}`).
        #[arg(long, value_name = "FILE")]
        queries: PathBuf,
        /// Timed plans per query.
        #[arg(long, default_value_t = 1000)]
        iterations: usize,
        /// Untimed plans per query before timing.
        #[arg(long, default_value_t = 50)]
        warmup: usize,
        /// Also time compiling the model (load_dir + Engine::new).
        #[arg(long)]
        compile: bool,
        /// Timed compilations with --compile.
        #[arg(long, default_value_t = 10)]
        compile_iterations: usize,
        /// Write the report as JSON to this file.
        #[arg(long, value_name = "OUT")]
        json: Option<PathBuf>,
    },
    /// Replay queries against a Cube-compatible REST API and report latency and throughput.
    Http {
        /// Base URL, e.g. http://127.0.0.1:4000.
        #[arg(long)]
        url: String,
        /// JSON Lines: one Cube query per line, or conformance cases.
        #[arg(long, value_name = "FILE")]
        queries: PathBuf,
        /// A second base URL to run the same replay against, then compare.
        #[arg(long, value_name = "OTHER_BASE")]
        against: Option<String>,
        /// Requests in flight at once.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// How long each replay runs (30s, 500ms, 2m).
        #[arg(long, default_value = "30s", value_parser = strata_bench::http::parse_duration)]
        duration: std::time::Duration,
        /// Stop after this many requests (per replay).
        #[arg(long, value_name = "N")]
        requests: Option<u64>,
        /// API token (JWT), sent as the Authorization header.
        #[arg(long, value_name = "JWT")]
        token: Option<String>,
        /// sql (planning only), load (cached) or load-no-cache.
        #[arg(long, default_value = "sql", value_parser = clap::builder::PossibleValuesParser::new(["sql", "load", "load-no-cache"]))]
        endpoint: String,
        /// Per-request timeout.
        #[arg(long, default_value = "30s", value_parser = strata_bench::http::parse_duration)]
        timeout: std::time::Duration,
        /// Write the report as JSON to this file.
        #[arg(long, value_name = "OUT")]
        json: Option<PathBuf>,
    },
    /// Write a deterministic synthetic model (YAML) of N cubes with joins and views.
    GenModel {
        /// Number of cubes.
        #[arg(long)]
        cubes: usize,
        /// Output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Seed: the same seed gives the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write sample queries for the model (JSON Lines) to this file.
        #[arg(long, value_name = "FILE")]
        queries_out: Option<PathBuf>,
        /// How many sample queries to write.
        #[arg(long, default_value_t = 20)]
        query_count: usize,
    },
}

#[derive(Debug, Subcommand)]
enum PreaggCommand {
    /// Build every rollup of the model now, with a progress bar for each.
    Build {
        #[command(flatten)]
        model: ModelArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_level = match cli.command {
        Command::Serve { .. } => "info",
        _ => "warn",
    };
    init_tracing(default_level);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

async fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Serve {
            model,
            listen,
            plugins_dir,
        } => serve(model, listen, plugins_dir).await,
        Command::Validate { dir } => Ok(validate(&dir)),
        Command::Sql { query, model } => sql(&query, model).await.map(|()| ExitCode::SUCCESS),
        Command::Query { query, model } => {
            run_query(&query, model).await.map(|()| ExitCode::SUCCESS)
        }
        Command::Preagg {
            command: PreaggCommand::Build { model },
        } => build_rollups(model).await,
        Command::Bench { command } => bench(command).await.map(|()| ExitCode::SUCCESS),
    }
}

/// The configuration from the environment with the command's flags applied.
fn config_for(args: &ModelArgs) -> Result<ServerConfig> {
    let mut config = ServerConfig::from_env()?;
    if let Some(dir) = &args.models {
        config.models_dir = dir.clone();
    }
    if let Some(file) = &args.data_sources {
        config.engine.data_sources = Some(file.clone());
    }
    if args.demo {
        // The data ends yesterday, so "last month" and "this year" have data.
        config.engine.demo = Some(strata_demo::DemoData::today());
        if config.api_secret.is_none() {
            config.dev_mode = true;
        }
    } else {
        check_dir(&config.models_dir)?;
    }
    Ok(config)
}

async fn engine_for(config: &ServerConfig) -> Result<Engine> {
    strata_server::setup::build_engine(&config.models_dir, config.db.clone(), &config.engine)
        .await
        .map_err(|e| anyhow!("{e}"))
}

/// `--listen`: `HOST:PORT`, `:PORT` or `PORT` (all interfaces).
fn parse_listen(s: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let port_only = s.strip_prefix(':').unwrap_or(s);
    if let Ok(port) = port_only.parse::<u16>() {
        return Ok(SocketAddr::from(([0, 0, 0, 0], port)));
    }
    s.to_socket_addrs()
        .map_err(|e| format!("invalid listen address `{s}`: {e}"))?
        .next()
        .ok_or_else(|| format!("listen address `{s}` resolves to nothing"))
}

async fn serve(
    model: ModelArgs,
    listen: Option<SocketAddr>,
    plugins_dir: Option<PathBuf>,
) -> Result<ExitCode> {
    let mut config = config_for(&model)?;
    if let Some(addr) = listen {
        config.listen = addr;
    }
    if plugins_dir.is_some() {
        config.plugins_dir = plugins_dir;
    }
    strata_server::panics::install_quiet_panic_hook();
    let server = strata_server::start(config).await?;
    println!("Strata listening on {}", server.url());
    println!(
        "Open {}/ in a browser to ask questions of the model.",
        server.url()
    );
    tokio::signal::ctrl_c()
        .await
        .context("cannot listen for Ctrl-C")?;
    eprintln!("shutting down...");
    server.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

async fn build_rollups(model: ModelArgs) -> Result<ExitCode> {
    use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
    let config = config_for(&model)?;
    let engine = engine_for(&config).await?;
    let Some(store) = engine.rollups() else {
        bail!("pre-aggregations are turned off (STRATA_ROLLUP_MAX_BYTES=0)");
    };
    let defs = store.defs().to_vec();
    if defs.is_empty() {
        println!("no rollup pre-aggregations in the model");
        return Ok(ExitCode::SUCCESS);
    }
    let bars = MultiProgress::new();
    let style = ProgressStyle::with_template("{spinner} {prefix:<48} [{bar:20}] {msg}")
        .map_err(|e| anyhow!("{e}"))?
        .progress_chars("=> ");
    let mut failed = 0;
    for def in &defs {
        let bar = bars.add(ProgressBar::new(1));
        bar.set_style(style.clone());
        bar.set_prefix(def.id.clone());
        bar.set_message("building (one partition: the whole range)");
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        let started = std::time::Instant::now();
        match engine.build_rollup(def).await {
            Ok(b) => {
                bar.inc(1);
                bar.finish_with_message(format!(
                    "{} rows, {} KiB in {:.2?}",
                    b.rows,
                    b.bytes / 1024,
                    started.elapsed()
                ));
            }
            Err(e) => {
                failed += 1;
                bar.abandon_with_message(format!("failed: {e}"));
            }
        }
    }
    println!(
        "{} of {} rollups built, {} KiB held",
        defs.len() - failed,
        defs.len(),
        store.bytes() / 1024
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn validate(dir: &Path) -> ExitCode {
    if let Err(e) = check_dir(dir) {
        eprintln!("error: {e:#}");
        return ExitCode::FAILURE;
    }
    // The snippets are read with the default data source's parser (the
    // PostgreSQL dialect); `strata serve` checks them with each cube's own.
    let checked = strata_schema::load_dir(dir).and_then(|model| {
        let model = Arc::new(model);
        Engine::new(Arc::clone(&model), None)
            .check_model()
            .map(|()| model)
    });
    match checked {
        Ok(model) => {
            println!(
                "ok: {} cubes, {} views",
                model.cubes.len(),
                model.views.len()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!(
                "{} error{} in {}",
                errors.0.len(),
                if errors.0.len() == 1 { "" } else { "s" },
                dir.display()
            );
            ExitCode::FAILURE
        }
    }
}

fn check_dir(dir: &Path) -> Result<()> {
    let meta = std::fs::metadata(dir)
        .with_context(|| format!("cannot read model directory `{}`", dir.display()))?;
    if !meta.is_dir() {
        bail!("model path `{}` is not a directory", dir.display());
    }
    Ok(())
}

/// Reads a query file: one Cube query object, or an array of them.
fn read_query(path: &Path) -> Result<QueryRequest> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read query file `{}`", path.display()))?;
    let json: Value = serde_json::from_str(&text)
        .with_context(|| format!("query file `{}` is not valid JSON", path.display()))?;
    QueryRequest::from_json(&json)
        .map_err(|e| anyhow!("invalid query in `{}`: {e}", path.display()))
}

async fn sql(query_path: &Path, model: ModelArgs) -> Result<()> {
    let query = read_query(query_path)?;
    // Planning needs no connection; the SQL is rendered for the data source's engine.
    let config = config_for(&model)?;
    let engine = engine_for(&config).await?;
    let prepared = engine
        .prepare_request(&query)
        .map_err(|e| anyhow!("invalid query in `{}`: {e}", query_path.display()))?;
    let many = prepared.queries.len() > 1;
    for (i, q) in prepared.queries.iter().enumerate() {
        let plan = engine
            .plan(q)
            .map_err(|e| anyhow!("invalid query in `{}`: {e}", query_path.display()))?;
        if many {
            println!("-- query {} of {}", i + 1, prepared.queries.len());
        }
        println!("{}", plan.sql.trim_end());
        if plan.params.is_empty() {
            println!("-- no parameters");
        } else {
            println!("-- parameters:");
            for (n, p) in plan.params.iter().enumerate() {
                println!("--   ${} = {}", n + 1, p);
            }
        }
        if many && i + 1 < prepared.queries.len() {
            println!();
        }
    }
    Ok(())
}

async fn run_query(query_path: &Path, model: ModelArgs) -> Result<()> {
    let query = read_query(query_path)?;
    let config = config_for(&model)?;
    if config.db.is_none() && config.engine.demo.is_none() && config.engine.data_sources.is_none() {
        bail!(
            "no database configured: set CUBEJS_DB_TYPE=postgres and CUBEJS_DB_HOST, \
             CUBEJS_DB_PORT, CUBEJS_DB_NAME, CUBEJS_DB_USER, CUBEJS_DB_PASS (or use --demo)"
        );
    }
    let engine = engine_for(&config).await?;
    let prepared = engine
        .prepare_request(&query)
        .map_err(|e| anyhow!("invalid query in `{}`: {e}", query_path.display()))?;
    let count = prepared.queries.len();
    for (i, q) in prepared.queries.iter().enumerate() {
        let result = engine
            .load(q)
            .await
            .map_err(|e| anyhow!("query `{}` failed: {e}", query_path.display()))?;
        let rows = result.rows_json();
        let headers = table::headers(&result.columns_json(), &rows);
        if count > 1 {
            println!("-- result {} of {count}", i + 1);
        }
        print!("{}", table::render(&headers, &rows));
        let n = rows.len();
        println!("({n} row{})", if n == 1 { "" } else { "s" });
        if let Some(total) = result.total {
            println!("(total: {total})");
        }
        if count > 1 && i + 1 < count {
            println!();
        }
    }
    Ok(())
}

async fn bench(command: BenchCommand) -> Result<()> {
    use strata_bench::{self as bench, gen_model, http, plan};
    match command {
        BenchCommand::Plan {
            models,
            queries,
            iterations,
            warmup,
            compile,
            compile_iterations,
            json,
        } => {
            check_dir(&models)?;
            let queries = bench::read_queries(&queries)?;
            let engine = plan::load_engine(&models)?;
            let options = plan::PlanOptions { iterations, warmup };
            let mut report = plan::run_plan(&engine, &queries, options);
            if compile {
                report.compile = Some(plan::run_compile(&models, compile_iterations)?);
            }
            print!("{}", plan::render_plan(&report));
            if let Some(out) = json {
                bench::write_file(&out, &serde_json::to_string_pretty(&report)?)?;
            }
        }
        BenchCommand::Http {
            url,
            queries,
            against,
            concurrency,
            duration,
            requests,
            token,
            endpoint,
            timeout,
            json,
        } => {
            let mut options = http::HttpOptions::new(url, bench::read_queries(&queries)?);
            options.endpoint = endpoint.parse().map_err(|e: String| anyhow!(e))?;
            options.concurrency = concurrency;
            options.duration = duration;
            options.max_requests = requests;
            options.token = token;
            options.timeout = timeout;
            options.progress = std::io::stderr().is_terminal();
            let (first_failed, out) = match against {
                None => {
                    let report = http::run_http(&options).await?;
                    print!("{}", http::render_http(&report));
                    (report.ok == 0, serde_json::to_string_pretty(&report)?)
                }
                Some(other) => {
                    let comparison = http::run_comparison(&options, &other).await?;
                    print!("{}", comparison.render());
                    (
                        comparison.first.ok == 0,
                        serde_json::to_string_pretty(&comparison)?,
                    )
                }
            };
            if let Some(path) = json {
                bench::write_file(&path, &out)?;
            }
            if first_failed {
                bail!("every request failed");
            }
        }
        BenchCommand::GenModel {
            cubes,
            out,
            seed,
            queries_out,
            query_count,
        } => {
            if cubes == 0 {
                bail!("--cubes must be at least 1");
            }
            let files = gen_model::write_model(&out, cubes, seed)?;
            println!(
                "wrote {files} files ({cubes} cubes, seed {seed}) to {}",
                out.display()
            );
            if let Some(path) = queries_out {
                gen_model::write_sample_queries(&path, cubes, seed, query_count)?;
                println!("wrote {query_count} sample queries to {}", path.display());
            }
        }
    }
    Ok(())
}
