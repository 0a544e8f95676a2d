//! Runs the fake management server until interrupted; prints its URL, the
//! certificate fingerprint and the accepted credentials first.
//!
//! ```text
//! cargo run -p fake-server [-- [--http] [--seed FAMILY=N]... [--state FILE] [--dump FILE]]
//! ```
//!
//! `--seed host=20000` publishes generated objects of any family
//! (repeatable); `--state FILE` starts from a state file; `--dump FILE`
//! writes the published state there when interrupted.

use fake_server::{FakeServer, Options};
use std::process::ExitCode;

/// What the command line asks for.
#[derive(Default)]
struct Args {
    http: bool,
    seeds: Vec<(String, usize)>,
    state: Option<String>,
    dump: Option<String>,
}

fn parse(mut words: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args::default();
    while let Some(word) = words.next() {
        let mut value = |flag: &str| words.next().ok_or_else(|| format!("{flag} needs a value"));
        match word.as_str() {
            "--http" => args.http = true,
            "--seed" => {
                let seed = value("--seed")?;
                let (family, count) =
                    seed.split_once('=').ok_or_else(|| format!("--seed {seed}: expected FAMILY=N"))?;
                let count = count.parse().map_err(|_| format!("--seed {seed}: N is not a count"))?;
                args.seeds.push((family.to_owned(), count));
            }
            "--state" => args.state = Some(value("--state")?),
            "--dump" => args.dump = Some(value("--dump")?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

async fn run(args: Args) -> Result<(), String> {
    let options = if args.http { Options::default().plain_http() } else { Options::default() };
    let server = FakeServer::start(options).await.map_err(|e| e.to_string())?;
    if let Some(path) = &args.state {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let state = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
        server.load_state(&state).map_err(|e| format!("{path}: {e}"))?;
    }
    for (family, count) in &args.seeds {
        server.seed(family, *count)?;
    }
    // Scripts read these three lines first.
    println!("url={}", server.url());
    if let Some(fingerprint) = server.certificate_sha256() {
        println!("sha256={fingerprint}");
    }
    println!("user={} password={} api-key={}", Options::USER, Options::PASSWORD, Options::API_KEY);
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    if let Some(path) = &args.dump {
        let text = serde_json::to_string_pretty(&server.dump_state()).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = match parse(std::env::args().skip(1)) {
        Ok(args) => run(args).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fake-server: {message}");
            ExitCode::FAILURE
        }
    }
}
