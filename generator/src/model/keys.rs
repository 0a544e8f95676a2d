//! Every object of every tree gets the key of the type it is; everything
//! with one key becomes one type.
//!
//! Where a nested object goes, in order:
//!
//! 1. `objects-dictionary`, and the `rulebase` of a rulebase answer, hold
//!    objects of many kinds, told apart by `type`: [`Value::AnyObject`].
//! 2. A shape the overrides file names by its fields (`Timestamp`).
//! 3. A reference: only `uid`, `name`, `type`, `domain`, `color`, `icon`
//!    (a domain's: `uid`, `name`, `domain-type`, `icon`).
//! 4. A common field at the root of an object (`meta-info`): one type for
//!    every kind of object.
//! 5. The items of a listing answer (`objects` of `show-hosts`, `tasks` of
//!    `show-tasks`): the family's objects (or, for a family that is not a
//!    kind of object, objects of any kind when they carry a `type`).
//! 6. Otherwise a nested object of its owner, keyed by its path from the
//!    owner's root: the `nat-settings` of `add-host`'s request and of the
//!    host answers are one `HostNatSettings`.
//!
//! The answer of `add-`, `set-`, `show-` and `clone-` of a kind of object is
//! that object; other answers are per command.

use super::common::{list_items, looks_like_object, CommonFields};
use super::families::{Family, Place, Role};
use super::infer;
use super::merge::{merge_fields, Outcome};
use super::{CommandModel, FieldDef, Origin, Owner, Paging, Rulebase, TypeDef, TypeKey, Use, Value};
use crate::check::{Kinds, Observations};
use crate::diag::{Finding, Findings, Rule};
use crate::load::{Descriptor, Spec, WireType};
use crate::overrides::{FieldOverride, Side};
use crate::shapes::{CommandShape, Node};
use std::collections::{BTreeMap, BTreeSet};

/// Keys of the objects that change a collection (`set-*` commands).
const COLLECTION_OPS: [&str; 3] = ["add", "remove", "update"];

/// The fields a reference to an object may have.
const REFERENCE_FIELDS: [&str; 9] =
    ["uid", "name", "type", "domain", "domain-type", "color", "icon", "comments", "folder"];

/// Where the kinds of JSON seen at a path come from.
#[derive(Clone, Copy)]
enum Seen<'s> {
    /// The command's examples (the check stage's observations).
    Command,
    /// One example object's own kinds and object types, by path from its
    /// root.
    Paths(&'s infer::ExampleObject),
}

/// One tree being walked.
#[derive(Clone, Copy)]
struct Cx<'c> {
    command: &'c str,
    file: &'c str,
    side: Side,
    place: Option<&'c Place>,
    /// For a listing's answer: the field that holds the page's items.
    items: Option<&'c str>,
    seen: Seen<'c>,
    /// Record the command as a user of the types it reaches.
    track: bool,
}

/// Where a list of fields sits: the type it builds, and what its nested
/// objects are named after.
#[derive(Clone)]
struct Parent {
    key: TypeKey,
    owner: Owner,
    path: Vec<String>,
}

/// Collects the contributions of every tree.
pub struct Builder<'a> {
    spec: &'a Spec,
    places: &'a BTreeMap<String, Place>,
    families: &'a BTreeMap<String, Family>,
    objects: &'a BTreeMap<String, String>,
    /// Wire `type` → family.
    by_type: BTreeMap<String, String>,
    common: BTreeSet<String>,
    type_names: Vec<(BTreeSet<String>, String)>,
    obs: &'a Observations,
    types: BTreeMap<TypeKey, TypeDef>,
    commands: BTreeMap<String, CommandModel>,
    findings: Vec<Finding>,
    /// Fields seen with conflicting types: (type, field).
    conflicts: BTreeSet<(TypeKey, String)>,
    /// Types that must take the fields of others (a field held one in one
    /// use, the other in another).
    absorbed: BTreeSet<(TypeKey, TypeKey)>,
}

