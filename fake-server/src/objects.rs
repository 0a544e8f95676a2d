//! What the object commands mean, read from the object model's families
//! (`registry::FAMILIES`): `add-<x>` creates an object of the family's wire
//! type, `set-<x>` changes it, `show-<x>` returns it, `delete-<x>` removes
//! it, `show-<xs>` lists them. No command has code of its own.
//!
//! An object's shape comes from the documentation's example answer of the
//! family (`show-<x>`, else `add-<x>`): the request's fields are laid over
//! it, names of other objects become references where the example shows
//! objects, and the result must decode as the command's typed response
//! (a field that does not is left out, so clients never choke on it).

use crate::store::{summary, Refusal, Store};
use generated_client::registry::Family;
use generated_client::types::registry;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The largest page the real server serves.
pub(crate) const MAX_LIMIT: u64 = 500;
/// The page size when a request names none.
const DEFAULT_LIMIT: u64 = 50;

/// Request fields that address or steer a command rather than describe
/// the object.
const CONTROL_FIELDS: &[&str] = &[
    "uid",
    "name",
    "new-name",
    "details-level",
    "ignore-warnings",
    "ignore-errors",
    "set-if-exist",
    "type",
    "position",
];

/// Which family and role each command has.
fn roles() -> &'static HashMap<&'static str, (&'static Family, &'static str)> {
    static ROLES: OnceLock<HashMap<&'static str, (&'static Family, &'static str)>> = OnceLock::new();
    ROLES.get_or_init(|| {
        let mut roles = HashMap::new();
        for family in registry::FAMILIES {
            for (role, command) in family.commands {
                roles.entry(*command).or_insert((family, *role));
            }
        }
        roles
    })
}

/// The family and role of `command`, when it acts on stored objects.
pub(crate) fn route(command: &str) -> Option<(&'static Family, &'static str)> {
    let (family, role) = roles().get(command).copied()?;
    // Sessions and tasks are the server's own records, not stored objects.
    let kept_elsewhere = matches!(family.name, "session" | "task");
    let stored =
        matches!(role, "add" | "set" | "show" | "delete" | "list") && family.wire_type.is_some() && !kept_elsewhere;
    stored.then_some((family, role))
}

/// Whether `command` shows a rulebase (the `list` of a `*-rulebase`
/// family).
pub(crate) fn is_rulebase(command: &str) -> bool {
    roles().get(command).is_some_and(|(family, role)| *role == "list" && family.name.ends_with("-rulebase"))
}

/// Whether the family is the catalogue of every object (`show-objects`).
fn is_catalogue(family: &Family) -> bool {
    family.name == "object"
}

/// The documentation's example of one object of the family.
fn template(family: &Family) -> Value {
    let example = ["show", "add"]
        .iter()
        .filter_map(|role| family.command(role))
        .find_map(|command| crate::handler::example_answers().get(command))
        .filter(|v| v.get("uid").is_some());
    let mut template = example.cloned().unwrap_or_else(|| json!({}));
    if let Some(map) = template.as_object_mut() {
        // The example's own identity and references are not defaults.
        map.remove("uid");
        map.remove("name");
        // One item of each list is enough to show its shape.
        for value in map.values_mut() {
            if let Value::Array(items) = value {
                items.truncate(1);
            }
        }
    }
    template
}

/// A new object's fields before the request's: the example's, with its
/// lists empty (their items were the example's own references).
fn defaults(template: &Value) -> Value {
    let mut object = template.clone();
    if let Some(map) = object.as_object_mut() {
        for value in map.values_mut() {
            if let Value::Array(items) = value {
                items.clear();
            }
        }
    }
    object
}

/// The fields a `standard` list item has, from the list command's example.
fn standard_fields(family: &Family) -> Option<Vec<String>> {
    let list = family.command("list")?;
    let items = family.list_items.unwrap_or("objects");
    let first = crate::handler::example_answers().get(list)?.get(items)?.get(0)?.as_object()?;
    Some(first.keys().cloned().collect())
}

/// Who and when, as `meta-info` holds it.
fn meta_info(user: &str, now_ms: u128) -> Value {
    let time = json!({"posix": u64::try_from(now_ms).unwrap_or(u64::MAX), "iso-8601": "2026-01-01T00:00+0000"});
    json!({
        "lock": "unlocked",
        "validation-state": "ok",
        "read-only": false,
        "creator": user,
        "last-modifier": user,
        "creation-time": time,
        "last-modify-time": time,
    })
}

