//! Link options for the `strata` binary.
//!
//! By default (`cargo build --release`, `cargo run --release`) the binary is
//! linked plainly, so that it starts on common Linux distributions: the
//! newest glibc symbol version it needs is `GLIBC_2.35` (`hypot` and `hypotf`
//! from libm when built against glibc 2.35+; Ubuntu 22.04, Debian 12, RHEL 10,
//! Fedora 36 and newer). The two link options below cut the resident memory of
//! `strata serve --demo` from about 44 to 21 MB idle and from 101 to 37 MB
//! after queries (BENCHMARKS.md), but are **opt-in**: set
//! `STRATA_LINK_LAYOUT=1` for both, e.g. `STRATA_LINK_LAYOUT=1 cargo build
//! --release -p strata-cli --bin strata` (or `--profile dist`) for a
//! deployment on glibc 2.36 or newer (Debian 12, Ubuntu 22.10+, RHEL 10,
//! Fedora 37+). Changing the variable rebuilds this crate, not its
//! dependencies.
//!
//! **Packed relative relocations** (`STRATA_LINK_LAYOUT=1`, Linux with glibc).
//! The binary is linked with `-z pack-relative-relocs` (DT_RELR; GNU ld 2.38+,
//! lld). The binary is position-independent, and without RELR its ~250k
//! relative relocations sit in a 6 MB `.rela.dyn` table that the dynamic
//! loader reads whole at start-up, all of it resident for the life of the
//! process (5.6 MB of the difference above). RELR encodes the same
//! relocations in a few kilobytes, but the linker then marks the binary as
//! needing `GLIBC_ABI_DT_RELR` (glibc 2.36+; `readelf -V` shows it, `objdump
//! -T` does not), and an older glibc refuses to start it ("version
//! `GLIBC_ABI_DT_RELR' not found").
//!
//! **Start-up code first** (`STRATA_LINK_LAYOUT=1`, optimized builds).
//! `link/symbol-order.txt` lists the functions that `strata serve` runs while
//! it starts, then those its first queries run (recorded with callgrind by
//! `scripts/layout/symbol-order.sh`). It is passed to the linker (lld's
//! `--symbol-ordering-file`), which places those functions together at the
//! start of `.text`. The kernel maps code into a process in 64 KB blocks
//! around each first touch, so code spread across the 110 MB of `.text` costs
//! far more memory than its size; packed together, the ~1.3 MB that start-up
//! runs is mapped as such instead of as ~17 MB (14.7 MB of the difference
//! above). Functions the list does not name (new or changed code) are laid
//! out as before, after the listed ones, so a stale list costs memory, not
//! correctness. Only for `x86_64-unknown-linux-gnu`, where rustc links with
//! its own lld, and only when no other linker is configured.

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

/// Whether `STRATA_LINK_LAYOUT` asks for the memory-saving link (set and not
/// empty or `0`).
fn layout_requested() -> bool {
    std::env::var_os("STRATA_LINK_LAYOUT").is_some_and(|v| !v.is_empty() && v != "0")
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link/symbol-order.txt");
    for var in [
        "STRATA_LINK_LAYOUT",
        "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    if !layout_requested() {
        return;
    }
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    let order = Path::new(env!("CARGO_MANIFEST_DIR")).join("link/symbol-order.txt");
    let optimized = std::env::var("OPT_LEVEL").is_ok_and(|l| l != "0");
    if optimized && order.is_file() && links_with_rust_lld() {
        println!(
            "cargo:rustc-link-arg-bin=strata=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bin=strata=-Wl,--no-warn-symbol-ordering");
    }
}
