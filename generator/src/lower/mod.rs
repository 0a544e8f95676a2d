//! Stage 4: trees → IR.
//!
//! Every nested object becomes a struct shape; identical shapes (same wire
//! names, types and required flags) become one type, whoever uses them, and
//! identical sets of valid values become one enum. Types then get names
//! (`names`), modules (one per command group, `shared` for types several
//! groups use) and docs ([`docs`]).
//!
//! Types also follow what the examples show (`check::Observations`): a field
//! documented as a string that an example sends as an array accepts one or
//! many; an object that an example returns as a bare string (`details-level`
//! `uid`) accepts the identifier too; in responses, a scalar of another kind
//! than documented is kept as JSON, so that decoding what servers send never
//! fails on a documentation fault.

pub mod docs;
mod groups;
mod names;
mod patch;

pub use groups::group_of;

use crate::check::{kind, Kinds, Observations};
use crate::diag::{Finding, Findings, Rule};
use crate::ir::{self, Api, Lifecycle, Role, TypeRef};
use crate::load::{Descriptor, Entry, Spec, WireType};
use crate::naming::{rust_name, Case, Namespace};
use crate::overrides::{FieldOverride, Side};
use crate::shapes::{CommandShape, Node, Shapes};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A type before naming: structs and enums are indices into the builder.
type Ty = TypeRef<usize>;

/// A field before naming.
#[derive(Clone, Debug)]
struct ProtoField {
    entry: Entry,
    ty: Ty,
    required: bool,
    rust_name: Option<String>,
}

/// Identity of a struct shape: docs do not count.
type StructKey = Vec<(String, Ty, bool, Option<String>)>;

/// Where a type is used.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Use {
    command: String,
    side: Side,
    /// Wire name of the field holding it; `None` for a response root.
    field: Option<String>,
    list: bool,
}

#[derive(Debug)]
struct ProtoStruct {
    fields: Vec<ProtoField>,
    uses: Vec<Use>,
    /// Fixed name (request structs, the failure body).
    fixed: Option<String>,
    role: Role,
}

#[derive(Debug)]
struct ProtoEnum {
    values: Vec<String>,
    uses: Vec<Use>,
    fixed: Option<String>,
}

struct ProtoCommand<'a> {
    d: &'a Descriptor,
    request: usize,
    response: usize,
}

#[derive(Default)]
struct Builder<'a> {
    structs: Vec<ProtoStruct>,
    struct_index: HashMap<StructKey, usize>,
    enums: Vec<ProtoEnum>,
    enum_index: HashMap<Vec<String>, usize>,
    commands: Vec<ProtoCommand<'a>>,
    field_overrides: Vec<&'a FieldOverride>,
    /// Required fields an example omits: (command, path, pointer).
    relaxed: Vec<(String, String, String)>,
}

/// Keys of the objects that change a collection (`set-*` commands).
const COLLECTION_OPS: [&str; 3] = ["add", "remove", "update"];

/// The name of the failure body type.
pub const FAILURE_BODY: &str = "ApiFailure";
/// The command name that marks uses inside the failure body.
const FAILURE_USE: &str = "";
/// The error-code enum.
pub const ERROR_CODE: &str = "ErrorCode";
/// The fallback variant of every enum.
pub const FALLBACK_VARIANT: &str = "Unrecognized";
/// The field of every struct that keeps fields the descriptor does not
/// declare.
pub const EXTRA_FIELD: &str = "extra";

/// Builds the IR.
pub fn build(spec: &Spec, shapes: &Shapes, observations: &Observations, findings: &mut Findings) -> Api {
    let mut trees: BTreeMap<String, CommandShape> = shapes.commands.clone();
    let mut by_command: BTreeMap<&str, Vec<(usize, &FieldOverride)>> = BTreeMap::new();
    for (index, o) in spec.overrides.fields.iter().enumerate() {
        by_command.entry(o.command.as_str()).or_default().push((index, o));
    }
    for (command, list) in &by_command {
        if let Some(shape) = trees.get_mut(*command) {
            patch::apply(command, shape, list, findings);
        }
    }

    let mut b = Builder { field_overrides: spec.overrides.fields.iter().collect(), ..Builder::default() };
    for d in &spec.descriptors {
        let Some(tree) = trees.get(&d.command) else { continue };
        b.command(d, tree, observations);
    }
    let failure = b.failure(spec, &trees);
    for (command, path, pointer) in std::mem::take(&mut b.relaxed) {
        findings.push(
            Finding::new(
                Rule::RequiredFieldOmitted,
                &source_of(spec, &command),
                &pointer,
                format!("`{path}` is documented as required, but an example omits it: optional in the request type"),
            )
            .for_command(&command),
        );
    }
    let names = names::assign(&b, spec, findings);
    b.finish(spec, names, failure, findings)
}

