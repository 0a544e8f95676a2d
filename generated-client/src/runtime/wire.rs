//! Value shapes the API uses beyond what serde derives: "one or many",
//! "an object or its identifier", and the changes of a collection.

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::marker::PhantomData;

/// One value, or an array of them: the API accepts both for many fields
/// (`"groups": "g1"` or `"groups": ["g1", "g2"]`), and answers with either.
#[derive(Clone, Debug, PartialEq)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// An array.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values as a vector.
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(value) => vec![value],
            OneOrMany::Many(values) => values,
        }
    }

    /// The values.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        match self {
            OneOrMany::One(value) => std::slice::from_ref(value).iter(),
            OneOrMany::Many(values) => values.iter(),
        }
    }
}

impl<T> From<T> for OneOrMany<T> {
    fn from(value: T) -> Self {
        OneOrMany::One(value)
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(values: Vec<T>) -> Self {
        OneOrMany::Many(values)
    }
}

impl From<&str> for OneOrMany<String> {
    fn from(value: &str) -> Self {
        OneOrMany::One(value.to_owned())
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(value) => value.serialize(serializer),
            OneOrMany::Many(values) => values.serialize(serializer),
        }
    }
}

/// A scalar as a deserializer, for the types that also take it alone.
macro_rules! forward_scalars {
    ($expecting:literal, |$value:ident| $wrap:expr) => {
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str($expecting)
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            let $value = v.into_deserializer();
            $wrap
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            let $value = v.into_deserializer();
            $wrap
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            let $value = v.into_deserializer();
            $wrap
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            let $value = v.into_deserializer();
            $wrap
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let $value = v.into_deserializer();
            $wrap
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            let $value = v.into_deserializer();
            $wrap
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            let $value = ().into_deserializer();
            $wrap
        }
    };
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Streamed, not buffered: decoding stays fast, and an error keeps
        // its path (`objects[3].name`).
        struct Many<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Many<T> {
            type Value = OneOrMany<T>;
            forward_scalars!("one value or a list of them", |value| T::deserialize(value).map(OneOrMany::One));
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany::Many(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
        }
        deserializer.deserialize_any(Many(PhantomData))
    }
}

/// An object, or only its identifier (name or UID): with `details-level`
/// `uid`, or where a request names an object instead of describing it.
///
/// The object is boxed: objects are large (a `Host` is about 1 KB of
/// optional fields) and identifiers small, so a listing of 20,000 hosts is
/// a vector of 0.5 MB rather than 20 MB of structs moved at every step.
/// `ObjectOrId::from(object)` boxes it.
#[derive(Clone, Debug, PartialEq)]
pub enum ObjectOrId<T> {
    /// The identifier.
    Id(String),
    /// The object.
    Object(Box<T>),
}

impl<T> ObjectOrId<T> {
    /// The object, when it was sent whole.
    pub fn object(&self) -> Option<&T> {
        match self {
            ObjectOrId::Object(object) => Some(object),
            ObjectOrId::Id(_) => None,
        }
    }
}

impl<T> From<T> for ObjectOrId<T> {
    fn from(object: T) -> Self {
        ObjectOrId::Object(Box::new(object))
    }
}

impl<T: Serialize> Serialize for ObjectOrId<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ObjectOrId::Id(id) => serializer.serialize_str(id),
            ObjectOrId::Object(object) => object.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOrId<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Either<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Either<T> {
            type Value = ObjectOrId<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object or its identifier")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ObjectOrId::Id(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(ObjectOrId::Id(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(ObjectOrId::from)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                T::deserialize(SeqAccessDeserializer::new(seq)).map(ObjectOrId::from)
            }
        }
        deserializer.deserialize_any(Either(PhantomData))
    }
}

/// A collection of a `set-` command: replaced as a whole, or changed item by
/// item (`{"add": […], "remove": […]}`).
///
/// ```
/// use generated_client::{Edit, OneOrMany};
/// let replace: Edit<String> = Edit::set(vec!["a".to_owned(), "b".to_owned()]);
/// assert_eq!(serde_json::to_value(&replace).unwrap(), serde_json::json!(["a", "b"]));
/// let change: Edit<String> = Edit::add("c").and_remove("a");
/// assert_eq!(serde_json::to_value(&change).unwrap(), serde_json::json!({"add": "c", "remove": "a"}));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Edit<T> {
    /// The new collection, replacing the old one.
    Set(OneOrMany<T>),
    /// Items to add, remove or update; the others stay.
    Change {
        /// Items to add.
        add: Option<OneOrMany<T>>,
        /// Items to remove.
        remove: Option<OneOrMany<T>>,
        /// Items to change in place.
        update: Option<OneOrMany<T>>,
    },
}

impl<T> Edit<T> {
    /// Replaces the collection.
    pub fn set(items: impl Into<OneOrMany<T>>) -> Self {
        Edit::Set(items.into())
    }

