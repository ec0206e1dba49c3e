//! The uploaded file: stored in PostgreSQL in 1 MiB chunks as it arrives,
//! its encoding (UTF-8 with or without BOM, else Latin-1/Windows-1252) and
//! delimiter sniffed, then read back one chunk at a time by the parser, so
//! neither the upload nor the import ever holds the whole file.

use std::io::Read;

use axum::body::Bytes;
use futures_util::{Stream, StreamExt};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::{AppError, AppResult};

pub const CHUNK: usize = 1024 * 1024;
/// Largest file accepted: a 100 000-asset file is about 20 MB.
pub const MAX_FILE: usize = 200 * 1024 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Latin-1, read as Windows-1252 (what spreadsheets save as "CSV").
    Latin1,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Latin1 => "latin-1",
        }
    }

    pub fn parse(text: &str) -> Self {
        if text == "latin-1" { Self::Latin1 } else { Self::Utf8 }
    }
}

/// What the upload learnt about the file.
#[derive(Debug)]
pub struct Stored {
    pub size: i64,
    pub encoding: Encoding,
}

/// Tracks whether the bytes seen so far are UTF-8, across chunk boundaries.
#[derive(Default)]
struct Utf8Check {
    carry: Vec<u8>,
    invalid: bool,
}

impl Utf8Check {
    fn feed(&mut self, bytes: &[u8]) {
        if self.invalid {
            return;
        }
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(bytes);
        match std::str::from_utf8(&data) {
            Ok(_) => {}
            // A character cut by the chunk boundary: keep its start for the next chunk.
            Err(e) if e.error_len().is_none() => self.carry = data[e.valid_up_to()..].to_vec(),
            Err(_) => self.invalid = true,
        }
    }

    fn finish(self) -> Encoding {
        if self.invalid || !self.carry.is_empty() { Encoding::Latin1 } else { Encoding::Utf8 }
    }
}

/// Store a body stream as the file of `import_id`.
pub async fn store<S, E>(pool: &PgPool, import_id: Uuid, mut body: S) -> AppResult<Stored>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut buffer = Vec::with_capacity(CHUNK);
    let mut seq = 0;
    let mut size = 0usize;
    let mut check = Utf8Check::default();
    while let Some(piece) = body.next().await {
        let piece = piece.map_err(|e| AppError::BadRequest(format!("upload interrupted: {e}")))?;
        size += piece.len();
        if size > MAX_FILE {
            return Err(AppError::PayloadTooLarge);
        }
        check.feed(&piece);
        buffer.extend_from_slice(&piece);
        while buffer.len() >= CHUNK {
            let rest = buffer.split_off(CHUNK);
            save_chunk(pool, import_id, seq, &buffer).await?;
            seq += 1;
            buffer = rest;
        }
    }
    if !buffer.is_empty() {
        save_chunk(pool, import_id, seq, &buffer).await?;
    }
    Ok(Stored { size: size as i64, encoding: check.finish() })
}

async fn save_chunk(pool: &PgPool, import_id: Uuid, seq: i32, data: &[u8]) -> AppResult<()> {
    sqlx::query!("insert into import_chunks (import_id, seq, data) values ($1, $2, $3)", import_id, seq, data)
        .execute(pool)
        .await?;
    Ok(())
}

/// Windows-1252's characters for 0x80..=0x9F; the rest of the range is Latin-1.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’',
    '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// Latin-1/Windows-1252 bytes as UTF-8.
pub fn latin1_to_utf8(bytes: &[u8]) -> Vec<u8> {
    let text: String = bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect();
    text.into_bytes()
}

/// Reads an import's file back as UTF-8, one chunk from the database at a
/// time. Blocking: used from the parser's own thread.
pub struct ChunkReader {
    pool: PgPool,
    runtime: tokio::runtime::Handle,
    import_id: Uuid,
    encoding: Encoding,
    next_seq: i32,
    current: Vec<u8>,
    pos: usize,
    /// Bytes of the stored file consumed so far (for progress).
    pub consumed: std::sync::Arc<std::sync::atomic::AtomicU64>,
    done: bool,
}

