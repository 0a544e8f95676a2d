//! Runs the fake management server until interrupted; prints its URL, the
//! certificate fingerprint and the accepted credentials.
//!
//! `cargo run -p fake-server` (HTTPS) or `cargo run -p fake-server -- --http`.

use fake_server::{FakeServer, Options};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let http = std::env::args().any(|a| a == "--http");
    let options = if http { Options::default().plain_http() } else { Options::default() };
    let server = FakeServer::start(options).await?;
    println!("url={}", server.url());
    if let Some(fingerprint) = server.certificate_sha256() {
        println!("sha256={fingerprint}");
    }
    println!("user={} password={} api-key={}", Options::USER, Options::PASSWORD, Options::API_KEY);
    tokio::signal::ctrl_c().await?;
    Ok(())
}
