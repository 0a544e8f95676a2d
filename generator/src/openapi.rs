//! `generator openapi`: the reconstructed API as an OpenAPI 3.1 document,
//! from the same IR as the generated code, for other tools (generators,
//! documentation viewers).

use crate::ir::{Api, StructDef, TypeRef};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The name of the session header's security scheme.
const SESSION_SCHEME: &str = "session";

/// The OpenAPI document (keys sorted: deterministic).
pub fn document(api: &Api) -> Value {
    let mut paths = Map::new();
    for c in &api.commands {
        let method = c.http_method.as_deref().unwrap_or("POST").to_ascii_lowercase();
        let mut responses = Map::new();
        responses.insert(
            "200".to_owned(),
            json!({
                "description": format!("The answer of `{}`.", c.name),
                "content": {"application/json": {"schema": reference(&c.response_struct)}},
            }),
        );
        for status in &api.failure.http_statuses {
            responses.insert(
                status.to_string(),
                json!({
                    "description": "A failure body.",
                    "content": {"application/json": {"schema": reference(&api.failure.body)}},
                }),
            );
        }
        let security = if c.needs_session { json!([{SESSION_SCHEME: []}]) } else { json!([]) };
        let mut operation = json!({
            "operationId": c.name,
            "summary": c.name,
            "description": c.description,
            "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": reference(&c.request)}},
            },
            "responses": responses,
            "security": security,
        });
        if let Some(group) = &c.group {
            operation["tags"] = json!([group]);
        }
        if c.http_method.is_none() {
            operation["description"] = json!(format!(
                "{}\n\nThe documentation leaves the HTTP method to the caller; POST is listed.",
                c.description
            ));
        }
        paths.insert(format!("/{}", c.name), json!({ method: operation }));
    }
    let mut schemas = Map::new();
    let cycles = back_edges(api);
    for s in &api.structs {
        schemas.insert(s.name.clone(), struct_schema(s, &cycles));
        for alias in &s.aliases {
            schemas.insert(
                alias.name.clone(),
                json!({"$ref": format!("#/components/schemas/{}", s.name), "description": alias.docs}),
            );
        }
    }
    if !api.objects.is_empty() {
        let mut members: Vec<Value> = api.objects.iter().map(|o| reference(&o.type_name)).collect();
        members.push(json!({"type": "object", "description": "An object of another type."}));
        let mapping: Map<String, Value> = api
            .objects
            .iter()
            .map(|o| (o.wire_type.clone(), json!(format!("#/components/schemas/{}", o.type_name))))
            .collect();
        schemas.insert(
            crate::ir::ANY_OBJECT.to_owned(),
            json!({
                "description": "An object of any type, told apart by its `type`.",
                "anyOf": members,
                "discriminator": {"propertyName": "type", "mapping": mapping},
            }),
        );
    }
    for e in &api.enums {
        let values: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
        schemas.insert(e.name.clone(), json!({"type": "string", "enum": values, "description": e.docs}));
        for alias in &e.aliases {
            schemas.insert(
                alias.name.clone(),
                json!({"$ref": format!("#/components/schemas/{}", e.name), "description": alias.docs}),
            );
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Check Point Management API",
            "version": api.version.clone().unwrap_or_else(|| "unknown".to_owned()),
            "description": "Reconstructed from the API's documentation by this project's generator.",
        },
        "servers": [{
            "url": "https://{server}/web_api",
            "variables": {"server": {"default": "mgmt.example.com", "description": "host[:port] of the management server"}},
        }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                SESSION_SCHEME: {"type": "apiKey", "in": "header", "name": "X-chkp-sid", "description": "The `sid` that `login` returns."},
            },
        },
    })
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// Fields that close a cycle of references (an access section's rules are
/// objects that may be sections): they are described, not referenced, so
/// that tools that expand schemas without a memory of where they have been
/// terminate. Found by a depth-first walk from every struct in name order;
/// `AnyObject` reaches every kind of object.
fn back_edges(api: &Api) -> BTreeSet<(String, String)> {
    fn targets(api: &Api, ty: &TypeRef, out: &mut Vec<String>) {
        match ty {
            TypeRef::Struct(name) => out.push(api.aliases.get(name).unwrap_or(name).clone()),
            TypeRef::AnyObject => out.extend(api.objects.iter().map(|o| o.type_name.clone())),
            other => {
                if let Some(inner) = other.inner() {
                    targets(api, inner, out);
                }
            }
        }
    }
    fn visit(api: &Api, name: &str, state: &mut BTreeMap<String, u8>, out: &mut BTreeSet<(String, String)>) {
        state.insert(name.to_owned(), 1);
        if let Some(s) = api.find_struct(name) {
            for f in &s.fields {
                let mut to = Vec::new();
                targets(api, &f.ty, &mut to);
                for target in to {
                    match state.get(&target).copied().unwrap_or(0) {
                        1 => {
                            out.insert((name.to_owned(), f.wire_name.clone()));
                        }
                        0 => visit(api, &target, state, out),
                        _ => {}
                    }
                }
            }
        }
        state.insert(name.to_owned(), 2);
    }
    let mut state = BTreeMap::new();
    let mut out = BTreeSet::new();
    for s in &api.structs {
        if state.get(&s.name).copied().unwrap_or(0) == 0 {
            visit(api, &s.name, &mut state, &mut out);
        }
    }
    out
}

