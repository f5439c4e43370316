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
/// The lazy pages each app fetches once it has loaded and the browser has had a moment (split
/// names without their hash), so that opening them needs no download: a ticket is the portal's
/// and the console's main page after the list (and a new ticket the portal's), lazy to keep the
/// first download within its budget. Every other lazy page is fetched when first opened.
const PREFETCH: [(&str, &[&str]); 3] = [
    ("client", &["ticket_page", "new_ticket_page"]),
    ("operator", &["ticket_page"]),
    ("admin", &[]),
];
/// How long after the page's `load` the prefetch waits (ms): the first screen's own requests go
/// first, even on a slow network.
const PREFETCH_AFTER_LOAD_MS: u32 = 2000;
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
    let mut files = bundle(&dir, &split.prefetch_map)?;
    for chunk in &split.split_modules {
        std::fs::remove_file(chunk)?;
    }
    let loader = dir.join("split.js");
    let prefetch = PREFETCH
        .iter()
        .find(|(name, _)| *name == app)
        .map_or(&[][..], |(_, pages)| pages);
    let js = std::fs::read_to_string(&loader)?;
    std::fs::write(
        &loader,
        load_from_bundles(&js, &split.prefetch_map, prefetch)?,
    )?;
    files.push(loader);
    Ok((main, Some(files)))
}

/// Each `#[lazy]` page as one file, `<split>.bundle`: its module and every chunk it needs
/// (`prefetch_map`: split → the file stems it loads), so that opening it is one request rather
/// than one per chunk — over a hundred for some admin pages, six at a time over HTTP/1.1: seconds
/// on a slow network. A chunk two pages share travels in both bundles; it is instantiated once.
/// Layout (little-endian): the number of parts, then each part's name length, name, byte length
/// and bytes. Answers the bundles written.
fn bundle(
    dir: &Path,
    prefetch_map: &std::collections::HashMap<String, Vec<String>>,
) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (split, stems) in prefetch_map {
        let mut out = Vec::new();
        out.extend_from_slice(&u32::try_from(stems.len())?.to_le_bytes());
        for stem in stems {
            let bytes = std::fs::read(dir.join(format!("{stem}.wasm")))?;
            // Not bound by wasm-bindgen, which removes these sections from the main module.
            let bytes = without_sections(&bytes, &["name", "producers"])?;
            out.extend_from_slice(&u32::try_from(stem.len())?.to_le_bytes());
            out.extend_from_slice(stem.as_bytes());
            out.extend_from_slice(&u32::try_from(bytes.len())?.to_le_bytes());
            out.extend_from_slice(&bytes);
        }
        let path = dir.join(format!("{split}.bundle"));
        std::fs::write(&path, out)?;
        written.push(path);
    }
    written.sort();
    Ok(written)
}

/// The chunk loader `wasm_split_cli_support` wrote (`split.js`), made to take each module from
/// the bundle of the page being opened (`bundle`) instead of fetching it alone, and to fetch the
/// bundles of the `prefetch` pages after the page's load. The loader's text is the pinned
/// version's; a change in it fails the build here rather than loading nothing.
fn load_from_bundles(
    js: &str,
    prefetch_map: &std::collections::HashMap<String, Vec<String>>,
    prefetch: &[&str],
) -> Result<String> {
    let replace_once = |text: &str, from: &str, to: &str| -> Result<String> {
        if text.matches(from).count() != 1 {
            bail!("split.js has changed: `{from}` is not in it once");
        }
        Ok(text.replacen(from, to, 1))
    };
    let mut out = replace_once(
        js,
        "function wrapAsyncCb(callee) {",
        "function wrapAsyncCb(split, callee) {",
    )?;
    out = replace_once(&out, "await callee();", "await fromBundle(split, callee);")?;
    // `fetch(new URL("./<stem>.wasm", import.meta.url))` → `part("<stem>")`.
    const FETCH: &str = "fetch(new URL(\"./";
    const FETCHED: &str = ".wasm\", import.meta.url))";
    while let Some(at) = out.find(FETCH) {
        let stem_at = at + FETCH.len();
        let end = out[stem_at..]
            .find(FETCHED)
            .context("split.js has changed: a fetch without its end")?
            + stem_at;
        let stem = out[stem_at..end].to_string();
        out.replace_range(at..end + FETCHED.len(), &format!("part(\"{stem}\")"));
    }
    // Each page's loader names its page: `wrapAsyncCb("<split>", makeLoad(…`.
    const EXPORT: &str = "export const __wasm_split_load_";
    const WRAPPED: &str = " = wrapAsyncCb(makeLoad(";
    let mut named = String::with_capacity(out.len());
    for line in out.split_inclusive('\n').filter(|l| !is_comment(l)) {
        match line
            .strip_prefix(EXPORT)
            .and_then(|l| l.split_once(WRAPPED))
        {
            Some((split, rest)) => named.push_str(&format!(
                "{EXPORT}{split} = wrapAsyncCb(\"{split}\", makeLoad({rest}"
            )),
            None if line.contains("wrapAsyncCb(makeLoad(") => {
                bail!("split.js has changed: a page loader not on its own line")
            }
            None => named.push_str(line),
        }
    }
    let mut pages: Vec<&String> = prefetch_map
        .keys()
        .filter(|split| {
            split
                .rsplit_once('_')
                .is_some_and(|(page, _)| prefetch.contains(&page))
        })
        .collect();
    pages.sort();
    if pages.len() != prefetch.len() {
        bail!("prefetched pages {prefetch:?} are not all lazy pages: found {pages:?}");
    }
    let runtime = include_str!("bundles.js")
        .replace("[/* prefetch */]", &format!("{pages:?}"))
        .replace("/* after load */", &PREFETCH_AFTER_LOAD_MS.to_string());
    named.extend(runtime.split_inclusive('\n').filter(|l| !is_comment(l)));
    Ok(named)
}