/// `value` from a request laid over `shape` (the example's value there).
fn convert(value: &Value, shape: Option<&Value>, existing: Option<&Value>, resolve: &dyn Fn(&str) -> Value) -> Value {
    match (value, shape) {
        // `members: {"add": [...], "remove": [...]}` edits a list.
        (Value::Object(edit), _)
            if !edit.is_empty()
                && edit.keys().all(|k| k == "add" || k == "remove")
                && shape.is_none_or(Value::is_array) =>
        {
            let mut items: Vec<Value> = existing.and_then(Value::as_array).cloned().unwrap_or_default();
            let as_list = |v: Option<&Value>| match v {
                Some(Value::Array(items)) => items.clone(),
                Some(one) => vec![one.clone()],
                None => Vec::new(),
            };
            let element = shape.and_then(|s| s.get(0));
            for added in as_list(edit.get("add")) {
                items.push(convert(&added, element, None, resolve));
            }
            for removed in as_list(edit.get("remove")) {
                let gone = convert(&removed, element, None, resolve);
                items.retain(|item| item != &gone && item.get("uid") != gone.get("uid"));
            }
            Value::Array(items)
        }
        (Value::Array(items), Some(Value::Array(example))) => {
            let element = example.first();
            Value::Array(items.iter().map(|item| convert(item, element, None, resolve)).collect())
        }
        (Value::String(name), Some(Value::Object(_))) => resolve(name),
        (Value::Object(fields), Some(Value::Object(example))) => {
            let mut out = existing.and_then(Value::as_object).cloned().unwrap_or_else(|| example.clone());
            for (key, inner) in fields {
                let merged = convert(inner, example.get(key), out.get(key), resolve);
                out.insert(key.clone(), merged);
            }
            Value::Object(out)
        }
        _ => value.clone(),
    }
}

/// The top-level field a decode error names (`at \`members[0].uid\`: …`).
fn field_of_error(error: &str) -> Option<String> {
    let path = error.strip_prefix("at `")?.split('`').next()?;
    let field: String = path.chars().take_while(|c| *c != '.' && *c != '[').collect();
    (!field.is_empty() && field != "?").then_some(field)
}

/// Removes the fields that keep `object` from decoding as `command`'s
/// typed response.
fn fit_response(command: &str, mut object: Value) -> Value {
    let Some(typed) = registry::lookup(command) else { return object };
    for _ in 0..32 {
        let Err(error) = typed.roundtrip_response(object.clone()) else { break };
        let Some(field) = field_of_error(&error) else { break };
        let Some(map) = object.as_object_mut() else { break };
        if map.remove(&field).is_none() {
            break;
        }
    }
    object
}

/// What one object command needs to know about the caller.
pub(crate) struct Caller<'a> {
    /// The session's uid (its changes and locks are filed under it).
    pub session: &'a str,
    /// The administrator's name, for `meta-info`.
    pub user: &'a str,
    /// Lists put objects of equal names in reverse uid order (a quirk).
    pub equal_names_reversed: bool,
}

/// Runs an object command; answers the body or a refusal.
pub(crate) fn run(
    store: &mut Store,
    caller: &Caller<'_>,
    family: &Family,
    role: &str,
    command: &str,
    request: &Value,
    fresh_uid: &mut dyn FnMut() -> String,
) -> Result<Value, Refusal> {
    let wire_type = if is_catalogue(family) { None } else { family.wire_type };
    match role {
        "add" => {
            let name = request.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            if !name.is_empty() {
                store.check_name_free(caller.session, &name, None)?;
            }
            // Rules and sections go at a `position` of their `layer`.
            let placement = match (request.get("layer").and_then(Value::as_str), request.get("position")) {
                (Some(layer), Some(position)) => {
                    let layer = crate::rulebase::layer_uid(store, caller.session, layer)?;
                    let index = crate::rulebase::index_for(store, caller.session, &layer, position)?;
                    Some((layer, index))
                }
                _ => None,
            };
            let mut object = build(store, caller, family, request, None, fresh_uid(), &name, command);
            if let Some((layer, _)) = &placement {
                object["layer"] = Value::String(layer.clone());
            }
            let uid = object["uid"].as_str().unwrap_or_default().to_owned();
            let answer = store.put(caller.session, object)?;
            if let Some((layer, index)) = placement {
                store.place(&layer, index, &uid);
            }
            Ok(answer)
        }
        "set" => {
            let existing = store.find(caller.session, request, wire_type)?;
            let uid = existing["uid"].as_str().unwrap_or_default().to_owned();
            let name = match request.get("new-name").and_then(Value::as_str) {
                Some(new) => {
                    store.check_name_free(caller.session, new, Some(&uid))?;
                    new.to_owned()
                }
                None => existing["name"].as_str().unwrap_or_default().to_owned(),
            };
            let object = build(store, caller, family, request, Some(&existing), uid, &name, command);
            store.put(caller.session, object)
        }
        "show" => store.find(caller.session, request, wire_type),
        "delete" => {
            let existing = store.find(caller.session, request, wire_type)?;
            store.delete(caller.session, existing["uid"].as_str().unwrap_or_default())?;
            Ok(json!({"message": "OK"}))
        }
        _ => list(store, caller, family, request),
    }
}

