//! Tasks with a policy, against the fake server: `show-task` asked again
//! when it fails right after the call, progress observable, failure text
//! gathered.

use fake_server::{FakeServer, Fault, Options};
use generated_client::types::{Login, Publish};
use generated_client::{Client, Error, Secret, Session, TaskPolicy, TaskStatus, TaskWait};
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn session() -> (FakeServer, Session) {
    let server = FakeServer::start(Options::default()).await.unwrap();
    let client = Client::builder(server.url()).add_root_pem(server.ca_pem().unwrap().as_bytes()).build().unwrap();
    let session = client.login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD))).await.unwrap();
    (server, session)
}

fn quick() -> TaskWait {
    TaskWait::new(Duration::from_millis(5), Duration::from_secs(30))
}

#[tokio::test]
async fn show_task_failing_right_after_the_call_is_asked_again() {
    let (server, session) = session().await;
    server.task_polls(Some(0));
    server.fail("show-task", 2, Fault::HtmlError);
    let (_, outcomes) = session.send_and_wait(Publish::new(), quick()).await.unwrap();
    assert_eq!(outcomes[0].status, TaskStatus::Succeeded);
    assert_eq!(server.calls("show-task"), 3);
}

#[tokio::test]
async fn show_task_retries_are_bounded() {
    let (server, session) = session().await;
    server.fail("show-task", 3, Fault::HtmlError);
    let error = session.send_and_wait(Publish::new(), quick().show_task_retries(2)).await.unwrap_err();
    assert!(matches!(error, Error::NotJson { status: 500, .. }), "{error:?}");
    assert_eq!(server.calls("show-task"), 3);
}

#[tokio::test]
async fn progress_is_observable() {
    let (server, session) = session().await;
    server.task_polls(Some(2));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let wait = quick().on_progress(move |p| log.lock().unwrap().push((p.status.clone(), p.percentage)));
    let (_, outcomes) = session.send_and_wait(Publish::new(), wait).await.unwrap();
    assert!(outcomes[0].status.is_success_under(TaskPolicy { accept_warnings: false, accept_partial: false }));
    assert!(outcomes[0].messages.is_empty(), "{:?}", outcomes[0].messages);
    let seen = seen.lock().unwrap();
    assert_eq!(
        *seen,
        [
            ("in progress".to_owned(), Some(10)),
            ("in progress".to_owned(), Some(20)),
            ("succeeded".to_owned(), Some(100))
        ]
    );
}

#[tokio::test]
async fn a_finished_task_reads_as_the_generated_type() {
    let (_server, session) = session().await;
    let (_, outcomes) = session.send_and_wait(Publish::new(), quick()).await.unwrap();
    let task = outcomes[0].typed().expect("the fake server's task fits the documented type");
    assert_eq!(task.task_id.as_deref(), Some(outcomes[0].task_id.as_str()));
    assert_eq!(task.progress_percentage, Some(100));
    let details = task.task_details.expect("details").into_vec();
    let publish = details[0].object().expect("a detail object");
    assert_eq!(publish.extra["publishResponse"]["numberOfPublishedChanges"], 0, "undeclared fields stay in extra");
}
