//! A journey file, read both as `journeys/*.yaml` and as front matter of `journeys/*.md`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for outcome in [
        trailmap::fuzz::journey_yaml(data),
        trailmap::fuzz::journey_md(data),
    ] {
        if let Err(e) = outcome.verify() {
            panic!("{e}");
        }
    }
});
