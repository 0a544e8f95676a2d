//! Every JSON example of the spec decodes into the generated types and
//! encodes back to the same JSON; and no field that the descriptors do not
//! declare passes unreported.

mod common;

use generated_client::types::registry;
use generator::diag::Rule;
use generator::examples::Part;
use generator::ir::{Api, TypeRef};
use generator::overrides::{FaultKind, Side};
use serde_json::Value;
use std::collections::BTreeSet;

/// `null` members mean "absent" to the API; optional fields are omitted
/// when encoded, so the comparison drops them.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Where the overrides file records that examples write booleans and
/// numbers as strings (the API reads them as the values they spell), such
/// strings at places typed boolean or number are compared as those values;
/// nothing else is relaxed.
fn unquote(api: &Api, ty: &TypeRef, value: &Value) -> Value {
    match (ty, value) {
        (TypeRef::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
        (TypeRef::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
        (TypeRef::Integer, Value::String(s)) => {
            s.trim().parse::<i64>().map(Value::from).unwrap_or_else(|_| value.clone())
        }
        (TypeRef::Number, Value::String(s)) => {
            s.trim().parse::<f64>().map(Value::from).unwrap_or_else(|_| value.clone())
        }
        (TypeRef::Struct(name), Value::Object(map)) => {
            let s = api.find_struct(name).expect("struct");
            Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let field = s.fields.iter().find(|f| &f.wire_name == k);
                        (k.clone(), field.map_or_else(|| v.clone(), |f| unquote(api, &f.ty, v)))
                    })
                    .collect(),
            )
        }
        (TypeRef::List(inner) | TypeRef::OneOrMany(inner), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| unquote(api, inner, v)).collect())
        }
        (TypeRef::OneOrMany(inner) | TypeRef::ObjectOrId(inner) | TypeRef::Boxed(inner), other) => {
            unquote(api, inner, other)
        }
        _ => value.clone(),
    }
}

fn parts(example: &generator::examples::ParsedExample) -> [(Side, &Part); 2] {
    [(Side::Request, &example.request), (Side::Response, &example.response)]
}