impl<'a> Builder<'a> {
    fn command(&mut self, d: &'a Descriptor, tree: &CommandShape, obs: &Observations) {
        let request_fields = match &tree.request {
            Some(nodes) => self.fields(nodes, &d.command, Side::Request, &mut Vec::new(), obs),
            None => Vec::new(),
        };
        let request = self.structs.len();
        self.structs.push(ProtoStruct {
            fields: request_fields,
            uses: vec![Use { command: d.command.clone(), side: Side::Request, field: None, list: false }],
            fixed: Some(rust_name(&d.command, Case::UpperCamel)),
            role: Role::Request,
        });
        let response_fields = self.fields(&tree.response, &d.command, Side::Response, &mut Vec::new(), obs);
        let response = self.intern(
            response_fields,
            Use { command: d.command.clone(), side: Side::Response, field: None, list: false },
            Role::Response,
        );
        self.commands.push(ProtoCommand { d, request, response });
    }

    fn fields(
        &mut self,
        nodes: &[Node],
        command: &str,
        side: Side,
        path: &mut Vec<String>,
        obs: &Observations,
    ) -> Vec<ProtoField> {
        nodes
            .iter()
            .map(|node| {
                path.push(node.entry.name.clone());
                let field = self.field(node, command, side, path, obs);
                path.pop();
                field
            })
            .collect()
    }

