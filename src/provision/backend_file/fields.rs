//! Reading one model's tree into its fields, with every problem located at the offending key or
//! value, and finishing a [`Backend`] once its base is merged in.

use crate::load::tree::Node;
use crate::model::Quantity;
use crate::provision::backend::{
    AccessModeSupport, Backend, CapacityPool, Encryption, ParameterRule, ParameterRules,
    SizeByParameter, SizeLimits, SizeRules, Topology,
};
use crate::provision::backend_file::{BackendError, Draft};
use crate::source::Span;
use crate::spanned_yaml::{boolean, known_key, mapping, string, strings};

pub(crate) const KEYS: &[&str] = &[
    "name",
    "aliases",
    "description",
    "base",
    "abstract",
    "provisions",
    "attachable",
    "topology",
    "topology-keys",
    "zones",
    "access-modes",
    "requires-consumer",
    "expansion",
    "snapshots",
    "clones",
    "encryption",
    "mount-options",
    "parameters",
    "size",
    "capacity",
    "notes",
];

/// The four Kubernetes access modes, and the short forms people write.
pub(super) const ACCESS_MODES: [(&str, &str); 4] = [
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
];

/// What one model tree says, every key optional.
#[derive(Default)]
pub(super) struct Fields {
    pub(super) name: Option<(String, Span)>,
    aliases: Vec<String>,
    description: String,
    pub(super) base: Option<(String, Span)>,
    pub(super) is_abstract: bool,
    provisions: Option<bool>,
    attachable: Option<bool>,
    topology: Option<Topology>,
    topology_keys: Vec<String>,
    zones: Vec<String>,
    access_modes: Option<AccessModeSupport>,
    requires_consumer: Option<bool>,
    expansion: Option<bool>,
    snapshots: Option<bool>,
    clones: Option<bool>,
    encryption: Option<Encryption>,
    mount_options: Option<bool>,
    parameters: ParameterRules,
    size: SizeRules,
    capacity: Vec<CapacityPool>,
    notes: Vec<String>,
    /// Parameter names the model refers to outside `parameters.keys`, checked once the whole
    /// model (with its base) is known.
    references: Vec<(String, Span)>,
}

/// The entries of a mapping whose keys must be among `keys`; null values are left out (absent).
pub(super) fn entries<'n>(
    node: &'n Node,
    what: &str,
    keys: &[&'static str],
) -> Result<Vec<(&'static str, &'n Node)>, BackendError> {
    let mut found = Vec::new();
    for entry in mapping(node, what)? {
        let key = known_key(entry, keys)?;
        if !entry.value.is_null() {
            found.push((key, &entry.value));
        }
    }
    Ok(found)
}

pub(super) fn texts(node: &Node) -> Result<Vec<String>, BackendError> {
    Ok(strings(node)?.into_iter().map(|(text, _)| text).collect())
}

pub(super) fn non_empty(node: &Node) -> Result<(String, Span), BackendError> {
    let (text, span) = string(node)?;
    if text.trim().is_empty() {
        return Err(BackendError::new(span, "expected a non-empty string"));
    }
    Ok((text, span))
}

pub(super) fn read_model(root: &Node) -> Result<Fields, BackendError> {
    let mut fields = Fields::default();
    let mut references = Vec::new();
    for (key, value) in entries(root, "a backend model", KEYS)? {
        match key {
            "name" => fields.name = Some(non_empty(value)?),
            "aliases" => fields.aliases = texts(value)?,
            "description" => fields.description = string(value)?.0,
            "base" => fields.base = Some(non_empty(value)?),
            "abstract" => fields.is_abstract = boolean(value)?,
            "provisions" => fields.provisions = Some(boolean(value)?),
            "attachable" => fields.attachable = Some(boolean(value)?),
            "topology" => fields.topology = Some(topology(value)?),
            "topology-keys" => fields.topology_keys = texts(value)?,
            "zones" => fields.zones = texts(value)?,
            "access-modes" => fields.access_modes = Some(access_modes(value)?),
            "requires-consumer" => fields.requires_consumer = Some(boolean(value)?),
            "expansion" => fields.expansion = Some(boolean(value)?),
            "snapshots" => fields.snapshots = Some(boolean(value)?),
            "clones" => fields.clones = Some(boolean(value)?),
            "encryption" => fields.encryption = Some(encryption(value, &mut references)?),
            "mount-options" => fields.mount_options = Some(boolean(value)?),
            "parameters" => fields.parameters = parameters(value, &mut references)?,
            "size" => fields.size = size(value, &mut references)?,
            "capacity" => fields.capacity = capacity(value)?,
            _ => fields.notes = texts(value)?,
        }
    }
    fields.references = references;
    Ok(fields)
}

