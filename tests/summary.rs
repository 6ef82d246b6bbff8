//! The Markdown summary (`check --format markdown`) and the storage graph (`pvlint graph`):
//! golden outputs, GitHub links, limits, the committed sample in `docs/`, and every Mermaid
//! drawing checked by Mermaid's own parser (`tests/mermaid`, installed by `.ci/run`).

#![allow(
    clippy::unwrap_used,
    reason = "end-to-end tests: a failing call should fail the test loudly"
)]
#![allow(
    clippy::print_stderr,
    reason = "a test says why it skips when an optional tool is not installed"
)]

mod common;

use common::git;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pvlint::graph::StorageGraph;
use pvlint::load::Inputs;
use pvlint::report::markdown::{self, LinkBase};
use pvlint::settings::Settings;
use pvlint::source::SourceMap;

const GITHUB_VARIABLES: [&str; 3] = ["GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn basic() -> PathBuf {
    root().join("tests/cli/basic")
}

/// Runs pvlint outside GitHub Actions (whatever runs the tests); [`common::pvlint`] asserts
/// it left the tree as it found it.
fn pvlint(dir: &Path, args: &[&str]) -> Output {
    common::pvlint_with(dir, args, |command| {
        for variable in GITHUB_VARIABLES {
            command.env_remove(variable);
        }
    })
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The text of the first ```` ```mermaid ```` block of a Markdown document.
fn mermaid_block(markdown: &str) -> String {
    let start = markdown.find("```mermaid\n").unwrap() + "```mermaid\n".len();
    let length = markdown[start..].find("```").unwrap();
    markdown[start..start + length].to_owned()
}

/// Checks that every table row has as many cells as its header, splitting on `|` not escaped
/// by a backslash (as GFM does).
fn assert_tables_are_well_formed(markdown: &str) {
    let cells = |line: &str| {
        let mut count = 0;
        let mut escaped = false;
        for character in line.chars() {
            match character {
                '\\' if !escaped => escaped = true,
                '|' if !escaped => {
                    count += 1;
                    escaped = false;
                }
                _ => escaped = false,
            }
        }
        count
    };
    let mut header = None;
    for line in markdown.lines() {
        if line.starts_with('|') {
            let expected = *header.get_or_insert(cells(line));
            assert_eq!(cells(line), expected, "row with a wrong cell count: {line}");
        } else {
            header = None;
        }
    }
}

fn check(yaml: &str) -> pvlint::CheckResult {
    let inputs = Inputs {
        stdin: Some(yaml.to_owned()),
        ..Inputs::default()
    };
    pvlint::check(&inputs, &Settings::default(), SourceMap::default())
}

#[test]
fn markdown_summary_lists_findings_plan_and_graph() {
    let output = pvlint(
        &basic(),
        &["check", "--no-config", "--format", "markdown", "."],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_tables_are_well_formed(&text);
    insta::assert_snapshot!("basic_markdown", text);
}

#[test]
fn markdown_links_to_the_commit_in_github_actions() {
    let output = common::pvlint_with(
        &basic(),
        &["check", "--no-config", "--format", "markdown", "."],
        |command| {
            command
                .env("GITHUB_SERVER_URL", "https://github.com")
                .env("GITHUB_REPOSITORY", "acme/storage")
                .env("GITHUB_SHA", "0123abc");
        },
    );
    let text = stdout(&output);
    assert!(
        text.contains(
            "[app/claims.yaml:6](https://github.com/acme/storage/blob/0123abc/app/claims.yaml#L6)"
        ),
        "{text}"
    );
}

#[test]
fn markdown_is_written_to_a_file_next_to_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let spec = format!("markdown={}", summary.display());
    let output = pvlint(
        &basic(),
        &[
            "check",
            "--no-config",
            "--format",
            "human",
            "--format",
            &spec,
            ".",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("PVL201"));
    let written = std::fs::read_to_string(summary).unwrap();
    assert!(written.starts_with("## pvlint\n"), "{written}");
    assert!(written.contains("| ❌ error | `PVL201` pvc-storage-class-not-found |"));
}

#[test]
fn a_clean_summary_says_no_findings() {
    let output = pvlint(
        &basic(),
        &["check", "--no-config", "--format", "markdown", "infra"],
    );
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("✅ No findings in 1 file."), "{text}");
    assert!(!text.contains("### Findings"), "{text}");
    assert!(text.contains("```mermaid\n"), "{text}");
}