    fn field_override(&self, command: &str, side: Side, path: &[String]) -> Option<&'a FieldOverride> {
        let joined = path.join("/");
        self.field_overrides
            .iter()
            .copied()
            .find(|o| o.command == command && o.side == side && o.path.trim_matches('/') == joined)
    }

    fn field(
        &mut self,
        node: &Node,
        command: &str,
        side: Side,
        path: &mut Vec<String>,
        obs: &Observations,
    ) -> ProtoField {
        let e = &node.entry;
        let seen = obs.at(command, side, path);
        let o = self.field_override(command, side, path);
        let ty = if !node.children.is_empty() {
            let fields = self.fields(&node.children, command, side, path, obs);
            let mut list = matches!(e.ty, WireType::Array(_)) || node.repeated;
            // `add`/`remove`/`update` of a collection: named after the
            // collection (`interfaces` → `Interface`), not the operation.
            let mut naming = e.name.clone();
            if COLLECTION_OPS.contains(&e.name.as_str()) && path.len() >= 2 {
                naming = path[path.len() - 2].clone();
                list = true;
            }
            let role = if side == Side::Request { Role::Input } else { Role::Response };
            let id = self.intern(fields, Use { command: command.to_owned(), side, field: Some(naming), list }, role);
            object_type(TypeRef::Struct(id), e, node.repeated, seen)
        } else if e.is_parent_marker() {
            match e.ty {
                WireType::Object => TypeRef::Json,
                _ => TypeRef::List(Box::new(TypeRef::Json)),
            }
        } else {
            let secret = o.and_then(|o| o.secret).unwrap_or_else(|| is_secret_name(&e.name));
            let base = match &e.ty {
                WireType::String if secret => TypeRef::Secret,
                WireType::String => match e.valid_values.as_ref().filter(|v| !v.is_empty()) {
                    Some(values) => TypeRef::Enum(self.intern_enum(
                        values,
                        Use { command: command.to_owned(), side, field: Some(e.name.clone()), list: false },
                    )),
                    None => TypeRef::String,
                },
                WireType::Integer => TypeRef::Integer,
                WireType::Number => TypeRef::Number,
                WireType::Boolean => TypeRef::Boolean,
                WireType::Object => TypeRef::Json,
                WireType::Array(None) => TypeRef::List(Box::new(item_type(seen.items))),
                WireType::Array(Some(item)) => TypeRef::List(Box::new(scalar(item))),
            };
            widen(base, seen, side)
        };
        let omitted = obs.omitted(command, side, &path[..path.len() - 1], &e.name);
        let required = side == Side::Request && e.required && !omitted && o.and_then(|o| o.required) != Some(true)
            || o.and_then(|o| o.required) == Some(true) && side == Side::Request;
        // A parent marker's valid values belong to its first enum
        // descendant, not to it: its docs must not list them.
        let mut entry = e.clone();
        if e.is_parent_marker() {
            entry.valid_values = None;
        }
        if side == Side::Request && e.required && !required {
            self.relaxed.push((command.to_owned(), path.join("/"), e.pointer.clone()));
        }
        ProtoField { entry, ty, required, rust_name: o.and_then(|o| o.rust_name.clone()) }
    }

    fn intern(&mut self, fields: Vec<ProtoField>, usage: Use, role: Role) -> usize {
        let key: StructKey =
            fields.iter().map(|f| (f.entry.name.clone(), f.ty.clone(), f.required, f.rust_name.clone())).collect();
        if let Some(&id) = self.struct_index.get(&key) {
            let s = &mut self.structs[id];
            s.uses.push(usage);
            if s.role != role {
                s.role = Role::Both;
            }
            return id;
        }
        let id = self.structs.len();
        self.structs.push(ProtoStruct { fields, uses: vec![usage], fixed: None, role });
        self.struct_index.insert(key, id);
        id
    }

    fn intern_enum(&mut self, values: &[String], usage: Use) -> usize {
        let mut unique: Vec<String> = Vec::new();
        for v in values {
            if !unique.contains(v) {
                unique.push(v.clone());
            }
        }
        let mut key = unique.clone();
        key.sort();
        if let Some(&id) = self.enum_index.get(&key) {
            self.enums[id].uses.push(usage);
            return id;
        }
        let id = self.enums.len();
        self.enums.push(ProtoEnum { values: unique, uses: vec![usage], fixed: None });
        self.enum_index.insert(key, id);
        id
    }

    /// The failure body: the block most commands share, with the error codes
    /// of every command's block.
    fn failure(&mut self, spec: &Spec, trees: &BTreeMap<String, CommandShape>) -> (usize, usize) {
        let mut counts: BTreeMap<String, (usize, &str)> = BTreeMap::new();
        for (command, tree) in trees.iter().filter(|(_, t)| !t.failure.is_empty()) {
            let signature = format!("{:?}", names_of(&tree.failure));
            let slot = counts.entry(signature).or_insert((0, command.as_str()));
            slot.0 += 1;
        }
        let chosen = counts.values().max_by_key(|(n, c)| (*n, std::cmp::Reverse(*c))).map(|(_, c)| *c);
        let fallback = default_failure();
        let nodes: &[Node] = chosen.and_then(|c| trees.get(c)).map_or(&fallback, |t| &t.failure);

        let mut codes: Vec<String> = Vec::new();
        for d in &spec.descriptors {
            for e in d.failure.iter().filter(|e| e.name == "code") {
                for v in e.valid_values.iter().flatten() {
                    if !codes.contains(v) {
                        codes.push(v.clone());
                    }
                }
            }
        }
        let code_enum = self.enums.len();
        self.enums.push(ProtoEnum { values: codes, uses: Vec::new(), fixed: Some(ERROR_CODE.to_owned()) });
        // The codes are the shared enum: the block's own list must not make
        // another one.
        let mut nodes = nodes.to_vec();
        for node in nodes.iter_mut().filter(|n| n.entry.name == "code") {
            node.entry.valid_values = None;
        }
        let obs = Observations::default();
        let mut fields = self.fields(&nodes, FAILURE_USE, Side::Response, &mut Vec::new(), &obs);
        for f in &mut fields {
            if f.entry.name == "code" {
                f.ty = TypeRef::Enum(code_enum);
                f.entry.valid_values = Some(self.enums[code_enum].values.clone());
            }
        }
        let body = self.structs.len();
        self.structs.push(ProtoStruct {
            fields,
            uses: Vec::new(),
            fixed: Some(FAILURE_BODY.to_owned()),
            role: Role::Response,
        });
        (body, code_enum)
    }
}

fn names_of(nodes: &[Node]) -> Vec<(String, Vec<String>)> {
    nodes.iter().map(|n| (n.entry.name.clone(), n.children.iter().map(|c| c.entry.name.clone()).collect())).collect()
}