#[test]
fn every_json_example_round_trips() {
    let analysis = common::analysis();
    let api = &analysis.api;
    let mut checked = 0;
    let mut known_faults = 0;
    let mut problems = Vec::new();
    for d in &analysis.spec.descriptors {
        let command = registry::lookup(&d.command).unwrap_or_else(|| panic!("`{}` is not registered", d.command));
        for example in &analysis.examples[&d.command] {
            for (side, part) in parts(example) {
                let Part::Json(value) = part else { continue };
                let overrides = &analysis.spec.overrides;
                let value = match overrides.example_fault(&d.command, &example.name, side, FaultKind::QuotedScalars) {
                    Some(_) => {
                        let c = api.find_command(&d.command).unwrap();
                        let root = if side == Side::Request { &c.request } else { &c.response_struct };
                        unquote(api, &TypeRef::Struct(root.clone()), value)
                    }
                    None => value.clone(),
                };
                let result = match side {
                    Side::Request => command.roundtrip_request(value.clone()),
                    Side::Response => command.roundtrip_response(value.clone()),
                }
                .map(|back| without_nulls(&back));
                let expected = without_nulls(&value);
                let fault = overrides.example_fault(&d.command, &example.name, side, FaultKind::Undecodable);
                let place = format!("{} / {} / {}", d.command, example.name, side.as_str());
                match (result, fault) {
                    (Ok(back), None) if back == expected => checked += 1,
                    (Ok(back), None) => {
                        problems.push(format!("{place}: encodes back differently:\n  {back}\n  {expected}"))
                    }
                    (Err(e), None) => problems.push(format!("{place}: does not decode: {e}")),
                    (Ok(back), Some(_)) if back == expected => {
                        problems.push(format!("{place}: recorded as a descriptor fault, but round-trips"))
                    }
                    (_, Some(_)) => known_faults += 1,
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} examples fail:\n{}", problems.len(), problems.join("\n"));
    assert!(checked > 0, "no JSON example was checked");
    eprintln!("{checked} examples round-trip; {known_faults} are recorded descriptor faults");
}

/// Walks a JSON value with the IR type that decodes it, collecting the
/// JSON pointers of keys the type does not declare.
fn undeclared(api: &Api, ty: &TypeRef, value: &Value, pointer: &str, out: &mut BTreeSet<String>) {
    match (ty, value) {
        (TypeRef::Struct(name), Value::Object(map)) => {
            let s = api
                .find_struct(name)
                .or_else(|| api.structs.iter().find(|s| s.aliases.iter().any(|a| &a.name == name)))
                .expect("struct");
            for (key, child) in map {
                let at = generator::diag::pointer_push(pointer, key);
                match s.fields.iter().find(|f| &f.wire_name == key) {
                    Some(f) => undeclared(api, &f.ty, child, &at, out),
                    None => {
                        out.insert(at);
                    }
                }
            }
        }
        (TypeRef::List(inner) | TypeRef::OneOrMany(inner), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                undeclared(api, inner, item, &format!("{pointer}/{i}"), out);
            }
        }
        (TypeRef::OneOrMany(inner) | TypeRef::ObjectOrId(inner) | TypeRef::Boxed(inner), other) => {
            undeclared(api, inner, other, pointer, out)
        }
        _ => {}
    }
}

#[test]
fn no_undeclared_field_goes_unreported() {
    let analysis = common::analysis();
    let api = &analysis.api;
    let reported: BTreeSet<(String, String)> = analysis
        .findings
        .iter()
        .filter(|f| matches!(f.rule, Rule::UndeclaredExampleField | Rule::KeptInExtra))
        .map(|f| (f.file.clone(), f.pointer.clone()))
        .collect();
    let mut missing = Vec::new();
    for d in &analysis.spec.descriptors {
        let command = api.find_command(&d.command).unwrap();
        for example in &analysis.examples[&d.command] {
            for (side, part) in parts(example) {
                let Part::Json(value) = part else { continue };
                let root = match side {
                    Side::Request => &command.request,
                    Side::Response => &command.response,
                };
                let mut found = BTreeSet::new();
                let pointer = format!("{}/{}", example.pointer, side.as_str());
                undeclared(api, &TypeRef::Struct(root.clone()), value, &pointer, &mut found);
                missing.extend(found.into_iter().filter(|p| !reported.contains(&(d.file.clone(), p.clone()))));
            }
        }
    }
    assert!(missing.is_empty(), "undeclared fields the generator did not report: {missing:#?}");
}

#[test]
fn login_api_key_is_reported_and_supported() {
    let analysis = common::analysis();
    let warning = analysis
        .findings
        .iter()
        .find(|f| f.rule == Rule::UndeclaredExampleField && f.command.as_deref() == Some("login"))
        .expect("the undeclared api-key of login's example is reported");
    assert!(warning.message.contains("login with API key") && warning.message.contains("api-key"), "{warning}");
    assert_eq!(warning.pointer, "/examples/login with API key/request/api-key");
    let login = analysis.api.find_struct("Login").unwrap();
    let api_key = login.fields.iter().find(|f| f.wire_name == "api-key").expect("login supports api-key");
    assert_eq!(api_key.ty, TypeRef::Secret);
}

#[test]
fn the_registry_lists_the_object_model_families() {
    let analysis = common::analysis();
    assert_eq!(registry::FAMILIES.len(), analysis.api.families.len());
    for family in registry::FAMILIES {
        for (role, command) in family.commands {
            assert!(registry::NAMES.contains(command), "{}: {role} `{command}` is not a command", family.name);
        }
        if family.list_items.is_some() {
            assert!(family.command("list").is_some(), "{}: items without a list", family.name);
        }
    }
    let host = registry::FAMILIES.iter().find(|f| f.name == "host").expect("the host family");
    assert_eq!(host.wire_type, Some("host"));
    assert_eq!((host.command("add"), host.command("list")), (Some("add-host"), Some("show-hosts")));
    assert_eq!(host.list_items, Some("objects"));
}
