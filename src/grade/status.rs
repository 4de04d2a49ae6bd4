//! What the grader is doing right now, in one line for a screen that redraws: which
//! criterion is being graded, how many are done, and how long the last one took. The
//! LLM grader reports into it (`reporter`); the mock's grading screen reads it (`line`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::llm::{Progress, ProgressFn};

#[derive(Debug, Clone, Default)]
pub struct GradingStatus {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    requests: usize,
    done: usize,
    current: Option<String>,
    last: Option<Duration>,
}

impl GradingStatus {
    /// A progress callback that keeps this status up to date.
    pub fn reporter(&self) -> ProgressFn {
        let state = self.state.clone();
        Arc::new(move |event| {
            let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
            match event {
                Progress::Planned { requests, .. } => {
                    *s = State {
                        requests,
                        ..State::default()
                    };
                }
                Progress::Started { criterion } => s.current = criterion,
                Progress::Finished {
                    done, total, elapsed, ..
                } => {
                    s.done = done;
                    s.requests = total;
                    s.last = Some(elapsed);
                }
            }
        })
    }

    /// "criterion 3 of 7 (architecture) · 2 done, the last in 48 s", or `None` before the
    /// grader has planned (the offline grader never does: it takes milliseconds).
    pub fn line(&self) -> Option<String> {
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.requests == 0 {
            return None;
        }
        let mut line = if s.requests == 1 {
            "one request for the whole rubric".to_owned()
        } else {
            let at = (s.done + 1).min(s.requests);
            let what = s.current.as_deref().map_or(String::new(), |c| format!(" ({c})"));
            format!("criterion {at} of {}{what}", s.requests)
        };
        if let Some(last) = s.last {
            line.push_str(&format!(" · {} done, the last in {} s", s.done, last.as_secs()));
        }
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_follows_the_requests_as_they_start_and_finish() {
        let status = GradingStatus::default();
        assert_eq!(status.line(), None);
        let report = status.reporter();
        report(Progress::Planned {
            requests: 7,
            note: Some("the whole rubric does not fit 8,192 tokens".into()),
        });
        report(Progress::Started {
            criterion: Some("characterisation".into()),
        });
        assert_eq!(status.line().unwrap(), "criterion 1 of 7 (characterisation)");
        report(Progress::Finished {
            criterion: Some("characterisation".into()),
            done: 1,
            total: 7,
            elapsed: Duration::from_secs(48),
        });
        report(Progress::Started {
            criterion: Some("scope-estimation".into()),
        });
        assert_eq!(
            status.line().unwrap(),
            "criterion 2 of 7 (scope-estimation) · 1 done, the last in 48 s"
        );
    }
}
