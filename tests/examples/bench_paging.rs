//! Benchmark (not a test): hosts per second paging 20,000 hosts from the fake
//! server over TLS, with this client and, in the same run against the same
//! server, with Check Point's Python SDK (`api_query`).
//!
//! `bash scripts/bench-paging.sh` (release build; installs the SDK into
//! `target/python-sdk`), or `cargo run --release -p tests --example
//! bench_paging -- [PYTHON]` where `PYTHON` has `cp-mgmt-api-sdk`.
//!
//! The server runs on its own threads; the client on this one, so this
//! thread's CPU time is the client's (TLS, HTTP and decoding included).

use fake_server::{FakeServer, Options};
use futures_util::TryStreamExt;
use generated_client::types::{Login, Logout, ShowHosts};
use generated_client::{Client, Secret};
use serde_json::json;
use std::process::Command;
use std::time::{Duration, Instant};

const HOSTS: usize = 20_000;
/// The wait of the slow-server run: each page answered after this long.
const PAGE_DELAY: Duration = Duration::from_millis(50);
/// The client's runs per row: the row gives the median by wall time (the
/// first run also pays for connections and for growing the heap).
const CLIENT_RUNS: usize = 3;

/// CPU time of the calling thread (Linux; `None` elsewhere).
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok().map(Duration::from_nanos)
}

struct Run {
    hosts: usize,
    wall: Duration,
    cpu: Option<Duration>,
}

/// The median of [`CLIENT_RUNS`] client runs, by wall time.
fn client_median(runtime: &tokio::runtime::Runtime, server: &FakeServer, page: i64) -> Result<Run, String> {
    let mut runs =
        (0..CLIENT_RUNS).map(|_| runtime.block_on(client_run(server, page))).collect::<Result<Vec<_>, _>>()?;
    runs.sort_by_key(|run| run.wall);
    Ok(runs.swap_remove(CLIENT_RUNS / 2))
}

async fn client_run(server: &FakeServer, page: i64) -> Result<Run, String> {
    let client = Client::builder(server.url())
        .pin_sha256(&server.certificate_sha256().ok_or("the server has no certificate")?)
        .build()
        .map_err(|e| e.to_string())?;
    let session = client
        .login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD)))
        .await
        .map_err(|e| e.to_string())?;
    let cpu = thread_cpu();
    let started = Instant::now();
    let hosts: Vec<_> =
        session.show_hosts_pages(ShowHosts::new().limit(page)).try_collect().await.map_err(|e| e.to_string())?;
    let wall = started.elapsed();
    let cpu = thread_cpu().zip(cpu).map(|(after, before)| after - before);
    session.logout(Logout::new()).await.map_err(|e| e.to_string())?;
    Ok(Run { hosts: hosts.len(), wall, cpu })
}

fn sdk_run(python: &str, server: &FakeServer, page: usize) -> Result<Run, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/bench-paging.py");
    let output = Command::new(python)
        .args([script, &server.addr().port().to_string(), Options::USER, Options::PASSWORD, &page.to_string()])
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = text.split_whitespace().collect();
    match (output.status.success(), fields.as_slice()) {
        (true, [hosts, seconds]) => Ok(Run {
            hosts: hosts.parse().map_err(|_| format!("bad output: {text}"))?,
            wall: Duration::from_secs_f64(seconds.parse().map_err(|_| format!("bad output: {text}"))?),
            cpu: None,
        }),
        _ => Err(format!("the SDK run failed: {}{}", text, String::from_utf8_lossy(&output.stderr))),
    }
}

fn print(who: &str, page: usize, delay: Duration, run: Result<Run, String>) {
    let delay = format!("{} ms", delay.as_millis());
    match run {
        Ok(run) => {
            let rate = run.hosts as f64 / run.wall.as_secs_f64();
            let cpu = run
                .cpu
                .map(|cpu| format!("{:.1}", cpu.as_secs_f64() * 1e6 / run.hosts as f64))
                .unwrap_or_else(|| "-".to_owned());
            println!(
                "| {who} | {page} | {delay} | {} | {:.2} s | {rate:.0} | {cpu} |",
                run.hosts,
                run.wall.as_secs_f64()
            );
        }
        Err(e) => println!("| {who} | {page} | {delay} | failed: {e} | | | |"),
    }
}

fn main() {
    let python = std::env::args().nth(1);
    let server_threads = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    let client_thread = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let hosts = (0..HOSTS)
        .map(|i| json!({"uid": format!("uid-{i:06}"), "name": format!("host-{i:06}"), "type": "host", "ipv4-address": format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255), "domain": {"uid": "41e821a0-3720-11e3-aa6e-0800200c9fde", "name": "SMC User", "domain-type": "domain"}}))
        .collect();
    let server = server_threads.block_on(FakeServer::start(Options::default())).expect("the fake server starts");
    server.collection("show-hosts", hosts);

    println!(
        "{HOSTS} hosts from the fake server over TLS (client: median of {CLIENT_RUNS} runs; SDK: one run; release builds give meaningful figures)\n"
    );
    println!("| reader | page | server delay per page | hosts | wall | hosts/s | client CPU µs/host |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for delay in [Duration::ZERO, PAGE_DELAY] {
        if !delay.is_zero() {
            server.delay("show-hosts", delay);
        }
        for page in [500, 50] {
            print("generated-client", page, delay, client_median(&client_thread, &server, page as i64));
        }
        match &python {
            Some(python) => {
                for page in [50, 500] {
                    print("Python SDK api_query", page, delay, sdk_run(python, &server, page));
                }
            }
            None => println!("| Python SDK | | | not run: pass the python that has cp-mgmt-api-sdk | | | |"),
        }
    }
}
