//! Where the workspace is: the generator reads `spec/` and writes
//! `generated-client/` of the workspace it runs in, not of the one it was
//! compiled in (a binary installed with `cargo install`, or copied into a CI
//! image, must work on any checkout).

use std::path::{Path, PathBuf};

/// The workspace that holds `start`: the nearest folder, from `start` up,
/// with a `Cargo.toml` that declares `[workspace]` and a `spec/` folder.
pub fn find_root(start: &Path) -> Result<PathBuf, String> {
    start.ancestors().find(|dir| is_root(dir)).map(Path::to_path_buf).ok_or_else(|| {
        format!(
            "no workspace found in {} or above (a folder with a Cargo.toml that declares [workspace] \
             and a spec/ folder); run the generator inside one, or pass --root DIR",
            start.display()
        )
    })
}

fn is_root(dir: &Path) -> bool {
    dir.join("spec").is_dir()
        && std::fs::read_to_string(dir.join("Cargo.toml"))
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .is_some_and(|manifest| manifest.contains_key("workspace"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn the_nearest_workspace_with_a_spec_folder() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        fs::write(top.join("Cargo.toml"), "[workspace]\nmembers = [\"generator\"]\n").unwrap();
        fs::create_dir_all(top.join("spec/seeds")).unwrap();
        // A member crate has its own Cargo.toml, without [workspace].
        fs::create_dir_all(top.join("generator/src")).unwrap();
        fs::write(top.join("generator/Cargo.toml"), "[package]\nname = \"generator\"\n").unwrap();
        assert_eq!(find_root(&top.join("generator/src")).unwrap(), top);
        assert_eq!(find_root(&top.join("spec/seeds")).unwrap(), top);
        assert_eq!(find_root(top).unwrap(), top);
        // A workspace without spec/ is not the generator's.
        fs::remove_dir_all(top.join("spec")).unwrap();
        let error = find_root(&top.join("generator")).unwrap_err();
        assert!(error.contains("--root") && error.contains("[workspace]"), "{error}");
    }
}