fn struct_schema(s: &StructDef, cycles: &BTreeSet<(String, String)>) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in &s.fields {
        let recursive = cycles.contains(&(s.name.clone(), f.wire_name.clone()));
        let mut schema = if recursive {
            json!({"description": format!("{} (Recursive: see the Rust type.)", f.docs)})
        } else {
            type_schema(&f.ty)
        };
        let described = match &mut schema {
            Value::Object(map) if !map.contains_key("$ref") => {
                map.insert("description".to_owned(), json!(f.docs));
                true
            }
            _ => false,
        };
        if !described {
            // A reference cannot carry siblings in every tool: wrap it.
            schema = json!({"allOf": [schema], "description": f.docs});
        }
        properties.insert(f.wire_name.clone(), schema);
        if f.required {
            required.push(f.wire_name.clone());
        }
    }
    let mut schema = json!({
        "type": "object",
        "description": s.docs,
        "properties": properties,
        // Fields the documentation does not declare are kept.
        "additionalProperties": true,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn type_schema(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::String => json!({"type": "string"}),
        TypeRef::Integer => json!({"type": "integer", "format": "int64"}),
        TypeRef::Number => json!({"type": "number"}),
        TypeRef::Boolean => json!({"type": "boolean"}),
        TypeRef::Secret => json!({"type": "string", "format": "password"}),
        TypeRef::Json => json!({}),
        TypeRef::Enum(name) | TypeRef::Struct(name) => reference(name),
        TypeRef::List(inner) => json!({"type": "array", "items": type_schema(inner)}),
        TypeRef::OneOrMany(inner) => {
            let one = type_schema(inner);
            json!({"anyOf": [one.clone(), {"type": "array", "items": one}]})
        }
        TypeRef::ObjectOrId(inner) => json!({"anyOf": [{"type": "string"}, type_schema(inner)]}),
        TypeRef::AnyObject => reference(crate::ir::ANY_OBJECT),
        TypeRef::Boxed(inner) => type_schema(inner),
        TypeRef::Edit(inner) => {
            let items = type_schema(inner);
            let many = json!({"anyOf": [items.clone(), {"type": "array", "items": items}]});
            json!({"anyOf": [many.clone(), {
                "type": "object",
                "description": "Changes of the collection.",
                "properties": {"add": many.clone(), "remove": many.clone(), "update": many},
            }]})
        }
    }
}
