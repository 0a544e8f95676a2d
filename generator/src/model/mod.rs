//! Stage 4: the object model.
//!
//! The descriptors describe one command at a time; the API is an object
//! model. About two hundred kinds of objects each have `add-`, `set-`,
//! `show-`, `delete-` and a plural `show-` command; `add-`, `set-` and
//! `show-` answer with the object, the plural lists those objects; every
//! object carries the same common fields; references to objects have one
//! shape; some lists (`objects-dictionary`, `show-objects`, rulebases) hold
//! objects of many kinds told apart by `type`.
//!
//! This stage turns the rebuilt trees of every command into that model:
//!
//! - [`families`]: commands grouped by the object they act on, with roles;
//! - [`params`]: request parameters the extraction dropped (common
//!   parameters of `add-`/`set-`/`show-`/`delete-`, the alternatives a
//!   description names), identifiers that are "uid or name", collections
//!   that take one value or many;
//! - `keys`: every nested object gets the key of the type it is (an
//!   object of a family, a reference, a common field, a shape named by the
//!   overrides, or a nested object named by its owner and its path);
//!   everything with one key becomes one type, widened to hold what each
//!   use declares, what the examples show, and the common fields.
//!
//! The output is plain data (a schema of keyed types and the commands that
//! use them), which `lower` turns into the IR without deciding anything
//! about structure.

pub mod common;
pub mod families;
mod infer;
mod keys;
mod merge;
pub mod params;
mod patch;

pub use families::{Family, Place, Role};

use crate::check::{Kinds, Observations};
use crate::diag::Findings;
use crate::examples::ParsedExample;
use crate::load::{Entry, Spec};
use crate::overrides::Side;
use crate::shapes::{Evidence, Shapes};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The identity of a type: everything with one key is one type, and the
/// key alone decides its name (so a type's name does not depend on which
/// other commands exist).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum TypeKey {
    /// The object of a family (`Host`).
    Object {
        /// The family.
        family: String,
    },
    /// A reference to an object of any kind: `{uid, name, type, domain, …}`.
    Reference,
    /// A reference to a domain: `{uid, name, domain-type}`.
    DomainReference,
    /// A shape the overrides file names (`Timestamp`): every object with
    /// exactly its fields.
    Named {
        /// The Rust name.
        name: String,
    },
    /// A command's request body (`AddHost`).
    Request {
        /// The command.
        command: String,
    },
    /// A command's answer that is not an object of its family
    /// (`ShowHostsResponse`).
    Response {
        /// The command.
        command: String,
    },
    /// An object nested in another, named by its owner and its path
    /// (`HostNatSettings`, `MetaInfo`); requests and answers have their own
    /// (`HostNatSettingsInput` is what `add-host` and `set-host` send).
    Nested {
        /// The family, or the common fields, it belongs to.
        owner: Owner,
        /// Wire names from the owner's root (list items are transparent;
        /// the `add`/`remove` of a collection change are left out).
        path: Vec<String>,
        /// Sent in requests (else received in answers).
        input: bool,
    },
    /// The failure body.
    Failure,
}

/// Who a nested object belongs to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "name")]
pub enum Owner {
    /// The commands of a family (its object, requests and answers).
    Family(String),
    /// The common fields every object carries.
    Common,
    /// The failure body.
    Failure,
}

/// Where a field came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// The descriptor's list.
    Documented,
    /// A common field or parameter of the model.
    Common,
    /// A parameter a description names as the alternative of another.
    Implied,
    /// Seen in the examples only.
    Example,
    /// The overrides file.
    Override,
}

/// The value of a field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "of")]
pub enum Value {
    /// A scalar or a list of scalars: typed from the entry's declared type,
    /// valid values and what the examples show.
    Scalar,
    /// A nested object (or a list of them).
    Object(TypeKey),
    /// An object of any family, told apart by its `type`.
    AnyObject,
    /// Any JSON: an object or list whose content the documentation omits.
    Json,
    /// A collection of a `set-` command: the whole collection, or `add`,
    /// `remove` (and `update`) changes of it; the items are the value held.
    Edit(Box<Value>),
}

