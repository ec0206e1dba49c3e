//! The software catalogue, its dictionary, manual installations and licence compliance.
