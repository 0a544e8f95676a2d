//! One request: `POST /web_api[/v<version>]/<command>`.

use crate::objects::{self, Caller};
use crate::state::{Answer, Fault, Session, State};
use crate::store::Refusal;
use axum::body::Bytes;
use axum::extract::{Path, State as Shared};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use generated_client::types::registry;
use generated_client::Lifecycle;
use serde_json::{json, Map, Value};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// The example answers of every command, made by the generator.
pub(crate) fn example_answers() -> &'static Map<String, Value> {
    static ANSWERS: OnceLock<Map<String, Value>> = OnceLock::new();
    ANSWERS.get_or_init(|| {
        serde_json::from_str::<Value>(include_str!("generated/answers.json"))
            .ok()
            .and_then(|v| v.get("answers").and_then(Value::as_object).cloned())
            .unwrap_or_default()
    })
}

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new().route("/web_api/{*path}", any(handle)).with_state(state)
}

/// A failure answer with a real failure body.
fn failure(status: u16, code: &str, message: impl Into<String>) -> Response {
    let body = json!({"code": code, "message": message.into()});
    json_answer(status, &body)
}

fn refused(refusal: &Refusal) -> Response {
    json_answer(refusal.status, &refusal.body())
}

fn json_answer(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [("content-type", "application/json")], body.to_string()).into_response()
}

/// The page an API server answers to a client address it does not accept.
fn not_allowed_page() -> Response {
    let page = "<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1>\
                <p>You don't have permission to access /web_api/ on this server.</p></body></html>";
    (StatusCode::FORBIDDEN, [("content-type", "text/html")], page).into_response()
}

/// A 200 whose body stops after a few bytes: the connection drops.
fn dropped_mid_answer() -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"{\"uid\": \"")),
        Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "dropped mid-answer")),
    ];
    let body = axum::body::Body::from_stream(futures_util::stream::iter(chunks));
    (StatusCode::OK, [("content-type", "application/json")], body).into_response()
}

fn fault(fault: Fault) -> Response {
    match fault {
        Fault::RateLimited => failure(429, "err_too_many_requests", "Too many requests, try again later"),
        Fault::HtmlError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [("content-type", "text/html")],
            "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>",
        )
            .into_response(),
        Fault::TruncatedJson => {
            (StatusCode::OK, [("content-type", "application/json")], "{\"uid\": \"1234\", \"name\": \"tru").into_response()
        }
    }
}

