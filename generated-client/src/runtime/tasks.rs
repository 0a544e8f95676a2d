//! Waiting for asynchronous tasks (`publish`, `install-policy`, …).

use super::error::{Error, Result};
use super::session::Session;
use super::{HasTasks, SessionCommand};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// How to wait for tasks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskWait {
    /// Time between two `show-task` polls.
    pub interval: Duration,
    /// Give up after this long, with [`Error::TaskTimeout`].
    pub deadline: Duration,
}

impl Default for TaskWait {
    fn default() -> Self {
        TaskWait { interval: Duration::from_secs(2), deadline: Duration::from_secs(600) }
    }
}

impl TaskWait {
    /// Waits at most `deadline`, polling every `interval`.
    pub fn new(interval: Duration, deadline: Duration) -> Self {
        TaskWait { interval, deadline }
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
        matches!(self, TaskStatus::Succeeded | TaskStatus::SucceededWithWarnings)
    }
}

/// A finished task.
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
    /// The whole task as `show-task` returned it.
    pub task: Value,
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
        loop {
            // `task-id` is documented as a string: one poll per task.
            let mut tasks = Vec::with_capacity(task_ids.len());
            for id in &task_ids {
                let answer = self.call_json("show-task", &json!({"task-id": id, "details-level": "full"})).await?;
                if let Some(found) = answer.get("tasks").and_then(Value::as_array) {
                    tasks.extend(found.iter().cloned());
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
}
