//! A typed async client of the Check Point Management Web API.
//!
//! ```no_run
//! use generated_client::{Client, Secret, types::{Login, Logout, ShowSession}};
//!
//! # async fn run() -> generated_client::Result<()> {
//! let client = Client::builder("https://mgmt.example.com")
//!     .pin_sha256("6a3f…the server certificate's SHA-256…")
//!     .build()?;
//! let session = client.login(Login::with_password("admin", Secret::new("…"))).await?;
//! let me = session.show_session(ShowSession::new()).await?;
//! println!("logged in as {:?}", me.user_name);
//! session.logout(Logout::new()).await?;
//! # Ok(())
//! # }
//! ```
//!
//! The crate has two parts:
//!
//! - [`types`]: request and response types, enums and client methods,
//!   generated from the API's documentation (never edited by hand). Each
//!   command group is a cargo feature; `full` enables all of them.
//! - the runtime, re-exported here: [`Client`], [`Session`], [`Error`],
//!   [`Secret`] and the helpers for paging and tasks.

#![deny(missing_docs)]
#![warn(rust_2018_idioms, unreachable_pub)]

mod runtime;

// Machine-written by the generator and formatted by it: rustfmt leaves it alone.
#[rustfmt::skip]
#[path = "generated/mod.rs"]
pub mod types;

pub use runtime::*;