impl<'a> Builder<'a> {
    /// A builder for the commands of `spec`.
    pub fn new(
        spec: &'a Spec,
        places: &'a BTreeMap<String, Place>,
        families: &'a BTreeMap<String, Family>,
        objects: &'a BTreeMap<String, String>,
        common: &CommonFields,
        obs: &'a Observations,
    ) -> Self {
        Builder {
            spec,
            places,
            families,
            objects,
            by_type: objects.iter().map(|(family, ty)| (ty.clone(), family.clone())).collect(),
            common: common.set().into_iter().map(str::to_owned).collect(),
            type_names: spec
                .overrides
                .type_names
                .iter()
                .map(|t| (t.fields.iter().cloned().collect(), t.name.clone()))
                .collect(),
            obs,
            types: BTreeMap::new(),
            commands: BTreeMap::new(),
            findings: Vec::new(),
            conflicts: BTreeSet::new(),
            absorbed: BTreeSet::new(),
        }
    }

    /// Walks one command's request and answer.
    pub fn command(&mut self, d: &Descriptor, tree: &CommandShape) {
        let Some(place) = self.places.get(&d.command) else { return };
        let owner = Owner::Family(place.family.clone());
        let request = TypeKey::Request { command: d.command.clone() };
        let items = (place.role == Role::List)
            .then(|| self.families.get(&place.family))
            .flatten()
            .and_then(|family| list_items(&tree.response, family, Some(place)))
            .map(|items| items.entry.name.clone());
        let cx = Cx {
            command: &d.command,
            file: &d.file,
            side: Side::Request,
            place: Some(place),
            items: items.as_deref(),
            seen: Seen::Command,
            track: true,
        };
        let parent = Parent { key: request.clone(), owner: owner.clone(), path: Vec::new() };
        self.contribute(&parent, tree.request.as_deref().unwrap_or_default(), cx, &mut Vec::new(), None, false);

        let object = self.objects.contains_key(&place.family)
            && (place.role.answers_object() || place.role == Role::Other)
            && looks_like_object(&tree.response);
        let response = if object {
            TypeKey::Object { family: place.family.clone() }
        } else {
            TypeKey::Response { command: d.command.clone() }
        };
        let cx = Cx { side: Side::Response, ..cx };
        let parent = Parent { key: response.clone(), owner, path: Vec::new() };
        self.contribute(&parent, &tree.response, cx, &mut Vec::new(), None, false);

        let paging = items.clone().map(|items| Paging { items });
        let rulebase = self.rulebase(place, tree);
        self.commands.insert(
            d.command.clone(),
            CommandModel { place: place.clone(), request, has_body: d.body.is_some(), response, paging, rulebase },
        );
    }

    /// The failure body: the block most commands share.
    pub fn failure(&mut self, trees: &BTreeMap<String, CommandShape>) {
        let mut counts: BTreeMap<Vec<String>, (usize, &str)> = BTreeMap::new();
        for (command, tree) in trees.iter().filter(|(_, t)| !t.failure.is_empty()) {
            let signature = tree.failure.iter().map(|n| n.entry.name.clone()).collect();
            counts.entry(signature).or_insert((0, command.as_str())).0 += 1;
        }
        let chosen = counts.values().max_by_key(|(n, c)| (*n, std::cmp::Reverse(*c))).map(|(_, c)| *c);
        let nodes = chosen.and_then(|c| trees.get(c)).map(|t| t.failure.clone()).unwrap_or_default();
        let file = chosen.and_then(|c| self.spec.descriptors.iter().find(|d| d.command == c)).map(|d| d.file.clone());
        let cx = Cx {
            command: "",
            file: file.as_deref().unwrap_or_default(),
            side: Side::Response,
            place: None,
            items: None,
            seen: Seen::Command,
            track: false,
        };
        let parent = Parent { key: TypeKey::Failure, owner: Owner::Failure, path: Vec::new() };
        self.contribute(&parent, &nodes, cx, &mut Vec::new(), None, false);
    }

    /// An object of an example whose `type` names a kind of object: its keys
    /// are fields of that kind.
    pub fn example_object(&mut self, ty: &str, nodes: &[crate::shapes::Node], seen: &infer::ExampleObject) {
        let Some(family) = self.by_type.get(ty).cloned() else { return };
        let cx = Cx {
            command: "",
            file: "",
            side: Side::Response,
            place: None,
            items: None,
            seen: Seen::Paths(seen),
            track: false,
        };
        let parent =
            Parent { key: TypeKey::Object { family: family.clone() }, owner: Owner::Family(family), path: Vec::new() };
        self.contribute(&parent, nodes, cx, &mut Vec::new(), None, false);
    }

