//! Stage 5: the model → IR.
//!
//! Every type of the model becomes a struct named from its key
//! (`names`); fields get Rust types from what they hold: scalars from the
//! declared type and valid values (identical sets of valid values are one
//! enum), widened by what the examples show (a field documented as a string
//! that an example sends as an array accepts one or many; in answers, a
//! scalar of another kind than documented is kept as JSON, so that decoding
//! what servers send never fails on a documentation fault). Structs and
//! enums then get modules (one per command group, `shared` for types
//! several groups reach, `base` for the core) and docs ([`docs`]).

pub mod docs;
mod groups;
mod names;

pub use groups::group_of;
pub use names::RESERVED;

use crate::check::{kind, Kinds};
use crate::diag::{Finding, Findings, Rule};
use crate::ir::{self, Api, Lifecycle, Role, TypeRef};
use crate::load::{Descriptor, Spec, WireType};
use crate::model::{FieldDef, Model, TypeDef, TypeKey, Value};
use crate::naming::{rust_name, Case, Namespace};
use crate::overrides::Side;
use std::collections::{BTreeMap, BTreeSet};

/// A type before enums are named: enums are indices.
type Ty = TypeRef<usize, String>;

/// Marks the kinds of objects among the names `share_identical` reads.
const OBJECT_TAIL: &str = "Object:";

/// The name of the failure body type.
pub const FAILURE_BODY: &str = "ApiFailure";
/// The error-code enum.
pub const ERROR_CODE: &str = "ErrorCode";
/// The fallback variant of every enum.
pub const FALLBACK_VARIANT: &str = "Unrecognized";
/// The field of every struct that keeps fields the descriptor does not
/// declare.
pub const EXTRA_FIELD: &str = "extra";

#[derive(Debug)]
struct ProtoEnum {
    values: Vec<String>,
    /// Use ids.
    uses: Vec<usize>,
    fixed: Option<String>,
}

/// One field that holds an enum.
#[derive(Clone, Debug)]
struct EnumUse {
    values: Vec<String>,
    /// The struct that holds the field.
    holder: String,
    /// The name of the holder's owner (`SimpleCluster`), for enums named
    /// per owner.
    owner: String,
    /// The field's wire name.
    field: String,
}

/// Sets of valid values as fields hold them, then clustered into enums:
/// per field name, sets that mostly agree are one enum holding all their
/// values (an enum keeps unknown values anyway, so a wider one decodes
/// everything a narrower one did); sets that do not are separate enums.
#[derive(Default)]
struct Enums {
    /// Every use.
    uses: Vec<EnumUse>,
    /// The enums, after [`Enums::cluster`].
    list: Vec<ProtoEnum>,
    /// Use → enum.
    of_use: Vec<usize>,
}

impl Enums {
    /// Records a use; the id is resolved to an enum by [`Enums::cluster`].
    fn intern(&mut self, values: &[String], holder: &Holder<'_>, field: &str) -> usize {
        let mut unique: Vec<String> = Vec::new();
        for v in values {
            if !unique.contains(v) {
                unique.push(v.clone());
            }
        }
        self.uses.push(EnumUse {
            values: unique,
            holder: holder.name.to_owned(),
            owner: holder.owner.to_owned(),
            field: field.to_owned(),
        });
        self.uses.len() - 1
    }

    /// Groups the uses into enums; `fixed` enums (the error codes) come
    /// first, one per use.
    fn cluster(&mut self, fixed: &[(usize, String)]) {
        self.of_use = vec![usize::MAX; self.uses.len()];
        for (use_id, name) in fixed {
            self.list.push(ProtoEnum {
                values: self.uses[*use_id].values.clone(),
                uses: Vec::new(),
                fixed: Some(name.clone()),
            });
            self.of_use[*use_id] = self.list.len() - 1;
        }
        // Per field: distinct sets, most used first.
        let mut by_field: BTreeMap<&str, BTreeMap<Vec<String>, Vec<usize>>> = BTreeMap::new();
        for (id, u) in self.uses.iter().enumerate() {
            if self.of_use[id] != usize::MAX {
                continue;
            }
            let mut key = u.values.clone();
            key.sort();
            by_field.entry(&u.field).or_default().entry(key).or_default().push(id);
        }
        for sets in by_field.into_values() {
            let mut sets: Vec<(Vec<String>, Vec<usize>)> = sets.into_iter().collect();
            sets.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
            let first_enum = self.list.len();
            for (sorted, ids) in sets {
                let found = (first_enum..self.list.len()).find(|&e| agree(&self.list[e].values, &sorted));
                let e = found.unwrap_or_else(|| {
                    self.list.push(ProtoEnum { values: Vec::new(), uses: Vec::new(), fixed: None });
                    self.list.len() - 1
                });
                for id in ids {
                    let target = &mut self.list[e];
                    for v in &self.uses[id].values {
                        if !target.values.contains(v) {
                            target.values.push(v.clone());
                        }
                    }
                    target.uses.push(id);
                    self.of_use[id] = e;
                }
            }
        }
    }
}

/// Whether two sets of values are one enum: at least half of the smaller
/// set is in the other.
fn agree(a: &[String], b: &[String]) -> bool {
    let common = b.iter().filter(|v| a.contains(v)).count();
    common * 2 >= a.len().min(b.len()) && common > 0
}

