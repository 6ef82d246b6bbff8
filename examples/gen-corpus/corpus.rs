//! A deterministic, realistic monorepo of Kubernetes manifests, for benchmarks.
//!
//! The layout is `storage-classes.yaml` (StorageClasses of five drivers, VolumeSnapshotClasses),
//! then one directory per team (`team-N/`, twenty apps each) holding a `policy.yaml` (Namespace,
//! ResourceQuota, LimitRange) and one directory per app with one multi-document file. An app is
//! about ten objects: the usual ConfigMap, Secret, Service, ServiceAccount, Role, RoleBinding
//! and PodDisruptionBudget, and its storage — a Deployment with a claim, a StatefulSet with claim
//! templates, a snapshot and a restore, a Job on a static pre-bound PV, or a DaemonSet with
//! ephemeral volumes and a shared RWX claim. Every tenth app is JSON (a `kind: List`, as
//! `kubectl get -o json` prints it). One app in twenty carries one defect, drawn evenly from
//! the rule families PVL0xx to PVL6xx (the change rules, PVL7xx, need a base revision).
//!
//! The same files come out of the same `(files, seed)`: the random numbers are SplitMix64.

use std::fmt::Write as _;
use std::path::Path;

/// What [`write`] produced.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub files: u64,
    pub objects: u64,
    pub bytes: u64,
    pub defects: u64,
}

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

/// Block-storage classes (ReadWriteOnce), one per driver.
const BLOCK_CLASSES: [&str; 4] = ["gp3", "standard-rwo", "managed-csi", "ceph-block"];
/// A VolumeSnapshotClass for the driver of each block class, in the same order.
const SNAPSHOT_CLASSES: [(&str, &str); 4] = [
    ("ebs-snapclass", "ebs.csi.aws.com"),
    ("gce-snapclass", "pd.csi.storage.gke.io"),
    ("azure-snapclass", "disk.csi.azure.com"),
    ("ceph-snapclass", "rbd.csi.ceph.com"),
];
/// A shared-filesystem class (ReadWriteMany).
const SHARED_CLASS: &str = "efs";

/// The defects an app can carry, one per variant; each names the rule it trips.
const DEFECTS: [&str; 17] = [
    "PVL001", "PVL002", "PVL007", "PVL010", "PVL101", "PVL106", "PVL201", "PVL204", "PVL301",
    "PVL304", "PVL305", "PVL401", "PVL402", "PVL410", "PVL501", "PVL502", "PVL603",
];

/// Writes a corpus of `files` app files (plus the cluster and team files) under `out`.
pub fn write(out: &Path, files: u64, seed: u64) -> std::io::Result<Summary> {
    let mut rng = Rng(seed);
    let mut summary = Summary::default();
    let emit = |path: &Path, docs: &[String], summary: &mut Summary| {
        let text = docs.join("---\n");
        summary.files += 1;
        summary.objects += docs.len() as u64;
        summary.bytes += text.len() as u64;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)
    };
    emit(&out.join("storage-classes.yaml"), &cluster(), &mut summary)?;
    for index in 0..files {
        let team = format!("team-{}", index / 20);
        if index % 20 == 0 {
            emit(
                &out.join(&team).join("policy.yaml"),
                &policy(&team),
                &mut summary,
            )?;
        }
        let defect = (rng.below(20) == 0).then(|| rng.pick(&DEFECTS));
        summary.defects += u64::from(defect.is_some());
        let app = App {
            team: &team,
            name: format!("app-{index}"),
            class: rng.pick(&BLOCK_CLASSES),
            size: 1 + rng.below(100),
            image: rng.below(30),
            defect: defect.unwrap_or(""),
        };
        let dir = out.join(&team).join(&app.name);
        if index % 10 == 9 {
            let text = app.json();
            summary.files += 1;
            summary.objects += 4;
            summary.bytes += text.len() as u64;
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("app.json"), text)?;
        } else {
            let docs = app.yaml(&mut rng);
            emit(&dir.join("app.yaml"), &docs, &mut summary)?;
        }
    }
    Ok(summary)
}

