//! Cost of schema validation (`cargo bench --bench schema`): per document, for a
//! PersistentVolumeClaim, a PersistentVolume, a StorageClass and a StatefulSet, validating
//! pvlint's spanned tree directly, compared with converting it to a `serde_json::Value` first.
//!
//! With a directory argument (`cargo bench --bench schema -- /tmp/corpus`, e.g. a corpus from
//! `cargo run --release --example gen-corpus -- --files 10000 --seed 1 /tmp/corpus`), it also
//! times `check` over it with the default rules, with PVL005 alone, and without PVL005, and
//! prints the share of the run spent in schema validation.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_precision_loss,
    reason = "a benchmark prints its figures"
)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pvlint::load::Inputs;
use pvlint::load::tree::Node;
use pvlint::load::yaml::{Dialect, Limits, parse};
use pvlint::model::{Model, ModelOptions};
use pvlint::schema::{self, DEFAULT_KUBE_MINOR, instance};
use pvlint::settings::Settings;
use pvlint::source::{FileId, SourceMap};

/// The binary's allocator, so the figures are the ones users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PVC: &str = "
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: shop
  labels: { app: shop, tier: db }
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: gp3
  volumeMode: Filesystem
  resources:
    requests: { storage: 10Gi }
";

const PV: &str = "
apiVersion: v1
kind: PersistentVolume
metadata:
  name: local-1
  labels: { type: local }
spec:
  capacity: { storage: 500Gi }
  volumeMode: Filesystem
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local
  claimRef: { namespace: db, name: data-db-0 }
  local: { path: /mnt/disks/ssd1 }
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions:
            - { key: kubernetes.io/hostname, operator: In, values: [node-1] }
";

const STORAGE_CLASS: &str = "
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
  annotations: { storageclass.kubernetes.io/is-default-class: \"true\" }
provisioner: ebs.csi.aws.com
parameters: { type: gp3, encrypted: \"true\", iops: \"3000\" }
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
allowedTopologies:
  - matchLabelExpressions:
      - { key: topology.ebs.csi.aws.com/zone, values: [eu-west-1a, eu-west-1b] }
";

const STATEFUL_SET: &str = "
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: shop
  labels: { app: db }
spec:
  serviceName: db
  replicas: 3
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      securityContext: { fsGroup: 999 }
      containers:
        - name: postgres
          image: postgres:16
          ports: [{ name: pg, containerPort: 5432 }]
          env:
            - { name: PGDATA, value: /var/lib/postgresql/data/pgdata }
            - name: POSTGRES_PASSWORD
              valueFrom: { secretKeyRef: { name: db, key: password } }
          resources:
            requests: { cpu: 250m, memory: 512Mi }
            limits: { memory: 1Gi }
          readinessProbe:
            exec: { command: [pg_isready, -U, postgres] }
            periodSeconds: 10
          volumeMounts:
            - { name: data, mountPath: /var/lib/postgresql/data }
            - { name: config, mountPath: /etc/postgresql, readOnly: true }
      volumes:
        - name: config
          configMap: { name: db-config }
  volumeClaimTemplates:
    - metadata: { name: data }
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: gp3
        resources: { requests: { storage: 50Gi } }
";

fn root(text: &str) -> Node {
    parse(FileId::default(), text, Dialect::Yaml, Limits::default())
        .documents
        .into_iter()
        .next()
        .and_then(|document| document.root)
        .expect("a document")
}

/// The best of several rounds of `iterations` calls, per call.
fn per_call(iterations: u32, mut f: impl FnMut()) -> Duration {
    (0..7)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                f();
            }
            start.elapsed() / iterations
        })
        .min()
        .unwrap_or_default()
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

