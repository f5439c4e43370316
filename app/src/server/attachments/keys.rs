//! The keys attachments are sealed with, kept outside the database: a key file (by default
//! beside the files directory, `data/files.key`) or the `SALTER_FILES_KEY` environment variable.
//!
//! Both hold a **ring**: one key per line (32 bytes in base64), the first the one new files are
//! sealed with, the ones after it old keys still read. Each key is named by its id, the first 8
//! bytes of its SHA-256, which each sealed file carries in its header. A key file is read afresh
//! each time a file is sealed or opened, so a rotation (`salter files rotate-key`) reaches every
//! running process without a restart.

use base64::Engine;
use chacha20poly1305::Key;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Where the ring comes from.
#[derive(Clone, Debug)]
pub enum KeySource {
    /// A file, made with one new key the first time it is needed when no sealed file exists.
    File(PathBuf),
    /// The keys themselves (`SALTER_FILES_KEY`), separated by spaces, commas or new lines.
    Given(String),
}

/// A key's name in sealed files' headers.
pub type KeyId = [u8; 8];

/// One key of the ring.
#[derive(Clone)]
pub struct FileKey {
    pub id: KeyId,
    pub key: Key,
}

impl FileKey {
    /// A new random key.
    pub fn generate() -> FileKey {
        FileKey::from_bytes(rand::random::<[u8; 32]>())
    }

    fn from_bytes(bytes: [u8; 32]) -> FileKey {
        let digest = Sha256::digest(bytes);
        let mut id = [0; 8];
        id.copy_from_slice(&digest[..8]);
        FileKey {
            id,
            key: Key::from(bytes),
        }
    }

    /// The key as a line of the ring.
    pub fn encoded(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.key.as_slice())
    }

    /// The id as people read it (16 hex digits).
    pub fn id_text(&self) -> String {
        id_text(&self.id)
    }
}

/// An id as people read it (16 hex digits).
pub fn id_text(id: &KeyId) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why the keys cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the attachments' key file {0} is missing, and the files directory holds files sealed with a key (id {1}): put the key file back (or set SALTER_FILES_KEY)")]
    Missing(PathBuf, String),
    #[error("the attachments' keys in {0}: {1}")]
    Unreadable(String, String),
    #[error("no key opens this file (sealed with key id {0}): the key ring lacks it")]
    Unknown(String),
    #[error("the attachments' files: {0}")]
    Io(#[from] std::io::Error),
}

/// The ring: the current key first, then the old ones.
#[derive(Clone)]
pub struct Ring(Vec<FileKey>);

impl Ring {
    /// Reads a ring from its text; `from` names where it came from in errors.
    pub fn parse(text: &str, from: &str) -> Result<Ring, KeyError> {
        let bad = |why: String| KeyError::Unreadable(from.to_string(), why);
        let mut keys = Vec::new();
        for word in text
            .lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .flat_map(|line| line.split([' ', ',', '\t']))
            .filter(|word| !word.is_empty())
        {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(word.trim())
                .map_err(|_| bad("a key is not base64".to_string()))?;
            let bytes: [u8; 32] = bytes
                .try_into()
                .map_err(|_| bad("a key is not 32 bytes long".to_string()))?;
            keys.push(FileKey::from_bytes(bytes));
        }
        if keys.is_empty() {
            return Err(bad("no key in it".to_string()));
        }
        Ok(Ring(keys))
    }

    /// The ring as a key file holds it.
    pub fn text(&self) -> String {
        let mut text = String::from(
            "# Šalter's attachment keys: the first seals new files, the others are old keys still read.\n\
             # Keep this file apart from the database and the files directory, and in no backup beside them.\n",
        );
        for key in &self.0 {
            text.push_str(&key.encoded());
            text.push('\n');
        }
        text
    }

    /// The key new files are sealed with.
    pub fn current(&self) -> &FileKey {
        &self.0[0]
    }

    /// The key named `id`.
    pub fn find(&self, id: &KeyId) -> Result<&FileKey, KeyError> {
        self.0
            .iter()
            .find(|key| &key.id == id)
            .ok_or_else(|| KeyError::Unknown(id_text(id)))
    }

    /// The old keys, still read.
    pub fn old(&self) -> impl Iterator<Item = &FileKey> {
        self.0.iter().skip(1)
    }

    /// This ring with `key` in front.
    pub fn with_first(&self, key: FileKey) -> Ring {
        let mut keys = vec![key];
        keys.extend(self.0.iter().cloned());
        Ring(keys)
    }

    /// Only the current key.
    pub fn current_only(&self) -> Ring {
        Ring(vec![self.current().clone()])
    }
}

