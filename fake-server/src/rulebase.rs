//! Rulebases: the order of rules and sections in a layer, `position` of
//! the commands that add them, and `show-<x>-rulebase` paging by rules as
//! the real server does.
//!
//! Rules and sections are stored objects like any other (private to their
//! session until publish); only their order lives here, per layer, and a
//! session's view of it skips the entries it cannot see.

use crate::objects::{page_answer, window};
use crate::store::{summary, Refusal, Store};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// Whether an entry of a rulebase is a section (`access-section`, …).
fn is_section(entry: &Value) -> bool {
    entry.get("type").and_then(Value::as_str).is_some_and(|t| t.ends_with("-section"))
}

/// Finds an object by uid, else by name.
fn find_by_reference(store: &Store, session: &str, reference: &str) -> Result<Value, Refusal> {
    store
        .find(session, &json!({"uid": reference}), None)
        .or_else(|_| store.find(session, &json!({"name": reference}), None))
        .map_err(|_| Refusal::not_found(reference))
}

/// The layer a rulebase request names (`layer` of a rule, `name`/`uid` of
/// a rulebase).
pub(crate) fn layer_uid(store: &Store, session: &str, reference: &str) -> Result<String, Refusal> {
    let layer = find_by_reference(store, session, reference)?;
    Ok(layer["uid"].as_str().unwrap_or_default().to_owned())
}

/// Where in the layer's order an entry goes, from the request's
/// `position`: `top`, `bottom`, a rule number, or `above`/`below` a rule
/// or section, `top`/`bottom` of a section.
pub(crate) fn index_for(store: &Store, session: &str, layer: &str, position: &Value) -> Result<usize, Refusal> {
    let order = store.order(layer);
    let visible: Vec<(usize, Value)> = order
        .iter()
        .enumerate()
        .filter_map(|(i, uid)| store.find(session, &json!({"uid": uid}), None).ok().map(|o| (i, o)))
        .collect();
    let index_of = |reference: &str| {
        visible
            .iter()
            .find(|(_, o)| o["uid"] == reference || o["name"] == reference)
            .map(|(i, o)| (*i, is_section(o)))
            .ok_or_else(|| Refusal::not_found(reference))
    };
    let after_section =
        |start: usize| visible.iter().find(|(i, o)| *i > start && is_section(o)).map_or(order.len(), |(i, _)| *i);
    let text = |key: &str| position.get(key).and_then(Value::as_str);
    match position {
        Value::String(word) if word == "top" => Ok(0),
        Value::String(word) if word == "bottom" => Ok(order.len()),
        Value::Number(n) => {
            let number = usize::try_from(n.as_u64().unwrap_or(1).max(1)).unwrap_or(usize::MAX);
            let rules: Vec<usize> = visible.iter().filter(|(_, o)| !is_section(o)).map(|(i, _)| *i).collect();
            Ok(rules.get(number - 1).copied().unwrap_or(order.len()))
        }
        Value::Object(_) => {
            if let Some(reference) = text("above") {
                Ok(index_of(reference)?.0)
            } else if let Some(reference) = text("below") {
                let (index, section) = index_of(reference)?;
                // Below a section is after its rules.
                Ok(if section { after_section(index) } else { index + 1 })
            } else if let Some(reference) = text("top") {
                Ok(index_of(reference)?.0 + 1)
            } else if let Some(reference) = text("bottom") {
                Ok(after_section(index_of(reference)?.0))
            } else {
                Err(bad_position())
            }
        }
        _ => Err(bad_position()),
    }
}

fn bad_position() -> Refusal {
    Refusal {
        status: 400,
        code: "generic_err_invalid_parameter",
        message: "Invalid parameter for [position]: top, bottom, a rule number, or above/below/top/bottom of a rule or section"
            .to_owned(),
        errors: Vec::new(),
    }
}

