//! Hostile inputs: bombs, depth, size, encodings, special files, broken links, numbers with
//! ten thousand digits. See `tests/hostile/README.md` for what each test promises.

#![allow(
    clippy::expect_used,
    reason = "test support: setup that fails fails the test"
)]
#![allow(
    clippy::print_stdout,
    reason = "each test prints the time and memory it measured (`cargo test -- --nocapture`)"
)]
#![allow(
    clippy::format_push_string,
    clippy::format_collect,
    reason = "building test inputs; clarity over allocations"
)]

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Tests run one at a time, so that their timings do not depend on their neighbours.
static SERIAL: Mutex<()> = Mutex::new(());

/// A small file checked beside every hostile input: its finding must survive.
const SENTINEL: &str = "\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: sentinel
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 10GB
";

/// How a run ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    seconds: f64,
    peak_mib: u64,
}

/// The bounds of one run: wall time, and address space (which bounds memory).
struct Bounds {
    seconds: u64,
    memory_mib: u64,
}

const SMALL: Bounds = Bounds {
    seconds: 30,
    memory_mib: 2048,
};

/// A directory holding the sentinel.
fn tree() -> TempDir {
    let dir = TempDir::new().expect("temporary directory");
    std::fs::write(dir.path().join("sentinel.yaml"), SENTINEL).expect("write sentinel");
    dir
}

/// Runs `pvlint check --format json ARGS` in `dir` within `bounds`.
fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>, bounds: &Bounds) -> Run {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut command = Command::new("prlimit");
    command
        .arg(format!("--as={}", bounds.memory_mib * 1024 * 1024))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_pvlint"))
        .args(["check", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = command.spawn().expect("prlimit (util-linux) runs pvlint");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let mut out = child.stdout.take().expect("stdout pipe");
    let mut err = child.stderr.take().expect("stderr pipe");
    let stdout = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out, &mut text);
        text
    });
    let stderr = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut text);
        text
    });
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if let Ok(text) = std::fs::read_to_string(&status_path) {
            peak_kib = peak_kib.max(vm_hwm_kib(&text));
        }
        if start.elapsed() > Duration::from_secs(bounds.seconds) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pvlint {args:?} ran longer than {} s", bounds.seconds);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout.join().expect("stdout")).into_owned(),
        stderr: String::from_utf8_lossy(&stderr.join().expect("stderr")).into_owned(),
        seconds: start.elapsed().as_secs_f64(),
        peak_mib: peak_kib / 1024,
    };
    println!(
        "pvlint {args:?}: exit {:?} in {:.1} s, peak RSS {} MiB (bounds {} s, {} MiB)",
        run.code, run.seconds, run.peak_mib, bounds.seconds, bounds.memory_mib
    );
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("memory allocation"),
        "pvlint crashed: {}",
        run.stderr
    );
    assert!(
        matches!(run.code, Some(1 | 2)),
        "exit {:?} (a signal when None); stderr: {}",
        run.code,
        run.stderr
    );
    run
}

/// `VmHWM` (peak resident set) of a `/proc/PID/status`, in KiB.
fn vm_hwm_kib(status: &str) -> u64 {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .unwrap_or(0)
}

