//! The objects the server holds: the published state, each session's
//! private changes on top of it, and the locks those changes take.
//!
//! Nothing here knows a family: an object is a JSON value with `uid`,
//! `name` and `type`; the handler decides what the commands mean from the
//! registry's families.

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

/// A change a session made and has not published yet: the object as the
/// session sees it, or `None` once the session deleted it.
type Pending = BTreeMap<String, Option<Value>>;

/// Why a change was refused, worded as the real server's failure body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Refusal {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// `errors[]` items (`message`, `current-session`).
    pub errors: Vec<Value>,
}

impl Refusal {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal { status, code, message: message.into(), errors: Vec::new() }
    }

    pub fn not_found(key: &str) -> Refusal {
        Refusal::new(404, "generic_err_object_not_found", format!("Requested object [{key}] not found"))
    }

    /// The body a client receives.
    pub fn body(&self) -> Value {
        let mut body = json!({"code": self.code, "message": self.message});
        if !self.errors.is_empty() {
            body["errors"] = Value::Array(self.errors.clone());
        }
        body
    }
}

#[derive(Default, Debug)]
pub(crate) struct Store {
    published: BTreeMap<String, Value>,
    /// Session uid → its unpublished changes.
    pending: HashMap<String, Pending>,
    /// Object uid → the uid of the session whose change locks it.
    locks: HashMap<String, String>,
    /// Layer uid → its rules and sections in order, of every session;
    /// each session sees those of its entries it can see.
    orders: HashMap<String, Vec<String>>,
}

/// How a session sees the lock of an object (`meta-info.lock`).
fn lock_word(owner: Option<&String>, session: &str) -> &'static str {
    match owner {
        None => "unlocked",
        Some(owner) if owner == session => "locked by current session",
        Some(_) => "locked by other session",
    }
}

fn text<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    object.get(key).and_then(Value::as_str)
}

impl Store {
    /// Every object `session` sees: the published ones with its own changes
    /// on top, in uid order.
    pub fn visible(&self, session: &str) -> Vec<&Value> {
        let pending = self.pending.get(session);
        let mut seen: BTreeMap<&str, &Value> = self.published.iter().map(|(uid, v)| (uid.as_str(), v)).collect();
        for (uid, change) in pending.into_iter().flatten() {
            match change {
                Some(object) => seen.insert(uid, object),
                None => seen.remove(uid.as_str()),
            };
        }
        seen.into_values().collect()
    }

    /// The object `session` sees at `uid`.
    fn get(&self, session: &str, uid: &str) -> Option<&Value> {
        match self.pending.get(session).and_then(|p| p.get(uid)) {
            Some(change) => change.as_ref(),
            None => self.published.get(uid),
        }
    }

    /// Finds an object by `uid`, else by `name` (of `wire_type` when given).
    pub fn find(&self, session: &str, key: &Value, wire_type: Option<&str>) -> Result<Value, Refusal> {
        let uid = text(key, "uid");
        let name = text(key, "name");
        let found = match (uid, name) {
            (Some(uid), _) => self.get(session, uid),
            (None, Some(name)) => self
                .visible(session)
                .into_iter()
                .find(|o| text(o, "name") == Some(name) && wire_type.is_none_or(|t| text(o, "type") == Some(t))),
            (None, None) => {
                return Err(Refusal::new(
                    400,
                    "generic_err_missing_required_parameters",
                    "Missing parameter: [uid] or [name]",
                ))
            }
        };
        let wanted = uid.or(name).unwrap_or_default();
        let object = found.ok_or_else(|| Refusal::not_found(wanted))?;
        Ok(self.with_lock(session, object))
    }

    /// The object with `meta-info.lock` as `session` sees it.
    pub fn with_lock(&self, session: &str, object: &Value) -> Value {
        let mut object = object.clone();
        let owner = text(&object, "uid").and_then(|uid| self.locks.get(uid));
        let word = lock_word(owner, session);
        if let Some(meta) = object.get_mut("meta-info").and_then(Value::as_object_mut) {
            meta.insert("lock".to_owned(), Value::String(word.to_owned()));
            // As the reference documents `meta-info`: the other session that holds it.
            match owner.filter(|owner| *owner != session) {
                Some(owner) => meta.insert("locking-session-id".to_owned(), Value::String(owner.clone())),
                None => meta.remove("locking-session-id"),
            };
        }
        object
    }

