//! The JSON inside a descriptor's examples.
//!
//! An example request is raw HTTP: a request line, headers, a blank line and
//! a JSON body, sometimes followed by prose. An example response is JSON, or
//! empty, or (about a third of the documentation) something that is not JSON:
//! truncated text, `...`, comments. The JSON found here is the best evidence
//! of the real nesting, and the test corpus for the generated types.

use crate::diag::{pointer_push, Finding, Findings, Rule};
use crate::load::Descriptor;
use serde::Serialize;
use serde_json::Value;

/// What an example part holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum Part {
    /// Nothing (no text, or a request without a body).
    Absent,
    /// A JSON value.
    Json(Value),
    /// Text that is not JSON; the reason says why.
    NotJson(String),
}

impl Part {
    /// The JSON value, when the part is JSON.
    pub fn json(&self) -> Option<&Value> {
        match self {
            Part::Json(value) => Some(value),
            _ => None,
        }
    }
}

/// One example, with its parts read.
#[derive(Clone, Debug, Serialize)]
pub struct ParsedExample {
    /// The example's name.
    pub name: String,
    /// JSON pointer of the example in its descriptor.
    pub pointer: String,
    /// The request body.
    pub request: Part,
    /// The response body.
    pub response: Part,
}

/// Reads every example of a descriptor; parts that are not JSON are
/// reported (they are listed, never silently skipped).
pub fn parse_examples(descriptor: &Descriptor, findings: &mut Findings) -> Vec<ParsedExample> {
    let mut out = Vec::new();
    for example in &descriptor.examples {
        let request = example.request.as_deref().map(request_body).unwrap_or(Part::Absent);
        let response = example.response.as_deref().map(response_body).unwrap_or(Part::Absent);
        for (key, part) in [("request", &request), ("response", &response)] {
            if let Part::NotJson(reason) = part {
                findings.push(
                    Finding::new(
                        Rule::NonJsonExample,
                        &descriptor.file,
                        &pointer_push(&example.pointer, key),
                        format!("example `{}`: the {key} is not JSON ({reason})", example.name),
                    )
                    .for_command(&descriptor.command),
                );
            }
        }
        out.push(ParsedExample { name: example.name.clone(), pointer: example.pointer.clone(), request, response });
    }
    out
}

/// The JSON body of a raw HTTP request: the first JSON value after the
/// blank line; prose after it is ignored.
pub fn request_body(raw: &str) -> Part {
    let normalized = raw.replace("\r\n", "\n");
    let Some((_, body)) = normalized.split_once("\n\n") else {
        // No blank line: a request line and headers only, or a bare body.
        let trimmed = normalized.trim_start();
        if trimmed.starts_with('{') {
            return first_json_value(trimmed);
        }
        return Part::Absent;
    };
    let body = body.trim();
    if body.is_empty() {
        return Part::Absent;
    }
    first_json_value(body)
}

fn first_json_value(text: &str) -> Part {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    match stream.next() {
        Some(Ok(value)) => Part::Json(value),
        Some(Err(e)) => Part::NotJson(e.to_string()),
        None => Part::Absent,
    }
}

/// A response example: JSON, nothing, or text that is not JSON.
pub fn response_body(raw: &str) -> Part {
    let text = raw.trim();
    if text.is_empty() {
        return Part::Absent;
    }
    match serde_json::from_str::<Value>(text) {
        Ok(value) => Part::Json(value),
        Err(e) => Part::NotJson(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_body_after_blank_line() {
        let raw = "POST {{server}}/login\nContent-Type: application/json\n\n{\n  \"user\" : \"aa\"\n}";
        assert_eq!(request_body(raw), Part::Json(json!({"user": "aa"})));
    }

    #[test]
    fn prose_after_the_body_is_ignored() {
        let raw = "POST x\n\n{\"a\": 1}\n\n• This command is available only in the System Data domain.";
        assert_eq!(request_body(raw), Part::Json(json!({"a": 1})));
    }

    #[test]
    fn crlf_and_missing_bodies() {
        assert_eq!(request_body("POST x\r\nA: b\r\n\r\n{}"), Part::Json(json!({})));
        assert_eq!(request_body("POST x\nA: b"), Part::Absent);
        assert_eq!(request_body("POST x\n\n   "), Part::Absent);
    }

    #[test]
    fn broken_responses_are_not_json() {
        assert!(matches!(response_body("{ \"a\" : 1, ... }"), Part::NotJson(_)));
        assert!(matches!(response_body("{ \"a\" : 1 // comment\n}"), Part::NotJson(_)));
        assert_eq!(response_body("  "), Part::Absent);
        assert_eq!(response_body("[1]"), Part::Json(json!([1])));
    }
}