pub(super) fn topology(node: &Node) -> Result<Topology, BackendError> {
    const NAMES: [&str; 3] = ["zonal", "anywhere", "node-local"];
    let (text, span) = string(node)?;
    match text.as_str() {
        "zonal" => Ok(Topology::Zonal),
        "anywhere" => Ok(Topology::Anywhere),
        "node-local" => Ok(Topology::NodeLocal),
        _ => {
            let error = BackendError::new(span, format!("unknown topology `{text}`"));
            Err(match crate::suggest::closest(&text, NAMES) {
                Some(close) => error.with_help(format!("did you mean `{close}`?")),
                None => error.with_help("use `zonal`, `anywhere` or `node-local`"),
            })
        }
    }
}

pub(super) fn access_modes(node: &Node) -> Result<AccessModeSupport, BackendError> {
    let mut support = AccessModeSupport::default();
    for (key, value) in entries(node, "`access-modes`", &["filesystem", "block"])? {
        let modes = strings(value)?
            .into_iter()
            .map(|(mode, span)| access_mode(mode, span))
            .collect::<Result<_, _>>()?;
        if key == "filesystem" {
            support.filesystem = modes;
        } else {
            support.block = modes;
        }
    }
    Ok(support)
}

pub(super) fn access_mode(mode: String, span: Span) -> Result<String, BackendError> {
    if ACCESS_MODES.iter().any(|(name, _)| *name == mode) {
        return Ok(mode);
    }
    let error = BackendError::new(span, format!("`{mode}` is not a Kubernetes access mode"));
    let short = ACCESS_MODES
        .iter()
        .find(|(_, short)| short.eq_ignore_ascii_case(&mode))
        .map(|(name, _)| *name);
    let close = crate::suggest::closest(&mode, ACCESS_MODES.iter().map(|(name, _)| *name));
    Err(match (short, close) {
        (Some(name), _) | (None, Some(name)) => error.with_help(format!("write `{name}`")),
        (None, None) => error.with_help(
            "use `ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany` or `ReadWriteOncePod`",
        ),
    })
}

pub(super) fn encryption(
    node: &Node,
    references: &mut Vec<(String, Span)>,
) -> Result<Encryption, BackendError> {
    let mut parameter = None;
    let mut value = None;
    let mut implied_by = Vec::new();
    for (key, item) in entries(node, "`encryption`", &["parameter", "value", "implied-by"])? {
        match key {
            "parameter" => parameter = Some(non_empty(item)?),
            "value" => value = Some(string(item)?.0),
            _ => {
                for (name, span) in strings(item)? {
                    references.push((name.clone(), span));
                    implied_by.push(name);
                }
            }
        }
    }
    let (Some((parameter, span)), Some(value)) = (parameter, value) else {
        return Err(
            BackendError::new(node.span, "`encryption` needs a `parameter` and a `value`")
                .with_help("write `{parameter: encrypted, value: \"true\"}`"),
        );
    };
    references.push((parameter.clone(), span));
    Ok(Encryption {
        parameter,
        value,
        implied_by,
    })
}

pub(super) fn parameters(
    node: &Node,
    references: &mut Vec<(String, Span)>,
) -> Result<ParameterRules, BackendError> {
    const KEYS: [&str; 5] = [
        "case-insensitive",
        "strict",
        "keys",
        "prefixes",
        "reserved-prefixes",
    ];
    let mut rules = ParameterRules::default();
    for (key, value) in entries(node, "`parameters`", &KEYS)? {
        match key {
            "case-insensitive" => rules.case_insensitive = boolean(value)?,
            "strict" => rules.strict = boolean(value)?,
            "keys" => {
                for entry in mapping(value, "`keys`")? {
                    let (name, _) = non_empty(&entry.key)?;
                    let rule = parameter_rule(&entry.value, references)?;
                    rules.keys.insert(name, rule);
                }
            }
            "prefixes" => rules.prefixes = texts(value)?,
            _ => rules.reserved_prefixes = texts(value)?,
        }
    }
    Ok(rules)
}

