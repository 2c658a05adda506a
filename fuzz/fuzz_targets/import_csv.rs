#![no_main]
//! Any bytes as a CSV import file.

#[path = "import.rs"]
mod import;

libfuzzer_sys::fuzz_target!(|data: &[u8]| import::read_as(data, "csv"));