impl KeySource {
    /// The default key file of a files directory: `data/files` → `data/files.key`, outside it.
    pub fn beside(files_dir: &Path) -> KeySource {
        let mut name = files_dir.as_os_str().to_owned();
        name.push(".key");
        KeySource::File(PathBuf::from(name))
    }

    /// The ring. A key file that does not exist yet is made with a new key — unless the files
    /// directory already holds sealed files, whose key would then be lost: that is an error that
    /// says so.
    pub async fn ring(&self, files_dir: &Path) -> Result<Ring, KeyError> {
        match self {
            KeySource::Given(text) => Ring::parse(text, "SALTER_FILES_KEY"),
            KeySource::File(path) => {
                let from = path.display().to_string();
                match tokio::fs::read_to_string(path).await {
                    Ok(text) => Ring::parse(&text, &from),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        if let Some(id) = super::seal::any_sealed(files_dir).await {
                            return Err(KeyError::Missing(path.clone(), id_text(&id)));
                        }
                        let ring = Ring(vec![FileKey::generate()]);
                        write_new(path, &ring.text())
                            .await
                            .map_err(|e| KeyError::Unreadable(from.clone(), e.to_string()))?;
                        // Another process may have made it first: theirs counts.
                        let text = tokio::fs::read_to_string(path)
                            .await
                            .map_err(|e| KeyError::Unreadable(from.clone(), e.to_string()))?;
                        Ring::parse(&text, &from)
                    }
                    Err(e) => Err(KeyError::Unreadable(from, e.to_string())),
                }
            }
        }
    }

    /// Puts `ring` in the key file in one step (written aside, flushed, renamed).
    pub async fn replace(&self, ring: &Ring) -> Result<(), KeyError> {
        let KeySource::File(path) = self else {
            return Err(KeyError::Unreadable(
                "SALTER_FILES_KEY".to_string(),
                "keys given in the environment are changed there: put a new key first, keep the old ones after it, restart, then run `salter files reseal`".to_string(),
            ));
        };
        let from = path.display().to_string();
        let aside = path.with_extension(format!("new{:08x}", rand::random::<u32>()));
        let result = async {
            write_private(&aside, &ring.text()).await?;
            tokio::fs::rename(&aside, path).await
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&aside).await;
        }
        result.map_err(|e| KeyError::Unreadable(from, e.to_string()))
    }
}

/// Writes `text` to a new file readable by this user only, flushed.
async fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::server::private_dir(parent).await?;
    }
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).await?;
    file.write_all(text.as_bytes()).await?;
    file.sync_all().await
}

/// Makes `path` with `text` unless it exists: written aside and linked into place, so no
/// process ever reads it half written, and of two processes making it at once one wins.
async fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    let aside = path.with_extension(format!("new{:08x}", rand::random::<u32>()));
    write_private(&aside, text).await?;
    let linked = tokio::fs::hard_link(&aside, path).await;
    let _ = tokio::fs::remove_file(&aside).await;
    match linked {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_reads_back_what_it_writes_first_key_first() {
        let (a, b) = (FileKey::generate(), FileKey::generate());
        let ring = Ring(vec![a.clone()]).with_first(b.clone());
        let again = Ring::parse(&ring.text(), "test").unwrap();
        assert_eq!(again.current().id, b.id);
        assert_eq!(again.find(&a.id).unwrap().key, a.key);
        assert_eq!(again.old().count(), 1);
        assert_eq!(again.current_only().old().count(), 0);
    }

    #[test]
    fn bad_rings_are_refused_with_the_reason() {
        let short = base64::engine::general_purpose::STANDARD.encode([1u8; 16]);
        for (text, why) in [
            ("", "no key"),
            ("# only a comment\n", "no key"),
            ("not base64!", "not base64"),
            (short.as_str(), "32 bytes"),
        ] {
            let error = Ring::parse(text, "SALTER_FILES_KEY").err().unwrap();
            assert!(error.to_string().contains(why), "{text:?}: {error}");
        }
        let two = format!(
            "{}, {}",
            FileKey::generate().encoded(),
            FileKey::generate().encoded()
        );
        assert_eq!(Ring::parse(&two, "env").unwrap().old().count(), 1);
    }

    #[test]
    fn the_default_key_file_sits_beside_the_files_directory() {
        let KeySource::File(path) = KeySource::beside(Path::new("data/files")) else {
            panic!("a file")
        };
        assert_eq!(path, PathBuf::from("data/files.key"));
    }

    #[tokio::test]
    async fn a_missing_key_file_is_made_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let source = KeySource::File(dir.path().join("files.key"));
        let first = source.ring(&dir.path().join("files")).await.unwrap();
        let again = source.ring(&dir.path().join("files")).await.unwrap();
        assert_eq!(first.current().id, again.current().id);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("files.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no file left aside"
        );
    }
}
