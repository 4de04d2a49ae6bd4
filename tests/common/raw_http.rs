//! A tiny HTTP/1.1 server on a tokio `TcpListener` for what wiremock cannot do: a body
//! that never ends (chunked, no Content-Length) and headers followed by silence. It
//! counts the body bytes it managed to write, so a test can show the client stopped
//! reading.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server answers to one request.
#[derive(Debug, Clone)]
pub enum Answer {
    /// A complete JSON reply.
    Json { status: u16, body: String },
    /// A chunked body of `x` that never ends.
    Endless { status: u16 },
    /// The headers of a chunked reply, then nothing, for an hour.
    Stall { status: u16 },
}

pub struct RawServer {
    pub uri: String,
    /// Body bytes written, over every connection.
    pub written: Arc<AtomicUsize>,
    /// Requests read, as `METHOD /path`.
    pub requests: Arc<std::sync::Mutex<Vec<String>>>,
}

impl RawServer {
    /// Serves `route(method_and_path)` for each request, until the test's runtime ends.
    pub async fn start(route: impl Fn(&str) -> Answer + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let uri = format!("http://{}", listener.local_addr().expect("addr"));
        let written = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
        let route = Arc::new(route);
        let (w, r) = (written.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (route, w, r) = (route.clone(), w.clone(), r.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, route.as_ref(), &w, &r).await;
                });
            }
        });
        RawServer { uri, written, requests }
    }

    pub fn requests_to(&self, path: &str) -> usize {
        self.requests
            .lock()
            .expect("lock")
            .iter()
            .filter(|r| r.ends_with(path))
            .count()
    }
}

async fn serve(
    mut stream: TcpStream,
    route: &(dyn Fn(&str) -> Answer + Send + Sync),
    written: &AtomicUsize,
    requests: &std::sync::Mutex<Vec<String>>,
) -> std::io::Result<()> {
    loop {
        let Some(line) = read_request(&mut stream).await? else {
            return Ok(());
        };
        requests.lock().expect("lock").push(line.clone());
        match route(&line) {
            Answer::Json { status, body } => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(body.as_bytes()).await?;
                written.fetch_add(body.len(), Ordering::Relaxed);
            }
            Answer::Endless { status } => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                );
                stream.write_all(head.as_bytes()).await?;
                let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
                loop {
                    stream.write_all(chunk.as_bytes()).await?;
                    written.fetch_add(0x4000, Ordering::Relaxed);
                }
            }
            Answer::Stall { status } => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                );
                stream.write_all(head.as_bytes()).await?;
                stream.flush().await?;
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Ok(());
            }
        }
    }
}

/// Reads one request (headers and a Content-Length body); `None` when the client closed.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await? == 0 {
            return Ok(None);
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await?;
    let first = head.lines().next().unwrap_or("");
    let mut parts = first.split_whitespace();
    Ok(Some(format!(
        "{} {}",
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("")
    )))
}
