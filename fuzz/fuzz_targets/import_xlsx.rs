#![no_main]
//! Any bytes as an XLSX import file (a ZIP of XML parts).

#[path = "import.rs"]
mod import;

libfuzzer_sys::fuzz_target!(|data: &[u8]| import::read_as(data, "xlsx"));
