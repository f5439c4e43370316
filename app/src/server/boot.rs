//! What an app needs before its first screen — the company's public settings, who is signed in,
//! in the portal the privacy notice, and on a page that opens on the ticket list its first page —
//! written into the app's page as it is sent, so the app starts without asking for them: on a
//! slow network each question costs a round trip (over half a second on Slow 4G).

use super::access::{self, Policy};
use super::gateway;
use super::{privacy, settings, tickets, AppState};
use crate::dto::{Boot, Role, TicketQuery, BOOT_ELEMENT};
use crate::error::AppError;

/// What `app`'s page starts with, for the request `parts`: exactly what `settings/public_info`,
/// `session/me`, (in the portal) `privacy/notice` and, on a page that opens on the ticket list,
/// `tickets/list` with no filter would answer that request.
pub async fn boot(
    state: &AppState,
    parts: &http::request::Parts,
    app: Role,
) -> Result<Boot, AppError> {
    let caller = gateway::caller_from(state.clone(), parts).await?;
    // Admitted as `session/me` admits its caller (`SignedIn`): anyone signed in, nobody else.
    let me = match access::check(caller.session.as_ref(), Policy::SignedIn) {
        Ok(Some(session)) => Some(session.user.me()?),
        Ok(None) | Err(_) => None,
    };
    let notice = match app {
        Role::Client => privacy::notice::notice(state, caller.session.as_ref()).await?,
        Role::Operator | Role::Admin => None,
    };
    // Admitted as `tickets/list` admits its caller (`AnyRole`), in the app of their role.
    let page = app.page_of(parts.uri.path());
    let (tickets, cursor) = match access::check(caller.session.as_ref(), Policy::AnyRole) {
        Ok(Some(session)) if session.user.role()? == app && app.opens_on_list(&page) => {
            // The place first: whatever settles after it, the list may not show yet, and the
            // app's socket catches up from it.
            let cursor = *state.live.settled().borrow();
            let list = tickets::list(state, session, &TicketQuery::default()).await?;
            (Some(list), Some(cursor))
        }
        _ => (None, None),
    };
    Ok(Boot {
        settings: settings::public_info(state).await?,
        me,
        notice,
        tickets,
        cursor,
    })
}

/// `page` (an app's `index.html`) with `boot` in it as JSON data — a `<script>` the browser does
/// not run — just before `</head>`. Every `<` in the JSON is written `\u003c`, so no text in it
/// (a company's or a person's name) can end the element.
pub fn into_page(page: &str, boot: &Boot) -> Result<String, AppError> {
    let json = serde_json::to_string(boot)
        .map_err(|e| {
            tracing::error!(error = %e, "cannot write an app's start data");
            AppError::Internal
        })?
        .replace('<', "\\u003c");
    let data = format!("<script type=\"application/json\" id=\"{BOOT_ELEMENT}\">{json}</script>\n");
    Ok(match page.find("</head>") {
        Some(at) => format!("{}{data}{}", &page[..at], &page[at..]),
        None => format!("{data}{page}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::{CurrentUser, PublicSettings};

    fn boot(company: &str) -> Boot {
        Boot {
            settings: PublicSettings {
                company_name: Some(company.into()),
                time_zone: "Europe/Sarajevo".into(),
            },
            me: Some(CurrentUser {
                id: 7,
                username: "ana.anic".into(),
                full_name: "Ana </script><script>alert(1)</script>".into(),
                role: Role::Client,
                must_change_password: false,
                must_set_up_second_factor: false,
            }),
            notice: None,
            tickets: None,
            cursor: None,
        }
    }

    #[test]
    fn the_data_goes_into_the_head_and_reads_back_the_same() {
        let page = "<html><head><title>Support</title></head><body></body></html>";
        let sent = boot("Kovač d.o.o. <b>&</b>");
        let out = into_page(page, &sent).unwrap();
        let start = out.find("<script").unwrap();
        assert!(start < out.find("</head>").unwrap());
        assert!(out.ends_with("</head><body></body></html>"));
        let json_start = out[start..].find('>').unwrap() + start + 1;
        let json_end = out[json_start..].find("</script>").unwrap() + json_start;
        let read: Boot = serde_json::from_str(&out[json_start..json_end]).unwrap();
        assert_eq!(read, sent);
    }

    #[test]
    fn no_text_in_the_data_can_end_its_element() {
        let out = into_page(
            "<head></head>",
            &boot("</script><img src=x onerror=alert(1)>"),
        )
        .unwrap();
        // One element opened and closed: the names' `</script>` were written as `\u003c/script>`.
        assert_eq!(out.matches("<script").count(), 1);
        assert_eq!(out.matches("</script>").count(), 1);
        assert!(!out.contains("<img"));
    }
}