fn cluster() -> Vec<String> {
    let drivers = [
        (
            "gp3",
            "ebs.csi.aws.com",
            "  type: gp3\n  encrypted: \"true\"\n",
        ),
        (
            "standard-rwo",
            "pd.csi.storage.gke.io",
            "  type: pd-balanced\n",
        ),
        (
            "managed-csi",
            "disk.csi.azure.com",
            "  skuName: Premium_LRS\n",
        ),
        (
            "ceph-block",
            "rbd.csi.ceph.com",
            "  clusterID: ceph\n  pool: kubernetes\n  imageFeatures: layering\n",
        ),
        (
            SHARED_CLASS,
            "efs.csi.aws.com",
            "  provisioningMode: efs-ap\n  fileSystemId: fs-0123456789abcdef0\n  directoryPerms: \"700\"\n",
        ),
    ];
    let mut docs: Vec<String> = drivers
        .iter()
        .map(|(name, driver, parameters)| {
            let expansion = if *name == SHARED_CLASS {
                ""
            } else {
                "allowVolumeExpansion: true\n"
            };
            let default = if *name == "gp3" {
                "  annotations:\n    storageclass.kubernetes.io/is-default-class: \"true\"\n"
            } else {
                ""
            };
            format!(
                "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {name}\n{default}provisioner: {driver}\nparameters:\n{parameters}reclaimPolicy: Delete\nvolumeBindingMode: WaitForFirstConsumer\n{expansion}"
            )
        })
        .collect();
    for (name, driver) in SNAPSHOT_CLASSES {
        docs.push(format!(
            "apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshotClass\nmetadata:\n  name: {name}\ndriver: {driver}\ndeletionPolicy: Delete\n"
        ));
    }
    docs
}

fn policy(team: &str) -> Vec<String> {
    vec![
        format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {team}\n  labels:\n    team: {team}\n"
        ),
        format!(
            "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: storage\n  namespace: {team}\nspec:\n  hard:\n    requests.storage: 10Ti\n    persistentvolumeclaims: \"100\"\n"
        ),
        format!(
            "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: storage\n  namespace: {team}\nspec:\n  limits:\n    - type: PersistentVolumeClaim\n      min:\n        storage: 1Gi\n      max:\n        storage: 50Ti\n"
        ),
    ]
}

struct App<'t> {
    team: &'t str,
    name: String,
    class: &'t str,
    size: u64,
    image: u64,
    /// The rule code this app trips, or `""`.
    defect: &'t str,
}