/// One field of a type.
#[derive(Clone, Debug, Serialize)]
pub struct FieldDef {
    /// The entry (wire name, description, declared type, default, valid
    /// values, pointer for findings).
    pub entry: Entry,
    /// What it holds.
    pub value: Value,
    /// The documentation lists the object as an object or a list of them.
    pub list: bool,
    /// Takes one value or a list of them (a collection, or a child block
    /// listed twice).
    pub many: bool,
    /// An object that may come as its identifier only (a name or UID).
    pub or_id: bool,
    /// A proven list of objects (a listing's items, `objects-dictionary`,
    /// a rulebase), not a documentation's "object or list".
    pub listing: bool,
    /// Required in requests.
    pub required: bool,
    /// JSON kinds the examples show here.
    #[serde(skip)]
    pub seen: Kinds,
    /// Where it came from.
    pub origin: Origin,
    /// How its place was decided.
    pub evidence: Evidence,
    /// A Rust name the overrides file gives it.
    pub rust_name: Option<String>,
    /// A secret the overrides file marks (or unmarks).
    pub secret: Option<bool>,
}

/// Where a type is used.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Use {
    /// The command; empty for the failure body.
    pub command: String,
    /// Request or response.
    pub side: Side,
}

/// One type of the model.
#[derive(Clone, Debug, Serialize)]
pub struct TypeDef {
    /// Its identity.
    pub key: TypeKey,
    /// Fields in first-seen order.
    pub fields: Vec<FieldDef>,
    /// Who uses it.
    pub uses: BTreeSet<Use>,
    /// The wire name of the field that holds it (for docs), when one does.
    pub field: Option<String>,
    /// It holds list items (names its type in the singular).
    pub item: bool,
    /// How many lists of fields contributed to it.
    #[serde(skip)]
    pub contributions: usize,
}

/// How a listing command pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Paging {
    /// Wire name of the answer's field that holds a page's items.
    pub items: String,
}

/// One command in the model.
#[derive(Clone, Debug, Serialize)]
pub struct CommandModel {
    /// Where it sits.
    pub place: Place,
    /// Its request body type.
    pub request: TypeKey,
    /// Whether the descriptor lists a request body.
    pub has_body: bool,
    /// Its answer's type.
    pub response: TypeKey,
    /// How it pages, for listing commands.
    pub paging: Option<Paging>,
    /// Set for the commands that show a rulebase (`show-access-rulebase`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rulebase: Option<Rulebase>,
}

/// A command that shows a rulebase: sections and rules, paged by rules,
/// with the objects they refer to in `objects-dictionary`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rulebase {
    /// The family of its rules (`access-rule`), when it is a kind of
    /// object; otherwise its rules are objects of any kind.
    pub rules: Option<String>,
}

/// The object model of the whole API.
#[derive(Debug, Default, Serialize)]
pub struct Model {
    /// Families by name.
    pub families: BTreeMap<String, Family>,
    /// Families whose answers are objects, by name: the kinds an
    /// `AnyObject` holds, with their wire `type`.
    pub objects: BTreeMap<String, String>,
    /// Commands by name.
    pub commands: BTreeMap<String, CommandModel>,
    /// Every type, by key.
    pub types: BTreeMap<TypeKey, TypeDef>,
    /// The common fields of every object, by wire name.
    pub common_fields: Vec<String>,
}

impl Model {
    /// The type with this key.
    pub fn get(&self, key: &TypeKey) -> Option<&TypeDef> {
        self.types.get(key)
    }
}

/// Builds the model from the rebuilt trees.
pub fn build(
    spec: &Spec,
    examples: &BTreeMap<String, Vec<ParsedExample>>,
    shapes: &Shapes,
    observations: &Observations,
    findings: &mut Findings,
) -> Model {
    let mut trees = shapes.commands.clone();
    patch::apply_all(spec, &mut trees, findings);
    let (places, families) = families::classify(&spec.descriptors, &trees);
    let objects = common::object_families(&families, &places, &trees, examples);
    let common = common::CommonFields::find(&trees, &places, &objects, examples, &spec.overrides, findings);
    params::enrich(spec, &mut trees, &places, &objects, &common, findings);
    let mut builder = keys::Builder::new(spec, &places, &families, &objects, &common, observations);
    for d in &spec.descriptors {
        if let Some(tree) = trees.get(&d.command) {
            builder.command(d, tree);
        }
    }
    builder.failure(&trees);
    infer::from_examples(&mut builder, &spec.descriptors, examples, &trees);
    let common_fields = common.names();
    let (commands, types) = builder.finish(&common_fields, findings);
    Model { families, objects, commands, types, common_fields }
}