/// A new or changed object of `family` from `request`.
#[allow(clippy::too_many_arguments)] // one call per role; a struct would only rename them
fn build(
    store: &Store,
    caller: &Caller<'_>,
    family: &Family,
    request: &Value,
    existing: Option<&Value>,
    uid: String,
    name: &str,
    command: &str,
) -> Value {
    let template = template(family);
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let mut object = existing.cloned().unwrap_or_else(|| defaults(&template));
    let visible = store.visible(caller.session);
    let resolve = |key: &str| {
        visible
            .iter()
            .find(|o| {
                o.get("name").and_then(Value::as_str) == Some(key) || o.get("uid").and_then(Value::as_str) == Some(key)
            })
            .map_or_else(|| json!({"name": key}), |o| summary(o))
    };
    if let (Some(map), Some(fields)) = (object.as_object_mut(), request.as_object()) {
        for (key, value) in fields.iter().filter(|(k, _)| !CONTROL_FIELDS.contains(&k.as_str())) {
            let key = stored_key(&template, key, value);
            let merged = convert(value, template.get(&key), map.get(&key), &resolve);
            map.insert(key, merged);
        }
        map.insert("uid".to_owned(), Value::String(uid));
        map.insert("name".to_owned(), Value::String(name.to_owned()));
        if let Some(wire_type) = family.wire_type {
            map.insert("type".to_owned(), Value::String(wire_type.to_owned()));
        }
        let mut meta = meta_info(caller.user, now_ms);
        if let (Some(before), Some(meta)) = (existing.and_then(|e| e.get("meta-info")), meta.as_object_mut()) {
            for key in ["creator", "creation-time"] {
                if let Some(v) = before.get(key) {
                    meta.insert(key.to_owned(), v.clone());
                }
            }
        }
        map.insert("meta-info".to_owned(), meta);
    }
    let object = fit_response(family.command("show").unwrap_or(command), object);
    fit_response(command, object)
}

/// Where the object keeps a request field: `ip-address` (and `subnet`,
/// `ip-address-first`, …) is stored as its IPv4 or IPv6 form when the
/// family's objects only show those, as the real server does.
fn stored_key(template: &Value, key: &str, value: &Value) -> String {
    if template.get(key).is_some() {
        return key.to_owned();
    }
    let v6 = value.as_str().is_some_and(|v| v.contains(':'));
    let candidates = [
        key.replacen("ip-address", if v6 { "ipv6-address" } else { "ipv4-address" }, 1),
        format!("{key}{}", if v6 { "6" } else { "4" }),
    ];
    candidates.into_iter().find(|k| template.get(k).is_some()).unwrap_or_else(|| key.to_owned())
}

/// A new published object of `family` named `name`, for seeds.
pub(crate) fn seed_object(family: &Family, uid: String, name: String, index: usize) -> Value {
    let mut object = defaults(&template(family));
    if let Some(map) = object.as_object_mut() {
        if map.contains_key("ipv4-address") {
            let (a, b, c) = ((index >> 16) & 0xff, (index >> 8) & 0xff, index & 0xff);
            map.insert("ipv4-address".to_owned(), Value::String(format!("10.{a}.{b}.{c}")));
        }
        map.insert("uid".to_owned(), Value::String(uid));
        map.insert("name".to_owned(), Value::String(name));
        if let Some(wire_type) = family.wire_type {
            map.insert("type".to_owned(), Value::String(wire_type.to_owned()));
        }
        map.insert("meta-info".to_owned(), meta_info("seed", 0));
    }
    object
}

/// The family named `name`.
pub(crate) fn family(name: &str) -> Option<&'static Family> {
    registry::FAMILIES.iter().find(|f| f.name == name)
}

/// Reads `limit` and `offset`, refusing a page larger than the real
/// server serves.
pub(crate) fn window(request: &Value) -> Result<(usize, usize), Refusal> {
    let limit = request.get("limit").and_then(Value::as_u64).unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Refusal {
            status: 400,
            code: "generic_err_invalid_parameter",
            message: format!("Invalid parameter for [limit]. The value {limit} is out of range [1-500]"),
            errors: Vec::new(),
        });
    }
    let offset = request.get("offset").and_then(Value::as_u64).unwrap_or(0);
    let as_usize = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    Ok((as_usize(offset), as_usize(limit)))
}

