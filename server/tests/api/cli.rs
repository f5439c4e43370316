//! The `salter` binary itself: the bootstrap password printed once, never logged, and the
//! locked-out admin's reset from the machine (with its second factor, when told).

use crate::common::{Printed, Process, SALTER};
use std::process::Command;

/// Starts `salter serve` on a free port, waits until it listens, then stops it.
fn serve_once(db_url: &str) -> Printed {
    let files = tempfile::tempdir().expect("files directory");
    Process::start(db_url, files.path()).kill()
}

/// The admin signing in to the admin app with `password` (and no code).
fn attempt(password: &str) -> app::dto::Credentials {
    app::dto::Credentials {
        username: "admin".into(),
        password: password.into(),
        app: app::dto::Role::Admin,
        code: None,
    }
}

fn printed_password(stdout: &str) -> Option<String> {
    stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("one-time password:"))
        .map(|p| p.trim().to_string())
}

#[test]
fn the_bootstrap_password_is_printed_once_and_never_logged() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("salter.db").display());
    let first = serve_once(&url);
    let password = printed_password(&first.stdout).expect("the first start prints a password");
    assert!(password.len() >= 16);
    assert!(first.stdout.contains("username:           admin"));
    assert!(
        !first.log.contains(&password),
        "the password reached the log"
    );
    let second = serve_once(&url);
    assert_eq!(
        printed_password(&second.stdout),
        None,
        "printed again:\n{}",
        second.stdout
    );
}

#[test]
fn a_start_on_a_taken_port_creates_nobody_and_the_next_prints_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("salter.db").display());
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let failed = Command::new(SALTER)
        .args([
            "serve",
            "--bind",
            &port,
            "--site-dir",
            "/nonexistent",
            "--files-dir",
        ])
        .arg(dir.path().join("files"))
        .env("SALTER_DATABASE_URL", &url)
        .output()
        .expect("run salter");
    assert!(!failed.status.success());
    let stdout = String::from_utf8_lossy(&failed.stdout);
    assert_eq!(printed_password(&stdout), None, "printed: {stdout}");
    assert!(String::from_utf8_lossy(&failed.stderr).contains(&port));
    drop(taken);
    let next = serve_once(&url);
    assert!(
        printed_password(&next.stdout).is_some(),
        "the next start shows the password:\n{}",
        next.stdout
    );
}

#[test]
fn an_admin_password_is_reset_from_the_machine() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("salter.db").display());
    let first = printed_password(&serve_once(&url).stdout).unwrap();
    let reset = Command::new(SALTER)
        .args(["admin", "reset-password", "admin"])
        .env("SALTER_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(reset.status.success());
    let fresh = printed_password(&String::from_utf8_lossy(&reset.stdout)).expect("a new password");
    assert_ne!(fresh, first);

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use app::server::{sign_in, AppState, Config, Db};
        let state = AppState::new(Db::open(&url).await.unwrap(), Config::default());
        let ip = std::net::IpAddr::from([127, 0, 0, 1]);
        assert!(sign_in::sign_in(&state, ip, "", &attempt(&first))
            .await
            .is_err());
        let (me, _) = sign_in::sign_in(&state, ip, "", &attempt(&fresh))
            .await
            .unwrap();
        assert!(me.must_change_password);
    });

    let unknown = Command::new(SALTER)
        .args(["admin", "reset-password", "nobody.here"])
        .env("SALTER_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("nobody.here"));
}

