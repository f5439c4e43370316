//! The operator app: its pages only; everything shared comes from `app::ui`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::ui::start(app::dto::Role::Operator, app::ui::BASIC_NAV, |path| {
        app::ui::basic_pages(path, app::i18n::Msg::OperatorHome)
    });
}