impl Run {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| {
            panic!(
                "output is not JSON ({error}): {}",
                &self.stdout[..self.stdout.len().min(500)]
            )
        })
    }

    /// `(code, file, line)` of every finding.
    fn findings(&self) -> Vec<(String, String, u64)> {
        let json = self.json();
        json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|diagnostic| {
                (
                    diagnostic["code"].as_str().unwrap_or_default().to_owned(),
                    diagnostic["file"].as_str().unwrap_or_default().to_owned(),
                    diagnostic["line"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    }

    /// Asserts that the sentinel file was checked, and that `file` has a `code` finding.
    fn reports(&self, file: &str, code: &str) {
        let findings = self.findings();
        assert!(
            findings
                .iter()
                .any(|(c, f, _)| c == "PVL010" && f == "sentinel.yaml"),
            "the sentinel was not checked: {findings:?}"
        );
        assert!(
            findings
                .iter()
                .any(|(c, f, line)| c == code && f == file && *line > 0),
            "no located {code} in {file}: {findings:?}"
        );
    }

    /// Asserts that the sentinel was checked and `file` is named in an input error.
    fn input_error(&self, file: &str) {
        let findings = self.findings();
        assert!(
            findings
                .iter()
                .any(|(c, f, _)| c == "PVL010" && f == "sentinel.yaml"),
            "the sentinel was not checked: {findings:?}"
        );
        assert_eq!(self.code, Some(2), "an input error exits 2");
        let json = self.json();
        let errors = json["summary"]["input_errors"]
            .as_array()
            .expect("input_errors");
        assert!(
            errors.iter().any(|error| error["path"]
                .as_str()
                .is_some_and(|path| path.ends_with(file))),
            "no input error for {file}: {errors:?}"
        );
    }
}

/// `pvlint check --no-config .` in `dir`.
fn check(dir: &Path, bounds: &Bounds) -> Run {
    run(dir, &["--no-config", "."], None, bounds)
}

#[test]
fn billion_laughs_is_cut_at_the_alias_budget() {
    let dir = tree();
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10u8 {
        let (name, previous) = (char::from(b'a' + level), char::from(b'a' + level - 1));
        let aliases = vec![format!("*{previous}"); 9].join(", ");
        text.push_str(&format!("{name}: &{name} [{aliases}]\n"));
    }
    std::fs::write(dir.path().join("bomb.yaml"), text).expect("write");
    check(dir.path(), &SMALL).reports("bomb.yaml", "PVL001");
}

#[test]
fn nested_anchors_are_charged_to_the_alias_budget() {
    // Each anchor keeps a copy of its node for later aliases: 190 nested anchors over a long
    // list once cost 5 GB and 40 s for a 600 kB file.
    let dir = tree();
    let open: String = (0..190).map(|level| format!("&a{level} [")).collect();
    let text = format!(
        "{open}{}{}\n",
        vec!["x"; 300_000].join(","),
        "]".repeat(190)
    );
    std::fs::write(dir.path().join("anchors.yaml"), text).expect("write");
    check(dir.path(), &SMALL).reports("anchors.yaml", "PVL001");
}

#[test]
fn documents_nested_ten_thousand_levels_deep_are_cut() {
    let dir = tree();
    let flow = format!("{}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    std::fs::write(dir.path().join("flow.yaml"), flow).expect("write");
    let braces = format!("{}{}\n", "{a: ".repeat(10_000), "}".repeat(10_000));
    std::fs::write(dir.path().join("braces.yaml"), braces).expect("write");
    let block: String = (0..10_000)
        .map(|level| format!("{}a:\n", " ".repeat(level)))
        .collect();
    std::fs::write(dir.path().join("block.yaml"), block).expect("write");
    let result = check(dir.path(), &SMALL);
    for file in ["flow.yaml", "braces.yaml", "block.yaml"] {
        result.reports(file, "PVL001");
    }
}

#[test]
fn a_200_megabyte_file_is_refused_by_size_before_reading() {
    let dir = tree();
    let file = std::fs::File::create(dir.path().join("huge.yaml")).expect("create");
    file.set_len(200 * 1024 * 1024)
        .expect("a sparse 200 MB file");
    let result = check(dir.path(), &SMALL);
    result.input_error("huge.yaml");
    assert!(result.stdout.contains("max-file-size"), "{}", result.stdout);
    assert!(
        result.peak_mib < 200,
        "the file was read: {} MiB",
        result.peak_mib
    );
}

#[test]
fn stdin_over_the_size_limit_is_refused() {
    let dir = tree();
    std::fs::write(dir.path().join("limits.yml.txt"), "max-file-size: 1Mi\n").expect("write");
    let big = vec![b'#'; 3 * 1024 * 1024];
    let args = ["--config", "limits.yml.txt", "-", "sentinel.yaml"];
    run(dir.path(), &args, Some(&big), &SMALL).input_error("-");
}

#[test]
fn a_line_of_ten_megabytes_is_read() {
    let dir = tree();
    let text = format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: long\n  annotations:\n    \
         note: {}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1GB}}}}\n",
        "a".repeat(10 * 1024 * 1024)
    );
    std::fs::write(dir.path().join("line.yaml"), text).expect("write");
    check(dir.path(), &SMALL).reports("line.yaml", "PVL010");
}