/// One parameter: null (accepted, nothing more known), a string (its description), or a
/// mapping.
pub(super) fn parameter_rule(
    node: &Node,
    references: &mut Vec<(String, Span)>,
) -> Result<ParameterRule, BackendError> {
    const KEYS: [&str; 7] = [
        "values",
        "pattern",
        "required",
        "conflicts",
        "requires",
        "description",
        "default",
    ];
    let mut rule = ParameterRule::default();
    if node.is_null() {
        return Ok(rule);
    }
    if node.as_scalar().is_some() {
        rule.description = Some(string(node)?.0);
        return Ok(rule);
    }
    for (key, value) in entries(node, "a parameter", &KEYS)? {
        match key {
            "values" => rule.values = texts(value)?,
            "pattern" => rule.pattern = Some(pattern(value)?),
            "required" => rule.required = boolean(value)?,
            "conflicts" => rule.conflicts = texts(value)?,
            "requires" => {
                for entry in mapping(value, "`requires`")? {
                    let (name, span) = non_empty(&entry.key)?;
                    let values = if entry.value.is_null() {
                        Vec::new()
                    } else if entry.value.as_sequence().is_some() {
                        texts(&entry.value)?
                    } else {
                        vec![string(&entry.value)?.0]
                    };
                    references.push((name.clone(), span));
                    rule.requires.insert(name, values);
                }
            }
            "description" => rule.description = Some(string(value)?.0),
            _ => rule.default = Some(string(value)?.0),
        }
    }
    Ok(rule)
}

/// A regular expression, checked as the anchored pattern it is used as.
pub(super) fn pattern(node: &Node) -> Result<String, BackendError> {
    let (text, span) = string(node)?;
    match regex::Regex::new(&format!("^(?:{text})$")) {
        Ok(_) => Ok(text),
        Err(error) => Err(
            BackendError::new(span, format!("invalid regular expression `{text}`"))
                .with_help(error.to_string()),
        ),
    }
}

pub(super) fn size(
    node: &Node,
    references: &mut Vec<(String, Span)>,
) -> Result<SizeRules, BackendError> {
    const KEYS: [&str; 6] = [
        "step",
        "raise-to-min",
        "ignored",
        "min",
        "max",
        "by-parameter",
    ];
    let mut rules = SizeRules::default();
    for (key, value) in entries(node, "`size`", &KEYS)? {
        match key {
            "step" => {
                let step = quantity(value)?;
                if step.signum() == 0 {
                    return Err(BackendError::new(value.span, "`step` must be positive"));
                }
                rules.step = Some(step);
            }
            "raise-to-min" => rules.raise_to_min = boolean(value)?,
            "ignored" => rules.ignored = boolean(value)?,
            "min" | "max" => {}
            _ => rules.by_parameter = Some(by_parameter(value, references)?),
        }
    }
    rules.limits = limits(node, &KEYS)?;
    Ok(rules)
}

pub(super) fn by_parameter(
    node: &Node,
    references: &mut Vec<(String, Span)>,
) -> Result<SizeByParameter, BackendError> {
    let mut parameter = None;
    let mut by = SizeByParameter::default();
    for (key, value) in entries(node, "`by-parameter`", &["parameter", "default", "values"])? {
        match key {
            "parameter" => parameter = Some(non_empty(value)?),
            "default" => by.default_value = Some(string(value)?.0),
            _ => {
                for entry in mapping(value, "`values`")? {
                    let (name, _) = string(&entry.key)?;
                    let limits = limits(&entry.value, &["min", "max"])?;
                    by.values.insert(name, limits);
                }
            }
        }
    }
    let Some((parameter, span)) = parameter else {
        return Err(
            BackendError::new(node.span, "`by-parameter` needs a `parameter`")
                .with_help("name the class parameter whose value chooses the limits"),
        );
    };
    references.push((parameter.clone(), span));
    by.parameter = parameter;
    Ok(by)
}