impl ChunkReader {
    pub fn new(pool: PgPool, runtime: tokio::runtime::Handle, import_id: Uuid, encoding: Encoding) -> Self {
        Self {
            pool,
            runtime,
            import_id,
            encoding,
            next_seq: 0,
            current: Vec::new(),
            pos: 0,
            consumed: Default::default(),
            done: false,
        }
    }

    fn fetch(&mut self) -> std::io::Result<()> {
        let (pool, id, seq) = (self.pool.clone(), self.import_id, self.next_seq);
        let chunk = self
            .runtime
            .block_on(async move {
                sqlx::query_scalar!("select data from import_chunks where import_id = $1 and seq = $2", id, seq)
                    .fetch_optional(&pool)
                    .await
            })
            .map_err(std::io::Error::other)?;
        match chunk {
            None => self.done = true,
            Some(raw) => {
                self.consumed.fetch_add(raw.len() as u64, std::sync::atomic::Ordering::Relaxed);
                let mut data = match self.encoding {
                    Encoding::Utf8 => raw,
                    Encoding::Latin1 => latin1_to_utf8(&raw),
                };
                if seq == 0 && data.starts_with(BOM) {
                    data.drain(..BOM.len());
                }
                self.current = data;
                self.pos = 0;
                self.next_seq += 1;
            }
        }
        Ok(())
    }
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.current.len() && !self.done {
            self.fetch()?;
        }
        if self.pos >= self.current.len() {
            return Ok(0);
        }
        let n = out.len().min(self.current.len() - self.pos);
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The delimiter of a header line: the most frequent of ; , tab and |.
pub fn sniff_delimiter(first_line: &str) -> u8 {
    [b';', b',', b'\t', b'|'].into_iter().max_by_key(|d| first_line.bytes().filter(|b| b == d).count()).unwrap_or(b',')
}

/// The first line and the header of a stored file.
pub async fn header(pool: &PgPool, import_id: Uuid, encoding: Encoding) -> AppResult<(u8, Vec<String>)> {
    let first = sqlx::query_scalar!("select data from import_chunks where import_id = $1 and seq = 0", import_id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::field("file", "import-empty-file"))?;
    let mut data = match encoding {
        Encoding::Utf8 => first,
        Encoding::Latin1 => latin1_to_utf8(&first),
    };
    if data.starts_with(BOM) {
        data.drain(..BOM.len());
    }
    let text = String::from_utf8_lossy(&data);
    let delimiter = sniff_delimiter(text.lines().next().unwrap_or_default());
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .map_err(|_| AppError::field("file", "import-no-header"))?
        .iter()
        .map(|c| c.trim().to_owned())
        .collect();
    if columns.iter().all(String::is_empty) {
        return Err(AppError::field("file", "import-no-header"));
    }
    Ok((delimiter, columns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_recognised_across_chunk_boundaries() {
        let text = "tag;name\nPC-1;Écran réunion\n".as_bytes();
        let mut check = Utf8Check::default();
        // Cut inside the two bytes of "É".
        let cut = text.iter().position(|&b| b == 0xC3).map(|p| p + 1).unwrap_or(1);
        check.feed(&text[..cut]);
        check.feed(&text[cut..]);
        assert_eq!(check.finish(), Encoding::Utf8);
        let mut latin = Utf8Check::default();
        latin.feed(b"tag;name\nPC-1;\xC9cran r\xE9union \x80\n");
        assert_eq!(latin.finish(), Encoding::Latin1);
        assert_eq!(String::from_utf8(latin1_to_utf8(b"\xC9cran \x80")).ok().as_deref(), Some("Écran €"));
    }

    #[test]
    fn the_delimiter_is_the_header_separator() {
        assert_eq!(sniff_delimiter("tag;name;serial"), b';');
        assert_eq!(sniff_delimiter("tag,name,serial"), b',');
        assert_eq!(sniff_delimiter("tag\tname"), b'\t');
    }
}
