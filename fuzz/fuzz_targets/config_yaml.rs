//! The site configuration, `trailmap.yaml`, checked against the starter site.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = trailmap::fuzz::config_yaml(data).verify() {
        panic!("{e}");
    }
});