/// Whether the order asked for is descending by name.
fn descending(request: &Value) -> bool {
    let orders = match request.get("order") {
        Some(Value::Array(items)) => items.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    };
    orders.iter().any(|o| o.get("DESC").is_some())
}

/// One list item at the asked `details-level`.
pub(crate) fn at_level(object: Value, level: &str, standard: Option<&[String]>) -> Value {
    match level {
        "uid" => object.get("uid").cloned().unwrap_or(Value::Null),
        "full" => object,
        _ => match (standard, object.as_object()) {
            (Some(fields), Some(map)) => {
                let mut out: Map<String, Value> =
                    fields.iter().filter_map(|f| map.get(f).map(|v| (f.clone(), v.clone()))).collect();
                for key in ["uid", "name", "type"] {
                    if let Some(v) = map.get(key) {
                        out.insert(key.to_owned(), v.clone());
                    }
                }
                Value::Object(out)
            }
            _ => summary(&object),
        },
    }
}

/// A page of `items` as list answers hold it (an empty list has no
/// `from`/`to`, as on the real server).
pub(crate) fn page_answer(key: &str, items: Vec<Value>, offset: usize, total: usize) -> Value {
    if items.is_empty() {
        return json!({key: [], "total": total});
    }
    json!({"from": offset + 1, "to": offset + items.len(), "total": total, key: items})
}

/// `show-<objects>`: filtered by name, ordered by name, paged.
fn list(store: &Store, caller: &Caller<'_>, family: &Family, request: &Value) -> Result<Value, Refusal> {
    let session = caller.session;
    let (offset, limit) = window(request)?;
    let wire_type = if is_catalogue(family) { request.get("type").and_then(Value::as_str) } else { family.wire_type };
    let filter = request.get("filter").and_then(Value::as_str).map(str::to_lowercase).filter(|f| !f.is_empty());
    let name_of = |o: &Value| o.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut matching: Vec<&Value> = store
        .visible(session)
        .into_iter()
        .filter(|o| wire_type.is_none_or(|t| o.get("type").and_then(Value::as_str) == Some(t)))
        .filter(|o| filter.as_ref().is_none_or(|f| name_of(o).to_lowercase().contains(f)))
        .collect();
    // The store is in uid order, and the sort is stable: equal names keep
    // it, unless the quirk turns them around.
    if caller.equal_names_reversed {
        matching.reverse();
    }
    matching.sort_by_cached_key(|o| name_of(o));
    if descending(request) {
        matching.reverse();
    }
    let total = matching.len();
    let level = request.get("details-level").and_then(Value::as_str).unwrap_or("standard");
    let standard = standard_fields(family);
    let items: Vec<Value> = matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|o| at_level(store.with_lock(session, o), level, standard.as_deref()))
        .collect();
    Ok(page_answer(family.list_items.unwrap_or("objects"), items, offset, total))
}

/// `where-used`: the objects that refer to the one asked about.
pub(crate) fn where_used(store: &Store, session: &str, request: &Value) -> Result<Value, Refusal> {
    let object = store.find(session, request, None)?;
    let users = store.used_by(session, object["uid"].as_str().unwrap_or_default());
    let total = users.len();
    let answer = json!({
        "used-directly": {
            "objects": users,
            "access-control-rules": [],
            "nat-rules": [],
            "threat-prevention-rules": [],
            "total": total,
        }
    });
    Ok(fit_response("where-used", answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_with_an_add_makes_objects_its_show_decodes() {
        let mut store = Store::default();
        let caller = Caller { session: "s", user: "admin", equal_names_reversed: false };
        let mut n = 0;
        for family in registry::FAMILIES.iter().filter(|f| f.command("add").is_some() && f.wire_type.is_some()) {
            let add = family.command("add").unwrap_or_default();
            let mut uid = || {
                n += 1;
                format!("uid-{n}")
            };
            let name = format!("obj-{}", family.name);
            let object = run(&mut store, &caller, family, "add", add, &json!({"name": name}), &mut uid).unwrap();
            assert_eq!(object["name"], name.as_str(), "{add}");
            if let Some(show) = family.command("show") {
                let shown = run(&mut store, &caller, family, "show", show, &json!({"name": name}), &mut uid).unwrap();
                let typed = registry::lookup(show).unwrap();
                typed.roundtrip_response(shown).unwrap_or_else(|e| panic!("{show}: {e}"));
            }
        }
    }

    #[test]
    fn decode_errors_name_their_field() {
        assert_eq!(field_of_error("at `members[0].uid`: invalid type").as_deref(), Some("members"));
        assert_eq!(field_of_error("at `nat-settings.method`: x").as_deref(), Some("nat-settings"));
        assert_eq!(field_of_error("oops"), None);
    }
}
