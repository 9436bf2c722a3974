//! The model: the layout format, loading and validation.

pub mod fast;
pub mod format;
pub mod lexer;
pub mod load;
pub mod locations;
pub mod schema;
pub mod spans;
pub mod validate;
pub mod writer;

pub use format::Layout;
pub use load::{LoadError, Loaded, load_bytes, load_path, load_str};

/// A layout as RON text that loads back to the same layout, written by
/// the one writer (`writer.rs`): optional fields bare, one element or
/// device a line, as `faultline gen` writes.
pub fn write_ron(layout: &Layout) -> String {
    writer::layout(layout)
}
