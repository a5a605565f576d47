//! Link options for the `strata` binary.
//!
//! On Linux with glibc the binary is linked with packed relative relocations
//! (`-z pack-relative-relocs`, DT_RELR; GNU ld 2.38+, glibc 2.36+). The binary
//! is position-independent, and without RELR its ~250k relative relocations
//! sit in a 6 MB `.rela.dyn` table that the dynamic loader reads whole at
//! start-up, all of it resident for the life of the process. RELR encodes the
//! same relocations in a few kilobytes. Older linkers ignore the option with a
//! warning; set `STRATA_NO_RELR=1` to leave it out (e.g. to build for a glibc
//! older than 2.36).

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let opted_out = std::env::var_os("STRATA_NO_RELR").is_some_and(|v| v != "0");
    if os == "linux" && env == "gnu" && !opted_out {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=STRATA_NO_RELR");
}
