//! A persona file, `personas/*.md`: front matter, then the Markdown story.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = trailmap::fuzz::persona_md(data).verify() {
        panic!("{e}");
    }
});
