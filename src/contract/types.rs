//! The field type grammar: `str`, `list[int]`, `dict[str, Any]`,
//! `optional[T]`, `T | None`, `literal[a, b]` and names of definitions,
//! parsed into [`FieldType`].

use super::model::FieldType;
use crate::diagnostics::closest;

/// Scalar type names, as written in contracts.
pub(crate) const SCALARS: &[&str] = &[
    "str", "int", "float", "bool", "bytes", "datetime", "date", "uuid", "UUID", "decimal",
    "Decimal", "any", "Any", "JsonType", "object",
];

/// Generic type names.
const GENERICS: &[&str] = &[
    "list", "List", "dict", "Dict", "optional", "Optional", "literal", "Literal",
];

/// Other languages' names for the scalars (any case), and the scalar a contract writes.
const ALIASES: &[(&str, &str)] = &[
    ("string", "str"),
    ("text", "str"),
    ("integer", "int"),
    ("long", "int"),
    ("boolean", "bool"),
    ("number", "float"),
    ("double", "float"),
];

/// The scalar an alias (in lower case) or a near miss of one stands for: `strng` is `str`.
fn alias(lower: &str) -> Option<&'static str> {
    let names = ALIASES.iter().map(|(alias, _)| *alias);
    let alias = names
        .clone()
        .find(|alias| *alias == lower)
        .or_else(|| closest(lower, names))?;
    ALIASES
        .iter()
        .find(|(name, _)| *name == alias)
        .map(|(_, scalar)| *scalar)
}

const MAX_DEPTH: usize = 32;

/// Why a type string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypeError {
    /// A name that is neither built in nor resolved; with the closest known name.
    Unknown {
        name: String,
        suggestion: Option<String>,
    },
    Syntax(String),
}

impl TypeError {
    pub(crate) fn message(&self) -> String {
        match self {
            TypeError::Unknown { name, .. } => format!("unknown field type '{name}'"),
            TypeError::Syntax(msg) => format!("bad field type: {msg}"),
        }
    }

    pub(crate) fn help(&self) -> Option<String> {
        match self {
            TypeError::Unknown {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean '{s}'?")),
            TypeError::Unknown { .. } => Some(
                "use str, int, float, bool, bytes, datetime, date, uuid, decimal, any, \
                 list[T], dict[str, T], optional[T], T | None, literal[a, b] or a definitions name"
                    .to_owned(),
            ),
            TypeError::Syntax(_) => None,
        }
    }
}

pub(crate) fn scalar(name: &str) -> Option<FieldType> {
    Some(match name {
        "str" => FieldType::Str,
        "int" => FieldType::Int,
        "float" => FieldType::Float,
        "bool" => FieldType::Bool,
        "bytes" => FieldType::Bytes,
        "datetime" => FieldType::DateTime,
        "date" => FieldType::Date,
        "uuid" | "UUID" => FieldType::Uuid,
        "decimal" | "Decimal" => FieldType::Decimal,
        "any" | "Any" | "JsonType" | "object" => FieldType::Any,
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Quoted(String),
    Open,
    Close,
    Comma,
    Pipe,
}

fn tokenize(text: &str) -> Result<Vec<Token>, TypeError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '[' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ']' => {
                chars.next();
                tokens.push(Token::Close);
            }
            ',' => {
                chars.next();
                tokens.push(Token::Comma);
            }
            '|' => {
                chars.next();
                tokens.push(Token::Pipe);
            }
            '"' | '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some(other) => s.push(other),
                        None => return Err(TypeError::Syntax("unclosed quote".to_owned())),
                    }
                }
                tokens.push(Token::Quoted(s));
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' => {
                let mut s = String::new();
                while let Some(&n) = chars.peek() {
                    if n.is_alphanumeric() || n == '_' || n == '.' || n == '-' {
                        s.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token::Name(s));
            }
            other => {
                return Err(TypeError::Syntax(format!("unexpected character '{other}'")));
            }
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    resolve: &'a mut dyn FnMut(&str) -> Option<FieldType>,
    known: &'a [&'a str],
}

