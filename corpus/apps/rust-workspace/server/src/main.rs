//! shortd: the URL shortener service.
//!
//!   POST /api/links  (body: the URL)  -> 201, body: the short URL
//!   GET  /r/CODE                      -> 302 to the URL
//!   GET  /healthz                     -> 200 "ok VERSION"
//!
//! Settings: SHORTD_ADDR (listen address, default 0.0.0.0:8080; port 0 picks
//! a free one), SHORTD_BASE_URL (prefix of the short URLs it hands out).
//! On start it prints "shortd VERSION listening on ADDR" on stdout.
use shorten_core::{code_for, valid_url, write_message, Message, VERSION};
use std::collections::HashMap;
use std::env;
use std::io::{self, Write};
use std::net::{TcpListener, TcpStream};
use std::process;
use std::sync::{Arc, Mutex};
use std::thread;

struct Shortener {
    base_url: String,
    links: Mutex<HashMap<String, String>>,
}

impl Shortener {
    fn handle(&self, req: &Message) -> (u16, Vec<(&'static str, String)>, String) {
        let mut parts = req.start.split_whitespace();
        let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        match (method, path) {
            ("GET", "/healthz") => (200, vec![], format!("ok {}", VERSION)),
            ("POST", "/api/links") => {
                let url = req.body.trim();
                if !valid_url(url) {
                    return (400, vec![], "not an http(s) URL".into());
                }
                let code = code_for(url);
                self.links
                    .lock()
                    .unwrap()
                    .insert(code.clone(), url.to_string());
                (
                    201,
                    vec![],
                    format!("{}/r/{}", self.base_url.trim_end_matches('/'), code),
                )
            }
            ("GET", p) if p.starts_with("/r/") => match self.links.lock().unwrap().get(&p[3..]) {
                Some(url) => (302, vec![("Location", url.clone())], String::new()),
                None => (404, vec![], "no such link".into()),
            },
            _ => (404, vec![], "not found".into()),
        }
    }

    fn serve(&self, mut stream: TcpStream) -> io::Result<()> {
        let req = Message::read_from(&mut stream)?;
        let (status, headers, body) = self.handle(&req);
        let reason = match status {
            200 => "OK",
            201 => "Created",
            302 => "Found",
            400 => "Bad Request",
            _ => "Not Found",
        };
        let hdrs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        write_message(
            &mut stream,
            &format!("HTTP/1.1 {} {}", status, reason),
            &hdrs,
            &body,
        )
    }
}

fn main() {
    let addr = env::var("SHORTD_ADDR").unwrap_or_else(|_| "0.0.0.0:8080".into());
    let base_url = env::var("SHORTD_BASE_URL").unwrap_or_else(|_| format!("http://{}", addr));
    let listener = match TcpListener::bind(&addr) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("shortd: cannot listen on {}: {}", addr, e);
            process::exit(1);
        }
    };
    let app = Arc::new(Shortener {
        base_url,
        links: Mutex::new(HashMap::new()),
    });
    println!(
        "shortd {} listening on {}",
        VERSION,
        listener.local_addr().unwrap()
    );
    io::stdout().flush().ok();
    for stream in listener.incoming().flatten() {
        let app = Arc::clone(&app);
        thread::spawn(move || {
            if let Err(e) = app.serve(stream) {
                eprintln!("shortd: {}", e);
            }
        });
    }
}
