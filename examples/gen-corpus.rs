//! Generates a deterministic, realistic repository of storage manifests for benchmarks:
//! `cargo run --release --example gen-corpus -- --files 10000 --seed 1 OUT/`.
//!
//! Each file is one app of a namespace: classes, claims, a Deployment or StatefulSet (or a Job),
//! static PVs, snapshots, quotas; multi-document YAML, every tenth file JSON, and about one file
//! in twenty carries a defect (a class typo, a bad quantity, an undeclared mount).

#![allow(
    clippy::print_stderr,
    reason = "a command-line tool reporting what it wrote"
)]

use std::fmt::Write as _;
use std::path::PathBuf;

/// A small deterministic generator (SplitMix64), so corpora are reproducible from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let at = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(at).copied().unwrap_or("")
    }
}

const CLASSES: [&str; 4] = ["gp3", "standard-rwo", "managed-csi", "ceph-block"];
const PROVISIONERS: [&str; 4] = [
    "ebs.csi.aws.com",
    "pd.csi.storage.gke.io",
    "disk.csi.azure.com",
    "rbd.csi.ceph.com",
];

fn main() -> std::io::Result<()> {
    let mut files = 1_000u64;
    let mut seed = 1u64;
    let mut out = PathBuf::from("corpus");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--files" => files = args.next().and_then(|n| n.parse().ok()).unwrap_or(files),
            "--seed" => seed = args.next().and_then(|n| n.parse().ok()).unwrap_or(seed),
            other => out = PathBuf::from(other),
        }
    }
    let mut rng = Rng(seed);
    let mut bytes = 0usize;
    write_classes(&out)?;
    for index in 0..files {
        let namespace = format!("team-{}", index / 20);
        let app = format!("app-{index}");
        let dir = out.join(&namespace).join(&app);
        std::fs::create_dir_all(&dir)?;
        let defect = rng.below(20) == 0;
        if index % 20 == 0 {
            let quota = format!(
                "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: storage\n  namespace: {namespace}\nspec:\n  hard:\n    requests.storage: 10Ti\n    persistentvolumeclaims: \"100\"\n"
            );
            let team = out.join(&namespace);
            std::fs::create_dir_all(&team)?;
            bytes += quota.len();
            std::fs::write(team.join("quota.yaml"), quota)?;
        }
        let (name, text) = if index % 10 == 9 {
            ("app.json", app_json(&mut rng, &namespace, &app))
        } else {
            (
                "app.yaml",
                app_manifests(&mut rng, &namespace, &app, defect),
            )
        };
        bytes += text.len();
        std::fs::write(dir.join(name), text)?;
    }
    eprintln!("wrote {files} files, {bytes} bytes, to {}", out.display());
    Ok(())
}

fn write_classes(out: &PathBuf) -> std::io::Result<()> {
    let mut text = String::new();
    for (class, provisioner) in CLASSES.iter().zip(PROVISIONERS) {
        let _ = write!(
            text,
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {class}\nprovisioner: {provisioner}\nvolumeBindingMode: WaitForFirstConsumer\nallowVolumeExpansion: true\n"
        );
        if provisioner == "rbd.csi.ceph.com" {
            text.push_str("parameters:\n  clusterID: ceph\n  pool: kubernetes\n");
        }
    }
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join("storage-classes.yaml"), text)
}

fn app_manifests(rng: &mut Rng, namespace: &str, app: &str, defect: bool) -> String {
    let class = if defect && rng.below(3) == 0 {
        "gp3-typo"
    } else {
        rng.pick(&CLASSES)
    };
    let size = if defect && rng.below(3) == 1 {
        "10GB".to_owned()
    } else {
        format!("{}Gi", 1 + rng.below(100))
    };
    let mount = if defect && rng.below(3) == 2 {
        "dta"
    } else {
        "data"
    };
    let variant = rng.below(3);
    // A StatefulSet brings its own claims from its templates.
    let mut text = if variant == 1 {
        format!("# {app}: generated\n")
    } else {
        format!(
            "# {app}: generated\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {app}-data\n  namespace: {namespace}\n  labels:\n    app: {app}\n    tier: \"backend\"\nspec:\n  accessModes:\n    - ReadWriteOnce\n  storageClassName: {class}\n  resources:\n    requests:\n      storage: {size}\n"
        )
    };
    let containers = format!(
        "      containers:\n        - name: main\n          image: registry.example.com/{app}:1.{}.0\n          resources:\n            requests: {{ cpu: 100m, memory: 128Mi }}\n          volumeMounts:\n            - name: {mount}\n              mountPath: /var/lib/{app}\n            - name: config\n              mountPath: /etc/{app}\n              readOnly: true\n",
        rng.below(30)
    );
    match variant {
        0 => {
            let _ = write!(
                text,
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\n  namespace: {namespace}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{ app: {app} }}\n  template:\n    metadata:\n      labels: {{ app: {app} }}\n    spec:\n{containers}      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: {app}-data\n        - name: config\n          configMap:\n            name: {app}-config\n"
            );
        }
        1 => {
            let _ = write!(
                text,
                "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {app}\n  namespace: {namespace}\nspec:\n  serviceName: {app}\n  replicas: {}\n  selector:\n    matchLabels: {{ app: {app} }}\n  template:\n    metadata:\n      labels: {{ app: {app} }}\n    spec:\n{containers}      volumes:\n        - name: config\n          configMap:\n            name: {app}-config\n  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n        accessModes: [ReadWriteOnce]\n        storageClassName: {}\n        resources:\n          requests:\n            storage: {}Gi\n---\napiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\nmetadata:\n  name: {app}-nightly\n  namespace: {namespace}\nspec:\n  volumeSnapshotClassName: csi-snapclass\n  source:\n    persistentVolumeClaimName: data-{app}-0\n",
                1 + rng.below(3),
                rng.pick(&CLASSES),
                1 + rng.below(50)
            );
        }
        _ => {
            let _ = write!(
                text,
                "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {app}-migrate\n  namespace: {namespace}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n{containers}      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: {app}-data\n        - name: config\n          configMap:\n            name: {app}-config\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {app}-static\nspec:\n  capacity:\n    storage: {}Gi\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: \"\"\n  csi:\n    driver: ebs.csi.aws.com\n    volumeHandle: vol-{:016x}\n",
                1 + rng.below(50),
                rng.next()
            );
        }
    }
    text
}

/// One app as a JSON `List` (the shape `kubectl get -o json` prints): a claim and a pod.
fn app_json(rng: &mut Rng, namespace: &str, app: &str) -> String {
    let class = rng.pick(&CLASSES);
    let size = 1 + rng.below(100);
    format!(
        r#"{{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {{
      "apiVersion": "v1",
      "kind": "PersistentVolumeClaim",
      "metadata": {{ "name": "{app}-data", "namespace": "{namespace}", "labels": {{ "app": "{app}" }} }},
      "spec": {{
        "accessModes": ["ReadWriteOnce"],
        "storageClassName": "{class}",
        "resources": {{ "requests": {{ "storage": "{size}Gi" }} }}
      }}
    }},
    {{
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {{ "name": "{app}", "namespace": "{namespace}" }},
      "spec": {{
        "containers": [
          {{
            "name": "main",
            "image": "registry.example.com/{app}:1.0.0",
            "volumeMounts": [{{ "name": "data", "mountPath": "/data" }}]
          }}
        ],
        "volumes": [{{ "name": "data", "persistentVolumeClaim": {{ "claimName": "{app}-data" }} }}]
      }}
    }}
  ]
}}
"#
    )
}