/// Builds the IR.
pub fn build(spec: &Spec, model: &Model, findings: &mut Findings) -> Api {
    let names = names::assign(model, findings);
    let name_of = |key: &TypeKey| names.get(key).cloned().unwrap_or_default();
    let mut enums = Enums::default();
    let codes = error_codes(spec, &mut enums);

    // Fields, with enums interned.
    let mut protos: BTreeMap<&TypeKey, Vec<(FieldDef, Ty)>> = BTreeMap::new();
    for def in model.types.values() {
        let holder_name = name_of(&def.key);
        let owner = owner_name(model, &def.key, &holder_name);
        let holder = Holder { name: &holder_name, owner: &owner };
        let fields = def
            .fields
            .iter()
            .map(|f| {
                let ty = if def.key == TypeKey::Failure && f.entry.name == "code" {
                    TypeRef::Enum(codes)
                } else {
                    field_type(f, def, &holder, &name_of, &mut enums)
                };
                (f.clone(), ty)
            })
            .collect();
        protos.insert(&def.key, fields);
    }
    enums.cluster(&[(codes, ERROR_CODE.to_owned())]);
    let struct_names: BTreeSet<String> = names.values().cloned().collect();
    let clusters: Vec<(String, usize)> = enums
        .list
        .iter()
        .map(|e| (e.uses.first().map(|u| enums.uses[*u].field.clone()).unwrap_or_default(), e.uses.len()))
        .collect();
    let mut taken = struct_names.clone();
    taken.insert(ERROR_CODE.to_owned());
    let naming = names::enum_names(&clusters, &taken);
    // The name each use gives its enum.
    let use_names: Vec<String> = (0..enums.uses.len())
        .map(|id| {
            let e = enums.of_use[id];
            match (&enums.list[e].fixed, &naming[e]) {
                (Some(fixed), _) => fixed.clone(),
                (None, names::EnumNaming::Shared(name)) => name.clone(),
                (None, names::EnumNaming::PerOwner(field)) => {
                    names::per_owner_enum(&enums.uses[id].owner, field, &taken)
                }
            }
        })
        .collect();
    let use_names = distinct_enum_names(use_names, &enums, &naming, &taken);

    let reach = Reach::new(model, &protos, &names);
    let modules = Modules::new(model.commands.keys().filter_map(|c| group_of(c)));
    let module_of_groups = |groups: &BTreeSet<Option<String>>| -> String {
        match groups.len() {
            0 => modules.base.clone(),
            1 => modules.of(groups.iter().next().expect("one").as_deref()),
            _ => modules.shared.clone(),
        }
    };

    let mut structs = Vec::with_capacity(protos.len());
    let mut module_by_struct: BTreeMap<String, String> = BTreeMap::new();
    for def in model.types.values() {
        let name = name_of(&def.key);
        let module = if def.key == TypeKey::Failure {
            modules.failure.clone()
        } else {
            module_of_groups(&reach.groups(&name, &def.key, model))
        };
        module_by_struct.insert(name.clone(), module.clone());
        let mut ns = Namespace::with_reserved(&[EXTRA_FIELD]);
        let mut fields = Vec::new();
        for (f, ty) in &protos[&def.key] {
            let wanted = f.rust_name.clone().unwrap_or_else(|| rust_name(&f.entry.name, Case::Snake));
            let rust = ns.claim(&wanted);
            if rust != wanted {
                findings.push(Finding::new(
                    Rule::FieldNameCollision,
                    &source_of_def(spec, def),
                    &f.entry.pointer,
                    format!("field `{}` of `{name}` is named `{rust}`: `{wanted}` is taken", f.entry.name),
                ));
            }
            let ty = ty.map(&|id| use_names[*id].clone(), &|s| s.clone());
            let enum_name = match &ty {
                TypeRef::Enum(e) => Some(e.as_str()),
                _ => None,
            };
            fields.push(ir::Field {
                wire_name: f.entry.name.clone(),
                rust_name: rust,
                docs: docs::field(&f.entry, enum_name),
                required: f.required,
                ty,
            });
        }
        let role = match def.key {
            TypeKey::Request { .. } => Role::Request,
            _ => reach.role(&name),
        };
        structs.push(ir::StructDef {
            docs: struct_docs(spec, model, def, &name),
            role,
            name,
            fields,
            aliases: Vec::new(),
            module,
        });
    }
    let index: BTreeMap<String, usize> = structs.iter().enumerate().map(|(i, s)| (s.name.clone(), i)).collect();
    box_cycles(&mut structs, &index);

    // Commands, with an alias `<Command>Response` where the answer is an
    // object of a family.
    let mut commands = Vec::with_capacity(model.commands.len());
    for d in &spec.descriptors {
        let Some(c) = model.commands.get(&d.command) else { continue };
        let request = name_of(&c.request);
        let response_struct = name_of(&c.response);
        let group = group_of(&d.command);
        let module = modules.of(group.as_deref());
        let mut response = response_struct.clone();
        let alias = format!("{}Response", names::pascal(&d.command));
        if response_struct != alias && !struct_names.contains(&alias) {
            structs[index[&response_struct]].aliases.push(ir::Alias {
                name: alias.clone(),
                docs: format!("Response of {}.", docs::code(&d.command)),
                module: module.clone(),
            });
            response = alias;
        }
        let s = &structs[index[&response_struct]];
        commands.push(ir::Command {
            name: d.command.clone(),
            method_name: rust_name(&d.command, Case::Snake),
            description: docs::sanitize(&d.description),
            http_method: d.method.clone(),
            needs_session: d.needs_session,
            lifecycle: lifecycle(d, s),
            group,
            request,
            has_body: c.has_body,
            response,
            response_struct: response_struct.clone(),
            module,
            pagination: c.paging.as_ref().and_then(|p| pagination(&structs[index[&name_of(&c.request)]], s, &p.items)),
            rulebase: c.rulebase.as_ref().map(|r| match &r.rules {
                Some(family) => TypeRef::Struct(name_of(&TypeKey::Object { family: family.clone() })),
                None => TypeRef::AnyObject,
            }),
            tasks: tasks(&d.command, s, &structs, &index),
            source: d.file.clone(),
            family: c.place.family.clone(),
            role: c.place.role.as_str().to_owned(),
        });
    }

    let mut enum_defs: Vec<ir::EnumDef> = enums
        .list
        .iter()
        .map(|e| {
            let module_of_uses = |uses: &mut dyn Iterator<Item = &usize>| -> String {
                let holders: BTreeSet<&str> =
                    uses.filter_map(|u| module_by_struct.get(&enums.uses[*u].holder).map(String::as_str)).collect();
                match holders.len() {
                    1 => holders.into_iter().next().expect("one").to_owned(),
                    0 => modules.base.clone(),
                    _ if holders.iter().all(|m| *m == modules.base) => modules.base.clone(),
                    _ => modules.shared.clone(),
                }
            };
            if e.fixed.is_some() {
                let name = use_names[e.uses.first().copied().unwrap_or_default()].clone();
                return enum_def(e, &enums, &name, modules.failure.clone(), Vec::new(), spec, findings);
            }
            // Every name the uses give it: the first is the enum, the others
            // aliases in the modules of their holders.
            let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for u in &e.uses {
                by_name.entry(&use_names[*u]).or_default().push(*u);
            }
            let name = by_name.keys().next().map(|n| (*n).to_owned()).unwrap_or_default();
            let module = module_of_uses(&mut e.uses.iter());
            let aliases = by_name
                .iter()
                .skip(1)
                .map(|(alias, uses)| ir::Alias {
                    name: (*alias).to_owned(),
                    docs: format!("The values of {} (the enum `{name}`).", docs::code(&enums.uses[uses[0]].field)),
                    module: module_of_uses(&mut uses.iter()),
                })
                .collect();
            enum_def(e, &enums, &name, module, aliases, spec, findings)
        })
        .collect();

    let families = model
        .families
        .values()
        .map(|f| {
            let object = model.objects.contains_key(&f.name);
            ir::FamilyDef {
                name: f.name.clone(),
                object: object.then(|| name_of(&TypeKey::Object { family: f.name.clone() })),
                wire_type: model.objects.get(&f.name).cloned(),
                commands: f
                    .commands
                    .iter()
                    .map(|(r, c)| (r.as_str().to_owned(), c.iter().cloned().collect()))
                    .collect(),
            }
        })
        .collect();
    let mut objects: Vec<ir::ObjectKind> = model
        .objects
        .iter()
        .filter(|(family, _)| model.types.contains_key(&TypeKey::Object { family: (*family).clone() }))
        .map(|(family, wire)| {
            let type_name = name_of(&TypeKey::Object { family: family.clone() });
            ir::ObjectKind { wire_type: wire.clone(), module: module_by_struct[&type_name].clone(), type_name }
        })
        .collect();
    objects.sort_by(|a, b| a.wire_type.cmp(&b.wire_type));

    let shared_names: BTreeMap<String, String> = model
        .types
        .keys()
        .filter_map(|key| match key {
            TypeKey::Object { .. } => Some((name_of(key), OBJECT_TAIL.to_owned())),
            _ => names::shared_tail(model, key).map(|tail| (name_of(key), tail)),
        })
        .collect();
    let enum_names: BTreeSet<String> = enum_defs
        .iter()
        .flat_map(|e| std::iter::once(e.name.clone()).chain(e.aliases.iter().map(|a| a.name.clone())))
        .collect();
    share_identical(&mut structs, &modules, &shared_names, &enum_names);
    structs.sort_by(|a, b| a.name.cmp(&b.name));
    enum_defs.sort_by(|a, b| a.name.cmp(&b.name));
    commands.sort_by(|a, b| a.name.cmp(&b.name));
    let mut groups: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for c in &commands {
        if let Some(g) = &c.group {
            groups.entry(g.clone()).or_insert_with(|| (c.module.clone(), BTreeSet::new())).1.insert(c.name.clone());
        }
    }
    let objects_in_trees: usize = model.types.values().map(|t| t.uses.len().max(1)).sum();
    let aliases: BTreeMap<String, String> = structs
        .iter()
        .flat_map(|s| s.aliases.iter().map(|a| (a.name.clone(), s.name.clone())))
        .chain(enum_defs.iter().flat_map(|e| e.aliases.iter().map(|a| (a.name.clone(), e.name.clone()))))
        .collect();
    for c in &mut commands {
        if let Some(canonical) = aliases.get(&c.response_struct) {
            c.response_struct = canonical.clone();
        }
    }
    Api {
        aliases,
        version: common_version(&spec.descriptors),
        sharing: ir::Sharing {
            objects: objects_in_trees,
            structs: structs.len(),
            value_lists: enums.list.iter().map(|e| e.uses.len().max(1)).sum(),
            enums: enum_defs.len(),
        },
        commands,
        structs,
        enums: enum_defs,
        failure: ir::Failure {
            body: FAILURE_BODY.to_owned(),
            codes: ERROR_CODE.to_owned(),
            http_statuses: failure_statuses(&spec.descriptors),
        },
        groups: groups.into_iter().map(|(name, (module, commands))| ir::Group { name, module, commands }).collect(),
        families,
        objects,
    }
}