/// The big inputs: debug builds parse and model them in 20 to 35 s on two cores.
const BIG: Bounds = Bounds {
    seconds: 150,
    memory_mib: 4096,
};

#[test]
fn a_hundred_thousand_documents_in_one_file() {
    let dir = tree();
    let mut text = String::new();
    for n in 0..100_000 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c{n}\nspec:\n  \
             accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n"
        ));
    }
    text.push_str(
        "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: last\nspec:\n  \
                   accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1GB}}\n",
    );
    std::fs::write(dir.path().join("docs.yaml"), text).expect("write");
    check(dir.path(), &BIG).reports("docs.yaml", "PVL010");
}

#[test]
fn a_million_keys_in_one_mapping() {
    let dir = tree();
    let mut text = String::from(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: keys\n  labels:\n",
    );
    for n in 0..1_000_000 {
        text.push_str(&format!("    k{n}: v\n"));
    }
    text.push_str("    k0: again\n");
    std::fs::write(dir.path().join("keys.yaml"), text).expect("write");
    check(dir.path(), &BIG).reports("keys.yaml", "PVL002");
}

#[test]
fn invalid_utf8_is_located() {
    let dir = tree();
    std::fs::write(
        dir.path().join("latin1.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n",
    )
    .expect("write");
    check(dir.path(), &SMALL).reports("latin1.yaml", "PVL001");
}

#[test]
fn utf16_with_a_byte_order_mark_is_decoded() {
    let dir = tree();
    let text = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: wide\nspec:\n  \
                accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 5GB}}\n";
    for (name, bom, encode) in [
        (
            "le.yaml",
            [0xFF, 0xFE],
            u16::to_le_bytes as fn(u16) -> [u8; 2],
        ),
        ("be.yaml", [0xFE, 0xFF], u16::to_be_bytes),
    ] {
        let mut bytes = bom.to_vec();
        bytes.extend(text.encode_utf16().flat_map(encode));
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let result = check(dir.path(), &SMALL);
    result.reports("le.yaml", "PVL010");
    result.reports("be.yaml", "PVL010");
}

#[test]
fn nul_bytes_are_located() {
    let dir = tree();
    std::fs::write(
        dir.path().join("nul.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\x00b\n",
    )
    .expect("write");
    check(dir.path(), &SMALL).reports("nul.yaml", "PVL001");
}

#[test]
fn a_quantity_with_ten_thousand_digits() {
    let dir = tree();
    let digits = "9".repeat(10_000);
    let claim = |name: &str, storage: &str| {
        format!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}\nspec:\n  \
             accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: \"{storage}\"}}}}\n"
        )
    };
    let text = [
        claim("big", &format!("{digits}Gi")),
        claim("exponent", &format!("1e{digits}")),
        claim("tiny", &format!("0.{}1", "0".repeat(10_000))),
        claim("broken", &format!("{digits}GB")),
    ]
    .concat();
    std::fs::write(dir.path().join("digits.yaml"), text).expect("write");
    check(dir.path(), &SMALL).reports("digits.yaml", "PVL010");
}

