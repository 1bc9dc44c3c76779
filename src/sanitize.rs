//! Names come from other people's disks: escape control and bidirectional-override characters
//! before printing them, so a folder name cannot rewrite the terminal or disguise itself.

use std::borrow::Cow;
use std::fmt::Write;

pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(for_terminal("Default"), "Default");
        assert_eq!(for_terminal("a\nb\x1b[31m"), "a\\u{a}b\\u{1b}[31m");
        assert_eq!(for_terminal("x\u{202e}y"), "x\\u{202e}y");
    }
}
