//! shorten-core: what the server and the CLI share: the short code of a URL
//! and a minimal HTTP/1.1 request/response layer over std::net (no crates:
//! the service must build offline).
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

const ALPHABET: &[u8] = b"0123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/// The short code of a URL: FNV-1a 64 of its bytes in base 58, 7 characters.
/// Deterministic, so the same URL always gets the same code.
pub fn code_for(url: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in url.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    let mut out = Vec::with_capacity(7);
    for _ in 0..7 {
        out.push(ALPHABET[(h % ALPHABET.len() as u64) as usize]);
        h /= ALPHABET.len() as u64;
    }
    String::from_utf8(out).unwrap()
}

pub fn valid_url(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://"))
        && !url.contains(char::is_whitespace)
}

#[derive(Debug)]
pub struct Message {
    /// request: "GET /path HTTP/1.1"; response: "HTTP/1.1 200 OK"
    pub start: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl Message {
    pub fn read_from(stream: &mut impl Read) -> io::Result<Message> {
        let mut r = BufReader::new(stream);
        let mut start = String::new();
        r.read_line(&mut start)?;
        let mut headers = BTreeMap::new();
        loop {
            let mut line = String::new();
            if r.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        r.read_exact(&mut body)?;
        Ok(Message {
            start: start.trim_end().to_string(),
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    pub fn status(&self) -> u16 {
        self.start
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }
}

pub fn write_message(
    w: &mut impl Write,
    start: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> io::Result<()> {
    let mut out = format!("{}\r\n", start);
    for (k, v) in headers {
        out.push_str(&format!("{}: {}\r\n", k, v));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        body
    ));
    w.write_all(out.as_bytes())
}

/// One request to a server at addr ("127.0.0.1:8080"), one response back.
pub fn request(addr: &str, method: &str, path: &str, body: &str) -> io::Result<Message> {
    let mut s = TcpStream::connect(addr)?;
    write_message(
        &mut s,
        &format!("{} {} HTTP/1.1", method, path),
        &[("Host", addr)],
        body,
    )?;
    Message::read_from(&mut s)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn codes_are_stable() {
        assert_eq!(
            code_for("https://example.org/"),
            code_for("https://example.org/")
        );
        assert_eq!(code_for("https://example.org/").len(), 7);
        assert_ne!(
            code_for("https://example.org/a"),
            code_for("https://example.org/b")
        );
    }
}
