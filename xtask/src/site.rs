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
/// Apps whose lazy chunks the browser fetches at idle once the app has started (`<link
/// rel=prefetch>`), so that opening the page they hold needs no download: a ticket is the
/// portal's and the console's main page after the list, and lazy to keep the first download
/// within its budget. The admin's pages stay on demand.
const PREFETCH_CHUNKS: &[&str] = &["client", "operator"];
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
            let (main, chunks) = split(&wasm, &pkg, app)?;
            wasm_bindgen_cli_support::Bindgen::new()
                .input_path(&main)
                .web(true)?
                .typescript(false)
                .keep_debug(false)
                .remove_name_section(release)
                .remove_producers_section(true)
                // The chunks link to the main module by these names.
                .keep_lld_exports(chunks.is_some())
                .demangle(chunks.is_none())
                .out_name(app)
                .generate(&pkg)
                .with_context(|| format!("wasm-bindgen on {}", main.display()))?;
            let mut files = vec![pkg.join(format!("{app}_bg.wasm")), js.clone()];
            if let Some(chunks) = chunks {
                link_chunks(&js, app)?;
                files.extend(chunks);
            }
            for file in files {
                gzip_beside(&file, release)?;
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
        let html = include_str!("../index.html")
            .replace("{prefetch}", &prefetch_links(&pkg, app)?)
            .replace("{app}", app);
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

/// `<link rel=prefetch>` lines for an app's lazy chunks, if it is one of `PREFETCH_CHUNKS`.
fn prefetch_links(pkg: &Path, app: &str) -> Result<String> {
    let dir = pkg.join(app);
    if !PREFETCH_CHUNKS.contains(&app) || !dir.exists() {
        return Ok(String::new());
    }
    let mut chunks: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".wasm"))
        .collect();
    chunks.sort();
    Ok(chunks
        .iter()
        .map(|chunk| {
            format!(
                "<link rel=\"prefetch\" href=\"/pkg/{app}/{chunk}\" as=\"fetch\" type=\"application/wasm\" crossorigin>\n"
            )
        })
        .collect())
}

/// What `#[lazy]` code marks in a wasm: its imports from the module that loads chunks.
const SPLIT_MARK: &[u8] = b"__wasm_split_placeholder__";

/// An app with `#[lazy]` pages is split (Leptos' `wasm_split`): the main module, which
/// wasm-bindgen binds as usual, and chunks loaded the first time their code runs, each with
/// the loader `split.js`, all in `pkg/<app>/`. Answers the wasm to bind and, for a split app,
/// the files of its directory; an app without lazy pages is bound as it is.
fn split(wasm: &Path, pkg: &Path, app: &str) -> Result<(PathBuf, Option<Vec<PathBuf>>)> {
    let dir = pkg.join(app);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    let input = std::fs::read(wasm)?;
    if !input.windows(SPLIT_MARK.len()).any(|w| w == SPLIT_MARK) {
        // Bound as it is, less the relocations kept for splitting (they would triple it).
        let bare = wasm.with_extension("bare.wasm");
        std::fs::write(&bare, without_sections(&input, LINKER_ONLY)?)?;
        return Ok((bare, None));
    }
    let main = wasm.with_extension("main.wasm");
    let main_module = format!("../{app}.js");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = &dir;
    options.main_out_path = &main;
    options.link_name = "./split.js";
    options.main_module = &main_module;
    let split = wasm_split_cli_support::transform(options)
        .map_err(|e| anyhow::anyhow!("splitting {}: {e:?}", wasm.display()))?;
    // The chunks are not bound by wasm-bindgen, which removes these sections from the main one.
    for chunk in &split.split_modules {
        let bytes = std::fs::read(chunk)?;
        std::fs::write(chunk, without_sections(&bytes, &["name", "producers"])?)?;
    }
    let mut files = split.split_modules;
    files.push(dir.join("split.js"));
    Ok((main, Some(files)))
}

/// The linker's custom sections that `--emit-relocs` keeps (`reloc.` names a prefix).
const LINKER_ONLY: &[&str] = &["linking", "reloc."];

