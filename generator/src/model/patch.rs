//! Applies the `[[field]]` decisions of the overrides file to the rebuilt
//! trees: fields the documentation forgot are added, others changed. Each
//! application is reported as a note; a decision that matches nothing is a
//! warning, so that a stale override never hides.

use crate::diag::{Finding, Findings, Rule};
use crate::load::{parse_type, Entry, Spec, TypeParse, WireType, OVERRIDES_FILE};
use crate::overrides::{FieldOverride, Side};
use crate::shapes::{CommandShape, Evidence, Node};
use std::collections::BTreeMap;

/// Applies every field override of the spec to the trees of its command.
pub fn apply_all(spec: &Spec, trees: &mut BTreeMap<String, CommandShape>, findings: &mut Findings) {
    let mut by_command: BTreeMap<&str, Vec<(usize, &FieldOverride)>> = BTreeMap::new();
    for (index, o) in spec.overrides.fields.iter().enumerate() {
        by_command.entry(o.command.as_str()).or_default().push((index, o));
    }
    for (command, list) in &by_command {
        if let Some(shape) = trees.get_mut(*command) {
            apply(command, shape, list, findings);
        }
    }
}

/// Applies every field override of `command` to its shape.
fn apply(command: &str, shape: &mut CommandShape, overrides: &[(usize, &FieldOverride)], findings: &mut Findings) {
    for &(index, o) in overrides {
        let pointer = format!("/field/{index}");
        let nodes = match o.side {
            Side::Request => shape.request.get_or_insert_with(Vec::new),
            Side::Response => &mut shape.response,
        };
        let path: Vec<&str> = o.path.split('/').filter(|s| !s.is_empty()).collect();
        let Some((last, parents)) = path.split_last() else {
            findings.push(invalid(command, &pointer, "the path is empty"));
            continue;
        };
        let Some(siblings) = find_children(nodes, parents) else {
            findings.push(unused(
                command,
                &pointer,
                format!("no parent `{}` in the {} list", parents.join("/"), o.side.as_str()),
            ));
            continue;
        };
        let ty = match o.ty.as_deref().map(parse_type) {
            None => None,
            Some(TypeParse::Clean(ty)) => Some(ty),
            Some(_) => {
                findings.push(invalid(command, &pointer, &format!("unknown type `{}`", o.ty.as_deref().unwrap_or(""))));
                continue;
            }
        };
        match siblings.iter_mut().find(|n| n.entry.name == *last) {
            Some(_) if o.add => {
                findings.push(invalid(
                    command,
                    &pointer,
                    &format!("`{}` already exists; drop `add = true` to change it", o.path),
                ));
            }
            Some(node) => {
                if let Some(ty) = ty {
                    node.entry.ty = ty;
                }
                change(&mut node.entry, o);
                findings.push(applied(
                    command,
                    &pointer,
                    format!("changed `{}` ({}): {}", o.path, o.side.as_str(), o.why),
                ));
            }
            None if o.add => {
                let mut entry = Entry {
                    name: (*last).to_owned(),
                    description: String::new(),
                    ty: ty.unwrap_or(WireType::String),
                    type_fault: None,
                    required: false,
                    default: None,
                    valid_values: None,
                    pointer: format!("{OVERRIDES_FILE}#{pointer}"),
                };
                change(&mut entry, o);
                siblings.push(Node { entry, children: Vec::new(), repeated: false, evidence: Evidence::Override });
                findings.push(applied(
                    command,
                    &pointer,
                    format!("added `{}` ({}): {}", o.path, o.side.as_str(), o.why),
                ));
            }
            None => {
                findings.push(unused(
                    command,
                    &pointer,
                    format!("no field `{}` in the {} list", o.path, o.side.as_str()),
                ));
            }
        }
    }
}

fn change(entry: &mut Entry, o: &FieldOverride) {
    if let Some(description) = &o.description {
        entry.description = description.clone();
    }
    if let Some(required) = o.required {
        entry.required = required;
    }
    if let Some(values) = &o.valid_values {
        entry.valid_values = Some(values.clone());
    }
}

fn find_children<'a>(nodes: &'a mut Vec<Node>, path: &[&str]) -> Option<&'a mut Vec<Node>> {
    match path.split_first() {
        None => Some(nodes),
        Some((first, rest)) => {
            let node = nodes.iter_mut().find(|n| n.entry.name == *first)?;
            find_children(&mut node.children, rest)
        }
    }
}

fn invalid(command: &str, pointer: &str, message: &str) -> Finding {
    Finding::new(Rule::InvalidOverride, OVERRIDES_FILE, pointer, message.to_owned()).for_command(command)
}

fn unused(command: &str, pointer: &str, message: String) -> Finding {
    Finding::new(Rule::UnusedOverride, OVERRIDES_FILE, pointer, message).for_command(command)
}

fn applied(command: &str, pointer: &str, message: String) -> Finding {
    Finding::new(Rule::OverrideApplied, OVERRIDES_FILE, pointer, message).for_command(command)
}