/// Parse a type string. `resolve` maps names that are not built in (definitions)
/// to a type; `known` lists those names for "did you mean".
pub(crate) fn parse_type(
    text: &str,
    resolve: &mut dyn FnMut(&str) -> Option<FieldType>,
    known: &[&str],
) -> Result<FieldType, TypeError> {
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Err(TypeError::Syntax("empty type".to_owned()));
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        resolve,
        known,
    };
    let ty = parser.union(0)?;
    if parser.at < parser.tokens.len() {
        return Err(TypeError::Syntax(format!(
            "unexpected '{}' after the type",
            token_text(&parser.tokens[parser.at])
        )));
    }
    Ok(ty)
}

fn token_text(token: &Token) -> String {
    match token {
        Token::Name(s) | Token::Quoted(s) => s.clone(),
        Token::Open => "[".to_owned(),
        Token::Close => "]".to_owned(),
        Token::Comma => ",".to_owned(),
        Token::Pipe => "|".to_owned(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn expect(&mut self, token: &Token) -> Result<(), TypeError> {
        if self.peek() == Some(token) {
            self.at += 1;
            Ok(())
        } else {
            Err(TypeError::Syntax(format!(
                "expected '{}'{}",
                token_text(token),
                self.peek()
                    .map(|t| format!(", found '{}'", token_text(t)))
                    .unwrap_or_default()
            )))
        }
    }

    fn union(&mut self, depth: usize) -> Result<FieldType, TypeError> {
        if depth > MAX_DEPTH {
            return Err(TypeError::Syntax("type nested too deeply".to_owned()));
        }
        let mut members = Vec::new();
        let mut optional = false;
        loop {
            if matches!(self.peek(), Some(Token::Name(n)) if n == "None") {
                self.at += 1;
                optional = true;
            } else {
                members.push(self.primary(depth)?);
            }
            if self.peek() == Some(&Token::Pipe) {
                self.at += 1;
            } else {
                break;
            }
        }
        let ty = match members.len() {
            0 => {
                return Err(TypeError::Syntax(
                    "'None' alone is not a field type".to_owned(),
                ));
            }
            1 => members.remove(0),
            _ => {
                return Err(TypeError::Syntax(
                    "unions are limited to 'T | None'".to_owned(),
                ));
            }
        };
        Ok(if optional { make_optional(ty) } else { ty })
    }

    fn primary(&mut self, depth: usize) -> Result<FieldType, TypeError> {
        let name = match self.peek() {
            Some(Token::Name(n)) => n.clone(),
            Some(other) => {
                return Err(TypeError::Syntax(format!(
                    "expected a type name, found '{}'",
                    token_text(other)
                )));
            }
            None => return Err(TypeError::Syntax("expected a type name".to_owned())),
        };
        self.at += 1;
        let has_args = self.peek() == Some(&Token::Open);
        match name.as_str() {
            "list" | "List" => {
                let [item] = self.args::<1>(depth)?;
                Ok(FieldType::List(Box::new(item)))
            }
            "dict" | "Dict" => {
                let [key, value] = self.args::<2>(depth)?;
                if key != FieldType::Str {
                    return Err(TypeError::Syntax("dict keys must be str".to_owned()));
                }
                Ok(FieldType::Dict(Box::new(value)))
            }
            "optional" | "Optional" => {
                let [inner] = self.args::<1>(depth)?;
                Ok(make_optional(inner))
            }
            "literal" | "Literal" => self.literal_args(),
            _ if has_args => Err(TypeError::Syntax(format!(
                "'{name}' takes no type arguments"
            ))),
            _ => {
                if let Some(ty) = scalar(&name) {
                    return Ok(ty);
                }
                if let Some(ty) = (self.resolve)(&name) {
                    return Ok(ty);
                }
                let mut candidates: Vec<&str> = SCALARS.to_vec();
                candidates.extend_from_slice(GENERICS);
                candidates.extend_from_slice(self.known);
                let lower = name.to_ascii_lowercase();
                let suggestion = closest(&name, candidates.iter().copied())
                    .or_else(|| {
                        candidates
                            .iter()
                            .find(|c| c.eq_ignore_ascii_case(&name))
                            .copied()
                    })
                    .or_else(|| alias(&lower))
                    .map(str::to_owned);
                Err(TypeError::Unknown { name, suggestion })
            }
        }
    }

    fn args<const N: usize>(&mut self, depth: usize) -> Result<[FieldType; N], TypeError> {
        self.expect(&Token::Open)?;
        let mut out = Vec::with_capacity(N);
        for i in 0..N {
            if i > 0 {
                self.expect(&Token::Comma)?;
            }
            out.push(self.union(depth + 1)?);
        }
        self.expect(&Token::Close)?;
        out.try_into()
            .map_err(|_| TypeError::Syntax("wrong number of type arguments".to_owned()))
    }

    fn literal_args(&mut self) -> Result<FieldType, TypeError> {
        self.expect(&Token::Open)?;
        let mut values = Vec::new();
        loop {
            match self.peek() {
                Some(Token::Name(s) | Token::Quoted(s)) => {
                    values.push(s.clone());
                    self.at += 1;
                }
                _ => return Err(TypeError::Syntax("expected a literal value".to_owned())),
            }
            match self.peek() {
                Some(Token::Comma) => self.at += 1,
                _ => break,
            }
        }
        self.expect(&Token::Close)?;
        Ok(FieldType::Literal(values))
    }
}

pub(crate) fn make_optional(ty: FieldType) -> FieldType {
    match ty {
        FieldType::Optional(_) => ty,
        other => FieldType::Optional(Box::new(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FieldType, TypeError> {
        let mut resolve =
            |name: &str| (name == "Thing").then(|| FieldType::Model("ModelThing".into()));
        parse_type(text, &mut resolve, &["Thing"])
    }

    #[test]
    fn grammar() {
        assert_eq!(parse("str"), Ok(FieldType::Str));
        assert_eq!(
            parse("UUID | None"),
            Ok(FieldType::Optional(Box::new(FieldType::Uuid)))
        );
        assert_eq!(
            parse("dict[str, JsonType]"),
            Ok(FieldType::Dict(Box::new(FieldType::Any)))
        );
        assert_eq!(
            parse("list[Thing]"),
            Ok(FieldType::List(Box::new(FieldType::Model(
                "ModelThing".into()
            ))))
        );
        assert_eq!(
            parse("literal[a, 'b c']"),
            Ok(FieldType::Literal(vec!["a".into(), "b c".into()]))
        );
        assert_eq!(
            parse("optional[list[int]]"),
            Ok(FieldType::Optional(Box::new(FieldType::List(Box::new(
                FieldType::Int
            )))))
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(
            parse("strr"),
            Err(TypeError::Unknown {
                name: "strr".into(),
                suggestion: Some("str".into())
            })
        );
        assert!(
            matches!(parse("Thnig"), Err(TypeError::Unknown { suggestion: Some(s), .. }) if s == "Thing")
        );
        assert!(
            matches!(parse("integer"), Err(TypeError::Unknown { suggestion: Some(s), .. }) if s == "int")
        );
        assert!(matches!(parse("dict[int, str]"), Err(TypeError::Syntax(_))));
        assert!(matches!(parse("int | str"), Err(TypeError::Syntax(_))));
        assert!(matches!(parse("list[int"), Err(TypeError::Syntax(_))));
        assert!(matches!(parse(""), Err(TypeError::Syntax(_))));
        assert!(matches!(
            parse(&"list[".repeat(100)),
            Err(TypeError::Syntax(_))
        ));
    }
}
