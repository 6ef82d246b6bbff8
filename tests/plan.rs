//! The dry run on small scenarios, one per decision of SEMANTICS §1, §2 and §8.

#![allow(clippy::unwrap_used, reason = "tests: failures should be loud")]

use pvlint::load::Inputs;
use pvlint::provision::{ClaimPlan, Outcome, Plan};
use pvlint::settings::Settings;
use pvlint::source::SourceMap;

fn plan(yaml: &str) -> Plan {
    let inputs = Inputs {
        stdin: Some(yaml.to_owned()),
        ..Inputs::default()
    };
    let mut settings = Settings::default();
    settings.rules.clear();
    pvlint::check(&inputs, &settings, SourceMap::default()).plan
}

fn claim<'p>(plan: &'p Plan, name: &str) -> &'p ClaimPlan {
    plan.claims
        .iter()
        .find(|claim| claim.name == name)
        .unwrap_or_else(|| panic!("no claim `{name}` in {plan:#?}"))
}

fn pv(name: &str, size: &str, modes: &str, class: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}}}\nspec:\n  capacity: {{storage: {size}}}\n  accessModes: [{modes}]\n  storageClassName: \"{class}\"\n  nfs: {{server: nfs.example.com, path: /{name}}}\n"
    )
}

fn pvc(name: &str, size: &str, modes: &str, class: Option<&str>, extra: &str) -> String {
    let class = class.map_or(String::new(), |class| {
        format!("  storageClassName: \"{class}\"\n")
    });
    format!(
        "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}, namespace: apps}}\nspec:\n{class}  accessModes: [{modes}]\n  resources: {{requests: {{storage: {size}}}}}\n{extra}"
    )
}

const WFFC_CLASS: &str = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local}\nprovisioner: example.com/local\nvolumeBindingMode: WaitForFirstConsumer\n";

#[test]
fn the_fewest_modes_group_wins_over_a_smaller_pv() {
    // §1.5: a [RWO] claim searches the RWO-only group first, so it takes the 5Gi RWO PV, not
    // the 1Gi RWO+RWX one.
    let yaml = pv("small-rwx", "1Gi", "ReadWriteOnce, ReadWriteMany", "")
        + &pv("big-rwo", "5Gi", "ReadWriteOnce", "")
        + &pvc("data", "1Gi", "ReadWriteOnce", Some(""), "");
    let plan = plan(&yaml);
    let data = claim(&plan, "data");
    assert_eq!(data.outcome, Outcome::Bound);
    assert_eq!(data.volume.as_deref(), Some("big-rwo"));
    assert_eq!(data.size, Some(5 << 30));
}

#[test]
fn the_smallest_fitting_pv_wins_within_a_group() {
    let yaml = pv("ten", "10Gi", "ReadWriteOnce", "")
        + &pv("two", "2Gi", "ReadWriteOnce", "")
        + &pv("one", "1Gi", "ReadWriteOnce", "")
        + &pvc("data", "1500Mi", "ReadWriteOnce", Some(""), "");
    assert_eq!(claim(&plan(&yaml), "data").volume.as_deref(), Some("two"));
}

#[test]
fn one_pv_binds_one_claim() {
    let yaml = pv("only", "5Gi", "ReadWriteOnce", "")
        + &pvc("first", "1Gi", "ReadWriteOnce", Some(""), "")
        + &pvc("second", "1Gi", "ReadWriteOnce", Some(""), "");
    let plan = plan(&yaml);
    assert_eq!(claim(&plan, "first").outcome, Outcome::Bound);
    let second = claim(&plan, "second");
    assert_eq!(second.outcome, Outcome::Pending);
    assert_eq!(second.reasons[0].code, "no-class");
}

