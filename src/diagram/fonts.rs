//! The Inter font files, compiled into the binary.
//!
//! The same files measure text here, render the PNG, and are copied into the site for
//! browsers, so the widths we wrap by are the widths every reader sees, and a machine with
//! no fonts installed still renders text.

pub(super) const REGULAR: &[u8] =
    include_bytes!("../../themes/default/static/fonts/Inter-Regular.otf");
pub(super) const ITALIC: &[u8] =
    include_bytes!("../../themes/default/static/fonts/Inter-Italic.otf");
pub(super) const SEMI_BOLD: &[u8] =
    include_bytes!("../../themes/default/static/fonts/Inter-SemiBold.otf");
pub(super) const BOLD: &[u8] = include_bytes!("../../themes/default/static/fonts/Inter-Bold.otf");

pub(super) const FILES: [(&str, &[u8]); 4] = [
    ("Inter-Regular.otf", REGULAR),
    ("Inter-Italic.otf", ITALIC),
    ("Inter-SemiBold.otf", SEMI_BOLD),
    ("Inter-Bold.otf", BOLD),
];
