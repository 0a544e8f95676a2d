//! One command descriptor, read from its JSON with located errors.

use super::types::{parse_type, TypeParse, WireType};
use crate::diag::{pointer_push, Finding, Findings, Rule};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Where a descriptor came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// A file of the documentation extractor.
    Documentation,
    /// A `[[command]]` of the overrides file: the documentation lacks it.
    Override,
}

/// One API command as the documentation describes it (flat lists, no
/// nesting decided yet).
#[derive(Clone, Debug, Serialize)]
pub struct Descriptor {
    /// File, relative to the spec folder.
    pub file: String,
    /// Where it came from.
    pub origin: Origin,
    /// The command name (`add-host`): the last segment of the URL path.
    pub command: String,
    /// What the command does.
    pub description: String,
    /// HTTP method, or `None` where the descriptor names a placeholder
    /// (`<HTTP-Method>`): the client then lets the caller choose.
    pub method: Option<String>,
    /// Whether requests carry the `X-chkp-sid` session header.
    pub needs_session: bool,
    /// Request body entries; `None` when the descriptor has no body list.
    pub body: Option<Vec<Entry>>,
    /// Entries of the success response.
    pub success: Vec<Entry>,
    /// Entries of the failure response.
    pub failure: Vec<Entry>,
    /// HTTP statuses of failures (`response.http_codes.failure`).
    pub failure_statuses: Vec<u16>,
    /// Examples, by name.
    pub examples: Vec<Example>,
    /// `metadata.version`, the documentation version.
    pub version: Option<String>,
}

/// One entry of a flat parameter list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Wire name.
    pub name: String,
    /// Description; empty for parent markers.
    pub description: String,
    /// Declared type.
    pub ty: WireType,
    /// The type string as written, when it was an extraction fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_fault: Option<String>,
    /// Whether the field is required.
    pub required: bool,
    /// Documented default, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Documented valid values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_values: Option<Vec<String>>,
    /// JSON pointer of the entry in its file.
    pub pointer: String,
}

impl Entry {
    /// Parent markers open a nested object: `Object`/`array` entries with
    /// an empty description. Those with a description are value lists.
    pub fn is_parent_marker(&self) -> bool {
        matches!(self.ty, WireType::Object | WireType::Array(None) | WireType::Array(Some(_)))
            && self.description.trim().is_empty()
            && !matches!(&self.ty, WireType::Array(Some(item)) if **item != WireType::Object)
    }
}

/// One example of a command: raw HTTP request text and response text.
#[derive(Clone, Debug, Serialize)]
pub struct Example {
    /// The example's name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Raw request text (request line, headers, blank line, JSON body).
    pub request: Option<String>,
    /// Response text (JSON, when it is).
    pub response: Option<String>,
    /// JSON pointer of the example in its file.
    pub pointer: String,
}

struct Reader<'a> {
    file: &'a str,
    aliases: &'a BTreeMap<String, String>,
    findings: &'a mut Findings,
    command: Option<String>,
}

