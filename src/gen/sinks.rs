//! Where a generated site goes: into a [`Layout`] in memory, or streamed
//! as RON (through the model's writer) or JSON (through serde), one
//! element, device, service or group a line.

use std::io::{self, Write};

use crate::model::format::{CommonCause, Layout, Policy, PowerElement, Rack, Service};
use crate::model::writer;

/// What a layout starts with: a comment (RON only) and its own fields.
pub(super) struct Header {
    pub comment: Vec<String>,
    pub name: String,
    pub description: String,
    pub policy: Policy,
}

/// What a site is emitted to, in file order.
pub(super) trait Sink {
    fn header(&mut self, header: Header) -> io::Result<()>;
    fn open(&mut self, section: &'static str) -> io::Result<()>;
    fn close(&mut self) -> io::Result<()>;
    fn comment(&mut self, text: &str) -> io::Result<()>;
    fn power(&mut self, e: PowerElement) -> io::Result<()>;
    /// A rack with a comment above it, and a note above one device.
    fn rack(&mut self, comment: &str, rack: Rack, note: Option<(usize, String)>) -> io::Result<()>;
    fn service(&mut self, s: Service) -> io::Result<()>;
    fn common(&mut self, c: CommonCause) -> io::Result<()>;
    /// The end of the layout; a stream is flushed.
    fn finish(&mut self) -> io::Result<()>;
}

/// The whole layout in memory.
#[derive(Default)]
pub(super) struct Collect {
    layout: Option<Layout>,
}

impl Collect {
    pub(super) fn into_layout(self) -> Layout {
        self.layout.expect("the header is always emitted")
    }

    fn layout(&mut self) -> &mut Layout {
        self.layout.as_mut().expect("header first")
    }
}

impl Sink for Collect {
    fn header(&mut self, header: Header) -> io::Result<()> {
        self.layout = Some(Layout {
            name: header.name,
            description: Some(header.description),
            policy: header.policy,
            power: Vec::new(),
            racks: Vec::new(),
            services: Vec::new(),
            common_causes: Vec::new(),
            rates: Vec::new(),
            sources: Vec::new(),
        });
        Ok(())
    }
    fn open(&mut self, _: &'static str) -> io::Result<()> {
        Ok(())
    }
    fn close(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn comment(&mut self, _: &str) -> io::Result<()> {
        Ok(())
    }
    fn power(&mut self, e: PowerElement) -> io::Result<()> {
        self.layout().power.push(e);
        Ok(())
    }
    fn rack(&mut self, _: &str, rack: Rack, _: Option<(usize, String)>) -> io::Result<()> {
        self.layout().racks.push(rack);
        Ok(())
    }
    fn service(&mut self, s: Service) -> io::Result<()> {
        self.layout().services.push(s);
        Ok(())
    }
    fn common(&mut self, c: CommonCause) -> io::Result<()> {
        self.layout().common_causes.push(c);
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// RON, one element, device, service or group a line, written by the
/// model's writer.
pub(super) struct RonSink<W: Write> {
    out: io::BufWriter<W>,
    line: String,
}

/// Output in blocks: a rack is written in about 40 small writes.
fn buffered<W: Write>(out: W) -> io::BufWriter<W> {
    io::BufWriter::with_capacity(1 << 16, out)
}

impl<W: Write> RonSink<W> {
    pub(super) fn new(out: W) -> Self {
        let line = String::with_capacity(512);
        RonSink {
            out: buffered(out),
            line,
        }
    }

    /// Write what `write` puts in `self.line`.
    fn put(&mut self, write: impl FnOnce(&mut String)) -> io::Result<()> {
        self.line.clear();
        write(&mut self.line);
        self.out.write_all(self.line.as_bytes())
    }
}

impl<W: Write> Sink for RonSink<W> {
    fn header(&mut self, header: Header) -> io::Result<()> {
        for c in &header.comment {
            writeln!(self.out, "// {c}")?;
        }
        let (name, description) = (&header.name, Some(header.description.as_str()));
        self.put(|out| writer::layout_open(out, name, description, &header.policy))
    }
    fn open(&mut self, section: &'static str) -> io::Result<()> {
        self.put(|out| writer::section_open(out, section))
    }
    fn close(&mut self) -> io::Result<()> {
        self.out.write_all(writer::SECTION_CLOSE.as_bytes())
    }
    fn comment(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "        // {text}")
    }
    fn power(&mut self, e: PowerElement) -> io::Result<()> {
        self.put(|out| writer::item(out, &e, writer::power))
    }
    fn rack(&mut self, comment: &str, rack: Rack, note: Option<(usize, String)>) -> io::Result<()> {
        self.comment(comment)?;
        let note = note.as_ref().map(|(at, text)| (*at, text.as_str()));
        self.put(|out| writer::rack(out, &rack, note))
    }
    fn service(&mut self, s: Service) -> io::Result<()> {
        self.put(|out| writer::item(out, &s, writer::service))
    }
    fn common(&mut self, c: CommonCause) -> io::Result<()> {
        self.put(|out| writer::item(out, &c, writer::common_cause))
    }
    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(writer::LAYOUT_CLOSE.as_bytes())?;
        self.out.flush()
    }
}

/// JSON through serde, one element, device, service or group per line.
pub(super) struct JsonSink<W: Write> {
    out: io::BufWriter<W>,
    first: bool,
}

impl<W: Write> JsonSink<W> {
    pub(super) fn new(out: W) -> Self {
        let out = buffered(out);
        JsonSink { out, first: true }
    }

