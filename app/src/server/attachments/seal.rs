//! Sealed files: every attachment is written to disk encrypted, so a copy of the database and the
//! files directory without the key (`keys`) shows no file's contents.
//!
//! A sealed file is a header — `SALTERF1`, the key's id (8 bytes), a random nonce (19 bytes) —
//! then the content in chunks of 64 KiB, each encrypted and authenticated with XChaCha20-Poly1305
//! in the STREAM construction (a counter and a last-chunk flag in each nonce: chunks cannot be
//! reordered, dropped or cut off unnoticed). The last chunk is always shorter than 64 KiB (empty
//! when the content fills the chunks), which is how a reader knows it. A file without the header
//! is one stored before sealing existed; `salter serve` seals those at start.

use super::keys::{FileKey, KeyError, KeyId, KeySource, Ring};
use axum::body::Bytes;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::XChaCha20Poly1305;
use futures_util::stream::{BoxStream, StreamExt};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

const MAGIC: &[u8; 8] = b"SALTERF1";
const NONCE: usize = 19;
const HEADER: usize = MAGIC.len() + 8 + NONCE;
/// Plain bytes in each chunk but the last.
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

fn broken(why: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_string())
}

/// Seals content as it arrives: `header` first, then whatever `push` and `finish` give.
pub struct Sealer {
    stream: EncryptorBE32<XChaCha20Poly1305>,
    pending: Vec<u8>,
    pub header: Vec<u8>,
}

impl Sealer {
    pub fn new(key: &FileKey) -> Sealer {
        let nonce: [u8; NONCE] = rand::random();
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&key.id);
        header.extend_from_slice(&nonce);
        Sealer {
            stream: EncryptorBE32::new(&key.key, (&nonce).into()),
            pending: Vec::with_capacity(CHUNK),
            header,
        }
    }

    /// Takes the next plain bytes; answers the sealed bytes ready to be written (perhaps none).
    pub fn push(&mut self, mut plain: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut sealed = Vec::new();
        while !plain.is_empty() {
            let room = CHUNK - self.pending.len();
            let (now, later) = plain.split_at(room.min(plain.len()));
            self.pending.extend_from_slice(now);
            plain = later;
            // A full chunk is sealed only once more content follows: the last must be short.
            if self.pending.len() == CHUNK && !plain.is_empty() {
                sealed.extend(self.seal_pending()?);
            }
        }
        Ok(sealed)
    }

    fn seal_pending(&mut self) -> std::io::Result<Vec<u8>> {
        let chunk = self
            .stream
            .encrypt_next(self.pending.as_slice())
            .map_err(|_| broken("sealing a chunk"))?;
        self.pending.clear();
        Ok(chunk)
    }

    /// The sealed bytes that end the file.
    pub fn finish(mut self) -> std::io::Result<Vec<u8>> {
        let mut sealed = Vec::new();
        if self.pending.len() == CHUNK {
            sealed = self.seal_pending()?;
        }
        let last = self
            .stream
            .encrypt_last(self.pending.as_slice())
            .map_err(|_| broken("sealing the last chunk"))?;
        sealed.extend(last);
        Ok(sealed)
    }
}

/// Reads up to `buf.len()` bytes, fewer only at the end of the file.
async fn read_full(file: &mut tokio::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]).await? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The key id in a sealed file's header; None for a file stored before sealing.
async fn header_of(file: &mut tokio::fs::File) -> std::io::Result<Option<(KeyId, [u8; NONCE])>> {
    let mut header = [0u8; HEADER];
    let read = read_full(file, &mut header).await?;
    if read < HEADER || &header[..MAGIC.len()] != MAGIC {
        return Ok(None);
    }
    let mut id = [0; 8];
    id.copy_from_slice(&header[MAGIC.len()..MAGIC.len() + 8]);
    let mut nonce = [0; NONCE];
    nonce.copy_from_slice(&header[MAGIC.len() + 8..]);
    Ok(Some((id, nonce)))
}

/// The key id a file at `path` is sealed with; None when it is not sealed.
pub async fn sealed_with(path: &Path) -> std::io::Result<Option<KeyId>> {
    let mut file = tokio::fs::File::open(path).await?;
    Ok(header_of(&mut file).await?.map(|(id, _)| id))
}

