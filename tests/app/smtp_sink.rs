//! A small SMTP server on loopback that keeps the mail it receives, so tests
//! assert what people would find in their mailbox. It can also refuse mail,
//! for a while (4xx) or for good (5xx).

use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

/// How the sink answers MAIL FROM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Accept,
    TryLater,
    Refuse,
}

/// One mail as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub recipients: Vec<String>,
    /// The message, headers and body, as sent (dot-unstuffed).
    pub data: String,
}

impl Received {
    /// Header lines, continuation lines joined.
    pub fn headers(&self) -> Vec<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut lines: Vec<String> = Vec::new();
        for line in head.split("\r\n") {
            match lines.last_mut() {
                Some(last) if line.starts_with([' ', '\t']) => last.push_str(line),
                _ => lines.push(line.to_owned()),
            }
        }
        lines
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.headers()
            .into_iter()
            .find(|line| line.to_ascii_lowercase().starts_with(&prefix))
            .map(|line| line[prefix.len()..].trim().to_owned())
    }

    /// The body, its quoted-printable transfer encoding undone.
    pub fn body(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default();
        if self.header("Content-Transfer-Encoding").is_some_and(|e| e.eq_ignore_ascii_case("quoted-printable")) {
            let decoded =
                quoted_printable::decode(body, quoted_printable::ParseMode::Robust).expect("quoted-printable");
            String::from_utf8(decoded).expect("utf-8 body")
        } else {
            body.to_owned()
        }
    }
}

#[derive(Clone)]
pub struct Sink {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    answer: Arc<Mutex<Answer>>,
}

impl Sink {
    pub async fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the SMTP sink");
        let sink = Sink {
            port: listener.local_addr().expect("address").port(),
            received: Arc::default(),
            answer: Arc::new(Mutex::new(Answer::Accept)),
        };
        let server = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let session = server.clone();
                tokio::spawn(async move { session.serve(stream).await });
            }
        });
        sink
    }

    pub fn answer(&self, answer: Answer) {
        *self.answer.lock().expect("sink") = answer;
    }

    /// Everything received so far, and forget it.
    pub fn take(&self) -> Vec<Received> {
        std::mem::take(&mut *self.received.lock().expect("sink"))
    }

    async fn serve(&self, stream: TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 sink ESMTP\r\n").await?;
        let mut recipients = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") {
                b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            } else if command.starts_with("HELO") || command.starts_with("RSET") || command.starts_with("NOOP") {
                recipients.clear();
                b"250 OK\r\n"
            } else if command.starts_with("MAIL FROM") {
                match *self.answer.lock().expect("sink") {
                    Answer::Accept => b"250 OK\r\n",
                    Answer::TryLater => b"451 4.3.0 Try again later\r\n",
                    Answer::Refuse => b"550 5.7.1 Refused\r\n",
                }
            } else if command.starts_with("RCPT TO") {
                recipients.push(line.trim_end()[8..].trim().trim_matches(['<', '>']).to_owned());
                b"250 OK\r\n"
            } else if command == "DATA" {
                write.write_all(b"354 End with .\r\n").await?;
                let data = read_data(&mut lines).await?;
                self.received
                    .lock()
                    .expect("sink")
                    .push(Received { recipients: std::mem::take(&mut recipients), data });
                b"250 OK queued\r\n"
            } else if command == "QUIT" {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            } else {
                b"502 Command not implemented\r\n"
            };
            write.write_all(reply).await?;
        }
    }
}

/// The DATA section up to the lone dot, with leading dots unstuffed.
async fn read_data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> std::io::Result<String> {
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 || line == ".\r\n" {
            return Ok(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}
