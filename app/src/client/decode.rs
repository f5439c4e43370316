//! Reads a value the browser has parsed (`JSON.parse`) into a Rust type. Written here rather
//! than taken from serde-wasm-bindgen because that crate's errors describe the value they did
//! not expect through serde's `Unexpected`, whose float formatting alone costs ~5 KB gzip in
//! every app; these errors name only what was expected.
//!
//! JSON's shapes map onto serde's data model as serde_json maps them: `null` is a unit or
//! `None`, whole numbers within 2^53 are integers (other numbers are `f64`), an array is a
//! sequence or tuple, an object a struct or map, and an enum is either its variant's name or an
//! object with the variant's name as its one key (`{"too_short":{"min":12}}`).
//!
//! The size of this, per type read, is most of what decoding costs the apps: so every
//! `deserialize_*` but `deserialize_any` asks the browser for the one shape its type has and
//! calls the one `visit_*` method that takes it. A struct's visitor then never has its
//! sequence form or its error methods compiled (−4 to −7 KB gzip per app against going
//! through `deserialize_any`).

use js_sys::{Array, Object, Reflect};
use serde::de::{
    self, DeserializeSeed, EnumAccess, Expected, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// Why a value could not be read as the type asked for.
#[derive(Debug)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

fn expected(what: &dyn Expected) -> DecodeError {
    DecodeError(format!("expected {what}"))
}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError(msg.to_string())
    }

    fn invalid_type(_: Unexpected<'_>, what: &dyn Expected) -> Self {
        expected(what)
    }

    fn invalid_value(_: Unexpected<'_>, what: &dyn Expected) -> Self {
        expected(what)
    }

    fn invalid_length(_: usize, what: &dyn Expected) -> Self {
        expected(what)
    }
}

/// The largest integer a JavaScript number holds exactly.
const SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn absent(value: &JsValue) -> bool {
    value.is_null() || value.is_undefined()
}

fn field(object: &JsValue, key: &JsValue) -> Result<JsValue, DecodeError> {
    Reflect::get(object, key).map_err(|_| DecodeError("unreadable field".to_string()))
}

/// A parsed JSON value, to be read as any `Deserialize` type.
pub struct Value(pub JsValue);

/// What a JSON value is, found once for every type that reads one (not compiled per type).
enum Shape {
    Unit,
    Bool(bool),
    Signed(i64),
    Unsigned(u64),
    Float(f64),
    Text(String),
    Array(Items),
    Object(Fields),
    Other,
}

#[inline(never)]
fn shape(value: JsValue) -> Shape {
    if absent(&value) {
        Shape::Unit
    } else if let Some(b) = value.as_bool() {
        Shape::Bool(b)
    } else if let Some(n) = value.as_f64() {
        if n.fract() != 0.0 || n.abs() > SAFE_INTEGER {
            Shape::Float(n)
        } else if n < 0.0 {
            Shape::Signed(n as i64)
        } else {
            Shape::Unsigned(n as u64)
        }
    } else if let Some(s) = value.as_string() {
        Shape::Text(s)
    } else if let Some(list) = items(value.clone()) {
        Shape::Array(list)
    } else {
        fields(value).map_or(Shape::Other, Shape::Object)
    }
}

/// An enum's variant from its JSON: a name, or an object with the name as its one key.
#[inline(never)]
fn variant(value: JsValue) -> Result<Variant, DecodeError> {
    if let Some(name) = value.as_string() {
        return Ok(Variant {
            name,
            value: JsValue::UNDEFINED,
        });
    }
    if value.is_object() && !Array::is_array(&value) {
        let keys = Object::keys(value.unchecked_ref::<Object>());
        if keys.length() == 1 {
            let key = keys.get(0);
            return Ok(Variant {
                value: field(&value, &key)?,
                name: key.as_string().unwrap_or_default(),
            });
        }
    }
    Err(DecodeError("expected an enum variant".to_string()))
}