/// `salter admin reset-password` run with its output captured (no terminal to ask on).
fn reset_from_the_machine(url: &str, extra: &[&str]) -> String {
    let out = Command::new(SALTER)
        .args(["admin", "reset-password", "admin"])
        .args(extra)
        .env("SALTER_DATABASE_URL", url)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_machine_removes_an_admins_second_factor_only_when_told() {
    use app::error::AppError;
    use app::server::{auth, sign_in, totp, two_factor, AppState, Config, Db};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("salter.db").display());
    let first = printed_password(&serve_once(&url).stdout).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ip = std::net::IpAddr::from([127, 0, 0, 1]);
    let state = rt.block_on(async {
        let state = AppState::new(Db::open(&url).await.unwrap(), Config::default());
        let (_, token) = sign_in::sign_in(&state, ip, "", &attempt(&first))
            .await
            .unwrap();
        let session = auth::resolve_session(&state, &token)
            .await
            .unwrap()
            .unwrap();
        let setup = two_factor::begin(&state, &session).await.unwrap();
        let secret = totp::from_base32(&setup.secret).unwrap();
        let code = totp::code_at(&secret, totp::step_at(state.clock.now_ms())).unwrap();
        two_factor::confirm(&state, &session, &code).await.unwrap();
        state
    });

    // Without being told, it keeps the second factor and says how to remove it.
    let kept = reset_from_the_machine(&url, &[]);
    assert!(kept.contains("--second-factor"), "{kept}");
    let fresh = printed_password(&kept).unwrap();
    let refused = rt.block_on(sign_in::sign_in(&state, ip, "", &attempt(&fresh)));
    assert_eq!(refused.err(), Some(AppError::SecondFactorNeeded));

    let removed = reset_from_the_machine(&url, &["--second-factor"]);
    assert!(removed.contains("second factor is removed"), "{removed}");
    let fresh = printed_password(&removed).unwrap();
    let (me, _) = rt
        .block_on(sign_in::sign_in(&state, ip, "", &attempt(&fresh)))
        .unwrap();
    assert!(me.must_change_password);
}

#[test]
fn bad_settings_are_refused_before_anything_is_touched() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("salter.db");
    let out = Command::new(SALTER)
        .args(["serve", "--time-zone", "Mars/Olympus"])
        .env("SALTER_DATABASE_URL", format!("sqlite://{}", db.display()))
        .output()
        .expect("run salter");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown time zone \"Mars/Olympus\""),
        "{stderr}"
    );
    assert!(!db.exists(), "no database was created");
}

/// The directories Šalter makes for its data hold password hashes and clients' files: only the
/// user running it may read them.
#[cfg(unix)]
#[test]
fn the_data_directories_it_makes_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = format!("sqlite://{}", data.join("salter.db").display());
    let files = dir.path().join("files");
    Process::start(&url, &files).kill();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    let backup = dir.path().join("backups/today");
    let out = Command::new(SALTER)
        .args(["backup"])
        .arg(&backup)
        .arg("--files-dir")
        .arg(&files)
        .env("SALTER_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&backup), 0o700);
    assert_eq!(mode(&dir.path().join("backups")), 0o700);
}

#[test]
fn the_vendor_signs_a_licence_and_the_admin_installs_it_from_the_machine() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("salter.db").display());
    let key = dir.path().join("vendor.key");
    let salter = |args: &[&str], test_key: Option<&str>| {
        let mut command = Command::new(SALTER);
        command
            .args(args)
            .env("SALTER_DATABASE_URL", &url)
            .env_remove("SALTER_LICENCE_TEST_KEY");
        if let Some(public) = test_key {
            command.env("SALTER_LICENCE_TEST_KEY", public);
        }
        let out = command.output().expect("run salter");
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).to_string();
        (out.status.success(), text(&out.stdout), text(&out.stderr))
    };
    let (made, public, _) = salter(&["license", "keygen", key.to_str().unwrap()], None);
    assert!(made);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the private key is its owner's alone");
    }
    let (again, _, error) = salter(&["license", "keygen", key.to_str().unwrap()], None);
    assert!(!again && error.contains("must not exist"), "{error}");

    let (signed, licence, error) = salter(
        &[
            "license",
            "issue",
            "--key",
            key.to_str().unwrap(),
            "--licensee",
            "Acme d.o.o.",
            "--operators",
            "10",
            "--expires",
            "2999-12-31",
        ],
        None,
    );
    assert!(signed, "{error}");
    assert!(licence.contains("licensee: Acme d.o.o.\n") && licence.contains("operators: 10\n"));
    let file = dir.path().join("acme.licence");
    std::fs::write(&file, &licence).unwrap();
    let tampered = dir.path().join("tampered.licence");
    std::fs::write(&tampered, licence.replace("operators: 10", "operators: 99")).unwrap();
    let install = |file: &std::path::Path, key: Option<&str>| {
        salter(&["license", "install", file.to_str().unwrap()], key)
    };
    let public = public.trim();

    let (ok, _, error) = install(&file, None);
    assert!(
        !ok && error.contains("not signed by the Šalter vendor's key"),
        "{error}"
    );
    let (ok, _, error) = install(&tampered, Some(public));
    assert!(
        !ok && error.contains("changed after it was signed"),
        "{error}"
    );
    let (ok, said, error) = install(&file, Some(public));
    assert!(ok, "{error}");
    assert!(
        said.contains(
            "licensed to Acme d.o.o.; admins unlimited, operators 10; valid through 2999-12-31"
        ),
        "{said}"
    );
}

