//! The dev server's HTTP side (axum on tokio): pages from the in-memory snapshot, and the
//! events stream that tells open pages to reload.
//!
//! Handlers never touch the disk and never unwrap: a path that is not in the snapshot gets
//! the site's own 404 page, a path that tries to leave the site gets a 400.

use super::inject;
use super::state::{Event, Hub, Live};
use super::urlpath::{self, BadPath};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// Where the events stream lives, relative to the site root.
pub(crate) const EVENTS_PATH: &str = "/__trailmap/events";

#[derive(Clone)]
struct App {
    hub: Arc<Hub>,
    /// Print each request (`serve --verbose`).
    verbose: bool,
}

pub(crate) fn router(hub: Arc<Hub>, verbose: bool) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(page)
        .with_state(App { hub, verbose })
}

async fn page(State(app): State<App>, method: Method, uri: Uri) -> Response {
    let response = if method == Method::GET || method == Method::HEAD {
        respond(&app.hub.current(), uri.path()).await
    } else {
        (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "",
        )
            .into_response()
    };
    if app.verbose {
        eprintln!("{method} {} {}", uri.path(), response.status().as_u16());
    }
    response
}

async fn respond(live: &Live, raw_path: &str) -> Response {
    let key = match urlpath::site_key(raw_path) {
        Ok(key) => key,
        Err(BadPath::Traversal) => {
            return plain(StatusCode::BAD_REQUEST, "this path leaves the site")
        }
        Err(BadPath::Encoding) => {
            return plain(StatusCode::BAD_REQUEST, "this path is not valid UTF-8")
        }
    };
    let asked = Asked {
        raw_path,
        key: &key,
    };
    if let Some(bytes) = live.site.files.get(&key) {
        return file(live, &asked, &key, bytes.clone(), StatusCode::OK);
    }
    if live.site.files.contains_key(&format!("{key}/index.html")) {
        let name = key.rsplit('/').next().unwrap_or_default();
        return redirect(&format!("{name}/"));
    }
    if let Some(png) = lazy_png(live, &key).await {
        return png;
    }
    match live.site.files.get("404.html") {
        Some(page) => file(
            live,
            &asked,
            "404.html",
            page.clone(),
            StatusCode::NOT_FOUND,
        ),
        None => plain(StatusCode::NOT_FOUND, "not found"),
    }
}

/// The page a request asked for: its raw path and its key in the snapshot.
struct Asked<'a> {
    raw_path: &'a str,
    key: &'a str,
}

/// One file of the snapshot (`served`); HTML gets the live-reload script (and the overlay),
/// set to reload when the asked-for page changes (so a 404 follows the page appearing).
fn file(
    live: &Live,
    asked: &Asked<'_>,
    served: &str,
    bytes: Bytes,
    status: StatusCode,
) -> Response {
    let body = if served.ends_with(".html") {
        let root = urlpath::root_prefix(asked.raw_path);
        let page = inject::LivePage {
            root: &root,
            page: asked.key,
            build: &live.build,
        };
        Bytes::from(inject::before_body_end(
            &bytes,
            &inject::page_tail(&page, live.overlay.as_deref()),
        ))
    } else {
        bytes
    };
    let headers = [
        (header::CONTENT_TYPE, content_type(served)),
        // Always fresh while editing: the browser must not show a stale map.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    (status, headers, Body::from(body)).into_response()
}

/// The content type by extension; text is always UTF-8 in a trailmap site. Fonts get
/// their registered `font/*` types, which mime_guess predates.
pub(crate) fn content_type(key: &str) -> HeaderValue {
    let ext = key
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let font = match ext.as_str() {
        "otf" => Some("font/otf"),
        "ttf" => Some("font/ttf"),
        "woff" => Some("font/woff"),
        "woff2" => Some("font/woff2"),
        _ => None,
    };
    if let Some(font) = font {
        return HeaderValue::from_static(font);
    }
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let text = mime.type_() == "text" || matches!(mime.subtype().as_str(), "javascript" | "json");
    let value = if text {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

/// Maps are drawn to PNG only when asked for: the picture of `journeys/x.png` is drawn
/// from `journeys/x.svg` of the same snapshot.
async fn lazy_png(live: &Live, key: &str) -> Option<Response> {
    let svg_key = format!("{}.svg", key.strip_suffix(".png")?);
    let svg = live.site.files.get(&svg_key)?.clone();
    let drawn = tokio::task::spawn_blocking(move || {
        let text = String::from_utf8_lossy(&svg);
        crate::diagram::render_png(&text, 1.0).map_err(|e| e.to_string())
    })
    .await;
    Some(match drawn {
        Ok(Ok(png)) => {
            let headers = [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "no-store"),
            ];
            (StatusCode::OK, headers, png).into_response()
        }
        Ok(Err(e)) => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("cannot draw the PNG: {e}"),
        ),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "drawing the PNG failed"),
    })
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

/// A relative redirect (`journeys` → `journeys/`), so it works behind a proxy too.
fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response(),
        Err(_) => plain(StatusCode::NOT_FOUND, "not found"),
    }
}

/// The stream every open page listens to: a hello naming the current build (so a page that
/// missed a rebuild reloads at once), then each rebuild's event, until shutdown.
async fn events(State(app): State<App>) -> Sse<impl Stream<Item = Result<sse::Event, Infallible>>> {
    if app.verbose {
        eprintln!("GET {EVENTS_PATH} (events stream opened)");
    }
    let rx = app.hub.subscribe();
    let first = stream::iter([Ok(sse::Event::default().data(hello(&app.hub.current())))]);
    let closing = app.hub.is_closing();
    let rest = stream::unfold(
        (rx, app.hub, closing),
        |(mut rx, hub, closing)| async move {
            if closing {
                return None;
            }
            let data = match rx.recv().await {
                Ok(Event::Shutdown) | Err(RecvError::Closed) => return None,
                Ok(e) => e.json(),
                // This page fell behind: a new hello makes it reload if it missed a build.
                Err(RecvError::Lagged(_)) => hello(&hub.current()),
            };
            Some((Ok(sse::Event::default().data(data)), (rx, hub, false)))
        },
    );
    Sse::new(first.chain(rest)).keep_alive(KeepAlive::default())
}

/// The build being served and its errors, if any.
fn hello(live: &Live) -> String {
    serde_json::json!({ "kind": "hello", "build": &*live.build, "overlay": live.overlay.as_deref() }).to_string()
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_right_for_a_site() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("journeys/a.svg"), "image/svg+xml");
        assert_eq!(
            content_type("journeys/a.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("static/fonts/Inter-Regular.otf"), "font/otf");
        assert_eq!(content_type("assets/Brand.WOFF2"), "font/woff2");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
