//! Licences and their seats.