#[test]
fn graph_draws_mermaid_and_dot() {
    let mermaid = pvlint(&basic(), &["graph", "--no-config", "."]);
    assert_eq!(
        mermaid.status.code(),
        Some(0),
        "findings do not fail `graph`"
    );
    insta::assert_snapshot!("basic_graph_mermaid", stdout(&mermaid));
    let explicit = pvlint(
        &basic(),
        &["graph", "--no-config", "--format", "mermaid", "."],
    );
    assert_eq!(stdout(&explicit), stdout(&mermaid));
    let dot = pvlint(&basic(), &["graph", "--no-config", "--format", "dot", "."]);
    assert_eq!(dot.status.code(), Some(0));
    insta::assert_snapshot!("basic_graph_dot", stdout(&dot));
}

#[test]
fn dot_output_renders_with_graphviz_when_installed() {
    let Ok(probe) = Command::new("dot").arg("-V").output() else {
        eprintln!("skipped: Graphviz `dot` is not installed");
        return;
    };
    assert!(probe.status.success());
    let dir = tempfile::tempdir().unwrap();
    let strange = dir.path().join("strange.yaml");
    std::fs::write(&strange, STRANGE).unwrap();
    for (cwd, path) in [(root(), "examples/"), (dir.path(), "strange.yaml")] {
        let graph = stdout(&pvlint(
            cwd,
            &["graph", "--no-config", "--format", "dot", path],
        ));
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), graph.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "{graph}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn graph_writes_files_and_refuses_unknown_formats() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("graph.dot");
    let spec = format!("dot={}", file.display());
    let output = pvlint(&basic(), &["graph", "--no-config", "--format", &spec, "."]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).is_empty());
    assert!(
        std::fs::read_to_string(file)
            .unwrap()
            .starts_with("digraph storage {")
    );
    let unknown = pvlint(&basic(), &["graph", "--no-config", "--format", "svg", "."]);
    assert_eq!(unknown.status.code(), Some(2));
    let missing = pvlint(&basic(), &["graph", "--no-config", "nope.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
}

/// `(from, label, to)` for each edge, by node labels.
fn edges(graph: &StorageGraph) -> Vec<(String, &'static str, String)> {
    let label = |at: usize| graph.nodes[at].label();
    graph
        .edges
        .iter()
        .map(|edge| (label(edge.from), edge.label, label(edge.to)))
        .collect()
}

const EVERY_REFERENCE: &str = "apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: ebs.csi.aws.com
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-1}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: ''
  csi: {driver: nfs.csi.k8s.io, volumeHandle: v1}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: static, namespace: apps}
spec:
  storageClassName: ''
  volumeName: pv-1
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 5Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: copy, namespace: apps}
spec:
  storageClassName: fast
  dataSource: {kind: PersistentVolumeClaim, name: static}
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 5Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: apps}
spec:
  containers:
    - name: app
      image: busybox:1.36
      volumeMounts:
        - {name: a, mountPath: /a}
        - {name: b, mountPath: /b}
        - {name: scratch, mountPath: /scratch}
  volumes:
    - name: a
      persistentVolumeClaim: {claimName: static}
    - name: b
      persistentVolumeClaim: {claimName: nowhere}
    - name: scratch
      ephemeral:
        volumeClaimTemplate:
          spec:
            storageClassName: typo
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: stateless, namespace: apps}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers: [{name: x, image: busybox:1.36}]
";

