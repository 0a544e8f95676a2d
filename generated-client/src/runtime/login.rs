//! Ways to log in.

use super::Secret;
use crate::types::Login;

impl Login {
    /// Logs in with a user name and password.
    pub fn with_password(user: impl Into<String>, password: impl Into<Secret>) -> Login {
        Login::new().user(user).password(password)
    }

    /// Logs in with an API key (no user name).
    pub fn with_api_key(api_key: impl Into<Secret>) -> Login {
        Login::new().api_key(api_key)
    }
}