/// The error codes of every command's failure block, as one enum.
fn error_codes(spec: &Spec, enums: &mut Enums) -> usize {
    let holder = Holder { name: FAILURE_BODY, owner: FAILURE_BODY };
    // Recorded as a use that `cluster` keeps as its own, fixed enum.
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
    enums.intern(&codes, &holder, "code")
}

/// One name is one enum: where uses of two enums would give the same
/// name (one owner's `status` fields hold two sets of values), those uses
/// name it after the struct that holds the field instead.
fn distinct_enum_names(
    mut use_names: Vec<String>,
    enums: &Enums,
    naming: &[names::EnumNaming],
    taken: &BTreeSet<String>,
) -> Vec<String> {
    let mut owners: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (id, name) in use_names.iter().enumerate() {
        owners.entry(name).or_default().insert(enums.of_use[id]);
    }
    let clashing: BTreeSet<String> =
        owners.into_iter().filter(|(_, e)| e.len() > 1).map(|(name, _)| name.to_owned()).collect();
    for (id, name) in use_names.iter_mut().enumerate() {
        let e = enums.of_use[id];
        if clashing.contains(name.as_str()) && matches!(naming[e], names::EnumNaming::PerOwner(_)) {
            let field = names::pascal(&enums.uses[id].field);
            *name = names::per_owner_enum(&enums.uses[id].holder, &field, taken);
        }
    }
    use_names
}

