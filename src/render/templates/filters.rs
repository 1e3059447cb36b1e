//! The custom Tera filters every template may use: case conversions (heck) and
//! Python literal quoting, registered in one place so overrides see the same set.

use heck::{ToKebabCase, ToLowerCamelCase, ToPascalCase, ToShoutySnakeCase, ToSnakeCase};
use tera::{Kwargs, State, Tera};

use crate::render::pysrc;

/// Registers every filter on `tera`.
pub(crate) fn register(tera: &mut Tera) {
    tera.register_filter("snake", |s: &str, _: Kwargs, _: &State| s.to_snake_case());
    tera.register_filter("pascal", |s: &str, _: Kwargs, _: &State| s.to_pascal_case());
    tera.register_filter("camel", |s: &str, _: Kwargs, _: &State| {
        s.to_lower_camel_case()
    });
    tera.register_filter("kebab", |s: &str, _: Kwargs, _: &State| s.to_kebab_case());
    tera.register_filter("shouty", |s: &str, _: Kwargs, _: &State| {
        s.to_shouty_snake_case()
    });
    tera.register_filter("pystr", |s: &str, _: Kwargs, _: &State| pysrc::string(s));
    tera.register_filter("comment", |s: &str, _: Kwargs, _: &State| {
        pysrc::comment_text(s)
    });
}