impl App<'_> {
    fn has(&self, code: &str) -> bool {
        self.defect == code
    }

    fn yaml(&self, rng: &mut Rng) -> Vec<String> {
        let mut docs = self.common();
        match rng.below(4) {
            0 => self.deployment(&mut docs),
            1 => self.stateful_set(&mut docs),
            2 => self.static_volume(&mut docs),
            _ => self.daemon_set(&mut docs),
        }
        if self.has("PVL106") || self.has("PVL101") {
            docs.push(self.class_of_its_own("fast"));
        }
        if self.has("PVL101") {
            docs.push(self.class_of_its_own("slow"));
        }
        if self.has("PVL304") || self.has("PVL305") || self.has("PVL301") {
            docs.push(self.odd_volume());
        }
        if self.has("PVL001") {
            docs.push(format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}-broken\n  namespace: {}\ndata: {{ key: [unclosed }}\n",
                self.name, self.team
            ));
        }
        docs
    }

    fn meta(&self, name: &str) -> String {
        let duplicate = if self.has("PVL002") && name.ends_with("-config") {
            format!(
                "  labels:\n    app: {}\n    app: {}\n",
                self.name, self.name
            )
        } else {
            format!("  labels:\n    app: {}\n    tier: backend\n", self.name)
        };
        format!(
            "metadata:\n  name: {name}\n  namespace: {}\n{duplicate}",
            self.team
        )
    }

    fn common(&self) -> Vec<String> {
        let app = &self.name;
        let meta = self.meta(app);
        vec![
            format!(
                "# {app}: generated\napiVersion: v1\nkind: ConfigMap\n{}data:\n  LOG_LEVEL: info\n  LISTEN: \":8080\"\n  config.yaml: |\n    cache:\n      size: 256Mi\n    upstream: http://{app}-backend:8080\n",
                self.meta(&format!("{app}-config"))
            ),
            format!(
                "apiVersion: v1\nkind: Service\n{meta}spec:\n  selector:\n    app: {app}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n"
            ),
            format!("apiVersion: v1\nkind: ServiceAccount\n{meta}"),
            format!(
                "apiVersion: v1\nkind: Secret\n{}type: Opaque\nstringData:\n  username: {app}\n  password: change-me\n",
                self.meta(&format!("{app}-credentials"))
            ),
            format!(
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n{meta}rules:\n  - apiGroups: [\"\"]\n    resources: [configmaps, secrets]\n    verbs: [get, list, watch]\n"
            ),
            format!(
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n{meta}roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: {app}\n    namespace: {}\n",
                self.team
            ),
            format!(
                "apiVersion: policy/v1\nkind: PodDisruptionBudget\n{meta}spec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: {app}\n"
            ),
        ]
    }

    fn class(&self) -> &str {
        if self.has("PVL201") {
            "gp3-encrpyted"
        } else {
            self.class
        }
    }

    fn size(&self) -> String {
        if self.has("PVL010") {
            format!("{}GB", self.size)
        } else if self.has("PVL603") {
            "20Ti".to_owned()
        } else {
            format!("{}Gi", self.size)
        }
    }

    fn claim(&self, name: &str, class: &str, mode: &str, extra: &str) -> String {
        let resources = if self.has("PVL204") {
            "  resources: {}\n".to_owned()
        } else {
            format!(
                "  resources:\n    requests:\n      storage: {}\n",
                self.size()
            )
        };
        let name = if self.has("PVL007") {
            name.replace('-', "_")
        } else {
            name.to_owned()
        };
        format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\n{}spec:\n  accessModes:\n    - {mode}\n  storageClassName: \"{class}\"\n{resources}{extra}",
            self.meta(&name)
        )
    }

    /// A pod template: one container mounting `mounts` (volume name, path), with `volumes`.
    fn pod(&self, indent: &str, mounts: &[(&str, &str)], volumes: &str) -> String {
        let mut text = String::new();
        let _ = write!(
            text,
            "serviceAccountName: {app}\nsecurityContext:\n  fsGroup: 1000\ncontainers:\n  - name: main\n    image: registry.example.com/{app}:1.{}.0\n    args: [\"--config\", \"/etc/{app}/config.yaml\"]\n    ports:\n      - containerPort: 8080\n    resources:\n      requests: {{ cpu: 100m, memory: 128Mi }}\n      limits: {{ memory: 256Mi }}\n    volumeMounts:\n",
            self.image,
            app = self.name
        );
        for (at, (volume, path)) in mounts.iter().enumerate() {
            let volume = if at == 0 && self.has("PVL402") {
                "dta"
            } else {
                volume
            };
            let path = if at == 1 && self.has("PVL410") {
                mounts.first().map_or(*path, |first| first.1)
            } else {
                path
            };
            let _ = write!(text, "      - name: {volume}\n        mountPath: {path}\n");
        }
        let _ = write!(
            text,
            "      - name: config\n        mountPath: /etc/{app}\n        readOnly: true\nvolumes:\n  - name: config\n    configMap:\n      name: {app}-config\n{volumes}",
            app = self.name
        );
        text.lines().fold(String::new(), |mut out, line| {
            let _ = writeln!(out, "{indent}{line}");
            out
        })
    }

    fn claim_volume(&self, volume: &str, claim: &str) -> String {
        let claim = if self.has("PVL401") {
            format!("{claim}-old")
        } else {
            claim.to_owned()
        };
        format!("  - name: {volume}\n    persistentVolumeClaim:\n      claimName: {claim}\n")
    }

    fn deployment(&self, docs: &mut Vec<String>) {
        let app = &self.name;
        docs.push(self.claim(&format!("{app}-data"), self.class(), "ReadWriteOnce", ""));
        let pod = self.pod(
            "      ",
            &[("data", &format!("/var/lib/{app}"))],
            &self.claim_volume("data", &format!("{app}-data")),
        );
        docs.push(format!(
            "apiVersion: apps/v1\nkind: Deployment\n{}spec:\n  replicas: 1\n  strategy:\n    type: Recreate\n  selector:\n    matchLabels:\n      app: {app}\n  template:\n    metadata:\n      labels:\n        app: {app}\n    spec:\n{pod}",
            self.meta(app)
        ));
    }

    fn stateful_set(&self, docs: &mut Vec<String>) {
        let app = &self.name;
        let pod = self.pod(
            "      ",
            &[("data", "/var/lib/data"), ("wal", "/var/lib/wal")],
            "",
        );
        docs.push(format!(
            "apiVersion: apps/v1\nkind: StatefulSet\n{}spec:\n  serviceName: {app}\n  replicas: 3\n  selector:\n    matchLabels:\n      app: {app}\n  template:\n    metadata:\n      labels:\n        app: {app}\n    spec:\n{pod}  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n        accessModes: [ReadWriteOnce]\n        storageClassName: {}\n        resources:\n          requests:\n            storage: {}\n    - metadata:\n        name: wal\n      spec:\n        accessModes: [ReadWriteOnce]\n        storageClassName: {}\n        resources:\n          requests:\n            storage: 5Gi\n",
            self.meta(app),
            self.class(),
            self.size(),
            self.class,
        ));
        let snapshot_class = if self.has("PVL501") {
            "ebs-snapclas"
        } else {
            BLOCK_CLASSES
                .iter()
                .zip(SNAPSHOT_CLASSES)
                .find(|(class, _)| **class == self.class)
                .map_or("ebs-snapclass", |(_, (name, _))| name)
        };
        let source = if self.has("PVL502") {
            format!("data-{app}-7")
        } else {
            format!("data-{app}-0")
        };
        docs.push(format!(
            "apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\n{}spec:\n  volumeSnapshotClassName: {snapshot_class}\n  source:\n    persistentVolumeClaimName: {source}\n",
            self.meta(&format!("{app}-nightly"))
        ));
    }

    fn static_volume(&self, docs: &mut Vec<String>) {
        let app = &self.name;
        docs.push(format!(
            "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {app}-static\n  labels:\n    app: {app}\nspec:\n  capacity:\n    storage: {}Gi\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: \"\"\n  claimRef:\n    namespace: {}\n    name: {app}-data\n  csi:\n    driver: ebs.csi.aws.com\n    volumeHandle: vol-{:016x}\n    fsType: ext4\n",
            self.size + 50,
            self.team,
            self.size * 7919
        ));
        docs.push(self.claim(
            &format!("{app}-data"),
            "",
            "ReadWriteOnce",
            &format!("  volumeName: {app}-static\n"),
        ));
        let pod = self.pod(
            "      ",
            &[("data", "/data")],
            &self.claim_volume("data", &format!("{app}-data")),
        );
        docs.push(format!(
            "apiVersion: batch/v1\nkind: Job\n{}spec:\n  backoffLimit: 2\n  template:\n    spec:\n      restartPolicy: Never\n{pod}",
            self.meta(&format!("{app}-migrate"))
        ));
    }

    fn daemon_set(&self, docs: &mut Vec<String>) {
        let app = &self.name;
        docs.push(self.claim(&format!("{app}-shared"), SHARED_CLASS, "ReadWriteMany", ""));
        let volumes = format!(
            "{}  - name: scratch\n    ephemeral:\n      volumeClaimTemplate:\n        spec:\n          accessModes: [ReadWriteOnce]\n          storageClassName: {}\n          resources:\n            requests:\n              storage: 1Gi\n",
            self.claim_volume("shared", &format!("{app}-shared")),
            self.class
        );
        let pod = self.pod(
            "      ",
            &[("shared", "/shared"), ("scratch", "/scratch")],
            &volumes,
        );
        docs.push(format!(
            "apiVersion: apps/v1\nkind: DaemonSet\n{}spec:\n  selector:\n    matchLabels:\n      app: {app}\n  template:\n    metadata:\n      labels:\n        app: {app}\n    spec:\n{pod}",
            self.meta(app)
        ));
    }

    /// A class of the app's own, with a wrong reclaim policy or marked default (twice in one
    /// file: two defaults).
    fn class_of_its_own(&self, suffix: &str) -> String {
        let (annotations, policy) = if self.has("PVL101") {
            (
                "  annotations:\n    storageclass.kubernetes.io/is-default-class: \"true\"\n",
                "Delete",
            )
        } else {
            ("", "Keep")
        };
        format!(
            "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {}-{suffix}\n{annotations}provisioner: ebs.csi.aws.com\nparameters:\n  type: io2\n  iopsPerGB: \"50\"\n  encrypted: \"true\"\nreclaimPolicy: {policy}\nvolumeBindingMode: WaitForFirstConsumer\n",
            self.name
        )
    }

    /// A PersistentVolume on a node's disk, with the deprecated Recycle policy, or reserving
    /// a claim that does not exist.
    fn odd_volume(&self) -> String {
        let app = &self.name;
        let (source, policy, claim_ref) = if self.has("PVL304") {
            (
                "  hostPath:\n    path: /srv/data\n".to_owned(),
                "Retain",
                String::new(),
            )
        } else if self.has("PVL305") {
            (
                "  nfs:\n    server: nfs.example.com\n    path: /exports/data\n".to_owned(),
                "Recycle",
                String::new(),
            )
        } else {
            (
                format!("  csi:\n    driver: ebs.csi.aws.com\n    volumeHandle: vol-{app}-spare\n"),
                "Retain",
                format!(
                    "  claimRef:\n    namespace: {}\n    name: {app}-missing\n",
                    self.team
                ),
            )
        };
        format!(
            "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {app}-spare\nspec:\n  capacity:\n    storage: 10Gi\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: {policy}\n  storageClassName: \"\"\n{claim_ref}{source}"
        )
    }

    /// The app as a JSON `List`: a ConfigMap, a claim, a Pod and a Service.
    fn json(&self) -> String {
        let app = &self.name;
        let team = self.team;
        let class = self.class();
        let size = self.size();
        let labels = format!(r#""labels": {{ "app": "{app}", "tier": "backend" }}"#);
        format!(
            r#"{{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {{
      "apiVersion": "v1",
      "kind": "ConfigMap",
      "metadata": {{ "name": "{app}-config", "namespace": "{team}", {labels} }},
      "data": {{ "LOG_LEVEL": "info", "LISTEN": ":8080" }}
    }},
    {{
      "apiVersion": "v1",
      "kind": "PersistentVolumeClaim",
      "metadata": {{ "name": "{app}-data", "namespace": "{team}", {labels} }},
      "spec": {{
        "accessModes": ["ReadWriteOnce"],
        "storageClassName": "{class}",
        "resources": {{ "requests": {{ "storage": "{size}" }} }}
      }}
    }},
    {{
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {{ "name": "{app}", "namespace": "{team}", {labels} }},
      "spec": {{
        "containers": [
          {{
            "name": "main",
            "image": "registry.example.com/{app}:1.0.0",
            "ports": [{{ "containerPort": 8080 }}],
            "volumeMounts": [
              {{ "name": "data", "mountPath": "/data" }},
              {{ "name": "config", "mountPath": "/etc/{app}", "readOnly": true }}
            ]
          }}
        ],
        "volumes": [
          {{ "name": "data", "persistentVolumeClaim": {{ "claimName": "{app}-data" }} }},
          {{ "name": "config", "configMap": {{ "name": "{app}-config" }} }}
        ]
      }}
    }},
    {{
      "apiVersion": "v1",
      "kind": "Service",
      "metadata": {{ "name": "{app}", "namespace": "{team}", {labels} }},
      "spec": {{ "selector": {{ "app": "{app}" }}, "ports": [{{ "port": 80, "targetPort": 8080 }}] }}
    }}
  ]
}}
"#
        )
    }
}
