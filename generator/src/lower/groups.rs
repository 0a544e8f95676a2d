//! Command groups, derived from command names: each group is a cargo
//! feature of `generated-client`, so a downstream crate builds only the
//! object families it uses.
//!
//! Rules, in order:
//! 1. The core (always built, no feature): one-word commands (`publish`,
//!    `discard`, `keepalive`, `logout`, …), `login*`, every command about
//!    sessions (a word `session`/`sessions`) and `show-task`/`show-tasks`.
//! 2. Otherwise the command is `<verb>-<object>`: the group is the first word
//!    of the object, singular (`add-access-rule`, `show-access-layers` →
//!    `access`; `show-hosts` → `host`).
//! 3. Commands that start with a word that is not a verb (`vsx-run-operation`,
//!    `ha-full-sync`) are grouped by that word.

use crate::shapes::singular;

const VERBS: &[&str] = &[
    "abort",
    "add",
    "approve",
    "assign",
    "check",
    "clone",
    "connect",
    "delete",
    "disconnect",
    "distribute",
    "export",
    "get",
    "import",
    "install",
    "lock",
    "purge",
    "put",
    "reject",
    "reset",
    "revert",
    "run",
    "set",
    "show",
    "submit",
    "switch",
    "take",
    "unlock",
    "update",
    "verify",
];

/// The group of a command; `None` for the core.
pub fn group_of(command: &str) -> Option<String> {
    let words: Vec<&str> = command.split('-').collect();
    let is_core = words.len() == 1
        || words[0] == "login"
        || words.iter().any(|w| *w == "session" || *w == "sessions")
        || (words.len() == 2 && (words[1] == "task" || words[1] == "tasks"));
    if is_core {
        return None;
    }
    let first = if VERBS.contains(&words[0]) { words[1] } else { words[0] };
    Some(singular(first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups() {
        assert_eq!(group_of("login"), None);
        assert_eq!(group_of("login-to-domain"), None);
        assert_eq!(group_of("continue-session-in-smartconsole"), None);
        assert_eq!(group_of("show-task"), None);
        assert_eq!(group_of("show-hosts").as_deref(), Some("host"));
        assert_eq!(group_of("add-access-rule").as_deref(), Some("access"));
        assert_eq!(group_of("install-policy").as_deref(), Some("policy"));
        assert_eq!(group_of("vsx-run-operation").as_deref(), Some("vsx"));
        assert_eq!(group_of("show-smart-task").as_deref(), Some("smart"));
    }
}
