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
    /// The object model: families of commands and the objects they act on,
    /// sorted by name.
    #[serde(default)]
    pub families: Vec<FamilyDef>,
    /// The kinds of objects an [`TypeRef::AnyObject`] holds, sorted by wire
    /// type.
    #[serde(default)]
    pub objects: Vec<ObjectKind>,
    /// Every alias name → the struct it names.
    #[serde(default)]
    pub aliases: std::collections::BTreeMap<String, String>,
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
    /// Set when the command shows a rulebase: the type of its rules.
    pub rulebase: Option<TypeRef>,
    /// Set when the response names asynchronous tasks.
    pub tasks: Option<TaskField>,
    /// Descriptor file, relative to the spec folder.
    pub source: String,
    /// The family of the object it acts on (`host`).
    pub family: String,
    /// What it does to that object: `add`, `set`, `show`, `delete`,
    /// `clone`, `list` or `other`.
    pub role: String,
}

/// The commands that act on one kind of object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FamilyDef {
    /// The family (`host`).
    pub name: String,
    /// The object's type when the family's answers are objects (`Host`).
    pub object: Option<String>,
    /// The object's `type` on the wire (`host`).
    pub wire_type: Option<String>,
    /// Its commands by role (`add`, `list`, …), sorted.
    pub commands: std::collections::BTreeMap<String, Vec<String>>,
}

/// One kind of object: a variant of the `AnyObject` enum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectKind {
    /// Its `type` on the wire (`host`).
    pub wire_type: String,
    /// The struct (`Host`).
    pub type_name: String,
    /// The module of the struct (its cargo feature gates the variant).
    pub module: String,
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

/// The name of the enum of every kind of object.
pub const ANY_OBJECT: &str = "AnyObject";

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

/// A field's value type. `E` and `S` name generated enums and structs:
/// their Rust names in the IR, other handles while the lowering stage still
/// names them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "of")]
pub enum TypeRef<E = String, S = String> {
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
    Enum(E),
    /// A generated struct.
    Struct(S),
    /// A JSON array.
    List(Box<TypeRef<E, S>>),
    /// One value or an array of them.
    OneOrMany(Box<TypeRef<E, S>>),
    /// An object, or only its identifier (name or UID) as a string.
    ObjectOrId(Box<TypeRef<E, S>>),
    /// An object of any kind, told apart by its `type` (`AnyObject`).
    AnyObject,
    /// A `set-` collection: the whole of it, or `add`/`remove`/`update`
    /// changes of its items.
    Edit(Box<TypeRef<E, S>>),
    /// On the heap: a type that holds itself (through fields that are not
    /// lists).
    Boxed(Box<TypeRef<E, S>>),
}

impl<E, S> TypeRef<E, S> {
    /// The type a wrapper holds (list, one-or-many, object-or-id, edit).
    pub fn inner(&self) -> Option<&TypeRef<E, S>> {
        match self {
            TypeRef::List(inner)
            | TypeRef::OneOrMany(inner)
            | TypeRef::ObjectOrId(inner)
            | TypeRef::Edit(inner)
            | TypeRef::Boxed(inner) => Some(inner),
            _ => None,
        }
    }

    /// The same type with other names for the generated types.
    pub fn map<E2, S2>(&self, enums: &impl Fn(&E) -> E2, structs: &impl Fn(&S) -> S2) -> TypeRef<E2, S2> {
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
            TypeRef::AnyObject => TypeRef::AnyObject,
            TypeRef::Edit(inner) => TypeRef::Edit(Box::new(inner.map(enums, structs))),
            TypeRef::Boxed(inner) => TypeRef::Boxed(Box::new(inner.map(enums, structs))),
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
    /// Other names for this enum (`pub type SimpleClusterStatus = ClusterMemberStatus;`).
    #[serde(default)]
    pub aliases: Vec<Alias>,
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
        let name = self.aliases.get(name).map_or(name, String::as_str);
        self.structs.binary_search_by(|s| s.name.as_str().cmp(name)).ok().map(|i| &self.structs[i])
    }

    /// The enum named `name` (or aliased so).
    pub fn find_enum(&self, name: &str) -> Option<&EnumDef> {
        let name = self.aliases.get(name).map_or(name, String::as_str);
        self.enums.binary_search_by(|e| e.name.as_str().cmp(name)).ok().map(|i| &self.enums[i])
    }

    /// The command named `name`.
    pub fn find_command(&self, name: &str) -> Option<&Command> {
        self.commands.binary_search_by(|c| c.name.as_str().cmp(name)).ok().map(|i| &self.commands[i])
    }
}
