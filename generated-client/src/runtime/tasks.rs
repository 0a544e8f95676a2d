//! Waiting for asynchronous tasks (`publish`, `install-policy`, …).

use super::error::{Error, Result};
use super::session::Session;
use super::{HasTasks, SessionCommand};
use crate::types::Task;
use serde_json::{json, Value};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many times a failing `show-task` is asked again by default: right
/// after the call that started it, a task can be unknown for a moment (the
/// SDKs retry 5 times).
pub const SHOW_TASK_RETRIES: u32 = 5;

/// Called with each task's progress as the polls see it.
pub type ProgressFn = Arc<dyn Fn(&TaskProgress) + Send + Sync>;

/// A task's progress at one poll.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TaskProgress {
    /// The task id.
    pub task_id: String,
    /// Its `status` as the server spells it.
    pub status: String,
    /// Its `progress-percentage`.
    pub percentage: Option<i64>,
}

/// How to wait for tasks.
#[derive(Clone)]
#[non_exhaustive]
pub struct TaskWait {
    /// Time between two `show-task` polls.
    pub interval: Duration,
    /// Give up after this long, with [`Error::TaskTimeout`].
    pub deadline: Duration,
    /// How many failing `show-task` polls in a row are asked again (one
    /// `interval` apart) before the failure is returned.
    pub show_task_retries: u32,
    /// Called at every poll with each task's progress.
    pub on_progress: Option<ProgressFn>,
}

impl fmt::Debug for TaskWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskWait")
            .field("interval", &self.interval)
            .field("deadline", &self.deadline)
            .field("show_task_retries", &self.show_task_retries)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

impl Default for TaskWait {
    fn default() -> Self {
        TaskWait::new(Duration::from_secs(2), Duration::from_secs(600))
    }
}

impl TaskWait {
    /// Waits at most `deadline`, polling every `interval`.
    pub fn new(interval: Duration, deadline: Duration) -> Self {
        TaskWait { interval, deadline, show_task_retries: SHOW_TASK_RETRIES, on_progress: None }
    }

    /// Asks a failing `show-task` again this many times in a row.
    pub fn show_task_retries(mut self, retries: u32) -> Self {
        self.show_task_retries = retries;
        self
    }

    /// Calls `observer` with each task's progress at every poll.
    pub fn on_progress(mut self, observer: impl Fn(&TaskProgress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(observer));
        self
    }
}

/// Which final statuses count as success: `succeeded with warnings` and
/// `partially succeeded` are the caller's call (the SDKs disagree).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskPolicy {
    /// Whether `succeeded with warnings` is a success.
    pub accept_warnings: bool,
    /// Whether `partially succeeded` is a success.
    pub accept_partial: bool,
}

impl Default for TaskPolicy {
    /// Warnings accepted, partial success not.
    fn default() -> Self {
        TaskPolicy { accept_warnings: true, accept_partial: false }
    }
}

/// The final status of a task.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskStatus {
    /// Done without problems.
    Succeeded,
    /// Done, with warnings in its details.
    SucceededWithWarnings,
    /// Done for some targets only.
    PartiallySucceeded,
    /// Failed; its details say why.
    Failed,
    /// A final status this version does not know.
    Other(String),
}

impl TaskStatus {
    /// Reads a `status` value; `None` while the task runs.
    pub fn from_wire(status: &str) -> Option<TaskStatus> {
        Some(match status.trim().to_ascii_lowercase().as_str() {
            "in progress" | "in_progress" | "pending" | "queued" => return None,
            "succeeded" => TaskStatus::Succeeded,
            "succeeded with warnings" => TaskStatus::SucceededWithWarnings,
            "partially succeeded" => TaskStatus::PartiallySucceeded,
            "failed" => TaskStatus::Failed,
            _ => TaskStatus::Other(status.to_owned()),
        })
    }

    /// Whether the task did what it was asked (with or without warnings).
    pub fn is_success(&self) -> bool {
        self.is_success_under(TaskPolicy::default())
    }

    /// Whether this status is a success under `policy`.
    pub fn is_success_under(&self, policy: TaskPolicy) -> bool {
        match self {
            TaskStatus::Succeeded => true,
            TaskStatus::SucceededWithWarnings => policy.accept_warnings,
            TaskStatus::PartiallySucceeded => policy.accept_partial,
            TaskStatus::Failed | TaskStatus::Other(_) => false,
        }
    }
}

