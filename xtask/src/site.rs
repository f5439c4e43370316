//! The browser apps: compile to wasm32, run wasm-bindgen (the library, pinned to the exact
//! wasm-bindgen version in Cargo.lock), and lay each app out under `target/site`:
//!
//! ```text
//! target/site/index.html            client portal   (served at /)
//! target/site/operator/index.html   operator console (at /operator/)
//! target/site/admin/index.html      admin console    (at /admin/)
//! target/site/pkg/<app>.js, <app>_bg.wasm, <app>-start.js
//! target/site/style/salter.css
//! ```

use super::{cargo, run};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";
/// Each app: its name, its crate, and its directory under the site.
pub const APPS: [(&str, &str, &str); 3] = [
    ("client", "frontend-client", ""),
    ("operator", "frontend-operator", "operator"),
    ("admin", "frontend-admin", "admin"),
];
/// The most an app may weigh, wasm + js after gzip (QUALITY.md).
const BUDGET_GZIP: u64 = 200 * 1024;

pub fn site_dir(root: &Path) -> PathBuf {
    root.join("target/site")
}

pub fn build(root: &Path, release: bool) -> Result<()> {
    ensure_wasm_target()?;
    check_bindgen_pin(root)?;
    let profile = if release { "wasm-release" } else { "dev" };
    let mut cmd = cargo();
    cmd.args(["build", "--target", TARGET, "--profile", profile]);
    for (_, krate, _) in APPS {
        cmd.args(["--package", krate]);
    }
    run(&mut cmd)?;
    let out_dir = if release { "wasm-release" } else { "debug" };
    let site = site_dir(root);
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg)?;
    for (app, krate, dir) in APPS {
        let wasm = root
            .join("target")
            .join(TARGET)
            .join(out_dir)
            .join(format!("{krate}.wasm"));
        let js = pkg.join(format!("{app}.js"));
        let stamp = pkg.join(format!("{app}.made-from"));
        let made_from = made_from(&wasm, profile)?;
        let bound = std::fs::read_to_string(&stamp).ok();
        let zipped = pkg.join(format!("{app}_bg.wasm.gz")).exists();
        if !js.exists() || !zipped || bound.as_deref() != Some(made_from.as_str()) {
            wasm_bindgen_cli_support::Bindgen::new()
                .input_path(&wasm)
                .web(true)?
                .typescript(false)
                .keep_debug(false)
                .remove_name_section(release)
                .remove_producers_section(true)
                .out_name(app)
                .generate(&pkg)
                .with_context(|| format!("wasm-bindgen on {}", wasm.display()))?;
            for file in [format!("{app}_bg.wasm"), format!("{app}.js")] {
                gzip_beside(&pkg.join(file), release)?;
            }
            std::fs::write(&stamp, &made_from)?;
        }
        write_if_changed(
            &pkg.join(format!("{app}-start.js")),
            &format!(
                "import init from './{app}.js';\n\
                 init({{ module_or_path: new URL('./{app}_bg.wasm', import.meta.url) }});\n"
            ),
        )?;
        let html = include_str!("../index.html").replace("{app}", app);
        let app_dir = site.join(dir);
        std::fs::create_dir_all(&app_dir)?;
        write_if_changed(&app_dir.join("index.html"), &html)?;
    }
    let style = site.join("style");
    std::fs::create_dir_all(&style)?;
    write_if_changed(
        &style.join("salter.css"),
        &std::fs::read_to_string(root.join("style/salter.css"))?,
    )?;
    println!("apps built into {}", site.display());
    Ok(())
}

/// What an app in the site is made from: the profile and the compiled wasm's content. The
/// site holds one build of each app; it is bound again whenever this differs from what the
/// bound one was made from (`pkg/<app>.made-from`) — never by comparing file times, which
/// would keep a newer debug build in place of an unchanged release one.
fn made_from(wasm: &Path, profile: &str) -> Result<String> {
    let bytes = std::fs::read(wasm).with_context(|| format!("{} was not built", wasm.display()))?;
    let mut hash = std::hash::DefaultHasher::new();
    std::hash::Hasher::write(&mut hash, &bytes);
    // The compressor is part of what the .gz files are made from.
    let gzip = if profile.contains("release") {
        "zopfli"
    } else {
        "zlib"
    };
    Ok(format!(
        "{profile} {} {:016x} {gzip}\n",
        bytes.len(),
        std::hash::Hasher::finish(&hash)
    ))
}

