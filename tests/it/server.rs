//! `regelverk serve` on a loopback port: every endpoint, bad bodies, limits, a load of 10 000
//! requests from 64 clients, and the binary's access log and shutdown on SIGTERM.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use regelverk::server::{self, Limits, Options, Running};
use serde_json::Value;

fn start_with(options: Options) -> Running {
    let rules = Arc::new(common::embedded_rules());
    let listener = server::bind("127.0.0.1:0".parse().expect("an address")).expect("a port");
    server::start(listener, rules, &options).expect("the server starts")
}

fn start() -> Running {
    start_with(Options::new(false))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn read(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .expect("a UTF-8 body");
    Answer {
        status,
        content_type,
        body,
    }
}

fn get(server: &Running, path: &str) -> Answer {
    let url = format!("http://{}{path}", server.addr());
    read(agent().get(&url).call().expect("an answer"))
}

fn post(server: &Running, path: &str, content_type: &str, body: &str) -> Answer {
    let url = format!("http://{}{path}", server.addr());
    read(
        agent()
            .post(&url)
            .header("content-type", content_type)
            .send(body)
            .expect("an answer"),
    )
}

/// A request written by hand, for what a well-behaved client never sends; the answer up to the
/// server closing the connection.
fn raw(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a timeout");
    stream.write_all(request).expect("send");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

const ALLOWED: &str = r#"{"jurisdiction":"SE","date":"2026-03-01","buyer":{"kind":"kommun"},"purchase":{"category":"services","service_class":"ordinary","value":"650 000 SEK"}}"#;
const NOT_ALLOWED: &str = r#"{"jurisdiction":"SE","date":"2026-03-01","buyer":{"kind":"kommun"},"purchase":{"category":"services","service_class":"ordinary","value":"750 000 SEK"}}"#;

#[test]
fn decide_answers_with_the_document_of_check_format_json() {
    let server = start();
    let rules = common::embedded_rules();
    let answer = post(&server, "/v1/decide", "application/json", NOT_ALLOWED);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.content_type, "application/json");
    let case = rules.read_case(NOT_ALLOWED, "c.json").expect("a case");
    let expected =
        serde_json::to_value(rules.explain_value(&rules.evaluate(&case), regelverk::Lang::Sv))
            .expect("serialisable");
    assert_eq!(answer.json(), expected);
    assert_eq!(answer.json()["decision"]["outcome"], "not_allowed");

    let english = post(&server, "/v1/decide?lang=en", "application/json", ALLOWED).json();
    assert_eq!(english["lang"], "en");
    assert!(
        english["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("Direct award is allowed"))
    );

    let toml = "jurisdiction = \"NO\"\ndate = 2025-05-01\n[buyer]\nkind = \"kommune\"\n[purchase]\ncategory = \"services\"\ncpv = \"72000000\"\nvalue = \"900 000 NOK\"\n";
    let norwegian = post(
        &server,
        "/v1/decide",
        "application/toml; charset=utf-8",
        toml,
    )
    .json();
    assert_eq!(norwegian["lang"], "nb");
    assert_eq!(norwegian["decision"]["jurisdiction"], "NO");
    assert_eq!(
        norwegian["decision"]["rule_set"]["content_hash"],
        rules.content_hash()
    );

    // A conditional answer names its questions.
    let open = r#"{"jurisdiction":"SE","date":"2026-03-01","buyer":{"kind":"kommun"},"purchase":{"category":"services","value":"750 000 SEK"}}"#;
    let conditional = post(&server, "/v1/decide", "application/json", open).json();
    assert_eq!(conditional["decision"]["outcome"], "undecided");
    assert_eq!(
        conditional["questions"][0]["fact"],
        "purchase.service_class"
    );
    server.stop().expect("stops");
}

#[test]
fn batch_streams_one_line_per_case_in_order() {
    let server = start();
    let mut input = String::new();
    for i in 0..3000 {
        input.push_str(if i % 2 == 0 { ALLOWED } else { NOT_ALLOWED });
        input.push('\n');
    }
    input.push_str("not a case\n");
    let answer = post(&server, "/v1/batch", "application/x-ndjson", &input);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.content_type, "application/x-ndjson");
    let lines: Vec<Value> = answer
        .body
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 3001);
    for (i, line) in lines.iter().take(3000).enumerate() {
        assert_eq!(line["line"], i + 1);
        let expected = if i % 2 == 0 {
            "allowed_with_obligations"
        } else {
            "not_allowed"
        };
        assert_eq!(line["outcome"], expected, "line {}", i + 1);
    }
    assert_eq!(lines[3000]["line"], 3001);
    assert!(lines[3000]["error"].is_string());

    let full = post(
        &server,
        "/v1/batch?full=true&lang=en",
        "application/x-ndjson",
        &format!("{ALLOWED}\n"),
    );
    let line: Value = serde_json::from_str(full.body.trim()).expect("a JSON line");
    assert_eq!(line["format_version"], 2);
    assert_eq!(line["lang"], "en");
    assert_eq!(line["decision"]["outcome"], "allowed_with_obligations");
    server.stop().expect("stops");
}