/// A failure body for a spec whose descriptors list none: the runtime
/// always needs one.
fn default_failure() -> Vec<Node> {
    let leaf = |name: &str, description: &str| Node {
        entry: Entry {
            name: name.to_owned(),
            description: description.to_owned(),
            ty: WireType::String,
            type_fault: None,
            required: false,
            default: None,
            valid_values: None,
            pointer: String::new(),
        },
        children: Vec::new(),
        repeated: false,
        evidence: crate::shapes::Evidence::Rule,
    };
    vec![leaf("message", "Operation status."), leaf("code", "Error code.")]
}

/// Names the generator treats as secrets: never shown by `Debug`.
pub fn is_secret_name(wire: &str) -> bool {
    let lower = wire.to_ascii_lowercase();
    lower == "sid"
        || lower == "api-key"
        || lower.ends_with("password")
        || lower.ends_with("secret")
        || lower.ends_with("pre-shared-key")
}

fn scalar(ty: &WireType) -> Ty {
    match ty {
        WireType::String => TypeRef::String,
        WireType::Integer => TypeRef::Integer,
        WireType::Number => TypeRef::Number,
        WireType::Boolean => TypeRef::Boolean,
        WireType::Object | WireType::Array(_) => TypeRef::Json,
    }
}

/// The item type of a value list, from the kinds its examples hold.
fn item_type(items: u16) -> Ty {
    let items = items & (kind::NULL | kind::BOOL | kind::INT | kind::FLOAT | kind::STRING | kind::OBJECT | kind::ARRAY);
    match items & !kind::NULL {
        0 | kind::STRING => TypeRef::String,
        kind::INT => TypeRef::Integer,
        k if k & !(kind::INT | kind::FLOAT) == 0 => TypeRef::Number,
        kind::BOOL => TypeRef::Boolean,
        _ => TypeRef::Json,
    }
}

fn accepts(ty: &Ty, kinds: u16) -> bool {
    let kinds = kinds & (kind::NULL | kind::BOOL | kind::INT | kind::FLOAT | kind::STRING | kind::OBJECT | kind::ARRAY);
    let allowed = match ty {
        TypeRef::String | TypeRef::Secret | TypeRef::Enum(_) => kind::STRING,
        TypeRef::Integer => kind::INT,
        TypeRef::Number => kind::INT | kind::FLOAT,
        TypeRef::Boolean => kind::BOOL,
        _ => return true,
    };
    kinds & !(allowed | kind::NULL) == 0
}

/// Scalars as the examples show them: an array of them is "one or many";
/// another kind means the API takes more than the documentation says, and
/// the value is kept as JSON. In a request, a boolean or number written as a
/// string (`"true"`) is an example's fault, not the API's: the type stays.
fn widen(base: Ty, seen: Kinds, side: Side) -> Ty {
    if matches!(base, TypeRef::List(_) | TypeRef::Json) {
        return base;
    }
    let quoted = |kinds: u16| -> u16 {
        let only = |q: u16| {
            kinds & kind::STRING != 0
                && kinds & (kind::PLAIN_STRING | (kind::QUOTED_BOOL | kind::QUOTED_NUMBER) & !q) == 0
        };
        match base {
            TypeRef::Boolean if side == Side::Request && only(kind::QUOTED_BOOL) => kinds & !kind::STRING,
            TypeRef::Integer | TypeRef::Number if side == Side::Request && only(kind::QUOTED_NUMBER) => {
                kinds & !kind::STRING
            }
            _ => kinds,
        }
    };
    let direct = quoted(seen.direct & !kind::ARRAY);
    let items = quoted(seen.items);
    let arrays = seen.direct & kind::ARRAY != 0;
    if !accepts(&base, direct) || (arrays && !accepts(&base, items)) {
        return TypeRef::Json;
    }
    if arrays {
        return TypeRef::OneOrMany(Box::new(base));
    }
    base
}

/// An object type as the examples show it: a lone object where a list is
/// documented (or the reverse) accepts one or many; a string where an
/// object is documented accepts the object's identifier.
fn object_type(st: Ty, e: &Entry, repeated: bool, seen: Kinds) -> Ty {
    // A value entry that also takes an object (`machines`: `any`, or an
    // object) always takes the string.
    let scalar = !matches!(e.ty, WireType::Object | WireType::Array(_));
    let strings = scalar || (seen.direct | seen.items) & kind::STRING != 0;
    let item = if strings { TypeRef::ObjectOrId(Box::new(st)) } else { st };
    let declared_list = matches!(e.ty, WireType::Array(_));
    let lone = seen.direct & (kind::OBJECT | kind::STRING) != 0;
    let arrays = seen.direct & kind::ARRAY != 0;
    if repeated || (declared_list && lone) || (!declared_list && arrays) {
        TypeRef::OneOrMany(Box::new(item))
    } else if declared_list {
        TypeRef::List(Box::new(item))
    } else {
        item
    }
}

