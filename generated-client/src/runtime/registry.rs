//! Command names mapped to types, for servers that receive raw requests
//! (the fake server) and for tests. Behind the `registry` feature.

use super::{Command, Lifecycle};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::marker::PhantomData;

/// A command, known by name at run time.
pub trait DynCommand: Send + Sync {
    /// The command name.
    fn name(&self) -> &'static str;
    /// Whether it needs a session.
    fn needs_session(&self) -> bool;
    /// What it does to the session.
    fn lifecycle(&self) -> Lifecycle;
    /// Decodes a request body into the request type and encodes it back;
    /// the error names the JSON path that does not fit.
    fn roundtrip_request(&self, body: Value) -> Result<Value, String>;
    /// Decodes a response body into the response type and encodes it back.
    fn roundtrip_response(&self, body: Value) -> Result<Value, String>;
}

/// The commands that act on one kind of object, from the generator's
/// object model (`host`: `add-host`, `set-host`, `show-hosts`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Family {
    /// The family (`host`, `access-rule`).
    pub name: &'static str,
    /// The objects' `type` on the wire, when the family's answers are
    /// objects.
    pub wire_type: Option<&'static str>,
    /// `(role, command)` pairs; roles are `add`, `set`, `show`, `delete`,
    /// `clone`, `list` and `other`.
    pub commands: &'static [(&'static str, &'static str)],
    /// The answer field of the `list` command that holds a page's objects.
    pub list_items: Option<&'static str>,
}

impl Family {
    /// The family's command of `role` (the first, when several share it).
    pub fn command(&self, role: &str) -> Option<&'static str> {
        self.commands.iter().find(|(r, _)| *r == role).map(|(_, c)| *c)
    }
}

/// The [`DynCommand`] of a command type.
pub struct Typed<C>(PhantomData<fn() -> C>);

impl<C> Typed<C> {
    /// The value to register.
    pub const NEW: Self = Typed(PhantomData);
}

fn roundtrip<T: DeserializeOwned + Serialize>(body: Value) -> Result<Value, String> {
    let typed: T = serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        format!("at `{path}`: {}", e.into_inner())
    })?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

impl<C> DynCommand for Typed<C>
where
    C: Command + DeserializeOwned,
    C::Response: Serialize,
{
    fn name(&self) -> &'static str {
        C::NAME
    }

    fn needs_session(&self) -> bool {
        C::NEEDS_SESSION
    }

    fn lifecycle(&self) -> Lifecycle {
        C::LIFECYCLE
    }

    fn roundtrip_request(&self, body: Value) -> Result<Value, String> {
        roundtrip::<C>(body)
    }

    fn roundtrip_response(&self, body: Value) -> Result<Value, String> {
        roundtrip::<C::Response>(body)
    }
}
