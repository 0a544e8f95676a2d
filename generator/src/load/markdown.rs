//! The markdown form of a descriptor: a `# command` heading and one fenced
//! json block.

/// The JSON text of a markdown descriptor and where it starts.
pub struct FencedBlock<'a> {
    /// The text between the fences.
    pub json: &'a str,
    /// 1-based line of the first JSON line in the file, to locate errors.
    pub first_line: usize,
    /// The command named by the first `# ` heading, if any.
    pub heading: Option<String>,
}

/// Finds the first fenced block tagged `json` (or untagged) and the first
/// level-one heading. `None` when there is no complete block.
pub fn fenced_json(text: &str) -> Option<FencedBlock<'_>> {
    enum State {
        Prose,
        OtherBlock,
        Json { begin: usize, first_line: usize },
    }
    let mut heading = None;
    let mut offset = 0;
    let mut state = State::Prose;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        match state {
            State::Prose => {
                if heading.is_none() {
                    if let Some(rest) = trimmed.strip_prefix("# ") {
                        heading = Some(rest.trim().to_owned());
                    }
                }
                if let Some(tag) = trimmed.strip_prefix("```") {
                    let tag = tag.trim();
                    state = if tag.is_empty() || tag.eq_ignore_ascii_case("json") {
                        State::Json { begin: offset + line.len(), first_line: index + 2 }
                    } else {
                        State::OtherBlock
                    };
                }
            }
            State::OtherBlock => {
                if trimmed == "```" {
                    state = State::Prose;
                }
            }
            State::Json { begin, first_line } => {
                if trimmed == "```" {
                    return Some(FencedBlock { json: &text[begin..offset], first_line, heading });
                }
            }
        }
        offset += line.len();
    }
    None
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
    fn unterminated_block_is_none() {
        assert!(fenced_json("# x\n```json\n{}\n").is_none());
        assert!(fenced_json("# x\nno block at all\n").is_none());
    }

    #[test]
    fn other_languages_are_skipped() {
        let text = "```bash\necho\n```\n```json\n[]\n```\n";
        assert_eq!(fenced_json(text).unwrap().json, "[]\n");
    }
}