/// Names chosen for types, by builder index.
pub(crate) struct Names {
    structs: Vec<String>,
    enums: Vec<String>,
    aliases: BTreeMap<String, String>,
}

impl Builder<'_> {
    fn finish(self, spec: &Spec, names: Names, failure: (usize, usize), findings: &mut Findings) -> Api {
        let group_of_command: BTreeMap<&str, Option<String>> =
            self.commands.iter().map(|c| (c.d.command.as_str(), group_of(&c.d.command))).collect();
        let modules = Modules::new(group_of_command.values().flatten());
        let module_of = |uses: &[Use]| -> String {
            if uses.iter().any(|u| u.command == FAILURE_USE) {
                return modules.failure.clone();
            }
            let set: BTreeSet<String> = uses
                .iter()
                .map(|u| modules.of(group_of_command.get(u.command.as_str()).and_then(|g| g.as_deref())))
                .collect();
            match set.len() {
                0 => modules.base.clone(),
                1 => set.into_iter().next().expect("one"),
                _ => modules.shared.clone(),
            }
        };
        let to_ref = |ty: &Ty| type_ref(ty, &names);

        let mut structs = Vec::with_capacity(self.structs.len());
        for (id, s) in self.structs.iter().enumerate() {
            let name = names.structs[id].clone();
            let mut ns = Namespace::with_reserved(&[EXTRA_FIELD]);
            let mut fields = Vec::with_capacity(s.fields.len());
            for f in &s.fields {
                let wanted = f.rust_name.clone().unwrap_or_else(|| rust_name(&f.entry.name, Case::Snake));
                let rust = ns.claim(&wanted);
                if rust != wanted {
                    findings.push(
                        Finding::new(
                            Rule::FieldNameCollision,
                            &s.uses.first().map(|u| source_of(spec, &u.command)).unwrap_or_default(),
                            &f.entry.pointer,
                            format!("field `{}` of `{name}` is named `{rust}`: `{wanted}` is taken", f.entry.name),
                        )
                        .for_command(s.uses.first().map_or("", |u| u.command.as_str())),
                    );
                }
                let enum_name = match &f.ty {
                    TypeRef::Enum(e) => Some(names.enums[*e].as_str()),
                    _ => None,
                };
                fields.push(ir::Field {
                    wire_name: f.entry.name.clone(),
                    rust_name: rust,
                    docs: docs::field(&f.entry, enum_name),
                    ty: to_ref(&f.ty),
                    required: f.required,
                });
            }
            let module = if id == failure.0 { modules.failure.clone() } else { module_of(&s.uses) };
            structs.push(ir::StructDef {
                docs: struct_docs(s, &name, spec, id == failure.0),
                name,
                role: s.role,
                fields,
                aliases: Vec::new(),
                module,
            });
        }

        let mut commands = Vec::with_capacity(self.commands.len());
        for c in &self.commands {
            let d = c.d;
            let request = names.structs[c.request].clone();
            let mut response = names.structs[c.response].clone();
            if let Some(alias) = names.aliases.get(&d.command) {
                let module = module_of(&self.structs[c.request].uses);
                structs[c.response].aliases.push(ir::Alias {
                    name: alias.clone(),
                    docs: format!("Response of {}.", docs::code(&d.command)),
                    module,
                });
                response = alias.clone();
            }
            let response_struct = &structs[c.response];
            commands.push(ir::Command {
                response_struct: response_struct.name.clone(),
                module: structs[c.request].module.clone(),
                name: d.command.clone(),
                method_name: rust_name(&d.command, Case::Snake),
                description: docs::sanitize(&d.description),
                http_method: d.method.clone(),
                needs_session: d.needs_session,
                lifecycle: lifecycle(d, response_struct),
                group: group_of_command.get(d.command.as_str()).cloned().flatten(),
                request,
                has_body: d.body.is_some(),
                response,
                pagination: pagination(&structs[c.request], response_struct),
                tasks: tasks(&d.command, response_struct, &structs),
                source: d.file.clone(),
            });
        }

        let mut enums: Vec<ir::EnumDef> = self
            .enums
            .iter()
            .enumerate()
            .map(|(id, e)| {
                let module = if e.fixed.is_some() { modules.failure.clone() } else { module_of(&e.uses) };
                enum_def(e, &names.enums[id], module, spec, findings)
            })
            .collect();
        structs.sort_by(|a, b| a.name.cmp(&b.name));
        enums.sort_by(|a, b| a.name.cmp(&b.name));
        commands.sort_by(|a, b| a.name.cmp(&b.name));
        let mut groups: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
        for c in &commands {
            if let Some(g) = &c.group {
                groups.entry(g.clone()).or_insert_with(|| (c.module.clone(), BTreeSet::new())).1.insert(c.name.clone());
            }
        }
        Api {
            version: common_version(&spec.descriptors),
            commands,
            structs,
            enums,
            failure: ir::Failure {
                body: names.structs[failure.0].clone(),
                codes: names.enums[failure.1].clone(),
                http_statuses: failure_statuses(&spec.descriptors),
            },
            groups: groups.into_iter().map(|(name, (module, commands))| ir::Group { name, module, commands }).collect(),
            sharing: ir::Sharing {
                objects: self.structs.iter().map(|s| s.uses.len().max(1)).sum(),
                structs: self.structs.len(),
                value_lists: self.enums.iter().map(|e| e.uses.len().max(1)).sum(),
                enums: self.enums.len(),
            },
        }
    }
}

