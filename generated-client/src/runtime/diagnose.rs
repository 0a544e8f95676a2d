//! What an error means on a real server, in words an administrator can act
//! on, and session ids taken out of what servers echo.
//!
//! The hints come from the reports users file most often against Check
//! Point's SDKs: an HTML 403 is the API server's client-address list, a 409
//! is an object still referenced, a 404 `command not found` is an older
//! server.

use super::error::Error;
use super::Secret;
use crate::types::ErrorCode;

/// The hint an error deserves, when it is one of the known puzzles.
pub(crate) fn hint(error: &Error) -> Option<String> {
    match error {
        Error::NotJson { status: 403, .. } => Some(
            "the management API server accepts calls only from its configured client addresses; allow this \
             machine in SmartConsole (Manage & Settings > Blades > Management API > Advanced Settings) or with \
             `mgmt_cli set api-settings accepted-api-calls-from …`, then run `api restart` on the server"
                .to_owned(),
        ),
        Error::NotJson { status: 506, .. } => Some(
            "Smart-1 Cloud answers 506 without the management id: use the URL `https://<tenant>/<management-id>` \
             as the server's address"
                .to_owned(),
        ),
        Error::Locked { source, .. } => hint(source),
        Error::Api { command, failure, server_version, .. } => match failure.code.as_ref()? {
            ErrorCode::GenericErrCommandNotFound => Some(match server_version {
                Some(version) => {
                    format!("the server's API version {version} has no `{command}`; `show-api-versions` lists the versions it supports")
                }
                None => format!(
                    "the server's API version has no `{command}` (an older server?); `show-api-versions` lists the versions it supports"
                ),
            }),
            ErrorCode::GenericErrObjectDeletion => Some(
                "the object is still referenced by other objects (rules, groups); `where-used` lists them".to_owned(),
            ),
            ErrorCode::GenericErrObjectLocked => Some(
                "another session changed the object and holds its lock until it publishes or discards; \
                 `show-sessions` lists the sessions, `discard` with a session's `uid` releases its locks"
                    .to_owned(),
            ),
            _ => None,
        },
        _ => None,
    }
}

/// `text` with session ids masked: the one the request sent, wherever it
/// appears, and whatever servers echo between brackets after "session id"
/// ("Wrong session id [abc…]").
pub(crate) fn mask_session_ids(text: &str, sid: Option<&Secret>) -> String {
    let mut text = match sid.map(Secret::expose).filter(|s| !s.is_empty()) {
        Some(sid) => text.replace(sid, "***"),
        None => text.to_owned(),
    };
    let mut from = 0;
    while let Some(found) = text[from..].to_ascii_lowercase().find("session id") {
        let after = from + found + "session id".len();
        let rest = &text[after..];
        let open = rest.len() - rest.trim_start_matches([' ', ':']).len();
        if rest[open..].starts_with('[') {
            let start = after + open + 1;
            if let Some(len) = text[start..].find(']') {
                let inside = &text[start..start + len];
                // Never cut through JSON string syntax.
                if !inside.is_empty() && inside != "***" && !inside.contains(['"', '\\']) {
                    text.replace_range(start..start + len, "***");
                }
            }
        }
        from = after;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_are_masked() {
        let sid = Secret::new("s3cr3t-sid");
        assert_eq!(mask_session_ids("Wrong session id [s3cr3t-sid]", Some(&sid)), "Wrong session id [***]");
        assert_eq!(mask_session_ids("Wrong Session ID: [other-one] here", None), "Wrong Session ID: [***] here");
        assert_eq!(
            mask_session_ids(r#"{"message": "Session id [x\"y]"}"#, None),
            r#"{"message": "Session id [x\"y]"}"#
        );
        assert_eq!(mask_session_ids("no ids here", Some(&sid)), "no ids here");
        assert_eq!(mask_session_ids("session id", None), "session id");
    }
}
