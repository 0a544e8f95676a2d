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
