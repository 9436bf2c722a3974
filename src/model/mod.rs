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

/// A layout as RON text that loads back to the same layout (optional
/// fields bare, as the format page writes them).
pub fn write_ron(layout: &Layout) -> String {
    let config = ron::ser::PrettyConfig::new()
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME)
        .struct_names(true);
    let mut s = ron::ser::to_string_pretty(layout, config).expect("a layout always serialises");
    s.push('\n');
    s
}