#[test]
fn a_reserved_pv_that_is_too_small_is_skipped() {
    // §1.2: a claimRef-reserved PV failing capacity is skipped silently; the claim binds
    // another PV.
    let reserved = "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: reserved}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  claimRef: {namespace: apps, name: data}\n  nfs: {server: nfs.example.com, path: /r}\n";
    let yaml = reserved.to_owned()
        + &pv("other", "10Gi", "ReadWriteOnce", "")
        + &pvc("data", "5Gi", "ReadWriteOnce", Some(""), "");
    let data_plan = plan(&yaml);
    let data = claim(&data_plan, "data");
    assert_eq!(data.volume.as_deref(), Some("other"));
}

#[test]
fn a_reserved_pv_wins_over_a_smaller_one() {
    let reserved = "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: reserved}\nspec:\n  capacity: {storage: 50Gi}\n  accessModes: [ReadWriteOnce]\n  storageClassName: other-class\n  claimRef: {namespace: apps, name: data}\n  nfs: {server: nfs.example.com, path: /r}\n";
    let yaml = pv("small", "5Gi", "ReadWriteOnce", "")
        + reserved
        + &pvc("data", "5Gi", "ReadWriteOnce", Some(""), "");
    assert_eq!(
        claim(&plan(&yaml), "data").volume.as_deref(),
        Some("reserved")
    );
}

#[test]
fn a_volume_name_mismatch_stays_pending() {
    let yaml = pv("tiny", "1Gi", "ReadWriteOnce", "")
        + &pvc(
            "data",
            "5Gi",
            "ReadWriteOnce",
            Some(""),
            "  volumeName: tiny\n",
        );
    let plan = plan(&yaml);
    let data = claim(&plan, "data");
    assert_eq!(data.outcome, Outcome::Pending);
    assert_eq!(data.reasons[0].code, "volume-mismatch");
    assert!(
        data.reasons[0].text.contains("smaller"),
        "{:?}",
        data.reasons
    );
}

#[test]
fn a_volume_name_of_a_missing_pv_is_never_provisioned() {
    let class = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: example.com/fast\n";
    let yaml = class.to_owned()
        + &pvc(
            "data",
            "5Gi",
            "ReadWriteOnce",
            Some("fast"),
            "  volumeName: gone\n",
        );
    let data_plan = plan(&yaml);
    let data = claim(&data_plan, "data");
    assert_eq!(data.outcome, Outcome::Pending);
    assert_eq!(data.reasons[0].code, "prebound-volume-missing");
}

#[test]
fn the_newest_of_two_default_classes_is_written_into_classless_claims() {
    let default = |name: &str| {
        format!(
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {name}\n  annotations: {{storageclass.kubernetes.io/is-default-class: \"true\"}}\nprovisioner: example.com/{name}\n"
        )
    };
    let yaml = default("old") + &default("new") + &pvc("data", "1Gi", "ReadWriteOnce", None, "");
    let plan = plan(&yaml);
    let data = claim(&plan, "data");
    assert_eq!(data.class.name.as_deref(), Some("new"));
    assert_eq!(data.class.how, "default");
    assert_eq!(data.outcome, Outcome::Provisioned);
    assert!(
        data.reasons[0].text.contains("newest of 2 defaults"),
        "{:?}",
        data.reasons
    );
}

#[test]
fn an_empty_class_is_never_defaulted() {
    let default = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}\nprovisioner: example.com/standard\n";
    let yaml = default.to_owned() + &pvc("static", "1Gi", "ReadWriteOnce", Some(""), "");
    let plan = plan(&yaml);
    let claim = claim(&plan, "static");
    assert_eq!(claim.class.name, None);
    assert_eq!(claim.outcome, Outcome::Pending);
}

#[test]
fn a_defaulted_claim_does_not_bind_a_classless_pv() {
    // §13: admission writes the default class before matching.
    let default = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}\nprovisioner: example.com/standard\n";
    let yaml = default.to_owned()
        + &pv("classless", "5Gi", "ReadWriteOnce", "")
        + &pvc("data", "1Gi", "ReadWriteOnce", None, "");
    let data_plan = plan(&yaml);
    assert_eq!(claim(&data_plan, "data").outcome, Outcome::Provisioned);
}