/// Writes a file of the site (and its gzip beside it) unless it already holds `content`.
fn write_if_changed(path: &Path, content: &str) -> Result<()> {
    let gz = gz_path(path);
    if std::fs::read_to_string(path).ok().as_deref() != Some(content) || !gz.exists() {
        std::fs::write(path, content).with_context(|| format!("writing {}", path.display()))?;
        gzip_beside(path, true)?;
    }
    Ok(())
}

fn gz_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".gz");
    PathBuf::from(name)
}

/// `<file>.gz`, the file compressed once at build time: the server sends it to every browser
/// that accepts gzip (`ServeDir::precompressed_gzip`), so an app's first download is what
/// `cargo xtask size` measures, at no CPU cost per request.
/// `smallest`: with zopfli (plain gzip that every browser reads, ~5 % smaller than zlib's best,
/// but ~100× slower — for release builds and small files); otherwise zlib's best.
fn gzip_beside(path: &Path, smallest: bool) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut zipped = Vec::new();
    if smallest {
        zopfli::compress(
            zopfli::Options::default(),
            zopfli::Format::Gzip,
            &bytes[..],
            &mut zipped,
        )?;
    } else {
        let mut enc = flate2::write::GzEncoder::new(zipped, flate2::Compression::best());
        enc.write_all(&bytes)?;
        zipped = enc.finish()?;
    }
    std::fs::write(gz_path(path), zipped)?;
    Ok(())
}

/// rustup does not add the target rust-toolchain.toml names to an installed toolchain.
fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32 target (https://rustup.rs)")?;
    if !String::from_utf8_lossy(&installed.stdout).contains(TARGET) {
        run(Command::new("rustup").args(["target", "add", TARGET]))?;
    }
    Ok(())
}

/// wasm-bindgen's generated glue and its library must be the very same version.
fn check_bindgen_pin(root: &Path) -> Result<()> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))?;
    let version_of = |name: &str| {
        lock.split("[[package]]")
            .find(|block| block.contains(&format!("name = \"{name}\"\n")))
            .and_then(|block| block.lines().find_map(|l| l.strip_prefix("version = ")))
            .map(|v| v.trim_matches('"').to_string())
    };
    let (lib, cli) = (
        version_of("wasm-bindgen"),
        version_of("wasm-bindgen-cli-support"),
    );
    if lib.is_none() || lib != cli {
        bail!(
            "wasm-bindgen {lib:?} and wasm-bindgen-cli-support {cli:?} differ in Cargo.lock: \
             pin xtask's wasm-bindgen-cli-support with `=` to the wasm-bindgen version"
        );
    }
    Ok(())
}

/// Prints each app's download — the `.gz` files the server sends — and fails if one is over
/// budget.
pub fn size(root: &Path) -> Result<()> {
    let pkg = site_dir(root).join("pkg");
    println!("{:<10} {:>12} {:>12}", "app", "raw bytes", "gzip bytes");
    let mut over = Vec::new();
    for (app, _, _) in APPS {
        let (mut raw, mut gz) = (0, 0);
        for file in [
            format!("{app}_bg.wasm"),
            format!("{app}.js"),
            format!("{app}-start.js"),
        ] {
            let path = pkg.join(&file);
            let len = |path: &Path| {
                std::fs::metadata(path).map(|m| m.len()).with_context(|| {
                    format!(
                        "{} missing: run `cargo xtask build --release` first",
                        path.display()
                    )
                })
            };
            raw += len(&path)?;
            gz += len(&gz_path(&path))?;
        }
        println!(
            "{app:<10} {raw:>12} {gz:>12}   ({:.1} KB gzip)",
            gz as f64 / 1024.0
        );
        if gz > BUDGET_GZIP {
            over.push(app);
        }
    }
    if !over.is_empty() {
        bail!("over the {} KB gzip budget: {over:?}", BUDGET_GZIP / 1024);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::made_from;

    /// After a debug build, a release build of unchanged sources must be bound again (and the
    /// other way round): what the site holds is decided by what it was made from.
    #[test]
    fn a_build_of_another_profile_or_content_is_bound_again() {
        let dir = tempfile::tempdir().unwrap();
        let wasm = dir.path().join("app.wasm");
        std::fs::write(&wasm, b"\0asm release").unwrap();
        let release = made_from(&wasm, "wasm-release").unwrap();
        assert_eq!(made_from(&wasm, "wasm-release").unwrap(), release);
        assert_ne!(made_from(&wasm, "dev").unwrap(), release);
        std::fs::write(&wasm, b"\0asm changed").unwrap();
        assert_ne!(made_from(&wasm, "wasm-release").unwrap(), release);
        assert!(made_from(&dir.path().join("missing.wasm"), "dev").is_err());
    }
}
