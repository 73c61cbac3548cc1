//! Mermaid `journey` fences in Markdown: found, parsed, checked and drawn.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = trailmap::fuzz::mermaid(data).verify() {
        panic!("{e}");
    }
});
