//! Password hashing with argon2id, off the async threads.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use anyhow::Context;
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};

use crate::web::form::FieldErrors;

pub const MIN_LENGTH: usize = 12;
/// Longer inputs are refused before hashing, so a huge password costs nothing.
pub const MAX_LENGTH: usize = 256;

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Password hashes computed at once: one fewer than the cores (at least one),
/// so a burst of logins (argon2 is slow by design) always leaves a core for
/// every other request. Logins beyond it wait their turn.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    Semaphore::new(cores.saturating_sub(1).max(1))
});

/// Run one argon2 computation on the blocking pool, within the limit above.
async fn off_the_async_threads<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    let _permit = HASHING.acquire().await.context("hashing limiter closed")?;
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        work()
    })
    .await
    .context("hashing task failed")
}

/// Verified when the login is unknown, so that case takes as long as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    hasher().hash_password(b"a password nobody has", &salt).map(|h| h.to_string()).unwrap_or_default()
});

/// Whether `password` may be set, as a field error key.
pub fn check_policy(password: &str, field: &str) -> Result<(), FieldErrors> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        Err(FieldErrors::single(field, "password-too-short"))
    } else if length > MAX_LENGTH {
        Err(FieldErrors::single(field, "field-too-long"))
    } else {
        Ok(())
    }
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    off_the_async_threads(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// True when `password` matches `stored`. With no stored hash (unknown login,
/// or an account without a password) a dummy hash is still verified.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let outcome = off_the_async_threads(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        if password.chars().count() > MAX_LENGTH {
            return false;
        }
        let Ok(parsed) = PasswordHash::new(&stored) else { return false };
        let matches = hasher().verify_password(password.as_bytes(), &parsed).is_ok();
        known && matches
    })
    .await;
    outcome.unwrap_or(false)
}

/// Warm the dummy hash at start so the first unknown login is not faster.
pub fn prepare() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash("correct horse battery".into()).await.expect("hash");
        let b = hash("correct horse battery".into()).await.expect("hash");
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(a.clone())).await);
        assert!(!verify("wrong horse battery".into(), Some(a)).await);
        assert!(!verify("anything at all".into(), None).await);
    }

    #[test]
    fn policy() {
        assert!(check_policy("short", "password").is_err());
        assert!(check_policy(&"x".repeat(300), "password").is_err());
        assert!(check_policy("twelve chars", "password").is_ok());
    }
}