async fn handle(
    Shared(state): Shared<Arc<State>>,
    Path(path): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let command = segments.pop().unwrap_or_default().to_owned();
    if segments.len() > 1 || segments.first().is_some_and(|v| !v.starts_with('v')) {
        return failure(404, "err_bad_url", format!("no such path: {}", uri.path()));
    }
    state.record(&command, uri.path());
    let (not_allowed, slow, drop) =
        state.quirks(|q| (q.client_not_allowed, q.slow, q.drop_connection.contains(&command)));
    if not_allowed {
        return not_allowed_page();
    }
    if let Some(delay) = slow {
        tokio::time::sleep(delay).await;
    }
    if drop {
        return dropped_mid_answer();
    }
    let Some(cmd) = registry::lookup(&command) else {
        return failure(404, "generic_err_command_not_found", format!("the command `{command}` does not exist"));
    };
    if let Some(injected) = state.take_fault(&command) {
        return fault(injected);
    }
    if let Some(delay) = state.delay_of(&command) {
        tokio::time::sleep(delay).await;
    }

    let sid = headers.get("x-chkp-sid").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let session = match (&sid, cmd.needs_session()) {
        (_, false) => None,
        (None, true) => return failure(401, "generic_err_missing_session_id", "Missing header: [X-chkp-sid]"),
        (Some(sid), true) => match state.session(sid) {
            None => return failure(401, "generic_err_wrong_session_id", "Wrong session id"),
            Some(s) if s.expired => return failure(401, "generic_err_session_expired", "Session expired"),
            Some(s) => Some(s),
        },
    };

    let request: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => return failure(400, "generic_err_invalid_syntax", "The body must be a JSON object"),
            Err(e) => return failure(400, "generic_err_invalid_syntax", format!("Invalid JSON: {e}")),
        }
    };
    if let Err(e) = cmd.roundtrip_request(request.clone()) {
        return failure(400, "generic_err_invalid_parameter", format!("Invalid parameter for [{command}]: {e}"));
    }

    if let Some(answer) = state.scripted(&command) {
        return match answer {
            Answer::Json(body) => json_answer(200, &body),
            Answer::Failure { status, code, message } => failure(status, &code, message),
        };
    }
    match (command.as_str(), cmd.lifecycle()) {
        ("login", _) => login(&state, &request),
        (_, Lifecycle::Opens) => {
            let Some(from) = session else {
                return failure(401, "generic_err_missing_session_id", "Missing header: [X-chkp-sid]");
            };
            let domain = request.get("domain").and_then(Value::as_str).map(str::to_owned);
            let read_only = request.get("read-only").and_then(Value::as_bool).unwrap_or(from.read_only);
            let new = Session {
                uid: state.fresh("session"),
                domain,
                read_only,
                expired: false,
                last_seen: Instant::now(),
                ..from
            };
            json_answer(200, &grant(&state, new))
        }
        (_, Lifecycle::Ends) => {
            if let Some(sid) = &sid {
                state.close(sid);
            }
            json_answer(200, &json!({"message": "OK"}))
        }
        ("show-session", _) => match request.get("uid").and_then(Value::as_str) {
            // Another session, by uid (the lock's holder, say).
            Some(uid) => match state.sessions().into_iter().find(|s| s.uid == uid) {
                Some(other) => json_answer(200, &session_object(&state, Some(&other))),
                None => failure(404, "generic_err_object_not_found", format!("Requested object [{uid}] not found")),
            },
            None => json_answer(200, &session_object(&state, session.as_ref())),
        },
        ("show-sessions", _) => show_sessions(&state, &request),
        ("show-task", _) => show_task(&state, &request),
        ("publish", _) => publish(&state, session.as_ref(), &request),
        ("discard", _) => discard(&state, session.as_ref(), &request),
        ("where-used", _) => {
            let uid = session.as_ref().map_or("", |s| s.uid.as_str());
            match state.objects(|store| objects::where_used(store, uid, &request)) {
                Ok(answer) => json_answer(200, &answer),
                Err(refusal) => refused(&refusal),
            }
        }
        _ => {
            if let Some(answer) = scripted_page(&state, &command, &request) {
                return answer;
            }
            if let (true, Some(session)) = (objects::is_rulebase(&command), &session) {
                return match state.objects(|store| crate::rulebase::show(store, &session.uid, &request)) {
                    Ok(answer) => json_answer(200, &answer),
                    Err(refusal) => refused(&refusal),
                };
            }
            if let (Some((family, role)), Some(session)) = (objects::route(&command), &session) {
                let equal_names_reversed = role == "list" && state.quirks(|q| q.equal_names_reversed());
                let caller = Caller { session: &session.uid, user: &session.user, equal_names_reversed };
                let mut fresh_uid = || state.fresh("object");
                let outcome = state
                    .objects(|store| objects::run(store, &caller, family, role, &command, &request, &mut fresh_uid));
                return match outcome {
                    Ok(answer) => json_answer(200, &answer),
                    Err(refusal) => refused(&refusal),
                };
            }
            let mut answer = example_answers().get(&command).cloned().unwrap_or_else(|| {
                // No example: a minimal answer, with a task where the
                // command starts one.
                if registry::TASK_COMMANDS.contains(&command.as_str()) {
                    json!({"task-id": ""})
                } else {
                    json!({})
                }
            });
            with_fresh_tasks(&state, &mut answer);
            json_answer(200, &answer)
        }
    }
}

/// A page of a collection a test gave the command, if it has one.
fn scripted_page(state: &State, command: &str, request: &Value) -> Option<Response> {
    let window = |key: &str, default: usize| {
        request.get(key).and_then(Value::as_u64).map_or(default, |v| usize::try_from(v).unwrap_or(default))
    };
    let offset = window("offset", 0);
    let (items, total) = state.page(command, offset, window("limit", 50))?;
    let to = offset + items.len();
    Some(json_answer(200, &json!({"from": offset + 1, "to": to, "total": total, "objects": items})))
}

/// `publish`: the session's changes become everyone's, through a task.
fn publish(state: &State, session: Option<&Session>, request: &Value) -> Response {
    let Some(session) = session else {
        return failure(401, "generic_err_missing_session_id", "Missing header: [X-chkp-sid]");
    };
    if request.get("uid").and_then(Value::as_str).is_some_and(|uid| uid != session.uid) {
        // As the real server: only the caller's own session publishes.
        return failure(501, "not_implemented", "Publishing another session is not implemented");
    }
    let count = state.objects(|store| store.publish(&session.uid));
    let details = json!([{"publishResponse": {"numberOfPublishedChanges": count, "mode": "async"}}]);
    json_answer(200, &json!({"task-id": state.new_task_with(details)}))
}

/// `discard`: drops the changes of the caller's session, or of the
/// session `uid` names.
fn discard(state: &State, session: Option<&Session>, request: &Value) -> Response {
    let own = session.map_or("", |s| s.uid.as_str());
    let target = request.get("uid").and_then(Value::as_str).unwrap_or(own);
    let count = state.objects(|store| store.discard(target));
    json_answer(200, &json!({"message": "OK", "number-of-discarded-changes": count}))
}

