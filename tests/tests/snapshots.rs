//! The generated output, pinned: a change to the bindings shows as a
//! readable snapshot diff (`cargo insta review`).

mod common;

use generator::emit::{command_tokens, shared_types_tokens, Users};
use generator::format::format_tokens;
use generator::ir::Api;
use serde::Serialize;
use std::collections::BTreeSet;

/// The commands whose snapshots are kept: the seeds the project started
/// from, and the session commands the runtime relies on.
const SNAPSHOT_COMMANDS: &[&str] = &["login", "login-to-domain", "continue-session-in-smartconsole"];

#[test]
fn generated_code_per_command() {
    let api = &common::analysis().api;
    let users = Users::new(api);
    for name in SNAPSHOT_COMMANDS {
        let tokens = command_tokens(api, &users, name).unwrap_or_else(|| panic!("no command {name}"));
        let code = format_tokens(tokens).expect("generated code parses");
        insta::assert_snapshot!(format!("code-{name}"), code);
    }
}

/// Types several commands use, one snapshot per module: a change to one
/// shows once, not in the snapshot of every command that uses it.
#[test]
fn shared_types_per_module() {
    let api = &common::analysis().api;
    let users = Users::new(api);
    let modules: BTreeSet<&str> = api.structs.iter().map(|s| s.module.as_str()).collect();
    assert!(modules.contains("failure"), "the failure body has its own module");
    for module in modules {
        let code = format_tokens(shared_types_tokens(api, &users, module)).expect("generated code parses");
        insta::assert_snapshot!(format!("types-{module}"), code);
    }
}

/// The part of the IR one command reaches.
#[derive(Serialize)]
struct CommandView<'a> {
    command: &'a generator::ir::Command,
    structs: Vec<&'a generator::ir::StructDef>,
    enums: Vec<&'a generator::ir::EnumDef>,
}

fn view<'a>(api: &'a Api, name: &str) -> CommandView<'a> {
    let command = api.find_command(name).unwrap();
    let mut names = BTreeSet::new();
    let mut todo = vec![command.request.clone(), command.response.clone()];
    while let Some(n) = todo.pop() {
        let s = api.find_struct(&n).or_else(|| api.structs.iter().find(|s| s.aliases.iter().any(|a| a.name == n)));
        if let Some(s) = s {
            if names.insert(s.name.clone()) {
                for f in &s.fields {
                    collect(&f.ty, &mut todo, &mut names);
                }
            }
        }
    }
    CommandView {
        command,
        structs: names.iter().filter_map(|n| api.find_struct(n)).collect(),
        enums: names.iter().filter_map(|n| api.find_enum(n)).collect(),
    }
}

fn collect(ty: &generator::ir::TypeRef, todo: &mut Vec<String>, names: &mut BTreeSet<String>) {
    use generator::ir::TypeRef;
    match ty {
        TypeRef::Struct(n) => todo.push(n.clone()),
        TypeRef::Enum(n) => {
            names.insert(n.clone());
        }
        TypeRef::List(i) | TypeRef::OneOrMany(i) | TypeRef::ObjectOrId(i) => collect(i, todo, names),
        _ => {}
    }
}

#[test]
fn ir_per_command() {
    let api = &common::analysis().api;
    for name in SNAPSHOT_COMMANDS {
        insta::assert_json_snapshot!(format!("ir-{name}"), view(api, name));
    }
}