impl Reader<'_> {
    fn error(&mut self, rule: Rule, pointer: &str, message: String) {
        let mut finding = Finding::new(rule, self.file, pointer, message);
        finding.command = self.command.clone();
        self.findings.push(finding);
    }

    fn object<'v>(&mut self, value: &'v Value, pointer: &str) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(map) => Some(map),
            other => {
                self.error(Rule::WrongKind, pointer, format!("expected an object, found {}", kind(other)));
                None
            }
        }
    }

    fn required<'v>(&mut self, map: &'v Map<String, Value>, key: &str, pointer: &str) -> Option<&'v Value> {
        let found = map.get(key);
        if found.is_none() {
            self.error(Rule::MissingKey, pointer, format!("missing key `{key}`"));
        }
        found
    }

    fn string(&mut self, value: &Value, pointer: &str) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            other => {
                self.error(Rule::WrongKind, pointer, format!("expected a string, found {}", kind(other)));
                None
            }
        }
    }

    /// An optional string: absent or null is `""`; another kind is a warning.
    fn soft_string(&mut self, map: &Map<String, Value>, key: &str, pointer: &str) -> String {
        match map.get(key) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                let at = pointer_push(pointer, key);
                let mut finding = Finding::new(
                    Rule::UnexpectedKey,
                    self.file,
                    &at,
                    format!("expected a string, found {}", kind(other)),
                );
                finding.command = self.command.clone();
                self.findings.push(finding);
                String::new()
            }
        }
    }

    /// `text` without its control characters (NUL, escape, newline…), which
    /// no wire name or enum value holds on purpose: an extraction fault.
    /// Reported as a warning with what the text is read as.
    fn without_controls(&mut self, text: String, pointer: &str, what: &str) -> String {
        if !text.chars().any(char::is_control) {
            return text;
        }
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
        let mut codes: Vec<String> =
            text.chars().filter(|c| c.is_control()).map(|c| format!("U+{:04X}", c as u32)).collect();
        codes.dedup();
        let message = format!(
            "{what} `{}` holds control characters ({}); read as `{clean}`",
            text.escape_debug(),
            codes.join(", ")
        );
        let mut finding = Finding::new(Rule::ControlCharacter, self.file, pointer, message);
        finding.command = self.command.clone();
        self.findings.push(finding);
        clean
    }

    fn array<'v>(&mut self, value: &'v Value, pointer: &str) -> Option<&'v Vec<Value>> {
        match value {
            Value::Array(items) => Some(items),
            other => {
                self.error(Rule::WrongKind, pointer, format!("expected an array, found {}", kind(other)));
                None
            }
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a descriptor from its JSON. Problems go to `findings`; `None` when
/// an error makes the descriptor unusable.
pub fn from_value(
    value: &Value,
    file: &str,
    aliases: &BTreeMap<String, String>,
    findings: &mut Findings,
) -> Option<Descriptor> {
    let errors_before = findings.0.iter().filter(|f| f.is_error()).count();
    let mut r = Reader { file, aliases, findings, command: None };
    let root = r.object(value, "")?;
    let command_value = r.required(root, "command", "");
    let command = command_value.and_then(|v| r.string(v, "/command"));
    if let Some(command) = &command {
        if !is_valid_command_name(command) {
            r.error(
                Rule::InvalidCommandName,
                "/command",
                format!("`{}` is not a command name (lower-case letters, digits and `-`)", command.escape_debug()),
            );
        }
    }
    r.command = command.clone();
    let description = r.soft_string(root, "description", "");

    let request = r.required(root, "request", "").and_then(|v| r.object(v, "/request"));
    let mut method = Some("POST".to_owned());
    let mut needs_session = true;
    let mut body = None;
    if let Some(request) = request {
        if let Some(url) = r.required(request, "url", "/request").and_then(|v| r.string(v, "/request/url")) {
            method = parse_method(&url);
        }
        needs_session = match request.get("headers") {
            Some(headers) => read_needs_session(&mut r, headers),
            None => true,
        };
        if let Some(list) = request.get("body") {
            body = read_entries(&mut r, list, "/request/body");
        }
    }

    let response = r.required(root, "response", "").and_then(|v| r.object(v, "/response"));
    let mut success = Vec::new();
    let mut failure = Vec::new();
    let mut failure_statuses = Vec::new();
    if let Some(response) = response {
        if let Some(codes) = response.get("http_codes").and_then(|c| c.get("failure")).and_then(Value::as_array) {
            failure_statuses = codes.iter().filter_map(Value::as_u64).filter_map(|c| u16::try_from(c).ok()).collect();
        }
        if let Some(list) = response.get("success") {
            success = read_entries(&mut r, list, "/response/success").unwrap_or_default();
        }
        if let Some(list) = response.get("failure") {
            failure = read_entries(&mut r, list, "/response/failure").unwrap_or_default();
        }
    }

    let examples = match root.get("examples") {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => read_examples(&mut r, value),
    };
    let version = root.get("metadata").and_then(|m| m.get("version")).and_then(Value::as_str).map(str::to_owned);

    let errors_after = r.findings.0.iter().filter(|f| f.is_error()).count();
    if errors_after > errors_before {
        return None;
    }
    Some(Descriptor {
        file: file.to_owned(),
        origin: Origin::Documentation,
        command: command?,
        description,
        method,
        needs_session,
        body,
        success,
        failure,
        failure_statuses,
        examples,
        version,
    })
}

/// Command names become URL path segments, file names and Rust names.
pub fn is_valid_command_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// `POST https://…/web_api/cmd` → `POST`; a placeholder such as
/// `<HTTP-Method>` → `None`.
fn parse_method(url: &str) -> Option<String> {
    let first = url.split_whitespace().next().unwrap_or("");
    if !first.is_empty() && first.chars().all(|c| c.is_ascii_alphabetic()) {
        Some(first.to_ascii_uppercase())
    } else {
        None
    }
}

fn read_needs_session(r: &mut Reader<'_>, headers: &Value) -> bool {
    let Some(items) = r.array(headers, "/request/headers") else {
        return true;
    };
    items.iter().any(|h| h.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case("X-chkp-sid")))
}

