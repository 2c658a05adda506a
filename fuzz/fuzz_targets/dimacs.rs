#![no_main]
//! Any bytes as a DIMACS min-cost-flow file: parsed, and when it parses, solved.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(network) = matching::dimacs::parse(data) {
        let _ = network.solve();
    }
});
