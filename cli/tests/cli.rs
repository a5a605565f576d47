//! The real `strata` binary, spawned: the command line reaches the library
//! crates and their answers come back as the commands print them.
//!
//! Lives in the `strata-cli` package because Cargo gives `CARGO_BIN_EXE_strata`
//! (and builds the binary first) only to the integration tests of the package
//! that owns the `[[bin]]`. Only commands that need no server, database or
//! demo data run here; `tests/it/bench_http.rs` replays against a server.

use std::path::PathBuf;
use std::process::{Command, Output};

fn strata(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap_or_else(|e| panic!("cannot run strata {args:?}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("strata-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, rel: &str) -> String {
        self.0.join(rel).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn help_lists_every_command() {
    let out = strata(&["--help"]);
    assert!(out.status.success(), "{out:?}");
    let help = text(&out.stdout);
    for command in ["serve", "validate", "sql", "query", "preagg", "bench"] {
        assert!(help.contains(command), "`{command}` missing from:\n{help}");
    }
    let out = strata(&["bench", "--help"]);
    let help = text(&out.stdout);
    for command in ["plan", "http", "gen-model"] {
        assert!(help.contains(command), "`{command}` missing from:\n{help}");
    }
}

#[test]
fn gen_model_validate_and_plan() {
    let dir = TempDir::new("plan");
    let (model, queries, report) = (dir.path("model"), dir.path("q.jsonl"), dir.path("r.json"));
    let out = strata(&[
        "bench",
        "gen-model",
        "--cubes",
        "5",
        "--out",
        &model,
        "--seed",
        "3",
        "--queries-out",
        &queries,
        "--query-count",
        "6",
    ]);
    assert!(out.status.success(), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("wrote 6 files (5 cubes, seed 3) to {model}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("wrote 6 sample queries to {queries}")),
        "{stdout}"
    );

    let out = strata(&["validate", &model]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(text(&out.stdout), "ok: 5 cubes, 3 views\n");

    let out = strata(&[
        "bench",
        "plan",
        "--models",
        &model,
        "--queries",
        &queries,
        "--iterations",
        "5",
        "--warmup",
        "1",
        "--compile",
        "--compile-iterations",
        "2",
        "--json",
        &report,
    ]);
    assert!(out.status.success(), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("6 queries planned x 5 iterations (30 timed plans), 0 failed to plan"),
        "{stdout}"
    );
    assert!(
        stdout.contains("compile ") && stdout.contains("Engine::new"),
        "{stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["planned"], 6);
    assert_eq!(json["compile"]["cubes"], 5);
    assert!(
        json["queries"][0]["latency_us"]["p50"].is_number(),
        "{json}"
    );
}

#[test]
fn errors_are_reported_with_a_failure_status() {
    let out = strata(&[
        "bench",
        "gen-model",
        "--cubes",
        "0",
        "--out",
        "/nonexistent",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(text(&out.stderr), "error: --cubes must be at least 1\n");

    let out = strata(&["validate", "/nonexistent/strata-model"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        text(&out.stderr)
            .starts_with("error: cannot read model directory `/nonexistent/strata-model`"),
        "{out:?}"
    );

    let out = strata(&[
        "bench",
        "http",
        "--url",
        "http://127.0.0.1:1",
        "--queries",
        "/x",
        "--duration",
        "0s",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        text(&out.stderr).contains("duration `0s` must be positive"),
        "{out:?}"
    );
}

#[test]
fn http_replay_against_nothing_fails_every_request() {
    let dir = TempDir::new("http");
    let queries = dir.path("q.jsonl");
    std::fs::write(&queries, "{\"measures\": [\"Orders.count\"]}\n").unwrap();
    // A loopback port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let out = strata(&[
        "bench",
        "http",
        "--url",
        &url,
        "--queries",
        &queries,
        "--requests",
        "3",
        "--concurrency",
        "1",
        "--duration",
        "5s",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(&format!("sql {url} (concurrency 1,")),
        "{stdout}"
    );
    assert!(stdout.contains("requests 3  ok 0  errors 3"), "{stdout}");
    assert_eq!(text(&out.stderr), "error: every request failed\n");
}