#[test]
fn a_fifo_in_the_tree_is_reported_not_opened() {
    let dir = tree();
    let status = Command::new("mkfifo")
        .arg(dir.path().join("pipe.yaml"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    check(dir.path(), &SMALL).input_error("pipe.yaml");
}

#[test]
fn a_device_named_on_the_command_line_is_refused() {
    let dir = tree();
    let args = ["--no-config", "/dev/zero", "sentinel.yaml"];
    run(dir.path(), &args, None, &SMALL).input_error("/dev/zero");
}

#[test]
fn a_symlink_loop_is_reported() {
    let dir = tree();
    std::os::unix::fs::symlink("loop.yaml", dir.path().join("loop.yaml")).expect("symlink");
    std::os::unix::fs::symlink("b", dir.path().join("a")).expect("symlink");
    std::os::unix::fs::symlink("a", dir.path().join("b")).expect("symlink");
    let result = check(dir.path(), &SMALL);
    result.input_error("loop.yaml");
    result.input_error("a");
    let followed = run(
        dir.path(),
        &["--no-config", "--follow-symlinks", "."],
        None,
        &SMALL,
    );
    followed.input_error("loop.yaml");
}

#[test]
fn a_symlink_leaving_the_tree_is_not_followed() {
    let outside = TempDir::new().expect("temporary directory");
    std::fs::write(
        outside.path().join("secret.yaml"),
        SENTINEL.replace("sentinel", "secret"),
    )
    .expect("write");
    let dir = tree();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("link.yaml"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked-dir")).expect("symlink");
    std::os::unix::fs::symlink("sentinel.yaml", dir.path().join("inside.yaml")).expect("symlink");
    let result = check(dir.path(), &SMALL);
    result.input_error("link.yaml");
    result.input_error("linked-dir");
    let files = result.json()["summary"]["files"].as_u64();
    assert_eq!(
        files,
        Some(1),
        "a link inside the tree to a file read anyway is read once"
    );
    let followed = run(
        dir.path(),
        &["--no-config", "--follow-symlinks", "."],
        None,
        &SMALL,
    );
    assert_eq!(followed.code, Some(1), "{}", followed.stderr);
    assert!(
        followed
            .findings()
            .iter()
            .any(|(_, file, _)| file == "link.yaml")
    );
}

#[test]
fn an_unreadable_file_is_an_input_error() {
    let dir = tree();
    let path = dir.path().join("secret.yaml");
    std::fs::write(&path, SENTINEL).expect("write");
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o000))
        .expect("chmod");
    if std::fs::File::open(&path).is_ok() {
        // Root reads a file of mode 000, and there is no other way for an unprivileged test to
        // take read access from root. The read error path is the same one the disappearing
        // file below takes.
        println!("skipped: running as root, where mode 000 does not stop reading");
        return;
    }
    check(dir.path(), &SMALL).input_error("secret.yaml");
}

#[test]
fn a_file_that_disappears_during_the_run_is_an_input_error() {
    // A file named on the command line that is gone by the time it is read (the same path as
    // a file deleted between the listing and the read).
    let dir = tree();
    let args = ["--no-config", "gone.yaml", "sentinel.yaml"];
    run(dir.path(), &args, None, &SMALL).input_error("gone.yaml");
}

#[test]
fn a_path_with_bytes_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = tree();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
    std::fs::write(dir.path().join(name), SENTINEL.replace("sentinel", "latin")).expect("write");
    let result = check(dir.path(), &SMALL);
    let findings = result.findings();
    assert!(
        findings
            .iter()
            .any(|(code, file, _)| code == "PVL010" && file.starts_with("caf")),
        "{findings:?}"
    );
    result.reports("sentinel.yaml", "PVL010");
}

#[test]
fn the_regex_crate_runs_a_catastrophic_pattern_in_linear_time() {
    // Each pattern takes exponential time on `aaa…ab` (or `xxx…x`) in a backtracking engine.
    // The `regex` crate, which pvlint uses for user patterns, guarantees linear time: a
    // hundred thousand characters take milliseconds, ten times more about ten times longer.
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (pattern, unit, end) in [
        ("(a+)+$", "a", "b"),
        ("^(a|aa)+$", "a", "b"),
        ("(x+x+)+y", "x", ""),
        ("^(\\w+\\s?)*$", "a", "!"),
    ] {
        let regex = regex::Regex::new(pattern).expect("compiles");
        let time = |n: usize| {
            let text = format!("{}{end}", unit.repeat(n));
            let start = Instant::now();
            assert!(!regex.is_match(&text), "{pattern}");
            start.elapsed()
        };
        let small = time(100_000);
        let large = time(1_000_000);
        println!("{pattern}: 100k chars {small:?}, 1M chars {large:?}");
        assert!(large < Duration::from_secs(10), "{pattern}: {large:?}");
        assert!(
            large < small * 100 + Duration::from_millis(500),
            "{pattern}: {small:?} → {large:?}"
        );
    }
}

