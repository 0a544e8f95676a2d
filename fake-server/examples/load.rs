//! A load benchmark of the fake server on loopback: many sessions at once
//! add, change, read, list and publish hosts through the generated client;
//! prints requests per second and latency percentiles, then checks that no
//! object was lost or duplicated.
//!
//! ```text
//! cargo run --release -p fake-server --example load [-- --sessions 64 --rounds 20 --seed 2000]
//! ```

use fake_server::{FakeServer, Options};
use generated_client::types::{AddHost, Login, Logout, Publish, SetHost, ShowHost, ShowHosts};
use generated_client::{Client, Secret, Session, TaskWait};
use serde_json::Value;
use std::collections::HashSet;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The most sessions the benchmark opens: it stays a bounded load.
const MAX_SESSIONS: usize = 512;

struct Settings {
    sessions: usize,
    rounds: usize,
    seed: usize,
}

fn settings() -> Result<Settings, String> {
    let mut settings = Settings { sessions: 64, rounds: 20, seed: 2000 };
    let mut words = std::env::args().skip(1);
    while let Some(flag) = words.next() {
        let value: usize = words.next().and_then(|v| v.parse().ok()).ok_or_else(|| format!("{flag} needs a count"))?;
        match flag.as_str() {
            "--sessions" => settings.sessions = value.clamp(1, MAX_SESSIONS),
            "--rounds" => settings.rounds = value,
            "--seed" => settings.seed = value,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(settings)
}

/// Times one request.
async fn timed<T, E: std::fmt::Display>(
    latencies: &mut Vec<Duration>,
    call: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    let start = Instant::now();
    let outcome = call.await.map_err(|e| e.to_string());
    latencies.push(start.elapsed());
    outcome
}

/// One session's work: per round, add a host, show it, change it, list a
/// page; publish every fifth round and at the end.
async fn worker(client: Client, id: usize, rounds: usize) -> Result<(Vec<Duration>, Vec<String>), String> {
    let mut latencies = Vec::new();
    // A session of its own: identical logins at once share one session.
    let login = Login::with_password(Options::USER, Secret::new(Options::PASSWORD)).session_name(format!("load {id}"));
    let session: Session = timed(&mut latencies, client.login(login)).await?;
    let wait = TaskWait::new(Duration::from_millis(5), Duration::from_secs(60));
    let mut names = Vec::new();
    for round in 0..rounds {
        let name = format!("load-{id:03}-{round:04}");
        let octets = format!("10.{}.{}.{}", 200 + id / 256, id % 256, round % 256);
        timed(&mut latencies, session.add_host(AddHost::new(name.clone()).ip_address(octets))).await?;
        timed(&mut latencies, session.show_host(ShowHost::new().name(name.clone()))).await?;
        timed(&mut latencies, session.set_host(SetHost::new().name(name.clone()).comments("under load"))).await?;
        timed(
            &mut latencies,
            session.show_hosts(ShowHosts::new().limit(50).offset(i64::try_from(round * 50).unwrap_or(0))),
        )
        .await?;
        if round % 5 == 4 || round + 1 == rounds {
            let start = Instant::now();
            session.send_and_wait(Publish::new(), wait.clone()).await.map_err(|e| e.to_string())?;
            latencies.push(start.elapsed());
        }
        names.push(name);
    }
    timed(&mut latencies, session.logout(Logout::new())).await?;
    Ok((latencies, names))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

async fn run(settings: Settings) -> Result<(), String> {
    let server = FakeServer::start(Options::default().plain_http()).await.map_err(|e| e.to_string())?;
    server.seed("host", settings.seed)?;
    let client = Client::builder(server.url()).build().map_err(|e| e.to_string())?;
    let start = Instant::now();
    let workers: Vec<_> =
        (0..settings.sessions).map(|id| tokio::spawn(worker(client.clone(), id, settings.rounds))).collect();
    let mut latencies = Vec::new();
    let mut added = Vec::new();
    for worker in workers {
        let (times, names) = worker.await.map_err(|e| e.to_string())??;
        latencies.extend(times);
        added.extend(names);
    }
    let elapsed = start.elapsed();
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "sessions={} requests={} seconds={:.2} requests_per_second={:.0}",
        settings.sessions,
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency_ms p50={:.2} p90={:.2} p99={:.2} max={:.2}",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&latencies, 1.0))
    );

    // Every added host is published exactly once; no seeded host is lost.
    let state = server.dump_state();
    let objects = state["objects"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = objects.iter().filter_map(|o| o.get("name").and_then(Value::as_str)).collect();
    let unique: HashSet<&str> = names.iter().copied().collect();
    let missing = added.iter().filter(|n| !unique.contains(n.as_str())).count();
    let duplicated = names.len() - unique.len();
    let expected = settings.seed + added.len();
    println!("objects={} expected={expected} missing={missing} duplicated={duplicated}", names.len());
    if missing > 0 || duplicated > 0 || names.len() != expected {
        return Err("objects were lost or duplicated".to_owned());
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match settings() {
        Ok(settings) => match run(settings).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("load: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("load: {e}");
            ExitCode::FAILURE
        }
    }
}
