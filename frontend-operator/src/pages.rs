use app::i18n::Msg;
use app::ui::{AccountPage, HomePage, NavItem, NotFound};
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::path;

pub const NAV: &[NavItem] = &[
    NavItem {
        path: "/",
        label: Msg::Home,
    },
    NavItem {
        path: "/account",
        label: Msg::Account,
    },
];

pub fn routes() -> impl IntoView {
    view! {
        <Routes fallback=NotFound>
            <Route path=path!("/") view=|| view! { <HomePage intro=Msg::OperatorHome/> }/>
            <Route path=path!("/account") view=AccountPage/>
        </Routes>
    }
}
