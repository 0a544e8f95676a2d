//! Value shapes the API uses beyond what serde derives: "one or many" and
//! "an object or its identifier".

use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Decode once into JSON, then by shape: the error of a bad item
        // stays precise, unlike an untagged enum's.
        let value = serde_json::Value::deserialize(deserializer)?;
        match value {
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(T::deserialize)
                .collect::<Result<Vec<T>, _>>()
                .map(OneOrMany::Many)
                .map_err(serde::de::Error::custom),
            other => T::deserialize(other).map(OneOrMany::One).map_err(serde::de::Error::custom),
        }
    }
}

/// An object, or only its identifier (name or UID): with `details-level`
/// `uid`, or where a request names an object instead of describing it.
#[derive(Clone, Debug, PartialEq)]
pub enum ObjectOrId<T> {
    /// The identifier.
    Id(String),
    /// The object.
    Object(T),
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
        ObjectOrId::Object(object)
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
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(id) => Ok(ObjectOrId::Id(id)),
            other => T::deserialize(other).map(ObjectOrId::Object).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
