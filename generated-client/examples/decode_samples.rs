//! Decodes saved real answers (and requests) with the generated types and
//! says which do not fit: `decode_samples DIR`. Each file is
//! `{"command", "kind": "response"|"request", "body", "error"?}`; failure
//! bodies decode with the failure type. Prints one line per failure and a
//! summary line last; exits 1 when any sample does not decode.

use generated_client::types::{registry, ApiFailure};
use serde_json::Value;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: decode_samples DIR");
        return ExitCode::from(2);
    };
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            eprintln!("{dir}: {e}");
            return ExitCode::from(2);
        }
    };
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let (mut ok, mut failed, mut unknown) = (0, 0, 0);
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let sample: Value = match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                println!("unreadable {name}: {e}");
                failed += 1;
                continue;
            }
        };
        let command = sample["command"].as_str().unwrap_or_default();
        let body = sample["body"].clone();
        let result = if sample["error"].as_bool() == Some(true) {
            serde_json::from_value::<ApiFailure>(body).map(|_| ()).map_err(|e| e.to_string())
        } else {
            match registry::lookup(command) {
                None => {
                    unknown += 1;
                    println!("unknown command {command} ({name})");
                    continue;
                }
                Some(c) if sample["kind"] == "request" => c.roundtrip_request(body).map(|_| ()),
                Some(c) => c.roundtrip_response(body).map(|_| ()),
            }
        };
        match result {
            Ok(()) => ok += 1,
            Err(e) => {
                failed += 1;
                println!("does not decode: {name} ({command}): {e}");
            }
        }
    }
    println!(
        "decoded {ok} of {} samples; {failed} do not decode, {unknown} name commands this spec lacks",
        files.len()
    );
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
