//! Everything the generated code names, in one import.

// Not every build has a generated item that names each of these.
#![allow(unused_imports)]

pub(crate) use super::{
    Client, Command, Edit, HasTasks, Lifecycle, ObjectOrId, OneOrMany, Page, Paginated, Result, Rulebase,
    RulebaseReader, Secret, Session, SessionCommand, SessionGrant,
};
pub(crate) use futures_core::Stream;
pub(crate) use generated_client_macros::{object_enum, wire_enum, Builder};
pub(crate) use reqwest::Method;
pub(crate) use serde::{Deserialize, Serialize};
pub(crate) use serde_json::{Map, Value};
pub(crate) use std::future::Future;