#[test]
fn the_graph_follows_every_kind_of_reference() {
    let result = check(EVERY_REFERENCE);
    let edges = edges(&result.graph);
    let expected = [
        ("StorageClass fast", "provisioner", "driver ebs.csi.aws.com"),
        ("PV pv-1", "driver", "driver nfs.csi.k8s.io"),
        ("Pod apps/app", "mounts", "PVC apps/static"),
        ("Pod apps/app", "mounts", "PVC apps/nowhere (missing)"),
        ("Pod apps/app", "mounts", "ephemeral PVC apps/app-scratch"),
        ("PVC apps/static", "binds", "PV pv-1"),
        ("PVC apps/copy", "class", "StorageClass fast"),
        ("PVC apps/copy", "clones", "PVC apps/static"),
        (
            "ephemeral PVC apps/app-scratch",
            "class",
            "StorageClass typo (missing)",
        ),
    ];
    for (from, label, to) in expected {
        assert!(
            edges
                .iter()
                .any(|edge| edge.0 == from && edge.1 == label && edge.2 == to),
            "no edge {from} -{label}-> {to} in {edges:#?}"
        );
    }
    assert_eq!(edges.len(), expected.len(), "{edges:#?}");
    // A workload without claims is not storage.
    assert!(
        result
            .graph
            .nodes
            .iter()
            .all(|node| node.name != "stateless")
    );
    // The ephemeral claim's missing class is reported inside the Pod, on the claim template:
    // the claim node, not the Pod, carries it.
    let node = |label: &str| {
        result
            .graph
            .nodes
            .iter()
            .find(|node| node.label() == label)
            .unwrap()
    };
    assert!(node("ephemeral PVC apps/app-scratch").severity.is_some());
    assert!(
        node("PVC apps/static").severity.is_none(),
        "{:#?}",
        result.diagnostics
    );
}

/// Claims that each miss their class, with names as long as Kubernetes allows.
fn many_findings(claims: usize) -> String {
    let mut yaml = String::new();
    for at in 0..claims {
        let name = format!("{at}-{}", "x".repeat(240));
        let _ = write!(
            yaml,
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: c{name}, namespace: apps}}\nspec:\n  storageClassName: class-{name}\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n"
        );
    }
    yaml
}

#[test]
fn the_summary_stays_small_for_a_large_repository() {
    let result = check(&many_findings(3000));
    assert!(result.diagnostics.len() >= 3000);
    let text = markdown::render(&result, &LinkBase::Repository);
    // GitHub takes at most 1 MiB of job summary per step.
    assert!(text.len() < 256 * 1024, "{} bytes", text.len());
    let more = result.diagnostics.len() - markdown::MAX_FINDINGS;
    assert!(
        text.contains(&format!("… and {more} more findings not listed.")),
        "{text}"
    );
    assert!(text.contains("… and 2900 more claims not listed."));
    let drawing = mermaid_block(&text);
    assert!(drawing.len() < 50_000, "{} bytes", drawing.len());
    assert!(drawing.contains("  more[\"… and "), "{drawing}");
    // Claims with findings are drawn with what they refer to, not alone.
    assert!(drawing.matches(" -->|class| ").count() >= 50, "{drawing}");
    assert_tables_are_well_formed(&text);
}

const STRANGE: &str = r#"apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: 'we"ird#<b>`x`:end|%% [a] {b} (c)'
  namespace: "é ns"
spec:
  storageClassName: "cl\"ass]})[\nsecond line"
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: end, namespace: "é ns"}
spec:
  containers:
    - name: app
      image: busybox:1.36
      volumeMounts: [{name: data, mountPath: /data}]
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: 'we"ird#<b>`x`:end|%% [a] {b} (c)'
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: "subgraph"}
provisioner: 'style x:#f00; a"b<c>&d `e`'
"#;