#[test]
fn thresholds_rules_schemas_health_and_openapi() {
    let server = start();
    let rules = common::embedded_rules();
    let thresholds = get(&server, "/v1/thresholds?jurisdiction=se&date=2026-03-01").json();
    let date = regelverk::case::parse_date("2026-03-01").expect("a date");
    let expected = serde_json::to_value(rules.thresholds_document("SE", date, regelverk::Lang::Sv))
        .expect("serialisable");
    assert_eq!(thresholds, expected);
    assert!(
        thresholds["parameters"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == "direktupphandlingsgräns"))
    );
    for bad in [
        "/v1/thresholds?date=2026-03-01",
        "/v1/thresholds?jurisdiction=fi&date=2026-03-01",
        "/v1/thresholds?jurisdiction=se&date=2026-02-30",
        "/v1/thresholds?jurisdiction=se&date=2026-03-01&lang=fi",
        "/v1/thresholds?jurisdiction=se&date=2026-03-01&colour=red",
    ] {
        let answer = get(&server, bad);
        assert_eq!(answer.status, 400, "{bad}: {}", answer.body);
        assert!(answer.json()["error"]["message"].is_string());
    }

    let rule_set = get(&server, "/v1/rules").json();
    assert_eq!(rule_set["content_hash"], rules.content_hash());
    assert_eq!(rule_set["engine_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(rule_set["decision_format_version"], 2);
    assert_eq!(rule_set["jurisdictions"][0]["currency"], "SEK");

    let health = get(&server, "/healthz").json();
    assert_eq!(health["status"], "ok");

    assert_eq!(
        get(&server, "/v1/schema/case").json(),
        regelverk::schema::case_schema(rules.vocabulary(), None)
    );
    assert_eq!(
        get(&server, "/v1/schema/decision").json(),
        regelverk::schema::decision_schema()
    );

    // Every path the OpenAPI document names is served with the method it names, and a path it
    // does not name is not.
    let openapi = get(&server, "/v1/openapi.json").json();
    assert_eq!(openapi["openapi"], "3.1.0");
    let paths = openapi["paths"].as_object().expect("paths");
    assert!(paths.len() >= 13, "{paths:?}");
    // The forms of the kinds of case with a section and a form of their own.
    for form in ["/partnership", "/modification"] {
        assert!(paths.contains_key(form), "{form} documented");
    }
    for (path, methods) in paths {
        for method in methods.as_object().expect("methods").keys() {
            let url = format!("http://{}{path}", server.addr());
            let answer = match method.as_str() {
                "get" => read(agent().get(&url).call().expect("an answer")),
                "post" => read(
                    agent()
                        .post(&url)
                        .header("content-type", "text/plain")
                        .send("")
                        .expect("an answer"),
                ),
                other => panic!("unexpected method {other}"),
            };
            assert!(
                ![404, 405].contains(&answer.status),
                "{method} {path}: {}",
                answer.status
            );
        }
    }
    let missing = get(&server, "/v1/nothing");
    assert_eq!(missing.status, 404);
    assert!(missing.json()["error"]["message"].is_string());
    let wrong_method = get(&server, "/v1/decide");
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.json()["error"]["status"], 405);
    server.stop().expect("stops");
}

