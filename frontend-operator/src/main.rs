//! The operator app: its pages only; everything shared comes from `app::ui`.

#[cfg(target_arch = "wasm32")]
mod pages;

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::ui::start(app::dto::Role::Operator, pages::NAV, pages::routes);
}
