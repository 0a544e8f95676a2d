//! Stage 3's output: the API as plain data.
//!
//! Everything later stages need, and nothing about files or tokens: the
//! emitters, the snapshots, the OpenAPI export and the diff all read this,
//! so the generated code, the export and the reports cannot disagree.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The whole API.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// Documentation version (`metadata.version`), when all agree.
    pub version: Option<String>,
    /// Commands, sorted by wire name.
    pub commands: Vec<Command>,
    /// Struct types, sorted by name.
    pub structs: Vec<StructDef>,
    /// Enum types, sorted by name.
    pub enums: Vec<EnumDef>,
    /// The failure body shared by every command.
    pub failure: Failure,
    /// Command groups (cargo features), sorted by name.
    pub groups: Vec<Group>,
    /// How much sharing identical shapes saved.
    #[serde(default)]
    pub sharing: Sharing,
}

/// Types before and after identical shapes became one type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    /// Objects in the rebuilt trees (one type each, without sharing).
    pub objects: usize,
    /// Struct types after sharing.
    pub structs: usize,
    /// Fields with valid values (one enum each, without sharing).
    pub value_lists: usize,
    /// Enum types after sharing.
    pub enums: usize,
}

/// One API command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Command {
    /// Wire name (`add-host`), the last URL segment.
    pub name: String,
    /// Rust method name (`add_host`).
    pub method_name: String,
    /// What it does.
    pub description: String,
    /// HTTP method; `None` where the documentation leaves it to the caller.
    pub http_method: Option<String>,
    /// Whether it needs a session (`X-chkp-sid`).
    pub needs_session: bool,
    /// What the command does to the session.
    pub lifecycle: Lifecycle,
    /// The command group (cargo feature) it belongs to; `None` for the core.
    pub group: Option<String>,
    /// The request struct (one per command).
    pub request: String,
    /// Whether the descriptor lists a request body.
    pub has_body: bool,
    /// The response type (a struct, or an alias of one).
    pub response: String,
    /// The struct behind the response type.
    pub response_struct: String,
    /// The module its request struct, impls and methods are emitted into.
    pub module: String,
    /// Set when the command pages through results.
    pub pagination: Option<Pagination>,
    /// Set when the response names asynchronous tasks.
    pub tasks: Option<TaskField>,
    /// Descriptor file, relative to the spec folder.
    pub source: String,
}

/// What a command does to the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lifecycle {
    /// An ordinary command.
    Call,
    /// Its response carries a new session id: the client returns a session.
    Opens,
    /// The session ends: the method consumes it.
    Ends,
}

/// How a `show-*` command pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pagination {
    /// Wire name of the response field that holds a page's items.
    pub items_field: String,
    /// Rust name of that field.
    pub items_rust_name: String,
    /// The item type.
    pub item: TypeRef,
}

/// Where a response names its tasks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "field")]
pub enum TaskField {
    /// A `task-id` string field (its Rust name).
    TaskId(String),
    /// A `tasks` list of objects with `task-id` (its Rust name).
    Tasks(String),
}

/// Where a struct is used: decides its serde derives and helpers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A command's request body (sent).
    Request,
    /// A nested object of requests only (sent).
    Input,
    /// A command's response, or a nested object of responses only
    /// (received).
    Response,
    /// A nested object of requests and of responses (sent and received).
    Both,
}

/// A struct type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StructDef {
    /// Rust name.
    pub name: String,
    /// Rust doc text.
    pub docs: String,
    /// How it is used; decides which helpers it gets.
    pub role: Role,
    /// Fields in wire order.
    pub fields: Vec<Field>,
    /// Other names for this type (`pub type AddHostResponse = Host;`).
    pub aliases: Vec<Alias>,
    /// Module (`shared` or a group) it is emitted into.
    pub module: String,
}