/// A wasm module without the custom sections named in `drop` (a name ending in `.` drops every
/// section it begins). Sections are `id, size (LEB128), payload`; a custom one (id 0) starts
/// with its name.
fn without_sections(wasm: &[u8], drop: &[&str]) -> Result<Vec<u8>> {
    fn leb(bytes: &[u8], at: &mut usize) -> Result<usize> {
        let (mut value, mut shift) = (0usize, 0);
        loop {
            let byte = *bytes.get(*at).context("truncated wasm")?;
            *at += 1;
            value |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
            shift += 7;
        }
    }
    let mut out = wasm.get(..8).context("not a wasm module")?.to_vec();
    let mut at = 8;
    while at < wasm.len() {
        let start = at;
        let id = wasm[at];
        at += 1;
        let size = leb(wasm, &mut at)?;
        let end = at + size;
        let section = wasm.get(start..end).context("truncated wasm")?;
        let dropped = id == 0 && {
            let mut name_at = at;
            let len = leb(wasm, &mut name_at)?;
            let name = wasm.get(name_at..name_at + len).context("truncated wasm")?;
            drop.iter().any(|d| match d.strip_suffix('.') {
                Some(_) => name.starts_with(d.as_bytes()),
                None => name == d.as_bytes(),
            })
        };
        if !dropped {
            out.extend_from_slice(section);
        }
        at = end;
    }
    Ok(out)
}

/// The main module imports its loader as `./split.js`, a name that the chunks' directory
/// resolves; from `pkg/<app>.js` it is `./<app>/split.js`.
fn link_chunks(js: &Path, app: &str) -> Result<()> {
    let text = std::fs::read_to_string(js)?;
    let linked = text.replace(
        r#"from "./split.js""#,
        &format!(r#"from "./{app}/split.js""#),
    );
    if linked == text {
        bail!("{} does not import ./split.js", js.display());
    }
    std::fs::write(js, linked)?;
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
    // And the split: `#[lazy]` chunks apart, relocations dropped.
    Ok(format!(
        "{profile} {} {:016x} {gzip} split\n",
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

/// Prints each app's first download — the `.gz` files the server sends when it opens: its
/// wasm, its JS, and for a split app the chunk loader its JS imports — and what its `#[lazy]`
/// pages add when first opened; fails if a first download is over budget.
pub fn size(root: &Path) -> Result<()> {
    let pkg = site_dir(root).join("pkg");
    println!(
        "{:<10} {:>12} {:>12} {:>22}",
        "app", "raw bytes", "gzip bytes", "lazy pages, gzip"
    );
    let mut over = Vec::new();
    for (app, _, _) in APPS {
        let (mut raw, mut gz) = (0, 0);
        let chunks = pkg.join(app);
        let mut first = vec![
            pkg.join(format!("{app}_bg.wasm")),
            pkg.join(format!("{app}.js")),
            pkg.join(format!("{app}-start.js")),
        ];
        if chunks.exists() {
            first.push(chunks.join("split.js"));
        }
        for path in first {
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
        let mut lazy = 0;
        if chunks.exists() {
            for entry in std::fs::read_dir(&chunks)? {
                let path = entry?.path();
                if path.to_string_lossy().ends_with(".wasm.gz") {
                    lazy += std::fs::metadata(&path)?.len();
                }
            }
        }
        println!(
            "{app:<10} {raw:>12} {gz:>12}   ({:.1} KB gzip) {:>10.1} KB",
            gz as f64 / 1024.0,
            lazy as f64 / 1024.0
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
    use super::{made_from, without_sections, LINKER_ONLY};

    /// A custom section (id 0): its size, its name, its payload.
    fn custom(name: &str, payload: &[u8]) -> Vec<u8> {
        let mut body = vec![name.len() as u8];
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(payload);
        let mut section = vec![0, body.len() as u8];
        section.extend(body);
        section
    }

    /// The linker's sections go, everything else stays byte for byte, in order.
    #[test]
    fn only_the_named_custom_sections_are_dropped() {
        let header = b"\0asm\x01\0\0\0".to_vec();
        let types = vec![1, 1, 0]; // a type section holding no types
        let kept = custom("target_features", b"+x");
        let mut wasm = header.clone();
        for part in [
            custom("linking", b"\x02"),
            types.clone(),
            custom("reloc.CODE", b"\x0a\0"),
            kept.clone(),
            custom("relocated", b"!"),
        ] {
            wasm.extend(part);
        }
        let expected = [header, types, kept, custom("relocated", b"!")].concat();
        assert_eq!(without_sections(&wasm, LINKER_ONLY).unwrap(), expected);
        assert!(without_sections(&wasm[..wasm.len() - 1], LINKER_ONLY).is_err());
    }

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
