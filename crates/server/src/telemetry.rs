//! Logging: tracing to stderr, text (coloured on a terminal) or JSON, filtered by
//! `RUST_LOG`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

pub fn init(format: &str) -> Result<(), String> {
    let mut filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    // actix-http logs a malformed request or a broken connection at ERROR without the
    // peer's address; `serve` logs each at WARN with it (target `samverkan::http`). Its
    // own line shows only when RUST_LOG names actix_http.
    let names_actix_http = std::env::var("RUST_LOG").is_ok_and(|v| v.contains("actix_http"));
    if !names_actix_http {
        filter = filter.add_directive(
            "actix_http::h1::dispatcher=off"
                .parse()
                .map_err(|e| format!("log filter: {e}"))?,
        );
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours for a terminal only: a log file or collector gets plain text.
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        "json" => builder.json().flatten_event(true).try_init(),
        "text" => builder.try_init(),
        other => {
            return Err(format!(
                "SAMVERKAN_LOG_FORMAT must be text or json, not `{other}`"
            ));
        }
    }
    .map_err(|e| e.to_string())
}