#[test]
fn strange_names_are_escaped_in_tables_and_labels() {
    let result = check(STRANGE);
    let text = markdown::render(&result, &LinkBase::Repository);
    assert_tables_are_well_formed(&text);
    let drawing = mermaid_block(&text);
    for line in drawing.lines().skip(1) {
        let quotes = line.matches('"').count();
        assert!(quotes == 0 || quotes == 2, "a label leaks a quote: {line}");
        assert!(!line.contains('`') && !line.contains('<'), "{line}");
    }
}

fn docs_sample() -> PathBuf {
    root().join("docs/summary-example.md")
}

const SAMPLE_HEADER: &str = "<!-- Generated by `pvlint check examples/ --format markdown` (no config, outside GitHub Actions). tests/summary.rs fails when it is stale; `UPDATE_DOCS=1 cargo test --test summary` rewrites it. -->\n\n";

#[test]
fn the_summary_sample_in_docs_is_current() {
    let output = pvlint(
        root(),
        &["check", "--no-config", "examples/", "--format", "markdown"],
    );
    assert_eq!(output.status.code(), Some(1));
    let expected = format!("{SAMPLE_HEADER}{}", stdout(&output));
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(root().join("docs")).unwrap();
        std::fs::write(docs_sample(), &expected).unwrap();
    }
    let committed = std::fs::read_to_string(docs_sample()).unwrap_or_default();
    assert!(
        committed == expected,
        "docs/summary-example.md is stale: run `UPDATE_DOCS=1 cargo test --test summary`"
    );
}

/// Every drawing the tests above produce, checked by Mermaid's parser when it is installed
/// (`npm ci --prefix tests/mermaid`; `.ci/run` does it, and CI requires it).
#[test]
fn every_drawing_parses_with_mermaid() {
    let parser = root().join("tests/mermaid");
    if !parser.join("node_modules/mermaid").is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Mermaid's parser is not installed: run `npm ci --prefix tests/mermaid`"
        );
        eprintln!("skipped: Mermaid's parser is not installed (npm ci --prefix tests/mermaid)");
        return;
    }
    let basic_summary = stdout(&pvlint(
        &basic(),
        &["check", "--no-config", "--format", "markdown", "."],
    ));
    let examples_summary = stdout(&pvlint(
        root(),
        &["check", "--no-config", "examples/", "--format", "markdown"],
    ));
    let drawings = [
        (
            "basic-graph",
            stdout(&pvlint(&basic(), &["graph", "--no-config", "."])),
        ),
        ("basic-summary", mermaid_block(&basic_summary)),
        ("examples-summary", mermaid_block(&examples_summary)),
        (
            "strange",
            mermaid_block(&markdown::render(&check(STRANGE), &LinkBase::Repository)),
        ),
        (
            "large",
            mermaid_block(&markdown::render(
                &check(&many_findings(400)),
                &LinkBase::Repository,
            )),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, drawing) in &drawings {
        let file = dir.path().join(format!("{name}.mmd"));
        std::fs::write(&file, drawing).unwrap();
        files.push(file);
    }
    let output = Command::new("node")
        .arg(parser.join("parse.mjs"))
        .args(&files)
        .output()
        .unwrap();
    let report = stdout(&output);
    assert!(
        output.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        report
            .lines()
            .filter(|line| line.starts_with("ok "))
            .count(),
        drawings.len(),
        "{report}"
    );
}

#[test]
fn findings_in_the_base_revision_are_not_linked() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::write(
        dir.path().join("classes.yaml"),
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: ebs.csi.aws.com\nreclaimPolicy: Delete\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("claims.yaml"),
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  storageClassName: fast\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n",
    )
    .unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    git(dir.path(), &["rm", "-q", "claims.yaml"]);
    let output = pvlint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--base",
            "HEAD",
            "--format",
            "markdown",
            ".",
        ],
    );
    let text = stdout(&output);
    assert!(
        text.contains("claim-removed-deletes-data | claim `data` is removed"),
        "{text}"
    );
    assert!(text.contains("| HEAD:claims.yaml:3 |"), "{text}");
}
