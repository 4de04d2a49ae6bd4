//! Server text is scrubbed of anything that looks like a credential before it is shown,
//! saved or logged: the configured key itself, `Bearer …` tokens, `sk-…` keys and
//! `Authorization:` / `api_key=` values a misbehaving server or proxy echoes back.

use std::sync::LazyLock;

use regex::Regex;

const HIDDEN: &str = "<hidden>";

static BEARER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=:-]{4,}").expect("valid regex"));
static KEY_LIKE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(sk|rk|pk|sess)-[A-Za-z0-9_-]{6,}").expect("valid regex"));
static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(authorization|proxy-authorization|x-api-key|api[-_]?key|access[-_]?token|token|password|secret)(["']?\s*[:=]\s*["']?)([^\s"',;}&]+)"#,
    )
    .expect("valid regex")
});

/// `text` with the key (when given) replaced by `<hidden>`, and nothing else changed:
/// for a model's reply, where `token: 512` is content, not a credential.
pub fn hide_key(text: &str, key: Option<&str>) -> String {
    match key.map(str::trim).filter(|k| k.len() >= 4) {
        Some(key) if text.contains(key) => text.replace(key, HIDDEN),
        _ => text.to_owned(),
    }
}

/// `text` with the key (when given) and anything key-like replaced by `<hidden>`.
pub fn scrub(text: &str, key: Option<&str>) -> String {
    let mut out = hide_key(text, key);
    out = BEARER.replace_all(&out, format!("$1 {HIDDEN}")).into_owned();
    out = FIELD
        .replace_all(&out, |caps: &regex::Captures| {
            if &caps[3] == HIDDEN || caps[3].starts_with(HIDDEN) {
                caps[0].to_owned()
            } else {
                format!("{}{}{HIDDEN}", &caps[1], &caps[2])
            }
        })
        .into_owned();
    KEY_LIKE.replace_all(&out, HIDDEN).into_owned()
}

/// What in a base URL is a credential, if anything: user info, a key-like query
/// parameter, or a key pasted into the path. Never returns the value itself.
pub fn credential_in_url(url: &reqwest::Url, key: Option<&str>) -> Option<&'static str> {
    if !url.username().is_empty() || url.password().is_some() {
        return Some("a user name or password before the host");
    }
    for (name, _) in url.query_pairs() {
        let name = name.to_lowercase();
        if [
            "key",
            "api_key",
            "apikey",
            "api-key",
            "token",
            "access_token",
            "auth",
            "password",
            "secret",
        ]
        .contains(&name.as_str())
        {
            return Some("a key in the query string");
        }
    }
    let text = url.as_str();
    if key.is_some_and(|k| k.trim().len() >= 4 && text.contains(k.trim())) || KEY_LIKE.is_match(text) {
        return Some("something that looks like an API key");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_the_key_bearer_tokens_and_header_echoes() {
        let echoed = r#"bad request: headers {"authorization": "Bearer sk-live-abcdef123456"} key=sk-live-abcdef123456 x-api-key: zzzz9999"#;
        let clean = scrub(echoed, Some("sk-live-abcdef123456"));
        assert!(
            !clean.contains("abcdef123456") && !clean.contains("zzzz9999"),
            "{clean}"
        );
        assert!(clean.contains("bad request"), "{clean}");
        assert_eq!(scrub("model not found", None), "model not found");
        let custom = scrub("echo: my-private-token-77", Some("my-private-token-77"));
        assert_eq!(custom, "echo: <hidden>");
    }

    #[test]
    fn finds_credentials_in_base_urls_without_showing_them() {
        let url = |s: &str| reqwest::Url::parse(s).expect("url");
        assert!(credential_in_url(&url("https://user:pw@api.example.com/v1"), None).is_some());
        assert!(credential_in_url(&url("https://api.example.com/v1?api_key=abc"), None).is_some());
        assert!(credential_in_url(&url("https://api.example.com/sk-abcdefgh1234/v1"), None).is_some());
        assert!(credential_in_url(&url("https://api.example.com/v1"), Some("sk-abcdefgh1234")).is_none());
        assert!(credential_in_url(&url("http://127.0.0.1:8765/v1"), None).is_none());
    }
}
