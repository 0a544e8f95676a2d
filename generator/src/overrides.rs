//! The overrides file (`spec/overrides.toml`): the maintainer's explicit
//! decisions, each with the reason for it. The generator applies them on top
//! of what the descriptors and their examples say, and reports each one.
//!
//! ```toml
//! [type-aliases]            # type strings the loader does not know
//! "float" = "number"
//!
//! [[field]]                 # change a field, or add one the docs forgot
//! command = "login"
//! side = "request"          # request | response
//! path = "api-key"          # wire names from the body root, '/'-separated
//! add = true
//! type = "string"
//! description = "API key."
//! why = "servers accept it; the documented example sends it"
//!
//! [[nesting]]               # the exact direct children of a parent entry
//! command = "add-host"
//! side = "request"
//! parent = "nat-settings"
//! children = ["auto-rule", "ip-address", "method"]
//! why = "..."
//!
//! [[example-fault]]         # an example that cannot decode, and why
//! command = "import-management"
//! example = "import with verification only"
//! why = "sends an object where the API takes a string"
//!
//! [[example-fault]]         # a kind of fault, for every example that has it
//! kind = "quoted-scalars"
//! why = "examples write booleans and numbers as strings"
//!
//! [[type-name]]             # the Rust name of a shared shape
//! fields = ["iso-8601", "posix"]
//! name = "Timestamp"
//!
//! [[common-field]]          # a field every object carries, beyond the rule's
//! name = "available-actions"
//! why = "..."
//!
//! [[parameters]]            # parameters a kind of command takes everywhere
//! roles = ["add", "set"]     # add, set, show, delete, clone, list
//! names = ["color", "comments", "tags"]   # copied from their declarations
//! declare = [{ name = "groups", type = "string", description = "…" }]
//! where-object-has = "groups"   # optional: only where the object has it
//! where-family-has = "add"      # optional: only families with such a command
//! why = "..."
//!
//! [[command]]               # a command the documentation lacks
//! name = "show-session"
//! description = "..."
//! why = "..."
//! request = [{ name = "uid", type = "string", description = "..." }]
//! response = [{ name = "uid", type = "string", description = "..." }]
//! ```

use crate::diag::{Finding, Findings, Rule};
use crate::load::{parse_type, Descriptor, Entry, Origin, TypeParse, WireType};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// All decisions of the overrides file.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Overrides {
    /// Type strings the loader does not know, mapped to documented ones.
    #[serde(default)]
    pub type_aliases: BTreeMap<String, String>,
    /// Field changes and additions.
    #[serde(default, rename = "field")]
    pub fields: Vec<FieldOverride>,
    /// Exact children of parent entries.
    #[serde(default)]
    pub nesting: Vec<NestingOverride>,
    /// Examples known not to decode, with the reason.
    #[serde(default, rename = "example-fault")]
    pub example_faults: Vec<ExampleFault>,
    /// Names of shared shapes.
    #[serde(default, rename = "type-name")]
    pub type_names: Vec<TypeName>,
    /// Commands the documentation lacks.
    #[serde(default, rename = "command")]
    pub commands: Vec<AddedCommand>,
    /// Fields every object carries that the rule does not find.
    #[serde(default, rename = "common-field")]
    pub common_fields: Vec<CommonField>,
    /// Parameters the extraction dropped from a kind of command.
    #[serde(default, rename = "parameters")]
    pub parameters: Vec<Parameters>,
}

/// A field every object carries, beyond those the examples show.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CommonField {
    /// Wire name.
    pub name: String,
    /// Why.
    pub why: String,
}

/// Parameters that every command of some roles takes, where the
/// documentation dropped them: a pattern, not one entry per command. Each
/// parameter is copied from its most common declaration in the API.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Parameters {
    /// The roles of the commands (`add`, `set`, `show`, `delete`, `clone`,
    /// `list`), in families of objects.
    pub roles: Vec<String>,
    /// Wire names of parameters to copy from their most common declaration
    /// in the API, at the root of the request.
    #[serde(default)]
    pub names: Vec<String>,
    /// Parameters written out here, where no command of the API declares
    /// them.
    #[serde(default)]
    pub declare: Vec<AddedField>,
    /// Only for families whose object has this field (`groups`).
    pub where_object_has: Option<String>,
    /// Only for families that have a command of this role (`add`: kinds of
    /// objects users create, not settings).
    pub where_family_has: Option<String>,
    /// Why.
    pub why: String,
}