#[test]
fn the_third_claim_crosses_the_quota() {
    let quota = "---\napiVersion: v1\nkind: ResourceQuota\nmetadata: {name: storage, namespace: apps}\nspec:\n  hard: {requests.storage: 25Gi}\n";
    let class = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: example.com/fast\n";
    let yaml = quota.to_owned()
        + class
        + &pvc("one", "10Gi", "ReadWriteOnce", Some("fast"), "")
        + &pvc("two", "10Gi", "ReadWriteOnce", Some("fast"), "")
        + &pvc("three", "10Gi", "ReadWriteOnce", Some("fast"), "");
    let plan = plan(&yaml);
    assert_eq!(claim(&plan, "one").outcome, Outcome::Provisioned);
    assert_eq!(claim(&plan, "two").outcome, Outcome::Provisioned);
    let three = claim(&plan, "three");
    assert_eq!(three.outcome, Outcome::Rejected);
    assert_eq!(three.reasons[0].code, "quota-exceeded");
    assert!(three.reasons[0].text.contains("`storage`"));
}

#[test]
fn per_class_quota_keys_charge_only_that_class() {
    let quota = "---\napiVersion: v1\nkind: ResourceQuota\nmetadata: {name: gold, namespace: apps}\nspec:\n  hard: {gold.storageclass.storage.k8s.io/persistentvolumeclaims: \"1\"}\n";
    let classes = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: gold}\nprovisioner: example.com/gold\n---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: bronze}\nprovisioner: example.com/bronze\n";
    let yaml = quota.to_owned()
        + classes
        + &pvc("a", "1Gi", "ReadWriteOnce", Some("gold"), "")
        + &pvc("b", "1Gi", "ReadWriteOnce", Some("bronze"), "")
        + &pvc("c", "1Gi", "ReadWriteOnce", Some("gold"), "");
    let plan = plan(&yaml);
    assert_eq!(claim(&plan, "b").outcome, Outcome::Provisioned);
    assert_eq!(claim(&plan, "c").outcome, Outcome::Rejected);
}

#[test]
fn a_limit_range_rejects_claims_outside_it() {
    let range = "---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: claims, namespace: apps}\nspec:\n  limits:\n    - type: PersistentVolumeClaim\n      min: {storage: 1Gi}\n      max: {storage: 10Gi}\n";
    let class = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: example.com/fast\n";
    let yaml = range.to_owned()
        + class
        + &pvc("small", "500Mi", "ReadWriteOnce", Some("fast"), "")
        + &pvc("fine", "5Gi", "ReadWriteOnce", Some("fast"), "")
        + &pvc("big", "20Gi", "ReadWriteOnce", Some("fast"), "");
    let plan = plan(&yaml);
    assert_eq!(claim(&plan, "small").outcome, Outcome::Rejected);
    assert_eq!(claim(&plan, "fine").outcome, Outcome::Provisioned);
    assert_eq!(claim(&plan, "big").reasons[0].code, "limit-range");
}

#[test]
fn wait_for_first_consumer_waits_without_a_pod_and_provisions_with_one() {
    let pod = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: apps}\nspec:\n  containers: [{name: app, image: busybox, volumeMounts: [{name: data, mountPath: /data}]}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: used}}]\n";
    let yaml = WFFC_CLASS.to_owned()
        + &pvc("idle", "1Gi", "ReadWriteOnce", Some("local"), "")
        + &pvc("used", "1Gi", "ReadWriteOnce", Some("local"), "")
        + pod;
    let plan = plan(&yaml);
    assert_eq!(claim(&plan, "idle").outcome, Outcome::WaitingForConsumer);
    assert_eq!(claim(&plan, "used").outcome, Outcome::Provisioned);
}

