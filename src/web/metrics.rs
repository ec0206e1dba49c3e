//! Prometheus metrics: request counts and latencies per route, pool usage.
//! Route templates only (`/users/{id}`), never concrete paths or ids.

use std::{collections::BTreeMap, fmt::Write, sync::Mutex, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::state::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut series) = self.series.lock() else { return };
        let entry = series.entry((method.to_owned(), route.to_owned(), status)).or_default();
        entry.count += 1;
        entry.sum += seconds;
        for (bound, bucket) in BUCKETS.iter().zip(entry.buckets.iter_mut()) {
            if seconds <= *bound {
                *bucket += 1;
            }
        }
    }

    fn render(&self, pool_size: u32, pool_idle: usize) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# TYPE parc_http_requests_total counter");
        let _ = writeln!(out, "# TYPE parc_http_request_duration_seconds histogram");
        if let Ok(series) = self.series.lock() {
            for ((method, route, status), s) in series.iter() {
                let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
                let _ = writeln!(out, "parc_http_requests_total{{{labels}}} {}", s.count);
                for (bound, count) in BUCKETS.iter().zip(s.buckets.iter()) {
                    let _ =
                        writeln!(out, "parc_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}");
                }
                let _ = writeln!(out, "parc_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", s.count);
                let _ = writeln!(out, "parc_http_request_duration_seconds_sum{{{labels}}} {}", s.sum);
                let _ = writeln!(out, "parc_http_request_duration_seconds_count{{{labels}}} {}", s.count);
            }
        }
        let _ = writeln!(out, "# TYPE parc_db_pool_connections gauge");
        let _ = writeln!(out, "parc_db_pool_connections{{state=\"open\"}} {pool_size}");
        let _ = writeln!(out, "parc_db_pool_connections{{state=\"idle\"}} {pool_idle}");
        out
    }
}

pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route =
        request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    state.metrics.observe(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

pub async fn serve(State(state): State<AppState>) -> Response {
    let text = state.metrics.render(state.db.size(), state.db.num_idle());
    let mut response = text.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"));
    response
}
