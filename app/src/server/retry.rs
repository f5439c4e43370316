//! How the outboxes (e-mail, webhooks) send and try again: a round as soon as events settle (in
//! any process), when woken, and every few seconds; a failed send waits 30 s, then twice as
//! long each time, at most an hour apart, and is given up after about a day of trying.

use super::live::Live;
use super::AppState;
use crate::error::AppError;
use std::future::Future;
use std::time::Duration;
use tokio::sync::Notify;

/// Sends waiting for a retry are looked at this often even when nothing happens.
const POLL: Duration = Duration::from_secs(5);

const FIRST_RETRY_MS: i64 = 30_000;
const LONGEST_WAIT_MS: i64 = 3_600_000;
/// Tries before a send is given up (about a day of trying).
pub const GIVE_UP_AFTER: i64 = 30;

/// How long after failing `attempts` times a send is tried again.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = (attempts - 1).clamp(0, 20) as u32;
    FIRST_RETRY_MS
        .saturating_mul(1 << doublings)
        .min(LONGEST_WAIT_MS)
}

/// One server process's sender: runs `round` as soon as events settle, when `wake` is
/// notified (a row written outside the ticket events, a send queued again) and every `POLL`;
/// a round that fails is logged as `what` and the next one comes as usual.
pub async fn keep_going<F, Fut, T>(
    state: AppState,
    wake: fn(&Live) -> &Notify,
    what: &'static str,
    round: F,
) where
    F: Fn(AppState) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let mut settled = state.live.settled();
    loop {
        if let Err(e) = round(state.clone()).await {
            tracing::warn!(error = %e, "{what} failed");
        }
        tokio::select! {
            _ = settled.changed() => {}
            _ = wake(&state.live).notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_and_give_up_after_about_a_day() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(8), LONGEST_WAIT_MS);
        assert_eq!(backoff_ms(60), LONGEST_WAIT_MS);
        let waited: i64 = (1..GIVE_UP_AFTER).map(backoff_ms).sum();
        assert!(
            (20 * 3_600_000..30 * 3_600_000).contains(&waited),
            "{waited}"
        );
    }
}