#[test]
fn the_scheduler_picks_the_smallest_pv_without_a_group_preference() {
    // Under WaitForFirstConsumer the scheduler has no access-mode group preference (§1.11).
    let pod = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: apps}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n";
    let yaml = WFFC_CLASS.to_owned()
        + &pv("small-rwx", "1Gi", "ReadWriteOnce, ReadWriteMany", "local")
        + &pv("big-rwo", "5Gi", "ReadWriteOnce", "local")
        + &pvc("data", "1Gi", "ReadWriteOnce", Some("local"), "")
        + pod;
    assert_eq!(
        claim(&plan(&yaml), "data").volume.as_deref(),
        Some("small-rwx")
    );
}

#[test]
fn selectors_and_no_provisioner_block_provisioning() {
    let classes = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: example.com/fast\n---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: manual}\nprovisioner: kubernetes.io/no-provisioner\n";
    let yaml = classes.to_owned()
        + &pvc(
            "picky",
            "1Gi",
            "ReadWriteOnce",
            Some("fast"),
            "  selector: {matchLabels: {tier: gold}}\n",
        )
        + &pvc("manual", "1Gi", "ReadWriteOnce", Some("manual"), "");
    let plan = plan(&yaml);
    assert_eq!(
        claim(&plan, "picky").reasons[0].code,
        "selector-not-supported"
    );
    assert_eq!(claim(&plan, "manual").reasons[0].code, "no-provisioner");
}

#[test]
fn a_released_pv_is_not_rebound() {
    let released = "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: old}\nspec:\n  capacity: {storage: 5Gi}\n  accessModes: [ReadWriteOnce]\n  claimRef: {namespace: apps, name: data, uid: 1111}\n  nfs: {server: nfs.example.com, path: /old}\nstatus: {phase: Released}\n";
    let yaml = released.to_owned() + &pvc("data", "1Gi", "ReadWriteOnce", Some(""), "");
    let plan = plan(&yaml);
    assert_eq!(claim(&plan, "data").outcome, Outcome::Pending);
    assert_eq!(plan.volumes[0].phase, "Released");
}

#[test]
fn statefulset_templates_plan_one_claim_per_replica() {
    let sts = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: example.com/fast\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: apps}\nspec:\n  replicas: 3\n  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec:\n      containers: [{name: db, image: postgres, volumeMounts: [{name: data, mountPath: /d}]}]\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec:\n        storageClassName: fast\n        accessModes: [ReadWriteOnce]\n        resources: {requests: {storage: 1Gi}}\n";
    let plan = plan(sts);
    let names: Vec<&str> = plan
        .claims
        .iter()
        .map(|claim| claim.name.as_str())
        .collect();
    assert_eq!(names, ["data-db-0", "data-db-1", "data-db-2"]);
    assert!(
        plan.claims
            .iter()
            .all(|claim| claim.outcome == Outcome::Provisioned)
    );
    assert_eq!(plan.claims[0].source.kind, "statefulset");
}

#[test]
fn a_waiting_claim_is_provisioned_in_its_pods_zone_or_not_at_all() {
    let class = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: zonal}\nprovisioner: example.com/disk\nvolumeBindingMode: WaitForFirstConsumer\nallowedTopologies:\n- matchLabelExpressions:\n  - key: topology.kubernetes.io/zone\n    values: [a, b]\n";
    let pod = |name: &str, claim: &str, zone: &str| {
        format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: apps}}\nspec:\n  nodeSelector: {{topology.kubernetes.io/zone: {zone}}}\n  containers: [{{name: app, image: busybox}}]\n  volumes: [{{name: data, persistentVolumeClaim: {{claimName: {claim}}}}}]\n"
        )
    };
    let yaml = class.to_owned()
        + &pvc("in-b", "1Gi", "ReadWriteOnce", Some("zonal"), "")
        + &pvc("in-c", "1Gi", "ReadWriteOnce", Some("zonal"), "")
        + &pod("one", "in-b", "b")
        + &pod("two", "in-c", "c");
    let plan = plan(&yaml);
    let in_b = claim(&plan, "in-b");
    assert_eq!(in_b.outcome, Outcome::Provisioned);
    assert_eq!(in_b.zone.as_deref(), Some("b"));
    let in_c = claim(&plan, "in-c");
    assert_eq!(in_c.outcome, Outcome::Pending);
    assert_eq!(in_c.reasons[0].code, "topology-conflict");
}