/// Each bad body gets a 4xx with a JSON error, with the place in the body where there is one,
/// and the server goes on serving.
#[test]
fn bad_bodies_get_json_errors_with_their_place_and_the_server_goes_on() {
    let server = start();
    let check = |answer: Answer, status: u16| -> Value {
        assert_eq!(answer.status, status, "{}", answer.body);
        assert_eq!(answer.content_type, "application/json");
        let json = answer.json();
        assert_eq!(json["error"]["status"], status);
        json
    };

    let invalid = post(
        &server,
        "/v1/decide",
        "application/json",
        "{\n  \"jurisdiction\": \"SE\",\n  \"date\": \"2026-03-01\",\n  \"purchase\": {\"value\": 650000 SEK}\n}",
    );
    let json = check(invalid, 400);
    assert_eq!(json["error"]["diagnostics"][0]["line"], 4);
    assert!(json["error"]["diagnostics"][0]["column"].as_u64() > Some(10));

    let unknown = post(
        &server,
        "/v1/decide",
        "application/json",
        "{\"jurisdiction\": \"SE\", \"date\": \"2026-03-01\",\n \"purchase\": {\"valeu\": \"1 SEK\"}}",
    );
    let json = check(unknown, 422);
    let message = json["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("unknown field `valeu`"), "{message}");
    assert_eq!(json["error"]["diagnostics"][0]["line"], 2);

    let currency = post(
        &server,
        "/v1/decide",
        "application/json",
        r#"{"jurisdiction":"SE","date":"2026-03-01","purchase":{"value":"750 000 NOK"}}"#,
    );
    let json = check(currency, 422);
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("NOK")
    );
    assert!(json["error"]["diagnostics"][0]["column"].as_u64() > Some(1));

    let missing_date = post(
        &server,
        "/v1/decide",
        "application/json",
        r#"{"jurisdiction":"SE"}"#,
    );
    check(missing_date, 422);

    let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let json = check(post(&server, "/v1/decide", "application/json", &deep), 400);
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("recursion")
    );
    let deep_toml = format!("a = {}{}", "[".repeat(20_000), "]".repeat(20_000));
    check(
        post(&server, "/v1/decide", "application/toml", &deep_toml),
        400,
    );

    let over = format!(
        "{{\"jurisdiction\":\"SE\",\"date\":\"2026-03-01\",\"x\":\"{}\"}}",
        "a".repeat(70_000)
    );
    check(post(&server, "/v1/decide", "application/json", &over), 413);
    // Over the limit without saying so in advance (chunked).
    let chunk = "a".repeat(40_000);
    let chunked = format!(
        "POST /v1/decide HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n{chunk}\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len(),
        chunk.len()
    );
    let answer = raw(server.addr(), chunked.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"status\":413"), "{answer}");

    check(post(&server, "/v1/decide", "text/plain", ALLOWED), 415);
    check(post(&server, "/v1/batch", "application/json", ALLOWED), 415);
    let no_type = raw(
        server.addr(),
        format!(
            "POST /v1/decide HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{ALLOWED}",
            ALLOWED.len()
        )
        .as_bytes(),
    );
    assert!(no_type.starts_with("HTTP/1.1 415"), "{no_type}");

    let mut not_utf8 = b"POST /v1/decide HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 3\r\nconnection: close\r\n\r\n".to_vec();
    not_utf8.extend_from_slice(&[0xff, 0xfe, 0x7b]);
    assert!(raw(server.addr(), &not_utf8).starts_with("HTTP/1.1 400"));

    check(
        post(&server, "/v1/decide?lang=fi", "application/json", ALLOWED),
        400,
    );
    check(
        post(&server, "/v1/decide?verbose=1", "application/json", ALLOWED),
        400,
    );

    let garbage = raw(server.addr(), b"NOT HTTP AT ALL\r\n\r\n");
    assert!(garbage.starts_with("HTTP/1.1 400"), "{garbage}");

    // Still serving.
    let answer = post(&server, "/v1/decide", "application/json", ALLOWED);
    assert_eq!(answer.status, 200);
    server.stop().expect("stops");
}

#[test]
fn a_batch_over_its_limit_ends_with_an_error_line() {
    let mut options = Options::new(false);
    options.limits.max_batch_bytes = 2 * (ALLOWED.len() as u64 + 1);
    let server = start_with(options);
    let input = format!("{ALLOWED}\n{ALLOWED}\n{ALLOWED}\n{ALLOWED}\n");
    // Declared in advance: refused at once.
    let declared = post(&server, "/v1/batch", "application/x-ndjson", &input);
    assert_eq!(declared.status, 413);
    // Streamed: the lines within the limit are answered, then the error.
    let mut request = String::from(
        "POST /v1/batch HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
    );
    for _ in 0..4 {
        let line = format!("{ALLOWED}\n");
        request.push_str(&format!("{:x}\r\n{line}\r\n", line.len()));
    }
    request.push_str("0\r\n\r\n");
    let answer = raw(server.addr(), request.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("larger than the limit"), "{answer}");
    server.stop().expect("stops");
}

/// A client that sends its headers too slowly is cut off, and others are served meanwhile.
#[test]
fn a_slow_client_is_cut_off_and_others_are_served() {
    let mut options = Options::new(false);
    let mut limits = Limits::default();
    limits.read_timeout = Duration::from_millis(500);
    options.limits = limits;
    let server = start_with(options);
    let mut slow = TcpStream::connect(server.addr()).expect("connect");
    slow.write_all(b"POST /v1/decide HTTP/1.1\r\nhost: x\r\n")
        .expect("send a part");
    let started = Instant::now();
    assert_eq!(get(&server, "/healthz").status, 200);
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a timeout");
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(5), "{waited:?}");

    // A body that stops half-way is cut off too.
    let mut stalled = TcpStream::connect(server.addr()).expect("connect");
    stalled
        .write_all(b"POST /v1/decide HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"juris")
        .expect("send a part");
    stalled
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a timeout");
    let mut answer = Vec::new();
    let _ = stalled.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
    assert_eq!(get(&server, "/healthz").status, 200);
    server.stop().expect("stops");
}

