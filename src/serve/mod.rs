//! `trailmap serve`: build, serve, watch, rebuild, and make every open page follow.
//!
//! Authors keep the site open in a browser while they edit YAML; this is the loop they live
//! in, so it must be quick and must never show a broken site. The design, in one breath:
//! the site is built in memory, only as much as a change needs (`rebuild`, with the
//! site-wide pages finished in the background: `site_pages`, `updates`), held as immutable
//! snapshots that are swapped whole or patched page by page (`state`), served straight from
//! memory so no request can reach the disk (`http`, `urlpath`), with a script injected into
//! pages on their way out (`inject`) that listens on one Server-Sent-Events stream and
//! reloads, swaps stylesheets or shows the build errors. File events are filtered of editor
//! noise (`noise`) and batched (`watch`).
//!
//! The whole module sits behind the `serve` cargo feature, so a CI-only install can leave
//! out tokio, axum and notify. It prints its own progress: it runs for hours, and each
//! rebuild is news for the terminal as much as for the browser.

mod http;
mod inject;
mod noise;
mod rebuild;
mod site_pages;
mod state;
mod updates;
mod urlpath;
mod watch;

use rebuild::Rebuilder;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use updates::Updater;

/// What `trailmap serve` was asked for.
pub(crate) struct ServeOptions {
    /// The site folder (holds trailmap.yaml).
    pub site: PathBuf,
    /// The port to try first; the next free one is taken when it is busy. 0: any free port.
    pub port: u16,
    /// The address to listen on; 127.0.0.1 unless the author opens it up.
    pub bind: IpAddr,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Print every request.
    pub verbose: bool,
}

/// How many ports past the asked one are tried before giving up.
const PORT_TRIES: u16 = 20;
/// A save is over when the folder has been quiet this long.
const QUIET: Duration = Duration::from_millis(20);
/// A stream of saves still rebuilds at least this often.
const MAX_WAIT: Duration = Duration::from_millis(300);
/// Open pages get this long to let go of their connections at Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Runs the dev server until Ctrl-C. Exit codes as for `build`: 2 for usage or I/O errors.
pub(crate) fn run(opts: ServeOptions) -> ExitCode {
    let root = match opts.site.canonicalize() {
        Ok(root) if root.join(crate::load::CONFIG_FILE).is_file() => root,
        _ => {
            eprintln!(
                "error: no trailmap.yaml in {}\n  hint: point trailmap at a site folder, or create one with `trailmap init`",
                opts.site.display()
            );
            return ExitCode::from(2);
        }
    };
    let listener = match bind(opts.bind, opts.port) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}\n  hint: choose another port with --port");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(serve(root, listener, &opts))
}

async fn serve(root: PathBuf, listener: TcpListener, opts: &ServeOptions) -> ExitCode {
    let instance = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut updater = match Updater::start(Rebuilder::new(root.clone()), instance) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("error: cannot start the rebuild worker: {e}");
            return ExitCode::from(2);
        }
    };
    let hub = updater.hub();
    let addr = listener.local_addr().ok();
    let listener = match listener
        .set_nonblocking(true)
        .and_then(|()| tokio::net::TcpListener::from_std(listener))
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen: {e}");
            return ExitCode::from(2);
        }
    };
    let watched = watch::WatchOptions {
        root,
        quiet: QUIET,
        max_wait: MAX_WAIT,
    };
    if let Err(e) = watch::spawn(watched, move |changes| updater.on_change(&changes)) {
        eprintln!("error: cannot watch the site's files: {e}");
        return ExitCode::from(2);
    }
    let url = addr.map(|a| format!("http://{a}/")).unwrap_or_default();
    eprintln!("serving {url} (Ctrl-C to stop); watching for changes");
    if opts.open {
        open_browser(&url);
    }
    let app = http::router(hub.clone(), opts.verbose);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let graceful = async {
            let _ = stop_rx.await;
        };
        axum::serve(listener, app)
            .with_graceful_shutdown(graceful)
            .await
    });
    stop_signal().await;
    eprintln!("stopping");
    hub.close();
    let _ = stop_tx.send(());
    // Open connections get a moment to finish; then the process ends regardless.
    match tokio::time::timeout(SHUTDOWN_GRACE, server).await {
        Ok(Ok(Err(e))) => {
            eprintln!("error: the server stopped with: {e}");
            ExitCode::from(2)
        }
        _ => ExitCode::SUCCESS,
    }
}

/// Binds `port`, or the next free one when it is busy (saying so).
fn bind(ip: IpAddr, port: u16) -> std::io::Result<TcpListener> {
    let mut last = None;
    let tries = if port == 0 { 1 } else { PORT_TRIES };
    for p in (0..tries).filter_map(|i| port.checked_add(i)) {
        match TcpListener::bind(SocketAddr::new(ip, p)) {
            Ok(l) => {
                if p != port {
                    eprintln!("port {port} is busy; using port {p} instead");
                }
                return Ok(l);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
            Err(e) => {
                return Err(std::io::Error::new(
                    e.kind(),
                    format!("cannot listen on {ip}:{p}: {e}"),
                ))
            }
        }
    }
    let last = last.map(|e| e.to_string()).unwrap_or_default();
    Err(std::io::Error::other(format!(
        "ports {port} to {} on {ip} are all busy ({last})",
        port.saturating_add(tries - 1)
    )))
}

/// Ctrl-C, or SIGTERM where there is one.
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = ctrl_c => {}
            () = term => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

/// Best effort: a missing browser is not worth failing the server for.
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("could not open a browser; open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_port_moves_to_the_next_free_one() {
        let ip: IpAddr = [127, 0, 0, 1].into();
        let taken = TcpListener::bind(SocketAddr::new(ip, 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        match bind(ip, port) {
            Ok(l) => assert_ne!(l.local_addr().unwrap().port(), port),
            // The neighbours may all be taken on a busy machine; the error must say so.
            Err(e) => assert!(e.to_string().contains("busy"), "{e}"),
        }
    }
}
