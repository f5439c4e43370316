//! Closed sets of names kept and sent as short codes — a token's scopes, a webhook's topics —
//! and their stored form: the codes, comma-separated, sorted, each once.

/// A closed set whose members are known by their codes.
pub trait Code: Copy + Ord + 'static {
    /// Every member, in the order the apps offer them.
    const ALL: &'static [Self];

    fn code(self) -> &'static str;

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }
}

/// `items` as stored: their codes, comma-separated, sorted, each once.
pub fn join<T: Code>(items: &[T]) -> String {
    let mut items = items.to_vec();
    items.sort();
    items.dedup();
    items.into_iter().map(T::code).collect::<Vec<_>>().join(",")
}

/// The members `join` stored; a code no version wrote is dropped (it means nothing).
pub fn split<T: Code>(stored: &str) -> Vec<T> {
    stored.split(',').filter_map(T::parse).collect()
}