    /// Refuses a name another visible object already has; the `errors[]`
    /// entry says whether the other object is this session's own change.
    pub fn check_name_free(&self, session: &str, name: &str, except_uid: Option<&str>) -> Result<(), Refusal> {
        let clash =
            self.visible(session).into_iter().find(|o| text(o, "name") == Some(name) && text(o, "uid") != except_uid);
        let Some(clash) = clash else { return Ok(()) };
        let own = text(clash, "uid").is_some_and(|uid| self.pending.get(session).is_some_and(|p| p.contains_key(uid)));
        let mut refusal = Refusal::new(400, "err_validation_failed", "Validation failed with 1 error");
        refusal.errors.push(json!({
            "message": format!("More than one object named '{name}' exists."),
            "current-session": own,
        }));
        Err(refusal)
    }

    /// Refuses a change to an object another session's change locks.
    fn check_unlocked(&self, session: &str, uid: &str) -> Result<(), Refusal> {
        match self.locks.get(uid) {
            Some(owner) if owner != session => Err(Refusal::new(
                409,
                "generic_err_object_locked",
                format!("Object [{uid}] is locked by another session"),
            )),
            _ => Ok(()),
        }
    }

    /// Records `object` (new or changed) as a private change of `session`;
    /// a published object it changes is locked for the other sessions.
    pub fn put(&mut self, session: &str, object: Value) -> Result<Value, Refusal> {
        let uid = text(&object, "uid").unwrap_or_default().to_owned();
        self.check_unlocked(session, &uid)?;
        if self.published.contains_key(&uid) {
            self.locks.insert(uid.clone(), session.to_owned());
        }
        self.pending.entry(session.to_owned()).or_default().insert(uid, Some(object.clone()));
        Ok(self.with_lock(session, &object))
    }

    /// Deletes the object at `uid` in `session`, unless another visible
    /// object refers to it (409 `generic_err_object_deletion`).
    pub fn delete(&mut self, session: &str, uid: &str) -> Result<(), Refusal> {
        let object = self.get(session, uid).cloned().ok_or_else(|| Refusal::not_found(uid))?;
        self.check_unlocked(session, uid)?;
        let users = self.used_by(session, uid);
        if let Some(user) = users.first() {
            let name = text(&object, "name").unwrap_or(uid);
            let mut refusal = Refusal::new(
                409,
                "generic_err_object_deletion",
                format!("Object [{name}] cannot be deleted: it is used by other objects"),
            );
            refusal.errors.push(json!({
                "message": format!("{} '{}' uses {name}", text(user, "type").unwrap_or("object"), text(user, "name").unwrap_or_default()),
                "current-session": true,
            }));
            return Err(refusal);
        }
        if self.published.contains_key(uid) {
            self.locks.insert(uid.to_owned(), session.to_owned());
            self.pending.entry(session.to_owned()).or_default().insert(uid.to_owned(), None);
        } else if let Some(pending) = self.pending.get_mut(session) {
            pending.remove(uid);
        }
        Ok(())
    }

    /// The visible objects that refer to `uid` (a `uid` field anywhere
    /// inside them other than their own).
    pub fn used_by(&self, session: &str, uid: &str) -> Vec<Value> {
        self.visible(session)
            .into_iter()
            .filter(|o| text(o, "uid") != Some(uid) && refers_to(o, uid, true))
            .map(summary)
            .collect()
    }

    /// Makes `session`'s changes the published state; answers how many.
    pub fn publish(&mut self, session: &str) -> usize {
        let changes = self.pending.remove(session).unwrap_or_default();
        let count = changes.len();
        for (uid, change) in changes {
            match change {
                Some(object) => self.published.insert(uid, object),
                None => self.published.remove(&uid),
            };
        }
        self.locks.retain(|_, owner| owner != session);
        count
    }

    /// Drops `session`'s changes and locks; answers how many.
    pub fn discard(&mut self, session: &str) -> usize {
        self.locks.retain(|_, owner| owner != session);
        self.pending.remove(session).map_or(0, |p| p.len())
    }