    fn seen(&self, cx: Cx<'_>, path: &[String]) -> Kinds {
        match cx.seen {
            Seen::Command => self.obs.at(cx.command, cx.side, path),
            Seen::Paths(object) => object.kinds.get(path).copied().unwrap_or_default(),
        }
    }

    fn field_override(&self, cx: Cx<'_>, path: &[String]) -> Option<&'a FieldOverride> {
        if cx.command.is_empty() {
            return None;
        }
        let joined = path.join("/");
        self.spec
            .overrides
            .fields
            .iter()
            .find(|o| o.command == cx.command && o.side == cx.side && o.path.trim_matches('/') == joined)
    }

    /// Adds the fields of `nodes` to the type `parent.key`; `holder` is the
    /// field that holds it, `item` whether it holds list items.
    fn contribute(
        &mut self,
        parent: &Parent,
        nodes: &[Node],
        cx: Cx<'_>,
        path: &mut Vec<String>,
        holder: Option<&str>,
        item: bool,
    ) {
        // A reference keeps its few fields: what a whole object adds goes
        // to `extra`.
        let reference = matches!(parent.key, TypeKey::Reference | TypeKey::DomainReference);
        let domain = parent.key == TypeKey::DomainReference;
        let kept = |n: &&Node| {
            !reference || REFERENCE_FIELDS.contains(&n.entry.name.as_str()) && !(domain && n.entry.name == "domain")
        };
        let mut fields: Vec<FieldDef> = nodes.iter().filter(kept).map(|n| self.field(n, parent, cx, path)).collect();
        if matches!(cx.seen, Seen::Command) && !cx.command.is_empty() {
            let pointer = format!("/examples ({})", cx.side.as_str());
            let extra = infer::undeclared(self.obs, cx.command, cx.side, path, nodes, &pointer);
            for n in extra.iter().filter(kept) {
                fields.push(self.field(n, parent, cx, path));
            }
        }
        let key = parent.key.clone();
        let def = self.types.entry(key.clone()).or_insert_with(|| TypeDef {
            key: key.clone(),
            fields: Vec::new(),
            uses: BTreeSet::new(),
            field: holder.map(str::to_owned),
            item,
            contributions: 0,
        });
        if def.field.is_none() {
            def.field = holder.map(str::to_owned);
        }
        def.item |= item;
        if cx.track {
            def.uses.insert(Use { command: cx.command.to_owned(), side: cx.side });
        }
        // A field is required only where every use requires it: one use
        // that lacks it makes it optional.
        if def.contributions > 0 {
            for f in def.fields.iter_mut().filter(|f| !fields.iter().any(|n| n.entry.name == f.entry.name)) {
                f.required = false;
            }
            for f in fields.iter_mut().filter(|f| !def.fields.iter().any(|n| n.entry.name == f.entry.name)) {
                f.required = false;
            }
        }
        def.contributions += 1;
        let mut outcome = Outcome::default();
        merge_fields(&mut def.fields, fields, &mut outcome);
        self.absorbed.extend(outcome.absorbed);
        for name in outcome.conflicts {
            if self.conflicts.insert((key.clone(), name.clone())) {
                self.findings.push(
                    Finding::new(
                        Rule::FieldTypeConflict,
                        cx.file,
                        "",
                        format!("`{name}` of {key:?} has conflicting types in its uses; it holds any JSON"),
                    )
                    .for_command(cx.command),
                );
            }
        }
    }

    fn field(&mut self, n: &Node, parent: &Parent, cx: Cx<'_>, path: &mut Vec<String>) -> FieldDef {
        let e = &n.entry;
        let origin = match n.evidence {
            crate::shapes::Evidence::Example if e.description == infer::SEEN_IN_EXAMPLES => Origin::Example,
            crate::shapes::Evidence::Override => Origin::Override,
            _ => Origin::Documented,
        };
        path.push(e.name.clone());
        let seen = self.seen(cx, path);
        let o = self.field_override(cx, path);
        // A leaf the examples show holding objects: their keys are its
        // children.
        use crate::check::kind;
        // Only where an object or its identifier covers every value shown
        // (a position is a number, a word or an object: that stays JSON).
        let numbers = seen.direct & (kind::BOOL | kind::INT | kind::FLOAT) != 0;
        let textual = matches!(e.ty, WireType::String | WireType::Object | WireType::Array(_));
        let shown = if n.children.is_empty() && textual && !numbers && (seen.direct | seen.items) & kind::OBJECT != 0 {
            let pointer = format!("/examples ({})", cx.side.as_str());
            match cx.seen {
                Seen::Command if !cx.command.is_empty() => {
                    infer::undeclared(self.obs, cx.command, cx.side, path, &[], &pointer)
                }
                _ => Vec::new(),
            }
        } else {
            Vec::new()
        };
        let shaped_by_examples = !shown.is_empty();
        let (value, or_id) = if !shown.is_empty() {
            let with_children = Node { children: shown, ..n.clone() };
            let (value, _) = self.nested(&with_children, parent, cx, path);
            // Documented as a plain value: the identifier still decodes.
            (value, !e.is_parent_marker())
        } else if !n.children.is_empty() {
            self.nested(n, parent, cx, path)
        } else if e.is_parent_marker() {
            (Value::Json, false)
        } else {
            (Value::Scalar, false)
        };
        let omitted = !cx.command.is_empty() && self.obs.omitted(cx.command, cx.side, &path[..path.len() - 1], &e.name);
        let forced = o.and_then(|o| o.required);
        let required =
            cx.side == Side::Request && (forced == Some(true) || e.required && !omitted && forced != Some(false));
        if cx.side == Side::Request && e.required && !required && forced.is_none() {
            self.findings.push(
                Finding::new(
                    Rule::RequiredFieldOmitted,
                    cx.file,
                    &e.pointer,
                    format!(
                        "`{}` is documented as required, but an example omits it: optional in the request type",
                        path.join("/")
                    ),
                )
                .for_command(cx.command),
            );
        }
        path.pop();
        let mut entry = e.clone();
        // A parent marker's valid values belong to its first enum
        // descendant, not to it.
        if e.is_parent_marker() {
            entry.valid_values = None;
        }
        let collection = cx.side == Side::Request && super::params::is_collection(e);
        FieldDef {
            list: matches!(e.ty, WireType::Array(_)),
            many: n.repeated || collection || matches!(value, Value::Edit(_)),
            // Only listings come as identifiers by default.
            listing: or_id,
            or_id,
            required,
            seen,
            // A shape only the examples show ranks as theirs (the entry is
            // still the documented one).
            origin: if shaped_by_examples {
                Origin::Example
            } else if o.is_some() && origin == Origin::Documented {
                Origin::Override
            } else {
                origin
            },
            evidence: n.evidence,
            rust_name: o.and_then(|o| o.rust_name.clone()),
            secret: o.and_then(|o| o.secret),
            value,
            entry,
        }
    }

    /// The value of a field with children, and whether it may come as the
    /// object's identifier only.
    fn nested(&mut self, n: &Node, parent: &Parent, cx: Cx<'_>, path: &mut Vec<String>) -> (Value, bool) {
        let name = &n.entry.name;
        let item = matches!(n.entry.ty, WireType::Array(_)) || n.repeated;
        if n.children.iter().all(|c| COLLECTION_OPS.contains(&c.entry.name.as_str())) {
            return (self.edit(n, parent, cx, path), false);
        }
        if cx.side == Side::Response && (name == "objects-dictionary" || (name == "rulebase" && self.in_rulebase(cx))) {
            return (Value::AnyObject, true);
        }
        // A section of a rulebase holds that rulebase's rules
        // (`access-section` → `access-rule`).
        if let Some(rules) = self.section_rules(n, parent) {
            let key = TypeKey::Object { family: rules.clone() };
            let child = Parent { key: key.clone(), owner: Owner::Family(rules), path: Vec::new() };
            self.contribute(&child, &n.children, cx, path, Some(name), item);
            return (Value::Object(key), true);
        }
        // A list only the examples show, of objects that carry their type:
        // objects of any kind.
        if n.evidence == crate::shapes::Evidence::Example && item && holds_typed_objects(n) {
            return (Value::AnyObject, true);
        }
        let names: BTreeSet<String> = n.children.iter().map(|c| c.entry.name.clone()).collect();
        let at_object_root = parent.path.is_empty() && matches!(parent.key, TypeKey::Object { .. });
        let (key, owner, key_path) = if let Some(named) = self.type_names.iter().find(|(fields, _)| *fields == names) {
            let key = TypeKey::Named { name: named.1.clone() };
            (key, Owner::Common, vec![named.1.clone()])
        } else if let Some(family) = self.listed_family(n, parent, cx) {
            // Listed items come as identifiers at details level `uid`.
            let Some(family) = family else { return (Value::AnyObject, true) };
            let key = TypeKey::Object { family: family.clone() };
            let child = Parent { key: key.clone(), owner: Owner::Family(family), path: Vec::new() };
            self.contribute(&child, &n.children, cx, path, Some(name), item);
            return (Value::Object(key), true);
        } else if name == "domain" && names.contains("domain-type") {
            // Every object's domain, also where a server shows a field more.
            (TypeKey::DomainReference, Owner::Common, vec!["reference".to_owned()])
        } else if let Some(reference) = reference_key(&names) {
            (reference, Owner::Common, vec!["reference".to_owned()])
        } else if at_object_root && self.common.contains(name) {
            let path = vec![name.clone()];
            let input = cx.side == Side::Request;
            (TypeKey::Nested { owner: Owner::Common, path: path.clone(), input }, Owner::Common, path)
        } else {
            let mut key_path = parent.path.clone();
            key_path.push(name.clone());
            let input = cx.side == Side::Request;
            let key = TypeKey::Nested { owner: parent.owner.clone(), path: key_path.clone(), input };
            (key, parent.owner.clone(), key_path)
        };
        let child = Parent { key: key.clone(), owner, path: key_path };
        self.contribute(&child, &n.children, cx, path, Some(name), item);
        (Value::Object(key), false)
    }

    /// A `set-` collection: `add`/`remove`/`update` of its items.
    fn edit(&mut self, n: &Node, parent: &Parent, cx: Cx<'_>, path: &mut Vec<String>) -> Value {
        let mut item = Value::Scalar;
        for op in n.children.iter().filter(|op| !op.children.is_empty()) {
            path.push(op.entry.name.clone());
            // The items of `add` are the collection's items: named after
            // the collection, not the operation.
            let as_items =
                Node { entry: crate::load::Entry { name: n.entry.name.clone(), ..op.entry.clone() }, ..op.clone() };
            let (value, _) = self.nested(&as_items, parent, cx, path);
            path.pop();
            if item == Value::Scalar {
                item = value;
            }
        }
        Value::Edit(Box::new(item))
    }

    /// For the `rulebase` of a rulebase's section (`access-section`), the
    /// family of its rules (`access-rule`).
    fn section_rules(&self, n: &Node, parent: &Parent) -> Option<String> {
        let TypeKey::Object { family } = &parent.key else { return None };
        let rules = format!("{}-rule", family.strip_suffix("-section")?);
        (n.entry.name == "rulebase" && parent.path.is_empty() && self.objects.contains_key(&rules)).then_some(rules)
    }

    fn in_rulebase(&self, cx: Cx<'_>) -> bool {
        cx.place.is_some_and(Place::shows_rulebase)
    }

    /// A listing of a rulebase family whose answer holds the `rulebase`:
    /// its rules are the `…-rule` family's objects (`access-rulebase` →
    /// `access-rule`) when that family exists.
    fn rulebase(&self, place: &Place, tree: &CommandShape) -> Option<Rulebase> {
        let stem = place.family.strip_suffix("rulebase")?;
        let holds_rules = tree.response.iter().any(|n| n.entry.name == "rulebase");
        (place.shows_rulebase() && holds_rules).then(|| {
            let rules = format!("{stem}rule");
            Rulebase { rules: self.objects.contains_key(&rules).then_some(rules) }
        })
    }

    /// For the items of a listing answer: `Some(Some(family))` when they are
    /// the family's objects, `Some(None)` when they are objects of any
    /// kind, `None` when the node is not such a list.
    fn listed_family(&self, n: &Node, parent: &Parent, cx: Cx<'_>) -> Option<Option<String>> {
        let place = cx.place?;
        if cx.side != Side::Response || !matches!(parent.key, TypeKey::Response { .. }) || !parent.path.is_empty() {
            return None;
        }
        let family = self.families.get(&place.family)?;
        let is_items = match place.role {
            Role::List => cx.items == Some(n.entry.name.as_str()),
            _ => super::common::names_family(&n.entry.name, family),
        };
        if !is_items {
            return None;
        }
        if self.objects.contains_key(&family.name) {
            return Some(Some(family.name.clone()));
        }
        n.children.iter().any(|c| c.entry.name == "type").then_some(None)
    }

    /// The commands and types.
    pub fn finish(
        mut self,
        common: &[String],
        findings: &mut Findings,
    ) -> (BTreeMap<String, CommandModel>, BTreeMap<TypeKey, TypeDef>) {
        self.add_common_fields(common);
        self.absorb();
        findings.extend(std::mem::take(&mut self.findings));
        (self.commands, self.types)
    }

    /// Every kind of object carries the common fields, in the shape most
    /// kinds declare: each kind gets those it lacks, and those only its
    /// examples show take the common shape; a kind that documents a field
    /// of its own shape keeps it.
    fn add_common_fields(&mut self, common: &[String]) {
        // Per field: shape signature → (kinds declaring it, merged field).
        let mut shapes: BTreeMap<&String, BTreeMap<String, (usize, FieldDef)>> = BTreeMap::new();
        for def in self.types.values().filter(|d| matches!(d.key, TypeKey::Object { .. })) {
            for field in def.fields.iter().filter(|f| common.contains(&f.entry.name) && f.origin != Origin::Example) {
                let name = common.iter().find(|c| **c == field.entry.name).expect("common");
                let slot = shapes.entry(name).or_default().entry(shape_signature(field)).or_insert((0, field.clone()));
                if slot.0 > 0 {
                    let mut merged = vec![slot.1.clone()];
                    merge_fields(&mut merged, vec![field.clone()], &mut Outcome::default());
                    slot.1 = merged.remove(0);
                }
                slot.0 += 1;
            }
        }
        let consensus: BTreeMap<&String, FieldDef> = shapes
            .into_iter()
            .filter_map(|(name, by_shape)| {
                let best = by_shape.into_iter().max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(&a.0)))?;
                Some((name, FieldDef { origin: Origin::Common, required: false, ..best.1 .1 }))
            })
            .collect();
        for def in self.types.values_mut().filter(|d| matches!(d.key, TypeKey::Object { .. })) {
            for (name, shared) in &consensus {
                match def.fields.iter_mut().find(|f| &&f.entry.name == name) {
                    None => def.fields.push(shared.clone()),
                    Some(own) if own.origin == Origin::Example => {
                        let seen = own.seen;
                        *own = shared.clone();
                        own.seen.direct |= seen.direct;
                        own.seen.items |= seen.items;
                    }
                    Some(_) => {}
                }
            }
        }
    }

    /// A field that holds one type in one use and another in another keeps
    /// one (see `merge`); that one takes the other's fields, so what either
    /// use shows decodes. References and shapes named by the overrides are
    /// never widened.
    fn absorb(&mut self) {
        for (kept, other) in std::mem::take(&mut self.absorbed) {
            if matches!(kept, TypeKey::Reference | TypeKey::DomainReference | TypeKey::Named { .. }) {
                continue;
            }
            let Some(fields) = self.types.get(&other).map(|d| d.fields.clone()) else { continue };
            if let Some(target) = self.types.get_mut(&kept) {
                let fields = fields.into_iter().map(|f| FieldDef { required: false, ..f }).collect();
                merge_fields(&mut target.fields, fields, &mut Outcome::default());
            }
        }
    }
}

/// What a field holds, for telling its shapes apart.
fn shape_signature(field: &FieldDef) -> String {
    match &field.value {
        Value::Scalar => format!("scalar {:?}", field.entry.ty),
        other => format!("{other:?} list={}", field.list),
    }
}

/// Whether the items of a list only the examples show are objects that
/// carry their `type` (objects of several kinds).
fn holds_typed_objects(n: &Node) -> bool {
    ["uid", "type"].iter().all(|k| n.children.iter().any(|c| c.entry.name == *k))
}

/// The key of a reference-shaped object: `uid` and `name`, and nothing but
/// reference fields.
fn reference_key(names: &BTreeSet<String>) -> Option<TypeKey> {
    let only_reference = names.iter().all(|n| REFERENCE_FIELDS.contains(&n.as_str()));
    if !only_reference || !names.contains("uid") || !names.contains("name") {
        return None;
    }
    if names.contains("domain-type") && !names.contains("type") {
        Some(TypeKey::DomainReference)
    } else {
        Some(TypeKey::Reference)
    }
}
