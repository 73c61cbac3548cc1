//! A free page, `pages/**/*.md`: optional front matter, Markdown rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = trailmap::fuzz::page_markdown(data).verify() {
        panic!("{e}");
    }
});
