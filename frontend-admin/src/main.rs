//! The admin console: its pages only; everything shared comes from `app::ui`.

#[cfg(target_arch = "wasm32")]
mod accounts;
#[cfg(target_arch = "wasm32")]
mod settings;

#[cfg(target_arch = "wasm32")]
mod pages {
    use app::i18n::Msg;
    use app::ui::{AccountPage, NavItem, NotFound};
    use leptos::prelude::*;
    use leptos_router::components::{Route, Routes};
    use leptos_router::path;

    pub const NAV: &[NavItem] = &[
        NavItem {
            path: "/",
            label: Msg::Accounts,
        },
        NavItem {
            path: "/settings",
            label: Msg::Settings,
        },
        NavItem {
            path: "/account",
            label: Msg::Account,
        },
    ];

    pub fn routes() -> impl IntoView {
        view! {
            <Routes fallback=NotFound>
                <Route path=path!("/") view=super::accounts::AccountsPage/>
                <Route path=path!("/settings") view=super::settings::SettingsPage/>
                <Route path=path!("/account") view=AccountPage/>
            </Routes>
        }
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::ui::start(app::dto::Role::Admin, pages::NAV, pages::routes);
}