/// The `min` and `max` of a mapping whose other keys are `keys`.
pub(super) fn limits(node: &Node, keys: &[&'static str]) -> Result<SizeLimits, BackendError> {
    let mut limits = SizeLimits::default();
    let mut max_span = node.span;
    for (key, value) in entries(node, "size limits", keys)? {
        match key {
            "min" => limits.min = Some(quantity(value)?),
            "max" => {
                limits.max = Some(quantity(value)?);
                max_span = value.span;
            }
            _ => {}
        }
    }
    if let (Some(min), Some(max)) = (&limits.min, &limits.max)
        && max < min
    {
        return Err(BackendError::new(
            max_span,
            format!("`max` `{max}` is below `min` `{min}`"),
        ));
    }
    Ok(limits)
}

pub(super) fn quantity(node: &Node) -> Result<Quantity, BackendError> {
    let (text, span) = string(node)?;
    let quantity = Quantity::parse(&text).map_err(|error| {
        BackendError::new(span, format!("`{text}` is not a quantity: {error}"))
            .with_help("write a Kubernetes quantity such as `1Gi` or `16Ti`")
    })?;
    if quantity.signum() < 0 {
        return Err(BackendError::new(span, format!("`{text}` is negative")));
    }
    Ok(quantity)
}

pub(super) fn capacity(node: &Node) -> Result<Vec<CapacityPool>, BackendError> {
    let items = node
        .as_sequence()
        .ok_or_else(|| BackendError::new(node.span, "expected a list of `{zone, capacity}`"))?;
    items
        .iter()
        .map(|item| {
            let mut zone = None;
            let mut capacity = None;
            for (key, value) in entries(item, "a capacity pool", &["zone", "capacity"])? {
                if key == "zone" {
                    zone = Some(string(value)?.0);
                } else {
                    capacity = Some(quantity(value)?);
                }
            }
            let capacity = capacity.ok_or_else(|| {
                BackendError::new(item.span, "a capacity pool needs a `capacity`")
            })?;
            Ok(CapacityPool { zone, capacity })
        })
        .collect()
}

/// The [`Backend`] of a concrete model's merged tree: every required fact present and every
/// parameter reference known.
pub(super) fn finish(
    fields: Fields,
    draft: &Draft,
    span: Option<Span>,
) -> Result<Backend, BackendError> {
    let missing = |what: &str, key: &str| {
        BackendError::new(
            draft.name_span,
            format!("backend model `{}` does not say {what}", draft.name),
        )
        .with_help(format!("add `{key}:`, or inherit it with `base:`"))
    };
    let parameters = fields.parameters;
    for (name, reference) in &fields.references {
        let known = parameters.keys.keys().any(|key| {
            if parameters.case_insensitive {
                key.eq_ignore_ascii_case(name)
            } else {
                key == name
            }
        });
        if !known {
            let error = BackendError::new(
                *reference,
                format!("`{name}` is not one of the model's `parameters.keys`"),
            );
            return Err(
                match crate::suggest::closest(name, parameters.keys.keys().map(String::as_str)) {
                    Some(close) => error.with_help(format!("did you mean `{close}`?")),
                    None => error.with_help(format!("add `{name}` under `parameters.keys`")),
                },
            );
        }
    }
    Ok(Backend {
        source: draft.source.clone(),
        span,
        name: draft.name.clone(),
        aliases: fields.aliases,
        description: fields.description,
        provisions: fields.provisions.unwrap_or(true),
        attachable: fields
            .attachable
            .ok_or_else(|| missing("whether its volumes are attachable", "attachable"))?,
        topology: fields
            .topology
            .ok_or_else(|| missing("how its volumes reach nodes", "topology"))?,
        topology_keys: fields.topology_keys,
        zones: fields.zones,
        access_modes: fields
            .access_modes
            .ok_or_else(|| missing("which access modes it provides", "access-modes"))?,
        requires_consumer: fields.requires_consumer.unwrap_or(false),
        expansion: fields
            .expansion
            .ok_or_else(|| missing("whether it can expand volumes", "expansion"))?,
        snapshots: fields
            .snapshots
            .ok_or_else(|| missing("whether it can snapshot volumes", "snapshots"))?,
        clones: fields
            .clones
            .ok_or_else(|| missing("whether it can clone volumes", "clones"))?,
        encryption: fields.encryption,
        mount_options: fields
            .mount_options
            .ok_or_else(|| missing("whether it passes mount options", "mount-options"))?,
        parameters,
        size: fields.size,
        capacity: fields.capacity,
        notes: fields.notes,
    })
}