/// The struct a field belongs to, and the owner its per-owner names start
/// with.
struct Holder<'h> {
    name: &'h str,
    owner: &'h str,
}

/// The name a type's fields' per-owner names start with: its family's
/// object (`SimpleCluster`), nothing for the common fields.
fn owner_name(model: &Model, key: &TypeKey, own_name: &str) -> String {
    let family = match key {
        TypeKey::Object { family } | TypeKey::Nested { owner: crate::model::Owner::Family(family), .. } => {
            Some(family.clone())
        }
        TypeKey::Request { command } | TypeKey::Response { command } => {
            model.commands.get(command).map(|c| c.place.family.clone())
        }
        TypeKey::Nested { owner: crate::model::Owner::Common, .. } => return String::new(),
        _ => None,
    };
    match family {
        Some(family) => names::object_name(model, &family),
        None => own_name.to_owned(),
    }
}

/// The Rust type of a field.
fn field_type(
    f: &FieldDef,
    def: &TypeDef,
    holder: &Holder<'_>,
    name_of: &impl Fn(&TypeKey) -> String,
    enums: &mut Enums,
) -> Ty {
    let e = &f.entry;
    let response = def.uses.iter().any(|u| u.side == Side::Response) || def.uses.is_empty();
    let side = if response { Side::Response } else { Side::Request };
    match &f.value {
        Value::Object(key) => {
            // In answers, references come as their UID where the server
            // lists objects at details level `uid` or in an objects
            // dictionary. (The failure body's lists are always lists.)
            let by_id = side == Side::Response && matches!(key, TypeKey::Reference | TypeKey::DomainReference);
            object_type(TypeRef::Struct(name_of(key)), f, side, by_id, def.key == TypeKey::Failure)
        }
        Value::AnyObject => object_type(TypeRef::AnyObject, f, side, side == Side::Response, false),
        Value::Json if f.list || matches!(e.ty, WireType::Array(_)) => TypeRef::List(Box::new(TypeRef::Json)),
        Value::Json => TypeRef::Json,
        Value::Edit(item) => {
            let item = match &**item {
                Value::Object(key) => TypeRef::ObjectOrId(Box::new(TypeRef::Struct(name_of(key)))),
                _ => TypeRef::String,
            };
            TypeRef::Edit(Box::new(item))
        }
        Value::Scalar => {
            let secret = f.secret.unwrap_or_else(|| is_secret_name(&e.name));
            let base = match &e.ty {
                WireType::String if secret => TypeRef::Secret,
                WireType::String => match e.valid_values.as_ref().filter(|v| !v.is_empty()) {
                    Some(values) => TypeRef::Enum(enums.intern(values, holder, &e.name)),
                    None => TypeRef::String,
                },
                WireType::Integer => TypeRef::Integer,
                WireType::Number => TypeRef::Number,
                WireType::Boolean => TypeRef::Boolean,
                WireType::Object => TypeRef::Json,
                WireType::Array(None) => TypeRef::List(Box::new(item_type(f.seen.items, side))),
                WireType::Array(Some(item)) => TypeRef::List(Box::new(scalar(item))),
            };
            let widened = widen(base, f.seen, side);
            if f.many
                && side == Side::Request
                && !matches!(widened, TypeRef::OneOrMany(_) | TypeRef::List(_) | TypeRef::Json)
            {
                TypeRef::OneOrMany(Box::new(widened))
            } else {
                widened
            }
        }
    }
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

/// The item type of a value list, from the kinds its examples hold. In an
/// answer, a list nothing shows the items of holds any JSON: decoding must
/// not fail on a guess.
fn item_type(items: u16, side: Side) -> Ty {
    let items = items & (kind::NULL | kind::BOOL | kind::INT | kind::FLOAT | kind::STRING | kind::OBJECT | kind::ARRAY);
    match items & !kind::NULL {
        0 if side == Side::Response => TypeRef::Json,
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
    if let TypeRef::List(item) = &base {
        let items = seen.items;
        if seen.direct & !(kind::ARRAY | kind::NULL) != 0 && side == Side::Response {
            // A list documented, a lone value seen.
            return TypeRef::OneOrMany(item.clone());
        }
        if !accepts(item, items) {
            return TypeRef::List(Box::new(TypeRef::Json));
        }
        return base;
    }
    if matches!(base, TypeRef::Json) {
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

/// An object type as the uses and the examples show it: a lone object where
/// a list is documented (or the reverse) accepts one or many; a string where
/// an object is documented (or an object that may come as its identifier)
/// accepts the identifier.
fn object_type(st: Ty, f: &FieldDef, side: Side, by_id: bool, proven: bool) -> Ty {
    let seen = f.seen;
    // A value entry that also takes an object (`machines`: `any`, or an
    // object) always takes the string.
    let scalar = !matches!(f.entry.ty, WireType::Object | WireType::Array(_));
    let strings = scalar || by_id || f.or_id || (seen.direct | seen.items) & kind::STRING != 0;
    let item = if strings { TypeRef::ObjectOrId(Box::new(st)) } else { st };
    let declared_list = f.list;
    let lone = seen.direct & (kind::OBJECT | kind::STRING) != 0;
    let arrays = seen.direct & kind::ARRAY != 0;
    // The documentation's lists of objects are often "an object or a list
    // of them"; in an answer, only proven listings are plain lists.
    let unsure = side == Side::Response && declared_list && !f.listing && !proven;
    if f.many || unsure || (declared_list && lone) || (!declared_list && arrays) {
        TypeRef::OneOrMany(Box::new(item))
    } else if declared_list {
        TypeRef::List(Box::new(item))
    } else {
        item
    }
}

/// Which commands reach each type, and in which direction.
struct Reach {
    /// Struct name → (sent, received).
    sides: BTreeMap<String, (bool, bool)>,
    /// Struct name → groups of the commands whose request or answer reaches
    /// it (`None` for the core).
    groups: BTreeMap<String, BTreeSet<Option<String>>>,
}

impl Reach {
    fn new(
        model: &Model,
        protos: &BTreeMap<&TypeKey, Vec<(FieldDef, Ty)>>,
        names: &BTreeMap<TypeKey, String>,
    ) -> Reach {
        let by_name: BTreeMap<&str, &TypeKey> = names.iter().map(|(k, n)| (n.as_str(), k)).collect();
        let edges = |name: &str, through_any: bool| -> Vec<String> {
            let Some(key) = by_name.get(name) else { return Vec::new() };
            let mut out = Vec::new();
            for (_, ty) in protos.get(key).map(Vec::as_slice).unwrap_or_default() {
                struct_names(ty, &mut out);
                if through_any && mentions_any(ty) {
                    out.extend(
                        model.objects.keys().filter_map(|f| names.get(&TypeKey::Object { family: f.clone() })).cloned(),
                    );
                }
            }
            out
        };
        let mut sides: BTreeMap<String, (bool, bool)> = BTreeMap::new();
        let mut groups: BTreeMap<String, BTreeSet<Option<String>>> = BTreeMap::new();
        let mut visit = |root: &str, sent: bool, group: Option<&Option<String>>, through_any: bool| {
            let mut todo = vec![root.to_owned()];
            let mut seen = BTreeSet::new();
            while let Some(name) = todo.pop() {
                if !seen.insert(name.clone()) {
                    continue;
                }
                let slot = sides.entry(name.clone()).or_default();
                if sent {
                    slot.0 = true;
                } else {
                    slot.1 = true;
                }
                if let Some(group) = group {
                    groups.entry(name.clone()).or_default().insert(group.clone());
                }
                todo.extend(edges(&name, through_any));
            }
        };
        for (command, c) in &model.commands {
            let group = group_of(command);
            visit(&names[&c.request], true, Some(&group), false);
            visit(&names[&c.response], false, Some(&group), false);
        }
        // Derives: every kind of object an `AnyObject` holds is received.
        for family in model.objects.keys() {
            if let Some(name) = names.get(&TypeKey::Object { family: family.clone() }) {
                visit(name, false, None, true);
            }
        }
        visit(&names[&TypeKey::Failure], false, None, true);
        Reach { sides, groups }
    }

    fn role(&self, name: &str) -> Role {
        match self.sides.get(name).copied().unwrap_or((false, true)) {
            (true, true) => Role::Both,
            (true, false) => Role::Input,
            _ => Role::Response,
        }
    }

    /// The groups that reach a type; a kind of object that no command
    /// reaches belongs to its family's group.
    fn groups(&self, name: &str, key: &TypeKey, model: &Model) -> BTreeSet<Option<String>> {
        if let Some(groups) = self.groups.get(name) {
            return groups.clone();
        }
        let family = match key {
            TypeKey::Object { family } => Some(family),
            TypeKey::Nested { owner: crate::model::Owner::Family(family), .. } => Some(family),
            _ => None,
        };
        let group = family
            .and_then(|f| model.families.get(f))
            .and_then(|f| f.commands.values().flatten().next())
            .map(|c| group_of(c));
        group.into_iter().collect()
    }
}

/// Structs with the same fields (wire names, Rust names, types, required
/// flags) and role are one struct: the first name in sort order; the others
/// stay as aliases of it, so every place keeps the name its key gives it.
/// Request bodies stay apart (each command implements its traits on its
/// own). Where the names live in several modules, the struct moves to
/// `shared` (or stays in `base`) so that every alias can see it.
fn share_identical(
    structs: &mut Vec<ir::StructDef>,
    modules: &Modules,
    shared_names: &BTreeMap<String, String>,
    enum_names: &BTreeSet<String>,
) {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in structs.iter().enumerate() {
        // Each command's request and each kind of object stays its own
        // type (the first carries the command's traits; the second is a
        // variant of `AnyObject` and will grow apart).
        let object = shared_names.get(&s.name).is_some_and(|tail| tail == OBJECT_TAIL);
        if s.role == Role::Request || s.name == FAILURE_BODY || object {
            continue;
        }
        let fields: Vec<_> = s.fields.iter().map(|f| (&f.wire_name, &f.rust_name, &f.ty, f.required)).collect();
        groups.entry(format!("{:?}|{fields:?}", s.role)).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = groups.into_values().filter(|m| m.len() > 1).collect();
    // The shared struct's own name: what the group's names have in common
    // (`NatSettings` for `HostNatSettings`, `NetworkNatSettings`), where no
    // other type or group wants it; else the first of its names.
    let wanted: Vec<Option<String>> =
        groups.iter().map(|m| common_name(m.iter().map(|i| &structs[*i]), shared_names)).collect();
    // Where groups want one name, the largest has it (ties: none).
    let mut claims: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (g, name) in wanted.iter().enumerate() {
        if let Some(name) = name {
            claims.entry(name).or_default().push(g);
        }
    }
    let winner = |name: &str| -> Option<usize> {
        let sizes: Vec<(usize, usize)> = claims[name].iter().map(|g| (groups[*g].len(), *g)).collect();
        let best = sizes.iter().map(|(n, _)| *n).max()?;
        let top: Vec<usize> = sizes.iter().filter(|(n, _)| *n == best).map(|(_, g)| *g).collect();
        (top.len() == 1).then_some(top[0])
    };
    let mut taken: BTreeSet<String> = structs.iter().map(|s| s.name.clone()).collect();
    taken.extend(enum_names.iter().cloned());
    taken.extend(RESERVED.iter().map(|n| (*n).to_owned()));
    let mut removed = BTreeSet::new();
    for (g, (members, wanted)) in groups.iter().zip(&wanted).enumerate() {
        let first = *members.iter().min_by(|a, b| structs[**a].name.cmp(&structs[**b].name)).expect("members");
        let own = wanted.as_ref().filter(|w| winner(w) == Some(g) && !taken.contains(*w)).cloned();
        // A name of its own: every member becomes an alias of the first,
        // which takes that name.
        let canonical = first;
        if let Some(own) = own {
            let renamed = std::mem::replace(&mut structs[canonical].name, own);
            let docs = structs[canonical].docs.clone();
            let module = structs[canonical].module.clone();
            structs[canonical].aliases.push(ir::Alias { name: renamed, docs, module });
        }
        let module_set: BTreeSet<&str> = members.iter().map(|i| structs[*i].module.as_str()).collect();
        let module = match module_set.len() {
            1 => structs[canonical].module.clone(),
            _ if module_set.iter().all(|m| *m == modules.base) => modules.base.clone(),
            _ => modules.shared.clone(),
        };
        let mut aliases = Vec::new();
        for &i in members.iter().filter(|i| **i != canonical) {
            let s = &structs[i];
            aliases.push(ir::Alias { name: s.name.clone(), docs: s.docs.clone(), module: s.module.clone() });
            aliases.extend(s.aliases.iter().cloned());
            removed.insert(i);
        }
        let target = &mut structs[canonical];
        target.module = module;
        target.aliases.extend(aliases);
        target.aliases.sort_by(|a, b| a.name.cmp(&b.name));
        target.docs.push_str(&format!(
            "\n\nOne shape under {} names: each place keeps its own name, an alias of this struct.",
            target.aliases.len() + 1
        ));
    }
    let mut index = 0;
    structs.retain(|_| {
        index += 1;
        !removed.contains(&(index - 1))
    });
}

/// The name a group of identical structs shares: for answers of commands
/// with few fields, the fields (`MessageResponse`, `TaskIdResponse`); for
/// nested objects, the words every member's name ends with, when that is a
/// whole path name of all of them (`NatSettings`, `OrderInput`).
fn common_name<'s>(
    members: impl Iterator<Item = &'s ir::StructDef> + Clone,
    shared_names: &BTreeMap<String, String>,
) -> Option<String> {
    let names: Vec<&str> = members.clone().map(|s| s.name.as_str()).collect();
    if let Some(first) = members.clone().next() {
        if names.iter().any(|n| shared_names.get(*n).is_some_and(|tail| tail.starts_with("Response:"))) {
            if (1..=3).contains(&first.fields.len()) {
                let fields: String = first.fields.iter().map(|f| names::pascal(&f.wire_name)).collect();
                return Some(format!("{fields}Response"));
            }
            return None;
        }
    }
    let tails: BTreeSet<&str> = names.iter().filter_map(|n| shared_names.get(*n).map(String::as_str)).collect();
    (tails.len() == 1 && names.len() == names.iter().filter(|n| shared_names.contains_key(**n)).count())
        .then(|| tails.into_iter().next().expect("one").trim_start_matches("Nested:").to_owned())
        .filter(|tail| !tail.is_empty() && !tail.starts_with("Response:"))
}

/// A struct that holds itself through fields that are not lists (directly or
/// through other structs) would have no size: the field that closes such a
/// cycle is boxed.
fn box_cycles(structs: &mut [ir::StructDef], index: &BTreeMap<String, usize>) {
    fn inline(ty: &TypeRef) -> Option<&String> {
        match ty {
            TypeRef::Struct(name) => Some(name),
            TypeRef::OneOrMany(inner) | TypeRef::ObjectOrId(inner) => inline(inner),
            _ => None,
        }
    }
    // Depth-first over inline edges; an edge to a struct on the stack is
    // boxed. Deterministic: structs and fields in order.
    fn visit(at: usize, structs: &mut [ir::StructDef], index: &BTreeMap<String, usize>, state: &mut [u8]) {
        state[at] = 1;
        for f in 0..structs[at].fields.len() {
            let Some(target) = inline(&structs[at].fields[f].ty).and_then(|n| index.get(n)).copied() else { continue };
            match state[target] {
                1 => {
                    let ty = std::mem::replace(&mut structs[at].fields[f].ty, TypeRef::Json);
                    structs[at].fields[f].ty = TypeRef::Boxed(Box::new(ty));
                }
                0 => visit(target, structs, index, state),
                _ => {}
            }
        }
        state[at] = 2;
    }
    let mut state = vec![0u8; structs.len()];
    for at in 0..structs.len() {
        if state[at] == 0 {
            visit(at, structs, index, &mut state);
        }
    }
}

fn struct_names(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        TypeRef::Struct(name) => out.push(name.clone()),
        TypeRef::List(inner) | TypeRef::OneOrMany(inner) | TypeRef::ObjectOrId(inner) | TypeRef::Edit(inner) => {
            struct_names(inner, out)
        }
        _ => {}
    }
}

fn mentions_any(ty: &Ty) -> bool {
    match ty {
        TypeRef::AnyObject => true,
        TypeRef::List(inner) | TypeRef::OneOrMany(inner) | TypeRef::ObjectOrId(inner) | TypeRef::Edit(inner) => {
            mentions_any(inner)
        }
        _ => false,
    }
}

fn source_of_def(spec: &Spec, def: &TypeDef) -> String {
    def.uses.iter().next().map(|u| source_of(spec, &u.command)).unwrap_or_default()
}

fn source_of(spec: &Spec, command: &str) -> String {
    spec.descriptors.iter().find(|d| d.command == command).map(|d| d.file.clone()).unwrap_or_default()
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
    fn new(groups: impl Iterator<Item = String>) -> Self {
        let mut ns = Namespace::with_reserved(&["mod", "runtime", "registry"]);
        let base = ns.claim("base");
        let shared = ns.claim("shared");
        let failure = ns.claim("failure");
        let mut by_group = BTreeMap::new();
        for g in groups.collect::<BTreeSet<_>>() {
            let snake = rust_name(&g, Case::Snake);
            let plain = snake.strip_prefix("r#").map(|k| format!("{k}_")).unwrap_or(snake);
            by_group.insert(g.clone(), ns.claim(&plain));
        }
        Modules { by_group, base, shared, failure }
    }

    fn of(&self, group: Option<&str>) -> String {
        group.and_then(|g| self.by_group.get(g)).cloned().unwrap_or_else(|| self.base.clone())
    }
}

fn struct_docs(spec: &Spec, model: &Model, def: &TypeDef, name: &str) -> String {
    let commands = |role_filter: &dyn Fn(&str) -> bool| -> Vec<String> {
        let mut out: Vec<String> = def
            .uses
            .iter()
            .filter(|u| u.side == Side::Response && role_filter(&u.command))
            .map(|u| docs::code(&u.command))
            .collect();
        out.dedup();
        out
    };
    match &def.key {
        TypeKey::Failure => "The body of every failure answer (HTTP 4xx and 5xx): a message, an error code, and \
                             the warnings and errors of validation."
            .to_owned(),
        TypeKey::Request { command } => {
            let description = spec
                .descriptors
                .iter()
                .find(|d| &d.command == command)
                .map(|d| docs::sanitize(&d.description))
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| format!("The {} command.", docs::code(command)));
            format!("{description}\n\nRequest body of {}.", docs::code(command))
        }
        TypeKey::Response { command } => format!("Response of {}.", docs::code(command)),
        TypeKey::Object { family } => {
            let noun = model.objects.get(family).cloned().unwrap_or_else(|| family.clone());
            let answered = commands(&|c| model.commands.get(c).is_some_and(|m| m.response == def.key));
            let listed = commands(&|c| model.commands.get(c).is_some_and(|m| m.response != def.key));
            let mut doc = format!("An object of type {}.", docs::code(&noun));
            if !answered.is_empty() {
                doc.push_str(&format!("\n\nThe answer of {}.", answered.join(", ")));
            }
            if !listed.is_empty() {
                doc.push_str(&format!("\n\nListed by {}.", listed.join(", ")));
            }
            doc.push_str("\n\nEvery field is optional: the level of detail of the answer decides which are present.");
            doc
        }
        TypeKey::Reference => "A reference to an object of any type: its UID, name, type and domain. Where \
                               the answer holds the whole object, its other fields are kept in `extra`."
            .to_owned(),
        TypeKey::DomainReference => "A reference to a domain: its UID, name and type of domain.".to_owned(),
        TypeKey::Named { name } => {
            let fields: Vec<String> = def.fields.iter().map(|f| docs::code(&f.entry.name)).collect();
            format!(
                "`{name}`: every object with exactly the fields {} (named by the overrides file).",
                fields.join(", ")
            )
        }
        TypeKey::Nested { .. } => match &def.field {
            Some(field) => format!("The {} object (`{name}`).", docs::code(field)),
            None => format!("The `{name}` object."),
        },
    }
}

fn enum_def(
    e: &ProtoEnum,
    enums: &Enums,
    name: &str,
    module: String,
    aliases: Vec<ir::Alias>,
    spec: &Spec,
    findings: &mut Findings,
) -> ir::EnumDef {
    let mut ns = Namespace::with_reserved(&[FALLBACK_VARIANT]);
    let mut variants = Vec::with_capacity(e.values.len());
    for value in &e.values {
        let wanted = rust_name(value, Case::UpperCamel);
        let rust = ns.claim(&wanted);
        if rust != wanted {
            findings.push(Finding::new(
                Rule::EnumValueCollision,
                &spec.descriptors.first().map(|d| d.file.clone()).unwrap_or_default(),
                "",
                format!("value {} of `{name}` is named `{rust}`: `{wanted}` is taken", docs::code(value)),
            ));
        }
        variants.push(ir::Variant { wire: value.clone(), rust_name: rust });
    }
    let docs = if e.fixed.as_deref() == Some(ERROR_CODE) {
        "The error codes of the API: the `code` of a failure body.".to_owned()
    } else {
        let field = e.uses.first().map(|u| enums.uses[*u].field.clone()).unwrap_or_default();
        format!("Valid values of {}.", docs::code(&field))
    };
    ir::EnumDef {
        name: name.to_owned(),
        docs: format!("{docs}\n\nValues this version does not know decode to `{FALLBACK_VARIANT}`."),
        variants,
        module,
        aliases,
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

/// A listing that takes `limit` and `offset` and answers `from`, `to`,
/// `total` and its items.
fn pagination(request: &ir::StructDef, response: &ir::StructDef, items: &str) -> Option<ir::Pagination> {
    let has = |s: &ir::StructDef, wire: &str| s.fields.iter().any(|f| f.wire_name == wire);
    if !(has(request, "limit") && has(request, "offset") && ["from", "to", "total"].iter().all(|w| has(response, w))) {
        return None;
    }
    let field = response.fields.iter().find(|f| f.wire_name == items)?;
    let item = match &field.ty {
        TypeRef::List(item) | TypeRef::OneOrMany(item) => (**item).clone(),
        _ => return None,
    };
    Some(ir::Pagination { items_field: field.wire_name.clone(), items_rust_name: field.rust_name.clone(), item })
}

/// Responses that name asynchronous tasks (`task-id`, or `tasks` with
/// `task-id`), except the commands that show tasks.
fn tasks(
    command: &str,
    response: &ir::StructDef,
    structs: &[ir::StructDef],
    index: &BTreeMap<String, usize>,
) -> Option<ir::TaskField> {
    if command.starts_with("show-") {
        return None;
    }
    for f in &response.fields {
        match (&f.wire_name[..], &f.ty) {
            ("task-id", TypeRef::String) => return Some(ir::TaskField::TaskId(f.rust_name.clone())),
            ("tasks", TypeRef::List(item)) => {
                let name = match &**item {
                    TypeRef::Struct(name) => name,
                    TypeRef::ObjectOrId(inner) => match &**inner {
                        TypeRef::Struct(name) => name,
                        _ => continue,
                    },
                    _ => continue,
                };
                let has_id =
                    index.get(name).is_some_and(|i| structs[*i].fields.iter().any(|f| f.wire_name == "task-id"));
                if has_id {
                    return Some(ir::TaskField::Tasks(f.rust_name.clone()));
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
