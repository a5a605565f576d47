//! Link options for the `strata` binary.
//!
//! **Packed relative relocations.** On Linux with glibc the binary is linked
//! with `-z pack-relative-relocs` (DT_RELR; GNU ld 2.38+, lld, glibc 2.36+).
//! The binary is position-independent, and without RELR its ~250k relative
//! relocations sit in a 6 MB `.rela.dyn` table that the dynamic loader reads
//! whole at start-up, all of it resident for the life of the process. RELR
//! encodes the same relocations in a few kilobytes. Older linkers ignore the
//! option with a warning; set `STRATA_NO_RELR=1` to leave it out (e.g. to
//! build for a glibc older than 2.36).
//!
//! **Start-up code first.** `link/symbol-order.txt` lists the functions that
//! `strata serve` runs while it starts, then those its first queries run
//! (recorded with callgrind by `scripts/layout/symbol-order.sh`).
//! Optimized builds pass it to the linker (lld's `--symbol-ordering-file`),
//! which places those functions together at the start of `.text`. The kernel
//! maps code into a process in 64 KB blocks around each first touch, so code
//! spread across the 110 MB of `.text` costs far more memory than its size;
//! packed together, the ~1.3 MB that start-up runs is mapped as such instead
//! of as ~17 MB. Functions the list does not name (new or changed code) are
//! laid out as before, after the listed ones, so a stale list costs memory,
//! not correctness. Only for `x86_64-unknown-linux-gnu`, where rustc links
//! with its own lld, and only when no other linker is configured; set
//! `STRATA_NO_SYMBOL_ORDER=1` to leave it out.

use std::path::Path;

/// Whether the build links with rustc's own lld: the default on
/// `x86_64-unknown-linux-gnu` (Rust 1.90+) unless a linker or linker
/// flavour was chosen.
fn links_with_rust_lld() -> bool {
    let target = std::env::var("TARGET").unwrap_or_default();
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let linker_env = format!(
        "CARGO_TARGET_{}_LINKER",
        target.to_uppercase().replace('-', "_")
    );
    target == "x86_64-unknown-linux-gnu"
        && !flags.contains("linker")
        && !flags.contains("fuse-ld")
        && std::env::var_os(linker_env).is_none()
}

fn opted_out(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| v != "0")
}

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" && !opted_out("STRATA_NO_RELR") {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    let order = Path::new(env!("CARGO_MANIFEST_DIR")).join("link/symbol-order.txt");
    let optimized = std::env::var("OPT_LEVEL").is_ok_and(|l| l != "0");
    if optimized && order.is_file() && links_with_rust_lld() && !opted_out("STRATA_NO_SYMBOL_ORDER")
    {
        println!(
            "cargo:rustc-link-arg-bin=strata=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bin=strata=-Wl,--no-warn-symbol-ordering");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link/symbol-order.txt");
    for var in [
        "STRATA_NO_RELR",
        "STRATA_NO_SYMBOL_ORDER",
        "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
}