#[test]
fn a_user_pack_regex_built_to_backtrack_runs_in_linear_time() {
    // The pattern a backtracking engine needs exponential time for, over a label value of a
    // million characters that almost matches: the pack rule must still answer in seconds.
    let dir = tree();
    std::fs::write(dir.path().join(".pvlint.yaml"), "packs: [slow]\n").expect("write config");
    std::fs::create_dir(dir.path().join("slow")).expect("pack directory");
    let pack = r#"apiVersion: pvlint.dev/v1
kind: RulePack
id: slow
rules:
  - id: label-value-shape
    summary: label values are runs of `a`
    category: suspicious
    match: { kinds: [PersistentVolumeClaim] }
    template: field-matches
    params: { path: metadata.labels.*, pattern: '^(a+)+$' }
    message: "label value does not match `{pattern}`"
"#;
    std::fs::write(dir.path().join("slow/pack.yaml"), pack).expect("write pack");
    let value = format!("{}b", "a".repeat(1_000_000));
    let claim = format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  labels:\n    \
         shape: {value}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n"
    );
    std::fs::write(dir.path().join("claim.yaml"), claim).expect("write claim");
    let run = run(dir.path(), &["."], None, &SMALL);
    run.reports("claim.yaml", "slow/label-value-shape");
}

#[test]
fn a_panicking_rule_is_an_internal_error_and_the_others_still_report() {
    let dir = tree();
    let args = ["--no-config", "--debug-panic-in", "PVL204", "."];
    let result = run(dir.path(), &args, None, &SMALL);
    assert_eq!(result.code, Some(2), "{}", result.stderr);
    assert!(
        result.stderr.contains(
            "internal error: rule `PVL204` pvc-storage-request-missing failed on \
             PersistentVolumeClaim `default/sentinel`"
        ),
        "{}",
        result.stderr
    );
    assert!(!result.stderr.contains("panicked at"), "{}", result.stderr);
    assert!(!result.stderr.contains("backtrace"), "{}", result.stderr);
    result.reports("sentinel.yaml", "PVL010");
}

#[test]
fn a_file_that_does_not_parse_never_passes_in_silence() {
    let dir = tree();
    std::fs::write(dir.path().join("broken.yaml"), "kind: [\n").expect("write");
    // The rule that reports it is not selected: the file is an input error.
    let selected = run(
        dir.path(),
        &["--no-config", "--select", "PVL010", "."],
        None,
        &SMALL,
    );
    selected.input_error("broken.yaml");
    // Its finding is only a warning below the fail level: the run still fails.
    std::fs::write(
        dir.path().join("lenient.yml.txt"),
        "rules: {PVL001: info, PVL010: info}\n",
    )
    .expect("write");
    let lenient = run(
        dir.path(),
        &["--config", "lenient.yml.txt", "."],
        None,
        &SMALL,
    );
    assert_eq!(lenient.code, Some(1), "{}", lenient.stderr);
    // Excluded by the user: fine.
    std::fs::write(
        dir.path().join("excluded.yml.txt"),
        "exclude: [broken.yaml]\nrules: {PVL010: info}\n",
    )
    .expect("write");
    let excluded = Command::new(env!("CARGO_BIN_EXE_pvlint"))
        .args(["check", "--config", "excluded.yml.txt", "."])
        .current_dir(dir.path())
        .output()
        .expect("pvlint runs");
    assert_eq!(excluded.status.code(), Some(0), "{excluded:?}");
}

#[test]
fn the_limits_are_configurable() {
    let dir = tree();
    std::fs::write(dir.path().join("nested.yaml"), "a: {b: {c: {d: [1]}}}\n").expect("write");
    std::fs::write(
        dir.path().join("aliases.yaml"),
        "a: &a [1, 2, 3]\nb: [*a, *a]\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("tight.yml.txt"),
        "max-depth: 4\nmax-alias-nodes: 6\n",
    )
    .expect("write");
    let result = run(
        dir.path(),
        &["--config", "tight.yml.txt", "."],
        None,
        &SMALL,
    );
    result.reports("nested.yaml", "PVL001");
    result.reports("aliases.yaml", "PVL001");
    let loose = run(dir.path(), &["--no-config", "."], None, &SMALL);
    assert!(
        !loose.findings().iter().any(|(code, _, _)| code == "PVL001"),
        "{:?}",
        loose.findings()
    );
}
