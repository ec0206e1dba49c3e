//! The software dictionary: how a name an agent reports becomes a catalogue entry.

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
