//! What the fuzz targets share: splitting one fuzz input into several files.

/// The line that separates files in a fuzz input (and in the seeds `seed.sh` writes).
pub const SEPARATOR: &str = "\n#---8<---\n";

/// The names the files of an input get, in order: YAML, JSON and a kustomization, so that every
/// loader path is reached.
const NAMES: [&str; 4] = ["a.yaml", "b.json", "kustomization.yaml", "d/e.yml"];

/// Splits `text` at [`SEPARATOR`] into at most four named files.
#[must_use]
pub fn files(text: &str) -> Vec<(String, String)> {
    text.splitn(NAMES.len(), SEPARATOR)
        .zip(NAMES)
        .map(|(text, name)| (name.to_owned(), text.to_owned()))
        .collect()
}