fn source_of(spec: &Spec, command: &str) -> String {
    spec.descriptors.iter().find(|d| d.command == command).map(|d| d.file.clone()).unwrap_or_default()
}

fn type_ref(ty: &Ty, names: &Names) -> TypeRef {
    ty.map(&|id| names.enums[*id].clone(), &|id| names.structs[*id].clone())
}

/// Module names: one per group, plus `base` (the core), `shared` and
/// `failure`.
struct Modules {
    by_group: BTreeMap<String, String>,
    base: String,
    shared: String,
    failure: String,
}

impl Modules {
    fn new<'g>(groups: impl Iterator<Item = &'g String>) -> Self {
        let mut ns = Namespace::with_reserved(&["mod", "runtime", "registry"]);
        let base = ns.claim("base");
        let shared = ns.claim("shared");
        let failure = ns.claim("failure");
        let mut by_group = BTreeMap::new();
        for g in groups.collect::<BTreeSet<_>>() {
            let snake = rust_name(g, Case::Snake);
            let plain = snake.strip_prefix("r#").map(|k| format!("{k}_")).unwrap_or(snake);
            by_group.insert(g.clone(), ns.claim(&plain));
        }
        Modules { by_group, base, shared, failure }
    }

    fn of(&self, group: Option<&str>) -> String {
        group.and_then(|g| self.by_group.get(g)).cloned().unwrap_or_else(|| self.base.clone())
    }
}

fn struct_docs(s: &ProtoStruct, name: &str, spec: &Spec, failure: bool) -> String {
    if failure {
        return "The body of every failure answer (HTTP 4xx and 5xx): a message, an error code, and \
                the warnings and errors of validation."
            .to_owned();
    }
    match s.role {
        Role::Request => {
            let command = &s.uses[0].command;
            let description = spec
                .descriptors
                .iter()
                .find(|d| &d.command == command)
                .map(|d| docs::sanitize(&d.description))
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| format!("The {} command.", docs::code(command)));
            format!("{description}\n\nRequest body of {}.", docs::code(command))
        }
        _ => {
            let roots: BTreeSet<&str> =
                s.uses.iter().filter(|u| u.field.is_none()).map(|u| u.command.as_str()).collect();
            match roots.len() {
                0 => {}
                1 => return format!("Response of {}.", docs::code(roots.iter().next().expect("one"))),
                _ => {
                    return format!(
                        "A response shared by {} commands; each has an alias named after it (`<Command>Response`).",
                        roots.len()
                    )
                }
            }
            match names::most_common(s.uses.iter().filter_map(|u| u.field.clone())) {
                Some(field) => format!("The {} object.", docs::code(&field)),
                None => format!("The `{name}` object."),
            }
        }
    }
}

