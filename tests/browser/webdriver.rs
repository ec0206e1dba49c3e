//! A small W3C WebDriver client: only the commands tests/browser.rs uses.
//! Every call returns a `WdResult` so the test says why with `expect("...")`.

use std::{
    fmt,
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use ureq::Agent;

/// Key under which WebDriver returns a found element's reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long `find` and `wait_until` keep trying before giving up.
pub const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

/// What the driver (or the HTTP layer) answered instead of a value.
#[derive(Debug)]
pub struct WebDriverError {
    /// The W3C error code, e.g. "no such element", or "http" / "timeout".
    pub error: String,
    pub message: String,
}

impl fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

impl WebDriverError {
    fn new(error: &str, message: impl Into<String>) -> Self {
        Self { error: error.into(), message: message.into() }
    }

    /// Errors that go away by themselves while a page is (re)loading.
    /// Errors a page being replaced produces; polling again resolves them.
    fn is_transient(&self) -> bool {
        matches!(self.error.as_str(), "no such element" | "stale element reference" | "element not interactable")
            || self.message.contains("does not belong to the document")
    }
}

pub type WdResult<T> = Result<T, WebDriverError>;

/// A reference to an element of the current page.
#[derive(Clone, Debug)]
pub struct Element(String);

/// One browser session.
pub struct Session {
    agent: Agent,
    /// `http://127.0.0.1:<port>/session/<id>`
    url: String,
}

/// A plain JSON-over-HTTP agent; WebDriver errors come back as JSON with a 4xx/5xx status.
pub fn agent() -> Agent {
    crate::server::http_agent()
}

/// One WebDriver command: `POST` with a body, `GET` or `DELETE` without. Returns `value`.
fn command(agent: &Agent, method: &str, url: &str, body: Option<Value>) -> WdResult<Value> {
    let sent = match (method, body) {
        ("POST", body) => agent.post(url).send_json(body.unwrap_or_else(|| json!({}))),
        ("DELETE", _) => agent.delete(url).call(),
        _ => agent.get(url).call(),
    };
    let mut response = sent.map_err(|e| WebDriverError::new("http", format!("{method} {url}: {e}")))?;
    let status = response.status();
    let mut answer: Value = response
        .body_mut()
        .read_json()
        .map_err(|e| WebDriverError::new("http", format!("{method} {url}: {status}, not JSON: {e}")))?;
    let value = answer["value"].take();
    if status.is_success() {
        return Ok(value);
    }
    let error = value["error"].as_str().unwrap_or("unknown error");
    Err(WebDriverError::new(error, format!("{method} {url}: {}", value["message"].as_str().unwrap_or_default())))
}

impl Session {
    /// Open a session on the driver at `driver` (e.g. `http://127.0.0.1:9515`).
    pub fn new(driver: &str, capabilities: Value) -> WdResult<Self> {
        let agent = agent();
        let body = json!({ "capabilities": { "alwaysMatch": capabilities } });
        let value = command(&agent, "POST", &format!("{driver}/session"), Some(body))?;
        let id = value["sessionId"].as_str().ok_or_else(|| WebDriverError::new("http", "no sessionId"))?;
        Ok(Self { url: format!("{driver}/session/{id}"), agent })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> WdResult<Value> {
        command(&self.agent, method, &format!("{}{path}", self.url), body)
    }

    /// Load a page and wait until it has loaded.
    pub fn goto(&self, url: &str) -> WdResult<()> {
        self.call("POST", "/url", Some(json!({ "url": url }))).map(drop)
    }

    pub fn current_url(&self) -> WdResult<String> {
        Ok(self.call("GET", "/url", None)?.as_str().unwrap_or_default().to_owned())
    }

    /// The first element matching `css` now, without waiting.
    pub fn find_now(&self, css: &str) -> WdResult<Element> {
        let value = self.call("POST", "/element", Some(json!({ "using": "css selector", "value": css })))?;
        element(&value)
    }

    /// The first element matching `css`, waiting up to `TIMEOUT` for it to appear.
    pub fn find(&self, css: &str) -> WdResult<Element> {
        self.wait_until(&format!("an element matching `{css}`"), |s| s.find_now(css).map(Some))
    }

    /// Every element matching `css` now (maybe none).
    pub fn find_all(&self, css: &str) -> WdResult<Vec<Element>> {
        let value = self.call("POST", "/elements", Some(json!({ "using": "css selector", "value": css })))?;
        value.as_array().map(|all| all.iter().map(element).collect()).unwrap_or_else(|| Ok(Vec::new()))
    }

    pub fn click(&self, element: &Element) -> WdResult<()> {
        self.call("POST", &format!("/element/{}/click", element.0), None).map(drop)
    }

    /// Type `text` into an input (after what it already holds).
    pub fn send_keys(&self, element: &Element, text: &str) -> WdResult<()> {
        self.call("POST", &format!("/element/{}/value", element.0), Some(json!({ "text": text }))).map(drop)
    }

    /// The rendered, visible text of an element.
    pub fn text(&self, element: &Element) -> WdResult<String> {
        Ok(self.call("GET", &format!("/element/{}/text", element.0), None)?.as_str().unwrap_or_default().to_owned())
    }

    pub fn attribute(&self, element: &Element, name: &str) -> WdResult<Option<String>> {
        let value = self.call("GET", &format!("/element/{}/attribute/{name}", element.0), None)?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Run `script` (a function body; `arguments[i]` are `args`) in the page.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> WdResult<Value> {
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": args })))
    }

    /// An element as a script argument.
    pub fn arg(element: &Element) -> Value {
        json!({ ELEMENT_KEY: element.0 })
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> WdResult<Vec<u8>> {
        let encoded = self.call("GET", "/screenshot", None)?;
        decode_base64(encoded.as_str().unwrap_or_default())
            .ok_or_else(|| WebDriverError::new("http", "the screenshot is not base64"))
    }

    /// Ask `probe` until it gives `Some`, for up to `TIMEOUT`. Transient errors
    /// (element not there yet, page replaced under us) count as "not yet".
    pub fn wait_until<T>(&self, what: &str, mut probe: impl FnMut(&Self) -> WdResult<Option<T>>) -> WdResult<T> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let last = match probe(self) {
                Ok(Some(found)) => return Ok(found),
                Ok(None) => "not yet".to_owned(),
                Err(error) if error.is_transient() => error.to_string(),
                Err(error) => return Err(error),
            };
            if Instant::now() > deadline {
                let url = self.current_url().unwrap_or_default();
                return Err(WebDriverError::new("timeout", format!("{what} (after {TIMEOUT:?} on {url}; {last})")));
            }
            std::thread::sleep(POLL);
        }
    }

    /// End the session; the driver closes the browser.
    pub fn delete(&self) -> WdResult<()> {
        self.call("DELETE", "", None).map(drop)
    }
}

fn element(value: &Value) -> WdResult<Element> {
    value[ELEMENT_KEY]
        .as_str()
        .map(|id| Element(id.to_owned()))
        .ok_or_else(|| WebDriverError::new("http", format!("not an element: {value}")))
}

/// Standard base64 (with padding), as WebDriver sends screenshots.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let sextet = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut bits, mut count) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=' && !c.is_ascii_whitespace()) {
        bits = (bits << 6) | u32::from(sextet(c)?);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}