/// Which list of a command an override is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The request body.
    Request,
    /// The success response.
    Response,
}

impl Side {
    /// `request` or `response`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

/// Changes one field, or adds it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FieldOverride {
    /// The command.
    pub command: String,
    /// Request or response.
    pub side: Side,
    /// Wire names from the root, separated by `/`.
    pub path: String,
    /// The field is not in the descriptor: add it.
    #[serde(default)]
    pub add: bool,
    /// A new type string.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new required flag.
    pub required: Option<bool>,
    /// Valid values to use instead of the documented ones.
    pub valid_values: Option<Vec<String>>,
    /// Whether the value is a secret (never printed).
    pub secret: Option<bool>,
    /// A Rust field name to use instead of the derived one.
    pub rust_name: Option<String>,
    /// Why.
    pub why: String,
}

/// The exact direct children of one parent entry.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NestingOverride {
    /// The command.
    pub command: String,
    /// Request or response.
    pub side: Side,
    /// Wire names from the root to the parent, separated by `/`.
    pub parent: String,
    /// The parent's direct children, by wire name.
    pub children: Vec<String>,
    /// Why.
    pub why: String,
}

/// Examples with a known fault, recorded as descriptor faults.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ExampleFault {
    /// The command; every command when absent.
    pub command: Option<String>,
    /// The example's name; every example of the command when absent.
    pub example: Option<String>,
    /// Which part is faulty: `request`, `response` or both (absent).
    pub part: Option<Side>,
    /// What kind of fault (default: the example cannot decode at all).
    #[serde(default)]
    pub kind: FaultKind,
    /// Why.
    pub why: String,
}

/// Kinds of example faults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// The example cannot decode into the generated types.
    #[default]
    Undecodable,
    /// Booleans and numbers written as strings (`"true"`, `"25"`): the API
    /// reads them as the values they spell; the example is otherwise right.
    QuotedScalars,
}

/// A name for every shared shape with exactly these fields.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TypeName {
    /// The shape's wire field names (any order).
    pub fields: Vec<String>,
    /// The Rust type name.
    pub name: String,
}

/// A command the documentation lacks, written out with its nesting.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AddedCommand {
    /// Command name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Whether it needs a session (default: yes).
    #[serde(default = "yes")]
    pub session: bool,
    /// Request fields.
    #[serde(default)]
    pub request: Vec<AddedField>,
    /// Response fields.
    #[serde(default)]
    pub response: Vec<AddedField>,
    /// Why.
    pub why: String,
}

fn yes() -> bool {
    true
}

/// One field of an added command; objects list their children.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AddedField {
    /// Wire name.
    pub name: String,
    /// Type string.
    #[serde(rename = "type")]
    pub ty: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Required.
    #[serde(default)]
    pub required: bool,
    /// Valid values.
    pub valid_values: Option<Vec<String>>,
    /// Children of an object or array of objects.
    #[serde(default)]
    pub children: Vec<AddedField>,
}

/// The file name under which added commands are reported.
pub fn added_command_file(name: &str) -> String {
    format!("{}#command.{name}", crate::load::OVERRIDES_FILE)
}

impl AddedCommand {
    /// The command as a descriptor (flat lists, like the documentation's).
    pub fn to_descriptor(&self) -> Descriptor {
        let file = added_command_file(&self.name);
        let flatten = |fields: &[AddedField], list: &str| {
            let mut out = Vec::new();
            flatten_fields(fields, list, &mut out);
            out
        };
        Descriptor {
            file,
            origin: Origin::Override,
            command: self.name.clone(),
            description: self.description.clone(),
            method: Some("POST".to_owned()),
            needs_session: self.session,
            body: Some(flatten(&self.request, "/request")),
            success: flatten(&self.response, "/response"),
            failure: Vec::new(),
            failure_statuses: Vec::new(),
            examples: Vec::new(),
            version: None,
        }
    }

    /// The nesting of the added command, as nesting decisions.
    pub fn nesting(&self) -> Vec<NestingOverride> {
        let mut out = Vec::new();
        for (side, fields) in [(Side::Request, &self.request), (Side::Response, &self.response)] {
            collect_nesting(&self.name, side, fields, "", &mut out);
        }
        out
    }
}