/// A finished task. Its details stay JSON (`details`, `task`): their shape
/// depends on the command that started the task, and the documentation
/// describes it loosely; [`TaskOutcome::typed`] reads the task as the
/// generated [`Task`] type.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskOutcome {
    /// The task id.
    pub task_id: String,
    /// How it ended.
    pub status: TaskStatus,
    /// Its `progress-percentage`.
    pub progress_percentage: Option<i64>,
    /// Its `task-details` (with `details-level` `full`).
    pub details: Vec<Value>,
    /// What the server says went wrong or happened, in order:
    /// `fault-message`, `statusDescription` and `comments` of the details,
    /// then the task's `comments` and `progress-description` (batch
    /// commands put their failures there).
    pub messages: Vec<String>,
    /// The whole task as `show-task` returned it.
    pub task: Value,
}

impl TaskOutcome {
    /// The task as the generated [`Task`] type (the `tasks[]` item of
    /// `show-task`), its `task-details` typed as [`TaskTaskDetail`]s;
    /// fields the type does not declare stay in their `extra` maps (a
    /// publish's `publishResponse`, say). Decoded on demand, so that a
    /// server whose details do not fit the documentation fails here, with
    /// an [`Error::Decode`] naming the field, and not the wait.
    ///
    /// [`TaskTaskDetail`]: crate::types::TaskTaskDetail
    pub fn typed(&self) -> Result<Task> {
        serde_path_to_error::deserialize(&self.task)
            .map_err(|e| Error::decode("show-task", ".tasks[]", e, self.task.to_string().as_bytes()))
    }
}

impl Session {
    /// Waits until the tasks a response names are done, polling `show-task`.
    pub async fn wait_for_tasks(&self, response: &impl HasTasks, wait: TaskWait) -> Result<Vec<TaskOutcome>> {
        self.wait_for_task_ids(response.task_ids(), wait).await
    }

    /// Sends a command and waits for the tasks its response names.
    pub async fn send_and_wait<C: SessionCommand>(
        &self,
        request: C,
        wait: TaskWait,
    ) -> Result<(C::Response, Vec<TaskOutcome>)>
    where
        C::Response: HasTasks + Sync,
    {
        let response = self.send(request).await?;
        let outcomes = self.wait_for_tasks(&response, wait).await?;
        Ok((response, outcomes))
    }

    /// Waits until these tasks are done. A deadline gives
    /// [`Error::TaskTimeout`], which names the tasks.
    pub async fn wait_for_task_ids(&self, task_ids: Vec<String>, wait: TaskWait) -> Result<Vec<TaskOutcome>> {
        if task_ids.is_empty() {
            return Ok(Vec::new());
        }
        let started = Instant::now();
        let mut failed_polls = 0;
        loop {
            let tasks = match self.poll_tasks(&task_ids).await {
                Ok(tasks) => {
                    failed_polls = 0;
                    tasks
                }
                Err(error) if failed_polls < wait.show_task_retries && is_transient(&error) => {
                    failed_polls += 1;
                    tracing::debug!(%error, failed_polls, "show-task failed; asking again");
                    tokio::time::sleep(wait.interval).await;
                    continue;
                }
                Err(error) => return Err(error),
            };
            if let Some(observer) = &wait.on_progress {
                for task in &tasks {
                    observer(&progress_of(task));
                }
            }
            if let Some(outcomes) = finished(&json!({"tasks": tasks}), &task_ids) {
                return Ok(outcomes);
            }
            let waited = started.elapsed();
            if waited + wait.interval > wait.deadline {
                return Err(Error::TaskTimeout { task_ids, waited });
            }
            tokio::time::sleep(wait.interval).await;
        }
    }
}

impl Session {
    /// One poll of every task (`task-id` is documented as a string: one
    /// request per task).
    async fn poll_tasks(&self, task_ids: &[String]) -> Result<Vec<Value>> {
        let mut tasks = Vec::with_capacity(task_ids.len());
        for id in task_ids {
            let answer = self.call_json("show-task", &json!({"task-id": id, "details-level": "full"})).await?;
            if let Some(found) = answer.get("tasks").and_then(Value::as_array) {
                tasks.extend(found.iter().cloned());
            }
        }
        Ok(tasks)
    }
}

/// Whether a failed `show-task` may work when asked again: a failure the
/// server answered (a task not known yet, a busy server), not a transport
/// or TLS fault, which retrying would only repeat.
fn is_transient(error: &Error) -> bool {
    matches!(error, Error::Api { .. } | Error::NotJson { .. })
}

fn progress_of(task: &Value) -> TaskProgress {
    TaskProgress {
        task_id: task.get("task-id").and_then(Value::as_str).unwrap_or_default().to_owned(),
        status: task.get("status").and_then(Value::as_str).unwrap_or_default().to_owned(),
        percentage: task.get("progress-percentage").and_then(Value::as_i64),
    }
}

