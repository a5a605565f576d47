//! `strata`: serve the Cube-compatible API, validate a model, show or run a query.

use std::io::IsTerminal;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand};
use serde_json::Value;
use strata_engine::{Engine, PostgresExecutor};
use strata_schema::SemanticModel;
use strata_server::{config::DEFAULT_MODELS_DIR, table, ServerConfig};

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

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the Cube-compatible REST API (configured by CUBEJS_* variables).
    Serve {
        /// Data model directory (overrides CUBEJS_SCHEMA_PATH).
        #[arg(long, value_name = "DIR")]
        models: Option<PathBuf>,
        /// Address to listen on, `HOST:PORT` or a port (overrides PORT).
        #[arg(long, value_name = "ADDR", value_parser = parse_listen)]
        listen: Option<SocketAddr>,
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
        /// Data model directory (default: CUBEJS_SCHEMA_PATH or `model`).
        #[arg(long, value_name = "DIR")]
        models: Option<PathBuf>,
    },
    /// Run a query against the configured database and print a table.
    Query {
        /// File holding the query JSON.
        query: PathBuf,
        /// Data model directory (default: CUBEJS_SCHEMA_PATH or `model`).
        #[arg(long, value_name = "DIR")]
        models: Option<PathBuf>,
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
        Command::Serve { models, listen } => serve(models, listen).await,
        Command::Validate { dir } => Ok(validate(&dir)),
        Command::Sql { query, models } => sql(&query, models).map(|()| ExitCode::SUCCESS),
        Command::Query { query, models } => {
            run_query(&query, models).await.map(|()| ExitCode::SUCCESS)
        }
    }
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

async fn serve(models: Option<PathBuf>, listen: Option<SocketAddr>) -> Result<ExitCode> {
    let mut config = ServerConfig::from_env()?;
    if let Some(dir) = models {
        config.models_dir = dir;
    }
    if let Some(addr) = listen {
        config.listen = addr;
    }
    check_dir(&config.models_dir)?;
    let server = strata_server::start(config).await?;
    println!("Strata listening on {}", server.url());
    tokio::signal::ctrl_c()
        .await
        .context("cannot listen for Ctrl-C")?;
    eprintln!("shutting down...");
    server.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

fn validate(dir: &Path) -> ExitCode {
    if let Err(e) = check_dir(dir) {
        eprintln!("error: {e:#}");
        return ExitCode::FAILURE;
    }
    match strata_schema::load_dir(dir) {
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

/// The model directory for `sql`/`query`: the flag, else CUBEJS_SCHEMA_PATH, else `model`.
fn models_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| {
        std::env::var("CUBEJS_SCHEMA_PATH")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(PathBuf::from)
    })
    .unwrap_or_else(|| PathBuf::from(DEFAULT_MODELS_DIR))
}

fn check_dir(dir: &Path) -> Result<()> {
    let meta = std::fs::metadata(dir)
        .with_context(|| format!("cannot read model directory `{}`", dir.display()))?;
    if !meta.is_dir() {
        bail!("model path `{}` is not a directory", dir.display());
    }
    Ok(())
}

fn load_model(dir: &Path) -> Result<SemanticModel> {
    check_dir(dir)?;
    strata_schema::load_dir(dir).map_err(|errors| {
        let lines: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
        anyhow!(
            "the data model in `{}` has errors:\n{}",
            dir.display(),
            lines.join("\n")
        )
    })
}

fn read_query(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read query file `{}`", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("query file `{}` is not valid JSON", path.display()))
}

fn sql(query_path: &Path, models: Option<PathBuf>) -> Result<()> {
    let query = read_query(query_path)?;
    let model = load_model(&models_dir(models))?;
    let engine = Engine::new(Arc::new(model), None);
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

async fn run_query(query_path: &Path, models: Option<PathBuf>) -> Result<()> {
    let query = read_query(query_path)?;
    let config = ServerConfig::from_env()?;
    let model = load_model(&models_dir(models))?;
    let db = config.db.ok_or_else(|| {
        anyhow!(
            "no database configured: set CUBEJS_DB_TYPE=postgres and \
             CUBEJS_DB_HOST, CUBEJS_DB_PORT, CUBEJS_DB_NAME, CUBEJS_DB_USER, CUBEJS_DB_PASS"
        )
    })?;
    let executor = PostgresExecutor::new(db).context("cannot set up the database connection")?;
    let engine = Engine::new(Arc::new(model), Some(Arc::new(executor)));
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