fn enum_def(e: &ProtoEnum, name: &str, module: String, spec: &Spec, findings: &mut Findings) -> ir::EnumDef {
    let mut ns = Namespace::with_reserved(&[FALLBACK_VARIANT]);
    let mut variants = Vec::with_capacity(e.values.len());
    for value in &e.values {
        let wanted = rust_name(value, Case::UpperCamel);
        let rust = ns.claim(&wanted);
        if rust != wanted {
            let (file, command) =
                e.uses.first().map(|u| (source_of(spec, &u.command), u.command.clone())).unwrap_or_default();
            findings.push(
                Finding::new(
                    Rule::EnumValueCollision,
                    &file,
                    "",
                    format!("value {} of `{name}` is named `{rust}`: `{wanted}` is taken", docs::code(value)),
                )
                .for_command(&command),
            );
        }
        variants.push(ir::Variant { wire: value.clone(), rust_name: rust });
    }
    let docs = if e.fixed.as_deref() == Some(ERROR_CODE) {
        "The error codes of the API: the `code` of a failure body.".to_owned()
    } else {
        let field = names::most_common(e.uses.iter().filter_map(|u| u.field.clone())).unwrap_or_default();
        format!("Valid values of {}.", docs::code(&field))
    };
    ir::EnumDef {
        name: name.to_owned(),
        docs: format!("{docs}\n\nValues this version does not know decode to `{FALLBACK_VARIANT}`."),
        variants,
        module,
    }
}

/// Commands whose response carries a new session id open a session; those
/// the documentation says log out end it.
fn lifecycle(d: &Descriptor, response: &ir::StructDef) -> Lifecycle {
    let description = d.description.trim_start().to_ascii_lowercase();
    if response.fields.iter().any(|f| f.wire_name == "sid") {
        Lifecycle::Opens
    } else if d.needs_session && (description.starts_with("log out") || description.starts_with("logout")) {
        Lifecycle::Ends
    } else {
        Lifecycle::Call
    }
}

/// `show-*` commands that take `limit` and `offset` and answer `from`, `to`,
/// `total` and one list page through results.
fn pagination(request: &ir::StructDef, response: &ir::StructDef) -> Option<ir::Pagination> {
    let has = |s: &ir::StructDef, wire: &str| s.fields.iter().any(|f| f.wire_name == wire);
    if !(has(request, "limit") && has(request, "offset")) {
        return None;
    }
    if !["from", "to", "total"].iter().all(|w| has(response, w)) {
        return None;
    }
    let lists: Vec<&ir::Field> =
        response.fields.iter().filter(|f| matches!(f.ty, TypeRef::List(_) | TypeRef::OneOrMany(_))).collect();
    let field = lists.iter().find(|f| f.wire_name == "objects").or_else(|| (lists.len() == 1).then(|| &lists[0]))?;
    let item = match &field.ty {
        TypeRef::List(item) | TypeRef::OneOrMany(item) => (**item).clone(),
        _ => return None,
    };
    Some(ir::Pagination { items_field: field.wire_name.clone(), items_rust_name: field.rust_name.clone(), item })
}

/// Responses that name asynchronous tasks (`task-id`, or `tasks` with
/// `task-id`), except the commands that show tasks.
fn tasks(command: &str, response: &ir::StructDef, structs: &[ir::StructDef]) -> Option<ir::TaskField> {
    if command.starts_with("show-") {
        return None;
    }
    for f in &response.fields {
        match (&f.wire_name[..], &f.ty) {
            ("task-id", TypeRef::String) => return Some(ir::TaskField::TaskId(f.rust_name.clone())),
            ("tasks", TypeRef::List(item)) => {
                if let TypeRef::Struct(name) = &**item {
                    let has_id =
                        structs.iter().any(|s| &s.name == name && s.fields.iter().any(|f| f.wire_name == "task-id"));
                    if has_id {
                        return Some(ir::TaskField::Tasks(f.rust_name.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn common_version(descriptors: &[Descriptor]) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for v in descriptors.iter().filter_map(|d| d.version.as_deref()) {
        *counts.entry(v).or_default() += 1;
    }
    counts.into_iter().max_by_key(|(v, n)| (*n, std::cmp::Reverse(*v))).map(|(v, _)| v.to_owned())
}

fn failure_statuses(descriptors: &[Descriptor]) -> Vec<u16> {
    let set: BTreeSet<u16> = descriptors.iter().flat_map(|d| d.failure_statuses.iter().copied()).collect();
    if set.is_empty() {
        vec![400, 401, 403, 404, 409, 500, 501]
    } else {
        set.into_iter().collect()
    }
}
