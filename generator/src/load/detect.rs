//! Which files of the spec folder hold a descriptor, judged by content: the
//! extractor's deliveries arrive as `.md`, `.txt` or `.json`, and the name
//! says little about what is inside.

use super::markdown::{self, NoBlock};

/// The JSON text of a descriptor and where it sits in its file.
pub struct Source<'a> {
    /// The JSON text.
    pub json: &'a str,
    /// 1-based line of its first line in the file, to locate errors.
    pub first_line: usize,
    /// The command named by a `# ` heading before the block, if any.
    pub heading: Option<String>,
    /// Whether the JSON is a fenced block rather than the whole file.
    pub fenced: bool,
}

/// What a text file of the spec folder holds.
pub enum Content<'a> {
    /// JSON meant to be a descriptor: the whole file, or a fenced block.
    Descriptor(Source<'a>),
    /// A JSON block that opens at this line and never closes: a descriptor
    /// cut short, which must stop generation rather than lose a command.
    Unterminated {
        /// The line of the opening fence.
        line: usize,
    },
    /// No descriptor: notes, an empty file. Says why.
    Other(&'static str),
}

/// Classifies a file's text. A `.json` file is a descriptor whatever it
/// holds (its errors are reported, not skipped), as is any text that starts
/// with `{`; otherwise the first fenced json block (or untagged block that
/// holds an object) is.
pub fn classify(text: &str, json_extension: bool) -> Content<'_> {
    if json_extension || text.trim_start().starts_with('{') {
        return Content::Descriptor(Source { json: text, first_line: 1, heading: None, fenced: false });
    }
    match markdown::fenced_json(text) {
        Ok(block) => Content::Descriptor(Source {
            json: block.json,
            first_line: block.first_line,
            heading: block.heading,
            fenced: true,
        }),
        Err(NoBlock::Unterminated { line }) => Content::Unterminated { line },
        Err(NoBlock::Absent) if text.trim().is_empty() => Content::Other("the file is empty"),
        Err(NoBlock::Absent) => Content::Other("no fenced json block and no JSON object"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_descriptor(text: &str, json_extension: bool) -> bool {
        matches!(classify(text, json_extension), Content::Descriptor(_))
    }

    #[test]
    fn content_decides_not_the_extension() {
        assert!(is_descriptor("# login\n\n```json\n{}\n```\n", false));
        assert!(is_descriptor("\n  {\"command\": \"x\"}", false));
        assert!(is_descriptor("not json at all", true), "a .json file is always meant as one");
        assert!(!is_descriptor("# Notes\n\nRun `cargo run -p generator`.\n", false));
        assert!(!is_descriptor("```sh\ncargo test\n```\n", false));
        assert!(matches!(classify("", false), Content::Other("the file is empty")));
        assert!(matches!(classify("# x\n```json\n{\"a\":", false), Content::Unterminated { line: 2 }));
    }
}
