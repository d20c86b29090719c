//! shorten: command-line client for shortd.
//!
//!   shorten code URL          the short code shortd gives URL (offline)
//!   shorten add URL           ask the server (SHORTEN_SERVER, default
//!                             127.0.0.1:8080) for a short URL
//!   shorten open CODE         where a short code redirects to
//!   shorten smoke             deployment smoke test: start `shortd` (from
//!                             PATH) on a free loopback port, add a link,
//!                             follow it, check health, print one line
use shorten_core::{code_for, request, VERSION};
use std::env;
use std::io::{BufRead, BufReader};
use std::process::{self, Command, Stdio};

fn fail(msg: String) -> ! {
    eprintln!("shorten: {}", msg);
    process::exit(1);
}

fn server() -> String {
    env::var("SHORTEN_SERVER").unwrap_or_else(|_| "127.0.0.1:8080".into())
}

fn smoke() -> Result<String, String> {
    let url = "https://example.org/docs/install?lang=en";
    let mut child = Command::new("shortd")
        .env("SHORTD_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start shortd: {}", e))?;
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .map_err(|e| e.to_string())?;
    let result = (|| {
        // "shortd 0.3.0 listening on 127.0.0.1:PORT"
        let addr = first.trim().rsplit(' ').next().unwrap_or("").to_string();
        let health =
            request(&addr, "GET", "/healthz", "").map_err(|e| format!("healthz: {}", e))?;
        let added = request(&addr, "POST", "/api/links", url).map_err(|e| format!("add: {}", e))?;
        if added.status() != 201 {
            return Err(format!("add: {} {}", added.start, added.body));
        }
        let code = added.body.rsplit('/').next().unwrap_or("").to_string();
        if code != code_for(url) {
            return Err(format!(
                "server code {} != client code {}",
                code,
                code_for(url)
            ));
        }
        let hop = request(&addr, "GET", &format!("/r/{}", code), "")
            .map_err(|e| format!("open: {}", e))?;
        let location = hop.headers.get("location").cloned().unwrap_or_default();
        if hop.status() != 302 || location != url {
            return Err(format!("open: {} -> {:?}", hop.start, location));
        }
        Ok(format!(
            "shorten smoke: shorten {} + {} ({}): {} -> {} -> 302 ok",
            VERSION,
            first
                .trim()
                .splitn(3, ' ')
                .take(2)
                .collect::<Vec<_>>()
                .join(" "),
            health.body,
            url,
            added.body
        ))
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let arg = |i: usize| {
        args.get(i)
            .cloned()
            .unwrap_or_else(|| fail("missing argument (see --help)".into()))
    };
    match args.first().map(String::as_str) {
        Some("code") => println!("{}", code_for(&arg(1))),
        Some("add") => match request(&server(), "POST", "/api/links", &arg(1)) {
            Ok(m) if m.status() == 201 => println!("{}", m.body),
            Ok(m) => fail(format!("{}: {}", m.start, m.body)),
            Err(e) => fail(format!("{}: {}", server(), e)),
        },
        Some("open") => match request(&server(), "GET", &format!("/r/{}", arg(1)), "") {
            Ok(m) if m.status() == 302 => {
                println!("{}", m.headers.get("location").cloned().unwrap_or_default())
            }
            Ok(m) => fail(format!("{}: {}", m.start, m.body)),
            Err(e) => fail(format!("{}: {}", server(), e)),
        },
        Some("smoke") => match smoke() {
            Ok(line) => println!("{}", line),
            Err(e) => fail(format!("smoke test failed: {}", e)),
        },
        Some("--version") => println!("shorten {}", VERSION),
        _ => {
            eprintln!("usage: shorten code URL | add URL | open CODE | smoke | --version");
            process::exit(2);
        }
    }
}
