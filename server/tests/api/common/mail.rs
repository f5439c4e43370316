//! A real SMTP server for the e-mail tests: Debian's `python3-aiosmtpd` (installed by
//! `cargo xtask test` when missing), run by each test on a port of its own, storing every
//! message it accepts in a Maildir the test reads.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PYTHON: &str = "/usr/bin/python3";

pub struct MailServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

/// One stored message, parsed.
pub struct Mail {
    pub raw: String,
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
}

/// A port nothing listens on now (the test's own servers start there; the benchmark that
/// includes this file too).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl MailServer {
    /// A new server on a free port.
    pub async fn start() -> MailServer {
        let mut server = MailServer {
            port: free_port(),
            dir: tempfile::tempdir().expect("a Maildir"),
            child: None,
        };
        server.resume().await;
        server
    }

    /// A port where no SMTP server is yet: `resume` starts it there.
    pub fn not_yet() -> MailServer {
        MailServer {
            port: free_port(),
            dir: tempfile::tempdir().expect("a Maildir"),
            child: None,
        }
    }

    /// Where the server keeps what it accepts (it makes the Maildir itself).
    fn maildir(&self) -> std::path::PathBuf {
        self.dir.path().join("maildir")
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) on its port, keeping what it stored.
    pub async fn resume(&mut self) {
        assert!(
            Path::new(PYTHON).exists(),
            "the e-mail tests need Debian's python3-aiosmtpd: run `cargo xtask test`, which \
             installs it, or `apt-get install -y python3-aiosmtpd`"
        );
        let child = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd (apt-get install -y python3-aiosmtpd)");
        self.child = Some(child);
        let start = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start on port {}",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server (a mail server going down).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every message stored so far, in the order received.
    pub fn messages(&self) -> Vec<Mail> {
        let mut files: Vec<_> = ["new", "cur"]
            .iter()
            .filter_map(|d| std::fs::read_dir(self.maildir().join(d)).ok())
            .flatten()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        // Maildir names start with the time of delivery in seconds; the modification time in
        // nanoseconds orders messages within one second.
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .map(|raw| parse(&raw))
            .collect()
    }

    /// Waits until at least `n` messages are stored (failing after a while); all of them.
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        let start = Instant::now();
        loop {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "{} e-mails arrived, {n} awaited",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn parse(raw: &[u8]) -> Mail {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a stored message parses");
    let to = message
        .to()
        .and_then(|to| to.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_string();
    Mail {
        raw: String::from_utf8_lossy(raw).into_owned(),
        to,
        subject: message.subject().unwrap_or_default().to_string(),
        message_id: message.message_id().unwrap_or_default().to_string(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
    }
}
