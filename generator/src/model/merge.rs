//! Widening: what one type becomes when several uses declare it.
//!
//! Every use of a type (the answers of `add-host`, `set-host`, `show-host`,
//! the items of `show-hosts`, the objects of the examples) contributes its
//! fields; the type holds them all. A field declared by several uses keeps
//! the best-documented entry (the descriptor's over a common field's over an
//! example's), is required only where every use requires it, and holds what
//! every use holds: an object that one use names by its identifier accepts
//! either; types that cannot be reconciled hold any JSON (reported).

use super::{FieldDef, Origin, TypeKey, Value};
use crate::load::WireType;

/// What a merge could not reconcile by itself.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Fields whose types conflict (they now hold any JSON).
    pub conflicts: Vec<String>,
    /// Fields that hold one type in one use and another in another:
    /// (the type the field keeps, the type whose fields it must take too).
    pub absorbed: Vec<(TypeKey, TypeKey)>,
}

/// Adds `from` to `into`, field by field.
pub fn merge_fields(into: &mut Vec<FieldDef>, from: Vec<FieldDef>, outcome: &mut Outcome) {
    for field in from {
        match into.iter_mut().find(|f| f.entry.name == field.entry.name) {
            Some(existing) => merge_field(existing, field, outcome),
            None => into.push(field),
        }
    }
}

/// How well an origin documents a field: lower is better.
fn rank(origin: Origin) -> u8 {
    match origin {
        Origin::Override => 0,
        Origin::Documented => 1,
        Origin::Implied => 2,
        Origin::Common => 3,
        Origin::Example => 4,
    }
}

fn merge_field(into: &mut FieldDef, from: FieldDef, outcome: &mut Outcome) {
    // Two kinds of object for one field: the documented one wins over one
    // only the examples show (which kinds the examples happen to hold must
    // not decide a type).
    let documented_wins = matches!((&into.value, &from.value), (Value::Object(a), Value::Object(b)) if a != b)
        && rank(into.origin) != rank(from.origin);
    let value = if documented_wins {
        Some(if rank(into.origin) < rank(from.origin) { into.value.clone() } else { from.value.clone() })
    } else {
        merge_value(&into.value, &from.value, &into.entry.ty, &from.entry.ty)
    };
    let value = match value {
        Some(value) => value,
        None => {
            outcome.conflicts.push(into.entry.name.clone());
            Value::Json
        }
    };
    if let (Some(kept), Some(a), Some(b)) = (key_of(&value), key_of(&into.value), key_of(&from.value)) {
        for other in [a, b] {
            if other != kept {
                outcome.absorbed.push((kept.clone(), other.clone()));
            }
        }
    }
    let or_id = into.or_id || from.or_id || object_and_id(&into.value, &from.value);
    let valid_values = match (&into.entry.valid_values, &from.entry.valid_values) {
        (Some(a), Some(b)) => {
            let mut all = a.clone();
            all.extend(b.iter().filter(|v| !a.contains(v)).cloned());
            Some(all)
        }
        (a, b) => a.clone().or_else(|| b.clone()),
    };
    if rank(from.origin) < rank(into.origin) {
        into.entry = from.entry.clone();
        into.origin = from.origin;
        into.evidence = from.evidence;
        into.rust_name = into.rust_name.take().or(from.rust_name.clone());
    }
    into.entry.valid_values = valid_values;
    into.value = value;
    into.required &= from.required;
    into.list |= from.list;
    into.many |= from.many;
    into.or_id = or_id;
    into.listing |= from.listing;
    into.seen.direct |= from.seen.direct;
    into.seen.items |= from.seen.items;
    into.secret = into.secret.or(from.secret);
    into.rust_name = into.rust_name.take().or(from.rust_name);
}

fn key_of(value: &Value) -> Option<&TypeKey> {
    match value {
        Value::Object(key) => Some(key),
        Value::Edit(inner) => key_of(inner),
        _ => None,
    }
}

/// Whether one side holds an object and the other a plain value (its
/// identifier).
fn object_and_id(a: &Value, b: &Value) -> bool {
    let object = |v: &Value| matches!(v, Value::Object(_) | Value::AnyObject);
    (object(a) && *b == Value::Scalar) || (object(b) && *a == Value::Scalar)
}

/// The value both uses' values fit; `None` when they conflict.
fn merge_value(a: &Value, b: &Value, a_ty: &WireType, b_ty: &WireType) -> Option<Value> {
    Some(match (a, b) {
        _ if a == b => {
            if *a == Value::Scalar && !scalars_agree(a_ty, b_ty) {
                return None;
            }
            a.clone()
        }
        (Value::Json, other) | (other, Value::Json) => other.clone(),
        // A declared shape beats objects of any kind seen in examples.
        (Value::AnyObject, object @ Value::Object(_)) | (object @ Value::Object(_), Value::AnyObject) => object.clone(),
        (Value::Object(x), Value::Object(y)) => Value::Object(preferred(x, y).clone()),
        (object @ (Value::Object(_) | Value::AnyObject), Value::Scalar)
        | (Value::Scalar, object @ (Value::Object(_) | Value::AnyObject)) => {
            let scalar = if *a == Value::Scalar { a_ty } else { b_ty };
            if !matches!(scalar, WireType::String | WireType::Array(_) | WireType::Object) {
                return None;
            }
            object.clone()
        }
        (Value::Edit(x), Value::Edit(y)) => Value::Edit(Box::new(merge_value(x, y, a_ty, b_ty)?)),
        (Value::Edit(x), other) | (other, Value::Edit(x)) => Value::Edit(Box::new(merge_value(x, other, a_ty, b_ty)?)),
        _ => return None,
    })
}

/// Two uses that hold different types of object: the richer key wins (an
/// object of a family or a nested shape over a bare reference), then the
/// smaller key, so the choice does not depend on the order of the uses.
fn preferred<'k>(x: &'k TypeKey, y: &'k TypeKey) -> &'k TypeKey {
    let weight = |k: &TypeKey| match k {
        TypeKey::Object { .. } => 0,
        TypeKey::Nested { .. } | TypeKey::Named { .. } => 1,
        _ => 2,
    };
    if (weight(x), x) <= (weight(y), y) {
        x
    } else {
        y
    }
}

/// Whether two declared scalar types can be one Rust type (after the
/// lowering's widening: integers are numbers, lists take their items).
fn scalars_agree(a: &WireType, b: &WireType) -> bool {
    let base = |t: &WireType| match t {
        WireType::Integer | WireType::Number => 1,
        WireType::Array(Some(item)) => match **item {
            WireType::Integer | WireType::Number => 1,
            WireType::Boolean => 2,
            _ => 0,
        },
        WireType::Boolean => 2,
        _ => 0,
    };
    base(a) == base(b)
}
