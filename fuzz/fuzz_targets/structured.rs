//! Structure-aware layouts: mostly valid power trees with every kind of
//! element, k-of-n needs and common causes, so the fuzzer spends its time
//! in the engine rather than in the parser.
#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)]
mod harness;

libfuzzer_sys::fuzz_target!(|input: harness::FuzzLayout| harness::run_structured(&input));
