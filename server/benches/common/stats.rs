//! Figures from samples. (A module apart from `common`, for the benchmarks that take them.)

/// The `p`-th fraction (0–1) of sorted figures; 0 for none.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
