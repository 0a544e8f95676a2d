//! The markdown form of a descriptor: a `# command` heading and one fenced
//! json block. The extractor delivers it as `.md` or `.txt`; the loader
//! recognises it by content, whatever the extension.

/// The JSON text of a markdown descriptor and where it starts.
pub struct FencedBlock<'a> {
    /// The text between the fences.
    pub json: &'a str,
    /// 1-based line of the first JSON line in the file, to locate errors.
    pub first_line: usize,
    /// The command named by the first `# ` heading, if any.
    pub heading: Option<String>,
}

/// Why a text holds no fenced JSON block.
#[derive(Debug, PartialEq, Eq)]
pub enum NoBlock {
    /// A JSON block opens at this 1-based line and never closes: the text
    /// was cut short.
    Unterminated {
        /// The line of the opening fence.
        line: usize,
    },
    /// No JSON block at all.
    Absent,
}

/// Finds the first fenced block tagged `json`, or untagged and holding a
/// JSON object (an untagged block of shell commands in a README is not a
/// descriptor), and the first level-one heading.
pub fn fenced_json(text: &str) -> Result<FencedBlock<'_>, NoBlock> {
    enum State {
        Prose,
        OtherBlock,
        /// An untagged block whose first line decides what it holds.
        Untagged {
            begin: usize,
            first_line: usize,
        },
        Json {
            begin: usize,
            first_line: usize,
        },
    }
    let mut heading = None;
    let mut offset = 0;
    let mut state = State::Prose;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        let closes = trimmed == "```";
        state = match state {
            State::Prose => {
                if heading.is_none() {
                    if let Some(rest) = trimmed.strip_prefix("# ") {
                        heading = Some(rest.trim().to_owned());
                    }
                }
                match trimmed.strip_prefix("```").map(str::trim) {
                    None => State::Prose,
                    Some(tag) => {
                        let (begin, first_line) = (offset + line.len(), index + 2);
                        if tag.is_empty() {
                            State::Untagged { begin, first_line }
                        } else if tag.eq_ignore_ascii_case("json") {
                            State::Json { begin, first_line }
                        } else {
                            State::OtherBlock
                        }
                    }
                }
            }
            State::OtherBlock if closes => State::Prose,
            State::OtherBlock => State::OtherBlock,
            State::Untagged { .. } if closes => State::Prose,
            State::Untagged { begin, first_line } if trimmed.is_empty() => State::Untagged { begin, first_line },
            State::Untagged { begin, first_line } if trimmed.starts_with('{') => State::Json { begin, first_line },
            State::Untagged { .. } => State::OtherBlock,
            State::Json { begin, first_line } if closes => {
                return Ok(FencedBlock { json: &text[begin..offset], first_line, heading });
            }
            json @ State::Json { .. } => json,
        };
        offset += line.len();
    }
    match state {
        State::Json { first_line, .. } => Err(NoBlock::Unterminated { line: first_line - 1 }),
        _ => Err(NoBlock::Absent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_block_heading_and_line() {
        let text = "# login\n\nsome prose\n```json\n{\"a\": 1}\n```\n";
        let block = fenced_json(text).unwrap();
        assert_eq!(block.json, "{\"a\": 1}\n");
        assert_eq!(block.first_line, 5);
        assert_eq!(block.heading.as_deref(), Some("login"));
    }

    #[test]
    fn unterminated_and_missing_blocks() {
        assert_eq!(fenced_json("# x\n```json\n{}\n").err(), Some(NoBlock::Unterminated { line: 2 }));
        assert_eq!(fenced_json("# x\n\n```\n{\"a\":\n").err(), Some(NoBlock::Unterminated { line: 3 }));
        assert_eq!(fenced_json("# x\nno block at all\n").err(), Some(NoBlock::Absent));
    }

    #[test]
    fn other_languages_are_skipped() {
        let text = "```bash\necho\n```\n```json\n[]\n```\n";
        assert_eq!(fenced_json(text).unwrap().json, "[]\n");
    }

    #[test]
    fn untagged_blocks_count_when_they_hold_an_object() {
        let text = "```\ncargo run -p generator\n```\n\n```\n\n{\"command\": \"x\"}\n```\n";
        let block = fenced_json(text).unwrap();
        assert_eq!(block.json, "\n{\"command\": \"x\"}\n");
        assert_eq!(block.first_line, 6);
        assert_eq!(fenced_json("```\n```\n").err(), Some(NoBlock::Absent));
    }
}