fn flatten_fields(fields: &[AddedField], pointer: &str, out: &mut Vec<Entry>) {
    for (index, field) in fields.iter().enumerate() {
        let ty = match parse_type(&field.ty) {
            TypeParse::Clean(ty) | TypeParse::Fault(ty) => ty,
            TypeParse::Unknown => WireType::String,
        };
        let parent = !field.children.is_empty();
        out.push(Entry {
            name: field.name.clone(),
            // Parent markers carry no description, as in the documentation.
            description: if parent { String::new() } else { field.description.clone() },
            ty,
            type_fault: None,
            required: field.required,
            default: None,
            valid_values: field.valid_values.clone(),
            pointer: format!("{pointer}/{index}"),
        });
        flatten_fields(&field.children, &format!("{pointer}/{index}/children"), out);
    }
}

fn collect_nesting(command: &str, side: Side, fields: &[AddedField], prefix: &str, out: &mut Vec<NestingOverride>) {
    for field in fields.iter().filter(|f| !f.children.is_empty()) {
        let path = if prefix.is_empty() { field.name.clone() } else { format!("{prefix}/{}", field.name) };
        out.push(NestingOverride {
            command: command.to_owned(),
            side,
            parent: path.clone(),
            children: field.children.iter().map(|c| c.name.clone()).collect(),
            why: "written out in the overrides file".to_owned(),
        });
        collect_nesting(command, side, &field.children, &path, out);
    }
}

/// Parses the overrides file; errors carry the line.
pub fn parse(text: &str, file: &str, findings: &mut Findings) -> Overrides {
    match toml::from_str::<Overrides>(text) {
        Ok(overrides) => {
            for (index, command) in overrides.commands.iter().enumerate() {
                for field in command.request.iter().chain(&command.response) {
                    check_added_type(field, file, index, findings);
                }
            }
            overrides
        }
        Err(e) => {
            let line = e.span().map(|span| 1 + text[..span.start].matches('\n').count());
            let message = e.message().to_owned();
            let mut finding = Finding::new(Rule::InvalidOverride, file, "", message);
            finding.line = line;
            findings.push(finding);
            Overrides::default()
        }
    }
}

fn check_added_type(field: &AddedField, file: &str, index: usize, findings: &mut Findings) {
    if parse_type(&field.ty) == TypeParse::Unknown {
        findings.push(Finding::new(
            Rule::InvalidOverride,
            file,
            &format!("/command/{index}"),
            format!("field `{}` has unknown type `{}`", field.name, field.ty),
        ));
    }
    for child in &field.children {
        check_added_type(child, file, index, findings);
    }
}

impl Overrides {
    /// Field overrides of one command and side.
    pub fn fields_for<'a>(&'a self, command: &'a str, side: Side) -> impl Iterator<Item = &'a FieldOverride> + 'a {
        self.fields.iter().filter(move |f| f.command == command && f.side == side)
    }

    /// Nesting decisions of one command and side, by parent path.
    pub fn nesting_for(&self, command: &str, side: Side) -> BTreeMap<String, &NestingOverride> {
        self.nesting.iter().filter(|n| n.command == command && n.side == side).map(|n| (n.parent.clone(), n)).collect()
    }

    /// The recorded fault of this kind for an example, if any.
    pub fn example_fault(&self, command: &str, example: &str, part: Side, kind: FaultKind) -> Option<&ExampleFault> {
        self.example_faults.iter().find(|f| {
            f.kind == kind
                && f.command.as_deref().is_none_or(|c| c == command)
                && f.example.as_deref().is_none_or(|e| e == example)
                && f.part.is_none_or(|p| p == part)
        })
    }

    /// The `[[command]]`s the documentation still lacks, as descriptors;
    /// their nesting joins the nesting decisions. `documented` maps each
    /// command the descriptor files describe to its file. An added command
    /// the documentation now describes is obsolete: the descriptor wins
    /// (it is the newer word, with examples), and a warning says the
    /// override can go; it is dropped, so nothing later applies it.
    pub fn adopt_commands(
        &mut self,
        documented: &BTreeMap<String, String>,
        findings: &mut Findings,
    ) -> Vec<Descriptor> {
        for (index, added) in self.commands.iter().enumerate() {
            if let Some(file) = documented.get(&added.name) {
                findings.push(
                    Finding::new(
                        Rule::ObsoleteOverride,
                        crate::load::OVERRIDES_FILE,
                        &format!("/command/{index}"),
                        format!(
                            "`{}` is now described by {file}, which is used instead; delete this override",
                            added.name
                        ),
                    )
                    .for_command(&added.name),
                );
            }
        }
        self.commands.retain(|added| !documented.contains_key(&added.name));
        let nesting: Vec<NestingOverride> = self.commands.iter().flat_map(AddedCommand::nesting).collect();
        self.nesting.extend(nesting);
        self.commands.iter().map(AddedCommand::to_descriptor).collect()
    }

    /// Checks that every override names a command that exists; a typo would
    /// otherwise be silently ignored.
    pub fn check_commands(&self, known: &dyn Fn(&str) -> bool, findings: &mut Findings) {
        let file = crate::load::OVERRIDES_FILE;
        let mut check = |kind: &str, index: usize, command: &str| {
            if !known(command) {
                findings.push(Finding::new(
                    Rule::InvalidOverride,
                    file,
                    &format!("/{kind}/{index}"),
                    format!("no command `{command}` in the spec"),
                ));
            }
        };
        for (i, f) in self.fields.iter().enumerate() {
            check("field", i, &f.command);
        }
        for (i, n) in self.nesting.iter().enumerate() {
            check("nesting", i, &n.command);
        }
        for (i, e) in self.example_faults.iter().enumerate() {
            if let Some(command) = &e.command {
                check("example-fault", i, command);
            }
        }
    }
}