fn documents() {
    println!(
        "{:<24} {:>10} {:>10} {:>12} {:>12} {:>10}",
        "kind", "tree", "tree+errs", "to Value", "Value valid", "compile"
    );
    for (name, text) in [
        ("PersistentVolumeClaim", PVC),
        ("PersistentVolume", PV),
        ("StorageClass", STORAGE_CLASS),
        ("StatefulSet", STATEFUL_SET),
    ] {
        let node = root(text);
        let api_version = node.get("apiVersion").and_then(Node::as_str).unwrap();
        let kind = node.get("kind").and_then(Node::as_str).unwrap();
        let compile_start = Instant::now();
        let validator = schema::builtin::validator(DEFAULT_KUBE_MINOR, api_version, kind).unwrap();
        let compile = compile_start.elapsed();
        assert!(validator.is_valid(&node), "{name} is not valid");
        let serde_validator = jsonschema::validator_for(validator.schema()).unwrap();
        let iterations = if kind == "StatefulSet" {
            20_000
        } else {
            100_000
        };
        let tree = per_call(iterations, || {
            black_box(validator.is_valid(black_box(&node)));
        });
        let tree_errors = per_call(iterations, || {
            black_box(schema::validate(validator, black_box(&node)));
        });
        let convert = per_call(iterations, || {
            black_box(instance::to_value(black_box(&node)));
        });
        let value = instance::to_value(&node);
        let serde = per_call(iterations, || {
            black_box(serde_validator.is_valid(black_box(&value)));
        });
        println!(
            "{name:<24} {:>8.2}µs {:>8.2}µs {:>10.2}µs {:>10.2}µs {:>8.2}ms",
            micros(tree),
            micros(tree_errors),
            micros(convert),
            micros(serde),
            compile.as_secs_f64() * 1e3
        );
    }
    println!(
        "tree: the validator over pvlint's tree; tree+errs: schema::validate (what PVL005 runs);\n\
         to Value: converting the tree to serde_json::Value; Value valid: validating that Value"
    );
}

fn check_time(path: &Path, settings: &Settings) -> Duration {
    let inputs = Inputs {
        paths: vec![path.to_path_buf()],
        ..Inputs::default()
    };
    (0..5)
        .map(|_| {
            let start = Instant::now();
            let result = pvlint::check(&inputs, settings, SourceMap::default());
            black_box(result.diagnostics.len());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Validates every object of the corpus once, on this thread, as PVL005 does; returns the
/// best time and the number of objects validated.
fn validation_time(path: &Path) -> (Duration, usize, usize) {
    let inputs = Inputs {
        paths: vec![path.to_path_buf()],
        ..Inputs::default()
    };
    let settings = Settings::default();
    let workspace = pvlint::load::load(&inputs, &settings.load, SourceMap::default());
    let model = Model::build(workspace.documents(), &ModelOptions::default());
    let subjects: Vec<(&str, &str, &Node)> = model
        .objects
        .iter()
        .map(|object| {
            (
                object.meta.api_version.value,
                object.meta.kind.value,
                object.meta.root,
            )
        })
        .collect();
    let validated = subjects
        .iter()
        .filter(|(api_version, kind, _)| {
            schema::builtin::validator(DEFAULT_KUBE_MINOR, api_version, kind).is_some()
        })
        .count();
    let best = (0..5)
        .map(|_| {
            let start = Instant::now();
            for (api_version, kind, root) in &subjects {
                if let Some(validator) =
                    schema::builtin::validator(DEFAULT_KUBE_MINOR, api_version, kind)
                {
                    black_box(schema::validate(validator, root));
                }
            }
            start.elapsed()
        })
        .min()
        .unwrap_or_default();
    (best, validated, subjects.len())
}

fn corpus(path: &Path) {
    let threads = rayon::current_num_threads();
    let all_time = check_time(path, &Settings::default());
    let (validation, validated, objects) = validation_time(path);
    println!(
        "check {} ({threads} threads), best of 5: {all_time:.2?}",
        path.display()
    );
    println!(
        "  schema validation of {validated} of {objects} objects, one thread: {validation:.2?} \
         ({:.2}µs per object)",
        micros(validation) / validated.max(1) as f64
    );
    println!(
        "  share of the check's time: {:.1}% (validation time / (check time x {threads} threads); \
         exact with RAYON_NUM_THREADS=1)",
        100.0 * validation.as_secs_f64() / all_time.as_secs_f64() / threads as f64
    );
}

fn main() {
    documents();
    if let Some(path) = std::env::args().skip(1).find(|arg| !arg.starts_with('-')) {
        corpus(&PathBuf::from(path));
    }
}