fn read_entries(r: &mut Reader<'_>, list: &Value, pointer: &str) -> Option<Vec<Entry>> {
    let items = r.array(list, pointer)?;
    let mut entries = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        if let Some(entry) = read_entry(r, item, &at) {
            entries.push(entry);
        }
    }
    Some(entries)
}

fn read_entry(r: &mut Reader<'_>, item: &Value, at: &str) -> Option<Entry> {
    let map = r.object(item, at)?;
    let name_at = pointer_push(at, "name");
    let name = r.required(map, "name", at).and_then(|v| r.string(v, &name_at));
    let name = name.map(|name| r.without_controls(name, &name_at, "field name"));
    let type_text = r.required(map, "type", at).and_then(|v| r.string(v, &pointer_push(at, "type")));
    let description = r.soft_string(map, "description", at);
    let required = match map.get("required") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
            warn_kind(r, at, "required", "a boolean written as a string");
            s.eq_ignore_ascii_case("true")
        }
        Some(other) => {
            warn_kind(r, at, "required", kind(other));
            false
        }
    };
    let default = match map.get("default") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other @ (Value::Bool(_) | Value::Number(_))) => Some(other.to_string()),
        Some(other) => {
            warn_kind(r, at, "default", kind(other));
            None
        }
    };
    let valid_values = match map.get("valid_values") {
        None | Some(Value::Null) => None,
        Some(Value::Array(values)) => Some(
            values
                .iter()
                .enumerate()
                .filter_map(|(index, v)| match v {
                    Value::String(s) => {
                        let value_at = format!("{at}/valid_values/{index}");
                        Some(r.without_controls(s.clone(), &value_at, "valid value"))
                    }
                    Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
                    _ => None,
                })
                .collect(),
        ),
        Some(other) => {
            warn_kind(r, at, "valid_values", kind(other));
            None
        }
    };
    let (name, type_text) = (name?, type_text?);
    let (ty, type_fault) = match parse_type(&type_text) {
        TypeParse::Clean(ty) => (ty, None),
        TypeParse::Fault(ty) => (ty, Some(type_text.clone())),
        TypeParse::Unknown => match r.aliases.get(&type_text).map(|alias| parse_type(alias)) {
            Some(TypeParse::Clean(ty)) => (ty, None),
            _ => {
                r.error(
                    Rule::UnknownType,
                    &pointer_push(at, "type"),
                    format!(
                        "unknown type string `{}` (map it under [type-aliases] in the overrides file)",
                        type_text.escape_debug()
                    ),
                );
                return None;
            }
        },
    };
    Some(Entry { name, description, ty, type_fault, required, default, valid_values, pointer: at.to_owned() })
}

fn warn_kind(r: &mut Reader<'_>, at: &str, key: &str, found: &str) {
    let mut finding = Finding::new(
        Rule::UnexpectedKey,
        r.file,
        &pointer_push(at, key),
        format!("unexpected kind of value ({found}); ignored"),
    );
    finding.command = r.command.clone();
    r.findings.push(finding);
}

fn read_examples(r: &mut Reader<'_>, value: &Value) -> Vec<Example> {
    let Some(map) = r.object(value, "/examples") else {
        return Vec::new();
    };
    let mut examples = Vec::new();
    for (name, example) in map {
        let at = pointer_push("/examples", name);
        let Value::Object(fields) = example else {
            warn_kind(r, "/examples", name, kind(example));
            continue;
        };
        let text = |key: &str| fields.get(key).and_then(Value::as_str).map(str::to_owned);
        let name = r.without_controls(name.clone(), &at, "example name");
        examples.push(Example {
            name,
            description: text("description").unwrap_or_default(),
            request: text("request"),
            response: text("response"),
            pointer: at,
        });
    }
    examples
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_and_placeholders() {
        assert_eq!(parse_method("POST https://<mgmt-server>:<port>/web_api/login").as_deref(), Some("POST"));
        assert_eq!(parse_method("<HTTP-Method> https://<mgmt-server>:<port>/web_api/cme-api"), None);
        assert_eq!(parse_method("get https://x/web_api/y").as_deref(), Some("GET"));
    }

    #[test]
    fn command_names() {
        assert!(is_valid_command_name("add-host"));
        assert!(is_valid_command_name("cme-api"));
        assert!(!is_valid_command_name(""));
        assert!(!is_valid_command_name("Add Host"));
        assert!(!is_valid_command_name("../etc"));
    }
}