/// The plain content of the file at `path`, opened with `ring`: a stream of chunks that fails
/// (rather than ends) when the file was changed or cut short.
pub async fn open(
    path: &Path,
    ring: &Ring,
) -> Result<BoxStream<'static, std::io::Result<Bytes>>, KeyError> {
    let mut file = tokio::fs::File::open(path).await?;
    let Some((id, nonce)) = header_of(&mut file).await? else {
        file.rewind().await?;
        return Ok(tokio_util::io::ReaderStream::new(file).boxed());
    };
    let stream = DecryptorBE32::<XChaCha20Poly1305>::new(&ring.find(&id)?.key, (&nonce).into());
    let chunks = futures_util::stream::try_unfold(Some((file, stream)), |state| async move {
        let Some((mut file, mut stream)) = state else {
            return Ok(None);
        };
        let mut sealed = vec![0u8; CHUNK + TAG];
        let read = read_full(&mut file, &mut sealed).await?;
        sealed.truncate(read);
        if read == CHUNK + TAG {
            let plain = stream
                .decrypt_next(sealed.as_slice())
                .map_err(|_| broken("a sealed chunk does not open"))?;
            Ok(Some((Bytes::from(plain), Some((file, stream)))))
        } else {
            let plain = stream
                .decrypt_last(sealed.as_slice())
                .map_err(|_| broken("the sealed file's end does not open"))?;
            Ok(Some((Bytes::from(plain), None)))
        }
    });
    Ok(chunks.boxed())
}

/// As `open`, but `None` for a file that is no longer on the disk (an erased one: its row stays
/// for the history).
pub async fn open_kept(
    path: &Path,
    ring: &Ring,
) -> Result<Option<BoxStream<'static, std::io::Result<Bytes>>>, KeyError> {
    match open(path, ring).await {
        Err(KeyError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        opened => opened.map(Some),
    }
}

/// Whether the files directory holds a sealed file, and its key id (the first one found).
pub async fn any_sealed(dir: &Path) -> Option<KeyId> {
    for path in stored_files(dir).await.ok()? {
        if let Ok(Some(id)) = sealed_with(&path).await {
            return Some(id);
        }
    }
    None
}

/// The stored files in `dir` (not uploads under way).
async fn stored_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut files = Vec::new();
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
            files.push(entry.path());
        }
    }
    Ok(files)
}

/// Rewrites the file at `path` sealed with `ring`'s current key, unless it is already; whether
/// it was rewritten. The new file is written aside, flushed and renamed over the old one.
async fn reseal(path: &Path, ring: &Ring) -> Result<bool, KeyError> {
    if sealed_with(path).await? == Some(ring.current().id) {
        return Ok(false);
    }
    let mut plain = open(path, ring).await?;
    // A name of its own: two processes starting at once may both reseal the same file.
    let aside = path.with_extension(format!("reseal{:08x}", rand::random::<u32>()));
    let written = async {
        let mut file = tokio::fs::File::create(&aside).await?;
        let mut sealer = Sealer::new(ring.current());
        file.write_all(&sealer.header).await?;
        while let Some(chunk) = plain.next().await {
            file.write_all(&sealer.push(&chunk?)?).await?;
        }
        file.write_all(&sealer.finish()?).await?;
        file.sync_all().await?;
        tokio::fs::rename(&aside, path).await
    }
    .await;
    if written.is_err() {
        let _ = tokio::fs::remove_file(&aside).await;
    }
    written?;
    Ok(true)
}

/// Flushes the directory entry of files renamed in `dir`.
pub async fn sync_dir(dir: &Path) -> std::io::Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
        .await
        .map_err(std::io::Error::other)?
}

/// What a pass over the files directory did.
#[derive(Debug, Default, PartialEq)]
pub struct Resealed {
    /// Files in the directory.
    pub files: usize,
    /// Files rewritten under the current key.
    pub resealed: usize,
    /// Old keys no file uses any more, taken out of the key file (or to take out of
    /// `SALTER_FILES_KEY`), by id.
    pub unused_old_keys: Vec<String>,
    /// Why old keys were kept, when they were.
    pub kept_old_keys: Option<String>,
}