impl<'de> de::Deserializer<'de> for Value {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match shape(self.0) {
            Shape::Unit => visitor.visit_unit(),
            Shape::Bool(b) => visitor.visit_bool(b),
            Shape::Signed(n) => visitor.visit_i64(n),
            Shape::Unsigned(n) => visitor.visit_u64(n),
            Shape::Float(n) => visitor.visit_f64(n),
            Shape::Text(s) => visitor.visit_string(s),
            Shape::Array(items) => visitor.visit_seq(items),
            Shape::Object(fields) => visitor.visit_map(fields),
            Shape::Other => Err(expected(&visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if absent(&self.0) {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_enum(variant(self.0)?)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    // Each of these calls only the one visit method its type needs, so the others of the
    // type's visitor (which `deserialize_any` would reach) are never compiled.
    typed! { deserialize_bool, boolean, visit_bool }
    typed! { deserialize_i8, integer, visit_i64 }
    typed! { deserialize_i16, integer, visit_i64 }
    typed! { deserialize_i32, integer, visit_i64 }
    typed! { deserialize_i64, integer, visit_i64 }
    typed! { deserialize_u8, integer, visit_i64 }
    typed! { deserialize_u16, integer, visit_i64 }
    typed! { deserialize_u32, integer, visit_i64 }
    typed! { deserialize_u64, integer, visit_i64 }
    typed! { deserialize_f32, float, visit_f64 }
    typed! { deserialize_f64, float, visit_f64 }
    typed! { deserialize_char, text, visit_string }
    typed! { deserialize_str, text, visit_string }
    typed! { deserialize_string, text, visit_string }
    typed! { deserialize_identifier, text, visit_string }
    typed! { deserialize_seq, items, visit_seq }
    typed! { deserialize_map, fields, visit_map }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if absent(&self.0) {
            visitor.visit_unit()
        } else {
            Err(expected(&visitor))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! { i128 u128 bytes byte_buf }
}

/// A `deserialize_*` method that reads the value with `read` (compiled once) and hands it to
/// the visitor's one `visit` method for it.
macro_rules! typed {
    ($method:ident, $read:ident, $visit:ident) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            match $read(self.0) {
                Some(value) => visitor.$visit(value),
                None => Err(expected(&visitor)),
            }
        }
    };
}
use typed;

// What a value is read as, for one kind of type each; `None` when it is something else.

fn boolean(value: JsValue) -> Option<bool> {
    value.as_bool()
}

#[inline(never)]
fn integer(value: JsValue) -> Option<i64> {
    value
        .as_f64()
        .filter(|n| n.fract() == 0.0 && n.abs() <= SAFE_INTEGER)
        .map(|n| n as i64)
}

fn float(value: JsValue) -> Option<f64> {
    value.as_f64()
}

fn text(value: JsValue) -> Option<String> {
    value.as_string()
}

#[inline(never)]
fn items(value: JsValue) -> Option<Items> {
    Array::is_array(&value).then(|| Items {
        items: value.unchecked_into(),
        next: 0,
    })
}

#[inline(never)]
fn fields(value: JsValue) -> Option<Fields> {
    (value.is_object() && !Array::is_array(&value)).then(|| Fields {
        keys: Object::keys(value.unchecked_ref::<Object>()),
        object: value,
        next: 0,
    })
}

/// An array's elements, in order.
struct Items {
    items: Array,
    next: u32,
}

impl Items {
    #[inline(never)]
    fn next_item(&mut self) -> Option<JsValue> {
        let item = (self.next < self.items.length()).then(|| self.items.get(self.next));
        self.next += 1;
        item
    }
}

impl<'de> SeqAccess<'de> for Items {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        match self.next_item() {
            Some(item) => seed.deserialize(Value(item)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.length().saturating_sub(self.next) as usize)
    }
}

/// An object's own fields, in the order the browser lists them.
struct Fields {
    object: JsValue,
    keys: Array,
    next: u32,
}

impl Fields {
    #[inline(never)]
    fn peek_key(&self) -> Option<JsValue> {
        (self.next < self.keys.length()).then(|| self.keys.get(self.next))
    }

    #[inline(never)]
    fn take_value(&mut self) -> Result<JsValue, DecodeError> {
        let key = self.keys.get(self.next);
        self.next += 1;
        field(&self.object, &key)
    }
}

impl<'de> MapAccess<'de> for Fields {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        match self.peek_key() {
            Some(key) => seed.deserialize(Value(key)).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        seed.deserialize(Value(self.take_value()?))
    }
}

/// An enum's variant: its name and what it carries (`undefined` for a unit variant).
struct Variant {
    name: String,
    value: JsValue,
}

impl<'de> EnumAccess<'de> for Variant {
    type Error = DecodeError;
    type Variant = Value;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Value), DecodeError> {
        let name: de::value::StringDeserializer<DecodeError> = self.name.into_deserializer();
        Ok((seed.deserialize(name)?, Value(self.value)))
    }
}

impl<'de> VariantAccess<'de> for Value {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