/// Another name for a struct.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    /// The alias.
    pub name: String,
    /// Its doc text.
    pub docs: String,
    /// Module it is emitted into.
    pub module: String,
}

/// A struct field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The exact wire name.
    pub wire_name: String,
    /// The Rust name (raw identifiers spelled with `r#`).
    pub rust_name: String,
    /// Rust doc text (description, default, valid values).
    pub docs: String,
    /// The value type.
    pub ty: TypeRef,
    /// Required fields are plain; others are `Option`.
    pub required: bool,
}

/// A field's value type. `Id` names generated types: their Rust names in
/// the IR, indices while the lowering stage still shares shapes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "of")]
pub enum TypeRef<Id = String> {
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `f64`.
    Number,
    /// `bool`.
    Boolean,
    /// A string never shown in `Debug` output.
    Secret,
    /// Any JSON.
    Json,
    /// A generated enum.
    Enum(Id),
    /// A generated struct.
    Struct(Id),
    /// A JSON array.
    List(Box<TypeRef<Id>>),
    /// One value or an array of them.
    OneOrMany(Box<TypeRef<Id>>),
    /// An object, or only its identifier (name or UID) as a string.
    ObjectOrId(Box<TypeRef<Id>>),
}

impl<Id> TypeRef<Id> {
    /// The same type with other names for the generated types.
    pub fn map<To>(&self, enums: &impl Fn(&Id) -> To, structs: &impl Fn(&Id) -> To) -> TypeRef<To> {
        match self {
            TypeRef::String => TypeRef::String,
            TypeRef::Integer => TypeRef::Integer,
            TypeRef::Number => TypeRef::Number,
            TypeRef::Boolean => TypeRef::Boolean,
            TypeRef::Secret => TypeRef::Secret,
            TypeRef::Json => TypeRef::Json,
            TypeRef::Enum(id) => TypeRef::Enum(enums(id)),
            TypeRef::Struct(id) => TypeRef::Struct(structs(id)),
            TypeRef::List(inner) => TypeRef::List(Box::new(inner.map(enums, structs))),
            TypeRef::OneOrMany(inner) => TypeRef::OneOrMany(Box::new(inner.map(enums, structs))),
            TypeRef::ObjectOrId(inner) => TypeRef::ObjectOrId(Box::new(inner.map(enums, structs))),
        }
    }
}

/// An enum of valid values, with a fallback for values this version does
/// not know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnumDef {
    /// Rust name.
    pub name: String,
    /// Rust doc text.
    pub docs: String,
    /// Variants in documentation order.
    pub variants: Vec<Variant>,
    /// Module it is emitted into.
    pub module: String,
}

/// One enum variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// The exact wire value.
    pub wire: String,
    /// The Rust variant name.
    pub rust_name: String,
}

/// The failure body and error codes shared by every command.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// The failure body struct (in `structs`).
    pub body: String,
    /// The error-code enum (in `enums`).
    pub codes: String,
    /// HTTP statuses the documentation lists for failures.
    pub http_statuses: Vec<u16>,
}

/// A command group: one cargo feature.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Feature name.
    pub name: String,
    /// Module name.
    pub module: String,
    /// Its commands, sorted.
    pub commands: BTreeSet<String>,
}

impl Api {
    /// The struct named `name`.
    pub fn find_struct(&self, name: &str) -> Option<&StructDef> {
        self.structs.binary_search_by(|s| s.name.as_str().cmp(name)).ok().map(|i| &self.structs[i])
    }

    /// The enum named `name`.
    pub fn find_enum(&self, name: &str) -> Option<&EnumDef> {
        self.enums.binary_search_by(|e| e.name.as_str().cmp(name)).ok().map(|i| &self.enums[i])
    }

    /// The command named `name`.
    pub fn find_command(&self, name: &str) -> Option<&Command> {
        self.commands.binary_search_by(|c| c.name.as_str().cmp(name)).ok().map(|i| &self.commands[i])
    }
}
