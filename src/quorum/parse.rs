//! Reading a model's answer: tolerant of wrapping (a JSON object inside a code
//! fence or surrounded by prose is found), strict on meaning (`vote` a boolean
//! or the strings "true"/"false", `confidence` a number in [0, 1], `reasoning`
//! non-empty). Anything else is an invalid vote, with the reason.

use serde_json::Value;

/// A valid vote.
#[derive(Debug, Clone, PartialEq)]
pub struct Ballot {
    /// `true`: the file passes.
    pub vote: bool,
    pub confidence: f64,
    pub reasoning: String,
}

/// The ballot in `text`, or why there is none.
pub fn parse_ballot(text: &str) -> Result<Ballot, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty answer".to_owned());
    }
    let object = find_object(text).ok_or_else(|| "no JSON object in the answer".to_owned())?;
    ballot(&object)
}

fn ballot(object: &serde_json::Map<String, Value>) -> Result<Ballot, String> {
    let vote = match object.get("vote") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("true") => true,
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("false") => false,
        Some(other) => return Err(format!("`vote` must be true or false, not {other}")),
        None => return Err("`vote` is missing".to_owned()),
    };
    let confidence = match object.get("confidence") {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(other) => return Err(format!("`confidence` must be a number, not {other}")),
        None => return Err("`confidence` is missing".to_owned()),
    };
    if !(0.0..=1.0).contains(&confidence) {
        return Err(format!("`confidence` {confidence} is outside [0, 1]"));
    }
    let reasoning = match object.get("reasoning") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Value::String(_)) => return Err("`reasoning` is empty".to_owned()),
        Some(other) => return Err(format!("`reasoning` must be text, not {other}")),
        None => return Err("`reasoning` is missing".to_owned()),
    };
    Ok(Ballot {
        vote,
        confidence,
        reasoning,
    })
}

/// The answer's JSON object: the whole text, else the first object (in a fence
/// or in prose) that has a `vote`, else the first object at all.
fn find_object(text: &str) -> Option<serde_json::Map<String, Value>> {
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
        return Some(map);
    }
    let mut first = None;
    for (start, _) in text.match_indices('{') {
        let Some(rest) = text.get(start..) else {
            continue;
        };
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        if let Some(Ok(Value::Object(map))) = stream.next() {
            if map.contains_key("vote") {
                return Some(map);
            }
            first.get_or_insert(map);
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fenced_and_prose_wrapped_json_is_read() {
        let plain = r#"{"vote": true, "confidence": 0.9, "reasoning": "fine"}"#;
        let fenced = format!("```json\n{plain}\n```");
        let prose = format!("Sure! Here is my verdict: {plain} Hope that helps {{not json}}.");
        for text in [plain.to_owned(), fenced, prose] {
            let ballot = parse_ballot(&text).unwrap();
            assert!(ballot.vote);
            assert!((ballot.confidence - 0.9).abs() < 1e-12);
            assert_eq!(ballot.reasoning, "fine");
        }
    }

    #[test]
    fn string_booleans_are_accepted() {
        let b = parse_ballot(r#"{"vote": "false", "confidence": 1, "reasoning": "bad"}"#).unwrap();
        assert!(!b.vote);
    }

    #[test]
    fn wrong_meaning_is_an_invalid_vote() {
        let cases = [
            (
                r#"{"vote": "maybe", "confidence": 0.5, "reasoning": "x"}"#,
                "`vote`",
            ),
            (
                r#"{"vote": true, "confidence": 1.5, "reasoning": "x"}"#,
                "outside [0, 1]",
            ),
            (
                r#"{"vote": true, "confidence": -0.1, "reasoning": "x"}"#,
                "outside [0, 1]",
            ),
            (
                r#"{"vote": true, "confidence": "high", "reasoning": "x"}"#,
                "`confidence`",
            ),
            (
                r#"{"vote": true, "confidence": 0.5, "reasoning": "  "}"#,
                "`reasoning` is empty",
            ),
            (
                r#"{"vote": true, "confidence": 0.5}"#,
                "`reasoning` is missing",
            ),
            (
                r#"{"vote": 1, "confidence": 0.5, "reasoning": "x"}"#,
                "`vote`",
            ),
            ("", "empty"),
            ("I think it passes.", "no JSON object"),
            (r#"{"vote": true, "confid"#, "no JSON object"),
        ];
        for (text, reason) in cases {
            let error = parse_ballot(text).unwrap_err();
            assert!(error.contains(reason), "{text}: {error}");
        }
    }
}
