//! Standard workstation configurations and the assets that deviate from them.
