//! The command: its arguments, starting the server and stopping it on `SIGTERM` or Ctrl-C.

use crate::{config, server, store};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: crossbuy-relay [--config FILE] [--check]

Forwards crossbuy's webhook signals to Mailchimp and ActiveCampaign (docs/relay.md).
  --config FILE  the configuration (default: relay.toml in the current directory)
  --check        read the configuration and the key store, say what would run, and stop
Logs are JSON lines on standard error (RUST_LOG=debug for more).";

/// Runs `crossbuy-relay` with the process's arguments.
pub fn main() -> ExitCode {
    let mut config_path = PathBuf::from("relay.toml");
    let mut check = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => match args.next() {
                Some(p) => config_path = PathBuf::from(p),
                None => return usage("--config needs a file"),
            },
            "--check" => check = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage(&["unknown argument ", other].concat()),
        }
    }
    tracing_subscriber::fmt()
        .json()
        .with_current_span(false)
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let config = match config::Config::load(&config_path, &|name| std::env::var(name).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("crossbuy-relay: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("crossbuy-relay: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config, check)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crossbuy-relay: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("crossbuy-relay: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

async fn run(config: config::Config, check: bool) -> Result<(), String> {
    let store = store::Store::open(&config.store)
        .await
        .map_err(|e| e.to_string())?;
    let listen = config.listen;
    let app = server::App::new(config, store.clone()).map_err(|e| e.to_string())?;
    if check {
        println!("configuration and key store ({}) are fine", store.kind());
        return Ok(());
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(event = "listening", addr = %addr, store = store.kind());
    let tidy = {
        let app = std::sync::Arc::clone(&app);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(60)).await;
                app.tidy();
            }
        })
    };
    axum::serve(
        listener,
        server::router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .map_err(|e| e.to_string())?;
    tidy.abort();
    tracing::info!(event = "stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; the server then stops accepting and finishes the forwards
/// in flight before `run` returns.
async fn shutdown() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term => {},
    }
    tracing::info!(
        event = "stopping",
        note = "finishing the forwards in flight"
    );
}