/// Seals the files stored before sealing existed, with the current key (at each start).
pub async fn seal_plain(source: &KeySource, dir: &Path) -> Result<usize, KeyError> {
    let ring = source.ring(dir).await?;
    let mut sealed = 0;
    for path in stored_files(dir).await? {
        match sealed_with(&path).await {
            Ok(None) => sealed += usize::from(reseal(&path, &ring).await?),
            Ok(Some(_)) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    if sealed > 0 {
        sync_dir(dir).await?;
    }
    Ok(sealed)
}

/// Rewrites every file not sealed with the current key, then — when none is left and no upload
/// is under way — takes the old keys out of the key file.
pub async fn reseal_all(source: &KeySource, dir: &Path) -> Result<Resealed, KeyError> {
    let ring = source.ring(dir).await?;
    let mut done = Resealed::default();
    for path in stored_files(dir).await? {
        done.files += 1;
        match reseal(&path, &ring).await {
            Ok(again) => done.resealed += usize::from(again),
            // Swept away meanwhile.
            Err(KeyError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    sync_dir(dir).await?;
    if ring.old().next().is_none() {
        return Ok(done);
    }
    // An upload that read the ring before it changed may still seal with an old key: it has its
    // `.part` file from before it read the ring, so while one is recent the old keys stay.
    if upload_under_way(dir).await? {
        done.kept_old_keys =
            Some("an upload is under way: run `salter files reseal` again".to_string());
        return Ok(done);
    }
    for path in stored_files(dir).await? {
        if let Ok(Some(id)) = sealed_with(&path).await {
            if id != ring.current().id {
                done.kept_old_keys = Some(format!(
                    "{} was stored meanwhile with an old key: run `salter files reseal` again",
                    path.display()
                ));
                return Ok(done);
            }
        }
    }
    done.unused_old_keys = ring.old().map(FileKey::id_text).collect();
    if let KeySource::File(_) = source {
        source.replace(&ring.current_only()).await?;
    }
    Ok(done)
}

/// Whether an upload's `.part` file changed within the last hour.
async fn upload_under_way(dir: &Path) -> std::io::Result<bool> {
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        if entry.file_name().to_string_lossy().ends_with(".part") {
            let changed = entry.metadata().await?.modified()?;
            if changed.elapsed().unwrap_or_default() < std::time::Duration::from_secs(3600) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Makes a new key the one files are sealed with, keeping the others to read, then reseals
/// every file with it (`reseal_all`). Only for a key file: keys in the environment change there.
pub async fn rotate(source: &KeySource, dir: &Path) -> Result<(String, Resealed), KeyError> {
    let ring = source.ring(dir).await?;
    let key = FileKey::generate();
    let id = key.id_text();
    source.replace(&ring.with_first(key)).await?;
    Ok((id, reseal_all(source, dir).await?))
}

/// The whole plain content of the file at `path` (for tests).
#[cfg(test)]
pub(crate) async fn read_all(path: &Path, ring: &Ring) -> std::io::Result<Vec<u8>> {
    let mut stream = open(path, ring).await.map_err(std::io::Error::other)?;
    let mut plain = Vec::new();
    while let Some(chunk) = stream.next().await {
        plain.extend_from_slice(&chunk?);
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A files directory with its key file beside it.
    async fn files_dir() -> (tempfile::TempDir, PathBuf, KeySource) {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("files");
        tokio::fs::create_dir(&files).await.unwrap();
        let source = KeySource::beside(&files);
        (dir, files, source)
    }

    async fn sealed_file(dir: &Path, key: &FileKey, plain: &[u8], pieces: usize) -> PathBuf {
        let path = dir.join(format!("{:032x}", rand::random::<u128>()));
        let mut sealer = Sealer::new(key);
        let mut bytes = sealer.header.clone();
        for piece in plain.chunks(plain.len().div_ceil(pieces).max(1)) {
            bytes.extend(sealer.push(piece).unwrap());
        }
        bytes.extend(sealer.finish().unwrap());
        tokio::fs::write(&path, bytes).await.unwrap();
        path
    }

    fn content(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[tokio::test]
    async fn what_is_sealed_opens_to_the_same_bytes_at_every_length() {
        let dir = tempfile::tempdir().unwrap();
        let key = FileKey::generate();
        let ring = Ring::parse(&key.encoded(), "test").unwrap();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 17] {
            for pieces in [1, 3, 1000] {
                let plain = content(len);
                let path = sealed_file(dir.path(), &key, &plain, pieces).await;
                let on_disk = tokio::fs::read(&path).await.unwrap();
                assert_eq!(on_disk.len(), HEADER + len + (len / CHUNK + 1) * TAG);
                assert_eq!(
                    read_all(&path, &ring).await.unwrap(),
                    plain,
                    "{len} in {pieces}"
                );
            }
        }
    }

    #[tokio::test]
    async fn a_changed_or_shortened_file_fails_to_open_and_a_stranger_key_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let key = FileKey::generate();
        let ring = Ring::parse(&key.encoded(), "test").unwrap();
        let path = sealed_file(dir.path(), &key, &content(2 * CHUNK + 5), 1).await;
        let good = tokio::fs::read(&path).await.unwrap();
        let mut flipped = good.clone();
        flipped[HEADER + 10] ^= 1;
        tokio::fs::write(&path, &flipped).await.unwrap();
        assert!(read_all(&path, &ring).await.is_err(), "a changed byte");
        tokio::fs::write(&path, &good[..HEADER + CHUNK + TAG])
            .await
            .unwrap();
        assert!(
            read_all(&path, &ring).await.is_err(),
            "cut after a whole chunk"
        );
        tokio::fs::write(&path, &good).await.unwrap();
        let stranger = Ring::parse(&FileKey::generate().encoded(), "test").unwrap();
        let Err(KeyError::Unknown(id)) = open(&path, &stranger).await else {
            panic!("another ring opens nothing")
        };
        assert_eq!(id, key.id_text());
    }

    #[tokio::test]
    async fn plain_files_are_sealed_and_a_rotation_keeps_every_file_readable() {
        let (_dir, files, source) = files_dir().await;
        let first = source.ring(&files).await.unwrap();
        let old = sealed_file(&files, first.current(), b"sealed before", 1).await;
        let plain = files.join(format!("{:032x}", 7));
        tokio::fs::write(&plain, b"stored before sealing")
            .await
            .unwrap();

        assert_eq!(seal_plain(&source, &files).await.unwrap(), 1);
        assert_eq!(sealed_with(&plain).await.unwrap(), Some(first.current().id));
        assert_eq!(
            read_all(&plain, &first).await.unwrap(),
            b"stored before sealing"
        );

        let (new_id, done) = rotate(&source, &files).await.unwrap();
        assert_eq!((done.files, done.resealed), (2, 2));
        assert_eq!(done.unused_old_keys, vec![first.current().id_text()]);
        let ring = source.ring(&files).await.unwrap();
        assert_eq!(ring.current().id_text(), new_id);
        assert_eq!(ring.old().count(), 0, "the old key is gone from the file");
        assert_eq!(read_all(&old, &ring).await.unwrap(), b"sealed before");
        assert_eq!(
            read_all(&plain, &ring).await.unwrap(),
            b"stored before sealing"
        );
        assert!(
            read_all(&old, &first).await.is_err(),
            "the old key opens nothing"
        );
        assert_eq!(
            std::fs::read_dir(&files).unwrap().count(),
            2,
            "nothing left aside"
        );
    }

    #[tokio::test]
    async fn old_keys_stay_while_an_upload_is_under_way() {
        let (_dir, files, source) = files_dir().await;
        source.ring(&files).await.unwrap();
        tokio::fs::write(files.join("upload.part"), b"half")
            .await
            .unwrap();
        let (_, done) = rotate(&source, &files).await.unwrap();
        assert!(done.kept_old_keys.is_some());
        assert_eq!(source.ring(&files).await.unwrap().old().count(), 1);
    }

    #[tokio::test]
    async fn a_lost_key_file_is_not_made_anew_over_sealed_files() {
        let (_dir, files, source) = files_dir().await;
        let ring = source.ring(&files).await.unwrap();
        sealed_file(&files, ring.current(), b"x", 1).await;
        let KeySource::File(key_file) = &source else {
            panic!("a file")
        };
        tokio::fs::remove_file(key_file).await.unwrap();
        let Err(KeyError::Missing(_, id)) = source.ring(&files).await else {
            panic!("refused")
        };
        assert_eq!(id, ring.current().id_text());
        assert!(!key_file.exists());
    }
}