/// The failure text of a task: the details' messages, then the task's own.
fn messages_of(task: &Value) -> Vec<String> {
    let mut messages = Vec::new();
    let mut take = |value: Option<&Value>| {
        if let Some(text) = value.and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty()) {
            messages.push(text.to_owned());
        }
    };
    for detail in task.get("task-details").and_then(Value::as_array).into_iter().flatten() {
        for key in ["fault-message", "statusDescription", "comments"] {
            take(detail.get(key));
        }
    }
    take(task.get("comments"));
    take(task.get("progress-description"));
    messages
}

/// The outcomes, when every task named is done.
fn finished(answer: &Value, task_ids: &[String]) -> Option<Vec<TaskOutcome>> {
    let tasks = answer.get("tasks")?.as_array()?;
    let mut outcomes = Vec::new();
    for id in task_ids {
        let task = tasks.iter().find(|t| t.get("task-id").and_then(Value::as_str) == Some(id.as_str()))?;
        let status = TaskStatus::from_wire(task.get("status").and_then(Value::as_str).unwrap_or("in progress"))?;
        outcomes.push(TaskOutcome {
            task_id: id.clone(),
            status,
            progress_percentage: task.get("progress-percentage").and_then(Value::as_i64),
            details: task.get("task-details").and_then(Value::as_array).cloned().unwrap_or_default(),
            messages: messages_of(task),
            task: task.clone(),
        });
    }
    Some(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(TaskStatus::from_wire("in progress"), None);
        assert_eq!(TaskStatus::from_wire("succeeded"), Some(TaskStatus::Succeeded));
        assert_eq!(TaskStatus::from_wire("partially succeeded"), Some(TaskStatus::PartiallySucceeded));
        assert!(TaskStatus::from_wire("succeeded with warnings").unwrap().is_success());
        assert!(!TaskStatus::from_wire("failed").unwrap().is_success());
    }

    #[test]
    fn finished_only_when_all_are_done() {
        let ids = vec!["a".to_owned(), "b".to_owned()];
        let running =
            json!({"tasks": [{"task-id": "a", "status": "succeeded"}, {"task-id": "b", "status": "in progress"}]});
        assert!(finished(&running, &ids).is_none());
        let done = json!({"tasks": [{"task-id": "a", "status": "succeeded"}, {"task-id": "b", "status": "failed", "task-details": [{"x": 1}]}]});
        let outcomes = finished(&done, &ids).unwrap();
        assert_eq!(outcomes[1].status, TaskStatus::Failed);
        assert_eq!(outcomes[1].details.len(), 1);
    }

    #[test]
    fn warnings_and_partial_success_are_the_callers_choice() {
        let strict = TaskPolicy { accept_warnings: false, accept_partial: false };
        let lenient = TaskPolicy { accept_warnings: true, accept_partial: true };
        assert!(!TaskStatus::SucceededWithWarnings.is_success_under(strict));
        assert!(TaskStatus::PartiallySucceeded.is_success_under(lenient));
        assert!(!TaskStatus::Failed.is_success_under(lenient));
    }

    #[test]
    fn a_task_reads_as_the_generated_type_or_says_which_field_does_not_fit() {
        let task = json!({"task-id": "a", "status": "succeeded", "progress-percentage": 100,
            "task-details": [{"statusCode": "succeeded", "publishResponse": {"numberOfPublishedChanges": 2}}]});
        let outcome = finished(&json!({"tasks": [task]}), &["a".to_owned()]).unwrap().remove(0);
        let typed = outcome.typed().unwrap();
        assert_eq!((typed.task_id.as_deref(), typed.progress_percentage), (Some("a"), Some(100)));
        let details = typed.task_details.unwrap().into_vec();
        let detail = details[0].object().unwrap();
        assert_eq!(detail.status_code.as_deref(), Some("succeeded"));
        assert_eq!(detail.extra["publishResponse"]["numberOfPublishedChanges"], 2);

        let odd = json!({"task-id": "b", "status": "failed", "progress-percentage": "most"});
        let outcome = finished(&json!({"tasks": [odd]}), &["b".to_owned()]).unwrap().remove(0);
        let error = outcome.typed().unwrap_err();
        assert!(error.to_string().contains(".tasks[].progress-percentage"), "{error}");
    }

    #[test]
    fn failure_text_is_gathered() {
        let task = json!({"task-id": "a", "status": "failed", "progress-description": "2 of 3 objects failed",
            "task-details": [{"fault-message": "Policy verification failed", "statusDescription": " ", "comments": "gw1"}]});
        assert_eq!(messages_of(&task), ["Policy verification failed", "gw1", "2 of 3 objects failed"]);
    }
}