impl AddedField {
    /// The field as a flat entry (its children are not used).
    pub fn to_entry(&self, pointer: &str) -> Entry {
        let ty = match parse_type(&self.ty) {
            TypeParse::Clean(ty) | TypeParse::Fault(ty) => ty,
            TypeParse::Unknown => WireType::String,
        };
        Entry {
            name: self.name.clone(),
            description: self.description.clone(),
            ty,
            type_fault: None,
            required: self.required,
            default: None,
            valid_values: self.valid_values.clone(),
            pointer: pointer.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_the_line() {
        let mut findings = Findings::default();
        parse("[[field]]\ncommand = \"x\"\nbogus = 1\n", "overrides.toml", &mut findings);
        let finding = &findings.0[0];
        assert_eq!(finding.rule, Rule::InvalidOverride);
        assert_eq!(finding.line, Some(3));
    }

    #[test]
    fn added_commands_flatten_and_keep_their_nesting() {
        let mut findings = Findings::default();
        let overrides = parse(
            r#"
[[command]]
name = "show-thing"
description = "Shows a thing."
why = "missing from the docs"
response = [
  { name = "uid", type = "string", description = "UID." },
  { name = "owner", type = "Object", description = "Owner.", children = [
      { name = "name", type = "string", description = "Name." },
  ] },
]
"#,
            "overrides.toml",
            &mut findings,
        );
        assert!(findings.0.is_empty(), "{:?}", findings.0);
        let mut overrides = overrides;
        let descriptor = overrides.adopt_commands(&BTreeMap::new(), &mut findings).remove(0);
        let names: Vec<_> = descriptor.success.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["uid", "owner", "name"]);
        assert!(descriptor.success[1].is_parent_marker());
        assert_eq!(overrides.nesting[0].parent, "owner");
        assert_eq!(overrides.nesting[0].children, ["name"]);
    }

    #[test]
    fn an_added_command_the_documentation_now_describes_is_obsolete() {
        let mut findings = Findings::default();
        let text = "[[command]]\nname = \"show-thing\"\ndescription = \"d\"\nwhy = \"w\"\n\
                    response = [{ name = \"owner\", type = \"Object\", children = [{ name = \"name\", type = \"string\" }] }]\n";
        let mut overrides = parse(text, "overrides.toml", &mut findings);
        let documented = BTreeMap::from([("show-thing".to_owned(), "api-ref/show-thing.json".to_owned())]);
        let added = overrides.adopt_commands(&documented, &mut findings);
        assert!(added.is_empty(), "the descriptor wins");
        assert!(overrides.commands.is_empty() && overrides.nesting.is_empty(), "nothing of the override stays");
        let finding = &findings.0[0];
        assert_eq!((finding.rule, finding.pointer.as_str()), (Rule::ObsoleteOverride, "/command/0"));
        assert!(finding.message.contains("api-ref/show-thing.json"), "{}", finding.message);
    }
}