/// A line of JavaScript that is only a comment: part of every app's first download, so left out.
fn is_comment(line: &str) -> bool {
    let line = line.trim();
    line.starts_with("//") || (line.starts_with("/*") && line.ends_with("*/"))
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
    // And the split: `#[lazy]` pages apart, each in a bundle; relocations dropped.
    Ok(format!(
        "{profile} {} {:016x} {gzip} split into bundles\n",
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
/// wasm, its JS, and for a split app the chunk loader its JS imports — and its `#[lazy]` pages'
/// bundles, summed (a chunk two pages share counts in both); fails if a first download is over
/// budget.
pub fn size(root: &Path) -> Result<()> {
    let pkg = site_dir(root).join("pkg");
    println!(
        "{:<10} {:>12} {:>12} {:>31}",
        "app", "raw bytes", "gzip bytes", "lazy pages' bundles, gzip"
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
                if path.to_string_lossy().ends_with(".bundle.gz") {
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
    use super::{load_from_bundles, made_from, without_sections, LINKER_ONLY};
    use std::collections::HashMap;

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

    /// A loader as `wasm_split_cli_support` 0.2 writes it, cut down to one chunk and two pages.
    const LOADER: &str = r#"import { initSync } from "../app.js";
function wrapAsyncCb(callee) {
    return async (callbackIndex, callbackData) => {
        let success;
        try {
            await callee();
            success = true;
        } catch (e) {}
    }
}
/* ticket_page_1, help_page_2 */
const __chunk_3 = makeLoad(() => {
    const src = fetch(new URL("./chunk_3.wasm", import.meta.url));
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);
export const __wasm_split_load_ticket_page_1 = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_ticket_page_1.wasm", import.meta.url));
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, [__chunk_3]));
export const __wasm_split_load_help_page_2 = wrapAsyncCb(makeLoad(() => async (_imp) => ({}), [__chunk_3]));
"#;

    /// Every module is taken from the bundle of the page being opened, each page's loader names
    /// its page, only the pages asked for are prefetched, and comments go.
    #[test]
    fn the_loader_takes_each_module_from_its_pages_bundle() {
        let pages: HashMap<String, Vec<String>> = HashMap::from([
            (
                "ticket_page_1".into(),
                vec!["chunk_3".into(), "split_ticket_page_1".into()],
            ),
            ("help_page_2".into(), vec!["chunk_3".into()]),
        ]);
        let js = load_from_bundles(LOADER, &pages, &["ticket_page"]).unwrap();
        assert!(!js.contains("fetch(new URL(\"./"), "{js}");
        assert!(js.contains(r#"const src = part("chunk_3");"#));
        assert!(js.contains(r#"const src = part("split_ticket_page_1");"#));
        assert!(js.contains(
            r#"export const __wasm_split_load_ticket_page_1 = wrapAsyncCb("ticket_page_1", makeLoad("#
        ));
        assert!(js.contains(
            r#"export const __wasm_split_load_help_page_2 = wrapAsyncCb("help_page_2", makeLoad("#
        ));
        assert!(js.contains("function wrapAsyncCb(split, callee) {"));
        assert!(js.contains("await fromBundle(split, callee);"));
        assert!(js.contains(r#"const prefetched = ["ticket_page_1"];"#));
        assert!(!js.contains("/*") && !js.contains("//"), "{js}");
        // A page to prefetch that is not lazy, or a loader written differently, stops the build.
        assert!(load_from_bundles(LOADER, &pages, &["account_page"]).is_err());
        let changed = LOADER.replace("await callee();", "await callee(callbackData);");
        assert!(load_from_bundles(&changed, &pages, &[]).is_err());
    }
}
