//! Compressed bodies: whatever the bytes and the Content-Type, decompression
//! ends with a body no larger than the cap, or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parc::inventory::wire::Compression;

const CAP: u64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let (kind, body) = data.split_first().map_or((0, data), |(k, rest)| (*k, rest));
    let content_type = ["application/x-compress-zlib", "application/x-compress-gzip", "application/x-compress-deflate", "application/json"]
        [usize::from(kind) % 4];
    if let Ok(compression) = Compression::detect(content_type, body) {
        if let Ok(out) = compression.decompress(body, CAP) {
            assert!(out.len() as u64 <= CAP);
        }
    }
});
