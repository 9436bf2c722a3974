//! Arbitrary bytes as a layout file: every input must end in located
//! diagnostics or in a correct analysis, never a panic or a hang.
#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run_bytes(data));
