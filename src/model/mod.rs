//! The model: the layout format, loading and validation.

pub mod fast;
pub mod format;
pub mod load;
pub mod spans;
pub mod validate;

pub use format::Layout;
pub use load::{LoadError, Loaded, load_bytes, load_path, load_str};