/// The cases the load uses: every outcome, both countries, a conditional answer.
fn load_cases() -> Vec<String> {
    let mut cases = vec![ALLOWED.to_string(), NOT_ALLOWED.to_string()];
    cases.push(r#"{"jurisdiction":"SE","date":"2026-03-01","buyer":{"kind":"kommun"},"purchase":{"category":"services","value":"750 000 SEK"}}"#.into());
    cases.push(r#"{"jurisdiction":"NO","date":"2025-05-01","buyer":{"kind":"kommune"},"purchase":{"category":"services","cpv":"72000000","value":"900 000 NOK"}}"#.into());
    cases.push(r#"{"jurisdiction":"SE","date":"2025-06-01","buyer":{"kind":"region"},"purchase":{"category":"works","value":"12 000 000 SEK"}}"#.into());
    cases
}

/// 10 000 decisions from 64 clients at once, each on its own keep-alive connection: no
/// errors. `cargo test --release --test server load -- --nocapture` prints the latencies and
/// the rate that BENCHMARKS.md gives.
#[test]
fn load_of_10000_requests_from_64_clients_has_no_errors() {
    const CLIENTS: usize = 64;
    const REQUESTS: usize = 10_000;
    let server = start();
    let url = format!("http://{}/v1/decide", server.addr());
    let cases = Arc::new(load_cases());
    let started = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let url = url.clone();
            let cases = Arc::clone(&cases);
            std::thread::spawn(move || {
                let agent = agent();
                let mut latencies = Vec::new();
                let mut errors = Vec::new();
                let mut i = client;
                while i < REQUESTS {
                    let case = &cases[i % cases.len()];
                    let sent = Instant::now();
                    match agent
                        .post(&url)
                        .header("content-type", "application/json")
                        .send(case.as_str())
                    {
                        Ok(response) => {
                            let answer = read(response);
                            latencies.push(sent.elapsed());
                            if answer.status != 200 || !answer.body.contains("\"format_version\":2")
                            {
                                errors.push(format!("{}: {}", answer.status, answer.body));
                            }
                        }
                        Err(e) => errors.push(e.to_string()),
                    }
                    i += CLIENTS;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = Vec::new();
    for worker in workers {
        let (l, e) = worker.join().expect("a client thread");
        latencies.extend(l);
        errors.extend(e);
    }
    let elapsed = started.elapsed();
    assert!(
        errors.is_empty(),
        "{} errors, e.g. {:?}",
        errors.len(),
        errors.first()
    );
    assert_eq!(latencies.len(), REQUESTS);
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "load: {REQUESTS} requests, {CLIENTS} clients, {:.2} s, {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        elapsed.as_secs_f64(),
        REQUESTS as f64 / elapsed.as_secs_f64(),
        p(0.50).as_secs_f64() * 1000.0,
        p(0.99).as_secs_f64() * 1000.0,
        latencies[latencies.len() - 1].as_secs_f64() * 1000.0,
    );
    server.stop().expect("stops");
}

/// The binary: where it listens on standard error, one access-log line per request with no
/// query string, and on SIGTERM it finishes and exits 0.
#[cfg(unix)]
#[test]
fn the_binary_logs_each_request_and_stops_on_sigterm() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_regelverk"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(std::env::temp_dir())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("a line on standard error")
            .expect("text");
        if let Some(rest) = line.strip_prefix("listening on http://") {
            break rest.split('/').next().unwrap_or_default().to_string();
        }
    };
    let base = format!("http://{addr}");
    let health = read(
        agent()
            .get(&format!("{base}/healthz"))
            .call()
            .expect("an answer"),
    );
    assert_eq!(health.status, 200);
    let page = read(
        agent()
            .get(&format!(
                "{base}/answer?jurisdiction=SE&date=2026-03-01&buyer.name=Falu+kommun"
            ))
            .call()
            .expect("an answer"),
    );
    assert_eq!(page.status, 200);
    let first = lines.next().expect("a log line").expect("text");
    assert!(first.starts_with("GET /healthz 200 "), "{first}");
    let second = lines.next().expect("a log line").expect("text");
    assert!(second.starts_with("GET /answer 200 "), "{second}");
    assert!(
        !second.contains("Falu"),
        "the query is not logged: {second}"
    );

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l == "stopped"), "{rest:?}");
}
