//! Logins that respect the server, against the fake server: concurrent
//! logins share one, a throttled login waits out the server's window
//! within a deadline, and many domains take one login.

use fake_server::{FakeServer, Options, Quirk};
use generated_client::types::{ErrorCode, Login, LoginToDomain, ShowSession};
use generated_client::{Client, Error, Secret};
use std::error::Error as _;
use std::time::{Duration, Instant};

async fn server() -> FakeServer {
    FakeServer::start(Options::default().plain_http()).await.expect("server starts")
}

fn password() -> Login {
    Login::with_password(Options::USER, Secret::new(Options::PASSWORD))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_logins_with_the_same_identity_share_one() {
    let server = server().await;
    // Long enough that every task asks while the first login is in flight.
    server.delay("login", Duration::from_millis(300));
    let client = Client::builder(server.url()).build().unwrap();
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.login(password()).await })
        })
        .collect();
    let mut sids = Vec::new();
    for task in tasks {
        let session = task.await.unwrap().expect("every caller gets the session");
        sids.push(session.sid().expose().to_owned());
    }
    assert_eq!(server.calls("login"), 1, "one login for five callers");
    assert!(sids.windows(2).all(|w| w[0] == w[1]), "the same session for all");

    // Once it is done, the next login is a login of its own.
    let later = client.login(password()).await.unwrap();
    assert_eq!(server.calls("login"), 2);
    assert_ne!(later.sid().expose(), sids[0]);
    later.show_session(ShowSession::new()).await.unwrap();
}

#[tokio::test]
async fn concurrent_logins_share_the_error_too_and_other_requests_do_not_share() {
    let server = server().await;
    server.delay("login", Duration::from_millis(200));
    let client = Client::builder(server.url()).build().unwrap();
    let wrong = || client.login(Login::with_password(Options::USER, Secret::new("wrong-Passw0rd")));
    let (a, b, c) = tokio::join!(wrong(), wrong(), wrong());
    for result in [a, b, c] {
        let error = result.unwrap_err();
        assert_eq!(error.code(), Some(&ErrorCode::ErrLoginFailedWrongUsernameOrPassword));
        assert!(!format!("{error} {error:?}").contains("wrong-Passw0rd"));
    }
    assert_eq!(server.calls("login"), 1);

    // Another session name is another request: no session opened with
    // options the caller did not ask for.
    let (a, b) = tokio::join!(client.login(password().session_name("a")), client.login(password().session_name("b")));
    assert_ne!(a.unwrap().sid(), b.unwrap().sid());
    assert_eq!(server.calls("login"), 3);
}

#[tokio::test]
async fn a_throttled_login_waits_out_the_window() {
    let server = server().await;
    server.quirk(Quirk::LoginThrottleWithin(1, Duration::from_millis(400)));
    let client = Client::builder(server.url())
        .login_throttle_wait(Duration::from_millis(250))
        .login_deadline(Duration::from_secs(10))
        .build()
        .unwrap();
    client.login(password()).await.unwrap();
    let started = Instant::now();
    let session = client.login(password()).await.expect("the second login waits and succeeds");
    assert!(started.elapsed() >= Duration::from_millis(350), "{:?}", started.elapsed());
    // Refused at 0 ms (and at 250 ms, unless the machine was slow), let in
    // at 500 ms, once the window passed.
    assert!((3..=4).contains(&server.calls("login")), "{} logins", server.calls("login"));
    session.show_session(ShowSession::new()).await.unwrap();
}

#[tokio::test]
async fn a_login_throttled_past_the_deadline_says_to_reuse_sessions() {
    let server = server().await;
    server.quirk(Quirk::LoginThrottle(1));
    let client = Client::builder(server.url())
        .login_throttle_wait(Duration::from_millis(100))
        .login_deadline(Duration::from_millis(350))
        .build()
        .unwrap();
    client.login(password()).await.unwrap();
    let started = Instant::now();
    let error = client.login(password()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    let Error::LoginThrottled { attempts, .. } = &error else { panic!("not LoginThrottled: {error:?}") };
    // Tries at 0, 100, 200 (and 300) ms: the next would start after the
    // deadline, so it is not made.
    assert!((3..=4).contains(attempts), "{attempts} attempts");
    assert_eq!(server.calls("login"), 1 + *attempts as usize);
    let message = error.to_string();
    for words in ["throttles logins", "3 logins per minute per administrator", "reuse sessions", "login-to-domain"] {
        assert!(message.contains(words), "{message}");
    }
    // The server's answer stays reachable.
    assert_eq!((error.code(), error.status()), (Some(&ErrorCode::ErrTooManyRequests), Some(429)));
    assert!(error.source().is_some_and(|cause| cause.to_string().contains("err_too_many_requests")));
    assert!(!format!("{message} {error:?} {client:?}").contains(Options::PASSWORD));
}

#[tokio::test]
async fn many_domains_take_one_login() {
    let server = server().await;
    server.quirk(Quirk::LoginThrottle(3));
    let client = Client::builder(server.url()).login_deadline(Duration::ZERO).build().unwrap();
    let mds = client.login(password()).await.unwrap();
    let domains = ["d1", "d2", "d3", "d4", "d5"];
    let sessions = futures_util::future::try_join_all(
        domains.iter().map(|domain| mds.login_to_domain(LoginToDomain::new(domain.to_string()))),
    )
    .await
    .expect("domain logins are calls in the session, not logins");
    assert_eq!(server.calls("login"), 1);
    assert_eq!(server.calls("login-to-domain"), domains.len());
    for session in &sessions {
        assert_ne!(session.sid(), mds.sid());
        session.show_session(ShowSession::new()).await.unwrap();
    }
}
