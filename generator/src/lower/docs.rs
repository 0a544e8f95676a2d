//! Doc text for generated items.
//!
//! Descriptions are prose from HTML pages: they hold `<mgmt-server>`, bare
//! URLs, square brackets and indented lines, each of which rustdoc would
//! read as an HTML tag, a lint, a link or a doctest. [`sanitize`] makes the
//! text plain Markdown that renders as written.

use crate::load::Entry;

/// Valid values listed in a field's docs up to this many; beyond, the docs
/// point at the enum.
const LISTED_VALUES: usize = 12;

/// Makes description text safe for rustdoc.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, line) in text.replace("\r\n", "\n").split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        // Leading spaces would make an indented code block: a doctest.
        let line = line.trim_start().replace("```", "'''");
        let mut rest = line.as_str();
        while !rest.is_empty() {
            match find_url(rest) {
                Some((start, end)) => {
                    escape_into(&rest[..start], &mut out);
                    out.push('<');
                    out.push_str(&rest[start..end]);
                    out.push('>');
                    rest = &rest[end..];
                }
                None => {
                    escape_into(rest, &mut out);
                    rest = "";
                }
            }
        }
    }
    out.trim().to_owned()
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '[' | ']' | '<' | '>' | '\\' | '*' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
}

/// The byte range of the first `http://` or `https://` URL.
fn find_url(text: &str) -> Option<(usize, usize)> {
    let start = ["https://", "http://"].iter().filter_map(|p| text.find(p)).min()?;
    let end = text[start..]
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | ')' | ']' | '`'))
        .map_or(text.len(), |i| start + i);
    let end = start + text[start..end].trim_end_matches(['.', ',', ';', ':']).len();
    // A URL with a placeholder such as `https://<mgmt-server>` is no link.
    (end > start + "https://".len()).then_some((start, end))
}

/// Code-formatted wire text, safe inside backticks.
pub fn code(text: &str) -> String {
    if text.contains('`') {
        format!("``{}``", text.replace('\n', " "))
    } else {
        format!("`{}`", text.replace('\n', " "))
    }
}

/// Docs of a field: its description, default and valid values.
pub fn field(entry: &Entry, enum_name: Option<&str>) -> String {
    let mut doc = sanitize(&entry.description);
    if doc.is_empty() {
        doc = format!("The {} field.", code(&entry.name));
    }
    if let Some(default) = &entry.default {
        doc.push_str(&format!("\n\nDefault: {}.", code(default)));
    }
    if let Some(values) = entry.valid_values.as_ref().filter(|v| !v.is_empty()) {
        if values.len() <= LISTED_VALUES || enum_name.is_none() {
            let listed: Vec<String> = values.iter().map(|v| code(v)).collect();
            doc.push_str(&format!("\n\nValid values: {}.", listed.join(", ")));
        } else if let Some(name) = enum_name {
            doc.push_str(&format!("\n\nValid values: the {} values of [`{name}`].", values.len()));
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_links_and_code_blocks_are_defused() {
        assert_eq!(
            sanitize("POST https://<mgmt-server>:<port>/web_api"),
            "POST https://\\<mgmt-server\\>:\\<port\\>/web_api"
        );
        assert_eq!(sanitize("see https://example.com/a."), "see <https://example.com/a>.");
        assert_eq!(sanitize("a [b] c"), "a \\[b\\] c");
        assert_eq!(sanitize("x\n    let y = 1;"), "x\nlet y = 1;");
        assert_eq!(sanitize("```json\n{}\n```"), "'''json\n{}\n'''");
    }
}
