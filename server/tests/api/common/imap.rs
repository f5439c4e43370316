//! A real IMAP server for the incoming-mail tests: Debian's Dovecot (`dovecot-imapd`, installed
//! by `cargo xtask test` when missing), run by each test unprivileged with its own temporary
//! configuration, on a port of its own, holding one mailbox (`support`). A test delivers mail
//! by writing it into the mailbox's Maildir, as a mail server's delivery agent does.

use super::free_port;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const DOVECOT: &str = "/usr/sbin/dovecot";
pub const USER: &str = "support";
pub const PASSWORD: &str = "mailbox-secret";

pub struct ImapServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
    /// Who owns the mail: the account Dovecot reads it as.
    owner: (u32, u32),
}

/// The user and group the server runs as, and their ids: ours, or Dovecot's own when we are
/// root (Dovecot will not serve mail as root).
fn identity() -> (String, String, u32, u32) {
    let name = if my_uid() == 0 {
        "dovecot".to_string()
    } else {
        id(&["-un"])
    };
    let group = id(&["-gn", &name]);
    let number = |flag: &str| {
        id(&[flag, &name])
            .parse()
            .unwrap_or_else(|_| panic!("no user {name}: is dovecot-imapd installed?"))
    };
    let (uid, gid) = (number("-u"), number("-g"));
    (name, group, uid, gid)
}

fn my_uid() -> u32 {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .expect("/proc/self")
}

/// What `id` says.
fn id(args: &[&str]) -> String {
    let out = Command::new("id").args(args).output().expect("id");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl ImapServer {
    pub async fn start() -> ImapServer {
        assert!(
            Path::new(DOVECOT).exists(),
            "the e-mail tests need Debian's dovecot-imapd: run `cargo xtask test`, which \
             installs it, or `apt-get install -y dovecot-imapd`"
        );
        let dir = tempfile::tempdir().expect("a directory for Dovecot");
        let root = dir.path();
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let (user, group, uid, gid) = identity();
        let mail = root.join("mail");
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(mail.join(USER).join(sub)).unwrap();
        }
        std::fs::create_dir_all(root.join("home")).unwrap();
        for path in [
            mail.clone(),
            mail.join(USER),
            mail.join(USER).join("cur"),
            mail.join(USER).join("new"),
            mail.join(USER).join("tmp"),
            root.join("home"),
        ] {
            std::os::unix::fs::chown(&path, Some(uid), Some(gid)).unwrap();
        }
        std::fs::write(root.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        let port = free_port();
        // Logins run as Dovecot's unprivileged `dovenull` when we are root, as us otherwise.
        let login = if my_uid() != 0 {
            user.clone()
        } else {
            "dovenull".to_string()
        };
        let root_text = root.display();
        let config = format!(
            "base_dir = {root_text}/run\n\
             state_dir = {root_text}/state\n\
             log_path = {root_text}/log\n\
             protocols = imap\n\
             listen = 127.0.0.1\n\
             ssl = no\n\
             disable_plaintext_auth = no\n\
             auth_mechanisms = plain login\n\
             default_internal_user = {user}\n\
             default_internal_group = {group}\n\
             default_login_user = {login}\n\
             first_valid_uid = {uid}\n\
             mail_location = maildir:{root_text}/mail/%u\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    port = {port}\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN {root_text}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={uid} gid={gid} home={root_text}/home/%u\n}}\n"
        );
        let conf = root.join("dovecot.conf");
        std::fs::write(&conf, config).unwrap();
        let child = Command::new(DOVECOT)
            .arg("-F")
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dovecot");
        let server = ImapServer {
            port,
            dir,
            child,
            owner: (uid, gid),
        };
        let start = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "dovecot did not start on port {port}: {}",
                std::fs::read_to_string(server.dir.path().join("log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    /// The mailbox's URL, as the admin would set it.
    pub fn url(&self) -> String {
        format!("imap://{USER}:{PASSWORD}@127.0.0.1:{}/INBOX", self.port)
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("mail").join(USER)
    }

    /// Delivers one message into the mailbox.
    pub fn deliver(&self, raw: &str) {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "{}.{}_{}.salter-test",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let tmp = self.maildir().join("tmp").join(&name);
        std::fs::write(&tmp, raw.replace("\r\n", "\n").replace('\n', "\r\n")).unwrap();
        std::os::unix::fs::chown(&tmp, Some(self.owner.0), Some(self.owner.1)).unwrap();
        std::fs::rename(&tmp, self.maildir().join("new").join(&name)).unwrap();
    }
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