#[test]
fn a_capacity_pool_runs_out_for_the_claim_that_crosses_it() {
    use pvlint::model::Quantity;
    use pvlint::provision::Backends;
    use pvlint::provision::backend::{AccessModeSupport, Backend, CapacityPool};

    let backend = Backend {
        name: "example.com/pool".to_owned(),
        provisions: true,
        access_modes: AccessModeSupport {
            filesystem: vec!["ReadWriteOnce".to_owned()],
            block: Vec::new(),
        },
        capacity: vec![CapacityPool {
            zone: None,
            capacity: Quantity::parse("10Gi").unwrap(),
        }],
        ..Backend::default()
    };
    let class = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: pool}\nprovisioner: example.com/pool\n";
    let yaml = class.to_owned()
        + &pvc("one", "4Gi", "ReadWriteOnce", Some("pool"), "")
        + &pvc("two", "4Gi", "ReadWriteOnce", Some("pool"), "")
        + &pvc("three", "4Gi", "ReadWriteOnce", Some("pool"), "");
    let inputs = Inputs {
        stdin: Some(yaml),
        ..Inputs::default()
    };
    let mut settings = Settings::default();
    settings.rules.clear();
    settings.backends = Backends::new(vec![backend]);
    let plan = pvlint::check(&inputs, &settings, SourceMap::default()).plan;
    assert_eq!(claim(&plan, "two").outcome, Outcome::Provisioned);
    let three = claim(&plan, "three");
    assert_eq!(three.outcome, Outcome::Pending);
    assert_eq!(three.reasons[0].code, "capacity-exceeded");
}

#[test]
fn a_pv_reserved_for_the_claim_binds_its_volume_name_without_checks() {
    // §1.6 case B: the PV's claimRef already names the claim, so the controller finishes the
    // binding without `checkVolumeSatisfyClaim`.
    let paired = "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: paired}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  claimRef: {namespace: apps, name: data}\n  nfs: {server: nfs.example.com, path: /p}\n";
    let yaml = paired.to_owned()
        + &pvc(
            "data",
            "5Gi",
            "ReadWriteOnce",
            Some(""),
            "  volumeName: paired\n",
        );
    let plan = plan(&yaml);
    assert_eq!(claim(&plan, "data").volume.as_deref(), Some("paired"));
}

#[test]
fn volume_mismatches_say_which_check_failed() {
    let yaml = pv("rwo", "10Gi", "ReadWriteOnce", "")
        + &pv("manual", "10Gi", "ReadWriteOnce", "manual")
        + &pvc(
            "modes",
            "1Gi",
            "ReadWriteMany",
            Some(""),
            "  volumeName: rwo\n",
        )
        + &pvc(
            "class",
            "1Gi",
            "ReadWriteOnce",
            Some(""),
            "  volumeName: manual\n",
        );
    let plan = plan(&yaml);
    let modes = &claim(&plan, "modes").reasons[0];
    assert_eq!(
        (modes.code, modes.kind),
        ("volume-mismatch", Some("access-modes"))
    );
    assert_eq!(modes.related.len(), 1);
    let class = &claim(&plan, "class").reasons[0];
    assert_eq!(class.kind, Some("class"));
    assert!(
        class
            .text
            .contains("has class `manual`, the claim no class"),
        "{class:?}"
    );
}