/// A rule as the page shows it. With the objects dictionary (the
/// default), every object the rule refers to becomes its uid and goes into
/// `dictionary`; without it, the rule keeps them whole.
fn as_shown(rule: Value, use_dictionary: bool, dictionary: &mut BTreeSet<String>) -> Value {
    fn references(value: Value, dictionary: &mut BTreeSet<String>) -> Value {
        match value {
            Value::Object(map) => match map.get("uid").and_then(Value::as_str) {
                Some(uid) => {
                    dictionary.insert(uid.to_owned());
                    Value::String(uid.to_owned())
                }
                None => Value::Object(map.into_iter().map(|(k, v)| (k, references(v, dictionary))).collect()),
            },
            Value::Array(items) => Value::Array(items.into_iter().map(|v| references(v, dictionary)).collect()),
            other => other,
        }
    }
    match rule {
        Value::Object(map) if use_dictionary => Value::Object(
            map.into_iter()
                .map(|(k, v)| if k == "uid" || k == "meta-info" { (k, v) } else { (k, references(v, dictionary)) })
                .collect(),
        ),
        other => other,
    }
}

/// `show-<x>-rulebase`: one page of the layer's rules, counted by rules;
/// each rule sits in the section above it (a section cut by the page comes
/// again on the next one), with the objects the page's rules refer to in
/// `objects-dictionary`.
pub(crate) fn show(store: &Store, session: &str, request: &Value) -> Result<Value, Refusal> {
    let (offset, limit) = window(request)?;
    let use_dictionary = request.get("use-object-dictionary").and_then(Value::as_bool).unwrap_or(true);
    let reference = request.get("uid").or_else(|| request.get("name")).and_then(Value::as_str).unwrap_or_default();
    let layer = find_by_reference(store, session, reference)?;
    let layer_uid = layer["uid"].as_str().unwrap_or_default();
    let entries: Vec<Value> =
        store.order(layer_uid).iter().filter_map(|uid| store.find(session, &json!({"uid": uid}), None).ok()).collect();
    let total = entries.iter().filter(|e| !is_section(e)).count();
    // Real servers leave trailing empty sections out when the last page is
    // full; a page that is not full is the last and shows them.
    let page_not_full = offset + limit > total;

    let mut rulebase: Vec<Value> = Vec::new();
    let mut dictionary = BTreeSet::new();
    let mut number = 0;
    let mut open_section: Option<Value> = None;
    // A section goes on the page when one of its rules does, or when it is
    // empty and lies before the page's last rule (or the page is not full).
    let close = |section: Option<Value>, rulebase: &mut Vec<Value>, reached_page: bool, past_page: bool| {
        if let Some(section) = section {
            let has_rules = section["rulebase"].as_array().is_some_and(|r| !r.is_empty());
            if has_rules || (reached_page && (!past_page || page_not_full)) {
                rulebase.push(section);
            }
        }
    };
    for entry in entries {
        let in_page = number >= offset && number < offset + limit;
        if is_section(&entry) {
            let reached = number >= offset;
            let past = number >= offset + limit;
            close(open_section.take(), &mut rulebase, reached, past);
            let mut section = entry.clone();
            section["rulebase"] = json!([]);
            open_section = Some(section);
            continue;
        }
        number += 1;
        if !in_page {
            continue;
        }
        let mut rule = as_shown(entry, use_dictionary, &mut dictionary);
        rule["rule-number"] = json!(number);
        match open_section.as_mut() {
            Some(section) => {
                if section.get("from").is_none() {
                    section["from"] = json!(number);
                }
                section["to"] = json!(number);
                if let Some(rules) = section["rulebase"].as_array_mut() {
                    rules.push(rule);
                }
            }
            None => rulebase.push(rule),
        }
    }
    let reached = number >= offset;
    close(open_section.take(), &mut rulebase, reached, number >= offset + limit);

    let objects: Vec<Value> = dictionary
        .iter()
        .filter(|uid| uid.as_str() != layer_uid)
        .filter_map(|uid| store.find(session, &json!({"uid": uid}), None).ok())
        .map(|o| summary(&o))
        .collect();
    let shown = (offset..total.min(offset + limit)).len();
    let mut answer: Map<String, Value> =
        page_answer("rulebase", Vec::new(), offset, total).as_object().cloned().unwrap_or_default();
    if shown > 0 {
        answer.insert("from".to_owned(), json!(offset + 1));
        answer.insert("to".to_owned(), json!(offset + shown));
    }
    answer.insert("rulebase".to_owned(), Value::Array(rulebase));
    if use_dictionary {
        answer.insert("objects-dictionary".to_owned(), Value::Array(objects));
    }
    answer.insert("uid".to_owned(), layer["uid"].clone());
    answer.insert("name".to_owned(), layer["name"].clone());
    Ok(Value::Object(answer))
}