/// `show-sessions`: every open session, paged.
fn show_sessions(state: &State, request: &Value) -> Response {
    let (offset, limit) = match objects::window(request) {
        Ok(window) => window,
        Err(refusal) => return refused(&refusal),
    };
    let level = request.get("details-level").and_then(Value::as_str).unwrap_or("uid");
    let sessions = state.sessions();
    let total = sessions.len();
    let items = sessions
        .iter()
        .skip(offset)
        .take(limit)
        .map(|s| objects::at_level(session_object(state, Some(s)), level, None))
        .collect();
    json_answer(200, &objects::page_answer("objects", items, offset, total))
}

fn login(state: &State, request: &Value) -> Response {
    let text = |key: &str| request.get(key).and_then(Value::as_str);
    let user = match (text("user"), text("password"), text("api-key")) {
        (Some(user), Some(password), _) => {
            state.options.users.iter().any(|(u, p)| u == user && p == password).then(|| user.to_owned())
        }
        (_, _, Some(key)) => state.options.api_keys.iter().any(|k| k == key).then(|| "api-key-admin".to_owned()),
        _ => return failure(400, "generic_err_missing_required_parameters", "Missing parameter: [user] or [api-key]"),
    };
    let Some(user) = user else {
        return failure(400, "err_login_failed_wrong_username_or_password", "Authentication to server failed.");
    };
    if !state.quirks(|q| q.login_allowed(&user)) {
        return failure(429, "err_too_many_requests", "Too many login requests, try again later");
    }
    let timeout = request.get("session-timeout").and_then(Value::as_u64).unwrap_or(600);
    if !(10..=3600).contains(&timeout) {
        return failure(
            400,
            "generic_err_invalid_parameter",
            "Invalid parameter for [session-timeout]. Range is [10-3600]",
        );
    }
    let session = Session {
        uid: state.fresh("session"),
        user,
        timeout: Duration::from_secs(timeout),
        last_seen: Instant::now(),
        read_only: request.get("read-only").and_then(Value::as_bool).unwrap_or(false),
        domain: text("domain").map(str::to_owned),
        expired: false,
        name: text("session-name").map(str::to_owned),
    };
    json_answer(200, &grant(state, session))
}

/// Opens a session and answers as `login` does.
fn grant(state: &State, session: Session) -> Value {
    let uid = session.uid.clone();
    let read_only = session.read_only;
    let timeout = session.timeout.as_secs();
    let sid = state.open(session);
    json!({
        "sid": sid,
        "uid": uid,
        "url": "https://127.0.0.1/web_api",
        "session-timeout": timeout,
        "read-only": read_only,
        "api-server-version": state.options.api_version,
        "last-login-was-at": {"posix": 1_700_000_000_000_i64, "iso-8601": "2023-11-14T22:13+0000"},
    })
}

fn session_object(state: &State, session: Option<&Session>) -> Value {
    let Some(s) = session else { return json!({}) };
    let (changes, locks) = state.objects(|store| store.changes_and_locks(&s.uid));
    json!({
        "uid": s.uid,
        "name": s.name,
        "type": "session",
        "user-name": s.user,
        "application": "WEB_API",
        "changes": changes,
        "locks": locks,
        "in-work": true,
        "expired-session": s.expired,
        "state": "open",
        "connection-mode": if s.read_only { "read only" } else { "read write" },
        "description": s.domain.as_deref().map(|d| format!("domain {d}")),
    })
}

fn show_task(state: &State, request: &Value) -> Response {
    let ids: Vec<String> = match request.get("task-id") {
        Some(Value::String(id)) => vec![id.clone()],
        Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let mut tasks = Vec::new();
    for id in ids {
        if state.task_not_ready(&id) {
            return failure(404, "generic_err_object_not_found", format!("Requested object [{id}] not found"));
        }
        let Some((done, polls, details)) = state.poll_task(&id) else {
            return failure(404, "generic_err_object_not_found", format!("Requested object [{id}] not found"));
        };
        tasks.push(json!({
            "task-id": id,
            "task-name": "Publish operation",
            "status": if done { "succeeded" } else { "in progress" },
            "progress-percentage": if done { 100 } else { (polls * 10).min(90) },
            "suppressed": false,
            "task-details": if done { details } else { json!([]) },
        }));
    }
    json_answer(200, &json!({"tasks": tasks}))
}

/// Example answers name tasks of the documentation's server: give them
/// fresh ids this server tracks.
fn with_fresh_tasks(state: &State, answer: &mut Value) {
    let Some(object) = answer.as_object_mut() else { return };
    if object.get("task-id").is_some_and(Value::is_string) {
        object.insert("task-id".to_owned(), Value::String(state.new_task()));
    }
    if let Some(Value::Array(tasks)) = object.get_mut("tasks") {
        for task in tasks.iter_mut().filter_map(Value::as_object_mut) {
            if task.contains_key("task-id") {
                task.insert("task-id".to_owned(), Value::String(state.new_task()));
            }
        }
    }
}