    /// Adds items.
    pub fn add(items: impl Into<OneOrMany<T>>) -> Self {
        Edit::Change { add: Some(items.into()), remove: None, update: None }
    }

    /// Removes items.
    pub fn remove(items: impl Into<OneOrMany<T>>) -> Self {
        Edit::Change { add: None, remove: Some(items.into()), update: None }
    }

    /// Also removes items (after [`Edit::add`]); replaces a whole-collection
    /// edit.
    pub fn and_remove(self, items: impl Into<OneOrMany<T>>) -> Self {
        match self {
            Edit::Change { add, update, .. } => Edit::Change { add, remove: Some(items.into()), update },
            Edit::Set(_) => Edit::remove(items),
        }
    }
}

impl<T> From<OneOrMany<T>> for Edit<T> {
    fn from(items: OneOrMany<T>) -> Self {
        Edit::Set(items)
    }
}

impl<T> From<Vec<T>> for Edit<T> {
    fn from(items: Vec<T>) -> Self {
        Edit::Set(OneOrMany::Many(items))
    }
}

impl From<&str> for Edit<String> {
    fn from(item: &str) -> Self {
        Edit::Set(OneOrMany::One(item.to_owned()))
    }
}

impl<T: Serialize> Serialize for Edit<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Edit::Set(items) => items.serialize(serializer),
            Edit::Change { add, remove, update } => {
                let parts = [("add", add), ("remove", remove), ("update", update)];
                let mut map = serializer.serialize_map(Some(parts.iter().filter(|(_, v)| v.is_some()).count()))?;
                for (key, value) in parts {
                    if let Some(value) = value {
                        map.serialize_entry(key, value)?;
                    }
                }
                map.end()
            }
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Edit<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let is_change = value.as_object().is_some_and(|map| {
            !map.is_empty() && map.keys().all(|k| matches!(k.as_str(), "add" | "remove" | "update"))
        });
        if !is_change {
            return OneOrMany::deserialize(value).map(Edit::Set).map_err(serde::de::Error::custom);
        }
        let mut map = match value {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("checked above"),
        };
        let mut part = |key: &str| -> Result<Option<OneOrMany<T>>, D::Error> {
            map.remove(key).map(|v| OneOrMany::deserialize(v).map_err(serde::de::Error::custom)).transpose()
        };
        Ok(Edit::Change { add: part("add")?, remove: part("remove")?, update: part("update")? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_object_or_id_is_as_small_as_an_id_whatever_the_object() {
        type Large = ([u64; 32], [u64; 32], [u64; 32], [u64; 32]);
        assert_eq!(std::mem::size_of::<ObjectOrId<Large>>(), std::mem::size_of::<String>());
        let quarter = serde_json::Value::Array(vec![json!(7); 32]);
        let large: ObjectOrId<Large> = serde_json::from_value(json!([quarter, quarter, quarter, quarter])).unwrap();
        assert_eq!(large.object().map(|o| o.3[31]), Some(7));
    }

    #[test]
    fn one_or_many_round_trips_both_shapes() {
        let one: OneOrMany<String> = serde_json::from_value(json!("a")).unwrap();
        assert_eq!(one, OneOrMany::One("a".to_owned()));
        assert_eq!(serde_json::to_value(&one).unwrap(), json!("a"));
        let many: OneOrMany<i64> = serde_json::from_value(json!([1, 2])).unwrap();
        assert_eq!(many.clone().into_vec(), vec![1, 2]);
        assert_eq!(serde_json::to_value(&many).unwrap(), json!([1, 2]));
        assert!(serde_json::from_value::<OneOrMany<i64>>(json!(["x"])).is_err());
    }

    #[test]
    fn object_or_id_round_trips_both_shapes() {
        let id: ObjectOrId<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_value(json!("uid-1")).unwrap();
        assert_eq!(id, ObjectOrId::Id("uid-1".to_owned()));
        let object: ObjectOrId<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_value(json!({"name": "x"})).unwrap();
        assert_eq!(serde_json::to_value(&object).unwrap(), json!({"name": "x"}));
        assert!(serde_json::from_value::<ObjectOrId<Vec<i64>>>(json!(true)).is_err());
    }

    #[test]
    fn edit_reads_a_collection_or_its_changes() {
        let set: Edit<String> = serde_json::from_value(json!(["a", "b"])).unwrap();
        assert_eq!(set, Edit::set(vec!["a".to_owned(), "b".to_owned()]));
        let one: Edit<String> = serde_json::from_value(json!("a")).unwrap();
        assert_eq!(serde_json::to_value(&one).unwrap(), json!("a"));
        let change: Edit<String> = serde_json::from_value(json!({"add": ["c"], "remove": "a"})).unwrap();
        assert_eq!(serde_json::to_value(&change).unwrap(), json!({"add": ["c"], "remove": "a"}));
        assert!(serde_json::from_value::<Edit<i64>>(json!({"add": "x"})).is_err());
    }
}
