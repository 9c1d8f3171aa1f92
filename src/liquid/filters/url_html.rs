//! Escaping for HTML and URLs, and Jekyll's URL filters.

use super::support::{grown, grows, html_escaped, percent_encoded, s, with_breaks, Call, Failure};
use crate::liquid::url::{self, has_scheme, percent_encode};
use crate::liquid::value::to_s;
use crate::text::escape as escape_html;
use serde_json::Value;

/// Escapes like `escape` but leaves existing entities (`&amp;`, `&#39;`) alone.
fn escaped_once(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '&' => {
                let rest = &text[i + 1..];
                let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
                let num_len = rest
                    .strip_prefix('#')
                    .map_or(0, |r| r.bytes().take_while(u8::is_ascii_digit).count());
                let entity = (name_len > 0 && rest.as_bytes().get(name_len) == Some(&b';'))
                    || (num_len > 0 && rest.as_bytes().get(num_len + 1) == Some(&b';'));
                out.push_str(if entity { "&" } else { "&amp;" });
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Removes `<script>`, `<style>` and comments with their content, then every tag.
fn without_html(text: &str) -> String {
    let mut t = text.to_string();
    for (open, close) in [
        ("<script", "</script>"),
        ("<!--", "-->"),
        ("<style", "</style>"),
    ] {
        let mut out = String::with_capacity(t.len());
        let mut rest = t.as_str();
        while let Some(start) = rest.find(open) {
            match rest[start..].find(close) {
                Some(end) => {
                    out.push_str(&rest[..start]);
                    rest = &rest[start + end + close.len()..];
                }
                None => break,
            }
        }
        out.push_str(rest);
        t = out;
    }
    let mut out = String::with_capacity(t.len());
    let mut rest = t.as_str();
    while let Some(start) = rest.find('<') {
        match rest[start..].find('>') {
            Some(end) => {
                out.push_str(&rest[..start]);
                rest = &rest[start + end + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// Ruby's `CGI.escape`: letters, digits and `*-._` stay, a space becomes `+`.
fn cgi_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn url_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match crate::text::hex_byte(bytes.get(i + 1..i + 3)) {
                Some(b) => {
                    out.push(b);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Addressable's `normalize_component`: keeps URL syntax, escapes the rest.
fn uri_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?#[]%".contains(c) {
            out.push(c);
        } else {
            percent_encode(c, &mut out);
        }
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `escape`, `h`.
pub fn escape(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { room, .. } = *call;
    Ok(match input {
        Value::Null => Value::Null,
        other => s(escape_html(&grown(to_s(&other), html_escaped, room)?)),
    })
}

/// `escape_once`.
pub fn escape_once(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { room, .. } = *call;
    Ok(s(escaped_once(&grown(to_s(&input), html_escaped, room)?)))
}

/// `xml_escape`.
pub fn xml_escape(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { room, .. } = *call;
    Ok(s(
        escape_html(&grown(to_s(&input), html_escaped, room)?).replace("&#39;", "&apos;")
    ))
}

/// `strip_html`.
pub fn strip_html(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    Ok(s(without_html(&to_s(&input))))
}

/// `newline_to_br`.
pub fn newline_to_br(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { room, .. } = *call;
    Ok(s(grown(to_s(&input), with_breaks, room)?
        .replace("\r\n", "\n")
        .replace('\n', "<br />\n")))
}

/// `url_encode`, `cgi_escape`.
pub fn cgi_escape(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, room, .. } = *call;
    Ok(match input {
        Value::Null if name == "url_encode" => Value::Null,
        other => s(cgi_escaped(&grown(to_s(&other), percent_encoded, room)?)),
    })
}

/// `url_decode`.
pub fn url_decode(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    Ok(match input {
        Value::Null => Value::Null,
        other => s(url_decoded(&to_s(&other))),
    })
}

/// `uri_escape`.
pub fn uri_escape(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { room, .. } = *call;
    Ok(s(uri_escaped(&grown(to_s(&input), percent_encoded, room)?)))
}

/// `base64_encode`: Four bytes for every three, rounded up.
pub fn base64_encode(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { room, .. } = *call;
    Ok(s(base64(grown(to_s(&input), |_| 2, room)?.as_bytes())))
}

/// `relative_url`.
pub fn relative_url(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { ctx, room, .. } = *call;
    Ok(match input {
        Value::Null => Value::Null,
        other => {
            let path = to_s(&other);
            grows(&format!("/{}/{path}", ctx.baseurl), percent_encoded, room)?;
            s(url::relative_url(ctx.baseurl, &path))
        }
    })
}

/// `absolute_url`.
pub fn absolute_url(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { ctx, room, .. } = *call;
    Ok(match input {
        Value::Null => Value::Null,
        other => {
            let path = to_s(&other);
            grows(
                &format!("{}/{}/{path}", ctx.site_url, ctx.baseurl),
                percent_encoded,
                room,
            )?;
            if has_scheme(&path) {
                s(path)
            } else {
                s(format!(
                    "{}{}",
                    ctx.site_url,
                    url::relative_url(ctx.baseurl, &path)
                ))
            }
        }
    })
}

/// `strip_index`.
pub fn strip_index(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    let t = to_s(&input);
    Ok(s(
        match t
            .strip_suffix("/index.html")
            .or_else(|| t.strip_suffix("/index.htm"))
        {
            Some(stem) => format!("{stem}/"),
            None => t,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_helpers() {
        assert_eq!(escaped_once("a &amp; b & <c>"), "a &amp; b &amp; &lt;c&gt;");
        assert_eq!(without_html("a<script>x</script><b>b</b><!-- c -->"), "ab");
        assert_eq!(cgi_escaped("a b&c/é"), "a+b%26c%2F%C3%A9");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(url_decoded("a%2Fb+c%€%4"), "a/b c%€%4");
    }
}