#[test]
fn a_static_mismatch_wins_over_a_volume_another_claim_took() {
    // `first` binds `only` through matching; `second` names it but is also too big for it:
    // the size is what stays wrong whatever the creation order.
    let yaml = pv("only", "5Gi", "ReadWriteOnce", "")
        + &pvc("first", "1Gi", "ReadWriteOnce", Some(""), "")
        + &pvc(
            "second",
            "10Gi",
            "ReadWriteOnce",
            Some(""),
            "  volumeName: only\n",
        )
        + &pvc(
            "third",
            "1Gi",
            "ReadWriteOnce",
            Some(""),
            "  volumeName: only\n",
        );
    let plan = plan(&yaml);
    assert_eq!(claim(&plan, "first").volume.as_deref(), Some("only"));
    assert_eq!(claim(&plan, "second").reasons[0].kind, Some("capacity"));
    assert_eq!(claim(&plan, "third").reasons[0].kind, Some("taken"));
}

#[test]
fn two_claims_naming_one_pv_are_shared() {
    let yaml = pv("only", "5Gi", "ReadWriteOnce", "")
        + &pvc(
            "first",
            "1Gi",
            "ReadWriteOnce",
            Some(""),
            "  volumeName: only\n",
        )
        + &pvc(
            "second",
            "1Gi",
            "ReadWriteOnce",
            Some(""),
            "  volumeName: only\n",
        );
    let plan = plan(&yaml);
    let second = &claim(&plan, "second").reasons[0];
    assert_eq!(second.kind, Some("shared"));
    assert!(
        second
            .text
            .contains("claim `first` names volume `only` too"),
        "{second:?}"
    );
}

#[test]
fn mentions_patches_and_unwritten_namespaces_count_as_consumers() {
    let release = "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: grafana, namespace: apps}\nspec:\n  values: {persistence: {existingClaim: grafana}}\n";
    let pod = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: shipper}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: logs, persistentVolumeClaim: {claimName: logs}}]\n";
    let yaml = WFFC_CLASS.to_owned()
        + &pvc("grafana", "1Gi", "ReadWriteOnce", Some("local"), "")
        + &pvc("logs", "1Gi", "ReadWriteOnce", Some("local"), "")
        + &pvc("idle", "1Gi", "ReadWriteOnce", Some("local"), "")
        + release
        + pod;
    let plan = plan(&yaml);
    assert_eq!(claim(&plan, "grafana").outcome, Outcome::Provisioned);
    assert_eq!(claim(&plan, "logs").outcome, Outcome::Provisioned);
    assert_eq!(claim(&plan, "idle").outcome, Outcome::WaitingForConsumer);
}

fn pinned_pv(name: &str, key: &str, value: &str, claim: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}}}\nspec:\n  capacity: {{storage: 10Gi}}\n  accessModes: [ReadWriteOnce]\n  storageClassName: local\n  claimRef: {{namespace: apps, name: {claim}}}\n  local: {{path: /mnt/{name}}}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n        - matchExpressions: [{{key: {key}, operator: In, values: [{value}]}}]\n"
    )
}

fn pod_with(claims: &[&str], extra: &str) -> String {
    let volumes: Vec<String> = claims
        .iter()
        .map(|claim| format!("{{name: {claim}, persistentVolumeClaim: {{claimName: {claim}}}}}"))
        .collect();
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: app, namespace: apps}}\nspec:\n{extra}  containers: [{{name: app, image: busybox}}]\n  volumes: [{}]\n",
        volumes.join(", ")
    )
}