    fn item(&mut self, indent: &[u8], value: &impl serde::Serialize) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        self.out.write_all(b"\n")?;
        self.out.write_all(indent)?;
        // `io::Error::from` keeps the write error's kind (a broken pipe
        // stays one, so `| head` ends quietly); `other` would hide it.
        serde_json::to_writer(&mut self.out, value).map_err(io::Error::from)
    }
}

impl<W: Write> Sink for JsonSink<W> {
    fn header(&mut self, header: Header) -> io::Result<()> {
        self.out.write_all(b"{\n  \"name\": ")?;
        serde_json::to_writer(&mut self.out, &header.name).map_err(io::Error::from)?;
        self.out.write_all(b",\n  \"description\": ")?;
        serde_json::to_writer(&mut self.out, &header.description).map_err(io::Error::from)?;
        self.out.write_all(b",\n  \"policy\": ")?;
        serde_json::to_writer(&mut self.out, &header.policy).map_err(io::Error::from)
    }
    fn open(&mut self, section: &'static str) -> io::Result<()> {
        self.first = true;
        write!(self.out, ",\n  \"{section}\": [")
    }
    fn close(&mut self) -> io::Result<()> {
        self.out.write_all(b"\n  ]")
    }
    fn comment(&mut self, _: &str) -> io::Result<()> {
        Ok(())
    }
    fn power(&mut self, e: PowerElement) -> io::Result<()> {
        self.item(b"    ", &e)
    }
    fn rack(&mut self, _: &str, rack: Rack, _: Option<(usize, String)>) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        self.out.write_all(b"\n    {\"id\": ")?;
        serde_json::to_writer(&mut self.out, &rack.id).map_err(io::Error::from)?;
        write!(self.out, ", \"height_u\": {}", rack.height_u)?;
        if let Some(r) = &rack.row {
            self.out.write_all(b", \"row\": ")?;
            serde_json::to_writer(&mut self.out, r).map_err(io::Error::from)?;
        }
        self.out.write_all(b", \"devices\": [")?;
        for (k, d) in rack.devices.iter().enumerate() {
            self.out
                .write_all(if k == 0 { b"\n      " } else { b",\n      " })?;
            serde_json::to_writer(&mut self.out, d).map_err(io::Error::from)?;
        }
        self.out.write_all(b"\n    ]}")
    }
    fn service(&mut self, s: Service) -> io::Result<()> {
        self.item(b"    ", &s)
    }
    fn common(&mut self, c: CommonCause) -> io::Result<()> {
        self.item(b"    ", &c)
    }
    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(b"\n}\n")?;
        self.out.flush()
    }
}
