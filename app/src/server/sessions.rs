//! A person's own sessions: which browsers are signed in as them, from where and when last
//! active — and ending any of the others, or all of them (a phone left signed in, a shared
//! computer). A session is named to its owner by a handle, the start of its token's hash: it
//! tells nothing that would let anyone use the session, and names no one else's.

use super::auth::{ended, Session};
use super::AppState;
use crate::dto::SessionInfo;
use crate::error::{AppError, Field, Problem};

/// How many hex digits of a session's token hash name it.
const HANDLE_LEN: usize = 16;

fn handle(token_hash: &str) -> &str {
    token_hash.get(..HANDLE_LEN).unwrap_or(token_hash)
}

#[derive(sqlx::FromRow)]
struct Row {
    token_hash: String,
    created_at: i64,
    last_seen_at: i64,
    agent: String,
    address: String,
}

/// The caller's sessions still in force, the most recently active first.
pub async fn list(state: &AppState, session: &Session) -> Result<Vec<SessionInfo>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT token_hash, created_at, last_seen_at, agent, address FROM sessions \
         WHERE user_id = $1 ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(session.user.id)
    .fetch_all(&state.db.pool)
    .await?;
    let app = session.user.role()?;
    Ok(rows
        .into_iter()
        .filter(|r| !ended(state, r.created_at, r.last_seen_at, session.user.disabled))
        .map(|r| SessionInfo {
            handle: handle(&r.token_hash).to_string(),
            app,
            browser: browser(&r.agent),
            address: r.address,
            signed_in_at: r.created_at,
            last_seen_at: r.last_seen_at,
            current: r.token_hash == session.token_hash,
        })
        .collect())
}

/// Ends one of the caller's other sessions (`Some(handle)`), or all of them (`None`); the
/// caller's own stays (signing out ends it). Their next request is signed out. The sessions
/// left.
pub async fn end(
    state: &AppState,
    session: &Session,
    which: Option<&str>,
) -> Result<Vec<SessionInfo>, AppError> {
    // The one session to end, or `None` for every other.
    let one = match which {
        None => None,
        Some(h) if h == handle(&session.token_hash) => {
            return Err(AppError::invalid(Field::Session, Problem::Malformed))
        }
        Some(h) => {
            let mine: Vec<String> =
                sqlx::query_scalar("SELECT token_hash FROM sessions WHERE user_id = $1")
                    .bind(session.user.id)
                    .fetch_all(&state.db.pool)
                    .await?;
            let found = mine.into_iter().find(|t| handle(t) == h);
            Some(found.ok_or(AppError::NotFound)?)
        }
    };
    let (user, current) = (session.user.id, session.token_hash.clone());
    state
        .db
        .execute(
            sqlx::query(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2 \
                     AND token_hash = COALESCE($3, token_hash)",
            )
            .bind(user)
            .bind(current)
            .bind(one),
        )
        .await?;
    tracing::info!(user, "sessions ended");
    list(state, session).await
}

/// A browser for people: "Firefox 133 · Linux"; `None` when the `User-Agent` names none known.
pub fn browser(agent: &str) -> Option<String> {
    // Order matters: Edge and Opera say Chrome too, Chrome says Safari too.
    const BROWSERS: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("CriOS/", "Chrome"),
        ("Version/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    let (name, version) = BROWSERS.iter().find_map(|(token, name)| {
        let at = agent.find(token)? + token.len();
        let major: String = agent[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        Some((*name, major))
    })?;
    let mut shown = name.to_string();
    if !version.is_empty() {
        shown = format!("{shown} {version}");
    }
    if let Some((_, system)) = SYSTEMS.iter().find(|(token, _)| agent.contains(token)) {
        shown = format!("{shown} · {system}");
    }
    Some(shown)
}

#[cfg(test)]
mod tests {
    use super::browser;

    #[test]
    fn browsers_read_for_people() {
        for (agent, shown) in [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                Some("Firefox 133 · Linux"),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                Some("Edge 131 · Windows"),
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 HeadlessChrome/131.0.6778.0 Safari/537.36",
                Some("Chrome 131 · Linux"),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                Some("Safari 17 · iOS"),
            ),
            (
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Mobile Safari/537.36",
                Some("Chrome 131 · Android"),
            ),
            ("curl/8.5.0", None),
            ("", None),
        ] {
            assert_eq!(browser(agent).as_deref(), shown, "{agent}");
        }
    }
}