    /// How many changes and locks `session` holds.
    pub fn changes_and_locks(&self, session: &str) -> (usize, usize) {
        let changes = self.pending.get(session).map_or(0, BTreeMap::len);
        let locks = self.locks.values().filter(|owner| *owner == session).count();
        (changes, locks)
    }

    /// The rules and sections of `layer`, in order (some may be invisible
    /// to a given session).
    pub fn order(&self, layer: &str) -> &[String] {
        self.orders.get(layer).map_or(&[], Vec::as_slice)
    }

    /// Puts the entry `uid` at `index` of `layer`'s order.
    pub fn place(&mut self, layer: &str, index: usize, uid: &str) {
        let order = self.orders.entry(layer.to_owned()).or_default();
        order.insert(index.min(order.len()), uid.to_owned());
    }

    /// Sets the whole order of `layer` (fixtures).
    pub fn set_order(&mut self, layer: &str, uids: Vec<String>) {
        self.orders.insert(layer.to_owned(), uids);
    }

    /// The published entries of every layer's order, by layer uid.
    pub fn published_orders(&self) -> BTreeMap<String, Vec<String>> {
        self.orders
            .iter()
            .map(|(layer, uids)| {
                (layer.clone(), uids.iter().filter(|uid| self.published.contains_key(*uid)).cloned().collect())
            })
            .filter(|(_, uids): &(String, Vec<String>)| !uids.is_empty())
            .collect()
    }

    /// Adds an object to the published state directly (fixtures, seeds).
    pub fn insert_published(&mut self, object: Value) {
        if let Some(uid) = text(&object, "uid").map(str::to_owned) {
            self.published.insert(uid, object);
        }
    }

    /// The published objects, in uid order.
    pub fn published(&self) -> impl Iterator<Item = &Value> {
        self.published.values()
    }
}

/// Whether `value` holds a `uid` field equal to `uid` (below the top
/// level when `skip_top` says so: an object's own uid is not a reference).
fn refers_to(value: &Value, uid: &str, skip_top: bool) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, inner)| {
            (!skip_top && key == "uid" && inner.as_str() == Some(uid)) || refers_to(inner, uid, false)
        }),
        Value::Array(items) => items.iter().any(|v| refers_to(v, uid, false)),
        _ => false,
    }
}

/// The short form of an object, as references and `standard` lists show.
pub(crate) fn summary(object: &Value) -> Value {
    let mut out = Map::new();
    for key in ["uid", "name", "type", "domain"] {
        if let Some(v) = object.get(key) {
            out.insert(key.to_owned(), v.clone());
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(uid: &str, name: &str) -> Value {
        json!({"uid": uid, "name": name, "type": "host", "meta-info": {}})
    }

    #[test]
    fn changes_are_private_until_publish() {
        let mut store = Store::default();
        store.put("a", host("1", "h1")).unwrap();
        assert_eq!(store.visible("a").len(), 1);
        assert!(store.visible("b").is_empty());
        assert_eq!(store.publish("a"), 1);
        assert_eq!(store.visible("b").len(), 1);
    }

    #[test]
    fn a_changed_object_is_locked_for_other_sessions() {
        let mut store = Store::default();
        store.insert_published(host("1", "h1"));
        store.put("a", host("1", "h1-renamed")).unwrap();
        let refusal = store.put("b", host("1", "h1-other")).unwrap_err();
        assert_eq!(refusal.code, "generic_err_object_locked");
        let seen = store.find("b", &json!({"uid": "1"}), None).unwrap();
        assert_eq!(seen["meta-info"]["lock"], "locked by other session");
        assert_eq!(seen["name"], "h1", "b still sees the published object");
        assert_eq!(store.discard("a"), 1);
        store.put("b", host("1", "h1-other")).unwrap();
    }

    #[test]
    fn a_referenced_object_cannot_be_deleted() {
        let mut store = Store::default();
        store.insert_published(host("1", "h1"));
        store.insert_published(json!({"uid": "2", "name": "g", "type": "group", "members": [{"uid": "1"}]}));
        let refusal = store.delete("a", "1").unwrap_err();
        assert_eq!((refusal.status, refusal.code), (409, "generic_err_object_deletion"));
        store.delete("a", "2").unwrap();
        store.delete("a", "1").unwrap();
        assert!(store.visible("a").is_empty());
        assert_eq!(store.visible("b").len(), 2);
    }
}