#[test]
fn volumes_pinned_to_different_nodes_make_the_pod_unschedulable() {
    let yaml = pinned_pv("a", "kubernetes.io/hostname", "node-1", "data")
        + &pinned_pv("b", "kubernetes.io/hostname", "node-2", "logs")
        + &pvc("data", "1Gi", "ReadWriteOnce", Some("local"), "")
        + &pvc("logs", "1Gi", "ReadWriteOnce", Some("local"), "")
        + &pod_with(&["data", "logs"], "");
    let plan = plan(&yaml);
    let pod = &plan.pods[0];
    assert!(!pod.schedulable);
    assert_eq!(pod.reasons[0].code, "volumes-pinned-apart");
    assert!(pod.reasons[0].at.is_some());
    // The earlier claim's mount, and both PVs' affinity.
    assert_eq!(pod.reasons[0].related.len(), 3);
}

#[test]
fn a_node_selector_that_excludes_the_volume_zone_makes_the_pod_unschedulable() {
    let yaml = pinned_pv("a", "topology.kubernetes.io/zone", "zone-a", "data")
        + &pvc("data", "1Gi", "ReadWriteOnce", Some("local"), "")
        + &pod_with(
            &["data"],
            "  nodeSelector: {topology.kubernetes.io/zone: zone-b}\n",
        );
    let excluded = plan(&yaml);
    assert_eq!(excluded.pods[0].reasons[0].code, "pod-excludes-volume");
    let fine = pinned_pv("a", "topology.kubernetes.io/zone", "zone-a", "data")
        + &pvc("data", "1Gi", "ReadWriteOnce", Some("local"), "")
        + &pod_with(
            &["data"],
            "  nodeSelector: {topology.kubernetes.io/zone: zone-a}\n",
        );
    assert!(plan(&fine).pods[0].schedulable);
}

#[test]
fn volumes_the_scheduler_chooses_follow_the_pod() {
    // Under WaitForFirstConsumer the scheduler picks PVs that fit one node together, so the
    // PVs the dry run picks do not pin the pod.
    let free = |name: &str, size: &str, node: &str| {
        format!(
            "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}}}\nspec:\n  capacity: {{storage: {size}}}\n  accessModes: [ReadWriteOnce]\n  storageClassName: local\n  local: {{path: /mnt/{name}}}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n        - matchExpressions: [{{key: kubernetes.io/hostname, operator: In, values: [{node}]}}]\n"
        )
    };
    let yaml = WFFC_CLASS.to_owned()
        + &free("a", "10Gi", "node-1")
        + &free("b", "20Gi", "node-2")
        + &free("c", "20Gi", "node-1")
        + &pvc("cache", "5Gi", "ReadWriteOnce", Some("local"), "")
        + &pvc("index", "15Gi", "ReadWriteOnce", Some("local"), "")
        + &pod_with(&["cache", "index"], "");
    let plan = plan(&yaml);
    assert!(claim(&plan, "cache").follows_pod);
    assert!(plan.pods[0].schedulable, "{:?}", plan.pods[0].reasons);
}

#[test]
fn admission_refusals_point_at_the_quota_and_the_limit() {
    let quota = "---\napiVersion: v1\nkind: ResourceQuota\nmetadata: {name: storage, namespace: apps}\nspec:\n  hard: {persistentvolumeclaims: \"1\"}\n";
    let range = "---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: claims, namespace: apps}\nspec:\n  limits:\n    - type: PersistentVolumeClaim\n      max: {storage: 10Gi}\n";
    let yaml = quota.to_owned()
        + range
        + &pvc("one", "1Gi", "ReadWriteOnce", Some(""), "")
        + &pvc("two", "1Gi", "ReadWriteOnce", Some(""), "")
        + &pvc("big", "20Gi", "ReadWriteOnce", Some(""), "");
    let plan = plan(&yaml);
    let two = &claim(&plan, "two").reasons[0];
    assert_eq!((two.code, two.kind), ("quota-exceeded", Some("count")));
    assert_eq!(two.related.len(), 1);
    let big = &claim(&plan, "big").reasons[0];
    assert_eq!((big.code, big.kind), ("limit-range", Some("max")));
    assert!(big.text.ends_with("but request is 20Gi"), "{big:?}");
}

