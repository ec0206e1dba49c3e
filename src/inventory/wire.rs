//! Bytes on the wire: how an agent compressed its message, reading it back
//! under a size cap (a zlib or gzip bomb stops at the cap, in bounded memory),
//! and compressing the reply the way that agent reads it.

use std::io::{Read, Write};

use flate2::{
    Compression as Level,
    read::{DeflateDecoder, GzDecoder, ZlibDecoder},
    write::{DeflateEncoder, GzEncoder, ZlibEncoder},
};

/// How a body is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    /// RFC 1950, what OCS and FusionInventory send (`78 9C`).
    Zlib,
    Gzip,
    /// Raw deflate (RFC 1951).
    Deflate,
}

/// Why a body could not be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("the body is larger than {0} bytes once decompressed")]
    TooLarge(u64),
    #[error("the body cannot be decompressed ({0})")]
    Corrupt(&'static str),
    #[error("brotli is not supported")]
    Brotli,
}

impl Compression {
    /// From the request's Content-Type (GLPI Agent chooses by it), checked
    /// against the first bytes (OCS sends zlib as `application/x-compress`).
    pub fn detect(content_type: &str, body: &[u8]) -> Result<Compression, WireError> {
        let declared = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if matches!(declared.as_str(), "application/x-br" | "application/x-compress-br") {
            return Err(WireError::Brotli);
        }
        let sniffed = Compression::sniff(body);
        let declared = match declared.as_str() {
            "application/x-compress-zlib" | "application/x-zlib" | "application/x-compress" => Some(Compression::Zlib),
            "application/x-compress-gzip" | "application/x-gzip" => Some(Compression::Gzip),
            "application/x-compress-deflate" | "application/x-deflate" => Some(Compression::Deflate),
            _ => None,
        };
        // The bytes win: an agent that fell back to gzip or to plain text
        // keeps its Content-Type.
        Ok(match (declared, sniffed) {
            (_, Some(found)) => found,
            (Some(Compression::Deflate), None) => Compression::Deflate,
            _ => Compression::None,
        })
    }

    /// Zlib (`78` with a valid header check), gzip (`1f 8b`), plain (`<`, `{`,
    /// a BOM or white space), or None when it could be raw deflate.
    fn sniff(body: &[u8]) -> Option<Compression> {
        match body {
            [0x78, flags, ..] if (0x78u16 * 256 + u16::from(*flags)) % 31 == 0 => Some(Compression::Zlib),
            [0x1f, 0x8b, ..] => Some(Compression::Gzip),
            [b'<' | b'{' | b'[' | 0xef | b' ' | b'\t' | b'\r' | b'\n', ..] => Some(Compression::None),
            [] => Some(Compression::None),
            _ => None,
        }
    }

    /// The body decompressed, refused past `cap` bytes without reading further.
    pub fn decompress(self, body: &[u8], cap: u64) -> Result<Vec<u8>, WireError> {
        match self {
            Compression::None if body.len() as u64 > cap => Err(WireError::TooLarge(cap)),
            Compression::None => Ok(body.to_vec()),
            Compression::Zlib => read_capped(ZlibDecoder::new(body), cap),
            Compression::Gzip => read_capped(GzDecoder::new(body), cap),
            Compression::Deflate => read_capped(DeflateDecoder::new(body), cap),
        }
    }

    /// A reply compressed this way. Zlib uses the default level: FusionInventory
    /// 2.6 recognises only the `78 9C` header.
    pub fn compress(self, reply: &[u8]) -> Vec<u8> {
        let written = match self {
            Compression::None => return reply.to_vec(),
            Compression::Zlib => {
                let mut encoder = ZlibEncoder::new(Vec::new(), Level::default());
                encoder.write_all(reply).and_then(|()| encoder.finish())
            }
            Compression::Deflate => {
                let mut encoder = DeflateEncoder::new(Vec::new(), Level::default());
                encoder.write_all(reply).and_then(|()| encoder.finish())
            }
            Compression::Gzip => {
                let mut encoder = GzEncoder::new(Vec::new(), Level::default());
                encoder.write_all(reply).and_then(|()| encoder.finish())
            }
        };
        // Writing into a Vec cannot fail.
        written.unwrap_or_default()
    }
}

fn read_capped(decoder: impl Read, cap: u64) -> Result<Vec<u8>, WireError> {
    let mut out = Vec::new();
    // One byte more than allowed tells "too large" from "exactly the cap".
    let read = decoder.take(cap + 1).read_to_end(&mut out);
    match read {
        Ok(_) if out.len() as u64 > cap => Err(WireError::TooLarge(cap)),
        Ok(_) => Ok(out),
        Err(_) => Err(WireError::Corrupt("invalid compressed data")),
    }
}

/// The text of a body: UTF-8 (a BOM is dropped), else Windows-1252, which
/// old Windows agents send whatever their XML declaration says.
pub fn text_of(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect::<String>().into(),
    }
}

/// One Windows-1252 byte as a character (Latin-1 but for 0x80..0x9F).
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_tell_the_compression_whatever_the_content_type_says() {
        let zlib = Compression::Zlib.compress(b"<REQUEST/>");
        assert_eq!(&zlib[..2], &[0x78, 0x9c], "the default level, which FusionInventory 2.6 reads");
        assert_eq!(Compression::detect("application/x-compress", &zlib), Ok(Compression::Zlib), "OCS");
        assert_eq!(Compression::detect("application/x-compress-zlib", b"<REQUEST/>"), Ok(Compression::None));
        let gzip = Compression::Gzip.compress(b"{}");
        assert_eq!(Compression::detect("application/x-compress-zlib", &gzip), Ok(Compression::Gzip));
        assert_eq!(Compression::detect("application/x-br", b"x"), Err(WireError::Brotli));
        assert_eq!(Compression::Zlib.decompress(&zlib, 100).as_deref(), Ok(&b"<REQUEST/>"[..]));
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        let bomb = Compression::Zlib.compress(&vec![b'a'; 10_000_000]);
        assert!(bomb.len() < 20_000, "{}", bomb.len());
        assert_eq!(Compression::Zlib.decompress(&bomb, 1_000_000), Err(WireError::TooLarge(1_000_000)));
        let gzip = Compression::Gzip.compress(&vec![b'a'; 2_000_000]);
        assert_eq!(Compression::Gzip.decompress(&gzip, 1_000_000), Err(WireError::TooLarge(1_000_000)));
        assert_eq!(Compression::Gzip.decompress(&gzip, 2_000_000).map(|b| b.len()), Ok(2_000_000));
        assert!(matches!(Compression::Zlib.decompress(b"\x78\x9cgarbage", 100), Err(WireError::Corrupt(_))));
    }

    #[test]
    fn latin_bytes_become_text() {
        assert_eq!(text_of(b"Professionnel \xe9t\xe9 \x80"), "Professionnel été €");
        assert_eq!(text_of("déjà".as_bytes()), "déjà");
        assert_eq!(text_of(b"\xef\xbb\xbf<a/>"), "<a/>");
    }
}