/// `salter` with the database at `url`, the files in `files` and their key in `key`.
fn files_command(
    url: &str,
    files: &std::path::Path,
    key: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    Command::new(SALTER)
        .args(args)
        .arg("--files-dir")
        .arg(files)
        .arg("--files-key-file")
        .arg(key)
        .env("SALTER_DATABASE_URL", url)
        .env_remove("SALTER_FILES_KEY")
        .output()
        .expect("run salter")
}

#[test]
fn files_stored_before_sealing_are_sealed_at_start_and_a_new_key_replaces_the_old() {
    use app::server::attachments::{keys::KeySource, seal};
    const MARKER: &[u8] = b"MARKER-stored-before-sealing";
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("salter.db").display());
    let files = dir.path().join("files");
    let key = dir.path().join("keys/files.key");
    std::fs::create_dir_all(&files).unwrap();
    let older = files.join("0123456789abcdef0123456789abcdef");
    std::fs::write(&older, MARKER).unwrap();

    Process::start_with(&url, &files, &["--files-key-file", key.to_str().unwrap()]).kill();
    let on_disk = std::fs::read(&older).unwrap();
    assert!(
        !on_disk.windows(MARKER.len()).any(|w| w == MARKER),
        "sealed at start"
    );
    let source = KeySource::File(key.clone());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let read = |source: &KeySource| {
        rt.block_on(async {
            use futures_util::StreamExt;
            let ring = source.ring(&files).await.unwrap();
            let mut content = seal::open(&older, &ring).await.unwrap();
            let mut plain = Vec::new();
            while let Some(chunk) = content.next().await {
                plain.extend_from_slice(&chunk.unwrap());
            }
            plain
        })
    };
    assert_eq!(read(&source), MARKER);
    let first_key = std::fs::read_to_string(&key).unwrap();

    let rotated = files_command(&url, &files, &key, &["files", "rotate-key"]);
    let said = String::from_utf8_lossy(&rotated.stdout);
    assert!(rotated.status.success(), "{rotated:?}");
    assert!(said.contains("1 of 1 files rewritten"), "{said}");
    assert!(said.contains("removed from"), "{said}");
    assert_ne!(std::fs::read_to_string(&key).unwrap(), first_key);
    assert_eq!(read(&source), MARKER, "readable with the new key");
    rt.block_on(async {
        use app::server::{audit, AppState, Config, Db};
        let state = AppState::new(Db::open(&url).await.unwrap(), Config::default());
        let query = app::audit::AuditQuery {
            action: Some(app::audit::Action::FilesKeyRotated),
            ..Default::default()
        };
        let page = audit::list(&state, &query).await.unwrap();
        assert_eq!(
            page.entries.len(),
            1,
            "the machine's act is in the audit log"
        );
    });

    // Without its key, the files directory cannot be served: said, and nothing made anew.
    // (A taken port makes sure it stops even if it did not refuse.)
    std::fs::remove_file(&key).unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let refused = files_command(&url, &files, &key, &["serve", "--bind", &port]);
    assert!(!refused.status.success());
    let log = String::from_utf8_lossy(&refused.stderr);
    assert!(log.contains("key file") && log.contains("missing"), "{log}");
    assert!(!key.exists());
}