#[test]
fn migrated_in_tree_provisioners_provision_and_removed_ones_do_not() {
    let classes = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: px}\nprovisioner: kubernetes.io/portworx-volume\n---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: gluster}\nprovisioner: kubernetes.io/glusterfs\n";
    let yaml = classes.to_owned()
        + &pvc("px", "1Gi", "ReadWriteOnce", Some("px"), "")
        + &pvc("gluster", "1Gi", "ReadWriteOnce", Some("gluster"), "");
    let plan = plan(&yaml);
    assert_eq!(claim(&plan, "px").outcome, Outcome::Provisioned);
    let gluster = claim(&plan, "gluster");
    assert_eq!(gluster.outcome, Outcome::Pending);
    assert_eq!(gluster.reasons[0].code, "in-tree-provisioner");
}

#[test]
fn drivers_round_before_checking_the_minimum() {
    // EBS rounds 100Mi up to 1Gi, which gp3 accepts; io1 needs 4Gi even after rounding.
    let classes = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: gp3}\nprovisioner: ebs.csi.aws.com\n---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: io1}\nprovisioner: ebs.csi.aws.com\nparameters: {type: io1}\n";
    let yaml = classes.to_owned()
        + &pvc("tiny", "100Mi", "ReadWriteOnce", Some("gp3"), "")
        + &pvc("small", "1500Mi", "ReadWriteOnce", Some("io1"), "");
    let plan = plan(&yaml);
    let tiny = claim(&plan, "tiny");
    assert_eq!(tiny.outcome, Outcome::Provisioned);
    assert_eq!(tiny.size, Some(1 << 30));
    assert_eq!(tiny.reasons[0].code, "size-rounded");
    let small = claim(&plan, "small");
    assert_eq!(small.outcome, Outcome::Pending);
    let reason = &small.reasons[0];
    assert_eq!(reason.code, "size-below-minimum");
    assert_eq!(reason.value.as_deref(), Some("4Gi"));
    let choice = reason.parameter.as_deref().unwrap();
    assert_eq!(
        (choice.key.as_str(), choice.value.as_str()),
        ("type", "io1")
    );
    assert!(!choice.defaulted);
}

#[test]
fn clones_and_restores_need_their_own_capability_and_populators_none() {
    let class = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: efs}\nprovisioner: efs.csi.aws.com\n";
    let yaml = class.to_owned()
        + &pvc("source", "1Gi", "ReadWriteOnce", Some("efs"), "")
        + &pvc(
            "copy",
            "1Gi",
            "ReadWriteOnce",
            Some("efs"),
            "  dataSource: {kind: PersistentVolumeClaim, name: source}\n",
        )
        + &pvc(
            "seeded",
            "1Gi",
            "ReadWriteOnce",
            Some("efs"),
            "  dataSourceRef: {apiGroup: example.com, kind: Seed, name: seed}\n",
        );
    let plan = plan(&yaml);
    let copy = claim(&plan, "copy");
    assert_eq!(copy.reasons[0].code, "data-source-unsupported");
    assert_eq!(
        copy.reasons[0].value.as_deref(),
        Some("PersistentVolumeClaim")
    );
    assert!(
        claim(&plan, "seeded")
            .reasons
            .iter()
            .all(|reason| reason.code != "data-source-unsupported")
    );
}

#[test]
fn refused_access_modes_are_named() {
    let class = "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: gp3}\nprovisioner: ebs.csi.aws.com\n";
    let yaml = class.to_owned() + &pvc("shared", "1Gi", "ReadWriteMany", Some("gp3"), "");
    let plan = plan(&yaml);
    let reason = &claim(&plan, "shared").reasons[0];
    assert_eq!(reason.code, "access-mode-unsupported");
    assert_eq!(reason.value.as_deref(), Some("ReadWriteMany"));
}
